"""Records -> normalised tables for analysts, written to an SQLite database, CSV files or an
Excel workbook.

One row per notice, body, member, member unit, duty, duty unit, topic and diagnostic. Every table
is keyed by `notice_id` (the notice's rank in the batch's sorted input paths) plus the
1-based position of the row in its record list, so `(notice_id, body_no)` links a member to
its body. Lists of plain strings (issuers, addressees, posts) are JSON arrays in one column;
duty units also get their own table, `duty_units`, because they are what analysts join on.
Member and duty units carry their canonical name and sector (the canonical stage), so that
县教委 and 县教育局 count as one department across notices. Each notice carries its
jurisdiction (province, city, county, adcode, level), and `topics` lists its policy areas.

    rows = notice_rows(1, record_data(notice))
    rows["bodies"][0]  # (1, 1, '彭水县“双减”工作领导小组', 'leading_group', …)
"""
from __future__ import annotations

import csv
import errno
import json
import os
import shutil
import sqlite3
import tempfile
import unicodedata
from pathlib import Path
from contextlib import contextmanager
from typing import Any, Iterator, Optional

from .files import create_temp, remove_quietly

# table -> ((column, SQL type), …); the first columns up to the `_no` ones form the key.
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "notices": (
        ("notice_id", "INTEGER NOT NULL"), ("path", "TEXT NOT NULL"), ("sha256", "TEXT NOT NULL"),
        ("encoding", "TEXT"), ("lines", "INTEGER"), ("title", "TEXT"), ("doc_number", "TEXT"),
        ("issuers", "TEXT"), ("date", "TEXT"), ("addressees", "TEXT"), ("doc_type", "TEXT"),
        ("attachments", "TEXT"), ("province", "TEXT"), ("city", "TEXT"), ("county", "TEXT"),
        ("adcode", "TEXT"), ("level", "TEXT"),
    ),
    "bodies": (
        ("notice_id", "INTEGER NOT NULL"), ("body_no", "INTEGER NOT NULL"), ("name", "TEXT NOT NULL"),
        ("kind", "TEXT NOT NULL"), ("lead_unit", "TEXT"), ("declared_unit_count", "INTEGER"),
        ("parent", "TEXT"), ("line", "INTEGER"),
    ),
    "members": (
        ("notice_id", "INTEGER NOT NULL"), ("body_no", "INTEGER NOT NULL"),
        ("member_no", "INTEGER NOT NULL"), ("role", "TEXT NOT NULL"), ("name", "TEXT"),
        ("posts", "TEXT"), ("line", "INTEGER"),
    ),
    "member_units": (
        ("notice_id", "INTEGER NOT NULL"), ("body_no", "INTEGER NOT NULL"),
        ("unit_no", "INTEGER NOT NULL"), ("name", "TEXT NOT NULL"), ("line", "INTEGER"),
        ("canonical", "TEXT"), ("sector", "TEXT"),
    ),
    "duties": (
        ("notice_id", "INTEGER NOT NULL"), ("duty_no", "INTEGER NOT NULL"), ("units", "TEXT"),
        ("text", "TEXT NOT NULL"), ("line", "INTEGER"),
    ),
    "duty_units": (
        ("notice_id", "INTEGER NOT NULL"), ("duty_no", "INTEGER NOT NULL"),
        ("unit_no", "INTEGER NOT NULL"), ("unit", "TEXT NOT NULL"), ("canonical", "TEXT"),
        ("sector", "TEXT"),
    ),
    "topics": (
        ("notice_id", "INTEGER NOT NULL"), ("topic_no", "INTEGER NOT NULL"), ("topic", "TEXT NOT NULL"),
        ("words", "TEXT"),
    ),
    "diagnostics": (
        ("notice_id", "INTEGER NOT NULL"), ("diagnostic_no", "INTEGER NOT NULL"),
        ("code", "TEXT NOT NULL"), ("severity", "TEXT NOT NULL"), ("message", "TEXT"),
        ("line", "INTEGER"), ("column", "INTEGER"), ("text", "TEXT"),
    ),
}
KEYS: dict[str, tuple[str, ...]] = {
    "notices": ("notice_id",),
    "bodies": ("notice_id", "body_no"),
    "members": ("notice_id", "body_no", "member_no"),
    "member_units": ("notice_id", "body_no", "unit_no"),
    "duties": ("notice_id", "duty_no"),
    "duty_units": ("notice_id", "duty_no", "unit_no"),
    "topics": ("notice_id", "topic_no"),
    "diagnostics": ("notice_id", "diagnostic_no"),
}
PARENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "bodies": ("notices", ("notice_id",)),
    "members": ("bodies", ("notice_id", "body_no")),
    "member_units": ("bodies", ("notice_id", "body_no")),
    "duties": ("notices", ("notice_id",)),
    "duty_units": ("duties", ("notice_id", "duty_no")),
    "topics": ("notices", ("notice_id",)),
    "diagnostics": ("notices", ("notice_id",)),
}
Rows = dict[str, list[tuple]]


