"""EL3004: IAM statements that allow lambda:PutRuntimeManagementConfig under high compliance.

The engine's action matching, the readers of every policy form (CloudFormation/SAM, Terraform, Serverless), the
CLI's exact findings on ``fixtures/checkov_iam``, and Checkov's verdicts on the same files agreeing with them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lambda_runtime_rules.catalog import default_catalog
from lambda_runtime_rules.engine import action_matches, covers, evaluate
from lambda_runtime_rules.model import PolicySubject, Statement, Value
from lambda_runtime_rules.scan import load_subjects
from lambda_runtime_rules.settings import Exemption, Settings

ROOT = Path(__file__).resolve().parents[1]
IAM = ROOT / "fixtures" / "checkov_iam"
AS_OF = dt.date(2026, 11, 23)
HIGH = Settings(as_of=AS_OF, high_compliance=True)
CATALOG = default_catalog()


def _statement(effect: str, *actions: str, not_action: bool = False, **extra: object) -> Statement:
    return Statement(
        effect=Value(effect, 1, 1),
        actions=tuple(Value(a, 2, 3) for a in actions),
        not_action=not_action,
        line=1,
        **extra,  # type: ignore[arg-type]
    )


def _rules(*statements: Statement, settings: Settings = HIGH, kind: str = "identity") -> list[str]:
    subject = PolicySubject("P", statements=statements, line=1, file="t.yaml", kind=kind)
    return [f.rule for f in evaluate(subject, settings, CATALOG)]


# --- the engine ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "matches"),
    [
        ("lambda:PutRuntimeManagementConfig", True),
        ("LAMBDA:putruntimemanagementconfig", True),  # IAM compares actions case-insensitively
        ("lambda:*", True),
        ("lambda:Put*", True),
        ("lambda:*Config", True),
        ("lambda:PutRuntime?anagementConfig", True),
        ("*", True),
        ("*:*", True),
        ("lambda:PutRuntimeManagementConfig2", False),
        ("lambda:Get*", False),
        ("lambda:PutFunction*", False),
        ("s3:*", False),
        ("lambda:Put[*]", False),  # no character classes in IAM: the brackets are literal
        ("", False),
    ],
)
def test_action_matching_follows_iam(pattern: str, matches: bool) -> None:
    assert action_matches(pattern) is matches


def test_not_action_covers_what_it_does_not_exclude() -> None:
    assert covers(_statement("Allow", "iam:*", not_action=True)) is True
    assert covers(_statement("Allow", "lambda:Put*", "iam:*", not_action=True)) is False
    assert covers(_statement("Allow", "lambda:Get*")) is False
    # an element that did not resolve: NotAction cannot be known; Action still matches by its other elements
    unresolved = Statement(Value("Allow"), (Value("iam:*"),), not_action=True, resolved=False)
    assert covers(unresolved) is None
    assert covers(Statement(Value("Allow"), (Value("lambda:*"),), resolved=False)) is True


def test_only_high_compliance_judges_policies() -> None:
    allow = _statement("Allow", "lambda:*")
    assert _rules(allow) == ["EL3004"]
    assert _rules(allow, settings=Settings(as_of=AS_OF)) == []


def test_a_bare_star_is_reported_only_with_iam_wildcards() -> None:
    admin = _statement("Allow", "*")
    assert _rules(admin) == []
    assert _rules(admin, settings=Settings(as_of=AS_OF, high_compliance=True, iam_wildcards=True)) == ["EL3004"]


def test_an_unconditional_deny_on_every_resource_wins() -> None:
    allow = _statement("Allow", "lambda:*")
    assert _rules(allow, _statement("Deny", "lambda:PutRuntimeManagementConfig")) == []
    assert _rules(allow, _statement("Deny", "lambda:*", conditional=True)) == ["EL3004"]
    assert _rules(allow, _statement("Deny", "lambda:*", all_resources=False)) == ["EL3004"]


def test_a_service_control_policy_never_grants() -> None:
    assert _rules(_statement("Allow", "*"), kind="scp") == []
    assert _rules(_statement("Allow", "lambda:*"), kind="scp") == []


def test_exceptions_cover_a_policy_until_they_expire() -> None:
    allow = _statement("Allow", "lambda:Put*")
    active = Exemption("P", "EL3004", dt.date(2027, 1, 31), "CHG-2201")
    assert _rules(allow, settings=Settings(as_of=AS_OF, high_compliance=True, exceptions=(active,))) == []
    subject = PolicySubject("P", statements=(allow,), line=1, file="t.yaml")
    expired = Settings(as_of=dt.date(2027, 2, 1), high_compliance=True, exceptions=(active,))
    (finding,) = evaluate(subject, expired, CATALOG)
    assert "expired on 2027-01-31" in finding.message


# --- the readers, through the CLI's loader ---------------------------------------------------------------------

CLI_EXPECTED = {
    "cloudformation/template.yaml": [
        ("EL3004", "FailManagedPolicy", 15),
        ("EL3004", "FailPolicyFromParameter", 7),
        ("EL3004", "FailRoleNotAction", 30),
        ("EL3004", "FailSamFunction", 51),
    ],
    "serverless/serverless.yml": [("EL3004", "provider", 12), ("EL3004", "provider", 16)],
    "serverless_pass/serverless.yml": [],
    "terraform/main.tf": [
        ("EL3004", "aws_iam_group_policy.FailGroupPolicy", 93),
        ("EL3004", "aws_iam_policy.FailJsonencode", 4),
        ("EL3004", "aws_iam_role.FailInline", 59),
        ("EL3004", "aws_iam_role_policy.FailHeredoc", 29),
        ("EL3004", "aws_iam_user_policy.FailLiteralJson", 39),
        ("EL3004", "data.aws_iam_policy_document.FailDocument", 44),
    ],
}


def _cli_findings(name: str, settings: Settings = HIGH) -> list[tuple[str, str, int]]:
    _kind, subjects = load_subjects(IAM / name, policies=True)
    return sorted((f.rule, f.resource, f.line) for s in subjects for f in evaluate(s, settings, CATALOG))


@pytest.mark.parametrize("name", sorted(CLI_EXPECTED))
def test_cli_findings_sit_on_the_action(name: str) -> None:
    assert _cli_findings(name) == sorted(CLI_EXPECTED[name])


@pytest.mark.parametrize("name", sorted(CLI_EXPECTED))
def test_nothing_outside_high_compliance(name: str) -> None:
    assert _cli_findings(name, Settings(as_of=AS_OF)) == []


def test_iam_wildcards_adds_the_administrator_policies() -> None:
    wide = Settings(as_of=AS_OF, high_compliance=True, iam_wildcards=True)
    extra = set(_cli_findings("terraform/main.tf", wide)) - set(CLI_EXPECTED["terraform/main.tf"])
    assert extra == {("EL3004", "aws_iam_policy.PassAdministrator", 74)}
    extra = set(_cli_findings("cloudformation/template.yaml", wide)) - set(CLI_EXPECTED["cloudformation/template.yaml"])
    assert extra == {("EL3004", "PassAdministrator", 72)}


def test_without_high_compliance_the_loader_does_not_build_policies() -> None:
    """IAM resources are a large part of a big template: built only when high compliance judges them. A SAM
    function is built anyway (it is a function), so its inline statements come along."""
    _kind, subjects = load_subjects(IAM / "cloudformation" / "template.yaml")
    assert [s.resource for s in subjects if isinstance(s, PolicySubject)] == ["FailSamFunction"]


def test_policy_kinds() -> None:
    _kind, subjects = load_subjects(IAM / "terraform" / "main.tf", policies=True)
    kinds = {s.resource: s.kind for s in subjects if isinstance(s, PolicySubject)}
    assert kinds["data.aws_iam_policy_document.PassDeny"] == "scp"  # the SCP's content
    assert kinds["aws_iam_policy.FailJsonencode"] == "identity"
    _kind, subjects = load_subjects(IAM / "cloudformation" / "template.yaml", policies=True)
    kinds = {s.resource: s.kind for s in subjects if isinstance(s, PolicySubject)}
    assert kinds["DenyRuntimeManagement"] == "scp"


def test_cli_end_to_end_with_the_flag(tmp_path: Path) -> None:
    from lambda_runtime_rules.cli import main

    assert main(["check", "--as-of", "2026-11-23", str(IAM)]) == 0
    assert main(["check", "--as-of", "2026-11-23", "--high-compliance", str(IAM)]) == 1


# --- Checkov on the same files -------------------------------------------------------------------------------

CHECKOV_EXPECTED = {
    ("cloudformation", "AWS::IAM::ManagedPolicy.FailManagedPolicy"): "FAILED",
    ("cloudformation", "AWS::IAM::Role.FailRoleNotAction"): "FAILED",
    ("cloudformation", "AWS::IAM::Policy.FailPolicyFromParameter"): "FAILED",
    ("cloudformation", "AWS::Serverless::Function.FailSamFunction"): "FAILED",
    ("cloudformation", "AWS::IAM::ManagedPolicy.PassDenied"): "PASSED",
    ("cloudformation", "AWS::IAM::Policy.PassAdministrator"): "PASSED",
    ("cloudformation", "AWS::IAM::User.PassOtherActions"): "PASSED",
    # UnknownImportedAction and UnknownSamManagedOnly: UNKNOWN, left out of the report
    ("serverless", "provider"): "FAILED",  # serverless_pass/: test_checkov_serverless_provider_passes_and_fails
    ("terraform", "aws_iam_policy.FailJsonencode"): "FAILED",
    ("terraform", "aws_iam_role_policy.FailHeredoc"): "FAILED",
    ("terraform", "aws_iam_user_policy.FailLiteralJson"): "FAILED",
    ("terraform", "aws_iam_policy_document.FailDocument"): "FAILED",
    ("terraform", "aws_iam_role.FailInline"): "FAILED",
    ("terraform", "aws_iam_group_policy.FailGroupPolicy"): "FAILED",
    ("terraform", "aws_iam_role.PassInlineOther"): "PASSED",
    ("terraform", "aws_iam_policy.PassAdministrator"): "PASSED",
    ("terraform", "aws_iam_policy_document.PassDeny"): "PASSED",
    # aws_iam_group_policy.PassFromDocument holds no statements of its own (the data source is judged): UNKNOWN
}


@pytest.fixture(scope="module")
def checkov_iam() -> dict[tuple[str, str], dict[str, str]]:
    from test_checkov_checks import CHECKS_DIR, environment, run_checkov, verdicts

    args = ["-d", str(IAM / "cloudformation"), "-d", str(IAM / "terraform"), "-d", str(IAM / "serverless"),
            "--framework", "terraform", "cloudformation", "serverless",
            "--external-checks-dir", str(CHECKS_DIR), "--check", "CKV_LRR_3004"]
    reports, stderr = run_checkov(args, environment(high_compliance="true"))
    assert "Traceback" not in stderr
    return verdicts(reports)


def test_checkov_verdicts(checkov_iam: dict[tuple[str, str], dict[str, str]]) -> None:
    assert {key: checks["CKV_LRR_3004"] for key, checks in checkov_iam.items()} == CHECKOV_EXPECTED


def test_checkov_serverless_provider_passes_and_fails() -> None:
    """Both Serverless fixtures' entity is ``provider``: one Checkov run each (Checkov 3.3.30's Serverless runner
    given two ``-d`` folders reports the first folder's file for both)."""
    from test_checkov_checks import CHECKS_DIR, environment, records, run_checkov

    found = set()
    for folder in ("serverless", "serverless_pass"):
        args = ["-d", str(IAM / folder), "--framework", "serverless",
                "--external-checks-dir", str(CHECKS_DIR), "--check", "CKV_LRR_3004"]
        reports, _ = run_checkov(args, environment(high_compliance="true"))
        found |= {(Path(r["file_abs_path"]).parent.name, r["resource"], label) for _, label, r in records(reports)}
    assert found == {("serverless", "provider", "FAILED"), ("serverless_pass", "provider", "PASSED")}


