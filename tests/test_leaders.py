"""A leader given by post and by name is one person (stages/leaders.py, SJ509)."""
from __future__ import annotations

from conftest import SAMPLES
from shuangjian_parse.pipeline import run

ROSTER = """关于建立某县“双减”工作联席会议制度的通知
一、组织机构
联席会议由县政府分管副县长担任召集人，县教育局主要负责同志担任副召集人。
{roster}
二、工作职责
县教育局：负责联席会议日常工作。
"""


def members(text: str) -> tuple[list[tuple], set[str]]:
    notice = run(text.encode("utf-8"), "n.txt").notice
    [body] = notice.bodies
    return [(m.role, m.name, m.posts) for m in body.members], {d.code for d in notice.diagnostics}


def test_the_named_leader_replaces_the_one_given_by_post():
    got, codes = members(ROSTER.format(roster="召集人：王建国　县人民政府副县长\n副召集人：李明　县教育局局长"))
    assert got == [("召集人", "王建国", ["县人民政府副县长"]), ("副召集人", "李明", ["县教育局局长"])]
    assert "SJ509" in codes and "SJ305" not in codes  # names are given: no "by post only"


def test_a_leader_given_by_post_only_stays_and_is_reported():
    got, codes = members(ROSTER.format(roster="成员：张平　县财政局副局长"))
    assert ("召集人", None, ["县政府分管副县长"]) in got and ("成员", "张平", ["县财政局副局长"]) in got
    assert "SJ305" in codes and "SJ509" not in codes


def test_more_posts_than_names_are_more_people():
    """Two 副召集人 by post and one by name: sj cannot tell which post is the named one's, so
    nobody is dropped."""
    text = ROSTER.replace("县教育局主要负责同志担任副召集人", "县教育局主要负责同志、县财政局主要负责同志担任副召集人")
    got, codes = members(text.format(roster="副召集人：李明　县教育局局长"))
    deputies = [m for m in got if m[0] == "副召集人"]
    assert ("副召集人", "李明", ["县教育局局长"]) in deputies and len(deputies) == 2
    assert ("召集人", None, ["县政府分管副县长"]) in got and "SJ509" not in codes


def test_the_sample_reports_its_named_convener():
    path = next(p for p in sorted(SAMPLES.glob("*.txt")) if p.name.startswith("002_"))
    notice = run(path.read_bytes(), path.name).notice
    body = next(b for b in notice.bodies if b.kind == "coordination_mechanism")
    conveners = [m for m in body.members if m.role == "召集人"]
    assert [m.name for m in conveners] == ["秦国平"]
    assert any(d.code == "SJ509" and "秦国平" in d.message for d in notice.diagnostics)
