"""Layouts as named rules: each layout sj reads is one function, registered under a name.

Three registries, one per kind of layout: the line layouts of the bodies stage (which reader a
roster or prose line goes to), the roster entry forms (how one entry splits into name and
posts) and the duty forms (how a duties line names its units and task). The grammar files list
each registry's names in the order they are tried, with labelled examples; `ordered()` pairs
every listed name with its function and refuses a name without one, or a function the grammar
does not list (SJ901), so that the grammar is the one place that says what sj reads.

    @LINE_LAYOUTS.rule("role_label")
    def role_label(cursor, line) -> bool: ...
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from .errors import GrammarError


@dataclass
class Registry:
    """The functions of one kind of layout, by name: `LINE_LAYOUTS.functions["role_label"]`."""

    kind: str  # "line layout", "entry form", "duty form"
    file: str  # the grammar file that orders them
    key: str  # and its key
    functions: dict[str, Callable] = field(default_factory=dict)

    def rule(self, name: str) -> Callable[[Callable], Callable]:
        """Register the decorated function as the layout `name`."""
        def register(function: Callable) -> Callable:
            if name in self.functions:
                raise ValueError(f"{self.kind} {name!r} is registered twice")
            self.functions[name] = function
            return function
        return register

    def ordered(self, names: Sequence[str]) -> tuple[tuple[str, Callable], ...]:
        """The functions in the grammar's order; an unknown or unlisted name is SJ901."""
        load_all()
        unknown = [n for n in names if n not in self.functions]
        if unknown:
            raise GrammarError(self.file, None, f"{self.key}: no {self.kind} named "
                               f"{', '.join(unknown)} (known: {', '.join(sorted(self.functions))})")
        missing = sorted(set(self.functions) - set(names))
        if missing:
            raise GrammarError(self.file, None, f"{self.key}: {self.kind} {', '.join(missing)} "
                               "is not listed, so it would never run")
        if len(set(names)) != len(names):
            raise GrammarError(self.file, None, f"{self.key}: a {self.kind} is listed twice")
        return tuple((n, self.functions[n]) for n in names)


# Which layout read each line: {source line: layout name} (`role_label`, `prose` …).
Trace = dict[int, str]

LINE_LAYOUTS = Registry("line layout", "bodies.yaml", "line_layouts")
ENTRY_FORMS = Registry("entry form", "people.yaml", "entry_forms")
DUTY_FORMS = Registry("duty form", "duties.yaml", "duty_forms")
REGISTRIES = (LINE_LAYOUTS, ENTRY_FORMS, DUTY_FORMS)


def load_all() -> None:
    """Import the modules that register the layouts (each registers on import)."""
    from .stages import body_layouts, duty_forms, entry_forms  # noqa: F401
