"""What ``fix`` rewrites, and how it edits a file without disturbing anything else in it.

Edits are surgical: the file is parsed properly (our YAML/JSON loader, the ``hcl2`` parse tree) only to learn
*where* each runtime value was written; the change itself replaces exactly the characters of that one string
token in the original text. Comments, key order, quoting, indentation, short-form tags, line endings and
every other byte stay as they were, which a round-trip through any serializer cannot promise. Before a token
is replaced it is read back (a YAML scalar token, a JSON or HCL string literal) and compared with the value
the engine judged; anything else at that position is left alone and reported.
"""

from __future__ import annotations

import json
import json.decoder
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .catalog import Catalog
from .engine import (
    MODE_MANUAL,
    evaluate,
    image_upgrade_advice,
    latest_upgrade,
    minimal_image_upgrade,
    minimal_upgrade,
    upgrade_advice,
)
from .images import match, parse
from .model import FunctionSubject, LayerSubject, PolicySubject, Subject, Value
from .settings import Settings

__all__ = [
    "UPGRADE_RULES",
    "Edit",
    "EditError",
    "Loaded",
    "Manual",
    "Plan",
    "allowed_values",
    "apply_edits",
    "detect_format",
    "is_generated",
    "linked_positions",
    "plan",
    "subjects_for_text",
]

UPGRADE_RULES = frozenset({"EL1001", "EL1002", "WL1003", "WL1004", "WL4001"})
"""The lifecycle findings that ``fix`` acts on: a runtime that is blocked, deprecated or about to be."""

TARGETS = ("minimal", "latest")
_YamlLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the same scanner as the loader's


class EditError(Exception):
    """The text cannot be tokenised for editing; ``str()`` is one line."""


@dataclass(frozen=True)
class Edit:
    """Replace the string token written at (line, column) — 1-based, as in a Value — holding ``old``."""

    line: int
    column: int
    old: str
    new: str
    file: str = ""  # the file the value is written in ('' when planning one file's own subjects)


@dataclass(frozen=True)
class Manual:
    """A flagged runtime value that ``fix`` will not change, and why."""

    line: int
    runtime: str
    reason: str
    file: str = ""


@dataclass
class Plan:
    edits: list[Edit] = field(default_factory=list)
    manual: list[Manual] = field(default_factory=list)


# ------------------------------------------------------------------------------------------------ planning


def _runtime_values(subject: Subject) -> tuple[Value, ...]:
    return subject.compatible_runtimes if isinstance(subject, LayerSubject) else subject.runtimes


def _pinned(subject: Subject) -> bool:
    """UpdateRuntimeOn Manual with a RuntimeVersionArn: the function runs that exact version of its runtime.

    A new runtime under the old runtime's version ARN fails to deploy, so such a runtime is never rewritten
    (in any format: CloudFormation/SAM, Terraform's runtime management config, Serverless runtimeManagement).
    """
    if not isinstance(subject, FunctionSubject):
        return False
    manual = any(mode.value == MODE_MANUAL for mode in subject.update_modes)
    return manual and any(isinstance(arn.value, str) and arn.value for arn in subject.runtime_version_arns)


_Where = tuple[str, int, int, str]  # file, line, column, value: one position can hold several (a list "a,b")


