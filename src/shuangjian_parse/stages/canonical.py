"""Canonical units: every unit of the record looked up in the unit catalogue (catalogue.yaml).

    reader = CanonicalReader(grammar.catalogue, UnitReader(grammar.units))
    reader.lookup("县人社局").canonical          # '人力资源和社会保障局'
    reader.split_post("县教育局局长")            # PostUnit(unit='县教育局', title='局长', rank=6, …)
    extract_canonical(bodies, duties, reader, report)

A name is [level prefix] + core: the prefix is found by the `level_prefix` rule (县, 彭水县,
中共…县委, 各县（市、区）), the core among the entries' aliases, former names and stems, then
their patterns. Lookups are cached per reader: a notice has ~100 units, mostly the same
few hundred names across a corpus. The checks across lists are SJ501–SJ507.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable, Iterator, Optional

from ..diagnostics import Report
from ..grammar import CatalogueEntry, CatalogueRules, UnitRules
from ..models import Body, Duty, MemberUnit, PostUnit, Record, UnitRef
from .record_copy import copy_with
from .units import UnitReader

# A bracket closing the name holds a second name: 县委宣传部(县委网信办), 各乡镇人民政府（街道办事处）.
_TRAILING_PAREN = re.compile(r"[（(]([^（()）]*)[)）]$")
_MAX_PREFIX = 30


@dataclass(frozen=True, slots=True)
class UnitMatch:
    """What the catalogue says of one name: `UnitMatch("县人社局", "人力资源和社会保障局", "人社", "县")`."""

    name: str
    canonical: Optional[str] = None
    sector: Optional[str] = None
    prefix: str = ""
    many: bool = False
    suggestion: Optional[str] = None        # a known name one edit away: a probable typo
    suggested: Optional[str] = None         # the canonical name of that suggestion
    also: Optional[str] = None              # canonical name of the bracketed second name
    # What the unit is compared by: its canonical names (both, for 县委宣传部(县委网信办)); a
    # probable typo by the name it was meant to be, so it is reported once (SJ502). Worked out
    # once per match (the checks across lists ask for it some twenty times a notice).
    keys: frozenset[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        keys = {self.canonical or self.suggested or self.name}
        if self.also:
            keys.add(self.also)
        object.__setattr__(self, "keys", frozenset(keys))  # (frozen: set once, here)


@dataclass(frozen=True)
class Canonical:
    """The bodies and duties with their units' canonical names added."""

    bodies: list[Body]
    duties: list[Duty]


