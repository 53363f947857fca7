"""Stage: where a notice comes from (发文地区), looked up in the division table.

    reader = JurisdictionReader(grammar.jurisdiction, canonical_reader)
    extract_jurisdiction(text, document, bodies, duties, reader, report)
    # Jurisdiction(name='彭水县', full_name='彭水苗族土家族自治县', level='county', adcode='500243', …)

The place is read from the issuers, the web page's issuing-organ fields, the title, the bodies'
names and, last, the text's lines (grammars/jurisdiction.yaml says which mentions do not count).
A name counts when the division table (divisions.py) knows it and it is unambiguous, or one
of its divisions lies in a place the notice also names (城区 with 晋城市); and, outside the
issuers, when its level word agrees with the level prefixes of the notice's units (县教育局:
县). A city notice that names only its counties in its roster (海城区副区长, 合浦县副县长) gets
their city. Anything else is no place: null and SJ508, never a guess.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import Iterable, Optional

from ..diagnostics import Report
from ..divisions import LEVEL_WORDS, Division, DivisionIndex, division_index
from ..grammar import JurisdictionRules
from ..models import Body, Document, Duty, Jurisdiction, Place, Text
from .canonical import CanonicalReader

_ENDINGS = re.compile(f"[{LEVEL_WORDS}]")


@dataclass(frozen=True)
class Mention:
    """A place name in a string: `Mention("彭水县", 4, 7, (Division 500243 …,), post=False)`."""

    form: str
    start: int
    end: int
    candidates: tuple[Division, ...]
    post: bool  # followed by a post title: 合浦县副县长


class JurisdictionReader:
    """The jurisdiction grammar compiled, the division table loaded on first use."""

    def __init__(self, rules: JurisdictionRules, canonical: CanonicalReader) -> None:
        self.rules = rules
        self.canonical = canonical
        self._post = rules.post_after.regex
        self._prefixes = tuple(rules.prefixes)
        # read once: a rule's attribute costs a hook each time, and every notice reads these
        self.national, self.national_name = rules.national.organ.regex, rules.national.name
        self.metadata_fields = tuple(rules.metadata_fields)

    @cached_property
    def index(self) -> DivisionIndex:
        return division_index()

    def mentions(self, text: str) -> list[Mention]:
        """The place names of `text`, left to right, each the longest the table knows:
        `mentions("成都市金牛区人民政府")` → 成都市, 金牛区."""
        index = self.index
        found: list[Mention] = []
        last = 0
        for match in _ENDINGS.finditer(text):
            end = match.end()
            if end - last < 2 or text[end - 2:end] not in index.tails:
                continue
            for start in range(max(last, end - index.longest), end - 1):
                candidates = index.lookup(text[start:end])
                if candidates and (end - start > 2 or self._begins_name(text, start, last)):
                    # sliced, not match(text, end): the rule is anchored with ^ for its examples
                    found.append(Mention(text[start:end], start, end, candidates,
                                         bool(self._post.match(text[end:end + 12]))))
                    last = end
                    break
        return found

    def _begins_name(self, text: str, start: int, last: int) -> bool:
        """A one-character place (房县, 和县) only where a name begins: 房县人民政府, 中共和县委."""
        # a comparison, not a regex [\u4e00-\u9fff]: Python's re builds a class of 21k
        # characters one at a time (~1 ms, 1/20 of an interpreter start) each time it compiles one
        return (start == 0 or start == last or not "\u4e00" <= text[start - 1] <= "\u9fff"
                or any(text.endswith(prefix, 0, start) for prefix in self._prefixes))

    def resolve(self, mention: Mention, named: Iterable[str] = ()) -> tuple[Optional[Division], list[Division]]:
        """The one division a mention names, and the candidates when it names several: current
        divisions before former names; several are told apart only by a parent in `named`."""
        current = [d for d in mention.candidates if not d.until]
        candidates = current or _one_per_successor(mention.candidates)
        if len(candidates) == 1:
            return candidates[0], candidates
        named = set(named)
        within = [d for d in candidates if any(p.code in named for p in self.index.parents(d))]
        return (within[0] if len(within) == 1 else None), candidates

    def unit_level(self, bodies: list[Body], duties: list[Duty]) -> Optional[str]:
        """The level word most of the notice's units begin with (县教委, 县委办公室 → 县), when
        more than half of those that begin with one agree; None otherwise."""
        names = [u.name for b in bodies for u in b.member_units]
        names += [p.unit for b in bodies for m in b.members for p in m.post_units if p.unit]
        names += [u for d in duties for u in d.units]
        counts: Counter[str] = Counter()
        for name in names:
            prefix = self.canonical.lookup(name).prefix.rstrip("委")
            if prefix and prefix[-1] in LEVEL_WORDS and not prefix.startswith("各"):
                counts[prefix[-1]] += 1
        if not counts:
            return None
        level, count = counts.most_common(1)[0]
        return level if count * 2 > sum(counts.values()) else None


def _one_per_successor(candidates: Iterable[Division]) -> list[Division]:
    """Former names of one place (玉环县 331021 and 332627, both now 331083) count once."""
    kept: dict[str, Division] = {}
    for d in candidates:
        key = d.successor or d.code
        if key not in kept or d.until > kept[key].until:
            kept[key] = d
    return list(kept.values())


def extract_jurisdiction(text: Text, document: Document, bodies: list[Body], duties: list[Duty],
                         reader: JurisdictionReader, report: Report) -> Optional[Jurisdiction]:
    """The notice's jurisdiction, or None (SJ508): `关于成立彭水县“双减”…` → 彭水县, 500243."""
    for kind, string in (*(("issuer", i) for i in document.issuers), ("title", document.title or "")):
        national = reader.national.match(string)
        if national:
            return Jurisdiction(name=national.group(), full_name=reader.national_name, level="national",
                                source=kind, line=_line_of(text, national.group()))
    level = _Lazy(lambda: reader.unit_level(bodies, duties))  # only a source past the issuers needs it
    sources: list[tuple[str, str, Optional[int]]] = [("issuer", i, None) for i in document.issuers]
    sources += [("metadata", *text.metadata[f]) for f in reader.metadata_fields if f in text.metadata]
    sources += [("title", document.title, None)] if document.title else []
    sources += [("body", b.name, b.line) for b in bodies]
    named = _Lazy(lambda: _named_codes(reader, text))  # only an ambiguous name needs them
    ambiguous: Optional[tuple[Mention, list[Division]]] = None
    for kind, string, line in sources:
        organ = kind in ("issuer", "metadata")
        for mention, division, candidates in _places(reader, string, named):
            if division is None:
                ambiguous = ambiguous or (mention, candidates)
            elif organ or level.value is None or mention.form.endswith(level.value):
                return _jurisdiction(reader, mention.form, division, kind, line or _line_of(text, mention.form))
            if organ:
                break  # an organ's place is its first; the rest of the name is not the notice's
    counties: dict[str, Division] = {}
    for item in text.lines:
        for mention, division, candidates in _places(reader, item.text, named, posts=True):
            if division is None:
                ambiguous = ambiguous or (mention, candidates)
            elif mention.post:
                counties.setdefault(division.code, division)
            elif level.value is None or mention.form.endswith(level.value):
                return _jurisdiction(reader, mention.form, division, "text", item.line_at(mention.start))
    city = _city_of(reader, counties.values(), level.value)
    if city is not None:
        return _jurisdiction(reader, city.full_name, city, "units", None)
    if ambiguous is not None:
        mention, candidates = ambiguous
        where = "、".join(f"{'/'.join(p.full_name for p in reader.index.parents(d))}{d.full_name}"
                         for d in candidates[:4])
        report.add("SJ508", _line_of(text, mention.form), reason=f"{mention.form} may be {where}; "
                   "the notice names no parent that tells them apart")
    else:
        report.add("SJ508", None, reason="the notice names no place sj knows")
    return None


