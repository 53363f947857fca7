"""JSON Schema (draft 2020-12) of the notice record, generated from the models in models.py.

    write_schema(Path("schemas"))   # -> schemas/notice-1.schema.json
    check_schema(Path("schemas"))   # [] when the committed file equals the models' schema

The file is named after `schema_version`; a version's file is never rewritten once a newer
version exists. `structure_digest()` fingerprints what the schema accepts (titles and
descriptions left out): `schemas/CHANGELOG.md` records it for every version, and a test
fails when the models' structure changes while `schema_version` does not.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .files import write_atomic
from .models import SCHEMA_VERSION, Notice

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# A URN rather than a URL: the schema is shipped with sj and in schemas/, not served anywhere.
SCHEMA_ID = "urn:shuangjian-parse:notice-record:{version}"
# Keywords that document a schema without changing what it accepts.
_ANNOTATIONS = frozenset({"title", "description", "$comment", "examples", "$id", "$schema"})
# Keywords whose value maps names to subschemas (a property may be called `title`).
_NAMED_SCHEMAS = frozenset({"properties", "$defs", "patternProperties", "dependentSchemas"})


def schema_filename(version: str = SCHEMA_VERSION) -> str:
    """`notice-1.schema.json`: the file of one record version."""
    return f"notice-{version}.schema.json"


def notice_schema() -> dict[str, Any]:
    """The record's JSON Schema: `notice_schema()["properties"]["bodies"]["description"]`."""
    generated = Notice.model_json_schema(mode="validation")
    # A stored record must say which contract it follows; the model defaults it only so that
    # the pipeline need not pass it.
    required = [name for name in generated.get("required", []) if name != "schema_version"]
    generated["required"] = ["schema_version", *required]
    generated.pop("title", None)
    generated.pop("description", None)
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID.format(version=SCHEMA_VERSION),
        "title": f"sj notice record (公文记录), schema_version {SCHEMA_VERSION}",
        "description": "One notice parsed by sj (shuangjian_parse): the 公文 elements, the outline, "
                       "the working bodies (领导小组, 联席会议 …) with their people and member units, "
                       "the duties (职责分工) and the diagnostics. Generated from models.py by "
                       "`sj schema`; the contract is ../shared/spec/RECORD.md.",
        **generated,
    }


def render_schema(schema: dict[str, Any]) -> str:
    """The schema as committed: 2-space JSON, Chinese unescaped, a final newline."""
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def structure_digest(schema: dict[str, Any] | None = None) -> str:
    """`sha256:…` of what the schema accepts; a description or title change keeps it."""
    canonical = json.dumps(_strip_annotations(notice_schema() if schema is None else schema),
                           sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _strip_annotations(node: Any, named: bool = False) -> Any:
    if isinstance(node, list):
        return [_strip_annotations(item) for item in node]
    if not isinstance(node, dict):
        return node
    if named:
        return {name: _strip_annotations(sub) for name, sub in node.items()}
    return {key: _strip_annotations(value, key in _NAMED_SCHEMAS)
            for key, value in node.items() if key not in _ANNOTATIONS}


def write_schema(out_dir: Path) -> Path:
    """Write the current version's schema file under `out_dir` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / schema_filename()
    write_atomic(path, render_schema(notice_schema()))
    return path


def check_schema(out_dir: Path) -> list[str]:
    """Why `out_dir` does not hold the models' schema, one line each; [] when it does."""
    path = out_dir / schema_filename()
    try:
        committed = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [f"{path}: missing; run `sj schema --out {out_dir}` and commit it"]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"{path}: unreadable ({exc}); run `sj schema --out {out_dir}` and commit it"]
    difference = first_difference(committed, notice_schema())
    if difference is None:
        return []
    return [f"{path}: differs from the models at {difference}; "
            f"run `sj schema --out {out_dir}`, review the diff and commit it"]


def first_difference(committed: Any, generated: Any, pointer: str = "") -> str | None:
    """The JSON pointer of the first place two JSON values differ (key order ignored), or None."""
    if isinstance(committed, dict) and isinstance(generated, dict):
        for key in list(generated) + [k for k in committed if k not in generated]:
            where = f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"
            if key not in committed:
                return f"{where} (only in the models)"
            if key not in generated:
                return f"{where} (only in the file)"
            found = first_difference(committed[key], generated[key], where)
            if found is not None:
                return found
        return None
    if isinstance(committed, list) and isinstance(generated, list):
        for index, (a, b) in enumerate(zip(committed, generated)):
            found = first_difference(a, b, f"{pointer}/{index}")
            if found is not None:
                return found
        if len(committed) != len(generated):
            return (f"{pointer or '/'} (length {len(committed)} in the file, "
                    f"{len(generated)} in the models)")
        return None
    if committed != generated or type(committed) is not type(generated):
        return pointer or "/"
    return None
