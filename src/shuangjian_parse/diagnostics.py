"""The SJ code catalogue, the Report that collects diagnostics, and their text rendering.

Hundreds by stage: SJ1xx read/normalise, SJ2xx document and sections, SJ3xx bodies,
SJ4xx duties, SJ9xx grammar and internal. A code is never renumbered or reused.
"""
from __future__ import annotations

from dataclasses import dataclass

from .models import Diagnostic


@dataclass(frozen=True)
class Code:
    """One catalogue entry: `SJ201 = Code("SJ201", "warning", "{found} follows {previous}…", doc)`."""

    code: str
    severity: str
    template: str
    doc: str
    removed: bool = False


def _code(code: str, severity: str, template: str, doc: str) -> Code:
    return Code(code, severity, template, doc.strip())


CATALOGUE: dict[str, Code] = {c.code: c for c in [
    _code("SJ101", "warning", "bytes that are not valid {encoding} were replaced by U+FFFD", """
What it means: the file decoded best as the named encoding, but some bytes did not fit it
and were replaced.
Why it matters: names or units near those bytes may be wrong.
Example: notice.txt:12: SJ101 warning: bytes that are not valid gb18030 were replaced by U+FFFD
How to fix: re-save the notice as UTF-8 from the program that made it."""),
    _code("SJ102", "info", "web-page metadata block ({fields}) read as document fields, not content", """
What it means: a block of web-page fields (索引号, 发文单位, 发文字号, 发布日期 …) was found.
Its values feed doc_number and issuers when the notice itself lacks them; the block is not
part of the text.
Why it matters: 发布日期 is not the 成文日期, and the block must not leak into names.
Example: notice.txt:3: SJ102 info: web-page metadata block (索引号, 发文字号) read as document fields
How to fix: nothing to fix; it tells you where the values came from."""),
    _code("SJ201", "warning", "{found} follows {previous}; {expected} is missing", """
What it means: the official numbering 一、（一）1.（1） skips or repeats a number.
Why it matters: a missing item is often text lost in copying (a page cut, a scraped excerpt).
Example: notice.txt:18: SJ201 warning: 四、 follows the start of the text; 一、 is missing
How to fix: check the source for the missing item; if the source really skips it, ignore."""),
    _code("SJ202", "warning", "no title found before the main text", """
What it means: no line of the header reads as a 标题 (关于……的通知 or an organ followed by a 文种).
Why it matters: title and doc_type are empty, and the issuer cannot come from the title.
Example: notice.txt:1: SJ202 warning: no title found before the main text
How to fix: the copy probably starts at the addressees; add the title line if you have it."""),
    _code("SJ203", "info", "no 成文日期 (date under the signature) found", """
What it means: no line consisting of a date alone (2021年12月13日, 二○○五年四月二日) was found
outside the attachments.
Why it matters: date is null; a web page's 发布日期 is deliberately not used instead.
Example: notice.txt:1: SJ203 info: no 成文日期 (date under the signature) found
How to fix: the copy may be cut before the signature; nothing to do if so."""),
    _code("SJ204", "warning", "attachment {index} is listed in 附件说明 but its heading is missing", """
What it means: 附件说明 names attachment N but no `附件N` heading follows in the text.
Why it matters: rosters or duties in that attachment are missing from the record.
Example: notice.txt:59: SJ204 warning: attachment 3 is listed in 附件说明 but its heading is missing
How to fix: check whether the copy includes the attachment."""),
    _code("SJ301", "warning", "{body}: {declared} units declared, {found} found", """
What it means: the notice says how many member units there are (等16个部门组成) and the list
read has a different count.
Why it matters: a unit name may have been split or merged wrongly, or the notice miscounts.
Example: notice.txt:61: SJ301 warning: 联席会议: 16 units declared, 15 found
How to fix: compare the list with the source; a wrongly split 和 is the usual cause."""),
    _code("SJ302", "warning", "roster line could not be read: {text}", """
What it means: a line inside a roster (组成人员, 成员名单) is neither a role label, a name with
posts, nor a list of names.
Why it matters: a member may be missing from the body.
Example: notice.txt:24: SJ302 warning: roster line could not be read: 县委、县政府有关领导
How to fix: check the line; if it is a real member, report the layout as a grammar issue."""),
    _code("SJ303", "warning", "{first} and {second} have the same post ({post}); one may be a typo", """
What it means: two lists of the notice name a person with the same post but a name that
differs by one character (冯红卫 / 冯红伟).
Why it matters: one spelling is probably wrong, and people counts across bodies differ.
Example: notice.txt:230: SJ303 warning: 冯红卫 and 冯红伟 have the same post (县财政局二级主任科员)
How to fix: check the names against the source; correct the notice if it is a typo."""),
    _code("SJ304", "info", "text in a roster was not assigned to any member: {text}", """
What it means: a line between roster entries was read as neither a member nor a unit list.
Why it matters: usually prose (a note on the office) that is fine to skip, sometimes a lost member.
Example: notice.txt:29: SJ304 info: text in a roster was not assigned to any member: 中心日常工作…
How to fix: nothing, unless the line names a member."""),
    _code("SJ305", "info", "{body} names its members by post only; no names are given", """
What it means: a role is held by a post (由县教委主要负责同志担任), not a named person.
Why it matters: the member is recorded with name null; people counts exclude it.
Example: notice.txt:15: SJ305 info: 办公室 names its members by post only; no names are given
How to fix: nothing to fix."""),
    _code("SJ401", "warning", "duty line names units but no task: {text}", """
What it means: a line in a duties section starts with units and a separator but nothing follows.
Why it matters: the task may have been cut off or moved to the next line.
Example: notice.txt:60: SJ401 warning: duty line names units but no task: 县教委：
How to fix: check the source line."""),
    _code("SJ402", "info", "text in a duties section was not assigned to any unit: {text}", """
What it means: a line in a 职责/分工 section did not start with units, nor end with a unit list.
Why it matters: a duty may be missing; often it is a closing sentence that assigns nothing.
Example: notice.txt:60: SJ402 info: text in a duties section was not assigned to any unit: 其他…
How to fix: nothing, unless the line assigns work to a unit in a layout sj does not read."""),
    _code("SJ901", "error", "grammar {file}: {problem}", """
What it means: a grammar file is not valid: bad YAML, an unknown key, a pattern that does not
compile, or an example its own rule fails.
Why it matters: sj refuses to run on a broken grammar rather than parse wrongly.
Example: grammars/sections.yaml:4: SJ901 error: grammar sections.yaml: levels.0.pattern: unbalanced parenthesis
How to fix: correct the file at the line given; `sj grammars check DIR` checks a folder."""),
]}


