"""How much of a cfn-lint or Checkov run is spent in this package's code, measured inside the host process.

Comparing two wall times (host alone, host + pack) on a shared machine is noisy: identical runs differ by
10-20 %, more than the few percent being measured (see run_all.py, which still does that, alternating). This
script runs each host once, in this process, with a timer around every entry into our code, and reports the
share of the run spent there. What it cannot see is the host's own per-rule bookkeeping for our rules (cfn-lint
calls every rule once per resource; Checkov builds a record per result), which run_all.py's comparison covers.

    python benchmarks/bench_host_share.py [CORPUS_DIR]

Checkov runs with CHECKOV_PARALLELIZATION_TYPE=none so that every check runs in this process.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus"
CFN_KINDS = {"sam", "cfn-yaml", "cfn-json", "cdk"}


def timed(owner: Any, name: str, spent: list[float]) -> None:
    """Wrap ``owner.name`` so that the outermost call's duration is added to ``spent``."""
    original: Callable[..., Any] = getattr(owner, name)
    depth = [0]

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        depth[0] += 1
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                spent[0] += time.perf_counter() - start

    setattr(owner, name, wrapper)


def cfn_files() -> list[str]:
    rows = (line.rstrip("\n").split("\t") for line in (CORPUS / "MANIFEST.tsv").open(encoding="utf-8"))
    next(rows)
    return [str(CORPUS / row[0]) for row in rows if len(row) > 4 and row[4] in CFN_KINDS]


def cfn_lint_share() -> tuple[float, float]:
    from cfnlint.runner import main

    from lambda_runtime_rules.cfn_lint import rule

    spent = [0.0]
    timed(rule.PackRule, "match", spent)  # the generated rule classes inherit both
    timed(rule.PackRule, "initialize", spent)
    argv = ["cfn-lint", "--append-rules=lambda_runtime_rules.cfn_lint", "--format", "parseable", "--", *cfn_files()]
    start = time.perf_counter()
    old_argv, sys.argv = sys.argv, argv
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
            main()
    finally:
        sys.argv = old_argv
    return spent[0], time.perf_counter() - start


def checkov_share() -> tuple[float, float]:
    os.environ["CHECKOV_PARALLELIZATION_TYPE"] = "none"
    os.environ.setdefault("BC_SKIP_MAPPING", "TRUE")
    from checkov.main import Checkov

    from lambda_runtime_rules import checkov_adapter

    spent = [0.0]
    timed(checkov_adapter._LrrCheck, "run", spent)
    checks = ROOT / "lambda_runtime_rules" / "checkov_checks"
    argv = ["-d", str(CORPUS), "--framework", "terraform", "cloudformation", "serverless", "--skip-download",
            "-o", "json", "--quiet", "--external-checks-dir", str(checks)]
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        Checkov(argv=argv).run()
    return spent[0], time.perf_counter() - start


def main() -> int:
    os.environ.setdefault("LAMBDA_RUNTIME_RULES_AS_OF", "2026-11-23")
    print("| host | our code | whole run | share |\n|---|---|---|---|")
    for host, measure in (("cfn-lint + pack (396 CFN/SAM/CDK files)", cfn_lint_share),
                          ("Checkov + our checks (whole corpus)", checkov_share)):
        ours, total = measure()
        print(f"| {host} | {ours:.2f} s | {total:.1f} s | {ours / total * 100:.1f}% |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
