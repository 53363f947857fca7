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


# --- web copies: what a page puts around the notice (invented notices, layouts of the genre) ---

NOTICE = ("某县人民政府办公室\n关于成立某县防汛抗旱指挥部的通知\n某政办发〔2022〕3号\n各乡镇人民政府，县直各单位：\n"
          "为做好防汛抗旱工作，经县政府同意，决定成立某县防汛抗旱指挥部。\n指挥长：孙某某 县长\n"
          "某县人民政府办公室\n2022年5月30日\n")
TITLE = "某县人民政府办公室关于成立某县防汛抗旱指挥部的通知"


@pytest.mark.parametrize("chrome", [
    # breadcrumb, the page's own title with the site's name, a byline, buttons
    "当前位置：首页 > 政务公开 > 通知公告\n某县人民政府办公室关于成立某县防汛抗旱指挥部的通知_某县人民政府网\n"
    "发布时间：2022-06-01 10:00 来源：某县应急管理局 浏览次数：88\n【字体：大 中 小】【打印】【关闭】\n",
    # a shortened page title, fields with their values on the next line
    "某县成立防汛抗旱指挥部\n来源:\n发布时间:\n2022年06月01日\n",
    # the page title differs from the notice's (another organ, no organ): the later one is the notice's
    "某县关于成立防汛抗旱指挥部的通知\n分享到：微信 微博\n",
    "关于成立某县防汛抗旱指挥部的通知\n首页 > 信息公开\n更新时间:2022-06-01 10:00:00\n",
    # a page title written 文号《标题》
    "某政办发〔2022〕3号《某县人民政府办公室关于成立某县防汛抗旱指挥部的通知》\n阅读量：120\n",
    # a portal's metadata block
    "索引号：000123-2022-00045 发布机构：某县应急管理局\n信息名称：关于成立某县防汛抗旱指挥部的通知 主题分类：综合政务\n"
    "发布日期：2022-06-01 文号：某政办发〔2022〕3号\n",
])
def test_page_chrome_above_the_notice_is_neither_title_nor_issuer(chrome):
    d = doc(chrome + NOTICE + "相关链接\n上一篇：关于做好汛期安全工作的通知\n")
    assert (d.title, d.doc_number, d.issuers, d.date) == (TITLE, "某政办发〔2022〕3号", ["某县人民政府办公室"], "2022-05-30")
    assert d.addressees == ["各乡镇人民政府", "县直各单位"]


def test_a_skipped_page_title_is_reported_once_and_a_repeated_one_not_at_all():
    result = run(("某县关于成立防汛抗旱指挥部的通知\n" + NOTICE).encode("utf-8"), "a.txt")
    assert [(x.code, x.line) for x in result.notice.diagnostics if x.code == "SJ206"] == [("SJ206", 1)]
    result = run((TITLE + "\n" + NOTICE).encode("utf-8"), "a.txt")
    assert not [x for x in result.notice.diagnostics if x.code == "SJ206"]


@pytest.mark.parametrize("head, issuers", [
    # a law database's fields: the 发布部门 issued the text, its 发布文号 is the doc number
    ("【发布部门】某省人民政府办公厅\n【发布文号】某政办发〔2019〕12号\n【发布日期】2019-05-06\n【时效性】现行有效\n",
     ["某省人民政府办公厅"]),
    ("【发布单位】某省人民政府办公厅【发布文号】某政办发〔2019〕12号【发布日期】2019-05-06\n", ["某省人民政府办公厅"]),
    # a portal's 发布机构 posted the page; it is no issuer
    ("索引号：000123-2019-00045 发布机构：某省水利厅\n发布日期：2019-05-06 文号：某政办发〔2019〕12号\n", []),
    # nor is a 来源 line, even right above the title
    ("来源：某省人民政府办公厅\n文号：某政办发〔2019〕12号\n", []),
])
def test_issuer_and_doc_number_from_page_fields(head, issuers):
    d = doc(head + "关于成立某省河湖保护工作领导小组的通知\n各市人民政府，省政府各部门：\n为加强河湖保护工作，省政府决定成立领导小组。\n")
    assert d.title == "关于成立某省河湖保护工作领导小组的通知"
    assert d.doc_number == "某政办发〔2019〕12号"
    assert d.issuers == issuers
    assert d.date is None  # a 发布日期 is not the 成文日期


def test_doc_number_in_an_image_file_name():
    d = doc("某县人民政府办公室关于成立某县防汛抗旱指挥部的通知\n某政办发〔2022〕3号.png\n各乡镇人民政府：\n现决定成立指挥部。\n")
    assert d.doc_number == "某政办发〔2022〕3号"


