"""Start-up cost of `sj`, as ratios to a bare interpreter start measured in the same run.

    python benchmarks/bench_startup.py               # 15 rounds; exit 1 over a target
    python benchmarks/bench_startup.py --rounds 40
    python benchmarks/bench_startup.py --other ../main-venv/bin/python   # and another version's sj

Each round starts, one after the other, `python -c pass`, `sj --version`, `sj -h` and
`sj parse NOTICE --format json` (and --format yaml) as fresh processes with the interpreter
that runs this script and the `sj` script beside it (else `python -m shuangjian_parse`),
after one untimed run of each has written the bytecode caches (PYTHONDONTWRITEBYTECODE is
dropped for them: a user's install has its caches) and sj's cache (stored patterns, the
validated grammar) in a folder of the benchmark's own ($SJ_CACHE_DIR when it is set), which
nothing else rewrites while it runs.
For each command the table gives its median wall time, and its median CPU time (user + sys,
of the process alone), as multiples of those of `python -c pass`; "paired" is the median of
each round's own ratio. Milliseconds depend on the machine; the ratios are what to compare.
On a busy machine wall times wait for a core and scatter, where CPU times barely move: the
targets (issue 12), `sj parse` at most 18x and `sj --version` at most 4x, are checked on the
paired CPU ratio, and the exit status is 1 when one is over.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "000_9a14945eab7843f1.txt"
TARGETS = {"sj --version": 4.0, "sj parse --format json": 18.0}


def sj_command(python: str = sys.executable) -> list[str]:
    """The installed `sj` script of an interpreter's environment, else `python -m shuangjian_parse`."""
    script = Path(python).with_name("sj")
    return [str(script)] if script.exists() else [python, "-m", "shuangjian_parse"]


# The environment of every run: without SJ_DEBUG, and with bytecode caches written, as a user's
# `pip install .` has them (pip compiles them): under PYTHONDONTWRITEBYTECODE=1 an editable
# install would compile sj's own modules from source on every start (~3x an interpreter start).
ENV = {name: value for name, value in os.environ.items()
       if name not in ("SJ_DEBUG", "PYTHONDONTWRITEBYTECODE")}


def run(command: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run from start to exit; a failing command stops the benchmark."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)}: exit {proc.returncode}: {stderr[-500:]}")
    return elapsed, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="runs of each command (default 15)")
    parser.add_argument("--notice", type=Path, default=SAMPLE, help="the notice `sj parse` reads")
    parser.add_argument("--other", metavar="PYTHON",
                        help="also time the sj of this interpreter's environment (another version, "
                             "e.g. a venv of main) in the same rounds, rows marked *")
    args = parser.parse_args()

    sj = sj_command()
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "sj --version": [*sj, "--version"],
        "sj -h": [*sj, "-h"],
        "sj parse --format json": [*sj, "parse", str(args.notice), "--format", "json"],
        "sj parse --format yaml": [*sj, "parse", str(args.notice)],
    }
    if args.other:
        other = sj_command(args.other)
        commands["* sj --version"] = [*other, "--version"]
        commands["* sj parse --format json"] = [*other, "parse", str(args.notice), "--format", "json"]
    own_cache = None
    if "SJ_CACHE_DIR" not in ENV:   # not ~/.cache/sj, which tests or other runs may start anew
        own_cache = ENV["SJ_CACHE_DIR"] = tempfile.mkdtemp(prefix="sj-bench-cache-")
    try:
        for command in commands.values():  # fill the bytecode caches and sj's cache once
            run(command)
        wall, cpu = _rounds(commands, args.rounds)
    finally:
        if own_cache:
            shutil.rmtree(own_cache, ignore_errors=True)

    print(f"start-up of {' '.join(sj)} against `python -c pass` ({sys.executable}, "
          f"median {statistics.median(wall['python -c pass']) * 1000:.0f} ms), {args.rounds} rounds interleaved")
    if args.other:
        print(f"* {' '.join(sj_command(args.other))}, in the same rounds")
    print(f"{'command':<26} {'wall':>7} {'paired':>7} {'CPU':>7} {'paired':>7} {'target':>7}")
    failed = False
    for name in commands:
        ratios = [_ratios(times[name], times["python -c pass"]) for times in (wall, cpu)]
        target = TARGETS.get(name)
        over = target is not None and ratios[1][1] > target
        failed |= over
        mark = "" if target is None else f"{target:>6.0f}x {'✗' if over else '✓'}"
        print(f"{name:<26} {ratios[0][0]:>6.1f}x {ratios[0][1]:>6.1f}x "
              f"{ratios[1][0]:>6.1f}x {ratios[1][1]:>6.1f}x {mark}")
    return 1 if failed else 0


def _rounds(commands: dict[str, list[str]], rounds: int) -> tuple[dict, dict]:
    """({name: wall times}, {name: CPU times}) of `rounds` rounds, each running every command."""
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            elapsed, used = run(command)
            wall[name].append(elapsed)
            cpu[name].append(used)
    return wall, cpu


def _ratios(runs: list[float], base: list[float]) -> tuple[float, float]:
    """(median / median of the base, median of the ratios run by run)."""
    return (statistics.median(runs) / statistics.median(base),
            statistics.median(run / b for run, b in zip(runs, base)))


if __name__ == "__main__":
    sys.exit(main())
