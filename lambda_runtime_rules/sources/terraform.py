"""Lambda subjects from Terraform: a folder is a module, module calls are followed, every value keeps its place.

Terraform reads every ``.tf`` and ``.tf.json`` file of a folder as one module, so ``locals``, ``variable``
defaults and resources are gathered across the folder, not per file. A root module's variables take their
values from ``terraform.tfvars``, ``terraform.tfvars.json``, ``*.auto.tfvars(.json)`` and ``-var-file`` files,
in Terraform's order (the last one wins). Module calls are followed: a local ``source`` (``./modules/x``), a
module downloaded by ``terraform init`` (``.terraform/modules/modules.json``), or, when neither is on disk, a
well-known public module described in ``rules_data/terraform_modules.json``. Inside a called module, the call's
arguments are the variables, and the module's defaults fill in the rest.

Every value keeps the file, line and column of the literal that produced it: the argument of the module call,
the variable default, the tfvars entry. That is where a user has to edit, so that is where a finding sits, and
``via`` says how the value was reached (``from terraform.tfvars``, ``when var.legacy``). Values Terraform only
knows at plan time (data sources, other resources' attributes, function results) are left out: unresolved is
never a finding. ``count``, ``for_each`` and conditionals are respected where they are known (``count = 0``, a
``create_function = false`` argument); a resource with ``for_each`` is one subject whose values are those of
every instance.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional, Union

from .. import files
from ..model import FunctionSubject, LayerSubject, PolicySubject, Value
from ..suppressions import without_comments
from . import hcl
from .hcl import Body, Expr, SyntaxProblem, Where

__all__ = [
    "TERRAFORM_SUFFIXES",
    "TFVARS_SUFFIXES",
    "ModuleFolder",
    "TerraformError",
    "called_folders",
    "clear_cache",
    "evaluate_folder",
    "is_terraform_file",
    "is_tfvars_file",
    "load_folder",
    "local_calls",
    "parse_hcl",
    "subjects_from_hcl",
    "variable_defaults",
]

Subject = Union[FunctionSubject, LayerSubject, PolicySubject]

TERRAFORM_SUFFIXES = (".tf", ".tf.json")
TFVARS_SUFFIXES = (".tfvars", ".tfvars.json")
_FUNCTION_TYPES = ("aws_lambda_function", "awscc_lambda_function")
_LAYER_TYPES = ("aws_lambda_layer_version", "awscc_lambda_layer_version")
_RUNTIME_MANAGEMENT_TYPE = "aws_lambda_runtime_management_config"
_MODULE_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})
_FUNCTION_ATTRIBUTES = frozenset({"function_name", "arn", "id", "qualified_arn", "invoke_arn", "qualified_invoke_arn"})
_LOCAL = ("./", "../", ".\\", "..\\")  # a local module's source, as Terraform recognises one
_MAX_DEPTH = 48
_MAX_MODULE_DEPTH = 12
MAX_VALUES = 256
"""Values kept per expression: a real property takes a handful; a generated chain of conditionals would take
millions. Past the cap the rest are left out (the cap is per expression, so each level stays linear)."""
_MAX_FILE_BYTES = files.MAX_FILE_BYTES


class TerraformError(Exception):
    """A Terraform file that cannot be read or parsed; ``str()`` is one line naming the file and the problem."""


def is_terraform_file(path: Path) -> bool:
    return path.name.lower().endswith(TERRAFORM_SUFFIXES)


def is_tfvars_file(path: Path) -> bool:
    return path.name.lower().endswith(TFVARS_SUFFIXES)


# --- reading a folder ----------------------------------------------------------------------------------------


@dataclass
class ModuleFolder:
    """One Terraform module: the parsed files of a folder, and the files that could not be read."""

    folder: str
    files: list[tuple[str, Body]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    tfvars: list[tuple[str, Body]] = field(default_factory=list)
    variables: dict[str, tuple[Optional[Expr], str]] = field(default_factory=dict)
    locals: dict[str, Expr] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict, compare=False)  # derived once per folder (provider regions)
    # What reading it noted (files.recording); None when nothing recorded the read.
    notes: Optional[dict[str, str]] = field(default_factory=dict, compare=False)

    def blocks(self, kind: str) -> Iterator[tuple[str, hcl.Block]]:
        for file, body in self.files:
            for block in body.blocks:
                if block.type == kind:
                    yield file, block


def _read_text(path: str) -> str:
    try:
        return files.read_text(path, _MAX_FILE_BYTES)
    except files.FileProblem as exc:
        raise TerraformError(f"{path}: {exc}") from None


def parse_file(path: str, text: Optional[str] = None) -> Body:
    """One ``.tf``/``.tf.json``/``.tfvars``/``.tfvars.json`` file as a Body; raises TerraformError."""
    if text is None:
        text = _read_text(path)
    name = path.lower()
    try:
        if name.endswith(".tfvars.json"):
            return hcl.parse_json_body(text, path, tfvars=True)
        if name.endswith(".json"):
            return hcl.parse_json_body(text, path)
        return hcl.parse_hcl_body(text, path)
    except SyntaxProblem as exc:
        where = f"{path}:{exc.line}" if exc.line else path
        raise TerraformError(f"{where}: {exc}") from None
    except ImportError:
        raise TerraformError(
            f"{path}: Terraform needs an HCL2 parser: pip install 'lambda-runtime-rules[terraform]'"
        ) from None


_FOLDERS: dict[tuple[str, tuple[tuple[str, int, int], ...]], ModuleFolder] = {}
_FOLDER_CACHE_SIZE = 256  # parsed folders kept per process: a hook run, or a tree checked in file order


def clear_cache() -> None:
    """Forget every parsed folder and module manifest (benchmarks measure a cold run in one process)."""
    _FOLDERS.clear()
    _MANIFESTS.clear()


def _listing(folder: str) -> tuple[tuple[str, int, int], ...]:
    entries = []
    files.note_listing(folder)
    try:
        with os.scandir(folder) as scan:
            for entry in scan:
                lower = entry.name.lower()
                if not lower.endswith(TERRAFORM_SUFFIXES + TFVARS_SUFFIXES):
                    continue
                try:
                    stat = entry.stat()
                except OSError:
                    stat = None
                entries.append((entry.name, stat.st_mtime_ns if stat else 0, stat.st_size if stat else 0))
    except OSError:
        return ()
    return tuple(sorted(entries))


def load_folder(folder: str) -> ModuleFolder:
    """Parse every Terraform file of a folder once per process (a hook hands us its files one by one).

    The cache key holds each file's size and modification time, so ``fix`` sees its own edits. A hit replays
    what the first read noted, so the result cache still sees every file of the folder as a dependency.
    """
    listing = _listing(folder)
    key = (folder, listing)
    cached = _FOLDERS.get(key)
    recording = files.recording_now()
    if cached is not None and (cached.notes is not None or not recording):
        if cached.notes:
            files.replay(cached.notes)
        return cached
    module = ModuleFolder(folder)
    # What the read noted is kept only when someone records (the result cache): noting hashes every file read.
    # A folder read without it is read again the first time someone does.
    with files.recording() if recording else contextlib.nullcontext(None) as notes:
        files.note_listing(folder)
        for name, mtime, size in listing:
            path = os.path.join(folder, name) if folder not in ("", ".") else name
            lower = name.lower()
            try:
                text = _read_text(path)
                body = parse_file(path, text)
            except TerraformError as exc:
                module.errors[path] = str(exc)
                continue
            without_comments(path, mtime, size, text)
            if lower.endswith(TFVARS_SUFFIXES):
                module.tfvars.append((path, body))
            else:
                module.files.append((path, body))
    module.notes = notes
    _index(module)
    if len(_FOLDERS) >= _FOLDER_CACHE_SIZE:
        _FOLDERS.pop(next(iter(_FOLDERS)))
    _FOLDERS[key] = module
    return module


def _index(module: ModuleFolder) -> None:
    for _, block in module.blocks("variable"):
        if len(block.labels) == 1:
            module.variables.setdefault(block.labels[0], (block.body.get("default"), block.labels[0]))
    for _, block in module.blocks("locals"):
        for name, attr in block.body.attrs.items():
            module.locals.setdefault(name, attr.expr)


def _tfvars_order(module: ModuleFolder) -> list[tuple[str, Body]]:
    """Terraform's order: terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json) by name."""

    def rank(item: tuple[str, Body]) -> tuple[int, str]:
        name = os.path.basename(item[0]).lower()
        if name == "terraform.tfvars":
            return (0, name)
        if name == "terraform.tfvars.json":
            return (1, name)
        if name.endswith((".auto.tfvars", ".auto.tfvars.json")):
            return (2, os.path.basename(item[0]))
        return (3, name)

    return [item for item in sorted(module.tfvars, key=rank) if rank(item)[0] < 3]


