"""The SJ code catalogue, the Report that collects diagnostics, and their text rendering.

Hundreds by stage: SJ1xx read/normalise/script, SJ2xx document and sections, SJ3xx bodies,
SJ4xx duties, SJ5xx canonical units and consistency, SJ9xx grammar and internal. A code is never renumbered or reused.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

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


# The codes that say a roster, unit list or duties section held text no layout read: a record
# with one of them is not complete (`sj batch` counts such notices).
UNREAD = frozenset({"SJ302", "SJ307", "SJ403"})

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
    _code("SJ103", "warning", "read as {encoding}, a guess: {reason}", """
What it means: the file is not UTF-8, and read as GB18030 (which decodes almost any bytes)
it does not look like Chinese text: kana, Greek, box drawing or private-use characters, or
hardly any of GB2312's common characters. sj read it as Big5 (traditional Chinese, Taiwan and
Hong Kong) when that fits, else as GB18030 all the same.
Why it matters: a wrong guess turns every name into nonsense; a right one still gives
traditional Chinese (組長, 縣教育局), which sj's simplified word lists mostly do not read.
Example: notice.txt:1: SJ103 warning: read as big5, a guess: as GB18030 50% of its characters are kana, Greek, box drawing or private use; it is traditional Chinese, which sj's simplified word lists read poorly
How to fix: save the notice as UTF-8 (iconv -f BIG5 -t UTF-8); for traditional Chinese,
convert it to simplified first (OpenCC t2s). A web page that declares its charset is read in it."""),
    _code("SJ104", "info", "the notice is in traditional characters (on {count} of {total} lines); "
          "matched through simplified ones, values kept as written", """
What it means: the notice is written, wholly or in part, in traditional characters
(領導小組, 縣教育局). sj matched it through simplified characters, mapped one for one by
OpenCC, and wrote every value as written in the source; kinds, 文种 and the unit catalogue's
canonical names and sectors are sj's own, in simplified characters. The line and column are
those of the first traditional character.
Why it matters: names and units keep the notice's spelling, so they differ from those of
simplified notices; compare them by `canonical` and `sector`.
Example: notice.txt:1:3: SJ104 info: the notice is in traditional characters (on 23 of 24 lines); matched through simplified ones, values kept as written
How to fix: nothing to fix; it tells you why the values are in traditional characters."""),
    _code("SJ105", "info", "line breaks rebuilt: {how}", """
What it means: the text's line breaks were not those of the notice, and sj rebuilt them before
reading it. Either the text is hard-wrapped at one width (a PDF's text layer: most lines
have the same length), and a line that reaches that width was joined with the next unless
that one starts something new (a numbered item, a label, a date, an indented paragraph); or
the notice lost its line breaks (a few lines of hundreds of characters), and its lines were
split before numbered items, role labels (组长：), unit labels after a sentence end, 附件 and
the closing signature and date.
Why it matters: rosters, duties and headings are read line by line; without this a duty cut
at a page's line end loses its end, and a notice on one line yields no roster. The rebuilt
lines are guesses from the layout: check the record where a line starts or ends oddly.
`line` still names the source line each piece comes from.
Example: notice.pdf:1: SJ105 info: line breaks rebuilt: the lines are cut at 38 characters, as on a PDF page; a line that reaches that width was joined with the next
How to fix: nothing to fix when the record reads well; otherwise give sj the notice as text
with its own line breaks (`sj parse --dump-text` shows the text sj read)."""),
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
    _code("SJ205", "info", "title read from {source}: {title}", """
