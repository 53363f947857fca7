"""sj compare over records, and sj show over a notice: tables, CSV, a parsed HTML report."""
from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

import pytest

from conftest import ROOT, SAMPLES, run_cli as sj
from shuangjian_parse.compare import compare, load_records, render_csv, render_html
from shuangjian_parse.emit import dump_yaml, record_data
from shuangjian_parse.models import SCHEMA_VERSION
from test_canonical import as_version_1

STEMS = [p.stem for p in sorted(SAMPLES.glob("*.txt"))]
# Columns are labelled by place and date (彭水's notice carries no date)
LABELS = ["彭水县", "房县 2022-10-25", "陵川县 2021-12-13", "象山区 2021-09-08", "息烽县 2022-07-05"]
IN_ALL_FIVE = ["教育", "宣传", "政法", "编制", "发展改革", "公安", "民政", "财政", "人社", "住房城乡建设",
               "卫生健康", "市场监管", "消防"]


@pytest.fixture(scope="module")
def record_dir(tmp_path_factory, parser):
    """The five samples' records, as `sj parse samples/*.txt -o DIR` writes them."""
    out = tmp_path_factory.mktemp("records")
    for path in sorted(SAMPLES.glob("*.txt")):
        notice = parser.run(path.read_bytes(), str(path.relative_to(ROOT))).notice
        (out / f"{path.stem}.yaml").write_text(dump_yaml(record_data(notice)), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def comparison(record_dir, parser):
    records, problems = load_records([str(record_dir)], parser.canonical)
    assert problems == [] and len(records) == 5
    return compare(records, parser.canonical)


def test_sectors_present_in_all_five_samples(comparison):
    assert [n.id for n in comparison.notices] == STEMS
    assert comparison.present_in_all() == IN_ALL_FIVE


def test_cells_say_member_duties_and_leads(comparison):
    assert [comparison.cell("教育", s).code for s in STEMS] == ["MDL", "MDL", "MDL", "MDL", "D"]
    # 县消防教援大队 (a typo) is no member; the duty names 县消防救援大队
    assert comparison.cell("消防", "001_8e1b09cf0d4fe309").code == "D"
    assert comparison.cell("工业信息化", "002_f4323febc5e33686").code == "M"   # SJ505: no duty
    assert comparison.cell("乡镇街道", "004_0c498ece14714444").units == ("各乡（镇）党委", "各乡（镇）政府", "永阳街道")


def test_leaders_rank_and_member_counts(comparison):
    rows = {(r.notice, r.body): r for r in comparison.bodies}
    group = rows[("000_9a14945eab7843f1", "彭水县“双减”工作领导小组")]
    assert (group.leader_role, group.leader, group.rank, group.rank_label, group.people, group.member_units) == \
        ("组长", "冯吉光", 4, "党委常委", 2, 25)
    meeting = rows[("003_5b6d3b00230c8cb0", "象山区校外培训机构专项治理和中小学校内课后服务工作联席会议")]
    assert (meeting.rank_label, meeting.member_units, meeting.declared_unit_count) == ("政府副职", 16, 16)


def test_csv_tables(comparison):
    rows = list(csv.reader(io.StringIO(render_csv(comparison, "sectors"))))
    assert rows[0] == ["sector", *LABELS, "notices"]
    assert rows[1] == ["教育", "MDL", "MDL", "MDL", "MDL", "D", "5"]
    bodies = list(csv.DictReader(io.StringIO(render_csv(comparison, "bodies"))))
    assert len(bodies) == len(comparison.bodies)
    assert bodies[0]["leader_post"] == "县委常委、县委宣传部部长" and bodies[0]["rank"] == "4"
    assert bodies[0]["notice"] == "彭水县"


class Tables(HTMLParser):
    """Each <table id=…> as rows of cell texts; and every tag, to check nothing is fetched."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.tags: list[tuple[str, dict]] = []
        self.texts: dict[str, str] = {}
        self._table = self._id = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "table":
            self._table = attrs.get("id")
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []
        elif attrs.get("id"):
            self._id, self.texts[attrs["id"]] = attrs["id"], ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None
        elif self._id and tag == "span":
            self._id = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._id:
            self.texts[self._id] += data


def test_html_report_renders_the_heatmap(comparison):
    page = Tables()
    page.feed(render_html(comparison))
    sectors = page.tables["sectors"]
    assert sectors[0] == ["领域 sector", *LABELS, "notices"]
    assert sectors[1] == ["教育", "MDL", "MDL", "MDL", "MDL", "D", "5"]
    assert [row[0] for row in sectors[1:]] == comparison.sectors
    assert page.texts["present-in-all"] == "、".join(IN_ALL_FIVE)
    assert len(page.tables["bodies"]) == 1 + len(comparison.bodies)
    # heat: the cell's class is its score
    classes = [a.get("class") for t, a in page.tags if t == "td" and a.get("title", "").startswith("教育 · ")]
    assert classes == ["s3", "s3", "s3", "s3", "s1"]
    # self-contained: inline CSS, no script, nothing fetched
    assert ("style", {}) in page.tags
    assert not [t for t, a in page.tags if t in ("script", "link", "img", "iframe")]
    assert not [a for _, a in page.tags if any(k in a for k in ("src", "href"))]


def test_version_1_records_are_compared_alike(tmp_path, record_dir, parser, comparison):
    for path in sorted(record_dir.glob("*.yaml")):
        from shuangjian_parse.safeload import load_file

        data = load_file(str(path))[0].data
        (tmp_path / f"{path.stem}.json").write_text(json.dumps(as_version_1(data), ensure_ascii=False),
                                                    encoding="utf-8")
    records, problems = load_records([str(tmp_path)], parser.canonical)
    assert problems == [] and [n.schema_version for _, n in records] == [SCHEMA_VERSION] * 5
    again = compare(records, parser.canonical)
    assert again.present_in_all() == IN_ALL_FIVE and again.cells == comparison.cells


def test_sj_compare_formats(monkeypatch, capsys, record_dir, tmp_path):
    code, out, err = sj(monkeypatch, capsys, "compare", str(record_dir))
    assert code == 0 and err == ""
    assert "present in all 5: " + "、".join(IN_ALL_FIVE) in out.replace("\n", "")
    code, out, _ = sj(monkeypatch, capsys, "compare", str(record_dir), "-f", "csv", "--table", "bodies")
    assert code == 0 and out.startswith("notice,body,kind,leader_role")
    report = tmp_path / "report.html"
    code, out, err = sj(monkeypatch, capsys, "compare", str(record_dir), "-f", "html", "-o", str(report))
    assert (code, out) == (0, "") and err.startswith(f"wrote {report} (5 notices")
    assert report.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_sj_compare_problems(monkeypatch, capsys, tmp_path):
    code, _, err = sj(monkeypatch, capsys, "compare", str(tmp_path / "missing"))
    assert code == 3 and "no such file" in err
    (tmp_path / "bad.yaml").write_text("schema_version: \"2\"\nsource: 1\n", encoding="utf-8")
    code, _, err = sj(monkeypatch, capsys, "compare", str(tmp_path))
    assert code == 1 and "record skipped" in err and "no valid records" in err
    code, _, err = sj(monkeypatch, capsys, "compare", str(tmp_path), "-f", "csv", "--table", "people")
    assert code == 2 and "--table" in err


# --- sj show ---------------------------------------------------------------------------------

def test_sj_show_a_notice(monkeypatch, capsys):
    code, out, err = sj(monkeypatch, capsys, "show", str(SAMPLES / "001_8e1b09cf0d4fe309.txt"), "--width", "160")
    assert (code, err) == (0, "")
    assert "├── 二、成员单位及职责  duties  L24" in out and "│   ├── （一）成员单位" in out      # outline tree
    assert "县人社局" in out and "人力资源和社会保障局" in out                              # member units
    assert "县政府分管教育领导和县教育局主要负责同志" in out and "6 部门正职" in out           # members
    assert "县委政法委 → 政法委员会" in out                                                # duties by unit
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if "SJ502 warning" in line)
    assert lines[at + 1].strip().startswith("28 │ 协调机制由县委组织部")                   # the source line


def test_sj_show_refuses_a_missing_notice(monkeypatch, capsys, tmp_path):
    code, out, err = sj(monkeypatch, capsys, "show", str(tmp_path / "none.txt"))
    assert (code, out) == (3, "") and err.startswith("sj: error: ")
