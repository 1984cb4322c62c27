"""``report [PATH ...] [--format markdown|csv|json|html]``: every function and layer with its runtime's standing.

The view a platform team plans upgrades from: one row per (resource, runtime value), so a parameter with
AllowedValues or an ``Fn::If`` shows each runtime it can select. Rows are sorted by urgency: update-blocked
first, then by the days left until the next phase, then whatever has no date ahead.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections import Counter
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from ..catalog import Catalog
from ..engine import (
    PREVIEW,
    UNKNOWN,
    UNMANAGED,
    Phase,
    deprecation_ahead,
    image_upgrade_advice,
    minimal_image_upgrade,
    minimal_upgrade,
    needs_upgrade,
    next_phase,
    phase,
    status,
    upgrade_advice,
)
from ..images import display as image_display
from ..images import match, parse
from ..model import FunctionSubject, LayerSubject, PolicySubject, Subject, Value
from ..output import printable, valid_unicode
from ..scan import InputError, built_dockerfiles, iter_files, judged_through_functions, load_subjects, module_folders
from ..settings import Settings
from .common import EXIT_OK, EXIT_USAGE, UsageError, context, fail, stale_catalog_warning

UNRESOLVED = "unresolved"
STATUS_ORDER = (
    Phase.UPDATE_BLOCKED.value,
    Phase.CREATE_BLOCKED.value,
    Phase.DEPRECATED.value,
    Phase.SUPPORTED.value,
    PREVIEW,
    UNMANAGED,
    UNKNOWN,
    UNRESOLVED,
)


@dataclass(frozen=True)
class Row:
    file: str
    line: int
    resource: str
    kind: str  # function | layer
    runtime: str
    via: str
    architectures: tuple[str, ...]
    update_mode: str
    status: str
    next_phase: str
    next_date: str
    days_left: int | None
    upgrade: str  # the minimal safe upgrade's identifier, if any
    advice: str  # the engine's sentence, for a runtime that is past a phase or inside the warning window

    @property
    def sort_key(self) -> tuple[int, int, str, int, str, str]:
        if self.status == Phase.UPDATE_BLOCKED.value:
            bucket, days = 0, 0
        elif self.days_left is not None:
            bucket, days = 1, self.days_left
        else:
            bucket, days = 2, STATUS_ORDER.index(self.status) if self.status in STATUS_ORDER else len(STATUS_ORDER)
        return (bucket, days, self.file, self.line, self.resource, self.runtime)


def _strings(values: tuple[Value, ...]) -> list[str]:
    return [str(v.value) for v in values if isinstance(v.value, str)]


@dataclass(frozen=True)
class Control:
    """A policy in the checked files that denies lambda:PutRuntimeManagementConfig: the control AWS recommends
    for high compliance (an SCP across the organisation) or a permissions boundary that does the same."""

    file: str
    line: int
    resource: str
    kind: str  # "service control policy" or "permissions boundary"
    conditional: bool  # the deny has a Condition: it does not always apply


@dataclass
class Controls:
    """The report's high-compliance section: the controls found and how many policies allow the action."""

    found: list[Control]
    allowing: int  # IAM policies with an EL3004 finding under the run's settings (high compliance only)
    policies: int  # IAM policies read at all

    def shown(self, settings: Settings) -> bool:
        """The section is for high compliance, or for files that hold IAM policies at all: not noise elsewhere."""
        return settings.high_compliance or self.policies > 0


_CONTROL_KINDS = {"scp": "service control policy", "boundary": "permissions boundary"}


def _controls_of(subject: PolicySubject) -> list[Control]:
    from ..engine import denying_statements

    if subject.kind not in _CONTROL_KINDS:
        return []
    return [
        Control(s.file or subject.file, s.line or subject.line, subject.resource, _CONTROL_KINDS[subject.kind],
                s.conditional)
        for s in denying_statements(subject)[:1]
    ]


