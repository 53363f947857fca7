"""Load YAML and JSON safely, and find where a value or key starts (1-based line, column).

    tree, = load_file("records/a.yaml")
    tree.data["document"]["date"]              # '2021-12-13'
    tree.values[("document", "date")]          # (12, 9)

YAML is read from the C parser's event stream (libyaml, through ruamel.yaml.clib; the pure
Python parser where that is missing) and never constructed into objects: only the standard
scalar, mapping and sequence tags are accepted, anchors and aliases are refused (no
billion-laughs expansion), scalars follow the YAML 1.2 core schema with timestamps kept as
text, and a duplicate key is recorded as a problem (the first value is kept). JSON is read by
the json module's C decoder (NaN and Infinity are not JSON; a duplicate key is a problem, the
first value kept). Both refuse files over `max_bytes` and nesting deeper than MAX_DEPTH.

Positions are found only for the paths asked about (`Tree.locate`): a second, quick pass over
the text follows those paths and skips everything else. Keeping a position for every value
as the data is read cost more than the reading itself (10 MB: minutes and gigabytes); a
report needs a hundred positions at most.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from json.decoder import JSONDecodeError, scanstring
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional

from .errors import InputError
from .files import TooLarge, read_input

MAX_BYTES = 10 * 1024 * 1024   # a record of the largest notice sj accepts (20 MiB) is far smaller
MAX_DEPTH = 64                 # a record nests about 12 deep (sections in sections in …)

DataPath = tuple  # a path into the data: ("bodies", 0, "members")
Position = tuple  # (line, column), 1-based


class LoadError(Exception):
    """A problem that stops reading a file: `LoadError(3, 5, "…", "syntax", ("document",))`.

    A duplicate key does not stop reading: it is kept in `Tree.problems`, with `first` the
    path whose first occurrence it repeats (`Tree.locate` tells that one's line)."""

    def __init__(self, line: int, column: int, message: str, rule: str, path: DataPath = (),
                 first: Optional[DataPath] = None) -> None:
        super().__init__(message)
        self.line, self.column, self.message, self.rule, self.path = line, column, message, rule, path
        self.first = first


@dataclass
class Spot:
    """Where a path is: `value`, the start of its value or, for a path that is not in the data
    (a missing field), of the deepest part of it that is; `key`, the start of its key."""

    value: Position
    key: Optional[Position] = None
    found: bool = True


class _Positions:
    """`tree.values[path]`, `tree.keys.get(path)`: one path at a time (Tree.locate for many)."""

    def __init__(self, tree: "Tree", key: bool) -> None:
        self._tree, self._key = tree, key

    def get(self, path: DataPath, default: Any = None) -> Any:
        spot = self._tree.locate([path])[path]
        if not spot.found:
            return default
        return (spot.key if self._key else spot.value) or default

    def __getitem__(self, path: DataPath) -> Position:
        found = self.get(path)
        if found is None:
            raise KeyError(path)
        return found

    def __contains__(self, path: object) -> bool:
        return self.get(path) is not None   # type: ignore[arg-type]


@dataclass
class Tree:
    """One loaded document: its plain data, the problems met reading it (duplicate keys), and
    where any path of it starts: `tree.locate([("document", "date")])`."""

    data: Any = None
    problems: list[LoadError] = field(default_factory=list)
    # (document's paths -> their Spots); None: a tree built by hand, every position is 1:1
    locator: Optional[Callable[[list[DataPath]], dict[DataPath, Spot]]] = None

    def locate(self, paths: Iterable[DataPath]) -> dict[DataPath, Spot]:
        """The Spot of each path, found in one pass over the text."""
        paths = list(dict.fromkeys(paths))
        if self.locator is None or not paths:
            return {path: Spot((1, 1)) for path in paths}
        return self.locator(paths)

    @property
    def values(self) -> _Positions:
        return _Positions(self, key=False)

    @property
    def keys(self) -> _Positions:
        return _Positions(self, key=True)


class _Node:
    """A trie of the paths asked about; a walk over the text fills in where each one starts."""

    __slots__ = ("children", "value", "key", "repeats", "size")

    def __init__(self) -> None:
        self.children: dict[Any, _Node] = {}
        self.value: Any = None   # a position (YAML) or an offset (JSON)
        self.key: Any = None
        self.repeats: Optional[dict[str, list[int]]] = None   # JSON: offsets of repeated keys
        self.size = 1            # nodes in this subtree


class _Progress:
    """How many trie nodes a walk has settled: seen, or known to be missing (their container
    ended without them). Once all are, the walk stops: the rest of the text is not read."""

    def __init__(self, total: int, early: bool = True) -> None:
        self.total, self.settled, self.early = total, 0, early

    def seen(self) -> None:
        self.settled += 1
        if self.early and self.settled == self.total:
            raise _AllFound

    def ended(self, node: _Node) -> None:
        """`node`'s container has ended: its children not seen are missing."""
        for child in node.children.values():
            if child.value is None:
                self.settled += child.size
        if self.early and self.settled == self.total:
            raise _AllFound


def _trie(paths: Iterable[DataPath]) -> tuple[_Node, int]:
    """The trie of `paths` and its number of nodes."""
    root = _Node()
    for path in paths:
        node, chain = root, [root]
        for part in path:
            child = node.children.get(part)
            if child is None:
                child = node.children[part] = _Node()
                for above in chain:
                    above.size += 1
            node = child
            chain.append(node)
    return root, root.size


def _spots(root: _Node, paths: list[DataPath],
           convert: Callable[[list[Any]], dict[Any, Position]] = lambda marks: {m: m for m in marks}
           ) -> dict[DataPath, Spot]:
    """Each path's Spot from the walked trie: its own start, or its deepest found ancestor's;
    `convert` turns what the walk noted (offsets) into positions, all at once."""
    chosen = []
    for path in paths:
        node, best, found = root, root.value, True
        for part in path:
            node = node.children[part]
            if node.value is None:
                found = False
                break
            best = node.value
        chosen.append((path, best, node.key if found and path else None, found))
    where = convert([mark for _, best, key, _ in chosen for mark in (best, key) if mark is not None])
    return {path: Spot(where[best] if best is not None else (1, 1),
                       where[key] if key is not None else None, found)
            for path, best, key, found in chosen}


class _AllFound(Exception):
    """Every path asked about has been seen: the walk stops early."""


# --- files ------------------------------------------------------------------------------------

def read_text(name: str, max_bytes: int = MAX_BYTES) -> str:
    """A file's text (UTF-8, BOM allowed); LoadError when unreadable, too large or not UTF-8."""
    try:
        data = read_input(name, max_bytes)   # as every command opens an input: no FIFO, no device
    except TooLarge as exc:
        raise LoadError(1, 1, exc.reason, "too-large") from None
    except InputError as exc:
        raise LoadError(1, 1, f"cannot read: {exc.reason}", "unreadable") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start:exc.start].decode("utf-8", "replace")) + 1
        raise LoadError(data.count(b"\n", 0, exc.start) + 1, column,
                        f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded "
                        "(records are UTF-8)", "encoding") from None


