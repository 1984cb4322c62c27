"""catalog refresh: parse saved AWS pages (HTML, text), propose a diff, never drop or regress silently."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_runtime_rules import catalog as catalog_module
from lambda_runtime_rules.cli import main
from lambda_runtime_rules.refresh import RefreshError, _guard, parse_date, parse_page, propose, render

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "refresh"
SEEDS = ROOT.parent / "shared" / "seeds"
RUNTIME_PAGES = ("000_f43d5d7a376df208.txt", "001_588110a8601dc75c.txt")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The seed pages, read in place; skipped with a reason when absent, a failure when CI=true."""
    if not SEEDS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"seed pages not found at {SEEDS} (required when CI=true)")
        pytest.skip(f"seed pages not found at {SEEDS}")
    return SEEDS


def _document() -> dict:
    return json.loads((FIXTURES / "catalog.json").read_text(encoding="utf-8"))


def _propose(name: str, accept: bool = False, reviewed: dt.date = dt.date(2030, 7, 1)):
    page = parse_page((FIXTURES / name).read_text(encoding="utf-8"))
    return propose(_document(), page, reviewed=reviewed, source="page", source_description="test page",
                   accept_regressions=accept)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nov 10, 2026", dt.date(2026, 11, 10)),
        ("November 10, 2026", dt.date(2026, 11, 10)),
        ("2026-11-10", dt.date(2026, 11, 10)),
        ("  Nov\u00a010,  2026 ", dt.date(2026, 11, 10)),
        ("10 Nov 2026", dt.date(2026, 11, 10)),
        ("Not scheduled", None),
        ("", None),
        ("N/A", None),
        ("—", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_parse_date_rejects_garbage():
    with pytest.raises(ValueError):
        parse_date("soon")


def test_html_page_tables_to_rows():
    page = parse_page((FIXTURES / "page.html").read_text(encoding="utf-8"))
    assert page.date == dt.date(2030, 7, 1)
    rows = {r.identifier: r for r in page.rows}
    assert list(rows) == ["fakelang4", "fakelang3", "fakelang2", "fakelang1"]
    assert rows["fakelang2"].os == "amazon-linux-2"  # &nbsp; in the cell
    assert rows["fakelang2"].block_update == dt.date(2031, 3, 10)
    assert rows["fakelang4"].deprecated is None and "deprecated" in rows["fakelang4"].given


def test_pipe_table_text():
    text = (
        "| Name | Identifier | Operating system | Deprecation date | Block function create | Block function update |\n"
        "|---|---|---|---|---|---|\n"
        "| Fakelang 3 | fakelang3 | Amazon Linux 2023 | Jan 1, 2033 | Feb 1, 2033 | Mar 1, 2033 |\n"
    )
    (row,) = parse_page(text).rows
    assert (row.identifier, row.os, row.block_update) == ("fakelang3", "amazon-linux-2023", dt.date(2033, 3, 1))


def test_page_without_table_is_refused():
    with pytest.raises(RefreshError, match="no runtime table"):
        parse_page("Lambda runtimes\n\nNothing tabular here.\n")


def test_html_proposal_reports_regression_and_keeps_missing_runtimes():
    proposal = _propose("page.html")
    assert [c.describe() for c in proposal.changes] == [
        "fakelang2: deprecated 2031-01-10 -> 2031-06-10",
        "fakelang3: os amazon-linux-2 -> amazon-linux-2023",
    ]
    regressions = [(c.identifier, c.field, c.new) for c in proposal.regressions]
    assert regressions == [("fakelang1", "block_update", "2030-04-15")]
    assert proposal.added == ["fakelang4"]
    assert proposal.missing == ["fakelang0.9"]  # fakecustom is unmanaged: not expected on the page
    by_id = {e["identifier"]: e for e in proposal.document["runtimes"]}
    assert by_id["fakelang1"]["block_update"] == "2030-05-01"  # regression not applied
    assert by_id["fakelang2"]["deprecated"] == "2031-06-10"
    assert by_id["fakelang0.9"] == {e["identifier"]: e for e in _document()["runtimes"]}["fakelang0.9"]
    assert by_id["fakelang4"]["family"] == "fakelang" and by_id["fakelang4"]["version"] == "4"
    assert proposal.document["reviewed"] == "2030-06-01"  # held-back regressions keep `reviewed`
    catalog_module.build(proposal.document, "proposal")


def test_accepting_regressions_applies_them_and_moves_reviewed():
    proposal = _propose("page.html", accept=True)
    by_id = {e["identifier"]: e for e in proposal.document["runtimes"]}
    assert by_id["fakelang1"]["block_update"] == "2030-04-15"
    assert proposal.reviewed == ("2030-06-01", "2030-07-01")


def test_clean_page_updates_reviewed():
    proposal = _propose("page-clean.txt")
    assert not proposal.regressions
    assert proposal.document["reviewed"] == "2030-07-01"
    assert "page" in proposal.document["sources"]


def test_page_older_than_reviewed_turns_every_change_into_a_regression():
    page = parse_page((FIXTURES / "page.html").read_text(encoding="utf-8"))
    old = type(page)(page.rows, dt.date(2029, 1, 1), page.tables)
    proposal = propose(_document(), old, reviewed=dt.date(2030, 7, 1), source="p", source_description="d")
    assert not proposal.changes and not proposal.added
    assert {c.identifier for c in proposal.regressions} == {"fakelang1", "fakelang2", "fakelang3", "fakelang4"}
    assert proposal.document == _document()


def test_refuses_an_invalid_catalog():
    text = (
        "Name\tIdentifier\tOperating system\tDeprecation date\tBlock function create\tBlock function update\n"
        f"Too long\tfakelang{'9' * 80}\tAmazon Linux 2023\t\t\t\n"
    )
    with pytest.raises(RefreshError, match="invalid catalog"):
        propose(_document(), parse_page(text), reviewed=dt.date(2030, 7, 1), source="p", source_description="d")


def test_refuses_to_drop_runtimes():
    after = _document()
    after["runtimes"].pop(0)
    with pytest.raises(RefreshError, match=r"refusing to drop runtimes: fakelang0\.9"):
        _guard(_document(), after)


def test_cli_prints_diff_without_writing(capsys):
    bundled = ROOT / "rules_data" / "catalog.json"
    before = bundled.read_text(encoding="utf-8")
    assert main(["catalog", "refresh", "--from", str(FIXTURES / "page.html")]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("--- a/rules_data/catalog.json\n+++ b/rules_data/catalog.json\n")
    assert '+      "identifier": "fakelang4",' in out.out
    assert "not on the page" in out.err
    assert bundled.read_text(encoding="utf-8") == before


def test_cli_write_holds_regressions_back_and_keeps_mode(tmp_path, capsys):
    target = tmp_path / "catalog.json"
    shutil.copy(FIXTURES / "catalog.json", target)
    target.chmod(0o640)
    code = main(["catalog", "refresh", "--from", str(FIXTURES / "page.html"), "--write", str(target)])
    err = capsys.readouterr().err
    assert code == 1
    assert "regressions (1), NOT applied" in err and "fakelang1: block_update 2030-05-01 -> 2030-04-15" in err
    assert "not on the page, left untouched (1): fakelang0.9" in err
    written = json.loads(target.read_text(encoding="utf-8"))
    assert {e["identifier"]: e for e in written["runtimes"]}["fakelang1"]["block_update"] == "2030-05-01"
    assert target.stat().st_mode & 0o777 == 0o640
    assert not list(tmp_path.glob(".catalog.json.*"))
    catalog_module.load_file(target)

    code = main(["catalog", "refresh", "--from", str(FIXTURES / "page.html"), "--write", str(target),
                 "--accept-regressions"])
    assert code == 0
    written = json.loads(target.read_text(encoding="utf-8"))
    assert {e["identifier"]: e for e in written["runtimes"]}["fakelang1"]["block_update"] == "2030-04-15"
    assert written["reviewed"] == "2030-07-01"


def test_cli_bad_inputs_exit_2(tmp_path, capsys):
    assert main(["catalog", "refresh", "--from", str(tmp_path / "missing.html")]) == 2
    assert main(["catalog", "refresh", "--from", str(FIXTURES / "page.html"), "--reviewed", "tomorrow"]) == 2
    empty = tmp_path / "empty.txt"
    empty.write_text("nothing here\n", encoding="utf-8")
    assert main(["catalog", "refresh", "--from", str(empty)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("lambda-runtime-rules: ") for line in lines)


@pytest.mark.parametrize("name", RUNTIME_PAGES)
def test_seed_pages_report_regressions_never_apply_them(seeds_dir, name):
    """The seeds (2021-2023) are older than the catalog: nothing older may slip in, nothing may be dropped."""
    document = catalog_module.bundled_document()
    page = parse_page((seeds_dir / name).read_text(encoding="utf-8"))
    assert len(page.rows) >= 18
    proposal = propose(document, page, reviewed=dt.date(2030, 1, 1), source="seed", source_description="seed")
    catalog_module.build(proposal.document, "proposal")
    before = {e["identifier"]: e for e in document["runtimes"]}
    after = {e["identifier"]: e for e in proposal.document["runtimes"]}
    assert set(before) <= set(after)
    assert not proposal.added and not proposal.changes
    assert proposal.document["reviewed"] == document["reviewed"]
    for identifier, entry in before.items():
        for field in ("deprecated", "block_create", "block_update", "os", "architectures"):
            assert after[identifier][field] == entry[field], (identifier, field)
    if name.startswith("000"):
        regressed = {(c.identifier, c.field) for c in proposal.regressions}
        assert ("nodejs16.x", "deprecated") in regressed  # Mar 11, 2024 on the page, later moved
        assert ("python3.11", "deprecated") in regressed  # the page had no date yet
        assert "python3.14" in proposal.missing


def test_seed_page_through_the_cli(seeds_dir, capsys):
    assert main(["catalog", "refresh", "--from", str(seeds_dir / RUNTIME_PAGES[0]), "--reviewed", "2030-01-01"]) == 0
    out = capsys.readouterr()
    assert "NOT applied" in out.err and "not on the page, left untouched" in out.err
    assert out.out == ""  # nothing safe to apply from a 2023 page


def test_seed_page_that_lost_its_identifiers(seeds_dir):
    with pytest.raises(RefreshError, match="no row with a runtime identifier"):
        parse_page((seeds_dir / "004_80bd2da94d0ec25c.txt").read_text(encoding="utf-8"))


def test_render_matches_the_bundled_file_format():
    text = (ROOT / "rules_data" / "catalog.json").read_text(encoding="utf-8")
    assert render(json.loads(text)) == text


_PIECES = [
    "Name Identifier Operating system Deprecation date\n",
    "Name\tIdentifier\tOperating system\tBlock function update\n",
    "\n", "\t", "|", "<table>", "</table>", "<tr>", "<th>", "<td>", "</td>", "fakelang1", "fakelang7",
    "Nov 10, 2026", "2020-01-01", "Not scheduled", "Amazon Linux 2", "x86_64, arm64", "x", " ",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.booleans())
def test_any_page_yields_a_proposal_or_one_refusal(pieces, accept):
    try:
        page = parse_page("".join(pieces))
        proposal = propose(_document(), page, reviewed=dt.date(2030, 7, 1), source="p", source_description="d",
                           accept_regressions=accept)
    except RefreshError:
        return
    kept = {e["identifier"] for e in proposal.document["runtimes"]}
    assert {e["identifier"] for e in _document()["runtimes"]} <= kept


# --- catalog refresh --botocore: identifiers from the service model, for review -------------------------------


def _model(tmp_path: Path, enum: object) -> Path:
    path = tmp_path / "service-2.json"
    path.write_text(json.dumps({"shapes": {"Runtime": {"type": "string", "enum": enum}}}), encoding="utf-8")
    return path


def test_botocore_lists_new_identifiers_for_review_without_dates(tmp_path, capsys):
    from lambda_runtime_rules.catalog import bundled_document

    known = [entry["identifier"] for entry in bundled_document()["runtimes"]]
    model = _model(tmp_path, [*known, "python3.99", "nodejs98.x", "python3.99"])
    assert main(["catalog", "refresh", "--botocore", "--botocore-model", str(model)]) == 1
    captured = capsys.readouterr()
    proposals = json.loads(captured.out)
    assert [(p["identifier"], p["family"], p["version"]) for p in proposals] == [
        ("python3.99", "python", "3.99"), ("nodejs98.x", "nodejs", "98"),
    ]
    assert all(p[d] is None for p in proposals for d in ("deprecated", "block_create", "block_update"))
    assert all("review" in p and p["sources"] == [f"botocore ({model})"] for p in proposals)
    assert "new identifiers, for review (2): python3.99, nodejs98.x" in captured.err
    # nothing written: the bundled catalog still lacks them
    assert "python3.99" not in {e["identifier"] for e in bundled_document()["runtimes"]}


def test_botocore_with_nothing_new_and_an_older_model(tmp_path, capsys):
    model = _model(tmp_path, ["python3.12", "nodejs22.x"])
    assert main(["catalog", "refresh", "--botocore", "--botocore-model", str(model)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == []
    assert "no identifiers missing from the catalog" in captured.err
    assert "in the catalog, not in this model" in captured.err and "python3.9" in captured.err
    assert "custom" not in captured.err.split("not in this model")[1]  # unmanaged: not an API runtime to expect


@pytest.mark.parametrize("enum", [None, [], ["python3.12", 3], "python3.12"])
def test_botocore_model_without_a_runtime_enum_is_one_line_exit_2(tmp_path, capsys, enum):
    model = _model(tmp_path, enum)
    assert main(["catalog", "refresh", "--botocore", "--botocore-model", str(model)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and "no Runtime enum" in captured.err


def test_botocore_unreadable_model_and_exclusive_options(tmp_path, capsys):
    assert main(["catalog", "refresh", "--botocore", "--botocore-model", str(tmp_path / "absent.json")]) == 2
    assert "cannot read the service model" in capsys.readouterr().err
    with pytest.raises(SystemExit) as raised:
        main(["catalog", "refresh", "--botocore", "--from", "page.html"])
    assert raised.value.code == 2


def test_installed_botocore_model_is_read_offline(capsys):
    pytest.importorskip("botocore")
    code = main(["catalog", "refresh", "--botocore"])
    captured = capsys.readouterr()
    assert code in (0, 1) and isinstance(json.loads(captured.out), list)
    assert captured.err.startswith("catalog refresh: botocore ")
