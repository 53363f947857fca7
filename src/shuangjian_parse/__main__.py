"""The `sj` script and `python -m shuangjian_parse`.

`sj -V` / `sj --version` answer here, before typer, the models or the grammars are imported
(a start-up about twice a bare interpreter's); everything else goes to cli.script().
"""
import sys


def main() -> None:
    """Entry point of the `sj` script."""
    if sys.argv[1:] in (["-V"], ["--version"]):
        from . import __version__

        sys.stdout.write(f"sj {__version__}\n")
        return
    from .cli import script

    script()


if __name__ == "__main__":
    main()
