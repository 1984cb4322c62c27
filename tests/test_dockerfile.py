"""Container images: the Dockerfile reader, the image policy in the engine, fixtures through the CLI, and fix.

The engine is tested over a synthetic catalog with made-up dates; the fixtures (fixtures/sources/dockerfile, names
carrying their outcome) through the real console script with a pinned ``--as-of``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_runtime_rules import catalog as catalog_mod
from lambda_runtime_rules import engine, images
from lambda_runtime_rules.model import FunctionSubject, Value
from lambda_runtime_rules.settings import Settings
from lambda_runtime_rules.sources import dockerfile

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "sources" / "dockerfile"
AS_OF = "2027-01-15"
D = dt.date


def _entry(identifier, version, os, deprecated=None, create=None, update=None, successor=None, tags=(), **extra):
    arches = ["x86_64"] if os == "amazon-linux" else ["x86_64", "arm64"]
    entry = {
        "identifier": identifier,
        "name": identifier,
        "family": "lang",
        "version": version,
        "os": os,
        "architectures": arches,
        "package_types": ["Zip", "Image"],
        "deprecated": deprecated,
        "block_create": create,
        "block_update": update,
        "successor": successor,
        "sources": ["synthetic"],
    }
    if tags:
        entry["images"] = {"repository": "lang", "tags": list(tags), "architectures": arches}
    entry.update(extra)
    return entry


SYNTHETIC = {
    "reviewed": "2030-01-01",
    "timezone": "America/Los_Angeles",
    "runtimes": [
        _entry("lang1", "1", "amazon-linux", "2030-01-10", "2030-02-10", "2030-03-10", "lang4", tags=["1"]),
        _entry("lang2", "2", "amazon-linux-2", "2030-06-01", "2030-07-01", "2030-08-01", "lang4", tags=["2", "2.x"]),
        _entry("lang3", "3", "amazon-linux-2023", "2031-06-01", "2031-07-01", "2031-08-01", "lang4", tags=["3"]),
        _entry("lang4", "4", "amazon-linux-2023", "2033-06-01", "2033-07-01", "2033-08-01", tags=["4"]),
        _entry("lang5", "5", "amazon-linux-2023", preview=True, tags=["5-preview"]),
        _entry("lang9", "9", "amazon-linux-2023", "2030-01-20", package_types=["Image"], tags=["9"]),
    ],
}


@pytest.fixture(scope="module")
def cat() -> catalog_mod.Catalog:
    return catalog_mod.build(SYNTHETIC, "synthetic")


def _judge(cat, reference, as_of, platform="", warn_days=30):
    arches = (Value(platform, 3, 1),) if platform else ()
    subject = FunctionSubject("Fn", architectures=arches, file="Dockerfile", base_images=(Value(reference, 1, 20),))
    found = engine.evaluate(subject, Settings(as_of=as_of, warn_days=warn_days), cat)
    return sorted(f.rule for f in found)


@pytest.mark.parametrize(
    ("reference", "as_of", "platform", "expected"),
    [
        ("public.ecr.aws/lambda/lang:1", D(2029, 12, 1), "", []),  # 40 days ahead: outside the 30-day window
        ("public.ecr.aws/lambda/lang:1", D(2029, 12, 11), "", ["WL1004"]),
        ("public.ecr.aws/lambda/lang:1", D(2030, 1, 9), "", ["WL1004"]),
        ("public.ecr.aws/lambda/lang:1", D(2030, 1, 10), "", ["WL1003"]),  # deprecation day
        ("public.ecr.aws/lambda/lang:1", D(2030, 2, 10), "", ["WL1003"]),  # create-blocked: .zip only
        ("public.ecr.aws/lambda/lang:1", D(2035, 1, 1), "", ["WL1003"]),  # update-blocked: .zip only
        ("amazon/aws-lambda-lang:2.x", D(2030, 6, 1), "", ["WL1003"]),  # second tag, Docker Hub mirror
        ("docker.io/amazon/aws-lambda-lang:2", D(2030, 6, 1), "", ["WL1003"]),
        ("public.ecr.aws/lambda/lang:2.2030.01.02.03-arm64", D(2030, 6, 1), "", ["WL1003"]),  # date stamp + arch
        ("public.ecr.aws/lambda/lang:2@sha256:0123", D(2030, 6, 1), "", ["WL1003"]),
        ("public.ecr.aws/lambda/lang:1-arm64", D(2029, 1, 1), "", ["EL2001"]),  # AL1: no arm64 image
        ("public.ecr.aws/lambda/lang:1", D(2029, 1, 1), "arm64", ["EL2001"]),  # --platform
        ("public.ecr.aws/lambda/lang:3-arm64", D(2029, 1, 1), "arm64", []),
        ("public.ecr.aws/lambda/lang:5-preview", D(2040, 1, 1), "", []),  # previews: no lifecycle verdicts
        ("public.ecr.aws/lambda/lang:9", D(2030, 1, 20), "", ["WL1003"]),  # container-only runtime
        ("public.ecr.aws/lambda/lang:latest", D(2029, 1, 1), "", ["WL1005"]),
        ("public.ecr.aws/lambda/lang", D(2029, 1, 1), "", ["WL1005"]),  # no tag: latest
        ("public.ecr.aws/lambda/lang:6", D(2029, 1, 1), "", ["WL1005"]),
        ("public.ecr.aws/lambda/lang:2.xx", D(2029, 1, 1), "", ["WL1005"]),  # not a tag boundary
        ("public.ecr.aws/lambda/other:1", D(2029, 1, 1), "", ["WL1005"]),
        ("python:3.8", D(2029, 1, 1), "", []),  # not an AWS Lambda base image
        ("public.ecr.aws/other/lang:1", D(2035, 1, 1), "", []),
    ],
)
def test_image_policy(cat, reference, as_of, platform, expected) -> None:
    assert _judge(cat, reference, as_of, platform) == expected


def test_image_message_advises_an_image_of_the_same_repository(cat) -> None:
    subject = FunctionSubject("Fn", base_images=(Value("public.ecr.aws/lambda/lang:1", 1, 20),))
    [finding] = engine.evaluate(subject, Settings(as_of=D(2030, 3, 11)), cat)
    assert finding.rule == "WL1003" and finding.runtime == "lang1"
    assert "no more patched base images" in finding.message
    assert "rebuild on lang:3 (minimal safe upgrade) or lang:4 (successor)" in finding.message
    assert "EL1001" not in finding.message


def test_minimal_image_upgrade_respects_the_architecture(cat) -> None:
    lang1 = cat.get("lang1")
    assert engine.minimal_image_upgrade(lang1, cat, D(2029, 1, 1), 0).identifier == "lang2"
    assert engine.minimal_image_upgrade(lang1, cat, D(2030, 5, 1), 90, "arm64").identifier == "lang3"


def test_real_catalog_image_tags_are_unambiguous() -> None:
    real = catalog_mod.default_catalog()
    seen: dict[tuple[str, str], str] = {}
    for runtime in real:
        if runtime.image is None:
            continue
        assert set(runtime.image.architectures) <= set(runtime.architectures), runtime.identifier
        for tag in runtime.image.tags:
            assert (runtime.image.repository, tag) not in seen, (runtime.identifier, tag)
            seen[(runtime.image.repository, tag)] = runtime.identifier
    assert real.by_image("python", "3.8").identifier == "python3.8"
    assert real.by_image("java", "8.al2").identifier == "java8.al2"
    assert real.by_image("provided", "al2023").identifier == "provided.al2023"
    assert real.by_image("dotnet", "core3.1").identifier == "dotnetcore3.1"



def test_every_runtime_with_a_branch_in_awss_base_image_repository_has_its_image() -> None:
    """aws/aws-lambda-base-images (source ``aws-base-images``) has a branch for ruby2.5 (x86_64 only): its base
    image existed, so ``FROM public.ecr.aws/lambda/ruby:2.5`` is ruby2.5, deprecated, not an unknown tag."""
    real = catalog_mod.default_catalog()
    backed = [r for r in real if "aws-base-images" in r.sources]
    assert len(backed) == 33 and all(r.image is not None for r in backed)
    ruby25 = real.by_image("ruby", "2.5")
    assert ruby25 is not None and ruby25.identifier == "ruby2.5" and ruby25.image.architectures == ("x86_64",)
    subject = FunctionSubject("Fn", base_images=(Value("public.ecr.aws/lambda/ruby:2.5-arm64", 1, 6),))
    findings = engine.evaluate(subject, Settings(as_of=D(2026, 11, 23)), real)
    assert sorted((f.rule, f.line, f.column, f.runtime) for f in findings) == [
        ("EL2001", 1, 6, "ruby2.5"), ("WL1003", 1, 6, "ruby2.5")
    ]


# ------------------------------------------------------------------------------------------------ the reader


def test_reader_spellings_and_positions() -> None:
    text = (
        "# escape=`\n"
        "ARG V=3.12\n"
        "ARG BASE='public.ecr.aws/lambda/python'\n"
        "from --platform=linux/arm64 ${BASE}:${V}-arm64 `\n"
        "  # comment inside\n"
        "\n"
        "  aS build\n"
        "FROM build AS final\n"
        "FROM public.ecr.aws/lambda/python:${UNSET}\n"
        "FROM public.ecr.aws/lambda/python:${UNSET:-3.9}\n"
        "FROM public.ecr.aws/lambda/`\n"
        "nodejs:20@sha256:00\n"
        "FROM alpine:3.20\n"
    )
    found = dockerfile.subjects(text, "Dockerfile")
    assert [(s.resource, s.line) for s in found] == [("build", 4), ("stage 3", 10), ("stage 4", 11)]
    build, default, split = found
    assert build.base_images == (
        Value("public.ecr.aws/lambda/python:3.12-arm64", 2, 7, "from the default of ARG V", "Dockerfile"),
    )
    assert build.architectures == (Value("arm64", 4, 17, "", "Dockerfile"),)
    assert default.base_images[0].value.endswith(":3.9")
    assert (default.base_images[0].line, default.base_images[0].column) == (10, 44)
    assert (split.base_images[0].value, split.base_images[0].line, split.base_images[0].column) == (
        "public.ecr.aws/lambda/nodejs:20@sha256:00",
        12,
        8,
    )


def test_built_image_follows_the_target_and_stage_chain(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(
        "FROM public.ecr.aws/lambda/python:3.8 AS base\nFROM base AS app\nFROM public.ecr.aws/lambda/python:3.12 AS t\n"
    )
    assert dockerfile.built_image(path)[0][0].value.endswith(":3.12")
    assert dockerfile.built_image(path, target="APP")[0][0].value.endswith(":3.8")
    assert dockerfile.built_image(path, target="missing") == ((), ())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Dockerfile", True),
        ("dockerfile", True),
        ("Dockerfile.prod", True),
        ("api.dockerfile", True),
        ("Containerfile", True),
        ("Dockerfile.yaml", False),
        (".dockerfile", False),
        ("Dockerfiles", False),
        ("docker-compose.yml", False),
    ],
)
def test_is_dockerfile(name: str, expected: bool) -> None:
    assert dockerfile.is_dockerfile(Path(name)) is expected


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_reader_never_raises_on_any_text(text: str) -> None:
    dockerfile.subjects(text, "Dockerfile")


FRAGMENTS = st.sampled_from(
    [
        "FROM ",
        "from ",
        "ARG ",
        "AS ",
        " ",
        "\n",
        "\\\n",
        "`\n",
        "# escape=`\n",
        "#",
        "${",
        "}",
        "$",
        ":-",
        "-",
        "=",
        "'",
        '"',
        "public.ecr.aws/lambda/",
        "amazon/aws-lambda-",
        "python",
        ":",
        "3.8",
        "-arm64",
        "@sha256:",
        "--platform=",
        "linux/arm64",
        "V",
        "latest",
        ".2024.01.02.03",
        "\r\n",
        "\t",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FRAGMENTS, max_size=40).map("".join))
def test_reader_and_engine_never_raise_on_dockerfile_like_text(text: str) -> None:
    real = catalog_mod.default_catalog()
    for subject in dockerfile.subjects(text, "Dockerfile"):
        engine.evaluate(subject, Settings(as_of=D(2026, 11, 23)), real)
        for value in subject.base_images:
            assert images.parse(str(value.value)) is not None


# ------------------------------------------------------------------------------------------------ through the CLI


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lambda_runtime_rules.cli", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


EXPECTED = {
    ("EL2001", "stage 0", "fail-EL2001-platform.dockerfile", 1),
    ("WL1003", "stage 0", "fail-EL2001-platform.dockerfile", 2),
    ("EL2001", "stage 0", "fail-EL2001-python3.7-arm64.dockerfile", 1),
    ("WL1003", "stage 0", "fail-EL2001-python3.7-arm64.dockerfile", 1),
    ("WL1003", "app", "fail-WL1003-arg-default.dockerfile", 4),
    ("WL1003", "stage 0", "fail-WL1003-date-stamp.dockerfile", 1),
    ("WL1003", "stage 0", "fail-WL1003-digest.dockerfile", 1),
    ("WL1003", "worker", "fail-WL1003-dockerfile-suffix/Dockerfile.worker", 1),
    ("WL1003", "stage 0", "fail-WL1003-ecr-python3.8.dockerfile", 1),
    ("WL1004", "stage 0", "fail-WL1004-ruby3.3.dockerfile", 1),
    ("WL1005", "stage 0", "fail-WL1005-latest.dockerfile", 1),
    ("WL1005", "stage 0", "fail-WL1005-unknown-tag.dockerfile", 1),
    ("WL1003", "HelloFunction", "sam/template.yaml", 13),  # DockerBuildArgs PYTHON_VERSION: "3.9"
    # A Dockerfile that a checked template builds a function from is judged through that function only (not
    # again as a bare file: "release", "stage 0"); see test_a_dockerfile_is_judged_once_whichever_way_it_is_found.
    ("WL1003", "WorkerFunction", "sam/worker/Dockerfile.lambda", 1),  # DockerBuildTarget: release
    ("WL1003", "functions.api", "serverless/app/Dockerfile.prod", 1),
    ("WL1003", "functions.worker", "serverless/app/Dockerfile.prod", 1),
    ("EL2001", "functions.api", "serverless/serverless.yml", 9),  # platform: linux/arm64, python3.7
    ("EL2001", "functions.worker", "serverless/serverless.yml", 9),
}


def test_fixtures_exact_findings_through_the_cli() -> None:
    proc = _cli("check", "--as-of", AS_OF, "--format", "json", "--fail-on", "never", str(FIXTURES))
    assert proc.returncode == 0, proc.stderr
    found = {
        (f["rule"], f["resource"], Path(f["file"]).relative_to(FIXTURES).as_posix(), f["line"])
        for f in json.loads(proc.stdout)
    }
    assert found == EXPECTED


def test_a_dockerfile_is_judged_once_whichever_way_it_is_found() -> None:
    """Checked with its template, a function's Dockerfile is the function's (with its build args and target);
    checked alone (a pre-commit run touching only the Dockerfile), it is judged as a file."""
    def found(*paths: Path, jobs: str = "1") -> set[tuple[str, str, str, int]]:
        proc = _cli("check", "--as-of", AS_OF, "--format", "json", "--fail-on", "never", "--jobs", jobs,
                    *map(str, paths))
        assert proc.returncode == 0, proc.stderr
        return {(f["rule"], f["resource"], Path(f["file"]).relative_to(FIXTURES).as_posix(), f["line"])
                for f in json.loads(proc.stdout)}

    sam = FIXTURES / "sam"
    with_template = {("WL1003", "HelloFunction", "sam/template.yaml", 13),
                     ("WL1003", "WorkerFunction", "sam/worker/Dockerfile.lambda", 1)}
    assert found(sam) == with_template
    assert found(sam, jobs="2") == with_template  # the worker processes say which Dockerfiles they built
    # the same Dockerfile named by a relative path that differs from the template's ./worker spelling
    assert found(sam / "template.yaml", sam / "." / "worker" / "Dockerfile.lambda") == with_template
    assert found(sam / "worker" / "Dockerfile.lambda") == {("WL1003", "release", "sam/worker/Dockerfile.lambda", 1)}
    # alone, the hello Dockerfile is judged by its ARG default (python 3.12: clean); the template builds it with
    # PYTHON_VERSION 3.9, which is what the function runs, and only the function's view says so
    assert found(sam / "hello" / "Dockerfile") == set()


def test_report_rows_a_dockerfile_once_through_its_function() -> None:
    proc = _cli("report", "--as-of", AS_OF, "--format", "json", str(FIXTURES / "serverless"))
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    rows = rows["rows"] if isinstance(rows, dict) else rows
    assert sorted(r["resource"] for r in rows if r["file"].endswith("Dockerfile.prod")) == [
        "functions.api", "functions.worker",
    ]


def test_fixture_names_carry_their_outcome() -> None:
    by_file: dict[str, set[str]] = {}
    for rule, _, file, _ in EXPECTED:
        by_file.setdefault(file.split("/")[0], set()).add(rule)
    names = [p.relative_to(FIXTURES).parts[0] for p in FIXTURES.iterdir() if p.name.startswith(("pass-", "fail-"))]
    assert any(n.startswith("pass-") for n in names) and any(n.startswith("fail-") for n in names)
    for name in names:
        if name.startswith("pass-"):
            assert name not in by_file, name
        else:
            assert name.split("-")[1] in by_file.get(name, set()), name


def test_text_output_names_the_function_for_a_template() -> None:
    proc = _cli("check", "--as-of", AS_OF, str(FIXTURES / "sam" / "template.yaml"))
    assert proc.returncode == 0, proc.stderr  # warnings only
    assert "(the image of WorkerFunction)" in proc.stdout
    assert "Dockerfile.lambda:1:35: WL1003 Base image nodejs:16 (nodejs16.x)" in proc.stdout
    assert "(from DockerBuildArgs PYTHON_VERSION; the image of HelloFunction)" in proc.stdout


def test_unreadable_dockerfile_is_one_line_and_exit_2(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties:\n      PackageType: Image\n    Metadata:\n      DockerContext: ./missing\n"
    )
    proc = _cli("check", "--as-of", AS_OF, str(template))
    assert proc.returncode == 2
    assert "Fn:" in proc.stderr and "missing/Dockerfile: cannot read" in proc.stderr


# ------------------------------------------------------------------------------------------------ fix


def test_fix_rewrites_only_the_tag_and_is_idempotent(tmp_path: Path) -> None:
    work = tmp_path / "Dockerfile"
    original = (
        "# syntax=docker/dockerfile:1\n"
        "ARG PY=3.8  \n"
        "FROM public.ecr.aws/lambda/python:${PY} AS build\n"
        "# keep this comment\n"
        "from amazon/aws-lambda-nodejs:16-arm64 AS node\r\n"
        "FROM public.ecr.aws/lambda/java:8@sha256:abcd AS pinned\n"
        "FROM public.ecr.aws/lambda/dotnet:6.2024.01.10.12-x86_64 AS dated\n"
        "FROM public.ecr.aws/lambda/python:3.12\n"
    )
    work.write_bytes(original.encode())
    proc = _cli("fix", "--as-of", "2026-11-23", str(work))
    assert proc.returncode == 1, proc.stderr
    assert work.read_bytes().decode() == original.replace("PY=3.8", "PY=3.11").replace("nodejs:16-", "nodejs:22-")
    assert "java:8: manual upgrade needed: pinned by a digest" in proc.stdout
    assert "dotnet:6.2024.01.10.12-x86_64: manual upgrade needed: pinned by a dated build tag" in proc.stdout
    again = _cli("fix", "--as-of", "2026-11-23", str(work))
    assert again.returncode == 0, again.stderr
    assert work.read_bytes().decode() == original.replace("PY=3.8", "PY=3.11").replace("nodejs:16-", "nodejs:22-")


def test_fix_edits_the_tag_where_it_is_written(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "sam", tmp_path / "sam")
    template = (tmp_path / "sam" / "template.yaml").read_text()
    hello = (tmp_path / "sam" / "hello" / "Dockerfile").read_text()
    proc = _cli("fix", "--as-of", AS_OF, str(tmp_path / "sam"))
    assert proc.returncode == 1, proc.stderr
    # The template's DockerBuildArgs value decides the tag: it is edited there (quotes kept), the Dockerfile's own
    # ARG default (python 3.12, fine) is left alone.
    fixed = template.replace('PYTHON_VERSION: "3.9"', 'PYTHON_VERSION: "3.11"')
    assert fixed != template and (tmp_path / "sam" / "template.yaml").read_text() == fixed
    assert (tmp_path / "sam" / "hello" / "Dockerfile").read_text() == hello
    worker = (tmp_path / "sam" / "worker" / "Dockerfile.lambda").read_text()
    assert worker.startswith("FROM public.ecr.aws/lambda/nodejs:24 AS release\n")  # 22 deprecates in the window
    assert worker.endswith("FROM public.ecr.aws/lambda/nodejs:24 AS test\n")


def test_cfn_lint_reports_a_dockerfile_finding_on_the_function() -> None:
    pytest.importorskip("cfnlint")
    if not (Path(sys.executable).parent / "cfn-lint").exists():
        pytest.skip("no cfn-lint console script beside this interpreter")
    env = {**os.environ, "LAMBDA_RUNTIME_RULES_AS_OF": AS_OF}
    proc = subprocess.run(
        [
            str(Path(sys.executable).parent / "cfn-lint"),
            "--append-rules=lambda_runtime_rules.cfn_lint",
            "--format",
            "parseable",
            "template.yaml",
        ],
        cwd=FIXTURES / "sam",
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    lines = sorted(line for line in proc.stdout.splitlines() if ":WL1003:" in line)
    assert len(lines) == 2, proc.stdout + proc.stderr
    assert lines[0].startswith("template.yaml:13:25:") and "the image of HelloFunction" in lines[0]
    assert lines[1].startswith("template.yaml:15:5:") and "(at worker/Dockerfile.lambda:1:35)" in lines[1]


def test_report_judges_an_image_function_by_its_base_image() -> None:
    proc = _cli("report", "--as-of", AS_OF, "--format", "json", str(FIXTURES / "sam" / "template.yaml"))
    assert proc.returncode == 0, proc.stderr
    rows = {row["resource"]: row for row in json.loads(proc.stdout)}
    worker = rows["WorkerFunction"]
    assert worker["runtime"] == "nodejs16.x" and worker["status"] == "deprecated"  # never update-blocked: an image
    assert worker["upgrade"] == "nodejs:24"
    assert rows["HelloFunction"]["runtime"] == "python3.9"


def test_doubling_args_stay_bounded() -> None:
    text = (
        "ARG A=3\n"
        + "ARG A=${A}${A}\n" * 80
        + "FROM public.ecr.aws/lambda/python:${A}\nFROM amazon/aws-lambda-python:3.8\n"
    )
    found = dockerfile.subjects(text, "Dockerfile")  # would be 2**80 characters without the cap
    assert [s.base_images[0].value for s in found] == ["amazon/aws-lambda-python:3.8"]


def test_every_base_image_mapping_rests_on_aws_evidence() -> None:
    """Every image mapping cites an AWS source for its tag: documentation pages, AWS's base-image repository, the
    SAM build and CLI repositories that pull the tag, or AWS maintainers' announcements; none rests on third-party
    evidence alone (the former ``images-3p`` key is retired)."""
    image_sources = {
        "docs-images", "docs-images-2022", "docs-images-python", "docs-images-ruby", "aws-base-images",
        "sam-build-images", "sam-cli-images", "base-images-issues", "dotnet7-image", "preview-issues",
    }  # fmt: skip
    catalog = catalog_mod.default_catalog()
    assert image_sources <= set(catalog.sources)
    without = sorted(r.identifier for r in catalog if r.image is not None and not image_sources & set(r.sources))
    assert without == []
    assert not any("images-3p" in r.sources for r in catalog) and "images-3p" not in catalog.sources
