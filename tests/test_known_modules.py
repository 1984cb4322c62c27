"""Well-known Terraform Lambda modules: the data, every source spelling, the subjects a call creates, Checkov.

The Checkov part runs the real Checkov CLI, offline, on ``fixtures/known_modules/main.tf`` whose module calls are
never downloaded: each call's name says its outcome.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_checkov_checks import CHECKS_DIR, environment, run_checkov, verdicts

from lambda_runtime_rules.catalog import CatalogError
from lambda_runtime_rules.known_modules import (
    KnownModule,
    ModuleDataError,
    build,
    default_modules,
    find_module,
    known_module_subjects,
    load_file,
    normalise_source,
)
from lambda_runtime_rules.model import FunctionSubject, LayerSubject, Value

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "rules_data" / "terraform_modules.json"
FIXTURE_DIR = ROOT / "fixtures" / "known_modules"
TAM_REPO = "github.com/terraform-aws-modules/terraform-aws-lambda"
TAM, CLOUDPOSSE, MINEIROS = (
    "terraform-aws-modules/lambda/aws",
    "cloudposse/lambda-function/aws",
    "mineiros-io/lambda-function/aws",
)


def _document() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _module(name: str) -> KnownModule:
    return next(m for m in default_modules().modules if m.name == name)


def _args(**inputs: object) -> dict[str, tuple[Value, ...]]:
    """Each keyword is an input; a list becomes one Value per element, as the sources hand them over."""
    out: dict[str, tuple[Value, ...]] = {}
    for line, (name, value) in enumerate(inputs.items(), start=10):
        items = value if isinstance(value, list) else [value]
        out[name] = tuple(Value(item, line, 3) for item in items)
    return out


def _subjects(name: str, **inputs: object) -> list[FunctionSubject | LayerSubject]:
    return known_module_subjects(_module(name), "module.fn", _args(**inputs), 5, "main.tf")


def _strings(values: tuple[Value, ...]) -> list[object]:
    return [v.value for v in values]


# ------------------------------------------------------------------------------------------------ the data


def test_bundled_data_is_valid_and_names_the_three_modules():
    data = load_file(DATA)
    assert [m.name for m in data.modules] == [TAM, CLOUDPOSSE, MINEIROS]
    for module in data.modules:
        assert len(module.source.commit) == 40 and module.source.url.startswith("https://github.com/")
        assert module.function.runtime in module.inputs


def test_recorded_facts_of_terraform_aws_modules():
    """Read from variables.tf and main.tf at v8.8.1: defaults and the count expressions' switches."""
    module = _module(TAM)
    defaults = {name: spec.default for name, spec in module.inputs.items()}
    assert defaults == {
        "create": True,
        "putin_khuylo": True,
        "create_function": True,
        "create_layer": False,
        "runtime": "",
        "architectures": None,
        "package_type": "Zip",
        "compatible_runtimes": (),
        "compatible_architectures": None,
    }
    assert module.function.resource == "aws_lambda_function.this"
    assert module.layer is not None and module.layer.resource == "aws_lambda_layer_version.this"
    assert module.function.update_runtime_on is None


def test_mineiros_runtime_is_required():
    assert _module(MINEIROS).inputs["runtime"].required
    assert _module(MINEIROS).function.resource == "aws_lambda_function.lambda"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d.pop("reviewed"), "field top level: 'reviewed' is a required property"),
        (lambda d: d.update(reviewed="2026-13-40"), "field reviewed: '2026-13-40' is not a 'date'"),
        (lambda d: d["sources"]["terraform-aws-lambda"].update(commit="v8.8.1"), "sources.terraform-aws-lambda.commit"),
        (lambda d: d["modules"][0]["function"].update(runtime="runtime_name"), "input 'runtime_name' is not in inputs"),
        (lambda d: d["modules"][1].update(source="nowhere"), "'nowhere' is not in sources"),
        (lambda d: d["modules"][2].update(registry=TAM), "is claimed by two modules"),
        (lambda d: d["modules"][0]["inputs"]["create"].update(type="boolean"), "field modules.0.inputs.create.type"),
    ],
)
def test_a_broken_data_file_is_one_clear_line(tmp_path, edit, expected):
    document = _document()
    edit(document)
    path = tmp_path / "terraform_modules.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ModuleDataError) as caught:
        load_file(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path)) and expected in message, message
    assert isinstance(caught.value, CatalogError)  # every face already reports a CatalogError as one line