def _rows_for(subject: Subject, settings: Settings, catalog: Catalog) -> list[Row]:
    if isinstance(subject, PolicySubject):  # in the control section, not the inventory
        return []
    if isinstance(subject, LayerSubject):
        kind, runtimes = "layer", subject.compatible_runtimes
        architectures, mode = tuple(dict.fromkeys(_strings(subject.compatible_architectures))), ""
    else:
        assert isinstance(subject, FunctionSubject)
        kind, runtimes = "function", subject.runtimes
        architectures = tuple(dict.fromkeys(_strings(subject.architectures)))
        mode = ", ".join(dict.fromkeys(_strings(subject.update_modes)))
    values = [v for v in runtimes if isinstance(v.value, str)] or [None]
    if isinstance(subject, FunctionSubject) and subject.base_images and values == [None]:
        return [_image_row(subject, v, architectures, settings, catalog) for v in subject.base_images]
    rows = []
    for value in values:
        rows.append(_row(subject, kind, value, architectures, mode, settings, catalog))
    return rows


def _image_row(
    subject: FunctionSubject, value: Value, architectures: tuple[str, ...], settings: Settings, catalog: Catalog
) -> Row:
    """A container-image function: its base image's runtime, judged as the engine judges images (deprecation is
    the last phase; the create and update blocks apply to .zip functions only)."""
    reference = parse(str(value.value))
    found = match(reference, catalog) if reference is not None else None
    runtime = found.runtime if found is not None else None
    name = runtime.identifier if runtime is not None else (reference.display if reference is not None else "")
    via = f"base image {reference.display}" if reference is not None else ""
    row = _row(
        subject, "function", replace(value, value=name, via=_join(via, value.via)), architectures, "", settings, catalog
    )
    if runtime is None or row.status not in (p.value for p in Phase):
        return row
    as_of, deprecated = settings.as_of, runtime.deprecated
    ahead = deprecated is not None and deprecated > as_of
    upgrade = minimal_image_upgrade(runtime, catalog, as_of, settings.warn_days, found.architecture) if found else None
    wanted = row.status != Phase.SUPPORTED.value or deprecation_ahead(runtime, as_of, settings.warn_days) is not None
    return replace(
        row,
        status=Phase.DEPRECATED.value if row.status != Phase.SUPPORTED.value else row.status,
        next_phase=Phase.DEPRECATED.value if ahead else "",
        next_date=deprecated.isoformat() if ahead and deprecated else "",
        days_left=(deprecated - as_of).days if ahead and deprecated else None,
        upgrade=image_display(upgrade) if wanted and upgrade is not None else "",
        advice=image_upgrade_advice(runtime, catalog, settings, found.architecture) if wanted and found else "",
    )


def _join(first: str, second: str) -> str:
    return "; ".join(part for part in (first, second) if part)


def _row(
    subject: Subject,
    kind: str,
    value: Value | None,
    architectures: tuple[str, ...],
    mode: str,
    settings: Settings,
    catalog: Catalog,
) -> Row:
    as_of = settings.as_of
    name = str(value.value) if value is not None else ""
    line = value.line if value is not None and value.line else subject.line
    fields = {
        # a value written in another file (an include, a variable default) is reported where it is written
        "file": value.file if value is not None and value.line and value.file else subject.file,
        "line": line,
        "resource": subject.resource,
        "kind": kind,
        "runtime": name,
        "via": value.via if value is not None else "",
        "architectures": architectures,
        "update_mode": mode,
        "next_phase": "",
        "next_date": "",
        "days_left": None,
        "upgrade": "",
        "advice": "",
    }
    runtime = catalog.get(name) if value is not None else None
    if value is None:
        return Row(status=UNRESOLVED, **fields)  # type: ignore[arg-type]
    word = status(runtime, as_of)
    if runtime is None or word in (UNKNOWN, UNMANAGED, PREVIEW):
        return Row(status=word, **fields)  # type: ignore[arg-type]
    current = phase(runtime, as_of)
    ahead = next_phase(runtime, as_of)
    if ahead is not None:
        fields["next_phase"] = ahead[0].value
        fields["next_date"] = ahead[1].isoformat()
        fields["days_left"] = (ahead[1] - as_of).days
    if needs_upgrade(runtime, as_of, settings.warn_days):  # as the Markdown's column: no upgrade for a sound runtime
        upgrade = minimal_upgrade(runtime, catalog, as_of, settings.warn_days)
        fields["upgrade"] = upgrade.identifier if upgrade is not None else ""
        fields["advice"] = upgrade_advice(runtime, catalog, settings)
    return Row(status=current.value, **fields)  # type: ignore[arg-type]


