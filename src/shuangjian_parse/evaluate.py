"""Score notice records against gold files, strictly and leniently, per category and per document.

    result = evaluate(load_gold(Path("../shared/gold")), records)   # records: {stem: record dict}
    result.summary["overall_f1"]   # 0.8734, the number ../shared/tools/score.py prints

Strict scoring is the one of ../shared/tools/score.py, line for line: each category is a
multiset of keys compared between gold and prediction, on NFKC text with whitespace removed
and quotes unified; gold items marked `optional: true` count neither as missed nor, when
found, as spurious; a gold file with no record scores as an empty record. Lenient scoring
then pairs the leftover keys whose exact parts (kind, level, role, name) agree and whose text
parts are similar (difflib ratio ≥ `similarity`, 0.8 by default): `县教育局` and
`县教育局（县教委）` match leniently, never strictly.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

CATEGORIES = ("sections", "attachments", "bodies", "people", "posts", "units", "duties")
DOC_FIELDS = ("title", "doc_number", "issuers", "date")
DEFAULT_SIMILARITY = 0.8
# Which parts of each category's key are text, compared by similarity in lenient scoring;
# the other parts must be equal. A plain-string key (attachments) is all text.
TEXT_PARTS: dict[str, tuple[int, ...]] = {
    "sections": (2,),          # (level, number, heading)
    "attachments": (0,),       # title
    "bodies": (),              # kind
    "people": (),              # (kind, role, name): a name one character off is another person
    "posts": (1,),             # (name, post)
    "units": (1,),             # (kind, unit)
    "duties": (0, 1),          # (unit, first 12 characters of the text)
}
_QUOTES = str.maketrans({"“": '"', "”": '"', "＂": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def norm(value: Any) -> str:
    """Compared form of a value: `norm("“双减”  工作")` == '"双减"工作'."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).translate(_QUOTES)
    return re.sub(r"\s+", "", text)


def text_key(text: Any) -> str:
    """A duty's key text: punctuation dropped, a leading 负责 dropped, the first 12 characters."""
    t = _PUNCT.sub("", norm(text))
    if t.startswith("负责"):
        t = t[2:]
    return t[:12]


def _unit_name(unit: Any) -> str:
    return norm(unit.get("name") if isinstance(unit, dict) else unit)


def _flatten_sections(sections: Any, out: list | None = None) -> list:
    out = [] if out is None else out
    for s in sections or []:
        out.append(s)
        _flatten_sections(s.get("children"), out)
    return out


def keys(record: dict) -> dict[str, Counter]:
    """Every category's multiset of keys; optional gold items go to '<category>?'."""
    found = {c: Counter() for c in CATEGORIES}
    optional = {c: Counter() for c in CATEGORIES}

    def put(cat: str, key: Any, item: Any) -> None:
        (optional if isinstance(item, dict) and item.get("optional") else found)[cat][key] += 1

    for s in _flatten_sections(record.get("sections")):
        if int(s.get("level") or 0) in (1, 2):
            put("sections", (int(s["level"]), norm(s.get("number")), norm(s.get("heading"))), s)
    for a in (record.get("document") or {}).get("attachments") or []:
        put("attachments", norm(a.get("title") if isinstance(a, dict) else a), a)
    for body in record.get("bodies") or []:
        kind = body.get("kind") or "other"
        put("bodies", kind, body)
        for m in body.get("members") or []:
            name = norm(m.get("name"))
            if not name:
                continue
            put("people", (kind, norm(m.get("role")), name), m)
            for post in m.get("posts") or []:
                put("posts", (name, norm(post)), m)
        for u in body.get("member_units") or []:
            put("units", (kind, _unit_name(u)), u if isinstance(u, dict) else body)
    for d in record.get("duties") or []:
        for u in d.get("units") or []:
            put("duties", (_unit_name(u), text_key(d.get("text"))), d)
    return {**found, **{c + "?": optional[c] for c in CATEGORIES}}


@dataclass
class Counts:
    """True positives, false positives, false negatives: `Counts(9, 1, 2).f1` == 0.857…"""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class CategoryScore:
    """One category of one document: strict counts with what was missed/spurious, lenient counts."""

    strict: Counts
    lenient: Counts
    missed: list[str]
    spurious: list[str]


@dataclass
class DocumentScore:
    """One gold document against its record."""

    categories: dict[str, CategoryScore]
    fields: dict[str, bool]
    has_record: bool = True

    def total(self, lenient: bool = False) -> Counts:
        total = Counts()
        for score in self.categories.values():
            total.add(score.lenient if lenient else score.strict)
        return total


def similarity(a: str, b: str) -> float:
    """Text similarity in [0, 1]: difflib's ratio on the compared forms."""
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _parts(key: Any) -> tuple:
    return key if isinstance(key, tuple) else (key,)


def _close(gold_key: Any, pred_key: Any, text_parts: tuple[int, ...], threshold: float) -> float:
    """The weakest text-part similarity when the exact parts agree, else 0."""
    g, p = _parts(gold_key), _parts(pred_key)
    if any(g[i] != p[i] for i in range(len(g)) if i not in text_parts):
        return 0.0
    score = min((similarity(str(g[i]), str(p[i])) for i in text_parts), default=1.0)
    return score if score >= threshold else 0.0


