"""The hostile-input corpus, generated (never committed), and a runner that bounds time and memory.

    data = docx_bomb(PARAGRAPH, 150 * MiB)      # 150 MiB of XML in ~0.5 MB of .docx, in ~0.1 s
    done = run_bounded(["parse", "bomb.docx"], cwd=tmp_path)
    done.seconds, done.peak_mb                  # wall time, peak RSS of sj and its children

Used by tests/test_hostile.py, and by hand to print a table of the figures of each case
(run once each, in a temporary directory): `python tests/hostile.py`.
"""
from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

MiB = 1024 * 1024
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PARAGRAPH = "<w:p><w:r><w:t>组长：王刚 县长</w:t></w:r></w:p>".encode()
EMPTY_PARAGRAPH = b"<w:p/>"
_DOCUMENT_HEAD = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W}">'
                  "<w:body><w:p><w:r><w:t>关于成立县“双减”工作领导小组的通知</w:t></w:r></w:p>").encode()
_DOCUMENT_TAIL = b"</w:body></w:document>"
_PACKAGE = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>').encode(),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>').encode(),
}


@dataclass(frozen=True)
class Member:
    """A zip member already deflated: its raw deflate stream, CRC-32 and inflated size."""

    name: str
    deflated: bytes
    crc: int
    size: int


def deflated(name: str, head: bytes, body: bytes = b"", times: int = 0, tail: bytes = b"") -> Member:
    """head + body × times + tail, deflated from one compressed copy of body: after a full
    flush the compressor starts afresh, so every copy compresses to the same bytes and a
    gigabyte of XML costs one megabyte of work (and the CRC pass)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(body) + compressor.flush(zlib.Z_FULL_FLUSH) if times else b""
    last = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(body, crc)
    crc = zlib.crc32(tail, crc)
    return Member(name, first + block * times + last, crc, len(head) + len(body) * times + len(tail))


def zip_of(members: list[Member], stated: dict[str, int] | None = None) -> bytes:
    """A zip archive of deflated members; `stated` overrides the inflated size its headers give."""
    out, central = bytearray(), bytearray()
    for m in members:
        name, size = m.name.encode(), (stated or {}).get(m.name, m.size)
        fields = (8, 0, 33, m.crc, len(m.deflated), size, len(name))   # deflate, 00:00 1980-01-01
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, *fields, 0, 0, 0, 0, 0, len(out)) + name
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, *fields, 0) + name + m.deflated
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + end)


def docx_of(body: bytes, stated: int | None = None) -> bytes:
    """A minimal valid .docx whose <w:body> holds a title paragraph and then `body`; with
    `stated`, its headers say word/document.xml inflates to that many bytes only."""
    members = [deflated(name, data) for name, data in _PACKAGE.items()]
    members.append(deflated("word/document.xml", _DOCUMENT_HEAD + body + _DOCUMENT_TAIL))
    return zip_of(members, {"word/document.xml": stated} if stated is not None else None)


def docx_bomb(paragraph: bytes, inflated: int, stated: int | None = None) -> bytes:
    """A valid .docx whose word/document.xml repeats `paragraph` up to `inflated` bytes;
    with `stated`, its headers say the part inflates to that many bytes only (a lying zip)."""
    piece = paragraph * max(MiB // len(paragraph), 1)
    times = -(-(inflated - len(_DOCUMENT_HEAD) - len(_DOCUMENT_TAIL)) // len(piece))   # at least `inflated`
    members = [deflated(name, data) for name, data in _PACKAGE.items()]
    members.append(deflated("word/document.xml", _DOCUMENT_HEAD, piece, times, _DOCUMENT_TAIL))
    return zip_of(members, {"word/document.xml": stated} if stated is not None else None)


def attribute_page(attributes: int) -> bytes:
    """`<p a0="0" a1="1" … >组长：王刚</p>`: libxml2's HTML parser is quadratic in a tag's attributes."""
    attrs = " ".join(f'a{i}="{i}"' for i in range(attributes))
    return f"<html><body><p {attrs}>组长：王刚</p></body></html>".encode()


BIG5_NOTICE = """關於成立縣“雙減”工作領導小組的通知

