"""``serverless.ts`` / ``serverless.js``: the configuration object, read statically with tree-sitter.

The file is parsed, never executed. What is literal in it becomes the same position-carrying tree the YAML
loader builds (so ``serverless.subjects`` reads it unchanged): object and array literals, strings, numbers,
template strings whose parts are known, ``'a' + 'b'``, constants (``const base = {...}``), object spreads of
literals, ``as``/``satisfies``/``!`` wrappers, and imports of relative modules (``import hello from
'./functions/hello'``, ``require('./x')``, ``export { default as hello } from './hello'``), plus
``compilerOptions.paths`` aliases from a ``tsconfig.json`` beside the configuration (``@functions/hello``).
Everything else (calls, ``process.env``, parameters, unknown imports) is ``UNRESOLVED``: written, unknown, and
never a finding. A spread of an unknown object makes every key written before it unknown too, since the
spread may override them.

Nodes read from an imported module carry its path (``serverless.FILE_ATTRIBUTE``), so a finding sits in the
file that holds the value. tree-sitter and the grammars are imported on first use: ``import
lambda_runtime_rules`` stays cheap.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Union

from .. import files
from ..loader import MAX_FILE_BYTES, DictNode, ListNode, StrNode
from ..model import FunctionSubject, LayerSubject
from .names import CONFIG_NAMES, SCRIPT_SUFFIXES, is_config_script, is_script
from .serverless import FILE_ATTRIBUTE, UNRESOLVED, is_serverless, subjects, tag

Subject = Union[FunctionSubject, LayerSubject]

__all__ = [
    "CONFIG_NAMES",
    "SCRIPT_SUFFIXES",
    "is_config_script",
    "is_script",
    "load",
    "read_config",
    "read_module",
    "read_text",
]

_TYPESCRIPT = (".ts", ".cts", ".mts")
_MAX_DEPTH = 64  # nesting of expressions and chains of constants
_MAX_MODULES = 64  # modules read for one configuration
_RESOLVE_SUFFIXES = (".ts", ".js", ".mts", ".cts", ".mjs", ".cjs", ".json")


def load(path: str, text: Optional[str] = None) -> tuple[str, list[Subject], list[str]]:
    """Kind ('serverless' or ''), subjects and one-line problems of a script file (or of ``text`` as that
    file, which is how ``fix`` reads it); never raises."""
    if text is None:
        document, problem = read_config(path)
    else:
        document, problem = read_text(text, path, path.lower().endswith(_TYPESCRIPT))
    if problem:
        return "", [], [f"{path}: {problem}"]
    if not is_serverless(document):
        return "", [], []  # a script that exports no literal configuration: nothing known, nothing reported
    problems: list[str] = []
    found = subjects(document, path, problems)
    return "serverless", found, problems


def read_config(path: str) -> tuple[object, str]:
    """The exported configuration object of a file, and a one-line problem ('' when none); never raises."""
    return _read(path, config=True)


def read_module(path: str) -> tuple[object, str]:
    """The exported value of a module included with ``${file(./x.js)}`` (UNRESOLVED when not literal)."""
    return _read(path, config=False)


def read_text(text: str, file: str = "config.ts", typescript: bool = True) -> tuple[object, str]:
    """The exported configuration of source text (for tests and tools); never raises."""
    try:
        loader = _Loader(os.path.dirname(file))
        module = loader.module_from_bytes(text.encode("utf-8", "surrogatepass"), file, typescript, root=True)
        return _export(module, config=True)
    except RecursionError:
        return None, "nested too deeply"
    except UnicodeError as exc:
        return None, f"not valid text: {exc}"


def _read(path: str, config: bool) -> tuple[object, str]:
    try:
        data = files.read_bytes(path, MAX_FILE_BYTES)
    except files.FileProblem as exc:
        return None, str(exc)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"byte {exc.start}: not valid UTF-8 ({exc.reason})"
    try:
        loader = _Loader(os.path.dirname(path))
        module = loader.module_from_bytes(data, path, path.lower().endswith(_TYPESCRIPT), root=config)
        document, problem = _export(module, config)
    except RecursionError:
        return None, "nested too deeply"
    if not config and problem == "" and document is None:
        document = UNRESOLVED
    return document, problem


def _export(module: _Module, config: bool) -> tuple[object, str]:
    """What the module exports as its configuration: ``module.exports``, ``export =`` or ``export default``."""
    value = module.exported("default")
    if isinstance(value, dict) or not config:
        return (value if value is not None else UNRESOLVED), ""
    if module.root_node.has_error:
        line = _first_error_line(module.root_node)
        return None, f"line {line}: not valid {module.language}, and no configuration object found"
    return None, ""


def _first_error_line(node: Any) -> int:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "ERROR" or current.is_missing:
            return int(current.start_point[0]) + 1
        stack.extend(reversed(current.children))
    return int(node.start_point[0]) + 1


# ------------------------------------------------------------------------------------------------ parsing

_parsers: dict[bool, Any] = {}


def _parser(typescript: bool) -> Any:
    """One parser per grammar per process; the grammars are imported only here."""
    parser = _parsers.get(typescript)
    if parser is None:
        from tree_sitter import Language, Parser

        if typescript:
            import tree_sitter_typescript

            language = Language(tree_sitter_typescript.language_typescript())
        else:
            import tree_sitter_javascript

            language = Language(tree_sitter_javascript.language())
        parser = _parsers[typescript] = Parser(language)
    return parser


class _Mark:
    """A 0-based position, the duck type ``loader.position`` reads; the column counts characters, not bytes."""

    __slots__ = ("_byte", "_column", "_source", "line")

    def __init__(self, source: bytes, line: int, byte: int, column_bytes: int) -> None:
        self._source = source
        self._byte = byte
        self._column = column_bytes
        self.line = line

    @property
    def column(self) -> int:
        start = self._byte - self._column
        return len(self._source[start : self._byte].decode("utf-8", "replace"))


@dataclass
class _Module:
    """One parsed file: its top-level bindings, imports and exports (as syntax nodes, evaluated on demand)."""

    loader: _Loader
    path: str
    source: bytes
    root_node: Any
    language: str
    tag: str  # the file to mark its nodes with ('' for the configuration itself)
    bindings: dict[str, Any] = field(default_factory=dict)
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)  # local -> (specifier, imported name)
    exports: dict[str, Callable[[int], object]] = field(default_factory=dict)
    stars: list[str] = field(default_factory=list)
    memo: dict[int, object] = field(default_factory=dict)
    busy: set[int] = field(default_factory=set)

    # -------------------------------------------------------------------------------------------- exports

    def exported(self, name: str, depth: int = 0) -> object:
        """An export by name ('default' also answers ``module.exports``/``export =``); None when absent."""
        if depth > _MAX_DEPTH:
            return UNRESOLVED
        getter = self.exports.get(name) or self.exports.get("." + name)
        if getter is not None:
            return getter(depth + 1)
        whole = self.exports.get("=")
        if whole is not None:
            value = whole(depth + 1)
            if name == "default":
                return value
            return dict.get(value, name) if isinstance(value, dict) else UNRESOLVED
        if name == "default" and any(key.startswith(".") for key in self.exports):
            return self.namespace(depth)  # CommonJS: exports.a = ...; exports.b = ...
        for specifier in self.stars:
            module = self.loader.resolve(self, specifier)
            if isinstance(module, _Module):
                value = module.exported(name, depth + 1)
                if value is not None:
                    return value
        return None

    def namespace(self, depth: int) -> DictNode:
        """``import * as ns`` and CommonJS property exports: every named export in one object."""
        result = self.node(DictNode(), self.root_node)
        for key, getter in self.exports.items():
            if key not in ("default", "="):
                result[self.node(StrNode(key.lstrip(".")), self.root_node)] = getter(depth + 1)
        return result

    # ----------------------------------------------------------------------------------------- evaluation

    def evaluate(self, node: Any, depth: int = 0) -> object:
        """The literal value of an expression node, or UNRESOLVED."""
        if node is None or depth > _MAX_DEPTH:
            return UNRESOLVED
        key = node.id
        if key in self.memo:
            return self.memo[key]
        if key in self.busy:
            return UNRESOLVED  # const a = b; const b = a
        self.busy.add(key)
        try:
            value = self._evaluate(node, depth)
        finally:
            self.busy.discard(key)
        self.memo[key] = value
        return value

    def _evaluate(self, node: Any, depth: int) -> object:
        kind = node.type
        if kind == "object":
            return self.object(node, depth)
        if kind == "array":
            return self.array(node, depth)
        if kind == "string":
            return self.node(StrNode(_string(node)), node)
        if kind == "template_string":
            return self.template(node, depth)
        if kind == "number":
            return _number(node.text.decode("utf-8", "replace"))
        if kind in ("true", "false"):
            return kind == "true"
        if kind in ("null", "undefined"):
            return None
        if kind == "identifier":
            return self.identifier(node.text.decode("utf-8", "replace"), depth)
        if kind in ("parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression"):
            inner = node.named_children
            return self.evaluate(inner[0], depth + 1) if inner else UNRESOLVED
        if kind == "type_assertion":
            inner = node.named_children
            return self.evaluate(inner[-1], depth + 1) if inner else UNRESOLVED
        if kind in ("member_expression", "subscript_expression"):
            return self.member(node, depth)
        if kind == "binary_expression":
            return self.concatenation(node, depth)
        if kind == "unary_expression":
            return self.sign(node, depth)
        if kind == "call_expression":
            specifier = _require(node)
            if specifier is not None:
                return self.loader.imported(self, specifier, "default", depth)
        return UNRESOLVED

    def object(self, node: Any, depth: int) -> DictNode:
        result = self.node(DictNode(), node)
        for child in node.named_children:
            kind = child.type
            if kind == "pair":
                name = self.key(child.child_by_field_name("key"), depth)
                if name is not None:
                    result.pop(name, None)  # a later key wins, and its position is where it is written
                    result[name] = self.evaluate(child.child_by_field_name("value"), depth + 1)
            elif kind == "shorthand_property_identifier":
                name = self.node(StrNode(child.text.decode("utf-8", "replace")), child)
                result.pop(name, None)
                result[name] = self.identifier(str(name), depth + 1)
            elif kind == "spread_element":
                spread = self.evaluate(child.named_children[0], depth + 1) if child.named_children else UNRESOLVED
                if isinstance(spread, dict):
                    for name, value in dict.items(spread):
                        result.pop(name, None)
                        result[name] = value
                elif spread is not None and not isinstance(spread, (bool, int, float, str)):
                    # Unknown contents may override anything written so far.
                    for name in list(dict.keys(result)):
                        result[name] = UNRESOLVED
            elif kind == "method_definition":
                name = self.key(child.child_by_field_name("name"), depth)
                if name is not None:
                    result[name] = UNRESOLVED
        return result

    def array(self, node: Any, depth: int) -> ListNode:
        result = self.node(ListNode(), node)
        for child in node.named_children:
            if child.type == "spread_element":
                spread = self.evaluate(child.named_children[0], depth + 1) if child.named_children else UNRESOLVED
                if isinstance(spread, list):
                    result.extend(spread)
                else:
                    result.append(UNRESOLVED)
            elif child.type != "comment":
                result.append(self.evaluate(child, depth + 1))
        return result

    def key(self, node: Any, depth: int) -> Optional[StrNode]:
        if node is None:
            return None
        kind = node.type
        if kind in ("property_identifier", "identifier", "private_property_identifier"):
            return self.node(StrNode(node.text.decode("utf-8", "replace")), node)
        if kind == "string":
            return self.node(StrNode(_string(node)), node)
        if kind == "number":
            return self.node(StrNode(str(_number(node.text.decode("utf-8", "replace")))), node)
        if kind == "computed_property_name" and node.named_children:
            value = self.evaluate(node.named_children[0], depth + 1)
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                return self.node(StrNode(str(value)), node)
        return None

    def template(self, node: Any, depth: int) -> object:
        parts: list[str] = []
        for child in node.named_children:
            if child.type == "template_substitution":
                inner = child.named_children
                value = self.evaluate(inner[0], depth + 1) if inner else UNRESOLVED
                if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                    return UNRESOLVED
                parts.append(str(value))
            elif child.type == "escape_sequence":
                parts.append(_escape(child.text.decode("utf-8", "replace")))
            elif child.type == "string_fragment":
                parts.append(child.text.decode("utf-8", "replace"))
        return self.node(StrNode(_joined(parts)), node)

    def concatenation(self, node: Any, depth: int) -> object:
        operator = node.child_by_field_name("operator")
        if operator is None or operator.type != "+":
            return UNRESOLVED
        left = self.evaluate(node.child_by_field_name("left"), depth + 1)
        right = self.evaluate(node.child_by_field_name("right"), depth + 1)
        if isinstance(left, str) and isinstance(right, (str, int, float)) and not isinstance(right, bool):
            return self.node(StrNode(f"{left}{right}"), node)
        if isinstance(right, str) and isinstance(left, (int, float)) and not isinstance(left, bool):
            return self.node(StrNode(f"{left}{right}"), node)
        return UNRESOLVED

    def sign(self, node: Any, depth: int) -> object:
        """``-1`` and ``+1``: numbers, as in JSON."""
        operator = node.child_by_field_name("operator")
        value = self.evaluate(node.child_by_field_name("argument"), depth + 1)
        if operator is None or operator.type not in "-+" or isinstance(value, bool):
            return UNRESOLVED
        if not isinstance(value, (int, float)):
            return UNRESOLVED
        return -value if operator.type == "-" else value

    def member(self, node: Any, depth: int) -> object:
        target = self.evaluate(node.child_by_field_name("object"), depth + 1)
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            name: object = prop.text.decode("utf-8", "replace") if prop is not None else None
        else:
            index = node.child_by_field_name("index")
            name = self.evaluate(index, depth + 1) if index is not None else None
        if isinstance(target, dict) and isinstance(name, str):
            return dict.get(target, name) if name in target else None
        if isinstance(target, list) and isinstance(name, int) and not isinstance(name, bool):
            return target[name] if 0 <= name < len(target) else None
        return UNRESOLVED

    def identifier(self, name: str, depth: int) -> object:
        if name == "undefined":
            return None
        bound = self.bindings.get(name)
        if bound is not None:
            return self.evaluate(bound, depth + 1)
        imported = self.imports.get(name)
        if imported is not None:
            return self.loader.imported(self, imported[0], imported[1], depth)
        return UNRESOLVED

    def node(self, value: Any, syntax: Any) -> Any:
        """Give a built node its position (and, in an imported module, its file)."""
        row, column = syntax.start_point
        value.start_mark = _Mark(self.source, int(row), int(syntax.start_byte), int(column))
        end_row, end_column = syntax.end_point
        value.end_mark = _Mark(self.source, int(end_row), int(syntax.end_byte), int(end_column))
        if self.tag:
            setattr(value, FILE_ATTRIBUTE, self.tag)
        return value


class _Loader:
    """The modules read for one configuration: parsed once each, bounded in number, relative imports only."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.modules: dict[str, object] = {}
        self.aliases: Optional[list[tuple[str, list[str]]]] = None

    def module_from_bytes(self, data: bytes, path: str, typescript: bool, root: bool) -> _Module:
        tree = _parser(typescript).parse(data)
        module = _Module(
            self,
            path,
            data,
            tree.root_node,
            "TypeScript" if typescript else "JavaScript",
            "" if root else path,
        )
        _collect(module)
        self.modules[os.path.normpath(path)] = module
        return module

    def imported(self, importer: _Module, specifier: str, name: str, depth: int) -> object:
        module = self.resolve(importer, specifier)
        if isinstance(module, _Module):
            if name == "*":
                return module.namespace(depth + 1)
            value = module.exported(name, depth + 1)
            return UNRESOLVED if value is None else value
        if module is not None and name in ("default", "*"):
            return module  # a JSON file
        if isinstance(module, dict):
            return dict.get(module, name, UNRESOLVED)
        return UNRESOLVED

    def resolve(self, importer: _Module, specifier: str) -> object:
        """The module a specifier names: a parsed _Module, a JSON document, or None."""
        for candidate in self.candidates(importer, specifier):
            key = os.path.normpath(candidate)
            if key in self.modules:
                return self.modules[key]
            if not files.is_file(candidate):
                continue
            if len(self.modules) >= _MAX_MODULES:
                return None
            self.modules[key] = None  # an import cycle stops here
            self.modules[key] = self.load(key)
            return self.modules[key]
        return None

    def load(self, path: str) -> object:
        lowered = path.lower()
        try:  # both readers refuse a file over MAX_FILE_BYTES
            if lowered.endswith(".json"):
                from ..loader import load_file

                document = load_file(path)
                tag(document, path)
                return document
            if lowered.endswith(SCRIPT_SUFFIXES):
                data = files.read_bytes(path, MAX_FILE_BYTES)  # never a FIFO or a huge file
                data.decode("utf-8")
                return self.module_from_bytes(data, path, lowered.endswith(_TYPESCRIPT), root=False)
        except Exception:  # unreadable or malformed: the import stays unresolved
            return None
        return None

    def candidates(self, importer: _Module, specifier: str) -> list[str]:
        if specifier.startswith((".", "/")):
            bases = [os.path.join(os.path.dirname(importer.path), specifier)]
        else:
            bases = self.alias(specifier)
        out: list[str] = []
        for base in bases:
            stem, suffix = os.path.splitext(base)
            if suffix.lower() in (".js", ".mjs", ".cjs"):  # TypeScript's ESM style: './hello.js' is hello.ts
                out.append(stem + suffix.lower().replace("j", "t"))
            out.append(base)
            out.extend(base + s for s in _RESOLVE_SUFFIXES)
            out.extend(os.path.join(base, "index" + s) for s in _RESOLVE_SUFFIXES)
        return out

    def alias(self, specifier: str) -> list[str]:
        """``compilerOptions.paths`` of the tsconfig.json beside the configuration (``@functions/*``)."""
        if self.aliases is None:
            self.aliases = _tsconfig_paths(self.base)
        out: list[str] = []
        for pattern, targets in self.aliases:
            prefix, star, suffix = pattern.partition("*")
            if star and specifier.startswith(prefix) and specifier.endswith(suffix):
                middle = specifier[len(prefix) : len(specifier) - len(suffix)]
                out.extend(target.replace("*", middle, 1) for target in targets)
            elif not star and specifier == pattern:
                out.extend(targets)
        return out