def collect(paths: list[str], settings: Settings, catalog: Catalog) -> tuple[list[Row], list[str]]:
    """Rows for every function and layer under ``paths``, and one error line per unreadable file."""
    rows, errors, _controls = collect_all(paths, settings, catalog)
    return rows, errors


def collect_all(paths: list[str], settings: Settings, catalog: Catalog) -> tuple[list[Row], list[str], Controls]:
    """``collect``, plus the high-compliance control section (IAM policies are read whatever the settings)."""
    from ..engine import evaluate

    controls = Controls([], 0, 0)
    rows: list[Row] = []
    errors: list[str] = []
    files = iter_files(paths)
    modules = module_folders(files)  # judged through their callers, as check does
    loaded: list[tuple[Path, str, list[Subject]]] = []
    for path in files:
        try:
            kind, subjects = load_subjects(path, as_module=str(path.parent) in modules, policies=True)
        except InputError as exc:
            errors.append(str(exc))
            if exc.partial is None:
                continue
            kind, subjects = exc.partial  # what could still be read (a Serverless file with a missing include)
        except Exception as exc:  # an adapter bug must cost one file, never the report
            errors.append(f"{path}: cannot be read ({type(exc).__name__}: {exc})")
            continue
        loaded.append((path, kind, subjects))
    built = frozenset().union(*(built_dockerfiles(subjects) for _, _, subjects in loaded))
    for path, kind, subjects in loaded:
        if judged_through_functions(str(path), kind, built):  # its row is the function's, as in check
            continue
        for subject in subjects:
            if isinstance(subject, PolicySubject):
                controls.policies += 1
                controls.found.extend(_controls_of(subject))
                controls.allowing += bool(evaluate(subject, settings, catalog))
            rows.extend(_rows_for(subject, settings, catalog))
    rows.sort(key=lambda r: r.sort_key)
    controls.found.sort(key=lambda c: (c.file, c.line, c.resource))
    return rows, errors, controls


CONTROL_HEADING = "High-compliance control"


def control_lines(controls: Controls, settings: Settings) -> list[str]:
    """The section's sentences, as plain text (Markdown and HTML render them): whether the checked files deny
    lambda:PutRuntimeManagementConfig in an SCP or a permissions boundary, where, and what still allows it."""
    action = "lambda:PutRuntimeManagementConfig"
    out: list[str] = []
    if controls.found:
        out.append(f"The checked files deny {action}, the control AWS recommends for high compliance, in:")
        for c in controls.found:
            where = f"{c.file}:{c.line}" if c.line else c.file
            note = " (with a Condition: it does not always apply)" if c.conditional else ""
            out.append(f"- {c.kind} {c.resource} at {where}{note}")
    else:
        out.append(
            f"No service control policy or permissions boundary in the checked files denies {action}: the control "
            "AWS recommends for high compliance (an SCP across the organisation, exceptions case by case) is not "
            "here; it may live in another repository."
        )
    if settings.high_compliance:
        out.append(f"{controls.allowing} of {controls.policies} IAM policies read allow {action} (EL3004).")
    else:
        out.append(f"{controls.policies} IAM policies read; EL3004 judges them only under high compliance.")
    return out


def summary(rows: list[Row]) -> str:
    counts = Counter(r.status for r in rows)
    order = [s for s in STATUS_ORDER if s in counts]
    parts = ", ".join(f"{counts[s]} {s}" for s in order)
    resources = len({(r.file, r.resource) for r in rows})
    return f"{resources} resource(s), {len(rows)} runtime value(s)" + (f": {parts}" if parts else "")


