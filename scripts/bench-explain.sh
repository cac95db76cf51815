#!/usr/bin/env bash
# Whole-process timing of `lambda-doctor explain` on one message, with hyperfine, next to
# AWS's `iam-policy-autopilot fix-access-denied` on the same message (installed from PyPI into
# target/bench-venv when missing). Not part of the test suite.
#
#   scripts/bench-explain.sh            # both tools
#   SKIP_AUTOPILOT=1 scripts/bench-explain.sh
set -euo pipefail
cd "$(dirname "$0")/.."

command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
cargo build --release --quiet
bin=target/release/lambda-doctor

msg='User: arn:aws:iam::123456789012:user/marymajor is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/app-exec because no identity-based policy allows the iam:PassRole action'

cmds=("$bin explain '$msg' --output json" "$bin explain '$msg'")
if [ -z "${SKIP_AUTOPILOT:-}" ]; then
  ipa=target/bench-venv/bin/iam-policy-autopilot
  if [ ! -x "$ipa" ]; then
    python3 -m venv target/bench-venv
    target/bench-venv/bin/pip install --quiet iam-policy-autopilot
  fi
  export DISABLE_IAM_POLICY_AUTOPILOT_TELEMETRY=true AWS_EC2_METADATA_DISABLED=true
  cmds+=("$ipa fix-access-denied '$msg'")
fi

# -N: no intermediate shell; -i: both tools exit non-zero when they find a problem.
hyperfine -N -i --warmup 20 --runs 300 --export-markdown target/bench-explain.md "${cmds[@]}"
echo "results: target/bench-explain.md"
