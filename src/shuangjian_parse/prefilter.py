"""Skip a regex on texts it cannot match: the literal text every match must contain.

`(?P<unit>[^，。；]{2,25}?)(?:为|是|作为)牵头单位` is tried at every position of every sentence,
each try reading up to 25 characters ahead; yet no sentence without 牵头单位 can match it.
`required_literals()` reads that from the pattern's syntax tree, and `gate()` wraps a
compiled pattern so that its methods first look for one of those literals (a plain
alternation the engine scans for fast) and answer "no match" at once when none is there:

    required_literals("(?:由)?(?P<who>[^，]{2,30}?)(?:兼任|担任|任)") == ("任",)
    required_literals("办公室(?:暂)?(?:设在|设于)") == ("办公室",)
    required_literals("^\\d+\\s*") is None                   # any digit: nothing to look for
    gate(re.compile(pattern)).search(text)                  # same result, less work

The answer is exact, not a heuristic: a literal is required only when every way the pattern
can match passes through it (a sequence needs any one of its parts, a branch needs one of
each alternative's, a repeat needs its body only when it must occur). Patterns that start
with a literal, an anchor or a class of the characters they need are left alone: the regex
engine already finds those fast; but for an anchor followed by a run of any characters
(`^(?P<name>.*?)名单`, `^[^。，]{2,40}?文件$`), which is tried at every length of the run.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Iterator, Optional

try:  # Python ≥ 3.11
    from re import _compiler, _constants as _c, _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_compile as _compiler  # type: ignore[no-redef]
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]
_compile = _compiler.compile   # a parsed pattern compiled as it stands

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT} | ({_c.POSSESSIVE_REPEAT} if hasattr(_c, "POSSESSIVE_REPEAT") else set())
_ATOMIC = getattr(_c, "ATOMIC_GROUP", None)
_CHARSET_MAX = 8   # a class of more characters than this is no useful requirement


def required_literals(pattern: str) -> Optional[tuple[str, ...]]:
    """Strings one of which every match of `pattern` contains; None when there are none."""
    try:
        return _required(_p.parse(pattern))
    except re.error:
        return None


def _required(tree: Any) -> Optional[tuple[str, ...]]:
    if tree.state.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    need = _sequence(list(tree))
    return tuple(sorted(need)) if need else None


def _sequence(items: list) -> Optional[frozenset[str]]:
    """What a sequence needs: the most selective of what its parts need."""
    options = _options(items)
    return options[0] if options else None


def _options(items: list) -> list[frozenset[str]]:
    """What each part of a sequence needs (a match needs them all), the most selective first:
    longest shortest literal first (fewer texts hold it), then fewest alternatives."""
    options: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            options.append(frozenset(["".join(run)]))
            run = []
        need = _item(op, av)
        if need:
            options.append(need)
    if run:
        options.append(frozenset(["".join(run)]))
    return sorted(options, key=lambda s: (-min(map(len, s)), len(s)))  # (stable: equals in order)


def _item(op: Any, av: Any) -> Optional[frozenset[str]]:
    if op is _c.SUBPATTERN:
        _group, add_flags, _del_flags, body = av
        return None if add_flags & re.IGNORECASE else _sequence(list(body))
    if op is _ATOMIC:
        return _sequence(list(av))
    if op is _c.BRANCH:
        alternatives = [_sequence(list(alt)) for alt in av[1]]
        if any(a is None for a in alternatives):
            return None
        return _minimal(frozenset().union(*alternatives))
    if op in _REPEATS:
        low, _high, body = av
        return _sequence(list(body)) if low >= 1 else None
    if op is _c.IN and len(av) <= _CHARSET_MAX and all(o is _c.LITERAL for o, _ in av):
        return frozenset(chr(code) for _, code in av)
    return None  # anchors, lookarounds, negated or ranged classes, any character, backrefs


def _minimal(need: frozenset[str]) -> frozenset[str]:
    """Drop a literal that contains another: a text holding 担任 holds 任."""
    return frozenset(w for w in need if not any(v != w and v in w for v in need))


def first_characters(pattern: str) -> Optional[tuple[str, ...]]:
    """The characters a match of `pattern` at a text's start can begin with, as the parts of a
    character class; None when they are no short list (a negated class, any character, a
    category but \\d and \\s, a match that may be empty). A text whose first character is not
    in the class cannot match at its start:

        first_characters("^(?:主办|承办)单位") == ("主", "承")
        first_characters("^[-—\\s]*\\d{1,4}$") == ("\\-", "\\d", "\\s", "—")
        first_characters("^\\S{1,12}网") is None
    """
    try:
        tree = _p.parse(pattern)
    except re.error:
        return None
    if tree.state.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    found = _starts(list(tree))
    if found is None or found[1] or not found[0]:
        return None
    return tuple(sorted(found[0]))


def _starts(items: list) -> Optional[tuple[frozenset[str], bool]]:
    """What a sequence's match can start with (class parts), and whether it can be empty; None
    when that is no short list. Anchors and lookarounds consume nothing: what follows starts."""
    parts: frozenset[str] = frozenset()
    for op, av in items:
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue
        if op is _c.LITERAL:
            return parts | {re.escape(chr(av))}, False
        if op is _c.IN:
            inner = _class_parts(av)
            return None if inner is None else (parts | inner, False)
        if op is _c.SUBPATTERN:
            found = None if av[1] & re.IGNORECASE else _starts(list(av[3]))
        elif op is _ATOMIC:
            found = _starts(list(av))
        elif op is _c.BRANCH:
            each = [_starts(list(alternative)) for alternative in av[1]]
            found = None if None in each else (frozenset().union(*(f[0] for f in each)), any(f[1] for f in each))
        elif op in _REPEATS:
            found = _starts(list(av[2]))
            found = found if found is None or av[0] >= 1 else (found[0], True)
        else:
            return None   # any character, a negated literal, a back reference …
        if found is None:
            return None
        parts |= found[0]
        if not found[1]:
            return parts, False
    return parts, True


_CLASS_CATEGORIES = {_c.CATEGORY_DIGIT: r"\d", _c.CATEGORY_SPACE: r"\s"}


def _class_parts(items: list) -> Optional[frozenset[str]]:
    """A class's members as class parts (a, a-z, \\d); None for a negated or a wide class."""
    parts = set()
    for op, av in items:
        if op is _c.LITERAL:
            parts.add(re.escape(chr(av)))
        elif op is _c.RANGE:
            parts.add(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is _c.CATEGORY and av in _CLASS_CATEGORIES:
            parts.add(_CLASS_CATEGORIES[av])
        else:
            return None   # a negated class, \\w, \\S …
    return frozenset(parts)


class CharacterTest(dict):
    """{character: whether `pattern` matches it}, filled as characters are asked for: a
    look-up costs a fraction of a call of the pattern, and the lines of all notices start and
    end with a few thousand characters at most. `CharacterTest(re.compile("[，、]"))["，"]`;
    with the class of first_characters, `test[text[:1]]` is False for a text no match starts.
    (A dict: empty, it is false; ask `is None` of what may be one.)"""

    def __init__(self, pattern: re.Pattern) -> None:
        super().__init__()
        self.pattern = pattern

    def __missing__(self, char: str) -> bool:
        found = self[char] = self.pattern.match(char) is not None
        return found

    @classmethod
    def starting(cls, parts: Optional[tuple[str, ...]]) -> Optional["CharacterTest"]:
        """The test of a text's first character against the class parts first_characters
        gives; None when it gives none (a pattern that may start with any character)."""
        return cls(re.compile(f"[{''.join(parts)}]")) if parts else None


def needs_any(patterns: list[str], required: Any = None) -> Optional[re.Pattern]:
    """A pattern that finds, in a text, a literal one of `patterns` needs; None when one of
    them needs none. A text it does not find cannot match any of them:

        needs_any(["由(?P<u>.+?)组成", "成员单位为(?P<u>.+)"]).search(sentence) is None

    `required` works out a pattern's literals (default required_literals; grammar.required
    keeps them between runs)."""
    union: set[str] = set()
    for pattern in patterns:
        need = (required or required_literals)(pattern)
        if need is None:
            return None
        union.update(need)
    return _finder(union)


def _finder(literals: Iterable[str]) -> re.Pattern:
    """A pattern finding any of `literals` (the engine scans for their first characters)."""
    return re.compile("|".join(re.escape(w) for w in sorted(_minimal(frozenset(literals)),
                                                            key=lambda w: (-len(w), w))))


def gate(regex: re.Pattern) -> Any:
    """`regex`, or a GatedPattern when its matches need a literal it does not start with."""
    if regex.flags & (re.IGNORECASE | re.VERBOSE):
        return regex
    try:
        tree = _p.parse(regex.pattern)
    except re.error:
        return regex
    items = list(tree)
    first = _first(items)
    op = first[0] if first else None
    anchored_run = items[0][0] is _c.AT and _reads_ahead(items[1:])
    if op in (None, _c.LITERAL, _c.AT) and not anchored_run:
        return regex
    need = _required(tree)
    if not need or (op is _c.IN and max(map(len, need)) == 1 and _holds(tree, first, need)):
        return regex  # nothing to look for, or single characters the engine's first scan finds
    return GatedPattern(regex, need, _also(tree, need))


def _also(tree: Any, need: tuple[str, ...]) -> tuple[str, ...]:
    """A second set of literals every match needs besides `need`, when the pattern has one in
    another part (办公室主任由X兼任 needs 由 as well as a role word): a text that holds a role
    word and no 由 is then told apart without the search, which a lazy run makes dear."""
    if tree.state.flags & (re.IGNORECASE | re.VERBOSE):
        return ()
    for option in _options(list(tree))[1:]:
        if not all(any(o in w for o in option) for w in need):  # (not implied by `need`)
            return tuple(sorted(option))
    return ()


def _first(items: list) -> Optional[tuple]:
    """The item (op, av) a match starts with, looking into groups and repeats that must occur."""
    while items:
        op, av = items[0]
        if op is _c.SUBPATTERN:
            items = list(av[3])
        elif op in _REPEATS and av[0] >= 1:
            items = list(av[2])
        else:
            return op, av
    return None


def _holds(tree: Any, first: tuple, need: tuple[str, ...]) -> bool:
    """Whether the class a match starts with holds every needed character: the engine's scan for
    that class stops at them anyway. A date `[\\d一二…]{4}\\s*年…` needs a 年 its class does not hold,
    and is tried at every digit of a text without one."""
    try:
        start = _compile(_p.SubPattern(tree.state, [first]), tree.state.flags)
    except (re.error, TypeError, AttributeError):  # pragma: no cover - a parser without these
        return True
    return all(start.fullmatch(c) for c in need)


def _reads_ahead(items: list) -> bool:
    """After `^`, a run of any characters (`.*?`, `[^。，]{2,40}?`): a match is tried at every
    length of the run, and fails only at the end of the text, where a gate fails at once
    (`^(?P<name>.*?)名单`); a literal or a class of a few characters fails at the start."""
    while items:
        op, av = items[0]
        if op is _c.SUBPATTERN:
            items = list(av[3])
        elif op in _REPEATS:
            items = list(av[2])
        else:
            return op is _c.ANY or (op is _c.IN and bool(av) and av[0][0] is _c.NEGATE)
    return False


class GatedPattern:
    """A compiled pattern whose methods return "no match" at once when the text holds none
    of the literals every match needs; otherwise they are the pattern's own. With a `pos` and
    `endpos` only that stretch is looked in: the literals are in what a match consumes."""

    __slots__ = ("regex", "need", "also", "pattern", "groupindex", "groups", "flags", "_find")

    def __init__(self, regex: re.Pattern, need: tuple[str, ...], also: tuple[str, ...] = ()) -> None:
        self.regex = regex
        self.need = need
        self.also = also  # a second set, one of which every match holds too
        self.pattern = regex.pattern
        self.groupindex = regex.groupindex
        self.groups = regex.groups
        self.flags = regex.flags
        self._find = _finder(need).search
        if also:
            find, find_also = self._find, _finder(also).search
            self._find = lambda string, *args: find(string, *args) and find_also(string, *args)

    def search(self, string: str, *args: int) -> Optional[re.Match]:
        return None if self._find(string, *args) is None else self.regex.search(string, *args)

    def match(self, string: str, *args: int) -> Optional[re.Match]:
        return None if self._find(string, *args) is None else self.regex.match(string, *args)

    def fullmatch(self, string: str, *args: int) -> Optional[re.Match]:
        return None if self._find(string, *args) is None else self.regex.fullmatch(string, *args)

    def finditer(self, string: str, *args: int) -> Iterator[re.Match]:
        return iter(()) if self._find(string, *args) is None else self.regex.finditer(string, *args)

    def findall(self, string: str, *args: int) -> list:
        return [] if self._find(string, *args) is None else self.regex.findall(string, *args)

    def sub(self, repl: Any, string: str, count: int = 0) -> str:
        return string if self._find(string) is None else self.regex.sub(repl, string, count)

    def split(self, string: str, maxsplit: int = 0) -> list[str]:
        return [string] if self._find(string) is None else self.regex.split(string, maxsplit)

    def __repr__(self) -> str:
        return f"gate({self.regex!r}, need={self.need!r}, also={self.also!r})"
