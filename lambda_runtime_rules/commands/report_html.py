"""``report --format html``: one self-contained page, the inventory table and a lifecycle timeline.

A platform team pastes it into a wiki or opens it from a CI artifact, often where nothing may be fetched: so the
page loads nothing (inline CSS, an SVG drawn here, no script, and a Content-Security-Policy that says so). Every
string that comes from a user's files (paths, resource names, runtime values) or from a catalog overlay is
escaped, and made printable first: the markup is also well-formed XML, which the tests parse it as.

The timeline draws one row per catalog runtime in use. Its bands are the engine's own phases, asked day by day
at each catalog date (``engine.phase``), so a runtime whose dates are out of the usual order (create-blocked
before deprecation) is drawn as the rules judge it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from html import escape

from ..catalog import Catalog, Runtime
from ..engine import PREVIEW, Phase, phase
from ..output import printable
from ..settings import Settings
from .report import CONTROL_HEADING, MARKDOWN_COLUMNS, Controls, Row, control_lines, summary

# Layout of the timeline, in SVG user units (the SVG scales to the page's width).
WIDTH = 1000
LABEL_WIDTH = 170
COUNT_WIDTH = 150
PLOT_LEFT = LABEL_WIDTH
PLOT_RIGHT = WIDTH - COUNT_WIDTH
AXIS_TOP = 34
ROW_HEIGHT = 30
BAND_HEIGHT = 18
LEGEND_HEIGHT = 40
MAX_LABEL = 28

COLOURS = {
    Phase.SUPPORTED.value: "#2e7d32",
    Phase.DEPRECATED.value: "#f9a825",
    Phase.CREATE_BLOCKED.value: "#ef6c00",
    Phase.UPDATE_BLOCKED.value: "#c62828",
    PREVIEW: "#6a8caf",
}
AS_OF_COLOUR = "#1a237e"

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px; color: #1b1b1b; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 24px 0 8px; }
p.meta, p.summary { margin: 2px 0; color: #444; }
svg.timeline { width: 100%; max-width: 1000px; height: auto; display: block; }
svg.timeline text { font-family: system-ui, sans-serif; font-size: 12px; fill: #1b1b1b; }
svg.timeline .tick { stroke: #d0d0d0; stroke-width: 1; }
svg.timeline .as-of-label { fill: #1a237e; font-weight: bold; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #d0d0d0; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.status { font-weight: bold; }
td.status-update-blocked { color: #c62828; }
td.status-create-blocked { color: #ef6c00; }
td.status-deprecated { color: #a56f00; }
td.status-supported { color: #2e7d32; }
p.off-timeline { color: #444; font-size: 13px; }
"""


def _text(value: object) -> str:
    """Inert markup text: printable first (no control character survives to break an XML reader), then escaped."""
    return escape(printable(str(value)), quote=True)


def _short(name: str) -> str:
    return name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1] + "\u2026"


@dataclass(frozen=True)
class Band:
    phase: str
    start: dt.date
    end: dt.date  # exclusive


@dataclass(frozen=True)
class TimelineRow:
    runtime: Runtime
    functions: int
    layers: int
    bands: tuple[Band, ...]


def _bands(runtime: Runtime, start: dt.date, end: dt.date) -> tuple[Band, ...]:
    """The runtime's phases between ``start`` and ``end``, as the engine judges each stretch."""
    if runtime.preview:
        return (Band(PREVIEW, start, end),)
    announced = (runtime.deprecated, runtime.block_create, runtime.block_update)
    dates = sorted({d for d in announced if d and start < d < end})
    edges = [start, *dates, end]
    bands: list[Band] = []
    for first, last in zip(edges, edges[1:]):
        word = phase(runtime, first).value
        if bands and bands[-1].phase == word:
            bands[-1] = Band(word, bands[-1].start, last)
        else:
            bands.append(Band(word, first, last))
    return tuple(bands)


def axis_range(runtimes: list[Runtime], as_of: dt.date) -> tuple[dt.date, dt.date]:
    """Whole years around every date shown, and at least one year after ``as_of`` so its line is never at the edge."""
    dates = [as_of]
    for runtime in runtimes:
        dates.extend(d for d in (runtime.deprecated, runtime.block_create, runtime.block_update) if d)
    return dt.date(min(dates).year, 1, 1), dt.date(max(dates).year + 1, 1, 1)