def test_checkov_fails_exactly_what_the_cli_reports(checkov_iam: dict[tuple[str, str], dict[str, str]]) -> None:
    failed = {resource.split(".", 1)[1] if kind == "cloudformation" else resource
              for (kind, resource), checks in checkov_iam.items() if checks["CKV_LRR_3004"] == "FAILED"}
    reported = {r.replace("data.", "", 1) for findings in CLI_EXPECTED.values() for _, r, _ in findings}
    assert failed == reported


def test_checkov_outside_high_compliance_reports_nothing() -> None:
    from test_checkov_checks import CHECKS_DIR, environment, run_checkov, verdicts

    args = ["-d", str(IAM / "cloudformation"), "--framework", "cloudformation",
            "--external-checks-dir", str(CHECKS_DIR), "--check", "CKV_LRR_3004"]
    reports, _ = run_checkov(args, environment())
    assert verdicts(reports) == {}


# --- report: the control section -----------------------------------------------------------------------------


def test_report_names_the_controls_and_counts_what_allows_the_action() -> None:
    from lambda_runtime_rules.commands.report import collect_all, render_markdown
    from lambda_runtime_rules.commands.report_html import render_html

    rows, errors, controls = collect_all([str(IAM)], HIGH, CATALOG)
    assert not errors
    assert [(c.kind, c.resource, Path(c.file).name, c.line) for c in controls.found] == [
        ("service control policy", "DenyRuntimeManagement", "template.yaml", 108),
        ("service control policy", "data.aws_iam_policy_document.PassDeny", "main.tf", 78),
    ]
    assert (controls.allowing, controls.policies) == (11, 20)
    text = render_markdown(rows, HIGH, CATALOG, controls)
    section = text.split("## High-compliance control\n", 1)[1]
    assert "- service control policy DenyRuntimeManagement at " in section
    assert "11 of 20 IAM policies read allow lambda:PutRuntimeManagementConfig (EL3004)." in section
    assert '<div id="control">' in render_html(rows, HIGH, CATALOG, controls)


