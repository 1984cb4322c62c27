"""The result cache of ``check``: an unchanged file costs a hash, not a parse.

A pre-commit hook or a CI job checks mostly the same files every time. A cached result is served only when
nothing it was derived from has changed, so it can never be stale:

- the **run key** holds everything a verdict depends on besides the files: the code (a fingerprint of every file
  of the installed package, its bundled data included), the installed distributions (their ``dist-info``
  names carry the versions of PyYAML, the HCL parser and the grammars), the Python version, the catalog
  actually in use (overlays included), every setting (``as_of`` among them) and the working directory;
- the **entry key** adds the file's path, its Terraform ``-var-file``s and the digest of its content;
- the **entry** lists every other file, probe and folder listing the readers touched while scanning it
  (``files.recording``): includes, module folders, tfvars, Dockerfiles, ``cdk.json``, ``tsconfig.json``. Each
  is checked again (``files.state_now``) before the entry is served; one difference and it is a miss.

Entries are JSON (never pickle: the folder is the user's, and a cache must not be a way to run code), one
per file, written atomically by the parent process only. A corrupt, foreign or unreadable entry is a miss.
A folder that cannot be written costs one warning line and the run goes on uncached. Entries not used for
``KEEP_DAYS`` are pruned once a day, so a default ``as_of`` that moves every day does not grow the folder
without bound. ``check`` alone uses the cache: ``fix`` and ``report`` always read the files.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from . import files
from .catalog import Catalog
from .model import Finding
from .scan import FileResult, _frozen
from .settings import Settings

FORMAT = "v1"
"""The layout and entry format; a new one is a new folder, so an older release's entries are never read."""

KEEP_DAYS = 14
"""Entries not read or written for this long are removed by the daily prune."""

_FINDING_FIELDS = ("rule", "resource", "line", "column", "message", "file", "runtime")


def _code_fingerprint() -> list[object]:
    """Every file of the package (code and bundled data) by path, size and modification time, and the installed
    distributions by name and version: a reinstall, an upgrade or an edit of an editable install is a new key."""
    from . import bundled

    roots = [Path(__file__).resolve().parent]
    data = bundled.folder()
    if data is not None and not str(data.resolve()).startswith(str(roots[0])):
        roots.append(data.resolve())
    stamp: list[object] = [sys.version, sys.implementation.name]
    for root in roots:
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                if name.endswith((".pyc", ".pyo")):
                    continue
                try:
                    info = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                stamp.append((os.path.relpath(os.path.join(folder, name), root), info.st_size, info.st_mtime_ns))
    for entry in sys.path:
        if os.path.basename(entry) in ("site-packages", "dist-packages"):
            try:
                stamp.extend(sorted(n for n in os.listdir(entry) if n.endswith((".dist-info", ".egg-info"))))
            except OSError:
                continue
    return stamp


def run_key(settings: Settings, catalog: Catalog, cwd: str) -> str:
    """What every entry of this run shares; see the module's docstring."""
    facts = (catalog.reviewed, catalog.timezone, sorted(catalog.runtimes.items()))
    parts = [FORMAT, repr(_code_fingerprint()), repr(facts), repr(settings), cwd]
    return files.digest("\0".join(parts).encode("utf-8", "surrogateescape"))


