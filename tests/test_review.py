"""The review page (`sj show --html`, review.py), read back with html.parser: no browser needed.

tests/test_review_browser.py reads the same page back from headless Chromium's DOM.
"""
from __future__ import annotations

import re
from html import escape
from collections import defaultdict
from html.parser import HTMLParser

import pytest

from conftest import SAMPLES, run_cli
from shuangjian_parse.pipeline import read_text, run
from shuangjian_parse.review import Highlight, _nest, kind_of, render_index, render_page, summarize
from shuangjian_parse.stages.spans import compact, span_text, spanned

@pytest.fixture
def run_sj(monkeypatch, capsys):
    return lambda *args: run_cli(monkeypatch, capsys, *args)


SAMPLE_002 = SAMPLES / "002_f4323febc5e33686.txt"
_YEAR_BRACKETS = re.compile(r"[〔〕\[\]［］()（）【】]")


class PageReader(HTMLParser):
    """What a review page shows: the source pane's text, each highlight's text by path (its
    elements joined in document order), each line's classes and diagnostics, the record pane's
    links and the page's script elements."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.source: list[str] = []
        self.marked: dict[str, list[str]] = defaultdict(list)
        self.kinds: dict[str, set[str]] = defaultdict(set)
        self.lines: list[dict[str, str]] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.scripts = 0
        self.body: dict[str, str] = {}
        self._in_source = False
        self._in_record = 0
        self._spans: list[str | None] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            assert a["id"] not in self.ids, f"id {a['id']} twice"
            self.ids.add(a["id"])
        if tag == "script":
            self.scripts += 1
        elif tag == "body":
            self.body = a
        elif tag == "pre" and a.get("id") == "src":
            self._in_source = True
        elif tag == "section" and a.get("id") == "rec":
            self._in_record = 1
        elif tag == "section" and self._in_record:
            self._in_record += 1
        elif tag == "a" and self._in_record and "data-to" in a:
            self.links.append(a["data-to"])
        elif tag == "span" and self._in_source:
            self._spans.append(a.get("data-path"))
            if "data-path" in a:
                self.kinds[a["data-path"]].add(a["data-kind"])
            if "l" in a.get("class", "").split():
                self.lines.append(a)

    def handle_endtag(self, tag):
        if tag == "pre" and self._in_source:
            self._in_source = False
        elif tag == "section" and self._in_record:
            self._in_record -= 1
        elif tag == "span" and self._in_source:
            self._spans.pop()

    def handle_data(self, data):
        if self._in_source:
            self.source.append(data)
            for path in self._spans:
                if path is not None:
                    self.marked[path].append(data)

    @property
    def text(self) -> str:
        return "".join(self.source)

    def highlighted(self) -> dict[str, str]:
        return {path: "".join(parts) for path, parts in self.marked.items()}


def value_problems(reader: PageReader, notice, text: str) -> list[str]:
    """Each value of `spanned(notice)` must have a highlight of its kind whose text is its span's
    text and, white space aside, the value; and a link in the record pane."""
    problems = []
    shown = reader.highlighted()
    spans = {path: (value, span) for path, value, span in spanned(notice)}
    for path, (value, span) in spans.items():
        if span is None:
            continue
        if path not in shown:
            problems.append(f"{path} {value!r}: no highlight")
            continue
        written, wanted = compact(shown[path]), compact(value)
        if path == "document.doc_number":
            written, wanted = _YEAR_BRACKETS.sub("", written), _YEAR_BRACKETS.sub("", wanted)
        if shown[path] != span_text(text, span) or written != wanted:
            problems.append(f"{path} {value!r}: highlight holds {shown[path]!r}")
        if reader.kinds[path] != {kind_of(path)}:
            problems.append(f"{path}: kinds {reader.kinds[path]}")
        if path not in reader.links:
            problems.append(f"{path}: no link in the record pane")
    problems += [f"{path}: highlight of no value" for path in shown if path not in spans]
    return problems


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.stem)
def test_the_source_pane_is_the_decoded_text_with_every_value_highlighted(sample):
    data = sample.read_bytes()
    notice = run(data, sample.name).notice
    lines = read_text(data, sample.name)
    reader = PageReader(render_page(notice, lines))
    assert reader.text == "\n".join(lines)
    assert [int(line["data-n"]) for line in reader.lines] == list(range(1, len(lines) + 1))
    assert value_problems(reader, notice, reader.text) == []
    assert len(reader.marked) == sum(span is not None for _, _, span in spanned(notice)) > 50


NOTICE = """关于成立某县“双减”工作领导小组的<script>alert("x")</script>通知
各乡镇人民政府，县政府各部门：
一、组织机构
组  长：王  刚  县委常委、副县长
副组长：何  平（县教育局局长）  李  明（县公安局副局长）
成员单位：县委宣传部、网信办，县市场监管局&amp;
二、职责分工
县教育局：负责统筹协调，县教育局牵头</script><b>落实</b>。
宣传、网信部门负责舆论引导。
"""


def test_notice_text_stays_text():
    """Markup in a notice (<script>, </script>, &amp;) is shown as written and never runs."""
    data = NOTICE.encode("utf-8")
    notice = run(data, "n.txt").notice
    page = render_page(notice, read_text(data, "n.txt"))
    reader = PageReader(page)
    assert reader.scripts == 1  # the page's own
    assert page.count("<script>") == 1 and page.count("</script>") == 1 and "<b>落实" not in page
    assert reader.text == NOTICE.rstrip("\n")
    assert "<script>" in reader.text and "&amp;" in reader.text
    assert value_problems(reader, notice, reader.text) == []


def test_a_duty_holding_its_unit_nests_and_pieces_are_joined():
    """县教育局's duty text holds 县教育局 again; 县委网信办 is two pieces (县委 … 网信办)."""
    data = NOTICE.encode("utf-8")
    notice = run(data, "n.txt").notice
    reader = PageReader(render_page(notice, read_text(data, "n.txt")))
    shown = reader.highlighted()
    duty = next(n for n, d in enumerate(notice.duties) if d.units == ["县教育局"])
    assert "县教育局牵头" in shown[f"duties[{duty}].text"]
    unit = next(p for p, v, _ in spanned(notice) if v == "县委网信办")
    assert shown[unit] == "县委网信办"


