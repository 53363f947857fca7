"""The sections stage: the outline 一、（一）1.（1）, headings, kinds, numbering diagnostics."""
from __future__ import annotations

import pytest

from shuangjian_parse.pipeline import run

HEAD = "关于成立领导小组的通知\n各乡镇人民政府：\n为加强领导，现将有关事项通知如下：\n"


def outline(body: str):
    notice = run((HEAD + body).encode("utf-8"), "a.txt").notice
    return notice.sections, notice.diagnostics


def flat(sections, out=None):
    out = [] if out is None else out
    for s in sections:
        out.append((s.level, s.number, s.heading))
        flat(s.children, out)
    return out


@pytest.mark.parametrize("line, level, number, heading", [
    ("一、组织机构", 1, "一", "组织机构"),
    ("十二、保障措施", 1, "十二", "保障措施"),
    ("（一）成员单位", 2, "一", "成员单位"),
    ("(二)职责分工", 2, "二", "职责分工"),
    ("(一)会议决策制度。原则上每半年召开一次全体会议。", 2, "一", "会议决策制度"),
    ("(一)各级人民政府:对本行政区域内工作负主要责任", 2, "一", "各级人民政府"),
    ("(二)每两个月召开一次联席会,研究加强消防工作的具体举措;", 2, "二", "每两个月召开一次联席会,研究加强消防工作的具体举措"),
    ("(一)负责县消防安全管理中心日常工作,制定下发相关消防安全委员会文件,并做好文件材料的收集工作;", 2, "一", None),
    ("1.管理水平再提升。全面落实方案", 3, "1", "管理水平再提升"),
    ("（1）作业管理", 4, "1", "作业管理"),
    ("二 工作要求", 1, "二", "工作要求"),  # a space in place of the 、 lost in copying
])
def test_numbered_line_opens_a_section(line, level, number, heading):
    parents = {1: "", 2: "一、总则\n", 3: "一、总则\n（一）分项\n", 4: "一、总则\n（一）分项\n1.细项\n"}
    sections, _ = outline(parents[level] + line + "\n")
    assert (level, number, heading) in flat(sections)


def test_tree_nests_levels_and_kinds_follow_headings():
    sections, diagnostics = outline("一、组织机构\n组长：张三 县长\n二、成员单位及职责\n（一）成员单位\n"
                                    "（二）职责分工\n县教育局：负责统筹。\n三、工作要求\n（一）加强领导。\n")
    assert [(s.number, s.kind, [(c.number, c.kind) for c in s.children]) for s in sections] == [
        ("一", "organization", []),
        ("二", "duties", [("一", "organization"), ("二", "duties")]),
        ("三", "requirements", [("一", "requirements")]),
    ]
    assert [d.code for d in diagnostics if d.code == "SJ201"] == []


def test_item_named_after_a_group_keeps_its_parents_kind():
    sections, _ = outline("三、各专项小组工作职责\n1.工作小组:负责实施。\n2.保障小组:负责经费。\n")
    assert [c.kind for c in sections[0].children] == ["duties", "duties"]


@pytest.mark.parametrize("body, message", [
    ("四、职责分工\n", "四、 follows the start of its level; 一、 is missing"),
    ("一、组织机构\n三、工作要求\n", "三、 follows 一、; 二、 is missing"),
    ("一、组织机构\n（一）成员\n（三）职责\n", "（三） follows （一）; （二） is missing"),
    ("一、组织机构\n一、工作要求\n", "一、 follows 一、; 二、 is missing"),
])
def test_numbering_gap_is_reported(body, message):
    _, diagnostics = outline(body)
    assert [d.message for d in diagnostics if d.code == "SJ201"] == [message]


def test_attachment_items_are_not_sections_of_the_main_text():
    sections, _ = outline("一、组织机构\n附件：职责分工\n县政府\n2021年1月1日\n附件\n职责分工\n一、做好工作。(县教育局)\n")
    assert flat(sections) == [(1, "一", "组织机构")]
