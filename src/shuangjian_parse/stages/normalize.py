"""Stage 2: decoded lines -> Text: widths, spaces, markdown residue, noise, metadata, broken lines.

Every normalised line keeps the 1-based source line it starts on, and where a broken
sentence was joined, the offsets at which later source lines begin. Two text forms get their
line breaks rebuilt (SJ105): a hard-wrapped text (a PDF's text layer) has the lines that reach
its width joined, and a notice whose line breaks were lost is split again where a new item starts.
"""
from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter, itemgetter
from typing import NamedTuple

from ..diagnostics import Report
from ..grammar import BodyRules, NormalizeRules, PerGrammar, SectionRules, any_of, first_characters, required, words
from ..prefilter import CharacterTest, needs_any
from ..models import Line, Text
from .read import Decoded

CJK = "\u4e00-\u9fff"
# Full-width digits and letters and their ASCII (text.translate(FULL_WIDTH_ALNUM) folds them).
FULL_WIDTH_ALNUM = {cp: cp - 0xFEE0 for first, last in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
                    for cp in range(first, last + 1)}
# Full-width letters and digits become ASCII; U+3000 pads role labels (组　长) and is a space.
_WIDTH = {**FULL_WIDTH_ALNUM,
          0x3000: 0x20, 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20, 0x200B: None,
          0xFEFF: None, 0x200C: None, 0x200D: None, 0x2060: None, 0x000B: 0x20, 0x000C: 0x20}
_WIDE = re.compile("[" + re.escape("".join(map(chr, _WIDTH))) + "]")
# The characters str.isspace() and re's \s know (Unicode 14, Python 3.11; a test checks them),
# written out: re tests a class of characters faster than the category \s on every character.
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
              "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
# Every rule below needs one of these characters, or a full-width form; a line without any
# is already clean.
# Bullets: a mark that never opens a line's text (●■◆★…, and · : the dot of 买买提·艾力 is inside
# a name) with or without a space after it; one that may (- * +: a dash, a list in markdown)
# only with a space after it.
_SYMBOL_BULLETS = "•●○■□◆◇★☆▲△►▶▪※·"
_BULLET_MARKS = "-*+"
_NEEDS_WORK = re.compile("[" + re.escape(WHITESPACE + "*_~|#>" + _SYMBOL_BULLETS + "".join(map(chr, _WIDTH))) + "]")
# What _NEEDS_WORK looks for but the space: a line without any (冯吉光  县委常委) needs the rules
# of spaces alone (_clean_spaces).
_NEEDS_MORE = re.compile("[" + re.escape(WHITESPACE.replace(" ", "") + "*_~|#>" + _SYMBOL_BULLETS
                                         + "".join(map(chr, _WIDTH))) + "]")
_MARKDOWN_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)\*(?=\S)|~~")
_BULLET = re.compile(rf"^\s*(?:[{_SYMBOL_BULLETS}]\s*|[{re.escape(_BULLET_MARKS)}]\s+|#{{1,6}}\s+|>\s+)+")
# What a line that _BULLET changes starts with, after white space: most lines are tried no further.
_BULLET_STARTS = frozenset(_SYMBOL_BULLETS + _BULLET_MARKS + "#>")
_TABLE_RULE = re.compile(r"^:?-{2,}:?$")
_SPACES = re.compile(r"[ ]{2,}")
# A run of spaces is matched only from its start ((?<! )): ` *\t` retried at every space of a
# long run would be quadratic.
_TAB_SPACES = re.compile(r"(?:(?<! ) +)?\t[ \t]*")
# 组 长 / 召 集 人 / 王 刚: single characters spaced out are one word.
_SPACED_CHARS = re.compile(rf"(?<![{CJK}])[{CJK}](?: +[{CJK}](?![{CJK}]))+")
# The end of every run _SPACED_CHARS joins: a line without one is left as it is (one scan for
# a space is cheaper than trying the run at every character).
_SPACED_CHAR = re.compile(rf" [{CJK}](?![{CJK}])")
# No space beside Chinese punctuation: the spaces alone are matched, so that a line's many
# punctuation marks cost no replacement each. Runs of spaces are single by then; the pattern
# starts with the space, which the engine scans for, not with a look-behind tried everywhere.
_CJK_PUNCT = "、，。；：！？“”（）《》〔〕"
_CJK_PUNCT_SPACE = re.compile(rf" (?:(?=[{_CJK_PUNCT}])|(?<=[{_CJK_PUNCT}] ))")
# A space either of the two rules above removes (_SPACED_CHAR's or _CJK_PUNCT_SPACE's): most
# spaced lines have none (冯吉光 县委常委), and are told by this one scan.
_SPACE_TO_REMOVE = re.compile(rf" (?:[{CJK}](?![{CJK}])|(?=[{_CJK_PUNCT}])|(?<=[{_CJK_PUNCT}] ))")
# Nor around , ; : after a Chinese character (tried only on lines that have one of them).
_ASCII_PUNCT_SPACE = re.compile(rf"(?<=[{CJK}]) *([,;:]) *")
# It changes a line only where a space stands beside one of , ; : (else the mark replaces
# itself), and it tries every character: it runs on lines holding one of these alone (most
# lines hold none of the marks, told by a look for each, cheaper than the pattern's scan).
_ASCII_PUNCT_SPACED = re.compile(" [,;:]|[,;:] ")
_MARK = itemgetter(1)  # the mark alone: r"\1" without re's template expansion per match
# 冯吉光 县委常委: words set apart, as in rosters; such a line is no sentence broken off.
_GAP_IN_WORDS = re.compile(rf"[{CJK}][ \t]+[{CJK}]")
_TEXT = attrgetter("text")


