"""Hostile input (issue 15, items 1-12; issue 14, item 7): no hang, no traceback, nothing lost, fail closed.

Large inputs are generated here, never committed. Each test names the item it guards.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_output import SUMMARY, without_summary, without_summary_bytes

from lambda_runtime_rules.cli import main
from lambda_runtime_rules.settings import CONFIG_FILE, SettingsError, load

AS_OF = "2026-11-23"
TODAY = dt.date(2026, 11, 23)
BLOCKED = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.7\n"
"""A create-blocked runtime on 2026-11-23 (EL1002): what a gate must never let through."""


@pytest.fixture
def deadline():
    """Fail, rather than hang the suite, when a test outlives 60 seconds (what these tests guard against)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expired(*_: object) -> None:
        raise TimeoutError("took over 60 seconds: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("LAMBDA_RUNTIME_RULES_") and not name.endswith("_CACHE_DIR"):
            monkeypatch.delenv(name)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The exit code, stdout and stderr; a text ``check``'s closing summary line is checked and left out."""
    code = main(list(args))
    out, err = capsys.readouterr()
    last = err.splitlines()[-1] if err else ""
    if args[:1] == ("check",) and "--format" not in args and (code != 2 or SUMMARY.fullmatch(last)):
        err = without_summary(err)  # a usage error stops before any file is read: no summary then
    return code, out, err


# --- item 6: integer settings take ASCII digits only ---------------------------------------------------------


@pytest.mark.parametrize("digits", ["²", "①", "٣", "１２"])
def test_non_ascii_digits_are_a_settings_error(tmp_path, digits):
    with pytest.raises(SettingsError, match="is not a whole number of days"):
        load(cwd=tmp_path, env={"LAMBDA_RUNTIME_RULES_WARN_DAYS": digits}, today=TODAY)
    with pytest.raises(SettingsError, match="is not a date"):
        load({"as_of": "２０２６-01-01"}, cwd=tmp_path, env={}, today=TODAY)


def test_non_ascii_warn_days_is_one_line_exit_2(tmp_path, capsys, monkeypatch):
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text(BLOCKED)
    code, out, err = run_cli(capsys, "check", "--warn-days", "²", "t.yaml")
    assert (code, out) == (2, "")
    assert err == "lambda-runtime-rules: option --warn-days: '²' is not a whole number of days >= 0\n"


# --- item 7: the whole configuration validated up front ------------------------------------------------------


@pytest.mark.parametrize("glob", ["''", "'.'"])
def test_empty_exception_glob_names_the_config(tmp_path, glob):
    (tmp_path / CONFIG_FILE).write_text(
        f"exceptions:\n  - {{resource: F, rule: EL3001, expires: 2027-01-01, reason: r, file: {glob}}}\n"
    )
    with pytest.raises(SettingsError, match=r"exceptions\[0\]: file: .* is not a usable glob") as info:
        load(cwd=tmp_path, env={}, today=TODAY)
    assert CONFIG_FILE in str(info.value)


def test_nul_byte_in_a_configured_path(tmp_path):
    with pytest.raises(SettingsError, match="NUL byte"):
        load({"catalog": "over\0lay.json"}, cwd=tmp_path, env={}, today=TODAY)
    with pytest.raises(SettingsError, match=r"LAMBDA_RUNTIME_RULES_CATALOG: .*NUL byte"):
        load(cwd=tmp_path, env={"LAMBDA_RUNTIME_RULES_CATALOG": "a\0b"}, today=TODAY)
    with pytest.raises(SettingsError, match=r"LAMBDA_RUNTIME_RULES_CONFIG: .*NUL byte"):
        load(cwd=tmp_path, env={"LAMBDA_RUNTIME_RULES_CONFIG": "a\0b"}, today=TODAY)
    (tmp_path / CONFIG_FILE).write_text('catalog: "a\\0b"\n')
    with pytest.raises(SettingsError, match="NUL byte"):
        load(cwd=tmp_path, env={}, today=TODAY)


# --- issue 14, item 7: an exception's file glob is relative to its config file's folder ------------------------


EXEMPT_CONFIG = (
    "as_of: 2026-11-23\nhigh_compliance: true\nexceptions:\n"
    "  - {resource: Fn, rule: EL3001, expires: 2027-01-31, reason: INC-1, file: 'stacks/app.yaml'}\n"
)
MANUAL = (
    "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n"
    "      RuntimeManagementConfig:\n        UpdateRuntimeOn: Manual\n"
    "        RuntimeVersionArn: arn:aws:lambda:us-east-1::runtime:"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
)


@pytest.mark.parametrize("cwd", [".", "stacks", "other"])
def test_exception_glob_is_relative_to_the_config_folder(tmp_path, capsys, monkeypatch, cwd):
    _clean_env(monkeypatch)
    (tmp_path / CONFIG_FILE).write_text(EXEMPT_CONFIG)
    for folder in ("stacks", "other"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "app.yaml").write_text(MANUAL)
    monkeypatch.chdir(tmp_path / cwd)
    target = {".": "stacks/app.yaml", "stacks": "app.yaml", "other": "../stacks/app.yaml"}[cwd]
    _, out, _ = run_cli(capsys, "check", "--format", "json", target)
    assert "EL3001" not in out, out  # suppressed from the root, from inside the folder, from a sibling
    other = {".": "other/app.yaml", "stacks": "../other/app.yaml", "other": "app.yaml"}[cwd]
    _, out, _ = run_cli(capsys, "check", "--format", "json", other)
    assert "EL3001" in out  # the same name in another folder is not covered


# --- items 3 and 5: regular files only, and the same 20 MiB cap everywhere ------------------------------------


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")


@needs_fifo
@pytest.mark.usefixtures("deadline")
@pytest.mark.parametrize("name", ["t.yaml", "main.tf", "serverless.yml", "serverless.ts"])
def test_fifo_named_or_in_a_folder_is_one_line_exit_2(tmp_path, capsys, monkeypatch, name):
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.yaml").write_text(BLOCKED)
    _fifo(tmp_path / name)
    for target in (name, "."):
        code, out, err = run_cli(capsys, "check", "--as-of", AS_OF, target)
        assert code == 2
        assert f"{name}: cannot read: not a regular file" in err and "Traceback" not in err
        assert ("EL1002" in out) == (target == ".")  # the other files are still checked


@needs_fifo
@pytest.mark.usefixtures("deadline")
def test_fifo_or_device_as_catalog_or_config(tmp_path, capsys, monkeypatch):
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text(BLOCKED)
    fifo = _fifo(tmp_path / "overlay.json")
    for catalog in (str(fifo), "/dev/zero"):
        code, out, err = run_cli(capsys, "check", "--catalog", catalog, "t.yaml")
        assert (code, out) == (2, "")
        assert err == f"lambda-runtime-rules: {catalog}: cannot read: not a regular file (a pipe, socket or device)\n"
    (tmp_path / CONFIG_FILE).write_text("catalog: /dev/zero\n")
    code, _, err = run_cli(capsys, "check", "t.yaml")
    assert code == 2 and "/dev/zero: cannot read: not a regular file" in err
    (tmp_path / CONFIG_FILE).unlink()
    _fifo(tmp_path / CONFIG_FILE)
    code, _, err = run_cli(capsys, "check", "t.yaml")
    assert code == 2 and f"{CONFIG_FILE}: cannot read: not a regular file" in err


def _sparse(path: Path, size: int, head: bytes = b"") -> Path:
    with path.open("wb") as handle:
        handle.write(head)
        handle.truncate(size)
    return path


@pytest.mark.usefixtures("deadline")
def test_oversized_catalog_overlay_is_refused_quickly(tmp_path, capsys, monkeypatch):
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text(BLOCKED)
    _sparse(tmp_path / "overlay.json", 20 * 1024 * 1024 + 1, b'{"runtimes": []}')
    code, out, err = run_cli(capsys, "check", "--catalog", "overlay.json", "t.yaml")
    assert (code, out) == (2, "")
    assert err == "lambda-runtime-rules: overlay.json: file is 20971521 bytes, over the 20971520 byte limit\n"


@pytest.mark.usefixtures("deadline")
def test_oversized_tf_file_is_refused_through_the_cli(tmp_path, capsys, monkeypatch):
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text('resource "aws_lambda_function" "f" {\n  runtime = "python3.7"\n}\n')
    _sparse(tmp_path / "big.tf", 20 * 1024 * 1024 + 1, b"# padding\n")
    code, out, err = run_cli(capsys, "check", "--as-of", AS_OF, ".")
    assert code == 2
    assert "big.tf: file is" in err and "20971521 bytes" in err and err.count("\n") == 1
    assert "main.tf:2:" in out  # the folder's other file is still checked


def test_deeply_nested_overlay_catalog(tmp_path, capsys, monkeypatch):
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text(BLOCKED)
    for depth in (50_000, 900):
        (tmp_path / "overlay.json").write_text('{"runtimes": [], "sources": ' + "[" * depth + "]" * depth + "}")
        code, out, err = run_cli(capsys, "check", "--catalog", "overlay.json", "t.yaml")
        assert (code, out) == (2, "")
        assert err.startswith("lambda-runtime-rules: overlay.json") and err.count("\n") == 1


# --- item 10: an unreadable path is one line and exit 2, never skipped -----------------------------------------


def test_unreadable_folder_in_a_tree_is_one_line_exit_2(tmp_path, capsys, monkeypatch):
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tree" / "secret").mkdir(parents=True)
    (tmp_path / "tree" / "secret" / "t.yaml").write_text(BLOCKED)
    (tmp_path / "tree" / "ok.yaml").write_text(BLOCKED)
    real_scandir, real_open = os.scandir, os.open

    def denied(path: object) -> bool:  # as chmod 000 would, also for root (who ignores file modes)
        return not isinstance(path, int) and os.path.basename(os.fspath(path)) == "secret"

    def scandir(path: object = ".") -> object:
        if denied(path):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    def open_(path: object, *args: object, **kwargs: object) -> int:
        if denied(path):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "open", open_)
    for command in (["check", "--as-of", AS_OF], ["report", "--as-of", AS_OF]):
        code, out, err = run_cli(capsys, *command, "tree")
        assert code == 2, (command, err)
        assert err.endswith(f"{os.path.join('tree', 'secret')}: cannot read: Permission denied\n")
        assert err.count("\n") == 1
        assert "ok.yaml" in out  # the rest is still checked