def test_report_says_when_the_control_is_missing(tmp_path: Path) -> None:
    from lambda_runtime_rules.commands.report import collect_all, render_markdown

    (tmp_path / "template.yaml").write_text((IAM / "cloudformation" / "template.yaml").read_text().split(
        "  DenyRuntimeManagement:")[0])
    rows, _errors, controls = collect_all([str(tmp_path)], HIGH, CATALOG)
    assert controls.found == []
    assert "No service control policy or permissions boundary in the checked files denies" in render_markdown(
        rows, HIGH, CATALOG, controls)


def test_report_without_policies_or_high_compliance_has_no_section() -> None:
    from lambda_runtime_rules.commands.report import collect_all, render_markdown

    settings = Settings(as_of=AS_OF)
    rows, _errors, controls = collect_all([str(ROOT / "examples")], settings, CATALOG)
    assert "High-compliance control" not in render_markdown(rows, settings, CATALOG, controls)


def test_a_permissions_boundary_that_denies_is_a_control(tmp_path: Path) -> None:
    from lambda_runtime_rules.commands.report import collect_all

    (tmp_path / "main.tf").write_text(
        'resource "aws_iam_policy" "boundary" {\n'
        '  policy = jsonencode({ Statement = [{ Effect = "Deny", Action = "lambda:Put*", Resource = "*" }] })\n'
        "}\n"
        'resource "aws_iam_role" "r" {\n'
        "  assume_role_policy   = \"{}\"\n"
        "  permissions_boundary = aws_iam_policy.boundary.arn\n"
        "}\n"
    )
    _rows, _errors, controls = collect_all([str(tmp_path)], HIGH, CATALOG)
    assert [(c.kind, c.resource, c.line) for c in controls.found] == [
        ("permissions boundary", "aws_iam_policy.boundary", 2)
    ]


def test_fix_skips_policies_and_rewrites_the_runtime_beside_them(tmp_path: Path) -> None:
    """A SAM function with inline Policies is a function and a policy under one logical ID: fix edits only the
    runtime."""
    from lambda_runtime_rules.cli import main

    target = tmp_path / "template.yaml"
    target.write_text((IAM / "cloudformation" / "template.yaml").read_text().replace("python3.13", "python3.8"))
    assert main(["fix", "--as-of", "2026-11-23", str(target)]) in (0, 1)
    text = target.read_text()
    assert "python3.8" not in text and text.count("Runtime: python3.11") == 2
    assert "Action: lambda:*" in text  # the policy is untouched
