"""Inputs beside plain text: the same notice in every encoding, line ending and format
gives the same record apart from `source` (metamorphic tests), and .docx, web pages and
PDF are read by content, with a clear message when they cannot be.
"""
from __future__ import annotations

import codecs
import html
import io
import sys
import zipfile
from pathlib import Path

import pytest

from shuangjian_parse.diagnostics import Report
from shuangjian_parse.emit import record_data
from shuangjian_parse.errors import InputError
from shuangjian_parse.formats import _format_number, sniff
from shuangjian_parse.pipeline import read_text, run
from shuangjian_parse.stages.read import read_source

from hostile import docx_of
from test_spans import span_problems

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))


# --- building the same notice in other forms ---------------------------------------------

def _is_row(line: str) -> bool:
    """A line that is a table row in the text: tab-separated cells or a markdown `| a | b |`."""
    return "\t" in line or line.lstrip().startswith("|")


def _cells(line: str) -> list[str]:
    if line.lstrip().startswith("|"):
        inner = line.strip()[1:]
        inner = inner[:-1] if inner.endswith("|") else inner
        return [cell.strip() for cell in inner.split("|")]
    return line.split("\t")


def _blocks(lines: list[str]):
    """("p", line) per paragraph line; ("table", rows) per run of consecutive row lines."""
    rows: list[list[str]] = []
    for line in lines:
        if _is_row(line):
            rows.append(_cells(line))
            continue
        if rows:
            yield "table", rows
            rows = []
        yield "p", line
    if rows:
        yield "table", rows


def sample_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def to_docx(lines: list[str]) -> bytes:
    """A Word document of the notice: one paragraph per line (blank ones too), a table per roster block."""
    import docx

    document = docx.Document()
    for kind, item in _blocks(lines):
        if kind == "p":
            document.add_paragraph(item)
        else:
            width = max(len(row) for row in item)
            table = document.add_table(rows=len(item), cols=width)
            for r, row in enumerate(item):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_html(lines: list[str], charset: str = "utf-8") -> bytes:
    """A county government web page holding the notice, with the chrome such pages carry."""
    body = []
    for kind, item in _blocks(lines):
        if kind == "p":
            text = html.escape(item, quote=False)
            body.append(f"<p>{text}</p>" if item.strip() else "<p>&nbsp;</p>")
        else:
            rows = "\n".join("<tr>" + "\n".join(f"  <td>{html.escape(c, quote=False)}</td>" for c in row)
                             + "</tr>" for row in item)
            body.append(f'<table border="1" cellspacing="0">\n{rows}\n</table>')
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>通知公告_某某县人民政府</title>
<style>p {{ text-indent: 2em; }}</style>
<script>var _hmt = _hmt || []; document.write("<div>统计</div>");</script>
</head>
<body>
<div class="header"><img src="logo.png" alt="某某县人民政府"><ul class="nav-menu">
  <li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/hdjl/">互动交流</a></li>
</ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">通知公告</a></div>
<div id="zoom" class="TRS_Editor">
{chr(10).join(body)}
</div>
<div class="share-bar">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
<aside><h3>相关文章</h3><ul><li>关于开展校外培训专项治理的通知</li></ul></aside>
<div class="footer">主办单位：某某县人民政府办公室　版权所有　网站标识码：1234567890</div>
<script>console.log("统计代码");</script>
</body>
</html>
"""
    return page.encode(charset)


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


VARIANTS = {
    "utf-8-bom": lambda p: codecs.BOM_UTF8 + p.read_bytes(),
    "gb18030": lambda p: _text(p).encode("gb18030"),
    "utf-16": lambda p: _text(p).encode("utf-16"),           # BOM + little-endian
    "utf-16-be": lambda p: codecs.BOM_UTF16_BE + _text(p).encode("utf-16-be"),
    "crlf": lambda p: _text(p).replace("\n", "\r\n").encode("utf-8"),
    "cr": lambda p: _text(p).replace("\n", "\r").encode("utf-8"),
    "docx": lambda p: to_docx(sample_lines(p)),
    "html": lambda p: to_html(sample_lines(p)),
    "html-gb2312": lambda p: to_html(sample_lines(p), "gb18030").replace(b"charset=gb18030", b"charset=gb2312"),
}
ENCODING = {"utf-8-bom": "utf-8-sig", "gb18030": "gb18030", "utf-16": "utf-16", "utf-16-be": "utf-16",
            "crlf": "utf-8", "cr": "utf-8", "docx": "docx", "html": "html (utf-8)",
            "html-gb2312": "html (gb18030)"}


def _without_source(notice, spans: bool = True) -> dict:
    data = record_data(notice)
    del data["source"]
    return data if spans else _without_spans(data)


def _without_spans(value):
    """The record without its spans: offsets in a text that a page or a Word file lays out anew."""
    if isinstance(value, dict):
        return {k: _without_spans(v) for k, v in value.items() if not k.endswith(("_span", "_spans"))}
    return [_without_spans(v) for v in value] if isinstance(value, list) else value


@pytest.fixture(scope="module")
def originals() -> dict[str, dict]:
    return {p.name: _without_source(run(p.read_bytes(), str(p)).notice) for p in SAMPLES}


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_same_record_in_every_form(sample, variant, originals, tmp_path):
    """Metamorphic: re-encoding a notice changes nothing but `source`; re-packaging it (a Word
    file, a page) changes its white space, so the spans too, which still point at every value."""
    data = VARIANTS[variant](sample)
    path = tmp_path / f"{sample.stem}.{variant}"
    notice = run(data, str(path)).notice
    assert notice.source.encoding == ENCODING[variant]
    assert notice.source.sha256 != run(sample.read_bytes(), "x").notice.source.sha256
    if variant in ("docx", "html", "html-gb2312"):
        assert _without_source(notice, spans=False) == _without_spans(originals[sample.name])
        assert span_problems(data, str(path))[1] == []
    else:
        assert _without_source(notice) == originals[sample.name]


@pytest.mark.parametrize("variant", ["docx", "html"])
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_converted_text_keeps_the_lines(sample, variant):
    """`line` of a .docx or page points at the same text as in the original: one line per line."""
    converted = read_text(VARIANTS[variant](sample), f"x.{variant}")
    original = read_text(sample.read_bytes(), sample.name)
    assert len(converted) <= len(original)   # trailing blank lines may go
    for number, (got, want) in enumerate(zip(converted, original), 1):
        assert " ".join(got.split()) == " ".join(want.split()) or _is_row(want), f"line {number}"


# --- sniffing ----------------------------------------------------------------------------

@pytest.mark.parametrize("data, name, kind", [
    ("关于成立领导小组的通知\n".encode(), "a.txt", "text"),
    ("关于成立领导小组的通知\n".encode(), "a.html", "text"),    # the name alone decides nothing
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a.txt", "pdf"),
    (b"<!DOCTYPE html><html><body>x</body></html>", "a.txt", "html"),
    (b"\n  <html>\n<body>x</body></html>", "a", "html"),
    ("<?xml version='1.0'?><!-- x --><html>".encode(), "a", "html"),
    ("<div class=TRS_Editor><p>关于成立</p></div>".encode(), "a.txt", "html"),
    ("<p>一</p><p>二</p>".encode(), "page.htm", "html"),
    ("通知\n<关于进一步减轻负担的意见>\n".encode(), "a.txt", "text"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "a.doc", "ole2"),
    (b"{\\rtf1\\ansi hello}", "a.rtf", "rtf"),
    (b"PK\x03\x04" + b"\0" * 30, "a.docx", "zip"),
    ("\ufeff<html><body>x</body></html>".encode("utf-16"), "a", "html"),
    (b"<!-- a --><!-- b -->\n<div>x</div>", "a", "html"),
    (b"<!--a-->" * 500 + "组长：王刚".encode(), "a", "text"),
    (b"<!-- unclosed <div>", "a", "text"),
])
def test_sniff(data, name, kind):
    assert sniff(data, name) == kind


def test_a_docx_is_known_by_content_not_name():
    data = to_docx(["关于成立领导小组的通知", "组长：王刚 县长"])
    assert sniff(data, "notice.txt") == "docx"
    assert run(data, "notice.txt").notice.source.encoding == "docx"


@pytest.mark.parametrize("data, reason", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "legacy Word .doc"),
    (b"{\\rtf1\\ansi\\deff0 {\\fonttbl}}", "RTF"),
])
def test_unsupported_office_files_say_what_they_are(data, reason):
    with pytest.raises(InputError, match=reason):
        run(data, "a.doc")


def test_a_zip_that_is_not_a_docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")
    with pytest.raises(InputError, match="not a Word .docx"):
        run(buffer.getvalue(), "a.odt")


# --- .docx -------------------------------------------------------------------------------

def test_docx_paragraphs_and_tables_in_document_order():
    import docx

    document = docx.Document()
    document.add_paragraph("关于成立县“双减”工作领导小组的通知")
    document.add_paragraph("领导小组组成人员如下：")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([("职务", "姓名", "现任职务"), ("组长", "王刚", "县委副书记、县长"),
                             ("副组长", "李明", "副县长")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("领导小组下设办公室。\n办公室主任由李明同志兼任。")   # a line break in a paragraph
    buffer = io.BytesIO()
    document.save(buffer)
    lines = read_text(buffer.getvalue(), "a.docx")
    assert lines == ["关于成立县“双减”工作领导小组的通知", "领导小组组成人员如下：",
                     "职务\t姓名\t现任职务", "组长\t王刚\t县委副书记、县长", "副组长\t李明\t副县长",
                     "领导小组下设办公室。", "办公室主任由李明同志兼任。"]
    members = run(buffer.getvalue(), "a.docx").notice.bodies[0].members
    assert [(m.role, m.name, m.posts, m.line) for m in members][:2] == [
        ("组长", "王刚", ["县委副书记", "县长"], 4), ("副组长", "李明", ["副县长"], 5)]


def _roster_docx(header: tuple[str, ...] | None, rows: list[tuple[str, ...]]) -> bytes:
    import docx

    document = docx.Document()
    for line in ("关于成立县“双减”工作领导小组的通知", "各乡镇人民政府：",
                 "为做好“双减”工作，决定成立县“双减”工作领导小组。", "附件", "县“双减”工作领导小组成员名单"):
        document.add_paragraph(line)
    all_rows = ([header] if header else []) + rows
    table = document.add_table(rows=len(all_rows), cols=len(all_rows[0]))
    for r, row in enumerate(all_rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


ROSTER = [("王刚", "县委副书记、县长"), ("李明", "副县长"), ("张三", "县教育局局长")]


def test_a_name_list_table_without_header_row():
    notice = run(_roster_docx(None, ROSTER), "a.docx").notice
    assert [(m.name, m.posts) for m in notice.bodies[0].members] == [
        ("王刚", ["县委副书记", "县长"]), ("李明", ["副县长"]), ("张三", ["县教育局局长"])]


@pytest.mark.parametrize("header", [("姓名", "职务"), ("姓  名", "职  务"), ("姓名", "现任职务"),
                                    ("序号", "姓名", "职务")])
def test_a_name_list_table_with_header_row(header):
    """The common 名单 table: a header row, maybe a 序号 column, no role column."""
    rows = ROSTER if len(header) == 2 else [(str(i), *row) for i, row in enumerate(ROSTER, 1)]
    notice = run(_roster_docx(header, rows), "a.docx").notice
    assert [(m.name, m.posts) for m in notice.bodies[0].members] == [
        ("王刚", ["县委副书记", "县长"]), ("李明", ["副县长"]), ("张三", ["县教育局局长"])]


def test_docx_merged_role_cell_leaves_later_rows_without_role():
    """A 成员 cell merged down over three rows: the rows below read as role continuations."""
    import docx

    document = docx.Document()
    document.add_paragraph("县“双减”工作领导小组成员名单")
    table = document.add_table(rows=3, cols=3)
    rows = [("成员", "张三", "县教育局局长"), ("", "赵四", "县财政局局长"), ("", "钱五", "县公安局副局长")]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(0, 0).merge(table.cell(2, 0))
    wide = table.add_row()
    wide.cells[0].merge(wide.cells[2]).text = "（以上同志如有变动，由所在单位接任者自然替补）"
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_text(buffer.getvalue(), "a.docx") == [
        "县“双减”工作领导小组成员名单", "成员\t张三\t县教育局局长", "\t赵四\t县财政局局长",
        "\t钱五\t县公安局副局长", "（以上同志如有变动，由所在单位接任者自然替补）"]


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def test_docx_automatic_numbering_is_written_out():
    """Word's list numbers (一、 （一）) live in numbering.xml, not in the text: they are added."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum xmlns:w="{W}" w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="（%2）"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%3."/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num xmlns:w="{W}" w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for level, text in [(0, "组织机构"), (1, "领导小组"), (2, "组长"), (2, "副组长"), (1, "办公室"),
                        (0, "工作职责"), (1, "县教育局"), (None, "不编号的段落")]:
        paragraph = document.add_paragraph(text)
        if level is not None:
            paragraph._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr xmlns:w="{W}"><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
    document.add_paragraph("编号", style="List Number")     # a numbered style of the template
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_text(buffer.getvalue(), "a.docx") == [
        "一、组织机构", "（一）领导小组", "1.组长", "2.副组长", "（二）办公室", "二、工作职责",
        "（一）县教育局", "不编号的段落", "1.编号"]


