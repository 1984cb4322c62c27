"""Serverless Framework (v3/v4) configuration -> engine subjects.

Works on any duck-typed tree of dict/list/str (this package's loader, cfn-lint's or Checkov's nodes, or the
tree ``serverless_script`` builds from a ``serverless.ts``/``.js``).
``provider.runtime``, ``provider.architecture`` and ``provider.runtimeManagement`` are inherited by every
function that does not set its own; a container-image function (``image:``) has no runtime at all (Serverless
drops it when compiling).
``runtimeManagement`` is ``auto``, ``onFunctionUpdate`` or ``{mode, arn}`` and is translated to the
CloudFormation vocabulary the engine speaks (Auto, FunctionUpdate, Manual).

Serverless variables are resolved where the answer is in the files themselves, and only when a variable is
the whole value:

- ``${self:path}``: a value of the same configuration (through includes on the way);
- ``${file(./x.yml)}`` and ``${file(./x.yml):a.b}``: an include, relative to the file that names it. Its
  values carry the included file's path (``Value.file``), so a finding sits where the user must edit. An
  include is read only when a value the policies look at needs it, so ``${file(./api.json)}`` under
  ``resources`` costs nothing; one that cannot be read is recorded in ``problems`` and stays unresolved;
- ``${env:X, '<runtime>'}``, ``${opt:...}``, ``${ssm:...}`` and every other source known only at deploy time:
  unknown, but a literal fallback is a value the function can take, reported "from the default of ${env:X}"
  (as a CloudFormation parameter Default is).

Anything else (partial interpolation, nested variables in an address) is unknown and left out: never a guess.
A runtime value that a declared plugin replaces while packaging (``runtime: rust`` with serverless-rust,
see ``serverless_plugins``) is unresolved too.
Only AWS is Lambda: a file whose ``provider`` names another cloud (``google``, ``openwhisk``, ``kubeless``, ...)
has no subjects, since its runtimes use that cloud's vocabulary (Checkov's serverless checks skip it too).
Nothing here raises on malformed input: every step checks the type it is about to use.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, Optional, Union

from ..loader import StrNode, position
from ..model import FunctionSubject, LayerSubject, PolicySubject, Value
from ..nodes import FILE_ATTRIBUTE

__all__ = [
    "FUNCTION_TYPE",
    "LAYER_TYPE",
    "UNRESOLVED",
    "Unresolved",
    "entries",
    "is_serverless",
    "origin",
    "subjects",
]

Subject = Union[FunctionSubject, LayerSubject, PolicySubject]
_Pos = tuple[int, int]

FUNCTION_TYPE = "serverless:function"
LAYER_TYPE = "serverless:layer"
POLICY_TYPE = "serverless:provider"
_MODES = {"auto": "Auto", "onfunctionupdate": "FunctionUpdate", "manual": "Manual"}
_MAX_DEPTH = 16
_MAX_STEPS = 256
_INCLUDE_SUFFIXES = (".yml", ".yaml", ".json")
_SCRIPT_SUFFIXES = (".js", ".cjs", ".mjs", ".ts", ".cts", ".mts")


class Unresolved:
    """A value that is written but not known before deploy (a call or an import in a ``serverless.ts``).

    Unlike a missing key it stops inheritance: a function whose runtime is ``getRuntime()`` does not take
    ``provider.runtime``.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNRESOLVED"


UNRESOLVED = Unresolved()


def is_serverless(doc: object) -> bool:
    """A Serverless configuration: a mapping with ``service`` and ``provider`` or ``functions``."""
    return isinstance(doc, dict) and "service" in doc and ("provider" in doc or "functions" in doc)


def subjects(doc: object, file: str = "", problems: Optional[list[str]] = None) -> list[Subject]:
    """Every function (``functions.<name>``) and layer (``layers.<name>``) of a Serverless configuration.

    ``file`` is the configuration's path: includes are resolved relative to it (not at all without one).
    Includes that cannot be read add one line each to ``problems``; their values stay unresolved.
    """
    if not is_serverless(doc):
        return []
    assert isinstance(doc, dict)
    reader = _Reader(doc, file, problems)
    provider = reader.container(_found(doc, "provider"))
    if not _aws(provider if provider is not None else _get(doc, "provider")):
        return []
    provider = provider if isinstance(provider, dict) else {}
    out: list[Subject] = []
    for name, key, function in reader.items(_get(doc, "functions")):
        out.append(_built_image(reader.function(provider, name, key, function), function, provider, problems))
    for name, key, layer in reader.items(_get(doc, "layers")):
        out.append(reader.layer(name, key, layer))
    policy = reader.policy(provider)
    if policy is not None:
        out.append(policy)
    return out


