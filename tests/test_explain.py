"""explain ID and rules: the rule table and the per-rule doc pages, also from an installed package."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambda_runtime_rules.cli import main
from lambda_runtime_rules.commands import explain
from lambda_runtime_rules.rules import RULES

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"


@pytest.mark.parametrize("spec", RULES, ids=lambda s: s.code)
@pytest.mark.parametrize("form", ["code", "checkov", "lower"])
def test_explain_every_rule_by_either_id(spec, form, capsys):
    name = {"code": spec.code, "checkov": spec.checkov_id, "lower": spec.checkov_id.lower()}[form]
    assert main(["explain", name]) == 0
    out = capsys.readouterr().out
    page = DOCS / f"{spec.code}.md"
    if page.is_file():
        assert out.rstrip("\n") == page.read_text(encoding="utf-8").rstrip("\n")
    else:
        assert spec.code in out and spec.checkov_id in out and spec.title in out and spec.severity in out


def test_unknown_id_lists_valid_ids(capsys):
    assert main(["explain", "EL9999"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert all(r.code in err and r.checkov_id in err for r in RULES)


def test_doc_page_falls_back_to_the_source_tree(monkeypatch, tmp_path):
    """Without the packaged docs, pages come from docs/rules/ in a checkout; a missing page is None."""
    monkeypatch.setattr(explain, "DOCS_PACKAGE", "lambda_runtime_rules_no_such_package")
    for spec in RULES:
        page = DOCS / f"{spec.code}.md"
        expected = page.read_text(encoding="utf-8") if page.is_file() else None
        assert explain.doc_page(spec.code) == expected
    assert explain.doc_page("XX0000") is None


def test_metadata_page_when_no_doc_exists():
    text = explain.metadata(RULES[0])
    assert text.startswith(f"# {RULES[0].code} / {RULES[0].checkov_id}: ")
    assert RULES[0].url in text


def test_rules_table(capsys):
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Code", "Checkov", "ID", "Severity", "Title"]
    assert len(lines) == 1 + len(RULES)
    for line, spec in zip(lines[1:], RULES):
        assert line.split()[:3] == [spec.code, spec.checkov_id, spec.severity]
        assert line.endswith(spec.title)
