"""Property-based fuzzing: no adapter raises on any value in any property it reads.

Strategies build whole CloudFormation/SAM templates (Parameters, Mappings, Conditions, Globals, functions and
layers), Terraform files (variables, locals, aws/awscc functions, layers, runtime management configs) and
serverless.yml documents (provider inheritance, ``${self:}`` references), and put arbitrary values — scalars of
every type, intrinsics, nested lists and mappings, near-miss runtime names — in every property the sources
read. Each example goes the CLI's way (text -> loader/HCL parser -> source -> engine) and must end in subjects
and one-line findings, or in the documented one-line ``LoadError`` / ``TerraformError``. The Checkov adapter's
Terraform ``conf`` mapping and the cfn-lint pack (in cfn-lint's own runner) get the same treatment.

Default run: a few thousand examples per adapter (the cfn-lint pack, at ~20 ms a template, a few dozen).
Scheduled run, at least 100,000 examples per adapter (cfn-lint pack: 2,000)::

    LRR_FUZZ_EXAMPLES=100000 python -m pytest tests/test_fuzz.py -m slow -p no:cacheprovider

``-m slow`` alone also runs the scheduled tests at 100,000; without either they are skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import traceback
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import UnsatisfiedAssumption

from lambda_runtime_rules.catalog import default_catalog
from lambda_runtime_rules.engine import evaluate, evaluate_all
from lambda_runtime_rules.loader import LoadError, load_text
from lambda_runtime_rules.model import Finding
from lambda_runtime_rules.rules import RULES
from lambda_runtime_rules.scan import subjects_from_document
from lambda_runtime_rules.settings import Settings
from lambda_runtime_rules.sources.terraform import TerraformError, subjects_from_hcl

ENV = "LRR_FUZZ_EXAMPLES"
SCHEDULED = int(os.environ.get(ENV) or 0)
DEFAULT_EXAMPLES = 2_000
SCHEDULED_EXAMPLES = 100_000
CFN_LINT_EXAMPLES = (100, 2_000)  # (default, scheduled): a cfn-lint run costs ~20 ms
OURS = {rule.code for rule in RULES}
CATALOG = default_catalog()

# --- values -------------------------------------------------------------------------------------------------

_REAL = ("python2.7", "python3.9", "python3.12", "nodejs", "nodejs14.x", "nodejs22.x", "java8", "java8.al2",
         "go1.x", "provided", "provided.al2", "dotnet7", "ruby2.7", "custom")
_NEAR = ("Python3.9", " python3.9", "python3.9 ", "python3", "python3.", "nodejs22.X", "", "x86_64", "arm64",
         "ARM64", "Auto", "Manual", "FunctionUpdate", "manual", "auto", "onFunctionUpdate", "None", "null",
         "arn:aws:lambda:us-east-1::runtime:abc", "${self:custom.r}", "${opt:r}", "${self:provider.runtime}",
         "${var.r}", "\u0000", "\ud7ff", "%{if}")
NAMES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)
IDENT = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,8}", fullmatch=True)
STRINGS = st.sampled_from(_REAL + _NEAR) | st.text(max_size=30)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | STRINGS


def _intrinsic(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(lambda n: {"Ref": n}, IDENT | STRINGS),
        st.builds(lambda c, a, b: {"Fn::If": [c, a, b]}, IDENT | children, children, children),
        st.builds(lambda m, k1, k2: {"Fn::FindInMap": [m, k1, k2]}, IDENT | children, children, children),
        st.builds(lambda s: {"Fn::Sub": s}, STRINGS | children),
        st.builds(lambda k, v: {k: v}, st.sampled_from(["Fn::Join", "Fn::Select", "Fn::GetAtt", "Fn::Split",
                                                       "Fn::ImportValue", "Condition", "Fn::Base64"]), children),
        st.builds(lambda v: {"Ref": v}, children),
    )


ANY = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(STRINGS, children, max_size=4)
    | _intrinsic(children),
    max_leaves=12,
)
SETTINGS = st.builds(
    Settings,
    as_of=st.dates(dt.date(2014, 1, 1), dt.date(2036, 12, 31)),
    warn_days=st.integers(0, 800),
    high_compliance=st.booleans(),
    allow_function_update=st.booleans(),
)


def _maybe(keys: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=keys)


# --- CloudFormation / SAM ------------------------------------------------------------------------------------

_RMC = _maybe({"UpdateRuntimeOn": ANY, "RuntimeVersionArn": ANY}) | ANY
_FUNCTION_PROPS = _maybe({"Runtime": ANY, "Architectures": ANY, "RuntimeManagementConfig": _RMC, "PackageType": ANY,
                          "Handler": ANY, "Layers": ANY, "CodeUri": ANY, "ImageUri": ANY})
_LAYER_PROPS = _maybe({"CompatibleRuntimes": ANY, "CompatibleArchitectures": ANY, "ContentUri": ANY})
# Lambda@Edge (EL2002): a distribution's associations, and the versions and aliases an ARN goes through.
_EDGE_ARN = st.builds(lambda n, a: {"Ref": n} if a else {"Fn::GetAtt": [n, "Arn"]}, IDENT, st.booleans()) | ANY
_ASSOCIATIONS = st.lists(_maybe({"LambdaFunctionARN": _EDGE_ARN, "EventType": ANY}) | ANY, max_size=3) | ANY
_BEHAVIOR = _maybe({"LambdaFunctionAssociations": _ASSOCIATIONS, "TargetOriginId": ANY}) | ANY
_DISTRIBUTION_PROPS = _maybe(
    {"DistributionConfig": _maybe({"DefaultCacheBehavior": _BEHAVIOR, "CacheBehaviors": st.lists(_BEHAVIOR,
                                                                                                 max_size=2) | ANY})
     | ANY}
)
_VERSION_PROPS = _maybe({"FunctionName": _EDGE_ARN, "FunctionVersion": ANY})
_TYPES = st.sampled_from(["AWS::Lambda::Function", "AWS::Serverless::Function", "AWS::Lambda::LayerVersion",
                          "AWS::Serverless::LayerVersion", "AWS::S3::Bucket", "AWS::CloudFront::Distribution",
                          "AWS::Lambda::Version", "AWS::Lambda::Alias", "AWS::IAM::Policy",
                          "AWS::IAM::ManagedPolicy", "AWS::IAM::Role", "AWS::IAM::User", "AWS::Organizations::Policy"]
                         ) | ANY
# IAM policy documents (EL3004): statements with real, near and hostile actions, as mappings or JSON strings.
_ACTIONS = st.sampled_from(["lambda:PutRuntimeManagementConfig", "lambda:*", "*", "lambda:Put*", "s3:*", "",
                            "LAMBDA:put?untime*", "lambda:*Config", "iam:*", "*:*", "lambda:Put[*]"]) | STRINGS
_STATEMENT = _maybe({"Effect": st.sampled_from(["Allow", "Deny", "allow"]) | ANY,
                     "Action": _ACTIONS | st.lists(_ACTIONS | ANY, max_size=3) | ANY,
                     "NotAction": _ACTIONS | st.lists(_ACTIONS, max_size=3) | ANY,
                     "Resource": st.just("*") | ANY, "NotResource": ANY, "Condition": ANY}) | ANY
_POLICY_DOCUMENT = _maybe({"Statement": st.lists(_STATEMENT, max_size=3) | _STATEMENT}) | ANY
POLICY_DOCUMENT = _POLICY_DOCUMENT | _POLICY_DOCUMENT.map(lambda d: json.dumps(d, default=str))
_POLICY_PROPS = _maybe({"PolicyDocument": POLICY_DOCUMENT, "Content": POLICY_DOCUMENT, "PermissionsBoundary": ANY,
                        "Policies": st.lists(_maybe({"PolicyDocument": POLICY_DOCUMENT}) | POLICY_DOCUMENT,
                                             max_size=3) | ANY,
                        "Type": st.just("SERVICE_CONTROL_POLICY") | ANY})
_RESOURCE = st.builds(
    lambda t, props, extra: {"Type": t, "Properties": props, **extra},
    _TYPES,
    _FUNCTION_PROPS | _LAYER_PROPS | _DISTRIBUTION_PROPS | _VERSION_PROPS | _POLICY_PROPS | ANY,
    _maybe({"Condition": ANY, "IgnoreGlobals": ANY, "Metadata": ANY}),
) | ANY
_PARAMETER = _maybe({"Type": ANY, "Default": ANY, "AllowedValues": ANY}) | ANY
CFN = st.builds(
    lambda resources, extra: {**extra, "Resources": resources},
    st.dictionaries(IDENT | NAMES, _RESOURCE, max_size=4),
    _maybe(
        {
            "AWSTemplateFormatVersion": st.just("2010-09-09") | ANY,
            "Transform": st.just("AWS::Serverless-2016-10-31") | ANY,
            "Parameters": st.dictionaries(IDENT, _PARAMETER, max_size=3) | ANY,
            "Mappings": st.dictionaries(IDENT, st.dictionaries(IDENT, st.dictionaries(IDENT, ANY, max_size=2),
                                                               max_size=2), max_size=2) | ANY,
            "Conditions": st.dictionaries(IDENT, ANY, max_size=2) | ANY,
            "Globals": _maybe({"Function": _FUNCTION_PROPS | ANY, "LayerVersion": _LAYER_PROPS}) | ANY,
        }
    ),
)

# --- Serverless ---------------------------------------------------------------------------------------------

_SLS_EVENTS = st.lists(st.builds(lambda v: {"cloudFront": v}, ANY) | ANY, max_size=3) | ANY
_SLS_FUNCTION = _maybe({"runtime": ANY, "architecture": ANY, "runtimeManagement": ANY, "image": ANY, "handler": ANY,
                        "events": _SLS_EVENTS, "layers": ANY, "lambdaAtEdge": _maybe({"distribution": ANY}) | ANY})
SERVERLESS = st.builds(
    lambda service, provider, functions, extra: {"service": service, "provider": provider, "functions": functions,
                                                 **extra},
    ANY,
    _maybe({"name": st.just("aws") | ANY, "runtime": ANY, "architecture": ANY, "runtimeManagement": ANY,
            "iam": _maybe({"role": _maybe({"statements": st.lists(_STATEMENT, max_size=3) | ANY}) | ANY}) | ANY,
            "iamRoleStatements": st.lists(_STATEMENT, max_size=3) | ANY, "layers": ANY}) | ANY,
    st.dictionaries(NAMES, _SLS_FUNCTION | ANY, max_size=4) | ANY,
    _maybe({"custom": st.dictionaries(IDENT, ANY, max_size=3) | ANY,
            "layers": st.dictionaries(NAMES, _maybe({"compatibleRuntimes": ANY, "compatibleArchitectures": ANY})
                                      | ANY, max_size=2) | ANY,
            "resources": ANY}),
)

# --- Terraform ----------------------------------------------------------------------------------------------


def _hcl_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


HCL_EXPR = st.recursive(
    st.one_of(
        STRINGS.map(_hcl_string),
        st.sampled_from(["null", "true", "false", "1", "-2.5", "var.r", "var.missing", "local.l", "local.loop",
                         "each.value", "count.index", "data.x.y.z", "module.m.runtime", "var.r[0]", "upper(var.r)",
                         '"${var.r}"', '"%{if true}x%{endif}"', "<<EOT\npython3.9\nEOT\n",
                         'jsonencode({Statement = [{Effect = "Allow", Action = ["lambda:*", var.r]}]})',
                         'jsonencode({Statement = {Effect = var.r, NotAction = "iam:*"}})',
                         '<<-EOT\n  {"Statement": [{"Effect": "Allow", "Action": "lambda:Put*"}]}\n  EOT\n',
                         '"{\\"Statement\\": {\\"Effect\\": \\"Allow\\", \\"Action\\": \\"*\\"}}"',
                         "data.aws_iam_policy_document.d.json", "aws_iam_policy.p.arn"]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.tuples(children, children, children).map(lambda t: f"{t[0]} ? {t[1]} : {t[2]}"),
        st.tuples(children, children).map(lambda t: f"{t[0]} == {t[1]}"),
        st.tuples(children).map(lambda t: f"({t[0]})"),
        st.dictionaries(IDENT, children, max_size=3).map(
            lambda d: "{" + ", ".join(f"{k} = {v}" for k, v in d.items()) + "}"
        ),
    ),
    max_leaves=6,
)
_TF_TYPES = st.sampled_from(["aws_lambda_function", "awscc_lambda_function", "aws_lambda_layer_version",
                             "awscc_lambda_layer_version", "aws_lambda_runtime_management_config", "aws_s3_bucket",
                             "aws_lambda_alias", "aws_iam_policy", "aws_iam_role", "aws_iam_role_policy",
                             "aws_organizations_policy"])
_TF_ATTRS = st.sampled_from(["runtime", "architectures", "compatible_runtimes", "compatible_architectures",
                             "update_runtime_on", "runtime_version_arn", "runtime_management_config", "handler",
                             "package_type", "count", "layers", "function_name", "policy", "content", "type",
                             "permissions_boundary"])
# Lambda@Edge (EL2002): lambda_arn of a distribution's associations, often a reference to a function or an alias.
_TF_EDGE_ARN = HCL_EXPR | st.builds(
    lambda kind, name, attr: f"{kind}.{name}.{attr}",
    st.sampled_from(["aws_lambda_function", "aws_lambda_alias", "aws_s3_bucket"]),
    IDENT,
    st.sampled_from(["qualified_arn", "arn", "version", "function_name"]),
)


def _tf_file(
    blocks: list[tuple[str, str, dict[str, str]]],
    variables: dict[str, str],
    locals_: dict[str, str],
    edge_arns: list[str] = (),  # type: ignore[assignment]
) -> str:
    out = [f'variable "{name}" {{\n  default = {value}\n}}\n' for name, value in variables.items()]
    if locals_:
        out.append("locals {\n" + "".join(f"  {k} = {v}\n" for k, v in locals_.items()) + "}\n")
    for rtype, name, attrs in blocks:
        body = "".join(f"  {k} = {v}\n" for k, v in attrs.items())
        out.append(f'resource "{rtype}" "{name}" {{\n{body}}}\n')
    if edge_arns:
        first, *rest = edge_arns
        dynamic = "".join(
            f'    dynamic "lambda_function_association" {{\n      content {{\n        lambda_arn = {arn}\n'
            "      }\n    }\n"
            for arn in rest
        )
        out.append(
            'resource "aws_cloudfront_distribution" "cdn" {\n'
            "  default_cache_behavior {\n"
            f"    lambda_function_association {{\n      lambda_arn = {first}\n    }}\n  }}\n"
            f"  ordered_cache_behavior {{\n{dynamic}  }}\n}}\n"
        )
    return "".join(out)


TERRAFORM = st.builds(
    _tf_file,
    st.lists(st.tuples(_TF_TYPES, IDENT, st.dictionaries(_TF_ATTRS, HCL_EXPR | _TF_EDGE_ARN, max_size=5)), max_size=3),
    st.dictionaries(st.sampled_from(["r", "a", "missing"]), HCL_EXPR, max_size=2),
    st.dictionaries(st.sampled_from(["l", "loop"]), HCL_EXPR | st.just("local.loop"), max_size=2),
    st.lists(_TF_EDGE_ARN, max_size=3),
)
TF_VARIABLES = st.none() | st.dictionaries(st.sampled_from(["r", "a", "missing"]), ANY, max_size=2)

# --- Checkov's Terraform conf (values wrapped in lists, as Checkov hands them over) ---------------------------

CHECKOV_CONF = st.dictionaries(
    _TF_ATTRS | st.sampled_from(["__address__", "__start_line__"]) | STRINGS,
    ANY | ANY.map(lambda v: [v]) | ANY.map(lambda v: [[v]]),
    max_size=6,
)

# --- the checks ---------------------------------------------------------------------------------------------


def _assert_findings(findings: list[Finding]) -> None:
    for finding in findings:
        assert finding.rule in OURS
        assert isinstance(finding.line, int) and finding.line >= 0
        assert finding.message.strip() and "\n" not in finding.message.strip(), finding


def _document(doc: Any, as_yaml: bool) -> Any:
    """The document as a file would carry it: JSON text (which is YAML too), through this package's loader."""
    name = "template.yaml" if as_yaml else "template.json"
    try:
        return load_text(json.dumps(doc, ensure_ascii=False), name)
    except LoadError as exc:
        assert str(exc).strip() and "\n" not in str(exc).strip()
        return None


