"""Line layouts of the bodies stage: which reader a line of the notice goes to.

Each layout is one function, `(cursor, line) -> bool`, registered under the name that
`grammars/bodies.yaml` lists in `line_layouts` with its examples. The cursor (bodies.Cursor)
tries them in that order on every line; the first that returns True has read the line. A rule
may say which lines it reads (`numbered=True`, `prose=False`, `table=True`, the first test its
function makes): a line of another kind is not offered to it; and in which state of the cursor
(`roster=True`: a roster is open; `units=True`: under a 成员单位 heading or label), as the line
starts: a layout that returns False must leave the cursor's roster and unit section as they
were. To add a layout: write the function here, list it in bodies.yaml where it must be tried,
give it two examples; tests/test_layout_rules.py runs them.
"""
from __future__ import annotations

import re

from ..layouts import LINE_LAYOUTS
from ..models import Line, Member
from .bodies import _PROSE, _SENTENCES, Cursor, LineView, _Body, roster_role

_WS = re.compile(r"\s+")
_HEAD_SPLIT = re.compile(r"[。；;]")
_NOTE = re.compile(r"[（(][^（()）]*[)）]")
_PARTS = re.compile(r"[，。；、,;]")
_ODD_LINE = 60  # a line in a roster this short that gives nothing is an odd line, not the roster's end
# A role label that lost its first character: `长:孙海方(…)`.
_DAMAGED_LABEL = re.compile(r"^(?P<fragment>[\u4e00-\u9fff]{1,2})\s*[:：]\s*(?P<rest>\S.*)$")
# Where a roster that lost its line breaks ends: a full stop, or the next numbered item.
_FULL_STOP = re.compile(r"[。；;]")
_SETS_UP = re.compile(r"(?:办公室)?(?:设在|下设|设立)")  # after a body's name: a sentence
_DUTIES_TITLE = re.compile(r"(?:职责|职能|分工|任务)[:：]?$")


@LINE_LAYOUTS.rule("table_row", table=True)
def table_row(cursor: Cursor, view: LineView) -> bool:
    """A roster table: its header row, or a row under a header with a name column
    (序号 | 姓名 | 工作单位及职务 | 领导小组职务)."""
    if not view.table:
        return False
    r = cursor.r
    text = view.line.text
    header = r.columns.header(text)
    if header is not None:
        cursor.header = header
        if cursor.roster is None and header.has("name"):
            cursor.roster = cursor.current
        return True
    if cursor.header is None or not cursor.header.has("name"):
        return False
    # a 职务 or 备注 column may hold the roles (组长, 成员), not posts
    role = next((c for c in map("".join, map(str.split, text.split("\t"))) if r.is_role(c)), "")
    name, posts = "", []
    for kind, cell in r.columns.row(text, cursor.header):
        compact = "".join(cell.split())
        if r.is_role(compact):
            continue
        if kind == "name" and not name:
            name = compact
        elif kind in ("post", "unit"):
            posts.append(compact)
        elif kind == "role":
            role = compact
    target = cursor.office_roster or cursor.roster or cursor.current
    if target is None or not r.people.is_name(name, loose=True):
        return False
    if len(posts) == 2 and not posts[1].startswith(posts[0]):
        posts = [posts[0] + posts[1]]  # 单位 | 职务: 县教育局 | 局长 -> 县教育局局长
    role = role or cursor.role or cursor.default_role or "成员"
    cursor.role = role
    target.members.append(Member(role=role, name=name, posts=r.people.posts("、".join(posts)),
                                 line=view.line.line))
    return True


@LINE_LAYOUTS.rule("body_heading", numbered=True)
def body_heading(cursor: Cursor, view: LineView) -> bool:
    """`一、X领导小组` / `（一）综合协调组。组长：程凯；成员单位：…` opens X's roster when a
    role label follows, on the next line or after the heading; `（一）宣传教育组。负责…` sets up a
    sub-group with its tasks, `（一）综合协调组。由县教育局牵头，…参加。` with its units."""
    if view.number is None:
        return False
    r = cursor.r
    text = view.text
    if view.label:
        return False
    parts = _HEAD_SPLIT.split(text, maxsplit=1)
    head, rest = "".join(parts[0].split()), parts[1].strip() if len(parts) > 1 else ""
    if not head or _PROSE.search(head) or len(head) > 40:
        return False
    kind = r.kind_of(head) or ("other" if r.group_name(head) else None)
    if kind is None:
        return False
    follows = _after_group(r, head, rest)
    if not (follows or r.role_label(rest) or (not rest and r.role_label(cursor.next_text(view.i)))):
        return False
    body = cursor.body_named(head, view.line.line, kind)
    if body is None:
        return False
    if follows:
        _enter_group(cursor, body, follows, rest, view)
        return True
    cursor.current = cursor.roster = body
    for segment in _labelled_segments(r, rest):
        if segment and not _read_labelled(cursor, segment, view.line):
            break
    return True