def plan(
    subjects: Iterable[Subject],
    settings: Settings,
    catalog: Catalog,
    target: str = "minimal",
    linked: Sequence[Sequence[tuple[int, int, str]]] = (),
    lists: Sequence[Sequence[tuple[int, int, str]]] = (),
) -> Plan:
    """The edits that move every flagged runtime value to a successor in its own family.

    A value is flagged when the engine reports one of UPGRADE_RULES on it, so approved exceptions and the
    warning window apply exactly as in ``check``. A value without a successor in the same family (go1.x), or
    without a known position, becomes a Manual entry, and so does every runtime of a function pinned to a
    runtime version (a value it shares with other functions included). The same position reached twice (a
    Globals value, a parameter shared by several functions) yields one edit. ``linked`` groups positions that
    must change together (a parameter's Default and its AllowedValues entries, see ``linked_positions``): an
    edit at one member is repeated at every member holding the same runtime, so the Default stays an allowed
    value. No edit may leave a runtime twice in a list: a layer's compatible runtimes, or one of ``lists``
    (AllowedValues, see ``allowed_values``); such an entry becomes a Manual entry instead.
    """
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}")
    result = Plan()
    edits: dict[_Where, Edit] = {}
    held: set[_Where] = set()  # positions a pinned function uses: never edited
    layer_lists: list[list[_Where]] = []
    seen_manual: set[Manual] = set()

    def manual(entry: Manual) -> None:
        if entry not in seen_manual:
            seen_manual.add(entry)
            result.manual.append(entry)

    for subject in subjects:
        if isinstance(subject, PolicySubject):  # an IAM policy holds no runtime to rewrite
            continue
        values = [v for v in _runtime_values(subject) if isinstance(v.value, str)]
        if isinstance(subject, LayerSubject):
            layer_lists.append([(v.file or subject.file, v.line, v.column, str(v.value)) for v in values])
        flagged = {
            (f.file, f.line, f.column, f.runtime)
            for f in evaluate(subject, settings, catalog)
            if f.rule in UPGRADE_RULES
        }
        if not flagged:
            continue
        pinned = _pinned(subject)
        for value in subject.base_images if isinstance(subject, FunctionSubject) else ():
            entry = _image_edit(value, subject, flagged, settings, catalog, target)
            if isinstance(entry, Manual):
                manual(entry)
            elif entry is not None:
                edits.setdefault((entry.file, entry.line, entry.column, entry.old), entry)
        for value in values:
            old = str(value.value)
            file = value.file or subject.file
            key = (file, value.line, value.column, old) if value.line else (file, subject.line, 0, old)
            if key not in flagged:
                continue
            runtime = catalog.get(old)
            if runtime is None:  # flagged runtimes are always in the catalog; stay safe anyway
                continue
            if not value.line:
                manual(Manual(subject.line, old, "the value's position in the file is unknown", file))
                continue
            where = (file, value.line, value.column, old)
            if pinned:
                held.add(where)
                reason = f"pinned to a runtime version of {old}; remove or update RuntimeVersionArn"
                manual(Manual(value.line, old, reason, file))
                continue
            if target == "latest":
                successor = latest_upgrade(runtime, catalog, settings.as_of)
            else:
                successor = minimal_upgrade(runtime, catalog, settings.as_of, settings.warn_days)
            if successor is None:
                manual(Manual(value.line, old, upgrade_advice(runtime, catalog, settings), file))
                continue
            edits.setdefault(where, Edit(value.line, value.column, old, successor.identifier, file))
    for where in held:
        edits.pop(where, None)
    groups: dict[tuple[int, int], list[Sequence[tuple[int, int, str]]]] = {}
    for group in linked:
        for line, column, _ in group:
            groups.setdefault((line, column), []).append(group)
    for edit in list(edits.values()):
        for group in groups.get((edit.line, edit.column), ()):
            for line, column, text in group:
                where = (edit.file, line, column, edit.old)
                if where not in edits and edit.old in {text, *(part.strip() for part in text.split(","))}:
                    edits[where] = Edit(line, column, edit.old, edit.new, edit.file)
    checked = [("the layer", entries) for entries in layer_lists]
    files = {edit.file for edit in edits.values()}  # ``lists`` are positions in the one file being planned
    checked += [
        ("AllowedValues", [(file, line, column, text) for line, column, text in entries])
        for entries in lists
        for file in files
    ]
    _no_duplicates(edits, checked, manual)
    result.edits = sorted(edits.values(), key=lambda e: (e.file, e.line, e.column, e.old))
    result.manual.sort(key=lambda m: (m.file, m.line, m.runtime, m.reason))
    return result


