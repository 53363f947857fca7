"""Stage 3: Text -> Document (title, 发文字号, issuers, 成文日期, addressees, attachments) and Layout.

The Layout tells later stages where the header ends, where the attachments begin and which
lines are the signature, so that they read the main text and each attachment apart.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..diagnostics import Report
from ..grammar import DocumentRules, any_of, words
from ..models import Attachment, Document, Line, Text
from ..numerals import cn_digits, cn_number
from .units import UnitReader

_SENTENCE = re.compile(r"[。，；,;！？]")


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


@dataclass(frozen=True)
class DocumentResult:
    document: Document
    layout: Layout


def extract_document(text: Text, rules: DocumentRules, units: UnitReader, report: Report) -> DocumentResult:
    """Read the 公文 elements: `关于成立…的\\n通  知` -> title 关于成立…的通知, doc_type 通知."""
    lines = text.lines
    organ = re.compile(rf"(?:{words(rules.organ_suffixes)})$")
    doc_type_end = re.compile(rf"(?:{words(rules.doc_types)})$")

    title, title_idx, header_mark = _find_title(lines, rules, organ, doc_type_end)
    after_title = max(title_idx) + 1 if title_idx else 0
    addressees, addressee_idx = _find_addressees(lines, after_title, rules, organ)
    # 各乡镇党委、人民政府 -> 各乡镇党委, 各乡镇人民政府: shared affixes, as in unit lists.
    addressees = units.distribute(addressees, stems=False)
    body_start = addressee_idx + 1 if addressee_idx is not None else after_title
    header = [ln for ln in lines[:max(body_start, after_title + 2)] if not _is_body_text(ln.text)]
    doc_number = _find_doc_number(header, rules)
    if doc_number is None and ("发文字号" in text.metadata or "文号" in text.metadata):
        value = (text.metadata.get("发文字号") or text.metadata["文号"])[0]
        doc_number = _find_doc_number([Line(value, 1)], rules)
    if doc_number is not None and doc_number[1] in header:
        body_start = max(body_start, lines.index(doc_number[1]) + 1)

    marks = _attachment_lines(lines, body_start, rules)
    first_bare = next((i for i, m in marks if not m["title"]), len(lines))
    date, date_idx, signed = _find_date(lines, body_start, first_bare, rules, organ)
    parts, note_items, note_lines, main_end = _find_attachments(lines, marks, date_idx, rules)
    signature, signature_idx = _find_signature(lines, date_idx, signed, body_start, rules, organ)

    issuers = signature
    if not issuers and header_mark:
        issuers = [header_mark]
    if not issuers:
        for key in ("发文单位", "发文机关", "发布机构"):
            if key in text.metadata:
                issuers = ["".join(text.metadata[key][0].split())]
                break
    if not issuers and title and "关于" in title:
        lead = title.split("关于", 1)[0]
        issuers = [o for o in re.split(r"[、\s]+", lead) if o and organ.search(o)]

    if title is None:
        report.add("SJ202", lines[0].line if lines else 1)
    if date is None:
        report.add("SJ203", lines[0].line if lines else 1)
    doc_type = None
    if title:
        m = doc_type_end.search(title)
        doc_type = m.group(0) if m else None

    attachments = note_items or [Attachment(index=p.index, title=p.title, line=lines[p.start].line)
                                 for p in parts if p.title]
    if note_items and parts:
        found = {p.index for p in parts}
        for a in note_items:
            if a.index is not None and a.index not in found and len(parts) > 1:
                report.add("SJ204", a.line, index=a.index)
    document = Document(title=title, doc_number=doc_number[0] if doc_number else None,
                        issuers=issuers, date=date, addressees=addressees, doc_type=doc_type,
                        attachments=attachments)
    layout = Layout(body_start=body_start, main_end=main_end, title_lines=frozenset(title_idx),
                    signature=frozenset(signature_idx), attachment_note=frozenset(note_lines),
                    parts=parts)
    return DocumentResult(document=document, layout=layout)


def _find_title(lines: list[Line], rules: DocumentRules, organ: re.Pattern,
                doc_type_end: re.Pattern) -> tuple[str | None, list[int], str | None]:
    """The title's text and line indices, and the 版头 organ if one stands above it."""
    starts = any_of(rules.title_start)
    header_mark = None
    limit = min(len(lines), 20)
    for i in range(limit):
        text = lines[i].text
        mark = rules.header_mark.regex.match(text)
        if mark and not starts.search(text):
            header_mark = "".join(mark.group("organ").split())
            continue
        if _SENTENCE.search(text) or text.endswith(("：", ":")):
            if _is_body_text(text):
                break
            continue
        if not starts.search(text):
            continue
        idx = [i]
        # Organ lines right above 关于 (no blank line between) are part of the title; a joint
        # notice stacks several. One set apart by a blank line is the 版头.
        k = i
        while k > 0 and not lines[k].gap_before and len(idx) < 4 and _is_organ_line(lines[k - 1].text, organ):
            k -= 1
            idx.insert(0, k)
        if k == i and i > 0 and header_mark is None and _is_organ_line(lines[i - 1].text, organ):
            header_mark = "".join(lines[i - 1].text.split())
        j = i
        while not doc_type_end.search("".join(lines[idx[-1]].text.split())) and j + 1 < limit:
            j += 1
            nxt = lines[j].text
            if (_SENTENCE.search(nxt) or nxt.endswith(("：", ":")) or len(idx) >= 4
                    or rules.doc_number.regex.search(nxt) or rules.date.regex.match(nxt)):
                break
            idx.append(j)
        if not doc_type_end.search("".join(lines[idx[-1]].text.split())):
            idx = idx[: idx.index(i) + 1]
        title = "".join("".join(lines[k].text for k in idx).split())
        title = re.sub(r"^[(（]|[)）]$", "", title) if title.startswith(("(", "（")) else title
        return title, idx, header_mark
    return None, [], header_mark