# --- evaluation ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Form:
    """One shape an expression can take: a literal, a tuple or object constructor (with its scope), or a string
    computed from a template. ``via`` says how it was reached."""

    expr: Union[hcl.Lit, hcl.Tuple, hcl.Obj]
    scope: _Scope
    via: str = ""

    @property
    def key(self) -> tuple[object, ...]:
        if isinstance(self.expr, hcl.Lit):
            at = self.expr.at
            return ("lit", type(self.expr.value).__name__, self.expr.value, at.line, at.column, at.file)
        return ("node", id(self.expr), id(self.scope))


@dataclass(frozen=True)
class _Binding:
    expr: Expr
    scope: _Scope
    via: str


@dataclass(eq=False)
class _Scope:
    """A module instance: its folder, its Terraform address, and where each variable takes its value from."""

    module: ModuleFolder
    address: str = ""
    bindings: dict[str, _Binding] = field(default_factory=dict)
    each: Optional[list[tuple[_Form, _Form]]] = None  # (each.key, each.value) of every instance
    parent: Optional[_Scope] = None
    root_folder: str = ""
    call_path: tuple[str, ...] = ()

    def with_each(self, each: list[tuple[_Form, _Form]]) -> _Scope:
        return _Scope(self.module, self.address, self.bindings, each, self.parent, self.root_folder, self.call_path)


_EMPTY_MODULE = ModuleFolder("")


def _join(via: str, more: str) -> str:
    return f"{via}, {more}" if via and more else via or more


