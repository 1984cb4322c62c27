"""What several sub-commands share: settings from flags, the catalog, and one-line error output."""

from __future__ import annotations

import argparse
import sys

from ..catalog import Catalog, CatalogError, load, stale_catalog_notice
from ..settings import Settings, SettingsError
from ..settings import load as load_settings

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad settings or a broken catalog: printed as one line, exit 2."""


def settings_from_args(args: argparse.Namespace) -> Settings:
    overrides = {
        "as_of": getattr(args, "as_of", None),
        "warn_days": getattr(args, "warn_days", None),
        "high_compliance": getattr(args, "high_compliance", None),
        "allow_function_update": getattr(args, "allow_function_update", None),
        "iam_wildcards": getattr(args, "iam_wildcards", None),
        "catalog": getattr(args, "catalog", None),
        "baseline": getattr(args, "baseline", None),
        "region": getattr(args, "region", None),
    }
    try:
        return load_settings(overrides, override_source="option --{flag}", config=getattr(args, "config", None))
    except SettingsError as exc:
        raise UsageError(str(exc)) from None


def catalog_for(settings: Settings) -> Catalog:
    try:
        return load(settings.catalog)
    except CatalogError as exc:
        raise UsageError(str(exc)) from None


def context(args: argparse.Namespace) -> tuple[Settings, Catalog]:
    settings = settings_from_args(args)
    return settings, catalog_for(settings)


def fail(message: str) -> int:
    print(f"lambda-runtime-rules: {message}", file=sys.stderr)
    return EXIT_USAGE


def stale_catalog_warning(settings: Settings, catalog: Catalog) -> str:
    """A one-line warning when the catalog is too old to speak for ``as_of``, else '' (every face says it)."""
    return stale_catalog_notice(catalog, settings.as_of)


def undated_region_warning(settings: Settings, catalog: Catalog, written: frozenset[str] = frozenset()) -> str:
    """One line naming the Regions in play (the setting and the files' own) that have no sourced launch date:
    EL1006 is not judged there, and a silent pass would look like a verdict. '' when there are none."""
    codes = set(written) | ({settings.region} if settings.region else set())
    if not codes:
        return ""
    from ..regions import undated_notice

    return undated_notice(codes, catalog.regions)