def x_of(day: dt.date, start: dt.date, end: dt.date) -> float:
    """The horizontal position of ``day`` on the plot, in SVG user units."""
    span = (end - start).days or 1
    return round(PLOT_LEFT + (day - start).days / span * (PLOT_RIGHT - PLOT_LEFT), 2)


def timeline_rows(rows: list[Row], catalog: Catalog, start: dt.date, end: dt.date) -> list[TimelineRow]:
    """One row per catalog runtime in use (managed ones: ``custom`` has no AWS lifecycle), most urgent first."""
    functions: Counter[str] = Counter()
    layers: Counter[str] = Counter()
    seen: dict[str, set[tuple[str, str, str]]] = {}
    order: list[str] = []
    for row in rows:
        runtime = catalog.get(row.runtime) if row.runtime else None
        if runtime is None or not runtime.managed:
            continue
        key = (row.file, row.resource, row.kind)
        if row.runtime not in seen:
            seen[row.runtime] = set()
            order.append(row.runtime)
        if key in seen[row.runtime]:
            continue
        seen[row.runtime].add(key)
        (layers if row.kind == "layer" else functions)[row.runtime] += 1
    out = []
    for name in order:
        runtime = catalog.get(name)
        assert runtime is not None
        out.append(TimelineRow(runtime, functions[name], layers[name], _bands(runtime, start, end)))
    return out


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _count_label(row: TimelineRow) -> str:
    """'2 functions', '1 function, 1 layer', '1 layer': a row only for layers does not say '0 functions'."""
    parts = [_plural(row.functions, "function")] if row.functions or not row.layers else []
    if row.layers:
        parts.append(_plural(row.layers, "layer"))
    return ", ".join(parts)


def _ticks(start: dt.date, end: dt.date) -> list[dt.date]:
    years = end.year - start.year
    step = 1 if years <= 12 else 2 if years <= 24 else 5
    return [dt.date(year, 1, 1) for year in range(start.year, end.year + 1, step)]


def render_timeline(rows: list[Row], settings: Settings, catalog: Catalog) -> str:
    """The SVG picture: bands per runtime on a time axis, the ``as_of`` line, and a legend."""
    found = (catalog.get(r.runtime) for r in rows if r.runtime)
    start, end = axis_range([r for r in found if r is not None and r.managed], settings.as_of)
    lines = timeline_rows(rows, catalog, start, end)
    height = AXIS_TOP + ROW_HEIGHT * max(len(lines), 1) + LEGEND_HEIGHT
    plot_bottom = AXIS_TOP + ROW_HEIGHT * max(len(lines), 1)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" id="timeline" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'data-start="{start.isoformat()}" data-end="{end.isoformat()}" '
        f'data-plot-left="{PLOT_LEFT}" data-plot-right="{PLOT_RIGHT}">',
        f"<title>Lifecycle of the runtimes in use, as of {settings.as_of.isoformat()}</title>",
    ]
    for tick in _ticks(start, end):
        x = x_of(tick, start, end)
        out.append(f'<line class="tick" x1="{x}" y1="{AXIS_TOP - 6}" x2="{x}" y2="{plot_bottom}"/>')
        out.append(f'<text class="year" x="{x}" y="{AXIS_TOP - 10}" text-anchor="middle">{tick.year}</text>')
    if not lines:
        out.append(
            f'<text class="empty" x="{PLOT_LEFT}" y="{AXIS_TOP + 20}">No runtime from the catalog is in use.</text>'
        )
    for index, line in enumerate(lines):
        top = AXIS_TOP + index * ROW_HEIGHT
        band_y = top + (ROW_HEIGHT - BAND_HEIGHT) / 2
        name = _text(line.runtime.identifier)
        out.append(f'<g class="timeline-row" data-runtime="{name}" data-functions="{line.functions}">')
        out.append(f'<text class="runtime" x="{PLOT_LEFT - 8}" y="{top + 19}" text-anchor="end">'
                   f"{_text(_short(line.runtime.identifier))}</text>")  # fmt: skip
        for band in line.bands:
            x1, x2 = x_of(band.start, start, end), x_of(band.end, start, end)
            last = "" if band.end == end else f" until {band.end.isoformat()}"
            out.append(
                f'<rect class="band band-{band.phase}" data-phase="{band.phase}" '
                f'data-start="{band.start.isoformat()}" data-end="{band.end.isoformat()}" '
                f'x="{x1}" y="{band_y}" width="{round(x2 - x1, 2)}" height="{BAND_HEIGHT}" '
                f'fill="{COLOURS[band.phase]}"><title>{name}: {band.phase}'
                f"{'' if band.start == start else ' from ' + band.start.isoformat()}{last}</title></rect>"
            )
        out.append(
            f'<text class="count" x="{PLOT_RIGHT + 10}" y="{top + 19}">{_text(_count_label(line))}</text></g>'
        )
    x = x_of(settings.as_of, start, end)
    out.append(
        f'<line id="as-of" class="as-of" data-date="{settings.as_of.isoformat()}" x1="{x}" y1="{AXIS_TOP - 4}" '
        f'x2="{x}" y2="{plot_bottom + 2}" stroke="{AS_OF_COLOUR}" stroke-width="2" stroke-dasharray="5 3"/>'
    )
    out.append(f'<text class="as-of-label" x="{x + 4}" y="{AXIS_TOP - 22}">as of {settings.as_of.isoformat()}</text>')
    legend_y = plot_bottom + 24
    legend_x = PLOT_LEFT
    for word in (*(p.value for p in Phase), PREVIEW):
        out.append(f'<rect class="legend" x="{legend_x}" y="{legend_y - 11}" width="14" height="14" '
                   f'fill="{COLOURS[word]}"/>')  # fmt: skip
        out.append(f'<text class="legend-label" x="{legend_x + 20}" y="{legend_y}">{word}</text>')
        legend_x += 30 + 8 * len(word)
    out.append("</svg>")
    return "\n".join(out)


