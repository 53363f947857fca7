"""`sj batch`: convert many notices at once, fast, resumable and safe to interrupt.

    summary = run_batch(BatchOptions(inputs=["corpus/"], out_dir=Path("out"), fmt="json"))
    summary.ok, summary.failed  # (1018, 2)

- discover(): the input files (directories recursively, `--glob`), as paths relative to
  the input root; that path is the record's `source.path` and names the output in OUTDIR.
- Manifest: OUTDIR/.sj-manifest.jsonl, one line per converted input (sha256, sj version,
  grammar digest, format → output and the output file's stamp), appended as each completes;
  a re-run skips inputs whose line still matches, so a killed run resumes where it stopped.
- OutputTree: every write, rename and delete below OUTDIR goes from OUTDIR's directory fd a
  folder at a time with O_NOFOLLOW, so nothing lands outside it; a full, read-only or
  unwritable disk stops the batch (DiskError: one line, exit 1) with the books true.
- LocalPool: worker processes, each with its Parser built once, fed small chunks of paths (a
  bounded number in flight, so memory stays flat); each worker reads, hashes, parses, renders
  and writes its outputs atomically (files.write_atomic), and
  the parent keeps the books. `--scheduler` swaps in cluster.DaskPool, whose workers get the
  bytes and send the text back for the parent to write.
"""
from __future__ import annotations

import errno
import gc
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import stat
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, TextIO

from . import __version__
from .errors import InputError
from .files import create_temp, read_input, remove_quietly, write_all, write_atomic

FORMATS = ("yaml", "json", "jsonl")
MANIFEST = ".sj-manifest.jsonl"
TMP_DIR = ".sj-tmp"          # temporary files; deleted at the end and at the start of every run
PARTS_DIR = ".sj-parts"      # jsonl: one line per notice, joined into JSONL_FILE at the end
JSONL_FILE = "notices.jsonl"
OK, WARNINGS, FAILED, UNCHANGED = "ok", "warnings", "failed", "unchanged"
DEFAULT_GLOB = "*.txt"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class BatchUsageError(Exception):
    """A batch that cannot start: `BatchUsageError("out/ is in use by another sj batch")`."""


@dataclass(frozen=True)
class BatchOptions:
    """What `sj batch` was asked to do; see `sj batch --help`."""

    inputs: list[str]
    out_dir: Path
    fmt: str = "yaml"
    pattern: str | tuple[str, ...] = DEFAULT_GLOB   # several: a file matching any is taken
    workers: Optional[int] = None
    force: bool = False
    scheduler: Optional[str] = None
    sqlite: Optional[Path] = None
    csv_dir: Optional[Path] = None
    xlsx: Optional[Path] = None
    csv_bom: bool = True
    grammar_dir: Optional[str] = None
    max_bytes: int = DEFAULT_MAX_BYTES
    report: Optional[Path] = None


@dataclass
class Summary:
    """Counts of one batch run: `Summary(notices=1020, ok=1002, warnings=16, failed=2)`."""

    notices: int = 0
    ok: int = 0
    warnings: int = 0
    failed: int = 0
    skipped: int = 0
    errors: int = 0        # notices with an error-severity diagnostic
    unread: int = 0        # notices whose roster or duties text was not all read (UNREAD codes)
    elapsed: float = 0.0
    interrupted: bool = False
    stopped: Optional[str] = None   # why the batch stopped: "out: no space left on device"
    report: Optional[str] = None    # the --report file written
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def converted(self) -> int:
        return self.ok + self.warnings

    @property
    def left(self) -> int:
        return self.notices - self.converted - self.failed - self.skipped

    def line(self) -> str:
        """`sj batch: 1020 notices: 1002 ok, 16 with warnings (5 with unread roster or duty
        text), 2 failed, 0 unchanged; 2.10 s, 485.7 notices/s; listed with --report FILE`. The
        rate counts every notice dealt with, unchanged ones too (a re-run of an unchanged batch
        is not 0 notices/s). Unread text: a record with SJ302, SJ307 or SJ403 (diagnostics.UNREAD)."""
        if self.stopped is not None:
            if not self.notices:
                return f"sj: error: {self.stopped}"
            return (f"sj: error: {self.stopped} ({self.left} of {self.notices} notices not done; "
                    "run sj batch again to resume)")
        handled = self.converted + self.failed + self.skipped
        rate = handled / self.elapsed if self.elapsed > 0 else 0.0
        unread = f" ({self.unread} with unread roster or duty text)" if self.unread else ""
        counts = (f"{self.ok} ok, {self.warnings} with warnings{unread}, {self.failed} failed, "
                  f"{self.skipped} unchanged; {self.elapsed:.2f} s, {rate:.1f} notices/s")
        if self.interrupted:
            return (f"sj batch: interrupted with {self.left} of {self.notices} notices not done "
                    f"(run it again to resume): {counts}")
        if self.report is not None:
            counts += f"; each notice's status in {self.report}"
        elif self.warnings or self.failed:
            counts += "; which ones: --report FILE"
        return f"sj batch: {self.notices} notices: {counts}"


