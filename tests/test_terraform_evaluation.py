"""Terraform evaluation: the shapes one folder can take (HCL and JSON syntax, templates, count, for_each, module
calls, tfvars order), each on a small module written into a temporary folder."""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_runtime_rules.model import FunctionSubject, LayerSubject
from lambda_runtime_rules.sources import hcl
from lambda_runtime_rules.sources.terraform import MAX_VALUES, TerraformError, evaluate_folder, subjects_from_hcl

Subject = FunctionSubject | LayerSubject


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def runtimes(folder: Path) -> dict[str, list[tuple[object, str, int]]]:
    subjects, errors = evaluate_folder(str(folder))
    assert errors == {}
    return {
        s.resource: [(v.value, Path(v.file).name, v.line) for v in s.runtimes]
        for s in subjects
        if isinstance(s, FunctionSubject)
    }


FUNCTION = 'resource "aws_lambda_function" "{name}" {{\n  runtime = {expr}\n}}\n'


def test_locals_and_variables_come_from_every_file_of_the_folder(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": FUNCTION.format(name="f", expr="local.rt") + FUNCTION.format(name="g", expr="var.rt"),
            "locals.tf": 'locals {\n  rt = "nodejs16.x"\n}\n',
            "variables.tf": 'variable "rt" {\n  default = "python3.8"\n}\n',
        },
    )
    assert runtimes(tmp_path) == {
        "aws_lambda_function.f": [("nodejs16.x", "locals.tf", 2)],
        "aws_lambda_function.g": [("python3.8", "variables.tf", 2)],
    }


def test_tfvars_follow_terraforms_order(tmp_path: Path) -> None:
    """defaults < terraform.tfvars < terraform.tfvars.json < *.auto.tfvars(.json) by name: the last one wins."""
    write(
        tmp_path,
        {
            "main.tf": 'variable "a" {\n  default = "x"\n}\nvariable "b" {}\nvariable "c" {}\n'
            + FUNCTION.format(name="a", expr="var.a")
            + FUNCTION.format(name="b", expr="var.b")
            + FUNCTION.format(name="c", expr="var.c"),
            "terraform.tfvars": 'a = "python3.8"\nb = "python3.9"\nc = "python3.10"\n',
            "terraform.tfvars.json": json.dumps({"b": "nodejs16.x", "c": "nodejs18.x"}),
            "b.auto.tfvars": 'c = "ruby3.2"\n',
            "a.auto.tfvars.json": json.dumps({"c": "java8"}),
            "unrelated.tfvars": 'a = "go1.x"\n',  # only with --var-file
        },
    )
    found = runtimes(tmp_path)
    assert found["aws_lambda_function.a"] == [("python3.8", "terraform.tfvars", 1)]
    assert found["aws_lambda_function.b"] == [("nodejs16.x", "terraform.tfvars.json", 1)]
    assert found["aws_lambda_function.c"] == [("ruby3.2", "b.auto.tfvars", 1)]


def test_a_tf_json_file_reads_like_its_hcl_form(tmp_path: Path) -> None:
    document = {
        "variable": {"rt": {"default": "python3.8"}},
        "locals": {"arch": "arm64"},
        "resource": {
            "aws_lambda_function": {
                "f": {"runtime": "${var.rt}", "architectures": ["${local.arch}"]},
                "g": [{"runtime": "nodejs16.x"}],
            },
            "aws_lambda_layer_version": {"l": {"compatible_runtimes": ["python3.9", "${var.rt}"]}},
        },
    }
    write(tmp_path, {"main.tf.json": json.dumps(document, indent=2)})
    subjects, _ = evaluate_folder(str(tmp_path))
    by_name = {s.resource: s for s in subjects}
    f = by_name["aws_lambda_function.f"]
    assert isinstance(f, FunctionSubject)
    assert [(v.value, v.via) for v in f.runtimes] == [("python3.8", "from the default of var.rt")]
    assert [(v.value, v.via) for v in f.architectures] == [("arm64", "from local.arch")]
    assert [v.value for v in by_name["aws_lambda_function.g"].runtimes] == ["nodejs16.x"]  # type: ignore[union-attr]
    layer = by_name["aws_lambda_layer_version.l"]
    assert isinstance(layer, LayerSubject)
    assert [v.value for v in layer.compatible_runtimes] == ["python3.9", "python3.8"]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('"${var.v}"', ["python3.8"]),
        ('"python${var.n}"', ["python3.8"]),
        ('"$${var.v}"', ["${var.v}"]),  # an escaped interpolation is literal text
        ('"${var.v}${var.unset}"', []),
        ('coalesce(var.unset, "nodejs16.x")', ["nodejs16.x"]),
        ('lookup(local.by_env, "prod", "java8")', ["python3.12", "java8"]),
        ("local.by_env.dev", ["nodejs20.x"]),
        ('local.by_env["prod"]', ["python3.12"]),
        ("local.list[1]", ["ruby3.3"]),
        ("tostring(var.v)", ["python3.8"]),
        ("upper(var.v)", []),
        ("module.other.runtime", []),
    ],
)
def test_expressions(tmp_path: Path, expr: str, expected: list[str]) -> None:
    text = (
        'variable "v" {\n  default = "python3.8"\n}\nvariable "n" {\n  default = "3.8"\n}\nvariable "unset" {}\n'
        'locals {\n  by_env = { dev = "nodejs20.x", "prod" = "python3.12" }\n  list = ["ruby3.2", "ruby3.3"]\n}\n'
        + FUNCTION.format(name="f", expr=expr)
    )
    (subject,) = subjects_from_hcl(text, "main.tf")
    assert [v.value for v in subject.runtimes] == expected  # type: ignore[union-attr]


