"""Our checks' lines in Checkov's in-memory DEBUG log: left out, through Checkov's own logging calls, and kept
when Checkov logs at DEBUG; every other check's lines kept; the filter never raises into Checkov."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from types import SimpleNamespace
from typing import Any

import pytest
from checkov.cloudformation.checks.resource.registry import cfn_registry
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.common.util.secrets import omit_secret_value_from_checks
from checkov.runner_filter import RunnerFilter
from hypothesis import given, settings
from hypothesis import strategies as st
from test_checkov_checks import CHECKOV_FIXTURES, CHECKS_DIR, ROOT, environment

from lambda_runtime_rules import checkov_adapter as adapter
from lambda_runtime_rules import checkov_log
from lambda_runtime_rules.rules import RULES

NAMES = [f"{spec.title} ({spec.code})" for spec in RULES]


def test_every_check_id_and_name_is_what_the_filter_knows():
    checks = [check for framework in adapter.FRAMEWORKS for check in adapter.make_checks(framework)]
    assert {check.id for check in checks} == {spec.checkov_id for spec in RULES}
    assert all(check.id.startswith(checkov_log.ID_PREFIX) for check in checks)
    assert {check.name for check in checks} == set(NAMES)


@pytest.fixture
def stream():
    """A root handler like Checkov's in-memory one (DEBUG, Checkov's format), with our filter."""
    text = io.StringIO()
    handler = logging.StreamHandler(text)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("[%(levelname)-5.5s]  %(message)s"))  # Checkov's, less the time
    handler.addFilter(checkov_log.OurCallsFilter(NAMES))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield text
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _other_check(check_id: str = "CKV2_CUSTOM_1") -> Any:
    """Another external check (no Bridgecrew ID, as ours), as Checkov's run filter and registry read one."""
    result = {"result": CheckResult.PASSED}
    return SimpleNamespace(id=check_id, bc_id=None, severity=None, name="Some other check", entity_type="x",
                           categories=[CheckCategories.GENERAL_SECURITY], run=lambda **_: result)


def _calls(check: Any, runner_filter: RunnerFilter) -> None:
    """What Checkov's scan does per check and resource: the run filter, the registry's run, the secrets mask."""
    assert runner_filter.should_run_check(check, report_type="cloudformation")
    result = cfn_registry.run_check(check, {"Runtime": "python3.12"}, "Fn", "AWS::Lambda::Function", "t.yaml", {})
    omit_secret_value_from_checks(check, result, [(1, "Runtime: python3.12")], {"Runtime": "python3.12"})


def test_our_calls_leave_no_line_and_others_keep_theirs(stream):
    ours = next(check for check in adapter.make_checks("cloudformation") if check.id == "CKV_LRR_1001")
    other = _other_check()
    runner_filter = RunnerFilter(framework=["cloudformation"])
    stream.seek(0)
    stream.truncate()
    _calls(other, runner_filter)
    kept = stream.getvalue()
    # The two unnamed lines of the run filter, its verdict, "Running check", the secrets line: all kept.
    assert "skip_severity = " in kept and "bc_check_id = None" in kept
    assert "should_run_check CKV2_CUSTOM_1: True" in kept
    assert "Running check: Some other check on file t.yaml" in kept
    assert "Secret was not saved in CKV2_CUSTOM_1" in kept
    stream.seek(0)
    stream.truncate()
    _calls(ours, runner_filter)
    assert stream.getvalue() == ""
    _calls(other, runner_filter)
    assert stream.getvalue() == kept


def test_a_run_that_names_our_checks_keeps_every_line_of_the_others(stream):
    ours = next(check for check in adapter.make_checks("cloudformation") if check.id == "CKV_LRR_1001")
    runner_filter = RunnerFilter(framework=["cloudformation"], checks=["CKV2_CUSTOM_1", "CKV_LRR_1001"],
                                 skip_checks=["CKV_LRR_1002"])
    stream.seek(0)
    stream.truncate()
    _calls(ours, runner_filter)
    assert stream.getvalue() == ""
    _calls(_other_check(), runner_filter)
    assert stream.getvalue().count("\n") == 5, stream.getvalue()  # the run filter's three, Running, Secret


def should_run_check(check_id: str) -> None:
    """Named as Checkov's run filter, with reworded lines: the filter goes by the check in the frame."""
    logging.debug("deciding: %s", "the check")
    logging.debug(f"verdict for {check_id}: run")