@pytest.mark.parametrize("n, fmt, text", [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (12, "chineseCounting", "十二"),
    (20, "chineseCountingThousand", "二十"), (105, "chineseCounting", "一百零五"),
    (110, "chineseCounting", "一百一十"), (3, "ideographTraditional", "丙"),
    (2, "decimalEnclosedCircle", "②"), (4, "upperRoman", "IV"), (28, "lowerLetter", "bb"),
    (7, "decimalFullWidth", "７"), (5, "decimal", "5"), (3, "chineseLegalSimplified", "叁"),
    (12, "chineseLegalSimplified", "壹拾贰"), (1010, "chineseCounting", "一千零一十"),
    (10_000, "chineseCounting", "10000"),
])
def test_number_formats(n, fmt, text):
    assert _format_number(n, fmt) == text


def test_docx_tracked_changes_and_text_boxes():
    """Inserted text counts, deleted text does not."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    paragraph = document.add_paragraph("组长：")
    paragraph._p.append(parse_xml(f'<w:ins xmlns:w="{W}" w:id="1" w:author="a"><w:r><w:t>王刚</w:t></w:r></w:ins>'))
    paragraph._p.append(parse_xml(f'<w:del xmlns:w="{W}" w:id="2" w:author="a"><w:r><w:delText>李明</w:delText></w:r></w:del>'))
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_text(buffer.getvalue(), "a.docx") == ["组长：王刚"]


def test_a_damaged_docx_is_an_input_error():
    data = bytearray(to_docx(["关于成立领导小组的通知"]))
    start = data.index(b"word/document.xml") + 40
    data[start:start + 200] = b"\x00" * 200
    with pytest.raises(InputError, match="docx"):
        run(bytes(data), "a.docx")


def test_a_docx_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b" " * (9 * 1024 * 1024))
    with pytest.raises(InputError, match="unpacks to"):
        run(buffer.getvalue(), "bomb.docx", max_bytes=1024 * 1024)


def test_docx_run_text_as_word_shows_it():
    """Tabs, line breaks (not page breaks), carriage returns and non-breaking hyphens, in runs
    of hyperlinks and content controls; a paragraph's own runs after its numbering."""
    body = ('<w:p><w:r><w:t>组长</w:t><w:tab/><w:t>王刚</w:t><w:br w:type="page"/><w:br/>'
            '<w:t xml:space="preserve">县长 </w:t><w:noBreakHyphen/><w:t>兼</w:t></w:r>'
            '<w:hyperlink><w:r><w:t>（链接）</w:t></w:r></w:hyperlink></w:p>'
            '<w:sdt><w:sdtPr><w:alias w:val="x"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>控件中的段落</w:t></w:r></w:p>'
            '</w:sdtContent></w:sdt><w:p/><w:customXml><w:p><w:r><w:t>不读</w:t></w:r></w:p></w:customXml>'
            '<w:p><w:r><w:t>文本框外</w:t><w:drawing><w:txbxContent><w:p><w:r><w:t>框内</w:t></w:r></w:p>'
            '</w:txbxContent></w:drawing></w:r></w:p>')
    assert read_text(docx_of(body.encode()), "a.docx") == [
        "关于成立县“双减”工作领导小组的通知", "组长\t王刚", "县长 -兼（链接）", "控件中的段落", "", "文本框外"]