@dataclass(frozen=True)
class LineStarts:
    """What starts a line of a notice, from other stages' grammars, compiled once: a role label
    and its colon (组长：, bodies.yaml `roles`), a number (sections.yaml `levels`) and the
    keywords that end a heading (sections.yaml `kinds`: 一、工作职责 | 县教育局：)."""

    role_label: re.Pattern | None = None
    number: re.Pattern | None = None
    heading_word: re.Pattern | None = None

    @classmethod
    def of(cls, bodies: BodyRules, sections: SectionRules) -> "LineStarts":
        """`LineStarts.of(grammar.bodies, grammar.sections)`."""
        keywords = [word for kind in sections.kinds for word in kind.keywords]
        # longest first, then by name: the same pattern run to run (regex_cache stores it)
        roles = sorted(set(bodies.roles + bodies.unit_roles), key=lambda r: (-len(r), r))
        spaced = "|".join(r"\s?".join(map(re.escape, role)) for role in roles)    # 组 长：
        return cls(role_label=re.compile(rf"(?:{spaced})\s*[:：]"),
                   number=sections.numbering, heading_word=re.compile(words(keywords)))


def normalize(decoded: Decoded, rules: NormalizeRules, report: Report, starts: LineStarts = LineStarts()) -> Text:
    """Clean every line and join broken ones: `"组　长：冯吉光  县委常委"` -> `"组长：冯吉光 县委常委"`."""
    cleaned = [_clean_line(raw) for raw in decoded.lines]
    prepared = _PREPARED.get(rules, starts)
    heading_or_noise, links_item = prepared.heading_or_noise, prepared.links_item
    starts_noise, noise_literals = prepared.noise_gate
    dropped = [False] * len(cleaned)   # noise: a page number between two halves of a sentence
    in_links = False  # under a page's 相关文章: the titles of other notices it links to
    for i, text in enumerate(cleaned):
        if not text:
            continue
        # (the pattern tried only on a line that starts as one of its rules can, or holds a
        # literal one of the others needs: most lines are told apart at one look)
        found = (heading_or_noise.match(text) if starts_noise[text[0]] or noise_literals.search(text)
                 else None)
        if found is not None and found.group("heading") is not None:
            in_links = True
        elif in_links:
            in_links = links_item.match(text) is not None
        if in_links or found is not None:   # (a heading sets in_links: what matched is noise)
            cleaned[i] = ""
            dropped[i] = True
    metadata = _take_metadata(cleaned, prepared, report)
    width = _wrap_width(decoded.lines, prepared.wrap_limits)
    rule = (_JoinRule(rules, width, decoded.lines, dropped, starts.role_label) if width is not None
            else prepared.join_rule)
    lines = _join_broken(cleaned, rule)
    if width:
        report.add("SJ105", lines[0].line if lines else 1,
                   how=f"the lines are cut at {width} characters, as on a PDF page; "
                       "a line that reaches that width was joined with the next")
    return Text(lines=_split_run_on(lines, rules.run_on, prepared.min_chars_per_line, starts, report),
                metadata=metadata)