MARKDOWN_COLUMNS = (
    ("File", lambda r: f"{r.file}:{r.line}" if r.line else r.file),
    ("Resource", lambda r: r.resource),
    ("Kind", lambda r: r.kind),
    ("Runtime", lambda r: (f"{r.runtime} ({r.via})" if r.via else r.runtime) or "-"),
    ("Architectures", lambda r: ", ".join(r.architectures) or "-"),
    ("Update mode", lambda r: r.update_mode or "-"),
    ("Status", lambda r: r.status),
    ("Next phase", lambda r: r.next_phase or "-"),
    ("Date", lambda r: r.next_date or "-"),
    ("Days left", lambda r: "-" if r.days_left is None else str(r.days_left)),
    ("Suggested upgrade", lambda r: r.advice or "-"),
)
CSV_FIELDS = (
    "file",
    "line",
    "resource",
    "kind",
    "runtime",
    "via",
    "architectures",
    "update_mode",
    "status",
    "next_phase",
    "next_date",
    "days_left",
    "upgrade",
    "advice",
)


def _escape(text: str) -> str:
    """A Markdown table cell: no pipe ends it, no newline or terminal escape sequence passes through."""
    return printable(text).replace("|", "\\|")


def render_markdown(
    rows: list[Row], settings: Settings, catalog: Catalog, controls: Controls | None = None
) -> str:
    header = [name for name, _ in MARKDOWN_COLUMNS]
    lines = [
        f"# Lambda runtime report (as of {settings.as_of}; catalog reviewed {catalog.reviewed})",
        "",
        summary(rows),
        "",
    ]
    stale = stale_catalog_warning(settings, catalog)
    if stale:
        lines[2:2] = [f"> **Warning:** {_escape(stale[0].upper() + stale[1:])}.", ""]
    if not rows:
        lines.append("No Lambda functions or layers found.")
    else:
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "|".join("---" for _ in header) + "|")
        for row in rows:
            lines.append("| " + " | ".join(_escape(get(row)) for _, get in MARKDOWN_COLUMNS) + " |")
    if controls is not None and controls.shown(settings):
        lines.extend(["", f"## {CONTROL_HEADING}", ""])
        lines.extend(_escape(line) if not line.startswith("- ") else "- " + _escape(line[2:])
                     for line in control_lines(controls, settings))
    return "\n".join(lines) + "\n"


def render_csv(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for row in rows:
        data = asdict(row)
        data["architectures"] = " ".join(row.architectures)
        data["days_left"] = "" if row.days_left is None else row.days_left
        writer.writerow([printable(v) if isinstance(v, str) else v for v in (data[name] for name in CSV_FIELDS)])
    return buffer.getvalue()


def render_json(rows: list[Row]) -> str:
    out = []
    for row in rows:
        data = asdict(row)
        data["architectures"] = list(row.architectures)
        values = (data[name] for name in CSV_FIELDS)
        out.append(dict(zip(CSV_FIELDS, (valid_unicode(v) if isinstance(v, str) else v for v in values))))
    return json.dumps(out, indent=2) + "\n"


def run(args: argparse.Namespace) -> int:
    try:
        settings, catalog = context(args)
    except UsageError as exc:
        return fail(str(exc))
    stale = stale_catalog_warning(settings, catalog)
    if stale:  # as check says it: a report on an old catalog must not look authoritative
        print(f"lambda-runtime-rules: warning: {stale}", file=sys.stderr)
    rows, errors, controls = collect_all(list(args.paths), settings, catalog)
    for error in errors:
        print(f"lambda-runtime-rules: {error}", file=sys.stderr)
    if args.format == "csv":
        text = render_csv(rows)
    elif args.format == "json":
        text = render_json(rows)
    elif args.format == "html":
        from .report_html import render_html  # imported here: report_html builds on this module's rows

        text = render_html(rows, settings, catalog, controls)
    else:
        text = render_markdown(rows, settings, catalog, controls)
    sys.stdout.write(text)
    return EXIT_USAGE if errors else EXIT_OK
