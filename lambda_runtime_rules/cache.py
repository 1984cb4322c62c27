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

Entries are JSON (never pickle: the folder is the user's, and a cache must not be a way to run code) in one
SQLite database, written in transactions by the parent process only. A corrupt, foreign or unreadable entry is
a miss; a database file that is not one is replaced. A folder that cannot be written costs one warning line and
the run goes on uncached. Entries not used for ``KEEP_DAYS`` are pruned once a day, so a default ``as_of`` that
moves every day does not grow the database without bound. ``check`` alone uses the cache: ``fix`` and
``report`` always read the files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from collections.abc import Mapping, Sequence
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple

from . import files
from .catalog import Catalog
from .model import Finding
from .scan import FileResult, shared_frozenset
from .settings import Settings

FORMAT = "v1"
"""The layout and entry format; a new one is a new folder, so an older release's entries are never read."""

KEEP_DAYS = 14
"""Entries not read or written for this long are removed by the daily prune."""

_FINDING_FIELDS = ("rule", "resource", "line", "column", "message", "file", "runtime")
_FINDING_TYPES = (str, str, int, int, str, str, str)
"""The exact type of each of ``_FINDING_FIELDS`` in an entry, in ``Finding``'s order of fields."""


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
    """Entries of one run (one ``run_key``) in one folder: a SQLite database, ``results-<FORMAT>.sqlite3``.

    One database file rather than a file per entry: creating and renaming 534 small files cost a cold run of the
    corpus 0.2-0.6 s of CPU on this project's VMs (the kernel's metadata work), about half the check itself, where
    one transaction costs milliseconds; pre-commit keeps its own store the same way. Only the parent process opens
    it, and only between its own statements: lookups come before the workers start, writes after each result.
    """

    def __init__(self, folder: str | os.PathLike[str], key: str) -> None:
        self.folder = Path(folder)
        self.key = key
        self.problem = ""
        """Why the cache could not be used or written (one line, said once by the caller); empty while it works."""
        self.hits = 0
        self.misses = 0
        self._states: dict[str, str] = {}
        self._db: Any = None
        self._opened = False
        self._pending: list[tuple[str, int, bytes]] = []
        self._used: list[str] = []
        self._hasher = hashlib.sha256(key.encode("utf-8", "surrogateescape") + b"\0")

    @classmethod
    def open(cls, folder: str | os.PathLike[str], settings: Settings, catalog: Catalog) -> ResultCache:
        return cls(folder, run_key(settings, catalog, os.getcwd()))

    @property
    def path(self) -> Path:
        return self.folder / f"results-{FORMAT}.sqlite3"

    def entry_key(self, path: Path, var_files: Sequence[str]) -> EntryKey | None:
        """The entry's key, from the file's content; None when the file cannot be read (it is not cached).

        The content is hashed once, and its digest with the run key, the path and the ``-var-file``s makes the key
        (a second, tiny hash). ``put`` compares the digest with what the scan then read of the file, so a file
        saved between the two is never stored under the content it no longer has."""
        try:
            content = files.read_bytes(path)
        except files.FileProblem:
            return None
        digest = files.digest(content)
        hasher = self._hasher.copy()
        hasher.update("\0".join((str(path), repr(tuple(var_files)), digest)).encode("utf-8", "surrogateescape"))
        return EntryKey(hasher.hexdigest()[:32], digest, len(content))

    def _connection(self) -> Any:
        """The database, opened (and created) on first use; None when it cannot be (``problem`` says why)."""
        if not self._opened:
            self._opened = True
            self._db = self._connect()
        return self._db

    def _connect(self) -> Any:
        try:
            import sqlite3
        except ImportError:  # a Python built without it
            self.problem = "this Python has no sqlite3 module: results are not cached (--no-cache silences this)"
            return None
        for attempt in (1, 2):
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(str(self.path), timeout=5, isolation_level=None)
                try:
                    db.execute("PRAGMA synchronous=OFF")  # a cache: a lost write is a miss, never a wrong verdict
                    db.execute(
                        "CREATE TABLE IF NOT EXISTS entries "
                        "(key TEXT PRIMARY KEY, used INTEGER NOT NULL, data BLOB NOT NULL)"
                    )
                    db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")
                except BaseException:
                    db.close()
                    raise
                return db
            except sqlite3.OperationalError as exc:  # unwritable, locked by another run for 5 s, disk full
                self._cannot(str(exc))
                return None
            except sqlite3.DatabaseError as exc:  # not a database (a foreign or damaged file): ours, so start again
                if attempt == 2 or not self.path.is_file():
                    self._cannot(str(exc))
                    return None
                with contextlib.suppress(OSError):
                    self.path.unlink()
            except OSError as exc:
                self._cannot(exc.strerror or str(exc))
                return None
        return None

    def _cannot(self, why: str) -> None:
        if not self.problem:
            self.problem = (
                f"cache folder {self.folder}: cannot use it ({why}); results are not cached "
                "(--cache-dir chooses another folder, --no-cache turns the cache off)"
            )

    def get(self, key: str, path: Path) -> FileResult | None:
        """The cached result, when its entry is intact and every noted dependency is as it was."""
        return self.get_many([(key, path)])[0]

    def get_many(self, wanted: Sequence[tuple[str, Path]]) -> list[FileResult | None]:
        """``get`` for several files, in one query: a statement per file was a fifth of a warm run's check."""
        db = self._connection()
        if db is None or not wanted:
            return [None] * len(wanted)
        rows: dict[str, tuple[object, object]] = {}
        keys = list(dict.fromkeys(key for key, _ in wanted))
        try:
            for start in range(0, len(keys), _QUERY_KEYS):
                part = keys[start : start + _QUERY_KEYS]
                marks = ",".join("?" * len(part))
                # As bytes and a number whatever a foreign row holds: a TEXT of bad UTF-8 would fail the whole batch.
                query = f"SELECT key, CAST(used AS INTEGER), CAST(data AS BLOB) FROM entries WHERE key IN ({marks})"
                rows.update((key, (used, data)) for key, used, data in db.execute(query, part).fetchall())
        except Exception as exc:  # sqlite3.Error (a damaged page, a lock): misses, and no more writing this run
            self._cannot(str(exc))
            self.misses += len(wanted)
            return [None] * len(wanted)
        today = _today()
        return [self._served(rows.get(key, (today, None)), path, key, today) for key, path in wanted]

    def _served(self, row: tuple[object, object], path: Path, key: str, today: int) -> FileResult | None:
        """The result of one stored entry (its day of last use and data), when it is intact and every noted
        dependency is as it was. Only an entry last used before today is marked used: a warm run on the same
        day writes nothing."""
        used, data = row
        try:
            entry = json.loads(data)  # type: ignore[arg-type]  # no row (None) is a TypeError: a miss
            result = _result(entry["result"], str(path))
            notes = entry["notes"]
            if not isinstance(notes, dict):
                raise TypeError("notes")
            # the file's own reads are not among them (``put``)
            current = all(isinstance(state, str) and self._state_now(noted) == state for noted, state in notes.items())
        except Exception:  # no row, or a foreign or damaged one (nested past the recursion limit, an odd note): a miss
            current = False
        if not current:
            self.misses += 1
            return None
        self.hits += 1
        if not isinstance(used, int) or used < today:
            self._used.append(key)
        return result

    def _state_now(self, noted: str) -> str:
        """``files.state_now``, once per key and run: every file of a Terraform folder notes all the others, so a
        folder of N files would otherwise be read N times over on every warm run."""
        state = self._states.get(noted)
        if state is None:
            state = self._states[noted] = files.state_now(noted)
        return state

    def put(self, key: EntryKey, result: FileResult, notes: Mapping[str, str]) -> None:
        """Store a result (written in batches, each one transaction); a result of an internal error is never
        stored (the next run tries again), nor one whose scan read other content of the file than its key was
        made from (saved, or deleted, in between: the verdict is that of the content it read)."""
        if self.problem or "internal error, please report" in result.error:
            return
        own = os.path.abspath(result.path)
        kept: dict[str, str] = {}
        for noted, state in notes.items():
            what, _, where = noted.partition(":")
            if what[:1] != "f" or where != own:
                kept[noted] = state
            elif state != _read_state(key, what[1:]):
                return
            # else the file's own read, of exactly the content in the key: nothing to check again
        data = json.dumps({"notes": kept, "result": _entry(result)}, separators=(",", ":")).encode()
        self._pending.append((key.key, _today(), data))
        if len(self._pending) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        """Write what ``put`` and ``get`` collected: new entries, and the day each served entry was last used."""
        pending, used, self._pending, self._used = self._pending, self._used, [], []
        if not (pending or used) or self.problem:
            return
        db = self._connection()
        if db is None:
            return
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany("INSERT OR REPLACE INTO entries (key, used, data) VALUES (?, ?, ?)", pending)
                today = _today()
                db.executemany("UPDATE entries SET used = ? WHERE key = ? AND used < ?",
                               [(today, key, today) for key in used])
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except Exception as exc:  # sqlite3.Error: locked by another run, disk full, a damaged file
            self._cannot(str(exc))

    def close(self, now: float | None = None) -> None:
        """Flush, prune once a day, and close the database."""
        self.flush()
        self.prune(now)
        if self._db is not None:
            with contextlib.suppress(Exception):
                self._db.close()
            self._db = None

    def prune(self, now: float | None = None) -> int:
        """Once a day at most: remove entries unused for ``KEEP_DAYS``. Returns how many were removed."""
        db = None if self.problem else self._connection()
        if db is None:
            return 0
        today = _today(now)
        try:
            row = db.execute("SELECT value FROM meta WHERE name = 'pruned'").fetchone()
            if row is not None and row[0] >= today:
                return 0
            db.execute("BEGIN IMMEDIATE")
            removed = db.execute("DELETE FROM entries WHERE used < ?", (today - KEEP_DAYS,)).rowcount
            db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('pruned', ?)", (today,))
            db.execute("COMMIT")
        except Exception as exc:
            with contextlib.suppress(Exception):
                db.execute("ROLLBACK")
            self._cannot(str(exc))
            return 0
        return max(removed, 0)


class EntryKey(NamedTuple):
    """An entry's key, and the digest and size of the content it was made from (``ResultCache.entry_key``)."""

    key: str
    digest: str
    size: int


def _read_state(key: EntryKey, limit: str) -> str | None:
    """What a read of the file with this limit notes (``files.read_bytes``) when it reads the key's content."""
    if not limit.isdecimal() or len(limit) > 12:
        return None
    cap = int(limit)
    return key.digest if key.size <= cap else "!" + files.too_big(key.size, cap)


_BATCH = 1000
"""Results written per transaction: few transactions, and little held in memory on a large tree."""

_QUERY_KEYS = 500
"""Keys looked up per statement: under SQLite's oldest limit on bound parameters (999)."""


def _today(now: float | None = None) -> int:
    """Days since the epoch (UTC): when an entry was last used, for the prune."""
    return int((time.time() if now is None else now) // 86400)


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
    """A FileResult from a stored entry; raises TypeError/ValueError/KeyError on anything malformed.

    Checked by the exact types JSON gives (``bool`` is no line number), a tuple of them compared at once: this
    runs for every finding of a warm run."""
    if type(entry) is not dict:
        raise TypeError("entry")
    findings = []
    for row in entry["findings"]:
        if type(row) is not list or tuple(map(type, row)) != _FINDING_TYPES:
            raise TypeError("finding")
        findings.append(Finding(*row))
    sets = (entry["builds"], entry["regions"], entry["calls"])
    strings = (entry["kind"], entry["error"], entry["module_error"])
    if tuple(map(type, sets)) != (list, list, list) or not {str}.issuperset(map(type, [*strings, *chain(*sets)])):
        raise TypeError("strings")
    return FileResult(
        path,
        kind=strings[0],
        findings=findings,
        error=strings[1],
        builds=shared_frozenset(sets[0]),
        regions=shared_frozenset(sets[1]),
        calls=shared_frozenset(sets[2]),
        module_error=strings[2],
    )
