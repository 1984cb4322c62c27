"""``lambda-runtime-rules fix``: what it rewrites, and that it rewrites nothing else.

Every case runs at a pinned ``--as-of``. The fixture folders in ``fixtures/fix`` hold each file before and
after; the tests copy them to a temporary folder, so the fixtures themselves are never modified.
"""

from __future__ import annotations

import codecs
import datetime as dt
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_runtime_rules import cli
from lambda_runtime_rules.catalog import default_catalog
from lambda_runtime_rules.model import FunctionSubject, LayerSubject, Value
from lambda_runtime_rules.rewrite import (
    Edit,
    EditError,
    Manual,
    apply_edits,
    linked_positions,
    plan,
    subjects_for_text,
)
from lambda_runtime_rules.settings import CONFIG_ENV, ENV_VARS, Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fix"
AS_OF = "2026-11-23"
SETTINGS = Settings(as_of=dt.date(2026, 11, 23))
GO_ADVICE = "move to provided.al2023 (successor; a different family, so code changes are needed)"

CASES = {
    # case: (fixture folder, file name, expected-output folder, extra flags)
    "sam": ("sam", "template.yaml", "after", []),
    "sam-latest": ("sam", "template.yaml", "after-latest", ["--target", "latest"]),
    "cloudformation-json": ("cloudformation-json", "template.json", "after", []),
    "terraform": ("terraform", "main.tf", "after", []),
    "serverless": ("serverless", "serverless.yml", "after", []),
}

REPORTED = {
    "sam": [
        "sam/template.yaml:11: python3.8 -> python3.11",
        "sam/template.yaml:12: python3.8 -> python3.11",
        "sam/template.yaml:15: nodejs14.x -> nodejs22.x",
        "sam/template.yaml:20: ruby2.7 -> ruby3.3",
        "sam/template.yaml:29: nodejs18.x -> nodejs22.x",
        "sam/template.yaml:57: java8 -> java8.al2",
        "sam/template.yaml:57: dotnet6 -> dotnet10",
        "sam/template.yaml:99: python3.9 -> python3.11",
        f"sam/template.yaml:75: go1.x: manual upgrade needed: {GO_ADVICE}",
        "sam/template.yaml:100: python3.10: manual upgrade needed: the layer already lists python3.11: "
        "remove this entry instead",
    ],
    "cloudformation-json": [
        "cloudformation-json/template.json:4: nodejs20.x -> nodejs22.x",
        "cloudformation-json/template.json:6: python3.9 -> python3.11",
        "cloudformation-json/template.json:16: nodejs16.x -> nodejs22.x",
        "cloudformation-json/template.json:23: ruby3.2 -> ruby3.3",
        # the Default moves; the AllowedValues entry would repeat nodejs22.x (issue 15 item 18)
        "cloudformation-json/template.json:4: nodejs20.x: manual upgrade needed: AllowedValues already lists "
        "nodejs22.x: remove this entry instead",
        f"cloudformation-json/template.json:20: go1.x: manual upgrade needed: {GO_ADVICE}",
    ],
    "terraform": [
        "terraform/main.tf:4: python3.8 -> python3.11",
        "terraform/main.tf:8: nodejs16.x -> nodejs22.x",
        "terraform/main.tf:13: python3.9 -> python3.11",
        "terraform/main.tf:29: ruby3.2 -> ruby3.3",
        "terraform/main.tf:44: java8 -> java8.al2",
        "terraform/main.tf:50: nodejs20.x -> nodejs22.x",
        f"terraform/main.tf:39: go1.x: manual upgrade needed: {GO_ADVICE}",
    ],
    "serverless": [
        "serverless/serverless.yml:6: nodejs18.x -> nodejs22.x",
        "serverless/serverless.yml:10: python3.9 -> python3.11",
        "serverless/serverless.yml:17: python3.10 -> python3.11",
        "serverless/serverless.yml:32: nodejs20.x -> nodejs22.x",
        # the fallback of a deploy-time variable is checked (issue 9) but written inside it: edited by hand
        "serverless/serverless.yml:23: python3.8: manual upgrade needed: expected python3.8 at column 14, "
        "found ${opt:runtime, 'python3.8'}",
    ],
}


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in an empty folder with an empty config file: no settings leak in from the machine."""
    for name in ENV_VARS.values():
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "settings" / "empty.yaml"
    config.parent.mkdir()
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV, str(config))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def fix(*argv: str) -> int:
    return cli.main(["fix", "--as-of", AS_OF, *argv])


def copy_case(case: str, dest: Path | None = None) -> tuple[Path, bytes]:
    """Copy a fixture's ``before`` folder to ./<folder>; return the copied file and the expected bytes."""
    folder, name, after, _ = CASES[case]
    target = dest or Path(folder)
    shutil.copytree(FIXTURES / folder / "before", target)
    return target / name, (FIXTURES / folder / after / name).read_bytes()


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line]


