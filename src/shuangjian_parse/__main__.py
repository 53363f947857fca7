"""The `sj` script and `python -m shuangjian_parse`.

`sj -V` / `sj --version` answer here, before typer, the models or the grammars are imported
(a start-up about twice a bare interpreter's); everything else goes to cli.script().
"""
import gc
import sys


def main() -> None:
    """Entry point of the `sj` script."""
    if sys.argv[1:] in (["-V"], ["--version"]):
        from . import __version__

        sys.stdout.write(f"sj {__version__}\n")
        return
    # Importing typer and pydantic and building the grammars allocate enough objects to run the
    # cyclic collector ~80 times (~15 ms, a bare interpreter start) for ~900 objects found; a
    # parse makes next to no cycles (15 in 200 notices). Collect less often, as mypy does.
    gc.set_threshold(200_000, 30, 30)
    if sys.argv[1:2] == ["parse"]:
        # `sj parse` keeps the patterns it compiles between runs (regex_cache.py): loaded
        # before typer and pydantic are imported, the ~25 patterns their modules compile come
        # from the file too (20 M instructions, 2 % of a cold `sj parse`).
        from . import regex_cache

        regex_cache.load()
    from .cli import script

    script()


if __name__ == "__main__":
    main()
