"""Chinese numerals: one reader and one writer (numerals.py), for sections, dates, attachment
and unit counts and Word's list numbers; every number to 9,999 both ways, every form the
corpus and the samples hold, and the section grammar accepting what the reader reads."""
from __future__ import annotations

import re

import pytest

from shuangjian_parse.grammar import load_grammar
from shuangjian_parse.numerals import NUMERAL_CHARACTERS, chinese_numeral, cn_digits, cn_number
from shuangjian_parse.stages.document import parse_date
from shuangjian_parse.stages.sections import match_number

from conftest import CORPUS, SAMPLES


@pytest.fixture(scope="module")
def grammar():
    return load_grammar()


# Written out by hand, as a 公文 writes them.
@pytest.mark.parametrize("value, text", [
    (0, "〇"), (1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (99, "九十九"), (100, "一百"),
    (101, "一百零一"), (105, "一百零五"), (110, "一百一十"), (111, "一百一十一"), (205, "二百零五"),
    (1000, "一千"), (1001, "一千零一"), (1005, "一千零五"), (1010, "一千零一十"), (1100, "一千一百"),
    (2021, "二千零二十一"), (9999, "九千九百九十九"),
])
def test_written_and_read(value, text):
    assert chinese_numeral(value) == text
    assert cn_number(text) == value


def test_every_number_to_9999_reads_back_as_itself():
    written = [chinese_numeral(n) for n in range(10_000)]
    assert [cn_number(text) for text in written] == list(range(10_000))
    assert len(set(written)) == 10_000
    assert set("".join(written)) == set(NUMERAL_CHARACTERS) - {"两"}


@pytest.mark.parametrize("text, value", [
    ("两百", 200), ("两千", 2000), ("两千零五", 2005), ("一百十二", 112), ("零", 0), ("十", 10),
])
def test_other_forms_that_are_read(text, value):
    assert cn_number(text) == value


@pytest.mark.parametrize("text", ["", "百", "千", "十十", "百百", "二三", "一百五", "一千五", "一百零",
                                  "零五", "一零", "千百", "一百零零五", "二十5", "2", "〇二", "十一十"])
def test_what_is_no_numeral_is_a_value_error(text):
    with pytest.raises(ValueError):
        cn_number(text)


@pytest.mark.parametrize("text, value", [
    ("二〇二一", 2021), ("二○○五", 2005), ("二OO八", 2008), ("二0二一", 2021), ("二ＯＯ八", 2008),
    ("２０２１", 2021), ("一九九九", 1999),
])
def test_years_are_read_digit_by_digit_with_their_stand_ins_for_zero(text, value):
    assert cn_digits(text) == value


@pytest.mark.parametrize("value, legal", [(3, "叁"), (10, "壹拾"), (12, "壹拾贰"), (105, "壹佰零伍"),
                                          (2021, "贰仟零贰拾壹")])
def test_legal_forms_for_word_numbering(value, legal):
    assert chinese_numeral(value, legal=True) == legal


def test_beyond_9999_stays_arabic():
    assert (chinese_numeral(10_000), chinese_numeral(-1)) == ("10000", "-1")


def test_the_section_grammar_reads_every_number_the_reader_reads(grammar):
    rules = grammar.sections
    for n in range(1, 10_000):
        text = chinese_numeral(n)
        assert match_number(f"{text}、组织机构", rules)[:2] == (1, text)
        assert match_number(f"（{text}）组织机构", rules)[:2] == (2, text)
    assert match_number("两百、其他", rules)[:2] == (1, "两百")


@pytest.mark.parametrize("line", ["十十、其他", "百、其他", "一百五、其他", "两、三天内完成", "（二三）其他"])
def test_a_number_that_is_no_numeral_leaves_the_line_unnumbered(grammar, line):
    assert match_number(line, grammar.sections) is None


def _texts():
    paths = sorted(SAMPLES.glob("*.txt")) + (sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else [])
    return [p.read_text(encoding="utf-8") for p in paths]


def test_every_numbered_heading_of_the_corpus_and_samples(grammar):
    """Each Chinese section number found is read, and written back the same way."""
    numbers = set()
    for text in _texts():
        for line in text.splitlines():
            found = match_number(line.strip(), grammar.sections)
            if found and not found[1].isdigit():
                numbers.add(found[1])
    assert len(numbers) >= 20     # 一 … 二十六 in the samples alone
    assert {n for n in numbers if chinese_numeral(cn_number(n)) != n} == set()


def test_every_date_of_the_corpus_and_samples(grammar):
    """Each 成文日期-like date (二○○五年四月二日, 二OO八年…) reads to a real calendar date."""
    date = re.compile(grammar.document.date.pattern.lstrip("^").rstrip("$"))
    found = [m for text in _texts() for line in text.splitlines()
             for m in [date.search("".join(line.split()))] if m]
    chinese = [m for m in found if not m.group("y").isdigit()]
    if CORPUS.is_dir():   # the samples alone hold 6 dates, all in Arabic digits
        assert len(found) >= 30 and len(chinese) >= 5
    else:
        assert len(found) >= 5
    assert [m.group(0) for m in found if parse_date(m) is None] == []
    for m in chinese:
        assert 1990 <= cn_digits(m.group("y")) <= 2030


def test_headings_numbered_in_the_hundreds_parse_and_report_the_number_expected():
    """`一百、组织机构` was a KeyError: '百' traceback."""
    from shuangjian_parse.pipeline import run

    text = "关于成立县“双减”工作领导小组的通知\n一百、组织机构\n组长：王刚 县长\n二百零五、工作要求\n"
    notice = run(text.encode("utf-8"), "a.txt").notice
    assert [(s.number, s.heading) for s in notice.sections] == [("一百", "组织机构"), ("二百零五", "工作要求")]
    assert [d.message for d in notice.diagnostics if d.code == "SJ201"] == [
        "一百、 follows the start of its level; 一、 is missing",
        "二百零五、 follows 一百、; 一百零一、 is missing"]


def test_a_heading_in_the_hundreds_is_not_joined_to_an_unfinished_line_before_it():
    """The normaliser joins a line broken mid-sentence to the next, but never a numbered one."""
    from shuangjian_parse.pipeline import run

    text = ("关于成立县“双减”工作领导小组的通知\n一百、组织机构\n"
            "领导小组由县教育局、县财政局、县公安局、县市场监管局等单位的\n二百零五、工作要求\n")
    assert [s.number for s in run(text.encode("utf-8"), "a.txt").notice.sections] == ["一百", "二百零五"]