# ------------------------------------------------------------------------------------------------ fixtures


@pytest.mark.parametrize("case", sorted(CASES))
def test_fixture_is_fixed_byte_for_byte_and_idempotent(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    path, expected = copy_case(case)
    assert path.read_bytes() != expected
    assert fix(*CASES[case][3], str(path.parent)) == 1
    assert path.read_bytes() == expected
    capsys.readouterr()
    assert fix(*CASES[case][3], str(path.parent)) == 0, "a second run must change nothing"
    assert path.read_bytes() == expected
    assert " -> " not in capsys.readouterr().out


@pytest.mark.parametrize("case", sorted(REPORTED))
def test_reports_every_change_and_every_manual_upgrade(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = copy_case(case)
    assert fix(str(path.parent)) == 1
    out, err = capsys.readouterr()
    assert lines(out) == REPORTED[case]
    assert err == ""


@pytest.mark.parametrize("case", sorted(CASES))
def test_crlf_and_bom_are_kept(case: str) -> None:
    path, expected = copy_case(case)
    crlf = codecs.BOM_UTF8 + path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(crlf)
    assert fix(*CASES[case][3], str(path)) == 1
    assert path.read_bytes() == codecs.BOM_UTF8 + expected.replace(b"\n", b"\r\n")


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_file_mode_is_kept(mode: int) -> None:
    path, expected = copy_case("sam")
    path.chmod(mode)
    assert fix(str(path)) == 1
    assert path.read_bytes() == expected
    assert stat.S_IMODE(path.stat().st_mode) == mode
    leftovers = [p.name for p in path.parent.iterdir() if p.name != path.name]
    assert leftovers == [], "the temporary file must be gone"


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_a_symlink_stays_a_link_and_its_target_is_fixed() -> None:
    path, expected = copy_case("sam")
    link = path.with_name("link.yaml")
    link.symlink_to(path.name)
    assert fix(str(link)) == 1
    assert link.is_symlink()
    assert path.read_bytes() == expected


def test_parameter_default_and_allowed_values_change_together() -> None:
    path, _ = copy_case("sam")
    fix(str(path))
    text = path.read_text(encoding="utf-8")
    assert 'Default: "python3.11"    # the team default' in text
    assert "AllowedValues: [ 'python3.11', python3.12 ]" in text
    assert 'Default: "nodejs22.x,nodejs24.x"' in text  # a CommaDelimitedList: one entry of the list
    assert "Runtime: ruby3.3" in text  # the Mappings entry FindInMap reaches
    assert "Runtime: 'ruby3.4'" in text  # a mapping entry that is fine stays


# ------------------------------------------------------------------------------------------------ dry run


def test_dry_run_prints_a_diff_and_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    path, expected = copy_case("sam")
    before = path.read_bytes()
    mtime = path.stat().st_mtime_ns
    assert fix("--dry-run", str(path)) == 1
    out, err = capsys.readouterr()
    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    assert out.startswith(f"--- {path}\n+++ {path}\n@@ ")
    assert '-    Default: "python3.8"    # the team default\n' in out
    assert '+    Default: "python3.11"    # the team default\n' in out
    assert " -> " not in out, "stdout carries only the diff"
    assert f"{path}:11: python3.8 -> python3.11 (would change)" in err
    if shutil.which("patch"):
        patched = path.with_name("patched.yaml")
        shutil.copy(path, patched)
        subprocess.run(["patch", "-s", str(patched)], input=out.encode(), check=True)
        assert patched.read_bytes() == expected


def test_dry_run_diff_keeps_crlf(capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = copy_case("cloudformation-json")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert fix("--dry-run", str(path)) == 1
    out = capsys.readouterr().out
    assert '+\t"Mappings": {"Stage": {"prod": {"Runtime": "python3.11"}}},\r\n' in out


def test_dry_run_with_nothing_to_change_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    path, expected = copy_case("sam")
    path.write_bytes(expected)
    assert fix("--dry-run", str(path)) == 0
    assert capsys.readouterr().out == ""


# ------------------------------------------------------------------------------------------------ refusals


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("broken.yaml", b"Resources:\n  F: [unclosed\n"),
        ("broken.json", b'{"Resources": {"F": }'),
        ("broken.tf", b'resource "aws_lambda_function" "f" {\n  runtime = \n'),
        ("latin1.yaml", "Resources: {}\nDescription: caf\u00e9\n".encode("latin-1")),
    ],
)
def test_an_unparsable_file_is_refused_and_the_others_are_fixed(
    name: str, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    path, expected = copy_case("sam", Path("project"))
    broken = Path("project") / name
    broken.write_bytes(content)
    assert fix("project") == 2
    out, err = capsys.readouterr()
    assert broken.read_bytes() == content
    assert path.read_bytes() == expected
    assert len(lines(err)) == 1
    assert str(broken) in err
    assert f"{path}:11: python3.8 -> python3.11" in out


def test_a_missing_path_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert fix("nowhere.yaml") == 2
    assert "nowhere.yaml" in capsys.readouterr().err


def test_a_bad_setting_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["fix", "--as-of", "yesterday", "."]) == 2
    assert len(lines(capsys.readouterr().err)) == 1


def test_documents_that_are_not_templates_are_skipped_quietly(capsys: pytest.CaptureFixture[str]) -> None:
    Path("config.yaml").write_text("runtime: python3.8\n", encoding="utf-8")
    Path("package.json").write_text('{"name": "x", "engines": {"node": "14"}}\n', encoding="utf-8")
    assert fix(".") == 0
    assert capsys.readouterr() == ("", "")
    assert Path("config.yaml").read_text(encoding="utf-8") == "runtime: python3.8\n"


# ------------------------------------------------------------------------------------------------ manual


def test_go1x_is_reported_as_manual_and_left_alone(capsys: pytest.CaptureFixture[str]) -> None:
    text = "Resources:\n  Go:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: go1.x  # main\n"
    Path("go.yaml").write_text(text, encoding="utf-8")
    assert fix("go.yaml") == 0, "nothing was modified: check is the gate for what remains"
    assert lines(capsys.readouterr().out) == [f"go.yaml:5: go1.x: manual upgrade needed: {GO_ADVICE}"]
    assert Path("go.yaml").read_text(encoding="utf-8") == text


def test_cdk_output_is_reported_not_rewritten(capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = Path("cdk.out")
    out_dir.mkdir()
    text = '{"Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "nodejs16.x"}}}}\n'
    (out_dir / "Stack.template.json").write_text(text, encoding="utf-8")
    assert fix("cdk.out") == 0
    assert (out_dir / "Stack.template.json").read_text(encoding="utf-8") == text
    out = capsys.readouterr().out
    assert "nodejs16.x: manual upgrade needed: generated by the CDK" in out


def test_an_approved_exception_is_respected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Resources:\n  Legacy:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.8\n"
    Path("t.yaml").write_text(text, encoding="utf-8")
    config = tmp_path / "settings" / "exceptions.yaml"
    config.write_text(
        "exceptions:\n  - {resource: Legacy, rule: WL1003, expires: 2027-01-31, reason: migration ticket 42}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(CONFIG_ENV, str(config))
    assert fix("t.yaml") == 0
    assert Path("t.yaml").read_text(encoding="utf-8") == text
    assert cli.main(["fix", "--as-of", "2027-01-31", "t.yaml"]) == 1, "an expired exception no longer holds"


# ------------------------------------------------------------------------------------------------ window


def test_the_warning_window_is_fixed_past_its_end(capsys: pytest.CaptureFixture[str]) -> None:
    text = "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: python3.11}\n"
    Path("t.yaml").write_text(text, encoding="utf-8")
    # python3.11 is deprecated on 2027-06-30: 90 days after 2027-04-01, outside a 30-day window
    assert cli.main(["fix", "--as-of", "2027-04-01", "--warn-days", "30", "t.yaml"]) == 0
    assert cli.main(["fix", "--as-of", "2027-04-01", "t.yaml"]) == 1
    assert Path("t.yaml").read_text(encoding="utf-8") == text.replace("python3.11", "python3.12")
    assert "t.yaml:4: python3.11 -> python3.12" in capsys.readouterr().out


def test_supported_unknown_and_dynamic_values_are_untouched() -> None:
    text = (
        "Resources:\n"
        "  F:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Properties:\n"
        "      Runtime: !If [C, python3.13, !If [C, python9.9, '{{resolve:ssm:/rt}}']]\n"
        "  G:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Properties: {Runtime: !Ref Unknown}\n"
    )
    Path("t.yaml").write_text(text, encoding="utf-8")
    assert fix("t.yaml") == 0
    assert Path("t.yaml").read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("name", "text", "fixed"),
    [
        (
            "t.yaml",
            'Resources:\n  F: {Type: AWS::Lambda::Function, Properties: {Description: "🚀 é", Runtime: nodejs16.x}}\n',
            'Resources:\n  F: {Type: AWS::Lambda::Function, Properties: {Description: "🚀 é", Runtime: nodejs22.x}}\n',
        ),
        (
            "t.json",
            '{"Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": {"Description": "🚀 é", '
            '"Runtime": "nodejs16.x"}}}}',
            '{"Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": {"Description": "🚀 é", '
            '"Runtime": "nodejs22.x"}}}}',
        ),
        (
            "t.tf",
            'resource "aws_lambda_function" "f" {\n  description = "🚀 é"; runtime = "nodejs16.x"\n}\n',
            'resource "aws_lambda_function" "f" {\n  description = "🚀 é"; runtime = "nodejs22.x"\n}\n',
        ),
    ],
)
def test_columns_count_characters_not_bytes(name: str, text: str, fixed: str) -> None:
    if name.endswith(".tf"):  # HCL has no ";" separator: put the attributes on their own lines
        text = text.replace('"; runtime', '"\n  runtime')
        fixed = fixed.replace('"; runtime', '"\n  runtime')
    Path(name).write_text(text, encoding="utf-8")
    assert fix(name) == 1
    assert Path(name).read_text(encoding="utf-8") == fixed


# ------------------------------------------------------------------------------------------------ planning


def test_plan_minimal_and_latest() -> None:
    catalog = default_catalog()
    subject = FunctionSubject("F", runtimes=(Value("nodejs14.x", 3, 7),), line=1)
    assert plan([subject], SETTINGS, catalog).edits == [Edit(3, 7, "nodejs14.x", "nodejs22.x")]
    assert plan([subject], SETTINGS, catalog, "latest").edits == [Edit(3, 7, "nodejs14.x", "nodejs24.x")]
    with pytest.raises(ValueError):
        plan([subject], SETTINGS, catalog, "newest")


def test_plan_dedupes_a_position_reached_twice() -> None:
    shared = Value("python3.8", 5, 14, "inherited from Globals")
    subjects = [FunctionSubject("A", runtimes=(shared,), line=9), FunctionSubject("B", runtimes=(shared,), line=12)]
    assert plan(subjects, SETTINGS, default_catalog()).edits == [Edit(5, 14, "python3.8", "python3.11")]


def test_plan_without_a_position_is_manual() -> None:
    subject = FunctionSubject("F", runtimes=(Value("python3.8"),), line=4)
    result = plan([subject], SETTINGS, default_catalog())
    assert result.edits == []
    assert result.manual == [Manual(4, "python3.8", "the value's position in the file is unknown")]


def test_plan_never_lists_a_layer_runtime_twice() -> None:
    layer = LayerSubject("L", compatible_runtimes=(Value("python3.9", 2, 5), Value("python3.11", 3, 5)), line=1)
    result = plan([layer], SETTINGS, default_catalog())
    assert result.edits == []
    assert [m.runtime for m in result.manual] == ["python3.9"]


def test_linked_positions_cover_default_and_allowed_values() -> None:
    text = "Parameters:\n  R:\n    Default: python3.8\n    AllowedValues:\n      - python3.8\n      - python3.12\n"
    from lambda_runtime_rules.loader import load_text

    groups = linked_positions({**load_text(text, "t.yaml"), "Resources": {}})  # type: ignore[dict-item]
    assert groups == [((3, 14, "python3.8"), (5, 9, "python3.8"), (6, 9, "python3.12"))]
    subject = FunctionSubject("F", runtimes=(Value("python3.8", 3, 14), Value("python3.12", 6, 9)), line=1)
    result = plan([subject], SETTINGS, default_catalog(), linked=groups)
    assert result.edits == [Edit(3, 14, "python3.8", "python3.11"), Edit(5, 9, "python3.8", "python3.11")]


def test_subjects_for_text_tells_json_from_yaml() -> None:
    doc = '{"Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "go1.x"}}}}'
    assert subjects_for_text(doc, "t.template").fmt == "json"
    assert subjects_for_text("{Resources: {}}", "t.template").fmt == "yaml"
    assert subjects_for_text("Resources: {}", "t.yaml").kind == "cloudformation"
    assert subjects_for_text("a: 1", "t.yaml").kind == ""


# ------------------------------------------------------------------------------------------------ editing core


def test_yaml_edits_keep_quotes_tags_and_anchors() -> None:
    text = "a: 'x1'\nb: \"x1\"  # c\nc: !Sub x1\nd: &n x1\ne: [x1, 'x1']\n"
    edits = [Edit(1, 4, "x1", "y2"), Edit(2, 4, "x1", "y2"), Edit(3, 4, "x1", "y2"), Edit(4, 4, "x1", "y2")]
    edits += [Edit(5, 5, "x1", "y2"), Edit(5, 9, "x1", "y2")]
    new, applied, skipped = apply_edits(text, "yaml", edits)
    assert new == "a: 'y2'\nb: \"y2\"  # c\nc: !Sub y2\nd: &n y2\ne: [y2, 'y2']\n"
    assert len(applied) == 6
    assert skipped == []


def test_an_edit_is_applied_only_where_the_old_value_is_written() -> None:
    text = "a: python3.9\nb: !Ref X\nc: |\n  python3.8\n"
    edits = [Edit(1, 4, "python3.8", "python3.11"), Edit(2, 4, "python3.8", "python3.11")]
    edits += [Edit(3, 4, "python3.8", "python3.11"), Edit(9, 1, "python3.8", "python3.11")]
    new, applied, skipped = apply_edits(text, "yaml", edits)
    assert new == text
    assert applied == []
    reasons = [m.reason for m in skipped]
    assert reasons[0] == "expected python3.8 at column 4, found python3.9"
    assert reasons[1] == "expected python3.8 at column 4, found X"
    assert reasons[2] == "a block scalar: edit it by hand"
    assert reasons[3] == "no YAML scalar starts at column 1"


def test_the_same_edit_twice_is_applied_once() -> None:
    new, applied, _ = apply_edits("a: x1\n", "yaml", [Edit(1, 4, "x1", "y2"), Edit(1, 4, "x1", "y2")])
    assert new == "a: y2\n"
    assert len(applied) == 2  # both requests are satisfied by the one replacement


def test_a_plain_value_that_would_change_type_is_quoted() -> None:
    new, _, _ = apply_edits("a: x\nb: y\n", "yaml", [Edit(1, 4, "x", "1.10"), Edit(2, 4, "y", "true")])
    assert new == "a: '1.10'\nb: 'true'\n"


def test_comma_delimited_values_change_entry_by_entry() -> None:
    text = 'a: "x1, keep,x1"\n'
    new, applied, _ = apply_edits(text, "yaml", [Edit(1, 4, "x1", "y2")])
    assert new == 'a: "y2, keep,y2"\n'
    assert applied == [Edit(1, 4, "x1", "y2")]


def test_json_and_hcl_edits() -> None:
    new, _, skipped = apply_edits('{"a": "x\\u0031", "b": 1}', "json", [Edit(1, 7, "x1", "y2"), Edit(1, 24, "1", "2")])
    assert new == '{"a": "y2", "b": 1}'
    assert [m.reason for m in skipped] == ["no JSON string starts at column 24"]
    hcl = 'a = "x1" # "x1"\nb = var.x\nc = "x${var.y}"\n'
    new, _, skipped = apply_edits(hcl, "terraform", [Edit(1, 5, "x1", "y2"), Edit(2, 5, "x1", "y2")])
    assert new == 'a = "y2" # "x1"\nb = var.x\nc = "x${var.y}"\n'
    assert [m.reason for m in skipped] == ["not a literal here (var.x): change it where it is defined"]
    _, _, skipped = apply_edits(hcl, "terraform", [Edit(3, 5, "x1", "y2")])
    assert [m.reason for m in skipped] == ["a string template: edit it by hand"]


def test_text_that_cannot_be_tokenised_raises_edit_error() -> None:
    with pytest.raises(EditError):
        apply_edits("a: 'unclosed\n", "yaml", [Edit(1, 4, "x", "y")])


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab:- \n\r\"'[]{},#!&*|>\\x1${}")), max_size=60),
    fmt=st.sampled_from(["yaml", "json", "terraform"]),
    line=st.integers(min_value=-1, max_value=6),
    column=st.integers(min_value=-1, max_value=12),
)
def test_the_editing_core_never_raises_anything_but_edit_error(text: str, fmt: str, line: int, column: int) -> None:
    try:
        new, applied, skipped = apply_edits(text, fmt, [Edit(line, column, "x1", "y2")])
    except EditError:
        return
    assert len(applied) + len(skipped) == 1
    assert new == text or applied


