"""Start-up cost of `sj`, as ratios to a bare interpreter start measured in the same run.

    python benchmarks/bench_startup.py               # 15 rounds; exit 1 over a target
    python benchmarks/bench_startup.py --rounds 40

Each round starts, one after the other, `python -c pass`, `sj --version`, `sj -h` and
`sj parse NOTICE --format json` (and --format yaml) as fresh processes with the interpreter
that runs this script and the `sj` script beside it (else `python -m shuangjian_parse`).
The table gives each command's median wall time divided by the median of `python -c pass`,
and the median of each round's own ratio ("paired"), which a burst of load on a shared
machine moves less. Milliseconds depend on the machine; the ratios are what to compare. The
targets (issue 12): `sj parse` at most 18x, `sj --version` at most 4x; the exit status is 1
when a paired ratio is over its target.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "000_9a14945eab7843f1.txt"
TARGETS = {"sj --version": 4.0, "sj parse --format json": 18.0}


def sj_command() -> list[str]:
    """The installed `sj` script of this interpreter's environment, else `python -m shuangjian_parse`."""
    script = Path(sys.executable).with_name("sj")
    return [str(script)] if script.exists() else [sys.executable, "-m", "shuangjian_parse"]


def wall(command: list[str]) -> float:
    """Seconds from start to exit of one run; a failing command stops the benchmark."""
    start = time.perf_counter()
    proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)}: exit {proc.returncode}: {proc.stderr.decode()[-500:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="runs of each command (default 15)")
    parser.add_argument("--notice", type=Path, default=SAMPLE, help="the notice `sj parse` reads")
    args = parser.parse_args()

    sj = sj_command()
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "sj --version": [*sj, "--version"],
        "sj -h": [*sj, "-h"],
        "sj parse --format json": [*sj, "parse", str(args.notice), "--format", "json"],
        "sj parse --format yaml": [*sj, "parse", str(args.notice)],
    }
    os.environ.pop("SJ_DEBUG", None)
    for command in commands.values():  # fill the bytecode caches once
        wall(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.rounds):
        for name, command in commands.items():
            times[name].append(wall(command))

    base = times["python -c pass"]
    print(f"start-up of {' '.join(sj)} against `python -c pass` ({sys.executable}), "
          f"{args.rounds} rounds interleaved")
    print(f"{'command':<26} {'median':>7} {'paired':>7} {'target':>7}")
    failed = False
    for name, runs in times.items():
        ratio = statistics.median(runs) / statistics.median(base)
        paired = statistics.median(run / b for run, b in zip(runs, base))
        target = TARGETS.get(name)
        over = target is not None and paired > target
        failed |= over
        mark = "" if target is None else f"{target:>6.0f}x {'✗' if over else '✓'}"
        print(f"{name:<26} {ratio:>6.1f}x {paired:>6.1f}x {mark}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
