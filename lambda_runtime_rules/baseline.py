"""The baseline: findings a team has accepted for now, so a large, old repository can adopt the tool today.

``check --write-baseline FILE`` records the current findings; ``check --baseline FILE`` (or ``baseline:`` in the
config file, which the cfn-lint and Checkov faces read too) reports only what is not in it. Three properties
make it safe to live with:

- **Entries survive edits.** An entry is keyed by file, resource, rule and runtime, never by line, so adding a
  resource above an accepted one does not resurrect it. Files are written relative to the baseline's folder in
  POSIX form, so the same baseline works from any working directory and on any OS.
- **Nothing that got worse is hidden.** An entry records the runtime's lifecycle phase when it was accepted; a
  finding whose runtime has since moved to a more advanced phase (deprecated, then create-blocked, then
  update-blocked) is reported again, even where the rule code stays the same (a layer's WL4001).
- **Stale entries are visible.** An entry whose finding is gone (fixed) is reported as stale by ``--baseline``
  and dropped by ``--write-baseline``; entries of files a run did not look at are kept as they are, so a
  pre-commit run over a few files never forgets the rest.

The file is sorted JSON with one entry per line, so a reviewer reads the diff of an accepted finding as one
added line. Matching is pure (no I/O); reading and writing are the two functions at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .catalog import Catalog
from .engine import Phase, phase
from .model import Finding

FORMAT_VERSION = 1
_KEYS = ("file", "resource", "rule", "runtime", "phase")
_ORDER = {p.value: index for index, p in enumerate(Phase)}
MAX_BASELINE_BYTES = 64 * 1024 * 1024


class BaselineError(Exception):
    """A baseline file that cannot be read or written: one line naming the file and the problem."""


@dataclass(frozen=True, order=True)
class Entry:
    """One accepted finding. ``phase`` is the runtime's lifecycle phase then ('' when not a catalog runtime)."""

    file: str
    resource: str
    rule: str
    runtime: str
    phase: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.file, self.resource, self.rule, self.runtime)


@dataclass(frozen=True)
class Outcome:
    """What a baseline did to one run's findings."""

    findings: list[Finding]
    """Reported: not in the baseline, or worse than when accepted."""
    accepted: int
    """Findings the baseline accepted (not reported)."""
    stale: list[Entry]
    """Entries of files this run checked whose finding is gone."""
    worse: int
    """Reported findings that an entry covered before their runtime reached a more advanced phase."""


def relative_file(file: str, base: str) -> str:
    """``file`` relative to the baseline's folder, in POSIX form: the same entry from any working directory."""
    absolute = os.path.abspath(file)
    try:
        relative = os.path.relpath(absolute, base)
    except ValueError:  # another drive on Windows
        relative = absolute
    return relative.replace(os.sep, "/")


def current_phase(runtime: str, catalog: Catalog, as_of: object) -> str:
    """The runtime's phase on ``as_of`` when the catalog knows it, else ''."""
    entry = catalog.get(runtime) if runtime else None
    return phase(entry, as_of).value if entry is not None else ""  # type: ignore[arg-type]


def entry_for(finding: Finding, base: str, catalog: Catalog, as_of: object) -> Entry:
    return Entry(
        relative_file(finding.file, base),
        finding.resource,
        finding.rule,
        finding.runtime,
        current_phase(finding.runtime, catalog, as_of),
    )


def _worse(now: str, then: str) -> bool:
    return now in _ORDER and then in _ORDER and _ORDER[now] > _ORDER[then]


def apply(
    findings: Sequence[Finding],
    entries: Sequence[Entry],
    base: str,
    catalog: Catalog,
    as_of: object,
    checked: Iterable[str] = (),
) -> Outcome:
    """Split ``findings`` into reported and accepted, and find the stale entries of the ``checked`` files.

    Entries form a multiset: two identical findings need two entries, so a second copy of an accepted mistake
    is new. A finding whose runtime's phase advanced past its entry's is reported (with the phases named in
    its message), and its entry is neither accepted nor stale: it is superseded by what is reported.
    """
    available = Counter(e.key for e in entries)
    phases: dict[tuple[str, str, str, str], str] = {}
    for e in entries:
        phases.setdefault(e.key, e.phase)
    by_resource: dict[tuple[str, str, str], str] = {}  # (file, resource, runtime) -> the most advanced phase accepted
    for e in entries:
        where = (e.file, e.resource, e.runtime)
        if e.phase and (where not in by_resource or _worse(e.phase, by_resource[where])):
            by_resource[where] = e.phase
    reported: list[Finding] = []
    superseded: Counter[tuple[str, str, str, str]] = Counter()
    accepted = worse = 0
    for finding in findings:
        entry = entry_for(finding, base, catalog, as_of)
        if available[entry.key] > 0 and not _worse(entry.phase, phases.get(entry.key, "")):
            available[entry.key] -= 1
            accepted += 1
            continue
        then = phases.get(entry.key) if available[entry.key] > 0 else by_resource.get(
            (entry.file, entry.resource, entry.runtime)
        )
        if then and _worse(entry.phase, then):
            worse += 1
            finding = replace(
                finding, message=f"{finding.message} (worse than in the baseline: {then} then, {entry.phase} now)"
            )
            for e in entries:  # the entries this finding outgrew are not "fixed"
                if (e.file, e.resource, e.runtime) == (entry.file, entry.resource, entry.runtime) and available[e.key]:
                    superseded[e.key] += available[e.key]
                    available[e.key] = 0
        reported.append(finding)
    files = {relative_file(f, base) for f in checked}
    stale: list[Entry] = []
    left = Counter({k: n for k, n in available.items() if n > 0})
    for e in sorted(entries):
        if left[e.key] > 0 and (e.file in files or not os.path.lexists(os.path.join(base, e.file))):
            left[e.key] -= 1
            stale.append(e)
    return Outcome(reported, accepted, stale, worse)