@pytest.mark.parametrize("lead", [
    # a news report, then the notice after 附：
    "日前，某市人民政府办公室印发通知，决定成立某市乡村振兴工作领导小组，统筹推进全市乡村振兴工作。\n"
    "领导小组由市长任组长，分管副市长任副组长。\n附：\n",
    # a repost's lead without 附
    "为统筹推进乡村振兴，市政府近日成立领导小组，现将通知转发如下。\n",
])
def test_title_of_a_notice_under_a_news_report(lead):
    d = doc(lead + "某市人民政府办公室关于成立某市乡村振兴工作领导小组的通知\n（某政办函〔2022〕15号）\n"
                   "各区人民政府，市政府各部门：\n为统筹推进乡村振兴，市政府决定成立领导小组。\n")
    assert d.title == "某市人民政府办公室关于成立某市乡村振兴工作领导小组的通知"
    assert d.doc_number == "某政办函〔2022〕15号"
    assert d.issuers == ["某市人民政府办公室"]


@pytest.mark.parametrize("text", [
    "（二）加强督查。县政府督查室要定期督查，及时通报情况。\n（三）关于经费保障\n各乡镇要将所需经费纳入预算。\n",
    "组长：孙某某 县长\n副组长：钱某某 副县长\n关于领导小组办公室\n办公室设在县应急管理局。\n",
])
def test_a_copy_that_starts_inside_the_text_has_no_title(text):
    assert doc(text).title is None


@pytest.mark.parametrize("text, title, date", [
    ("某县县级河长名单（2022年3月1日）\n一、县级总河长\n总河长：赵某某 县委书记\n", "某县县级河长名单", "2022-03-01"),
    ("某县县级河长名单\n（二〇二二年三月一日）\n一、县级总河长\n", "某县县级河长名单", "2022-03-01"),
    ("某县防汛抗旱指挥部工作规则\n（2021年5月6日县政府第12次常务会议通过）\n第一条 为规范工作，制定本规则。\n",
     "某县防汛抗旱指挥部工作规则", "2021-05-06"),
    # under a news lead too
    ("近日，某县公布了县级河长名单，全文如下。\n某县县级河长名单（2022年3月1日）\n总河长：赵某某 县委书记\n",
     "某县县级河长名单", "2022-03-01"),
])
def test_title_with_its_date_in_brackets(text, title, date):
    d = doc(text)
    assert (d.title, d.date) == (title, date)


def test_a_signature_date_wins_over_a_title_date():
    d = doc("某县县级河长名单（2022年3月1日）\n一、县级总河长\n总河长：赵某某 县委书记\n某县河长制办公室\n2022年3月5日\n")
    assert (d.date, d.issuers) == ("2022-03-05", ["某县河长制办公室"])


@pytest.mark.parametrize("line, title, doc_number, issuers", [
    ("某市人民政府办公室关于建立某市农民工工作联席会议制度的通知 各县（市、区）人民政府，市直有关单位：为切实做好农民工工作，"
     "经市政府同意，建立联席会议制度。现将有关事项通知如下：一、主要职责",
     "某市人民政府办公室关于建立某市农民工工作联席会议制度的通知", None, ["某市人民政府办公室"]),
    # 版头 and 发文字号 run into the title
    ("某县教育局某教发〔2021〕8号关于成立某县课后服务工作领导小组的通知各中小学校：为做好课后服务工作，经局党组研究，决定成立领导小组。",
     "关于成立某县课后服务工作领导小组的通知", "某教发〔2021〕8号", ["某县教育局"]),
    # … with the brackets of the 发文字号 lost, and a page's numbering before it
    ("1、某县双减工作领导小组办公室某双减办2021 5 号关于做好课后服务工作的通知各中小学校：为落实双减要求，现就有关事项通知如下。",
     "关于做好课后服务工作的通知", "某双减办〔2021〕5号", ["某县双减工作领导小组办公室"]),
])
def test_title_of_a_notice_whose_line_breaks_were_lost(line, title, doc_number, issuers):
    result = run((line + "\n").encode("utf-8"), "a.txt")
    d = result.notice.document
    assert (d.title, d.doc_number, d.issuers) == (title, doc_number, issuers)
    assert "SJ205" in [x.code for x in result.notice.diagnostics]


def test_a_run_on_line_is_still_read_as_text():
    result = run(("某县人民政府办公室关于成立某县防汛抗旱指挥部的通知 各乡镇人民政府：为做好防汛工作，县政府决定成立"
                  "某县防汛抗旱指挥部。指挥部由县应急管理局、县水利局、县气象局组成。\n").encode("utf-8"), "a.txt")
    assert result.notice.document.title == "某县人民政府办公室关于成立某县防汛抗旱指挥部的通知"
    body = result.notice.bodies[0]
    assert [u.name for u in body.member_units] == ["县应急管理局", "县水利局", "县气象局"]


