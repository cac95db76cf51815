#!/usr/bin/env bash
# Every test, as CI runs them: sets up a pinned moto_server (PyPI "moto[server]") in a venv
# under target/, starts two of them on free 127.0.0.1 ports (one enforcing IAM), runs `cargo test` with the endpoint tests
# included, and stops the server. Without this script, `cargo test` reports the endpoint tests
# as ignored.
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION=5.2.5
venv=target/moto-venv
if ! "$venv/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
  echo "setting up moto_server $MOTO_VERSION in $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits (bounded: 15 s) until a server answers on a port.
wait_for() {
  python3 - "$1" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
deadline = time.time() + 15
while time.time() < deadline:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit("moto_server did not start; see target/moto*.log")
PY
}

mkdir -p target
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# One server for the scenarios (no IAM checks)...
port=$(free_port)
# AWS managed policies (AWSLambdaVPCAccessExecutionRole...) exist as in a real account.
MOTO_IAM_LOAD_MANAGED_POLICIES=true "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" > target/moto.log 2>&1 &
pids+=($!)
# ...and one that enforces IAM after the first three calls (tests/live_auth.rs creates an
# administrator with them), to prove the published read-only policy is enough.
auth_port=$(free_port)
INITIAL_NO_AUTH_ACTION_COUNT=3 "$venv/bin/python" scripts/moto_server_iam.py -H 127.0.0.1 -p "$auth_port" > target/moto-auth.log 2>&1 &
pids+=($!)
wait_for "$port"
wait_for "$auth_port"

export LAMBDA_DOCTOR_TEST_ENDPOINT="http://127.0.0.1:$port"
export LAMBDA_DOCTOR_TEST_AUTH_ENDPOINT="http://127.0.0.1:$auth_port"
export AWS_EC2_METADATA_DISABLED=true
cargo test --locked -- --include-ignored "$@"
