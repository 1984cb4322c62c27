"""IAM policy documents written in CloudFormation, SAM and Serverless files -> ``PolicySubject`` (EL3004).

High compliance keeps every function on Auto by denying ``lambda:PutRuntimeManagementConfig`` (the runtime
updates page in the seeds): the engine reports an identity policy that allows it, and ``report`` says whether
the files hold the control itself (a service control policy or a permissions boundary that denies it).

A policy document is read as IAM reads it: ``Statement`` is one statement or a list; ``Action`` and
``NotAction`` are a string or a list; a document may be a JSON string (an Organizations policy's ``Content``).
Each action is resolved into every value it can take by the caller's resolver (Fn::If branches, parameter
defaults, Serverless variables), positioned where it is written. An action that cannot be resolved makes the
statement unresolved, so no verdict claims more than the file says. Nothing here raises on strange input.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from typing import Any, Callable, Optional

from ..loader import position
from ..model import PolicySubject, Statement, Value
from ..nodes import get as _get

__all__ = [
    "BOUNDARY",
    "IDENTITY",
    "POLICY_TYPES",
    "SCP",
    "STATEMENT_TYPES",
    "cloudformation_policies",
    "document_statements",
]

IDENTITY, SCP, BOUNDARY = "identity", "scp", "boundary"
SCP_TYPE = "SERVICE_CONTROL_POLICY"
_IDENTITY_TYPES = (
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Role",
    "AWS::IAM::User",
    "AWS::IAM::Group",
    "AWS::IAM::RolePolicy",
    "AWS::IAM::UserPolicy",
    "AWS::IAM::GroupPolicy",
)
_SAM_FUNCTION = "AWS::Serverless::Function"
_ORGANIZATIONS_POLICY = "AWS::Organizations::Policy"
STATEMENT_TYPES = (*_IDENTITY_TYPES, _SAM_FUNCTION)
"""The resource types whose statements can grant (what CKV_LRR_3004 judges); an SCP never grants."""
POLICY_TYPES = frozenset((*STATEMENT_TYPES, _ORGANIZATIONS_POLICY))
"""Every resource type whose policy documents are read: the loader must build these in full for EL3004."""

_MAX_STATEMENTS = 512  # per document: a guard against generated or hostile files

# A resolver: every string value a node can take, and whether every part of it resolved.
Resolve = Callable[[object], tuple[tuple[Value, ...], bool]]


def document_statements(document: object, resolve: Resolve, file: str = "") -> tuple[Statement, ...]:
    """The statements of one policy document (a mapping, or a JSON string holding one)."""
    base = 0
    if isinstance(document, str):
        base = position(document)[0]
        document = _json_document(document)
    if not isinstance(document, dict):
        return ()
    raw = _get(document, "Statement")
    items = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
    out: list[Statement] = []
    for item in items[:_MAX_STATEMENTS]:
        if isinstance(item, dict):
            out.append(_statement(item, resolve, file) if not base else _at_line(_statement(item, resolve, file), base))
    return tuple(out)


def _at_line(statement: Statement, line: int) -> Statement:
    """A statement parsed from a JSON string has no positions of its own: everything sits on the string's line."""
    actions = tuple(replace(v, line=v.line or line) for v in statement.actions)
    effect = replace(statement.effect, line=statement.effect.line or line) if statement.effect is not None else None
    return replace(statement, actions=actions, effect=effect, line=statement.line or line)


def _statement(item: dict[Any, Any], resolve: Resolve, file: str) -> Statement:
    not_action = "NotAction" in item and "Action" not in item
    key = "NotAction" if not_action else "Action"
    raw = _get(item, key)
    elements = raw if isinstance(raw, list) else [] if raw is None else [raw]
    actions: list[Value] = []
    resolved = True
    for element in elements:
        values, complete = resolve(element)
        resolved = resolved and complete and bool(values)
        actions.extend(v for v in values if v not in actions)
    effect_values, effect_complete = resolve(_get(item, "Effect"))
    effects = {v.value for v in effect_values}
    effect = effect_values[0] if len(effects) == 1 and effect_complete else None
    if effect is None:
        resolved = False
    line, column = position(item)
    if not_action:
        line, column = _key_position(item, "NotAction") or (line, column)
    return Statement(
        effect=effect,
        actions=tuple(actions),
        not_action=not_action,
        line=line,
        column=column,
        file=file,
        conditional=_get(item, "Condition") is not None,
        resolved=resolved,
        all_resources=_all_resources(item, resolve),
    )