What it means: no line of the header is the title alone; it was cut from a line that runs on
into the text (line breaks lost: `…的通知 各乡镇：为…`), or taken from the file name a
document-sharing page shows (`某县双减工作.docx`), carried on to its 文种 where the text repeats it.
Why it matters: the title is likelier to be cut at the wrong place than one on its own line.
Example: notice.txt:1: SJ205 info: title read from a line that runs on into the text: 关于建立联席会议制度的通知
How to fix: nothing, unless the title is wrong; restore the copy's line breaks if you can."""),
    _code("SJ206", "info", "a title-like line above the notice's title was skipped: {text}", """
What it means: a web copy repeats the page's own title (or a headline) above the notice; a
later title, followed by a 发文字号 or the 主送机关, was taken as the notice's instead.
Why it matters: the page's title is often shortened or prefixed (`某省关于…`, `文号《…》`) and would
give a wrong title and issuer.
Example: notice.txt:1: SJ206 info: a title-like line above the notice's title was skipped: 某省关于成立领导小组的通知
How to fix: nothing, unless the skipped line is the notice's real title."""),
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
    _code("SJ306", "warning", "damaged roster line read: {text} ({repair})", """
What it means: a roster line was damaged in copying (a role label lost its first character,
a bracket lost its pair) and was read by repairing it; the repair is named.
Why it matters: the repair is a guess made from the rest of the roster; check it.
Example: notice.txt:18: SJ306 warning: damaged roster line read: 长:孙海方(县委常委) (read as the role label 组长)
How to fix: correct the source line if you can; otherwise check the member it gave."""),
    _code("SJ307", "warning", "roster text was not read: {text}", """
What it means: a line inside a roster, or in a section of rosters, gave no member and no unit,
though part of it looks like roster text (a role label, a name with a post).
Why it matters: members are probably missing from the body; the layout is one sj does not read.
Example: notice.txt:31: SJ307 warning: roster text was not read: 组长由张三同志担任，副组长：…
How to fix: check the line; report its layout so that a rule can be added (sj grammars list
shows the layouts sj reads)."""),
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
    _code("SJ403", "warning", "duty text was not read: {text}", """
What it means: a line in a 职责/分工 section starts with a unit, or names units with a verb, as
duties do, but no duty form read it.
Why it matters: a unit's duties are probably missing from the record.
Example: notice.txt:44: SJ403 warning: duty text was not read: 县教育局要会同县财政局……
How to fix: check the line; report its layout so that a duty form can be added (sj grammars
list shows the forms sj reads)."""),
    _code("SJ501", "info", "{text} is not in the unit catalogue", """
What it means: a member unit, a duty unit or the unit of a post matched no entry of
grammars/catalogue.yaml, even after its level prefix (县, 彭水县, 桂林市象山区) was read off.
Its `canonical` and `sector` are null.
Why it matters: the unit drops out of comparisons by sector (`sj compare`).
Example: notice.txt:121: SJ501 info: 区青少年活动中心 is not in the unit catalogue
How to fix: if the unit is a real county organ, add it (or the alias) to catalogue.yaml with
an example; nothing to do for one-off units."""),
    _code("SJ502", "warning", "{text} is not in the unit catalogue; probably a typo for {suggestion} ({canonical})", """
What it means: an unknown unit is one edit (a character replaced, added or dropped) away from
a known name of the catalogue, and the edit is not between two characters that tell organs
apart (大队/中队, 局/委, 县/区).
Why it matters: a typo splits one department into two in comparisons; the notice itself is
probably wrong.
Example: notice.txt:26: SJ502 warning: 县消防教援大队 is not in the unit catalogue; probably a typo for 县消防救援大队 (消防救援大队)
How to fix: correct the source if it is a typo; if the name is real, add it to catalogue.yaml."""),
    _code("SJ503", "warning", "{first} ({first_post}) and {second} ({second_post}) hold the same post; one name may be a typo", """
What it means: two lists of the notice name a person whose posts, written differently, name
the same unit and title (县人社局副局长 / 县人力资源和社会保障局副局长), and the two names differ
in one character. SJ303 covers the case where the post is written the same way.
Why it matters: one spelling of the name is probably wrong, and people counts differ.
Example: notice.txt:20: SJ503 warning: 李明华 (县人社局副局长) and 李明化 (县人力资源和社会保障局副局长) hold the same post; one name may be a typo
How to fix: check the names against the source."""),
    _code("SJ504", "info", "{person} sits on {body}, but {unit} is not among its member units", """
What it means: a roster member who is no leader of the body (成员, 联络员) holds a post in a
unit that the body's list of 成员单位 does not name (compared by canonical name).
Why it matters: the roster and the member-unit list disagree: a unit is missing from the
list, or the person sits on the body in another capacity.
Example: notice.txt:121: SJ504 info: 申早霞 (区青少年活动中心主任) sits on 象山区…联席会议, but 区青少年活动中心 is not among its member units
How to fix: check both lists in the source; nothing to do when the difference is intended."""),
    _code("SJ505", "info", "{text} is a member unit of {body} but no duty names it", """
What it means: the notice assigns duties (职责分工), and a member unit has none, compared by
canonical name (县人社局 and 人力资源和社会保障部门 are one unit).
Why it matters: a member unit without a task is a gap in the division of work, or its duty
was written under another name.
Example: notice.txt:62: SJ505 info: 县工信局 is a member unit of 陵川县“双减”工作专门协调机制 but no duty names it
How to fix: nothing to fix in the parse; check the notice's 职责分工."""),
    _code("SJ506", "info", "{text} has a duty but is not a member unit of {body}", """
What it means: a duty names a unit that no body of the notice lists among its 成员单位,
compared by canonical name.
Why it matters: the unit works for the body without sitting on it, or the member-unit list
is incomplete.
Example: notice.txt:86: SJ506 info: 县消防救援支队 has a duty but is not a member unit of 某县领导小组
How to fix: nothing to fix in the parse; check the notice's lists."""),
    _code("SJ507", "warning", "{body}: {first} and {second} are the same unit ({canonical}), listed twice", """
What it means: one body's 成员单位 names the same organ twice under two spellings
(县人社局 and 县人力资源和社会保障局). Organs that exist once per place (乡镇, 街道) are not counted.
Why it matters: the number of member units is one too many, and a declared count
(等16个部门) may seem not to match.
Example: notice.txt:13: SJ507 warning: 县联席会议: 县人社局 and 县人力资源和社会保障局 are the same unit (人力资源和社会保障局), listed twice
How to fix: check the list in the source; if the two are really different organs, give
one its own entry in catalogue.yaml."""),
    _code("SJ508", "info", "jurisdiction unknown: {reason}", """
What it means: sj found no place it could name as the notice's jurisdiction (发文地区): the
issuers, the title, the bodies' names and the text name no division of the division table, or
name one that several divisions share (朝阳区, 城区) without naming a parent that tells them
apart, or name only places of another level than the notice's units (县教育局 in a notice
whose title names a city). The record's `jurisdiction` is null.
Why it matters: the notice drops out of comparisons and tables by province, city or county.
Example: notice.txt:3: SJ508 info: jurisdiction unknown: 城区 may be 山西省/阳泉市城区、山西省/晋城市城区; the notice names no parent that tells them apart
How to fix: nothing to fix in the parse when the notice does not say where it is from (a page
cut from a longer document); otherwise check that the place is written with its level word
(彭水县, not 彭水) and, for a name several places share, with its city or province."""),
    _code("SJ509", "info", "{body}: the {role} given by post ({post}) is {names}, named on line "
          "{named_line}; the post-only entry is dropped", """
What it means: the notice gives a body's leader twice: by post in its text (召集人由县教育局主要
负责同志担任) and by name in a roster (召集人 秦国平 县教育局局长). Both name the same role of
the same body, so they are one person: the record keeps the named member and drops the one
with a post only. A leader role (catalogue.yaml `leader_roles`) is linked this way when named
members hold it on other lines than the post-only ones, and at least as many of them.
Why it matters: without it the body has one leader too many, and the first of them, the one
without a name, would be reported as the body's leader (`sj compare --table bodies`).
Example: notice.txt:35: SJ509 info: 陵川县“双减”工作专门协调机制: the 召集人 given by post (县教育局主要负责同志) is 秦国平, named on line 141; the post-only entry is dropped
How to fix: nothing to fix; check the named member when the post and the name seem to be two
people (the post is kept here and in the text)."""),
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
        self._as_written: Callable[[str, int | None], str] | None = None

    def write_as(self, restore: Callable[[str, int | None], str]) -> None:
        """Write the text and values of every later diagnostic through `restore(value, line)`:
        a notice read through simplified characters is reported in its own (stages/script.py)."""
        self._as_written = restore

    def add(self, code: str, line: int | None, *, column: int | None = None,
            text: str | None = None, **fields: object) -> None:
        entry = CATALOGUE[code]
        if self._as_written is not None:
            restore = self._as_written
            text = restore(text, line) if text else text
            fields = {k: restore(v, line) if isinstance(v, str) else v for k, v in fields.items()}
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