def _pair_off(gold: Counter, pred: Counter, text_parts: tuple[int, ...],
              threshold: float) -> tuple[int, Counter, Counter]:
    """Pair leftover keys by similarity, best pairs first; returns (pairs, gold left, pred left)."""
    gold_items, pred_items = list(gold.elements()), list(pred.elements())
    candidates = []
    for gi, g in enumerate(gold_items):
        for pi, p in enumerate(pred_items):
            score = _close(g, p, text_parts, threshold)
            if score:
                candidates.append((-score, gi, pi))
    candidates.sort()
    used_gold, used_pred = set(), set()
    for _, gi, pi in candidates:
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
    gold_left = Counter(g for i, g in enumerate(gold_items) if i not in used_gold)
    pred_left = Counter(p for i, p in enumerate(pred_items) if i not in used_pred)
    return len(used_gold), gold_left, pred_left


def compare(gold: dict, pred: dict, threshold: float = DEFAULT_SIMILARITY) -> DocumentScore:
    """Score one record against one gold file."""
    g, p = keys(gold), keys(pred)
    categories = {}
    for cat in CATEGORIES:
        tp = sum((g[cat] & p[cat]).values())
        spare = p[cat] - g[cat]
        spare_optional = sum((spare & g[cat + "?"]).values())
        fp = sum(spare.values()) - spare_optional
        fn = sum((g[cat] - p[cat]).values())
        strict = Counts(tp, fp, fn)
        # Lenient: pair what strict left over by similarity, then excuse the spare items that
        # are close to an optional gold item; so tp only grows and fp, fn only shrink.
        parts = TEXT_PARTS[cat]
        optional_left = g[cat + "?"] - spare
        paired, gold_left, pred_left = _pair_off(g[cat] - p[cat], spare - g[cat + "?"],
                                                 parts, threshold)
        _, _, pred_left = _pair_off(optional_left, pred_left, parts, threshold)
        lenient = Counts(tp + paired, sum(pred_left.values()), sum(gold_left.values()))
        categories[cat] = CategoryScore(
            strict, lenient,
            missed=sorted(map(str, (g[cat] - p[cat]).elements()))[:50],
            spurious=sorted(map(str, (spare - g[cat + "?"]).elements()))[:50])
    gdoc, pdoc = gold.get("document") or {}, pred.get("document") or {}
    fields = {}
    for f in DOC_FIELDS:
        if f not in gdoc:
            continue
        if f == "issuers":
            ok = sorted(map(norm, gdoc.get(f) or [])) == sorted(map(norm, pdoc.get(f) or []))
        else:
            ok = norm(gdoc.get(f)) == norm(pdoc.get(f))
        fields[f] = ok
    return DocumentScore(categories, fields)


@dataclass
class Evaluation:
    """Every document's score and the totals: `summary` has score.py's keys and numbers."""

    documents: dict[str, DocumentScore] = field(default_factory=dict)
    threshold: float = DEFAULT_SIMILARITY

    def totals(self, lenient: bool = False) -> dict[str, Counts]:
        totals = {c: Counts() for c in CATEGORIES}
        for doc in self.documents.values():
            for c in CATEGORIES:
                totals[c].add(doc.categories[c].lenient if lenient else doc.categories[c].strict)
        return totals

    def overall(self, lenient: bool = False) -> float:
        total = Counts()
        for counts in self.totals(lenient).values():
            total.add(counts)
        return total.f1

    @property
    def document_fields(self) -> tuple[int, int]:
        ok = sum(sum(d.fields.values()) for d in self.documents.values())
        return ok, sum(len(d.fields) for d in self.documents.values())

    @property
    def summary(self) -> dict[str, Any]:
        ok, total = self.document_fields
        summary: dict[str, Any] = {c: counts.as_dict() for c, counts in self.totals().items()}
        summary["document_accuracy"] = round(ok / total, 4) if total else 1.0
        summary["overall_f1"] = round(self.overall(), 4)
        summary["documents"] = len(self.documents)
        summary["lenient"] = {**{c: counts.as_dict() for c, counts in self.totals(True).items()},
                              "overall_f1": round(self.overall(True), 4), "similarity": self.threshold}
        return summary

    def as_dict(self) -> dict[str, Any]:
        per_doc = {}
        for stem, doc in self.documents.items():
            entry: dict[str, Any] = {
                c: {"tp": s.strict.tp, "fp": s.strict.fp, "fn": s.strict.fn,
                    "missed": s.missed, "spurious": s.spurious,
                    "lenient": {"tp": s.lenient.tp, "fp": s.lenient.fp, "fn": s.lenient.fn}}
                for c, s in doc.categories.items()}
            entry["document"] = doc.fields
            entry["f1"] = round(doc.total().f1, 4)
            entry["lenient_f1"] = round(doc.total(True).f1, 4)
            entry["has_record"] = doc.has_record
            per_doc[stem] = entry
        return {"summary": self.summary, "per_doc": per_doc}


