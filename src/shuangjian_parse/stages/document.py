"""Stage 3: Text -> Document (title, 发文字号, issuers, 成文日期, addressees, attachments) and Layout.

The Layout tells later stages where the header ends, where the attachments begin and which
lines are the signature, so that they read the main text and each attachment apart.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..diagnostics import Report
from ..grammar import DocumentRules, PerGrammar, any_of, gated, required, words
from ..prefilter import needs_any
from ..models import Attachment, Document, Line, Text
from ..numerals import cn_digits, cn_number
from .units import UnitReader, split_outside_brackets

_SENTENCE = re.compile(r"[。，；,;！？]")
_SENTENCE_END = re.compile(r"[。；;！？]")
_HEADING_NUMBER = re.compile(r"\s*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[)）])")
_ITEM = re.compile(r"\s*(?:\d{1,3}\s*[.．、](?!\d)|[（(]\s*\d{1,3}\s*[)）])")  # 1．负责… / （1）负责…
# Numbering a copy puts before a run-on line (1、), up to its first Chinese character.
_NOT_CJK_START = re.compile(r"^[^\u4e00-\u9fff]+")


@dataclass(frozen=True)
class AttachmentPart:
    """Lines [start, end) of the text hold attachment `index`, titled `title`."""

    index: int | None
    title: str | None
    start: int
    end: int
    title_inline: bool = False  # 附件1：名单 (title on the heading line) or on the next line

    @property
    def content_start(self) -> int:
        """The first line after the heading and its title."""
        return self.start + (1 if self.title_inline else 2)


@dataclass(frozen=True)
class Layout:
    """Where things are in Text.lines: header, main text, signature, attachments."""

    body_start: int
    main_end: int
    title_lines: frozenset[int] = frozenset()
    signature: frozenset[int] = frozenset()
    attachment_note: frozenset[int] = frozenset()
    parts: list[AttachmentPart] = field(default_factory=list)

    def main_text(self) -> list[int]:
        """Indices of the main text's content lines: no signature, no 附件说明."""
        skip = self.signature | self.attachment_note
        return [i for i in range(self.body_start, self.main_end) if i not in skip]

    def lead(self, lines: list[Line]) -> list[int]:
        """Indices of prose above the title: the news paragraph a web copy puts before the notice
        it carries (…委员会成立。日前，…由A任主任…); 版头, 发文字号 and short lines left out."""
        return [i for i in range(min(self.title_lines, default=0)) if is_body_text(lines[i].text)
                and _SENTENCE_END.search(lines[i].text)]


@dataclass(frozen=True)
class DocumentResult:
    document: Document
    layout: Layout


class _Rules:
    """document.yaml's rules as the stage reads them, gathered once per grammar: a rule's
    attribute costs a hook each time it is read (its .regex more), and the stage read some
    forty a notice. Each pattern rule stands here as its compiled pattern, under its name."""

    def __init__(self, rules: DocumentRules) -> None:
        self.attachment_item, self.attachment_line = rules.attachment_item.regex, rules.attachment_line.regex
        self.book_title, self.colophon, self.date = rules.book_title.regex, rules.colophon.regex, rules.date.regex
        self.doc_number, self.doc_number_bare = rules.doc_number.regex, rules.doc_number_bare.regex
        self.file_name, self.header_mark = rules.file_name.regex, rules.header_mark.regex
        self.organ_start, self.proxy_seal = rules.organ_start.regex, rules.proxy_seal.regex
        self.run_on_title, self.site_suffix = rules.run_on_title.regex, rules.site_suffix.regex
        self.title_note = rules.title_note.regex
        self.title_start = any_of(rules.title_start)
        self.organ = _ending(tuple(rules.organ_suffixes))
        self.doc_type_end = _ending(tuple(rules.doc_types))
        self.doc_types = list(rules.doc_types)
        self.date_anywhere = _anywhere(rules.date.pattern)
        self.date_needs = needs_any([rules.date.pattern], required)   # (a finder of 年: one scan of a line)
        self.addressee_end, self.addressee_word = _compiled(rules.addressee_end), _compiled(rules.addressee_word)
        self.doc_number_fields, self.issuer_fields = list(rules.doc_number_fields), list(rules.issuer_fields)