class _Evaluator:
    """Expressions to forms, memoised per (expression, scope) so shared locals are evaluated once."""

    def __init__(self) -> None:
        self.memo: dict[tuple[int, int], list[_Form]] = {}
        self.active: set[tuple[int, int]] = set()
        self.empty = _Scope(_EMPTY_MODULE)
        # Keep every memoised object alive: ids in the memo key must not be reused by new objects.
        self.keep: list[object] = []
        self.capped: list[hcl.Where] = []  # where an expression took more than MAX_VALUES values
        self.policies = False  # also read IAM policies (EL3004): only high compliance judges them

    def cap(self, at: object) -> None:
        self.capped.append(at if isinstance(at, hcl.Where) else hcl.Where())

    def forms(self, expr: Expr, scope: _Scope, depth: int = 0) -> list[_Form]:
        expr = hcl.expand(expr)
        key = (id(expr), id(scope))
        cached = self.memo.get(key)
        if cached is not None:
            return cached
        if key in self.active or depth > _MAX_DEPTH:
            return []
        self.active.add(key)
        try:
            result = _dedupe(self._forms(expr, scope, depth))
            if len(result) > MAX_VALUES:
                self.cap(getattr(expr, "at", None))
                del result[MAX_VALUES:]
        finally:
            self.active.discard(key)
        self.memo[key] = result
        self.keep.append((expr, scope))
        return result

    def _forms(self, expr: Expr, scope: _Scope, depth: int) -> list[_Form]:
        if isinstance(expr, (hcl.Lit, hcl.Tuple, hcl.Obj)):
            return [] if isinstance(expr, hcl.Lit) and expr.value is None else [_Form(expr, scope)]
        if isinstance(expr, hcl.Ref):
            return self.reference(expr, scope, depth)
        if isinstance(expr, hcl.Cond):
            truth = self.truth(expr.condition, scope, depth)
            if truth == {True}:
                return self.forms(expr.yes, scope, depth + 1)
            if truth == {False}:
                return self.forms(expr.no, scope, depth + 1)
            yes = _prefixed(f"when {expr.text}", self.forms(expr.yes, scope, depth + 1))
            return yes + _prefixed(f"unless {expr.text}", self.forms(expr.no, scope, depth + 1))
        if isinstance(expr, (hcl.Binary, hcl.Unary)):  # a switch held in a local: local.create = var.a && var.b
            truth = self.truth(expr, scope, depth + 1)
            return [] if truth is None else [_Form(hcl.Lit(v, expr.at), scope) for v in sorted(truth)]
        if isinstance(expr, hcl.Template):
            return self.template(expr, scope, depth)
        if isinstance(expr, hcl.Call):
            return self.call(expr, scope, depth)
        return []

    def call(self, expr: hcl.Call, scope: _Scope, depth: int) -> list[_Form]:
        """The few functions whose result is one of their arguments, as far as the values it can take go."""
        name = expr.name
        if name in ("coalesce", "try") and expr.args:
            return [f for arg in expr.args for f in self.forms(arg, scope, depth + 1)]
        if name in ("tostring", "toset", "tolist", "tomap", "nonsensitive", "trimspace") and len(expr.args) == 1:
            return self.forms(expr.args[0], scope, depth + 1)
        if name == "lookup" and len(expr.args) in (2, 3):
            keys = [f for f in self.forms(expr.args[1], scope, depth + 1) if isinstance(f.expr, hcl.Lit)]
            found: list[_Form] = []
            for container in self.forms(expr.args[0], scope, depth + 1):
                for key in keys:
                    found.extend(self.step(container, str(key.expr.value), depth))
            if len(expr.args) == 3:
                found.extend(self.forms(expr.args[2], scope, depth + 1))
            return found
        if name == "concat":
            items: list[_Form] = []
            for arg in expr.args:
                items.extend(self.forms(arg, scope, depth + 1))
            return items
        return []

    def template(self, expr: hcl.Template, scope: _Scope, depth: int) -> list[_Form]:
        """``"python${var.v}"``: every combination of the parts' string values, placed at the template."""
        results: list[tuple[str, str]] = [("", "")]
        for part in expr.parts:
            if isinstance(part, str):
                results = [(text + part, via) for text, via in results]
                continue
            values = [f for f in self.forms(part, scope, depth + 1) if isinstance(f.expr, hcl.Lit)]
            strings = [(_as_text(f.expr.value), f.via) for f in values]
            if not strings or any(s is None for s, _ in strings):
                return []
            results = [(text + str(s), _join(via, v)) for text, via in results for s, v in strings]
            if len(results) > MAX_VALUES:
                self.cap(getattr(expr, "at", None))
                del results[MAX_VALUES:]
        return [_Form(hcl.Lit(text, expr.at), scope, via) for text, via in results]

    def reference(self, expr: hcl.Ref, scope: _Scope, depth: int) -> list[_Form]:
        path = expr.path
        if not path or path[0] is None:
            return []
        head = path[0]
        if head == "var" and len(path) >= 2 and path[1]:
            base = self.variable(path[1], scope, depth)
            rest = path[2:]
        elif head == "local" and len(path) >= 2 and path[1]:
            local = scope.module.locals.get(path[1])
            if local is None:
                return []
            base = _prefixed(f"from local.{path[1]}", self.forms(local, scope, depth + 1))
            rest = path[2:]
        elif head == "path" and len(path) == 2 and path[1] in ("module", "root", "cwd"):
            # path.root and path.cwd: where terraform runs, the root module (a docker_image context is relative
            # to it); only where the folder is known
            folder = scope.module.folder if path[1] == "module" else scope.root_folder
            # absolute: our folder names are relative to where *we* run, Terraform's to where it runs
            return [_Form(hcl.Lit(os.path.abspath(folder), expr.at), scope)] if folder else []
        elif head == "each" and len(path) >= 2 and scope.each is not None:
            if path[1] == "value":
                base = [value for _, value in scope.each]
            elif path[1] == "key":
                base = [key for key, _ in scope.each]
            else:
                return []
            rest = path[2:]
        else:
            return []
        for step in rest:
            if step is None:
                return []
            base = [found for form in base for found in self.step(form, step, depth)]
        return base

    def step(self, form: _Form, key: str, depth: int) -> list[_Form]:
        expr = form.expr
        if isinstance(expr, hcl.Obj):
            member = expr.get(key)
            if member is None:
                return []
            return _prefixed(form.via, self.forms(member, form.scope, depth + 1))
        if isinstance(expr, hcl.Tuple) and key.isascii() and key.isdigit() and int(key) < len(expr.items):
            item = expr.items[int(key)]
            return _prefixed(form.via, self.forms(item, form.scope, depth + 1))
        return []

    def variable(self, name: str, scope: _Scope, depth: int) -> list[_Form]:
        binding = scope.bindings.get(name)
        if binding is not None:
            return _prefixed(binding.via, self.forms(binding.expr, binding.scope, depth + 1))
        declared = scope.module.variables.get(name)
        if declared is None or declared[0] is None:
            return []
        via = f"from the default of var.{name}"
        return _prefixed(via, self.forms(declared[0], self.empty, depth + 1))

    # - truth and numbers, for conditionals, count, for_each and create switches -

    def truth(self, expr: Expr, scope: _Scope, depth: int = 0) -> Optional[set[bool]]:
        """Every boolean the expression can take, or None when any of its values is not known."""
        expr = hcl.expand(expr)
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, hcl.Unary) and expr.op == "!":
            inner = self.truth(expr.operand, scope, depth + 1)
            return None if inner is None else {not v for v in inner}
        if isinstance(expr, hcl.Binary):
            if expr.op in ("&&", "||"):
                left = self.truth(expr.left, scope, depth + 1)
                right = self.truth(expr.right, scope, depth + 1)
                if left is None or right is None:
                    if expr.op == "&&" and (left == {False} or right == {False}):
                        return {False}
                    if expr.op == "||" and (left == {True} or right == {True}):
                        return {True}
                    return None
                combine = (lambda a, b: a and b) if expr.op == "&&" else (lambda a, b: a or b)
                return {combine(a, b) for a in left for b in right}
            if expr.op in ("==", "!="):
                left_values = self.scalars(expr.left, scope, depth + 1)
                right_values = self.scalars(expr.right, scope, depth + 1)
                if left_values is None or right_values is None:
                    return None
                equal = {_same(a, b) for a in left_values for b in right_values}
                return equal if expr.op == "==" else {not v for v in equal}
            return None
        values = self.scalars(expr, scope, depth + 1)
        if values is None:
            return None
        result: set[bool] = set()
        for value in values:
            if isinstance(value, bool):
                result.add(value)
            elif isinstance(value, str) and value in ("true", "false"):
                result.add(value == "true")
            else:
                return None
        return result

    def scalars(self, expr: Expr, scope: _Scope, depth: int = 0) -> Optional[list[object]]:
        """The literal values an expression can take; None when any of them is not a known literal."""
        expr = hcl.expand(expr)
        if isinstance(expr, (hcl.Unary, hcl.Binary)):
            truth = self.truth(expr, scope, depth)
            return None if truth is None else sorted(truth)
        if _maybe_unknown(expr, scope, self):
            return None
        forms = self.forms(expr, scope, depth)
        if not forms or not all(isinstance(f.expr, hcl.Lit) for f in forms):
            return None
        return [f.expr.value for f in forms if isinstance(f.expr, hcl.Lit)]

    def enabled(self, body: Body, scope: _Scope) -> tuple[bool, Optional[list[tuple[_Form, _Form]]]]:
        """Whether a resource or module call exists (``count = 0`` and an empty ``for_each`` say no), and its
        ``each`` pairs when ``for_each`` is known."""
        count = body.get("count")
        if count is not None:
            numbers = self.numbers(count, scope)
            if numbers is not None and all(n == 0 for n in numbers):
                return False, None
        each_expr = body.get("for_each")
        if each_expr is None:
            return True, None
        collections = self.forms(each_expr, scope)
        pairs: list[tuple[_Form, _Form]] = []
        for form in collections:
            if isinstance(form.expr, hcl.Obj):
                for name, member in form.expr.items:
                    key = _Form(hcl.Lit(name, form.expr.at), form.scope, form.via)
                    pairs.extend((key, value) for value in self.forms(member, form.scope))
            elif isinstance(form.expr, hcl.Tuple):
                for item in form.expr.items:
                    pairs.extend((value, value) for value in self.forms(item, form.scope))
        if pairs:
            return True, pairs
        known_empty = (
            bool(collections)
            and all(isinstance(f.expr, (hcl.Obj, hcl.Tuple)) for f in collections)
            and not _maybe_unknown(each_expr, scope, self)
        )
        return not known_empty, None

    def numbers(self, expr: Expr, scope: _Scope) -> Optional[list[float]]:
        expr = hcl.expand(expr)
        if isinstance(expr, hcl.Cond):
            truth = self.truth(expr.condition, scope)
            branches = [expr.yes] if truth == {True} else [expr.no] if truth == {False} else [expr.yes, expr.no]
            found: list[float] = []
            for branch in branches:
                numbers = self.numbers(branch, scope)
                if numbers is None:
                    return None
                found.extend(numbers)
            return found
        values = self.scalars(expr, scope)
        if values is None:
            return None
        result: list[float] = []
        for value in values:
            if isinstance(value, bool):
                return None
            if isinstance(value, (int, float)):
                result.append(float(value))
            elif isinstance(value, str):
                try:
                    result.append(float(value))
                except ValueError:
                    return None
            else:
                return None
        return result

    # - values for the engine -

    def values(self, expr: Optional[Expr], scope: _Scope, as_list: bool = False) -> tuple[Value, ...]:
        """Every string value (a list attribute: every element of every list) with where it is written."""
        if expr is None:
            return ()
        found: list[Value] = []
        for form in self.forms(expr, scope):
            if isinstance(form.expr, hcl.Tuple):
                if not as_list:
                    continue
                for item in form.expr.items:
                    for element in self.forms(item, form.scope):
                        found.extend(_value(element, _join(form.via, element.via), strings_only=True))
            else:
                found.extend(_value(form, form.via, strings_only=True))
        return _set(found)

    def arguments(self, expr: Expr, scope: _Scope) -> tuple[Value, ...]:
        """A module argument's values for the known-module table: scalars of any type, lists flattened."""
        found: list[Value] = []
        for form in self.forms(expr, scope):
            if isinstance(form.expr, hcl.Tuple):
                for item in form.expr.items:
                    for element in self.forms(item, form.scope):
                        found.extend(_value(element, _join(form.via, element.via), strings_only=False))
            else:
                found.extend(_value(form, form.via, strings_only=False))
        if len(found) > MAX_VALUES:
            self.cap(getattr(expr, "at", None))
        return tuple(found[:MAX_VALUES])


