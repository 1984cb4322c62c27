"""A gate never passes silently (issue 14, items 1 to 5): missing parser, ignored config errors, missing package,
SARIF validity, warnings at commit time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from cli_output import without_summary

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "fixtures" / "cli" / "project"

# The CLI as a core install without the [terraform] extra sees it: importing hcl2 and tree_sitter_hcl fails.
_WITHOUT_HCL2 = (
    "import sys; sys.modules['hcl2'] = None; sys.modules['tree_sitter_hcl'] = None; "
    "from lambda_runtime_rules.cli import main; sys.exit(main())"
)


def _clean_env() -> dict[str, str]:
    return {
        k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_") or k.endswith("_CACHE_DIR")
    }


def _without_hcl2(*args: str) -> subprocess.CompletedProcess[str]:
    """A run as on a machine without the extra. Uninstalling it there changes the installed distributions, which
    are part of the result cache's key; blocking the import here does not, so this run gets a cache of its own."""
    with tempfile.TemporaryDirectory() as cache:
        return subprocess.run(
            [sys.executable, "-c", _WITHOUT_HCL2, *args],
            capture_output=True,
            text=True,
            cwd=PROJECT.parent,
            env={**_clean_env(), "LAMBDA_RUNTIME_RULES_CACHE_DIR": cache},
            timeout=120,
        )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_check_without_hcl2_one_line_exit_2_and_every_other_file_reported(jobs: str) -> None:
    result = _without_hcl2("check", "--as-of", "2026-11-23", "--jobs", jobs, "project")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    # One line per Terraform file, as for any file that cannot be read (fix and report say the same).
    hint = "Terraform needs an HCL2 parser: pip install 'lambda-runtime-rules[terraform]'"
    stderr = without_summary(result.stderr)
    assert stderr.splitlines() == [f"project/terraform/{name}: {hint}" for name in ("main.tf", "variables.tf")]
    reported = {line.split(":")[0] for line in result.stdout.splitlines()}
    assert {
        "project/cfn/stack.json",
        "project/sam/template.yaml",
        "project/serverless/serverless.yml",
        "project/cdk.out/AppStack.template.json",
    } <= reported


def test_check_without_hcl2_on_yaml_only_is_unaffected() -> None:
    result = _without_hcl2("check", "--as-of", "2026-11-23", "--fail-on", "never", "project/sam")
    assert (result.returncode, without_summary(result.stderr)) == (0, "")
    assert "WL1003" in result.stdout


# --- 3: Checkov without our package ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def checkov_without_package(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    """One Checkov run (about 10 s) over one file per framework, with every output format written to files."""
    from test_checkov_checks import CHECKS_DIR, checkov_executable, environment

    tmp = tmp_path_factory.mktemp("no_package")
    broken = tmp / "site"
    (broken / "lambda_runtime_rules").mkdir(parents=True)
    (broken / "lambda_runtime_rules" / "__init__.py").write_text("raise ImportError('not installed here')\n")
    project = tmp / "project"
    project.mkdir()
    (project / "main.tf").write_text('resource "aws_lambda_function" "f" {\n  runtime = "python3.12"\n}\n')
    (project / "template.yaml").write_text(
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n"
    )
    (project / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n  hello:\n    handler: h.h\n"
    )
    env = environment()
    env["PYTHONPATH"] = str(broken)
    out = tmp / "out"
    command = [
        checkov_executable(), "-d", str(project), "--skip-download", "--external-checks-dir", str(CHECKS_DIR),
        "--framework", "terraform", "cloudformation", "serverless",
        "-o", "cli", "-o", "json", "-o", "sarif", "-o", "junitxml", "--output-file-path", str(out),
    ]  # fmt: skip
    completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
    return completed.returncode, completed.stderr, out


def test_checkov_without_our_package_fails_instead_of_passing(checkov_without_package) -> None:
    returncode, stderr, _ = checkov_without_package
    assert returncode == 1
    for framework in ("terraform", "cloudformation", "serverless"):
        assert f"lambda-runtime-rules: cannot load the Checkov checks for {framework}: ImportError" in stderr


@pytest.mark.parametrize(
    "name", ["results_cli.txt", "results_json.json", "results_sarif.sarif", "results_junitxml.xml"]
)
def test_checkov_without_our_package_shows_a_failed_check_in_every_format(checkov_without_package, name) -> None:
    _, _, out = checkov_without_package
    text = (out / name).read_text(encoding="utf-8")
    assert "CKV_LRR_0000" in text
    assert "lambda-runtime-rules checks could not be loaded" in text
    if name.endswith(".json"):
        failed = [
            (report["check_type"], record["resource"])
            for report in json.loads(text)
            for record in report["results"]["failed_checks"]
            if record["check_id"] == "CKV_LRR_0000"
        ]
        assert sorted(failed) == [
            ("cloudformation", "AWS::Lambda::Function.Fn"),
            ("serverless", "hello"),
            ("terraform", "aws_lambda_function.f"),
        ]


# --- 4: Checkov's SARIF stays valid with our details -------------------------------------------------------

SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def checkov_sarif_and_json(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, list]:
    """One Checkov run over the Terraform and CloudFormation fixtures, SARIF and JSON written side by side."""
    from test_checkov_checks import CHECKOV_FIXTURES, CHECKS_DIR, checkov_executable, environment

    out = tmp_path_factory.mktemp("sarif")
    command = [
        checkov_executable(), "-d", str(CHECKOV_FIXTURES / "terraform"), "-d", str(CHECKOV_FIXTURES / "cloudformation"),
        "--skip-download", "--external-checks-dir", str(CHECKS_DIR), "--framework", "terraform", "cloudformation",
        "-o", "sarif", "-o", "json", "--output-file-path", str(out),
    ]  # fmt: skip
    completed = subprocess.run(command, env=environment(), capture_output=True, text=True, timeout=600, check=False)
    assert completed.returncode in (0, 1), completed.stderr[-2000:]
    sarif = json.loads((out / "results_sarif.sarif").read_text(encoding="utf-8"))
    reports = json.loads((out / "results_json.json").read_text(encoding="utf-8"))
    return sarif, reports if isinstance(reports, list) else [reports]


def test_checkov_sarif_with_our_details_validates_against_the_schema(checkov_sarif_and_json) -> None:
    import jsonschema

    sarif, _ = checkov_sarif_and_json
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(sarif)]
    assert errors == []
    ours = [r for run in sarif["runs"] for r in run["results"] if r["ruleId"].startswith("CKV_LRR_")]
    attached = [a["description"]["text"] for r in ours for a in r.get("attachments", [])]
    assert any(text.startswith("Runtime ") for text in attached), "details kept as valid attachments"


def test_checkov_json_keeps_our_details(checkov_sarif_and_json) -> None:
    _, reports = checkov_sarif_and_json
    details = [
        detail
        for report in reports
        for record in report["results"]["failed_checks"]
        if record["check_id"].startswith("CKV_LRR_")
        for detail in record.get("details") or []
    ]
    assert any(isinstance(d, str) and d.startswith("Runtime ") for d in details)


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (
            {
                "attachments": [{"description": "m"}],
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.tf"}}}],
            },
            {"attachments": [{"description": {"text": "m"}, "artifactLocation": {"uri": "a.tf"}}]},
        ),
        ({"attachments": [{"description": "m"}]}, {}),
        ({"attachments": []}, {}),
        ({"message": {"text": "x"}}, {"message": {"text": "x"}}),
    ],
)
def test_valid_attachments_table(result: dict, expected: dict) -> None:
    from lambda_runtime_rules.checkov_sarif import valid_attachments

    valid_attachments(result)
    result.pop("locations", None)
    assert result == expected


def test_a_detail_unpickled_in_the_reporting_process_installs_the_mend() -> None:
    """Checkov's forked workers pickle records back to the parent, which writes SARIF without loading our checks."""
    code = (
        "import pickle, sys; from checkov.common.output.sarif import Sarif; "
        "before = getattr(Sarif._create_results, '_lambda_runtime_rules_valid_attachments', False); "
        "detail = pickle.loads(sys.stdin.buffer.read()); "
        "after = getattr(Sarif._create_results, '_lambda_runtime_rules_valid_attachments', False); "
        "print(before, after, type(detail).__name__, detail)"
    )
    import pickle

    from lambda_runtime_rules.checkov_sarif import Detail

    completed = subprocess.run(
        [sys.executable, "-c", code], input=pickle.dumps(Detail("Runtime x")), capture_output=True, timeout=120
    )
    assert completed.stdout.decode().split() == ["False", "True", "Detail", "Runtime", "x"]


# --- 5: warnings are visible at commit time ----------------------------------------------------------------


def test_check_hook_is_verbose_so_warnings_show_on_a_passing_commit() -> None:
    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert hooks["lambda-runtime-rules"].get("verbose") is True


def test_check_hook_shows_a_warning_under_passed(tmp_path: Path) -> None:
    """pre-commit try-repo for real: a deprecated (not yet blocked) runtime passes the hook, and says so."""
    from test_precommit import PRE_COMMIT, _git, _hook_repository

    if PRE_COMMIT is None:
        pytest.skip("pre-commit and git are both needed to run the hooks for real")
    hook_repo = _hook_repository(tmp_path)
    user_repo = tmp_path / "user-repo"
    user_repo.mkdir()
    _git("init", "-q", cwd=user_repo)
    (user_repo / ".lambda-runtime-rules.yaml").write_text("as_of: 2026-11-23\n", encoding="utf-8")
    (user_repo / "template.yaml").write_text(
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.9\n",
        encoding="utf-8",
    )
    _git("add", "-A", cwd=user_repo)
    _git("commit", "-q", "-m", "a function on a deprecated runtime", cwd=user_repo)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LAMBDA_RUNTIME_RULES_", "PRE_COMMIT")) or k.endswith("_CACHE_DIR")
    }
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    proc = subprocess.run(
        [PRE_COMMIT, "try-repo", str(hook_repo), "lambda-runtime-rules", "--all-files", "--color", "never"],
        cwd=user_repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "Passed" in out and "template.yaml:5:16: WL1003 Runtime python3.9 is deprecated" in out, out
