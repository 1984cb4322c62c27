"""The CI formats (issue 11): GitLab Code Quality JSON and JUnit XML, exact, stable, and valid against the
published schemas vendored in ``tests/data/schemas/`` (see its README for sources and licences)."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_runtime_rules import output, output_ci
from lambda_runtime_rules.cli import main
from lambda_runtime_rules.model import Finding

xmlschema = pytest.importorskip("xmlschema")

SCHEMAS = Path(__file__).resolve().parent / "data" / "schemas"
AS_OF = "2026-11-23"

# What GitLab's documentation requires beyond its own per-issue schema (the report is an array of issues, the
# severity one of five words, the location a path and a begin line):
# https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format
DOCUMENTED = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}

TEMPLATE = """\
Resources:
  Legacy:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.7
      Architectures: [arm64]
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.8
"""


@pytest.fixture(scope="module")
def gitlab_errors():
    issue = json.loads((SCHEMAS / "gitlab-codeclimate.json").read_text(encoding="utf-8"))
    assert issue["description"] == "Codequality used by codeclimate parser", "not GitLab's schema"
    validators = [jsonschema.Draft7Validator(DOCUMENTED), jsonschema.Draft7Validator({"type": "array", "items": issue})]

    def errors(text: str) -> list[str]:
        report = json.loads(text)
        return [e.message for v in validators for e in v.iter_errors(report)]

    return errors


@pytest.fixture(scope="module")
def junit_schema():
    return _junit_xsd()


def _findings() -> list[Finding]:
    return sorted(
        [
            Finding("EL1002", "Legacy", 5, 16, "Runtime python3.7 is create-blocked", "infra/a.yaml", "python3.7"),
            Finding("EL2001", "Legacy", 6, 22, "Runtime python3.7 cannot run on arm64", "infra/a.yaml", "python3.7"),
            Finding("WL1003", "Worker", 10, 16, "Runtime python3.8 is deprecated", "infra/a.yaml", "python3.8"),
            Finding("WL1003", "Api", 12, 16, "Runtime nodejs18.x is deprecated", "infra/a.yaml", "nodejs18.x"),
            Finding("WL1005", "Fn", 0, 0, "Runtime pyhton3.12 is not in the catalog", "b.tf"),
        ],
        key=lambda f: f.sort_key,
    )


# --- gitlab ---------------------------------------------------------------------------------------------------


def test_gitlab_exact_for_two_files(gitlab_errors) -> None:
    text = output.render("gitlab", _findings())
    report = json.loads(text)
    assert [(i["check_name"], i["severity"], i["location"]) for i in report] == [
        ("WL1005", "minor", {"path": "b.tf", "lines": {"begin": 1}}),  # line unknown: GitLab needs one, so 1
        ("EL1002", "major", {"path": "infra/a.yaml", "lines": {"begin": 5}}),
        ("EL2001", "major", {"path": "infra/a.yaml", "lines": {"begin": 6}}),
        ("WL1003", "minor", {"path": "infra/a.yaml", "lines": {"begin": 10}}),
        ("WL1003", "minor", {"path": "infra/a.yaml", "lines": {"begin": 12}}),
    ]
    assert report[1] == {
        "type": "issue",
        "check_name": "EL1002",
        "description": "EL1002 Legacy: Runtime python3.7 is create-blocked",
        "categories": ["Compatibility"],
        "severity": "major",
        "fingerprint": output_ci._digest("lambda-runtime-rules", "infra/a.yaml", "Legacy", "EL1002", "python3.7"),
        "location": {"path": "infra/a.yaml", "lines": {"begin": 5}},
    }
    assert len({i["fingerprint"] for i in report}) == len(report)
    assert all(len(i["fingerprint"]) == 32 for i in report)
    assert text.endswith("]\n") and gitlab_errors(text) == []


def test_gitlab_fingerprints_survive_lines_inserted_above(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text(TEMPLATE, encoding="utf-8")
    main(["check", "--as-of", AS_OF, "--format", "gitlab", "t.yaml"])
    before = json.loads(capsys.readouterr().out)
    (tmp_path / "t.yaml").write_text("# a comment\nDescription: moved\n" + TEMPLATE, encoding="utf-8")
    main(["check", "--as-of", AS_OF, "--format", "gitlab", "t.yaml"])
    after = json.loads(capsys.readouterr().out)
    assert [i["location"]["lines"]["begin"] + 2 for i in before] == [i["location"]["lines"]["begin"] for i in after]
    assert [i["fingerprint"] for i in before] == [i["fingerprint"] for i in after]
    assert len(before) >= 3


def test_gitlab_identical_keys_get_distinct_deterministic_fingerprints() -> None:
    twice = [Finding("EL2001", "Fn", line, 1, "arm64 and x86_64", "t.yaml") for line in (3, 9)]
    first = [i["fingerprint"] for i in output_ci.gitlab_issues(twice)]
    assert len(set(first)) == 2
    assert first == [i["fingerprint"] for i in output_ci.gitlab_issues(twice)]
    # the first occurrence keeps the plain key's fingerprint: adding a duplicate below never changes it
    assert first[0] == output_ci.gitlab_issues(twice[:1])[0]["fingerprint"]


def test_gitlab_paths_are_relative_to_the_working_directory(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    inside = Finding("EL1001", "Fn", 2, 3, "m", str(tmp_path / "sub" / "t.yaml"))
    outside = Finding("EL1001", "Fn", 2, 3, "m", "/elsewhere/t.yaml")
    paths = [i["location"]["path"] for i in output_ci.gitlab_issues([inside, outside])]
    assert paths == ["sub/t.yaml", "/elsewhere/t.yaml"]


def test_gitlab_unreadable_files_are_blockers(gitlab_errors) -> None:
    text = output.render("gitlab", [], [("bad.yaml", "bad.yaml: line 2, column 3:\nmapping values are not allowed")])
    assert json.loads(text) == [
        {
            "type": "issue",
            "check_name": "input-error",
            "description": "could not be read, so nothing in it was checked: bad.yaml: line 2, column 3: mapping "
            "values are not allowed",
            "categories": ["Bug Risk"],
            "severity": "blocker",
            "fingerprint": output_ci._digest("lambda-runtime-rules", "bad.yaml", "input-error"),
            "location": {"path": "bad.yaml", "lines": {"begin": 1}},
        }
    ]
    assert gitlab_errors(text) == []


def test_gitlab_empty_run_is_an_empty_array(gitlab_errors) -> None:
    assert output.render("gitlab", []) == "[]\n"
    assert gitlab_errors("[]") == []


def test_the_gitlab_schema_check_has_teeth(gitlab_errors) -> None:
    issue = output_ci.gitlab_issues(_findings()[:1])[0]
    broken = {**issue, "severity": "fatal", "location": {"path": "t.yaml", "lines": {"begin": "5"}}}
    assert len(gitlab_errors(json.dumps([broken]))) >= 3  # enum, and begin's type in both schemas


# --- junit ----------------------------------------------------------------------------------------------------


def test_junit_exact_for_two_files(junit_schema) -> None:
    text = output.render("junit", _findings(), checked=["infra/a.yaml", "b.tf", "clean.yaml"])
    assert text == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<testsuites name="lambda-runtime-rules" tests="5" failures="4" errors="0">\n'
        '  <testsuite name="lambda-runtime-rules" tests="5" failures="4" errors="0" skipped="0">\n'
        '    <testcase classname="b.tf" name="WL1005 Lambda runtime is not in the catalog" file="b.tf">\n'
        '      <failure type="warning" message="1 finding">\n'
        "0:0: WL1005 Fn: Runtime pyhton3.12 is not in the catalog\n"
        "      </failure>\n"
        "    </testcase>\n"
        '    <testcase classname="infra/a.yaml" name="EL1002 Lambda runtime is create-blocked" file="infra/a.yaml">\n'
        '      <failure type="error" message="1 finding">\n'
        "5:16: EL1002 Legacy: Runtime python3.7 is create-blocked\n"
        "      </failure>\n"
        "    </testcase>\n"
        '    <testcase classname="infra/a.yaml" name="EL2001 Lambda runtime cannot run on this architecture"'
        ' file="infra/a.yaml">\n'
        '      <failure type="error" message="1 finding">\n'
        "6:22: EL2001 Legacy: Runtime python3.7 cannot run on arm64\n"
        "      </failure>\n"
        "    </testcase>\n"
        '    <testcase classname="infra/a.yaml" name="WL1003 Lambda runtime is deprecated" file="infra/a.yaml">\n'
        '      <failure type="warning" message="2 findings">\n'
        "10:16: WL1003 Worker: Runtime python3.8 is deprecated\n"
        "12:16: WL1003 Api: Runtime nodejs18.x is deprecated\n"
        "      </failure>\n"
        "    </testcase>\n"
        '    <testcase classname="clean.yaml" name="no findings" file="clean.yaml"/>\n'
        "  </testsuite>\n"
        "</testsuites>\n"
    )
    junit_schema.validate(text)


def test_junit_unreadable_files_are_error_cases(junit_schema) -> None:
    text = output.render("junit", [], [("bad.yaml", 'bad.yaml: "<oops>" & more')], checked=["ok.yaml"])
    assert (
        '    <testcase classname="bad.yaml" name="input-error: the file could not be read" file="bad.yaml">\n'
        '      <error type="input-error" message="bad.yaml: &quot;&lt;oops&gt;&quot; &amp; more"/>\n'
    ) in text
    assert 'tests="2" failures="0" errors="1"' in text and 'classname="ok.yaml" name="no findings"' in text
    junit_schema.validate(text)


def test_junit_empty_run_still_has_a_passing_case(junit_schema) -> None:
    text = output.render("junit", [])
    assert 'tests="1" failures="0" errors="0"' in text
    assert '<testcase classname="lambda-runtime-rules" name="no findings in 0 files"' in text
    junit_schema.validate(text)
    checked = output.render("junit", [], checked=["a.yaml", "b.yaml"])
    assert 'tests="2" failures="0"' in checked and checked.count('name="no findings"') == 2
    junit_schema.validate(checked)


def test_junit_removes_what_xml_forbids(junit_schema) -> None:
    hostile = Finding("EL1001", "F\ud800\x1b[31m\x00", 1, 1, "a\x0bb\ufffe\uffff é <&>", "nl\nname\udcff.yaml")
    text = output.render("junit", [hostile])
    junit_schema.validate(text)  # well-formed: no control character, no surrogate, no U+FFFE/U+FFFF
    assert text.isascii()
    assert 'classname="nl\\nname\\xff.yaml"' in text
    assert "F\\ud800\\x1b[31m\\x00" in text
    assert "a b\\ufffe\\uffff &#233; &lt;&amp;&gt;" in text  # a vertical tab is whitespace: one_line folds it


def test_the_junit_schema_check_has_teeth(junit_schema) -> None:
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        junit_schema.validate("<testsuites><testsuite><testcase/></testsuite></testsuites>")  # no tests, no name


@settings(max_examples=150, deadline=None)
@given(
    file=st.text(max_size=20),
    resource=st.text(max_size=20),
    message=st.text(max_size=40),
    runtime=st.text(max_size=10),
    line=st.integers(min_value=0, max_value=10**6),
)
def test_ci_formats_never_crash_and_stay_valid(file, resource, message, runtime, line) -> None:
    finding = Finding("WL1003", resource, line, 0, message, file or "t.yaml", runtime)
    gitlab = json.loads(output.render("gitlab", [finding], [(file or "t.yaml", message)]))
    assert [i["severity"] for i in gitlab] == ["minor", "blocker"]
    text = output.render("junit", [finding], [(file or "t.yaml", message)], checked=[file or "t.yaml"])
    _junit_xsd().validate(text)
    root = ElementTree.fromstring(text.encode("utf-8"))
    assert root[0].get("tests") == str(len(root[0])) == "2"


@functools.lru_cache(maxsize=1)
def _junit_xsd():
    return xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))


# --- end to end -----------------------------------------------------------------------------------------------

CONSOLE = Path(sys.executable).parent / "lambda-runtime-rules"


@pytest.mark.parametrize("fmt", ["gitlab", "junit"])
def test_check_writes_the_ci_formats_with_exit_codes_kept(tmp_path: Path, fmt: str, gitlab_errors, junit_schema):
    (tmp_path / "t.yaml").write_text(TEMPLATE, encoding="utf-8")
    (tmp_path / "clean.yaml").write_text(TEMPLATE.replace("python3.7", "python3.12").split("  Worker")[0])
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_") or k.endswith("_CACHE_DIR")}
    report = tmp_path / f"report.{fmt}"
    proc = subprocess.run(
        [str(CONSOLE), "check", "--as-of", AS_OF, "--format", fmt, "--output", str(report), "."],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 2, proc.stderr  # the unreadable file wins, as in every format
    text = report.read_text(encoding="utf-8")
    if fmt == "gitlab":
        assert gitlab_errors(text) == []
        issues = json.loads(text)
        assert {i["location"]["path"] for i in issues} == {"t.yaml", "bad.json"}
        assert [i["severity"] for i in issues if i["location"]["path"] == "bad.json"] == ["blocker"]
    else:
        junit_schema.validate(text)
        assert '<testcase classname="clean.yaml" name="no findings" file="clean.yaml"/>' in text
        assert 'classname="bad.json" name="input-error' in text and 'errors="1"' in text


def test_the_text_path_never_imports_the_ci_formats(tmp_path: Path) -> None:
    """The pre-commit hook runs ``check`` in text: it must not pay for hashlib's formats or the XML writer."""
    (tmp_path / "t.yaml").write_text(TEMPLATE, encoding="utf-8")
    code = (
        "import sys; from lambda_runtime_rules.cli import main; main(['check', '--as-of', '2026-11-23', 't.yaml']); "
        "print('lambda_runtime_rules.output_ci' in sys.modules, file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.stderr.splitlines()[-1] == "False", proc.stderr