def updated(
    findings: Sequence[Finding],
    previous: Sequence[Entry],
    base: str,
    catalog: Catalog,
    as_of: object,
    checked: Iterable[str],
) -> list[Entry]:
    """The entries ``--write-baseline`` writes: today's findings of the checked files, plus the previous
    entries of files this run did not check (and that still exist), sorted."""
    files = {relative_file(f, base) for f in checked}
    kept = [e for e in previous if e.file not in files and os.path.lexists(os.path.join(base, e.file))]
    return sorted(kept + [entry_for(f, base, catalog, as_of) for f in findings])


# --- the file ---------------------------------------------------------------------------------------------


def dumps(entries: Sequence[Entry]) -> str:
    """Sorted, one entry per line: a reviewer's diff shows each accepted finding as one line."""
    lines = [json.dumps({k: getattr(e, k) for k in _KEYS}, ensure_ascii=False) for e in sorted(entries)]
    body = ",\n".join(f"    {line}" for line in lines)
    entries_text = f"[\n{body}\n  ]" if lines else "[]"
    return f'{{\n  "version": {FORMAT_VERSION},\n  "tool": "lambda-runtime-rules",\n  "entries": {entries_text}\n}}\n'


def parse(text: str, source: str) -> list[Entry]:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BaselineError(f"{source}: not a baseline: not valid JSON: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise BaselineError(f"{source}: not a baseline: expected an object with an 'entries' list")
    if document.get("version") != FORMAT_VERSION:
        raise BaselineError(f"{source}: baseline version {document.get('version')!r} is not {FORMAT_VERSION}")
    entries = []
    for index, item in enumerate(document["entries"]):
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in _KEYS[:4]):
            raise BaselineError(f"{source}: entries[{index}]: needs file, resource, rule and runtime strings")
        item_phase = item.get("phase", "")
        if not isinstance(item_phase, str) or (item_phase and item_phase not in _ORDER):
            raise BaselineError(f"{source}: entries[{index}]: phase {item_phase!r} is not a lifecycle phase")
        entries.append(Entry(item["file"], item["resource"], item["rule"], item["runtime"], item_phase))
    return entries


def read(path: str | Path) -> list[Entry]:
    """The entries of a baseline file; a missing, unreadable or malformed file is a ``BaselineError``."""
    from .files import FileProblem, read_text

    if not os.path.lexists(path):
        raise BaselineError(f"{path}: no such baseline file (create it with check --write-baseline {path})")
    try:
        text = read_text(Path(path), MAX_BASELINE_BYTES)
    except FileProblem as exc:
        raise BaselineError(f"{path}: {exc}") from None
    return parse(text, str(path))


def write(path: str | Path, entries: Sequence[Entry]) -> None:
    """Atomically: a reader (or a crash) never sees half a baseline."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(dumps(entries), encoding="utf-8")
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise BaselineError(f"{path}: cannot write the baseline: {exc.strerror or exc}") from None


def folder(path: str | Path) -> str:
    """The folder entries are relative to: the baseline file's own."""
    return os.path.dirname(os.path.abspath(path))


# --- the hosts' faces ----------------------------------------------------------------------------------------

_read_cache: dict[tuple[str, int, int], list[Entry]] = {}


def read_cached(path: str | Path) -> list[Entry]:
    """``read``, once per file version: cfn-lint and Checkov ask for every template or resource of a run."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return read(path)  # says why, in the one-line form
    key = (os.path.abspath(path), info.st_mtime_ns, info.st_size)
    if key not in _read_cache:
        if len(_read_cache) > 8:
            _read_cache.clear()
        _read_cache[key] = read(path)
    return _read_cache[key]


def not_accepted(findings: Sequence[Finding], path: str, catalog: Catalog, as_of: object) -> list[Finding]:
    """The findings a host face reports under the baseline ``path``: cfn-lint and Checkov have no place for the
    accepted count or the stale entries (``check --baseline`` says those), only for what is left."""
    return apply(findings, read_cached(path), folder(path), catalog, as_of).findings
