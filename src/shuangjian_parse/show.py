"""`sj show NOTICE`: one parsed notice as a human view in the terminal.

    console = Console()
    show_notice(result.notice, source_lines, console, rank_label=reader.rank_label)

The outline is a tree, each body's members and member units are tables, the duties are
grouped by unit (canonical name), and each diagnostic is followed by its source line (and a
caret when its column is known, counted in display cells: a CJK character is 2 wide).
Notice text is always printed as `rich.text.Text`, never parsed as markup.
"""
from __future__ import annotations

from typing import Callable, Optional

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from .models import Body, Diagnostic, Notice, Section

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
DUTY_CHARS = 80


def show_notice(notice: Notice, source: list[str], console: Console,
                rank_label: Callable[[Optional[int], Optional[str]], str] = lambda rank, sector: "") -> None:
    """Print the whole view: document, outline, bodies, duties by unit, diagnostics."""
    console.print(_document(notice))
    if notice.sections:
        console.print(_outline(notice.sections))
    for body in notice.bodies:
        console.print(_body(body, rank_label))
    if notice.duties:
        console.print(_duties(notice))
    console.print(_diagnostics(notice.diagnostics, source))


def _document(notice: Notice) -> Table:
    doc = notice.document
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    rows = [("标题 title", doc.title), ("发文字号 number", doc.doc_number),
            ("发文机关 issuers", "、".join(doc.issuers) or None), ("成文日期 date", doc.date),
            ("文种 type", doc.doc_type), ("发文地区 place", _place(notice)),
            ("议题 topics", "、".join(t.name for t in notice.topics) or None),
            ("来源 source", f"{notice.source.path} ({notice.source.encoding}, {notice.source.lines} lines)")]
    for label, value in rows:
        grid.add_row(label, Text(value if value is not None else "—"))
    for a in doc.attachments:
        grid.add_row("附件 attachment", Text(f"{a.index or ''} {a.title}".strip()))
    return grid


def _place(notice: Notice) -> Optional[str]:
    """`彭水苗族土家族自治县 (重庆市, 500243)`; None when the record names no place."""
    place = notice.jurisdiction
    if place is None:
        return None
    within = [p.name for p in place.parents] + ([place.adcode] if place.adcode else [])
    return place.full_name + (f" ({', '.join(within)})" if within else "")


def _outline(sections: list[Section]) -> Tree:
    tree = Tree(Text("正文结构 outline", style="bold"))

    def add(node: Tree, items: list[Section]) -> None:
        for s in items:
            mark = {1: f"{s.number}、", 2: f"（{s.number}）", 3: f"{s.number}.", 4: f"（{s.number}）"}[s.level]
            label = Text(f"{mark}{s.heading or '…'}")
            label.append(f"  {s.kind}", style="dim" if s.kind == "other" else "green")
            label.append(f"  L{s.line}", style="dim")
            add(node.add(label), s.children)

    add(tree, sections)
    return tree


def _body(body: Body, rank_label: Callable[[Optional[int], Optional[str]], str]) -> Group:
    title = Text(f"{body.name}", style="bold")
    title.append(f"  {body.kind}  L{body.line}", style="dim")
    if body.parent:
        title.append(f"  ⊂ {body.parent}", style="dim")
    parts: list = [Text(""), title]
    if body.lead_unit:
        lead = body.lead_unit_ref
        parts.append(Text(f"牵头单位 lead unit: {body.lead_unit}"
                          + (f" → {lead.canonical} ({lead.sector})" if lead and lead.canonical else "")))
    if body.members:
        table = Table(box=box.SIMPLE_HEAD, title_justify="left", title="组成人员 members")
        for column in ("role", "name", "post", "unit → canonical", "sector", "rank", "line"):
            table.add_column(column, overflow="fold")
        for m in body.members:
            posts = m.post_units or []
            first = True
            for post in posts or [None]:
                unit = ""
                if post is not None and post.unit:
                    unit = post.unit + (f" → {post.canonical}" if post.canonical else " → ?")
                rank = ""
                if post is not None and post.rank:
                    rank = f"{post.rank} {rank_label(post.rank, post.sector)}".strip()
                table.add_row(Text(m.role if first else ""), Text((m.name or "—") if first else ""),
                              Text(post.post if post is not None else "—"), Text(unit),
                              Text(post.sector or "" if post is not None else ""), Text(rank),
                              Text(str(m.line) if first else "", style="dim"))
                first = False
        parts.append(table)
    if body.member_units:
        count = f"{len(body.member_units)} 个"
        if body.declared_unit_count is not None:
            count += f", 声明 declared {body.declared_unit_count}"
        table = Table(box=box.SIMPLE_HEAD, title_justify="left", title=f"成员单位 member units ({count})")
        for column in ("#", "unit", "canonical", "sector", "line"):
            table.add_column(column, overflow="fold")
        for i, u in enumerate(body.member_units, 1):
            table.add_row(str(i), Text(u.name), Text(u.canonical or "?", style="" if u.canonical else "red"),
                          Text(u.sector or ""), Text(str(u.line), style="dim"))
        parts.append(table)
    return Group(*parts)


def _duties(notice: Notice) -> Table:
    """Duties grouped by unit: one row per unit (canonical name) with the lines of its duties."""
    by_unit: dict[str, tuple[str, str, list[tuple[int, str]]]] = {}
    for duty in notice.duties:
        refs = duty.unit_refs or []
        names = [(r.name, r.canonical, r.sector) for r in refs] or [(u, None, None) for u in duty.units]
        for name, canonical, sector in names:
            key = canonical or name
            shown, _, items = by_unit.setdefault(key, (name, sector or "", []))
            items.append((duty.line, duty.text))
    table = Table(box=box.SIMPLE_HEAD, title="职责分工 duties by unit", title_justify="left")
    for column in ("unit", "sector", "line", "duty"):
        table.add_column(column, overflow="fold")
    for key, (name, sector, items) in by_unit.items():
        label = name if key == name else f"{name} → {key}"
        for i, (line, text) in enumerate(items):
            short = text if len(text) <= DUTY_CHARS else text[:DUTY_CHARS] + "…"
            table.add_row(Text(label if i == 0 else ""), Text(sector if i == 0 else ""),
                          Text(str(line), style="dim"), Text(short))
    return table


def _diagnostics(diagnostics: list[Diagnostic], source: list[str]) -> Group:
    parts: list = [Text(""), Text(f"诊断 diagnostics ({len(diagnostics)})", style="bold")]
    if not diagnostics:
        parts.append(Text("  none", style="dim"))
    for d in diagnostics:
        head = Text(f"L{d.line or 1}" + (f":{d.column}" if d.column else "") + ": ")
        head.append(f"{d.code} {d.severity}", style=SEVERITY_STYLE.get(d.severity, ""))
        head.append(f": {d.message}")
        parts.append(head)
        if d.line and 1 <= d.line <= len(source):
            line = source[d.line - 1]
            gutter = f"  {d.line:>5} │ "
            parts.append(Text(gutter + line, style="dim", no_wrap=True, overflow="ellipsis"))
            if d.column and d.column <= len(line) + 1:
                width = cell_len(d.text) if d.text and line[d.column - 1:].startswith(d.text) else 1
                pad = " " * (len(gutter) + cell_len(line[: d.column - 1]))
                parts.append(Text(pad + "^" * max(1, width), style=SEVERITY_STYLE.get(d.severity, "")))
    return Group(*parts)