def check_cloudformation(case: tuple[Any, bool, Settings]) -> None:
    doc, as_yaml, chosen = case
    for tree in (doc, _document(doc, as_yaml)):  # plain dicts (Checkov's fallback) and positioned nodes
        kind, subjects = subjects_from_document(tree, "template.yaml")
        assert kind in ("cloudformation", "")
        _assert_findings(evaluate_all(subjects, chosen, CATALOG))


def check_serverless(case: tuple[Any, bool, Settings]) -> None:
    doc, as_yaml, chosen = case
    for tree in (doc, _document(doc, as_yaml)):
        kind, subjects = subjects_from_document(tree, "serverless.yml")
        assert kind in ("serverless", "cloudformation", "")
        _assert_findings(evaluate_all(subjects, chosen, CATALOG))


def check_terraform(case: tuple[str, Any, Settings]) -> None:
    text, variables, chosen = case
    try:
        subjects = subjects_from_hcl(text, "main.tf", variables, policies=True)
    except TerraformError as exc:
        assert str(exc).startswith("main.tf") and "\n" not in str(exc)
        return
    _assert_findings(evaluate_all(subjects, chosen, CATALOG))


def check_checkov_terraform(case: tuple[dict[str, Any], str, Settings]) -> None:
    from lambda_runtime_rules.checkov_adapter import terraform_subject, verdict

    conf, rtype, chosen = case
    resolved = terraform_subject(conf, rtype, "f", "main.tf")
    if resolved is None:
        return
    findings = evaluate(resolved.subject, chosen, CATALOG)
    _assert_findings(findings)
    for rule in RULES:
        verdict(rule.code, resolved, findings)


