"""Inputs beside plain text: Word .docx, web pages and PDF, recognised by their bytes.

`convert()` turns such an input into the text lines the parser reads; `line` numbers in the
record then refer to that text, which `sj parse --dump-text` prints. Plain text returns
None and is decoded by `stages/read.py` as before. Each format keeps the lines of the
document: a .docx paragraph or table row is one line, as is a web page's block or table
row; table cells are joined by a tab, which the normaliser reads as a cell separator.

The libraries are optional extras, imported only when a file needs them:
.docx and web pages need lxml (`[docx]`, `[html]`), PDF pypdf (`[pdf]`).
The standard library's html.parser is not used: on this Python it is quadratic on
unclosed tags and attributes (`<a b="` repeated), which a hostile page exploits.
"""
from __future__ import annotations

import functools
import io
import itertools
import posixpath
import re
import warnings
import zipfile
from dataclasses import dataclass

from .diagnostics import Report
from .errors import InputError, install_hint
from .numerals import chinese_numeral

_SNIFF_BYTES = 4096
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The tag a page starts with, after any XML declaration and comments (skipped by a loop:
# a regex `(?:<!--.*?-->\s*)*` backtracks exponentially over a run of comments).
_HTML_TAG = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|div|p|table|section|article|span|font|"
    r"h[1-6]|center|style|script|link|base)(?=[\s>/])", re.IGNORECASE)
_HTML_ANYWHERE = re.compile(r"<(?:html|body)(?=[\s>])", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{1,40})",
                           re.IGNORECASE)
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
                    "gb_2312-80": "gb18030", "cp936": "gb18030", "windows-936": "gb18030"}


@dataclass(frozen=True)
class Converted:
    """A document turned into text: `Converted("关于…的通知\\n…", "docx")`."""

    text: str
    encoding: str   # what Source.encoding says: docx, html (gb18030), pdf


def sniff(data: bytes, path: str = "") -> str:
    """The format of an input by its bytes: `sniff(b"%PDF-1.7…") == "pdf"`; text, docx, html, pdf or other."""
    head = data[:_SNIFF_BYTES]
    if head.startswith(b"PK\x03\x04"):
        return "docx" if _zip_member(data, "word/document.xml") else "zip"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(_OLE2):
        return "ole2"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if _looks_like_html(head, path):
        return "html"
    return "text"


def convert(data: bytes, path: str, report: Report, max_bytes: int) -> Converted | None:
    """A .docx, web page or PDF as text lines; None for plain text, InputError when unreadable."""
    kind = sniff(data, path)
    if kind == "text":
        return None
    if kind == "docx":
        return Converted(_docx_text(data, path, max_bytes), "docx")
    if kind == "pdf":
        return Converted(_pdf_text(data, path, max_bytes), "pdf")
    if kind == "html":
        text, encoding = _html_text(data, path, report)
        return Converted(text, f"html ({encoding})")
    reasons = {
        "zip": "a zip archive but not a Word .docx (no word/document.xml); "
               "save the notice as .docx, .html, .pdf or text",
        "ole2": "a legacy Word .doc / WPS file, which sj cannot read; save it as .docx or text",
        "rtf": "an RTF file, which sj cannot read; save it as .docx or text",
    }
    raise InputError(path, reasons[kind])


