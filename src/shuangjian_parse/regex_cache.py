"""Compiled regular expressions kept between runs, so that a cold `sj parse` does not compile
its ~220 patterns anew (~45 % of its instructions, ~1/4 of its time).

Python's `re` compiles a pattern in Python: it parses it, then writes the program the C
matcher runs, and fills a 64K-entry table one code point at a time for each CJK range of a
character class (`[一-鿿]`: ~1 ms each). That program is a list of integers that depends only
on the pattern, its flags and the interpreter; `re` itself makes a Pattern from it with one
C call, `_sre.compile`. The programs are stored in one file per interpreter
(`$SJ_CACHE_DIR`, else `$XDG_CACHE_HOME/sj`, else `~/.cache/sj`; its name holds a digest of
the interpreter's version and matcher constants), each under its pattern and flags:

    regex_cache.load()   # before the stages are imported: their patterns come from the file
    ...                  # parse
    regex_cache.save()   # adds the programs of the patterns compiled since, if any

`fact()` keeps in the same file what sj works out from a pattern's syntax tree (the literals
grammar rules are gated on), under a name that holds a digest of the code that works it out.

`load` puts each stored Pattern in `re`'s own cache, where `re.compile` finds it; it is the
Pattern `re` would build (Pattern equality compares the programs: tests/test_regex_cache.py).
An entry cannot be stale: its key is the pattern itself. The file is written whole (a
temporary file renamed over it); an unreadable, corrupt or unwritable file only costs the
compiling, and any interpreter whose `re` is not laid out as expected skips the cache.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import re
import sys
from array import array
from pathlib import Path
from typing import Any, Callable, Optional

try:  # Python >= 3.11
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_compile as _compiler  # type: ignore[no-redef]
    import sre_parse as _parser  # type: ignore[no-redef]
import _sre

# A file with more entries than this is started anew (it grows only with patterns sj builds).
MAX_ENTRIES = 4000
# load() can put only as many programs in re's cache as it holds (512), less what the standard
# library compiles at start; a file with more would load old patterns in place of the ones a
# run needs (a grammar edited, a user's grammar, tests), so its programs start anew past this.
MAX_PROGRAMS = getattr(re, "_MAXCACHE", 512) - 96
# A program is stored as the bytes of an array of 32-bit codes (the matcher's code size):
# marshal reads bytes at once, where a list of ints costs it ~5 ms a start.
_CODE = "I"
_FORMAT = 3   # of the file's entries: part of its name

_loaded: Optional[set] = None    # keys of re's cache once load() ran: nothing to store for them
_facts: dict = {}                # fact(): stored and worked out, by (name, pattern)
_new_facts: set = set()          # those worked out since load()


def _supported() -> bool:
    return (isinstance(getattr(re, "_cache", None), dict) and hasattr(_sre, "compile")
            and hasattr(_compiler, "_code") and hasattr(_parser, "parse")
            and getattr(_sre, "CODESIZE", None) == array(_CODE).itemsize == 4)


def cache_dir() -> Path:
    """sj's cache folder: `$SJ_CACHE_DIR`, else `$XDG_CACHE_HOME/sj`, else `~/.cache/sj`."""
    return Path(os.environ.get("SJ_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "sj"))


def cache_file() -> Path:
    """This interpreter's file: `~/.cache/sj/re-<digest>.marshal`."""
    interpreter = repr((_FORMAT, sys.implementation.cache_tag, sys.version, _sre.MAGIC, _sre.CODESIZE,
                        _sre.MAXREPEAT, _sre.MAXGROUPS))
    return cache_dir() / f"re-{hashlib.sha256(interpreter.encode()).hexdigest()[:16]}.marshal"


def _read() -> tuple[dict, dict]:
    """The stored (programs, facts)."""
    try:
        data = marshal.loads(cache_file().read_bytes())
        programs, facts = data["programs"], data["facts"]
    except (OSError, ValueError, EOFError, TypeError, KeyError):
        return {}, {}
    return (programs, facts) if isinstance(programs, dict) and isinstance(facts, dict) else ({}, {})


def load() -> None:
    """Put the stored Patterns in `re`'s cache and read the stored facts (once per process)."""
    global _loaded, _facts
    if _loaded is not None or not _supported():
        return
    cache: dict = re._cache  # type: ignore[attr-defined]
    room = getattr(re, "_MAXCACHE", 512) - len(cache)
    programs, _facts = _read()
    try:
        for (pattern, flags), (final, code, *groups) in programs.items():
            if room <= 0:
                break
            key = (type(pattern), pattern, flags)
            if key not in cache:
                cache[key] = _sre.compile(pattern, final, array(_CODE, code).tolist(), *groups)
                room -= 1
    except Exception:  # noqa: BLE001 - a damaged entry (the matcher validates each program)
        pass
    _loaded = set(cache)


def fact(name: str, pattern: str, compute: Callable[[str], Any]) -> Any:
    """`compute(pattern)`, kept in the file once load() ran: for what sj works out from a
    pattern's syntax tree (the literals prefilter.gate looks for), which re's parser makes
    about as slow as compiling. `name` changes whenever `compute` does (it holds a digest
    of the code that computes it); a value is a tuple of strings or None."""
    if _loaded is None:
        return compute(pattern)
    try:
        return _facts[(name, pattern)]
    except KeyError:
        value = _facts[(name, pattern)] = compute(pattern)
        _new_facts.add((name, pattern))
        return value


def save() -> None:
    """Store the programs of the patterns compiled since load(), and the facts worked out
    since, that the file lacks."""
    if _loaded is None:
        return
    new = [key for key in list(re._cache) if key not in _loaded]  # type: ignore[attr-defined]
    if not new and not _new_facts:
        return
    programs, facts = _read()
    if len(programs) + len(facts) + len(new) + len(_new_facts) > MAX_ENTRIES:
        programs, facts = {}, {}
    if len(programs) + len(new) > MAX_PROGRAMS:
        programs = {}  # this run's patterns only: the next runs store what they use again
    for _type, pattern, flags in new:
        if (pattern, flags) not in programs and not flags & re.DEBUG:
            final, code, *groups = program(pattern, flags)
            programs[(pattern, flags)] = (final, array(_CODE, code).tobytes(), *groups)
    facts.update((key, _facts[key]) for key in _new_facts)
    _loaded.update(new)
    _new_facts.clear()
    write_whole(cache_file(), marshal.dumps({"programs": programs, "facts": facts}))


def write_whole(path: Path, data: bytes) -> None:
    """Write a cache file whole (a temporary file renamed over it), readable and writable by
    its owner alone; a read-only or full disk leaves the old one, and the next run does the
    work again."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except OSError:
        try:
            temporary.unlink()
        except OSError:
            pass


def program(pattern: Any, flags: int) -> tuple:
    """The arguments after the pattern of the `_sre.compile` call that re._compiler.compile
    ends with (the same steps): flags, program, groups, group index, index group."""
    parsed = _parser.parse(pattern, flags)
    code = list(map(int, _compiler._code(parsed, flags)))  # opcodes are int subclasses
    groupindex = parsed.state.groupdict
    indexgroup = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (int(flags | parsed.state.flags), code, parsed.state.groups - 1, dict(groupindex),
            tuple(indexgroup))