@LINE_LAYOUTS.rule("group_label", numbered=False)
def group_label(cursor: Cursor, view: LineView) -> bool:
    """`综合协调组：由县教育局牵头，县委办、县政府办参加。`, `宣传引导组：负责舆论引导。`: a working
    group set up by its name before a colon, with its units or its tasks after it (a heading
    that lost its number)."""
    text = view.text
    colon = max(text.find("：", 3, 21), text.find(":", 3, 21))  # (the first tests the cheapest:
    if colon < 0 or not cursor.bodies:                           # most lines reach this layout)
        return False
    r = cursor.r
    head, rest = "".join(text[:colon].split()), text[colon + 1:].strip()
    follows = _after_group(r, head, rest)
    if follows is None or r.kind_of(head) not in (None, "other"):
        return False
    body = cursor.body_named(head, view.line.line, "other")
    if body is None:
        return False
    _enter_group(cursor, body, follows, rest, view)
    return True


def _after_group(r, head: str, rest: str) -> str | None:
    """What follows a working group's name `head`: "tasks" (负责…), "units" (由县教育局牵头，县委办、
    县政府办参加。), or None (`head` names no group, or something else follows)."""
    if not r.group_name(head):
        return None
    if r.rules.group_tasks.regex.match(rest):
        return "tasks"
    return "units" if r.rules.group_units.regex.match(rest) else None


def _enter_group(cursor: Cursor, body: _Body, follows: str, rest: str, view: LineView) -> None:
    """The group is in focus, no roster open; its units after its name are read as prose."""
    cursor.end_roster()
    cursor.current = body
    if follows == "units":
        _read_prose(cursor, rest, view)


def _labelled_segments(r, text: str) -> list[str]:
    """`组长：程凯；成员单位：…` / `组长：黄明（兼），成员单位：…`: the text cut at 。；; and
    before each role label after the first (the ， before it dropped)."""
    out = []
    for part in _HEAD_SPLIT.split(text):
        cuts = [m.start() for m in r._inline_roles.finditer(part) if m.group("role") and m.start() > 0
                and part[m.start() - 1] in "，,"]
        out += [part[a:b].strip().rstrip("，,") for a, b in zip([0, *cuts], [*cuts, len(part)])]
    return out


@LINE_LAYOUTS.rule("roster_title", prose=False)
def roster_title(cursor: Cursor, view: LineView) -> bool:
    """`X成员名单` / `X联络员名单` / `专班组成` on a line of its own: X's roster follows."""
    return not view.prose and cursor.open_roster_title(view.text, view.line.line)


@LINE_LAYOUTS.rule("several_role_labels")
def several_role_labels(cursor: Cursor, view: LineView) -> bool:
    """`组长:李为市政府副市长副组长:万五龙…成员:谭应兵…`: a roster whose line breaks were lost,
    each role label with its entries; a sentence before the first label is read as prose."""
    text = view.text
    if text.count("：") + text.count(":") + text.count("——") < 2 and not (" " in text and view.label):
        return False  # two labels need two colons (or dashes), or a line that starts with one and spaces
    if _task_units(cursor, view):
        return False
    labels = list(cursor.r._inline_roles.finditer(text))
    if len(labels) < 2:
        return False
    first = labels[0]
    if first.group("role") in cursor.r.rules.task_unit_roles and first.start() > 0 \
            and text[first.start() - 1] in "（(":
        return False  # 从严治理…。（牵头单位：A，配合单位：B）: a task's units, read by the duties stage
    if text[: labels[0].start()].strip():
        _read_prose(cursor, text[: labels[0].start()], view)
    for k, m in enumerate(labels):
        end = labels[k + 1].start() if k + 1 < len(labels) else len(text)
        stop = _FULL_STOP.search(text, m.end(), end) or cursor.r.run_in_item.search(text, m.end(), end)
        cut = stop.start() if stop else end
        cut = _body_after_entry(cursor.r, text, m.end(), cut) or cut
        _read_labelled(cursor, text[m.start():cut].strip(), view.line)
        if cut < end:
            _read_prose(cursor, text[cut:end], view)
    return True


