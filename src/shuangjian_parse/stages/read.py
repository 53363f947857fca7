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
    if not text.strip():
        raise InputError(path, "no text (only white space)")
    if "\x00" in text:
        raise InputError(path, "binary file (NUL characters in the decoded text)")
    lines = _NEWLINE.split(text)
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
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            pass
    # Neither decodes cleanly: keep the better one if only a few bytes are damaged.
    best = min(("utf-8", "gb18030"), key=lambda e: data.decode(e, "replace").count("\ufffd"))
    text = data.decode(best, "replace")
    if text.count("\ufffd") > _MAX_REPLACED * max(len(text), 1):
        raise InputError(path, "not text in a supported encoding "
                               "(UTF-8, GB18030/GBK, UTF-16 with BOM)")
    first_bad = next(i for i, line in enumerate(_NEWLINE.split(text), 1) if "\ufffd" in line)
    report.add("SJ101", first_bad, encoding=best)
    return text, best

