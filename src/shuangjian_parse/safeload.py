"""Load YAML and JSON safely, keeping where each value and key starts (1-based line, column).

    tree, = load_file("records/a.yaml")
    tree.data["document"]["date"]              # '2021-12-13'
    tree.values[("document", "date")]          # (12, 9)

YAML is read from ruamel.yaml's event stream and never constructed into objects: only the
standard scalar, mapping and sequence tags are accepted, anchors and aliases are refused (no
billion-laughs expansion), scalars follow the YAML 1.2 core schema with timestamps kept as
text, and a duplicate key is recorded as a problem (the first value is kept). JSON is read by
a small depth-limited reader over the json module's own string scanner, so that every value
has its offset; NaN and Infinity are not JSON. Both refuse files over `max_bytes` and nesting
deeper than MAX_DEPTH.
"""
from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from json.decoder import scanstring
from pathlib import Path
from typing import Any

from .errors import InputError
from .files import TooLarge, read_input

MAX_BYTES = 10 * 1024 * 1024   # a record of the largest notice sj accepts (20 MiB) is far smaller
MAX_DEPTH = 64                 # a record nests about 12 deep (sections in sections in …)

DataPath = tuple  # a path into the data: ("bodies", 0, "members")


class LoadError(Exception):
    """A problem that stops reading a file: `LoadError(3, 5, "…", "syntax", ("document",))`."""

    def __init__(self, line: int, column: int, message: str, rule: str, path: DataPath = ()) -> None:
        super().__init__(message)
        self.line, self.column, self.message, self.rule, self.path = line, column, message, rule, path