# --- item 12: a YAML stream is checked document by document ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a\n---\nb\n",
        "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: apps/v1\nkind: Deployment\n",
        "---\n---\n",
    ],
)
def test_multi_document_yaml_that_is_not_a_template_is_skipped(tmp_path, capsys, monkeypatch, text):
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "k8s.yaml").write_text(text)
    assert run_cli(capsys, "check", "--as-of", AS_OF, "k8s.yaml") == (0, "", "")


def test_each_template_document_of_a_stream_is_checked(tmp_path, capsys, monkeypatch):
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mixed.yaml").write_text("kind: ConfigMap\n---\n" + BLOCKED + "---\n" + BLOCKED.replace("Fn", "Gn"))
    code, out, err = run_cli(capsys, "check", "--as-of", AS_OF, "mixed.yaml")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        line for line in out.splitlines() if line.startswith(("mixed.yaml:7:16: EL1002", "mixed.yaml:13:16: EL1002"))
    ]
    assert len(out.splitlines()) == 2


# --- item 8: a non-ASCII digit as an index is just an unresolved reference ------------------------------------


def test_serverless_non_ascii_index(tmp_path, capsys, monkeypatch):
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "serverless.yml").write_text(
        "service: s\ncustom:\n  rts:\n    - python3.7\nprovider:\n  name: aws\n  runtime: ${self:custom.rts.²}\n"
        "functions:\n  f:\n    handler: h\n"
    )
    code, _, err = run_cli(capsys, "check", "--as-of", AS_OF, "serverless.yml")
    assert (code, err) == (0, "")


