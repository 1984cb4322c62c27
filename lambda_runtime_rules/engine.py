"""The pure policy engine: subjects + settings + catalog -> findings.

No I/O, no clock, no host imports: adapters hand in values they found, this module decides. Dates are
Pacific calendar days (each phase starts at midnight America/Los_Angeles), so comparing ``as_of`` with a
catalog date is a plain date comparison.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from enum import Enum
from typing import TYPE_CHECKING

from .catalog import Catalog, Runtime
from .model import Finding, FunctionSubject, LayerSubject, PolicySubject, Statement, Subject, Value, single_line
from .settings import Settings

if TYPE_CHECKING:
    from .images import Match

ARCHITECTURES = ("x86_64", "arm64")
MODE_AUTO, MODE_FUNCTION_UPDATE, MODE_MANUAL = "Auto", "FunctionUpdate", "Manual"
RUNTIME_VERSION_ARN = re.compile(r"arn:aws[a-z0-9-]*:lambda:[a-z0-9-]+::runtime:[0-9a-f]{64}")
RUNTIME_MANAGEMENT_ACTION = "lambda:PutRuntimeManagementConfig"


class Phase(str, Enum):
    """Where a runtime stands on a given day; later members are more advanced."""

    SUPPORTED = "supported"
    DEPRECATED = "deprecated"
    CREATE_BLOCKED = "create-blocked"
    UPDATE_BLOCKED = "update-blocked"


def _reached(day: dt.date | None, as_of: dt.date) -> bool:
    return day is not None and day <= as_of


def phase(runtime: Runtime, as_of: dt.date) -> Phase:
    """The most advanced phase whose date has arrived (old runtimes were create-blocked before deprecation)."""
    if _reached(runtime.block_update, as_of):
        return Phase.UPDATE_BLOCKED
    if _reached(runtime.block_create, as_of):
        return Phase.CREATE_BLOCKED
    if _reached(runtime.deprecated, as_of):
        return Phase.DEPRECATED
    return Phase.SUPPORTED


UNKNOWN, PREVIEW, UNMANAGED = "unknown", "preview", "unmanaged"


def status(runtime: Runtime | None, as_of: dt.date) -> str:
    """The one status word every output uses: a phase's value, or unknown / unmanaged / preview.

    ``custom`` (a customer-managed runtime) is ``unmanaged``: its publisher owns its lifecycle. A preview has no
    dates yet. Neither is "supported" in the sense of a phase that AWS will end.
    """
    if runtime is None:
        return UNKNOWN
    if not runtime.managed:
        return UNMANAGED
    if runtime.preview:
        return PREVIEW
    return phase(runtime, as_of).value


def needs_upgrade(runtime: Runtime, as_of: dt.date, warn_days: int) -> bool:
    """Past a phase, or deprecated within the warning window: the one rule for giving an upgrade anywhere."""
    if not runtime.managed or runtime.preview:
        return False
    return phase(runtime, as_of) is not Phase.SUPPORTED or deprecation_ahead(runtime, as_of, warn_days) is not None


def next_phase(runtime: Runtime, as_of: dt.date) -> tuple[Phase, dt.date] | None:
    """The next phase still ahead of ``as_of`` and its date, for the inventory report."""
    upcoming = [
        (day, ph)
        for ph, day in (
            (Phase.DEPRECATED, runtime.deprecated),
            (Phase.CREATE_BLOCKED, runtime.block_create),
            (Phase.UPDATE_BLOCKED, runtime.block_update),
        )
        if day is not None and day > as_of
    ]
    if not upcoming:
        return None
    day, ph = min(upcoming)
    return ph, day


def deprecation_ahead(runtime: Runtime, as_of: dt.date, warn_days: int) -> int | None:
    """Days until the runtime's deprecation when it falls within the warning window (WL1004), else None."""
    if runtime.deprecated is None:
        return None
    left = (runtime.deprecated - as_of).days
    return left if 0 < left <= warn_days else None


def _plus_days(day: dt.date, days: int) -> dt.date:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:  # a huge warn_days near year 9999: the window simply covers everything
        return dt.date.max


def _safe(candidate: Runtime, as_of: dt.date, warn_days: int) -> bool:
    horizon = _plus_days(as_of, warn_days)
    return (
        candidate.managed
        and not candidate.preview
        and candidate.zip_capable
        and phase(candidate, as_of) is Phase.SUPPORTED
        and (candidate.deprecated is None or candidate.deprecated > horizon)
    )


