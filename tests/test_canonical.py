"""The canonical stage: catalogue lookups, post splitting, ranks, SJ501–SJ507, record versions."""
from __future__ import annotations

import json
import re
import sys

import pytest
from pydantic import ValidationError

from conftest import ROOT, SAMPLES, check_golden
from shuangjian_parse.cli import main
from shuangjian_parse.diagnostics import CATALOGUE, Report, explain, render_text
from shuangjian_parse.emit import dump_yaml, record_data
from shuangjian_parse.errors import GrammarError
from shuangjian_parse.grammar import check_examples, load_grammar
from shuangjian_parse.models import ADDED_FIELDS, SCHEMA_VERSION, Body, Duty, Member, MemberUnit, PostUnit
from shuangjian_parse.pipeline import run
from shuangjian_parse.stages.canonical import extract_canonical
from shuangjian_parse.validate import validate_file

CASES = ROOT / "tests" / "cases"
NEW_CODES = sorted(code for code in CATALOGUE if code.startswith("SJ5"))


@pytest.fixture(scope="module")
def reader(parser):
    return parser.canonical


@pytest.fixture(scope="module")
def samples(parser):
    return {p.stem: parser.run(p.read_bytes(), str(p.relative_to(ROOT))).notice
            for p in sorted(SAMPLES.glob("*.txt"))}


# --- one canonical name for every spelling -------------------------------------------------------

# Every spelling the five samples use, grouped by the department it names.
SAMPLE_SPELLINGS = {
    "人力资源和社会保障局": ["县人社局", "县人力社保局", "区人力资源和社会保障局", "县人力资源社会保障局",
                             "人力资源和社会保障部门"],
    "发展和改革局": ["县发展改革委", "县发改局", "县发展改革局", "区发展和改革委员会", "发展改革部门"],
    "教育局": ["县教委", "县教育局", "区教育局", "教育部门"],
    "卫生健康局": ["县卫生健康委", "县卫健局", "县卫体局", "县卫生健康局", "区卫生健康局", "卫生健康局"],
    "住房和城乡建设局": ["县住房城乡建委", "县住建局", "县住房城乡建设局", "区住房和城乡建设局", "住房和城乡建设部门"],
    "文化和旅游局": ["县文化旅游委", "县文旅局", "县文化旅游局"],
    "市场监督管理局": ["县市场监管局", "区市场监督管理局", "区市场监管局", "市场监管部门"],
    "应急管理局": ["县应急局", "县应急管理局", "区应急管理局", "应急管理部门"],
    "工业和信息化局": ["县经济信息委", "县工信局", "区工业和信息化局"],
    "公安局": ["县公安局", "象山公安分局", "公安部门"],
    "消防救援大队": ["县消防救援大队", "象山区消防救援大队", "县消防救援支队", "消防大队"],
    "中国人民银行支行": ["人行彭水县支行", "人行房县支行", "县人民银行"],
    "金融监管支局": ["县银保监组", "晋城市银保监分局陵川监管组"],
    "网络安全和信息化委员会办公室": ["县委网信办", "区网信办", "网信部门", "网信办"],
    "党委宣传部": ["县委宣传部", "区委宣传部", "县委宣传部(县委网信办)", "宣传部门", "宣传部"],
    "政法委员会": ["县委政法委", "区委政法委", "政法部门"],
    "机构编制委员会办公室": ["县委编办", "区委编办", "机构编制部门"],
    "人民政府办公室": ["县政府办公室", "县政府办公室", "区政府办", "区政府办公室"],
    "党委办公室": ["县委办公室", "区委办"],
    "城市管理局": ["县城管局", "县综合行政执法局"],
    "共青团委员会": ["团县委"],
    "纪委监委": ["县纪委县监委"],
    "乡镇人民政府": ["各乡镇人民政府（街道办事处）", "各乡（镇）政府", "区二塘乡人民政府"],
    "街道办事处": ["永阳街道", "象山街道办事处", "平山街道办事处"],
}


@pytest.mark.parametrize("canonical, spellings", list(SAMPLE_SPELLINGS.items()), ids=list(SAMPLE_SPELLINGS))
def test_every_spelling_maps_to_one_canonical_name(reader, canonical, spellings):
    assert {name: reader.lookup(name).canonical for name in spellings} == {name: canonical for name in spellings}


