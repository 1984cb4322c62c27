"""What one pre-commit run pays: a fresh ``lambda-runtime-rules check`` of one template (YAML and JSON).

Goal: under 80 ms wall in a fresh process on a quiet machine. The machine this runs on is shared, so wall time
alone moves with its neighbours; CPU time (user + system of the child, from ``resource.getrusage`` with
``RUSAGE_CHILDREN``) moves much less, and both are printed. The commands alternate within each round (a busy
moment slows all of them alike) and each is reported as the minimum and the median of the rounds, beside the
interpreter's own start (``python -c pass``, and ``python -S -c pass`` without ``site``, which is where an
editable install's import hook is paid).

Bytecode is warmed first and may be written (``PYTHONDONTWRITEBYTECODE`` is dropped for the children), as an
installed wheel has its bytecode compiled by pip. ``--script`` measures another install of the console script
(a wheel installed into a separate venv, which is what users get); its interpreter is the one beside it.

Usage: ``python benchmarks/bench_startup.py [--runs 21] [--script PATH]``. No network; the date is pinned.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
YAML_TEMPLATE = ROOT / "fixtures" / "cli" / "project" / "sam" / "template.yaml"
JSON_TEMPLATE = ROOT / "fixtures" / "cli" / "project" / "cfn" / "stack.json"
AS_OF = "2026-11-23"
GOAL_MS = 80.0


@dataclass
class Samples:
    """Wall and CPU seconds of each run of one command."""

    label: str
    command: list[str]
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run; RUSAGE_CHILDREN counts only children already waited for, so the
    difference across one ``subprocess.run`` is that child's own CPU."""
    cpu0, wall0 = _children_cpu(), time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False, cwd=ROOT)
    return time.perf_counter() - wall0, _children_cpu() - cpu0


def console_script(python: str) -> str:
    for name in ("lambda-runtime-rules", "lambda-runtime-rules.exe"):
        candidate = Path(python).parent / name
        if candidate.is_file():
            return str(candidate)
    raise SystemExit(f"lambda-runtime-rules is not installed next to {python}")


def _interpreter_of(script: str) -> str:
    """The interpreter a console script runs (its shebang), for the baselines of the same install."""
    with open(script, encoding="utf-8", errors="replace") as handle:
        first = handle.readline()
    return first[2:].strip() if first.startswith("#!") else sys.executable


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="rounds; each command runs once per round")
    parser.add_argument("--script", help="the console script to measure (default: the one beside this python)")
    args = parser.parse_args(argv)
    script = args.script or console_script(sys.executable)
    python = _interpreter_of(script)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    check = [script, "check", "--no-cache", "--as-of", AS_OF]
    commands = [
        Samples("python -S -c pass", [python, "-S", "-c", "pass"]),
        Samples("python -c pass", [python, "-c", "pass"]),
        Samples("check one SAM template (YAML)", [*check, str(YAML_TEMPLATE)]),
        Samples("check one CloudFormation template (JSON)", [*check, str(JSON_TEMPLATE)]),
    ]
    for samples in commands:  # warm the bytecode and the page cache; not counted
        run_once(samples.command, env)
        run_once(samples.command, env)
    for round_ in range(args.runs):
        order = commands if round_ % 2 == 0 else commands[::-1]
        for samples in order:
            wall, cpu = run_once(samples.command, env)
            samples.wall.append(wall)
            samples.cpu.append(cpu)

    print(f"{script}: {args.runs} alternating rounds, milliseconds (goal: one template < {GOAL_MS:.0f} ms wall)")
    width = max(len(s.label) for s in commands)
    print(f"{'command':<{width}}  {'wall min':>8}  {'wall med':>8}  {'CPU min':>8}  {'CPU med':>8}")
    for s in commands:
        print(
            f"{s.label:<{width}}  {ms(min(s.wall)):>8}  {ms(statistics.median(s.wall)):>8}"
            f"  {ms(min(s.cpu)):>8}  {ms(statistics.median(s.cpu)):>8}"
        )
    checks = commands[2:]
    met = all(min(s.wall) * 1000 < GOAL_MS for s in checks)
    base = min(commands[1].wall)
    ours = ", ".join(f"{ms(min(s.wall) - base)} ms" for s in checks)
    print(f"above the interpreter (min wall): {ours}; goal {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
