"""Members named by post: a leader given by post and by name is one person; the rest are reported.

A notice often says who leads a body twice: in its prose by post (`协调机制由县教育局主要负责同志
担任召集人`) and in the roster by name (`召集人 秦国平 县教育局局长`). The bodies stage reads both,
as a member without a name and a named member of the same role. This stage keeps the named one:
the post-only member is dropped and SJ509 (info) names it, its line and the person it is, so
that people are counted once and `sj compare` and the tables report the named leader. A body
that still has members named by post only gets SJ305 (info), once, at the first of them.
"""
from __future__ import annotations

from ..diagnostics import Report
from ..models import Body, Member


def link_leaders(bodies: list[Body], leader_roles: list[str], report: Report) -> list[Body]:
    """Drop a post-only member of a leader role (catalogue.yaml `leader_roles`) whose role named
    members hold on other lines of the same body, at most one post per named member;
    report each as SJ509. `召集人由县教育局主要负责同志担任` + `召集人 秦国平 县教育局局长` → 秦国平."""
    roles = set(leader_roles)
    out = []
    for body in bodies:
        by_post = [m for m in body.members if m.name is None]
        if not by_post:  # (most bodies: every member named, nothing to link or report)
            out.append(body)
            continue
        dropped = set()
        for role in dict.fromkeys(m.role for m in by_post if m.role in roles):
            post_only = [m for m in body.members if m.role == role and m.name is None]
            named = [m for m in body.members if m.role == role and m.name]
            named_lines = {m.line for m in named}
            # A post-only member with several posts may be several people (县教育局主要负责同志、
            # 县财政局主要负责同志): linked only when the names are at least as many as the posts.
            if not named or sum(max(1, len(m.posts)) for m in post_only) > len(named) \
                    or any(m.line in named_lines for m in post_only):
                continue  # no name for the role, or posts of further people (`召集人：张三；县政府分管副县长`)
            names = "、".join(m.name for m in named)
            for member in post_only:
                dropped.add(id(member))
                post = "、".join(member.posts) or role
                report.add("SJ509", member.line, text=post, body=body.name, role=role, post=post,
                           names=names, named_line=named[0].line)
        if dropped:
            body = body.model_copy(update={"members": [m for m in body.members if id(m) not in dropped]})
        _report_post_only(body.name, body.members, report)
        out.append(body)
    return out


def _report_post_only(body: str, members: list[Member], report: Report) -> None:
    """SJ305 at the first member the body names by post only, if any."""
    first = next((m for m in members if m.name is None), None)
    if first is not None:
        report.add("SJ305", first.line, body=body)