@pytest.mark.parametrize("limit, body, reason", [
    ("DOCX_MAX_PARAGRAPHS", lambda n: "<w:p><w:r><w:t>甲</w:t></w:r></w:p>" * n, "paragraphs"),
    ("DOCX_MAX_PARAGRAPHS", lambda n: "<w:tbl><w:tr><w:tc>" + "<w:p><w:r><w:t>甲</w:t></w:r></w:p>" * n
     + "</w:tc></w:tr></w:tbl>", "paragraphs"),      # counted inside a table, before it ends
    ("DOCX_MAX_TAGS", lambda n: "<w:p><w:r><w:t>甲</w:t></w:r>" + "<w:r/>" * n + "</w:p>", "XML tags"),
], ids=["paragraphs", "paragraphs-in-a-table", "tags"])
def test_docx_limits_are_counted_while_reading(monkeypatch, limit, body, reason):
    import shuangjian_parse.formats as formats

    monkeypatch.setattr(formats, limit, 100)
    assert read_text(docx_of(body(20).encode()), "a.docx")[1].startswith("甲")   # under the limit: read
    with pytest.raises(InputError) as caught:
        read_text(docx_of(body(200).encode()), "a.docx")
    assert caught.value.reason == f".docx holds more than 100 {reason}: refused as a probable zip bomb"


