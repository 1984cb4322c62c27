"""The GitHub Action (issue 11): action.yml's interface, and its steps (scripts/action_run.sh) run locally as a
shell script with the environment the action gives them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "action_run.sh"
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
EXAMPLE = ROOT / "examples" / "template.yaml"
INPUTS = {"paths": "INPUT_PATHS", "format": "INPUT_FORMAT", "output": "INPUT_OUTPUT", "fail-on": "INPUT_FAIL_ON",
          "as-of": "INPUT_AS_OF", "config": "INPUT_CONFIG"}  # fmt: skip
BASH = shutil.which("bash")
pytestmark = pytest.mark.skipif(BASH is None, reason="the action's steps are a bash script")


def test_action_inputs_and_defaults():
    assert ACTION["runs"]["using"] == "composite"
    inputs = ACTION["inputs"]
    assert set(inputs) == set(INPUTS)
    assert inputs["format"]["default"] == "sarif"
    assert inputs["fail-on"]["default"] == "error"
    assert inputs["output"]["default"].endswith(".sarif")
    assert inputs["paths"]["default"] == "."
    assert inputs["as-of"]["default"] == ""
    assert all(spec.get("description") for spec in inputs.values())
    assert set(ACTION["outputs"]) == {"exit-code", "output"}


def test_action_steps_call_the_script_with_every_input_as_environment():
    install, check = ACTION["runs"]["steps"]
    for step, verb in ((install, "install"), (check, "check")):
        assert step["shell"] == "bash"
        assert step["run"] == f'bash "$LRR_ACTION_PATH/scripts/action_run.sh" {verb}'
        assert step["env"]["LRR_ACTION_PATH"] == "${{ github.action_path }}"  # installs the action's own checkout
        assert "${{" not in step["run"]  # no input is spliced into shell text
    assert {name: check["env"][var] for name, var in INPUTS.items()} == {
        name: f"${{{{ inputs.{name} }}}}" for name in INPUTS
    }
    assert check["id"] == "check"
    assert ACTION["outputs"]["exit-code"]["value"] == "${{ steps.check.outputs.exit-code }}"
    assert os.access(SCRIPT, os.X_OK)


def _run(tmp_path: Path, verb: str, **env: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    outputs = tmp_path / "github_output"
    outputs.write_text("", encoding="utf-8")
    full = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",  # the CLI of this interpreter
        "HOME": str(tmp_path),
        "GITHUB_OUTPUT": str(outputs),
        "LRR_ACTION_PATH": str(ROOT),
        **env,
    }
    done = subprocess.run([BASH, str(SCRIPT), verb], env=full, cwd=ROOT, capture_output=True, text=True, timeout=300)
    written = dict(line.split("=", 1) for line in outputs.read_text(encoding="utf-8").splitlines())
    return done, written


def test_check_writes_sarif_and_fails_on_errors(tmp_path):
    report = tmp_path / "out.sarif"
    done, outputs = _run(
        tmp_path, "check", INPUT_PATHS=str(EXAMPLE), INPUT_FORMAT="sarif", INPUT_OUTPUT=str(report),
        INPUT_FAIL_ON="error", INPUT_AS_OF="2026-11-23",
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert outputs == {"exit-code": "1", "output": str(report)}
    sarif = json.loads(report.read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and len(sarif["runs"][0]["results"]) == 7


def test_check_fail_on_never_passes_and_defaults_apply(tmp_path):
    done, outputs = _run(tmp_path, "check", INPUT_PATHS=str(EXAMPLE), INPUT_FAIL_ON="never", INPUT_AS_OF="2026-11-23")
    assert done.returncode == 0, done.stderr
    assert outputs["exit-code"] == "0"
    assert json.loads(done.stdout)["version"] == "2.1.0"  # format defaults to SARIF; no output: the log


def test_check_several_paths_on_lines_and_a_missing_file(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("Resources: {}\n", encoding="utf-8")
    done, outputs = _run(
        tmp_path, "check", INPUT_PATHS=f"{EXAMPLE}\n  {good}\n", INPUT_OUTPUT="", INPUT_AS_OF="2026-11-23",
        INPUT_FAIL_ON="warning",
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert len(json.loads(done.stdout)["runs"][0]["results"]) == 7
    done, outputs = _run(tmp_path, "check", INPUT_PATHS=f"{good} {tmp_path / 'absent.yaml'}", INPUT_OUTPUT="")
    assert done.returncode == 2 and outputs["exit-code"] == "2"
    assert "absent.yaml: cannot read" in done.stderr


def test_check_inputs_are_never_shell_code(tmp_path):
    marker = tmp_path / "ran"
    done, outputs = _run(
        tmp_path, "check", INPUT_PATHS=f"$(touch {marker}) `touch {marker}` *", INPUT_AS_OF=f"; touch {marker}"
    )
    assert not marker.exists()
    assert done.returncode == 2 and outputs["exit-code"] == "2"  # a bad --as-of is a usage error


def test_install_creates_a_venv_with_the_actions_checkout_and_its_extras(tmp_path):
    """A stand-in python3 records what the install step asks of it (a real install takes minutes)."""
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    fake = bin_dir / "python3"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$0 $*" >> "{log}"\n'
        'if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin" && cp "$0" "$3/bin/python"; fi\n',
        encoding="utf-8",
    )
    fake.chmod(0o755)
    venv, github_path = tmp_path / "venv", tmp_path / "github_path"
    done, _ = _run(
        tmp_path, "install", PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", LRR_VENV=str(venv),
        GITHUB_PATH=str(github_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert log.read_text(encoding="utf-8").splitlines() == [
        f"{fake} -m venv {venv}",
        f"{venv}/bin/python -m pip install --quiet --upgrade pip",
        f"{venv}/bin/python -m pip install --quiet {ROOT}[all]",
    ]
    assert github_path.read_text(encoding="utf-8") == f"{venv}/bin\n"


def test_unknown_verb_is_a_usage_error(tmp_path):
    done, _ = _run(tmp_path, "deploy")
    assert done.returncode == 2 and "usage:" in done.stderr
