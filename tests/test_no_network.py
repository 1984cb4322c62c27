"""Offline: the CLI, the cfn-lint pack and the Checkov checks work with every network call refused.

Policy gates run in locked-down CI runners and in pre-commit hooks on planes. The CLI and cfn-lint run in
this process under a socket guard; Checkov runs as a subprocess (as users run it) with a ``sitecustomize``
that installs the same guard before Checkov imports anything, and records every attempt it refuses.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from lambda_runtime_rules.rules import RULES

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "fixtures" / "cfn_lint" / "EL1001" / "fail_update_blocked.yaml"
CHECKOV_FIXTURES = ROOT / "fixtures" / "checkov"
CHECKS_DIR = ROOT / "lambda_runtime_rules" / "checkov_checks"
AS_OF = "2026-11-23"
OURS = {rule.code for rule in RULES}
Attempts = list[tuple[object, ...]]

GUARD = '''
"""Installed by tests/test_no_network.py: refuse and record every network call."""
import os
import socket

_LOG = os.environ.get("LRR_NETWORK_LOG")


def _refuse(*args, **kwargs):
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as handle:
            handle.write("refused %r\\n" % (args[:2],))
    raise OSError("network disabled by tests/test_no_network.py")


socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
if _LOG:
    with open(_LOG, "a", encoding="utf-8") as handle:
        handle.write("guard loaded\\n")
'''


class NetworkAttempt(OSError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[Attempts]:
    """Every connect / DNS lookup raises; the attempts are returned for the test to inspect."""
    attempts: list[tuple[object, ...]] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args[:2])
        raise NetworkAttempt("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for name in [n for n in os.environ if n.startswith("LAMBDA_RUNTIME_RULES_") and not n.endswith("_CACHE_DIR")]:
        monkeypatch.delenv(name)
    yield attempts


def test_the_guard_bites(no_network: Attempts) -> None:
    with pytest.raises(OSError):
        socket.create_connection(("pypi.org", 443), timeout=1)
    with pytest.raises(OSError):
        socket.getaddrinfo("aws.amazon.com", 443)
    assert len(no_network) == 2


def test_cli_check_offline(no_network: Attempts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lambda_runtime_rules.cli import main

    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["check", str(TEMPLATE), "--as-of", AS_OF, "--format", "json"])
    assert code == 1, out.getvalue()
    text = out.getvalue()
    records = json.loads(text)
    findings = records["findings"] if isinstance(records, dict) else records
    assert any(f["rule"] == "EL1001" for f in findings), text
    assert no_network == []


def test_cfn_lint_pack_offline(no_network: Attempts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    monkeypatch.chdir(tmp_path)
    args = [
        "--append-rules=lambda_runtime_rules.cfn_lint",
        "--configure-rule",
        f"EL1001:as_of={AS_OF}",
        "--regions",
        "us-east-1",
        "--",
        str(TEMPLATE),
    ]
    matches = list(Runner(ConfigMixIn(args)).run())
    ours = [m for m in matches if m.rule.id in OURS]
    assert [m.rule.id for m in ours] == ["EL1001"], matches
    assert not [m for m in matches if m.rule.id.startswith("E0")], matches
    assert no_network == []


def test_checkov_checks_offline(tmp_path: Path) -> None:
    (tmp_path / "guard").mkdir()
    (tmp_path / "guard" / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    log = tmp_path / "network.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_") or k.endswith("_CACHE_DIR")}
    env.update(
        {
            "PYTHONPATH": os.pathsep.join([str(tmp_path / "guard"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            "LRR_NETWORK_LOG": str(log),
            "BC_SKIP_MAPPING": "TRUE",
            "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
            "LAMBDA_RUNTIME_RULES_AS_OF": AS_OF,
            "LAMBDA_RUNTIME_RULES_CONFIG": str(CHECKOV_FIXTURES / "lambda-runtime-rules.yaml"),
        }
    )
    checkov = Path(sys.executable).with_name("checkov")
    command = [
        str(checkov) if checkov.is_file() else "checkov",
        "-d", str(CHECKOV_FIXTURES),
        "--framework", "cloudformation", "terraform", "serverless",
        "--skip-download",
        "--external-checks-dir", str(CHECKS_DIR),
        "--check", ",".join(rule.checkov_id for rule in RULES),
        "-o", "json", "--compact",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False)
    lines = log.read_text(encoding="utf-8").splitlines() if log.is_file() else []
    assert "guard loaded" in lines, f"sitecustomize was not imported: {done.stderr[-2000:]}"
    assert done.returncode == 1, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    data = json.loads(done.stdout)
    reports = data if isinstance(data, list) else [data]
    failed = {(r["check_type"], rec["check_id"]) for r in reports for rec in r["results"]["failed_checks"]}
    assert {t for t, _ in failed} == {"cloudformation", "terraform", "serverless"}, failed
    # Refused attempts are allowed (Checkov may try and fall back), but none may be needed for the result.
    refused = [line for line in lines if line.startswith("refused")]
    assert len(refused) <= 5, refused
