"""The bodies stage: which bodies, their people in every roster layout, member units."""
from __future__ import annotations

import pytest

from shuangjian_parse.pipeline import run

HEAD = "关于成立某县“双减”工作领导小组的通知\n各乡镇人民政府：\n为加强领导，决定成立某县“双减”工作领导小组。现将有关事项通知如下：\n"


def bodies(body: str, head: str = HEAD):
    return run((head + body).encode("utf-8"), "a.txt").notice


def people(body):
    return [(m.role, m.name, m.posts) for m in body.members]


@pytest.mark.parametrize("line, role, name, posts", [
    ("组　长：冯吉光  县委常委、县委宣传部部长", "组长", "冯吉光", ["县委常委", "县委宣传部部长"]),
    ("副组长：冉  靖  县人民政府副县长", "副组长", "冉靖", ["县人民政府副县长"]),
    ("组 长:张顺彩(市政府副市长)", "组长", "张顺彩", ["市政府副市长"]),
    ("组长:陈芸副省长", "组长", "陈芸", ["副省长"]),
    ("副组长:黄琪玉省政府副秘书长", "副组长", "黄琪玉", ["省政府副秘书长"]),
    ("成员:吴立官团省委副书记", "成员", "吴立官", ["团省委副书记"]),
    ("成员:刘平省教育厅副厅长", "成员", "刘平", ["省教育厅副厅长"]),
    ("召 集 人：\t蒋雪娇\t副区长候选人", "召集人", "蒋雪娇", ["副区长候选人"]),
    ("总召集人 杨秋红 市政府副市长", "总召集人", "杨秋红", ["市政府副市长"]),
    ("主 任 委 员:刘雪荣", "主任委员", "刘雪荣", []),
    ("第一副组长:王勇 国务委员", "第一副组长", "王勇", ["国务委员"]),
    ("组 长：李 超 区委副书记", "组长", "李超", ["区委副书记"]),
])
def test_inline_roster_line(line, role, name, posts):
    notice = bodies("一、组织机构\n" + line + "\n")
    assert people(notice.bodies[0])[0] == (role, name, posts)


def test_role_continues_on_lines_without_a_label():
    notice = bodies("一、组织机构\n副组长：蒋海燕 区委常委、宣传部部长\n陈浩 区委常委、组织部部长\n成员：刘富二 区委办副主任\n")
    assert people(notice.bodies[0]) == [("副组长", "蒋海燕", ["区委常委", "宣传部部长"]),
                                        ("副组长", "陈浩", ["区委常委", "组织部部长"]),
                                        ("成员", "刘富二", ["区委办副主任"])]


def test_label_on_its_own_line():
    notice = bodies("二、组成人员\n组长:\n孙春兰 国务院副总理\n副组长:\n袁家军 省委书记\n苟仲文 体育总局局长\n")
    assert [(m.role, m.name) for m in notice.bodies[0].members] == [
        ("组长", "孙春兰"), ("副组长", "袁家军"), ("副组长", "苟仲文")]


@pytest.mark.parametrize("line, names", [
    ("副组长:朱建英、雷永春、林建立、王其孔", ["朱建英", "雷永春", "林建立", "王其孔"]),
    ("副组长:彭景坤 易肇沅 周杏武", ["彭景坤", "易肇沅", "周杏武"]),
    ("组 长:曹 亚", ["曹亚"]),
])
def test_several_names_on_one_line(line, names):
    notice = bodies("一、组织机构\n" + line + "\n")
    assert [m.name for m in notice.bodies[0].members] == names
    assert all(m.posts == [] for m in notice.bodies[0].members)


def test_markdown_table_roster_in_an_attachment_takes_the_titles_role():
    notice = bodies("一、组织机构\n附件：某县“双减”工作领导小组联络员名单\n某县人民政府\n2021年1月1日\n附件\n"
                    "某县“双减”工作领导小组联络员名单\n| | |\n|---|---|\n| 李俊飞 | 县教育局副局长 |\n| 王 刚 | 县民政局副局长 |\n")
    assert people(notice.bodies[0]) == [("联络员", "李俊飞", ["县教育局副局长"]),
                                        ("联络员", "王刚", ["县民政局副局长"])]