def _zip_member(data: bytes, name: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return name in archive.namelist()
    except Exception:  # noqa: BLE001 - zipfile raises NotImplementedError, struct.error … on damage
        return name.encode() in data   # a damaged .docx still names its parts: say it is damaged


def _looks_like_html(head: bytes, path: str) -> bool:
    """Markup at the start (`<!DOCTYPE html>`, `<html`, `<div`…) or `<html`/`<body` near it."""
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            sample = head[2:].decode(codec, "ignore")
            break
    else:
        sample = head.decode("latin-1")
    if _starts_with_markup(sample) or _HTML_ANYWHERE.search(sample):
        return True
    # A fragment saved as .html (no <html>, starts with text): believe the name if it has tags.
    return path.lower().endswith((".html", ".htm", ".xhtml")) and sample.count("</") >= 2


def _starts_with_markup(sample: str) -> bool:
    text = sample.lstrip("\ufeff").lstrip()
    if text.startswith("<?xml"):
        end = text.find("?>")
        text = text[end + 2:].lstrip() if end >= 0 else ""
    while text.startswith("<!--"):
        end = text.find("-->", 4)
        text = text[end + 3:].lstrip() if end >= 0 else ""
    return bool(_HTML_TAG.match(text))


def _missing(path: str, what: str, extra: str) -> InputError:
    return InputError(path, f"reading {what} needs the {extra} extra: {install_hint(extra)}")


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:120]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --- .docx -------------------------------------------------------------------------------

# What a .docx may cost before it is refused. XML inflated: 8 × --max-bytes, by the sizes the
# zip states (a notice's XML is 5-10 times its zipped size, a bomb's hundreds of times), which
# hold because zipfile never inflates a part past its stated size (it fails with `Bad CRC`
# there; see the lying zip of tests/hostile.py) and a part is inflated 64 KiB at a time.
# Counted while the XML is read: paragraphs (a 300-page report has ~10,000); XML tags, as `<`
# (runs, their properties, cells …: ~2,000 a page), which bound the elements held at once
# (~120 MB); and --max-bytes characters of text.
DOCX_INFLATE_FACTOR = 8
DOCX_MAX_PARAGRAPHS = 100_000
DOCX_MAX_TAGS = 1_000_000
_ZIP_CHUNK = 1 << 16   # bytes inflated per read: a member is never inflated whole
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


@functools.lru_cache(maxsize=None)
def _qn(name: str) -> str:
    """`_qn("w:p")` is the Clark name lxml uses: `{http://…/wordprocessingml/2006/main}p`."""
    return f"{{{_W}}}{name[2:]}"


_P, _TBL, _SDT, _SDT_CONTENT = _qn("w:p"), _qn("w:tbl"), _qn("w:sdt"), _qn("w:sdtContent")
_BODY, _R, _BR, _BR_TYPE = _qn("w:body"), _qn("w:r"), _qn("w:br"), _qn("w:type")
_DEL, _TEXT_BOX = _qn("w:del"), _qn("w:txbxContent")


def _docx_text(data: bytes, path: str, max_bytes: int) -> str:
    """Paragraphs and table rows in document order, one line each; auto-numbers written out.

    word/document.xml is streamed: each top-level paragraph or table is read as soon as it
    ends and then dropped, so memory holds one block, not the document."""
    try:
        from lxml import etree  # noqa: F401
    except ImportError:
        raise _missing(path, "a .docx", "docx") from None
    budget = _DocxBudget(path, max_bytes)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            stated = sum(info.file_size for info in archive.infolist())
            limit = DOCX_INFLATE_FACTOR * max_bytes
            if stated > limit:
                raise InputError(path, f".docx unpacks to {stated:,} bytes, over the limit of "
                                       f"{limit:,} ({DOCX_INFLATE_FACTOR} × --max-bytes)")
            parts = _related_parts(archive, budget)
            reader = _DocxReader(_Numbering(*(_xml_tree(archive, parts.get(kind), budget)
                                              for kind in ("numbering", "styles"))))
            events = _xml_events(archive, "word/document.xml", budget, (_P, _TBL, _SDT))
            return "\n".join(reader.body_lines(events, budget))
    except InputError:
        raise
    except zipfile.BadZipFile as exc:
        if "CRC" in str(exc):   # zipfile reads no further than a member's stated size
            raise InputError(path, "damaged .docx: a part inflates to other bytes than its stated "
                                   "size and checksum say") from None
        raise InputError(path, f"not a readable .docx ({_short(exc)})") from None
    except Exception as exc:  # noqa: BLE001 - a damaged package fails in many ways (zlib, lxml …)
        raise InputError(path, f"not a readable .docx ({_short(exc)})") from None


