"""prefilter: a gated pattern answers exactly as the pattern itself, only sooner."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shuangjian_parse.grammar import PatternRule, load_grammar
from shuangjian_parse.prefilter import GatedPattern, first_characters, gate, needs_any, required_literals

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("pattern, need", [
    ("(?:由)?(?P<who>[^，]{2,30}?)(?:兼任|担任|任)", ("任",)),          # 担任 holds 任
    ("(?P<unit>[^，。]{2,25}?)(?:为|是|作为)牵头单位", ("牵头单位",)),     # the longest part wins
    ("[，,](?P<units>[^。]{4,600}?)负责(?:同志|人)为成员", ("为成员",)),
    ("(?:成立|建立|(?<![小专作])组建|设立)了?", ("建立", "成立", "组建", "设立")),
    ("[（(]\\d", ("(", "（")),                                         # a small class is a choice
    ("[（(]x", ("x",)),                                                # one literal beats two
    ("a(?:bc)+d", ("bc",)),                                            # a required repeat
    ("x(?:bc)*", ("x",)),                                              # an optional one is not
    ("(?:甲|乙丙|)", None),                                            # an empty alternative
    ("^\\d+\\s*", None),                                               # nothing literal
    ("[^a]+", None),
    ("(?<=县)局", ("局",)),                                           # a lookbehind needs nothing
    ("(?i)abc", None),                                                 # case-insensitive: no gate
    ("(?i:ab)c", ("c",)),
])
def test_required_literals(pattern, need):
    assert required_literals(pattern) == need


def test_patterns_the_engine_finds_fast_are_left_alone():
    assert gate(re.compile("办公室(?:设在|设于)")).__class__ is re.Pattern      # literal first
    assert gate(re.compile("^(?P<n>\\d+)、x")).__class__ is re.Pattern          # anchored
    assert gate(re.compile("[一二三]+")).__class__ is re.Pattern                 # a class first
    assert gate(re.compile("\\d+")).__class__ is re.Pattern                     # nothing needed
    assert isinstance(gate(re.compile("(?P<u>[^，]{2,9}?)为牵头单位")), GatedPattern)


def test_a_gated_pattern_answers_every_method_like_the_pattern():
    regex = re.compile("(?P<u>[^，。]{2,9}?)为牵头单位")
    gated = gate(regex)
    for text in ("县教育局为牵头单位，县财政局配合", "县教育局牵头", "", "为牵头单位"):
        assert _same(gated.search(text), regex.search(text))
        assert _same(gated.match(text), regex.match(text))
        assert _same(gated.fullmatch(text), regex.fullmatch(text))
        assert [m.span() for m in gated.finditer(text)] == [m.span() for m in regex.finditer(text)]
        assert gated.findall(text) == regex.findall(text)
        assert gated.sub("<\\g<u>>", text) == regex.sub("<\\g<u>>", text)
        assert gated.split(text) == regex.split(text)
    assert gated.groupindex == regex.groupindex and gated.pattern == regex.pattern


def test_a_pattern_with_two_required_parts_is_gated_on_both():
    # a role word and 由: a text with a role word and no 由 is answered without the lazy search
    regex = re.compile("(?P<role>主任|组长)由(?P<who>[^，。]{2,20}?)担任")
    gated = gate(regex)
    assert (gated.need, gated.also) == (("担任",), ("主任", "组长"))
    for text in ("办公室主任由张三担任", "组长王五兼任", "由张三担任", "主任担任", ""):
        assert _same(gated.search(text), regex.search(text)), text


def _same(a, b) -> bool:
    return (a is None and b is None) or (a is not None and b is not None
                                         and a.span() == b.span() and a.groups() == b.groups())


def _grammar_rules() -> list[PatternRule]:
    grammar = load_grammar(None)
    rules: list[PatternRule] = []

    def walk(node) -> None:
        if isinstance(node, PatternRule):
            rules.append(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif hasattr(type(node), "model_fields"):
            for name in type(node).model_fields:
                walk(getattr(node, name))

    for name in ("normalize", "document", "sections", "units", "bodies", "people", "columns",
                 "duties", "catalogue"):
        walk(getattr(grammar, name))
    return rules


GATED = [r for r in _grammar_rules() if isinstance(r.regex, GatedPattern)]
SAMPLE_LINES = sorted({line.strip() for path in sorted((ROOT / "samples").glob("*.txt"))
                       for line in path.read_text(encoding="utf-8").splitlines() if line.strip()})


def test_the_shipped_grammars_have_gated_patterns():
    # The slow sentence rules of bodies.yaml are among them: the point of the gate.
    ids = {r.id for r in GATED}
    assert {"lead_unit", "place_name"} <= ids and len(GATED) >= 10


@pytest.mark.parametrize("rule", GATED, ids=lambda r: r.id)
def test_gated_grammar_patterns_agree_on_every_sample_line_and_example(rule):
    plain = re.compile(rule.pattern)
    texts = SAMPLE_LINES + rule.examples.match + rule.examples.no_match
    for text in texts:
        assert [m.span() for m in rule.regex.finditer(text)] == \
            [m.span() for m in plain.finditer(text)], text
        assert _same(rule.regex.match(text), plain.match(text)), text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.filter_too_much])
@given(data=st.data())
@pytest.mark.parametrize("rule", GATED, ids=lambda r: r.id)
def test_gated_grammar_patterns_agree_on_generated_text(rule, data):
    """Texts that match (generated from the pattern) inside noise made of the pattern's own
    literals, cut anywhere: the gate never hides a match."""
    match = data.draw(st.from_regex(rule.pattern, fullmatch=True), label="match")
    pieces = list(rule.regex.need) + list(rule.regex.also) + ["，", "。", " ", "县", match]
    noise = data.draw(st.lists(st.sampled_from(pieces), max_size=8), label="noise")
    text = "".join(noise)
    cut = data.draw(st.integers(0, len(text)), label="cut")
    plain = re.compile(rule.pattern)
    for sample in (match, text, text[:cut], text[cut:]):
        assert [m.span() for m in rule.regex.finditer(sample)] == \
            [m.span() for m in plain.finditer(sample)], sample


@pytest.mark.parametrize("pattern, first", [
    ("^(?:主办|承办)单位", ("主", "承")),
    ("^[-—\\s]*\\d{1,4}$", ("\\-", "\\d", "\\s", "—")),       # an optional run, then what must come
    ("^(?=.*_第)[（(]x", ("\\(", "（")),                             # a lookahead consumes nothing
    ("^(?:a|b)?c", ("a", "b", "c")),
    ("^\\S{1,12}网", None),                                         # any character but white space
    ("^(?:甲|.)", None),
    ("^[^，]", None),
    ("^a?", None),                                                  # may match nothing
    ("(?i)^a", None),
])
def test_first_characters(pattern, first):
    assert first_characters(pattern) == first


# (a rule that can start with any character is gated on its literals instead: not listed)
NOISE = [(r.id, r.pattern, r.examples.match) for rules in [load_grammar().normalize]
         for r in [rules.related_links.heading, *rules.noise] if first_characters(r.pattern) is not None]


@pytest.mark.parametrize("rule_id, pattern, examples", NOISE, ids=[n[0] for n in NOISE])
def test_a_line_a_noise_rule_matches_starts_with_one_of_its_first_characters(rule_id, pattern, examples):
    starts = re.compile(f"[{''.join(first_characters(pattern))}]")
    for text in SAMPLE_LINES + examples:
        if re.match(pattern, text):
            assert starts.match(text), text


def test_needs_any_finds_a_literal_one_of_the_patterns_needs():
    finder = needs_any(["由(?P<u>[^。]+?)组成", "(?P<u>[^，]{2,9}?)为牵头单位"])
    assert finder.search("由县教育局、县财政局组成") and finder.search("县教育局为牵头单位")
    assert finder.search("县教育局负责统筹") is None
    assert needs_any(["由(?P<u>.+?)组成", "^\\d+"]) is None   # one pattern needs nothing


def test_the_sentence_gate_of_the_bodies_stage_changes_no_record():
    """Sentences the gate skips are ones no sentence rule could match: every sample parses
    to the same record with the gate off."""
    from shuangjian_parse.emit import render
    from shuangjian_parse.pipeline import Parser

    gated = Parser(load_grammar(None))
    plain = Parser(load_grammar(None))
    plain.bodies._sentence_gate = None
    assert gated.bodies._sentence_gate is not None
    for path in sorted((ROOT / "samples").glob("*.txt")):
        data = path.read_bytes()
        assert render(gated.run(data, path.name).notice, "json") == \
            render(plain.run(data, path.name).notice, "json"), path.name
