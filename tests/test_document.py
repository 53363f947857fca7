"""The document stage: title, 发文字号, issuers, 成文日期, addressees, 文种, attachments."""
from __future__ import annotations

import pytest

from shuangjian_parse.pipeline import run


def doc(text: str):
    return run(text.encode("utf-8"), "a.txt").notice.document


@pytest.mark.parametrize("head, title", [
    (" 关于成立彭水县“双减”工作领导小组的\n\n通  知\n", "关于成立彭水县“双减”工作领导小组的通知"),
    ("陵川县人民政府办公室 关于建立陵川县“双减”工作专门协调机制的 通 知\n",
     "陵川县人民政府办公室关于建立陵川县“双减”工作专门协调机制的通知"),
    ("息烽县“双减”工作领导小组办公室\n关于印发纵深推进息烽县“双减”\n工作实施方案的通知\n",
     "息烽县“双减”工作领导小组办公室关于印发纵深推进息烽县“双减”工作实施方案的通知"),
    ("临县人民政府\n\n关于成立县消防安全管理中心的通知\n", "关于成立县消防安全管理中心的通知"),
    ("云府办〔2019〕10号\n云浮市人民政府办公室关于印发云浮市促进学前教育普惠健康发展行动方案和云浮\n"
     "市推动义务教育优质均衡发展行动方案的通知\n",
     "云浮市人民政府办公室关于印发云浮市促进学前教育普惠健康发展行动方案和云浮市推动义务教育优质均衡发展行动方案的通知"),
])
def test_title_is_joined_across_lines(head, title):
    d = doc(head + "各乡镇人民政府：\n为加强领导，经研究，决定成立领导小组，现将有关事项通知如下：\n")
    assert d.title == title
    assert d.doc_type == "通知"


def test_no_title_when_the_copy_starts_at_the_addressees():
    d = doc("各乡镇人民政府,县级有关部门:\n为认真贯彻落实纲要精神,县人民政府决定建立联席会议制度。\n")
    assert d.title is None and d.doc_type is None
    assert d.addressees == ["各乡镇人民政府", "县级有关部门"]


@pytest.mark.parametrize("line, number", [
    ("陵政办函〔2021〕45号", "陵政办函〔2021〕45号"),
    ("东府办函[2003]248号2003年12月16日广东省", "东府办函〔2003〕248号"),
    ("(陇政办发〔2008〕92号)", "陇政办发〔2008〕92号"),
    ("黄政办发［2007］17号", "黄政办发〔2007〕17号"),
    ("遂教发（2013）64号", "遂教发〔2013〕64号"),
])
def test_doc_number_in_any_bracket_becomes_hexagonal(line, number):
    d = doc(f"关于成立领导小组的通知\n{line}\n各乡镇人民政府：\n现将有关事项通知如下：\n")
    assert d.doc_number == number


def test_doc_number_cited_in_the_text_is_not_the_notices_own():
    d = doc("关于成立领导小组的通知\n各乡镇人民政府：\n根据《意见》（中办发〔2021〕40号）精神，决定成立领导小组。\n")
    assert d.doc_number is None


@pytest.mark.parametrize("date_line, iso", [
    ("2021年12月13日", "2021-12-13"),
    ("2021 年 9 月 8 日", "2021-09-08"),
    ("二○○五年四月二日", "2005-04-02"),
    ("二〇一一年九月二十六日", "2011-09-26"),
    ("二○○三年十二月十六日", "2003-12-16"),
])
def test_date_under_the_signature(date_line, iso):
    d = doc(f"关于成立领导小组的通知\n各乡镇人民政府：\n现决定成立领导小组。\n县人民政府办公室\n{date_line}\n")
    assert d.date == iso
    assert d.issuers == ["县人民政府办公室"]


def test_impossible_date_is_not_a_date():
    d = doc("关于成立领导小组的通知\n各乡镇人民政府：\n现决定成立领导小组。\n县人民政府\n2021年13月45日\n")
    assert d.date is None


def test_publication_date_of_a_web_page_is_not_the_date():
    d = doc("关于成立领导小组的通知\n索引号\n123\n发布日期\n2022年11月02日\n各乡镇人民政府：\n现决定成立领导小组。\n")
    assert d.date is None