class _DocxBudget:
    """What a .docx has cost so far as it is read; InputError as soon as it goes over a limit."""

    def __init__(self, path: str, max_bytes: int) -> None:
        self.path = path
        self.max_text = max_bytes
        self.tags = self.paragraphs = self.text = 0

    def spend_xml(self, chunk: bytes) -> None:
        self.tags += chunk.count(b"<")
        if self.tags > DOCX_MAX_TAGS:
            self._refuse(f"holds more than {DOCX_MAX_TAGS:,} XML tags")

    def spend_paragraph(self) -> None:
        self.paragraphs += 1
        if self.paragraphs > DOCX_MAX_PARAGRAPHS:
            self._refuse(f"holds more than {DOCX_MAX_PARAGRAPHS:,} paragraphs")

    def spend_text(self, n: int) -> None:
        self.text += n
        if self.text > self.max_text:
            raise InputError(self.path, f".docx text is over the limit of {self.max_text:,} characters "
                                        "(raise it with --max-bytes)")

    def _refuse(self, what: str) -> None:
        raise InputError(self.path, f".docx {what}: refused as a probable zip bomb")


def _xml_events(archive: zipfile.ZipFile, name: str, budget: _DocxBudget, tags=None):
    """(event, element) at the end of each element named in `tags` (of none, if not given:
    the tree is built all the same), reading the part 64 KiB at a time; last ("done", root),
    whose root has no parent."""
    from lxml import etree

    parser = etree.XMLPullParser(events=("end",) if tags else (), tag=tags,
                                 resolve_entities=False, no_network=True, load_dtd=False,
                                 remove_comments=True, remove_pis=True)
    with archive.open(name) as member:
        while chunk := member.read(_ZIP_CHUNK):
            budget.spend_xml(chunk)
            parser.feed(chunk)
            yield from parser.read_events()
    root = parser.close()
    yield from parser.read_events()
    yield "done", root


def _xml_tree(archive: zipfile.ZipFile, name: str | None, budget: _DocxBudget):
    """A small part (numbering, styles, relationships) whole, under the same budget; None if absent."""
    if name is None or name not in archive.NameToInfo:
        return None
    *_, (_, root) = _xml_events(archive, name, budget)
    return root


def _related_parts(archive: zipfile.ZipFile, budget: _DocxBudget) -> dict[str, str]:
    """The numbering and styles parts the document names: `{"numbering": "word/numbering.xml"}`."""
    rels = _xml_tree(archive, "word/_rels/document.xml.rels", budget)
    parts: dict[str, str] = {}
    for rel in rels.iter(_RELATIONSHIP) if rels is not None else ():
        kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
        target = rel.get("Target") or ""
        name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"word/{target}")
        if kind in ("numbering", "styles") and rel.get("TargetMode") != "External":
            parts.setdefault(kind, name)
    return parts


