"""Traditional characters: read a notice through simplified characters, write its values as written.

Mirror sites serve notices in traditional characters (`領導小組`, `組長`, `縣教育局`); sj's
rules are written in simplified ones. `read_script` runs before the stages: when the text
holds Chinese characters outside GB2312 (the simplified set) it maps the notice to simplified
characters with OpenCC, one character for one, so that offsets and line numbers stay those of
the source. `Script.restore_notice` runs after the stages and writes every value back as
written, from the source characters at the places the value was read from.
"""
from __future__ import annotations

import codecs
import re
from collections import Counter
from functools import cached_property, lru_cache

from ..diagnostics import Report
from ..models import Notice, Record
from .read import Decoded

# OpenCC configurations applied in turn: Taiwan forms first (著 → 着 where 着 is meant, 裡 → 里),
# then Hong Kong forms (衞 → 卫), each then to simplified. Either alone leaves the other's
# variants: measured on the samples converted by s2t, s2tw and s2hk.
_CONFIGS = ("tw2s", "hk2s")
# A value is looked for in the text without white space (normalize removes it from values).
# Where it is not found as it stands it is looked for in pieces, with its white space and
# format characters left out and full-width digits and letters folded on both sides, as
# normalize folds them (２０２１ → 2021).
_SKIP = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]")
_WIDE_RANGES = ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
_WIDE = re.compile("[" + "".join(f"{chr(first)}-{chr(last)}" for first, last in _WIDE_RANGES) + "]+")
_FOLD = {cp: cp - 0xFEE0 for first, last in _WIDE_RANGES for cp in range(first, last + 1)}
_ASCII_ALNUM = re.compile("[0-9A-Za-z]")
# How far past the start of its line (and a quarter of that before it) a value is looked for,
# and in how many pieces a composed one: beyond that a character takes its usual written form.
# Keeps the work linear on a notice written on one line of a megabyte.
_REACH = 8192
_MAX_PIECES = 8
# Fields that hold a catalogue value or a code, never text of the notice: written as sj names
# them whatever the script (kinds, 文种, the unit catalogue's canonical name and sector), or
# not text at all. Diagnostics are written as written when they are reported (Report.write_as).
FIXED_FIELDS = frozenset({"schema_version", "source", "date", "doc_type", "kind", "canonical",
                          "sector", "diagnostics",
                          # the division dataset's names and the topic grammar's words are sj's own
                          "full_name", "level", "adcode", "parents", "successor", "topics"})


