"""Settings: sources in order (defaults < config file < environment < host options) and one-line errors."""

from __future__ import annotations

import datetime as dt

import pytest

from lambda_runtime_rules.settings import CONFIG_FILE, Exemption, SettingsError, load

D = dt.date
TODAY = D(2026, 11, 23)


def test_defaults(tmp_path):
    settings = load(cwd=tmp_path, env={}, today=TODAY)
    assert (settings.as_of, settings.warn_days, settings.high_compliance, settings.allow_function_update) == (
        TODAY, 120, False, True,
    )
    assert settings.catalog is None and settings.exceptions == ()


def test_precedence(tmp_path):
    (tmp_path / CONFIG_FILE).write_text("as_of: 2026-01-01\nwarn_days: 30\nhigh_compliance: true\n")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    settings = load(cwd=nested, env={}, today=TODAY)  # found from the working directory upward
    assert (settings.as_of, settings.warn_days, settings.high_compliance) == (D(2026, 1, 1), 30, True)
    env = {"LAMBDA_RUNTIME_RULES_WARN_DAYS": "60", "LAMBDA_RUNTIME_RULES_HIGH_COMPLIANCE": "false"}
    settings = load(cwd=nested, env=env, today=TODAY)
    assert (settings.warn_days, settings.high_compliance) == (60, False)
    settings = load({"warn_days": "7", "as_of": None}, cwd=nested, env=env, today=TODAY)
    assert (settings.as_of, settings.warn_days) == (D(2026, 1, 1), 7)


def test_config_env_var_and_relative_catalog(tmp_path):
    config = tmp_path / "conf" / "rules.yaml"
    config.parent.mkdir()
    config.write_text("catalog: overlay.json\n")
    settings = load(cwd=tmp_path, env={"LAMBDA_RUNTIME_RULES_CONFIG": str(config)}, today=TODAY)
    assert settings.catalog == str(tmp_path / "conf" / "overlay.json")


def test_exceptions_parse(tmp_path):
    (tmp_path / CONFIG_FILE).write_text(
        "exceptions:\n"
        "  - resource: LegacyFn\n    rule: CKV_LRR_3001\n    expires: 2027-01-31\n    reason: INC-42 rollback\n"
        "    file: 'stacks/*.yaml'\n"
    )
    (exemption,) = load(cwd=tmp_path, env={}, today=TODAY).exceptions
    assert exemption == Exemption("LegacyFn", "EL3001", D(2027, 1, 31), "INC-42 rollback", "stacks/*.yaml")


@pytest.mark.parametrize(
    ("config", "env", "overrides", "message"),
    [
        ("", {"LAMBDA_RUNTIME_RULES_AS_OF": "tomorrow"}, {}, "LAMBDA_RUNTIME_RULES_AS_OF: 'tomorrow' is not a date"),
        ("", {"LAMBDA_RUNTIME_RULES_WARN_DAYS": "-3"}, {}, "LAMBDA_RUNTIME_RULES_WARN_DAYS: '-3' is not a whole"),
        ("", {"LAMBDA_RUNTIME_RULES_HIGH_COMPLIANCE": "maybe"}, {}, "HIGH_COMPLIANCE: 'maybe' is not true or false"),
        ("warn_days: lots\n", {}, {}, "warn_days: 'lots' is not a whole number"),
        ("colour: red\n", {}, {}, "unknown setting 'colour'"),
        ("- a list\n", {}, {}, "must be a mapping of settings"),
        ("as_of: [\n", {}, {}, "not valid YAML"),
        ("exceptions:\n  - resource: F\n    rule: EL3001\n    reason: x\n", {}, {},
         "exceptions[0]: expires is required"),
        ("exceptions:\n  - resource: F\n    rule: EL3001\n    expires: 2027-01-01\n", {}, {}, "reason is required"),
        ("exceptions:\n  - {resource: F, rule: XX1, expires: 2027-01-01, reason: r}\n", {}, {},
         "unknown rule 'XX1'"),
        ("", {}, {"warn_days": "soon"}, "option warn_days: 'soon'"),
        ("", {"LAMBDA_RUNTIME_RULES_CONFIG": "/nonexistent/x.yaml"}, {}, "LAMBDA_RUNTIME_RULES_CONFIG"),
    ],
)
def test_errors_name_their_source(tmp_path, config, env, overrides, message):
    if config:
        (tmp_path / CONFIG_FILE).write_text(config)
    with pytest.raises(SettingsError) as info:
        load(overrides, cwd=tmp_path, env=env, today=TODAY)
    assert message in str(info.value)
    assert "\n" not in str(info.value)
    if config:
        assert CONFIG_FILE in str(info.value)


def test_override_source_format(tmp_path):
    with pytest.raises(SettingsError, match=r"^--as-of: 'x' is not a date"):
        load({"as_of": "x"}, override_source="--{flag}", cwd=tmp_path, env={}, today=TODAY)
