"""The pure engine over a small synthetic catalog with made-up dates: every policy at its boundaries."""

from __future__ import annotations

import datetime as dt
import difflib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_runtime_rules import catalog as catalog_mod
from lambda_runtime_rules import engine
from lambda_runtime_rules.model import FunctionSubject, LayerSubject, Value
from lambda_runtime_rules.settings import Exemption, Settings

D = dt.date


def _entry(identifier, version, os, deprecated=None, create=None, update=None, successor=None, **extra):
    entry = {
        "identifier": identifier,
        "name": identifier.title(),
        "family": "lang",
        "version": version,
        "os": os,
        "architectures": ["x86_64"] if os == "amazon-linux" else ["x86_64", "arm64"],
        "package_types": ["Zip", "Image"],
        "deprecated": deprecated,
        "block_create": create,
        "block_update": update,
        "successor": successor,
        "sources": ["synthetic"],
    }
    entry.update(extra)
    return entry


SYNTHETIC = {
    "reviewed": "2030-01-01",
    "timezone": "America/Los_Angeles",
    "runtimes": [
        _entry("lang1", "1", "amazon-linux", "2030-01-10", "2030-02-10", "2030-03-10", "lang4"),
        _entry("lang2", "2", "amazon-linux-2", "2030-06-01", "2030-07-01", "2030-08-01", "lang4"),
        _entry("lang3", "3", "amazon-linux-2023", "2031-06-01", "2031-07-01", "2031-08-01", "lang4"),
        _entry("lang4", "4", "amazon-linux-2023", "2033-06-01", "2033-07-01", "2033-08-01"),
        _entry("lang5", "5", "amazon-linux-2023", preview=True),
        _entry("lang10", "10", "amazon-linux-2023", package_types=["Image"]),
        _entry("old", "0.1", "amazon-linux", "2030-03-01", "2030-02-01", "2030-03-01", "lang4"),
        _entry("pseudo", "0", None, managed=False, architectures=[]),
    ],
}


@pytest.fixture(scope="module")
def cat() -> catalog_mod.Catalog:
    return catalog_mod.build(SYNTHETIC, "synthetic")


def fn(runtime="lang1", arch=(), mode=(), arns=(), resource="Fn", file="t.yaml"):
    return FunctionSubject(
        resource,
        runtimes=(Value(runtime, 5, 7),) if runtime is not None else (),
        architectures=tuple(Value(a, 6, 9) for a in arch),
        update_modes=tuple(Value(m, 8, 11) for m in mode),
        runtime_version_arns=tuple(Value(a, 9, 11) for a in arns),
        line=4,
        file=file,
    )


def codes(findings):
    return [f.rule for f in findings]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (D(2029, 9, 11), []),  # 121 days before deprecation: outside the 120-day window
        (D(2029, 9, 12), ["WL1004"]),  # exactly 120 days before
        (D(2030, 1, 9), ["WL1004"]),  # the day before deprecation
        (D(2030, 1, 10), ["WL1003"]),  # the day of deprecation
        (D(2030, 2, 9), ["WL1003"]),
        (D(2030, 2, 10), ["EL1002"]),  # block create starts at midnight Pacific on the date
        (D(2030, 3, 9), ["EL1002"]),
        (D(2030, 3, 10), ["EL1001"]),
        (D(2040, 1, 1), ["EL1001"]),
    ],
)
def test_lifecycle_boundaries(cat, as_of, expected):
    assert codes(engine.evaluate(fn(), Settings(as_of=as_of), cat)) == expected


def test_warn_days_zero_disables_the_window(cat):
    assert engine.evaluate(fn(), Settings(as_of=D(2030, 1, 9), warn_days=0), cat) == []


def test_create_block_before_deprecation_is_one_finding_for_the_most_advanced_phase(cat):
    # "old" was create-blocked (2030-02-01) before its deprecation date (2030-03-01), as pre-2021 runtimes were.
    assert codes(engine.evaluate(fn("old"), Settings(as_of=D(2030, 2, 15)), cat)) == ["EL1002"]
    assert codes(engine.evaluate(fn("old"), Settings(as_of=D(2030, 3, 1)), cat)) == ["EL1001"]


def test_finding_position_and_message(cat):
    (finding,) = engine.evaluate(fn(), Settings(as_of=D(2030, 3, 10)), cat)
    assert (finding.rule, finding.resource, finding.line, finding.column, finding.file) == (
        "EL1001", "Fn", 5, 7, "t.yaml",
    )
    assert "lang1" in finding.message and "2030-03-10" in finding.message
    # minimal safe upgrade: lang2 is deprecated within 120 days of 2030-03-10, lang3 is not; successor lang4
    assert "upgrade to lang3 (minimal safe upgrade) or lang4 (successor)" in finding.message
    assert "None" not in finding.message


