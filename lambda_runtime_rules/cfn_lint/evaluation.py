"""One evaluation per template, shared by every rule class of the pack.

cfn-lint calls every rule's ``initialize(cfn)`` and then every rule's ``match(cfn)`` for one template at a
time. The first ``match`` computes *all* of this pack's findings for the template (settings, catalog, subjects,
engine) and the others read their share from the same result, so a template is evaluated once per process,
not once per rule. Nothing here imports cfnlint: the rule module turns findings into ``RuleMatch`` objects.

Values come from the template as written: the file is re-read with this package's own loader, which is what
the CLI and the Checkov checks see too (cfn-lint has merged SAM Globals into the resources by the time rules
run, concatenating ``Architectures`` lists where SAM replaces them). Without a file (stdin, ``cfnlint.api.lint``)
the Globals merge is undone on cfn-lint's own tree, using the positions of the copied nodes.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..gcpause import gc_paused
from ..model import Finding, Subject

CONFIG_SOURCE = "cfn-lint rule configuration {key}"
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


@dataclass
class Outcome:
    """The pack's verdicts on one template: findings by rule code, or one problem that stopped evaluation."""

    findings: dict[str, list[Finding]] = field(default_factory=dict)
    problem: str = ""
    stale: str = ""  # the stale-catalog notice for this run's as_of, or ''


@dataclass
class _Run:
    template: weakref.ReferenceType[Any] | None
    configs: dict[str, dict[str, object]] = field(default_factory=dict)
    outcome: Outcome | None = None


# cfn-lint lints templates one after another: one slot is enough and keeps memory flat over a large run.
_current: _Run | None = None


def _run_for(cfn: object) -> _Run:
    global _current
    run = _current
    if run is None or run.template is None or run.template() is not cfn:
        try:
            ref: weakref.ReferenceType[Any] | None = weakref.ref(cfn)
        except TypeError:
            ref = None
        run = _Run(ref)
        _current = run if ref is not None else None
    return run


def note_config(cfn: object, code: str, config: Mapping[str, object] | None) -> None:
    """Remember what one of our rules was configured with for this template (called from ``initialize``)."""
    run = _run_for(cfn)
    if run.outcome is None:
        run.configs[code] = {k: v for k, v in (config or {}).items() if v is not None}


def outcome(cfn: object, code: str, config: Mapping[str, object] | None) -> Outcome:
    """The pack's findings for ``cfn``, computed on the first call for that template."""
    run = _run_for(cfn)
    if run.outcome is None:
        if code not in run.configs:
            run.configs[code] = {k: v for k, v in (config or {}).items() if v is not None}
        with gc_paused():  # cfn-lint's heap is large: see gcpause
            run.outcome = evaluate(cfn, run.configs)
    return run.outcome


def merged_overrides(configs: Mapping[str, Mapping[str, object]]) -> dict[str, object]:
    """One settings mapping from every rule's configuration; two rules disagreeing is a settings error."""
    from ..settings import SettingsError

    merged: dict[str, object] = {}
    owner: dict[str, str] = {}
    for code in sorted(configs):
        for key, value in configs[code].items():
            if key in merged and str(merged[key]) != str(value):
                raise SettingsError(
                    CONFIG_SOURCE.format(key=key) + f": {owner[key]} sets {merged[key]!r} but {code} sets {value!r}"
                )
            merged.setdefault(key, value)
            owner.setdefault(key, code)
    return merged


def evaluate(cfn: object, configs: Mapping[str, Mapping[str, object]]) -> Outcome:
    """Settings, catalog, subjects and engine for one template; never raises."""
    from .. import catalog as catalog_module
    from .. import settings as settings_module
    from ..engine import evaluate_all

    try:
        try:
            settings = settings_module.load(merged_overrides(configs), override_source=CONFIG_SOURCE)
            catalog = catalog_module.load(settings.catalog)
        except (settings_module.SettingsError, catalog_module.CatalogError) as exc:
            return Outcome(problem=f"lambda-runtime-rules settings: {exc}")
        _note_undated_region(settings, catalog)
        file = getattr(cfn, "filename", None)
        subjects = template_subjects(cfn, file if isinstance(file, str) else "", policies=settings.high_compliance)
        findings = sorted(evaluate_all(subjects, settings, catalog), key=lambda f: f.sort_key)
        if settings.baseline:  # the config's (or the rule configuration's) baseline: accepted findings are not matches
            from .. import baseline

            try:
                findings = baseline.not_accepted(findings, settings.baseline, catalog, settings.as_of)
            except baseline.BaselineError as exc:
                return Outcome(problem=f"lambda-runtime-rules settings: {exc}")
        by_code: dict[str, list[Finding]] = {}
        for finding in findings:
            by_code.setdefault(finding.rule, []).append(finding)
        return Outcome(by_code, stale=catalog_module.stale_catalog_notice(catalog, settings.as_of))
    except Exception as exc:  # never let a bug take cfn-lint down; say so loudly instead (tests assert none)
        return Outcome(problem=f"lambda-runtime-rules internal error, please report: {type(exc).__name__}: {exc}")


_noted: set[str] = set()


def _note_undated_region(settings: Any, catalog: Any) -> None:
    """Say once per process, on stderr, that the region setting's Region has no sourced launch date (EL1006 is
    not judged there): cfn-lint's own output has no place for a run-level notice, and silence would read as a pass.
    """
    if not settings.region:
        return
    from ..regions import undated_notice

    notice = undated_notice({settings.region}, catalog.regions)
    if notice and notice not in _noted:
        _noted.add(notice)
        import sys

        sys.stderr.write(f"lambda-runtime-rules: warning: {notice}\n")