def _is_body_text(text: str) -> bool:
    return len(text) > 30 or text.count("，") + text.count(",") >= 2


def _is_organ_line(text: str, organ: re.Pattern) -> bool:
    return (len(text) <= 40 and not _SENTENCE.search(text) and "关于" not in text
            and bool(organ.search("".join(text.split()))))


def _find_addressees(lines: list[Line], start: int, rules: DocumentRules,
                     organ: re.Pattern) -> tuple[list[str], int | None]:
    """主送机关: a line of organ names ending with a colon, just under the title."""
    end_colon = re.compile(rules.addressee_end)
    addressee = re.compile(rules.addressee_word)
    for i in range(start, min(len(lines), start + 4)):
        text = lines[i].text
        if end_colon.search(text) and len(text) >= 3:
            names = [n.strip() for n in re.split(r"[、，,]", text.rstrip(":：")) if n.strip()]
            looks = sum(1 for n in names if organ.search(n) or addressee.search(n))
            if all(len(n) <= 25 for n in names) and looks * 2 >= len(names):
                return names, i
        if _is_body_text(text):
            break
    return [], None


def _find_doc_number(lines: list[Line], rules: DocumentRules) -> tuple[str, Line] | None:
    for line in lines:
        m = rules.doc_number.regex.search(line.text)
        if m:
            number = "".join(m.group("num").split())
            return f"{m.group('org')}〔{m.group('year')}〕{number}号", line
    return None


def _attachment_lines(lines: list[Line], start: int, rules: DocumentRules) -> list[tuple[int, dict]]:
    """Every 附件 line of the main text and after it, with its index and title parts."""
    marks = []
    for i in range(start, len(lines)):
        m = rules.attachment_line.regex.match(lines[i].text)
        if not m:
            continue
        parts = m.groupdict()
        if not (parts["index"] or parts["colon"]) and parts["title"]:
            continue  # 附件材料… is prose, not a 附件 line
        parts["title"] = "".join((parts["title"] or "").split())
        marks.append((i, parts))
    return marks


def _find_attachments(lines: list[Line], marks: list[tuple[int, dict]], date_idx: int | None,
                      rules: DocumentRules) -> tuple[list[AttachmentPart], list[Attachment], list[int], int]:
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
            item = rules.attachment_item.regex.match(lines[j].text)
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
        end = headings[k + 1][0] if k + 1 < len(headings) else len(lines)
        index = m["index"] or m["first"]
        title = m["title"] or ("".join(lines[i + 1].text.split()) if i + 1 < end else None)
        parts.append(AttachmentPart(index=_number(index) if index else None, title=title, start=i,
                                    end=end, title_inline=bool(m["title"])))
    main_end = headings[0][0] if headings else len(lines)
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


def _find_date(lines: list[Line], start: int, end: int, rules: DocumentRules,
               organ: re.Pattern) -> tuple[str | None, int | None, str]:
    """The 成文日期: a line that is a date alone, or an organ and a date (县人民政府 2021年1月1日).

    Returns the ISO date, its line index and the organ written before it on that line."""
    at_end = re.compile(rules.date.pattern.lstrip("^"))
    for i in range(start, end):
        text = lines[i].text
        m = rules.date.regex.match("".join(text.split()))
        signed = ""
        if not m:
            m = at_end.search(text)
            signed = text[: m.start()].strip() if m else ""
            if not m or not _is_organ_line(rules.proxy_seal.regex.sub("", signed), organ):
                continue
        value = parse_date(m)
        if value:
            return value, i, signed
    return None, None, ""


def _find_signature(lines: list[Line], date_idx: int | None, signed: str, body_start: int,
                    rules: DocumentRules, organ: re.Pattern) -> tuple[list[str], list[int]]:
    """The organs signed above the 成文日期 line (or before the date on it), 代章 notes skipped."""
    if date_idx is None:
        return [], []
    issuers = _organs(rules.proxy_seal.regex.sub("", signed), organ, rules) if signed else []
    used = [date_idx]
    i = date_idx - 1
    while i >= body_start and len(used) < 5:
        text = lines[i].text
        if not rules.proxy_seal.regex.fullmatch(text):
            text = rules.proxy_seal.regex.sub("", text)
            if not _is_organ_line(text, organ):
                break
            issuers = _organs(text, organ, rules) + issuers
        used.append(i)
        i -= 1
    return issuers, sorted(used)


def _organs(text: str, organ: re.Pattern, rules: DocumentRules) -> list[str]:
    """`中共某县委办公室 某县人民政府办公室` -> two organs; `中共象山区委 教育工作领导小组` -> one."""
    names = [n for n in re.split(r"\s+", text) if n]
    if all(organ.search(n) and rules.organ_start.regex.match(n) for n in names):
        return names
    return ["".join(text.split())]
