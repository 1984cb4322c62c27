"""Well-known public Terraform modules that create Lambda functions, judged without downloading them.

A call such as ``module "fn" { source = "terraform-aws-modules/lambda/aws" runtime = "<a runtime>" }`` hides its
``aws_lambda_function`` inside a module that is only on disk after ``terraform init``. For the few public modules
almost everyone uses, ``rules_data/terraform_modules.json`` says which input carries each value and which
switches disable creation, copied from each module's own ``variables.tf`` and ``main.tf`` at a recorded commit.
This module turns one call's arguments into the subjects the engine judges.

Pure: no host imports. The data is validated by its JSON Schema at load (with a format checker) and parsed
into frozen records once per process; a broken file raises :class:`ModuleDataError`, one line.

Subject names are Terraform addresses without a count index: ``module.fn.aws_lambda_function.this`` (the
module creates at most one of each, with ``count`` 0 or 1, so the index adds nothing a user could act on).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional, Union

from . import bundled
from .catalog import CatalogError
from .model import FunctionSubject, LayerSubject, Value

__all__ = [
    "FunctionSpec",
    "Input",
    "KnownModule",
    "KnownModules",
    "LayerSpec",
    "ModuleDataError",
    "ModuleSource",
    "Switch",
    "default_modules",
    "find_module",
    "known_module_subjects",
    "load",
    "load_file",
]

DATA_FILE = "terraform_modules.json"
SCHEMA_FILE = "terraform_modules.schema.json"
# The AWS package type that has no runtime (PackageType: Image); a call known to deploy one is no function.
IMAGE = "Image"
_NO_DEFAULT = object()


class ModuleDataError(CatalogError):
    """The module data cannot be used. A CatalogError, so every face reports it as it reports a broken catalog."""


@dataclass(frozen=True)
class ModuleSource:
    """Where the facts of one module were read: repository, commit, ``git describe``, files."""

    url: str
    commit: str
    describe: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class Input:
    """One variable of the module. ``default`` is ``_NO_DEFAULT`` for a required input (see ``required``)."""

    name: str
    type: str
    default: object = _NO_DEFAULT

    @property
    def required(self) -> bool:
        return self.default is _NO_DEFAULT


@dataclass(frozen=True)
class Switch:
    """A boolean input that must equal ``creates_when`` for the resource to exist; ``null_means`` reads a null."""

    input: str
    creates_when: bool
    null_means: Optional[bool] = None


@dataclass(frozen=True)
class FunctionSpec:
    """Which inputs feed the module's function resource. None: the module has no such input."""

    resource: str  # type.name inside the module
    runtime: str
    architectures: Optional[str]
    package_type: Optional[str]
    update_runtime_on: Optional[str]
    runtime_version_arn: Optional[str]
    switches: tuple[Switch, ...]

    @property
    def resource_type(self) -> str:
        return self.resource.split(".", 1)[0]


@dataclass(frozen=True)
class LayerSpec:
    """Which inputs feed the module's layer resource; ``runtimes_when_empty`` stands in for an empty list."""

    resource: str
    compatible_runtimes: str
    runtimes_when_empty: Optional[str]
    compatible_architectures: Optional[str]
    switches: tuple[Switch, ...]

    @property
    def resource_type(self) -> str:
        return self.resource.split(".", 1)[0]


@dataclass(frozen=True)
class KnownModule:
    name: str
    registry: str
    repositories: tuple[str, ...]
    source: ModuleSource
    inputs: Mapping[str, Input]
    function: FunctionSpec
    layer: Optional[LayerSpec] = None


@dataclass(frozen=True)
class KnownModules:
    reviewed: dt.date
    modules: tuple[KnownModule, ...]
    origin: str = "bundled module data"

    def by_registry(self, address: str) -> Optional[KnownModule]:
        return next((m for m in self.modules if m.registry == address), None)

    def by_repository(self, repository: str) -> Optional[KnownModule]:
        return next((m for m in self.modules if repository in m.repositories), None)


