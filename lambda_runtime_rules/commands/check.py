"""``check [PATH ...]``: the pre-commit hook's command. Scan files, print findings, exit 0 / 1 / 2.

Exit codes follow the pre-commit contract: 0 when nothing reaches ``--fail-on``, 1 when something does, 2 for
usage errors and for files that cannot be read or parsed. An unreadable file costs one ``path: problem`` line
on stderr; every other file is still checked and reported, so one broken file never hides the rest.

Speed matters here (the hook runs on every commit), so nothing is imported before it is needed: a process
pool only with ``--jobs``, the Terraform parser only for ``.tf`` files, SARIF's URL helpers only for SARIF. An
unchanged file is served from the result cache (see ``cache``) unless ``--no-cache``.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import files as file_system
from ..catalog import Catalog
from ..gcpause import gc_paused
from ..model import Finding
from ..output import one_line, printable, render, use_color, valid_unicode
from ..progress import Progress
from ..scan import (
    NO_SUBJECTS,
    FileResult,
    as_called_module,
    is_terraform,
    iter_files,
    judged_through_functions,
    scan_file,
    walk_files,
)
from ..settings import Settings
from .common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    context,
    fail,
    stale_catalog_warning,
    undated_region_warning,
)

if TYPE_CHECKING:
    from ..cache import EntryKey, ResultCache

MAX_CHUNK = 256
"""Most files per pool task: enough to amortise the pool's traffic (a few tenths of a millisecond per task in the
parent), few enough to balance the load (256 small Terraform files are about 50 ms of work)."""
FIRST_CHUNK = 16
"""Files in the first task, and fewest in any: the workers start early, and the last tasks end close together."""

VarFiles = tuple[str, ...]
Task = tuple[Path, VarFiles, bool]


def run(args: argparse.Namespace) -> int:
    if args.jobs < 0:
        return fail(f"--jobs: {args.jobs} is not a number of worker processes (0 means one per CPU)")
    try:
        settings, catalog = context(args)
    except UsageError as exc:
        return fail(str(exc))
    stale = stale_catalog_warning(settings, catalog)
    if stale:
        print(f"lambda-runtime-rules: warning: {stale}", file=sys.stderr)

    var_files = [str(v) for v in getattr(args, "var_file", None) or []]
    for var_file in var_files:
        problem = var_file_problem(var_file)
        if problem:
            return fail(problem)
    # With workers, they start on the first files while the tree is still being walked (its total comes later).
    files = iter_files(list(args.paths)) if args.jobs == 1 else walk_files(list(args.paths))
    total = len(files) if isinstance(files, list) else None
    progress = None if getattr(args, "no_progress", False) else Progress.for_stream(sys.stderr, total)
    cache = open_cache(args, settings, catalog)
    results = check_files(
        files, settings, catalog, jobs=args.jobs, var_files=var_files, progress=progress, cache=cache
    )
    if cache is not None:
        cache.close()
        if cache.problem:
            print(f"lambda-runtime-rules: warning: {cache.problem}", file=sys.stderr)
    built = frozenset().union(*(r.builds for r in results))
    results = [r for r in results if not judged_through_functions(r.path, r.kind, built)]
    findings = sorted((f for r in results for f in r.findings), key=lambda f: f.sort_key)
    errors = [(r.path, r.error) for r in results if r.error]
    for _, problem in errors:
        print(one_line(problem), file=sys.stderr)
    undated = undated_region_warning(settings, catalog, _written_regions(results))
    if undated:
        print(f"lambda-runtime-rules: warning: {undated}", file=sys.stderr)

    used = BaselineUse()
    if getattr(args, "write_baseline", None) or settings.baseline:  # imported only then (the pre-commit path)
        from ..baseline import BaselineError

        try:
            findings, used = apply_baseline(args, settings, catalog, findings, [r.path for r in results])
        except BaselineError as exc:
            return fail(str(exc))

    reviewed, as_of = catalog.reviewed, settings.as_of  # SARIF records the catalog's age at as_of
    extra = {"catalog_reviewed": reviewed, "as_of": as_of}
    if args.format == "json-object":
        extra["metadata"] = run_metadata(results, findings, errors, used, settings, catalog)
    if args.format == "junit":  # a passing test case for each file read as an input
        extra["checked"] = [r.path for r in results if r.kind and not r.error]
    if args.output:
        color = args.color == "always"
        report = render(args.format, findings, errors, color=color, **extra)
        try:
            Path(args.output).write_text(report, encoding="utf-8")
        except OSError as exc:
            return fail(f"{args.output}: cannot write: {exc.strerror or exc}")
    else:
        color = use_color(sys.stdout, args.color)
        sys.stdout.write(render(args.format, findings, errors, color=color, **extra))
        sys.stdout.flush()
    if args.format == "text":
        print(summary_line(results, findings, errors, used), file=sys.stderr)
    if not any(r.kind for r in results) and not errors and any(os.path.isdir(path) for path in args.paths):
        print(f"lambda-runtime-rules: warning: {no_template_line(results)}", file=sys.stderr)
    return exit_code(findings, bool(errors), args.fail_on)


def open_cache(args: argparse.Namespace, settings: Settings, catalog: Catalog) -> ResultCache | None:
    """The run's result cache, or None with ``--no-cache``."""
    if getattr(args, "no_cache", False):
        return None
    from ..cache import ResultCache
    from ..settings import default_cache_dir

    return ResultCache.open(getattr(args, "cache_dir", None) or default_cache_dir(), settings, catalog)


