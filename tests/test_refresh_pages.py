"""catalog refresh reads every form AWS's runtimes page comes in, and refuses what it cannot read.

The constructed pages under fixtures/refresh/ are re-layouts of two sources: the seed page 000 (AWS's 2023
"Lambda runtimes" page) and the made-up fakelang page.html. Each re-layout must read exactly like its source:
the same rows, the same proposal, the same report. A page that cannot be read is one line and exit 2.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_runtime_rules.cli import main
from lambda_runtime_rules.refresh import RefreshError, page_kind, parse_page, propose

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "refresh"
SEED = ROOT.parent / "shared" / "seeds" / "000_f43d5d7a376df208.txt"


@pytest.fixture(scope="module")
def seed_rows():
    if not SEED.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"seed page not found at {SEED} (required when CI=true)")
        pytest.skip(f"seed page not found at {SEED}")
    return parse_page(SEED.read_text(encoding="utf-8")).rows


def _page(name: str):
    return parse_page((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "kind", "tables"),
    [("seed-2023.md", "markdown", 2), ("seed-2023-split.html", "html", 3)],
)
def test_seed_relayouts_read_exactly_like_the_seed(seed_rows, name, kind, tables):
    """Markdown form (inline code, links, bold, <br> in cells) and HTML with reordered and extra columns and
    the deprecated table split in two under other headings: the same 34 rows, field by field."""
    page = _page(name)
    assert (page.kind, page.tables) == (kind, tables)
    assert len(page.rows) == 34
    assert sorted(page.rows, key=lambda r: r.identifier) == sorted(seed_rows, key=lambda r: r.identifier)


def test_markdown_cells_reduce_to_their_text():
    rows = {r.identifier: r for r in _page("seed-2023.md").rows}
    assert rows["nodejs18.x"].architectures == ("x86_64", "arm64")  # `x86_64,<br>arm64`
    assert rows["python2.7"].name == "Python 2.7"  # **bold**, identifier in [`link`](...)
    assert rows["python2.7"].block_update == dt.date(2022, 5, 30)


@pytest.mark.parametrize("name", ["page.md", "page-combined.html"])
def test_fakelang_relayouts_read_like_page_html(name):
    """Markdown twin, and one combined table (status column, sub-heading row, reordered columns, <sup> marks)."""
    assert _page(name).rows == _page("page.html").rows


_REPORT = """\
changes (2):
  fakelang2: deprecated 2031-01-10 -> 2031-06-10
  fakelang3: os amazon-linux-2 -> amazon-linux-2023