# --- discovery ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Inputs:
    """The batch's input files: `Inputs(root="/data/in", rels=["a.txt", "sub/b.txt"], missing=[])`.

    `rels[key - 1]` is the input of notice `key`: its path relative to `root`, '/'-separated,
    which is also the record's source.path. Plain strings, so that 100,000 inputs cost a few MB.
    """

    root: str
    rels: list[str]
    missing: list[tuple[str, str]]   # (input as given, reason)

    def path(self, rel: str) -> str:
        return os.path.join(self.root, rel)


def output_name(rel: str, fmt: str) -> str:
    """Where an input's output goes in OUTDIR: `output_name("sub/a.txt", "json") == "sub/a.json"`."""
    stem, dot, suffix = rel.rpartition(".")
    base = stem if dot and "/" not in suffix else rel
    if fmt == "jsonl":
        return f"{PARTS_DIR}/{base}.jsonl"
    return f"{base}.{fmt}"


def discover(inputs: Iterable[str], pattern: str | tuple[str, ...], out_dir: Path, fmt: str) -> Inputs:
    """The input files, sorted by relative path, and the inputs that do not exist.

    Directories are searched recursively for file names matching `pattern`, skipping hidden
    files and directories and OUTDIR itself; files given by name are always taken. Paths are
    relative to the deepest directory holding every input (a single directory: itself).
    """
    out_abs = os.path.abspath(out_dir)
    patterns = (pattern,) if isinstance(pattern, str) else pattern
    files: dict[str, None] = {}
    roots: list[str] = []
    missing: list[tuple[str, str]] = []
    for given in inputs:
        path = os.path.abspath(given)
        if os.path.isdir(path):
            roots.append(path)
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = [d for d in dirnames if not d.startswith(".")
                               and os.path.join(dirpath, d) != out_abs]
                for name in filenames:
                    if not name.startswith(".") and any(fnmatch(name, p) for p in patterns):
                        files[os.path.join(dirpath, name)] = None
        elif os.path.lexists(path):
            roots.append(os.path.dirname(path))
            files[path] = None
        else:
            missing.append((given, "no such file or directory"))
    root = os.path.commonpath(roots) if roots else os.getcwd()
    rels = sorted(Path(os.path.relpath(path, root)).as_posix() for path in files)
    del files
    outputs: dict[str, str] = {}
    for rel in rels:
        output = output_name(rel, fmt)
        if output in outputs:
            raise BatchUsageError(f"{outputs[output]} and {rel} would both be written to "
                                  f"{output}; narrow --glob or convert them separately")
        outputs[output] = rel
    return Inputs(root, rels, missing)


# --- OUTDIR -------------------------------------------------------------------------------------

# A folder below OUTDIR is opened by name in its parent's fd, never through a symbolic link
# (os.open's fds are not inherited: PEP 446).
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
# What stops a batch: the disk is full (or over quota), read-only, or not ours to write.
DISK_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


class LinkRefused(Exception):
    """A path below OUTDIR goes through a symbolic link (or a file where a folder belongs):
    `LinkRefused("sub")`; sj writes, renames and deletes nothing there."""

    def __init__(self, rel: str, link: bool = True) -> None:
        super().__init__(rel)
        self.rel = rel
        self.link = link


class DiskError(Exception):
    """Writing below OUTDIR (or a table) failed for the whole batch: `DiskError("out", ENOSPC)`."""

    def __init__(self, where: str, code: int) -> None:
        reason = os.strerror(code)
        super().__init__(f"{where}: {reason[:1].lower()}{reason[1:]}")
        self.where = where
        self.code = code


@contextmanager
def writing(where: Any) -> Iterator[None]:
    """Writes to `where` (a table, the report): their disk errors stop the batch, naming it."""
    try:
        yield
    except OSError as exc:
        if exc.errno in DISK_ERRORS:
            raise DiskError(str(where), exc.errno) from None
        raise


def is_inside(rel: str) -> bool:
    """A '/'-separated path that stays below OUTDIR: `is_inside("a/b.json")`, not `../v.txt`,
    `/etc/x` or `a//b` (no empty, `.` or `..` part, no NUL)."""
    return bool(rel) and "\0" not in rel and all(p not in ("", ".", "..") for p in rel.split("/"))


def stamp_of(info: os.stat_result) -> str:
    """Which file an output is: inode and mtime; a file replaced since has another stamp."""
    return f"{info.st_ino}-{info.st_mtime_ns}"


