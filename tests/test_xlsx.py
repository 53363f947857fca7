"""`sj batch --xlsx`: the tables as an Excel workbook; `--csv-bom/--no-csv-bom`."""
from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from conftest import SAMPLES
from shuangjian_parse.tables import JSON_COLUMNS, KEYS, TABLES, TableWriter, notice_rows
from test_tables import records, sj  # noqa: F401  (fixtures and the CLI runner)

openpyxl = pytest.importorskip("openpyxl")


def _as_sqlite(column: str, value):
    """A workbook cell read back as the SQLite value it shows: blank is null, a JSON-array
    column one item a line."""
    if column in JSON_COLUMNS and value is not None:
        return [json.loads(i) if i.startswith("{") else i for i in value.split("\n")] if value else []
    return value


def _from_sqlite(column: str, value):
    return json.loads(value) if column in JSON_COLUMNS and value is not None else value


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("xlsx")
    src = tmp / "src"
    src.mkdir()
    for sample in sorted(SAMPLES.glob("*.txt")):
        shutil.copyfile(sample, src / sample.name)
    return tmp, src


def test_the_workbook_holds_the_sqlite_tables(monkeypatch, capsys, batch):
    tmp, src = batch
    code, err = sj(monkeypatch, capsys, "batch", str(src), "-o", str(tmp / "out"), "--sqlite", str(tmp / "t.sqlite"),
                   "--xlsx", str(tmp / "t.xlsx"), "-j", "2")
    assert code == 0, err
    db = sqlite3.connect(tmp / "t.sqlite")
    book = openpyxl.load_workbook(tmp / "t.xlsx", read_only=False)
    assert book.sheetnames == list(TABLES)
    for table, columns in TABLES.items():
        names = [name for name, _ in columns]
        sheet = book[table]
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == names
        expected = db.execute(f"SELECT * FROM {table} ORDER BY {', '.join(KEYS[table])}").fetchall()
        assert len(rows) - 1 == len(expected) > 0, table
        for got, want in zip(rows[1:], expected):
            assert [_as_sqlite(c, v) for c, v in zip(names, got)] == \
                   [_from_sqlite(c, v) for c, v in zip(names, want)], table
        assert sheet.freeze_panes == "A2"                    # the header row stays in view
    notices = book["notices"]
    header = [c.value for c in notices[1]]
    place = {name: notices.cell(2, header.index(name) + 1).value for name in ("province", "county", "adcode")}
    assert place == {"province": "重庆市", "county": "彭水苗族土家族自治县", "adcode": "500243"}
    # a column of Chinese text is wide enough for it (a CJK character takes two widths)
    title = notices.column_dimensions[openpyxl.utils.get_column_letter(header.index("title") + 1)].width
    assert title >= 2 * len("关于成立彭水县“双减”工作领导小组的通知")
    members = book["members"]
    posts = members.cell(2, [c.value for c in members[1]].index("posts") + 1)
    assert posts.value == "县委常委\n县委宣传部部长" and posts.alignment.wrap_text
    assert sorted(p.name for p in tmp.iterdir()) == ["out", "src", "t.sqlite", "t.xlsx"]  # no temporary left


def test_text_that_looks_like_a_formula_stays_text(tmp_path, records):  # noqa: F811
    record = json.loads(json.dumps(records[0]))
    record["document"]["title"] = "=HYPERLINK(\"http://x\")"
    record["bodies"][0]["name"] = "http://example.com"
    writer = TableWriter(xlsx=tmp_path / "t.xlsx")
    writer.add(notice_rows(1, record))
    writer.close()
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    title = book["notices"].cell(2, [c.value for c in book["notices"][1]].index("title") + 1)
    assert (title.value, title.data_type) == ("=HYPERLINK(\"http://x\")", "s")
    body = book["bodies"].cell(2, 3)
    assert body.value == "http://example.com" and body.hyperlink is None


@pytest.mark.parametrize("option, bom", [((), True), (("--csv-bom",), True), (("--no-csv-bom",), False)])
def test_csv_starts_with_a_bom_unless_told_not_to(monkeypatch, capsys, batch, tmp_path, option, bom):
    _, src = batch
    code, err = sj(monkeypatch, capsys, "batch", str(src), "-o", str(tmp_path / "out"), "--csv", str(tmp_path / "csv"),
                   "-j", "1", *option)
    assert code == 0, err
    for table in TABLES:
        data = (tmp_path / "csv" / f"{table}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") == bom
        assert data.lstrip(b"\xef\xbb\xbf").startswith(b"notice_id,")
