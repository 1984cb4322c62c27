"""The baseline (issue 11): accepted findings are not reported, by the CLI, cfn-lint or Checkov; entries survive
edits, never hide a finding that got worse, and stale entries are named and dropped."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from cli_output import without_summary
from hypothesis import given
from hypothesis import strategies as st

from lambda_runtime_rules import baseline
from lambda_runtime_rules.catalog import default_catalog
from lambda_runtime_rules.cli import main
from lambda_runtime_rules.model import Finding

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "baseline"
AS_OF = "2026-11-23"
CREATE_BLOCKED = "2027-02-01"  # python3.9 and nodejs16.x are create-blocked from this day

BASELINE = """{
  "version": 1,
  "tool": "lambda-runtime-rules",
  "entries": [
    {"file": "template.yaml", "resource": "LegacyFunction", "rule": "WL1003", "runtime": "nodejs16.x", \
"phase": "deprecated"},
    {"file": "template.yaml", "resource": "OldFunction", "rule": "WL1003", "runtime": "python3.9", \
"phase": "deprecated"},
    {"file": "template.yaml", "resource": "SharedLayer", "rule": "WL4001", "runtime": "python3.9", \
"phase": "deprecated"}
  ]
}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(FIXTURES / "template.yaml", tmp_path / "template.yaml")
    monkeypatch.chdir(tmp_path)
    for name in ("LAMBDA_RUNTIME_RULES_CONFIG", "LAMBDA_RUNTIME_RULES_BASELINE", "CI"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", "--as-of", AS_OF, "--fail-on", "warning", *args])
    out, err = capsys.readouterr()
    return code, out, err


def triples(out: str) -> list[tuple[str, int, str, str]]:
    return [(f["rule"], f["line"], f["resource"], f["runtime"]) for f in json.loads(out)]


def test_write_then_check_accepts_everything(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--write-baseline", "b.json", "template.yaml")
    assert (code, out) == (0, "")
    assert err == (
        "lambda-runtime-rules: wrote 3 entries to the baseline b.json (3 from this run, 0 stale dropped)\n"
        "0 findings (0 errors, 0 warnings) in 1 file; 3 accepted by the baseline\n"
    )
    assert (project / "b.json").read_text(encoding="utf-8") == BASELINE
    code, out, err = run(capsys, "--baseline", "b.json", "template.yaml")
    assert (code, out) == (0, "")
    assert err == (
        "lambda-runtime-rules: baseline b.json: 3 findings accepted, 0 stale entries\n"
        "0 findings (0 errors, 0 warnings) in 1 file; 3 accepted by the baseline\n"
    )


def test_entries_survive_edits_and_a_new_finding_is_reported(project: Path, capsys) -> None:
    run(capsys, "--write-baseline", "b.json", "template.yaml")
    text = (project / "template.yaml").read_text(encoding="utf-8")
    new = (
        "  NewFunction:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.8\n"
        "      Handler: app.handler\n      Code: {ZipFile: x}\n      Role: arn:aws:iam::123456789012:role/fn\n"
    )
    edited = text.replace("Resources:\n", "Resources:\n" + new, 1).replace("Description:", "# a comment\nDescription:")
    (project / "template.yaml").write_text(edited, encoding="utf-8")
    code, out, err = run(capsys, "--baseline", "b.json", "--format", "json", "template.yaml")
    assert code == 1
    assert triples(out) == [("WL1003", 8, "NewFunction", "python3.8")]  # the accepted ones moved 7 lines down
    assert err == "lambda-runtime-rules: baseline b.json: 3 findings accepted, 0 stale entries\n"


def test_a_finding_that_got_worse_is_reported_again(project: Path, capsys) -> None:
    run(capsys, "--write-baseline", "b.json", "template.yaml")
    code = main(["check", "--as-of", CREATE_BLOCKED, "--baseline", "b.json", "--format", "json", "template.yaml"])
    out, err = capsys.readouterr()
    assert code == 1
    findings = json.loads(out)
    assert [(f["rule"], f["line"], f["resource"]) for f in findings] == [
        ("EL1002", 7, "OldFunction"),
        ("EL1002", 14, "LegacyFunction"),
        ("WL4001", 22, "SharedLayer"),  # the same rule code: only the recorded phase shows it got worse
    ]
    assert all(f["message"].endswith("(worse than in the baseline: deprecated then, create-blocked now)")
               for f in findings)
    # outgrown entries are not "fixed": none is stale
    assert err == (
        "lambda-runtime-rules: baseline b.json: 0 findings accepted, 0 stale entries, "
        "3 reported again because they got worse\n"
    )


def test_stale_entries_are_named_and_dropped(project: Path, capsys) -> None:
    run(capsys, "--write-baseline", "b.json", "template.yaml")
    path = project / "template.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("nodejs16.x", "nodejs22.x"), encoding="utf-8")
    code, out, err = run(capsys, "--baseline", "b.json", "template.yaml")
    assert (code, out) == (0, "")
    assert without_summary(err) == (
        "lambda-runtime-rules: baseline b.json: stale entry, its finding is gone (--write-baseline drops it): "
        "template.yaml LegacyFunction WL1003 nodejs16.x\n"
        "lambda-runtime-rules: baseline b.json: 2 findings accepted, 1 stale entry\n"
    )
    assert err.endswith("0 findings (0 errors, 0 warnings) in 1 file; 2 accepted by the baseline (1 stale entry)\n")
    code, _, err = run(capsys, "--write-baseline", "b.json", "template.yaml")
    assert "wrote 2 entries to the baseline b.json (2 from this run, 1 stale dropped)" in err
    assert "nodejs16.x" not in (project / "b.json").read_text(encoding="utf-8")


def test_entries_of_files_not_checked_are_kept(project: Path, capsys) -> None:
    (project / "other").mkdir()
    shutil.copy(project / "template.yaml", project / "other" / "stack.yaml")
    run(capsys, "--write-baseline", "b.json", ".")
    entries = baseline.read(project / "b.json")
    assert len(entries) == 6 and {e.file for e in entries} == {"template.yaml", "other/stack.yaml"}
    # a pre-commit run over one file rewrites that file's entries only, and reports no other file's as stale
    path = project / "template.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("nodejs16.x", "nodejs22.x"), encoding="utf-8")
    code, _, err = run(capsys, "--baseline", "b.json", "template.yaml")
    assert code == 0 and err.count("stale entry, its finding is gone") == 1
    run(capsys, "--write-baseline", "b.json", "template.yaml")
    assert sorted((e.file, e.resource) for e in baseline.read(project / "b.json")) == [
        ("other/stack.yaml", "LegacyFunction"),
        ("other/stack.yaml", "OldFunction"),
        ("other/stack.yaml", "SharedLayer"),
        ("template.yaml", "OldFunction"),
        ("template.yaml", "SharedLayer"),
    ]
    # a deleted file's entries are stale, and dropped by the next write
    (project / "other" / "stack.yaml").unlink()
    code, _, err = run(capsys, "--baseline", "b.json", "template.yaml")
    assert err.count("stale entry, its finding is gone") == 3 and "other/stack.yaml" in err
    run(capsys, "--write-baseline", "b.json", "template.yaml")
    assert {e.file for e in baseline.read(project / "b.json")} == {"template.yaml"}


def test_config_names_the_baseline_relative_to_its_folder(project: Path, capsys, monkeypatch) -> None:
    run(capsys, "--write-baseline", "b.json", "template.yaml")
    (project / ".lambda-runtime-rules.yaml").write_text("baseline: b.json\n", encoding="utf-8")
    (project / "sub").mkdir()
    monkeypatch.chdir(project / "sub")
    code, out, err = run(capsys, "../template.yaml")
    assert (code, out) == (0, "")
    assert err.startswith(f"lambda-runtime-rules: baseline {project / 'b.json'}: 3 findings accepted, 0 stale")
    # the flag wins over the config file
    (project / "sub" / "empty.json").write_text('{"version": 1, "entries": []}', encoding="utf-8")
    code, out, _ = run(capsys, "--baseline", "empty.json", "../template.yaml")
    assert code == 1 and out.count("WL1003") == 2


def test_identical_findings_need_as_many_entries(project: Path) -> None:
    catalog = default_catalog()
    as_of = dt.date(2026, 11, 23)
    base = str(project)
    finding = Finding("WL4001", "Layer", 3, 5, "m", str(project / "t.yaml"), "python3.9")
    (project / "t.yaml").write_text("x", encoding="utf-8")
    entries = [baseline.entry_for(finding, base, catalog, as_of)]
    outcome = baseline.apply([finding, finding], entries, base, catalog, as_of, [str(project / "t.yaml")])
    assert (outcome.accepted, len(outcome.findings), outcome.stale) == (1, 1, [])
    outcome = baseline.apply([], entries, base, catalog, as_of, [str(project / "t.yaml")])
    assert outcome.stale == entries


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{", "not a baseline: not valid JSON"),
        ("[]", "not a baseline: expected an object with an 'entries' list"),
        ('{"version": 2, "entries": []}', "baseline version 2 is not 1"),
        ('{"version": 1, "entries": [{"file": "a"}]}', "entries[0]: needs file, resource, rule and runtime strings"),
        ('{"version": 1, "entries": [{"file": "a", "resource": "r", "rule": "WL1003", "runtime": "x", '
         '"phase": "gone"}]}', "entries[0]: phase 'gone' is not a lifecycle phase"),
        ("[" * 100000, "not a baseline: not valid JSON"),
    ],
)
def test_a_broken_baseline_is_one_line_exit_2(project: Path, capsys, text: str, problem: str) -> None:
    (project / "b.json").write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "--baseline", "b.json", "template.yaml")
    assert (code, out) == (2, "")
    assert err.startswith(f"lambda-runtime-rules: b.json: {problem}") and err.count("\n") == 1


