"""`sj show NOTICE --html`: a review page, the source text beside the record read from it.

    page = render_page(result.notice, read_text(data, path))
    index = render_index([summarize(notice, "a.html")], failed=[])

One self-contained HTML file (inline CSS and script, no network): on the left the decoded text,
line by line as `line` counts them, every value the record holds highlighted at its span and
coloured by kind, the lines a roster or duty section held but no rule read marked, and the
diagnostics under their lines; on the right the record, each value a link that scrolls the
source to its highlight and flashes it (and a highlight, clicked, does the same for the record).

The source pane's text content is the decoded text exactly: line numbers and diagnostics are
CSS generated content (`::before`, `::after` from `data-n`, `data-diag`), and a highlight that
overlaps another without nesting in it (a duty's text and its unit) or crosses a line end is
split into elements of the same `data-path`, whose texts joined are the span's text. All
notice text goes through html.escape.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from itertools import accumulate
from typing import Iterable, Optional

from .diagnostics import UNREAD
from .models import SCHEMA_VERSION, Diagnostic, Notice, Section
from .stages.spans import span_text, spanned

# What a highlight's kind is, from its record path (stages/spans.spanned), with the legend's
# label: the first pattern that matches wins.
KINDS: list[tuple[str, str, re.Pattern]] = [
    ("heading", "标题 section heading", re.compile(r"(^|\.)sections\[.*\.heading$")),
    ("doc", "公文要素 document field", re.compile(r"^document\.")),
    ("name", "姓名 person", re.compile(r"\.members\[\d+\]\.name$")),
    ("post", "职务 post", re.compile(r"\.members\[\d+\]\.posts\[\d+\]$")),
    ("unit", "单位 unit", re.compile(r"(\.member_units\[\d+\]\.name|^duties\[\d+\]\.units\[\d+\])$")),
    ("duty", "职责 duty text", re.compile(r"^duties\[\d+\]\.text$")),
    ("other", "其他 other", re.compile("")),  # a value a later schema version adds a span to
]
# Lines no rule read: a warning when the line looks like roster or duty text (diagnostics.UNREAD),
# an info when it reads as prose (SJ304 in a roster, SJ402 in a duties section).
SKIPPED = frozenset({"SJ304", "SJ402"})
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
FONTS = ('"Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "PingFang SC", '
         '"Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif')


def kind_of(path: str) -> str:
    """The highlight kind of a record path: `kind_of("bodies[0].members[2].name") == "name"`."""
    return next(kind for kind, _, pattern in KINDS if pattern.search(path))


@dataclass(frozen=True)
class Highlight:
    """One value of the record at its span: `Highlight(7, "bodies[0].members[2].name", "name", "冯吉光", [412, 415])`."""

    number: int
    path: str
    kind: str
    value: str
    span: Optional[list[int]]


def highlights(notice: Notice) -> list[Highlight]:
    """Every value of the record that carries a span, numbered in field order."""
    return [Highlight(n, path, kind_of(path), value, span)
            for n, (path, value, span) in enumerate(spanned(notice))]


# --- the page ----------------------------------------------------------------------------------

def render_page(notice: Notice, lines: list[str], index_href: Optional[str] = None) -> str:
    """The review page of one notice: `lines` are the decoded lines its spans and `line` refer to."""
    marks = highlights(notice)
    by_path = {h.path: h for h in marks}
    doc = notice.document
    title = doc.title or notice.source.path
    back = f'<a class="back" href="{escape(index_href)}">← 索引 index</a> ' if index_href else ""
    out = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{escape(title)} — sj review</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
           '<header>', f'<h1>{back}{escape(title)}</h1>',
           f'<p class="meta">{escape(notice.source.path)} · {escape(_place(notice) or "地区未知 place unknown")}'
           f' · {escape(doc.date or "无日期 no date")} · {_counts_text(notice)}</p>',
           _legend(), "</header>", "<main>",
           f'<section id="src-pane" class="pane" aria-label="source text"><pre id="src">'
           f'{_source(lines, marks, notice.diagnostics)}</pre></section>',
           '<section id="rec" class="pane" aria-label="record">',
           *_bodies(notice, by_path), *_duties(notice, by_path), *_document(notice, by_path),
           *_outline(notice.sections, by_path), *_place_and_topics(notice), *_diagnostics(notice.diagnostics),
           f'<p class="foot">sj review · record schema {SCHEMA_VERSION}</p>',
           "</section>", "</main>", f"<script>{_SCRIPT}</script>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def _legend() -> str:
    items = [f'<span class="hl k-{kind}">{escape(label)}</span>' for kind, label, _ in KINDS]
    items += ['<span class="l unread sample">未读 unread (SJ302 SJ307 SJ403)</span>',
              '<span class="l skipped sample">略过 prose skipped (SJ304 SJ402)</span>',
              '<span class="sev-error">error</span>', '<span class="sev-warning">warning</span>',
              '<span class="sev-info">info</span>']
    return '<p class="legend">' + " ".join(items) + "</p>"


def _source(lines: list[str], marks: list[Highlight], diagnostics: list[Diagnostic]) -> str:
    """The decoded text, a `span.l` per line (its "\\n" inside it), the highlights nested in it."""
    text = "\n".join(lines)
    starts = [0, *accumulate(len(line) + 1 for line in lines)]
    per_line: dict[int, list[tuple[int, int, Highlight]]] = defaultdict(list)
    for mark in marks:
        for start, end in zip((mark.span or [])[0::2], (mark.span or [])[1::2]):
            n = _line_of(starts, start)
            while start < end:  # a piece crossing line ends: one piece per line
                cut = min(end, starts[n + 1] if n + 1 < len(starts) else end)
                per_line[n].append((start, cut, mark))
                start, n = cut, n + 1
    by_line: dict[int, list[Diagnostic]] = defaultdict(list)
    for d in diagnostics:
        if d.line and d.line <= len(lines):
            by_line[d.line].append(d)
    opened: set[int] = set()
    out = []
    for n in range(len(lines)):
        end = starts[n + 1] if n + 1 < len(lines) else len(text)
        found = by_line.get(n + 1, [])
        classes = ["l"]
        if any(d.code in UNREAD for d in found):
            classes.append("unread")
        elif any(d.code in SKIPPED for d in found):
            classes.append("skipped")
        attrs = ""
        if found:
            worst = min(found, key=lambda d: SEVERITY_ORDER.get(d.severity, 3)).severity
            classes.append(f"d-{worst}")
            note = "\n".join(f"{d.code} {d.severity}: {d.message}" for d in found)
            attrs = f' data-diag="{escape(note)}"'
        out.append(f'<span class="{" ".join(classes)}" id="L{n + 1}" data-n="{n + 1}"{attrs}>'
                   f'{_nest(text, starts[n], end, per_line.get(n, []), opened)}</span>')
    return "".join(out)


def _line_of(starts: list[int], offset: int) -> int:
    """The 0-based line holding text offset `offset`."""
    return min(bisect_right(starts, offset), len(starts) - 1) - 1


def _nest(text: str, low: int, high: int, pieces: list[tuple[int, int, Highlight]], opened: set[int]) -> str:
    """text[low:high] with each piece in a highlight element; a piece that outlives the one it
    opened in is closed with it and opened again after it (two elements of one path)."""
    starting: dict[int, list[tuple[int, Highlight]]] = defaultdict(list)
    for start, end, mark in sorted(pieces, key=lambda p: (p[0], -p[1], p[2].number)):
        if start < end:
            starting[start].append((end, mark))
    bounds = sorted({low, high, *starting, *(end for ends in starting.values() for end, _ in ends)})
    out: list[str] = []
    stack: list[tuple[int, Highlight]] = []
    at = low
    for bound in bounds:
        out.append(_text(text[at:bound]))
        at = bound
        if any(end == bound for end, _ in stack):
            reopen = []
            while any(end == bound for end, _ in stack):
                end, mark = stack.pop()
                out.append("</span>")
                if end != bound:
                    reopen.append((end, mark))
            for end, mark in reversed(reopen):
                out.append(_open(mark, opened))
                stack.append((end, mark))
        for end, mark in starting.get(bound, []):
            out.append(_open(mark, opened))
            stack.append((end, mark))
    return "".join(out)


def _open(mark: Highlight, opened: set[int]) -> str:
    """A highlight's opening tag; its first element gets the id `h<number>` that links point at."""
    first = mark.number not in opened
    opened.add(mark.number)
    ident = f' id="h{mark.number}"' if first else ""
    return (f'<span{ident} class="hl k-{mark.kind}" data-path="{escape(mark.path)}" '
            f'data-kind="{mark.kind}" title="{escape(mark.path)}">')