def _json_list(items: list[Any]) -> str:
    return json.dumps(items, ensure_ascii=False)


def notice_rows(notice_id: int, record: dict[str, Any]) -> Rows:
    """One record's rows, table by table: `notice_rows(7, record)["members"][0][:4] == (7, 1, 1, "组长")`."""
    source, doc = record["source"], record["document"]
    rows: Rows = {name: [] for name in TABLES}
    rows["notices"].append((
        notice_id, source["path"], source["sha256"], source["encoding"], source["lines"],
        doc["title"], doc["doc_number"], _json_list(doc["issuers"]), doc["date"],
        _json_list(doc["addressees"]), doc["doc_type"], _json_list(doc["attachments"]),
        *_place_columns(record.get("jurisdiction")),
    ))
    for body_no, body in enumerate(record["bodies"], 1):
        rows["bodies"].append((notice_id, body_no, body["name"], body["kind"], body["lead_unit"],
                               body["declared_unit_count"], body.get("parent"), body["line"]))
        for member_no, member in enumerate(body["members"], 1):
            rows["members"].append((notice_id, body_no, member_no, member["role"], member["name"],
                                    _json_list(member["posts"]), member["line"]))
        for unit_no, unit in enumerate(body["member_units"], 1):
            rows["member_units"].append((notice_id, body_no, unit_no, unit["name"], unit["line"],
                                         unit.get("canonical"), unit.get("sector")))
    for duty_no, duty in enumerate(record["duties"], 1):
        rows["duties"].append((notice_id, duty_no, _json_list(duty["units"]), duty["text"], duty["line"]))
        refs = duty.get("unit_refs") or [{} for _ in duty["units"]]
        for unit_no, (unit, ref) in enumerate(zip(duty["units"], refs), 1):
            rows["duty_units"].append((notice_id, duty_no, unit_no, unit, ref.get("canonical"),
                                       ref.get("sector")))
    for topic_no, topic in enumerate(record.get("topics") or [], 1):
        rows["topics"].append((notice_id, topic_no, topic["name"], _json_list(topic["words"])))
    for number, diag in enumerate(record["diagnostics"], 1):
        rows["diagnostics"].append((notice_id, number, diag["code"], diag["severity"], diag["message"],
                                    diag.get("line"), diag.get("column"), diag.get("text")))
    return rows


def _place_columns(place: Optional[dict[str, Any]]) -> tuple[Optional[str], ...]:
    """province, city, county (standard full names), adcode and level of a jurisdiction."""
    if not place:
        return (None,) * 5
    by_level = {p["level"]: p["name"] for p in place["parents"]}
    by_level[place["level"]] = place["full_name"]
    return (by_level.get("province"), by_level.get("city"), by_level.get("county"), place["adcode"],
            place["level"])


def schema_sql() -> str:
    """CREATE TABLE statements for every table, with primary and foreign keys."""
    statements = []
    for table, columns in TABLES.items():
        parts = [f"{name} {kind}" for name, kind in columns]
        parts.append(f"PRIMARY KEY ({', '.join(KEYS[table])})")
        if table in PARENTS:
            parent, keys = PARENTS[table]
            parts.append(f"FOREIGN KEY ({', '.join(keys)}) REFERENCES {parent} ({', '.join(keys)})")
        # WITHOUT ROWID: rows are stored in key order, whatever order the notices finished in
        statements.append(f"CREATE TABLE {table} (\n  " + ",\n  ".join(parts) + "\n) WITHOUT ROWID;")
    statements.append("CREATE UNIQUE INDEX notices_path ON notices (path);")
    statements.append("CREATE INDEX member_units_name ON member_units (name);")
    statements.append("CREATE INDEX duty_units_unit ON duty_units (unit);")
    statements.append("CREATE INDEX topics_topic ON topics (topic);")
    return "\n".join(statements) + "\n"