CASES: dict[str, tuple[st.SearchStrategy[Any], Callable[[Any], None]]] = {
    "cloudformation": (st.tuples(CFN, st.booleans(), SETTINGS), check_cloudformation),
    "serverless": (st.tuples(SERVERLESS, st.booleans(), SETTINGS), check_serverless),
    "terraform": (st.tuples(TERRAFORM, TF_VARIABLES, SETTINGS), check_terraform),
    "checkov-terraform-conf": (st.tuples(CHECKOV_CONF, _TF_TYPES, SETTINGS), check_checkov_terraform),
}


def fuzz(strategy: st.SearchStrategy[Any], check: Callable[[Any], None], examples: int) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(case: Any) -> None:
        check(case)

    run()


def _scheduled(request: pytest.FixtureRequest) -> int:
    if SCHEDULED:
        return SCHEDULED
    if "slow" in (request.config.getoption("markexpr", "") or ""):
        return SCHEDULED_EXAMPLES
    pytest.skip(f"scheduled fuzzing: set {ENV}=100000 or run with -m slow")
    return 0


@pytest.mark.parametrize("adapter", sorted(CASES))
def test_fuzz(adapter: str) -> None:
    fuzz(*CASES[adapter], DEFAULT_EXAMPLES)


@pytest.mark.slow
@pytest.mark.parametrize("adapter", sorted(CASES))
def test_fuzz_scheduled(adapter: str, request: pytest.FixtureRequest) -> None:
    fuzz(*CASES[adapter], _scheduled(request))


