"""What a notice is about: the topics stage and grammars/topics.yaml."""
from __future__ import annotations

import re
import shutil

import pytest

from conftest import ROOT, SAMPLES
from shuangjian_parse.errors import GrammarError
from shuangjian_parse.grammar import load_grammar
from shuangjian_parse.pipeline import run

CORPUS = ROOT.parent / "shared" / "corpus"
SEEDS = sorted(p.stem for p in SAMPLES.glob("*.txt"))   # the five 双减 notices sj started from


def _topics(path) -> dict[str, list[str]]:
    return {t.name: t.words for t in run(path.read_bytes(), path.name).notice.topics}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_only_the_five_shuangjian_notices_are_on_shuangjian():
    # SOURCES.tsv gives each notice's topic: 双减 for the five seeds only; 011 and 031 are
    # 校外培训 (2018, before 双减), 036 校外托管
    on = {p.stem for p in CORPUS.glob("*.txt") if "双减" in _topics(p)}
    assert on == set(SEEDS)
    training = {p.stem for p in CORPUS.glob("*.txt") if "校外培训" in _topics(p)}
    assert training == set(SEEDS) | {"011_yueyang_xiaowaipeixun_lianhezhifa",
                                     "031_liuzhou_xiaowaipeixun_zhuanxiangzhili_lingdaoxiaozu_bangongshi"}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
@pytest.mark.parametrize("stem, topic", [
    ("005_suichang_jiaoyu_saomang_lingdaoxiaozu", "教育"),
    ("008_longnan_liushouertong_lianxihuiyi", "民政"),
    ("014_dongguan_gonggongweisheng_lingdaoxiaozu", "卫生健康"),
    ("018_rongjiang_linzhang_tiaozheng", "林业"),
    ("020_xingye_kangzhenjiuzai_zhihuibu", "应急管理"),
    ("028_guowuyuan_yayunhui_lingdaoxiaozu", "体育"),
    ("102_mingshan_fangnishui_zhuanxiang_gongzuoxiaozu", "应急管理"),
    ("114_sichuan_diliuci_renkoupucha_lingdaoxiaozu", "统计"),
])
def test_corpus_notices_get_the_topic_sources_tsv_gives_them(stem, topic):
    assert topic in _topics(CORPUS / f"{stem}.txt")


@pytest.mark.parametrize("stem", SEEDS)
def test_each_sample_is_on_shuangjian_with_words_from_its_text(stem):
    path = SAMPLES / f"{stem}.txt"
    topics = _topics(path)
    assert list(topics)[:3] == ["双减", "校外培训", "教育"]
    text = re.sub(r"\s", "", path.read_text(encoding="utf-8"))
    for words in topics.values():
        assert words and all(w in text for w in words)


@pytest.mark.parametrize("subject, expected", [
    ("关于成立县“双减”工作领导小组的通知", ["双减", "校外培训", "教育"]),
    ("关于成立县消防安全管理中心的通知", ["应急管理"]),
    ("关于成立2008年汛期学校安全防范工作领导小组的通知", ["教育", "应急管理"]),
    # a word in a unit's name says nothing of the subject
    ("省住房和城乡建设厅、省卫生厅为成员单位", []),
    ("县卫生健康委、县应急局、县民政局", []),
])
def test_topics_of_a_subject(parser, subject, expected):
    assert [t.name for t in parser.topics.topics(subject)] == expected


def test_a_topic_words_list_the_words_that_decided_it(parser):
    topics = {t.name: t.words for t in parser.topics.topics("关于成立县“双减”工作领导小组的通知")}
    assert topics == {"双减": ["双减"], "校外培训": ["双减"], "教育": ["双减"]}


def test_the_opening_counts_but_not_a_numbered_item():
    head = "关于成立领导小组的通知\n各乡镇：\n为做好森林防火工作，决定成立领导小组。\n"
    assert [t.name for t in run(head.encode(), "a.txt").notice.topics] == ["应急管理", "林业"]
    cut = "（二十三）市劳动和社会保障局。负责各种社会保险的无障碍流转等方面的调研。\n"
    assert run(cut.encode(), "a.txt").notice.topics == []


@pytest.mark.parametrize("edit, message", [
    (("    implies: [校外培训, 教育]", "    implies: [校外培训, 教育学]"), "implies unknown topics"),
    (("  - name: 校外培训", "  - name: 双减"), "a topic is listed twice"),
    (("    words: [双减, 作业负担和校外培训负担, 减轻义务教育阶段学生作业负担, 减轻学生过重作业负担]", "    words: []"),
     "at least 1 item"),
])
def test_a_bad_topics_grammar_is_refused(tmp_path, edit, message):
    grammars = tmp_path / "grammars"
    shutil.copytree(ROOT / "grammars", grammars)
    path = grammars / "topics.yaml"
    text = path.read_text(encoding="utf-8")
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    (grammars / "compiled.json").unlink()
    with pytest.raises(GrammarError) as err:
        load_grammar(str(grammars))
    assert "topics.yaml" in str(err.value) and message in str(err.value)

