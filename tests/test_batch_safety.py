"""sj batch never writes, renames or deletes outside OUTDIR, and a full, read-only or
unwritable disk stops it with one line, exit 1, its books true, and a re-run completes it.

Each escape is planted, then everything outside OUTDIR (bytes, inode, mtime of every file
and link) is compared before and after the batch. Disk errors are mocked at the write (so CI
always runs them) and, where this machine lets root mount one, met for real on a small tmpfs.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES, run_cli as sj
from shuangjian_parse import batch, files
from shuangjian_parse.batch import (JSONL_FILE, MANIFEST, PARTS_DIR, TMP_DIR, LinkRefused, OutputTree,
                                    is_inside, output_name, stamp_of)

SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))


@pytest.fixture
def run_sj(monkeypatch, capsys):
    return lambda *args: sj(monkeypatch, capsys, *args)


def make_src(src: Path) -> list[str]:
    """The samples under src/ and src/more/: their relative paths."""
    rels = []
    for folder in ("", "more"):
        for sample in SAMPLE_FILES:
            rel = f"{folder}/{sample.name}".lstrip("/")
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(sample, src / rel)
            rels.append(rel)
    return sorted(rels)


def snapshot(root: Path, skip: Path) -> dict[str, tuple]:
    """Every file, folder and link under root but `skip`: what it is, holds, and which inode."""
    seen = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if Path(dirpath, d) != skip]
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            info = path.lstat()
            content = (os.readlink(path) if path.is_symlink() else
                       path.read_bytes() if path.is_file() else None)
            seen[str(path.relative_to(root))] = (info.st_mode, info.st_ino, info.st_mtime_ns, content)
    return seen


def outputs(out: Path) -> dict[str, bytes]:
    """OUTDIR's outputs (relative path -> bytes), without the manifest."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != MANIFEST}


def manifest_lines(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / MANIFEST).read_text(encoding="utf-8").splitlines()]


def manifest_line(rel: str, output: str, fmt: str = "json") -> str:
    return json.dumps({"input": rel, "sha256": "00" * 32, "sj": "0.1.0", "grammar": "x", "format": fmt,
                       "output": output, "status": "ok"}) + "\n"


def assert_books_true(src: Path, out: Path) -> None:
    """Every manifest line names a whole output, the very file written then, of the input's bytes."""
    for e in manifest_lines(out):
        target = out / e["output"]
        assert target.is_file() and not target.is_symlink(), e
        assert stamp_of(target.stat()) == e["stamp"], e
        assert hashlib.sha256((src / e["input"]).read_bytes()).hexdigest() == e["sha256"], e
        if e["format"] == "json":
            json.loads(target.read_text(encoding="utf-8"))
    assert not (out / TMP_DIR).exists()


# --- escapes ------------------------------------------------------------------------------------

@pytest.mark.parametrize("planted", ["../victim.txt", "ABSOLUTE", "../../victim.json", "more/../../victim.txt"])
def test_a_manifest_line_pointing_outside_is_ignored_and_nothing_is_deleted(tmp_path, run_sj, planted):
    """Must show: a crafted manifest whose output is outside OUTDIR, and an input that now fails."""
    src, out, victim = tmp_path / "src", tmp_path / "out", tmp_path / "victim.txt"
    make_src(src)
    (src / "bad.txt").write_bytes(b"")              # fails: its "old output" would be deleted
    victim.write_text("precious\n", encoding="utf-8")
    (tmp_path / "victim.json").write_text("precious too\n", encoding="utf-8")
    output = str(victim) if planted == "ABSOLUTE" else planted
    out.mkdir()
    rel = "../bad.txt" if planted == "../../victim.json" else "bad.txt"   # consistent with output_name
    (out / MANIFEST).write_text(manifest_line(rel, output) + manifest_line("bad.txt", output),
                                encoding="utf-8")
    before = snapshot(tmp_path, skip=out)
    code, _, err = run_sj("batch", str(src), "-o", str(out), "-f", "json", "--workers", "1")
    assert code == 1
    assert f"sj: warning: {out / MANIFEST}: ignored 2 line(s) whose output is not the one sj writes " \
           f"for their input inside OUTDIR (first: {output!r})" in err.splitlines()
    assert "sj: error: bad.txt: empty file" in err
    assert snapshot(tmp_path, skip=out) == before
    assert all(e["input"] != "bad.txt" for e in manifest_lines(out))