def entries(doc: object, file: str, section: str) -> tuple[list[tuple[str, dict[Any, Any]]], object]:
    """Every ``(name, body)`` of ``functions`` or ``layers`` and the ``provider`` mapping, includes resolved.

    The Checkov adapter matches Checkov's entity to one of these, and asks which properties are written at
    all (through an include they still are).
    """
    if not is_serverless(doc):
        return [], None
    assert isinstance(doc, dict)
    reader = _Reader(doc, file, None)
    provider = reader.container(_found(doc, "provider"))
    return [(name, body) for name, _key, body in reader.items(_get(doc, section))], provider


def origin(node: object) -> str:
    """The included or imported file a node was read from; '' for the configuration's own file."""
    return _origin(node)


def _aws(provider: object) -> bool:
    """False only when the provider is named and the name is not ``aws`` (a missing name is a typo, not a cloud)."""
    name = _get(provider, "name") if isinstance(provider, dict) else provider
    if not isinstance(name, str) or "${" in name:
        return True
    return name.strip().lower() == "aws"


_CLOUDFRONT_EVENT_DISTRIBUTION = "CloudFrontDistribution"
# A property as found: its node and the position to report it at (the key's when the value has none).
_Found = Optional[tuple[object, _Pos]]


def _built_image(
    subject: FunctionSubject, function: dict[Any, Any], provider: dict[Any, Any], problems: Optional[list[str]]
) -> FunctionSubject:
    """An image function built from a Dockerfile the service holds: ``image: <name>`` (or ``image.name``) names
    ``provider.ecr.images.<name>`` with a ``path`` (and optional ``file``, ``buildArgs``, ``platform``), relative to
    the file that declares the function. Its base image is judged under the function's name."""
    image = _get(function, "image")
    name = _get(image, "name") if isinstance(image, dict) else image
    spec = _get(_get(_get(provider, "ecr"), "images"), name) if isinstance(name, str) else None
    folder = _get(spec, "path")
    if not isinstance(folder, str) or not folder:
        return subject
    args = {
        key: Value(str(node), *position(node), f"from buildArgs {key}", subject.file)
        for key, node in dict.items(_dict_or_empty(_get(spec, "buildArgs")))
        if isinstance(key, str) and isinstance(node, (str, int, float)) and not isinstance(node, bool)
    }
    file = _get(spec, "file")
    platform = _get(spec, "platform")
    from ..images import platform_architecture
    from . import dockerfile

    built = dockerfile.for_function(
        subject, subject.file, folder, file if isinstance(file, str) else "", "", args, problems
    )
    arch = platform_architecture(platform) if isinstance(platform, str) else ""
    if arch and built.base_images:
        built = replace(built, architectures=(*built.architectures, Value(arch, *position(platform))))
    return built


def _dict_or_empty(node: object) -> dict[Any, Any]:
    return node if isinstance(node, dict) else {}


