"""Validate stored notice records (YAML or JSON) and report each problem at its file:line:col.

    report = validate_paths(["records/a.yaml"])
    print(render_text(report), end="")
    # records/a.yaml:12:9: document.date: 2021-13-45 is not a real date (month must be in 1..12)

Files are loaded by `safeload` (safe, with positions). Meaning is checked by the Pydantic
models (`Notice.model_validate(strict=True)`), whose error paths are mapped back to the
positions of the offending values; a problem the loader found (broken syntax, a duplicate
key, a forbidden tag) is reported the same way. Renderers: text, json, GitHub Actions
annotations, SARIF 2.1.0.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, get_args
from urllib.parse import quote

from pydantic import BaseModel, ValidationError

from . import __version__
from .models import ADDED_FIELDS, RECORD_VERSIONS, SCHEMA_VERSION, Notice
from .safeload import MAX_BYTES, MAX_DEPTH, DataPath, LoadError, Position, Tree, load_file

# Every version is checked by the current models: what a later version added is optional, and
# `_added_after` reports it as unknown in an older record.
KNOWN_VERSIONS = {version: Notice for version in RECORD_VERSIONS}
RECORD_SUFFIXES = (".yaml", ".yml", ".json")
DEFAULT_MAX_PROBLEMS = 100   # per file: a file with thousands says so once, not thousands of times
STDIN = "<stdin>"

# Each problem has a rule: its kind, used as the SARIF ruleId and the GitHub annotation title.
RULES: dict[str, str] = {
    "syntax": "The file is not well-formed YAML or JSON.",
    "duplicate-key": "A mapping has the same key twice; loaders disagree on which value wins.",
    "forbidden-tag": "A YAML tag other than the standard str, int, float, bool, null, map and seq.",
    "alias": "A YAML anchor/alias reference; records are plain trees.",
    "too-large": "The file is over the size limit (--max-bytes).",
    "too-deep": f"The data nests deeper than {MAX_DEPTH} levels.",
    "encoding": "The file is not UTF-8.",
    "unreadable": "The file could not be read (permissions, an I/O error).",
    "empty": "The file holds no record.",
    "schema-version": "schema_version is missing or not a version sj knows.",
    "missing": "A required field is missing.",
    "unknown-field": "A field the record contract does not define.",
    "type": "A value of the wrong type (a string where a list belongs, …).",
    "value": "A value of the right type but not allowed (an unknown kind, a date that does not "
             "exist, …).",
}


@dataclass(frozen=True)
class Problem:
    """One problem: `Problem("a.yaml", 12, 11, "document.date", "… is not a real date", "value")`."""

    file: str
    line: int
    column: int
    path: str
    message: str
    rule: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column, "path": self.path,
                "message": self.message, "rule": self.rule}


@dataclass(frozen=True)
class Cut:
    """A file whose problems --max-problems cut short: `shown` problems shown, `more` found
    past them, `unchecked` of its `records` records not checked."""

    file: str
    shown: int
    more: int
    unchecked: int
    records: int

    def line(self) -> str:
        """`sj: big.json: only the first 100 problems are shown (--max-problems): 5 more, 120 of 150 records not checked`."""
        left = []
        if self.more:
            left.append(f"{self.more:,} more")
        if self.unchecked:
            left.append(f"{self.unchecked:,} of {self.records:,} records not checked")
        return (f"sj: {self.file}: only the first {self.shown:,} problems are shown "
                f"(--max-problems): {', '.join(left)}")

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "shown": self.shown, "more": self.more,
                "unchecked_records": self.unchecked}


@dataclass
class Report:
    """What validating some paths found: the files read, the records checked, the problems
    shown, and the files whose problems --max-problems cut short."""

    files: list[str] = field(default_factory=list)
    records: int = 0
    problems: list[Problem] = field(default_factory=list)
    cut: list[Cut] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def found(self) -> int:
        """Problems found: those shown and those only counted."""
        return len(self.problems) + sum(c.more for c in self.cut)


# --- paths ------------------------------------------------------------------------------------

def expand_paths(paths: Iterable[str]) -> tuple[list[str], list[str]]:
    """Files to validate (directories walked, hidden ones skipped) and the paths that do not exist."""
    files: list[str] = []
    missing: list[str] = []
    for name in paths:
        if name == "-":
            files.append(name)
            continue
        p = Path(name)
        if p.is_dir():
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files.extend(str(Path(root) / n) for n in sorted(names)
                             if not n.startswith(".") and n.lower().endswith(RECORD_SUFFIXES))
        elif p.exists():
            files.append(name)
        else:
            missing.append(name)
    return files, missing


# --- checking ---------------------------------------------------------------------------------

def format_path(path: DataPath) -> str:
    """`("bodies", 0, "members")` -> `bodies[0].members`; the whole record is `(root)`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(root)"


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    text = str(value)
    return json.dumps(text if len(text) <= 40 else text[:40] + "…", ensure_ascii=False)


