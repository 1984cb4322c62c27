"""cfn-lint rule pack: ``cfn-lint --append-rules=lambda_runtime_rules.cfn_lint template.yaml``.

cfn-lint's ``--append-rules`` / ``append_rules`` imports this module and instantiates every class found in
its namespace whose bases include ``CloudFormationLintRule`` (submodules are not searched). So this
namespace holds exactly the generated rule classes, one per code of ``lambda_runtime_rules.rules.RULES``,
and nothing else that subclasses the cfn-lint base.
"""

from __future__ import annotations

from .rule import RULE_CLASSES as _RULE_CLASSES

globals().update(_RULE_CLASSES)
__all__ = list(_RULE_CLASSES)
