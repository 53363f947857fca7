"""Errors that stop one input file, and the CLI's exit codes."""
from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """`sj` exit codes, as documented in README.md."""

    OK = 0            # done; warnings allowed
    DIAGNOSTICS = 1   # error-severity diagnostics (any diagnostic under --strict), or a file failed
    INVALID = 1       # the same code: an invalid record, a stale schema, an F1 under --min-f1
    USAGE = 2         # bad usage, bad grammar, internal error
    INPUT = 3         # an input could not be read: missing, empty, binary, too large, undecodable
    INTERRUPTED = 130


class InputError(Exception):
    """An input that cannot be parsed at all: `InputError(path, "empty file")`."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class GrammarError(Exception):
    """A grammar file that does not validate (SJ901): `GrammarError("sections.yaml", 4, "…")`."""

    def __init__(self, file: str, line: int | None, problem: str) -> None:
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: SJ901 error: grammar {file}: {problem}")
        self.file = file
        self.line = line
        self.problem = problem