def test_unreadable_or_non_json_data_is_one_line(tmp_path):
    path = tmp_path / "terraform_modules.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ModuleDataError, match="not valid JSON"):
        load_file(path)
    with pytest.raises(ModuleDataError, match="cannot read"):
        load_file(tmp_path / "missing.json")


def test_bundled_data_is_loaded_once_per_process():
    assert default_modules() is default_modules()


# ---------------------------------------------------------------------------------------- source spelling


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("terraform-aws-modules/lambda/aws", TAM),
        ("Terraform-AWS-Modules/Lambda/AWS", TAM),
        ("  terraform-aws-modules/lambda/aws  ", TAM),
        ("registry.terraform.io/terraform-aws-modules/lambda/aws", TAM),
        ("app.terraform.io/terraform-aws-modules/lambda/aws", TAM),
        ("terraform-aws-modules/lambda/aws//.", TAM),
        ("github.com/terraform-aws-modules/terraform-aws-lambda", TAM),
        ("github.com/terraform-aws-modules/terraform-aws-lambda?ref=v8.8.1", TAM),
        ("github.com/terraform-aws-modules/terraform-aws-lambda.git", TAM),
        ("git::https://github.com/terraform-aws-modules/terraform-aws-lambda.git?ref=v7.2.0", TAM),
        (f"git::https://{TAM_REPO}?ref=23d00f7daef40091e87ed2f9dc5d8532e9d2cc22", TAM),
        ("git::ssh://git@github.com/terraform-aws-modules/terraform-aws-lambda.git?ref=v8.8.1", TAM),
        ("git::ssh://git@github.com:22/terraform-aws-modules/terraform-aws-lambda.git", TAM),
        ("git@github.com:terraform-aws-modules/terraform-aws-lambda.git", TAM),
        ("git::git@github.com:terraform-aws-modules/terraform-aws-lambda.git?ref=v8.8.1", TAM),
        ("https://github.com/terraform-aws-modules/terraform-aws-lambda", TAM),
        ("cloudposse/lambda-function/aws", CLOUDPOSSE),
        ("git::https://github.com/cloudposse/terraform-aws-lambda-function.git?ref=tags/0.6.1", CLOUDPOSSE),
        ("mineiros-io/lambda-function/aws", MINEIROS),
        ("git@github.com:mineiros-io/terraform-aws-lambda-function.git?ref=v0.5.0", MINEIROS),
        # submodules create no function or layer
        ("terraform-aws-modules/lambda/aws//modules/alias", None),
        ("terraform-aws-modules/lambda/aws//modules/deploy", None),
        (f"git::https://{TAM_REPO}.git//modules/docker-build?ref=v8.8.1", None),
        ("github.com/terraform-aws-modules/terraform-aws-lambda//modules/alias", None),
        # other modules, local paths, other getters
        ("terraform-aws-modules/lambda/google", None),
        ("terraform-aws-modules/s3-bucket/aws", None),
        ("github.com/someone-else/terraform-aws-lambda", None),
        ("./modules/lambda", None),
        ("../..", None),
        ("s3::https://s3.amazonaws.com/bucket/lambda.zip", None),
        ("hg::https://example.com/terraform-aws-modules/terraform-aws-lambda", None),
        ("", None),
        ("terraform-aws-modules//aws", None),
    ],
)
def test_every_spelling_of_a_source(source, expected):
    found = find_module(source)
    assert (found.name if found else None) == expected


def test_normalised_keys():
    assert normalise_source("git::https://GitHub.com/Org/Repo.git//sub/dir?ref=v1") == (
        "git",
        "github.com/org/repo",
        "sub/dir",
    )
    assert normalise_source("registry.terraform.io/a/b/c//x") == ("registry", "a/b/c", "x")
    assert find_module(None) is None  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------- subjects


