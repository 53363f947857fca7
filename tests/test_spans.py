"""Provenance spans: every extracted value points at the text it was read from (stages/spans.py)."""
from __future__ import annotations

import re

import opencc
import pytest

from conftest import CORPUS, SAMPLES
from shuangjian_parse.emit import to_yaml
from shuangjian_parse.models import Notice
from shuangjian_parse.pipeline import read_text, run
from shuangjian_parse.stages.spans import SourceIndex, compact, span_text, spanned

# The 发文字号's value writes its year in 〔〕 whatever the notice writes round it.
_YEAR_BRACKETS = re.compile(r"[〔〕\[\]［］()（）【】]")


def span_problems(data: bytes, name: str) -> tuple[int, list[str]]:
    """How many values the record of `data` holds, and each whose span is missing or does not
    hold it: `text[start:end]` (pieces joined), white space removed, must be the value."""
    notice = run(data, name).notice
    text = "\n".join(read_text(data, name))
    problems, count = [], 0
    for where, value, span in spanned(notice):
        count += 1
        if span is None:
            problems.append(f"{name}: {where} {value!r}: no span")
            continue
        written, wanted = compact(span_text(text, span)), compact(value)
        if where == "document.doc_number":
            written, wanted = _YEAR_BRACKETS.sub("", written), _YEAR_BRACKETS.sub("", wanted)
        if written != wanted:
            problems.append(f"{name}: {where} {value!r}: span {span} holds {span_text(text, span)!r}")
    return count, problems


def test_every_value_of_the_samples_is_where_its_span_says():
    total = 0
    for path in sorted(SAMPLES.glob("*.txt")):
        count, problems = span_problems(path.read_bytes(), path.name)
        assert problems == []
        total += count
    assert total > 600  # members, posts, units, duties, headings: the samples hold hundreds


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")
def test_every_value_of_the_corpus_is_where_its_span_says():
    """Issue 13, must-show 3: for every value of every record of the corpus, text[start:end] with
    white space removed is the value."""
    problems, total = [], 0
    for path in sorted(CORPUS.glob("*.txt")):
        count, found = span_problems(path.read_bytes(), path.name)
        problems += found
        total += count
    assert problems == [] and total > 1500


def test_a_notice_in_traditional_characters_has_the_spans_of_its_simplified_copy():
    """OpenCC maps one character for one, so the places are the same; the values are as written."""
    path = sorted(SAMPLES.glob("*.txt"))[2]
    original = path.read_text(encoding="utf-8")
    traditional = opencc.OpenCC("s2t").convert(original).encode("utf-8")
    count, problems = span_problems(traditional, path.name)
    assert problems == [] and count > 100
    spans = lambda notice: [span for _, _, span in spanned(notice)]  # noqa: E731
    assert spans(run(traditional, path.name).notice) == spans(run(original.encode(), path.name).notice)


def test_a_notice_with_its_line_breaks_lost_keeps_its_spans():
    path = sorted(SAMPLES.glob("*.txt"))[0]
    one_line = "".join(path.read_text(encoding="utf-8").split("\n")).encode("utf-8")
    count, problems = span_problems(one_line, path.name)
    assert problems == [] and count > 50


NOTICE = """关于成立某县“双减”工作领导小组的通知
各乡镇人民政府，县政府各部门：
一、组织机构
组  长：王  刚  县委常委、副县长
副组长：何  平（县教育局局长）  李  明（县公安局副局长）
成员单位：县委宣传部、网信办，县市场监管局
二、职责分工
宣传、网信部门负责舆论引导。
"""


def test_spans_of_a_small_roster_point_at_each_value():
    """Values read through white space (王  刚), two people on one line, and units sj composed
    from a shared prefix (县委宣传部、网信办 → 县委网信办: two pieces)."""
    data = NOTICE.encode("utf-8")
    notice = run(data, "n.txt").notice
    text = "\n".join(read_text(data, "n.txt"))
    got = {value: span_text(text, span) for _, value, span in spanned(notice) if span}
    assert got["王刚"] == "王  刚"
    assert got["县委常委"] == "县委常委" and got["副县长"] == "副县长"
    assert got["何平"] == "何  平" and got["李明"] == "李  明"
    assert got["县委网信办"] == "县委网信办"  # its two pieces joined
    pieces = next(span for where, value, span in spanned(notice) if value == "县委网信办")
    assert len(pieces) == 4 and text[pieces[0]:pieces[1]] == "县委" and text[pieces[2]:pieces[3]] == "网信办"
    assert span_problems(data, "n.txt")[1] == []


def test_spans_are_written_on_one_line_and_read_back():
    notice = run(NOTICE.encode("utf-8"), "n.txt").notice
    yaml = to_yaml(notice)
    assert re.search(r"\n +name_span: \[\d+, \d+\]\n", yaml)
    assert Notice.model_validate(notice.model_dump()) == notice


def test_the_index_finds_values_on_their_line_and_in_pieces():
    index = SourceIndex(["组长：冯吉光  县委常委", "成员：市委办、市委宣传部、网信办"])
    assert index.span("冯吉光", 1) == [3, 6]
    assert index.span("县委常委", 1) == [8, 12]
    # 市委网信办: the 市委 of 市委宣传部 (the nearest before 网信办), not of 市委办
    assert index.span("市委网信办", 2) == [20, 22, 26, 29]
    assert index.span("县教育局", 1) is None  # not in the text near its line: no span, never a guess


def test_a_span_is_pairs_in_the_texts_order():
    from pydantic import ValidationError

    from shuangjian_parse.models import MemberUnit
    assert MemberUnit(name="市委网信办", line=1, name_span=[3, 5, 9, 12]).name_span == [3, 5, 9, 12]
    for bad in ([3], [5, 3], [3, 5, 4, 8]):
        with pytest.raises(ValidationError):
            MemberUnit(name="市委网信办", line=1, name_span=bad)
