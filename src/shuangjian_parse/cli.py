"""The `sj` command line: options, I/O and exit codes; no parsing logic here.

stdout carries records only; diagnostics, progress and errors go to stderr. Usage errors
(an unknown option or command, a bad value, a missing argument) print the usage and the
offending option and exit 2, whichever click typer runs on; anything else a user can do
ends in a one-line message and a documented exit code (errors.ExitCode), never a traceback.
"""
from __future__ import annotations

import copy
import gc
import io
import os
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

# The command uses no pydantic plugins, and looking for them scans the entry points of every
# installed package on the first model (~30 ms of each start in a full environment).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def _no_plugin_loader() -> None:
    """Spare pydantic's plugin loader when plugins are off: it imports importlib.metadata (with
    email, zipfile, csv …: ~15 ms, 1x a bare interpreter start) before it reads the variable
    that says not to look. A stand-in answers its one question, get_plugins(), with none;
    tests/test_cli.py checks that the loader stays unloaded and that models still build."""
    name = "pydantic.plugin._loader"
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") == "__all__" and name not in sys.modules:
        import types

        loader = types.ModuleType(name, "sj: plugins are disabled (PYDANTIC_DISABLE_PLUGINS=__all__)")
        loader.get_plugins = lambda: ()
        sys.modules[name] = loader


_no_plugin_loader()

import typer

from . import __version__
from .errors import ExitCode, GrammarError, InputError, one_line

# What click shows to the user itself (usage errors: exit 2). typer >= 0.29 carries its own
# copy of click, older typer uses click: the class is found through typer's BadParameter,
# which is a ClickException in both, so that neither needs importing click.
_CLICK_EXCEPTION: type = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
_HELP = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    add_completion=False,
    rich_markup_mode=None,
    context_settings=_HELP,
    help="sj: parse Chinese government notices that set up working bodies "
         "(领导小组, 协调机制, 联席会议, 工作专班) into normalised records.",
)
grammars_app = typer.Typer(rich_markup_mode=None, context_settings=_HELP,
                           help="Inspect and check grammar files.")
app.add_typer(grammars_app, name="grammars")


class Format(str, Enum):
    yaml = "yaml"
    json = "json"
    jsonl = "jsonl"


# -o FILE: the record format its name implies.
SUFFIX_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".jsonl": "jsonl"}


def _stderr(message: str) -> None:
    sys.stderr.write(message.rstrip("\n") + "\n")


def _input_error(path: str, reason: str) -> None:
    """`sj: error: FILE: reason`, one line whatever the file is called."""
    _stderr(f"sj: error: {one_line(path)}: {reason}")


def _usage(ctx: typer.Context, option: str, message: str) -> typer.BadParameter:
    """A usage error about `option`, shown as click shows its own (usage line, exit 2)."""
    return typer.BadParameter(message, ctx=ctx, param_hint=option)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sj {__version__}")
        raise typer.Exit()


def _no_command(ctx: typer.Context) -> None:
    """A bare `sj` (or `sj grammars`): the help on stderr and exit 2, as for any usage error."""
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help(), err=True)
        raise typer.Exit(ExitCode.USAGE)


