"""YAML into position-carrying nodes: libyaml composes, a small builder of our own constructs.

The builder is where short-form intrinsics become ``{"Fn::X": ...}``, timestamps stay strings, and alias expansion
is bounded before anything downstream can walk a billion-laughs tree. Imported by ``loader`` only when a text is
YAML: PyYAML costs a pre-commit run of a JSON template several milliseconds it does not need.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Callable

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .nodes import MAX_ALIAS_EXPANSION, DictNode, ListNode, LoadError, StrNode

_T = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = _T + "str", _T + "int", _T + "float", _T + "bool", _T + "null"
_SEQ, _MAP, _MERGE = _T + "seq", _T + "map", _T + "merge"
_SAFE = SafeConstructor()
_BOOL_VALUES = SafeConstructor.bool_values
_IN_PROGRESS = object()

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_IMPLICIT = {first: tuple(pairs) for first, pairs in _BaseLoader.yaml_implicit_resolvers.items()}


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """libyaml's safe loader with a leaner ``resolve``: the composer calls it for every node (77,000 times for
    the corpus), and PyYAML's own concatenates lists and looks for path resolvers each time (safe loading has
    none). The same tags for every node: a test compares it with PyYAML's for any scalar."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1], ()):
                    if regexp.match(value):
                        return tag  # type: ignore[no-any-return]
            return _STR
        return _SEQ if kind is SequenceNode else _MAP


def load_yaml(text: str, keep_types: Collection[str] | None = None, every_document: bool = False) -> object:
    """The document (with ``every_document``, a stream's documents); ``LoadError`` for anything malformed."""
    loader = _Loader(text)
    try:
        builder = _YamlBuilder(check_aliases="*" in text, keep_types=keep_types)
        if every_document:  # one builder for the stream: the alias-expansion budget covers every document
            documents = []
            while loader.check_node():
                documents.append(builder.build_root(loader.get_node()))
                builder.memo.clear()
            return documents
        root = loader.get_single_node()
        if root is None:
            return None
        return builder.build_root(root)
    except yaml.MarkedYAMLError as exc:
        raise LoadError(_yaml_message(exc)) from None
    except yaml.YAMLError as exc:
        raise LoadError(" ".join(str(exc).split())) from None
    except RecursionError:
        raise LoadError("document is nested too deeply") from None
    except (ValueError, TypeError) as exc:  # e.g. an int literal too large to convert
        raise LoadError(f"invalid value: {exc}") from None
    finally:
        loader.dispose()


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    problem = " ".join(str(exc.problem or "invalid YAML").split())
    context = " ".join(str(exc.context or "").split())
    if context.startswith("while") and exc.context_mark is not None:
        cm = exc.context_mark
        problem = f"{problem} ({context} started at line {cm.line + 1}, column {cm.column + 1})"
    elif context:
        problem = f"{context} {problem}"
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return problem
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}"


