"""The cost of reading CDK app source: ``check --jobs 2`` on a generated app of 1,000 source files (goal: under 1 s).

The app is what a monorepo looks like: one stack file in ten defines Lambda constructs (the six fixture files of
``fixtures/sources/cdk``, one per language, copied round-robin), the rest are handlers and libraries in the same
languages that never mention the CDK's Lambda module, so the byte pre-filter skips them unparsed. Also printed:
the same app with every file a stack (the parsers' worst case) and an empty folder (interpreter start).

Usage: ``python benchmarks/bench_cdk.py [--count 1000] [--stacks 0.1] [--repeat 5]``. Writes only to a
temporary folder; no network; the date is pinned.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "sources" / "cdk"
AS_OF = "2026-11-23"
HANDLERS = {
    ".ts": "export const handler = async (event: unknown) => ({ statusCode: 200, body: JSON.stringify(event) });\n",
    ".js": "exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event) });\n",
    ".py": "import json\n\n\ndef handler(event, context):\n    return {'statusCode': 200, 'body': json.dumps(event)}\n",
    ".java": "package com.example;\n\npublic class Handler {\n    public String handle(String in) { return in; }\n}\n",
    ".cs": "namespace App { public class Handler { public string Handle(string input) => input; } }\n",
    ".go": 'package main\n\nfunc handler(event map[string]string) (string, error) { return event["a"], nil }\n',
}


def console_script() -> str:
    for name in ("lambda-runtime-rules", "lambda-runtime-rules.exe"):
        candidate = Path(sys.executable).parent / name
        if candidate.is_file():
            return str(candidate)
    raise SystemExit("lambda-runtime-rules is not installed in this interpreter's environment")


def generate(folder: Path, count: int, stacks: float) -> int:
    """Write ``count`` source files; every ``1/stacks``-th is a CDK stack. Returns the number of stacks."""
    stack_files = sorted(p for p in FIXTURES.rglob("*") if p.is_file())
    suffixes = sorted(HANDLERS)
    every = max(1, round(1 / stacks)) if stacks > 0 else 0
    written = 0
    for index in range(count):
        sub = folder / f"service{index // 50:03d}"
        sub.mkdir(exist_ok=True)
        if every and index % every == 0:
            source = stack_files[written % len(stack_files)]
            (sub / f"stack{index}{source.suffix}").write_bytes(source.read_bytes())
            written += 1
        else:
            suffix = suffixes[index % len(suffixes)]
            (sub / f"handler{index}{suffix}").write_text(HANDLERS[suffix], encoding="utf-8")
    return written


def timed(command: list[str], repeat: int) -> float:
    """Best wall time after one warm-up run. Bytecode caching is allowed (an installed package has its .pyc
    files): with PYTHONDONTWRITEBYTECODE set, every run would compile every module first."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--stacks", type=float, default=0.1)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    script = console_script()
    base = [script, "check", "--no-cache", "--as-of", AS_OF, "--jobs", "2", "--fail-on", "never"]
    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        empty = Path(temporary, "empty")
        empty.mkdir()
        rows.append(("empty folder (start-up)", 0, timed([*base, str(empty)], args.repeat)))
        for label, share in (("app", args.stacks), ("every file a stack", 1.0)):
            folder = Path(temporary, label.replace(" ", "_"))
            folder.mkdir()
            stacks = generate(folder, args.count, share)
            rows.append((f"{label}: {args.count} files", stacks, timed([*base, str(folder)], args.repeat)))
    print(f"{'case':<40} {'stacks':>7} {'best of ' + str(args.repeat):>12}")
    for label, stacks, seconds in rows:
        print(f"{label:<40} {stacks:>7} {seconds * 1000:>10.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