@pytest.mark.parametrize("tail, issuers", [
    ("息烽县“双减”工作领导小组办公室\n（息烽县教育局代章）\n2022年7月5日\n", ["息烽县“双减”工作领导小组办公室"]),
    ("中共象山区委教育工作领导小组（代）\n\n2021年9月8日\n", ["中共象山区委教育工作领导小组"]),
    ("中共某某县委办公室 某某县人民政府办公室\n2022年3月1日\n", ["中共某某县委办公室", "某某县人民政府办公室"]),
])
def test_issuers_from_the_signature(tail, issuers):
    d = doc("关于成立领导小组的通知\n各乡镇人民政府：\n现决定成立领导小组。\n" + tail)
    assert d.issuers == issuers


def test_issuer_from_the_header_mark_then_the_title():
    d = doc("中共象山区委 教育工作领导小组文件\n\n象区委教〔2021〕1号\n\n关于成立领导小组的通知\n各街道：\n现决定。\n")
    assert d.issuers == ["中共象山区委教育工作领导小组"]
    d = doc("长沙市人民政府办公厅关于成立长沙市文化信息资源共享工程领导小组的通知\n各区：\n现决定。\n")
    assert d.issuers == ["长沙市人民政府办公厅"]
    d = doc("关于成立领导小组的通知\n各区：\n现决定。\n")
    assert d.issuers == []


def test_attachments_from_the_note_and_headings():
    d = doc("关于建立协调机制的通知\n县直相关单位:\n现决定建立协调机制。\n附件: 1. 部门职责分工\n\n2. 成员名单\n"
            "县人民政府办公室\n2021年12月13日\n附件 1\n部门职责分工\n一、做好工作。(县教育局)\n附件 2\n成员名单\n")
    assert [(a.index, a.title) for a in d.attachments] == [(1, "部门职责分工"), (2, "成员名单")]
    d = doc("关于成立领导小组的通知\n各区：\n现决定。\n附件：领导小组成员名单\n县政府\n2021年9月8日\n附件：\n领导小组成员名单\n")
    assert [(a.index, a.title) for a in d.attachments] == [(None, "领导小组成员名单")]


@pytest.mark.parametrize("tail, attachments, main_text_ends", [
    # headings with the title on the same line, no 附件说明
    ("县政府\n2021年1月1日\n附件1：领导小组成员名单\n组长：张三 县长\n附件2：职责分工\n县教育局：负责统筹。\n",
     [(1, "领导小组成员名单"), (2, "职责分工")], "县政府"),
    # 附件说明 as consecutive 附件1： lines, headings below
    ("附件1：成员名单\n附件2：职责分工\n县政府\n2021年1月1日\n附件1\n成员名单\n组长：张三 县长\n附件2\n职责分工\n",
     [(1, "成员名单"), (2, "职责分工")], "县政府"),
    # one 附件 after the signature with content below: a heading, not a 附件说明
    ("县政府\n2021年1月1日\n附件：领导小组成员名单\n组长：张三 县长\n", [(None, "领导小组成员名单")], "县政府"),
])
def test_attachment_headings_in_every_form(tail, attachments, main_text_ends):
    result = run(("关于成立领导小组的通知\n各乡镇：\n现决定成立某县“双减”工作领导小组。\n" + tail).encode("utf-8"), "a.txt")
    assert [(a.index, a.title) for a in result.notice.document.attachments] == attachments
    assert result.notice.bodies[0].members[0].name == "张三"


def test_organ_and_date_on_one_line():
    d = doc("关于成立领导小组的通知\n各乡镇人民政府：\n现决定成立领导小组。\n某县人民政府办公室    2022年3月1日\n")
    assert (d.issuers, d.date) == (["某县人民政府办公室"], "2022-03-01")


def test_an_organ_name_with_a_space_is_one_issuer():
    d = doc("关于成立领导小组的通知\n各街道：\n现决定成立领导小组。\n中共象山区委 教育工作领导小组\n2021年9月8日\n")
    assert d.issuers == ["中共象山区委教育工作领导小组"]


def test_addressees_share_their_place_words():
    d = doc("关于成立领导小组的通知\n各乡镇党委、人民政府，各街道党工委、办事处，县级各部门，各人民团体：\n现决定。\n")
    assert d.addressees == ["各乡镇党委", "各乡镇人民政府", "各街道党工委", "各街道办事处", "县级各部门", "各人民团体"]
