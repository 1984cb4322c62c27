"""CDK app source in every CDK language, and cdk.out ownership: exact findings through the CLI, fix, robustness."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_runtime_rules import cli
from lambda_runtime_rules.catalog import default_catalog
from lambda_runtime_rules.sources import cdk, cdk_data

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "sources" / "cdk"
AS_OF = "2026-11-23"


def _findings(capsys: pytest.CaptureFixture[str], path: Path) -> set[tuple[str, str, str, int]]:
    code = cli.main(["check", "--as-of", AS_OF, "--format", "json", "--fail-on", "never", str(path)])
    assert code == 0
    document = json.loads(capsys.readouterr().out)
    entries = document["findings"] if isinstance(document, dict) else document
    return {(f["rule"], f["resource"], Path(f["file"]).name, f["line"]) for f in entries}


EXPECTED = {
    "typescript": {
        ("WL1003", "Legacy", "stack.ts", 6),
        ("WL1003", "Api", "stack.ts", 17),
        ("WL3002", "Api", "stack.ts", 19),
        ("WL1005", "Future", "stack.ts", 22),
        ("WL4001", "Shared", "stack.ts", 26),
        ("EL4002", "Shared", "stack.ts", 27),
    },
    "javascript": {("EL1002", "Worker", "stack.js", 9)},
    "python": {
        ("WL1003", "Handler", "app_stack.py", 5),
        ("EL1001", "OldArm", "app_stack.py", 21),
        ("EL2001", "OldArm", "app_stack.py", 22),
    },
    "java": {("EL1002", "Orders", "JavaStack.java", 14)},
    "csharp": {
        ("WL1003", "Reports", "AppStack.cs", 11),
        ("EL3003", "Reports", "AppStack.cs", 17),
        ("WL3002", "Reports", "AppStack.cs", 17),
        ("WL4001", "Tools", "AppStack.cs", 22),
    },
    "go": {
        ("EL1002", "Ingest", "app.go", 13),
        ("EL1002", "Transform", "app.go", 18),
        ("EL2001", "Transform", "app.go", 19),
    },
}


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_every_cdk_language_gives_exact_findings(language: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _findings(capsys, FIXTURES / language) == EXPECTED[language]


def test_unknown_constant_is_wl1005_naming_it(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["check", "--as-of", AS_OF, str(FIXTURES / "typescript")])
    out = capsys.readouterr().out
    assert "WL1005 Runtime 'Runtime.PYTHON_9_9' is not in the catalog" in out
    assert "(written as Runtime.PYTHON_3_8)" in out
    assert "NODEJS_LATEST" not in out  # decided per region at synth time: no verdict


def test_go_spelling_and_docker_image_function_without_runtime() -> None:
    kind, subjects, problems = cdk.load(str(FIXTURES / "go" / "app.go"))
    assert (kind, problems) == ("cdk", [])
    assert subjects[0].runtimes[0].via == "written as Runtime_GO_1_X()"
    _, python, _ = cdk.load(str(FIXTURES / "python" / "app_stack.py"))
    image = [s for s in python if s.resource == "Image"]
    assert len(image) == 1 and image[0].runtimes == ()


def test_file_without_cdk_lambda_is_never_parsed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    handler = tmp_path / "handler.py"
    handler.write_text("import aws_lambda_powertools\nRuntime = 'python3.8'\n", encoding="utf-8")
    assert not cdk.mentions_file(handler)
    assert cli.main(["check", "--as-of", AS_OF, str(tmp_path)]) == 0
    assert cli.main(["check", "--as-of", AS_OF, str(handler)]) == 0  # named explicitly: still nothing


def test_build_output_and_cdk_out_sources_are_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for folder in ("cdk.out/asset.1234", "dist", "node_modules/x"):
        target = tmp_path / folder
        target.mkdir(parents=True)
        shutil.copy(FIXTURES / "typescript" / "stack.ts", target / "stack.ts")
    assert cli.main(["check", "--as-of", AS_OF, str(tmp_path)]) == 0
    assert "stack.ts" not in capsys.readouterr().out


def test_catalog_constants_are_unique_and_spelled_by_rule() -> None:
    names = [r.cdk for r in default_catalog() if r.cdk]
    assert len(names) == len(set(names)) and "PYTHON_3_8" in names
    assert cdk.spelling("PYTHON_3_8", "go") == "Runtime_PYTHON_3_8()"
    assert cdk.spelling("PYTHON_3_8", "csharp") == "Runtime.PYTHON_3_8"
    assert cdk_data.data().library  # validates rules_data/cdk.json against its schema


def test_fix_rewrites_constants_in_each_language_and_is_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "app"
    shutil.copytree(FIXTURES, work)
    before = {p: p.read_bytes() for p in work.rglob("*") if p.is_file()}
    assert cli.main(["fix", "--as-of", AS_OF, str(work)]) == 1
    out = capsys.readouterr().out
    assert "PYTHON_3_8 -> PYTHON_3_11" in out
    assert "Runtime_PROVIDED -> Runtime_PROVIDED_AL2023" in out
    assert "go1.x: manual upgrade needed" in out
    assert "nodejs16.x: manual upgrade needed: pinned" in out
    ts = (work / "typescript" / "stack.ts").read_text(encoding="utf-8")
    assert "const LEGACY = lambda.Runtime.PYTHON_3_11;" in ts
    assert "[lambda.Runtime.PYTHON_3_11, lambda.Runtime.PYTHON_3_12]" in ts
    assert "runtime: lambda.Runtime.NODEJS_16_X," in ts  # pinned by a runtime version ARN
    js = (work / "javascript" / "stack.js").read_text(encoding="utf-8")
    assert "new lambda.Runtime('nodejs22.x', lambda.RuntimeFamily.NODEJS)" in js
    assert ".runtime(Runtime.JAVA_8_CORRETTO)" in (work / "java").rglob("*.java").__next__().read_text("utf-8")
    assert "Runtime:      awslambda.Runtime_PROVIDED_AL2023()," in (work / "go" / "app.go").read_text("utf-8")
    assert "runtime=_lambda.Runtime.PYTHON_3_11," in (work / "python" / "app_stack.py").read_text("utf-8")
    changed = {p for p in before if p.read_bytes() != before[p]}
    for path in changed:  # surgical: same number of lines, only the constant's line differs
        old, new = before[path].decode().splitlines(), path.read_text("utf-8").splitlines()
        assert len(old) == len(new)
    assert cli.main(["fix", "--as-of", AS_OF, str(work)]) == 0  # idempotent


def test_cdk_out_findings_name_the_construct_and_library_owner(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["check", "--as-of", AS_OF, str(ROOT / "fixtures" / "sources" / "cdk_out" / "cdk.out")])
    out = capsys.readouterr().out
    assert "(construct AppStack/Api/Handler)" in out
    assert "created by BucketDeployment of aws-cdk-lib/aws-s3-deployment" in out
    assert "created by LogRetention of aws-cdk-lib/aws-logs" in out
    assert out.count("upgrade aws-cdk-lib, not this code") == 2
    cli.main(["report", "--as-of", AS_OF, "--format", "json", str(ROOT / "fixtures" / "sources" / "cdk_out")])
    report = capsys.readouterr().out
    assert "construct AppStack/Api/Handler" in report and "upgrade aws-cdk-lib" in report


_LANGUAGE_FILES = ["a.ts", "a.js", "a.py", "A.java", "A.cs", "a.go"]
_FRAGMENTS = st.sampled_from(
    [
        "aws-cdk-lib/aws-lambda",
        "aws_cdk.aws_lambda",
        "awscdk/awslambda",
        "new lambda.Function(this, 'F', {runtime: lambda.Runtime.PYTHON_3_8",
        "_lambda.Function(self, 'F', runtime=",
        'Function.Builder.create(this, "F").runtime(Runtime.JAVA_8)',
        "new FunctionProps { Runtime = Runtime.DOTNET_6 ",
        'awslambda.NewFunction(s, jsii.String("F"), &awslambda.FunctionProps{Runtime: awslambda.Runtime_GO_1_X()',
        "RuntimeManagementMode.manual(",
        "[",
        "{",
        ")",
        '"',
        "'",
        "x = y\n",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from(_LANGUAGE_FILES),
    parts=st.lists(st.one_of(_FRAGMENTS, st.text(max_size=20)), max_size=12),
)
def test_reader_never_raises_on_arbitrary_text(name: str, parts: list[str]) -> None:
    source = ("cdk " + "".join(parts)).encode("utf-8", "surrogatepass")
    kind, subjects, _ = cdk.load(name, source)
    assert kind in ("", "cdk") and all(s.resource for s in subjects)


def test_cdk_data_stamp_is_current() -> None:
    """Run ``python -c "from lambda_runtime_rules.sources import cdk_data; cdk_data.write_stamp()"`` after editing
    cdk.json."""
    cdk_data.validate()
    stamp = json.loads((ROOT / "rules_data" / cdk_data.STAMP_FILE).read_text(encoding="utf-8"))
    assert stamp["sha256"] == cdk_data.fingerprint()


def test_typescript_spreads_and_shorthand_props_are_followed() -> None:
    source = b"""import * as lambda from 'aws-cdk-lib/aws-lambda';
