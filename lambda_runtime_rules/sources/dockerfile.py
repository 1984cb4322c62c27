"""Dockerfiles: every FROM of an AWS Lambda base image, positioned on its tag, as a container-image function.

A function deployed as a container image has no ``Runtime``: its runtime is the base image it is built FROM. The
file is read the way BuildKit reads it, by a small instruction tokenizer rather than patterns over the text:
parser directives (``# escape=```), comments, line continuations (also across comment and empty lines), case-
insensitive instructions, ``ARG`` defaults declared before the first ``FROM`` (the only ones a ``FROM`` sees),
``${VAR}``, ``$VAR``, ``${VAR:-default}`` and ``${VAR-default}``, ``--platform=...`` and multi-stage ``AS`` names
(a ``FROM`` of an earlier stage is that stage, not an image). Every character keeps the file, line and column it was
written at, so a finding (and ``fix``) lands on the tag even when it comes from an ``ARG`` default or a build
argument in a template. The reader never raises on any text: what it cannot resolve it leaves out.

Which runtime a reference names is the engine's business (``images.match`` with the catalog); this module only
keeps references to ``public.ecr.aws/lambda/...`` and ``amazon/aws-lambda-...`` images.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from ..files import FileProblem, read_text
from ..images import parse, platform_architecture
from ..model import FunctionSubject, Value
from .names import is_dockerfile as is_dockerfile  # its own predicate, kept apart so a walk imports nothing here

RESOURCE_TYPE = "Dockerfile"
MAX_WORD = 4096
"""The longest expanded word kept; an image reference is far shorter (Docker allows 255 for a repository name)."""
class Spot(NamedTuple):
    """Where one character was written: file ('' for the Dockerfile itself), 1-based line and column, and how it
    was reached ('' when written in the FROM itself, else e.g. 'from the default of ARG PY')."""

    file: str
    line: int
    column: int
    via: str = ""


@dataclass
class Word:
    """A run of characters with the spot of each one."""

    text: str
    spots: list[Spot]


@dataclass
class Instruction:
    keyword: str  # upper case
    line: int
    words: list[Word]


@dataclass
class Stage:
    """One FROM: its index and name, its Lambda base image (None: another image, or unresolved), its platform."""

    index: int
    name: str
    line: int
    image: Value | None = None
    platform: Value | None = None
    parent: Stage | None = None
    unresolved: bool = False

    @property
    def root(self) -> Stage:
        """The stage that names an image: ``FROM builder`` is the stage ``builder`` (followed to its own FROM)."""
        stage, seen = self, set()
        while stage.parent is not None and id(stage) not in seen:
            seen.add(id(stage))
            stage = stage.parent
        return stage

    @property
    def resource(self) -> str:
        return self.name or f"stage {self.index}"


def _directives(lines: Sequence[str]) -> tuple[str, int]:
    """The escape character and the index of the first line after the parser directives."""
    escape, seen, index = "\\", set(), 0
    while index < len(lines):
        stripped = lines[index].strip()
        if not stripped.startswith("#"):
            break
        key, equals, value = stripped[1:].partition("=")
        key = key.strip().lower()
        if not equals or not key or not all(c.isalnum() or c == "_" for c in key) or key in seen:
            break
        seen.add(key)
        if key == "escape" and value.strip() in ("\\", "`"):
            escape = value.strip()
        index += 1
    return escape, index


def instructions(text: str) -> tuple[list[Instruction], str]:
    """The instructions of a Dockerfile (continuations joined, comments dropped) and its escape character."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    escape, first = _directives(lines)
    found: list[Instruction] = []
    chars: list[tuple[str, Spot]] = []
    start = 0
    for number, raw in enumerate(lines[first:], start=first + 1):
        stripped = raw.lstrip(" \t")
        if not stripped.strip() or stripped.startswith("#"):
            continue  # empty and comment lines, also inside a continuation
        if not chars:
            start = number
        content = raw.rstrip(" \t")
        continued = content.endswith(escape)
        if continued:
            content = content[: -len(escape)]
        chars.extend((ch, Spot("", number, column)) for column, ch in enumerate(content, start=1))
        if not continued:
            found.append(_instruction(chars, start))
            chars = []
    if chars:
        found.append(_instruction(chars, start))
    return [i for i in found if i.keyword], escape


def _instruction(chars: list[tuple[str, Spot]], line: int) -> Instruction:
    words = _split(chars)
    if not words:
        return Instruction("", line, [])
    return Instruction(words[0].text.upper(), line, words[1:])


