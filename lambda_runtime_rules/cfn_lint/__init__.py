"""cfn-lint rule pack: ``cfn-lint --append-rules=lambda_runtime_rules.cfn_lint template.yaml``.

cfn-lint's ``--append-rules`` / ``append_rules`` imports this module and instantiates every class found in
its namespace whose bases include ``CloudFormationLintRule`` (submodules are not searched). So this
namespace holds exactly the generated rule classes, one per code of ``lambda_runtime_rules.rules.RULES``,
plus the run notices of ``NOTICES`` (IL9001, see ``notice``), and nothing else that subclasses the cfn-lint
base.
"""

from __future__ import annotations

from .notice import NOTICE_CLASSES as _NOTICE_CLASSES
from .rule import RULE_CLASSES as _RULE_CLASSES

globals().update(_RULE_CLASSES)
globals().update(_NOTICE_CLASSES)
__all__ = [*_RULE_CLASSES, *_NOTICE_CLASSES]
