"""Every diagnostic code is documented and has a case that raises it, with its line."""
from __future__ import annotations

import pytest

from shuangjian_parse.diagnostics import CATALOGUE, explain
from shuangjian_parse.errors import GrammarError
from shuangjian_parse.pipeline import run

HEAD = "关于成立某县“双减”工作领导小组的通知\n各乡镇：\n决定成立某县“双减”工作领导小组。\n"

# code -> (notice text, the 1-based line the diagnostic must point at)
CASES = {
    "SJ101": (("关于成立领导小组的通知\n" * 60).encode("utf-8") + b"\xff\n", 61),
    "SJ102": ("房县人民政府办公室关于建立协调机制的通知\n索引号\n123\n发文字号\n房政办函〔2022〕37号\n县直有关单位:\n", 2),
    "SJ103": ("關於成立縣“雙減”工作領導小組的通知\n組長：王剛 縣長\n成員：張偉 縣教育局局長\n".encode("big5"), 1),
    "SJ104": (HEAD + "一、組織機構\n組長：張三 縣長\n", 4),
    # a notice whose line breaks were lost, after two short lines: the rebuilt lines start on line 3
    "SJ105": ("\n\n" + HEAD.replace("\n", "") + "一、组织机构组长：张三 县长副组长：李四 副县长成员：县教育局、县财政局"
              "、县公安局、县民政局主要负责人。二、工作职责县教育局：负责统筹协调，会同有关部门加强日常监管。县财政局：负责"
              "经费保障。县公安局：负责治安管理。某县人民政府2021年9月1日", 3),
    "SJ201": (HEAD + "一、组织机构\n三、工作要求\n", 5),
    "SJ202": ("各乡镇人民政府：\n为加强领导，决定成立领导小组。\n", 1),
    "SJ203": (HEAD + "一、组织机构\n", 1),
    "SJ204": (HEAD + "附件：1. 成员名单\n2. 职责分工\n县政府\n2021年1月1日\n附件1\n成员名单\n附件3\n其他\n", 5),
    "SJ205": ("某县人民政府办公室关于建立某县防汛工作联席会议制度的通知 各乡镇人民政府：为做好防汛工作，"
              "经县政府同意，建立联席会议制度。\n", 1),
    "SJ206": ("某县关于成立防汛领导小组的通知\n某县人民政府办公室关于成立某县防汛工作领导小组的通知\n"
              "某政办函〔2021〕3号\n各乡镇：\n现决定成立领导小组。\n", 1),
    "SJ301": (HEAD + "领导小组由县教育局、县财政局等5个部门组成。\n", 4),
    "SJ302": (HEAD + "一、组织机构\n组长：县委、县政府有关领导同志，具体由县委研究确定\n", 5),
    "SJ303": (HEAD + "附件：1. 甲名单\n2. 乙名单\n县政府\n2021年1月1日\n附件1\n某县“双减”工作协调机制成员名单\n成员\n"
              "冯红卫 县财政局副局长\n附件2\n某县“双减”工作监管领导小组成员名单\n成员：冯红伟 县财政局副局长\n", 14),
    "SJ304": (HEAD + "一、人员名单\n组长：张三 县长\n各成员单位要确定一名同志担任联络员，报送领导小组。\n", 6),
    "SJ305": (HEAD + "领导小组下设办公室，办公室主任由县教育局主要负责同志担任。\n", 4),
    "SJ306": (HEAD + "一、组织机构\n长:孙海方(县委常委)\n副组长:彭峰(县政府办公室主任)\n", 5),
    "SJ307": (HEAD + "一、组织机构\n组长：张三 县长\n成员由各单位推荐，副组长：李四同志，另行通知。\n", 6),
    "SJ401": (HEAD + "二、职责分工\n县教育局：\n", 5),
    "SJ402": (HEAD + "二、职责分工\n其他相关部门按照各自职责抓好落实。\n", 5),
    "SJ403": (HEAD + "二、职责分工\n县教育局要会同有关部门加强监管。\n", 5),
}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_is_documented(code):
    text = explain(code)
    for part in ("What it means:", "Why it matters:", "Example:", "How to fix:"):
        assert part in text, f"{code} lacks {part!r}"


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_code_is_raised_at_its_line(code):
    text, line = CASES[code]
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    found = [d for d in run(data, "a.txt").notice.diagnostics if d.code == code]
    assert found, f"{code} not raised"
    assert found[0].line == line
    assert found[0].severity == CATALOGUE[code].severity


def test_grammar_code_is_raised_for_a_broken_grammar(tmp_path):
    with pytest.raises(GrammarError) as err:
        from shuangjian_parse.grammar import load_grammar

        load_grammar(str(tmp_path))
    assert "SJ901" in str(err.value)


def test_every_stage_code_has_a_case():
    stage_codes = {c for c in CATALOGUE if c[2] in "1234" and not CATALOGUE[c].removed}
    assert stage_codes <= set(CASES)
