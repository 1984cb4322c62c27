"""scripts/catalog_refresh.py, the one script the scheduled refresh workflow runs: offline, on copies.

Every test works on a temporary copy of rules_data/ (the real catalog is never written) and on saved pages:
the seeds and the constructed pages under fixtures/refresh/.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lambda_runtime_rules import catalog

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "catalog_refresh.py"
FIXTURES = ROOT / "fixtures" / "refresh"
SEEDS = ROOT.parent / "shared" / "seeds"

_spec = importlib.util.spec_from_file_location("catalog_refresh_script", SCRIPT)
assert _spec and _spec.loader
script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(script)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the repository's rules_data/ (schema, stamp and all)."""
    copy = tmp_path / "rules_data"
    shutil.copytree(ROOT / "rules_data", copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.fixture
def fake_data_dir(data_dir: Path) -> Path:
    """The copy with the made-up fakelang catalog the constructed pages are written against."""
    shutil.copy(FIXTURES / "catalog.json", data_dir / "catalog.json")
    return data_dir


@pytest.fixture(autouse=True)
def _no_github_files(monkeypatch):
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def _stamp_holds(directory: Path) -> bool:
    text = catalog.fingerprint(
        (directory / catalog.SCHEMA_FILE).read_text(encoding="utf-8"),
        (directory / catalog.CATALOG_FILE).read_text(encoding="utf-8"),
    )
    return (directory / catalog.STAMP_FILE).read_text(encoding="utf-8").strip() == text


_BODY = """\
## Runtime catalog refresh

From AWS's "Lambda runtimes" page: page.md (markdown, 4 runtime row(s) in 2 table(s), page date 2030-07-01).

Opened by the scheduled catalog refresh; nothing is merged automatically. Check each line against the page.

### New identifiers (1)

| Identifier | Name | OS | Deprecated | Block create | Block update |
|---|---|---|---|---|---|
| fakelang4 | Fakelang 4 | amazon-linux-2023 | \u2014 | \u2014 | \u2014 |

### Changed dates (1)

| Runtime | Field | Catalog | Page |
|---|---|---|---|
| fakelang2 | deprecated | 2031-01-10 | 2031-06-10 |

### Other changes (1)

| Runtime | Field | Catalog | Page |
|---|---|---|---|
| fakelang3 | os | amazon-linux-2 | amazon-linux-2023 |

### Regressions held back (1)

| Runtime | Field | Catalog | Page | Why |
|---|---|---|---|---|
| fakelang1 | block\\_update | 2030-05-01 | 2030-04-15 | earlier than the catalog's date: the page may be stale |

### Catalog review date

`reviewed` stays 2030-06-01.

### Not on the page, left untouched (1)

fakelang0.9

### Notes

- new runtime(s) in family fakelang: review the successor of its members
- reviewed stays 2030-06-01: regressions were not applied
"""


def test_markdown_page_changes_the_catalog_restamps_and_writes_the_body(fake_data_dir, tmp_path, capsys):
    real = (ROOT / "rules_data" / "catalog.json").read_bytes()
    body = tmp_path / "body.md"
    code = script.main([str(FIXTURES / "page.md"), "--data-dir", str(fake_data_dir), "--body", str(body),
                        "--page-date", "2030-07-01", "--label", "page.md"])
    assert code == 0
    assert body.read_text(encoding="utf-8") == _BODY
    written = {e["identifier"]: e for e in json.loads((fake_data_dir / "catalog.json").read_text())["runtimes"]}
    assert written["fakelang2"]["deprecated"] == "2031-06-10"
    assert written["fakelang1"]["block_update"] == "2030-05-01"  # the regression stays held back
    assert _stamp_holds(fake_data_dir)
    catalog.load_file(fake_data_dir / "catalog.json")
    assert "catalog changed: open a pull request" in capsys.readouterr().err
    assert (ROOT / "rules_data" / "catalog.json").read_bytes() == real


@pytest.mark.parametrize("name", ["page.html", "page-combined.html", "page.md"])
def test_every_layout_makes_the_same_catalog(fake_data_dir, tmp_path, name):
    assert script.main([str(FIXTURES / name), "--data-dir", str(fake_data_dir), "--body", str(tmp_path / "b.md"),
                        "--page-date", "2030-07-01"]) == 0
    document = json.loads((fake_data_dir / "catalog.json").read_text(encoding="utf-8"))
    document["sources"].pop("aws-page-2030-07-01")
    assert {e["identifier"] for e in document["runtimes"]} == {
        "fakelang0.9", "fakelang1", "fakelang2", "fakelang3", "fakelang4", "fakecustom",
    }


def test_second_run_on_the_same_page_changes_nothing(fake_data_dir, tmp_path):
    body = tmp_path / "body.md"
    args = [str(FIXTURES / "page-clean.txt"), "--data-dir", str(fake_data_dir), "--body", str(body),
            "--page-date", "2030-07-01"]
    assert script.main(args) == 0
    assert "`reviewed`: 2030-06-01 -> 2030-07-01" in body.read_text(encoding="utf-8")
    stamp = (fake_data_dir / catalog.STAMP_FILE).read_bytes()
    assert script.main(args) == 1  # nothing to change: no pull request
    assert (fake_data_dir / catalog.STAMP_FILE).read_bytes() == stamp
    assert "`reviewed` stays 2030-07-01." in body.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["000_f43d5d7a376df208.txt", "001_588110a8601dc75c.txt"])
