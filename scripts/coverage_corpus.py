"""How many of the deprecated runtimes written in the corpus does ``check`` report? Recall, per kind of file.

The corpus manifest lists, per file, the literal strings that look like runtime identifiers (``runtimes_seen``,
found by a rough scan of the text, so comments and unrelated strings are in it too). A seen runtime that the
catalog calls deprecated or blocked on the pinned date counts as found when a finding of the run names that
runtime in that file (the finding may sit on a value the file's functions use). Misses are listed, so each
can be read and explained: a runtime in a comment, in a function the file does not create, or a real gap.

Usage: ``python scripts/coverage_corpus.py [--corpus ../shared/corpus] [--misses]``. Nothing is written.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
AS_OF = dt.date(2026, 11, 23)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--misses", action="store_true", help="list every seen deprecated runtime not reported")
    args = parser.parse_args(argv)
    if not (args.corpus / "MANIFEST.tsv").is_file():
        print(f"no corpus at {args.corpus} (MANIFEST.tsv missing)", file=sys.stderr)
        return 2

    from lambda_runtime_rules.catalog import default_catalog
    from lambda_runtime_rules.commands.check import check_files
    from lambda_runtime_rules.engine import Phase, phase
    from lambda_runtime_rules.settings import Settings

    catalog = default_catalog()
    settings = Settings(as_of=AS_OF)
    with open(args.corpus / "MANIFEST.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    files = [args.corpus / row["local_path"] for row in rows]
    results = check_files(files, settings, catalog)
    reported: dict[str, set[str]] = defaultdict(set)
    for result in results:
        for finding in result.findings:
            for file in {result.path, finding.file}:
                reported[str(Path(file).resolve())].add(finding.runtime)
    seen_by_kind: dict[str, int] = defaultdict(int)
    found_by_kind: dict[str, int] = defaultdict(int)
    misses: list[str] = []
    for row, path in zip(rows, files):
        for name in filter(None, (row.get("runtimes_seen") or "").split(",")):
            name = name.strip()
            runtime = catalog.get(name)
            if runtime is None or phase(runtime, AS_OF) is Phase.SUPPORTED:
                continue
            seen_by_kind[row["kind"]] += 1
            if name in reported.get(str(path.resolve()), set()):
                found_by_kind[row["kind"]] += 1
            else:
                misses.append(f"{row['local_path']}: {name}")
    print(f"{'kind':<12} {'seen':>6} {'reported':>9} {'recall':>7}")
    for kind in sorted(seen_by_kind):
        seen, found = seen_by_kind[kind], found_by_kind[kind]
        print(f"{kind:<12} {seen:>6} {found:>9} {found / seen:>7.1%}")
    seen, found = sum(seen_by_kind.values()), sum(found_by_kind.values())
    print(f"{'all':<12} {seen:>6} {found:>9} {found / seen:>7.1%}")
    if args.misses:
        print("\n".join(["", "not reported:", *misses]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
