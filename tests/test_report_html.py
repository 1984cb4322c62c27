"""report --format html: the page's structure, read back with html.parser and as XML (issue 11).

The timeline is checked against the made-up catalog of the report fixtures (as of 2030-01-15): fakelang1 was
deprecated on 2030-01-01 and is create-blocked on 2030-02-01, so the ``as_of`` line must fall inside its
deprecated band, and every band must start where the previous one ends.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lambda_runtime_rules.cli import main
from lambda_runtime_rules.commands.report_html import PLOT_LEFT, PLOT_RIGHT

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "report"
TEMPLATE = FIXTURES / "template.yaml"
SETTINGS = ["--as-of", "2030-01-15", "--catalog", str(FIXTURES / "overlay.json"), "--warn-days", "120"]
SVG = "{http://www.w3.org/2000/svg}"


def _page(capsys, *paths: Path) -> str:
    assert main(["report", *map(str, paths), "--format", "html", *SETTINGS]) == 0
    return capsys.readouterr().out


def _tree(page: str) -> ET.Element:
    return ET.fromstring(page.split("\n", 1)[1])  # the doctype line aside, the page is well-formed XML


class _Collect(HTMLParser):
    """Every start tag and every text node, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parsed(page: str) -> _Collect:
    parser = _Collect()
    parser.feed(page)
    parser.close()
    return parser


