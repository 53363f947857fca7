"""Shared fixtures: where the samples, golden files and the shared corpus live."""
from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

# Tests that parse in-process or start `sj` store compiled patterns (regex_cache.py): in a
# folder of the test run's own, not in the user's ~/.cache/sj.
os.environ.setdefault("SJ_CACHE_DIR", tempfile.mkdtemp(prefix="sj-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOLDEN = Path(__file__).resolve().parent / "golden"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
GOLD = SHARED / "gold"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/* from the current output (review the diff!)")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture(scope="session")
def parser():
    from shuangjian_parse.pipeline import parser_for

    return parser_for()


def check_golden(path: Path, actual: str, update: bool) -> None:
    """Compare with a golden file, or rewrite it under --update-golden."""
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not update:
            pytest.fail(f"{path.name} did not exist; written now: review it and commit")
        return
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{path.name} differs; run pytest --update-golden and review the diff"


def run_cli(monkeypatch, capsys, *args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    """Run `sj` in-process: (exit code, stdout, stderr); a traceback on stderr fails the test."""
    from shuangjian_parse.cli import main

    monkeypatch.setattr(sys, "argv", ["sj", *args])
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    with pytest.raises(SystemExit) as exit_:
        main()
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return exit_.value.code, out, err


@pytest.fixture
def grammar_copy(tmp_path):
    """A copy of the shipped grammar files to break in a test (their YAML only)."""
    from shuangjian_parse.grammar import FILES, default_dir, load_grammar

    for name in FILES:
        shutil.copy(default_dir() / f"{name}.yaml", tmp_path / f"{name}.yaml")
    load_grammar.cache_clear()
    yield tmp_path
    load_grammar.cache_clear()
