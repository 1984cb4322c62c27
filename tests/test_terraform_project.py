"""A Terraform root module written the ways real repositories write Lambda, through every face.

``fixtures/terraform/project`` holds local modules two levels deep, registry and git calls of a well-known
module, a module downloaded by ``terraform init``, tfvars overriding a default, a ``.tf.json`` function,
interpolations and runtime management configs linked to their functions. Every finding is asserted exactly:
file, line, rule and resource (the Terraform address).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_checkov_checks import CHECKS_DIR, environment, run_checkov

from lambda_runtime_rules import cli
from lambda_runtime_rules.rules import RULES

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "fixtures" / "terraform" / "project"
PASSING = ROOT / "fixtures" / "terraform" / "project-pass"
AS_OF = "2026-11-23"

Finding = tuple[str, int, str, str]  # (file relative to the project, line, rule, resource)

EXPECTED: set[Finding] = {
    # a .tf.json function, as the .tf form would be read
    ("functions.tf.json", 8, "WL1003", "aws_lambda_function.json_deprecated"),
    # a local module's argument, two levels deep: the finding is on the argument in the call
    ("main.tf", 5, "WL1003", "module.service_deprecated.module.function.aws_lambda_function.this"),
    # registry and git calls of terraform-aws-modules/lambda, not downloaded (rules_data/terraform_modules.json)
    ("main.tf", 33, "WL1003", "module.registry_deprecated.aws_lambda_function.this"),
    ("main.tf", 58, "WL4001", "module.registry_layer_deprecated.aws_lambda_layer_version.this"),
    # a module that terraform init downloaded (.terraform/modules/modules.json)
    ("main.tf", 65, "EL1002", "module.downloaded_blocked.aws_lambda_function.main"),
    # "python${var.python_version}": a template whose parts are known
    ("main.tf", 79, "WL1003", "aws_lambda_function.template_deprecated"),
    # the call passes no runtime: the module's own default is the value, and the line to edit
    (
        "modules/service/main.tf",
        7,
        "WL1003",
        "module.service_default_deprecated.module.function.aws_lambda_function.this",
    ),
    # runtime management configs name their function (by reference, by literal name)
    ("runtime_management.tf", 10, "EL3003", "aws_lambda_function.managed_by_reference"),
    ("runtime_management.tf", 10, "WL3002", "aws_lambda_function.managed_by_reference"),
    ("runtime_management.tf", 22, "WL3002", "aws_lambda_function.managed_by_name"),
    # terraform.tfvars overrides the variable's default
    ("terraform.tfvars", 2, "EL1002", "module.git_from_tfvars.aws_lambda_function.this"),
    # "${var.node_runtime}" is the variable itself; both functions use its default
    ("variables.tf", 9, "EL1001", "aws_lambda_function.json_variable_blocked"),
    ("variables.tf", 9, "EL1001", "aws_lambda_function.interpolated_blocked"),
}
"""Not reported, by design: service_current and local_current (current runtimes), service_disabled
(``create = false`` makes the nested call's count 0), registry_image (an image has no runtime), and the module
folders on their own (they are judged through their callers)."""


def check(*argv: str, cwd: Path = ROOT) -> tuple[int, list[dict[str, object]], str]:
    command = [sys.executable, "-m", "lambda_runtime_rules.cli", "check", "--as-of", AS_OF, "--format", "json"]
    proc = subprocess.run([*command, *argv], cwd=cwd, capture_output=True, text=True, check=False, timeout=300)
    return proc.returncode, json.loads(proc.stdout or "[]"), proc.stderr


def relative(findings: list[dict[str, object]], base: Path = PROJECT) -> set[Finding]:
    out: set[Finding] = set()
    for f in findings:
        path = Path(str(f["file"]))
        path = path if path.is_absolute() else ROOT / path
        out.add((path.relative_to(base).as_posix(), int(str(f["line"])), str(f["rule"]), str(f["resource"])))
    return out


@pytest.fixture(autouse=True)
def _isolated(isolated_settings: None) -> None:
    """No settings from the developer's machine."""


def test_every_finding_exactly() -> None:
    code, findings, stderr = check(str(PROJECT))
    assert (code, stderr) == (1, "")
    assert relative(findings) == EXPECTED


def test_every_finding_says_where_the_value_came_from() -> None:
    _, findings, _ = check(str(PROJECT))
    messages = {(Path(str(f["file"])).name, f["line"]): str(f["message"]) for f in findings}
    assert messages[("terraform.tfvars", 2)].endswith("(from terraform.tfvars)")
    assert "from the default of var.node_runtime" in messages[("variables.tf", 9)]
    assert "from module.service_deprecated's argument runtime" in messages[("main.tf", 5)]


def test_var_file_overrides_terraform_tfvars() -> None:
    code, findings, _ = check(str(PROJECT), "--var-file", str(PROJECT / "extra.tfvars"))
    assert code == 1
    expected = EXPECTED - {("terraform.tfvars", 2, "EL1002", "module.git_from_tfvars.aws_lambda_function.this")}
    expected |= {("extra.tfvars", 2, "WL1003", "module.git_from_tfvars.aws_lambda_function.this")}
    assert relative(findings) == expected


def test_a_broken_var_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.tfvars"
    broken.write_text('runtime = "python3.8\n', encoding="utf-8")
    code, _, stderr = check(str(PROJECT), "--var-file", str(broken))
    assert code == 2
    assert stderr.count("\n") == 1 and str(broken) in stderr and "Traceback" not in stderr


@pytest.mark.parametrize("name", ["terraform.tfvars", "variables.tf", "runtime_management.tf"])
def test_a_hook_handed_one_terraform_file_checks_its_folder(name: str) -> None:
    """pre-commit hands only the changed files: a change to variables.tf or terraform.tfvars alone is caught."""
    code, findings, _ = check(str(PROJECT / name))
    assert code == 1
    assert relative(findings) == EXPECTED


def test_a_module_folder_checked_alone_uses_its_defaults() -> None:
    """Without its callers, a module is judged as written: the service default is a finding there."""
    _, findings, _ = check(str(PROJECT / "modules" / "service"))
    assert relative(findings) == {
        ("modules/service/main.tf", 7, "WL1003", "module.function.aws_lambda_function.this"),
    }


def test_the_passing_project_is_clean() -> None:
    code, findings, stderr = check(str(PASSING))
    assert (code, findings, stderr) == (0, [], "")


# --- fix ---------------------------------------------------------------------------------------------------------


def test_fix_edits_each_value_where_it_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "project"
    shutil.copytree(PROJECT, work)
    monkeypatch.chdir(tmp_path)
    before = {p: p.read_text(encoding="utf-8") for p in work.rglob("*") if p.is_file()}
    assert cli.main(["fix", "--as-of", AS_OF, "project"]) == 1
    changed = {p.relative_to(work).as_posix() for p, text in before.items() if p.read_text(encoding="utf-8") != text}
    assert changed == {
        "functions.tf.json",
        "main.tf",
        "modules/service/main.tf",
        "terraform.tfvars",
        "variables.tf",
    }
    assert 'runtime = "python3.11"' in (work / "main.tf").read_text(encoding="utf-8")  # the call's argument
    assert '"runtime": "python3.11"' in (work / "functions.tf.json").read_text(encoding="utf-8")
    assert 'legacy_runtime = "nodejs22.x"' in (work / "terraform.tfvars").read_text(encoding="utf-8")
    tfvars = (work / "terraform.tfvars").read_text(encoding="utf-8")
    assert tfvars.startswith("# Values for this root module"), "comments are kept"
    assert 'default = "nodejs22.x"' in (work / "variables.tf").read_text(encoding="utf-8")
    # the template stays as written (manual), and so does everything the evaluation does not flag
    assert 'runtime       = "python${var.python_version}"' in (work / "main.tf").read_text(encoding="utf-8")
    after = {p: p.read_text(encoding="utf-8") for p in work.rglob("*") if p.is_file()}
    assert cli.main(["fix", "--as-of", AS_OF, "project"]) == 0, "a second run changes nothing"
    assert after == {p: p.read_text(encoding="utf-8") for p in work.rglob("*") if p.is_file()}


def test_fix_reports_templates_and_downloaded_modules_as_manual(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "project"
    shutil.copytree(PROJECT, work)
    downloaded = work / ".terraform" / "modules" / "downloaded_blocked" / "main.tf"
    downloaded.write_text(downloaded.read_text(encoding="utf-8").replace("var.runtime", '"ruby2.7"'), "utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["fix", "--as-of", AS_OF, "--dry-run", "project"]) == 1
    err = capsys.readouterr().err
    assert "project/main.tf:79: python3.9: manual upgrade needed: " in err
    assert (
        "project/.terraform/modules/downloaded_blocked/main.tf:9: ruby2.7: manual upgrade needed: "
        "inside a module downloaded by terraform init" in err
    )


# --- Checkov ---------------------------------------------------------------------------------------------------

CHECKOV_CANNOT_SEE = {
    # Checkov's Terraform runner does not read .tf.json files
    ("functions.tf.json", 8, "WL1003", "aws_lambda_function.json_deprecated"),
    ("variables.tf", 9, "EL1001", "aws_lambda_function.json_variable_blocked"),
    # nor modules from .terraform/modules when it may not download
    ("main.tf", 65, "EL1002", "module.downloaded_blocked.aws_lambda_function.main"),
}
CHECKOV_ONLY = {
    # Checkov does not apply a nested module call's count = 0 (create = false): a host limitation
    ("CKV_LRR_1001", "module.service_disabled.module.function.aws_lambda_function.this"),
}
# Checkov reports a runtime management config under its own address; the CLI names its function.
CHECKOV_NAMES = {
    "aws_lambda_runtime_management_config.by_reference_manual": "aws_lambda_function.managed_by_reference",
    "aws_lambda_runtime_management_config.by_name_manual": "aws_lambda_function.managed_by_name",
}


def _normalise(resource: str) -> str:
    """Checkov's addresses carry instance keys (``module.x[0]``, ``this[0]``); ours name the block."""
    out, depth = [], 0
    for char in resource:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif depth == 0:
            out.append(char)
    return CHECKOV_NAMES.get("".join(out), "".join(out))


def test_checkov_agrees_with_the_cli() -> None:
    codes = {spec.checkov_id: spec.code for spec in RULES}
    reports, stderr = run_checkov(
        ["-d", str(PROJECT), "--framework", "terraform", "--external-checks-dir", str(CHECKS_DIR)],
        environment(warn_days="120"),
    )
    failed: set[tuple[str, str]] = set()
    for report in reports:
        for result in report["results"]["failed_checks"]:
            if result["check_id"] in codes:
                resource = _normalise(result["resource"])
                if "." not in resource:  # a module block: Checkov names it by its label
                    resource = f"module.{resource}"
                failed.add((result["check_id"], resource))
    cli_view = {
        (spec_id, resource)
        for (_, _, rule, resource) in EXPECTED - CHECKOV_CANNOT_SEE
        for spec_id, code in codes.items()
        if code == rule
    }
    checkov_view = {
        (check_id, next((r for r in (res for (_, _, _, res) in EXPECTED) if r.startswith(resource)), resource))
        for check_id, resource in failed - CHECKOV_ONLY
    }
    assert checkov_view == cli_view, stderr[-2000:]


def test_report_shows_each_function_once_with_its_linked_mode() -> None:
    command = [sys.executable, "-m", "lambda_runtime_rules.cli", "report", "--as-of", AS_OF, "--format", "json"]
    proc = subprocess.run([*command, str(PROJECT)], cwd=ROOT, capture_output=True, text=True, check=False)
    rows = json.loads(proc.stdout)
    modes = {row["resource"]: row["update_mode"] for row in rows}
    assert modes["aws_lambda_function.managed_by_reference"] == "Manual"
    assert modes["aws_lambda_function.managed_by_name"] == "Manual"
    assert not any(r.startswith("aws_lambda_runtime_management_config.") for r in modes)
    # the module folders are reported through their callers only (no bare "aws_lambda_function.this")
    assert "aws_lambda_function.this" not in modes and "module.function.aws_lambda_function.this" not in modes
    assert modes["module.service_current.module.function.aws_lambda_function.this"] == ""
