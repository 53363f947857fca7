"""The sj command line: exit codes, stdout carries records only, stderr one line per problem."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from conftest import ROOT, SAMPLES, run_cli
from shuangjian_parse import __version__
from shuangjian_parse.models import SCHEMA_VERSION

SAMPLE = str(SAMPLES / "000_9a14945eab7843f1.txt")


def yaml_path(record: str) -> str:
    """source.path of a YAML record."""
    return next(line.split(": ", 1)[1].strip('"') for line in record.splitlines() if line.startswith("  path: "))


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


# --- usage errors: click's usage message naming the option, exit 2, whatever click typer has ---

COMMANDS = [["parse"], ["batch"], ["show"], ["compare"], ["explain"], ["grammars", "check"],
            ["grammars", "build"], ["schema"], ["validate"], ["eval"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_an_unknown_option_names_itself_and_exits_2(run_sj, command):
    code, out, err = run_sj(*command, "--bogus", "x")
    assert (code, out) == (2, "")
    assert err.startswith(f"Usage: sj {' '.join(command)} ")
    assert "\nError: No such option: --bogus" in err
    assert "internal error" not in err


@pytest.mark.parametrize("args, says", [
    (["nosuchcommand"], "No such command 'nosuchcommand'"),
    (["parse"], "Missing argument 'NOTICE'"),
    (["parse", SAMPLE, "--format", "xml"], "Invalid value for '--format' / '-f': 'xml' is not one of"),
    (["show", SAMPLE, "--width", "30"], "Invalid value for '--width'"),
    (["parse", SAMPLE, "--max-bytes", "many"], "Invalid value for '--max-bytes'"),
    (["batch", SAMPLE], "Missing option '--output'"),
], ids=["unknown-command", "missing-argument", "bad-choice", "under-minimum", "not-a-number", "missing-option"])
def test_usage_errors_name_what_is_wrong(run_sj, args, says):
    code, out, err = run_sj(*args)
    assert (code, out) == (2, "")
    assert says in err and "Value error" not in err and "internal error" not in err


@pytest.mark.parametrize("args", [[], ["grammars"]], ids=["sj", "sj grammars"])
def test_no_command_prints_the_help_on_stderr_and_exits_2(run_sj, args):
    code, out, err = run_sj(*args)
    assert (code, out) == (2, "")
    assert err.startswith(f"Usage: sj {' '.join(args)}".rstrip() + " [OPTIONS] COMMAND") and "Commands" in err


@pytest.mark.parametrize("option", ["-h", "--help"])
def test_help_is_on_stdout(run_sj, option):
    code, out, err = run_sj(option)
    assert (code, err) == (0, "") and out.startswith("Usage: sj [OPTIONS] COMMAND")
    for command in ("parse", "batch", "validate", "eval", "compare", "show", "explain", "schema"):
        assert f"  {command} " in out
    code, out, _ = run_sj("parse", option)
    assert code == 0 and "--format" in out and "-o, --output" in out


@pytest.mark.parametrize("option", ["-V", "--version"])
def test_version(run_sj, option):
    assert run_sj(option) == (0, f"sj {__version__}\n", "")
    proc = subprocess.run([sys.executable, "-m", "shuangjian_parse", option], capture_output=True, text=True)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"sj {__version__}\n", "")


def test_a_file_named_like_an_option(run_sj, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-leading-dash.txt").write_bytes((SAMPLES / "000_9a14945eab7843f1.txt").read_bytes())
    code, out, err = run_sj("parse", "--", "-leading-dash.txt", "-f")   # after --, -f is a file name
    assert code == 3 and err.splitlines()[-1] == "sj: error: -f: no such file"
    assert yaml_path(out) == "-leading-dash.txt"
    code, out, _ = run_sj("parse", "-f", "json", "--", "-leading-dash.txt")
    assert code == 0 and json.loads(out)["source"]["path"] == "-leading-dash.txt"
    code, out, err = run_sj("parse", "-leading-dash.txt")
    assert (code, out) == (2, "")
    assert "No such option: -l (-leading-dash.txt is a file: put -- before it, -- -leading-dash.txt)" in err


def test_internal_errors_are_one_line(run_sj, monkeypatch):
    from shuangjian_parse import pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(pipeline, "parser_for", broken)
    code, out, err = run_sj("parse", SAMPLE)
    assert (code, out) == (2, "")
    assert err == "sj: internal error: RuntimeError: boom\\nsecond line (set SJ_DEBUG=1 for a traceback)\n"


# --- one exit-code table: a missing input is 3 in every command --------------------------------

@pytest.mark.parametrize("command", [
    ["parse"], ["show"], ["validate"], ["compare"], ["batch", "-o", "OUT"], ["eval", "SAMPLES"], ["eval", "GOLD"],
], ids=["parse", "show", "validate", "compare", "batch", "eval-gold", "eval-input"])
def test_a_missing_input_is_exit_3_everywhere(run_sj, tmp_path, command):
    missing = str(tmp_path / "missing")
    args = [a.replace("OUT", str(tmp_path / "out")) for a in command]
    if args[0] == "eval":
        args = ["eval", missing, str(SAMPLES)] if args[1] == "SAMPLES" else ["eval", str(SAMPLES), missing]
    else:
        args.insert(1, missing)
    code, out, err = run_sj(*args)
    assert code == 3
    assert err.startswith(f"sj: error: {missing}: no such file") and "sj: warning" not in err


def test_a_failing_file_name_with_a_newline_stays_on_one_line(run_sj, tmp_path):
    bad = tmp_path / "a\nb\x1b[31m.txt"
    bad.write_bytes(b"")
    code, _, err = run_sj("parse", str(bad))
    assert code == 3 and err == f"sj: error: {tmp_path}/a\\nb\\x1b[31m.txt: empty file\n"
    code, _, err = run_sj("batch", str(tmp_path), "-o", str(tmp_path / "out"))
    assert code == 1
    assert err.splitlines()[0] == "sj: error: a\\nb\\x1b[31m.txt: empty file"


# --- sj batch: --glob accumulates, - reads the list of inputs ----------------------------------

def _tree(tmp_path):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    text = (SAMPLES / "000_9a14945eab7843f1.txt").read_bytes()
    for name in ("a.txt", "b.htm", "sub/c.txt", "d.md"):
        (src / name).write_bytes(text)
    return src


def _written(out):
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))


def test_batch_glob_given_twice_takes_both(run_sj, tmp_path):
    src = _tree(tmp_path)
    code, _, _ = run_sj("batch", str(src), "-o", str(tmp_path / "out"), "-f", "json",
                        "--glob", "*.txt", "--glob", "*.htm")
    assert code == 0 and _written(tmp_path / "out") == ["a.json", "b.json", "sub/c.json"]


def test_batch_dash_reads_the_inputs_from_stdin(run_sj, tmp_path):
    src = _tree(tmp_path)
    listed = f"{src / 'a.txt'}\n{src / 'sub' / 'c.txt'}\r\n\n{src / 'd.md'}\n".encode()
    code, _, err = run_sj("batch", "-", "-o", str(tmp_path / "out"), "-f", "json", stdin=listed)
    assert code == 0, err
    assert _written(tmp_path / "out") == ["a.json", "d.json", "sub/c.json"]


def test_batch_dash_from_a_terminal_is_a_usage_error(run_sj, tmp_path, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stdin", Terminal())
    code, _, err = run_sj("batch", "-", "-o", str(tmp_path / "out"))
    assert code == 2 and "- reads the list of inputs from stdin" in err


# --- -o: a directory, or one file whose extension names the format ------------------------------

def test_o_with_a_trailing_slash_is_a_directory_even_for_one_notice(run_sj, tmp_path):
    code, out, _ = run_sj("parse", SAMPLE, "-o", f"{tmp_path / 'out'}/")
    assert (code, out) == (0, "")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["000_9a14945eab7843f1.yaml"]
    code, _, _ = run_sj("parse", SAMPLE, "-o", str(tmp_path / "out"), "-f", "json")   # it exists now
    assert code == 0 and (tmp_path / "out" / "000_9a14945eab7843f1.json").is_file()


@pytest.mark.parametrize("name, first", [("rec.json", "{"), ("rec.yaml", "schema_version"),
                                         ("rec.yml", "schema_version"), ("rec.jsonl", '{"schema_version"'),
                                         ("rec.out", "schema_version")])
def test_o_file_format_follows_its_extension(run_sj, tmp_path, name, first):
    code, _, _ = run_sj("parse", SAMPLE, "-o", str(tmp_path / name))
    text = (tmp_path / name).read_text(encoding="utf-8")
    assert code == 0 and text.startswith(first)
    if name.endswith(".jsonl"):
        assert text.count("\n") == 1 and json.loads(text)["bodies"]
    elif name.endswith(".json"):
        assert json.loads(text)["bodies"]


def test_o_file_and_a_different_format_is_a_usage_error(run_sj, tmp_path):
    code, _, err = run_sj("parse", SAMPLE, "-o", str(tmp_path / "rec.json"), "-f", "yaml")
    assert code == 2 and "Invalid value for '--format' / '-f': yaml conflicts with" in err
    assert not (tmp_path / "rec.json").exists()
    assert run_sj("parse", SAMPLE, "-o", str(tmp_path / "rec.json"), "-f", "json")[0] == 0


def test_several_notices_to_one_file_is_a_usage_error(run_sj, tmp_path):
    files = [str(p) for p in sorted(SAMPLES.glob("*.txt"))[:2]]
    code, _, err = run_sj("parse", *files, "-o", str(tmp_path / "a.yaml"))
    assert code == 2 and "2 notices cannot go to one file" in err and f"-o {tmp_path / 'a.yaml'}/" in err
    assert list(tmp_path.iterdir()) == []


def test_two_notices_of_one_stem_to_a_directory_is_a_usage_error(run_sj, tmp_path):
    for sub in ("x", "y"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "n.txt").write_bytes((SAMPLES / "000_9a14945eab7843f1.txt").read_bytes())
    code, _, err = run_sj("parse", str(tmp_path / "x" / "n.txt"), str(tmp_path / "y" / "n.txt"),
                          "-o", f"{tmp_path / 'out'}/")
    assert code == 2 and "would both be written to" in err


def test_jsonl_is_a_record_a_line(run_sj):
    files = [str(p) for p in sorted(SAMPLES.glob("*.txt"))[:3]]
    code, out, _ = run_sj("parse", *files, "-f", "jsonl")
    assert code == 0 and [json.loads(line)["source"]["path"] for line in out.splitlines()] == files


# --- start-up: a command imports what it needs (benchmarks/bench_startup.py times it) ------------

_MODULES = """
import sys
sys.argv = ["sj", *sys.argv[1:]]
from shuangjian_parse.__main__ import main
try:
    main()
