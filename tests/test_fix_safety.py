"""``fix`` never loses or misplaces a byte (issue 15, items 4 and 13-18; issue 14, item 8).

Each test fails on the code before its fix. Large inputs are generated here, never stored.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
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
