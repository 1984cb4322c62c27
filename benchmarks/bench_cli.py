"""How fast ``lambda-runtime-rules check`` is, against the targets in the CLI issue. Prints one table.

1. One template, wall time of the console script including interpreter start (target: under 200 ms).
2. The corpus's CloudFormation/SAM/CDK files (396 in ``../shared/corpus``): the check in one process against a
   bare parse of the same files with PyYAML's libyaml loader and json (target: within 1.5x), plus the CLI's
   wall time on them.
3. 10,000 generated templates in a temporary folder, ``check --jobs 2`` wall time (target: under 10 s).

Usage: ``python benchmarks/bench_cli.py [--corpus DIR] [--count 10000] [--repeat 5]``. Nothing is written
outside a temporary folder; no network. The date is pinned so the numbers do not drift with the calendar.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
ONE_TEMPLATE = ROOT / "fixtures" / "cli" / "project" / "sam" / "template.yaml"
CFN_KINDS = {"sam", "cfn-yaml", "cfn-json", "cdk"}
AS_OF = "2026-11-23"


def console_script() -> str:
    for name in ("lambda-runtime-rules", "lambda-runtime-rules.exe"):
        candidate = Path(sys.executable).parent / name
        if candidate.is_file():
            return str(candidate)
    raise SystemExit(f"lambda-runtime-rules is not installed next to {sys.executable}")


def wall(command: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return times


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def corpus_files(corpus: Path, kinds: set[str] | None = None) -> list[Path]:
    """The corpus files of the given MANIFEST kinds (default: CloudFormation, SAM and CDK)."""
    kinds = CFN_KINDS if kinds is None else kinds
    files = []
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8") as manifest:
        next(manifest)
        for line in manifest:
            fields = line.rstrip("\n").split("\t")
            if len(fields) > 4 and fields[4] in kinds:
                files.append(corpus / fields[0])
    return files


class _BareLoader(yaml.CSafeLoader):  # type: ignore[misc]
    """libyaml with CloudFormation's short-form tags accepted (values dropped): the cheapest honest parse."""


_BareLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def bare_parse(files: list[Path]) -> None:
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            if path.suffix.lower() == ".json":
                json.loads(text)
            else:
                yaml.load(text, Loader=_BareLoader)
        except (ValueError, yaml.YAMLError):
            pass


def bare_parse_terraform(files: list[Path]) -> None:
    """The same parse of each ``.tf`` file that the Terraform reader starts from, and nothing else: tree-sitter-hcl's
    where it is installed, else Lark's (a file tree-sitter-hcl declines is rare, and read by Lark as well)."""
    from lambda_runtime_rules.sources import hcl_treesitter
    from lambda_runtime_rules.sources.hcl import SyntaxProblem, _lark_parse

    parser = hcl_treesitter._parser()
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        if parser is not None:
            parser.parse(text.encode("utf-8", "surrogatepass"))
            continue
        with contextlib.suppress(SyntaxProblem):
            _lark_parse(text)


def in_process_check(files: list[Path], cold: bool = False) -> Callable[[], object]:
    """A check of ``files`` in this process; ``cold``: forget the parsed Terraform folders first, as a new
    process would (the reader keeps them for the run, so a second run in one process would only re-evaluate)."""
    from lambda_runtime_rules.catalog import default_catalog
    from lambda_runtime_rules.commands.check import check_files
    from lambda_runtime_rules.settings import Settings
    from lambda_runtime_rules.sources import terraform

    settings = Settings(as_of=dt.date.fromisoformat(AS_OF))
    catalog = default_catalog()

    def run() -> object:
        if cold:
            terraform.clear_cache()
        return check_files(files, settings, catalog)

    return run


_RUNTIMES = ("python3.8", "python3.13", "nodejs16.x", "nodejs22.x", "java21", "go1.x", "ruby3.2", "dotnet8")