def _written_regions(results: Sequence[FileResult]) -> frozenset[str]:
    """The Region codes the checked files themselves name (Terraform provider, Serverless provider.region)."""
    return frozenset().union(*(r.regions for r in results))


# --- baseline ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BaselineUse:
    """What the baseline did in this run, for the summary line and the JSON metadata."""

    file: str = ""
    accepted: int = 0
    stale: int = 0
    worse: int = 0
    written: bool = False


def apply_baseline(
    args: argparse.Namespace, settings: Settings, catalog: Catalog, findings: list[Finding], checked: list[str]
) -> tuple[list[Finding], BaselineUse]:
    """``--write-baseline`` records today's findings (all then accepted); ``--baseline`` (or the config's
    ``baseline``) leaves only what it does not accept, and names its stale entries on stderr."""
    from .. import baseline

    target = getattr(args, "write_baseline", None)
    if target:
        previous = baseline.read(target) if os.path.lexists(target) else []
        base = baseline.folder(target)
        entries = baseline.updated(findings, previous, base, catalog, settings.as_of, checked)
        dropped = len(baseline.apply(findings, previous, base, catalog, settings.as_of, checked).stale)
        baseline.write(target, entries)
        print(
            f"lambda-runtime-rules: wrote {len(entries)} entries to the baseline {printable(target)}"
            f" ({len(findings)} from this run, {dropped} stale dropped)",
            file=sys.stderr,
        )
        return [], BaselineUse(target, accepted=len(findings), written=True)
    if not settings.baseline:
        return findings, BaselineUse()
    entries = baseline.read(settings.baseline)
    base = baseline.folder(settings.baseline)
    outcome = baseline.apply(findings, entries, base, catalog, settings.as_of, checked)
    name = printable(settings.baseline)
    for entry in outcome.stale:
        print(
            f"lambda-runtime-rules: baseline {name}: stale entry, its finding is gone (--write-baseline drops it): "
            f"{printable(entry.file)} {printable(entry.resource)} {entry.rule} {printable(entry.runtime)}".rstrip(),
            file=sys.stderr,
        )
    worse = f", {outcome.worse} reported again because they got worse" if outcome.worse else ""
    print(
        f"lambda-runtime-rules: baseline {name}: {_count(outcome.accepted, 'finding')} accepted, "
        f"{_count(len(outcome.stale), 'stale entry', 'stale entries')}{worse}",
        file=sys.stderr,
    )
    return outcome.findings, BaselineUse(settings.baseline, outcome.accepted, len(outcome.stale), outcome.worse)


# --- summary ------------------------------------------------------------------------------------------------


def _count(number: int, singular: str, plural: str = "") -> str:
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


