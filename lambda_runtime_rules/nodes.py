"""The values every document reader builds: ``dict``/``list``/``str`` subclasses that remember where they were
written, and the one error a reader raises.

``start_mark``/``end_mark`` carry 0-based ``line`` and ``column``, the same duck type as cfn-lint's and Checkov's
nodes, so one source adapter reads all three. Kept apart from the parsers so that a module which only walks nodes
(and a check of a JSON template) never imports a YAML library.
"""

from __future__ import annotations

from typing import Any

FILE_ATTRIBUTE = "lrr_file"
"""The attribute naming the file a node was read from, set on every node of an included or imported file (a
Serverless ``${file(...)}`` include, a module a ``serverless.ts`` imports)."""

MAX_ALIAS_EXPANSION = 1_000_000
"""Upper bound on the number of nodes a YAML document may expand to once aliases are followed."""


class LoadError(Exception):
    """A file that cannot be read as a template; ``str()`` is one human line naming the problem."""


class StrNode(str):
    """A string that remembers where it was written."""

    start_mark: Any = None
    end_mark: Any = None


class DictNode(dict):  # type: ignore[type-arg]
    """A mapping that remembers where it was written. Slots, not an instance dictionary: 88 bytes a node instead
    of 432, in a template of 20,000 functions 20 MB. (``str`` allows no slots, so ``StrNode`` keeps its dictionary.)
    A mark never set reads as missing: every reader asks with ``getattr(node, "start_mark", None)``."""

    __slots__ = ("end_mark", FILE_ATTRIBUTE, "start_mark")


class ListNode(list):  # type: ignore[type-arg]
    """A sequence that remembers where it was written (slots, as ``DictNode``)."""

    __slots__ = ("end_mark", FILE_ATTRIBUTE, "start_mark")


def get(mapping: object, key: object) -> Any:
    """``mapping[key]`` for a real mapping and a hashable key, else None (bypasses host ``get`` overrides).

    Every source walks trees of this loader, cfn-lint and Checkov alike, any of which may hold anything."""
    if not isinstance(mapping, dict):
        return None
    try:
        return dict.get(mapping, key)
    except TypeError:  # unhashable key
        return None


def position(node: object) -> tuple[int, int]:
    """1-based (line, column) of a node from this loader, cfn-lint or Checkov; (0, 0) when unknown."""
    mark = getattr(node, "start_mark", None)
    line = getattr(mark, "line", None)
    column = getattr(mark, "column", None)
    if isinstance(line, int) and isinstance(column, int) and not isinstance(line, bool) and line >= 0:
        return line + 1, max(column, 0) + 1
    return 0, 0