def test_a_registry_call_is_one_function_named_by_its_terraform_address():
    (subject,) = _subjects(TAM, runtime="python3.8", architectures=["arm64", "x86_64"])
    assert isinstance(subject, FunctionSubject)
    assert subject.resource == "module.fn.aws_lambda_function.this"
    assert (subject.resource_type, subject.line, subject.file) == ("aws_lambda_function", 5, "main.tf")
    assert subject.runtimes == (Value("python3.8", 10, 3),)
    assert _strings(subject.architectures) == ["arm64", "x86_64"]
    assert subject.update_modes == () and subject.runtime_version_arns == ()


def test_a_whole_list_in_one_value_is_flattened():
    args = {"architectures": (Value(["arm64"], 7),), "runtime": (Value("python3.12", 6),)}
    (subject,) = known_module_subjects(_module(TAM), "module.fn", args, 5, "main.tf")
    assert subject.architectures == (Value("arm64", 7),)


def test_defaults_apply_where_the_call_is_silent():
    """terraform-aws-modules defaults runtime to "" (nothing) and architectures to null (x86_64 at AWS)."""
    (subject,) = _subjects(TAM)
    assert subject.runtimes == () and subject.architectures == ()
    (subject,) = _subjects(CLOUDPOSSE)  # runtime default null
    assert subject.runtimes == ()
    (subject,) = _subjects(MINEIROS)  # required runtime not given: nothing to judge
    assert subject.runtimes == ()


def test_a_default_value_sits_on_the_call_and_says_where_it_came_from():
    document = _document()
    document["modules"][2]["inputs"]["runtime"]["default"] = "python3.8"
    module = build(document, "test").modules[2]
    (subject,) = known_module_subjects(module, "module.m", {}, 12, "main.tf")
    assert subject.runtimes == (Value("python3.8", 0, 0, "default of the module's runtime"),)
    assert subject.line == 12  # line 0 values are reported on the subject's line: the call


@pytest.mark.parametrize(
    ("name", "inputs", "kinds"),
    [
        (TAM, {}, ["function"]),
        (TAM, {"create": False}, []),
        (TAM, {"create": "false"}, []),
        (TAM, {"create": "False"}, []),
        (TAM, {"putin_khuylo": False}, []),
        (TAM, {"create_function": False}, []),
        (TAM, {"create_function": [False, True]}, ["function"]),  # a conditional: either branch
        (TAM, {"create_function": None}, ["function"]),  # unresolved
        (TAM, {"create_function": "var.x"}, ["function"]),
        (TAM, {"create_layer": True}, ["layer"]),
        (TAM, {"create_layer": None}, ["function", "layer"]),
        (TAM, {"create_layer": True, "create": False}, []),
        (TAM, {"package_type": "Image"}, []),
        (TAM, {"package_type": ["Image", "Zip"]}, ["function"]),
        (TAM, {"package_type": None}, ["function"]),
        (TAM, {"package_type": "Image", "create_layer": True}, ["layer"]),
        (CLOUDPOSSE, {}, ["function"]),  # enabled: null means the label's default, true
        (CLOUDPOSSE, {"enabled": False}, []),
        (CLOUDPOSSE, {"enabled": True}, ["function"]),
        (CLOUDPOSSE, {"package_type": "Image"}, []),
        (MINEIROS, {"module_enabled": False}, []),
        (MINEIROS, {"module_enabled": "true"}, ["function"]),
        (MINEIROS, {"package_type": "Image"}, ["function"]),  # not an input of this module: ignored
    ],
)
def test_switches_and_package_type(name, inputs, kinds):
    found = _subjects(name, runtime="python3.12", **inputs)
    assert ["layer" if isinstance(s, LayerSubject) else "function" for s in found] == kinds


def test_an_empty_switch_tuple_is_unknown_so_the_function_exists():
    args = {"create_function": ()}
    assert len(known_module_subjects(_module(TAM), "module.fn", args, 1, "main.tf")) == 1


def test_a_layer_takes_its_runtimes_from_the_list_or_else_from_runtime():
    (layer,) = _subjects(
        TAM,
        create_layer=True,
        compatible_runtimes=["python3.8", "python3.12"],
        runtime="nodejs22.x",
        compatible_architectures=["arm64"],
    )
    assert isinstance(layer, LayerSubject)
    assert layer.resource == "module.fn.aws_lambda_layer_version.this"
    assert _strings(layer.compatible_runtimes) == ["python3.8", "python3.12"]
    assert _strings(layer.compatible_architectures) == ["arm64"]
    (layer,) = _subjects(TAM, create_layer=True, runtime="python3.7")
    assert _strings(layer.compatible_runtimes) == ["python3.7"]
    (layer,) = _subjects(TAM, create_layer=True, compatible_runtimes=[], runtime="python3.7")
    assert _strings(layer.compatible_runtimes) == ["python3.7"]
    (layer,) = _subjects(TAM, create_layer=True, compatible_runtimes=None, runtime="python3.7")  # unresolved
    assert _strings(layer.compatible_runtimes) == [None]