def test_docx_text_is_bounded_by_max_bytes():
    body = "<w:p><w:r><w:t>" + "组" * 2000 + "</w:t></w:r></w:p>"
    with pytest.raises(InputError, match="text is over the limit of 5,000 characters"):
        read_text(docx_of((body * 3).encode()), "a.docx", max_bytes=5000)


def test_a_docx_part_that_inflates_past_its_stated_size_stops_there():
    body = b"<w:p><w:r><w:t>" + "组长：王刚".encode() * 20_000 + b"</w:t></w:r></w:p>"
    with pytest.raises(InputError, match="damaged .docx: a part inflates to other bytes than its stated size"):
        read_text(docx_of(body, stated=len(body) // 100), "a.docx")


# --- web pages ---------------------------------------------------------------------------

def test_page_chrome_is_dropped():
    lines = ["关于成立县“双减”工作领导小组的通知", "", "组长：王刚 县长", "成员：县教育局、县财政局"]
    assert read_text(to_html(lines), "a.html") == lines


@pytest.mark.parametrize("markup, lines", [
    ("<p>一、组织机构</p><p>组长：王刚</p>", ["一、组织机构", "组长：王刚"]),
    ("<div>组长：王刚<br>副组长：李明<br><br>成员</div>", ["组长：王刚", "副组长：李明", "", "成员"]),
    ("<p>组  长：\n  王刚\n</p>", ["组 长： 王刚"]),
    ("<p>&nbsp;</p><p>甲</p><p></p><p>乙</p><p>\u3000</p><p>丙</p>", ["", "甲", "乙", "", "丙"]),
    ("<table><tr><th>职务</th><th>姓名</th></tr>\n<tr> <td>组长</td> <td><p>王刚</p><p>县长</p></td> </tr>"
     "<tr><td></td><td>李明</td><td></td></tr></table>", ["职务\t姓名", "组长\t王刚 县长", "\t李明"]),
    ("<ul><li>县教育局：负责</li><li>县财政局：保障</li></ul>", ["县教育局：负责", "县财政局：保障"]),
    ("<pre>组长：王刚\n\n成员：李明</pre>", ["组长：王刚", "", "成员：李明"]),
    ("<p>甲<span style='display:none'>隐藏</span>乙</p><p hidden>丙</p>", ["甲乙"]),
    ("<article><header><h1>关于成立的通知</h1></header><p>正文</p><footer>2021年12月13日</footer></article>"
     "<footer>版权所有</footer>", ["关于成立的通知", "正文", "2021年12月13日"]),
    ("<div id='nav'>首页</div><main><p>正文</p></main><div>侧栏</div>", ["正文"]),
    ("<p>甲<!-- 注释 -->乙</p><p>a &lt;b&gt; &amp; &#x4e00;</p>", ["甲乙", "a <b> & 一"]),
    ("<div class='nav'><p>只有导航</p></div>", ["只有导航"]),    # nothing else: chrome is kept
])
def test_page_text(markup, lines):
    page = f"<html><head><title>t</title></head><body>{markup}</body></html>"
    assert read_text(page.encode(), "a.html") == lines


@pytest.mark.parametrize("data, encoding", [
    ('<html><head><meta charset="gb2312"></head><body><p>组长：王刚</p></body></html>'.encode("gb18030"),
     "html (gb18030)"),
    ('<html><body><p>组长：王刚</p></body></html>'.encode("gb18030"), "html (gb18030)"),   # no charset
    ('<html><head><meta charset="gb2312"></head><body><p>组长：王刚</p></body></html>'.encode("utf-8"),
     "html (utf-8)"),                                                                   # wrong charset
    ('<html><head><meta charset="x-unknown"></head><body><p>组长：王刚</p></body></html>'.encode("utf-8"),
     "html (utf-8)"),
    (codecs.BOM_UTF8 + '<html><body><p>组长：王刚</p></body></html>'.encode("utf-8"), "html (utf-8-sig)"),
    ('<html><body><p>组长：王刚</p></body></html>'.encode("utf-16"), "html (utf-16)"),
])
def test_page_charset(data, encoding):
    notice = run(data, "a.html").notice
    assert notice.source.encoding == encoding
    assert read_text(data, "a.html") == ["组长：王刚"]


def _attributes(n: int, form: str) -> str:
    return "".join(form.format(i=i) for i in range(n))


@pytest.mark.parametrize("tag", [
    "<p" + _attributes(201, ' a{i}="{i}"') + ">",
    "<p" + _attributes(201, ' a{i}=">"') + ">",          # > inside quotes does not end the tag
    "<p" + _attributes(201, ' a{i}="<"') + ">",
    "<p" + _attributes(201, " a{i}") + ">",               # no values at all
    "<p " + _attributes(201, 'a{i}="1"') + ">",           # no spaces between them
    "<p" + _attributes(201, " =a{i}") + ">",
    "<p " + '"x"' * 500 + _attributes(201, " a{i}") + ">",   # past re's piece bound
    "<p" + _attributes(201, " a{i}='{i}'"),               # never closed
])
def test_a_page_with_an_attribute_flood_is_refused_before_parsing(tag):
    page = f"<html><body>{tag}组长：王刚</p></body></html>".encode()
    with pytest.raises(InputError, match="a tag with more than 200 attributes \\(line 1\\)"):
        read_text(page, "a.html")


@pytest.mark.parametrize("markup", [
    "<p" + _attributes(200, ' a{i}="{i}"') + ">",
    ("<p" + _attributes(150, ' a{i}="{i}"') + ">") * 2,
    '<svg><path d="' + "1 2 " * 5000 + '"/></svg>',       # long values are one attribute
])
def test_many_attributes_short_of_the_limit_are_read(markup):
    assert read_text(f"<html><body>{markup}组长：王刚</body></html>".encode(), "a.html") == ["组长：王刚"]


def test_a_page_without_text_is_an_input_error():
    with pytest.raises(InputError, match="no text"):
        run(b"<html><head><title>x</title></head><body><script>x()</script></body></html>", "a.html")


# --- PDF ---------------------------------------------------------------------------------

def to_pdf(lines: list[str], *, encrypt: str | None = None, text: bool = True, width: int = 38) -> bytes:
    """A PDF with a text layer in reportlab's built-in Chinese font, hard-wrapped as a justified
    page is: every `width` characters, wherever a word or sentence is, indents kept. Markdown
    emphasis (**) is bold type on a page, not text, and is left out."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt=encrypt)
    y = 800
    for line in lines:
        line = line.replace("**", "")
        pieces = [line[i:i + width] for i in range(0, len(line), width)] or [""]
        for piece in pieces:
            if y < 50:
                pdf.showPage()
                y = 800
            if text:
                pdf.setFont("STSong-Light", 12)
                pdf.drawString(40, y, piece)
            else:
                pdf.rect(40, y, 12 * len(piece), 10, fill=1)
            y -= 18
    pdf.save()
    return buffer.getvalue()


def _read(notice) -> dict:
    """What a reader takes from a notice: title, bodies with members and units, duties. Text is
    compared without white space: a line cut at a space loses it (不少于 | 10 分钟)."""
    def bare(text):
        return "".join(text.split()) if text else text

    return {"title": notice.document.title,
            "bodies": [(b.name, b.kind, [(m.role, m.name, m.posts) for m in b.members],
                        [u.name for u in b.member_units]) for b in notice.bodies],
            "duties": [(d.units, bare(d.text)) for d in notice.duties]}


@pytest.mark.parametrize("width", [38, 28])     # 28: GB/T 9704's characters a line
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_pdf_wrapped_at_a_page_width_reads_as_the_text(sample, width):
    """A duty or title cut at the page's line end is joined again, as in the text file."""
    original = run(sample.read_bytes(), sample.name).notice
    pdf = to_pdf(sample_lines(sample), width=width)
    assert max(len(line) for line in read_text(pdf, "a.pdf")) == width    # the PDF is hard-wrapped
    notice = run(pdf, "a.pdf").notice
    assert notice.source.encoding == "pdf"
    assert _read(notice) == _read(original)
    assert [d.code for d in notice.diagnostics if d.code == "SJ105"] == ["SJ105"]


def test_pdf_without_text_layer():
    with pytest.raises(InputError, match="no text layer.*OCR"):
        run(to_pdf(["关于成立领导小组的通知"] * 3, text=False), "scan.pdf")


def test_pdf_with_a_password():
    with pytest.raises(InputError, match="encrypted"):
        run(to_pdf(["关于成立领导小组的通知"], encrypt="secret"), "locked.pdf")


def test_pdf_text_over_the_limit_is_refused():
    """A PDF compresses its text: the limit applies to the bytes and again to the text."""
    data = to_pdf(["关于成立县“双减”工作领导小组的通知"] * 4000)      # 72,000 characters
    assert len(data) < 70_000
    with pytest.raises(InputError, match="PDF text is over the limit of 70,000 characters by page"):
        run(data, "long.pdf", max_bytes=70_000)


def test_a_damaged_pdf_is_an_input_error():
    with pytest.raises(InputError, match="PDF"):
        run(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ntrailer\n%%EOF\n" + b"\x00garbage" * 50, "bad.pdf")


# --- missing extras ----------------------------------------------------------------------

@pytest.mark.parametrize("module, data, what, extra", [
    ("lxml", lambda: to_docx(["关于成立领导小组的通知"]), "a .docx", "docx"),
    ("lxml", lambda: to_html(["关于成立领导小组的通知"]), "a web page", "html"),
    ("pypdf", lambda: to_pdf(["关于成立领导小组的通知"]), "a PDF", "pdf"),
])
def test_a_missing_extra_names_it(module, data, what, extra, monkeypatch):
    payload = data()
    for name in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, module, None)     # `import module` raises ImportError
    with pytest.raises(InputError) as caught:
        run(payload, "notice")
    assert caught.value.reason == (f"reading {what} needs the {extra} extra: pip install 'shuangjian-parse[{extra}]' "
                                   f"(from a checkout of sj: pip install '.[{extra}]')")


# --- the command line --------------------------------------------------------------------

@pytest.fixture
def sj(monkeypatch, capsys, tmp_path):
    """Run `sj ARGS` in-process in tmp_path; return (exit code, stdout, stderr)."""
    from shuangjian_parse.cli import main

    monkeypatch.chdir(tmp_path)

    def call(*args: str):
        monkeypatch.setattr(sys, "argv", ["sj", *args])
        with pytest.raises(SystemExit) as exit_:
            main()
        out, err = capsys.readouterr()
        return exit_.value.code, out, err
    return call


def test_cli_parses_a_docx_and_dumps_its_text(sj, tmp_path):
    sample = SAMPLES[3]
    (tmp_path / "notice.docx").write_bytes(to_docx(sample_lines(sample)))
    code, out, err = sj("parse", "notice.docx", "--format", "json")
    assert code in (0, 1), err
    assert '"encoding": "docx"' in out
    code, out, err = sj("parse", "--dump-text", "notice.docx")
    assert code == 0 and err == ""
    (tmp_path / "notice.txt").write_text(out, encoding="utf-8")
    # the dumped text parses to the same record: `line` numbers refer to exactly that text
    again = run((tmp_path / "notice.txt").read_bytes(), "notice.txt").notice
    assert _without_source(again) == _without_source(run(sample.read_bytes(), sample.name).notice)


def test_cli_dump_text_of_several_files(sj, tmp_path):
    (tmp_path / "a.txt").write_text("甲\n乙\n", encoding="utf-8")
    (tmp_path / "b.html").write_bytes(to_html(["丙"]))
    assert sj("parse", "--dump-text", "a.txt", "b.html") == (0, "==> a.txt <==\n甲\n乙\n==> b.html <==\n丙\n", "")
    (tmp_path / "out").mkdir()
    assert sj("parse", "--dump-text", "a.txt", "b.html", "-o", "out")[0] == 0
    assert (tmp_path / "out" / "b.txt").read_text(encoding="utf-8") == "丙\n"
    code, out, err = sj("parse", "--dump-text", "a.txt", "missing.txt")
    assert (code, out, err) == (3, "==> a.txt <==\n甲\n乙\n", "sj: error: missing.txt: no such file\n")


def test_cli_reports_a_scanned_pdf_in_one_line(sj, tmp_path):
    (tmp_path / "scan.pdf").write_bytes(to_pdf(["关于成立领导小组的通知"], text=False))
    code, out, err = sj("parse", "scan.pdf")
    assert (code, out) == (3, "")
    assert err.startswith("sj: error: scan.pdf: PDF has no text layer")
    assert len(err.splitlines()) == 1


def test_read_source_report_is_untouched_by_conversion():
    report = Report()
    decoded = read_source(to_docx(["甲", "", "乙"]), "a.docx", report)
    assert decoded.lines == ["甲", "", "乙"] and decoded.source.lines == 3 and not report.items()
