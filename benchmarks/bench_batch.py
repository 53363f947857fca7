"""Benchmark `sj batch` against the floor pipeline on a replicated corpus.

    python benchmarks/bench_batch.py                      # 17 corpus notices × 60 = 1,020 notices
    python benchmarks/bench_batch.py --copies 6 --repeat 1 --memory-check 0   # a quick look

Replicates the notices of --source (default ../shared/corpus, else samples/) --copies times
into a temporary tree, then, --repeat times and interleaved so that a noisy machine hurts
every pipeline alike, times: the floor pipeline (benchmarks/floor_pipeline.py: read + NFKC +
30 patterns per line + one JSON file per notice) and `sj batch -f FORMAT` for each --formats,
all with the same --workers and each as a fresh process (interpreter start included). It
reports the median and the best wall time (the best is the least disturbed by other load),
notices/s, the ratios to the floor (of the medians, of the bests, and the median of each
run's ratio to the floor run just before it: "paired") and the peak memory (RSS of
the whole process tree, sampled every 20 ms; needs psutil), checks one valid record per
notice, and with --memory-check K runs JSON again on K times as many notices to compare the
peak memory.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from notices import add_source_option

HERE = Path(__file__).resolve().parent


def replicate(source: Path, target: Path, copies: int) -> int:
    """target/copyNNNN/<notice>.txt for every notice of source; returns the count."""
    notices = sorted(p for p in source.glob("*.txt"))
    if not notices:
        sys.exit(f"no *.txt notices in {source}")
    for i in range(copies):
        folder = target / f"copy{i:04d}"
        folder.mkdir(parents=True)
        for notice in notices:
            shutil.copyfile(notice, folder / notice.name)
    return len(notices) * copies


class PeakMemory:
    """Sample the RSS of a process and its descendants until it exits."""

    def __init__(self, pid: int) -> None:
        self.total = self.single = 0
        try:
            import psutil
        except ImportError:
            self.available = False
            return
        self.available = True
        self._root = psutil.Process(pid)
        self._psutil = psutil
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self._root] + self._root.children(recursive=True)
                sizes = []
                for proc in procs:
                    try:
                        sizes.append(proc.memory_info().rss)
                    except self._psutil.Error:
                        pass
                self.total = max(self.total, sum(sizes))
                self.single = max(self.single, max(sizes, default=0))
            except self._psutil.Error:
                pass
            self._stop.wait(0.02)

    def stop(self) -> None:
        if self.available:
            self._stop.set()
            self._thread.join()


def timed(cmd: list[str]) -> tuple[float, PeakMemory, str]:
    """Run cmd; its wall time, peak memory and stderr."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    memory = PeakMemory(proc.pid)
    _, err = proc.communicate()
    elapsed = time.perf_counter() - start
    memory.stop()
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}")
    return elapsed, memory, err


def sj_cmd(src: Path, out: Path, fmt: str, workers: int) -> list[str]:
    return [sys.executable, "-m", "shuangjian_parse", "batch", str(src), "-o", str(out),
            "-f", fmt, "--workers", str(workers)]


def floor_cmd(src: Path, out: Path, workers: int) -> list[str]:
    return [sys.executable, str(HERE / "floor_pipeline.py"), str(src), str(out), "--workers", str(workers)]


def check_records(src: Path, out: Path, fmt: str) -> str:
    """One valid record per notice: every JSON output loads with its source.path; YAML outputs
    are counted and every 20th is loaded with ruamel.yaml."""
    from shuangjian_parse.models import SCHEMA_VERSION

    inputs = sorted(p.relative_to(src).as_posix() for p in src.rglob("*.txt"))
    problems = []
    for i, rel in enumerate(inputs):
        target = out / (rel[:-4] + "." + fmt)
        if not target.is_file():
            problems.append(f"{target}: missing")
            continue
        if fmt == "json":
            record = json.loads(target.read_text(encoding="utf-8"))
        elif i % 20 == 0:
            from ruamel.yaml import YAML

            record = YAML(typ="safe").load(target.read_text(encoding="utf-8"))
        else:
            continue
        if record.get("schema_version") != SCHEMA_VERSION or record["source"]["path"] != rel:
            problems.append(f"{target}: not the record of {rel}")
    if problems:
        return f"{len(problems)} problems, e.g. {problems[0]}"
    return f"ok: {len(inputs)} records"