def _tsconfig_paths(base: str) -> list[tuple[str, list[str]]]:
    """(pattern, [target paths]) from tsconfig.json; tsconfig is JSON with comments, so it is read as a JS
    expression through the same literal reader."""
    path = os.path.join(base, "tsconfig.json")
    try:
        if not files.is_file(path):
            return []
        text = files.read_bytes(path, MAX_FILE_BYTES)
        text.decode("utf-8")
    except (files.FileProblem, UnicodeDecodeError):
        return []
    loader = _Loader(base)
    module = loader.module_from_bytes(b"export default (" + text + b"\n);", path, False, root=True)
    document = module.exported("default")
    options = dict.get(document, "compilerOptions") if isinstance(document, dict) else None
    if not isinstance(options, dict):
        return []
    root = os.path.join(base, str(options.get("baseUrl") or ".") if isinstance(options.get("baseUrl"), str) else ".")
    paths = options.get("paths")
    out: list[tuple[str, list[str]]] = []
    if isinstance(paths, dict):
        for pattern, targets in paths.items():
            if isinstance(pattern, str) and isinstance(targets, list):
                out.append((pattern, [os.path.join(root, t) for t in targets if isinstance(t, str)]))
    return out


def _collect(module: _Module) -> None:
    """Top-level declarations, imports and exports; anything nested (functions, blocks) is not a constant."""
    for statement in module.root_node.named_children:
        kind = statement.type
        if kind in ("lexical_declaration", "variable_declaration"):
            _declarations(module, statement, exported=False)
        elif kind == "import_statement":
            _import(module, statement)
        elif kind == "export_statement":
            _export_statement(module, statement)
        elif kind == "expression_statement" and statement.named_children:
            _assignment(module, statement.named_children[0])