class _Lazy:
    """A value computed on first use."""

    def __init__(self, compute) -> None:
        self._compute = compute

    @cached_property
    def value(self):
        return self._compute()


def _named_codes(reader: JurisdictionReader, text: Text) -> frozenset[str]:
    """Codes of the places the notice names without ambiguity, for telling apart 朝阳区s."""
    codes = set()
    for item in text.lines:
        for mention in reader.mentions(item.text):
            division, _ = reader.resolve(mention)
            if division is not None:
                codes.add(division.code)
    return frozenset(codes)


def _places(reader: JurisdictionReader, string: str, named: _Lazy, posts: bool = False):
    """(mention, division or None, candidates) for the places of one string; a place right
    after its parent (成都市金牛区, 晋城市城区) stands for both, and the parent is dropped."""
    mentions = [m for m in reader.mentions(string) if posts or not m.post]
    resolved = []
    for i, mention in enumerate(mentions):
        before = resolved[-1] if resolved and mentions[i - 1].end == mention.start else None
        parent = [before[1].code] if before and before[1] is not None else []
        division, candidates = reader.resolve(mention, parent)
        if division is None and len(candidates) > 1:
            division, candidates = reader.resolve(mention, named.value)
        if before is not None and division is not None and before[1] is not None \
                and reader.index.is_within(division, before[1]):
            resolved[-1] = (mention, division, candidates)
        else:
            resolved.append((mention, division, candidates))
    return resolved


def _city_of(reader: JurisdictionReader, counties: Iterable[Division], level: Optional[str]) -> Optional[Division]:
    """The one city all the counties named in posts lie in, when the units' level word is its own."""
    counties = [d for d in counties if d.level == "county"]
    if level is None or len(counties) < reader.rules.min_counties:
        return None
    cities = {d.code[:4] + "00" for d in counties}
    city = reader.index.division(cities.pop()) if len(cities) == 1 else None
    return city if city is not None and city.full_name.endswith(level) else None


def _jurisdiction(reader: JurisdictionReader, name: str, division: Division, source: str,
                  line: Optional[int]) -> Jurisdiction:
    index = reader.index
    successor = index.division(division.successor) if division.until and division.successor else None
    return Jurisdiction(name=name, full_name=division.full_name, level=division.level, adcode=division.code,
                        parents=[_place(p) for p in index.parents(division)], source=source, line=line,
                        former=bool(division.until), successor=_place(successor) if successor else None)


def _place(division: Division) -> Place:
    return Place(name=division.full_name, level=division.level, adcode=division.code)


def _line_of(text: Text, name: str) -> Optional[int]:
    """The source line where `name` is first written."""
    for item in text.lines:
        at = item.text.find(name)
        if at >= 0:
            return item.line_at(at)
    return None
