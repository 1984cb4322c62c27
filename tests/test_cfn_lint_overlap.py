"""Every cfn-lint built-in that reports a runtime value the pack judges is documented (issue 14.9)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "fixtures" / "cfn_lint_overlap" / "template.yaml"
BIN = Path(sys.executable).parent


def _section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("### Avoiding double reports", 1)[1].split("\n### ", 1)[0]


def test_every_overlapping_built_in_is_documented_with_why_w1030_differs(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_") or k.endswith("_CACHE_DIR")}
    env["LAMBDA_RUNTIME_RULES_AS_OF"] = "2026-11-23"
    env["LAMBDA_RUNTIME_RULES_CONFIG"] = str(tmp_path / "none.yaml")
    (tmp_path / "none.yaml").write_text("{}\n", encoding="utf-8")
    lint = subprocess.run(
        [str(BIN / "cfn-lint"), "--append-rules=lambda_runtime_rules.cfn_lint", "--ignore-checks", "E2531", "W2531",
         "E2533", "--format", "json", "--", str(TEMPLATE)],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=False,
    )  # fmt: skip
    matches = json.loads(lint.stdout)
    built_ins = {m["Rule"]["Id"] for m in matches if not re.fullmatch(r"[EW]L\d{4}", m["Rule"]["Id"])}
    assert built_ins == {"W1030", "W1031", "W1034", "E3030"}, "the fixture shows every overlap, and nothing else"
    section = _section()
    table_ids = set(re.findall(r"^\| ([EW]\d{4}(?:, [EW]\d{4})*) \|", section, flags=re.M))
    documented = {code for cell in table_ids for code in cell.split(", ")}
    assert built_ins | {"E2531", "W2531", "E2533"} <= documented
    assert "Why W1030" in section and "resolving rule's ID" in section