def summary_line(
    results: Sequence[FileResult], findings: Sequence[Finding], errors: Sequence[tuple[str, str]], used: BaselineUse
) -> str:
    """``12 findings (3 errors, 9 warnings) in 48 files; 2 files could not be read``: the last line of a text run.

    "Files" are the files read as one of our inputs (a YAML file that is not a template does not count), so a
    hook pointed at the wrong folder says "in 0 files" instead of looking green.
    """
    failing = sum(1 for f in findings if f.severity == "error")
    counts = f"{failing} {'error' if failing == 1 else 'errors'}, {_count(len(findings) - failing, 'warning')}"
    line = f"{_count(len(findings), 'finding')} ({counts}) in {_count(sum(1 for r in results if r.kind), 'file')}"
    if used.file:
        line += f"; {used.accepted} accepted by the baseline"
        if used.stale:
            line += f" ({_count(used.stale, 'stale entry', 'stale entries')})"
    if errors:
        line += f"; {_count(len(errors), 'file')} could not be read"
    return line


def no_template_line(results: Sequence[FileResult]) -> str:
    """Said in every format when a folder was given and nothing in it was an input we check: a hook or job pointed
    at the wrong folder must not look green. Files handed over one by one (a pre-commit run over a commit's YAML)
    are often not templates, and say nothing."""
    looked = _count(len(results), "candidate file")
    return (
        f"no template found ({looked} looked at; none is a CloudFormation, SAM, Terraform, Serverless, CDK or "
        "Dockerfile input): check the paths given"
    )


def run_metadata(
    results: Sequence[FileResult],
    findings: Sequence[Finding],
    errors: Sequence[tuple[str, str]],
    used: BaselineUse,
    settings: Settings,
    catalog: Catalog,
) -> dict[str, object]:
    """The ``json-object`` format's ``metadata``: the tool, the catalog's age and the run's counts."""
    from ..catalog import stale_catalog_notice
    from ..output import catalog_properties
    from ..version import package_version

    failing = sum(1 for f in findings if f.severity == "error")
    notice = stale_catalog_notice(catalog, settings.as_of)
    metadata: dict[str, object] = {
        "tool": "lambda-runtime-rules",
        "version": package_version(),
        **catalog_properties(catalog.reviewed, settings.as_of),
        "catalogStale": bool(notice),
        "staleCatalogNotice": notice or None,
        "files": sum(1 for r in results if r.kind),
        "candidates": len(results),
        "findings": len(findings),
        "errors": failing,
        "warnings": len(findings) - failing,
        "unreadable": [{"file": valid_unicode(path), "problem": valid_unicode(one_line(p))} for path, p in errors],
    }
    if used.file:
        metadata["baseline"] = {
            "file": valid_unicode(used.file),
            "accepted": used.accepted,
            "stale": used.stale,
            "worse": used.worse,
            "written": used.written,
        }
    return metadata


def exit_code(findings: Sequence[Finding], had_errors: bool, fail_on: str) -> int:
    """2 when some input could not be checked (a hook must not pass on a file it never read), else 1 / 0."""
    if had_errors:
        return EXIT_USAGE
    if fail_on == "never":
        return EXIT_OK
    if fail_on == "warning":
        return EXIT_FINDINGS if findings else EXIT_OK
    return EXIT_FINDINGS if any(f.severity == "error" for f in findings) else EXIT_OK


def var_file_problem(path: str) -> str:
    """One line when a ``--var-file`` cannot be used, as ``terraform plan -var-file`` would refuse it."""
    from ..sources import terraform

    try:
        terraform.parse_file(path)
    except terraform.TerraformError as exc:
        return f"--var-file: {exc}"
    return ""


# --- scanning ----------------------------------------------------------------------------------------------


