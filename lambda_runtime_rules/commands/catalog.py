"""``catalog list | show | validate | refresh``: the catalog as a platform team reads it."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from ..catalog import CatalogError, Runtime, load_file
from ..engine import status
from .common import EXIT_OK, EXIT_USAGE, UsageError, context, fail

COLUMNS = (
    "identifier", "name", "os", "architectures", "deprecated", "block_create", "block_update", "successor", "status",
)


def row(runtime: Runtime, as_of: dt.date) -> dict[str, object]:
    """A JSON row: the catalog's own field names plus ``status`` on ``as_of``.

    ``status`` is the word ``report`` uses too: supported / deprecated / create-blocked / update-blocked, or
    ``preview`` (no dates yet) and ``unmanaged`` (``custom``: its publisher owns its lifecycle).
    """
    return {
        "identifier": runtime.identifier,
        "name": runtime.name,
        "family": runtime.family,
        "version": runtime.version,
        "os": runtime.os,
        "architectures": list(runtime.architectures),
        "package_types": list(runtime.package_types),
        "deprecated": runtime.deprecated.isoformat() if runtime.deprecated else None,
        "block_create": runtime.block_create.isoformat() if runtime.block_create else None,
        "block_update": runtime.block_update.isoformat() if runtime.block_update else None,
        "successor": runtime.successor,
        "preview": runtime.preview,
        "managed": runtime.managed,
        "status": status(runtime, as_of),
        "sources": list(runtime.sources),
    }


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "-"
    return str(value)


def _table(rows: list[dict[str, object]], markdown: bool) -> str:
    cells = [[_cell(r[c]) for c in COLUMNS] for r in rows]
    if markdown:
        lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---" for _ in COLUMNS) + "|"]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in line) + " |" for line in cells]
        return "\n".join(lines)
    widths = [max(len(c), *(len(line[i]) for line in cells)) for i, c in enumerate(COLUMNS)]
    out = ["  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths)).rstrip()]
    out += ["  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in cells]
    return "\n".join(out)


def _list(args: argparse.Namespace) -> int:
    settings, catalog = context(args)
    rows = [row(r, settings.as_of) for r in sorted(catalog, key=lambda r: (r.family, r.order_key))]
    if args.format == "json":
        print(json.dumps(rows, indent=2))
    else:
        print(_table(rows, markdown=args.format == "markdown"))
        if args.format == "table":
            print(f"\n{len(rows)} runtimes; status as of {settings.as_of}; catalog reviewed {catalog.reviewed}")
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    settings, catalog = context(args)
    wanted = args.identifier.strip().lower()  # as explain: any case (identifiers are lower case in the catalog)
    runtime = catalog.get(wanted) or next((r for k, r in catalog.runtimes.items() if k.lower() == wanted), None)
    if runtime is None:
        return fail(f"{args.identifier!r} is not in the catalog (reviewed {catalog.reviewed})")
    data = row(runtime, settings.as_of)
    data["os"] = runtime.os_label or None
    data["notes"] = runtime.notes
    data["sources"] = [f"{key}: {catalog.sources.get(key, '')}".rstrip(": ") for key in runtime.sources]
    width = max(map(len, data))
    for key, value in data.items():
        if key == "sources":
            print(f"{key.ljust(width)}  " + ("\n" + " " * (width + 2)).join(value))  # type: ignore[arg-type]
        else:
            print(f"{key.ljust(width)}  {_cell(value)}")
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    try:
        if args.path:
            catalog = load_file(args.path)
        else:
            from ..catalog import validate_bundled

            catalog = validate_bundled()
    except CatalogError as exc:
        return fail(str(exc))
    print(f"{catalog.origin}: valid, {len(catalog)} runtimes, reviewed {catalog.reviewed}")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    try:
        if args.catalog_command == "list":
            return _list(args)
        if args.catalog_command == "show":
            return _show(args)
        if args.catalog_command == "validate":
            return _validate(args)
        from .refresh import run as refresh

        return refresh(args)
    except UsageError as exc:
        return fail(str(exc))
    except BrokenPipeError:
        sys.stderr.close()
        return EXIT_USAGE
