"""From a file on disk to findings: recognise the format, load it safely, extract subjects, evaluate.

The CLI, the report, and both host packs (which re-read the original file so that SAM Globals and parameter
AllowedValues are seen exactly as written, not as the host transformed them) all come through here, which
is what makes their verdicts identical.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Catalog
from .engine import evaluate_all
from .files import FileProblem
from .model import Finding, FunctionSubject, Subject
from .settings import Settings
from .suppressions import attach

YAML_SUFFIXES = (".yaml", ".yml", ".template")
JSON_SUFFIXES = (".json",)
TERRAFORM_SUFFIXES = (".tf", ".tf.json")
TFVARS_SUFFIXES = (".tfvars", ".tfvars.json")
SKIP_DIRS = {".git", ".terraform", "node_modules", ".aws-sam", "__pycache__", ".venv", "venv", ".tox"}
# JSON-with-comments by definition (TypeScript's and VS Code's own formats), so never a template: CloudFormation
# and Serverless reject comments in JSON. Every CDK and serverless.ts project has a commented tsconfig.json, and
# reading it as a template failed the whole run (exit 2).
JSONC_CONFIG_PREFIXES = ("tsconfig.", "jsconfig.")
JSONC_DIRS = {".vscode", ".devcontainer"}


class InputError(Exception):
    """A file that cannot be read or parsed: one line, naming the file and the problem.

    ``partial``: the kind and subjects still read when only a part failed (a Serverless include that cannot be
    read): they are checked, and the line is still printed (exit 2).
    """

    def __init__(self, message: str, partial: tuple[str, list[Subject]] | None = None) -> None:
        super().__init__(message)
        self.partial = partial


NO_SUBJECTS: list[Subject] = []
"""Shared by every result that dropped its subjects (never appended to): ``check`` keeps one result per file to
the end, so what an empty one costs is multiplied by the tree (a fresh list, dict or frozenset is 50-200 bytes)."""


def shared_frozenset(items: Iterable[str]) -> frozenset[str]:
    """``frozenset(items)``, the one shared empty frozenset when there are none."""
    found = frozenset(items)
    return found if found else _EMPTY


_EMPTY: frozenset[str] = frozenset()


@dataclass
class FileResult:
    """What a scan of one file produced: its kind ('' when not a file we check), subjects and findings."""

    path: str
    kind: str = ""
    subjects: list[Subject] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    error: str = ""
    # Real paths of the Dockerfiles this file's image functions are built from (kept when ``check`` drops subjects).
    builds: frozenset[str] = frozenset()
    # The Region codes this file itself names (Terraform provider, Serverless provider.region), likewise kept.
    regions: frozenset[str] = frozenset()
    # What the scan read, probed and listed (``files.recording``), when the result cache asked for it.
    notes: Mapping[str, str] | None = None
    # A Terraform file read as a root: the folders its folder calls as local modules, and the error it would
    # have as a called module (only its own parse), so ``check`` decides without parsing anything itself.
    calls: frozenset[str] = frozenset()
    module_error: str = ""


def is_candidate(path: Path) -> bool:
    name = path.name.lower()
    if name.endswith(YAML_SUFFIXES + JSON_SUFFIXES + TERRAFORM_SUFFIXES + TFVARS_SUFFIXES):
        return True
    from .sources import names  # by name only: a walk imports none of the readers

    if names.is_dockerfile(path) or names.is_config_script(path):
        return True
    # CDK app source: a candidate only when it mentions the CDK's Lambda module
    return names.is_cdk_source(path) and names.mentions_file(path)


def is_jsonc_config(path: Path) -> bool:
    """A TypeScript/JavaScript project config (``tsconfig*.json``, ``jsconfig*.json``) or an editor's settings
    (``.vscode/``, ``.devcontainer/``): JSON with comments, never a template, so not read as one."""
    name = path.name.lower()
    if not name.endswith(JSON_SUFFIXES):
        return False
    return name.startswith(JSONC_CONFIG_PREFIXES) or name == "devcontainer.json" or path.parent.name in JSONC_DIRS


def is_terraform(path: Path) -> bool:
    """A ``.tf`` or ``.tf.json`` file: read with its folder, which Terraform treats as one module."""
    return path.name.lower().endswith(TERRAFORM_SUFFIXES)


def iter_files(paths: list[str]) -> list[Path]:
    """Files named on the command line, and candidate files found under folders (sorted, deterministic).

    A Terraform file (``.tf``, ``.tf.json``, ``.tfvars``) stands for its whole folder: Terraform reads a folder
    as one module, so a hook handed only ``variables.tf`` or ``terraform.tfvars`` must check the resources
    beside it. Each folder's ``.tf``/``.tf.json`` files are listed once; ``.tfvars`` files are not checked
    themselves (they hold values, read with their folder).
    """
    return list(walk_files(paths))


def walk_files(paths: list[str]) -> Iterator[Path]:
    """``iter_files`` as the walk finds them, so a caller can start on the first files before the walk ends."""
    seen: set[str] = set()  # by the path's text: a str hashes once and keeps it, a Path hashes its parts each time
    unreadable: list[Path] = []

    def new(candidate: Path) -> bool:
        key = str(candidate)
        if key in seen:
            return False
        seen.add(key)
        return True

    def folder_members(path: Path) -> list[Path]:
        try:
            members = sorted(p for p in path.parent.iterdir() if is_terraform(p) and p.is_file())
        except OSError:
            members = []
        return [Path(path.parent, m.name) if str(path.parent) != "." else Path(m.name) for m in members]

    def on_error(exc: OSError) -> None:
        # A folder we may not list is added as if it were a file: reading it fails with one line, and exit 2.
        # Skipping it silently would pass a hook on whatever it holds.
        if exc.filename is not None:
            unreadable.append(Path(exc.filename))

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path, onerror=on_error):
                yield from filter(new, unreadable)
                unreadable.clear()
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
                base = Path(root)
                for name in sorted(files):
                    candidate = base / name
                    if (
                        name.lower().endswith(".tf")  # a .tf name (most of a Terraform tree) passes them all
                        or (
                            is_candidate(candidate)
                            and not is_jsonc_config(candidate)
                            and not name.lower().endswith(TFVARS_SUFFIXES)
                            and not _generated_source(candidate, path, name)
                        )
                    ) and new(candidate):
                        yield candidate
            yield from filter(new, unreadable)
            unreadable.clear()
        elif path.name.lower().endswith(TERRAFORM_SUFFIXES + TFVARS_SUFFIXES) and path.is_file():
            if is_terraform(path) and new(path):
                yield path
            yield from filter(new, folder_members(path))
        elif new(path):
            yield path


def _generated_source(candidate: Path, top: Path, name: str) -> bool:
    """Source under build output or dependencies (cdk.out assets, dist/, target/): not the user's CDK app.

    ``name``: the candidate's file name, which alone says whether it is source (no Path work per file)."""
    from .sources import names

    return names.is_cdk_source(name) and not names.CDK_SKIP_DIRS.isdisjoint(candidate.relative_to(top).parts[:-1])