def _image_edit(
    value: Value,
    subject: FunctionSubject,
    flagged: set[tuple[str, int, int, str]],
    settings: Settings,
    catalog: Catalog,
    target: str,
) -> Edit | Manual | None:
    """The tag edit that moves a flagged base image to a newer runtime's image of the same repository.

    Only the base tag's characters change (``3.8`` -> ``3.11``): registry, architecture suffix and everything
    else on the line stay. A digest or a date-stamped tag pins one published build, which the new tag would
    contradict, so those are manual. A template function built from a Dockerfile is edited in the Dockerfile
    itself (its own subjects), never through the template.
    """
    reference = parse(str(value.value)) if isinstance(value.value, str) else None
    found = match(reference, catalog) if reference is not None else None
    runtime = found.runtime if found is not None else None
    if reference is None or found is None or runtime is None:
        return None
    file = value.file or subject.file
    if (file, value.line, value.column, runtime.identifier) not in flagged or file != subject.file:
        return None
    if not value.line:
        return Manual(subject.line, reference.display, "the value's position in the file is unknown", file)
    stamped = reference.tag.split("@")[0] not in (found.base, f"{found.base}-{found.architecture}")
    if reference.digest or stamped:
        what = "a digest" if reference.digest else "a dated build tag"
        advice = image_upgrade_advice(runtime, catalog, settings, found.architecture)
        reason = f"pinned by {what}: change the tag and the pin together ({advice})"
        return Manual(value.line, reference.display, reason, file)
    warn_days = 0 if target == "latest" else settings.warn_days
    successor = minimal_image_upgrade(runtime, catalog, settings.as_of, warn_days, found.architecture)
    if target == "latest":
        while successor is not None:
            newer = minimal_image_upgrade(successor, catalog, settings.as_of, 0, found.architecture)
            if newer is None:
                break
            successor = newer
    if successor is None or successor.image is None:
        advice = image_upgrade_advice(runtime, catalog, settings, found.architecture)
        return Manual(value.line, reference.display, advice, file)
    return Edit(value.line, value.column, found.base, successor.image.tags[0], file)


def _no_duplicates(
    edits: dict[_Where, Edit],
    checked: Sequence[tuple[str, Sequence[_Where]]],
    manual: Callable[[Manual], None],
) -> None:
    """Drop every edit that would make a list name one runtime twice; the entry is reported instead.

    One pass is enough: a dropped edit brings back its old value, which is flagged, so never a new value.
    """
    for what, entries in checked:
        kept = {where[3] for where in entries if where not in edits}
        for where in entries:
            edit = edits.get(where)
            if edit is None:
                continue
            if edit.new in kept:
                del edits[where]
                reason = f"{what} already lists {edit.new}: remove this entry instead"
                manual(Manual(edit.line, edit.old, reason, edit.file))
            else:
                kept.add(edit.new)


def linked_positions(document: object) -> list[tuple[tuple[int, int, str], ...]]:
    """Per CloudFormation parameter, the (line, column, text) of its Default and AllowedValues entries.

    The source adapter yields each distinct parameter value once, at its first position, so an AllowedValues
    entry equal to the Default is never a Value of its own; fixing one without the other would leave a
    Default outside AllowedValues, which CloudFormation rejects.
    """
    from .loader import position
    from .sources.cloudformation import is_template

    if not is_template(document):
        return []
    parameters = dict.get(document, "Parameters")  # type: ignore[arg-type]
    if not isinstance(parameters, dict):
        return []
    groups: list[tuple[tuple[int, int, str], ...]] = []
    for parameter in dict.values(parameters):
        if not isinstance(parameter, dict):
            continue
        allowed = dict.get(parameter, "AllowedValues")
        nodes = [dict.get(parameter, "Default"), *(allowed if isinstance(allowed, list) else [])]
        group = tuple((*position(node), str(node)) for node in nodes if isinstance(node, str) and position(node)[0])
        if len(group) > 1:
            groups.append(group)
    return groups


def allowed_values(document: object) -> list[tuple[tuple[int, int, str], ...]]:
    """Per CloudFormation parameter, the (line, column, text) of its AllowedValues entries: a list that an
    edit must never leave naming one runtime twice."""
    from .loader import position
    from .sources.cloudformation import is_template

    if not is_template(document):
        return []
    parameters = dict.get(document, "Parameters")  # type: ignore[arg-type]
    lists: list[tuple[tuple[int, int, str], ...]] = []
    for parameter in dict.values(parameters) if isinstance(parameters, dict) else ():
        allowed = dict.get(parameter, "AllowedValues") if isinstance(parameter, dict) else None
        if isinstance(allowed, list):
            entries = tuple((*position(node), str(node)) for node in allowed if isinstance(node, str))
            lists.append(tuple(entry for entry in entries if entry[0]))
    return lists


# ------------------------------------------------------------------------------------------------ loading


