"""The scheduled catalog refresh as one script: .github/workflows/catalog-refresh.yml calls only this.

    python scripts/catalog_refresh.py PAGE --body pr-body.md [--data-dir rules_data] [--page-date DATE]

PAGE is a saved copy of AWS's "Lambda runtimes" page (HTML or the documentation's Markdown rendering; the
kind is read from the content) or an https:// URL to download it from. The script runs ``lambda-runtime-rules
catalog refresh --from PAGE --write DATA_DIR/catalog.json`` (regressions are held back: never
``--accept-regressions`` unattended), re-stamps DATA_DIR with ``scripts/stamp_catalog.py``, and writes the
pull request body (the refresh report in Markdown) to ``--body``, also when nothing changed, so a run that
held regressions back still says so in the job summary.

Exit status, which the workflow uses to decide whether to open a pull request:

- 0: the catalog changed (new identifiers, dates, or only ``reviewed``) and is re-stamped: open one;
- 1: nothing to change (the page agrees with the catalog, or everything on it was held back): no pull request;
- 2: the page could not be read or downloaded, the proposal was refused, or the stamp failed: the run fails.

With ``$GITHUB_OUTPUT`` set, ``changed=true|false`` is appended to it; with ``$GITHUB_STEP_SUMMARY`` set, the
body is appended there. No network is used unless PAGE is a URL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import stamp_catalog  # noqa: E402  (a sibling script, not an installed module)

from lambda_runtime_rules.catalog import CATALOG_FILE  # noqa: E402
from lambda_runtime_rules.commands.refresh import refresh_from_page  # noqa: E402
from lambda_runtime_rules.refresh import markdown_report  # noqa: E402

EXIT_CHANGED, EXIT_UNCHANGED, EXIT_FAILED = 0, 1, 2
DOWNLOAD_LIMIT = 10 * 1024 * 1024
DEFAULT_DATA_DIR = HERE.parent / "rules_data"


def _say(message: str) -> None:
    print(f"catalog_refresh: {message}", file=sys.stderr)


def download(url: str, folder: Path) -> Path:
    """The page at an https:// URL, saved under ``folder`` (capped in size; the workflow itself uses curl)."""
    if not url.startswith("https://"):
        raise ValueError(f"{url}: only https:// URLs are downloaded")
    suffix = ".md" if url.split("?", 1)[0].endswith(".md") else ".html"
    request = urllib.request.Request(url, headers={"User-Agent": "lambda-runtime-rules catalog refresh"})
    with urllib.request.urlopen(request, timeout=60) as response:  # https only, checked above
        data = response.read(DOWNLOAD_LIMIT + 1)
    if len(data) > DOWNLOAD_LIMIT:
        raise ValueError(f"{url}: larger than {DOWNLOAD_LIMIT} bytes")
    target = folder / f"lambda-runtimes{suffix}"
    target.write_bytes(data)
    return target


def _date(value: str | None, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{flag}: {value!r} is not a date (YYYY-MM-DD)") from None


def _append(variable: str, text: str) -> None:
    path = os.environ.get(variable)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


def run(page: Path, label: str, data_dir: Path, body: Path, page_date: dt.date | None,
        reviewed: dt.date | None) -> int:
    catalog_path = data_dir / CATALOG_FILE
    if not catalog_path.is_file():
        _say(f"{catalog_path}: no catalog there")
        return EXIT_FAILED
    before = catalog_path.read_bytes()
    outcome = refresh_from_page(page, catalog_path, page_date=page_date, reviewed=reviewed)
    if outcome.code == EXIT_FAILED or outcome.proposal is None or outcome.page is None:
        return EXIT_FAILED  # the command already printed its one line
    changed = catalog_path.read_bytes() != before
    if changed and stamp_catalog.main(["--data-dir", str(data_dir)]) != 0:
        return EXIT_FAILED
    text = markdown_report(outcome.proposal, outcome.page, label)
    try:
        body.write_text(text, encoding="utf-8")
    except OSError as exc:
        _say(f"{body}: cannot write: {exc.strerror or exc}")
        return EXIT_FAILED
    _append("GITHUB_OUTPUT", f"changed={'true' if changed else 'false'}\n")
    _append("GITHUB_STEP_SUMMARY", text)
    _say(f"{'catalog changed: open a pull request' if changed else 'nothing to change: no pull request'}; "
         f"body in {body}")
    return EXIT_CHANGED if changed else EXIT_UNCHANGED


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", help="a saved AWS 'Lambda runtimes' page (HTML or Markdown), or an https:// URL")
    parser.add_argument("--body", type=Path, required=True, help="where to write the pull request body (Markdown)")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="the rules_data folder to refresh")
    parser.add_argument("--page-date", help="the day the page was downloaded (default: from the page)")
    parser.add_argument("--reviewed", help="the catalog's new 'reviewed' day (default: the page date, or today)")
    parser.add_argument("--label", help="how the body names the page (default: the URL or file name)")
    args = parser.parse_args(argv)
    try:
        page_date = _date(args.page_date, "--page-date")
        reviewed = _date(args.reviewed, "--reviewed")
    except ValueError as exc:
        _say(str(exc))
        return EXIT_FAILED
    with tempfile.TemporaryDirectory(prefix="catalog-refresh-") as scratch:
        if "://" in args.page:
            try:
                page = download(args.page, Path(scratch))
            except (OSError, ValueError) as exc:
                _say(f"cannot download the page: {exc}")
                return EXIT_FAILED
        else:
            page = Path(args.page)
        return run(page, args.label or args.page, args.data_dir, args.body, page_date, reviewed)


if __name__ == "__main__":
    sys.exit(main())
