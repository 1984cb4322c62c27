"""Terraform functions a CloudFront distribution of the same module associates (Lambda@Edge, EL2002).

``aws_cloudfront_distribution`` names each edge function in a ``lambda_function_association`` block of its
``default_cache_behavior`` or ``ordered_cache_behavior`` blocks (also inside ``dynamic`` blocks' ``content``):
``lambda_arn`` refers to ``aws_lambda_function.<name>.qualified_arn`` (or ``.arn``, ``.version`` inside a
template) or to an ``aws_lambda_alias`` whose ``function_name`` refers to the function. A literal ARN names a
function deployed elsewhere: nothing to judge here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Optional

from ..model import Value
from . import hcl

if TYPE_CHECKING:  # the evaluator and scope live in terraform.py, which imports this module lazily
    from .terraform import _Evaluator, _Scope

DISTRIBUTION_TYPE = "aws_cloudfront_distribution"
FUNCTION_TYPE = "aws_lambda_function"
ALIAS_TYPE = "aws_lambda_alias"
_MAX_DEPTH = 8


def edge_functions(module: object) -> dict[str, tuple[str, ...]]:
    """``aws_lambda_function.<name>`` -> the distributions (``aws_cloudfront_distribution.<name>``) that associate
    it, for the resources of one module folder (``module`` is a ``terraform.ModuleFolder``)."""
    aliases: dict[str, hcl.Block] = {}
    distributions: list[tuple[str, hcl.Block]] = []
    for _, block in module.blocks("resource"):  # type: ignore[attr-defined]
        if len(block.labels) != 2:
            continue
        if block.labels[0] == ALIAS_TYPE:
            aliases.setdefault(f"{ALIAS_TYPE}.{block.labels[1]}", block)
        elif block.labels[0] == DISTRIBUTION_TYPE:
            distributions.append((block.labels[1], block))
    found: dict[str, list[str]] = {}
    for name, block in distributions:
        for arn in _lambda_arns(block.body, 0):
            for function in _functions(arn, aliases):
                names = found.setdefault(function, [])
                if f"{DISTRIBUTION_TYPE}.{name}" not in names:
                    names.append(f"{DISTRIBUTION_TYPE}.{name}")
    return {function: tuple(names) for function, names in found.items()}


def _lambda_arns(body: hcl.Body, depth: int) -> Iterator[hcl.Expr]:
    """Every ``lambda_arn`` in a nested block of the distribution (only ``lambda_function_association`` has one)."""
    if depth > _MAX_DEPTH:
        return
    for block in body.blocks:
        arn = block.body.get("lambda_arn")
        if arn is not None and block.type in ("lambda_function_association", "content"):
            yield arn
        yield from _lambda_arns(block.body, depth + 1)


def _functions(expr: hcl.Expr, aliases: dict[str, hcl.Block]) -> list[str]:
    out: list[str] = []
    for ref in hcl.refs(expr):
        key = _resource_key(ref)
        if key is None:
            continue
        if key.startswith(f"{FUNCTION_TYPE}."):
            targets = [key]
        else:
            alias = aliases.get(key)
            targets = (
                []
                if alias is None
                else [
                    k
                    for r in hcl.refs(alias.body.get("function_name"))
                    if (k := _resource_key(r)) and k.startswith(f"{FUNCTION_TYPE}.")
                ]
            )
        out.extend(t for t in targets if t not in out)
    return out


def _resource_key(ref: hcl.Ref) -> Optional[str]:
    path = ref.path
    if len(path) >= 2 and path[0] in (FUNCTION_TYPE, ALIAS_TYPE) and isinstance(path[1], str):
        return f"{path[0]}.{path[1]}"
    return None


def layers(evaluator: _Evaluator, scope: _Scope, expr: Optional[hcl.Expr]) -> tuple[Value, ...]:
    """One Value per entry of a function's ``layers``: a literal ARN, or the reference as written
    (``aws_lambda_layer_version.shared.arn``). A variable or local counts with each value it takes."""
    if expr is None:
        return ()
    expr = hcl.expand(expr)
    if not isinstance(expr, hcl.Tuple):
        return evaluator.values(expr, scope, as_list=True)
    out: list[Value] = []
    for item in expr.items:
        item = hcl.expand(item)
        if isinstance(item, hcl.Lit):
            if item.value is None:
                continue
            text: object = str(item.value)
        elif isinstance(item, (hcl.Ref, hcl.Template)):
            text = item.text or None
        else:
            text = None
        value = Value(text, item.at.line, item.at.column)
        if value not in out:
            out.append(value)
    return tuple(out)