def detect_format(name: str, text: str) -> str:
    """`json` for .json files and for text that opens with { or [; `yaml` otherwise."""
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"


def load_text(text: str, fmt: str) -> list[Tree]:
    """The documents of a YAML stream, or the one JSON value; LoadError when unreadable."""
    return load_yaml(text) if fmt == "yaml" else [load_json(text)]


def load_file(name: str, max_bytes: int = MAX_BYTES) -> list[Tree]:
    """Load a record file safely: `load_file("gold/a.yaml")[0].data["document"]`."""
    text = read_text(name, max_bytes)
    return load_text(text, detect_format(name, text))


# YAML -----------------------------------------------------------------------------------------

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {"str", "int", "float", "bool", "null", "timestamp"}
_NO_KEY = object()      # a mapping frame waits for a key
_DUPLICATE = object()   # … for the value of a duplicate key, which is dropped


def _yaml_events(text: str) -> tuple[Iterator[Any], Any]:
    """ruamel.yaml's events of `text` (libyaml's C parser when ruamel.yaml.clib is installed:
    ~2 µs an event, where the pure-Python round-trip scanner took 25 µs, and more the more
    comments), and the YAML 1.2 resolver."""
    from ruamel.yaml import YAML

    try:
        from ruamel.yaml.cyaml import CParser
    except ImportError:  # pragma: no cover - no C parser (PyPy): the pure-Python one
        yaml = YAML(typ="safe", pure=True)
        return yaml.parse(text), yaml.resolver

    def events() -> Iterator[Any]:
        get = CParser(text).get_event
        while (event := get()) is not None:
            yield event

    return events(), YAML(typ="safe").resolver


