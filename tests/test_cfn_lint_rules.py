"""The cfn-lint pack on its fixtures: exact rule IDs, resources and lines, through cfn-lint's own runner.

Only this pack's matches (and cfn-lint's own E0xxx errors) are compared, so new cfn-lint built-ins never
break these tests. ``as_of`` is pinned through cfn-lint's rule configuration, as users would pin it in CI.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest

from lambda_runtime_rules.rules import RULES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cfn_lint"
AS_OF = "2026-11-23"
OURS = {rule.code for rule in RULES}


@functools.lru_cache(maxsize=1)
def pack_rules() -> Any:
    """Only this pack's rules, loaded the way ``--append-rules`` loads them (built-ins cost 1.4 s per load)."""
    from cfnlint.rules import Rules

    return Rules.create_from_module("lambda_runtime_rules.cfn_lint")


def lint(path: Path, *configure: str, stdin: bool = False) -> list[tuple[str, str, int]]:
    """(rule, resource, line) of our matches, plus any E0xxx cfn-lint error, sorted.

    ``stdin=True`` lints the text with no filename, as ``cat t.yaml | cfn-lint`` or ``cfnlint.api.lint`` do:
    the pack must then work from cfn-lint's own (Globals-merged) tree.
    """
    from cfnlint.config import ConfigMixIn
    from cfnlint.decode.decode import decode_str
    from cfnlint.runner.template.runner import run_template_by_data, run_template_by_file_path

    config = ConfigMixIn(["--configure-rule", f"EL1001:as_of={AS_OF}", *configure, "--", str(path)])
    if stdin:
        template, errors = decode_str(path.read_text(encoding="utf-8"))
        assert not errors
        matches = list(run_template_by_data(template, config, pack_rules()))
    else:
        matches = list(run_template_by_file_path(str(path), config, pack_rules(), False))
    found = []
    for match in matches:
        rule_id = match.rule.id
        assert rule_id in OURS, (rule_id, match.message)
        parts = getattr(match, "path", None) or []
        found.append((rule_id, str(parts[1]) if len(parts) > 1 else "", match.linenumber))
    return sorted(found)


pytestmark = pytest.mark.usefixtures("isolated_settings")


