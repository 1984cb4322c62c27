"""The Checkov adapter in process: Terraform conf mapping, verdicts, and no check raising on any conf."""

from __future__ import annotations

import datetime as dt

import pytest
from checkov.common.models.enums import CheckResult
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_runtime_rules import checkov_adapter as adapter
from lambda_runtime_rules.catalog import default_catalog
from lambda_runtime_rules.engine import evaluate
from lambda_runtime_rules.model import Finding
from lambda_runtime_rules.rules import RULES
from lambda_runtime_rules.settings import Settings

AS_OF = dt.date(2026, 11, 23)
ARN = "arn:aws:lambda:us-east-1::runtime:" + "0123456789abcdef" * 4


def _verdicts(conf: dict, resource_type: str) -> dict[str, str]:
    resolved = adapter.terraform_subject(conf, resource_type, "x")
    assert resolved is not None
    findings = evaluate(resolved.subject, Settings(as_of=AS_OF), default_catalog())
    return {spec.code: adapter.verdict(spec.code, resolved, findings).value[0] for spec in RULES}


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        # Checkov wraps values in lists; a resolved variable is a plain string.
        ({"runtime": ["python3.12"], "architectures": [["arm64"]]}, "PPPPPP"),
        ({"runtime": ["python3.10"]}, "PPFPPP"),
        ({"runtime": ["python3.7"], "architectures": [["arm64"]]}, "PFPPPF"),
        # Unresolved references are UNKNOWN, never FAILED (python9.9 would be WL1005).
        ({"runtime": ["var.runtime"]}, "UUUUUU"),
        ({"runtime": ["${var.runtime}"]}, "UUUUUU"),
        ({"runtime": ["local.runtime"], "architectures": ["var.arch"]}, "UUUUUU"),
        ({"runtime": ['lookup(var.m, "k", "python3.12")']}, "UUUUUU"),
        ({"runtime": ["python3.12"], "architectures": ["var.arch"]}, "PPPPPU"),
        ({"runtime": ["true_after_unknown"]}, "UUUUUU"),
        ({"package_type": ["Image"]}, "UUUUUU"),
        ({"runtime": [None]}, "UUUUUU"),
        # Checkov renders a null it picked (`cond ? null : var.runtime`) as the string 'None': not a runtime.
        ({"runtime": ["None"]}, "UUUUUU"),
    ],
)
def test_aws_lambda_function_conf(conf, expected):
    verdicts = _verdicts(conf, "aws_lambda_function")
    assert "".join(verdicts[c] for c in ("EL1001", "EL1002", "WL1003", "WL1004", "WL1005", "EL2001")) == expected


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        ({"update_runtime_on": ["Auto"]}, "PPP"),
        ({}, "PPP"),
        ({"update_runtime_on": ["Manual"]}, "PFF"),
        ({"update_runtime_on": ["Manual"], "runtime_version_arn": [ARN]}, "PFP"),
        # An ARN Checkov could not resolve is not a missing ARN.
        ({"update_runtime_on": ["Manual"], "runtime_version_arn": ["var.arn"]}, "PFU"),
        ({"update_runtime_on": ["var.mode"]}, "UUU"),
    ],
)
def test_runtime_management_config_conf(conf, expected):
    verdicts = _verdicts(conf, "aws_lambda_runtime_management_config")
    assert "".join(verdicts[c] for c in ("EL3001", "WL3002", "EL3003")) == expected


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        ({"runtime_management_config": [{"update_runtime_on": "Manual", "runtime_version_arn": ARN}]}, "PFP"),
        ({"runtime_management_config": [{"update_runtime_on": ["Manual"]}]}, "PFF"),
        ({"runtime_management_config": ["var.config"]}, "UUU"),
    ],
)
def test_awscc_runtime_management_config_object(conf, expected):
    verdicts = _verdicts({"runtime": ["python3.12"], **conf}, "awscc_lambda_function")
    assert "".join(verdicts[c] for c in ("EL3001", "WL3002", "EL3003")) == expected


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        ({"compatible_runtimes": [["python3.12"]], "compatible_architectures": [["arm64"]]}, "PPP"),
        ({"compatible_runtimes": [["python3.10", "var.other"]]}, "UFU"),
        ({"compatible_runtimes": [["python3.7"]], "compatible_architectures": [["arm64"]]}, "PFF"),
        ({"compatible_runtimes": [[]]}, "UUU"),  # Checkov's value for a list variable without default
        ({"compatible_runtimes": [["python9.9"]]}, "FPU"),
    ],
)
def test_layer_conf(conf, expected):
    verdicts = _verdicts(conf, "aws_lambda_layer_version")
    assert "".join(verdicts[c] for c in ("WL1005", "WL4001", "EL4002")) == expected


