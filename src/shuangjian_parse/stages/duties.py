"""Stage 6: duty sections and attachments -> Duty records (units and what they must do).

The lines of the duties sections (and of attachments titled 职责) go, one by one, to the duty
forms of `grammars/duties.yaml` (`duty_forms`, in stages/duty_forms.py) in their order; the
first form that reads a line gives its duties. A line of a duties section that no form reads
is reported: as a warning when it names units as duties do (SJ403), else as info (SJ402).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..diagnostics import Report
from ..grammar import DutyRules, SectionRules, any_of, gated, required, words
from ..layouts import DUTY_FORMS, Trace
from ..models import Duty, Line
from .columns import ColumnReader, Header
from .document import Layout
from .sections import Outline, match_number, strip_article
from .units import UnitReader, split_outside_brackets

_TRAIL_PUNCT = "，,；;：:"
_COMMA = re.compile(r"[，,]")
_INTRO = re.compile(r"(?P<intro>[^，,。；;：:]{2,20})[：:]")  # 成员单位职责：… before the tasks
# Where a glued duty may start: after a sentence or a clause, and any item number there
# (…减负提质。县财政局：负责…, 负责统筹协调；2.县财政局：负责…).
# 县委宣传部：1.负责舆论引导；2.负责宣传报道。: the unit's numbered tasks on its own line.
_INLINE_ITEM = re.compile(r"(?:(?:^|(?<=[；;。]))\s*(?:\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[)）])|[①-⑳])\s*")
_SENTENCE_END = re.compile(r"[。；;](?:\d{1,2}[.．、]|[（(][一二三四五六七八九十\d]{1,3}[)）])?")
_LEAD_REACH = 200  # units and their separator at the start of a sentence lie within this


def strip_trailing_punct(text: str) -> str:
    """`县教育局负责， ` -> `县教育局负责`: the commas, semicolons, colons and white space a text ends with."""
    end = len(text)
    while end and (text[end - 1] in _TRAIL_PUNCT or text[end - 1].isspace()):
        end -= 1
    return text[:end]


def _inline_items(text: str) -> list[str] | None:
    """`1.负责舆论引导；2.负责宣传报道。` -> its two tasks, numbers stripped; None unless the
    text opens with item 1 and holds another."""
    if not text[:1].isdigit() and text[:1] not in "（(①":
        return None
    marks = list(_INLINE_ITEM.finditer(text))
    if len(marks) < 2 or marks[0].start() != 0:
        return None
    ends = [m.start() for m in marks[1:]] + [len(text)]
    return [text[m.end():end].strip() for m, end in zip(marks, ends) if text[m.end():end].strip()]


def _after_commas(text: str) -> list[str]:
    """`a，b，c` -> [`a，`, `b，`, `c`]: the text cut after each comma (a split on `(?<=[，,])`
    tries the look-behind at every character)."""
    cuts = [0, *(m.end() for m in _COMMA.finditer(text)), len(text)]
    return [text[start:end] for start, end in zip(cuts, cuts[1:])]


class DutyReader:
    """The duties stage's compiled rules; build once per grammar."""

    def __init__(self, rules: DutyRules, sections: SectionRules, units: UnitReader,
                 columns: ColumnReader) -> None:
        self.rules = rules
        self.columns = columns
        self.sections = sections
        self.units = units
        # Both read ahead at every length of the units: gated on the separator or verb they need.
        self._lead = gated(rf"^(?P<units>[^：:。；;]{{2,80}}?)(?P<sep>{rules.unit_separator})")
        self._clause = gated(rf"^(?P<units>[^，,。；;：:]{{2,60}}?)(?:{rules.clause_qualifier.pattern})?"
                             rf"(?P<verb>{words(rules.clause_verbs)})")
        self._clause_end = re.compile(rf"(?<={rules.clause_split})")
        self._task_after = rules.task_after_units.regex
        self._not_units = set(rules.not_duty_units)
        self._not_unit_pattern = any_of(rules.not_duty_unit_patterns)
        self._drop = any_of(rules.drop_from_units)
        self._bullet = re.compile(rules.bullet)
        self._task_start = rules.task_start.regex
        # …and anywhere in a line (not gated: the words are the pattern's own alternatives, which
        # the engine skips to itself; a gate would look for them once more, in Python)
        self._task_word = re.compile(rules.task_start.pattern.lstrip("^"))
        # A clause's verb (clause_verbs): a clause without one holds no units-and-verb part.
        self._verb = re.compile(words(rules.clause_verbs))
        # The rules unit_list applies to every candidate (~7 a notice), read once here.
        self._role_notes = rules.role_notes.regex
        self._role_words = rules.role_words.regex
        self._unit_labels = rules.unit_labels.regex
        # …and the literals one of which each of the three needs (grammar.required): a text with
        # none of them (most: 县教育局) is left as it is by all three, told by one search.
        needs = [required(rule.pattern) for rule in (rules.role_notes, rules.role_words, rules.unit_labels)]
        self._notes_or_labels = re.compile(words(sorted(set().union(*needs)))) if all(needs) else None
        self._duty_words = [k for k in sections.kinds if k.kind == "duties"][0].keywords
        self.forms = DUTY_FORMS.ordered([form.name for form in rules.duty_forms])

    def leading(self, line: Line, body: str, offset: int = 0) -> list[Duty] | None:
        """Units, a separator and the task (`县教委：抓好……`), and the clauses after its first
        sentence; an empty text means the task is on the lines below. A sentence that starts
        with units and the separator again (`…减负提质。县财政局：负责…`, two paragraphs whose
        break was lost) is a duty of its own."""
        m = self._lead.match(body)
        if not m:
            return None
        units = self.units_alone(m.group("units"))
        if not units:
            # 职责分工如下：县教育局：负责…；县公安局：…: an introduction, then units and their tasks
            start = self._intro_end(body) if offset == 0 else 0
            found = self.leading(line, body[start:], start) if start else None
            return found if found and found[0].text else None
        text = body[m.end():].strip()
        start = len(body) - len(text)
        glued: list[Duty] = []
        for end in _SENTENCE_END.finditer(text):
            if not self._lead.match(text[end.end():end.end() + _LEAD_REACH]):
                continue  # (a bounded look first: no copy of the rest of a long line per sentence)
            glued = self.leading(line, text[end.end():], offset + start + end.end()) or []
            if glued and glued[0].text:
                text = text[:end.start() + 1].rstrip("；;")  # to its 。, the next item's number left out
                break
            glued = []
        items = _inline_items(text)
        if items:
            return [Duty(units=units, text=item, line=line.line_at(offset)) for item in items] + glued
        duties = [Duty(units=units, text=text, line=line.line_at(offset))]
        if not text:
            return duties
        first, _, rest = text.partition("。")
        if rest:
            duties.extend(self.clauses(line, rest, offset=offset + start + len(text) - len(rest)) or [])
        return duties + glued

    def _shared_task(self, line: Line, body: str, offset: int) -> list[Duty] | None:
        """`由A牵头，B、C配合，负责…`, `A是…的牵头部门，负责…`: one task for all the units named
        before its verb, to its sentence's end; the clauses after it are read as usual."""
        verb = self._task_after.search(body)
        head = body[:verb.start()] if verb else ""
        if not head or any(mark in head for mark in "。；;：:"):
            return None  # the units are in the verb's sentence, before it
        units = self.unit_list(self.rules.lead_department.regex.sub("", head.removeprefix("由")))
        if not units:
            return None
        text = body[verb.start("verb"):]
        end = _SENTENCE_END.search(text)
        first = text[:end.start() + 1] if end else text
        rest = self.clauses(line, text[len(first):], offset + verb.start("verb") + len(first)) \
            if len(first) < len(text) else None
        return [Duty(units=units, text=strip_trailing_punct(first), line=line.line_at(offset)), *(rest or [])]

    def clauses(self, line: Line, body: str, offset: int = 0) -> list[Duty] | None:
        """One duty per clause that starts with units and a verb: `教育部门负责……；网信部门负责……`,
        also after an introduction that ends with a colon (成员单位职责：县教育局负责…；…)."""
        start = self._intro_end(body)
        if start:
            return self.clauses(line, body[start:], offset + start)
        shared = self._shared_task(line, body, offset)
        if shared:
            return shared
        duties = []
        pos = 0
        for piece in self._pieces(body):
            start = body.find(piece, pos)
            pos = start + len(piece)
            subject = self._drop.sub("", piece)
            if start == 0 and subject.startswith("由"):
                subject = subject[1:]  # （一）由县市场监管局负责…: an item that opens with who does it
            m = self._clause.match(subject)
            if not m:
                continue
            units = self.unit_list(m.group("units"))
            if not units:
                continue
            dropped = len(piece) - len(subject)
            text = strip_trailing_punct(piece[dropped + m.start("verb"):])
            if sum("\u4e00" <= char <= "\u9fff" for char in text) < len(m.group("verb")) + 2:
                continue  # a verb with no task after it: (县财政局负责，县发改局配合) names roles
            duties.append(Duty(units=units, text=text, line=line.line_at(offset + start)))
        return duties or None

    def _intro_end(self, body: str) -> int:
        """Where the text after an introduction that ends with a colon and names no unit starts
        (各成员单位职责分工如下：…, 成员单位职责：…); 0 when the text opens with none."""
        intro = _INTRO.match(body) if "：" in body or ":" in body else None
        return intro.end() if intro and not self.unit_list(intro.group("intro")) else 0

    def _pieces(self, body: str) -> list[str]:
        """Clauses, further cut at ， where the next part starts with units and a verb."""
        out = []
        for clause in self._clause_end.split(body):
            if not self._verb.search(clause):  # no part of it can start with units and a verb
                if clause:
                    out.append(clause)
                continue
            parts = _after_commas(clause)
            current = ""
            for part in parts:
                if current:   # the first part opens the clause whatever it holds
                    m = self._clause.match(self._drop.sub("", part))
                    if m and self.unit_list(m.group("units")):
                        out.append(current)
                        current = part
                        continue
                current += part
            if current:
                out.append(current)
        return out

    def may_hold_duty(self, view: DutyLine, next_text: str) -> bool:
        """Outside a duties section only these lines can hold a duty: one with a task word (负责,
        承担) or a duty label (共青团的主要职责), one above a task (`(1)市林业局。` / `负责…`), and
        a numbered item that ends with its units in brackets or has them labelled below it
        (duties.yaml task_start, duty_label, trailing_units, unit_labels)."""
        return self._task_word.search(view.body) is not None or self._task_start.match(next_text) is not None \
            or (view.number is not None and self._unit_labels.match(next_text.strip()) is not None) \
            or ("职责" in view.body and self.rules.duty_label.regex.match(view.body) is not None) \
            or (view.number is not None and self.rules.trailing_units.regex.search(view.body) is not None)

    def cannot_hold_duty(self, text: str, next_text: str) -> bool:
        """may_hold_duty's "no" for a line without a tab outside a duties section, told from its
        whole text, so that the line need not be viewed (most lines of a notice are prose this
        rejects): each rule looks in the body, a suffix of the text (the text after any
        number), and where a rule finds nothing in the whole text it finds nothing in the body."""
        if "职责" in text or self._task_word.search(text) is not None or self._task_start.match(next_text) is not None:
            return False
        number = match_number(text, self.sections)
        return number is None or (self._unit_labels.match(next_text.strip()) is None
                                  and self.rules.trailing_units.regex.search(text) is None)

    def labelled_units(self, text: str) -> list[str] | None:
        """The units of a line that is only labelled units (`责任单位：县财政局、县发改局`,
        `牵头单位：县委宣传部`), else None."""
        label = self._unit_labels.match(text)
        return self.unit_list(text) if label and len(text) <= self.units.rules.max_chars * 4 else None

    def looks_like_duty(self, body: str) -> bool:
        """A line no duty form read that names a unit at its start, or a unit and a verb, as
        duties do: it is reported as a warning (SJ403), not as a closing sentence (SJ402)."""
        text = self._bullet.sub("", body)
        unit = self.units.unit_at_start(text)
        if unit and self.unit_list(unit):
            return True
        clause = self._clause.search(text)
        units = self.unit_list(clause.group("units")) if clause else None
        return bool(units and any(map(self.units.is_named, units)))

    def units_alone(self, text: str) -> list[str] | None:
        """unit_list of a text that must hold units and nothing else: a part between commas
        that holds no unit (县教育局牵头，会同县财政局做好…) makes it a task, not a list."""
        names = self.unit_list(text)  # (first: most texts fail it, at their first name)
        if names and ("，" in text or "," in text) and not all(map(self.units.split, split_outside_brackets(text, "，,"))):
            return None
        return names

    def unit_list(self, text: str) -> list[str] | None:
        """The units of a duty, or None unless every item is a unit (not a body, not a note)."""
        text = self._drop.sub("", text.strip().lstrip("【["))
        if self._notes_or_labels is None or self._notes_or_labels.search(text):
            text = self._role_words.sub("", self._role_notes.sub("", text))
            text = self._unit_labels.sub("、", text)
        text = text.strip("、")
        names = self.units.split(text)
        if not names:
            return None
        is_unit = self.units.is_unit
        for name in names:  # (a loop, not any() over a generator: most lists fail at their first name)
            if name in self._not_units or not is_unit(name) or self._not_unit_pattern.search(name):
                return None
        return names