class Script:
    """A notice's lines as written and as matched (in simplified characters, offset for offset),
    and the way back: `script.restore("县教育局", 12) == "縣教育局"`."""

    def __init__(self, decoded: Decoded, matched: list[str] | None = None) -> None:
        self.written = decoded.lines
        self.matched = matched if matched is not None else decoded.lines
        self.decoded = decoded if matched is None else Decoded(source=decoded.source, lines=matched)
        self.converted = matched is not None

    def restore(self, value: str, line: int | None = None) -> str:
        """`value` as written: the source characters at the place it was read from, the first
        one from the start of `line` on (else anywhere near it). Mostly one search in C: the
        value as it stands in the text without white space; else _locate."""
        if not self.converted or value.isascii():
            return value
        written, matched, _ = self._index
        window = self._window(line, len(value))
        at = _find(matched, value, window)
        if at >= 0:
            return written[at:at + len(value)]
        return self._locate(value, window)

    def restore_notice(self, notice: Notice) -> Notice:
        """The record with every value as written, except FIXED_FIELDS."""
        return self._restore_model(notice, None) if self.converted else notice

    def _restore_model(self, model: Record, line: int | None) -> Record:
        names, has_line = _text_fields(type(model))
        line = (has_line and model.line) or line
        update = {}
        for name in names:
            value = getattr(model, name)
            if isinstance(value, list):
                new = [self._restore_item(v, line) for v in value]
                changed = any(a is not b for a, b in zip(new, value))
            else:
                new = self._restore_item(value, line)
                changed = new is not value
            if changed:
                update[name] = new
        return model.model_copy(update=update) if update else model

    def _restore_item(self, value, line: int | None):
        if isinstance(value, str):
            new = self.restore(value, line)
            return value if new == value else new
        return self._restore_model(value, line) if isinstance(value, Record) else value

    @cached_property
    def _index(self) -> tuple[str, str, list[int]]:
        """The written and the matched text without white space (aligned: the one is the other
        mapped), and where each source line starts in them."""
        written, matched, starts, size = [], [], [], 0
        for w, m in zip(self.written, self.matched):
            starts.append(size)
            w, m = "".join(w.split()), "".join(m.split())
            written.append(w if len(w) == len(m) else m)  # never misaligned
            matched.append(m)
            size += len(m)
        return "".join(written), "".join(matched), starts

    @cached_property
    def _folded(self) -> str:
        """The matched text as normalize folds it, for the values not found as they stand."""
        return _fold(self._index[1])

    def _window(self, line: int | None, size: int) -> tuple[int, int, int]:
        """Where to look for a value of `size` characters read at `line`: from the line's start
        (`begin`), within [low, high); the whole text for a value without a line."""
        starts, end = self._index[2], len(self._index[1])
        if not line or line > len(starts):
            return 0, 0, end
        begin = starts[line - 1]
        return begin, max(0, begin - _REACH // 4), min(end, begin + 8 * size + _REACH)

    def _locate(self, value: str, window: tuple[int, int, int]) -> str:
        """`value` restored piece by piece: the longest pieces of it found near its line, so that
        a value composed from two places (市委宣传部、网信办 → 市委网信办) or holding white space or
        folded digits is restored too. A character found in no piece takes its usual written
        form in this notice (_usual); one the text does not hold is sj's own, kept."""
        written, matched, _ = self._index
        spots = [i for i in range(len(value)) if _SKIP.match(value, i) is None]
        key = _fold("".join(value[i] for i in spots))
        folded = self._folded if _ASCII_ALNUM.search(key) else matched  # else folding changes nothing
        out = list(value)
        i = pieces = 0
        while i < len(key) and pieces < _MAX_PIECES:
            pieces += 1
            end, at = len(key), _find(folded, key[i:], window)
            if at < 0:  # the longest piece from i that occurs (a shorter piece occurs if a longer does)
                low, high = i, len(key) - 1
                while low < high:
                    mid = (low + high + 1) // 2
                    found = _find(folded, key[i:mid], window)
                    if found >= 0:
                        low, at = mid, found
                    else:
                        high = mid - 1
                end = low
            if at < 0:
                out[spots[i]] = self._usual.get(value[spots[i]], value[spots[i]])
                i += 1
                continue
            for k in range(i, end):
                p = at + k - i
                if matched[p] == value[spots[k]]:  # else a folded digit: the value's own
                    out[spots[k]] = written[p]
            i = end
        for k in range(i, len(key)):
            out[spots[k]] = self._usual.get(value[spots[k]], value[spots[k]])
        return "".join(out)

    @cached_property
    def _usual(self) -> dict[str, str]:
        """The written form each matched character has most often in this notice (县 → 縣)."""
        usual: dict[str, str] = {}
        for (w, m), _ in Counter(zip("".join(self.written), "".join(self.matched))).most_common():
            usual.setdefault(m, w)
        return usual


@lru_cache(maxsize=None)
def _text_fields(model: type[Record]) -> tuple[tuple[str, ...], bool]:
    """The fields of a record model that may hold text of the notice (all but FIXED_FIELDS),
    and whether it has a `line`."""
    return tuple(name for name in model.model_fields if name not in FIXED_FIELDS), "line" in model.model_fields


def _fold(text: str) -> str:
    """Full-width digits and letters as ASCII, as normalize writes them: `_fold("２０２１年") == "2021年"`."""
    return _WIDE.sub(lambda m: m.group().translate(_FOLD), text)


def _find(text: str, piece: str, window: tuple[int, int, int]) -> int:
    begin, low, high = window
    at = text.find(piece, begin, high)
    return at if at >= 0 or low == begin else text.find(piece, low, high)


def read_script(decoded: Decoded, report: Report) -> Script:
    """Map a notice in traditional characters to simplified ones for matching (SJ104), and tell
    `report` to write its diagnostics' values as written; any other notice passes unchanged."""
    if not _foreign_han(decoded.lines):
        return Script(decoded)
    matched = to_simplified(decoded.lines)
    changed = [n for n, (w, m) in enumerate(zip(decoded.lines, matched)) if w != m]
    if not changed:
        return Script(decoded)  # rare simplified characters (炤), not traditional ones
    first = changed[0]
    column = next(i for i, (w, m) in enumerate(zip(decoded.lines[first], matched[first])) if w != m)
    report.add("SJ104", first + 1, column=column + 1, text=decoded.lines[first][column],
               count=len(changed), total=len(decoded.lines))
    script = Script(decoded, matched)
    report.write_as(script.restore)
    return script


class _ForeignHan(Exception):
    """Raised by the `sj.foreign-han` codec error handler at the first Chinese character
    outside GB2312: the encoding stops there."""


def _stop_at_han(error: UnicodeEncodeError) -> tuple[str, int]:
    # a comparison: a regex [\u4e00-\u9fff] costs ~1 ms to compile on every start
    if any("\u4e00" <= char <= "\u9fff" for char in error.object[error.start:error.end]):
        raise _ForeignHan
    return "", error.end  # an em dash, a symbol: not Chinese, skipped


codecs.register_error("sj.foreign-han", _stop_at_han)


def _foreign_han(lines: list[str]) -> bool:
    """True when the text holds a Chinese character that GB2312 (the simplified set) cannot
    encode: a traditional one (縣), or now and then a rare simplified one of a name (炤). One
    pass of the GB2312 encoder in C, stopped at the first such character."""
    try:
        "\n".join(lines).encode("gb2312", "sj.foreign-han")
    except _ForeignHan:
        return True
    return False


def to_simplified(lines: list[str]) -> list[str]:
    """Each line in simplified characters, of the same length: `to_simplified(["縣教育局"]) == ["县教育局"]`.

    OpenCC converts by phrase (乾隆 stays, 乾淨 → 干净); a line whose length that would change is
    converted character by character instead, so that every offset stays the source's."""
    converters = _converters()
    text = "\n".join(lines)
    for converter in converters:
        text = converter.convert(text)
    matched = text.split("\n")
    if len(matched) != len(lines):  # never seen: OpenCC keeps line ends; then every line alone
        return [_by_character(w, converters) for w in lines]
    return [m if len(m) == len(w) else _by_character(w, converters) for w, m in zip(lines, matched)]


def _by_character(line: str, converters) -> str:
    out = []
    for char in line:
        new = char
        for converter in converters:
            new = converter.convert(new)
        out.append(new if len(new) == 1 else char)
    return "".join(out)


@lru_cache(maxsize=1)
def _converters():
    """OpenCC's converters, loaded for the first notice that needs them (~40 ms)."""
    import opencc

    return tuple(opencc.OpenCC(config) for config in _CONFIGS)