def test_other_resource_types_are_not_mapped():
    assert adapter.terraform_subject({"runtime": ["python3.12"]}, "aws_s3_bucket", "x") is None
    assert adapter.terraform_subject(["not", "a", "dict"], "aws_lambda_function", "x") is None


def test_verdict_is_failed_only_for_the_reported_code():
    resolved = adapter.terraform_subject({"runtime": ["var.x"]}, "aws_lambda_function", "x")
    assert resolved is not None
    finding = Finding("WL1003", "aws_lambda_function.x", 1, 0, "m")
    assert adapter.verdict("WL1003", resolved, [finding]) is CheckResult.FAILED
    assert adapter.verdict("EL1001", resolved, [finding]) is CheckResult.UNKNOWN


def test_checks_carry_the_rule_metadata():
    for framework in adapter.FRAMEWORKS:
        checks = adapter.make_checks(framework)
        assert {c.id for c in checks} == {s.checkov_id for s in RULES}
        for check in checks:
            assert check.guideline == check.spec.url
            assert check.severity.name == check.spec.checkov_severity
            assert check.spec.code in check.name


# ------------------------------------------------------------------------------------------- hypothesis

KEYS = st.sampled_from(
    [
        "runtime", "architectures", "runtime_management_config", "update_runtime_on", "runtime_version_arn",
        "compatible_runtimes", "compatible_architectures", "count", "dynamic", "__address__", "__start_line__",
        "Type", "Properties", "Runtime", "Architectures", "RuntimeManagementConfig", "UpdateRuntimeOn",
        "RuntimeVersionArn", "CompatibleRuntimes", "CompatibleArchitectures", "__file__", "__startline__",
        "runtimeManagement", "architecture", "image", "mode", "arn", "compatibleRuntimes", "Fn::If", "Ref",
    ]
)
LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20),
    st.sampled_from(["python3.10", "python3.7", "arm64", "Manual", "var.x", "${var.x}", "", "/",
                     "AWS::Lambda::Function", "/etc/passwd", "serverless.yml", ARN]),
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.one_of(KEYS, st.text(max_size=8)), inner,
                                                                          max_size=4)),
    max_leaves=20,
)
CONFS = st.dictionaries(KEYS, VALUES, max_size=8)


def _all_checks():
    return [check for framework in adapter.FRAMEWORKS for check in adapter.make_checks(framework)]


CHECKS = _all_checks()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conf=st.one_of(CONFS, VALUES), index=st.integers(min_value=0, max_value=len(CHECKS) - 1),
       scanned=st.one_of(st.text(max_size=12), st.sampled_from(["/main.tf", "/t.yaml", "serverless.yml", ""])))
def test_no_check_raises_on_any_conf(conf, index, scanned):
    check = CHECKS[index]
    entity_type = next(iter(check.supported_entities))
    result = check.run(scanned_file=scanned, entity_configuration=conf, entity_name="Name", entity_type=entity_type,
                       skip_info={})
    assert result["result"] in (CheckResult.PASSED, CheckResult.FAILED, CheckResult.UNKNOWN)
    assert check.scan_entity_conf(conf, entity_type) in (CheckResult.PASSED, CheckResult.FAILED, CheckResult.UNKNOWN)