def _rule_of(error_type: str) -> str:
    if error_type == "missing":
        return "missing"
    if error_type == "extra_forbidden":
        return "unknown-field"
    if error_type.endswith("_type") or error_type in ("model_attributes_type",):
        return "type"
    return "value"


def check_record(data: Any, tree: Tree,
                 prefix: DataPath = ()) -> list[tuple[DataPath, Position, str, str]]:
    """Problems of one record as (path, (line, column), message, rule)."""
    found = record_problems(data, prefix)
    spots = tree.locate(path for path, _, _, _ in found)
    return [(path, (at_key and spots[path].key) or spots[path].value, message, rule)
            for path, at_key, message, rule in found]


def record_problems(data: Any, prefix: DataPath = ()) -> list[tuple[DataPath, bool, str, str]]:
    """Problems of one record as (path, at its key, message, rule), not yet placed: a problem
    is shown at its value (for a missing one, at the deepest part of its path there is) or,
    `at its key`, at the key of an unknown field."""
    if not isinstance(data, dict):
        return [(prefix, False, f"a record must be a mapping, got {_describe(data)}", "type")]
    found = []
    version = data.get("schema_version", None)
    if "schema_version" not in data:
        found.append((prefix + ("schema_version",), False,
                      f'required field missing (this sj writes schema_version: "{SCHEMA_VERSION}")',
                      "schema-version"))
        version = SCHEMA_VERSION
    elif version not in KNOWN_VERSIONS:
        path = prefix + ("schema_version",)
        is_number = isinstance(version, (int, float)) and not isinstance(version, bool)
        if is_number and str(version) in KNOWN_VERSIONS:
            found.append((path, False, f'must be the string "{version}", got {_describe(version)} '
                                       f'(quote it: schema_version: "{version}")', "schema-version"))
            version = str(version)
        else:
            known = ", ".join(f'"{v}"' for v in KNOWN_VERSIONS)
            found.append((path, False, f"unknown schema_version {_describe(version)}; "
                                       f"this sj knows {known}", "schema-version"))
            return found
    model = KNOWN_VERSIONS[version]
    try:
        model.model_validate({**data, "schema_version": SCHEMA_VERSION}, strict=True)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = prefix + tuple(error["loc"])
            kind = error["type"]
            message = error["msg"]
            if message.startswith("Value error, "):
                message = message[len("Value error, "):]
            if kind == "missing":
                message = "required field missing"
            elif kind == "extra_forbidden":
                message = f"unknown field (not in schema_version {version})"
            elif kind != "value_error" and "input" in error:
                message = f"{message}, got {_describe(error['input'])}"
            found.append((loc, kind == "extra_forbidden", message, _rule_of(kind)))
    for loc in _added_after(data, model, version, prefix):
        found.append((loc, True, f"unknown field (not in schema_version {version})", "unknown-field"))
    return found


@lru_cache(maxsize=None)
def _later_fields(model: type[BaseModel], version: str) -> frozenset[str]:
    """Fields of `model` that versions after `version` added (models.ADDED_FIELDS)."""
    return frozenset(name for added_in, models in ADDED_FIELDS.items() if int(added_in) > int(version)
                     for name in models.get(model.__name__, ()))


def _added_after(data: Any, model: type[BaseModel], version: str, path: DataPath) -> Iterator[DataPath]:
    """Fields of `data` that versions after `version` added (models.ADDED_FIELDS), by path."""
    if not isinstance(data, dict):
        return
    later = _later_fields(model, version)
    for key, value in data.items():
        if key in later:
            yield path + (key,)
        elif key in model.model_fields:
            inner = _model_in(model.model_fields[key].annotation)
            if inner is None:
                continue
            if isinstance(value, list):
                for index, item in enumerate(value):
                    yield from _added_after(item, inner, version, path + (key, index))
            else:
                yield from _added_after(value, inner, version, path + (key,))


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model inside `list[Body]`, `Optional[UnitRef]`, `Source`; None for plain values."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


@dataclass
class FileCheck:
    """One file checked: the problems shown, its records, and what `max_problems` left out:
    `more` problems found but not shown, `unchecked` records not checked at all."""

    problems: list[Problem]
    records: int
    more: int = 0
    unchecked: int = 0


