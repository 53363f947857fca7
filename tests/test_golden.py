"""Each sample notice against its reviewed golden record and diagnostics."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import GOLDEN, ROOT, SAMPLES, check_golden
from shuangjian_parse.diagnostics import render_text
from shuangjian_parse.emit import to_yaml
from shuangjian_parse.pipeline import run


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.stem)
def test_golden(sample: Path, update_golden: bool, monkeypatch):
    monkeypatch.chdir(ROOT)
    path = str(sample.relative_to(ROOT))
    result = run(sample.read_bytes(), path)
    check_golden(GOLDEN / f"{sample.stem}.yaml", to_yaml(result.notice), update_golden)
    check_golden(GOLDEN / f"{sample.stem}.diag", render_text(path, result.notice.diagnostics), update_golden)


def test_same_input_same_bytes():
    sample = sorted(SAMPLES.glob("*.txt"))[2]
    first = to_yaml(run(sample.read_bytes(), "s.txt").notice)
    second = to_yaml(run(sample.read_bytes(), "s.txt").notice)
    assert first == second
