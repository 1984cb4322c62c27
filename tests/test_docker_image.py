"""The CLI's container image (issue 11): a static reading of the Dockerfile and .dockerignore everywhere, and a real
build and run where a Docker daemon is reachable and the base image is already on the machine (a build must not
depend on pulling from a registry the machine may not reach)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _instructions() -> list[tuple[str, str]]:
    """(KEYWORD, arguments) per instruction, continuation lines joined and comments dropped."""
    kept = [line for line in DOCKERFILE.splitlines() if not line.lstrip().startswith("#")]
    text = re.sub(r"\\\n", " ", "\n".join(kept))
    out = []
    for line in text.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            out.append((keyword.upper(), " ".join(rest.split())))
    return out


def _final_stage() -> list[tuple[str, str]]:
    steps = _instructions()
    last = max(i for i, (k, _) in enumerate(steps) if k == "FROM")
    return steps[last:]


def _base_image() -> str:
    version = next(v.split("=", 1)[1] for k, v in _instructions() if k == "ARG" and v.startswith("PYTHON_VERSION="))
    return _final_stage()[0][1].replace("${PYTHON_VERSION}", version)


def test_small_base_image_and_installs_the_extras():
    assert re.fullmatch(r"python:3\.\d+-slim", _base_image())
    builds = [v for k, v in _instructions() if k == "RUN" and "pip wheel" in v]
    assert len(builds) == 1 and '".[all]"' in builds[0]  # the checkout itself, with every extra
    installs = [v for k, v in _final_stage() if k == "RUN" and "pip install" in v]
    assert len(installs) == 1 and '"lambda-runtime-rules[all]"' in installs[0] and "--no-index" in installs[0]
    assert "--no-cache-dir" in installs[0]


def test_runs_as_a_non_root_user_with_the_cli_as_entrypoint():
    final = _final_stage()
    users = [v for k, v in final if k == "USER"]
    assert users, "the image must not run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    assert [k for k, _ in final].index("USER") > max(i for i, (k, _) in enumerate(final) if k == "RUN")
    entrypoint = [json.loads(v) for k, v in final if k == "ENTRYPOINT"]
    assert entrypoint == [list(PYPROJECT["project"]["scripts"])]  # exec form, the console script


def _pattern(text: str) -> re.Pattern[str]:
    """A .dockerignore pattern (Go's filepath.Match, plus ``**`` for any number of folders) as a regex."""
    out, i = "", 0
    while i < len(text):
        if text.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif text.startswith("**", i):
            out, i = out + ".*", i + 2
        elif text[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif text[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(text[i]), i + 1
    return re.compile(out)


def _ignored(path: str) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parent folders decides; ``!`` re-includes."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for raw in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = _pattern(line.lstrip("!").rstrip("/"))
        if any(pattern.fullmatch(prefix) for prefix in prefixes):
            ignored = not negate
    return ignored


def test_dockerignore_sends_what_the_package_is_built_from_and_nothing_else():
    setuptools = PYPROJECT["tool"]["setuptools"]
    needed = ["pyproject.toml", PYPROJECT["project"]["readme"], "lambda_runtime_rules/cli.py"]
    needed += [f"{folder}/x.json" for folder in setuptools["package-dir"].values()]
    assert [p for p in needed if _ignored(p)] == []
    for kept_out in (".venv/bin/python", ".git/HEAD", "tests/test_cli_check.py", "fixtures/report/template.yaml",
                     "lambda_runtime_rules/__pycache__/cli.cpython-312.pyc", "benchmarks/run_all.py"):  # fmt: skip
        assert _ignored(kept_out), kept_out


def _docker_usable() -> str:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker client on this machine: the image is built where Docker is available")
    info = subprocess.run([docker, "info", "--format", "{{.ServerVersion}}"], capture_output=True, text=True,
                          timeout=30)  # fmt: skip
    if info.returncode != 0:
        pytest.skip(f"the Docker daemon is not reachable ({(info.stderr.strip().splitlines() or ['?'])[-1]})")
    base = _base_image()
    found = subprocess.run([docker, "image", "inspect", base], capture_output=True, text=True, timeout=30)
    if found.returncode != 0:
        pytest.skip(f"the base image {base} is not on this machine, and a test does not pull it from a registry")
    return docker


def test_image_builds_and_runs_the_cli_as_non_root():
    docker = _docker_usable()
    tag = "lambda-runtime-rules:test"
    built = subprocess.run([docker, "build", "--pull=false", "-t", tag, str(ROOT)], capture_output=True, text=True,
                           timeout=1800)  # fmt: skip
    assert built.returncode == 0, built.stderr[-3000:]
    uid = subprocess.run([docker, "run", "--rm", "--entrypoint", "id", tag, "-u"], capture_output=True, text=True)
    assert uid.returncode == 0 and uid.stdout.strip() not in ("", "0")
    examples = ROOT / "examples"
    ran = subprocess.run(
        [docker, "run", "--rm", "--network=none", "-v", f"{examples}:/work:ro", tag, "check", "--as-of", "2026-11-23",
         "--format", "sarif", "template.yaml"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert ran.returncode == 1, ran.stderr
    assert len(json.loads(ran.stdout)["runs"][0]["results"]) == 7
