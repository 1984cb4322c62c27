"""Propose catalog updates from a saved copy of AWS's "Lambda runtimes" documentation page.

A maintainer tool, so it is deliberately suspicious: a saved page may be years old (the seed pages date from
2021-2023), so a date that moves backwards, a date the page no longer shows, or a page older than the
catalog's ``reviewed`` day is reported as a regression and applied only on explicit request. It never drops
a runtime (an identifier missing from the page may simply sit in a table the copy did not include) and
never returns a catalog that fails :func:`lambda_runtime_rules.catalog.build`.

Pages come as HTML (tables read with the stdlib ``html.parser``), as the documentation's Markdown rendering
(pipe tables; inline code, emphasis, links and ``<br>`` in cells are reduced to their text), or as text dumps,
where a table is a header line (``Name Identifier ... Deprecation date ...``) followed by one cell per line,
cells separated by blank lines (an empty cell is an empty line), or by tabs or pipes when copied from a browser.
The kind is told by content, not by the file's name: a download saved as ``page.html`` may hold Markdown.

Tables are found by their header row, never by the headings around them, so a page that puts supported and
deprecated runtimes in one table, splits a table in two, renames its sections, reorders columns or adds
columns reads the same. A page that cannot be read (empty, binary, cut off inside a table, or without a
runtime table) is refused with one line: a refresh must never turn a bad download into an empty proposal.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from .catalog import OS_LABELS, CatalogError, build
from .engine import Phase, phase

DATE_FIELDS = ("deprecated", "block_create", "block_update")
# Header label (lower case, single spaces) -> catalog field. Old pages (2021-2023) used a two-phase policy:
# phase 1 ended patches (and, then, creation), phase 2 blocked updates; only the deprecation and update-block
# meanings carry over to today's columns, so phase 1 never sets block_create.
HEADERS = {
    "name": "name",
    "identifier": "identifier",
    "operating system": "os",
    "architectures": "architectures",
    "deprecation date": "deprecated",
    "deprecation (phase 1)": "deprecated",
    "deprecation phase 1": "deprecated",
    "deprecation phase 2": "block_update",
    "block function create": "block_create",
    "block function update": "block_update",
}
_OS_BY_LABEL = {label.lower(): key for key, label in OS_LABELS.items()}
_NO_DATE = {"", "-", "—", "–", "n/a", "na", "not scheduled", "not applicable", "none", "tbd", "tba"}
_MONTH_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y", "%d %b %Y", "%d %B %Y")
_IDENTIFIER = re.compile(r"[a-z][a-z0-9.\-]*")
_ARCHITECTURES = ("x86_64", "arm64")


class RefreshError(Exception):
    """A page that yields no runtime table, or a proposal that would break the catalog: one line."""


@dataclass(frozen=True)
class PageRow:
    """One runtime as the page shows it. ``given`` names the fields the page's table has a column for:
    a field outside it is unknown (left alone), a field inside it with None is an explicit "no date"."""

    identifier: str
    name: str = ""
    os: str | None = None
    architectures: tuple[str, ...] = ()
    deprecated: dt.date | None = None
    block_create: dt.date | None = None
    block_update: dt.date | None = None
    given: frozenset[str] = frozenset()
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    rows: tuple[PageRow, ...]
    date: dt.date | None = None  # when the copy was saved, if the page says so
    tables: int = 0  # runtime table headers seen, rows or not
    kind: str = "text"  # "html", "markdown" or "text": how the page was read


@dataclass(frozen=True)
class Change:
    identifier: str
    field: str
    old: object
    new: object
    reason: str = ""  # why it is a regression; empty for an ordinary update

    def describe(self) -> str:
        text = f"{self.identifier}: {self.field} {_show(self.old)} -> {_show(self.new)}"
        return f"{text} ({self.reason})" if self.reason else text


@dataclass
class Proposal:
    """What the page says against the catalog, and the document with the accepted part applied."""

    document: dict[str, Any]
    changes: list[Change] = field(default_factory=list)
    regressions: list[Change] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reviewed: tuple[str, str] | None = None  # (old, new) when `reviewed` moves
    applied_regressions: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.changes or self.added or self.reviewed or (self.applied_regressions and self.regressions))


def _show(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


# ---------------------------------------------------------------------------------------------- parsing


def parse_date(text: str) -> dt.date | None:
    """'Nov 10, 2026', 'November 10, 2026', '2026-11-10' -> date; 'Not scheduled' / empty -> None."""
    cleaned = " ".join(text.replace("\u00a0", " ").split()).strip().rstrip(".")
    if cleaned.lower() in _NO_DATE:
        return None
    try:
        return dt.date.fromisoformat(cleaned)
    except ValueError:
        pass
    for fmt in _MONTH_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text.strip()!r}")


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).strip()


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_TAG = re.compile(r"<[a-zA-Z/][^<>]*>")
_MD_MARKS = re.compile(r"(\*\*|__|`|\*(?=\S)|(?<=\S)\*)")
_FOOTNOTE = re.compile(r"\s*(\[\d+\]|[\u00b9\u00b2\u00b3\u2070-\u2079]+|\*+)$")


def _cell_text(cell: str) -> str:
    """A pipe-table cell as plain text: Markdown links, inline code, emphasis and inline HTML (``<br>``,
    ``<code>``) reduced to the text a reader sees, escaped pipes restored."""
    text = _MD_LINK.sub(r"\1", cell.replace("\\|", "|"))
    text = _MD_TAG.sub(" ", text)
    return _MD_MARKS.sub("", text).replace("&nbsp;", " ").replace("&amp;", "&")


def _split_cells(line: str) -> list[str]:
    """A tab- or pipe-separated line as cells; the outer pipes of a Markdown row frame the cells and an escaped
    pipe (``\\|``) belongs to its cell."""
    stripped = line.strip()
    cells = re.split(r"\t|(?<!\\)\|", line)
    if stripped.startswith("|"):
        cells = cells[1:-1] if stripped.endswith("|") and not stripped.endswith("\\|") else cells[1:]
    return [_cell_text(cell) for cell in cells]


def _columns(header: Sequence[str]) -> list[str | None]:
    """Header labels -> catalog fields; a footnote mark after a label (``Deprecation date¹``) is ignored."""
    return [HEADERS.get(_FOOTNOTE.sub("", _norm(cell)).lower()) for cell in header]


def _row(cells: Sequence[str], columns: Sequence[str | None]) -> PageRow | None:
    """A table row as a PageRow, or None when it is no runtime row (a note, a sub-heading)."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for cell, column in zip(cells, columns):
        if column is None:
            continue
        text = _norm(cell)
        if column in DATE_FIELDS:
            try:
                values[column] = parse_date(text)
            except ValueError as exc:
                problems.append(f"{column}: {exc}")
        elif column == "os":
            os_key = _OS_BY_LABEL.get(text.lower())
            if os_key is None and text:
                problems.append(f"os: unknown operating system {text!r}")
            elif os_key is not None:
                values["os"] = os_key
        elif column == "architectures":
            archs = tuple(a for a in (p.strip() for p in text.replace(";", ",").split(",")) if a)
            unknown = [a for a in archs if a not in _ARCHITECTURES]
            if unknown:
                problems.append(f"architectures: unknown {', '.join(unknown)}")
            else:
                values["architectures"] = archs
        else:
            values[column] = text
    identifier = values.pop("identifier", "")
    if not _IDENTIFIER.fullmatch(identifier or "") or ("name" in columns and not values.get("name")):
        return None
    given = frozenset(c for c in columns if c and c != "identifier")
    given -= {p.split(":", 1)[0] for p in problems}
    return PageRow(identifier=identifier, given=given, problems=tuple(problems), **values)


