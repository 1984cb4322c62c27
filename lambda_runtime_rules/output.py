"""Findings as text, JSON, GitHub workflow commands or SARIF: the report formats every sub-command shares.

GitLab Code Quality and JUnit XML live in ``output_ci``, which ``render`` imports only when asked for.

Each formatter takes findings already sorted by the caller (``Finding.sort_key``) and returns the whole report
as one string, so a command can write it to stdout or a file in one go. Only the standard library is used, and
only what a format needs is imported, because a pre-commit run pays for every import.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Mapping, Sequence
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import IO, Any

from .model import Finding
from .rules import PROJECT_URL, RULES

TOOL_NAME = "lambda-runtime-rules"
SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"

_RESET = "\033[0m"
_STYLES = {"error": "\033[1;31m", "warning": "\033[1;33m", "path": "\033[1m"}


def use_color(stream: IO[str], mode: str = "auto", env: Mapping[str, str] | None = None) -> bool:
    """``always`` / ``never`` as asked; ``auto`` only on a terminal, and never when NO_COLOR is set."""
    if mode == "always":
        return True
    if mode == "never":
        return False
    env = os.environ if env is None else env
    if env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def _paint(text: str, style: str, color: bool) -> str:
    return f"{_STYLES[style]}{text}{_RESET}" if color else text


_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a non-UTF-8 file name, as the OS hands it over (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code >= 0xD800:
        return f"\\u{code:04x}"
    return _NAMED.get(char, f"\\x{code:02x}")


def printable(text: str) -> str:
    """Text that prints as one inert line in any encoding: control characters (terminal escapes, newlines in
    file names) and lone surrogates become backslash escapes. Every human-readable format goes through it."""
    return _UNSAFE.sub(_escaped, text) if _UNSAFE.search(text) else text


def valid_unicode(text: str) -> str:
    """Text every UTF-8 encoder and JSON parser accepts: lone surrogates escaped, the rest as it is (JSON
    escapes control characters itself)."""
    if text.isascii():  # nearly every string, at a fraction of the search's cost
        return text
    return _SURROGATE.sub(_escaped, text) if _SURROGATE.search(text) else text


def one_line(text: str) -> str:
    """Problems read from files may carry newlines (parser messages): a report line must stay one line."""
    return printable(" ".join(text.split()))


# --- text --------------------------------------------------------------------------------------------------


def text_line(finding: Finding, color: bool = False) -> str:
    """``path:line:col: ID message``, the shape editors and pre-commit users click through."""
    where = _paint(f"{printable(finding.file)}:{finding.line}:{finding.column}:", "path", color)
    return f"{where} {_paint(finding.rule, finding.severity, color)} {one_line(finding.message)}"


def format_text(findings: Sequence[Finding], color: bool = False) -> str:
    return "".join(text_line(f, color) + "\n" for f in findings)


# --- github -------------------------------------------------------------------------------------------------


def _github_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub's toolkit does (``%``, CR, LF), after ``one_line``."""
    return one_line(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    """A workflow command's property value: the message escapes plus ``:`` and ``,``, which end a property."""
    escaped = printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")  # a file name as it is
    return escaped.replace(":", "%3A").replace(",", "%2C")


def github_line(finding: Finding) -> str:
    """``::error file=...,line=...,col=...,title=EL1001::message``: GitHub Actions shows it as an annotation
    on the pull request's diff. ``col`` is left out when the column is unknown (0), ``line`` when the line is."""
    level = "error" if finding.severity == "error" else "warning"
    properties = [f"file={_github_property(finding.file)}"]
    if finding.line > 0:
        properties.append(f"line={finding.line}")
        if finding.column > 0:
            properties.append(f"col={finding.column}")
    properties.append(f"title={_github_property(finding.rule)}")
    return f"::{level} {','.join(properties)}::{_github_data(finding.message)}"


def format_github(findings: Sequence[Finding], errors: Sequence[tuple[str, str]] = ()) -> str:
    """One workflow command per finding, and one ``::error`` per file that could not be read (exit 2), so a
    broken file is as visible on the pull request as a finding."""
    lines = [github_line(f) for f in findings]
    lines += [f"::error file={_github_property(path)},title=lambda-runtime-rules::{_github_data(problem)}"
              for path, problem in errors]
    return "".join(line + "\n" for line in lines)


# --- json --------------------------------------------------------------------------------------------------


def finding_dict(finding: Finding) -> dict[str, Any]:
    """The JSON record: the seven documented keys, then ``runtime`` (empty when the rule is not about one)."""
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "file": valid_unicode(finding.file),
        "line": finding.line,
        "column": finding.column,
        "resource": valid_unicode(finding.resource),
        "message": valid_unicode(finding.message),
        "runtime": valid_unicode(finding.runtime),
    }