class _Reader:
    """One configuration: its root (for ``${self:}``), its path (for includes), and what was included."""

    def __init__(self, doc: dict[Any, Any], file: str, problems: Optional[list[str]]) -> None:
        self.doc = doc
        self.file = file
        self.problems = problems
        self.included: dict[str, object] = {}
        self.reported: set[str] = set()
        self.depth = 0
        self.budget = _MAX_STEPS
        self.rewritten = _rewritten_runtimes(doc)

    # ------------------------------------------------------------------------------------------- subjects

    def function(self, provider: dict[Any, Any], name: str, key: object, function: dict[Any, Any]) -> FunctionSubject:
        home = _origin(function) or self.file
        # Serverless compiles an image function without Runtime (its compile step drops it), so a runtime
        # written on it, or inherited, never reaches AWS: nothing to judge.
        image = _get(function, "image") is not None
        runtime, runtime_via = (None, "") if image else _own_or_inherited(function, provider, "runtime")
        arch, arch_via = _own_or_inherited(function, provider, "architecture")
        config, config_via = _own_or_inherited(function, provider, "runtimeManagement")
        modes, arns = self.runtime_management(config, config_via, home)
        config_line = config[1][0] if config is not None and _origin(config[0]) == _origin(function) else 0
        return FunctionSubject(
            resource=f"functions.{name}",
            runtimes=self.scalars(runtime, runtime_via, home, runtime=True),
            architectures=self.scalars(arch, arch_via, home),
            update_modes=modes,
            runtime_version_arns=arns,
            line=config_line or _line(key, function),
            file=home,
            resource_type=FUNCTION_TYPE,
            applies_to=f"functions.{name}" if runtime_via or arch_via or config_via else "",
            regions=_literal_region(provider, home),
            edge_distributions=self.edge_distributions(function),
            layers=self.layers(function, provider, home),
            package_types=self.package(function, home),
        )

    # ------------------------------------------------------------------------------------------- Lambda@Edge

    def edge_distributions(self, function: dict[Any, Any]) -> tuple[str, ...]:
        """What makes a function a Lambda@Edge function (EL2002): a ``cloudFront`` event (the framework then
        creates the distribution ``CloudFrontDistribution``, its naming.getCloudFrontDistributionLogicalId), or
        serverless-plugin-cloudfront-lambda-edge's ``lambdaAtEdge: {distribution: <logical ID>}`` (one or a list),
        naming a distribution of ``resources``."""
        names: list[str] = []
        events = self.container(_found(function, "events"))
        for event in events if isinstance(events, list) else []:
            if isinstance(event, dict) and _get(event, "cloudFront") is not None:
                names.append(_CLOUDFRONT_EVENT_DISTRIBUTION)
        plugin = self.container(_found(function, "lambdaAtEdge"))
        for entry in plugin if isinstance(plugin, list) else [plugin] if isinstance(plugin, dict) else []:
            distribution = _get(entry, "distribution")
            if isinstance(distribution, str) and distribution.strip():
                names.append(distribution.strip())
        return tuple(dict.fromkeys(names))

    def layers(self, function: dict[Any, Any], provider: dict[Any, Any], home: str) -> tuple[Value, ...]:
        """One Value per layer a function uses: its own ``layers``, else ``provider.layers`` (a function's own list
        replaces the provider's), whatever the form of each entry (an ARN, a ``Ref``, a variable)."""
        found, via = _own_or_inherited(function, provider, "layers")
        node = self.container(found) if found is not None else None
        if not isinstance(node, list):
            return ()
        out: list[Value] = []
        for item in node:
            line, column = _pos(item, found[1])  # type: ignore[index]
            shown = item if isinstance(item, str) else None
            value = Value(shown, line, column, via, self.value_file(item, home) if shown else "")
            if value not in out:
                out.append(value)
        return tuple(out)

    def package(self, function: dict[Any, Any], home: str) -> tuple[Value, ...]:
        """``image:`` makes a container-image function (Serverless's PackageType Image)."""
        found = _found(function, "image")
        if found is None:
            return ()
        return (Value("Image", found[1][0], found[1][1], "image", ""),)

    def layer(self, name: str, key: object, layer: dict[Any, Any]) -> LayerSubject:
        home = _origin(layer) or self.file
        return LayerSubject(
            resource=f"layers.{name}",
            compatible_runtimes=self.flat(_found(layer, "compatibleRuntimes"), home, runtime=True),
            compatible_architectures=self.flat(_found(layer, "compatibleArchitectures"), home),
            line=_line(key, layer),
            file=home,
            resource_type=LAYER_TYPE,
        )

    def policy(self, provider: dict[Any, Any]) -> Optional[PolicySubject]:
        """The IAM statements of the service's role: ``provider.iam.role.statements`` and the older
        ``provider.iamRoleStatements`` (Serverless v1/v2), each part possibly a variable or an include."""
        from . import iam

        home = self.file
        items: list[object] = []
        role = self.container(_found(self.container(_found(provider, "iam")), "role"))
        for found in (_found(role, "statements"), _found(provider, "iamRoleStatements")):
            section = self.container(found)
            if isinstance(section, list):
                items.extend(self.container((item, _pos(item, found[1] if found else (0, 0)))) for item in section)

        def resolve(node: object) -> tuple[tuple[Value, ...], bool]:
            if node is None:
                return (), True
            values = tuple(v for v in self.flat((node, _pos(node, (0, 0))), home) if isinstance(v.value, str))
            return values, bool(values)

        statements = iam.document_statements({"Statement": [i for i in items if isinstance(i, dict)]}, resolve, home)
        if not statements:
            return None
        line = _line("provider", provider)
        for candidate in dict.keys(self.doc):
            if isinstance(candidate, str) and candidate == "provider":
                line = _pos(candidate, (line, 0))[0]
        return PolicySubject(
            resource="provider", statements=statements, line=line, file=home, resource_type=POLICY_TYPE
        )

    def runtime_management(self, config: _Found, via: str, home: str) -> tuple[tuple[Value, ...], tuple[Value, ...]]:
        resolved = self.resolve(config, via)
        if resolved is None:
            return (), ()
        (node, pos), via = resolved
        if isinstance(node, str):
            return self.mode(node, pos, via, home), ()
        if not isinstance(node, dict):
            return (), ()
        mode = self.resolve(_found(node, "mode"), via)
        modes: tuple[Value, ...] = ()
        if mode is not None and isinstance(mode[0][0], str):
            modes = self.mode(mode[0][0], mode[0][1], mode[1], home)
        return modes, self.scalars(_found(node, "arn"), via, home)

    def mode(self, node: str, pos: _Pos, via: str, home: str) -> tuple[Value, ...]:
        mode = _MODES.get(str(node).strip().lower())
        return (Value(mode, pos[0], pos[1], via, self.value_file(node, home)),) if mode is not None else ()

    def scalars(self, found: _Found, via: str, home: str, runtime: bool = False) -> tuple[Value, ...]:
        resolved = self.resolve(found, via)
        if resolved is None:
            return ()
        (node, pos), via = resolved
        if not isinstance(node, str) or (runtime and str(node).strip() in self.rewritten):
            return ()
        return (Value(str(node), pos[0], pos[1], via, self.value_file(node, home)),)

    def flat(self, found: _Found, home: str, runtime: bool = False) -> tuple[Value, ...]:
        """Single values out of a list property; the list or each element may be a variable."""
        resolved = self.resolve(found, "")
        if resolved is None:
            return ()
        (node, pos), via = resolved
        if not isinstance(node, list):
            return self.scalars((node, pos), via, home, runtime)
        out: list[Value] = []
        for item in node:
            for value in self.scalars((item, _pos(item, pos)), via, home, runtime):
                if value not in out:
                    out.append(value)
        return tuple(out)

    def value_file(self, node: object, home: str) -> str:
        """The file a value is written in, when it is not the subject's own (Value.file's contract)."""
        written = _origin(node) or self.file
        return written if written != home else ""

    # ------------------------------------------------------------------------------------------- sections

    def container(self, found: _Found) -> object:
        """A section that may itself be a variable (``provider: ${file(./provider.yml)}``): dict/list or None."""
        resolved = self.resolve(found, "")
        node = resolved[0][0] if resolved is not None else None
        return node if isinstance(node, (dict, list)) else None

    def items(self, section: object) -> Iterator[tuple[str, object, dict[Any, Any]]]:
        """(name, key node, body) of each entry; Serverless v1 also allowed a list of one-entry mappings, and
        any part (the section, a list element, a body) may be an include."""
        section = self.container((section, _pos(section, (0, 0))))
        if isinstance(section, dict):
            sections: list[dict[Any, Any]] = [section]
        elif isinstance(section, list):
            sections = []
            for element in section:
                resolved = self.container((element, _pos(element, _pos(section, (0, 0)))))
                if isinstance(resolved, dict):
                    sections.append(resolved)
        else:
            return
        for entries in sections:
            for key, body in dict.items(entries):
                if _host_metadata(key):
                    continue
                if isinstance(body, str) and "${" in body:
                    body = self.container((body, _pos(body, (0, 0))))
                if isinstance(body, dict):
                    yield str(key), key, body

    # ------------------------------------------------------------------------------------------ variables

    def resolve(self, found: _Found, via: str) -> Optional[tuple[tuple[object, _Pos], str]]:
        """Follow whole-value variables; None when the value is unknown before deploy."""
        # Variables lead to addresses whose parts are variables again (``custom: ${self:custom.x}``): one budget
        # of steps per value asked for, shared by the nested lookups, keeps any cycle cheap.
        if self.depth == 0:
            self.budget = _MAX_STEPS
        if self.depth >= _MAX_DEPTH:
            return None
        self.depth += 1
        try:
            while self.budget > 0:
                self.budget -= 1
                if found is None:
                    return None
                node, pos = found
                if node is None or isinstance(node, Unresolved):
                    return None
                if not isinstance(node, str) or "${" not in node:
                    return (node, pos), via
                step = self.step(node, pos, via)
                if step is None:
                    return None
                found, via = step
            return None
        finally:
            self.depth -= 1

    def step(self, node: str, pos: _Pos, via: str) -> Optional[tuple[_Found, str]]:
        """One variable: its target (or its fallback when the source is known only at deploy time)."""
        parts = _variable_parts(str(node))
        if parts is None:
            return None
        primary, fallbacks = parts[0], parts[1:]
        spelled = "${" + primary + "}"
        target: object = None
        if primary.startswith("self:"):
            target = self.path(self.doc, primary[len("self:") :].strip())
        elif primary.startswith("file("):
            target = self.include(node, primary, pos, required=not fallbacks)
        if target is not None:
            return (target, _pos(target, pos)), _join(via, f"via {spelled}")
        for fallback in fallbacks:
            literal = _literal(fallback)
            note = _join(via, f"from the default of {spelled}")
            if literal is not None:
                return (_derived(literal, node), pos), note
            if fallback.startswith("${"):
                return (_derived(fallback, node), pos), note
            if ":" in fallback or fallback.startswith("file("):  # v2 spelling: ${opt:stage, self:custom.x}
                return (_derived("${" + fallback + "}", node), pos), note
            return None
        return None

    def path(self, root: object, address: str) -> object:
        """The node at a dotted address, following includes and ``${self:}`` on the way; None if absent."""
        if not address:
            return root
        if "${" in address or "," in address or "}" in address:
            return None  # nested variables: only the framework knows
        node = root
        for part in address.split("."):
            if isinstance(node, str) and "${" in node:
                resolved = self.resolve((node, _pos(node, (0, 0))), "")
                node = resolved[0][0] if resolved is not None else None
            if isinstance(node, dict) and part in node:
                node = dict.get(node, part)
            elif isinstance(node, list) and part.isascii() and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        return node

    def include(self, node: str, primary: str, pos: _Pos, required: bool) -> object:
        """``file(path)`` or ``file(path):address`` relative to the file that writes it; None if unknown."""
        close = primary.find(")")
        if close < 0:
            return None
        target, rest = primary[len("file(") : close].strip().strip("'\""), primary[close + 1 :].strip()
        if rest and not rest.startswith(":"):
            return None
        if not target or "${" in target or target.startswith("~"):
            return None
        writer = _origin(node) or self.file
        if not writer:
            return None  # a document without a path (a test, Checkov's conf): nothing to be relative to
        included = os.path.normpath(os.path.join(os.path.dirname(writer), target))
        if included not in self.included:
            self.included[included] = _load_include(included)
        document = self.included[included]
        if isinstance(document, _Failure):
            if required and included not in self.reported and self.problems is not None:
                # One line per unreadable file, however many values point into it.
                self.reported.add(included)
                where = f"{writer}:{pos[0]}" if pos[0] else writer
                self.problems.append(f"{where}: ${{{primary}}}: cannot read {included}: {document.reason}")
            return None
        return self.path(document, rest[1:].strip())


