"""Stage 2: decoded lines -> Text: widths, spaces, markdown residue, noise, metadata, broken lines.

Every normalised line keeps the 1-based source line it starts on, and where a broken
sentence was joined, the offsets at which later source lines begin.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..diagnostics import Report
from ..grammar import NormalizeRules, any_of
from ..models import Line, Text
from .read import Decoded

CJK = "\u4e00-\u9fff"
# Full-width letters and digits become ASCII; U+3000 pads role labels (组　长) and is a space.
_WIDTH = {**{cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)},
          **{cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)},
          **{cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)},
          0x3000: 0x20, 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20, 0x200B: None,
          0xFEFF: None, 0x200C: None, 0x200D: None, 0x2060: None, 0x000B: 0x20, 0x000C: 0x20}
_WIDE = re.compile("[" + re.escape("".join(map(chr, _WIDTH))) + "]")
# Every rule below needs one of these characters; a line without any is already clean.
_NEEDS_WORK = re.compile(r"[\s*_~|#>]")
_MARKDOWN_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)\*(?=\S)|~~")
_BULLET_MARKS = "-*+•·●▪"
_BULLET = re.compile(rf"^\s*(?:[{re.escape(_BULLET_MARKS)}]\s+|#{{1,6}}\s+|>\s+)+")
_TABLE_RULE = re.compile(r"^:?-{2,}:?$")
_SPACES = re.compile(r"[ ]{2,}")
# A run of spaces is matched only from its start ((?<! )): ` *\t` retried at every space of a
# long run would be quadratic.
_TAB_SPACES = re.compile(r"(?:(?<! ) +)?\t[ \t]*")
# 组 长 / 召 集 人 / 王 刚: single characters spaced out are one word.
_SPACED_CHARS = re.compile(rf"(?<![{CJK}])[{CJK}](?: +[{CJK}](?![{CJK}]))+")
# No space beside Chinese punctuation: the spaces alone are matched, so that a line's many
# punctuation marks cost no replacement each.
_CJK_PUNCT = "、，。；：！？“”（）《》〔〕"
_CJK_PUNCT_SPACE = re.compile(rf"(?<! ) +(?=[{_CJK_PUNCT}])|(?<=[{_CJK_PUNCT}]) +")
# Nor around , ; : after a Chinese character (tried only on lines that have one of them).
_ASCII_PUNCT_SPACE = re.compile(rf"(?<=[{CJK}]) *([,;:]) *")
# 冯吉光 县委常委: words set apart, as in rosters; such a line is no sentence broken off.
_GAP_IN_WORDS = re.compile(rf"[{CJK}][ \t]+[{CJK}]")


def normalize(decoded: Decoded, rules: NormalizeRules, report: Report) -> Text:
    """Clean every line and join broken ones: `"组　长：冯吉光  县委常委"` -> `"组长：冯吉光 县委常委"`."""
    cleaned = [_clean_line(raw) for raw in decoded.lines]
    noise = any_of(rules.noise)
    for i, text in enumerate(cleaned):
        if text and noise.match(text):
            cleaned[i] = ""
    metadata = _take_metadata(cleaned, rules, report)
    lines = _join_broken(cleaned, rules)
    return Text(lines=lines, metadata=metadata)


def clean_text(text: str) -> str:
    """The per-line cleaning alone, for callers that hold a fragment: `clean_text("通  知") == "通知"`."""
    return _clean_line(text)


def _clean_line(raw: str) -> str:
    text = raw.translate(_WIDTH) if _WIDE.search(raw) else raw  # translate() costs even when idle
    if not _NEEDS_WORK.search(text):
        return text  # most prose lines: no space, no markdown, nothing below would change
    stripped = text.strip()
    if not _NEEDS_WORK.search(stripped) and stripped[:1] not in _BULLET_MARKS:
        return stripped  # an indented line (　　一、…): only its ends were white space
    text = _MARKDOWN_EMPHASIS.sub("", text)
    text = _BULLET.sub("", text)
    stripped = text.strip()
    if stripped.count("|") >= 2 or (stripped.startswith("|") and len(stripped) > 1):
        cells = [_BULLET.sub("", c).strip() for c in stripped.strip("|").split("|")]
        cells = [c for c in cells if c]
        if not cells or all(_TABLE_RULE.match(c) for c in cells):
            return ""
        text = "\t".join(cells)
    elif "|" in stripped:
        text = stripped.replace("|", "")  # a table rule's residue, not a cell boundary
    text = _TAB_SPACES.sub("\t", text.strip(" \t"))
    text = _SPACES.sub(" ", text)
    if " " not in text:
        return text.strip()  # the rules below only remove spaces
    text = _SPACED_CHARS.sub(lambda m: m.group(0).replace(" ", ""), text)
    text = _CJK_PUNCT_SPACE.sub("", text)
    if "," in text or ";" in text or ":" in text:
        text = _ASCII_PUNCT_SPACE.sub(r"\1", text)
    return text.strip()


@lru_cache(maxsize=8)
def _key_pattern(fields: tuple[str, ...], bracketed: bool = False) -> re.Pattern:
    # 关  键  字: a field name may be spaced out on a web page; a law database writes 【发布部门】
    # (looked for only on lines with a 【, where it costs a test at every character).
    alternatives = sorted(fields, key=len, reverse=True)
    spaced = "|".join(r"\s*".join(map(re.escape, f)) for f in alternatives)
    if bracketed:
        return re.compile(rf"(?:^|(?<=\s)|(?=【))【?(?P<key>{spaced})(?:】?\s*[:：]\s*|】?\s*)")
    return re.compile(rf"(?:^|(?<=\s))(?P<key>{spaced})(?:\s*[:：]\s*|\s*)")


def _take_metadata(lines: list[str], rules: NormalizeRules, report: Report) -> dict[str, tuple[str, int]]:
    """Find a web page's field block near the top, blank its lines, return {field: (value, line)}."""
    meta = rules.metadata
    keys = _key_pattern(tuple(meta.fields))
    bracketed_keys = _key_pattern(tuple(meta.fields), bracketed=True)
    found: dict[str, tuple[str, int]] = {}
    used: list[int] = []
    limit = min(len(lines), meta.within_lines)
    i = 0
    while i < limit:
        text = lines[i]
        pattern = bracketed_keys if "【" in text else keys
        if not pattern.match(text):  # a block's line starts with a field name
            i += 1
            continue
        starts = list(pattern.finditer(text))
        consumed = [i]
        for n, m in enumerate(starts):
            end = starts[n + 1].start() if n + 1 < len(starts) else len(text)
            key = re.sub(r"\s+", "", m.group("key"))
            value = text[m.end():end].strip()
            if not value and n + 1 == len(starts):
                j = _next_nonblank(lines, i + 1)
                if j is not None and j < limit and not keys.match(lines[j]):
                    value = lines[j].strip()
                    consumed.append(j)
            found.setdefault(key, (value, i + 1))
        used.extend(consumed)
        i = max(consumed) + 1
    if len(found) < meta.min_fields:
        return {}
    for i in used:
        lines[i] = ""
    report.add("SJ102", min(used) + 1, fields=", ".join(found))
    return {k: v for k, v in found.items() if v[0]}


