"""How the pack plugs into cfn-lint: loading, configuration, errors, suppression, the real executable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lambda_runtime_rules.rules import NOTICES, RULES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cfn_lint"
PACK = "lambda_runtime_rules.cfn_lint"
AS_OF = "2026-11-23"
OURS = {rule.code for rule in RULES}

SAM = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.6
Resources:
  Ignored:
    Type: AWS::Serverless::Function
    Metadata:
      cfn-lint:
        config:
          ignore_checks: [EL1001]
    Properties:
      Handler: app.handler
      CodeUri: src/
  Reported:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      CodeUri: src/
"""


pytestmark = pytest.mark.usefixtures("isolated_settings")


def run(args: list[str]) -> list[object]:
    """cfn-lint's full runner (built-in rules included), as the command line builds it."""
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    return list(Runner(ConfigMixIn(args)).run())


def ours(matches: list[object]) -> list[tuple[str, str, int, int]]:
    out = []
    for match in matches:
        rule_id = match.rule.id  # type: ignore[attr-defined]
        assert not rule_id.startswith("E0"), match.message  # type: ignore[attr-defined]
        if rule_id in OURS:
            path = getattr(match, "path", None) or []
            resource = str(path[1]) if len(path) > 1 else ""
            out.append((rule_id, resource, match.linenumber, match.columnnumber))  # type: ignore[attr-defined]
    return sorted(out)


def test_module_loads_exactly_one_rule_per_code() -> None:
    import cfnlint.helpers
    from cfnlint.rules import Rules

    module = __import__(PACK, fromlist=["_"])
    rules = cfnlint.helpers.create_rules(module)
    assert sorted(rule.id for rule in rules) == sorted(OURS | {notice.code for notice in NOTICES})
    loaded = Rules.create_from_module(PACK)
    for spec in RULES:
        rule = loaded[spec.code]
        assert (rule.shortdesc, rule.description, rule.source_url) == (spec.title, spec.description, spec.url)
        assert rule.tags == list(spec.tags)
        assert rule.severity == spec.severity


