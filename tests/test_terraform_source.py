"""Terraform source: every value with its line, across the hcl2 flavours Checkov and users install."""

from __future__ import annotations

import contextlib
import csv
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_runtime_rules.model import FunctionSubject, LayerSubject, Value
from lambda_runtime_rules.sources.terraform import (
    TerraformError,
    evaluate_folder,
    parse_hcl,
    subjects_from_hcl,
    variable_defaults,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources" / "terraform"
MAIN = (FIXTURES / "main.tf").read_text(encoding="utf-8")


def _by_resource(text: str, **kwargs: object) -> dict[str, FunctionSubject | LayerSubject]:
    return {s.resource: s for s in subjects_from_hcl(text, "main.tf", **kwargs)}  # type: ignore[arg-type]


def _triples(values: tuple[Value, ...]) -> list[tuple[object, int, str]]:
    return [(v.value, v.line, v.via) for v in values]


SUBJECTS = _by_resource(MAIN)

# (resource, field, [(value, line, via), ...])
CASES = [
    ("aws_lambda_function.literal", "runtimes", [("nodejs16.x", 20, "")]),
    ("aws_lambda_function.literal", "architectures", [("x86_64", 22, ""), ("x86_64", 14, "from local.arch")]),
    # a variable default sits where it is written: that is the line to edit
    ("aws_lambda_function.variables", "runtimes", [("python3.8", 3, "from the default of var.runtime")]),
    ("aws_lambda_function.variables", "architectures", [("arm64", 8, "from the default of var.archs")]),
    (
        "aws_lambda_function.conditional",
        "runtimes",
        [("nodejs14.x", 33, 'when var.legacy == "yes"'), ("nodejs20.x", 33, 'unless var.legacy == "yes"')],
    ),
    ("aws_lambda_function.unresolvable", "runtimes", []),
    ("aws_lambda_function.unresolvable", "architectures", []),
    ("aws_lambda_function.image", "runtimes", []),
    # the runtime management config is linked to its function (by reference) and joins its subject
    ("aws_lambda_function.literal", "update_modes", [("Manual", 48, "")]),
    (
        "aws_lambda_function.literal",
        "runtime_version_arns",
        [("arn:aws:lambda:us-east-1::runtime:0123abcd", 49, "")],
    ),
    ("awscc_lambda_function.cc", "runtimes", [("python3.12", 53, "")]),
    ("awscc_lambda_function.cc", "architectures", [("arm64", 54, "")]),
    ("awscc_lambda_function.cc", "update_modes", [("FunctionUpdate", 56, "")]),
    (
        "awscc_lambda_function.cc",
        "runtime_version_arns",
        [("arn:aws:lambda:us-east-1::runtime:4567", 57, "")],
    ),
    (
        "aws_lambda_layer_version.layer",
        "compatible_runtimes",
        [("python3.9", 63, ""), ("python3.10", 63, "")],
    ),
    ("aws_lambda_layer_version.layer", "compatible_architectures", [("arm64", 64, ""), ("x86_64", 64, "")]),
    ("awscc_lambda_layer_version.cc_layer", "compatible_runtimes", [("nodejs18.x", 68, "")]),
]


@pytest.mark.parametrize(("resource", "field", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_values_and_lines(resource: str, field: str, expected: list[tuple[object, int, str]]) -> None:
    assert _triples(getattr(SUBJECTS[resource], field)) == expected


@pytest.mark.parametrize(
    ("resource", "kind", "line"),
    [
        ("aws_lambda_function.literal", "aws_lambda_function", 46),
        ("aws_lambda_function.image", "aws_lambda_function", 41),
        # the line of runtime_management_config itself, for "Manual without an ARN"
        ("awscc_lambda_function.cc", "awscc_lambda_function", 55),
        ("aws_lambda_layer_version.layer", "aws_lambda_layer_version", 61),
        ("awscc_lambda_layer_version.cc_layer", "awscc_lambda_layer_version", 67),
    ],
)
def test_subject_metadata(resource: str, kind: str, line: int) -> None:
    subject = SUBJECTS[resource]
    assert (subject.resource_type, subject.line, subject.file) == (kind, line, "main.tf")


def test_only_lambda_resources_in_file_order() -> None:
    assert list(SUBJECTS) == [
        "aws_lambda_function.literal",
        "aws_lambda_function.variables",
        "aws_lambda_function.conditional",
        "aws_lambda_function.unresolvable",
        "aws_lambda_function.image",
        "awscc_lambda_function.cc",
        "aws_lambda_layer_version.layer",
        "awscc_lambda_layer_version.cc_layer",
    ]
    assert isinstance(SUBJECTS["aws_lambda_layer_version.layer"], LayerSubject)


def test_columns_are_one_based_and_point_at_the_value() -> None:
    (value,) = SUBJECTS["aws_lambda_function.literal"].runtimes  # type: ignore[union-attr]
    line = MAIN.splitlines()[value.line - 1]
    assert line[value.column - 1 :].startswith('"nodejs16.x"')


def test_variable_defaults_gathered_from_a_module_directory() -> None:
    other = (FIXTURES / "other_file.tf").read_text(encoding="utf-8")
    assert variable_defaults(other) == {"shared_runtime": "ruby2.7", "count_of_things": 3}
    assert variable_defaults(MAIN) == {"runtime": "python3.8", "archs": ["arm64"]}
    user = (FIXTURES / "uses_other_file.tf").read_text(encoding="utf-8")
    assert subjects_from_hcl(user)[0].runtimes == ()  # type: ignore[union-attr]
    (subject,) = subjects_from_hcl(user, "uses_other_file.tf", variables=variable_defaults(other))
    assert _triples(subject.runtimes) == [("ruby2.7", 0, "from the default of var.shared_runtime")]  # type: ignore[union-attr]


def test_a_folder_is_one_module() -> None:
    """evaluate_folder reads the default from other_file.tf, and the value sits there, at its line."""
    subjects, errors = evaluate_folder(str(FIXTURES), [str(FIXTURES / "uses_other_file.tf")])
    assert str(FIXTURES / "invalid.tf.txt") not in errors and not errors
    (subject,) = subjects
    (value,) = subject.runtimes  # type: ignore[union-attr]
    assert (value.value, value.line, value.file, value.via) == (
        "ruby2.7",
        4,
        str(FIXTURES / "other_file.tf"),
        "from the default of var.shared_runtime",
    )


def test_caller_variables_override_the_files_own_defaults() -> None:
    subject = _by_resource(MAIN, variables={"runtime": "java8"})["aws_lambda_function.variables"]
    assert _triples(subject.runtimes) == [("java8", 0, "from the default of var.runtime")]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"python3.9"', ["python3.9"]),
        ('"py\\"thon"', ['py"thon']),
        ('("python3.9")', ["python3.9"]),
        ('var.missing ? "a" : "b"', ["a", "b"]),
        ('x == "/" ? "a" : var.r', ["a", "r9"]),  # bc-python-hcl2 mis-associates this; re-associated
        ('a ? (b ? "x" : "y") : "z"', ["x", "y", "z"]),
        ('x == (c ? "a" : "b")', []),  # a bool, whatever the branches
        ('"${var.r}"', ["r9"]),  # a lone interpolation is the variable itself
        ('"${var.r}-x"', ["r9-x"]),  # a template whose parts are known
        ('"${var.unknown}-x"', []),
        ('"%{if true}x%{endif}"', []),
        ("local.loop", []),
        ("upper(var.r)", []),
        ("data.aws_x.y.runtime", []),
        ("module.m.runtime", []),
        ("var.r[0]", []),
        ("null", []),
        ("3", []),
        ("true", []),
        ('["python3.9"]', []),  # a list where one string belongs
        ("<<EOT\npython3.9\nEOT", []),
        ('""', []),  # the AWS provider reads a blank runtime as unset (terraform-aws-lambda's default)
        ('"  "', []),
        ('var.missing ? "" : "python3.9"', ["python3.9"]),
    ],
)
def test_runtime_expressions(expression: str, expected: list[str]) -> None:
    text = (
        'variable "r" {\n  default = "r9"\n}\nlocals {\n  loop = local.loop\n}\n'
        f'resource "aws_lambda_function" "f" {{\n  runtime = {expression}\n}}\n'
    )
    (subject,) = subjects_from_hcl(text)
    assert [v.value for v in subject.runtimes] == expected  # type: ignore[union-attr]
    # a value from the variable default sits on the default's line, every other on the attribute's
    assert all(v.line == (2 if v.value == "r9" else 8) for v in subject.runtimes)  # type: ignore[union-attr]


def test_parse_failure_is_one_human_line() -> None:
    with pytest.raises(TerraformError) as caught:
        subjects_from_hcl((FIXTURES / "invalid.tf.txt").read_text(encoding="utf-8"), "invalid.tf")
    message = str(caught.value)
    assert message.startswith("invalid.tf:") and "\n" not in message
    with pytest.raises(TerraformError):
        variable_defaults("variable {")
    with pytest.raises(TerraformError):
        parse_hcl('resource "a" "b" {')


def test_empty_and_comment_only_files() -> None:
    assert subjects_from_hcl("") == []
    assert subjects_from_hcl("# nothing\n// here\n/* at all */\n") == []


# --- properties --------------------------------------------------------------------------------------------

_SAFE_CHARS = st.characters(min_codepoint=32, max_codepoint=0x2FFF, blacklist_characters='"\\$%')
_STRINGS = st.text(_SAFE_CHARS, max_size=20)


def _literal() -> st.SearchStrategy[str]:
    scalars = st.one_of(
        st.text(max_size=20).map(lambda s: json.dumps(s)),
        st.integers().map(str),
        st.floats(allow_nan=False, allow_infinity=False, max_value=1e9, min_value=-1e9).map("{:.3f}".format),
        st.sampled_from(["true", "false", "null", "var.x", "local.y", "var.nope", "data.a.b.c", '"${var.x}"']),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
            st.dictionaries(st.sampled_from(["a", "update_runtime_on", "runtime_version_arn"]), inner, max_size=3).map(
                lambda d: "{\n" + "\n".join(f"{k} = {v}" for k, v in d.items()) + "\n}"
            ),
            st.tuples(inner, inner, inner).map(lambda t: f"{t[0]} ? {t[1]} : {t[2]}"),
        ),
        max_leaves=8,
    )


