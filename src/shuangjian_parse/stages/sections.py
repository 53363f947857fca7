"""Stage 4: main-text lines -> the outline from 一、 （一） 1. （1）; gaps reported as SJ201."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..diagnostics import Report
from ..grammar import PerGrammar, SectionRules
from ..models import Line, Section
from ..numerals import chinese_numeral, cn_number
from .document import Layout


@dataclass(frozen=True)
class Outline:
    """The section tree and, for each main-text line index, the kind of its innermost section."""

    sections: list[Section]
    kinds: dict[int, str]
    starts: dict[int, tuple[int, str]]  # line index -> (level, number) of a numbered item


@dataclass
class _Node:
    number: str
    level: int
    heading: str | None
    kind: str
    line: int
    children: list[_Node]

    def freeze(self) -> Section:
        # The whole subtree validated in one call, children as data: pydantic builds them
        # without a Python call each (a fifth of the stage's cost went on building sections).
        return Section.model_validate(self._data())

    def _data(self) -> dict:
        return {"number": self.number, "level": self.level, "heading": self.heading, "kind": self.kind,
                "line": self.line, "children": [c._data() for c in self.children]}


_UNSEEN = object()
_COMMA = re.compile(r"[，,]")
_ARTICLE_STARTS = frozenset("第0123456789")
_OPENING_LINES = 3  # where a page's own title can be: among the first lines of its main text
_SEEN_MAX = 4096  # line texts remembered per grammar (a batch reads thousands of notices)


def match_number(text: str, rules: SectionRules) -> tuple[int, str, int] | None:
    """(level, number, end of the number) for a numbered line: `（二）职责` -> (2, "二", 3);
    the first level whose pattern matches, as rules.numbering tries them in order. A line
    whose number is no numeral (十十、) is not numbered. The sections, bodies and duties
    stages all ask about each line: the answer is computed once."""
    seen = rules.numbers_seen
    found = seen.get(text, _UNSEEN)
    if found is _UNSEEN:
        if len(seen) >= _SEEN_MAX:
            seen.clear()
        found = seen[text] = _match_number(text, rules)
    return found  # type: ignore[return-value]


def _match_number(text: str, rules: SectionRules) -> tuple[int, str, int] | None:
    m = rules.numbering.match(text)
    if m is None:
        return None
    for group, level in rules.number_groups:
        number = m.group(group)
        if number is not None:
            try:
                _value(number)
            except ValueError:
                return None
            return level, number, m.end()
    return None  # pragma: no cover - every branch has its number group


def strip_article(text: str, rules: SectionRules) -> str:
    """The text after an article number: `第三条 联席会议由…组成` -> `联席会议由…组成`."""
    m = rules.article.regex.match(text) if text[:1] in _ARTICLE_STARTS else None
    return text[m.end():] if m else text


class _Prepared:
    """What extract_sections reads of the grammar, gathered once per grammar: a rule's
    attribute costs a hook each time it is read, and the stage read them for every heading."""

    __slots__ = ("heading_end", "heading_max_chars", "kinds", "extracted_kinds", "weak_kinds",
                 "unit_heading")

    def __init__(self, rules: SectionRules) -> None:
        self.heading_end = re.compile(rules.heading_end)
        self.heading_max_chars = rules.heading_max_chars
        # each kind with a pattern of its keywords (_kind): one search of a heading, not one per
        # keyword; (?!) matches nothing, as a kind with no keyword
        self.kinds = tuple((rule.kind, re.compile("|".join(map(re.escape, rule.keywords)) or "(?!)"))
                           for rule in rules.kinds)
        self.extracted_kinds, self.weak_kinds = frozenset(rules.extracted_kinds), frozenset(rules.weak_kinds)
        self.unit_heading = rules.unit_heading.regex


_PREPARED = PerGrammar(_Prepared)


def extract_sections(lines: list[Line], layout: Layout, rules: SectionRules, report: Report) -> Outline:
    """Build the outline: `一、组织机构` -> Section(number 一, level 1, heading 组织机构, kind organization)."""
    prepared = _PREPARED.get(rules)
    heading_end = prepared.heading_end
    roots: list[_Node] = []
    stack: list[_Node] = []
    last_number: dict[tuple[int, ...], int] = {}
    kinds: dict[int, str] = {}
    starts: dict[int, tuple[int, str]] = {}
    listed = False  # the line above is a label that opens a list (副组长：, 具体如下：)
    # match_number's stored answers looked up here first, without a call per line.
    seen = rules.numbers_seen
    extracted_kinds, weak_kinds, unit_heading = prepared.extracted_kinds, prepared.weak_kinds, prepared.unit_heading
    heading_max_chars = prepared.heading_max_chars
    # A page or attachment that opens with its own title, no number (某市…各成员单位工作职责):
    # the lines below it, and items numbered below level 1, are of the kind the title names.
    opening = "other"
    for k, i in enumerate(layout.main_text()):
        line = lines[i]
        found = seen.get(line.text, _UNSEEN)
        if found is _UNSEEN:
            found = match_number(line.text, rules)
        if not found and not roots:
            # a 预案's decimal heading (2.2 成员单位职责) says what the lines below it are, and so
            # does a page's own title among its first lines
            part = strip_article(line.text, rules) if line.text[:1].isdigit() else line.text
            if part is not line.text or (k < _OPENING_LINES and opening == "other"):
                kind = _opening_kind(part, prepared)
                if part is not line.text or kind != "other":
                    opening = kind
                    kinds[i] = "other"  # the heading itself
                    continue
        if not found:
            listed = line.text.rstrip().endswith(("：", ":"))
        else:
            level, number, end = found
            while stack and stack[-1].level >= level:
                stack.pop()
            if level == 1:
                opening = "other"
            parent_kind = opening   # the kind of the innermost section above that has one
            for above in reversed(stack):
                if above.kind != "other":
                    parent_kind = above.kind
                    break
            heading = _heading(line.text[end:], heading_end, heading_max_chars)
            if heading is None and level == 1:
                heading = _glued_heading(line.text[end:], rules)
            kind = _kind(heading, prepared.kinds) if heading else "other"
            extracted = parent_kind in extracted_kinds
            if parent_kind != "other" and (
                    kind == "other" or unit_heading.search(heading or "")
                    or (extracted and (kind in weak_kinds or level >= 3))):
                # 1.负责协调机制日常工作 under 职责分工 is a task, whatever words it uses.
                kind = parent_kind
            node = _Node(number, level, heading, kind, line.line, [])
            (stack[-1].children if stack else roots).append(node)
            if listed and _value(number) == 1:
                last_number.pop((*map(id, stack), level), None)  # a new list starts
            listed = False
            _check_order(node, stack, last_number, line, rules, report)
            stack.append(node)
            starts[i] = (level, number)
        kinds[i] = stack[-1].kind if stack else opening
    return Outline(sections=[n.freeze() for n in roots], kinds=kinds, starts=starts)


def _glued_heading(rest: str, rules: SectionRules) -> str | None:
    """`领导小组工作职责统筹做好…`: a level-1 heading run into its text (line breaks lost) ends
    with the last keyword of a kind in its first 12 characters; None unless that leaves 4."""
    head = "".join(rest[:24].split())[:12]
    end = max((head.rfind(w) + len(w) for rule in rules.kinds for w in rule.keywords if w in head), default=0)
    return head[:end] if end >= 4 else None


def _opening_kind(text: str, prepared: _Prepared) -> str:
    """The kind a line with no number names when it is a heading of duties or a roster
    (short, no sentence in it): `各成员单位工作职责` -> duties; else other."""
    text = text.rstrip().rstrip("：:")
    head = _heading(text, prepared.heading_end, prepared.heading_max_chars)
    if head is None or prepared.heading_end.search(text) or _COMMA.search(head):
        return "other"
    kind = _kind(head, prepared.kinds)
    return kind if kind in prepared.extracted_kinds else "other"


def _heading(rest: str, heading_end: re.Pattern, max_chars: int) -> str | None:
    m = heading_end.search(rest)
    head = "".join((rest[: m.start()] if m else rest).split())
    if not head or len(head) > max_chars:
        return None
    return head


def _kind(heading: str, kinds: tuple[tuple[str, re.Pattern], ...]) -> str:
    """The kind of the first rule (kind, its keywords' pattern) with a keyword in the heading."""
    for kind, keywords in kinds:
        if keywords.search(heading):
            return kind
    return "other"


def _value(number: str) -> int:
    return int(number) if number.isdigit() else cn_number(number)


def _check_order(node: _Node, stack: list[_Node], last: dict, line: Line, rules: SectionRules,
                 report: Report) -> None:
    """SJ201 when a number is not the one after its previous sibling (or 1 for the first)."""
    key = (*map(id, stack), node.level)
    previous = last.get(key, 0)
    value = _value(node.number)
    last[key] = value
    if value != previous + 1:
        fmt = _formatter(node.level)
        expected = fmt(_numeral(previous + 1, node.number.isdigit()))
        before = fmt(_numeral(previous, node.number.isdigit())) if previous else "the start of its level"
        report.add("SJ201", line.line, column=1, text=line.text[:20], found=fmt(node.number),
                   previous=before, expected=expected)


def _formatter(level: int):
    return {1: "{}、".format, 2: "（{}）".format, 3: "{}.".format, 4: "（{}）".format}[level]


def _numeral(value: int, arabic: bool) -> str:
    return str(value) if arabic else chinese_numeral(value)
