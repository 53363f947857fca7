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
