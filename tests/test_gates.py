"""A gate never passes silently (issue 14, items 1 to 5): missing parser, ignored config errors, missing package,
SARIF validity, warnings at commit time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "fixtures" / "cli" / "project"

# The CLI as a core install without the [terraform] extra sees it: importing hcl2 fails.
_WITHOUT_HCL2 = "import sys; sys.modules['hcl2'] = None; from lambda_runtime_rules.cli import main; sys.exit(main())"


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_")}


def _without_hcl2(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT_HCL2, *args],
        capture_output=True,
        text=True,
        cwd=PROJECT.parent,
        env=_clean_env(),
        timeout=120,
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_check_without_hcl2_one_line_exit_2_and_every_other_file_reported(jobs: str) -> None:
    result = _without_hcl2("check", "--as-of", "2026-11-23", "--jobs", jobs, "project")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    # One line per Terraform file, as for any file that cannot be read (fix and report say the same).
    hint = "Terraform needs an HCL2 parser: pip install 'lambda-runtime-rules[terraform]'"
    assert result.stderr.splitlines() == [f"project/terraform/{name}: {hint}" for name in ("main.tf", "variables.tf")]
    reported = {line.split(":")[0] for line in result.stdout.splitlines()}
    assert {
        "project/cfn/stack.json",
        "project/sam/template.yaml",
        "project/serverless/serverless.yml",
        "project/cdk.out/AppStack.template.json",
    } <= reported


def test_check_without_hcl2_on_yaml_only_is_unaffected() -> None:
    result = _without_hcl2("check", "--as-of", "2026-11-23", "--fail-on", "never", "project/sam")
    assert (result.returncode, result.stderr) == (0, "")
    assert "WL1003" in result.stdout
