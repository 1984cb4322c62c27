""".github/workflows/catalog-refresh.yml: weekly and on demand, one script, a pull request, never a merge."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PATH = ROOT / ".github" / "workflows" / "catalog-refresh.yml"
TEXT = PATH.read_text(encoding="utf-8")
WORKFLOW = yaml.safe_load(TEXT)
STEPS = WORKFLOW["jobs"]["refresh"]["steps"]


def _step(name: str) -> dict:
    (found,) = [s for s in STEPS if s.get("name") == name]
    return found


def test_triggers_weekly_and_on_demand_only():
    triggers = WORKFLOW.get("on", WORKFLOW.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    (cron,) = [entry["cron"] for entry in triggers["schedule"]]
    _minute, _hour, day, month, weekday = cron.split()
    assert (day, month) == ("*", "*") and weekday.isdigit()  # once a week


def test_permissions_are_exactly_what_a_pull_request_needs():
    assert WORKFLOW["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert "permissions" not in WORKFLOW["jobs"]["refresh"]


def test_the_steps_call_the_one_script_in_order():
    runs = [s.get("run", "") for s in STEPS]
    called = {m for run in runs for m in re.findall(r"scripts/[\w./-]+", run)}
    assert called == {"scripts/catalog_refresh.py"}
    names = [s.get("name") or s["uses"].split("@")[0] for s in STEPS]
    assert names == [
        "actions/checkout", "actions/setup-python", "Install", "Download the runtimes page",
        "Refresh the catalog", "Run the test suite", "Note failing tests in the body", "Open the pull request",
        "Fail the run when the tests failed",
    ]
    assert "curl --fail" in _step("Download the runtimes page")["run"]
    refresh = _step("Refresh the catalog")
    assert "--body \"$RUNNER_TEMP/pr-body.md\"" in refresh["run"] and '[ "$code" -le 1 ]' in refresh["run"]
    assert refresh["id"] == "refresh"
    assert "pytest" in _step("Run the test suite")["run"]


def test_no_change_means_no_pull_request_and_no_test_run():
    for name in ("Run the test suite", "Open the pull request"):
        assert _step(name)["if"] == "steps.refresh.outputs.changed == 'true'"


def test_failing_tests_give_a_draft_that_says_so_and_a_failed_run():
    assert _step("Run the test suite")["continue-on-error"] is True
    assert _step("Open the pull request")["with"]["draft"] == "${{ steps.tests.outcome == 'failure' }}"
    note = _step("Note failing tests in the body")
    assert note["if"].endswith("steps.tests.outcome == 'failure'") and "pr-body.md" in note["run"]
    assert _step("Fail the run when the tests failed") == {
        "name": "Fail the run when the tests failed", "if": "steps.tests.outcome == 'failure'", "run": "exit 1",
    }
    assert STEPS[-1]["name"] == "Fail the run when the tests failed"


def test_pull_request_body_is_the_report_and_only_catalog_files_are_committed():
    step = _step("Open the pull request")
    assert re.fullmatch(r"peter-evans/create-pull-request@v\d+", step["uses"])  # pinned to a major version
    assert step["with"]["body-path"] == "${{ runner.temp }}/pr-body.md"
    assert step["with"]["add-paths"].split() == ["rules_data/catalog.json", "rules_data/catalog.validated"]


def test_it_cannot_merge():
    lowered = TEXT.lower()
    for forbidden in ("gh pr merge", "auto-merge", "automerge", "--auto", "enable-pull-request-automerge",
                      "merge-method", "pull_request_target", "git push"):
        assert forbidden not in lowered, forbidden
    uses = sorted(s["uses"].split("@")[0] for s in STEPS if "uses" in s)
    assert uses == ["actions/checkout", "actions/setup-python", "peter-evans/create-pull-request"]
    assert all(re.fullmatch(r"[\w./-]+@v\d+", s["uses"]) for s in STEPS if "uses" in s)


def test_inputs_never_reach_a_shell_as_text():
    for step in STEPS:
        assert "${{" not in step.get("run", ""), step.get("name")


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash not installed")
@pytest.mark.parametrize(
    "name", ["Install", "Download the runtimes page", "Refresh the catalog", "Run the test suite",
             "Note failing tests in the body"],
)
def test_run_blocks_are_valid_bash(name):
    done = subprocess.run(["bash", "-n"], input=_step(name)["run"], text=True, capture_output=True, timeout=30)
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash not installed")
@pytest.mark.parametrize(("markdown_served", "expected"), [(True, ".md"), (False, ".html")])
def test_download_step_prefers_markdown_and_falls_back_to_html(tmp_path, markdown_served, expected):
    """The step's own shell, with a stand-in curl (no network): which URL it settles on and where the page goes."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "curl"
    fake.write_text(
        "#!/usr/bin/env bash\n"
        'out=""; url=""\n'
        'while [ $# -gt 0 ]; do case "$1" in -o) out="$2"; shift 2;; -*) shift;; *) url="$1"; shift;; esac; done\n'
        'case "$url" in *.md) [ "$MD" = 1 ] || exit 22;; esac\n'
        'echo "page from $url" >"$out"\n',
        encoding="utf-8",
    )
    fake.chmod(0o755)
    outputs = tmp_path / "outputs"
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(outputs),
           "PAGE_URL": "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.md",
           "MD": "1" if markdown_served else "0"}
    step = _step("Download the runtimes page")
    done = subprocess.run(["bash", "-e", "-c", step["run"]], env=env, text=True, capture_output=True, timeout=30)
    assert done.returncode == 0, done.stderr
    url = f"https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes{expected}"
    page = tmp_path / "lambda-runtimes-page"
    assert outputs.read_text(encoding="utf-8") == f"file={page}\nurl={url}\n"
    assert page.read_text(encoding="utf-8") == f"page from {url}\n"
