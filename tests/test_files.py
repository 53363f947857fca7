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
    ("big.txt", 1001, "file is 1,001 bytes, over the limit of 1,000 (raise it with --max-bytes)"),
])
def test_read_input_refuses_with_a_one_line_reason(tmp_path, name, size, reason):
    path = tmp_path / name if name else tmp_path
    if size is not None:
        path.write_bytes(b"x" * size)
    with pytest.raises(InputError) as err:
        read_input(str(path), 1000)
    assert (err.value.path, err.value.reason) == (str(path), reason)


def test_read_input_reads_a_device_only_up_to_one_byte_over_the_limit():
    """/dev/zero never ends: the caller gets max_bytes + 1 bytes and refuses them (read_source)."""
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    assert read_input("/dev/zero", 1000) == b"\0" * 1001
