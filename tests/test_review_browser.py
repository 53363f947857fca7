"""The review page of samples/002 in a real browser: headless Chromium renders it, runs its
script, and the DOM it ends with is checked; a screenshot is taken (issue 13, must-show 4).

Skipped when chromium is not installed, unless SJ_REQUIRE_BROWSER=1 (set by .ci/run, which
installs Debian's chromium and fonts-noto-cjk), where a missing browser fails the test.
"""
from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from shuangjian_parse.pipeline import read_text, run
from shuangjian_parse.review import render_page
from test_review import SAMPLE_002, PageReader, value_problems

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
if CHROMIUM is None and os.environ.get("SJ_REQUIRE_BROWSER") == "1":
    pytest.fail("SJ_REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install chromium fonts-noto-cjk)",
                pytrace=False)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                "(apt-get install chromium fonts-noto-cjk; CI installs it)")

# Added to a copy of the page under test only: after load, click a duty's link in the record pane
# and note on <body> what the page did (which highlights flash, how the panes scrolled).
PROBE = """<script>
window.addEventListener('load', function () {
  var pane = document.getElementById('src-pane'), link = document.querySelector('#rec a[data-to^="duties["]');
  var before = pane.scrollTop;
  link.click();
  var page = document.scrollingElement;
  document.body.setAttribute('data-probe', JSON.stringify({
    to: link.dataset.to, before: before, after: pane.scrollTop, scrollable: pane.scrollHeight > pane.clientHeight,
    flashed: Array.from(document.querySelectorAll('#src .flash')).map(function (e) { return e.dataset.path; }),
    page_scrolls: page.scrollHeight > window.innerHeight, width: window.innerWidth}));
});
</script>
"""


def chromium(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--no-first-run", f"--user-data-dir={cwd / 'profile'}", "--enable-logging=stderr",
                           "--v=0", *args], capture_output=True, text=True, timeout=120, cwd=cwd)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    data = SAMPLE_002.read_bytes()
    notice = run(data, SAMPLE_002.name).notice
    lines = read_text(data, SAMPLE_002.name)
    folder = tmp_path_factory.mktemp("review")
    path = folder / "002.html"
    path.write_text(render_page(notice, lines), encoding="utf-8")
    return notice, lines, path


def test_every_highlight_in_the_browser_holds_its_value(page):
    notice, lines, path = page
    probed = path.with_name("probed.html")
    probed.write_text(path.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = chromium("--window-size=1366,768", "--dump-dom", probed.as_uri(), cwd=path.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Uncaught" not in done.stderr  # the page's script ran without an error
    reader = PageReader(done.stdout)
    assert reader.text == "\n".join(lines)  # the source pane's text content is the decoded text
    assert value_problems(reader, notice, reader.text) == []
    assert len(reader.marked) > 200
    probe = json.loads(reader.body["data-probe"])
    # the duty's link scrolled the source pane (not the page) to its text and flashed it
    assert probe["flashed"] == [probe["to"]] and probe["after"] > probe["before"] + 500
    assert probe["scrollable"] and not probe["page_scrolls"] and probe["width"] == 1366


def test_a_screenshot_of_the_page(page):
    _, _, path = page
    shot = path.with_name("002.png")
    done = chromium("--window-size=1366,900", f"--screenshot={shot}", path.as_uri(), cwd=path.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    assert struct.unpack(">II", png[16:24]) == (1366, 900)
    assert len(png) > 100_000  # text in two panes, coloured highlights: not a blank page (~5 KB)