HIGH = "EL3001:high_compliance=true"
HIGH_IAM = "EL3004:high_compliance=true"
# fixture -> (extra rule configuration, settings file in the fixture folder, expected (rule, resource, line))
EXPECTED: dict[str, tuple[tuple[str, ...], str, list[tuple[str, str, int]]]] = {
    "EL1001/fail_sam_globals.yaml": ((), "", [("EL1001", "FailInheritsA", 5), ("EL1001", "FailInheritsB", 5)]),
    "EL1001/fail_update_blocked.json": ((), "", [("EL1001", "FailNode43", 10)]),
    "EL1001/fail_update_blocked.yaml": ((), "", [("EL1001", "FailPython27", 10)]),
    "EL1001/pass_ignore_globals.yaml": ((), "", []),
    "EL1001/pass_supported.json": ((), "", []),
    "EL1001/pass_supported.yaml": ((), "", []),
    "EL1002/fail_parameter_allowed_values.yaml": ((), "", [("EL1002", "FailAllowedValue", 8)]),
    "EL1002/fail_parameter_default.json": ((), "", [("EL1002", "FailGoDefault", 4)]),
    "EL1002/pass_parameter_default.json": ((), "", []),
    "EL1002/pass_parameter_default.yaml": ((), "", []),
    "EL1006/fail_new_region.json": (
        ("EL1006:region=ap-east-2",),
        "",
        [("EL1006", "FailNode18NewRegion", 11), ("WL1003", "FailNode18NewRegion", 11)],
    ),
    "EL1006/fail_new_region.yaml": (
        ("EL1006:region=ap-southeast-6",),
        "",
        [("EL1006", "FailPython39NewRegion", 10), ("WL1003", "FailPython39NewRegion", 10)],
    ),
    "EL1006/pass_region_launched_before_cut_off.yaml": (
        ("EL1006:region=ap-east-2",),
        "",
        [("WL1003", "PassPython39Taipei", 12)],
    ),
    "EL2001/fail_arm64.json": ((), "", [("EL1002", "FailPython37Arm", 10), ("EL2001", "FailPython37Arm", 11)]),
    "EL2001/fail_arm64_amazon_linux_1.yaml": ((), "", [("EL1002", "FailJava8Arm", 11), ("EL2001", "FailJava8Arm", 13)]),
    "EL2001/fail_globals_architectures.yaml": (
        (),
        "",
        [("EL1002", "FailInheritsArm", 13), ("EL2001", "FailInheritsArm", 6)],
    ),
    "EL2001/pass_architectures_replace.yaml": ((), "", [("EL1002", "PassOwnArchitectures", 13)]),
    "EL2001/pass_arm64.json": ((), "", []),
    "EL2002/fail_edge_restrictions.yaml": (
        (),
        "",
        [
            ("EL2002", "FailEdgeArm", 13),
            ("EL2002", "FailEdgeArm", 15),
            ("EL2002", "FailEdgeImage", 40),
            ("EL2002", "FailEdgeJava", 23),
            ("EL2002", "FailEdgeJava", 30),
        ],
    ),
    "EL2002/fail_join_getatt.json": ((), "", [("EL2002", "FailEdgeRuby", 8)]),
    "EL2002/fail_sam_auto_publish_alias.yaml": ((), "", [("EL2002", "FailSamEdge", 7), ("EL2002", "FailSamEdge", 9)]),
    "EL2002/pass_edge_node_x86.yaml": ((), "", []),
    "EL3001/fail_function_update.json": (
        (HIGH, "EL3001:allow_function_update=false"),
        "",
        [("EL3001", "FailFunctionUpdate", 11)],
    ),
    "EL3001/fail_manual_exception_expired.yaml": (
        (),
        "exception_expired.lambda-runtime-rules.yaml",
        [("EL3001", "PinnedFunction", 11)],
    ),
    "EL3001/fail_manual_high_compliance.yaml": ((HIGH,), "", [("EL3001", "PinnedFunction", 11)]),
    "EL3001/pass_auto.json": ((HIGH,), "", []),
    "EL3001/pass_manual_high_compliance_off.yaml": ((), "", [("WL3002", "PinnedFunction", 11)]),
    "EL3001/pass_manual_with_exception.yaml": ((), "exception_active.lambda-runtime-rules.yaml", []),
    "EL3003/fail_bad_arn.json": ((), "", [("EL3003", "FailBadArn", 13), ("WL3002", "FailBadArn", 12)]),
    "EL3003/fail_manual_without_arn.yaml": (
        (),
        "",
        [("EL3003", "FailArnWithAuto", 23), ("EL3003", "FailManualNoArn", 12), ("WL3002", "FailManualNoArn", 12)],
    ),
    "EL3003/pass_auto_without_arn.yaml": ((), "", []),
    "EL3003/pass_manual_with_arn.json": ((), "", [("WL3002", "PassManualWithArn", 12)]),
    "EL3004/fail_exception_expired.yaml": (
        (),
        "exception_expired.lambda-runtime-rules.yaml",
        [("EL3004", "RuntimePinner", 9)],
    ),
    "EL3004/fail_identity_policies.json": ((HIGH_IAM,), "", [("EL3004", "FailRolePolicy", 13)]),
    "EL3004/fail_identity_policies.yaml": (
        (HIGH_IAM,),
        "",
        [
            ("EL3004", "FailByName", 18),
            ("EL3004", "FailGroupQuestionMark", 61),
            ("EL3004", "FailManagedWildcard", 26),
            ("EL3004", "FailRoleInline", 41),
            ("EL3004", "FailSamFunctionPolicies", 73),
            ("EL3004", "FailUserParameter", 7),
        ],
    ),
    "EL3004/pass_denied_or_not_granted.yaml": ((HIGH_IAM,), "", []),
    "EL3004/pass_high_compliance_off.json": ((), "", []),
    "EL3004/pass_with_exception.yaml": ((), "exception_active.lambda-runtime-rules.yaml", []),
    "EL4002/fail_layer_arm64.json": ((), "", [("EL4002", "FailLayerArm", 9), ("WL4001", "FailLayerArm", 8)]),
    "EL4002/fail_layer_arm64.yaml": ((), "", [("EL4002", "FailLayerArm", 12), ("WL4001", "FailLayerArm", 9)]),
    "EL4002/pass_layer_arm64.yaml": ((), "", []),
    "WL1003/fail_deprecated.json": ((), "", [("WL1003", "FailDotnet6", 10)]),
    "WL1003/fail_find_in_map.yaml": ((), "", [("WL1003", "FailMappedRuntime", 10)]),
    "WL1003/fail_fn_if.yaml": ((), "", [("WL1003", "FailDeprecatedBranch", 19)]),
    "WL1003/pass_find_in_map.json": ((), "", []),
    "WL1003/pass_fn_if.yaml": ((), "", []),
    "WL1004/fail_deprecation_soon.json": (("WL1004:warn_days=150",), "", [("WL1004", "FailRuby33", 10)]),
    "WL1004/fail_deprecation_soon.yaml": (("WL1004:warn_days=150",), "", [("WL1004", "FailRuby33", 9)]),
    "WL1004/pass_outside_window.yaml": (("WL1004:warn_days=150",), "", []),
    "WL1005/fail_unknown.json": ((), "", [("WL1005", "FailLayerTypo", 8)]),
    "WL1005/fail_unknown.yaml": ((), "", [("WL1005", "FailTypo", 10)]),
    "WL1005/pass_known_and_custom.yaml": ((), "", []),
    "WL3002/fail_manual.json": ((), "", [("WL3002", "FailManual", 12)]),
    "WL3002/fail_manual_globals.yaml": ((), "", [("WL3002", "FailInheritsManual", 7)]),
    "WL3002/pass_auto.yaml": ((), "", []),
    "WL4001/fail_layer_deprecated.yaml": ((), "", [("WL4001", "FailLayer", 11)]),
    "WL4001/fail_serverless_layer.json": ((), "", [("WL4001", "FailSamLayer", 9)]),
    "WL4001/pass_layer_supported.yaml": ((), "", []),
}