def _maybe_unknown(expr: Expr, scope: _Scope, evaluator: _Evaluator) -> bool:
    """A reference to a variable nobody sets, or to anything Terraform computes: its value is not known.

    A root module's variable that no tfvars file sets is open too: its default is one value it can take (so
    it is judged), but ``-var`` or ``TF_VAR_`` may set another, so a condition on it keeps both branches and
    a ``count`` on it does not remove the resource. Inside a called module only the call sets variables,
    so there a default is exactly the value.
    """
    expr = hcl.expand(expr)
    if isinstance(expr, hcl.Ref):
        path = expr.path
        if path and path[0] == "var" and len(path) >= 2 and path[1]:
            if path[1] in scope.bindings:
                return False
            if scope.parent is None:
                return True
            declared = scope.module.variables.get(path[1])
            return declared is None or declared[0] is None
        return not path or path[0] not in ("local", "each")
    return isinstance(expr, hcl.Unknown)


def _same(a: object, b: object) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (isinstance(a, str) and a == str(b).lower()) or (isinstance(b, str) and b == str(a).lower())
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return str(a) == str(b)


def _as_text(value: object) -> Optional[str]:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    return None


def _value(form: _Form, via: str, strings_only: bool) -> list[Value]:
    if not isinstance(form.expr, hcl.Lit):
        return []
    value = form.expr.value
    if strings_only and not isinstance(value, str):
        return []  # a number or bool where a runtime belongs: the CloudFormation source skips those too
    at = form.expr.at
    return [Value(value, at.line, at.column, via, at.file)]


