"""tree-sitter-hcl and Lark give the same model: every corpus and fixture file, and the shapes Lark reads oddly.

The expression classes compare by identity (``eq=False``), so each Body is turned into plain tuples first: class
name and every field, positions included, an interpolation by its source, position and depth.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Optional

import pytest

from lambda_runtime_rules.sources import hcl, hcl_treesitter

pytestmark = pytest.mark.skipif(not hcl_treesitter.available(), reason="tree-sitter-hcl is not installed")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted(p for p in (ROOT / "fixtures").rglob("*") if p.suffix in (".tf", ".tfvars") and p.is_file())


def shape(value: Any) -> Any:
    """A Body or expression as nested tuples that compare by value."""
    if isinstance(value, hcl.Interpolation):
        return ("Interpolation", value.source, value.at, value.depth)
    if isinstance(value, hcl.Body):
        attrs = tuple((name, shape(attr)) for name, attr in value.attrs.items())
        return ("Body", attrs, tuple(shape(block) for block in value.blocks))
    if isinstance(value, hcl.Block):  # built lazily by tree-sitter: ``body`` is read through the property
        return ("Block", value.type, value.labels, shape(value.body), value.at)
    if isinstance(value, hcl.Attr):  # the same for ``expr``
        return ("Attr", value.name, shape(value.expr), value.at)
    if dataclasses.is_dataclass(value) and not isinstance(value, (type, hcl.Where)):
        return (type(value).__name__, *(shape(getattr(value, f.name)) for f in dataclasses.fields(value)))
    if isinstance(value, tuple):
        return tuple(shape(item) for item in value)
    return value


def lark_body(text: str, file: str) -> Optional[hcl.Body]:
    try:
        tree = hcl._lark_parse(text)
    except hcl.SyntaxProblem:
        return None
    return hcl._HclReader(text, file).body(hcl._top_body(tree))


def first_difference(left: Any, right: Any, path: str = "body") -> Optional[str]:
    if isinstance(left, tuple) and isinstance(right, tuple) and len(left) == len(right):
        for index, (a, b) in enumerate(zip(left, right)):
            found = first_difference(a, b, f"{path}[{index}]")
            if found:
                return found
        return None
    return None if left == right else f"{path}: {left!r} != {right!r}"


def compare(text: str, file: str) -> str:
    """'equal', 'fallback' (Lark reads it, tree-sitter declines) or 'both-refuse'; fails on any difference."""
    lark = lark_body(text, file)
    mine = hcl_treesitter.parse_body(text, file)
    if lark is None:
        assert mine is None, f"{file}: Lark refuses it, tree-sitter reads it: parse_hcl_body would not fall back"
        return "both-refuse"
    if mine is None:
        return "fallback"
    difference = first_difference(shape(lark), shape(mine))
    assert difference is None, f"{file}: {difference}"
    return "equal"


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(ROOT)))
def test_fixture_files_read_the_same(path: Path) -> None:
    assert compare(path.read_text(encoding="utf-8"), str(path)) == "equal"


def test_corpus_files_read_the_same(corpus_dir: Path) -> None:
    outcomes: dict[str, list[str]] = {}
    for path in sorted(corpus_dir.rglob("*.tf")):
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        outcomes.setdefault(compare(text, str(path)), []).append(str(path))
    assert len(outcomes.get("equal", [])) >= 80, outcomes
    assert set(outcomes) == {"equal"}, {k: v for k, v in outcomes.items() if k != "equal"}


SHAPES = [
    'x = -a.b\n',
    'x = (a).b\n',
    'x = (a.b).c["k"][0].d\n',
    'x = ((a)).b\n',
    'x = a[*].b\nx2 = a.*.b\nx3 = a.b[*]\n',
    'x = f(x)[0]\nx2 = (f(1)).d\nx3 = (a ? b : c).d\n',
    'x = a + b * c - d / e % f\ny = a * b + c\nz = (a + b) * c\n',
    'x = a == b ? c : d\ny = a + b == c && d ? e : f\nz = !a ? b : c\n',
    'x = a ? b : c ? d : e\ny = a ? b : c + d ? e : f\nz = (a == b) ? c : d\nw = a ? b ? c : d : e\n',
    'x = { a = 1, "b" = 2, (k) = 3, "${x}" = 4, true = 5 }\n',
    'x = [1, "a", 1.5, -1, -a, !true, null, true, false]\n',
    'x = "é${var.a}ü"\ny = "ö" == "ä" ? "🎉" : var.x\nr "é" "ü" { z = "ä" }\n',
    'x = <<EOF\nhello ${var.x}\nEOF\ny = <<-EOT\n    a\n      b\n    EOT\n',
    'x = provider::a::b(1)\ny = f(1, 2...)\nz = f()\nw = f(\n  a,\n  b,\n)\n',
    'x = [for a in b : a]\ny = {for k, v in m : k => v}\n',
    'x = a.0.b\ny = a["${x}"]\nz = a[1.5]\nw = a[true]\n',
    'x = "$${a}"\ny = "a\\nb\\"c"\nz = "%{ if a }b%{ endif }"\nw = "${a}"\nv = "a${b}c${d}"\n',
    'x = a /* c */ + b\ny = [\n  1, # c\n  2\n]\n',
    'a {\n}\nb "x" {\n  c {}\n}\n',
    'x = a\r\ny = "b"\r\n',
    "",
    "# only a comment\n",
    "x = a-b\ny = a - -1\n",
    "x = " + "(" * 40 + "a" + ")" * 40 + "\n",
    "x = " + "[" * 40 + "]" * 40 + "\n",
    "x = " + "{a = " * 20 + "1" + "}" * 20 + "\n",
    "x = " + " + ".join(["a"] * 200) + "\n",
    "x = " + ".".join(["a"] * 16) + "\ny = " + ".".join(["a"] * 17) + "\n",
    "x = " + " ? ".join(["a"] * 2) + " : b" + " ? c : d" * 40 + "\n",
]


@pytest.mark.parametrize("text", SHAPES)
def test_shapes_read_the_same(text: str) -> None:
    assert compare(text, "shapes.tf") == "equal"


@pytest.mark.parametrize(
    "text",
    [
        "\ufeffx = 1\n",  # a second byte-order mark (the reader drops the first)
        "x =\v1\n",
        "x = 1\f\n",
        "x = 1\ry = 2\n",
        'x = "${self:custom.runtime}"\n',  # Serverless syntax: a string to Lark, an error to tree-sitter
        "x = 1e3\n",
        "x = 1.5e-06\n",  # Lark's grammar takes no exponent (nor hex) where tree-sitter-hcl does
        "x = 0x10\n",
        "x = [for v in y : 1.5e3]\n",  # in a part the reader never visits, too
        "héllo = 1\n",  # nor a non-ASCII name
        "x = a.é\n",
        'x = "python${}"\n',  # an empty interpolation
        'x = "$${}"\n',
        "x = \n",
        "x = [1, \n",
    ],
)
def test_what_tree_sitter_declines_goes_to_lark(text: str) -> None:
    assert hcl_treesitter.parse_body(text, "f.tf") is None
    lark = lark_body(text, "f.tf")
    try:
        body = hcl.parse_hcl_body(text, "f.tf")
    except hcl.SyntaxProblem as problem:
        assert lark is None
        with pytest.raises(hcl.SyntaxProblem) as expected:
            hcl._lark_parse(text)
        assert (str(problem), problem.line) == (str(expected.value), expected.value.line)
    else:
        assert lark is not None and shape(body) == shape(lark)


def test_parse_hcl_body_uses_tree_sitter(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_lark(text: str) -> object:
        raise AssertionError("Lark was asked")

    monkeypatch.setattr(hcl, "_lark_parse", no_lark)
    body = hcl.parse_hcl_body('resource "aws_lambda_function" "f" {\n  runtime = var.r\n}\n', "main.tf")
    assert shape(body.blocks[0].body.get("runtime")) == ("Ref", ("var", "r"), hcl.Where(2, 13, "main.tf"), "var.r")


def interpolations(value: Any) -> list[hcl.Interpolation]:
    """Every interpolation in a Body or expression (templates, heredocs, collections, operators, blocks)."""
    found: list[hcl.Interpolation] = []
    pending = [value]
    while pending:
        current = pending.pop()
        if isinstance(current, hcl.Interpolation):
            found.append(current)
        elif isinstance(current, hcl.Body):
            pending.extend(attr.expr for attr in current.attrs.values())
            pending.extend(block.body for block in current.blocks)
        elif dataclasses.is_dataclass(current) and not isinstance(current, (type, hcl.Where)):
            pending.extend(getattr(current, f.name) for f in dataclasses.fields(current))
        elif isinstance(current, tuple):
            pending.extend(current)
    return found


def compare_interpolation(interpolation: hcl.Interpolation) -> str:
    """What ``Interpolation.expand`` reads, through tree-sitter and through Lark: the same, or a fallback."""
    source = interpolation.source.strip().strip("~").strip()
    text = f"x = {source}\n"
    lark = hcl._lark_interpolation(text, interpolation.at)
    mine = hcl_treesitter.parse_body(text, interpolation.at.file, base=interpolation.at)
    if lark is None:
        assert mine is None, f"{source!r}: Lark refuses it, tree-sitter reads it"
        return "both-refuse"
    if mine is None:
        return "fallback"
    difference = first_difference(shape(lark), shape(mine))
    assert difference is None, f"{source!r} at {interpolation.at}: {difference}"
    return "equal"


def test_interpolations_read_the_same(corpus_dir: Path) -> None:
    """Each interpolation is parsed when the evaluator first reads it: the same model either way, nested ones too."""
    paths = [*FIXTURES, *sorted(corpus_dir.rglob("*.tf"))]
    pending = [i for p in paths for i in interpolations(hcl.parse_hcl_body(p.read_text(encoding="utf-8-sig"), str(p)))]
    outcomes: dict[str, int] = {}
    while pending:
        interpolation = pending.pop()
        outcome = compare_interpolation(interpolation)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        pending.extend(interpolations(interpolation.expand()))
    assert outcomes.get("equal", 0) >= 100, outcomes
    assert set(outcomes) <= {"equal", "both-refuse"}, outcomes


@pytest.mark.parametrize(
    "source",
    ["a == b ? c : d", "a ? b : c == d ? e : f", "f(a, b)[0]", "x.y[*].z", "upper(var.r) == \"X\"", "-1", "(a)"],
)
def test_interpolation_shapes_read_the_same(source: str) -> None:
    at = hcl.Where(3, 7, "t.tf")
    assert compare_interpolation(hcl.Interpolation(source, at, 0)) == "equal"


def test_blocks_nested_past_the_recursion_limit_go_to_lark() -> None:
    assert hcl_treesitter.parse_body("a {\n" * 3000 + "}\n" * 3000, "deep.tf") is None


LAZY = """variable "runtime" {
  type        = string
  description = "not read"
  default     = "x"
}

