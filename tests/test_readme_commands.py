"""Documentation that is true on a fresh machine (issue 14, items 11 and 12): the README's commands are what CI
runs, install lines work before a release exists, links resolve, extras and Python versions are as documented."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = pytest.importorskip("tomli")

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
OLDEST, NEWEST = "3.9", "3.14"


def _sh_blocks() -> list[str]:
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", README, flags=re.S)]


def _ci_lines() -> list[str]:
    return [
        line for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines() if "python3 -m venv" in line
    ]


def test_readme_try_it_and_test_commands_are_exactly_what_ci_runs() -> None:
    try_it, tests = _sh_blocks()[:2]
    assert try_it.startswith("python3 -m venv .venv") and try_it.endswith("examples/template.yaml")
    assert tests.endswith("pytest -q -p no:cacheprovider")
    ci = _ci_lines()
    assert ci[0] == tests
    assert ci[1] == f"{try_it} || status=$?"
    assert [b for b in _sh_blocks() if b.startswith("python3 -m venv") and b.endswith("no:cacheprovider")] == [
        tests
    ] * 2
    for command in (try_it, tests):
        assert "python -m pip install --upgrade pip && " in command  # an old pip backtracks for minutes


CHROMIUM = (
    "command -v chromium >/dev/null || "
    "(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)"
)


def test_ci_runs_nothing_but_the_readme_commands_and_the_documented_chromium_line() -> None:
    """Besides the README's two commands, .ci/run may install one thing, Debian's chromium (the HTML report's
    browser test), and only with the line the README's Development section shows, before the tests."""
    lines = [
        line
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    ci = _ci_lines()
    assert lines == [
        "set -euo pipefail",
        'cd "$(dirname "$0")/.."',
        "export CI=true",
        CHROMIUM,
        ci[0],
        "status=0",
        ci[1],
        'test "$status" -eq 1',
    ]
    assert f"`{CHROMIUM}`" in README


def test_install_lines_work_before_a_release_exists() -> None:
    """No PyPI package and no v0.1.0 tag exist yet: every install of the package names the repository."""
    assert "rev: v0.1.0" not in README
    text = " ".join(README.split())
    # The Terraform parser's own hint (quoted from the tool's message) names the extra, not an install source.
    text = text.replace("HCL2 parser: pip install 'lambda-runtime-rules[terraform]'", "")
    named = re.findall(r"""pip install ["']?(lambda-runtime-rules[^"'`]*)""", text)
    assert len(named) >= 4, "the README shows how to install the package"
    assert [n for n in named if "@ git+https://" not in n] == []
    assert "lambda-runtime-rules @ git+https://" in README  # cfn-lint hook's additional_dependencies


def test_relative_links_in_the_readme_resolve() -> None:
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", README)
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    assert local, "the README links to its docs"
    assert [t for t in local if not (ROOT / t).exists()] == []


def _extra(name: str) -> list[Requirement]:
    return [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"][name]]


def test_no_unpinned_wheel_and_setuptools_that_builds_wheels_itself() -> None:
    """An unpinned ``wheel`` (0.46+ needs packaging>=24) sent pip backtracking against Checkov's packaging<24."""
    build = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]
    for requirement in [*build, *_extra("test")]:
        assert requirement.name != "wheel", requirement
    setuptools = next(r for r in _extra("test") if r.name == "setuptools")
    assert "70.0" not in setuptools.specifier and "70.1" in setuptools.specifier  # bdist_wheel built in


def test_all_extra_gives_everything_the_readme_shows() -> None:
    extras = {r.name: r for r in _extra("all")}
    assert set(extras) == {"cfn-lint", "checkov", "bc-python-hcl2", "tree-sitter-hcl"}
    assert "sarif" in extras["cfn-lint"].extras  # `cfn-lint --format sarif`
    for name in ("cfn-lint", "checkov", "terraform"):
        for requirement in _extra(name):
            assert requirement.specifier == extras[requirement.name].specifier
            assert requirement.marker == extras[requirement.name].marker


@pytest.mark.parametrize("version", [OLDEST, "3.13", NEWEST])
def test_requires_python_and_classifiers_cover_3_9_to_3_14(version: str) -> None:
    assert SpecifierSet(PYPROJECT["project"]["requires-python"]).contains(version)
    assert f"Programming Language :: Python :: {version}" in PYPROJECT["project"]["classifiers"]


def _interpreter(version: str) -> str:
    """``pythonX.Y`` on PATH, or one installed by pyenv (its shims answer only for the selected versions)."""
    candidates = [
        shutil.which(f"python{version}"),
        *glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}*/bin/python{version}")),
    ]
    found = next(
        (c for c in candidates if c and subprocess.run([c, "-c", "pass"], capture_output=True).returncode == 0), None
    )
    if found is None:
        pytest.skip(f"no python{version} on this machine: the oldest and newest supported versions are checked "
                    "where CI has them")  # fmt: skip
    return found


@pytest.mark.parametrize("version", [OLDEST, NEWEST])
def test_package_compiles_and_core_imports_on_the_oldest_and_newest_python(version: str) -> None:
    """Syntax of every module, and the dependency-free core's import, under the interpreter itself."""
    python = _interpreter(version)
    compiled = subprocess.run(
        [python, "-m", "compileall", "-q", "-x", r"__pycache__", str(ROOT / "lambda_runtime_rules")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    code = "import lambda_runtime_rules.model, lambda_runtime_rules.rules, lambda_runtime_rules.suppressions"
    imported = subprocess.run([python, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stderr


def test_this_interpreter_is_supported() -> None:
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert SpecifierSet(PYPROJECT["project"]["requires-python"]).contains(version)