def test_every_unit_of_the_samples_is_known_but_three(samples, reader):
    names = set()
    for notice in samples.values():
        names |= {u.name for b in notice.bodies for u in b.member_units}
        names |= {u for d in notice.duties for u in d.units}
        names |= {p.unit for b in notice.bodies for m in b.members for p in m.post_units if p.unit}
    unknown = sorted(n for n in names if reader.lookup(n).canonical is None)
    assert unknown == ["区青少年活动中心", "县互联网舆情研究中心", "县消防教援大队"]


@pytest.mark.parametrize("name, canonical, sector, prefix", [
    ("县人社局", "人力资源和社会保障局", "人社", "县"),
    ("彭水苗族土家族自治县教育委员会", "教育局", "教育", "彭水苗族土家族自治县"),
    ("桂林市象山区市场监督管理局", "市场监督管理局", "市场监管", "桂林市象山区"),
    ("中共彭水县委宣传部", "党委宣传部", "宣传", "中共彭水县委"),
    ("各县（市、区）教育局", "教育局", "教育", "各县（市、区）"),
    ("市场监管局", "市场监督管理局", "市场监管", ""),          # 市 opens the name, it is no prefix
    ("旗教育局", "教育局", "教育", "旗"),
    ("州卫生健康委", "卫生健康局", "卫生健康", "州"),
    ("省教育厅", "教育局", "教育", "省"),
    ("县安监局", "应急管理局", "应急管理", "县"),              # renamed organ: a former name
    ("县银保监组", "金融监管支局", "金融监管", "县"),
])
def test_level_prefix_is_read_by_rule(reader, name, canonical, sector, prefix):
    match = reader.lookup(name)
    assert (match.canonical, match.sector, match.prefix) == (canonical, sector, prefix)


@pytest.mark.parametrize("name, suggestion", [
    ("县消防教援大队", "县消防救援大队"),
    ("县市场监督管局", "县市场监督管理局"),
    ("县人力资源和社会保嶂局", "县人力资源和社会保障局"),
    ("县教育局", None),                 # known: no suggestion
    ("教育工会", None),                 # 会/委 tell organs apart: no typo of 教育工委
    ("县消防救援分队", None),           # 分/大 likewise
    ("县青少年活动中心", None),         # unknown, nothing near
])
def test_probable_typos_are_one_edit_away(reader, name, suggestion):
    match = reader.lookup(name)
    assert match.suggestion == suggestion
    assert match.canonical is None or suggestion is None


def test_a_renamed_organ_keeps_its_note():
    entry = next(e for e in load_grammar().catalogue.units if e.canonical == "金融监管支局")
    renamed = next(r for r in entry.renamed if "银保监组" in r.names)
    assert "金融监督管理总局" in renamed.note


def test_collective_subjects_are_no_units(reader):
    assert reader.lookup("各成员单位").canonical is None and reader.is_collective("相关部门")


# --- posts: unit + title, rank -------------------------------------------------------------------

@pytest.mark.parametrize("post, unit, title, canonical, rank", [
    ("县教育局局长", "县教育局", "局长", "教育局", 6),
    ("县委常委", "县委", "常委", "党委", 4),
    ("区委副书记", "区委", "副书记", "党委", 3),
    ("中共浙江省委书记", "中共浙江省委", "书记", "党委", 1),
    ("县人民政府副县长", "县人民政府", "副县长", "人民政府", 5),
    ("县政府分管副县长", "县政府", "分管副县长", "人民政府", 5),
    ("副县长", None, "副县长", None, 5),
    ("县长", None, "县长", None, 2),
    ("副区长候选人", None, "副区长候选人", None, 5),
    ("县教委主要负责同志", "县教委", "主要负责同志", "教育局", 6),
    ("县教委分管负责同志", "县教委", "分管负责同志", "教育局", 7),
    ("区教育工委书记", "区教育工委", "书记", "教育工作委员会", 6),   # a 书记, but not of the 县委
    ("县财政局二级主任科员", "县财政局", "二级主任科员", "财政局", 8),
    ("县市场监管局副科级领导", "县市场监管局", "副科级领导", "市场监督管理局", 7),
    ("晋城市银保监分局陵川监管组组长", "晋城市银保监分局陵川监管组", "组长", "金融监管支局", 6),
    ("区发展和改革委员会副局长", "区发展和改革委员会", "副局长", "发展和改革局", 7),
    ("县政府分管教育领导和县教育局主要负责同志", "县教育局", "主要负责同志", "教育局", 6),
    ("中央办公厅副主任兼秘书局局长", None, "局长", None, 6),
    ("办事处主任", None, "主任", None, 6),
    ("区青少年活动中心主任", "区青少年活动中心", "主任", None, 6),
    ("市财政局", "市财政局", None, "财政局", None),
    ("总工程师", None, None, None, None),
])
def test_posts_split_into_unit_and_title(reader, post, unit, title, canonical, rank):
    got = reader.split_post(post)
    assert (got.post, got.unit, got.title, got.canonical, got.rank) == (post, unit, title, canonical, rank)