const defaults = { runtime: lambda.Runtime.PYTHON_3_8, handler: 'a.b' };
const runtime = lambda.Runtime.NODEJS_14_X;
new lambda.Function(this, 'A', { ...defaults, code: x });
new lambda.Function(this, 'B', { ...defaults, runtime });
new lambda.Function(this, 'C', { runtime: lambda.Runtime.PYTHON_3_8, ...unknown });
"""
    _, subjects, _ = cdk.load("stack.ts", source)
    found = {s.resource: [(v.value, v.line) for v in s.runtimes] for s in subjects}
    # an unknown spread may override what is written before it: nothing is guessed
    assert found == {"A": [("python3.8", 2)], "B": [("nodejs14.x", 3)], "C": []}


def test_library_singleton_known_by_logical_id_without_path_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["check", "--as-of", AS_OF, str(ROOT / "fixtures" / "sources" / "cdk_out" / "no_path_metadata")])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("(created by LogRetention of aws-cdk-lib/aws-logs: upgrade aws-cdk-lib, not this code)")
    assert "aws-cdk-lib" not in lines[1]  # the user's own function


def test_docker_image_function_assets_are_judged_by_their_dockerfile(capsys: pytest.CaptureFixture[str]) -> None:
    """``DockerImageCode.fromImageAsset`` (TypeScript ``path.join(__dirname, ...)``, a directory relative to the
    app's cdk.json, Python ``os.path.join(os.path.dirname(__file__), ...)`` with ``file=``/``target=``): the base
    image of the Dockerfile is judged under the construct's ID, once, also when the folder scan finds the
    Dockerfiles; a build argument written in the source is reported where it is written; a computed
    directory stays unresolved (issue 10)."""
    code = cli.main(["check", "--as-of", AS_OF, "--format", "json", "--fail-on", "never", str(FIXTURES / "images")])
    assert code == 0
    base = FIXTURES / "images"
    found = sorted((f["rule"], f["resource"], Path(f["file"]).resolve().relative_to(base).as_posix(), f["line"],
                    f["column"]) for f in json.loads(capsys.readouterr().out))
    assert found == [
        ("WL1003", "Plain", "images/Dockerfile", 1, 35),  # relative to the folder of cdk.json
        ("WL1003", "PyWorker", "docker/worker/Dockerfile.worker", 2, 35),  # target=runtime: the first stage
        ("WL1003", "Worker", "lib/stack.ts", 10, 26),  # buildArgs PY: '3.8' over the ARG default 3.12
    ]
    _, subjects, _ = cdk.load(str(FIXTURES / "images" / "lib" / "stack.ts"))
    by_id = {s.resource: s for s in subjects}
    assert by_id["Clean"].built_from.endswith("docker/clean/Dockerfile") and by_id["Clean"].base_images
    assert (by_id["Computed"].built_from, by_id["Computed"].base_images) == ("", ())


def test_asset_directories_are_resolved_only_from_literals(tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text("{}", encoding="utf-8")
    (tmp_path / "lib").mkdir()
    source = tmp_path / "lib" / "s.ts"
    here = cdk._Here(False)
    assert cdk._directory(cdk._Str("img", None), str(source)) == str(tmp_path / "img")
    assert cdk._directory(here, str(source)) == str(tmp_path / "lib")
    assert cdk._directory(cdk._Call("path", "join", (here, cdk._Str("..", None), cdk._Str("d", None))),
                          str(source)) == str(tmp_path / "d")
    assert cdk._directory(cdk._Call("path", "join", (here, None)), str(source)) is None
    assert cdk._directory(cdk._Call("process", "cwd", ()), str(source)) is None
    nul = cdk._Call("DockerImageCode", "fromImageAsset", (cdk._Str("a\0b", None),))
    subject = cdk.FunctionSubject("Fn")
    assert cdk._built_from_asset(subject, nul, None, str(source)) == subject  # never raises