def _body_after_entry(r, text: str, start: int, end: int) -> int | None:
    """Where a sentence about a body begins right after an entry's closing bracket, with no
    full stop between (`…、赵六（县财政局局长）领导小组下设办公室，…`): the roster ends there."""
    for ref in r._ref.finditer(text, start, end):
        if ref.start() > start and text[ref.start() - 1] in "）)":
            return ref.start()
    return None


def _set_up_after_post(r, text: str) -> int | None:
    """Where a sentence that sets up an office begins right after an entry's post or its closing
    bracket, with no full stop between (`…孙伟县财政局副局长领导小组办公室设在县教育局`, Word text
    that lost its breaks; `…（县市场监管局副局长）领导小组办公室设在…`, a PDF line joined to the
    next paragraph): the roster ends there. (Found from the verb back: a search for the body's
    name along a long line costs more.)"""
    for m in _SETS_UP.finditer(text):
        suffix = max((s for s in r._suffixes if text.endswith(s, 0, m.start())), key=len, default=None)
        cut = m.start() - len(suffix) if suffix else 0
        if cut > 0 and (text[cut - 1] in r.people.post_end_chars or text[cut - 1] in "）)"):
            return cut
    return None


@LINE_LAYOUTS.rule("role_label")
def role_label(cursor: Cursor, view: LineView) -> bool:
    """`组　长：冯吉光 县委常委`, `副组长：` alone, `成员单位：县教育局、县财政局`, also after the
    body they are of (`协调机制成员单位：…`): a role label and its entries (people.yaml
    `entry_forms`) or units; a numbered item run into the line (a notice that lost its line
    breaks: `…科长二、工作原则…`) or a sentence setting up an office (`…副局长领导小组办公室设在…`)
    ends the roster."""
    r = cursor.r
    text = view.text
    labelled = view.label is not None
    if labelled and _task_units(cursor, view):
        return True  # the duties stage's: read here as no member units
    # (a glued label opens with a label's character too: most lines skip the call)
    glued = r.glued_role(text) if not labelled and text[:1] in r._label_starts else None
    if glued and (cursor.roster or cursor.mention or cursor.current):
        text = f"{glued.group('role')} {text[glued.end():]}"  # 组长张三 县长: the label and 张三 县长
    elif not labelled:
        # 协调机制成员单位：… ends its label with a colon: a line without one skips the regex.
        m = r._body_role.match(text) if "：" in text or ":" in text else None
        body = cursor.body_named(m.group("body"), view.line.line) if m else None
        if body is None:
            return False
        cursor.end_roster()  # 协调机制成员单位：…: the label of the body it names
        cursor.current = cursor.roster = body
        text = text[m.start("role"):]
    item = r.run_in_item.search(text)
    cut = item.start() if item else _set_up_after_post(r, text) if "设" in text else None
    if cut is None:
        return _read_labelled(cursor, text, view.line)
    _read_labelled(cursor, text[:cut], view.line)
    _read_prose(cursor, text[cut:], view)
    return True


def _task_units(cursor: Cursor, view: LineView) -> bool:
    """`责任单位：县教育局。工作任务：…` in a duties section: a task's units, read by the duties
    stage, not member units."""
    label = view.label
    return (label is not None and label.group("role") in cursor.r.rules.task_unit_roles
            and cursor.kinds.get(view.i) == "duties")