def _prefixed(via: str, forms: list[_Form]) -> list[_Form]:
    return [_Form(f.expr, f.scope, _join(via, f.via)) for f in forms]


def _dedupe(forms: list[_Form]) -> list[_Form]:
    """The forms without repeats, at most ``MAX_VALUES + 1`` of them (one more tells the caller it capped)."""
    seen: set[tuple[object, ...]] = set()
    kept: list[_Form] = []
    for form in forms:
        key = form.key
        if key not in seen:
            seen.add(key)
            kept.append(form)
            if len(kept) > MAX_VALUES:
                break
    return kept


def _set(values: Iterable[Value]) -> tuple[Value, ...]:
    """Drop blank strings (the AWS provider treats ``runtime = ""``, a module's "no runtime" default, as unset)
    and repeats of one value at one place."""
    seen: set[tuple[object, int, int, str]] = set()
    kept: list[Value] = []
    for value in values:
        if isinstance(value.value, str) and not value.value.strip():
            continue
        key = (value.value, value.line, value.column, value.file)
        if key not in seen:
            seen.add(key)
            kept.append(value)
    return tuple(kept)


# --- subjects ------------------------------------------------------------------------------------------------


def _address(scope: _Scope, rtype: str, name: str) -> str:
    return f"{scope.address}.{rtype}.{name}" if scope.address else f"{rtype}.{name}"


def _module_subjects(
    evaluator: _Evaluator, scope: _Scope, only_files: Optional[set[str]], depth: int, seen: tuple[str, ...]
) -> list[Subject]:
    subjects: list[Subject] = []
    functions: dict[str, FunctionSubject] = {}
    names: dict[str, str] = {}  # a literal function_name -> the function's address
    configs: list[tuple[str, hcl.Block, _Scope]] = []
    edge_index: dict[str, list[int]] = {}  # aws_lambda_function.<name> -> its subjects' places in ``subjects``
    for file, block in scope.module.blocks("resource"):
        if only_files is not None and file not in only_files:
            continue
        if len(block.labels) != 2:
            continue
        rtype, name = block.labels
        if rtype not in _FUNCTION_TYPES + _LAYER_TYPES + (_RUNTIME_MANAGEMENT_TYPE,):
            continue
        exists, each = evaluator.enabled(block.body, scope)
        if not exists:
            continue
        instance = scope.with_each(each) if each is not None else scope
        if rtype == _RUNTIME_MANAGEMENT_TYPE:
            configs.append((file, block, instance))
            continue
        subject = _resource_subject(evaluator, instance, rtype, name, block, file)
        if isinstance(subject, FunctionSubject):
            subject = _with_region(subject, rtype, block, scope.module)
        subjects.append(subject)
        if isinstance(subject, FunctionSubject) and rtype == "aws_lambda_function":
            edge_index.setdefault(f"{rtype}.{name}", []).append(len(subjects) - 1)
            functions[f"aws_lambda_function.{name}"] = subject
            for value in evaluator.values(block.body.get("function_name"), instance):
                names.setdefault(str(value.value), f"aws_lambda_function.{name}")
    if edge_index:
        _mark_edge(scope, subjects, edge_index)
    for file, block, instance in configs:
        _runtime_management(evaluator, instance, block, file, subjects, functions, names)
    if evaluator.policies:
        from .terraform_iam import policy_subjects

        subjects.extend(policy_subjects(evaluator, scope, only_files, scope.address))
    for file, block in scope.module.blocks("module"):
        if only_files is not None and file not in only_files:
            continue
        subjects.extend(_call_subjects(evaluator, scope, file, block, depth, seen))
    return subjects