def minimal_upgrade(runtime: Runtime, catalog: Catalog, as_of: dt.date, warn_days: int) -> Runtime | None:
    """The oldest runtime of the same family, newer than this one, not deprecated within the window."""
    for candidate in catalog.family(runtime.family):
        if candidate.order_key > runtime.order_key and _safe(candidate, as_of, warn_days):
            return candidate
    return None


def latest_upgrade(runtime: Runtime, catalog: Catalog, as_of: dt.date) -> Runtime | None:
    """The newest generally available runtime of the same family, if it is newer than this one."""
    for candidate in reversed(catalog.family(runtime.family)):
        if candidate.order_key > runtime.order_key and _safe(candidate, as_of, 0):
            return candidate
    return None


def minimal_image_upgrade(
    runtime: Runtime, catalog: Catalog, as_of: dt.date, warn_days: int, architecture: str = ""
) -> Runtime | None:
    """The oldest newer runtime whose base image is in the same repository (for this architecture, when one is
    named) and is not deprecated within the window. Block phases do not matter: they apply to .zip functions only.
    """
    image = runtime.image
    if image is None:
        return None
    horizon = _plus_days(as_of, warn_days)
    for candidate in catalog.family(runtime.family):
        found = candidate.image
        if (
            candidate.order_key > runtime.order_key
            and not candidate.preview
            and found is not None
            and found.repository == image.repository
            and (not architecture or architecture in found.architectures)
            and (candidate.deprecated is None or candidate.deprecated > horizon)
        ):
            return candidate
    return None


def image_upgrade_advice(runtime: Runtime, catalog: Catalog, settings: Settings, architecture: str = "") -> str:
    """'rebuild on python:3.11 (minimal safe upgrade) or python:3.14 (successor)': images, not identifiers.

    Memoised per catalog and (runtime, architecture, as_of, warn_days): a tree repeats the same base image."""
    key = ("image-advice", runtime.identifier, architecture, settings.as_of, settings.warn_days)
    cached = catalog.memo.get(key)
    if cached is None:
        cached = catalog.memo[key] = _image_upgrade_advice(runtime, catalog, settings, architecture)
    return cached  # type: ignore[return-value]


def _image_upgrade_advice(runtime: Runtime, catalog: Catalog, settings: Settings, architecture: str) -> str:
    from .images import display

    minimal = minimal_image_upgrade(runtime, catalog, settings.as_of, settings.warn_days, architecture)
    successor = catalog.get(runtime.successor) if runtime.successor else None
    if successor is not None and successor.image is None:
        successor = None
    if minimal is None:
        if successor is not None and successor.family != runtime.family:
            return f"move to {display(successor)} (successor; a different family, so code changes are needed)"
        if successor is not None:
            return f"rebuild on {display(successor)} (successor)"
        return "no supported base image of the same family is in the catalog"
    if successor is None or successor.identifier == minimal.identifier:
        return f"rebuild on {display(minimal)}"
    return f"rebuild on {display(minimal)} (minimal safe upgrade) or {display(successor)} (successor)"


def upgrade_advice(runtime: Runtime, catalog: Catalog, settings: Settings) -> str:
    """'upgrade to python3.11 (minimal safe upgrade) or python3.14 (successor)', never 'None'.

    Memoised per catalog and (runtime, as_of, warn_days): the advice depends on nothing else, and a large
    tree asks for the same runtime thousands of times."""
    key = ("advice", runtime.identifier, settings.as_of, settings.warn_days)
    cached = catalog.memo.get(key)
    if cached is None:
        cached = catalog.memo[key] = _upgrade_advice(runtime, catalog, settings)
    return cached  # type: ignore[return-value]


