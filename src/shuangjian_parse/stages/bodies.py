"""Stage 5: Text + Layout + Outline -> the working bodies, their people and member units.

A body enters the record when the notice sets it up (决定成立X, 建立X制度), heads a roster
with it (一、X领导小组 / X成员名单), names it in the title, or sets an office up under it.
Short mentions (领导小组, 协调机制) resolve to the body they refer to.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import product

from ..diagnostics import Report
from ..grammar import BodyRules, SectionRules, any_of, gated, required, words
from ..layouts import LINE_LAYOUTS, Trace
from ..prefilter import needs_any
from ..models import Body, Line, Member, MemberUnit, Text
from ..numerals import cn_number
from .document import Layout
from .columns import ColumnReader, Header
from .entry_forms import REPAIRS
from .people import PersonReader
from .sections import Outline, match_number, strip_article
from .units import UnitReader

_WS = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "“”\"'‘’「」")
_PROSE = re.compile(r"[，。；,;！？]")
_NOTE_AT_END = re.compile(r"[（(][^（()）]*[)）]$")
# A sentence and the mark that ends it (or the text's rest): one match a sentence, where
# splitting on the look-behind (?<=[。；;]) tried it at every character.
_SENTENCES = re.compile(r"[^。；;]*[。；;]|[^。；;]+")
_MENTION_STOP = re.compile(r"[，。；,;、：:（）()]")
_WRAP_SPACE = re.compile(r"[\u4e00-\u9fff]\s[\u4e00-\u9fff]")
_CLAUSE_END = re.compile(r"[，。；,;：:]")
_SENTENCE_END = re.compile(r"[。；;]")
# A short bracket inside a name: 治理教育乱收费局(委)际联席会议.
_INNER_BRACKETS = re.compile(r"(?<=[\u4e00-\u9fff])[（(][\u4e00-\u9fff]{1,3}[)）](?=[\u4e00-\u9fff])")
_BOOK_TITLE = re.compile(r"《([^《》]{4,60})》")


@dataclass
class _Body:
    name: str
    kind: str
    line: int
    parent: _Body | None = None
    members: list[Member] = field(default_factory=list)
    units: list[MemberUnit] = field(default_factory=list)
    lead: str | None = None
    declared: int | None = None
    declared_line: int | None = None
    no_office: bool = False
    _keyed: str = field(default="", repr=False, compare=False)  # the name `_key_of_name` is of
    _key_of_name: str = field(default="", repr=False, compare=False)

    @property
    def key(self) -> str:
        """_key(name), worked out again only when the name changes (Cursor.add lengthens it):
        every mention resolved compares it with the key of every body known."""
        if self._keyed is not self.name:
            self._keyed, self._key_of_name = self.name, _key(self.name)
        return self._key_of_name


def _needs(pattern: str) -> frozenset[str] | None:
    """The literals one of which every match of `pattern` holds; None when there are none."""
    found = required(pattern)
    return frozenset(found) if found else None


def roster_role(title: str) -> str:
    """The role of a roster's entries that give none, by its title or the sentence announcing
    it: 成员单位名单 lists units, 联络员名单 liaisons (成员单位联络员名单 too), the rest members."""
    if "成员单位" in title and "联络员" not in title:
        return "成员单位"
    return "联络员" if "联络员" in title and ("成员" not in title or "成员单位" in title) else "成员"


def _key(name: str) -> str:
    """A name without spaces and quotes: `彭水县“双减”工作领导小组` -> `彭水县双减工作领导小组`."""
    return "".join(name.split()).translate(_QUOTES)


class BodyReader:
    """The bodies stage's compiled rules; build once per grammar."""

    def __init__(self, rules: BodyRules, sections: SectionRules, units: UnitReader,
                 people: PersonReader, columns: ColumnReader) -> None:
        self.rules = rules
        self.columns = columns
        self.sections = sections
        self.units = units
        self.people = people
        self._kinds = [(k.kind, s) for k in rules.kinds for s in k.suffixes]
        self._suffixes = tuple(s for _, s in self._kinds)
        self._suffix = re.compile(words([s for _, s in self._kinds]))
        self._stop = re.compile(rules.name_stop)
        self._establish = rules.establish.regex
        self._not_established = any_of(rules.not_established)
        self._generic = set(rules.generic_modifiers)
        # The sentence rules with the literals one of which each match needs (see held).
        self._office = [(r.regex, _needs(r.pattern)) for r in rules.office]
        # 组长：, 组长 , 组长——, 【组长】: a label and what sets it apart from its entries.
        # …with a note in brackets, or a verb, before its colon: 成员（按姓氏笔画排序）：, 成员为：
        self._roles = re.compile(rf"^[【\[]?(?P<role>{words(rules.roles + rules.unit_roles)})"
                                 r"(?:[（(][^()（）]{1,12}[)）](?=\s*[:：])|[为有是](?=\s*[:：]))?(?:[】\]]\s*|"
                                 r"\s*(?:[:：]|[—－-]{1,2})\s*|\s+|$)")
        # The characters a label can open with: most lines open otherwise and skip the regex.
        self._label_starts = frozenset("【[" + "".join(r[0] for r in rules.roles + rules.unit_roles))
        # A label whose space before the name was lost with the spaces of a spaced name
        # (组　长　张　三　县长 -> 组长张三 县长): a surnamed name of two or three, then a space.
        self._glued_role = re.compile(rf"^(?P<role>{words(rules.roles)})(?=[{re.escape(people.surname_chars)}]"
                                      r"[\u4e00-\u9fff]{1,2}\s)")
        # A role label after the body it is of: 协调机制成员单位：…, 领导小组成员：…
        self._body_role = gated(rf"^(?P<body>[^，。；：:\s]{{0,40}}?(?:{words([s for _, s in self._kinds])}))"
                                rf"(?P<role>{words(rules.roles + rules.unit_roles)})\s*[:：]")
        # A label of a body's own duties: 领导小组主要职责：, 工作组职责, 职责： under a group's
        # roster (the roster above it ends).
        self.body_duties = gated(rf"^(?:(?P<body>[^，。；：:\s]{{0,40}}?(?:{words([s for _, s in self._kinds])}))的?)?"
                                 r"(?:主要|工作|具体)?(?:职责|任务)(?:是|为|如下)?(?:[:：]|$)")
        # Role labels inside a line: with a colon or a dash (组长——王伟), or set apart by spaces
        # (组长 王伟 副组长 李强).
        # (?=[…]) holds the characters a role word opens with: a match starts with one, and
        # the engine, which tried the ~40 words one by one at every position of the line, now
        # tries them only where one of these stands (a long line: 14 µs -> 4 µs a search).
        role_starts = re.escape("".join(sorted({w[0] for w in rules.roles + rules.unit_roles})))
        self._inline_roles = re.compile(rf"(?=[{role_starts}])"
                                        rf"(?:(?P<role>{words(rules.roles + rules.unit_roles)})\s*(?:[:：]|[—－]{{2}})"
                                        rf"|(?:^|(?<=[\s）)]))(?P<spaced>{words(rules.roles)})(?=\s))")
        self._unit_roles = set(rules.unit_roles)
        self._role_only = re.compile(words(rules.roles))
        self._office_member = [(r.regex, _needs(r.pattern)) for r in rules.office_member]
        self.office_roles = frozenset(rules.office_roles)
        self.deputy_marks = tuple(rules.deputy_marks)
        # What a role label that lost its first character reads as: 长 (组长), 集人 (召集人).
        self.role_tails = frozenset(role[i:] for role in rules.roles for i in range(1, len(role))
                                    if len(role) - i <= 2) - set(rules.roles)
        # …and the characters they open with: a line that opens otherwise skips that layout's regex.
        self.role_tail_starts = frozenset(tail[0] for tail in self.role_tails)
        self._unit_list = [(r.regex, _needs(r.pattern)) for r in rules.unit_list]
        self._ref = re.compile(rf"(?:{words([s for _, s in self._kinds])})")
        self._place = rules.place_name.regex
        self._document = re.compile(rf"(?:{words(rules.document_words)})$")
        # The rules read_establish and _read_sentence try on each sentence of prose: most
        # sentences hold no literal any of them needs, and skip them all at once.
        sentence_rules = [rules.establish, *rules.office, *rules.office_member, *rules.unit_list,
                          rules.lead_unit, rules.sub_groups]
        self._sentence_gate = needs_any([r.pattern for r in sentence_rules], required)
        # …and a sentence that holds some skips each rule whose literals it does not hold
        # (`held`): a few `in` tests a sentence, where each rule's search cost more.
        self.establish_need = _needs(rules.establish.pattern)
        self.lead_need = _needs(rules.lead_unit.pattern)
        self.sub_groups_need = _needs(rules.sub_groups.pattern)
        self._sentence_literals = tuple(sorted({w for r in sentence_rules for w in _needs(r.pattern) or ()}))
        self.layouts = LINE_LAYOUTS.ordered([layout.name for layout in rules.line_layouts])
        # The layouts, in order, that can read a line of each kind (a table row? numbered?
        # prose?) in each state of the cursor (a roster open? under a 成员单位 label?): each
        # layout's rule says which lines it reads (body_layouts.py). A prose line outside a
        # roster is offered to 4 layouts, not 7.
        self.layouts_for = {
            (table, numbered, prose, roster, units): tuple(
                (name, layout) for name, layout in self.layouts
                if LINE_LAYOUTS.may_read(name, table=table, numbered=numbered, prose=prose,
                                         roster=roster, units=units))
            for table, numbered, prose, roster, units in product((False, True), repeat=5)}
        # The rules read on most lines, by their patterns: asking a rule for its pattern costs
        # a call each time (~40 a notice).
        self.roster_title, self.order_note, self.also_office, self.lead_note, self.no_office = (
            rule.regex for rule in (rules.roster_title, rules.order_note, rules.also_office,
                                    rules.lead_note, rules.no_office))
        # A numbered item run into a roster line whose breaks were lost: `…秘书四科科长二、工作原则`
        # (after a post's last character; 张三、李四 is a list, not an item).
        # (The first numeral, then the look-behind past it: a pattern that opens with a class is
        # scanned for it; a look-behind first was tried at every position.)
        self.run_in_item = re.compile(rf"[二三四五六七八九十](?<=[{re.escape(people.post_end_chars)}].)"
                                      r"[二三四五六七八九十]{0,2}[、.．](?=[\u4e00-\u9fff])")

    def held(self, sentence: str) -> frozenset[str]:
        """The literals of the sentence rules that `sentence` holds: a rule that needs one of
        `need` (its pair in _office …, None: no literal) cannot match the sentence when
        `need.isdisjoint(held)`."""
        # (filter with the sentence's own `in`: the loop runs in C, where a generator ran a
        # frame step for each of the ~20 literals)
        return frozenset(filter(sentence.__contains__, self._sentence_literals))

    def same_body(self, a: str, b: str) -> bool:
        """Two keys name one body: one ends the other (“双减”领导小组 ~ 某县“双减”领导小组), also
        once a policy's full name is its short one (bodies.yaml name_abbreviations), or one is
        only a place and the kind word (某区联席会议 ~ 某区校外培训工作联席会议)."""
        if a == b or a.endswith(b) or b.endswith(a):
            return True
        for full, short in self.rules.name_abbreviations.items():  # the policy's short name
            a, b = a.replace(full, short), b.replace(full, short)
        if a == b or a.endswith(b) or b.endswith(a):
            return True
        # “双减”领导小组 ~ “双减”工作领导小组: 工作 is left out of one mention; not where only
        # the kind word would remain (工作小组 and 督查小组 stay apart).
        a2, b2 = a.replace("工作", ""), b.replace("工作", "")
        kind_word = self._suffix.search(min(a2, b2, key=len))
        if kind_word and kind_word.start() > 0 and (a2.endswith(b2) or b2.endswith(a2)):
            return True
        for short, long in ((a, b), (b, a)):
            m = self._suffix.search(short)
            place = short[: m.start()] if m else ""
            if place and self._place.fullmatch(place) and long.startswith(place):
                return True
        return False

    def kind_of(self, name: str) -> str | None:
        """`息烽县“双减”工作领导小组办公室` -> office; `县教育局` -> None."""
        if not name.endswith(self._suffixes):   # most names end with no kind word: one call
            return None
        for kind, suffix in self._kinds:
            if name.endswith(suffix):
                return kind
        return None  # pragma: no cover - the suffixes are the kinds

    def is_generic(self, name: str) -> bool:
        """`部门联席会议`, `领导小组`: no name of its own, so no body of its own."""
        m = self._suffix.search(name)
        modifier = _key(name[: m.start()]) if m else name
        return not modifier or modifier in self._generic

    def role_label(self, text: str) -> re.Match | None:
        """The role label a text opens with: `组长：冯吉光 县委常委` -> its match, group `role` 组长."""
        return self._roles.match(text) if text[:1] in self._label_starts else None

    def glued_role(self, text: str) -> re.Match | None:
        """A label glued to the name after it: `组长张三 县长` -> its match, group `role` 组长."""
        return self._glued_role.match(text) if text[:1] in self._label_starts else None

    def is_role(self, text: str) -> bool:
        """`组长`, `副召集人`: a role label and nothing else."""
        return bool(self._role_only.fullmatch(text))

    def group_name(self, name: str) -> bool:
        """`综合协调组`: a sub-group that heads a roster, though 组 alone names no kind."""
        return (any(name.endswith(s) for s in self.rules.group_suffixes)
                and not self.units.starts_with_level(name))

    def strip_verbs(self, name: str) -> str:
        """`成立领导小组` -> `领导小组`."""
        verb = None
        for verb in self._establish.finditer(name):
            pass
        return name[verb.end():] if verb else name

    def name_before(self, text: str, end: int) -> str:
        """The body name that ends at `end`, read backwards to a stop: `…，成立领导小组` -> 领导小组.
        A space between two Chinese characters is a line wrapped inside a word, not a stop."""
        start = max(0, end - 40)
        inner = [m.span() for m in _INNER_BRACKETS.finditer(text, start, end)] \
            if "(" in text or "（" in text else []
        for stop in self._stop.finditer(text, start, end):  # name_stop: one character each
            if (stop.group().isspace() and _WRAP_SPACE.fullmatch(text, stop.start() - 1, stop.end() + 1)) \
                    or (inner and any(a <= stop.start() < b for a, b in inner)):
                continue  # 专 项工作小组, 局(委)际联席会议: inside the name
            start = stop.end()
        return self.strip_verbs("".join(text[start:end].split()))

    def name_after(self, text: str) -> tuple[str, int] | None:
        """The body name a text starts with, read up to its kind word: `陵川县…协调机制。` -> (…, end)."""
        for m in self._suffix.finditer(text):
            name = text[: m.end()]
            if self._stop.search(name) or len(name) > 40:
                return None
            return name, m.end()
        return None

    def name_within(self, text: str) -> str | None:
        """The body a clause sets up when a modifier comes first (成立由副县长任组长的X工作小组):
        its first kind word, read backwards to a stop. A modifier that opens with 由 or 以 may
        run over commas to its 的 (成立由县长任组长，…为成员的县“双减”工作领导小组)."""
        clause = _CLAUSE_END.split(text, maxsplit=1)[0]
        if text[:1] in "由以" and self._suffix.search(clause) is None:
            clause = _SENTENCE_END.split(text, maxsplit=1)[0]
            if "的" not in clause:
                return None
        m = self._suffix.search(clause)
        if m is None:
            return None
        name = self.name_before(clause, m.end())
        return name if len(name) > len(m.group(0)) and not self.is_generic(name) else None

    def document_subject(self, name: str) -> str | None:
        """The body a document is about: `X联席会议制度` / `X领导小组工作规则` -> X…; else None."""
        m = self._document.search(name)
        if m is None or self.kind_of(name[: m.start()]) is None:
            return None
        return name[: m.start()]


