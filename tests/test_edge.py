"""EL2002 (Lambda@Edge): the engine over a synthetic catalog, the catalog's sourced field, and each reader's
associations, with exact (rule, resource, line) findings at a pinned date."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from lambda_runtime_rules import catalog as catalog_mod
from lambda_runtime_rules.checkov_adapter import Resolved, verdict
from lambda_runtime_rules.engine import evaluate
from lambda_runtime_rules.model import FunctionSubject, Value
from lambda_runtime_rules.scan import scan_file
from lambda_runtime_rules.settings import Exemption, Settings
from lambda_runtime_rules.sources import cloudfront

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
AS_OF = dt.date(2026, 11, 23)


def _entry(identifier: str, edge: bool, **extra: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "identifier": identifier,
        "name": identifier,
        "family": "lang",
        "version": identifier[-1],
        "os": "amazon-linux-2023",
        "architectures": ["x86_64", "arm64"],
        "package_types": ["Zip", "Image"],
        "lambda_edge": edge,
        "deprecated": None,
        "block_create": None,
        "block_update": None,
        "successor": None,
        "sources": ["synthetic"],
    }
    entry.update(extra)
    return entry


SYNTHETIC = {
    "reviewed": "2030-01-01",
    "timezone": "America/Los_Angeles",
    "runtimes": [_entry("edge1", True), _entry("land2", False)],
}


@pytest.fixture(scope="module")
def cat() -> catalog_mod.Catalog:
    return catalog_mod.build(SYNTHETIC, "synthetic")


def subject(runtime: str = "edge1", edge: tuple[str, ...] = ("Cdn",), **values: tuple[Value, ...]) -> FunctionSubject:
    return FunctionSubject(
        "Fn", runtimes=(Value(runtime, 5, 7),), line=4, file="t.yaml", edge_distributions=edge, **values
    )  # type: ignore[arg-type]


ARM = {"architectures": (Value("x86_64", 6, 9), Value("arm64", 7, 9))}
LAYERS = {"layers": (Value("arn:aws:lambda:us-east-1:1:layer:a:1", 8, 9), Value(None, 9, 9))}
IMAGE = {"package_types": (Value("Image", 10, 3),)}
MODES = {"update_modes": (Value("Auto", 11, 3), Value("Manual", 12, 3), Value("FunctionUpdate", 13, 3))}


@pytest.mark.parametrize(
    ("runtime", "values", "lines"),
    [
        ("edge1", {}, []),
        ("land2", {}, [5]),
        ("edge1", ARM, [7]),
        ("edge1", LAYERS, [8, 9]),  # a layer written as an unresolvable expression is still a layer
        ("edge1", IMAGE, [10]),
        ("edge1", MODES, [12, 13]),
        ("land2", {**ARM, **IMAGE}, [5, 7, 10]),
        ("unknown9", {}, []),  # WL1005's business
    ],
)
def test_each_restriction_on_its_value(cat, runtime, values, lines):
    findings = evaluate(subject(runtime, **values), Settings(as_of=AS_OF), cat)
    assert sorted(f.line for f in findings if f.rule == "EL2002") == lines
    for finding in findings:
        if finding.rule == "EL2002":
            assert "associated with CloudFront distribution Cdn" in finding.message


def test_only_an_edge_function_is_judged(cat):
    findings = evaluate(subject("land2", edge=(), **ARM, **LAYERS, **IMAGE), Settings(as_of=AS_OF), cat)
    assert [f for f in findings if f.rule == "EL2002"] == []


def test_message_names_every_distribution(cat):
    [finding] = evaluate(subject("land2", edge=("CdnA", "CdnB")), Settings(as_of=AS_OF), cat)
    assert finding.message.startswith("Fn is a Lambda@Edge function (associated with CloudFront distributions CdnA, ")
    assert (finding.rule, finding.line, finding.column, finding.runtime) == ("EL2002", 5, 7, "land2")


def test_an_exception_suppresses_it_until_it_expires(cat):
    exemption = Exemption("Fn", "EL2002", dt.date(2026, 12, 1), "moving off java")
    settings = Settings(as_of=AS_OF, exceptions=(exemption,))
    assert evaluate(subject("land2"), settings, cat) == []
    later = Settings(as_of=dt.date(2026, 12, 2), exceptions=(exemption,))
    [finding] = evaluate(subject("land2"), later, cat)
    assert "expired on 2026-12-01" in finding.message


def test_checkov_verdict_is_not_applicable_without_a_distribution(cat):
    plain = subject("edge1", edge=())
    assert verdict("EL2002", Resolved(plain, frozenset({"runtimes"})), []).name == "UNKNOWN"
    edge = subject("edge1")
    assert verdict("EL2002", Resolved(edge, frozenset({"runtimes"})), []).name == "PASSED"
    findings = evaluate(subject("land2"), Settings(as_of=AS_OF), cat)
    assert verdict("EL2002", Resolved(subject("land2"), frozenset({"runtimes"})), findings).name == "FAILED"


# ------------------------------------------------------------------------------------------ the real catalog


def test_every_bundled_entry_states_lambda_edge_with_its_source():
    data = json.loads((REPO / "rules_data" / "catalog.json").read_text(encoding="utf-8"))
    assert "lambda-at-edge-function-restrictions" in data["sources"]["cloudfront-edge"]
    for entry in data["runtimes"]:
        assert isinstance(entry.get("lambda_edge"), bool), entry["identifier"]
        assert "cloudfront-edge" in entry["sources"], entry["identifier"]


def test_lambda_edge_runs_node_and_python_only():
    bundled = catalog_mod.validate_bundled()
    edge = {r.identifier for r in bundled if r.lambda_edge}
    assert {r.family for r in bundled if r.lambda_edge} == {"nodejs", "python"}
    assert {"nodejs22.x", "nodejs4.3-edge", "python3.13", "python3.7"} <= edge
    # never named by CloudFront's list (Node.js 6 and Python 3.7 were its oldest)
    assert edge.isdisjoint({"nodejs", "nodejs4.3", "python2.7", "python3.6", "java21", "provided.al2023"})


# ------------------------------------------------------------------------------------------ readers


def _findings(path: Path) -> list[tuple[str, str, int]]:
    bundled = catalog_mod.load()
    result = scan_file(path, Settings(as_of=AS_OF), bundled)
    return sorted((f.rule, f.resource, f.line) for f in result.findings)


@pytest.mark.usefixtures("isolated_settings")
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "sources/terraform_edge/main.tf",
            [
                ("EL2002", "aws_lambda_function.edge_arm", 9),
                ("EL2002", "aws_lambda_function.edge_arm", 10),
                ("EL2002", "aws_lambda_function.edge_image", 31),
                ("EL2002", "aws_lambda_function.edge_ruby", 17),
            ],
        ),
        (
            "sources/serverless/edge/serverless.yml",
            [
                ("EL2002", "functions.authorize", 7),  # provider.architecture: arm64, inherited
                ("EL2002", "functions.headers", 25),
                ("EL2002", "functions.rewrite", 13),
            ],
        ),
        ("cfn_lint/EL2002/fail_join_getatt.json", [("EL2002", "FailEdgeRuby", 8)]),
    ],
)
def test_reader_findings(path, expected):
    assert _findings(FIXTURES / path) == expected


def test_associations_follow_versions_aliases_and_sam_versions():
    resources = {
        "Fn": {"Type": "AWS::Lambda::Function"},
        "Sam": {"Type": "AWS::Serverless::Function"},
        "Ver": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}}},
        "Alias": {"Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": {"Fn::GetAtt": "Ver.Version"}}},
        "Other": {"Type": "AWS::Lambda::Function"},
        "Cdn": {
            "Type": "AWS::CloudFront::Distribution",
            "Properties": {
                "DistributionConfig": {
                    "DefaultCacheBehavior": {"LambdaFunctionAssociations": [{"LambdaFunctionARN": {"Ref": "Alias"}}]},
                    "CacheBehaviors": [
                        {"LambdaFunctionAssociations": [{"LambdaFunctionARN": {"Ref": "Sam.Version"}}]},
                        {
                            "LambdaFunctionAssociations": [
                                {"LambdaFunctionARN": "arn:aws:lambda:us-east-1:1:function:x"}
                            ]
                        },
                    ],
                }
            },
        },
    }
    assert cloudfront.edge_functions(resources) == {"Fn": ("Cdn",), "Sam": ("Cdn",)}


def test_a_cycle_of_versions_and_aliases_ends():
    resources = {
        "A": {"Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": {"Ref": "B"}}},
        "B": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Fn::Sub": "${A}"}}},
        "Cdn": {
            "Type": "AWS::CloudFront::Distribution",
            "Properties": {
                "DistributionConfig": {
                    "DefaultCacheBehavior": {"LambdaFunctionAssociations": [{"LambdaFunctionARN": {"Ref": "A"}}]}
                }
            },
        },
    }
    assert cloudfront.edge_functions(resources) == {}


@pytest.mark.parametrize(
    ("path", "function", "distribution"),
    [
        # Ref of an AWS::Lambda::Version whose FunctionName is a Ref of the function
        (
            "aws-cloudformation__aws-cloudformation-templates/Solutions/CloudFrontCustomOriginLambda@Edge/CloudFront.json",
            "LambdaEdgeFunction",
            "CloudFrontDistribution",
        ),
        # !GetAtt Lambda.Version.FunctionArn of a SAM function with AutoPublishAlias
        (
            "aws-cloudformation__cfn-lint/templates/good/functions/getatt_serverless_function_version.yaml",
            "Lambda",
            "CloudFront",
        ),
    ],
)
def test_real_templates_edge_functions_are_found_and_pass(corpus_dir, path, function, distribution):
    from lambda_runtime_rules.scan import load_subjects

    kind, found = load_subjects(corpus_dir / path)
    edge = {s.resource: s.edge_distributions for s in found if isinstance(s, FunctionSubject) and s.edge_distributions}
    assert (kind, edge) == ("cloudformation", {function: (distribution,)})
    findings = scan_file(corpus_dir / path, Settings(as_of=AS_OF), catalog_mod.load()).findings
    assert [f for f in findings if f.rule == "EL2002"] == []  # nodejs20.x / nodejs22.x on x86_64: allowed