def _upgrade_advice(runtime: Runtime, catalog: Catalog, settings: Settings) -> str:
    minimal = minimal_upgrade(runtime, catalog, settings.as_of, settings.warn_days)
    successor = catalog.get(runtime.successor) if runtime.successor else None
    if minimal is None:
        if successor is not None and successor.family != runtime.family:
            return f"move to {successor.identifier} (successor; a different family, so code changes are needed)"
        if successor is not None:
            return f"upgrade to {successor.identifier} (successor)"
        return "no supported successor is in the catalog"
    if successor is None or successor.identifier == minimal.identifier:
        return f"upgrade to {minimal.identifier}"
    return f"upgrade to {minimal.identifier} (minimal safe upgrade) or {successor.identifier} (successor)"


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def _describe_phase(runtime: Runtime, as_of: dt.date) -> tuple[str | None, str]:
    """The lifecycle rule code for a function on this runtime, and a sentence about its dates."""
    rid = runtime.identifier
    current = phase(runtime, as_of)
    if current is Phase.UPDATE_BLOCKED:
        return "EL1001", (
            f"Runtime {rid} is update-blocked since {runtime.block_update}: functions on it can no longer be updated"
        )
    if current is Phase.CREATE_BLOCKED:
        then = (
            f"updates are blocked from {runtime.block_update}"
            if runtime.block_update
            else "no update-block date is announced"
        )
        return "EL1002", (
            f"Runtime {rid} is create-blocked since {runtime.block_create}: new functions cannot be created on it; "
            f"{then}"
        )
    if current is Phase.DEPRECATED:
        then = (
            f"creating functions is blocked from {runtime.block_create}"
            if runtime.block_create
            else "no block date is announced"
        )
        return "WL1003", f"Runtime {rid} is deprecated since {runtime.deprecated} (no more security patches); {then}"
    return None, ""


def _suffix(value: Value) -> str:
    return f" ({value.via})" if value.via else ""


class _Collector:
    """Builds findings for one subject and applies exceptions, so every rule is suppressed the same way."""

    def __init__(self, subject: Subject, settings: Settings) -> None:
        self.subject = subject
        self.settings = settings
        self.findings: list[Finding] = []

    def add(self, rule: str, value: Value | None, message: str, runtime: str = "") -> None:
        line = value.line if value is not None and value.line else self.subject.line
        column = value.column if value is not None and value.line else 0
        file = value.file if value is not None and value.file else self.subject.file
        for suppression in self.subject.suppressions:  # written in the file: cfn-lint, Checkov or our own form
            if suppression.covers(rule, file, line):
                if not suppression.problem:
                    return
                message += f" ({suppression.problem})"
        expired = None
        for exemption in self.settings.exceptions:
            if exemption.matches(self.subject.resource, rule, file) or (
                file != self.subject.file and exemption.matches(self.subject.resource, rule, self.subject.file)
            ):
                if exemption.active(self.settings.as_of):
                    return
                expired = exemption
        if expired is not None:
            message += f" (the exception for {self.subject.resource} expired on {expired.expires})"
        finding = Finding(rule, self.subject.resource, line, column, single_line(message), file, runtime)
        if finding not in self.findings:
            self.findings.append(finding)


def _strings(values: Iterable[Value]) -> list[Value]:
    return [v for v in values if isinstance(v.value, str)]


def close_match(name: str, catalog: Catalog) -> str | None:
    """The catalog identifier nearest to an unknown ``name`` ("did you mean"), computed once per name.

    difflib compares the name with every identifier; on a typo-heavy tree that was 12 % of a run, recomputed
    for every occurrence of the same typo."""
    key = ("close", name)
    if key not in catalog.memo:
        import difflib  # imported with the first unknown name: most runs have none

        hint = difflib.get_close_matches(name, list(catalog.runtimes), n=1)
        catalog.memo[key] = hint[0] if hint else None
    return catalog.memo[key]  # type: ignore[return-value]


def close_image_match(reference: str, catalog: Catalog) -> str | None:
    """The catalog base image (``repository:tag``) nearest to an unmapped one, computed once per reference."""
    key = ("close-image", reference)
    if key not in catalog.memo:
        tags_key = ("image-tags",)
        tags = catalog.memo.get(tags_key)
        if tags is None:
            tags = catalog.memo[tags_key] = sorted(
                f"{r.image.repository}:{tag}"
                for r in catalog
                if r.image is not None and r.managed and not r.preview
                for tag in r.image.tags
            )
        import difflib

        hint = difflib.get_close_matches(reference, tags, n=1)  # type: ignore[arg-type]
        catalog.memo[key] = hint[0] if hint else None
    return catalog.memo[key]  # type: ignore[return-value]


def _unknown(collector: _Collector, value: Value, catalog: Catalog) -> None:
    name = str(value.value)
    hint = close_match(name, catalog)
    maybe = f"; did you mean {hint}?" if hint else ""
    collector.add(
        "WL1005",
        value,
        f"Runtime {name!r} is not in the catalog (reviewed {catalog.reviewed}): a typo, or newer than the "
        f"catalog{maybe}{_suffix(value)}",
        name,
    )


