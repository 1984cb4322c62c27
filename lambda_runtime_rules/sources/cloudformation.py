"""CloudFormation, SAM and CDK templates -> engine subjects.

Works on any duck-typed tree of dict/list/str (this package's loader, cfn-lint's or Checkov's nodes):
positions come from ``start_mark`` where a node has one. Every property is resolved into *every* value it can
take (Fn::If branches, a parameter's Default and AllowedValues, reachable Mappings entries), each with the
position a user would edit. Nothing here raises on malformed input: every step checks the type it is about to
use.

SAM Globals follow the SAM translator (samtranslator/plugins/globals/globals.py): a function's own scalar
wins, ``Architectures`` is replaced by the function's own list (``Function.Architectures: REPLACE`` in the
translator's per-property merge strategies; older translators concatenated), dicts such as
``RuntimeManagementConfig`` merge key by key unless either side is an intrinsic, and the ``IgnoreGlobals``
resource attribute (``"*"`` or a list of property names) drops inherited properties.

``Fn::ForEach`` loops (``AWS::LanguageExtensions``) are expanded first (``foreach``): a generated function is a
subject under its generated logical ID, its values positioned where they are written in the loop body.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any, Optional, Union

from ..loader import position
from ..model import FunctionSubject, LayerSubject, PolicySubject, Value
from ..nodes import get as _get
from ..suppressions import from_metadata
from . import cloudfront, iam

__all__ = ["MAX_VALUES", "is_template", "subjects"]

MAX_VALUES = 256
"""At most this many values reached per property, of any type (a number in a Mapping counts as much as a
string): a guard against combinatorial Mappings, Fn::If and aliases. Past it, one line says so."""

_MAX_DEPTH = 24
_FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")
_LAYER_TYPES = ("AWS::Lambda::LayerVersion", "AWS::Serverless::LayerVersion")
_SAM_FUNCTION = "AWS::Serverless::Function"
# Everything this module reads: the loader may build other resources as bare ``{"Type": ...}``.
RESOURCE_TYPES = frozenset(_FUNCTION_TYPES + _LAYER_TYPES) | cloudfront.LINK_TYPES
_INHERITED = "inherited from Globals"

Subject = Union[FunctionSubject, LayerSubject, PolicySubject]
# A property as found: the node itself and a note when it was inherited from Globals.
_Found = tuple[Any, str]


def is_template(doc: object) -> bool:
    """A CloudFormation-shaped document: a mapping with a ``Resources`` mapping."""
    return isinstance(doc, dict) and isinstance(dict.get(doc, "Resources"), dict)


def subjects(template: object, file: str = "", problems: list[str] | None = None) -> list[Subject]:
    """Every Lambda function and layer version of a template, in template order.

    ``problems`` collects one line per resource with a property past ``MAX_VALUES`` (the rest is unchecked).
    """
    if not is_template(template):
        return []
    from . import foreach

    expansion = foreach.expand(template, file)
    template, generated_by = expansion.template, expansion.notes
    if problems is not None:
        problems.extend(expansion.problems)
    assert isinstance(template, dict)
    resolver = _Resolver(template)
    edges = cloudfront.edge_functions(_get(template, "Resources"))
    globals_function = _dict(_get(_dict(_get(template, "Globals")), "Function"))
    out: list[Subject] = []
    policies: list[tuple[str, dict[Any, Any], str]] = []
    for name, resource in dict.items(_get(template, "Resources")):
        if not isinstance(name, str) or name.startswith("Fn::ForEach") or not isinstance(resource, dict):
            continue
        kind = _get(resource, "Type")
        if not isinstance(kind, str):
            continue
        if kind in iam.POLICY_TYPES:
            policies.append((name, resource, kind))
        resolver.capped = False
        if kind in _FUNCTION_TYPES:
            inherited = globals_function if kind == _SAM_FUNCTION else {}
            out.append(
                _function(name, resource, kind, _ignore_globals(resource, inherited), resolver, file, generated_by)
            )
            if name in edges:
                out[-1] = replace(out[-1], edge_distributions=edges[name])  # type: ignore[arg-type]
            out[-1] = _built_image(out[-1], resource, file, problems)  # type: ignore[arg-type]
        elif kind in _LAYER_TYPES:
            out.append(_layer(name, resource, kind, resolver, file, generated_by.get(name, "")))
        if resolver.capped and problems is not None:
            line = _resource_line(name, resource)
            problems.append(
                f"{file}:{line}: {name}: a property takes more than {MAX_VALUES} values (Mappings, Fn::If); "
                f"only the first {MAX_VALUES} are checked"
            )
    if policies:
        out.extend(iam.cloudformation_policies(policies, _policy_resolver(resolver), file, _resource_line))
    return out


def _policy_resolver(resolver: _Resolver) -> iam.Resolve:
    """Every string an IAM element can take; complete when it resolved at all (a ``Ref`` to a role does not)."""

    def resolve(node: object) -> tuple[tuple[Value, ...], bool]:
        resolver.capped = False
        values = tuple(v for v in resolver.scalars(node, "") if isinstance(v.value, str))
        return values, bool(values) and not resolver.capped

    return resolve


# ------------------------------------------------------------------------------------------------ resources


def _function(
    name: str,
    resource: dict[Any, Any],
    kind: str,
    inherited: dict[Any, Any],
    resolver: _Resolver,
    file: str,
    generated_by: dict[str, str] | None = None,
) -> FunctionSubject:
    props = _dict(_get(resource, "Properties"))
    runtime = _pick(props, inherited, "Runtime")
    architectures = _pick(props, inherited, "Architectures")
    config_node, mode, arn = _runtime_management(props, inherited)
    # An inherited value is reported on the Globals line, so its message must name the function it reaches.
    runtime, architectures, mode, arn = (_for_function(found, name) for found in (runtime, architectures, mode, arn))
    runtimes = resolver.scalars(*runtime)
    arches = resolver.flat(*architectures)
    modes = resolver.scalars(*mode)
    arns = resolver.scalars(*arn)
    if not arns and arn[0] is not None:
        # Written but not resolvable (a Ref without Default, an SSM reference): present, so Manual is not
        # "missing its ARN". The engine reads a non-string value as exactly that.
        line, column = position(arn[0])
        arns = (Value(None, line, column, arn[1]),)
    # A function generated by Fn::ForEach shares its lines with its siblings: the note names the loop values.
    note = ", ".join(part for part in ((generated_by or {}).get(name, ""), _cdk_note(name, resource)) if part)
    if note:  # CDK output: every finding and report row names the construct (or the library that owns it)
        runtimes, arches, modes, arns = (
            tuple(replace(v, via=_join(v.via, note)) for v in values) for values in (runtimes, arches, modes, arns)
        )
    layers = _layers(props, inherited, name, resolver)
    packages = resolver.scalars(dict.get(props, "PackageType"), "")
    uses_globals = any(via for _, via in (runtime, architectures, mode, arn, config_node))
    line = position(config_node[0])[0] if config_node[0] is not None else 0
    return FunctionSubject(
        resource=name,
        runtimes=runtimes,
        architectures=arches,
        update_modes=modes,
        runtime_version_arns=arns,
        line=line or _resource_line(name, resource),
        file=file,
        resource_type=kind,
        applies_to=name if uses_globals else "",
        suppressions=from_metadata(resource),
        layers=layers,
        package_types=packages,
    )


def _layers(props: dict[Any, Any], inherited: dict[Any, Any], name: str, resolver: _Resolver) -> tuple[Value, ...]:
    """One Value per entry of ``Layers``, whatever its form: Lambda@Edge rejects any layer (EL2002).

    SAM concatenates a list property of Globals with the function's own, so both count. An entry that is a
    ``Ref`` shows the layer's logical ID; a ``Fn::If`` or list parameter contributes each value it can take.
    """
    out: list[Value] = []
    for node, via in ((dict.get(props, "Layers"), ""), (dict.get(inherited, "Layers"), f"{_INHERITED} by {name}")):
        items = node if isinstance(node, list) else [node] if node is not None else []
        for item in items:
            call = _intrinsic(item)
            if isinstance(item, str) or (call is not None and call[0] == "Ref" and isinstance(call[1], str)):
                shown = item if isinstance(item, str) else call[1]  # type: ignore[index]
                if call is not None and isinstance(_get(resolver.parameters, shown), dict):
                    reached = resolver.flat(item, via)
                    if reached:
                        out.extend(v for v in reached if v not in out)
                        continue
                line, column = position(item)
                value = Value(str(shown), line, column, via)
            else:
                reached = resolver.flat(item, via)
                if reached:
                    out.extend(v for v in reached if v not in out)
                    continue
                value = Value(None, *position(item), via)
            if value not in out:
                out.append(value)
    return tuple(out)


def _built_image(
    subject: FunctionSubject, resource: dict[Any, Any], file: str, problems: list[str] | None
) -> FunctionSubject:
    """A SAM image function built from a Dockerfile the repository holds (``Metadata: DockerContext``, optional
    ``Dockerfile``, ``DockerBuildTarget``, ``DockerBuildArgs``): its base image is judged, under its own name."""
    if _get(_dict(_get(resource, "Properties")), "PackageType") != "Image":
        return subject
    metadata = _dict(_get(resource, "Metadata"))
    context = _get(metadata, "DockerContext")
    if not isinstance(context, str) or not context:
        return subject
    name, target = _get(metadata, "Dockerfile"), _get(metadata, "DockerBuildTarget")
    args = {
        key: Value(str(node), *position(node), f"from DockerBuildArgs {key}", file)
        for key, node in dict.items(_dict(_get(metadata, "DockerBuildArgs")))
        if isinstance(key, str) and isinstance(node, (str, int, float)) and not isinstance(node, bool)
    }
    from . import dockerfile

    return dockerfile.for_function(
        subject,
        file,
        context,
        name if isinstance(name, str) else "",
        target if isinstance(target, str) else "",
        args,
        problems,
    )


def _cdk_note(name: str, resource: dict[Any, Any]) -> str:
    """The construct a synthesised function comes from (``aws:cdk:path``), and whether aws-cdk-lib owns it.

    Without path metadata (``cdk synth --path-metadata false``) a library singleton is still known by its
    logical ID, which carries the construct's fixed UUID.
    """
    from . import cdk_data as cdk

    path = _get(_dict(_get(resource, "Metadata")), "aws:cdk:path")
    if not isinstance(path, str) or not path:
        owner = cdk.library_function_by_id(str(name))
        return f"created by {owner.construct} of {owner.module}: upgrade aws-cdk-lib, not this code" if owner else ""

    construct = str(path)[: -len("/Resource")] if str(path).endswith("/Resource") else str(path)
    owner = cdk.library_function(str(path))
    if owner is None:
        return f"construct {construct}"
    return f"created by {owner.construct} of {owner.module} at {construct}: upgrade aws-cdk-lib, not this code"


def _for_function(found: _Found, name: str) -> _Found:
    node, via = found
    return (node, f"{via} by {name}") if via == _INHERITED else found


def _layer(
    name: str, resource: dict[Any, Any], kind: str, resolver: _Resolver, file: str, note: str = ""
) -> LayerSubject:
    props = _dict(_get(resource, "Properties"))
    return LayerSubject(
        resource=name,
        compatible_runtimes=resolver.flat(_get(props, "CompatibleRuntimes"), note),
        compatible_architectures=resolver.flat(_get(props, "CompatibleArchitectures"), note),
        line=_resource_line(name, resource),
        file=file,
        resource_type=kind,
        suppressions=from_metadata(resource),
    )


def _resource_line(name: str, resource: object) -> int:
    """The logical ID's line when the key carries a position, else the resource body's."""
    return position(name)[0] or position(resource)[0]


def _ignore_globals(resource: dict[Any, Any], inherited: dict[Any, Any]) -> dict[Any, Any]:
    """Apply the SAM ``IgnoreGlobals`` resource attribute: ``"*"`` or a list of property names."""
    if not inherited:
        return inherited
    ignore = _get(resource, "IgnoreGlobals")
    if isinstance(ignore, str) and ignore == "*":
        return {}
    if isinstance(ignore, list):
        dropped = {item for item in ignore if isinstance(item, str)}
        return {key: value for key, value in dict.items(inherited) if key not in dropped}
    return inherited


def _pick(props: dict[Any, Any], inherited: dict[Any, Any], key: str) -> _Found:
    """A property SAM takes whole: the function's own value if written (even null), else the Globals one."""
    if key in props:
        return dict.get(props, key), ""
    if key in inherited:
        return dict.get(inherited, key), _INHERITED
    return None, ""


