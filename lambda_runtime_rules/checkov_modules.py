"""Checkov checks on Terraform ``module`` blocks that call a well-known Lambda module (see ``known_modules``).

Without ``--download-external-modules`` Checkov never sees the ``aws_lambda_function`` inside
``terraform-aws-modules/lambda/aws``, but it still hands every ``module`` block to the checks registered for
that block type (``CKV_TF_1`` is one). So each rule is registered once more, under the same Checkov ID, as a
module check: the call's arguments become the subjects the CLI builds for the same call, and the verdict follows
``checkov_adapter``'s rules (FAILED iff the engine reports the code; PASSED only when every value the rule
looks at is resolved; UNKNOWN otherwise, for a call of any other module, a call known not to create a function,
and the update-mode rules on a module that cannot set an update mode).

One call may create a function and a layer (``create_layer`` unresolved): FAILED if the engine reports the
code for either; PASSED only if every subject the rule applies to passes.
"""

from __future__ import annotations

from typing import Any, Optional, Union

from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckResult
from checkov.terraform.checks.module.base_module_check import BaseModuleCheck

from .checkov_adapter import (
    _CHECKOV_NULL,
    FUNCTION_CODES,
    LAYER_CODES_ALL,
    UPDATE_MODE_CODES,
    Resolved,
    _categories,
    _check_name,
    _context,
    _Evaluation,
    _tf_unresolved,
    quiet_result_lines,
    verdict,
)
from .engine import evaluate
from .gcpause import gc_paused
from .known_modules import KnownModule, find_module, known_module_subjects
from .model import Finding, FunctionSubject, LayerSubject, Value
from .rules import RULES, RuleSpec

__all__ = ["make_module_checks", "module_args", "module_verdict", "register"]

# Terraform's meta-arguments of a module block: never inputs of the module.
_META = frozenset({"source", "version", "providers", "count", "for_each", "depends_on"})


def _placeholder(line: int) -> Value:
    return Value(None, line, 0, "not resolvable")


def _element(item: object, line: int) -> Optional[Value]:
    """One value from Checkov's conf: a resolved literal, a placeholder for an expression, None for a null."""
    if item is None or item == _CHECKOV_NULL:
        return None
    if isinstance(item, str):
        return _placeholder(line) if _tf_unresolved(item) else Value(item.strip(), line)
    if isinstance(item, (bool, int, float)):
        return Value(item, line)
    return _placeholder(line)


def module_args(conf: dict[Any, Any], line: int) -> dict[str, tuple[Value, ...]]:
    """The call's arguments as ``known_module_subjects`` takes them. Checkov wraps each value in a list (a list
    value in two) and leaves an unresolved reference as its text (``var.x``, ``${var.x}``)."""
    args: dict[str, tuple[Value, ...]] = {}
    for key, raw in conf.items():
        if not isinstance(key, str) or key.startswith("__") or key in _META:
            continue
        value = raw[0] if isinstance(raw, list) and len(raw) == 1 else raw
        items = value if isinstance(value, list) else [value]
        values = [v for v in (_element(item, line) for item in items) if v is not None]
        if not isinstance(value, list) and not values:
            continue  # null: as if not written (an empty list is kept as an empty tuple)
        args[key] = tuple(values)
    return args


def _resolved(subject: Union[FunctionSubject, LayerSubject]) -> Resolved:
    """A field is present when it has candidates, unresolved when one of them is a placeholder."""
    fields = (
        ("compatible_runtimes", "compatible_architectures")
        if isinstance(subject, LayerSubject)
        else ("runtimes", "architectures", "update_modes", "runtime_version_arns")
    )
    present = {name for name in fields if getattr(subject, name)}
    unresolved = {name for name in present if any(not isinstance(v.value, str) for v in getattr(subject, name))}
    return Resolved(subject, frozenset(present), frozenset(unresolved))


def _applies(code: str, module: KnownModule, resolved: Resolved) -> bool:
    if isinstance(resolved.subject, LayerSubject):
        return code in LAYER_CODES_ALL
    if code in UPDATE_MODE_CODES and module.function.update_runtime_on is None:
        return False  # the mode is set by an aws_lambda_runtime_management_config outside, checked there
    return code in FUNCTION_CODES