def _function(subject: FunctionSubject, settings: Settings, catalog: Catalog) -> list[Finding]:
    out = _Collector(subject, settings)
    as_of = settings.as_of
    known: list[tuple[Value, Runtime]] = []
    for value in _strings(subject.runtimes):
        runtime = catalog.get(value.value)  # type: ignore[arg-type]
        if runtime is None:
            _unknown(out, value, catalog)
            continue
        if not runtime.managed:
            continue
        known.append((value, runtime))
        if runtime.preview:
            continue
        code, text = _describe_phase(runtime, as_of)
        left = deprecation_ahead(runtime, as_of, settings.warn_days) if code is None else None
        if left is not None:
            code = "WL1004"
            text = f"Runtime {runtime.identifier} will be deprecated on {runtime.deprecated}, in {_days(left)}"
        if code is not None:
            advice = upgrade_advice(runtime, catalog, settings)
            out.add(code, value, f"{text}; {advice}{_suffix(value)}", runtime.identifier)

    for arch in _strings(subject.architectures):
        if arch.value not in ARCHITECTURES:
            continue
        for value, runtime in known:
            if arch.value not in runtime.architectures:
                out.add(
                    "EL2001",
                    arch,
                    f"Runtime {runtime.identifier} ({runtime.os_label or 'unknown OS'}) cannot run on "
                    f"{arch.value}; it supports {', '.join(runtime.architectures) or 'no architecture'}"
                    f"{_suffix(value) or _suffix(arch)}",
                    runtime.identifier,
                )

    _not_offered_in_region(subject, known, settings, catalog, out)
    _base_images(subject, settings, catalog, out)
    _update_mode(subject, settings, out)
    _edge(subject, known, out)
    return out.findings


def _edge(subject: FunctionSubject, known: list[tuple[Value, Runtime]], out: _Collector) -> None:
    """EL2002: a function a CloudFront distribution associates must fit Lambda@Edge's restrictions.

    CloudFront's "Restrictions on Lambda@Edge" lists the runtimes it runs (catalog field ``lambda_edge``) and the
    Lambda features it does not support; of those, this checks what a template states: the arm64 architecture,
    layers, container images and a runtime management mode other than Auto. Each violation sits on its value.
    """
    if not subject.edge_distributions:
        return
    names = ", ".join(subject.edge_distributions)
    plural = "s" if len(subject.edge_distributions) > 1 else ""
    edge = f"{subject.resource} is a Lambda@Edge function (associated with CloudFront distribution{plural} {names})"
    for value, runtime in known:
        if not runtime.lambda_edge:
            out.add(
                "EL2002",
                value,
                f"{edge}: Lambda@Edge does not run runtime {runtime.identifier}; it runs Node.js and Python runtimes"
                f"{_suffix(value)}",
                runtime.identifier,
            )
    for arch in _strings(subject.architectures):
        if arch.value == "arm64":
            text = f"{edge}: Lambda@Edge does not support the arm64 architecture; use x86_64{_suffix(arch)}"
            out.add("EL2002", arch, text)
    for layer in subject.layers:
        shown = f" {layer.value}" if isinstance(layer.value, str) and layer.value else ""
        out.add("EL2002", layer, f"{edge}: Lambda@Edge does not support layers; remove layer{shown}{_suffix(layer)}")
    for package in _strings(subject.package_types):
        if package.value == "Image":
            out.add(
                "EL2002",
                package,
                f"{edge}: Lambda@Edge does not support container images; deploy a .zip package{_suffix(package)}",
            )
    for mode in _strings(subject.update_modes):
        if mode.value in (MODE_MANUAL, MODE_FUNCTION_UPDATE):
            out.add(
                "EL2002",
                mode,
                f"{edge}: Lambda@Edge supports only the Auto runtime management mode, not {mode.value}{_suffix(mode)}",
            )


def deployment_regions(subject: FunctionSubject, settings: Settings) -> list[Value]:
    """Where the function deploys: the file's own literal Region(s), else the ``region`` setting.

    The file wins because it is where that code really deploys; a setting is one default for a whole run, and a
    repository deploying one folder to Calgary and another to Virginia must be judged per folder."""
    written = _strings(subject.regions)
    if written:
        return written
    return [Value(settings.region, via="the region setting")] if settings.region else []


