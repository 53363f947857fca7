"""Reading an input whole, and writing files whole or not at all, with ordinary permissions.

    read_input("notice.txt", max_bytes)                      # InputError with a one-line reason
    write_atomic("out/a.json", text)                        # sj parse -o, sj schema --out …
    write_atomic("a.json", text, dir_fd=sub_fd, tmp_dir_fd=tmp_fd)  # sj batch, below OUTDIR

On Linux the content goes to an unnamed file (O_TMPFILE) in the target's directory, which is
linked in place once written: a crash or a kill at any moment leaves nothing behind, there is
no temporary name to clean up, and the file is created where it will stay (no rename across
directories, whose lock the workers of a batch would queue for). Where that is not available,
and to replace an existing file, a named temporary file is renamed over the target; it lives
in `tmp_dir` when given (a directory the caller empties), else beside the target, hidden.

`tempfile.mkstemp` creates files readable by their owner only (0600), and a rename keeps
that mode: outputs shared with colleagues would be unreadable. Files here are created with
mode 0666 minus the umask, like `open(path, "w")` does.
"""
from __future__ import annotations

import errno
import os
import stat
import sys

from .errors import InputError

# O_TMPFILE needs Linux, a file system that supports it, and /proc to link the file by its fd.
_UNNAMED = sys.platform == "linux" and hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd")
_NO_UNNAMED = (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL)  # the kernel or file system lacks it


class TooLarge(InputError):
    """An input over --max-bytes: `TooLarge("a.txt", "file is 2,000 bytes, over …")`."""


