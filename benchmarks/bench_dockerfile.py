"""The cost of reading Dockerfiles: ``check --jobs 2`` on a generated tree of 1,000 (goal: under 1 s).

Two shapes: 1,000 services with one Dockerfile each (the top-level fixtures of ``fixtures/sources/dockerfile``,
every spelling, copied round-robin), and the same services with a SAM template per ten of them whose image
functions are built from those Dockerfiles (``Metadata: DockerContext``), so every Dockerfile is read through its
function and judged once. An empty folder gives the interpreter's start-up for comparison.

Usage: ``python benchmarks/bench_dockerfile.py [--count 1000] [--repeat 5]``. Writes only to a temporary folder;
no network; the date is pinned.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cdk import AS_OF, ROOT, console_script, timed  # the same timing rules for every reader

FIXTURES = ROOT / "fixtures" / "sources" / "dockerfile"
PER_TEMPLATE = 10


def generate(folder: Path, count: int, templates: bool) -> int:
    """Write ``count`` service folders with a Dockerfile each (and a SAM template per ten). Returns templates."""
    sources = sorted(p for p in FIXTURES.iterdir() if p.is_file() and p.suffix == ".dockerfile")
    written = 0
    for index in range(count):
        group = folder / f"group{index // PER_TEMPLATE:03d}"
        service = group / f"service{index}"
        service.mkdir(parents=True)
        (service / "Dockerfile").write_bytes(sources[index % len(sources)].read_bytes())
        if templates and index % PER_TEMPLATE == PER_TEMPLATE - 1:
            functions = "".join(
                f"  Fn{member}:\n    Type: AWS::Serverless::Function\n    Properties:\n      PackageType: Image\n"
                f"    Metadata:\n      DockerContext: ./service{member}\n      Dockerfile: Dockerfile\n"
                for member in range(index - PER_TEMPLATE + 1, index + 1)
            )
            (group / "template.yaml").write_text(
                f"Transform: AWS::Serverless-2016-10-31\nResources:\n{functions}", encoding="utf-8"
            )
            written += 1
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    base = [console_script(), "check", "--no-cache", "--as-of", AS_OF, "--jobs", "2", "--fail-on", "never"]
    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        empty = Path(temporary, "empty")
        empty.mkdir()
        rows.append(("empty folder (start-up)", 0, timed([*base, str(empty)], args.repeat)))
        for label, templates in (("Dockerfiles", False), ("Dockerfiles + SAM templates", True)):
            folder = Path(temporary, label.replace(" ", "_").replace("+", "and"))
            folder.mkdir()
            count = generate(folder, args.count, templates)
            rows.append((f"{args.count} {label}", count, timed([*base, str(folder)], args.repeat)))
    print(f"{'case':<40} {'templates':>9} {'best of ' + str(args.repeat):>12}")
    for label, templates, seconds in rows:
        print(f"{label:<40} {templates:>9} {seconds * 1000:>10.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