def _not_offered_in_region(
    subject: FunctionSubject, known: list[tuple[Value, Runtime]], settings: Settings, catalog: Catalog, out: _Collector
) -> None:
    """EL1006: the Region launched after the runtime's cut-off, so a function on it cannot be created there.

    AWS: "For new regions, Lambda will not support runtimes that are set to be deprecated within the next six
    months." A Region launched on or after the day ``new_region_months`` before a runtime's deprecation (or after
    the deprecation itself) never offered that runtime. Where EL1001/EL1002 already block the runtime everywhere
    this adds nothing, so it stays quiet; a Region without a sourced launch date is not judged (the faces say so).
    """
    blocked = (Phase.CREATE_BLOCKED, Phase.UPDATE_BLOCKED)
    candidates = [
        (value, runtime, runtime.deprecated)
        for value, runtime in known
        if not runtime.preview and runtime.deprecated is not None and phase(runtime, settings.as_of) not in blocked
    ]
    places = deployment_regions(subject, settings) if candidates else []
    if not places:
        return
    from .regions import cut_off  # only a run with a Region in play reads the Region data

    table = catalog.regions
    for where in places:
        region = table.get(str(where.value))
        if region is None or region.launched is None:
            continue
        for value, runtime, deprecated in candidates:
            if region.launched < cut_off(deprecated, table):
                continue
            why = (
                f"it was already deprecated on {deprecated}"
                if deprecated <= region.launched
                else f"its deprecation date {deprecated} is within {table.new_region_months} months of that launch"
            )
            origin = where.via or "the file"
            out.add(
                "EL1006",
                value,
                f"Runtime {runtime.identifier} is not offered in Region {region.code} ({region.name}), launched "
                f"{region.launched}: {why}, and a new Region does not offer such a runtime, so creating the function "
                f"there fails; {upgrade_advice(runtime, catalog, settings)}{_suffix(value)} (Region from {origin})",
                runtime.identifier,
            )


def _base_images(subject: FunctionSubject, settings: Settings, catalog: Catalog, out: _Collector) -> None:
    """A function built FROM an AWS Lambda base image, judged by AWS's policy for images.

    Deprecation means AWS publishes no more patched base images (WL1003), announced ahead by WL1004; blocking
    function create and update applies to .zip functions only, so an image never gets EL1001/EL1002. An
    architecture the runtime has no image for (a tag suffix or ``--platform``) is EL2001.
    """
    written = _strings(subject.base_images)
    if not written:
        return
    from .images import match, parse  # only a function built from an image reads image references

    as_of = settings.as_of
    platforms = [arch for arch in _strings(subject.architectures) if arch.value in ARCHITECTURES]
    for value in written:
        reference = parse(value.value)  # type: ignore[arg-type]
        if reference is None:
            continue
        found = match(reference, catalog)
        runtime = found.runtime
        if runtime is None or runtime.image is None:
            _unknown_image(out, value, found, catalog)
            continue
        if not runtime.managed or runtime.preview:
            continue
        name, rid = reference.display, runtime.identifier
        advice = image_upgrade_advice(runtime, catalog, settings, found.architecture)
        left = deprecation_ahead(runtime, as_of, settings.warn_days)
        if _reached(runtime.deprecated, as_of):
            out.add(
                "WL1003",
                value,
                f"Base image {name} ({rid}) is deprecated since {runtime.deprecated}: AWS publishes no more patched "
                f"base images for it (the create and update blocks apply to .zip functions only); {advice}"
                f"{_suffix(value)}",
                rid,
            )
        elif left is not None:
            out.add(
                "WL1004",
                value,
                f"Base image {name} ({rid}) will be deprecated on {runtime.deprecated}, in {_days(left)}: AWS "
                f"stops publishing patched base images for it then; {advice}{_suffix(value)}",
                rid,
            )
        wanted = [(value, found.architecture)] if found.architecture else []
        wanted += [(arch, str(arch.value)) for arch in platforms]
        for where, arch in wanted:
            if arch not in runtime.image.architectures:
                out.add(
                    "EL2001",
                    where,
                    f"Base image {name} ({rid}, {runtime.os_label or 'unknown OS'}) has no {arch} image; AWS "
                    f"publishes it for {', '.join(runtime.image.architectures)}{_suffix(where)}",
                    rid,
                )


