"""`sj compare` as people read it: labels by place and date, JSON, --topic, and a terminal
table that fits an 80-column terminal without cutting a cell."""
from __future__ import annotations

import json
import re

import pytest
from rich.cells import cell_len

from conftest import ROOT, SAMPLES, run_cli as sj
from shuangjian_parse.emit import to_json

CORPUS = ROOT.parent / "shared" / "corpus"
NOTICES = CORPUS if CORPUS.is_dir() else SAMPLES


@pytest.fixture(scope="module")
def records(tmp_path_factory, parser):
    """The records of the corpus (the samples when it is absent), one JSON file each."""
    out = tmp_path_factory.mktemp("records")
    for path in sorted(NOTICES.glob("*.txt")):
        (out / f"{path.stem}.json").write_text(to_json(parser.run(path.read_bytes(), path.name).notice),
                                               encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def data(records):
    from shuangjian_parse.compare import compare, load_records, render_json
    from shuangjian_parse.pipeline import parser_for

    found, problems = load_records([str(records)], parser_for().canonical)
    assert problems == []
    return json.loads(render_json(compare(found, parser_for().canonical)))


def test_json_labels_notices_by_place_and_date(data):
    labels = {n["id"]: n["label"] for n in data["notices"]}
    assert labels["000_9a14945eab7843f1"] == "彭水县"                  # no date in the notice
    assert labels["002_f4323febc5e33686"] == "陵川县 2021-12-13"
    assert len(set(labels.values())) == len(labels)                      # unique, #2 added when needed
    for notice in data["notices"]:
        if notice["place"] is None:
            assert notice["label"].startswith(notice["id"])              # the stem, when no place
    assert {s["sector"] for s in data["sectors"]} >= set(data["present_in_all"])
    assert all(set(s["cells"]) <= set(labels) for s in data["sectors"])
    assert data["bodies"] and all(b["label"] == labels[b["notice"]] for b in data["bodies"])


def test_topic_keeps_only_the_notices_on_it(monkeypatch, capsys, records):
    code, out, err = sj(monkeypatch, capsys, "compare", str(records), "--topic", "双减", "-f", "json")
    assert (code, err) == (0, "")
    notices = json.loads(out)["notices"]
    assert [n["place"] for n in notices] == ["彭水县", "房县", "陵川县", "象山区", "息烽县"]
    assert all("双减" in n["topics"] for n in notices)
    code, out, err = sj(monkeypatch, capsys, "compare", str(records), "--topic", "不存在的议题")
    assert code == 1 and out == "" and "no record is on the topic" in err


def _flat(text: str) -> str:
    return re.sub(r"\s", "", text)


@pytest.mark.parametrize("width", [80, 100, 160])
def test_the_terminal_table_fits_and_cuts_no_cell(monkeypatch, capsys, records, data, width):
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, err = sj(monkeypatch, capsys, "compare", str(records))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    assert "…" not in out                                   # rich's mark of a cut cell
    flat = _flat(out)
    for notice in data["notices"]:                          # each label and title whole
        assert _flat(f"{notice['label']}{notice['title']}") in flat
    for body in data["bodies"]:                             # each body, its kind and leader
        assert _flat(body["body"]) in flat
        assert re.search(rf"(?<![a-z_]){body['kind']}(?![a-z_])", out), body["kind"]
        if body["leader"]:
            assert _flat(body["leader"]) in flat
    for sector in data["sectors"]:
        assert sector["sector"] in out
    pages = re.findall(r"sectors × notices \((\d+)–(\d+) of (\d+)\)", out)
    if width == 80 and NOTICES is CORPUS:                   # (the 5 samples may fit one page)
        assert len(pages) > 1                               # the notices are paged, not squeezed
    if pages:
        starts = [int(a) for a, _, _ in pages]
        ends = [int(b) for _, b, _ in pages]
        assert starts[0] == 1 and ends[-1] == len(data["notices"])
        assert all(s == e + 1 for s, e in zip(starts[1:], ends))


def test_sj_show_says_where_a_notice_is_from_and_what_about(monkeypatch, capsys):
    code, out, err = sj(monkeypatch, capsys, "show", str(SAMPLES / "001_8e1b09cf0d4fe309.txt"), "--width", "160")
    assert (code, err) == (0, "")
    assert re.search(r"发文地区 place\s+房县 \(湖北省, 十堰市, 420325\)", out)
    assert re.search(r"议题 topics\s+双减、校外培训、教育", out)
