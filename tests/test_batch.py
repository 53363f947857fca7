"""sj batch: outputs identical to sj parse, resume after a kill, bad inputs, manifest, discovery."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES, run_cli as sj
from shuangjian_parse.batch import (JSONL_FILE, MANIFEST, TMP_DIR, BatchUsageError, Summary, chunk_size,
                                    discover, output_name)
from shuangjian_parse.emit import record_data, render
from shuangjian_parse.models import SCHEMA_VERSION

SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))


@pytest.fixture
def run_sj(monkeypatch, capsys):
    return lambda *args: sj(monkeypatch, capsys, *args)


def make_tree(root: Path, copies: int = 1) -> list[str]:
    """The samples under root/ (copy 0), root/more/ and root/more/deeper/ …; their relative paths."""
    rels = []
    folders = ["", "more", "more/deeper"]
    for i in range(copies):
        for folder in folders if copies == 1 else [f"copy{i:03d}"]:
            for sample in SAMPLE_FILES:
                rel = f"{folder}/{sample.name}".lstrip("/")
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(sample, root / rel)
                rels.append(rel)
    return sorted(rels)


def tree_bytes(root: Path, skip: tuple[str, ...] = (MANIFEST,)) -> dict[str, bytes]:
    """Every file under root (relative path -> bytes), but the manifest."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name not in skip}


def manifest_lines(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / MANIFEST).read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_outputs_mirror_the_tree_and_equal_sj_parse(tmp_path, run_sj, parser, fmt):
    src, out = tmp_path / "src", tmp_path / "out"
    rels = make_tree(src)
    code, stdout, err = run_sj("batch", str(src), "-o", str(out), "-f", fmt, "--workers", "2")
    assert code == 0, err
    assert stdout == ""
    written = tree_bytes(out)
    assert sorted(written) == sorted(output_name(rel, fmt) for rel in rels)
    for rel in rels:
        # source.path is the path relative to the input root: `cd src && sj parse REL`
        expected = render(parser.run((src / rel).read_bytes(), rel).notice, fmt)
        assert written[output_name(rel, fmt)].decode("utf-8") == expected, rel
    assert err.splitlines()[-1].startswith(f"sj batch: {len(rels)} notices: ")
    assert not (out / TMP_DIR).exists()


def test_output_is_byte_identical_to_the_parse_command(tmp_path, run_sj, monkeypatch):
    src, out = tmp_path / "src", tmp_path / "out"
    make_tree(src)
    assert run_sj("batch", str(src), "-o", str(out), "-f", "json")[0] == 0
    monkeypatch.chdir(src)
    rel = f"more/{SAMPLE_FILES[0].name}"
    code, stdout, _ = run_sj("parse", rel, "--format", "json")
    assert code == 0
    assert (out / output_name(rel, "json")).read_text(encoding="utf-8") == stdout


def test_jsonl_is_one_file_one_record_a_line_in_path_order(tmp_path, run_sj, parser):
    src, out = tmp_path / "src", tmp_path / "out"
    rels = make_tree(src)
    code, _, err = run_sj("batch", str(src), "-o", str(out), "--format", "jsonl", "-j", "2")
    assert code == 0, err
    lines = (out / JSONL_FILE).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["source"]["path"] for line in lines] == rels
    first = record_data(parser.run((src / rels[0]).read_bytes(), rels[0]).notice)
    assert json.loads(lines[0]) == first
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == [JSONL_FILE]
    # a re-run with one input gone bad: its line is dropped, the rest stay in order
    (src / rels[1]).write_bytes(b"")
    assert run_sj("batch", str(src), "-o", str(out), "-f", "jsonl")[0] == 1
    again = (out / JSONL_FILE).read_text(encoding="utf-8").splitlines()
    assert again == lines[:1] + lines[2:]


def test_bad_inputs_are_listed_and_the_rest_is_written(tmp_path, run_sj):
    """Must show 4: an empty file, a binary file and a GB18030 notice among good ones."""
    src, out = tmp_path / "src", tmp_path / "out"
    rels = make_tree(src)
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 8)
    text = SAMPLE_FILES[1].read_text(encoding="utf-8")
    (src / "gb18030.txt").write_bytes(text.encode("gb18030"))
    code, _, err = run_sj("batch", str(src), "-o", str(out), "-f", "json", "--workers", "2")
    assert code == 1
    lines = err.splitlines()
    assert "sj: error: empty.txt: empty file" in lines
    assert any(line.startswith("sj: error: binary.txt: binary file") for line in lines)
    assert lines[-1].startswith(f"sj batch: {len(rels) + 3} notices: ")
    assert " 2 failed, " in lines[-1]
    for rel in rels + ["gb18030.txt"]:
        assert (out / output_name(rel, "json")).is_file(), rel
    assert not (out / "empty.json").exists() and not (out / "binary.json").exists()
    record = json.loads((out / "gb18030.json").read_text(encoding="utf-8"))
    utf8 = json.loads((out / output_name(SAMPLE_FILES[1].name, "json")).read_text(encoding="utf-8"))
    assert record["source"]["encoding"] == "gb18030"
    assert record["bodies"] == utf8["bodies"] and record["document"] == utf8["document"]


