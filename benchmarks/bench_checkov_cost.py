"""What our checks cost inside Checkov: CPU time and peak memory of Checkov alone and Checkov + our checks.

Issue 13 goal 1: Checkov + our checks within 1.03x the CPU time and +25 MiB the peak memory of Checkov alone, on
``../shared/corpus``. Both sides run ``checkov -d CORPUS --framework terraform cloudformation serverless
--skip-download`` (the same frameworks, so both parse the same files; never the network), one side with
``--external-checks-dir`` set to the folder ``lambda-runtime-rules checkov-dir`` prints. The runs alternate
(without, with), so a change in the machine's load touches both sides alike.

CPU time is user + system of the waited child and every process it waited for (Checkov's forked framework
workers), from ``os.wait4``; peak memory is that rusage's ``ru_maxrss``: the largest single process of the tree.
The machine is shared, so wall time is not measured. Printed: each run, then per side the minimum and median of
N runs and the ratios with against without (minimum to minimum, median to median, and the median of the
per-pair ratios).

Usage: ``python benchmarks/bench_checkov_cost.py [--pairs 3] [--corpus DIR] [--subset N] [--no-log-stream]``:
``--subset N`` scans a temporary copy of the first N corpus files (by manifest order) for a quick look;
``--no-log-stream`` (a diagnostic, not the goal's measure) runs both sides with Checkov's in-memory DEBUG log stream
detached. Checkov keeps every DEBUG line of a run in a ``StringIO`` whatever ``LOG_LEVEL`` says, and each framework
worker pickles its stream to the parent, which holds it as 4 bytes per character and needs about 10 while
unpickling; so every call of a check costs memory through Checkov's own DEBUG lines (the filter decision, "Running
check", the secrets mask). With the stream detached, what remains is the memory of our own work.
Offline; the date is pinned.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cdk import AS_OF, ROOT, console_script  # the same pinned date and console script as every benchmark

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
FRAMEWORKS = ("terraform", "cloudformation", "serverless")
CPU_GOAL = 1.03
MEMORY_GOAL_MIB = 25.0


@dataclass(frozen=True)
class Run:
    cpu: float  # seconds, user + system
    peak_mib: float  # largest single process of the tree


def checks_dir() -> str:
    """The folder as users get it: from the console script."""
    out = subprocess.run([console_script(), "checkov-dir"], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_")}
    env.update({"BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false", "LOG_LEVEL": "ERROR",
                "LAMBDA_RUNTIME_RULES_AS_OF": AS_OF})
    return env


# Checkov's CLI with the StringIO handler that keeps every DEBUG line taken off the root logger (--no-log-stream).
WITHOUT_LOG_STREAM = (
    "import logging, sys\n"
    "import checkov.logging_init as init\n"
    "root = logging.getLogger()\n"
    "for handler in [h for h in root.handlers if getattr(h, 'stream', None) is init.log_stream]:\n"
    "    root.removeHandler(handler)\n"
    "from checkov.main import Checkov\n"
    "sys.exit(Checkov().run())\n"
)


def command(corpus: Path, external: str | None, log_stream: bool = True) -> list[str]:
    checkov = Path(sys.executable).with_name("checkov")
    found = str(checkov) if checkov.is_file() else shutil.which("checkov")
    if found is None:
        raise SystemExit("checkov is not installed in this environment")
    program = [found] if log_stream else [sys.executable, "-c", WITHOUT_LOG_STREAM]
    args = [*program, "-d", str(corpus), "--framework", *FRAMEWORKS, "--skip-download", "-o", "json", "--compact",
            "--quiet", "--soft-fail"]
    return [*args, "--external-checks-dir", external] if external else args


def measured(args: list[str], cwd: Path) -> Run:
    """One run: the child's own rusage from ``wait4`` (it includes the workers it waited for)."""
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(args, cwd=cwd, env=environment(), stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if process.returncode not in (0, 1) or "Traceback" in stderr:
        raise SystemExit(f"checkov failed (exit {process.returncode}):\n{stderr[-2000:]}")
    return Run(usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)  # Linux: ru_maxrss in KiB


def subset(corpus: Path, count: int, into: Path) -> Path:
    """A copy of the first ``count`` manifest files, at the same relative paths."""
    rows = (line.rstrip("\n").split("\t") for line in (corpus / "MANIFEST.tsv").open(encoding="utf-8"))
    next(rows)
    for row in list(rows)[:count]:
        source = corpus / row[0]
        target = into / row[0]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return into


def summary(name: str, runs: list[Run]) -> str:
    cpus = [r.cpu for r in runs]
    peaks = [r.peak_mib for r in runs]
    return (f"{name}: CPU min {min(cpus):7.2f} s, median {statistics.median(cpus):7.2f} s; "
            f"peak RSS min {min(peaks):6.1f} MiB, median {statistics.median(peaks):6.1f} MiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--subset", type=int, default=0, help="scan a copy of the first N manifest files")
    parser.add_argument("--no-log-stream", action="store_true", help="detach Checkov's DEBUG log (diagnostic)")
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    if not (corpus / "MANIFEST.tsv").is_file():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2
    external = checks_dir()
    with tempfile.TemporaryDirectory(prefix="lrr-ckv-") as tmp:
        work = Path(tmp)
        target = subset(corpus, args.subset, work / "corpus") if args.subset else corpus
        log_stream = not args.no_log_stream
        measured(command(target, external, log_stream), work)  # warm-up: file cache, bytecode of both packages
        runs: dict[bool, list[Run]] = {False: [], True: []}
        for pair in range(args.pairs):
            for ours in (False, True):
                run = measured(command(target, external if ours else None, log_stream), work)
                runs[ours].append(run)
                side = "with   " if ours else "without"
                print(f"pair {pair + 1} {side}: CPU {run.cpu:7.2f} s, peak RSS {run.peak_mib:6.1f} MiB", flush=True)
    without, with_ours = runs[False], runs[True]
    print(f"\ncorpus: {target if not args.subset else f'{corpus} (first {args.subset} files)'}; "
          f"frameworks: {' '.join(FRAMEWORKS)}; {args.pairs} alternating pairs"
          f"{'; Checkov log stream detached (diagnostic)' if args.no_log_stream else ''}")
    print(summary("checkov alone      ", without))
    print(summary("checkov + our checks", with_ours))
    cpu_min = min(r.cpu for r in with_ours) / min(r.cpu for r in without)
    cpu_median = statistics.median(r.cpu for r in with_ours) / statistics.median(r.cpu for r in without)
    cpu_pairs = statistics.median(w.cpu / b.cpu for b, w in zip(without, with_ours))
    mem_min = min(r.peak_mib for r in with_ours) - min(r.peak_mib for r in without)
    mem_median = statistics.median(r.peak_mib for r in with_ours) - statistics.median(r.peak_mib for r in without)
    mem_pairs = [w.peak_mib - b.peak_mib for b, w in zip(without, with_ours)]
    print(f"CPU ratio: {cpu_min:.3f}x (min/min), {cpu_median:.3f}x (median/median), "
          f"{cpu_pairs:.3f}x (median of pairs); goal <= {CPU_GOAL}x")
    print(f"peak memory: {mem_min:+.1f} MiB (min/min), {mem_median:+.1f} MiB (median/median), per pair "
          f"{', '.join(f'{d:+.1f}' for d in mem_pairs)} MiB; goal <= +{MEMORY_GOAL_MIB:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