def _scalar_reader(resolver: Any) -> Callable[[Any], Any]:
    """A ScalarEvent's plain value, resolved by the YAML 1.2 core schema (a timestamp stays
    text). Quoted scalars and those no implicit resolver starts with are strings at once;
    short plain ones are resolved once each."""
    from ruamel.yaml.nodes import ScalarNode

    starts = frozenset(resolver.versioned_resolver)
    memo: dict[str, Any] = {}

    def read(event: Any) -> Any:
        value, tag = event.value, event.ctag   # ctag: the tag without .tag's str() on each event
        if tag is None:
            if event.style or value[:1] not in starts:
                return value
            if value in memo:
                return memo[value]
            resolved = _convert(value, resolver.resolve(ScalarNode, value, event.implicit), event)
            if len(value) <= 32:
                memo[value] = resolved
            return resolved
        tag = str(tag)
        if tag == "!":
            return value
        return _convert(value, tag, event)

    return read


def _convert(value: str, tag: Any, event: Any) -> Any:
    name = str(tag)[len(_CORE):]
    try:
        if name == "null":
            return None
        if name == "bool":
            return value.lower() in ("true", "yes", "on", "y")
        if name == "int":
            return _yaml_int(value)
        if name == "float":
            return _yaml_float(value)
    except ValueError:
        raise LoadError(*_mark(event), f"{value[:40]!r} is not a valid {name}", "syntax") from None
    return value


def _mark(event: Any) -> Position:
    return event.start_mark.line + 1, event.start_mark.column + 1