def detect_format(text: str, filename: str) -> str:
    """``terraform``, ``json`` or ``yaml``: the same decision the loader and ``scan`` make for this file."""
    from .loader import LoadError, load_text
    from .scan import TERRAFORM_SUFFIXES

    name = filename.lower()
    if name.endswith(TERRAFORM_SUFFIXES):
        return "terraform"
    if name.endswith(".json"):
        return "json"
    if text.lstrip()[:1] == "{":
        try:  # the loader tries JSON first for a leading "{" and falls back to YAML
            load_text(text, "probe.json")
        except LoadError:
            return "yaml"
        return "json"
    return "yaml"


@dataclass
class Loaded:
    """A file's text as ``fix`` needs it: format, kind ('' when not a template), subjects, linked positions."""

    fmt: str
    kind: str
    subjects: list[Subject]
    linked: list[tuple[tuple[int, int, str], ...]] = field(default_factory=list)
    lists: list[tuple[tuple[int, int, str], ...]] = field(default_factory=list)


def subjects_for_text(text: str, filename: str) -> Loaded:
    """Load a file's text; every position is relative to exactly this text.

    Raises ``scan.InputError`` (one line naming the file) when the text does not parse.
    """
    from .scan import InputError, subjects_from_document
    from .sources import dockerfile

    if dockerfile.is_dockerfile(Path(filename)):  # FROM tags; positions are the reader's, in exactly this text
        return Loaded("dockerfile", "dockerfile", list(dockerfile.subjects(text, filename)))
    fmt = detect_format(text, filename)
    if fmt == "terraform":
        from .sources import terraform

        try:
            return Loaded(fmt, "terraform", list(terraform.subjects_from_hcl(_universal_newlines(text), filename)))
        except ImportError:
            raise InputError(
                f"{filename}: Terraform support needs the hcl2 module (pip install 'lambda-runtime-rules[terraform]')"
            ) from None
        except terraform.TerraformError as exc:
            message = str(exc)
            raise InputError(message if message.startswith(filename) else f"{filename}: {message}") from None
    from .sources import cdk, serverless_script

    if cdk.is_source(filename) and not serverless_script.is_config_script(Path(filename)):
        kind, found, problems = cdk.load(filename, text.encode("utf-8", "surrogatepass"))
        if problems:
            raise InputError("; ".join(problems))
        if kind or not serverless_script.is_script(Path(filename)):
            return Loaded("cdk", kind, found)
    if serverless_script.is_script(Path(filename)):  # serverless.ts / .js: findings to report, never to rewrite
        kind, subjects, problems = serverless_script.load(filename, text)
        if problems:
            raise InputError("; ".join(problems))
        return Loaded("script", kind, subjects)
    from .loader import LoadError, load_text_documents

    try:
        documents = load_text_documents(text, filename)
    except LoadError as exc:
        raise InputError(f"{filename}: {exc}") from None
    # A YAML stream (``---``) is fixed document by document, as ``check`` reads it: the templates in it are
    # edited (positions are the stream's own), every other document (a Kubernetes manifest) is left alone.
    loaded = Loaded(fmt, "", [])
    for document in documents:
        kind, subjects = subjects_from_document(document, filename)
        if not kind:
            continue
        loaded.kind = loaded.kind or kind
        loaded.subjects.extend(subjects)
        if kind == "cloudformation":
            loaded.linked.extend(linked_positions(document))
            loaded.lists.extend(allowed_values(document))
    return loaded


