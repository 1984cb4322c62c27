"""Hostile input (issue 15, items 1-12; issue 14, item 7): no hang, no traceback, nothing lost, fail closed.

Large inputs are generated here, never committed. Each test names the item it guards.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
from pathlib import Path

import pytest

from lambda_runtime_rules.cli import main
from lambda_runtime_rules.settings import CONFIG_FILE, SettingsError, load

AS_OF = "2026-11-23"
TODAY = dt.date(2026, 11, 23)
BLOCKED = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.7\n"
"""A create-blocked runtime on 2026-11-23 (EL1002): what a gate must never let through."""


@pytest.fixture
def deadline():
    """Fail, rather than hang the suite, when a test outlives 60 seconds (what these tests guard against)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expired(*_: object) -> None:
        raise TimeoutError("took over 60 seconds: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


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


# --- items 3 and 5: regular files only, and the same 20 MiB cap everywhere ------------------------------------


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")


@needs_fifo
@pytest.mark.usefixtures("deadline")
@pytest.mark.parametrize("name", ["t.yaml", "main.tf", "serverless.yml", "serverless.ts"])
def test_fifo_named_or_in_a_folder_is_one_line_exit_2(tmp_path, capsys, monkeypatch, name):
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.yaml").write_text(BLOCKED)
    _fifo(tmp_path / name)
    for target in (name, "."):
        code, out, err = run_cli(capsys, "check", "--as-of", AS_OF, target)
        assert code == 2
        assert f"{name}: cannot read: not a regular file" in err and "Traceback" not in err
        assert ("EL1002" in out) == (target == ".")  # the other files are still checked


@needs_fifo
@pytest.mark.usefixtures("deadline")
def test_fifo_or_device_as_catalog_or_config(tmp_path, capsys, monkeypatch):
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text(BLOCKED)
    fifo = _fifo(tmp_path / "overlay.json")
    for catalog in (str(fifo), "/dev/zero"):
        code, out, err = run_cli(capsys, "check", "--catalog", catalog, "t.yaml")
        assert (code, out) == (2, "")
        assert err == f"lambda-runtime-rules: {catalog}: cannot read: not a regular file (a pipe, socket or device)\n"
    (tmp_path / CONFIG_FILE).write_text("catalog: /dev/zero\n")
    code, _, err = run_cli(capsys, "check", "t.yaml")
    assert code == 2 and "/dev/zero: cannot read: not a regular file" in err
    (tmp_path / CONFIG_FILE).unlink()
    _fifo(tmp_path / CONFIG_FILE)
    code, _, err = run_cli(capsys, "check", "t.yaml")
    assert code == 2 and f"{CONFIG_FILE}: cannot read: not a regular file" in err


def _sparse(path: Path, size: int, head: bytes = b"") -> Path:
    with path.open("wb") as handle:
        handle.write(head)
        handle.truncate(size)
    return path


@pytest.mark.usefixtures("deadline")
def test_oversized_catalog_overlay_is_refused_quickly(tmp_path, capsys, monkeypatch):
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text(BLOCKED)
    _sparse(tmp_path / "overlay.json", 20 * 1024 * 1024 + 1, b'{"runtimes": []}')
    code, out, err = run_cli(capsys, "check", "--catalog", "overlay.json", "t.yaml")
    assert (code, out) == (2, "")
    assert err == "lambda-runtime-rules: overlay.json: file is 20971521 bytes, over the 20971520 byte limit\n"


@pytest.mark.usefixtures("deadline")
def test_oversized_tf_file_is_refused_through_the_cli(tmp_path, capsys, monkeypatch):
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text('resource "aws_lambda_function" "f" {\n  runtime = "python3.7"\n}\n')
    _sparse(tmp_path / "big.tf", 20 * 1024 * 1024 + 1, b"# padding\n")
    code, out, err = run_cli(capsys, "check", "--as-of", AS_OF, ".")
    assert code == 2
    assert "big.tf: file is" in err and "20971521 bytes" in err and err.count("\n") == 1
    assert "main.tf:2:" in out  # the folder's other file is still checked


def test_deeply_nested_overlay_catalog(tmp_path, capsys, monkeypatch):
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text(BLOCKED)
    for depth in (50_000, 900):
        (tmp_path / "overlay.json").write_text('{"runtimes": [], "sources": ' + "[" * depth + "]" * depth + "}")
        code, out, err = run_cli(capsys, "check", "--catalog", "overlay.json", "t.yaml")
        assert (code, out) == (2, "")
        assert err.startswith("lambda-runtime-rules: overlay.json") and err.count("\n") == 1
