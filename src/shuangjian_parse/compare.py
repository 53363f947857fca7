"""`sj compare RECORD_DIR`: notice records side by side, by sector.

    records, problems = load_records(["out/"], reader)
    comparison = compare(on_topic(records, "双减"), reader)
    comparison.present_in_all()          # ['教育', '公安', …]: sectors every notice has
    render_csv(comparison, "sectors")    # or "bodies"; render_json, render_html, print_tables(…)

Each notice is labelled by its place and date (`彭水县 2021-12-13`), or by its file's stem
when the record names no place.

For each sector and notice a cell says whether the sector is a member (a member unit of a
body), has duties (a duty names one of its units) and leads (it is a body's 牵头单位, or a
unit of it holds the body's first role — 组长, 召集人, an office's 主任; the county's own
leadership, 党委 and 政府, leads everything and is left out). Each body also gets a row: its
leader, the leader's best rank, and its member counts. Records of schema_version "1" carry
no canonical names; they are looked up here with the shipped catalogue.
"""
from __future__ import annotations

import csv
import html
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from .diagnostics import Report
from .models import SCHEMA_VERSION, Notice
from .stages.canonical import CanonicalReader, extract_canonical

MEMBER, DUTIES, LEADS = "M", "D", "L"
TABLES = ("sectors", "bodies")


@dataclass(frozen=True)
class Column:
    """One notice: `Column("000_9a14945eab7843f1", "关于成立…的通知", "out/000.yaml", "彭水县")`."""

    id: str
    title: str
    file: str
    label: str = ""        # place and date, `彭水县 2021-12-13`; the id when the record names no place
    place: Optional[str] = None
    date: Optional[str] = None
    adcode: Optional[str] = None
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cell:
    """One sector in one notice: member, has duties, leads; and the unit names behind it."""

    member: bool = False
    duties: bool = False
    leads: bool = False
    units: tuple[str, ...] = ()

    @property
    def code(self) -> str:
        """`MDL`, `MD`, `D` …; empty when the sector is absent."""
        return (MEMBER if self.member else "") + (DUTIES if self.duties else "") + (LEADS if self.leads else "")

    @property
    def score(self) -> int:
        return self.member + self.duties + self.leads


@dataclass(frozen=True)
class BodyRow:
    """One body: its leader (first member) and that person's best rank, and its counts."""

    notice: str
    body: str
    kind: str
    leader_role: Optional[str]
    leader: Optional[str]
    leader_post: Optional[str]
    rank: Optional[int]
    rank_label: str
    people: int
    member_units: int
    declared_unit_count: Optional[int]


@dataclass
class Comparison:
    """Sectors × notices, and one row per body."""

    notices: list[Column]
    sectors: list[str]
    cells: dict[tuple[str, str], Cell]
    bodies: list[BodyRow] = field(default_factory=list)

    def cell(self, sector: str, notice: str) -> Cell:
        return self.cells.get((sector, notice), Cell())

    def count(self, sector: str) -> int:
        """In how many notices the sector appears at all."""
        return sum(1 for n in self.notices if self.cell(sector, n.id).code)

    def present_in_all(self) -> list[str]:
        """The sectors every notice has, as member, duty or lead: `['教育', '公安']`."""
        return [s for s in self.sectors if self.notices and self.count(s) == len(self.notices)]


# --- loading -------------------------------------------------------------------------------

def load_records(paths: Iterable[str], reader: CanonicalReader) -> tuple[list[tuple[str, Notice]], list[str]]:
    """The valid records under `paths` (files or directories) and one line per problem."""
    from .safeload import LoadError, load_file
    from .validate import check_record, expand_paths, format_path

    files, missing = expand_paths(paths)
    problems = [f"{name}: no such file or directory" for name in missing]
    records: list[tuple[str, Notice]] = []
    for name in files:
        try:
            trees = load_file(name)
        except LoadError as exc:
            problems.append(f"{name}:{exc.line}:{exc.column}: {exc.message}")
            continue
        except OSError as exc:
            problems.append(f"{name}: cannot read: {exc.strerror or exc}")
            continue
        for tree in trees:
            items = tree.data if isinstance(tree.data, list) else [tree.data]
            for index, data in enumerate(items):
                prefix = (index,) if isinstance(tree.data, list) else ()
                found = [f"{e.line}:{e.column}: {e.message}" for e in tree.problems]
                found += [f"{line}:{col}: {format_path(path)}: {message}"
                          for path, (line, col), message, _ in check_record(data, tree, prefix)]
                if found:
                    problems.append(f"{name}:{found[0]} (record skipped)")
                    continue
                notice = Notice.model_validate({**data, "schema_version": SCHEMA_VERSION})
                if data.get("schema_version") != SCHEMA_VERSION:
                    canon = extract_canonical(notice.bodies, notice.duties, reader, Report())
                    notice = notice.model_copy(update={"bodies": canon.bodies, "duties": canon.duties})
                records.append((name, notice))
    return records, problems


