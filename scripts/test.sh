#!/usr/bin/env bash
# Every test, as CI runs them: sets up a pinned moto_server (PyPI "moto[server]") in a venv
# under target/, starts it on a free 127.0.0.1 port, runs `cargo test` with the endpoint tests
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

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
mkdir -p target
"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" > target/moto.log 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true' EXIT

# Wait for it to answer (bounded: 15 s).
python3 - "$port" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
deadline = time.time() + 15
while time.time() < deadline:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit("moto_server did not start; see target/moto.log")
PY

export LAMBDA_DOCTOR_TEST_ENDPOINT="http://127.0.0.1:$port"
export AWS_EC2_METADATA_DISABLED=true
cargo test --locked -- --include-ignored "$@"
