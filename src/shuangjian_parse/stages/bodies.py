"""Stage 5: Text + Layout + Outline -> the working bodies, their people and member units.

A body enters the record when the notice sets it up (决定成立X, 建立X制度), heads a roster
with it (一、X领导小组 / X成员名单), names it in the title, or sets an office up under it.
Short mentions (领导小组, 协调机制) resolve to the body they refer to.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..diagnostics import Report
from ..grammar import BodyRules, SectionRules, any_of, words
from ..prefilter import needs_any
from ..models import Body, Line, Member, MemberUnit, Text
from ..numerals import cn_number
from .document import Layout
from .columns import ColumnReader, Header
from .people import PersonReader
from .sections import Outline, match_number
from .units import UnitReader

_WS = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "“”\"'‘’「」")
_PROSE = re.compile(r"[，。；,;！？]")
_SENTENCES = re.compile(r"(?<=[。；;])")
_MENTION_STOP = re.compile(r"[，。；,;、：:（）()]")


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

    @property
    def key(self) -> str:
        return _key(self.name)


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
        self._suffix = re.compile(words([s for _, s in self._kinds]))
        self._stop = re.compile(rules.name_stop)
        self._establish = rules.establish.regex
        self._not_established = any_of(rules.not_established)
        self._generic = set(rules.generic_modifiers)
        self._office = [r.regex for r in rules.office]
        self._roles = re.compile(rf"^(?P<role>{words(rules.roles + rules.unit_roles)})(?:\s*[:：]\s*|\s+|$)")
        self._unit_roles = set(rules.unit_roles)
        self._role_only = re.compile(words(rules.roles))
        self._office_member = [r.regex for r in rules.office_member]
        self._unit_list = {r.id: r.regex for r in rules.unit_list}
        self._ref = re.compile(rf"(?:{words([s for _, s in self._kinds])})")
        self._place = rules.place_name.regex
        # The rules read_establish and _read_sentence try on each sentence of prose: most
        # sentences hold no literal any of them needs, and skip them all at once.
        sentence_rules = [rules.establish, *rules.office, *rules.office_member, *rules.unit_list,
                          rules.lead_unit]
        self._sentence_gate = needs_any([r.pattern for r in sentence_rules])

    def same_body(self, a: str, b: str) -> bool:
        """Two keys name one body: one ends the other (“双减”领导小组 ~ 某县“双减”领导小组), or
        one is only a place and the kind word (某区联席会议 ~ 某区校外培训工作联席会议)."""
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
        for kind, suffix in self._kinds:
            if name.endswith(suffix):
                return kind
        return None

    def is_generic(self, name: str) -> bool:
        """`部门联席会议`, `领导小组`: no name of its own, so no body of its own."""
        m = self._suffix.search(name)
        modifier = _key(name[: m.start()]) if m else name
        return not modifier or modifier in self._generic

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
        """The body name that ends at `end`, read backwards to a stop: `…，成立领导小组` -> 领导小组."""
        start = max(0, end - 40)
        for stop in self._stop.finditer(text, start, end):  # name_stop: one character each
            start = stop.end()
        return self.strip_verbs(text[start:end])

    def name_after(self, text: str) -> tuple[str, int] | None:
        """The body name a text starts with, read up to its kind word: `陵川县…协调机制。` -> (…, end)."""
        for m in self._suffix.finditer(text):
            name = text[: m.end()]
            if self._stop.search(name) or len(name) > 40:
                return None
            return name, m.end()
        return None


def extract_bodies(text: Text, layout: Layout, outline: Outline, title: str | None,
                   reader: BodyReader, report: Report) -> list[Body]:
    """Find every body and its people: `组　长：冯吉光 县委常委` -> Member(组长, 冯吉光, [县委常委])."""
    state = _State(reader, report, text.lines, outline.kinds)
    if title and layout.title_lines:
        state.read_title(title, text.lines[min(layout.title_lines)].line)
    for i in layout.main_text():
        state.read_line(i)
    for part in layout.parts:
        state.start_attachment()
        if part.title:
            state.roster_title(part.title, text.lines[part.content_start - 1].line)
        for i in range(part.content_start, part.end):
            state.read_line(i)
    return state.finish()


class _State:
    """What the reader knows while it walks the lines: bodies so far, the current body and role."""

    def __init__(self, reader: BodyReader, report: Report, lines: list[Line],
                 kinds: dict[int, str]) -> None:
        self.r = reader
        self.report = report
        self.lines = lines
        self.kinds = kinds  # section kind of each main-text line
        self.bodies: list[_Body] = []
        self.current: _Body | None = None
        self.roster: _Body | None = None
        self.role: str | None = None
        self.default_role: str | None = None
        self.post_only: set[tuple[str, int]] = set()
        self.mention: tuple[str, int] | None = None  # the last kind word named in prose
        self.office_roster: _Body | None = None  # 办公室主任： lines go to the office
        self.unit_section = False  # under a 成员单位 heading
        self.header: Header | None = None  # the header row of the table being read

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

    def read_title(self, title: str, line: int) -> None:
        """Bodies a title names: its issuing organ (X领导小组办公室关于…), what it sets up
        (关于成立X的通知), or what it adjusts (关于调整X成员的通知)."""
        before = len(self.bodies)
        organ = title.split("关于", 1)[0] if "关于" in title else ""
        if organ and self.r.kind_of(organ) and not self.r.is_generic(organ):
            body = self.add(organ, line)
            if body is not None:
                self.current = body.parent or body
        self.read_establish(title, line)
        if len(self.bodies) == before and "关于" in title:
            subject = self.r.rules.title_subject.regex.sub("", title.split("关于", 1)[1])
            found = self.r.name_after(subject)
            if found and not self.r.is_generic(found[0]):
                self.current = self.add(found[0], line) or self.current

    def read_establish(self, text: str, line: int) -> None:
        for m in self.r._establish.finditer(text):
            before = text[max(0, m.start() - 10): m.start()]
            if self.r._not_established.search(before):
                continue
            found = self.r.name_after(text[m.end():])
            if found is None:
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
            # 成立X领导小组和X工作专班: each body the sentence sets up.
            more = self.r.rules.also_established.regex.match(after)
            while more:
                found = self.r.name_after(after[more.end():])
                if found is None or self.r.is_generic(found[0]):
                    break
                self.add(found[0], line)
                after = after[more.end() + found[1]:]
                more = self.r.rules.also_established.regex.match(after)

    # --- lines ------------------------------------------------------------------------

    def start_attachment(self) -> None:
        self.end_roster()

    def end_roster(self) -> None:
        self.roster = None
        self.office_roster = None
        self.role = None
        self.default_role = None

    def read_line(self, i: int) -> None:
        line = self.lines[i]
        text = line.text
        if "\t" in text:
            if self._table_row(text, line):
                return
            text = self.r.columns.strip_index(text)
        else:
            self.header = None
        number = match_number(text, self.r.sections)
        if number is not None:
            self.end_roster()
            self.unit_section = False
            text = text[number[2]:].strip()
            if self._heads_roster(text, i, line):
                return
            self._focus(text)
            self.unit_section = any(w in text for w in self.r.rules.unit_headings)
        if not _PROSE.search(text) and self.roster_title(text, line.line):
            return
        if self._read_roster_line(text, line):
            return
        if number is None and self._inside_roster(text, line):
            return
        if number is None and not _PROSE.search(text) and len(text) <= 40 and self.r.kind_of("".join(text.split())):
            body = self.resolve("".join(text.split()))
            if body is not None:
                self.current = body
            return
        self.end_roster()
        if number is None and self.unit_section and self._unit_line(text, line):
            return
        found = self._found()
        self._read_prose(text, line)
        if number is None and self.kinds.get(i) == "roster" and self._found() == found:
            self.report.add("SJ304", line.line, text=text[:30])

    def _found(self) -> tuple[int, int, int]:
        """How much has been read so far: bodies, members, member units."""
        return (len(self.bodies), sum(len(b.members) for b in self.bodies),
                sum(len(b.units) for b in self.bodies))

    def _next_text(self, i: int) -> str:
        return self.lines[i + 1].text if i + 1 < len(self.lines) else ""

    def _heads_roster(self, text: str, i: int, line: Line) -> bool:
        """`一、X领导小组` / `（一）综合协调组。组长：程凯；成员单位：…` opens X's roster when a
        role label follows, on the next line or after the heading."""
        if self.r._roles.match(text):
            return False
        parts = re.split(r"[。；;]", text, maxsplit=1)
        head, rest = "".join(parts[0].split()), parts[1].strip() if len(parts) > 1 else ""
        if not head or _PROSE.search(head) or len(head) > 40:
            return False
        kind = self.r.kind_of(head) or ("other" if self.r.group_name(head) else None)
        if kind is None:
            return False
        if not (self.r._roles.match(rest) or (not rest and self.r._roles.match(self._next_text(i)))):
            return False
        body = self.body_named(head, line.line, kind)
        if body is None:
            return False
        self.current = self.roster = body
        for segment in re.split(r"[；;。]", rest):
            if segment.strip() and not self._read_roster_line(segment.strip(), line):
                break
        return True

    def body_named(self, name: str, line: int, kind: str | None = None) -> _Body | None:
        """The body a heading or title names: 成立领导小组 / 领导小组组成 -> the leading group
        already known; a name of its own -> that body, added if new."""
        name = self.r.strip_verbs("".join(name.split()))
        if self.r.is_generic(name):
            return self.resolve(name)
        return self.add(name, line, kind=kind)

    def _unit_line(self, text: str, line: Line) -> bool:
        """Under a 成员单位 heading, a bare list of units is the current body's member units."""
        if self.current is None or self.r._ref.search(text):
            return False  # 协调机制由…组成 is prose about a body, not a bare list
        units = self.r.units.split(text)
        if len(units) < 2 or not all(map(self.r.units.is_unit, units)):
            return False
        self._add_units(self.current, units, line)
        return True

    def _focus(self, heading: str) -> None:
        """A heading naming a kind of body (一、领导小组人员组成) moves the focus to that body."""
        for m in self.r._ref.finditer(heading):
            body = self.resolve(heading[: m.end()][-12:]) or self.resolve(m.group(0))
            if body is not None:
                self.current = body
                return

    def roster_title(self, text: str, line: int) -> bool:
        """`X成员名单` / `X联络员名单` / `专班组成`: the lines below are X's roster."""
        compact = "".join(text.split())
        m = self.r.rules.roster_title.regex.match(compact)
        if not m or _PROSE.search(compact):
            return False
        name = m.group("name")
        if self.r.kind_of(self.r.strip_verbs(name)) is None:
            return False
        body = self.body_named(name, line)
        if body is None:
            return False
        self.current = body
        self.end_roster()
        self.roster = body
        self.default_role = "联络员" if "联络员" in compact and "成员" not in compact else "成员"
        return True

    def _read_roster_line(self, text: str, line: Line) -> bool:
        m = self.r._roles.match(text)
        if m:
            role = m.group("role")
            rest = text[m.end():].strip()
            target = self.roster or self.current
            if target is None and self.mention is not None:
                # 成立领导小组，成员如下： names no body of its own; the roster still has one.
                target = self.current = self.add(*self.mention)
            if target is None:
                return False
            self.roster = target
            self.role = role
            self.office_roster = None
            if role.startswith("办公室") and target.kind != "office":
                # 办公室主任：李四 in the group's roster: 主任 of the group's office, and so are
                # the names below it until the next label.
                self.office_roster = self.office_of(target, line.line)
                if self.office_roster is not None:
                    self.role = role[len("办公室"):]
                    if rest:
                        self._add_entries(self.office_roster, self.role, rest, line)
                    return True
            if not rest:
                return True
            if role in self.r._unit_roles:
                self._add_units(target, self.r.units.split(rest), line)
                return True
            if self._add_entries(target, role, rest, line):
                return True
            units = self.r.units.split(rest)
            if units and sum(map(self.r.units.is_unit, units)) * 2 > len(units) \
                    and not self.r.people.is_name(_WS.split(rest)[0]):
                self._add_units(target, units, line)
                m_count = self.r.rules.declared_count.regex.search(rest)
                if m_count:
                    self._declare(target, m_count.group("n"), line.line)
                return True
            self.report.add("SJ302", line.line, text=text[:40])
            return True
        if self.roster is None:
            return False
        role = self.role or self.default_role
        if role is None or _PROSE.search(text):
            return False
        return self._add_entries(self.office_roster or self.roster, role, text, line)

    def _table_row(self, text: str, line: Line) -> bool:
        """A roster table: its header row, or a row under a header with a name column
        (序号 | 姓名 | 工作单位及职务 | 领导小组职务)."""
        header = self.r.columns.header(text)
        if header is not None:
            self.header = header
            if self.roster is None and header.has("name"):
                self.roster = self.current
            return True
        if self.header is None or not self.header.has("name"):
            return False
        name, role, posts = "", "", []
        for kind, cell in self.r.columns.row(text, self.header):
            compact = "".join(cell.split())
            if self.r.is_role(compact):
                role = compact  # a 职务 column may hold the roles (组长, 成员), not posts
            elif kind == "name" and not name:
                name = compact
            elif kind in ("post", "unit"):
                posts.append(compact)
            elif kind == "role":
                role = compact
        target = self.office_roster or self.roster or self.current
        if target is None or not self.r.people.is_name(name, loose=True):
            return False
        if len(posts) == 2 and not posts[1].startswith(posts[0]):
            posts = [posts[0] + posts[1]]  # 单位 | 职务: 县教育局 | 局长 -> 县教育局局长
        role = role or self.role or self.default_role or "成员"
        self.role = role
        target.members.append(Member(role=role, name=name, posts=self.r.people.posts("、".join(posts)),
                                     line=line.line))
        return True

    def _inside_roster(self, text: str, line: Line) -> bool:
        """A line in a roster that is no entry: a post wrapped onto its own line (…副局 / 长)
        joins the member above; anything else short and not prose is reported (SJ302) and
        the roster goes on, so that one odd line does not lose the names below it."""
        if self.roster is None or _PROSE.search(text) or len(text) > 40 or self.r._ref.search(text):
            return False
        body = self.office_roster or self.roster
        compact = "".join(text.split())
        last = body.members[-1] if body.members else None
        if last is not None and last.posts and len(compact) <= 3 \
                and self.r.people.completes_post(last.posts[-1], compact):
            posts = last.posts[:-1] + [last.posts[-1] + compact]
            body.members[-1] = last.model_copy(update={"posts": posts})
            return True
        self.report.add("SJ302", line.line, text=text[:40])
        return True

    def _add_entries(self, body: _Body, role: str, text: str, line: Line) -> bool:
        entries = self.r.people.entries(text)
        if not entries:
            return False
        for name, posts in entries:
            body.members.append(Member(role=role, name=name, posts=posts, line=line.line))
        return True

    def _add_units(self, body: _Body, names: list[str], line: Line) -> None:
        seen = {u.name for u in body.units}
        offset = 0
        for name in names:
            if name and name not in seen:
                where = line.text.find(name[:2], offset)
                body.units.append(MemberUnit(name=name, line=line.line_at(max(where, 0))))
                seen.add(name)
                offset = max(where, offset)

    def _declare(self, body: _Body, raw: str, line: int) -> None:
        try:
            body.declared = int(raw) if raw.isdigit() else cn_number(raw)
        except ValueError:   # 等十十个部门 declares no count
            return
        body.declared_line = line

    # --- prose ------------------------------------------------------------------------

    def _read_prose(self, text: str, line: Line) -> None:
        if self.r.rules.no_office.regex.search(text) and self.current is not None:
            self.current.no_office = True
        for m in self.r._ref.finditer(text):
            name = self.r.name_before(text, m.end())
            if self.r.kind_of(name) not in (None, "office"):
                self.mention = (name, line.line)
        # Sentence by sentence, so that an office is set up under the body in focus when it
        # is named, not under one the same line goes on to establish.
        gate = self.r._sentence_gate
        for sentence in _SENTENCES.split(text):
            if sentence and (gate is None or gate.search(sentence)):
                self.read_establish(sentence, line.line)
                self._read_sentence(sentence, line)

    def _ref_before(self, text: str, pos: int) -> _Body | None:
        """The body named right before position `pos` (协调机制|办公室设在 …)."""
        head = text[:pos]
        for m in reversed(list(self.r._ref.finditer(head))):
            if m.end() == pos or head[m.end():pos] in ("下", ""):
                start = max(0, m.start() - 30)
                mention = _MENTION_STOP.split(head[start:m.end()])[-1]
                return self.resolve(mention) or self.resolve(m.group(0))
        return None

    def _read_sentence(self, text: str, line: Line) -> None:
        # A rule tried here must be in BodyReader's sentence_rules (the sentence gate).
        self._read_unit_lists(text, line)
        office: _Body | None = None
        for pattern in self.r._office:
            for m in pattern.finditer(text):
                owner = self._ref_before(text, m.start()) or self.current
                if owner is not None and owner.kind == "office":
                    office = owner
                elif owner is not None:
                    office = self.office_of(owner, line.line) or office
        for pattern in self.r._office_member:
            for m in pattern.finditer(text):
                role = m.group("role")
                names_office = "ref" in m.groupdict() and m.group("ref") or text[: m.start("role")].endswith("办公室")
                if names_office:
                    body = office or (self.office_of(self.current, line.line) if self.current else None)
                else:
                    body = self._ref_before(text, m.start("role")) or office or self.current
                if body is None:
                    continue
                for name, posts in self.r.people.people(m.group("who")):
                    if name is None and not posts:
                        continue
                    if name is None and (body.name, line.line) not in self.post_only:
                        self.post_only.add((body.name, line.line))
                        self.report.add("SJ305", line.line, body=body.name)
                    body.members.append(Member(role=role, name=name, posts=posts,
                                               line=line.line_at(m.start())))

    def _read_unit_lists(self, text: str, line: Line) -> None:
        for pid, pattern in self.r._unit_list.items():
            for m in pattern.finditer(text):
                if pid == "as_members_of":
                    name = "".join(m.group("name").split())
                    body = self.add(name, line.line) if self.r.kind_of(name) else None
                    if body is not None:
                        self.current = body
                    units = self.r.units.split(m.group("units"))
                    # 以县长为组长，…县教育局等部门主要负责人为成员: keep the units; bare sector
                    # names (以市场监管、教育等部门为成员单位) when no item is a unit.
                    real = [u for u in units if self.r.units.is_unit(u)]
                    units = real or units
                else:
                    body = self._ref_before(text, m.start()) or self.current
                    units = self.r.units.split(m.group("units"))
                    if not units or sum(map(self.r.units.is_unit, units)) * 2 <= len(units):
                        continue
                if body is None:
                    continue
                self._add_units(body, units, line)
                count = self.r.rules.declared_count.regex.search(m.group(0))
                if count:
                    self._declare(body, count.group("n"), line.line)
        lead = self.r.rules.lead_unit.regex.search(text)
        if lead and self.current is not None:
            unit = re.split(r"[，,。；]", lead.group("unit"))[-1].strip()
            if self.r.units.is_unit(unit):
                body = self._ref_before(text, lead.start()) or self.current
                body.lead = unit

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
            items = sorted(names.items(), key=lambda kv: kv[1])
            for a in range(len(items)):
                for b in range(a + 1, len(items)):
                    (n1, _), (n2, l2) = items[a], items[b]
                    if len(n1) == len(n2) and sum(x != y for x, y in zip(n1, n2)) == 1:
                        self.report.add("SJ303", l2, first=n1, second=n2, post=post)