def test_operators_follow_hcl_precedence() -> None:
    """bc-python-hcl2 nests every binary operator to the right; the evaluator rebuilds HCL's precedence."""
    body = hcl.parse_hcl_body('x = var.a == "1" && var.b == "2" ? "yes" : "no"\n')
    expr = body.get("x")
    assert isinstance(expr, hcl.Cond)
    assert isinstance(expr.condition, hcl.Binary) and expr.condition.op == "&&"
    assert expr.text == 'var.a == "1" && var.b == "2"'


def test_count_for_each_and_switches(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": (
                'module "off" {\n  source = "./m"\n  enabled = false\n  rt = "python3.8"\n}\n'
                'module "on" {\n  source = "./m"\n  rt = "python3.9"\n}\n'
                'module "none" {\n  source = "./m"\n  count = 0\n  rt = "python3.7"\n}\n'
                'module "each" {\n  source = "./m"\n  for_each = { a = "nodejs16.x", b = "nodejs18.x" }\n'
                "  rt = each.value\n}\n"
                'module "empty" {\n  source = "./m"\n  for_each = {}\n  rt = "python2.7"\n}\n'
            ),
            "m/main.tf": (
                'variable "enabled" {\n  default = true\n}\nvariable "rt" {}\n'
                'resource "aws_lambda_function" "this" {\n  count = var.enabled ? 1 : 0\n  runtime = var.rt\n}\n'
            ),
        },
    )
    found = runtimes(tmp_path)
    assert sorted(found) == ["module.each.aws_lambda_function.this", "module.on.aws_lambda_function.this"]
    assert [v for v, _, _ in found["module.each.aws_lambda_function.this"]] == ["nodejs16.x", "nodejs18.x"]


def test_a_switch_computed_in_a_local(tmp_path: Path) -> None:
    """terraform-aws-modules/lambda: count = local.create && var.create_function && !var.create_layer ? 1 : 0."""
    write(
        tmp_path,
        {
            "main.tf": 'module "off" {\n  source = "./m"\n  create = false\n}\n'
            'module "layer" {\n  source = "./m"\n  create_layer = true\n}\n'
            'module "on" {\n  source = "./m"\n}\n',
            "m/main.tf": 'variable "create" {\n  default = true\n}\nvariable "create_layer" {\n  default = false\n}\n'
            'variable "other" {\n  default = true\n}\nlocals {\n  create = var.create && var.other\n}\n'
            'resource "aws_lambda_function" "this" {\n'
            "  count = local.create && !var.create_layer ? 1 : 0\n"
            '  runtime = "nodejs16.x"\n}\n',
        },
    )
    assert list(runtimes(tmp_path)) == ["module.on.aws_lambda_function.this"]


def test_a_root_variable_default_does_not_decide_a_condition(tmp_path: Path) -> None:
    """-var or TF_VAR_ may set a root variable: its default is a value, not the only one."""
    write(
        tmp_path,
        {
            "main.tf": 'variable "legacy" {\n  default = false\n}\n'
            'resource "aws_lambda_function" "f" {\n  count = var.legacy ? 1 : 0\n'
            '  runtime = var.legacy ? "python3.8" : "python3.13"\n}\n'
        },
    )
    assert [v for v, _, _ in runtimes(tmp_path)["aws_lambda_function.f"]] == ["python3.8", "python3.13"]