def _all_resources(item: dict[Any, Any], resolve: Resolve) -> bool:
    """Whether the statement applies to every resource: ``Resource`` absent (an SCP, a boundary) or ``*``."""
    if "NotResource" in item:
        return False
    raw = _get(item, "Resource")
    if raw is None:
        return True
    elements = raw if isinstance(raw, list) else [raw]
    for element in elements:
        values, _complete = resolve(element)
        if any(isinstance(v.value, str) and v.value.strip() == "*" for v in values):
            return True
    return False


def _key_position(mapping: dict[Any, Any], key: str) -> Optional[tuple[int, int]]:
    for candidate in dict.keys(mapping):
        if isinstance(candidate, str) and candidate == key:
            return position(candidate) if position(candidate)[0] else None
    return None


def _json_document(text: str) -> object:
    """A policy written as a JSON string: its actions are positioned on the string's own line."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None




# ------------------------------------------------------------------------------------------ CloudFormation


def cloudformation_policies(
    resources: Iterable[tuple[str, dict[Any, Any], str]], resolve: Resolve, file: str, line_of: Callable[..., int]
) -> list[PolicySubject]:
    """The policy subjects of a template's resources (``(logical ID, resource, type)``), in template order.

    A managed policy that a role or user in the same template names as its ``PermissionsBoundary`` (``Ref``)
    is a boundary; an Organizations policy of type SERVICE_CONTROL_POLICY is an SCP; everything else grants.
    """
    from ..suppressions import from_metadata

    listed = list(resources)
    boundaries = {
        target
        for _name, resource, kind in listed
        if kind in ("AWS::IAM::Role", "AWS::IAM::User", _SAM_FUNCTION)
        for target in _refs(_get(_get(resource, "Properties"), "PermissionsBoundary"))
    }
    out: list[PolicySubject] = []
    for name, resource, kind in listed:
        props = _get(resource, "Properties")
        if not isinstance(props, dict):
            continue
        documents: list[object]
        policy_kind = IDENTITY
        if kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy") or kind.endswith(("::RolePolicy", "::UserPolicy",
                                                                                       "::GroupPolicy")):
            documents = [_get(props, "PolicyDocument")]
            if kind == "AWS::IAM::ManagedPolicy" and name in boundaries:
                policy_kind = BOUNDARY
        elif kind in ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"):
            inline = _get(props, "Policies")
            documents = [_get(p, "PolicyDocument") for p in inline] if isinstance(inline, list) else []
        elif kind == _SAM_FUNCTION:
            documents = _sam_documents(_get(props, "Policies"))
        elif kind == _ORGANIZATIONS_POLICY:
            policy_type, _complete = resolve(_get(props, "Type"))
            if not any(v.value == SCP_TYPE for v in policy_type):
                continue
            documents = [_get(props, "Content")]
            policy_kind = SCP
        else:
            continue
        statements = tuple(s for document in documents for s in document_statements(document, resolve, file))
        if not statements:
            continue
        out.append(
            PolicySubject(
                resource=name,
                statements=statements,
                line=line_of(name, resource),
                file=file,
                resource_type=kind,
                kind=policy_kind,
                suppressions=from_metadata(resource),
            )
        )
    return out


def _sam_documents(policies: object) -> list[object]:
    """SAM ``Policies``: a managed policy name or ARN, a policy document, a policy template, or a list of them.

    Only inline documents (a mapping with ``Statement``) are read; managed policies and SAM policy templates
    are defined elsewhere (AWS's, or the SAM translator's, which grant no runtime-management action).
    """
    items = policies if isinstance(policies, list) else [policies]
    return [item for item in items if isinstance(item, dict) and "Statement" in item]


def _refs(node: object) -> list[str]:
    """Logical IDs a ``PermissionsBoundary`` value points at (``Ref``, and each branch of an ``Fn::If``)."""
    if isinstance(node, dict) and len(node) == 1:
        ((key, value),) = dict.items(node)
        if key == "Ref" and isinstance(value, str):
            return [value]
        if key == "Fn::If" and isinstance(value, list) and len(value) == 3:
            return _refs(value[1]) + _refs(value[2])
    return []