@pytest.mark.parametrize("rank, sector, label", [
    (4, "党委", "党委常委"), (4, "政协", "人大政协正职"), (6, "教育", "部门正职"), (5, None, "政府副职")])
def test_rank_labels(reader, rank, sector, label):
    assert reader.rank_label(rank, sector) == label


def test_the_leaders_of_the_samples_by_rank(samples):
    leaders = {(stem, b.name): min((p.rank for p in b.members[0].post_units if p.rank), default=None)
               for stem, n in samples.items() for b in n.bodies if b.members}
    assert leaders[("000_9a14945eab7843f1", "彭水县“双减”工作领导小组")] == 4      # 县委常委
    assert leaders[("002_f4323febc5e33686", "陵川县“双减”工作监管领导小组")] == 5   # 副县长
    assert leaders[("003_5b6d3b00230c8cb0",
                    "象山区减轻义务教育阶段学生作业负担和校外培训负担工作领导小组")] == 3   # 区委副书记


# --- the stage on hand-built records -------------------------------------------------------------

def test_the_stage_adds_fields_and_keeps_the_rest(reader):
    body = Body(name="某县领导小组", kind="leading_group", line=1, lead_unit="县教委",
                members=[Member(role="成员", name="张伟", posts=["县人社局副局长"], line=3)],
                member_units=[MemberUnit(name="县人社局", line=2), MemberUnit(name="县教委", line=2)])
    duty = Duty(units=["县人力资源和社会保障局", "县教育委员会"], text="做好……", line=5)
    report = Report()
    out = extract_canonical([body], [duty], reader, report)
    new_body, new_duty = out.bodies[0], out.duties[0]
    assert [(u.name, u.canonical, u.sector) for u in new_body.member_units] == [
        ("县人社局", "人力资源和社会保障局", "人社"), ("县教委", "教育局", "教育")]
    assert new_body.members[0].post_units[0].canonical == "人力资源和社会保障局"
    assert new_body.lead_unit_ref.canonical == "教育局"
    assert new_duty.units == duty.units  # the contract field stays a list of strings
    assert [r.canonical for r in new_duty.unit_refs] == ["人力资源和社会保障局", "教育局"]
    assert new_body.model_dump(exclude={"member_units", "members", "lead_unit_ref"}) == \
        body.model_dump(exclude={"member_units", "members", "lead_unit_ref"})
    assert report.items() == []  # same units under other names: nothing to report


# --- diagnostics: golden cases and documentation ---------------------------------------------------

@pytest.mark.parametrize("case", sorted(CASES.glob("*.txt")), ids=lambda p: p.stem)
def test_diagnostic_golden_case(case, update_golden, monkeypatch):
    monkeypatch.chdir(ROOT)
    path = str(case.relative_to(ROOT))
    notice = run(case.read_bytes(), path).notice
    code = case.stem.split("_")[0]
    assert code in {d.code for d in notice.diagnostics}, f"{case.name} does not raise {code}"
    check_golden(case.with_suffix(".diag"), render_text(path, notice.diagnostics), update_golden)


@pytest.mark.parametrize("code", NEW_CODES)
def test_every_new_code_has_a_golden_case_and_documentation(code):
    assert list(CASES.glob(f"{code}_*.txt")), f"no tests/cases/{code}_*.txt"
    doc = explain(code)
    for part in ("What it means", "Why it matters", "Example", "How to fix"):
        assert part in doc
    example = re.search(r"Example: \S+?:\d+: (SJ\d{3}) (\w+): ", doc)
    assert example and example.groups() == (code, CATALOGUE[code].severity)


def test_sj_explain_prints_a_new_code(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["sj", "explain", "SJ502"])
    with pytest.raises(SystemExit) as exit_:
        main()
    out = capsys.readouterr().out
    assert exit_.value.code == 0 and out.startswith("SJ502 (warning)") and "typo" in out


# --- the catalogue is validated data ----------------------------------------------------------------