class OutputTree:
    """OUTDIR as a directory fd: every path below it is walked a folder at a time with
    O_NOFOLLOW (openat), so no symbolic link, planted before or during a batch, can send a
    write, a rename or a delete outside OUTDIR. OUTDIR itself may be a link the user chose."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
        self.tmp_fd: Optional[int] = None
        self._pid = os.getpid()

    def attach_tmp(self) -> None:
        self.tmp_fd = os.open(TMP_DIR, _DIR_FLAGS, dir_fd=self.fd)

    def _parent(self, rel: str, create: bool) -> tuple[int, str]:
        """The fd of the folder holding `rel` (the caller closes it unless it is self.fd) and
        the last name; LinkRefused when a folder on the way is a link or not a folder."""
        if not is_inside(rel):
            raise LinkRefused(rel, link=False)
        *folders, name = rel.split("/")
        fd = self.fd
        try:
            for depth, folder in enumerate(folders):
                try:
                    child = os.open(folder, _DIR_FLAGS, dir_fd=fd)
                except FileNotFoundError:
                    if not create:
                        raise
                    try:
                        os.mkdir(folder, dir_fd=fd)
                    except FileExistsError:   # made by another worker meanwhile, or a dangling link
                        pass
                    child = os.open(folder, _DIR_FLAGS, dir_fd=fd)
                except OSError as exc:
                    if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
                        raise
                    link = stat.S_ISLNK(os.lstat(folder, dir_fd=fd).st_mode)
                    raise LinkRefused("/".join(folders[:depth + 1]), link) from None
                if fd != self.fd:
                    os.close(fd)
                fd = child
        except BaseException:
            if fd != self.fd:
                os.close(fd)
            raise
        return fd, name

    def _release(self, fd: int) -> None:
        if fd != self.fd:
            os.close(fd)

    def write(self, rel: str, text: str) -> str:
        """Write OUTDIR/rel whole or not at all, making its folders; its stamp.

        A file that must be renamed into place is first written to OUTDIR/.sj-tmp, which every
        run empties first: even a kill -9 between the write and the rename leaves nothing that
        looks like an output."""
        fd, name = self._parent(rel, create=True)
        try:
            return stamp_of(write_atomic(name, text, dir_fd=fd, tmp_dir_fd=self.tmp_fd))
        finally:
            self._release(fd)

    def stamp(self, rel: str) -> Optional[str]:
        """The stamp of the regular file OUTDIR/rel; None when there is none (or a link)."""
        try:
            fd, name = self._parent(rel, create=False)
        except (OSError, LinkRefused):
            return None
        try:
            info = os.stat(name, dir_fd=fd, follow_symlinks=False)
        except OSError:
            return None
        finally:
            self._release(fd)
        return stamp_of(info) if stat.S_ISREG(info.st_mode) else None

    def remove(self, rel: str) -> None:
        """Remove OUTDIR/rel if it is there; nothing through a link, nothing outside."""
        try:
            fd, name = self._parent(rel, create=False)
        except (OSError, LinkRefused):
            return
        try:
            remove_quietly(name, dir_fd=fd)
        finally:
            self._release(fd)

    def open(self, rel: str, flags: int) -> int:
        """os.open OUTDIR/rel without following a link anywhere on the way."""
        fd, name = self._parent(rel, create=False)
        try:
            return os.open(name, flags | os.O_NOFOLLOW, 0o666, dir_fd=fd)
        finally:
            self._release(fd)

    def close(self) -> None:
        for fd in (self.tmp_fd, self.fd):
            if fd is not None:
                os.close(fd)
        self.tmp_fd = None


_WORKER_TREES: dict[str, OutputTree] = {}


def worker_tree(root: str) -> OutputTree:
    """A worker's own OutputTree of OUTDIR (opened once per process)."""
    tree = _WORKER_TREES.get(root)
    if tree is None or tree._pid != os.getpid():
        tree = _WORKER_TREES[root] = OutputTree(root)
        tree.attach_tmp()
    return tree


class OutputDir(OutputTree):
    """OUTDIR, locked for one batch at a time; every file lands whole or not at all.

    `.sj-tmp` and `.sj-parts` are sj's: a link (or a file) there is removed, not followed,
    and `warn` says so."""

    def __init__(self, root: Path, warn: Callable[[str], None]) -> None:
        root.mkdir(parents=True, exist_ok=True)
        super().__init__(str(root))
        try:
            _lock_dir(self.fd, root)
            for name in (TMP_DIR, PARTS_DIR):
                try:
                    info = os.lstat(name, dir_fd=self.fd)
                except FileNotFoundError:
                    continue
                if not stat.S_ISDIR(info.st_mode):
                    os.unlink(name, dir_fd=self.fd)
                    what = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a folder"
                    warn(f"sj: warning: {os.path.join(self.root, name)} was {what}; removed it "
                         "(sj writes nothing through a link)")
            self._remove_tmp(strict=True)   # left by a killed run
            os.mkdir(TMP_DIR, dir_fd=self.fd)
            self.attach_tmp()
        except BaseException:
            OutputTree.close(self)
            raise

    def _remove_tmp(self, strict: bool = False) -> None:
        # rmtree's fd-based walk follows no link below .sj-tmp, itself checked above to be a folder
        try:
            shutil.rmtree(os.path.join(self.root, TMP_DIR))
        except FileNotFoundError:
            pass
        except OSError:
            if strict:
                raise

    def lines(self, rel: str) -> Iterator[str]:
        """The lines of OUTDIR/rel (undecodable bytes replaced); FileNotFoundError, LinkRefused,
        or OSError(ELOOP) for a link."""
        fd = self.open(rel, os.O_RDONLY)
        with open(fd, encoding="utf-8", errors="replace") as handle:
            yield from handle

    def join(self, rel: str, parts: Iterable[str]) -> None:
        """Concatenate the files `parts` (relative to OUTDIR) into OUTDIR/rel, atomically."""
        assert self.tmp_fd is not None
        fd, tmp = create_temp("", suffix=".tmp", dir_fd=self.tmp_fd)
        try:
            with open(fd, "wb") as out:
                for part in parts:
                    with open(self.open(part, os.O_RDONLY), "rb") as handle:
                        shutil.copyfileobj(handle, out)
            os.replace(tmp, rel, src_dir_fd=self.tmp_fd, dst_dir_fd=self.fd)
        except BaseException:
            remove_quietly(tmp, dir_fd=self.tmp_fd)
            raise

    def close(self) -> None:
        if self.tmp_fd is not None:
            self._remove_tmp()
        super().close()   # closing the fd releases the lock


