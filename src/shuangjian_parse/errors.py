"""Errors that stop one input file, the CLI's exit codes, and how a message names a file."""
from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """`sj` exit codes, the same for every command, as the README's table says."""

    OK = 0            # done; warnings allowed
    DIAGNOSTICS = 1   # error-severity diagnostics (any diagnostic under --strict); sj batch: a notice failed
    INVALID = 1       # the same code: an invalid record or none at all, a stale schema, an F1 under --min-f1
    USAGE = 2         # bad usage, bad grammar, internal error
    INPUT = 3         # an input is missing or cannot be read: empty, binary, too large, undecodable
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


# Control characters, format characters (a right-to-left override), line and paragraph
# separators, and the lone surrogates an undecodable byte of a file name becomes.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def one_line(text: str) -> str:
    r"""`text` with every character that could break a one-line message or play tricks on a
    terminal escaped as Python writes it: `one_line("a\nb.txt") == "a\\nb.txt"`."""
    if text.isprintable():
        return text
    from unicodedata import category

    return "".join(repr(c)[1:-1] if category(c) in _UNSAFE_CATEGORIES else c for c in text)


def install_hint(extra: str) -> str:
    """How to install an optional extra, from an index and from a checkout of sj."""
    return f"pip install 'shuangjian-parse[{extra}]' (from a checkout of sj: pip install '.[{extra}]')"
