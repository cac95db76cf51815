#!/usr/bin/env bash
# `lambda-doctor check` on one function against a local moto_server, next to a single
# `aws lambda get-function-configuration` process and to the sequence of aws CLI calls that
# gathers the same information (the aws CLI from PyPI, in target/bench-venv); and how many API
# calls each makes. Not part of the test suite.
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

aws=target/bench-venv/bin/aws
# The same reads, one aws CLI process each (as a person would run them).
cat > target/bench-cli-sequence.sh <<SH
set -e
e="--endpoint-url $endpoint --output json"
$aws lambda get-function-configuration --function-name bench \$e >/dev/null
$aws lambda get-policy --function-name bench \$e >/dev/null 2>&1 || true
$aws lambda list-event-source-mappings --function-name bench \$e >/dev/null
$aws lambda get-function-url-config --function-name bench \$e >/dev/null 2>&1 || true
$aws iam get-role --role-name bench-role \$e >/dev/null
$aws iam list-attached-role-policies --role-name bench-role \$e >/dev/null
$aws iam list-role-policies --role-name bench-role \$e >/dev/null
$aws iam get-role-policy --role-name bench-role --policy-name inline \$e >/dev/null
for i in 0 1 2; do
  $aws iam get-policy --policy-arn arn:aws:iam::123456789012:policy/bench-\$i \$e >/dev/null
  $aws iam get-policy-version --policy-arn arn:aws:iam::123456789012:policy/bench-\$i --version-id v1 \$e >/dev/null
done
SH

# API calls: count the requests moto logs for one run of each.
count() { local before after; before=$(grep -c '" 20[0-9] \|" 40[0-9] ' target/moto-bench.log || true); "$@" >/dev/null 2>&1 || true; after=$(grep -c '" 20[0-9] \|" 40[0-9] ' target/moto-bench.log || true); echo $((after - before)); }
echo "API calls: lambda-doctor check $(count target/release/lambda-doctor check bench --endpoint-url "$endpoint"), aws CLI sequence $(count bash target/bench-cli-sequence.sh)" | tee target/bench-check-calls.txt

hyperfine -N -i --warmup 5 --runs 50 --export-markdown target/bench-check.md \
  "target/release/lambda-doctor check bench --endpoint-url $endpoint --output json" \
  "$aws lambda get-function-configuration --function-name bench --endpoint-url $endpoint"
hyperfine -N -i --warmup 1 --runs 5 --export-markdown target/bench-check-sequence.md \
  "bash target/bench-cli-sequence.sh"

# The critical path in round trips: the same check through a proxy that delays every request
# by 100 ms. Sequential calls would take 15 x 100 ms; the time over the undelayed run, divided
# by 100 ms, is the number of round trips on the critical path.
proxy_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$venv/bin/python" - "$proxy_port" "$endpoint" > target/bench-proxy.log 2>&1 <<'PY' &
import http.server, sys, time, urllib.request, urllib.error
port, upstream = int(sys.argv[1]), sys.argv[2]
class Delay(http.server.BaseHTTPRequestHandler):
    def relay(self):
        time.sleep(0.1)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        req = urllib.request.Request(upstream + self.path, data=body or None, method=self.command,
                                     headers={k: v for k, v in self.headers.items() if k.lower() != "host"})
        req.add_unredirected_header("Host", self.headers["Host"])
        try:
            r = urllib.request.urlopen(req)
        except urllib.error.HTTPError as e:
            r = e
        data = r.read()
        self.send_response(r.status)
        for k, v in r.headers.items():
            if k.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    do_GET = do_POST = do_PUT = do_DELETE = relay
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), Delay).serve_forever()
PY
pids="$pid $!"
trap 'kill $pids 2>/dev/null || true' EXIT
sleep 1
hyperfine -N -i --warmup 1 --runs 10 --export-markdown target/bench-check-latency.md \
  "target/release/lambda-doctor check bench --endpoint-url http://127.0.0.1:$proxy_port --output json"
echo "results: target/bench-check.md, target/bench-check-sequence.md, target/bench-check-latency.md, target/bench-check-calls.txt"
