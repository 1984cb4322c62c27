"""CloudFormation/SAM/CDK templates -> subjects: every reachable value, with its line, and never a crash."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_runtime_rules.loader import LoadError, load_file, load_text
from lambda_runtime_rules.model import FunctionSubject, LayerSubject, Value
from lambda_runtime_rules.sources.cloudformation import MAX_VALUES, is_template, subjects

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources" / "cloudformation"
GLOBALS = "inherited from Globals"


def _by_name(path: Path) -> dict[str, Any]:
    return {s.resource: s for s in subjects(load_file(path), path.name)}


def _plain(values: tuple[Value, ...]) -> list[tuple[object, int, int, str]]:
    return [(v.value, v.line, v.column, v.via) for v in values]


INTRINSICS = [
    (
        "ParamFunction",
        "runtimes",
        [
            ("nodejs14.x", 6, 14, "when LegacyRuntime is nodejs14.x"),
            ("nodejs20.x", 9, 9, "when LegacyRuntime is nodejs20.x"),
        ],
    ),
    (
        "ParamFunction",
        "architectures",
        [
            ("x86_64", 15, 14, "when Arches is x86_64,arm64"),
            ("arm64", 15, 14, "when Arches is x86_64,arm64"),
        ],
    ),
    (
        "IfFunction",
        "runtimes",
        [("python3.12", 38, 29, "when IsProd is true"), ("python3.9", 38, 41, "when IsProd is false")],
    ),
    (
        "IfFunction",
        "architectures",
        [("arm64", 40, 24, "when IsProd is true"), ("x86_64", 40, 31, "when IsProd is false")],
    ),
    ("IfFunction", "update_modes", [("Manual", 42, 26, "")]),
    # Fn::Sub with variables: not resolvable, but present (so Manual is not "missing its ARN")
    ("IfFunction", "runtime_version_arns", [(None, 43, 28, "")]),
    (
        "MapFunction",
        "runtimes",
        [
            ("python3.8", 21, 16, "from mapping RuntimeByStage.dev.Runtime"),
            ("python3.12", 23, 16, "from mapping RuntimeByStage.prod.Runtime"),
        ],
    ),
    (
        "RegionMapFunction",
        "runtimes",
        [
            ("java8", 26, 16, "from mapping Everywhere.us-east-1.Runtime"),
            ("java21", 28, 16, "from mapping Everywhere.eu-west-1.Runtime"),
        ],
    ),
    ("OpaqueFunction", "runtimes", []),
    ("OpaqueFunction", "architectures", []),
    (
        "Layer",
        "compatible_runtimes",
        [
            ("python3.11", 61, 11, ""),
            ("nodejs14.x", 6, 14, "when LegacyRuntime is nodejs14.x"),
            ("nodejs20.x", 9, 9, "when LegacyRuntime is nodejs20.x"),
        ],
    ),
    (
        "Layer",
        "compatible_architectures",
        [
            ("arm64", 63, 46, "when IsProd is true"),
            ("x86_64", 63, 55, "when IsProd is false"),
            ("arm64", 63, 63, "when IsProd is false"),
        ],
    ),
]


@pytest.mark.parametrize(("resource", "field", "expected"), INTRINSICS)
def test_intrinsics_resolve_to_every_value(resource: str, field: str, expected: list[Any]) -> None:
    subject = _by_name(FIXTURES / "intrinsics.yaml")[resource]
    assert _plain(getattr(subject, field)) == expected


def test_intrinsics_subject_order_types_and_lines() -> None:
    found = subjects(load_file(FIXTURES / "intrinsics.yaml"), "intrinsics.yaml")
    assert [(s.resource, s.resource_type, s.line) for s in found] == [
        ("ParamFunction", "AWS::Lambda::Function", 30),
        ("IfFunction", "AWS::Lambda::Function", 42),  # where RuntimeManagementConfig sits
        ("MapFunction", "AWS::Lambda::Function", 44),
        ("RegionMapFunction", "AWS::Lambda::Function", 48),
        ("OpaqueFunction", "AWS::Lambda::Function", 52),
        ("Layer", "AWS::Lambda::LayerVersion", 57),
        # Fn::ForEach (the template declares AWS::LanguageExtensions): one function per item, on the output key
        ("AFunction", "AWS::Lambda::Function", 67),
        ("BFunction", "AWS::Lambda::Function", 67),
    ]
    assert {s.file for s in found} == {"intrinsics.yaml"}
    assert isinstance(found[5], LayerSubject)


SAM = [
    (
        "Inherits",
        {
            "runtimes": [("python3.9", 4, 14, GLOBALS)],
            "architectures": [("arm64", 6, 9, GLOBALS)],
            "update_modes": [("Manual", 8, 24, GLOBALS)],
            "runtime_version_arns": [("arn:aws:lambda:us-east-1::runtime:global", 9, 26, GLOBALS)],
        },
        8,
        "Inherits",
    ),
    (
        "Overrides",  # own scalar wins, own Architectures replace, RuntimeManagementConfig merges key by key
        {
            "runtimes": [("nodejs22.x", 18, 16, "")],
            "architectures": [("x86_64", 19, 23, "")],
            "update_modes": [("FunctionUpdate", 21, 26, "")],
            "runtime_version_arns": [("arn:aws:lambda:us-east-1::runtime:global", 9, 26, GLOBALS)],
        },
        21,
        "Overrides",
    ),
    (
        "IntrinsicConfig",  # an intrinsic is a primitive for SAM: the local value wins whole
        {
            "runtimes": [("python3.9", 4, 14, GLOBALS)],
            "architectures": [("arm64", 6, 9, GLOBALS)],
            "update_modes": [],
            "runtime_version_arns": [],
        },
        25,
        "IntrinsicConfig",
    ),
    (
        "IgnoresAll",
        {"runtimes": [("ruby3.3", 30, 16, "")], "architectures": [], "update_modes": []},
        26,
        "",
    ),
    (
        "IgnoresSome",
        {"runtimes": [], "architectures": [("arm64", 6, 9, GLOBALS)], "update_modes": []},
        31,
        "IgnoresSome",
    ),
    ("PlainLambda", {"runtimes": [("go1.x", 39, 16, "")], "architectures": []}, 36, ""),
]


@pytest.mark.parametrize(("resource", "fields", "line", "applies_to"), SAM)
def test_sam_globals_merge_like_the_translator(
    resource: str, fields: dict[str, list[Any]], line: int, applies_to: str
) -> None:
    subject = _by_name(FIXTURES / "sam_globals.yaml")[resource]
    assert isinstance(subject, FunctionSubject)
    for field, expected in fields.items():
        named = [(v, ln, col, f"{via} by {resource}" if via == GLOBALS else via) for v, ln, col, via in expected]
        assert _plain(getattr(subject, field)) == named, field
    assert subject.line == line
    assert subject.applies_to == applies_to


def test_json_template_lines() -> None:
    [subject] = subjects(load_file(FIXTURES / "template.json"), "template.json")
    assert subject == FunctionSubject(
        resource="Handler",
        runtimes=(Value("nodejs16.x", 10, 20),),
        architectures=(Value("arm64", 11, 27),),
        line=7,
        file="template.json",
        resource_type="AWS::Lambda::Function",
    )


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        # FindInMap narrowed by a parameter's AllowedValues
        (
            "Parameters: {Env: {Type: String, AllowedValues: [b]}}\n"
            "Mappings: {M: {a: {R: java8}, b: {R: java17}}}\n"
            "Resources: {F: {Type: AWS::Lambda::Function, Properties: "
            "{Runtime: !FindInMap [M, !Ref Env, R]}}}",
            "runtimes",
            [("java17", 2, 38, "from mapping M.b.R")],
        ),
        # FindInMap with a list leaf feeds Architectures; an unknown second key means every key
        (
            "Mappings: {M: {a: {A: [arm64]}, b: {A: [x86_64]}}}\n"
            "Resources: {F: {Type: AWS::Lambda::Function, Properties: "
            "{Architectures: !FindInMap [M, a, !Ref X]}}}",
            "architectures",
            [("arm64", 1, 24, "from mapping M.a.A")],
        ),
        # LanguageExtensions FindInMap default
        (
            "Resources: {F: {Type: AWS::Lambda::Function, Properties: "
            "{Runtime: !FindInMap [Nope, a, b, {DefaultValue: python3.13}]}}}",
            "runtimes",
            [("python3.13", 1, 107, "default of Fn::FindInMap")],
        ),
        # Default repeated in AllowedValues is reported once, at the Default
        (
            "Parameters: {P: {Type: String, Default: go1.x, AllowedValues: [go1.x, provided.al2023]}}\n"
            "Resources: {F: {Type: AWS::Lambda::Function, Properties: {Runtime: !Ref P}}}",
            "runtimes",
            [("go1.x", 1, 41, "when P is go1.x"), ("provided.al2023", 1, 71, "when P is provided.al2023")],
        ),
        # pseudo parameters, resources, GetAtt, ImportValue, Join, Sub with variables: nothing
        (
            "Resources: {F: {Type: AWS::Lambda::Function, Properties: {Runtime: !Ref AWS::Region}}}",
            "runtimes",
            [],
        ),
        (
            "Resources: {F: {Type: AWS::Lambda::Function, Properties: {Runtime: !ImportValue X}}}",
            "runtimes",
            [],
        ),
        (
            "Resources: {F: {Type: AWS::Lambda::Function, Properties: {Runtime: !Join ['', [py, thon3.8]]}}}",
            "runtimes",
            [],
        ),
        (
            "Resources: {F: {Type: AWS::Lambda::Function, Properties: {Runtime: !Sub '${X}3.8'}}}",
            "runtimes",
            [],
        ),
        # Fn::Sub in its list form with a variable-free string
        (
            "Resources: {F: {Type: AWS::Lambda::Function, Properties: {Runtime: !Sub [python3.8, {}]}}}",
            "runtimes",
            [("python3.8", 1, 74, "")],
        ),
        # nested Fn::If
        (
            "Resources: {F: {Type: AWS::Lambda::Function, Properties: "
            "{Runtime: !If [A, !If [B, nodejs18.x, !Ref AWS::NoValue], java21]}}}",
            "runtimes",
            [("nodejs18.x", 1, 84, "when A is true, when B is true"), ("java21", 1, 116, "when A is false")],
        ),
    ],
)
def test_resolution_cases(text: str, field: str, expected: list[Any]) -> None:
    [subject] = subjects(load_text(text, "t.yaml"))
    assert _plain(getattr(subject, field)) == expected


def test_fan_out_is_capped() -> None:
    keys = ", ".join(f"k{i}: {{R: r{i}}}" for i in range(MAX_VALUES + 50))
    text = (
        f"Mappings: {{M: {{{keys}}}}}\n"
        "Resources: {F: {Type: AWS::Lambda::Function, Properties: {Runtime: !FindInMap [M, !Ref X, R]}}}"
    )
    [subject] = subjects(load_text(text, "t.yaml"))
    assert len(subject.runtimes) == MAX_VALUES


@pytest.mark.parametrize(
    "doc",
    [None, [], "Resources", {"Resources": []}, {"Resources": None}, {"Resources": {}}, {"resources": {}}],
)
def test_non_templates(doc: object) -> None:
    assert subjects(doc) == []


def test_is_template() -> None:
    assert is_template({"Resources": {}})
    assert not is_template({"Resources": [1]})


def test_host_trees_give_the_same_subjects() -> None:
    from cfnlint.decode import decode
    from checkov.cloudformation.parser import parse

    for name in ("intrinsics.yaml", "sam_globals.yaml", "template.json"):
        path = FIXTURES / name
        ours = subjects(load_file(path), name)
        cfn_template, _ = decode(str(path))
        checkov_template, _ = parse(str(path))
        assert subjects(cfn_template, name) == ours, name
        assert subjects(checkov_template, name) == ours, name


# ------------------------------------------------------------------------------------------- property-based

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(["python3.8", "arm64", "Manual", "{{resolve:ssm:x}}", "${X}", "a.b", "P", "M", "*"]),
)
_names = st.sampled_from(
    ["Ref", "Fn::If", "Fn::FindInMap", "Fn::Sub", "Fn::GetAtt", "Fn::Join", "Condition", "Fn::ForEach::X"]
)


def _extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=6), st.integers(), st.none()), children, max_size=3),
        st.dictionaries(_names, children, min_size=1, max_size=2),
    )


_values = st.recursive(_scalars, _extend, max_leaves=20)
_function_types = st.sampled_from(
    [
        "AWS::Lambda::Function",
        "AWS::Serverless::Function",
        "AWS::Lambda::LayerVersion",
        "AWS::Serverless::LayerVersion",
    ]
)
_props = st.fixed_dictionaries(
    {},
    optional={
        "Runtime": _values,
        "Architectures": _values,
        "RuntimeManagementConfig": st.one_of(
            _values,
            st.fixed_dictionaries({}, optional={"UpdateRuntimeOn": _values, "RuntimeVersionArn": _values}),
        ),
        "CompatibleRuntimes": _values,
        "CompatibleArchitectures": _values,
    },
)
_resource = st.one_of(
    _values,
    st.fixed_dictionaries(
        {"Type": st.one_of(_function_types, _values)},
        optional={"Properties": st.one_of(_props, _values), "IgnoreGlobals": _values},
    ),
)
_templates = st.fixed_dictionaries(
    {"Resources": st.dictionaries(st.one_of(st.text(max_size=5), st.integers()), _resource, max_size=3)},
    optional={
        "Parameters": st.one_of(
            _values,
            st.dictionaries(
                st.sampled_from(["P", "Q", "python3.8"]),
                st.one_of(
                    _values,
                    st.fixed_dictionaries(
                        {}, optional={"Type": _values, "Default": _values, "AllowedValues": _values}
                    ),
                ),
            ),
        ),
        "Mappings": st.one_of(
            _values,
            st.dictionaries(
                st.sampled_from(["M", "N"]),
                st.one_of(_values, st.dictionaries(st.sampled_from(["P", "a"]), _values, max_size=2)),
            ),
        ),
        "Globals": st.one_of(_values, st.fixed_dictionaries({"Function": st.one_of(_props, _values)})),
    },
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_templates)
def test_subjects_never_raise(template: dict[str, Any]) -> None:
    for subject in subjects(template, "fuzz.yaml"):
        groups = (
            (subject.runtimes, subject.architectures, subject.update_modes, subject.runtime_version_arns)
            if isinstance(subject, FunctionSubject)
            else (subject.compatible_runtimes, subject.compatible_architectures)
        )
        for group in groups:
            assert len(group) <= MAX_VALUES
            # A written but unresolvable RuntimeVersionArn is one Value(None): present, value unknown.
            unresolved_arn = isinstance(subject, FunctionSubject) and group is subject.runtime_version_arns
            assert all(isinstance(v.value, str) or (unresolved_arn and v.value is None) for v in group)


@settings(max_examples=200, deadline=None)
@given(_values)
def test_subjects_never_raise_on_any_document(doc: Any) -> None:
    subjects(doc)
    subjects({"Resources": {"F": {"Type": "AWS::Serverless::Function", "Properties": doc}}, "Globals": doc})


# ------------------------------------------------------------------------------------------- corpus

_KINDS = {"cfn-yaml", "cfn-json", "sam", "cdk", "serverless"}


def test_corpus_loads_and_resolves(corpus_dir: Path) -> None:
    with (corpus_dir / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle, delimiter="\t") if row["kind"] in _KINDS]
    assert rows, "no CloudFormation/SAM/CDK/Serverless files in the manifest"
    loaded = refused = templates = 0
    for row in rows:
        path = corpus_dir / row["local_path"]
        try:
            doc = load_file(path)
        except LoadError as exc:
            assert "\n" not in str(exc), path
            refused += 1
            continue
        loaded += 1
        if row["kind"] != "serverless" and is_template(doc):
            templates += 1
            subjects(doc, str(path))
    assert loaded >= len(rows) * 0.95, (loaded, refused)
    assert templates > 0