_ATTRIBUTES = {
    "aws_lambda_function": ["runtime", "architectures"],
    "aws_lambda_layer_version": ["compatible_runtimes", "compatible_architectures"],
    "aws_lambda_runtime_management_config": ["update_runtime_on", "runtime_version_arn"],
    "awscc_lambda_function": ["runtime", "architectures", "runtime_management_config"],
    "awscc_lambda_layer_version": ["compatible_runtimes", "compatible_architectures"],
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(sorted(_ATTRIBUTES)),
    values=st.lists(_literal(), min_size=5, max_size=5),
    default=_literal(),
)
def test_no_literal_breaks_subjects(kind: str, values: list[str], default: str) -> None:
    body = "\n".join(f"  {name} = {value}" for name, value in zip(_ATTRIBUTES[kind], values))
    text = f'variable "x" {{\n  default = {default}\n}}\nlocals {{\n  y = {values[-1]}\n}}\n'
    text += f'resource "{kind}" "r" {{\n{body}\n}}\n'
    try:
        subjects = subjects_from_hcl(text, "gen.tf")
    except TerraformError:
        return  # e.g. a list key the grammar rejects: fine, as long as it is this error
    assert [s.resource for s in subjects] == [f"{kind}.r"]
    for subject in subjects:
        for field in ("runtimes", "architectures", "update_modes", "runtime_version_arns"):
            assert all(isinstance(v.value, str) and v.line > 0 for v in getattr(subject, field, ()))