_NOTHING = re.compile("(?!)")   # matches no text


def _noise_gate(patterns: tuple[str, ...]) -> tuple[CharacterTest, re.Pattern]:
    """A test a line passes when one of `patterns` may match at its start: the characters the
    rules can start with (prefilter.first_characters), and a finder of the literals the rules
    that can start with any character need (网 in 某某网--中国法律信息网); (any character, and
    every line, when one of them needs none)."""
    starts: set[str] = set()
    others = []
    for pattern in patterns:
        first = first_characters(pattern)
        if first is None:
            others.append(pattern)
        else:
            starts.update(first)
    literals = needs_any(others, required) if others else _NOTHING
    if literals is None:
        return CharacterTest(re.compile("(?s:.)")), _NOTHING
    first = CharacterTest.starting(tuple(sorted(starts)))
    return (first if first is not None else CharacterTest(_NOTHING)), literals


@lru_cache(maxsize=8)
def _heading_or_noise(heading: str, noise: tuple[str, ...]) -> re.Pattern:
    """One pattern for a line that heads a page's links (its group `heading`, tried first) or
    is noise (normalize.yaml `noise`): each line is matched once, not once for each."""
    return re.compile("|".join([f"(?P<heading>{heading})", *(f"(?:{pattern})" for pattern in noise)]))


def clean_text(text: str) -> str:
    """The per-line cleaning alone, for callers that hold a fragment: `clean_text("通  知") == "通知"`."""
    return _clean_line(text)


def _clean_line(raw: str) -> str:
    """`raw` cleaned."""
    stripped = raw.strip()
    if not stripped:
        return stripped   # a blank line (a fifth of a notice's lines), told without a call
    if not _NEEDS_WORK.search(stripped) and stripped[0] not in _BULLET_MARKS:
        # most prose lines: no space, no markdown, no full-width form (those at its ends are
        # white space that strip() drops), nothing below would change but an indented line's
        # ends (　　一、…)
        return stripped
    if not _NEEDS_MORE.search(raw) and stripped[0] not in _BULLET_STARTS:
        # spaces alone, none at its ends but plain ones: no mark, width or table rule has work
        return _clean_spaces(stripped)
    text = raw.translate(_WIDTH) if _WIDE.search(raw) else raw  # translate() costs even when idle
    stripped = text.strip()
    # Each rule below is tried only on a line holding a character it needs (a call costs more
    # than the look).
    if "*" in text or "_" in text or "~" in text:
        text = _MARKDOWN_EMPHASIS.sub("", text)
        stripped = text.strip()
    if stripped[:1] in _BULLET_STARTS:
        text = _BULLET.sub("", text)
        stripped = text.strip()
    if "|" in stripped:
        if stripped.count("|") >= 2 or (stripped.startswith("|") and len(stripped) > 1):
            cells = [_BULLET.sub("", c).strip() for c in stripped.strip("|").split("|")]
            cells = [c for c in cells if c]
            if not cells or all(_TABLE_RULE.match(c) for c in cells):
                return ""
            text = "\t".join(cells)
        else:
            text = stripped.replace("|", "")  # a table rule's residue, not a cell boundary
    text = text.strip(" \t")
    if "\t" in text:
        text = _TAB_SPACES.sub("\t", text)
    return _clean_spaces(text)


def _clean_spaces(text: str) -> str:
    """The rules of spaces, on a line whose marks are cleaned: runs of spaces made one, and
    spaces dropped inside spaced-out words and beside punctuation."""
    if "  " in text:
        text = _SPACES.sub(" ", text)
    if " " not in text:
        return text.strip()  # the rules below only remove spaces
    if _SPACE_TO_REMOVE.search(text):
        text = _CJK_PUNCT_SPACE.sub("", _join_spaced(text))
    if ("," in text or ";" in text or ":" in text) and _ASCII_PUNCT_SPACED.search(text):
        text = _ASCII_PUNCT_SPACE.sub(_MARK, text)
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