def test_for_each_over_a_map_of_functions(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": (
                'variable "functions" {\n  default = {\n    api = { runtime = "nodejs16.x" }\n'
                '    worker = { runtime = "python3.13" }\n  }\n}\n'
                'resource "aws_lambda_function" "fn" {\n  for_each = var.functions\n'
                "  runtime = each.value.runtime\n}\n"
            )
        },
    )
    assert runtimes(tmp_path) == {
        "aws_lambda_function.fn": [("nodejs16.x", "main.tf", 3), ("python3.13", "main.tf", 4)]
    }


def test_a_module_that_calls_itself_stops(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'module "loop" {\n  source = "./m"\n}\n',
            "m/main.tf": 'module "again" {\n  source = "../m"\n}\n' + FUNCTION.format(name="f", expr='"nodejs16.x"'),
        },
    )
    assert list(runtimes(tmp_path)) == ["module.loop.aws_lambda_function.f"]


def test_a_broken_file_is_named_and_the_rest_of_the_folder_is_read(tmp_path: Path) -> None:
    write(tmp_path, {"a.tf": FUNCTION.format(name="f", expr='"nodejs16.x"'), "b.tf": 'resource "x" {\n'})
    subjects, errors = evaluate_folder(str(tmp_path))
    assert [s.resource for s in subjects] == ["aws_lambda_function.f"]
    assert list(errors) == [str(tmp_path / "b.tf")]
    assert errors[str(tmp_path / "b.tf")].startswith(f"{tmp_path / 'b.tf'}:")


def _chain(levels: int) -> str:
    lines = ['locals {\n  a0 = var.c ? "python3.8" : "python3.9"']
    lines += [f"  a{i} = var.c ? local.a{i - 1} : local.a{i - 1}" for i in range(1, levels)]
    return "\n".join(lines) + "\n}\n" + FUNCTION.format(name="f", expr=f"local.a{levels - 1}")


def test_conditional_chains_stay_linear() -> None:
    """Each level of a chain of conditionals over locals is evaluated once (2**14 paths here, 2 values)."""
    started = time.perf_counter()
    (subject,) = subjects_from_hcl(_chain(14), "main.tf")
    assert sorted({v.value for v in subject.runtimes}) == ["python3.8", "python3.9"]  # type: ignore[union-attr]
    assert len(subject.runtimes) <= MAX_VALUES  # type: ignore[union-attr]
    (subject,) = subjects_from_hcl(_chain(400), "main.tf")  # past the depth limit: unresolved, quickly
    assert subject.runtimes == ()  # type: ignore[union-attr]
    assert time.perf_counter() - started < 10


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12) | st.sampled_from(["${var.x}", "${", "${}"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(["resource", "variable", "locals", "module", "output", "x"]),
        st.dictionaries(
            st.sampled_from(["aws_lambda_function", "aws_lambda_layer_version", "f", "rt"]),
            _json_values,
            max_size=3,
        ),
        max_size=4,
    )
)
def test_any_tf_json_document_reads_without_raising(document: dict[str, object]) -> None:
    with contextlib.suppress(TerraformError):
        subjects_from_hcl(json.dumps(document), "main.tf.json")


def test_a_string_that_makes_the_hcl_parser_backtrack_is_refused_in_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """bc-python-hcl2's string pattern is exponential on an unclosed interpolation: 16 letters took minutes."""
    monkeypatch.setattr(hcl, "PARSE_SECONDS", 1.0)
    text = FUNCTION.format(name="f", expr='"python${(' + "J" * 24 + '\\"}"')
    started = time.perf_counter()
    with pytest.raises(TerraformError, match="parser gave up after 1 s"):
        subjects_from_hcl(text, "main.tf")
    assert time.perf_counter() - started < 5


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_any_interpolation_text_reads_without_raising(inner: str) -> None:
    text = FUNCTION.format(name="f", expr=json.dumps("python${" + inner + "}"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hcl, "PARSE_SECONDS", 0.5)  # a backtracking example is refused quickly
        with contextlib.suppress(TerraformError):
            subjects_from_hcl(text, "main.tf")