def _off_timeline(rows: list[Row], catalog: Catalog) -> str:
    """Values the timeline cannot draw (unknown, custom, unresolved): named under it, so none goes unseen."""
    counts: Counter[tuple[str, str]] = Counter()
    for row in rows:
        runtime = catalog.get(row.runtime) if row.runtime else None
        if runtime is None or not runtime.managed:
            counts[(row.runtime or "(no runtime value)", row.status)] += 1
    if not counts:
        return ""
    parts = ", ".join(f"{_text(name)} ({_text(word)}, {count})" for (name, word), count in sorted(counts.items()))
    return f'<p class="off-timeline">Not on the timeline: {parts}.</p>'


def render_html(rows: list[Row], settings: Settings, catalog: Catalog, controls: Controls | None = None) -> str:
    """The whole page; its table has the Markdown report's columns."""
    section: list[str] = []
    if controls is not None and controls.shown(settings):
        lines = control_lines(controls, settings)
        items = "".join(f"<li>{_text(line[2:])}</li>" for line in lines if line.startswith("- "))
        section = [f"<h2>{_text(CONTROL_HEADING)}</h2>", '<div id="control">']
        for line in lines:
            if not line.startswith("- "):
                section.append(f"<p>{_text(line)}</p>")
                if items and line.endswith(":"):
                    section.append(f"<ul>{items}</ul>")
        section.append("</div>")
    columns, summary_line = MARKDOWN_COLUMNS, summary(rows)
    title = f"Lambda runtime report (as of {settings.as_of.isoformat()})"
    head = "".join(f"<th>{_text(name)}</th>" for name, _ in columns)
    body = []
    for row in rows:
        cells = []
        for name, get in columns:
            css = f' class="status status-{_text(row.status)}"' if name == "Status" else ""
            cells.append(f"<td{css}>{_text(get(row))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    table = (
        f'<table id="inventory"><thead><tr>{head}</tr></thead><tbody>\n' + "\n".join(body) + "\n</tbody></table>"
        if rows
        else "<p>No Lambda functions or layers found.</p>"
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8"/>',
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'"/>',
            '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
            f"<title>{_text(title)}</title>",
            f"<style>{CSS}</style>",
            "</head>",
            "<body>",
            f"<h1>{_text(title)}</h1>",
            f'<p class="meta">Catalog reviewed {_text(catalog.reviewed.isoformat())}.</p>',
            f'<p class="summary">{_text(summary_line)}</p>',
            "<h2>Lifecycle timeline</h2>",
            render_timeline(rows, settings, catalog),
            _off_timeline(rows, catalog),
            "<h2>Inventory</h2>",
            table,
            *section,
            "</body>",
            "</html>",
            "",
        ]
    )