class CanonicalReader:
    """Looks names up in one catalogue; build it once per grammar (its lookups are cached)."""

    def __init__(self, rules: CatalogueRules, units: UnitReader) -> None:
        self.rules = rules
        self.units = units
        self._prefix = rules.level_prefix.regex
        self._title = rules.post_title.regex
        self._index: dict[str, CatalogueEntry] = {}
        alternatives = []
        for name, entry in rules.names():
            self._index.setdefault(name, entry)
        for entry in rules.units:
            alternatives += [(entry, rule.pattern) for rule in entry.patterns]
        self._pattern_entries = [entry for entry, _ in alternatives]
        self._patterns = re.compile("|".join(f"(?P<p{i}>{p})" for i, (_, p) in enumerate(alternatives))
                                    ) if alternatives else None
        # Typo candidates: every known name and each of its one-character deletions (a
        # symmetric-deletion index), so a query costs a few dict lookups, not a scan.
        self._near: dict[str, list[str]] = {}
        for entry in rules.units:
            for name in [*entry.aliases, *(n for r in entry.renamed for n in r.names)]:
                if len(name) >= rules.typo.min_chars:
                    for key in {name, *_deletions(name)}:
                        self._near.setdefault(key, []).append(name)
        self._contrast = {ch: i for i, group in enumerate(rules.typo.contrasts) for ch in group}
        self._longest = max(map(len, self._near), default=0) + 1
        self.is_collective = units.is_collective  # 各成员单位, 相关部门: no unit of their own
        self._joiners = units.rules.joiners
        self.lookup = lru_cache(maxsize=16384)(self._lookup)
        self.split_post = lru_cache(maxsize=16384)(self._split_post)
        self.unit_ref = lru_cache(maxsize=16384)(self._unit_ref)

    # --- names ------------------------------------------------------------------------------

    def _lookup(self, name: str) -> UnitMatch:
        """`县人社局` -> 人力资源和社会保障局 / 人社; an unknown name may carry a typo suggestion."""
        if self.is_collective(name):
            return UnitMatch(name)
        main, inner = name, None
        paren = _TRAILING_PAREN.search(name)
        if paren and paren.start() > 0:
            main, inner = name[: paren.start()], paren.group(1)
        found = self._find(main)
        also = self._find(inner) if inner else None
        if found is None and also is not None:
            found, also = also, None
        if found is not None:
            entry, prefix = found
            return UnitMatch(name, entry.canonical, entry.sector, prefix, entry.many,
                             also=also[0].canonical if also else None)
        typo = self._typo(main)
        if typo is None:
            return UnitMatch(name)
        suggestion, entry = typo
        return UnitMatch(name, suggestion=suggestion, suggested=entry.canonical)

    def _splits(self, text: str) -> Iterator[int]:
        """Where the core may start: 0, then after each prefix the level rule accepts."""
        yield 0
        for i in range(1, min(len(text), _MAX_PREFIX)):
            if self._prefix.fullmatch(text, 0, i):
                yield i

    def _find(self, text: str) -> Optional[tuple[CatalogueEntry, str]]:
        for i in self._splits(text):
            core = text[i:]
            entry = self._index.get(core)
            if entry is None and self._patterns is not None:
                m = self._patterns.fullmatch(core)
                if m:
                    entry = self._pattern_entries[int(m.lastgroup[1:])]
            if entry is not None:
                return entry, text[:i]
        return None

    def _typo(self, text: str) -> Optional[tuple[str, CatalogueEntry]]:
        """The known name one edit away from the core of `text` (prefix kept), if any."""
        best = None
        for i in self._splits(text):
            core = text[i:]
            if not self.rules.typo.min_chars <= len(core) <= self._longest:
                continue
            for key in (core, *_deletions(core)):
                for known in self._near.get(key, ()):
                    if known != core and self._one_typo(core, known):
                        rank = (len(known) != len(core), i, known)
                        if best is None or rank < best[0]:
                            best = (rank, text[:i] + known, self._index[known])
        return (best[1], best[2]) if best else None

    def _one_typo(self, a: str, b: str) -> bool:
        """One character replaced, added or dropped, and not one that tells organs apart."""
        if len(a) == len(b):
            diff = [(x, y) for x, y in zip(a, b) if x != y]
            if len(diff) != 1:
                return False
            x, y = diff[0]
            return not (x in self._contrast and self._contrast.get(y) == self._contrast[x])
        short, long_ = (a, b) if len(a) < len(b) else (b, a)
        if len(long_) - len(short) != 1:
            return False
        for k, ch in enumerate(long_):
            if long_[:k] + long_[k + 1:] == short:
                return ch not in self._contrast
        return False

    def _unit_ref(self, name: str) -> UnitRef:
        """The UnitRef of a name, one record for every use of it (frozen, like split_post's PostUnits)."""
        match = self.lookup(name)
        return UnitRef(name=name, canonical=match.canonical, sector=match.sector)

    # --- posts ------------------------------------------------------------------------------

    def _split_post(self, post: str) -> PostUnit:
        """`县教育局局长` -> unit 县教育局 + title 局长; `副县长` -> no unit.

        Two posts joined by 和 share the title of the second: `县政府分管教育领导和县教育局主要负责同志`
        -> unit 县教育局, title 主要负责同志; after 兼 there is no one unit."""
        m = self._title.search(post)
        if m is None:
            match = self.lookup(post)
            if match.canonical:  # the post is a unit alone: 市财政局
                return PostUnit(post=post, unit=post, canonical=match.canonical, sector=match.sector)
            return PostUnit(post=post)
        unit, title = self._last_post(post[: m.start("title")]), m.group("title")
        match = self.lookup(unit) if unit else None
        if match is not None and not match.canonical and not self.units.is_unit(unit):
            match = None
        sector = match.sector if match else None
        return PostUnit(post=post, unit=match.name if match else None, title=title,
                        canonical=match.canonical if match else None, sector=sector,
                        rank=self.rank(title, sector))

    def _last_post(self, text: str) -> Optional[str]:
        """The unit part of the last of joined posts: `县政府分管教育领导和县教育局` -> 县教育局;
        `中央办公厅副主任兼秘书局` -> None; `区发展和改革局` stays whole (改革局 has no level word)."""
        if "兼" in text:
            return None
        for joiner in self._joiners:
            at = text.rfind(joiner)
            if at > 0 and self.units.starts_with_level(text[at + len(joiner):]):
                return text[at + len(joiner):]
        return text or None

    def rank(self, title: Optional[str], sector: Optional[str]) -> Optional[int]:
        """The rank of a title held in a unit of `sector`: (局长, 教育) -> 6, (副县长, None) -> 5."""
        if not title:
            return None
        key = sector or "-"
        for rule in self.rules.ranks:
            if (rule.sectors is None or key in rule.sectors) and rule.title.regex.search(title):
                return rule.rank
        return None

    def rank_label(self, rank: Optional[int], sector: Optional[str] = None) -> str:
        """`(6, 教育)` -> 部门正职; `(4, 党委)` -> 党委常委, `(4, 政协)` -> 人大政协正职."""
        key, fallback = sector or "-", ""
        for rule in self.rules.ranks:
            if rule.rank == rank:
                if rule.sectors is None or key in rule.sectors:
                    return rule.label
                fallback = fallback or rule.label
        return fallback