def format_json(findings: Sequence[Finding]) -> str:
    return json_records([finding_dict(f) for f in findings]) + "\n"


def json_records(records: list[dict[str, Any]]) -> str:
    """``json.dumps(records, indent=2)``, the same text, four times faster for flat records of strings and
    integers (anything else goes to json). With ``indent`` json runs its pure-Python encoder, and that was most
    of rendering a large report (25 ms for 2,000 findings), in the parent after every worker is done."""
    quote = encode_basestring_ascii  # what json.dumps itself quotes with (ensure_ascii)
    items = []
    for record in records:
        fields = []
        for key, value in record.items():
            kind = type(value)
            if kind is str:
                text = quote(value)
            elif kind is int:
                text = int.__repr__(value)
            else:
                return json.dumps(records, indent=2)
            if type(key) is not str:
                return json.dumps(records, indent=2)
            fields.append(f"    {quote(key)}: {text}")
        items.append("  {\n" + ",\n".join(fields) + "\n  }" if fields else "  {}")
    return "[\n" + ",\n".join(items) + "\n]" if items else "[]"


def format_json_object(findings: Sequence[Finding], metadata: Mapping[str, Any]) -> str:
    """``{"metadata": {...}, "findings": [...]}``: the run's facts beside the same records as ``json``, whose
    plain list stays as it is for the pipelines that read it."""
    return json.dumps({"metadata": dict(metadata), "findings": [finding_dict(f) for f in findings]}, indent=2) + "\n"


# --- sarif -------------------------------------------------------------------------------------------------


def artifact_uri(file: str, root: Path | None = None) -> tuple[str, bool]:
    """A SARIF artifact URI for ``file`` and whether it is relative to ``root`` (code scanning needs that).

    Files under ``root`` (default: the working directory, which is the checkout in CI) become relative POSIX
    paths, percent-encoded; anything else becomes an absolute ``file://`` URI.
    """
    from urllib.parse import quote

    base = Path(os.path.abspath(root or os.curdir))
    absolute = Path(os.path.abspath(file))
    try:
        relative = absolute.relative_to(base)
    except ValueError:
        return absolute.as_uri(), False
    return quote(_os_bytes(relative.as_posix())), True


def _os_bytes(path: str) -> bytes:
    """The file name's bytes (a non-UTF-8 name percent-encodes its original bytes)."""
    try:
        return path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return valid_unicode(path).encode("utf-8")


def _sarif_rule(spec: Any) -> dict[str, Any]:
    return {
        "id": spec.code,
        "name": spec.slug,
        "shortDescription": {"text": spec.title},
        "fullDescription": {"text": spec.description},
        "helpUri": spec.url,
        "help": {
            "text": f"{spec.description} See {spec.url}",
            "markdown": f"{spec.description}\n\n[{spec.code} documentation]({spec.url})",
        },
        "defaultConfiguration": {"level": spec.severity},
        "properties": {"tags": list(spec.tags), "checkovId": spec.checkov_id},
    }


def _location(file: str, line: int, column: int, root: Path | None) -> dict[str, Any]:
    uri, relative = artifact_uri(file, root)
    artifact: dict[str, Any] = {"uri": uri}
    if relative:
        artifact["uriBaseId"] = SRCROOT
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if line >= 1:  # SARIF lines and columns are 1-based; 0 means "unknown" here, so leave the region out
        region: dict[str, Any] = {"startLine": line}
        if column >= 1:
            region["startColumn"] = column
        physical["region"] = region
    return {"physicalLocation": physical}


