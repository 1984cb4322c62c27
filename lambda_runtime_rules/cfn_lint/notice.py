"""IL9001: the stale-catalog notice in cfn-lint, once per run.

The CLI and Checkov print the notice on stderr; a cfn-lint rule can only speak through matches, so the notice
is an informational match on line 1 of the first template cfn-lint lints in the run. cfn-lint builds its rule
objects once per run (``Runner``) and reuses them for every template, so the instance remembers that it has
spoken. It reads the pack's shared evaluation, so its settings (``as_of``, ``catalog``) are the pack's: the
``--configure-rule`` values of any of our rules, the config file or the environment.
"""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from ..rules import NOTICES, NoticeSpec
from . import evaluation
from .rule import settings_keys


class NoticeRule(CloudFormationLintRule):
    """Shared behaviour; never exported from the package, so cfn-lint's module loader does not instantiate it."""

    spec: NoticeSpec

    def __init__(self) -> None:
        super().__init__()
        self.config_definition = {key: {"default": None, "type": "string"} for key in settings_keys(self.spec)}
        self.configure()
        self._said = False

    def initialize(self, cfn: Any) -> None:
        try:
            evaluation.note_config(cfn, self.id, self.config)
        except Exception:  # pragma: no cover - defensive: initialize must never raise
            return

    def match(self, cfn: Any) -> list[RuleMatch]:
        if self._said:
            return []
        try:
            result = evaluation.outcome(cfn, self.id, self.config)
        except Exception:  # pragma: no cover - evaluation already catches
            return []
        # A broken setting is reported by every EL/WL rule of the pack; the notice adds nothing to it.
        if result.problem or not result.stale:
            return []
        self._said = True
        return [RuleMatch([], result.stale, location=(0, 0, 0, 1))]


def make_notice_class(spec: NoticeSpec) -> type[NoticeRule]:
    return type(
        spec.code,
        (NoticeRule,),
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


NOTICE_CLASSES: dict[str, type[NoticeRule]] = {spec.code: make_notice_class(spec) for spec in NOTICES}