def _mark_edge(scope: _Scope, subjects: list[Subject], index: dict[str, list[int]]) -> None:
    """Name, on each function a CloudFront distribution of this module associates, that distribution (EL2002)."""
    from .terraform_edge import edge_functions

    for key, distributions in edge_functions(scope.module).items():
        named = tuple(_address(scope, *name.split(".", 1)) for name in distributions)
        for place in index.get(key, ()):
            subjects[place] = replace(subjects[place], edge_distributions=named)  # type: ignore[arg-type]


def _resource_subject(
    evaluator: _Evaluator, scope: _Scope, rtype: str, name: str, block: hcl.Block, file: str
) -> Subject:
    body = block.body
    resource = _address(scope, rtype, name)
    line = block.at.line
    if rtype in _LAYER_TYPES:
        return LayerSubject(
            resource=resource,
            compatible_runtimes=evaluator.values(body.get("compatible_runtimes"), scope, as_list=True),
            compatible_architectures=evaluator.values(body.get("compatible_architectures"), scope, as_list=True),
            line=line,
            file=file,
            resource_type=rtype,
        )
    modes: tuple[Value, ...] = ()
    arns: tuple[Value, ...] = ()
    config = body.get("runtime_management_config")  # awscc: an object attribute
    if config is not None:
        for form in evaluator.forms(config, scope):
            modes += evaluator.values(_member(form, "update_runtime_on"), form.scope)
            arns += evaluator.values(_member(form, "runtime_version_arn"), form.scope)
        attr = body.attrs.get("runtime_management_config")
        line = attr.at.line if attr is not None and attr.at.line else line
    runtimes = evaluator.values(body.get("runtime"), scope)
    package = evaluator.values(body.get("package_type"), scope)
    image = bool(package) and all(v.value == "Image" for v in package)
    if image:
        runtimes = ()  # an image function has no runtime: the provider ignores one written beside it
    from .terraform_edge import layers

    subject = FunctionSubject(
        resource=resource,
        runtimes=runtimes,
        architectures=evaluator.values(body.get("architectures"), scope, as_list=True),
        update_modes=_set(modes),
        runtime_version_arns=_set(arns),
        line=line,
        file=file,
        resource_type=rtype,
        layers=layers(evaluator, scope, body.get("layers")),
        package_types=package,
    )
    if image:
        from .terraform_images import built_from

        subject = built_from(evaluator, scope, body.get("image_uri"), subject)
    return subject


_PROVIDERS = ("aws", "awscc")


def provider_regions(module: ModuleFolder) -> dict[str, Value]:
    """The literal ``region`` of each ``provider "aws"`` / ``provider "awscc"`` block of a folder, keyed ``aws``
    (the default configuration) or ``aws.<alias>``. A region written as an expression (``var.region``) is decided
    at plan time: it is left out, so the ``region`` setting applies instead of a guess."""
    found: dict[str, Value] = {}
    for file, block in module.blocks("provider"):
        if len(block.labels) != 1 or block.labels[0] not in _PROVIDERS:
            continue
        region = block.body.get("region")
        if not isinstance(region, hcl.Lit) or not isinstance(region.value, str) or not region.value.strip():
            continue
        alias = block.body.get("alias")
        if alias is not None and not (isinstance(alias, hcl.Lit) and isinstance(alias.value, str)):
            continue
        key = block.labels[0] + (f".{alias.value}" if isinstance(alias, hcl.Lit) else "")
        via = f'provider "{key}" in {os.path.basename(file)}'
        found.setdefault(key, Value(region.value.strip(), region.at.line, region.at.column, via, file))
    return found


def _with_region(subject: FunctionSubject, rtype: str, block: hcl.Block, module: ModuleFolder) -> FunctionSubject:
    """The function with the Region its provider configuration deploys it to (EL1006), when that is a literal."""
    regions = module.memo.get("regions")
    if regions is None:
        regions = module.memo["regions"] = provider_regions(module)
    if not regions:
        return subject
    chosen = block.body.get("provider")
    if chosen is None:
        key = "awscc" if rtype.startswith("awscc_") else "aws"
    elif isinstance(chosen, hcl.Ref) and len(chosen.path) == 2 and all(isinstance(p, str) for p in chosen.path):
        key = f"{chosen.path[0]}.{chosen.path[1]}"
    else:
        return subject
    value = regions.get(key)
    return replace(subject, regions=(value,)) if value is not None else subject


def region_of(subject: FunctionSubject, file: str, rtype: str, name: str) -> FunctionSubject:
    """``subject`` (a host's view of resource ``rtype.name`` in ``file``) with the Region the folder's provider
    blocks deploy it to: Checkov's resource conf carries no provider configuration, so the folder is read here
    as the CLI reads it. Unchanged when the folder cannot be read or names no literal Region."""
    try:
        module = load_folder(os.path.dirname(file) or ".")
    except (OSError, TerraformError):
        return subject
    for found_in, block in module.blocks("resource"):
        if block.labels == (rtype, name) and os.path.abspath(found_in) == os.path.abspath(file):
            return _with_region(subject, rtype, block, module)
    return subject


def _member(form: _Form, key: str) -> Optional[Expr]:
    return form.expr.get(key) if isinstance(form.expr, hcl.Obj) else None


