"""``lambda-runtime-rules check`` end to end through the installed console script, as pre-commit runs it.

Findings are pinned with ``--as-of 2026-11-23`` and asserted as exact (file, line, rule) sets; exit codes,
formats, unreadable input and settings errors are checked on the real process (stdout, stderr, exit status).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from cli_output import without_summary
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_runtime_rules.catalog import default_catalog
from lambda_runtime_rules.commands.check import check_files, exit_code, stale_catalog_warning
from lambda_runtime_rules.model import Finding
from lambda_runtime_rules.scan import iter_files, scan_file
from lambda_runtime_rules.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "cli"
AS_OF = "2026-11-23"
SARIF_SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"
TEXT_LINE = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<rule>[EW]L\d{4}) \S.*$")

PROJECT_FINDINGS = {
    ("project/cdk.out/AppStack.template.json", 9, "WL1003"),
    ("project/cfn/stack.json", 7, "EL1001"),
    ("project/cfn/stack.json", 17, "WL4001"),
    ("project/sam/template.yaml", 10, "WL1003"),
    ("project/sam/template.yaml", 31, "EL3003"),
    ("project/sam/template.yaml", 31, "WL3002"),
    ("project/serverless/serverless.yml", 4, "EL1002"),
    ("project/terraform/variables.tf", 3, "EL1002"),
    ("project/terraform/main.tf", 12, "EL1002"),
    ("project/terraform/main.tf", 13, "EL2001"),
}


def _console_script() -> Path:
    folder = Path(sys.executable).parent
    for name in ("lambda-runtime-rules", "lambda-runtime-rules.exe"):
        if (folder / name).is_file():
            return folder / name
    pytest.fail(f"console script lambda-runtime-rules not installed next to {sys.executable}")


def cli(*args: str, cwd: Path = FIXTURES, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the console script with a clean settings environment (no config file or variables leak in)."""
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_") or k.endswith("_CACHE_DIR")
    }
    environment.update(env or {})
    return subprocess.run(
        [str(_console_script()), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def triples(stdout: str) -> set[tuple[str, int, str]]:
    return {(r["file"].replace(os.sep, "/"), r["line"], r["rule"]) for r in json.loads(stdout)}


def _no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout


# --- findings and formats ----------------------------------------------------------------------------------


def test_project_findings_exact() -> None:
    proc = cli("check", "project", "--as-of", AS_OF, "--format", "json")
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    assert triples(proc.stdout) == PROJECT_FINDINGS


def test_json_records_have_the_documented_keys() -> None:
    proc = cli("check", "project", "--as-of", AS_OF, "--format", "json")
    for record in json.loads(proc.stdout):
        assert {"rule", "severity", "file", "line", "column", "resource", "message"} <= set(record)
        assert record["severity"] == ("error" if record["rule"][0] == "E" else "warning")
        assert record["resource"]


def test_text_lines_are_sorted_uncoloured_and_match_json() -> None:
    text = cli("check", "project", "--as-of", AS_OF)
    assert text.returncode == 1
    lines = text.stdout.splitlines()
    assert "\x1b[" not in text.stdout  # not a terminal: no colour
    matches = [TEXT_LINE.match(line) for line in lines]
    assert all(matches), lines
    keys = [(m["file"], int(m["line"]), int(m["col"]), m["rule"]) for m in matches if m]
    assert keys == sorted(keys)
    assert {(f, line, rule) for f, line, _, rule in keys} == PROJECT_FINDINGS


def test_color_always_and_never() -> None:
    assert "\x1b[1;31mEL1001" in cli("check", "project/cfn", "--as-of", AS_OF, "--color", "always").stdout
    assert "\x1b[" not in cli("check", "project/cfn", "--as-of", AS_OF, "--color", "never").stdout


def test_sarif_end_to_end_validates() -> None:
    proc = cli("check", "project", "--as-of", AS_OF, "--format", "sarif")
    assert proc.returncode == 1
    log = json.loads(proc.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    [run] = log["runs"]
    found = {
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["ruleId"],
        )
        for r in run["results"]
    }
    assert found == PROJECT_FINDINGS  # URIs relative to the working directory, as code scanning wants


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    proc = cli("check", "project", "--as-of", AS_OF, "--format", "json", "--output", str(target))
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert triples(target.read_text(encoding="utf-8")) == PROJECT_FINDINGS


def test_output_file_that_cannot_be_written(tmp_path: Path) -> None:
    proc = cli("check", "project", "--as-of", AS_OF, "--output", str(tmp_path / "missing" / "report.txt"))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "cannot write" in proc.stderr


def test_jobs_give_the_same_report() -> None:
    serial = cli("check", "project", "warnings-only", "clean", "--as-of", AS_OF, "--format", "json")
    parallel = cli("check", "project", "warnings-only", "clean", "--as-of", AS_OF, "--format", "json", "-j", "3")
    all_cpus = cli("check", "project", "warnings-only", "clean", "--as-of", AS_OF, "--format", "json", "-j", "0")
    assert serial.returncode == parallel.returncode == all_cpus.returncode == 1
    assert serial.stdout == parallel.stdout == all_cpus.stdout


def test_terraform_file_alone_still_sees_its_sibling_variables() -> None:
    proc = cli("check", "project/terraform/main.tf", "--as-of", AS_OF, "--format", "json")
    assert ("project/terraform/variables.tf", 3, "EL1002") in triples(proc.stdout)


def test_non_template_yaml_is_skipped_quietly() -> None:
    proc = cli("check", "project/config/settings.yaml", "--as-of", AS_OF)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "0 findings (0 errors, 0 warnings) in 0 files\n")


def test_default_path_is_the_working_directory() -> None:
    proc = cli("check", "--as-of", AS_OF, "--format", "json", cwd=FIXTURES / "project")
    assert {(f"project/{f}", line, rule) for f, line, rule in triples(proc.stdout)} == PROJECT_FINDINGS


# --- exit codes --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "fail_on", "expected"),
    [
        ("project", None, 1),
        ("project", "error", 1),
        ("project", "warning", 1),
        ("project", "never", 0),
        ("warnings-only", None, 0),
        ("warnings-only", "error", 0),
        ("warnings-only", "warning", 1),
        ("warnings-only", "never", 0),
        ("clean", None, 0),
        ("clean", "warning", 0),
        ("clean", "never", 0),
    ],
)
def test_exit_code_matrix(path: str, fail_on: str | None, expected: int) -> None:
    args = ["check", path, "--as-of", AS_OF] + (["--fail-on", fail_on] if fail_on else [])
    proc = cli(*args)
    assert proc.returncode == expected, proc.stdout + proc.stderr
    _no_traceback(proc)