def on_topic(records: list[tuple[str, Notice]], topic: Optional[str]) -> list[tuple[str, Notice]]:
    """The records whose `topics` hold `topic` (all of them for None): `on_topic(records, "双减")`."""
    if topic is None:
        return records
    return [(file, n) for file, n in records if any(t.name == topic for t in n.topics)]


# --- comparing -------------------------------------------------------------------------------

def compare(records: list[tuple[str, Notice]], reader: CanonicalReader) -> Comparison:
    """Build the sector × notice table and the body rows of some records."""
    leadership = set(reader.rules.leadership_sectors)
    columns: list[Column] = []
    cells: dict[tuple[str, str], dict] = {}
    bodies: list[BodyRow] = []
    for file, notice in records:
        base = Path(notice.source.path).stem if notice.source.path not in ("", "-") else Path(file).stem
        notice_id, k = base, 1
        while any(c.id == notice_id for c in columns):
            k += 1
            notice_id = f"{base}#{k}"
        place = notice.jurisdiction
        name = place.name if place else None
        label, k = " ".join(x for x in (name or notice_id, notice.document.date) if x), 1
        while any(c.label == label for c in columns):
            k += 1
            label = " ".join(x for x in (name or notice_id, notice.document.date) if x) + f" #{k}"
        columns.append(Column(notice_id, notice.document.title or "", file, label, name, notice.document.date,
                              place.adcode if place else None, tuple(t.name for t in notice.topics)))

        def mark(sector: Optional[str], what: str, name: str) -> None:
            if sector:
                cell = cells.setdefault((sector, notice_id), {"member": False, "duties": False,
                                                              "leads": False, "units": []})
                cell[what] = True
                if name not in cell["units"]:
                    cell["units"].append(name)

        for body in notice.bodies:
            for unit in body.member_units:
                mark(unit.sector, "member", unit.name)
            if body.lead_unit_ref is not None and body.lead_unit_ref.sector not in leadership:
                mark(body.lead_unit_ref.sector, "leads", body.lead_unit_ref.name)
            if body.members:
                top = body.members[0].role
                for member in body.members:
                    if member.role == top:
                        for post in member.post_units:
                            if post.unit and post.sector not in leadership:
                                mark(post.sector, "leads", post.unit)
            bodies.append(_body_row(notice_id, body, reader))
        for duty in notice.duties:
            for ref in duty.unit_refs:
                mark(ref.sector, "duties", ref.name)
    order = {s: i for i, s in enumerate(reader.rules.sectors)}
    final = {key: Cell(v["member"], v["duties"], v["leads"], tuple(v["units"])) for key, v in cells.items()}
    sectors = sorted({s for s, _ in final},
                     key=lambda s: (-sum(1 for c in columns if (s, c.id) in final),
                                    -sum(final[(s, c.id)].score for c in columns if (s, c.id) in final),
                                    order.get(s, len(order)), s))
    return Comparison(columns, sectors, final, bodies)


def _body_row(notice_id: str, body, reader: CanonicalReader) -> BodyRow:
    leader = body.members[0] if body.members else None
    best = None
    if leader is not None:
        ranked = [p for p in leader.post_units if p.rank is not None]
        best = min(ranked, key=lambda p: p.rank) if ranked else None
    names = {m.name for m in body.members if m.name}
    return BodyRow(notice=notice_id, body=body.name, kind=body.kind,
                   leader_role=leader.role if leader else None,
                   leader=(leader.name or None) if leader else None,
                   leader_post="、".join(leader.posts) if leader and leader.posts else None,
                   rank=best.rank if best else None,
                   rank_label=reader.rank_label(best.rank, best.sector) if best else "",
                   people=len(names), member_units=len(body.member_units),
                   declared_unit_count=body.declared_unit_count)


# --- rendering -------------------------------------------------------------------------------

BODY_COLUMNS = ("notice", "body", "kind", "leader_role", "leader", "leader_post", "rank", "rank_label",
                "people", "member_units", "declared_unit_count")