def test_the_run_filter_is_judged_by_its_frame_not_its_wording(stream):
    should_run_check("CKV_LRR_1001")
    assert stream.getvalue() == ""
    should_run_check("CKV_AWS_1")
    assert stream.getvalue() == "[DEBUG]  deciding: the check\n[DEBUG]  verdict for CKV_AWS_1: run\n"


def test_a_line_that_only_mentions_our_id_elsewhere_is_kept(stream):
    logging.getLogger("checkov.x").debug("skip comment for CKV_LRR_1001 found in t.yaml")
    logging.getLogger("checkov.x").warning("Running check: Lambda runtime is update-blocked (EL1001) on file t")
    assert stream.getvalue().count("\n") == 2


@settings(max_examples=300, deadline=None)
@given(
    message=st.one_of(st.text(), st.none(), st.integers(), st.sampled_from(
        ["Running check: ", "Running check: x on file y", "skip_severity = None", "bc_check_id = None, x",
         "should_run_check CKV_LRR_1001: True", "Secret was not saved in CKV_LRR_1"])),
    function=st.one_of(st.text(), st.sampled_from(["should_run_check", "run_check", "omit_secret_value_from_checks"])),
    level=st.integers(min_value=-5, max_value=60),
)
def test_the_filter_never_raises_and_says_yes_or_no(message, function, level):
    record = logging.LogRecord("checkov", level, "f.py", 1, message, None, None, func=function)
    assert checkov_log.OurCallsFilter(NAMES).filter(record) in (True, False)


def _checkov_handler() -> logging.Handler:
    from checkov.logging_init import log_stream

    return next(h for h in logging.getLogger().handlers if getattr(h, "stream", None) is log_stream)


def test_quiet_log_stream_installs_once_and_not_when_checkov_debugs(monkeypatch):
    handler = _checkov_handler()
    before = list(handler.filters)
    try:
        monkeypatch.setenv("LOG_LEVEL", "debug")
        checkov_log.quiet_log_stream(NAMES)
        assert handler.filters == before
        monkeypatch.setenv("LOG_LEVEL", "WARNING")
        checkov_log.quiet_log_stream(NAMES)
        checkov_log.quiet_log_stream(NAMES)
        added = [f for f in handler.filters if f not in before]
        assert len(added) == 1 and isinstance(added[0], checkov_log.OurCallsFilter)
    finally:
        handler.filters[:] = before


# The real CLI in one process (CHECKOV_PARALLELIZATION_TYPE=none, so every runner logs to the main stream),
# printing the per-call lines of our checks and of Checkov's own that its in-memory log holds at the end.
_SCRIPT = """
import contextlib, io, json, re, sys
from checkov.main import Checkov
from checkov.logging_init import log_stream
with contextlib.redirect_stdout(io.StringIO()) as out:
    Checkov(argv=sys.argv[1:]).run()
lines = log_stream.getvalue().splitlines()
per_call = re.compile(r"should_run_check |Running check: |Secret was not saved in ")
print(json.dumps({
    "ours": sum(1 for line in lines if per_call.search(line) and re.search(r"CKV_LRR_|\\(EL\\d+\\)", line)),
    "theirs": sum(1 for line in lines if per_call.search(line) and re.search(r"CKV2?_AWS_", line)),
    "report": json.loads(out.getvalue()),
}))
"""


def _checkov_log(**env: str) -> dict[str, Any]:
    environ = {k: v for k, v in environment().items() if k != "LOG_LEVEL"}
    environ.update({"CHECKOV_PARALLELIZATION_TYPE": "none", **env})
    args = ["-f", str(CHECKOV_FIXTURES / "cloudformation" / "template.yaml"), "--framework", "cloudformation",
            "--skip-download", "-o", "json", "--compact", "--soft-fail", "--external-checks-dir",
            str(CHECKS_DIR)]
    completed = subprocess.run([sys.executable, "-c", _SCRIPT, *args], env=environ, capture_output=True, text=True,
                               timeout=600, cwd=ROOT)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout.splitlines()[-1])


def _verdicts(report: Any) -> list[tuple[str, str, str]]:
    checks = report["results"]
    return sorted((c["check_id"], c["resource"], kind) for kind in ("passed_checks", "failed_checks")
                  for c in checks[kind] if c["check_id"].startswith("CKV_LRR_"))


def test_the_real_checkov_log_keeps_no_line_of_our_calls_unless_it_debugs():
    quiet = _checkov_log()
    debug = _checkov_log(LOG_LEVEL="DEBUG")
    assert quiet["ours"] == 0 and quiet["theirs"] > 0
    assert debug["ours"] > 0 and debug["theirs"] == quiet["theirs"]
    assert _verdicts(quiet["report"]) == _verdicts(debug["report"]) != []
