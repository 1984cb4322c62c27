"""The bundled catalog: schema validation, overlays, ordering, and facts that cannot drift."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
from pathlib import Path

import pytest

from lambda_runtime_rules import catalog as cat_mod
from lambda_runtime_rules.engine import Phase, phase
from lambda_runtime_rules.settings import today_pacific

D = dt.date
REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference" / "runtime-facts.json"


@pytest.fixture(scope="module")
def bundled() -> cat_mod.Catalog:
    return cat_mod.validate_bundled()


def test_stamp_is_current():
    """A catalog edit must pass full validation (scripts/stamp_catalog.py) before it can land."""
    stamp = (REPO / "rules_data" / cat_mod.STAMP_FILE).read_text().strip()
    assert stamp == cat_mod.bundled_fingerprint(), "run: python scripts/stamp_catalog.py"


def test_bundled_catalog_shape(bundled):
    assert bundled.timezone == "America/Los_Angeles"
    assert len(bundled) >= 55
    assert cat_mod.default_catalog().runtimes == bundled.runtimes


@pytest.mark.parametrize(
    ("identifier", "status"),
    [("python2.7", Phase.UPDATE_BLOCKED), ("python3.7", Phase.CREATE_BLOCKED),
     ("nodejs18.x", Phase.DEPRECATED), ("python3.13", Phase.SUPPORTED)],
)
def test_acceptance_statuses(bundled, identifier, status):
    assert phase(bundled.get(identifier), D(2026, 11, 23)) is status


@pytest.mark.parametrize("year", range(2023, 2040))
def test_python27_is_update_blocked_after_2022(bundled, year):
    assert phase(bundled.get("python2.7"), D(year, 1, 1)) is Phase.UPDATE_BLOCKED


def test_pacific_midnight_boundary(bundled):
    python37 = bundled.get("python3.7")
    assert phase(python37, D(2027, 3, 2)) is Phase.CREATE_BLOCKED
    assert phase(python37, D(2027, 3, 3)) is Phase.UPDATE_BLOCKED
    # 07:59 UTC on 2027-03-03 is still 2027-03-02 in Los Angeles (UTC-8); 08:00 UTC is midnight there.
    utc = dt.timezone.utc
    assert today_pacific(dt.datetime(2027, 3, 3, 7, 59, tzinfo=utc)) == D(2027, 3, 2)
    assert today_pacific(dt.datetime(2027, 3, 3, 8, 0, tzinfo=utc)) == D(2027, 3, 3)


def test_version_order_is_numeric(bundled):
    python = [r.identifier for r in bundled.family("python")]
    assert python.index("python3.9") < python.index("python3.10") < python.index("python3.11")
    java = [r.identifier for r in bundled.family("java")]
    assert java.index("java8") < java.index("java8.al2") < java.index("java8.al2023") < java.index("java11")


def test_custom_and_previews(bundled):
    assert bundled.get("custom").managed is False
    assert {r.identifier for r in bundled if r.preview} == {"nodejs26.x", "python3.15"}


def _sweep_cases():
    for runtime in cat_mod.validate_bundled():
        for field in ("deprecated", "block_create", "block_update"):
            day = getattr(runtime, field)
            if day is not None:
                yield pytest.param(runtime.identifier, field, day, id=f"{runtime.identifier}-{field}")


@pytest.mark.parametrize(("identifier", "field", "day"), list(_sweep_cases()))
def test_sweep_every_date(bundled, identifier, field, day):
    """The day before, of and after each date: the most advanced phase whose date has arrived, no earlier."""
    runtime = bundled.get(identifier)
    order = [Phase.SUPPORTED, Phase.DEPRECATED, Phase.CREATE_BLOCKED, Phase.UPDATE_BLOCKED]
    dates = {Phase.DEPRECATED: runtime.deprecated, Phase.CREATE_BLOCKED: runtime.block_create,
             Phase.UPDATE_BLOCKED: runtime.block_update}

    def oracle(on: dt.date) -> Phase:
        reached = [p for p, d in dates.items() if d is not None and d <= on]
        return max(reached, key=order.index) if reached else Phase.SUPPORTED

    for offset in (-1, 0, 1):
        when = day + dt.timedelta(days=offset)
        assert phase(runtime, when) is oracle(when), (identifier, field, when)
    field_phase = {"deprecated": Phase.DEPRECATED, "block_create": Phase.CREATE_BLOCKED,
                   "block_update": Phase.UPDATE_BLOCKED}[field]
    assert order.index(phase(runtime, day)) >= order.index(field_phase)
    assert order.index(phase(runtime, day - dt.timedelta(days=1))) < order.index(field_phase) or any(
        d is not None and d < day for p, d in dates.items() if order.index(p) >= order.index(field_phase)
    )


def _reference() -> list[dict]:
    if not REFERENCE.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{REFERENCE} is missing in CI")
        pytest.skip(f"reference table not found at {REFERENCE} (../shared is absent in a user's clone)")
    return json.loads(REFERENCE.read_text())


OS = {
    "Amazon Linux (AL1)": "amazon-linux", "Amazon Linux 2": "amazon-linux-2", "Amazon Linux 2023": "amazon-linux-2023",
}


# AWS Lambda has accepted container images since 2020-12-01 (catalog source "aws-images-launch").
CONTAINER_IMAGES_LAUNCH = dt.date(2020, 12, 1)


def test_no_runtime_blocked_before_container_images_lists_image(bundled):
    """A runtime update-blocked before images existed never had one (issue 16's audit: seven such entries)."""
    blocked_before = {
        r.identifier for r in bundled if r.block_update is not None and r.block_update < CONTAINER_IMAGES_LAUNCH
    }
    assert {"nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "dotnetcore1.0",
            "dotnetcore2.0"} <= blocked_before
    listing_image = sorted(i for i in blocked_before if "Image" in bundled.get(i).package_types)
    assert listing_image == []
    assert all(bundled.get(i).image is None for i in blocked_before)


def test_catalog_matches_reference_table(bundled):
    """Every fact equals the cross-checked reference; a deliberate difference must cite a newer AWS source."""
    reference = {e["identifier"]: e for e in _reference()}
    assert set(reference) == set(bundled.runtimes)
    for identifier, fact in reference.items():
        ours = bundled.get(identifier)
        mine = {
            "os": ours.os, "architectures": list(ours.architectures), "successor": ours.successor,
            "deprecated": ours.deprecated and ours.deprecated.isoformat(),
            "block_create": ours.block_create and ours.block_create.isoformat(),
            "block_update": ours.block_update and ours.block_update.isoformat(),
            "container_only": ours.package_types == ("Image",),
        }
        theirs = {k: fact[k] for k in mine if k != "os"}
        theirs["os"] = OS.get(fact["os"])
        differing = {k for k in mine if mine[k] != theirs[k]}
        if differing:
            newer = [s for s in ours.sources if s not in fact["sources"]]
            assert newer, f"{identifier}: {sorted(differing)} differ from the reference without a newer source"


# --- schema and overlay errors ----------------------------------------------------------------------------


def _doc() -> dict:
    return copy.deepcopy(cat_mod.bundled_document())


def _entry(doc: dict, identifier: str) -> dict:
    return next(e for e in doc["runtimes"] if e["identifier"] == identifier)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: _entry(d, "python3.9").update(deprecated="2025-13-45"), "runtime python3.9, field deprecated"),
        (lambda d: _entry(d, "python3.9").update(deprecated="Dec 15, 2025"), "runtime python3.9, field deprecated"),
        (lambda d: _entry(d, "python3.9").pop("block_update"), "runtime python3.9: 'block_update' is a required"),
        (lambda d: _entry(d, "nodejs18.x").update(os="windows"), "runtime nodejs18.x, field os"),
        (lambda d: _entry(d, "nodejs18.x").update(architectures=["riscv"]), "runtime nodejs18.x, field architectures"),
        (lambda d: _entry(d, "nodejs18.x").update(successor="nodejs99.x"), "runtime nodejs18.x, field successor"),
        (lambda d: d["runtimes"].append(copy.deepcopy(_entry(d, "java21"))), "runtime java21: duplicate"),
        (lambda d: d.update(reviewed="yesterday"), "field reviewed"),
        (lambda d: d.update(timezone="UTC"), "field timezone"),
    ],
)
def test_schema_rejects_broken_catalogs(mutate, message):
    doc = _doc()
    mutate(doc)
    with pytest.raises(cat_mod.CatalogError) as info:
        cat_mod.build(doc, "broken.json")
    assert str(info.value).startswith("broken.json: ")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_null_dates_are_normal():
    doc = _doc()
    _entry(doc, "python3.9").update(deprecated=None, block_create=None, block_update=None)
    loaded = cat_mod.build(doc, "nulls")
    assert phase(loaded.get("python3.9"), D(2099, 1, 1)) is Phase.SUPPORTED