class _Tables(HTMLParser):
    """Every <table> as a list of rows of cell texts; header cells are rows like any other. Footnote marks
    (``<sup>``) are left out, so ``Deprecation date<sup>1</sup>`` is still the deprecation column."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._stack: list[list[list[str]]] = []
        self._cell: list[str] | None = None
        self._sup = 0
        self.meta_dates: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._stack.append([])
        elif tag == "tr" and self._stack:
            self._stack[-1].append([])
        elif tag in ("td", "th") and self._stack:
            if not self._stack[-1]:
                self._stack[-1].append([])
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")
        elif tag == "sup":
            self._sup += 1
        elif tag == "meta":
            found = dict(attrs)
            key = (found.get("name") or found.get("property") or found.get("http-equiv") or "").lower()
            if key in ("date", "last-modified", "dcterms.modified", "article:modified_time", "saved-on"):
                self.meta_dates.append(found.get("content") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "sup":
            self._sup = max(self._sup - 1, 0)
        elif tag in ("td", "th") and self._cell is not None and self._stack:
            if not self._stack[-1]:  # a cell closed inside a nested table that has no row yet
                self._stack[-1].append([])
            self._stack[-1][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "table" and self._stack:
            self.tables.append(self._stack.pop())

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._sup:
            self._cell.append(data)


def _rows_from_table(table: list[list[str]]) -> list[PageRow]:
    rows: list[PageRow] = []
    columns: list[str | None] = []
    for cells in table:
        candidate = _columns(cells)
        if "identifier" in candidate:
            columns = candidate
            continue
        if columns:
            row = _row(cells, columns)
            if row is not None:
                rows.append(row)
    return rows


def _parse_html(text: str) -> Page:
    parser = _Tables()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError, IndexError) as exc:  # html.parser on broken markup, old Pythons
        raise RefreshError(f"cannot parse the HTML: {exc}") from None
    if any(any("identifier" in _columns(r) for r in open_table) for open_table in parser._stack):
        raise RefreshError("the page ends inside a runtime table (a truncated download?)")
    if _HTML_START.match(text) and "</html" not in text[-4096:].lower():
        raise RefreshError("the page ends before </html> (a truncated download?)")
    tables = [t for t in parser.tables if any("identifier" in _columns(r) for r in t)]
    rows = [row for table in tables for row in _rows_from_table(table)]
    return Page(tuple(rows), _first_date(parser.meta_dates), len(tables), "html")


def _first_date(candidates: Sequence[str]) -> dt.date | None:
    for raw in candidates:
        try:
            return dt.date.fromisoformat(raw.strip()[:10])
        except ValueError:
            continue
    return None


def _split_header(line: str) -> list[str] | None:
    """A text header line as column labels, or None. Labels are found by name; any text between two known
    labels (an SDK or JDK column) is one unknown column."""
    if "\t" in line or "|" in line:
        cells = _split_cells(line)
        return cells if "identifier" in _columns(cells) else None
    text = _norm(line)
    lower = text.lower()
    if not lower.startswith("name identifier"):
        return None
    labels = sorted(HEADERS, key=len, reverse=True)
    cells: list[str] = []
    unknown = ""
    position = 0
    while position < len(lower):
        if lower[position] == " ":
            position += 1
            continue
        for label in labels:
            end = position + len(label)
            if lower.startswith(label, position) and (end == len(lower) or lower[end] == " "):
                if unknown.strip():
                    cells.append(unknown.strip())
                unknown = ""
                cells.append(text[position:end])
                position = end
                break
        else:
            word_end = lower.find(" ", position)
            word_end = len(lower) if word_end < 0 else word_end
            unknown += " " + text[position:word_end]
            position = word_end
    if unknown.strip():
        cells.append(unknown.strip())
    return cells


def _parse_text(text: str) -> Page:
    lines = text.splitlines()
    rows: list[PageRow] = []
    index = 0
    headers = 0
    while index < len(lines):
        header = _split_header(lines[index])
        index += 1
        if header is None:
            continue
        headers += 1
        columns = _columns(header)
        if "\t" in lines[index - 1] or "|" in lines[index - 1]:
            index = _delimited_rows(lines, index, columns, rows)
        else:
            index = _stacked_rows(lines, index, columns, rows)
    kind = "markdown" if any(_MD_SEPARATOR.match(line) for line in lines) else "text"
    return Page(tuple(rows), None, headers, kind)


def _delimited_rows(lines: list[str], index: int, columns: list[str | None], rows: list[PageRow]) -> int:
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if not stripped or set(stripped) <= set("|-: \t"):
            index += 1
            if not stripped and rows and index < len(lines) and not lines[index].strip():
                return index
            continue
        if "\t" not in line and "|" not in line:
            return index
        cells = _split_cells(line)
        last = not any(rest.strip() for rest in lines[index + 1:])
        if stripped.startswith("|") and len(cells) < len(columns) and last:
            raise RefreshError(
                f"the page ends inside a table row ({len(cells)} of {len(columns)} cells; a truncated download?)"
            )
        row = _row(cells, columns)
        if row is None:
            if stripped.startswith("|"):  # a Markdown table's sub-heading or note row: the table goes on
                index += 1
                continue
            return index
        rows.append(row)
        index += 1
    return index


def _stacked_rows(lines: list[str], index: int, columns: list[str | None], rows: list[PageRow]) -> int:
    """One cell per line, each followed by a blank line; an empty cell is an empty line. The table ends at
    the first row whose identifier cell is not an identifier or whose cells are not blank-separated."""
    width = len(columns)
    if index < len(lines) and not lines[index].strip():
        index += 1
    while index < len(lines):
        span = lines[index:index + 2 * width - 1]
        span += [""] * (2 * width - 1 - len(span))
        cells, separators = span[0::2], span[1::2]
        if any(s.strip() for s in separators) or not cells[0].strip():
            return index
        row = _row(cells, columns)
        if row is None:
            return index
        rows.append(row)
        index += 2 * width
    return index


_HTML_START = re.compile(r"\A(\ufeff)?\s*(<!--.*?-->\s*)*<(!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL)
_HTML_TABLE = re.compile(r"<table\b", re.IGNORECASE)
_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$")
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def page_kind(text: str) -> str:
    """"html" when the text is an HTML document or holds an HTML table, "markdown" when it holds a pipe table's
    separator row (``|---|---|``), else "text". By content: AWS serves both renderings from similar URLs."""
    if _HTML_START.match(text) or _HTML_TABLE.search(text):
        return "html"
    if any(_MD_SEPARATOR.match(line) for line in text.splitlines()):
        return "markdown"
    return "text"


def _unreadable(text: str) -> str | None:
    """Why the text is no page at all (empty, binary, undecodable), or None."""
    if not text.strip():
        return "the page is empty"
    sample = text[:8192]
    if _BINARY.search(sample):
        return "not a text page (binary data; a compressed or non-HTML download?)"
    if sample.count("\ufffd") * 20 > len(sample) or sample.count("\ufffd") > 100:
        return "not a text page (not UTF-8 text; a compressed or non-HTML download?)"
    return None


def parse_page(text: str) -> Page:
    """Runtime rows from a saved page (HTML, Markdown or text). Raises RefreshError when it is empty, binary,
    truncated inside a table, or holds no runtime table."""
    problem = _unreadable(text)
    if problem:
        raise RefreshError(problem)
    page = _parse_html(text) if page_kind(text) == "html" else _parse_text(text)
    if not page.rows and not page.tables and page.kind == "html" and "|" in text:
        # Markdown that embeds an HTML snippet (an example, a note) keeps its runtime tables as pipe tables.
        page = _parse_text(text)
    if not page.rows and page.tables:
        raise RefreshError(
            f"found {page.tables} runtime table(s) but no row with a runtime identifier "
            "(did the saved copy lose the identifier cells?)"
        )
    if not page.rows:
        raise RefreshError("no runtime table found (expected a header with Name and Identifier columns)")
    return page


# ---------------------------------------------------------------------------------------------- proposing


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _merge_rows(rows: Sequence[PageRow], notes: list[str]) -> dict[str, PageRow]:
    """One row per identifier; a page lists a runtime once, so a second listing is noted and ignored."""
    merged: dict[str, PageRow] = {}
    for row in rows:
        for problem in row.problems:
            notes.append(f"{row.identifier}: ignored a cell ({problem})")
        if row.identifier in merged:
            notes.append(f"{row.identifier}: listed more than once on the page; the first listing is used")
            continue
        merged[row.identifier] = row
    return merged


def _date_change(
    identifier: str, name: str, old: str | None, new: dt.date | None, reviewed: str
) -> Change | None:
    new_text = _iso(new)
    if new_text == old:
        return None
    if new_text is None:
        return Change(identifier, name, old, None, "the page shows no date where the catalog has one")
    if old is not None and new_text < old:
        return Change(identifier, name, old, new_text, "earlier than the catalog's date: the page may be stale")
    if old is None and new_text < reviewed:
        # AWS announces phases ahead of time: a date already past when the catalog was reviewed, which the
        # catalog chose not to record, comes from an old page far more often than from a late announcement.
        return Change(identifier, name, old, new_text, f"a date before the catalog's review ({reviewed})")
    return Change(identifier, name, old, new_text)


def _compare(entry: dict[str, Any], row: PageRow, reviewed: str) -> list[Change]:
    found: list[Change] = []
    rid = entry["identifier"]
    for name in DATE_FIELDS:
        if name in row.given:
            change = _date_change(rid, name, entry.get(name), getattr(row, name), reviewed)
            if change is not None:
                found.append(change)
    if "os" in row.given and row.os is not None and row.os != entry.get("os"):
        found.append(Change(rid, "os", entry.get("os"), row.os))
    if "architectures" in row.given and row.architectures:
        old, page = list(entry.get("architectures", [])), set(row.architectures)
        dropped = sorted(set(old) - page)
        if dropped:
            new = [a for a in _ARCHITECTURES if a in page]
            found.append(Change(rid, "architectures", old, new, f"the page drops {', '.join(dropped)}"))
        elif page - set(old):
            found.append(Change(rid, "architectures", old, [a for a in _ARCHITECTURES if a in page | set(old)]))
    return found


def _family_of(identifier: str, document: dict[str, Any]) -> tuple[str, str]:
    """Family and version for a new identifier, by the prefix its known relatives share (dotnetcore -> dotnet)."""
    prefix = re.match(r"[a-z]+", identifier)
    letters = prefix.group(0) if prefix else identifier
    families: dict[str, str] = {}
    versions: dict[str, str] = {}
    for entry in document["runtimes"]:
        head = re.match(r"[a-z]+", entry["identifier"])
        if head:
            families.setdefault(head.group(0), entry["family"])
            versions[entry["family"]] = entry["version"]
    family = families.get(letters, letters)
    digits = re.match(r"[0-9]+(\.[0-9]+)*", identifier[len(letters):])
    version = digits.group(0) if digits else versions.get(family, "0")
    return family, version


def _new_entry(row: PageRow, document: dict[str, Any], source: str) -> tuple[dict[str, Any], list[str]]:
    family, version = _family_of(row.identifier, document)
    notes: list[str] = []
    architectures = list(row.architectures)
    if not architectures:
        architectures = ["x86_64"] if row.os == "amazon-linux" else list(_ARCHITECTURES)
        notes.append("architectures inferred from the OS")
    name = row.name or row.identifier
    container_only = "container only" in name.lower()
    entry = {
        "identifier": row.identifier,
        "name": name,
        "family": family,
        "version": version,
        "os": row.os,
        "architectures": architectures,
        "package_types": ["Image"] if container_only else ["Zip", "Image"],
        "deprecated": _iso(row.deprecated),
        "block_create": _iso(row.block_create),
        "block_update": _iso(row.block_update),
        "successor": None,
        "preview": "preview" in name.lower(),
        "managed": True,
        "sources": [source],
        "notes": "Added by catalog refresh; review family, version, successor"
        + (f" ({'; '.join(notes)})" if notes else "")
        + ".",
    }
    return entry, notes


def _apply(document: dict[str, Any], change: Change, source: str) -> None:
    for entry in document["runtimes"]:
        if entry["identifier"] == change.identifier:
            entry[change.field] = change.new
            if source not in entry["sources"]:
                entry["sources"].append(source)
            return


def propose(
    document: dict[str, Any],
    page: Page,
    *,
    reviewed: dt.date,
    source: str,
    source_description: str,
    accept_regressions: bool = False,
) -> Proposal:
    """Compare the page with a catalog document; return the proposal with safe changes applied (and the
    regressions too when ``accept_regressions``). Raises RefreshError if the result would be invalid."""
    result = copy.deepcopy(document)
    proposal = Proposal(result)
    rows = _merge_rows(page.rows, proposal.notes)
    old_reviewed = document["reviewed"]
    stale_page = page.date is not None and page.date.isoformat() < old_reviewed

    known = {e["identifier"]: e for e in document["runtimes"]}
    for identifier, entry in known.items():
        row = rows.get(identifier)
        if row is None:
            if entry.get("managed", True):
                proposal.missing.append(identifier)
            continue
        for change in _compare(entry, row, old_reviewed):
            if stale_page and not change.reason:
                change = Change(change.identifier, change.field, change.old, change.new,
                                f"the page ({page.date}) is older than the catalog's review ({old_reviewed})")
            (proposal.regressions if change.reason else proposal.changes).append(change)

    additions = [row for identifier, row in rows.items() if identifier not in known]
    if stale_page:
        for row in additions:
            proposal.regressions.append(Change(row.identifier, "runtime", None, "new",
                                               f"the page ({page.date}) is older than the catalog's review"))
        additions = []

    for change in proposal.changes:
        _apply(result, change, source)
    if accept_regressions:
        for change in proposal.regressions:
            if change.field == "runtime":
                row = rows[change.identifier]
                additions.append(row)
            else:
                _apply(result, change, source)
        proposal.applied_regressions = bool(proposal.regressions)
    for row in additions:
        entry, _ = _new_entry(row, result, source)
        result["runtimes"].append(entry)
        proposal.added.append(row.identifier)
    for family in sorted({_family_of(i, result)[0] for i in proposal.added}):
        proposal.notes.append(f"new runtime(s) in family {family}: review the successor of its members")

    held_back = proposal.regressions and not accept_regressions
    absent = _supported_but_absent(document, proposal.missing)
    if reviewed.isoformat() > old_reviewed:
        why = (
            f"the page ({page.date}) is older than it" if stale_page
            else "regressions were not applied" if held_back
            else f"the page lacks {len(absent)} runtime(s) the catalog lists as supported "
            f"({', '.join(absent[:3])}{', ...' if len(absent) > 3 else ''}), so it looks older or incomplete"
            if absent
            else ""
        )
        if why:
            proposal.notes.append(f"reviewed stays {old_reviewed}: {why}")
        else:
            result["reviewed"] = reviewed.isoformat()
            proposal.reviewed = (old_reviewed, result["reviewed"])
    if proposal.changed:
        result.setdefault("sources", {})[source] = source_description

    _guard(document, result)
    return proposal


def _supported_but_absent(document: dict[str, Any], missing: Sequence[str]) -> list[str]:
    """Missing identifiers that were generally available and not deprecated on the catalog's review day:
    a complete, current page would list them."""
    try:
        catalog = build(document, "catalog")
    except CatalogError:
        return []
    absent = []
    for identifier in missing:
        runtime = catalog.get(identifier)
        if runtime is None or runtime.preview or not runtime.managed or not runtime.zip_capable:
            continue
        if phase(runtime, catalog.reviewed) is Phase.SUPPORTED:
            absent.append(identifier)
    return absent


def _guard(before: dict[str, Any], after: dict[str, Any]) -> None:
    """The two promises: nothing dropped, and a catalog that loads."""
    lost = {e["identifier"] for e in before["runtimes"]} - {e["identifier"] for e in after["runtimes"]}
    if lost:
        raise RefreshError(f"refusing to drop runtimes: {', '.join(sorted(lost))}")
    try:
        build(after, "proposed catalog")
    except CatalogError as exc:
        raise RefreshError(f"refusing to produce an invalid catalog: {exc}") from None


def render(document: dict[str, Any]) -> str:
    """The catalog file's own formatting (two-space JSON, trailing newline), so diffs stay minimal."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def unified_diff(before: str, after: str, name: str = "rules_data/catalog.json") -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{name}", f"b/{name}"
        )
    )


