"""Terraform image functions built from a Dockerfile in the repository (issue 10): docker_image build blocks
(through docker_registry_image) and the docker-build module, the same through the CLI and Checkov."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_runtime_rules.cli import main
from lambda_runtime_rules.sources import terraform
from lambda_runtime_rules.sources.terraform import TerraformError

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "terraform" / "images"
AS_OF = "2026-11-23"


def test_cli_exact_findings(capsys, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    code = main(["check", "--as-of", AS_OF, "--format", "json", "fixtures/terraform/images"])
    assert code == 0
    found = [(f["rule"], f["resource"], f["file"], f["line"], f["column"]) for f in json.loads(capsys.readouterr().out)]
    assert found == [
        # build_args PY = "3.8" over the Dockerfile's ARG default 3.12: on the line where it is written
        ("WL1003", "aws_lambda_function.pushed", "fixtures/terraform/images/main.tf", 23, 12),
        # module "docker_build": source_path "worker" relative to path.cwd, docker_file_path in it
        ("WL1003", "aws_lambda_function.module_built", "fixtures/terraform/images/worker/Dockerfile.lambda", 1, 35),
    ]
    subjects, _ = terraform.evaluate_folder("fixtures/terraform/images")
    computed = next(s for s in subjects if s.resource == "aws_lambda_function.computed")
    assert (computed.built_from, computed.base_images, computed.runtimes) == ("", (), ())


def test_checkov_gives_the_same_verdicts() -> None:
    from test_checkov_checks import CHECKS_DIR, environment, run_checkov, verdicts

    env = environment()
    env.pop("LAMBDA_RUNTIME_RULES_CONFIG", None)
    env["LAMBDA_RUNTIME_RULES_WARN_DAYS"] = "120"
    reports, stderr = run_checkov(["-d", ".", "--framework", "terraform", "--external-checks-dir", str(CHECKS_DIR),
                                   "--check", "CKV_LRR_*"], env, cwd=FIXTURE)
    found = verdicts(reports)
    failed = sorted((resource, check) for (_, resource), checks in found.items()
                    for check, verdict in checks.items() if verdict == "FAILED")
    assert failed == [("aws_lambda_function.module_built", "CKV_LRR_1003"),
                      ("aws_lambda_function.pushed", "CKV_LRR_1003")], stderr[-2000:]
    assert "CKV_LRR_1003" not in found.get(("terraform", "aws_lambda_function.computed"), {}) or \
        found[("terraform", "aws_lambda_function.computed")]["CKV_LRR_1003"] != "FAILED"


VALUES = st.one_of(
    st.sampled_from(['"app"', '"${path.module}/app"', "path.root", "var.x", "null", "1", "[]", "{}", '"\\u0000"',
                     '"../../.."', '"/etc"', "docker_image.a.name", "module.b.image_uri", "local.c"]),
    st.text(alphabet='abc."${}/ ', max_size=12).map(json.dumps),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(context=VALUES, dockerfile=VALUES, target=VALUES, args=VALUES, uri=VALUES, source=VALUES)
def test_hostile_build_blocks_never_crash(tmp_path_factory, context, dockerfile, target, args, uri, source) -> None:
    folder = tmp_path_factory.mktemp("tf")
    text = f"""
resource "aws_lambda_function" "f" {{
  package_type = "Image"
  image_uri    = {uri}
}}
resource "docker_registry_image" "r" {{ name = docker_image.a.name }}
resource "docker_image" "a" {{
  build {{
    context    = {context}
    dockerfile = {dockerfile}
    target     = {target}
    build_args = {args}
  }}
}}
module "b" {{
  source      = {source}
  source_path = {context}
}}
locals {{ c = {uri} }}
"""
    try:
        subjects = terraform.subjects_from_hcl(text, os.path.join(str(folder), "main.tf"))
    except TerraformError:
        return
    assert len(subjects) == 1


def test_the_image_module_is_imported_only_for_image_functions() -> None:
    import subprocess

    hcl = 'resource \\"aws_lambda_function\\" \\"f\\" { runtime = \\"python3.12\\" }'
    code = ("import sys; from lambda_runtime_rules.sources import terraform; "
            f"terraform.subjects_from_hcl(\"{hcl}\", 'm.tf');"
            "print('lambda_runtime_rules.sources.terraform_images' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_fix_rewrites_each_linked_image_where_it_is_written_and_is_idempotent(tmp_path, capsys, monkeypatch) -> None:
    """The Dockerfile's tag for the docker-build module, the build argument in main.tf for docker_image; the CDK
    fixture likewise (buildArgs in stack.ts, the target stage's FROM, a plain asset's FROM)."""
    import shutil

    shutil.copytree(FIXTURE, tmp_path / "tf")
    shutil.copytree(ROOT / "fixtures" / "sources" / "cdk" / "images", tmp_path / "cdk")
    monkeypatch.chdir(tmp_path)
    assert main(["fix", "--as-of", AS_OF, "tf", "cdk"]) == 1  # files were modified
    capsys.readouterr()
    assert 'PY = "3.11"' in (tmp_path / "tf" / "main.tf").read_text(encoding="utf-8")
    assert "nodejs:22" in (tmp_path / "tf" / "worker" / "Dockerfile.lambda").read_text(encoding="utf-8")
    assert "PY: '3.11'" in (tmp_path / "cdk" / "lib" / "stack.ts").read_text(encoding="utf-8")
    assert main(["check", "--as-of", AS_OF, "--format", "json", "tf", "cdk"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert main(["fix", "--as-of", AS_OF, "tf", "cdk"]) == 0
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before
