"""The loader: position-carrying nodes, CloudFormation tags, and refusals with one clear line."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from lambda_runtime_rules import loader
from lambda_runtime_rules.loader import DictNode, ListNode, LoadError, StrNode, load_file, load_text, position

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources" / "cloudformation"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: !Ref P", {"a": {"Ref": "P"}}),
        ("a: !Condition C", {"a": {"Condition": "C"}}),
        ("a: !GetAtt Fn.Arn", {"a": {"Fn::GetAtt": ["Fn", "Arn"]}}),
        ("a: !GetAtt Fn.Outputs.Url", {"a": {"Fn::GetAtt": ["Fn", "Outputs.Url"]}}),
        ("a: !GetAtt [Fn, Arn]", {"a": {"Fn::GetAtt": ["Fn", "Arn"]}}),
        ("a: !Sub 'x-${AWS::Region}'", {"a": {"Fn::Sub": "x-${AWS::Region}"}}),
        ("a: !If [C, 1, 2]", {"a": {"Fn::If": ["C", 1, 2]}}),
        ("a: !FindInMap [M, !Ref K, v]", {"a": {"Fn::FindInMap": ["M", {"Ref": "K"}, "v"]}}),
        ("a: !Join ['', [a, b]]", {"a": {"Fn::Join": ["", ["a", "b"]]}}),
        ("a: !ImportValue X", {"a": {"Fn::ImportValue": "X"}}),
        ("a: !GetAZs ''", {"a": {"Fn::GetAZs": ""}}),
        ("a: !ToJsonString {k: v}", {"a": {"Fn::ToJsonString": {"k": "v"}}}),
        ("a: !Length [1, 2]", {"a": {"Fn::Length": [1, 2]}}),
        ("a: !NotARealTag {k: v}", {"a": {"Fn::NotARealTag": {"k": "v"}}}),
        ("a: !Equals [!Ref A, b]", {"a": {"Fn::Equals": [{"Ref": "A"}, "b"]}}),
        (
            "d: 2010-09-09\nt: 2001-12-14t21:59:43.10-05:00",
            {"d": "2010-09-09", "t": "2001-12-14t21:59:43.10-05:00"},
        ),
        ("a: 1\na: 2", {"a": 2}),
        ("a: yes\nb: 0x10\nc: 1.5\nd: ~\ne: '1'", {"a": True, "b": 16, "c": 1.5, "d": None, "e": "1"}),
        ("b: &b {x: 1, y: 2}\nm: {<<: *b, y: 3}", {"b": {"x": 1, "y": 2}, "m": {"x": 1, "y": 3}}),
        ("a: !!python/object:os.system x", {"a": "x"}),
        ("a: !!binary aGk=", {"a": "aGk="}),
        ("", None),
    ],
)
def test_yaml_values(text: str, expected: object) -> None:
    assert load_text(text, "t.yaml") == expected


def test_yaml_node_classes_and_positions() -> None:
    doc = load_text("Resources:\n  Fn:\n    Runtime: python3.8\n    List:\n      - a\n", "t.yaml")
    assert isinstance(doc, DictNode)
    resources = doc["Resources"]
    runtime = resources["Fn"]["Runtime"]
    assert isinstance(runtime, StrNode) and isinstance(resources["Fn"]["List"], ListNode)
    assert position(runtime) == (3, 14)
    assert position(resources["Fn"]["List"][0]) == (5, 9)
    assert position(next(iter(resources))) == (2, 3)  # keys carry positions too
    assert (runtime.start_mark.line, runtime.start_mark.column) == (2, 13)
    assert position(load_text("a: !Ref P", "t.yaml")["a"]) == (1, 4)


@pytest.mark.parametrize("node", [None, 3, True, "plain", object()])
def test_position_unknown(node: object) -> None:
    assert position(node) == (0, 0)


def test_position_on_host_nodes(tmp_path: Path) -> None:
    from cfnlint.decode import decode

    path = tmp_path / "t.yaml"
    path.write_text(
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: go1.x\n"
    )
    template, _ = decode(str(path))
    assert template is not None
    assert position(template["Resources"]["Fn"]["Properties"]["Runtime"]) == (5, 16)
    assert position(load_file(path)["Resources"]["Fn"]["Properties"]["Runtime"]) == (5, 16)  # type: ignore[index]


def test_json_positions_and_types() -> None:
    doc = load_file(FIXTURES / "template.json")
    assert isinstance(doc, DictNode)
    props = doc["Resources"]["Handler"]["Properties"]
    assert props == {"Runtime": "nodejs16.x", "Architectures": ["arm64"], "MemorySize": 1000.0}
    assert isinstance(props["MemorySize"], float)  # 1e3 is a number in JSON (YAML 1.1 would keep a string)
    assert position(props["Runtime"]) == (10, 20)
    assert position(props["Architectures"]) == (11, 26)
    assert position(props["Architectures"][0]) == (11, 27)
    assert position(next(iter(doc))) == (2, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": [1, -2.5e1, true, false, null, "\\u00e9\\n"]}', {"a": [1, -25.0, True, False, None, "é\n"]}),
        ('{"a": 1, "a": 2}', {"a": 2}),
        ("  {}  ", {}),
        ("[]", []),
    ],
)
def test_json_values(text: str, expected: object) -> None:
    assert load_text(text, "t.json") == expected


def test_brace_without_json_extension_falls_back_to_yaml() -> None:
    assert load_text("{a: !Ref B}", "template.yaml") == {"a": {"Ref": "B"}}


@pytest.mark.parametrize(
    ("text", "filename", "message"),
    [
        ("a: b: c", "t.yaml", "line 1, column 5: mapping values are not allowed"),
        (
            "a: [1, 2\nb: 3",
            "t.yaml",
            "line 2, column 2: did not find expected ',' or ']' (while parsing a flow sequence started at",
        ),
        ("a:\n\tb: c", "t.yaml", "line 2, column 1:"),
        ("x: &a [*a]", "t.yaml", "recursive YAML alias"),
        ("? [1]\n: 2", "t.yaml", "line 1, column 3: a mapping key must be a scalar"),
        ("a: *nothing", "t.yaml", "line 1, column 4: found undefined alias"),
        (
            "a: 1\n---\nb: 2",
            "t.yaml",
            "line 2, column 1: expected a single document in the stream but found another",
        ),
        ('{"a": 1,}', "t.json", "line 1, column 9: expecting a property name"),
        ('{\n  "a": "\\x"\n}', "t.json", "line 2, column 9: Invalid \\escape"),
        ("[1 2]", "t.json", "line 1, column 4: expecting ',' delimiter"),
        ('{"a": 1} x', "t.json", "line 1, column 10: extra data"),
        ("", "t.json", "unexpected end of document"),
        ("[" * 5000 + "]" * 5000, "t.json", "nested too deeply"),
    ],
)
def test_malformed_input_is_one_line(text: str, filename: str, message: str) -> None:
    with pytest.raises(LoadError) as caught:
        load_text(text, filename)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_deep_yaml_nesting_is_refused() -> None:
    with pytest.raises(LoadError):
        load_text("[" * 5000 + "]" * 5000, "t.yaml")


def _billion_laughs(levels: int = 9) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_fails_fast() -> None:
    start = time.perf_counter()
    with pytest.raises(LoadError, match=r"YAML aliases expand to more than 1000000 nodes \(alias bomb\?\)"):
        load_text(_billion_laughs(), "bomb.yaml")
    assert time.perf_counter() - start < 0.5


def test_modest_aliases_are_shared_not_refused() -> None:
    doc = load_text(_billion_laughs(levels=3), "ok.yaml")
    assert isinstance(doc, dict)
    assert doc["l3"][0] is doc["l2"]
    assert doc["l1"][8] == ["lol"] * 9


def test_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert loader.MAX_FILE_BYTES == 20 * 1024 * 1024
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 200)
    with pytest.raises(LoadError, match="over the 100 byte limit"):
        load_file(path)
    with pytest.raises(LoadError, match="over the 100 byte limit"):
        load_text("a: " + "x" * 200, "big.yaml")


def test_real_size_cap_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(loader.MAX_FILE_BYTES + 1)
    start = time.perf_counter()
    with pytest.raises(LoadError, match="byte limit"):
        load_file(path)
    assert time.perf_counter() - start < 0.5


def test_unreadable_files(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"a: caf\xe9\n")
    with pytest.raises(LoadError, match="not valid UTF-8"):
        load_file(bad)
    with pytest.raises(LoadError, match="cannot read: No such file"):
        load_file(tmp_path / "missing.yaml")


def test_bom_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffa: b\n".encode())
    assert load_file(path) == {"a": "b"}


def test_agrees_with_plain_safe_load_on_tag_free_yaml() -> None:
    text = "a: [1, 2.5, yes, null, 'x', 0o17, .inf]\nb: {c: d}\n"
    assert load_text(text, "t.yaml") == yaml.safe_load(text)


# --- selective building (keep_types) --------------------------------------------------------------------------

_PRUNE_YAML = """\
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12}
  Bucket:
    Properties: {BucketName: b}
    Type: AWS::S3::Bucket
  Loop: [not, a, resource]
