"""Which reader a file's name calls for: Dockerfile, Serverless script, CDK app source (and the CDK's cheap look
at the bytes).

Apart from the readers, so that walking a tree imports none of them: the Dockerfile, Serverless-script and CDK
readers (with the image rules and the CDK facts they bring) cost about 15 ms to import, which a run whose files
are all served from the result cache, or hold no such file, never needs. Each reader re-exports what is its own
here, under the names it always had.
"""

from __future__ import annotations

from pathlib import Path
from typing import Union

from ..files import MAX_FILE_BYTES, FileProblem, read_bytes

# --- Dockerfiles --------------------------------------------------------------------------------------------

_OTHER_KINDS = (".yaml", ".yml", ".json", ".template", ".tf", ".tfvars", ".ts", ".js")


def is_dockerfile(path: Path) -> bool:
    """``Dockerfile``, ``Dockerfile.*``, ``*.dockerfile``, ``Containerfile`` (and ``Containerfile.*``), any case."""
    name = path.name.lower()
    if name.endswith(_OTHER_KINDS):  # Dockerfile.yaml, Dockerfile.json: read as what their suffix says
        return False
    return (
        name in ("dockerfile", "containerfile")
        or name.startswith(("dockerfile.", "containerfile."))
        or (name.endswith(".dockerfile") and name != ".dockerfile")
    )


# --- Serverless Framework scripts ---------------------------------------------------------------------------

SCRIPT_SUFFIXES = (".ts", ".cts", ".mts", ".js", ".cjs", ".mjs")
CONFIG_NAMES = frozenset(f"serverless{suffix}" for suffix in SCRIPT_SUFFIXES)


def is_script(path: Path) -> bool:
    """A JavaScript or TypeScript file (named on the command line: read as a Serverless configuration)."""
    return path.name.lower().endswith(SCRIPT_SUFFIXES)


def is_config_script(path: Path) -> bool:
    """``serverless.ts``/``.js`` and friends: the script files a folder scan reads (any other .ts is code)."""
    return path.name.lower() in CONFIG_NAMES


# --- CDK app source -----------------------------------------------------------------------------------------

LANGUAGES = {
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".py": "python",
    ".java": "java",
    ".cs": "csharp",
    ".go": "go",
}
CDK_SKIP_DIRS = frozenset(
    {"cdk.out", "node_modules", "obj", "target", "build", "dist", "vendor", ".gradle", "site-packages", "env"}
)
"""Build output and dependencies: generated or not the user's code (``.venv``/``venv`` are skipped by scan)."""

_MODULE_MARKERS = (b"aws-lambda", b"aws_lambda", b"awslambda", b"services.lambda", b"AWS.Lambda")


def language_of(path: Union[str, Path]) -> str:
    """The CDK language a file name says ('' when it is no source file we read)."""
    name = str(path).lower()
    dot = name.rfind(".")
    if name.endswith(".d.ts"):
        return ""
    return LANGUAGES.get(name[dot:], "") if dot >= 0 else ""


def is_cdk_source(path: Union[str, Path]) -> bool:
    return bool(language_of(path))


def mentions_cdk_lambda(data: bytes) -> bool:
    """The cheap pre-filter: the file names the CDK (any language's spelling) and its Lambda module.

    Most source files in an app are handlers and libraries; they are never parsed.
    """
    return (b"cdk" in data or b"CDK" in data) and any(marker in data for marker in _MODULE_MARKERS)


def mentions_file(path: Union[str, Path]) -> bool:
    """The pre-filter on a file on disk; a file that cannot be read is not ours to report (False)."""
    try:
        return mentions_cdk_lambda(read_bytes(path, MAX_FILE_BYTES))
    except FileProblem:
        return False