def test_minimal_upgrade_skips_preview_and_container_only(cat):
    lang3 = cat.get("lang3")
    assert engine.minimal_upgrade(lang3, cat, D(2031, 3, 1), 120).identifier == "lang4"
    assert engine.latest_upgrade(cat.get("lang1"), cat, D(2030, 1, 1)).identifier == "lang4"
    assert engine.minimal_upgrade(cat.get("lang4"), cat, D(2033, 6, 1), 120) is None


def test_no_successor_message_never_says_none(cat):
    (finding,) = engine.evaluate(fn("lang4"), Settings(as_of=D(2033, 8, 1)), cat)
    assert finding.rule == "EL1001" and "None" not in finding.message
    assert "no supported successor" in finding.message


def test_unknown_preview_and_pseudo(cat):
    (finding,) = engine.evaluate(fn("lang9"), Settings(as_of=D(2030, 1, 1)), cat)
    assert finding.rule == "WL1005" and "2030-01-01" in finding.message  # names the reviewed date
    assert engine.evaluate(fn("lang5"), Settings(as_of=D(2040, 1, 1)), cat) == []
    assert engine.evaluate(fn("pseudo"), Settings(as_of=D(2040, 1, 1)), cat) == []


def test_non_string_values_are_ignored(cat):
    subject = FunctionSubject("Fn", runtimes=(Value(None), Value(3), Value(["lang1"]), Value({"Ref": "X"})))
    assert engine.evaluate(subject, Settings(as_of=D(2040, 1, 1)), cat) == []


def test_architecture(cat):
    findings = engine.evaluate(fn("lang1", arch=("arm64",)), Settings(as_of=D(2029, 1, 1)), cat)
    assert [(f.rule, f.line) for f in findings] == [("EL2001", 6)]
    assert engine.evaluate(fn("lang2", arch=("arm64", "x86_64")), Settings(as_of=D(2029, 1, 1)), cat) == []
    assert engine.evaluate(fn("lang1", arch=("sparc",)), Settings(as_of=D(2029, 1, 1)), cat) == []


ARN = "arn:aws:lambda:eu-west-1::runtime:" + "ab" * 32


@pytest.mark.parametrize(
    ("mode", "arns", "high", "allow_fu", "expected"),
    [
        ("Auto", (), False, True, []),
        ("Auto", (), True, True, []),
        ("Manual", (ARN,), False, True, ["WL3002"]),
        ("Manual", (ARN,), True, True, ["EL3001"]),
        ("Manual", (), False, True, ["WL3002", "EL3003"]),
        ("FunctionUpdate", (), True, True, []),
        ("FunctionUpdate", (), True, False, ["EL3001"]),
        ("FunctionUpdate", (), False, False, []),
        ("Auto", (ARN,), False, True, ["EL3003"]),
        ("Manual", ("arn:aws:lambda:eu-west-1::runtime:abc",), False, True, ["WL3002", "EL3003"]),
        ("Manual", ("arn:aws-cn:lambda:cn-north-1::runtime:" + "0" * 64,), False, True, ["WL3002"]),
    ],
)
def test_update_modes(cat, mode, arns, high, allow_fu, expected):
    settings = Settings(as_of=D(2029, 1, 1), high_compliance=high, allow_function_update=allow_fu)
    assert codes(engine.evaluate(fn("lang3", mode=(mode,), arns=arns), settings, cat)) == expected


def test_manual_with_unresolved_arn_is_not_missing(cat):
    subject = FunctionSubject("Fn", update_modes=(Value("Manual", 8),), runtime_version_arns=(Value({"Ref": "A"}),))
    assert codes(engine.evaluate(subject, Settings(as_of=D(2029, 1, 1)), cat)) == ["WL3002"]


@pytest.mark.parametrize(
    ("as_of", "expected", "expired_note"),
    [
        (D(2029, 12, 31), [], False),  # the day before expiry: still covered
        (D(2030, 1, 1), ["EL3001"], True),  # expiry starts at midnight on the date
    ],
)
def test_exceptions_expire(cat, as_of, expected, expired_note):
    exemption = Exemption("Fn", "EL3001", D(2030, 1, 1), "rollback INC-1")
    settings = Settings(as_of=as_of, high_compliance=True, exceptions=(exemption,))
    findings = engine.evaluate(fn("lang4", mode=("Manual",), arns=(ARN,)), settings, cat)
    assert codes(findings) == expected
    if expired_note:
        assert "expired on 2030-01-01" in findings[0].message


def test_exception_scoped_by_resource_and_file_glob(cat):
    exemption = Exemption("Fn", "EL3001", D(2031, 1, 1), "why", file="stacks/*.yaml")
    settings = Settings(as_of=D(2030, 1, 1), high_compliance=True, exceptions=(exemption,))
    subject = fn("lang4", mode=("Manual",), arns=(ARN,), file="repo/stacks/app.yaml")
    assert engine.evaluate(subject, settings, cat) == []
    other = fn("lang4", mode=("Manual",), arns=(ARN,), file="repo/other/app.yaml")
    assert codes(engine.evaluate(other, settings, cat)) == ["EL3001"]
    other_resource = fn("lang4", mode=("Manual",), arns=(ARN,), resource="Other", file="repo/stacks/app.yaml")
    assert codes(engine.evaluate(other_resource, settings, cat)) == ["EL3001"]


