"""The duties stage: units and what they must do, in every layout the genre uses."""
from __future__ import annotations

import pytest

from shuangjian_parse.pipeline import run

HEAD = "关于建立协调机制的通知\n县直有关单位:\n现决定建立某县“双减”工作协调机制。现将有关事项通知如下：\n"


def duties(body: str):
    notice = run((HEAD + body).encode("utf-8"), "a.txt").notice
    return [(d.units, d.text) for d in notice.duties], notice.diagnostics


@pytest.mark.parametrize("line, units, text", [
    ("县教委：抓好“双减”工作统筹协调。", ["县教委"], "抓好“双减”工作统筹协调。"),
    ("县委组织部:负责发挥党组织战斗堡垒作用。", ["县委组织部"], "负责发挥党组织战斗堡垒作用。"),
    ("县教育局。负责统筹全县“双减”工作。", ["县教育局"], "负责统筹全县“双减”工作。"),
    ("县委宣传部(县委网信办):负责加强舆论宣传引导。", ["县委宣传部(县委网信办)"], "负责加强舆论宣传引导。"),
    ("县委政法委、县司法局、县信访局:负责做好维稳相关工作。", ["县委政法委", "县司法局", "县信访局"], "负责做好维稳相关工作。"),
    ("人行彭水县支行、县银保监组：督促做好预收费风险管控工作。", ["人行彭水县支行", "县银保监组"], "督促做好预收费风险管控工作。"),
    ("各乡（镇）党委、政府，永阳街道。做好辖区内排查摸底。", ["各乡（镇）党委", "各乡（镇）政府", "永阳街道"], "做好辖区内排查摸底。"),
    ("(一)各级人民政府:对本行政区域内工作负主要责任。", ["各级人民政府"], "对本行政区域内工作负主要责任。"),
])
def test_units_then_separator_then_task(line, units, text):
    found, _ = duties("二、职责分工\n" + line + "\n")
    assert found == [(units, text)]


@pytest.mark.parametrize("item, units, text", [
    ("一、健全作业管理机制、科学利用课余时间。**(县教育局)**", ["县教育局"], "健全作业管理机制、科学利用课余时间。"),
    ("三、不再审批新的学科类校外培训机构。(县教育局、县市场监管局会同相关部门)", ["县教育局", "县市场监管局"],
     "不再审批新的学科类校外培训机构。"),
    ("(一)健全管理体制。建立完善学前教育管理体制。(市教育局,市委农办,各县<市、区>人民政府,排名第一位为牵头单位,下同)",
     ["市教育局", "市委农办", "各县<市、区>人民政府"], "健全管理体制。建立完善学前教育管理体制。"),
])
def test_item_that_ends_with_its_units(item, units, text):
    found, _ = duties("附件：职责分工\n县政府\n2021年1月1日\n附件\n某县“双减”工作部门职责分工\n" + item + "\n")
    assert found == [(units, text)]


def test_units_on_the_line_below_close_the_item_above():
    found, _ = duties("附件：职责分工\n县政府\n2021年1月1日\n附件\n部门职责分工\n"
                      "二十四、依法组织实施对校外培训机构的税费服务。\n\n(县税务局)\n")
    assert found == [(["县税务局"], "依法组织实施对校外培训机构的税费服务。")]


def test_clauses_each_with_their_units():
    found, _ = duties("（三）职责分工\n教育部门负责抓好统筹协调，会同有关部门加强监管；宣传、网信部门负责加强舆论宣传引导，"
                      "网信部门负责配合做好线上校外培训监管工作；卫生健康局负责指导卫生防控等；"
                      "其他相关部门按照各自职责负起责任、抓好落实。\n")
    assert found == [
        (["教育部门"], "负责抓好统筹协调，会同有关部门加强监管"),
        (["宣传部门", "网信部门"], "负责加强舆论宣传引导"),
        (["网信部门"], "负责配合做好线上校外培训监管工作"),
        (["卫生健康局"], "负责指导卫生防控等"),
    ]


def test_a_clause_inside_a_task_is_not_a_new_duty():
    found, _ = duties("二、职责分工\n县教育局：负责组织遴选，由教育部门负责组织遴选，供学校选择使用。\n")
    assert found == [(["县教育局"], "负责组织遴选，由教育部门负责组织遴选，供学校选择使用。")]


def test_sub_units_after_a_groups_task():
    """A sub-group (工作小组) is no unit with duties; the units its task names are."""
    found, _ = duties("三、各专项小组工作职责\n1.工作小组:负责扫盲规划的实施。其中:职成教科负责制订规划;基础教育科负责力量整合。\n")
    assert found == [(["职成教科"], "负责制订规划"), (["基础教育科"], "负责力量整合。")]


def test_bodies_and_generic_subjects_are_not_duty_units():
    found, diagnostics = duties("二、领导小组工作职责\n统筹做好各项工作。领导小组下设办公室，办公室负责领导小组日常工作。\n")
    assert found == []
    assert [d.code for d in diagnostics if d.code.startswith("SJ4")] == ["SJ402"]


def test_duty_layouts_outside_duty_sections_are_not_read():
    found, _ = duties("一、工作重点\n县教育局要强化责任落实。\n县教育局：抓好统筹。\n")
    assert found == []


def test_units_with_no_task_are_reported():
    found, diagnostics = duties("二、职责分工\n县教育局：\n")
    assert found == []
    assert [d.code for d in diagnostics if d.code == "SJ401"] == ["SJ401"]


def test_duties_in_a_table():
    found, _ = duties("二、职责分工\n| 单位 | 职责 |\n|---|---|\n| 县教育局 | 负责统筹协调。 |\n| 县财政局 | 负责经费保障。 |\n")
    assert found == [(["县教育局"], "负责统筹协调。"), (["县财政局"], "负责经费保障。")]


def test_tasks_on_the_lines_below_the_units():
    found, _ = duties("二、职责分工\n（一）县教育局：\n1.负责统筹协调。\n2.负责日常监管。\n（二）县财政局：\n1.负责经费保障。\n"
                      "三、工作要求\n")
    # one duty per numbered task, its number left off (gold/README: unit headings with items)
    assert found == [(["县教育局"], "负责统筹协调。"), (["县教育局"], "负责日常监管。"), (["县财政局"], "负责经费保障。")]