def test_a_missing_baseline_and_both_flags_are_usage_errors(project: Path, capsys) -> None:
    code, _, err = run(capsys, "--baseline", "nope.json", "template.yaml")
    assert code == 2
    assert err == (
        "lambda-runtime-rules: nope.json: no such baseline file (create it with check --write-baseline nope.json)\n"
    )
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--baseline", "a.json", "--write-baseline", "b.json", "template.yaml"])
    assert exit_info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
    (project / "ro").mkdir()
    code, _, err = run(capsys, "--write-baseline", "ro/missing/b.json", "template.yaml")
    assert code == 2 and err.startswith("lambda-runtime-rules: ro/missing/b.json: cannot write the baseline: ")


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12))
def test_parse_never_raises_anything_but_a_baseline_error(document: object) -> None:
    for candidate in (document, {"version": 1, "entries": document}, {"version": 1, "entries": [document]}):
        try:
            baseline.parse(json.dumps(candidate), "b.json")
        except baseline.BaselineError as exc:
            assert str(exc).startswith("b.json: ") and "\n" not in str(exc)


def test_dumps_round_trips_and_sorts() -> None:
    entries = [baseline.Entry("b.yaml", "Z", "WL1003", "python3.9", "deprecated"),
               baseline.Entry("a.yaml", "Fn\u00e9", "EL3003", "", "")]
    text = baseline.dumps(entries)
    assert baseline.parse(text, "x") == sorted(entries)
    assert text.index("a.yaml") < text.index("b.yaml") and "Fn\u00e9" in text
    assert baseline.parse(baseline.dumps([]), "x") == []


