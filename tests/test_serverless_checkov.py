"""Checkov agrees with the CLI on every serverless.yml fixture it reads, includes and fallbacks included.

Checkov's serverless runner resolves ``${file()}``, ``${self:}`` and fallbacks its own way; the checks re-read
the original file through this package's source, so a function's verdicts are the CLI's. Checkov only scans
functions written in the serverless.yml itself (included mappings carry no line numbers for it), and a
``functions:`` list not at all: those are compared where Checkov reports them, and the CLI covers the rest.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from test_checkov_checks import AS_OF, CHECKOV_FIXTURES, CHECKS_DIR, FIXTURES, environment, records, run_checkov

from lambda_runtime_rules.catalog import load as load_catalog
from lambda_runtime_rules.rules import BY_CODE, RULES
from lambda_runtime_rules.scan import scan_file
from lambda_runtime_rules.settings import load as load_settings

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = [CHECKOV_FIXTURES / "serverless", FIXTURES / "sources" / "serverless"]


def test_checkov_verdicts_equal_the_cli_on_every_serverless_fixture() -> None:
    env = environment()
    checkov: dict[tuple[str, str], dict[str, str]] = {}
    found = []
    for folder in FOLDERS:
        reports, stderr = run_checkov(
            [
                "-d",
                str(folder),
                "--framework",
                "serverless",
                "--external-checks-dir",
                str(CHECKS_DIR),
                "--check",
                "CKV_LRR_*",
            ],
            env,
        )
        assert "Traceback" not in stderr
        found.extend(records(reports))
    for _, label, record in found:
        key = (str(Path(record["file_abs_path"]).resolve()), record["resource"])
        checkov.setdefault(key, {})[record["check_id"]] = label
    files = sorted({Path(file) for file, _ in checkov})
    # The includes fixtures, the CLI's variables fixtures and the original fixture are all read by Checkov.
    assert {f.parent.name for f in files} >= {"includes", "fallbacks", "plugins", "serverless"}

    settings = load_settings(None, env=env, cwd=ROOT, today=dt.date.fromisoformat(AS_OF))
    catalog = load_catalog(settings.catalog)
    compared = 0
    for file in files:
        result = scan_file(file, settings, catalog)
        engine = {(f.resource.split(".", 1)[1], BY_CODE[f.rule].checkov_id) for f in result.findings}
        for (path, resource), verdicts in checkov.items():
            if path != str(file):
                continue
            for spec in RULES:
                label = verdicts.get(spec.checkov_id)  # None: UNKNOWN, which Checkov leaves out
                if label == "SKIPPED":
                    continue
                assert (label == "FAILED") == ((resource, spec.checkov_id) in engine), (file, resource, spec.code)
                compared += 1
    assert compared > 150, compared


def test_fallbacks_and_includes_fail_in_checkov_too() -> None:
    """The verdicts Checkov could not reach on its own conf: a fallback, an include, a missing include."""
    reports, _ = run_checkov(
        [
            "-d",
            str(FIXTURES / "sources" / "serverless" / "fallbacks"),
            "--framework",
            "serverless",
            "--external-checks-dir",
            str(CHECKS_DIR),
            "--check",
            "CKV_LRR_1001,CKV_LRR_1002,CKV_LRR_1003",
        ],
        environment(),
    )
    failed = {(r["resource"], r["check_id"]) for _, label, r in records(reports) if label == "FAILED"}
    assert failed == {
        ("failEnvDefault", "CKV_LRR_1003"),
        ("failOptDefault", "CKV_LRR_1002"),
        ("failSsmDefault", "CKV_LRR_1002"),
        ("failDefaultIsSelf", "CKV_LRR_1001"),
    }
