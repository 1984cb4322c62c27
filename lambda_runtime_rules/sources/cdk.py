"""CDK app source (TypeScript, JavaScript, Python, Java, C#, Go) -> engine subjects, read with tree-sitter.

A CDK app's runtime is written in code (``lambda.Runtime.PYTHON_3_8``), and ``cdk.out`` is usually git-ignored,
so a commit-time check must read the source. Files are parsed, never run: a construct (``new Function(this,
'Id', {...})``, ``_lambda.Function(self, "Id", runtime=...)``, ``Function.Builder.create(this, "Id")...build()``,
``new Function(this, "Id", new FunctionProps { ... })``, ``awslambda.NewFunction(stack, jsii.String("Id"),
&awslambda.FunctionProps{...})``) gives a subject named by its construct ID. ``runtime``, ``architecture``,
``runtimeManagementMode`` and a layer's ``compatibleRuntimes``/``compatibleArchitectures`` are read in any
language's spelling (keys compared without case and underscores). Literal values held in a variable or constant
of the same file are followed; anything computed is left out.

The facts are data: constant names map to runtimes through the catalog's ``cdk`` field, construct classes and
``Architecture``/``RuntimeManagementMode`` members come from ``rules_data/cdk.json``. A ``Runtime`` constant the
catalog does not know is kept as written (``Runtime.PYTHON_9_9``), so the engine reports WL1005 naming it.

Spelling rule (documented in the README): the catalog stores the constant's name (``PYTHON_3_8``); TypeScript,
JavaScript, Python, Java and C# write ``Runtime.PYTHON_3_8``, Go writes ``Runtime_PYTHON_3_8()``. A value's
position is that of the constant's name token (``PYTHON_3_8``; ``Runtime_PYTHON_3_8`` in Go), which is the
token ``fix`` rewrites.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Union

from .. import files
from ..loader import MAX_FILE_BYTES
from ..model import FunctionSubject, LayerSubject, Value
from .cdk_data import CdkData, data, runtime_constants
from .names import CDK_SKIP_DIRS as SKIP_DIRS
from .names import LANGUAGES, language_of, mentions_cdk_lambda, mentions_file
from .names import is_cdk_source as is_source

__all__ = [
    "LANGUAGES",
    "SKIP_DIRS",
    "is_source",
    "language_of",
    "load",
    "mentions_cdk_lambda",
    "mentions_file",
    "spelling",
    "token_edits",
]

Subject = Union[FunctionSubject, LayerSubject]

_MAX_DEPTH = 32

def spelling(constant: str, language: str) -> str:
    """How a language writes aws-cdk-lib's Runtime constant (``PYTHON_3_8`` -> ``Runtime_PYTHON_3_8()`` in Go)."""
    return f"Runtime_{constant}()" if language == "go" else f"Runtime.{constant}"


def _token(constant: str, language: str) -> str:
    """The single token ``fix`` rewrites: the member name, or Go's function name."""
    return f"Runtime_{constant}" if language == "go" else constant


# ------------------------------------------------------------------------------------------------ values


@dataclass(frozen=True)
class _Str:
    value: str
    node: Any


@dataclass(frozen=True)
class _Member:
    """``Owner.NAME`` (Go: ``pkg.Owner_NAME()``): ``node`` is the token a user edits."""

    owner: str
    name: str
    node: Any


@dataclass(frozen=True)
class _Call:
    """``Owner.method(args)``, or ``new Owner(args)`` with ``method == 'new'``."""

    owner: str
    method: str
    args: tuple[Any, ...]
    keywords: tuple[tuple[str, Any], ...] = ()
    """Python keyword arguments, ``(name, value)`` in order."""


@dataclass(frozen=True)
class _Here:
    """``__dirname`` (JavaScript) or ``__file__`` (Python): where the source file itself is."""

    is_file: bool


_HERE_NAMES = {"__dirname": _Here(False), "__file__": _Here(True)}

_Seq = tuple  # a list literal: a tuple of values
_UNKNOWN = None


def _key(name: str) -> str:
    """Props compared across languages: ``runtimeManagementMode``, ``runtime_management_mode``,
    ``RuntimeManagementMode`` are one key."""
    return name.replace("_", "").lower()


def _text(node: Any) -> str:
    return node.text.decode("utf-8", "replace") if node is not None else ""