# C0 controls other than tab and line feed would not survive as text: written as references.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _text(value: str) -> str:
    """Notice text as HTML text: escaped, control characters as character references."""
    return _CONTROL.sub(lambda m: f"&#{ord(m.group())};", escape(value, quote=False))


# --- the record pane ---------------------------------------------------------------------------

def _link(mark: Optional[Highlight], shown: Optional[str] = None) -> str:
    """A value as a link to its highlight; plain text (marked) when it has no span."""
    if mark is None:
        return escape(shown or "")
    label = escape(shown if shown is not None else mark.value)
    if not mark.span:
        return f'<span class="nospan" title="no span: not found in the text">{label}</span>'
    return f'<a class="v k-{mark.kind}" href="#h{mark.number}" data-to="{escape(mark.path)}">{label}</a>'


def _line_link(line: Optional[int]) -> str:
    return f'<a class="ln" href="#L{line}" data-line="{line}">L{line}</a>' if line else ""


def _bodies(notice: Notice, by_path: dict[str, Highlight]) -> list[str]:
    out = [f"<h2>机构 bodies ({len(notice.bodies)})</h2>"]
    if not notice.bodies:
        out.append('<p class="none">none</p>')
    for b, body in enumerate(notice.bodies):
        out.append(f'<div class="body"><h3>{escape(body.name)} <small>{escape(body.kind)} '
                   f'{_line_link(body.line)}</small></h3>')
        facts = []
        if body.parent:
            facts.append(f"上级 parent: {escape(body.parent)}")
        if body.lead_unit:
            facts.append(f"牵头单位 lead unit: {escape(body.lead_unit)}")
        if body.declared_unit_count is not None:
            facts.append(f"声明成员单位数 declared units: {body.declared_unit_count}")
        if facts:
            out.append(f'<p class="facts">{" · ".join(facts)}</p>')
        if body.members:
            out.append(f'<table class="members"><caption>组成人员 members ({len(body.members)})</caption>'
                       "<thead><tr><th>role</th><th>name</th><th>posts</th><th></th></tr></thead><tbody>")
            for m, member in enumerate(body.members):
                where = f"bodies[{b}].members[{m}]"
                name = _link(by_path.get(f"{where}.name")) if member.name else '<span class="none">—</span>'
                posts = "、".join(_link(by_path.get(f"{where}.posts[{k}]")) for k in range(len(member.posts)))
                out.append(f"<tr><td>{escape(member.role)}</td><td>{name}</td><td>{posts}</td>"
                           f"<td>{_line_link(member.line)}</td></tr>")
            out.append("</tbody></table>")
        if body.member_units:
            out.append(f'<p class="units"><b>成员单位 member units ({len(body.member_units)})</b>: '
                       + "、".join(_link(by_path.get(f"bodies[{b}].member_units[{u}].name"))
                                  for u in range(len(body.member_units))) + "</p>")
        out.append("</div>")
    return out


