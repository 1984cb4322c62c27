"""The command line itself: help text, exit codes in ``--help``, no abbreviations, suggestions (issue 14.13)."""

from __future__ import annotations

import argparse

import pytest

from lambda_runtime_rules.cli import build_parser, main


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                found.extend(_parsers(sub))
    return found


def _sub(name: str) -> argparse.ArgumentParser:
    return next(p for p in _parsers(build_parser()) if p.prog.endswith(f" {name}"))


def test_every_parser_refuses_abbreviations() -> None:
    parsers = _parsers(build_parser())
    assert len(parsers) >= 10
    assert [p.prog for p in parsers if p.allow_abbrev] == []


def test_every_check_option_has_help_and_exit_codes_are_listed() -> None:
    check = _sub("check")
    missing = [a.dest for a in check._actions if not a.help or a.help == argparse.SUPPRESS]
    assert missing == []
    text = check.format_help()
    assert "exit status:\n  0  nothing reaches --fail-on\n  1  a finding reaches --fail-on\n  2  usage error" in text


@pytest.mark.parametrize(
    ("argv", "suggestion"),
    [
        (["check", "--high", "x.yaml"], "--high-compliance"),
        (["check", "--formatt=json"], "--format"),
        (["fix", "--dry"], "--dry-run"),
        (["catalog", "list", "--formt", "json"], "--format"),
    ],
)
def test_unknown_option_exits_2_and_suggests_the_nearest(
    argv: list[str], suggestion: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"(did you mean {suggestion}?)" in err
    assert err.count("\n") == 1


def test_unknown_option_without_a_near_one_is_named_alone(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["check", "--zzz"])
    assert capsys.readouterr().err == "lambda-runtime-rules check: error: unrecognized arguments: --zzz\n"
