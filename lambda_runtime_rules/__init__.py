"""Policy checks that keep AWS Lambda functions off deprecated runtimes, wrong architectures and Manual mode.

Importing the package does no work: the catalog is loaded on first use (see ``catalog.default_catalog``), and
``__version__`` is read from the installed metadata on first access (see ``version.package_version``).
"""

from __future__ import annotations


def __getattr__(name: str) -> str:
    if name == "__version__":
        from .version import package_version

        return package_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
