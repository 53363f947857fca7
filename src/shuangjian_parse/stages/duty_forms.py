"""Duty forms: how a line of a duties section names its units and their task.

Each form is one function, `(cursor, line) -> [Duty, …] | None`, registered under the name that
`grammars/duties.yaml` lists in `duty_forms` with its examples; the duties stage tries them in
that order and the first that returns a list (empty for a line that holds no duty of its own,
such as a table's header) has read the line. A form that also reads the lines below moves
`cursor.k` on. To add a form: write the function here, list it in duties.yaml where it must be
tried, give it two examples.
"""
from __future__ import annotations

import re

from ..layouts import DUTY_FORMS
from ..models import Duty, Line
from .duties import DutyCursor, DutyLine, DutyReader
from .sections import match_number

_TRAIL_PUNCT = re.compile(r"[，,；;：:\s]+$")


@DUTY_FORMS.rule("table_row")
def table_row(cursor: DutyCursor, view: DutyLine) -> list[Duty] | None:
    """A row of a duties table (序号 | 单位 | 职责) under its header, or the header itself."""
    header = cursor.header
    text = view.line.text
    if not view.in_duties or "\t" not in text or header is None \
            or not (header.has("unit") and header.has("duty")):
        return None
    r = cursor.r
    if r.columns.header(text) is not None:
        return []
    cells = r.columns.row(text, header)
    units = r.unit_list("、".join(c for kind, c in cells if kind == "unit"))
    task = "".join(c for kind, c in cells if kind == "duty").strip()
    if not units or not task:
        return None
    return [Duty(units=units, text=task, line=view.line.line)]


@DUTY_FORMS.rule("trailing_units")
def trailing_units(cursor: DutyCursor, view: DutyLine) -> list[Duty] | None:
    """`……（县教育局、县财政局）`: the units close the item; a line of units alone closes the one above."""
    if not (view.in_duties or view.number):
        return None
    r = cursor.r
    m = r.rules.trailing_units.regex.search(view.body)
    if not m:
        return None
    units = r.unit_list(m.group("units"))
    if not units:
        return None
    text = _TRAIL_PUNCT.sub("", view.body[: m.start()]).strip()
    if len(text) >= 8 or text.endswith(("。", "；", ";")):
        return [Duty(units=units, text=text, line=view.line.line_at(m.start()))]
    if not text and cursor.previous is not None:
        prev_line, prev_body = cursor.previous
        return [Duty(units=units, text=prev_body.strip(), line=prev_line.line)]
    return None


@DUTY_FORMS.rule("units_then_task")
def units_then_task(cursor: DutyCursor, view: DutyLine) -> list[Duty] | None:
    """`县教委：抓好……` / `县教育局。负责……`: units, a separator, the task; clauses after it too."""
    if not view.in_duties:
        return None
    found = _leading(cursor.r, view.line, view.body)
    if not found or not found[0].text:
        return None
    return found


@DUTY_FORMS.rule("units_then_tasks_below")
def units_then_tasks_below(cursor: DutyCursor, view: DutyLine) -> list[Duty] | None:
    """`县教育局：` (or a heading `（一）区教育局`) with its tasks on the lines below, up to the
    next units or the next item of the same level."""
    if not view.in_duties:
        return None
    r = cursor.r
    found = _leading(r, view.line, view.body)
    if found is None and view.number:
        units = r.unit_list(view.body.rstrip("。:："))
        found = [Duty(units=units, text="", line=view.line.line)] if units else None
    if not found:
        return None
    head = found[0]
    texts = []
    j = cursor.k + 1
    while j < len(cursor.regions) and cursor.regions[j][1]:
        text = cursor.lines[cursor.regions[j][0]].text
        sub = match_number(text, r.sections)
        if sub and view.number and sub[0] <= view.number[0]:
            break
        lead = r._lead.match(text[sub[2]:] if sub else text)
        if lead and r.unit_list(lead.group("units")):
            break
        texts.append(text)
        j += 1
    if not texts:
        cursor.report.add("SJ401", head.line, text="、".join(head.units)[:30])
        return []
    cursor.k = j - 1
    return [Duty(units=head.units, text="".join(texts), line=head.line)]


@DUTY_FORMS.rule("clauses")
def clauses(cursor: DutyCursor, view: DutyLine) -> list[Duty] | None:
    """`教育部门负责……；宣传、网信部门负责……`: one duty per clause that starts with units and a verb."""
    if not view.in_duties:
        return None
    return _clauses(cursor.r, view.line, view.body)


def _leading(r: DutyReader, line: Line, body: str) -> list[Duty] | None:
    """Units, a separator and the task; an empty text means the task is on the lines below."""
    m = r._lead.match(body)
    if not m:
        return None
    units = r.unit_list(m.group("units"))
    if not units:
        return None
    text = body[m.end():].strip()
    duties = [Duty(units=units, text=text, line=line.line)]
    if not text:
        return duties
    first, _, rest = text.partition("。")
    if rest:
        more = _clauses(r, line, rest, offset=len(body) - len(rest))
        duties.extend(more or [])
    return duties


def _clauses(r: DutyReader, line: Line, body: str, offset: int = 0) -> list[Duty] | None:
    duties = []
    pos = 0
    for piece in _pieces(body, r):
        start = body.find(piece, pos)
        pos = start + len(piece)
        m = r._clause.match(r._drop.sub("", piece))
        if not m:
            continue
        units = r.unit_list(m.group("units"))
        if not units:
            continue
        dropped = len(piece) - len(r._drop.sub("", piece))
        text = _TRAIL_PUNCT.sub("", piece[dropped + m.start("verb"):])
        duties.append(Duty(units=units, text=text, line=line.line_at(offset + start)))
    return duties or None


def _pieces(body: str, r: DutyReader) -> list[str]:
    """Clauses, further cut at ， where the next part starts with units and a verb."""
    out = []
    for clause in re.split(rf"(?<={r._split})", body):
        parts = re.split(r"(?<=[，,])", clause)
        current = ""
        for part in parts:
            m = r._clause.match(r._drop.sub("", part))
            if current and m and r.unit_list(m.group("units")):
                out.append(current)
                current = part
            else:
                current += part
        if current:
            out.append(current)
    return out