def test_blank_runtimes_are_not_set():
    (subject,) = _subjects(TAM, runtime="  ")
    assert subject.runtimes == ()


_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.lists(st.one_of(st.text(max_size=8), st.booleans(), st.none()), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)
_input_names = st.sampled_from(
    [
        "create",
        "create_function",
        "create_layer",
        "putin_khuylo",
        "enabled",
        "module_enabled",
        "runtime",
        "architectures",
        "package_type",
        "compatible_runtimes",
        "compatible_architectures",
        "other",
    ]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    name=st.sampled_from([TAM, CLOUDPOSSE, MINEIROS]),
    args=st.dictionaries(_input_names, st.lists(st.builds(Value, _values, st.integers(0, 50)), max_size=3), max_size=8),
)
def test_known_module_subjects_never_raises(name, args):
    found = known_module_subjects(_module(name), "module.x", {k: tuple(v) for k, v in args.items()}, 3, "a.tf")
    for subject in found:
        assert subject.resource.startswith("module.x.")


# ---------------------------------------------------------------------------------------------- Checkov

EXPECTED = {
    "PassSupportedRegistry": {"1001": "P", "1002": "P", "1003": "P", "1004": "P", "1005": "P", "2001": "P"},
    "FailUpdateBlockedRegistry": {"1001": "F", "1002": "P", "1003": "P", "1004": "P", "1005": "P", "2001": "P"},
    "FailCreateBlockedArm64GitSource": {"1001": "P", "1002": "F", "1003": "P", "1004": "P", "1005": "P", "2001": "F"},
    "FailDeprecatedViaVariableGithub": {"1001": "P", "1002": "P", "1003": "F", "1004": "P", "1005": "P", "2001": "P"},
    "FailDeprecationSoonSsh": {"1001": "P", "1002": "P", "1003": "P", "1004": "F", "1005": "P", "2001": "P"},
    "FailUnknownRuntime": {"1001": "P", "1002": "P", "1003": "P", "1004": "P", "1005": "F", "2001": "P"},
    "FailLayerDeprecated": {"1005": "P", "4001": "F"},  # no architectures listed: EL4002 UNKNOWN
    "FailLayerFromRuntimeArm64": {"1005": "P", "4001": "F", "4002": "F"},
    "FailCloudposseDeprecated": {"1001": "P", "1002": "P", "1003": "F", "1004": "P", "1005": "P", "2001": "P"},
    "FailMineirosUpdateBlocked": {"1001": "F", "1002": "P", "1003": "P", "1004": "P", "1005": "P", "2001": "P"},
    # None*: every check UNKNOWN (left out of the report): switched off, an image, unresolved, a submodule,
    # count = 0, a module this package does not know.
}
for _row in EXPECTED.values():  # EL1006 needs a Region (none in these fixtures): it passes on every function
    if "2001" in _row:
        _row["1006"] = "P"
LETTER = {"P": "PASSED", "F": "FAILED"}
# EL3001/WL3002/EL3003 are UNKNOWN on these calls: none of the three modules can set an update mode (an
# aws_lambda_runtime_management_config outside the module does, and its resource checks judge it).


@pytest.fixture(scope="module")
def module_scan() -> tuple[list[Any], str]:
    args = [
        "-d",
        str(FIXTURE_DIR),
        "--framework",
        "terraform",
        "--external-checks-dir",
        str(CHECKS_DIR),
        "--check",
        "CKV_LRR_*",
    ]
    return run_checkov(args, environment())


def test_checkov_judges_module_calls_without_downloading_them(module_scan):
    reports, stderr = module_scan
    assert "Traceback" not in stderr
    assert "lambda-runtime-rules:" not in stderr
    actual = {resource: checks for (kind, resource), checks in verdicts(reports).items() if kind == "terraform"}
    expected = {
        name: {f"CKV_LRR_{code}": LETTER[letter] for code, letter in row.items()} for name, row in EXPECTED.items()
    }
    assert actual == expected