@pytest.mark.parametrize("prose, role, name, posts", [
    ("领导小组下设办公室，办公室设在区教育局，办公室主任由唐华镁同志兼任。", "主任", "唐华镁", []),
    ("联席会议办公室设在市妇联,王春燕同志兼任办公室主任。", "主任", "王春燕", []),
    ("领导小组下设办公室(设在市文化局),由俞小玲兼任办公室主任。", "主任", "俞小玲", []),
    ("办公室设在县科协,办公室主任由县科协主席卢兴仙兼任。", "主任", "卢兴仙", ["县科协主席"]),
    ("领导小组下设办公室，办公室主任由教育局局长秦国平兼任。", "主任", "秦国平", ["教育局局长"]),
    ("领导小组下设办公室，办公室主任由县教委主要负责同志担任。", "主任", None, ["县教委主要负责同志"]),
])
def test_office_and_its_members_from_prose(prose, role, name, posts):
    notice = bodies("一、组织机构\n组长：张三 县长\n" + prose + "\n")
    offices = [b for b in notice.bodies if b.kind == "office"]
    assert len(offices) == 1
    assert offices[0].parent == notice.bodies[0].name
    assert people(offices[0]) == [(role, name, posts)]


def test_no_office_when_the_notice_says_so():
    notice = bodies("组长：张三 县长\n领导小组不设办公室,日常工作由市卫生局有关科室承担。\n")
    assert [b.kind for b in notice.bodies] == ["leading_group"]


def test_member_units_split_on_whole_unit_names_only():
    notice = bodies("一、组织机构\n成　员：县委办公室、县发展和改革委员会、县银保监组和各乡镇人民政府（街道办事处）等单位主要负责人。\n")
    assert [u.name for u in notice.bodies[0].member_units] == [
        "县委办公室", "县发展和改革委员会", "县银保监组", "各乡镇人民政府（街道办事处）"]


def test_shared_affixes_are_distributed():
    notice = bodies("成 员:市委组织部、市政府法制办和各区、县(市)政府有关负责人\n")
    assert [u.name for u in notice.bodies[0].member_units] == ["市委组织部", "市政府法制办", "各区政府", "各县(市)政府"]


def test_units_in_prose_with_declared_count_and_lead_unit():
    head = "关于建立某区联席会议制度的通知\n各街道：\n现决定建立某区校外培训治理工作联席会议制度。\n"
    notice = bodies("（一）成员单位\n联席会议由区教育局、区委宣传部，区发展和改革委员会等3个部门组成，区教育局为牵头单位。\n", head)
    jm = notice.bodies[0]
    assert jm.kind == "joint_meeting"
    assert [u.name for u in jm.member_units] == ["区教育局", "区委宣传部", "区发展和改革委员会"]
    assert (jm.declared_unit_count, jm.lead_unit) == (3, "区教育局")
    assert not [d for d in notice.diagnostics if d.code == "SJ301"]


def test_declared_count_that_does_not_match_is_reported():
    head = "关于建立联席会议制度的通知\n各街道：\n现决定建立某区校外培训治理工作联席会议制度。\n"
    notice = bodies("联席会议由区教育局、区委宣传部等16个部门组成。\n", head)
    assert [d.message for d in notice.diagnostics if d.code == "SJ301"] == [
        "某区校外培训治理工作联席会议: 16 units declared, 2 found"]


def test_generic_and_elsewhere_mentions_are_not_bodies():
    notice = bodies("政府事务中涉及多个部门职责的，建立部门联席会议制度进行协调。\n"
                    "各县(区、管理区)也要相应成立控辍专项行动领导小组。\n领导小组组长批准后执行。\n")
    assert [b.name for b in notice.bodies] == ["某县“双减”工作领导小组"]