def layer(runtimes=(), arches=()):
    return LayerSubject(
        "Layer",
        compatible_runtimes=tuple(Value(r, 10 + i, 9) for i, r in enumerate(runtimes)),
        compatible_architectures=tuple(Value(a, 20 + i, 9) for i, a in enumerate(arches)),
        line=3,
    )


def test_layers(cat):
    settings = Settings(as_of=D(2030, 1, 10))
    findings = engine.evaluate(layer(("lang1", "lang3", "nope"), ("x86_64", "arm64")), settings, cat)
    assert [(f.rule, f.line) for f in findings] == [("WL4001", 10), ("WL1005", 12), ("EL4002", 21)]
    assert "lang1" in findings[2].message
    assert engine.evaluate(layer(("lang3",), ("arm64",)), settings, cat) == []


def test_phase_and_next_phase(cat):
    lang1 = cat.get("lang1")
    assert engine.phase(lang1, D(2030, 1, 9)) is engine.Phase.SUPPORTED
    assert engine.next_phase(lang1, D(2030, 1, 9)) == (engine.Phase.DEPRECATED, D(2030, 1, 10))
    assert engine.next_phase(lang1, D(2030, 3, 10)) is None


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    | st.sampled_from(["lang1", "lang5", "pseudo", "arm64", "x86_64", "Manual", "Auto", "FunctionUpdate", ARN]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
value_tuples = st.lists(st.builds(Value, values, st.integers(0, 10**6), st.integers(0, 500), st.text(max_size=10)),
                        max_size=4).map(tuple)


@settings(max_examples=300, deadline=None)
@given(
    runtimes=value_tuples, arches=value_tuples, modes=value_tuples, arns=value_tuples,
    as_of=st.dates(), warn=st.integers(0, 10**5), high=st.booleans(), allow=st.booleans(),
)
def test_engine_never_raises(cat, runtimes, arches, modes, arns, as_of, warn, high, allow):
    settings = Settings(as_of=as_of, warn_days=warn, high_compliance=high, allow_function_update=allow)
    for findings in (
        engine.evaluate(FunctionSubject("F", runtimes, arches, modes, arns), settings, cat),
        engine.evaluate(LayerSubject("L", runtimes, arches), settings, cat),
    ):
        for finding in findings:
            assert finding.rule and "None" not in finding.message.replace("'None'", "")


def test_huge_window_near_the_end_of_time(cat):
    settings = Settings(as_of=D(9999, 12, 1), warn_days=10**6)
    assert codes(engine.evaluate(fn("lang1"), settings, cat)) == ["EL1001"]


def test_messages_stay_on_one_line(cat):
    """Found by the scheduled fuzz run: a logical ID with a newline, named in an inherited value's message."""
    subject = FunctionSubject("A\nB", runtimes=(Value("lang9", 3, 1, "inherited from Globals by A\nB"),))
    (finding,) = engine.evaluate(subject, Settings(as_of=D(2030, 1, 1)), cat)
    assert "\n" not in finding.message and "A\\nB" in finding.message


def test_did_you_mean_is_computed_once_per_name_and_catalog(cat, monkeypatch):
    fresh = catalog_mod.build(SYNTHETIC, "synthetic")
    calls = []
    real = difflib.get_close_matches
    monkeypatch.setattr(difflib, "get_close_matches", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    first = [engine.evaluate(fn("lang33"), Settings(as_of=D(2030, 1, 1)), fresh) for _ in range(50)]
    assert calls == ["lang33"]  # 50 typos, one difflib call
    assert all(f == first[0] for f in first) and "did you mean lang3?" in first[0][0].message
    engine.evaluate(fn("lang33"), Settings(as_of=D(2030, 1, 1)), cat)  # another catalog keeps its own memo
    assert calls == ["lang33", "lang33"]


def test_upgrade_advice_is_memoised_per_runtime_as_of_and_window(cat):
    fresh = catalog_mod.build(SYNTHETIC, "synthetic")
    lang1 = fresh.get("lang1")
    # lang2 is deprecated within 120 days of 2030-03-10, so the minimal safe upgrade is lang3; with no window
    # lang2 still qualifies: the window is part of the key, so neither answer is served for the other.
    assert engine.upgrade_advice(lang1, fresh, Settings(as_of=D(2030, 3, 10))).startswith("upgrade to lang3")
    assert engine.upgrade_advice(lang1, fresh, Settings(as_of=D(2030, 3, 10), warn_days=0)).startswith(
        "upgrade to lang2"
    )
    # and so is as_of: on 2030-06-01 lang2 is deprecated itself
    assert engine.upgrade_advice(lang1, fresh, Settings(as_of=D(2030, 6, 1), warn_days=0)).startswith(
        "upgrade to lang3"
    )
    assert engine.upgrade_advice(lang1, fresh, Settings(as_of=D(2030, 3, 10))).startswith("upgrade to lang3")