def extract_canonical(bodies: list[Body], duties: list[Duty], reader: CanonicalReader,
                      report: Report, also: Callable[[Record], dict] = lambda model: {}) -> Canonical:
    """Add canonical names and sectors to every unit; report SJ501–SJ507. `also(model)` gives more
    fields for each member, member unit and duty, in a new dict, added in the same copy (their spans:
    stages/spans.py SpanFinder.of), in the text's order."""
    first: dict[str, tuple[int, UnitMatch]] = {}

    def seen(name: str, line: int) -> UnitMatch:
        match = reader.lookup(name)
        if name not in first or line < first[name][0]:
            first[name] = (line, match)
        return match

    def ref(name: str, line: int) -> UnitRef:
        seen(name, line)
        return reader.unit_ref(name)

    new_bodies = []
    for body in bodies:
        units = []
        for unit in body.member_units:
            match = seen(unit.name, unit.line)
            changes = also(unit)
            changes["canonical"], changes["sector"] = match.canonical, match.sector
            units.append(copy_with(unit, changes))
        members = []
        for member in body.members:
            posts = [reader.split_post(post) for post in member.posts]
            for post in posts:
                if post.unit:
                    seen(post.unit, member.line)
            changes = also(member)
            changes["post_units"] = posts
            members.append(copy_with(member, changes))
        lead = ref(body.lead_unit, body.line) if body.lead_unit else None
        new_bodies.append(copy_with(body, {"member_units": units, "members": members, "lead_unit_ref": lead}))
    new_duties = []
    for duty in duties:
        changes = also(duty)
        changes["unit_refs"] = [ref(u, duty.line) for u in duty.units]
        new_duties.append(copy_with(duty, changes))

    for name, (line, match) in first.items():
        if match.canonical or reader.is_collective(name):
            continue
        if match.suggestion:
            report.add("SJ502", line, text=name, suggestion=match.suggestion, canonical=match.suggested)
        else:
            report.add("SJ501", line, text=name)
    _check_people(new_bodies, report)
    _check_rosters(new_bodies, reader, report)
    _check_duties(new_bodies, new_duties, reader, report)
    _check_repeats(new_bodies, reader, report)
    return Canonical(new_bodies, new_duties)




# --- consistency across lists -------------------------------------------------------------------

def _check_people(bodies: list[Body], report: Report) -> None:
    """SJ503: posts written differently that name one unit and title, names one character apart."""
    by_post: dict[tuple[str, str], dict[str, tuple[int, str]]] = {}
    for body in bodies:
        for member in body.members:
            if not member.name:
                continue
            for post in member.post_units:
                if post.canonical and post.title:
                    held = by_post.setdefault((post.canonical, post.title), {})
                    if member.name not in held or member.line < held[member.name][0]:
                        held[member.name] = (member.line, post.post)
    reported = set()
    for held in by_post.values():
        if len(held) < 2:
            continue  # one person holds the post: no two names to compare
        people = sorted(held.items(), key=lambda kv: kv[1][0])
        for a, (n1, (_, p1)) in enumerate(people):
            for n2, (l2, p2) in people[a + 1:]:
                if (p1 != p2 and len(n1) == len(n2) and sum(x != y for x, y in zip(n1, n2)) == 1
                        and (n1, n2) not in reported):
                    reported.add((n1, n2))
                    report.add("SJ503", l2, first=n1, first_post=p1, second=n2, second_post=p2)