@lru_cache(maxsize=8)
def _field_keys(fields: tuple[str, ...]) -> tuple[re.Pattern, re.Pattern, frozenset[str]]:
    """The field names as a pattern, as one a law database brackets (【发布部门】), and the
    characters they start with: worked out once per grammar, not per notice."""
    return _key_pattern(fields), _key_pattern(fields, bracketed=True), frozenset(f[0] for f in fields)


def _take_metadata(lines: list[str], prepared: _Prepared, report: Report) -> dict[str, tuple[str, int]]:
    """Find a web page's field block near the top, blank its lines, return {field: (value, line)}."""
    keys, bracketed_keys, firsts = prepared.field_keys
    found: dict[str, tuple[str, int]] = {}
    used: list[int] = []
    limit = min(len(lines), prepared.within_lines)
    i = 0
    while i < limit:
        text = lines[i]
        # a block's line starts with a field name (after a 【): its first character is looked at first
        if (text[1:2] if text[:1] == "【" else text[:1]) not in firsts:
            i += 1
            continue
        pattern = bracketed_keys if "【" in text else keys
        if not pattern.match(text):
            i += 1
            continue
        starts = list(pattern.finditer(text))
        consumed = [i]
        for n, m in enumerate(starts):
            end = starts[n + 1].start() if n + 1 < len(starts) else len(text)
            key = "".join(m.group("key").split())
            value = text[m.end():end].strip()
            if not value and n + 1 == len(starts):
                j = _next_nonblank(lines, i + 1)
                if j is not None and j < limit and not keys.match(lines[j]):
                    value = lines[j].strip()
                    consumed.append(j)
            found.setdefault(key, (value, i + 1))
        used.extend(consumed)
        i = max(consumed) + 1
    if len(found) < prepared.min_fields:
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


def _wrap_width(raw_lines: list[str], wrap: _WrapLimits) -> int | None:
    """The width a hard-wrapped text is cut at (`38` for a PDF page of 38 characters a line), or
    None when its lines are paragraphs: most lines of a wrapped text have one length, ±slack."""
    lengths = sorted(map(len, raw_lines))       # in C: most texts are no PDF, and say so at once
    blank = bisect.bisect_right(lengths, 0)
    lines = len(lengths) - blank
    near = max(math.ceil(wrap.min_share * lines), wrap.min_lines)
    # Wrapped, `near` lines of the longest (all but `max_longer` of them) are within 2 × slack.
    for i in range(max(blank, len(lengths) - near - int(wrap.max_longer * lines)), len(lengths) - near + 1):
        if lengths[i + near - 1] - lengths[i] <= 2 * wrap.slack:
            break
    else:
        return None
    counts: dict[int, int] = {}
    for n in lengths[blank:]:
        counts[n] = counts.get(n, 0) + 1
    width = max(counts, key=lambda n: (counts[n], n))   # the most common length
    near = sum(counts.get(n, 0) for n in range(width - wrap.slack, width + wrap.slack + 1))
    longer = sum(c for n, c in counts.items() if n > width + wrap.slack)
    if (width < wrap.min_width or near < wrap.min_lines or near < wrap.min_share * lines
            or longer > wrap.max_longer * lines):
        return None
    return width


def _join_broken(cleaned: list[str], rule: _JoinRule) -> list[Line]:
    out: list[Line] = []
    current: _Joined | None = None
    gap = blank = False
    wrapped = rule.width is not None
    for number, text in enumerate(cleaned, 1):
        if not text:
            if wrapped:
                if current is not None and not gap and rule.closes(current, number):
                    current.add(rule.raw_lines[number - 1].strip(), number)
                    continue
                blank = blank or not rule.dropped[number - 1]   # a blank line, not a page number dropped
            gap = True
            continue
        if current is not None and rule.continues(current, text, number, blank):
            current.add(text, number)
        else:
            if current is not None:
                out.append(current.line())
            current = _Joined(text, number, gap)
        gap = blank = False
    if current is not None:
        out.append(current.line())
    return out


