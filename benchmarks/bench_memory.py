"""Peak memory of ``check``: independent of the number of files, and of a huge template within 10x its size.

Issue 13 item 3. Two shapes, generated in a temporary folder (the date is pinned, no network):

- ``--files N`` (default 100,000) small CloudFormation templates of one function each, one in ten on a runtime
  that is deprecated at the pinned date (a finding each), the rest on a supported one; checked with ``--jobs 1``
  and ``--jobs 2``. Goal: peak RSS under 150 MB, and about the same for 1,000 files as for 100,000.
- one template with ``--functions N`` (default 20,000) functions, every tenth deprecated. Goal: the run's peak RSS
  above an empty run's within 10x the file's size.

Peak RSS is sampled from ``/proc`` every 10 ms for the whole process tree (parent plus workers, summed), for the
largest single process (which ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` also reports, exactly, for a process that
has been waited for), and as the tree's summed PSS (``smaps_rollup``): forked workers share the parent's pages
copy-on-write, which summed RSS counts once per process. Runtimes are picked from the bundled catalog, never
written here.

Usage: ``python benchmarks/bench_memory.py [--files 100000] [--functions 20000] [--cache]`` (``--cache`` keeps
the result cache on; by default each run passes ``--no-cache``, so it measures checking, not the cache).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cdk import AS_OF, ROOT, console_script  # the same pinned date and console script as every benchmark

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def runtimes() -> tuple[str, str]:
    """A runtime deprecated at AS_OF (not yet blocked from updates) and one supported then, from the catalog."""
    entries = json.loads((ROOT / "rules_data" / "catalog.json").read_text(encoding="utf-8"))["runtimes"]
    old = next(
        e["identifier"]
        for e in entries
        if e.get("deprecated") and e["deprecated"] < AS_OF and (e.get("block_update") or "9999") > AS_OF
    )
    new = next(
        e["identifier"]
        for e in entries
        if e.get("deprecated") and e["deprecated"] > "2028" and not e.get("preview") and e["family"] == "python"
    )
    return old, new


def function(name: str, runtime: str) -> str:
    return (
        f"  {name}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: {runtime}\n"
        f"      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/r\n"
        f"      Code:\n        ZipFile: 'def handler(e, c): pass'\n"
    )


def many_files(folder: Path, count: int) -> None:
    old, new = runtimes()
    for index in range(count):
        group = folder / f"g{index // 1000:03d}"
        if index % 1000 == 0:
            group.mkdir(parents=True)
        runtime = old if index % 10 == 0 else new
        (group / f"t{index}.yaml").write_text(f"Resources:\n{function('Fn', runtime)}", encoding="utf-8")


def huge_template(path: Path, count: int) -> int:
    old, new = runtimes()
    body = "".join(function(f"Fn{index}", old if index % 10 == 0 else new) for index in range(count))
    path.write_text(f"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n{body}", encoding="utf-8")
    return path.stat().st_size


def _pss(pid: int) -> int:
    """Proportional set size: pages shared with other processes (a forked worker's copy-on-write pages) count
    as a share, so summing it over a process tree counts every page once, which summing RSS does not."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree_rss(root: int) -> tuple[int, int, int]:
    """(RSS sum, largest RSS, PSS sum) in bytes of ``root`` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(entry), int(fields[1])
        children.setdefault(parent, []).append(pid)
        rss[pid] = int(fields[21]) * PAGE
    total, largest, proportional, todo = 0, 0, 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        largest = max(largest, rss.get(pid, 0))
        proportional += _pss(pid)
        todo.extend(children.get(pid, ()))
    return total, largest, proportional


def peak(command: list[str]) -> tuple[float, float, float, float]:
    """(seconds, peak MiB of the tree's RSS, of the largest process's RSS, of the tree's PSS) of one run."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tree = largest = shared = 0
    while process.poll() is None:
        total, big, proportional = _tree_rss(process.pid)
        tree, largest, shared = max(tree, total), max(largest, big), max(shared, proportional)
        time.sleep(0.01)
    return time.perf_counter() - start, tree / 2**20, largest / 2**20, shared / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--functions", type=int, default=20_000)
    parser.add_argument("--cache", action="store_true", help="leave the result cache on")
    args = parser.parse_args()
    base = [console_script(), "check", "--as-of", AS_OF, "--fail-on", "never", "--format", "json"]
    if not args.cache:
        base.append("--no-cache")
    rows: list[tuple[str, float, float, float, float]] = []
    with tempfile.TemporaryDirectory() as temporary:
        empty = Path(temporary, "empty")
        empty.mkdir()
        rows.append(("empty folder", *peak([*base, str(empty)])))
        for count in sorted({min(1000, args.files), args.files}):
            folder = Path(temporary, f"files{count}")
            many_files(folder, count)
            for jobs in ("1", "2"):
                rows.append((f"{count} templates, --jobs {jobs}", *peak([*base, "--jobs", jobs, str(folder)])))
        huge = Path(temporary, "huge.yaml")
        size = huge_template(huge, args.functions)
        rows.append((f"one template, {args.functions} functions", *peak([*base, str(huge)])))
    print(f"{'case':<40} {'wall':>8} {'tree RSS':>9} {'largest RSS':>12} {'tree PSS':>9}  (MiB)")
    for label, seconds, tree, largest, shared in rows:
        print(f"{label:<40} {seconds:>7.1f}s {tree:>9.1f} {largest:>12.1f} {shared:>9.1f}")
    above = rows[-1][3] - rows[0][3]
    ratio = above * 2**20 / size
    print(f"huge template: {size / 2**20:.1f} MiB file, {above:.1f} MiB above an empty run: {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
