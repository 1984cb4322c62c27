"""This working tree against another revision, on the corpus: CPU time of the same command, alternating runs.

A change that adds work to every file (EL2002 reads CloudFront distributions, versions and aliases in full) must
show what it costs. The other revision is exported with ``git archive`` into a temporary folder and run from
there (``PYTHONPATH``), so both sides use the same interpreter and installed hosts. CPU time is user + system of
the child (``resource.getrusage(RUSAGE_CHILDREN)``); the minimum of the alternating runs of each side is compared,
as in ``run_all.py``.

Usage: ``python benchmarks/bench_revision.py [--base REV] [--corpus DIR] [--pairs 5] [--checkov]``. ``--checkov``
adds Checkov with our checks on the corpus (about a minute per run). Offline; the date is pinned.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
AS_OF = "2026-11-23"
CLI = "import sys; from lambda_runtime_rules.cli import main; sys.exit(main(sys.argv[1:]))"


def export(revision: str, into: Path) -> Path:
    archive = into / "base.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), revision], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "base", filter="data")
    return into / "base"


def environment(source: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_")}
    env.update({"PYTHONPATH": str(source), "LAMBDA_RUNTIME_RULES_AS_OF": AS_OF, "BC_SKIP_MAPPING": "TRUE",
                "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false", "PYTHONDONTWRITEBYTECODE": "1"})
    return env


def cpu(command: list[str], env: dict[str, str], cwd: Path) -> float:
    """CPU of one run; each gets an empty result cache (a revision without the cache ignores the variable)."""
    with tempfile.TemporaryDirectory(prefix="lrr-cache-") as cache:
        env = {**env, "LAMBDA_RUNTIME_RULES_CACHE_DIR": cache}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def compare(name: str, command: list[str], base: Path, pairs: int, cwd: Path) -> str:
    runs: dict[str, list[float]] = {"base": [], "this": []}
    for _ in range(pairs):
        for side, source in (("base", base), ("this", ROOT)):
            own = [part.replace("{source}", str(source)) for part in command]
            runs[side].append(cpu(own, environment(source), cwd))
    old, new = min(runs["base"]), min(runs["this"])
    return f"| {name} | {old:.2f} s | {new:.2f} s | {(new / old - 1) * 100:+.1f}% |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="main")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--checkov", action="store_true")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"bench_revision: {args.corpus}: no corpus", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        base = export(args.base, Path(folder))
        rows = [f"| measure (CPU, min of {args.pairs} alternating runs) | {args.base} | this tree | change |",
                "|---|---|---|---|"]
        check = [sys.executable, "-c", CLI, "check", "--fail-on", "never", "--format", "json", str(args.corpus)]
        rows.append(compare("lambda-runtime-rules check, whole corpus", check, base, args.pairs, Path(folder)))
        if args.checkov:
            checkov = str(Path(sys.executable).with_name("checkov"))
            command = [checkov, "-d", str(args.corpus), "--skip-download", "--quiet", "--compact", "--framework",
                       "cloudformation", "terraform", "serverless", "--external-checks-dir",
                       "{source}/lambda_runtime_rules/checkov_checks", "--check", "CKV_LRR_*"]
            rows.append(compare("Checkov, our checks only, whole corpus", command, base, args.pairs, Path(folder)))
        print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
