"""Fn::ForEach (AWS::LanguageExtensions): generated functions judged under their generated logical IDs, on the
line where the runtime is written, by the CLI (check, report, fix) with suppressions and exceptions by that ID;
and an expansion that never raises on any loop shape."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lambda_runtime_rules import cli
from lambda_runtime_rules.loader import load_file, load_text
from lambda_runtime_rules.settings import CONFIG_ENV, ENV_VARS
from lambda_runtime_rules.sources import foreach
from lambda_runtime_rules.sources.cloudformation import subjects

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources" / "foreach"
AS_OF = "2026-11-23"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ENV_VARS.values() if isinstance(ENV_VARS, dict) else ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "empty.yaml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV, str(config))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[tuple[str, str, int]], str]:
    code = cli.main(["check", "--format", "json", "--as-of", AS_OF, *argv])
    out, err = capsys.readouterr()
    return code, [(f["rule"], f["resource"], f["line"]) for f in json.loads(out)], err


# ------------------------------------------------------------------------------------------------ findings

EXPECTED = {
    "fail-literal-list.yaml": [("WL1003", "InvoicesWorker", 12), ("WL1003", "OrdersWorker", 12)],
    "fail-json-literal-list.json": [("EL1002", "Fngo1x", 8)],  # on the collection item, via Ref Version
    # the runtime comes from the loop item, itself from the parameter's Default: reported on the Default
    "fail-ref-list-parameter.yaml": [("WL1003", "Fnnodejs16x", 7)],
    "fail-nested-loop.yaml": [("WL1003", "devPy38", 14), ("WL1003", "prodPy38", 14)],
    "fail-sam-globals.yaml": [("WL1003", "ordersFunction", 8), ("WL1003", "usersFunction", 8)],
    "fail-unresolved-collection.yaml": [("WL1003", "${Name}Function", 13)],
    "pass-literal-list.yaml": [],
    "pass-no-transform.yaml": [],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_generated_function_is_reported_under_its_generated_id(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, found, err = _check(capsys, str(FIXTURES / name))
    assert sorted(found) == EXPECTED[name]
    if name.startswith("fail-unresolved"):
        assert code == 2
        assert f"{FIXTURES / name}:7: Fn::ForEach::Imported: the collection Fn::Split cannot be resolved" in err
    else:
        assert code == (1 if any(rule.startswith("E") for rule, _, _ in found) else 0), err


def test_every_fixture_is_covered() -> None:
    assert sorted(p.name for p in FIXTURES.iterdir()) == sorted(EXPECTED)


def test_values_keep_their_positions_and_name_the_loop() -> None:
    found = {s.resource: s for s in subjects(load_file(FIXTURES / "fail-ref-list-parameter.yaml"), "t.yaml")}
    assert sorted(found) == ["Fnnodejs16x", "Fnpython312"]
    (value,) = found["Fnnodejs16x"].runtimes
    assert (value.value, value.line, value.column) == ("nodejs16.x", 7, 14)
    assert value.via == "generated as Fnnodejs16x by Fn::ForEach::ByRuntime with Runtime = nodejs16.x"


def test_literal_items_and_sub_strings_are_substituted() -> None:
    doc = load_text(
        "Transform: AWS::LanguageExtensions\n"
        "Resources:\n"
        "  Fn::ForEach::L:\n"
        "    - Rt\n"
        "    - [nodejs16.x, python3.8]\n"
        "    - Fn&{Rt}:\n"
        "        Type: AWS::Lambda::Function\n"
        "        Properties:\n"
        "          Runtime: !Ref Rt\n"
        "          Description: ${Rt} stays as written\n"
        "          FunctionName: !Sub fn-${Rt}-${AWS::Region}\n"
    )
    expansion = foreach.expand(doc, "t.yaml")
    resources = expansion.template["Resources"]  # type: ignore[index]
    assert list(resources) == ["Fnnodejs16x", "Fnpython38"]
    props = resources["Fnpython38"]["Properties"]
    assert props["Runtime"] == "python3.8" and props["Runtime"].start_mark.line == 4  # on the collection item
    assert props["Description"] == "${Rt} stays as written"
    assert props["FunctionName"] == {"Fn::Sub": "fn-python3.8-${AWS::Region}"}
    assert expansion.problems == []
    assert "Fn::ForEach::L" in doc["Resources"], "the loaded document is not modified"  # type: ignore[index]


@pytest.mark.parametrize(
    ("transform", "expanded"),
    [("AWS::LanguageExtensions", True), ("[AWS::LanguageExtensions, AWS::Serverless-2016-10-31]", True),
     ("AWS::Serverless-2016-10-31", False), ("''", False)],
)
def test_only_with_the_language_extensions_transform(transform: str, expanded: bool) -> None:
    doc = load_text(
        f"Transform: {transform}\nResources:\n  Fn::ForEach::L:\n    - N\n    - [a]\n"
        "    - ${N}Fn:\n        Type: AWS::Lambda::Function\n        Properties: {Runtime: python3.8}\n"
    )
    assert [s.resource for s in subjects(doc, "t.yaml")] == (["aFn"] if expanded else [])


@pytest.mark.parametrize(
    ("parameter", "ids", "problem"),
    [
        ("{Type: CommaDelimitedList, Default: 'a, b'}", ["aFn", "bFn"], ""),
        ("{Type: CommaDelimitedList, AllowedValues: ['c,d', 'e']}", ["cFn", "dFn"], ""),  # first entry, as cfn-lint
        ("{Type: 'List<AWS::EC2::Subnet::Id>', Default: 'x'}", ["xFn"], ""),
        ("{Type: CommaDelimitedList}", ["${N}Fn"], "Ref P has no Default or AllowedValues to expand"),
        ("{Type: String, Default: a}", ["${N}Fn"], "Ref P is not a CommaDelimitedList parameter"),
    ],
)
def test_ref_to_a_list_parameter(parameter: str, ids: list[str], problem: str) -> None:
    doc = load_text(
        f"Transform: AWS::LanguageExtensions\nParameters:\n  P: {parameter}\nResources:\n"
        "  Fn::ForEach::L:\n    - N\n    - !Ref P\n"
        "    - ${N}Fn:\n        Type: AWS::Lambda::Function\n        Properties: {Runtime: python3.8}\n"
    )
    problems: list[str] = []
    assert [s.resource for s in subjects(doc, "t.yaml", problems)] == ids
    assert [p for p in problems if problem in p] == problems and bool(problems) == bool(problem)


def test_the_expansion_is_capped_and_says_so() -> None:
    items = ", ".join(f"i{n}" for n in range(40))
    doc = load_text(
        "Transform: AWS::LanguageExtensions\nResources:\n"
        f"  Fn::ForEach::A:\n    - X\n    - [{items}]\n"
        f"    - Fn::ForEach::B:\n        - Y\n        - [{items}]\n"
        "        - ${X}${Y}:\n            Type: AWS::Lambda::Function\n            Properties: {Runtime: python3.8}\n"
    )
    problems: list[str] = []
    found = subjects(doc, "t.yaml", problems)
    assert len(found) == foreach.MAX_GENERATED
    cap = foreach.MAX_GENERATED
    assert problems == [f"t.yaml:9: Fn::ForEach generates more than {cap} entries; the rest is unchecked"]


def test_a_duplicate_generated_id_keeps_the_first_and_says_so() -> None:
    doc = load_text(
        "Transform: AWS::LanguageExtensions\nResources:\n  aFn: {Type: AWS::Lambda::Function}\n"
        "  Fn::ForEach::L:\n    - N\n    - [a, b]\n"
        "    - ${N}Fn:\n        Type: AWS::Lambda::Function\n        Properties: {Runtime: python3.8}\n"
    )
    problems: list[str] = []
    assert [s.resource for s in subjects(doc, "t.yaml", problems)] == ["aFn", "bFn"]
    assert problems == ["t.yaml:7: aFn is generated twice; only the first is checked"]


# ------------------------------------------------------------------------------------------------ faces of the CLI


def test_report_has_one_row_per_generated_function(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["report", "--format", "json", "--as-of", AS_OF, str(FIXTURES / "fail-nested-loop.yaml")]) == 0
    rows = json.loads(capsys.readouterr().out)
    rows = rows["rows"] if isinstance(rows, dict) else rows
    assert sorted((r["resource"], r["runtime"], r["line"]) for r in rows) == [
        ("devPy312", "python3.12", 14), ("devPy38", "python3.8", 14),
        ("prodPy312", "python3.12", 14), ("prodPy38", "python3.8", 14),
    ]


def test_metadata_suppression_in_the_loop_body_covers_every_generated_function(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (FIXTURES / "fail-literal-list.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "        Type: AWS::Lambda::Function\n",
        "        Type: AWS::Lambda::Function\n        Metadata:\n          cfn-lint:\n"
        "            config:\n              ignore_checks: [WL1003]\n",
    )
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    assert _check(capsys, "t.yaml")[1] == []


def test_an_exception_names_one_generated_function(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "t.yaml").write_text(
        "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::L:\n    - N\n    - [A, B]\n"
        "    - ${N}Fn:\n        Type: AWS::Lambda::Function\n        Properties:\n          Runtime: python3.12\n"
        "          RuntimeManagementConfig:\n            UpdateRuntimeOn: Manual\n"
        "            RuntimeVersionArn: arn:aws:lambda:us-east-1::runtime:abc\n",
        encoding="utf-8",
    )
    (tmp_path / "c.yaml").write_text(
        "high_compliance: true\nexceptions:\n"
        "  - {resource: AFn, rule: EL3001, expires: 2027-01-31, reason: 'INC-1: pinned until the vendor fix'}\n",
        encoding="utf-8",
    )
    code, found, _ = _check(capsys, "--config", "c.yaml", "t.yaml")
    assert code == 1
    assert [f for f in found if f[0] == "EL3001"] == [("EL3001", "BFn", 11)]


def test_fix_rewrites_the_loop_body_once_and_is_idempotent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("fail-literal-list.yaml", "fail-sam-globals.yaml"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    assert cli.main(["fix", "--as-of", AS_OF, "fail-literal-list.yaml", "fail-sam-globals.yaml"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "fail-literal-list.yaml:12: python3.8 -> python3.11",
        "fail-sam-globals.yaml:8: nodejs16.x -> nodejs22.x",
    ]
    before = (FIXTURES / "fail-literal-list.yaml").read_text(encoding="utf-8")
    assert (tmp_path / "fail-literal-list.yaml").read_text(encoding="utf-8") == before.replace(
        "Runtime: python3.8", "Runtime: python3.11"
    )
    assert cli.main(["fix", "--as-of", AS_OF, "fail-literal-list.yaml", "fail-sam-globals.yaml"]) == 0
    assert capsys.readouterr().out == ""


def test_fix_leaves_a_runtime_built_from_the_identifier_to_a_human(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(FIXTURES / "fail-nested-loop.yaml", tmp_path / "t.yaml")
    assert cli.main(["fix", "--as-of", AS_OF, "t.yaml"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("t.yaml:14: python3.8: manual upgrade needed: ")
    assert (tmp_path / "t.yaml").read_bytes() == (FIXTURES / "fail-nested-loop.yaml").read_bytes()


# ------------------------------------------------------------------------------------------------ never raises

_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=12),
                    st.sampled_from(["N", "${N}", "&{N}", "Fn::ForEach::X", "Ref", "Fn::Sub", "python3.8"]))
_node = st.recursive(
    _scalar,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=8), st.sampled_from(["Ref", "Fn::Sub", "Fn::ForEach::In",
                                                                           "${N}Fn", "Runtime", "Type"])),
                        children, max_size=4),
    ),
    max_leaves=25,
)
_loop = st.one_of(
    _node,
    st.tuples(_node, _node, _node).map(list),
    st.tuples(st.sampled_from(["N", "M"]), st.one_of(st.lists(_scalar, max_size=300), _node,
                                                       st.just({"Ref": "P"})), _node).map(list),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_loop, _node, st.sampled_from(["AWS::LanguageExtensions", ["AWS::LanguageExtensions"], None, 3]))
@example(["N", [None], {"\n": None}], None, "AWS::LanguageExtensions")  # a generated key with a newline
def test_any_loop_shape_never_raises(loop: Any, parameter: Any, transform: Any) -> None:
    template = {"Transform": transform, "Parameters": {"P": parameter},
                "Resources": {"Fn::ForEach::L": loop, "Fn::ForEach::Deep": ["N", ["a"], {"Fn::ForEach::L": loop}]}}
    problems: list[str] = []
    subjects(template, "t.yaml", problems)
    assert all(isinstance(p, str) and "\n" not in p for p in problems)


def test_deep_nesting_and_huge_collections_are_bounded() -> None:
    body: dict[str, Any] = {"${N}Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "python3.8"}}}
    for _ in range(200):
        body = {"Fn::ForEach::L": ["N", ["a"], body]}
    problems: list[str] = []
    assert subjects({"Transform": "AWS::LanguageExtensions", "Resources": body}, "t.yaml", problems) == []
    assert problems == ["t.yaml: Fn::ForEach::L: loops nest too deeply; it is not expanded"]

    inner = {"Fn::ForEach::In": ["M", ["x"], {"Fn::ForEach::Empty": ["K", [], {}]}]}
    huge = {"Fn::ForEach::L": ["N", [f"i{n}" for n in range(100_000)], inner]}
    problems = []
    assert subjects({"Transform": "AWS::LanguageExtensions", "Resources": huge}, "t.yaml", problems) == []
    assert problems == ["t.yaml: Fn::ForEach::L runs more than 10000 times; the rest is unchecked"]


def test_a_mapping_keyed_by_the_identifier_is_resolved_per_generated_function() -> None:
    doc = load_text(
        "Transform: AWS::LanguageExtensions\n"
        "Mappings:\n  Runtimes:\n    Orders: {Value: python3.8}\n    Invoices: {Value: python3.12}\n"
        "Resources:\n  Fn::ForEach::L:\n    - N\n    - [Orders, Invoices]\n"
        "    - ${N}Fn:\n        Type: AWS::Lambda::Function\n"
        "        Properties:\n          Runtime: !FindInMap [Runtimes, !Ref N, Value]\n"
    )
    found = {s.resource: [(v.value, v.line) for v in s.runtimes] for s in subjects(doc, "t.yaml")}
    assert found == {"OrdersFn": [("python3.8", 4)], "InvoicesFn": [("python3.12", 5)]}


def test_a_loop_inside_properties_is_expanded_quietly() -> None:
    doc = load_text(
        "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::L:\n    - N\n    - [a]\n"
        "    - ${N}Fn:\n        Type: AWS::Lambda::Function\n        Properties:\n          Runtime: python3.8\n"
        "          Environment:\n            Variables:\n"
        "              Fn::ForEach::Vars: [V, !GetAZs '', {'${V}': x}]\n"
    )
    problems: list[str] = []
    assert [s.resource for s in subjects(doc, "t.yaml", problems)] == ["aFn"]
    assert problems == [], "a loop that cannot generate a function is not a reason to fail"