def _read_labelled(cursor: Cursor, text: str, line: Line) -> bool:
    r = cursor.r
    m = r.role_label(text)
    if not m:
        return False
    role = m.group("role")
    rest = text[m.end():].strip()
    target = cursor.roster or cursor.current
    if target is None and cursor.mention is not None:
        # 成立领导小组，成员如下： names no body of its own; the roster still has one.
        target = cursor.current = cursor.add(*cursor.mention)
    if target is None:
        return False
    cursor.roster = target
    cursor.role = role
    cursor.office_roster = None
    if role.startswith("办公室") and target.kind != "office":
        # 办公室主任：李四 in the group's roster: 主任 of the group's office, and so are the
        # names below it until the next label.
        cursor.office_roster = cursor.office_of(target, line.line)
        if cursor.office_roster is not None:
            cursor.role = role[len("办公室"):]
            if rest:
                cursor.add_entries(cursor.office_roster, cursor.role, rest, line)
            return True
    if role in r._unit_roles:
        cursor.unit_section = True  # 成员单位： then the units, one per line or numbered
    if not rest or _NOTE.fullmatch(rest) or r.order_note.match(rest):
        return True  # 成员：（按姓氏笔画排序）: a note, the entries follow
    if r.rules.filled_later.regex.match(rest):
        return True  # 联络员：由各成员单位确定一名…担任: no one is named
    if role in r._unit_roles:
        units = r.units.split(rest)
        cursor.add_units(target, units, line)
        if role in r.rules.lead_labels and len(units) == 1:
            target.lead = units[0]  # 牵头单位：县教育局
        return True
    if cursor.add_entries(target, role, rest, line):
        return True
    units = r.units.split(rest)
    if units and sum(map(r.units.is_unit, units)) * 2 > len(units) \
            and not r.people.is_name(_WS.split(rest)[0]):
        cursor.add_units(target, units, line)
        m_count = r.rules.declared_count.regex.search(rest)
        if m_count:
            cursor.declare(target, m_count.group("n"), line.line)
        return True
    cursor.report.add("SJ302", line.line, text=text[:40])
    return True


@LINE_LAYOUTS.rule("damaged_role_label")
def damaged_role_label(cursor: Cursor, view: LineView) -> bool:
    """`长:孙海方(县委常委)`: a role label that lost its first character in copying, read as the
    role whose deputy (副组长) labels a line below, else the body's first role (SJ306)."""
    r = cursor.r
    if view.text[:1] not in r.role_tail_starts:
        return False  # the fragment (the line's first characters) is no role's tail
    m = _DAMAGED_LABEL.match(view.text)
    if m is None or cursor.current is None or m.group("fragment") not in r.role_tails:
        return False
    fragment = m.group("fragment")
    candidates = [role for role in r.rules.roles if role.endswith(fragment) and role != fragment
                  and not role.startswith(r.deputy_marks)]
    role = next((c for c in candidates if _deputy_below(cursor, view.i, c)), None)
    if role is None:
        role = r.rules.lead_roles.get(cursor.current.kind)
        if role not in candidates:
            return False
    target = cursor.roster or cursor.current
    if not cursor.add_entries(target, role, m.group("rest"), view.line):
        return False
    cursor.roster, cursor.role, cursor.office_roster = target, role, None
    cursor.report.add("SJ306", view.line.line, text=view.text[:40], repair=f"read as the role label {role}")
    return True


def _deputy_below(cursor: Cursor, i: int, role: str) -> bool:
    """A line among the next few is labelled with the deputy of `role` (副组长 for 组长)."""
    for k in range(i + 1, min(i + 8, len(cursor.lines))):
        m = cursor.r.role_label(cursor.lines[k].text)
        if m and m.group("role").endswith(role) and m.group("role") != role:
            return True
    return False


# A role after an entry, in brackets or as its last word: `县委副书记　张三（组长）`,
# `张三（副组长）　县教育局局长`, `王刚　县长　组长`.
# (The bracket or the space first, then which it was: a pattern that opens with a class is
# scanned for it, where an alternation of two was tried at every position.)
_ROLE_AFTER = re.compile(r"[（(\s](?:(?<=[（(])(?P<role>[^（()）\s]{2,6})[)）]|(?<=\s)(?P<word>[^（()）\s]{2,6})$)")


@LINE_LAYOUTS.rule("role_after_entry", prose=False)
def role_after_entry(cursor: Cursor, view: LineView) -> bool:
    """`县委副书记　张三（组长）`, `张三（副组长）　县教育局局长`, `王刚　县长　组长`: a roster with no
    role labels, each entry giving its role after the name, in brackets or as the line's last
    word; the entry joins the roster of the body in focus (under an open label, a bracket is
    a note, not a role)."""
    r = cursor.r
    previous = cursor.lines[view.i - 1].line if view.i else None
    if cursor.role is not None and cursor.trace.get(previous) != "role_after_entry":
        return False
    notes = [m for m in _ROLE_AFTER.finditer(view.text) if r.is_role(m.group("role") or m.group("word"))]
    if len(notes) != 1:
        return False
    note = notes[0]
    rest = f"{view.text[:note.start()].strip()} {view.text[note.end():].strip()}".strip()
    found = r.people.read_entry(rest)
    if not found or len(found[1]) != 1 or not found[1][0][0]:
        return False  # one person, named
    return _read_labelled(cursor, f"{note.group('role') or note.group('word')}：{rest}", view.line)