def generate(folder: Path, count: int) -> None:
    """``count`` small SAM/CloudFormation templates, 100 per folder, with a mix of runtimes and shapes."""
    for index in range(count):
        runtime = _RUNTIMES[index % len(_RUNTIMES)]
        sub = folder / f"svc{index // 100:04d}"
        sub.mkdir(exist_ok=True)
        if index % 4 == 3:
            document = {
                "Resources": {
                    f"Fn{index}": {
                        "Type": "AWS::Lambda::Function",
                        "Properties": {
                            "Runtime": runtime,
                            "Handler": "index.handler",
                            "Architectures": ["arm64"],
                            "Code": {"ZipFile": "x"},
                            "Role": "arn:aws:iam::123456789012:role/r",
                        },
                    }
                }
            }
            (sub / f"stack{index}.json").write_text(json.dumps(document, indent=2), encoding="utf-8")
            continue
        (sub / f"template{index}.yaml").write_text(
            "AWSTemplateFormatVersion: '2010-09-09'\n"
            "Transform: AWS::Serverless-2016-10-31\n"
            "Parameters:\n  Stage:\n    Type: String\n    Default: dev\n"
            f"Globals:\n  Function:\n    Runtime: {runtime}\n    Timeout: 10\n"
            "Resources:\n"
            f"  Api{index}:\n    Type: AWS::Serverless::Function\n    Properties:\n"
            "      Handler: app.handler\n      CodeUri: src/\n      Environment:\n"
            "        Variables:\n          STAGE: !Ref Stage\n"
            f"  Worker{index}:\n    Type: AWS::Serverless::Function\n    Properties:\n"
            "      Handler: worker.handler\n      CodeUri: src/\n      Runtime: python3.12\n"
            "      RuntimeManagementConfig:\n        UpdateRuntimeOn: Auto\n"
            f"  Bucket{index}:\n    Type: AWS::S3::Bucket\n",
            encoding="utf-8",
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    script = console_script()
    rows: list[tuple[str, str, str, str]] = []

    interpreter = min(wall([sys.executable, "-c", "pass"], args.repeat))
    single = wall([script, "check", "--no-cache", str(ONE_TEMPLATE), "--as-of", AS_OF], args.repeat)
    rows.append(("interpreter start (python -c pass)", f"{interpreter * 1000:.0f} ms", "", "reference"))
    rows.append(
        (
            "one template, console script wall",
            f"{min(single) * 1000:.0f} ms (median {statistics.median(single) * 1000:.0f})",
            "< 200 ms",
            "ok" if statistics.median(single) < 0.2 else "MISSED",
        )
    )

    if (args.corpus / "MANIFEST.tsv").is_file():
        files = corpus_files(args.corpus)
        check = in_process_check(files)
        check()  # warm the catalog and imports, as the bare parse has yaml/json warm
        bare_times: list[float] = []
        our_times: list[float] = []
        for _ in range(args.repeat):  # interleaved, so a busy machine slows both sides alike
            bare_times += timed(lambda: bare_parse(files), 1)
            our_times += timed(check, 1)
        bare, ours = min(bare_times), min(our_times)
        ratio = ours / bare
        label = f"corpus bare parse ({len(files)} files, libyaml + json)"
        rows.append((label, f"{bare * 1000:.0f} ms", "", "reference"))
        rows.append(
            (
                "corpus check, in process",
                f"{ours * 1000:.0f} ms ({ratio:.2f}x)",
                "<= 1.5x",
                "ok" if ratio <= 1.5 else "MISSED",
            )
        )
        command = [script, "check", "--no-cache", *map(str, files), "--as-of", AS_OF, "--fail-on", "never"]
        cli = wall(command, max(1, args.repeat // 2))
        rows.append(("corpus check, console script wall", f"{min(cli) * 1000:.0f} ms", "", "info"))
    else:
        rows.append(("corpus", "skipped", "", f"no corpus at {args.corpus}"))

    with tempfile.TemporaryDirectory(prefix="lrr-bench-") as tmp:
        start = time.perf_counter()
        generate(Path(tmp), args.count)
        made = time.perf_counter() - start
        for jobs in (1, 2):
            command = [script, "check", "--no-cache", tmp, "--as-of", AS_OF, "--jobs", str(jobs), "--fail-on", "never"]
            runs = wall(command, 1)
            target = "< 10 s" if jobs == 2 else ""
            verdict = ("ok" if runs[0] < 10 else "MISSED") if jobs == 2 else "info"
            rows.append((f"{args.count} templates, --jobs {jobs}", f"{runs[0]:.2f} s", target, verdict))
        rows.append((f"(generating {args.count} templates)", f"{made:.2f} s", "", "not counted"))

    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'result':<28}  {'target':<9}  verdict")
    for name, result, target, verdict in rows:
        print(f"{name:<{width}}  {result:<28}  {target:<9}  {verdict}")
    return 0 if all(r[3] != "MISSED" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
