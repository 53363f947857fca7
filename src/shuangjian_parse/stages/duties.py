"""Stage 6: duty sections and attachments -> Duty records (units and what they must do).

Layouts read: `县教委：抓好……` (units, separator, task), an item ending with its units
`……（县教育局、县财政局）`, and clauses `教育部门负责……；宣传、网信部门负责……`.
"""
from __future__ import annotations

import re

from ..diagnostics import Report
from ..grammar import DutyRules, SectionRules, any_of, words
from ..models import Duty, Line
from .document import Layout
from .sections import Outline, match_number
from .columns import ColumnReader
from .units import UnitReader

_TRAIL_PUNCT = re.compile(r"[，,；;：:\s]+$")


class DutyReader:
    """The duties stage's compiled rules; build once per grammar."""

    def __init__(self, rules: DutyRules, sections: SectionRules, units: UnitReader,
                 columns: ColumnReader) -> None:
        self.rules = rules
        self.columns = columns
        self.sections = sections
        self.units = units
        self._lead = re.compile(rf"^(?P<units>[^：:。；;]{{2,80}}?)(?P<sep>{rules.unit_separator})")
        self._clause = re.compile(rf"^(?P<units>[^，,。；;：:]{{2,60}}?)(?P<verb>{words(rules.clause_verbs)})")
        self._split = rules.clause_split
        self._not_units = set(rules.not_duty_units)
        self._drop = any_of(rules.drop_from_units)
        self._duty_words = [k for k in sections.kinds if k.kind == "duties"][0].keywords

    def unit_list(self, text: str) -> list[str] | None:
        """The units of a duty, or None unless every item is a unit (not a body, not a note)."""
        text = self._drop.sub("", text.strip())
        text = self.rules.role_notes.regex.sub("", text)
        text = self.rules.unit_labels.regex.sub("、", text).strip("、")
        names = self.units.split(text)
        if not names or any(n in self._not_units or not self.units.is_unit(n) for n in names):
            return None
        return names


def extract_duties(lines: list[Line], layout: Layout, outline: Outline, reader: DutyReader,
                   report: Report) -> list[Duty]:
    """Read the duties: `县委编办：及时为中小学校补齐补足教师编制工作。` -> Duty([县委编办], …)."""
    duties: list[Duty] = []
    regions = [(i, outline.kinds.get(i) == "duties") for i in layout.main_text()]
    for part in layout.parts:
        in_duties = bool(part.title) and any(w in part.title for w in reader._duty_words)
        regions.extend((i, in_duties) for i in range(part.content_start, part.end))
    previous: tuple[Line, str] | None = None
    header = None
    k = 0
    while k < len(regions):
        i, in_duties = regions[k]
        line = lines[i]
        text = line.text
        if "\t" in text and in_duties:
            header = reader.columns.header(text) or header
            found = _table_row(line, header, reader)
            if found is not None:
                duties.extend(found)
                k += 1
                continue
            text = reader.columns.strip_index(text)
        elif "\t" not in text:
            header = None
        number = match_number(text, reader.sections)
        body = text[number[2]:] if number else text
        found = _trailing(line, body, reader, previous) if in_duties or number else None
        if found is None and in_duties:
            found = _leading(line, body, reader)
            heading_units = reader.unit_list(body.rstrip("。:：")) if found is None and number else None
            if heading_units:
                found = [Duty(units=heading_units, text="", line=line.line)]
            if found and not found[0].text:
                # 县教育局： (or a heading （一）区教育局) with its tasks on the lines below.
                found, k = _tasks_below(found[0], number, regions, k, lines, reader, report)
            if found is None:
                found = _clauses(line, body, reader)
            if found is None and not number:
                report.add("SJ402", line.line, text=line.text[:30])
        if found:
            duties.extend(found)
        previous = (line, body) if in_duties or number else None
        k += 1
    return duties