def _split(chars: list[tuple[str, Spot]]) -> list[Word]:
    """Whitespace-separated words; whitespace inside quotes stays in the word."""
    words: list[Word] = []
    text: list[str] = []
    spots: list[Spot] = []
    quote = ""
    for ch, spot in chars:
        if ch in " \t" and not quote:
            if text:
                words.append(Word("".join(text), spots))
                text, spots = [], []
            continue
        if ch in "\"'":
            quote = "" if quote == ch else (quote or ch)
        text.append(ch)
        spots.append(spot)
    if text:
        words.append(Word("".join(text), spots))
    return words


def _unquote(word: Word) -> Word:
    text = word.text
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return Word(text[1:-1], word.spots[1:-1])
    return word


_Env = Mapping[str, "Word | None"]


def _name_end(text: str, index: int) -> int:
    while index < len(text) and (text[index].isalnum() or text[index] == "_") and text[index].isascii():
        index += 1
    return index


def expand(word: Word, env: _Env, escape: str = "\\") -> Word | None:
    """The word with ``$VAR``, ``${VAR}``, ``${VAR:-x}``, ``${VAR-x}``, ``${VAR:+x}`` replaced; None when a variable
    has no known value (a build argument given only on the command line)."""
    text, spots = word.text, word.spots
    out: list[str] = []
    where: list[Spot] = []
    index = 0
    while index < len(text):
        ch = text[index]
        if ch == escape and index + 1 < len(text):
            out.append(text[index + 1])
            where.append(spots[index + 1])
            index += 2
            continue
        if ch != "$" or index + 1 >= len(text):
            out.append(ch)
            where.append(spots[index])
            index += 1
            continue
        if text[index + 1] == "{":
            close = text.find("}", index + 2)
            if close < 0:
                return None
            end = _name_end(text, index + 2)
            name, operator = text[index + 2 : end], text[end:close]
            fallback = Word(text[end:close], spots[end:close])
            index = close + 1
        else:
            end = _name_end(text, index + 1)
            if end == index + 1:
                out.append(ch)
                where.append(spots[index])
                index += 1
                continue
            name, operator, fallback = text[index + 1 : end], "", Word("", [])
            index = end
        if not name:
            return None
        value = env.get(name)
        has_value = value is not None and value.text != ""
        for prefix in (":-", "-", ":+", "+"):
            if operator.startswith(prefix):
                alternative = Word(fallback.text[len(prefix) :], fallback.spots[len(prefix) :])
                if prefix in (":-", "-"):
                    value = value if has_value else alternative
                else:
                    value = alternative if has_value else Word("", [])
                break
        else:
            if operator:  # ${VAR?error}, ${VAR#pattern}, ...: not a literal we can know
                return None
        if value is None or len(out) + len(value.text) > MAX_WORD:
            return None  # unknown, or ARG A=${A}${A} doubling line after line: no image name is that long
        out.extend(value.text)
        where.extend(value.spots)
    return Word("".join(out), where)


def stages(text: str, file: str, build_args: Mapping[str, Value] | None = None) -> list[Stage]:
    """Every FROM of the Dockerfile as a stage; ``build_args`` override ARG defaults (SAM DockerBuildArgs, ...)."""
    found, escape = instructions(text)
    env: dict[str, Word | None] = {}
    result: list[Stage] = []
    by_name: dict[str, Stage] = {}
    for instruction in found:
        if instruction.keyword == "ARG" and not result:
            for word in instruction.words:
                name, equals, _ = word.text.partition("=")
                if not name:
                    continue
                default: Word | None = None
                if equals:
                    raw = _unquote(Word(word.text[len(name) + 1 :], word.spots[len(name) + 1 :]))
                    default = expand(raw, env, escape)
                    if default is not None:
                        via = f"from the default of ARG {name}"
                        default = Word(default.text, [s if s.via else s._replace(via=via) for s in default.spots])
                override = (build_args or {}).get(name)
                if override is not None and isinstance(override.value, str):
                    default = _argument(name, override)
                env[name] = default
        elif instruction.keyword == "FROM":
            stage = _stage(instruction, len(result), env, by_name, file, escape)
            result.append(stage)
            if stage.name:
                by_name[stage.name.lower()] = stage
    return result


def _argument(name: str, value: Value) -> Word:
    """A build argument set outside the Dockerfile: its characters sit in the file that sets it."""
    text = str(value.value)
    via = value.via or f"from build argument {name}"
    if not value.line:
        return Word(text, [Spot(value.file, 0, 0, via)] * len(text))
    return Word(text, [Spot(value.file, value.line, value.column + offset, via) for offset in range(len(text))])


