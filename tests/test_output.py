"""Report formats: text lines, the JSON records, and SARIF 2.1.0 checked against the official schema.

``tests/data/sarif-schema-2.1.0.json`` is the OASIS SARIF 2.1.0 schema (errata01, ``id``
https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json), vendored because
tests never reach the network; see ``tests/data/README.md`` for where the copy came from.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambda_runtime_rules import __version__, output
from lambda_runtime_rules.model import Finding
from lambda_runtime_rules.rules import PROJECT_URL, RULES

SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"
JSON_KEYS = {"rule", "severity", "file", "line", "column", "resource", "message"}


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json"), "not the official SARIF 2.1.0 schema"
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _findings(root: Path) -> list[Finding]:
    return sorted(
        [
            Finding("EL1001", "Legacy", 7, 20, "Runtime python2.7 is update-blocked", str(root / "a b" / "t.json")),
            Finding(
                "WL1003", "Fn", 10, 14, "Runtime python3.8 is deprecated\nsecond line", "sam/template.yaml", "python3.8"
            ),
            Finding("WL1005", "Unknown", 0, 0, "Runtime pyhton3.12 is not in the catalog", "sam/template.yaml"),
            Finding("EL2001", "Outside", 3, 5, "Runtime go1.x cannot run on arm64", "/elsewhere/main.tf", "go1.x"),
        ],
        key=lambda f: f.sort_key,
    )


# --- text --------------------------------------------------------------------------------------------------


def test_text_line_shape_without_color() -> None:
    finding = Finding("EL1001", "Legacy", 7, 20, "Runtime python2.7 is update-blocked", "cfn/stack.json")
    assert output.text_line(finding) == "cfn/stack.json:7:20: EL1001 Runtime python2.7 is update-blocked"


def test_text_keeps_one_line_per_finding(tmp_path: Path) -> None:
    findings = _findings(tmp_path)
    text = output.format_text(findings)
    assert text.count("\n") == len(findings)
    assert "\x1b[" not in text
    assert "deprecated second line" in text


def test_text_color_marks_the_rule_by_severity() -> None:
    error = Finding("EL1001", "R", 1, 2, "m", "f.yaml")
    warning = Finding("WL1003", "R", 1, 2, "m", "f.yaml")
    assert "\x1b[1;31mEL1001\x1b[0m" in output.text_line(error, color=True)
    assert "\x1b[1;33mWL1003\x1b[0m" in output.text_line(warning, color=True)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "mode", "env", "expected"),
    [
        (io.StringIO(), "auto", {}, False),
        (_Tty(), "auto", {}, True),
        (_Tty(), "auto", {"NO_COLOR": "1"}, False),
        (_Tty(), "auto", {"TERM": "dumb"}, False),
        (_Tty(), "never", {}, False),
        (io.StringIO(), "always", {"NO_COLOR": "1"}, True),
    ],
)
def test_use_color(stream: io.StringIO, mode: str, env: dict[str, str], expected: bool) -> None:
    assert output.use_color(stream, mode, env) is expected


# --- json --------------------------------------------------------------------------------------------------


def test_json_records(tmp_path: Path) -> None:
    findings = _findings(tmp_path)
    records = json.loads(output.format_json(findings))
    assert len(records) == len(findings)
    for record, finding in zip(records, findings):
        assert set(record) >= JSON_KEYS
        assert set(record) - JSON_KEYS <= {"runtime"}
        assert (record["rule"], record["file"], record["line"], record["column"]) == (
            finding.rule,
            finding.file,
            finding.line,
            finding.column,
        )
        assert record["severity"] == ("error" if finding.rule.startswith("E") else "warning")
        assert record["resource"] == finding.resource


def test_json_empty_is_an_empty_list() -> None:
    assert json.loads(output.format_json([])) == []


# --- sarif -------------------------------------------------------------------------------------------------


def test_sarif_validates_against_the_official_schema(tmp_path: Path, sarif_validator) -> None:
    log = output.sarif_log(_findings(tmp_path), errors=[("bad.yaml", "bad.yaml: not valid YAML")], root=tmp_path)
    errors = sorted(sarif_validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def test_sarif_empty_run_validates(sarif_validator) -> None:
    log = output.sarif_log([])
    sarif_validator.validate(log)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True}]


def test_sarif_driver_and_rule_metadata() -> None:
    driver = output.sarif_log([])["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["informationUri"]) == (
        "lambda-runtime-rules",
        __version__,
        PROJECT_URL,
    )
    assert [r["id"] for r in driver["rules"]] == [spec.code for spec in RULES]
    for rule, spec in zip(driver["rules"], RULES):
        assert rule["helpUri"] == spec.url
        assert rule["shortDescription"]["text"] == spec.title
        assert rule["fullDescription"]["text"] == spec.description
        assert rule["defaultConfiguration"]["level"] == spec.severity
        assert rule["name"] == spec.slug


@pytest.mark.parametrize(
    ("reviewed", "as_of", "age"),
    [
        (dt.date(2026, 1, 1), dt.date(2026, 3, 1), 59),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 1), 0),
        (dt.date(2026, 1, 1), dt.date(2025, 12, 31), -1),  # as_of before the review: a negative age, as it is
    ],
)
def test_sarif_driver_records_the_catalogs_age(
    reviewed: dt.date, as_of: dt.date, age: int, tmp_path: Path, sarif_validator
) -> None:
    log = output.sarif_log(_findings(tmp_path), root=tmp_path, catalog_reviewed=reviewed, as_of=as_of)
    sarif_validator.validate(log)
    assert log["runs"][0]["tool"]["driver"]["properties"] == {
        "catalogReviewed": reviewed.isoformat(),
        "catalogAgeDays": age,
        "asOf": as_of.isoformat(),
        "catalogStale": False,
    }
    rendered = json.loads(output.render("sarif", [], catalog_reviewed=reviewed, as_of=as_of))
    assert rendered["runs"][0]["tool"]["driver"]["properties"]["catalogAgeDays"] == age


def test_sarif_driver_has_no_age_without_both_dates() -> None:
    assert "properties" not in output.sarif_log([])["runs"][0]["tool"]["driver"]
    only = output.sarif_log([], catalog_reviewed=dt.date(2026, 1, 1))
    assert "properties" not in only["runs"][0]["tool"]["driver"]


def test_json_stays_a_list_when_given_the_catalogs_age(tmp_path: Path) -> None:
    findings = _findings(tmp_path)
    text = output.render("json", findings, catalog_reviewed=dt.date(2026, 1, 1), as_of=dt.date(2026, 3, 1))
    assert text == output.format_json(findings)


def test_sarif_results_locations(tmp_path: Path) -> None:
    findings = _findings(tmp_path)
    run = output.sarif_log(findings, root=tmp_path)["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert len(run["results"]) == len(findings)
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] == ("error" if result["ruleId"].startswith("E") else "warning")

    inside = by_rule["EL1001"]["locations"][0]
    assert inside["physicalLocation"]["artifactLocation"] == {"uri": "a%20b/t.json", "uriBaseId": "%SRCROOT%"}
    assert inside["physicalLocation"]["region"] == {"startLine": 7, "startColumn": 20}
    assert inside["logicalLocations"] == [{"name": "Legacy", "kind": "resource"}]

    unknown_line = by_rule["WL1005"]["locations"][0]["physicalLocation"]
    assert "region" not in unknown_line  # SARIF lines are 1-based: no made-up line 0

    outside = by_rule["EL2001"]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert outside == {"uri": "file:///elsewhere/main.tf"}
    assert by_rule["WL1003"]["message"]["text"] == "Runtime python3.8 is deprecated second line"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"


def test_sarif_relative_uri_defaults_to_the_working_directory(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert output.artifact_uri("sam/template.yaml") == ("sam/template.yaml", True)
    assert output.artifact_uri(str(tmp_path / "x.json")) == ("x.json", True)
    assert output.artifact_uri("./sam/../cfn/s.json") == ("cfn/s.json", True)


def test_sarif_errors_are_notifications(tmp_path: Path) -> None:
    bad = str(tmp_path / "bad.yaml")
    log = output.sarif_log([], errors=[(bad, f"{bad}: not valid YAML")], root=tmp_path)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["message"]["text"] == f"{bad}: not valid YAML"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "bad.yaml"


def test_render_dispatches_on_format(tmp_path: Path) -> None:
    findings = _findings(tmp_path)
    assert output.render("text", findings) == output.format_text(findings)
    assert json.loads(output.render("json", findings)) == json.loads(output.format_json(findings))
    assert json.loads(output.render("sarif", findings, root=tmp_path))["version"] == "2.1.0"


def test_the_schema_check_has_teeth(sarif_validator) -> None:
    log = output.sarif_log([Finding("EL1001", "R", 1, 1, "m", "t.yaml")])
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert len(list(sarif_validator.iter_errors(log))) == 2


# --- github: workflow commands --------------------------------------------------------------------------------


def test_github_workflow_commands_exact():
    findings = [
        Finding("EL1001", "Fn", 12, 5, "Runtime python2.7 is update-blocked", "t.yaml", "python2.7"),
        Finding("WL1003", "Fn", 7, 0, "deprecated", "dir/t.yaml", "python3.8"),  # column unknown: no col
        Finding("WL1005", "Fn", 0, 0, "unknown", "t.tf", "x"),  # line unknown: neither line nor col
    ]
    assert output.render("github", findings) == (
        "::error file=t.yaml,line=12,col=5,title=EL1001::Runtime python2.7 is update-blocked\n"
        "::warning file=dir/t.yaml,line=7,title=WL1003::deprecated\n"
        "::warning file=t.tf,title=WL1005::unknown\n"
    )


def test_github_escapes_data_and_properties_as_the_toolkit_does():
    finding = Finding("WL1003", "Fn", 3, 9, "100% sure: a, b\nc", "a:b,c%d.yaml", "python3.8")
    line = output.github_line(finding)
    # properties: % : , escaped; data: % escaped, the newline folded to a space by one_line (one command a line)
    assert line == "::warning file=a%3Ab%2Cc%25d.yaml,line=3,col=9,title=WL1003::100%25 sure: a, b c"


def test_github_unreadable_files_are_error_annotations_too():
    text = output.render("github", [], [("bad.yaml", "bad.yaml: line 2, column 3: mapping values are not allowed")])
    assert text == (
        "::error file=bad.yaml,title=lambda-runtime-rules::bad.yaml: line 2, column 3: mapping values are not allowed\n"
    )


def test_sarif_driver_says_when_the_catalog_is_stale() -> None:
    """The stale-catalog notice's rule (more than STALE_CATALOG_DAYS after the review) in SARIF too (issue 16)."""
    from lambda_runtime_rules.catalog import STALE_CATALOG_DAYS

    reviewed = dt.date(2026, 1, 1)
    for days, stale in ((STALE_CATALOG_DAYS, False), (STALE_CATALOG_DAYS + 1, True)):
        log = output.sarif_log([], catalog_reviewed=reviewed, as_of=reviewed + dt.timedelta(days=days))
        assert log["runs"][0]["tool"]["driver"]["properties"]["catalogStale"] is stale


_RECORD_VALUES = st.one_of(st.text(), st.integers(), st.none(), st.booleans(), st.floats(allow_nan=False))


@given(st.lists(st.dictionaries(st.text(max_size=8), _RECORD_VALUES, max_size=6), max_size=4))
def test_json_records_is_json_dumps_with_indent(records: list[dict[str, object]]) -> None:
    """The fast JSON writer gives exactly json.dumps(indent=2)'s text, for any records (surrogates, control
    characters, non-ASCII, empty records and lists; other value types go to json itself)."""
    assert output.json_records(records) == json.dumps(records, indent=2)