def check_files(
    files: Iterable[Path],
    settings: Settings,
    catalog: Catalog,
    jobs: int = 1,
    var_files: Sequence[str] = (),
    progress: Progress | None = None,
    cache: ResultCache | None = None,
) -> list[FileResult]:
    """One result per file, in the order given, whatever ``jobs`` is (0 means one worker per CPU).

    ``files`` may be an iterator (the CLI's walk of the tree, ``walk_files``): with more than one worker, the
    workers start on the first files while the rest of the tree is still being walked.
    ``var_files``: Terraform ``-var-file`` files, applied to every Terraform folder after its own tfvars.
    ``progress``: told of every finished file (a bar on a terminal; see ``progress``); a total it does not know
    yet is set here when the walk ends.
    ``cache``: results of unchanged files are taken from it, and every new result is stored in it.
    """
    # Every file is read as a root; folders that a checked folder calls become module results at the end, from
    # what the workers found (``as_called_module``), so the parent never parses a Terraform file itself.
    workers = (os.cpu_count() or 1) if jobs == 0 else jobs
    if workers <= 1 and not isinstance(files, Sequence):
        files = list(files)  # one process: nothing to overlap the walk with
    tfvars = tuple(var_files)
    results: list[FileResult | None] = []
    keys: dict[int, EntryKey] = {}
    pending: list[int] = []  # places in ``results`` still to scan, in order
    hits = 0

    def misses() -> Iterator[Task]:
        """The files to scan, as the walk finds them; cache hits are taken on the way, a batch at a time."""
        nonlocal hits
        for batch in _batches(files, cache is not None):
            tasks = [(path, tfvars if is_terraform(path) else (), False) for path in batch]
            entries = [None if cache is None else cache.entry_key(path, tf) for path, tf, _ in tasks]
            served = iter(() if cache is None else cache.get_many(
                [(entry.key, task[0]) for entry, task in zip(entries, tasks) if entry is not None]
            ))
            for entry, task in zip(entries, tasks):
                index = len(results)
                hit = None if entry is None else next(served)
                results.append(hit)
                if hit is not None:
                    hits += 1
                    continue
                if entry is not None:
                    keys[index] = entry
                pending.append(index)
                yield task
        if progress is not None:
            progress.total = progress.total or len(results)

    try:
        record = cache is not None
        todo = misses()
        if workers <= 1:
            todo = iter(list(todo))  # the cache's hits first, so the bar starts with them
            scanned: Iterator[FileResult] = (_scan_one(*task, settings, catalog, record) for task in todo)
        else:
            scanned = _scan_parallel(todo, settings, catalog, workers, record)
        for done, result in enumerate(scanned):  # drained to the end: the pool's block exits (and waits) here
            if progress is not None and hits:
                progress.advance(hits)
                hits = 0
            index = pending[done]  # a result comes after its task: the walk has reached it
            if cache is not None and index in keys:
                cache.put(keys[index], result, result.notes or {})
            result.notes = None
            results[index] = result
            if progress is not None:
                progress.advance()
        if progress is not None and hits:
            progress.advance(hits)
        return as_called_module([result for result in results if result is not None])
    finally:
        if cache is not None:
            cache.flush()
        if progress is not None:
            progress.close()


def _batches(paths: Iterable[Path], batched: bool) -> Iterator[list[Path]]:
    """The paths in lists that grow from 16 to 512 (the cache looks a list up in one query), or one at a time
    without a cache: the first files reach the workers while a long walk is still going on."""
    if not batched:
        yield from ([path] for path in paths)
        return
    size, batch = 16, []
    for path in paths:
        batch.append(path)
        if len(batch) >= size:
            yield batch
            size, batch = min(size * 2, 512), []
    if batch:
        yield batch


def _scan_one(
    path: Path, tfvars: VarFiles, as_module: bool, settings: Settings, catalog: Catalog, record: bool = False
) -> FileResult:
    """One file's result without its subjects: ``check`` needs only the findings, errors, builds and Regions, and
    keeping every file's parsed nodes to the end made memory grow with the tree (1 GB for 100k templates).
    ``record``: note what the scan read (``files.recording``) on the result, for the result cache."""
    # The cyclic GC pauses while one file is parsed and judged (see gcpause): a third of the corpus time else.
    try:
        with gc_paused(), file_system.recording() if record else nullcontext({}) as notes:
            result = scan_file(path, settings, catalog, var_files=tfvars, as_module=as_module)
        result.subjects = NO_SUBJECTS
        if record:
            result.notes = notes
        return result
    except Exception as exc:  # a bug must not hide the other files' findings, nor print a traceback to a hook
        return FileResult(str(path), error=f"{path}: internal error, please report: {type(exc).__name__}: {exc}")


_WORKER: dict[str, object] = {}


def _init_worker(settings: Settings, catalog: Catalog, record: bool) -> None:
    """The parent's validated catalog travels to each worker once, so no worker loads or validates it again."""
    _WORKER["settings"] = settings
    _WORKER["catalog"] = catalog
    _WORKER["record"] = record