def test_terraform_non_ascii_index(tmp_path, capsys, monkeypatch):
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(
        'locals {\n  rts = ["python3.7"]\n}\nresource "aws_lambda_function" "f" {\n  runtime = local.rts["²"]\n}\n'
    )
    code, _, err = run_cli(capsys, "check", "--as-of", AS_OF, ".")
    assert "internal error" not in err and code in (0, 2)


# --- item 9: every output format escapes what it cannot encode ------------------------------------------------

CONSOLE = Path(sys.executable).parent / "lambda-runtime-rules"


def _console(*args: str, cwd: Path, encoding: str = "", **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LAMBDA_RUNTIME_RULES_", "PYTHONIOENCODING")) or k.endswith("_CACHE_DIR")
    }
    env["LC_ALL"] = "C.UTF-8"
    if encoding:
        env["PYTHONIOENCODING"] = encoding
    return subprocess.run([str(CONSOLE), *args], cwd=cwd, env=env, check=False, timeout=120, **kwargs)  # type: ignore[call-overload]


@pytest.fixture
def hostile_names(tmp_path: Path) -> Path:
    """A non-UTF-8 byte and a newline in file names, a lone surrogate and a terminal escape in a logical ID."""
    if sys.platform == "win32":
        pytest.skip("POSIX file names")
    template = BLOCKED.encode()
    try:
        (Path(os.fsdecode(bytes(tmp_path) + b"/bad\xff.yaml"))).write_bytes(template)
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses non-UTF-8 names")
    (tmp_path / "nl\nname.yaml").write_bytes(template)
    (tmp_path / "sur.json").write_text(
        '{"Resources": {"F\\ud800\\u001b[31m": {"Type": "AWS::Lambda::Function", "Properties": '
        '{"Runtime": "python3.7"}}}}'
    )
    return tmp_path


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["check", "--format", "json"],
        ["check", "--format", "sarif"],
        ["check", "--format", "github"],
        ["check", "--format", "gitlab"],
        ["check", "--format", "junit"],
        ["report"],
        ["report", "--format", "csv"],
        ["report", "--format", "json"],
        ["report", "--format", "html"],
    ],
)
@pytest.mark.parametrize("encoding", ["", "utf-8:strict", "ascii:strict"])
def test_every_format_escapes_what_it_cannot_encode(hostile_names, command, encoding):
    result = _console(*command, "--as-of", AS_OF, ".", cwd=hostile_names, encoding=encoding, capture_output=True)
    assert result.returncode == (1 if command[0] == "check" else 0), result.stderr
    assert (without_summary_bytes(result.stderr) if command == ["check"] else result.stderr) == b""
    out = result.stdout.decode("utf-8")  # valid UTF-8 whatever the file names hold
    assert "\x1b" not in out and "\udcff" not in out
    if command[-1] in ("json", "sarif"):
        json.loads(out)
    if command[-1] == "html":
        assert "nl\\nname.yaml" in out and "bad\\xff.yaml" in out and "F\\ud800\\x1b[31m" in out
    if command == ["check"] or command == ["report"]:
        assert "nl\\nname.yaml" in out and "bad\\xff.yaml" in out  # one finding, one line
        if command == ["check"]:
            assert len(out.splitlines()) == 3
    if command[-1] == "sarif":
        assert "bad%FF.yaml" in out
    if command[-1] == "gitlab":  # the real name where JSON can hold it (so GitLab finds the file), else escaped
        paths = {issue["location"]["path"] for issue in json.loads(out)}
        assert {"nl\nname.yaml", "bad\\xff.yaml"} <= paths
    if command[-1] == "junit":  # well-formed XML 1.0: no control character survives, even in an attribute
        from xml.etree import ElementTree

        names = {case.get("classname") for case in ElementTree.fromstring(result.stdout).iter("testcase")}
        assert {"nl\\nname.yaml", "bad\\xff.yaml"} <= names and "F\\ud800\\x1b[31m" in out
    if command[-1] == "github":  # one workflow command per finding, each on one line, escapes kept inert
        assert "file=nl\\nname.yaml" in out and "file=bad\\xff.yaml" in out
        assert all(line.startswith(("::error ", "::warning ")) for line in out.splitlines())


