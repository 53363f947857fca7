"""What the benchmark scripts share: the notices they run on.

    from notices import add_source_option     # a script run as `python benchmarks/x.py`
    add_source_option(parser)                 # --source, default ../shared/corpus, else samples/
    valgrind_notices(args.source)             # the notice count; exits without valgrind or notices
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def default_source() -> Path:
    """The shared corpus beside the project when it is there, else the bundled samples."""
    corpus = ROOT.parent / "shared" / "corpus"
    return corpus if corpus.is_dir() else ROOT / "samples"


def add_source_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", type=Path, default=default_source(),
                        help="folder of *.txt notices (default: ../shared/corpus, else samples/)")


def valgrind_notices(source: Path) -> int:
    """How many notices `source` holds, for a count under valgrind; exits when there are none
    or valgrind is missing."""
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt install valgrind)")
    notices = len(list(source.glob("*.txt")))
    if not notices:
        sys.exit(f"no *.txt notices in {source}")
    return notices