_PREPARED = PerGrammar(_Rules)


def extract_document(text: Text, grammar: DocumentRules, units: UnitReader, report: Report) -> DocumentResult:
    """Read the 公文 elements: `关于成立…的\\n通  知` -> title 关于成立…的通知, doc_type 通知."""
    rules = _PREPARED.get(grammar)
    lines = text.lines
    organ, doc_type_end = rules.organ, rules.doc_type_end

    found = _find_title(lines, rules, organ, doc_type_end)
    title, title_idx, header_mark = found.text, list(found.lines), found.header_mark
    after_title = found.end
    addressees, addressee_idx = _find_addressees(lines, after_title, rules, organ)
    # 各乡镇党委、人民政府 -> 各乡镇党委, 各乡镇人民政府: shared affixes, as in unit lists.
    addressees = units.distribute(addressees, stems=False)
    body_start = addressee_idx + 1 if addressee_idx is not None else after_title
    header = [ln for ln in lines[:max(body_start, after_title + 2)] if not is_body_text(ln.text)]
    doc_number = found.doc_number or _find_doc_number(header, rules)
    field = next((k for k in rules.doc_number_fields if k in text.metadata), None)
    if doc_number is None and field:
        doc_number = _find_doc_number([Line(text.metadata[field][0], 1)], rules)
    if doc_number is not None and doc_number[1] in header:
        body_start = max(body_start, lines.index(doc_number[1]) + 1)

    marks = _attachment_lines(lines, body_start, rules)
    first_bare = next((i for i, m in marks if not m["title"]), len(lines))
    date, date_idx, signed = _find_date(lines, body_start, first_bare, rules, organ)
    parts, note_items, note_lines, main_end = _find_attachments(lines, marks, date_idx, rules,
                                                                _text_end(lines, body_start, marks, rules))
    signature, signature_idx = _find_signature(lines, date_idx, signed, body_start, rules, organ)

    issuers = signature
    if not issuers and header_mark:
        issuers = [header_mark]
    if not issuers:
        field = next((k for k in rules.issuer_fields if k in text.metadata), None)
        if field:
            issuers = ["".join(text.metadata[field][0].split())]
    if not issuers and found.opening:
        issuers = [o for part in re.split(r"[、，,]", found.opening)
                   for o in _organs(part.strip(), organ, rules) if organ.search(o)]

    first_line = lines[0].line if lines else 1
    if title is None:
        report.add("SJ202", first_line)
    elif found.source:
        report.add("SJ205", lines[found.lines[0]].line if found.lines else first_line,
                   source=found.source, title=title)
    for skipped in found.skipped:
        report.add("SJ206", skipped.line, text=skipped.text)
    if date is None and found.date:
        date = found.date  # the 题注 of a list or rules issued without a signature
    elif date is None:
        report.add("SJ203", first_line)
    doc_type = None
    if title:
        m = doc_type_end.search(title)
        doc_type = m.group(0) if m else None

    attachments = note_items or [Attachment(index=p.index, title=p.title, line=lines[p.start].line)
                                 for p in parts if p.title]
    if note_items and parts:
        found_parts = {p.index for p in parts}
        for a in note_items:
            if a.index is not None and a.index not in found_parts and len(parts) > 1:
                report.add("SJ204", a.line, index=a.index)
    document = Document(title=title, doc_number=doc_number[0] if doc_number else None,
                        issuers=issuers, date=date, addressees=addressees, doc_type=doc_type,
                        attachments=attachments)
    layout = Layout(body_start=body_start, main_end=main_end, title_lines=frozenset(title_idx),
                    signature=frozenset(signature_idx), attachment_note=frozenset(note_lines),
                    parts=parts)
    return DocumentResult(document=document, layout=layout)