def _declarations(module: _Module, statement: Any, exported: bool) -> None:
    for declarator in statement.named_children:
        if declarator.type != "variable_declarator":
            continue
        name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
        if name is None or name.type != "identifier" or value is None:
            continue
        text = name.text.decode("utf-8", "replace")
        module.bindings[text] = value
        specifier = _require(value)
        if specifier is not None:
            module.imports[text] = (specifier, "default")
            del module.bindings[text]
        if exported:
            module.exports[text] = _getter(module, value)


def _import(module: _Module, statement: Any) -> None:
    source = statement.child_by_field_name("source")
    if source is None or source.type != "string":
        return
    specifier = _string(source)
    for clause in statement.named_children:
        if clause.type == "import_require_clause":  # import x = require('./x')
            names = [c for c in clause.named_children if c.type == "identifier"]
            if names:
                module.imports[names[0].text.decode("utf-8", "replace")] = (specifier, "default")
        if clause.type != "import_clause":
            continue
        for part in clause.named_children:
            if part.type == "identifier":
                module.imports[part.text.decode("utf-8", "replace")] = (specifier, "default")
            elif part.type == "namespace_import":
                names = [c for c in part.named_children if c.type == "identifier"]
                if names:
                    module.imports[names[0].text.decode("utf-8", "replace")] = (specifier, "*")
            elif part.type == "named_imports":
                for spec in part.named_children:
                    if spec.type != "import_specifier":
                        continue
                    name, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
                    if name is not None:
                        local = (alias or name).text.decode("utf-8", "replace")
                        module.imports[local] = (specifier, _name(name))