def test_page_is_self_contained(capsys):
    page = _page(capsys, TEMPLATE)
    tags = _parsed(page).tags
    names = {tag for tag, _ in tags}
    assert {"html", "head", "style", "svg", "table"} <= names
    assert not names & {"script", "link", "img", "iframe", "object", "embed"}
    for _, attrs in tags:
        for key, value in attrs.items():
            assert key not in ("src", "href") and not key.startswith("on"), (key, value)
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page and "url(" not in page and "@import" not in page
    csp = [a["content"] for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp == ["default-src 'none'; style-src 'unsafe-inline'"]


def test_timeline_rows_labels_counts_and_bands(capsys):
    svg = _tree(_page(capsys, TEMPLATE)).find(f".//{SVG}svg")
    assert svg is not None and svg.get("id") == "timeline"
    rows = svg.findall(f"{SVG}g[@class='timeline-row']")
    # one row per catalog runtime in use, most urgent first; custom, the typo and the image are not drawn
    assert [r.get("data-runtime") for r in rows] == ["fakelang0", "python2.7", "fakelang1", "fakelang2", "fakelang3"]
    labels = {r.get("data-runtime"): [t.text for t in r.findall(f"{SVG}text")] for r in rows}
    assert labels["fakelang1"] == ["fakelang1", "1 function, 1 layer"]  # Choosing and the layer Shared
    assert labels["fakelang0"] == ["fakelang0", "1 function"]
    assert [r.get("data-functions") for r in rows] == ["1", "1", "1", "1", "1"]
    keys = ("data-phase", "data-start", "data-end")
    bands = {r.get("data-runtime"): [tuple(b.get(k) for k in keys) for b in r.iter(f"{SVG}rect")] for r in rows}
    start, end = svg.get("data-start"), svg.get("data-end")
    assert bands["fakelang1"] == [
        ("supported", start, "2030-01-01"),
        ("deprecated", "2030-01-01", "2030-02-01"),
        ("create-blocked", "2030-02-01", "2030-03-01"),
        ("update-blocked", "2030-03-01", end),
    ]
    assert bands["fakelang3"] == [("preview", start, end)]
    for runtime, spans in bands.items():
        assert all(a[2] == b[1] for a, b in zip(spans, spans[1:])), runtime  # no gap, no overlap
    # python2.7 was create-blocked before it was deprecated (real catalog): drawn as the engine judges it
    assert [p for p, _, _ in bands["python2.7"]][-1] == "update-blocked"
    legend = [t.text for t in svg.findall(f"{SVG}text[@class='legend-label']")]
    assert legend == ["supported", "deprecated", "create-blocked", "update-blocked", "preview"]


def _x(day: str, svg: ET.Element) -> float:
    start, end = (dt.date.fromisoformat(svg.get(k, "")) for k in ("data-start", "data-end"))
    return PLOT_LEFT + (dt.date.fromisoformat(day) - start).days / (end - start).days * (PLOT_RIGHT - PLOT_LEFT)


def test_as_of_line_position(capsys):
    svg = _tree(_page(capsys, TEMPLATE)).find(f".//{SVG}svg")
    assert svg is not None
    line = svg.find(f"{SVG}line[@id='as-of']")
    assert line is not None and line.get("data-date") == "2030-01-15"
    x = float(line.get("x1", "nan"))
    assert x == float(line.get("x2", "nan")) and x == pytest.approx(_x("2030-01-15", svg), abs=0.01)
    row = svg.find(f"{SVG}g[@data-runtime='fakelang1']")
    assert row is not None
    deprecated = row.find(f"{SVG}rect[@data-phase='deprecated']")
    assert deprecated is not None
    left = float(deprecated.get("x", "nan"))
    assert left < x < left + float(deprecated.get("width", "nan"))  # inside the band it is in
    ticks = {t.text: float(t.get("x", "nan")) for t in svg.findall(f"{SVG}text[@class='year']")}
    assert ticks["2029"] < x < ticks["2031"]
    assert [t.text for t in svg.findall(f"{SVG}text[@class='as-of-label']")] == ["as of 2030-01-15"]


def test_as_of_after_every_date_is_still_on_the_axis(capsys):
    assert main(["report", str(TEMPLATE), "--format", "html", *SETTINGS[2:], "--as-of", "2040-06-01"]) == 0
    svg = _tree(capsys.readouterr().out).find(f".//{SVG}svg")
    assert svg is not None and svg.get("data-end") == "2041-01-01"
    line = svg.find(f"{SVG}line[@id='as-of']")
    assert line is not None and PLOT_LEFT < float(line.get("x1", "nan")) < PLOT_RIGHT


def test_inventory_table_has_every_row(capsys):
    root = _tree(_page(capsys, TEMPLATE))
    table = root.find(".//table[@id='inventory']")
    assert table is not None
    header = [th.text for th in table.findall("./thead/tr/th")]
    assert header[:3] == ["File", "Resource", "Kind"] and "Status" in header
    body = table.findall("./tbody/tr")
    assert len(body) == 10
    status = header.index("Status")
    assert [tr.findall("td")[status].text for tr in body][:2] == ["update-blocked", "update-blocked"]
    off = root.find(".//p[@class='off-timeline']")
    assert off is not None and "fakelang99 (unknown, 1)" in (off.text or "")


HOSTILE = '<script>alert("x")</script>&amp;\x1b[31m'


def test_hostile_names_are_escaped(tmp_path, capsys):
    folder = tmp_path / "<img src=x onerror=alert(1)>"
    folder.mkdir()
    template = folder / "t.json"
    resources = {
        "Evil": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": HOSTILE, "Handler": "x"}},
        "Named": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "fakelang1", "FunctionName": HOSTILE}},
    }
    template.write_text(json.dumps({"Resources": resources}), encoding="utf-8")
    assert main(["report", str(template), "--format", "html", *SETTINGS]) == 0
    page = capsys.readouterr().out
    assert "<script" not in page and "<img" not in page and "\x1b" not in page
    parsed = _parsed(page)
    assert {t for t, _ in parsed.tags} <= {
        "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "svg", "line", "text", "g", "rect",
        "table", "thead", "tbody", "tr", "th", "td",
    }  # fmt: skip
    text = "".join(parsed.text)
    assert '<script>alert("x")</script>&amp;\\x1b[31m' in text  # shown as the user wrote it, inert
    assert "<img src=x onerror=alert(1)>" in text
    _tree(page)  # still well-formed


def test_a_runtime_used_only_by_layers(tmp_path, capsys):
    template = tmp_path / "layers.yaml"
    template.write_text(
        "Resources:\n"
        "  L1: {Type: AWS::Lambda::LayerVersion, Properties: {CompatibleRuntimes: [fakelang2]}}\n"
        "  L2: {Type: AWS::Lambda::LayerVersion, Properties: {CompatibleRuntimes: [fakelang2, fakelang1]}}\n",
        encoding="utf-8",
    )
    svg = _tree(_page(capsys, template)).find(f".//{SVG}svg")
    assert svg is not None
    counts = {r.get("data-runtime"): r.find(f"{SVG}text[@class='count']") for r in svg.iter(f"{SVG}g")}
    assert {k: v.text for k, v in counts.items() if v is not None} == {"fakelang1": "1 layer", "fakelang2": "2 layers"}


def test_no_function_found(tmp_path, capsys):
    empty = tmp_path / "empty.yaml"
    empty.write_text("Resources: {}\n", encoding="utf-8")
    page = _page(capsys, empty)
    root = _tree(page)
    assert root.find(".//table") is None
    svg = root.find(f".//{SVG}svg")
    assert svg is not None and svg.findall(f"{SVG}g[@class='timeline-row']") == []
    assert "No Lambda functions or layers found." in page
