"""Terraform IAM policies -> ``PolicySubject`` (EL3004 and ``report``'s control section).

Read where Terraform users write them: the ``policy`` of ``aws_iam_policy`` and the role/user/group policy
resources, ``aws_iam_role`` ``inline_policy`` blocks, the ``content`` of ``aws_organizations_policy`` (an SCP
unless its ``type`` says otherwise: SERVICE_CONTROL_POLICY is the provider's default), and the ``statement``
blocks of ``data "aws_iam_policy_document"``. A policy body may be ``jsonencode({...})`` (read through the
evaluator, so variables and locals resolve), a literal JSON string or heredoc (parsed with positions, so a
finding sits on the action's line), or a reference to a policy document data source, which is judged once, as
its own subject; an SCP or a permissions boundary that references one makes it an SCP or a boundary.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Optional

from ..model import PolicySubject, Statement, Value
from . import hcl, iam

if TYPE_CHECKING:
    from .terraform import _Evaluator, _Scope

__all__ = ["DOCUMENT", "POLICY_RESOURCE_TYPES", "STATEMENT_RESOURCE_TYPES", "policy_subjects"]

_POLICY_ATTRIBUTE = {
    "aws_iam_policy": "policy",
    "aws_iam_role_policy": "policy",
    "aws_iam_user_policy": "policy",
    "aws_iam_group_policy": "policy",
    "aws_organizations_policy": "content",
}
_BOUNDED = ("aws_iam_role", "aws_iam_user")
POLICY_RESOURCE_TYPES = frozenset((*_POLICY_ATTRIBUTE, *_BOUNDED))
STATEMENT_RESOURCE_TYPES = (*(t for t in _POLICY_ATTRIBUTE if t != "aws_organizations_policy"), "aws_iam_role")
"""The resource types whose statements can grant (what CKV_LRR_3004 judges; ``aws_iam_user`` holds none)."""
DOCUMENT = "aws_iam_policy_document"
_MAX_STATEMENTS = 512


def policy_subjects(
    evaluator: _Evaluator, scope: _Scope, only_files: Optional[set[str]], address: str
) -> list[PolicySubject]:
    """Every policy subject of one module instance (``address`` prefixes its resources' addresses)."""
    kinds: dict[str, str] = {}  # a resource or data address -> scp / boundary, from the references to it
    found: list[tuple[str, str, hcl.Block, str]] = []  # (address, type, block, file)
    for file, block in scope.module.blocks("resource"):
        if len(block.labels) != 2 or block.labels[0] not in POLICY_RESOURCE_TYPES:
            continue
        rtype, name = block.labels
        if not evaluator.enabled(block.body, scope)[0]:
            continue
        if rtype == "aws_organizations_policy" and _is_scp(evaluator, scope, block):
            for target in _targets(block.body.get("content")):
                kinds[target] = iam.SCP
            kinds[f"aws_organizations_policy.{name}"] = iam.SCP
        if rtype in _BOUNDED:
            for target in _targets(block.body.get("permissions_boundary")):
                kinds.setdefault(target, iam.BOUNDARY)
        if only_files is None or file in only_files:
            found.append((f"{rtype}.{name}", rtype, block, file))
    for file, block in scope.module.blocks("data"):
        if len(block.labels) == 2 and block.labels[0] == DOCUMENT and (only_files is None or file in only_files):
            found.append((f"data.{DOCUMENT}.{block.labels[1]}", DOCUMENT, block, file))
    out: list[PolicySubject] = []
    for local, rtype, block, file in found:
        if rtype == "aws_organizations_policy" and kinds.get(local) != iam.SCP:
            continue  # a tag, backup or AI opt-out policy: not an IAM policy
        statements = _statements(evaluator, scope, rtype, block, file)
        if not statements:
            continue
        out.append(
            PolicySubject(
                resource=f"{address}.{local}" if address else local,
                statements=statements,
                line=block.at.line,
                file=file,
                resource_type=f"data.{rtype}" if rtype == DOCUMENT else rtype,
                kind=kinds.get(local, iam.IDENTITY),
            )
        )
    return out


def _is_scp(evaluator: _Evaluator, scope: _Scope, block: hcl.Block) -> bool:
    expr = block.body.get("type")
    if expr is None:
        return True
    values = evaluator.values(expr, scope)
    return any(v.value == iam.SCP_TYPE for v in values)


def _targets(expr: Optional[hcl.Expr]) -> list[str]:
    """``aws_iam_policy.b.arn`` -> ``aws_iam_policy.b``; ``data.aws_iam_policy_document.d.json`` -> its address."""
    expr = hcl.expand(expr) if expr is not None else None
    if isinstance(expr, hcl.Call) and expr.name == "jsonencode":
        return []
    if not isinstance(expr, hcl.Ref):
        return []
    path = expr.path
    if len(path) >= 3 and path[0] == "data" and isinstance(path[1], str) and isinstance(path[2], str):
        return [f"data.{path[1]}.{path[2]}"]
    if len(path) >= 2 and isinstance(path[0], str) and isinstance(path[1], str):
        return [f"{path[0]}.{path[1]}"]
    return []


def _statements(
    evaluator: _Evaluator, scope: _Scope, rtype: str, block: hcl.Block, file: str
) -> tuple[Statement, ...]:
    if rtype == DOCUMENT:
        return tuple(
            _document_statement(evaluator, scope, b, file) for b in block.body.blocks if b.type == "statement"
        )[:_MAX_STATEMENTS]
    bodies: list[Optional[hcl.Expr]] = []
    if rtype in _POLICY_ATTRIBUTE:
        bodies.append(block.body.get(_POLICY_ATTRIBUTE[rtype]))
    if rtype == "aws_iam_role":
        bodies.extend(b.body.get("policy") for b in block.body.blocks if b.type == "inline_policy")
    out: list[Statement] = []
    for expr in bodies:
        if expr is not None:
            out.extend(_policy_body(evaluator, scope, expr, file))
    return tuple(out[:_MAX_STATEMENTS])


def _document_statement(evaluator: _Evaluator, scope: _Scope, block: hcl.Block, file: str) -> Statement:
    """One ``statement`` block of ``aws_iam_policy_document``: ``effect`` defaults to Allow."""
    body = block.body
    not_action = body.get("actions") is None and body.get("not_actions") is not None
    expr = body.get("not_actions" if not_action else "actions")
    actions = evaluator.values(expr, scope, as_list=True) if expr is not None else ()
    resolved = expr is None or bool(actions)
    effect_expr = body.get("effect")
    if effect_expr is None:
        effect: Optional[Value] = Value("Allow", block.at.line, block.at.column, file=file)
    else:
        effect = _single(evaluator.values(effect_expr, scope))
        resolved = resolved and effect is not None
    attr = body.attrs.get("not_actions") if not_action else None
    line = attr.at.line if attr is not None else block.at.line
    column = attr.at.column if attr is not None else block.at.column
    everywhere = _everywhere(evaluator, scope, body.get("resources"), body.get("not_resources"))
    return Statement(
        effect=effect,
        actions=tuple(_in(v, file) for v in actions),
        not_action=not_action,
        line=line,
        column=column,
        file=file,
        conditional=any(b.type == "condition" for b in body.blocks),
        resolved=resolved,
        all_resources=everywhere,
    )


def _single(values: tuple[Value, ...]) -> Optional[Value]:
    """The one value an Effect takes; None when it takes none, or several (a conditional between Allow and Deny)."""
    return values[0] if len({v.value for v in values}) == 1 else None


def _everywhere(
    evaluator: _Evaluator, scope: _Scope, resources: Optional[hcl.Expr], not_resources: Optional[hcl.Expr]
) -> bool:
    """Whether a statement applies to every resource: no resources named (an SCP) or ``*`` among them."""
    if not_resources is not None:
        return False
    return resources is None or any(v.value == "*" for v in evaluator.values(resources, scope, as_list=True))


def _in(value: Value, file: str) -> Value:
    """Values carry their own file only when it is not the subject's (Value.file's contract)."""
    return value if value.file != file else Value(value.value, value.line, value.column, value.via)


def _policy_body(evaluator: _Evaluator, scope: _Scope, expr: hcl.Expr, file: str) -> list[Statement]:
    expr = hcl.expand(expr)
    if isinstance(expr, hcl.Ref) and expr.path[:2] == ("data", DOCUMENT):
        return []  # judged as the data source's own subject
    if isinstance(expr, hcl.Call) and expr.name == "jsonencode" and len(expr.args) == 1:
        out: list[Statement] = []
        for form in evaluator.forms(expr.args[0], scope):
            if isinstance(form.expr, hcl.Obj):
                out.extend(_object_statements(evaluator, form.expr, form.scope, file))
        return out
    heredoc = isinstance(expr, hcl.Heredoc) and expr.content is not None
    if isinstance(expr, hcl.Heredoc) and expr.content is not None:
        expr = expr.content
    out = []
    for form in evaluator.forms(expr, scope):
        if isinstance(form.expr, hcl.Lit) and isinstance(form.expr.value, str):
            out.extend(_json_statements(form.expr.value, form.expr.at, file, exact=heredoc))
    return out


def _object_statements(evaluator: _Evaluator, document: hcl.Obj, scope: _Scope, file: str) -> list[Statement]:
    """``jsonencode({ Statement = [...] })``: each statement object, its values through the evaluator."""
    out: list[Statement] = []
    statement = document.get("Statement")
    if statement is None:
        return out
    for form in evaluator.forms(statement, scope):
        items = form.expr.items if isinstance(form.expr, hcl.Tuple) else (form.expr,)
        for item in items:
            for element in evaluator.forms(item, form.scope) if not isinstance(item, hcl.Obj) else []:
                if isinstance(element.expr, hcl.Obj):
                    out.append(_object_statement(evaluator, element.expr, element.scope, file))
            if isinstance(item, hcl.Obj):
                out.append(_object_statement(evaluator, item, form.scope, file))
    return out


def _object_statement(evaluator: _Evaluator, item: hcl.Obj, scope: _Scope, file: str) -> Statement:
    not_action = item.get("Action") is None and item.get("NotAction") is not None
    expr = item.get("NotAction" if not_action else "Action")
    actions = evaluator.values(expr, scope, as_list=True) if expr is not None else ()
    effect = _single(evaluator.values(item.get("Effect"), scope))
    at = expr.at if not_action and expr is not None and hasattr(expr, "at") else item.at
    everywhere = _everywhere(evaluator, scope, item.get("Resource"), item.get("NotResource"))
    return Statement(
        effect=effect,
        actions=tuple(_in(v, file) for v in actions),
        not_action=not_action,
        line=at.line,
        column=at.column,
        file=file,
        conditional=item.get("Condition") is not None,
        resolved=(expr is None or bool(actions)) and effect is not None,
        all_resources=everywhere,
    )


def _json_statements(text: str, at: hcl.Where, file: str, exact: bool) -> list[Statement]:
    """A literal JSON policy, parsed with positions: a heredoc's lines are the file's (``exact``); a quoted string's
    escapes shift every column, so its values sit where the string starts."""
    from ..loader import LoadError, load_text

    if "Statement" not in text:
        return []
    try:
        document = load_text(text, "policy.json")
    except (LoadError, RecursionError):
        return []
    line_offset = at.line - 1 if at.line else 0

    def resolve(node: object) -> tuple[tuple[Value, ...], bool]:
        from ..loader import position

        if node is None:
            return (), True
        if not isinstance(node, str):
            return (), False
        line, column = position(node)
        if not line or not exact:
            return (Value(str(node), at.line, at.column),), True
        return (Value(str(node), line + line_offset, column),), True

    statements = iam.document_statements(document, resolve, file)
    if not exact:
        return [replace(s, line=at.line, column=at.column) for s in statements]
    return [replace(s, line=s.line + line_offset) if s.line else s for s in statements]