# --- the cfn-lint pack inside cfn-lint ------------------------------------------------------------------------


def check_cfn_lint(case: tuple[Any, Settings]) -> None:
    from cfnlint.api import lint
    from cfnlint.config import ManualArgs

    doc, chosen = case
    configure = {"EL1001": {"as_of": chosen.as_of.isoformat(), "warn_days": str(chosen.warn_days)}}
    try:
        matches = lint(json.dumps(doc, ensure_ascii=False), rules=_cfn_lint_rules(),
                       config=ManualArgs(configure_rules=configure, regions=["us-east-1"]))
    except Exception as exc:
        # cfn-lint 1.58 itself crashes on some inputs (a resource's `Metadata: null` breaks its directive
        # scan) before or after any rule runs. Only a crash that passes through our code is ours to fail on.
        frames = traceback.extract_tb(exc.__traceback__)
        if any("lambda_runtime_rules" in frame.filename for frame in frames):
            raise
        # What hypothesis.reject() raises, without its deprecation warning when called outside a @given test.
        raise UnsatisfiedAssumption(f"cfn-lint itself raised {type(exc).__name__}") from exc
    for match in matches:
        assert not (match.rule.id == "E0002" and any(code in match.message for code in OURS)), match
        if match.rule.id in OURS:
            assert "internal error" not in match.message, match


