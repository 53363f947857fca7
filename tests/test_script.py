"""Notices in traditional characters: read through simplified ones, written as written (stages/script.py)."""
from __future__ import annotations

import re
import subprocess
import sys
import time

import opencc
import pytest

from conftest import CORPUS, GOLD, SAMPLES
from shuangjian_parse.diagnostics import Report
from shuangjian_parse.evaluate import compare, load_gold
from shuangjian_parse.pipeline import run
from shuangjian_parse.stages.read import read_source
from shuangjian_parse.stages.script import FIXED_FIELDS, Script, read_script, to_simplified

SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))
# How mirror sites write a notice: OpenCC's standard traditional, Taiwan's and Hong Kong's forms.
FORWARD = ("s2t", "s2tw", "s2hk")


def simplified(value: str) -> str:
    return to_simplified([value])[0]


def compact(text: str) -> str:
    """Text as values are compared with it: no white space, full-width ASCII folded."""
    return re.sub(r"\s+", "", text).translate({cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)})


def text_values(record, path: str = "") -> list[tuple[str, str]]:
    """Every (path, value) of the record that is text of the notice (not in FIXED_FIELDS)."""
    if isinstance(record, dict):
        return [pv for k, v in record.items() if k not in FIXED_FIELDS
                for pv in text_values(v, f"{path}.{k}")]
    if isinstance(record, list):
        return [pv for i, v in enumerate(record) for pv in text_values(v, f"{path}[{i}]")]
    return [(path, record)] if isinstance(record, str) else []


def to_simplified_record(record: dict) -> dict:
    """The record with every text value mapped to simplified characters, SJ104 and sha256 left out."""
    def walk(value, key=None):
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if isinstance(value, str) and key not in FIXED_FIELDS:
            return simplified(value)
        return value
    out = walk({k: v for k, v in record.items() if k not in ("source", "diagnostics")})
    diagnostics = [{k: simplified(v) if k in ("message", "text") and v else v for k, v in d.items()}
                   for d in record["diagnostics"] if d["code"] != "SJ104"]
    # in sj's order (line, code, message), which the messages' script may change within a line
    out["diagnostics"] = sorted(diagnostics, key=lambda d: (d["line"] or 0, d["code"], d["message"]))
    return out


def parse(text: str, name: str = "a.txt") -> dict:
    return run(text.encode("utf-8"), name).notice.model_dump()


@pytest.mark.parametrize("forward", FORWARD)
@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
def test_a_traditional_copy_of_a_sample_gives_the_same_record_as_written(sample, forward):
    original_text = sample.read_text(encoding="utf-8")
    traditional_text = opencc.OpenCC(forward).convert(original_text)
    assert traditional_text != original_text
    original = parse(original_text, sample.name)
    traditional = parse(traditional_text, sample.name)

    # The same record once its values are read in simplified characters: nothing lost or added,
    # line numbers, columns, kinds and catalogue fields identical.
    expected = {k: v for k, v in original.items() if k != "source"}
    assert to_simplified_record(traditional) == expected
    assert traditional["source"]["lines"] == original["source"]["lines"]
    assert [d["code"] for d in traditional["diagnostics"]].count("SJ104") == 1

    # Values as written: where the original's value stands in its source, the traditional
    # one stands in the traditional source (white space aside); composed ones in neither.
    source, source_t = compact(original_text), compact(traditional_text)
    pairs = list(zip(text_values(original), text_values(traditional)))
    assert pairs and all(p == q for (p, _), (q, _) in pairs)
    for (path, value), (_, value_t) in pairs:
        assert (compact(value) in source) == (compact(value_t) in source_t), (path, value, value_t)
    written = [v for (_, v), (_, v_t) in pairs if v != v_t]
    assert written, "no value is in traditional characters"