def render_csv(comparison: Comparison, table: str = "sectors") -> str:
    """`sectors`: sector, one column per notice (labelled by place and date; cells M/D/L),
    notices; `bodies`: one row per body, its notice by label."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if table == "sectors":
        writer.writerow(["sector", *(n.label for n in comparison.notices), "notices"])
        for sector in comparison.sectors:
            writer.writerow([sector, *(comparison.cell(sector, n.id).code for n in comparison.notices),
                             comparison.count(sector)])
    elif table == "bodies":
        label = {n.id: n.label for n in comparison.notices}
        writer.writerow(BODY_COLUMNS)
        for row in comparison.bodies:
            values = {c: getattr(row, c) for c in BODY_COLUMNS}
            values["notice"] = label[row.notice]
            writer.writerow(["" if values[c] is None else values[c] for c in BODY_COLUMNS])
    else:
        raise ValueError(f"unknown table {table!r}; known: {', '.join(TABLES)}")
    return out.getvalue()


def render_json(comparison: Comparison) -> str:
    """The comparison as JSON: notices (id, label, place, adcode, date, topics, title, file),
    sectors with their cells by notice id, the sectors present in all, and the body rows."""
    label = {n.id: n.label for n in comparison.notices}
    data = {
        "notices": [{"id": n.id, "label": n.label, "place": n.place, "adcode": n.adcode, "date": n.date,
                     "topics": list(n.topics), "title": n.title, "file": n.file} for n in comparison.notices],
        "sectors": [{"sector": sector, "notices": comparison.count(sector),
                     "cells": {n.id: {"code": cell.code, "units": list(cell.units)}
                               for n in comparison.notices if (cell := comparison.cell(sector, n.id)).code}}
                    for sector in comparison.sectors],
        "present_in_all": comparison.present_in_all(),
        "bodies": [{**{c: getattr(row, c) for c in BODY_COLUMNS}, "label": label[row.notice]}
                   for row in comparison.bodies],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# The bodies are a table from this console width on, one block each below it.
WIDE = 120


def print_tables(comparison: Comparison, console) -> None:
    """The sectors table, split into pages of notices that fit the console's width; the
    notices' numbers, labels and titles; the bodies. Text wraps, a cell is never cut."""
    from rich.table import Table
    from rich.text import Text

    n = len(comparison.notices)
    for start, end in _pages(comparison, console):
        console.print(_sector_table(comparison, start, end))
    legend = Table.grid(padding=(0, 1))
    legend.add_column(justify="right", no_wrap=True)
    legend.add_column(overflow="fold")  # a long title wraps under itself
    for i, column in enumerate(comparison.notices, 1):
        legend.add_row(str(i), Text.assemble((column.label, "bold"), "  ", column.title))
    console.print(legend)
    console.print(Text("  M member unit · D has duties · L leads (牵头单位, or holds the first role)"),
                  overflow="fold")
    everywhere = comparison.present_in_all()
    console.print(Text(f"  present in all {n}: " + ("、".join(everywhere) if everywhere else "none"),
                       style="bold"), overflow="fold")
    if console.width >= WIDE:
        console.print(_body_table(comparison))
    else:
        _print_bodies(comparison, console)


def _pages(comparison: Comparison, console) -> list[tuple[int, int]]:
    """[start, end) of the notices on each page of the sectors table: as many as fit."""
    from rich.measure import Measurement

    n = len(comparison.notices)
    unbounded = console.options.update_width(1 << 20)  # the table's own width, not the console's
    per_page = max(n, 1)
    while per_page > 1 and Measurement.get(console, unbounded,
                                           _sector_table(comparison, 0, per_page)).maximum > console.width:
        per_page -= 1
    return [(start, min(start + per_page, n)) for start in range(0, n, per_page)] or [(0, 0)]