class _JoinRule:
    """normalize.yaml's join rule, compiled; for hard-wrapped text also its width, its source
    lines and which of them were dropped as noise."""

    def __init__(self, rules: NormalizeRules, width: int | None = None, raw_lines: list[str] = (),
                 dropped: list[bool] = (), role_label: re.Pattern | None = None) -> None:
        join = rules.join
        # join's fields copied to plain attributes: a pydantic model's attribute costs a
        # __getattr__ hook each time, and continues() reads them for every line
        self.strong_endings, self.strong_starts = join.strong_endings, join.strong_starts
        self.open_brackets, self.min_chars = join.open_brackets, join.min_chars
        self.never_before = any_of(join.never_before)
        self.word_end = CharacterTest(re.compile(join.word_end))       # (asked of one character)
        self.word_start = CharacterTest(re.compile(join.word_start))
        self.complete = re.compile(join.complete_endings)
        self.prose = _chars(join.prose_marks)
        self.opening = _chars("".join(join.open_brackets))
        self.width = width
        self.role_label = role_label
        if width is not None:   # the rules of wrapped text, compiled for wrapped text only
            self.wrap = wrap = rules.wrap
            self.raw_lines, self.dropped = raw_lines, dropped
            self.closing = frozenset(join.open_brackets.values())
            self.inside_word = re.compile(wrap.inside_word)
            self.never_inside_word = any_of([r for r in join.never_before if r.id not in wrap.inside_word_ignores])

    def continues(self, prev: _Joined, nxt: str, number: int, blank: bool) -> bool:
        """True when `nxt` (source line `number`) carries on the sentence `prev` breaks off
        (相关成员单 | 位负责同志)."""
        tail = prev.tail
        wraps = self.width is not None and not blank and self._wraps(prev, number)
        # (cheapest tests first: a line that ends a sentence with 。 is told by its last character)
        carries_on = (wraps
                      or tail[-1] in self.strong_endings
                      or nxt[0] in self.strong_starts
                      or (self.opening.search(tail) is not None and _open_bracket(tail, self.open_brackets))
                      or (prev.length >= self.min_chars
                          and self.word_end[tail[-1]]      # (one character: before the looks
                          and self.word_start[nxt[0]]      # at every piece)
                          and prev.prose(self)
                          and not prev.gap_in_words()
                          and not self.complete.search(tail)
                          and not self._roster_entry(prev)))
        if not carries_on:
            return False
        if self.width is None:
            return not self.never_before.match(nxt)
        # Wrapped text: a word cut at the width goes on even into a label (县消 | 防救援大队：).
        never = self.never_inside_word if wraps and self.inside_word.match(tail[-1]) else self.never_before
        return not never.match(nxt) and not self._starts_anew(tail, nxt)

    def _roster_entry(self, prev: _Joined) -> bool:
        """`成员：各乡镇中心学校校长、县直各学校校长`: a line that opens with a role label is an
        entry, whole at its line's end (a list broken on purpose ends with 、 and goes on)."""
        return self.role_label is not None and not prev.breaks and self.role_label.match(prev.pieces[0]) is not None

    def closes(self, prev: _Joined, number: int) -> bool:
        """In wrapped text, a closing bracket alone on a line (dropped as noise) closes the
        bracket the line before left open at the width: `…县教育局` | `)`."""
        closing = self.raw_lines[number - 1].strip()
        return (0 < len(closing) <= 2
                and all(c in self.closing for c in closing) and _open_bracket(prev.tail, self.open_brackets)
                and self._wraps(prev, number))

    def _wraps(self, prev: _Joined, number: int) -> bool:
        """The last source line of `prev` reaches the wrap width, and source line `number`, the
        next one, is not indented (a new paragraph)."""
        wrap = self.wrap
        last = prev.breaks[-1][1] if prev.breaks else prev.number
        reach = len(self.raw_lines[last - 1])
        return (not self.raw_lines[number - 1][:1].isspace()
                and (reach >= self.width or (reach >= self.width - wrap.slack
                                             and prev.tail[-1] not in wrap.sentence_end)))

    def _starts_anew(self, tail: str, nxt: str) -> bool:
        # In wrapped text a line starts anew with a role label, a roster entry (邓小松 区发改局局长),
        # or with a label (县教育局：) after a sentence end.
        return ((self.role_label is not None and self.role_label.match(nxt) is not None)
                or self.wrap.entry.regex.match(nxt) is not None
                or (tail[-1] in self.wrap.sentence_end and self.wrap.label.regex.match(nxt) is not None))


