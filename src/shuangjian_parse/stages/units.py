"""Unit names and unit lists, shared by the bodies stage (成员单位) and the duties stage.

`UnitReader.split("宣传、网信部门")` -> ["宣传部门", "网信部门"]; a 和 splits only between two
whole unit names, so 区发展和改革委员会 stays one unit.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..grammar import UnitRules, any_of, words

_CLOSE = {"（": "）", "(": ")", "<": ">", "《": "》", "〈": "〉", "【": "】", "“": "”", "[": "]"}
# Brackets split_outside_brackets counts (quotes are no brackets there).
_OPENING = frozenset(k for k in _CLOSE if k != "“")
_CLOSING = frozenset(v for v in _CLOSE.values() if v != "”")
_TRAILING_PAREN = re.compile(r"[（(<〈][^（()）<>〈〉]*[)）>〉]$")
_SENTENCE = re.compile(r"[。！？!?：:]")
_OPENERS = re.compile("[" + re.escape("".join(k for k in _CLOSE if k != "“")) + "]")


_ETC_GENERIC = re.compile(r"等(?:相关|有关|其他)?(?P<word>部门|单位)")  # 教育、公安等部门…


@lru_cache(maxsize=16)
def _splitter(separators: str) -> re.Pattern:
    return re.compile(f"[{re.escape(separators)}]")


class UnitReader:
    """Reads unit names with one grammar's rules; build it once per grammar."""

    def __init__(self, rules: UnitRules, catalogue: frozenset[str] = frozenset()) -> None:
        """`catalogue`: the department names the unit catalogue knows without a level prefix
        (教育局, 网信办), which tell a bare name from one with a place of its own."""
        self.rules = rules
        self._catalogue = catalogue
        self._suffix = re.compile(rf"(?:{words(rules.suffixes)})$")
        self._suffix_ends = frozenset(s[-1] for s in rules.suffixes) | {"）", ")"}
        self._known = set(rules.known_units)
        self._collective = set(rules.collective)
        self._trailing = [r.regex for r in rules.trailing_phrases]
        self._not_unit = any_of(rules.not_units)
        self._leading = rules.leading_words.regex
        self._generic = re.compile(rf"(?:{words(rules.generic_suffixes)})$")
        self._level = re.compile(rf"^(?:{words(rules.level_prefixes)})")
        self._joiner = re.compile(rf"(?:{words(rules.joiners)})")
        self._separators = rules.item_separators
        self._group_separators = "".join(c for c in rules.separators if c not in rules.item_separators)
        self._shared_prefix = rules.shared_prefix.regex
        self._unshared_levels = tuple(rules.unshared_levels)
        self._complete = re.compile(rf"(?:{words(rules.complete_suffixes)})$")
        # Unit names recur across notices (县教育局, 县公安局 …): each is read once per worker.
        self.is_unit = lru_cache(maxsize=16384)(self._is_unit)
        # The duty forms and the bodies' layouts ask about the same text several times a line.
        self._split_cached = lru_cache(maxsize=4096)(self._split)

    def _is_unit(self, name: str) -> bool:
        """`县委宣传部(县委网信办)` and `各乡镇人民政府（街道办事处）` are units; `宣传`, `主要职责` are not."""
        if not name or len(name) > self.rules.max_chars or _SENTENCE.search(name):
            return False
        if name in self._known:
            return True
        if name in self._collective:
            return False
        core = _TRAILING_PAREN.sub("", name)
        suffix = self._suffix.search(core)
        # 单位, 部门 alone are words, not units: a unit names more than its kind.
        return bool(suffix) and suffix.start() > 0 and not self._not_unit.search(name)

    def is_collective(self, name: str) -> bool:
        """`各成员单位`, `相关部门`: many units named together, none of its own."""
        return name in self._collective

    def starts_with_level(self, name: str) -> bool:
        """`县银保监组` starts with a level word (县); `综合协调组` does not."""
        return bool(self._level.match(name))

    def strip_trailing(self, text: str) -> str:
        """Drop what follows a unit list: `…县银保监组等单位主要负责人。` -> `…县银保监组`; a list of
        stems keeps the generic word its 等 names (`教育、公安等部门分管负责同志` -> `教育、公安部门`,
        which `distribute` shares like 宣传、网信部门)."""
        text = text.strip()
        changed = True
        while changed and text:
            changed = False
            for pattern in self._trailing:
                m = pattern.search(text)
                if m and m.start() > 0:
                    generic = _ETC_GENERIC.match(text, m.start())
                    text = text[: m.start()].rstrip()
                    if generic and not self.is_unit(text.rsplit("、", 1)[-1]):
                        text += generic.group("word")
                    changed = True
        return text

    def split(self, text: str) -> list[str]:
        """Split a unit list on 、，, and whole-unit 和/及; distribute shared prefixes and suffixes."""
        return list(self._split_cached(text))

    def _split(self, text: str) -> tuple[str, ...]:
        pieces = []
        for group in self._groups(text):
            items = []
            for piece in split_outside_brackets(group, self._separators):
                spaced = piece.split()
                if len(spaced) > 1 and all(self.is_unit(p) for p in spaced):
                    items.extend(spaced)  # 县委办 县政府办 县教育局
                else:
                    items.extend(self._split_joined("".join(piece.split())))
            items = [p for p in (self._leading.sub("", x.strip()) for x in items) if p and not self._not_unit.search(p)]
            pieces.extend(self.share_prefix(items))
        return tuple(self.distribute(pieces))

    def _groups(self, text: str) -> list[str]:
        """The groups of a unit list (parts between ，), what follows the list dropped; when every
        group ends with such a phrase, from each: 县水利局、县妇联分管负责同志，各乡镇分管负责同志
        -> [县水利局、县妇联, 各乡镇] (but 县委、县政府有关领导同志，具体由县委研究确定 stays whole)."""
        groups = split_outside_brackets(text.strip(), self._group_separators)
        if len(groups) > 1:
            stripped = [self.strip_trailing(g) for g in groups]
            if all(s != g.strip() for s, g in zip(stripped, groups) if g.strip()):
                return stripped
        return split_outside_brackets(self.strip_trailing(text), self._group_separators)

    def all_named(self, text: str) -> bool:
        """Every item of the list `text` is a unit named as such: `县教育局、县财政局`, `县委宣传部`
        (not 工作机构, a heading)."""
        units = self.split(text)
        return bool(units) and all(map(self.is_named, units))

    def is_named(self, name: str) -> bool:
        """A unit named as such, not a phrase that only ends like one: 市教育局 (a level word
        first), 彭水县教委, 共青团 and 纪检监察部门 (a name the catalogue knows, after any place)
        — not 落实政府, 统筹协调全市学校, 在县政府, 完成上级部门."""
        if not self.is_unit(name):
            return False
        prefix = self._shared_prefix.match(name)
        core = name[prefix.end():] if prefix else name
        if name in self._catalogue or (self._level.match(name) and len(name) > 2):
            return True
        # 彭水县教委: a place the rule cannot check, then a name of its own (not 在县|政府, 贯彻落实县|委)
        return core in self._catalogue and len(core) >= 2 and not self._generic.fullmatch(core)

    def unit_at_start(self, text: str) -> str | None:
        """The unit a text starts with when nothing separates it from what follows:
        `省教育厅在做好…` -> 省教育厅. The longest start whose core the catalogue knows, else the
        shortest start that is a named unit (is_named)."""
        shortest = None
        known = None
        for end in range(2, min(len(text) - 1, self.rules.max_chars) + 1):
            if text[end - 1] not in self._suffix_ends:
                continue  # no unit ends here
            name = text[:end]
            if not self.is_named(name):
                continue
            shortest = shortest or name
            prefix = self._shared_prefix.match(name)
            if name in self._catalogue or (prefix and name[prefix.end():] in self._catalogue):
                known = name
        return known or shortest

    def share_prefix(self, items: list[str]) -> list[str]:
        """A level prefix written once governs the bare names after it in its list:
        `市委宣传部、网信办` -> 市委宣传部, 市委网信办; `市外贸局、教育局` -> 市外贸局, 市教育局."""
        out, prefix = [], ""
        for item in items:
            # 市场监管局 is a department's bare name, though it starts like a place (市).
            own = self._shared_prefix.match(item) \
                if self.is_unit(item) and item not in self._catalogue else None
            if own:
                prefix = own.group("prefix")
                if prefix.endswith(self._unshared_levels):
                    prefix = ""  # 省发展改革委、教育厅、卫生健康委: provincial names stand bare
            elif prefix and self._takes_prefix(item):
                item = prefix + item
            out.append(item)
        return out

    def _takes_prefix(self, item: str) -> bool:
        """A bare department name (教育局, 网信办, 外贸局), not a name with a place of its own
        (兴业生态环境局: a place before a known name; 明山公安分局, 教育厅: complete names)."""
        if not self.is_unit(item):
            return False
        if item in self._catalogue:
            return True
        if self._level.match(item):
            return False
        if any(item[i:] in self._catalogue for i in range(2, len(item) - 1)):
            return False
        return len(item) <= self.rules.max_bare_chars and not self._complete.search(item)

    def _split_joined(self, piece: str) -> list[str]:
        """`县银保监组和各乡镇人民政府` -> two units; `区发展和改革委员会` -> one."""
        if len(piece) > 4 * self.rules.max_chars:
            return [piece]  # prose, not a unit list: no split (and no quadratic scan)
        for m in self._joiner.finditer(piece):
            left, right = piece[: m.start()], piece[m.end():]
            if not left or not right or _depth(left) > 0:
                continue
            if self.is_unit(left) and (self.is_unit(right) or self._level.match(right)
                                       or self._generic.search(right)):
                return [left] + self._split_joined(right)
        return [piece]

    def distribute(self, pieces: list[str], stems: bool = True) -> list[str]:
        """宣传、网信部门 -> 宣传部门, 网信部门; 各乡（镇）党委、政府 -> 各乡（镇）党委, 各乡（镇）政府.

        `stems=False` keeps only the second rule (a list of addressees is no list of stems)."""
        out = list(pieces)
        # A bare generic word takes the place words of the unit before it.
        for i in range(1, len(out)):
            if self._generic.fullmatch(out[i]):
                prev = self._generic.search(out[i - 1])
                if prev and prev.start() > 0:
                    out[i] = out[i - 1][: prev.start()] + out[i]
        # A run of stems takes the generic tail of the unit that closes it.
        i = 0 if stems else len(out)
        while i < len(out):
            if self.is_unit(out[i]):
                i += 1
                continue
            j = i
            while j < len(out) and not self.is_unit(out[j]):
                j += 1
            if j < len(out):
                tail = self._generic.search(out[j])
                stem_len = tail.start() if tail else 0
                if tail and stem_len > 0:
                    group = range(i, j + 1)
                    for k in range(i, j):
                        out[k] = out[k] + tail.group(0)
                    if out[i].startswith("各"):
                        for k in group:
                            if not out[k].startswith("各") and self._level.match(out[k]):
                                out[k] = "各" + out[k]
            i = j + 1
        return out


