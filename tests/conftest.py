"""Shared fixtures: where the real-world corpus lives, if it is here at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The corpus of public templates (``../shared/corpus``); skipped when absent, a failure on CI."""
    if not (CORPUS / "MANIFEST.tsv").is_file():
        reason = f"corpus not found at {CORPUS}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " (CI=true: the corpus is required)")
        pytest.skip(reason)
    return CORPUS


@pytest.fixture
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No .cfnlintrc, no .lambda-runtime-rules.yaml and no LAMBDA_RUNTIME_RULES_* from the developer's machine."""
    for name in list(os.environ):
        if name.startswith("LAMBDA_RUNTIME_RULES_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