def test_a_symlinked_subfolder_gets_no_output_and_loses_nothing(tmp_path, run_sj):
    """Must show: OUTDIR/more -> a folder outside; old output 'there' of an input that now fails."""
    src, out, elsewhere = tmp_path / "src", tmp_path / "out", tmp_path / "elsewhere"
    rels = make_src(src)
    elsewhere.mkdir()
    first = SAMPLE_FILES[0].name
    (elsewhere / output_name(first, "json")).write_text("precious\n", encoding="utf-8")
    out.mkdir()
    (out / "more").symlink_to(elsewhere, target_is_directory=True)
    (src / "more" / first).write_bytes(b"")     # fails: its manifest's output is more/<first>.json
    (out / MANIFEST).write_text(manifest_line(f"more/{first}", output_name(f"more/{first}", "json")),
                                encoding="utf-8")
    before = snapshot(tmp_path, skip=out)
    code, _, err = run_sj("batch", str(src), "-o", str(out), "-f", "json", "--workers", "2")
    assert code == 1
    assert snapshot(tmp_path, skip=out) == before
    refused = [rel for rel in rels if rel.startswith("more/") and rel != f"more/{first}"]
    for rel in refused:
        assert (f"sj: error: {rel}: {out / 'more'} is a symbolic link; sj writes nothing through a link "
                "(remove it, or choose another OUTDIR)") in err.splitlines()
    assert (out / "more").is_symlink()
    written = outputs(out)
    assert sorted(written) == sorted(output_name(rel, "json") for rel in rels if "/" not in rel)
    assert {e["input"] for e in manifest_lines(out)} == {rel for rel in rels if "/" not in rel}


@pytest.mark.parametrize("fmt, name", [("jsonl", PARTS_DIR), ("json", TMP_DIR), ("jsonl", TMP_DIR)])
def test_sj_folders_planted_as_links_are_replaced_and_say_so(tmp_path, run_sj, fmt, name):
    """Must show: .sj-parts or .sj-tmp as a symbolic link to a folder outside OUTDIR."""
    src, out, elsewhere = tmp_path / "src", tmp_path / "out", tmp_path / "elsewhere"
    rels = make_src(src)
    whole = tmp_path / "whole"
    assert run_sj("batch", str(src), "-o", str(whole), "-f", fmt)[0] == 0
    elsewhere.mkdir()
    (elsewhere / "keep.jsonl").write_text("precious\n", encoding="utf-8")
    (elsewhere / "more").mkdir()
    out.mkdir()
    (out / name).symlink_to(elsewhere, target_is_directory=True)
    before = snapshot(tmp_path, skip=out)
    code, _, err = run_sj("batch", str(src), "-o", str(out), "-f", fmt, "--workers", "2")
    assert code == 0, err
    assert (f"sj: warning: {out / name} was a symbolic link; removed it "
            "(sj writes nothing through a link)") in err.splitlines()
    assert snapshot(tmp_path, skip=out) == before
    assert outputs(out) == outputs(whole)
    assert not (out / name).is_symlink()
    assert len(manifest_lines(out)) == len(rels)


def test_links_at_an_output_or_the_manifest_are_replaced_not_followed(tmp_path, run_sj):
    src, out, victim = tmp_path / "src", tmp_path / "out", tmp_path / "victim.txt"
    rels = make_src(src)
    victim.write_text("precious\n", encoding="utf-8")
    out.mkdir()
    (out / output_name(rels[0], "json")).symlink_to(victim)
    (out / MANIFEST).symlink_to(victim)
    before = snapshot(tmp_path, skip=out)
    code, _, err = run_sj("batch", str(src), "-o", str(out), "-f", "json")
    assert code == 0, err
    assert f"sj: warning: {out / MANIFEST} is a symbolic link; not read, and replaced by a file" in err
    assert snapshot(tmp_path, skip=out) == before
    assert not (out / output_name(rels[0], "json")).is_symlink()
    assert_books_true(src, out)


def test_a_link_planted_while_a_batch_runs_is_not_followed(tmp_path):
    """The walk is by directory fd with O_NOFOLLOW: a check-then-use race has nothing to win."""
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    (out / TMP_DIR).mkdir(parents=True)
    elsewhere.mkdir()
    tree = OutputTree(str(out))
    tree.attach_tmp()
    try:
        tree.write("sub/a.json", "1\n")
        shutil.rmtree(out / "sub")
        (out / "sub").symlink_to(elsewhere, target_is_directory=True)
        with pytest.raises(LinkRefused) as refused:
            tree.write("sub/a.json", "2\n")
        assert refused.value.rel == "sub" and refused.value.link
        tree.remove("sub/a.json")
        assert tree.stamp("sub/a.json") is None
        with pytest.raises(LinkRefused):
            tree.open("sub/a.json", os.O_RDONLY)
        (elsewhere / "a.json").write_text("precious\n", encoding="utf-8")
        tree.remove("sub/a.json")
        with pytest.raises(LinkRefused):
            tree.write("../elsewhere/b.json", "x")
    finally:
        tree.close()
    assert sorted(os.listdir(elsewhere)) == ["a.json"]


