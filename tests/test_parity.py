"""The CLI and the cfn-lint pack give identical (file, line, rule) sets on every CloudFormation/SAM fixture.

Both run through their real entry points (the console script and the ``cfn-lint`` executable with
``--append-rules=``) against the installed package, with the same pinned date and no config file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lambda_runtime_rules.rules import BY_CODE

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _templates() -> list[Path]:
    found = [REPO / "examples" / "template.yaml"]
    for path in sorted((REPO / "fixtures").rglob("*")):
        if path.suffix.lower() not in (".yaml", ".yml", ".json") or "snapshots" in path.parts:
            continue
        if path.name.startswith("serverless") or ("checkov" in path.parts and "terraform" in path.parts):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if "AWS::" in text:  # a CloudFormation/SAM template (plain YAML/JSON without one is skipped by both)
            found.append(path)
    return found


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_") or k.endswith("_CACHE_DIR")}
    env["LAMBDA_RUNTIME_RULES_AS_OF"] = "2026-11-23"
    env["LAMBDA_RUNTIME_RULES_CONFIG"] = str(tmp_path / "empty.yaml")
    (tmp_path / "empty.yaml").write_text("{}\n")
    return env


def _where(match: dict) -> tuple[str, int, str]:
    """A cfn-lint match's file, line and rule; a value in another file (the Dockerfile a SAM image function is
    built from) is shown on the resource with "(at FILE:LINE:COLUMN)" in the message: compare that place."""
    file, line = Path(match["Filename"]).resolve(), match["Location"]["Start"]["LineNumber"]
    found = re.search(r"\(at ([^()]+):(\d+):\d+\)$", match["Message"])
    if found:
        file, line = (file.parent / found.group(1)).resolve(), int(found.group(2))
    return str(file), line, match["Rule"]["Id"]


def test_cli_and_cfn_lint_agree_on_every_fixture(tmp_path: Path) -> None:
    files = _templates()
    assert len(files) > 40
    env = _env(tmp_path)
    cli = subprocess.run(
        [str(BIN / "lambda-runtime-rules"), "check", "--format", "json", "--fail-on", "never", *map(str, files)],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert cli.returncode in (0, 2), cli.stderr
    # A file the CLI refuses in part (a Fn::ForEach it cannot expand, which cfn-lint refuses as E0001) is not compared.
    refused = {str(Path(line.split(":", 1)[0]).resolve()) for line in cli.stderr.splitlines() if line.strip()}
    ours = {(str(Path(f["file"]).resolve()), f["line"], f["rule"]) for f in json.loads(cli.stdout)}
    ours = {where for where in ours if where[0] not in refused}

    lint = subprocess.run(
        [str(BIN / "cfn-lint"), "--append-rules=lambda_runtime_rules.cfn_lint", "--format", "json", "--",
         *map(str, files)],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert "Traceback" not in lint.stderr, lint.stderr
    theirs = {
        _where(m)
        for m in json.loads(lint.stdout)
        if m["Rule"]["Id"] in BY_CODE and str(Path(m["Filename"]).resolve()) not in refused
    }
    assert ours, "the fixtures must produce findings"
    assert ours == theirs, {"cli only": sorted(ours - theirs), "cfn-lint only": sorted(theirs - ours)}


@pytest.mark.parametrize("name", ["examples/template.yaml"])
def test_example_template_has_every_kind_of_finding(name: str, tmp_path: Path) -> None:
    cli = subprocess.run(
        [str(BIN / "lambda-runtime-rules"), "check", "--format", "json", str(REPO / name)],
        capture_output=True, text=True, env=_env(tmp_path), cwd=tmp_path,
    )
    assert cli.returncode == 1
    rules = sorted({f["rule"] for f in json.loads(cli.stdout)})
    assert rules == ["EL1002", "EL2001", "EL3003", "WL1003", "WL3002", "WL4001"]


FOREACH = REPO / "fixtures" / "sources" / "foreach"


def test_cli_and_cfn_lint_agree_on_fn_foreach_templates(tmp_path: Path) -> None:
    """cfn-lint expands Fn::ForEach itself; the pack re-reads the file as written, the CLI expands it the same way.

    Both name each generated function (the match's Path, the finding's resource) and place it on the line where
    its runtime is written. A loop whose collection cannot be resolved is refused by both (cfn-lint: E0001; the
    CLI: one line and exit 2), so it is compared as "refused"."""
    files = sorted(FOREACH.iterdir())
    env = _env(tmp_path)
    cli = subprocess.run(
        [str(BIN / "lambda-runtime-rules"), "check", "--format", "json", "--fail-on", "never", *map(str, files)],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert cli.returncode == 2, cli.stderr
    refused = {Path(line.split(":", 1)[0]).name for line in cli.stderr.splitlines() if ": Fn::ForEach::" in line}
    assert refused == {"fail-unresolved-collection.yaml"}
    ours = {
        (Path(f["file"]).name, f["line"], f["rule"], f["resource"])
        for f in json.loads(cli.stdout)
        if Path(f["file"]).name not in refused
    }
    lint = subprocess.run(
        [str(BIN / "cfn-lint"), "--append-rules=lambda_runtime_rules.cfn_lint", "--format", "json", "--",
         *map(str, files)],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert "Traceback" not in lint.stderr, lint.stderr
    matches = json.loads(lint.stdout)
    theirs = {
        (Path(m["Filename"]).name, m["Location"]["Start"]["LineNumber"], m["Rule"]["Id"], m["Location"]["Path"][1])
        for m in matches
        if m["Rule"]["Id"] in BY_CODE
    }
    assert {Path(m["Filename"]).name for m in matches if m["Rule"]["Id"] == "E0001"} == refused
    assert ("fail-nested-loop.yaml", 14, "WL1003", "prodPy38") in ours
    assert ours == theirs, {"cli only": sorted(ours - theirs), "cfn-lint only": sorted(theirs - ours)}


@pytest.mark.parametrize(
    "name",
    ["fail-literal-list.yaml", "fail-ref-list-parameter.yaml", "fail-nested-loop.yaml", "fail-sam-globals.yaml"],
)
def test_cfn_lint_on_stdin_restores_the_loops_and_agrees(name: str, tmp_path: Path) -> None:
    """Without a file the pack has only cfn-lint's expanded tree: it puts the loops back (transform_pre) and gives
    one match per generated function on the line the CLI reports, not cfn-lint's collapsed positions."""
    env = _env(tmp_path)
    path = FOREACH / name
    cli = subprocess.run(
        [str(BIN / "lambda-runtime-rules"), "check", "--format", "json", "--fail-on", "never", str(path)],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    ours = sorted((f["line"], f["column"], f["rule"]) for f in json.loads(cli.stdout))
    lint = subprocess.run(
        [str(BIN / "cfn-lint"), "--append-rules=lambda_runtime_rules.cfn_lint", "--format", "json"],
        input=path.read_text(encoding="utf-8"), capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert "Traceback" not in lint.stderr, lint.stderr
    theirs = sorted(
        (m["Location"]["Start"]["LineNumber"], m["Location"]["Start"]["ColumnNumber"], m["Rule"]["Id"])
        for m in json.loads(lint.stdout)
        if m["Rule"]["Id"] in BY_CODE
    )
    assert ours and ours == theirs
