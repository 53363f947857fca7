"""Every layout rule's examples, from the grammars: line layouts (bodies.yaml), roster entry forms
(people.yaml) and duty forms (duties.yaml). An example must be read by its own rule, in the
grammar's order (no rule listed before it takes the line), and give what it lists."""
from __future__ import annotations

import pytest

from shuangjian_parse.errors import GrammarError
from shuangjian_parse.grammar import load_grammar
from shuangjian_parse.layouts import ENTRY_FORMS
from shuangjian_parse.pipeline import parser_for, run

HEAD = "关于成立某县“双减”工作领导小组的通知\n各乡镇：\n决定成立某县“双减”工作领导小组。\n"
GRAMMAR = load_grammar()


def _cases(rules):
    return [pytest.param(rule.name, example, id=f"{rule.name}-{n}")
            for rule in rules for n, example in enumerate(rule.examples, 1)]


def _parse(example):
    head = HEAD if example.head is None else example.head
    before = head + "".join(line + "\n" for line in example.before)
    text = before + "".join(line + "\n" for line in example.lines + example.after)
    first = before.count("\n") + 1
    result = run(text.encode("utf-8"), "example.txt")
    return result, range(first, first + len(example.lines))


def _found(example, notice) -> list[str]:
    """What the example lists that the record lacks."""
    members = {(m.role, m.name, tuple(m.posts)) for b in notice.bodies for m in b.members}
    units = {u.name for b in notice.bodies for u in b.member_units}
    bodies = {b.name for b in notice.bodies}
    codes = {d.code for d in notice.diagnostics}
    missing = [f"member {m}" for m in example.members if (m[0], m[1], tuple(m[2])) not in members]
    missing += [f"unit {u}" for u in example.units if u not in units]
    missing += [f"body {b}" for b in example.bodies if b not in bodies]
    missing += [f"diagnostic {c}" for c in example.diagnostics if c not in codes]
    for units_, start in example.duties:
        if not any(d.units == units_ and d.text.startswith(start) for d in notice.duties):
            missing.append(f"duty {units_} {start}…")
    return missing


@pytest.mark.parametrize("name, example", _cases(GRAMMAR.bodies.line_layouts))
def test_line_layout_example(name, example):
    result, lines = _parse(example)
    read_by = {n: result.layouts.get(n) for n in lines}
    assert set(read_by.values()) == {name}, f"lines read by {read_by}"
    assert _found(example, result.notice) == []


@pytest.mark.parametrize("name, example", _cases(GRAMMAR.duties.duty_forms))
def test_duty_form_example(name, example):
    result, lines = _parse(example)
    assert result.duty_forms.get(lines[0]) == name, f"read by {result.duty_forms}"
    assert _found(example, result.notice) == []


@pytest.mark.parametrize("name, example", _cases(GRAMMAR.people.entry_forms))
def test_entry_form_example(name, example):
    people = parser_for().people
    expected = [(n, list(p)) for n, p in example.entries]
    assert ENTRY_FORMS.functions[name](_entry(example.text), people) == expected
    assert people.read_entry(example.text) == (name, expected), "an earlier form reads it"


def _entry(text):
    from shuangjian_parse.stages.entry_forms import Entry

    return Entry(text)


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
    end = text.index("  - name: unit_list\n")
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