@LINE_LAYOUTS.rule("roster_entry", roster=True)
def roster_entry(cursor: Cursor, view: LineView) -> bool:
    """`陈浩 区委常委、组织部部长` under `副组长：…`: an entry with no label takes the role above;
    under `成员单位：` the line's units are the body's."""
    if cursor.roster is None:
        return False
    role = cursor.role or cursor.default_role
    if role is None:
        return False
    if role in cursor.r._unit_roles:
        return _add_unit_line(cursor, cursor.roster, view)
    if view.prose and not _named_entries(cursor, view.text):
        return False
    return cursor.add_entries(cursor.office_roster or cursor.roster, role, view.text, view.line)


def _named_entries(cursor: Cursor, text: str) -> bool:
    """A line with a sentence's marks that is entries all the same: `钱七（县财政局局长）；孙八（…）`."""
    if "；" not in text and ";" not in text:
        return False
    found = cursor.r.people.read_entry(text)
    return bool(found) and found[0] == "separated_by_semicolons" and all(name for name, _ in found[1])


_LIST_ENDS = "。；;，,、：:)）"  # a list line that ends so was not cut by a line break


def _add_unit_line(cursor: Cursor, body: _Body, view: LineView) -> bool:
    """A line that is a list of units (all of them, or a single one) joins `body`'s units;
    协调机制由…组成 is prose about a body, not a bare list."""
    if cursor.r._ref.search(view.text):
        return False
    units = cursor.r.units.split(view.text)
    is_unit = cursor.r.units.is_unit
    # A unit a hard line break cut (…县教育局、县公 / 安局、县财政局): its end starts this line.
    last = body.units[-1] if body.units and view.i and body.units[-1].line == cursor.lines[view.i - 1].line else None
    rejoined = last is not None and units and not is_unit(last.name) and is_unit(last.name + units[0])
    # …and this line's own last unit may be cut too (it is put right by the line below).
    cut = units[-1] if units and len(units[-1]) <= 4 and view.text.rstrip()[-1:] not in _LIST_ENDS else ""
    checked = units[1 if rejoined else 0:len(units) - 1 if cut and not is_unit(cut) else len(units)]
    if not units or not (checked or rejoined) or not all(map(is_unit, checked)):
        return False
    if rejoined:
        body.units[-1] = last.model_copy(update={"name": last.name + units[0]})
        units = units[1:]
    cursor.add_units(body, units, view.line)
    return True


@LINE_LAYOUTS.rule("post_below_name", numbered=False, prose=False)
def post_below_name(cursor: Cursor, view: LineView) -> bool:
    """`刘建国` then `市人民政府副市长` on the next line (a web page's table, a cell a line): the
    post is the name's above."""
    # The member above first (most have their posts, or are not on the line above): cheap
    # tests that spare most lines _open_roster's search.
    body = cursor.office_roster or cursor.roster
    if body is None or not body.members or view.i == 0:
        return False
    last = body.members[-1]
    if last.name is None or last.posts or last.line != cursor.lines[view.i - 1].line \
            or _open_roster(cursor, view) is None:
        return False
    people = cursor.r.people
    if people.is_name(view.compact) or not people.is_post(view.compact):
        return False
    body.members[-1] = last.model_copy(update={"posts": people.posts(view.compact)})
    return True


@LINE_LAYOUTS.rule("wrapped_post", numbered=False, prose=False, roster=True)
def wrapped_post(cursor: Cursor, view: LineView) -> bool:
    """`长` under `钱进 县发展和改革局党组成员、副局`: a post cut at a line end joins the member above."""
    body = _open_roster(cursor, view)
    if body is None or not body.members:
        return False
    last = body.members[-1]
    if not last.posts or len(view.compact) > 3 \
            or not cursor.r.people.completes_post(last.posts[-1], view.compact):
        return False
    posts = last.posts[:-1] + [last.posts[-1] + view.compact]
    body.members[-1] = last.model_copy(update={"posts": posts})
    return True


@LINE_LAYOUTS.rule("order_note", numbered=False, prose=False, roster=True)
def order_note(cursor: Cursor, view: LineView) -> bool:
    """`（以上排名不分先后）` inside a roster: a note on the order of the names, no member."""
    return cursor.roster is not None and cursor.r.order_note.match(view.compact) is not None


