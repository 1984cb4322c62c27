"""Hostile input (issue 15, items 1-12; issue 14, item 7): no hang, no traceback, nothing lost, fail closed.

Large inputs are generated here, never committed. Each test names the item it guards.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

from lambda_runtime_rules.cli import main
from lambda_runtime_rules.settings import CONFIG_FILE, SettingsError, load

AS_OF = "2026-11-23"
TODAY = dt.date(2026, 11, 23)
BLOCKED = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.7\n"
"""A create-blocked runtime on 2026-11-23 (EL1002): what a gate must never let through."""


def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("LAMBDA_RUNTIME_RULES_"):
            monkeypatch.delenv(name)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- item 6: integer settings take ASCII digits only ---------------------------------------------------------


@pytest.mark.parametrize("digits", ["²", "①", "٣", "１２"])
def test_non_ascii_digits_are_a_settings_error(tmp_path, digits):
    with pytest.raises(SettingsError, match="is not a whole number of days"):
        load(cwd=tmp_path, env={"LAMBDA_RUNTIME_RULES_WARN_DAYS": digits}, today=TODAY)
    with pytest.raises(SettingsError, match="is not a date"):
        load({"as_of": "２０２６-01-01"}, cwd=tmp_path, env={}, today=TODAY)


def test_non_ascii_warn_days_is_one_line_exit_2(tmp_path, capsys, monkeypatch):
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text(BLOCKED)
    code, out, err = run_cli(capsys, "check", "--warn-days", "²", "t.yaml")
    assert (code, out) == (2, "")
    assert err == "lambda-runtime-rules: option --warn-days: '²' is not a whole number of days >= 0\n"


# --- item 7: the whole configuration validated up front ------------------------------------------------------


@pytest.mark.parametrize("glob", ["''", "'.'"])
def test_empty_exception_glob_names_the_config(tmp_path, glob):
    (tmp_path / CONFIG_FILE).write_text(
        f"exceptions:\n  - {{resource: F, rule: EL3001, expires: 2027-01-01, reason: r, file: {glob}}}\n"
    )
    with pytest.raises(SettingsError, match=r"exceptions\[0\]: file: .* is not a usable glob") as info:
        load(cwd=tmp_path, env={}, today=TODAY)
    assert CONFIG_FILE in str(info.value)


def test_nul_byte_in_a_configured_path(tmp_path):
    with pytest.raises(SettingsError, match="NUL byte"):
        load({"catalog": "over\0lay.json"}, cwd=tmp_path, env={}, today=TODAY)
    with pytest.raises(SettingsError, match=r"LAMBDA_RUNTIME_RULES_CATALOG: .*NUL byte"):
        load(cwd=tmp_path, env={"LAMBDA_RUNTIME_RULES_CATALOG": "a\0b"}, today=TODAY)
    with pytest.raises(SettingsError, match=r"LAMBDA_RUNTIME_RULES_CONFIG: .*NUL byte"):
        load(cwd=tmp_path, env={"LAMBDA_RUNTIME_RULES_CONFIG": "a\0b"}, today=TODAY)
    (tmp_path / CONFIG_FILE).write_text('catalog: "a\\0b"\n')
    with pytest.raises(SettingsError, match="NUL byte"):
        load(cwd=tmp_path, env={}, today=TODAY)


# --- issue 14, item 7: an exception's file glob is relative to its config file's folder ------------------------


EXEMPT_CONFIG = (
    "as_of: 2026-11-23\nhigh_compliance: true\nexceptions:\n"
    "  - {resource: Fn, rule: EL3001, expires: 2027-01-31, reason: INC-1, file: 'stacks/app.yaml'}\n"
)
MANUAL = (
    "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n"
    "      RuntimeManagementConfig:\n        UpdateRuntimeOn: Manual\n"
    "        RuntimeVersionArn: arn:aws:lambda:us-east-1::runtime:"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
)


@pytest.mark.parametrize("cwd", [".", "stacks", "other"])
def test_exception_glob_is_relative_to_the_config_folder(tmp_path, capsys, monkeypatch, cwd):
    _clean_env(monkeypatch)
    (tmp_path / CONFIG_FILE).write_text(EXEMPT_CONFIG)
    for folder in ("stacks", "other"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "app.yaml").write_text(MANUAL)
    monkeypatch.chdir(tmp_path / cwd)
    target = {".": "stacks/app.yaml", "stacks": "app.yaml", "other": "../stacks/app.yaml"}[cwd]
    _, out, _ = run_cli(capsys, "check", "--format", "json", target)
    assert "EL3001" not in out, out  # suppressed from the root, from inside the folder, from a sibling
    other = {".": "other/app.yaml", "stacks": "../other/app.yaml", "other": "app.yaml"}[cwd]
    _, out, _ = run_cli(capsys, "check", "--format", "json", other)
    assert "EL3001" in out  # the same name in another folder is not covered
