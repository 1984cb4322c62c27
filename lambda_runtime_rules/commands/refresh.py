"""``catalog refresh --from FILE [--write CATALOG] [--accept-regressions]``: a maintainer's proposal as a diff.

The report (what changed, what looks like a regression, what the page does not list) goes to stderr and the
unified diff to stdout, so ``... > proposal.diff`` is a clean patch. Exit 0 after a proposal, 1 when
``--write`` held regressions back, 2 for unreadable pages or catalogs and refused proposals.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..catalog import bundled_document
from ..refresh import Page, Proposal, RefreshError, botocore_proposal, parse_page, propose, render, unified_diff
from .common import EXIT_FINDINGS, EXIT_OK, fail

BUNDLED_NAME = "rules_data/catalog.json"


def _date_option(value: str | None, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"option {flag}: {value!r} is not a date (YYYY-MM-DD)") from None


def _base(target: Path | None) -> tuple[dict[str, Any], str]:
    """The catalog to refresh: the file --write names when it exists, else the bundled one."""
    if target is not None and target.exists():
        return json.loads(target.read_text(encoding="utf-8")), str(target)
    return bundled_document(), BUNDLED_NAME


def _write_atomically(target: Path, text: str) -> None:
    mode = target.stat().st_mode & 0o7777 if target.exists() else None
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _report(proposal: Proposal, source: str, page: Page, write: bool) -> None:
    def say(text: str = "") -> None:
        print(text, file=sys.stderr)

    dated = f", page date {page.date}" if page.date else ", page date unknown"
    say(f"catalog refresh: {source} ({page.kind}): {len(page.rows)} runtime row(s) in {page.tables} table(s){dated}")
    if proposal.changes:
        say(f"changes ({len(proposal.changes)}):")
        for change in proposal.changes:
            say(f"  {change.describe()}")
    if proposal.added:
        say(f"new runtimes ({len(proposal.added)}): {', '.join(proposal.added)}")
    if proposal.regressions:
        if proposal.applied_regressions:
            say(f"regressions ({len(proposal.regressions)}), applied because of --accept-regressions:")
        else:
            how = "--accept-regressions" if write else "--write CATALOG --accept-regressions"
            say(f"regressions ({len(proposal.regressions)}), NOT applied (review them; {how} applies them):")
        for change in proposal.regressions:
            say(f"  {change.describe()}")
    if proposal.missing:
        say(f"not on the page, left untouched ({len(proposal.missing)}): {', '.join(proposal.missing)}")
    if proposal.reviewed:
        say(f"reviewed: {proposal.reviewed[0]} -> {proposal.reviewed[1]}")
    for note in proposal.notes:
        say(f"note: {note}")


def botocore_runtimes(model: str | None) -> tuple[list[str], str]:
    """The ``Runtime`` enum of a Lambda service model, and a label naming it: the installed botocore's newest
    ``lambda/*/service-2.json`` (read from disk: no network), or the model file ``model`` names."""
    if model is not None:
        try:
            data = json.loads(Path(model).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise RefreshError(f"{model}: cannot read the service model: {reason}") from None
        label = model
    else:
        try:
            import botocore
            from botocore.loaders import Loader
        except ImportError:
            raise RefreshError("botocore is not installed (it comes with the checkov extra)") from None
        try:
            data = Loader().load_service_model("lambda", "service-2")
        except Exception as exc:  # botocore's own DataNotFoundError and friends
            raise RefreshError(f"botocore {botocore.__version__}: no Lambda service model: {exc}") from None
        label = f"botocore {botocore.__version__}"
    enum = data.get("shapes", {}).get("Runtime", {}).get("enum") if isinstance(data, dict) else None
    if not isinstance(enum, list) or not enum or not all(isinstance(v, str) for v in enum):
        raise RefreshError(f"{label}: the service model has no Runtime enum")
    return enum, label


def run_botocore(args: argparse.Namespace) -> int:
    """``catalog refresh --botocore``: new identifiers for review, on stdout as JSON; nothing is written.

    Exit 1 when the model lists identifiers the catalog lacks (a scheduled job opens a review from that), 0 when
    it lists none, 2 when the model cannot be read.
    """
    try:
        identifiers, label = botocore_runtimes(getattr(args, "botocore_model", None))
        document, name = _base(None)
    except RefreshError as exc:
        return fail(str(exc))
    proposals, absent = botocore_proposal(document, identifiers, f"botocore ({label})")
    print(f"catalog refresh: {label}: {len(identifiers)} Runtime enum value(s); {name}", file=sys.stderr)
    if proposals:
        print(
            f"new identifiers, for review ({len(proposals)}): {', '.join(p['identifier'] for p in proposals)}",
            file=sys.stderr,
        )
    else:
        print("no identifiers missing from the catalog", file=sys.stderr)
    if absent:
        print(f"in the catalog, not in this model ({len(absent)}; an older botocore?): {', '.join(absent)}",
              file=sys.stderr)
    sys.stdout.write(json.dumps(proposals, indent=2) + "\n")
    return EXIT_FINDINGS if proposals else EXIT_OK


def run(args: argparse.Namespace) -> int:
    if getattr(args, "botocore", False):
        return run_botocore(args)
    if args.source is None:
        return fail("catalog refresh: give --from FILE (a saved AWS runtimes page) or --botocore")
    try:
        page_date = _date_option(getattr(args, "page_date", None), "--page-date")
        reviewed = _date_option(getattr(args, "reviewed", None), "--reviewed")
    except ValueError as exc:
        return fail(str(exc))
    return refresh_from_page(
        Path(args.source),
        Path(args.write) if args.write else None,
        accept=bool(getattr(args, "accept_regressions", False)),
        page_date=page_date,
        reviewed=reviewed,
    ).code


@dataclasses.dataclass
class PageRefresh:
    """What one ``--from`` run did, for callers that report on it (``scripts/catalog_refresh.py``)."""

    code: int
    page: Page | None = None
    proposal: Proposal | None = None
    wrote: bool = False


def refresh_from_page(
    source: Path,
    target: Path | None,
    *,
    accept: bool = False,
    page_date: dt.date | None = None,
    reviewed: dt.date | None = None,
) -> PageRefresh:
    """``catalog refresh --from SOURCE [--write TARGET]``: the report on stderr, the diff on stdout."""
    try:
        text = source.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return PageRefresh(fail(f"{source}: cannot read: {exc.strerror or exc}"))
    try:
        page = parse_page(text)
    except RefreshError as exc:
        return PageRefresh(fail(f"{source}: {exc}"))
    page_date = page_date or page.date
    # The outermost layer may read the clock; the proposal itself only takes dates.
    reviewed = reviewed or page_date or dt.date.today()
    try:
        document, name = _base(target)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return PageRefresh(fail(f"{target}: cannot read the catalog: {exc}"))
    if page_date is not None and page.date != page_date:
        page = dataclasses.replace(page, date=page_date)
    key = f"aws-page-{(page_date or reviewed).isoformat()}"
    description = (
        f"AWS 'Lambda runtimes' page, saved copy {source.name} (page date {page_date or 'unknown'}), "
        f"applied by catalog refresh on {reviewed}."
    )
    try:
        proposal = propose(
            document, page, reviewed=reviewed, source=key, source_description=description, accept_regressions=accept
        )
    except RefreshError as exc:
        return PageRefresh(fail(f"{source}: {exc}"), page)
    except (KeyError, TypeError, AttributeError) as exc:
        return PageRefresh(fail(f"{name}: not a catalog document ({type(exc).__name__}: {exc})"), page)

    _report(proposal, str(source), page, target is not None)
    before, after = render(document), render(proposal.document)
    diff = unified_diff(before, after, name if target is None else str(target))
    held_back = bool(proposal.regressions) and not proposal.applied_regressions
    sys.stdout.write(diff)
    if not diff:
        print("no catalog changes proposed", file=sys.stderr)
    if target is None:
        return PageRefresh(EXIT_OK, page, proposal)
    if diff:
        try:
            _write_atomically(target, after)
        except OSError as exc:
            return PageRefresh(fail(f"{target}: cannot write: {exc.strerror or exc}"), page, proposal)
        print(f"wrote {target}", file=sys.stderr)
        if name == BUNDLED_NAME or target.name == "catalog.json":
            print("next: run scripts/stamp_catalog.py if this is the bundled catalog", file=sys.stderr)
    return PageRefresh(EXIT_FINDINGS if held_back else EXIT_OK, page, proposal, bool(diff))