def _last_name(node: Any) -> str:
    """The rightmost identifier of a (possibly qualified) name: ``lambda.Function`` -> ``Function``."""
    if node is None:
        return ""
    named = node.named_children
    while named:
        node = named[-1]
        if node.type in ("type_arguments", "type_argument_list"):
            node = named[-2] if len(named) > 1 else node
        named = node.named_children
    return _text(node)


@dataclass
class _Construct:
    kind: str
    ident: Any
    props: dict[str, Any]
    node: Any


class _Reader:
    """One parsed file: its bindings (literal variables) and its constructs, as language-neutral values."""

    language = ""
    query = ""

    def __init__(self, source: bytes, tree: Any) -> None:
        self.source = source
        self.root = tree.root_node
        self.bindings: dict[str, Any] = {}
        self.busy: set[str] = set()

    def bind(self, name: Any, value: Any) -> None:
        """A name assigned twice is not a constant: it is forgotten."""
        if name is None or value is None:
            return
        text = _text(name)
        self.bindings[text] = None if text in self.bindings else value

    def identifier(self, name: str, depth: int) -> Any:
        if name in _HERE_NAMES and name not in self.bindings:
            return _HERE_NAMES[name]
        node = self.bindings.get(name)
        if node is None or name in self.busy:
            return _UNKNOWN
        self.busy.add(name)
        try:
            return self.value(node, depth + 1)
        finally:
            self.busy.discard(name)

    def value(self, node: Any, depth: int = 0) -> Any:
        raise NotImplementedError

    def constructs(self, captures: dict[str, list[Any]]) -> Iterable[_Construct]:
        raise NotImplementedError

    def values(self, nodes: Sequence[Any], depth: int) -> tuple[Any, ...]:
        return tuple(self.value(n, depth + 1) for n in nodes if n.type != "comment")


class _JsReader(_Reader):
    query = "(new_expression) @new (variable_declarator name: (identifier) @name value: (_) @value) @decl"

    def constructs(self, captures: dict[str, list[Any]]) -> Iterable[_Construct]:
        for decl in captures.get("decl", ()):
            self.bind(decl.child_by_field_name("name"), decl.child_by_field_name("value"))
        for node in captures.get("new", ()):
            args = node.child_by_field_name("arguments")
            items = [a for a in args.named_children if a.type != "comment"] if args is not None else []
            if len(items) >= 2:
                props = self.value(items[2]) if len(items) > 2 else {}
                yield _Construct(_last_name(node.child_by_field_name("constructor")), items[1], _props(props), node)

    def value(self, node: Any, depth: int = 0) -> Any:
        if node is None or depth > _MAX_DEPTH:
            return _UNKNOWN
        kind = node.type
        if kind == "string":
            from .serverless_script import _string

            return _Str(_string(node), node)
        if kind == "template_string" and not any(c.type == "template_substitution" for c in node.named_children):
            return _Str(_text(node)[1:-1], node)
        if kind == "identifier":
            return self.identifier(_text(node), depth)
        if kind in ("parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression"):
            return self.value(node.named_children[0], depth + 1) if node.named_children else _UNKNOWN
        if kind == "member_expression":
            prop = node.child_by_field_name("property")
            return _Member(_last_name(node.child_by_field_name("object")), _text(prop), prop)
        if kind == "array":
            return self.values(node.named_children, depth)
        if kind == "object":
            out: dict[str, Any] = {}
            for pair in node.named_children:  # in order: a later key (or spread) wins, as in JavaScript
                if pair.type == "pair":
                    name = _text(pair.child_by_field_name("key")).strip("'\"")
                    out[name] = self.value(pair.child_by_field_name("value"), depth + 1)
                elif pair.type == "shorthand_property_identifier":
                    out[_text(pair)] = self.identifier(_text(pair), depth + 1)
                elif pair.type == "spread_element" and pair.named_children:  # { ...defaults, handler }
                    spread = self.value(pair.named_children[0], depth + 1)
                    out.update(spread if isinstance(spread, dict) else dict.fromkeys(out))
            return out
        if kind in ("call_expression", "new_expression"):
            function = node.child_by_field_name("function" if kind == "call_expression" else "constructor")
            args = node.child_by_field_name("arguments")
            items = self.values(args.named_children if args is not None else (), depth)
            if kind == "new_expression":
                return _Call(_last_name(function), "new", items)
            if function is not None and function.type == "member_expression":
                owner = _last_name(function.child_by_field_name("object"))
                return _Call(owner, _text(function.child_by_field_name("property")), items)
        return _UNKNOWN


