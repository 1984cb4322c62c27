"""Packaging and architecture guarantees: the wheel carries the catalog; the core stays pure."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "lambda_runtime_rules"
CORE = ("catalog.py", "engine.py", "model.py", "rules.py", "settings.py", "known_modules.py")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("module", CORE)
def test_core_imports_no_host(module):
    """The engine and its inputs never import cfn-lint or Checkov: the adapters depend on it, not the reverse."""
    assert not _imports(PACKAGE / module) & {"cfnlint", "checkov", "hcl2"}


def test_no_runtime_identifiers_in_code():
    """The catalog is the only list of runtimes: no identifier appears as a string literal in the package."""
    identifiers = {e["identifier"] for e in json.loads((REPO / "rules_data" / "catalog.json").read_text())["runtimes"]}
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in identifiers:
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}: {node.value}")
    assert offenders == []


def test_no_module_shadows_a_host_package():
    """Checkov puts walked folders on sys.path: nothing of ours may be called cfnlint or checkov."""
    names = {p.stem for p in PACKAGE.rglob("*.py")} | {p.name for p in PACKAGE.rglob("*") if p.is_dir()}
    assert not names & {"cfnlint", "checkov"}


def test_import_does_no_work():
    code = (
        "import sys, lambda_runtime_rules; "
        "print(sorted(m for m in sys.modules if m.startswith(('jsonschema', 'yaml', 'ruamel'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    assert out.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build the wheel from a copy of the tree (no build artefacts left in the checkout)."""
    work = tmp_path_factory.mktemp("build")
    src = work / "src"
    shutil.copytree(REPO, src, ignore=shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info",
                                                             "__pycache__", ".hypothesis", ".pytest_cache"))
    dist = work / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(src)],
        check=True, capture_output=True, text=True,
    )
    (built,) = dist.glob("lambda_runtime_rules-*.whl")
    return built


def test_wheel_contains_catalog_docs_and_checks(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "lambda_runtime_rules/rules_data/catalog.json",
        "lambda_runtime_rules/rules_data/catalog.schema.json",
        "lambda_runtime_rules/rules_data/catalog.validated",
        "lambda_runtime_rules/rules_data/terraform_modules.json",
        "lambda_runtime_rules/rules_data/terraform_modules.schema.json",
        "lambda_runtime_rules/rules_data/serverless_plugins.json",
        "lambda_runtime_rules/rules_data/serverless_plugins.schema.json",
        "lambda_runtime_rules/rules_data/regions.json",
        "lambda_runtime_rules/rules_data/regions.schema.json",
        "lambda_runtime_rules/rules_data/regions.stamp.json",
        "lambda_runtime_rules/rule_docs/EL1006.md",
        "lambda_runtime_rules/sources/serverless_script.py",
        "lambda_runtime_rules/known_modules.py",
        "lambda_runtime_rules/checkov_modules.py",
        "lambda_runtime_rules/checkov_checks/lrr_terraform_modules.py",
        "lambda_runtime_rules/py.typed",
        "lambda_runtime_rules/rule_docs/EL1001.md",
        "lambda_runtime_rules/cfn_lint/__init__.py",
        "lambda_runtime_rules/checkov_checks/lrr_terraform.py",
        "lambda_runtime_rules/checkov_checks/lrr_cloudformation.py",
        "lambda_runtime_rules/checkov_checks/lrr_serverless.py",
        "lambda_runtime_rules/commands/check.py",
        "lambda_runtime_rules/sources/cloudformation.py",
    ):
        assert required in names


def test_installed_wheel_loads_its_own_catalog(wheel, tmp_path):
    """Install the wheel into an isolated target and load the catalog from there, not from this checkout."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, text=True)
    code = (
        "import lambda_runtime_rules, lambda_runtime_rules.catalog as c, lambda_runtime_rules.cli as cli;"
        "print(lambda_runtime_rules.__file__); cat = c.validate_bundled(); print(len(cat));"
        "raise SystemExit(cli.main(['catalog', 'show', 'python3.7', '--as-of', '2026-11-23']))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(str(target))
    assert int(lines[1]) >= 55
    assert any(line.split() == ["status", "create-blocked"] for line in lines)


def test_installed_wheel_loads_its_own_module_data(wheel, tmp_path):
    """The well-known Terraform modules come from the wheel's rules_data, validated by its schema."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, text=True)
    code = (
        "import lambda_runtime_rules.known_modules as k, lambda_runtime_rules.bundled as b;"
        "print(b.path(k.DATA_FILE));"
        "print(k.find_module('terraform-aws-modules/lambda/aws').name)"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(str(target))
    assert lines[1] == "terraform-aws-modules/lambda/aws"


def test_package_imported_from_a_zip_reads_its_data_through_importlib_resources(wheel, tmp_path):
    """``bundled`` reads files from the package folder; without one (the wheel itself on sys.path, a zip import) it
    falls back to importlib.resources, and the stamp still spares the bundled catalog its schema validation."""
    code = (
        "import sys, lambda_runtime_rules.bundled as b, lambda_runtime_rules.catalog as c;"
        "print(b.folder()); print(b.path(c.CATALOG_FILE)); print(len(c.default_catalog()));"
        "print('jsonschema' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(wheel)}
    out = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    expected = len(json.loads((REPO / "rules_data" / "catalog.json").read_text())["runtimes"])
    assert lines == ["None", f"{wheel}/lambda_runtime_rules/rules_data/catalog.json", str(expected), "False"]


def test_installed_wheel_explains_rules_from_its_own_docs(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, text=True)
    code = "import lambda_runtime_rules.cli as cli; raise SystemExit(cli.main(['explain', 'CKV_LRR_1001']))"
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (REPO / "docs" / "rules" / "EL1001.md").read_text().strip()