@app.callback(invoke_without_command=True)
def _main(ctx: typer.Context,
          version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """sj: notice parser."""
    _no_command(ctx)


@grammars_app.callback(invoke_without_command=True)
def _grammars(ctx: typer.Context) -> None:
    """Inspect and check grammar files."""
    _no_command(ctx)


def write_atomic(path: Path, text: str) -> None:
    """Write a file whole or not at all (files.write_atomic), making its directory first."""
    from .files import write_atomic as write

    path.parent.mkdir(parents=True, exist_ok=True)
    write(path, text)


@app.command()
def parse(
    ctx: typer.Context,
    files: List[str] = typer.Argument(..., metavar="NOTICE", help="Notice files; - reads stdin."),
    fmt: Optional[Format] = typer.Option(
        None, "--format", "-f",
        help="Record format: yaml (the default), json, or jsonl (a record a line). With -o FILE, "
             "the format its extension names (.yaml .yml .json .jsonl)."),
    output: Optional[str] = typer.Option(
        None, "--output", "-o", metavar="FILE|DIR/",
        help="Write the record to FILE (one notice only), or one file per notice, <stem>.yaml "
             "(.json, .jsonl), into DIR: a name ending in / or an existing directory."),
    grammars: Optional[Path] = typer.Option(None, "--grammars", help="Use the grammar files of DIR."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only error diagnostics."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 on any diagnostic, not only errors."),
    max_bytes: int = typer.Option(20 * 1024 * 1024, "--max-bytes", min=1,
                                  help="Refuse inputs larger than this (default 20 MiB)."),
    dump_text: bool = typer.Option(
        False, "--dump-text",
        help="Print the text the parser reads instead of the record: the decoded lines that "
             "`line` numbers refer to (a .docx, web page or PDF as converted); -o gets <stem>.txt."),
) -> None:
    """Parse notices into records: YAML or JSON on stdout (or under -o), diagnostics on stderr."""
    global _quick_exit
    _quick_exit = True
    out_dir, out_file = _output_target(ctx, files, output)
    if dump_text:
        raise typer.Exit(_dump_text(files, out_dir, out_file, max_bytes))
    chosen = _record_format(ctx, fmt, out_file)

    from . import regex_cache
    from .diagnostics import render_text

    # The stored patterns, before the stages are imported. The `sj` script has loaded them
    # already, before typer (__main__.py); load() runs once a process, so this one is for
    # in-process callers (tests).
    regex_cache.load()
    from .emit import render, to_json_array, to_yaml_stream
    from .files import read_input
    from .pipeline import parser_for

    try:
        parser = parser_for(str(grammars) if grammars else None)
    except GrammarError as exc:
        _stderr(str(exc))
        raise typer.Exit(ExitCode.USAGE)
    notices = []
    failed = flagged = False
    for name in files:
        try:
            result = parser.run(read_input(name, max_bytes), name, max_bytes)
        except InputError as exc:
            _input_error(exc.path, exc.reason)
            failed = True
            continue
        notice = result.notice
        shown = [d for d in notice.diagnostics if not quiet or d.severity == "error"]
        if shown:
            sys.stderr.write(render_text(one_line(name), shown))
        if any(d.severity == "error" for d in notice.diagnostics) or (strict and notice.diagnostics):
            flagged = True
        if out_dir is not None:
            write_atomic(out_dir / f"{_stem(name)}.{chosen}", render(notice, chosen))
        else:
            notices.append(notice)
    regex_cache.save()
    if notices:
        if len(files) == 1 or chosen == "jsonl":
            text = "".join(render(notice, chosen) for notice in notices)
        else:
            text = to_yaml_stream(notices) if chosen == "yaml" else to_json_array(notices)
        if out_file is not None:
            write_atomic(out_file, text)
        else:
            sys.stdout.write(text)
    if failed:
        raise typer.Exit(ExitCode.INPUT)
    if flagged:
        raise typer.Exit(ExitCode.DIAGNOSTICS)


def _stem(name: str) -> str:
    """The name of an input's file under -o DIR, without its extension: `stdin` for -."""
    return "stdin" if name == "-" else Path(name).stem


def _output_target(ctx: typer.Context, files: List[str],
                   output: Optional[str]) -> tuple[Optional[Path], Optional[Path]]:
    """(directory, file) that -o names, at most one of them; usage errors for what cannot be.

    A name ending in / or an existing directory is a directory, which gets one file per input
    (two inputs of one stem would overwrite each other: refused); any other name is a file,
    which takes one input only.
    """
    if output is None:
        return None, None
    if output.endswith(("/", os.sep)) or os.path.isdir(output):
        stems: dict[str, str] = {}
        for name in files:
            if _stem(name) in stems and stems[_stem(name)] != name:
                raise _usage(ctx, "'--output' / '-o'",
                             f"{one_line(stems[_stem(name)])} and {one_line(name)} would both be "
                             f"written to {one_line(str(Path(output) / _stem(name)))}.*")
            stems[_stem(name)] = name
        return Path(output), None
    if len(files) > 1:
        raise _usage(ctx, "'--output' / '-o'",
                     f"{len(files)} notices cannot go to one file {output!r}; "
                     f"for one file per notice name a directory: -o {one_line(output)}/")
    return None, Path(output)


def _record_format(ctx: typer.Context, fmt: Optional[Format], out_file: Optional[Path]) -> str:
    """--format, else the format -o FILE's extension names, else YAML; the two must agree."""
    implied = SUFFIX_FORMATS.get(out_file.suffix.lower()) if out_file is not None else None
    if fmt is not None and implied is not None and fmt.value != implied:
        raise _usage(ctx, "'--format' / '-f'",
                     f"{fmt.value} conflicts with the output file {str(out_file)!r}, "
                     f"whose extension says {implied}")
    return fmt.value if fmt is not None else implied or "yaml"


def _dump_text(files: List[str], out_dir: Optional[Path], out_file: Optional[Path], max_bytes: int) -> int:
    """`sj parse --dump-text`: each input's decoded lines, plain, as `line` numbers count them."""
    from .files import read_input
    from .pipeline import read_text

    chunks = []
    failed = False
    for name in files:
        try:
            text = "".join(line + "\n" for line in read_text(read_input(name, max_bytes), name, max_bytes))
        except InputError as exc:
            _input_error(exc.path, exc.reason)
            failed = True
            continue
        if out_dir is not None:
            write_atomic(out_dir / f"{_stem(name)}.txt", text)
        else:  # several inputs on one stream: a `==> FILE <==` line before each, as head(1) does
            chunks.append(f"==> {one_line(name)} <==\n{text}" if len(files) > 1 else text)
    if chunks:
        if out_file is not None:
            write_atomic(out_file, "".join(chunks))
        else:
            sys.stdout.write("".join(chunks))
    return ExitCode.INPUT if failed else ExitCode.OK


class BatchFormat(str, Enum):
    yaml = "yaml"
    json = "json"
    jsonl = "jsonl"


@app.command()
def batch(
    ctx: typer.Context,
    inputs: List[str] = typer.Argument(..., metavar="INPUT",
                                       help="Notice files and directories (searched recursively); - reads "
                                            "the list of inputs from stdin, one path a line."),
    output: Path = typer.Option(..., "--output", "-o", "--out-dir", metavar="OUTDIR",
                                help="Output directory; mirrors the input tree (a.txt → a.yaml)."),
    patterns: Optional[List[str]] = typer.Option(
        None, "--glob", metavar="PATTERN",
        help="File names to take from directories (default *.txt); give it again for more."),
    fmt: BatchFormat = typer.Option(BatchFormat.yaml, "--format", "-f",
                                    help="Record format; jsonl: one file OUTDIR/notices.jsonl, a record a line."),
    workers: Optional[int] = typer.Option(None, "--workers", "-j", min=1,
                                          help="Worker processes (default: the machine's cores)."),
    force: bool = typer.Option(False, "--force", help="Convert every input, even unchanged ones."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="ADDRESS",
                                            help="Run on this Dask scheduler (needs the [dask] extra)."),
    sqlite: Optional[Path] = typer.Option(None, "--sqlite", metavar="FILE",
                                          help="Also write normalised tables to this SQLite database."),
    csv_dir: Optional[Path] = typer.Option(None, "--csv", metavar="DIR",
                                           help="Also write the tables as DIR/<table>.csv."),
    xlsx: Optional[Path] = typer.Option(None, "--xlsx", metavar="FILE",
                                        help="Also write the tables as an Excel workbook, a sheet each."),
    csv_bom: bool = typer.Option(True, "--csv-bom/--no-csv-bom",
                                 help="Start each CSV file with a UTF-8 BOM, which Excel needs (default)."),
    grammars: Optional[Path] = typer.Option(None, "--grammars", help="Use the grammar files of DIR."),
    max_bytes: int = typer.Option(20 * 1024 * 1024, "--max-bytes", min=1,
                                  help="Refuse inputs larger than this (default 20 MiB)."),
    report: Optional[Path] = typer.Option(None, "--report", metavar="FILE",
                                          help="Write each notice's status, warning codes or "
                                               "failure to FILE (JSON lines)."),
) -> None:
    """Convert many notices into OUTDIR in parallel; re-runs skip unchanged inputs and resume."""
    from .batch import DEFAULT_GLOB, BatchOptions, BatchUsageError, Reporter, exit_code, run_batch

    class OneLineReporter(Reporter):
        def message(self, line: str) -> None:
            super().message(one_line(line))   # a/b\n.txt stays on its line

    if "-" in inputs:
        if sys.stdin is None or sys.stdin.isatty():
            raise _usage(ctx, "'INPUT'", "- reads the list of inputs from stdin (one path a line), which "
                                         "is a terminal: pipe it in, find DIR -name '*.txt' | sj batch - -o OUTDIR")
        listed = [line.rstrip("\r\n") for line in sys.stdin]
        inputs = [path for given in inputs for path in (listed if given == "-" else [given]) if path]
    missing = [given for given in inputs if not os.path.lexists(given)]
    options = BatchOptions(inputs=list(inputs), out_dir=output, fmt=fmt.value,
                           pattern=tuple(patterns) if patterns else DEFAULT_GLOB,
                           workers=workers, force=force, scheduler=scheduler, sqlite=sqlite,
                           csv_dir=csv_dir, xlsx=xlsx, csv_bom=csv_bom,
                           grammar_dir=str(grammars) if grammars else None, max_bytes=max_bytes,
                           report=report)
    try:
        summary = run_batch(options, OneLineReporter())
    except (BatchUsageError, GrammarError) as exc:
        _stderr(f"sj: error: {one_line(str(exc))}" if isinstance(exc, BatchUsageError) else str(exc))
        raise typer.Exit(ExitCode.USAGE)
    _stderr(summary.line())
    code = exit_code(summary)
    raise typer.Exit(ExitCode.INPUT if missing and code != ExitCode.INTERRUPTED else code)


@app.command()
def show(
    ctx: typer.Context,
    files: List[str] = typer.Argument(..., metavar="NOTICE",
                                      help="A notice (text, .docx, web page, PDF); - reads stdin. With "
                                           "--html -o DIR/: several notices and folders (*.txt, recursively)."),
    html: bool = typer.Option(False, "--html",
                              help="Write a review page (self-contained HTML): the source text with every "
                                   "value highlighted beside the record."),
    output: Optional[str] = typer.Option(
        None, "--output", "-o", metavar="FILE|DIR/",
        help="With --html: the page's file (one notice; default stdout), or DIR/ (a name ending in / or "
             "an existing directory): a page per notice, DIR/<stem>.html, and DIR/index.html."),
    grammars: Optional[Path] = typer.Option(None, "--grammars", help="Use the grammar files of DIR."),
    width: Optional[int] = typer.Option(None, "--width", min=40, help="Output width (default: the terminal's)."),
    max_bytes: int = typer.Option(20 * 1024 * 1024, "--max-bytes", min=1,
                                  help="Refuse inputs larger than this (default 20 MiB)."),
) -> None:
    """Show one notice for reading: outline tree, members and member units, duties by unit, diagnostics;
    or, with --html, write review pages."""
    from .files import read_input
    from .pipeline import parser_for, read_text

    to_dir = output is not None and (output.endswith(("/", os.sep)) or os.path.isdir(output))
    if output is not None and not html:
        raise _usage(ctx, "'--output' / '-o'", "-o writes review pages: add --html")
    if len(files) > 1 and not to_dir:
        raise _usage(ctx, "'NOTICE'", f"{len(files)} notices: the terminal view and one page show one notice; "
                                      "for a page per notice and an index: --html -o DIR/")
    if to_dir and "-" in files:
        raise _usage(ctx, "'NOTICE'", "- (stdin) gives one page: --html -o FILE, or --html > FILE")
    try:
        parser = parser_for(str(grammars) if grammars else None)
    except GrammarError as exc:
        _stderr(str(exc))
        raise typer.Exit(ExitCode.USAGE)
    if to_dir:
        raise typer.Exit(_review_pages(ctx, files, Path(output), parser, max_bytes))
    file = files[0]
    try:
        data = read_input(file, max_bytes)
        result = parser.run(data, file, max_bytes)
    except InputError as exc:
        _input_error(exc.path, exc.reason)
        raise typer.Exit(ExitCode.INPUT)
    if html:
        from .review import render_page

        page = render_page(result.notice, read_text(data, file, max_bytes))
        if output is None:
            sys.stdout.write(page)
        else:
            write_atomic(Path(output), page)
        return
    from rich.console import Console

    from .show import show_notice

    console = Console(highlight=False, width=width, soft_wrap=False)
    show_notice(result.notice, read_text(data, file, max_bytes), console, parser.canonical.rank_label)


def _review_pages(ctx: typer.Context, inputs: List[str], out_dir: Path, parser, max_bytes: int) -> int:
    """`sj show INPUT... --html -o DIR/`: a page per notice where `sj batch` would put its record
    (DIR/sub/a.html for sub/a.txt), then DIR/index.html listing them."""
    from .batch import DEFAULT_GLOB, BatchUsageError, discover, output_name
    from .files import read_input
    from .pipeline import read_text
    from .review import render_index, render_page, summarize

    try:
        found = discover(inputs, DEFAULT_GLOB, out_dir, "html")
    except BatchUsageError as exc:
        raise _usage(ctx, "'NOTICE'", str(exc))
    if "index.html" in (output_name(rel, "html") for rel in found.rels):
        raise _usage(ctx, "'NOTICE'", "a notice named index.* would overwrite DIR/index.html; rename it")
    failed = list(found.missing)
    for given, reason in found.missing:
        _input_error(given, reason)
    rows = []
    for rel in found.rels:
        try:
            data = read_input(found.path(rel), max_bytes)
            result = parser.run(data, rel, max_bytes)
        except InputError as exc:
            _input_error(found.path(rel), exc.reason)
            failed.append((rel, exc.reason))
            continue
        page = output_name(rel, "html")
        index = "../" * page.count("/") + "index.html"
        write_atomic(out_dir / page, render_page(result.notice, read_text(data, rel, max_bytes), index))
        rows.append(summarize(result.notice, page))
    write_atomic(out_dir / "index.html", render_index(rows, failed))
    _stderr(f"wrote {one_line(str(out_dir / 'index.html'))} ({len(rows)} pages"
            + (f", {len(failed)} inputs not read)" if failed else ")"))
    return ExitCode.INPUT if failed else ExitCode.OK


class CompareFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    html = "html"


@app.command()
def compare(
    paths: List[str] = typer.Argument(..., metavar="RECORD",
                                      help="Records (.yaml .yml .json) or directories of them, as written "
                                           "by `sj parse -o DIR` or `sj batch`."),
    fmt: CompareFormat = typer.Option(CompareFormat.table, "--format", "-f",
                                      help="table (terminal), csv, json, or html (a self-contained report)."),
    table: str = typer.Option("sectors", "--table", help="With csv: the sectors or the bodies table."),
    topic: Optional[str] = typer.Option(None, "--topic", metavar="TOPIC",
                                        help="Compare only the records on this topic (双减, 教育 …)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Compare records by sector (member, has duties, leads), leaders' ranks and member counts."""
    from .compare import (TABLES, compare as compare_records, load_records, on_topic, print_tables, render_csv,
                          render_html, render_json)
    from .pipeline import parser_for

    if table not in TABLES:
        _stderr(f"sj: error: --table must be one of {', '.join(TABLES)}, not {table!r}")
        raise typer.Exit(ExitCode.USAGE)
    missing = [path for path in paths if not os.path.exists(path)]
    for path in missing:
        _input_error(path, "no such file or directory")
    reader = parser_for().canonical
    records, problems = load_records([path for path in paths if path not in missing], reader)
    for problem in problems:
        _stderr(f"sj: warning: {one_line(problem)}")
    if not records:
        _stderr("sj: error: no valid records found (.yaml, .yml, .json)")
        raise typer.Exit(ExitCode.INPUT if missing else ExitCode.INVALID)
    if topic is not None:
        records = on_topic(records, topic)
        if not records:
            _stderr(f"sj: error: no record is on the topic {topic!r} (records of schema version 1 or 2 have no topics)")
            raise typer.Exit(ExitCode.INVALID)
    comparison = compare_records(records, reader)
    done = ExitCode.INPUT if missing else ExitCode.OK
    if fmt is CompareFormat.table:
        from rich.console import Console

        if output is None:
            print_tables(comparison, Console(highlight=False))
            raise typer.Exit(done)
        buffer = io.StringIO()
        print_tables(comparison, Console(file=buffer, highlight=False, width=160, color_system=None))
        text = buffer.getvalue()
    else:
        render = {CompareFormat.csv: lambda c: render_csv(c, table), CompareFormat.json: render_json,
                  CompareFormat.html: render_html}[fmt]
        text = render(comparison)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)
        _stderr(f"wrote {output} ({len(comparison.notices)} notices, {len(comparison.sectors)} sectors)")
    raise typer.Exit(done)


@app.command()
def explain(code: str = typer.Argument(..., help="A diagnostic code, e.g. SJ201.")) -> None:
    """Print what a diagnostic code means, why it matters and how to fix it."""
    from .diagnostics import CATALOGUE, explain as explain_code

    text = explain_code(code)
    if text is None:
        _stderr(f"sj: error: unknown code {code!r}; known: {', '.join(CATALOGUE)}")
        raise typer.Exit(ExitCode.USAGE)
    typer.echo(text, nl=False)


@grammars_app.command("build")
def grammars_build(directory: Optional[Path] = typer.Argument(
        None, help="Grammar directory (default: the shipped grammars).")) -> None:
    """Validate the grammars and store their data as compiled.json (run after editing them)."""
    from .grammar import build_compiled

    try:
        path = build_compiled(str(directory) if directory else None)
    except GrammarError as exc:
        _stderr(str(exc))
        raise typer.Exit(ExitCode.USAGE)
    typer.echo(f"wrote {path}")


@grammars_app.command("check")
def grammars_check(directory: Optional[Path] = typer.Argument(
        None, help="Grammar directory (default: the shipped grammars).")) -> None:
    """Validate grammar files and run every rule's examples, layouts' included."""
    from .grammar import check_examples
    from .layouts import check_layouts

    parser = _grammar_parser(directory)
    grammar = parser.grammar
    problems = check_examples(grammar) + check_layouts(parser)
    for problem in problems:
        _stderr(f"SJ901 error: {problem}")
    if problems:
        raise typer.Exit(ExitCode.USAGE)
    typer.echo(f"grammars ok ({grammar.digest})")


@grammars_app.command("list")
def grammars_list(directory: Optional[Path] = typer.Argument(
        None, help="Grammar directory (default: the shipped grammars).")) -> None:
    """Print every layout sj reads (line layouts, roster entry forms, duty forms) with an example."""
    from .layouts import describe

    typer.echo(describe(_grammar_parser(directory).grammar), nl=False)


def _grammar_parser(directory: Optional[Path]):
    """The parser of a grammar directory (default: the shipped grammars); SJ901 is exit 2."""
    from .pipeline import parser_for

    try:
        return parser_for(str(directory) if directory else None)
    except GrammarError as exc:
        _stderr(str(exc))
        raise typer.Exit(ExitCode.USAGE)


@app.command()
def schema(
    out: Path = typer.Option(Path("schemas"), "--out", metavar="DIR",
                             help="Directory of the schema files (default ./schemas); - prints the schema."),
    check: bool = typer.Option(False, "--check",
                               help="Write nothing; exit 1 when DIR's schema differs from the models."),
) -> None:
    """Write the record's JSON Schema (draft 2020-12), generated from the models, to DIR."""
    from .schema import check_schema, notice_schema, render_schema, schema_filename, structure_digest

    if str(out) == "-":
        if check:
            _stderr("sj: error: --check needs a directory, not -")
            raise typer.Exit(ExitCode.USAGE)
        sys.stdout.write(render_schema(notice_schema()))
        return
    if check:
        problems = check_schema(out)
        for problem in problems:
            _stderr(f"sj: error: {problem}")
        if problems:
            raise typer.Exit(ExitCode.INVALID)
        _stderr(f"{out / schema_filename()} is up to date ({structure_digest()})")
        return
    from .schema import write_schema

    _stderr(f"wrote {write_schema(out)} (structure {structure_digest()})")


class ProblemFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


@app.command()
def validate(
    paths: List[str] = typer.Argument(..., metavar="PATH",
                                      help="Record files (.yaml .yml .json) or directories, searched "
                                           "recursively; - reads stdin."),
    fmt: ProblemFormat = typer.Option(ProblemFormat.text, "--format", "-f",
                                      help="Problem report: text (file:line:col: field.path: message), "
                                           "json, github (Actions annotations) or sarif (SARIF 2.1.0)."),
    max_bytes: int = typer.Option(10 * 1024 * 1024, "--max-bytes", min=1,
                                  help="Refuse record files larger than this (default 10 MiB)."),
    max_problems: int = typer.Option(100, "--max-problems", min=0,
                                     help="Per file, show this many problems, then count the rest "
                                          "(0: no limit)."),
) -> None:
    """Check stored records against the record schema: exit 0 all valid, 1 any invalid, 3 none found."""
    from .validate import RENDERERS, expand_paths, validate_paths

    files: list[str] = []
    unread = False
    for path in paths:
        found, missing = expand_paths([path])
        files += found
        if missing:
            _input_error(path, "no such file or directory")
        elif not found:   # a directory a CI job may point at by mistake
            _input_error(path, "no record files (.yaml, .yml, .json) in this directory")
        unread |= not found
    report = validate_paths(files, max_bytes, max_problems)
    sys.stdout.write(RENDERERS[fmt.value](report))
    bad = len({p.file for p in report.problems})
    for cut in report.cut:
        _stderr(cut.line())
    if report.problems:
        _stderr(f"sj: {report.found} problem(s) in {bad} of {len(report.files)} file(s)")
    elif report.files:   # a file without a record is a problem ("empty")
        _stderr(f"sj: {len(report.files)} file(s), {report.records} record(s): valid")
    if unread:
        raise typer.Exit(ExitCode.INPUT)
    if report.problems:
        raise typer.Exit(ExitCode.INVALID)


class EvalFormat(str, Enum):
    text = "text"
    json = "json"


@app.command("eval")
def eval_command(
    gold_dir: Path = typer.Argument(..., metavar="GOLD_DIR",
                                    help="Gold files <stem>.yaml, in the format of ../shared/gold."),
    input_dir: Path = typer.Argument(..., metavar="INPUT_DIR", help="The notices <stem>.txt to parse."),
    fmt: EvalFormat = typer.Option(EvalFormat.text, "--format", "-f", help="Report format."),
    min_f1: Optional[float] = typer.Option(None, "--min-f1", min=0.0, max=1.0,
                                           help="Exit 1 when the overall (strict) F1 is below this."),
    similarity: float = typer.Option(0.8, "--similarity", min=0.0, max=1.0,
                                     help="Lenient matching: the least text similarity (difflib ratio)."),
    misses: bool = typer.Option(False, "--misses", help="List each document's missed and spurious items."),
    grammars: Optional[Path] = typer.Option(None, "--grammars", help="Use the grammar files of DIR."),
    max_bytes: int = typer.Option(20 * 1024 * 1024, "--max-bytes", min=1,
                                  help="Refuse inputs larger than this (default 20 MiB)."),
) -> None:
    """Parse each notice of INPUT_DIR and score it against GOLD_DIR, strictly and leniently."""
    import json

    from .evaluate import GoldError, evaluate, load_gold, parse_notices, render_text

    unread = [d for d in (gold_dir, input_dir) if not d.is_dir()]
    for directory in unread:
        _input_error(str(directory), "not a directory" if directory.exists() else "no such file or directory")
    if unread:
        raise typer.Exit(ExitCode.INPUT)
    try:
        gold = load_gold(gold_dir)
    except GoldError as exc:
        _stderr(f"sj: error: {one_line(str(exc))}")
        raise typer.Exit(ExitCode.INPUT)
    if not gold:
        _input_error(str(gold_dir), "no gold files (<stem>.yaml) in this directory")
        raise typer.Exit(ExitCode.INPUT)
    try:
        records, warnings = parse_notices(list(gold), input_dir, str(grammars) if grammars else None,
                                          max_bytes)
    except GrammarError as exc:
        _stderr(str(exc))
        raise typer.Exit(ExitCode.USAGE)
    for warning in warnings:
        _stderr(f"sj: warning: {warning}")
    result = evaluate(gold, records, similarity)
    if fmt is EvalFormat.json:
        sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(render_text(result, misses))
    overall = result.overall()
    if min_f1 is not None and overall < min_f1:
        _stderr(f"sj: overall F1 {overall:.4f} is below --min-f1 {min_f1:g}")
        raise typer.Exit(ExitCode.INVALID)


def _app_for(args: List[str]) -> typer.Typer:
    """`app`, or for `sj COMMAND …` a copy of it that holds that one command.

    typer builds the click command of every command an app holds on each call, parameters
    and all: 3 % of a cold `sj parse`'s instructions for the ten it does not run. Help, usage
    errors and the command itself are the same with the command alone. Anything else (`sj`,
    `sj -h`, `sj -V`, `sj grammars …`, a mistyped command, whose error names the known ones)
    gets the whole app."""
    name = args[0] if args else None
    chosen = [info for info in app.registered_commands
              if (info.name or typer.main.get_command_name(info.callback.__name__)) == name]
    if not chosen:
        return app
    single = copy.copy(app)   # a shallow copy: the lists below are new, app's stay whole
    single.registered_commands = chosen
    single.registered_groups = []
    return single


def main() -> None:
    """Entry point of the `sj` script: exit codes as documented, never a traceback."""
    try:
        code = _app_for(sys.argv[1:])(prog_name="sj", standalone_mode=False)
    except (typer.Exit, typer.Abort, KeyboardInterrupt) as exc:
        # Ctrl-C: click < 8.2 makes it an Abort; typer >= 0.29 returns 130 itself, silently
        if isinstance(exc, KeyboardInterrupt) or isinstance(exc.__cause__, KeyboardInterrupt):
            _stderr("sj: interrupted")
            sys.exit(ExitCode.INTERRUPTED)
        if isinstance(exc, typer.Abort):
            _stderr("sj: aborted")
            sys.exit(ExitCode.USAGE)
        sys.exit(exc.exit_code)
    except _CLICK_EXCEPTION as exc:
        # typer >= 0.29 checks values with pydantic, whose message starts "Value error, "
        message = getattr(exc, "message", "")
        if isinstance(message, str) and message.startswith("Value error, "):
            exc.message = message[len("Value error, "):]
        option = getattr(exc, "option_name", None)   # No such option: -l, from -leading-dash.txt
        named = next((a for a in sys.argv[1:] if option and a.startswith(option) and os.path.exists(a)), None)
        if named:
            exc.message = f"{exc.message} ({one_line(named)} is a file: put -- before it, -- {one_line(named)})"
        exc.show()
        sys.exit(ExitCode.USAGE)
    except BrokenPipeError:
        # the reader of stdout left (sj parse … | head): stop quietly, as cat does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(ExitCode.DIAGNOSTICS)
    except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
        if os.environ.get("SJ_DEBUG"):
            raise
        _stderr(f"sj: internal error: {type(exc).__name__}: {one_line(str(exc))} "
                "(set SJ_DEBUG=1 for a traceback)")
        sys.exit(ExitCode.USAGE)
    sys.exit(code if isinstance(code, int) else ExitCode.OK)


# Set by a command that leaves nothing to the interpreter's exit (no threads, no child
# processes, its files closed): script() then ends the process without tearing it down.
_quick_exit = False


def script() -> None:
    """The `sj` script and `python -m shuangjian_parse`: main(), then a quick exit.

    At exit the interpreter's garbage collections walk every object sj built: ~40 ms after a
    batch, ~30 ms of the 0.26 s an `sj parse` of 17 notices takes. Frozen (gc.freeze) they are
    skipped; sj needs nothing collected then, its files are closed. After `sj parse` the
    teardown of its ~280 modules is skipped too (5 % of a cold parse's instructions): stdout
    and stderr are flushed and the process ends (os._exit), as mypy ends. main() stays as it
    is for in-process callers (tests), whose objects must stay collectable.
    """
    try:
        main()
    except SystemExit as done:
        if not _quick_exit or not isinstance(done.code, int):
            raise
        code = done.code
        try:
            sys.stdout.flush()
        except BrokenPipeError:   # the reader of stdout left, as in main()
            code = ExitCode.DIAGNOSTICS
        sys.stderr.flush()
        os._exit(code)
    finally:
        gc.freeze()
