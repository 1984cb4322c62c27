"""Suppressions written in the files, found once and carried on the subjects; the engine decides with them.

Three forms, each honoured by every face (the CLI, the cfn-lint pack and the Checkov checks), so one file gets
the same verdicts everywhere:

- cfn-lint's resource ``Metadata: cfn-lint: config: ignore_checks: [EL1001]`` (cfn-lint's own ID form, exact);
- Checkov's ``Metadata: checkov: skip: [{id: CKV_LRR_1001, comment: ...}]`` on a CloudFormation resource and
  ``checkov:skip=CKV_LRR_1001:reason`` inside a Terraform resource, a CloudFormation resource or a Serverless
  function or layer (Checkov's ID form);
- this tool's own comment, in Terraform, YAML, Dockerfiles and any file with ``#`` or ``//`` comments:
  ``# lambda-runtime-rules:ignore=WL1003,EL2001:reason`` (either ID form, any case). It covers findings on its
  own line, or on the next line when the comment stands alone. The reason is required: without one the
  finding stays, and says why.

Comments are invisible in a parsed tree, so they are read from the file's text; the enclosing resource of a
``checkov:skip`` is found from the text's layout (HCL braces, YAML indentation), as Checkov finds it from its
resource line ranges.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache, lru_cache
from typing import Any

from . import files
from .model import Subject, Suppression
from .rules import BY_CHECKOV_ID, BY_CODE

CFN_LINT = "cfn-lint Metadata ignore_checks"
CHECKOV = "checkov skip"
OWN = "lambda-runtime-rules comment"

_OWN = re.compile(
    r"(?:#|//)\s*lambda-runtime-rules\s*:\s*ignore\s*=\s*"
    r"(?P<ids>[A-Za-z0-9_]+(?:\s*,\s*[A-Za-z0-9_]+)*)\s*(?::(?P<reason>.*))?$"
)
_CHECKOV = re.compile(r"(?:checkov|bridgecrew):skip= *(?P<id>[A-Za-z_\d]+)(?::(?P<reason>[^\n]+))?")
_TF_RESOURCE = re.compile(r'^resource\s+"(?P<type>[^"]+)"\s+"(?P<name>[^"]+)"\s*\{')
# Every comment the readers below honour holds one of these: a text without them has none to read.
_MARKERS = ("lambda-runtime-rules", ":skip=")
_MARKER_BYTES = tuple(marker.encode() for marker in _MARKERS)
_YAML_KEY = re.compile(r"""^(?P<indent> *)(?P<key>"[^"]*"|'[^']*'|[^\s#'"][^:#]*?)\s*:(?:\s|$)""")
# Checkov's sections whose children are resources, and the prefix of our subjects' names for them.
_YAML_SECTIONS = {"Resources": "", "functions": "functions.", "layers": "layers."}


def rule_code(identifier: str) -> str | None:
    """EL1001 or CKV_LRR_1001, any case, to the rule code; None for anything else."""
    key = identifier.strip().upper()
    spec = BY_CODE.get(key) or BY_CHECKOV_ID.get(key)
    return spec.code if spec is not None else None


# --- resource Metadata (CloudFormation) ----------------------------------------------------------------------


def from_metadata(resource: object) -> tuple[Suppression, ...]:
    """cfn-lint ``ignore_checks`` and Checkov ``skip`` entries of one resource's ``Metadata``, in each host's form."""
    metadata = _get(resource, "Metadata")
    found: list[Suppression] = []
    ignore = _get(_get(_get(metadata, "cfn-lint"), "config"), "ignore_checks")
    codes = frozenset(i for i in _list(ignore) if isinstance(i, str) and i in BY_CODE)
    if codes:
        found.append(Suppression(codes, CFN_LINT))
    for entry in _list(_get(_get(metadata, "checkov"), "skip")):
        check = _get(entry, "id")
        if isinstance(check, str) and check in BY_CHECKOV_ID:
            comment = _get(entry, "comment")
            reason = comment if isinstance(comment, str) else ""
            found.append(Suppression(frozenset({BY_CHECKOV_ID[check].code}), CHECKOV, reason))
    return tuple(found)


def _get(mapping: object, key: str) -> Any:
    return dict.get(mapping, key) if isinstance(mapping, dict) else None


def _list(node: object) -> list[Any]:
    return list(node) if isinstance(node, list) else []


# --- comments ------------------------------------------------------------------------------------------------


def attach(subjects: Sequence[Subject], on_disk: Callable[[str], str] | None = None) -> list[Subject]:
    """The subjects with the comment suppressions of the files they are written in (read from disk, cached).

    ``on_disk``: where a subject's file name is found on disk, when the host names it otherwise (Checkov's
    Terraform paths are relative to its scan root).
    """
    out = list(subjects)
    for index, subject in enumerate(out):
        extra: list[Suppression] = []
        for file in _files_of(subject):
            own, skips = _comments(file, on_disk(file) if on_disk else file)
            extra.extend(own)
            if file == subject.file:
                extra.extend(skips.get(subject.resource, ()))
        if extra:
            out[index] = dataclasses.replace(subject, suppressions=(*subject.suppressions, *extra))
    return out


def widen(subject: Subject, first: int, last: int) -> Subject:
    """Line-scoped suppressions in the subject's own file between these lines made to cover the whole subject.

    For a host that knows only where a resource's block starts and ends, not where each value is (Checkov's
    Terraform ``conf``): a comment inside the block then covers the block, as a ``checkov:skip`` does.
    """
    widened = tuple(
        dataclasses.replace(s, lines=(0, 0))
        if s.lines != (0, 0) and s.file == subject.file and first <= s.lines[0] <= last
        else s
        for s in subject.suppressions
    )
    return dataclasses.replace(subject, suppressions=widened) if widened != subject.suppressions else subject


def _files_of(subject: Subject) -> list[str]:
    files = dict.fromkeys([subject.file])
    for name in _field_names(type(subject)):
        values = getattr(subject, name)
        if isinstance(values, tuple):
            files.update(dict.fromkeys(v.file for v in values if getattr(v, "file", "")))
    return [f for f in files if f]


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    """A subject class's fields but ``suppressions`` (``dataclasses.fields`` builds its tuple on every call)."""
    return tuple(field.name for field in dataclasses.fields(kind) if field.name != "suppressions")


_WITHOUT: dict[str, tuple[int, int]] = {}  # path -> (mtime_ns, size) of a text a reader found no comment in
_WITHOUT_SIZE = 4096


def without_comments(path: str, mtime_ns: int, size: int, text: str) -> None:
    """A reader that holds a file's text already (Terraform's folder reader) lets ``attach`` skip reading it
    again: while the file keeps this modification time and size, it has no comment to look for. Its content is
    noted for the result cache by that reader, so the cache misses nothing."""
    if _may_hold_comments(text):
        _WITHOUT.pop(path, None)
        return
    if len(_WITHOUT) >= _WITHOUT_SIZE:
        _WITHOUT.clear()
    _WITHOUT[path] = (mtime_ns, size)


def _may_hold_comments(text: str | bytes) -> bool:
    """Whether a file's text (or bytes) may hold a comment this module honours (see ``_MARKERS``)."""
    markers: tuple[Any, ...] = _MARKERS if isinstance(text, str) else _MARKER_BYTES
    return any(marker in text for marker in markers)


_Found = tuple[tuple[Suppression, ...], dict[str, tuple[Suppression, ...]]]


def _comments(file: str, path: str) -> _Found:
    try:
        stat = os.stat(path)
    except OSError:
        files.kind(path)  # noted as missing for the result cache
        return (), {}
    if _WITHOUT.get(path) == (stat.st_mtime_ns, stat.st_size):
        return (), {}
    found, notes = _comments_cached(file, path, stat.st_mtime_ns, stat.st_size)
    files.replay(notes)
    return found


@lru_cache(maxsize=64)
def _comments_cached(file: str, path: str, mtime: int, size: int) -> tuple[_Found, dict[str, str]]:
    """The comments, with what reading them noted (``files.recording``), replayed on every hit."""
    with files.recording() as notes:
        return _read_comments(file, path), notes


def _read_comments(file: str, path: str) -> _Found:
    try:
        data = files.read_bytes(path)  # regular files only, within the size cap
    except files.FileProblem:
        return (), {}
    if not _may_hold_comments(data):  # most files: nothing to read
        return (), {}
    lines = data.decode("utf-8", errors="replace").splitlines()
    return tuple(own_comments(lines, file)), checkov_skips(lines, file)


def own_comments(lines: Sequence[str], file: str = "") -> Iterable[Suppression]:
    """This tool's comments: each covers its own line, and the next one when it stands alone on its line."""
    for number, line in enumerate(lines, start=1):
        match = _OWN.search(line)
        if match is None:
            continue
        written = [i for i in re.split(r"\s*,\s*", match["ids"]) if i]
        codes = frozenset(c for c in map(rule_code, written) if c)
        if not codes:
            continue
        reason = (match["reason"] or "").strip()
        alone = line[: match.start()].strip() == ""
        problem = (
            ""
            if reason
            else (
                f"the lambda-runtime-rules:ignore comment on line {number} gives no reason, so it is not honoured: "
                "write lambda-runtime-rules:ignore=ID:reason"
            )
        )
        yield Suppression(codes, OWN, reason, file, (number, number + 1 if alone else number), problem)


def checkov_skips(lines: Sequence[str], file: str = "") -> dict[str, tuple[Suppression, ...]]:
    """``checkov:skip=`` of our checks by the name of the resource (as our subjects name it) they sit in."""
    found: dict[str, list[Suppression]] = {}
    blocks: list[tuple[str, int, int]] | None = None
    for number, line in enumerate(lines, start=1):
        for match in _CHECKOV.finditer(line):
            spec = BY_CHECKOV_ID.get(match["id"])
            if spec is None:
                continue
            if blocks is None:
                blocks = _hcl_blocks(lines) if file.lower().endswith(".tf") else _yaml_blocks(lines)
            for name, first, last in blocks:
                if first <= number <= last:
                    reason = (match["reason"] or "").strip()
                    found.setdefault(name, []).append(Suppression(frozenset({spec.code}), CHECKOV, reason))
    return {name: tuple(items) for name, items in found.items()}


def _hcl_blocks(lines: Sequence[str]) -> list[tuple[str, int, int]]:
    """Top-level ``resource "T" "N" { ... }`` blocks as ("T.N", first line, last line)."""
    blocks = []
    index = 0
    while index < len(lines):
        match = _TF_RESOURCE.match(lines[index])
        if match is None:
            index += 1
            continue
        depth, last = 0, index
        for last in range(index, len(lines)):
            code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', lines[last].split("#", 1)[0].split("//", 1)[0])
            depth += code.count("{") - code.count("}")
            if depth <= 0:
                break
        blocks.append((f"{match['type']}.{match['name']}", index + 1, last + 1))
        index = last + 1
    return blocks


def _yaml_blocks(lines: Sequence[str]) -> list[tuple[str, int, int]]:
    """The children of ``Resources``, ``functions`` and ``layers`` as (name, first line, last content line)."""
    blocks: list[list[Any]] = []
    section = ""
    child_indent = -1
    current: list[Any] | None = None
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        key = _YAML_KEY.match(line)
        if indent == 0:
            current = None
            name = key["key"].strip("\"'") if key else ""
            section = name if name in _YAML_SECTIONS else ""
            child_indent = -1
            continue
        if not section:
            continue
        if child_indent < 0:
            child_indent = indent
        if indent == child_indent and key is not None:
            current = [_YAML_SECTIONS[section] + key["key"].strip("\"'"), number, number]
            blocks.append(current)
        elif current is not None and indent > child_indent:
            current[2] = number
    return [(name, first, last) for name, first, last in blocks]
