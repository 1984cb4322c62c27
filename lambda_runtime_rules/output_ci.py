"""Findings for CI dashboards: GitLab Code Quality JSON and JUnit XML.

Kept out of ``output`` so the pre-commit path (text) never imports ``hashlib`` or builds XML: ``render`` imports
this module only when one of these formats is asked for. Both reports carry the files that could not be read,
so a dashboard is never green about a file nobody checked.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .model import Finding
from .output import TOOL_NAME, one_line, printable, valid_unicode
from .rules import BY_CODE

# --- GitLab Code Quality ------------------------------------------------------------------------------------

GITLAB_SEVERITY = {"error": "major", "warning": "minor"}
"""GitLab's scale is info / minor / major / critical / blocker. A finding is ``major`` (error) or ``minor``
(warning), as most linters map theirs; ``blocker`` is kept for a file that could not be read at all, which is
worse than any finding because nothing in it was judged."""

INPUT_ERROR = "input-error"
"""The ``check_name`` of an unreadable file, as SARIF's notification descriptor calls it."""


def report_path(file: str, root: Path | None = None) -> str:
    """The path GitLab matches against the merge request's diff: relative to ``root`` (default: the working
    directory, the checkout in CI), POSIX separators; a file outside it keeps its absolute path."""
    base = os.path.abspath(root or os.curdir)
    absolute = os.path.abspath(file)
    try:
        relative = os.path.relpath(absolute, base)
    except ValueError:  # another drive on Windows
        return valid_unicode(Path(absolute).as_posix())
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return valid_unicode(Path(absolute).as_posix())
    return valid_unicode(Path(relative).as_posix())


def _digest(*parts: str) -> str:
    text = "\0".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.sha256(text).hexdigest()[:32]


def fingerprints(keys: Sequence[tuple[str, ...]]) -> list[str]:
    """One fingerprint per key, in order: a hash of the key, so a finding keeps it when lines move.

    The line is deliberately not part of the key (GitLab would report a moved finding as fixed and new). Two
    findings with the same key in one report (the same resource, rule and value twice) still differ: the second
    hashes its occurrence number too, counted in the report's order (file, line), which is deterministic.
    """
    seen: dict[tuple[str, ...], int] = {}
    result = []
    for key in keys:
        count = seen.get(key, 0)
        seen[key] = count + 1
        result.append(_digest(*key) if count == 0 else _digest(*key, str(count)))
    return result


def gitlab_issues(
    findings: Sequence[Finding], errors: Sequence[tuple[str, str]] = (), root: Path | None = None
) -> list[dict[str, Any]]:
    """The Code Quality issues: one per finding, then one ``blocker`` per file that could not be read."""
    paths = [report_path(f.file, root) for f in findings]
    keys = [
        (TOOL_NAME, path, valid_unicode(f.resource), f.rule, valid_unicode(f.runtime))
        for f, path in zip(findings, paths)
    ]
    issues: list[dict[str, Any]] = []
    for finding, path, fingerprint in zip(findings, paths, fingerprints(keys)):
        resource = valid_unicode(printable(finding.resource))
        issues.append(
            {
                "type": "issue",
                "check_name": finding.rule,
                "description": f"{finding.rule} {resource}: {valid_unicode(one_line(finding.message))}",
                "categories": ["Compatibility"],
                "severity": GITLAB_SEVERITY[finding.severity],
                "fingerprint": fingerprint,
                "location": {"path": path, "lines": {"begin": max(finding.line, 1)}},
            }
        )
    error_paths = [report_path(file, root) for file, _ in errors]
    error_prints = fingerprints([(TOOL_NAME, path, INPUT_ERROR) for path in error_paths])
    for (_, problem), path, fingerprint in zip(errors, error_paths, error_prints):
        issues.append(
            {
                "type": "issue",
                "check_name": INPUT_ERROR,
                "description": f"could not be read, so nothing in it was checked: {valid_unicode(one_line(problem))}",
                "categories": ["Bug Risk"],
                "severity": "blocker",
                "fingerprint": fingerprint,
                "location": {"path": path, "lines": {"begin": 1}},
            }
        )
    return issues


