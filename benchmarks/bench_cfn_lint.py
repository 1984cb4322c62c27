"""cfn-lint with and without the pack over the corpus's CloudFormation/SAM/CDK files, in one run.

Both variants run the real ``cfn-lint`` executable on the same file list, alternating (without, with, without,
with, ...) so drift in machine load hits both alike; the best run of each is compared. Goal: the pack adds at
most 3% of wall time.

    python benchmarks/bench_cfn_lint.py [--corpus ../shared/corpus] [--rounds 2]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

KINDS = {"cfn-yaml", "cfn-json", "sam", "cdk"}
PACK = "lambda_runtime_rules.cfn_lint"


def corpus_files(corpus: Path) -> list[str]:
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        return [
            str(corpus / row["local_path"]) for row in csv.DictReader(handle, delimiter="\t") if row["kind"] in KINDS
        ]


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start, proc.returncode


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=root.parent / "shared" / "corpus")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each variant (alternating)")
    args = parser.parse_args(argv)
    files = corpus_files(args.corpus)
    cfn_lint = str(Path(sys.executable).parent / ("cfn-lint.exe" if os.name == "nt" else "cfn-lint"))
    env = dict(os.environ, LAMBDA_RUNTIME_RULES_AS_OF="2026-11-23")
    variants = {
        "cfn-lint": [cfn_lint, "--", *files],
        "cfn-lint + pack": [cfn_lint, f"--append-rules={PACK}", "--", *files],
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, command in variants.items():
            seconds, code = timed(command, args.corpus, env)
            if code in (-9, 127) or code >= 32:  # killed, not found, or a cfn-lint usage/crash code
                print(f"{name}: exit code {code}", file=sys.stderr)
                return 2
            times[name].append(seconds)
    base, pack = min(times["cfn-lint"]), min(times["cfn-lint + pack"])
    print(
        f"files: {len(files)} CloudFormation/SAM/CDK templates; rounds: {args.rounds}; "
        f"python {platform.python_version()} on {platform.machine()} ({os.cpu_count()} CPUs)"
    )
    for name, values in times.items():
        print(f"{name:16} best {min(values):7.2f} s   runs: {', '.join(f'{v:.2f}' for v in values)}")
    print(f"overhead: {pack - base:+.2f} s = {100 * (pack / base - 1):+.1f}% (goal <= 3%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