@settings(max_examples=100, deadline=None)
@given(_STRINGS)
def test_string_literals_round_trip(runtime: str) -> None:
    text = f'resource "aws_lambda_function" "f" {{\n  runtime = {json.dumps(runtime, ensure_ascii=False)}\n}}\n'
    (subject,) = subjects_from_hcl(text)
    expected = [(runtime, 2, 13)] if runtime.strip() else []  # blank means unset
    assert [(v.value, v.line, v.column) for v in subject.runtimes] == expected  # type: ignore[union-attr]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_raises_only_terraform_error(text: str) -> None:
    with contextlib.suppress(TerraformError):
        subjects_from_hcl(text)


# --- the corpus --------------------------------------------------------------------------------------------


def test_corpus(corpus_dir: Path) -> None:
    with open(corpus_dir / "MANIFEST.tsv", encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle, delimiter="\t") if row["kind"] == "terraform"]
    assert rows, "the manifest lists no terraform files"
    functions_with_runtime = 0
    failures: list[str] = []
    for row in rows:
        text = (corpus_dir / row["local_path"]).read_text(encoding="utf-8", errors="replace")
        try:
            subjects = subjects_from_hcl(text, row["local_path"])
        except TerraformError as exc:
            failures.append(str(exc))
            continue
        functions_with_runtime += sum(1 for s in subjects if getattr(s, "runtimes", ()))
    # python-hcl2 >= 7 rejects one heredoc whose end marker has trailing spaces; bc-python-hcl2 does not.
    assert len(failures) <= 1, failures
    assert functions_with_runtime > len(rows) // 2