def template_subjects(cfn: object, file: str, policies: bool = False) -> list[Subject]:
    """Subjects from the template as written.

    A template without any ``Transform`` is exactly what cfn-lint parsed (plain CloudFormation, CDK output):
    its tree is read directly, which spares re-reading the file. A SAM or LanguageExtensions template has been
    transformed by cfn-lint (Globals merged, ``Fn::ForEach`` expanded), so the file is read again as written;
    without a file (stdin) cfn-lint's tree is used with its Globals merge undone.
    """
    from ..scan import InputError, load_subjects
    from ..sources import cloudformation
    from ..suppressions import attach

    template = getattr(cfn, "template", None)
    transform_pre = getattr(cfn, "transform_pre", None)
    transforms = transform_pre.get("Transform") if isinstance(transform_pre, dict) else None
    untransformed = isinstance(transform_pre, dict) and not transforms
    if isinstance(template, dict) and untransformed and not _has_transform(template):
        return attach(cloudformation.subjects(template, file))
    if file:
        try:
            kind, found = load_subjects(Path(file), policies=policies)
        except InputError:
            pass
        else:
            return found if kind == "cloudformation" else []
    globals_section = transform_pre.get("Globals") if isinstance(transform_pre, dict) else None
    return cloudformation.subjects(unmerge_globals(restore_loops(template, transform_pre), globals_section), file)


def restore_loops(template: object, transform_pre: object) -> object:
    """cfn-lint's tree with the resources its ``Fn::ForEach`` expansion generated put back as the loops written.

    Without a file, cfn-lint's expanded tree is all there is, and it loses positions our expansion keeps (a
    ``Fn::Sub`` it collapsed, an item split from a parameter Default) and the loop values that tell generated
    functions apart. ``transform_pre["Fn::ForEach"]`` holds each loop as written (``[..., key, value]``), so the
    source expands it again. When that expansion cannot resolve a loop, cfn-lint's own tree is kept.
    """
    from ..sources import foreach

    loops = transform_pre.get("Fn::ForEach") if isinstance(transform_pre, dict) else None
    if not isinstance(template, dict) or not isinstance(loops, list):
        return template
    written = {
        path[1]: path[2]
        for path in loops
        if isinstance(path, list) and len(path) == 3 and path[0] == "Resources" and isinstance(path[1], str)
    }
    resources = dict.get(template, "Resources")
    if not written or not isinstance(resources, dict):
        return template
    probe = dict(template)
    probe["Resources"] = written
    expansion = foreach.expand(probe)
    generated = expansion.template.get("Resources") if isinstance(expansion.template, dict) else None
    if expansion.problems or not isinstance(generated, dict):
        return template
    restored = {key: value for key, value in dict.items(resources) if key not in generated}
    restored.update(written)
    original = dict(template)
    original["Resources"] = restored
    return original


def _has_transform(template: dict[Any, Any]) -> bool:
    return dict.get(template, "Transform") not in (None, "", [])


def unmerge_globals(template: object, globals_section: object) -> object:
    """The template with cfn-lint's SAM Globals merge taken back out of ``AWS::Serverless::Function``.

    cfn-lint deep-copies every inherited node, positions included: a property whose node sits exactly where
    the Globals one does was inherited, and a list that starts with the Globals list's elements was
    concatenated. The Globals section itself stays, so the source applies SAM's own rules to it.
    """
    if not isinstance(template, dict) or not isinstance(globals_section, dict):
        return template
    transform = dict.get(template, "Transform")
    transforms = transform if isinstance(transform, list) else [transform]
    resources = dict.get(template, "Resources")
    function_globals = dict.get(globals_section, "Function")
    if SAM_TRANSFORM not in transforms or not isinstance(resources, dict) or not isinstance(function_globals, dict):
        return template
    original = dict(template)
    original["Globals"] = globals_section
    copied: dict[Any, Any] = {}
    for name, resource in dict.items(resources):
        if isinstance(resource, dict) and dict.get(resource, "Type") == "AWS::Serverless::Function":
            properties = dict.get(resource, "Properties")
            if isinstance(properties, dict):
                resource = dict(resource)
                resource["Properties"] = _strip(properties, function_globals)
        copied[name] = resource
    original["Resources"] = copied
    return original


def _same(node: object, inherited: object) -> bool:
    mark, other = getattr(node, "start_mark", None), getattr(inherited, "start_mark", None)
    if mark is None or other is None:
        return False
    where = (getattr(mark, "line", None), getattr(mark, "column", None))
    return where == (getattr(other, "line", None), getattr(other, "column", None)) and where[0] is not None


def _strip(merged: dict[Any, Any], inherited: dict[Any, Any]) -> dict[Any, Any]:
    local: dict[Any, Any] = {}
    for key, value in dict.items(merged):
        glob = dict.get(inherited, key) if _hashable(key) else None
        if glob is None:
            local[key] = value
        elif _same(value, glob):
            continue
        elif isinstance(value, list) and isinstance(glob, list):
            head = len(glob)
            if len(value) >= head and all(_same(a, b) for a, b in zip(value, glob)):
                if len(value) > head:
                    local[key] = value[head:]
            else:
                local[key] = value
        elif isinstance(value, dict) and isinstance(glob, dict):
            rest = _strip(value, glob)
            if rest:
                local[key] = rest
        else:
            local[key] = value
    return local


def _hashable(key: object) -> bool:
    try:
        hash(key)
    except TypeError:
        return False
    return True