class _Prepared:
    """What normalize reads of a grammar's rules for every notice, gathered once per grammar:
    a pydantic model's attribute costs a hook each time it is read, and gathering these (the
    noise patterns' sources, the join rule's fields and patterns) cost ~40 k instructions a
    notice. The join rule here is that of text that is not hard-wrapped, which holds nothing
    of a notice."""

    __slots__ = ("heading_or_noise", "noise_gate", "links_item", "join_rule", "field_keys",
                 "within_lines", "min_fields", "min_chars_per_line", "wrap_limits")

    def __init__(self, rules: NormalizeRules, starts: LineStarts) -> None:
        links = rules.related_links
        patterns = (links.heading.pattern, *(rule.pattern for rule in rules.noise))
        self.heading_or_noise = _heading_or_noise(patterns[0], patterns[1:])
        self.noise_gate = _noise_gate(patterns)
        self.links_item = links.item.regex
        self.join_rule = _JoinRule(rules, role_label=starts.role_label)
        meta = rules.metadata
        self.field_keys = _field_keys(tuple(meta.fields))
        self.within_lines, self.min_fields = meta.within_lines, meta.min_fields
        self.min_chars_per_line = rules.run_on.min_chars_per_line
        wrap = rules.wrap
        self.wrap_limits = _WrapLimits(wrap.min_width, wrap.min_lines, wrap.min_share, wrap.max_longer, wrap.slack)


class _WrapLimits(NamedTuple):
    """normalize.yaml's `wrap` numbers, which _wrap_width reads for every notice."""

    min_width: int
    min_lines: int
    min_share: float
    max_longer: float
    slack: int


_PREPARED = PerGrammar(_Prepared)


class _Joined:
    """A line being built from source lines; what the join rule asks of it is kept as it
    grows, so that joining thousands of lines stays linear."""

    # (slots: one is made for every line, and slots are set faster than a dict's entries)
    __slots__ = ("pieces", "number", "gap", "breaks", "length", "tail", "_prose", "_gap", "_prose_seen", "_gap_seen")

    def __init__(self, text: str, number: int, gap: bool) -> None:
        self.pieces = [text]
        self.number = number
        self.gap = gap
        self.breaks: list[tuple[int, int]] = []
        self.length = len(text)
        self.tail = text[-40:]
        # Whether a piece is prose, or sets words apart, is asked of few lines (long ones that
        # end inside a word): looked up then, for the pieces not yet looked at.
        self._prose = self._gap = False
        self._prose_seen = self._gap_seen = 0

    def add(self, text: str, number: int) -> None:
        self.breaks.append((self.length, number))
        self.pieces.append(text)
        self.length += len(text)
        self.tail = (self.tail + text)[-40:]

    def prose(self, rule: _JoinRule) -> bool:
        """A piece holds a mark of prose (a comma, `rule.prose`)."""
        while not self._prose and self._prose_seen < len(self.pieces):
            self._prose = rule.prose.search(self.pieces[self._prose_seen]) is not None
            self._prose_seen += 1
        return self._prose

    def gap_in_words(self) -> bool:
        """A piece sets words apart with white space, as a roster does (_gap_in_words)."""
        while not self._gap and self._gap_seen < len(self.pieces):
            self._gap = _gap_in_words(self.pieces[self._gap_seen])
            self._gap_seen += 1
        return self._gap

    def line(self) -> Line:
        if not self.breaks:   # one source line, as most are
            return Line(self.pieces[0], self.number, self.gap)
        return Line("".join(self.pieces), self.number, self.gap, tuple(self.breaks))