def _case_ids() -> list[str]:
    return sorted(EXPECTED)


@pytest.mark.parametrize("name", _case_ids())
def test_fixture(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    configure, settings_file, expected = EXPECTED[name]
    path = FIXTURES / name
    if settings_file:
        monkeypatch.setenv("LAMBDA_RUNTIME_RULES_CONFIG", str(path.parent / settings_file))
    assert lint(path, *configure) == sorted(expected)


@pytest.mark.parametrize("name", _case_ids())
def test_fixture_without_filename(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through ``cfnlint.api.lint`` (no file to re-read): same verdicts from cfn-lint's own tree."""
    configure, settings_file, expected = EXPECTED[name]
    path = FIXTURES / name
    if settings_file:
        monkeypatch.setenv("LAMBDA_RUNTIME_RULES_CONFIG", str(path.parent / settings_file))
    assert lint(path, *configure, stdin=True) == sorted(expected)


def test_every_fixture_has_expectations() -> None:
    on_disk = {str(p.relative_to(FIXTURES)) for p in FIXTURES.glob("*/*") if p.name.startswith(("pass_", "fail_"))}
    assert on_disk == set(EXPECTED)


def test_every_rule_has_pass_and_fail_fixtures_in_yaml_and_json() -> None:
    for rule in RULES:
        folder = FIXTURES / rule.code
        names = [p.name for p in folder.iterdir()]
        assert any(n.startswith("pass_") for n in names), rule.code
        assert any(n.startswith("fail_") for n in names), rule.code
        assert any(n.endswith(".json") for n in names), rule.code
        assert any(n.endswith(".yaml") for n in names), rule.code


def test_fixture_names_say_the_outcome() -> None:
    """fail_* has at least one finding of its folder's rule, pass_* has none."""
    for name, (_, _, expected) in EXPECTED.items():
        code, file = name.split("/")
        hits = [e for e in expected if e[0] == code]
        assert bool(hits) == file.startswith("fail_"), name
