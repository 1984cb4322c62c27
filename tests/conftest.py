"""Shared fixtures: where the real-world corpus lives, if it is here at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

# Every check in the suite (in this process and in the console scripts it starts) uses one result cache of its
# own, never the developer's ~/.cache: the whole suite then also runs against a warm cache, which is a test that
# no verdict is ever served stale (files are rewritten between runs under the same names all the time).
_CACHE = tempfile.TemporaryDirectory(prefix="lrr-test-cache-")
os.environ["LAMBDA_RUNTIME_RULES_CACHE_DIR"] = _CACHE.name


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
        if name.startswith("LAMBDA_RUNTIME_RULES_") and name != "LAMBDA_RUNTIME_RULES_CACHE_DIR":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