class Report:
    """Collects diagnostics while the stages run; `add("SJ201", line, found=…)` fills the template."""

    def __init__(self) -> None:
        self._items: list[Diagnostic] = []

    def add(self, code: str, line: int | None, *, column: int | None = None,
            text: str | None = None, **fields: object) -> None:
        entry = CATALOGUE[code]
        message = entry.template.format(text=text, **fields)
        self._items.append(Diagnostic(code=code, severity=entry.severity, message=message,
                                      line=line, column=column, text=text))

    def items(self) -> list[Diagnostic]:
        """The diagnostics in a stable order: by line, then code, then message."""
        return sorted(self._items, key=lambda d: (d.line or 0, d.code, d.message))


def render_text(path: str, diagnostics: list[Diagnostic]) -> str:
    """`file:line: SJxxx severity: message`, one per line (column added when known)."""
    out = []
    for d in diagnostics:
        where = f"{path}:{d.line or 1}" + (f":{d.column}" if d.column else "")
        out.append(f"{where}: {d.code} {d.severity}: {d.message}")
    return "\n".join(out) + ("\n" if out else "")


def explain(code: str) -> str | None:
    """The documentation block `sj explain SJ201` prints, or None for an unknown code."""
    entry = CATALOGUE.get(code.upper())
    if entry is None:
        return None
    head = f"{entry.code} ({entry.severity}){' [removed]' if entry.removed else ''}: {entry.template}"
    return f"{head}\n\n{entry.doc}\n"
