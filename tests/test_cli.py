"""The sj command line: exit codes, stdout carries records only, stderr one line per problem."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, SAMPLES, run_cli
from shuangjian_parse.models import SCHEMA_VERSION

SAMPLE = str(SAMPLES / "000_9a14945eab7843f1.txt")


@pytest.fixture
def run_sj(monkeypatch, capsys):
    return lambda *args, stdin=None: run_cli(monkeypatch, capsys, *args, stdin=stdin)


def test_parse_prints_the_yaml_record_and_diagnostics_apart(run_sj):
    code, out, err = run_sj("parse", SAMPLE)
    assert code == 0
    assert out.startswith(f'schema_version: "{SCHEMA_VERSION}"\n')
    assert "冯吉光" in out and "SJ" not in out.split("diagnostics:")[0]
    assert err.splitlines()[0] == f"{SAMPLE}:1: SJ203 info: no 成文日期 (date under the signature) found"


def test_parse_json_is_one_object(run_sj):
    code, out, _ = run_sj("parse", SAMPLE, "--format", "json")
    assert code == 0
    record = json.loads(out)
    assert record["bodies"][0]["members"][0]["name"] == "冯吉光"


def test_several_files_give_a_yaml_stream_or_a_json_array(run_sj):
    files = [str(p) for p in sorted(SAMPLES.glob("*.txt"))[:2]]
    code, out, _ = run_sj("parse", *files)
    assert code == 0 and out.count("---\n") == 2
    code, out, _ = run_sj("parse", *files, "-f", "json")
    assert [r["source"]["path"] for r in json.loads(out)] == files


def test_output_directory_gets_one_file_per_notice(run_sj, tmp_path):
    files = [str(p) for p in sorted(SAMPLES.glob("*.txt"))[:2]]
    code, out, _ = run_sj("parse", *files, "-o", f"{tmp_path / 'out'}/", "-f", "json")
    assert code == 0 and out == ""
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == [f"{p.split('/')[-1][:-4]}.json" for p in files]


def test_output_file_for_one_notice(run_sj, tmp_path):
    target = tmp_path / "record.yaml"
    code, out, _ = run_sj("parse", SAMPLE, "-o", str(target))
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8").startswith(f'schema_version: "{SCHEMA_VERSION}"')
    assert [p.name for p in tmp_path.iterdir()] == ["record.yaml"]


def test_stdin(run_sj):
    code, out, _ = run_sj("parse", "-", stdin=(SAMPLES / "000_9a14945eab7843f1.txt").read_bytes())
    assert code == 0 and "path: \"-\"" in out


@pytest.mark.parametrize("name, content, reason", [
    ("missing.txt", None, "no such file"),
    ("empty.txt", b"", "empty file"),
    ("bin.dat", b"\x00\x01\x02" * 50, "binary file"),
    ("", None, "is a directory"),
])
def test_bad_input_is_one_line_on_stderr_and_exit_3(run_sj, tmp_path, name, content, reason):
    path = tmp_path / name if name else tmp_path
    if content is not None:
        path.write_bytes(content)
    code, out, err = run_sj("parse", str(path))
    assert code == 3 and out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith(f"sj: error: {path}: {reason}")


def test_one_bad_file_does_not_stop_the_others(run_sj, tmp_path):
    code, out, err = run_sj("parse", str(tmp_path / "missing.txt"), SAMPLE, "-f", "json")
    assert code == 3
    assert len(json.loads(out)) == 1
    assert "missing.txt: no such file" in err


def test_strict_turns_any_diagnostic_into_exit_1(run_sj):
    code, _, _ = run_sj("parse", SAMPLE, "--strict")
    assert code == 1


def test_quiet_hides_warnings_and_info(run_sj):
    code, _, err = run_sj("parse", SAMPLE, "-q")
    assert code == 0 and err == ""


def test_usage_errors_exit_2(run_sj):
    code, _, err = run_sj("parse", SAMPLE, "--format", "xml")
    assert code == 2 and "xml" in err and "Traceback" not in err
    code, _, _ = run_sj("parse")
    assert code == 2


def test_bad_grammar_directory_is_sj901_and_exit_2(run_sj, tmp_path):
    code, _, err = run_sj("parse", SAMPLE, "--grammars", str(tmp_path))
    assert code == 2 and "SJ901" in err


@pytest.mark.parametrize("code_name", ["SJ101", "SJ201", "SJ301", "SJ401", "SJ901", "sj303"])
def test_explain_documents_each_code(run_sj, code_name):
    code, out, _ = run_sj("explain", code_name)
    assert code == 0
    for part in ("What it means", "Why it matters", "Example", "How to fix"):
        assert part in out


def test_explain_unknown_code(run_sj):
    code, out, err = run_sj("explain", "SJ999")
    assert code == 2 and out == "" and "unknown code" in err


def test_grammars_check(run_sj):
    code, out, _ = run_sj("grammars", "check")
    assert code == 0 and out.startswith("grammars ok")


def test_every_command_has_help(run_sj):
    for args in (["--help"], ["parse", "--help"], ["explain", "--help"], ["grammars", "check", "--help"]):
        code, out, _ = run_sj(*args)
        assert code == 0 and "Usage" in out


def test_console_script_runs_without_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "shuangjian_parse", "parse", str(tmp_path / "nope.txt")],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 3
    assert proc.stderr == f"sj: error: {tmp_path / 'nope.txt'}: no such file\n"


def test_console_script_exit_loses_no_output(run_sj):
    """The script freezes the collector on its way out (cli.script): every byte of a large
    stdout still arrives, with the same exit code as main() in-process."""
    notices = sorted(str(p) for p in SAMPLES.glob("*.txt"))
    code, out, _ = run_sj("parse", *notices, "-f", "json")
    proc = subprocess.run([sys.executable, "-m", "shuangjian_parse", "parse", *notices, "-f", "json"],
                          capture_output=True, text=True, cwd=ROOT)
    assert (proc.returncode, proc.stdout) == (code, out)
    assert len(json.loads(proc.stdout)) == len(notices)
