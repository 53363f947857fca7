"""sj eval: the strict scores are ../shared/tools/score.py's; lenient scores only add matches."""
from __future__ import annotations

import contextlib
import copy
import importlib.util
import io
import json
import random
import shutil

import pytest

from conftest import GOLD, SAMPLES, SHARED, run_cli as run_sj
from shuangjian_parse import parse_file
from shuangjian_parse.emit import record_data
from shuangjian_parse.evaluate import CATEGORIES, compare, evaluate, load_gold, similarity

needs_shared = pytest.mark.skipif(not (SHARED / "tools" / "score.py").exists() or not GOLD.is_dir(),
                                  reason="../shared (gold files and score.py) is absent")


@pytest.fixture(scope="module")
def score_py():
    """../shared/tools/score.py as a module (the reference implementation)."""
    spec = importlib.util.spec_from_file_location("shared_score", SHARED / "tools" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_score_py(score_py, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = score_py.main(list(args))
    return code, out.getvalue()


@pytest.fixture(scope="module")
def sample_records() -> dict[str, dict]:
    return {p.stem: record_data(parse_file(p)) for p in sorted(SAMPLES.glob("*.txt"))}


def strict_part(summary: dict) -> dict:
    """score.py's summary keys only."""
    return {k: v for k, v in summary.items() if k not in ("lenient",)}


@needs_shared
def test_sj_eval_on_the_samples_agrees_with_score_py(monkeypatch, capsys, tmp_path, score_py, sample_records):
    for stem, record in sample_records.items():
        (tmp_path / f"{stem}.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    code, reference = run_score_py(score_py, str(GOLD), str(tmp_path), "--json")
    assert code == 0
    code, out, err = run_sj(monkeypatch, capsys, "eval", str(GOLD), str(SAMPLES), "--format", "json")
    assert code == 0
    assert strict_part(json.loads(out)["summary"]) == json.loads(reference)["summary"]
    # the text reports print the same overall line
    _, reference_text = run_score_py(score_py, str(GOLD), str(tmp_path))
    code, out, err = run_sj(monkeypatch, capsys, "eval", str(GOLD), str(SAMPLES))
    overall = [line for line in reference_text.splitlines() if line.startswith("overall F1 ")]
    assert overall and overall[0] in out.splitlines()
    missing = len(list(GOLD.glob("*.yaml"))) - len(sample_records)
    if missing:  # gold files without a sample notice score as empty records, as in score.py
        assert f"no notice for {missing} gold file(s), scored as empty records" in err


def perturb(record: dict, rng: random.Random) -> dict:
    """A plausible parser mistake or two: lost, renamed, invented or reordered items."""
    r = copy.deepcopy(record)
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(9)
        bodies = r.get("bodies") or []
        if choice == 0 and bodies:
            bodies.pop(rng.randrange(len(bodies)))
        elif choice == 1 and bodies and bodies[0].get("members"):
            members = bodies[0]["members"]
            m = members[rng.randrange(len(members))]
            m["name"] = (m.get("name") or "某") + "伟"
        elif choice == 2 and bodies and bodies[-1].get("member_units"):
            units = bodies[-1]["member_units"]
            units.append(dict(units[0], name=units[0]["name"] + "（县教委）"))
            units.pop(rng.randrange(len(units) - 1))
        elif choice == 3 and r.get("duties"):
            duty = r["duties"][rng.randrange(len(r["duties"]))]
            duty["text"] = "负责" + duty["text"][1:]
        elif choice == 4 and r.get("sections"):
            section = r["sections"][rng.randrange(len(r["sections"]))]
            section["heading"] = (section.get("heading") or "") + "工作"
        elif choice == 5:
            r.setdefault("document", {})["date"] = "2020-01-01"
        elif choice == 6 and bodies:
            bodies.append(copy.deepcopy(bodies[0]))
        elif choice == 7 and r.get("duties"):
            r["duties"].reverse()
            r["duties"].pop()
        elif choice == 8 and bodies and bodies[0].get("members"):
            bodies[0]["members"][0]["posts"] = list(reversed(bodies[0]["members"][0].get("posts") or [])) + ["县委常委"]
    return r


@needs_shared
def test_strict_scores_equal_score_py_on_perturbed_records(tmp_path, score_py):
    gold = load_gold(GOLD)
    rng = random.Random(20211213)
    corpus = SHARED / "corpus"
    base = {stem: record_data(parse_file(corpus / f"{stem}.txt")) for stem in gold
            if (corpus / f"{stem}.txt").exists()}
    assert base, "no corpus notice for the gold files"
    for round_ in range(3):
        records = {stem: perturb(record, rng) for stem, record in base.items()}
        for stem, record in records.items():
            reference = score_py.compare(gold[stem], record)
            ours = compare(gold[stem], record)
            for cat in CATEGORIES:
                s = ours.categories[cat]
                assert (s.strict.tp, s.strict.fp, s.strict.fn) == tuple(reference[cat][k] for k in ("tp", "fp", "fn")), (stem, cat)
                assert (s.missed, s.spurious) == (reference[cat]["missed"], reference[cat]["spurious"])
                assert s.lenient.tp >= s.strict.tp and s.lenient.fp <= s.strict.fp and s.lenient.fn <= s.strict.fn
            assert ours.fields == reference["document"]
        pred_dir = tmp_path / f"round{round_}"
        pred_dir.mkdir()
        for stem, record in list(records.items())[1:]:  # the first gold file has no record
            (pred_dir / f"{stem}.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        _, reference = run_score_py(score_py, str(GOLD), str(pred_dir), "--json")
        result = evaluate(gold, {stem: r for stem, r in list(records.items())[1:]})
        assert strict_part(result.summary) == json.loads(reference)["summary"]


def gold_file(body_units: list[str], optional_units: list[str] = ()) -> dict:
    units = [{"name": u} for u in body_units] + [{"name": u, "optional": True} for u in optional_units]
    return {"document": {"title": "关于成立县“双减”工作领导小组的通知", "date": "2021-12-13"},
            "bodies": [{"kind": "leading_group", "members": [], "member_units": units}]}


def record_with(units: list[str]) -> dict:
    return {"document": {"title": "关于成立县“双减”工作领导小组的通知", "date": "2021-12-13"},
            "bodies": [{"kind": "leading_group", "members": [],
                        "member_units": [{"name": u, "line": 1} for u in units]}]}


@pytest.mark.parametrize("gold_units, optional, pred_units, strict, lenient", [
    (["县发展和改革委员会"], [], ["县发展改革委员会"], (0, 1, 1), (1, 0, 0)),
    (["县教育局"], [], ["县教育局"], (1, 0, 0), (1, 0, 0)),
    (["县教育局"], [], ["县公安局交通警察大队"], (0, 1, 1), (0, 1, 1)),
    (["县教育局"], ["县发展和改革委员会"], ["县教育局", "县发展改革委员会"], (1, 1, 0), (1, 0, 0)),
    (["县教育局"], ["县财政局"], ["县教育局", "县财政局"], (1, 0, 0), (1, 0, 0)),
    (["县 教育局", "“双减”办"], [], ["县教育局", '"双减"办'], (2, 0, 0), (2, 0, 0)),
], ids=["similar", "equal", "different", "optional-similar", "optional-equal", "normalised"])
def test_lenient_matching_pairs_similar_text(gold_units, optional, pred_units, strict, lenient):
    score = compare(gold_file(gold_units, optional), record_with(pred_units)).categories["units"]
    assert (score.strict.tp, score.strict.fp, score.strict.fn) == strict
    assert (score.lenient.tp, score.lenient.fp, score.lenient.fn) == lenient


def test_lenient_matching_keeps_exact_parts_exact():
    gold = {"bodies": [{"kind": "leading_group", "members": [{"role": "组长", "name": "冯红卫"}]}]}
    pred = {"bodies": [{"kind": "leading_group", "members": [{"role": "副组长", "name": "冯红卫"}]}]}
    score = compare(gold, pred).categories["people"]
    assert (score.lenient.tp, score.lenient.fp, score.lenient.fn) == (0, 1, 1)
    assert similarity("县发展和改革委员会", "县发展改革委员会") > 0.9


@pytest.fixture
def sample_gold(tmp_path):
    """A gold directory holding only the samples' gold files."""
    if not GOLD.is_dir():
        pytest.skip("../shared/gold is absent")
    directory = tmp_path / "gold"
    directory.mkdir()
    for sample in SAMPLES.glob("*.txt"):
        if (GOLD / f"{sample.stem}.yaml").exists():
            shutil.copy(GOLD / f"{sample.stem}.yaml", directory)
    return directory


def test_min_f1_fails_ci_on_a_regression(monkeypatch, capsys, sample_gold):
    code, out, err = run_sj(monkeypatch, capsys, "eval", str(sample_gold), str(SAMPLES), "--min-f1", "0.5")
    assert code == 0 and err == ""
    overall = float(out.split("overall F1 ")[1].split()[0])
    # a gold file that expects one more person: the parser now "regresses" against it
    gold_path = sorted(sample_gold.glob("*.yaml"))[0]
    text = gold_path.read_text(encoding="utf-8")
    gold_path.write_text(text.replace("  members:\n", "  members:\n  - {role: 组长, name: 张三, posts: []}\n", 1),
                         encoding="utf-8")
    code, out, err = run_sj(monkeypatch, capsys, "eval", str(sample_gold), str(SAMPLES),
                            "--min-f1", f"{overall:.4f}")
    assert code == 1
    assert err.startswith("sj: overall F1 ") and "is below --min-f1" in err
    code, out, err = run_sj(monkeypatch, capsys, "eval", str(sample_gold), str(SAMPLES), "--misses")
    assert code == 0 and "people missed:   ('leading_group', '组长', '张三')" in out


def test_text_report_has_categories_documents_and_overall(monkeypatch, capsys, sample_gold):
    code, out, err = run_sj(monkeypatch, capsys, "eval", str(sample_gold), str(SAMPLES))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["category", "P", "R", "F1", "tp", "fp", "fn", "lenient", "F1"]
    assert [line.split()[0] for line in lines[1:8]] == list(CATEGORIES)
    for gold_path in sample_gold.glob("*.yaml"):
        assert any(line.startswith(gold_path.stem + " ") for line in lines)
    assert lines[-2].startswith("overall F1 ") and lines[-1].startswith("lenient F1 ")


def test_json_report_has_per_document_scores(monkeypatch, capsys, sample_gold):
    code, out, _ = run_sj(monkeypatch, capsys, "eval", str(sample_gold), str(SAMPLES), "-f", "json")
    data = json.loads(out)
    assert code == 0 and data["summary"]["documents"] == len(data["per_doc"])
    doc = next(iter(data["per_doc"].values()))
    assert set(CATEGORIES) <= set(doc) and {"f1", "lenient_f1", "document", "has_record"} <= set(doc)
    assert data["summary"]["lenient"]["overall_f1"] >= data["summary"]["overall_f1"]


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "nowhere", "nowhere: no such file or directory"),
    (lambda d: d, "no gold files"),
    (lambda d: (d / "a.yaml").write_text("document: [\n", encoding="utf-8") and d, "a.yaml:2:1: YAML syntax"),
], ids=["no-dir", "empty-dir", "broken-gold"])
def test_bad_gold_directories_are_input_errors(monkeypatch, capsys, tmp_path, make, message):
    gold_dir = make(tmp_path)
    code, out, err = run_sj(monkeypatch, capsys, "eval", str(gold_dir), str(SAMPLES))
    assert (code, out) == (3, "")
    assert err.startswith("sj: error: ") and message in err and len(err.splitlines()) == 1