def _lock_dir(fd: int, path: Path) -> None:
    """An exclusive lock on OUTDIR's fd (released by the kernel if the process dies)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no locking
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise BatchUsageError(f"{path} is in use by another sj batch") from None


# --- the manifest -----------------------------------------------------------------------------

class Manifest:
    """OUTDIR/.sj-manifest.jsonl: what each output was made from, one JSON line per input.

    `{"input": "sub/a.txt", "sha256": "…", "sj": "0.1.0", "grammar": "…", "format": "json",
    "output": "sub/a.json", "status": "warnings", "codes": "SJ301", "stamp": "…"}`. The last
    line of an input wins. Lines are appended as outputs are written, so a kill loses at most
    the work in flight; a half-written last line is ignored. A line is trusted only for the
    output sj would write for its input (never a path outside OUTDIR), and only while that
    output is the very file written then (`stamp`: its inode and mtime).
    """

    def __init__(self, out: OutputDir, warn: Callable[[str], None]) -> None:
        self.out = out
        # input -> (sha256 as bytes, sj version, grammar digest, format, output, status, codes,
        # stamp); the repeated strings are interned: 100,000 lines cost about 35 MB.
        self.entries: dict[str, tuple] = {}
        self._fd: Optional[int] = None
        self._size = 0
        shown = os.path.join(out.root, MANIFEST)
        refused: list[str] = []
        try:
            for line in out.lines(MANIFEST):
                try:
                    e = json.loads(line)
                    rel, output, fmt = e["input"], e["output"], e["format"]
                    if not (isinstance(rel, str) and is_inside(rel) and fmt in FORMATS
                            and output == output_name(rel, fmt)):
                        refused.append(str(output))
                        continue
                    self.entries[rel] = (
                        bytes.fromhex(e["sha256"]), sys.intern(e["sj"]), sys.intern(e["grammar"]),
                        sys.intern(fmt), output, sys.intern(e.get("status", OK)),
                        sys.intern(e.get("codes", "")), e.get("stamp"))
                except (ValueError, KeyError, TypeError, AttributeError):
                    continue
        except FileNotFoundError:
            pass
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            warn(f"sj: warning: {shown} is a symbolic link; not read, and replaced by a file")
        if refused:
            warn(f"sj: warning: {shown}: ignored {len(refused)} line(s) whose output is not the "
                 f"one sj writes for their input inside OUTDIR (first: {refused[0]!r})")

    def open(self) -> None:
        """Rewrite the manifest without stale or broken lines, then open it for appending."""
        self.entries = {rel: e for rel, e in self.entries.items() if self.out.stamp(e[4]) is not None}
        self.out.write(MANIFEST, "".join(_manifest_line(rel, e[0].hex(), *e[1:])
                                         for rel, e in self.entries.items()))
        self._fd = self.out.open(MANIFEST, os.O_WRONLY | os.O_APPEND)
        self._size = os.fstat(self._fd).st_size

    def known(self, rel: str, output: str, grammar: str, fmt: str) -> Optional[str]:
        """The sha256 `rel`'s output was made from, if this sj, grammar and format made it and
        it is still the file written then: an input that still hashes to it need not be
        converted again."""
        e = self.entries.get(rel)
        if (e is not None and e[1:5] == (__version__, grammar, fmt, output)
                and e[7] is not None and self.out.stamp(output) == e[7]):
            return e[0].hex()
        return None

    def record(self, rel: str, output: str, sha256: str, grammar: str, fmt: str, status: str,
               codes: str, stamp: Optional[str]) -> None:
        """Append one line, whole: a write that fails (a full disk) is cut off again."""
        assert self._fd is not None
        data = _manifest_line(rel, sha256, __version__, grammar, fmt, output, status, codes,
                              stamp).encode("utf-8")
        try:
            write_all(self._fd, data)
        except OSError:
            try:
                os.ftruncate(self._fd, self._size)
            except OSError:
                pass
            raise
        self._size += len(data)

    def forget(self, rel: str) -> None:
        """An input that failed: remove the output an earlier run made of its old content."""
        e = self.entries.pop(rel, None)
        if e is not None:
            self.out.remove(e[4])

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _manifest_line(rel: str, sha256: str, version: str, grammar: str, fmt: str, output: str,
                   status: str, codes: str, stamp: Optional[str]) -> str:
    return json.dumps({"input": rel, "sha256": sha256, "sj": version, "grammar": grammar,
                       "format": fmt, "output": output, "status": status, "codes": codes,
                       "stamp": stamp}, ensure_ascii=False) + "\n"


# --- the work sent to workers ----------------------------------------------------------------

@dataclass(frozen=True)
class Task:
    """One notice to convert. Local workers get its path and write the output themselves;
    Dask workers get its bytes and send the output back (they may share no disk with us)."""

    key: int                          # 1-based rank in the batch: the notice_id of the tables
    rel: str                          # the record's source.path
    output: str                       # relative to OUTDIR
    fmt: str                          # yaml | json | jsonl
    path: Optional[str] = None        # read from here …
    data: Optional[bytes] = None      # … or convert these bytes
    unchanged_if: Optional[str] = None  # the manifest's sha256: if the input still has it, skip
    rows: bool = False                # also return the table rows


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back: how it went, and the output when the parent writes it."""

    key: int
    status: str                       # ok | warnings | failed | unchanged
    sha256: Optional[str] = None
    reason: Optional[str] = None
    text: Optional[str] = None
    rows: Optional[dict[str, list[tuple]]] = None
    errors: bool = False              # an error-severity diagnostic
    codes: str = ""                   # the warning and error codes, "SJ201 SJ301"
    stamp: Optional[str] = None       # of the output the worker wrote (stamp_of)
    disk: Optional[int] = None        # errno of a write that stops the batch (DISK_ERRORS)