except SystemExit:
    pass
print(" ".join(sorted(sys.modules)), file=sys.stderr)
"""


@pytest.mark.parametrize("args, absent", [
    (["-V"], ["typer", "pydantic", "shuangjian_parse.cli", "shuangjian_parse.models"]),
    (["-h"], ["pydantic", "rich", "shuangjian_parse.models", "shuangjian_parse.grammar",
              "shuangjian_parse.pipeline"]),
    (["parse", SAMPLE, "-f", "json"], ["rich", "ruamel", "jieba", "importlib.metadata",
                                       "shuangjian_parse.validate", "shuangjian_parse.safeload"]),
    (["parse", SAMPLE], ["rich", "ruamel", "jieba", "shuangjian_parse.validate"]),
], ids=["-V", "-h", "parse json", "parse yaml"])
def test_start_up_imports_only_what_the_command_needs(args, absent):
    proc = subprocess.run([sys.executable, "-c", _MODULES, *args], capture_output=True, text=True, cwd=ROOT)
    loaded = set(proc.stderr.splitlines()[-1].split())
    assert [name for name in absent if name in loaded] == []


def test_ctrl_c_is_exit_130_and_one_line(run_sj, monkeypatch):
    from shuangjian_parse import pipeline

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "parser_for", interrupted)
    code, out, err = run_sj("parse", SAMPLE)
    # typer >= 0.29 turns Ctrl-C into exit code 130 itself, silently; older click lets sj say so
    assert (code, out) == (130, "") and err in ("", "sj: interrupted\n")
