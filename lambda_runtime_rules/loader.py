"""Safe loading of CloudFormation, SAM and Serverless YAML/JSON into position-carrying plain structures.

The result is made of ``dict``/``list``/``str`` subclasses with ``start_mark``/``end_mark`` attributes
(0-based ``line`` and ``column``), the same duck type as cfn-lint's and Checkov's nodes, so one source adapter
reads all three. YAML is composed by libyaml first and built by a small constructor of our own: that is where
short-form intrinsics become ``{"Fn::X": ...}``, timestamps stay strings, and alias expansion is bounded
before anything downstream can walk a billion-laughs tree. JSON goes through a position-keeping scanner built
on the C ``scanstring``, because YAML 1.1 would misread JSON numbers such as ``1e5``.

The node types live in ``nodes`` and the YAML builder in ``yaml_reader``, imported on the first YAML text: a check
of a JSON template never imports PyYAML (a test says so).
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import os
import re
from collections.abc import Collection
from typing import Any, Callable

from . import files
from .files import FileProblem, read_text, too_big
from .gcpause import gc_paused
from .nodes import MAX_ALIAS_EXPANSION, DictNode, ListNode, LoadError, StrNode, position

__all__ = [
    "MAX_ALIAS_EXPANSION",
    "MAX_FILE_BYTES",
    "DictNode",
    "ListNode",
    "LoadError",
    "StrNode",
    "load_file",
    "load_file_documents",
    "load_text",
    "load_text_documents",
    "position",
]

MAX_FILE_BYTES = files.MAX_FILE_BYTES
"""Files larger than this are refused: no real template comes close, and parsing cost grows with size."""


def load_file(path: str | os.PathLike[str], keep_types: Collection[str] | None = None) -> object:
    """Load a template file; raise LoadError for anything unreadable, too big or malformed.

    ``keep_types``: build only the ``Resources`` entries of these types in full; every other resource becomes
    ``{"Type": ...}``. The policies read nothing else of them, and building position-carrying nodes for a big
    template's IAM policies and state machines is most of the cost of a check (see ``load_text``).
    """
    name = os.fspath(path)
    try:
        text = read_text(name, MAX_FILE_BYTES)
    except FileProblem as exc:
        raise LoadError(str(exc)) from None
    return load_text(text, name, keep_types)


def load_file_documents(path: str | os.PathLike[str], keep_types: Collection[str] | None = None) -> list[object]:
    """Every document of a file (YAML may hold several, separated by ``---``); ``load_file`` for one."""
    name = os.fspath(path)
    try:
        text = read_text(name, MAX_FILE_BYTES)
    except FileProblem as exc:
        raise LoadError(str(exc)) from None
    with gc_paused():
        return _load_text(text, name, keep_types, every_document=True)  # type: ignore[return-value]


def load_text_documents(text: str, filename: str = "") -> list[object]:
    """Every document of a text (YAML may hold several, separated by ``---``; JSON is one)."""
    with gc_paused():
        return _load_text(text, filename, None, every_document=True)  # type: ignore[return-value]


def load_text(text: str, filename: str = "", keep_types: Collection[str] | None = None) -> object:
    """Parse YAML or JSON text (JSON by ``.json`` extension or a leading ``{``).

    With ``keep_types``, the document is still parsed whole (malformed input fails the same way), but only the
    resources of those types, and everything outside ``Resources``, are built into nodes.

    The cyclic garbage collector pauses meanwhile (see ``gcpause``).
    """
    with gc_paused():
        return _load_text(text, filename, keep_types)


def _load_text(text: str, filename: str, keep_types: Collection[str] | None, every_document: bool = False) -> object:
    """The document; with ``every_document``, the list of a YAML stream's documents (JSON: a list of one)."""
    if len(text) > MAX_FILE_BYTES:
        raise LoadError(_too_big(len(text)))
    if text.startswith("\ufeff"):
        text = text[1:]
    is_json_name = filename.lower().endswith(".json")
    if is_json_name or text.lstrip()[:1] == "{":
        try:
            document = _load_json(text, keep_types)
            return [document] if every_document else document
        except LoadError:
            if is_json_name:
                raise
        # A YAML flow mapping also starts with "{": give YAML its chance before refusing.
    from .yaml_reader import load_yaml

    return load_yaml(text, keep_types, every_document)


def _too_big(size: int) -> str:
    return too_big(size, MAX_FILE_BYTES)


# --------------------------------------------------------------------------------------------------- JSON


class _Mark:
    """A JSON position, turned into line/column only when someone asks (most nodes are never reported)."""

    __slots__ = ("_index", "_lines")

    def __init__(self, index: int, lines: list[int]) -> None:
        self._index = index
        self._lines = lines

    @property
    def index(self) -> int:
        return self._index

    @property
    def line(self) -> int:
        return bisect.bisect_right(self._lines, self._index) - 1

    @property
    def column(self) -> int:
        return self._index - self._lines[self.line]

    def __repr__(self) -> str:
        return f"<line {self.line + 1}, column {self.column + 1}>"


_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?")
_NEWLINE = re.compile("\n")
_CONSTANTS = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


class _JsonError(Exception):
    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


def _load_json(text: str, keep_types: Collection[str] | None = None) -> object:
    lines = [0]
    lines.extend(match.end() for match in _NEWLINE.finditer(text))
    try:
        scanner = _JsonScanner(text, lines, keep_types)
        start = _WS.match(text, 0).end()  # type: ignore[union-attr]
        value, end = scanner.obj(start, root=True) if text[start : start + 1] == "{" else scanner.value(start)
        end = _WS.match(text, end).end()  # type: ignore[union-attr]
        if end != len(text):
            raise _JsonError("extra data after the document", end)
    except _JsonError as exc:
        mark = _Mark(min(exc.index, len(text)), lines)
        raise LoadError(f"line {mark.line + 1}, column {mark.column + 1}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise LoadError(f"line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise LoadError("document is nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise LoadError(f"invalid value: {exc}") from None
    return value


class _JsonScanner:
    """Recursive-descent JSON reader; strings go through json's C scanstring, so it stays quick."""

    def __init__(self, text: str, lines: list[int], keep_types: Collection[str] | None = None) -> None:
        self.text = text
        self.lines = lines
        self.keep_types = keep_types
        self.scanstring: Callable[..., tuple[str, int]] = json.decoder.scanstring
        self.raw_decode = json.JSONDecoder().raw_decode

    def resource(self, idx: int) -> tuple[Any, int]:
        """One entry of ``Resources``: built in full when its type is kept, else read by json's C decoder
        (which also finds where it ends) and reduced to ``{"Type": ...}``."""
        if self.text[idx : idx + 1] != "{":
            return self.value(idx)
        try:
            plain, end = self.raw_decode(self.text, idx)
        except ValueError:
            return self.value(idx)  # malformed: the position-keeping reader words the error
        kind = plain.get("Type") if isinstance(plain, dict) else None
        if not isinstance(kind, str) or kind in self.keep_types:  # type: ignore[operator]
            return self.value(idx)
        stub = DictNode()
        stub.start_mark = _Mark(idx, self.lines)
        stub.end_mark = _Mark(end, self.lines)
        type_key = StrNode("Type")
        type_value = StrNode(kind)
        type_key.start_mark = type_key.end_mark = type_value.start_mark = type_value.end_mark = stub.start_mark
        stub[type_key] = type_value
        return stub, end

    def string(self, idx: int) -> tuple[StrNode, int]:
        value, end = self.scanstring(self.text, idx + 1, True)
        node = StrNode(value)
        node.start_mark = _Mark(idx, self.lines)
        node.end_mark = _Mark(end, self.lines)
        return node, end

    def value(self, idx: int) -> tuple[Any, int]:
        text = self.text
        char = text[idx : idx + 1]
        if char == '"':
            return self.string(idx)
        if char == "{":
            return self.obj(idx)
        if char == "[":
            return self.array(idx)
        if char == "n" and text.startswith("null", idx):
            return None, idx + 4
        if char == "t" and text.startswith("true", idx):
            return True, idx + 4
        if char == "f" and text.startswith("false", idx):
            return False, idx + 5
        match = _NUMBER.match(text, idx)
        if match is not None and match.end() > idx:
            integer, fraction, exponent = match.groups()
            if fraction or exponent:
                return float(integer + (fraction or "") + (exponent or "")), match.end()
            return int(integer), match.end()
        for word, constant in _CONSTANTS.items():
            if text.startswith(word, idx):
                return constant, idx + len(word)
        raise _JsonError("expecting a value" if char else "unexpected end of document", idx)

    def obj(self, start: int, root: bool = False, resources: bool = False) -> tuple[DictNode, int]:
        text, ws, lines = self.text, _WS.match, self.lines
        pruning = self.keep_types is not None
        result = DictNode()
        result.start_mark = _Mark(start, lines)
        idx = ws(text, start + 1).end()  # type: ignore[union-attr]
        if text[idx : idx + 1] == "}":
            result.end_mark = _Mark(idx + 1, lines)
            return result, idx + 1
        while True:
            if text[idx : idx + 1] != '"':
                raise _JsonError("expecting a property name in double quotes", idx)
            key, idx = self.string(idx)
            idx = ws(text, idx).end()  # type: ignore[union-attr]
            if text[idx : idx + 1] != ":":
                raise _JsonError("expecting ':' delimiter", idx)
            idx = ws(text, idx + 1).end()  # type: ignore[union-attr]
            if pruning and resources:
                result[key], idx = self.resource(idx)
            elif pruning and root and key == "Resources" and text[idx : idx + 1] == "{":
                result[key], idx = self.obj(idx, resources=True)
            else:
                result[key], idx = self.value(idx)
            idx = ws(text, idx).end()  # type: ignore[union-attr]
            char = text[idx : idx + 1]
            if char == "}":
                result.end_mark = _Mark(idx + 1, lines)
                return result, idx + 1
            if char != ",":
                raise _JsonError("expecting ',' delimiter", idx)
            idx = ws(text, idx + 1).end()  # type: ignore[union-attr]

    def array(self, start: int) -> tuple[ListNode, int]:
        text, ws, lines = self.text, _WS.match, self.lines
        result = ListNode()
        result.start_mark = _Mark(start, lines)
        idx = ws(text, start + 1).end()  # type: ignore[union-attr]
        if text[idx : idx + 1] == "]":
            result.end_mark = _Mark(idx + 1, lines)
            return result, idx + 1
        append = result.append
        while True:
            item, idx = self.value(idx)
            append(item)
            idx = ws(text, idx).end()  # type: ignore[union-attr]
            char = text[idx : idx + 1]
            if char == "]":
                result.end_mark = _Mark(idx + 1, lines)
                return result, idx + 1
            if char != ",":
                raise _JsonError("expecting ',' delimiter", idx)
            idx = ws(text, idx + 1).end()  # type: ignore[union-attr]
