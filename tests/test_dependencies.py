"""Every package the code imports is declared in pyproject.toml, so that the install users get
(`pip install .`, no extras) has what each command needs; tests/test_install.py runs it."""
from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions

import pytest

from conftest import ROOT

tomllib = pytest.importorskip("tomllib")   # Python >= 3.11

PACKAGE = ROOT / "src" / "shuangjian_parse"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _names(requirements: list[str]) -> set[str]:
    return {_normal(re.split(r"[\s<>=!~;\[]", r, maxsplit=1)[0]) for r in requirements}


def declared() -> tuple[set[str], set[str]]:
    """(core dependencies, those of the user-facing extras), as distribution names."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = {name: _names(reqs) for name, reqs in project["optional-dependencies"].items() if name != "test"}
    return _names(project["dependencies"]), set().union(*extras.values())


def third_party_imports() -> dict[str, list[tuple[str, bool]]]:
    """{top-level module: [(where, at import time?)]} for every import of a non-stdlib module.

    An import at import time is one at module level outside `try: … except ImportError`;
    the rest (inside a function, or guarded) run only when a command needs them."""
    found: dict[str, list[tuple[str, bool]]] = {}

    def visit(node: ast.AST, path: str, eager: bool) -> None:
        for child in ast.iter_child_nodes(node):
            names = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                names = [child.module]
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "shuangjian_parse" and top != "__future__":
                    found.setdefault(top, []).append((f"{path}:{child.lineno}", eager))
            guarded = isinstance(child, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                for h in child.handlers)
            lazy = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) or guarded
            visit(child, path, eager and not lazy and not (isinstance(child, ast.If) and _type_checking(child)))

    for path in sorted(PACKAGE.rglob("*.py")):
        visit(ast.parse(path.read_text(encoding="utf-8")), str(path.relative_to(ROOT)), True)
    return found


def _type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def test_every_import_is_a_declared_dependency():
    core, extras = declared()
    distributions = packages_distributions()
    problems = []
    for module, places in sorted(third_party_imports().items()):
        dists = {_normal(d) for d in distributions.get(module, [])}
        if not dists:
            problems.append(f"{module} (imported at {places[0][0]}) is not installed: which package is it?")
        elif any(eager for _, eager in places) and not dists & core:
            where = next(p for p, eager in places if eager)
            problems.append(f"{module} is imported on start-up at {where} but {sorted(dists)} is not a dependency")
        elif not dists & (core | extras):
            problems.append(f"{module} (imported at {places[0][0]}) comes from {sorted(dists)}, "
                            "which neither the dependencies nor an extra name")
    assert problems == []


def test_click_is_not_imported():
    """typer >= 0.29 carries its own click and no longer installs click: importing it would
    work in the test environment (distributed pulls click in) and fail in the users' one."""
    assert "click" not in third_party_imports()
