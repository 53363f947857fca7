"""Instructions per notice, counted by valgrind: a figure machine noise does not move.

    python benchmarks/count_instructions.py              # the shared corpus, else samples/
    python benchmarks/count_instructions.py --rounds 5

On a shared or throttled machine wall times of one change vary by more than a small gain,
so two versions cannot be told apart by timing them. Counting the CPU instructions of the
parse under valgrind (callgrind) gives the same figure run after run (within 0.3 %): the script runs
the parser once with `--rounds` passes over the notices and once with none, and divides the
difference by the notices parsed, so start-up is left out. Both runs use a cache folder of
their own, filled first, and a fixed hash seed. Needs valgrind (Debian: valgrind);
takes about 30 s.
"""
from __future__ import annotations

import argparse
import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from notices import add_source_option, valgrind_notices

# Run under valgrind: build the parser, parse every notice once (the caches warm, as in a
# batch), then `rounds` more passes.
_PARSE = """
import sys
from pathlib import Path
from shuangjian_parse import pipeline
from shuangjian_parse.batch import warm_up
parser = pipeline.parser_for()
warm_up(parser)
notices = [(p.name, p.read_bytes()) for p in sorted(Path(sys.argv[1]).glob("*.txt"))]
for _ in range(1 + int(sys.argv[2])):
    for name, data in notices:
        parser.run(data, name)
"""


_ENV: dict[str, str] = {}


def _environment(source: Path) -> dict[str, str]:
    """The counted runs' environment: a fixed hash seed, and sj's cache (the validated grammar,
    stored pattern facts) in a folder of this run's own, filled by one parse before counting.
    In the shared ~/.cache/sj another checkout's run can rewrite the grammar between the two
    counted runs, so that one builds it and the other does not: one figure moved by ±0.6 M."""
    if not _ENV:
        cache = tempfile.mkdtemp(prefix="sj-count-")
        atexit.register(shutil.rmtree, cache, True)
        _ENV.update(os.environ, SJ_CACHE_DIR=cache, PYTHONHASHSEED="0")
        subprocess.run([sys.executable, "-c", _PARSE, str(source), "0"], env=_ENV, check=True)
    return _ENV


def instructions(source: Path, rounds: int, script: str = _PARSE, *extra: str) -> int:
    """The instructions valgrind counts for `python -c script source rounds extra…`."""
    proc = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                           sys.executable, "-c", script, str(source), str(rounds), *extra],
                          capture_output=True, text=True, env=_environment(source))
    found = re.search(r"Collected : (\d+)", proc.stderr)
    if proc.returncode != 0 or found is None:
        sys.exit(f"valgrind failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return int(found.group(1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_source_option(ap)
    ap.add_argument("--rounds", type=int, default=3, help="passes over the notices that are counted")
    args = ap.parse_args()
    notices = valgrind_notices(args.source)
    spent = instructions(args.source, args.rounds) - instructions(args.source, 0)
    print(f"{spent / (args.rounds * notices) / 1e6:.3f} M instructions per notice "
          f"({notices} notices from {args.source}, {args.rounds} rounds)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