class ResultCache:
    """Entries of one run (one ``run_key``) in one folder."""

    def __init__(self, folder: str | os.PathLike[str], key: str) -> None:
        self.folder = Path(folder) / FORMAT
        self.key = key
        self.problem = ""
        """Why nothing could be written (one line, said once by the caller); empty while writing works."""
        self.hits = 0
        self.misses = 0
        self._buckets: set[Path] = set()
        self._states: dict[str, str] = {}

    @classmethod
    def open(cls, folder: str | os.PathLike[str], settings: Settings, catalog: Catalog) -> ResultCache:
        return cls(folder, run_key(settings, catalog, os.getcwd()))

    def entry_key(self, path: Path, var_files: Sequence[str]) -> str | None:
        """The entry's key, from the file's content; None when the file cannot be read (it is not cached)."""
        try:
            content = files.digest(files.read_bytes(path))
        except files.FileProblem:
            return None
        parts = [self.key, str(path), repr(tuple(var_files)), content]
        return files.digest("\0".join(parts).encode("utf-8", "surrogateescape"))

    def _where(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str, path: Path) -> FileResult | None:
        """The cached result, when its entry is intact and every noted dependency is as it was."""
        where = self._where(key)
        try:
            entry = json.loads(where.read_bytes())
            result = _result(entry["result"], str(path))
            notes = entry["notes"]
            if not isinstance(notes, dict):
                raise TypeError("notes")
        except (OSError, ValueError, KeyError, TypeError):
            self.misses += 1
            return None
        own = os.path.abspath(path)
        for noted, state in notes.items():
            if noted.startswith("f") and noted.partition(":")[2] == own:
                continue  # the file's own content is in the key
            if not isinstance(state, str) or self._state_now(noted) != state:
                self.misses += 1
                return None
        self.hits += 1
        with contextlib.suppress(OSError):
            os.utime(where)  # used: kept by the prune
        return result

    def _state_now(self, noted: str) -> str:
        """``files.state_now``, once per key and run: every file of a Terraform folder notes all the others, so a
        folder of N files would otherwise be read N times over on every warm run."""
        state = self._states.get(noted)
        if state is None:
            state = self._states[noted] = files.state_now(noted)
        return state

    def put(self, key: str, result: FileResult, notes: Mapping[str, str]) -> None:
        """Store a result atomically; a result of an internal error is never stored (the next run tries again)."""
        if self.problem or "internal error, please report" in result.error:
            return
        data = json.dumps({"notes": dict(notes), "result": _entry(result)}, separators=(",", ":")).encode()
        where = self._where(key)
        # Written beside its final name, then renamed over it: a reader sees the old entry or the new, never half.
        # The process ID makes the temporary name unique (only the parent writes; tempfile costs 20x more).
        temporary = where.with_name(f".{key}.{os.getpid()}.tmp")
        try:
            if where.parent not in self._buckets:
                where.parent.mkdir(parents=True, exist_ok=True)
                self._buckets.add(where.parent)
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o644)
            try:
                os.write(handle, data)
            finally:
                os.close(handle)
            os.replace(temporary, where)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            self.problem = (
                f"cache folder {self.folder.parent}: cannot write ({exc.strerror or exc}); results are not cached "
                "(--cache-dir chooses another folder, --no-cache turns the cache off)"
            )

    def prune(self, now: float | None = None) -> int:
        """Once a day at most: remove entries unused for ``KEEP_DAYS``. Returns how many were removed."""
        now = time.time() if now is None else now
        marker = self.folder / "pruned"
        try:
            if now - marker.stat().st_mtime < 86400:
                return 0
        except OSError:
            pass
        removed = 0
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            marker.touch()
            for entry in _entries(self.folder):
                try:
                    if now - entry.stat().st_mtime > KEEP_DAYS * 86400:
                        entry.unlink()
                        removed += 1
                except OSError:
                    continue
        except OSError:
            return removed
        return removed


def _entries(folder: Path) -> Iterable[Path]:
    for bucket in folder.iterdir():
        if bucket.is_dir():
            yield from bucket.glob("*.json")


def _entry(result: FileResult) -> dict[str, object]:
    return {
        "kind": result.kind,
        "error": result.error,
        "findings": [[getattr(f, name) for name in _FINDING_FIELDS] for f in result.findings],
        "builds": sorted(result.builds),
        "regions": sorted(result.regions),
        "calls": sorted(result.calls),
        "module_error": result.module_error,
    }


def _result(entry: object, path: str) -> FileResult:
    """A FileResult from a stored entry; raises TypeError/ValueError/KeyError on anything malformed."""
    if not isinstance(entry, dict):
        raise TypeError("entry")
    findings = []
    for row in entry["findings"]:
        if not isinstance(row, list) or len(row) != len(_FINDING_FIELDS):
            raise TypeError("finding")
        values = dict(zip(_FINDING_FIELDS, row))
        for name in ("line", "column"):
            if type(values[name]) is not int:
                raise TypeError(name)
        for name in ("rule", "resource", "message", "file", "runtime"):
            if not isinstance(values[name], str):
                raise TypeError(name)
        findings.append(Finding(**values))
    strings = [entry["kind"], entry["error"], entry["module_error"]]
    strings += [*entry["builds"], *entry["regions"], *entry["calls"]]
    if not all(isinstance(s, str) for s in strings):
        raise TypeError("strings")
    return FileResult(
        path,
        kind=entry["kind"],
        findings=findings,
        error=entry["error"],
        builds=_frozen(entry["builds"]),
        regions=_frozen(entry["regions"]),
        calls=_frozen(entry["calls"]),
        module_error=entry["module_error"],
    )
