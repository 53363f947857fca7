"""Load grammars/*.yaml, validate each into its model, compile every pattern once.

A grammar file is data: word lists and patterns with the examples that justify them.
A bad file raises GrammarError (SJ901) naming `file:line`; `check_examples()` runs every
rule's examples, which `sj grammars check` and tests/test_grammars.py use.
"""
import hashlib
import os
import pickle
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Optional, get_args

from pydantic import (VERSION as PYDANTIC_VERSION, BaseModel, ConfigDict, Field, PrivateAttr,
                      ValidationError, ValidationInfo, field_validator, model_validator)

from . import prefilter, regex_cache
from .errors import GrammarError
from .models import BodyKind, SectionKind, new_list
from .prefilter import GatedPattern, gate, required_literals


class GrammarModel(BaseModel):
    """Base of every grammar model: unknown keys are errors.

    The validators are built when a grammar is first validated (defer_build), not when the
    classes are defined: a cold `sj parse` takes the validated grammar from the cache
    (load_grammar) and never validates one, and building them cost it 5 % of its time."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Examples(GrammarModel):
    """Evidence for a rule: strings it must match (search) and strings it must not."""

    match: list[str] = Field(default_factory=new_list)
    no_match: list[str] = Field(default_factory=new_list)


class PatternRule(GrammarModel):
    """`{id: page_number, pattern: '^…$', examples: {match: […], no_match: […]}}`."""

    id: str
    pattern: str
    examples: Examples = Field(default_factory=Examples)
    _regex: re.Pattern = PrivateAttr()

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str, info: ValidationInfo) -> str:
        if _checked(info):
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"pattern does not compile: {exc}") from None
        return value

    @property
    def regex(self) -> re.Pattern:
        # A GatedPattern where the pattern needs a literal (prefilter.py): the same answers.
        # Compiled on first use: a notice touches about half of the rules, and compiling
        # the rest cost a cold `sj parse` ~10 % of its time. Read the private slot directly:
        # pydantic's attribute hook costs 1.4 µs a call, and the stages call this some 500
        # times a notice (a `try` that does not fail costs nothing).
        try:
            return self.__pydantic_private__["_regex"]
        except KeyError:
            regex = self.__pydantic_private__["_regex"] = gated(self.pattern)
            return regex


# Validation context of grammar data read from compiled.json, which `sj grammars build`
# wrote from these very YAML files after checking them: the checks that compile a pattern
# (the bulk of loading the grammars) are not run again on every start.
_BUILT = {"built": True}


def _checked(info: ValidationInfo) -> bool:
    """Whether the data being validated need the checks that compile patterns."""
    return not (info.context and info.context.get("built"))


def any_of(rules: list[PatternRule]) -> re.Pattern:
    """One compiled alternation of several rules' patterns (built once per list of patterns)."""
    return _alternation(tuple(r.pattern for r in rules))


@lru_cache(maxsize=256)
def _alternation(patterns: tuple[str, ...]) -> re.Pattern:
    return gated("|".join(f"(?:{p})" for p in patterns))


class PerGrammar:
    """What a stage works out once from its part of a grammar, kept with that part (by its
    identity: a stage reads the grammar's values once a grammar, not through a rule's attribute
    hook on every notice). At most 8 are kept: tests load many grammars.

        _PREPARED = PerGrammar(_Rules)     # _Rules(rules, *more) builds the values
        prepared = _PREPARED.get(rules)    # the same object for the same rules
    """

    def __init__(self, build: Any) -> None:
        self._build = build
        self._kept: dict[tuple[int, ...], tuple[tuple, Any]] = {}

    def get(self, *parts: Any) -> Any:
        key = tuple(map(id, parts))
        kept = self._kept.get(key)
        if kept is None:   # (the parts are kept too, so their ids are not reused meanwhile)
            if len(self._kept) >= 8:
                self._kept.clear()
            kept = self._kept[key] = (parts, self._build(*parts))
        return kept[1]


