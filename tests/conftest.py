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