def test_rerun_skips_unchanged_inputs_and_force_redoes_all(tmp_path, run_sj):
    src, out = tmp_path / "src", tmp_path / "out"
    rels = make_tree(src)
    n = len(rels)
    assert run_sj("batch", str(src), "-o", str(out), "-f", "json")[0] == 0
    first = tree_bytes(out)
    inode = (out / output_name(rels[0], "json")).stat().st_ino
    code, _, err = run_sj("batch", str(src), "-o", str(out), "-f", "json")
    assert code == 0 and f"0 ok, 0 with warnings, 0 failed, {n} unchanged" in err
    assert (out / output_name(rels[0], "json")).stat().st_ino == inode
    # one input edited: only it is converted again
    changed = src / rels[2]
    changed.write_bytes(changed.read_bytes() + "\n附件：无\n".encode())
    code, _, err = run_sj("batch", str(src), "-o", str(out), "-f", "json")
    assert code == 0 and f"0 failed, {n - 1} unchanged" in err
    assert [e["input"] for e in manifest_lines(out)[n:]] == [rels[2]]
    # another format is another output: nothing is skipped
    code, _, err = run_sj("batch", str(src), "-o", str(out), "-f", "yaml")
    assert code == 0 and " 0 unchanged" in err
    code, _, err = run_sj("batch", str(src), "-o", str(out), "-f", "json", "--force")
    assert code == 0 and " 0 unchanged" in err
    assert tree_bytes(out)[output_name(rels[0], "json")] == first[output_name(rels[0], "json")]


def test_a_deleted_output_is_made_again(tmp_path, run_sj):
    src, out = tmp_path / "src", tmp_path / "out"
    rels = make_tree(src)
    assert run_sj("batch", str(src), "-o", str(out), "-f", "json")[0] == 0
    (out / output_name(rels[0], "json")).unlink()
    code, _, err = run_sj("batch", str(src), "-o", str(out), "-f", "json")
    assert code == 0 and f"{len(rels) - 1} unchanged" in err
    assert (out / output_name(rels[0], "json")).is_file()


def test_an_input_that_turns_bad_loses_its_old_output(tmp_path, run_sj):
    src, out = tmp_path / "src", tmp_path / "out"
    rels = make_tree(src)
    assert run_sj("batch", str(src), "-o", str(out), "-f", "json")[0] == 0
    (src / rels[0]).write_bytes(b"\x00\x01\x02")
    code, _, err = run_sj("batch", str(src), "-o", str(out), "-f", "json")
    assert code == 1 and f"sj: error: {rels[0]}: binary file" in err
    assert not (out / output_name(rels[0], "json")).exists()


