"""``check [PATH ...]``: the pre-commit hook's command. Scan files, print findings, exit 0 / 1 / 2.

Exit codes follow the pre-commit contract: 0 when nothing reaches ``--fail-on``, 1 when something does, 2 for
usage errors and for files that cannot be read or parsed. An unreadable file costs one ``path: problem`` line
on stderr; every other file is still checked and reported, so one broken file never hides the rest.

Speed matters here (the hook runs on every commit), so nothing is imported before it is needed: a process
pool only with ``--jobs``, the Terraform parser only for ``.tf`` files, SARIF's URL helpers only for SARIF.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..catalog import Catalog
from ..gcpause import gc_paused
from ..model import Finding
from ..output import one_line, render, use_color
from ..scan import FileResult, is_terraform, iter_files, judged_through_functions, module_folders, scan_file
from ..settings import Settings
from .common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    context,
    fail,
    stale_catalog_warning,
)

MAX_CHUNK = 256
"""Files per pool task: large enough to amortise inter-process traffic, small enough to balance the load."""

VarFiles = tuple[str, ...]


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
    results = check_files(iter_files(list(args.paths)), settings, catalog, jobs=args.jobs, var_files=var_files)
    built = frozenset().union(*(r.builds for r in results))
    results = [r for r in results if not judged_through_functions(r.path, r.kind, built)]
    findings = sorted((f for r in results for f in r.findings), key=lambda f: f.sort_key)
    errors = [(r.path, r.error) for r in results if r.error]
    for _, problem in errors:
        print(one_line(problem), file=sys.stderr)

    reviewed, as_of = catalog.reviewed, settings.as_of  # SARIF records the catalog's age at as_of
    if args.output:
        color = args.color == "always"
        report = render(args.format, findings, errors, color=color, catalog_reviewed=reviewed, as_of=as_of)
        try:
            Path(args.output).write_text(report, encoding="utf-8")
        except OSError as exc:
            return fail(f"{args.output}: cannot write: {exc.strerror or exc}")
    else:
        color = use_color(sys.stdout, args.color)
        sys.stdout.write(render(args.format, findings, errors, color=color, catalog_reviewed=reviewed, as_of=as_of))
        sys.stdout.flush()
    return exit_code(findings, bool(errors), args.fail_on)


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
    files: Sequence[Path], settings: Settings, catalog: Catalog, jobs: int = 1, var_files: Sequence[str] = ()
) -> list[FileResult]:
    """One result per file, in the order given, whatever ``jobs`` is (0 means one worker per CPU).

    ``var_files``: Terraform ``-var-file`` files, applied to every Terraform folder after its own tfvars.
    """
    modules = module_folders(files)
    tasks = [(path, tuple(var_files) if is_terraform(path) else (), str(path.parent) in modules) for path in files]
    workers = (os.cpu_count() or 1) if jobs == 0 else jobs
    if workers <= 1 or len(tasks) <= 1:
        return [_scan_one(path, tfvars, as_module, settings, catalog) for path, tfvars, as_module in tasks]
    return _scan_parallel(tasks, settings, catalog, workers)


def _scan_one(path: Path, tfvars: VarFiles, as_module: bool, settings: Settings, catalog: Catalog) -> FileResult:
    # The cyclic GC pauses while one file is parsed and judged (see gcpause): a third of the corpus time else.
    try:
        with gc_paused():
            return scan_file(path, settings, catalog, var_files=tfvars, as_module=as_module)
    except Exception as exc:  # a bug must not hide the other files' findings, nor print a traceback to a hook
        return FileResult(str(path), error=f"{path}: internal error, please report: {type(exc).__name__}: {exc}")


_WORKER: dict[str, object] = {}


def _init_worker(settings: Settings, catalog: Catalog) -> None:
    """The parent's validated catalog travels to each worker once, so no worker loads or validates it again."""
    _WORKER["settings"] = settings
    _WORKER["catalog"] = catalog


def _scan_chunk(chunk: list[tuple[Path, VarFiles, bool]]) -> list[FileResult]:
    settings, catalog = _WORKER["settings"], _WORKER["catalog"]
    assert isinstance(settings, Settings) and isinstance(catalog, Catalog)
    results = []
    for path, tfvars, as_module in chunk:
        result = _scan_one(path, tfvars, as_module, settings, catalog)
        result.subjects = []  # the parent needs only findings and errors: keep the pickles small
        results.append(result)
    return results


def _scan_parallel(
    tasks: list[tuple[Path, VarFiles, bool]], settings: Settings, catalog: Catalog, workers: int
) -> list[FileResult]:
    from concurrent.futures import ProcessPoolExecutor

    size = max(1, min(MAX_CHUNK, -(-len(tasks) // (workers * 4))))
    chunks = [tasks[start : start + size] for start in range(0, len(tasks), size)]
    workers = min(workers, len(chunks))
    results: list[FileResult] = []
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(settings, catalog)) as pool:
        for part in pool.map(_scan_chunk, chunks):  # map keeps submission order: deterministic output
            results.extend(part)
    return results
