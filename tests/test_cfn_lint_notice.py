"""IL9001: the stale-catalog notice in cfn-lint, through the real cfn-lint (runner and console script)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lambda_runtime_rules.catalog import STALE_CATALOG_DAYS, default_catalog, stale_catalog_notice
from lambda_runtime_rules.rules import NOTICES, RULES

PACK = "lambda_runtime_rules.cfn_lint"
REVIEWED = default_catalog().reviewed
STALE = (REVIEWED + dt.timedelta(days=STALE_CATALOG_DAYS + 1)).isoformat()
FRESH = (REVIEWED + dt.timedelta(days=STALE_CATALOG_DAYS)).isoformat()
TEMPLATE = """\
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: {runtime}
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/lambda
      Code:
        ZipFile: "def handler(event, context): pass"
"""

pytestmark = pytest.mark.usefixtures("isolated_settings")


def _templates(tmp_path: Path, runtime: str = "python3.12") -> list[str]:
    names = []
    for name in ("first.yaml", "second.yaml"):
        (tmp_path / name).write_text(TEMPLATE.format(runtime=runtime), encoding="utf-8")
        names.append(str(tmp_path / name))
    return names


def _run(args: list[str]) -> list[object]:
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    return list(Runner(ConfigMixIn(args)).run())


def _notices(matches: list[object]) -> list[tuple[str, int, int, str, str]]:
    return [
        (Path(m.filename).name, m.linenumber, m.columnnumber, m.rule.severity, m.message)  # type: ignore[attr-defined]
        for m in matches
        if m.rule.id == "IL9001"  # type: ignore[attr-defined]
    ]


def test_notice_is_no_rule_of_the_table_and_loads_with_the_pack():
    from cfnlint.rules import Rules

    assert "IL9001" not in {r.code for r in RULES}  # no Checkov check, no fixtures, no verdict
    assert f"more than {STALE_CATALOG_DAYS} days" in NOTICES[0].description
    loaded = Rules.create_from_module(PACK)
    (spec,) = NOTICES
    rule = loaded[spec.code]
    assert (rule.id, rule.severity, rule.shortdesc, rule.source_url) == (
        "IL9001", "informational", spec.title, spec.url)


def test_exactly_once_on_line_1_of_the_first_template(tmp_path):
    files = _templates(tmp_path)
    matches = _run([f"--append-rules={PACK}", "--include-checks", "I", "--configure-rule", f"EL1001:as_of={STALE}",
                    "--", *files])
    assert _notices(matches) == [
        ("first.yaml", 1, 1, "informational", stale_catalog_notice(default_catalog(), dt.date.fromisoformat(STALE)))
    ]


def test_as_of_from_the_environment_or_the_notice_s_own_configuration(tmp_path, monkeypatch):
    files = _templates(tmp_path)
    assert len(_notices(_run([f"--append-rules={PACK}", "--include-checks", "I", "--configure-rule",
                              f"IL9001:as_of={STALE}", "--", *files]))) == 1
    monkeypatch.setenv("LAMBDA_RUNTIME_RULES_AS_OF", STALE)
    assert len(_notices(_run([f"--append-rules={PACK}", "--include-checks", "I", "--", *files]))) == 1


def test_absent_when_the_catalog_is_fresh(tmp_path):
    files = _templates(tmp_path)
    matches = _run([f"--append-rules={PACK}", "--include-checks", "I", "--configure-rule", f"EL1001:as_of={FRESH}",
                    "--", *files])
    assert _notices(matches) == []


def test_ignored_with_ignore_checks_and_hidden_by_cfn_lint_default(tmp_path):
    files = _templates(tmp_path, runtime="python3.6")
    base = [f"--append-rules={PACK}", "--configure-rule", f"EL1001:as_of={STALE}"]
    ignored = _run([*base, "--include-checks", "I", "--ignore-checks", "IL9001", "--", *files])
    default = _run([*base, "--", *files])  # cfn-lint runs I rules only when --include-checks names them
    for matches in (ignored, default):
        assert _notices(matches) == []
        assert sorted((Path(m.filename).name, m.rule.id) for m in matches if m.rule.id.startswith("EL")) == [
            ("first.yaml", "EL1001"), ("second.yaml", "EL1001"),
        ]


def test_a_broken_setting_is_not_repeated_by_the_notice(tmp_path):
    files = _templates(tmp_path)
    matches = _run([f"--append-rules={PACK}", "--include-checks", "I", "--configure-rule", "EL1001:as_of=later",
                    "--", *files])
    assert _notices(matches) == []
    assert any("'later' is not a date" in m.message for m in matches)  # type: ignore[attr-defined]


def _cli(tmp_path: Path, *args: str) -> int:
    executable = Path(sys.executable).parent / ("cfn-lint.exe" if os.name == "nt" else "cfn-lint")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_") or k.endswith("_CACHE_DIR")}
    proc = subprocess.run([str(executable), f"--append-rules={PACK}", *args], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=300, check=False)
    assert proc.stderr == ""
    return proc.returncode


def test_exit_codes_are_cfn_lint_s_for_an_informational_match(tmp_path):
    """cfn-lint adds 8 for an informational match unless --non-zero-exit-code is warning or error."""
    files = _templates(tmp_path)
    stale = ["--configure-rule", f"EL1001:as_of={STALE}"]
    assert _cli(tmp_path, *stale, "--", *files) == 0  # not included: nothing reported
    assert _cli(tmp_path, "--include-checks", "I", *stale, "--", *files) == 8
    assert _cli(tmp_path, "--include-checks", "I", "--non-zero-exit-code", "warning", *stale, "--", *files) == 0
    assert _cli(tmp_path, "--include-checks", "I", "--configure-rule", f"EL1001:as_of={FRESH}", "--", *files) == 0


def test_explain_shows_the_notice_page(capsys):
    from lambda_runtime_rules.cli import main

    assert main(["explain", "il9001"]) == 0
    assert capsys.readouterr().out.startswith("# IL9001: Runtime catalog is too old for as_of\n")
