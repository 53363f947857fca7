"""The stored regular expressions (regex_cache.py): the Patterns re builds, a file that never
goes stale or churns, and a cache that cannot break a parse."""
from __future__ import annotations

import marshal
import os
import re
import subprocess
import sys
from array import array
from pathlib import Path

import pytest

from shuangjian_parse import regex_cache
from shuangjian_parse.grammar import _rules, load_grammar

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = str(ROOT / "samples" / "000_9a14945eab7843f1.txt")

try:
    from re import _compiler
except ImportError:  # Python 3.10
    import sre_compile as _compiler

pytestmark = pytest.mark.skipif(not regex_cache._supported(), reason="this interpreter's re has no cache to fill")


def test_a_stored_program_builds_the_pattern_re_builds():
    import _sre

    grammar = load_grammar()
    patterns = [rule.pattern for _, model in grammar.files() for rule in _rules(model)]
    patterns += ["[\u4e00-\u9fff]{2,4}", "(?P<a>x)(?P<b>y)?", "(?i)abc", "(?x) a b # c"]
    for pattern in patterns:
        for flags in (0, re.IGNORECASE | re.MULTILINE):
            stored = _sre.compile(pattern, *regex_cache.program(pattern, flags))
            # Pattern equality compares the pattern, the flags and the matcher's program
            assert stored == _compiler.compile(pattern, flags), pattern
            assert (stored.groupindex, stored.groups) == (re.compile(pattern, flags).groupindex,
                                                          re.compile(pattern, flags).groups)


def _parse(cache_dir, seed: str = "0") -> subprocess.CompletedProcess:
    env = {**os.environ, "SJ_CACHE_DIR": str(cache_dir), "PYTHONHASHSEED": seed}
    return subprocess.run([sys.executable, "-m", "shuangjian_parse", "parse", SAMPLE, "-f", "json"],
                          capture_output=True, text=True, env=env)


def test_the_first_parse_stores_its_patterns_and_the_next_ones_use_them_unchanged(tmp_path):
    first = _parse(tmp_path)
    assert first.returncode == 0
    (stored,) = tmp_path.glob("re-*.marshal")
    written = stored.stat().st_mtime_ns, stored.read_bytes()
    # another hash seed: a pattern built from a set in set order would be new on every run
    # (and the file rewritten each time); every pattern sj builds is the same run to run
    again = _parse(tmp_path, seed="1")
    assert (again.returncode, again.stdout) == (0, first.stdout)
    assert (stored.stat().st_mtime_ns, stored.read_bytes()) == written


def test_a_corrupt_or_unwritable_cache_only_costs_the_compiling(tmp_path):
    expected = _parse(tmp_path / "fresh").stdout
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / regex_cache.cache_file().name).write_bytes(b"\x00garbage")
    proc = _parse(corrupt)
    assert (proc.returncode, proc.stdout, proc.stderr.count("Traceback")) == (0, expected, 0)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    proc = _parse(blocked / "sj")   # mkdir fails: NotADirectoryError
    assert (proc.returncode, proc.stdout, proc.stderr.count("Traceback")) == (0, expected, 0)
    assert not list(tmp_path.glob("**/*.tmp"))


def test_a_cache_grown_past_what_re_can_hold_is_started_anew_with_what_a_run_uses(tmp_path, monkeypatch):
    # old grammars' patterns (an edited grammar, a user's own): more than re's cache takes, and
    # load() would fill it with them instead of the ones this run needs, forever
    monkeypatch.setenv("SJ_CACHE_DIR", str(tmp_path))
    old = {}
    for i in range(regex_cache.MAX_PROGRAMS + 10):
        final, code, *groups = regex_cache.program(f"旧{i}(县|区)", 0)
        old[(f"旧{i}(县|区)", 0)] = (final, array("I", code).tobytes(), *groups)
    regex_cache.cache_file().write_bytes(marshal.dumps({"programs": old, "facts": {}}))
    assert _parse(tmp_path).returncode == 0
    stored = marshal.loads(regex_cache.cache_file().read_bytes())["programs"]
    assert 0 < len(stored) <= regex_cache.MAX_PROGRAMS and not any(str(p).startswith("旧") for p, _ in stored)
    written = regex_cache.cache_file().read_bytes()
    assert _parse(tmp_path).returncode == 0
    assert regex_cache.cache_file().read_bytes() == written   # the next run finds all it needs
