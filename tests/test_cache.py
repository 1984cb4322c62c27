"""The result cache (``check --cache-dir`` / ``--no-cache``): served only while nothing it came from changed.

Every test runs ``check`` in this process against a cache folder of its own, and compares a warm run with what
a run without the cache says: a stale verdict would show as a difference.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import sqlite3
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_runtime_rules import cli, files
from lambda_runtime_rules.cache import FORMAT, KEEP_DAYS, EntryKey, ResultCache
from lambda_runtime_rules.catalog import default_catalog
from lambda_runtime_rules.commands.check import check_files
from lambda_runtime_rules.scan import FileResult, iter_files
from lambda_runtime_rules.settings import Settings, default_cache_dir

AS_OF = "2026-11-23"
ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lambda_runtime_rules"


def _catalog_pair() -> tuple[str, str]:
    """A runtime deprecated at AS_OF and a supported one, from the catalog (no identifier written here)."""
    catalog = default_catalog()
    old = next(r.identifier for r in catalog.runtimes.values() if r.deprecated and r.deprecated.isoformat() < "2025")
    new = next(
        r.identifier
        for r in catalog.runtimes.values()
        if r.family == "python" and r.deprecated and r.deprecated.isoformat() > "2028" and not r.preview
    )
    return old, new


OLD, NEW = _catalog_pair()


def _template(runtime: str, name: str = "Fn") -> str:
    return (
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
        f"  {name}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: {runtime}\n"
        "      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/r\n"
        "      Code:\n        ZipFile: 'x'\n"
    )


def _run(capsys: pytest.CaptureFixture[str], cache: Path | None, *paths: str, extra: tuple[str, ...] = ()) -> tuple:
    """(exit code, findings as (rule, resource, line, file), stderr) of one ``check`` in this process."""
    cache_args = ["--no-cache"] if cache is None else ["--cache-dir", str(cache)]
    argv = ["check", "--as-of", AS_OF, "--format", "json", "--fail-on", "warning", *cache_args, *extra, *paths]
    code = cli.main(argv)
    out, err = capsys.readouterr()
    found = sorted((r["rule"], r["resource"], r["line"], r["file"]) for r in json.loads(out))
    return code, found, err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_settings: None) -> Path:
    """An empty project folder as the working directory, with an empty config file (no settings leak in)."""
    work = tmp_path / "project"
    work.mkdir()
    monkeypatch.chdir(work)
    (work / ".lambda-runtime-rules.yaml").write_text("{}\n", encoding="utf-8")
    return work


def _database(cache: Path) -> Path:
    return cache / f"results-{FORMAT}.sqlite3"


def _entries(cache: Path) -> list[bytes]:
    """The stored entries (their JSON bytes); none when the database does not exist."""
    if not _database(cache).is_file():
        return []
    with sqlite3.connect(_database(cache)) as db:
        return [row[0] for row in db.execute("SELECT data FROM entries ORDER BY key")]


def _overwrite_entries(cache: Path, data: bytes | str) -> None:
    with sqlite3.connect(_database(cache)) as db:
        db.execute("UPDATE entries SET data = ?", (data,))


def _stored_as(folder: Path, data: bytes | str) -> ResultCache:
    """A cache folder whose one entry, ``k``, holds ``data`` as stored; a new cache (to close) that reads it."""
    cache = ResultCache(folder, "run")
    cache.put(EntryKey("k", "", 0), FileResult("t.yaml"), {})
    cache.close()
    _overwrite_entries(folder, data)
    return ResultCache(folder, "run")


def _warm_equals_cold(capsys: pytest.CaptureFixture[str], cache: Path, *paths: str) -> tuple:
    """Run twice with the cache and once without; all three must agree. Returns the uncached result."""
    first = _run(capsys, cache, *paths)
    second = _run(capsys, cache, *paths)
    truth = _run(capsys, None, *paths)
    assert first[:2] == truth[:2] and second[:2] == truth[:2]
    return truth


def test_a_warm_run_is_served_from_the_cache_with_the_same_findings(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "a.yaml").write_text(_template(OLD), encoding="utf-8")
    (project / "b.yaml").write_text(_template(NEW), encoding="utf-8")
    cache = tmp_path / "cache"
    code, found, _ = _warm_equals_cold(capsys, cache, ".")
    assert code == 1 and [f[:3] for f in found] == [("EL1001", "Fn", 6)]
    assert len(_entries(cache)) == 3  # both templates and the config file (a YAML candidate that is no template)
    settings = Settings(as_of=dt.date.fromisoformat(AS_OF))
    results = ResultCache.open(cache, settings, default_catalog())
    check_files(iter_files(["."]), settings, default_catalog(), cache=results)
    assert (results.hits, results.misses) == (3, 0)
    entry = json.loads(_entries(cache)[0])  # JSON, never pickle
    assert set(entry) == {"notes", "result"}


def test_an_edit_of_the_same_size_and_time_is_seen(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The key is the content, not the size or the modification time."""
    template = project / "t.yaml"
    template.write_text(_template(NEW), encoding="utf-8")
    stamp = template.stat()
    cache = tmp_path / "cache"
    assert _run(capsys, cache, "t.yaml")[1] == []
    text = _template(OLD)
    template.write_text(text[: len(_template(NEW))].ljust(len(_template(NEW))), encoding="utf-8")
    os.utime(template, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    _warm_equals_cold(capsys, cache, "t.yaml")


def test_a_changed_serverless_include_is_seen(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: ${file(./runtime.yml):value}\nfunctions:\n"
        "  hello:\n    handler: h.main\n",
        encoding="utf-8",
    )
    include = project / "runtime.yml"
    include.write_text(f"value: {NEW}\n", encoding="utf-8")
    cache = tmp_path / "cache"
    assert _warm_equals_cold(capsys, cache, "serverless.yml")[1] == []
    include.write_text(f"value: {OLD}\n", encoding="utf-8")
    assert [f[0] for f in _warm_equals_cold(capsys, cache, "serverless.yml")[1]] == ["EL1001"]
    include.unlink()  # a missing include is an error line, never an old verdict
    code, _, err = _run(capsys, cache, "serverless.yml")
    assert code == 2 and "runtime.yml" in err


def _terraform_project(root: Path, runtime: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "main.tf").write_text(
        'module "fn" {\n  source = "./modules/fn"\n}\n', encoding="utf-8"
    )
    module = root / "modules" / "fn"
    module.mkdir(parents=True)
    (module / "variables.tf").write_text(
        f'variable "runtime" {{\n  default = "{runtime}"\n}}\n', encoding="utf-8"
    )
    (module / "main.tf").write_text(
        'resource "aws_lambda_function" "this" {\n  function_name = "f"\n  role = "r"\n  handler = "h"\n'
        "  runtime = var.runtime\n}\n",
        encoding="utf-8",
    )


def test_terraform_module_folders_new_files_and_tfvars_are_seen(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _terraform_project(project, NEW)
    cache = tmp_path / "cache"
    assert _warm_equals_cold(capsys, cache, ".")[1] == []
    # The module's default changes: only a file of the called folder changed, the root's main.tf did not.
    module = project / "modules" / "fn"
    (module / "variables.tf").write_text(f'variable "runtime" {{\n  default = "{OLD}"\n}}\n', encoding="utf-8")
    found = _warm_equals_cold(capsys, cache, "main.tf")[1]
    assert [(f[0], f[3]) for f in found] == [("EL1001", "modules/fn/variables.tf")]
    # A new file in the root folder sets the module's argument: a listing change, before anything reads it.
    (project / "main.tf").write_text(
        'module "fn" {\n  source = "./modules/fn"\n  runtime = var.runtime\n}\n', encoding="utf-8"
    )
    (project / "variables.tf").write_text(f'variable "runtime" {{\n  default = "{OLD}"\n}}\n', encoding="utf-8")
    assert _warm_equals_cold(capsys, cache, "main.tf")[1]
    (project / "terraform.tfvars").write_text(f'runtime = "{NEW}"\n', encoding="utf-8")
    assert _warm_equals_cold(capsys, cache, "main.tf")[1] == []


def test_a_changed_dockerfile_of_an_image_function_is_seen(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = default_catalog()
    old = next(r for r in catalog.runtimes.values() if r.image and r.deprecated and r.deprecated.isoformat() < "2025")
    new = next(
        r for r in catalog.runtimes.values() if r.image and r.deprecated and r.deprecated.isoformat() > "2028"
    )
    assert old.image and new.image
    (project / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties:\n      PackageType: Image\n    Metadata:\n      Dockerfile: Dockerfile\n"
        "      DockerContext: ./app\n",
        encoding="utf-8",
    )
    (project / "app").mkdir()
    dockerfile = project / "app" / "Dockerfile"
    dockerfile.write_text(f"FROM public.ecr.aws/lambda/{new.image.repository}:{new.image.tags[0]}\n", encoding="utf-8")
    cache = tmp_path / "cache"
    assert _warm_equals_cold(capsys, cache, "template.yaml")[1] == []
    dockerfile.write_text(f"FROM public.ecr.aws/lambda/{old.image.repository}:{old.image.tags[0]}\n", encoding="utf-8")
    assert _warm_equals_cold(capsys, cache, "template.yaml")[1]


def test_as_of_settings_and_the_catalog_are_part_of_the_key(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "t.yaml").write_text(_template(NEW), encoding="utf-8")
    cache = tmp_path / "cache"
    assert _run(capsys, cache, "t.yaml")[1] == []
    catalog = default_catalog()
    runtime = catalog.runtimes[NEW]
    later = runtime.block_update.isoformat() if runtime.block_update else "2040-01-01"  # update-blocked then
    code = cli.main(["check", "--as-of", later, "--format", "json", "--cache-dir", str(cache), "t.yaml"])
    assert code == 1 and "EL1001" in capsys.readouterr().out  # a later as_of: no verdict of the earlier day
    (project / ".lambda-runtime-rules.yaml").write_text("warn_days: 100000\n", encoding="utf-8")
    assert [f[0] for f in _run(capsys, cache, "t.yaml")[1]] == ["WL1004"]  # a setting from the config file
    (project / ".lambda-runtime-rules.yaml").write_text("{}\n", encoding="utf-8")
    overlay = tmp_path / "overlay.json"
    overlay.write_text(
        json.dumps({"runtimes": [{"identifier": NEW, "deprecated": "2020-01-01"}]}), encoding="utf-8"
    )
    found = _run(capsys, cache, "t.yaml", extra=("--catalog", str(overlay)))[1]
    assert found and found == _run(capsys, None, "t.yaml", extra=("--catalog", str(overlay)))[1]  # overlays too
    assert _run(capsys, cache, "t.yaml")[1] == []


def test_a_corrupt_or_foreign_entry_is_a_miss(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "t.yaml").write_text(_template(OLD), encoding="utf-8")
    cache = tmp_path / "cache"
    truth = _run(capsys, cache, "t.yaml")
    for junk in (b"", b"{not json", b"[]", json.dumps({"notes": {}, "result": {"findings": [[1]]}}).encode(),
                 json.dumps({"notes": {"q:/x": "y"}, "result": {}}).encode()):
        _overwrite_entries(cache, junk)
        assert _run(capsys, cache, "t.yaml")[:2] == truth[:2]
    _database(cache).write_bytes(b"not a database at all, " * 100)  # a damaged or foreign file: replaced
    code, found, err = _run(capsys, cache, "t.yaml")
    assert (code, found) == truth[:2] and "warning" not in err and _entries(cache)


def test_an_unwritable_cache_folder_costs_one_warning(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "t.yaml").write_text(_template(OLD), encoding="utf-8")
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder\n", encoding="utf-8")
    code, found, err = _run(capsys, blocked / "cache", "t.yaml")
    assert code == 1 and [f[0] for f in found] == ["EL1001"]
    assert len(re.findall(r"warning: cache folder .*cannot use it", err)) == 1


def test_no_cache_writes_nothing_and_the_default_folder(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "t.yaml").write_text(_template(OLD), encoding="utf-8")
    monkeypatch.setenv("LAMBDA_RUNTIME_RULES_CACHE_DIR", str(tmp_path / "from-env"))
    assert _run(capsys, None, "t.yaml")[0] == 1
    assert not (tmp_path / "from-env").exists()
    code = cli.main(["check", "--as-of", AS_OF, "t.yaml"])
    capsys.readouterr()
    assert code == 1 and _entries(tmp_path / "from-env")
    assert default_cache_dir({"XDG_CACHE_HOME": "/x"}) == os.path.join("/x", "lambda-runtime-rules")
    assert default_cache_dir({"LAMBDA_RUNTIME_RULES_CACHE_DIR": "/y", "XDG_CACHE_HOME": "/x"}) == "/y"
    assert default_cache_dir({}).endswith(os.path.join(".cache", "lambda-runtime-rules"))


def test_jobs_two_fills_and_reads_the_same_cache(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for index in range(12):
        (project / f"t{index}.yaml").write_text(_template(OLD if index % 3 == 0 else NEW), encoding="utf-8")
    _terraform_project(project / "tf", OLD)
    cache = tmp_path / "cache"
    truth = _run(capsys, None, ".")
    assert _run(capsys, cache, ".", extra=("--jobs", "2"))[:2] == truth[:2]
    assert _run(capsys, cache, ".", extra=("--jobs", "2"))[:2] == truth[:2]
    assert _run(capsys, cache, ".")[:2] == truth[:2]


def test_the_prune_removes_unused_entries_once_a_day(tmp_path: Path) -> None:
    day = 86400
    now = time.time()
    cache = ResultCache(tmp_path, "k")
    result = FileResult("t.yaml", kind="cloudformation")
    cache.put(EntryKey("old", "", 0), result, {})
    cache.put(EntryKey("fresh", "", 0), result, {})
    cache.flush()
    with sqlite3.connect(_database(tmp_path)) as db:
        db.execute("UPDATE entries SET used = used - ? WHERE key = 'old'", (KEEP_DAYS + 1,))
    assert cache.prune(now) == 1 and len(_entries(tmp_path)) == 1
    with sqlite3.connect(_database(tmp_path)) as db:
        db.execute("UPDATE entries SET used = used - ?", (KEEP_DAYS + 1,))
    assert cache.prune(now + 60) == 0 and len(_entries(tmp_path)) == 1  # not again the same day
    assert cache.prune(now + day) == 1 and _entries(tmp_path) == []
    cache.close()


def test_a_served_entry_is_marked_used(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "t.yaml").write_text(_template(OLD), encoding="utf-8")
    cache = tmp_path / "cache"
    _run(capsys, cache, "t.yaml")
    with sqlite3.connect(_database(cache)) as db:
        db.execute("UPDATE entries SET used = 0")
    _run(capsys, cache, "t.yaml")
    with sqlite3.connect(_database(cache)) as db:
        assert [row[0] for row in db.execute("SELECT used FROM entries")] == [int(time.time() // 86400)]


def test_the_corpus_warm_gives_what_it_gives_cold(corpus_dir: Path, tmp_path: Path) -> None:
    """Every corpus file, served from the cache, gives the findings and errors of a run without it."""
    settings = Settings(as_of=dt.date.fromisoformat(AS_OF))
    catalog = default_catalog()
    paths = iter_files([str(corpus_dir)])

    def outcome(cache: ResultCache | None) -> list[tuple]:
        results = check_files(paths, settings, catalog, cache=cache)
        return [(r.path, r.kind, r.error, tuple(r.findings), r.builds, r.regions) for r in results]

    truth = outcome(None)
    cold = ResultCache.open(tmp_path, settings, catalog)
    assert outcome(cold) == truth and cold.hits == 0
    warm = ResultCache.open(tmp_path, settings, catalog)
    assert outcome(warm) == truth
    assert warm.misses == 0 and warm.hits == sum(1 for _ in paths) - sum(1 for r in truth if "internal" in r[2])


# Every reader touches the file system through ``files`` (which notes it for the cache): a direct call here
# would be a dependency the cache cannot see, so a verdict could be served after that file changed.
_DIRECT = re.compile(
    r"os\.path\.(isfile|isdir|exists|getsize)\(|os\.(scandir|listdir|stat)\(|\bopen\(|\.read_(bytes|text)\(\)"
    r"|\.is_(file|dir)\(\)|\.exists\(\)|\.iterdir\(|\.glob\("
)
_ALLOWED = {("sources/terraform.py", "os.scandir("), ("suppressions.py", "os.stat(")}  # both noted explicitly


@pytest.mark.parametrize(
    "module",
    sorted(
        str(p.relative_to(PACKAGE))
        for p in [*PACKAGE.glob("sources/*.py"), PACKAGE / "loader.py", PACKAGE / "suppressions.py"]
    ),
)
def test_readers_reach_the_file_system_only_through_files(module: str) -> None:
    text = (PACKAGE / module).read_text(encoding="utf-8")
    found = {(module, m.group(0)) for m in _DIRECT.finditer(text)} - _ALLOWED
    assert not found, f"{module}: use lambda_runtime_rules.files (noted for the result cache): {sorted(found)}"


def test_files_notes_reads_probes_and_listings(tmp_path: Path) -> None:
    present = tmp_path / "a.txt"
    present.write_text("x", encoding="utf-8")
    with files.recording() as outer:
        files.read_bytes(present)
        with files.recording() as inner, pytest.raises(files.FileProblem):
            files.read_bytes(tmp_path / "missing.txt")
        files.is_dir(tmp_path)
        files.note_listing(tmp_path)
    assert set(inner) < set(outer) and len(outer) == 4
    assert all(files.state_now(key) == state for key, state in outer.items())
    present.write_text("y", encoding="utf-8")
    (tmp_path / "new.txt").write_text("", encoding="utf-8")
    changed = {key for key, state in outer.items() if files.state_now(key) != state}
    assert {key[0] for key in changed} == {"f", "d"}


def test_module_folders_decided_from_the_workers_equal_the_parent_parse(corpus_dir: Path) -> None:
    """``check`` now reads every Terraform file as a root and turns the folders another checked folder calls into
    module results afterwards (``as_called_module``); that gives what parsing every folder in the parent first
    (``module_folders``) and scanning the called ones ``as_module`` gave, on every corpus and fixture file (the
    fixtures hold the local module calls)."""
    from lambda_runtime_rules.scan import module_folders, scan_file

    settings = Settings(as_of=dt.date.fromisoformat(AS_OF))
    catalog = default_catalog()
    paths = iter_files([str(corpus_dir), str(ROOT / "fixtures")])
    modules = module_folders(paths)
    assert modules, "the corpus has Terraform folders called as local modules"
    before = [scan_file(p, settings, catalog, as_module=str(p.parent) in modules) for p in paths]
    now = check_files(paths, settings, catalog)
    assert [(r.path, r.kind, r.error, r.findings) for r in now] == [
        (r.path, r.kind, r.error, r.findings) for r in before
    ]


def test_a_folder_read_without_recording_is_read_again_for_the_cache(tmp_path: Path) -> None:
    """A Terraform folder parsed while nothing records (``--no-cache``, a library call) keeps no notes; the
    first read that records parses it again, so the cache entry still depends on every file of the folder."""
    from lambda_runtime_rules import files
    from lambda_runtime_rules.sources import terraform

    (tmp_path / "main.tf").write_text('variable "x" {\n  default = "1"\n}\n', encoding="utf-8")
    (tmp_path / "other.tf").write_text('locals {\n  y = 2\n}\n', encoding="utf-8")
    terraform.clear_cache()
    assert terraform.load_folder(str(tmp_path)).notes is None
    with files.recording() as notes:
        module = terraform.load_folder(str(tmp_path))
    assert module.notes and {key.rsplit(os.sep, 1)[-1] for key in notes if key.startswith("f")} == {
        "main.tf", "other.tf"
    }
    with files.recording() as again:  # a hit now replays them
        assert terraform.load_folder(str(tmp_path)) is module
    assert again == notes


def test_an_entry_notes_what_else_was_read_never_the_file_itself(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The file's own reads are its content, which is in the key; an include is noted and checked again."""
    (project / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: ${file(./runtime.yml):value}\nfunctions:\n"
        "  hello:\n    handler: h.main\n",
        encoding="utf-8",
    )
    (project / "runtime.yml").write_text(f"value: {NEW}\n", encoding="utf-8")
    (project / "t.yaml").write_text(_template(OLD), encoding="utf-8")
    cache = tmp_path / "cache"
    _run(capsys, cache, "serverless.yml", "t.yaml")
    notes = [json.loads(data)["notes"] for data in _entries(cache)]
    noted = {name.partition(":")[2] for entry in notes for name in entry}
    assert noted == {str(project / "runtime.yml")}  # read, and probed


def test_a_warm_run_on_the_same_day_writes_nothing(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "t.yaml").write_text(_template(OLD), encoding="utf-8")
    cache = tmp_path / "cache"
    truth = _run(capsys, cache, "t.yaml")
    before = _database(cache).read_bytes()
    assert _run(capsys, cache, "t.yaml") == truth
    assert _database(cache).read_bytes() == before


def test_lookups_in_batches_keep_the_order_duplicates_and_misses(tmp_path: Path) -> None:
    """More keys than one statement binds (500), a key asked twice, and keys never stored."""
    cache = ResultCache(tmp_path, "run")
    for index in range(1203):
        result = FileResult(f"f{index}.yaml", kind="cloudformation", error=f"e{index}")
        cache.put(EntryKey(f"k{index}", "", 0), result, {})
    cache.flush()
    served = ResultCache(tmp_path, "run")
    asked = [f"k{index}" for index in range(1202, -1, -3)] + ["k7", "missing", "k7", "k1203"]
    results = served.get_many([(key, Path(f"asked-{key}.yaml")) for key in asked])
    for key, result in zip(asked, results):
        if key in ("missing", "k1203"):
            assert result is None
        else:
            assert result is not None and (result.path, result.error) == (f"asked-{key}.yaml", f"e{key[1:]}")
    assert (served.hits, served.misses) == (len(asked) - 2, 2)
    served.close()
    cache.close()


_GOOD_ENTRY = {
    "notes": {},
    "result": {
        "kind": "cloudformation", "error": "", "module_error": "", "builds": ["/b/Dockerfile"],
        "regions": ["eu-west-1"], "calls": [], "findings": [["EL1001", "Fn", 6, 7, "m", "t.yaml", "r"]],
    },
}


def _with(path: tuple[object, ...], value: object) -> dict[str, object]:
    """``_GOOD_ENTRY`` with the value at ``path`` replaced."""
    entry = json.loads(json.dumps(_GOOD_ENTRY))
    place = entry
    for step in path[:-1]:
        place = place[step]
    place[path[-1]] = value
    return entry


@pytest.mark.parametrize(
    "entry",
    [
        _with(("result", "findings", 0, 2), True),  # a bool is no line number
        _with(("result", "findings", 0, 3), 7.0),
        _with(("result", "findings", 0, 0), None),
        _with(("result", "findings", 0), ["EL1001", "Fn", 6, 7, "m", "t.yaml"]),
        _with(("result", "findings", 0), {"rule": "EL1001"}),
        _with(("result", "findings"), "EL1001"),
        _with(("result", "builds"), "/b/Dockerfile"),  # a string is no list of paths
        _with(("result", "regions"), [["eu-west-1"]]),
        _with(("result", "calls"), {"x": 1}),
        _with(("result", "kind"), 1),
        _with(("result", "module_error"), None),
        _with(("result",), []),
        _with(("notes",), ["k:/x"]),
        _with(("notes",), {"k:/x": 1}),
    ],
)
def test_every_foreign_shape_of_an_entry_is_a_miss(tmp_path: Path, entry: dict[str, object]) -> None:
    cache = ResultCache(tmp_path, "run")
    cache.put(EntryKey("good", "", 0), FileResult("t.yaml"), {})
    cache.put(EntryKey("bad", "", 0), FileResult("t.yaml"), {})
    cache.flush()
    with sqlite3.connect(_database(tmp_path)) as db:
        db.execute("UPDATE entries SET data = ? WHERE key = 'good'", (json.dumps(_GOOD_ENTRY).encode(),))
        db.execute("UPDATE entries SET data = ? WHERE key = 'bad'", (json.dumps(entry).encode(),))
    good, bad = ResultCache(tmp_path, "run").get_many([("good", Path("t.yaml")), ("bad", Path("t.yaml"))])
    assert good is not None and bad is None
    assert [(f.rule, f.line, f.column) for f in good.findings] == [("EL1001", 6, 7)]
    assert (good.builds, good.regions, good.calls) == ({"/b/Dockerfile"}, {"eu-west-1"}, frozenset())
    cache.close()


@given(data=st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_stored_json_is_served_or_a_miss_never_an_exception(tmp_path: Path, data: object) -> None:
    with contextlib.closing(_stored_as(tmp_path, json.dumps(data).encode())) as cache:
        result = cache.get("k", Path("t.yaml"))
        assert result is None or isinstance(result, FileResult)


@pytest.mark.parametrize("change", ["edit", "delete"])
def test_a_file_changed_between_its_key_and_its_scan_is_not_stored(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    """Saved (or deleted) after its key was taken from one content and before the scan read another: the result is
    that of the content read, so it must not be served for the first one when the file has it again."""
    from lambda_runtime_rules.commands import check

    template = project / "t.yaml"
    template.write_text(_template(OLD), encoding="utf-8")
    truth = _run(capsys, None, "t.yaml")
    assert [f[0] for f in truth[1]] == ["EL1001"]
    real = check._scan_one

    def changed_meanwhile(path: Path, *args: object, **kwargs: object) -> FileResult:
        if change == "edit":
            Path(path).write_text(_template(NEW), encoding="utf-8")
        else:
            Path(path).unlink()
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    cache = tmp_path / "cache"
    monkeypatch.setattr(check, "_scan_one", changed_meanwhile)
    _run(capsys, cache, "t.yaml")
    monkeypatch.setattr(check, "_scan_one", real)
    assert _entries(cache) == []
    template.write_text(_template(OLD), encoding="utf-8")  # the first content again (an undo, a checkout)
    assert _run(capsys, cache, "t.yaml")[:2] == truth[:2]


@pytest.mark.parametrize(
    "data",
    [
        json.dumps({"notes": {"f\u00b2:/x": "s"}, "result": _GOOD_ENTRY["result"]}).encode(),  # a digit, no decimal
        json.dumps({"notes": {"f" + "9" * 5000 + ":/x": "s"}, "result": _GOOD_ENTRY["result"]}).encode(),
        b"[" * 100_000 + b"]" * 100_000,  # past the recursion limit
        b'{"notes":{},"result":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ],
)
def test_a_damaged_entry_is_a_miss_whatever_it_holds(tmp_path: Path, data: bytes) -> None:
    with contextlib.closing(_stored_as(tmp_path, data)) as served:
        assert served.get_many([("k", Path("t.yaml"))]) == [None] and served.misses == 1


def test_a_row_of_text_that_is_not_utf8_spoils_only_itself(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, "run")
    for index in range(20):
        cache.put(EntryKey(f"k{index}", "", 0), FileResult(f"t{index}.yaml", kind="cloudformation"), {})
    cache.close()
    with sqlite3.connect(_database(tmp_path)) as db:
        db.execute("UPDATE entries SET data = CAST(X'7B22FF22' AS TEXT), used = CAST(X'FF' AS TEXT) WHERE key = 'k3'")
    served = ResultCache(tmp_path, "run")
    results = served.get_many([(f"k{index}", Path(f"t{index}.yaml")) for index in range(20)])
    assert [index for index, result in enumerate(results) if result is None] == [3]
    assert not served.problem
    served.close()


@given(notes=st.dictionaries(
    st.from_regex(r"\A[fkdq]?[0-9\u00b2\u0663]{0,20}:?.{0,12}\Z") | st.text(max_size=12),
    st.text(max_size=8) | st.integers() | st.none(),
    max_size=4,
))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_noted_dependency_is_checked_or_a_miss_never_an_exception(tmp_path: Path, notes: dict) -> None:
    data = json.dumps({"notes": notes, "result": _GOOD_ENTRY["result"]})
    with contextlib.closing(_stored_as(tmp_path, data)) as cache:
        result = cache.get("k", Path("t.yaml"))
        current = all(isinstance(state, str) and files.state_now(noted) == state for noted, state in notes.items())
        assert isinstance(result, FileResult) == current