resource "aws_s3_bucket" "b" {
  bucket = "never-read"
  tags   = { a = 1 }
}

resource "aws_lambda_function" "f" {
  function_name = "f"
  runtime       = var.runtime
  environment {
    variables = { A = "1" }
  }
}
"""


def test_blocks_and_arguments_are_built_when_read(tmp_path: Path) -> None:
    """The evaluator reads a function's arguments and a variable's default, never a bucket: those stay unbuilt,
    and what is built is what Lark's reader gives."""
    from lambda_runtime_rules.sources import terraform

    (tmp_path / "main.tf").write_text(LAZY, encoding="utf-8")
    terraform.clear_cache()
    subjects, errors = terraform.evaluate_folder(str(tmp_path))
    assert errors == {} and [s.resource for s in subjects] == ["aws_lambda_function.f"]
    (_, body), = terraform.load_folder(str(tmp_path)).files
    variable, bucket, function = body.blocks
    assert bucket._fill is not None and bucket._body is None  # the bucket's body was never built
    assert variable._fill is None and variable.body.attrs["type"]._fill is not None  # only ``default`` was read
    assert function.body.attrs["runtime"]._fill is None
    assert shape(body) == shape(lark_body(LAZY, str(tmp_path / "main.tf")))
    assert bucket._body is not None and variable.body.attrs["type"]._fill is None  # comparing built them


