"""report: one row per (resource, runtime value), every status, three formats, exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from lambda_runtime_rules.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "report"
TEMPLATE = FIXTURES / "template.yaml"
# Made-up runtimes (overlay.json): fakelang0 update-blocked 2029-03-01, fakelang1 deprecated 2030-01-01 and
# create-blocked 2030-02-01, fakelang2 deprecated 2035-01-01, fakelang3 in preview.
SETTINGS = ["--as-of", "2030-01-15", "--catalog", str(FIXTURES / "overlay.json"), "--warn-days", "120"]


def _json(capsys, *paths: Path) -> list[dict]:
    assert main(["report", *map(str, paths), "--format", "json", *SETTINGS]) == 0
    return json.loads(capsys.readouterr().out)


def test_rows_statuses_and_order(capsys):
    rows = _json(capsys, TEMPLATE)
    assert [(r["resource"], r["runtime"], r["status"]) for r in rows] == [
        ("Blocked", "fakelang0", "update-blocked"),
        ("Ancient", "python2.7", "update-blocked"),
        ("Choosing", "fakelang1", "deprecated"),
        ("Shared", "fakelang1", "deprecated"),
        ("Choosing", "fakelang2", "supported"),
        ("Shared", "fakelang2", "supported"),
        ("Previewing", "fakelang3", "preview"),
        ("CustomManaged", "custom", "unmanaged"),
        ("Typo", "fakelang99", "unknown"),
        ("Image", "", "unresolved"),
    ]


def test_row_fields(capsys):
    rows = {(r["resource"], r["runtime"]): r for r in _json(capsys, TEMPLATE)}
    choosing = rows["Choosing", "fakelang1"]
    assert choosing == {
        "file": str(TEMPLATE),
        "line": choosing["line"],
        "resource": "Choosing",
        "kind": "function",
        "runtime": "fakelang1",
        "via": "when Choice is fakelang1",
        "architectures": ["arm64"],
        "update_mode": "Auto",
        "status": "deprecated",
        "next_phase": "create-blocked",
        "next_date": "2030-02-01",
        "days_left": 17,
        "upgrade": "fakelang2",
        "advice": "upgrade to fakelang2",
    }
    assert choosing["line"] > 0
    assert rows["Shared", "fakelang2"]["kind"] == "layer"
    assert rows["Shared", "fakelang2"]["architectures"] == ["x86_64", "arm64"]
    assert rows["Shared", "fakelang2"]["advice"] == ""  # supported, outside the window: nothing to do yet
    assert rows["Blocked", "fakelang0"]["days_left"] is None
    assert rows["Typo", "fakelang99"]["next_phase"] == ""


def test_warning_window_gives_advice(capsys):
    assert main(["report", str(TEMPLATE), "--format", "json", *SETTINGS[:-2], "--warn-days", "2000"]) == 0
    rows = {(r["resource"], r["runtime"]): r for r in json.loads(capsys.readouterr().out)}
    assert rows["Choosing", "fakelang2"]["status"] == "supported"
    assert rows["Choosing", "fakelang2"]["advice"] != ""


def test_markdown_table_with_summary(capsys):
    assert main(["report", str(TEMPLATE), *SETTINGS]) == 0
    out = capsys.readouterr().out
    assert "8 resource(s), 10 runtime value(s): 2 update-blocked, 2 deprecated, 2 supported, 1 preview, " \
        "1 unmanaged, 1 unknown, 1 unresolved" in out
    table = [line for line in out.splitlines() if line.startswith("|")]
    assert table[0].startswith("| File | Resource | Kind | Runtime |")
    assert len(table) == 2 + 10
    assert "| Choosing | function | fakelang1 (when Choice is fakelang1) | arm64 | Auto | deprecated |" in out


def test_csv_has_header_and_one_line_per_row(capsys):
    assert main(["report", str(TEMPLATE), "--format", "csv", *SETTINGS]) == 0
    records = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(records) == 10
    assert records[0]["status"] == "update-blocked"
    assert {r["days_left"] for r in records if r["runtime"] == "fakelang1"} == {"17"}


def test_unparsable_file_is_reported_and_others_still_listed(capsys):
    code = main(["report", str(FIXTURES), "--format", "json", *SETTINGS])
    captured = capsys.readouterr()
    assert code == 2
    stale, *errors = captured.err.strip().splitlines()  # as_of 2030 is years past the catalog's review
    assert stale.startswith("lambda-runtime-rules: warning: the runtime catalog was reviewed on")
    assert len(errors) == 1 and "broken.yaml" in errors[0]
    assert len(json.loads(captured.out)) == 10  # unrelated.yaml is skipped quietly


def test_empty_inventory(tmp_path, capsys):
    assert main(["report", str(tmp_path), *SETTINGS]) == 0
    assert "No Lambda functions or layers found." in capsys.readouterr().out


def test_bad_setting_is_a_usage_error(capsys):
    assert main(["report", str(TEMPLATE), "--as-of", "someday"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.parametrize("fmt", ["markdown", "csv", "json", "html"])
def test_every_format_on_the_source_fixtures(fmt, capsys):
    """Whatever the adapters find, the report renders it without raising."""
    sources = FIXTURES.parent / "sources"
    code = main(["report", str(sources), "--format", fmt, "--as-of", "2026-11-23"])
    assert code in (0, 2)
    assert capsys.readouterr().out


def test_stale_catalog_notice_in_the_report(capsys):
    """As check does: once on stderr, and in the Markdown document itself (a report goes into a wiki)."""
    from lambda_runtime_rules.catalog import default_catalog

    reviewed = default_catalog().reviewed
    late = (reviewed + __import__("datetime").timedelta(days=181)).isoformat()
    assert main(["report", str(TEMPLATE), "--as-of", late]) == 0
    captured = capsys.readouterr()
    [line] = captured.err.splitlines()
    assert line.startswith("lambda-runtime-rules: warning: the runtime catalog was reviewed on " + reviewed.isoformat())
    assert f"\n> **Warning:** The runtime catalog was reviewed on {reviewed.isoformat()}, 181 days before {late};" \
        in captured.out
    assert main(["report", str(TEMPLATE), "--as-of", late, "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert len(captured.err.splitlines()) == 1 and isinstance(json.loads(captured.out), list)  # JSON shape kept
    on_time = (reviewed + __import__("datetime").timedelta(days=180)).isoformat()
    assert main(["report", str(TEMPLATE), "--as-of", on_time]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "Warning" not in captured.out
