"""Stage 1: bytes -> decoded lines and a Source record (encoding, BOM, newlines, sha256)."""
from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass

from ..diagnostics import Report
from ..errors import InputError
from ..formats import convert
from ..models import Source

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Only CR, LF and CRLF end a line: str.splitlines() would also split on U+2028, \x0b, \x1c …
# and the line numbers would no longer match an editor's.
_NEWLINE = re.compile(r"\r\n|\r|\n")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Share of replaced characters above which a file is not text in any encoding we read.
_MAX_REPLACED = 0.02
# GB18030 decodes almost any bytes, so a clean decode proves little: Big5 read as GB18030
# is about half kana, Greek, box drawing and private-use characters, none of which a Chinese
# notice holds (at most a few). Shift_JIS read as GB18030 is all characters outside GB2312's
# 6,763 common ones; a traditional-Chinese notice in GBK has 25-45 % of those, a simplified
# one well under 1 %. Judged on the first _SAMPLE characters that are not ASCII.
_UNLIKELY = re.compile("[\u0370-\u04ff\u2500-\u257f\u3040-\u30ff\ue000-\uf8ff]")
_ASCII = re.compile(r"[\x00-\x7f]+")
_MAX_UNLIKELY = 0.05
_MAX_UNCOMMON = 0.6
_SAMPLE = 100_000
_BIG5 = ("big5", "big5hkscs")   # Taiwan's and Hong Kong's: the traditional-Chinese encodings


@dataclass(frozen=True)
class Decoded:
    """The decoded text split into source lines, and its Source record."""

    source: Source
    lines: list[str]


def read_source(data: bytes, path: str, report: Report,
                max_bytes: int = DEFAULT_MAX_BYTES) -> Decoded:
    """Decode a notice's bytes: `read_source(b"\\xef\\xbb\\xbf...", "a.txt", report).source.encoding == "utf-8-sig"`."""
    if not data:
        raise InputError(path, "empty file")
    if len(data) > max_bytes:
        raise InputError(path, f"file is {len(data):,} bytes, over the limit of {max_bytes:,} "
                               "bytes (raise it with --max-bytes)")
    # A .docx, web page or PDF becomes text first; its lines are what `line` refers to.
    converted = convert(data, path, report, max_bytes)
    text, encoding = (converted.text, converted.encoding) if converted else _decode(data, path, report)
    if not text or text.isspace():   # (not text.strip(): a copy of the whole text)
        raise InputError(path, "no text (only white space)")
    if "\x00" in text:
        raise InputError(path, "binary file (NUL characters in the decoded text)")
    # (str.split in C when there is no CR: the pattern tests every character against its class)
    lines = _NEWLINE.split(text) if "\r" in text else text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    source = Source(path=path, sha256=hashlib.sha256(data).hexdigest(), encoding=encoding,
                    lines=len(lines))
    return Decoded(source=source, lines=lines)


def _decode(data: bytes, path: str, report: Report) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                raise InputError(path, f"starts with a {encoding} byte-order mark but is not "
                                       f"valid {encoding}") from None
    if b"\x00" in data:
        raise InputError(path, "binary file (contains NUL bytes; UTF-16 text needs a byte-order mark)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        doubt = _doubt(text)
        if doubt is None:
            return text, "gb18030"
        return _guess(data, text, doubt, report)
    # Neither decodes cleanly: keep the better one if only a few bytes are damaged.
    best = min(("utf-8", "gb18030"), key=lambda e: data.decode(e, "replace").count("\ufffd"))
    text = data.decode(best, "replace")
    if text.count("\ufffd") > _MAX_REPLACED * max(len(text), 1):
        raise InputError(path, "not text in a supported encoding "
                               "(UTF-8, GB18030/GBK, UTF-16 with BOM)")
    first_bad = next(i for i, line in enumerate(_NEWLINE.split(text), 1) if "\ufffd" in line)
    report.add("SJ101", first_bad, encoding=best)
    return text, best


def _doubt(text: str, traditional: bool = False) -> str | None:
    """Why decoded text does not read as a Chinese notice; None when it does, or is too short
    to tell. Traditional Chinese is mostly outside GB2312: for it, only unlikely characters count."""
    chars = _ASCII.sub("", text[:_SAMPLE])
    if len(chars) < 20:
        return None
    unlikely = len(_UNLIKELY.findall(chars)) / len(chars)
    if unlikely > _MAX_UNLIKELY:
        return f"{unlikely:.0%} of its characters are kana, Greek, box drawing or private use"
    uncommon = 1 - len(chars.encode("gb2312", "ignore")) / 2 / len(chars)
    if uncommon > _MAX_UNCOMMON and not traditional:
        return f"{uncommon:.0%} of its characters are outside GB2312"
    return None


def _guess(data: bytes, gb18030: str, doubt: str, report: Report) -> tuple[str, str]:
    """Text that reads badly as GB18030: Big5 when that reads as Chinese, else GB18030; SJ103 either way."""
    for encoding in _BIG5:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _doubt(text, traditional=True) is None:
            report.add("SJ103", 1, encoding=encoding,
                       reason=f"as GB18030 {doubt}; it is traditional Chinese, which sj's "
                              "simplified word lists read poorly")
            return text, encoding
    report.add("SJ103", 1, encoding="gb18030", reason=f"no encoding fits well: {doubt}")
    return gb18030, "gb18030"
