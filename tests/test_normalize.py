"""The normalise stage: spaces, widths, markdown residue, noise, metadata, broken lines, and
the line breaks of hard-wrapped text (a PDF page) and of a notice that lost them."""
from __future__ import annotations

from pathlib import Path

import pytest

from shuangjian_parse.diagnostics import Report
from shuangjian_parse.stages.normalize import clean_text, normalize
from shuangjian_parse.stages.read import read_source


def norm(text: str, parser):
    report = Report()
    decoded = read_source(text.encode("utf-8"), "a.txt", report)
    return normalize(decoded, parser.grammar.normalize, report, parser.starts), report


@pytest.mark.parametrize("raw, clean", [
    ("　　组　长：冯吉光  县委常委、县委宣传部部长　", "组长：冯吉光 县委常委、县委宣传部部长"),
    ("副组长：冉  靖  县人民政府副县长", "副组长：冉靖 县人民政府副县长"),
    ("召 集 人：\t蒋雪娇\t副区长候选人", "召集人：\t蒋雪娇\t副区长候选人"),
    ("主 任 委 员:刘雪荣", "主任委员:刘雪荣"),
    ("- 组 长：** 吴春梅 县政府副县长", "组长：吴春梅 县政府副县长"),
    ("| 王 刚 | 县民政局副局长 |", "王刚\t县民政局副局长"),
    ("|-----|-------------|", ""),
    ("- | | |", ""),
    ("通  知", "通知"),
    ("每课时不超过 30 分钟", "每课时不超过 30 分钟"),
    ("彭景坤 易肇沅 周杏武", "彭景坤 易肇沅 周杏武"),
    ("第１９届亚运会", "第19届亚运会"),
    ("县委常委、 县委宣传部部长", "县委常委、县委宣传部部长"),
    ("　　一、组织机构\t ", "一、组织机构"),            # indented: only the ends go
    ("　　- ", ""),                                # a bullet alone is no text
    ("\t•\u3000", ""),
    ("　　-1-", "-1-"),                            # a dash that is no bullet stays
])
def test_clean_line(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize("noise", [
    "— 4 —", "- 12 -", "(", ")", "(此件公开发布)", "（此件主动公开）", "主题词:科技 全民科学素质",
    "法搜网--中国法律信息搜索网", "第 [1] 页 共[2]页", "【发表评论】 【互动社区】", "字体大小:", "关闭", "相关文章",
    # web-page residue around a copied notice
    "当前位置：某县人民政府 > 政务公开 > 通知公告", "首页 > 信息公开 > 政策文件", "您的位置:首页 » 部门文件",
    "发布时间：2022-06-01 10:00 来源：某县应急管理局", "来源:某市教育局网站 作者:佚名 点击数:120",
    "更新时间:2023-05-06 08:30:12", "浏览次数：88", "阅读量:1024", "分享到：微信 微博 QQ空间", "【字号：大 中 小】",
    "收藏 打印 关闭", "转自：某某教育网", "第[2]页", "第2页 / 共3页", "上一页 1 2 下一页", "下一篇：关于做好春季开学工作的通知",
    "2022-06-01 10:00 上传", "IMG_0012.jpg (88.2 KB, 下载次数: 3)", "某县课后服务方案.docx_第3页",
    "《某县课后服务方案.docx》由会员分享，可在线阅读。", "原文链接：http://www.example.gov.cn/art/2022/6/1/art_1.html",
])
def test_noise_lines_are_dropped(noise, parser):
    text, _ = norm(f"一、组织机构\n{noise}\n二、职责分工\n", parser)
    assert [ln.text for ln in text.lines] == ["一、组织机构", "二、职责分工"]
    assert [ln.line for ln in text.lines] == [1, 3]


def test_every_noise_example_passes_the_noise_gate(parser):
    """The gate before the noise pattern (first characters, literals) lets every example of
    every rule through: each is dropped."""
    rules = parser.grammar.normalize
    for rule in rules.noise:
        for example in rule.examples.match:
            if clean_text(example) != example:
                continue   # (·3· loses its bullet: 3· is no page number)
            text, _ = norm(f"一、组织机构\n{example}\n二、职责分工\n", parser)
            assert [ln.text for ln in text.lines] == ["一、组织机构", "二、职责分工"], (rule.id, example)


def test_sentence_broken_across_lines_is_joined_and_maps_back(parser):
    text, _ = norm("协调机制由县教育局主要负责同志担任召集人，相关成员单\n\n位负责同志为协调机制成员。\n"
                   "附件\n", parser)
    first = text.lines[0]
    assert first.text == "协调机制由县教育局主要负责同志担任召集人，相关成员单位负责同志为协调机制成员。"
    assert first.line == 1
    assert first.line_at(first.text.index("位负责")) == 3
    assert text.lines[1].line == 4


def test_unit_name_broken_inside_brackets_is_joined(parser):
    text, _ = norm("十一、坚决禁止不正当竞争。**(县**\n\n市场监管局、县教育局)\n", parser)
    assert [ln.text for ln in text.lines] == ["十一、坚决禁止不正当竞争。(县市场监管局、县教育局)"]


@pytest.mark.parametrize("raw, joined", [
    ("联席会议由省教育厅、省公安厅、省民政厅\n、省财政厅组成。\n", "联席会议由省教育厅、省公安厅、省民政厅、省财政厅组成。"),
    ("（三）县文旅局：负责培训机构审批和监管\n。\n", "（三）县文旅局：负责培训机构审批和监管。"),
    ("办公室主任由张三（县教育局局长\n）兼任。\n", "办公室主任由张三（县教育局局长）兼任。"),
])
def test_a_line_that_starts_with_a_mark_no_line_may_start_with_carries_on_the_one_above(raw, joined, parser):
    text, _ = norm(raw, parser)
    assert [ln.text for ln in text.lines] == [joined]


@pytest.mark.parametrize("lines", [
    ["苟仲文 体育总局局长、第19届亚运会组委会主席、第4届亚残运会组委会主席", "张海迪 中国残联主席"],
    ["成员:市委组织部、市发改委、市教育局、市科技局和各区、县(市)政府有关负责人",
     "领导小组下设办公室(设在市文化局)"],
    ["房县人民政府办公室关于建立房县“双减”工作专门协调机制的通知", "县直有关单位:"],
    ["为全面推进我区“双减”工作，成立领导小组，名单如下", "一、领导小组"],
    ["为全面推进我区“双减”工作，成立领导小组，组成如下", "组长：李超 区委副书记"],
])
def test_complete_lines_are_not_joined(lines, parser):
    text, _ = norm("\n".join(lines) + "\n", parser)
    assert [ln.text for ln in text.lines] == lines


def test_web_metadata_block_becomes_fields(parser):
    raw = ("房县人民政府办公室关于建立协调机制的通知\n\n索引号\n01145506X/2022-59218\n文件类型\n通知\n"
           "发文单位\n房县人民政府办公室\n发文字号\n房政办函〔2022〕37号\n发布日期\n2022年11月02日 15:42:49\n"
           "效力状态\n有效\n\n县直有关单位:\n")
    text, report = norm(raw, parser)
    assert [ln.text for ln in text.lines] == ["房县人民政府办公室关于建立协调机制的通知", "县直有关单位:"]
    assert text.metadata["发文字号"] == ("房政办函〔2022〕37号", 9)
    assert text.metadata["发文单位"][0] == "房县人民政府办公室"
    assert [d.code for d in report.items()] == ["SJ102"]


def test_glued_metadata_fields_on_one_line(parser):
    raw = ("字体大小:\n发文字号临政函〔2024〕9号 发布日期2024-02-09\n发文机关临县人民政府办公室 关  键  字\n"
           "标  题关于成立县消防安全管理中心的通知\n\n临县人民政府\n")
    text, _ = norm(raw, parser)
    assert text.metadata["发文字号"][0] == "临政函〔2024〕9号"
    assert text.metadata["发文机关"][0] == "临县人民政府办公室"
    assert text.metadata["标题"][0] == "关于成立县消防安全管理中心的通知"
    assert [ln.text for ln in text.lines] == ["临县人民政府"]


@pytest.mark.parametrize("line", [
    "来源：县财政预算安排，专款专用。",      # a sentence that starts with 来源
    "时间：2022年6月1日上午9:00 地点：县政府三楼会议室",  # a meeting's time, not a byline
    "某政办函〔2022〕8号.png",                # a doc number kept in an image name
    "2022年6月1日",                          # a 成文日期 is no time stamp
    "首页",
    "收藏",
])
def test_content_that_looks_like_page_residue_stays(line, parser):
    text, _ = norm(f"一、组织机构\n{line}\n", parser)
    assert [ln.text for ln in text.lines] == ["一、组织机构", line]


def test_law_database_fields_in_brackets_are_metadata(parser):
    raw = ("【发布部门】某省人民政府办公厅\n【发布文号】某政办发〔2019〕12号\n【发布日期】2019-05-06\n【失效日期】\n"
           "关于成立某省河湖保护工作领导小组的通知\n")
    text, report = norm(raw, parser)
    assert text.metadata["发布部门"][0] == "某省人民政府办公厅"
    assert text.metadata["发布文号"][0] == "某政办发〔2019〕12号"
    assert [ln.text for ln in text.lines] == ["关于成立某省河湖保护工作领导小组的通知"]
    text, _ = norm("【发布单位】某市人民政府【发布文号】某政发〔2020〕3号【发布日期】2020-01-02\n正文。\n", parser)
    assert (text.metadata["发布单位"][0], text.metadata["发布文号"][0]) == ("某市人民政府", "某政发〔2020〕3号")


def test_page_fields_with_their_values_below_are_metadata(parser):
    text, _ = norm("关于成立领导小组的通知\n来源:\n发布时间:\n2019年08月27日\n某省人民政府办公厅\n", parser)
    assert text.metadata["发布时间"][0] == "2019年08月27日"
    assert [ln.text for ln in text.lines] == ["关于成立领导小组的通知", "某省人民政府办公厅"]


def test_a_single_field_word_in_text_is_not_metadata(parser):
    text, _ = norm("标题党不可取\n一、组织机构\n", parser)
    assert text.metadata == {}
    assert text.lines[0].text == "标题党不可取"


def test_normalising_twice_changes_nothing(parser):
    from pathlib import Path

    for sample in sorted(Path(__file__).parent.parent.joinpath("samples").glob("*.txt")):
        once, _ = norm(sample.read_text(encoding="utf-8"), parser)
        twice, _ = norm("\n".join(ln.text for ln in once.lines) + "\n", parser)
        assert [ln.text for ln in twice.lines] == [ln.text for ln in once.lines], sample.name


# --- hard-wrapped text: a PDF page cuts its lines at one width ----------------------------

def page(paragraphs: list[str], width: int = 30) -> str:
    """The paragraphs as a PDF's text layer gives them: cut every `width` characters."""
    return "\n".join(p[i:i + width] for p in paragraphs for i in range(0, len(p), width)) + "\n"


DUTIES = [
    "　　二、工作职责",
    "县教育局：抓好“双减”工作统筹协调，会同有关部门加强对校外培训机构的日常监管，指导学校做好有关工作。",
    "县人力资源社会保障局：做好教师绩效工资核定有关工作，做好职业培训机构的监管和查处工作。",
    "县市场监管局：做好非学科类培训机构登记工作和校外培训机构收费、广告等方面监管工作。",
    "县公安局：依法加强治安管理，依法查处违法犯罪行为，严防发生伤害师生的案事件，对校外培训机构发生的案件及时查处。",
    "县住房城乡建委：做好校外培训机构培训场地租赁、出售相关监管工作，依法开展消防设计审查、消防验收。",
    "　　三、工作要求",
    "　　各成员单位要相互配合、相互支持，凝聚工作合力，明确职责，常态监管，及时总结经验，研究解决问题。",
]


def test_lines_cut_at_a_page_width_are_joined(parser):
    text, report = norm(page(DUTIES), parser)
    assert [ln.text for ln in text.lines] == [p.strip() for p in DUTIES]
    assert [d.code for d in report.items()] == ["SJ105"]
    assert "cut at 30 characters" in report.items()[0].message
    second = text.lines[1]
    assert (second.line, second.line_at(second.text.index("做好有关工作"))) == (2, 3)


@pytest.mark.parametrize("paragraphs", [
    # a new paragraph: indented, after a full line that ends its sentence
    ["　　为全面贯彻落实中央关于“双减”工作的决策部署，推动我县工作落实，决定成立工作领导小组。",
     "　　领导小组下设办公室在县教育局，负责日常工作，办公室主任由县教育局局长担任。"] * 3,
    # a label after a sentence that ends at the width: 县纪委县监委。负责…
    ["县委办公室：督促成员单位落实领导小组议定事项，协调解决重大问题。",
     "县纪委县监委。负责“双减”工作监督的再监督，检查的再检查，履行监督执纪。"] * 3,
])
def test_a_line_at_the_width_before_a_new_paragraph_stays_apart(paragraphs, parser):
    text, _ = norm(page(paragraphs, 32), parser)
    assert [ln.text for ln in text.lines] == [p.strip() for p in paragraphs]


def test_roster_and_heading_lines_of_a_wrapped_page_are_not_joined(parser):
    roster = ["　　一、组织机构", "组长：冯吉光 县委常委、县委宣传部部长、县委统战部部长",
              "副组长：蒋海燕 区委常委、宣传部部长", "陈浩 区委常委、组织部部长",
              "成员：县委办公室、县政府办公室、县教委、县市场监管局、县民政局、县委政法委、县委宣传部、县委网信办等单位主要负责人。"]
    text, _ = norm(page(DUTIES + roster, 26), parser)
    assert [ln.text for ln in text.lines][-5:] == [ln.strip() for ln in roster]


def test_a_page_break_and_a_bracket_alone_inside_a_wrapped_sentence(parser):
    """The page number between two halves of a sentence is noise; `）` alone closes the bracket."""
    bracket = "县市场监管局：做好非学科类培训机构登记和收费广告（含网络广告" + "）"
    lines = page(DUTIES + [bracket]).split("\n")
    lines.insert(2, "— 2 —")      # 县教育局：…加强对校外培 | — 2 — | 训机构的日常监管…
    assert lines[-2] == "）"
    text, _ = norm("\n".join(lines), parser)
    assert [ln.text for ln in text.lines][1] == DUTIES[1]
    assert [ln.text for ln in text.lines][-1] == bracket


def test_a_text_of_paragraph_lines_is_not_taken_for_a_page(parser):
    for sample in sorted(Path(__file__).parent.parent.joinpath("samples").glob("*.txt")):
        _, report = norm(sample.read_text(encoding="utf-8"), parser)
        assert "SJ105" not in [d.code for d in report.items()], sample.name


# --- a notice whose line breaks were lost ------------------------------------------------

ONE_LINE = ("关于成立某县“双减”工作领导小组的通知各乡镇人民政府，县直各部门：为加强组织领导，决定成立领导小组。"
            "一、组织机构组　长：张三 县长副组长：李四 副县长成员：县教育局、县财政局、县公安局主要负责人。"
            "领导小组下设办公室在县教育局。二、工作职责县教育局：负责统筹协调，会同有关部门加强日常监管。"
            "县财政局、县公安局：负责经费保障和治安管理，依法查处违法犯罪行为，严防发生伤害师生的案事件。"
            "（一）县民政局：负责登记。特此通知。某县人民政府 2021年9月1日")


def test_a_notice_on_one_line_is_split_where_items_start(parser):
    text, report = norm("\n\n" + ONE_LINE + "\n", parser)
    assert [ln.text for ln in text.lines] == [
        "关于成立某县“双减”工作领导小组的通知", "各乡镇人民政府，县直各部门：为加强组织领导，决定成立领导小组。",
        "一、组织机构", "组长：张三 县长", "副组长：李四 副县长", "成员：县教育局、县财政局、县公安局主要负责人。",
        "领导小组下设办公室在县教育局。", "二、工作职责", "县教育局：负责统筹协调，会同有关部门加强日常监管。",
        "县财政局、县公安局：负责经费保障和治安管理，依法查处违法犯罪行为，严防发生伤害师生的案事件。",
        "（一）县民政局：负责登记。特此通知。", "某县人民政府", "2021年9月1日"]
    assert {ln.line for ln in text.lines} == {3}        # every piece names the source line it is from
    assert [d.code for d in report.items()] == ["SJ105"]


def test_pieces_of_joined_lines_keep_their_source_lines(parser):
    """A run-on notice broken once after a comma: each piece names the line it starts on, and
    the piece across the break still maps its characters to both lines."""
    cut = ONE_LINE.index("会同有关部门")      # after a comma: joined again
    text, _ = norm(ONE_LINE[:cut] + "\n" + ONE_LINE[cut:] + "\n", parser)
    pieces = {ln.text: ln for ln in text.lines}
    assert pieces["关于成立某县“双减”工作领导小组的通知"].line == 1
    assert pieces["2021年9月1日"].line == 2
    across = pieces["县教育局：负责统筹协调，会同有关部门加强日常监管。"]
    assert (across.line, across.line_at(across.text.index("会同"))) == (1, 2)


@pytest.mark.parametrize("line", [
    # a long paragraph among others: numbered items, labels and dates inside it stay
    "为全面推进“双减”工作：（一）县教育局：负责统筹协调，会同有关部门加强日常监管。（二）县财政局：负责经费保障。"
    "各成员单位要于2021年9月1日前报送工作方案，组长：由县长担任。" * 2,
])
def test_a_notice_with_line_breaks_is_never_split(line, parser):
    raw = "关于成立领导小组的通知\n各乡镇：\n" + line + "\n一、组织机构\n组长：张三 县长\n二、工作职责\n县教育局：负责统筹。\n"
    text, report = norm(raw, parser)
    assert line in [ln.text for ln in text.lines]
    assert "SJ105" not in [d.code for d in report.items()]


def test_normalising_a_split_notice_twice_changes_nothing(parser):
    once, _ = norm(ONE_LINE + "\n", parser)
    twice, _ = norm("\n".join(ln.text for ln in once.lines) + "\n", parser)
    assert [ln.text for ln in twice.lines] == [ln.text for ln in once.lines]


def test_the_white_space_written_out_is_what_str_isspace_and_re_know():
    # normalize.WHITESPACE stands for \s in a class re tests faster; a Python with a newer
    # Unicode table that adds a space character must see this fail, not clean lines differently.
    from shuangjian_parse.stages.normalize import WHITESPACE

    import re
    everything = "".join(map(chr, range(0x110000)))
    assert WHITESPACE == "".join(c for c in everything if c.isspace())
    assert WHITESPACE == "".join(re.findall(r"\s", everything))