@dataclass
class DutyLine:
    """A line as the duty forms see it: `body` is its text after any section number."""

    line: Line
    body: str
    number: tuple[int, str, int] | None
    in_duties: bool  # inside a duties section or a duties attachment
    reader: DutyReader
    _leading: tuple[list[Duty] | None] | None = None

    @property
    def leading(self) -> list[Duty] | None:
        """Units, a separator and the task (`县教委：抓好……`), asked for by several forms."""
        if self._leading is None:
            self._leading = (self.reader.leading(self.line, self.body),)
        return self._leading[0]


class DutyCursor:
    """The lines to read (index, in a duties section?), where the reader is, and what it saw
    last: the line above (an item its units close) and the header of the table being read."""

    def __init__(self, lines: list[Line], regions: list[tuple[int, bool]], reader: DutyReader,
                 report: Report) -> None:
        self.lines = lines
        self.regions = regions
        self.r = reader
        self.report = report
        self.k = 0  # position in regions; a form that reads lines below moves it on
        self.previous: tuple[Line, str] | None = None
        self.header: Header | None = None

    def next_text(self) -> str:
        k = self.k + 1
        return self.lines[self.regions[k][0]].text if k < len(self.regions) else ""

    def view(self) -> DutyLine:
        i, in_duties = self.regions[self.k]
        line = self.lines[i]
        text = line.text
        if "\t" in text:
            self.header = self.r.columns.header(text) or self.header
            text = self.r.columns.strip_index(text)
        else:
            self.header = None
        number = match_number(text, self.r.sections)
        body = text[number[2]:] if number else strip_article(text, self.r.sections)
        return DutyLine(line, body, number, in_duties, self.r)