# --- the hosts' faces: the config's baseline hides accepted findings in cfn-lint and Checkov too --------------


def _host_project(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    import os

    shutil.copy(FIXTURES / "template.yaml", tmp_path / "template.yaml")
    accepted = [line for line in BASELINE.splitlines(keepends=True) if "LegacyFunction" not in line]
    (tmp_path / "b.json").write_text("".join(accepted), encoding="utf-8")
    (tmp_path / ".lambda-runtime-rules.yaml").write_text("baseline: b.json\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_") or k.endswith("_CACHE_DIR")}
    env.update({"LAMBDA_RUNTIME_RULES_AS_OF": AS_OF, "BC_SKIP_MAPPING": "TRUE",
                "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"})
    return tmp_path, env


def test_cli_cfn_lint_and_checkov_honour_the_configs_baseline_alike(tmp_path: Path) -> None:
    import subprocess
    import sys

    from test_checkov_checks import CHECKS_DIR, run_checkov, verdicts

    project, env = _host_project(tmp_path)
    bin_dir = Path(sys.executable).parent
    cli = subprocess.run([str(bin_dir / "lambda-runtime-rules"), "check", "--format", "json", "."],
                         cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert cli.returncode == 0, cli.stderr
    assert triples(cli.stdout) == [("WL1003", 14, "LegacyFunction", "nodejs16.x")]
    assert f"baseline {project / 'b.json'}: 2 findings accepted, 0 stale entries" in cli.stderr

    lint = subprocess.run([str(bin_dir / "cfn-lint"), "--append-rules=lambda_runtime_rules.cfn_lint", "--format",
                           "json", "--", "template.yaml"], cwd=project, env=env, capture_output=True, text=True,
                          timeout=300)
    assert "Traceback" not in lint.stderr, lint.stderr
    ours = [(m["Rule"]["Id"], m["Location"]["Start"]["LineNumber"]) for m in json.loads(lint.stdout)
            if m["Rule"]["Id"][1:2] == "L"]
    assert ours == [("WL1003", 14)]

    reports, stderr = run_checkov(["-d", ".", "--framework", "cloudformation", "--external-checks-dir",
                                   str(CHECKS_DIR), "--check", "CKV_LRR_*"], env, cwd=project)
    found = verdicts(reports)
    failed = sorted((resource, check) for (_, resource), checks in found.items()
                    for check, verdict in checks.items() if verdict == "FAILED")
    assert failed == [("AWS::Lambda::Function.LegacyFunction", "CKV_LRR_1003")], stderr[-2000:]
    assert found[("cloudformation", "AWS::Lambda::Function.OldFunction")]["CKV_LRR_1003"] == "PASSED"
    assert found[("cloudformation", "AWS::Lambda::LayerVersion.SharedLayer")]["CKV_LRR_4001"] == "PASSED"


def test_a_broken_baseline_fails_the_cfn_lint_face_closed(tmp_path: Path) -> None:
    import subprocess
    import sys

    project, env = _host_project(tmp_path)
    (project / "b.json").write_text("{not json", encoding="utf-8")
    command = [str(Path(sys.executable).parent / "cfn-lint"), "--append-rules=lambda_runtime_rules.cfn_lint",
               "--format", "parseable", "--", "template.yaml"]
    lint = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert lint.returncode != 0 and "Traceback" not in lint.stderr
    assert f"lambda-runtime-rules settings: {project / 'b.json'}: not a baseline: not valid JSON" in lint.stdout


def test_a_broken_baseline_fails_every_checkov_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from checkov.common.models.enums import CheckResult

    from lambda_runtime_rules import checkov_adapter as adapter

    (tmp_path / "b.json").write_text("[]", encoding="utf-8")
    (tmp_path / "config.yaml").write_text("baseline: b.json\n", encoding="utf-8")
    monkeypatch.setenv("LAMBDA_RUNTIME_RULES_CONFIG", str(tmp_path / "config.yaml"))
    monkeypatch.setenv("LAMBDA_RUNTIME_RULES_AS_OF", AS_OF)
    conf = {"runtime": ["python3.12"]}  # clean: only the baseline can fail it
    results = {check.id: check.scan_resource_conf(conf) for check in adapter.make_checks("terraform")}
    assert set(results.values()) == {CheckResult.FAILED}
    assert f"{tmp_path / 'b.json'}: not a baseline: expected an object" in capsys.readouterr().err
    (tmp_path / "b.json").write_text('{"version": 1, "entries": []}', encoding="utf-8")
    monkeypatch.setenv("LAMBDA_RUNTIME_RULES_WARN_DAYS", "120")  # a new settings key: the context is read again
    results = {check.id: check.scan_resource_conf(conf) for check in adapter.make_checks("terraform")}
    assert CheckResult.FAILED not in results.values()