def module_verdict(code: str, module: KnownModule, subjects: list[Resolved], findings: list[Finding]) -> CheckResult:
    """One verdict for a call that may create several subjects (see the module docstring)."""
    if any(f.rule == code for f in findings):
        return CheckResult.FAILED
    results = [verdict(code, r, []) for r in subjects if _applies(code, module, r)]
    if results and all(r == CheckResult.PASSED for r in results):
        return CheckResult.PASSED
    return CheckResult.UNKNOWN


_last = _Evaluation()
_Judged = tuple[KnownModule, list[Resolved], list[Finding]]


def _address(name: str, conf: dict[Any, Any]) -> str:
    """``module.<name>``, as the CLI names the call (Checkov's ``__address__`` is the bare name at the root)."""
    address = conf.get("__address__")
    address = address if isinstance(address, str) and address else name
    return address if address.startswith("module.") else f"module.{address}"


def _judge(conf: dict[Any, Any], name: str, scanned: str) -> Optional[_Judged]:
    """Once per call (its checks run back to back): module, subjects, engine."""
    source = conf.get("source")
    source = source[0] if isinstance(source, list) and source else source
    if not isinstance(source, str):
        return None
    context = _context()
    if context is None:
        return None
    module = find_module(source)
    if module is None:
        return None
    start = conf.get("__start_line__")
    line = start if isinstance(start, int) and not isinstance(start, bool) and start > 0 else 0
    file = scanned.lstrip("/\\") if scanned else ""
    subjects = known_module_subjects(module, _address(name, conf), module_args(conf, line), line, file)
    settings, catalog = context
    findings = [f for s in subjects for f in evaluate(s, settings, catalog)]
    return module, [_resolved(s) for s in subjects], findings


class _ModuleCheck(BaseModuleCheck):
    """One rule on ``module`` blocks; subclassed per rule by :func:`make_module_checks`."""

    spec: RuleSpec
    _scanned_file: str = ""
    _entity_name: str = ""

    def __init__(self) -> None:
        super().__init__(
            name=_check_name(self.spec),
            id=self.spec.checkov_id,
            categories=_categories(self.spec),
            guideline=self.spec.url,
        )
        self.severity = Severities[self.spec.checkov_severity]
        quiet_result_lines(self)

    def run(
        self, scanned_file: str, entity_configuration: Any, entity_name: str, entity_type: str, skip_info: Any
    ) -> Any:
        self._scanned_file = scanned_file if isinstance(scanned_file, str) else ""
        self._entity_name = entity_name if isinstance(entity_name, str) else ""
        return super().run(scanned_file, entity_configuration, entity_name, entity_type, skip_info)

    def scan_module_conf(self, conf: Any) -> CheckResult:
        try:
            self.details = []
            if not isinstance(conf, dict) or conf.get("count") == [0]:
                return CheckResult.UNKNOWN
            key = ("terraform-module", self._scanned_file, self._entity_name)
            with gc_paused():  # Checkov's heap is large: see gcpause
                judged = _last.get(key, conf, lambda: _judge(conf, self._entity_name, self._scanned_file))
            if judged is None:
                return CheckResult.UNKNOWN
            module, subjects, findings = judged
            self.details = [f.message for f in findings if f.rule == self.spec.code]
            return module_verdict(self.spec.code, module, subjects, findings)
        except Exception:  # a check must never raise, whatever the conf holds
            return CheckResult.UNKNOWN


def make_module_checks() -> list[BaseModuleCheck]:
    """New module check instances, one per rule (each registers itself with Checkov's module registry)."""
    checks: list[BaseModuleCheck] = []
    for spec in RULES:
        cls = type(f"TerraformModule{spec.code}", (_ModuleCheck,), {"spec": spec, "__doc__": spec.description})
        checks.append(cls())
    return checks


def register() -> None:
    """Called by ``checkov_checks/lrr_terraform_modules.py``; a second registration of an ID is ignored."""
    make_module_checks()