def _next_nonblank(lines: list[str], start: int) -> int | None:
    for j in range(start, len(lines)):
        if lines[j]:
            return j
    return None


def _join_broken(cleaned: list[str], rules: NormalizeRules) -> list[Line]:
    rule = _JoinRule(rules.join)
    out: list[Line] = []
    current: _Joined | None = None
    gap = False
    for number, text in enumerate(cleaned, 1):
        if not text:
            gap = True
            continue
        if current is not None and rule.continues(current, text):
            current.add(text, number, rule)
        else:
            if current is not None:
                out.append(current.line())
            current = _Joined(text, number, gap, rule)
        gap = False
    if current is not None:
        out.append(current.line())
    return out


class _JoinRule:
    """normalize.yaml's join rule, compiled."""

    def __init__(self, join) -> None:
        self.join = join
        self.never_before = any_of(join.never_before)
        self.word_end = re.compile(join.word_end)
        self.word_start = re.compile(join.word_start)
        self.complete = re.compile(join.complete_endings)
        self.prose = _chars(join.prose_marks)
        self.opening = _chars("".join(join.open_brackets))

    def continues(self, prev: _Joined, nxt: str) -> bool:
        """True when `nxt` carries on the sentence `prev` breaks off (相关成员单 | 位负责同志)."""
        join = self.join
        tail = prev.tail
        carries_on = ((self.opening.search(tail) is not None and _open_bracket(tail, join.open_brackets))
                      or tail[-1] in join.strong_endings
                      or (prev.length >= join.min_chars
                          and prev.prose
                          and not prev.gap_in_words
                          and not self.complete.search(tail)
                          and self.word_end.match(tail[-1]) is not None
                          and self.word_start.match(nxt[0]) is not None))
        return carries_on and not self.never_before.match(nxt)


class _Joined:
    """A line being built from source lines; what the join rule asks of it is kept as it
    grows, so that joining thousands of lines stays linear."""

    def __init__(self, text: str, number: int, gap: bool, rule: _JoinRule) -> None:
        self.pieces = [text]
        self.number = number
        self.gap = gap
        self.breaks: list[tuple[int, int]] = []
        self.length = len(text)
        self.prose = rule.prose.search(text) is not None
        self.gap_in_words = _gap_in_words(text)
        self.tail = text[-40:]

    def add(self, text: str, number: int, rule: _JoinRule) -> None:
        self.breaks.append((self.length, number))
        self.pieces.append(text)
        self.length += len(text)
        self.prose = self.prose or rule.prose.search(text) is not None
        self.gap_in_words = self.gap_in_words or _gap_in_words(text)
        self.tail = (self.tail + text)[-40:]

    def line(self) -> Line:
        return Line("".join(self.pieces), self.number, self.gap, tuple(self.breaks))


def _gap_in_words(text: str) -> bool:
    # Most lines hold no space or tab at all: looked for first, in C.
    return (" " in text or "\t" in text) and _GAP_IN_WORDS.search(text) is not None


@lru_cache(maxsize=8)
def _chars(chars: str) -> re.Pattern:
    """A pattern matching any one of `chars`: `_chars("，、").search(text)`."""
    return re.compile(f"[{re.escape(chars)}]")


def _open_bracket(text: str, pairs: dict[str, str]) -> bool:
    """A bracket opened in the last 40 characters and not closed (`**(县`), each pair apart."""
    return any(text.count(opening) > text.count(closing) for opening, closing in pairs.items())
