"""Suppressions written in files (issue 14.6): cfn-lint's and Checkov's forms and our own comment, honoured
the same way by the CLI, the cfn-lint pack and the Checkov checks."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lambda_runtime_rules.catalog import default_catalog
from lambda_runtime_rules.engine import evaluate
from lambda_runtime_rules.model import FunctionSubject, Suppression, Value
from lambda_runtime_rules.settings import Settings
from lambda_runtime_rules.suppressions import CHECKOV, OWN, checkov_skips, from_metadata, own_comments, rule_code

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "suppressions"
BIN = Path(sys.executable).parent
AS_OF = "2026-11-23"


@pytest.mark.parametrize(
    ("written", "code"),
    [("WL1003", "WL1003"), ("wl1003", "WL1003"), ("CKV_LRR_1003", "WL1003"), ("ckv_lrr_2001", "EL2001"),
     ("E2531", None), ("CKV_AWS_363", None), ("", None)],
)  # fmt: skip
def test_rule_code_accepts_both_host_forms(written: str, code: str | None) -> None:
    assert rule_code(written) == code


@pytest.mark.parametrize(
    ("line", "rules", "reason", "lines", "problem"),
    [
        ("Runtime: python3.8  # lambda-runtime-rules:ignore=WL1003:INC-9", {"WL1003"}, "INC-9", (1, 1), False),
        ("  # lambda-runtime-rules:ignore=WL1003,CKV_LRR_2001: why", {"WL1003", "EL2001"}, "why", (1, 2), False),
        ('  runtime = "python3.8" // lambda-runtime-rules: ignore = wl1003 : why', {"WL1003"}, "why", (1, 1), False),
        ("FROM public.ecr.aws/lambda/python:3.8  # lambda-runtime-rules:ignore=WL1003:base image", {"WL1003"},
         "base image", (1, 1), False),  # a Dockerfile
        ("Runtime: python3.8  # lambda-runtime-rules:ignore=WL1003", {"WL1003"}, "", (1, 1), True),
        ("Runtime: python3.8  # lambda-runtime-rules:ignore=WL1003:   ", {"WL1003"}, "", (1, 1), True),
    ],
)  # fmt: skip
def test_own_comment(line: str, rules: set[str], reason: str, lines: tuple[int, int], problem: bool) -> None:
    (found,) = own_comments([line], "f")
    assert (set(found.rules), found.reason, found.lines, bool(found.problem), found.origin) == (
        rules,
        reason,
        lines,
        problem,
        OWN,
    )


@pytest.mark.parametrize(
    "line",
    ["Runtime: python3.8  # lambda-runtime-rules:ignore=E2531:not ours", "# a comment about lambda-runtime-rules"],
)
def test_own_comment_without_our_ids_is_nothing(line: str) -> None:
    assert list(own_comments([line])) == []


def test_checkov_skips_find_their_terraform_block() -> None:
    lines = (FIXTURES / "main.tf").read_text(encoding="utf-8").splitlines()
    found = checkov_skips(lines, "main.tf")
    assert list(found) == ["aws_lambda_function.suppressed_by_checkov_comment"]
    (skip,) = found["aws_lambda_function.suppressed_by_checkov_comment"]
    assert (set(skip.rules), skip.origin, skip.reason) == ({"WL1003"}, CHECKOV, "INC-8 retired with the Q1 release")


def test_checkov_skips_find_their_yaml_resource_and_function() -> None:
    for name, expected in (
        ("template.yaml", "SuppressedByCheckovComment"),
        ("serverless.yml", "functions.suppressedByCheckovComment"),
    ):
        lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
        assert list(checkov_skips(lines, name)) == [expected]


def test_a_skip_between_two_resources_belongs_to_neither() -> None:
    lines = ["Resources:", "  A:", "    Type: X", "# checkov:skip=CKV_LRR_1003:r", "  B:", "    Type: X"]
    assert checkov_skips(lines) == {}


def test_metadata_forms_are_each_hosts_own() -> None:
    resource = {
        "Metadata": {
            "cfn-lint": {"config": {"ignore_checks": ["WL1003", "CKV_LRR_2001", "E2531"]}},
            "checkov": {"skip": [{"id": "CKV_LRR_3002", "comment": "rollback"}, {"id": "WL1004"}]},
        }
    }
    found = from_metadata(resource)
    assert [(set(s.rules), s.reason) for s in found] == [({"WL1003"}, ""), ({"WL3002"}, "rollback")]
    assert from_metadata({"Metadata": "nonsense"}) == () == from_metadata(None)


def _subject(*suppressions: Suppression) -> FunctionSubject:
    return FunctionSubject(
        "Fn", runtimes=(Value("python3.8", 5, 16),), line=3, file="t.yaml", suppressions=suppressions
    )


@pytest.mark.parametrize(
    ("suppression", "reported", "note"),
    [
        (Suppression(frozenset({"WL1003"}), CHECKOV), False, ""),
        (Suppression(frozenset({"WL1004"}), CHECKOV), True, ""),
        (Suppression(frozenset({"WL1003"}), OWN, "r", "t.yaml", (4, 5)), False, ""),
        (Suppression(frozenset({"WL1003"}), OWN, "r", "t.yaml", (6, 6)), True, ""),
        (Suppression(frozenset({"WL1003"}), OWN, "r", "other.yaml", (5, 5)), True, ""),
        (Suppression(frozenset({"WL1003"}), OWN, "", "t.yaml", (5, 5), "no reason"), True, " (no reason)"),
    ],
)
def test_engine_decides_with_the_subjects_suppressions(suppression: Suppression, reported: bool, note: str) -> None:
    settings = Settings(as_of=dt.date(2026, 11, 23))
    findings = [f for f in evaluate(_subject(suppression), settings, default_catalog()) if f.rule == "WL1003"]
    assert bool(findings) is reported
    if reported and note:
        assert findings[0].message.endswith(note)


# --- one truth, three faces --------------------------------------------------------------------------------

EXPECTED = {
    ("template.yaml", "ReportedOwnCommentWithoutReason"),
    ("template.yaml", "ReportedCfnLintMetadataInCheckovForm"),
    ("template.yaml", "ReportedOtherRuleSuppressed"),
    ("main.tf", "aws_lambda_function.reported_without_reason"),
    ("main.tf", "aws_lambda_function.reported_plain"),
    ("serverless.yml", "functions.reportedPlain"),
}


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_") or k.endswith("_CACHE_DIR")}
    (tmp / "empty.yaml").write_text("{}\n", encoding="utf-8")
    env.update({"LAMBDA_RUNTIME_RULES_AS_OF": AS_OF, "LAMBDA_RUNTIME_RULES_CONFIG": str(tmp / "empty.yaml")})
    env.update({"BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"})
    return env


@pytest.fixture(scope="module")
def faces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[tuple[str, str]]]:
    """(file name, resource) reported for WL1003 by each face: one run each (Checkov's is the slow one)."""
    tmp = tmp_path_factory.mktemp("faces")
    env = _env(tmp)
    cli = subprocess.run(
        [str(BIN / "lambda-runtime-rules"), "check", "--format", "json", "--fail-on", "never", str(FIXTURES)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    by_cli = {(Path(f["file"]).name, f["resource"]) for f in json.loads(cli.stdout) if f["rule"] == "WL1003"}

    lint = subprocess.run(
        [str(BIN / "cfn-lint"), "--append-rules=lambda_runtime_rules.cfn_lint", "--format", "json", "--",
         str(FIXTURES / "template.yaml")],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    by_lint = {
        ("template.yaml", m["Location"]["Path"][1]) for m in json.loads(lint.stdout) if m["Rule"]["Id"] == "WL1003"
    }

    checks = str(ROOT / "lambda_runtime_rules" / "checkov_checks")
    checkov = subprocess.run(
        [str(BIN / "checkov"), "-d", str(FIXTURES), "--skip-download", "--external-checks-dir", checks,
         "--check", "CKV_LRR_1003", "-o", "json", "--compact"],
        capture_output=True, text=True, env=env, cwd=tmp, check=False,
    )  # fmt: skip
    assert checkov.returncode in (0, 1), checkov.stderr[-2000:]
    reports = json.loads(checkov.stdout)
    by_checkov: set[tuple[str, str]] = set()
    skipped: set[str] = set()
    for report in reports if isinstance(reports, list) else [reports]:
        for record in report["results"]["failed_checks"]:
            name = (
                record["resource"].split(".", 1)[1] if report["check_type"] == "cloudformation" else record["resource"]
            )
            if report["check_type"] == "serverless":
                name = f"functions.{name}"
            by_checkov.add((Path(record["file_path"]).name, name))
        skipped.update(record["resource"] for record in report["results"]["skipped_checks"])
    return {"cli": by_cli, "cfn-lint": by_lint, "checkov": by_checkov, "checkov-skipped": {(s,) for s in skipped}}


def test_cli_honours_every_form(faces) -> None:
    assert faces["cli"] == EXPECTED


def test_cfn_lint_agrees_with_the_cli(faces) -> None:
    assert faces["cfn-lint"] == {e for e in EXPECTED if e[0] == "template.yaml"}


def test_checkov_agrees_with_the_cli_and_skips_its_own_forms(faces) -> None:
    assert faces["checkov"] == EXPECTED
    assert {s for (s,) in faces["checkov-skipped"]} == {
        "AWS::Lambda::Function.SuppressedByCheckovMetadata",
        "AWS::Lambda::Function.SuppressedByCheckovComment",
        "aws_lambda_function.suppressed_by_checkov_comment",
        "suppressedByCheckovComment",
    }


def test_a_comment_without_reason_is_named_in_the_finding(tmp_path: Path) -> None:
    env = _env(tmp_path)
    out = subprocess.run(
        [str(BIN / "lambda-runtime-rules"), "check", "--fail-on", "never", str(FIXTURES / "main.tf")],
        capture_output=True, text=True, env=env, check=False,
    ).stdout  # fmt: skip
    assert "the lambda-runtime-rules:ignore comment on line 21 gives no reason, so it is not honoured" in out


def test_a_comment_added_to_a_terraform_file_read_before_is_seen(tmp_path: Path) -> None:
    """Terraform's reader tells ``attach`` which files hold no comment, so they are not read twice; a file
    that gains one (a new size and modification time) is read again, in the same process."""
    from lambda_runtime_rules.scan import scan_file

    runtime = next(r.identifier for r in default_catalog() if r.block_update and r.block_update.year < 2020)
    plain = f'resource "aws_lambda_function" "f" {{\n  runtime = "{runtime}"\n}}\n'
    file = tmp_path / "main.tf"
    file.write_text(plain, encoding="utf-8")
    settings = Settings(as_of=dt.date(2026, 12, 1))
    before = scan_file(file, settings, default_catalog())
    assert [f.rule for f in before.findings] == ["EL1001"]
    comment = "  # lambda-runtime-rules:ignore=EL1001:INC-7 retired\n"
    file.write_text(plain.replace("{\n", "{\n" + comment, 1), encoding="utf-8")
    os.utime(file, ns=(os.stat(file).st_atime_ns, os.stat(file).st_mtime_ns + 10**9))
    after = scan_file(file, settings, default_catalog())
    assert after.findings == []
