"""Checkov's wall time on the shared corpus with and without the lambda-runtime-rules checks (one run each).

    python benchmarks/bench_checkov.py [CORPUS_DIR]

Goal: the external checks add at most 3% to Checkov's wall time. Both runs use every built-in check, the
same frameworks, ``--skip-download`` and no network; the order is "without" first so that a cold file
cache penalises the baseline, not us.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
FRAMEWORKS = ["terraform", "cloudformation", "serverless"]
GOAL = 0.03


def checkov_command() -> list[str]:
    script = Path(sys.executable).with_name("checkov")
    if script.is_file():
        return [str(script)]
    found = shutil.which("checkov")
    if found is None:
        raise SystemExit("checkov is not installed in this environment")
    return [found]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false", "LOG_LEVEL": "ERROR"})
    return env


def timed_run(corpus: Path, external: str | None) -> float:
    command = [*checkov_command(), "-d", str(corpus), "--framework", *FRAMEWORKS, "--skip-download",
               "-o", "json", "--compact", "--quiet", "--soft-fail"]
    if external is not None:
        command += ["--external-checks-dir", external]
    start = time.perf_counter()
    completed = subprocess.run(command, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, check=False)
    elapsed = time.perf_counter() - start
    if completed.returncode not in (0, 1) or "Traceback" in completed.stderr:
        raise SystemExit(f"checkov failed (exit {completed.returncode}):\n{completed.stderr[-2000:]}")
    return elapsed


def main(argv: list[str]) -> int:
    corpus = Path(argv[0]) if argv else DEFAULT_CORPUS
    if not corpus.is_dir():
        print(f"corpus not found at {corpus}", file=sys.stderr)
        return 2
    from lambda_runtime_rules import checkov_checks

    external = str(Path(checkov_checks.__file__).resolve().parent)
    without = timed_run(corpus, None)
    with_checks = timed_run(corpus, external)
    overhead = (with_checks - without) / without
    print(f"corpus: {corpus} ({sum(1 for p in corpus.rglob('*') if p.is_file())} files)")
    print(f"checkov without lambda-runtime-rules: {without:8.2f} s")
    print(f"checkov with lambda-runtime-rules:    {with_checks:8.2f} s")
    print(f"overhead: {overhead:+.1%} (goal <= {GOAL:.0%}; one run each, so a few % is noise)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
