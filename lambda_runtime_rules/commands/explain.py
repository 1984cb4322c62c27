"""``explain ID`` (a rule's doc page in the terminal) and ``rules`` (the table of every rule).

Doc pages live in ``docs/rules/<CODE>.md`` in the repository and are mapped into the wheel as the
``lambda_runtime_rules.rule_docs`` package, so ``explain`` reads them the way the catalog reads its data:
importlib.resources first, the source tree as a fallback. A rule without a page still explains itself from
the rule table.
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path

from ..rules import NOTICES, RULES, RuleSpec, lookup
from .common import EXIT_OK, fail

DOCS_PACKAGE = "lambda_runtime_rules.rule_docs"


def doc_page(code: str) -> str | None:
    """The rule's Markdown page from the installed package or the source checkout, or None."""
    name = f"{code}.md"
    try:
        return resources.files(DOCS_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError, TypeError, AttributeError, OSError):
        pass
    package_root = Path(__file__).resolve().parent.parent
    # Inside a wheel the mapped folder sits next to the code even where files() refuses a package without
    # __init__.py (Python 3.9); in a checkout it is docs/rules/.
    for path in (package_root / "rule_docs" / name, package_root.parent / "docs" / "rules" / name):
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            continue
    return None


def metadata(spec: RuleSpec) -> str:
    """What the rule table knows, laid out like a short doc page."""
    return "\n".join(
        [
            f"# {spec.code} / {spec.checkov_id}: {spec.title}",
            "",
            f"Severity: {spec.severity} (Checkov: {spec.checkov_severity})",
            f"Slug: {spec.slug}",
            f"Tags: {', '.join(spec.tags)}",
            "",
            spec.description,
            "",
            f"More: {spec.url}",
        ]
    )


def valid_ids() -> str:
    return ", ".join(f"{r.code} ({r.checkov_id})" for r in RULES)


def explain(rule_id: str) -> int:
    notice = next((n for n in NOTICES if n.code == rule_id.strip().upper()), None)
    if notice is not None:  # a run notice (IL9001): its page, or what the notice table knows
        page = doc_page(notice.code) or f"# {notice.code}: {notice.title}\n\n{notice.description}\n"
        sys.stdout.write(page if page.endswith("\n") else page + "\n")
        return EXIT_OK
    spec = lookup(rule_id)
    if spec is None:
        return fail(f"unknown rule {rule_id!r}; valid IDs: {valid_ids()}")
    page = doc_page(spec.code)
    text = page if page is not None else metadata(spec)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK


def rules_table() -> str:
    header = ("Code", "Checkov ID", "Severity", "Title")
    cells = [(r.code, r.checkov_id, r.severity, r.title) for r in RULES]
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(header)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(header, widths)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    if args.command == "rules":
        sys.stdout.write(rules_table())
        return EXIT_OK
    return explain(args.rule)