def load_yaml(text: str) -> list[Tree]:
    """Plain trees from the YAML event stream (nothing is constructed), positions on demand."""
    from ruamel.yaml import events as ev
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    events, resolver = _yaml_events(text)
    scalar = _scalar_reader(resolver)
    trees: list[Tree] = []
    tree = Tree()
    # a frame: [container, its key (or index) in its parent, pending key, inside a dropped value]
    stack: list[list[Any]] = []

    def current_path() -> DataPath:
        """Where the event at hand is: its mapping key's path, else its container's."""
        if not stack:
            return ()
        path = tuple(frame[1] for frame in stack[1:])
        pending = stack[-1][2]
        if isinstance(stack[-1][0], list) or pending is _NO_KEY or pending is _DUPLICATE:
            return path
        return path + (pending,)

    def check_tag(event: Any, allowed: set[str]) -> None:
        if event.ctag is None:
            return
        tag = str(event.ctag)
        if tag == "!":
            return
        if not (tag.startswith(_CORE) and tag[len(_CORE):] in allowed):
            shown = "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag
            raise LoadError(*_mark(event), f"tag {shown} is not allowed: a record holds plain "
                                           "strings, numbers, booleans, nulls, mappings and lists",
                            "forbidden-tag", current_path())

    Scalar, MapStart, SeqStart = ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent
    MapEnd, SeqEnd = ev.MappingEndEvent, ev.SequenceEndEvent
    try:
        for event in events:
            kind = event.__class__
            if kind is Scalar:
                if event.ctag is not None:
                    check_tag(event, _SCALAR_TAGS)
                if not stack:
                    tree.data = scalar(event)
                    continue
                frame = stack[-1]
                container = frame[0]
                if container.__class__ is list:
                    container.append(scalar(event))
                elif frame[2] is _NO_KEY:   # a key
                    key = event.value
                    if key in container:
                        if not frame[3]:   # else inside a duplicate's value, already reported
                            path = tuple(f[1] for f in stack[1:]) + (key,)
                            tree.problems.append(LoadError(*_mark(event), f"duplicate key {key!r}",
                                                           "duplicate-key", path, first=path))
                        frame[2] = _DUPLICATE
                    else:
                        frame[2] = key
                else:
                    key, frame[2] = frame[2], _NO_KEY
                    if key is not _DUPLICATE:
                        container[key] = scalar(event)
            elif kind is MapStart or kind is SeqStart:
                check_tag(event, {"map"} if kind is MapStart else {"seq"})
                if len(stack) >= MAX_DEPTH:
                    raise LoadError(*_mark(event), f"nesting deeper than {MAX_DEPTH} levels is refused",
                                    "too-deep", current_path())
                new: Any = {} if kind is MapStart else []
                if not stack:
                    tree.data = new
                    stack.append([new, None, _NO_KEY, False])
                    continue
                frame = stack[-1]
                container = frame[0]
                if container.__class__ is list:
                    stack.append([new, len(container), _NO_KEY, frame[3]])
                    container.append(new)
                elif frame[2] is _NO_KEY:
                    raise LoadError(*_mark(event), "a mapping key must be a plain scalar", "syntax",
                                    current_path())
                else:
                    key, frame[2] = frame[2], _NO_KEY
                    if key is _DUPLICATE:
                        stack.append([new, None, _NO_KEY, True])
                    else:
                        container[key] = new
                        stack.append([new, key, _NO_KEY, frame[3]])
            elif kind is MapEnd or kind is SeqEnd:
                stack.pop()
            elif kind is ev.DocumentStartEvent:
                tree = Tree(locator=_yaml_locator(text, len(trees)))
            elif kind is ev.DocumentEndEvent:
                trees.append(tree)
            elif kind is ev.AliasEvent:
                raise LoadError(*_mark(event), f"alias *{event.anchor} is not allowed: anchors and "
                                               "aliases are refused in records", "alias",
                                current_path())
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = ": ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise LoadError(line, column, f"YAML syntax: {message}", "syntax", current_path()) from None
    except YAMLError as exc:  # ReaderError: a control character; it carries an offset
        position = getattr(exc, "position", 0) or 0
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        raise LoadError(line, column, f"YAML syntax: {reason}", "syntax") from None
    return trees


def _yaml_locator(text: str, document: int) -> Callable[[list[DataPath]], dict[DataPath, Spot]]:
    def locate(paths: list[DataPath]) -> dict[DataPath, Spot]:
        root, total = _trie(paths)
        _walk_yaml(text, document, root, total)
        return _spots(root, paths)
    return locate


def _walk_yaml(text: str, document: int, root: _Node, total: int) -> None:
    """Set the position of each trie node in document `document` (0-based) of `text`; values
    off the trie are skipped by counting their events; stops once every node is found."""
    from ruamel.yaml import events as ev

    Scalar, MapStart, SeqStart = ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent
    MapEnd, SeqEnd = ev.MappingEndEvent, ev.SequenceEndEvent
    events, _ = _yaml_events(text)
    doc, skip = -1, 0
    progress = _Progress(total)
    # a frame: [trie node, is a mapping, next index, pending (_NO_KEY, a node, None), keys seen]
    stack: list[list[Any]] = []
    for event in events:
        kind = event.__class__
        if skip:
            if kind is MapStart or kind is SeqStart:
                skip += 1
            elif kind is MapEnd or kind is SeqEnd:
                skip -= 1
            continue
        if kind is ev.DocumentStartEvent:
            doc += 1
            if doc > document:
                return
            continue
        if doc != document:
            continue
        if kind is MapEnd or kind is SeqEnd:
            try:
                progress.ended(stack.pop()[0])
            except _AllFound:
                return
            continue
        if kind is not Scalar and kind is not MapStart and kind is not SeqStart:
            continue
        if not stack:
            node: Optional[_Node] = root
        else:
            frame = stack[-1]
            if not frame[1]:
                node = frame[0].children.get(frame[2])
                frame[2] += 1
            elif frame[3] is _NO_KEY:   # a key (pass 1 made sure it is a scalar)
                key = event.value
                if key in frame[4]:
                    frame[3] = None      # a duplicate: its value is not in the data
                else:
                    frame[4].add(key)
                    frame[3] = frame[0].children.get(key)
                    if frame[3] is not None:
                        frame[3].key = _mark(event)
                continue
            else:
                node, frame[3] = frame[3], _NO_KEY
        if node is None:
            if kind is not Scalar:
                skip = 1
            continue
        node.value = _mark(event)
        try:
            progress.seen()
            if kind is Scalar:
                progress.ended(node)   # a scalar where paths go on: they are missing
        except _AllFound:
            return
        if kind is not Scalar:
            stack.append([node, kind is MapStart, 0, _NO_KEY, set()])