def catalog_properties(reviewed: dt.date, as_of: dt.date) -> dict[str, Any]:
    """The driver's property bag: how old the catalog's facts were on the day the verdicts speak for.

    A reader of an archived report can tell a clean result from a stale catalog without rerunning anything.
    The age is negative when ``as_of`` lies before the review date.
    """
    from .catalog import STALE_CATALOG_DAYS

    return {
        "catalogReviewed": reviewed.isoformat(),
        "catalogAgeDays": (as_of - reviewed).days,
        "asOf": as_of.isoformat(),
        "catalogStale": (as_of - reviewed).days > STALE_CATALOG_DAYS,  # the stale-catalog notice's own test
    }


def sarif_log(
    findings: Sequence[Finding],
    errors: Sequence[tuple[str, str]] = (),
    root: Path | None = None,
    catalog_reviewed: dt.date | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run: every rule's metadata, the results, and unreadable files as notifications.

    ``errors`` are ``(file, problem)`` pairs; they make ``executionSuccessful`` false, as the exit code 2 does.
    With both ``catalog_reviewed`` and ``as_of``, ``tool.driver.properties`` records the catalog's age.
    """
    from .version import package_version

    version = package_version()
    index = {spec.code: i for i, spec in enumerate(RULES)}
    results = []
    for finding in findings:
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "level": finding.severity,
            "message": {"text": one_line(finding.message)},
            "locations": [_location(finding.file, finding.line, finding.column, root)],
        }
        if finding.rule in index:
            result["ruleIndex"] = index[finding.rule]
        resource = valid_unicode(finding.resource)
        if resource:
            result["locations"][0]["logicalLocations"] = [{"name": resource, "kind": "resource"}]
        if finding.runtime:
            result["properties"] = {"resource": resource, "runtime": valid_unicode(finding.runtime)}
        results.append(result)
    notifications = [
        {
            "level": "error",
            "message": {"text": one_line(problem)},
            "locations": [_location(file, 0, 0, root)],
            "descriptor": {"id": "input-error"},
        }
        for file, problem in errors
    ]
    invocation: dict[str, Any] = {"executionSuccessful": not errors}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    base = Path(os.path.abspath(root or os.curdir))
    driver: dict[str, Any] = {
        "name": TOOL_NAME,
        "version": version,
        "semanticVersion": version,
        "informationUri": PROJECT_URL,
        "rules": [_sarif_rule(spec) for spec in RULES],
    }
    if catalog_reviewed is not None and as_of is not None:
        driver["properties"] = catalog_properties(catalog_reviewed, as_of)
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {"driver": driver},
                "invocations": [invocation],
                "originalUriBaseIds": {SRCROOT: {"uri": base.as_uri().rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def format_sarif(
    findings: Sequence[Finding],
    errors: Sequence[tuple[str, str]] = (),
    root: Path | None = None,
    catalog_reviewed: dt.date | None = None,
    as_of: dt.date | None = None,
) -> str:
    return json.dumps(sarif_log(findings, errors, root, catalog_reviewed, as_of), indent=2) + "\n"


def render(
    fmt: str,
    findings: Sequence[Finding],
    errors: Sequence[tuple[str, str]] = (),
    color: bool = False,
    root: Path | None = None,
    catalog_reviewed: dt.date | None = None,
    as_of: dt.date | None = None,
    metadata: Mapping[str, Any] | None = None,
    checked: Sequence[str] = (),
) -> str:
    """The report in ``fmt`` (text, json, json-object, github, sarif, gitlab or junit). Text and JSON leave errors
    to stderr; GitHub's workflow commands, SARIF, GitLab Code Quality and JUnit carry them too. SARIF also carries
    the catalog's age when ``catalog_reviewed`` and ``as_of`` are given (the JSON list has no place for it); JUnit
    gives each of the ``checked`` files without findings a passing test case."""
    if fmt in ("gitlab", "junit"):  # imported only then: the pre-commit path stays small
        from . import output_ci

        if fmt == "gitlab":
            return output_ci.format_gitlab(findings, errors, root)
        return output_ci.format_junit(findings, errors, checked, root)
    if fmt == "json":
        return format_json(findings)
    if fmt == "json-object":
        return format_json_object(findings, metadata or {})
    if fmt == "github":
        return format_github(findings, errors)
    if fmt == "sarif":
        return format_sarif(findings, errors, root, catalog_reviewed, as_of)
    return format_text(findings, color)