def gated(pattern: str) -> Any:
    """gate(re.compile(pattern)), with the literals it looks for kept between runs by
    regex_cache (working them out parses the pattern anew: ~10 ms of a cold sj parse),
    under a digest of prefilter.py, the code that works them out. For every pattern a
    reader builds, not only the grammar's rules."""
    regex = re.compile(pattern)
    digest = _prefilter_digest()
    if digest is None:
        return gate(regex)
    need = regex_cache.fact(f"gate {digest}", pattern, _literals)
    return GatedPattern(regex, *need) if need else regex


def required(pattern: str) -> Optional[tuple[str, ...]]:
    """prefilter.required_literals(pattern), kept between runs as gated() keeps its literals."""
    digest = _prefilter_digest()
    if digest is None:
        return required_literals(pattern)
    return regex_cache.fact(f"required {digest}", pattern, required_literals)


def first_characters(pattern: str) -> Optional[tuple[str, ...]]:
    """prefilter.first_characters(pattern), kept between runs as required() keeps its literals."""
    digest = _prefilter_digest()
    if digest is None:
        return prefilter.first_characters(pattern)
    return regex_cache.fact(f"first {digest}", pattern, prefilter.first_characters)


def _literals(pattern: str) -> Optional[tuple]:
    """The (need, also) literals of gate(pattern), None when it is not gated."""
    found = gate(re.compile(pattern))
    return (found.need, found.also) if isinstance(found, GatedPattern) else None


@lru_cache(maxsize=1)
def _prefilter_digest() -> Optional[str]:
    """A digest of prefilter.py, the code that works the literals out: part of their names."""
    try:
        return hashlib.sha256(Path(prefilter.__file__).read_bytes()).hexdigest()[:16]
    except (OSError, TypeError):  # no source to tell its version by: nothing kept
        return None


def words(items: list[str]) -> str:
    """A regex alternation of literal words, longest first: `words(["组长", "副组长"])`."""
    return _words(tuple(items))


@lru_cache(maxsize=256)
def _words(items: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(items), key=lambda w: (-len(w), w)))


# --- layouts (bodies.yaml line_layouts, people.yaml entry_forms, duties.yaml duty_forms) ---

class LayoutExample(GrammarModel):
    """Lines a layout must read, and what they must give (each listed item must be found).

    `before` and `after` lines come before and after them and may be read by any layout (a
    heading, a role label); `head` replaces the default notice head (a title and the sentence
    that sets the body up)."""

    lines: list[str] = Field(min_length=1)
    before: list[str] = Field(default_factory=new_list)
    after: list[str] = Field(default_factory=new_list)
    head: Optional[str] = None
    members: list[tuple[str, Optional[str], list[str]]] = Field(default_factory=new_list)
    units: list[str] = Field(default_factory=new_list)
    duties: list[tuple[list[str], str]] = Field(default_factory=new_list)
    bodies: list[str] = Field(default_factory=new_list)
    diagnostics: list[str] = Field(default_factory=new_list)


class LayoutRule(GrammarModel):
    """A line layout or duty form: its name (the function's), what it reads, two examples or more."""

    name: str
    reads: str
    examples: list[LayoutExample] = Field(min_length=2)


class EntryExample(GrammarModel):
    """A roster entry (the text after a role label) and the people it holds: [[name, [posts]]]."""

    text: str
    entries: list[tuple[Optional[str], list[str]]]


class EntryForm(GrammarModel):
    """A roster entry form: its name (the function's), what it reads, two examples or more."""

    name: str
    reads: str
    examples: list[EntryExample] = Field(min_length=2)


# --- normalize.yaml -----------------------------------------------------------------------

class MetadataRules(GrammarModel):
    min_fields: int = 2
    within_lines: int = 40
    fields: list[str]