class _PythonReader(_Reader):
    language = "python"
    query = "(call) @call (assignment left: (identifier) @name right: (_) @value) @decl"

    def constructs(self, captures: dict[str, list[Any]]) -> Iterable[_Construct]:
        for decl in captures.get("decl", ()):
            self.bind(decl.child_by_field_name("left"), decl.child_by_field_name("right"))
        for node in captures.get("call", ()):
            name = _last_name(node.child_by_field_name("function"))
            if not name[:1].isupper():
                continue
            args = node.child_by_field_name("arguments")
            children = args.named_children if args is not None else []
            positional = [a for a in children if a.type not in ("keyword_argument", "comment")]
            if len(positional) < 2:
                continue
            props = {
                _text(a.child_by_field_name("name")): self.value(a.child_by_field_name("value"))
                for a in (args.named_children if args else ())
                if a.type == "keyword_argument"
            }
            yield _Construct(name, positional[1], _props(props), node)

    def value(self, node: Any, depth: int = 0) -> Any:
        if node is None or depth > _MAX_DEPTH:
            return _UNKNOWN
        kind = node.type
        if kind == "string":
            if any(c.type == "interpolation" for c in node.named_children):
                return _UNKNOWN
            return _Str("".join(_text(c) for c in node.named_children if c.type == "string_content"), node)
        if kind == "identifier":
            return self.identifier(_text(node), depth)
        if kind == "parenthesized_expression":
            return self.value(node.named_children[0], depth + 1) if node.named_children else _UNKNOWN
        if kind == "attribute":
            attribute = node.child_by_field_name("attribute")
            return _Member(_last_name(node.child_by_field_name("object")), _text(attribute), attribute)
        if kind in ("list", "tuple"):
            return self.values(node.named_children, depth)
        if kind == "call":
            function = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            items = self.values([a for a in args.named_children if a.type != "keyword_argument"] if args else (), depth)
            keywords = tuple(
                (_text(a.child_by_field_name("name")), self.value(a.child_by_field_name("value"), depth + 1))
                for a in (args.named_children if args else ())
                if a.type == "keyword_argument"
            )
            if function is not None and function.type == "attribute":
                owner = _last_name(function.child_by_field_name("object"))
                method = _text(function.child_by_field_name("attribute"))
                if method[:1].isupper():  # lambda_.Runtime("<identifier>", ...): a constructor call
                    return _Call(method, "new", items)
                return _Call(owner, method, items, keywords)
            if function is not None and function.type == "identifier":
                return _Call(_text(function), "new", items)
        return _UNKNOWN