def mark(number: int, start: int, end: int) -> tuple[int, int, Highlight]:
    return start, end, Highlight(number, f"p{number}", "unit", "", [start, end])


@pytest.mark.parametrize("pieces, expected", [
    # nested: the outer holds the inner
    ([mark(0, 0, 8), mark(1, 2, 4)], {"p0": "abcdefgh", "p1": "cd"}),
    # overlapping without nesting: the second is closed with the first and opened again
    ([mark(0, 0, 5), mark(1, 3, 8)], {"p0": "abcde", "p1": "defgh"}),
    # the same stretch twice, and one that starts where another ends
    ([mark(0, 1, 3), mark(1, 1, 3), mark(2, 3, 6)], {"p0": "bc", "p1": "bc", "p2": "def"}),
])
def test_overlapping_highlights_keep_the_text_whole(pieces, expected):
    text = "abcdefgh"
    html = "<pre id='src'><span class='l' data-n='1'>" + _nest(text, 0, len(text), pieces, set()) + "</span></pre>"
    html = html.replace('class="hl', 'data-kind="unit" class="hl')
    reader = PageReader(html)
    assert reader.text == text
    assert reader.highlighted() == expected


def test_a_value_across_a_line_end_is_split_at_it():
    notice = run(SAMPLE_002.read_bytes(), SAMPLE_002.name).notice
    lines = ["组长：王", "刚 县长"]
    one = notice.model_copy(update={"bodies": [], "duties": [], "sections": [], "diagnostics": [],
                                    "document": notice.document.model_copy(update={
                                        "title": "王刚", "title_span": [3, 6], "doc_number": None,
                                        "doc_number_span": None, "issuers": [], "issuer_spans": [],
                                        "addressees": [], "addressee_spans": [], "attachments": []})})
    reader = PageReader(render_page(one, lines))
    assert reader.text == "组长：王\n刚 县长"
    assert reader.highlighted() == {"document.title": "王\n刚"}
    assert all(line["data-n"] in "12" for line in reader.lines) and len(reader.lines) == 2


ROSTER = """关于成立某县工作领导小组的通知
一、组织机构
组长：王刚  县委常委、副县长
副组长：何平  县教育局局长
吕
成员：李明  县公安局副局长
"""


def test_diagnostics_are_beside_their_lines_and_unread_lines_marked():
    data = ROSTER.encode("utf-8")
    notice = run(data, "r.txt").notice
    page = render_page(notice, read_text(data, "r.txt"))
    reader = PageReader(page)
    codes = {d.code for d in notice.diagnostics}
    assert "SJ302" in codes
    for d in notice.diagnostics:
        assert f"<b>{d.code} {d.severity}</b>: {escape(d.message)}</li>" in page  # the record pane's list
        if d.line is None:
            continue
        line = reader.lines[d.line - 1]
        assert f"{d.code} {d.severity}: {d.message}" in line["data-diag"]
    unread = [line["data-n"] for line in reader.lines if "unread" in line["class"].split()]
    assert unread == [str(d.line) for d in notice.diagnostics if d.code == "SJ302"] == ["5"]
    assert "d-warning" in reader.lines[4]["class"].split()