class JoinRules(GrammarModel):
    strong_endings: str
    strong_starts: str
    open_brackets: dict[str, str]
    min_chars: int
    prose_marks: str
    word_end: str
    word_start: str
    complete_endings: str
    never_before: list[PatternRule]


class WrapRules(GrammarModel):
    """When a text is hard-wrapped at one width (a PDF page) and what starts a line anew in it."""

    min_width: int
    min_lines: int
    min_share: float
    max_longer: float
    slack: int
    sentence_end: str
    label: PatternRule
    entry: PatternRule
    inside_word: str
    inside_word_ignores: list[str]


class RunOnRules(GrammarModel):
    """When a text has lost its line breaks, and where to cut it again."""

    min_chars_per_line: int
    items_in_line: PatternRule
    split_before: list[PatternRule]
    break_space: PatternRule
    roster_end: PatternRule
    roster_break_space: PatternRule
    glued_label: PatternRule
    min_label_chars: int


class RelatedLinks(GrammarModel):
    """A web page's list of links to other notices, under its heading."""
    heading: PatternRule
    item: PatternRule


class NormalizeRules(GrammarModel):
    version: int
    noise: list[PatternRule]
    related_links: RelatedLinks
    metadata: MetadataRules
    join: JoinRules
    wrap: WrapRules
    run_on: RunOnRules


# --- document.yaml ------------------------------------------------------------------------

class DocumentRules(GrammarModel):
    version: int
    doc_types: list[str]
    title_start: list[PatternRule]
    organ_suffixes: list[str]
    organ_start: PatternRule
    doc_number: PatternRule
    date: PatternRule
    colophon: PatternRule
    header_mark: PatternRule
    proxy_seal: PatternRule
    title_note: PatternRule
    book_title: PatternRule
    site_suffix: PatternRule
    run_on_title: PatternRule
    file_name: PatternRule
    doc_number_bare: PatternRule
    doc_number_fields: list[str]
    issuer_fields: list[str]
    attachment_line: PatternRule
    attachment_item: PatternRule
    addressee_end: str
    addressee_word: str


# --- sections.yaml ------------------------------------------------------------------------

class Level(GrammarModel):
    level: int
    pattern: PatternRule
    numerals: str  # "chinese" or "arabic"

    @field_validator("pattern")
    @classmethod
    def _has_number(cls, value: PatternRule, info: ValidationInfo) -> PatternRule:
        if _checked(info) and list(value.regex.groupindex) != ["number"]:
            raise ValueError(f"{value.id}: a level's pattern has one named group, (?P<number>…)")
        return value


def _model_kind(value: str, kinds: Any, what: str) -> str:
    """A kind the record model knows (models.BodyKind, models.SectionKind): the one definition."""
    known = get_args(kinds)
    if value not in known:
        raise ValueError(f"unknown {what} {value!r}: the record knows {', '.join(known)} "
                         "(a new kind is a change of models.py and the schema first)")
    return value


class SectionKindRule(GrammarModel):
    kind: str
    keywords: list[str]

    @field_validator("kind")
    @classmethod
    def _known(cls, value: str) -> str:
        return _model_kind(value, SectionKind, "section kind")


