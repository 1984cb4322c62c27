"""Where a faster YAML path could come from (issue 13 item 4): CPU cost of loading the corpus's YAML files.

The current loader is called as a ``check`` calls it (``load_file_documents`` with the function-like
resource types kept, the others reduced to their ``Type``); the other candidates get the texts, read once
beforehand. All run in one process; each figure is the minimum CPU time (``resource.getrusage``) of
``--repeat`` rounds, each candidate alternating with the current loader so that both see the same machine
load, and its ratio is against the current loader's figure of the same pairing.

Rows: the current loader (libyaml compose + our node builder); the same with PyYAML's resolver memoised (the
resolver is PyYAML's Python code, called per scalar); libyaml composing nodes only and producing events only
(floors: any loader built on PyYAML's Python-level nodes or events pays at least that); and, when
``rapidyaml`` is importable, its parse alone and the cheapest walk of its tree through the Python binding
(node type and scalar per node: no positions, no Python objects built), a floor for any loader built on it.
Last, a ``check`` of the same files in a fresh process (console entry point, CPU of the child via
``RUSAGE_CHILDREN``), to put the loading cost in proportion.

Usage: ``python benchmarks/bench_yaml.py [--corpus DIR] [--repeat 7]``. Offline; writes nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import yaml
from yaml.nodes import ScalarNode

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
AS_OF = "2026-11-23"


def cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def yaml_files(corpus: Path) -> list[Path]:
    """Every YAML file of the corpus, in a stable order."""
    return sorted(p for p in corpus.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def alternate(
    a: Callable[[], object], b: Callable[[], object], repeat: int, clock: Callable[[], float]
) -> tuple[float, float]:
    """Minimum CPU time of A and of B over ``repeat`` rounds of A then B (the machine is shared and noisy)."""
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        for slot, run in enumerate((a, b)):
            start = clock()
            run()
            best[slot] = min(best[slot], clock() - start)
    return best[0], best[1]


class _MemoLoader(yaml.CSafeLoader):  # type: ignore[misc,name-defined]
    """The candidate with PyYAML's implicit resolver memoised per stream and the path-resolver hooks skipped."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._tags: dict[tuple[str, Any], str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            key = (value, implicit)
            tag = self._tags.get(key)
            if tag is None:
                tag = self._tags[key] = super().resolve(kind, value, implicit)
            return tag
        return super().resolve(kind, value, implicit)

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--check-repeat", type=int, default=3)
    args = parser.parse_args(argv)
    from lambda_runtime_rules import loader

    paths = yaml_files(args.corpus)
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in paths]
    print(f"{len(texts)} YAML files, {sum(map(len, texts)) / 1e6:.2f} M characters, min of {args.repeat} rounds")

    from lambda_runtime_rules.sources.cloudformation import RESOURCE_TYPES

    def current() -> None:  # as a check loads them: every document, only function-like resources built
        for path in paths:
            with contextlib.suppress(loader.LoadError):
                loader.load_file_documents(path, keep_types=RESOURCE_TYPES)

    from lambda_runtime_rules import yaml_reader  # where the loader's PyYAML class lives (imported on first use)

    def memoised() -> None:
        saved = yaml_reader._Loader
        yaml_reader._Loader = _MemoLoader
        try:
            current()
        finally:
            yaml_reader._Loader = saved

    def compose_only() -> None:
        for text in texts:
            composer = yaml.CSafeLoader(text)
            try:
                while composer.check_node():
                    composer.get_node()
            except yaml.YAMLError:
                pass
            finally:
                composer.dispose()

    def events_only() -> None:
        for text in texts:
            try:
                for _event in yaml.parse(text, Loader=yaml.CSafeLoader):
                    pass
            except yaml.YAMLError:
                pass

    rows: list[tuple[str, str, str]] = []
    for name, candidate in (
        ("current loader + memoised PyYAML resolver", memoised),
        ("libyaml compose only (PyYAML nodes, nothing built)", compose_only),
        ("libyaml events only (no nodes, no tag resolution)", events_only),
    ):
        reference, seconds = alternate(current, candidate, args.repeat, cpu_self)
        rows.append(("current loader (paired with the next row)", ms(reference), "reference"))
        rows.append((name, ms(seconds), f"{reference / seconds:.2f}x the current loader"))
    rows.extend(rapidyaml_rows(texts, current, args.repeat))
    for row in rows:
        print(f"  {row[0]:66s} {row[1]:>9s}   {row[2]}")
    check_row(paths, args.check_repeat, current)
    return 0


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def rapidyaml_rows(texts: list[str], current: Callable[[], None], repeat: int) -> list[tuple[str, str, str]]:
    """rapidyaml's parse and cheapest Python-level walk, and how many files it rejects that PyYAML takes."""
    try:
        import ryml  # type: ignore[import-not-found]
    except ImportError:
        return [("rapidyaml", "-", "not installed (pip install rapidyaml)")]
    encoded = [text.encode() for text in texts]

    def parse_only() -> None:
        for data in encoded:
            with contextlib.suppress(Exception):
                ryml.parse_in_arena(data)

    def walk() -> None:
        for data in encoded:
            try:
                tree = ryml.parse_in_arena(data)
            except Exception:
                continue
            for node, _depth in ryml.walk(tree):
                tree.type(node)
                if tree.has_val(node):
                    tree.val(node)

    devnull = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(2)
    os.dup2(devnull, 2)  # rapidyaml's C++ error handler prints every parse error on file descriptor 2
    try:
        ref_parse, parse = alternate(current, parse_only, repeat, cpu_self)
        ref_walk, walked = alternate(current, walk, repeat, cpu_self)
        ryml_rejects = []
        for index, data in enumerate(encoded):
            try:
                ryml.parse_in_arena(data)
            except Exception:
                ryml_rejects.append(index)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    pyyaml_rejects = set()
    for index, text in enumerate(texts):
        try:
            list(yaml.compose_all(text, Loader=yaml.CSafeLoader))
        except yaml.YAMLError:
            pyyaml_rejects.add(index)
    only_ryml = sum(1 for index in ryml_rejects if index not in pyyaml_rejects)
    return [
        (f"rapidyaml {ryml.version} parse only", ms(parse), f"{ref_parse / parse:.1f}x the current loader"),
        ("rapidyaml parse + walk (type, scalar; no positions)", ms(walked), f"{ref_walk / walked:.2f}x"),
        (
            "files rejected",
            "-",
            f"rapidyaml {len(ryml_rejects)}, PyYAML {len(pyyaml_rejects)}; PyYAML takes {only_ryml} of rapidyaml's",
        ),
    ]


def check_row(paths: list[Path], repeat: int, current: Callable[[], None]) -> None:
    """``check`` of the same files in a fresh process, against loading them in this one."""
    command = [
        sys.executable, "-c", "import sys; from lambda_runtime_rules.cli import main; sys.exit(main(sys.argv[1:]))",
        "check", "--no-cache", *map(str, paths), "--as-of", AS_OF, "--fail-on", "never",
    ]  # fmt: skip

    def check() -> None:
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, cwd="/")

    def startup() -> None:
        subprocess.run([sys.executable, "-c", "import lambda_runtime_rules.cli"], check=False, cwd="/")

    checked, started = alternate(check, startup, repeat, cpu_children)
    loading = min(alternate(current, current, repeat, cpu_self))
    print(f"  check of the {len(paths)} files, fresh process: {ms(checked)} CPU; interpreter + import of the CLI")
    print(f"    {ms(started)}; loading the same files in-process {ms(loading)} = {loading / checked:.0%} of the check,")
    print(f"    {loading / max(checked - started, 1e-9):.0%} of the check after start-up")


if __name__ == "__main__":
    sys.exit(main())