def _yaml_int(text: str) -> int:
    t = text.replace("_", "")
    sign = -1 if t.startswith("-") else 1
    t = t.lstrip("+-")
    base = {"0b": 2, "0o": 8, "0x": 16}.get(t[:2].lower())
    if base:
        return sign * int(t[2:], base)
    if ":" in t:  # YAML 1.1 sexagesimal, 1:30 == 90
        total = 0
        for part in t.split(":"):
            total = total * 60 + int(part)
        return sign * total
    return sign * int(t, 10)


def _yaml_float(text: str) -> float:
    t = text.replace("_", "").lower()
    if t.lstrip("+-") == ".inf":
        return float("-inf") if t.startswith("-") else float("inf")
    if t == ".nan":
        return float("nan")
    return float(t)


# JSON -----------------------------------------------------------------------------------------

_JSON_WS = re.compile(r"[ \t\n\r]*")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
# Runs of plain items and members, each followed by a comma (none inside: strings without a
# comma or an escape, numbers, literals, empty containers), skipped a thousand at a time by a
# regex when looking for an error: a list of millions of them is not walked in Python. (An
# unbounded repeat would keep a backtracking record per item: gigabytes.)
_PLAIN = r'(?:-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null|"[^"\\,\n]*"|\{[ \t\n\r]*\}|\[[ \t\n\r]*\])'
_ITEM_RUN = re.compile(rf"(?:{_PLAIN}[ \t\n\r]*,[ \t\n\r]*){{1,1000}}")
_MEMBER_RUN = re.compile(rf'(?:"[^"\\,\n]*"[ \t\n\r]*:[ \t\n\r]*{_PLAIN}[ \t\n\r]*,[ \t\n\r]*){{1,1000}}')


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def load_json(text: str) -> Tree:
    """Parse JSON (the json module's C decoder), positions on demand:
    `load_json('{"a": [1]}').values[("a", 0)] == (1, 8)`."""
    duplicates: dict[int, tuple[dict, list[str]]] = {}

    def pairs(items: list[tuple[str, Any]]) -> dict:
        result = dict(items)
        if len(result) != len(items):   # a key twice: the first value is kept
            result, repeated = {}, []
            for key, value in items:
                if key in result:
                    repeated.append(key)
                else:
                    result[key] = value
            duplicates[id(result)] = (result, repeated)
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):   # JSONDecodeError is a ValueError
        raise _json_error(text) from None
    tree = Tree(data, locator=lambda paths: _locate_json(text, paths))
    deep, surrogate, repeats = _inspect(data, duplicates, _SURROGATE_ESCAPE.search(text) is not None)
    if deep is not None:
        raise LoadError(*tree.values[deep], f"nesting deeper than {MAX_DEPTH} levels is refused",
                        "too-deep", deep)
    if surrogate is not None:
        path, is_key = surrogate
        spot = tree.locate([path])[path]
        raise LoadError(*(spot.key if is_key else spot.value),
                        "JSON syntax: a lone surrogate escape (\\ud800…) is not text", "syntax", path)
    if repeats:
        root, total = _trie(path for path, _ in repeats)
        nodes = []
        for path, _ in repeats:
            node = root
            for part in path:
                node = node.children[part]
            node.repeats = {}
            nodes.append(node)
        _walk_json(text, root, total, early=False)
        offsets = [(path + (key,), key, offset) for (path, _), node in zip(repeats, nodes)
                   for key, offs in node.repeats.items() for offset in offs]
        where = _positions(text, [offset for _, _, offset in offsets])
        tree.problems = [LoadError(*where[offset], f"duplicate key {key!r}", "duplicate-key", path,
                                   first=path) for path, key, offset in offsets]
    return tree