def convert(task: Task, grammar_dir: Optional[str], max_bytes: int,
            out_dir: Optional[str] = None) -> Outcome:
    """Parse one notice and render it exactly as `sj parse --format FMT` does; with `out_dir`,
    write the output there (atomically) instead of returning it."""
    from .emit import record_data, render
    from .pipeline import parser_for

    try:
        if task.data is not None:
            data = task.data
        else:
            data = read_input(task.path or task.rel, max_bytes)
        # Hashed here only to skip an unchanged input; otherwise the record's source has it.
        unchanged = (task.unchanged_if is not None
                     and hashlib.sha256(data).hexdigest() == task.unchanged_if)
        if unchanged and not task.rows:
            return Outcome(task.key, UNCHANGED, task.unchanged_if)
        notice = parser_for(grammar_dir).run(data, task.rel, max_bytes).notice
        sha256 = notice.source.sha256
        text = rows = stamp = None
        if not unchanged:
            if task.fmt == "jsonl":
                text = json.dumps(record_data(notice), ensure_ascii=False, separators=(",", ":")) + "\n"
            else:
                text = render(notice, task.fmt)
            if out_dir is not None:
                stamp = worker_tree(out_dir).write(task.output, text)
                text = None
        if task.rows:
            from .tables import notice_rows

            rows = notice_rows(task.key, record_data(notice))
    except InputError as exc:
        return Outcome(task.key, FAILED, reason=exc.reason)
    except LinkRefused as exc:
        return Outcome(task.key, FAILED, reason=refusal(out_dir or "OUTDIR", exc))
    except OSError as exc:
        if exc.errno in DISK_ERRORS:
            return Outcome(task.key, FAILED, reason=exc.strerror, disk=exc.errno)
        return Outcome(task.key, FAILED, reason=f"internal error: {type(exc).__name__}: {exc}")
    except Exception as exc:  # noqa: BLE001 - one bad notice must not stop the batch
        return Outcome(task.key, FAILED, reason=f"internal error: {type(exc).__name__}: {exc}")
    if unchanged:
        return Outcome(task.key, UNCHANGED, sha256, rows=rows)
    flagged = sorted({d.code for d in notice.diagnostics if d.severity in ("warning", "error")})
    return Outcome(task.key, WARNINGS if flagged else OK, sha256, text=text, rows=rows,
                   errors=any(d.severity == "error" for d in notice.diagnostics),
                   codes=" ".join(flagged), stamp=stamp)


def refusal(root: str, exc: LinkRefused) -> str:
    """Why a notice's output was not written: `out/sub is a symbolic link; …`."""
    if not exc.link:
        return f"{os.path.join(root, exc.rel)} is not a folder; its output cannot go there"
    return (f"{os.path.join(root, exc.rel)} is a symbolic link; sj writes nothing through a link "
            "(remove it, or choose another OUTDIR)")


def convert_chunk(tasks: list[Task], grammar_dir: Optional[str], max_bytes: int,
                  out_dir: Optional[str] = None) -> list[Outcome]:
    """convert() each task of a chunk (one round trip to a worker for several notices)."""
    return [convert(task, grammar_dir, max_bytes, out_dir) for task in tasks]


def failed_outcomes(tasks: list[Task], reason: str) -> list[Outcome]:
    return [Outcome(task.key, FAILED, reason=reason) for task in tasks]


def _init_worker(grammar_dir: Optional[str]) -> None:
    """Worker start: build the Parser once; leave Ctrl-C to the parent; die with the parent."""
    from .pipeline import parser_for

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    warm_up(parser_for(grammar_dir))
    parent = os.getppid()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


# A notice that exercises what the parser builds on first use (the jieba tokenizer of glued
# name+post entries): parsing it once per worker keeps that cost out of the first real notice.
_WARM_UP = "关于成立县工作领导小组的通知\n一、组织机构\n组长：王小平县长\n成员：陈芸副县长\n".encode()


