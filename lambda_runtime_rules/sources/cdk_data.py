"""The facts the CDK readers use, from ``rules_data/cdk.json``: construct classes, enum members, and the functions
aws-cdk-lib's own constructs create (``library_function``).

Kept apart from the source reader (``cdk``, a large module with tree-sitter behind it) because every synthesised or
plain CloudFormation function asks whether a library construct created it: a check of one SAM template imports
this small module, and loads the data only for a name or path that could match.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from ..bundled import text as _data_text


@dataclass(frozen=True)
class LibraryFunction:
    """A function a CDK library construct creates for the user: named by a segment of its aws:cdk:path."""

    construct: str
    module: str
    prefix: str
    suffix: str

    def owns(self, segment: str) -> bool:
        return segment.startswith(self.prefix) and segment.endswith(self.suffix)


@dataclass(frozen=True)
class CdkData:
    functions: frozenset[str]
    image_functions: frozenset[str]
    layers: frozenset[str]
    unresolved: frozenset[str]
    architectures: dict[str, str]
    update_modes: dict[str, str]
    manual: str
    library: tuple[LibraryFunction, ...]


STAMP_FILE = "cdk.stamp.json"
"""sha256 of (schema + data) bytes that passed validation (see ``write_stamp``), as for the catalog: importing
jsonschema costs more than reading a whole CDK app, and re-validating the exact bytes that passed proves nothing."""


def fingerprint() -> str:
    import hashlib

    return hashlib.sha256((_data_text("cdk.schema.json") + _data_text("cdk.json")).encode("utf-8")).hexdigest()


def validate() -> dict[str, Any]:
    """``rules_data/cdk.json`` checked against its schema (with a format checker); ValueError names the field."""
    import jsonschema  # deferred: only unstamped bytes (an edited install, a development checkout) pay for it

    document = json.loads(_data_text("cdk.json"))
    schema = json.loads(_data_text("cdk.schema.json"))
    validator_cls = jsonschema.validators.validator_for(schema)
    errors = list(validator_cls(schema, format_checker=validator_cls.FORMAT_CHECKER).iter_errors(document))
    if errors:
        where = ".".join(str(p) for p in errors[0].absolute_path) or "top level"
        raise ValueError(f"cdk.json: {where}: {errors[0].message}")
    return dict(document)


def write_stamp() -> Path:
    """Validate, then record the fingerprint (run after editing rules_data/cdk.json or its schema)."""
    validate()
    target = Path(__file__).resolve().parents[2] / "rules_data" / STAMP_FILE
    target.write_text(json.dumps({"sha256": fingerprint()}) + "\n", encoding="utf-8")
    return target


def _stamped() -> bool:
    try:
        return bool(json.loads(_data_text(STAMP_FILE)).get("sha256") == fingerprint())
    except (OSError, ValueError, AttributeError):
        return False


@lru_cache(maxsize=1)
def data() -> CdkData:
    """``rules_data/cdk.json``, validated against its schema unless these exact bytes were (the stamp)."""
    document = json.loads(_data_text("cdk.json")) if _stamped() else validate()
    return CdkData(
        functions=frozenset(document["functions"]),
        image_functions=frozenset(document["image_functions"]),
        layers=frozenset(document["layers"]),
        unresolved=frozenset(document["unresolved_runtimes"]),
        architectures=dict(document["architectures"]),
        update_modes=dict(document["update_modes"]),
        manual=document["manual_mode"].lower(),
        library=tuple(
            LibraryFunction(e["construct"], e["module"], e["segment_prefix"], e.get("segment_suffix", ""))
            for e in document["library_functions"]
        ),
    )


@lru_cache(maxsize=1)
def runtime_constants() -> dict[str, str]:
    """Constant name -> runtime identifier, from the bundled catalog's ``cdk`` field."""
    from ..catalog import default_catalog

    return {runtime.cdk: runtime.identifier for runtime in default_catalog() if runtime.cdk}


def library_function_by_id(logical_id: str) -> Optional[LibraryFunction]:
    """A library singleton known by its logical ID alone: only prefixes that carry a fixed UUID (32 hex digits)
    are specific enough (``LogRetentionaae0aa3c...``, ``CustomCDKBucketDeployment8693BB64...``)."""
    if len(logical_id) < 32:
        return None
    for entry in data().library:
        prefix = entry.prefix.replace("::", "")
        if len(prefix) >= 32 and logical_id.startswith(prefix):
            return entry
    return None


def library_function(cdk_path: str) -> Optional[LibraryFunction]:
    """The library construct that created a function in a synthesised template, by a segment of its path."""
    segments = [s for s in cdk_path.split("/") if s]
    for entry in data().library:
        if any(entry.owns(segment) for segment in segments):
            return entry
    return None