def _export_statement(module: _Module, statement: Any) -> None:
    declaration = statement.child_by_field_name("declaration")
    if declaration is not None:
        if declaration.type in ("lexical_declaration", "variable_declaration"):
            _declarations(module, declaration, exported=True)
        return
    value = statement.child_by_field_name("value")
    if value is not None:
        is_assignment = any(child.type == "=" for child in statement.children)  # TypeScript's export = x
        module.exports["=" if is_assignment else "default"] = _getter(module, value)
        return
    source = statement.child_by_field_name("source")
    specifier = _string(source) if source is not None and source.type == "string" else None
    clause = next((c for c in statement.named_children if c.type == "export_clause"), None)
    if clause is None:
        if specifier is not None and any(child.type == "*" for child in statement.children):
            module.stars.append(specifier)
        elif any(child.type == "=" for child in statement.children) and statement.named_children:
            module.exports["="] = _getter(module, statement.named_children[-1])
        return
    for spec in clause.named_children:
        if spec.type != "export_specifier":
            continue
        name, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
        if name is None:
            continue
        exported_as = _name(alias or name)
        local = _name(name)
        if specifier is not None:
            module.exports[exported_as] = _forward(module, specifier, local)
        else:
            module.exports[exported_as] = _local(module, local)


def _assignment(module: _Module, expression: Any) -> None:
    """``module.exports = x``, ``module.exports.a = x``, ``exports.a = x``."""
    if expression.type != "assignment_expression":
        return
    left, right = expression.child_by_field_name("left"), expression.child_by_field_name("right")
    if left is None or right is None or left.type != "member_expression":
        return
    target = left.text.decode("utf-8", "replace").replace(" ", "")
    if target == "module.exports":
        module.exports["="] = _getter(module, right)
        return
    for prefix in ("module.exports.", "exports."):
        if target.startswith(prefix) and target[len(prefix) :].isidentifier():
            module.exports["." + target[len(prefix) :]] = _getter(module, right)