def read_input(path: str, max_bytes: int) -> bytes:
    """The bytes of one input (`-` is stdin); InputError with a one-line reason otherwise.

    Every command reads its inputs here (parse, show, batch, eval; validate and compare through
    safeload). The file is opened without blocking (O_NONBLOCK: opening a FIFO would otherwise
    wait for a writer forever) and refused unless it is a regular file: a FIFO, a socket or a
    device (/dev/zero) is never read from. One open and one fstat (a batch reads thousands of
    inputs). At most max_bytes + 1 bytes are read, from stdin and from a file that grows
    while it is read alike; more is refused (TooLarge).
    """
    if path == "-":
        return _at_most(sys.stdin.buffer.read(max_bytes + 1), path, max_bytes)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise InputError(path, _reason(exc, path)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(path, _not_regular(info.st_mode))
        if info.st_size > max_bytes:
            raise TooLarge(path, f"file is {info.st_size:,} bytes, over the limit of {max_bytes:,} "
                                 "bytes (raise it with --max-bytes)")
        return _at_most(_read_fd(fd, info.st_size, max_bytes + 1), path, max_bytes)
    except OSError as exc:
        raise InputError(path, _reason(exc, path)) from None
    finally:
        os.close(fd)


def _read_fd(fd: int, expected: int, limit: int) -> bytes:
    """Up to `limit` bytes; `expected` (the size fstat gave) makes it one read and an EOF."""
    chunks = []
    left = limit
    while left > 0:
        chunk = os.read(fd, min(max(expected + 1, 1 << 16), left))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _at_most(data: bytes, path: str, max_bytes: int) -> bytes:
    if len(data) > max_bytes:
        what = "input is" if path == "-" else "file grew while read and is"
        raise TooLarge(path, f"{what} over the limit of {max_bytes:,} bytes (raise it with --max-bytes)")
    return data


def _not_regular(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a directory (give the notice files, or use a glob)"
    kind = ("a FIFO: to read a pipe, redirect it to stdin and give -" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a device")
    return f"not a regular file ({kind})"


def _reason(exc: OSError, path: str) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.ENXIO:   # open() of a socket, or of a device with no driver behind it
        try:
            return _not_regular(os.stat(path).st_mode)
        except OSError:
            pass
    return exc.strerror or str(exc)


def create_temp(directory: os.PathLike | str, prefix: str = "", suffix: str = "", *,
                dir_fd: int | None = None) -> tuple[int, str]:
    """A new file in `directory` (with `dir_fd`: a bare name in that directory) with a unique
    name, opened for writing: (fd, path). O_EXCL: a symbolic link there is never followed."""
    while True:
        path = _temp_name(os.fspath(directory), prefix, suffix)
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666, dir_fd=dir_fd), path
        except FileExistsError:  # pragma: no cover - 128 random bits
            continue


def write_atomic(path: os.PathLike | str, text: str, tmp_dir: os.PathLike | str | None = None, *,
                 dir_fd: int | None = None, tmp_dir_fd: int | None = None) -> os.stat_result:
    """Write `text` (UTF-8) to `path` whole or not at all; its directory must exist. Returns
    the new file's stat (its inode and mtime tell it from a file written later).

    With `dir_fd`, `path` is a name in that directory and a temporary file, if one is needed,
    a name in `tmp_dir_fd` (else in `dir_fd`): nothing is looked up by a path that a symbolic
    link could redirect (`sj batch` writes below OUTDIR this way). A symbolic link at `path`
    itself is replaced, never followed.
    """
    path = os.fspath(path)
    data = text.encode("utf-8")
    if dir_fd is not None:
        place = (dir_fd, ".")
        temp = (tmp_dir_fd if tmp_dir_fd is not None else dir_fd, "", "", ".tmp")
    else:
        place = (None, os.path.dirname(path) or ".")
        temp = (None, *_temp_place(tmp_dir, path))
    if _UNNAMED:
        try:
            fd = os.open(place[1], os.O_TMPFILE | os.O_WRONLY, 0o666, dir_fd=place[0])
        except OSError as exc:
            if exc.errno not in _NO_UNNAMED:
                raise
        else:
            try:
                write_all(fd, data)
                info = os.fstat(fd)
                try:
                    _link_unnamed(fd, path, dir_fd)
                    return info
                except FileExistsError:
                    pass
                tmp = _temp_name(*temp[1:])
                _link_unnamed(fd, tmp, temp[0])
                _replace(tmp, path, temp[0], dir_fd)
                return info
            finally:
                os.close(fd)
    fd, tmp = create_temp(*temp[1:], dir_fd=temp[0])
    try:
        try:
            write_all(fd, data)
            info = os.fstat(fd)
        finally:
            os.close(fd)
    except BaseException:
        remove_quietly(tmp, dir_fd=temp[0])
        raise
    _replace(tmp, path, temp[0], dir_fd)
    return info


def _link_unnamed(fd: int, path: str, dir_fd: int | None = None) -> None:
    """Give the unnamed file open as `fd` the name `path` (man 2 open, O_TMPFILE).

    linkat() must follow the /proc link to the file; os.link calls plain link(), which cannot,
    unless a dir fd is given: src_dir_fd is ignored for an absolute path, and makes it linkat()."""
    os.link(f"/proc/self/fd/{fd}", path, src_dir_fd=fd, dst_dir_fd=dir_fd, follow_symlinks=True)


def write_all(fd: int, data: bytes) -> None:
    """os.write until all of `data` is written (a write may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _temp_place(tmp_dir: os.PathLike | str | None, path: str) -> tuple[str, str, str]:
    """(directory, prefix, suffix) of a temporary file for `path`."""
    if tmp_dir is not None:
        return os.fspath(tmp_dir), "", ".tmp"
    return os.path.dirname(path) or ".", f".{os.path.basename(path)}.", ".tmp"


def _temp_name(directory: str, prefix: str, suffix: str) -> str:
    name = f"{prefix}{os.urandom(16).hex()}{suffix}"
    return os.path.join(directory, name) if directory else name


def _replace(tmp: str, path: str, tmp_dir_fd: int | None = None, dir_fd: int | None = None) -> None:
    try:
        os.replace(tmp, path, src_dir_fd=tmp_dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        remove_quietly(tmp, dir_fd=tmp_dir_fd)
        raise


def remove_quietly(path: os.PathLike | str, *, dir_fd: int | None = None) -> None:
    """Remove a file if it is there: cleaning up must not raise over a file already gone.
    A symbolic link is removed itself; with `dir_fd`, `path` is a name in that directory."""
    try:
        os.unlink(path, dir_fd=dir_fd)
    except OSError:
        pass