def _sector_table(comparison: Comparison, start: int, end: int):
    from rich import box
    from rich.table import Table
    from rich.text import Text

    n = len(comparison.notices)
    span = f"{start + 1}–{end} of {n}" if end - start < n else str(n)
    table = Table(title=f"领域 × 通知 sectors × notices ({span})", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("sector", overflow="fold")
    for i in range(start + 1, end + 1):
        table.add_column(str(i), justify="center", no_wrap=True)
    table.add_column("notices", justify="right", no_wrap=True)
    styles = {0: "", 1: "cyan", 2: "bold cyan", 3: "bold white on blue"}
    for sector in comparison.sectors:
        cells = [comparison.cell(sector, c.id) for c in comparison.notices[start:end]]
        table.add_row(Text(sector), *(Text(c.code or "·", style=styles[c.score]) for c in cells),
                      str(comparison.count(sector)))
    return table


def _body_table(comparison: Comparison):
    from rich import box
    from rich.table import Table
    from rich.text import Text

    number = {c.id: str(i) for i, c in enumerate(comparison.notices, 1)}
    table = Table(title="机构 bodies: leader's best rank, people, member units (/ declared)",
                  box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("body", overflow="fold", ratio=3)
    # a kind is one word: as wide as the longest, never broken (leading_grou/p)
    table.add_column("kind", no_wrap=True, min_width=max((len(r.kind) for r in comparison.bodies), default=4))
    table.add_column("leader", overflow="fold", ratio=1)
    table.add_column("rank", overflow="fold", ratio=1)
    table.add_column("people", justify="right", no_wrap=True)
    table.add_column("units", justify="right", no_wrap=True)
    for row in comparison.bodies:
        table.add_row(number[row.notice], Text(row.body), Text(row.kind), Text(_leader(row)),
                      Text(f"{row.rank} {row.rank_label}" if row.rank else ""), str(row.people), _units(row))
    return table


def _print_bodies(comparison: Comparison, console) -> None:
    """The bodies one block each, for a narrow console: `3 彭水县 2021-… 彭水县“双减”工作领导小组
    leading_group`, then the leader, rank and counts on an indented line."""
    from rich.text import Text

    number = {c.id: i for i, c in enumerate(comparison.notices, 1)}
    console.print(Text("机构 bodies: leader's best rank, people, member units (/ declared)", style="italic"),
                  overflow="fold")
    for row in comparison.bodies:
        console.print(Text(f"{number[row.notice]:>3}  ") + Text(row.body, style="bold") + Text(f"  {row.kind}"),
                      overflow="fold")
        facts = [_leader(row) or "no leader named", f"{row.rank} {row.rank_label}" if row.rank else "",
                 f"{row.people} people", f"{_units(row)} units"]
        console.print(Text("     " + " · ".join(f for f in facts if f)), overflow="fold")


def _leader(row: BodyRow) -> str:
    return " ".join(x for x in (row.leader_role, row.leader) if x)


def _units(row: BodyRow) -> str:
    return str(row.member_units) + (f"/{row.declared_unit_count}" if row.declared_unit_count else "")


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
margin:2rem;color:#1b1b1b;background:#fff}
h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:2rem 0 .5rem}
p{margin:.3rem 0}.all{font-weight:600}
table{border-collapse:collapse;font-size:.9rem}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
thead th{background:#f6f8fa;position:sticky;top:0}
.heatmap td{text-align:center;min-width:3.2rem;font-family:ui-monospace,monospace}
.heatmap th.notice{writing-mode:vertical-rl;transform:rotate(180deg);max-height:14rem;white-space:nowrap}
.s0{background:#f6f8fa;color:#afb8c1}.s1{background:#c6dbef}.s2{background:#6baed6}
.s3{background:#08519c;color:#fff}
.legend span{display:inline-block;padding:.1rem .5rem;margin-right:.3rem;border:1px solid #d0d7de}
td.num{text-align:right}
"""


def render_html(comparison: Comparison) -> str:
    """A self-contained HTML report (inline CSS, no scripts, no external assets) with a heatmap."""
    e = html.escape
    n = len(comparison.notices)
    everywhere = comparison.present_in_all()
    out = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
           f"<title>sj compare: {n} notices</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
           f"<h1>领域 × 通知 — {n} notices, {len(comparison.sectors)} sectors</h1>",
           f'<p class="all">Present in all {n} notices: <span id="present-in-all">'
           f'{e("、".join(everywhere)) if everywhere else "none"}</span></p>',
           '<p class="legend">M member unit · D has duties · L leads (牵头单位, or holds the first role) — '
           '<span class="s1">1</span><span class="s2">2</span><span class="s3">3</span> of M, D, L</p>',
           '<table id="sectors" class="heatmap">', "<thead><tr><th>领域 sector</th>"]
    for column in comparison.notices:
        out.append(f'<th class="notice" title="{e(column.title)}">{e(column.label)}</th>')
    out.append("<th>notices</th></tr></thead>")
    out.append("<tbody>")
    for sector in comparison.sectors:
        out.append(f"<tr><th>{e(sector)}</th>")
        for column in comparison.notices:
            cell = comparison.cell(sector, column.id)
            tip = f"{sector} · {column.label}: " + ("、".join(cell.units) if cell.units else "—")
            out.append(f'<td class="s{cell.score}" title="{e(tip)}">{e(cell.code) or "·"}</td>')
        out.append(f'<td class="num">{comparison.count(sector)}</td></tr>')
    out.append("</tbody></table>")
    out.append("<h2>机构 bodies: leaders and member counts</h2>")
    out.append('<table id="bodies"><thead><tr>' + "".join(f"<th>{e(c)}</th>" for c in BODY_COLUMNS)
               + "</tr></thead><tbody>")
    for row in comparison.bodies:
        cells = []
        for c in BODY_COLUMNS:
            value = getattr(row, c)
            opening = '<td class="num">' if isinstance(value, int) else "<td>"
            cells.append(f'{opening}{e("" if value is None else str(value))}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    out.append("<h2>通知 notices</h2><ol>")
    for column in comparison.notices:
        out.append(f"<li><b>{e(column.label)}</b> {e(column.title)} <small>(<code>{e(column.id)}</code>, "
                   f"{e(column.file)})</small></li>")
    out += ["</ol>", f"<p><small>sj compare · record schema {SCHEMA_VERSION}</small></p>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
