#!/usr/bin/env bash
# `lambda-doctor check` on one function against a local moto_server, next to a single
# `aws lambda get-function-configuration` process (the aws CLI from PyPI, in target/bench-venv).
# Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }

MOTO_VERSION=5.2.5
venv=target/moto-venv
if ! "$venv/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi
[ -x target/bench-venv/bin/aws ] || { python3 -m venv target/bench-venv; target/bench-venv/bin/pip install --quiet awscli; }
cargo build --release --quiet

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" > target/moto-bench.log 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
endpoint="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
"$venv/bin/python" - "$endpoint" <<'PY'
import io, json, sys, time, zipfile, boto3
endpoint = sys.argv[1]
for _ in range(50):
    try:
        iam = boto3.client("iam", endpoint_url=endpoint); iam.list_roles(); break
    except Exception:
        time.sleep(0.2)
lam = boto3.client("lambda", endpoint_url=endpoint)
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
role = iam.create_role(RoleName="bench-role", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
for i in range(3):
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", f"s3:GetObject"], "Resource": "*"}]}
    arn = iam.create_policy(PolicyName=f"bench-{i}", PolicyDocument=json.dumps(doc))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="bench-role", PolicyArn=arn)
iam.put_role_policy(RoleName="bench-role", PolicyName="inline", PolicyDocument=json.dumps(doc))
buf = io.BytesIO(); zipfile.ZipFile(buf, "w").writestr("app.py", "def handler(e, c): return 1")
lam.create_function(FunctionName="bench", Runtime="python3.12", Role=role, Handler="app.handler", Code={"ZipFile": buf.getvalue()})
PY

hyperfine -N -i --warmup 5 --runs 50 --export-markdown target/bench-check.md \
  "target/release/lambda-doctor check bench --endpoint-url $endpoint --output json" \
  "target/bench-venv/bin/aws lambda get-function-configuration --function-name bench --endpoint-url $endpoint"
echo "results: target/bench-check.md"