class _YamlBuilder:
    """Turns a composed node graph into node classes, counting the alias-expanded size as it goes."""

    def __init__(self, check_aliases: bool, keep_types: Collection[str] | None = None) -> None:
        # Without a "*" in the text there is no alias, so the expanded size is the node count: no bookkeeping.
        self.check_aliases = check_aliases
        self.keep_types = keep_types
        self.memo: dict[int, Any] = {}
        self.count = 0

    def build_root(self, root: Any) -> Any:
        """The document; with ``keep_types``, the root's ``Resources`` mapping is built selectively."""
        if self.keep_types is None or root.__class__ is not MappingNode or root.tag.startswith("!"):
            return self.build(root)

        def value(key: object, node: Any) -> Any:
            if key == "Resources" and node.__class__ is MappingNode and not node.tag.startswith("!"):
                return self.mapping(node, self.resource)
            return self.build(node)

        return self.mapping(root, value)

    def resource(self, _key: object, node: Any) -> Any:
        """One entry of ``Resources``: in full when its type is kept, else only its ``Type`` pair."""
        type_pair = _type_pair(node)
        if type_pair is None or type_pair[1].value in self.keep_types:  # type: ignore[operator]
            return self.build(node)
        stub = DictNode()
        stub.start_mark = node.start_mark
        stub.end_mark = node.end_mark
        stub[self.build(type_pair[0])] = self.build(type_pair[1])
        return stub

    def build(self, node: Any) -> Any:
        cls = node.__class__
        if cls is ScalarNode:
            self.count += 1
            return self.scalar(node)
        if not self.check_aliases:
            self.count += 1
            return self.collection(node, cls)
        key = id(node)
        hit = self.memo.get(key)
        if hit is not None:
            if hit is _IN_PROGRESS:
                raise LoadError(_where(node) + "recursive YAML alias")
            self.count += hit[1]
            if self.count > MAX_ALIAS_EXPANSION:
                raise LoadError(f"YAML aliases expand to more than {MAX_ALIAS_EXPANSION} nodes (alias bomb?)")
            return hit[0]
        self.memo[key] = _IN_PROGRESS
        before = self.count
        result = self.collection(node, cls)
        self.count += 1
        self.memo[key] = (result, self.count - before)
        if self.count > MAX_ALIAS_EXPANSION:
            raise LoadError(f"YAML aliases expand to more than {MAX_ALIAS_EXPANSION} nodes (alias bomb?)")
        return result

    def scalar(self, node: Any) -> Any:
        tag = node.tag
        if tag == _STR:
            return _str(node.value, node)
        if tag == _INT:
            return _SAFE.construct_yaml_int(node)
        if tag == _FLOAT:
            return _SAFE.construct_yaml_float(node)
        if tag == _BOOL:
            return _BOOL_VALUES.get(node.value.lower(), node.value)
        if tag == _NULL:
            return None
        if tag.startswith("!"):
            value: Any = _str(node.value, node)
            if tag == "!GetAtt":
                value = _list([_str(part, node) for part in node.value.split(".", 1)], node)
            return self.intrinsic(tag, value, node)
        # Timestamps, binary, python/* and any other tag: the text as written, never an object.
        return _str(node.value, node)

    def mapping(self, node: Any, value: Callable[[object, Any], Any] | None = None) -> DictNode:
        """A mapping node's pairs (merge keys applied); ``value(key, node)`` may build some values its own way."""
        build = self.build
        result = DictNode()
        result.start_mark = node.start_mark
        result.end_mark = node.end_mark
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                self.merge(result, value_node)
                continue
            key = build(key_node)
            if key.__class__ is DictNode or key.__class__ is ListNode:
                raise LoadError(_where(key_node) + "a mapping key must be a scalar")
            result[key] = build(value_node) if value is None else value(key, value_node)
        return result

    def collection(self, node: Any, cls: type) -> Any:
        if cls is SequenceNode:
            result: Any = _list([self.build(item) for item in node.value], node)
        else:
            result = self.mapping(node)
        tag = node.tag
        if tag.startswith("!"):
            return self.intrinsic(tag, result, node)
        return result

    def merge(self, target: dict[Any, Any], value_node: Any) -> None:
        """YAML ``<<`` merge keys: keys written in the mapping win, then earlier merged mappings."""
        if isinstance(value_node, MappingNode):
            sources = [value_node]
        elif isinstance(value_node, SequenceNode) and all(isinstance(item, MappingNode) for item in value_node.value):
            sources = value_node.value
        else:
            raise LoadError(_where(value_node) + "a merge key (<<) needs a mapping or a list of mappings")
        for source in sources:
            for key, value in self.build(source).items():
                target.setdefault(key, value)

    @staticmethod
    def intrinsic(tag: str, value: Any, node: Any) -> Any:
        name = tag[1:]
        result = DictNode()
        result.start_mark = node.start_mark
        result.end_mark = node.end_mark
        key = name if name in ("Ref", "Condition") else "Fn::" + name
        result[_str(key, node)] = value
        return result


def _type_pair(node: Any) -> tuple[Any, Any] | None:
    """The ``Type: <scalar>`` pair of a plain resource mapping, or None (build such a resource in full)."""
    if node.__class__ is not MappingNode or node.tag.startswith("!"):
        return None
    for key_node, value_node in node.value:
        if key_node.__class__ is ScalarNode and key_node.value == "Type":
            return (key_node, value_node) if value_node.__class__ is ScalarNode and value_node.tag == _STR else None
    return None


def _str(value: str, node: Any) -> StrNode:
    result = StrNode(value)
    result.start_mark = node.start_mark
    result.end_mark = node.end_mark
    return result


def _list(items: list[Any], node: Any) -> ListNode:
    result = ListNode(items)
    result.start_mark = node.start_mark
    result.end_mark = node.end_mark
    return result


def _where(node: Any) -> str:
    mark = getattr(node, "start_mark", None)
    if mark is None:
        return ""
    return f"line {mark.line + 1}, column {mark.column + 1}: "
