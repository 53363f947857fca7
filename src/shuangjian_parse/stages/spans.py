"""Provenance spans: where in the decoded text each value of the record was read.

The stages read normalised lines (widths folded, spaces collapsed, markdown removed, broken
lines joined), so a value's place in the source is found after them: `SourceIndex.locate`
looks for the value in the decoded text from the start of its own `line`, white space aside
and full-width letters and digits folded as normalize folds them. A value that is not in the
text as one stretch — one sj composed, a shared prefix distributed (市委宣传部、网信办 →
市委网信办) — is found in pieces, each the longest part of the value that follows the last
piece, then each moved as close as it can go to the next (the 市委 of 市委宣传部, not of an
earlier 市委). The script stage restores values written in traditional characters with the
same search.

    index = SourceIndex(["组长：冯吉光  县委常委"])
    index.span("冯吉光", 1)               # [3, 6]
    index.span("县委常委", 1)             # [8, 12]

A span is `[start, end)` in code points of the lines joined by "\\n" (what `sj parse
--dump-text` prints), or `[start1, end1, start2, end2, …]` for a value in pieces; None when
the value is not near its line. Work stays linear on a notice written on one line of a
megabyte: a value is looked for within _REACH of its line's start, or of the end of the value
read before it on the same line (`after`).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate, count
from operator import add
from typing import Iterable, Iterator, Optional

from ..models import MAX_PIECES, Attachment, Document, Duty, Line, Member, MemberUnit, Record, Section
from .document import Layout
from .normalize import FULL_WIDTH_ALNUM
from .record_copy import copy_with

# Runs of white space (the characters str.split() splits on), kept by split() as the odd items.
_SPACE_RUN = re.compile(r"(\s+)")
_WIDE = re.compile("[" + "".join(map(chr, FULL_WIDTH_ALNUM)) + "]")
# How far past the start of its line (and a quarter of that before it) a value is looked for.
_REACH = 8192
# The 发文字号's year brackets, which sj writes 〔〕 whatever the notice writes (or none).
_YEAR_BRACKETS = str.maketrans("", "", "〔〕")

Piece = tuple[int, int, int, int]  # (start, end) in the value without white space, (start, end) in the text


def fold(text: str) -> str:
    """Full-width digits and letters as ASCII, as normalize writes them: `fold("２０２１年") == "2021年"`."""
    return text.translate(FULL_WIDTH_ALNUM) if _WIDE.search(text) else text


def compact(text: str) -> str:
    """What a span's text is compared by: no white space, widths folded: `compact("王　刚") == "王刚"`."""
    return fold("".join(text.split()))


class _Window:
    """text[low:high] without white space and folded, with the way back to offsets of the text."""

    def __init__(self, text: str, low: int, high: int) -> None:
        parts = _SPACE_RUN.split(text[low:high])
        kept, gaps = parts[0::2], parts[1::2]
        self.source, self.low = text, low
        self.text = fold("".join(kept))
        self._gap_at = list(accumulate(map(len, kept[:-1])))  # where each gap was, in self.text
        self._removed = list(accumulate(map(len, gaps)))      # white space removed up to each gap

    def holds(self, key: str) -> bool:
        """Every character of `key` is in the window (a str `in` per character: a set of the
        window's characters would make a string object of each of them)."""
        return all(char in self.text for char in key)

    def to_text(self, at: int) -> int:
        """The text offset of character `at` of the window."""
        k = bisect_right(self._gap_at, at)
        return self.low + at + (self._removed[k - 1] if k else 0)

    def of_text(self, offset: int) -> int:
        """The window position of the first character at or after text `offset`."""
        return len("".join(self.source[self.low:offset].split())) if offset > self.low else 0

    def find(self, key: str, begin: int) -> int:
        """`key` in the window from text offset `begin` on, else from its start; -1 if not."""
        return _find(self.text, key, self.of_text(begin), 0, len(self.text))

    def piece(self, k0: int, k1: int, at: int) -> Piece:
        """Characters k0:k1 of a key found at window position `at`, with their text offsets."""
        return k0, k1, self.to_text(at), self.to_text(at + k1 - k0 - 1) + 1

    def pieces(self, key: str, begin: int) -> list[Piece]:
        """`key` in pieces: the most of it, in the fewest pieces, closest together (_pieces from
        `begin` or from the start, or _pieces_back)."""
        start = self.of_text(begin)
        ahead = _pieces(self.text, key, start)
        from_start = _pieces(self.text, key, 0) if start else ahead  # (the same search when start is 0)
        found = max(ahead, from_start, _pieces_back(self.text, key, start), key=_rank)
        return [self.piece(k0, k1, a) for k0, k1, a, _ in found]


