"""The runtime catalog: load, validate, overlay, and query the bundled facts in ``rules_data/``.

The catalog is data, validated by its JSON Schema on every load (with a format checker, since jsonschema
ignores ``format: date`` otherwise), and parsed into frozen records so nothing past this module handles raw
dicts. It is loaded once per process (``default_catalog``), however many rules or checks ask for it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import bundled
from .files import FileProblem, read_text

if TYPE_CHECKING:
    from .regions import RegionTable

CATALOG_FILE = "catalog.json"
SCHEMA_FILE = "catalog.schema.json"
# sha256 of (schema bytes + catalog bytes) that passed full validation, written by scripts/stamp_catalog.py
# and checked by a test. Importing jsonschema costs 60-100 ms, more than everything else a pre-commit run
# does; when the bundled bytes are exactly the bytes that passed, re-validating them proves nothing new.
# Any other bytes (an edited install, every overlay, `catalog validate`) get full validation.
STAMP_FILE = "catalog.validated"

OS_LABELS = {
    "amazon-linux": "Amazon Linux",
    "amazon-linux-2": "Amazon Linux 2",
    "amazon-linux-2023": "Amazon Linux 2023",
}
_OS_RANK = {"amazon-linux": 1, "amazon-linux-2": 2, "amazon-linux-2023": 3}


class CatalogError(Exception):
    """A catalog or overlay that cannot be used; ``str()`` is one line naming the file and the problem."""


def release(version: str) -> tuple[int, ...]:
    """A catalog ``version`` (digits and dots, by the schema) as numbers, ordered and equal as packaging.version
    orders such a release: ``3.9 < 3.10``, ``1.0 == 1`` (trailing zeros dropped, as packaging does). Importing
    packaging for it cost a fresh process 2-3 ms, and the schema allows nothing (pre-releases, epochs, local
    labels) that would need it."""
    numbers = [int(part) for part in version.split(".")]
    while numbers and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


@dataclass(frozen=True)
class Image:
    """A runtime's AWS Lambda base image: ``public.ecr.aws/lambda/<repository>:<tag>``, for these architectures.

    ``tags[0]`` is the tag ``fix`` writes. Date stamps and architecture suffixes are read by rule (``images``).
    """

    repository: str
    tags: tuple[str, ...]
    architectures: tuple[str, ...]


@dataclass(frozen=True)
class Runtime:
    """One runtime identifier and its facts. Dates are Pacific calendar days; None means not announced."""

    identifier: str
    name: str
    family: str
    version: str
    os: str | None
    architectures: tuple[str, ...]
    package_types: tuple[str, ...]
    deprecated: dt.date | None
    block_create: dt.date | None
    block_update: dt.date | None
    successor: str | None
    preview: bool
    managed: bool
    sources: tuple[str, ...]
    notes: str = ""
    cdk: str = ""  # aws-cdk-lib's Runtime constant name ('' when it has none); see sources/cdk.py for spellings
    image: Image | None = None  # its AWS Lambda base image, when AWS published one
    lambda_edge: bool = False  # Lambda@Edge runs functions on it (CloudFront's restrictions page; EL2002)

    @cached_property
    def order_key(self) -> tuple[tuple[int, ...], int, str]:
        """Newer sorts later: version first (3.9 < 3.10), then the OS generation (java8 < java8.al2)."""
        return (release(self.version), _OS_RANK.get(self.os or "", 0), self.identifier)

    @property
    def os_label(self) -> str:
        return OS_LABELS.get(self.os or "", "")

    @property
    def zip_capable(self) -> bool:
        """Container-only runtimes (dotnet7...) are no upgrade target for a function deployed as a zip."""
        return "Zip" in self.package_types


@dataclass(frozen=True)
class Catalog:
    """All runtimes by identifier, with the date the facts were reviewed."""

    reviewed: dt.date
    timezone: str
    runtimes: Mapping[str, Runtime]
    origin: str = "bundled catalog"
    sources: Mapping[str, str] = field(default_factory=dict)

    def get(self, identifier: str) -> Runtime | None:
        return self.runtimes.get(identifier)

    @cached_property
    def memo(self) -> dict[tuple[object, ...], object]:
        """Answers derived from this catalog that the engine would otherwise recompute for every finding.

        A "did you mean" hint (difflib, about 12 % of a run on a typo-heavy tree) and upgrade advice depend
        only on the catalog and their key (a name, or a runtime with ``as_of`` and ``warn_days``), so they
        are kept here, one memo per catalog, and a different catalog (an overlay) never sees another's answers.
        """
        return {}

    @cached_property
    def regions(self) -> RegionTable:
        """The AWS Regions and launch dates EL1006 judges by: facts handed to the engine with the runtimes, read
        only when a Region is in play (the same bundled table for every catalog, overlays included)."""
        from .regions import bundled

        return bundled()

    def family(self, family: str) -> list[Runtime]:
        """The managed runtimes of one family, oldest first."""
        return list(self._families.get(family, ()))

    @cached_property
    def _families(self) -> dict[str, tuple[Runtime, ...]]:
        """Sorted once per catalog: upgrade advice asks for a family for every finding."""
        families: dict[str, list[Runtime]] = {}
        for runtime in self.runtimes.values():
            if runtime.managed:
                families.setdefault(runtime.family, []).append(runtime)
        return {name: tuple(sorted(members, key=lambda r: r.order_key)) for name, members in families.items()}

    def by_image(self, repository: str, tag: str) -> Runtime | None:
        """The runtime whose base image is ``<repository>:<tag>`` (a base tag, without stamp or suffix)."""
        return self._images.get((repository, tag))

    @cached_property
    def _images(self) -> dict[tuple[str, str], Runtime]:
        return {
            (runtime.image.repository, tag): runtime
            for runtime in self.runtimes.values()
            if runtime.image is not None
            for tag in runtime.image.tags
        }

    def __iter__(self) -> Iterator[Runtime]:
        return iter(self.runtimes.values())

    def __len__(self) -> int:
        return len(self.runtimes)


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The catalog's JSON Schema, as bundled."""
    return json.loads(bundled.text(SCHEMA_FILE))