def test_several_bodies_headed_by_numbered_items():
    notice = bodies("一、保留的非常设机构\n1、市城市规划委员会\n主 任 委 员:刘雪荣\n副主任委员:杨 智\n"
                    "2、市绿化委员会\n主 任:刘雪荣\n副主任:杨智、蔡德坤\n",
                    head="关于调整部分非常设机构的通知\n各县人民政府：\n现将有关事项通知如下：\n")
    assert [(b.name, b.kind, [m.name for m in b.members]) for b in notice.bodies] == [
        ("市城市规划委员会", "other", ["刘雪荣", "杨智"]),
        ("市绿化委员会", "other", ["刘雪荣", "杨智", "蔡德坤"])]


def test_one_post_two_spellings_is_reported():
    notice = bodies("附件：1. 协调机制成员名单\n\n2. 领导小组成员名单\n县政府\n2021年1月1日\n"
                    "附件 1\n某县“双减”工作协调机制成员名单\n成员\n冯红卫 县财政局二级主任科员\n"
                    "附件 2\n某县“双减”工作监管领导小组成员名单\n成员：冯红伟 县财政局二级主任科员\n")
    assert [d.message for d in notice.diagnostics if d.code == "SJ303"] == [
        "冯红卫 and 冯红伟 have the same post (县财政局二级主任科员); one may be a typo"]


def test_many_people_of_one_post_are_reported_once_each_at_most():
    """A long roster of one post whose names all differ by a character: one SJ303 per later
    name at most (every pair would be hundreds here: quadratic in the length of the roster)."""
    chars = "明华刚平伟强军杰涛斌"
    names = [f"王{a}{b}" for a in chars for b in chars[:5]]  # 50 names
    roster = "".join(f"{name} 县财政局科员\n" for name in names)
    notice = bodies(f"一、组织机构\n某县“双减”工作领导小组\n成员\n{roster}")
    found = [d.message for d in notice.diagnostics if d.code == "SJ303"]
    assert len(names) - 1 >= len(found) >= len(names) // 2
    assert found[0] == "王明明 and 王明华 have the same post (县财政局科员); one may be a typo"


def test_unreadable_roster_line_is_reported():
    notice = bodies("一、组织机构\n组长：县委、县政府有关领导同志，具体由县委研究确定\n")
    assert [d.code for d in notice.diagnostics if d.code == "SJ302"] == ["SJ302"]


def test_title_that_adjusts_a_body_names_it():
    notice = bodies("现将调整后的成员名单通知如下：\n组长：张三 县长\n副组长：李四 副县长\n",
                    head="关于调整某县“双减”工作领导小组成员的通知\n各乡镇：\n")
    assert [(b.name, len(b.members)) for b in notice.bodies] == [("某县“双减”工作领导小组", 2)]


def test_roster_after_a_bare_mention_still_has_a_body():
    notice = bodies("为加强领导，经研究，成立领导小组，成员如下：\n组长：张三 县长\n",
                    head="关于加强校外培训治理的通知\n各乡镇：\n")
    assert [(b.name, b.kind, [m.name for m in b.members]) for b in notice.bodies] == [
        ("领导小组", "leading_group", ["张三"])]


def test_office_roles_in_a_roster_go_to_the_office():
    notice = bodies("一、组织机构\n组长：张三 县长\n办公室主任：李四 县教育局局长\n")
    office = [b for b in notice.bodies if b.kind == "office"][0]
    assert people(office) == [("主任", "李四", ["县教育局局长"])]
    assert [m.name for m in notice.bodies[0].members] == ["张三"]


def test_several_names_with_posts_in_brackets():
    notice = bodies("一、组织机构\n副组长：张三（县政府副县长）、李四（县教育局局长）\n")
    assert people(notice.bodies[0]) == [("副组长", "张三", ["县政府副县长"]), ("副组长", "李四", ["县教育局局长"])]


def test_units_separated_by_spaces():
    notice = bodies("一、组织机构\n成员单位：县委办 县政府办 县教育局 县财政局\n")
    assert [u.name for u in notice.bodies[0].member_units] == ["县委办", "县政府办", "县教育局", "县财政局"]