def _inspect(data: Any, duplicates: dict[int, tuple[dict, list[str]]], strings: bool
             ) -> tuple[Optional[DataPath], Optional[tuple[DataPath, bool]], list[tuple[DataPath, list]]]:
    """One walk over the containers of `data`: the first container nested too deep, the first
    string holding a lone surrogate (only looked for when `strings`; (path, is a key)), and the
    path of each mapping that had a duplicate key, in document order."""
    deep: list[DataPath] = []
    surrogate: list[tuple[DataPath, bool]] = []
    repeats: list[tuple[DataPath, list]] = []

    def walk(container: Any, path: DataPath, depth: int) -> None:
        if container.__class__ is dict:
            if id(container) in duplicates:
                repeats.append((path, duplicates[id(container)][1]))
            items: Iterable = container.items()
        else:
            items = enumerate(container)
        for key, value in items:
            if strings and key.__class__ is str and _SURROGATE.search(key) and not surrogate:
                surrogate.append((path + (key,), True))
            kind = value.__class__
            if kind is dict or kind is list:
                if depth >= MAX_DEPTH:
                    if not deep:
                        deep.append(path + (key,))
                    return
                if value:
                    walk(value, path + (key,), depth + 1)
            elif strings and kind is str and _SURROGATE.search(value) and not surrogate:
                surrogate.append((path + (key,), False))

    if data.__class__ is dict or data.__class__ is list:
        walk(data, (), 1)
    return (deep[0] if deep else None), (surrogate[0] if surrogate else None), repeats


def _positions(text: str, offsets: Iterable[int]) -> dict[int, Position]:
    """(line, column) of each offset, in one pass over the text however many there are."""
    found: dict[int, Position] = {}
    line, line_start, last = 1, 0, 0
    for offset in sorted(set(offsets)):
        newlines = text.count("\n", last, offset)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", last, offset) + 1
        found[offset] = (line, offset - line_start + 1)
        last = offset
    return found


def _locate_json(text: str, paths: list[DataPath]) -> dict[DataPath, Spot]:
    root, total = _trie(paths)
    _walk_json(text, root, total, early=True)
    return _spots(root, paths, lambda offsets: _positions(text, offsets))


def _walk_json(text: str, root: _Node, total: int, early: bool) -> None:
    """Set the offset of each trie node (and of its repeated keys, where it asks); every value
    off the trie is skipped by the C scanner. With `early`, stops once every node is found."""
    scan = json.JSONDecoder().scan_once
    ws = _JSON_WS.match
    progress = _Progress(total, early)

    def value(node: _Node, offset: int) -> int:
        node.value = offset
        progress.seen()
        char = text[offset]
        if char == "{" and (node.children or node.repeats is not None):
            offset = ws(text, offset + 1).end()
            seen: set[str] = set()
            while text[offset] != "}":
                start = offset
                key, offset = scanstring(text, offset + 1, True)
                offset = ws(text, ws(text, offset).end() + 1).end()   # past the ':'
                child = None
                if key in seen:
                    if node.repeats is not None:
                        node.repeats.setdefault(key, []).append(start)
                else:
                    seen.add(key)
                    child = node.children.get(key)
                if child is not None:
                    child.key = start
                    offset = value(child, offset)
                else:
                    offset = scan(text, offset)[1]
                offset = ws(text, offset).end()
                if text[offset] == ",":
                    offset = ws(text, offset + 1).end()
            progress.ended(node)
            return offset + 1
        if char == "[" and node.children:
            offset = ws(text, offset + 1).end()
            index = 0
            while text[offset] != "]":
                child = node.children.get(index)
                offset = value(child, offset) if child is not None else scan(text, offset)[1]
                index += 1
                offset = ws(text, offset).end()
                if text[offset] == ",":
                    offset = ws(text, offset + 1).end()
            progress.ended(node)
            return offset + 1
        progress.ended(node)   # a scalar where the paths go on: they are missing
        return scan(text, offset)[1]

    try:
        value(root, ws(text, 0).end())
    except _AllFound:
        pass


