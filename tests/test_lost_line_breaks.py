"""A notice whose line breaks were lost — all on one line, as a Word export or a copied web page
gives it — still yields its sections, rosters and duties: each of the five samples with its line
breaks removed (here, in the test) is scored against the record of the sample itself, category by
category, as `sj eval` scores a record against gold.

The floors are what the normalize stage reaches by splitting such text again (before numbered
items, role labels, unit labels, the signature and its date); without it sections and duties are
all lost (F1 0.00) and people 0.02. What stays out of reach is the people stage's part: a roster
whose line breaks left no trace glues each name to the post before it (…宣传部部长陈浩 区委常委).
"""
from __future__ import annotations

import json

import pytest

from conftest import SAMPLES
from shuangjian_parse.emit import record_data
from shuangjian_parse.evaluate import CATEGORIES, evaluate
from shuangjian_parse.pipeline import run

VARIANTS = {
    # every line break removed: what a Word file with its paragraphs run together gives
    "no breaks": lambda text: text.replace("\n", ""),
    # every run of line breaks a space: what a web page's copy of the notice often gives
    "spaces": lambda text: " ".join(line.strip() for line in text.split("\n") if line.strip()),
}

# Per category F1 over the five samples reached (floors: a change may raise them, never lower).
FLOORS = {
    "no breaks": {"sections": 0.73, "bodies": 0.92, "people": 0.30, "posts": 0.25, "units": 0.98,
                  "duties": 0.91, "overall": 0.68},
    "spaces": {"sections": 0.94, "bodies": 0.96, "people": 0.59, "posts": 0.49, "units": 0.94,
               "duties": 0.87, "overall": 0.77},
}


def _record(text: str, name: str) -> dict:
    return json.loads(json.dumps(record_data(run(text.encode("utf-8"), name).notice), default=str))


@pytest.fixture(scope="module")
def originals() -> dict[str, dict]:
    return {p.stem: _record(p.read_text(encoding="utf-8"), p.name) for p in sorted(SAMPLES.glob("*.txt"))}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_notice_without_line_breaks_still_yields_its_record(variant, originals):
    records = {p.stem: _record(VARIANTS[variant](p.read_text(encoding="utf-8")), p.name)
               for p in sorted(SAMPLES.glob("*.txt"))}
    summary = evaluate(originals, records).summary
    reached = {c: summary[c]["f1"] for c in CATEGORIES} | {"overall": summary["overall_f1"]}
    low = {c: (round(reached[c], 3), floor) for c, floor in FLOORS[variant].items() if reached[c] < floor}
    assert not low, f"{variant}: F1 under the floor reached before (F1, floor): {low}"


def test_the_line_of_each_piece_is_the_line_it_comes_from():
    """A sample with its line breaks removed but one: pieces before it name line 1, after it line 2."""
    text = (SAMPLES / "000_9a14945eab7843f1.txt").read_text(encoding="utf-8")
    head, tail = text.split("二、工作职责")
    notice = run((head.replace("\n", "") + "\n二、工作职责" + tail.replace("\n", "")).encode("utf-8"), "a.txt").notice
    assert {m.line for body in notice.bodies for m in body.members} == {1}
    assert notice.duties and {d.line for d in notice.duties} == {2}
