"""Benchmark parse time against input size: is the parser linear, adversarial text included?

    python benchmarks/bench_size.py              # 1× 2× 4× 8× a notice, adversarial text, 1-50 MB
    python benchmarks/bench_size.py --quick      # the notice-sized series only, and 1 MB

For each case the input is built at 1, 2, 4 and 8 times the size of the base notice
(--sample, default the largest in samples/), parsed in-process with `pipeline.run` (read,
normalise, every stage; no YAML) --repeat times, and the fastest time is reported with the
ratio 8×/1×. A second series does the same from 128 KiB to 1 MiB, where super-linear costs
can no longer hide behind fixed ones. A linear parser costs at most about 10× for 8× the
input (fixed costs make it less); a case over --limit (default 10) is measured once more,
keeping the faster times (other processes on a shared machine can slow one point), and if
still over is marked ✗ and makes the exit status 1.

The large series parses the notice replicated to 1, 10 and 50 MB with the input limit
raised (`--max-bytes`), and reports MB/s: the 50 MB case is refused by default
(tests/test_hostile.py checks that) and completes here in time proportional to its size.
"""
from __future__ import annotations

import argparse
import gc
import io
import sys
import time
from pathlib import Path
from typing import Callable

# The installed package, as the other benchmarks use it (src/ first on the path would shadow a
# non-editable install with a tree that lacks shuangjian_parse.grammars).
from shuangjian_parse.errors import InputError
from shuangjian_parse.pipeline import run

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

MiB = 1024 * 1024
FACTORS = (1, 2, 4, 8)

def fill(unit: str, size: int) -> str:
    """`unit` repeated to about `size` UTF-8 bytes."""
    return unit * max(1, size // len(unit.encode("utf-8")))


def adversarial(notice: str) -> dict[str, Callable[[int], bytes]]:
    """Builders of hostile text of about n bytes."""
    one_line = notice.replace("\n", "")
    return {
        "notice": None,  # filled in by main(): the notice itself, replicated
        "notice as one line": lambda n: fill(one_line, n).encode(),
        "numbered items": lambda n: "".join(
            f"{i}.县教育局负责第{i}项工作，县财政局做好保障。\n"
            for i in range(1, n // 60 + 2)).encode(),
        "repeated punctuation": lambda n: fill("，。；：、（）《》“”—", n).encode(),
        "repeated role labels": lambda n: fill("组长：副组长：成员：召集人：", n).encode(),
        "role labels, one a line": lambda n: fill("组 长：\n", n).encode(),
        "roster lines": lambda n: fill("成员：王刚 县教育局副局长、县委教育工委副书记\n", n).encode(),
        "unit list": lambda n: ("成员单位：" + fill("县教育局、", n) + "等单位组成。\n").encode(),
        "open brackets": lambda n: fill("（县教育局", n).encode(),
        "dates and numbers": lambda n: fill("2021年12月13日〔2021〕45号", n).encode(),
        "markdown residue": lambda n: fill("| **组长** | - 王刚 |\n", n).encode(),
        "spaced characters": lambda n: fill("王 刚 李 明 ", n).encode(),
        "long run of spaces": lambda n: ("组长：王刚" + " " * n + "县长\n").encode(),
        "lines that all join": lambda n: fill("县教育局、\n", n).encode(),
    }


def formats(notice: str) -> dict[str, Callable[[int], bytes]]:
    """The notice as a .docx and as a web page, replicated to about n bytes of text."""
    import html

    import docx  # noqa: F401 - both extras must be installed for these cases
    import lxml  # noqa: F401

    def lines(n: int) -> list[str]:
        return fill(notice, n).split("\n")

    def docx_bytes(n: int) -> bytes:
        document = docx.Document()
        for line in lines(n):
            document.add_paragraph(line)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    def html_bytes(n: int) -> bytes:
        body = "\n".join(f"<p>{html.escape(line)}</p>" if line.strip() else "<p>&nbsp;</p>"
                         for line in lines(n))
        return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>t</title></head>"
                f"<body><div class='nav'>首页</div><div id='zoom'>{body}</div></body></html>").encode()

    return {"notice as .docx": docx_bytes, "notice as web page": html_bytes}


def series(title: str, cases: dict, base: int, args) -> bool:
    """One table: every case at 1, 2, 4, 8 × base bytes; True when a ratio is over the limit."""
    big_limit = 64 * MiB
    print(f"\n{title}")
    head = f"{'case':26s}" + "".join(f"{f'{k}× ms':>10s}" for k in FACTORS) + f"{'8×/1×':>8s}"
    print(head)
    print("-" * len(head))
    failed = False
    for name, build in cases.items():
        times = [time_run(build(k * base), args.repeat, big_limit) for k in FACTORS]
        if times[-1] / times[0] > args.limit:
            # Over the limit: measure again before believing it (other load on a shared machine).
            times = [min(t, time_run(build(k * base), args.repeat, big_limit))
                     for t, k in zip(times, FACTORS)]
        ratio = times[-1] / times[0]
        mark = "✓" if ratio <= args.limit else "✗"
        failed |= mark == "✗"
        cells = "".join(f"{t * 1000:10.1f}" for t in times)
        print(f"{name:26s}{cells}{ratio:7.1f}× {mark}", flush=True)
    return failed


def time_run(data: bytes, repeat: int, max_bytes: int) -> float:
    """Fastest of `repeat` parses in seconds, as timeit does: the rest is other load's noise."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        try:
            run(data, "bench.txt", max_bytes=max_bytes)
        except InputError as exc:
            sys.exit(f"{exc}")
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    samples = sorted((ROOT / "samples").glob("*.txt"), key=lambda p: p.stat().st_size)
    ap.add_argument("--sample", type=Path, default=samples[-1], help="base notice (default: largest sample)")
    ap.add_argument("--repeat", type=int, default=5, help="runs per point; the fastest counts (default 5)")
    ap.add_argument("--limit", type=float, default=10.0, help="largest acceptable 8×/1× time ratio (default 10)")
    ap.add_argument("--quick", action="store_true", help="only the notice-sized series and 1 MB")
    args = ap.parse_args()

    notice = args.sample.read_text(encoding="utf-8")
    if not notice.endswith("\n"):
        notice += "\n"
    base = len(notice.encode("utf-8"))
    time_run(notice.encode(), 1, 64 * MiB)   # warm up: grammars, jieba's dictionary

    cases = adversarial(notice)
    cases["notice"] = lambda n: fill(notice, n).encode()
    try:
        cases.update(formats(notice))
    except ImportError:
        print("(python-docx or lxml missing: .docx and web page cases skipped)")
    print(f"base notice: {args.sample.name}, {base:,} bytes; fastest of {args.repeat} runs; "
          f"python {sys.version.split()[0]}")
    failed = series(f"1× 2× 4× 8× the notice ({base:,} bytes)", cases, base, args)
    if not args.quick:
        large = 128 * 1024
        failed |= series(f"1× 2× 4× 8× {large // 1024} KiB (128 KiB to 1 MiB)", cases, large, args)

    big_limit = 64 * MiB
    sizes = (1, 10, 50) if not args.quick else (1,)
    print(f"\n{'notice replicated to':26s}{'seconds':>10s}{'MB/s':>10s}{'vs 1 MB':>10s}")
    first = None
    for mb in sizes:
        data = fill(notice, mb * MiB).encode()
        t = time_run(data, 1, big_limit)
        first = first or t
        print(f"{f'{mb} MB (--max-bytes {big_limit // MiB} MiB)':26s}{t:10.2f}"
              f"{len(data) / MiB / t:10.2f}{t / first:9.1f}×", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