Outputs:
  Arn: {Value: !GetAtt Fn.Arn}
"""


@pytest.mark.parametrize("as_json", [False, True])
def test_keep_types_builds_only_the_resources_asked_for(as_json: bool) -> None:
    text = _PRUNE_YAML
    if as_json:
        text = json.dumps({"Resources": {
            "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "python3.12"}},
            "Bucket": {"Properties": {"BucketName": "b"}, "Type": "AWS::S3::Bucket"},
            "Loop": ["not", "a", "resource"],
        }, "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Fn", "Arn"]}}}}, indent=2)
    name = "t.json" if as_json else "t.yaml"
    full = load_text(text, name)
    pruned = load_text(text, name, keep_types={"AWS::Lambda::Function"})
    assert pruned["Resources"]["Fn"] == full["Resources"]["Fn"]
    assert pruned["Resources"]["Bucket"] == {"Type": "AWS::S3::Bucket"}
    assert position(pruned["Resources"]["Bucket"]) == position(full["Resources"]["Bucket"])
    assert pruned["Resources"]["Loop"] == full["Resources"]["Loop"]
    assert pruned["Outputs"] == full["Outputs"]
    assert position(pruned["Resources"]["Fn"]["Properties"]["Runtime"]) == position(
        full["Resources"]["Fn"]["Properties"]["Runtime"]
    )


def test_keep_types_still_refuses_malformed_json_inside_a_skipped_resource() -> None:
    text = '{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"x": tru}}}}'
    with pytest.raises(LoadError, match="line 1"):
        load_text(text, "t.json", keep_types={"AWS::Lambda::Function"})


_SCALAR_SPELLINGS = st.sampled_from(
    ["", "~", "null", "Null", "yes", "No", "on", "OFF", "true", "1", "-1_000", "0x1F", "0o17", "017", "1e5", "1.5e+3",
     ".inf", "-.Inf", ".nan", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "<<", "=", "12:30:00", "+12", "0b101"]
)


@given(st.one_of(_SCALAR_SPELLINGS, st.text(max_size=12)), st.booleans(), st.booleans())
def test_the_lean_resolver_tags_every_scalar_as_pyyaml_does(value: str, plain: bool, quoted: bool) -> None:
    """``yaml_reader``'s loader replaces PyYAML's ``resolve`` (called for every node) with a leaner one."""
    import yaml
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    from lambda_runtime_rules.yaml_reader import _Loader

    ours, theirs = _Loader(""), yaml.SafeLoader("")
    for kind, text in ((ScalarNode, value), (SequenceNode, None), (MappingNode, None)):
        assert ours.resolve(kind, text, (plain, quoted)) == theirs.resolve(kind, text, (plain, quoted))