def _universal_newlines(text: str) -> str:
    """What ``Path.read_text`` gives ``scan`` for a .tf file: every line break as ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ------------------------------------------------------------------------------------------------ editing


@dataclass(frozen=True)
class _Token:
    """A string token in the text: [start, end) including quotes, its decoded value, its quote character."""

    start: int
    end: int
    value: str
    quote: str  # "" for a YAML plain scalar
    exact: bool  # the characters between the quotes are the value itself (no escapes, one line)


def apply_edits(text: str, fmt: str, edits: Sequence[Edit]) -> tuple[str, list[Edit], list[Manual]]:
    """Apply edits to ``text`` (``fmt``: yaml, json or terraform); returns (text, applied, skipped).

    Raises EditError when the text cannot be tokenised at all.
    """
    if not edits:
        return text, [], []
    tokens = {"yaml": _YamlTokens, "json": _JsonTokens, "terraform": _HclTokens, "cdk": _SourceTokens}
    locate = {**tokens, "dockerfile": _ImageTagTokens}[fmt](text)
    groups: dict[tuple[int, int], list[Edit]] = {}
    for edit in edits:
        groups.setdefault((edit.line, edit.column), []).append(edit)
    applied: list[Edit] = []
    skipped: list[Manual] = []
    replacements: dict[int, tuple[int, str]] = {}
    for (line, column), group in groups.items():
        token = locate.at(line, column)
        if isinstance(token, str):
            skipped.extend(Manual(e.line, e.old, token, e.file) for e in group)
            continue
        if token.start in replacements:  # two positions resolving to one token: already handled
            continue
        new_text, done = _replace(token, {e.old: e.new for e in group}, fmt)
        for edit in group:
            if edit.old in done:
                applied.append(edit)
            else:
                found = text[token.start : token.end]
                skipped.append(
                    Manual(edit.line, edit.old, f"expected {edit.old} at column {column}, found {found}", edit.file)
                )
        if done:
            replacements[token.start] = (token.end, new_text)
    pieces: list[str] = []
    cursor = 0
    for start in sorted(replacements):
        end, new_text = replacements[start]
        pieces.append(text[cursor:start])
        pieces.append(new_text)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces), applied, skipped


def _replace(token: _Token, mapping: dict[str, str], fmt: str) -> tuple[str, set[str]]:
    """The new source text for a token and the old values it replaced."""
    if token.value in mapping:
        new = mapping[token.value]
        quote = token.quote
        if fmt == "yaml" and not quote and not _plain_safe(new):
            quote = "'"
        return f"{quote}{new}{quote}", {token.value}
    if token.exact and "," in token.value:  # a CommaDelimitedList parameter: "python3.8, python3.12"
        parts = token.value.split(",")
        done: set[str] = set()
        for index, part in enumerate(parts):
            name = part.strip()
            if name in mapping:
                lead = part[: len(part) - len(part.lstrip())]
                trail = part[len(part.rstrip()) :]
                parts[index] = f"{lead}{mapping[name]}{trail}"
                done.add(name)
        if done:
            return f"{token.quote}{','.join(parts)}{token.quote}", done
    return "", set()


def _plain_safe(value: str) -> bool:
    """A YAML plain scalar that still reads back as this exact string."""
    try:
        return yaml.load(value, Loader=_YamlLoader) == value
    except yaml.YAMLError:
        return False


class _YamlTokens:
    """Scalar tokens from PyYAML's scanner (libyaml's when present: the loader's own positions)."""

    _PREFIX = (yaml.TagToken, yaml.AnchorToken)

    def __init__(self, text: str) -> None:
        self.text = text
        try:
            self.tokens = list(yaml.scan(text, Loader=_YamlLoader))
        except yaml.YAMLError as exc:
            raise EditError(" ".join(str(exc).split())) from None
        self.starts: dict[tuple[int, int], int] = {}
        for index, token in enumerate(self.tokens):
            if isinstance(token, (yaml.ScalarToken, *self._PREFIX)):
                mark = token.start_mark
                self.starts.setdefault((mark.line + 1, mark.column + 1), index)

    def at(self, line: int, column: int) -> _Token | str:
        index = self.starts.get((line, column))
        if index is None:
            return f"no YAML scalar starts at column {column}"
        # A node's position is that of its first property: skip "&anchor" and "!Tag" to the scalar itself.
        while index < len(self.tokens) and isinstance(self.tokens[index], self._PREFIX):
            index += 1
        token = self.tokens[index] if index < len(self.tokens) else None
        if not isinstance(token, yaml.ScalarToken):
            return f"no YAML scalar at column {column}"
        if token.style in ("|", ">"):
            return "a block scalar: edit it by hand"
        start, end = token.start_mark.index, token.end_mark.index
        source = self.text[start:end]
        if token.style in ("'", '"'):
            inner = source[1:-1]
            return _Token(start, end, token.value, token.style, inner == token.value and "\n" not in inner)
        if source != token.value:
            return "a multi-line plain scalar: edit it by hand"
        return _Token(start, end, token.value, "", True)


