"""Records written as YAML and JSON read back as the same data, byte-stable."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st
from ruamel.yaml import YAML

from conftest import SAMPLES
from shuangjian_parse.emit import dump_yaml, record_data, to_json, to_yaml
from shuangjian_parse.models import SCHEMA_VERSION
from shuangjian_parse.pipeline import run

LOADER = YAML(typ="safe", pure=True)


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.stem)
def test_yaml_and_json_round_trip_to_the_record(sample):
    notice = run(sample.read_bytes(), sample.name).notice
    assert LOADER.load(to_yaml(notice)) == record_data(notice)
    assert json.loads(to_json(notice)) == record_data(notice)
    assert "\\u" not in to_json(notice)  # Chinese is written as is


def test_record_keys_follow_the_contract_order():
    notice = run(sorted(SAMPLES.glob("*.txt"))[0].read_bytes(), "a.txt").notice
    assert list(record_data(notice)) == ["schema_version", "source", "document", "sections", "bodies",
                                         "duties", "diagnostics", "jurisdiction", "topics"]
    assert to_yaml(notice).startswith(f'schema_version: "{SCHEMA_VERSION}"\nsource:\n  path: a.txt\n')


@pytest.mark.parametrize("value", ["yes", "no", "null", "~", "1", "2021-12-13", "0x1F", "1e5", " x", "x ",
                                   "a: b", "a #b", "- x", "[x]", "{x}", "*x", "&x", "!x", "|", ">", "%x", "@x",
                                   "`x", "'x'", '"x"', "", "x\ny", "x\u2028y", "\x85", "\t", "县教委：抓好",
                                   "“双减”工作", "（一）成员单位", "《意见》"])
def test_awkward_strings_survive(value):
    data = {"k": value, "l": [value, {"m": value}]}
    assert LOADER.load(dump_yaml(data)) == data


json_data = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(min_size=1, max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_data)
def test_any_plain_data_round_trips(data):
    text = "".join(ch for ch in dump_yaml(data))
    assert LOADER.load(text) == data


def test_json_is_the_bytes_the_json_module_writes():
    for sample in sorted(SAMPLES.glob("*.txt")):
        notice = run(sample.read_bytes(), sample.name).notice
        assert to_json(notice) == json.dumps(record_data(notice), ensure_ascii=False, indent=2) + "\n"
