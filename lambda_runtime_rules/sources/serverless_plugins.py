"""Serverless Framework plugins that replace a runtime value while packaging (``runtime: rust``).

The facts live in ``rules_data/serverless_plugins.json`` (with its JSON Schema and the plugins' documentation
as sources). A value such a plugin rewrites is not a Lambda identifier, so in a file that declares the plugin
it is unresolved rather than an unknown runtime (WL1005). The schema is checked the first time a file
declares one of the listed plugins: most Serverless files declare only other plugins (serverless-offline,
bundlers), and they should not pay for importing jsonschema.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..bundled import text as _data_text

__all__ = ["DATA_FILE", "SCHEMA_FILE", "Plugin", "PluginDataError", "plugins", "rewritten_runtimes"]

DATA_FILE = "serverless_plugins.json"
SCHEMA_FILE = "serverless_plugins.schema.json"


class PluginDataError(Exception):
    """The bundled plugin data does not match its schema (a packaging bug, caught by the tests)."""


@dataclass(frozen=True)
class Plugin:
    """One plugin: its npm package name and the runtime values its documentation tells users to write."""

    package: str
    runtime_values: frozenset[str]
    rewritten_to: str
    sources: tuple[str, ...]


@lru_cache(maxsize=1)
def _raw() -> dict[str, Any]:
    document = json.loads(_data_text(DATA_FILE))
    return document if isinstance(document, dict) else {}


def _packages() -> frozenset[str]:
    """Package names only, read without validation: enough to tell whether a file needs the data at all."""
    entries = _raw().get("plugins")
    if not isinstance(entries, list):
        return frozenset()
    return frozenset(e["package"] for e in entries if isinstance(e, dict) and isinstance(e.get("package"), str))


@lru_cache(maxsize=1)
def plugins() -> dict[str, Plugin]:
    """Every listed plugin by package name, validated against the schema (with a format checker)."""
    import jsonschema  # deferred: most runs never get here

    document = _raw()
    schema = json.loads(_data_text(SCHEMA_FILE))
    validator_cls = jsonschema.validators.validator_for(schema)
    errors = list(validator_cls(schema, format_checker=validator_cls.FORMAT_CHECKER).iter_errors(document))
    if errors:
        where = ".".join(str(p) for p in errors[0].absolute_path) or "top level"
        raise PluginDataError(f"{DATA_FILE}: {where}: {errors[0].message}")
    return {
        entry["package"]: Plugin(
            package=entry["package"],
            runtime_values=frozenset(entry["runtime_values"]),
            rewritten_to=entry.get("rewritten_to", ""),
            sources=tuple(entry["sources"]),
        )
        for entry in document["plugins"]
    }


def rewritten_runtimes(declared: Iterable[str]) -> frozenset[str]:
    """The runtime values that the declared plugins replace while packaging (empty for most files)."""
    names = {name.strip() for name in declared}
    if not names & _packages():
        return frozenset()
    return frozenset(value for name, plugin in plugins().items() if name in names for value in plugin.runtime_values)