class SectionRules(GrammarModel):
    version: int
    levels: list[Level]
    heading_end: str
    heading_max_chars: int
    weak_kinds: list[str]
    extracted_kinds: list[str]
    unit_heading: PatternRule
    kinds: list[SectionKindRule]
    article: PatternRule
    _numbering: re.Pattern = PrivateAttr()
    _number_groups: tuple[tuple[int, int], ...] = PrivateAttr()
    _numbers_seen: dict = PrivateAttr(default_factory=dict)

    @field_validator("weak_kinds", "extracted_kinds")
    @classmethod
    def _known_kinds(cls, value: list[str]) -> list[str]:
        return [_model_kind(v, SectionKind, "section kind") for v in value]

    @property
    def numbering(self) -> re.Pattern:
        """The levels' patterns as one alternation, level i's `number` group named n<i>: a line
        is tried once, not once per level (sections.match_number)."""
        try:
            return self.__pydantic_private__["_numbering"]
        except KeyError:
            return self._compile_numbering()

    @property
    def number_groups(self) -> tuple[tuple[int, int], ...]:
        """(group index in `numbering`, level) of each level's number, in the levels' order."""
        try:
            return self.__pydantic_private__["_number_groups"]
        except KeyError:
            self._compile_numbering()
            return self.__pydantic_private__["_number_groups"]

    def _compile_numbering(self) -> re.Pattern:
        # On first use, as PatternRule.regex: the validated grammar is kept (pickled, see
        # load_grammar) before any of its patterns is compiled.
        numbering = re.compile("|".join(
            f"(?:{level.pattern.pattern.replace('(?P<number>', f'(?P<n{i}>')})"
            for i, level in enumerate(self.levels)))
        self.__pydantic_private__["_numbering"] = numbering
        self.__pydantic_private__["_number_groups"] = tuple(
            (numbering.groupindex[f"n{i}"], level.level) for i, level in enumerate(self.levels))
        return numbering

    @property
    def numbers_seen(self) -> dict:
        """sections.match_number's answers by line text: three stages ask about every line."""
        return self.__pydantic_private__["_numbers_seen"]


# --- units.yaml ---------------------------------------------------------------------------

class UnitRules(GrammarModel):
    version: int
    suffixes: list[str]
    known_units: list[str]
    level_prefixes: list[str]
    generic_suffixes: list[str]
    trailing_phrases: list[PatternRule]
    leading_words: PatternRule
    not_units: list[PatternRule]
    separators: str
    item_separators: str
    unshared_levels: list[str]
    joiners: list[str]
    max_chars: int
    collective: list[str]
    shared_prefix: PatternRule
    max_bare_chars: int
    complete_suffixes: list[str]


# --- bodies.yaml --------------------------------------------------------------------------

class BodyKindRule(GrammarModel):
    kind: str
    suffixes: list[str]

    @field_validator("kind")
    @classmethod
    def _known(cls, value: str) -> str:
        return _model_kind(value, BodyKind, "body kind")


class BodyRules(GrammarModel):
    version: int
    kinds: list[BodyKindRule]
    name_abbreviations: dict[str, str]
    establish: PatternRule
    not_established: list[PatternRule]
    generic_modifiers: list[str]
    name_stop: str
    no_office: PatternRule
    office: list[PatternRule]
    roles: list[str]
    office_member: list[PatternRule]
    office_roles: list[str]
    also_office: PatternRule
    deputy_marks: list[str]
    lead_roles: dict[str, str]

    @field_validator("lead_roles")
    @classmethod
    def _lead_kinds(cls, value: dict[str, str]) -> dict[str, str]:
        for kind in value:
            _model_kind(kind, BodyKind, "body kind")
        return value
    unit_list: list[PatternRule]
    declared_count: PatternRule
    lead_unit: PatternRule
    lead_labels: list[str]
    lead_note: PatternRule
    roster_title: PatternRule
    order_note: PatternRule
    filled_later: PatternRule
    roster_boilerplate: PatternRule
    unit_roles: list[str]
    task_unit_roles: list[str]
    unit_headings: list[str]
    units_follow: PatternRule
    roster_follows: PatternRule
    each_unit_names: PatternRule
    group_suffixes: list[str]
    sub_groups: PatternRule
    group_tasks: PatternRule
    group_units: PatternRule
    place_name: PatternRule
    title_subject: PatternRule
    also_established: PatternRule
    document_words: list[str]
    line_layouts: list[LayoutRule]


# --- people.yaml --------------------------------------------------------------------------

class PeopleRules(GrammarModel):
    version: int
    surnames: str
    compound_surnames: list[str]
    post_starts: list[str]
    post_ends: list[str]
    post_titles: list[str]
    person_note: PatternRule
    contact: PatternRule
    not_names: list[str]
    entry_forms: list[EntryForm]