def _check_rosters(bodies: list[Body], reader: CanonicalReader, report: Report) -> None:
    """SJ504: a 成员/联络员 whose unit is not among the body's member units."""
    leaders = set(reader.rules.leader_roles)
    leadership = set(reader.rules.leadership_sectors)
    for body in bodies:
        if not body.member_units:
            continue
        members = _keys(reader, (u.name for u in body.member_units))
        reported = set()
        for member in body.members:
            if member.role in leaders:
                continue
            posts = [p for p in member.post_units if p.unit and p.sector not in leadership]
            if not posts or any(reader.lookup(p.unit).keys & members for p in posts):
                continue
            unit = posts[0].unit
            key = posts[0].canonical or unit
            if key not in reported:
                reported.add(key)
                person = f"{member.name} ({'、'.join(member.posts)})" if member.name else "、".join(member.posts)
                report.add("SJ504", member.line, text=unit, person=person, body=body.name, unit=unit)


def _check_duties(bodies: list[Body], duties: list[Duty], reader: CanonicalReader,
                  report: Report) -> None:
    """SJ505 member units with no duty, SJ506 duties of units that are no member."""
    with_units = [b for b in bodies if b.member_units]
    if not with_units or not duties:
        return
    duty_keys = _keys(reader, (u for d in duties for u in d.units))
    member_keys = _keys(reader, (u.name for b in with_units for u in b.member_units))
    reported = set()
    for body in with_units:
        for unit in body.member_units:
            keys = reader.lookup(unit.name).keys
            if not keys & duty_keys and not keys & reported:
                reported |= keys
                report.add("SJ505", unit.line, text=unit.name, body=body.name)
    names = with_units[0].name if len(with_units) == 1 else "any body of the notice"
    reported = set()
    for duty in duties:
        for unit in duty.units:
            keys = reader.lookup(unit).keys
            if not keys & member_keys and not keys & reported and not reader.is_collective(unit):
                reported |= keys
                report.add("SJ506", duty.line, text=unit, body=names)


def _check_repeats(bodies: list[Body], reader: CanonicalReader, report: Report) -> None:
    """SJ507: one body's member units name one organ twice (县人社局, 县人力资源和社会保障局)."""
    for body in bodies:
        first: dict[str, MemberUnit] = {}
        for unit in body.member_units:
            match = reader.lookup(unit.name)
            if not match.canonical or match.many:
                continue
            earlier = first.setdefault(match.canonical, unit)
            if earlier is not unit and earlier.name != unit.name:
                report.add("SJ507", unit.line, text=unit.name, body=body.name, first=earlier.name,
                           second=unit.name, canonical=match.canonical)


def _keys(reader: CanonicalReader, names: Iterable[str]) -> set[str]:
    keys: set[str] = set()
    for name in names:
        keys |= reader.lookup(name).keys
    return keys


def _deletions(text: str) -> set[str]:
    return {text[:k] + text[k + 1:] for k in range(len(text))}


# --- the catalogue's own examples ------------------------------------------------------------------

def check_catalogue(rules: CatalogueRules, units: UnitRules) -> list[str]:
    """Every entry example that does not map to its entry: `["教育局: 县教委 maps to None, …"]`."""
    reader = CanonicalReader(rules, UnitReader(units))
    problems = []
    for entry in rules.units:
        for name in entry.examples.match:
            got = reader.lookup(name).canonical
            if got != entry.canonical:
                problems.append(f"{entry.canonical}: {name} maps to {got}, not to this entry")
        for name in entry.examples.no_match:
            if reader.lookup(name).canonical == entry.canonical:
                problems.append(f"{entry.canonical}: {name} maps to this entry, which it must not")
    return problems