def module_folders(files: Sequence[Path]) -> frozenset[str]:
    """The folders among these files' that another of them calls as a local module (``source = "./x"``).

    Terraform never applies such a folder on its own: its variables are the caller's arguments. So, as Checkov
    does, it is judged through its callers, not a second time with its bare defaults. A module folder checked
    alone (a hook handed only its files) has no caller in the run and is judged with its defaults.
    """
    folders = {str(path.parent) for path in files if is_terraform(path)}
    if len(folders) < 2:
        return frozenset()
    from .sources import terraform

    return frozenset(terraform.called_folders(sorted(folders)) & folders)


def subjects_from_document(document: object, file: str, problems: list[str] | None = None) -> tuple[str, list[Subject]]:
    """Recognise a parsed YAML/JSON document as CloudFormation/SAM or Serverless and extract its subjects.

    ``problems`` collects a line per Serverless include that cannot be read (the rest is still read).
    """
    from .sources import cloudformation, serverless

    if cloudformation.is_template(document):
        return "cloudformation", cloudformation.subjects(document, file, problems)
    if serverless.is_serverless(document):
        return "serverless", serverless.subjects(document, file, problems)
    return "", []


def load_subjects(
    path: Path, var_files: Sequence[str] = (), as_module: bool = False, policies: bool = False
) -> tuple[str, list[Subject]]:
    """Kind and subjects of one file; raises InputError for a file that cannot be read or parsed.

    ``policies``: also read IAM policy documents (EL3004 and ``report``'s control section). A template's IAM
    resources are otherwise not even built into nodes: they are a large part of a big template, and only high
    compliance judges them.

    A Terraform file is evaluated with its folder (variables, locals and tfvars from every file there, module
    calls followed); the subjects are the resources and module calls written in this file. ``as_module``: the
    folder is a module that a checked folder calls (see ``module_folders``): it is judged through its callers,
    with their arguments, so here it is only parsed.
    """
    display = str(path)
    if is_terraform(path):
        from .sources import hcl, terraform

        notes: list[str] = []
        folder, only = str(path.parent), [] if as_module else [display]
        try:
            subjects, errors = terraform.evaluate_folder(folder, only, var_files, notes, policies=policies)
        finally:  # this file's resources are read: its tree is not needed again (the folder's model stays cached)
            hcl.release_tree(display)
        if display in errors:
            raise InputError(errors[display])
        if not path.is_file():
            raise InputError(f"{display}: cannot read: no such file")
        return _complete("terraform", subjects, notes)
    if path.name.lower().endswith(TFVARS_SUFFIXES) or is_jsonc_config(path):  # a hook may hand us tsconfig.json
        return "", []
    if not path.name.lower().endswith(YAML_SUFFIXES + JSON_SUFFIXES):
        # A YAML or JSON name is no Dockerfile, code or script: a template check never imports those readers.
        found = _load_code(path, display)
        if found is not None:
            return found
    from .loader import LoadError, load_file_documents
    from .sources.cloudformation import RESOURCE_TYPES
    from .sources.iam import POLICY_TYPES

    try:
        documents = load_file_documents(path, keep_types=RESOURCE_TYPES | POLICY_TYPES if policies else RESOURCE_TYPES)
    except LoadError as exc:
        raise InputError(f"{display}: {exc}") from None
    except OSError as exc:
        raise InputError(f"{display}: cannot read: {_reason(exc)}") from None
    problems: list[str] = []
    kind, subjects = "", []
    for document in documents:  # a YAML stream (a Kubernetes manifest): each template in it, the rest skipped
        found_kind, found = subjects_from_document(document, display, problems)
        kind = kind or found_kind
        subjects.extend(found)
    return _complete(kind, subjects, problems)


