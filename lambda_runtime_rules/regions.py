"""AWS Regions and their launch dates (``rules_data/regions.json``), for EL1006.

AWS does not offer a runtime in a Region launched when the runtime is already deprecated or due for deprecation
within six months (the Lambda runtimes page, 2023). Which Regions exist and when each became generally available
are facts, so they are data with a source per Region; the six months are data too (``policy``). A Region whose
launch day no source gave is kept with ``launched: null``: the rule is then not judged there, and the faces say
so, rather than guess a day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .bundled import text as data_text

DATA_FILE = "regions.json"
SCHEMA_FILE = "regions.schema.json"
STAMP_FILE = "regions.stamp.json"
"""sha256 of (schema + data) bytes that passed validation, as for the catalog and cdk.json: importing jsonschema
costs more than a pre-commit run, and re-validating the exact bytes that passed proves nothing new."""


class RegionDataError(Exception):
    """The bundled region data is broken (an edited install); one line naming the file and the field."""


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    partition: str
    launched: dt.date | None
    sources: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class RegionTable:
    """Every known Region by code, and the policy window in months."""

    regions: Mapping[str, Region]
    new_region_months: int
    reviewed: dt.date

    def get(self, code: str) -> Region | None:
        return self.regions.get(code)

    def close_matches(self, code: str, count: int = 3) -> list[str]:
        return difflib.get_close_matches(code.strip().lower(), list(self.regions), n=count, cutoff=0.6)

    def __iter__(self) -> Iterator[Region]:
        return iter(self.regions.values())


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months, clamped to the month's last day (2024-08-31 + 6 = 2025-02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _validate(document: object) -> None:
    import jsonschema  # deferred: only a run that names a Region pays for it

    schema = json.loads(data_text(SCHEMA_FILE))
    validator_cls = jsonschema.validators.validator_for(schema)
    errors = sorted(
        validator_cls(schema, format_checker=validator_cls.FORMAT_CHECKER).iter_errors(document),
        key=lambda e: list(e.absolute_path),
    )
    if errors:
        where = ".".join(str(p) for p in errors[0].absolute_path) or "top level"
        raise RegionDataError(f"{DATA_FILE}: {where}: {errors[0].message}")


def build(document: Any, trusted: bool = False) -> RegionTable:
    """Validate a regions document (unless ``trusted``: its exact bytes passed) and turn it into records."""
    if not trusted:
        _validate(document)
    regions: dict[str, Region] = {}
    for entry in document["regions"]:
        if entry["code"] in regions:
            raise RegionDataError(f"{DATA_FILE}: region {entry['code']}: duplicate code")
        launched = dt.date.fromisoformat(entry["launched"]) if entry["launched"] else None
        regions[entry["code"]] = Region(
            entry["code"], entry["name"], entry["partition"], launched, tuple(entry["sources"]), entry.get("note", "")
        )
    months = int(document["policy"]["new_region_months"])
    return RegionTable(regions, months, dt.date.fromisoformat(document["reviewed"]))


def fingerprint() -> str:
    import hashlib

    return hashlib.sha256((data_text(SCHEMA_FILE) + data_text(DATA_FILE)).encode("utf-8")).hexdigest()


def _stamped() -> bool:
    try:
        return bool(json.loads(data_text(STAMP_FILE)).get("sha256") == fingerprint())
    except (OSError, ValueError, AttributeError):
        return False


def write_stamp() -> Path:
    """Validate, then record the fingerprint (run after editing rules_data/regions.json or its schema)."""
    build(json.loads(data_text(DATA_FILE)))
    target = Path(__file__).resolve().parents[1] / "rules_data" / STAMP_FILE
    target.write_text(json.dumps({"sha256": fingerprint()}) + "\n", encoding="utf-8")
    return target


@lru_cache(maxsize=1)
def bundled() -> RegionTable:
    """The bundled table, loaded once per process (only when a Region is in play); validated unless stamped."""
    return build(json.loads(data_text(DATA_FILE)), trusted=_stamped())


def cut_off(deprecated: dt.date, table: RegionTable) -> dt.date:
    """The last launch day on which a Region still offered a runtime deprecated on ``deprecated``: a Region
    launched on or after the day ``new_region_months`` before the deprecation does not offer it."""
    return add_months(deprecated, -table.new_region_months)


def undated_notice(codes: set[str] | frozenset[str], table: RegionTable) -> str:
    """One line naming the Regions whose launch date is unknown (EL1006 not judged there), else ''."""
    undated = sorted(code for code in codes if (r := table.get(code)) is not None and r.launched is None)
    if not undated:
        return ""
    return (
        f"no sourced launch date for Region {', '.join(undated)} in the bundled region data (reviewed "
        f"{table.reviewed.isoformat()}): EL1006 (runtime not offered in a new Region) is not judged there"
    )