def background_load(seconds: float = 1.0) -> str:
    """How many CPUs something else kept busy just before the run (from /proc/stat)."""
    def busy_total() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields) - idle, sum(fields)
    try:
        b0, t0 = busy_total()
        time.sleep(seconds)
        b1, t1 = busy_total()
    except (OSError, IndexError, ValueError):
        return "unknown"
    cpus = os.cpu_count() or 1
    return f"{(b1 - b0) / max(t1 - t0, 1) * cpus:.2f} of {cpus} CPUs busy"


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def effective_cores(workers: int, n: int = 2_000_000) -> str:
    """How many of `workers` processes really run at once: a pure-Python loop timed alone and
    in `workers` processes side by side. On a shared or throttled host this can be near 1."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_spin, [1000] * workers))           # start the processes
        start = time.perf_counter()
        pool.submit(_spin, n).result()
        alone = time.perf_counter() - start
        start = time.perf_counter()
        list(pool.map(_spin, [n] * workers))
        together = time.perf_counter() - start
    return f"{workers * alone / together:.2f} of {workers} worker processes run at once"


def mb(value: int) -> str:
    return f"{value / 2**20:.0f} MiB" if value else "n/a"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_source_option(ap)
    ap.add_argument("--copies", type=int, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--formats", nargs="+", default=["json", "yaml"], choices=["json", "yaml", "jsonl"])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--memory-check", type=int, default=10, metavar="K",
                    help="also run JSON on K× the notices and compare peak memory (0: skip)")
    ap.add_argument("--tmp", type=Path, default=None, help="where to build the trees (default: $TMPDIR)")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="sj-bench-", dir=args.tmp))
    try:
        src = work / "src"
        count = replicate(args.source, src, args.copies)
        print(f"{count} notices ({args.source} × {args.copies}), {args.workers} workers, "
              f"{os.cpu_count()} cores, {args.repeat} runs each, median reported")
        print(f"background load before the runs: {background_load()}; "
              f"{effective_cores(args.workers)}\n")
        names = ["floor"] + args.formats
        times: dict[str, list[float]] = {n: [] for n in names}
        peaks: dict[str, list[PeakMemory]] = {n: [] for n in names}
        checks: dict[str, str] = {}
        for run in range(args.repeat):
            for name in names:
                # A fresh directory each run, all removed at the end: deleting a run's 1,020
                # outputs just before the next run makes the file system itself slower for a
                # minute (ext4 skips recently freed inodes), for whichever pipeline comes next.
                out = work / f"out-{name}-{run}"
                cmd = (floor_cmd(src, out, args.workers) if name == "floor"
                       else sj_cmd(src, out, name, args.workers))
                elapsed, memory, _ = timed(cmd)
                times[name].append(elapsed)
                peaks[name].append(memory)
                if run == 0 and name in ("json", "yaml"):
                    checks[name] = check_records(src, out, name)
                print(f"  run {run + 1} {name:5s} {elapsed:6.2f} s", flush=True)
        print(f"background load after the runs: {background_load()}; {effective_cores(args.workers)}")
        floor = statistics.median(times["floor"])
        best_floor = min(times["floor"])
        print(f"\n{'pipeline':10s} {'median s':>9s} {'notices/s':>10s} {'× floor':>8s}   "
              f"{'best s':>7s} {'notices/s':>10s} {'× floor':>8s}   {'paired':>7s}   "
              f"{'peak RSS (tree)':>16s} {'largest process':>16s}  records")
        for name in names:
            wall, best = statistics.median(times[name]), min(times[name])
            # The median of each run's ratio to the floor run just before it: a slow spell
            # of the machine hurts both of a pair, and one slow run moves the median little.
            paired = statistics.median(t / f for t, f in zip(times[name], times["floor"]))
            total = max(m.total for m in peaks[name])
            single = max(m.single for m in peaks[name])
            print(f"{name:10s} {wall:9.2f} {count / wall:10.1f} {wall / floor:8.2f}   "
                  f"{best:7.2f} {count / best:10.1f} {best / best_floor:8.2f}   {paired:7.2f}   "
                  f"{mb(total):>16s} {mb(single):>16s}  {checks.get(name, '')}")
        if args.memory_check > 1:
            big = work / "src-big"
            big_count = replicate(args.source, big, args.copies * args.memory_check)
            out = work / "out-big"
            elapsed, memory, _ = timed(sj_cmd(big, out, "json", args.workers))
            small_total = max(m.total for m in peaks["json"])
            small_single = max(m.single for m in peaks["json"])
            print(f"\nmemory: json on {big_count} notices: {elapsed:.2f} s, {big_count / elapsed:.1f} "
                  f"notices/s, peak RSS (tree) {mb(memory.total)} vs {mb(small_total)} on {count}; "
                  f"largest process {mb(memory.single)} vs {mb(small_single)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