def warm_up(parser: Any) -> None:
    """Parse a tiny notice once so that everything built lazily is built now."""
    try:
        parser.run(_WARM_UP, "<warm-up>")
    except Exception:  # noqa: BLE001 - a warm-up failure only costs time later
        pass


def _watch_parent(parent: int) -> None:
    # A killed parent cannot stop its pool: exit instead of waiting forever for work.
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


def default_workers() -> int:
    """The machine's cores (those this process may run on)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class LocalPool:
    """Worker processes on this machine, fed a bounded number of chunks at a time.

    Workers read the inputs and write the outputs themselves: the parent only keeps the books.
    """

    chunk_size = 16       # at most; see chunk_size()
    needs_bytes = False   # workers read the inputs: the parent sends paths

    def __init__(self, workers: int, grammar_dir: Optional[str], max_bytes: int,
                 out_dir: Path) -> None:
        from .pipeline import parser_for

        self.workers = workers
        self.window = 2 * workers
        self.grammar_dir = grammar_dir
        self.max_bytes = max_bytes
        self.out_dir = str(out_dir)
        self._context = _context()
        fork = self._context.get_start_method() == "fork"
        if fork:
            warm_up(parser_for(grammar_dir))   # built once here, inherited by every worker
            # Out of the collector's sight while the workers are forked: they then never write
            # to these objects' pages (no copy-on-write of the parser) and skip them when they
            # collect. The parent takes them back once its workers are running.
            gc.freeze()
        self._pool = self._start()
        for _ in range(workers):   # start the workers now (fork: all of them at the first submit)
            self._pool.submit(os.getpid)
        if fork:
            gc.unfreeze()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=self._context,
                                   initializer=_init_worker, initargs=(self.grammar_dir,))

    def imap_unordered(self, chunks: Iterator[list[Task]]) -> Iterator[list[Outcome]]:
        """Each chunk's outcomes as it completes; at most `window` chunks in flight.

        A worker that dies (a crash, the OOM killer) breaks the pool: it is restarted and the
        chunks in flight are retried one notice at a time; a notice in flight during three
        crashes is reported as failed.
        """
        pending: dict[Any, tuple[list[Task], int]] = {}

        def submit(chunk: list[Task], attempts: int) -> None:
            future = self._pool.submit(convert_chunk, chunk, self.grammar_dir, self.max_bytes,
                                       self.out_dir)
            pending[future] = (chunk, attempts)

        def fill() -> None:
            while len(pending) < self.window:
                chunk = next(chunks, None)
                if chunk is None:
                    return
                submit(chunk, 0)

        fill()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken: list[tuple[list[Task], int]] = []
            for future in done:
                chunk, attempts = pending.pop(future)
                try:
                    outcomes = future.result()
                except BrokenProcessPool:
                    broken.append((chunk, attempts))
                    continue
                except Exception as exc:  # noqa: BLE001
                    outcomes = failed_outcomes(chunk, f"worker error: {type(exc).__name__}: {exc}")
                yield outcomes
            if broken:
                rest = list(pending.items())
                pending.clear()
                wait([future for future, _ in rest])
                for future, (chunk, attempts) in rest:
                    if future.exception() is None:
                        yield future.result()
                    else:
                        broken.append((chunk, attempts))
                self._pool.shutdown(wait=True)
                self._pool = self._start()
                for chunk, attempts in broken:
                    if attempts >= 2:
                        yield failed_outcomes(chunk, "a worker process died converting it")
                        continue
                    for task in chunk:
                        submit([task], attempts + 1)
            fill()

    def close(self, cancel: bool = False) -> None:
        self._pool.shutdown(wait=True, cancel_futures=cancel)


def _context():
    """fork while this process has one thread (fast, and safe then); forkserver otherwise."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["shuangjian_parse.batch", "shuangjian_parse.pipeline"])
        return ctx
    return multiprocessing.get_context("spawn")  # pragma: no cover - Windows


# --- progress and messages on stderr ----------------------------------------------------------

class Reporter:
    """A rich progress bar (count, rate, ETA) when stderr is a terminal; error lines always."""

    def __init__(self, stream: Optional[TextIO] = None, progress: Optional[bool] = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if progress is None else progress
        self._progress = None
        self._task = None

    def start(self, total: int) -> None:
        if not self.enabled or total < 2:
            return
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn,
                                   TextColumn, TimeElapsedColumn, TimeRemainingColumn)
        from rich.text import Text

        class RateColumn(ProgressColumn):
            def render(self, task) -> Text:
                speed = task.finished_speed or task.speed
                return Text(f"{speed:,.0f} notices/s" if speed else "… notices/s")

        self._progress = Progress(TextColumn("sj batch"), BarColumn(), MofNCompleteColumn(),
                                  RateColumn(), TimeElapsedColumn(), TextColumn("ETA"),
                                  TimeRemainingColumn(),
                                  console=Console(file=self.stream, highlight=False),
                                  transient=False)
        self._progress.start()
        self._task = self._progress.add_task("convert", total=total)

    def advance(self, count: int = 1) -> None:
        if self._progress is not None:
            self._progress.advance(self._task, count)

    def message(self, line: str) -> None:
        if self._progress is not None:
            self._progress.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            self.stream.write(line + "\n")
            self.stream.flush()

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


