"""Every grammar rule's examples hold, and a broken grammar file is refused with file:line."""
from __future__ import annotations


import pytest

from shuangjian_parse.errors import GrammarError
from shuangjian_parse.grammar import FILES, check_examples, default_dir, load_grammar


def test_every_rule_passes_its_own_examples():
    assert check_examples(load_grammar()) == []


def test_every_grammar_file_is_loaded():
    grammar = load_grammar()
    assert [name for name, _ in grammar.files()] == [f"{n}.yaml" for n in FILES]
    assert len(grammar.digest) == 16


@pytest.mark.parametrize("mutation, problem", [
    (("heading_max_chars: 30", "heading_max_chars: thirty"), "heading_max_chars"),
    (("heading_max_chars: 30", "heading_max_chars: 30\nunknown_key: 1"), "unknown_key"),
    (("pattern: '^[（(]\\s*(?P<number>\\d{1,3})\\s*[）)]\\s*'", "pattern: '^[（(]\\s*(?P<number>\\d{1,3}'"),
     "does not compile"),
    (("version: 1", "version: [1"), ""),
    (("pattern: '^[（(]\\s*(?P<number>\\d{1,3})\\s*[）)]\\s*'", "pattern: '^[（(]\\s*(?P<n>\\d{1,3})\\s*[）)]\\s*'"),
     "(?P<number>"),
])
def test_broken_grammar_is_refused_with_its_line(grammar_copy, mutation, problem):
    path = grammar_copy / "sections.yaml"
    text = path.read_text(encoding="utf-8")
    old, new = mutation
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(GrammarError) as err:
        load_grammar(str(grammar_copy))
    assert err.value.file == "sections.yaml"
    assert err.value.line is not None and err.value.line >= 1
    assert problem in err.value.problem
    assert "SJ901" in str(err.value)


def test_example_that_its_rule_fails_is_reported(grammar_copy):
    path = grammar_copy / "sections.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('no_match: ["一是宣传"', 'no_match: ["一、宣传"', 1), encoding="utf-8")
    problems = check_examples(load_grammar(str(grammar_copy)))
    assert problems == ["sections.yaml: level1: matches '一、宣传', which it must not"]


def test_the_shipped_compiled_copy_is_current():
    """grammars/compiled.json must be rebuilt (`sj grammars build`) after a grammar is edited."""
    import json

    from shuangjian_parse.grammar import COMPILED, _digest, _load_yaml, _read_files

    raws = _read_files(default_dir())
    compiled = json.loads((default_dir() / COMPILED).read_text(encoding="utf-8"))
    assert compiled["digest"] == _digest(raws), "grammars changed: run `sj grammars build`"
    assert compiled["files"] == {n: _load_yaml(raw, n) for n, raw in raws.items()}


def test_a_stale_compiled_copy_is_not_used(grammar_copy):
    from shuangjian_parse.grammar import build_compiled

    build_compiled(str(grammar_copy))
    path = grammar_copy / "sections.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("heading_max_chars: 30", "heading_max_chars: 12"),
                    encoding="utf-8")
    load_grammar.cache_clear()
    assert load_grammar(str(grammar_copy)).sections.heading_max_chars == 12


def test_the_built_copy_gives_the_grammar_of_its_yaml_and_compiles_on_first_use(grammar_copy):
    """compiled.json skips the pattern checks `sj grammars build` ran (they compile every
    pattern: most of a cold start's grammar loading), and each rule compiles when first used."""
    from shuangjian_parse.grammar import _rules, build_compiled

    from_yaml = load_grammar(str(grammar_copy))
    build_compiled(str(grammar_copy))
    built = load_grammar(str(grammar_copy))
    assert built is not from_yaml
    for (name, model), (_, checked) in zip(built.files(), from_yaml.files()):
        assert model.model_dump() == checked.model_dump(), name
    rules = [rule for _, model in built.files() for rule in _rules(model)]
    assert len(rules) > 100
    assert not [r.id for r in rules if "_regex" in r.__pydantic_private__]
    rule = built.document.doc_number
    assert rule.regex.pattern == rule.pattern and rule.regex is rule.regex
    assert check_examples(built) == []


def test_the_validated_grammar_is_kept_between_runs_and_never_used_for_other_files(grammar_copy, monkeypatch):
    """load_grammar keeps a grammar read from compiled.json in sj's cache (a cold `sj parse`
    then neither builds nor runs the models' validators); the copy is the same grammar, and
    an edited grammar, or a damaged file, is validated anew."""
    from shuangjian_parse.grammar import build_compiled

    cache = grammar_copy / "cache"
    monkeypatch.setenv("SJ_CACHE_DIR", str(cache))
    build_compiled(str(grammar_copy))
    assert not list(cache.glob("grammar-*.pickle"))   # build validates the YAML: nothing kept
    validated = load_grammar(str(grammar_copy))
    (kept,) = cache.glob("grammar-*.pickle")
    load_grammar.cache_clear()
    stored = load_grammar(str(grammar_copy))
    assert stored is not validated and stored == validated
    assert [m.model_dump() for _, m in stored.files()] == [m.model_dump() for _, m in validated.files()]
    assert stored.sections.numbering == validated.sections.numbering
    assert check_examples(stored) == []

    path = grammar_copy / "sections.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("heading_max_chars: 30", "heading_max_chars: 12"),
                    encoding="utf-8")
    load_grammar.cache_clear()
    assert load_grammar(str(grammar_copy)).sections.heading_max_chars == 12
    path.write_text(path.read_text(encoding="utf-8").replace("heading_max_chars: 12", "heading_max_chars: 30"),
                    encoding="utf-8")
    kept.write_bytes(kept.read_bytes()[:200])   # its key, then a cut pickle
    load_grammar.cache_clear()
    again = load_grammar(str(grammar_copy))
    assert [m.model_dump() for _, m in again.files()] == [m.model_dump() for _, m in validated.files()]


def test_a_kept_grammar_others_could_have_written_is_never_unpickled(grammar_copy, monkeypatch):
    """Unpickling runs what the file says: a cache file open to others' writes (a shared
    SJ_CACHE_DIR) is validated anew, never loaded, whatever it holds after the right key."""
    import os
    import pickle

    from shuangjian_parse.grammar import build_compiled

    class Planted:
        def __reduce__(self):
            return (os.mkdir, (str(grammar_copy / "planted"),))

    cache = grammar_copy / "cache"
    monkeypatch.setenv("SJ_CACHE_DIR", str(cache))
    build_compiled(str(grammar_copy))
    validated = load_grammar(str(grammar_copy))
    (kept,) = cache.glob("grammar-*.pickle")
    assert kept.stat().st_mode & 0o077 == 0   # written for its owner alone
    key = kept.read_bytes().split(b"\n", 1)[0]
    kept.write_bytes(key + b"\n" + pickle.dumps(Planted()))
    kept.chmod(0o666)
    load_grammar.cache_clear()
    again = load_grammar(str(grammar_copy))
    assert not (grammar_copy / "planted").exists()
    assert [m.model_dump() for _, m in again.files()] == [m.model_dump() for _, m in validated.files()]
