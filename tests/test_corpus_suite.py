"""The corpus suite: the CLI engine, the cfn-lint pack and the Checkov checks on 534 real public files.

What it proves, per the corpus issue:

- nothing raises and nothing prints a traceback, in any of the three;
- every file is either checked or refused with a one-line reason that names it;
- where all three see a file, they agree on (resource, rule) — and the CLI and cfn-lint on the line too;
- the CLI's findings equal the reviewed snapshot ``fixtures/snapshots/corpus.json``. Only
  ``python scripts/snapshot_corpus.py`` rewrites it, so a change in verdicts is a reviewed diff.

Host behaviours that make a host see less than the CLI are not disagreements, and are checked as such:
cfn-lint and Checkov refuse templates with duplicate mapping keys (the CLI's loader keeps the last one, as
CloudFormation's YAML parser does), and Checkov evaluates resource ``Condition``s against parameter defaults and
drops resources whose condition is false. Checkov's resource names are normalised (``Type.Name`` for
CloudFormation, ``name[0]`` for Terraform ``count``, no ``functions.`` prefix for Serverless).

Slow by nature (cfn-lint and Checkov each take about a minute on the corpus); the corpus itself is optional
locally (``corpus_dir`` skips with the reason) and required on CI.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from lambda_runtime_rules.catalog import default_catalog
from lambda_runtime_rules.rules import BY_CHECKOV_ID, RULES
from lambda_runtime_rules.scan import FileResult, scan_file
from lambda_runtime_rules.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "fixtures" / "snapshots" / "corpus.json"
CHECKS_DIR = ROOT / "lambda_runtime_rules" / "checkov_checks"
AS_OF = "2026-11-23"
CFN_KINDS = {"sam", "cfn-yaml", "cfn-json", "cdk"}
EXPECTED_KIND = {**dict.fromkeys(CFN_KINDS, "cloudformation"), "terraform": "terraform", "serverless": "serverless"}
OUR_CODES = {rule.code for rule in RULES}

Triple = tuple[str, str, str]  # (corpus-relative file, resource, rule code)

# Disagreements that are bugs of a host adapter, reported and awaiting a fix there; kept out of the parity
# assertion so the rest of the corpus stays guarded. Remove an entry once the adapter is fixed.
KNOWN_CHECKOV_DIVERGENCES: dict[Triple, str] = {}


# --- running the three ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def manifest(corpus_dir: Path) -> list[dict[str, str]]:
    with open(corpus_dir / "MANIFEST.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) > 500, "the corpus manifest lists fewer files than expected"
    return rows


@pytest.fixture(scope="module")
def cli(corpus_dir: Path, manifest: list[dict[str, str]]) -> dict[str, FileResult | BaseException]:
    """The CLI engine path per corpus file: scan_file with a pinned date and the bundled catalog."""
    settings = Settings(as_of=dt.date.fromisoformat(AS_OF))
    catalog = default_catalog()
    results: dict[str, FileResult | BaseException] = {}
    for row in manifest:
        try:
            results[row["local_path"]] = scan_file(corpus_dir / row["local_path"], settings, catalog)
        except Exception as exc:  # recorded, asserted on below with the file's name
            results[row["local_path"]] = exc
    return results


@pytest.fixture(scope="module")
def cfn_lint(
    corpus_dir: Path, manifest: list[dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[Any]]:
    """cfn-lint 1.x in process, every built-in rule plus the pack, on every CloudFormation/SAM/CDK file."""
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    files = [str(corpus_dir / row["local_path"]) for row in manifest if row["kind"] in CFN_KINDS]
    args = [
        "--append-rules=lambda_runtime_rules.cfn_lint",
        "--configure-rule",
        f"EL1001:as_of={AS_OF}",
        "--regions",
        "us-east-1",
        "--",
        *files,
    ]
    saved_cwd, saved_env = os.getcwd(), dict(os.environ)
    os.chdir(tmp_path_factory.mktemp("cfn-lint"))  # no .cfnlintrc / .lambda-runtime-rules.yaml from here
    for name in [n for n in os.environ if n.startswith("LAMBDA_RUNTIME_RULES_") and not n.endswith("_CACHE_DIR")]:
        del os.environ[name]
    try:
        matches = list(Runner(ConfigMixIn(args)).run())
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    relative = {f: Path(f).relative_to(corpus_dir).as_posix() for f in files}
    by_file: dict[str, list[Any]] = {name: [] for name in relative.values()}
    for match in matches:
        by_file[relative[str(match.filename)]].append(match)
    return by_file


def _checkov_executable() -> str:
    script = Path(sys.executable).with_name("checkov")
    return str(script) if script.is_file() else "checkov"


@pytest.fixture(scope="module")
def checkov(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One Checkov run over the whole corpus, offline, with only our checks; its reports and stderr.

    Run from another folder (``checkov -d CORPUS``): the checks must find the original files from Checkov's
    scan-root-relative paths, not from the working directory.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_") or k.endswith("_CACHE_DIR")}
    env.update(
        {
            "BC_SKIP_MAPPING": "TRUE",
            "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
            "LAMBDA_RUNTIME_RULES_AS_OF": AS_OF,
        }
    )
    ids = ",".join(rule.checkov_id for rule in RULES)
    command = [
        _checkov_executable(), "-d", str(corpus_dir), "--framework", "cloudformation", "terraform", "serverless",
        "--skip-download", "--external-checks-dir", str(CHECKS_DIR), "--check", ids, "-o", "json", "--compact",
    ]
    completed = subprocess.run(
        command, cwd=tmp_path_factory.mktemp("elsewhere"), env=env, capture_output=True, text=True, timeout=1800,
        check=False,
    )
    out = completed.stdout.strip()
    data = json.loads(out) if out.startswith(("[", "{")) else []
    reports = [r for r in (data if isinstance(data, list) else [data]) if isinstance(r, dict) and "results" in r]
    return {"returncode": completed.returncode, "stderr": completed.stderr, "reports": reports}


# --- names, normalised -----------------------------------------------------------------------------------------


def _checkov_resource(check_type: str, resource: str) -> str:
    if check_type == "cloudformation":
        return resource.split(".", 1)[1] if "." in resource else resource
    if check_type == "terraform":
        resource = re.sub(r"^(module\.[^.]+(\[[^\]]*\])?\.)+", "", resource)  # module.m[0].aws_x.y -> aws_x.y
        return re.sub(r"\[[^\]]*\]$", "", resource)  # count / for_each instance -> the resource block
    return resource


def _cli_resource(kind: str, resource: str) -> str:
    if kind == "serverless":
        return re.sub(r"^(functions|layers)\.", "", resource)
    return resource


def _relative(corpus_dir: Path, reported: str) -> str:
    path = Path(reported.lstrip("/")) if not Path(reported).is_file() else Path(reported)
    full = path if path.is_absolute() else corpus_dir / path
    return full.resolve().relative_to(corpus_dir.resolve()).as_posix()


def _cli_triples(cli: dict[str, FileResult | BaseException]) -> dict[str, set[Triple]]:
    out: dict[str, set[Triple]] = defaultdict(set)
    for file, result in cli.items():
        if isinstance(result, FileResult):
            for finding in result.findings:
                out[file].add((file, _cli_resource(result.kind, finding.resource), finding.rule))
    return out


# --- no exception, no traceback; checked or refused ------------------------------------------------------------


def test_cli_checks_or_refuses_every_file_with_one_line(
    cli: dict[str, FileResult | BaseException], manifest: list[dict[str, str]]
) -> None:
    raised = {file: repr(result) for file, result in cli.items() if isinstance(result, BaseException)}
    assert not raised, f"scan_file raised on {len(raised)} files: {raised}"
    problems = []
    for row in manifest:
        result = cli[row["local_path"]]
        assert isinstance(result, FileResult)
        if result.error:
            reason = result.error.split(": ", 1)[1] if ": " in result.error else ""
            if "\n" in result.error or not result.error.startswith(result.path) or not reason.strip():
                problems.append(f"unclear refusal: {result.error!r}")
            if "Traceback" in result.error or "internal error" in result.error:
                problems.append(f"crash reported as refusal: {result.error!r}")
        elif result.kind != EXPECTED_KIND[row["kind"]]:
            problems.append(f"{row['local_path']}: manifest kind {row['kind']}, checked as {result.kind or 'nothing'}")
    assert not problems, "\n".join(problems)
    refused = [r for r in cli.values() if isinstance(r, FileResult) and r.error]
    # The corpus holds single files, not their repositories: a Serverless include or the Dockerfile an image
    # function is built from is often not there. Each such line must name a file that really is missing.
    missing = [r for r in refused if _names_a_missing_file(r)]
    intrinsic = [r.error for r in refused if r not in missing]
    assert len(intrinsic) <= 5, f"too many refusals ({len(intrinsic)}): {intrinsic}"


def _names_a_missing_file(result: FileResult) -> bool:
    words = [w.rstrip(":") for w in result.error.split() if not w.startswith(result.path)]
    named = [Path(w) for w in words if w.startswith("/") and "/shared/corpus/" in w]
    return ("cannot read" in result.error) and any(not p.exists() for p in named)


def test_cfn_lint_pack_never_crashes_and_reads_or_refuses_every_file(cfn_lint: dict[str, list[Any]]) -> None:
    problems = []
    for file, matches in cfn_lint.items():
        for match in matches:
            rule_id = match.rule.id
            if rule_id == "E0002" and any(code in match.message for code in OUR_CODES):
                problems.append(f"{file}: our rule raised: {match.message}")
            if rule_id in OUR_CODES and ("internal error" in match.message or "Traceback" in match.message):
                problems.append(f"{file}: {rule_id}: {match.message}")
            if rule_id == "E0000" and (not match.message.strip() or "\n" in match.message.strip()):
                problems.append(f"{file}: unclear parse refusal {match.message!r}")
    assert not problems, "\n".join(problems)


def test_checkov_never_crashes(checkov: dict[str, Any]) -> None:
    stderr = checkov["stderr"]
    assert checkov["returncode"] in (0, 1), f"checkov exit {checkov['returncode']}: {stderr[-3000:]}"
    assert "Traceback" not in stderr, stderr[stderr.index("Traceback") - 2000 : stderr.index("Traceback") + 3000]
    ours = [line for line in stderr.splitlines() if "lambda-runtime-rules" in line]
    assert not ours, "\n".join(ours)
    assert {r["check_type"] for r in checkov["reports"]} == {"cloudformation", "terraform", "serverless"}
    ran = {rec["check_id"] for r in checkov["reports"] for key in ("passed_checks", "failed_checks")
           for rec in r["results"][key]}
    assert ran >= {"CKV_LRR_1001", "CKV_LRR_1002", "CKV_LRR_1003", "CKV_LRR_3001", "CKV_LRR_4001"}


# --- the three agree -------------------------------------------------------------------------------------------


def test_cli_and_cfn_lint_agree_on_every_template_both_read(
    cli: dict[str, FileResult | BaseException], cfn_lint: dict[str, list[Any]]
) -> None:
    """Same (resource, rule, line), wherever cfn-lint parsed the file (no E0000) and the CLI checked it."""
    disagreements, compared = [], 0
    for file, matches in cfn_lint.items():
        result = cli[file]
        if not isinstance(result, FileResult) or result.error or any(m.rule.id == "E0000" for m in matches):
            continue
        compared += 1
        ours = {(f.resource, f.rule, f.line) for f in result.findings}
        theirs = set()
        for match in matches:
            if match.rule.id in OUR_CODES:
                path = getattr(match, "path", None) or []
                theirs.add((str(path[1]) if len(path) > 1 else "", match.rule.id, match.linenumber))
        for item in sorted(ours - theirs):
            disagreements.append(f"{file}: CLI only {item}")
        for item in sorted(theirs - ours):
            disagreements.append(f"{file}: cfn-lint only {item}")
    assert compared > 350
    assert not disagreements, "\n".join(disagreements)


def test_cli_and_checkov_agree_wherever_checkov_sees_the_resource(
    corpus_dir: Path, cli: dict[str, FileResult | BaseException], checkov: dict[str, Any]
) -> None:
    refused_by_checkov = set()
    seen: dict[str, set[str]] = defaultdict(set)  # file -> resources Checkov evaluated (any verdict)
    failed: dict[str, set[Triple]] = defaultdict(set)
    for report in checkov["reports"]:
        check_type = report["check_type"]
        for path in report["results"].get("parsing_errors", []):
            refused_by_checkov.add(_relative(corpus_dir, path))
        for key in ("passed_checks", "failed_checks"):
            for record in report["results"][key]:
                file = _relative(corpus_dir, record["file_path"])
                resource = _checkov_resource(check_type, record["resource"])
                seen[file].add(resource)
                if key == "failed_checks":
                    failed[file].add((file, resource, BY_CHECKOV_ID[record["check_id"]].code))
    cli_triples = _cli_triples(cli)
    disagreements, compared = [], 0
    for file, result in cli.items():
        if not isinstance(result, FileResult) or result.error or file in refused_by_checkov:
            continue
        compared += 1
        ours = {t for t in cli_triples.get(file, set()) if t not in KNOWN_CHECKOV_DIVERGENCES}
        theirs = {t for t in failed.get(file, set()) if t not in KNOWN_CHECKOV_DIVERGENCES}
        for triple in sorted(theirs - ours):
            disagreements.append(f"Checkov only: {triple}")
        conditional = _conditional_resources(result)
        for triple in sorted(ours - theirs):
            if triple[1] in seen.get(file, set()):
                disagreements.append(f"CLI only (Checkov evaluated the resource): {triple}")
            elif triple[1] not in conditional:
                disagreements.append(f"CLI only (Checkov never evaluated the resource): {triple}")
    assert compared > 450
    assert not disagreements, "\n".join(disagreements)


def _conditional_resources(result: FileResult) -> set[str]:
    """Resources with a CloudFormation ``Condition`` (Checkov drops those whose condition is false by default)."""
    if result.kind != "cloudformation":
        return set()
    from lambda_runtime_rules.loader import load_file

    document = load_file(Path(result.path))
    resources = document.get("Resources") if isinstance(document, dict) else None
    if not isinstance(resources, dict):
        return set()
    return {str(name) for name, body in resources.items() if isinstance(body, dict) and "Condition" in body}


def test_duplicate_keys_are_the_only_files_hosts_refuse_that_the_cli_reads(
    cli: dict[str, FileResult | BaseException], cfn_lint: dict[str, list[Any]]
) -> None:
    """A template cfn-lint refuses but the CLI checks must be one with duplicate keys, nothing else."""
    for file, matches in cfn_lint.items():
        result = cli[file]
        refusals = [m.message for m in matches if m.rule.id == "E0000"]
        if refusals and isinstance(result, FileResult) and not result.error:
            assert all("Duplicate" in message for message in refusals), (file, refusals)


# --- the snapshot ----------------------------------------------------------------------------------------------


def test_cli_findings_match_the_reviewed_snapshot(cli: dict[str, FileResult | BaseException]) -> None:
    records = sorted(
        (
            {"file": file, "line": f.line, "rule": f.rule, "resource": f.resource}
            for file, result in cli.items()
            if isinstance(result, FileResult)
            for f in result.findings
        ),
        key=lambda r: (r["file"], r["line"], r["rule"], r["resource"]),
    )
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    if records != snapshot:
        current = {json.dumps(r, sort_keys=True) for r in records}
        committed = {json.dumps(r, sort_keys=True) for r in snapshot}
        lines = [f"+ {r}" for r in sorted(current - committed)[:20]]
        lines += [f"- {r}" for r in sorted(committed - current)[:20]]
        pytest.fail(
            "CLI findings differ from fixtures/snapshots/corpus.json (+ new, - gone). If the change is intended, "
            "review it and run: python scripts/snapshot_corpus.py\n" + "\n".join(lines)
        )