class _LineIndex:
    """1-based (line, column) -> offset, with the line breaks the parser that gave the position counted."""

    def __init__(self, text: str, breaks: Sequence[str]) -> None:
        self.text = text
        self.starts = [0]
        index, size = 0, len(text)
        while index < size:
            char = text[index]
            if char in breaks:
                if char == "\r" and text.startswith("\r\n", index) and "\n" in breaks:
                    index += 1
                self.starts.append(index + 1)
            index += 1

    def offset(self, line: int, column: int) -> int | None:
        if not 1 <= line <= len(self.starts) or column < 1:
            return None
        offset = self.starts[line - 1] + column - 1
        limit = self.starts[line] if line < len(self.starts) else len(self.text)
        return offset if offset < limit else None


class _JsonTokens:
    """String literals of a JSON document; lines counted on ``\\n`` as the loader counts them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = _LineIndex(text, ("\n",))

    def at(self, line: int, column: int) -> _Token | str:
        offset = self.lines.offset(line, column)
        if offset is None or self.text[offset] != '"':
            return f"no JSON string starts at column {column}"
        try:
            value, end = json.decoder.scanstring(self.text, offset + 1, True)
        except ValueError:
            return f"no valid JSON string at column {column}"
        inner = self.text[offset + 1 : end - 1]
        return _Token(offset, end, value, '"', inner == value)


class _HclTokens:
    """HCL quoted string literals, read at the position the ``hcl2`` parse tree gave (no re-parsing)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = _LineIndex(text, ("\r", "\n"))

    def at(self, line: int, column: int) -> _Token | str:
        text = self.text
        offset = self.lines.offset(line, column)
        if offset is None:
            return f"nothing at column {column}"
        if text[offset] != '"':
            word = text[offset:].split(None, 1)[0] if text[offset:].strip() else ""
            word = word.rstrip(",]})")
            return f"not a literal here ({word}): change it where it is defined" if word else "not a literal here"
        index = offset + 1
        while index < len(text) and text[index] not in '"\r\n':
            if text.startswith(("${", "%{"), index):
                return "a string template: edit it by hand"
            index += 2 if text[index] == "\\" else 1
        if index >= len(text) or text[index] != '"':
            return f"unterminated string at column {column}"
        source = text[offset : index + 1]
        try:
            value = json.loads(source)  # HCL's escapes are JSON's for everything a runtime name can hold
        except ValueError:
            value = source[1:-1]
        if not isinstance(value, str):
            value = source[1:-1]
        return _Token(offset, index + 1, value, '"', source[1:-1] == value)


class _SourceTokens:
    """CDK app source: the constant's name token (``PYTHON_3_8``, Go's ``Runtime_PYTHON_3_8``) or a one-line
    string literal, at the position tree-sitter gave (lines counted on ``\n``, columns in characters)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = _LineIndex(text, ("\n",))

    def at(self, line: int, column: int) -> _Token | str:
        text = self.text
        offset = self.lines.offset(line, column)
        if offset is None:
            return f"nothing at column {column}"
        quote = text[offset]
        if quote in "'\"`":
            end = offset + 1
            while end < len(text) and text[end] not in (quote, "\\", "\n"):
                end += 1
            if end >= len(text) or text[end] != quote:
                return "a string with escapes or line breaks: edit it by hand"
            return _Token(offset, end + 1, text[offset + 1 : end], quote, True)
        end = offset
        while end < len(text) and (text[end].isalnum() or text[end] == "_"):
            end += 1
        if end == offset:
            return f"no constant starts at column {column}"
        return _Token(offset, end, text[offset:end], "", True)


class _ImageTagTokens:
    """A Dockerfile's image tag (or the ARG default that holds it), at the position the reader gave: the run of
    characters up to the architecture suffix, a digest, a quote, a closing brace or whitespace."""

    _ENDS = frozenset(" \t\r\n-@\"'}`\\")

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = _LineIndex(text, ("\r", "\n"))

    def at(self, line: int, column: int) -> _Token | str:
        offset = self.lines.offset(line, column)
        if offset is None:
            return f"nothing at column {column}"
        end = offset
        while end < len(self.text) and self.text[end] not in self._ENDS:
            end += 1
        if end == offset:
            return f"no image tag starts at column {column}"
        return _Token(offset, end, self.text[offset:end], "", True)


def is_generated(path: Path) -> bool:
    """CDK output (``cdk.out``) is regenerated on every synth: fix the app, not the template."""
    return "cdk.out" in path.parts