# ------------------------------------------------------------------------------------------------ loading


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(bundled.text(SCHEMA_FILE))


def _validate(document: object, origin: str) -> None:
    import jsonschema  # deferred: only a Terraform scan that meets a module call pays for it

    against = schema()
    validator_cls = jsonschema.validators.validator_for(against)
    validator = validator_cls(against, format_checker=validator_cls.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        error = errors[0]
        where = ".".join(str(p) for p in error.absolute_path) or "top level"
        raise ModuleDataError(f"{origin}: field {where}: {error.message}")


def _check_references(document: Mapping[str, Any], origin: str) -> None:
    """What the schema cannot say: named inputs and sources exist, no source spelling belongs to two modules."""
    seen: set[str] = set()
    for module in document["modules"]:
        name = module["name"]
        if module["source"] not in document["sources"]:
            raise ModuleDataError(f"{origin}: module {name}, field source: {module['source']!r} is not in sources")
        for key in (module["registry"], *module["repositories"]):
            if key in seen:
                raise ModuleDataError(f"{origin}: module {name}: {key!r} is claimed by two modules")
            seen.add(key)
        for kind in ("function", "layer"):
            spec = module.get(kind)
            if spec is None:
                continue
            named = [v for k, v in spec.items() if k not in ("resource", "switches", "notes") and v is not None]
            named += [s["input"] for s in spec["switches"]]
            for input_name in named:
                if input_name not in module["inputs"]:
                    raise ModuleDataError(f"{origin}: module {name}, {kind}: input {input_name!r} is not in inputs")


def _switches(entries: Iterable[Mapping[str, Any]]) -> tuple[Switch, ...]:
    return tuple(Switch(e["input"], e["creates_when"], e.get("null_means")) for e in entries)


def _module(entry: Mapping[str, Any], sources: Mapping[str, Any]) -> KnownModule:
    source = sources[entry["source"]]
    fn = entry["function"]
    layer = entry.get("layer")
    return KnownModule(
        name=entry["name"],
        registry=entry["registry"],
        repositories=tuple(entry["repositories"]),
        source=ModuleSource(source["url"], source["commit"], source.get("describe", ""), tuple(source["files"])),
        inputs={
            name: Input(name, spec["type"], _default(spec["default"]) if "default" in spec else _NO_DEFAULT)
            for name, spec in entry["inputs"].items()
        },
        function=FunctionSpec(
            fn["resource"],
            fn["runtime"],
            fn["architectures"],
            fn["package_type"],
            fn["update_runtime_on"],
            fn["runtime_version_arn"],
            _switches(fn["switches"]),
        ),
        layer=None
        if layer is None
        else LayerSpec(
            layer["resource"],
            layer["compatible_runtimes"],
            layer.get("runtimes_when_empty"),
            layer["compatible_architectures"],
            _switches(layer["switches"]),
        ),
    )


def _default(value: object) -> object:
    """Lists become tuples, so a record stays hashable and immutable."""
    return tuple(value) if isinstance(value, list) else value


def build(document: object, origin: str) -> KnownModules:
    """Validate a module data document and turn it into records."""
    _validate(document, origin)
    assert isinstance(document, dict)
    _check_references(document, origin)
    return KnownModules(
        reviewed=dt.date.fromisoformat(document["reviewed"]),
        modules=tuple(_module(e, document["sources"]) for e in document["modules"]),
        origin=origin,
    )


def load_file(path: Union[str, Path]) -> KnownModules:
    """Module data from a file (tests, a maintainer checking an edit): full validation, never cached."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ModuleDataError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModuleDataError(f"{path}: not valid JSON: {exc}") from None
    return build(document, str(path))


@lru_cache(maxsize=1)
def load() -> KnownModules:
    """The bundled module data; validated and parsed once per process."""
    try:
        document = json.loads(bundled.text(DATA_FILE))
    except json.JSONDecodeError as exc:
        raise ModuleDataError(f"bundled module data: not valid JSON: {exc}") from None
    return build(document, "bundled module data")


def default_modules() -> KnownModules:
    return load()


# ---------------------------------------------------------------------------------------- source spelling

_GIT_SCHEMES = ("https://", "http://", "ssh://", "git://", "git+ssh://")
_GETTER = re.compile(r"^([a-z0-9]+)::")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_USER = re.compile(r"^[^/@:]+@")
_PORT = re.compile(r"^([^/:]+):\d+/")
_SCP = re.compile(r"^([^/:]+\.[^/:]+):(?!\d+/)")


def _split_subdir(text: str) -> tuple[str, str]:
    """go-getter's rule: a ``//`` after the scheme separates the repository from a folder inside it."""
    scheme = _SCHEME.match(text)
    start = scheme.end() if scheme else 0
    index = text.find("//", start)
    if index < 0:
        return text, ""
    return text[:index], text[index + 2 :]


def _strip_query(text: str) -> str:
    return text.split("?", 1)[0]


def normalise_source(source: str) -> Optional[tuple[str, str, str]]:
    """``(kind, key, subdir)``: kind ``registry`` (key ``namespace/name/provider``) or ``git`` (key
    ``host/owner/repo``), lower case; None for local paths, archives and other getters."""
    text = source.strip().lower()
    if not text or text.startswith(("./", "../", "/", "~")):
        return None
    getter = _GETTER.match(text)
    forced = ""
    if getter:
        forced, text = getter.group(1), text[getter.end() :]
        if forced != "git":
            return None
    base, subdir = _split_subdir(text)
    base, subdir = _strip_query(base), _strip_query(subdir)
    subdir = "/".join(part for part in subdir.split("/") if part not in ("", "."))
    scheme = _SCHEME.match(base)
    if scheme:  # a URL names a repository, never a registry address
        if scheme.group(0) not in _GIT_SCHEMES:
            return None
        base, forced = base[scheme.end() :], "git"
    base = _USER.sub("", base, count=1)
    base = _PORT.sub(r"\1/", base, count=1)
    base = _SCP.sub(r"\1/", base, count=1)
    base = base.strip("/")
    if base.endswith(".git"):
        base = base[: -len(".git")]
    parts = base.split("/")
    if any(not part for part in parts):
        return None
    hosted = "." in parts[0] or ":" in parts[0]
    if not forced and len(parts) == 3 and not hosted:
        return "registry", base, subdir
    if not forced and len(parts) == 4 and hosted:  # registry.terraform.io/ns/name/provider, a private registry
        return "registry", "/".join(parts[1:]), subdir
    if len(parts) == 3 and hosted:
        return "git", base, subdir
    return None


def find_module(source: object, modules: Optional[KnownModules] = None) -> Optional[KnownModule]:
    """The well-known module a call's ``source`` names, however it is spelled; None for anything else.

    Only the root module matches: a folder inside the repository (``//modules/alias``) creates no function.
    """
    if not isinstance(source, str):
        return None
    normal = normalise_source(source)
    if normal is None:
        return None
    kind, key, subdir = normal
    if subdir:
        return None
    data = modules if modules is not None else default_modules()
    return data.by_registry(key) if kind == "registry" else data.by_repository(key)


# --------------------------------------------------------------------------------------------- subjects

Args = Mapping[str, Iterable[Value]]


def _bool(value: object) -> Optional[bool]:
    """A Terraform bool as the CLI or Checkov hands it: True/False or the strings true/false."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _written(args: Args, name: str) -> Optional[tuple[Value, ...]]:
    """The caller's candidates for an input (list values flattened to one Value per element); None if unwritten."""
    if not isinstance(args, Mapping) or name not in args:
        return None
    raw = args[name]
    if isinstance(raw, Value):
        items: Iterable[object] = (raw,)
    elif isinstance(raw, Iterable) and not isinstance(raw, (str, bytes, Mapping)):
        items = raw
    else:
        items = ()
    out: list[Value] = []
    for item in items:
        if not isinstance(item, Value):
            continue
        if isinstance(item.value, (list, tuple)):
            out.extend(Value(e, item.line, item.column, item.via, item.file) for e in item.value)
        else:
            out.append(item)
    return tuple(out)


def _default_values(module: KnownModule, name: str) -> tuple[Value, ...]:
    spec = module.inputs.get(name)
    if spec is None or spec.required or spec.default is None:
        return ()
    # line 0: the default sits in the module's files, which the user cannot edit; the finding falls on the call
    via = f"default of the module's {name}"
    if isinstance(spec.default, tuple):
        return tuple(Value(v, 0, 0, via) for v in spec.default)
    return (Value(spec.default, 0, 0, via),)


def _values(module: KnownModule, name: Optional[str], args: Args) -> tuple[Value, ...]:
    if name is None:
        return ()
    written = _written(args, name)
    values = _default_values(module, name) if written is None else written
    # A blank string is Terraform's "not set" for these inputs (terraform-aws-modules defaults runtime to "").
    return tuple(v for v in values if not (isinstance(v.value, str) and not v.value.strip()))


def _switched_off(module: KnownModule, switches: Iterable[Switch], args: Args) -> bool:
    """True when some switch is known to disable the resource: every candidate is a literal off value."""
    for switch in switches:
        written = _written(args, switch.input)
        if written is None:
            spec = module.inputs.get(switch.input)
            default = None if spec is None or spec.required else spec.default
            states = [switch.null_means if default is None else _bool(default)]
        else:
            states = [_bool(v.value) for v in written]
        if states and all(state is not None and state != switch.creates_when for state in states):
            return True
    return False


def _image_only(values: tuple[Value, ...]) -> bool:
    return bool(values) and all(v.value == IMAGE for v in values)


def known_module_subjects(
    module: KnownModule, address: str, args: Args, call_line: int, file: str
) -> list[Union[FunctionSubject, LayerSubject]]:
    """The function and layer one call of ``module`` creates, for the engine.

    ``address`` is the call's address (``module.fn``); ``args`` maps each input the caller wrote to every value
    it can take: one Value per element for list inputs, a bool or ``"true"``/``"false"`` for switches, and a
    Value whose ``.value`` is not a string (None) for something written but not resolvable. An empty tuple is an
    empty list (or, for a switch, unknown). An input the caller did not write takes the module's default, with
    line 0 (the finding falls on the call) and ``via`` "default of the module's <input>". A resource is left out
    only when a switch is known off (all its candidates are literal) or the package type is known to be Image.
    """
    out: list[Union[FunctionSubject, LayerSubject]] = []
    fn = module.function
    if not _switched_off(module, fn.switches, args) and not _image_only(_values(module, fn.package_type, args)):
        out.append(
            FunctionSubject(
                resource=f"{address}.{fn.resource}",
                runtimes=_values(module, fn.runtime, args),
                architectures=_values(module, fn.architectures, args),
                update_modes=_values(module, fn.update_runtime_on, args),
                runtime_version_arns=_values(module, fn.runtime_version_arn, args),
                line=call_line,
                file=file,
                resource_type=fn.resource_type,
            )
        )
    layer = module.layer
    if layer is not None and not _switched_off(module, layer.switches, args):
        runtimes = _values(module, layer.compatible_runtimes, args)
        if not runtimes and layer.runtimes_when_empty is not None:
            runtimes = _values(module, layer.runtimes_when_empty, args)
        out.append(
            LayerSubject(
                resource=f"{address}.{layer.resource}",
                compatible_runtimes=runtimes,
                compatible_architectures=_values(module, layer.compatible_architectures, args),
                line=call_line,
                file=file,
                resource_type=layer.resource_type,
            )
        )
    return out
