"""The `sj` command line: options, I/O and exit codes; no parsing logic here.

stdout carries records only; diagnostics, progress and errors go to stderr.
"""
from __future__ import annotations

import os
import sys
import tempfile
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__
from .errors import ExitCode, GrammarError, InputError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="sj: parse Chinese government notices that set up working bodies "
         "(领导小组, 协调机制, 联席会议, 工作专班) into normalised records.",
)
grammars_app = typer.Typer(no_args_is_help=True, help="Inspect and check grammar files.")
app.add_typer(grammars_app, name="grammars")


class Format(str, Enum):
    yaml = "yaml"
    json = "json"


def _stderr(message: str) -> None:
    sys.stderr.write(message.rstrip("\n") + "\n")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sj {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """sj: notice parser."""


def read_input(path: str, max_bytes: int) -> bytes:
    """The bytes of one input (`-` is stdin); InputError with a one-line reason otherwise."""
    if path == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        return data
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(path, "is a directory (give the notice files, or use a glob)")
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError(path, f"file is {size:,} bytes, over the limit of {max_bytes:,} "
                                   "(raise it with --max-bytes)")
        return p.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory") from None
    except OSError as exc:
        raise InputError(path, exc.strerror or str(exc)) from None


def write_atomic(path: Path, text: str) -> None:
    """Write a file whole or not at all: a temporary file beside it, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


@app.command()
def parse(
    files: List[str] = typer.Argument(..., metavar="NOTICE...", help="Notice files; - reads stdin."),
    fmt: Format = typer.Option(Format.yaml, "--format", "-f", help="Record format."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o",
        help="Write the record to this file; with several notices, a directory that gets one "
             "file per notice (<stem>.yaml/.json)."),
    grammars: Optional[Path] = typer.Option(None, "--grammars", help="Use the grammar files of DIR."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only error diagnostics."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 on any diagnostic, not only errors."),
    max_bytes: int = typer.Option(20 * 1024 * 1024, "--max-bytes", min=1,
                                  help="Refuse inputs larger than this (default 20 MiB)."),
) -> None:
    """Parse notices into records: YAML or JSON on stdout (or under -o), diagnostics on stderr."""
    from .diagnostics import render_text
    from .emit import render, to_json_array, to_yaml_stream
    from .pipeline import parser_for

    try:
        parser = parser_for(str(grammars) if grammars else None)
    except GrammarError as exc:
        _stderr(str(exc))
        raise typer.Exit(ExitCode.USAGE)
    out_dir = None
    if output is not None and (len(files) > 1 or output.is_dir()):
        out_dir = output
    notices = []
    failed = flagged = False
    for name in files:
        try:
            result = parser.run(read_input(name, max_bytes), name, max_bytes)
        except InputError as exc:
            _stderr(f"sj: error: {exc.path}: {exc.reason}")
            failed = True
            continue
        notice = result.notice
        shown = [d for d in notice.diagnostics if not quiet or d.severity == "error"]
        if shown:
            sys.stderr.write(render_text(name, shown))
        if any(d.severity == "error" for d in notice.diagnostics) or (strict and notice.diagnostics):
            flagged = True
        if out_dir is not None:
            stem = "stdin" if name == "-" else Path(name).stem
            write_atomic(out_dir / f"{stem}.{fmt.value}", render(notice, fmt.value))
        else:
            notices.append(notice)
    if notices:
        if len(files) == 1:
            text = render(notices[0], fmt.value)
        else:
            text = to_yaml_stream(notices) if fmt is Format.yaml else to_json_array(notices)
        if output is not None and out_dir is None:
            write_atomic(output, text)
        else:
            sys.stdout.write(text)
    if failed:
        raise typer.Exit(ExitCode.INPUT)
    if flagged:
        raise typer.Exit(ExitCode.DIAGNOSTICS)


@app.command()
def explain(code: str = typer.Argument(..., help="A diagnostic code, e.g. SJ201.")) -> None:
    """Print what a diagnostic code means, why it matters and how to fix it."""
    from .diagnostics import CATALOGUE, explain as explain_code

    text = explain_code(code)
    if text is None:
        _stderr(f"sj: error: unknown code {code!r}; known: {', '.join(CATALOGUE)}")
        raise typer.Exit(ExitCode.USAGE)
    typer.echo(text, nl=False)


@grammars_app.command("check")
def grammars_check(directory: Optional[Path] = typer.Argument(
        None, help="Grammar directory (default: the shipped grammars).")) -> None:
    """Validate grammar files and run every rule's examples."""
    from .grammar import check_examples, load_grammar

    try:
        grammar = load_grammar(str(directory) if directory else None)
    except GrammarError as exc:
        _stderr(str(exc))
        raise typer.Exit(ExitCode.USAGE)
    problems = check_examples(grammar)
    for problem in problems:
        _stderr(f"SJ901 error: {problem}")
    if problems:
        raise typer.Exit(ExitCode.USAGE)
    typer.echo(f"grammars ok ({grammar.digest})")


def main() -> None:
    """Entry point of the `sj` script: exit codes as documented, never a traceback."""
    try:
        code = app(standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _stderr("sj: interrupted")
        sys.exit(ExitCode.INTERRUPTED)
    except (typer.BadParameter, typer.Abort) as exc:  # pragma: no cover - click wraps these
        _stderr(f"sj: error: {exc}")
        sys.exit(ExitCode.USAGE)
    except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(ExitCode.USAGE)
        if os.environ.get("SJ_DEBUG"):
            raise
        _stderr(f"sj: internal error: {type(exc).__name__}: {exc} (set SJ_DEBUG=1 for a traceback)")
        sys.exit(ExitCode.USAGE)
    sys.exit(code if isinstance(code, int) else ExitCode.OK)