def test_the_index_counts_what_each_record_holds(run_sj, tmp_path):
    out = tmp_path / "pages"
    code, stdout, err = run_sj("show", str(SAMPLES), "--html", "-o", f"{out}/")
    samples = sorted(SAMPLES.glob("*.txt"))
    assert (code, stdout) == (0, "") and err == f"wrote {out}/index.html ({len(samples)} pages)\n"
    index = (out / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr>(.*?)</tr>", index)[1:]
    assert len(rows) == len(samples)
    for row, sample in zip(rows, samples):
        notice = run(sample.read_bytes(), sample.name).notice
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        href = re.search(r'href="([^"]+)"', cells[1]).group(1)
        assert href == f"{sample.stem}.html" and (out / href).is_file()
        assert cells[4] == (notice.document.date or "")
        assert cells[6:10] == [str(len(notice.bodies)), str(sum(len(b.members) for b in notice.bodies)),
                               str(sum(len(b.member_units) for b in notice.bodies)), str(len(notice.duties))]
        page = (out / href).read_text(encoding="utf-8")
        assert '<a class="back" href="index.html">' in page
        assert page == render_page(notice, read_text(sample.read_bytes()), "index.html")
    assert re.search(r"<td class=\"place\">[^<]*彭水[^<]*· county</td>", index)


def test_one_page_to_a_file_or_stdout_is_the_same_every_run(run_sj, tmp_path):
    code, first, _ = run_sj("show", str(SAMPLE_002), "--html")
    assert code == 0 and first.startswith("<!DOCTYPE html>")
    code, again, _ = run_sj("show", str(SAMPLE_002), "--html", "-o", str(tmp_path / "p.html"))
    assert (code, again) == (0, "") and (tmp_path / "p.html").read_text(encoding="utf-8") == first
    assert "http://" not in first and "https://" not in first and "<link" not in first  # self-contained


def test_an_unreadable_notice_in_a_folder_is_listed_and_exit_3(run_sj, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(SAMPLE_002.read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    code, _, err = run_sj("show", str(folder), str(tmp_path / "missing.txt"), "--html", "-o", f"{tmp_path}/out/")
    assert code == 3
    assert f"sj: error: {folder}/empty.txt: empty file" in err and "missing.txt: no such file" in err
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="a.html"' in index and "empty.txt: empty file" in index


@pytest.mark.parametrize("args, says", [
    (["-o", "x.html"], "-o writes review pages: add --html"),
    ([str(SAMPLE_002), "--html"], "2 notices"),
    ([str(SAMPLE_002)], "2 notices"),
    (["-", "--html", "-o", "OUT/"], "- (stdin) gives one page"),
], ids=["o-without-html", "two-pages-one-file", "two-in-the-terminal", "stdin-to-a-folder"])
def test_what_cannot_be_is_a_usage_error(run_sj, tmp_path, args, says):
    args = [a.replace("OUT", str(tmp_path / "out")) for a in args]
    code, out, err = run_sj("show", str(SAMPLES / "000_9a14945eab7843f1.txt"), *args)
    assert (code, out) == (2, "") and says in err and not (tmp_path / "out").exists()


def test_an_index_lists_the_inputs_that_gave_no_page():
    notice = run(SAMPLE_002.read_bytes(), SAMPLE_002.name).notice
    index = render_index([summarize(notice, "a<b>.html")], [("bad<x>.txt", "empty file")])
    assert 'href="a&lt;b&gt;.html"' in index and "bad&lt;x&gt;.txt: empty file" in index


@pytest.mark.parametrize("path, kind", [
    ("document.title", "doc"), ("document.attachments[1].title", "doc"), ("document.issuers[0]", "doc"),
    ("sections[1].children[2].heading", "heading"), ("bodies[0].members[2].name", "name"),
    ("bodies[0].members[2].posts[1]", "post"), ("bodies[1].member_units[3].name", "unit"),
    ("duties[4].units[0]", "unit"), ("duties[4].text", "duty"),
    ("bodies[0].name", "other"),  # a value a later schema version may give a span: marked, not a crash
])
def test_each_value_has_its_kind(path, kind):
    assert kind_of(path) == kind