def test_a_deep_block_is_built_at_once() -> None:
    """A block with many brackets may nest deeply: built inside parse_body's RecursionError guard, not later."""
    text = 'resource "a" "b" {\n' + "n {\n" * 120 + "x = 1\n" + "}\n" * 120 + "}\n" + 'resource "c" "d" {\n  y = 1\n}\n'
    deep, shallow = hcl_treesitter.parse_body(text, "f.tf").blocks
    assert deep._fill is None and deep.body.blocks[0]._fill is None
    assert shallow._fill is not None
    assert shape(hcl_treesitter.parse_body(text, "f.tf")) == shape(lark_body(text, "f.tf"))


def test_a_released_tree_is_parsed_again_for_what_is_read_later(tmp_path: Path) -> None:
    """Once a file's own scan is done its tree is freed (``scan`` releases it); what of it was never built is
    built from a second parse, the same model as the first parse or Lark would give."""
    import sys

    from lambda_runtime_rules.sources import terraform

    file = tmp_path / "main.tf"
    file.write_text(LAZY, encoding="utf-8")
    terraform.clear_cache()
    terraform.evaluate_folder(str(tmp_path), [str(file)])
    (_, body), = terraform.load_folder(str(tmp_path)).files
    variable, bucket, _ = body.blocks
    reader = hcl_treesitter._LIVE[str(file)]
    node = next(node for node in reader.nodes if node is not None)  # an unbuilt part's node: it holds the tree
    assert sys.getrefcount(node) > 2
    hcl.release_tree(str(file))
    assert sys.getrefcount(node) == 2  # only ``node`` and the call's argument: the fills hold no node
    assert reader.nodes is None and str(file) not in hcl_treesitter._LIVE
    del node
    assert bucket._fill is not None and variable.body.attrs["type"]._fill is not None  # still unbuilt
    assert shape(body) == shape(lark_body(LAZY, str(file)))  # built now, from a second parse
    assert hcl_treesitter._LIVE[str(file)] is reader  # which the next release frees in turn
    hcl.release_tree(str(file))
    assert reader.root is None


def test_a_check_frees_each_tree_after_its_file(tmp_path: Path) -> None:
    """``check`` releases a file's tree when its scan ends: nothing of a checked folder keeps one."""
    import datetime as dt

    from lambda_runtime_rules.catalog import default_catalog
    from lambda_runtime_rules.commands.check import check_files
    from lambda_runtime_rules.settings import Settings
    from lambda_runtime_rules.sources import terraform

    (tmp_path / "main.tf").write_text(LAZY, encoding="utf-8")
    (tmp_path / "other.tf").write_text(LAZY.replace('"runtime"', '"other"').replace('"f"', '"g"'), encoding="utf-8")
    terraform.clear_cache()
    results = check_files(sorted(tmp_path.glob("*.tf")), Settings(as_of=dt.date(2026, 12, 1)), default_catalog())
    assert [r.error for r in results] == ["", ""]
    assert not [file for file in hcl_treesitter._LIVE if file.startswith(str(tmp_path))]