各鄉鎮人民政府，縣直各有關單位：
為切實減輕義務教育階段學生作業負擔和校外培訓負擔，經縣人民政府研究，決定成立縣“雙減”工作領導小組。現將有關事項通知如下：
一、組織機構
組  長：王剛  縣長
副組長：李明  副縣長
成  員：張偉  縣教育局局長
        趙軍  縣財政局局長
二、工作職責
領導小組負責統籌協調全縣“雙減”工作，研究解決工作中的重大問題。
領導小組下設辦公室，辦公室設在縣教育局，張偉同志兼任辦公室主任。

縣人民政府辦公室
2021年9月8日
"""


@dataclass(frozen=True)
class Done:
    """How a bounded run of sj ended."""

    code: int
    out: str
    err: str
    seconds: float
    peak_mb: float


def run_bounded(args: list[str], cwd: Path, stdin: bytes = b"", timeout: float = 60) -> Done:
    """Run `python -m shuangjian_parse ARGS` and measure wall time and peak RSS (of sj and of
    the workers it waited for: wait4 reports the larger). Past `timeout` it is killed and
    reported with code -9, so that a hang is a failure, not a stuck test run."""
    with tempfile.TemporaryFile() as inp, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        inp.write(stdin)
        inp.seek(0)
        start = time.monotonic()
        child = subprocess.Popen([sys.executable, "-m", "shuangjian_parse", *args], cwd=cwd,
                                 stdin=inp, stdout=out, stderr=err, start_new_session=True)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > timeout:
                os.killpg(child.pid, signal.SIGKILL)
            time.sleep(0.01)
        seconds = time.monotonic() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Done(child.returncode, out.read().decode("utf-8", "replace"),
                    err.read().decode("utf-8", "replace"), seconds,
                    usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / MiB)


def _table() -> None:   # pragma: no cover - by hand
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        (cwd / "in").mkdir()
        (cwd / "in" / "a.txt").write_text("关于成立县“双减”工作领导小组的通知\n组长：王刚 县长\n", encoding="utf-8")
        for name in ("in/fifo.txt", "fifo.txt", "fifo.yaml"):
            os.mkfifo(cwd / name)
        files = {"bomb.docx": docx_bomb(PARAGRAPH, 150 * MiB), "empty.docx": docx_bomb(EMPTY_PARAGRAPH, 150 * MiB),
                 "runs.docx": docx_bomb(b"<w:p>" + b"<w:r/>" * MiB + b"</w:p>", 6 * MiB),
                 "body.docx": docx_bomb(PARAGRAPH, 2 * MiB),
                 "lying.docx": docx_bomb(PARAGRAPH, 1024 * MiB, stated=64 * 1024),
                 "40k.html": attribute_page(40_000), "200k.html": attribute_page(200_000),
                 "big5.txt": BIG5_NOTICE.encode("big5")}
        for name, data in files.items():
            (cwd / name).write_bytes(data)
        print("| sj … | input | time | peak RSS | exit | message (first line) |\n|---|---|---|---|---|---|")
        for args in (["parse", "fifo.txt"], ["batch", "in", "-o", "out"], ["validate", "fifo.yaml"],
                     ["parse", "/dev/zero"], ["validate", "/dev/zero"], *(["parse", name] for name in files),
                     ["parse", "--dump-text", "body.docx"]):
            done = run_bounded(args, cwd)
            name = Path(args[-1] if args[0] != "batch" else args[1])
            size = f"{(cwd / name).stat().st_size:,} B" if (cwd / name).is_file() else ""
            message = (done.err if args[0] != "validate" else done.out).strip().split("\n")[0][:120]
            print(f"| {' '.join(args)} | {size} | {done.seconds:.2f} s | {done.peak_mb:.0f} MB | {done.code} "
                  f"| {message or f'{len(done.out):,} bytes on stdout'} |")


if __name__ == "__main__":   # pragma: no cover - the table of figures, by hand
    _table()