def _unknown_image(out: _Collector, value: Value, found: Match, catalog: Catalog) -> None:
    reference = found.reference
    if found.base == "" and reference.tag.split("-")[0] in ("", "latest"):
        why = "latest moves to every new runtime, so no runtime can be judged; pin a runtime's tag"
    else:
        hint = close_image_match(reference.display, catalog)
        why = "a typo, or newer than the catalog" + (f"; did you mean {hint}?" if hint else "")
    out.add(
        "WL1005",
        value,
        f"Base image {reference.display} maps to no runtime in the catalog (reviewed {catalog.reviewed}): {why}"
        f"{_suffix(value)}",
        reference.display,
    )


def _update_mode(subject: FunctionSubject, settings: Settings, out: _Collector) -> None:
    arns = _strings(subject.runtime_version_arns)
    has_arn = bool(subject.runtime_version_arns)
    for mode in _strings(subject.update_modes):
        forbidden = mode.value == MODE_MANUAL or (
            mode.value == MODE_FUNCTION_UPDATE and not settings.allow_function_update
        )
        if settings.high_compliance and forbidden:
            why = "" if mode.value == MODE_MANUAL else " and allow_function_update is false"
            out.add(
                "EL3001",
                mode,
                f"UpdateRuntimeOn is {mode.value}, which high compliance forbids{why}: use Auto so the runtime "
                f"keeps receiving security patches, or record an approved exception{_suffix(mode)}",
            )
        elif mode.value == MODE_MANUAL:
            out.add(
                "WL3002",
                mode,
                "UpdateRuntimeOn is Manual: the function stops receiving runtime security patches; use Manual "
                f"only as a temporary rollback and return to Auto{_suffix(mode)}",
            )
        if mode.value == MODE_MANUAL and not has_arn:
            out.add(
                "EL3003",
                mode,
                f"UpdateRuntimeOn is Manual without a RuntimeVersionArn: the deployment fails{_suffix(mode)}",
            )
        elif mode.value in (MODE_AUTO, MODE_FUNCTION_UPDATE):
            for arn in arns:
                out.add(
                    "EL3003",
                    arn,
                    f"RuntimeVersionArn is set but UpdateRuntimeOn is {mode.value}: the ARN pins nothing; "
                    f"remove it or use Manual{_suffix(arn)}",
                )
    for arn in arns:
        if not RUNTIME_VERSION_ARN.fullmatch(arn.value):  # type: ignore[arg-type]
            out.add(
                "EL3003",
                arn,
                f"RuntimeVersionArn {arn.value!r} is not of the form "
                f"arn:<partition>:lambda:<region>::runtime:<64 hex digits>{_suffix(arn)}",
            )


def _layer(subject: LayerSubject, settings: Settings, catalog: Catalog) -> list[Finding]:
    out = _Collector(subject, settings)
    as_of = settings.as_of
    known: list[tuple[Value, Runtime]] = []
    for value in _strings(subject.compatible_runtimes):
        runtime = catalog.get(value.value)  # type: ignore[arg-type]
        if runtime is None:
            _unknown(out, value, catalog)
            continue
        if not runtime.managed:
            continue
        known.append((value, runtime))
        if runtime.preview:
            continue
        code, text = _describe_phase(runtime, as_of)
        if code is not None:
            out.add(
                "WL4001",
                value,
                f"Layer lists {runtime.identifier} as compatible: {text[0].lower()}{text[1:]}; "
                f"{upgrade_advice(runtime, catalog, settings)}{_suffix(value)}",
                runtime.identifier,
            )
    for arch in _strings(subject.compatible_architectures):
        if arch.value not in ARCHITECTURES:
            continue
        unable = sorted({r.identifier for _, r in known if arch.value not in r.architectures})
        if unable:
            out.add(
                "EL4002",
                arch,
                f"Layer claims {arch.value}, which its compatible runtime(s) {', '.join(unable)} cannot run"
                f"{_suffix(arch)}",
            )
    return out.findings


# --- IAM policies (EL3004) -------------------------------------------------------------------------------------

_PATTERNS: dict[str, re.Pattern[str]] = {}