class _JavaReader(_Reader):
    language = "java"
    query = (
        "(object_creation_expression) @new (method_invocation) @call "
        "(variable_declarator name: (identifier) @name value: (_) @value) @decl"
    )

    def constructs(self, captures: dict[str, list[Any]]) -> Iterable[_Construct]:
        for decl in captures.get("decl", ()):
            self.bind(decl.child_by_field_name("name"), decl.child_by_field_name("value"))
        for node in captures.get("new", ()):
            args = node.child_by_field_name("arguments")
            items = [a for a in args.named_children if a.type != "comment"] if args is not None else []
            if len(items) >= 2:
                props = self.value(items[2]) if len(items) > 2 else {}
                yield _Construct(_last_name(node.child_by_field_name("type")), items[1], _props(props), node)
        for node in captures.get("call", ()):
            if _text(node.child_by_field_name("name")) != "build":
                continue
            chain = self.chain(node.child_by_field_name("object"), 0)
            if chain is not None and chain[0]:
                yield _Construct(chain[0], chain[1], _props(chain[2]), node)

    def chain(self, node: Any, depth: int) -> Optional[tuple[str, Any, dict[str, Any]]]:
        """``X.Builder.create(scope, "Id").a(..).b(..)`` -> (X, id node, props);
        ``XProps.builder()...`` -> ('', None, props)."""
        props: dict[str, Any] = {}
        while node is not None and node.type == "method_invocation" and depth < 256:
            depth += 1
            name = _text(node.child_by_field_name("name"))
            args = node.child_by_field_name("arguments")
            items = [a for a in args.named_children if a.type != "comment"] if args is not None else []
            target = node.child_by_field_name("object")
            if name == "create" and target is not None and target.type == "field_access":
                if _text(target.child_by_field_name("field")) == "Builder" and len(items) >= 2:
                    return _last_name(target.child_by_field_name("object")), items[1], props
                return None
            if name == "builder":
                return "", None, props
            if items:
                props.setdefault(name, self.value(items[0], depth))
            node = target
        return None

    def value(self, node: Any, depth: int = 0) -> Any:
        if node is None or depth > _MAX_DEPTH:
            return _UNKNOWN
        kind = node.type
        if kind == "string_literal":
            if any(c.type not in ("string_fragment",) for c in node.named_children):
                return _UNKNOWN
            return _Str("".join(_text(c) for c in node.named_children), node)
        if kind == "identifier":
            return self.identifier(_text(node), depth)
        if kind == "parenthesized_expression":
            return self.value(node.named_children[0], depth + 1) if node.named_children else _UNKNOWN
        if kind == "field_access":
            field = node.child_by_field_name("field")
            return _Member(_last_name(node.child_by_field_name("object")), _text(field), field)
        if kind == "object_creation_expression":
            args = node.child_by_field_name("arguments")
            items = self.values(args.named_children if args is not None else (), depth)
            return _Call(_last_name(node.child_by_field_name("type")), "new", items)
        if kind == "method_invocation":
            name = _text(node.child_by_field_name("name"))
            if name == "build":
                chain = self.chain(node.child_by_field_name("object"), depth)
                return chain[2] if chain is not None else _UNKNOWN
            args = node.child_by_field_name("arguments")
            items = self.values(args.named_children if args is not None else (), depth)
            owner = _last_name(node.child_by_field_name("object"))
            if (owner, name) in (("List", "of"), ("Arrays", "asList")):
                return items
            return _Call(owner, name, items)
        if kind == "array_creation_expression":
            init = next((c for c in node.named_children if c.type == "array_initializer"), None)
            return self.values(init.named_children, depth) if init is not None else _UNKNOWN
        if kind == "array_initializer":
            return self.values(node.named_children, depth)
        return _UNKNOWN


class _CSharpReader(_Reader):
    language = "csharp"
    query = "(object_creation_expression) @new (variable_declarator) @decl"

    def constructs(self, captures: dict[str, list[Any]]) -> Iterable[_Construct]:
        for decl in captures.get("decl", ()):
            named = decl.named_children
            if len(named) >= 2 and named[0].type == "identifier":
                value = named[-1]
                if value.type == "equals_value_clause" and value.named_children:
                    value = value.named_children[0]
                self.bind(named[0], value)
        for node in captures.get("new", ()):
            items = self.arguments(node)
            if len(items) >= 2:
                props = self.value(items[2]) if len(items) > 2 else {}
                yield _Construct(_last_name(node.child_by_field_name("type")), items[1], _props(props), node)

    @staticmethod
    def arguments(node: Any) -> list[Any]:
        args = node.child_by_field_name("arguments")
        if args is None:
            return []
        return [a.named_children[-1] if a.type == "argument" and a.named_children else a for a in args.named_children]

    def value(self, node: Any, depth: int = 0) -> Any:
        if node is None or depth > _MAX_DEPTH:
            return _UNKNOWN
        kind = node.type
        if kind in ("string_literal", "verbatim_string_literal", "raw_string_literal"):
            parts = node.named_children
            if any(c.type not in ("string_literal_content", "string_content", "raw_string_content") for c in parts):
                return _UNKNOWN
            if kind == "verbatim_string_literal":
                return _Str(_text(node)[2:-1], node)
            return _Str("".join(_text(c) for c in parts), node)
        if kind == "identifier":
            return self.identifier(_text(node), depth)
        if kind == "parenthesized_expression":
            return self.value(node.named_children[0], depth + 1) if node.named_children else _UNKNOWN
        if kind == "member_access_expression":
            name = node.child_by_field_name("name")
            return _Member(_last_name(node.child_by_field_name("expression")), _text(name), name)
        if kind == "invocation_expression":
            function = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            items = [a.named_children[-1] for a in (args.named_children if args else ()) if a.named_children]
            if function is not None and function.type == "member_access_expression":
                owner = _last_name(function.child_by_field_name("expression"))
                return _Call(owner, _text(function.child_by_field_name("name")), self.values(items, depth))
            return _UNKNOWN
        if kind in ("implicit_array_creation_expression", "array_creation_expression"):
            init = node.child_by_field_name("initializer") or next(
                (c for c in node.named_children if c.type == "initializer_expression"), None
            )
            return self.values(init.named_children, depth) if init is not None else _UNKNOWN
        if kind == "object_creation_expression":
            init = node.child_by_field_name("initializer")
            if init is not None:
                entries = [c for c in init.named_children if c.type != "comment"]
                if entries and all(c.type == "assignment_expression" for c in entries):
                    return {
                        _text(c.child_by_field_name("left")): self.value(c.child_by_field_name("right"), depth + 1)
                        for c in entries
                    }
                return self.values(entries, depth)  # new List<Runtime> { ... }
            return _Call(_last_name(node.child_by_field_name("type")), "new", self.values(self.arguments(node), depth))
        return _UNKNOWN