class SourceIndex:
    """The decoded lines and where each starts in their text (joined by "\\n")."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.text = "\n".join(lines)
        # line k starts after the k lines before it and their k "\n": [0, len0 + 1, len0 + len1 + 2, …]
        self._starts = list(map(add, accumulate(map(len, lines), initial=0), count()))
        self._windows: dict[tuple[int, int], _Window] = {}

    def _window_of(self, low: int, high: int) -> _Window:
        """text[low:high] without white space, built once for the values of a line."""
        window = self._windows.get((low, high))
        if window is None:
            window = self._windows[low, high] = _Window(self.text, low, high)
        return window

    def start(self, line: int) -> int:
        """The offset of the 1-based `line`'s first character."""
        return self._starts[min(max(line, 1), len(self.lines)) - 1]

    def span(self, value: str, line: Optional[int], after: Optional[int] = None,
             region: Optional[tuple[int, int]] = None) -> Optional[list[int]]:
        """Where `value` read at `line` stands, whole: `[start, end]`, or its pieces; None when
        some of it is not found (see locate)."""
        begin, low, high = self._window(len(value), line, after, region)
        at = _find(self.text, value, begin, low, high)  # most values: as written, near their line
        if at >= 0:
            return [at, at + len(value)]
        pieces = self._locate(value, line, begin, low, high)
        if _covered(pieces) != len(compact(value)) or not pieces:
            return None
        return [offset for _, _, start, end in pieces for offset in (start, end)]

    def locate(self, value: str, line: Optional[int], after: Optional[int] = None,
               region: Optional[tuple[int, int]] = None) -> list[Piece]:
        """The pieces of `value` read at `line`, in the text's order; a character of the value that
        no piece holds is left out. `region`: the first and last source line of the normalised line
        it was read from (broken lines joined; default `line` alone); `after`: the end of the
        value read before it on that line, where the search starts. Looked for as written in the
        region first (most values are: one str.find), then without white space, then in pieces;
        then without white space around the line, for a value read elsewhere than its `line`."""
        begin, low, high = self._window(len(value), line, after, region)
        at = _find(self.text, value, begin, low, high)
        if at >= 0:
            return [(0, len(compact(value)), at, at + len(value))]
        return self._locate(value, line, begin, low, high)

    def _window(self, size: int, line: Optional[int], after: Optional[int],
                region: Optional[tuple[int, int]]) -> tuple[int, int, int]:
        """Where to look for a value of `size` read at `line`: from `begin`, within [low, high)."""
        starts = self._starts
        if line and 0 < line < len(starts):
            first, last = region or (line, line)
            region_start, region_end = starts[first - 1], starts[last] - 1
            begin = after if after is not None and region_start <= after <= region_end else starts[line - 1]
            return (begin, max(region_start, begin - _REACH // 4),
                    min(region_end, begin + 8 * size + _REACH))
        begin = after or 0  # a value read without a line: the whole text, from `after` on
        return begin, max(0, begin - _REACH // 4), min(len(self.text), begin + 8 * size + _REACH)

    def _locate(self, value: str, line: Optional[int], begin: int, low: int, high: int) -> list[Piece]:
        """A value not written as it stands in its region: without white space there, else in
        pieces there (a shared prefix distributed); else, for a value read elsewhere than on its
        `line` (a duty whose text follows its units' line), as it stands around the line, then
        without white space, then in pieces."""
        key = compact(value)
        if not key:
            return []
        region = self._window_of(low, high)
        at = region.find(key, begin)
        if at >= 0:
            return [region.piece(0, len(key), at)]
        found = region.pieces(key, begin) if region.holds(key) else []
        if not line or _covered(found) == len(key):
            return found
        wide_low = max(0, self.start(line) - _REACH // 4)
        wide_high = min(len(self.text), begin + 8 * len(value) + _REACH)
        at = _find(self.text, value, begin, wide_low, wide_high)
        if at >= 0:
            return [(0, len(key), at, at + len(value))]
        wide = self._window_of(wide_low, wide_high)
        at = wide.find(key, begin)
        if at >= 0:
            return [wide.piece(0, len(key), at)]
        return max(found, wide.pieces(key, begin), key=_covered)


def _find(text: str, value: str, begin: int, low: int, high: int) -> int:
    """`value` in text[begin:high], else in text[low:high]."""
    at = text.find(value, begin, high)
    return at if at >= 0 or low >= begin else text.find(value, low, high)


def _covered(pieces: list[Piece]) -> int:
    return sum(k1 - k0 for k0, k1, _, _ in pieces)


def _pieces(text: str, key: str, begin: int) -> list[Piece]:
    """`key` in pieces of text[begin:]: from its start, the longest part found after the last
    piece; a character found nowhere is skipped. Then, from the last piece back, each piece is
    moved to its last place before the next one: 市委网信办 in `市委办、市委宣传部、网信办` is 市委
    of 市委宣传部 and 网信办."""
    found: list[Piece] = []
    i, after = 0, begin
    while i < len(key) and len(found) < MAX_PIECES:
        size, at = _longest(text, key, i, after)
        if size == 0:
            i += 1
            continue
        found.append((i, i + size, at, at + size))
        i, after = i + size, at + size
    for n in range(len(found) - 2, -1, -1):
        k0, k1, at, _ = found[n]
        moved = text.rfind(key[k0:k1], found[n - 1][3] if n else begin, found[n + 1][2])
        if moved > at:
            found[n] = (k0, k1, moved, moved + k1 - k0)
    return found


def _pieces_back(text: str, key: str, begin: int) -> list[Piece]:
    """`key` in pieces from its end: the longest end of it found from `begin` on (else anywhere),
    then the longest end of the rest at its last place before that, and so on: 市民族宗教局 in
    `市民政局…市发展改革局、民族宗教局` is 市 of 市发展改革局 and 民族宗教局."""
    def where(piece: str, before: int) -> int:
        if before >= 0:
            return text.rfind(piece, 0, before)
        at = text.find(piece, begin)
        return at if at >= 0 or not begin else text.find(piece)

    found: list[Piece] = []
    j, before = len(key), -1
    while j > 0 and len(found) < MAX_PIECES:
        low, high, at = 0, j, -1  # an end of `low` found at `at`; (an end found holds shorter ones)
        while low < high:
            mid = (low + high + 1) // 2
            spot = where(key[j - mid:j], before)
            if spot >= 0:
                low, at = mid, spot
            else:
                high = mid - 1
        if low == 0:
            j -= 1
            continue
        found.append((j - low, j, at, at + low))
        j, before = j - low, at
    return found[::-1]


def _rank(found: list[Piece]) -> tuple[int, int, int]:
    """Pieces that hold more of the value, then fewer of them, then closer together, rank higher."""
    return _covered(found), -len(found), -(found[-1][3] - found[0][2]) if found else 0


def _longest(text: str, key: str, i: int, begin: int) -> tuple[int, int]:
    """The longest prefix of key[i:] in text[begin:]: (its size, where); (0, -1) if none."""
    at = text.find(key[i:], begin)
    if at >= 0:
        return len(key) - i, at
    low, high, where = 0, len(key) - i - 1, -1  # a prefix of `low` found at `where`; high + 1 is not
    while low < high:
        mid = (low + high + 1) // 2
        found = text.find(key[i:i + mid], begin)
        if found >= 0:
            low, where = mid, found
        else:
            high = mid - 1
    return (low, where) if low else (0, -1)


def spanned(model: Record, where: str = "") -> Iterator[tuple[str, str, Optional[list[int]]]]:
    """Every value of a record that carries a span, with its path and its span, in field order:
    `("bodies[0].members[2].name", "冯吉光", [412, 415])`."""
    spans = type(model).spans
    for name in type(model).model_fields:
        value = getattr(model, name)
        if name in spans:
            span = getattr(model, spans[name])
            if isinstance(value, list):
                for n, item in enumerate(value):
                    yield f"{where}{name}[{n}]", item, span[n] if n < len(span) else None
            elif value is not None:
                yield f"{where}{name}", value, span
        elif isinstance(value, Record):
            yield from spanned(value, f"{where}{name}.")
        elif isinstance(value, list):
            for n, item in enumerate(value):
                if isinstance(item, Record):
                    yield from spanned(item, f"{where}{name}[{n}].")


def span_text(text: str, span: list[int]) -> str:
    """The text a span covers, its pieces joined: `span_text("市委宣传部、网信办", [0, 2, 6, 9]) == "市委网信办"`."""
    return "".join(text[start:end] for start, end in zip(span[0::2], span[1::2]))


# --- the stage -------------------------------------------------------------------------------

class SpanFinder:
    """Finds the spans of one notice's values, each kind in the text's order: a value from the
    start of its line, or from the end of the value of its kind read before it when that is on
    the same line (`副组长：何某(…) 李某(…)`). The canonical stage adds `of(model)` to every
    member, member unit and duty it copies; extract_spans does the document and the outline."""

    def __init__(self, index: SourceIndex, lines: list[Line]) -> None:
        self.index = index
        self.regions = _regions(lines)
        self.after: dict[object, Optional[int]] = {}

    def find(self, kind: object, value: Optional[str], line: Optional[int],
             region: Optional[tuple[int, int]] = None) -> Optional[list[int]]:
        """The span of `value` read at `line`, after the last value of `kind` when on its line."""
        if not value:
            return None
        return self.find_all(kind, (value,), line, region)[0]

    def find_all(self, kind: object, values: Iterable[Optional[str]], line: Optional[int],
                 region: Optional[tuple[int, int]] = None) -> list[Optional[list[int]]]:
        """find() of each value read at `line`, in their order (a member's name and posts); None
        for an empty value. For speed (a notice has about forty values), the bounds of the line
        are worked out once for all of them, and SourceIndex.span's first search, which finds
        most values as they are written, is made here; the others go to SourceIndex.span."""
        index, starts = self.index, self.index._starts
        region = region or (self.regions.get(line) if line else None)
        after = self.after.get(kind)
        on_line = bool(line) and 0 < line < len(starts)  # type: ignore[operator]
        if on_line:  # SourceIndex._window's bounds
            begin_line = starts[line - 1]  # type: ignore[operator]
            first, last = (begin_line, starts[line] - 1) if region is None else (  # type: ignore[index]
                starts[region[0] - 1], starts[region[1]] - 1)
            find = index.text.find
        spans: list[Optional[list[int]]] = []
        for value in values:
            span = None
            if value:
                at, size = -1, len(value)
                if on_line:  # SourceIndex.span's first search (_find), here
                    begin = after if after is not None and first <= after <= last else begin_line
                    high = begin + 8 * size + _REACH
                    high = last if last < high else high  # (min(), without its call)
                    at = find(value, begin, high)
                    if at < 0 and first < begin:
                        at = find(value, max(first, begin - _REACH // 4), high)
                span = [at, at + size] if at >= 0 else index.span(value, line, after, region)
                if span is not None:
                    after = span[-1]
            spans.append(span)
        if after is not None:
            self.after[kind] = after
        return spans

    def of(self, model: Record) -> dict:
        """The span fields of a member, member unit or duty: `{"name_span": [3, 6], …}`."""
        kind = type(model)
        if kind is Member:
            name_span, *post_spans = self.find_all(Member, (model.name, *model.posts), model.line)
            return {"name_span": name_span, "post_spans": post_spans}
        if kind is MemberUnit:
            return {"name_span": self.find_all(MemberUnit, (model.name,), model.line)[0]}
        if kind is Duty:
            *unit_spans, text_span = self.find_all(Duty, (*model.units, model.text), model.line)
            return {"unit_spans": unit_spans, "text_span": text_span}
        return {}


@dataclass(frozen=True)
class Located:
    """The document and the outline with the spans of their values."""

    document: Document
    sections: list[Section]


def extract_spans(document: Document, sections: list[Section], lines: list[Line], layout: Layout,
                  finder: SpanFinder) -> Located:
    """Add to the document's values and the headings their spans: `Document.title_span == [17, 52]`."""
    return Located(document=_document(document, lines, layout, finder),
                   sections=_sections(sections, finder))


def _regions(lines: list[Line]) -> dict[int, tuple[int, int]]:
    """{source line: (first, last) source line of the normalised line it is part of}, for the
    lines normalize joined (a sentence broken across lines, a hard-wrapped paragraph)."""
    regions = {}
    for line in lines:
        if line.breaks:
            joined = (line.line, line.breaks[-1][1])
            for number in range(joined[0], joined[1] + 1):
                regions[number] = joined
    return regions


def _document(document: Document, lines: list[Line], layout: Layout, finder: SpanFinder) -> Document:
    # The title is read from its lines, the addressees under it, the issuers from the signature
    # (else the 版头 or a web page's field, from the top), the 发文字号 from the top.
    if layout.title_lines:
        first, last = lines[min(layout.title_lines)], lines[max(layout.title_lines)]
        region = (first.line, last.breaks[-1][1] if last.breaks else last.line)
        title_span = finder.find("title", document.title, first.line, region)
    else:
        title_span = finder.find("title", document.title, None)
    finder.after["addressees"] = title_span[-1] if title_span else None
    signed = lines[min(layout.signature)].line if layout.signature else None
    update = {"title_span": title_span,
              "issuer_spans": [finder.find("issuers", v, signed) or finder.find("issuers", v, None)
                               for v in document.issuers],
              "addressee_spans": [finder.find("addressees", v, None) for v in document.addressees]}
    if document.doc_number:
        update["doc_number_span"] = _whole(finder.find("doc_number", document.doc_number, None) or finder.find(
            "doc_number", document.doc_number.translate(_YEAR_BRACKETS), None))
    if document.attachments:
        update["attachments"] = [copy_with(a, {"title_span": finder.find(Attachment, a.title, a.line)})
                                 for a in document.attachments]
    return copy_with(document, update)


def _whole(span: Optional[list[int]]) -> Optional[list[int]]:
    """One stretch from the first piece to the last: the 发文字号 as written, whatever brackets
    (or none) the notice puts round its year (梧政办发[2008]117号 for 梧政办发〔2008〕117号)."""
    return span and [span[0], span[-1]]


def _sections(sections: list[Section], finder: SpanFinder) -> list[Section]:
    out = []
    for section in sections:
        update = {"heading_span": finder.find(Section, section.heading, section.line)} if section.heading else {}
        if section.children:
            update["children"] = _sections(section.children, finder)
        out.append(copy_with(section, update) if update else section)
    return out
