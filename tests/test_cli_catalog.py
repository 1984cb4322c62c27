"""``catalog list | show | validate`` through the console script, as the foundation issue's acceptance runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent / "lambda-runtime-rules"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_") or k.endswith("_CACHE_DIR")}
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, cwd=cwd, env=env)


def test_catalog_list_acceptance(tmp_path: Path) -> None:
    proc = run("catalog", "list", "--as-of", "2026-11-23", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    status = {line.split()[0]: line.split()[-1] for line in proc.stdout.splitlines()[1:] if line.strip()}
    assert status["python2.7"] == "update-blocked"
    assert status["python3.7"] == "create-blocked"
    assert status["nodejs18.x"] == "deprecated"
    assert status["python3.13"] == "supported"


def test_catalog_list_json_uses_catalog_field_names(tmp_path: Path) -> None:
    proc = run("catalog", "list", "--format", "json", "--as-of", "2027-03-03", cwd=tmp_path)
    rows = {row["identifier"]: row for row in json.loads(proc.stdout)}
    for field in ("identifier", "os", "architectures", "deprecated", "block_create", "block_update", "successor",
                  "status"):
        assert field in rows["python3.7"]
    assert rows["python3.7"]["status"] == "update-blocked"  # the day of block_update, Pacific
    assert {row["status"] for row in rows.values()} <= {
        "supported", "deprecated", "create-blocked", "update-blocked", "preview", "unmanaged"
    }  # fmt: skip


def test_catalog_list_markdown(tmp_path: Path) -> None:
    proc = run("catalog", "list", "--format", "markdown", "--as-of", "2026-11-23", cwd=tmp_path)
    assert proc.stdout.startswith("| identifier |")
    assert "| python3.13 |" in proc.stdout


def test_catalog_show(tmp_path: Path) -> None:
    proc = run("catalog", "show", "java8.al2023", "--as-of", "2026-11-23", cwd=tmp_path)
    assert proc.returncode == 0
    assert "Amazon Linux 2023" in proc.stdout and "None" not in proc.stdout
    missing = run("catalog", "show", "cobol1.0", cwd=tmp_path)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "reviewed 2026-11-23" in missing.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{broken", "not valid JSON"),
        ('{"runtimes": [{"identifier": "python3.9", "deprecated": "soon"}]}', "deprecated"),
    ],
)
def test_broken_overlay_is_one_line_exit_2(tmp_path: Path, content: str, message: str) -> None:
    overlay = tmp_path / "overlay.json"
    overlay.write_text(content)
    proc = run("catalog", "list", "--catalog", str(overlay), cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and str(overlay) in proc.stderr and message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_validate(tmp_path: Path) -> None:
    assert run("catalog", "validate", cwd=tmp_path).returncode == 0
    broken = tmp_path / "catalog.json"
    broken.write_text('{"reviewed": "2026-01-01", "timezone": "America/Los_Angeles", "runtimes": [{}]}')
    proc = run("catalog", "validate", str(broken), cwd=tmp_path)
    assert proc.returncode == 2 and str(broken) in proc.stderr and "identifier" in proc.stderr


def test_invalid_setting_names_its_source(tmp_path: Path) -> None:
    proc = run("catalog", "list", "--as-of", "someday", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "lambda-runtime-rules: option --as-of: 'someday' is not a date (expected YYYY-MM-DD)"
