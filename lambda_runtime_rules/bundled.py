"""The data files bundled in ``rules_data/`` (the catalog, its schema and stamp, regions, CDK names, modules).

They are read straight from the data package's folder: ``importlib.resources`` would find the same file, but it
costs a fresh process about 8 ms (it imports ``zipfile``, ``tempfile`` and ``random``), a tenth of a pre-commit
run, and a wheel or an editable install always has that folder on disk. It is still used when the package is not
a folder (a zip import). In a source checkout that was never installed, the repository's ``rules_data/`` is read.
"""

from __future__ import annotations

import importlib
import os
from functools import lru_cache
from pathlib import Path

DATA_PACKAGE = "lambda_runtime_rules.rules_data"
CHECKOUT_FOLDER = Path(__file__).resolve().parent.parent / "rules_data"
"""``rules_data/`` of a source checkout, mapped into the package only at build time."""


@lru_cache(maxsize=1)
def folder() -> Path | None:
    """The folder the data package's files are in; None when it is not a folder on disk (a zip import)."""
    try:
        package = importlib.import_module(DATA_PACKAGE)
    except ModuleNotFoundError:
        return CHECKOUT_FOLDER
    origin = getattr(package, "__file__", None)
    if isinstance(origin, str) and os.path.isfile(origin):
        return Path(origin).parent
    return None


def path(name: str) -> str:
    """Where the bundled file ``name`` is read from (a folder path, or the resource's name inside a zip)."""
    where = folder()
    if where is not None:
        return str(where / name)
    from importlib import resources

    return str(resources.files(DATA_PACKAGE).joinpath(name))


def text(name: str) -> str:
    """The bundled file ``name`` as text; raises OSError (FileNotFoundError) when it is missing."""
    where = folder()
    try:
        if where is not None:
            return (where / name).read_text(encoding="utf-8")
        from importlib import resources

        return resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        if where == CHECKOUT_FOLDER:
            raise
        return (CHECKOUT_FOLDER / name).read_text(encoding="utf-8")