@dataclass  # not frozen (never changed all the same): a frozen dataclass sets each of its nine fields by a call
class _Title:
    """The title _find_title settled on, and what stands around it."""

    text: str | None = None
    lines: tuple[int, ...] = ()
    header_mark: str | None = None  # the 版头 organ
    end: int = 0  # the first line after the title (its own line when the text runs on after it)
    opening: str = ""  # the organs written before 关于, spaces kept: `某县教育局 某县财政局`
    doc_number: tuple[str, Line] | None = None  # read before the title on a run-on line
    date: str | None = None  # from a 题注
    source: str | None = None  # how a title not written on lines of its own was read (SJ205)
    skipped: tuple[Line, ...] = ()  # title-like lines above it: a web page's own title (SJ206)


def _find_title(lines: list[Line], rules: _Rules, organ: re.Pattern,
                doc_type_end: re.Pattern) -> _Title:
    """The notice's title: the last title before its text begins.

    A web copy repeats the page's own title, or a headline, above the notice: a later title
    replaces an earlier one when a 发文字号 or the 主送机关 follows it (or it carries a 题注).
    Above a news report or a sharing site's blurb only such a confirmed title counts; a line
    that runs on from the title into the text gives the title at its start; failing all, the
    file name a document-sharing page shows.
    """
    starts = rules.title_start
    header_pattern, file_name_pattern = rules.header_mark, rules.file_name  # read once
    header_mark = None
    found: _Title | None = None
    skipped: list[Line] = []
    prose = False
    file_name: tuple[str, int] | None = None
    limit = min(len(lines), 20)
    i = 0
    while i < limit:
        text = lines[i].text
        mark = header_pattern.match(text)
        if mark and not starts.search(text):
            header_mark = "".join(mark.group("organ").split())
            i += 1
            continue
        name = file_name_pattern.match(text) if "." in text and found is None and file_name is None else None
        if name:
            file_name = (name.group("name"), i)
            i += 1
            continue
        if _SENTENCE.search(text) or (text.endswith(("：", ":")) and _addressee_names(text, rules, organ)):
            if found is not None:
                break  # the text begins under the title
            if is_body_text(text):
                run_on = _run_on_title(lines[i], i, header_mark, rules, organ) if "关于" in text else None
                if run_on is not None:
                    return run_on
                prose = True  # the copy starts inside the text, or under a news report
            i += 1
            continue
        if text.endswith(("：", ":")):  # a label (发布时间：) with its value below
            i += 1
            continue
        if not (starts.search(text) or _title_note(lines, i, rules)):
            i += 1
            continue
        candidate = _title_at(lines, i, limit, found.end if found else 0, header_mark, rules, starts, organ,
                              doc_type_end)
        # Under prose only a confirmed title counts, and so does one without its 文种 (关于领导小组
        # 办公室 is a heading); a later title replaces an earlier one when it is confirmed or the
        # text begins right under it.
        complete = candidate.date or doc_type_end.search(candidate.text)
        if prose or not complete or found is not None:
            begins = (complete and not prose and candidate.end < len(lines)
                      and _SENTENCE.search(lines[candidate.end].text) is not None)
            if not (begins or _confirmed(candidate, lines, rules, organ)):
                i += 1
                continue
        if found is not None and found.text != candidate.text:
            skipped.append(lines[found.lines[0]])
        found = candidate
        i = candidate.end
    if found is not None:
        return replace(found, skipped=tuple(skipped)) if skipped else found
    if file_name is not None:
        return _title_from_file_name(lines, *file_name, limit, rules, doc_type_end, header_mark)
    return _Title(header_mark=header_mark)