# --- the batch ----------------------------------------------------------------------------------

def run_batch(options: BatchOptions, reporter: Optional[Reporter] = None) -> Summary:
    """Convert every input of `options`; never raises for a bad input, only for bad usage.

    Ctrl-C or SIGTERM stop the batch cleanly (summary.interrupted): work in flight is
    dropped, no temporary file is left, and a re-run resumes where this one stopped. So does
    a full disk, a read-only or unwritable OUTDIR (summary.stopped: one line, no traceback).
    """
    from .grammar import load_grammar

    reporter = reporter or Reporter()
    started = time.perf_counter()
    if options.fmt not in FORMATS:
        raise BatchUsageError(f"unknown format {options.fmt!r}; choose from {', '.join(FORMATS)}")
    grammar = load_grammar(options.grammar_dir).digest   # GrammarError: exit 2 before any work
    summary = Summary()
    out = manifest = tables = pool = None
    previous = _on_sigterm()
    try:
        out = OutputDir(options.out_dir, reporter.message)
        # Workers first: forked now, they do not inherit the lists of a large batch below.
        if options.scheduler:
            from .cluster import DaskPool

            pool = DaskPool(options.scheduler, options.grammar_dir, options.max_bytes)
        else:
            pool = LocalPool(options.workers or default_workers(), options.grammar_dir,
                             options.max_bytes, options.out_dir)
        inputs = discover(options.inputs, options.pattern, options.out_dir, options.fmt)
        summary.notices = len(inputs.rels) + len(inputs.missing)
        manifest = Manifest(out, reporter.message)
        manifest.open()
        for given, reason in inputs.missing:
            _fail(summary, reporter, given, reason)
        if options.sqlite is not None or options.csv_dir is not None or options.xlsx is not None:
            from .tables import TableWriter

            with writing(options.sqlite or options.csv_dir or options.xlsx):
                tables = TableWriter(options.sqlite, options.csv_dir, options.xlsx, options.csv_bom)
        state = _Run(options, inputs, manifest, grammar, summary, reporter, out, tables)
        reporter.start(len(inputs.rels))
        size = chunk_size(len(inputs.rels), pool.window, pool.chunk_size)
        for outcomes in pool.imap_unordered(_chunked(state.tasks(pool.needs_bytes), size)):
            for outcome in outcomes:
                state.finish(outcome)
        if options.fmt == "jsonl":
            out.join(JSONL_FILE, (output_name(rel, "jsonl") for key, rel in enumerate(inputs.rels, 1)
                                  if state.done[key]))
        if tables is not None:
            with writing(options.csv_dir if options.csv_dir is not None else options.sqlite or options.xlsx):
                tables.close()
            tables = None
        if options.report is not None:
            with writing(options.report):
                state.write_report(options.report)
            summary.report = str(options.report)
    except KeyboardInterrupt:
        summary.interrupted = True
    except DiskError as exc:
        summary.stopped = str(exc)
    except LinkRefused as exc:   # a link planted in .sj-parts while the batch ran
        summary.stopped = refusal(str(options.out_dir), exc)
    except OSError as exc:   # at OUTDIR: making it, its .sj-tmp, the manifest's rewrite
        if exc.errno not in DISK_ERRORS:
            raise
        summary.stopped = str(DiskError(str(options.out_dir), exc.errno))
    finally:
        reporter.stop()
        if pool is not None:
            pool.close(cancel=True)
        if tables is not None:
            tables.abort()
        if manifest is not None:
            manifest.close()
        if out is not None:
            out.close()
        _restore_sigterm(previous)
    summary.elapsed = time.perf_counter() - started
    return summary