def _stage(
    instruction: Instruction, index: int, env: _Env, by_name: Mapping[str, Stage], file: str, escape: str
) -> Stage:
    words = list(instruction.words)
    platform_word: Word | None = None
    while words and words[0].text.startswith("--"):
        flag = words.pop(0)
        key, equals, _ = flag.text.partition("=")
        if key.lower() == "--platform" and equals:
            platform_word = Word(flag.text[len(key) + 1 :], flag.spots[len(key) + 1 :])
    stage = Stage(index, "", instruction.line)
    if not words:
        return stage
    image_word = words[0]
    if len(words) >= 3 and words[1].text.lower() == "as":
        stage.name = words[2].text
    expanded = expand(image_word, env, escape)
    if expanded is None:
        stage.unresolved = True
        return stage
    parent = by_name.get(expanded.text.lower())
    if parent is not None:
        stage.parent = parent
        return stage
    if platform_word is not None:
        stage.platform = _platform(platform_word, env, escape, file)
    reference = parse(expanded.text)
    if reference is None:
        return stage
    spots = expanded.spots
    spot = spots[reference.tag_start] if reference.tag_start < len(spots) else (spots[-1] if spots else None)
    if spot is None:
        return stage
    if reference.tag_start >= len(spots):  # no tag (latest): point just past the repository
        spot = spot._replace(column=spot.column + 1 if spot.line else 0)
    stage.image = Value(expanded.text, spot.line, spot.column, spot.via, spot.file or file)
    return stage


def _platform(word: Word, env: _Env, escape: str, file: str) -> Value | None:
    expanded = expand(word, env, escape)
    if expanded is None or not expanded.spots:
        return None
    architecture = platform_architecture(expanded.text)
    if not architecture:
        return None
    spot = expanded.spots[0]
    return Value(architecture, spot.line, spot.column, spot.via, spot.file or file)


def subjects(text: str, file: str) -> list[FunctionSubject]:
    """One subject per FROM of a Lambda base image (named by its stage), as the Dockerfile stands alone."""
    found: list[FunctionSubject] = []
    for stage in stages(text, file):
        if stage.image is None:
            continue
        found.append(
            FunctionSubject(
                resource=stage.resource,
                architectures=(stage.platform,) if stage.platform is not None else (),
                line=stage.line,
                file=file,
                resource_type=RESOURCE_TYPE,
                base_images=(stage.image,),
            )
        )
    return found


def load(path: Path) -> list[FunctionSubject]:
    """Subjects of a Dockerfile on disk; raises FileProblem when it cannot be read."""
    return subjects(read_text(path), str(path))


def built_image(
    path: Path, target: str = "", build_args: Mapping[str, Value] | None = None
) -> tuple[tuple[Value, ...], tuple[Value, ...]]:
    """The base image (and ``--platform``) of the image a Dockerfile builds: its last stage, or ``target``.

    For a template function built from this Dockerfile (SAM ``Metadata``, Serverless ``provider.ecr.images``).
    Raises FileProblem when the file cannot be read.
    """
    built = stages(read_text(path), str(path), build_args)
    chosen = built[-1] if built else None
    if target:
        chosen = next((s for s in built if s.name.lower() == target.lower()), None)
    if chosen is None:
        return (), ()
    root = chosen.root
    if root.image is None:
        return (), ()
    return (root.image,), ((root.platform,) if root.platform is not None else ())


def for_function(
    subject: FunctionSubject,
    config_file: str,
    folder: str,
    name: str = "",
    target: str = "",
    build_args: Mapping[str, Value] | None = None,
    problems: list[str] | None = None,
) -> FunctionSubject:
    """An image function that a template builds from a Dockerfile in the repository, judged by that FROM.

    ``folder`` (SAM ``DockerContext``, Serverless ``provider.ecr.images.<name>.path``) is relative to the file
    that names it; ``name`` is the Dockerfile in it. A Dockerfile that cannot be read is one line in
    ``problems`` (exit 2); the function then stays unresolved, as any image function without one.
    """
    if not config_file:
        return subject
    path = Path(config_file).parent / folder / (name or "Dockerfile")
    if "\0" in str(path):  # no file system takes it (and realpath raises): the function stays unresolved
        if problems is not None:
            where = f"{config_file}:{subject.line}: {subject.resource}"
            problems.append(f"{where}: the Dockerfile path contains a NUL byte")
        return subject
    subject = replace(subject, built_from=os.path.realpath(path))
    try:
        found, platforms = built_image(path, target, build_args)
    except FileProblem as exc:
        if problems is not None:
            problems.append(f"{config_file}:{subject.line}: {subject.resource}: {path}: {exc}")
        return subject
    note = f"the image of {subject.resource}"  # the finding sits in the Dockerfile: say whose image it builds
    found = tuple(replace(v, via=f"{v.via}; {note}" if v.via else note) for v in found)
    return replace(subject, base_images=found, architectures=subject.architectures + platforms)
