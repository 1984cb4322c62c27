"""The serverless.ts/.js reader: literal values with positions, unknown values unresolved, never an exception."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lambda_runtime_rules.loader import position
from lambda_runtime_rules.model import FunctionSubject
from lambda_runtime_rules.sources import serverless_plugins
from lambda_runtime_rules.sources.serverless import UNRESOLVED, subjects
from lambda_runtime_rules.sources.serverless_script import read_config, read_text

ROOT = Path(__file__).resolve().parents[1]


def _config(body: str, typescript: bool = True) -> object:
    document, problem = read_text(body, "serverless.ts" if typescript else "serverless.js", typescript)
    assert problem == ""
    return document


def _runtimes(document: object) -> dict[str, list[tuple[str, int, str]]]:
    out = {}
    for subject in subjects(document):
        assert isinstance(subject, FunctionSubject)
        out[subject.resource] = [(str(v.value), v.line, v.via) for v in subject.runtimes]
    return out


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("'python3.8'", "python3.8"),
        ('"python3.8"', "python3.8"),
        ("`python3.8`", "python3.8"),
        ("`python${3}.${8}`", "python3.8"),
        ("'python' + '3.8'", "python3.8"),
        ("RT", "python3.8"),  # const RT = 'python3.8'
        ("BASE.runtime", "python3.8"),
        ("BASE['runtime']", "python3.8"),
        ("LIST[1]", "python3.8"),
        ("RT as string", "python3.8"),
        ("(RT satisfies string)", "python3.8"),
        ("RT!", "python3.8"),
        ("<string>RT", "python3.8"),
        ("'python\\u0033.8'", "python3.8"),
        ("process.env.RUNTIME", None),
        ("getRuntime()", None),
        ("`python${minor}`", None),
        ("NOT_DEFINED", None),
        ("LOOP_A", None),  # const LOOP_A = LOOP_B; const LOOP_B = LOOP_A
        ("RT || 'python3.9'", None),
    ],
)
def test_literal_values(expression: str, expected: str | None) -> None:
    document = _config(
        "const RT = 'python3.8';\nconst BASE = { runtime: RT };\nconst LIST = ['x', RT];\n"
        "const LOOP_A = LOOP_B;\nconst LOOP_B = LOOP_A;\n"
        f"export default {{ service: 's', provider: {{ name: 'aws', runtime: 'nodejs24.x' }},\n"
        f"  functions: {{ f: {{ handler: 'h', runtime: {expression} }} }} }};\n"
    )
    found = _runtimes(document)["functions.f"]
    # An unknown value stops inheritance: the provider's runtime is not the function's.
    assert [value for value, _, _ in found] == ([expected] if expected else [])


def test_positions_are_where_the_literal_is_written() -> None:
    document = _config(
        "const LEGACY = 'nodejs14.x';\n"
        "const config = {\n"
        "  service: 'x',\n"
        "  provider: { name: 'aws', runtime: LEGACY },\n"
        "  functions: { a: { handler: 'h' }, b: { handler: 'h', runtime: 'python3.8' } },\n"
        "};\n"
        "module.exports = config;\n"
    )
    assert _runtimes(document) == {
        "functions.a": [("nodejs14.x", 1, "inherited from provider.runtime")],
        "functions.b": [("python3.8", 5, "")],
    }
    functions = dict.get(document, "functions")  # type: ignore[call-overload]
    assert position(functions) == (5, 14)


def test_columns_count_characters_not_bytes() -> None:
    document = _config("export default { service: 'é', provider: { runtime: 'python3.8' }, functions: {} };\n")
    provider = dict.get(document, "provider")  # type: ignore[call-overload]
    assert position(dict.get(provider, "runtime")) == (1, 53)


@pytest.mark.parametrize(
    "source",
    [
        "module.exports = CONFIG;",
        "export default CONFIG;",
        "export = CONFIG;",
        "module.exports = { ...CONFIG };",
        "export default { ...CONFIG } as AWS;",
    ],
)
def test_every_export_form(source: str) -> None:
    document = _config(
        "const CONFIG = { service: 's', functions: { f: { handler: 'h', runtime: 'go1.x' } } };\n" + source
    )
    assert [v for v, _, _ in _runtimes(document)["functions.f"]] == ["go1.x"]


def test_an_unknown_spread_hides_the_keys_before_it_not_after() -> None:
    document = _config(
        "export default { service: 's', provider: { runtime: 'python3.8' }, functions: {\n"
        "  before: { runtime: 'python3.7', ...other(), handler: 'h' },\n"
        "  after: { ...other(), runtime: 'python3.7' },\n"
        "  inherits: { ...other() },\n"
        "} };\n"
    )
    found = _runtimes(document)
    assert found["functions.before"] == []
    assert [v for v, _, _ in found["functions.after"]] == ["python3.7"]
    # An unknown spread may or may not set a runtime: inheriting would be a guess either way.
    assert [v for v, _, _ in found["functions.inherits"]] == ["python3.8"]


def test_javascript_commonjs_with_require(tmp_path: Path) -> None:
    (tmp_path / "functions.js").write_text("exports.hello = { handler: 'h', runtime: 'nodejs12.x' };\n")
    (tmp_path / "serverless.js").write_text(
        "const { hello } = require('./functions');\n"
        "const fns = require('./functions.js');\n"
        "module.exports = { service: 's', functions: { hello: fns.hello } };\n"
    )
    document, problem = read_config(str(tmp_path / "serverless.js"))
    assert problem == ""
    (subject,) = subjects(document, str(tmp_path / "serverless.js"))
    assert isinstance(subject, FunctionSubject)
    assert [(v.value, v.line) for v in subject.runtimes] == [("nodejs12.x", 1)]
    assert subject.file == str(tmp_path / "functions.js")


def test_re_exports_and_namespace_imports(tmp_path: Path) -> None:
    (tmp_path / "fns").mkdir()
    (tmp_path / "fns" / "a.ts").write_text("export default { handler: 'a', runtime: 'python3.7' };\n")
    (tmp_path / "fns" / "index.ts").write_text("export { default as a } from './a';\nexport * from './b';\n")
    (tmp_path / "fns" / "b.ts").write_text("export const b = { handler: 'b', runtime: 'python3.6' };\n")
    (tmp_path / "serverless.ts").write_text(
        "import * as fns from './fns';\nimport { b } from './fns/index';\n"
        "export default { service: 's', functions: { ...fns, c: b } };\n"
    )
    document, _ = read_config(str(tmp_path / "serverless.ts"))
    found = {s.resource: [v.value for v in s.runtimes] for s in subjects(document, str(tmp_path / "serverless.ts"))}
    assert found == {"functions.a": ["python3.7"], "functions.c": ["python3.6"]}


def test_an_import_outside_the_files_is_unresolved(tmp_path: Path) -> None:
    (tmp_path / "serverless.ts").write_text(
        "import hello from '@functions/hello';\nimport shared from 'some-package';\n"
        "export default { service: 's', provider: { runtime: 'python3.8' },"
        " functions: { hello, other: { ...shared, handler: 'h' } } };\n"
    )
    document, problem = read_config(str(tmp_path / "serverless.ts"))
    assert problem == ""
    functions = dict.get(document, "functions")  # type: ignore[call-overload]
    assert dict.get(functions, "hello") is UNRESOLVED
    # The unresolved function is not seen at all (never a guess); the one with an unknown spread inherits.
    assert [s.resource for s in subjects(document)] == ["functions.other"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("const x = {\n  service: 'x',,,\n", "line 1: not valid TypeScript, and no configuration object found"),
        ("export default async () => ({ service: 's' });\n", ""),
        ("", ""),
    ],
)
def test_no_configuration(text: str, problem: str) -> None:
    assert read_text(text) == (None, problem)


def test_importing_the_package_does_not_import_tree_sitter() -> None:
    code = (
        "import sys, lambda_runtime_rules, lambda_runtime_rules.scan, lambda_runtime_rules.sources.serverless_script\n"
        "from pathlib import Path\n"
        f"lambda_runtime_rules.scan.load_subjects(Path({str(ROOT / 'examples' / 'template.yaml')!r}))\n"
        "print(sorted(m for m in sys.modules if m.startswith('tree_sitter')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- plugins ------------------------------------------------------------------------------------------------


def test_plugin_data_is_valid_and_sourced() -> None:
    plugins = serverless_plugins.plugins()
    assert {"serverless-rust", "serverless-haskell"} <= set(plugins)
    for plugin in plugins.values():
        assert plugin.sources and all(url.startswith("https://") for url in plugin.sources)
    assert serverless_plugins.rewritten_runtimes(["serverless-rust"]) == frozenset({"rust"})
    assert serverless_plugins.rewritten_runtimes(["serverless-offline"]) == frozenset()


def test_plugin_schema_rejects_a_bad_entry() -> None:
    import jsonschema

    schema = json.loads((ROOT / "rules_data" / serverless_plugins.SCHEMA_FILE).read_text())
    data = json.loads((ROOT / "rules_data" / serverless_plugins.DATA_FILE).read_text())
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(data)
    data["plugins"][0]["runtime_values"] = []
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(data)


# --- properties ---------------------------------------------------------------------------------------------

_TOKENS = st.sampled_from(
    [
        "export default",
        "module.exports =",
        "export =",
        "const x =",
        "import a from './a';",
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        ",",
        ":",
        "...",
        "'python3.8'",
        '"s"',
        "`t${",
        "x",
        "service",
        "provider",
        "functions",
        "runtime",
        " as const",
        " satisfies T",
        "!",
        "require('./x')",
        "+",
        ";",
        "\n",
        "/*",
        "*/",
        "//",
        "\\u{1F600}",
        "0x1F",
        "1e400",
        "${file(./x.yml)}",
        "é",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200) | st.lists(_TOKENS, max_size=40).map(" ".join), st.booleans())
def test_the_reader_never_raises_on_any_text(text: str, typescript: bool) -> None:
    document, problem = read_text(text, "serverless.ts", typescript)
    assert isinstance(problem, str) and "\n" not in problem
    if isinstance(document, dict):
        subjects({**document, "service": "s"})


def _js(value: object) -> str:
    """A JavaScript literal for a JSON-like value, with some JavaScript-only spellings mixed in."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_js(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_js(v) for v in value) + "]"
    if isinstance(value, str) and value.isprintable():
        return "`" + value.replace("\\", "\\\\").replace("`", "\\`").replace("${", "$\\{") + "`"
    if isinstance(value, str):  # control characters: escaped, as they would be in a real file
        return json.dumps(value)
    return json.dumps(value)