def test_kinds_and_catalogue_values_stay_sjs_own():
    sample = SAMPLE_FILES[0]
    traditional = parse(opencc.OpenCC("s2t").convert(sample.read_text(encoding="utf-8")))
    units = [u for b in traditional["bodies"] for u in b["member_units"]]
    assert {"縣公安局", "縣委宣傳部"} <= {u["name"] for u in units}
    police = next(u for u in units if u["name"] == "縣公安局")
    assert (police["canonical"], police["sector"]) == ("公安局", "公安")
    assert traditional["bodies"][0]["kind"] == "leading_group"
    assert parse("關於成立某縣工作領導小組的決定\n")["document"]["doc_type"] == "决定"  # the 文种 of the list
    leader = traditional["bodies"][0]["members"][0]
    assert leader["role"] == "組長"
    assert [p["title"] for p in leader["post_units"]] == ["常委", "部長"]  # as written, like the post


def test_a_simplified_notice_passes_unchanged_and_loads_no_converter():
    for sample in SAMPLE_FILES:
        report = Report()
        decoded = read_source(sample.read_bytes(), sample.name, report)
        script = read_script(decoded, report)
        assert not script.converted and script.decoded is decoded and not report.items()
    # OpenCC is imported by the first notice that needs it, not before (a fresh process).
    code = ("import sys; from pathlib import Path; from shuangjian_parse.pipeline import run\n"
            "for p in sorted(Path(sys.argv[1]).glob('*.txt')): run(p.read_bytes(), p.name)\n"
            "print('opencc' in sys.modules)\n"
            "run('關於成立某縣工作領導小組的通知'.encode(), 'a.txt'); print('opencc' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, str(SAMPLES)], capture_output=True, text=True)
    assert done.stdout.split() == ["False", "True"], done.stderr


@pytest.mark.parametrize("text", ["一、组织机构\n组长：李炤 县长\n", "县委宣传部——网信办\n"])
def test_a_simplified_notice_with_a_rare_character_or_a_dash_is_not_converted(text):
    report = Report()
    script = read_script(read_source(text.encode("utf-8"), "a.txt", report), report)
    assert not script.converted and not report.items()


def test_a_traditional_character_after_a_dash_is_found():
    report = Report()
    script = read_script(read_source("县委宣传部——網信办\n".encode("utf-8"), "a.txt", report), report)
    assert script.converted and script.decoded.lines == ["县委宣传部——网信办"]
    assert [(d.code, d.line, d.column, d.text) for d in report.items()] == [("SJ104", 1, 8, "網")]


def test_a_mixed_page_keeps_every_value_and_reads_its_traditional_units():
    sample = SAMPLE_FILES[0]
    text = sample.read_text(encoding="utf-8")
    assert text.count("县公安局") >= 2
    mixed = text.replace("县公安局", "縣公安局", 1)  # one unit of the list in traditional form
    original, record = parse(text), parse(mixed)
    assert to_simplified_record(record) == {k: v for k, v in original.items() if k != "source"}
    changed = [(v, v_t) for (_, v), (_, v_t) in zip(text_values(original), text_values(record)) if v != v_t]
    assert changed and all(v_t == v.replace("县公安局", "縣公安局") for v, v_t in changed)
    # The 县 written as such elsewhere stays 县.
    assert any("县" in v_t for _, v_t in text_values(record))


def script_of(written: list[str]) -> Script:
    report = Report()
    decoded = read_source("\n".join(written).encode("utf-8"), "a.txt", report)
    script = read_script(decoded, report)
    assert script.converted
    return script


@pytest.mark.parametrize("written, value, line, expected", [
    # one written form for each character: by character
    (["縣教育局負責"], "县教育局", 1, "縣教育局"),
    # 后 written 後 on one line and 后 on the other: read off the line the value came from
    (["會後由縣長負責", "皇后镇人民政府"], "皇后镇人民政府", 2, "皇后镇人民政府"),
    (["皇后镇人民政府", "會後由縣長負責"], "会后", 2, "會後"),
    # a shared prefix distributed: 市委宣传部、网信办 -> 市委网信办, from two places
    (["市委宣傳部、網信辦，縣网信办"], "市委网信办", 1, "市委網信辦"),
    (["宣傳、網信部門負責", "网络部门"], "网信部门", 1, "網信部門"),
    # white space inside the source, full-width digits folded as normalize folds them
    (["縣後 勤 ２０２１年", "后来"], "后勤2021年", 1, "後勤2021年"),
])
def test_restore_reads_each_value_from_where_it_was_written(written, value, line, expected):
    assert script_of(written).restore(value, line) == expected


def test_restore_keeps_a_character_the_text_does_not_hold():
    script = script_of(["後來", "會後", "后妃"])
    assert script.restore("后者", 1) == "後者"  # 者 is sj's own, not the notice's


def test_a_value_read_far_from_its_characters_takes_their_usual_written_form():
    filler = ["甲乙丙丁" * 100] * 40  # 16,000 characters: beyond the reach of the last line
    script = script_of(["會後", "會後", "皇后", *filler, "皇帝"])
    assert script.restore("会后", len(filler) + 4) == "會後"  # 後 twice, 后 once


def test_diagnostics_name_the_text_as_written():
    head = "關於成立某縣工作領導小組的通知\n各鄉鎮：\n"
    record = parse(head + "一、組織機構\n組長：縣委、縣政府有關領導同志，具體由縣委研究確定\n")
    sj302 = next(d for d in record["diagnostics"] if d["code"] == "SJ302")
    assert sj302["text"] in "組長：縣委、縣政府有關領導同志，具體由縣委研究確定"
    assert "縣委" in sj302["message"] and "县" not in sj302["message"]
    sj104 = next(d for d in record["diagnostics"] if d["code"] == "SJ104")
    assert (sj104["line"], sj104["column"], sj104["text"]) == (1, 1, "關")


def test_to_simplified_keeps_every_length():
    lines = ["乾隆年間，幹部乾淨", "", "臺灣 衞生 著力", "ｘ２０２１ 〔2021〕號"]
    out = to_simplified(lines)
    assert [len(x) for x in out] == [len(x) for x in lines]
    assert out[0] == "乾隆年间，干部干净"
    assert out[2] == "台湾 卫生 着力"


def test_a_line_whose_length_the_converter_would_change_is_converted_character_by_character(monkeypatch):
    class Shortening:  # a phrase rule that drops a character: offsets would shift
        def convert(self, text):
            return text.replace("縣縣", "县").replace("縣", "县")

    monkeypatch.setattr("shuangjian_parse.stages.script._converters", lambda: (Shortening(),))
    assert to_simplified(["縣縣長", "縣"]) == ["县县長", "县"]


def test_a_long_notice_in_traditional_characters_reads_as_its_simplified_copy():
    original = max(SAMPLE_FILES, key=lambda p: p.stat().st_size).read_text(encoding="utf-8")
    traditional = opencc.OpenCC("s2t").convert(original)
    record = parse(traditional * 16)  # 270 KB: values are looked for near their own line
    assert to_simplified_record(record) == {k: v for k, v in parse(original * 16).items() if k != "source"}
    started = time.perf_counter()
    parse(traditional.replace("\n", "") * 64)  # about 1 MB on one line
    assert time.perf_counter() - started < 60  # a hang detector, as in test_hostile.py


# --- traditional notices of the shared corpus -------------------------------------------------

TRADITIONAL = ["027_tulufan_zhiwuyuan_jianshe_zhuanban", "029_anhui_shengji_hezhang_mingdan"]


@pytest.mark.skipif(not (CORPUS.is_dir() and GOLD.is_dir()), reason="../shared/corpus absent")
@pytest.mark.parametrize("stem", TRADITIONAL)
def test_a_traditional_corpus_notice_reads_as_its_simplified_copy_and_as_gold_writes_it(stem):
    text = (CORPUS / f"{stem}.txt").read_bytes().decode("utf-8", "replace")
    record = parse(text)
    assert any(d["code"] == "SJ104" for d in record["diagnostics"])
    copy = parse("\n".join(to_simplified(text.split("\n"))))
    assert to_simplified_record(record) == {k: v for k, v in copy.items() if k != "source"}
    gold = load_gold(GOLD)[stem]
    score = compare(gold, record)
    people = [m for b in record["bodies"] for m in b["members"] if m["name"]]
    for category in ("people", "posts"):
        assert score.categories[category].strict.fp == 0, score.categories[category].spurious
    assert score.categories["people"].strict.tp == len(people)
