"""What a fresh ``check`` of one template imports: the pre-commit path pays only for the readers it uses.

Each test runs a new interpreter (imports are cached per process) and lists ``sys.modules`` after a real check,
whose findings are asserted too, so an eager import added back anywhere on the path (a module-level ``import
yaml`` in the loader, a reader imported by ``scan`` for every file) fails here. The time itself is measured by
``benchmarks/bench_startup.py``, never by a test.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.version import Version

from lambda_runtime_rules import catalog
from lambda_runtime_rules.cli import _PARSERS, build_parser

REPO = Path(__file__).resolve().parents[1]
JSON_TEMPLATE = REPO / "fixtures" / "cli" / "project" / "cfn" / "stack.json"
YAML_TEMPLATE = REPO / "fixtures" / "cli" / "project" / "sam" / "template.yaml"
AS_OF = "2026-11-23"

# Never needed to check a CloudFormation template: other hosts, other readers, validation of unstamped data.
NEVER = (
    "ruamel",
    "jsonschema",
    "tree_sitter",
    "hcl2",
    "lark",
    "cfnlint",
    "checkov",
    "packaging",
    "importlib.resources",
    "zipfile",
    "zoneinfo",  # --as-of given: today's date is not read
    "lambda_runtime_rules.sources.cdk",
    "lambda_runtime_rules.sources.dockerfile",
    "lambda_runtime_rules.sources.serverless_script",
    "lambda_runtime_rules.sources.terraform",
    "lambda_runtime_rules.images",
    "lambda_runtime_rules.regions",
    "lambda_runtime_rules.baseline",
    "lambda_runtime_rules.output_ci",
)

_PROBE = """
import json, sys
from lambda_runtime_rules.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def _check(*args: str | Path, tmp_path: Path) -> tuple[int, list[str], set[str]]:
    """Exit code, the findings' lines, and every module loaded, of a fresh ``check`` of ``args`` (a template)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_") or k.endswith("_CACHE_DIR")}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, "check", "--as-of", AS_OF, "--no-progress", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,  # no config file found upward
        check=False,
    )
    report = json.loads(out.stderr.strip().splitlines()[-1])
    return report["code"], out.stdout.splitlines(), set(report["modules"])


def _where(lines: list[str]) -> list[str]:
    """``file:line:col: ID`` of each finding line."""
    return [" ".join(line.split(" ", 2)[:2]) for line in lines]


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_json_template_check_imports_no_yaml_and_no_other_reader(tmp_path):
    code, findings, modules = _check(JSON_TEMPLATE, tmp_path=tmp_path)
    assert (code, _where(findings)) == (1, [f"{JSON_TEMPLATE}:7:20: EL1001", f"{JSON_TEMPLATE}:17:32: WL4001"])
    assert _loaded(modules, (*NEVER, "yaml", "lambda_runtime_rules.yaml_reader", "difflib")) == []


def test_yaml_template_check_imports_yaml_and_nothing_else_it_does_not_need(tmp_path):
    code, findings, modules = _check(YAML_TEMPLATE, tmp_path=tmp_path)
    assert (code, _where(findings)) == (
        1,
        [f"{YAML_TEMPLATE}:10:14: WL1003", f"{YAML_TEMPLATE}:31:26: EL3003", f"{YAML_TEMPLATE}:31:26: WL3002"],
    )
    assert {"yaml", "lambda_runtime_rules.yaml_reader"} <= modules
    assert _loaded(modules, NEVER) == []


def test_unknown_runtime_still_gets_its_hint_with_difflib_imported_on_demand(tmp_path):
    template = tmp_path / "stack.json"
    text = json.dumps({"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "nodejs22.z"}}}})
    template.write_text(text, encoding="utf-8")
    code, findings, modules = _check(template, tmp_path=tmp_path)
    assert (code, _where(findings)) == (0, [f"{template}:1:{text.index('nodejs22.z')}: WL1005"])
    assert "did you mean nodejs22.x?" in findings[0]
    assert "difflib" in modules and _loaded(modules, NEVER) == []


@pytest.mark.parametrize("name", sorted(_PARSERS))
def test_parser_of_one_sub_command_is_the_full_parsers(name):
    """``main`` builds only the sub-command named; its help and parsing must not differ from the full parser's."""

    def sub_parser(parser):
        (action,) = [a for a in parser._actions if a.dest == "command"]
        return action.choices[name]

    full, alone = build_parser(), build_parser(name)
    assert sub_parser(alone).format_help() == sub_parser(full).format_help()
    argv = {"explain": [name, "EL1001"], "catalog": [name, "show", "python3.8", "--as-of", AS_OF]}.get(name, [name])
    assert vars(alone.parse_args(argv)) == vars(full.parse_args(argv))
    assert len(next(a for a in alone._actions if a.dest == "command").choices) == 1


@pytest.mark.parametrize("argv", [["chek"], ["--bogus"], []])
def test_command_line_without_a_sub_command_gets_the_full_parser(argv, capsys):
    from lambda_runtime_rules.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("lambda-runtime-rules: error: ") and err.count("\n") == 1
    if argv == ["chek"]:
        assert "(choose from 'check', 'fix', 'report', 'explain', 'rules', 'checkov-dir', 'catalog')" in err


def test_release_orders_and_equates_catalog_versions_as_packaging_does():
    """The catalog's own ordering replaced packaging.version at run time: the same answer for every pair."""
    versions = sorted({r.version for r in catalog.default_catalog()} | {"0", "0.0", "1", "1.0", "1.0.0", "3.9.1"})
    for a, b in itertools.product(versions, repeat=2):
        assert (catalog.release(a) < catalog.release(b)) == (Version(a) < Version(b)), (a, b)
        assert (catalog.release(a) == catalog.release(b)) == (Version(a) == Version(b)), (a, b)


def test_a_warm_cached_run_of_a_tree_imports_no_reader(tmp_path):
    """Every file served from the result cache: the walk tells a Dockerfile, a Serverless script and CDK source by
    their names (and the CDK's byte look), so no reader, parser or image rule is imported; the verdicts are the
    cold run's, which did import them."""
    tree = tmp_path / "tree"
    sources = REPO / "fixtures" / "sources"
    shutil.copytree(sources / "serverless" / "typescript", tree / "sls")
    shutil.copytree(sources / "cdk" / "typescript", tree / "cdk")
    shutil.copy(sources / "dockerfile" / "fail-WL1003-ecr-python3.8.dockerfile", tree / "Dockerfile")
    shutil.copy(YAML_TEMPLATE, tree / "template.yaml")
    (tree / "handler.py").write_text("def main(event, context):\n    return event\n", encoding="utf-8")
    args = ["--cache-dir", str(tmp_path / "cache"), "--format", "json", str(tree)]
    readers = ("yaml", "tree_sitter", "hcl2", "lambda_runtime_rules.images", "lambda_runtime_rules.loader",
               *(f"lambda_runtime_rules.sources.{name}" for name in ("cdk", "dockerfile", "serverless_script")))
    cold_code, cold, cold_modules = _check(*args, tmp_path=tmp_path)
    warm_code, warm, warm_modules = _check(*args, tmp_path=tmp_path)
    files = {finding["file"] for finding in json.loads("\n".join(cold))}
    assert {str(tree / name) for name in ("Dockerfile", "template.yaml", "cdk/stack.ts", "sls/serverless.ts")} <= files
    assert (warm_code, warm) == (cold_code, cold) and cold_code == 1
    assert set(_loaded(cold_modules, readers)) >= {"yaml", "lambda_runtime_rules.sources.cdk"}
    assert _loaded(warm_modules, readers) == []
