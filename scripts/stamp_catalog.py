"""Validate the bundled catalog against its schema and, only if it passes, write the validation stamp.

Run after every edit of rules_data/catalog.json or its schema; tests/test_catalog.py fails while the stamp
is stale, so a catalog change cannot land without passing full validation here first.

``--data-dir DIR`` stamps another copy of ``rules_data/`` (its own catalog against its own schema): the
scheduled refresh (``scripts/catalog_refresh.py``) and its tests work on copies, never on the installed data.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lambda_runtime_rules import catalog

DATA_DIR = Path(__file__).resolve().parent.parent / "rules_data"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="the rules_data folder to stamp")
    args = parser.parse_args(argv)
    directory: Path = args.data_dir
    try:
        schema_text = (directory / catalog.SCHEMA_FILE).read_text(encoding="utf-8")
        catalog_text = (directory / catalog.CATALOG_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"stamp_catalog: {directory}: cannot read: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
        return 2
    try:
        loaded = catalog.validate_texts(schema_text, catalog_text, str(directory / catalog.CATALOG_FILE))
    except catalog.CatalogError as exc:
        print(f"stamp_catalog: {exc}", file=sys.stderr)
        return 2
    target = directory / catalog.STAMP_FILE
    target.write_text(catalog.fingerprint(schema_text, catalog_text) + "\n", encoding="utf-8")
    print(f"{target}: stamped {len(loaded)} runtimes, reviewed {loaded.reviewed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
