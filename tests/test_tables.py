"""Normalised tables: record -> rows, the SQLite database and the CSV files of sj batch."""
from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import sys

import pytest

from conftest import SAMPLES
from shuangjian_parse.cli import main
from shuangjian_parse.emit import record_data
from shuangjian_parse.tables import KEYS, TABLES, TableWriter, notice_rows

SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))

# The query the README shows: which departments take part in every county's “双减” work?
README_QUERY = """
WITH shuangjian AS (SELECT notice_id FROM topics WHERE topic = '双减'),
units AS (
  SELECT notice_id, COALESCE(canonical, name) AS unit FROM member_units
  UNION
  SELECT notice_id, COALESCE(canonical, unit) FROM duty_units
)
SELECT unit, COUNT(DISTINCT notice_id) AS counties
FROM units JOIN shuangjian USING (notice_id)
GROUP BY unit
HAVING counties = (SELECT COUNT(*) FROM shuangjian)
ORDER BY unit;
"""


def sj(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["sj", *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    return exit_.value.code, capsys.readouterr().err


@pytest.fixture(scope="module")
def records(parser) -> list[dict]:
    return [record_data(parser.run(p.read_bytes(), p.name).notice) for p in SAMPLE_FILES]


def test_rows_follow_the_record(records):
    record = next(r for r in records if r["bodies"] and r["duties"] and r["diagnostics"])
    rows = notice_rows(7, record)
    assert rows["notices"] == [rows["notices"][0]] and rows["notices"][0][:2] == (7, record["source"]["path"])
    assert len(rows["bodies"]) == len(record["bodies"])
    assert len(rows["members"]) == sum(len(b["members"]) for b in record["bodies"])
    assert len(rows["member_units"]) == sum(len(b["member_units"]) for b in record["bodies"])
    assert len(rows["duties"]) == len(record["duties"])
    assert len(rows["duty_units"]) == sum(len(d["units"]) for d in record["duties"])
    assert len(rows["diagnostics"]) == len(record["diagnostics"])
    body = record["bodies"][0]
    assert rows["bodies"][0][:4] == (7, 1, body["name"], body["kind"])
    if body["members"]:
        member = body["members"][0]
        assert rows["members"][0][:5] == (7, 1, 1, member["role"], member["name"])
        assert json.loads(rows["members"][0][5]) == member["posts"]
    for table, table_rows in rows.items():
        assert all(len(row) == len(TABLES[table]) for row in table_rows), table
    unit = next(u for b in record["bodies"] for u in b["member_units"] if u["canonical"])
    assert (unit["name"], unit["canonical"], unit["sector"]) in [(r[3], r[5], r[6]) for r in rows["member_units"]]
    refs = [(ref["name"], ref["canonical"], ref["sector"]) for d in record["duties"] for ref in d["unit_refs"]]
    assert [r[3:6] for r in rows["duty_units"]] == refs


@pytest.mark.parametrize("record_index", range(len(SAMPLE_FILES)))
def test_every_sample_fits_the_schema(tmp_path, records, record_index):
    writer = TableWriter(sqlite=tmp_path / "t.sqlite")
    writer.add(notice_rows(1, records[record_index]))
    writer.close()
    db = sqlite3.connect(tmp_path / "t.sqlite")
    db.execute("PRAGMA foreign_keys = ON")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT COUNT(*) FROM notices").fetchone() == (1,)


def test_batch_writes_sqlite_and_csv(tmp_path, monkeypatch, capsys):
    src = tmp_path / "src"
    for county in ("a", "b"):
        for sample in SAMPLE_FILES:
            (src / county).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(sample, src / county / sample.name)
    (src / "a" / "empty.txt").write_bytes(b"")
    db_path, csv_dir = tmp_path / "tables.sqlite", tmp_path / "csv"
    code, err = sj(monkeypatch, capsys, "batch", str(src), "-o", str(tmp_path / "out"), "-f", "json",
                   "--sqlite", str(db_path), "--csv", str(csv_dir), "-j", "2")
    assert code == 1, err                               # the empty file
    db = sqlite3.connect(db_path)
    paths = [p for (p,) in db.execute("SELECT path FROM notices ORDER BY notice_id")]
    assert paths == sorted(f"{c}/{s.name}" for c in "ab" for s in SAMPLE_FILES)
    out_records = [json.loads((tmp_path / "out" / (p[:-4] + ".json")).read_text(encoding="utf-8"))
                   for p in paths]
    count = lambda table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: E731
    assert count("bodies") == sum(len(r["bodies"]) for r in out_records)
    assert count("members") == sum(len(b["members"]) for r in out_records for b in r["bodies"])
    assert count("duties") == sum(len(r["duties"]) for r in out_records)
    assert count("diagnostics") == sum(len(r["diagnostics"]) for r in out_records)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    # the README's question, answered from the records by hand: every 双减 notice takes part
    per_notice = [{u["canonical"] or u["name"] for b in r["bodies"] for u in b["member_units"]}
                  | {u["canonical"] or u["name"] for d in r["duties"] for u in d["unit_refs"]}
                  for r in out_records if "双减" in [t["name"] for t in r["topics"]]]
    everywhere = set.intersection(*per_notice)
    assert everywhere and len(per_notice) == len(paths)
    assert db.execute(README_QUERY).fetchall() == [(u, len(per_notice)) for u in sorted(everywhere)]
    for table, columns in TABLES.items():
        assert (csv_dir / f"{table}.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM, for Excel
        with open(csv_dir / f"{table}.csv", encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == [name for name, _ in columns]
        expected = db.execute(f"SELECT * FROM {table} ORDER BY {', '.join(KEYS[table])}").fetchall()
        assert rows[1:] == [["" if v is None else str(v) for v in row] for row in expected], table
    assert not [p for p in tmp_path.rglob("*sj-tmp*")]

    # a re-run that converts nothing still fills the tables with every notice
    before = list(db.iterdump())
    db.close()
    code, err = sj(monkeypatch, capsys, "batch", str(src), "-o", str(tmp_path / "out"), "-f", "json",
                   "--sqlite", str(db_path))
    assert code == 1 and f"{len(paths)} unchanged" in err
    assert list(sqlite3.connect(db_path).iterdump()) == before


def test_an_aborted_writer_leaves_the_old_database(tmp_path, records):
    path = tmp_path / "t.sqlite"
    writer = TableWriter(sqlite=path)
    writer.add(notice_rows(1, records[0]))
    writer.close()
    old = path.read_bytes()
    writer = TableWriter(sqlite=path, csv_dir=tmp_path / "csv")
    writer.add(notice_rows(1, records[1]))
    writer.abort()
    assert path.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.sqlite"]
