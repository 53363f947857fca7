"""Instructions per notice of each stage, counted by valgrind (see count_instructions.py).

    python benchmarks/stage_instructions.py                    # every stage, the shared corpus
    python benchmarks/stage_instructions.py --stage extract_bodies --source samples

Under valgrind the parser parses every notice once while the stage functions `pipeline.py`
calls record their arguments; then one stage alone is run `--rounds` times on what it was
given. Its count less that of a run with no replay, divided by the notices, is the stage's cost
(start-up, the first parse and the recording are left out). One valgrind run per stage: about
15 s each. Stage names are those `pipeline.py` imports, so the script runs on older checkouts too.
"""
from __future__ import annotations

import argparse
import sys

from count_instructions import instructions
from notices import add_source_option, valgrind_notices

# Record each stage's calls during one pass, then replay the one named in argv[3].
_REPLAY = """
import copy, sys
from pathlib import Path
from shuangjian_parse import pipeline
from shuangjian_parse.batch import warm_up
from shuangjian_parse.diagnostics import Report
STAGES = {stages!r}
calls = {{name: [] for name in STAGES if hasattr(pipeline, name)}}
def fresh(value):
    # a report or trace the stage fills in is new for every call
    return Report() if isinstance(value, Report) else dict(value) if isinstance(value, dict) else value
def recording(name, stage):
    def call(*a, **k):
        calls[name].append((tuple(map(fresh, a)), {{key: fresh(v) for key, v in k.items()}}))
        return stage(*a, **k)
    return call
originals = {{name: getattr(pipeline, name) for name in calls}}
parser = pipeline.parser_for()
warm_up(parser)
notices = [(p.name, p.read_bytes()) for p in sorted(Path(sys.argv[1]).glob("*.txt"))]
for name in calls:
    setattr(pipeline, name, recording(name, originals[name]))
for name, data in notices:
    parser.run(data, name)
for name in calls:
    setattr(pipeline, name, originals[name])
stage, rounds = sys.argv[3], int(sys.argv[2])
for _ in range(rounds):
    for a, k in calls.get(stage, ()):
        originals[stage](*map(fresh, a), **{{key: fresh(v) for key, v in k.items()}})
"""

STAGES = ("read_source", "read_script", "normalize", "extract_document", "extract_sections",
          "extract_bodies", "extract_duties", "link_leaders", "SpanFinder", "extract_canonical",
          "extract_spans", "extract_jurisdiction", "extract_topics", "Notice")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_source_option(ap)
    ap.add_argument("--rounds", type=int, default=5, help="replays of each stage that are counted")
    ap.add_argument("--stage", action="append", choices=STAGES, help="only this stage (repeatable)")
    args = ap.parse_args()
    notices = valgrind_notices(args.source)
    script = _REPLAY.format(stages=STAGES)
    base = instructions(args.source, 0, script, "none")
    total = 0.0
    print(f"M instructions per notice ({notices} notices from {args.source}, {args.rounds} rounds):")
    for stage in args.stage or STAGES:
        spent = (instructions(args.source, args.rounds, script, stage) - base) / (args.rounds * notices) / 1e6
        total += spent
        print(f"  {stage:22s} {spent:7.3f}")
    print(f"  {'sum':22s} {total:7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