def _scan_chunk(chunk: list[tuple[str, VarFiles, bool]]) -> list[FileResult]:
    """A worker's share. Paths travel as text: a Path pickles as its parts and is parsed again from them."""
    settings, catalog, record = _WORKER["settings"], _WORKER["catalog"], _WORKER["record"]
    assert isinstance(settings, Settings) and isinstance(catalog, Catalog) and isinstance(record, bool)
    return [_scan_one(Path(path), tfvars, as_module, settings, catalog, record) for path, tfvars, as_module in chunk]


def _cut(tasks: Sequence[Task], size: int, start: int = 0) -> int:
    """Where a chunk of about ``size`` tasks from ``start`` ends (an index of ``tasks``): not inside a folder with
    Terraform files, unless that would make it four times ``size``. Every Terraform file is evaluated with its
    whole folder, so a folder split between two workers is parsed by both; in one chunk, the worker's folder
    cache parses it once."""
    end = min(start + size, len(tasks))
    if end == start or end == len(tasks):
        return end
    folder = tasks[end - 1][0].parent
    if folder != tasks[end][0].parent:
        return end
    first = end - 1  # the walk lists a folder's files together: its part of this chunk is the chunk's tail
    while first > start and tasks[first - 1][0].parent == folder:
        first -= 1
    if not any(is_terraform(path) for path, _, _ in tasks[first:end]):
        return end
    limit = min(start + 4 * size, len(tasks))
    while end < limit and tasks[end][0].parent == folder:
        end += 1
    return end


def _scan_parallel(
    tasks: Iterable[Task],
    settings: Settings,
    catalog: Catalog,
    workers: int,
    record: bool = False,
) -> Iterator[FileResult]:
    """The results in the order of ``tasks``, each chunk's as soon as it is done (the parent stores them in the
    cache and forgets them as they come).

    While ``tasks`` is still being walked, chunks of growing size (``FIRST_CHUNK``, doubling up to ``MAX_CHUNK``)
    go to the workers as they are found, as long as no more than two per worker wait. What is left when the walk
    ends goes in chunks of a quarter of each worker's share of it (at most ``MAX_CHUNK``, at least one file), so
    the last chunks are small and the workers finish together; a run whose walk ends first (a hook's few files)
    gets no more workers than chunks. Fewer than two tasks: no pool at all."""
    stream = iter(tasks)
    buffer = list(itertools.islice(stream, 2))
    if len(buffer) < 2:
        yield from (_scan_one(*task, settings, catalog, record) for task in buffer)
        return
    from concurrent.futures import Future, ProcessPoolExecutor

    pool: ProcessPoolExecutor | None = None
    futures: list[Future[list[FileResult]]] = []

    def submit(end: int, most: int) -> None:
        """The first ``end`` tasks of the buffer as one chunk; the first chunk starts ``most`` workers."""
        nonlocal pool
        chunk = [(str(path), tfvars, as_module) for path, tfvars, as_module in buffer[:end]]
        del buffer[:end]
        if pool is not None:
            futures.append(pool.submit(_scan_chunk, chunk))
            return
        # The workers fork at the first submit. Frozen, the parent's objects are left alone by the workers'
        # cyclic collector, which would otherwise write to every one of them (and so copy their pages).
        gc.freeze()
        try:
            pool = ProcessPoolExecutor(max_workers=most, initializer=_init_worker, initargs=(settings, catalog, record))
            futures.append(pool.submit(_scan_chunk, chunk))
        finally:
            gc.unfreeze()

    try:
        size = check_at = FIRST_CHUNK
        for task in stream:
            buffer.append(task)
            if len(buffer) < check_at:
                continue
            waiting = sum(1 for future in futures[-2 * workers :] if not future.done())
            end = _cut(buffer, size)
            if waiting < 2 * workers and end < len(buffer):  # the chunk's last folder is complete
                submit(end, workers)
                size = min(2 * size, MAX_CHUNK)
            check_at = len(buffer) + FIRST_CHUNK
        cuts = [0]  # the rest, cut in shrinking chunks
        while cuts[-1] < len(buffer):
            left = len(buffer) - cuts[-1]
            cuts.append(_cut(buffer, max(1, min(MAX_CHUNK, -(-left // (workers * 4)))), cuts[-1]))
        for first, end in zip(cuts, cuts[1:]):
            submit(end - first, min(workers, len(cuts) - 1))
        for future in futures:  # submission order: deterministic output
            yield from future.result()
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
