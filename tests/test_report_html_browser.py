"""report --format html in a real browser: Debian's Chromium, headless, renders the page (issue 11).

Two looks at the rendered page: the DOM after rendering (``--dump-dom``: the SVG's rows, bands and labels are
there) and a screenshot (``--screenshot``: the bands' colours are really painted, in the timeline's place).
The PNG is read with a small decoder here, so the test needs no imaging library.

Where Chromium is absent the test is skipped with the reason; in CI (CI=true) it fails instead, since ``.ci/run``
installs Chromium first.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest

from lambda_runtime_rules.cli import main
from lambda_runtime_rules.commands.report_html import COLOURS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "report"
SETTINGS = ["--as-of", "2030-01-15", "--catalog", str(FIXTURES / "overlay.json"), "--warn-days", "120"]
WINDOW = (1200, 1000)
SVG = "{http://www.w3.org/2000/svg}"
FLAGS = (
    "--headless",
    "--no-sandbox",  # the tests run as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--force-color-profile=srgb",  # painted colours are the page's own, so they can be counted
    "--hide-scrollbars",
    f"--window-size={WINDOW[0]},{WINDOW[1]}",
)


def _chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed: .ci/run installs Debian's chromium before the tests")
        pytest.skip("chromium is not installed (apt-get install chromium): the page is not rendered in a browser")
    return found


def _browser(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [chromium, *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=profile.parent)


def decode_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB rows of an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    offset, idat, header = 8, b"", b""
    while offset < len(data):
        (length,), kind = struct.unpack(">I", data[offset : offset + 4]), data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        offset += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    channels = 3 if colour == 2 else 4
    stride = width * channels
    raw = zlib.decompress(idat)
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        previous = line
        rgb = line if channels == 3 else bytearray(v for i, v in enumerate(line) if i % 4 != 3)
        rows.append(bytes(rgb))
    return width, height, rows


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _render(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str, tuple[int, int, list[bytes]]]:
    chromium = _chromium()
    assert main(["report", str(FIXTURES / "template.yaml"), "--format", "html", *SETTINGS]) == 0
    page = tmp_path / "report.html"
    html = capsys.readouterr().out
    page.write_text(html, encoding="utf-8")
    dom = _browser(chromium, tmp_path / "profile-dom", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    shot = tmp_path / "shot.png"
    taken = _browser(chromium, tmp_path / "profile-shot", f"--screenshot={shot}", page.as_uri())
    assert taken.returncode == 0 and shot.exists(), taken.stderr[-2000:]
    keep = os.environ.get("LRR_KEEP_SCREENSHOT")  # a person looks at it: LRR_KEEP_SCREENSHOT=/tmp/report.png
    if keep:
        shutil.copyfile(shot, keep)
    return html, dom.stdout, decode_png(shot.read_bytes())


def test_timeline_renders_in_chromium(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    html, dom, (width, height, rows) = _render(tmp_path, capsys)
    svg = ET.fromstring(html.split("\n", 1)[1]).find(f".//{SVG}svg")
    assert svg is not None
    expected = {phase: 0 for phase in COLOURS}
    for row in svg.findall(f"{SVG}g[@class='timeline-row']"):
        for phase in {b.get("data-phase", "") for b in row.iter(f"{SVG}rect") if float(b.get("width", "0")) >= 2}:
            expected[phase] += 1
    # The DOM after rendering: the SVG, one row per runtime in use, its bands, its labels.
    assert dom.count('<svg xmlns="http://www.w3.org/2000/svg" class="timeline"') == 1
    for runtime in ("fakelang0", "python2.7", "fakelang1", "fakelang2", "fakelang3"):
        assert f'<g class="timeline-row" data-runtime="{runtime}"' in dom
        assert f">{runtime}</text>" in dom
    assert dom.count('<rect class="band ') >= 10 and 'id="as-of"' in dom and ">as of 2030-01-15</text>" in dom
    assert ">1 function, 1 layer</text>" in dom and '<table id="inventory">' in dom

    # The screenshot: each phase's colour is painted in the timeline's place (below the headings, above the
    # table, whose status words share some of these colours): one block of pixel rows per timeline row that has
    # a band of that phase at least 2 units wide, and one more for the legend's square.
    assert (width, height) == WINDOW
    header = bytes(_rgb("#f2f2f2")) * 50  # a run of the table header's background: the timeline is above it
    top, bottom = 100, next(y for y, row in enumerate(rows) if header in row)
    for phase, colour in COLOURS.items():
        target = _rgb(colour)
        hits = [
            (x, y) for y in range(top, bottom) for x in range(width) if tuple(rows[y][3 * x : 3 * x + 3]) == target
        ]
        ys = sorted({y for _, y in hits})
        # pixel rows closer than 8 are one block: the dashed as_of line crosses a band without splitting it
        blocks = 1 + sum(1 for a, b in zip(ys, ys[1:]) if b - a > 8) if ys else 0
        assert blocks == expected[phase] + 1, f"{phase} ({colour}): {blocks} painted blocks, {expected[phase]} bands"
        if phase in ("supported", "update-blocked", "preview"):  # long bands: the timeline has its width
            xs = [x for x, _ in hits]
            assert max(xs) - min(xs) > width // 3, phase
    assert not any(set(rows[y]) - {255} for y in range(0, 15)), "the page's top margin is blank"
    # the as_of line: its colour on several rows in one column, between the plot's edges
    line = _rgb("#1a237e")
    columns = [x for y in range(top, bottom) for x in range(width) if tuple(rows[y][3 * x : 3 * x + 3]) == line]
    assert columns and max(set(columns), key=columns.count) in range(width // 4, width * 3 // 4)