def test_title_from_a_sharing_page_file_name():
    result = run(("收藏 分享(赏)\n某县双减工作实施.docx\n上传人：某某文库 文档编号：123456\n某县双减工作实施.docx_第1页\n"
                  "第1页 / 共5页\n1、某县双减工作实施方案为切实减轻学生作业负担和校外培训负担，根据有关文件精神，制定本方案。\n"
                  ).encode("utf-8"), "a.txt")
    assert result.notice.document.title == "某县双减工作实施方案"
    assert "SJ205" in [x.code for x in result.notice.diagnostics]
    # a file name that is a whole title, never repeated in the text
    assert doc("某县防汛抗旱指挥部工作方案.doc\n为做好防汛工作，制定本方案。\n").title == "某县防汛抗旱指挥部工作方案"


def test_the_plan_a_notice_issues_is_not_its_title():
    d = doc("某县人民政府办公室关于印发某县农村厕所改造工作方案的通知\n某政办发〔2022〕5号\n各乡镇人民政府：\n"
            "现将《某县农村厕所改造工作方案》印发给你们，请认真贯彻执行。\n某县人民政府办公室\n2022年3月1日\n"
            "某县农村厕所改造工作方案\n一、工作目标\n")
    assert d.title == "某县人民政府办公室关于印发某县农村厕所改造工作方案的通知"
    assert (d.issuers, d.date) == (["某县人民政府办公室"], "2022-03-01")


def test_title_in_book_title_marks_loses_them():
    d = doc("《某县人民政府办公室关于建立某县食品安全工作联席会议制度的通知》\n各乡镇人民政府：\n现决定建立联席会议制度。\n")
    assert d.title == "某县人民政府办公室关于建立某县食品安全工作联席会议制度的通知"
    assert d.issuers == ["某县人民政府办公室"]


@pytest.mark.parametrize("head", [
    "某县教育局\n某县财政局\n关于成立某县学生资助工作领导小组的通知\n",   # organs stacked above 关于
    "某县教育局 某县财政局关于成立某县学生资助工作领导小组的通知\n",
    "某县教育局、某县财政局关于成立某县学生资助工作领导小组的通知\n",
])
def test_joint_issuers_that_open_the_title(head):
    d = doc(head + "各中小学校：\n为做好学生资助工作，决定成立领导小组。\n")
    assert d.title == "某县教育局" + ("、" if "、" in head else "") + "某县财政局关于成立某县学生资助工作领导小组的通知"
    assert d.issuers == ["某县教育局", "某县财政局"]


def test_a_greeting_above_the_title_does_not_hide_it():
    d = doc("欢迎访问某县人民政府网站！\n关于成立某县学生资助工作领导小组的通知\n为做好学生资助工作，经研究，决定成立领导小组。\n")
    assert d.title == "关于成立某县学生资助工作领导小组的通知"


def test_doc_number_from_a_law_site_field_above_the_text():
    d = doc("发布文号: 某政办发[2003]88号\n各县人民政府，市政府各部门：\n为做好计划生育工作，经市政府同意，现就有关事项通知如下。\n")
    assert (d.title, d.doc_number) == (None, "某政办发〔2003〕88号")


COLOPHON = ("关于成立某县“双减”工作领导小组的通知\n各乡镇：\n一、组织机构\n组长：王刚 县长\n某县人民政府\n"
            "2021年12月13日\n抄送：县委办公室。\n某县人民政府办公室　2021年12月14日印发\n")


def test_a_web_page_after_the_colophon_is_no_part_of_the_notice():
    """A page's residue after the 版记 (links, counters, the text again) gives no section, no member."""
    residue = "http://www.example.com/article-4.html\ntrue\n586\n四、工作保障 (一)明确责任。县要加强领导。\n组长：李四 副县长\n"
    notice = run((COLOPHON + residue).encode("utf-8"), "a.txt").notice
    assert [s.number for s in notice.sections] == ["一"]
    assert [m.name for b in notice.bodies for m in b.members] == ["王刚"]


def test_an_attachment_after_the_colophon_is_still_read():
    attachment = "附件\n某县“双减”工作领导小组成员名单\n副组长：李四 副县长\n"
    notice = run((COLOPHON + attachment).encode("utf-8"), "a.txt").notice
    assert [m.name for b in notice.bodies for m in b.members] == ["王刚", "李四"]
