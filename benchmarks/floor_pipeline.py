"""The floor pipeline `sj batch` is compared with: the least work any notice converter does.

For every *.txt under SRC, in worker processes (the same pool, chunk size and worker count
as `sj batch`): read the bytes, decode (UTF-8, else GB18030), NFKC-normalise, search each
line with 30 compiled patterns, and write one JSON file per notice to OUT (mirroring SRC).

    python benchmarks/floor_pipeline.py SRC OUT --workers 2
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

# Thirty patterns of the kind the parser's grammars hold: numbering, roles, units, dates, …
PATTERNS = [re.compile(p) for p in (
    r"^[一二三四五六七八九十]+、", r"^[（(][一二三四五六七八九十]+[）)]", r"^\d+[.．、]",
    r"^[（(]\d+[）)]", r"关于.{2,40}的通知$", r"〔\d{4}〕\d+号", r"\d{4}年\d{1,2}月\d{1,2}日",
    r"[〇○零一二三四五六七八九]{4}年", r"^(?:副?组长|成员|副?召集人|副?主任|联络员)[:：]?",
    r"领导小组", r"联席会议", r"工作专班", r"协调机制", r"办公室设在(.+?)[，,。]",
    r"(?:县|区|市)委[^、，。]{1,12}", r"(?:县|区|市)(?:教育|财政|公安)局", r"成员单位[:：]",
    r"等\d+个(?:部门|单位)", r"牵头", r"负责(.+?)[。；]", r"^附件\d*[:：]?", r"主送[:：]",
    r"各(?:乡镇|街道|部门)", r"(?:校外培训|双减|作业)", r"[\u4e00-\u9fff]{2,4}\s+[\u4e00-\u9fff]{2,}(?:局长|主任|部长)",
    r"^\s*[-—]\s*\d+\s*[-—]\s*$", r"索引号|发布日期|效力状态", r"(?:印发|抄送)[:：]",
    r"[、，,]", r"(?:同志|兼任|担任)",
)]
assert len(PATTERNS) == 30


def convert(paths: list[str], src: str, out: str) -> int:
    for path in paths:
        data = Path(path).read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("gb18030", "replace")
        text = unicodedata.normalize("NFKC", text)
        hits = []
        lines = text.splitlines()
        for number, line in enumerate(lines, 1):
            for index, pattern in enumerate(PATTERNS):
                match = pattern.search(line)
                if match:
                    hits.append([number, index, match.group(0)])
        rel = os.path.relpath(path, src)
        record = {"path": rel, "sha256": hashlib.sha256(data).hexdigest(), "lines": len(lines),
                  "hits": hits}
        target = Path(out, rel).with_suffix(".json")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return len(paths)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("src")
    ap.add_argument("out")
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    ap.add_argument("--chunk", type=int, default=16)
    args = ap.parse_args()
    start = time.perf_counter()
    paths = sorted(str(p) for p in Path(args.src).rglob("*.txt"))
    chunks = [paths[i:i + args.chunk] for i in range(0, len(paths), args.chunk)]
    with ProcessPoolExecutor(args.workers) as pool:
        done = sum(pool.map(convert, chunks, [args.src] * len(chunks), [args.out] * len(chunks)))
    elapsed = time.perf_counter() - start
    print(f"floor: {done} notices in {elapsed:.2f} s, {done / elapsed:.1f} notices/s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