@pytest.mark.parametrize("old, new, problem", [
    ("    sector: 教育\n    aliases: [教育局,", "    sector: 教学\n    aliases: [教育局,", "unknown sector '教学'"),
    ("    aliases: [民政局, 民政厅]", "    aliases: [民政局, 民政厅, 教委]", "'教委' names both"),
    ("    aliases: [审计局, 审计厅]", "    aliases: [审计局, 审计厅]\n    colour: red", "colour"),
])
def test_a_bad_catalogue_is_refused(grammar_copy, old, new, problem):
    path = grammar_copy / "catalogue.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(GrammarError) as err:
        load_grammar(str(grammar_copy))
    assert err.value.file == "catalogue.yaml" and problem in err.value.problem


def test_an_example_the_catalogue_fails_is_reported(grammar_copy):
    path = grammar_copy / "catalogue.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    examples: {match: [县审计局], no_match: [县统计局]}",
                                 "    examples: {match: [县审计局, 县统计局], no_match: []}"), encoding="utf-8")
    assert check_examples(load_grammar(str(grammar_copy))) == [
        "catalogue.yaml: 审计局: 县统计局 maps to 统计局, not to this entry"]


# --- record versions: "2" written, "1" still valid ------------------------------------------------

def as_version_1(data: dict) -> dict:
    """A record as sj wrote it before schema_version 2: the fields later versions added left out
    (each added field's name is its own: no model of version 1 has a field of that name)."""
    added = {name for version in ADDED_FIELDS.values() for fields in version.values() for name in fields}

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in added}
        return [strip(v) for v in value] if isinstance(value, list) else value

    data = strip(data)
    data["schema_version"] = "1"
    return data


@pytest.fixture(scope="module")
def record(samples) -> dict:
    return record_data(samples["002_f4323febc5e33686"])


def test_records_carry_the_canonical_units(record):
    assert record["schema_version"] == SCHEMA_VERSION
    unit = {k: v for k, v in record["bodies"][0]["member_units"][1].items() if k != "name_span"}
    assert unit == {"name": "县委宣传部", "line": 33, "canonical": "党委宣传部", "sector": "宣传"}


def test_a_version_1_record_is_still_valid(tmp_path, record):
    path = tmp_path / "old.yaml"
    path.write_text(dump_yaml(as_version_1(record)), encoding="utf-8")
    assert validate_file(str(path)) == ([], 1)


def test_a_version_1_record_must_not_carry_version_2_fields(tmp_path, record):
    old = as_version_1(record)
    old["bodies"][0]["member_units"][0]["sector"] = "教育"
    old["duties"][0]["unit_refs"] = []
    path = tmp_path / "mixed.yaml"
    text = dump_yaml(old)
    path.write_text(text, encoding="utf-8")
    problems, _ = validate_file(str(path))
    assert [(p.path, p.message, p.rule) for p in problems] == [
        ("bodies[0].member_units[0].sector", "unknown field (not in schema_version 1)", "unknown-field"),
        ("duties[0].unit_refs", "unknown field (not in schema_version 1)", "unknown-field")]
    line = text.splitlines()[problems[0].line - 1]
    assert line.strip().startswith("sector:")


def test_a_version_2_record_is_checked_for_its_new_fields(tmp_path, record):
    bad = json.loads(json.dumps(record))
    bad["bodies"][0]["members"][0]["post_units"][0]["rank"] = 0
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, ensure_ascii=False, indent=2), encoding="utf-8")
    problems, _ = validate_file(str(path))
    assert [p.path for p in problems] == ["bodies[0].members[0].post_units[0].rank"]


def test_the_stage_copies_records_as_model_copy_does():
    """record_copy.copy_with (used by the canonical and spans stages) stands in for model_copy
    (at half its cost): the same fields, the same fields set, still frozen, and the original
    untouched."""
    from shuangjian_parse.stages.record_copy import copy_with

    unit = MemberUnit(name="县教育局", line=3)
    member = Member(role="组长", name="王刚", posts=["县长"], line=2)
    post = PostUnit(post="县长", title="县长", rank=2)
    for record, changes in ((unit, {"canonical": "教育局", "sector": "教育"}), (member, {"post_units": [post]})):
        copy = copy_with(record, changes)
        expected = record.model_copy(update=changes)
        assert copy == expected and copy.model_fields_set == expected.model_fields_set
        assert copy != record
        with pytest.raises(ValidationError):
            copy.name = "李明"
    assert unit.canonical is None and member.post_units == []
