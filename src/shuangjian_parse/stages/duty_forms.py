"""Duty forms: how a line of a duties section names its units and their task.

Each form is one function, `(cursor, line) -> [Duty, …] | None`, registered under the name that
`grammars/duties.yaml` lists in `duty_forms` with its examples; the duties stage tries them in
that order and the first that returns a list (empty for a line that holds no duty of its own,
such as a table's header) has read the line. A form that also reads the lines below moves
`cursor.k` on. To add a form: write the function here, list it in duties.yaml where it must be
tried, give it two examples.
"""
from __future__ import annotations

from ..layouts import DUTY_FORMS
from ..models import Duty, Line
from .duties import DutyCursor, DutyLine, DutyReader, strip_trailing_punct
from .sections import match_number


@DUTY_FORMS.rule("table_row")
def table_row(cursor: DutyCursor, view: DutyLine) -> list[Duty] | None:
    """A row of a duties table (序号 | 单位 | 职责) under its header, or the header itself; a
    header with a unit and a task column makes a duties table in any section (a 工作要求's
    责任单位 | 工作任务 | 完成时限)."""
    header = cursor.header
    text = view.line.text
    if "\t" not in text or header is None or not (header.has("unit") and header.has("duty")):
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
    """`……（县教育局、县财政局）`, `……水平。牵头单位：县教育局；责任单位：…`: the units close the
    item; a line of units alone closes the one above."""
    if not (view.in_duties or view.number):
        return None
    r = cursor.r
    m = r.rules.trailing_units.regex.search(view.body)
    if not m:
        return None
    units = r.unit_list(m.group("units") or m.group("labelled"))
    if not units:
        return None
    text = strip_trailing_punct(view.body[: m.start()]).strip()
    if len(text) >= 8 or text.endswith(("。", "；", ";")):
        return [Duty(units=units, text=text, line=view.line.line_at(m.start()))]
    if not text and cursor.previous is not None:
        prev_line, prev_body = cursor.previous
        return [Duty(units=units, text=prev_body.strip(), line=prev_line.line)]
    return None


@DUTY_FORMS.rule("units_labelled_below")
def units_labelled_below(cursor: DutyCursor, view: DutyLine) -> list[Duty] | None:
    """A numbered item with its units labelled on the lines below it: `（三）做好经费保障。` then
    `责任单位：县财政局`, or `牵头单位：…` and `配合单位：…`: one duty, the item's text, for all."""
    if view.number is None and not view.in_duties:
        return None
    r = cursor.r
    units: list[str] = []
    j = cursor.k + 1
    while j < len(cursor.regions):
        text = cursor.lines[cursor.regions[j][0]].text.strip()
        found = r.labelled_units(text)
        if found is None:
            break
        units += [u for u in found if u not in units]
        j += 1
    if not units:
        return None
    text = strip_trailing_punct(view.body).strip()
    if not text or r.labelled_units(view.body.strip()) is not None or r.rules.body_heading.regex.match(text):
        return None  # (1.综合协调组 then 牵头单位：…: a working group's units, read by the bodies stage)
    cursor.k = j - 1
    return [Duty(units=units, text=text, line=view.line.line)]


@DUTY_FORMS.rule("labelled_duties")
def labelled_duties(cursor: DutyCursor, view: DutyLine) -> list[Duty] | None:
    """`（二）纪检监察部门职责：负责…`, `共青团的主要职责 组织…`: a label names the unit's duties,
    the task follows it (a label alone, `一、市教育局的工作职责`, is read with its items below)."""
    r = cursor.r
    m = r.rules.duty_label.regex.match(view.body) if "职责" in view.body else None
    task = view.body[m.end():].strip() if m else ""
    if not m or not task:
        return None
    units = _named_units(r, m.group("units"))
    return [Duty(units=units, text=task, line=view.line.line)] if units else None


def _named_units(r: DutyReader, text: str) -> list[str] | None:
    """The units of a list in which each is named as such (units.is_named), else None."""
    units = r.unit_list(text)
    return units if units and all(map(r.units.is_named, units)) else None


@DUTY_FORMS.rule("units_first")
def units_first(cursor: DutyCursor, view: DutyLine) -> list[Duty] | None:
    """`责任单位：县教育局。工作任务：全面压减…`, `牵头单位：A；配合单位：B。工作任务：…`: the units
    labelled first, then the task labelled after them."""
    r = cursor.r
    m = r.rules.units_first.regex.match(view.body)   # (anchored: most lines fail at their first character)
    units = r.unit_list(m.group("units")) if m else None
    task = view.body[m.end():].strip() if units else ""
    return [Duty(units=units, text=task, line=view.line.line)] if task else None


@DUTY_FORMS.rule("units_then_task")
def units_then_task(cursor: DutyCursor, view: DutyLine) -> list[Duty] | None:
    """`县教委：抓好……` / `县教育局。负责……`: units, a separator, the task; clauses after it too.
    Outside a duties section the task must start like one (负责…): `（二十一）市公安局。负责…`."""
    found = view.leading
    if not found or not found[0].text:
        return None
    if not view.in_duties and not cursor.r.rules.task_start.regex.match(found[0].text):
        return None
    return found


