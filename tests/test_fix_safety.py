"""``fix`` never loses or misplaces a byte (issue 15, items 4 and 13-18; issue 14, item 8).

Each test fails on the code before its fix. Large inputs are generated here, never stored.
"""

from __future__ import annotations

import difflib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lambda_runtime_rules import cli
from lambda_runtime_rules.commands import fix as fix_command
from lambda_runtime_rules.settings import CONFIG_ENV, ENV_VARS

AS_OF = "2026-11-23"
FUNCTION = "  F{i}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: {runtime}\n"


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


def template(*runtimes: str) -> str:
    return "Resources:\n" + "".join(FUNCTION.format(i=i, runtime=r) for i, r in enumerate(runtimes))


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line]


# ------------------------------------------------------------------------------------------------ item 4


def _difflib(old: str, new: str, name: str) -> str:
    out: list[str] = []
    for line in difflib.unified_diff(fix_command._lines(old), fix_command._lines(new), fromfile=name, tofile=name):
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


@pytest.mark.parametrize("ending", ["", "\n", "\r\n"])
@pytest.mark.parametrize(
    "changed",
    [(), (0,), (14,), (1, 3), (1, 8), (1, 9), (0, 7, 14), (3, 4, 5, 11, 12), tuple(range(15))],
)
def test_the_diff_has_the_hunks_diff_u_writes(changed: tuple[int, ...], ending: str) -> None:
    old_lines = [f"line {i}" for i in range(15)]
    new_lines = [f"{line} new" if i in changed else line for i, line in enumerate(old_lines)]
    old, new = "\n".join(old_lines) + ending, "\n".join(new_lines) + ending
    assert fix_command.unified_diff(old, new, "t.yaml") == _difflib(old, new, "t.yaml")


def test_dry_run_diff_is_linear_in_the_number_of_edits(capsys: pytest.CaptureFixture[str]) -> None:
    old = "".join(f"  Runtime{i}: python3.8\n" for i in range(20_000))
    started = time.monotonic()
    diff = fix_command.unified_diff(old, old.replace("python3.8", "python3.11"), "t.yaml")
    assert time.monotonic() - started < 5, "difflib's matcher took minutes here"
    assert diff.count("\n-  Runtime") == 20_000
    Path("t.yaml").write_text(template(*["python3.8"] * 2_000), encoding="utf-8")
    started = time.monotonic()
    assert fix("--dry-run", "t.yaml") == 1
    assert time.monotonic() - started < 60
    assert capsys.readouterr().out.count("\n+      Runtime: python3.11\n") == 2_000


# ------------------------------------------------------------------------------------------------ item 16


