"""The pre-commit hook manifest, and the hooks run for real by ``pre-commit try-repo`` on a throwaway repository.

try-repo installs the hook repository at a git revision: it sees committed files plus tracked modifications,
not new untracked files. In CI (a clean clone) the project root is used as is. In a working tree with
uncommitted new files, the tracked and untracked-but-not-ignored files are copied into a temporary repository
and committed there first, so the test exercises exactly the tree under test without touching the project's
own git state.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
BAD_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Legacy:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python2.7
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/lambda
      Code:
        ZipFile: "def handler(event, context): pass"
"""


def _hooks() -> dict[str, dict[str, object]]:
    return {hook["id"]: hook for hook in yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))}


def test_manifest_declares_both_hooks() -> None:
    hooks = _hooks()
    assert set(hooks) == {"lambda-runtime-rules", "lambda-runtime-rules-fix"}
    assert hooks["lambda-runtime-rules"]["entry"] == "lambda-runtime-rules check"
    assert hooks["lambda-runtime-rules-fix"]["entry"] == "lambda-runtime-rules fix"
    for hook in hooks.values():
        assert hook["language"] == "python"


def test_manifest_is_valid_for_pre_commit() -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib", reason="pre-commit is not installed")
    loaded = clientlib.load_manifest(str(MANIFEST))
    assert [hook["id"] for hook in loaded] == ["lambda-runtime-rules", "lambda-runtime-rules-fix"]


def test_entry_is_a_declared_console_script() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for hook in _hooks().values():
        script = str(hook["entry"]).split()[0]
        assert re.search(rf'^{re.escape(script)}\s*=\s*"lambda_runtime_rules\.cli:main"', pyproject, re.M)


@pytest.mark.parametrize(
    ("name", "selected"),
    [
        ("template.yaml", True),
        ("sam/template.yml", True),
        ("cdk.out/App.template.json", True),
        ("stack.template", True),
        ("infra/main.tf", True),
        ("serverless.YML", True),
        ("setup.py", True),  # CDK app source: the pre-filter decides
        ("app/src/main/java/com/example/AppStack.java", True),
        ("src/App/AppStack.cs", True),
        ("main.go", True),
        ("build.gradle", False),
        ("README.md", False),
        ("main.tf.json.bak", False),
        ("infra/main.tf.json", True),
        ("infra/terraform.tfvars", True),
        ("infra/prod.auto.tfvars.json", True),
        ("svc/serverless.ts", True),
        ("serverless.js", True),
        ("src/handler.ts", True),
        ("lib/serverless-helpers/index.js", True),
        ("lib/stack.ts.orig", False),
        ("Dockerfile", True),  # container images: the FROM of an AWS Lambda base image
        ("services/api/Dockerfile", True),
        ("docker/Dockerfile.prod", True),
        ("lambda.dockerfile", True),
        ("Containerfile", True),
        ("notes/mydockerfile", False),
        ("Dockerfile.d/README", False),
    ],
)
def test_hooks_select_yaml_json_and_terraform_files(name: str, selected: bool) -> None:
    for hook in _hooks().values():
        assert bool(re.search(str(hook["files"]), name)) is selected
        assert hook["types"] == ["text"]


# --- try-repo ----------------------------------------------------------------------------------------------


def _tool(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.is_file() else shutil.which(name)


PRE_COMMIT = _tool("pre-commit")
GIT = shutil.which("git")
needs_tools = pytest.mark.skipif(
    PRE_COMMIT is None or GIT is None, reason="pre-commit and git are both needed to run the hooks for real"
)


def _git(*args: str, cwd: Path) -> str:
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="test",
        GIT_AUTHOR_EMAIL="test@example.invalid",
        GIT_COMMITTER_NAME="test",
        GIT_COMMITTER_EMAIL="test@example.invalid",
    )
    assert GIT is not None
    proc = subprocess.run([GIT, *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return proc.stdout


def _hook_repository(tmp_path: Path) -> Path:
    """The project root when its tree is committed (CI); otherwise a committed snapshot of the working tree."""
    try:
        status = _git("status", "--porcelain", "--untracked-files=all", cwd=ROOT)
    except subprocess.CalledProcessError:
        pytest.skip(f"{ROOT} is not a git repository: try-repo needs one")
    if not status.strip():
        return ROOT
    snapshot = tmp_path / "hook-repo"
    listed = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    _git("init", "-q", cwd=snapshot)
    _git("add", "-A", cwd=snapshot)
    _git("commit", "-q", "-m", "snapshot of the working tree", cwd=snapshot)
    return snapshot


def _user_repository(tmp_path: Path) -> Path:
    repo = tmp_path / "user-repo"
    repo.mkdir()
    _git("init", "-q", cwd=repo)
    (repo / "template.yaml").write_text(BAD_TEMPLATE, encoding="utf-8")
    (repo / "notes.yaml").write_text("not: a template\n", encoding="utf-8")
    _git("add", "-A", cwd=repo)
    _git("commit", "-q", "-m", "a template on a retired runtime", cwd=repo)
    return repo


def _try_repo(hook: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    hook_repo = _hook_repository(tmp_path)
    user_repo = _user_repository(tmp_path)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LAMBDA_RUNTIME_RULES_", "PRE_COMMIT")) or k.endswith("_CACHE_DIR")
    }
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    assert PRE_COMMIT is not None
    return subprocess.run(
        [PRE_COMMIT, "try-repo", str(hook_repo), hook, "--all-files", "--color", "never"],
        cwd=user_repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@needs_tools
def test_check_hook_fails_on_a_retired_runtime(tmp_path: Path) -> None:
    proc = _try_repo("lambda-runtime-rules", tmp_path)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "EL1001" in out and "template.yaml:6:" in out, out
    assert "Traceback" not in out


@needs_tools
def test_fix_hook_rewrites_the_runtime(tmp_path: Path) -> None:
    if not (ROOT / "lambda_runtime_rules" / "commands" / "fix.py").is_file():
        pytest.skip("the fix command is not written yet")
    proc = _try_repo("lambda-runtime-rules-fix", tmp_path)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out  # pre-commit fails a hook that modified files
    assert "files were modified by this hook" in out, out
    fixed = (tmp_path / "user-repo" / "template.yaml").read_text(encoding="utf-8")
    assert "python2.7" not in fixed and "Runtime: python3." in fixed