def _runtime_management(
    evaluator: _Evaluator,
    scope: _Scope,
    block: hcl.Block,
    file: str,
    subjects: list[Subject],
    functions: dict[str, FunctionSubject],
    names: dict[str, str],
) -> None:
    """``aws_lambda_runtime_management_config`` joins its function's subject when the link is written in the
    module (a reference, or the function's literal name): findings then name the function, exceptions written
    for the function apply, and ``report`` shows the function's mode. Otherwise it stands alone."""
    body = block.body
    modes = evaluator.values(body.get("update_runtime_on"), scope)
    arns = evaluator.values(body.get("runtime_version_arn"), scope)
    target = _linked_function(evaluator, scope, body.get("function_name"), functions, names)
    if target is not None:
        function = functions[target]
        merged = FunctionSubject(
            resource=function.resource,
            runtimes=function.runtimes,
            architectures=function.architectures,
            update_modes=_set(function.update_modes + modes),
            runtime_version_arns=_set(function.runtime_version_arns + arns),
            line=block.at.line,
            file=file,
            resource_type=function.resource_type,
        )
        subjects[subjects.index(function)] = merged
        functions[target] = merged
        return
    subjects.append(
        FunctionSubject(
            resource=_address(scope, _RUNTIME_MANAGEMENT_TYPE, block.labels[1]),
            update_modes=modes,
            runtime_version_arns=arns,
            line=block.at.line,
            file=file,
            resource_type=_RUNTIME_MANAGEMENT_TYPE,
        )
    )


def _linked_function(
    evaluator: _Evaluator,
    scope: _Scope,
    expr: Optional[Expr],
    functions: Mapping[str, FunctionSubject],
    names: Mapping[str, str],
) -> Optional[str]:
    expr = hcl.expand(expr) if expr is not None else None
    if isinstance(expr, hcl.Ref):
        path = expr.path
        if len(path) >= 3 and path[0] == "aws_lambda_function" and path[-1] in _FUNCTION_ATTRIBUTES:
            key = f"aws_lambda_function.{path[1]}"
            return key if key in functions else None
        return None
    if expr is None:
        return None
    found = {names.get(str(v.value)) for v in evaluator.values(expr, scope)}
    found.discard(None)
    return found.pop() if len(found) == 1 else None


def _call_subjects(
    evaluator: _Evaluator, scope: _Scope, file: str, block: hcl.Block, depth: int, seen: tuple[str, ...]
) -> list[Subject]:
    if len(block.labels) != 1 or depth >= _MAX_MODULE_DEPTH:
        return []
    name = block.labels[0]
    body = block.body
    exists, each = evaluator.enabled(body, scope)
    if not exists:
        return []
    caller = scope.with_each(each) if each is not None else scope
    forms = evaluator.forms(body.get("source") or hcl.Unknown(Where()), scope)
    sources = [f.expr.value if isinstance(f.expr, hcl.Lit) else None for f in forms]  # source = [] is no source
    source = sources[0] if len(sources) == 1 and isinstance(sources[0], str) else None
    if source is None:
        return []
    address = f"{scope.address}.module.{name}" if scope.address else f"module.{name}"
    call_path = (*scope.call_path, name)
    folder = _module_folder(scope, source, call_path)
    if folder is not None:
        if folder in seen:
            return []  # a module that calls itself: Terraform refuses it too
        module = load_folder(folder)
        if module.files:
            bindings = {
                arg: _Binding(attr.expr, caller, f"from module.{name}'s argument {arg}")
                for arg, attr in body.attrs.items()
                if arg not in _MODULE_META
            }
            inner = _Scope(module, address, bindings, None, scope, scope.root_folder, call_path)
            return _module_subjects(evaluator, inner, None, depth + 1, (*seen, folder))
    from ..known_modules import find_module, known_module_subjects

    known = find_module(source)
    if known is None:
        return []
    args = {arg: evaluator.arguments(attr.expr, caller) for arg, attr in body.attrs.items() if arg not in _MODULE_META}
    return list(known_module_subjects(known, address, args, block.at.line, file))


def called_folders(folders: Iterable[str]) -> set[str]:
    """Every folder that one of these folders calls as a local module (literal ``./`` or ``../`` sources).

    A local source is a literal string starting ``./`` or ``../``: a folder none of whose files holds those
    bytes calls no local module, and is not parsed here (most folders of a large tree).
    """
    called: set[str] = set()
    for folder in folders:
        if _mentions_local_source(folder):
            called.update(local_calls(load_folder(folder)))
    return called


def local_calls(module: ModuleFolder) -> frozenset[str]:
    """The folders this module calls as local modules (literal ``./`` or ``../`` sources), normalised."""
    called = set()
    for _, block in module.blocks("module"):
        source = hcl.expand(block.body.get("source") or hcl.Unknown(Where()))
        if isinstance(source, hcl.Lit) and isinstance(source.value, str) and source.value.startswith(_LOCAL):
            called.add(os.path.normpath(os.path.join(module.folder or ".", source.value)))
    return frozenset(called)


def _mentions_local_source(folder: str) -> bool:
    for name, _, size in _listing(folder):
        if not name.lower().endswith(TERRAFORM_SUFFIXES) or size > _MAX_FILE_BYTES:
            continue
        try:
            data = files.read_bytes(os.path.join(folder, name), _MAX_FILE_BYTES)
        except files.FileProblem:  # a FIFO or an unreadable file: reported when the folder is read
            continue
        if b'"./' in data or b'"../' in data or b'".\\' in data or b'"..\\' in data:
            return True
    return False


def _module_folder(scope: _Scope, source: str, call_path: tuple[str, ...]) -> Optional[str]:
    """Where a module call's code is on disk: a local path, or where ``terraform init`` downloaded it."""
    if source.startswith(_LOCAL):
        base = scope.module.folder or "."
        folder = os.path.normpath(os.path.join(base, source))
        return folder if files.is_dir(folder) else None
    manifest = _modules_manifest(scope.root_folder or scope.module.folder or ".")
    directory = manifest.get(".".join(call_path))
    if directory is None:
        return None
    folder = os.path.normpath(os.path.join(scope.root_folder or ".", directory))
    return folder if files.is_dir(folder) else None