def _title_at(lines: list[Line], i: int, limit: int, floor: int, header_mark: str | None,
              rules: _Rules, starts: re.Pattern, organ: re.Pattern, doc_type_end: re.Pattern) -> _Title:
    """The title that starts on line i, with the organ lines right above it and the lines it
    goes on to until its 文种 (at most four), or its 题注."""
    idx = [i]
    # Organ lines right above 关于 (no blank line between) are part of the title; a joint
    # notice stacks several. One set apart by a blank line is the 版头.
    k = i
    while (k > floor and not lines[k].gap_before and len(idx) < 4
           and _is_organ_line(lines[k - 1].text, organ)):
        k -= 1
        idx.insert(0, k)
    if header_mark is None and k == i and i > floor and _is_organ_line(lines[i - 1].text, organ):
        header_mark = "".join(lines[i - 1].text.split())
    # The line may close with a 题注 (某县河长名单（2022年3月1日）) or, on a page's own title,
    # with the site's name after the 文种 (…的通知_某县人民政府网): the title is the rest.
    head = lines[i].text
    note = rules.title_note.search(head) if head.endswith((")", "）")) else None
    if note:
        head = head[: note.start()]
    elif not doc_type_end.search("".join(head.split())):
        site = rules.site_suffix.search(head)
        if site and doc_type_end.search(head[: site.start()]):
            head = head[: site.start()]
    note_line = None
    j = i
    while note is None and j + 1 < limit:
        below = _note_line(lines[j + 1].text, rules)
        if below:
            note, note_line = below, j + 1
            break
        if head != lines[i].text or doc_type_end.search("".join(lines[idx[-1]].text.split())):
            break
        j += 1
        nxt = lines[j].text
        if (_SENTENCE.search(nxt) or nxt.endswith(("：", ":")) or len(idx) >= 4 or starts.search(nxt)
                or rules.doc_number.search(nxt) or rules.date.match(nxt)):
            break
        idx.append(j)
    if note is None and not doc_type_end.search("".join(lines[idx[-1]].text.split())):
        idx = idx[: idx.index(i) + 1]
    raw = " ".join(head if k == i else lines[k].text for k in idx)
    title = "".join(raw.split())
    title = re.sub(r"^[(（]|[)）]$", "", title) if title.startswith(("(", "（")) else title
    book = rules.book_title.match(title)
    if book:
        title = book.group("title")
    opening = _NOT_CJK_START.sub("", raw.split("关于", 1)[0].rsplit("《", 1)[-1]) if "关于" in raw else ""
    if note_line is not None:
        idx.append(note_line)
    return _Title(text=title, lines=tuple(idx), header_mark=header_mark, end=idx[-1] + 1, opening=opening,
                  date=parse_date(note) if note else None)


def _title_note(lines: list[Line], i: int, rules: _Rules) -> bool:
    """A 题注 closes line i or stands alone on the next line: `某县河长名单` / `（2022年3月1日）`."""
    text = lines[i].text
    if text.endswith((")", "）")):
        note = rules.title_note.search(text)
        if note:
            return note.start() > 0
    return i + 1 < len(lines) and _note_line(lines[i + 1].text, rules) is not None


def _note_line(text: str, rules: _Rules) -> re.Match | None:
    """A line that is a 题注 alone: `（2021年5月6日县政府第12次常务会议通过）`."""
    return rules.title_note.match(text) if text.endswith((")", "）")) else None


def _confirmed(title: _Title, lines: list[Line], rules: _Rules, organ: re.Pattern) -> bool:
    """The notice's own title: a 发文字号 or the 主送机关 follows it, or it carries a 题注."""
    if title.date:
        return True
    for j in range(title.end, min(title.end + 2, len(lines))):
        text = lines[j].text
        if not is_body_text(text) and rules.doc_number.search(text):
            return True
    addressee = _find_addressees(lines, title.end, rules, organ)[1]
    return addressee is not None and addressee <= title.end + 1


