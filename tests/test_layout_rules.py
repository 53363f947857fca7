"""Every layout rule's examples, from the grammars: line layouts (bodies.yaml), roster entry forms
(people.yaml) and duty forms (duties.yaml). An example must be read by its own rule, in the
grammar's order (no rule listed before it takes the line), and give what it lists."""
from __future__ import annotations

import pytest

from shuangjian_parse.errors import GrammarError
from shuangjian_parse.grammar import load_grammar
from shuangjian_parse.layouts import check_layouts, describe, example_problems
from shuangjian_parse.pipeline import parser_for

GRAMMAR = load_grammar()
CASES = [pytest.param(key, rule.name, example, id=f"{rule.name}-{n}")
         for key, rules in (("line_layouts", GRAMMAR.bodies.line_layouts),
                            ("entry_forms", GRAMMAR.people.entry_forms),
                            ("duty_forms", GRAMMAR.duties.duty_forms))
         for rule in rules for n, example in enumerate(rule.examples, 1)]


@pytest.mark.parametrize("key, name, example", CASES)
def test_layout_example(key, name, example):
    assert example_problems(parser_for(), key, name, example) == []


def test_every_rule_has_two_examples_and_a_description():
    for rules in (GRAMMAR.bodies.line_layouts, GRAMMAR.people.entry_forms, GRAMMAR.duties.duty_forms):
        for rule in rules:
            assert len(rule.examples) >= 2 and rule.reads, rule.name


@pytest.mark.parametrize("file, old, new, problem", [
    ("bodies.yaml", "  - name: wrapped_post\n", "  - name: wrapped_posts\n", "no line layout named wrapped_posts"),
    ("people.yaml", "  - name: name_alone\n", "  - name: name_alone_x\n", "no entry form named name_alone_x"),
    ("duties.yaml", "  - name: clauses\n", "  - name: clause\n", "no duty form named clause"),
])
def test_a_layout_without_its_function_is_a_grammar_error(grammar_copy, file, old, new, problem):
    path = grammar_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(GrammarError) as err:
        parser_for(str(grammar_copy))
    assert problem in str(err.value) and "SJ901" in str(err.value)


def test_a_layout_left_out_of_the_grammar_is_a_grammar_error(grammar_copy):
    path = grammar_copy / "bodies.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - name: body_name\n")
    end = text.index("  - name: document_title\n")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(GrammarError, match="body_name is not listed"):
        parser_for(str(grammar_copy))


@pytest.mark.parametrize("file, old, new", [
    ("bodies.yaml", "  - kind: joint_meeting\n", "  - kind: committee\n"),
    ("sections.yaml", "  - kind: roster\n", "  - kind: annex\n"),
])
def test_a_kind_the_record_does_not_know_is_a_grammar_error(grammar_copy, file, old, new):
    path = grammar_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(GrammarError) as err:
        load_grammar(str(grammar_copy))
    assert err.value.file == file and err.value.line is not None
    assert "the record knows" in err.value.problem and "SJ901" in str(err.value)


def test_a_broken_example_is_reported_with_its_rule(grammar_copy):
    path = grammar_copy / "people.yaml"
    text = path.read_text(encoding="utf-8")
    old = '{text: "曹亚", entries: [[曹亚, []]]}'
    assert old in text
    path.write_text(text.replace(old, '{text: "曹亚", entries: [[曹丫, []]]}'), encoding="utf-8")
    problems = check_layouts(parser_for(str(grammar_copy)))
    assert problems == ["people.yaml: name_alone example 1: '曹亚' reads as [('曹亚', [])], not [('曹丫', [])]"]


def test_the_list_names_every_layout_with_an_example():
    listing = describe(GRAMMAR)
    for rules in (GRAMMAR.bodies.line_layouts, GRAMMAR.people.entry_forms, GRAMMAR.duties.duty_forms):
        for n, rule in enumerate(rules, 1):
            assert f"{n:>2}. {rule.name}: {rule.reads}" in listing
    assert "        -> 组长 资平 ['县人民政府副县长']; 副组长 伍刚 ['县教育局局长']" in listing


def test_a_layout_is_offered_every_line_it_could_read(monkeypatch):
    """A line layout's `reads` (table=…, numbered=…, prose=…; roster=…, units=…, the cursor's
    state as the line starts) only says what its function tests first: offered every line, each
    layout refuses the lines of the kinds it does not read, and the records are the same as when
    they are not offered to it."""
    from conftest import SAMPLES
    from test_layouts import CASES

    from shuangjian_parse.emit import record_data
    from shuangjian_parse.layouts import LINE_LAYOUTS

    parser = parser_for()
    reader = parser.bodies
    texts = [p.read_bytes() for p in sorted(SAMPLES.glob("*.txt"))] + [case[2].encode() for case in CASES]
    before = [record_data(parser.run(text, "a.txt").notice) for text in texts]
    read_anyway = []

    def offered(name, layout, table, numbered, prose, roster, units):
        if LINE_LAYOUTS.may_read(name, table=table, numbered=numbered, prose=prose, roster=roster,
                                 units=units):
            return layout

        def refusing(cursor, view):
            read = layout(cursor, view)
            if read:
                read_anyway.append((name, view.text))
            return read
        return refusing

    monkeypatch.setattr(reader, "layouts_for", {
        kind: tuple((name, offered(name, layout, *kind)) for name, layout in reader.layouts)
        for kind in reader.layouts_for})
    after = [record_data(parser.run(text, "a.txt").notice) for text in texts]
    assert not read_anyway and after == before
    assert sum(map(bool, LINE_LAYOUTS.reads.values())) >= 5  # the rules do say what they read
