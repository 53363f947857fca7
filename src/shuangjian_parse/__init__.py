"""sj: parse Chinese government notices that set up working bodies into typed records.

    from shuangjian_parse import parse_file
    notice = parse_file("samples/000_9a14945eab7843f1.txt")
    notice.bodies[0].members[0].name  # '冯吉光'
"""
from __future__ import annotations

TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing: `sj -V` stays quick
__version__ = "0.1.0"
__all__ = ["parse_text", "parse_file", "Notice", "__version__"]

if TYPE_CHECKING:
    from pathlib import Path

    from .models import Notice


def __getattr__(name: str):
    # The models (pydantic) load on first use, so that importing the package, or running
    # `sj --help` or `sj --version`, does not pay for them.
    if name == "Notice":
        from .models import Notice

        return Notice
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def parse_text(text: str, path: str = "<text>") -> "Notice":
    """Parse a notice given as text: `parse_text("关于成立…的通知\\n…").document.title`."""
    from .pipeline import run

    return run(text.encode("utf-8"), path).notice


def parse_file(path: str | Path) -> "Notice":
    """Parse a notice file in any supported encoding."""
    from pathlib import Path

    from .pipeline import run

    return run(Path(path).read_bytes(), str(path)).notice