def _duties(notice: Notice, by_path: dict[str, Highlight]) -> list[str]:
    """Duties grouped by unit (canonical name when the catalogue knows it), in order of first mention."""
    grouped: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for d, duty in enumerate(notice.duties):
        for u, unit in enumerate(duty.units):
            ref = duty.unit_refs[u] if u < len(duty.unit_refs) else None
            grouped[(ref.canonical if ref and ref.canonical else None) or unit].append((d, u))
    out = [f"<h2>职责分工 duties by unit ({len(notice.duties)} duties, {len(grouped)} units)</h2>"]
    if not notice.duties:
        out.append('<p class="none">none</p>')
    out.append('<dl class="duties">')
    for key, items in grouped.items():
        out.append(f"<dt>{escape(key)}</dt>")
        for d, u in items:
            duty = notice.duties[d]
            unit = _link(by_path.get(f"duties[{d}].units[{u}]"))
            out.append(f"<dd>{unit}：{_link(by_path.get(f'duties[{d}].text'))} {_line_link(duty.line)}</dd>")
    out.append("</dl>")
    return out


def _document(notice: Notice, by_path: dict[str, Highlight]) -> list[str]:
    doc = notice.document
    rows = [("标题 title", _link(by_path.get("document.title")) if doc.title else None),
            ("发文字号 number", _link(by_path.get("document.doc_number")) if doc.doc_number else None),
            ("发文机关 issuers", "、".join(_link(by_path.get(f"document.issuers[{i}]"))
                                         for i in range(len(doc.issuers))) or None),
            ("成文日期 date", escape(doc.date) if doc.date else None),
            ("主送机关 addressees", "、".join(_link(by_path.get(f"document.addressees[{i}]"))
                                             for i in range(len(doc.addressees))) or None),
            ("文种 type", escape(doc.doc_type) if doc.doc_type else None)]
    rows += [(f"附件 attachment {escape(str(a.index or ''))}", _link(by_path.get(f"document.attachments[{i}].title")))
             for i, a in enumerate(doc.attachments)]
    out = ['<h2>公文要素 document</h2>', '<table class="fields"><tbody>']
    out += [f"<tr><th>{label}</th><td>{value if value is not None else '—'}</td></tr>" for label, value in rows]
    out.append("</tbody></table>")
    return out


