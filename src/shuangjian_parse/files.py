"""Temporary files for atomic writes that end up with ordinary permissions.

`tempfile.mkstemp` creates files readable by their owner only (0600), and a rename keeps
that mode: outputs shared with colleagues would be unreadable. `create_temp` creates the
file exclusively with mode 0666 minus the umask, like `open(path, "w")` does.

    fd, tmp = create_temp(Path("out/.sj-tmp"), suffix=".tmp")
"""
from __future__ import annotations

import os
import uuid


def create_temp(directory: os.PathLike | str, prefix: str = "", suffix: str = "") -> tuple[int, str]:
    """A new file in `directory` with a unique name, opened for writing: (fd, path)."""
    while True:
        path = os.path.join(directory, f"{prefix}{uuid.uuid4().hex}{suffix}")
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), path
        except FileExistsError:  # pragma: no cover - 128 random bits
            continue