def _getter(module: _Module, node: Any) -> Callable[[int], object]:
    return lambda depth: module.evaluate(node, depth)


def _local(module: _Module, name: str) -> Callable[[int], object]:
    return lambda depth: module.identifier(name, depth)


def _forward(module: _Module, specifier: str, name: str) -> Callable[[int], object]:
    return lambda depth: module.loader.imported(module, specifier, name, depth)


def _require(node: Any) -> Optional[str]:
    """The specifier of ``require('./x')``; None for any other expression."""
    if node is None or node.type != "call_expression":
        return None
    function, arguments = node.child_by_field_name("function"), node.child_by_field_name("arguments")
    if function is None or function.type != "identifier" or function.text != b"require" or arguments is None:
        return None
    args = arguments.named_children
    return _string(args[0]) if len(args) == 1 and args[0].type == "string" else None


def _name(node: Any) -> str:
    return _string(node) if node.type == "string" else node.text.decode("utf-8", "replace")


def _string(node: Any) -> str:
    parts: list[str] = []
    for child in node.named_children:
        if child.type == "string_fragment":
            parts.append(child.text.decode("utf-8", "replace"))
        elif child.type == "escape_sequence":
            parts.append(_escape(child.text.decode("utf-8", "replace")))
    return _joined(parts)


def _joined(parts: list[str]) -> str:
    """Escaped UTF-16 surrogate pairs (``\\ud83d\\ude00``) become the one character they spell."""
    text = "".join(parts)
    try:
        return text.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeError:
        return text


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _escape(text: str) -> str:
    """One JavaScript escape sequence (``\\n``, ``\\x41``, ``\\u0041``, ``\\u{1F600}``, ``\\'``)."""
    body = text[1:]
    if not body:
        return ""
    if body[0] in _ESCAPES and len(body) == 1:
        return _ESCAPES[body[0]]
    digits = body[1:].strip("{}")
    if body[0] in "xu" and digits:
        try:
            return chr(int(digits, 16))
        except (ValueError, OverflowError):
            return text
    if body[0] in "\r\n":  # a line continuation
        return ""
    return body


def _number(text: str) -> object:
    cleaned = text.replace("_", "")
    try:
        if cleaned.lower().startswith(("0x", "0o", "0b")):
            return int(cleaned, 0)
        value = float(cleaned)
        return int(value) if value.is_integer() and "." not in cleaned and "e" not in cleaned.lower() else value
    except (ValueError, OverflowError):
        return UNRESOLVED