def _table_row(line: Line, header, reader: DutyReader) -> list[Duty] | None:
    """A row of a duties table (序号 | 单位 | 职责), or its header (no duty: [])."""
    if header is None or not (header.has("unit") and header.has("duty")):
        return None
    if reader.columns.header(line.text) is not None:
        return []
    cells = reader.columns.row(line.text, header)
    units = reader.unit_list("、".join(c for kind, c in cells if kind == "unit"))
    text = "".join(c for kind, c in cells if kind == "duty").strip()
    if not units or not text:
        return None
    return [Duty(units=units, text=text, line=line.line)]


def _tasks_below(head: Duty, number, regions, k: int, lines: list[Line], reader: DutyReader,
                 report: Report) -> tuple[list[Duty], int]:
    """Gather the lines under `units：` up to the next units or an item of the same level."""
    texts = []
    j = k + 1
    while j < len(regions) and regions[j][1]:
        text = lines[regions[j][0]].text
        sub = match_number(text, reader.sections)
        if sub and number and sub[0] <= number[0]:
            break
        lead = reader._lead.match(text[sub[2]:] if sub else text)
        if lead and reader.unit_list(lead.group("units")):
            break
        texts.append(text)
        j += 1
    if not texts:
        report.add("SJ401", head.line, text="、".join(head.units)[:30])
        return [], k
    return [Duty(units=head.units, text="".join(texts), line=head.line)], j - 1


def _trailing(line: Line, body: str, reader: DutyReader, previous: tuple[Line, str] | None):
    """`……（县教育局、县财政局）`: the units close the item; a line of units alone closes the one above."""
    m = reader.rules.trailing_units.regex.search(body)
    if not m:
        return None
    units = reader.unit_list(m.group("units"))
    if not units:
        return None
    text = _TRAIL_PUNCT.sub("", body[: m.start()]).strip()
    if len(text) >= 8 or text.endswith(("。", "；", ";")):
        return [Duty(units=units, text=text, line=line.line_at(m.start()))]
    if not text and previous is not None:
        prev_line, prev_body = previous
        return [Duty(units=units, text=prev_body.strip(), line=prev_line.line)]
    return None


def _leading(line: Line, body: str, reader: DutyReader):
    """`县教委：抓好……` / `县教育局。负责……`: units, a separator, the task; clauses after it too.

    A duty with an empty text means the task is on the lines below."""
    m = reader._lead.match(body)
    if not m:
        return None
    units = reader.unit_list(m.group("units"))
    if not units:
        return None
    text = body[m.end():].strip()
    duties = [Duty(units=units, text=text, line=line.line)]
    if not text:
        return duties
    first, _, rest = text.partition("。")
    if rest:
        more = _clauses(line, rest, reader, offset=len(body) - len(rest))
        duties.extend(more or [])
    return duties


def _clauses(line: Line, body: str, reader: DutyReader, offset: int = 0):
    """`教育部门负责……；宣传、网信部门负责……，网信部门负责……`: one duty per clause with units."""
    duties = []
    pos = 0
    for piece in _pieces(body, reader):
        start = body.find(piece, pos)
        pos = start + len(piece)
        m = reader._clause.match(reader._drop.sub("", piece))
        if not m:
            continue
        units = reader.unit_list(m.group("units"))
        if not units:
            continue
        dropped = len(piece) - len(reader._drop.sub("", piece))
        text = _TRAIL_PUNCT.sub("", piece[dropped + m.start("verb"):])
        duties.append(Duty(units=units, text=text, line=line.line_at(offset + start)))
    return duties or None


def _pieces(body: str, reader: DutyReader) -> list[str]:
    """Clauses, further cut at ， where the next part starts with units and a verb."""
    out = []
    for clause in re.split(rf"(?<={reader._split})", body):
        parts = re.split(r"(?<=[，,])", clause)
        current = ""
        for part in parts:
            m = reader._clause.match(reader._drop.sub("", part))
            if current and m and reader.unit_list(m.group("units")):
                out.append(current)
                current = part
            else:
                current += part
        if current:
            out.append(current)
    return out