class _Run:
    """The parent's side of one batch: which inputs to send, and the books on what comes back."""

    def __init__(self, options: BatchOptions, inputs: Inputs, manifest: Manifest, grammar: str,
                 summary: Summary, reporter: Reporter, out: OutputDir, tables: Any) -> None:
        self.options = options
        self.inputs = inputs
        self.manifest = manifest
        self.grammar = grammar
        self.summary = summary
        self.reporter = reporter
        self.out = out
        self.tables = tables
        self.done = bytearray(len(inputs.rels) + 1)   # done[key]: the input has a current output
        # with --report: key -> (status, codes or reason, unchanged)
        self.report: Optional[dict[int, tuple[str, str, bool]]] = (
            {} if options.report is not None else None)

    def tasks(self, read: bool) -> Iterator[Task]:
        """A task per input. With `read`, the parent reads and hashes each input and skips
        unchanged ones itself; otherwise the workers do, told the manifest's sha256."""
        opts = self.options
        rows = self.tables is not None
        for key, rel in enumerate(self.inputs.rels, 1):
            output = output_name(rel, opts.fmt)
            known = None if opts.force else self.manifest.known(rel, output, self.grammar, opts.fmt)
            if not read:
                yield Task(key, rel, output, opts.fmt, path=self.inputs.path(rel),
                           unchanged_if=known, rows=rows)
                continue
            try:
                data = read_input(self.inputs.path(rel), opts.max_bytes)
            except InputError as exc:
                self.finish(Outcome(key, FAILED, reason=exc.reason))
                continue
            sha256 = hashlib.sha256(data).hexdigest()
            if known == sha256 and not rows:
                self.finish(Outcome(key, UNCHANGED, sha256))
                continue
            yield Task(key, rel, output, opts.fmt, data=data, unchanged_if=known, rows=rows)

    def finish(self, outcome: Outcome) -> None:
        """Book one outcome: write the output if the worker sent it back, then its manifest
        line (so the manifest never names an output that is not there), then table rows.
        DiskError when an output or a manifest line could not be written for want of space
        or permission: the batch stops, and what is booked stays true."""
        rel = self.inputs.rels[outcome.key - 1]
        if outcome.disk is not None:
            raise DiskError(str(self.options.out_dir), outcome.disk)
        self.reporter.advance()
        if outcome.status == FAILED:
            self.manifest.forget(rel)
            _fail(self.summary, self.reporter, rel, outcome.reason or "failed")
            self._book(outcome.key, FAILED, outcome.reason or "failed")
            return
        self.done[outcome.key] = 1
        if outcome.status == UNCHANGED:
            self.summary.skipped += 1
            e = self.manifest.entries[rel]
            self.summary.unread += _unread(e[6])
            self._book(outcome.key, e[5], e[6], unchanged=True)
        else:
            output = output_name(rel, self.options.fmt)
            stamp = outcome.stamp
            try:
                if outcome.text is not None:
                    stamp = self.out.write(output, outcome.text)
                assert outcome.sha256 is not None
                self.manifest.record(rel, output, outcome.sha256, self.grammar, self.options.fmt,
                                     outcome.status, outcome.codes, stamp)
            except LinkRefused as exc:
                self.done[outcome.key] = 0
                reason = refusal(str(self.options.out_dir), exc)
                _fail(self.summary, self.reporter, rel, reason)
                self._book(outcome.key, FAILED, reason)
                return
            except OSError as exc:
                if exc.errno in DISK_ERRORS:
                    raise DiskError(str(self.options.out_dir), exc.errno) from None
                raise
            if outcome.status == OK:
                self.summary.ok += 1
            else:
                self.summary.warnings += 1
            self.summary.errors += outcome.errors
            self.summary.unread += _unread(outcome.codes)
            self._book(outcome.key, outcome.status, outcome.codes)
        if self.tables is not None and outcome.rows is not None:
            with writing(self.options.sqlite or self.options.csv_dir or self.options.xlsx):
                self.tables.add(outcome.rows)

    def _book(self, key: int, status: str, detail: str, unchanged: bool = False) -> None:
        if self.report is not None:
            self.report[key] = (status, detail, unchanged)

    def write_report(self, path: Path) -> None:
        """--report FILE: a JSON line per input, in path order: its status, and the codes of
        its warnings (or why it failed); missing inputs first."""
        assert self.report is not None
        lines = [json.dumps({"input": given, "status": FAILED, "reason": reason}, ensure_ascii=False)
                 for given, reason in self.inputs.missing]
        for key, rel in enumerate(self.inputs.rels, 1):
            status, detail, unchanged = self.report.get(key, (FAILED, "not converted", False))
            line: dict[str, Any] = {"input": rel, "status": status}
            if status == FAILED:
                line["reason"] = detail
            else:
                line.update(output=output_name(rel, self.options.fmt), codes=detail.split(),
                            unchanged=unchanged)
            lines.append(json.dumps(line, ensure_ascii=False))
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, "".join(line + "\n" for line in lines))


def _unread(codes: str) -> bool:
    """The record's warning codes ("SJ201 SJ302") say text was left unread (diagnostics.UNREAD)."""
    from .diagnostics import UNREAD

    return any(code in UNREAD for code in codes.split())


def _fail(summary: Summary, reporter: Reporter, path: str, reason: str) -> None:
    summary.failed += 1
    summary.failures.append((path, reason))
    reporter.message(f"sj: error: {path}: {reason}")


def chunk_size(notices: int, window: int, largest: int) -> int:
    """Notices per round trip to a worker: `largest` for a large batch (each round trip costs
    the parent ~0.2 ms: with 4 notices a chunk, a tenth of a core), fewer for a small one, so
    that the work still spreads over the workers: `chunk_size(1020, 4, 16) == 16`."""
    return max(1, min(largest, notices // (window * 4)))


def _chunked(tasks: Iterator[Task], size: int) -> Iterator[list[Task]]:
    chunk: list[Task] = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _on_sigterm() -> Any:
    """Treat SIGTERM (`kill PID`) like Ctrl-C: stop cleanly so that a re-run resumes."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def _restore_sigterm(previous: Any) -> None:
    if previous is not None:
        signal.signal(signal.SIGTERM, previous)


def exit_code(summary: Summary) -> int:
    """0 done, 1 a notice failed or has an error diagnostic or the disk stopped the batch,
    130 interrupted."""
    from .errors import ExitCode

    if summary.interrupted:
        return ExitCode.INTERRUPTED
    if summary.failed or summary.errors or summary.stopped:
        return ExitCode.DIAGNOSTICS
    return ExitCode.OK

