"""The cost of reading Terraform (issue 13 item 2): the check against the bare parse, and ``--jobs 2`` against 1.

(a) In this process, over every ``.tf`` file of ``../shared/corpus``: tree-sitter-hcl parsing each file and
nothing else (the floor), ``check_files`` on the same files (reading, parsing, evaluating every module folder,
judging; goal: at most 1.5 times the floor), Lark (bc-python-hcl2's grammar, the parser before) parsing them, for
reference, and ``check_files`` with every file through Lark (the code before). CPU time (``time.process_time``),
the minimum of ``--repeat`` alternating runs.

(b) ``lambda-runtime-rules check --no-cache`` with ``--jobs 1`` and ``--jobs 2`` on ``--files`` generated small
Terraform files, ``--per-folder`` to a module folder (goal: ``--jobs 2`` at least 1.8 times faster). Wall time
here, on purpose: a second worker saves waiting, not CPU; best of ``--repeat`` alternating runs, each after one
warm-up. Every run passes ``--no-cache``, so no run reads another's results.

Usage: ``python benchmarks/bench_terraform.py [--corpus DIR] [--repeat 5] [--files 10000] [--per-folder 5]
[--skip-cli]``. Writes only to a temporary folder; no network; the date is pinned.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_cdk import AS_OF, ROOT, console_script

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"

# A small module file as monorepos hold thousands of them; the runtime is a variable with a default, so the
# evaluator follows a reference (and the catalog judges it) in every folder. The value is read from the
# catalog: no runtime identifier is written here.
MODULE = """variable "runtime" {{
  type    = string
  default = "{runtime}"
}}

resource "aws_lambda_function" "f{index}" {{
  function_name = "service-${{terraform.workspace}}-{index}"
  role          = aws_iam_role.r{index}.arn
  handler       = "index.handler"
  runtime       = var.runtime
  architectures = ["arm64"]
  environment {{
    variables = {{ STAGE = "prod", INDEX = "{index}" }}
  }}
  tags = merge(local.tags, {{ Name = "f{index}" }})
}}
"""
OTHER = """locals {{
  tags = {{ team = "t{index}", cost = "c{index}" }}
}}

resource "aws_iam_role" "r{index}" {{
  name               = "role-{index}"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [] }})
}}

output "arn{index}" {{
  value = length(var.runtime) > 0 ? aws_iam_role.r{index}.arn : null
}}
"""


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*.tf") if p.is_file())


def in_process(corpus: Path, repeat: int) -> tuple[float, float, float, float, int]:
    """(tree-sitter parse, check_files, Lark parse, check_files through Lark) CPU seconds, minimum of ``repeat``
    alternating runs; files."""
    import tree_sitter
    import tree_sitter_hcl

    from lambda_runtime_rules.catalog import default_catalog
    from lambda_runtime_rules.commands.check import check_files
    from lambda_runtime_rules.settings import Settings
    from lambda_runtime_rules.sources import hcl, terraform

    paths = corpus_files(corpus)
    texts = [p.read_text(encoding="utf-8-sig", errors="replace") for p in paths]
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
    settings, catalog = Settings(as_of=dt.date.fromisoformat(AS_OF)), default_catalog()
    hcl._lark_parse("x = 1\n")  # Lark builds its parser once per process: not part of any run
    bare, check, lark, before = [], [], [], []
    for _ in range(repeat):
        start = time.process_time()
        for text in texts:
            parser.parse(text.encode("utf-8"))
        bare.append(time.process_time() - start)
        terraform.clear_cache()
        start = time.process_time()
        check_files(paths, settings, catalog)
        check.append(time.process_time() - start)
        start = time.process_time()
        for text in texts:
            with contextlib.suppress(hcl.SyntaxProblem):
                hcl._lark_parse(text)
        lark.append(time.process_time() - start)
        terraform.clear_cache()
        start = time.process_time()
        with _without_tree_sitter():
            check_files(paths, settings, catalog)
        before.append(time.process_time() - start)
    return min(bare), min(check), min(lark), min(before), len(paths)


@contextlib.contextmanager
def _without_tree_sitter() -> Iterator[None]:
    """Every file through Lark, as before tree-sitter-hcl: parse_hcl_body's fallback taken every time."""
    from lambda_runtime_rules.sources import hcl_treesitter

    original = hcl_treesitter.parse_body
    hcl_treesitter.parse_body = lambda *args, **kwargs: None
    try:
        yield
    finally:
        hcl_treesitter.parse_body = original


