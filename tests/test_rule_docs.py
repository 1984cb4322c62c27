"""Every rule has a doc page, and the index is the one the generator would write from the rule table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lambda_runtime_rules.rules import RULES

REPO = Path(__file__).resolve().parents[1]


def test_every_rule_has_a_page_with_the_required_sections() -> None:
    for spec in RULES:
        page = (REPO / "docs" / "rules" / f"{spec.code}.md").read_text()
        assert spec.checkov_id in page
        for heading in ("## Why", "## Example", "## How to fix", "## How to suppress"):
            assert heading.lower() in page.lower(), (spec.code, heading)


def test_index_is_generated_from_the_rule_table() -> None:
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "gen_rule_docs.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
