"""Regenerate ``fixtures/snapshots/corpus.json``: the CLI engine's findings on every corpus file.

The snapshot is the reviewed record of what this package says about 534 real templates. Only this script
writes it, so any change in verdicts (a catalog edit, a source fix) shows up as a diff in review, and
``tests/test_corpus_suite.py`` fails until the new snapshot is committed on purpose.

Usage: ``python scripts/snapshot_corpus.py [--corpus ../shared/corpus] [--check]``. ``--check`` writes nothing
and exits 1 when the committed snapshot is out of date. The date is pinned; the bundled catalog is used.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
SNAPSHOT = ROOT / "fixtures" / "snapshots" / "corpus.json"
AS_OF = dt.date(2026, 11, 23)


def manifest(corpus: Path) -> list[dict[str, str]]:
    """MANIFEST.tsv rows (local_path, repo, commit, original_path, kind, n_functions, runtimes_seen)."""
    with open(corpus / "MANIFEST.tsv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def findings(corpus: Path) -> list[dict[str, Any]]:
    """Sorted ``{file, line, rule, resource}`` records, ``file`` relative to the corpus, '/'-separated."""
    from lambda_runtime_rules.catalog import default_catalog
    from lambda_runtime_rules.scan import scan_file
    from lambda_runtime_rules.settings import Settings

    settings = Settings(as_of=AS_OF)
    catalog = default_catalog()
    records = []
    for row in manifest(corpus):
        result = scan_file(corpus / row["local_path"], settings, catalog)
        for finding in result.findings:
            records.append(
                {"file": row["local_path"], "line": finding.line, "rule": finding.rule, "resource": finding.resource}
            )
    return sorted(records, key=lambda r: (r["file"], r["line"], r["rule"], r["resource"]))


def render(records: list[dict[str, Any]]) -> str:
    """One record per line: a verdict change is a one-line diff."""
    lines = ",\n".join("  " + json.dumps(r, sort_keys=False) for r in records)
    return "[\n" + lines + "\n]\n" if records else "[]\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--check", action="store_true", help="exit 1 if the snapshot is stale; write nothing")
    args = parser.parse_args(argv)
    if not (args.corpus / "MANIFEST.tsv").is_file():
        print(f"no corpus at {args.corpus} (MANIFEST.tsv missing)", file=sys.stderr)
        return 2
    text = render(findings(args.corpus))
    current = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.is_file() else ""
    if args.check:
        if text != current:
            stale = f"{SNAPSHOT.relative_to(ROOT)} is out of date: run python scripts/snapshot_corpus.py"
            print(stale, file=sys.stderr)
            return 1
        return 0
    SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    SNAPSHOT.write_text(text, encoding="utf-8")
    count = text.count('"rule"')
    print(f"wrote {SNAPSHOT.relative_to(ROOT)}: {count} findings ({'unchanged' if text == current else 'changed'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
