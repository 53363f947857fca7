"""The install users get: `pip install .` in a fresh venv, without extras, and the `sj` script.

The other tests run in the test environment, whose extras pull in packages the package itself
does not declare (click came in through distributed, and hid that typer >= 0.29 no longer
installs it). Here every usage error, a missing file and the help go through the installed
script, and must end with the exit code README's table gives, the option or file named, and
no traceback. One venv per test session (30-50 s, most of it pip; its cache is reused); the test
skips, saying why, when pip cannot reach a package index.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time

import pytest

from conftest import ROOT, SAMPLES
from shuangjian_parse import __version__

NETWORK = re.compile(r"No matching distribution found|Could not find a version that satisfies|"
                     r"Failed to establish a new connection|Temporary failure in name resolution|"
                     r"Network is unreachable|Max retries exceeded|ReadTimeoutError|ConnectionError")


@pytest.fixture(scope="module")
def sj(tmp_path_factory):
    """Run the `sj` of a fresh `pip install .` (no extras): (exit code, stdout, stderr)."""
    base = tmp_path_factory.mktemp("install")
    source = base / "source"   # a copy: building in the work tree would leave build/ there
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(ROOT / "src", source / "src", ignore=ignore)
    shutil.copytree(ROOT / "grammars", source / "grammars", ignore=ignore)
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", base / "venv"], check=True)
    python = base / "venv" / "bin" / "python"
    # The test environment's pip installs into the new venv (no second pip to bootstrap).
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", python, "install", "-q",
                           "--disable-pip-version-check", str(source)],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        output = proc.stdout + proc.stderr
        if NETWORK.search(output):
            pytest.skip(f"pip cannot reach a package index: {NETWORK.search(output).group(0)}")
        pytest.fail(f"pip install . failed:\n{output[-3000:]}")
    print(f"\nfresh venv with pip install . in {time.monotonic() - started:.1f} s", file=sys.stderr)
    work = base / "work"
    work.mkdir()
    (work / "-leading-dash.txt").write_bytes((SAMPLES / "000_9a14945eab7843f1.txt").read_bytes())
    script = base / "venv" / "bin" / "sj"

    def run(*args: str) -> tuple[int, str, str]:
        proc = subprocess.run([script, *args], capture_output=True, text=True, cwd=work, timeout=120,
                              env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc.returncode, proc.stdout, proc.stderr

    return run


def test_help_version_and_no_command(sj):
    code, out, err = sj()
    assert (code, out) == (2, "") and err.startswith("Usage: sj [OPTIONS] COMMAND")
    code, out, err = sj("-h")
    assert (code, err) == (0, "") and out.startswith("Usage: sj [OPTIONS] COMMAND") and "  parse " in out
    assert sj("-V") == (0, f"sj {__version__}\n", "")
    assert sj("--version") == (0, f"sj {__version__}\n", "")


def test_parse_reads_a_file_named_like_an_option_after_double_dash(sj):
    code, out, _ = sj("parse", "--", "-leading-dash.txt")
    assert code == 0 and 'path: "-leading-dash.txt"' in out and "冯吉光" in out


@pytest.mark.parametrize("args, says", [
    (["parse", "--bogus", "x"], "No such option: --bogus"),
    (["parse", "-leading-dash.txt"], "put -- before it"),
    (["nosuchcommand"], "No such command 'nosuchcommand'"),
    (["parse"], "Missing argument 'NOTICE'"),
    (["parse", "missing.txt", "--format", "xml"], "Invalid value for '--format' / '-f'"),
    (["show", "missing.txt", "--width", "30"], "Invalid value for '--width'"),
    *[([*command, "--bogus"], "No such option: --bogus")
      for command in (["batch"], ["show"], ["compare"], ["explain"], ["grammars", "check"],
                      ["grammars", "build"], ["schema"], ["validate"], ["eval"], ["grammars"])],
], ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_usage_errors_exit_2_and_name_the_option(sj, args, says):
    code, out, err = sj(*args)
    assert (code, out) == (2, "")
    assert err.startswith("Usage: sj") and says in err and "internal error" not in err


@pytest.mark.parametrize("args", [
    ["parse", "missing.txt"], ["show", "missing.txt"], ["validate", "missing.txt"],
    ["compare", "missing.txt"], ["eval", "missing.txt", "."], ["batch", "missing.txt", "-o", "out"],
], ids=lambda v: v[0])
def test_a_missing_file_is_exit_3_and_named(sj, args):
    code, out, err = sj(*args)
    assert (code, out) == (3, "")
    assert err.startswith("sj: error: missing.txt: no such file")