# ------------------------------------------------------------------------------------------------ end to end


def test_console_script_end_to_end(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("lambda-runtime-rules")
    if not script.exists():
        pytest.skip(f"console script not installed next to {sys.executable}")
    path, expected = copy_case("sam")
    env = {k: v for k, v in os.environ.items() if k not in ENV_VARS.values()}
    env[CONFIG_ENV] = str(tmp_path / "settings" / "empty.yaml")
    args = [str(script), "fix", "--as-of", AS_OF, str(path.parent)]
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1, done.stderr
    assert f"{path}:11: python3.8 -> python3.11" in done.stdout
    assert path.read_bytes() == expected
    again = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    assert again.returncode == 0, again.stderr


def test_a_yaml_stream_is_fixed_document_by_document(isolated: Path) -> None:
    """Issue 15 item 12 for fix: a template inside a ``---`` stream is fixed; other documents are left alone."""
    stream = isolated / "stream.yaml"
    manifest = "apiVersion: v1\nkind: ConfigMap\n---\n"
    template = "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.8\n"
    stream.write_text(manifest + template, encoding="utf-8")
    plain = isolated / "manifests.yaml"
    plain.write_text("a\n---\nb\n", encoding="utf-8")
    assert fix(str(stream), str(plain)) == 1
    assert stream.read_text(encoding="utf-8") == manifest + template.replace("python3.8", "python3.11")
    assert plain.read_text(encoding="utf-8") == "a\n---\nb\n"
    assert fix(str(stream), str(plain)) == 0