@LINE_LAYOUTS.rule("body_duties_label", numbered=False, roster=True)
def body_duties_label(cursor: Cursor, view: LineView) -> bool:
    """`工作组主要职责：`, `领导小组职责：统筹…`: a label of a body's own duties (the duties stage
    reads units' tasks): it ends the roster above it and is read."""
    if cursor.roster is None or cursor.r.body_duties.match(view.text) is None:
        return False
    cursor.end_roster()
    return True


@LINE_LAYOUTS.rule("unreadable_roster_line", numbered=False, prose=False, roster=True)
def unreadable_roster_line(cursor: Cursor, view: LineView) -> bool:
    """A short line inside a roster that no layout reads: reported (SJ302), and the roster goes
    on, so that one odd line does not lose the names below it."""
    if _open_roster(cursor, view) is None:
        return False
    if not cursor.r.rules.roster_boilerplate.regex.search(view.text):  # （以上同志职务详见附件）
        cursor.report.add("SJ302", view.line.line, text=view.text[:40])
    return True


def _open_roster(cursor: Cursor, view: LineView) -> _Body | None:
    """The roster a short, unnumbered line that is no prose and names no body belongs to."""
    if view.number is not None or cursor.roster is None or view.prose \
            or len(view.text) > 40 or cursor.r._ref.search(view.text):
        return None
    return cursor.office_roster or cursor.roster


@LINE_LAYOUTS.rule("body_name", numbered=False, prose=False)
def body_name(cursor: Cursor, view: LineView) -> bool:
    """`某县“双减”工作领导小组` alone on a line: the focus moves to that body."""
    compact = view.compact
    if view.number is not None or view.prose or len(view.text) > 40 \
            or not cursor.r.kind_of(compact):
        return False
    body = cursor.resolve(compact)
    if body is not None:
        cursor.current = body
    return True


@LINE_LAYOUTS.rule("document_title", numbered=False, prose=False)
def document_title(cursor: Cursor, view: LineView) -> bool:
    """`某区教育督导委员会联席会议制度` alone on a line: the title of a document the notice
    carries (制度, 工作规则); the body it is about exists, and the lines below are about it."""
    compact = view.compact.strip("《》")
    if view.number is not None or view.prose or len(compact) > 60:
        return False
    subject = cursor.r.document_subject(compact)
    if subject is None or cursor.r.is_generic(subject):
        return False
    cursor.current = cursor.add(subject, view.line.line) or cursor.current
    return True


@LINE_LAYOUTS.rule("unit_list", units=True)
def unit_list(cursor: Cursor, view: LineView) -> bool:
    """`县教育局、县委宣传部、县公安局` under a 成员单位 heading or label, or numbered, one unit
    an item (1.县教育局): the body's member units."""
    body = cursor.roster or cursor.current
    if not cursor.unit_section or body is None:
        return False
    if view.number is None and len(cursor.r.units.split(view.text)) < 2:
        return False  # one unit alone, not numbered: a heading more likely than a list
    if not _add_unit_line(cursor, body, view):
        return False
    cursor.end_roster()
    return True


@LINE_LAYOUTS.rule("prose")
def prose(cursor: Cursor, view: LineView) -> bool:
    """Sentences: the bodies they set up (成立X), offices (下设办公室), people named to a role
    (办公室主任由X兼任), member units (由A、B组成) and the lead unit (A为牵头单位)."""
    # A roster's line, or one that opens with a role word while a body is known (组长——张三 in a
    # layout no rule reads): what it gives is checked, and a line that gave nothing reported.
    # Not watched: a short heading of the duties below (成员单位及职责), a row of a table of tasks.
    watch = view.number is None and not (len(view.text) <= 20 and _DUTIES_TITLE.search(view.text)) \
        and not (cursor.header is not None and "\t" in view.line.text) and (
        cursor.roster is not None or cursor.kinds.get(view.i) == "roster"
        or (bool(cursor.bodies) and cursor.r._role_only.match(view.text) is not None)
        or (not view.prose and _entry_outside_roster(cursor, view)))  # (no call for a prose line)
    roster = (cursor.roster, cursor.role, cursor.default_role, cursor.office_roster)
    cursor.end_roster()
    found = cursor.found() if watch else None
    opened = _read_prose(cursor, view.text, view)
    if watch and not opened and cursor.found() == found \
            and not cursor.r.rules.roster_boilerplate.regex.search(view.text):
        # Silence is a bug: a roster's line that gave nothing is reported, as a warning when a
        # roster layout could have read part of it (a role label, a name with a post); a short
        # one (a line damaged in copying) does not end the roster.
        code = "SJ307" if _looks_like_roster(cursor, view.text) else "SJ304"
        cursor.report.add(code, view.line.line, text=view.text[:30])
        if len(view.text) <= _ODD_LINE:
            cursor.roster, cursor.role, cursor.default_role, cursor.office_roster = roster
    return True


