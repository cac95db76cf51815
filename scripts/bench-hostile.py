#!/usr/bin/env python3
"""Linear time on hostile input, measured on the release binary (not part of the test suite).

For 256 KB, 1 MB and 4 MB, times `lambda-doctor explain` on the pathological pastes (an ARN
cut after a slash followed by many short "ab/" lines; lines of 25 spaces and a letter; table
cells that look like cut ARNs) and `lambda-doctor simulate` on the pathological wildcards
(`*aaa…ab` against `aaa…a` in a Resource, an Action and a StringLike condition), each next to
`explain` on an ordinary CloudWatch Logs export of the same size. Prints a Markdown table with
the ratio; the goal is at most 2x.

    scripts/bench-hostile.py            # builds the release binary first
    RUNS=7 scripts/bench-hostile.py
"""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "lambda-doctor")
RUNS = int(os.environ.get("RUNS", "5"))
SIZES = [("256 KB", 256 * 1024), ("1 MB", 1024 * 1024), ("4 MB", 4 * 1024 * 1024)]


def ordinary_log(n):
    noise = "2024-01-01T00:00:00.000Z\t3f1e2d4c-1111-2222-3333-444455556666\tINFO\tprocessed record 42 in 12 ms\n"
    denial = "2024-01-01T00:00:01.000Z\t3f1e2d4c-1111-2222-3333-444455556666\tERROR\tAccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/orders-role/orders is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/Orders\n"
    out, i = [], 0
    size = 0
    while size < n:
        line = denial if i % 50 == 49 else noise
        out.append(line)
        size += len(line)
        i += 1
    return "".join(out)[:n]


def cut_arn(n):
    head = "User: arn:aws:iam::123456789012:user/\n"
    return head + "ab/\n" * ((n - len(head)) // 4)


def spaces(n):
    return "                         a\n" * (n // 27)


def cells(n):
    head = "CREATE_FAILED   AWS::Lambda::Function   Fn   User: arn:aws:iam::1:user/\n"
    line = " " * 47 + "ab/\n"
    return head + line * ((n - len(head)) // len(line))


def glob_case(n, where):
    """A simulate case of about n bytes whose one pattern is `*a…ab` (as long as a policy may
    hold, 30,000 characters) against `a…a` (the rest): pattern × text steps for a backtracking
    matcher, pattern + text for a linear one."""
    pattern = "*" + "a" * 30000 + "b"
    value = "a" * max(n - len(pattern), 1)
    stmt = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    req = {"principal": "arn:aws:iam::123456789012:user/u", "action": "s3:GetObject",
           "resource": "arn:aws:s3:::b/k", "context": {},
           "principal_account": "123456789012", "resource_account": "123456789012"}
    if where == "resource":
        stmt["Resource"] = "arn:aws:s3:::" + pattern
        req["resource"] = "arn:aws:s3:::" + value
    elif where == "action":
        stmt["Action"] = "s3:" + pattern
        req["action"] = "s3:" + value
    else:
        stmt["Condition"] = {"StringLike": {"aws:PrincipalTag/team": pattern}}
        req["context"] = {"aws:PrincipalTag/team": value}
    return json.dumps({"policies": {"identity": [{"Version": "2012-10-17", "Statement": [stmt]}]},
                       "request": req})


def best(args, data):
    with tempfile.NamedTemporaryFile("w", delete=False, suffix=".txt") as f:
        f.write(data)
        path = f.name
    try:
        times = []
        for _ in range(RUNS):
            t = time.perf_counter()
            subprocess.run([BIN] + [a.replace("{}", path) for a in args],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            times.append(time.perf_counter() - t)
        return min(times)
    finally:
        os.unlink(path)


def main():
    if not os.environ.get("NO_BUILD"):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    explain = ["explain", "-f", "{}", "--output", "json"]
    simulate = ["simulate", "-i", "{}", "--output", "json"]
    shapes = [
        ("explain: ARN cut, then ab/ lines", explain, cut_arn),
        ("explain: 25 spaces and a letter", explain, spaces),
        ("explain: table cells like cut ARNs", explain, cells),
        ("simulate: *a…ab in Resource", simulate, lambda n: glob_case(n, "resource")),
        ("simulate: *a…ab in Action", simulate, lambda n: glob_case(n, "action")),
        ("simulate: *a…ab in StringLike", simulate, lambda n: glob_case(n, "condition")),
    ]
    print(f"best of {RUNS} runs, whole process, {BIN}\n")
    print("| input | size | ordinary log | hostile | ratio |")
    print("|---|---|---|---|---|")
    worst = 0.0
    for label, size in SIZES:
        base = best(explain, ordinary_log(size))
        for name, args, make in shapes:
            t = best(args, make(size))
            ratio = t / base
            worst = max(worst, ratio)
            print(f"| {name} | {label} | {base * 1000:.1f} ms | {t * 1000:.1f} ms | {ratio:.2f}x |")
    print(f"\nworst ratio: {worst:.2f}x (goal: at most 2x)")
    return 0 if worst <= 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
