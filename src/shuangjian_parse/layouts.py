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
    # What a line must be for a layout to read it at all: {"body_heading": {"numbered": True}}.
    reads: dict[str, dict[str, bool]] = field(default_factory=dict)

    def rule(self, name: str, **reads: bool) -> Callable[[Callable], Callable]:
        """Register the decorated function as the layout `name`. `reads` says which lines it
        can read (`numbered=True`, `prose=False`, `table=True`; for a line layout also
        `roster=True`, `units=True`, the cursor's state: the first test the function makes
        itself), so that a line of another kind is not offered to it."""
        def register(function: Callable) -> Callable:
            if name in self.functions:
                raise ValueError(f"{self.kind} {name!r} is registered twice")
            self.functions[name] = function
            self.reads[name] = reads
            return function
        return register

    def may_read(self, name: str, **line: bool) -> bool:
        """Whether the layout `name` can read a line of this kind (`table=…, numbered=…, prose=…`,
        and for a line layout `roster=…, units=…`)."""
        return all(line[key] == value for key, value in self.reads[name].items())

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


# --- the layouts' examples: checked (`sj grammars check`, tests) and listed (`sj grammars list`) ---

EXAMPLE_HEAD = "关于成立某县“双减”工作领导小组的通知\n各乡镇：\n决定成立某县“双减”工作领导小组。\n"


def check_layouts(parser) -> list[str]:
    """Every layout example its rule fails: `["bodies.yaml: role_label example 2: lines read by …"]`."""
    g = parser.grammar
    problems = []
    for file, key, rules in (("bodies.yaml", "line_layouts", g.bodies.line_layouts),
                             ("people.yaml", "entry_forms", g.people.entry_forms),
                             ("duties.yaml", "duty_forms", g.duties.duty_forms)):
        for rule in rules:
            for n, example in enumerate(rule.examples, 1):
                problems.extend(f"{file}: {rule.name} example {n}: {p}"
                                for p in example_problems(parser, key, rule.name, example))
    return problems


def example_problems(parser, key: str, name: str, example) -> list[str]:
    """What goes wrong with one example of the rule `name` (of `key`: line_layouts, …)."""
    if key == "entry_forms":
        from .stages.entry_forms import Entry

        expected = [(who, list(posts)) for who, posts in example.entries]
        alone = ENTRY_FORMS.functions[name](Entry(example.text), parser.people)
        if alone != expected:
            return [f"{example.text!r} reads as {alone}, not {expected}"]
        found = parser.people.read_entry(example.text)
        if found != (name, expected):
            return [f"{example.text!r} is read by {found[0] if found else 'no form'} first"]
        return []
    head = EXAMPLE_HEAD if example.head is None else example.head
    before = head + "".join(line + "\n" for line in example.before)
    text = before + "".join(line + "\n" for line in example.lines + example.after)
    first = before.count("\n") + 1
    result = parser.run(text.encode("utf-8"), "example.txt")
    trace = result.layouts if key == "line_layouts" else result.duty_forms
    lines = range(first, first + len(example.lines)) if key == "line_layouts" else [first]
    problems = [f"line {i - first + 1} is read by {trace.get(i) or 'nothing'}"
                for i in lines if trace.get(i) != name]
    return problems + _missing(example, result.notice)


def _missing(example, notice) -> list[str]:
    members = {(m.role, m.name, tuple(m.posts)) for b in notice.bodies for m in b.members}
    units = {u.name for b in notice.bodies for u in b.member_units}
    bodies = {b.name for b in notice.bodies}
    codes = {d.code for d in notice.diagnostics}
    missing = [f"no member {m}" for m in example.members if (m[0], m[1], tuple(m[2])) not in members]
    missing += [f"no unit {u}" for u in example.units if u not in units]
    missing += [f"no body {b}" for b in example.bodies if b not in bodies]
    missing += [f"no diagnostic {c}" for c in example.diagnostics if c not in codes]
    for units_, start in example.duties:
        if not any(d.units == units_ and d.text.startswith(start) for d in notice.duties):
            missing.append(f"no duty {units_} {start}…")
    return missing


def describe(grammar) -> str:
    """Every layout in order, with what it reads and its first example (`sj grammars list`)."""
    out = []
    for title, file, rules in (("Line layouts", "bodies.yaml line_layouts", grammar.bodies.line_layouts),
                               ("Roster entry forms", "people.yaml entry_forms", grammar.people.entry_forms),
                               ("Duty forms", "duties.yaml duty_forms", grammar.duties.duty_forms)):
        out.append(f"{title} ({file}), tried in this order:")
        for n, rule in enumerate(rules, 1):
            out.append(f"  {n:>2}. {rule.name}: {rule.reads}")
            example = rule.examples[0]
            if hasattr(example, "entries"):
                source = [example.text]
                gives = "; ".join(f"{who} {list(posts)}" for who, posts in example.entries)
            else:
                source = example.lines
                gives = "; ".join([*(f"{r} {w or '-'} {list(p)}" for r, w, p in example.members),
                                   *(f"unit {u}" for u in example.units),
                                   *(f"{'、'.join(u)}: {t}…" for u, t in example.duties),
                                   *(f"body {b}" for b in example.bodies),
                                   *example.diagnostics])
            for line in source:
                out.append("        " + line.replace("\t", " | "))
            out.append(f"        -> {gives}")
        out.append("")
    return "\n".join(out)
