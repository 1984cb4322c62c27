"""What a run says about itself (issue 11): the text summary line, "no template found", the progress line on a
terminal only, and the ``json-object`` format's metadata (the catalog's age, as in SARIF; issue 16)."""

from __future__ import annotations

import io
import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_output import SUMMARY

from lambda_runtime_rules.catalog import STALE_CATALOG_DAYS, default_catalog
from lambda_runtime_rules.cli import main
from lambda_runtime_rules.progress import DELAY, Progress, wanted

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-23"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(ROOT / "fixtures" / "baseline" / "template.yaml", tmp_path / "template.yaml")
    (tmp_path / "broken.yaml").write_text("Resources: [\n", encoding="utf-8")
    (tmp_path / "notes.yaml").write_text("just: settings\n", encoding="utf-8")  # no template: not counted
    (tmp_path / "main.tf").write_text('resource "aws_lambda_function" "f" {\n  runtime = "python3.7"\n}\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LAMBDA_RUNTIME_RULES_CONFIG", raising=False)
    return tmp_path


def test_the_summary_line_counts_findings_files_and_unreadable_files(tree: Path, capsys) -> None:
    code = main(["check", "--as-of", AS_OF, "."])
    out, err = capsys.readouterr()
    assert code == 2 and out.count("\n") == 4
    assert err.splitlines()[-1] == "4 findings (1 error, 3 warnings) in 2 files; 1 file could not be read"
    assert SUMMARY.fullmatch(err.splitlines()[-1])
    # only the text format has it: other formats are read by programs
    for fmt in ("json", "json-object", "sarif", "github", "gitlab", "junit"):
        main(["check", "--as-of", AS_OF, "--format", fmt, "."])
        assert "findings (" not in capsys.readouterr().err


def test_singular_and_plural(tree: Path, capsys) -> None:
    main(["check", "--as-of", AS_OF, "main.tf"])
    assert capsys.readouterr().err == "1 finding (1 error, 0 warnings) in 1 file\n"


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_folder_without_any_template_says_so(tmp_path: Path, capsys, fmt: str) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    code = main(["check", "--as-of", AS_OF, "--format", fmt, str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 0
    assert (
        "lambda-runtime-rules: warning: no template found (1 candidate file looked at; none is a CloudFormation, "
        "SAM, Terraform, Serverless, CDK or Dockerfile input): check the paths given"
    ) in err.splitlines()
    # files handed over one by one (a pre-commit run over a commit's YAML) are often not templates: quiet
    main(["check", "--as-of", AS_OF, "--format", fmt, str(tmp_path / "docs" / "mkdocs.yml")])
    assert "no template found" not in capsys.readouterr().err
    # an empty folder too
    (tmp_path / "empty").mkdir()
    main(["check", "--as-of", AS_OF, "--format", fmt, str(tmp_path / "empty")])
    assert "no template found (0 candidate files looked at;" in capsys.readouterr().err


def test_json_object_carries_the_findings_and_the_runs_metadata(tree: Path, capsys) -> None:
    catalog = default_catalog()
    main(["check", "--as-of", AS_OF, "--format", "json"])
    plain = json.loads(capsys.readouterr().out)
    main(["check", "--as-of", AS_OF, "--format", "json-object"])
    document = json.loads(capsys.readouterr().out)
    assert document["findings"] == plain  # the same records as the plain list
    metadata = document["metadata"]
    assert metadata["tool"] == "lambda-runtime-rules" and metadata["version"]
    age = (default_catalog().reviewed - catalog.reviewed).days  # 0: keeps the arithmetic below readable
    assert metadata["catalogReviewed"] == catalog.reviewed.isoformat()
    assert metadata["asOf"] == AS_OF
    assert metadata["catalogAgeDays"] == (catalog.reviewed.fromisoformat(AS_OF) - catalog.reviewed).days + age
    assert (metadata["catalogStale"], metadata["staleCatalogNotice"]) == (False, None)
    assert {k: metadata[k] for k in ("files", "candidates", "findings", "errors", "warnings")} == {
        "files": 2, "candidates": 4, "findings": 4, "errors": 1, "warnings": 3,
    }
    assert [u["file"] for u in metadata["unreadable"]] == ["broken.yaml"]
    assert "baseline" not in metadata
    late = (catalog.reviewed.toordinal() + STALE_CATALOG_DAYS + 1)
    main(["check", "--as-of", type(catalog.reviewed).fromordinal(late).isoformat(), "--format", "json-object"])
    stale = json.loads(capsys.readouterr().out)["metadata"]
    assert stale["catalogStale"] is True and "reviewed on" in stale["staleCatalogNotice"]
    main(["check", "--as-of", AS_OF, "--format", "json-object", "--write-baseline", "b.json"])
    written = json.loads(capsys.readouterr().out)
    assert written["findings"] == []
    assert written["metadata"]["baseline"] == {"file": "b.json", "accepted": 4, "stale": 0, "worse": 0,
                                               "written": True}


# --- the progress line --------------------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_waits_for_a_slow_run_redraws_sparingly_and_erases_itself() -> None:
    stream, clock = _Terminal(), _Clock()
    bar = Progress(stream, 4, clock=clock)
    bar.advance()
    assert stream.getvalue() == ""  # a quick run never shows it
    clock.now += DELAY
    bar.advance()
    assert stream.getvalue() == "\r[###############...............] 2/4 files"
    bar.advance()  # within the redraw interval: nothing
    assert stream.getvalue().count("\r") == 1
    clock.now += 1
    bar.advance()
    assert stream.getvalue().endswith("\r[##############################] 4/4 files")
    bar.close()
    assert stream.getvalue().endswith("\r" + " " * len("[##############################] 4/4 files") + "\r")


def test_progress_only_on_a_terminal_outside_ci() -> None:
    terminal = _Terminal()
    assert wanted(terminal, {}) and Progress.for_stream(terminal, 10, {}) is not None
    assert not wanted(terminal, {"CI": "true"})
    assert not wanted(terminal, {"TERM": "dumb"})
    assert not wanted(io.StringIO(), {})  # a pipe or a file
    assert Progress.for_stream(terminal, 1, {}) is None  # one file: nothing to show
    unknown = Progress.for_stream(terminal, None, {})  # the tree is still being walked: set when it ends
    assert unknown is not None and unknown.total == 0
    assert Progress.for_stream(io.StringIO(), None, {}) is None


def test_progress_survives_a_closed_terminal() -> None:
    stream, clock = _Terminal(), _Clock()
    bar = Progress(stream, 2, clock=clock)
    stream.close()
    clock.now += DELAY
    bar.advance()
    bar.close()


def _on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """stderr of the console script when it is a real pseudo-terminal."""
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=follower, timeout=300)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    assert proc.returncode in (0, 1)
    return b"".join(chunks).decode("utf-8", "replace")


def test_the_console_script_draws_the_line_on_a_terminal_and_never_in_a_pipe(tmp_path: Path) -> None:
    function = "    Type: AWS::Lambda::Function\n    Properties: {Runtime: python3.12}\n"
    template = "Resources:\n" + "".join(f"  F{n}:\n{function}" for n in range(60))
    for index in range(800):  # about 3 s here: well past DELAY, also on a faster machine
        (tmp_path / f"t{index}.yaml").write_text(template, encoding="utf-8")
    script = str(Path(sys.executable).with_name("lambda-runtime-rules"))
    env = {
        k: v
        for k, v in os.environ.items()
        if (not k.startswith("LAMBDA_RUNTIME_RULES_") or k.endswith("_CACHE_DIR")) and k != "CI"
    }
    env["TERM"] = "xterm"
    args = [script, "check", "--as-of", AS_OF, "."]
    seen = _on_a_terminal(args, tmp_path, env)
    assert "/800 files" in seen and seen.rstrip().endswith("0 findings (0 errors, 0 warnings) in 800 files")
    assert "/800 files" not in _on_a_terminal([*args, "--no-progress"], tmp_path, env)
    assert "/800 files" not in _on_a_terminal(args, tmp_path, {**env, "CI": "true"})
    piped = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert piped.stderr == "0 findings (0 errors, 0 warnings) in 800 files\n"