def test_office_head_named_with_comrade_whatever_the_surname():
    notice = bodies("领导小组下设办公室，办公室主任由亓官宇同志兼任。\n")
    assert people([b for b in notice.bodies if b.kind == "office"][0]) == [("主任", "亓官宇", [])]


@pytest.mark.parametrize("line, name, posts", [
    ("组长:王小平局长", "王小平", ["局长"]),
    ("组长:李平安县长", "李平安", ["县长"]),
    ("组长:欧阳明辉副省长", "欧阳明辉", ["副省长"]),
    ("组长:陈小平省财政厅副厅长", "陈小平", ["省财政厅副厅长"]),
])
def test_name_glued_to_its_post(line, name, posts):
    notice = bodies("一、组织机构\n" + line + "\n")
    assert people(notice.bodies[0]) == [("组长", name, posts)]


def test_glued_names_write_no_cache_file(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    from shuangjian_parse.stages.people import PersonReader
    from shuangjian_parse.pipeline import parser_for

    reader = PersonReader(parser_for().grammar.people, parser_for().units)
    assert reader.split_glued("陈芸副省长") == ("陈芸", "副省长")
    assert list(tmp_path.iterdir()) == []


def test_glued_names_load_jieba_without_pkg_resources():
    """jieba would import pkg_resources (90 ms, a deprecation warning with newer setuptools)."""
    import subprocess
    import sys

    code = ("import sys, warnings; warnings.simplefilter('error')\n"
            "from shuangjian_parse.pipeline import parser_for\n"
            "assert parser_for().people.split_glued('陈芸副省长') == ('陈芸', '副省长')\n"
            "print('jieba' in sys.modules, 'pkg_resources' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (done.stdout, done.stderr) == ("True False\n", "")


def test_office_label_on_its_own_line_takes_the_names_below():
    notice = bodies("一、组织机构\n组长：张三 县长\n办公室主任：\n李四 县教育局局长\n成员：王五 县财政局局长\n")
    office = [b for b in notice.bodies if b.kind == "office"][0]
    assert people(office) == [("主任", "李四", ["县教育局局长"])]
    assert [(m.role, m.name) for m in notice.bodies[0].members] == [("组长", "张三"), ("成员", "王五")]


@pytest.mark.parametrize("line, members", [
    ("成员：张三，李四，王五", [("成员", "张三", []), ("成员", "李四", []), ("成员", "王五", [])]),
    ("成员：县委办公室副主任张三、县教育局局长李四",
     [("成员", "张三", ["县委办公室副主任"]), ("成员", "李四", ["县教育局局长"])]),
])
def test_several_people_in_one_list(line, members):
    notice = bodies("一、组织机构\n" + line + "\n")
    assert people(notice.bodies[0]) == members


def test_a_cut_name_after_a_complete_post_is_not_glued_to_it():
    notice = bodies("一、组织机构\n成员:\n李春良 国家林草局副局长\n吕\n")
    assert people(notice.bodies[0]) == [("成员", "李春良", ["国家林草局副局长"])]
    assert [d.code for d in notice.diagnostics if d.code == "SJ302"] == ["SJ302"]


@pytest.mark.parametrize("line, members", [
    ("副组长：县委常委、宣传部部长 李四；县人民政府副县长 王五",
     [("副组长", "李四", ["县委常委", "宣传部部长"]), ("副组长", "王五", ["县人民政府副县长"])]),
    ("成员：张三 县教育局局长 13800000000", [("成员", "张三", ["县教育局局长"])]),
])
def test_more_entry_forms(line, members):
    notice = bodies("一、组织机构\n" + line + "\n")
    assert people(notice.bodies[0]) == members


def test_townships_are_member_units():
    notice = bodies("一、组织机构\n成员：县教育局、各乡镇（街道）、县直有关单位主要负责同志\n")
    assert [u.name for u in notice.bodies[0].member_units] == ["县教育局", "各乡镇（街道）", "县直有关单位"]


def test_name_glued_to_a_unit():
    notice = bodies("一、组织机构\n成员:何伟森市市政局\n")
    assert people(notice.bodies[0]) == [("成员", "何伟森", ["市市政局"])]