def _run_on_title(line: Line, i: int, header_mark: str | None, rules: _Rules,
                  organ: re.Pattern) -> _Title | None:
    """`某办公室某教基2018 103 号关于…的通知各乡镇：为…`: the title cut from a line that runs on
    into the text, and the 版头 and 发文字号 written before it."""
    m = rules.run_on_title.match(line.text)
    if m is None:
        return None
    lead, title = m.group("lead"), m.group("title")
    doc_number = None
    number = rules.doc_number.search(lead) or rules.doc_number_bare.search(lead)
    if number:
        before = _NOT_CJK_START.sub("", lead[: number.start("year")]).rstrip(" 〔[［(（【")
        mark, code = _split_issuer_code(before, organ)
        header_mark = mark or header_mark
        digits = "".join(number.group("num").split())
        doc_number = (f"{code}〔{number.group('year')}〕{digits}号", line)
        lead = lead[number.end():]
    lead = _NOT_CJK_START.sub("", lead).strip()
    if lead and _is_organ_line(lead, organ):
        title = "".join(lead.split()) + title
    else:
        lead = ""
    return _Title(text=title, lines=(i,), header_mark=header_mark, end=i, opening=lead, doc_number=doc_number,
                  source="a line that runs on into the text")


def _split_issuer_code(text: str, organ: re.Pattern) -> tuple[str | None, str]:
    """`某市某领导小组办公室某教基` -> (某市某领导小组办公室, 某教基): the 版头 organ ends at its
    last organ word that leaves a 机关代字 of three characters or more."""
    suffix = re.compile(organ.pattern.rstrip("$"))
    ends = [m.end() for m in suffix.finditer(text) if len(text) - m.end() >= 3]
    if not ends or not _is_organ_line(text[: ends[-1]], organ):
        return None, text[-12:]
    return text[: ends[-1]], text[ends[-1]:]


def _title_from_file_name(lines: list[Line], name: str, at: int, limit: int, rules: _Rules,
                          doc_type_end: re.Pattern, header_mark: str | None) -> _Title:
    """The title a sharing page's file name gives: carried on to its 文种 where the text repeats
    it (`某县双减工作.docx` … `某县双减工作实施方案为规范…` -> 某县双减工作实施方案)."""
    carried = re.compile(re.escape(name) + rf"[^。，,；;：:《》\s]{{0,30}}?(?:{words(rules.doc_types)})")
    for j in range(at + 1, limit):
        m = carried.search(lines[j].text)
        if m:
            return _Title(text=m.group(0), header_mark=header_mark, source="the file name the page shows")
    if doc_type_end.search(name):
        return _Title(text=name, header_mark=header_mark, source="the file name the page shows")
    return _Title(header_mark=header_mark)


def is_body_text(text: str) -> bool:
    """A line of running text: long, or with commas (not a title, an organ or a date)."""
    return len(text) > 30 or text.count("，") + text.count(",") >= 2


def _is_organ_line(text: str, organ: re.Pattern) -> bool:
    """An organ's name alone: `某县人民政府办公室`; not a field (`信息来源：某县人民政府`)."""
    return (len(text) <= 40 and not _SENTENCE.search(text) and "关于" not in text
            and ":" not in text and "：" not in text
            and bool(organ.search("".join(text.split()))))


def _find_addressees(lines: list[Line], start: int, rules: _Rules,
                     organ: re.Pattern) -> tuple[list[str], int | None]:
    """主送机关: a line of organ names ending with a colon, just under the title. The 正文 under
    it never opens with an item numbered 1. or （1）: a unit with such items below (市教育局：
    then 1．负责…, a page of duties) labels its tasks."""
    for i in range(start, min(len(lines), start + 4)):
        text = lines[i].text
        names = _addressee_names(text, rules, organ)
        if names and not (i + 1 < len(lines) and _ITEM.match(lines[i + 1].text)):
            return names, i
        if is_body_text(text) or _SENTENCE_END.search(text) or _HEADING_NUMBER.match(text):
            break  # the 正文 has begun: a sentence, or a numbered heading (二、成员单位职责)
    return [], None