def extract_duties(lines: list[Line], layout: Layout, outline: Outline, reader: DutyReader,
                   report: Report, trace: Trace | None = None) -> list[Duty]:
    """Read the duties: `县委编办：及时为中小学校补齐补足教师编制工作。` -> Duty([县委编办], …)."""
    regions = [(i, outline.kinds.get(i) == "duties") for i in layout.main_text()]
    for part in layout.parts:
        in_duties = bool(part.title) and any(w in part.title for w in reader._duty_words)
        regions.extend((i, in_duties) for i in range(part.content_start, part.end))
    trace = trace if trace is not None else {}
    cursor = DutyCursor(lines, regions, reader, report)
    duties: list[Duty] = []
    count = len(regions)
    while cursor.k < count:
        k = cursor.k
        i, in_duties = regions[k]
        text = lines[i].text
        if not in_duties and "\t" not in text and reader.cannot_hold_duty(
                text, lines[regions[k + 1][0]].text if k + 1 < count else ""):  # (cursor.next_text())
            cursor.header = cursor.previous = None  # what view() and the check below would leave
            cursor.k = k + 1
            continue
        view = cursor.view()
        in_table = cursor.header is not None and "\t" in view.line.text  # a table's header says what it holds
        if not view.in_duties and not in_table and not reader.may_hold_duty(view, cursor.next_text()):
            cursor.previous = None
            cursor.k += 1
            continue
        for name, form in reader.forms:
            found = form(cursor, view)
            if found is not None:
                duties.extend(found)
                trace[view.line.line] = name
                break
        else:
            if view.in_duties and reader.looks_like_duty(view.body):
                report.add("SJ403", view.line.line, text=view.line.text[:30])
            elif view.in_duties and view.number is None:
                report.add("SJ402", view.line.line, text=view.line.text[:30])
        cursor.previous = (view.line, view.body) if view.in_duties or view.number else None
        cursor.k += 1
    _cut_task(lines, layout, regions, duties, reader, trace, report)
    return duties


def _cut_task(lines: list[Line], layout: Layout, regions: list[tuple[int, bool]], duties: list[Duty],
              reader: DutyReader, trace: Trace, report: Report) -> None:
    """A page with no title that starts inside a list of duties (a law site's page 2): its first
    line, the end of a task whose unit is on the page before (a sentence, no heading), is read
    by no form; reported (SJ403) when a duty is read on the lines right below it."""
    if layout.title_lines or not regions or not duties:
        return
    first = lines[regions[0][0]]
    text = first.text
    below = {lines[i].line for i, _ in regions[1:3]}
    if (first.line not in trace and duties[0].line in below and text.endswith(("。", "；", ";"))
            and ("，" in text or "," in text) and match_number(text, reader.sections) is None
            and strip_article(text, reader.sections) is text):
        report.add("SJ403", first.line, text=text[:30])