@pytest.mark.parametrize(
    ("findings", "had_errors", "fail_on", "expected"),
    [
        ([], False, "error", 0),
        ([Finding("WL1003", "R", 1, 1, "m")], False, "error", 0),
        ([Finding("WL1003", "R", 1, 1, "m")], False, "warning", 1),
        ([Finding("EL1001", "R", 1, 1, "m")], False, "error", 1),
        ([Finding("EL1001", "R", 1, 1, "m")], False, "never", 0),
        ([], True, "never", 2),
        ([Finding("EL1001", "R", 1, 1, "m")], True, "error", 2),
    ],
)
def test_exit_code_function(findings: list[Finding], had_errors: bool, fail_on: str, expected: int) -> None:
    assert exit_code(findings, had_errors, fail_on) == expected


@pytest.mark.parametrize(
    "args",
    [
        ["check", "clean", "--format", "xml"],
        ["check", "clean", "--fail-on", "sometimes"],
        ["check", "clean", "--jobs", "many"],
        ["check", "clean", "--jobs", "-1"],
        ["check", "clean", "--as-of", "2026-13-01"],
        ["check", "clean", "--as-of", "yesterday"],
        ["check", "clean", "--warn-days", "-3"],
        ["check", "clean", "--config", "no-such-config.yaml"],
        ["check", "clean", "--catalog", "no-such-overlay.json"],
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str]) -> None:
    proc = cli(*args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1, proc.stderr
    _no_traceback(proc)


def test_broken_catalog_overlay_and_config(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.json"
    overlay.write_text('{"runtimes": [{"identifier": "python3.13", "deprecated": "soon"}]}', encoding="utf-8")
    proc = cli("check", "clean", "--as-of", AS_OF, "--catalog", str(overlay))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "overlay.json" in proc.stderr
    config = tmp_path / "config.yaml"
    config.write_text("warn_days: lots\n", encoding="utf-8")
    proc = cli("check", "clean", "--as-of", AS_OF, "--config", str(config))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "warn_days" in proc.stderr


# --- unreadable input --------------------------------------------------------------------------------------

BILLION_LAUGHS = "\n".join(
    ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(9)]
    + ["Resources: *j", ""]
)

BAD_FILES = {
    "malformed.yaml": "Resources:\n  Fn:\n    Type: [unclosed\n",
    "malformed.json": '{"Resources": {"Fn": {"Type": "AWS::Lambda::Function",}',
    "malformed.tf": 'resource "aws_lambda_function" "f" {\n  runtime = \n',
    "laughs.yaml": BILLION_LAUGHS,
}


@pytest.fixture
def bad_tree(tmp_path: Path) -> Path:
    for name, text in BAD_FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "latin1.yaml").write_bytes("Description: caf\xe9\nResources: {}\n".encode("latin-1"))
    shutil.copy(FIXTURES / "project" / "cfn" / "stack.json", tmp_path / "good.json")
    return tmp_path


