#!/usr/bin/env python3
"""Instructions per statement of the event loop, from callgrind, compared between two runs.

callgrind charges an inlined function's instructions to the function it was inlined into,
so the event loop (`Replication::run`, with almost everything inlined) shows as one block.
This script reads callgrind's per-instruction counts (`--dump-instr=yes`) and the binary's
inlining chains (`objdump --inlines`), and charges each instruction to the statement of the
event loop it serves: the outermost line of `src/model/replication.rs` in its chain, and the
one inside it (`650 > 865`: line 865, inlined into line 650; `--depth 3` goes one line
deeper). With two profiles of the same binary it prints their difference, largest first,
the 40 largest, then a last line with the totals of each profile (every statement, and
every address outside them).

    valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file=multi.cg \\
        target/release/callsim run ms.toml --threads 1 --no-charts
    valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file=single.cg \\
        target/release/callsim run small.toml --threads 1 --no-charts
    python3 scripts/profile/statements.py target/release/callsim multi.cg single.cg [--depth 3]

(`small.toml` and `ms.toml`: `benches/large-steady.toml` and `benches/multi-skill-steady.toml`
with `horizon = "200000s"`, as in the README's speed section.) Needs valgrind and binutils.

Time instead of instructions (branch mispredictions and cache misses included): a profile may
also be the samples of `perf record` (a `.data` file), charged the same way (every function,
not only the event loop, so that the calendar's share shows too):

    perf record -e cpu-clock -F 20000 -o multi.data target/release/callsim run ms.toml \
        --threads 1 --no-charts
    python3 scripts/profile/statements.py target/release/callsim multi.data single.data
"""

import collections
import re
import subprocess
import sys

LOOP = "Replication<R,O>::run"


def instruction_counts(profile):
    """Self instructions per address of the functions whose name contains LOOP."""
    names, counts, owner = {}, collections.Counter(), {}
    function, address, skip_next = None, 0, False
    for line in open(profile):
        if line.startswith(("fn=", "cfn=")):
            m = re.match(r"c?fn=\((\d+)\)(?: (.*))?", line.strip())
            if m.group(2):
                names[m.group(1)] = m.group(2)
            if line.startswith("fn="):
                function = names.get(m.group(1))
            continue
        if line.startswith("calls="):
            skip_next = True  # the next line is the call's inclusive cost
            continue
        if not line or line[0] not in "+-*0123456789":
            continue
        fields = line.split()
        if len(fields) < 3:
            continue
        token = fields[0]
        if token == "*":
            pass
        elif token[0] in "+-":
            address += int(token, 0)
        else:
            address = int(token, 0)
        if skip_next:
            skip_next = False
            continue
        if function and LOOP in function:
            counts[address] += int(fields[-1])
    return counts


def perf_samples(binary, profile):
    """Samples per static address of `binary`, from a `perf record` file."""
    script = subprocess.run(
        ["perf", "script", "-i", profile, "-F", "ip,sym,symoff", "--no-demangle"],
        capture_output=True, text=True, check=True,
    ).stdout
    symbols = {}
    for line in subprocess.run(["nm", binary], capture_output=True, text=True,
                               check=True).stdout.splitlines():
        fields = line.split()
        if len(fields) == 3:
            symbols.setdefault(fields[2], int(fields[0], 16))
    counts = collections.Counter()
    for line in script.splitlines():
        m = re.match(r"\s*[0-9a-f]+ (\S+)\+0x([0-9a-f]+)$", line)
        if m and m.group(1) in symbols:
            counts[symbols[m.group(1)] + int(m.group(2), 16)] += 1
    return counts


def profile_counts(binary, profile):
    """Per address: callgrind's instructions of the event loop, or perf's samples."""
    if profile.endswith(".data"):
        return perf_samples(binary, profile)
    return instruction_counts(profile)


def by_statement(binary, counts, depth):
    """Instructions per event-loop statement (outer > inner line of replication.rs)."""
    if not counts:
        return collections.Counter()
    low, high = min(counts), max(counts) + 16
    listing = subprocess.run(
        ["objdump", "-d", "-l", "--inlines", "--no-show-raw-insn",
         "--start-address=%#x" % low, "--stop-address=%#x" % high, binary],
        capture_output=True, text=True, check=True,
    ).stdout
    totals, chain, current = collections.Counter(), [], []
    for line in listing.splitlines():
        m = re.match(r"^\s*([0-9a-f]+):\s", line)
        if m:
            if chain:
                current, chain = chain, []
            lines = [f.rsplit(":", 1)[1] for f in current if "model/replication.rs:" in f]
            lines.reverse()  # outermost first
            # outside the event loop's statements: the innermost file and line
            elsewhere = "(elsewhere) " + current[0].rsplit("/", 1)[-1] if current else "(elsewhere)"
            totals[" > ".join(lines[:depth]) or elsewhere] += counts.get(int(m.group(1), 16), 0)
        elif line.startswith("/"):
            chain = [line.split()[0]]
        elif line.startswith("inlined by "):
            chain.append(line.split()[2])
    return totals


def main():
    args, depth = sys.argv[1:], 2
    if len(args) >= 2 and args[-2] == "--depth":
        depth, args = int(args[-1]), args[:-2]
    if len(args) not in (2, 3):
        sys.exit(__doc__)
    binary = args[0]
    first = by_statement(binary, profile_counts(binary, args[1]), depth)
    second = by_statement(binary, profile_counts(binary, args[2]), depth) if len(args) == 3 else {}
    print(f"{'difference':>12} {'first':>12} {'second':>12}  replication.rs line(s)")
    for key in sorted(set(first) | set(second), key=lambda k: second.get(k, 0) - first.get(k, 0))[:40]:
        a, b = first.get(key, 0), second.get(key, 0)
        print(f"{a - b:>12,} {a:>12,} {b:>12,}  {key}")
    a, b = sum(first.values()), sum(second.values())
    print(f"{a - b:>12,} {a:>12,} {b:>12,}  (total, every statement and elsewhere)")


if __name__ == "__main__":
    main()