_RULES_CACHE: list[Any] = []


def _cfn_lint_rules() -> Any:
    if not _RULES_CACHE:
        from cfnlint.core import get_rules

        _RULES_CACHE.append(get_rules(["lambda_runtime_rules.cfn_lint"], [], ["I"]))
    return _RULES_CACHE[0]


def test_fuzz_cfn_lint_pack() -> None:
    fuzz(st.tuples(CFN, SETTINGS), check_cfn_lint, CFN_LINT_EXAMPLES[0])


@pytest.mark.slow
def test_fuzz_cfn_lint_pack_scheduled(request: pytest.FixtureRequest) -> None:
    _scheduled(request)
    fuzz(st.tuples(CFN, SETTINGS), check_cfn_lint, CFN_LINT_EXAMPLES[1])


def test_cfn_lint_host_crash_is_not_blamed_on_the_pack() -> None:
    """cfn-lint 1.58 raises on a resource's ``Metadata: null`` in its own directive scan (found by CI fuzzing):
    the fuzz check tells that apart from a crash in our rules and discards the example instead of failing."""
    doc = {"Resources": {"A": {"Type": "AWS::Lambda::Function", "Properties": {}, "Metadata": None}}}
    with pytest.raises(UnsatisfiedAssumption):
        check_cfn_lint((doc, Settings(as_of=dt.date(2014, 1, 1), warn_days=0)))
