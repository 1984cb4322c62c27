"""Lambda subjects from Terraform HCL, with the line of every value.

The ``hcl2`` module is shared by bc-python-hcl2 (Checkov's pin) and python-hcl2, whose dict outputs disagree
(values wrapped in lists or not, quotes kept or not, lines on blocks only or nowhere). Both build the same
Lark parse tree, though: the rule names used here (``block``, ``body``, ``attribute``, ``expr_term``,
``tuple``, ``object``, ``object_elem``, ``conditional``, ``get_attr_expr_term``) and the source spans are the
same in bc-python-hcl2 0.4.3 and python-hcl2 7.x and 8.x. So values are read from that tree, each leaf decoded
from its own source text, and every value keeps the line and column it was written at.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Optional, Union

from ..model import FunctionSubject, LayerSubject, Value

__all__ = ["TerraformError", "parse_hcl", "subjects_from_hcl", "variable_defaults"]

_FUNCTION_TYPES = ("aws_lambda_function", "awscc_lambda_function")
_LAYER_TYPES = ("aws_lambda_layer_version", "awscc_lambda_layer_version")
_RUNTIME_MANAGEMENT_TYPE = "aws_lambda_runtime_management_config"
# Expressions nest (conditionals, locals pointing at locals); past this depth a value is unresolvable.
_MAX_DEPTH = 32


class TerraformError(Exception):
    """The text is not HCL that the installed ``hcl2`` module can parse."""


class _Unresolved:
    """Marker for an expression whose value is not known before ``terraform plan``."""


_UNRESOLVED = _Unresolved()


@dataclass(frozen=True)
class _Plain:
    """A value that came from outside the parse tree (a variable default), placed at the reference."""

    value: object
    line: int
    column: int
    via: str


Node = Any  # a lark Tree or Token, or a _Plain


@dataclass
class _Context:
    text: str
    variables: Mapping[str, object]
    local_nodes: dict[str, Node] = field(default_factory=dict)


def parse_hcl(text: str, file: str = "") -> Any:
    """Parse HCL with the installed ``hcl2`` module and return its Lark parse tree.

    Raises TerraformError, with one human line, when the text does not parse.
    """
    import hcl2  # imported here: building the Lark parser is work we only do when asked

    try:
        return _lark_tree(hcl2, text)
    except Exception as exc:  # lark raises many types; RecursionError on pathological nesting
        raise TerraformError(_describe(exc, file)) from exc


def _lark_tree(hcl2: Any, text: str) -> Any:
    if hasattr(hcl2, "parses_to_tree"):  # python-hcl2 >= 8
        return hcl2.parses_to_tree(text)
    legacy = getattr(getattr(hcl2, "parser", None), "hcl2", None)
    if legacy is not None and hasattr(legacy, "lark_parser"):  # bc-python-hcl2 0.4.x
        return legacy.lark_parser.parse(text + "\n")
    return hcl2.parses(text + "\n")  # python-hcl2 5.x to 7.x return the Lark tree here


def _describe(exc: BaseException, file: str) -> str:
    where = file or "<hcl>"
    line = getattr(exc, "line", None)
    if isinstance(line, int) and line > 0:
        where = f"{where}:{line}"
    detail = str(exc).strip().splitlines()
    reason = detail[0] if detail else type(exc).__name__
    return f"{where}: not valid HCL ({reason})"


def variable_defaults(text: str, file: str = "") -> dict[str, object]:
    """The literal ``default`` of every ``variable`` block, so a caller can gather them across a module.

    Variables without a default, or with a ``null`` default, are left out. Raises TerraformError.
    """
    return _variable_defaults(parse_hcl(text, file), text)


def subjects_from_hcl(
    text: str, file: str = "", variables: Optional[Mapping[str, object]] = None
) -> list[Union[FunctionSubject, LayerSubject]]:
    """Every Lambda function, layer and runtime management config declared in one ``.tf`` file.

    ``variables`` maps variable names to defaults gathered from the whole module directory; the file's own
    defaults are used for names it lacks. Values Terraform only knows at plan time are left out.
    Raises TerraformError, and nothing else, when the text does not parse.
    """
    tree = parse_hcl(text, file)
    defaults: dict[str, object] = _variable_defaults(tree, text)
    if variables:
        defaults.update(variables)
    ctx = _Context(text, defaults)
    for block in _blocks(tree):
        head, labels, body = _block_parts(block, text)
        if head == "locals" and body is not None:
            ctx.local_nodes.update(_attributes(body, text))
    subjects: list[Union[FunctionSubject, LayerSubject]] = []
    for block in _blocks(tree):
        head, labels, body = _block_parts(block, text)
        if head != "resource" or len(labels) != 2 or body is None:
            continue
        subject = _subject(labels[0], labels[1], block, body, ctx, file)
        if subject is not None:
            subjects.append(subject)
    return subjects


def _subject(
    rtype: str, name: str, block: Node, body: Node, ctx: _Context, file: str
) -> Optional[Union[FunctionSubject, LayerSubject]]:
    attrs = _attributes(body, ctx.text)
    line = _where(block)[0]
    resource = f"{rtype}.{name}"

    def values(attr: str, as_list: bool = False) -> tuple[Value, ...]:
        node = attrs.get(attr)
        return _set(_candidates(node, ctx, as_list)) if node is not None else ()

    if rtype in _LAYER_TYPES:
        return LayerSubject(
            resource=resource,
            compatible_runtimes=values("compatible_runtimes", as_list=True),
            compatible_architectures=values("compatible_architectures", as_list=True),
            line=line,
            file=file,
            resource_type=rtype,
        )
    if rtype == _RUNTIME_MANAGEMENT_TYPE:
        return FunctionSubject(
            resource=resource,
            update_modes=values("update_runtime_on"),
            runtime_version_arns=values("runtime_version_arn"),
            line=line,
            file=file,
            resource_type=rtype,
        )
    if rtype not in _FUNCTION_TYPES:
        return None
    modes: tuple[Value, ...] = ()
    arns: tuple[Value, ...] = ()
    config = attrs.get("runtime_management_config")  # awscc only: an object attribute
    if config is not None:
        members = _members(config, ctx, 0)
        if "update_runtime_on" in members:
            modes = _set(_candidates(members["update_runtime_on"], ctx, False))
        if "runtime_version_arn" in members:
            arns = _set(_candidates(members["runtime_version_arn"], ctx, False))
        line = _where(_attribute_nodes(body, ctx.text).get("runtime_management_config", block))[0] or line
    return FunctionSubject(
        resource=resource,
        runtimes=values("runtime"),
        architectures=values("architectures", as_list=True),
        update_modes=modes,
        runtime_version_arns=arns,
        line=line,
        file=file,
        resource_type=rtype,
    )


def _set(values: list[Value]) -> tuple[Value, ...]:
    """Drop blank strings: the AWS provider treats ``runtime = ""`` (a module's "no runtime" default) as unset."""
    return tuple(v for v in values if not (isinstance(v.value, str) and not v.value.strip()))


# --- the parse tree ----------------------------------------------------------------------------------------


def _data(node: Node) -> str:
    return str(getattr(node, "data", ""))


def _children(node: Node) -> list[Node]:
    children = getattr(node, "children", None)
    return list(children) if isinstance(children, list) else []


def _kids(node: Node) -> list[Node]:
    """Sub-rules only: punctuation tokens and newlines/comments are noise here."""
    return [c for c in _children(node) if hasattr(c, "data") and _data(c) != "new_line_or_comment"]


def _where(node: Node) -> tuple[int, int]:
    meta = getattr(node, "meta", None)
    source = meta if meta is not None else node
    line = getattr(source, "line", 0)
    column = getattr(source, "column", 0)
    return (line if isinstance(line, int) else 0, column if isinstance(column, int) else 0)


def _source(node: Node, text: str) -> str:
    meta = getattr(node, "meta", None)
    source = meta if meta is not None else node
    start = getattr(source, "start_pos", None)
    end = getattr(source, "end_pos", None)
    if not isinstance(start, int) or not isinstance(end, int):
        return ""
    return text[start:end]


def _unquote(label: str) -> str:
    label = label.strip()
    if len(label) >= 2 and label[0] == '"' and label[-1] == '"':
        return label[1:-1]
    return label


def _blocks(tree: Node) -> list[Node]:
    bodies = [tree] if _data(tree) == "body" else [k for k in _kids(tree) if _data(k) == "body"]
    return [k for body in bodies for k in _kids(body) if _data(k) == "block"]


def _block_parts(block: Node, text: str) -> tuple[str, list[str], Optional[Node]]:
    words: list[str] = []
    for child in _children(block):
        if _data(child) == "body":
            return (words[0] if words else "", words[1:], child)
        if _data(child) == "new_line_or_comment" or getattr(child, "type", "") in ("LBRACE", "RBRACE"):
            continue
        words.append(_unquote(_source(child, text)))
    return (words[0] if words else "", words[1:], None)


def _attribute_nodes(body: Node, text: str) -> dict[str, Node]:
    return {name: attribute for name, attribute, _ in _attribute_triples(body, text)}


def _attributes(body: Node, text: str) -> dict[str, Node]:
    """Attribute name -> its expression node; the first of duplicates wins (Terraform rejects them)."""
    return {name: expression for name, _, expression in _attribute_triples(body, text)}


def _attribute_triples(body: Node, text: str) -> list[tuple[str, Node, Node]]:
    triples: list[tuple[str, Node, Node]] = []
    seen: set[str] = set()
    for child in _kids(body):
        parts = _kids(child)
        if _data(child) != "attribute" or len(parts) < 2:
            continue
        name = _unquote(_source(parts[0], text))
        if name not in seen:
            seen.add(name)
            triples.append((name, child, parts[-1]))
    return triples


def _unwrap(node: Node) -> Node:
    """Strip ``expr_term`` and parentheses down to the expression or token that carries meaning."""
    for _ in range(_MAX_DEPTH):
        if _data(node) != "expr_term":
            return node
        kids = _kids(node)
        if len(kids) == 1:
            node = kids[0]
            continue
        tokens = [c for c in _children(node) if isinstance(c, str)]
        if not kids and len(tokens) == 1:  # bc-python-hcl2: a STRING_LIT token straight under expr_term
            return tokens[0]
        return node
    return node


# --- values ------------------------------------------------------------------------------------------------


def _join(via: str, more: str) -> str:
    return f"{via}, {more}" if via and more else via or more


def _candidates(node: Node, ctx: _Context, as_list: bool, via: str = "", depth: int = 0) -> list[Value]:
    """Every value the expression can take; a list attribute gives one Value per element."""
    if depth > _MAX_DEPTH:
        return []
    if isinstance(node, _Plain):
        return _plain_candidates(node.value, node, as_list, _join(via, node.via))
    node = _unwrap(node)
    kind = _data(node)
    if kind == "conditional" or kind == "binary_op":
        parts = _conditional(node, ctx.text)
        if parts is None:
            return []
        condition = parts[0]
        return _candidates(parts[1], ctx, as_list, _join(via, f"when {condition}"), depth + 1) + _candidates(
            parts[2], ctx, as_list, _join(via, f"unless {condition}"), depth + 1
        )
    if kind == "tuple":
        if not as_list:
            return []
        return [v for element in _kids(node) for v in _candidates(element, ctx, False, via, depth + 1)]
    if kind == "get_attr_expr_term":
        target = _dereference(node, ctx)
        if target is None:
            return []
        return _candidates(target[1], ctx, as_list, _join(via, target[0]), depth + 1)
    literal = _literal(node, ctx.text)
    if not isinstance(literal, str):  # unknown, or a number/bool: the CloudFormation source skips those too
        return []
    line, column = _where(node)
    return [Value(literal, line, column, via)]


def _conditional(node: Node, text: str) -> Optional[tuple[str, Node, Node]]:
    """(condition text, true branch, false branch) of ``c ? a : b``.

    bc-python-hcl2's grammar binds ``?:`` tighter than binary operators, so ``x == "/" ? a : b`` arrives as
    ``x == ("/" ? a : b)``; HCL gives the conditional the lowest precedence, so re-associate: follow the
    right-most operand of a binary operation down to a conditional, and extend its condition leftwards.
    """
    start = node
    for _ in range(_MAX_DEPTH):
        if _data(node) == "conditional":
            break
        if _data(node) not in ("binary_op", "binary_term"):  # parentheses (expr_term) are kept
            return None
        kids = _kids(node)
        if not kids:
            return None
        node = kids[-1]
    else:
        return None
    parts = _kids(node)
    if len(parts) != 3:
        return None
    begin = getattr(getattr(start, "meta", None), "start_pos", None)
    end = getattr(getattr(parts[0], "meta", None), "end_pos", None)
    if start is node or not isinstance(begin, int) or not isinstance(end, int):
        condition = _source(parts[0], text)
    else:
        condition = text[begin:end]
    return " ".join(condition.split()), parts[1], parts[2]


def _plain_candidates(value: object, at: _Plain, as_list: bool, via: str) -> list[Value]:
    if isinstance(value, str):
        return [Value(str(value), at.line, at.column, via)]
    if as_list and isinstance(value, (list, tuple)):
        return [Value(str(v), at.line, at.column, via) for v in value if isinstance(v, str)]
    return []


def _dereference(node: Node, ctx: _Context) -> Optional[tuple[str, Node]]:
    """``var.x`` -> its default, ``local.x`` -> its expression; anything else is unknown before plan."""
    parts = _source(node, ctx.text).split(".")
    if len(parts) != 2 or not all(_is_name(p) for p in parts):
        return None
    scope, name = parts
    if scope == "var" and name in ctx.variables:
        line, column = _where(node)
        return (f"from the default of var.{name}", _Plain(ctx.variables[name], line, column, ""))
    if scope == "local" and name in ctx.local_nodes:
        return (f"from local.{name}", ctx.local_nodes[name])
    return None


def _is_name(word: str) -> bool:
    if not word or not (word[0].isalpha() or word[0] == "_"):
        return False
    return all(c.isalnum() or c in "_-" for c in word)


def _literal(node: Node, text: str) -> object:
    kind = _data(node)
    source = _source(node, text).strip()
    if kind == "string" or getattr(node, "type", "") == "STRING_LIT":
        return _decode_string(source)
    if kind == "int_lit":
        try:
            return int(source)
        except ValueError:
            return _UNRESOLVED
    if kind == "float_lit":
        try:
            return float(source)
        except ValueError:
            return _UNRESOLVED
    if kind in ("identifier", "literal_value") and source in ("true", "false"):
        return source == "true"
    return _UNRESOLVED  # null (= unset), heredocs, function calls, operators, splats, ...


def _decode_string(source: str) -> object:
    if len(source) < 2 or source[0] != '"' or source[-1] != '"':
        return _UNRESOLVED
    inner = source[1:-1]
    if "${" in inner or "%{" in inner:  # a template: only known at plan time
        return _UNRESOLVED
    try:
        decoded = json.loads(source)  # HCL's escapes are JSON's, plus \uNNNNNNNN which json rejects
    except ValueError:
        return inner
    return decoded if isinstance(decoded, str) else inner


def _members(node: Node, ctx: _Context, depth: int) -> dict[str, Node]:
    """The members of an object expression (or of a local / variable default holding one)."""
    if depth > _MAX_DEPTH:
        return {}
    if isinstance(node, _Plain):
        if not isinstance(node.value, Mapping):
            return {}
        return {str(k): _Plain(v, node.line, node.column, node.via) for k, v in node.value.items()}
    node = _unwrap(node)
    kind = _data(node)
    if kind == "get_attr_expr_term":
        target = _dereference(node, ctx)
        if target is None:
            return {}
        members = _members(target[1], ctx, depth + 1)
        if isinstance(target[1], _Plain):
            return {k: _Plain(v.value, v.line, v.column, target[0]) for k, v in members.items()}
        return members
    if kind != "object":
        return {}
    members: dict[str, Node] = {}
    for element in _kids(node):
        parts = _kids(element)
        if _data(element) == "object_elem" and len(parts) >= 2:
            members.setdefault(_unquote(_source(parts[0], ctx.text)), parts[-1])
    return members


def _plain(node: Node, text: str, depth: int = 0) -> object:
    """A literal expression as a Python value (for variable defaults), or _UNRESOLVED."""
    node = _unwrap(node)
    kind = _data(node)
    if depth > _MAX_DEPTH:
        return _UNRESOLVED
    if kind == "tuple":
        items = [_plain(k, text, depth + 1) for k in _kids(node)]
        return [i for i in items if not isinstance(i, _Unresolved)]
    if kind == "object":
        result: dict[str, object] = {}
        for element in _kids(node):
            parts = _kids(element)
            if _data(element) == "object_elem" and len(parts) >= 2:
                value = _plain(parts[-1], text, depth + 1)
                if not isinstance(value, _Unresolved):
                    result.setdefault(_unquote(_source(parts[0], text)), value)
        return result
    return _literal(node, text)


def _variable_defaults(tree: Node, text: str) -> dict[str, object]:
    defaults: dict[str, object] = {}
    for block in _blocks(tree):
        head, labels, body = _block_parts(block, text)
        if head != "variable" or len(labels) != 1 or body is None:
            continue
        node = _attributes(body, text).get("default")
        value = _UNRESOLVED if node is None else _plain(node, text)
        if not isinstance(value, _Unresolved):
            defaults[labels[0]] = value
    return defaults
