"""Validate the bundled catalog against its schema and, only if it passes, write the validation stamp.

Run after every edit of rules_data/catalog.json or its schema; tests/test_catalog.py fails while the stamp
is stale, so a catalog change cannot land without passing full validation here first.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lambda_runtime_rules import catalog


def main() -> int:
    try:
        loaded = catalog.validate_bundled()
    except catalog.CatalogError as exc:
        print(f"stamp_catalog: {exc}", file=sys.stderr)
        return 2
    target = Path(__file__).resolve().parent.parent / "rules_data" / catalog.STAMP_FILE
    target.write_text(catalog.bundled_fingerprint() + "\n", encoding="utf-8")
    print(f"{target}: stamped {len(loaded)} runtimes, reviewed {loaded.reviewed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