def a_runtime() -> str:
    """A runtime deprecated by the pinned date, from the bundled catalog: every generated function has a finding."""
    from lambda_runtime_rules.catalog import default_catalog

    as_of = dt.date.fromisoformat(AS_OF)
    deprecated = [r for r in default_catalog() if r.deprecated is not None and r.deprecated <= as_of]
    return min(deprecated, key=lambda r: r.order_key).identifier


def generate(folder: Path, count: int, per_folder: int, runtime: str) -> int:
    """``count`` files, ``per_folder`` to a folder (one module file with the function, the rest its neighbours).
    Returns the number of folders."""
    folders = 0
    for index in range(count):
        if index % per_folder == 0:
            sub = folder / f"service{index // per_folder:05d}"
            sub.mkdir()
            folders += 1
            (sub / "main.tf").write_text(MODULE.format(index=index, runtime=runtime), encoding="utf-8")
        else:
            (sub / f"other{index % per_folder}.tf").write_text(OTHER.format(index=index), encoding="utf-8")
    return folders


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds of one run, and its CPU seconds (user + system, the workers included)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cli(count: int, per_folder: int, repeat: int) -> tuple[tuple[float, float], tuple[float, float], int]:
    """Best (wall, CPU) seconds of ``--jobs 1`` and ``--jobs 2`` (alternating, each after one warm-up); folders."""
    base = [console_script(), "check", "--no-cache", "--as-of", AS_OF, "--fail-on", "never", "--format", "json"]
    with tempfile.TemporaryDirectory() as temporary:
        folders = generate(Path(temporary), count, per_folder, a_runtime())
        one = [*base, "--jobs", "1", temporary]
        two = [*base, "--jobs", "2", temporary]
        run(one)
        run(two)
        runs_one, runs_two = [], []
        for _ in range(repeat):
            runs_one.append(run(one))
            runs_two.append(run(two))
    return _best(runs_one), _best(runs_two), folders


def _best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return min(w for w, _ in runs), min(c for _, c in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--files", type=int, default=10000)
    parser.add_argument("--per-folder", type=int, default=5)
    parser.add_argument("--skip-cli", action="store_true", help="only (a), the in-process measurement")
    args = parser.parse_args()
    if args.corpus.is_dir():
        bare, check, lark, before, count = in_process(args.corpus, args.repeat)
        print(f"(a) {count} corpus .tf files, CPU, min of {args.repeat}:")
        print(f"    tree-sitter parse only  {bare * 1000:9.1f} ms")
        print(f"    check_files             {check * 1000:9.1f} ms   {check / bare:5.2f}x the parse (goal <= 1.5x)")
        print(f"    Lark parse only         {lark * 1000:9.1f} ms   {lark / bare:5.2f}x the tree-sitter parse")
        print(f"    check_files, all Lark   {before * 1000:9.1f} ms   {before / check:5.2f}x check_files (as before)")
    else:
        print(f"(a) skipped: {args.corpus}: no corpus", file=sys.stderr)
    if not args.skip_cli:
        (one, one_cpu), (two, two_cpu), folders = cli(args.files, args.per_folder, args.repeat)
        print(f"(b) check --no-cache on {args.files} files in {folders} folders, best of {args.repeat}:")
        print(f"    --jobs 1  wall {one:7.2f} s   CPU {one_cpu:7.2f} s")
        print(f"    --jobs 2  wall {two:7.2f} s   CPU {two_cpu:7.2f} s   {one / two:5.2f}x faster (goal >= 1.8x)")
        load = os.getloadavg()[0]
        print(f"    load average {load:.2f} on {os.cpu_count()} CPUs: other processes take a share of the cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
