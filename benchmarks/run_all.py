"""Every benchmark of the corpus issue in one run, printed as one markdown table with the date and machine.

Measures, on ``../shared/corpus``:

1. cfn-lint on the CloudFormation/SAM/CDK files, without and with the pack (console script, all built-ins);
2. Checkov on the whole corpus (cloudformation, terraform, serverless), without and with our checks;
3. ``lambda-runtime-rules check`` on the same CloudFormation files, against cfn-lint + pack;
4. the check in one process against a bare parse of the same YAML/JSON files (libyaml CSafeLoader with a
   generic tag handler, and json);
5. the check of one template in a fresh process (the pre-commit path);
6. ``check --jobs 2`` on 10,000 generated templates.

Usage: ``python benchmarks/run_all.py [--corpus DIR] [--count 10000] [--repeat 5] [--skip-checkov]``. Offline
(Checkov gets ``--skip-download``); the date is pinned so verdicts do not drift. Takes about 5 minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_cli

ROOT = Path(__file__).resolve().parents[1]
CHECKS_DIR = ROOT / "lambda_runtime_rules" / "checkov_checks"
AS_OF = bench_cli.AS_OF
PARSED_KINDS = {"sam", "cfn-yaml", "cfn-json", "cdk", "serverless"}


def tool(name: str) -> str:
    script = Path(sys.executable).with_name(name)
    return str(script) if script.is_file() else name


def offline_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_")}
    env.update({"BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
                "LAMBDA_RUNTIME_RULES_AS_OF": AS_OF})
    return env


def run_once(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=offline_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    return time.perf_counter() - start


def manifest_files(corpus: Path, kinds: set[str]) -> list[Path]:
    files = []
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8") as manifest:
        next(manifest)
        for line in manifest:
            fields = line.rstrip("\n").split("\t")
            if len(fields) > 4 and fields[4] in kinds:
                files.append(corpus / fields[0])
    return files


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=bench_cli.DEFAULT_CORPUS)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-checkov", action="store_true", help="Checkov takes minutes; leave it out")
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    if not (corpus / "MANIFEST.tsv").is_file():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2
    script = bench_cli.console_script()
    rows: list[tuple[str, str, str]] = []  # (measure, result, comparison)

    with tempfile.TemporaryDirectory(prefix="lrr-bench-") as tmp:
        work = Path(tmp)
        cfn_files = [str(p) for p in manifest_files(corpus, bench_cli.CFN_KINDS)]

        # 1 + 3: cfn-lint with / without the pack, and our CLI on the same files (one warm-up run first).
        cfn_lint = [tool("cfn-lint"), "--regions", "us-east-1"]
        pack = ["--append-rules=lambda_runtime_rules.cfn_lint", "--configure-rule", f"EL1001:as_of={AS_OF}"]
        run_once([*cfn_lint, "--", cfn_files[0]], work)
        bare = run_once([*cfn_lint, "--", *cfn_files], work)
        with_pack = run_once([*cfn_lint, *pack, "--", *cfn_files], work)
        rows.append((f"cfn-lint, {len(cfn_files)} CFN/SAM/CDK files, built-ins only", ms(bare), "reference"))
        overhead = f"+{(with_pack / bare - 1) * 100:.1f}% for the pack"
        rows.append(("cfn-lint + pack, same files", ms(with_pack), overhead))
        ours = min(run_once([script, "check", *cfn_files, "--as-of", AS_OF, "--fail-on", "never"], work)
                   for _ in range(max(1, args.repeat // 2)))
        rows.append(("lambda-runtime-rules check, same files (console script)", ms(ours),
                     f"{with_pack / ours:.0f}x faster than cfn-lint + pack"))

        # 2: Checkov with / without our checks.
        if args.skip_checkov:
            rows.append(("Checkov", "skipped", "--skip-checkov"))
        else:
            checkov = [tool("checkov"), "-d", ".", "--framework", "cloudformation", "terraform", "serverless",
                       "--skip-download", "--quiet", "--compact", "-o", "json"]
            plain = run_once(checkov, corpus)
            extended = run_once([*checkov, "--external-checks-dir", str(CHECKS_DIR)], corpus)
            rows.append(("Checkov, whole corpus, built-in checks", ms(plain), "reference"))
            rows.append(("Checkov + lambda-runtime-rules checks", ms(extended),
                         f"+{(extended / plain - 1) * 100:.1f}% for our checks"))

        # 4: in-process check against a bare libyaml/json parse of the same YAML/JSON files.
        parsed = manifest_files(corpus, PARSED_KINDS)
        base = min(bench_cli.timed(lambda: bench_cli.bare_parse(parsed), args.repeat))
        check = bench_cli.in_process_check(parsed)
        check()  # warm imports and the catalog, as the bare parse has yaml/json warm
        inproc = min(bench_cli.timed(check, args.repeat))
        rows.append((f"bare parse, {len(parsed)} YAML/JSON files (CSafeLoader + json)", ms(base), "reference"))
        ratio = f"{inproc / base:.2f}x the bare parse (goal <= 1.5x)"
        rows.append(("check in one process, same files", ms(inproc), ratio))

        # 5: one template, fresh process (what a pre-commit hook pays per run).
        interpreter = statistics.median(bench_cli.wall([sys.executable, "-c", "pass"], args.repeat))
        single = bench_cli.wall([script, "check", str(bench_cli.ONE_TEMPLATE), "--as-of", AS_OF], args.repeat)
        rows.append(("one template, fresh process (pre-commit path)", ms(statistics.median(single)),
                     f"median of {args.repeat}; interpreter alone {ms(interpreter)}; goal < 200 ms"))

        # 6: a generated tree, two workers.
        tree = work / "tree"
        tree.mkdir()
        bench_cli.generate(tree, args.count)
        jobs2 = run_once([script, "check", str(tree), "--as-of", AS_OF, "--jobs", "2", "--fail-on", "never"], work)
        rows.append((f"{args.count:,} generated templates, --jobs 2", ms(jobs2), "goal < 10 s"))

    print(f"Benchmarks, {dt.date.today().isoformat()} — {platform.platform()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()} ({platform.python_implementation()})\n")
    print("| measure | result | comparison |")
    print("|---|---|---|")
    for measure, result, comparison in rows:
        print(f"| {measure} | {result} | {comparison} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
