"""Table rows: which cell is the name, the post, the role, the unit, the duty.

Tables reach the stages as lines of tab-separated cells (the normalise stage writes markdown,
Word and web tables so). A header row (序号 | 姓名 | 工作单位及职务 | 领导小组职务) maps the
columns of the rows below it; with no header, a number in the first cell is a 序号.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..grammar import ColumnRules


@dataclass(frozen=True)
class Header:
    """The column kind of each cell of a header row: `("index", "name", "post", "role")`."""

    kinds: tuple[str, ...]

    def has(self, kind: str) -> bool:
        return kind in self.kinds


class ColumnReader:
    """Reads header rows and data rows with one grammar's column words."""

    def __init__(self, rules: ColumnRules) -> None:
        self._kind = {"".join(word.split()): kind for kind, words in rules.columns.items() for word in words}
        self._index = rules.index_cell.regex

    def header(self, text: str) -> Header | None:
        """The header a row is, or None: every non-empty cell a column word, at least two."""
        if "\t" not in text:
            return None
        cells = ["".join(c.split()) for c in text.split("\t")]
        kinds = tuple(self._kind.get(c, "") for c in cells)
        if sum(1 for k in kinds if k) < 2 or any(c and not k for c, k in zip(cells, kinds)):
            return None
        return Header(kinds)

    def row(self, text: str, header: Header) -> list[tuple[str, str]]:
        """`1\t资建平\t县人民政府副县长\t组长` under its header -> [(name, 资建平), (post, …), (role, 组长)];
        the 序号 and other columns and empty cells are left out."""
        cells = [c.strip() for c in text.split("\t")]
        return [(kind, cell) for kind, cell in zip(header.kinds, cells)
                if kind and cell and kind not in ("index", "other")]

    def strip_index(self, text: str) -> str:
        """`1\\t县教育局\\t负责…` -> `县教育局\\t负责…`: a 序号 cell is no content."""
        cells = text.split("\t")
        if len(cells) > 1 and self._index.match(cells[0].strip()):
            return "\t".join(cells[1:])
        return text
