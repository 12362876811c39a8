#!/usr/bin/env python3
"""Wall-clock of two callsim binaries on one scenario, run by turns (A B, B A, A B, ...) so
that a shared machine's drift falls on both alike: the min and median seconds of each, and
B's over A's.

    python3 scripts/profile/alternate.py OLD_BINARY NEW_BINARY SCENARIO.toml [RUNS]

Each run is `BINARY run SCENARIO --threads 1 --no-charts --out <temporary folder>`; RUNS
(default 21) runs of each.
"""
import statistics
import subprocess
import sys
import tempfile
import time


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    a, b, scenario = sys.argv[1:4]
    runs = int(sys.argv[4]) if len(sys.argv) == 5 else 21
    seconds = {a: [], b: []}
    with tempfile.TemporaryDirectory() as out:
        for i in range(runs):
            for binary in (a, b) if i % 2 == 0 else (b, a):
                started = time.perf_counter()
                subprocess.run(
                    [binary, "run", scenario, "--threads", "1", "--no-charts", "--out", out],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    check=True,
                )
                seconds[binary].append(time.perf_counter() - started)
    for name, binary in (("A", a), ("B", b)):
        s = seconds[binary]
        print(f"{name} {binary}: min {min(s):.4f} s, median {statistics.median(s):.4f} s")
    ratio = lambda f: f(seconds[b]) / f(seconds[a])
    print(f"B / A: min {ratio(min):.4f}, median {ratio(statistics.median):.4f}")


if __name__ == "__main__":
    main()
