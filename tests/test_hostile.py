"""Hostile input: what is not a notice gets a one-line reason and exit code 3; what is text,
however odd, gets a record. Never a traceback, never a hang.

Every case runs `sj` in a child process with a generous time bound (HANG seconds), which
only catches hangs and super-linear blow-ups: how time grows with size is measured by
benchmarks/bench_size.py, not here. The cases of the hostile-input corpus (tests/hostile.py:
FIFOs, devices, Word bombs, a lying zip, attribute floods, Big5) also bound peak memory, so
that a regression to minutes or gigabytes fails.
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from hostile import (BIG5_NOTICE, EMPTY_PARAGRAPH, PARAGRAPH, attribute_page, docx_bomb,
                     run_bounded)

HANG = 30          # seconds: a normal run of any case here takes well under 2 s
SLOW = 10          # seconds: a hang detector for the long inputs, not a performance target
MiB = 1024 * 1024


def sj(*args: str, cwd: Path, stdin: bytes | None = None, timeout: float = HANG):
    """Run `python -m shuangjian_parse ARGS`; a run past `timeout` fails the test as a hang."""
    try:
        done = subprocess.run([sys.executable, "-m", "shuangjian_parse", *args], cwd=cwd,
                              input=stdin if stdin is not None else b"", capture_output=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"sj {' '.join(args)} did not finish within {timeout} s")
    return done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8", "replace")


def _random_bytes(n: int, seed: int = 0, nul: bool = True) -> bytes:
    data = random.Random(seed).randbytes(n)
    return data if nul else data.replace(b"\x00", b"\x01")


UNREADABLE = {
    "empty": (b"", "empty file"),
    "white-space": (b" \n\t\r\n\xe3\x80\x80\n", "no text"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "binary file"),
    "random-bytes": (_random_bytes(64 * 1024), "binary file"),
    "random-bytes-no-nul": (_random_bytes(64 * 1024, seed=1, nul=False), "not text"),
    "utf-16-bom-odd": (b"\xff\xfe" + "组长".encode("utf-16-le") + b"\x00\xd8", "byte-order mark"),
    "zip": (b"PK\x03\x04" + _random_bytes(2000, seed=2), "not a Word .docx"),
    "pdf-garbage": (b"%PDF-1.7\n" + _random_bytes(5000, seed=3), "PDF"),
    "ole2": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + _random_bytes(5000, seed=4), "legacy Word .doc"),
}


def _assert_refused(code: int, out: str, err: str, name: str, reason: str) -> None:
    assert code == 3, err
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert 1 <= len(lines) <= 3, err
    assert lines[0].startswith(f"sj: error: {name}: ") and reason in lines[0], err


@pytest.mark.parametrize("case", list(UNREADABLE))
def test_unreadable_input_is_refused_in_one_line(case, tmp_path):
    data, reason = UNREADABLE[case]
    (tmp_path / f"{case}.txt").write_bytes(data)
    _assert_refused(*sj("parse", f"{case}.txt", cwd=tmp_path), f"{case}.txt", reason)


def test_a_directory_is_refused(tmp_path):
    (tmp_path / "notices").mkdir()
    _assert_refused(*sj("parse", "notices", cwd=tmp_path), "notices", "directory")


def test_a_missing_file_is_refused(tmp_path):
    _assert_refused(*sj("parse", "missing.txt", cwd=tmp_path), "missing.txt", "no such file")


def test_empty_stdin_is_refused(tmp_path):
    _assert_refused(*sj("parse", "-", cwd=tmp_path, stdin=b""), "-", "empty file")


def test_the_good_inputs_are_still_parsed_beside_bad_ones(tmp_path):
    (tmp_path / "good.txt").write_text("关于成立县“双减”工作领导小组的通知\n组长：王刚 县长\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02")
    code, out, err = sj("parse", "bad.txt", "good.txt", "missing.txt", "--format", "json", "-q",
                        cwd=tmp_path)
    assert code == 3
    assert [r["source"]["path"] for r in json.loads(out)] == ["good.txt"]
    assert err.splitlines() == ["sj: error: bad.txt: binary file (contains NUL bytes; "
                                "UTF-16 text needs a byte-order mark)",
                                "sj: error: missing.txt: no such file"]


def test_50_mb_is_refused_by_default(tmp_path):
    line = "县教育局：负责“双减”工作统筹协调，会同有关部门加强对校外培训机构的日常监管。\n".encode()
    (tmp_path / "big.txt").write_bytes(line * (50 * MiB // len(line) + 1))
    _assert_refused(*sj("parse", "big.txt", cwd=tmp_path), "big.txt", "over the limit of 20,971,520")
    with (tmp_path / "big.txt").open("rb") as handle:   # on stdin, the limit is counted while reading
        data = handle.read(21 * MiB)
    _assert_refused(*sj("parse", "-", cwd=tmp_path, stdin=data), "-", "over the limit")


def test_the_limit_is_an_option(tmp_path):
    (tmp_path / "a.txt").write_text("关于成立县“双减”工作领导小组的通知\n" * 100, encoding="utf-8")
    _assert_refused(*sj("parse", "a.txt", "--max-bytes", "1000", cwd=tmp_path), "a.txt",
                    "over the limit of 1,000 bytes (raise it with --max-bytes)")


def _numbered(n: int) -> str:
    return "关于成立县“双减”工作领导小组的通知\n" + "".join(
        f"{i}.县教育局负责第{i}项工作，县财政局做好保障。\n" for i in range(1, n + 1))


# Text that is no notice, or a notice gone wrong: each must give a record (exit 0 or 1).
ODD_TEXT = {
    "1-mb-single-line": "县教育局、县财政局负责，" * (MiB // 36),
    "1-mb-no-punctuation": "县" * (MiB // 3),
    "10000-numbered-items": _numbered(10_000),
    "10000-chinese-numbered": "".join(f"（{'一二三四五六七八九'[i % 9]}）县教育局负责。\n" for i in range(10_000)),
    "repeated-punctuation": "，" * 100_000 + "\n" + "。；：、" * 50_000 + "\n" + "—" * 100_000,
    "repeated-brackets": "（" * 100_000 + "\n" + "）" * 100_000 + "\n" + "《“〔【" * 30_000,
    "repeated-role-labels": "组长：" * 50_000 + "\n" + ("副组长：\n" * 20_000),
    "role-labels-spaced": "组 长 ：" * 30_000,
    "roster-10000-lines": "".join(f"成员：王{'一二三四五六七八九'[i % 9]}刚 县教育局副局长\n" for i in range(10_000)),
    "units-50000": "成员单位：" + "县教育局、" * 50_000 + "等单位组成。\n",
    "dates-and-numbers": "2021年12月13日" * 20_000 + "\n" + "〔2021〕45号" * 20_000,
    "markdown-residue": ("| " * 50_000) + "\n" + ("**" * 50_000) + "\n" + ("- " * 50_000),
    "metadata-fields": "索引号：" * 30_000 + "\n" + "发文字号：" * 30_000,
    "control-characters": "".join(chr(c) for c in range(1, 32) if c not in (10, 13)) * 1000 + "组长：王刚",
    "comments-then-text": "<!--a-->" * 2000 + "\n组长：王刚\n",   # the page sniffer must not backtrack
    "mixed-scripts": ("Ελληνικά русский العربية עברית 한국어 日本語 😀 " * 3000),
}


@pytest.mark.parametrize("case", list(ODD_TEXT))
def test_odd_text_gives_a_record(case, tmp_path):
    (tmp_path / "odd.txt").write_text(ODD_TEXT[case], encoding="utf-8")
    code, out, err = sj("parse", "odd.txt", "--format", "json", "--max-bytes", str(8 * MiB), cwd=tmp_path)
    assert code in (0, 1), err[-2000:]
    assert "Traceback" not in err and "internal error" not in err
    record = json.loads(out)
    assert record["source"]["path"] == "odd.txt"
    assert all(1 <= d["line"] <= record["source"]["lines"] for d in record["diagnostics"] if d["line"])


HOSTILE_PAGES = {
    "unclosed-attributes": '<html><body><p>组长：王刚</p>' + '<a b="' * 200_000,
    "unclosed-tags": "<html><body><p>组长：王刚</p>" + "<a" * 200_000,
    "unclosed-comment": "<html><body><p>组长：王刚</p><!--" + "x" * 500_000,
    "deep-nesting": "<html><body>" + "<div>" * 100_000 + "组长：王刚" + "</div>" * 100_000,
    "many-cells": "<html><body><table><tr>" + "<td>县教育局</td>" * 100_000 + "</tr></table>",
    "many-spans": "<html><body><p>" + "<span> </span>" * 100_000 + "组长：王刚</p>",
    "deep-headers": "<html><body>" + "<div>" * 2000 + "<header>x</header>" * 40_000 + "<p>组长：王刚</p>",
    "many-mains": "<html><body>" + "<main><p>a</p>" * 8000 + "<p>组长：王刚</p>",
}


@pytest.mark.parametrize("case", list(HOSTILE_PAGES))
def test_hostile_web_pages(case, tmp_path):
    (tmp_path / "page.html").write_text(HOSTILE_PAGES[case], encoding="utf-8")
    code, out, err = sj("parse", "page.html", "--format", "json", cwd=tmp_path)
    assert "Traceback" not in err and "internal error" not in err
    if code == 3:
        _assert_refused(code, out, err, "page.html", "")
    else:
        assert json.loads(out)["source"]["encoding"] == "html (utf-8)"


def test_a_long_run_of_spaces(tmp_path):
    (tmp_path / "spaces.txt").write_text("组长：王刚" + " " * MiB + "县长\n", encoding="utf-8")
    code, _, err = sj("parse", "spaces.txt", cwd=tmp_path, timeout=SLOW)
    assert code in (0, 1), err


def test_many_lines_that_join_into_one(tmp_path):
    (tmp_path / "joined.txt").write_text("县教育局、\n" * 300_000, encoding="utf-8")
    code, _, err = sj("parse", "joined.txt", "--max-bytes", str(8 * MiB), cwd=tmp_path, timeout=SLOW)
    assert code in (0, 1), err


# --- the hostile-input corpus: time and memory bounded ------------------------------------

SECONDS, MEGABYTES = 10, 500   # loose: these cases take 0.3-3 s and 40-200 MB here


def bounded(*args: str, cwd: Path, stdin: bytes = b""):
    """Run sj on a hostile input; fail on a traceback, or past SECONDS or MEGABYTES."""
    done = run_bounded(list(args), cwd=cwd, stdin=stdin, timeout=3 * SECONDS)
    assert "Traceback" not in done.err and "internal error" not in done.err, done.err[-2000:]
    assert done.seconds < SECONDS, f"sj {' '.join(args)}: {done.seconds:.1f} s"
    assert done.peak_mb < MEGABYTES, f"sj {' '.join(args)}: {done.peak_mb:.0f} MB"
    return done


@pytest.fixture
def fifo(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("关于成立县“双减”工作领导小组的通知\n组长：王刚 县长\n", encoding="utf-8")
    for name in ("in/fifo.txt", "fifo.yaml"):
        os.mkfifo(tmp_path / name)
    return tmp_path


NOT_A_FILE = "not a regular file (a FIFO: to read a pipe, redirect it to stdin and give -)"


def test_a_fifo_is_refused_by_parse_batch_and_validate(fifo):
    done = bounded("parse", "in/fifo.txt", cwd=fifo)
    assert (done.code, done.out, done.err) == (3, "", f"sj: error: in/fifo.txt: {NOT_A_FILE}\n")
    done = bounded("batch", "in", "-o", "out", cwd=fifo)
    assert done.code == 1 and f"fifo.txt: {NOT_A_FILE}" in done.err
    assert (fifo / "out" / "a.yaml").is_file()      # the good notice beside it is converted
    done = bounded("validate", "fifo.yaml", cwd=fifo)
    assert done.code == 1 and done.out == f"fifo.yaml:1:1: (root): cannot read: {NOT_A_FILE}\n"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
@pytest.mark.parametrize("command, code, out", [
    ("parse", 3, ""),
    ("validate", 1, "/dev/zero:1:1: (root): cannot read: not a regular file (a device)\n"),
])
def test_dev_zero_is_refused_unread(tmp_path, command, code, out):
    """sj validate /dev/zero read until the kernel killed it at 22 GB."""
    done = bounded(command, "/dev/zero", cwd=tmp_path)
    assert (done.code, done.out) == (code, out)
    if command == "parse":
        assert done.err == "sj: error: /dev/zero: not a regular file (a device)\n"


WORD_BOMBS = {
    # 150 MiB of XML in a 0.5 MB .docx: 4 min 45 s and 2.5 GB, then an empty record
    "paragraphs-150MiB": (lambda: docx_bomb(PARAGRAPH, 150 * MiB), "holds more than 100,000 paragraphs"),
    # the same of <w:p/>: still running after 6 minutes at 3.5 GB
    "empty-paragraphs-150MiB": (lambda: docx_bomb(EMPTY_PARAGRAPH, 150 * MiB), "holds more than 100,000 paragraphs"),
    # headers stating 64 KiB of a part that inflates to 1 GiB: 2.1 GB before `Bad CRC`
    "lying-zip-1GiB": (lambda: docx_bomb(PARAGRAPH, 1024 * MiB, stated=64 * 1024),
                       "damaged .docx: a part inflates to other bytes than its stated size"),
    # one paragraph holding a million runs: counted as tags while read
    "runs-in-one-paragraph": (lambda: docx_bomb(b"<w:p>" + b"<w:r/>" * MiB + b"</w:p>", 6 * MiB),
                              "holds more than 1,000,000 XML tags"),
}


@pytest.mark.parametrize("case", list(WORD_BOMBS))
def test_word_bombs_stop_at_their_limit(tmp_path, case):
    make, reason = WORD_BOMBS[case]
    (tmp_path / "bomb.docx").write_bytes(make())
    done = bounded("parse", "bomb.docx", cwd=tmp_path)
    assert (done.code, done.out) == (3, "")
    assert done.err == f"sj: error: bomb.docx: .docx {reason}: refused as a probable zip bomb\n" \
        if "damaged" not in reason else done.err.startswith(f"sj: error: bomb.docx: {reason}")


def test_a_2_mib_word_body_is_read_quickly(tmp_path):
    """38,000 paragraphs in a 7 KB .docx: 10.8 s before, most of it looking up each
    paragraph's runs; --dump-text times the conversion alone."""
    (tmp_path / "body.docx").write_bytes(docx_bomb(PARAGRAPH, 2 * MiB))
    done = bounded("parse", "--dump-text", "body.docx", cwd=tmp_path)
    title, *lines = done.out.splitlines()
    assert done.code == 0 and title == "关于成立县“双减”工作领导小组的通知"
    assert len(lines) > 38_000 and set(lines) == {"组长：王刚 县长"}


@pytest.mark.parametrize("attributes", [40_000, 200_000])
def test_a_tag_with_thousands_of_attributes_is_refused(tmp_path, attributes):
    """libxml2's HTML parser took 12.9 s over 40,000 attributes, more than a minute over 200,000."""
    (tmp_path / "page.html").write_bytes(attribute_page(attributes))
    done = bounded("parse", "page.html", cwd=tmp_path)
    assert (done.code, done.out, done.err) == (3, "", "sj: error: page.html: web page has a tag with "
                                                      "more than 200 attributes (line 1): refused as hostile markup\n")


def test_a_big5_notice_is_read_as_big5_and_says_so(tmp_path):
    """Read as GB18030 it gave title null, no bodies, exit 0 and no diagnostic."""
    (tmp_path / "big5.txt").write_bytes(BIG5_NOTICE.encode("big5"))
    done = bounded("parse", "big5.txt", "--format", "json", cwd=tmp_path)
    record = json.loads(done.out)
    assert done.code == 0 and record["source"]["encoding"] == "big5"
    assert "SJ103" in [d["code"] for d in record["diagnostics"]]
    assert "big5.txt:1: SJ103 warning: read as big5, a guess:" in done.err