class _GoReader(_Reader):
    language = "go"
    query = (
        "(call_expression function: (selector_expression)) @call (const_spec) @spec (var_spec) @spec "
        "(short_var_declaration) @short"
    )

    def constructs(self, captures: dict[str, list[Any]]) -> Iterable[_Construct]:
        for spec in captures.get("spec", ()):
            names = [c for c in spec.children_by_field_name("name")]
            value = spec.child_by_field_name("value")
            for name, item in zip(names, value.named_children if value is not None else ()):
                self.bind(name, item)
        for short in captures.get("short", ()):
            left, right = short.child_by_field_name("left"), short.child_by_field_name("right")
            if left is not None and right is not None:
                for name, item in zip(left.named_children, right.named_children):
                    if name.type == "identifier":
                        self.bind(name, item)
        for node in captures.get("call", ()):
            field = _text(node.child_by_field_name("function").child_by_field_name("field"))
            if not field.startswith("New") or len(field) < 4:
                continue
            args = node.child_by_field_name("arguments")
            items = [a for a in args.named_children if a.type != "comment"] if args is not None else []
            if len(items) >= 2:
                props = self.value(items[2]) if len(items) > 2 else {}
                yield _Construct(field[3:], items[1], _props(props), node)

    def value(self, node: Any, depth: int = 0) -> Any:
        if node is None or depth > _MAX_DEPTH:
            return _UNKNOWN
        kind = node.type
        if kind == "interpreted_string_literal":
            if any(c.type != "interpreted_string_literal_content" for c in node.named_children):
                return _UNKNOWN
            return _Str("".join(_text(c) for c in node.named_children), node)
        if kind == "raw_string_literal":
            return _Str(_text(node)[1:-1], node)
        if kind == "identifier":
            return self.identifier(_text(node), depth)
        if kind == "parenthesized_expression":
            return self.value(node.named_children[0], depth + 1) if node.named_children else _UNKNOWN
        if kind == "unary_expression":  # &awslambda.FunctionProps{...}, &[]awslambda.Runtime{...}
            return self.value(node.child_by_field_name("operand"), depth + 1)
        if kind == "composite_literal":
            body = node.child_by_field_name("body")
            elements = [c for c in (body.named_children if body is not None else ()) if c.type != "comment"]
            if elements and all(c.type == "keyed_element" for c in elements):
                out: dict[str, Any] = {}
                for element in elements:
                    key, item = element.child_by_field_name("key"), element.child_by_field_name("value")
                    if key is None:  # older grammars: (keyed_element (literal_element) (literal_element))
                        parts = element.named_children
                        key, item = (parts[0], parts[1]) if len(parts) == 2 else (None, None)
                    if key is not None:
                        out[_text(key)] = self.value(_literal(item), depth + 1)
                return out
            return self.values([_literal(e) for e in elements], depth)
        if kind == "call_expression":
            function = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            items = [a for a in (args.named_children if args is not None else ()) if a.type != "comment"]
            if function is None or function.type != "selector_expression":
                return _UNKNOWN
            field = function.child_by_field_name("field")
            name = _text(field)
            package = _text(function.child_by_field_name("operand"))
            if package == "jsii" and name == "String" and len(items) == 1:
                return self.value(items[0], depth + 1)
            owner, _, member = name.partition("_")
            if member and not items:  # awslambda.Runtime_PYTHON_3_8()
                return _Member(owner, member, field)
            if member:  # awslambda.RuntimeManagementMode_Manual(jsii.String(arn))
                return _Call(owner, member, self.values(items, depth))
            if name.startswith("New"):
                return _Call(name[3:], "new", self.values(items, depth))
        return _UNKNOWN