_MANIFESTS: dict[str, tuple[dict[str, str], dict[str, str]]] = {}


def _modules_manifest(root: str) -> dict[str, str]:
    """``.terraform/modules/modules.json``: each module call's key (``a.b`` for module b inside a) -> folder.

    Kept per process with what reading it noted (``files.recording``), replayed on a hit."""
    cached = _MANIFESTS.get(root)
    if cached is not None:
        files.replay(cached[1])
        return cached[0]
    found: dict[str, str] = {}
    path = os.path.join(root, ".terraform", "modules", "modules.json")
    with files.recording() as notes:
        try:
            if files.is_file(path):
                data = json.loads(files.read_bytes(path, _MAX_FILE_BYTES))
                for entry in data.get("Modules", []) if isinstance(data, dict) else []:
                    key, directory = (entry.get("Key"), entry.get("Dir")) if isinstance(entry, dict) else (0, 0)
                    if isinstance(key, str) and isinstance(directory, str):
                        found[key] = directory
        except (files.FileProblem, ValueError):  # json's errors, UnicodeDecodeError included, are ValueErrors
            found = {}
    _MANIFESTS[root] = (found, notes)
    return found


# --- entry points --------------------------------------------------------------------------------------------


def _root_scope(module: ModuleFolder, var_files: Sequence[tuple[str, Body]] = ()) -> _Scope:
    scope = _Scope(module, root_folder=module.folder)
    empty = _Scope(_EMPTY_MODULE)
    for file, body in [*_tfvars_order(module), *var_files]:
        label = os.path.basename(file)
        for name, attr in body.attrs.items():
            scope.bindings[name] = _Binding(attr.expr, empty, f"from {label}")
    return scope


def evaluate_folder(
    folder: str,
    only_files: Optional[Iterable[str]] = None,
    var_files: Sequence[str] = (),
    notes: Optional[list[str]] = None,
    policies: bool = False,
) -> tuple[list[Subject], dict[str, str]]:
    """The subjects of a folder read as a root module, and the files that could not be read or parsed.

    ``only_files`` keeps the resources and module calls written in those files (a hook handed ``main.tf``);
    values still come from every file of the folder. ``var_files`` are ``-var-file`` files, applied last.
    ``notes`` receives one line when an expression took more than ``MAX_VALUES`` values (the rest unchecked).
    ``policies``: also the IAM policies (see ``terraform_iam``).
    """
    module = load_folder(folder)
    errors = dict(module.errors)
    extra: list[tuple[str, Body]] = []
    for path in var_files:
        try:
            extra.append((path, parse_file(path)))
        except TerraformError as exc:
            errors[path] = str(exc)
    scope = _root_scope(module, extra)
    wanted = set(only_files) if only_files is not None else None
    evaluator = _Evaluator()
    evaluator.policies = policies
    subjects = _module_subjects(evaluator, scope, wanted, 0, (module.folder,))
    if evaluator.capped and notes is not None:
        at = min(evaluator.capped, key=lambda where: (where.file, where.line))
        where = f"{at.file}:{at.line}" if at.line else at.file or folder
        notes.append(
            f"{where}: an expression takes more than {MAX_VALUES} values (a chain of conditionals?); "
            f"only the first {MAX_VALUES} are checked"
        )
    return subjects, errors


def subjects_from_hcl(
    text: str, file: str = "", variables: Optional[Mapping[str, object]] = None, policies: bool = False
) -> list[Subject]:
    """Every Lambda subject of one HCL text read alone as a module (``variables``: extra literal defaults).

    Raises TerraformError, and nothing else, when the text does not parse.
    """
    body = parse_file(file or "main.tf", text) if not file.lower().endswith(".json") else parse_file(file, text)
    module = ModuleFolder(os.path.dirname(file))
    module.files.append((file, body))
    _index(module)
    for name, value in (variables or {}).items():
        module.variables[name] = (_literal_expr(value, Where(0, 0, file)), name)
    evaluator = _Evaluator()
    evaluator.policies = policies
    return _module_subjects(evaluator, _Scope(module, root_folder=module.folder), None, 0, (module.folder,))


def _literal_expr(value: object, at: Where) -> Expr:
    if isinstance(value, (list, tuple)):
        return hcl.Tuple(tuple(_literal_expr(v, at) for v in value), at)
    if isinstance(value, Mapping):
        return hcl.Obj(tuple((str(k), _literal_expr(v, at)) for k, v in value.items()), at)
    return hcl.Lit(value, at)


def parse_hcl(text: str, file: str = "") -> Body:
    """One HCL text as a Body; raises TerraformError with one human line."""
    return parse_file(file or "main.tf", text)


def variable_defaults(text: str, file: str = "") -> dict[str, object]:
    """The literal ``default`` of every ``variable`` block (no default or ``null``: left out)."""
    body = parse_file(file or "variables.tf", text)
    defaults: dict[str, object] = {}
    for block in body.blocks:
        if block.type != "variable" or len(block.labels) != 1:
            continue
        expr = block.body.get("default")
        value = _plain(expr) if expr is not None else None
        if value is not None:
            defaults[block.labels[0]] = value
    return defaults


def _plain(expr: Expr) -> object:
    if isinstance(expr, hcl.Lit):
        return expr.value
    if isinstance(expr, hcl.Tuple):
        return [v for v in (_plain(i) for i in expr.items) if v is not None]
    if isinstance(expr, hcl.Obj):
        return {k: v for k, v in ((k, _plain(e)) for k, e in expr.items) if v is not None}
    return None