def test_overlay_adds_and_overrides(tmp_path):
    overlay = tmp_path / "overlay.json"
    overlay.write_text(json.dumps({
        "reviewed": "2027-01-15",
        "runtimes": [
            {"identifier": "python3.10", "block_create": "2027-06-01", "sources": ["internal-notice"]},
            {**_entry(_doc(), "python3.14"), "identifier": "python3.16", "version": "3.16", "successor": None},
        ],
    }))
    loaded = cat_mod.load(str(overlay))
    assert loaded.get("python3.10").block_create == D(2027, 6, 1)
    assert loaded.get("python3.10").block_update == D(2027, 3, 3)  # untouched field kept
    assert loaded.get("python3.16").version == "3.16"
    assert loaded.reviewed == D(2027, 1, 15)
    assert str(overlay) in loaded.origin


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"runtimes": [{"identifier": "python3.10", "deprecated": "soon"}]}), "field deprecated"),
        (json.dumps({"runtimes": [{"identifier": "brand-new1.0", "name": "x"}]}), "'family' is a required"),
        (json.dumps({"runtimes": "all"}), "field runtimes"),
    ],
)
def test_broken_overlay_is_one_line_naming_the_file(tmp_path, text, message):
    overlay = tmp_path / "overlay.json"
    overlay.write_text(text)
    with pytest.raises(cat_mod.CatalogError) as info:
        cat_mod.load(str(overlay))
    assert str(overlay) in str(info.value) and message in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_overlay(tmp_path):
    with pytest.raises(cat_mod.CatalogError, match="cannot read"):
        cat_mod.load(str(tmp_path / "nope.json"))