def _entry_outside_roster(cursor: Cursor, view: LineView) -> bool:
    """`王建军　县财政局副局长` where no roster is open (a page that starts inside a roster, a
    roster under a heading no layout reads): no layout can say whose member it is, so it must
    not go unreported."""
    if cursor.roster is not None or view.prose or len(view.text) > _ODD_LINE:
        return False
    found = cursor.r.people.read_entry(view.text)
    return bool(found) and all(name and posts for name, posts in found[1])


def _looks_like_roster(cursor: Cursor, text: str) -> bool:
    """A role label, or a name with a post, somewhere in the text: `…，组长：王刚 县长，…`."""
    r = cursor.r
    if r._inline_roles.search(text):
        return True
    for part in _PARTS.split(text):
        found = r.people.read_entry(part) if 3 <= len(part) <= 40 else None
        if found and any(name for name, _ in found[1]):
            return True
    return False


def _read_prose(cursor: Cursor, text: str, view: LineView) -> bool:
    """Read the sentences of `text`; True when it ends by opening a list of the lines below
    (成员由以下单位组成：, 名单如下：)."""
    r = cursor.r
    line = view.line
    if cursor.current is not None and r.no_office.search(text):
        cursor.current.no_office = True
    # The last body the text names is the one a roster below it may belong to (Cursor.mention).
    cursor.named_in_prose(text, line.line)
    # Sentence by sentence, so that an office is set up under the body in focus when it is
    # named, not under one the same line goes on to establish.
    # A text that holds none of the gate's literals holds none in any of its sentences (no
    # literal holds a sentence mark): most lines skip the split and the sentences' gates.
    gate = r._sentence_gate
    if gate is None or gate.search(text):
        for sentence in _SENTENCES.findall(text):
            if sentence and (gate is None or gate.search(sentence)):
                held = r.held(sentence)
                if not (r.establish_need and r.establish_need.isdisjoint(held)):
                    cursor.read_establish(sentence, line.line)
                _read_sentence(cursor, sentence, line, held)
    if not text.endswith(("：", ":")):
        return False
    if r.rules.units_follow.regex.search(text):
        cursor.unit_section = True  # 成员由以下单位分管负责同志组成： then one unit a line
        return True
    if cursor.current is not None and r.rules.roster_follows.regex.search(text):
        # 现将各成员单位联络员名单公布如下： then one person a line, with no label
        cursor.roster = cursor.current
        cursor.default_role = roster_role(text)
        return True
    return False


def _named_before(cursor: Cursor, text: str, pos: int, line: Line) -> _Body | None:
    """`县委教育工作领导小组统筹推进…，领导小组办公室设在县教育局`: no body is set up, but the
    sentence names in full the one whose short name comes right before the office; that body
    (named as existing) is the office's parent."""
    r = cursor.r
    refs = list(r._ref.finditer(text, 0, pos))
    if not refs or refs[-1].end() != pos:
        return None
    kind = r.kind_of(refs[-1].group())
    for m in reversed(refs[:-1]):
        name = r.name_before(text, m.end())
        if r.kind_of(name) == kind and not r.is_generic(name):
            return cursor.add(name, line.line)
    return None