@DUTY_FORMS.rule("units_then_tasks_below")
def units_then_tasks_below(cursor: DutyCursor, view: DutyLine) -> list[Duty] | None:
    """Units alone with their tasks on the lines below: `县教育局：`, a heading `（一）区教育局` or
    `一、市教育局的工作职责`, a unit line before numbered items; one duty per numbered item
    below, or one for all the lines up to the next units or the next item of the same level.
    Outside a duties section the task below must start like one: `(1)市林业局。` / `负责…`."""
    r = cursor.r
    units = _heading_units(cursor, view)
    if not units:
        return None
    strong = r.rules.task_start.regex
    items: list[tuple[Line, list[str]]] = []
    j = cursor.k + 1
    while j < len(cursor.regions):
        i, in_duties = cursor.regions[j]
        line = cursor.lines[i]
        sub = match_number(line.text, r.sections)
        body = line.text[sub[2]:] if sub else line.text
        if sub and view.number and sub[0] <= view.number[0]:
            break
        lead = r._lead.match(body)
        if lead and r.unit_list(lead.group("units")):
            break
        clause = r._clause.match(body) if items and not sub else None
        if clause and r.unit_list(clause.group("units")):
            break  # 县公安局　负责…: the next units with their task, not more of this one's
        if not sub and items and len(body) <= r.units.rules.max_chars and (
                r.unit_list(body.rstrip("。:：")) or _label_units(r, body)):
            break  # the next unit alone on its line (县财政局： / 县财政局职责：), its tasks below it
        if not (in_duties and view.in_duties) and not strong.match(body):
            break
        if sub or not items:  # 主要职责：负责… under the unit: the task without its label
            items.append((line, [body if sub else r.rules.task_label.regex.sub("", line.text, count=1)]))
        else:
            items[-1][1].append(line.text)
        j += 1
    if not items:
        if view.in_duties:
            cursor.report.add("SJ401", view.line.line, text="、".join(units)[:30])
            return []
        return None
    cursor.k = j - 1
    numbered = any(match_number(line.text, r.sections) for line, _ in items)
    if not numbered:
        return [Duty(units=units, text="".join(t for _, texts in items for t in texts), line=view.line.line)]
    return [Duty(units=units, text="".join(texts), line=line.line) for line, texts in items]


def _heading_units(cursor: DutyCursor, view: DutyLine) -> list[str] | None:
    """The units of a line that names units and no task: `县教育局：`, `（一）区教育局`,
    `一、市教育局的工作职责`, or (in a duties section) `总工会` before a numbered item."""
    r = cursor.r
    found = view.leading
    if found:
        return found[0].units if not found[0].text else None
    if len(view.body) > r.units.rules.max_chars:
        return None  # a heading of units is short
    units = _label_units(r, view.body)
    if units:
        return units
    below = cursor.next_text() if view.in_duties else ""
    if view.number or (below and (match_number(below, r.sections) or r.rules.task_label.regex.match(below)
                                  or r.rules.task_start.regex.match(below))):  # 县税务局 / 负责…
        return r.units_alone(view.body.rstrip("。:："))
    return None


def _label_units(r, text: str) -> list[str] | None:
    """The units of a label alone on its line: `县教育局职责：`, `一、市教育局的工作职责`."""
    label = r.rules.duty_label.regex.match(text) if "职责" in text else None
    if label and not text[label.end():].strip():
        return _named_units(r, label.group("units"))
    return None


@DUTY_FORMS.rule("clauses")
def clauses(cursor: DutyCursor, view: DutyLine) -> list[Duty] | None:
    """`教育部门负责……；宣传、网信部门负责……`: one duty per clause that starts with units and a
    verb; outside a duties section, `县教育局负责…` in prose (a task that starts with 负责)."""
    r = cursor.r
    if not view.in_duties and r._task_word.search(view.body) is None:
        return None  # (a clause's text is part of the line: none can start with a task word)
    found = r.clauses(view.line, view.body)
    if found and not view.in_duties:
        found = [d for d in found if r.rules.task_start.regex.match(d.text)
                 and all(map(r.units.is_named, d.units))] or None
    return found


@DUTY_FORMS.rule("unit_glued_to_task")
def unit_glued_to_task(cursor: DutyCursor, view: DutyLine) -> list[Duty] | None:
    """`——县教育局在做好布局调整的基础上，…`: in a duties section, a bulleted line that starts
    with a unit glued to its task."""
    r = cursor.r
    bullet = r._bullet.match(view.body)
    if not view.in_duties or bullet is None:
        return None
    text = view.body[bullet.end():]
    unit = r.units.unit_at_start(text)
    task = text[len(unit):] if unit else ""
    if not unit or len(task) < 4 or not r.unit_list(unit) or not task[0].isalpha():
        return None  # no unit, or one that the duties stage refuses (a body, a sub-group)
    return [Duty(units=[unit], text=task, line=view.line.line)]


@DUTY_FORMS.rule("task_field")
def task_field(cursor: DutyCursor, view: DutyLine) -> list[Duty] | None:
    """`完成时限：2021年底前` in a duties section: a field of a task list that names no unit or
    task; read, no duty (it was reported as unread duty text)."""
    return [] if view.in_duties and cursor.r.rules.task_fields.regex.match(view.body) else None