class _Failure:
    """Why an include could not be read (one line)."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _load_include(path: str) -> object:
    """An included YAML/JSON (or literal JS/TS) file, every node tagged with its path; a _Failure otherwise."""
    from .. import files
    from ..loader import LoadError, load_file

    lowered = path.lower()
    found = files.kind(path)
    if found != "file":
        return _Failure("no such file" if found == "none" else "not a file")
    if lowered.endswith(_SCRIPT_SUFFIXES):
        from .serverless_script import read_module

        document, problem = read_module(path)
        if problem:
            return _Failure(problem)
    elif lowered.endswith(_INCLUDE_SUFFIXES):
        try:
            document = load_file(path)
        except LoadError as exc:
            return _Failure(str(exc))
        except OSError as exc:
            return _Failure(exc.strerror or str(exc))
    else:
        return _Failure("not a YAML, JSON, JavaScript or TypeScript file")
    tag(document, path)
    return document


def tag(document: object, file: str) -> None:
    """Mark every node of a document read from another file (plain values cannot carry it; none is needed)."""
    stack = [document]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if getattr(node, FILE_ATTRIBUTE, None) is None:
            with contextlib.suppress(AttributeError, TypeError):
                setattr(node, FILE_ATTRIBUTE, file)
        if isinstance(node, dict):
            stack.extend(dict.keys(node))
            stack.extend(dict.values(node))
        elif isinstance(node, list):
            stack.extend(node)


def _origin(node: object) -> str:
    try:
        file = getattr(node, FILE_ATTRIBUTE, "")
    except Exception:  # a host node with an odd __getattr__
        return ""
    return file if isinstance(file, str) else ""


def _derived(text: str, like: object) -> StrNode:
    """A string taken out of another (a fallback literal): same position and file as the one it is written in."""
    node = StrNode(text)
    node.start_mark = getattr(like, "start_mark", None)
    node.end_mark = getattr(like, "end_mark", None)
    origin = _origin(like)
    if origin:
        setattr(node, FILE_ATTRIBUTE, origin)
    return node


def _join(first: str, second: str) -> str:
    return f"{first}, {second}" if first else second


def _variable_parts(text: str) -> Optional[list[str]]:
    """``${source:address, fallback, ...}`` as [primary, fallbacks...] when the whole value is one variable.

    Commas split at the top level only: not inside quotes, nested ``${...}`` or ``file(...)``.
    """
    text = text.strip()
    if not (text.startswith("${") and text.endswith("}")):
        return None
    parts: list[str] = []
    depth, parens, quote, start = 0, 0, "", 2
    for index in range(2, len(text) - 1):
        char = text[index]
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "{" and text[index - 1] == "$":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return None  # "${a}${b}": two variables, not one
        elif char == "(":
            parens += 1
        elif char == ")":
            parens -= 1
        elif char == "," and depth == 0 and parens <= 0:
            parts.append(text[start:index].strip())
            start = index + 1
    if depth != 0 or quote:
        return None
    parts.append(text[start:-1].strip())
    if not parts[0] or "${" in parts[0]:
        return None
    return parts


def _literal(text: str) -> Optional[str]:
    """A quoted fallback (``'value'`` or ``"value"``); None for anything else."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return None