def botocore_proposal(
    document: dict[str, Any], identifiers: Sequence[str], source: str
) -> tuple[list[dict[str, Any]], list[str]]:
    """Skeleton entries for the identifiers botocore's Lambda model lists and the catalog lacks, and the catalog's
    managed identifiers the model does not list.

    botocore gains a new ``Runtime`` enum value when the API accepts it, often before AWS's runtimes page lists
    it, but the model carries no name, OS, architectures or dates. So a skeleton is a proposal for a maintainer:
    family and version inferred as for a page row, every date null (never invented), and notes that say what
    to review; nothing is written to the catalog.
    """
    known = {entry["identifier"] for entry in document["runtimes"]}
    proposals = []
    for identifier in dict.fromkeys(identifiers):
        if identifier in known:
            continue
        family, version = _family_of(identifier, document)
        proposals.append(
            {
                "identifier": identifier,
                "family": family,
                "version": version,
                "deprecated": None,
                "block_create": None,
                "block_update": None,
                "successor": None,
                "sources": [source],
                "review": "from botocore's Lambda Runtime enum only: add name, os, architectures, package_types, "
                "preview and dates from AWS's runtimes page before adding it to the catalog",
            }
        )
    listed = set(identifiers)
    absent = sorted(
        entry["identifier"]
        for entry in document["runtimes"]
        if entry.get("managed", True) and entry["identifier"] not in listed
    )
    return proposals, absent