def test_append_rules_option_and_cfnlintrc(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(SAM, encoding="utf-8")
    expected = [("EL1001", "Reported", 5, 14)]
    cli = ours(run([f"--append-rules={PACK}", "--configure-rule", f"EL1001:as_of={AS_OF}", "--", str(template)]))
    assert cli == expected
    (tmp_path / ".cfnlintrc").write_text(
        f'append_rules: [{PACK}]\nconfigure_rules:\n  WL1004:\n    as_of: "{AS_OF}"\n    warn_days: 0\n',
        encoding="utf-8",
    )
    assert ours(run([str(template)])) == expected


def test_metadata_ignore_checks_suppresses_inherited_findings_per_function(tmp_path: Path) -> None:
    """The match path names the function, so its Metadata ignores even a finding on the Globals line."""
    template = tmp_path / "template.yaml"
    template.write_text(SAM.replace("ignore_checks: [EL1001]", "ignore_checks: [WL3002]"), encoding="utf-8")
    both = ours(run([f"--append-rules={PACK}", "--configure-rule", f"EL1001:as_of={AS_OF}", "--", str(template)]))
    assert both == [("EL1001", "Ignored", 5, 14), ("EL1001", "Reported", 5, 14)]


def test_inherited_findings_name_the_function(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(SAM, encoding="utf-8")
    matches = run([f"--append-rules={PACK}", "--configure-rule", f"EL1001:as_of={AS_OF}", "--", str(template)])
    messages = [m.message for m in matches if m.rule.id == "EL1001"]  # type: ignore[attr-defined]
    assert len(messages) == 1 and "Reported" in messages[0] and "Globals" in messages[0]


def _problems(template: Path, *configure: str, ignore: tuple[str, ...] = ()) -> list[tuple[str, int, str]]:
    from cfnlint.config import ConfigMixIn
    from cfnlint.rules import Rules
    from cfnlint.runner.template.runner import run_template_by_file_path

    options = ["--ignore-checks", *ignore] if ignore else []
    if configure:
        options += ["--configure-rule", *configure]
    config = ConfigMixIn([*options, "--", str(template)])
    rules = Rules.create_from_module(PACK)
    return [
        (m.rule.id, m.linenumber, m.message) for m in run_template_by_file_path(str(template), config, rules, False)
    ]


@pytest.mark.parametrize(
    ("configure", "env", "needle"),
    [
        (("EL3001:as_of=yesterday",), {}, "cfn-lint rule configuration as_of: 'yesterday' is not a date"),
        (("WL1004:warn_days=-3",), {}, "cfn-lint rule configuration warn_days"),
        (("EL3001:high_compliance=maybe",), {}, "cfn-lint rule configuration high_compliance"),
        (("EL1001:as_of=2026-11-23", "WL1004:as_of=2026-01-01"), {}, "EL1001 sets '2026-11-23' but WL1004 sets"),
        ((), {"LAMBDA_RUNTIME_RULES_WARN_DAYS": "soon"}, "LAMBDA_RUNTIME_RULES_WARN_DAYS"),
    ],
)
def test_invalid_setting_is_one_clear_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, configure: tuple[str, ...], env: dict[str, str], needle: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    template = tmp_path / "template.yaml"
    template.write_text(SAM, encoding="utf-8")
    problems = _problems(template, *configure)
    assert sorted(rule_id for rule_id, _, _ in problems) == sorted(spec.code for spec in RULES), problems
    assert {line for _, line, _ in problems} == {1}
    assert len({message for _, _, message in problems}) == 1
    assert needle in problems[0][2]


@pytest.mark.parametrize(
    ("ignore", "reporters"),
    [
        (("EL1001",), {spec.code for spec in RULES} - {"EL1001"}),
        (("E",), {spec.code for spec in RULES if spec.code.startswith("W")}),
        (("EL", "WL1003"), {spec.code for spec in RULES if spec.code.startswith("W")} - {"WL1003"}),
        ((*(spec.code for spec in RULES if spec.code != "WL4001"),), {"WL4001"}),
    ],
)
def test_broken_setting_stays_visible_whatever_is_ignored(
    tmp_path: Path, ignore: tuple[str, ...], reporters: set[str]
) -> None:
    """Issue 14.2: --ignore-checks EL1001 (or E) must not turn a broken configuration into a silent pass."""
    template = tmp_path / "template.yaml"
    template.write_text(SAM, encoding="utf-8")
    problems = _problems(template, "WL1004:warn_days=-3", ignore=ignore)
    assert {rule_id for rule_id, _, _ in problems} == reporters
    assert all("warn_days" in message for _, _, message in problems)


def test_broken_catalog_overlay_is_one_clear_match(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.json"
    overlay.write_text("{not json", encoding="utf-8")
    template = tmp_path / "template.yaml"
    template.write_text(SAM, encoding="utf-8")
    problems = _problems(template, f"EL1001:as_of={AS_OF}", f"EL1001:catalog={overlay}")
    assert len(problems) == len(RULES) and {p[1] for p in problems} == {1}
    assert all("overlay.json" in p[2] for p in problems)


def test_one_evaluation_per_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lambda_runtime_rules.cfn_lint import evaluation

    calls: list[object] = []
    real = evaluation.evaluate

    def counting(cfn: object, configs: object) -> evaluation.Outcome:
        calls.append(cfn)
        return real(cfn, configs)  # type: ignore[arg-type]

    monkeypatch.setattr(evaluation, "evaluate", counting)
    for name in ("first.yaml", "second.yaml"):
        (tmp_path / name).write_text(SAM, encoding="utf-8")
    matches = run(
        [f"--append-rules={PACK}", "--configure-rule", f"EL1001:as_of={AS_OF}", "--", "first.yaml", "second.yaml"]
    )
    assert len(calls) == 2
    assert len([m for m in matches if m.rule.id == "EL1001"]) == 2  # type: ignore[attr-defined]


def test_cfn_lint_executable_end_to_end(tmp_path: Path) -> None:
    """The installed console script, ``--append-rules=`` form, JSON output."""
    executable = Path(sys.executable).parent / ("cfn-lint.exe" if os.name == "nt" else "cfn-lint")
    fixture = FIXTURES / "EL2001" / "fail_globals_architectures.yaml"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_") or k.endswith("_CACHE_DIR")}
    env["LAMBDA_RUNTIME_RULES_AS_OF"] = AS_OF
    proc = subprocess.run(
        [str(executable), f"--append-rules={PACK}", "--format", "json", str(fixture)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.stderr == ""
    results = json.loads(proc.stdout)
    found = sorted(
        (r["Rule"]["Id"], r["Location"]["Start"]["LineNumber"], r["Location"]["Path"][1])
        for r in results
        if r["Rule"]["Id"] in OURS
    )
    assert found == [("EL1002", 13, "FailInheritsArm"), ("EL2001", 6, "FailInheritsArm")]
    assert proc.returncode != 0  # errors found
    assert all(not r["Rule"]["Id"].startswith("E0") for r in results)