# --- columns.yaml -------------------------------------------------------------------------

class ColumnRules(GrammarModel):
    version: int
    columns: dict[str, list[str]]
    index_cell: PatternRule

    @field_validator("columns")
    @classmethod
    def _known_kinds(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = set(value) - {"index", "name", "post", "role", "unit", "duty", "other"}
        if unknown:
            raise ValueError(f"unknown column kinds: {', '.join(sorted(unknown))}")
        return value


# --- duties.yaml --------------------------------------------------------------------------

class DutyRules(GrammarModel):
    version: int
    unit_separator: str
    trailing_units: PatternRule
    clause_verbs: list[str]
    clause_qualifier: PatternRule
    task_after_units: PatternRule
    units_first: PatternRule
    task_fields: PatternRule
    lead_department: PatternRule
    task_start: PatternRule
    duty_label: PatternRule
    task_label: PatternRule
    body_heading: PatternRule
    bullet: str
    clause_split: str
    not_duty_units: list[str]
    not_duty_unit_patterns: list[PatternRule]
    drop_from_units: list[PatternRule]
    unit_labels: PatternRule
    role_notes: PatternRule
    role_words: PatternRule
    duty_forms: list[LayoutRule]


# --- catalogue.yaml -----------------------------------------------------------------------

class RenamedNames(GrammarModel):
    """Former names of an organ, kept as aliases: `{names: [银保监组], note: 2023年…}`."""

    names: list[str]
    note: str


class CatalogueEntry(GrammarModel):
    """One organ: canonical name, sector, aliases (level prefix left off) and the examples
    (full names, prefix included) that must map to it, or must not."""

    canonical: str
    sector: str
    aliases: list[str]
    stems: list[str] = Field(default_factory=new_list)
    patterns: list[PatternRule] = Field(default_factory=new_list)
    renamed: list[RenamedNames] = Field(default_factory=new_list)
    many: bool = False
    note: Optional[str] = None
    examples: Examples

    @field_validator("patterns")
    @classmethod
    def _no_named_groups(cls, value: list[PatternRule], info: ValidationInfo) -> list[PatternRule]:
        for rule in value if _checked(info) else ():
            if rule.regex.groupindex:
                raise ValueError(f"{rule.id}: named groups are not allowed in an entry pattern")
        return value


class TypoRules(GrammarModel):
    """When an unknown unit is a probable typo of a known one (one edit away)."""

    min_chars: int
    contrasts: list[str]


class RankRule(GrammarModel):
    """A post's rank: its title pattern, for units of `sectors` (`-` no unit; null any)."""

    rank: int
    label: str
    sectors: Optional[list[str]] = None
    title: PatternRule


class CatalogueRules(GrammarModel):
    version: int
    sectors: list[str]
    level_prefix: PatternRule
    generic_tails: list[str]
    typo: TypoRules
    post_title: PatternRule
    leader_roles: list[str]
    leadership_sectors: list[str]
    ranks: list[RankRule]
    units: list[CatalogueEntry]

    @model_validator(mode="after")
    def _consistent(self) -> "CatalogueRules":
        known = set(self.sectors)
        named: dict[str, str] = {}
        for entry in self.units:
            if entry.sector not in known:
                raise ValueError(f"{entry.canonical}: unknown sector {entry.sector!r}")
        for name, entry in self.names():
            if named.setdefault(name, entry.canonical) != entry.canonical:
                raise ValueError(f"{name!r} names both {named[name]} and {entry.canonical}")
        for rule in self.ranks:
            unknown = set(rule.sectors or []) - known - {"-"}
            if unknown:
                raise ValueError(f"rank {rule.rank}: unknown sectors {sorted(unknown)}")
        if [r.rank for r in self.ranks] != sorted(r.rank for r in self.ranks):
            raise ValueError("ranks must be listed from the highest (1) down")
        if set(self.leadership_sectors) - known:
            raise ValueError(f"unknown leadership_sectors {sorted(set(self.leadership_sectors) - known)}")
        return self

    def names(self) -> Iterator[tuple[str, CatalogueEntry]]:
        """Every name the catalogue knows without a level prefix, with its entry: aliases,
        former names, and stems with each generic tail (教育部门)."""
        for entry in self.units:
            names = [*entry.aliases, *(n for r in entry.renamed for n in r.names)]
            names += [s + t for s in entry.stems for t in ["", *self.generic_tails]]
            for name in names:
                yield name, entry

    def check_examples(self, grammar: "Grammar") -> list[str]:
        """Each entry's examples, run through the canonical stage's lookup."""
        from .stages.canonical import check_catalogue

        return check_catalogue(self, grammar.units)


# --- jurisdiction.yaml --------------------------------------------------------------------

class NationalRules(GrammarModel):
    """A national organ (国务院办公厅) issues for the whole country: `{name: 中华人民共和国, organ: …}`."""

    name: str
    organ: PatternRule


class JurisdictionRules(GrammarModel):
    version: int
    national: NationalRules
    metadata_fields: list[str]
    prefixes: list[str]
    post_after: PatternRule
    min_counties: int = Field(ge=2)


# --- topics.yaml --------------------------------------------------------------------------

class TopicRule(GrammarModel):
    """A policy area: its words (any one in the notice's subject decides it), the topics it
    implies (双减 → 校外培训, 教育) and titles that must, or must not, be given it."""

    name: str
    words: list[str] = Field(min_length=1)
    implies: list[str] = Field(default_factory=new_list)
    note: Optional[str] = None
    examples: Examples


class TopicRules(GrammarModel):
    version: int
    opening_lines: int = Field(ge=0)
    unit_after: PatternRule
    numbered: PatternRule
    topics: list[TopicRule]

    @model_validator(mode="after")
    def _consistent(self) -> "TopicRules":
        names = [t.name for t in self.topics]
        if len(set(names)) != len(names):
            raise ValueError(f"a topic is listed twice: {sorted(n for n in names if names.count(n) > 1)[0]}")
        for topic in self.topics:
            unknown = set(topic.implies) - set(names)
            if unknown:
                raise ValueError(f"{topic.name}: implies unknown topics {sorted(unknown)}")
        return self

    def check_examples(self, grammar: "Grammar") -> list[str]:
        """Each topic's example titles, run through the topics stage's matcher."""
        from .stages.topics import check_topics

        return check_topics(self)


@dataclass(frozen=True)
class Grammar:
    """All grammars of one directory, validated and compiled."""

    normalize: NormalizeRules
    document: DocumentRules
    sections: SectionRules
    units: UnitRules
    bodies: BodyRules
    people: PeopleRules
    columns: ColumnRules
    duties: DutyRules
    catalogue: CatalogueRules
    jurisdiction: JurisdictionRules
    topics: TopicRules
    digest: str

    def files(self) -> Iterator[tuple[str, GrammarModel]]:
        for name in FILES:
            yield f"{name}.yaml", getattr(self, name)


FILES: dict[str, type[GrammarModel]] = {
    "normalize": NormalizeRules,
    "document": DocumentRules,
    "sections": SectionRules,
    "units": UnitRules,
    "bodies": BodyRules,
    "people": PeopleRules,
    "columns": ColumnRules,
    "duties": DutyRules,
    "catalogue": CatalogueRules,
    "jurisdiction": JurisdictionRules,
    "topics": TopicRules,
}


def default_dir() -> Path:
    """The grammars shipped in the wheel (or the repository's grammars/ in a dev install): the
    folder of the package shuangjian_parse.grammars. Found from the package's file, not with
    importlib.resources, whose readers cost a cold `sj parse` ~1 % of its time to import."""
    from . import grammars

    return Path(grammars.__file__).parent


# The grammars' data, read once from the YAML files and stored as JSON beside them by
# `sj grammars build`: JSON loads in ~1 ms where the YAML takes ~45 ms on every cold start.
# It is used only while it was built from exactly the YAML files present (same digest), so
# an edited grammar is never shadowed; tests/test_grammars.py checks the shipped copy.
COMPILED = "compiled.json"


@lru_cache(maxsize=8)
def load_grammar(directory: Optional[str] = None) -> Grammar:
    """Load and validate every grammar file of `directory` (default: the shipped grammars), or
    take them validated from sj's cache when they were kept there (_stored_grammar)."""
    base = Path(directory) if directory else default_dir()
    raws = _read_files(base)
    digest = _digest(raws)
    return _stored_grammar(digest) or _validated(base, raws, digest)


def _validated(base: Path, raws: dict[str, bytes], digest: str) -> Grammar:
    """The grammar of compiled.json when it was built from these YAML files, else of the YAML
    files, validated (SJ901 for the first problem)."""
    data = _compiled(base, digest)
    context = _BUILT if data else None
    if not data:
        data = {name: _load_yaml(raw, f"{name}.yaml") for name, raw in raws.items()}
    loaded = {}
    for name, model in FILES.items():
        try:
            loaded[name] = model.model_validate(data[name], context=context)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            raise GrammarError(f"{name}.yaml", _line_of(raws[name], err["loc"]),
                               f"{where}: {err['msg']}") from None
    grammar = Grammar(**loaded, digest=digest[:16])
    if context is _BUILT:
        _store_grammar(digest, grammar)
    return grammar


# The validated grammar, kept between runs. Defining the grammar models' validators and
# running them on compiled.json cost a cold `sj parse` ~5 % of its instructions on every
# start; unpickled, the same objects are back at a fraction of that (pickle restores a
# model's fields as they were validated, without validating). Kept only for grammars read
# from compiled.json, which `sj grammars build` checked, before any of their patterns is
# compiled, in one file of sj's cache folder (regex_cache.cache_dir) per interpreter and
# pydantic version, under a key of the YAML files and this module's source (the models):
# another grammar or another sj replaces it. A missing, stale or unreadable file only costs
# the validation; deleting it is always safe.


def _grammar_file() -> Path:
    """The cache file of the validated grammar: `~/.cache/sj/grammar-<digest>.pickle`."""
    interpreter = hashlib.sha256(f"{PYDANTIC_VERSION} {sys.version}".encode()).hexdigest()
    return regex_cache.cache_dir() / f"grammar-{interpreter[:16]}.pickle"


def _grammar_key(digest: str) -> Optional[bytes]:
    """What the stored grammar of YAML files of this digest is kept under: 64 hex digits."""
    try:
        source = Path(__file__).read_bytes()
    except (OSError, TypeError):  # no source to tell the models' version by: nothing kept
        return None
    return hashlib.sha256(source + digest.encode()).hexdigest().encode()


def _stored_grammar(digest: str) -> Optional[Grammar]:
    """The validated grammar of the YAML files of this digest, when the cache file holds it."""
    key = _grammar_key(digest)
    try:
        data = _own_file(_grammar_file())
        if key is None or data is None or not data.startswith(key + b"\n"):
            return None   # no file, or another grammar's: not unpickled
        grammar = pickle.loads(data[len(key) + 1:])
    except Exception:  # noqa: BLE001 - an unreadable or damaged file: validate anew
        return None
    return grammar if isinstance(grammar, Grammar) else None


def _own_file(path: Path) -> Optional[bytes]:
    """The bytes of a file only this user can have written (theirs, no group or other write
    permission, not a link), else None: unpickling runs what the file says, so a cache folder
    shared with others (SJ_CACHE_DIR=/tmp/…) must not hand sj their file."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as file:
        status = os.fstat(file.fileno())
        if hasattr(os, "getuid") and (status.st_uid != os.getuid() or status.st_mode & 0o022):
            return None
        return file.read()


def _store_grammar(digest: str, grammar: Grammar) -> None:
    """Keep a validated grammar in the cache file: its key, a newline, the pickle; written
    whole (a temporary file renamed over it)."""
    key = _grammar_key(digest)
    if key is None:
        return
    regex_cache.write_whole(_grammar_file(), key + b"\n" + pickle.dumps(grammar, pickle.HIGHEST_PROTOCOL))


def build_compiled(directory: Optional[str] = None) -> Path:
    """Validate the YAML grammars of `directory` and store their data as compiled.json."""
    import json

    base = Path(directory) if directory else default_dir()
    load_grammar.cache_clear()
    (base / COMPILED).unlink(missing_ok=True)
    raws = _read_files(base)
    _validated(base, raws, _digest(raws))  # refuses an invalid grammar (SJ901) before anything is written
    data = {name: _load_yaml(raw, f"{name}.yaml") for name, raw in raws.items()}
    path = base / COMPILED
    text = json.dumps({"digest": _digest(raws), "files": data}, ensure_ascii=False, indent=0)
    path.write_text(text + "\n", encoding="utf-8")
    load_grammar.cache_clear()
    return path


def _read_files(base: Path) -> dict[str, bytes]:
    raws = {}
    for name in FILES:
        path = base / f"{name}.yaml"
        try:
            raws[name] = path.read_bytes()
        except OSError as exc:
            raise GrammarError(path.name, None, f"cannot read: {exc.strerror or exc}") from None
    return raws


def _digest(raws: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name, raw in raws.items():
        digest.update(name.encode() + b"\0" + raw)
    return digest.hexdigest()


def _compiled(base: Path, digest: str) -> Optional[dict[str, Any]]:
    """The data of compiled.json when it was built from these very YAML files, else None."""
    import json

    try:
        compiled = json.loads((base / COMPILED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(compiled, dict) or compiled.get("digest") != digest:
        return None
    return compiled.get("files")


def _load_yaml(raw: bytes, name: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return YAML(typ="safe").load(raw)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise GrammarError(name, line, str(exc.problem or exc).strip()) from None
    except YAMLError as exc:
        raise GrammarError(name, None, str(exc).strip()) from None


def _line_of(raw: bytes, loc: tuple) -> Optional[int]:
    """The 1-based line of the node at `loc`, found with the round-trip loader's positions."""
    from ruamel.yaml import YAML

    node = YAML(typ="rt").load(raw)
    line = None
    for key in loc:
        try:
            if hasattr(node, "lc"):
                if isinstance(key, int) and isinstance(node, list):
                    line = node.lc.item(key)[0] + 1
                elif isinstance(node, dict) and key in node:
                    line = node.lc.key(key)[0] + 1
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
    return line


def check_examples(grammar: Grammar) -> list[str]:
    """Every rule whose examples it fails: `["sections.yaml: level1: does not match '一、'"]`."""
    problems = []
    for file, model in grammar.files():
        for rule in _rules(model):
            for text in rule.examples.match:
                if not rule.regex.search(text):
                    problems.append(f"{file}: {rule.id}: does not match {text!r}")
            for text in rule.examples.no_match:
                if rule.regex.search(text):
                    problems.append(f"{file}: {rule.id}: matches {text!r}, which it must not")
        if hasattr(model, "check_examples"):  # data checked by its stage: catalogue.yaml, topics.yaml
            problems.extend(f"{file}: {problem}" for problem in model.check_examples(grammar))
    return problems


def _rules(value: Any) -> Iterator[PatternRule]:
    if isinstance(value, PatternRule):
        yield value
    elif isinstance(value, BaseModel):
        for field in type(value).model_fields:
            yield from _rules(getattr(value, field))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _rules(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _rules(item)