# ---------------------------------------------------------------------------------------------- PR body

_MD_ESCAPE = {c: f"\\{c}" for c in "\\`*_[]<>|#~"}
_MD_ESCAPE["@"] = "&#64;"  # no @mentions from page text
BODY_LIMIT = 60_000  # GitHub refuses pull request bodies over 65,536 characters


def _md(value: object) -> str:
    text = "—" if value is None else " ".join(_show(value).split())
    return "".join(_MD_ESCAPE.get(c, c) for c in text)


def markdown_report(proposal: Proposal, page: Page, source: str) -> str:
    """The refresh as a pull request body: new identifiers, changed dates, other changes, regressions held back
    (or applied), runtimes the page does not list, and notes. Page text is escaped, so a cell cannot format the
    body, mention anyone or close an issue; the body stays under GitHub's size limit."""
    date_changes = [c for c in proposal.changes if c.field in DATE_FIELDS]
    other_changes = [c for c in proposal.changes if c.field not in DATE_FIELDS]
    by_id = {e["identifier"]: e for e in proposal.document["runtimes"]}
    dated = page.date.isoformat() if page.date else "unknown"
    lines = [
        "## Runtime catalog refresh",
        "",
        f"From AWS's \"Lambda runtimes\" page: {_md(source)} ({page.kind}, {len(page.rows)} runtime row(s) in "
        f"{page.tables} table(s), page date {dated}).",
        "",
        "Opened by the scheduled catalog refresh; nothing is merged automatically. Check each line against the page.",
    ]

    def table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        lines.extend(["", f"### {title} ({len(rows)})", ""])
        if not rows:
            lines.append("None.")
            return
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        lines.extend("| " + " | ".join(_md(cell) for cell in row) + " |" for row in rows)

    table(
        "New identifiers",
        ["Identifier", "Name", "OS", "Deprecated", "Block create", "Block update"],
        [
            [i, by_id[i]["name"], by_id[i]["os"], by_id[i]["deprecated"], by_id[i]["block_create"],
             by_id[i]["block_update"]]
            for i in proposal.added
        ],
    )
    table("Changed dates", ["Runtime", "Field", "Catalog", "Page"],
          [[c.identifier, c.field, c.old, c.new] for c in date_changes])
    if other_changes:
        table("Other changes", ["Runtime", "Field", "Catalog", "Page"],
              [[c.identifier, c.field, c.old, c.new] for c in other_changes])
    title = "Regressions applied (--accept-regressions)" if proposal.applied_regressions else (
        "Regressions held back")
    table(title, ["Runtime", "Field", "Catalog", "Page", "Why"],
          [[c.identifier, c.field, c.old, c.new, c.reason] for c in proposal.regressions])
    lines.extend(["", "### Catalog review date", ""])
    if proposal.reviewed:
        lines.append(f"`reviewed`: {_md(proposal.reviewed[0])} -> {_md(proposal.reviewed[1])}")
    else:
        lines.append(f"`reviewed` stays {_md(proposal.document['reviewed'])}.")
    if proposal.missing:
        lines.extend(["", f"### Not on the page, left untouched ({len(proposal.missing)})", "",
                      ", ".join(_md(i) for i in proposal.missing)])
    if proposal.notes:
        lines.extend(["", "### Notes", ""])
        lines.extend(f"- {_md(note)}" for note in proposal.notes)
    body = "\n".join(lines) + "\n"
    if len(body) > BODY_LIMIT:
        cut = body.rfind("\n", 0, BODY_LIMIT - 200)
        body = body[:cut] + "\n\n(report cut to fit GitHub's limit; the workflow log has all of it)\n"
    return body