def _outline(sections: list[Section], by_path: dict[str, Highlight]) -> list[str]:
    if not sections:
        return []
    marks = {1: "{}、", 2: "（{}）", 3: "{}.", 4: "（{}）"}

    def items(entries: list[Section], where: str) -> list[str]:
        out = ["<ul>"]
        for n, s in enumerate(entries):
            path = f"{where}[{n}]"
            heading = _link(by_path.get(f"{path}.heading")) if s.heading else "…"
            out.append(f"<li>{escape(marks[s.level].format(s.number))}{heading} <small>{escape(s.kind)}</small> "
                       f"{_line_link(s.line)}")
            if s.children:
                out += items(s.children, f"{path}.children")
            out.append("</li>")
        return out + ["</ul>"]

    return ['<h2>正文结构 outline</h2>', '<div class="outline">', *items(sections, "sections"), "</div>"]


def _place(notice: Notice) -> Optional[str]:
    """`彭水苗族土家族自治县 (county, 重庆市, 500243)`; None when the record names no place."""
    place = notice.jurisdiction
    if place is None:
        return None
    within = [place.level, *(p.name for p in place.parents), *([place.adcode] if place.adcode else [])]
    return f"{place.full_name} ({', '.join(within)})"


def _place_and_topics(notice: Notice) -> list[str]:
    place = notice.jurisdiction
    out = ["<h2>发文地区 place · 议题 topics</h2>", '<table class="fields"><tbody>']
    if place is None:
        out.append('<tr><th>地区 place</th><td>— (SJ508)</td></tr>')
    else:
        out.append(f"<tr><th>地区 place</th><td>{escape(_place(notice) or '')}<br><small>as written "
                   f"{escape(place.name)}, from {escape(place.source)} {_line_link(place.line)}"
                   f"{' · former name' if place.former else ''}</small></td></tr>")
    for topic in notice.topics:
        out.append(f"<tr><th>议题 {escape(topic.name)}</th><td>{escape('、'.join(topic.words))}</td></tr>")
    if not notice.topics:
        out.append("<tr><th>议题 topics</th><td>—</td></tr>")
    out.append("</tbody></table>")
    return out


def _diagnostics(diagnostics: list[Diagnostic]) -> list[str]:
    out = [f"<h2>诊断 diagnostics ({len(diagnostics)})</h2>", '<ul class="diags">']
    for d in diagnostics:
        out.append(f'<li class="sev-{escape(d.severity)}">{_line_link(d.line)} <b>{escape(d.code)} '
                   f'{escape(d.severity)}</b>: {escape(d.message)}</li>')
    if not diagnostics:
        out.append('<li class="none">none</li>')
    out.append("</ul>")
    return out


# --- the index of a folder ---------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """One notice of the index: where its page is and what its record holds."""

    href: str
    file: str
    title: str
    place: str
    date: str
    topics: str
    bodies: int
    people: int
    units: int
    duties: int
    warnings: int
    unread: int


def summarize(notice: Notice, href: str) -> Row:
    """The index row of a notice whose page is at `href` (relative to the index)."""
    place = notice.jurisdiction
    severe = [d for d in notice.diagnostics if d.severity in ("error", "warning")]
    return Row(href=href, file=notice.source.path, title=notice.document.title or "",
               place=f"{place.full_name} · {place.level}" if place else "",
               date=notice.document.date or "", topics="、".join(t.name for t in notice.topics),
               bodies=len(notice.bodies), people=sum(len(b.members) for b in notice.bodies),
               units=sum(len(b.member_units) for b in notice.bodies), duties=len(notice.duties),
               warnings=len(severe), unread=sum(d.code in UNREAD for d in notice.diagnostics))