def _batch_process(src: Path, out: Path, *extra: str) -> subprocess.Popen:
    # Ctrl-C restored: a shell starts a background job (`.ci/run &`) with SIGINT ignored, which
    # the child would inherit, and Python then installs no KeyboardInterrupt handler.
    return subprocess.Popen(
        [sys.executable, "-m", "shuangjian_parse", "batch", str(src), "-o", str(out), "-f", "json",
         "--workers", "1", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, cwd=ROOT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _wait_for_outputs(out: Path, proc: subprocess.Popen, count: int) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            done = (out / MANIFEST).read_bytes().count(b"\n")
        except FileNotFoundError:
            done = 0
        if done >= count:
            return done
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.01)
    raise AssertionError("the batch made no progress")


@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT", "SIGTERM"])
def test_a_killed_batch_resumes_and_ends_as_an_uninterrupted_one(tmp_path, run_sj, how):
    """Must show 3: killed halfway, started again: the same outputs, only the missing redone."""
    src = tmp_path / "src"
    rels = make_tree(src, copies=40)          # 200 notices
    whole, out = tmp_path / "whole", tmp_path / "out"
    assert run_sj("batch", str(src), "-o", str(whole), "-f", "json")[0] == 0

    proc = _batch_process(src, out)
    _wait_for_outputs(out, proc, 50)
    os.killpg(proc.pid, getattr(signal, how))  # the whole group, as Ctrl-C or kill -9 would
    _, err = proc.communicate(timeout=30)
    if how == "SIGKILL":
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode == 130, err
        assert "sj batch: interrupted with " in err.decode()
        assert not (out / TMP_DIR).exists()    # cleaned up on the way out
    # nothing half-written: every output present is a whole record
    for path in out.rglob("*.json"):
        if TMP_DIR not in path.parts:
            assert json.loads(path.read_text(encoding="utf-8"))["schema_version"] == SCHEMA_VERSION
    recorded = {e["input"] for e in manifest_lines(out)}
    assert 50 <= len(recorded) < len(rels), "the kill came too late to test a resume"
    kept = {rel: (out / output_name(rel, "json")).stat().st_ino for rel in recorded}

    code, _, err = run_sj("batch", str(src), "-o", str(out), "-f", "json")
    assert code == 0, err
    assert f"0 failed, {len(recorded)} unchanged" in err   # only the missing ones redone
    assert tree_bytes(out) == tree_bytes(whole)
    assert not (out / TMP_DIR).exists()
    assert all((out / output_name(rel, "json")).stat().st_ino == ino for rel, ino in kept.items())
    assert sorted(e["input"] for e in manifest_lines(out)) == rels


def test_missing_input_is_a_failure_not_a_stop(tmp_path, run_sj):
    out = tmp_path / "out"
    code, _, err = run_sj("batch", str(SAMPLE_FILES[0]), str(tmp_path / "nope.txt"), "-o", str(out))
    assert code == 3   # a missing input: the same code as in every command
    assert f"sj: error: {tmp_path / 'nope.txt'}: no such file or directory" in err
    assert (out / output_name(SAMPLE_FILES[0].name, "yaml")).is_file()


def test_an_outdir_in_use_is_a_usage_error(tmp_path, run_sj):
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    fd = os.open(out, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        code, _, err = run_sj("batch", str(SAMPLES), "-o", str(out))
    finally:
        os.close(fd)
    assert code == 2 and "in use by another sj batch" in err


def test_a_stale_temporary_directory_is_removed(tmp_path, run_sj):
    out = tmp_path / "out"
    (out / TMP_DIR).mkdir(parents=True)
    (out / TMP_DIR / "tmpabc.tmp").write_text("half a rec", encoding="utf-8")
    assert run_sj("batch", str(SAMPLES), "-o", str(out), "-f", "json")[0] == 0
    assert not (out / TMP_DIR).exists()


def test_summary_counts_and_no_progress_bar_off_a_terminal(tmp_path, run_sj):
    code, _, err = run_sj("batch", str(SAMPLES), "-o", str(tmp_path / "out"))
    assert code == 0
    assert err.count("\n") == 1 and "\x1b" not in err
    assert err.startswith(f"sj batch: {len(SAMPLE_FILES)} notices: ")
    assert " with warnings, " in err and err.rstrip().endswith("notices/s; which ones: --report FILE")
    # a re-run where every input is unchanged still deals with notices at some rate
    code, _, err = run_sj("batch", str(SAMPLES), "-o", str(tmp_path / "out"))
    assert code == 0 and f" 0 with warnings, 0 failed, {len(SAMPLE_FILES)} unchanged; " in err
    rate = float(err.rstrip().split(", ")[-1].split()[0])
    assert rate > 0, err


def test_report_lists_each_notice_with_its_warnings_or_failure(tmp_path, run_sj, parser):
    src, out, report = tmp_path / "src", tmp_path / "out", tmp_path / "report.jsonl"
    rels = make_tree(src)
    (src / "empty.txt").write_bytes(b"")
    code, _, err = run_sj("batch", str(src), str(tmp_path / "gone.txt"), "-o", str(out), "-f", "json",
                          "--report", str(report))
    assert code == 3 and err.rstrip().endswith(f"; each notice's status in {report}")  # 3 (missing) wins over 1
    lines = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {"input": str(tmp_path / "gone.txt"), "status": "failed",
                        "reason": "no such file or directory"}
    by_input = {line["input"]: line for line in lines[1:]}
    assert list(by_input) == sorted(rels + ["empty.txt"])
    assert by_input["empty.txt"] == {"input": "empty.txt", "status": "failed", "reason": "empty file"}
    for rel in rels:
        notice = parser.run((src / rel).read_bytes(), rel).notice
        codes = sorted({d.code for d in notice.diagnostics if d.severity in ("warning", "error")})
        assert by_input[rel] == {"input": rel, "status": "warnings" if codes else "ok",
                                 "output": output_name(rel, "json"), "codes": codes,
                                 "unchanged": False}
    assert any(line.get("codes") for line in lines)   # the samples do have warnings
    # a re-run: the same statuses and codes, from the manifest, marked unchanged
    (src / "empty.txt").unlink()
    assert run_sj("batch", str(src), "-o", str(out), "-f", "json", "--report", str(report))[0] == 0
    again = {e["input"]: e for e in map(json.loads, report.read_text(encoding="utf-8").splitlines())}
    assert again == {rel: {**by_input[rel], "unchanged": True} for rel in rels}


@pytest.mark.parametrize("inputs, expected", [
    (["src"], ["a.txt", "sub/b.txt", "sub/deeper/c.txt"]),
    (["src/sub"], ["b.txt", "deeper/c.txt"]),
    (["src/a.txt", "src/sub/b.txt"], ["a.txt", "sub/b.txt"]),
    (["src/sub", "src/a.txt"], ["a.txt", "sub/b.txt", "sub/deeper/c.txt"]),
    (["src", "src/a.txt"], ["a.txt", "sub/b.txt", "sub/deeper/c.txt"]),
])
def test_discover_paths_are_relative_to_the_input_root(tmp_path, monkeypatch, inputs, expected):
    for rel in ["a.txt", "sub/b.txt", "sub/deeper/c.txt", "sub/notes.md", ".hidden/d.txt",
                "sub/.e.txt", "src-out/x.txt"]:
        (tmp_path / "src" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "src" / rel).write_text("x", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    found = discover(inputs, "*.txt", Path("src/src-out"), "json")
    assert found.rels == expected and found.missing == []
    assert all(Path(found.path(rel)).is_file() for rel in found.rels)


def test_discover_glob_and_clashing_outputs(tmp_path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "a.md").write_text("x", encoding="utf-8")
    found = discover([str(tmp_path)], "*.md", tmp_path / "out", "yaml")
    assert found.rels == ["a.md"] and found.root == str(tmp_path)
    with pytest.raises(BatchUsageError, match="would both be written to a.yaml"):
        discover([str(tmp_path)], "*", tmp_path / "out", "yaml")


@pytest.mark.parametrize("rel, fmt, expected", [
    ("a.txt", "json", "a.json"),
    ("sub/a.b.txt", "yaml", "sub/a.b.yaml"),
    ("sub.d/README", "json", "sub.d/README.json"),
    ("a.txt", "jsonl", ".sj-parts/a.jsonl"),
])
def test_output_name(rel, fmt, expected):
    assert output_name(rel, fmt) == expected


def test_summary_line():
    summary = Summary(notices=10, ok=6, warnings=2, failed=1, skipped=1, elapsed=2.0)
    assert summary.line() == ("sj batch: 10 notices: 6 ok, 2 with warnings, 1 failed, 1 unchanged; "
                              "2.00 s, 5.0 notices/s; which ones: --report FILE")
    assert Summary(notices=4, skipped=4, elapsed=2.0).line() == (
        "sj batch: 4 notices: 0 ok, 0 with warnings, 0 failed, 4 unchanged; 2.00 s, 2.0 notices/s")
    stopped = Summary(notices=10, ok=6, stopped="out: no space left on device")
    assert stopped.line() == ("sj: error: out: no space left on device (4 of 10 notices not done; "
                              "run sj batch again to resume)")
    summary.interrupted, summary.ok = True, 2
    assert summary.line().startswith("sj batch: interrupted with 4 of 10 notices not done "
                                     "(run it again to resume): 2 ok, ")


@pytest.mark.parametrize("notices, size", [(1020, 16), (200, 12), (17, 1), (0, 1)])
def test_chunks_are_large_for_a_large_batch_and_spread_a_small_one(notices, size):
    # 4 chunks in flight (2 workers): a small batch still gives every worker work.
    assert chunk_size(notices, 4, 16) == size


def test_the_summary_counts_notices_with_unread_roster_or_duty_text(tmp_path, run_sj):
    """Silence is a bug: a batch says how many records left roster or duty text unread."""
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    head = "关于成立某县“双减”工作领导小组的通知\n各乡镇：\n决定成立某县“双减”工作领导小组。\n一、组织机构\n组长：张三 县长\n"
    (src / "read.txt").write_text(head + "副组长：李四 副县长\n", encoding="utf-8")
    (src / "unread.txt").write_text(head + "成员由各单位推荐，副组长：王五同志，另行通知。\n", encoding="utf-8")
    for _ in range(2):   # the second run takes the codes from the manifest
        code, _, err = run_sj("batch", str(src), "-o", str(out), "-f", "json")
        assert code == 0 and "(1 with unread roster or duty text)" in err, err