@pytest.mark.parametrize("rel, inside", [
    ("a.json", True), ("sub/a.b.json", True), (".sj-parts/a.jsonl", True),
    ("../a.json", False), ("/etc/passwd", False), ("a//b.json", False), ("./a.json", False),
    ("a/..", False), ("", False), ("a\0b", False),
])
def test_is_inside(rel, inside):
    assert is_inside(rel) is inside


# --- disk full, read-only, no permission: mocked at the write -------------------------------------

class InlinePool:
    """LocalPool's interface, converting in this process (so that a mocked write applies to the
    workers' side too). `needs_bytes=False`: it writes the outputs itself, as a worker does."""

    chunk_size = 4
    window = 2

    def __init__(self, workers, grammar_dir, max_bytes, out_dir, needs_bytes=False) -> None:
        self.grammar_dir, self.max_bytes, self.out_dir = grammar_dir, max_bytes, str(out_dir)
        self.needs_bytes = needs_bytes

    def imap_unordered(self, chunks):
        for chunk in chunks:
            yield batch.convert_chunk(chunk, self.grammar_dir, self.max_bytes,
                                      None if self.needs_bytes else self.out_dir)

    def close(self, cancel=False) -> None:
        for tree in batch._WORKER_TREES.values():
            tree.close()
        batch._WORKER_TREES.clear()


def fail_at(monkeypatch, code: int, where: str) -> None:
    """Make one write of the batch raise OSError(code): the manifest's rewrite (the first
    write of a batch), the 4th output, the 4th manifest line, or the copy into notices.jsonl."""
    if where == "jsonl join":
        def copy(source, target, *args):
            raise OSError(code, os.strerror(code))
        monkeypatch.setattr(batch.shutil, "copyfileobj", copy)
        return
    real = files.write_all
    count = {"writes": 0, "lines": 0}

    def write_all(fd: int, data: bytes) -> None:
        if os.readlink(f"/proc/self/fd/{fd}").endswith(MANIFEST):   # an appended line
            count["lines"] += 1
            fail = where == "manifest line" and count["lines"] == 4
        else:
            count["writes"] += 1
            fail = count["writes"] == {"manifest rewrite": 1, "output": 5}.get(where)
        if fail:
            raise OSError(code, os.strerror(code))
        real(fd, data)

    monkeypatch.setattr(files, "write_all", write_all)
    monkeypatch.setattr(batch, "write_all", write_all)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """The outputs of an uninterrupted batch of make_src's notices, by format."""
    src = tmp_path_factory.mktemp("src")
    make_src(src)
    found = {}
    for fmt in ("json", "jsonl"):
        whole = tmp_path_factory.mktemp(f"whole-{fmt}")
        done = subprocess.run([sys.executable, "-m", "shuangjian_parse", "batch", str(src), "-o",
                               str(whole), "-f", fmt], capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 0, done.stderr
        found[fmt] = outputs(whole)
    return found


@pytest.mark.parametrize("pool", ["worker writes", "parent writes"])
@pytest.mark.parametrize("code, reason", [(errno.ENOSPC, "no space left on device"),
                                          (errno.EROFS, "read-only file system"),
                                          (errno.EACCES, "permission denied")])
@pytest.mark.parametrize("where", ["output", "manifest line", "manifest rewrite", "jsonl join"])
def test_a_disk_error_is_one_line_exit_1_and_a_rerun_completes(tmp_path, run_sj, monkeypatch,
                                                                 uninterrupted, pool, code, reason, where):
    """Must show: ENOSPC, EROFS, EACCES at each kind of write: one line, exit 1, the manifest
    naming only whole outputs, no .sj-tmp, and a re-run ending as an uninterrupted batch."""
    src, out = tmp_path / "src", tmp_path / "out"
    rels = make_src(src)
    fmt = "jsonl" if where == "jsonl join" else "json"
    inline = lambda *a: InlinePool(*a, needs_bytes=pool == "parent writes")  # noqa: E731
    monkeypatch.setattr(batch, "LocalPool", inline)
    fail_at(monkeypatch, code, where)
    code_, _, err = run_sj("batch", str(src), "-o", str(out), "-f", fmt)
    assert code_ == 1, err
    assert err.startswith(f"sj: error: {out}: {reason} (") and err.count("\n") == 1, err
    assert err.endswith(" notices not done; run sj batch again to resume)\n")
    assert not (out / TMP_DIR).exists()
    assert not (out / JSONL_FILE).exists()
    if where != "manifest rewrite":
        assert_books_true(src, out)
    monkeypatch.undo()
    monkeypatch.setattr(batch, "LocalPool", inline)
    code_, _, err = run_sj("batch", str(src), "-o", str(out), "-f", fmt)
    assert code_ == 0, err
    assert outputs(out) == uninterrupted[fmt]
    assert_books_true(src, out)
    assert sorted(e["input"] for e in manifest_lines(out)) == rels


def test_an_unwritable_outdir_is_one_line_before_any_work(tmp_path, run_sj, monkeypatch):
    real_mkdir = os.mkdir

    def mkdir(path, *args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr(batch.os, "mkdir", mkdir)
    monkeypatch.setattr(batch.Path, "mkdir", lambda self, **kw: real_mkdir(self))
    out = tmp_path / "out"
    code, _, err = run_sj("batch", str(SAMPLES), "-o", str(out))
    assert (code, err) == (1, f"sj: error: {out}: read-only file system\n")


# --- the real thing: a small tmpfs, full, then read-only -------------------------------------------

def _mount(mountpoint: Path, options: str) -> bool:
    if sys.platform != "linux" or os.geteuid() != 0 or not shutil.which("mount"):
        return False
    mountpoint.mkdir(exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mountpoint)],
                          capture_output=True)
    return done.returncode == 0