def _load_code(path: Path, display: str) -> tuple[str, list[Subject]] | None:
    """A Dockerfile, CDK app source or a Serverless script, by its name; None when it is none of them. Only the
    reader the name calls for is imported."""
    from .sources import names

    if names.is_dockerfile(path):  # the FROM of a container-image function
        from .sources import dockerfile

        try:
            return _complete("dockerfile", list(dockerfile.load(path)), [])
        except FileProblem as exc:
            raise InputError(f"{display}: {exc}") from None
    if names.is_cdk_source(path) and not names.is_config_script(path):  # CDK app source: parsed, never run
        from .sources import cdk

        kind, found, problems = cdk.load(display)
        if kind or problems or not names.is_script(path):
            return _complete(kind, found, problems)
    if names.is_script(path):  # serverless.ts / .js: read statically, never run
        from .sources import serverless_script

        return _complete(*serverless_script.load(display))
    return None


def _complete(kind: str, subjects: list[Subject], problems: list[str]) -> tuple[str, list[Subject]]:
    """The subjects (with the suppressions written in comments), or one InputError line that still carries them."""
    subjects = attach(subjects)
    if problems:
        raise InputError("; ".join(problems), partial=(kind, subjects))
    return kind, subjects


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def scan_file(
    path: Path,
    settings: Settings,
    catalog: Catalog,
    var_files: Sequence[str] = (),
    as_module: bool = False,
) -> FileResult:
    """Findings for one file; a parse failure is recorded on the result, never raised."""
    result = FileResult(str(path))
    try:
        result.kind, result.subjects = load_subjects(path, var_files, as_module, policies=settings.high_compliance)
    except InputError as exc:
        result.error = str(exc)
        if exc.partial is not None:
            result.kind, result.subjects = exc.partial
    result.findings = sorted(evaluate_all(result.subjects, settings, catalog), key=lambda f: f.sort_key)
    result.builds = built_dockerfiles(result.subjects)
    result.regions = written_regions(result.subjects)
    if not as_module and is_terraform(path):
        _as_caller(result, path)
    return result


