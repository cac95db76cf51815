#!/usr/bin/env python3
"""Measures the TUI as a person meets it, in a real pseudo-terminal (Python's pty, no extra
packages): time from process start to the first frame, and memory (peak RSS) after opening
the demo account's functions and walking a paste to its fix.

    scripts/bench-tui.py [path/to/lambda-doctor] [runs]

Not part of the test suite; the numbers go into the issue notes.
"""
import os
import pty
import select
import statistics
import sys
import time

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/lambda-doctor"
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 30
PASS_ROLE = (
    "An error occurred (AccessDeniedException) when calling the CreateFunction operation: "
    "User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: iam:PassRole "
    "on resource: arn:aws:iam::123456789012:role/thumbnailer-role because no identity-based "
    "policy allows the iam:PassRole action"
)


def env():
    e = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": "/tmp",
        "TERM": "xterm-256color",
        "LANG": "en_US.UTF-8",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        "AWS_EC2_METADATA_DISABLED": "true",
        "LAMBDA_DOCTOR_LOG": "/tmp/lambda-doctor-bench.log",
        "COLUMNS": "80",
        "LINES": "24",
    }
    return e


def spawn(args):
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(BIN, [BIN] + args, env())
    # 80x24, as a person's terminal.
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    return pid, fd


def read_until(fd, needle, timeout=10.0):
    buf = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            buf += chunk
            if needle in buf:
                return buf
    raise SystemExit(f"never saw {needle!r}")


def settle(fd, quiet=0.15):
    """Reads until the app has drawn and gone quiet (a redraw may skip unchanged cells, so a
    needle is not reliable after the first frame)."""
    while True:
        r, _, _ = select.select([fd], [], [], quiet)
        if not r:
            return
        try:
            os.read(fd, 65536)
        except OSError:
            return


def rss_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def first_frame(args):
    t0 = time.monotonic()
    pid, fd = spawn(args)
    read_until(fd, "Start from a symptom".encode())
    dt = (time.monotonic() - t0) * 1000
    os.write(fd, b"\x03")
    os.waitpid(pid, 0)
    os.close(fd)
    return dt


def memory():
    pid, fd = spawn(["tui", "--demo"])
    read_until(fd, b"Start from a symptom")
    # Open every demo function in the inspector, then walk a paste to its fix.
    os.write(fd, b"\t\t")  # focus the function list
    settle(fd)
    for _ in range(9):
        os.write(fd, b"\r")  # open the function: the inspector runs every check
        settle(fd)
        os.write(fd, b"\x1b")  # back to Home, the list still focused
        settle(fd)
        os.write(fd, b"j")
        settle(fd)
    os.write(fd, ("\x1b[200~" + PASS_ROLE + "\x1b[201~").encode())
    settle(fd)
    os.write(fd, b"\r")  # walk
    settle(fd)
    os.write(fd, b"\r")  # the likely answer: the fix
    settle(fd)
    rss = rss_kib(pid, "VmRSS")
    hwm = rss_kib(pid, "VmHWM")
    os.write(fd, b"\x03")
    os.waitpid(pid, 0)
    os.close(fd)
    return rss, hwm


def main():
    if not os.path.exists(BIN):
        raise SystemExit(f"{BIN} not built: cargo build --release")
    for label, args in [("tui --demo", ["tui", "--demo"]), ("no arguments, live (no credentials)", [])]:
        first_frame(args)  # warm the page cache
        times = sorted(first_frame(args) for _ in range(RUNS))
        print(
            f"time to first frame, {label} ({RUNS} runs, 80x24): "
            f"median {statistics.median(times):.1f} ms, min {times[0]:.1f} ms, "
            f"p90 {times[int(len(times) * 0.9) - 1]:.1f} ms, max {times[-1]:.1f} ms"
        )
    rss, hwm = memory()
    print(
        f"memory after inspecting all 9 demo functions and walking a paste to its fix: "
        f"RSS {rss / 1024:.1f} MiB, peak {hwm / 1024:.1f} MiB"
    )


if __name__ == "__main__":
    main()
