"""run(): the stages in order, the only place that lists them."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .diagnostics import Report
from .grammar import Grammar, load_grammar
from .layouts import Trace
from .models import Jurisdiction, Notice, Text
from .stages.bodies import BodyReader, extract_bodies
from .stages.canonical import Canonical, CanonicalReader, extract_canonical
from .stages.columns import ColumnReader
from .stages.document import DocumentResult, extract_document
from .stages.duties import DutyReader, extract_duties
from .stages.jurisdiction import JurisdictionReader, extract_jurisdiction
from .stages.leaders import link_leaders
from .stages.normalize import LineStarts, normalize
from .stages.people import PersonReader
from .stages.read import DEFAULT_MAX_BYTES, Decoded, read_source
from .stages.script import Script, read_script
from .stages.sections import Outline, extract_sections
from .stages.spans import Located, SpanFinder, extract_spans
from .stages.topics import TopicReader, extract_topics
from .stages.units import UnitReader


@dataclass(frozen=True)
class Result:
    """A parsed notice and the normalised text its line numbers refer to (in simplified
    characters for a notice in traditional ones: the text the stages matched)."""

    notice: Notice
    text: Text
    layouts: Trace  # {source line: the line layout of the bodies stage that read it}
    duty_forms: Trace  # {source line: the duty form that read it}


class Parser:
    """One grammar's compiled readers, built once and reused for every notice."""

    def __init__(self, grammar: Grammar) -> None:
        self.grammar = grammar
        self.starts = LineStarts.of(grammar.bodies, grammar.sections)
        self.units = UnitReader(grammar.units, frozenset(n for n, _ in grammar.catalogue.names()))
        self.people = PersonReader(grammar.people, self.units)
        self.columns = ColumnReader(grammar.columns)
        self.bodies = BodyReader(grammar.bodies, grammar.sections, self.units, self.people, self.columns)
        self.duties = DutyReader(grammar.duties, grammar.sections, self.units, self.columns)
        self.canonical = CanonicalReader(grammar.catalogue, self.units)
        self.jurisdiction = JurisdictionReader(grammar.jurisdiction, self.canonical)
        self.topics = TopicReader(grammar.topics)

    def run(self, data: bytes, path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Result:
        """Parse one notice's bytes into its record; raises InputError for unreadable input."""
        g = self.grammar
        report = Report()
        decoded = _check(read_source(data, path, report, max_bytes), Decoded)
        # A notice in traditional characters is read through simplified ones (script.decoded),
        # and its record is written back as written (script.restore_notice) at the end.
        script = _check(read_script(decoded, report), Script)
        text = _check(normalize(script.decoded, g.normalize, report, self.starts), Text)
        doc = _check(extract_document(text, g.document, self.units, report), DocumentResult)
        outline = _check(extract_sections(text.lines, doc.layout, g.sections, report), Outline)
        layouts: Trace = {}
        duty_forms: Trace = {}
        bodies = _check(extract_bodies(text, doc.layout, outline, doc.document.title, self.bodies, report,
                                       layouts), list)
        duties = _check(extract_duties(text.lines, doc.layout, outline, self.duties, report, duty_forms),
                        list)
        bodies = _check(link_leaders(bodies, g.catalogue.leader_roles, report), list)
        # Every value's place in the decoded text, found once the stages have read it: members,
        # member units and duties in the copies the canonical stage makes, the rest here.
        spans = SpanFinder(script.index, text.lines)
        canon = _check(extract_canonical(bodies, duties, self.canonical, report, spans.of), Canonical)
        at = _check(extract_spans(doc.document, outline.sections, text.lines, doc.layout, spans), Located)
        place = extract_jurisdiction(text, at.document, canon.bodies, canon.duties, self.jurisdiction, report)
        if place is not None:
            _check(place, Jurisdiction)
        topics = _check(extract_topics(text, at.document, doc.layout, canon.bodies, self.topics), list)
        notice = Notice(source=decoded.source, document=at.document, jurisdiction=place, topics=topics,
                        sections=at.sections, bodies=canon.bodies, duties=canon.duties,
                        diagnostics=report.items())
        return Result(notice=script.restore_notice(notice), text=text, layouts=layouts, duty_forms=duty_forms)


def _check(value, expected: type):
    if not isinstance(value, expected):
        raise TypeError(f"stage returned {type(value).__name__}, expected {expected.__name__}")
    return value


@lru_cache(maxsize=8)
def parser_for(grammar_dir: str | None = None) -> Parser:
    """The Parser of a grammar directory (default: the shipped grammars), built once."""
    return Parser(load_grammar(grammar_dir))


def run(data: bytes, path: str = "<bytes>", grammar_dir: str | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES) -> Result:
    """Parse one notice: `run(Path("a.txt").read_bytes(), "a.txt").notice.bodies[0].kind`."""
    return parser_for(grammar_dir).run(data, path, max_bytes)


def read_text(data: bytes, path: str = "<bytes>", max_bytes: int = DEFAULT_MAX_BYTES) -> list[str]:
    """The lines `line` refers to, a .docx/page/PDF converted (`sj parse --dump-text`): `read_text(b"a\\nb") == ["a", "b"]`."""
    return read_source(data, path, Report(), max_bytes).lines
