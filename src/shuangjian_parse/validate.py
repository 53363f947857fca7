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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, get_args
from urllib.parse import quote

from pydantic import BaseModel, ValidationError

from . import __version__
from .models import ADDED_FIELDS, RECORD_VERSIONS, SCHEMA_VERSION, Notice
from .safeload import MAX_BYTES, MAX_DEPTH, DataPath, LoadError, Tree, load_file

# Every version is checked by the current models: what a later version added is optional, and
# `_added_after` reports it as unknown in an older record.
KNOWN_VERSIONS = {version: Notice for version in RECORD_VERSIONS}
RECORD_SUFFIXES = (".yaml", ".yml", ".json")
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


@dataclass
class Report:
    """What validating some paths found: the files read, the records checked, the problems."""

    files: list[str] = field(default_factory=list)
    records: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems


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
                 prefix: DataPath = ()) -> list[tuple[DataPath, tuple[int, int], str, str]]:
    """Problems of one record as (path, (line, column), message, rule)."""
    def at(path: DataPath) -> tuple[int, int]:
        for cut in range(len(path), -1, -1):
            if path[:cut] in tree.values:
                return tree.values[path[:cut]]
        return (1, 1)

    if not isinstance(data, dict):
        return [(prefix, at(prefix), f"a record must be a mapping, got {_describe(data)}", "type")]
    found = []
    version = data.get("schema_version", None)
    if "schema_version" not in data:
        found.append((prefix + ("schema_version",), at(prefix),
                      f'required field missing (this sj writes schema_version: "{SCHEMA_VERSION}")',
                      "schema-version"))
        version = SCHEMA_VERSION
    elif version not in KNOWN_VERSIONS:
        path = prefix + ("schema_version",)
        is_number = isinstance(version, (int, float)) and not isinstance(version, bool)
        if is_number and str(version) in KNOWN_VERSIONS:
            found.append((path, at(path), f'must be the string "{version}", got {_describe(version)} '
                                          f'(quote it: schema_version: "{version}")', "schema-version"))
            version = str(version)
        else:
            known = ", ".join(f'"{v}"' for v in KNOWN_VERSIONS)
            found.append((path, at(path), f"unknown schema_version {_describe(version)}; "
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
                position = at(loc[:-1])
                message = "required field missing"
            elif kind == "extra_forbidden":
                position = tree.keys.get(loc) or at(loc)
                message = f"unknown field (not in schema_version {version})"
            else:
                position = at(loc)
                if kind != "value_error" and "input" in error:
                    message = f"{message}, got {_describe(error['input'])}"
            found.append((loc, position, message, _rule_of(kind)))
    for loc in _added_after(data, model, version, prefix):
        found.append((loc, tree.keys.get(loc) or at(loc),
                      f"unknown field (not in schema_version {version})", "unknown-field"))
    return found


def _added_after(data: Any, model: type[BaseModel], version: str, path: DataPath) -> Iterator[DataPath]:
    """Fields of `data` that versions after `version` added (models.ADDED_FIELDS), by path."""
    if not isinstance(data, dict):
        return
    later = {name for added_in, models in ADDED_FIELDS.items() if int(added_in) > int(version)
             for name in models.get(model.__name__, ())}
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


def validate_file(name: str, max_bytes: int = MAX_BYTES) -> tuple[list[Problem], int]:
    """One file's problems and the number of records it holds."""
    shown = STDIN if name == "-" else name

    def problem(line: int, column: int, path: DataPath, message: str, rule: str) -> Problem:
        return Problem(shown, line, column, format_path(path), message, rule)

    try:
        trees = load_file(name, max_bytes)
    except LoadError as exc:
        return [problem(exc.line, exc.column, exc.path, exc.message, exc.rule)], 0
    except OSError as exc:
        return [problem(1, 1, (), f"cannot read: {exc.strerror or exc}", "unreadable")], 0
    problems: list[Problem] = []
    records = 0
    if not trees:
        return [problem(1, 1, (), "no record in the file", "empty")], 0
    for tree in trees:
        problems.extend(problem(e.line, e.column, e.path, e.message, e.rule) for e in tree.problems)
        if tree.data == []:
            problems.append(problem(*tree.values.get((), (1, 1)), (), "no record in the list", "empty"))
        items = ([((i,), item) for i, item in enumerate(tree.data)]
                 if isinstance(tree.data, list) else [((), tree.data)])
        for prefix, data in items:
            records += 1
            for path, (line, column), message, rule in check_record(data, tree, prefix):
                problems.append(problem(line, column, path, message, rule))
    problems.sort(key=lambda p: (p.line, p.column))
    return problems, records


def validate_paths(files: Iterable[str], max_bytes: int = MAX_BYTES) -> Report:
    """Validate record files (already expanded by `expand_paths`)."""
    report = Report()
    for name in files:
        problems, records = validate_file(name, max_bytes)
        report.files.append(STDIN if name == "-" else name)
        report.records += records
        report.problems.extend(problems)
    return report


# --- rendering --------------------------------------------------------------------------------

def render_text(report: Report) -> str:
    """`file:line:col: field.path: message`, one line per problem."""
    return "".join(f"{p.file}:{p.line}:{p.column}: {p.path}: {p.message}\n" for p in report.problems)


def render_json(report: Report) -> str:
    data = {"valid": report.valid, "files": len(report.files), "records": report.records,
            "problems": [p.as_dict() for p in report.problems]}
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