class GoldError(Exception):
    """A gold file that cannot be loaded: `GoldError("gold/a.yaml:3:1: YAML syntax: …")`."""


def load_gold(gold_dir: Path) -> dict[str, dict]:
    """`{stem: gold record}` for every `<stem>.yaml` in `gold_dir`, loaded safely."""
    from .safeload import LoadError, load_file

    gold = {}
    for path in sorted(gold_dir.glob("*.yaml")):
        try:
            trees = load_file(str(path))
        except LoadError as exc:
            raise GoldError(f"{path}:{exc.line}:{exc.column}: {exc.message}") from None
        except OSError as exc:
            raise GoldError(f"{path}: {exc.strerror or exc}") from None
        data = trees[0].data if trees else None
        gold[path.stem] = data if isinstance(data, dict) else {}
    return gold


def find_notice(input_dir: Path, stem: str) -> Path | None:
    """The notice for a gold stem: `<stem>.txt`, else another `<stem>.<ext>` file."""
    preferred = input_dir / f"{stem}.txt"
    if preferred.is_file():
        return preferred
    others = sorted(p for p in input_dir.glob(f"{stem}.*") if p.is_file() and p.stem == stem)
    return others[0] if others else None


def parse_notices(stems: list[str], input_dir: Path, grammar_dir: str | None = None,
                  max_bytes: int | None = None) -> tuple[dict[str, dict | None], list[str]]:
    """Parse the notice of each stem into record data; (records, one-line warnings)."""
    from .emit import record_data
    from .errors import InputError
    from .files import read_input
    from .pipeline import parser_for
    from .stages.read import DEFAULT_MAX_BYTES

    parser = parser_for(grammar_dir)
    records: dict[str, dict | None] = {}
    warnings: list[str] = []
    missing: list[str] = []
    for stem in stems:
        path = find_notice(input_dir, stem)
        if path is None:
            missing.append(stem)
            records[stem] = None
            continue
        try:
            limit = max_bytes or DEFAULT_MAX_BYTES
            notice = parser.run(read_input(str(path), limit), str(path), limit).notice
        except InputError as exc:
            warnings.append(f"{exc.path}: {exc.reason}; scored as an empty record")
            records[stem] = None
            continue
        except OSError as exc:
            warnings.append(f"{path}: {exc.strerror or exc}; scored as an empty record")
            records[stem] = None
            continue
        records[stem] = record_data(notice)
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        warnings.append(f"{input_dir}: no notice for {len(missing)} gold file(s), scored as empty "
                        f"records: {shown}")
    return records, warnings


def evaluate(gold: dict[str, dict], records: dict[str, dict | None],
             threshold: float = DEFAULT_SIMILARITY) -> Evaluation:
    """Score each gold file against `records[stem]`; a missing record scores as an empty one."""
    result = Evaluation(threshold=threshold)
    for stem, gold_record in gold.items():
        record = records.get(stem)
        score = compare(gold_record, record or {}, threshold)
        score.has_record = record is not None
        result.documents[stem] = score
    return result


def render_text(result: Evaluation, misses: bool = False) -> str:
    """Per-category table (strict P R F1 tp fp fn, lenient F1), per-document table, overall F1."""
    lines = []
    if misses:
        for stem, doc in result.documents.items():
            lines.append(f"== {stem}")
            lines.extend(f"  document.{f}: wrong" for f, ok in doc.fields.items() if not ok)
            for c, s in doc.categories.items():
                lines.extend(f"  {c} missed:   {k}" for k in s.missed)
                lines.extend(f"  {c} spurious: {k}" for k in s.spurious)
    strict, lenient = result.totals(), result.totals(True)
    lines.append(f"{'category':<12} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5} "
                 f"{'lenient F1':>11}")
    for c in CATEGORIES:
        s = strict[c]
        lines.append(f"{c:<12} {s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f} "
                     f"{s.tp:>5} {s.fp:>5} {s.fn:>5} {lenient[c].f1:>11.3f}")
    ok, total = result.document_fields
    accuracy = ok / total if total else 1.0
    lines.append(f"document accuracy {accuracy:.3f} over {total} fields")
    lines.append("")
    width = max([len("document")] + [len(stem) for stem in result.documents])
    lines.append(f"{'document':<{width}} {'F1':>6} {'lenient':>7} {'fields':>6}")
    for stem, doc in result.documents.items():
        fields = f"{sum(doc.fields.values())}/{len(doc.fields)}"
        note = "" if doc.has_record else "  (no notice: scored empty)"
        lines.append(f"{stem:<{width}} {doc.total().f1:>6.3f} {doc.total(True).f1:>7.3f} "
                     f"{fields:>6}{note}")
    lines.append("")
    lines.append(f"overall F1 {result.overall():.4f} over {len(result.documents)} documents")
    lines.append(f"lenient F1 {result.overall(True):.4f} "
                 f"(text parts matched at similarity ≥ {result.threshold:g})")
    return "\n".join(lines) + "\n"