def _literal(node: Any) -> Any:
    """Go's ``literal_element`` wraps each element of a composite literal."""
    if node is not None and node.type == "literal_element" and node.named_children:
        return node.named_children[0]
    return node


def _props(value: Any) -> dict[str, Any]:
    return {_key(k): v for k, v in value.items()} if isinstance(value, dict) else {}


_READERS: dict[str, type[_Reader]] = {
    "typescript": _JsReader,
    "javascript": _JsReader,
    "python": _PythonReader,
    "java": _JavaReader,
    "csharp": _CSharpReader,
    "go": _GoReader,
}
_tools: dict[str, tuple[Any, Any]] = {}


def _tooling(language: str) -> tuple[Any, Any]:
    """(parser, query) per language, built on first use: the grammars are imported only here."""
    found = _tools.get(language)
    if found is None:
        from tree_sitter import Language, Parser, Query

        if language == "typescript":
            import tree_sitter_typescript

            grammar = tree_sitter_typescript.language_typescript()
        elif language == "javascript":
            import tree_sitter_javascript

            grammar = tree_sitter_javascript.language()
        elif language == "python":
            import tree_sitter_python

            grammar = tree_sitter_python.language()
        elif language == "java":
            import tree_sitter_java

            grammar = tree_sitter_java.language()
        elif language == "csharp":
            import tree_sitter_c_sharp

            grammar = tree_sitter_c_sharp.language()
        else:
            import tree_sitter_go

            grammar = tree_sitter_go.language()
        lang = Language(grammar)
        found = _tools[language] = (Parser(lang), Query(lang, _READERS[language].query))
    return found


# ------------------------------------------------------------------------------------------------ subjects


def load(path: str, source: Optional[bytes] = None) -> tuple[str, list[Subject], list[str]]:
    """Kind ('cdk' or ''), subjects and one-line problems of a source file (or of ``source`` as that file)."""
    language = language_of(path)
    if not language:
        return "", [], []
    if source is None:
        try:
            source = files.read_bytes(path, MAX_FILE_BYTES)
        except files.FileProblem as exc:
            return "", [], [f"{path}: {exc}"]
    if not mentions_cdk_lambda(source):
        return "", [], []
    try:
        found = subjects_from_source(source, path, language)
    except RecursionError:
        return "", [], [f"{path}: nested too deeply"]
    return ("cdk" if found else ""), found, []


def subjects_from_source(source: bytes, file: str, language: str) -> list[Subject]:
    """Every function and layer construct written in one file, in source order; never raises on bad code."""
    from tree_sitter import QueryCursor

    parser, query = _tooling(language)
    tree = parser.parse(source)
    reader = _READERS[language](source, tree)
    reader.language = language
    captures = QueryCursor(query).captures(tree.root_node)
    facts = data()
    out: list[tuple[int, Subject]] = []
    for construct in reader.constructs(captures):
        subject = _subject(construct, reader, facts, file)
        if subject is not None:
            out.append((construct.node.start_byte, subject))
    out.sort(key=lambda pair: pair[0])
    return [subject for _, subject in out]


def _subject(construct: _Construct, reader: _Reader, facts: CdkData, file: str) -> Optional[Subject]:
    kind, props = construct.kind, construct.props
    is_layer = kind in facts.layers
    is_image = kind in facts.image_functions
    is_function = kind in facts.functions or (kind.endswith("Function") and "runtime" in props)
    if not (is_layer or is_image or is_function):
        return None
    ident = reader.value(construct.ident)
    line = construct.node.start_point[0] + 1
    resource = ident.value if isinstance(ident, _Str) else f"{kind} at line {line}"
    make = _Values(reader, file)
    if is_layer:
        return LayerSubject(
            resource,
            compatible_runtimes=make.runtimes(props.get("compatibleruntimes")),
            compatible_architectures=make.architectures(props.get("compatiblearchitectures")),
            line=line,
            file=file,
            resource_type=f"CDK {kind}",
        )
    architecture = props.get("architecture")
    modes, arns = make.modes(props.get("runtimemanagementmode"))
    subject = FunctionSubject(
        resource,
        runtimes=() if is_image else make.runtimes(props.get("runtime")),
        architectures=make.architectures(architecture if architecture is not None else props.get("architectures")),
        update_modes=modes,
        runtime_version_arns=arns,
        line=line,
        file=file,
        resource_type=f"CDK {kind}",
    )
    return _built_from_asset(subject, props.get("code"), make, file) if is_image else subject


