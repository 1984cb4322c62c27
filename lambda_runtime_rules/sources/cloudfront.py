"""Which functions of a CloudFormation template a CloudFront distribution associates (Lambda@Edge, EL2002).

``AWS::CloudFront::Distribution`` names each edge function in ``DistributionConfig.DefaultCacheBehavior`` and
``CacheBehaviors[]`` as ``LambdaFunctionAssociations[].LambdaFunctionARN``. The ARN is written by reference to a
resource of the same template: a function (``Fn::GetAtt Fn.Arn``), its ``AWS::Lambda::Version`` or
``AWS::Lambda::Alias`` (``Ref``), a SAM function's ``AutoPublishAlias`` version (``Ref Fn.Version``), or any of
those inside ``Fn::Sub``/``Fn::Join``/``Fn::If``. A version or alias leads to its function through its own
``FunctionName``. An ARN written as a literal names a function of another stack: nothing to judge here.
Works on the same duck-typed trees as ``cloudformation`` and never raises on malformed input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..nodes import get as _get

__all__ = ["DISTRIBUTION_TYPE", "LINK_TYPES", "edge_functions"]

DISTRIBUTION_TYPE = "AWS::CloudFront::Distribution"
_VERSION_TYPES = ("AWS::Lambda::Version", "AWS::Lambda::Alias")
_FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")
# Resources read to find edge functions: the loader must build these in full.
LINK_TYPES = frozenset((DISTRIBUTION_TYPE, *_VERSION_TYPES))
_MAX_DEPTH = 24
_MAX_NODES = 10_000  # a bound on the walk over one association's ARN (and a version's FunctionName)
_SUB_NAME = re.compile(r"\$\{(?!!)([^}]*)\}")
# SAM's AutoPublishAlias exposes ``<Function>.Version`` and ``<Function>.Alias`` to Ref.
_SAM_SUFFIXES = (".Version", ".Alias")


def edge_functions(resources: object) -> dict[str, tuple[str, ...]]:
    """Function logical ID -> the distributions (logical IDs, template order) that associate it."""
    if not isinstance(resources, dict):
        return {}
    found: dict[str, list[str]] = {}
    for name, resource in dict.items(resources):
        if not isinstance(name, str) or not isinstance(resource, dict) or _get(resource, "Type") != DISTRIBUTION_TYPE:
            continue
        for arn in _association_arns(_get(_get(resource, "Properties"), "DistributionConfig")):
            for function in _functions(arn, resources):
                names = found.setdefault(function, [])
                if name not in names:
                    names.append(name)
    return {function: tuple(names) for function, names in found.items()}


def _association_arns(config: object) -> Iterator[object]:
    behaviors: list[object] = [_get(config, "DefaultCacheBehavior")]
    more = _get(config, "CacheBehaviors")
    if isinstance(more, list):
        behaviors.extend(more)
    for behavior in behaviors:
        associations = _get(behavior, "LambdaFunctionAssociations")
        if isinstance(associations, list):
            for association in associations:
                arn = _get(association, "LambdaFunctionARN")
                if arn is not None:
                    yield arn


def _functions(node: object, resources: dict[Any, Any]) -> list[str]:
    """The functions of the template an ARN expression leads to, through versions and aliases."""
    out: list[str] = []
    pending = list(_referenced(node))
    seen: set[str] = set()
    while pending and len(seen) < _MAX_NODES:
        name = pending.pop(0)
        if name in seen:
            continue
        seen.add(name)
        target = _get(resources, name)
        if not isinstance(target, dict):
            for suffix in _SAM_SUFFIXES:  # SAM: ``Ref MyFunction.Version`` / ``${MyFunction.Alias}``
                if name.endswith(suffix) and _type(_get(resources, name[: -len(suffix)])) == _FUNCTION_TYPES[1]:
                    pending.append(name[: -len(suffix)])
            continue
        kind = _type(target)
        if kind in _FUNCTION_TYPES and name not in out:
            out.append(name)
        elif kind in _VERSION_TYPES:
            pending.extend(_referenced(_get(_get(target, "Properties"), "FunctionName")))
    return out


def _referenced(node: object) -> list[str]:
    """Every logical ID a node refers to: ``Ref``, ``Fn::GetAtt`` (list or dotted string), ``Fn::Sub`` names."""
    out: list[str] = []
    stack: list[tuple[object, int]] = [(node, 0)]
    visited = 0
    while stack and visited < _MAX_NODES:
        current, depth = stack.pop()
        visited += 1
        if depth > _MAX_DEPTH:
            continue
        if isinstance(current, list):
            stack.extend((item, depth + 1) for item in reversed(current))
            continue
        if not isinstance(current, dict):
            continue
        for key, value in dict.items(current):
            if key == "Ref" and isinstance(value, str):
                out.append(value)
            elif key == "Fn::GetAtt":
                target = value[0] if isinstance(value, list) and value else value
                if isinstance(target, str):
                    out.append(target.split(".", 1)[0] if not isinstance(value, list) else target)
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) and value else value
                if isinstance(text, str):
                    out.extend(_sub_names(text))
                if isinstance(value, list) and len(value) > 1:
                    stack.append((value[1], depth + 1))
            elif isinstance(value, (dict, list)):
                stack.append((value, depth + 1))
    return out


def _sub_names(text: str) -> list[str]:
    """``${Fn.Arn}`` -> ``Fn``; ``${MyVersion}`` -> ``MyVersion``; SAM's ``${Fn.Version}`` kept whole, too."""
    names: list[str] = []
    for inner in _SUB_NAME.findall(text):
        inner = inner.strip()
        if not inner:
            continue
        names.append(inner)
        if "." in inner:
            names.append(inner.split(".", 1)[0])
    return names


def _type(resource: object) -> object:
    return _get(resource, "Type")