def _counts_text(notice: Notice) -> str:
    row = summarize(notice, "")
    return (f"{row.bodies} bodies · {row.people} people · {row.units} units · {row.duties} duties · "
            f"{row.warnings} warnings · {row.unread} unread")


INDEX_COLUMNS = ("file", "title", "place", "date", "topics", "bodies", "people", "units", "duties",
                 "warnings", "unread")


def render_index(rows: Iterable[Row], failed: Iterable[tuple[str, str]] = ()) -> str:
    """The index page of a folder's review pages: a row per notice, linking to its page;
    `failed` (file, reason) lists the inputs that gave no page."""
    rows, failed = list(rows), list(failed)
    out = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
           f"<title>sj review: {len(rows)} notices</title>", f"<style>{_CSS}</style>", "</head>",
           '<body class="index">', f"<h1>sj review: {len(rows)} notices</h1>",
           f'<p class="meta">{sum(r.unread > 0 for r in rows)} with unread roster or duty text, '
           f'{sum(r.warnings > 0 for r in rows)} with warnings, {len(failed)} not read</p>',
           '<table id="notices"><thead><tr><th>#</th>'
           + "".join(f"<th>{c}</th>" for c in INDEX_COLUMNS) + "</tr></thead><tbody>"]
    for n, row in enumerate(rows, 1):
        cells = [f'<td class="num">{n}</td>',
                 f'<td class="file"><a href="{escape(row.href)}">{escape(row.file)}</a></td>']
        for column in INDEX_COLUMNS[1:]:
            value = getattr(row, column)
            if isinstance(value, int):
                flag = " flag" if column in ("warnings", "unread") and value else ""
                cells.append(f'<td class="num{flag}">{value}</td>')
            else:
                cells.append(f'<td class="{column}">{escape(value)}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    if failed:
        out.append('<h2>未读入 not read</h2><ul class="diags">')
        out += [f'<li class="sev-error">{escape(file)}: {escape(reason)}</li>' for file, reason in failed]
        out.append("</ul>")
    out += [f'<p class="foot">sj review · record schema {SCHEMA_VERSION}</p>', "</body>", "</html>"]
    return "\n".join(out) + "\n"


_CSS = """
* { box-sizing: border-box; }
html, body { margin: 0; }
body { font-family: %(fonts)s; font-size: 14px; line-height: 1.55; color: #1d1d1f; background: #fafafa; }
body:not(.index) { height: 100vh; display: grid; grid-template-rows: auto minmax(0, 1fr); overflow: hidden; }
header { padding: 6px 14px 4px; border-bottom: 1px solid #ccc; background: #fff; }
h1 { font-size: 17px; margin: 0; font-weight: 600; }
h2 { font-size: 15px; margin: 16px 0 6px; border-bottom: 1px solid #ddd; }
h3 { font-size: 14px; margin: 10px 0 4px; }
.meta { margin: 2px 0; color: #555; font-size: 12.5px; }
.legend { margin: 2px 0; font-size: 12px; display: flex; flex-wrap: wrap; gap: 4px 8px; }
.legend .sample { padding: 0 4px; }
main { display: grid; grid-template-columns: minmax(0, 11fr) minmax(0, 9fr); min-height: 0; }
.pane { overflow: auto; min-height: 0; padding: 6px 12px 40px; }
#src-pane { background: #fff; border-right: 1px solid #ccc; }
#src { margin: 0; font: inherit; font-size: 15px; line-height: 26px; white-space: pre-wrap; overflow-wrap: anywhere; }
.l { display: block; position: relative; padding-left: 3.6em; min-height: 26px; }
.l::before { content: attr(data-n); position: absolute; left: 0; width: 2.8em; text-align: right;
  color: #999; font-size: 12px; line-height: 26px; user-select: none; }
.l[data-diag]::after { content: attr(data-diag); display: block; white-space: pre-wrap; font-size: 12px;
  line-height: 1.4; margin: 1px 0 4px; padding: 2px 6px; border-left: 3px solid; border-radius: 2px; }
.l.d-error::after, .sev-error { color: #a3001b; background: #fde7ea; border-color: #c8102e; }
.l.d-warning::after, .sev-warning { color: #7a4d00; background: #fff2d1; border-color: #e0a000; }
.l.d-info::after, .sev-info { color: #0b5a70; background: #e5f4f8; border-color: #4aa3bf; }
.l.unread { background: repeating-linear-gradient(135deg, #fff 0 6px, #fbdada 6px 9px); box-shadow: inset 3px 0 #c8102e; }
.l.skipped { background: repeating-linear-gradient(135deg, #fff 0 6px, #ececec 6px 9px); box-shadow: inset 3px 0 #999; }
.legend .sev-error, .legend .sev-warning, .legend .sev-info { padding: 0 4px; border-left: 3px solid; }
.hl { border-radius: 2px; cursor: pointer; }
.k-doc { background: #e6dcff; }
.k-heading { background: #d3e3ff; font-weight: 600; }
.k-duty { background: #e3f3ec; }
.k-unit { background: #b9e6c4; box-shadow: inset 0 -2px #2e9d55; }
.k-name { background: #ffc9c9; box-shadow: inset 0 -2px #d23c3c; }
.k-post { background: #ffe3a6; }
.k-other { background: #e4e4e4; }
a.v { color: inherit; text-decoration: none; padding: 0 2px; border-radius: 2px; }
a.v:hover { outline: 1px solid #333; }
a.ln { color: #888; font-size: 11px; text-decoration: none; }
.nospan { text-decoration: underline wavy #c8102e; }
.flash { animation: flash 1.6s ease-out; }
@keyframes flash { 0%%, 30%% { outline: 3px solid #ff5a00; background: #fff200; } 100%% { outline: 3px solid transparent; } }
table { border-collapse: collapse; }
.members, .fields { width: 100%%; font-size: 13px; }
.members caption { text-align: left; font-weight: 600; }
.members td, .members th, .fields td, .fields th { border-bottom: 1px solid #eee; padding: 2px 4px;
  text-align: left; vertical-align: top; }
.fields th { width: 9em; font-weight: normal; color: #555; }
.units, .facts { font-size: 13px; margin: 4px 0; }
.body { border-left: 3px solid #2e9d55; padding-left: 8px; margin-bottom: 10px; }
.duties { font-size: 13px; margin: 0; }
.duties dt { font-weight: 600; margin-top: 6px; }
.duties dd { margin: 1px 0 1px 1em; }
.outline ul { margin: 0; padding-left: 1.2em; font-size: 13px; }
.diags { padding-left: 0; list-style: none; font-size: 13px; }
.diags li { margin: 2px 0; padding: 2px 6px; border-left: 3px solid; }
.none { color: #999; }
.foot { color: #999; font-size: 11px; margin-top: 20px; }
.back { font-size: 13px; font-weight: normal; margin-right: 6px; }
body.index { padding: 10px 16px; }
#notices { font-size: 13px; }
#notices th, #notices td { border-bottom: 1px solid #e4e4e4; padding: 3px 6px; text-align: left; vertical-align: top; }
#notices th { background: #f0f0f0; position: sticky; top: 0; }
#notices .file { max-width: 20em; overflow-wrap: anywhere; }
#notices .date { white-space: nowrap; }
#notices .num { text-align: right; font-variant-numeric: tabular-nums; }
#notices .flag { color: #a3001b; font-weight: 600; }
""" % {"fonts": FONTS}

# Record → source and source → record: scroll the other pane to the item and flash it.
_SCRIPT = """
(function () {
  function flash(els) {
    if (!els.length) return;
    els[0].scrollIntoView({block: 'center'});
    els.forEach(function (el) { el.classList.remove('flash'); void el.offsetWidth; el.classList.add('flash'); });
  }
  document.addEventListener('click', function (e) {
    var link = e.target.closest('#rec a[data-to], #rec a[data-line]');
    if (link) {
      e.preventDefault();
      flash(link.dataset.to
        ? Array.from(document.querySelectorAll('#src [data-path="' + CSS.escape(link.dataset.to) + '"]'))
        : [document.getElementById('L' + link.dataset.line)].filter(Boolean));
      return;
    }
    var mark = e.target.closest('#src .hl');
    if (mark) flash(Array.from(document.querySelectorAll('#rec a[data-to="' + CSS.escape(mark.dataset.path) + '"]')));
  });
})();
"""
