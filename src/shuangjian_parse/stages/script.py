"""Traditional characters: read a notice through simplified characters, write its values as written.

Mirror sites serve notices in traditional characters (`領導小組`, `組長`, `縣教育局`); sj's
rules are written in simplified ones. `read_script` runs before the stages: when the text
holds Chinese characters outside GB2312 (the simplified set) it maps the notice to simplified
characters with OpenCC, one character for one, so that offsets and line numbers stay those of
the source. `Script.restore_notice` runs after the stages and writes every value back as
written, from the source characters at the places the value was read from (its span, else
where stages/spans.py finds it).
"""
from __future__ import annotations

import codecs
from collections import Counter
from functools import cached_property, lru_cache

from ..diagnostics import Report
from ..models import Notice, Record
from .read import Decoded
from .spans import Piece, SourceIndex, compact

# OpenCC configurations applied in turn: Taiwan forms first (著 → 着 where 着 is meant, 裡 → 里),
# then Hong Kong forms (衞 → 卫), each then to simplified. Either alone leaves the other's
# variants: measured on the samples converted by s2t, s2tw and s2hk.
_CONFIGS = ("tw2s", "hk2s")
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

    @cached_property
    def index(self) -> SourceIndex:
        """Where values stand in the text the stages matched (stages/spans.py)."""
        return SourceIndex(self.matched)

    def restore(self, value: str, line: int | None = None) -> str:
        """`value` as written: the source characters at the place it was read from, looked for
        from the start of `line` (SourceIndex.locate), in pieces for a value composed from two
        places (市委宣传部、网信办 → 市委网信办). A character found in no piece takes its usual
        written form in this notice (_usual); one the text does not hold is sj's own, kept."""
        if not self.converted or value.isascii():
            return value
        return self._as_written(value, self.index.locate(value, line))

    def restore_notice(self, notice: Notice) -> Notice:
        """The record with every value as written, except FIXED_FIELDS; a value with a span is
        read off its span."""
        return self._restore_model(notice, None) if self.converted else notice

    def _as_written(self, value: str, pieces: list[Piece]) -> str:
        spots = [i for i, char in enumerate(value) if not char.isspace()]  # the value's compact()
        out = list(value)
        found = [False] * len(spots)
        written, matched = self._written_text, self.index.text
        for k0, k1, start, end in pieces:
            chars = [(w, m) for w, m in zip(written[start:end], matched[start:end]) if not m.isspace()]
            for k, (w, m) in zip(range(k0, k1), chars):
                found[k] = True
                if m == value[spots[k]]:  # else a folded digit: the value's own
                    out[spots[k]] = w
        for k, i in enumerate(spots):
            if not found[k]:
                out[i] = self._usual.get(value[i], value[i])
        return "".join(out)

    def _restore_model(self, model: Record, line: int | None) -> Record:
        names, has_line = _text_fields(type(model))
        line = (has_line and model.line) or line
        spans = type(model).spans
        update = {}
        for name in names:
            value = getattr(model, name)
            span = getattr(model, spans[name]) if name in spans else None
            if isinstance(value, list):
                new = [self._restore_item(v, line, span[n] if span else None) for n, v in enumerate(value)]
                changed = any(a is not b for a, b in zip(new, value))
            else:
                new = self._restore_item(value, line, span)
                changed = new is not value
            if changed:
                update[name] = new
        return model.model_copy(update=update) if update else model

    def _restore_item(self, value, line: int | None, span: list[int] | None = None):
        if isinstance(value, str):
            if span and not value.isascii():
                new = self._as_written(value, _pieces_of(span, self.index.text))
            else:
                new = self.restore(value, line)
            return value if new == value else new
        return self._restore_model(value, line) if isinstance(value, Record) else value

    @cached_property
    def _written_text(self) -> str:
        return "\n".join(self.written)

    @cached_property
    def _usual(self) -> dict[str, str]:
        """The written form each matched character has most often in this notice (县 → 縣)."""
        usual: dict[str, str] = {}
        for (w, m), _ in Counter(zip("".join(self.written), "".join(self.matched))).most_common():
            usual.setdefault(m, w)
        return usual


def _pieces_of(span: list[int], text: str) -> list[Piece]:
    """A span's pieces with the part of the value each holds (a span covers its value whole)."""
    pieces, k = [], 0
    for start, end in zip(span[0::2], span[1::2]):
        size = len(compact(text[start:end]))
        pieces.append((k, k + size, start, end))
        k += size
    return pieces


@lru_cache(maxsize=None)
def _text_fields(model: type[Record]) -> tuple[tuple[str, ...], bool]:
    """The fields of a record model that may hold text of the notice (all but FIXED_FIELDS and
    spans), and whether it has a `line`."""
    skip = FIXED_FIELDS | set(model.spans.values())  # spans are offsets, not text
    return tuple(name for name in model.model_fields if name not in skip), "line" in model.model_fields


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