def _runtime_management(props: dict[Any, Any], inherited: dict[Any, Any]) -> tuple[_Found, _Found, _Found]:
    """RuntimeManagementConfig as SAM merges it: key by key when both sides are plain mappings."""
    key = "RuntimeManagementConfig"
    local, glob = dict.get(props, key), dict.get(inherited, key)
    if key in props and key in inherited and _plain_dict(local) and _plain_dict(glob):
        sources: list[_Found] = [(local, ""), (glob, _INHERITED)]
    elif key in props:
        sources = [(local, "")]
    elif key in inherited:
        sources = [(glob, _INHERITED)]
    else:
        sources = [(None, "")]
    config = sources[0]
    found: list[_Found] = []
    for key in ("UpdateRuntimeOn", "RuntimeVersionArn"):
        for node, via in sources:
            if isinstance(node, dict) and key in node:
                found.append((dict.get(node, key), via))
                break
        else:
            found.append((None, ""))
    return config, found[0], found[1]


def _plain_dict(node: object) -> bool:
    return isinstance(node, dict) and _intrinsic(node) is None


# ------------------------------------------------------------------------------------------------ values


class _Resolver:
    """Expands a property node into every value it can take within one template."""

    def __init__(self, template: dict[Any, Any]) -> None:
        self.parameters = _dict(_get(template, "Parameters"))
        self.mappings = _dict(_get(template, "Mappings"))
        self.capped = False  # set when a property reached MAX_VALUES

    def scalars(self, node: object, via: str) -> tuple[Value, ...]:
        return self._collect(node, via, flat=False)

    def flat(self, node: object, via: str) -> tuple[Value, ...]:
        """Single values out of a list property, whose list or elements may each be intrinsics."""
        return self._collect(node, via, flat=True)

    def _collect(self, node: object, via: str, flat: bool) -> tuple[Value, ...]:
        """The values, in order, without repeats. ``_walk`` yields None for every dead end it reaches (a number,
        a non-mapping in Mappings) so that those count against the cap too: the walk's cost is bounded."""
        out: list[Value] = []
        for reached, value in enumerate(self._walk(node, via, flat, 0)):
            if reached >= MAX_VALUES:
                self.capped = True
                break
            if value is not None and value not in out:
                out.append(value)
        return tuple(out)

    def _walk(self, node: object, via: str, flat: bool, depth: int) -> Iterator[Value | None]:
        if depth > _MAX_DEPTH:
            yield None
            return
        if isinstance(node, str):
            yield None if _dynamic(node) else _value(node, node, via)
            return
        if isinstance(node, list):
            if flat:
                for item in node:
                    yield from self._walk(item, via, flat, depth + 1)
            else:
                yield None
            return
        call = _intrinsic(node)
        if call is None:
            yield None
            return
        function, argument = call
        if function == "Ref":
            yield from self._ref(argument, via, flat)
        elif function == "Fn::If":
            yield from self._if(argument, via, flat, depth)
        elif function == "Fn::FindInMap":
            yield from self._find_in_map(argument, via, flat, depth)
        elif function == "Fn::Sub":
            text = argument[0] if isinstance(argument, list) and len(argument) == 2 else argument
            if isinstance(text, str) and "${" not in text and not _dynamic(text):
                # cfn-lint keeps no position on the string inside a short-form !Sub: use the function's
                yield _value(text, text if position(text)[0] else node, via)

    def _ref(self, name: object, via: str, flat: bool) -> Iterator[Value | None]:
        parameter = _get(self.parameters, name) if isinstance(name, str) else None
        if not isinstance(parameter, dict):
            return  # a pseudo parameter, a resource, or nothing we know
        is_list = flat and _is_list_parameter(parameter)
        seen: set[str] = set()
        for candidate in _parameter_candidates(parameter):
            if not isinstance(candidate, str) or _dynamic(candidate) or candidate in seen:
                continue
            seen.add(candidate)
            parts = [p.strip() for p in candidate.split(",")] if is_list else [candidate]
            for part in parts:
                if part:
                    yield _value(part, candidate, _join(via, f"when {name} is {candidate}"))

    def _if(self, argument: object, via: str, flat: bool, depth: int) -> Iterator[Value | None]:
        if not isinstance(argument, list) or len(argument) != 3:
            return
        condition = argument[0] if isinstance(argument[0], str) else "the condition"
        yield from self._walk(argument[1], _join(via, f"when {condition} is true"), flat, depth + 1)
        yield from self._walk(argument[2], _join(via, f"when {condition} is false"), flat, depth + 1)

    def _find_in_map(self, argument: object, via: str, flat: bool, depth: int) -> Iterator[Value | None]:
        if not isinstance(argument, list) or len(argument) not in (3, 4):
            return
        for map_name in self._keys(argument[0], self.mappings):
            level1 = _get(self.mappings, map_name)
            if not isinstance(level1, dict):
                yield None
                continue
            for top in self._keys(argument[1], level1):
                level2 = _get(level1, top)
                if not isinstance(level2, dict):
                    yield None
                    continue
                for second in self._keys(argument[2], level2):
                    leaf = _get(level2, second)
                    note = _join(via, f"from mapping {map_name}.{top}.{second}")
                    yield from self._leaf(leaf, note, flat, depth)
        if len(argument) == 4:  # AWS::LanguageExtensions: [Map, Top, Second, {DefaultValue: x}]
            default = _get(argument[3], "DefaultValue") if isinstance(argument[3], dict) else None
            yield from self._leaf(default, _join(via, "default of Fn::FindInMap"), flat, depth)

    def _leaf(self, leaf: object, via: str, flat: bool, depth: int) -> Iterator[Value | None]:
        """A literal reached in Mappings or a FindInMap default: a string, or a list in list context."""
        if isinstance(leaf, str) and not _dynamic(leaf):
            yield _value(leaf, leaf, via)
        elif isinstance(leaf, list) and flat and depth < _MAX_DEPTH:
            for item in leaf:
                yield _value(item, item, via) if isinstance(item, str) and not _dynamic(item) else None
        else:
            yield None

    def _keys(self, key: object, level: dict[Any, Any]) -> list[Any]:
        """The keys a FindInMap argument can select at one level: literal, narrowed by a parameter, or all."""
        if isinstance(key, str):
            return [key]
        if isinstance(key, (int, float)):  # YAML may read a literal key such as 2 as a number
            return [k for k in (key, str(key)) if k in level]
        call = _intrinsic(key)
        if call is not None and call[0] == "Ref" and isinstance(call[1], str):
            parameter = _get(self.parameters, call[1])
            if isinstance(parameter, dict):
                narrowed = [c for c in _parameter_candidates(parameter) if isinstance(c, str) and c in level]
                if narrowed:
                    return list(dict.fromkeys(narrowed))
        return [k for k in dict.keys(level) if isinstance(k, str) and not _host_metadata(k)]