def _overlay_schema() -> dict[str, Any]:
    """Overlays may give only the fields they change for a known identifier: relax the required lists."""
    import copy

    relaxed = copy.deepcopy(schema())
    relaxed["required"] = ["runtimes"]
    relaxed["$defs"]["runtime"]["required"] = ["identifier"]
    return relaxed


def _validate(document: object, against: dict[str, Any], origin: str) -> None:
    import jsonschema  # deferred: keeps `import lambda_runtime_rules` cheap

    validator_cls = jsonschema.validators.validator_for(against)
    validator = validator_cls(against, format_checker=validator_cls.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    error = errors[0]
    raise CatalogError(f"{origin}: {_where(document, list(error.absolute_path))}: {error.message}")


def _where(document: object, path: list[Any]) -> str:
    """Name the entry by identifier rather than by array index: 'runtime python3.9, field deprecated'."""
    if len(path) >= 2 and path[0] == "runtimes" and isinstance(document, dict):
        entries = document.get("runtimes")
        index = path[1]
        name = f"#{index}"
        if isinstance(entries, list) and isinstance(index, int) and index < len(entries):
            entry = entries[index]
            if isinstance(entry, dict) and isinstance(entry.get("identifier"), str):
                name = entry["identifier"]
        rest = ".".join(str(p) for p in path[2:])
        return f"runtime {name}" + (f", field {rest}" if rest else "")
    return "field " + ".".join(str(p) for p in path) if path else "top level"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _image(value: Mapping[str, Any] | None) -> Image | None:
    if value is None:
        return None
    return Image(value["repository"], tuple(value["tags"]), tuple(value["architectures"]))


def _record(entry: Mapping[str, Any]) -> Runtime:
    return Runtime(
        identifier=entry["identifier"],
        name=entry["name"],
        family=entry["family"],
        version=entry["version"],
        os=entry["os"],
        architectures=tuple(entry["architectures"]),
        package_types=tuple(entry["package_types"]),
        deprecated=_date(entry["deprecated"]),
        block_create=_date(entry["block_create"]),
        block_update=_date(entry["block_update"]),
        successor=entry["successor"],
        preview=bool(entry.get("preview", False)),
        managed=bool(entry.get("managed", True)),
        sources=tuple(entry["sources"]),
        notes=entry.get("notes", ""),
        cdk=entry.get("cdk", ""),
        image=_image(entry.get("images")),
        lambda_edge=bool(entry.get("lambda_edge", False)),
    )


def _merge(base: dict[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    import copy

    merged = copy.deepcopy(base)
    by_id = {e["identifier"]: e for e in merged["runtimes"]}
    for entry in overlay.get("runtimes", []):
        target = by_id.get(entry["identifier"])
        if target is None:
            merged["runtimes"].append(dict(entry))
            by_id[entry["identifier"]] = merged["runtimes"][-1]
        else:
            target.update(entry)
    if "reviewed" in overlay:
        merged["reviewed"] = overlay["reviewed"]
    merged.setdefault("sources", {}).update(overlay.get("sources", {}))
    return merged


def _read_json(path: Path) -> object:
    """A catalog file: a regular file within the size cap (see ``files``), parsed as JSON."""
    try:
        return json.loads(read_text(path))
    except FileProblem as exc:
        raise CatalogError(f"{path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise CatalogError(f"{path}: not valid JSON: {exc}") from None
    except RecursionError:
        raise CatalogError(f"{path}: not valid JSON: nested too deeply") from None


def _check_references(document: Mapping[str, Any], origin: str) -> None:
    """Semantics the schema cannot say: unique identifiers and successors that exist."""
    seen: set[str] = set()
    for entry in document["runtimes"]:
        if entry["identifier"] in seen:
            raise CatalogError(f"{origin}: runtime {entry['identifier']}: duplicate identifier")
        seen.add(entry["identifier"])
    for entry in document["runtimes"]:
        successor = entry.get("successor")
        if successor is not None and successor not in seen:
            raise CatalogError(
                f"{origin}: runtime {entry['identifier']}, field successor: {successor!r} is not in the catalog"
            )


def build(document: object, origin: str, overlay: object = None, overlay_origin: str = "") -> Catalog:
    """Validate a catalog document (and an optional overlay) and turn it into records."""
    try:
        return _build(document, origin, overlay, overlay_origin)
    except RecursionError:  # a deeply nested value that JSON accepted: validation and merging recurse
        raise CatalogError(f"{overlay_origin or origin}: nested too deeply") from None


def _build(document: object, origin: str, overlay: object, overlay_origin: str) -> Catalog:
    _validate(document, schema(), origin)
    assert isinstance(document, dict)
    if overlay is not None:
        _validate(overlay, _overlay_schema(), overlay_origin)
        assert isinstance(overlay, dict)
        document = _merge(document, overlay)
        origin = f"{origin} + {overlay_origin}"
        _validate(document, schema(), origin)
    return _parse_trusted(document, origin)


def bundled_document() -> dict[str, Any]:
    """The bundled catalog as raw JSON (for ``catalog validate`` and the refresh tool)."""
    return json.loads(bundled.text(CATALOG_FILE))


def fingerprint(schema_text: str, catalog_text: str) -> str:
    """What the stamp says for a schema and a catalog (their exact text)."""
    digest = hashlib.sha256()
    digest.update(schema_text.encode("utf-8"))
    digest.update(catalog_text.encode("utf-8"))
    return digest.hexdigest()


def bundled_fingerprint() -> str:
    """What the stamp must say for the bundled schema and catalog as they are now."""
    return fingerprint(bundled.text(SCHEMA_FILE), bundled.text(CATALOG_FILE))


def _stamped() -> bool:
    try:
        return bundled.text(STAMP_FILE).strip() == bundled_fingerprint()
    except (OSError, ModuleNotFoundError):
        return False


def _parse_trusted(document: dict[str, Any], origin: str) -> Catalog:
    """Records from a document whose exact bytes already passed full validation (see STAMP_FILE)."""
    _check_references(document, origin)
    return Catalog(
        reviewed=dt.date.fromisoformat(document["reviewed"]),
        timezone=document["timezone"],
        runtimes={e["identifier"]: _record(e) for e in document["runtimes"]},
        origin=origin,
        sources=dict(document.get("sources", {})),
    )


@lru_cache(maxsize=8)
def load(overlay_path: str | None = None) -> Catalog:
    """The bundled catalog, optionally with an overlay file; cached, so each process loads it once."""
    base = bundled_document()
    if overlay_path is None:
        if _stamped():
            return _parse_trusted(base, "bundled catalog")
        return build(base, "bundled catalog")
    path = Path(overlay_path)
    return build(base, "bundled catalog", _read_json(path), str(path))


def load_file(path: str | Path) -> Catalog:
    """A complete catalog from a file (``catalog validate PATH``): full schema, no overlay semantics."""
    path = Path(path)
    return build(_read_json(path), str(path))


def validate_bundled() -> Catalog:
    """Full schema validation of the bundled catalog, ignoring the stamp (``catalog validate``, the stamp script)."""
    return build(bundled_document(), "bundled catalog")


def validate_texts(schema_text: str, catalog_text: str, origin: str) -> Catalog:
    """Full validation of a catalog against the schema given beside it (the stamp script on a copy of
    ``rules_data/``, such as the scheduled refresh's working tree), not the installed one."""
    try:
        document = json.loads(catalog_text)
        against = json.loads(schema_text)
    except json.JSONDecodeError as exc:
        raise CatalogError(f"{origin}: not valid JSON: {exc}") from None
    _validate(document, against, origin)
    return build(document, origin)


def default_catalog() -> Catalog:
    """The catalog every adapter uses unless a setting names an overlay."""
    return load(None)


STALE_CATALOG_DAYS = 180
"""Past this many days between the catalog's review and ``as_of``, deprecations announced since may be missing."""


def stale_catalog_notice(catalog: Catalog, as_of: dt.date) -> str:
    """One line saying the catalog is too old to speak for ``as_of``, else ''; the CLI's commands, cfn-lint and
    Checkov all print this same line, once per run."""
    age = (as_of - catalog.reviewed).days
    if age <= STALE_CATALOG_DAYS:
        return ""
    return (
        f"the runtime catalog was reviewed on {catalog.reviewed.isoformat()}, {age} days before "
        f"{as_of.isoformat()}; deprecations announced since are missing "
        "(upgrade lambda-runtime-rules, or add them with a --catalog overlay)"
    )
