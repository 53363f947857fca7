"""The read stage: encodings, BOMs, newlines, and refusals of what is not a text notice."""
from __future__ import annotations

import codecs

import pytest

from shuangjian_parse.diagnostics import Report
from shuangjian_parse.errors import InputError
from shuangjian_parse.stages.read import read_source

TEXT = "关于成立彭水县“双减”工作领导小组的通知\n组　长：冯吉光\n"


@pytest.mark.parametrize("data, encoding", [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("gb18030"), "gb18030"),
    (TEXT.encode("gbk"), "gb18030"),
    (TEXT.encode("utf-16"), "utf-16"),
    (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
])
def test_encodings_decode_to_the_same_lines(data, encoding):
    decoded = read_source(data, "a.txt", Report())
    assert decoded.source.encoding == encoding
    assert decoded.lines == ["关于成立彭水县“双减”工作领导小组的通知", "组　长：冯吉光"]
    assert decoded.source.lines == 2


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_newline_convention_gives_the_same_lines(newline):
    decoded = read_source(TEXT.replace("\n", newline).encode("utf-8"), "a.txt", Report())
    assert decoded.lines == ["关于成立彭水县“双减”工作领导小组的通知", "组　长：冯吉光"]


def test_only_cr_and_lf_end_lines():
    # U+2028 and a form feed are not line ends for an editor, so not for line numbers either.
    decoded = read_source("甲\u2028乙\x0c丙\n丁".encode("utf-8"), "a.txt", Report())
    assert decoded.lines == ["甲\u2028乙\x0c丙", "丁"]


def test_sha256_is_of_the_raw_bytes():
    import hashlib

    data = TEXT.encode("gb18030")
    assert read_source(data, "a.txt", Report()).source.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("data, reason", [
    (b"", "empty file"),
    (b"  \n\t\n", "no text"),
    (b"\x00\x01\x02\x03binary", "binary file"),
    (bytes(range(128, 256)) * 40, "not text in a supported encoding"),
])
def test_what_is_not_a_notice_is_refused_with_a_reason(data, reason):
    with pytest.raises(InputError) as err:
        read_source(data, "bad.bin", Report())
    assert err.value.path == "bad.bin"
    assert reason in err.value.reason


def test_too_large_input_is_refused():
    with pytest.raises(InputError) as err:
        read_source(b"x" * 101, "big.txt", Report(), max_bytes=100)
    assert "over the limit" in err.value.reason


def test_a_few_bad_bytes_are_replaced_and_reported():
    data = ("关于成立领导小组的通知\n" * 20).encode("utf-8") + b"\xff\n" + "组长：张三\n".encode("utf-8")
    report = Report()
    decoded = read_source(data, "a.txt", report)
    assert decoded.source.encoding == "utf-8"
    assert [(d.code, d.line) for d in report.items()] == [("SJ101", 21)]


TRADITIONAL = "關於成立縣“雙減”工作領導小組的通知\n組長：王剛 縣長\n成員：張偉 縣教育局局長\n"


@pytest.mark.parametrize("text, encoding", [
    (TRADITIONAL, "big5"),
    (TRADITIONAL + "工作專班佢哋嘅聯絡人：陳大文\n", "big5hkscs"),   # 嘅 is Hong Kong's, not Big5's
])
def test_big5_is_told_from_gb18030_and_read_with_a_warning(text, encoding):
    """GB18030 decodes Big5 bytes without an error, into kana, Greek and private-use
    characters: it used to give title null, no bodies and no diagnostic."""
    report = Report()
    decoded = read_source(text.encode(encoding), "a.txt", report)
    assert decoded.source.encoding == encoding
    assert decoded.lines == text.splitlines()
    [warning] = report.items()
    assert (warning.code, warning.line) == ("SJ103", 1)
    assert warning.message.startswith(f"read as {encoding}, a guess: as GB18030 ")
    assert "traditional Chinese" in warning.message


def test_traditional_chinese_in_gbk_stays_gbk_without_a_warning():
    report = Report()
    assert read_source(TRADITIONAL.encode("gbk"), "a.txt", report).lines == TRADITIONAL.splitlines()
    assert report.items() == []


def test_japanese_read_as_gb18030_is_flagged_not_silent():
    text = "東京都は、新型コロナウイルス感染症対策本部を設置しました。本部長は知事とします。\n" * 3
    report = Report()
    assert read_source(text.encode("shift_jis"), "a.txt", report).source.encoding == "gb18030"
    assert [(d.code, d.message) for d in report.items()] == [
        ("SJ103", "read as gb18030, a guess: no encoding fits well: 100% of its characters are outside GB2312")]


@pytest.mark.parametrize("head, encoding, warned", [
    ("", "html (big5)", True),
    ('<meta charset="big5">', "html (big5)", False),     # declared: read in it, no guess
])
def test_a_big5_web_page(head, encoding, warned):
    page = f"<html><head>{head}</head><body><p>{TRADITIONAL}</p></body></html>".encode("big5")
    report = Report()
    decoded = read_source(page, "a.html", report)
    assert decoded.source.encoding == encoding
    assert decoded.lines[0] == "關於成立縣“雙減”工作領導小組的通知 組長：王剛 縣長 成員：張偉 縣教育局局長"
    assert [d.code for d in report.items()] == (["SJ103"] if warned else [])