def _json_error(text: str) -> LoadError:
    """Why `text` is not JSON, where, and in which value: a walk down into the value that
    fails, each whole value on the way skipped by the C scanner (only the failing path is
    read in Python, so a 10 MB file with an error at its end is still quick)."""
    scan = json.JSONDecoder(parse_constant=_refuse_constant).scan_once
    ws = _JSON_WS.match

    def fail(offset: int, message: str, path: DataPath, rule: str = "syntax") -> LoadError:
        return LoadError(*_positions(text, [offset])[offset], message, rule, path)

    def value(offset: int, path: DataPath, depth: int) -> int:
        char = text[offset:offset + 1]
        if char == '"':
            try:
                return scanstring(text, offset + 1, True)[1]
            except JSONDecodeError as exc:
                raise fail(exc.pos, f"JSON syntax: {exc.msg}", path) from None
        if char in ("{", "["):
            if depth >= MAX_DEPTH:
                raise fail(offset, f"nesting deeper than {MAX_DEPTH} levels is refused", path, "too-deep")
            try:
                return scan(text, offset)[1]   # whole: the error is elsewhere
            except (StopIteration, ValueError, RecursionError):
                pass
            return (members if char == "{" else items)(offset, path, depth + 1)
        try:
            return scan(text, offset)[1]
        except (StopIteration, ValueError):
            found = repr(char) if char else "the end of the file"
            raise fail(offset, f"JSON syntax: expected a value, found {found}", path) from None

    def members(offset: int, path: DataPath, depth: int) -> int:
        offset = ws(text, offset + 1).end()
        if text.startswith("}", offset):
            return offset + 1
        while True:
            while run := _MEMBER_RUN.match(text, offset):
                offset = run.end()
            if not text.startswith('"', offset):
                raise fail(offset, 'JSON syntax: expected a "quoted" key', path)
            try:
                key, offset = scanstring(text, offset + 1, True)
            except JSONDecodeError as exc:
                raise fail(exc.pos, f"JSON syntax: {exc.msg}", path) from None
            offset = ws(text, offset).end()
            if not text.startswith(":", offset):
                raise fail(offset, "JSON syntax: expected ':' after a key", path + (key,))
            offset = ws(text, value(ws(text, offset + 1).end(), path + (key,), depth)).end()
            if text.startswith(",", offset):
                offset = ws(text, offset + 1).end()
            elif text.startswith("}", offset):
                return offset + 1
            else:
                raise fail(offset, "JSON syntax: expected ',' or '}'", path)

    def items(offset: int, path: DataPath, depth: int) -> int:
        offset = ws(text, offset + 1).end()
        if text.startswith("]", offset):
            return offset + 1
        index = 0
        while True:
            while run := _ITEM_RUN.match(text, offset):
                index += text.count(",", offset, run.end())
                offset = run.end()
            offset = ws(text, value(offset, path + (index,), depth)).end()
            index += 1
            if text.startswith(",", offset):
                offset = ws(text, offset + 1).end()
            elif text.startswith("]", offset):
                return offset + 1
            else:
                raise fail(offset, "JSON syntax: expected ',' or ']'", path)

    offset = ws(text, 0).end()
    if offset == len(text):
        return fail(offset, "JSON syntax: the file is empty", (), "empty")
    try:
        offset = ws(text, value(offset, (), 0)).end()
    except LoadError as exc:
        return exc
    if offset != len(text):
        return fail(offset, "JSON syntax: extra data after the top-level value", ())
    return fail(0, "JSON syntax: not a JSON value", ())   # pragma: no cover - json.loads agreed