class TableWriter:
    """Fill a fresh SQLite database notice by notice; on close() move it to `sqlite`, export it
    as `csv_dir/<table>.csv` and/or as the workbook `xlsx`. Nothing is replaced until close():
    an interrupted batch leaves the previous database, CSV files and workbook as they were."""

    def __init__(self, sqlite: Optional[Path] = None, csv_dir: Optional[Path] = None,
                 xlsx: Optional[Path] = None, csv_bom: bool = True) -> None:
        self.sqlite = sqlite
        self.csv_dir = csv_dir
        self.xlsx = xlsx
        self.csv_bom = csv_bom
        self._scratch: Optional[str] = None
        if sqlite is not None:
            sqlite.parent.mkdir(parents=True, exist_ok=True)
            _remove_stale(sqlite.parent, f".{sqlite.name}.sj-tmp-")
            fd, self._path = create_temp(sqlite.parent, prefix=f".{sqlite.name}.sj-tmp-")
            os.close(fd)
        else:
            self._scratch = tempfile.mkdtemp(prefix="sj-tables-")
            self._path = os.path.join(self._scratch, "tables.sqlite")
        with self._disk():
            self._db = sqlite3.connect(self._path)
            self._db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
            self._db.executescript(schema_sql())
        self._insert = {table: f"INSERT INTO {table} VALUES ({', '.join('?' * len(columns))})"
                        for table, columns in TABLES.items()}

    def add(self, rows: Rows) -> None:
        """Insert one notice's rows (from notice_rows)."""
        with self._disk():
            for table, table_rows in rows.items():
                if table_rows:
                    self._db.executemany(self._insert[table], table_rows)

    def close(self) -> None:
        """Commit, then put the database and the CSV files in place (each atomically)."""
        with self._disk():
            self._db.commit()
        if self.csv_dir is not None:
            write_csv(self._db, self.csv_dir, bom=self.csv_bom)
        if self.xlsx is not None:
            write_xlsx(self._db, self.xlsx)
        self._db.close()
        if self.sqlite is not None:
            os.replace(self._path, self.sqlite)
        self._cleanup()

    def abort(self) -> None:
        """Drop everything written so far; the previous outputs stay untouched."""
        try:
            self._db.close()
        finally:
            if self.sqlite is not None:
                remove_quietly(self._path)
            self._cleanup()

    @contextmanager
    def _disk(self) -> Iterator[None]:
        """SQLite's "database or disk is full" and "readonly database" as the OSError they
        are (ENOSPC, EROFS), naming the database: `sj batch` stops on them with one line."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            message = str(exc)
            code = (errno.ENOSPC if "full" in message else
                    errno.EROFS if "readonly" in message or "read-only" in message else None)
            if code is None:
                raise
            raise OSError(code, os.strerror(code), str(self.sqlite or self._path)) from None

    def _cleanup(self) -> None:
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None


def _rows(db: sqlite3.Connection, table: str):
    cursor = db.execute(f"SELECT * FROM {table} ORDER BY {', '.join(KEYS[table])}")
    while batch := cursor.fetchmany(1000):
        yield from batch


def write_csv(db: sqlite3.Connection, directory: Path, bom: bool = True) -> list[Path]:
    """Every table as `directory/<table>.csv` (UTF-8, with a BOM unless `bom` is false, so that
    Excel reads it as UTF-8; header row, empty cell for null), in key order."""
    directory.mkdir(parents=True, exist_ok=True)
    _remove_stale(directory, ".sj-tmp-")
    written = []
    for table in TABLES:
        target = directory / f"{table}.csv"
        fd, tmp = create_temp(directory, prefix=f".sj-tmp-{table}.", suffix=".csv")
        try:
            with os.fdopen(fd, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow([name for name, _ in TABLES[table]])
                writer.writerows(_rows(db, table))
            os.replace(tmp, target)
        except BaseException:
            remove_quietly(tmp)
            raise
        written.append(target)
    return written


# Columns holding a JSON array: a cell of the workbook shows one item a line.
JSON_COLUMNS = frozenset({"issuers", "addressees", "attachments", "posts", "units", "words"})
XLSX_MAX_ROWS = 1_048_576       # Excel's rows per sheet; a longer table goes on in `<table> (2)`
XLSX_MAX_WIDTH = 60             # columns wider than this (in CJK-aware cells) wrap their text


def xlsx_cell(column: str, value: Any) -> Any:
    """A value as the workbook shows it: a JSON array one item a line (a string as it is, an
    object as compact JSON), anything else unchanged: `["县委常委","县长"]` → `县委常委\n县长`."""
    if column in JSON_COLUMNS and isinstance(value, str) and value.startswith("["):
        items = json.loads(value)
        return "\n".join(i if isinstance(i, str) else json.dumps(i, ensure_ascii=False) for i in items)
    return value


def write_xlsx(db: sqlite3.Connection, path: Path) -> Path:
    """Every table as a sheet of one workbook (XlsxWriter): header row frozen and filtered,
    column widths from the widest cell in display cells (a CJK character is two), JSON arrays one
    item a line, text as text (never a formula or a link). Written whole, then renamed into place."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(path.parent, f".{path.name}.sj-tmp-")
    fd, tmp = create_temp(path.parent, prefix=f".{path.name}.sj-tmp-", suffix=".xlsx")
    os.close(fd)
    try:
        # constant_memory: rows go to disk as they are written, whatever the batch's size
        book = xlsxwriter.Workbook(tmp, {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
        head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "bottom": 1, "valign": "top"})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        plain = book.add_format({"valign": "top"})
        for table, columns in TABLES.items():
            names = [name for name, _ in columns]
            widths = [_width(name) for name in names]
            for row in _rows(db, table):
                for i, value in enumerate(row):
                    if value is not None:
                        widths[i] = max(widths[i], _width(str(xlsx_cell(names[i], value))))
            sheets = 0
            sheet = None
            for number, row in enumerate(_rows(db, table)):
                if number % (XLSX_MAX_ROWS - 1) == 0:
                    sheets += 1
                    sheet = _sheet(book, table if sheets == 1 else f"{table} ({sheets})", names, widths,
                                   head, wrap, plain)
                    r = 1
                for i, value in enumerate(row):
                    value = xlsx_cell(names[i], value)
                    if isinstance(value, str):
                        sheet.write_string(r, i, value, wrap if "\n" in value or widths[i] > XLSX_MAX_WIDTH else plain)
                    elif value is not None:
                        sheet.write_number(r, i, value, plain)
                r += 1
            if sheet is None:
                _sheet(book, table, names, widths, head, wrap, plain)
        book.close()
        os.replace(tmp, path)
    except BaseException:
        remove_quietly(tmp)
        raise
    return path


def _sheet(book, name: str, columns: list[str], widths: list[int], head, wrap, plain):
    sheet = book.add_worksheet(name)
    for i, width in enumerate(widths):
        sheet.set_column(i, i, min(width, XLSX_MAX_WIDTH) + 2, wrap if width > XLSX_MAX_WIDTH else plain)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, 0, len(columns) - 1)
    for i, name in enumerate(columns):
        sheet.write_string(0, i, name, head)
    return sheet


def _width(text: str) -> int:
    """Display width of the widest line: `_width("县教委")` == 6; past XLSX_MAX_WIDTH characters
    the exact figure does not matter (the column wraps)."""
    widest = 0
    for line in text.split("\n"):
        if len(line) > XLSX_MAX_WIDTH:
            return 2 * XLSX_MAX_WIDTH
        widest = max(widest, sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line))
    return widest


def _remove_stale(directory: Path, prefix: str) -> None:
    """Temporary files a killed run left behind (they start with `prefix`)."""
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        if name.startswith(prefix):
            remove_quietly(os.path.join(directory, name))

