"""Serverless Framework source: provider inheritance, runtimeManagement vocabulary, ${self:} references."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_runtime_rules.loader import LoadError, load_file, load_text
from lambda_runtime_rules.model import FunctionSubject, LayerSubject, Value
from lambda_runtime_rules.sources.serverless import FUNCTION_TYPE, LAYER_TYPE, is_serverless, subjects

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "sources" / "serverless" / "serverless.yml"
SUBJECTS: dict[str, FunctionSubject | LayerSubject] = {
    s.resource: s for s in subjects(load_file(FIXTURE), "sls")
}

P_RUNTIME = ("nodejs16.x", 12, "inherited from provider.runtime")
P_ARCH = ("arm64", 13, "inherited from provider.architecture")
P_MODE = ("FunctionUpdate", 14, "inherited from provider.runtimeManagement")


def _triples(values: tuple[Value, ...]) -> list[tuple[object, int, str]]:
    return [(v.value, v.line, v.via) for v in values]


# (resource, field, [(value, line, via), ...])
CASES = [
    ("functions.inherits", "runtimes", [P_RUNTIME]),
    ("functions.inherits", "architectures", [P_ARCH]),
    ("functions.inherits", "update_modes", [P_MODE]),
    ("functions.inherits", "runtime_version_arns", []),
    ("functions.overrides", "runtimes", [("python3.9", 5, "via ${self:custom.runtime}")]),
    ("functions.overrides", "architectures", [("x86_64", 22, "")]),
    ("functions.overrides", "update_modes", [("Manual", 24, "")]),
    ("functions.overrides", "runtime_version_arns", [("arn:aws:lambda:us-east-1::runtime:0123abcd", 25, "")]),
    ("functions.container", "runtimes", []),  # an image: no provider runtime
    ("functions.container", "architectures", [P_ARCH]),
    # Serverless drops Runtime when it compiles an image function: nothing reaches AWS to judge
    ("functions.container_with_runtime", "runtimes", []),
    # ${opt:runtime, 'nodejs18.x'}: the fallback is a value the function takes when the option is not given
    ("functions.option_default", "runtimes", [("nodejs18.x", 33, "from the default of ${opt:runtime}")]),
    ("functions.option_default", "update_modes", [("Auto", 34, "")]),
    ("functions.looping", "runtimes", []),  # ${self:custom.loop} refers to itself
    (
        "layers.shared",
        "compatible_runtimes",
        [("python3.8", 43, ""), ("python3.9", 5, "via ${self:custom.runtime}")],
    ),
    ("layers.shared", "compatible_architectures", [("arm64", 7, "via ${self:custom.archs}")]),
]


@pytest.mark.parametrize(("resource", "field", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_values_and_lines(resource: str, field: str, expected: list[tuple[object, int, str]]) -> None:
    assert _triples(getattr(SUBJECTS[resource], field)) == expected


@pytest.mark.parametrize(
    ("resource", "line", "applies_to"),
    [
        ("functions.inherits", 14, "functions.inherits"),  # where the inherited runtimeManagement sits
        ("functions.overrides", 24, ""),
        ("functions.option_default", 34, "functions.option_default"),
    ],
)
def test_function_metadata(resource: str, line: int, applies_to: str) -> None:
    subject = SUBJECTS[resource]
    assert isinstance(subject, FunctionSubject)
    assert (subject.line, subject.applies_to, subject.resource_type, subject.file) == (
        line,
        applies_to,
        FUNCTION_TYPE,
        "sls",
    )


def test_layers_and_order() -> None:
    assert list(SUBJECTS) == [
        "functions.inherits",
        "functions.overrides",
        "functions.container",
        "functions.container_with_runtime",
        "functions.option_default",
        "functions.looping",
        "layers.shared",
    ]
    layer = SUBJECTS["layers.shared"]
    assert isinstance(layer, LayerSubject)
    assert (layer.line, layer.resource_type) == (40, LAYER_TYPE)


@pytest.mark.parametrize(
    ("setting", "modes", "arns"),
    [
        ("auto", ["Auto"], []),
        ("onFunctionUpdate", ["FunctionUpdate"], []),
        ("manual", ["Manual"], []),
        ("{mode: manual}", ["Manual"], []),
        ("{mode: auto, arn: 'arn:x'}", ["Auto"], ["arn:x"]),
        ("{arn: 'arn:x'}", [], ["arn:x"]),
        ("sometimes", [], []),
        ("${opt:mode}", [], []),
        ("${self:custom.mode}", ["Manual"], []),
        ("[auto]", [], []),
        ("3", [], []),
    ],
)
def test_runtime_management(setting: str, modes: list[str], arns: list[str]) -> None:
    doc = load_text(
        f"service: s\ncustom:\n  mode: manual\nprovider:\n  runtimeManagement: {setting}\nfunctions:\n  f:\n"
        "    handler: h\n"
    )
    (subject,) = subjects(doc)
    assert isinstance(subject, FunctionSubject)
    assert [v.value for v in subject.update_modes] == modes
    assert [v.value for v in subject.runtime_version_arns] == arns


def test_values_are_plain_strings() -> None:
    value = SUBJECTS["functions.inherits"].runtimes[0]  # type: ignore[union-attr]
    assert type(value.value) is str


def test_plain_yaml_without_positions_and_v1_function_lists() -> None:
    doc = yaml.safe_load("service: s\nprovider: {runtime: python3.9}\nfunctions:\n  - a: {handler: h}\n")
    (subject,) = subjects(doc, "x")
    assert _triples(subject.runtimes) == [("python3.9", 0, "inherited from provider.runtime")]  # type: ignore[union-attr]
    assert subject.resource == "functions.a"


def test_checkov_metadata_keys_are_not_functions() -> None:
    doc = {
        "service": "s",
        "functions": {"__startline__": 3, "__endline__": 9, "f": {"runtime": "go1.x", "__startline__": 4}},
    }
    (subject,) = subjects(doc)
    assert (subject.resource, subject.line) == ("functions.f", 4)
    assert _triples(subject.runtimes) == [("go1.x", 4, "")]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"service": "s", "provider": {}}, True),
        ({"service": "s", "functions": {}}, True),
        ({"service": "s"}, False),
        ({"provider": {}, "functions": {}}, False),
        ({"Resources": {}}, False),
        ([], False),
        ("service", False),
        (None, False),
    ],
)
def test_is_serverless(doc: object, expected: bool) -> None:
    assert is_serverless(doc) is expected
    if not expected:
        assert subjects(doc) == []


# --- properties --------------------------------------------------------------------------------------------

_ANY = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(
        [
            "python3.9",
            "arm64",
            "manual",
            "${self:custom}",
            "${self:custom.x}",
            "${self:functions.f.runtime}",
            "${self:provider.runtime}",
            "${self:layers.0}",
            "${self:}",
            "${opt:x, 'y'}",
        ]
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=3)
    ),
    max_leaves=10,
)
_FUNCTION_KEYS = ["runtime", "architecture", "runtimeManagement", "image", "handler"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    provider=st.fixed_dictionaries({}, optional={k: _ANY for k in _FUNCTION_KEYS}) | _ANY,
    function=st.fixed_dictionaries({}, optional={k: _ANY for k in _FUNCTION_KEYS}) | _ANY,
    layer=st.fixed_dictionaries({}, optional={"compatibleRuntimes": _ANY, "compatibleArchitectures": _ANY})
    | _ANY,
    custom=_ANY,
    functions=st.sampled_from(["mapping", "list", "other"]),
)
def test_no_value_breaks_subjects(
    provider: object, function: object, layer: object, custom: object, functions: str
) -> None:
    section: object = {"f": function} if functions == "mapping" else [{"f": function}, None]
    if functions == "other":
        section = function
    layers = [{"l": layer}] if functions == "list" else {"l": layer}
    doc = {
        "service": "s",
        "custom": {"x": custom},
        "provider": provider,
        "functions": section,
        "layers": layers,
    }
    for subject in subjects(doc, "gen.yml"):
        for field in (
            "runtimes",
            "architectures",
            "update_modes",
            "runtime_version_arns",
            "compatible_runtimes",
            "compatible_architectures",
        ):
            assert all(type(v.value) is str for v in getattr(subject, field, ()))


@settings(max_examples=200, deadline=None)
@given(_ANY)
def test_no_document_breaks_subjects(doc: object) -> None:
    assert isinstance(is_serverless(doc), bool)
    subjects(doc)
    if isinstance(doc, dict):
        subjects({**doc, "service": "s", "functions": doc, "provider": doc, "layers": doc})


@pytest.mark.parametrize(
    ("provider", "expected"),
    [
        ("aws", ["functions.f"]),
        ("{name: AWS, runtime: python3.9}", ["functions.f"]),
        ("{runtime: python3.9}", ["functions.f"]),  # no name: a typo, still checked
        ("{name: '${opt:cloud}'}", ["functions.f"]),  # unknown before deploy: checked
        ("google", []),
        ("{name: openwhisk, runtime: python:3}", []),
        ("{name: kubeless, runtime: python2.7}", []),
    ],
)
def test_only_the_aws_provider_has_lambda_subjects(provider: str, expected: list[str]) -> None:
    """google/openwhisk/kubeless runtimes are not Lambda runtimes (the corpus's legacy examples were WL1005/EL1001)."""
    doc = load_text(f"service: s\nprovider: {provider}\nfunctions:\n  f:\n    runtime: python2.7\n", "sls.yml")
    assert [s.resource for s in subjects(doc)] == expected


# --- the corpus --------------------------------------------------------------------------------------------


def test_corpus(corpus_dir: Path) -> None:
    with open(corpus_dir / "MANIFEST.tsv", encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle, delimiter="\t") if row["kind"] == "serverless"]
    assert rows, "the manifest lists no serverless files"
    recognised = functions_with_runtime = 0
    unreadable: list[str] = []
    for row in rows:
        try:
            doc = load_file(corpus_dir / row["local_path"])
        except LoadError as exc:
            unreadable.append(f"{row['local_path']}: {exc}")
            continue
        recognised += is_serverless(doc)
        functions_with_runtime += sum(
            1 for s in subjects(doc, row["local_path"]) if getattr(s, "runtimes", ())
        )
    assert not unreadable, unreadable
    assert recognised == len(rows)
    assert functions_with_runtime > len(rows) // 2
