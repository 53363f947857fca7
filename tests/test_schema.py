"""schemas/ is the models' JSON Schema; a structural change needs a new schema_version."""
from __future__ import annotations

import json
import re
import sys
from typing import Optional

import pytest

from conftest import ROOT, SAMPLES
from shuangjian_parse import parse_file, schema as schema_module
from shuangjian_parse.cli import main
from shuangjian_parse.emit import record_data
from shuangjian_parse.models import SCHEMA_VERSION, Notice
from shuangjian_parse.schema import (check_schema, notice_schema, render_schema, schema_filename,
                                     structure_digest)

SCHEMAS = ROOT / "schemas"
CJK = re.compile(r"[\u3400-\u9fff]")


def run_sj(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """Run `sj` in-process: (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["sj", *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    out, err = capsys.readouterr()
    return exit_.value.code, out, err


class ChangedNotice(Notice):
    """Notice with one more field: what a model change looks like to the schema."""

    reviewer: Optional[str] = None


def changelog_digests() -> dict[str, str]:
    """`{version: digest}` from the `## <version>` sections of schemas/CHANGELOG.md."""
    text = (SCHEMAS / "CHANGELOG.md").read_text(encoding="utf-8")
    found = {}
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        version = section.split(None, 1)[0]
        digest = re.search(r"Structure digest: `(sha256:[0-9a-f]{64})`", section)
        assert digest, f"CHANGELOG.md section {version} names no structure digest"
        found[version] = digest.group(1)
    return found


def test_committed_schema_is_the_models_schema():
    assert check_schema(SCHEMAS) == [], "run `sj schema` and commit schemas/"
    committed = (SCHEMAS / schema_filename()).read_text(encoding="utf-8")
    assert committed == render_schema(notice_schema())


def test_schema_version_changes_with_the_structure():
    digests = changelog_digests()
    assert SCHEMA_VERSION in digests, f"schemas/CHANGELOG.md has no section for {SCHEMA_VERSION}"
    assert structure_digest() == digests[SCHEMA_VERSION], (
        f"the models' schema changed ({structure_digest()}) but schema_version is still "
        f"{SCHEMA_VERSION}: bump it in models.py, run `sj schema` and add a CHANGELOG section")


def test_the_version_rule_sees_a_changed_model(monkeypatch):
    monkeypatch.setattr(schema_module, "Notice", ChangedNotice)
    assert structure_digest() != changelog_digests()[SCHEMA_VERSION]


def test_a_description_change_keeps_the_digest():
    schema = notice_schema()
    schema["$defs"]["Body"]["properties"]["name"]["description"] = "机构名称 (reworded)"
    schema["$defs"]["Body"]["properties"]["title"] = schema["$defs"]["Body"]["properties"].pop("name")
    renamed = structure_digest(schema)
    schema = notice_schema()
    schema["$defs"]["Body"]["properties"]["name"]["description"] = "机构名称 (reworded)"
    assert structure_digest(schema) == structure_digest()
    assert renamed != structure_digest()  # a property called `title` is structure, not a title


def test_every_version_in_the_changelog_has_its_schema_file():
    for version in changelog_digests():
        assert (SCHEMAS / schema_filename(version)).exists(), version


def test_schema_has_id_title_dialect_and_chinese_descriptions():
    schema = notice_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(f":{SCHEMA_VERSION}") and schema["title"]
    assert schema["required"][0] == "schema_version"
    models = {"(record)": schema, **schema["$defs"]}
    for model, sub in models.items():
        assert CJK.search(sub["description"]), f"{model} description has no Chinese term"
        for name, prop in sub["properties"].items():
            assert CJK.search(prop.get("description", "")), f"{model}.{name} has no Chinese term"


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.stem)
def test_records_validate_against_the_schema(sample):
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(
        notice_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(record_data(parse_file(sample)))) == []


@pytest.mark.parametrize("mutate, where", [
    (lambda r: r["document"].update(date="2021-13-45"), ["document", "date"]),
    (lambda r: r.pop("schema_version"), []),
    (lambda r: r["bodies"][0].update(members="组长冯吉光"), ["bodies", 0, "members"]),
    (lambda r: r["bodies"][0].update(kind="committee"), ["bodies", 0, "kind"]),
    (lambda r: r["bodies"][0].update(name=""), ["bodies", 0, "name"]),
    (lambda r: r["sections"][0].update(line=0), ["sections", 0, "line"]),
    (lambda r: r.update(schema_version=str(int(SCHEMA_VERSION) + 1)), ["schema_version"]),
], ids=["date", "no-version", "members-string", "kind", "empty-name", "line-0", "next-version"])
def test_schema_and_models_reject_the_same_records(mutate, where):
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(
        notice_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    record = record_data(parse_file(SAMPLES / "002_f4323febc5e33686.txt"))
    mutate(record)
    errors = list(validator.iter_errors(record))
    assert [list(e.absolute_path) for e in errors] == [where]


def test_sj_schema_check_passes_on_the_repository(monkeypatch, capsys):
    code, out, err = run_sj(monkeypatch, capsys, "schema", "--check", "--out", str(SCHEMAS))
    assert (code, out) == (0, "")
    assert err == f"{SCHEMAS / schema_filename()} is up to date ({structure_digest()})\n"


def test_sj_schema_check_fails_after_a_model_change(monkeypatch, capsys):
    monkeypatch.setattr(schema_module, "Notice", ChangedNotice)
    code, out, err = run_sj(monkeypatch, capsys, "schema", "--check", "--out", str(SCHEMAS))
    assert (code, out) == (1, "")
    assert err.startswith(f"sj: error: {SCHEMAS / schema_filename()}: differs from the models at "
                          "/properties/reviewer (only in the models)")
    assert len(err.splitlines()) == 1


def test_sj_schema_writes_then_checks_a_directory(monkeypatch, capsys, tmp_path):
    out_dir = tmp_path / "schemas"
    code, out, err = run_sj(monkeypatch, capsys, "schema", "--check", "--out", str(out_dir))
    assert code == 1 and "missing" in err
    code, out, err = run_sj(monkeypatch, capsys, "schema", "--out", str(out_dir))
    assert (code, out) == (0, "") and err.startswith(f"wrote {out_dir / schema_filename()}")
    assert json.loads((out_dir / schema_filename()).read_text(encoding="utf-8")) == notice_schema()
    code, _, _ = run_sj(monkeypatch, capsys, "schema", "--check", "--out", str(out_dir))
    assert code == 0
    # hand-edited: a different value deep inside is named by its JSON pointer
    path = out_dir / schema_filename()
    path.write_text(path.read_text(encoding="utf-8").replace('"minimum": 1', '"minimum": 0', 1),
                    encoding="utf-8")
    code, _, err = run_sj(monkeypatch, capsys, "schema", "--check", "--out", str(out_dir))
    assert code == 1 and "/minimum" in err
    path.write_text("{not json", encoding="utf-8")
    code, _, err = run_sj(monkeypatch, capsys, "schema", "--check", "--out", str(out_dir))
    assert code == 1 and "unreadable" in err and "Traceback" not in err


def test_sj_schema_prints_to_stdout(monkeypatch, capsys):
    code, out, err = run_sj(monkeypatch, capsys, "schema", "--out", "-")
    assert (code, err) == (0, "")
    assert json.loads(out) == notice_schema()
    code, out, err = run_sj(monkeypatch, capsys, "schema", "--out", "-", "--check")
    assert (code, out) == (2, "") and "--check" in err