@dataclass
class Tree:
    """Loaded plain data and where each path of it starts: `values[("document", "date")] == (5, 9)`."""

    data: Any = None
    values: dict[DataPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[DataPath, tuple[int, int]] = field(default_factory=dict)
    problems: list[LoadError] = field(default_factory=list)


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


class _Frame:
    __slots__ = ("container", "path", "key", "key_line")

    def __init__(self, container: Any, path: DataPath | None) -> None:
        self.container = container
        self.path = path            # None inside a duplicate key's value: positions not kept
        self.key: Any = _NO_KEY     # a mapping's pending key, until its value arrives
        self.key_line = 0


_NO_KEY = object()
_DUPLICATE = object()


def load_yaml(text: str) -> list[Tree]:
    """Build plain trees from ruamel.yaml's events (nothing is constructed), with positions."""
    from ruamel.yaml import YAML
    from ruamel.yaml import events as ev
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.nodes import ScalarNode

    yaml = YAML(typ="rt")
    resolver = yaml.resolver
    trees: list[Tree] = []
    tree = Tree()
    stack: list[_Frame] = []

    def where(event) -> tuple[int, int]:
        return event.start_mark.line + 1, event.start_mark.column + 1

    def current_path() -> DataPath:
        for frame in reversed(stack):
            if frame.path is not None:
                if isinstance(frame.container, dict) and frame.key not in (_NO_KEY, _DUPLICATE):
                    return frame.path + (frame.key,)
                return frame.path
        return ()

    def place(value: Any, event, is_scalar: bool) -> DataPath | None:
        """Put a new node into its parent; returns its path (None when not kept)."""
        if not stack:
            tree.data = value
            tree.values[()] = where(event)
            return ()
        frame = stack[-1]
        if isinstance(frame.container, list):
            index = len(frame.container)
            frame.container.append(value)
            path = None if frame.path is None else frame.path + (index,)
        elif frame.key is _NO_KEY:  # this node is a key
            if not is_scalar:
                raise LoadError(*where(event), "a mapping key must be a plain scalar", "syntax",
                                frame.path or ())
            key = event.value
            if key in frame.container:
                if frame.path is not None:  # else inside a duplicate's value, already reported
                    first = tree.keys.get(frame.path + (key,))
                    seen = f" (first at line {first[0]})" if first else ""
                    tree.problems.append(LoadError(*where(event), f"duplicate key {key!r}{seen}",
                                                   "duplicate-key", frame.path + (key,)))
                frame.key = _DUPLICATE
            else:
                frame.key = key
                if frame.path is not None:
                    tree.keys[frame.path + (key,)] = where(event)
            return None
        else:
            key, frame.key = frame.key, _NO_KEY
            if key is _DUPLICATE:
                return None
            frame.container[key] = value
            path = None if frame.path is None else frame.path + (key,)
        if path is not None:
            tree.values[path] = where(event)
        return path

    def check_tag(event, allowed: set[str]) -> None:
        tag = event.tag
        if tag is None or tag == "!":
            return
        tag = str(tag)
        if not (tag.startswith(_CORE) and tag[len(_CORE):] in allowed):
            shown = "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag
            raise LoadError(*where(event), f"tag {shown} is not allowed: a record holds plain "
                                           "strings, numbers, booleans, nulls, mappings and lists",
                            "forbidden-tag", current_path())

    try:
        for event in yaml.parse(text):
            if isinstance(event, ev.DocumentStartEvent):
                tree = Tree()
            elif isinstance(event, ev.DocumentEndEvent):
                trees.append(tree)
            elif isinstance(event, ev.AliasEvent):
                raise LoadError(*where(event), f"alias *{event.anchor} is not allowed: anchors and "
                                               "aliases are refused in records", "alias",
                                current_path())
            elif isinstance(event, ev.ScalarEvent):
                check_tag(event, _SCALAR_TAGS)
                is_key = (bool(stack) and isinstance(stack[-1].container, dict)
                          and stack[-1].key is _NO_KEY)
                value = event.value if is_key else _scalar(event, resolver, ScalarNode, where)
                place(value, event, True)
            elif isinstance(event, (ev.MappingStartEvent, ev.SequenceStartEvent)):
                is_map = isinstance(event, ev.MappingStartEvent)
                check_tag(event, {"map"} if is_map else {"seq"})
                if len(stack) >= MAX_DEPTH:
                    raise LoadError(*where(event), f"nesting deeper than {MAX_DEPTH} levels is refused",
                                    "too-deep", current_path())
                container: Any = {} if is_map else []
                path = place(container, event, False)
                stack.append(_Frame(container, path))
            elif isinstance(event, (ev.MappingEndEvent, ev.SequenceEndEvent)):
                stack.pop()
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


def _scalar(event, resolver, node_type, where) -> Any:
    """A YAML scalar's plain value: resolved by the YAML core schema; a timestamp stays text."""
    value = event.value
    tag = event.tag
    if tag is None or tag == "!":
        if event.style is not None or tag == "!":
            return value
        tag = resolver.resolve(node_type, value, event.implicit)
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
        raise LoadError(*where(event), f"{value[:40]!r} is not a valid {name}", "syntax") from None
    return value


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
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class _JsonReader:
    """Recursive descent over the text, depth-limited, positions kept for every value and key."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tree = Tree()
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def fail(self, offset: int, message: str, rule: str = "syntax", path: DataPath = ()) -> LoadError:
        return LoadError(*self.position(offset), message, rule, path)

    def skip(self, offset: int) -> int:
        return _JSON_WS.match(self.text, offset).end()

    def read(self) -> Tree:
        offset = self.skip(0)
        if offset == len(self.text):
            raise self.fail(offset, "JSON syntax: the file is empty", "empty")
        self.tree.data, offset = self.value(offset, (), 0)
        offset = self.skip(offset)
        if offset != len(self.text):
            raise self.fail(offset, "JSON syntax: extra data after the top-level value")
        return self.tree

    def value(self, offset: int, path: DataPath | None, depth: int) -> tuple[Any, int]:
        text = self.text
        if path is not None:
            self.tree.values[path] = self.position(offset)
        char = text[offset:offset + 1]
        if char in ("{", "["):
            if depth >= MAX_DEPTH:
                raise self.fail(offset, f"nesting deeper than {MAX_DEPTH} levels is refused",
                                "too-deep", path or ())
            return (self.object if char == "{" else self.array)(offset, path, depth + 1)
        if char == '"':
            return self.string(offset, path)
        match = _JSON_NUMBER.match(text, offset)
        if match:
            try:
                is_float = match.group(1) or match.group(2)
                number = float(match.group()) if is_float else int(match.group())
            except ValueError:
                raise self.fail(offset, "JSON syntax: number too long", path=path or ()) from None
            return number, match.end()
        for literal, constant in (("true", True), ("false", False), ("null", None)):
            if text.startswith(literal, offset):
                return constant, offset + len(literal)
        found = repr(char) if char else "the end of the file"
        raise self.fail(offset, f"JSON syntax: expected a value, found {found}", path=path or ())

    def string(self, offset: int, path: DataPath | None) -> tuple[str, int]:
        try:
            value, end = scanstring(self.text, offset + 1, True)
        except json.JSONDecodeError as exc:
            raise self.fail(exc.pos, f"JSON syntax: {exc.msg}", path=path or ()) from None
        if _SURROGATE.search(value):
            raise self.fail(offset, "JSON syntax: a lone surrogate escape (\\ud800…) is not text",
                            path=path or ())
        return value, end

    def object(self, offset: int, path: DataPath | None, depth: int) -> tuple[dict, int]:
        result: dict[str, Any] = {}
        offset = self.skip(offset + 1)
        if self.text.startswith("}", offset):
            return result, offset + 1
        while True:
            if not self.text.startswith('"', offset):
                raise self.fail(offset, "JSON syntax: expected a \"quoted\" key", path=path or ())
            key, after = self.string(offset, path)
            key_path = None if path is None else path + (key,)
            duplicate = key in result
            if duplicate and key_path is not None:  # else inside a duplicate's value, already reported
                first = self.tree.keys.get(key_path)
                seen = f" (first at line {first[0]})" if first else ""
                self.tree.problems.append(self.fail(offset, f"duplicate key {key!r}{seen}",
                                                    "duplicate-key", key_path))
            elif key_path is not None:
                self.tree.keys[key_path] = self.position(offset)
            offset = self.skip(after)
            if not self.text.startswith(":", offset):
                raise self.fail(offset, "JSON syntax: expected ':' after a key", path=key_path or ())
            offset = self.skip(offset + 1)
            item, offset = self.value(offset, None if duplicate else key_path, depth)
            if not duplicate:
                result[key] = item
            offset = self.skip(offset)
            if self.text.startswith(",", offset):
                offset = self.skip(offset + 1)
            elif self.text.startswith("}", offset):
                return result, offset + 1
            else:
                raise self.fail(offset, "JSON syntax: expected ',' or '}'", path=path or ())

    def array(self, offset: int, path: DataPath | None, depth: int) -> tuple[list, int]:
        result: list[Any] = []
        offset = self.skip(offset + 1)
        if self.text.startswith("]", offset):
            return result, offset + 1
        while True:
            item_path = None if path is None else path + (len(result),)
            item, offset = self.value(offset, item_path, depth)
            result.append(item)
            offset = self.skip(offset)
            if self.text.startswith(",", offset):
                offset = self.skip(offset + 1)
            elif self.text.startswith("]", offset):
                return result, offset + 1
            else:
                raise self.fail(offset, "JSON syntax: expected ',' or ']'", path=path or ())


def load_json(text: str) -> Tree:
    """Parse JSON with positions: `load_json('{"a": [1]}').values[("a", 0)] == (1, 8)`."""
    return _JsonReader(text).read()