def _read_sentence(cursor: Cursor, text: str, line: Line, held: frozenset[str]) -> None:
    # A rule tried here must be in BodyReader's sentence_rules (the sentence gate); `held`,
    # the literals of those rules the sentence holds, skips the rules it cannot match.
    r = cursor.r
    _read_unit_lists(cursor, text, line, held)
    if not (r.sub_groups_need and r.sub_groups_need.isdisjoint(held)):
        _read_sub_groups(cursor, text, line)
    office: _Body | None = None
    office_at = len(text)  # where the sentence first names the office
    for pattern, need in r._office:
        if need and need.isdisjoint(held):
            continue  # the sentence holds none of the literals the rule needs
        for m in pattern.finditer(text):
            owner = cursor.ref_before(text, m.start()) or cursor.current or _named_before(cursor, text, m.start(), line)
            if owner is not None and owner.kind == "office":
                office = owner
            elif owner is not None:
                office = cursor.office_of(owner, line.line) or office
            office_at = min(office_at, m.start())
    for pattern, need in r._office_member:
        if need and need.isdisjoint(held):
            continue
        for m in pattern.finditer(text):
            role = m.group("role")
            if r.rules.each_unit_names.regex.search(m.group("who")):
                continue  # 联络员由各成员单位确定一名科级干部担任: a rule for the units, no member
            names_office = text[: m.start("role")].endswith("办公室")  # (办公室主任, 任领导小组办公室副主任)
            if names_office:
                body = office or (cursor.office_of(cursor.current, line.line) if cursor.current else None)
            else:
                # 由副市长王刚任组长，…，李明兼任办公室主任: a role named before the office is the
                # body's; 主任 after it is the office's.
                after_office = m.start() > office_at and role in r.office_roles
                body = cursor.ref_before(text, m.start("role")) or (office if after_office else None) \
                    or cursor.current
            if body is None:  # 组长由县长担任 where no body is known: whose roster, the text does not say
                cursor.report.add("SJ307", line.line_at(m.start()), text=m.group(0)[:30])
                continue
            for name, posts in r.people.people(m.group("who")):
                if name is None and (not posts or (r.units.is_unit(posts[0]) and not r.people.has_title(posts[0]))):
                    continue  # nobody, or units (县委宣传部、县财政局等单位负责人为成员: member units)
                body.members.append(Member(role=role, name=name, posts=posts,
                                           line=line.line_at(m.start())))


_GROUP_ITEMS = re.compile(r"[、和及与]")
_COUNT_AFTER = re.compile(r"(?:等|[一二三四五六七八九十两\d]+个).*$")


def _read_sub_groups(cursor: Cursor, text: str, line: Line) -> None:
    """`领导小组下设综合协调组、督导检查组两个工作组`: sub-groups, each a body of its own, as a
    heading naming them would set them up (Cursor.body_named)."""
    r = cursor.r
    for m in r.rules.sub_groups.regex.finditer(text):
        if r._not_established.search(text[max(0, m.start() - 10):m.start()]):
            continue  # 各乡镇要下设…组: not set up by this notice
        for item in _GROUP_ITEMS.split(m.group("groups")):
            name = _COUNT_AFTER.sub("", "".join(item.split()))
            if len(name) >= 3 and r.group_name(name) and r.kind_of(name) in (None, "other"):
                cursor.body_named(name, line.line_at(m.start("groups")), kind="other")


def _read_unit_lists(cursor: Cursor, text: str, line: Line, held: frozenset[str]) -> None:
    r = cursor.r
    for pattern, need in r._unit_list:
        if need and need.isdisjoint(held):
            continue  # the sentence holds none of the literals the rule needs
        for m in pattern.finditer(text):
            groups = m.groupdict()
            units = r.units.split(m.group("units"))
            if groups.get("name"):
                # 成立以…为成员单位的X: the body is named after the list, and set up here.
                name = "".join(m.group("name").split())
                body = cursor.add(name, line.line) if r.kind_of(name) else None
                if body is not None:
                    cursor.current = body
                # 以县长为组长，…县教育局等部门主要负责人为成员: keep the units; bare sector
                # names (以市场监管、教育等部门为成员单位) when no item is a unit.
                units = [u for u in units if r.units.is_unit(u)] or units
            else:
                named = "".join((groups.get("body") or "").split())
                if not units or sum(map(r.units.is_unit, units)) * 2 <= len(units):
                    continue
                body = (cursor.resolve(named) if r.kind_of(named) else None) \
                    or cursor.ref_before(text, m.start(), add_at=line.line) or cursor.current
            if body is None:  # member units of no body the notice names
                cursor.report.add("SJ307", line.line_at(m.start()), text=m.group(0)[:30])
                continue
            cursor.add_units(body, units, line)
            count = r.rules.declared_count.regex.search(m.group(0))
            if count:
                cursor.declare(body, count.group("n"), line.line)
    lead = None if r.lead_need and r.lead_need.isdisjoint(held) else r.rules.lead_unit.regex.search(text)
    if lead and cursor.current is not None:
        unit = re.split(r"[，,。；]", lead.group("unit"))[-1].strip()
        if r.units.is_unit(unit):
            body = cursor.ref_before(text, lead.start()) or cursor.current
            body.lead = unit