def check_file(name: str, max_bytes: int = MAX_BYTES,
               max_problems: Optional[int] = DEFAULT_MAX_PROBLEMS) -> FileCheck:
    """Check one file; after `max_problems` problems (None: no limit) its remaining records
    are counted, not checked, and the problems already found past it only counted."""
    shown = STDIN if name == "-" else name
    limit = max_problems if max_problems else sys.maxsize

    def problem(position: Position, path: DataPath, message: str, rule: str) -> Problem:
        return Problem(shown, position[0], position[1], format_path(path), message, rule)

    try:
        trees = load_file(name, max_bytes)
    except LoadError as exc:
        return FileCheck([problem((exc.line, exc.column), exc.path, exc.message, exc.rule)], 0)
    except OSError as exc:
        return FileCheck([problem((1, 1), (), f"cannot read: {exc.strerror or exc}", "unreadable")], 0)
    if not trees:
        return FileCheck([problem((1, 1), (), "no record in the file", "empty")], 0)
    check = FileCheck([], 0)
    # per tree: the loader's problems kept, and the record problems (path, at key, message, rule)
    kept: list[tuple[Tree, list[LoadError], list[tuple[DataPath, bool, str, str]]]] = []
    count = 0
    for tree in trees:
        loaded = tree.problems[:max(0, limit - count)]
        check.more += len(tree.problems) - len(loaded)
        count += len(loaded)
        found: list[tuple[DataPath, bool, str, str]] = []
        kept.append((tree, loaded, found))
        records = tree.data if isinstance(tree.data, list) else [tree.data]
        if tree.data == []:
            found.append(((), False, "no record in the list", "empty"))
            count += 1
        for index, data in enumerate(records):
            if count >= limit:
                check.unchecked += len(records) - index
                break
            for item in record_problems(data, (index,) if records is tree.data else ()):
                if count < limit:
                    found.append(item)
                    count += 1
                else:
                    check.more += 1
        check.records += len(records)
    for tree, loaded, found in kept:
        spots = tree.locate([e.first for e in loaded if e.first is not None] +
                            [path for path, _, _, _ in found])
        for e in loaded:
            message = e.message
            first = spots[e.first].key if e.first is not None else None
            if first is not None:
                message += f" (first at line {first[0]})"
            check.problems.append(problem((e.line, e.column), e.path, message, e.rule))
        for path, at_key, message, rule in found:
            spot = spots[path]
            check.problems.append(problem((at_key and spot.key) or spot.value, path, message, rule))
    check.problems.sort(key=lambda p: (p.line, p.column))
    return check


def validate_file(name: str, max_bytes: int = MAX_BYTES) -> tuple[list[Problem], int]:
    """One file's problems (every one) and the number of records it holds."""
    check = check_file(name, max_bytes, None)
    return check.problems, check.records


def validate_paths(files: Iterable[str], max_bytes: int = MAX_BYTES,
                   max_problems: Optional[int] = DEFAULT_MAX_PROBLEMS) -> Report:
    """Validate record files (already expanded by `expand_paths`)."""
    report = Report()
    for name in files:
        check = check_file(name, max_bytes, max_problems)
        shown = STDIN if name == "-" else name
        report.files.append(shown)
        report.records += check.records
        report.problems.extend(check.problems)
        if check.more or check.unchecked:
            report.cut.append(Cut(shown, len(check.problems), check.more, check.unchecked, check.records))
    return report


# --- rendering --------------------------------------------------------------------------------

def render_text(report: Report) -> str:
    """`file:line:col: field.path: message`, one line per problem."""
    return "".join(f"{p.file}:{p.line}:{p.column}: {p.path}: {p.message}\n" for p in report.problems)


def render_json(report: Report) -> str:
    data = {"valid": report.valid, "files": len(report.files), "records": report.records,
            "problems": [p.as_dict() for p in report.problems]}
    if report.cut:
        data["cut_short"] = [c.as_dict() for c in report.cut]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report) -> str:
    """GitHub Actions workflow commands: `::error file=a.yaml,line=3,col=7,title=…::path: message`."""
    return "".join(
        f"::error file={_escape_property(p.file)},line={p.line},col={p.column},"
        f"title={_escape_property('sj validate: ' + p.rule)}::"
        f"{_escape_data(p.path + ': ' + p.message)}\n"
        for p in report.problems)


def _artifact_uri(name: str) -> str:
    if name == STDIN:
        return "stdin"
    p = Path(name)
    if p.is_absolute():
        return p.as_uri()
    return quote(p.as_posix(), safe="/")


def render_sarif(report: Report) -> str:
    """A SARIF 2.1.0 log for code-scanning upload (columns count Unicode code points)."""
    rule_ids = [rule for rule in RULES if any(p.rule == rule for p in report.problems)]
    results = [{
        "ruleId": p.rule,
        "ruleIndex": rule_ids.index(p.rule),
        "level": "error",
        "message": {"text": f"{p.path}: {p.message}"},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": _artifact_uri(p.file)},
            "region": {"startLine": p.line, "startColumn": p.column},
        }}],
    } for p in report.problems]
    driver = {
        "name": "sj validate",
        "fullName": "sj validate (shuangjian_parse): notice records against the record schema",
        "semanticVersion": __version__,
        "rules": [{"id": rule, "name": "".join(w.title() for w in rule.split("-")),
                   "shortDescription": {"text": text},
                   "defaultConfiguration": {"level": "error"}} for rule, text in
                  ((rule, RULES[rule]) for rule in rule_ids)],
    }
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "columnKind": "unicodeCodePoints",
                  "invocations": [{"executionSuccessful": True}], "results": results}],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "github": render_github, "sarif": render_sarif}
