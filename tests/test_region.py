"""EL1006 (runtime not offered in a new Region): the region data, the setting, the Region written in files, the
engine's six-month policy at its boundary, every face (CLI, cfn-lint, Checkov) and hostile provider blocks.

Dates are pinned (``as_of`` 2026-11-23); the Regions' launch dates are the bundled, sourced ones, or a synthetic
table where a boundary must be exact.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_runtime_rules.catalog import Catalog, default_catalog
from lambda_runtime_rules.engine import evaluate
from lambda_runtime_rules.model import FunctionSubject, Value
from lambda_runtime_rules.regions import Region, RegionTable, add_months, build, bundled, cut_off
from lambda_runtime_rules.settings import Settings, SettingsError
from lambda_runtime_rules.settings import load as load_settings
from lambda_runtime_rules.sources.terraform import subjects_from_hcl

REPO = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 23)
BIN = Path(sys.executable).parent


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_") or k.endswith("_CACHE_DIR")}
    (tmp_path / "empty.yaml").write_text("{}\n")
    env["LAMBDA_RUNTIME_RULES_AS_OF"] = AS_OF.isoformat()
    env["LAMBDA_RUNTIME_RULES_CONFIG"] = str(tmp_path / "empty.yaml")
    env.update({f"LAMBDA_RUNTIME_RULES_{k.upper()}": v for k, v in extra.items()})
    return env


def el1006(subject: FunctionSubject, region: str | None, catalog: Catalog | None = None) -> list[tuple[str, int]]:
    found = evaluate(subject, Settings(as_of=AS_OF, region=region), catalog or default_catalog())
    return [(f.resource, f.line) for f in found if f.rule == "EL1006"]


def function(runtime: str, *regions: Value) -> FunctionSubject:
    return FunctionSubject("Fn", runtimes=(Value(runtime, 7, 16),), line=3, regions=regions)


# --- data -------------------------------------------------------------------------------------------------


def test_bundled_regions_cover_every_partition_and_never_guess() -> None:
    table = bundled()
    partitions = {r.partition for r in table}
    assert partitions == {"aws", "aws-us-gov", "aws-cn"}
    assert {"us-east-1", "us-gov-west-1", "us-gov-east-1", "cn-north-1", "cn-northwest-1", "ap-southeast-7"} <= set(
        table.regions
    )
    for region in table:
        if region.launched is None:
            assert region.note, region.code  # unknown, and says why
        else:
            assert region.sources and all(s.startswith("https://") for s in region.sources), region.code
    assert table.new_region_months == 6


def test_a_dated_region_without_a_source_or_an_undated_one_without_a_note_is_refused() -> None:
    document = json.loads((REPO / "rules_data" / "regions.json").read_text(encoding="utf-8"))
    broken = json.loads(json.dumps(document))
    broken["regions"][0].update(launched="2020-01-01", sources=[])
    with pytest.raises(Exception, match=r"regions\.json: regions\.0"):
        build(broken)
    broken = json.loads(json.dumps(document))
    broken["regions"][0].pop("note", None)
    broken["regions"][0]["launched"] = None
    with pytest.raises(Exception, match="note"):
        build(broken)
    broken = json.loads(json.dumps(document))
    broken["regions"].append(dict(broken["regions"][0]))
    with pytest.raises(Exception, match="duplicate code"):
        build(broken)


def test_region_stamp_is_current() -> None:
    """Run ``python -c "from lambda_runtime_rules import regions; regions.write_stamp()"`` after editing the data."""
    from lambda_runtime_rules import regions

    stamp = json.loads((REPO / "rules_data" / regions.STAMP_FILE).read_text(encoding="utf-8"))
    assert stamp["sha256"] == regions.fingerprint()


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 12, 15), -6, dt.date(2025, 6, 15)),
        (dt.date(2025, 8, 31), -6, dt.date(2025, 2, 28)),
        (dt.date(2024, 8, 31), -6, dt.date(2024, 2, 29)),
        (dt.date(2025, 3, 1), 6, dt.date(2025, 9, 1)),
        (dt.date(9999, 12, 31), 6, dt.date.max),
        (dt.date(1, 1, 1), -6, dt.date.min),
    ],
)
def test_add_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


# --- engine -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("runtime", "region", "expected"),
    [
        ("python3.9", "ap-southeast-6", [("Fn", 7)]),  # deprecated 2025-12-15, cut-off 2025-06-15; NZ 2025-09-01
        ("python3.9", "ap-east-2", []),  # Taipei 2025-06-05: ten days before the cut-off, so offered
        ("nodejs18.x", "ap-east-2", [("Fn", 7)]),  # deprecated 2025-09-01, cut-off 2025-03-01
        ("python3.8", "mx-central-1", [("Fn", 7)]),  # already deprecated (2024-10-14) at launch (2025-01-14)
        ("python3.12", "ap-southeast-6", []),  # far from deprecation
        ("python3.7", "ap-southeast-6", []),  # create-blocked everywhere: EL1002 says it, EL1006 adds nothing
        ("python3.9", "us-east-1", []),  # launch date not sourced: not judged
        ("python3.9", None, []),  # no Region at all
        ("custom", "ap-southeast-6", []),
        ("python3.15", "ap-southeast-6", []),  # preview: no dates
    ],
)
def test_engine_on_the_bundled_data(runtime: str, region: str | None, expected: list[tuple[str, int]]) -> None:
    assert el1006(function(runtime), region) == expected


def test_message_names_region_launch_and_deprecation() -> None:
    (finding,) = [
        f for f in evaluate(function("python3.9"), Settings(as_of=AS_OF, region="ap-southeast-6"), default_catalog())
        if f.rule == "EL1006"
    ]
    assert "ap-southeast-6 (Asia Pacific (New Zealand)), launched 2025-09-01" in finding.message
    assert "deprecation date 2025-12-15 is within 6 months" in finding.message
    assert finding.message.endswith("(Region from the region setting)")
    assert (finding.line, finding.column, finding.runtime) == (7, 16, "python3.9")


def _with_table(launched: dt.date | None, months: int = 6) -> Catalog:
    """A fresh catalog (its own memo) whose Region table holds one synthetic Region ``xx-test-1``."""
    catalog = dataclasses.replace(default_catalog())
    region = Region("xx-test-1", "Test", "aws", launched, ("https://example.invalid",) if launched else (), "n")
    catalog.__dict__["regions"] = RegionTable({"xx-test-1": region}, months, dt.date(2026, 12, 6))
    return catalog


@pytest.mark.parametrize(
    ("launched", "expected"),
    [
        (dt.date(2025, 6, 14), []),  # the day before python3.9's cut-off: still offered
        (dt.date(2025, 6, 15), [("Fn", 7)]),  # on the cut-off: six months before 2025-12-15
        (dt.date(2025, 12, 15), [("Fn", 7)]),  # on the deprecation day
        (dt.date(2026, 6, 1), [("Fn", 7)]),  # after it
        (None, []),
    ],
)
def test_cut_off_boundary(launched: dt.date | None, expected: list[tuple[str, int]]) -> None:
    assert el1006(function("python3.9"), "us-east-1", _with_table(launched)) == []  # not in this table
    subject = function("python3.9", Value("xx-test-1", 2, 12, 'provider "aws" in main.tf', "main.tf"))
    assert el1006(subject, None, _with_table(launched)) == expected


def test_the_window_is_data() -> None:
    subject = function("python3.9", Value("xx-test-1"))
    assert el1006(subject, None, _with_table(dt.date(2025, 3, 1), months=6)) == []
    assert el1006(subject, None, _with_table(dt.date(2025, 3, 1), months=12)) == [("Fn", 7)]
    assert cut_off(dt.date(2025, 12, 15), _with_table(None).regions) == dt.date(2025, 6, 15)


def test_a_region_written_in_the_file_beats_the_setting() -> None:
    written = function("python3.9", Value("ap-east-2", 4, 12, 'provider "aws" in main.tf', "main.tf"))
    assert el1006(written, "ap-southeast-6") == []
    written = function("python3.9", Value("ap-southeast-6", 4, 12, "provider.region", "serverless.yml"))
    assert el1006(written, "ap-east-2") == [("Fn", 7)]


# --- settings ---------------------------------------------------------------------------------------------


def test_region_from_config_env_and_option(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("region: ap-east-2\n")
    assert load_settings(config=config, env={}, today=AS_OF).region == "ap-east-2"
    env = {"LAMBDA_RUNTIME_RULES_REGION": "ca-west-1"}
    assert load_settings(config=config, env=env, today=AS_OF).region == "ca-west-1"
    assert load_settings({"region": "il-central-1"}, config=config, env=env, today=AS_OF).region == "il-central-1"
    config.write_text("region:\n")
    assert load_settings(config=config, env={}, today=AS_OF).region is None


@pytest.mark.parametrize("value", ["us-eest-1", "US-EAST-1x", 5, ["us-east-1"], ""])
def test_unknown_region_is_one_line_naming_close_matches(value: object, tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(json.dumps({"region": value}))
    with pytest.raises(SettingsError) as caught:
        load_settings(config=config, env={}, today=AS_OF)
    text = str(caught.value)
    assert text.startswith(f"{config}: region: ") and "\n" not in text
    if value == "us-eest-1":
        assert "did you mean us-west-1, us-east-1" in text


# --- sources ----------------------------------------------------------------------------------------------

HCL = """
provider "aws" {
  region = "ap-southeast-6"
}
provider "aws" {
  alias  = "taipei"
  region = "ap-east-2"
}
provider "awscc" {
  region = "mx-central-1"
}
resource "aws_lambda_function" "default" {
  runtime = "python3.9"
}
resource "aws_lambda_function" "aliased" {
  provider = aws.taipei
  runtime  = "python3.9"
}
resource "awscc_lambda_function" "cc" {
  runtime = "python3.8"
}
"""


def test_terraform_provider_regions_and_aliases() -> None:
    subjects = {s.resource: s for s in subjects_from_hcl(HCL, "main.tf")}
    regions = {name: [(v.value, v.line) for v in s.regions] for name, s in subjects.items()}
    assert regions == {
        "aws_lambda_function.default": [("ap-southeast-6", 3)],
        "aws_lambda_function.aliased": [("ap-east-2", 7)],
        "awscc_lambda_function.cc": [("mx-central-1", 10)],
    }


def test_terraform_non_literal_region_is_ignored() -> None:
    text = 'variable "r" {\n  default = "ap-southeast-6"\n}\nprovider "aws" {\n  region = var.r\n}\n' + (
        'resource "aws_lambda_function" "f" {\n  runtime = "python3.9"\n}\n'
    )
    (subject,) = subjects_from_hcl(text, "main.tf")
    assert subject.regions == ()


_HOSTILE = st.one_of(
    st.none().map(lambda _: "null"),
    st.integers().map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.booleans().map(lambda b: str(b).lower()),
    st.lists(st.sampled_from(['"us-east-1"', '"ap-southeast-6"', "1", "null"]), max_size=3).map(
        lambda items: "[" + ", ".join(items) + "]"
    ),
    st.sampled_from(['"${var.region}"', '"ap-${local.x}-6"', "var.region", '{ a = "b" }', '"  "', '""',
                     '"ap-southeast-6"', '"AP-SOUTHEAST-6"', '"xx-none-1"', "local.r[0]", 'lower("X")']),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters='"\\$%'), max_size=12).map(
        lambda t: json.dumps(t)
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(region=_HOSTILE, alias=st.sampled_from(["", '  alias = "x"\n', "  alias = 5\n", "  alias = var.a\n"]),
       provider=st.sampled_from(["", "  provider = aws.x\n", "  provider = aws\n", '  provider = "aws.x"\n']))
def test_hostile_provider_blocks_never_crash(region: str, alias: str, provider: str) -> None:
    text = (
        f'provider "aws" {{\n{alias}  region = {region}\n}}\n'
        f'resource "aws_lambda_function" "f" {{\n{provider}  runtime = "python3.9"\n}}\n'
    )
    from lambda_runtime_rules.sources.terraform import TerraformError

    try:
        subjects = subjects_from_hcl(text, "main.tf")
    except TerraformError as exc:
        assert "\n" not in str(exc)
        return
    for subject in subjects:
        for finding in evaluate(subject, Settings(as_of=AS_OF, region="ap-east-2"), default_catalog()):
            assert finding.message.isprintable()


@settings(max_examples=200, deadline=None)
@given(region=st.one_of(
    st.none(), st.integers(), st.floats(), st.booleans(), st.text(max_size=20),
    st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
))
def test_hostile_serverless_provider_region_never_crashes(region: object) -> None:
    from lambda_runtime_rules.scan import subjects_from_document

    document = {"service": "s", "provider": {"name": "aws", "region": region, "runtime": "python3.9"},
                "functions": {"f": {"handler": "h"}}}
    kind, subjects = subjects_from_document(document, "serverless.yml")
    assert kind == "serverless"
    for subject in subjects:
        regions = getattr(subject, "regions", ())
        assert regions == () or (isinstance(region, str) and regions[0].value == region.strip())
        evaluate(subject, Settings(as_of=AS_OF, region="ap-east-2"), default_catalog())


# --- the faces --------------------------------------------------------------------------------------------


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "lambda-runtime-rules"), *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cli_exact_findings_on_terraform_and_serverless_fixtures(tmp_path: Path, jobs: str) -> None:
    """The same findings and the same Region line with worker processes (which never send subjects back)."""
    proc = _cli("check", "--format", "json", "--jobs", jobs, "fixtures/terraform_region",
                "fixtures/serverless_region/serverless.yml", env=_env(tmp_path))
    assert proc.returncode == 1, proc.stderr
    found = {(r["rule"], r["resource"], r["line"]) for r in json.loads(proc.stdout) if r["rule"] == "EL1006"}
    assert found == {
        ("EL1006", "aws_lambda_function.fail_python39_new_zealand", 27),
        ("EL1006", "functions.failPython38", 10),
    }
    # the aliased provider's Region (us-east-1) has no sourced launch date: said once, not guessed
    assert proc.stderr.count("no sourced launch date for Region us-east-1") == 1


def test_cli_region_flag_and_unknown_region(tmp_path: Path) -> None:
    template = "fixtures/cfn_lint/EL1006/fail_new_region.yaml"
    proc = _cli("check", "--format", "json", "--region", "ap-southeast-6", template, env=_env(tmp_path))
    assert proc.returncode == 1
    assert [(r["rule"], r["resource"], r["line"]) for r in json.loads(proc.stdout) if r["rule"] == "EL1006"] == [
        ("EL1006", "FailPython39NewRegion", 10)
    ]
    proc = _cli("check", "--region", "ap-southeast-66", template, env=_env(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "lambda-runtime-rules: option --region: 'ap-southeast-66' is not a known AWS Region code; did you mean "
        "ap-southeast-6, ap-southeast-7, ap-southeast-5?"
    ]
    proc = _cli("check", "--region", "us-gov-east-1", template, env=_env(tmp_path))
    assert "no sourced launch date for Region us-gov-east-1" in proc.stderr and "Traceback" not in proc.stderr


def _cfn_lint(template: str, env: dict[str, str]) -> set[tuple[str, int, str]]:
    proc = subprocess.run(
        [str(BIN / "cfn-lint"), "--append-rules=lambda_runtime_rules.cfn_lint", "--format", "json", "--", template],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    return {(str((REPO / m["Filename"]).resolve()), m["Location"]["Start"]["LineNumber"], m["Rule"]["Id"])
            for m in json.loads(proc.stdout) if m["Rule"]["Id"] == "EL1006"}


def _checkov(folder: str, framework: str, env: dict[str, str], with_stderr: bool = False) -> Any:
    from test_checkov_checks import checkov_executable

    env = {**env, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
    proc = subprocess.run(
        [checkov_executable(), "-d", folder, "--framework", framework, "--external-checks-dir",
         str(REPO / "lambda_runtime_rules" / "checkov_checks"), "--check", "CKV_LRR_1006", "--skip-download",
         "-o", "json", "--compact"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )
    report = json.loads(proc.stdout)
    reports = report if isinstance(report, list) else [report]
    out: dict[str, str] = {}
    for item in reports:
        for kind, label in (("passed_checks", "PASSED"), ("failed_checks", "FAILED")):
            for record in item["results"][kind]:
                out[record["resource"]] = label
    return (out, proc.stderr) if with_stderr else out


def test_parity_cli_cfn_lint_checkov(tmp_path: Path) -> None:
    """The same EL1006 verdicts from the three faces, the Region coming from the setting (CloudFormation) and
    from the file (Terraform, Serverless)."""
    env = _env(tmp_path, region="ap-southeast-6")
    template = "fixtures/cfn_lint/EL1006/fail_new_region.yaml"
    proc = _cli("check", "--format", "json", template, env=env)
    cli = {(str((REPO / r["file"]).resolve()), r["line"], r["rule"]) for r in json.loads(proc.stdout)
           if r["rule"] == "EL1006"}
    assert cli == _cfn_lint(template, env) == {(str(REPO / template), 10, "EL1006")}

    cfn = _checkov("fixtures/cfn_lint/EL1006", "cloudformation", env)
    assert cfn["AWS::Serverless::Function.FailPython39NewRegion"] == "FAILED"
    assert cfn["AWS::Serverless::Function.PassPython312NewRegion"] == "PASSED"
    assert cfn["AWS::Lambda::Function.FailNode18NewRegion"] == "FAILED"  # already deprecated when NZ launched

    tf, stderr = _checkov("fixtures/terraform_region", "terraform", _env(tmp_path, region="ca-west-1"), True)
    # A provider's undated Region (us-east-1 here) is said by the CLI, not in Checkov's output: most Terraform
    # deploys there, and a clean Checkov run stays silent on stderr. The setting's undated Region is said.
    assert "lambda-runtime-rules" not in stderr
    _, stderr = _checkov("fixtures/terraform_region", "terraform", _env(tmp_path, region="us-gov-west-1"), True)
    assert stderr.count("no sourced launch date for Region us-gov-west-1") == 1
    assert tf == {
        "aws_lambda_function.fail_python39_new_zealand": "FAILED",
        "aws_lambda_function.pass_python39_virginia": "PASSED",
        "aws_lambda_function.pass_python39_variable_region": "PASSED",  # the setting's ca-west-1 offered it
        "aws_lambda_function.pass_python312_new_zealand": "PASSED",
    }
    sls = _checkov("fixtures/serverless_region", "serverless", _env(tmp_path))
    assert sls == {"failPython38": "FAILED", "passInherited": "PASSED"}