@pytest.fixture
def tmpfs(tmp_path):
    mountpoint = tmp_path / f"tmpfs-{uuid.uuid4().hex[:8]}"
    if not _mount(mountpoint, "size=64k,mode=0755"):
        pytest.skip("cannot mount a tmpfs here (needs root on Linux)")
    yield mountpoint
    subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def _sj_batch(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "shuangjian_parse", "batch", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_a_full_then_read_only_tmpfs_is_one_line_and_a_rerun_is_identical(tmp_path, tmpfs):
    """Must show: on a real file system that fills up, then turns read-only: one line, exit 1,
    the books true; after space is freed, `diff -r` finds nothing between the two OUTDIRs."""
    src, whole = tmp_path / "src", tmp_path / "whole"
    rels = make_src(src)
    done = _sj_batch(str(src), "-o", str(whole), "-f", "json", "--workers", "2")
    assert done.returncode == 0, done.stderr
    size = sum(len(b) for b in outputs(whole).values())
    out = tmpfs / "out"
    subprocess.run(["mount", "-o", f"remount,size={max(16384, size // 2)}", str(tmpfs)], check=True)
    full = _sj_batch(str(src), "-o", str(out), "-f", "json", "--workers", "2")
    assert full.returncode == 1, full.stderr
    assert full.stderr.splitlines() == [full.stderr.rstrip("\n")]
    assert full.stderr.startswith(f"sj: error: {out}: no space left on device ("), full.stderr
    assert_books_true(src, out)
    written = len(manifest_lines(out))
    assert written < len(rels)

    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    before = snapshot(tmpfs, skip=tmpfs / "nothing")
    read_only = _sj_batch(str(src), "-o", str(out), "-f", "json", "--workers", "2")
    assert read_only.returncode == 1
    assert read_only.stderr == f"sj: error: {out}: read-only file system\n"
    assert snapshot(tmpfs, skip=tmpfs / "nothing") == before

    subprocess.run(["mount", "-o", f"remount,rw,size={4 * size + 65536}", str(tmpfs)], check=True)
    again = _sj_batch(str(src), "-o", str(out), "-f", "json", "--workers", "2")
    assert again.returncode == 0, again.stderr
    assert f"{written} unchanged" in again.stderr
    diff = subprocess.run(["diff", "-r", "-x", MANIFEST, str(whole), str(out)], capture_output=True, text=True)
    assert (diff.returncode, diff.stdout) == (0, "")
    assert_books_true(src, out)


def test_a_full_disk_under_the_tables_names_the_database(tmp_path, tmpfs, run_sj):
    db = tmpfs / "sj.sqlite"
    code, _, err = run_sj("batch", str(SAMPLES), "-o", str(tmp_path / "out"), "--sqlite", str(db))
    assert code == 1
    assert err.startswith(f"sj: error: {db}: no space left on device (") and err.count("\n") == 1, err
    assert os.listdir(tmpfs) == []   # no half database, no temporary file