# --- item 11: a closed or full stdout ends the output, not the command ----------------------------------------


def test_full_stdout_is_one_line_exit_2(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    (tmp_path / "t.yaml").write_text(BLOCKED)
    with open("/dev/full", "w") as full:
        result = _console("check", "--as-of", AS_OF, "t.yaml", cwd=tmp_path, stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 2
    assert result.stderr.splitlines(keepends=True)[-1] == (
        b"lambda-runtime-rules: cannot write to stdout: No space left on device\n"
    )
    assert without_summary_bytes(result.stderr.splitlines(keepends=True)[0]) == b""


def test_fix_with_a_full_stdout_still_writes_and_says_so(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    (tmp_path / "t.yaml").write_text(BLOCKED.replace("python3.7", "python3.8"))
    with open("/dev/full", "w") as full:
        result = _console("fix", "--as-of", AS_OF, "t.yaml", cwd=tmp_path, stdout=full, stderr=subprocess.PIPE)
    assert "python3.11" in (tmp_path / "t.yaml").read_text()
    assert result.returncode == 2
    assert result.stderr.endswith(b"cannot write to stdout: No space left on device; the files were still written\n")


def test_closed_pipe_exits_quietly(tmp_path):
    (tmp_path / "t.yaml").write_text(BLOCKED)
    read, write = os.pipe()
    os.close(read)
    try:
        result = _console("check", "--as-of", AS_OF, "t.yaml", cwd=tmp_path, stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert without_summary_bytes(result.stderr) == b""
    assert result.returncode == 1  # the verdict still decides the status


def test_exception_glob_from_a_subfolder_in_cfn_lint_and_checkov(tmp_path):
    """Issue 14, item 7, in the host faces: run from inside the folder, the exception still covers the file."""
    (tmp_path / CONFIG_FILE).write_text(EXEMPT_CONFIG)
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "app.yaml").write_text(
        MANUAL.replace(
            "    Properties:\n",
            "    Properties:\n      Handler: h\n      Code: {ZipFile: x}\n"
            "      Role: arn:aws:iam::123456789012:role/r\n",
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_") or k.endswith("_CACHE_DIR")}
    bin_dir = Path(sys.executable).parent
    cfn_lint = [str(bin_dir / "cfn-lint"), "--append-rules=lambda_runtime_rules.cfn_lint", "app.yaml"]
    result = subprocess.run(cfn_lint, cwd=tmp_path / "stacks", env=env, capture_output=True, text=True, timeout=300)
    assert "EL3001" not in result.stdout and result.returncode == 0, result.stdout + result.stderr
    checks_dir = subprocess.run([str(CONSOLE), "checkov-dir"], capture_output=True, text=True).stdout.strip()
    checkov = [
        str(bin_dir / "checkov"),
        "-f",
        "app.yaml",
        "--framework",
        "cloudformation",
        "--skip-download",
        "--external-checks-dir",
        checks_dir,
        "--check",
        "CKV_LRR_3001",
        "-o",
        "json",
    ]
    env.update({"BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"})
    result = subprocess.run(checkov, cwd=tmp_path / "stacks", env=env, capture_output=True, text=True, timeout=600)
    report = json.loads(result.stdout)
    assert report["summary"]["passed"] == 1 and report["summary"]["failed"] == 0, result.stdout


# --- item 2: CloudFormation caps every value reached, not only strings -----------------------------------------


def test_find_in_map_fan_out_over_number_leaves_is_capped(tmp_path, capsys, monkeypatch):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        from bench_hostile_cfn import hostile_template
    finally:
        sys.path.pop(0)
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text(hostile_template(keys=100, levels=10, functions=2))
    start = time.perf_counter()
    code, out, err = run_cli(capsys, "check", "--as-of", AS_OF, "t.yaml")
    assert time.perf_counter() - start < 20  # unbounded before: minutes
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Fn0: a property takes more than 256 values" in err


def test_values_up_to_the_cap_are_all_checked_without_a_line():
    from lambda_runtime_rules.sources import cloudformation

    problems: list[str] = []
    leaves = {f"k{i}": {"r": "python3.7" if i == 255 else i} for i in range(256)}
    template = {
        "Mappings": {"M": leaves},
        "Parameters": {"P": {"Type": "String"}},
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Runtime": {"Fn::FindInMap": ["M", {"Ref": "P"}, "r"]}},
            }
        },
    }
    (subject,) = cloudformation.subjects(template, "t.yaml", problems)
    assert [v.value for v in subject.runtimes] == ["python3.7"] and problems == []
    leaves["k256"] = {"r": 1}
    cloudformation.subjects(template, "t.yaml", problems)
    assert len(problems) == 1


# --- item 1: a Terraform expression past the value cap is one line, once per file ------------------------------


def _tf_chain(levels: int) -> str:
    lines = ['locals {\n  a0 = var.c ? "python3.8" : "python3.7"']
    lines += [f"  a{i} = var.c ? local.a{i - 1} : local.a{i - 1}" for i in range(1, levels)]
    function = 'resource "aws_lambda_function" "{name}" {{\n  function_name = "{name}"\n  runtime = local.a{last}\n}}\n'
    return "\n".join(lines) + "\n}\n" + "".join(function.format(name=n, last=levels - 1) for n in ("f", "g"))


def _tf_product(choices: int) -> str:
    """Two locals of ``choices`` distinct literals each, joined in a template: choices**2 values."""

    def conditional(name: str) -> str:
        expr = '"python3.7"'
        for i in range(1, choices):
            expr = f'var.{name}{i} ? "{name}{i}" : {expr}'
        return expr

    function = 'resource "aws_lambda_function" "f" {\n  runtime = "${local.a}${local.b}"\n}\n'
    return f"locals {{\n  a = {conditional('a')}\n  b = {conditional('b')}\n}}\n" + function


def test_terraform_chain_is_linear_without_a_line(tmp_path, capsys, monkeypatch):
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(_tf_chain(14))  # 2**14 paths, 2 values: no cap reached
    (tmp_path / "variables.tf").write_text('variable "c" {\n  type = bool\n}\n')
    start = time.perf_counter()
    code, out, err = run_cli(capsys, "check", "--as-of", AS_OF, ".")
    assert time.perf_counter() - start < 20
    assert (code, err) == (1, "") and out.count("EL1002") == 2


def test_terraform_value_cap_is_one_line_per_file(tmp_path, capsys, monkeypatch):
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(_tf_product(20))
    (tmp_path / "variables.tf").write_text('variable "x" {\n  default = "python3.7"\n}\n')
    code, _, err = run_cli(capsys, "check", "--as-of", AS_OF, ".")
    assert code == 2  # values past the cap were not checked: a gate must not pass on them
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("main.tf:"), err
    assert "an expression takes more than 256 values" in lines[0]
    _, _, err = run_cli(capsys, "check", "--as-of", AS_OF, "main.tf", "variables.tf")
    assert len(err.splitlines()) == 1  # once per file that holds the resource


# --- item 19: report reads a sibling variables.tf as check does ------------------------------------------------


def test_report_reads_variable_defaults_from_a_sibling_file(tmp_path, capsys, monkeypatch):
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text('resource "aws_lambda_function" "f" {\n  runtime = var.runtime\n}\n')
    (tmp_path / "variables.tf").write_text('variable "runtime" {\n  default = "python3.7"\n}\n')
    code, out, _ = run_cli(capsys, "report", "--format", "csv", "--as-of", AS_OF, ".")
    assert code == 0
    (row,) = [line for line in out.splitlines() if "aws_lambda_function.f" in line]
    assert "python3.7" in row and "create-blocked" in row
    code, out, _ = run_cli(capsys, "report", "--format", "csv", "--as-of", AS_OF, "main.tf")
    assert "create-blocked" in out


# --- item 4: fix --dry-run is linear in the number of edits ---------------------------------------------------


def test_dry_run_diff_is_linear(tmp_path, capsys, monkeypatch):
    from lambda_runtime_rules.commands.fix import unified_diff

    old = "".join(f"  F{i}:\n    Runtime: python3.8\n" for i in range(20_000))
    start = time.perf_counter()
    diff = unified_diff(old, old.replace("python3.8", "python3.11"), "t.yaml")
    assert time.perf_counter() - start < 10  # difflib's matcher: over 300 s
    assert diff.count("+    Runtime: python3.11\n") == 20_000
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    function = "  F{i}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.8\n"
    (tmp_path / "t.yaml").write_text("Resources:\n" + "".join(function.format(i=i) for i in range(4_000)))
    start = time.perf_counter()
    code, out, _ = run_cli(capsys, "fix", "--dry-run", "--as-of", AS_OF, "t.yaml")
    assert time.perf_counter() - start < 60 and code == 1  # 24 s before, most of it in the diff
    assert out.count("+      Runtime: python3.11\n") == 4_000


@needs_fifo
@pytest.mark.usefixtures("deadline")
def test_fifo_among_terraform_folders_and_script_imports(tmp_path, capsys, monkeypatch):
    _clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    for folder in ("a", "b"):  # two folders: the local-module pre-filter reads every .tf file
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "main.tf").write_text('resource "aws_lambda_function" "f" {\n  runtime = "python3.7"\n}\n')
    _fifo(tmp_path / "b" / "pipe.tf")
    code, out, err = run_cli(capsys, "check", "--as-of", AS_OF, ".")
    assert code == 2 and "pipe.tf: cannot read: not a regular file" in err and out.count("EL1002") == 2
    (tmp_path / "sls").mkdir()
    (tmp_path / "sls" / "serverless.ts").write_text(
        "import { rt } from './pipe';\nexport default { service: 's', provider: { name: 'aws', runtime: rt },"
        " functions: { f: { handler: 'h' } } };\n"
    )
    _fifo(tmp_path / "sls" / "pipe.ts")
    code, _, err = run_cli(capsys, "check", "--as-of", AS_OF, "sls/serverless.ts")
    assert "Traceback" not in err and code in (0, 2)


@pytest.mark.parametrize("broken", ["digits", "glob"])
def test_cfn_lint_names_the_broken_setting(tmp_path, broken):
    """Items 6 and 7 in cfn-lint: the setting is named (once an unnamed internal error naming the template)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_RUNTIME_RULES_") or k.endswith("_CACHE_DIR")}
    if broken == "digits":
        env["LAMBDA_RUNTIME_RULES_WARN_DAYS"] = "①"
        expected = "LAMBDA_RUNTIME_RULES_WARN_DAYS: '①' is not a whole number of days >= 0"
    else:
        (tmp_path / CONFIG_FILE).write_text(
            "exceptions:\n  - {resource: F, rule: EL3001, expires: 2027-01-01, reason: r, file: '.'}\n"
        )
        expected = f"{CONFIG_FILE}: exceptions: exceptions[0]: file: '.' is not a usable glob"
    (tmp_path / "t.yaml").write_text(BLOCKED)
    cfn_lint = [str(Path(sys.executable).parent / "cfn-lint"), "--append-rules=lambda_runtime_rules.cfn_lint", "t.yaml"]
    result = subprocess.run(cfn_lint, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert expected in " ".join(result.stdout.split()), result.stdout + result.stderr  # cfn-lint wraps lines
    assert "internal error" not in result.stdout + result.stderr and result.returncode != 0