def _rewritten_runtimes(doc: dict[Any, Any]) -> frozenset[str]:
    """Runtime values replaced by the plugins this configuration declares (a list, or ``{modules: [...]}``)."""
    declared = _get(doc, "plugins")
    if isinstance(declared, dict):
        declared = _get(declared, "modules")
    if not isinstance(declared, list) or not declared:
        return frozenset()
    from .serverless_plugins import rewritten_runtimes

    return rewritten_runtimes(str(name) for name in declared if isinstance(name, str))


def _literal_region(provider: dict[Any, Any], home: str) -> tuple[Value, ...]:
    """``provider.region`` when written as a literal: where the service deploys (EL1006). A variable
    (``${opt:region, 'us-east-1'}``) is decided at deploy time, so it says nothing here."""
    found = _found(provider, "region")
    if found is None or not isinstance(found[0], str) or "${" in found[0] or not found[0].strip():
        return ()
    (line, column) = found[1]
    return (Value(found[0].strip(), line, column, via="provider.region", file=_origin(provider) or home),)


def _own_or_inherited(function: dict[Any, Any], provider: dict[Any, Any], key: str) -> tuple[_Found, str]:
    own = _found(function, key)
    if own is not None:
        return own, ""
    inherited = _found(provider, key)
    return inherited, (f"inherited from provider.{key}" if inherited is not None else "")