def _addressee_names(text: str, rules: _Rules, organ: re.Pattern) -> list[str]:
    """`各乡镇人民政府，县直各单位：` -> its names; [] for a line that is no 主送机关 (发布时间：)."""
    if len(text) < 3:
        return []
    end, addressee = rules.addressee_end, rules.addressee_word
    if not end.search(text):
        return []
    # 各县（市、区）党委和人民政府: a 、 in brackets is inside one name
    names = [n.strip() for n in split_outside_brackets(text.rstrip(":："), "、，,") if n.strip()]
    looks = sum(1 for n in names if organ.search(n) or addressee.search(n))
    return names if all(len(n) <= 25 for n in names) and looks * 2 >= len(names) else []


def _find_doc_number(lines: list[Line], rules: _Rules) -> tuple[str, Line] | None:
    for line in lines:
        if "号" not in line.text:
            continue
        m = rules.doc_number.search(line.text) or rules.doc_number_bare.search(line.text)
        if m:
            number = "".join(m.group("num").split())
            return f"{m.group('org')}〔{m.group('year')}〕{number}号", line
    return None


def _attachment_lines(lines: list[Line], start: int, rules: _Rules) -> list[tuple[int, dict]]:
    """Every 附件 line of the main text and after it, with its index and title parts."""
    marks = []
    attachment_line = rules.attachment_line   # (read once: a grammar rule's attribute costs a hook)
    for i in range(start, len(lines)):
        m = attachment_line.match(lines[i].text)
        if not m:
            continue
        parts = m.groupdict()
        if not (parts["index"] or parts["colon"]) and parts["title"]:
            continue  # 附件材料… is prose, not a 附件 line
        parts["title"] = "".join((parts["title"] or "").split())
        marks.append((i, parts))
    return marks


def _text_end(lines: list[Line], body_start: int, marks: list[tuple[int, dict]], rules: _Rules) -> int:
    """Where the notice ends: at its 版记 (抄送：… / …年…月…日印发) when no attachment follows it;
    what a web page puts after it (links, counters, the text again) is no part of the notice."""
    for i in range(body_start, len(lines)):
        text = lines[i].text
        if ("抄" in text or "印" in text) and rules.colophon.search(text):
            return i if all(at < i for at, _ in marks) else len(lines)
    return len(lines)


def _find_attachments(lines: list[Line], marks: list[tuple[int, dict]], date_idx: int | None,
                      rules: _Rules, text_end: int) -> tuple[list[AttachmentPart], list[Attachment], list[int], int]:
    """Attachment parts, 附件说明 items and their lines, and where the main text ends.

    A 附件 line with a title is the 附件说明 when it stands before the 成文日期, or when the
    next 附件 line follows it (附件：名单 … 附件, or 附件1：名单 / 附件2：名单 on consecutive
    lines); otherwise, and for a bare 附件 / 附件1 line, it opens an attachment.
    """
    note_items: list[Attachment] = []
    note_lines: list[int] = []
    n = 0
    while n < len(marks):
        i, m = marks[n]
        before_date = date_idx is not None and i < date_idx
        if m["index"]:
            listed = n + 1 < len(marks) and marks[n + 1][0] == i + 1
        else:
            listed = n + 1 < len(marks)
        if not m["title"] or not (before_date or listed):
            break
        index = m["first"] or m["index"]
        note_items.append(Attachment(index=_number(index) if index else None, title=m["title"],
                                     line=lines[i].line))
        note_lines.append(i)
        j = i + 1
        while note_items[-1].index is not None and j < len(lines):
            item = rules.attachment_item.match(lines[j].text)
            if not item or int(item.group("index")) != note_items[-1].index + 1:
                break
            note_items.append(Attachment(index=int(item.group("index")),
                                         title="".join(item.group("title").split()), line=lines[j].line))
            note_lines.append(j)
            j += 1
        n += 1
        # 附件1：名单 / 附件2：名单 on consecutive lines are one 附件说明.
        if not (n < len(marks) and marks[n][0] == j and marks[n][1]["index"] and m["index"]):
            break
    headings = marks[n:]
    parts = []
    for k, (i, m) in enumerate(headings):
        end = headings[k + 1][0] if k + 1 < len(headings) else text_end
        index = m["index"] or m["first"]
        title = m["title"] or ("".join(lines[i + 1].text.split()) if i + 1 < end else None)
        parts.append(AttachmentPart(index=_number(index) if index else None, title=title, start=i,
                                    end=end, title_inline=bool(m["title"])))
    main_end = headings[0][0] if headings else text_end
    return parts, note_items, note_lines, main_end


