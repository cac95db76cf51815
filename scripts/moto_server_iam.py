"""moto_server with IAM enforcement that also verifies Lambda's GET requests.

moto 5.2.5 recomputes a request's SigV4 signature from the raw body, or, when the body is
empty, from the parameters it parsed from the request; for Lambda's REST GET calls
(GetFunctionConfiguration, GetPolicy...) that gives a payload the client never signed, so every
such call fails with SignatureDoesNotMatch (boto3's too). A GET has no payload: this wrapper
signs it as empty and starts the ordinary server. Signatures are still checked, access keys
must still exist, and every action is still authorized against the caller's IAM policies.

Used by scripts/test.sh with INITIAL_NO_AUTH_ACTION_COUNT set.
"""

import sys

from moto.iam import access_control

_create = access_control.IAMRequestBase._create_aws_request


def _create_signed_as_sent(self):
    if not self._body and self._method in ("GET", "HEAD", "DELETE"):
        self._data = b""
    return _create(self)


access_control.IAMRequestBase._create_aws_request = _create_signed_as_sent

from moto.server import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