@pytest.mark.skipif(not shutil.which("patch"), reason="needs GNU patch")
@pytest.mark.parametrize("name", ["my stacks/t t.yaml", 'odd "quoted"\\name.yaml', "café\tstack.yaml", "plain.yaml"])
def test_dry_run_diff_applies_with_patch_p0_whatever_the_name(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    source = Path("tree") / name
    source.parent.mkdir(parents=True)
    source.write_text(template("python3.8", "python3.12", "nodejs16.x"), encoding="utf-8")
    Path("copy").mkdir()
    shutil.copytree("tree", "copy/tree")
    assert fix("--dry-run", "tree") == 1
    diff = capsys.readouterr().out
    assert fix("tree") == 1
    subprocess.run(["patch", "-p0", "-s"], input=diff.encode(), cwd="copy", check=True)
    assert (Path("copy") / source).read_bytes() == source.read_bytes()
    header = diff.splitlines()[0]
    if name == "plain.yaml":
        assert header == f"--- {source}"
    else:
        assert header.startswith('--- "tree/'), "quoted as diff -u quotes it"


# ------------------------------------------------------------------------------------------------ item 17

BOM = b"\xef\xbb\xbf"
TWO_BOMS = "starts with two UTF-8 byte-order marks: remove one, then run fix again"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("plain.yaml", template("python3.8")),
        ("quoted.yaml", template('"python3.8"')),
        ("t.json", '{"Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "python3.8"}}}}\n'),
        ("main.tf", 'resource "aws_lambda_function" "f" {\n  runtime = "python3.8"\n}\n'),
    ],
)
@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_two_byte_order_marks_are_one_honest_refusal(
    name: str, text: str, dry_run: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    content = BOM + BOM + text.encode("utf-8")
    Path(name).write_bytes(content)
    assert fix(*dry_run, name) == 2
    out, err = capsys.readouterr()
    assert out == ""
    if name.endswith(".tf"):  # Terraform's parser refuses the second mark first, as in check: one line
        assert len(lines(err)) == 1
        assert "main.tf:1: not valid HCL" in err
    else:
        assert lines(err) == [f"lambda-runtime-rules: {name}: {TWO_BOMS}"]
    assert Path(name).read_bytes() == content


# ------------------------------------------------------------------------------------------------ item 13


@pytest.mark.parametrize("same_size", [False, True])
def test_a_file_changed_while_fix_runs_keeps_that_change(
    same_size: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = Path("t.yaml")
    path.write_text(template("python3.8"), encoding="utf-8")
    theirs = template("python3.9") if same_size else template("python3.8") + "# a colleague's line\n"
    real = fix_command.apply_edits

    def meanwhile(*args: object, **kwargs: object) -> object:  # another program writes between read and write
        info = path.stat()
        path.write_text(theirs, encoding="utf-8")
        if same_size:  # the same size and modification time: only the content hash tells
            os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fix_command, "apply_edits", meanwhile)
    assert fix("t.yaml") == 2
    out, err = capsys.readouterr()
    assert path.read_text(encoding="utf-8") == theirs
    assert lines(err) == [
        "lambda-runtime-rules: t.yaml: not written: it changed since fix read it (another program?); run fix again"
    ]
    assert " -> " not in out
    assert sorted(p.name for p in Path().iterdir()) == ["t.yaml"], "no temporary left behind"


# ------------------------------------------------------------------------------------------------ item 14


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file away")
def test_owner_and_group_are_kept_when_root_fixes_a_file() -> None:
    path = Path("t.yaml")
    path.write_text(template("python3.8"), encoding="utf-8")
    os.chown(path, 4321, 4322)
    assert fix("t.yaml") == 1
    info = path.stat()
    assert (info.st_uid, info.st_gid) == (4321, 4322)
    assert "python3.11" in path.read_text(encoding="utf-8")


def test_owner_and_group_are_asked_for_where_they_differ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without root: the temporary is given the original's owner, then its group alone if that is refused."""
    path = Path("t.yaml")
    path.write_text(template("python3.8"), encoding="utf-8")
    info = path.stat()
    calls: list[tuple[int, int]] = []
    real_stat = os.stat

    def stat(name: object, *args: object, **kwargs: object) -> os.stat_result:
        result = real_stat(name, *args, **kwargs)  # type: ignore[arg-type]
        if str(name).endswith(".tmp"):  # pretend the temporary came out with another owner
            fields = list(result)
            fields[4], fields[5] = info.st_uid + 1, info.st_gid + 1
            return os.stat_result(fields)
        return result

    def chown(name: object, uid: int, gid: int) -> None:
        calls.append((uid, gid))
        if uid != -1:
            raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(os, "chown", chown)
    assert fix("t.yaml") == 1
    assert calls == [(info.st_uid, info.st_gid), (-1, info.st_gid)]


@pytest.mark.skipif(not hasattr(os, "link"), reason="hard links")
def test_a_hard_linked_file_is_fixed_under_every_name(capsys: pytest.CaptureFixture[str]) -> None:
    path = Path("t.yaml")
    path.write_text(template("python3.8"), encoding="utf-8")
    other = Path("other.yaml")
    os.link(path, other)
    assert fix("t.yaml") == 1
    assert other.read_text(encoding="utf-8") == path.read_text(encoding="utf-8") == template("python3.11")
    assert os.path.samefile(path, other)
    assert sorted(p.name for p in Path().iterdir()) == ["other.yaml", "t.yaml"]


def test_a_hard_linked_file_that_fails_half_way_gets_its_bytes_back(monkeypatch: pytest.MonkeyPatch) -> None:
    path = Path("t.yaml")
    before = template("python3.8")
    path.write_text(before, encoding="utf-8")
    os.link(path, "other.yaml")
    monkeypatch.setattr(fix_command.os, "fsync", _no_space)
    assert fix("t.yaml") == 2
    assert path.read_text(encoding="utf-8") == before
    assert Path("other.yaml").read_text(encoding="utf-8") == before


def _no_space(fd: int) -> None:
    raise OSError(28, "No space left on device")


# ------------------------------------------------------------------------------------------------ item 15


def test_a_failed_write_reports_no_change_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("ro").mkdir()
    path = Path("ro/t.yaml")
    before = template("python3.8", "go1.x")
    path.write_text(before, encoding="utf-8")
    if os.geteuid() == 0:  # root writes anywhere: refuse the temporary as a read-only folder would

        def refused(*args: object, **kwargs: object) -> tuple[int, str]:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(fix_command.tempfile, "mkstemp", refused)
    else:
        Path("ro").chmod(0o555)
    try:
        assert fix("ro") == 2
    finally:
        Path("ro").chmod(0o755)
    out, err = capsys.readouterr()
    assert path.read_text(encoding="utf-8") == before
    assert lines(err) == ["lambda-runtime-rules: ro/t.yaml: not written: Permission denied"]
    assert " -> " not in out, "nothing was changed, so no change is reported"
    assert "ro/t.yaml:9: go1.x: manual upgrade needed" in out, "manual upgrades are still listed"


KILLED = """
import os, signal, sys
from pathlib import Path
from lambda_runtime_rules.commands import fix
os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)  # killed between the temporary and the replace
fix.write_atomic(Path(sys.argv[1]), b"half")
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL")
def test_temporaries_left_by_a_killed_run_are_cleaned_by_the_next(capsys: pytest.CaptureFixture[str]) -> None:
    path = Path("t.yaml")
    path.write_text(template("python3.8"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", KILLED, str(path)], timeout=60)
    assert done.returncode == -signal.SIGKILL
    stale = [p.name for p in Path().iterdir() if p.name != "t.yaml"]
    assert len(stale) == 1
    assert fix_command.TEMPORARY.fullmatch(stale[0])
    live = Path(".t.yaml.lrr1.abcdefgh.tmp")  # a run still in progress (pid 1 is alive): not ours to remove
    live.write_bytes(b"")
    other = Path(".t.yaml.abcdefgh.tmp")  # not our naming
    other.write_bytes(b"")
    assert fix("--dry-run", "t.yaml") == 1, "a dry run writes nothing and removes nothing"
    assert len(list(Path().iterdir())) == 4
    assert fix("t.yaml") == 1
    assert sorted(p.name for p in Path().iterdir()) == sorted([live.name, other.name, "t.yaml"])
    assert path.read_text(encoding="utf-8") == template("python3.11")


# ------------------------------------------------------------------------------------------------ item 18

DUPLICATE = "manual upgrade needed: {} already lists {}: remove this entry instead"
LAYER_BY_REFERENCE = """\
service: s
custom:
  rt: python3.9
provider:
  name: aws
  runtime: ${self:custom.rt}
functions:
  f:
    handler: h.h
layers:
  l:
    path: layer
    compatibleRuntimes:
      - ${self:custom.rt}
      - python3.11
"""

ALLOWED = """\
Parameters:
  R:
    Type: String
    Default: python3.8
    AllowedValues: [python3.8, python3.9, python3.11]
  S:
    Type: String
    Default: nodejs16.x
    AllowedValues: [nodejs16.x, nodejs18.x]
  L:
    Type: CommaDelimitedList
    Default: "nodejs14.x,nodejs22.x"
Resources:
  F:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: !Ref R
  G:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: !Ref S
  Layer:
    Type: AWS::Lambda::LayerVersion
    Properties:
      Content: {S3Bucket: b, S3Key: k}
      CompatibleRuntimes: !Ref L
"""


def test_a_layer_never_lists_a_runtime_twice_through_a_reference(capsys: pytest.CaptureFixture[str]) -> None:
    Path("serverless.yml").write_text(LAYER_BY_REFERENCE, encoding="utf-8")
    assert fix("serverless.yml") == 0
    assert Path("serverless.yml").read_text(encoding="utf-8") == LAYER_BY_REFERENCE
    assert lines(capsys.readouterr().out) == [
        "serverless.yml:3: python3.9: manual upgrade needed: the layer already lists python3.11: "
        "remove this entry instead"
    ]


def test_allowed_values_and_lists_never_name_a_runtime_twice(capsys: pytest.CaptureFixture[str]) -> None:
    Path("t.yaml").write_text(ALLOWED, encoding="utf-8")
    assert fix("t.yaml") == 1
    text = Path("t.yaml").read_text(encoding="utf-8")
    assert "Default: python3.11\n    AllowedValues: [python3.8, python3.9, python3.11]\n" in text
    assert "Default: nodejs22.x\n    AllowedValues: [nodejs22.x, nodejs18.x]\n" in text
    assert 'Default: "nodejs14.x,nodejs22.x"' in text
    assert lines(capsys.readouterr().out) == [
        "t.yaml:4: python3.8 -> python3.11",
        "t.yaml:8: nodejs16.x -> nodejs22.x",
        "t.yaml:9: nodejs16.x -> nodejs22.x",
        f"t.yaml:5: python3.8: {DUPLICATE.format('AllowedValues', 'python3.11')}",
        f"t.yaml:5: python3.9: {DUPLICATE.format('AllowedValues', 'python3.11')}",
        f"t.yaml:9: nodejs18.x: {DUPLICATE.format('AllowedValues', 'nodejs22.x')}",
        f"t.yaml:12: nodejs14.x: {DUPLICATE.format('the layer', 'nodejs22.x')}",
    ]
    capsys.readouterr()
    assert fix("t.yaml") == 0, "idempotent"


# ------------------------------------------------------------------------------------------------ issue 14 item 8

ARN = "arn:aws:lambda:eu-west-1::runtime:" + "0" * 64
PIN = "manual upgrade needed: pinned to a runtime version of python3.8; remove or update RuntimeVersionArn"

PINNED = {
    "template.yaml": f"""\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.8
Resources:
  Pinned:
    Type: AWS::Serverless::Function
    Properties:
      RuntimeManagementConfig: {{UpdateRuntimeOn: Manual, RuntimeVersionArn: '{ARN}'}}
  Unpinned:
    Type: AWS::Serverless::Function
    Properties:
      Handler: h.h
  Own:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.8
      RuntimeManagementConfig:
        UpdateRuntimeOn: Manual
        RuntimeVersionArn: {ARN}
""",
    "main.tf": f"""\
resource "aws_lambda_function" "f" {{
  function_name = "f"
  runtime       = "python3.8"
}}

resource "aws_lambda_runtime_management_config" "f" {{
  function_name       = aws_lambda_function.f.function_name
  update_runtime_on   = "Manual"
  runtime_version_arn = "{ARN}"
}}

resource "awscc_lambda_function" "g" {{
  runtime = "python3.8"
  runtime_management_config = {{
    update_runtime_on   = "Manual"
    runtime_version_arn = "{ARN}"
  }}
}}
""",
    "serverless.yml": f"""\
service: s
provider:
  name: aws
  runtime: python3.8
  runtimeManagement:
    mode: manual
    arn: {ARN}
functions:
  f:
    handler: h.h
""",
}

PINNED_LINES = {
    "template.yaml": [f"template.yaml:4: python3.8: {PIN}", f"template.yaml:17: python3.8: {PIN}"],
    "main.tf": [f"main.tf:3: python3.8: {PIN}", f"main.tf:13: python3.8: {PIN}"],
    "serverless.yml": [f"serverless.yml:4: python3.8: {PIN}"],
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_a_function_pinned_to_a_runtime_version_is_left_alone(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    Path(name).write_text(PINNED[name], encoding="utf-8")
    assert fix(name if not name.endswith(".tf") else ".") == 0
    assert Path(name).read_text(encoding="utf-8") == PINNED[name]
    out, err = capsys.readouterr()
    assert (lines(out), err) == (PINNED_LINES[name], "")


@pytest.mark.parametrize("name", sorted(PINNED))
def test_manual_mode_without_a_version_arn_is_still_fixed(name: str) -> None:
    text = "\n".join(line for line in PINNED[name].splitlines() if ARN not in line) + "\n"
    Path(name).write_text(text, encoding="utf-8")
    assert fix(name if not name.endswith(".tf") else ".") == 1
    assert "python3.8" not in Path(name).read_text(encoding="utf-8")