def test_unreadable_files_one_line_each_others_still_reported(bad_tree: Path) -> None:
    proc = cli("check", ".", "--as-of", AS_OF, "--format", "json", cwd=bad_tree)
    assert proc.returncode == 2
    _no_traceback(proc)
    lines = proc.stderr.splitlines()
    # "path: problem", or "path:line: problem" when the parser knows the line
    assert sorted(line.split(":", 1)[0] for line in lines) == sorted([*BAD_FILES, "latin1.yaml"]), lines
    assert all(len(line.split(": ", 1)) == 2 and line.split(": ", 1)[1] for line in lines)
    assert {rule for _, _, rule in triples(proc.stdout)} == {"EL1001", "WL4001"}


def test_billion_laughs_ends_quickly(bad_tree: Path) -> None:
    proc = cli("check", "laughs.yaml", "--as-of", AS_OF, cwd=bad_tree)
    assert proc.returncode == 2
    stderr = without_summary(proc.stderr)
    assert stderr.startswith("laughs.yaml: ") and stderr.count("\n") == 1


def test_missing_path_is_reported_and_the_rest_checked() -> None:
    proc = cli("check", "no/such/template.yaml", "project/cfn", "--as-of", AS_OF, "--format", "json")
    assert proc.returncode == 2
    assert proc.stderr.startswith("no/such/template.yaml: ") and proc.stderr.count("\n") == 1
    assert triples(proc.stdout) == {("project/cfn/stack.json", 7, "EL1001"), ("project/cfn/stack.json", 17, "WL4001")}