new runtimes (1): fakelang4
regressions (1), NOT applied (review them; --accept-regressions applies them):
  fakelang1: block_update 2030-05-01 -> 2030-04-15 (earlier than the catalog's date: the page may be stale)
not on the page, left untouched (1): fakelang0.9
note: new runtime(s) in family fakelang: review the successor of its members
note: reviewed stays 2030-06-01: regressions were not applied
"""


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("page.html", "(html): 4 runtime row(s) in 2 table(s), page date 2030-07-01"),
        ("page.md", "(markdown): 4 runtime row(s) in 2 table(s), page date 2030-07-01"),
        ("page-combined.html", "(html): 4 runtime row(s) in 1 table(s), page date 2030-07-01"),
    ],
)
def test_every_layout_gives_the_same_report_and_catalog(tmp_path, capsys, name, first):
    target = tmp_path / "catalog.json"
    shutil.copy(FIXTURES / "catalog.json", target)
    source = FIXTURES / name
    code = main(["catalog", "refresh", "--from", str(source), "--write", str(target), "--page-date", "2030-07-01"])
    err = capsys.readouterr().err
    assert code == 1  # a regression was held back
    assert err == f"catalog refresh: {source} {first}\n{_REPORT}wrote {target}\n" + (
        "next: run scripts/stamp_catalog.py if this is the bundled catalog\n"
    )
    reference = tmp_path / "reference.json"
    shutil.copy(FIXTURES / "catalog.json", reference)
    main(["catalog", "refresh", "--from", str(FIXTURES / "page.html"), "--write", str(reference)])
    capsys.readouterr()
    written = target.read_text(encoding="utf-8").replace(f"saved copy {name} ", "saved copy page.html ")
    assert written == reference.read_text(encoding="utf-8")  # only the source's description names the file


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("unreadable-empty.html", "the page is empty"),
        ("unreadable-binary.html", "not a text page (binary data; a compressed or non-HTML download?)"),
        ("unreadable-truncated.html", "the page ends inside a runtime table (a truncated download?)"),
        ("unreadable-truncated.md", "the page ends inside a table row (2 of 6 cells; a truncated download?)"),
        ("unreadable-no-table.md",
         "no runtime table found (expected a header with Name and Identifier columns)"),
    ],
)
def test_unreadable_pages_are_one_line_and_exit_2(tmp_path, capsys, name, problem):
    target = tmp_path / "catalog.json"
    shutil.copy(FIXTURES / "catalog.json", target)
    before = target.read_bytes()
    source = FIXTURES / name
    assert main(["catalog", "refresh", "--from", str(source), "--write", str(target)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"lambda-runtime-rules: {source}: {problem}\n"
    assert target.read_bytes() == before


def test_html_cut_before_its_end_is_refused():
    text = (FIXTURES / "page.html").read_text(encoding="utf-8")
    cut = text[: text.index("<p>fakelang0.9")]  # every table closed, the document not
    with pytest.raises(RefreshError, match=r"ends before </html>"):
        parse_page(cut)


def test_markdown_tables_without_outer_pipes():
    text = (FIXTURES / "page.md").read_text(encoding="utf-8")
    bare = "\n".join(line.strip().strip("|").strip() if line.startswith("|") else line for line in text.splitlines())
    page = parse_page(bare + "\n")
    assert (page.kind, page.rows) == ("markdown", _page("page.html").rows)


def test_markdown_sub_heading_rows_do_not_end_a_table():
    text = (
        "| Name | Identifier | Operating system | Deprecation date |\n"
        "| --- | --- | --- | --- |\n"
        "| Fakelang 3 | `fakelang3` | Amazon Linux 2023 | Jan 1, 2033 |\n"
        "| **Deprecated** | | | |\n"
        "| Fakelang 1 | `fakelang1` | Amazon Linux 2 | Mar 1, 2030 |\n"
    )
    assert [r.identifier for r in parse_page(text).rows] == ["fakelang3", "fakelang1"]


def test_escaped_pipe_stays_in_its_cell():
    text = (
        "| Name | Identifier | Operating system |\n|---|---|---|\n"
        "| Fakelang 3 \\| preview | fakelang3 | Amazon Linux 2023 |\n"
    )
    (row,) = parse_page(text).rows
    assert (row.name, row.os) == ("Fakelang 3 | preview", "amazon-linux-2023")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("<!DOCTYPE html><html><body></body></html>", "html"),
        ("<!-- saved --> <html>", "html"),
        ("intro\n<table><tr><td>x</td></tr></table>", "html"),
        ("# Runtimes\n\n| a | b |\n| --- | :---: |\n", "markdown"),
        ("Name\tIdentifier\n", "text"),
        ("Name Identifier Operating system\n", "text"),
    ],
)
def test_page_kind_by_content(text, kind):
    assert page_kind(text) == kind


def test_markdown_saved_under_an_html_name_is_read_as_markdown(tmp_path, capsys):
    misnamed = tmp_path / "lambda-runtimes.html"
    shutil.copy(FIXTURES / "page.md", misnamed)
    assert main(["catalog", "refresh", "--from", str(misnamed)]) == 0
    assert f"{misnamed} (markdown): 4 runtime row(s)" in capsys.readouterr().err


def test_markdown_with_an_html_snippet_still_reads_its_pipe_tables():
    text = "Example: `<table>` is not used here.\n\n" + (FIXTURES / "page.md").read_text(encoding="utf-8")
    assert parse_page(text).rows == _page("page.html").rows


_MD_PIECES = [
    "| Name | Identifier | Operating system | Deprecation date |\n", "| --- | --- | --- | --- |\n",
    "| Fakelang 9 | `fakelang9` | Amazon Linux 2023 | Jan 1, 2033 |\n", "| ", " |", "\n", "`", "**", "\\|",
    "[x](y)", "<br>", "fakelang1", "Not scheduled", "Mar 1, 2030", "x86_64", "\x00", "\ufffd", "<html>", "<sup>",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_MD_PIECES), max_size=40))
def test_any_markdown_yields_rows_or_one_refusal(pieces):
    document = json.loads((FIXTURES / "catalog.json").read_text(encoding="utf-8"))
    try:
        page = parse_page("".join(pieces))
        proposal = propose(document, page, reviewed=dt.date(2030, 7, 1), source="p", source_description="d")
    except RefreshError as exc:
        assert "\n" not in str(exc)
        return
    assert page.rows  # never an empty proposal
    assert {e["identifier"] for e in document["runtimes"]} <= {e["identifier"] for e in proposal.document["runtimes"]}


_NAME_TEXT = st.text(alphabet=st.sampled_from([*"ab |`*_[]<>@#\\\n\t()!~", "\u2014", "\ufffd"]), max_size=30)


@settings(max_examples=200, deadline=None)
@given(_NAME_TEXT, st.booleans())
def test_pr_body_escapes_any_page_text_and_keeps_its_tables(name, accept):
    """Whatever a page's Name cell holds, the body's table row keeps six cells and no raw markup or mention."""
    from lambda_runtime_rules.refresh import markdown_report

    cell = name.replace("\n", " ").replace("\t", " ").replace("|", "\\|")
    text = (
        "| Name | Identifier | Operating system | Deprecation date | Block function create | Block function update |\n"
        "|---|---|---|---|---|---|\n"
        f"| Fakelang 9 {cell} | fakelang9 | Amazon Linux 2023 | Jan 1, 2033 | | |\n"
    )
    document = json.loads((FIXTURES / "catalog.json").read_text(encoding="utf-8"))
    try:
        page = parse_page(text)
        proposal = propose(document, page, reviewed=dt.date(2030, 7, 1), source="p", source_description="d",
                           accept_regressions=accept)
    except RefreshError:
        return
    body = markdown_report(proposal, page, "page @someone | x")
    (row,) = [line for line in body.splitlines() if line.startswith("| fakelang9 |")]
    unescaped = row.replace("\\\\", "").replace("\\|", "")
    assert unescaped.count("|") == 7
    assert "@" not in body and "<" not in body.replace("\\<", "")