class _DocxReader:
    """Walks a .docx body: `w:p` → a line (split at `w:br`), `w:tbl` → a line per row."""

    def __init__(self, numbering: _Numbering) -> None:
        from lxml import etree

        self.numbering = numbering
        namespaces = {"w": _W}
        self.cells = etree.XPath("./w:tc | ./w:sdt/w:sdtContent/w:tc", namespaces=namespaces)
        self.rows = etree.XPath("./w:tr | ./w:sdt/w:sdtContent/w:tr", namespaces=namespaces)
        # What a run's children read as (python-docx's Run.text): w:br only as a line break.
        self.run_parts = {_qn("w:t"): None, _qn("w:tab"): "\t", _qn("w:ptab"): "\t",
                          _qn("w:cr"): "\n", _qn("w:noBreakHyphen"): "-"}

    def body_lines(self, events, budget: _DocxBudget) -> list[str]:
        """The lines of word/document.xml's body, from the end events of its paragraphs,
        tables and content controls: each child of <w:body> is read when it ends, then dropped."""
        lines: list[str] = []
        for _, element in events:
            tag = element.tag
            if tag == _P:
                budget.spend_paragraph()
            parent = element.getparent()
            if parent is None or parent.tag != _BODY:
                continue
            block = self.paragraph(element).split("\n") if tag == _P else self.lines([element])
            budget.spend_text(sum(map(len, block)) + len(block))
            lines += block
            element.clear()   # read: dropped, and cleared first so that its removal is cheap
            parent.remove(element)
        return lines

    def lines(self, blocks) -> list[str]:
        out: list[str] = []
        for child in _blocks(blocks):
            if child.tag == _P:
                out.extend(self.paragraph(child).split("\n"))
            else:
                out.extend(self.row(tr) for tr in self.rows(child))
        return out

    def paragraph(self, p) -> str:
        if not len(p):   # <w:p/>: an empty line
            return ""
        text = "".join([self.run_text(r) for r in p.iter(_R) if r.getparent() is p or _counts(r, p)])
        return self.numbering.label(p) + text

    def run_text(self, r) -> str:
        """A run's text as Word shows it: tabs, line breaks (not page breaks), hyphens."""
        out = []
        for child in r:
            tag = child.tag
            if tag in self.run_parts:
                out.append(self.run_parts[tag] or child.text or "")
            elif tag == _BR and child.get(_BR_TYPE, "textWrapping") == "textWrapping":
                out.append("\n")
        return "".join(out)

    def row(self, tr) -> str:
        cells = []
        for tc in self.cells(tr):
            parts = []
            for child in _blocks(tc):
                if child.tag == _P:
                    parts.append(self.paragraph(child))
                else:  # a table inside a cell: its rows joined into the cell
                    parts.extend(self.row(inner) for inner in self.rows(child))
            cells.append(" ".join(" ".join(parts).split("\n")).replace("\t", " ").strip())
        return "\t".join(cells).rstrip("\t")


def _counts(run, p) -> bool:
    """Whether a run deeper in paragraph `p` is read: runs of tracked insertions, hyperlinks
    and fields are; deleted text (w:del) and text boxes (w:txbxContent) are not."""
    for ancestor in run.iterancestors():
        if ancestor is p:
            return True
        if ancestor.tag == _DEL or ancestor.tag == _TEXT_BOX:
            return False
    return True   # pragma: no cover - a run of p has p among its ancestors


def _blocks(children):
    """`w:p` and `w:tbl` elements in order, looking inside content controls (`w:sdt`)."""
    stack = [iter(children)]
    while stack:
        for child in stack[-1]:
            if child.tag == _P or child.tag == _TBL:
                yield child
            elif child.tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    stack.append(iter(content))
                    break
        else:
            stack.pop()