def extract_bodies(text: Text, layout: Layout, outline: Outline, title: str | None,
                   reader: BodyReader, report: Report, trace: Trace | None = None) -> list[Body]:
    """Find every body and its people: `组　长：冯吉光 县委常委` -> Member(组长, 冯吉光, [县委常委]).

    Each line goes to the first line layout (bodies.yaml `line_layouts`) that reads it; `trace`,
    when given, records which one did, by source line."""
    cursor = Cursor(reader, report, text.lines, outline.kinds, trace if trace is not None else {})
    for i in layout.lead(text.lines):
        cursor.read_line(i)
    if title and layout.title_lines:
        cursor.read_title(title, text.lines[min(layout.title_lines)].line)
    for i in layout.main_text():
        if i - 1 in layout.signature:
            cursor.end_roster()  # the signature closes any roster above it (联系人：… below it is none)
        cursor.read_line(i)
    for part in layout.parts:
        cursor.end_roster()
        if part.title:
            cursor.open_roster_title(part.title, text.lines[part.content_start - 1].line)
        for i in range(part.content_start, part.end):
            cursor.read_line(i)
    return cursor.finish()


class LineView:
    """A line as the layouts see it: its text after any 序号 cell or section number.

    `prose`: the line holds sentence punctuation (，。；), so it is no roster entry or heading.
    `label`: the role label the line opens with (BodyReader.role_label), or None.
    Every line needs both (the layouts offered nearly every line ask for the label) and the
    layouts read them again and again: plain slots, set here, not properties or methods."""

    __slots__ = ("i", "line", "text", "number", "table", "prose", "label", "_compact")

    def __init__(self, i: int, line: Line, text: str, reader: BodyReader,
                 number: tuple[int, str, int] | None = None, table: bool = False) -> None:
        self.i = i  # index in Text.lines
        self.line = line
        self.text = text
        self.number = number  # (level, number, end) of a numbered line
        self.table = table  # a roster table's header row or a row under it
        self.prose = _PROSE.search(text) is not None
        # (BodyReader.role_label, its test written out: every line asks, and most open with
        # no label's first character)
        self.label = reader.role_label(text) if text[:1] in reader._label_starts else None
        self._compact: str | None = None

    @property
    def compact(self) -> str:
        if self._compact is None:
            self._compact = "".join(self.text.split())
        return self._compact


