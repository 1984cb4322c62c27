"""The cfn-lint face of the pack: one ``CloudFormationLintRule`` subclass per code, generated from ``RULES``.

Each class only reads its own code's share of the template's shared evaluation (see ``evaluation``) and
turns those findings into ``RuleMatch`` objects carrying an explicit ``location``, so cfn-lint reports our
line and column (the value a user has to edit, the Globals line for inherited values) instead of looking a
path up in its transformed template. The path still names the resource, which keeps cfn-lint's resource
``Metadata`` ``ignore_checks`` working.
"""

from __future__ import annotations

import os
import re
from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from ..model import Finding
from ..rules import RULES, NoticeSpec, RuleSpec
from . import evaluation

# Settings a user may set through cfn-lint's rule configuration, by the rule tag they concern.
_COMMON_SETTINGS = ("as_of", "catalog", "baseline")
_SETTINGS_BY_TAG = {
    "lifecycle": ("warn_days",),
    "compliance": ("high_compliance", "allow_function_update"),
    "region": ("region",),
    "iam": ("iam_wildcards",),
}
_INHERITED = "inherited from Globals"


def settings_keys(spec: RuleSpec | NoticeSpec) -> tuple[str, ...]:
    keys = list(_COMMON_SETTINGS)
    for tag in spec.tags:
        keys.extend(_SETTINGS_BY_TAG.get(tag, ()))
    return tuple(keys)


class PackRule(CloudFormationLintRule):
    """Shared behaviour; never exported from the package, so cfn-lint's module loader does not instantiate it."""

    spec: RuleSpec

    def __init__(self) -> None:
        super().__init__()
        # Every setting is declared a string: cfn-lint's own int()/bool coercion would raise (or silently
        # guess) on a bad value; our settings parser names the source instead.
        self.config_definition = {key: {"default": None, "type": "string"} for key in settings_keys(self.spec)}
        self.configure()

    def initialize(self, cfn: Any) -> None:
        try:
            evaluation.note_config(cfn, self.id, self.config)
        except Exception:  # pragma: no cover - defensive: initialize must never raise
            return

    def match(self, cfn: Any) -> list[RuleMatch]:
        try:
            result = evaluation.outcome(cfn, self.id, self.config)
            if result.problem:
                return [_problem(result.problem)]
            return [_to_match(finding, cfn) for finding in result.findings.get(self.id, ())]
        except Exception as exc:  # pragma: no cover - evaluation already catches; this is the last guard
            return [_problem(f"lambda-runtime-rules internal error: {exc!r}")]


def _problem(text: str) -> RuleMatch:
    """The match for a problem that stops the whole evaluation (bad setting, broken catalog overlay).

    Every rule of the pack reports it: cfn-lint drops the matches of ignored rules, so a single reporter
    (``--ignore-checks EL1001``, or ``E``) would turn a broken configuration into a silent pass. Only ignoring
    the whole pack hides it, and then none of the pack's verdicts is lost.
    """
    return RuleMatch(["Resources"], text, location=(0, 0, 0, 1))


def _to_match(finding: Finding, cfn: Any = None) -> RuleMatch:
    elsewhere = _elsewhere(finding, cfn)
    if elsewhere is not None:  # a value in another file (the Dockerfile an image function is built from)
        line, column = elsewhere
        text = f"{message(finding)} (at {finding.file}:{finding.line}:{finding.column})"
        return RuleMatch(["Resources", finding.resource], text, location=(line, column, line, column + 1))
    line = max(finding.line, 1) - 1
    column = max(finding.column, 1) - 1
    end = column + max(len(finding.runtime), 1)
    return RuleMatch(["Resources", finding.resource], message(finding), location=(line, column, line, end))


def _elsewhere(finding: Finding, cfn: Any) -> tuple[int, int] | None:
    """The resource's own 0-based position when the finding sits in a file other than the template.

    cfn-lint shows every match in the template it lints, so the line of a Dockerfile would point at an unrelated
    line there: the resource's line is used and the message names the file and line.
    """
    filename = getattr(cfn, "filename", None)
    if not finding.file or not isinstance(filename, str) or os.path.abspath(finding.file) == os.path.abspath(filename):
        return None
    resources = (
        getattr(cfn, "template", {}).get("Resources", {}) if isinstance(getattr(cfn, "template", None), dict) else {}
    )
    mark = getattr(resources.get(finding.resource) if isinstance(resources, dict) else None, "start_mark", None)
    return (getattr(mark, "line", 0) or 0, getattr(mark, "column", 0) or 0)


def message(finding: Finding) -> str:
    """The finding's message, naming the function when the value was inherited from SAM Globals.

    Several functions inheriting one Globals value share a line: cfn-lint drops matches that agree on rule,
    line and message, so the function's name is what keeps one match per function.
    """
    text = finding.message
    if _INHERITED in text and not re.search(rf"\b{re.escape(finding.resource)}\b", text):
        text = text.replace(_INHERITED, f"{_INHERITED} by {finding.resource}", 1)
    return text


def make_rule_class(spec: RuleSpec) -> type[PackRule]:
    """A rule class for one code: cfn-lint reads ``id``, ``shortdesc``, ``description``, ``source_url``, ``tags``."""
    return type(
        spec.code,
        (PackRule,),
        {
            "__module__": "lambda_runtime_rules.cfn_lint",
            "__qualname__": spec.code,
            "__doc__": spec.description,
            "spec": spec,
            "id": spec.code,
            "shortdesc": spec.title,
            "description": spec.description,
            "source_url": spec.url,
            "tags": list(spec.tags),
        },
    )


RULE_CLASSES: dict[str, type[PackRule]] = {spec.code: make_rule_class(spec) for spec in RULES}
