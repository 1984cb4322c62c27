"""``lambda-runtime-rules --version`` through the console script, and where the version comes from (issue 11)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import lambda_runtime_rules
from lambda_runtime_rules import version

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "rules_data" / "catalog.json"


def _console_script() -> Path:
    folder = Path(sys.executable).parent
    for name in ("lambda-runtime-rules", "lambda-runtime-rules.exe"):
        if (folder / name).is_file():
            return folder / name
    pytest.fail(f"console script lambda-runtime-rules not installed next to {sys.executable}")


def _run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    environment = {
        k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_") or k.endswith("_CACHE_DIR")
    }
    environment.update(env or {})
    return subprocess.run(
        [str(_console_script()), *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=60
    )


def _reviewed() -> str:
    return str(json.loads(CATALOG.read_text(encoding="utf-8"))["reviewed"])


def _pyproject_version() -> str:
    match = re.search(r'(?m)^version = "([^"]+)"$', (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert match, "no version in pyproject.toml"
    return match.group(1)


def test_version_prints_the_package_version_and_the_catalogs_reviewed_date(tmp_path: Path) -> None:
    proc = _run("--version", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout == f"lambda-runtime-rules {_pyproject_version()} (catalog reviewed {_reviewed()})\n"


def test_version_shows_the_bundled_catalog_whatever_overlay_the_settings_name(tmp_path: Path) -> None:
    """An overlay with its own ``reviewed`` (by config file or environment) does not change ``--version``."""
    overlay = tmp_path / "overlay.json"
    overlay.write_text('{"reviewed": "2030-01-01", "runtimes": []}', encoding="utf-8")
    (tmp_path / ".lambda-runtime-rules.yaml").write_text(f"catalog: {overlay}\n", encoding="utf-8")
    expected = f"(catalog reviewed {_reviewed()})\n"
    assert _run("--version", cwd=tmp_path).stdout.endswith(expected)
    assert _run("--version", cwd=tmp_path, env={"LAMBDA_RUNTIME_RULES_CATALOG": str(overlay)}).stdout.endswith(
        expected
    )
    # the same overlay does reach check: the test above is not passing because overlays are ignored everywhere
    sarif = json.loads(_run("check", str(tmp_path), "--as-of", "2030-01-31", "--format", "sarif", cwd=tmp_path).stdout)
    assert sarif["runs"][0]["tool"]["driver"]["properties"]["catalogReviewed"] == "2030-01-01"


def test_version_write_failure_is_one_line_and_exit_2(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [str(_console_script()), "--version"], cwd=tmp_path, stdout=full, stderr=subprocess.PIPE, text=True
        )
    assert proc.returncode == 2
    assert proc.stderr == "lambda-runtime-rules: cannot write to stdout: No space left on device\n"


def test_package_version_comes_from_the_installed_metadata() -> None:
    assert version.package_version() == metadata.version("lambda-runtime-rules") == _pyproject_version()
    assert lambda_runtime_rules.__version__ == version.package_version()
    with pytest.raises(AttributeError):
        _ = lambda_runtime_rules.no_such_attribute  # type: ignore[attr-defined]


def test_package_version_without_metadata_says_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(version, "DISTRIBUTION", "lambda-runtime-rules-not-installed")
    version.package_version.cache_clear()
    try:
        assert version.package_version() == version.UNKNOWN_VERSION == "0.0.0+unknown"
    finally:
        version.package_version.cache_clear()


def test_a_normal_run_does_not_import_the_metadata_machinery() -> None:
    """``importlib.metadata`` costs about 30 ms to import; only ``--version`` and SARIF need it."""
    code = (
        "import sys; from lambda_runtime_rules.cli import build_parser; import lambda_runtime_rules; "
        "build_parser().parse_args(['check', 'x']); print('importlib.metadata' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.stdout == "False\n", proc.stderr