def _parameter_candidates(parameter: dict[Any, Any]) -> list[object]:
    """Default first, then every AllowedValues entry."""
    candidates: list[object] = []
    if "Default" in parameter:
        candidates.append(dict.get(parameter, "Default"))
    allowed = _get(parameter, "AllowedValues")
    if isinstance(allowed, list):
        candidates.extend(allowed)
    return candidates


def _is_list_parameter(parameter: dict[Any, Any]) -> bool:
    kind = _get(parameter, "Type")
    return isinstance(kind, str) and (kind == "CommaDelimitedList" or kind.startswith("List<"))


# ------------------------------------------------------------------------------------------------ helpers



def _dict(node: object) -> dict[Any, Any]:
    return node if isinstance(node, dict) else {}


def _intrinsic(node: object) -> Optional[tuple[str, Any]]:
    """``(function, argument)`` of a one-key ``Ref``/``Fn::*`` mapping, as SAM's ``is_intrinsic``."""
    if not isinstance(node, dict):
        return None
    keys = [key for key in dict.keys(node) if not _host_metadata(key)]
    if len(keys) != 1:
        return None
    key = keys[0]
    if isinstance(key, str) and (key == "Ref" or key == "Condition" or key.startswith("Fn::")):
        return str(key), dict.get(node, key)
    return None


def _host_metadata(key: object) -> bool:
    """Checkov adds ``__file__``, ``__startline__`` and ``__endline__`` to every mapping it parses."""
    return isinstance(key, str) and len(key) > 4 and key.startswith("__") and key.endswith("__")


def _dynamic(text: str) -> bool:
    """An SSM/Secrets Manager dynamic reference, resolved only at deploy time."""
    return "{{resolve:" in text


def _value(text: str, node: object, via: str) -> Value:
    line, column = position(node)
    return Value(str(text), line, column, via)


def _join(first: str, second: str) -> str:
    return f"{first}, {second}" if first else second