class Cursor:
    """What the reader knows while it walks the lines: the bodies so far, the body in focus,
    the roster being read and its current role. The line layouts read lines through it."""

    def __init__(self, reader: BodyReader, report: Report, lines: list[Line],
                 kinds: dict[int, str], trace: Trace) -> None:
        self.r = reader
        self.report = report
        self.lines = lines
        self.kinds = kinds  # section kind of each main-text line
        self.trace = trace
        self.bodies: list[_Body] = []
        self.current: _Body | None = None  # the body in focus
        self.roster: _Body | None = None  # the body whose roster is being read
        self.role: str | None = None  # the role of the label above
        self.default_role: str | None = None  # a 名单's role when no label is given
        self._mention: tuple[str, int] | None = None  # the last body named in prose (see mention)
        self._prose: list[tuple[str, int]] = []  # prose read since, not yet looked at for it
        self.office_roster: _Body | None = None  # 办公室主任： lines go to the office
        self.unit_section = False  # under a 成员单位 heading
        self.header: Header | None = None  # the header row of the table being read

    # --- lines ------------------------------------------------------------------------

    def read_line(self, i: int) -> None:
        view = self.enter(i)
        # (The state as the line starts: a layout that does not read the line leaves it as it was.)
        layouts = self.r.layouts_for[view.table, view.number is not None, view.prose,
                                     self.roster is not None, self.unit_section]
        for name, layout in layouts:
            if layout(self, view):
                self.trace[view.line.line] = name
                return

    def enter(self, i: int) -> LineView:
        """What every line does before a layout reads it: a line outside a table ends the
        table; a numbered line ends the roster and moves the focus to the body it names."""
        line = self.lines[i]
        text = line.text
        if "\t" in text:
            header = self.r.columns.header(text)
            if header is not None or (self.header is not None and self.header.has("name")):
                return LineView(i, line, self.r.columns.strip_index(text), self.r, table=True)
            text = self.r.columns.strip_index(text)
        else:
            self.header = None
        number = match_number(text, self.r.sections)
        if number is None:
            stripped = strip_article(text, self.r.sections)
            if not text[:1].isdigit() or stripped is text:
                return LineView(i, line, stripped, self.r)
            # 2.2 成员单位职责: a part of a 预案 is read as a numbered heading (level: its depth)
            part = text[: len(text) - len(stripped)].strip()
            number, text = (part.count(".") + part.count("．") + 1, part, len(part)), stripped
        else:
            text = text[number[2]:].strip()
            if self.unit_section and self.r.units.all_named(text):
                return LineView(i, line, text, self.r, number=number)  # 1.县教育局 in a list of units
            if number[0] >= 3 and self.numbered_entry(text):
                return LineView(i, line, text, self.r, number=number)  # 1.张三 县长 under 组长：
        self.end_roster()
        self.focus(text, line.line)
        self.unit_section = any(map(text.__contains__, self.r.rules.unit_headings))
        return LineView(i, line, text, self.r, number=number)

    def numbered_entry(self, text: str) -> bool:
        """`1.张三 县长` under a role label: a roster's people numbered one a line (an item of
        a low level: 二、成员单位职责 is a heading whatever it reads like)."""
        if self.roster is None or self.role is None or self.role in self.r._unit_roles:
            return False
        found = self.r.people.read_entry(text)
        return bool(found) and all(name for name, _ in found[1])

    def named_in_prose(self, text: str, line: int) -> None:
        """Prose `text` was read at `line`: the body it names last may own a roster below it."""
        self._prose.append((text, line))

    @property
    def mention(self) -> tuple[str, int] | None:
        """The last body that prose named, and its line: `成立领导小组，成员如下：` -> (领导小组, 12).

        Looked for only when asked, from the latest prose back (a roster label with no body
        above it asks; most notices never do): reading every prose line's names as it was read
        cost some 5 % of the stage."""
        while self._prose:
            text, line = self._prose.pop()
            for m in reversed(list(self.r._ref.finditer(text))):
                name = self.r.name_before(text, m.end())
                if self.r.kind_of(name) not in (None, "office"):
                    self._prose.clear()
                    self._mention = (name, line)
                    break
        return self._mention

    def end_roster(self) -> None:
        self.roster = None
        self.office_roster = None
        self.role = None
        self.default_role = None

    def next_text(self, i: int) -> str:
        return self.lines[i + 1].text if i + 1 < len(self.lines) else ""

    def found(self) -> tuple[int, int, int, int]:
        """How much has been read so far: bodies, members, member units, lead units."""
        return (len(self.bodies), sum(len(b.members) for b in self.bodies),
                sum(len(b.units) for b in self.bodies), sum(b.lead is not None for b in self.bodies))

    # --- bodies -----------------------------------------------------------------------

    def add(self, name: str, line: int, parent: _Body | None = None,
            kind: str | None = None) -> _Body | None:
        name = "".join(name.split())
        kind = self.r.kind_of(name) or kind
        if kind is None:
            return None
        if kind == "office" and parent is None:
            parent_name = name[: -len("办公室")]
            if self.r.kind_of(parent_name) is None or self.r.kind_of(parent_name) == "office":
                return None
            parent = self.add(parent_name, line)
            if parent is None:
                return None
            return self.office_of(parent, line)
        key = _key(name)
        for body in reversed(self.bodies):
            if body.kind == kind and body.parent is parent and self.r.same_body(body.key, key):
                if len(name) > len(body.name):
                    body.name = name
                return body
        body = _Body(name=name, kind=kind, line=line, parent=parent)
        self.bodies.append(body)
        return body

    def office_of(self, parent: _Body, line: int) -> _Body | None:
        if parent.kind == "office" or parent.no_office:
            return parent if parent.kind == "office" else None
        for body in self.bodies:
            if body.parent is parent and body.kind == "office":
                return body
        body = _Body(name=parent.name + "办公室", kind="office", line=line, parent=parent)
        self.bodies.append(body)
        return body

    def resolve(self, mention: str) -> _Body | None:
        """The body a mention refers to: `领导小组` -> the leading group in context."""
        kind = self.r.kind_of(mention)
        if kind is None:
            return None
        key = _key(mention)
        candidates = [b for b in self.bodies if b.kind == kind and self.r.same_body(b.key, key)]
        if not candidates:
            return None
        for preferred in (self.current, self.current.parent if self.current else None):
            if preferred in candidates:
                return preferred
        return candidates[-1]

    def body_named(self, name: str, line: int, kind: str | None = None) -> _Body | None:
        """The body a heading or title names: 成立领导小组 / 领导小组组成 -> the leading group
        already known; a name of its own -> that body, added if new. A sub-group (综合协调组,
        no kind of its own) named while a body is in focus is that body's."""
        name = self.r.strip_verbs("".join(name.split()))
        if self.r.is_generic(name):
            found = self.resolve(name)
            if found is None and self.r.kind_of(name) == "office":  # （二）领导小组办公室
                parent = self.resolve(name.removesuffix("办公室"))
                found = self.office_of(parent, line) if parent is not None else None
            return found
        parent = None
        if self.r.kind_of(name) is None and kind == "other":
            parent = self.current
            while parent is not None and parent.kind in ("other", "office") and parent.parent is not None:
                parent = parent.parent  # a sub-group's sibling, or the office: the body above them
        return self.add(name, line, parent=parent, kind=kind)

    def focus(self, heading: str, line: int) -> None:
        """A heading naming a kind of body (一、领导小组人员组成) moves the focus to that body; to
        its office when a heading (no sentence) names the office right after it
        (二、领导小组办公室组成人员), the office set up if it was not yet."""
        found: _Body | None = None
        for m in self.r._ref.finditer(heading):
            if found is not None:
                if m.start() == end and self.r.kind_of(m.group(0)) == "office" and not _PROSE.search(heading):
                    found = self.office_of(found, line) or found
                break
            found = self.resolve(heading[: m.end()][-12:]) or self.resolve(m.group(0))
            end = m.end()
        if found is not None:
            self.current = found

    def ref_before(self, text: str, pos: int, add_at: int | None = None) -> _Body | None:
        """The body named right before position `pos` (协调机制|办公室设在 …). With `add_at` (a
        line), a body named in full that is not known yet is added: X联席会议由A、B组成 names X."""
        head = text[:pos]
        for m in reversed(list(self.r._ref.finditer(head))):
            if m.end() == pos or head[m.end():pos] in ("下", ""):
                start = max(0, m.start() - 30)
                mention = _MENTION_STOP.split(head[start:m.end()])[-1]
                found = self.resolve(mention) or self.resolve(m.group(0))
                if found is None and add_at is not None:
                    name = self.r.name_before(head, m.end())
                    if not self.r.is_generic(name):
                        found = self.add(name, add_at)
                return found
        return None

    def read_title(self, title: str, line: int) -> None:
        """Bodies a title names: its issuing organ (X领导小组办公室关于…), what it sets up
        (关于成立X的通知), or what it adjusts (关于调整X成员的通知)."""
        before = len(self.bodies)
        organ = title.split("关于", 1)[0] if "关于" in title else ""
        if organ and self.r.kind_of(organ) and not self.r.is_generic(organ):
            body = self.add(organ, line)
            if body is not None:
                self.current = body.parent or body
        # 关于印发《X工作规则》的通知, or the document's own title: 某县教育督导委员会工作规则
        for document in _BOOK_TITLE.findall(title) or ([] if "关于" in title else [title]):
            subject = self.r.document_subject(document)
            if subject is not None and not self.r.is_generic(subject):
                self.current = self.add(subject, line) or self.current
        self.read_establish(title, line)
        if len(self.bodies) == before and "关于" in title:
            subject = self.r.rules.title_subject.regex.sub("", title.split("关于", 1)[1])
            found = self.r.name_after(subject)
            if found and not self.r.is_generic(found[0]):
                self.current = self.add(found[0], line) or self.current

    def read_establish(self, text: str, line: int) -> None:
        """Every body a sentence sets up: `决定成立X领导小组和X工作专班` -> two bodies; not the
        bodies of a document it cites (根据《关于成立X的通知》)."""
        cited = [m.span() for m in _BOOK_TITLE.finditer(text)] if "《" in text else []
        for m in self.r._establish.finditer(text):
            if any(a <= m.start() < b for a, b in cited):
                continue
            before = text[max(0, m.start() - 10): m.start()]
            if self.r._not_established.search(before):
                continue
            found = self.r.name_after(text[m.end():])
            if found is None:
                # 成立由副县长任组长的X小组; X委员会成立。: the name inside the clause, or before the verb
                named = self.r.name_within(text[m.end():])
                if named is None and _CLAUSE_END.match(text, m.end()):
                    named = self.r.name_before(text, m.start())
                    named = named if self.r.kind_of(named) and not self.r.is_generic(named) else None
                if named is not None:
                    self.current = self.add(named, line) or self.current
                continue
            name, end = found
            if self.r.is_generic(name):
                continue
            body = self.add(name, line)
            if body is None:
                continue
            after = text[m.end() + end:]
            if after.startswith("办公室"):
                self.office_of(body, line)
            self.current = body
            more = self.r.rules.also_established.regex.match(after)
            while more:
                found = self.r.name_after(after[more.end():])
                if found is None or self.r.is_generic(found[0]):
                    break
                self.add(found[0], line)
                after = after[more.end() + found[1]:]
                more = self.r.rules.also_established.regex.match(after)

    def open_roster_title(self, text: str, line: int) -> bool:
        """`X成员名单` / `X联络员名单` / `专班组成`: the lines below are X's roster; a lead-in
        without a name (`成员名单如下：`) opens the roster of the body in focus."""
        compact = "".join(text.split())
        m = self.r.roster_title.match(compact)
        if not m or _PROSE.search(compact):
            return False
        name = m.group("name")
        # 各成员单位联络员名单: the units are the body's in focus, their liaisons its roster
        if (not name or self.r.units.is_collective(name)) and "名单" in compact:
            body = self.current
        elif self.r.kind_of(self.r.strip_verbs(name)) is None:
            return False
        else:
            body = self.body_named(name, line)
        if body is None:
            return False
        self.current = body
        self.end_roster()
        self.roster = body
        self.default_role = roster_role(compact)
        return True

    # --- members and units ------------------------------------------------------------

    def add_entries(self, body: _Body, role: str, text: str, line: Line) -> bool:
        """The people of one roster entry (people.yaml `entry_forms`) as members of `body`."""
        note = _NOTE_AT_END.search(text) if text.endswith((")", "）")) else None
        if note and self.r.order_note.match(note.group(0)):
            text = text[:note.start()].rstrip()  # 王五、李四、张三（按姓氏笔画为序）: the order, no post
        found = self.r.people.read_entry(text)
        if not found:
            return False
        form, entries = found
        if form in REPAIRS:
            self.report.add("SJ306", line.line, text=text[:40], repair=REPAIRS[form])
        for name, posts in entries:
            also = self.r.also_office.search(posts[-1]) if posts and name else None
            if also:  # 县市场监管局局长（兼办公室主任）: the post, and the office's 主任
                posts = [*posts[:-1], posts[-1][:also.start()]]
                office = self.office_of(body, line.line)
                if office is not None:
                    office.members.append(Member(role=also.group("role"), name=name, posts=[], line=line.line))
            body.members.append(Member(role=role, name=name, posts=posts, line=line.line))
        return True

    def add_units(self, body: _Body, names: list[str], line: Line) -> None:
        seen = {u.name for u in body.units}
        offset = 0
        for name in names:
            note = self.r.lead_note.search(name)
            if note and self.r.units.is_unit(name[:note.start()]):
                name = name[:note.start()]  # 县教育局（牵头）: the lead unit, named without its note
                body.lead = body.lead or name
            if name and name not in seen:
                where = line.text.find(name[:2], offset)
                body.units.append(MemberUnit(name=name, line=line.line_at(max(where, 0))))
                seen.add(name)
                offset = max(where, offset)

    def declare(self, body: _Body, raw: str, line: int) -> None:
        """`等16个部门`: the count of member units the notice declares (checked by SJ301)."""
        try:
            body.declared = int(raw) if raw.isdigit() else cn_number(raw)
        except ValueError:   # 等十十个部门 declares no count
            return
        body.declared_line = line

    # --- result -----------------------------------------------------------------------

    def finish(self) -> list[Body]:
        out = []
        for body in self.bodies:
            if body.declared is not None and body.declared != len(body.units):
                self.report.add("SJ301", body.declared_line, body=body.name,
                                declared=body.declared, found=len(body.units))
            out.append(Body(name=body.name, kind=body.kind, members=body.members,
                            member_units=body.units, lead_unit=body.lead,
                            declared_unit_count=body.declared,
                            parent=body.parent.name if body.parent else None, line=body.line))
        self._check_spellings(out)
        return out

    def _check_spellings(self, bodies: list[Body]) -> None:
        """SJ303: one post, two names that differ in one character (冯红卫 / 冯红伟)."""
        by_post: dict[str, dict[str, int]] = {}
        for body in bodies:
            for m in body.members:
                if m.name and m.posts:
                    by_post.setdefault("、".join(m.posts), {}).setdefault(m.name, m.line)
        for post, names in sorted(by_post.items()):
            if len(names) < 2:
                continue  # one name for the post: nothing to compare (most posts)
            # Each name against the names before it, by its forms with one character left out
            # (冯红? matches 冯红卫 and 冯红伟): linear, and one report per later name at most,
            # so 3,000 people of one post are 3,000 look-ups, not 4.5 million pairs.
            before: dict[str, str] = {}
            for name, line in sorted(names.items(), key=lambda kv: kv[1]):
                forms = [name[:i] + "\0" + name[i + 1:] for i in range(len(name))]
                first = next((before[f] for f in forms if f in before), None)
                if first is not None:
                    self.report.add("SJ303", line, first=first, second=name, post=post)
                for form in forms:
                    before.setdefault(form, name)