def format_gitlab(
    findings: Sequence[Finding], errors: Sequence[tuple[str, str]] = (), root: Path | None = None
) -> str:
    """A GitLab Code Quality report (``artifacts: reports: codequality``): a JSON array, ``[]`` when clean."""
    return json.dumps(gitlab_issues(findings, errors, root), indent=2) + "\n"


# --- JUnit XML ----------------------------------------------------------------------------------------------

_NOT_XML = re.compile("[\ufffe\uffff]")
"""What XML 1.0's ``Char`` production still forbids after ``printable`` escaped controls and surrogates."""


def xml_text(text: str) -> str:
    """One inert line that any XML 1.0 parser accepts, escaped for an attribute or element text.

    ``printable`` turns control characters (forbidden in XML 1.0 even as character references) and lone
    surrogates into backslash escapes; markup characters become entities; non-ASCII becomes character
    references, so the report stays well-formed UTF-8 whatever encoding stdout has.
    """
    safe = _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", printable(text))
    escaped = safe.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return escaped.encode("ascii", "xmlcharrefreplace").decode("ascii")


def _case(classname: str, name: str, body: str = "") -> str:
    start = f'    <testcase classname="{xml_text(classname)}" name="{xml_text(name)}" file="{xml_text(classname)}"'
    return f"{start}/>\n" if not body else f"{start}>\n{body}    </testcase>\n"


def _failure(rule: str, group: Sequence[Finding]) -> str:
    severity = "error" if rule.startswith("E") else "warning"
    count = f"{len(group)} finding{'s' if len(group) != 1 else ''}"
    lines = "".join(
        f"{f.line}:{f.column}: {rule} {xml_text(f.resource)}: {xml_text(one_line(f.message))}\n" for f in group
    )
    return f'      <failure type="{severity}" message="{count}">\n{lines}      </failure>\n'


def format_junit(
    findings: Sequence[Finding],
    errors: Sequence[tuple[str, str]] = (),
    checked: Sequence[str] = (),
    root: Path | None = None,
) -> str:
    """JUnit XML: one ``<testcase>`` per (file, rule) with findings, each a ``<failure>`` listing every finding's
    line and message; one ``<error>`` case per unreadable file; one passing case per checked file without findings.

    Warnings are failures too (``type="warning"``): the report lists findings, ``--fail-on`` decides the exit
    status. With nothing to report and no checked files known, one passing case stands for the run, because a
    dashboard shows no green for an empty suite. No times or timestamps: the same input gives the same bytes.
    """
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((report_path(finding.file, root), finding.rule), []).append(finding)
    with_findings = {path for path, _ in groups}
    unreadable = {report_path(file, root) for file, _ in errors}
    cases: list[tuple[str, str, str]] = []  # (classname, name, body) in report order
    for (path, rule), group in sorted(groups.items()):
        spec = BY_CODE.get(rule)
        cases.append((path, f"{rule} {spec.title}" if spec else rule, _failure(rule, group)))
    failures = len(cases)
    for file, problem in errors:
        body = f'      <error type="{INPUT_ERROR}" message="{xml_text(one_line(problem))}"/>\n'
        cases.append((report_path(file, root), f"{INPUT_ERROR}: the file could not be read", body))
    passing = sorted({report_path(p, root) for p in checked} - with_findings - unreadable)
    cases += [(path, "no findings", "") for path in passing]
    if not cases:
        cases.append((TOOL_NAME, f"no findings in {len(checked)} files", ""))
    counts = f'tests="{len(cases)}" failures="{failures}" errors="{len(errors)}"'
    body = "".join(_case(*case) for case in cases)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites name="{TOOL_NAME}" {counts}>\n'
        f'  <testsuite name="{TOOL_NAME}" {counts} skipped="0">\n'
        f"{body}"
        "  </testsuite>\n"
        "</testsuites>\n"
    )