def test_sarif_driver_properties_give_the_catalogs_age_at_as_of(tmp_path: Path) -> None:
    reviewed = json.loads((ROOT / "rules_data" / "catalog.json").read_text(encoding="utf-8"))["reviewed"]
    expected = {
        "catalogReviewed": reviewed,
        "catalogAgeDays": (dt.date(2027, 3, 1) - dt.date.fromisoformat(reviewed)).days,
        "asOf": "2027-03-01",
        "catalogStale": False,
    }
    proc = cli("check", "project/cfn", "--as-of", "2027-03-01", "--format", "sarif")
    assert proc.returncode == 1
    log = json.loads(proc.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    assert log["runs"][0]["tool"]["driver"]["properties"] == expected
    out = tmp_path / "report.sarif"
    assert cli("check", "project/cfn", "--as-of", "2027-03-01", "--format", "sarif", "-o", str(out)).returncode == 1
    assert json.loads(out.read_text(encoding="utf-8"))["runs"][0]["tool"]["driver"]["properties"] == expected
    assert isinstance(json.loads(cli("check", "project/cfn", "--as-of", "2027-03-01", "--format", "json").stdout), list)


def test_sarif_carries_unreadable_files_as_notifications(bad_tree: Path) -> None:
    proc = cli("check", "malformed.json", "good.json", "--as-of", AS_OF, "--format", "sarif", cwd=bad_tree)
    assert proc.returncode == 2
    invocation = json.loads(proc.stdout)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert len(invocation["toolExecutionNotifications"]) == 1


# --- the stale-catalog warning ------------------------------------------------------------------------------


def test_stale_catalog_warning_once() -> None:
    reviewed = default_catalog().reviewed
    late = (reviewed + dt.timedelta(days=181)).isoformat()
    proc = cli("check", "clean", "--as-of", late)
    assert proc.returncode == 0
    [line] = without_summary(proc.stderr).splitlines()
    assert "warning" in line and reviewed.isoformat() in line
    on_time = (reviewed + dt.timedelta(days=180)).isoformat()
    assert without_summary(cli("check", "clean", "--as-of", on_time).stderr) == ""


def test_stale_catalog_warning_function() -> None:
    catalog = default_catalog()
    assert stale_catalog_warning(Settings(as_of=catalog.reviewed), catalog) == ""
    assert "181 days" in stale_catalog_warning(Settings(as_of=catalog.reviewed + dt.timedelta(days=181)), catalog)


# --- in-process scanning: the corpus and generated input ----------------------------------------------------


def test_corpus_never_crashes(corpus_dir: Path) -> None:
    """Every corpus file is checked or refused with one line; no internal error, no traceback."""
    files = iter_files([str(corpus_dir)])
    results = check_files(files, Settings(as_of=dt.date.fromisoformat(AS_OF)), default_catalog(), jobs=2)
    assert len(results) == len(files)
    assert [r.path for r in results] == [str(f) for f in files]
    for result in results:
        assert "internal error" not in result.error, result.error
        assert "\n" not in result.error
    assert sum(len(r.findings) for r in results) > 100


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(
        [
            "python2.7",
            "python3.13",
            "nodejs14.x",
            "go1.x",
            "provided",
            "Manual",
            "arm64",
            "x86_64",
            "",
            "!Ref",
            "${AWS::Region}",
            "Fn::If",
            "Ref",
        ]
    ),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["Ref", "Fn::If", "Fn::FindInMap", "Fn::Sub", "Runtime", "x"]), inner, max_size=3
        ),
    ),
    max_leaves=12,
)
_PROPERTY_NAMES = st.sampled_from(
    [
        "Runtime",
        "Architectures",
        "RuntimeManagementConfig",
        "CompatibleRuntimes",
        "CompatibleArchitectures",
        "UpdateRuntimeOn",
        "RuntimeVersionArn",
        "Handler",
    ]
)
_TYPES = st.sampled_from(
    [
        "AWS::Lambda::Function",
        "AWS::Serverless::Function",
        "AWS::Lambda::LayerVersion",
        "AWS::Serverless::LayerVersion",
        "AWS::S3::Bucket",
        3,
        None,
    ]
)


