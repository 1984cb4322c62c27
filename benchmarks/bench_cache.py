"""The result cache: the corpus checked a second time, against the first time (issue 13 item 5).

Alternating runs of ``lambda-runtime-rules check`` on ``../shared/corpus`` in fresh processes, each pair with a
new, empty cache folder: the cold run fills it, the warm run reads it. CPU time (user + system) of the child,
the minimum over the pairs; wall time is noise on a shared 2-core machine. Also, in this process, the check
phase alone (``check_files``: no interpreter start, imports, settings or output) cold and warm, and the floor
the warm run cannot beat: reading and hashing every candidate file once.

Usage: ``python benchmarks/bench_cache.py [--corpus DIR] [--pairs 5] [--jobs 1]``. Offline, the date pinned.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import contextlib

from bench_cdk import AS_OF, ROOT, console_script

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def cpu_of(command: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def in_process(corpus: Path, pairs: int) -> tuple[float, float, float, int]:
    """(cold, warm, hash floor) CPU seconds of the check phase in this process, minimum of ``pairs``; files."""
    from lambda_runtime_rules import files
    from lambda_runtime_rules.cache import ResultCache
    from lambda_runtime_rules.catalog import default_catalog
    from lambda_runtime_rules.commands.check import check_files
    from lambda_runtime_rules.scan import iter_files
    from lambda_runtime_rules.settings import Settings
    from lambda_runtime_rules.sources import terraform

    settings, catalog = Settings(as_of=dt.date.fromisoformat(AS_OF)), default_catalog()
    paths = iter_files([str(corpus)])
    cold, warm, floor = [], [], []
    for _ in range(pairs):
        with tempfile.TemporaryDirectory() as folder:
            terraform.clear_cache()
            start = time.process_time()
            check_files(paths, settings, catalog, cache=ResultCache.open(folder, settings, catalog))
            cold.append(time.process_time() - start)
            start = time.process_time()
            check_files(paths, settings, catalog, cache=ResultCache.open(folder, settings, catalog))
            warm.append(time.process_time() - start)
        start = time.process_time()
        for path in paths:
            with contextlib.suppress(files.FileProblem):
                files.digest(files.read_bytes(path))
        floor.append(time.process_time() - start)
    return min(cold), min(warm), min(floor), len(paths)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--jobs", default="1")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"bench_cache: {args.corpus}: no corpus", file=sys.stderr)
        return 2
    base = [console_script(), "check", "--as-of", AS_OF, "--fail-on", "never", "--format", "json", "--jobs", args.jobs]
    cold, warm, uncached = [], [], []
    for _ in range(args.pairs):
        with tempfile.TemporaryDirectory() as folder:
            command = [*base, "--cache-dir", folder, str(args.corpus)]
            cold.append(cpu_of(command))
            warm.append(cpu_of(command))
        uncached.append(cpu_of([*base, "--no-cache", str(args.corpus)]))
    interpreter = min(cpu_of([sys.executable, "-c", "pass"]) for _ in range(args.pairs))
    phase_cold, phase_warm, floor, count = in_process(args.corpus, args.pairs)
    print(f"corpus: {count} candidate files, --jobs {args.jobs}, CPU seconds, min of {args.pairs}")
    print("| measure | cold | warm | ratio |\n|---|---|---|---|")
    print(f"| fresh process, whole run | {min(cold):.3f} | {min(warm):.3f} | {min(cold) / min(warm):.1f}x |")
    print(f"| check phase in one process | {phase_cold:.3f} | {phase_warm:.3f} | {phase_cold / phase_warm:.1f}x |")
    print(f"--no-cache run {min(uncached):.3f} s (the cold run's cost of filling the cache: "
          f"{(min(cold) / min(uncached) - 1) * 100:+.1f} %); interpreter alone {interpreter:.3f} s; "
          f"reading and hashing every file {floor:.3f} s (the warm check phase is {phase_warm / floor:.1f}x that)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
