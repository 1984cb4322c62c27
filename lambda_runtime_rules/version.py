"""The package's version and the ``--version`` line: which code and which facts a report came from.

Both are looked up only when asked for: ``importlib.metadata`` alone costs about 30 ms to import, more than a
pre-commit run of one template spends on everything else, so neither the CLI's start nor ``import
lambda_runtime_rules`` pays for it.
"""

from __future__ import annotations

from functools import lru_cache

DISTRIBUTION = "lambda-runtime-rules"
UNKNOWN_VERSION = "0.0.0+unknown"
"""A source tree on ``sys.path`` without an install has no metadata to ask; this is valid PEP 440 and SemVer,
sorts below every release, and says plainly that the version is not known (a made-up number would not)."""


@lru_cache(maxsize=1)
def package_version() -> str:
    """The installed distribution's version (from its metadata, so it never drifts from ``pyproject.toml``)."""
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return UNKNOWN_VERSION


def version_line() -> str:
    """``lambda-runtime-rules <version> (catalog reviewed <date>)``: the bundled catalog, never an overlay.

    ``--version`` describes what is installed; an overlay named by a config file or the environment belongs
    to one project's settings, so it is not read here. Raises ``CatalogError`` if the bundled catalog is broken.
    """
    from .catalog import default_catalog

    return f"{DISTRIBUTION} {package_version()} (catalog reviewed {default_catalog().reviewed.isoformat()})"