@st.composite
def _templates(draw: st.DrawFn) -> str:
    resources = draw(
        st.dictionaries(
            st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,8}", fullmatch=True),
            st.fixed_dictionaries(
                {"Type": _TYPES, "Properties": st.one_of(_VALUES, st.dictionaries(_PROPERTY_NAMES, _VALUES))}
            ),
            max_size=3,
        )
    )
    document = {
        "Globals": {"Function": draw(st.dictionaries(_PROPERTY_NAMES, _VALUES, max_size=3))},
        "Parameters": draw(st.dictionaries(st.sampled_from(["P", "Q"]), _VALUES, max_size=2)),
        "Mappings": draw(_VALUES),
        "Conditions": draw(_VALUES),
        "Resources": resources,
    }
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    if not resources:
        return text
    tags = draw(
        st.lists(
            st.sampled_from(
                [
                    "!Ref P",
                    "!If [C, a, b]",
                    "!FindInMap [M, !Ref P, k]",
                    "!GetAtt A.B",
                    "!Sub x",
                    "&a x",
                    "*a",
                    "!!python/object:os.system x",
                ]
            ),
            max_size=3,
        )
    )
    return text + "".join(
        f"  T{i}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: {tag}\n"
        for i, tag in enumerate(tags)
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(_templates(), st.text(max_size=300)),
    name=st.sampled_from(["template.yaml", "serverless.yml", "stack.json", "main.tf"]),
)
def test_scan_never_raises_on_generated_text(tmp_path: Path, text: str, name: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    result = scan_file(path, Settings(as_of=dt.date.fromisoformat(AS_OF)), default_catalog())
    assert "\n" not in result.error
    if result.error:
        assert result.error.startswith(f"{path}:") and "\n" not in result.error
    for finding in result.findings:
        assert finding.rule[:2] in ("EL", "WL") and finding.line >= 0


JSONC = '{\n  // TypeScript allows comments and trailing commas here\n  "compilerOptions": {"strict": true,},\n}\n'


def test_commented_tsconfig_and_editor_settings_are_not_templates(tmp_path: Path) -> None:
    """Every CDK and serverless.ts project has a commented tsconfig.json: it is no template, in a folder scan or
    handed over by a hook, for check, report and fix alike; a broken template beside it still fails."""
    for name in ("tsconfig.json", "tsconfig.build.json", "jsconfig.json", ".vscode/settings.json",
                 ".devcontainer/devcontainer.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(JSONC, encoding="utf-8")
    (tmp_path / "template.json").write_text(
        '{"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "python3.8"}}}}',
        encoding="utf-8",
    )
    scan = cli("check", "--as-of", "2026-11-23", "--format", "json", "--fail-on", "warning", ".", cwd=tmp_path)
    assert scan.returncode == 1 and scan.stderr == "", scan.stderr
    assert [(f["rule"], f["file"]) for f in json.loads(scan.stdout)] == [("WL1003", "template.json")]
    hook = cli("check", "--as-of", "2026-11-23", "tsconfig.json", ".vscode/settings.json", cwd=tmp_path)
    assert (hook.returncode, hook.stdout, without_summary(hook.stderr)) == (0, "", "")
    assert cli("report", "--as-of", "2026-11-23", ".", cwd=tmp_path).returncode == 0
    fixed = cli("fix", "--as-of", "2026-11-23", "--dry-run", "tsconfig.json", cwd=tmp_path)
    assert (fixed.returncode, fixed.stderr) == (0, "")
    assert (tmp_path / "tsconfig.json").read_text(encoding="utf-8") == JSONC
    # a file with comments under any other name is still read, and refused in one line: it may be a template
    (tmp_path / "broken-template.json").write_text(JSONC, encoding="utf-8")
    broken = cli("check", "--as-of", "2026-11-23", ".", cwd=tmp_path)
    stderr = without_summary(broken.stderr)
    assert broken.returncode == 2 and stderr.count("\n") == 1 and "broken-template.json" in stderr


def _tree(root: Path, folders: int, per_folder: int) -> None:
    """Terraform folders (each file evaluated with its folder) and a template per folder, for the pool tests."""
    runtime = next(r.identifier for r in default_catalog() if r.deprecated and r.deprecated.year < 2020)
    for number in range(folders):
        folder = root / f"svc{number:03d}"
        folder.mkdir()
        (folder / "variables.tf").write_text(f'variable "rt" {{\n  default = "{runtime}"\n}}\n', encoding="utf-8")
        for index in range(per_folder - 1):
            (folder / f"f{index}.tf").write_text(
                f'resource "aws_lambda_function" "f{index}" {{\n  runtime = var.rt\n}}\n', encoding="utf-8"
            )
        (folder / "template.yaml").write_text(
            "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n"
            f"      Runtime: {runtime}\n      Handler: index.handler\n",
            encoding="utf-8",
        )


def test_workers_fed_while_the_tree_is_walked_give_the_same_results(tmp_path: Path) -> None:
    """``walk_files`` hands ``check_files`` the tree as it is walked; with workers the first chunks are scanned
    before the walk ends. Every result, in order, is what one process gives from the walked list."""
    from lambda_runtime_rules.scan import walk_files

    _tree(tmp_path, 40, 6)
    settings, catalog = Settings(as_of=dt.date.fromisoformat(AS_OF)), default_catalog()
    alone = check_files(iter_files([str(tmp_path)]), settings, catalog, jobs=1)
    streamed = check_files(walk_files([str(tmp_path)]), settings, catalog, jobs=2)
    assert [(r.path, r.kind, r.error, r.findings) for r in streamed] == [
        (r.path, r.kind, r.error, r.findings) for r in alone
    ]
    assert len(alone) == 40 * 7 and sum(len(r.findings) for r in alone) >= 40 * 6


def test_pool_chunks_never_split_a_terraform_folder(tmp_path: Path) -> None:
    """A folder split between two workers would be parsed by both: chunks end where a folder does (unless that
    makes one four times its size)."""
    from lambda_runtime_rules.commands import check

    _tree(tmp_path, 10, 7)
    tasks = [(path, (), False) for path in iter_files([str(tmp_path)])]
    assert check._cut(tasks, 4) == 8  # the first folder: six .tf files, its template, then variables.tf
    assert {path.parent for path, _, _ in tasks[:8]} == {tmp_path / "svc000"}
    assert check._cut(tasks, 8) == 8 and check._cut(tasks[:3], 4) == 3
    deep = [(tmp_path / "one" / f"f{i}.tf", (), False) for i in range(30)]
    assert check._cut(deep, 4) == 16  # one folder of 30 files: cut at four times the size
    templates = [(tmp_path / "cfn" / f"t{i}.yaml", (), False) for i in range(30)]
    assert check._cut(templates, 4) == 4  # no Terraform in the folder: cut anywhere


def test_progress_total_comes_from_the_walk(tmp_path: Path) -> None:
    """With workers the bar starts before the tree is walked; its total is set when the walk ends."""
    import io

    from lambda_runtime_rules.progress import Progress
    from lambda_runtime_rules.scan import walk_files

    _tree(tmp_path, 3, 3)
    bar = Progress(io.StringIO(), 0)
    results = check_files(walk_files([str(tmp_path)]), Settings(as_of=dt.date.fromisoformat(AS_OF)),
                          default_catalog(), jobs=2, progress=bar)
    assert bar.total == len(results) == 12 and bar.done == 12


def test_a_few_files_get_a_chunk_each_and_no_more_workers_than_chunks(tmp_path: Path, monkeypatch) -> None:
    """A hook's three big templates with ``--jobs 8``: three chunks of one file, three workers (not eight idle
    ones); a Terraform folder stays in one chunk; the results in order."""
    import concurrent.futures

    started: list[int] = []
    chunks: list[int] = []

    class Spy(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, max_workers: int, **kwargs: object) -> None:
            started.append(max_workers)
            super().__init__(max_workers=max_workers, **kwargs)  # type: ignore[arg-type]

        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            chunks.append(len(args[0]))
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Spy)
    _tree(tmp_path, 1, 2)  # f0.tf, template.yaml, variables.tf: one folder with Terraform, one chunk
    files = iter_files([str(tmp_path)])
    results = check_files(files, Settings(as_of=dt.date.fromisoformat(AS_OF)), default_catalog(), jobs=8)
    assert started == [1] and chunks == [3]
    assert [r.path for r in results] == [str(f) for f in files]
    started.clear()
    chunks.clear()
    templates = [tmp_path / f"t{i}.yaml" for i in range(3)]
    for template in templates:
        template.write_text((tmp_path / "svc000" / "template.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    results = check_files(templates, Settings(as_of=dt.date.fromisoformat(AS_OF)), default_catalog(), jobs=8)
    assert started == [3] and chunks == [1, 1, 1] and all(r.findings for r in results)