def _split_run_on(lines: list[Line], run_on, min_chars: int, starts: LineStarts, report: Report) -> list[Line]:
    """A notice whose line breaks were lost (a whole notice on one line) cut again before each
    numbered item, role label, attachment, unit label and closing date; other text is left as it is.
    `min_chars` is run_on.min_chars_per_line (read once per grammar: its attribute costs a hook)."""
    if not lines:
        return lines
    lengths = list(map(len, map(_TEXT, lines)))
    chars = sum(lengths)
    # The whole text, when its lines are that long on average; else only a long line that holds
    # two numbered items after sentence ends (…工作。一、组成人员…。三、工作要求…).
    whole = chars >= min_chars * len(lines)
    if not whole and max(lengths) < min_chars:
        return lines   # (most notices: no line that long, told in C before the loop below)
    items = run_on.items_in_line.regex
    out: list[Line] = []
    for line in lines:
        text = line.text
        if not whole and (len(text) < min_chars or len(items.findall(text)) < 2):
            out.append(line)
            continue
        cuts = {0, len(text)}
        for rule in run_on.split_before:
            at = "cut" if "cut" in rule.regex.groupindex else 0    # the cut, or the match's start
            cuts.update(m.start(at) for m in rule.regex.finditer(text))
        roles = {m.start() for m in starts.role_label.finditer(text)} if starts.role_label else set()
        bounds = sorted(cuts | roles)
        for start, end in zip(bounds, bounds[1:]):
            if start in roles:   # a roster line: 组长：冯吉光 县委常委 …。
                roster_end = run_on.roster_end.regex.search(text, start, end)
                end = roster_end.end() if roster_end else end
                cuts.add(end)
                space = run_on.roster_break_space
            else:
                space = run_on.break_space
            cuts.update(m.end() for m in space.regex.finditer(text, start, end))
            heading_end = _heading_end(text, start, end, run_on, starts)
            if heading_end:
                cuts.add(heading_end)
        bounds = sorted(cuts | roles)
        first = True
        for start, end in zip(bounds, bounds[1:]):
            if text[start:end].strip():
                out.append(_piece(line, start, end, line.gap_before and first))
                first = False
    if len(out) > len(lines):
        report.add("SJ105", lines[0].line,
                   how=f"{len(lines)} line(s) of {chars // len(lines)} characters on average, as when "
                       f"line breaks are lost, were split into {len(out)} lines before numbered items, "
                       "role labels and dates")
    return out


def _heading_end(text: str, start: int, end: int, run_on, starts: LineStarts) -> int | None:
    """Where a numbered heading glued to a label ends: `二、工作职责县委办公室：…` -> after 职责."""
    if starts.number is None or starts.heading_word is None:
        return None
    piece = text[start:end].lstrip()
    start = end - len(piece)
    number = starts.number.match(piece)        # anchored at the piece's start (^)
    label = number and run_on.glued_label.regex.match(piece, number.end())
    if not label:
        return None
    label_end = label.end("label")
    ends = [m.end() for m in starts.heading_word.finditer(piece, number.end(), label_end)
            if label_end - m.end() >= run_on.min_label_chars]
    return start + ends[-1] if ends else None


def _piece(line: Line, start: int, end: int, gap: bool) -> Line:
    """Characters start:end of a line as a line of its own, still mapped to its source lines;
    characters spaced out at its start are one word now, as at any line's (组 长： -> 组长：)."""
    chunk = line.text[start:end]
    lead = start + len(chunk) - len(chunk.lstrip())
    text = chunk.strip()
    breaks = tuple((offset - lead, number) for offset, number in line.breaks if lead < offset < end)
    if " " in text and not breaks:   # (with breaks, their offsets would move)
        text = _join_spaced(text)
    return Line(text, line.line_at(lead), gap, breaks)


def _join_spaced(text: str) -> str:
    """`组 长` -> `组长`: single characters spaced out joined (a line without one is left alone)."""
    return _SPACED_CHARS.sub(_unspaced, text) if _SPACED_CHAR.search(text) else text


def _unspaced(run: re.Match) -> str:
    return run.group(0).replace(" ", "")


def _gap_in_words(text: str) -> bool:
    # Most lines hold no space or tab at all: looked for first, in C.
    return (" " in text or "\t" in text) and _GAP_IN_WORDS.search(text) is not None


@lru_cache(maxsize=8)
def _chars(chars: str) -> re.Pattern:
    """A pattern matching any one of `chars`: `_chars("，、").search(text)`."""
    return re.compile(f"[{re.escape(chars)}]")


def _open_bracket(text: str, pairs: dict[str, str]) -> bool:
    """A bracket opened in the last 40 characters and not closed (`**(县`), each pair apart."""
    # (a pair is counted only when its opening bracket is there: most tails hold one kind at most)
    return any(text.count(opening) > text.count(closing) for opening, closing in pairs.items() if opening in text)