# Integers JavaScript writes exactly: past 2**53 a number literal is the nearest double, as the reader reads it.
_JS_INTEGERS = st.integers(min_value=-(2**53), max_value=2**53)
_JSON = st.recursive(
    st.none() | st.booleans() | _JS_INTEGERS | st.text(max_size=10) | st.sampled_from(["python3.8", "arm64"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_JSON, _JSON)
@example(None, 2**53)
def test_any_literal_object_reads_back_as_written(provider: object, functions: object) -> None:
    config = {"service": "s", "provider": provider, "functions": functions}
    document, problem = read_text(f"export default {_js(config)};\n", "serverless.ts", True)
    assert problem == ""
    assert json.loads(json.dumps(document)) == config
    subjects(document, "serverless.ts")


_KEYS = st.sampled_from(["custom", "provider", "functions", "runtime", "a", "b", "0"])
_VARIABLES = st.one_of(
    st.lists(_KEYS, min_size=0, max_size=4).map(lambda parts: "${self:" + ".".join(parts) + "}"),
    st.tuples(
        st.sampled_from(["env:X", "opt:y", "ssm:/p", "self:custom.a", "file(./x.yml):a"]), st.text(max_size=6)
    ).map(lambda t: "${" + t[0] + ", '" + t[1] + "'}"),
    st.sampled_from(["${self:custom.a, ${self:custom.b}}", "${file(./x.yml)}", "${self:custom.${opt:s}}", "${a}${b}"]),
    st.sampled_from(["python3.8", "rust", "manual"]),
)
_VARIABLE_TREES = st.recursive(
    _VARIABLES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4), max_leaves=16
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_VARIABLE_TREES, _VARIABLE_TREES, _VARIABLE_TREES, st.booleans())
def test_no_chain_of_variables_breaks_subjects(
    custom: object, provider: object, functions: object, named: bool
) -> None:
    """References to references, cycles, fallbacks and includes that do not exist: values or nothing, fast."""
    doc = {
        "service": "s",
        "custom": custom,
        "provider": provider,
        "functions": functions,
        "plugins": ["serverless-rust"],
    }
    problems: list[str] = []
    for subject in subjects(doc, str(ROOT / "no-such-dir" / "serverless.yml") if named else "", problems):
        assert all(type(v.value) is str for v in getattr(subject, "runtimes", ()))
    assert all("\n" not in p for p in problems)