def _depth(text: str) -> int:
    depth = 0
    for ch in text:
        if ch in _CLOSE:
            depth += 1
        elif ch in _CLOSE.values():
            depth = max(0, depth - 1)
    return depth


@lru_cache(maxsize=16)
def _marks(separators: str) -> re.Pattern:
    """The characters split_outside_brackets looks at: brackets and `separators`."""
    return re.compile(f"[{re.escape(''.join(sorted(_OPENING | _CLOSING)) + separators)}]")



def split_outside_brackets(text: str, separators: str) -> list[str]:
    """Split on the characters of `separators` that are not inside （…）, <…>, 《…》:
    `张三（县长、书记）、李四`."""
    if not _OPENERS.search(text):
        # No brackets: split in C (on one character, str.split, the same pieces without the
        # cached pattern's look-up: posts are split on 、 a dozen times a notice).
        return text.split(separators) if len(separators) == 1 else _splitter(separators).split(text)
    # Only the brackets and separators are visited, found in C (a unit list of 200
    # characters has some 30), not every character.
    out, start, depth = [], 0, 0
    for m in _marks(separators).finditer(text):
        ch = m.group()
        if ch in _OPENING:
            depth += 1
        elif ch in _CLOSING:
            depth = max(0, depth - 1)
        if ch in separators and depth == 0:
            out.append(text[start:m.start()])
            start = m.end()
    out.append(text[start:])
    return out