class _Numbering:
    """Word's automatic list numbers (一、 （一） 1.), which are not in the text runs."""

    def __init__(self, numbering, styles) -> None:
        """From the roots of word/numbering.xml and word/styles.xml (None when absent)."""
        self.levels: dict[str, dict[int, tuple[int, str, str, str]]] = {}  # numId -> ilvl -> def
        self.style_num: dict[str, tuple[str | None, int | None, str | None]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if numbering is not None:
            self._read_numbering(numbering)
        if styles is not None:
            self._read_styles(styles)

    def _val(self, el, name: str) -> str | None:
        child = el.find(_qn(name)) if el is not None else None
        return child.get(_qn("w:val")) if child is not None else None

    def _read_numbering(self, root) -> None:
        abstract: dict[str, dict[int, tuple[int, str, str, str]]] = {}
        for a in root.findall(_qn("w:abstractNum")):
            levels = {}
            for lvl in a.findall(_qn("w:lvl")):
                ilvl = _int(lvl.get(_qn("w:ilvl")), 0)
                levels[ilvl] = (_int(self._val(lvl, "w:start"), 1),
                                self._val(lvl, "w:numFmt") or "decimal",
                                self._val(lvl, "w:lvlText") or "",
                                self._val(lvl, "w:suff") or "tab")
            abstract[a.get(_qn("w:abstractNumId"))] = levels
        for num in root.findall(_qn("w:num")):
            levels = dict(abstract.get(self._val(num, "w:abstractNumId"), {}))
            for override in num.findall(_qn("w:lvlOverride")):
                ilvl = _int(override.get(_qn("w:ilvl")), 0)
                start = self._val(override, "w:startOverride")
                if start is not None and ilvl in levels:
                    levels[ilvl] = (_int(start, 1),) + levels[ilvl][1:]
            self.levels[num.get(_qn("w:numId"))] = levels

    def _read_styles(self, root) -> None:
        for style in root.findall(_qn("w:style")):
            ppr = style.find(_qn("w:pPr"))
            numpr = ppr.find(_qn("w:numPr")) if ppr is not None else None
            num_id = self._val(numpr, "w:numId")
            ilvl = self._val(numpr, "w:ilvl")
            self.style_num[style.get(_qn("w:styleId"))] = (
                num_id, _int(ilvl, 0) if ilvl is not None else None, self._val(style, "w:basedOn"))

    def _from_style(self, style_id: str | None) -> tuple[str | None, int]:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            num_id, ilvl, based_on = self.style_num.get(style_id, (None, None, None))
            if num_id is not None:
                return num_id, ilvl or 0
            style_id = based_on
        return None, 0

    def label(self, p) -> str:
        if not self.levels:
            return ""
        ppr = p.find(_qn("w:pPr"))
        numpr = ppr.find(_qn("w:numPr")) if ppr is not None else None
        num_id = self._val(numpr, "w:numId")
        ilvl = _int(self._val(numpr, "w:ilvl"), -1)
        if num_id is None:
            style_num, style_ilvl = self._from_style(self._val(ppr, "w:pStyle"))
            num_id = style_num
            ilvl = style_ilvl if ilvl < 0 else ilvl
        levels = self.levels.get(num_id) if num_id is not None else None
        if not levels:
            return ""
        ilvl = max(ilvl, 0)
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        start = levels[ilvl][0]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        _, fmt, pattern, suffix = levels[ilvl]
        if fmt in ("bullet", "none"):
            return ""

        def number(match: re.Match) -> str:
            k = int(match.group(1)) - 1
            if k not in levels:
                return ""
            value = counters.get(k, levels[k][0])
            return _format_number(value, levels[k][1])

        text = re.sub(r"%([1-9])", number, pattern)
        return text + (" " if suffix == "space" else "")


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


_HEAVENLY = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY = "子丑寅卯辰巳午未申酉戌亥"


def _format_number(n: int, fmt: str) -> str:
    """A list number in Word's `w:numFmt`: `_format_number(3, "chineseCounting") == "三"`."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting",
               "taiwaneseCounting", "taiwaneseCountingThousand", "ideographDigital"):
        return chinese_numeral(n)
    if fmt == "chineseLegalSimplified":
        return chinese_numeral(n, legal=True)
    if fmt == "ideographTraditional":
        return _HEAVENLY[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _EARTHLY[(n - 1) % 12]
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    return str(n)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out += numeral * count
    return out


# --- web pages ---------------------------------------------------------------------------

# Elements that are never the notice's text.
_DROP_TAGS = {"script", "style", "noscript", "template", "head", "title", "nav", "aside",
              "iframe", "object", "embed", "svg", "math", "select", "button", "textarea",
              "map", "audio", "video", "canvas"}
# Dropped unless inside <article>/<main>, where they hold the article's own title or notes.
_DROP_OUTSIDE_ARTICLE = {"header", "footer"}
# class / id words of site chrome (split on - _ and spaces): <div class="nav-bar">.
_CHROME_WORDS = {"nav", "navbar", "navigation", "menu", "menubar", "submenu", "breadcrumb",
                 "breadcrumbs", "crumb", "crumbs", "footer", "copyright", "share", "sharebar",
                 "sidebar", "topbar", "toolbar", "skip", "banner", "position", "location"}
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "search", "complementary"}
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt",
               "dd", "table", "tbody", "thead", "tfoot", "caption", "blockquote", "pre",
               "section", "article", "main", "header", "footer", "address", "center", "hr",
               "form", "fieldset", "figure", "figcaption", "details", "summary", "body", "html"}
_CELL_TAGS = {"td", "th"}
_COLLAPSE = re.compile(r"[ \t\n\r\f]+")
_SPACE_RUN = re.compile(r" {2,}")
_WORD_SPLIT = re.compile(r"[\s_-]+")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Characters XML (and so lxml) refuses; a web page has no business holding them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# libxml2's HTML parser compares each attribute of a tag with every other: a tag with 40,000
# attributes takes seconds, 200,000 minutes. A page with a tag of more than this many is
# refused before it is parsed (a real page's busiest tag has a few dozen).
HTML_MAX_ATTRIBUTES = 200
# A start tag as a browser reads it, far enough to count its attributes, in pieces: runs of
# characters, and quoted values skipped whole (`>` inside them included; an unclosed one runs
# to the end of the page). Every character but `>` is in a piece, so a match stops at the
# tag's `>`, at the end, or after _PIECES pieces (a bound that keeps re's memory small); it
# cannot fail once `<x` matched, so it never backtracks, and each tag is read once.
_PIECES = 64
_PIECE = r"""(?:[^>"']+|"[^"]*(?:"|\Z)|'[^']*(?:'|\Z))"""
_TAG_START = re.compile(rf"<[A-Za-z]{_PIECE}{{0,{_PIECES}}}")
_TAG_MORE = re.compile(rf"{_PIECE}{{1,{_PIECES}}}")
_QUOTED = re.compile(r'''"[^"]*(?:"|\Z)|'[^']*(?:'|\Z)''')
_WORD = re.compile(r"[^\s/>=]+")   # an attribute's name (or an unquoted value: counted too)


def _html_text(data: bytes, path: str, report: Report) -> tuple[str, str]:
    """A web page's main text: chrome (nav, header, footer, scripts) dropped, blocks as lines."""
    try:
        import lxml.etree  # noqa: F401
        import lxml.html
    except ImportError:
        raise _missing(path, "a web page", "html") from None
    markup, encoding = _decode_html(data, path, report)
    markup = _CONTROL.sub("", markup)
    if not markup.strip():
        raise InputError(path, "no text (only white space)")
    _refuse_attribute_floods(markup, path)
    try:
        parser = lxml.html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)
        root = lxml.html.document_fromstring(markup, parser=parser)
    except Exception as exc:  # noqa: BLE001 - libxml2 recovers from most markup; not from all
        raise InputError(path, f"not a readable web page ({_short(exc)})") from None
    lines = _page_lines(root, drop_chrome=True)
    if not any(line.strip() for line in lines):
        lines = _page_lines(root, drop_chrome=False)
    return "\n".join(lines), encoding


def _refuse_attribute_floods(markup: str, path: str) -> None:
    """InputError for a tag with more than HTML_MAX_ATTRIBUTES attributes (see there)."""
    shortest = 2 * HTML_MAX_ATTRIBUTES   # `a ` is the shortest attribute
    pos = 0
    while tag := _TAG_START.search(markup, pos):
        pos = tag.end()
        if pos - tag.start() <= shortest and (pos == len(markup) or markup[pos] == ">"):
            continue
        # A long tag: its words once quoted values are dropped, its own name aside.
        words = _words(tag.group()) - 1
        while words <= HTML_MAX_ATTRIBUTES and pos < len(markup) and markup[pos] != ">":
            more = _TAG_MORE.match(markup, pos)
            words += _words(more.group())
            pos = more.end()
        if words > HTML_MAX_ATTRIBUTES:
            line = markup.count("\n", 0, tag.start()) + 1
            raise InputError(path, f"web page has a tag with more than {HTML_MAX_ATTRIBUTES} "
                                   f"attributes (line {line}): refused as hostile markup")


def _words(text: str) -> int:
    return sum(1 for _ in itertools.islice(_WORD.finditer(_QUOTED.sub(" ", text)), HTML_MAX_ATTRIBUTES + 2))


def _decode_html(data: bytes, path: str, report: Report) -> tuple[str, str]:
    """Decode by BOM, then the page's declared charset, then sj's own text detection."""
    from .stages.read import _decode as decode_text   # sj's text detection, SJ101 included

    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                       (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return decode_text(data, path, report)
    declared = _META_CHARSET.search(data[:_SNIFF_BYTES * 4])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        codec = _CHARSET_ALIASES.get(name, name)
        try:
            return data.decode(codec), codec
        except (LookupError, UnicodeDecodeError):
            pass   # a page declaring gb2312 while being UTF-8 is common: detect instead
    return decode_text(data, path, report)


def _page_lines(root, drop_chrome: bool) -> list[str]:
    """One walk over the page: chrome skipped, text handed to a _LineWriter."""
    from lxml import etree

    body = root.find("body")
    scope = body if body is not None else root
    main = _main_element(scope) if drop_chrome else None
    if main is not None:
        scope = main
    writer = _LineWriter()
    skip_depth = 0
    # Open <article>/<main> elements, counted as the walk goes: asking each header for its
    # ancestors would cost elements × depth on a hostile page.
    in_article = 0
    for event, el in etree.iterwalk(scope, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if skip_depth or tag in _DROP_TAGS or (drop_chrome and _is_chrome(el, tag, in_article)):
                skip_depth += 1
                continue
            in_article += tag in ("article", "main")
            writer.start(tag)
            if el.text and tag:
                writer.text(el.text)
        else:
            if skip_depth:
                skip_depth -= 1
                if skip_depth:
                    continue
                if tag in _BLOCK_TAGS or tag in ("nav", "aside", "tr"):
                    writer.boundary()   # a dropped block (nav, a share bar) still ends a line
            else:
                in_article -= tag in ("article", "main")
                writer.end(tag)
            if el.tail and el is not scope:
                writer.text(el.tail)
    return writer.finish()


def _is_chrome(el, tag: str, in_article: int) -> bool:
    """Site chrome: `<nav>`, a page `<footer>`, `<div class="breadcrumb">`, hidden elements …"""
    if tag in _DROP_TAGS:
        return True
    if tag in _DROP_OUTSIDE_ARTICLE:
        return not in_article
    if (el.get("role") or "").lower() in _CHROME_ROLES or el.get("aria-hidden") == "true":
        return True
    if el.get("hidden") is not None or _HIDDEN.search(el.get("style") or ""):
        return True
    words = _WORD_SPLIT.split(f"{el.get('class') or ''} {el.get('id') or ''}".lower())
    return any(w in _CHROME_WORDS for w in words)


def _main_element(scope):
    """The page's <main> (or role=main), else its only <article>, when it holds text."""
    from lxml import etree

    candidates = list(itertools.islice(scope.iter("main"), 3)) + list(itertools.islice(
        (el for el in scope.iter(etree.Element) if el.get("role") == "main"), 3))
    if not candidates:
        articles = list(itertools.islice(scope.iter("article"), 2))
        candidates = articles if len(articles) == 1 else []
    for el in candidates:
        if any(text.strip() for text in el.itertext()) and not _inside_chrome(el):
            return el
    return None


def _inside_chrome(el) -> bool:
    """An element in a dropped part of the page (a <main> inside a <nav>): for a few candidates."""
    chain = [el, *el.iterancestors()][::-1]
    in_article = 0
    for node in chain:
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if _is_chrome(node, tag, in_article):
            return True
        in_article += tag in ("article", "main")
    return False


class _LineWriter:
    """Text events → lines: blocks end lines, <br> forces one, cells of a row join with tabs."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current: list[str] = []
        self.rows: list[int] = []       # cells seen in each open <tr>
        self.cells = 0                  # open <td>/<th>
        self.pre = 0                    # open <pre>

    def text(self, text: str) -> None:
        if self.pre:
            first, *rest = text.split("\n")
            self.current.append(first)
            for piece in rest:
                self.end_line(force=True)
                self.current.append(piece)
        else:
            self.current.append(_COLLAPSE.sub(" ", text))

    def start(self, tag: str) -> None:
        if tag in _CELL_TAGS:
            if self.rows and self.rows[-1] and self.cells == 0:
                self.current.append("\t")
            elif self.cells:
                self.current.append(" ")
            if self.rows:
                self.rows[-1] += 1
            self.cells += 1
        elif tag == "tr":
            self.rows.append(0)
            self.boundary()
        elif tag == "br":
            self.boundary(force=True)
        elif tag in _BLOCK_TAGS:
            if tag == "pre":
                self.pre += 1
            self.boundary()

    def end(self, tag: str) -> None:
        if tag in _CELL_TAGS:
            self.cells = max(self.cells - 1, 0)
        elif tag == "tr":
            if self.rows:
                self.rows.pop()
            self.boundary(force=True)
        elif tag in _BLOCK_TAGS:
            if tag == "pre":
                self.pre = max(self.pre - 1, 0)
            self.boundary()

    def boundary(self, force: bool = False) -> None:
        if self.cells:
            self.current.append(" ")
        else:
            self.end_line(force)

    def end_line(self, force: bool = False) -> None:
        line = "".join(self.current)
        if not self.pre:   # spaces from two text nodes or block edges show as one
            line = _SPACE_RUN.sub(" ", line)
        line = line.strip(" ")
        self.current = []
        if line.strip():
            # split/strip, not a regex: ` *\t` rescans a long run of spaces at every position.
            self.lines.append("\t".join(cell.strip(" ") for cell in line.split("\t")).rstrip("\t"))
        elif force or line:
            # <br>, a table row, or a block holding only &nbsp; / U+3000: a blank line on screen.
            self.lines.append("")

    def finish(self) -> list[str]:
        self.end_line()
        while self.lines and not self.lines[-1].strip():
            self.lines.pop()
        return self.lines


# --- PDF ---------------------------------------------------------------------------------

def _pdf_text(data: bytes, path: str, max_bytes: int) -> str:
    """The text layer of every page, page after page, as the PDF breaks its lines (hard-wrapped
    text is joined again by the normalize stage); no text layer is an InputError.

    pypdf (>= 6) caps each stream it inflates; the text extracted in all is capped here at
    --max-bytes characters, so that many small bombs in one file cannot run for hours.
    """
    try:
        import pypdf
    except ImportError:
        raise _missing(path, "a PDF", "pdf") from None
    import logging   # here, not at the top: a notice in text needs none of it

    pages: list[str] = []
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR + 10)   # pypdf logs every repaired object to stderr
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                try:
                    if not reader.decrypt(""):
                        raise InputError(path, "PDF is encrypted with a password")
                except InputError:
                    raise
                except Exception as exc:  # noqa: BLE001 - e.g. AES without the cryptography package
                    raise InputError(path, f"PDF is encrypted and cannot be opened ({_short(exc)})") from None
            extracted = 0
            for number, page in enumerate(reader.pages, 1):
                pages.append(page.extract_text() or "")
                extracted += len(pages[-1])
                if extracted > max_bytes:
                    raise InputError(path, f"PDF text is over the limit of {max_bytes:,} characters "
                                           f"by page {number} (raise it with --max-bytes)")
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged PDF fails in many ways inside pypdf
        raise InputError(path, f"not a readable PDF ({_short(exc)})") from None
    finally:
        logger.setLevel(level)
    if not any(page.strip() for page in pages):
        raise InputError(path, f"PDF has no text layer ({len(pages)} page(s) of images?); "
                               "sj does not do OCR: run OCR first, or give the text")
    lines: list[str] = []
    for page in pages:
        # pypdf ends a page's text with a line end: a page break is no blank line, so that a
        # sentence running on to the next page reads on (the page number between is noise).
        lines.extend(line.rstrip() for line in page.rstrip().split("\n"))
    return "\n".join(lines)