def test_seed_pages_are_older_than_the_catalog_so_no_pull_request(data_dir, tmp_path, name):
    if not (SEEDS / name).is_file():
        pytest.skip(f"seed page not found at {SEEDS}")
    before = {p.name: p.read_bytes() for p in data_dir.iterdir() if p.is_file()}
    body = tmp_path / "body.md"
    assert script.main([str(SEEDS / name), "--data-dir", str(data_dir), "--body", str(body)]) == 1
    assert {p.name: p.read_bytes() for p in data_dir.iterdir() if p.is_file()} == before
    text = body.read_text(encoding="utf-8")
    assert "### New identifiers (0)\n\nNone." in text and "### Changed dates (0)\n\nNone." in text
    if name.startswith("000"):
        assert "| nodejs16.x | deprecated | " in text  # held back: the 2023 page's date, since moved
        assert "### Regressions held back (" in text


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("unreadable-empty.html", "the page is empty"),
        ("unreadable-binary.html", "not a text page"),
        ("unreadable-truncated.html", "ends inside a runtime table"),
        ("unreadable-truncated.md", "ends inside a table row"),
        ("unreadable-no-table.md", "no runtime table found"),
    ],
)
def test_unreadable_page_fails_the_run_without_a_body(fake_data_dir, tmp_path, capsys, name, problem):
    before = (fake_data_dir / "catalog.json").read_bytes()
    body = tmp_path / "body.md"
    assert script.main([str(FIXTURES / name), "--data-dir", str(fake_data_dir), "--body", str(body)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and problem in err and name in err
    assert not body.exists()
    assert (fake_data_dir / "catalog.json").read_bytes() == before


def test_page_text_cannot_format_the_body_or_mention_anyone(fake_data_dir, tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "| Name | Identifier | Operating system | Deprecation date |\n|---|---|---|---|\n"
        "| Fakelang 9 @octocat <img src=x> \\| **x** fixes #1 | `fakelang9` | Amazon Linux 2023 | Jan 1, 2033 |\n",
        encoding="utf-8",
    )
    body = tmp_path / "body.md"
    assert script.main([str(page), "--data-dir", str(fake_data_dir), "--body", str(body),
                        "--page-date", "2030-07-01"]) == 0
    (row,) = [line for line in body.read_text(encoding="utf-8").splitlines() if line.startswith("| fakelang9 |")]
    assert "&#64;octocat" in row and "@" not in row
    assert "<" not in row.replace("\\<", "") and "\\#1" in row
    assert row.count("|") - row.count("\\|") == 7  # six cells: the page's pipe stays escaped


def test_refuses_plain_http_and_other_schemes_without_touching_the_network(fake_data_dir, tmp_path, capsys):
    for url in ("http://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html", "file:///etc/passwd"):
        assert script.main([url, "--data-dir", str(fake_data_dir), "--body", str(tmp_path / "b.md")]) == 2
        assert "only https:// URLs are downloaded" in capsys.readouterr().err


def test_bad_options_and_missing_catalog_exit_2(tmp_path, capsys):
    page = str(FIXTURES / "page.md")
    assert script.main([page, "--body", str(tmp_path / "b.md"), "--page-date", "soon"]) == 2
    assert script.main([page, "--body", str(tmp_path / "b.md"), "--data-dir", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "not a date" in err[0] and "no catalog there" in err[1]


def test_as_the_workflow_runs_it(fake_data_dir, tmp_path):
    """The real entry point, with GitHub's output and summary files: what the workflow's steps read."""
    outputs, summary, body = tmp_path / "out", tmp_path / "summary.md", tmp_path / "body.md"
    env = {**os.environ, "GITHUB_OUTPUT": str(outputs), "GITHUB_STEP_SUMMARY": str(summary)}
    args = [sys.executable, str(SCRIPT), str(FIXTURES / "page.md"), "--data-dir", str(fake_data_dir),
            "--body", str(body), "--page-date", "2030-07-01"]
    first = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    second = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert (first.returncode, second.returncode) == (0, 1), first.stderr + second.stderr
    assert outputs.read_text(encoding="utf-8") == "changed=true\nchanged=false\n"
    assert summary.read_text(encoding="utf-8").count("## Runtime catalog refresh") == 2
    assert _stamp_holds(fake_data_dir)


def test_stamp_script_on_a_copy_refuses_an_invalid_catalog(data_dir, capsys):
    import stamp_catalog  # on sys.path: the refresh script put scripts/ there

    stamp = (data_dir / catalog.STAMP_FILE).read_bytes()
    document = json.loads((data_dir / "catalog.json").read_text(encoding="utf-8"))
    document["runtimes"][0]["deprecated"] = "not a date"
    (data_dir / "catalog.json").write_text(json.dumps(document), encoding="utf-8")
    assert stamp_catalog.main(["--data-dir", str(data_dir)]) == 2
    assert capsys.readouterr().err.startswith(f"stamp_catalog: {data_dir / 'catalog.json'}: ")
    assert (data_dir / catalog.STAMP_FILE).read_bytes() == stamp
