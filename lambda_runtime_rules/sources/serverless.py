"""Serverless Framework (v3/v4) ``serverless.yml`` -> engine subjects.

Works on any duck-typed tree of dict/list/str (this package's loader, cfn-lint's or Checkov's nodes).
``provider.runtime``, ``provider.architecture`` and ``provider.runtimeManagement`` are inherited by every
function that does not set its own; a container-image function (``image:``) has no runtime at all (Serverless
drops it when compiling).
``runtimeManagement`` is ``auto``, ``onFunctionUpdate`` or ``{mode, arn}`` and is translated to the
CloudFormation vocabulary the engine speaks (Auto, FunctionUpdate, Manual). Serverless variables are only
resolved when they are a whole ``${self:path}`` reference to a literal in the same document; anything else
(``${opt:...}``, ``${env:...}``, defaults, nested variables) is unknown before deploy and is left out.
Only AWS is Lambda: a file whose ``provider`` names another cloud (``google``, ``openwhisk``, ``kubeless``, ...)
has no subjects, since its runtimes use that cloud's vocabulary (Checkov's serverless checks skip it too).
Nothing here raises on malformed input: every step checks the type it is about to use.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Optional, Union

from ..loader import position
from ..model import FunctionSubject, LayerSubject, Value

__all__ = ["FUNCTION_TYPE", "LAYER_TYPE", "is_serverless", "subjects"]

Subject = Union[FunctionSubject, LayerSubject]
_Pos = tuple[int, int]

FUNCTION_TYPE = "serverless:function"
LAYER_TYPE = "serverless:layer"
_MODES = {"auto": "Auto", "onfunctionupdate": "FunctionUpdate", "manual": "Manual"}
_MAX_DEPTH = 16


def is_serverless(doc: object) -> bool:
    """A serverless.yml: a mapping with ``service`` and ``provider`` or ``functions``."""
    return isinstance(doc, dict) and "service" in doc and ("provider" in doc or "functions" in doc)


def subjects(doc: object, file: str = "") -> list[Subject]:
    """Every function (``functions.<name>``) and layer (``layers.<name>``) of a serverless.yml."""
    if not is_serverless(doc):
        return []
    assert isinstance(doc, dict)
    provider = _get(doc, "provider")
    if not _aws(provider):
        return []
    provider = provider if isinstance(provider, dict) else {}
    out: list[Subject] = []
    for name, key, function in _items(_get(doc, "functions")):
        out.append(_function(doc, provider, name, key, function, file))
    for name, key, layer in _items(_get(doc, "layers")):
        resource = f"layers.{name}"
        out.append(
            LayerSubject(
                resource=resource,
                compatible_runtimes=_flat(doc, _found(layer, "compatibleRuntimes"), ""),
                compatible_architectures=_flat(doc, _found(layer, "compatibleArchitectures"), ""),
                line=_line(key, layer),
                file=file,
                resource_type=LAYER_TYPE,
            )
        )
    return out


def _function(
    doc: dict[Any, Any], provider: dict[Any, Any], name: str, key: object, function: dict[Any, Any], file: str
) -> FunctionSubject:
    # Serverless compiles an image function without Runtime (its compile step drops it), so a runtime
    # written on it, or inherited, never reaches AWS: nothing to judge.
    image = _get(function, "image") is not None
    runtime, runtime_via = (None, "") if image else _own_or_inherited(function, provider, "runtime")
    arch, arch_via = _own_or_inherited(function, provider, "architecture")
    config, config_via = _own_or_inherited(function, provider, "runtimeManagement")
    modes, arns = _runtime_management(doc, config, config_via)
    config_line = config[1][0] if config is not None else 0
    return FunctionSubject(
        resource=f"functions.{name}",
        runtimes=_scalars(doc, runtime, runtime_via),
        architectures=_scalars(doc, arch, arch_via),
        update_modes=modes,
        runtime_version_arns=arns,
        line=config_line or _line(key, function),
        file=file,
        resource_type=FUNCTION_TYPE,
        applies_to=f"functions.{name}" if runtime_via or arch_via or config_via else "",
    )


def _aws(provider: object) -> bool:
    """False only when the provider is named and the name is not ``aws`` (a missing name is a typo, not a cloud)."""
    name = _get(provider, "name") if isinstance(provider, dict) else provider
    if not isinstance(name, str) or "${" in name:
        return True
    return name.strip().lower() == "aws"


# A property as found: its node and the position to report it at (the key's when the value has none).
_Found = Optional[tuple[object, _Pos]]


def _own_or_inherited(function: dict[Any, Any], provider: dict[Any, Any], key: str) -> tuple[_Found, str]:
    own = _found(function, key)
    if own is not None:
        return own, ""
    inherited = _found(provider, key)
    return inherited, (f"inherited from provider.{key}" if inherited is not None else "")


def _runtime_management(
    doc: dict[Any, Any], config: _Found, via: str
) -> tuple[tuple[Value, ...], tuple[Value, ...]]:
    resolved = _resolve(doc, config, via)
    if resolved is None:
        return (), ()
    (node, pos), via = resolved
    if isinstance(node, str):
        return _mode(str(node), pos, via), ()
    if not isinstance(node, dict):
        return (), ()
    mode = _resolve(doc, _found(node, "mode"), via)
    modes: tuple[Value, ...] = ()
    if mode is not None and isinstance(mode[0][0], str):
        modes = _mode(str(mode[0][0]), mode[0][1], mode[1])
    return modes, _scalars(doc, _found(node, "arn"), via)


def _mode(text: str, pos: _Pos, via: str) -> tuple[Value, ...]:
    mode = _MODES.get(text.strip().lower())
    return (Value(mode, pos[0], pos[1], via),) if mode is not None else ()


def _scalars(doc: dict[Any, Any], found: _Found, via: str) -> tuple[Value, ...]:
    resolved = _resolve(doc, found, via)
    if resolved is None:
        return ()
    (node, pos), via = resolved
    if isinstance(node, str):
        return (Value(str(node), pos[0], pos[1], via),)
    return ()


def _flat(doc: dict[Any, Any], found: _Found, via: str) -> tuple[Value, ...]:
    """Single values out of a list property; the list or each element may be a ``${self:}`` reference."""
    resolved = _resolve(doc, found, via)
    if resolved is None:
        return ()
    (node, pos), via = resolved
    if not isinstance(node, list):
        return _scalars(doc, (node, pos), via)
    out: list[Value] = []
    for item in node:
        for value in _scalars(doc, (item, _pos(item, pos)), via):
            if value not in out:
                out.append(value)
    return tuple(out)


def _resolve(doc: dict[Any, Any], found: _Found, via: str) -> Optional[tuple[tuple[object, _Pos], str]]:
    """Follow whole-value ``${self:...}`` references; None when the value is unknown before deploy."""
    for _ in range(_MAX_DEPTH):
        if found is None:
            return None
        node, pos = found
        if node is None:
            return None
        if not isinstance(node, str) or "${" not in node:
            return (node, pos), via
        target = _self_target(doc, str(node))
        if target is None:
            return None
        found = (target, _pos(target, pos))
        via = f"{via}, via {node}" if via else f"via {node}"
    return None


def _self_target(doc: dict[Any, Any], text: str) -> object:
    text = text.strip()
    if not (text.startswith("${self:") and text.endswith("}")):
        return None
    path = text[len("${self:") : -1].strip()
    # A default (", 'x'"), a nested variable or an empty path: only known to the framework.
    if not path or "${" in path or "," in path or "}" in path:
        return None
    node: object = doc
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = dict.get(node, part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


# --------------------------------------------------------------------------------------------- the tree


def _get(mapping: dict[Any, Any], key: str) -> object:
    return dict.get(mapping, key)


def _items(section: object) -> Iterator[tuple[str, object, dict[Any, Any]]]:
    """(name, key node, body) of each entry; Serverless v1 also allowed a list of one-entry mappings."""
    if isinstance(section, dict):
        sections: list[dict[Any, Any]] = [section]
    elif isinstance(section, list):
        sections = [entry for entry in section if isinstance(entry, dict)]
    else:
        return
    for entries in sections:
        for key, body in dict.items(entries):
            if isinstance(body, dict) and not _host_metadata(key):
                yield str(key), key, body


def _host_metadata(key: object) -> bool:
    """Checkov adds ``__startline__`` and ``__endline__`` to the mappings it parses."""
    return isinstance(key, str) and len(key) > 4 and key.startswith("__") and key.endswith("__")


def _found(mapping: dict[Any, Any], key: str) -> _Found:
    value = _get(mapping, key)
    if value is None:
        return None
    for candidate in dict.keys(mapping):
        if isinstance(candidate, str) and candidate == key:
            return value, _pos(value, _pos(candidate, _pos(mapping, (0, 0))))
    return value, _pos(value, _pos(mapping, (0, 0)))


def _pos(node: object, fallback: _Pos) -> _Pos:
    """The node's own 1-based position, else Checkov's ``__startline__``, else the fallback."""
    line, column = position(node)
    if line:
        return line, column
    if isinstance(node, dict):
        start = dict.get(node, "__startline__")
        if isinstance(start, int) and not isinstance(start, bool) and start > 0:
            return start, 0
    return fallback


def _line(key: object, body: object) -> int:
    """The name's line when the key carries a position, else the body's."""
    return _pos(key, _pos(body, (0, 0)))[0]