# ------------------------------------------------------------------------------------- image assets

_PATH_CALLS = {"join", "resolve", "abspath", "realpath", "normpath"}


def _image_asset(code: Any) -> Optional[_Call]:
    """``DockerImageCode.fromImageAsset(directory, options)`` in any language's spelling (Go:
    ``awslambda.DockerImageCode_FromImageAsset``)."""
    if not isinstance(code, _Call):
        return None
    method = code.method.split("_", 1)[1] if code.method.startswith("DockerImageCode_") else code.method
    owner_ok = code.owner == "DockerImageCode" or code.method.startswith("DockerImageCode_")
    return code if owner_ok and _key(method) == "fromimageasset" and code.args else None


def app_root(file: str) -> str:
    """Where ``cdk synth`` runs (the folder of the nearest ``cdk.json`` above the file, else the file's own):
    a relative asset directory is relative to it, as the CDK CLI resolves it from its working directory."""
    folder = os.path.dirname(os.path.abspath(file))
    for candidate in (folder, *Path(folder).parents):
        if files.is_file(os.path.join(candidate, "cdk.json")):
            return str(candidate)
    return folder


def _directory(value: Any, file: str, depth: int = 0) -> Optional[str]:
    """An asset directory written with literals, ``__dirname``/``__file__`` and ``path.join``-style calls; None
    for anything computed."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(value, _Str):
        return os.path.join(app_root(file), value.value)
    if isinstance(value, _Here):
        absolute = os.path.abspath(file)
        return absolute if value.is_file else os.path.dirname(absolute)
    if isinstance(value, _Call) and value.owner == "path" and value.args:
        parts = [_directory(a, file, depth + 1) if not isinstance(a, _Str) else a.value for a in value.args]
        if any(part is None for part in parts):
            return None
        if value.method == "dirname" and len(parts) == 1:
            return os.path.dirname(str(parts[0]))
        if value.method in _PATH_CALLS:
            first = parts[0] if os.path.isabs(str(parts[0])) else os.path.join(app_root(file), str(parts[0]))
            return os.path.normpath(os.path.join(first, *map(str, parts[1:])))
    return None


def _built_from_asset(subject: FunctionSubject, code: Any, make: _Values, file: str) -> FunctionSubject:
    """A ``DockerImageFunction`` built from a Dockerfile the repository holds is judged by its FROM, as a SAM or
    Serverless image function is (``dockerfile.for_function``): ``file``, ``target`` and ``buildArgs`` options
    included. A directory that is computed leaves the function unresolved, as before."""
    from . import dockerfile

    asset = _image_asset(code)
    folder = _directory(asset.args[0], file) if asset is not None else None
    if asset is None or folder is None or not file:
        return subject
    options = dict(asset.keywords) if asset.keywords else (asset.args[1] if len(asset.args) > 1 else {})
    options = _props(options)
    name, target = options.get("file"), options.get("target")
    build_args: dict[str, Value] = {}
    raw_args = options.get("buildargs")
    if isinstance(raw_args, dict):
        for key, item in raw_args.items():
            if isinstance(item, _Str):  # written in this source file: a finding on it names this file
                line, column = make.position(item.node)
                build_args[key] = Value(item.value, line, column, f"from build argument {key}", file)
    shown = os.path.relpath(folder)  # as the user's own paths are: relative to where the command runs
    if shown == ".." or shown.startswith(".." + os.sep):
        shown = folder
    return dockerfile.for_function(
        subject,
        os.path.join(shown, os.path.basename(file)),  # only its folder counts: the Dockerfile is in ``shown``
        "",
        name.value if isinstance(name, _Str) else "",
        target.value if isinstance(target, _Str) else "",
        build_args,
    )


class _Values:
    """Language-neutral values -> engine Values, positioned on the token a user edits."""

    def __init__(self, reader: _Reader, file: str) -> None:
        self.reader = reader
        self.file = file
        self.language = reader.language

    def position(self, node: Any) -> tuple[int, int]:
        row, column_bytes = node.start_point
        start = node.start_byte - column_bytes
        column = len(self.reader.source[start : node.start_byte].decode("utf-8", "replace"))
        return int(row) + 1, column + 1

    def make(self, value: object, node: Any, via: str = "") -> Value:
        line, column = self.position(node)
        return Value(value, line, column, via)

    def runtimes(self, value: Any) -> tuple[Value, ...]:
        items = value if isinstance(value, tuple) else (value,)
        out: list[Value] = []
        constants = runtime_constants()
        unresolved = data().unresolved
        for item in items:
            if isinstance(item, _Member) and item.owner == "Runtime":
                written = spelling(item.name, self.language)
                if item.name in unresolved:
                    continue
                identifier = constants.get(item.name)
                if identifier is None:  # not in the catalog: WL1005 names the constant as written
                    out.append(self.make(written, item.node))
                else:
                    out.append(self.make(identifier, item.node, f"written as {written}"))
            elif isinstance(item, _Call) and item.owner == "Runtime" and item.method == "new" and item.args:
                name = item.args[0]
                if isinstance(name, _Str):
                    out.append(self.make(name.value, name.node))
            elif isinstance(item, _Str):  # CfnFunction: runtime: '<identifier>'
                out.append(self.make(item.value, item.node))
        return tuple(out)

    def architectures(self, value: Any) -> tuple[Value, ...]:
        items = value if isinstance(value, tuple) else (value,)
        names = data().architectures
        out: list[Value] = []
        for item in items:
            if isinstance(item, _Member) and item.owner == "Architecture" and item.name in names:
                out.append(self.make(names[item.name], item.node))
            elif isinstance(item, _Str):
                out.append(self.make(item.value, item.node))
        return tuple(out)

    def modes(self, value: Any) -> tuple[tuple[Value, ...], tuple[Value, ...]]:
        facts = data()
        if isinstance(value, _Member) and value.owner == "RuntimeManagementMode" and value.name in facts.update_modes:
            return (self.make(facts.update_modes[value.name], value.node),), ()
        if isinstance(value, _Call) and value.owner == "RuntimeManagementMode" and value.method.lower() == facts.manual:
            from ..engine import MODE_MANUAL

            arn = value.args[0] if value.args else None
            anchor = arn.node if isinstance(arn, _Str) else None
            mode = Value(MODE_MANUAL, *(self.position(anchor) if anchor is not None else (0, 0)))
            return (mode,), ((self.make(arn.value, arn.node),) if isinstance(arn, _Str) else ())
        return (), ()


# ------------------------------------------------------------------------------------------------ fix


def token_edits(text: str, edits: Sequence[Any], catalog: Any, path: str) -> tuple[list[Any], list[Any]]:
    """Runtime edits (``python3.8 -> python3.11`` at a position) -> token edits (``PYTHON_3_8 -> PYTHON_3_11``).

    A constant is rewritten to the constant of the new runtime in the file's language; a string
    (``new Runtime('<identifier>')``) keeps being a string. A runtime aws-cdk-lib has no constant for is manual.
    """
    from ..rewrite import Edit, Manual, _LineIndex

    language = language_of(path)
    lines = _LineIndex(text, ("\n",))
    out: list[Edit] = []
    manual: list[Manual] = []
    for edit in edits:
        offset = lines.offset(edit.line, edit.column)
        if offset is not None and text[offset] in "'\"`":
            out.append(edit)
            continue
        old, new = catalog.get(edit.old), catalog.get(edit.new)
        if old is None or not old.cdk:
            manual.append(Manual(edit.line, edit.old, "not a Runtime constant here: change it by hand", edit.file))
        elif new is None or not new.cdk:
            reason = (
                f"aws-cdk-lib has no Runtime constant for {edit.new}: "
                f"upgrade aws-cdk-lib, or write new Runtime('{edit.new}')"
            )
            manual.append(Manual(edit.line, edit.old, reason, edit.file))
        else:
            out.append(Edit(edit.line, edit.column, _token(old.cdk, language), _token(new.cdk, language), edit.file))
    return out, manual
