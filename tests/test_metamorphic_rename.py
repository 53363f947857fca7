"""Metamorphic test: renaming people and places must not change the structure of a record.

For every sample under samples/, the people the parser finds and a fixed table of places are
replaced by other realistic names (two- and three-character names, compound surnames such as
欧阳, surnames that are also common words such as 和 成 江 向 万 于 时 白 高 文, and places of
other lengths: 和县, 于都县, 石柱土家族自治县, 鄂温克族自治旗 …). The renamed notice is parsed
again and its record must equal the original record with the same renames applied: the same
bodies of each kind, the same (role, name, posts) members, member units, duties (units and the
start of the text), section outline and document fields.

Self-contained (no ../shared, no network) and deterministic: the replacements come from the
fixed tables below, assigned to the people in the order they first appear in the text.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from shuangjian_parse.emit import record_data
from shuangjian_parse.pipeline import run

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

# Replacement names, assigned in order of first appearance. Varied on purpose: surnames that
# are everyday words, compound surnames (4 characters), frequent surnames outside the most
# common hundred (时 傅 洪 赖 萧 阎), two- and three-character names, and names of the
# ethnic-minority counties and banners the genre includes (扎西顿珠, 买买提·吐尔逊).
NAMES = [
    "时建静", "欧阳明辉", "和平", "高峰", "傅红梅", "于洋", "万里", "向东", "江涛", "成刚",
    "白雪", "文静", "洪波", "赖志强", "司马俊杰", "萧红", "阎立新", "张志刚", "李红霞", "王建国",
    "扎西顿珠", "买买提·吐尔逊", "杨帆", "赵敏", "黄海燕", "周明", "吴桂英", "徐磊", "孙丽娟", "马超",
    "朱晓东", "胡杰", "郭敏", "何静", "罗勇", "高建华", "梁艳", "宋涛", "郑凯", "谢娟",
    "韩冰", "唐亮", "冯雪", "董鹏", "程洁", "上官婉清", "诸葛文博", "时雨", "傅强", "和红军",
    "陈丽", "刘伟",
]

# Places of each sample (county/district full name, its short form, the organ abbreviation of
# the 发文字号, city, streets and townships) and what they become.
PLACES = {
    "000_9a14945eab7843f1": {"彭水县": "石柱土家族自治县", "彭水": "石柱", "重庆市": "乌兰察布市",
                             "重庆": "乌兰察布"},
    "001_8e1b09cf0d4fe309": {"房县": "和县", "房政办函": "和政办函"},
    "002_f4323febc5e33686": {"陵川县": "于都县", "陵川": "于都", "陵政办函": "于政办函",
                             "晋城市": "十堰市", "晋城": "十堰"},
    "003_5b6d3b00230c8cb0": {"象山区": "鄂温克族自治旗", "象山": "鄂温克", "象区委教": "鄂旗委教",
                             "象山街道": "和平街道", "南门街道": "文昌街道", "平山街道": "向阳街道",
                             "二塘乡": "白马乡", "桂林市": "呼和浩特市", "桂林": "呼和浩特"},
    "004_0c498ece14714444": {"息烽县": "文县", "息烽": "文县", "息教通": "文教通", "贵阳市": "十堰市",
                             "贵阳": "十堰", "永阳街道": "城关街道"},
}

_PAD = r"[ \t\u3000]*"


def _people(record: dict) -> list[str]:
    names: list[str] = []
    for body in record["bodies"]:
        for member in body["members"]:
            if member["name"] and member["name"] not in names:
                names.append(member["name"])
    return names


def _name_pattern(name: str) -> str:
    # 冉  靖 / 王 刚: a name may be padded with spaces in the source.
    return _PAD.join(map(re.escape, name))


class Renamer:
    """One-pass substitution (longest key first), so a replacement is never replaced again."""

    def __init__(self, mapping: dict[str, str], people: set[str]) -> None:
        self.mapping = mapping
        keys = sorted(mapping, key=len, reverse=True)
        self.rx = re.compile("|".join(_name_pattern(k) if k in people else re.escape(k) for k in keys))

    def __call__(self, text):
        if text is None:
            return None

        def rep(m: re.Match) -> str:
            raw = m.group(0)
            key = re.sub(_PAD, "", raw)
            new = self.mapping[key]
            if raw != key and len(new) == 2:  # keep the padding of a padded two-character name
                return new[0] + raw[1:-1] + new[1]
            return new

        return self.rx.sub(rep, text)


def _renamer(stem: str, text: str, record: dict) -> Renamer:
    people = _people(record)
    order = sorted(people, key=lambda n: re.search(_name_pattern(n), text).start()
                   if re.search(_name_pattern(n), text) else len(text))
    assert len(order) <= len(NAMES), "extend NAMES"
    mapping = dict(zip(order, NAMES))
    mapping.update(PLACES[stem])
    return Renamer(mapping, set(people))


def _flat_sections(sections, out=None):
    out = [] if out is None else out
    for s in sections:
        out.append(s)
        _flat_sections(s["children"], out)
    return out


def _structure(record: dict, rename=lambda s: s) -> dict:
    """What renaming must not change, with `rename` applied to every name, post, unit, text."""
    doc = record["document"]
    bodies = [
        {
            "kind": b["kind"],
            "members": sorted((m["role"], rename(m["name"]) or "", tuple(map(rename, m["posts"])))
                              for m in b["members"]),
            "units": [rename(u["name"]) for u in b["member_units"]],
            "lead": rename(b["lead_unit"]),
            "declared": b["declared_unit_count"],
        }
        for b in record["bodies"]
    ]
    return {
        "document": {
            "title": rename(doc["title"]),
            "doc_number": rename(doc["doc_number"]),
            "issuers": [rename(i) for i in doc["issuers"]],
            "date": doc["date"],
            "attachments": [(a["index"], rename(a["title"])) for a in doc["attachments"]],
        },
        "sections": [(s["level"], s["number"], rename(s["heading"]), s["kind"])
                     for s in _flat_sections(record["sections"])],
        "body_kinds": Counter(b["kind"] for b in record["bodies"]),
        "bodies": bodies,
        "duties": [(tuple(map(rename, d["units"])), rename(d["text"])[:20]) for d in record["duties"]],
    }


def _diff(expected: dict, actual: dict) -> list[str]:
    out = []
    for key in expected:
        if expected[key] == actual[key]:
            continue
        if key == "bodies" and len(expected[key]) == len(actual[key]):
            for n, (e, a) in enumerate(zip(expected[key], actual[key])):
                for field in e:
                    if e[field] != a[field]:
                        if field == "members":
                            missing = Counter(e[field]) - Counter(a[field])
                            extra = Counter(a[field]) - Counter(e[field])
                            out.append(f"bodies[{n}] ({e['kind']}) members: missing {sorted(missing)}, "
                                       f"unexpected {sorted(extra)}")
                        else:
                            out.append(f"bodies[{n}] ({e['kind']}) {field}: {e[field]!r} != {a[field]!r}")
        elif isinstance(expected[key], list) and isinstance(actual[key], list) and key != "bodies":
            missing = [x for x in expected[key] if x not in actual[key]]
            extra = [x for x in actual[key] if x not in expected[key]]
            out.append(f"{key}: missing {missing[:5]}, unexpected {extra[:5]}")
        else:
            out.append(f"{key}: {expected[key]!r} != {actual[key]!r}")
    return out


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.stem[:3])
def test_renaming_people_and_places_keeps_the_structure(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    original = record_data(run(text.encode("utf-8"), path.name).notice)
    rename = _renamer(path.stem, text, original)
    renamed_text = rename(text)
    for old in rename.mapping:
        if len(old) >= 2 and old not in "".join(rename.mapping.values()):
            assert not re.search(_name_pattern(old), renamed_text), f"{old} left in the renamed text"
    renamed = record_data(run(renamed_text.encode("utf-8"), path.name).notice)
    problems = _diff(_structure(original, rename), _structure(renamed))
    assert not problems, "renaming changed the record:\n  " + "\n  ".join(problems)


def test_the_renamer_is_one_pass_and_keeps_padding() -> None:
    r = Renamer({"王刚": "高峰", "冉靖": "欧阳明辉", "房县": "和县", "高峰": "X"}, {"王刚", "冉靖", "高峰"})
    assert r("王 刚 县民政局副局长") == "高 峰 县民政局副局长"
    assert r("副组长：冉  靖  县人民政府副县长") == "副组长：欧阳明辉  县人民政府副县长"
    assert r("人行房县支行") == "人行和县支行"
