"""files.read_input: an input whole or a one-line reason; files.write_atomic: whole files,
ordinary permissions, nothing left behind, either way."""
from __future__ import annotations

import os
import stat

import pytest

from shuangjian_parse import files
from shuangjian_parse.errors import InputError
from shuangjian_parse.files import read_input, write_atomic


@pytest.fixture(params=["unnamed", "renamed"])
def way(request, monkeypatch):
    """Both ways of writing: an unnamed file linked in place (Linux), and a renamed temp file."""
    if request.param == "unnamed" and not files._UNNAMED:
        pytest.skip("no O_TMPFILE here")
    if request.param == "renamed":
        monkeypatch.setattr(files, "_UNNAMED", False)
    return request.param


def test_a_new_file_gets_its_text_and_the_umask_mode(tmp_path, way):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.json", "组长：冯吉光\n")
    finally:
        os.umask(old)
    assert (tmp_path / "a.json").read_text(encoding="utf-8") == "组长：冯吉光\n"
    assert stat.S_IMODE((tmp_path / "a.json").stat().st_mode) == 0o644   # not mkstemp's 0600
    assert os.listdir(tmp_path) == ["a.json"]


def test_an_existing_file_is_replaced_whole(tmp_path, way):
    target = tmp_path / "a.json"
    target.write_text("old and longer than the new text\n", encoding="utf-8")
    write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert os.listdir(tmp_path) == ["a.json"]


def test_a_replacement_goes_through_tmp_dir_when_given(tmp_path, way):
    (tmp_path / "tmp").mkdir()
    (tmp_path / "a.json").write_text("old\n", encoding="utf-8")
    write_atomic(tmp_path / "a.json", "new\n", tmp_dir=tmp_path / "tmp")
    assert (tmp_path / "a.json").read_text(encoding="utf-8") == "new\n"
    assert os.listdir(tmp_path / "tmp") == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path, way, monkeypatch):
    target = tmp_path / "a.json"
    target.write_text("old\n", encoding="utf-8")

    def disk_full(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "write_all", disk_full)
    with pytest.raises(OSError):
        write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert os.listdir(tmp_path) == ["a.json"]


def test_a_missing_directory_is_an_error_not_a_stray_file(tmp_path, way):
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "no" / "a.json", "x")
    assert os.listdir(tmp_path) == []


def test_read_input_returns_the_bytes_of_a_file(tmp_path):
    (tmp_path / "a.txt").write_bytes("组长：冯吉光\r\n".encode("gb18030"))
    assert read_input(str(tmp_path / "a.txt"), 1000) == "组长：冯吉光\r\n".encode("gb18030")


@pytest.mark.parametrize("name, size, reason", [
    ("missing.txt", None, "no such file"),
    ("", None, "is a directory (give the notice files, or use a glob)"),
    ("big.txt", 1001, "file is 1,001 bytes, over the limit of 1,000 bytes (raise it with --max-bytes)"),
])
def test_read_input_refuses_with_a_one_line_reason(tmp_path, name, size, reason):
    path = tmp_path / name if name else tmp_path
    if size is not None:
        path.write_bytes(b"x" * size)
    with pytest.raises(InputError) as err:
        read_input(str(path), 1000)
    assert (err.value.path, err.value.reason) == (str(path), reason)


def _fifo(tmp_path) -> str:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(tmp_path / "fifo.txt")
    return str(tmp_path / "fifo.txt")


def _socket(tmp_path) -> str:
    import socket

    if not hasattr(socket, "AF_UNIX"):
        pytest.skip("no Unix sockets here")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "sock.txt"))   # the file stays a socket once closed
    return str(tmp_path / "sock.txt")


def _device(path: str):
    def make(tmp_path) -> str:
        if not os.path.exists(path):
            pytest.skip(f"no {path} here")
        return path
    return make


@pytest.mark.parametrize("make, reason", [
    (_fifo, "not a regular file (a FIFO: to read a pipe, redirect it to stdin and give -)"),
    (_socket, "not a regular file (a socket)"),
    (_device("/dev/zero"), "not a regular file (a device)"),
    (_device("/dev/null"), "not a regular file (a device)"),
], ids=["fifo", "socket", "dev-zero", "dev-null"])
def test_read_input_refuses_what_is_not_a_regular_file_without_reading(tmp_path, make, reason):
    """A FIFO with no writer would block open() forever, /dev/zero a read: neither happens."""
    import threading

    path = make(tmp_path)
    outcome: list = []

    def read() -> None:
        try:
            outcome.append(read_input(path, 1000))
        except InputError as exc:
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():   # blocked: a writer releases it, so that the test run goes on
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail(f"read_input({path}) blocked")
    assert [(e.path, e.reason) for e in outcome if isinstance(e, InputError)] == [(path, reason)]


def test_stdin_is_read_only_up_to_one_byte_over_the_limit(monkeypatch):
    import io
    import sys

    class Endless(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            buffer[:] = b"\0" * len(buffer)
            self.total = getattr(self, "total", 0) + len(buffer)
            return len(buffer)

    endless = Endless()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(endless)))
    with pytest.raises(files.TooLarge) as err:
        read_input("-", 100_000)
    assert err.value.reason == "input is over the limit of 100,000 bytes (raise it with --max-bytes)"
    assert endless.total <= 100_001 + io.DEFAULT_BUFFER_SIZE