# --------------------------------------------------------------------------------------------- the tree


def _get(mapping: object, key: str) -> object:
    return dict.get(mapping, key) if isinstance(mapping, dict) else None


def _host_metadata(key: object) -> bool:
    """Checkov adds ``__startline__`` and ``__endline__`` to the mappings it parses."""
    return isinstance(key, str) and len(key) > 4 and key.startswith("__") and key.endswith("__")


def _found(mapping: object, key: str) -> _Found:
    if not isinstance(mapping, dict):
        return None
    value = _get(mapping, key)
    if value is None:
        return None
    for candidate in dict.keys(mapping):
        if isinstance(candidate, str) and candidate == key:
            return value, _pos(value, _pos(candidate, _pos(mapping, (0, 0))))
    return value, _pos(value, _pos(mapping, (0, 0)))


def _pos(node: object, fallback: _Pos) -> _Pos:
    """The node's own 1-based position, else Checkov's ``__startline__``, else the fallback."""
    line, column = position(node)
    if line:
        return line, column
    if isinstance(node, dict):
        start = dict.get(node, "__startline__")
        if isinstance(start, int) and not isinstance(start, bool) and start > 0:
            return start, 0
    return fallback


def _line(key: object, body: object) -> int:
    """The name's line when the key carries a position, else the body's."""
    return _pos(key, _pos(body, (0, 0)))[0]