def _number(raw: str) -> int | None:
    """An attachment's number: 2 or 二; None for what is no numeral (十十)."""
    try:
        return int(raw) if raw.isdigit() else cn_number(raw)
    except ValueError:
        return None


def parse_date(match: re.Match) -> str | None:
    """ISO date from a date match: 二○○五年四月二日 -> 2005-04-02; None when not a real date."""
    y, m, d = match.group("y"), match.group("m"), match.group("d")
    try:
        year = int(y) if y.isdigit() else cn_digits(y)
        month = int(m) if m.isdigit() else cn_number(m)
        day = int(d) if d.isdigit() else cn_number(d)
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _find_date(lines: list[Line], start: int, end: int, rules: _Rules,
               organ: re.Pattern) -> tuple[str | None, int | None, str]:
    """The 成文日期: a line that is a date alone, or an organ and a date (县人民政府 2021年1月1日).

    Returns the ISO date, its line index and the organ written before it on that line."""
    at_end = rules.date_anywhere
    need = rules.date_needs
    for i in range(start, end):
        text = lines[i].text
        if need is not None and need.search(text) is None:
            continue  # no 年, which every date holds: most lines are passed over at one look
        m = rules.date.match("".join(text.split()))
        signed = ""
        if not m:
            m = at_end.search(text)
            signed = text[: m.start()].strip() if m else ""
            if not m or not _is_organ_line(rules.proxy_seal.sub("", signed), organ):
                continue
        value = parse_date(m)
        if value:
            return value, i, signed
    return None, None, ""


@lru_cache(maxsize=8)
def _ending(items: tuple[str, ...]) -> re.Pattern:
    """A pattern for a text that ends with one of `items` (an organ's suffix, a 文种), built
    once per grammar: its source is long, and re's cache hashes it anew at every lookup."""
    return re.compile(rf"(?:{words(list(items))})$")


@lru_cache(maxsize=32)
def _compiled(pattern: str) -> re.Pattern:
    """re.compile(pattern), kept here: re's own cache is asked with a key built at every call."""
    return re.compile(pattern)


@lru_cache(maxsize=8)
def _anywhere(pattern: str) -> re.Pattern:
    """An anchored pattern searched for anywhere in a line, gated on the literal it needs (年):
    tried at every digit of a line without one, it costs more than the rest of the stage."""
    return gated(pattern.lstrip("^"))


def _find_signature(lines: list[Line], date_idx: int | None, signed: str, body_start: int,
                    rules: _Rules, organ: re.Pattern) -> tuple[list[str], list[int]]:
    """The organs signed above the 成文日期 line (or before the date on it), 代章 notes skipped."""
    if date_idx is None:
        return [], []
    issuers = _organs(rules.proxy_seal.sub("", signed), organ, rules) if signed else []
    used = [date_idx]
    i = date_idx - 1
    while i >= body_start and len(used) < 5:
        text = lines[i].text
        if not rules.proxy_seal.fullmatch(text):
            text = rules.proxy_seal.sub("", text)
            if not _is_organ_line(text, organ):
                break
            issuers = _organs(text, organ, rules) + issuers
        used.append(i)
        i -= 1
    return issuers, sorted(used)


def _organs(text: str, organ: re.Pattern, rules: _Rules) -> list[str]:
    """`中共某县委办公室 某县人民政府办公室` -> two organs; `中共象山区委 教育工作领导小组` -> one."""
    names = text.split()
    if all(organ.search(n) and rules.organ_start.match(n) for n in names):
        return names
    return ["".join(text.split())]
