"""Where a notice's time goes: per stage (unprofiled) and per function (cProfile), in ms/notice.

    python benchmarks/profile_parse.py                 # the shared corpus, else samples/
    python benchmarks/profile_parse.py --top 30 --rounds 20

One process, one core: the cost `sj batch` pays per notice and per worker, beside reading
and writing files. Stage times wrap the stage functions `pipeline.py` calls.
"""
from __future__ import annotations

import argparse
import cProfile
import collections
import io
import pstats
import sys
import time
from pathlib import Path

from notices import add_source_option

STAGES = ("read_source", "normalize", "extract_document", "extract_sections", "extract_bodies",
          "extract_duties", "extract_canonical", "Notice")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_source_option(ap)
    ap.add_argument("--rounds", type=int, default=10, help="passes over the notices")
    ap.add_argument("--top", type=int, default=20, help="functions to list")
    args = ap.parse_args()

    from shuangjian_parse import emit, pipeline
    from shuangjian_parse.batch import warm_up

    parser = pipeline.parser_for()
    warm_up(parser)
    notices = [(p.name, p.read_bytes()) for p in sorted(args.source.glob("*.txt"))]
    spent: collections.Counter = collections.Counter()
    originals = {name: getattr(pipeline, name) for name in STAGES}
    for name in STAGES:
        stage = getattr(pipeline, name)

        def timed(*a, _stage=stage, _name=name, **k):
            start = time.perf_counter()
            try:
                return _stage(*a, **k)
            finally:
                spent[_name] += time.perf_counter() - start

        setattr(pipeline, name, timed)

    def one_pass() -> None:
        for name, data in notices:
            start = time.perf_counter()
            notice = parser.run(data, name).notice
            spent["parse (all stages)"] += time.perf_counter() - start
            for fmt in ("json", "yaml"):
                start = time.perf_counter()
                emit.render(notice, fmt)
                spent[f"render {fmt}"] += time.perf_counter() - start

    count = args.rounds * len(notices)
    for _ in range(args.rounds):
        one_pass()
    print(f"{len(notices)} notices from {args.source}, {args.rounds} rounds; ms per notice:")
    for name, seconds in spent.items():
        print(f"  {name:20s} {seconds / count * 1000:7.3f}")
    for name, stage in originals.items():
        setattr(pipeline, name, stage)

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.rounds):
        one_pass()
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    print("\ncProfile (profiled times run ~2× slow), ms per notice, by own time:")
    print(f"  {'own':>7s} {'cum':>7s} {'calls':>8s}  function")
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:args.top]
    for (file, line, func), (cc, nc, tt, ct, _) in rows:
        where = f"{Path(file).name}:{line}({func})" if line else func
        print(f"  {tt / count * 1000:7.3f} {ct / count * 1000:7.3f} {nc / count:8.1f}  {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