def action_matches(pattern: str, action: str = RUNTIME_MANAGEMENT_ACTION) -> bool:
    """IAM's action matching: case-insensitive, ``*`` any run of characters, ``?`` exactly one, nothing else."""
    compiled = _PATTERNS.get(pattern)
    if compiled is None:
        if len(_PATTERNS) > 4096:  # a bound for hostile input: patterns are few in real files
            _PATTERNS.clear()
        text = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern.strip())
        compiled = _PATTERNS[pattern] = re.compile(text, re.IGNORECASE | re.DOTALL)
    return compiled.fullmatch(action) is not None


def covers(statement: Statement, action: str = RUNTIME_MANAGEMENT_ACTION) -> bool | None:
    """Whether the statement's actions include ``action`` (whatever its effect); None when it cannot be known.

    ``Action``: one pattern matching it is enough (an unresolved element beside a match still covers it).
    ``NotAction``: it is covered unless a pattern excludes it, which can only be known when every element resolved.
    """
    strings = [v for v in statement.actions if isinstance(v.value, str)]
    if statement.not_action:
        if any(action_matches(str(v.value), action) for v in strings):
            return False
        return None if len(strings) != len(statement.actions) or not statement.resolved else True
    if any(action_matches(str(v.value), action) for v in strings):
        return True
    return None if len(strings) != len(statement.actions) or not statement.resolved else False


def _effect(statement: Statement) -> str:
    effect = statement.effect
    return effect.value if effect is not None and isinstance(effect.value, str) else ""


def denies(statement: Statement, action: str = RUNTIME_MANAGEMENT_ACTION) -> bool:
    """A Deny statement whose actions surely include ``action``, on every resource (conditional or not)."""
    return _effect(statement) == "Deny" and statement.all_resources and covers(statement, action) is True


def denying_statements(subject: PolicySubject) -> list[Statement]:
    """The statements of a policy that deny lambda:PutRuntimeManagementConfig: the control ``report`` looks for."""
    return [s for s in subject.statements if denies(s)]


def _policy(subject: PolicySubject, settings: Settings) -> list[Finding]:
    """EL3004: under high compliance, an identity policy statement that allows lambda:PutRuntimeManagementConfig.

    An SCP never grants, so its Allow statements are not judged. A Deny without a Condition in the same policy
    wins over any Allow there, so such a policy allows nothing of it. A bare ``*`` (an administrator policy) is
    reported only with ``iam_wildcards``: it allows everything, and a report full of administrator roles would
    hide the policies that grant this one action on purpose.
    """
    out = _Collector(subject, settings)
    if not settings.high_compliance or subject.kind == "scp":
        return out.findings
    if any(denies(s) and not s.conditional for s in subject.statements):
        return out.findings
    for statement in subject.statements:
        if _effect(statement) != "Allow":
            continue
        advice = (
            "high compliance keeps every function on Auto: deny it (AWS recommends a service control policy) and "
            "grant exceptions case by case, or record an approved exception"
        )
        if statement.not_action:
            if covers(statement) is True:
                excluded = ", ".join(repr(str(v.value)) for v in statement.actions) or "nothing"
                line = Value(None, statement.line, statement.column, file=statement.file)
                out.add(
                    "EL3004",
                    line,
                    f"IAM statement allows {RUNTIME_MANAGEMENT_ACTION}: its NotAction excludes only {excluded}; "
                    f"{advice}",
                )
            continue
        for value in _strings(statement.actions):
            pattern = str(value.value)
            if not action_matches(pattern):
                continue
            if pattern.strip() == "*" and not settings.iam_wildcards:
                continue
            how = "by name" if "*" not in pattern and "?" not in pattern else "through the wildcard"
            out.add(
                "EL3004",
                value,
                f"IAM statement allows {RUNTIME_MANAGEMENT_ACTION} {how} {pattern!r}; {advice}{_suffix(value)}",
            )
    return out.findings


def evaluate(subject: Subject, settings: Settings, catalog: Catalog) -> list[Finding]:
    """Every finding for one function, layer or policy, in a stable order."""
    if isinstance(subject, PolicySubject):
        return _policy(subject, settings)
    if isinstance(subject, LayerSubject):
        return _layer(subject, settings, catalog)
    return _function(subject, settings, catalog)


def evaluate_all(subjects: Iterable[Subject], settings: Settings, catalog: Catalog) -> list[Finding]:
    findings: list[Finding] = []
    for subject in subjects:
        findings.extend(evaluate(subject, settings, catalog))
    return findings
