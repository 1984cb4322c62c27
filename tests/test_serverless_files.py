"""Serverless configurations end to end through ``check``: includes, fallbacks, plugins, serverless.ts/.js/.json.

Every fixture folder under fixtures/sources/serverless/ names its functions for their outcome (pass*, fail*,
unknown*); the tables below are the exact findings (file, line, rule, resource) at a pinned date.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lambda_runtime_rules.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "sources" / "serverless"
AS_OF = "2026-11-23"

Finding = tuple[str, int, str, str]  # file (relative to FIXTURES), line, rule, resource

EXPECTED: dict[str, set[Finding]] = {
    "includes": {
        # provider.runtime is ${file(./config.yml):runtime}: the finding sits in config.yml, where it is written
        ("includes/config.yml", 2, "WL1003", "functions.failInheritsIncludedProvider"),
        # ${self:custom.legacy} through custom: ${file(./custom.yml)}
        ("includes/custom.yml", 1, "EL1002", "functions.failSelfThroughInclude"),
        # a function of the functions: list's included file
        ("includes/functions.yml", 5, "EL1002", "functions.failOwnRuntime"),
        # an include inside an include, relative to the file that names it
        ("includes/nested/runtime.yml", 2, "EL1001", "functions.failNestedInclude"),
    },
    "missing-include": {("missing-include/serverless.yml", 10, "EL1002", "functions.failStillChecked")},
    "fallbacks": {
        ("fallbacks/serverless.yml", 11, "WL1003", "functions.failEnvDefault"),
        ("fallbacks/serverless.yml", 14, "EL1002", "functions.failOptDefault"),
        ("fallbacks/serverless.yml", 17, "EL1002", "functions.failSsmDefault"),
        # ${opt:runtime, ${self:custom.legacy}}: the fallback is a reference, followed to where it is written
        ("fallbacks/serverless.yml", 4, "EL1001", "functions.failDefaultIsSelf"),
    },
    "plugins": {("plugins/serverless.yml", 18, "EL1002", "functions.failDeprecatedNextToPlugin")},
    "plugin-not-declared": {("plugin-not-declared/serverless.yml", 11, "WL1005", "functions.failRustWithoutPlugin")},
    "typescript": {
        # provider.runtime is the constant LEGACY_RUNTIME: the finding is where the literal is written
        ("typescript/serverless.ts", 7, "EL1002", "functions.world"),
        ("typescript/serverless.ts", 8, "EL1002", "functions.failSpread"),
        ("typescript/serverless.ts", 8, "EL2001", "functions.failSpread"),
        ("typescript/serverless.ts", 22, "WL1003", "functions.failOverride"),
        # imported through the tsconfig.json path alias @functions/*
        ("typescript/src/functions/hello/index.ts", 5, "EL1001", "functions.hello"),
        ("typescript/config.yml", 1, "WL1003", "functions.failFromInclude"),
    },
    "javascript": {
        ("javascript/serverless.js", 5, "WL1003", "functions.failInherits"),
        ("javascript/runtimes.json", 2, "WL1003", "functions.failOwnRuntime"),
    },
    "json": {("json/serverless.json", 5, "WL1003", "functions.failInherits")},
    "custom-name": {("custom-name/serverless-sample.yml", 5, "WL1003", "functions.failInherits")},
    "broken-ts": set(),
}

ERRORS = {
    "missing-include": [
        "missing-include/serverless.yml:7: ${file(./absent-functions.yml)}: cannot read "
        "missing-include/absent-functions.yml: no such file"
    ],
    "broken-ts": ["broken-ts/serverless.ts: line 2: not valid TypeScript, and no configuration object found"],
}


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``check`` in this process, from FIXTURES, with no settings leaking in from the environment."""
    for name in list(os.environ):
        if name.startswith("LAMBDA_RUNTIME_RULES_") and not name.endswith("_CACHE_DIR"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("LAMBDA_RUNTIME_RULES_CONFIG", str(FIXTURES / "empty-settings.yaml"))
    monkeypatch.chdir(FIXTURES)
    code = main(["check", "--as-of", AS_OF, "--format", "json", "--fail-on", "warning", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _findings(stdout: str) -> set[Finding]:
    return {(f["file"].replace(os.sep, "/"), f["line"], f["rule"], f["resource"]) for f in json.loads(stdout)}


@pytest.mark.parametrize("folder", sorted(EXPECTED))
def test_exact_findings_per_folder(
    folder: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(monkeypatch, capsys, folder)
    assert _findings(out) == EXPECTED[folder]
    assert err.splitlines() == ERRORS.get(folder, [])
    assert code == (2 if folder in ERRORS else 1 if EXPECTED[folder] else 0)


def test_names_say_the_outcome() -> None:
    """Every fail* function has a finding; no pass* or unknown* function has one."""
    for folder, findings in EXPECTED.items():
        flagged = {resource.split(".", 1)[1] for *_, resource in findings}
        for name in flagged:
            assert name.startswith("fail") or (folder == "typescript" and name in ("hello", "world")), name


def test_variable_fallbacks_say_where_the_value_comes_from(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = _run(monkeypatch, capsys, "fallbacks")
    messages = {f["resource"]: f["message"] for f in json.loads(out)}
    assert messages["functions.failEnvDefault"].endswith("(from the default of ${env:RUNTIME})")
    assert messages["functions.failSsmDefault"].endswith("(from the default of ${ssm:/config/runtime})")
    assert messages["functions.failDefaultIsSelf"].endswith(
        "(from the default of ${opt:runtime}, via ${self:custom.legacy})"
    )


def test_custom_names_are_read_when_named(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(monkeypatch, capsys, "custom-name/serverless-prod.ts", "custom-name/serverless-sample.yml")
    assert (code, err) == (1, "")
    assert _findings(out) == {
        ("custom-name/serverless-prod.ts", 4, "EL1002", "functions.failInherits"),
        ("custom-name/serverless-sample.yml", 5, "WL1003", "functions.failInherits"),
    }


def test_a_folder_scan_reads_serverless_ts_but_no_other_typescript(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """src/functions/*.ts are code: read only as imports of serverless.ts, never as configurations."""
    from lambda_runtime_rules.scan import iter_files

    monkeypatch.chdir(FIXTURES)
    names = sorted(str(p).replace(os.sep, "/") for p in iter_files(["typescript", "custom-name"]))
    assert names == [
        "custom-name/serverless-sample.yml",
        "typescript/config.yml",
        "typescript/serverless.ts",
        # tsconfig.json is no candidate (JSON with comments, never a template); serverless.ts's reader still
        # reads its `paths` itself
    ]


def test_a_script_that_exports_no_literal_configuration_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "serverless.js").write_text("module.exports = require('./build/config')(process.env);\n")
    (tmp_path / "helper.ts").write_text("export const x = 1;\n")
    code = main(["check", "--as-of", AS_OF, str(tmp_path / "serverless.js"), str(tmp_path / "helper.ts")])
    assert (code, capsys.readouterr().err) == (0, "0 findings (0 errors, 0 warnings) in 0 files\n")


def test_the_console_script_on_the_realistic_typescript_folder() -> None:
    """The installed entry point, in a fresh process: the mixed folder a user would have."""
    script = Path(sys.executable).with_name("lambda-runtime-rules")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_") or k.endswith("_CACHE_DIR")}
    env["LAMBDA_RUNTIME_RULES_CONFIG"] = str(FIXTURES / "empty-settings.yaml")
    proc = subprocess.run(
        [str(script), "check", "--as-of", AS_OF, "--format", "json", "typescript", "includes"],
        cwd=FIXTURES,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (proc.returncode, proc.stderr) == (1, "")
    assert _findings(proc.stdout) == EXPECTED["typescript"] | EXPECTED["includes"]


def test_fix_reports_script_values_for_a_hand_edit_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    shutil.copytree(FIXTURES / "typescript", tmp_path / "typescript")
    before = {p: p.read_bytes() for p in (tmp_path / "typescript").rglob("*") if p.is_file()}
    monkeypatch.setenv("LAMBDA_RUNTIME_RULES_CONFIG", str(FIXTURES / "empty-settings.yaml"))
    monkeypatch.chdir(tmp_path)
    code = main(["fix", "--as-of", AS_OF, "typescript"])
    out = capsys.readouterr().out
    assert {p: p.read_bytes() for p in before} == before
    manual = sorted(line.split(": manual upgrade needed")[0] for line in out.splitlines())
    assert manual == [
        "typescript/config.yml:1: nodejs16.x",
        "typescript/serverless.ts:22: python3.8",
        "typescript/serverless.ts:7: nodejs14.x",
        "typescript/serverless.ts:8: python3.7",
        "typescript/src/functions/hello/index.ts:5: nodejs12.x",
    ]
    assert code in (0, 1)


def test_report_places_values_where_they_are_written(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LAMBDA_RUNTIME_RULES_CONFIG", str(FIXTURES / "empty-settings.yaml"))
    monkeypatch.chdir(FIXTURES)
    code = main(["report", "--as-of", AS_OF, "--format", "json", "typescript", "missing-include"])
    out, err = capsys.readouterr()
    rows = {(r["resource"], f"{r['file']}:{r['line']}".replace(os.sep, "/")) for r in json.loads(out)}
    assert ("functions.failFromInclude", "typescript/config.yml:1") in rows
    assert ("functions.world", "typescript/serverless.ts:7") in rows
    assert ("functions.failStillChecked", "missing-include/serverless.yml:10") in rows  # the rest of the file
    assert "absent-functions.yml" in err and code == 2