def _as_caller(result: FileResult, path: Path) -> None:
    """What ``as_called_module`` needs of a Terraform file read as a root (its folder is parsed already)."""
    from . import files
    from .sources import terraform

    module = terraform.load_folder(str(path.parent))
    result.calls = terraform.local_calls(module)
    display = str(path)
    if display in module.errors:
        result.module_error = module.errors[display]
    elif not files.is_file(path):
        result.module_error = f"{display}: cannot read: no such file"


def as_called_module(results: Sequence[FileResult]) -> list[FileResult]:
    """The results, those of Terraform folders that another checked folder calls turned into module results.

    Terraform never applies such a folder on its own: its variables are the caller's arguments. So, as Checkov
    does, it is judged through its callers, not a second time with its bare defaults; only its own parse errors
    stay. Every file is read as a root first (in the workers, or from the cache), which tells the folders each
    calls: nothing is parsed twice. The same verdicts as ``module_folders`` followed by ``as_module`` scans.
    """
    parents: dict[str, str] = {}  # dirname -> str(Path(path).parent): one Path per folder, not per file

    def folder_of(path: str) -> str | None:
        if not path.lower().endswith(TERRAFORM_SUFFIXES):  # is_terraform, without building a Path
            return None
        key = os.path.dirname(path)
        folder = parents.get(key)
        if folder is None:
            folder = parents[key] = str(Path(path).parent)
        return folder

    calls = frozenset().union(*(r.calls for r in results if r.calls))
    if not calls:  # most runs: no folder calls another (and then no Path work per result)
        return list(results)
    folders = {folder for folder in map(folder_of, (r.path for r in results)) if folder is not None}
    if len(folders) < 2:
        return list(results)
    called = calls & folders
    if not called:
        return list(results)
    out = []
    for result in results:
        if folder_of(result.path) in called:
            kind = "" if result.module_error else "terraform"
            result = FileResult(result.path, kind=kind, error=result.module_error)
        out.append(result)
    return out


def built_dockerfiles(subjects: Iterable[Subject]) -> frozenset[str]:
    """The Dockerfiles (real paths) that these subjects' image functions are built from."""
    return shared_frozenset(s.built_from for s in subjects if isinstance(s, FunctionSubject) and s.built_from)


def written_regions(subjects: Iterable[Subject]) -> frozenset[str]:
    """The Region codes these subjects' files name (a Terraform provider, a Serverless ``provider.region``)."""
    values = (v.value for s in subjects for v in getattr(s, "regions", ()))
    return shared_frozenset(str(value) for value in values if isinstance(value, str))


def judged_through_functions(path: str, kind: str, built: frozenset[str]) -> bool:
    """A Dockerfile that a template in the same run builds a function from is judged through that function.

    Its findings then come once, under the function's name and with the template's build arguments and target,
    which is what is deployed; judging the bare file as well would report the same FROM twice (and, with
    build arguments, a base image that is never built). A Dockerfile checked without its template (a pre-commit
    run that touches only it) is still judged on its own.
    """
    return kind == "dockerfile" and bool(built) and os.path.realpath(path) in built