def test_fixture_names_say_the_outcome():
    text = (FIXTURE_DIR / "main.tf").read_text(encoding="utf-8")
    names = [line.split('"')[1] for line in text.splitlines() if line.startswith("module ")]
    assert sorted(n for n in names if not n.startswith("None")) == sorted(EXPECTED)
    for name, row in EXPECTED.items():
        assert ("F" in row.values()) == name.startswith("Fail"), name


def test_checkov_records_name_the_module_call_and_its_lines(module_scan):
    reports, _ = module_scan
    record = next(
        r
        for report in reports
        for r in report["results"]["failed_checks"]
        if r["resource"] == "FailUpdateBlockedRegistry" and r["check_id"] == "CKV_LRR_1001"
    )
    assert record["file_line_range"][0] > 1
    assert record["severity"] == "HIGH"
    assert any("python2.7" in detail for detail in record["details"]), record


def test_checkov_modules_verdicts_equal_the_engine_on_the_same_subjects(module_scan):
    """FAILED in Checkov iff the engine reports the code for one of the call's subjects, built from the same
    arguments by hand: the verdict layer adds nothing and loses nothing."""
    import datetime as dt

    from lambda_runtime_rules.catalog import load as load_catalog
    from lambda_runtime_rules.engine import evaluate
    from lambda_runtime_rules.rules import BY_CODE
    from lambda_runtime_rules.settings import load as load_settings

    env = environment()
    config = load_settings(None, env=env, cwd=ROOT, today=dt.date.fromisoformat("2026-11-23"))
    catalog = load_catalog(config.catalog)
    calls = {
        "FailCreateBlockedArm64GitSource": (TAM, {"runtime": "python3.7", "architectures": ["arm64"]}),
        "FailDeprecatedViaVariableGithub": (TAM, {"runtime": "python3.8"}),
        "FailLayerFromRuntimeArm64": (
            TAM,
            {"create_layer": True, "runtime": "python3.7", "compatible_architectures": ["x86_64", "arm64"]},
        ),
        "FailMineirosUpdateBlocked": (MINEIROS, {"runtime": "python2.7"}),
    }
    reports, _ = module_scan
    failed = {(r["resource"], r["check_id"]) for report in reports for r in report["results"]["failed_checks"]}
    for call, (name, inputs) in calls.items():
        subjects = _subjects(name, **inputs)
        engine = {BY_CODE[f.rule].checkov_id for s in subjects for f in evaluate(s, config, catalog)}
        assert {check for resource, check in failed if resource == call} == engine, call


def test_module_checks_are_registered_by_the_real_loader():
    """Checkov's loader executes the shim; the module registry then holds one check per rule."""
    script = (
        "from checkov.common.checks.base_check_registry import BaseCheckRegistry\n"
        "from checkov.terraform.checks.module.registry import module_registry\n"
        f"module_registry.load_external_checks({str(CHECKS_DIR)!r})\n"
        "print(sorted(c.id for c in module_registry.checks['module'] if c.id.startswith('CKV_LRR_')))\n"
    )
    from lambda_runtime_rules.rules import RULES

    done = subprocess.run([_python(), "-c", script], env=environment(), capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(sorted(spec.checkov_id for spec in RULES))


def _python() -> str:
    import sys

    return sys.executable


def test_checkov_fails_exactly_what_the_cli_reports(module_scan):
    """Parity: the console script and Checkov's module checks fail the same calls on the same rules."""
    from lambda_runtime_rules.rules import BY_CODE

    env = environment()
    script = Path(_python()).with_name("lambda-runtime-rules")
    done = subprocess.run(
        [str(script), "check", "--format", "json", "--fail-on", "never", str(FIXTURE_DIR / "main.tf")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    cli = {(f["resource"].split(".")[1], BY_CODE[f["rule"]].checkov_id) for f in json.loads(done.stdout)}
    reports, _ = module_scan
    checkov = {(r["resource"], r["check_id"]) for report in reports for r in report["results"]["failed_checks"]}
    assert cli and cli == checkov
