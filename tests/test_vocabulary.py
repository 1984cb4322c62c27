"""One vocabulary, one rule, everywhere (issue 14.10): report formats, catalog list and show agree."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from lambda_runtime_rules.cli import main

AS_OF = "2026-11-23"
TEMPLATE = """\
Resources:
  Sound:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.13
  Old:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.8
  Own:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: custom
"""


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


@pytest.fixture
def template(tmp_path: Path, isolated_settings: None) -> Path:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE, encoding="utf-8")
    return path


def test_report_formats_give_an_upgrade_only_where_the_markdown_does(
    template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, text = _run(capsys, "report", str(template), "--as-of", AS_OF, "--format", "json")
    by_json = {row["resource"]: row["upgrade"] for row in json.loads(text)}
    _, text = _run(capsys, "report", str(template), "--as-of", AS_OF, "--format", "csv")
    by_csv = {row["resource"]: row["upgrade"] for row in csv.DictReader(io.StringIO(text))}
    _, markdown = _run(capsys, "report", str(template), "--as-of", AS_OF)
    sound = next(line for line in markdown.splitlines() if "| Sound |" in line or " Sound " in line)
    assert sound.rstrip(" |").endswith("-")
    assert by_json == by_csv == {"Sound": "", "Old": "python3.11", "Own": ""}


def test_catalog_and_report_call_custom_the_same(template: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, text = _run(capsys, "report", str(template), "--as-of", AS_OF, "--format", "json")
    report = {row["runtime"]: row["status"] for row in json.loads(text)}
    _, text = _run(capsys, "catalog", "list", "--as-of", AS_OF, "--format", "json")
    listed = {row["identifier"]: row["status"] for row in json.loads(text)}
    for runtime in ("custom", "python3.13", "python3.8"):
        assert listed[runtime] == report[runtime], runtime
    assert listed["custom"] == "unmanaged"
    assert listed["nodejs26.x"] == "preview"


@pytest.mark.parametrize("identifier", ["PYTHON3.8", "Python3.8", " python3.8 "])
def test_catalog_show_accepts_any_case_as_explain_does(
    identifier: str, isolated_settings: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = _run(capsys, "catalog", "show", identifier, "--as-of", AS_OF)
    assert code == 0
    assert text.splitlines()[0].split() == ["identifier", "python3.8"]
    assert "status" in text and "deprecated" in text
