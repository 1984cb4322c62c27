"""From a file on disk to findings: recognise the format, load it safely, extract subjects, evaluate.

The CLI, the report, and both host packs (which re-read the original file so that SAM Globals and parameter
AllowedValues are seen exactly as written, not as the host transformed them) all come through here, which
is what makes their verdicts identical.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Catalog
from .engine import evaluate_all
from .model import Finding, Subject
from .settings import Settings

YAML_SUFFIXES = (".yaml", ".yml", ".template")
JSON_SUFFIXES = (".json",)
TERRAFORM_SUFFIXES = (".tf",)
SKIP_DIRS = {".git", ".terraform", "node_modules", ".aws-sam", "__pycache__", ".venv", "venv", ".tox"}


class InputError(Exception):
    """A file that cannot be read or parsed: one line, naming the file and the problem."""


@dataclass
class FileResult:
    """What a scan of one file produced: its kind ('' when not a file we check), subjects and findings."""

    path: str
    kind: str = ""
    subjects: list[Subject] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    error: str = ""


def is_candidate(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(YAML_SUFFIXES + JSON_SUFFIXES + TERRAFORM_SUFFIXES)


def iter_files(paths: list[str]) -> list[Path]:
    """Files named on the command line, and candidate files found under folders (sorted, deterministic)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
                for name in sorted(files):
                    candidate = Path(root) / name
                    if is_candidate(candidate):
                        found.append(candidate)
        else:
            found.append(path)
    return found


def subjects_from_document(document: object, file: str) -> tuple[str, list[Subject]]:
    """Recognise a parsed YAML/JSON document as CloudFormation/SAM or Serverless and extract its subjects."""
    from .sources import cloudformation, serverless

    if cloudformation.is_template(document):
        return "cloudformation", cloudformation.subjects(document, file)
    if serverless.is_serverless(document):
        return "serverless", serverless.subjects(document, file)
    return "", []


def load_subjects(path: Path, terraform_variables: dict[str, object] | None = None) -> tuple[str, list[Subject]]:
    """Kind and subjects of one file; raises InputError for a file that cannot be read or parsed."""
    display = str(path)
    if path.suffix.lower() in TERRAFORM_SUFFIXES:
        from .sources import terraform

        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{display}: cannot read: {_reason(exc)}") from None
        try:
            return "terraform", terraform.subjects_from_hcl(text, display, terraform_variables)
        except terraform.TerraformError as exc:
            message = str(exc)  # already "file:line: problem" when the parser knows the line
            raise InputError(message if message.startswith(display) else f"{display}: {message}") from None
        except ImportError:
            raise InputError(
                f"{display}: Terraform needs an HCL2 parser: pip install 'lambda-runtime-rules[terraform]'"
            ) from None
    from .loader import LoadError, load_file
    from .sources.cloudformation import RESOURCE_TYPES

    try:
        document = load_file(path, keep_types=RESOURCE_TYPES)
    except LoadError as exc:
        raise InputError(f"{display}: {exc}") from None
    except OSError as exc:
        raise InputError(f"{display}: cannot read: {_reason(exc)}") from None
    return subjects_from_document(document, display)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def scan_file(
    path: Path,
    settings: Settings,
    catalog: Catalog,
    terraform_variables: dict[str, object] | None = None,
) -> FileResult:
    """Findings for one file; a parse failure is recorded on the result, never raised."""
    result = FileResult(str(path))
    try:
        result.kind, result.subjects = load_subjects(path, terraform_variables)
    except InputError as exc:
        result.error = str(exc)
        return result
    result.findings = sorted(evaluate_all(result.subjects, settings, catalog), key=lambda f: f.sort_key)
    return result
