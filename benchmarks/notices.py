"""What the benchmark scripts share: the notices they run on.

    from notices import add_source_option     # a script run as `python benchmarks/x.py`
    add_source_option(parser)                 # --source, default ../shared/corpus, else samples/
"""
from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def default_source() -> Path:
    """The shared corpus beside the project when it is there, else the bundled samples."""
    corpus = ROOT.parent / "shared" / "corpus"
    return corpus if corpus.is_dir() else ROOT / "samples"


def add_source_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", type=Path, default=default_source(),
                        help="folder of *.txt notices (default: ../shared/corpus, else samples/)")
