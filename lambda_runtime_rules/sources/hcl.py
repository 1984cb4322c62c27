"""Terraform's two syntaxes (``.tf`` HCL and ``.tf.json``) read into one small, position-carrying model.

The evaluator in ``terraform.py`` works on this model only, so a module can mix both syntaxes, ``.tfvars``
files are just bodies of attributes, and the parser underneath can change without touching the evaluation.

HCL goes through tree-sitter-hcl where it is installed and the file parses cleanly (``hcl_treesitter`` builds
the very same model), otherwise through the Lark tree of the installed ``hcl2`` module, which bc-python-hcl2
(Checkov's pin) and python-hcl2 share: the rule names used here and the source spans are the same in
bc-python-hcl2 0.4.3 and python-hcl2 7.x/8.x, so every leaf is decoded from its own source text. JSON goes
through this package's position-keeping loader; a JSON string is a template, exactly as Terraform reads it,
so ``"${var.runtime}"`` means the variable there too. Nothing here raises on strange input except
``SyntaxProblem`` for text that does not parse at all.
"""

from __future__ import annotations

import contextlib
import json
import signal
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Union

__all__ = [
    "Attr",
    "Binary",
    "Block",
    "Body",
    "Call",
    "Cond",
    "Expr",
    "Heredoc",
    "Interpolation",
    "Lit",
    "Obj",
    "Ref",
    "SyntaxProblem",
    "Template",
    "Tuple",
    "Unary",
    "Unknown",
    "expand",
    "parse_hcl_body",
    "parse_json_body",
]

# Expressions nest (parentheses, templates in templates); past this depth a value is unknown.
MAX_DEPTH = 32


class SyntaxProblem(Exception):
    """The text is not HCL (or Terraform JSON) that can be parsed; ``str()`` is one line without the file."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Where:
    line: int = 0
    column: int = 0
    file: str = ""


@dataclass(frozen=True, eq=False)
class Lit:
    """A literal: str, int, float, bool or None (null)."""

    value: object
    at: Where


@dataclass(frozen=True, eq=False)
class Template:
    """A string with interpolations: literal parts and expressions; ``text`` is the source, for messages."""

    parts: tuple[Union[str, Expr], ...]
    at: Where
    text: str = ""


@dataclass(frozen=True, eq=False)
class Ref:
    """A traversal: ``var.x``, ``local.cfg.runtime``, ``each.value``, ``aws_lambda_function.f.function_name``.

    Index keys (``var.m["k"]``) are kept as strings; an index that is not a literal is ``None``.
    """

    path: tuple[Optional[str], ...]
    at: Where
    text: str = ""


@dataclass(frozen=True, eq=False)
class Cond:
    """``condition ? yes : no``; ``text`` is the condition's source, for the ``via`` of each branch."""

    condition: Expr
    yes: Expr
    no: Expr
    text: str
    at: Where


@dataclass(frozen=True, eq=False)
class Binary:
    op: str
    left: Expr
    right: Expr
    at: Where


@dataclass(frozen=True, eq=False)
class Unary:
    op: str
    operand: Expr
    at: Where


@dataclass(frozen=True, eq=False)
class Tuple:
    items: tuple[Expr, ...]
    at: Where


@dataclass(frozen=True, eq=False)
class Obj:
    """An object constructor; a key that is not literal is left out (its value cannot be addressed)."""

    items: tuple[tuple[str, Expr], ...]
    at: Where

    def get(self, key: str) -> Optional[Expr]:
        for name, value in self.items:
            if name == key:
                return value
        return None


@dataclass(frozen=True, eq=False)
class Call:
    name: str
    args: tuple[Expr, ...]
    at: Where


@dataclass(frozen=True, eq=False)
class Unknown:
    """An expression only ``terraform plan`` knows (for expressions, splats, heredocs, ...)."""

    at: Where


@dataclass(frozen=True, eq=False)
class Heredoc(Unknown):
    """A heredoc (``<<EOF``): unknown wherever a single value belongs (a runtime written as one would carry its
    trailing newline), but its ``content`` (a literal or a template) is read where a document belongs (a JSON
    policy)."""

    content: Optional[Expr] = None


Expr = Union[Lit, Template, Ref, Cond, Binary, Unary, Tuple, Obj, Call, Unknown, "Interpolation"]


class Attr:
    """``name = expr``. ``fill``, when given, builds the expression on first use instead of ``expr`` (the
    tree-sitter reader's lazy blocks: of a variable only ``default`` is read, of a function a dozen arguments);
    equality and the expression seen are the same either way."""

    __slots__ = ("_expr", "_fill", "at", "name")

    def __init__(self, name: str, expr: Optional[Expr], at: Where, fill: Optional[Callable[[], Expr]] = None) -> None:
        self.name = name
        self.at = at
        self._expr = expr if fill is None else None
        self._fill = fill

    @property
    def expr(self) -> Expr:
        fill = self._fill
        if fill is not None:
            self._fill = None
            self._expr = fill()
        return self._expr  # type: ignore[return-value]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Attr:
            return NotImplemented
        assert isinstance(other, Attr)
        return (self.name, self.expr, self.at) == (other.name, other.expr, other.at)

    def __hash__(self) -> int:
        return hash((self.name, self.at))

    def __repr__(self) -> str:
        return f"Attr(name={self.name!r}, expr={self.expr!r}, at={self.at!r})"


class Block:
    """``type "label" ... { body }``. ``fill``, when given, builds the body on first use instead of ``body``: the
    tree-sitter reader leaves most of a file's blocks (every resource whose type no rule reads) unconverted,
    and equality and the body seen are the same either way."""

    __slots__ = ("_body", "_fill", "at", "labels", "type")

    def __init__(
        self, type: str, labels: tuple[str, ...], body: Optional[Body], at: Where,
        fill: Optional[Callable[[], Body]] = None,
    ) -> None:
        self.type = type
        self.labels = labels
        self.at = at
        self._body = body if fill is None else None
        self._fill = fill

    @property
    def body(self) -> Body:
        body = self._body
        if body is None:
            fill, self._fill = self._fill, None
            body = self._body = fill() if fill is not None else Body()
        return body

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Block:
            return NotImplemented
        assert isinstance(other, Block)
        return (self.type, self.labels, self.body, self.at) == (other.type, other.labels, other.body, other.at)

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass it replaced

    def __repr__(self) -> str:
        return f"Block(type={self.type!r}, labels={self.labels!r}, body={self.body!r}, at={self.at!r})"


@dataclass
class Body:
    """Attributes (first of duplicates wins: Terraform rejects them anyway) and nested blocks, in order."""

    attrs: dict[str, Attr] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def add(self, attr: Attr) -> None:
        self.attrs.setdefault(attr.name, attr)

    def get(self, name: str) -> Optional[Expr]:
        attr = self.attrs.get(name)
        return attr.expr if attr is not None else None


# --- HCL -----------------------------------------------------------------------------------------------------


def parse_hcl_body(text: str, file: str = "") -> Body:
    """Parse HCL text (a ``.tf`` or ``.tfvars`` file) into a Body; raises SyntaxProblem.

    tree-sitter-hcl reads it when installed (the same Body, in a fraction of Lark's time); a file it cannot read
    cleanly goes through Lark as before, so a syntax error keeps Lark's message and its time budget."""
    from . import hcl_treesitter

    body = hcl_treesitter.parse_body(text, file)
    if body is not None:
        return body
    tree = _lark_parse(text)
    return _HclReader(text, file).body(_top_body(tree))


def release_tree(file: str) -> None:
    """Let go of the syntax tree a parse of ``file`` keeps for its unbuilt parts (see ``hcl_treesitter.release``):
    called when the file's own scan is done."""
    from . import hcl_treesitter

    hcl_treesitter.release(file)


PARSE_SECONDS = 10.0
"""Longest one parse may take. The ``hcl2`` grammar's string-literal pattern backtracks exponentially on an
unclosed interpolation (``"python${(JJJJJJJJJJJJJJJJ\\"}"``: 16 characters, minutes); Terraform refuses such a
file anyway, so past this budget it is refused too, as not valid HCL, instead of hanging a hook."""


class _Overtime(BaseException):  # not an Exception: the parse error handler below must not take it
    pass


@contextlib.contextmanager
def _time_budget(seconds: float) -> Iterator[None]:
    """Raise ``_Overtime`` in this thread after ``seconds`` (a SIGALRM timer: only where one can be set, the main
    thread of a POSIX process, which is where the CLI and its workers parse; elsewhere no budget)."""
    usable = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )
    if not usable:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise _Overtime()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _lark_parse(text: str) -> Any:
    import hcl2  # imported here: building the Lark parser is work we only do when asked

    try:
        with _time_budget(PARSE_SECONDS):
            return _lark_tree(hcl2, text)
    except _Overtime:
        raise SyntaxProblem(
            f"not valid HCL (the parser gave up after {PARSE_SECONDS:g} s: look for an interpolation "
            '"${" that is not closed before its string ends)'
        ) from None


def _lark_tree(hcl2: Any, text: str) -> Any:
    try:
        if hasattr(hcl2, "parses_to_tree"):  # python-hcl2 >= 8
            return hcl2.parses_to_tree(text)
        legacy = getattr(getattr(hcl2, "parser", None), "hcl2", None)
        if legacy is not None and hasattr(legacy, "lark_parser"):  # bc-python-hcl2 0.4.x
            return legacy.lark_parser.parse(text + "\n")
        return hcl2.parses(text + "\n")  # python-hcl2 5.x to 7.x return the Lark tree here
    except Exception as exc:  # lark raises many types; RecursionError on pathological nesting
        line = getattr(exc, "line", None)
        detail = str(exc).strip().splitlines()
        reason = detail[0] if detail else type(exc).__name__
        raise SyntaxProblem(f"not valid HCL ({reason})", line if isinstance(line, int) and line > 0 else 0) from exc


def _data(node: Any) -> str:
    return str(getattr(node, "data", ""))


def _children(node: Any) -> list[Any]:
    children = getattr(node, "children", None)
    return list(children) if isinstance(children, list) else []


def _kids(node: Any) -> list[Any]:
    """Sub-rules only: punctuation tokens and newlines/comments are noise here."""
    return [c for c in _children(node) if hasattr(c, "data") and _data(c) != "new_line_or_comment"]


def _top_body(tree: Any) -> Any:
    if _data(tree) == "body":
        return tree
    for kid in _kids(tree):
        if _data(kid) == "body":
            return kid
    return None


def _unquote(label: str) -> str:
    label = label.strip()
    if len(label) >= 2 and label[0] == '"' and label[-1] == '"':
        return label[1:-1]
    return label


_BINARY_PRECEDENCE = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, ">": 4, "<=": 4, ">=": 4, "+": 5, "-": 5}
_BINARY_PRECEDENCE.update({"*": 6, "/": 6, "%": 6})


class _HclReader:
    def __init__(self, text: str, file: str, base: Where | None = None) -> None:
        self.text = text
        self.file = file
        self.base = base  # inside a template: every position is the template's own

    def where(self, node: Any) -> Where:
        if self.base is not None:
            return self.base
        meta = getattr(node, "meta", None)
        source = meta if meta is not None else node
        line = getattr(source, "line", 0)
        column = getattr(source, "column", 0)
        return Where(line if isinstance(line, int) else 0, column if isinstance(column, int) else 0, self.file)

    def source(self, node: Any) -> str:
        meta = getattr(node, "meta", None)
        source = meta if meta is not None else node
        start = getattr(source, "start_pos", None)
        end = getattr(source, "end_pos", None)
        if not isinstance(start, int) or not isinstance(end, int):
            return ""
        return self.text[start:end]

    def body(self, node: Any) -> Body:
        body = Body()
        for child in _kids(node) if node is not None else ():
            kind = _data(child)
            if kind == "attribute":
                parts = _kids(child)
                if len(parts) >= 2:
                    name = _unquote(self.source(parts[0]))
                    body.add(Attr(name, self.expr(parts[-1], 0), self.where(child)))
            elif kind == "block":
                block = self.block(child)
                if block is not None:
                    body.blocks.append(block)
        return body

    def block(self, node: Any) -> Optional[Block]:
        words: list[str] = []
        for child in _children(node):
            if _data(child) == "body":
                if not words:
                    return None
                return Block(words[0], tuple(words[1:]), self.body(child), self.where(node))
            if _data(child) == "new_line_or_comment" or getattr(child, "type", "") in ("LBRACE", "RBRACE"):
                continue
            words.append(_unquote(self.source(child)))
        return Block(words[0], tuple(words[1:]), Body(), self.where(node)) if words else None

    def expr(self, node: Any, depth: int) -> Expr:
        at = self.where(node)
        if depth > MAX_DEPTH:
            return Unknown(at)
        kind = _data(node)
        if kind == "expr_term":
            kids = _kids(node)
            if len(kids) == 1:
                return self.expr(kids[0], depth + 1)
            tokens = [c for c in _children(node) if isinstance(c, str)]
            if not kids and len(tokens) == 1:  # a STRING_LIT token straight under expr_term
                return self.string(tokens[0], depth)
            return Unknown(at)
        if kind == "string" or getattr(node, "type", "") == "STRING_LIT":
            return self.string(node, depth)
        if kind in ("heredoc_template", "heredoc_template_trim"):
            return heredoc(self.source(node), at, depth, trim=kind.endswith("_trim"))
        if kind in ("int_lit", "float_lit"):
            return self.number(node, at)
        if kind in ("identifier", "literal_value"):
            word = self.source(node).strip()
            if word in ("true", "false"):
                return Lit(word == "true", at)
            if word == "null":
                return Lit(None, at)
            return Ref((word,), at, word)
        if kind in ("get_attr_expr_term", "index_expr_term"):
            return self.traversal(node, at, depth)
        if kind == "tuple":
            return Tuple(tuple(self.expr(k, depth + 1) for k in _kids(node)), at)
        if kind == "object":
            return self.object(node, at, depth)
        if kind == "conditional":
            parts = _kids(node)
            if len(parts) != 3:
                return Unknown(at)
            condition = self.expr(parts[0], depth + 1)
            text = " ".join(self.source(parts[0]).split())
            return Cond(condition, self.expr(parts[1], depth + 1), self.expr(parts[2], depth + 1), text, at)
        if kind == "binary_op":
            return self.binary(node, at, depth)
        if kind == "unary_op":
            return self.unary(node, at, depth)
        if kind == "function_call":
            parts = _kids(node)
            name = self.source(parts[0]).strip() if parts else ""
            args = [k for p in parts[1:] if _data(p) == "arguments" for k in _kids(p)]
            return Call(name, tuple(self.expr(a, depth + 1) for a in args), at)
        return Unknown(at)

    def number(self, node: Any, at: Where) -> Expr:
        return number(self.source(node).strip(), at)

    def string(self, node: Any, depth: int) -> Expr:
        at = self.where(node)
        source = self.source(node).strip() if not isinstance(node, str) or hasattr(node, "start_pos") else node
        if not source and isinstance(node, str):
            source = str(node)
        if len(source) < 2 or source[0] != '"' or source[-1] != '"':
            return Unknown(at)
        return template(source[1:-1], at, depth, escaped=True)

    def traversal(self, node: Any, at: Where, depth: int) -> Expr:
        path: list[Optional[str]] = []
        current = node
        for _ in range(MAX_DEPTH):
            kind = _data(current)
            kids = _kids(current)
            if kind == "get_attr_expr_term" and len(kids) == 2:
                names = _kids(kids[1])
                path.append(self.source(names[0]).strip() if names else None)
                current = kids[0]
            elif kind == "index_expr_term" and len(kids) == 2:
                index = _kids(kids[1])
                key = self.expr(index[0], depth + 1) if index else None
                path.append(str(key.value) if isinstance(key, Lit) and key.value is not None else None)
                current = kids[0]
            elif kind == "expr_term" and len(kids) == 1:
                current = kids[0]
            elif kind == "identifier":
                path.append(self.source(current).strip())
                break
            else:
                return Unknown(at)
        else:
            return Unknown(at)
        path.reverse()
        return Ref(tuple(path), at, " ".join(self.source(node).split()))

    def object(self, node: Any, at: Where, depth: int) -> Expr:
        items: list[tuple[str, Expr]] = []
        for element in _kids(node):
            parts = _kids(element)
            if _data(element) != "object_elem" or len(parts) < 2:
                continue
            key_node = parts[0]
            key = self.expr(key_node, depth + 1)
            if isinstance(key, Ref) and len(key.path) == 1 and key.path[0]:
                name: Optional[str] = key.path[0]  # a bare word is a literal key
            elif isinstance(key, Lit) and isinstance(key.value, str):
                name = key.value
            else:
                name = None
            if name is not None:
                items.append((name, self.expr(parts[-1], depth + 1)))
        return Obj(tuple(items), at)

    def binary(self, node: Any, at: Where, depth: int) -> Expr:
        """bc-python-hcl2 nests ``a op (b op (c ? x : y))`` to the right, whatever the precedence; HCL gives the
        conditional the lowest precedence and the operators their usual order. Flatten the chain, rebuild it
        with precedence, and hoist a trailing conditional over the whole chain."""
        operands: list[Any] = []
        operators: list[str] = []
        current = node
        for _ in range(MAX_DEPTH * 4):
            kids = _kids(current)
            if _data(current) != "binary_op" or len(kids) != 2 or _data(kids[1]) != "binary_term":
                operands.append(current)
                break
            operands.append(kids[0])
            term = _kids(kids[1])
            if len(term) != 2:
                return Unknown(at)
            operators.append(self.source(term[0]).strip())
            current = term[1]
        else:
            return Unknown(at)
        last = operands[-1]
        if _data(last) == "conditional":
            parts = _kids(last)
            if len(parts) != 3:
                return Unknown(at)
            operands[-1] = parts[0]
            condition = self._chain(operands, operators, at, depth)
            start = getattr(getattr(node, "meta", None), "start_pos", None)
            end = getattr(getattr(parts[0], "meta", None), "end_pos", None)
            if self.base is None and isinstance(start, int) and isinstance(end, int):
                text = " ".join(self.text[start:end].split())
            else:
                text = " ".join(self.source(node).split())
            return Cond(condition, self.expr(parts[1], depth + 1), self.expr(parts[2], depth + 1), text, at)
        return self._chain(operands, operators, at, depth)

    def _chain(self, operands: list[Any], operators: list[str], at: Where, depth: int) -> Expr:
        return binary_chain([self.expr(operand, depth + 1) for operand in operands], operators, at)

    def unary(self, node: Any, at: Where, depth: int) -> Expr:
        tokens = [c for c in _children(node) if isinstance(c, str)]
        kids = _kids(node)
        op = tokens[0].strip() if tokens else ""
        if not kids or op not in ("!", "-"):
            return Unknown(at)
        operand = self.expr(kids[-1], depth + 1)
        if op == "-" and isinstance(operand, Lit) and isinstance(operand.value, (int, float)):
            return Lit(-operand.value, at)
        return Unary(op, operand, at)


def heredoc(source: str, at: Where, depth: int, trim: bool) -> Expr:
    """``<<EOF`` ... ``EOF``: the lines between the markers, each with its newline; ``<<-`` strips the smallest
    indentation. No backslash escapes apply, templates do. Positioned on the first line of the content."""
    first = source.find("\n")
    if not source.startswith("<<") or first < 0:
        return Unknown(at)
    lines = source[first + 1 :].split("\n")[:-1]  # the last line is the closing marker
    if trim:
        indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
        cut = min(indents, default=0)
        lines = [line[cut:] for line in lines]
    content = "".join(line + "\n" for line in lines)
    return Heredoc(at, template(content, Where(at.line + 1, 1, at.file), depth, escaped=False))


def binary_chain(values: list[Expr], operators: list[str], at: Where) -> Expr:
    """``values[0] op values[1] op ...`` rebuilt with HCL's precedence (left-associative), every node at ``at``:
    the parsers nest a chain their own way (bc-python-hcl2 to the right), the model has one shape."""
    stack: list[Expr] = [values[0]]
    ops: list[str] = []

    def reduce() -> None:
        right = stack.pop()
        left = stack.pop()
        stack.append(Binary(ops.pop(), left, right, at))

    for op, value in zip(operators, values[1:]):
        while ops and _BINARY_PRECEDENCE.get(ops[-1], 0) >= _BINARY_PRECEDENCE.get(op, 0):
            reduce()
        ops.append(op)
        stack.append(value)
    while ops:
        reduce()
    return stack[0]


def number(text: str, at: Where) -> Expr:
    """A number literal's text as an int or a float, Unknown when it is neither (shared by both HCL readers)."""
    try:
        return Lit(int(text), at)
    except ValueError:
        pass
    try:
        return Lit(float(text), at)
    except ValueError:
        return Unknown(at)


# --- templates -----------------------------------------------------------------------------------------------


def template(inner: str, at: Where, depth: int = 0, escaped: bool = False) -> Expr:
    """A quoted string's content as Terraform reads it: a literal, one interpolation, or a template.

    ``escaped``: the content still holds HCL escapes (``\\n``, ``\\"``), as in a ``.tf`` file; a JSON string is
    already decoded. ``$${`` is a literal ``${``. A ``%{`` directive is only known at plan time.
    """
    if "${" not in inner and "%{" not in inner:
        return Lit(_decode(inner) if escaped else inner, at)
    if "%{" in inner.replace("%%{", ""):
        return Unknown(at)
    parts: list[Union[str, Expr]] = []
    literal: list[str] = []
    index = 0
    while index < len(inner):
        if inner.startswith("$${", index):
            literal.append("${")
            index += 3
            continue
        if inner.startswith("${", index):
            end = _closing_brace(inner, index + 2)
            if end < 0:
                return Unknown(at)
            if literal:
                parts.append(_decode("".join(literal)) if escaped else "".join(literal))
                literal = []
            parts.append(_interpolation(inner[index + 2 : end], at, depth))
            index = end + 1
            continue
        literal.append(inner[index])
        index += 1
    if literal:
        parts.append(_decode("".join(literal)) if escaped else "".join(literal))
    if len(parts) == 1 and not isinstance(parts[0], str):
        return parts[0]  # "${var.x}" is the value of var.x itself, whatever its type
    return Template(tuple(parts), at, inner)


def _closing_brace(text: str, start: int) -> int:
    level = 0
    quoted = False
    index = start
    while index < len(text):
        char = text[index]
        if quoted:
            if char == "\\":
                index += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            level += 1
        elif char == "}":
            if level == 0:
                return index
            level -= 1
        index += 1
    return -1


class Interpolation:
    """An interpolation's source text, parsed only when the evaluator reads its value.

    Templates are everywhere in Terraform (names, tags, policies), and almost none of them hold a runtime, so
    each is parsed on first use, once. A plain traversal (``var.runtime``, ``each.value.rt``) needs no parser.
    """

    __slots__ = ("_parsed", "at", "depth", "source")

    def __init__(self, source: str, at: Where, depth: int) -> None:
        self.source = source
        self.at = at
        self.depth = depth
        self._parsed: Optional[Expr] = None

    def expand(self) -> Expr:
        if self._parsed is None:
            self._parsed = _parse_interpolation(self.source, self.at, self.depth)
        return self._parsed


def expand(expr: Expr) -> Expr:
    """The expression itself, or what an interpolation holds."""
    return expr.expand() if isinstance(expr, Interpolation) else expr


def refs(expr: Any, depth: int = 0) -> Iterator[Ref]:
    """Every traversal inside an expression (templates, calls, operators, conditionals)."""
    if depth > 32 or expr is None:
        return
    expr = expand(expr)
    if isinstance(expr, Ref):
        yield expr
    elif isinstance(expr, Template):
        for part in expr.parts:
            if not isinstance(part, str):
                yield from refs(part, depth + 1)
    elif isinstance(expr, Call):
        for arg in expr.args:
            yield from refs(arg, depth + 1)
    elif isinstance(expr, Binary):
        yield from refs(expr.left, depth + 1)
        yield from refs(expr.right, depth + 1)
    elif isinstance(expr, Cond):
        yield from refs(expr.yes, depth + 1)
        yield from refs(expr.no, depth + 1)


def _interpolation(source: str, at: Where, depth: int) -> Expr:
    return Interpolation(source, at, depth)


def _parse_interpolation(source: str, at: Where, depth: int) -> Expr:
    source = source.strip().strip("~").strip()  # ${~ x ~} strips whitespace around it: same value
    if not source or depth > MAX_DEPTH:
        return Unknown(at)
    words = source.split(".")
    if all(word.replace("-", "_").isidentifier() for word in words):
        if len(words) == 1 and words[0] in ("true", "false", "null"):
            return Lit({"true": True, "false": False}.get(words[0]), at)
        return Ref(tuple(words), at, source)
    from . import hcl_treesitter

    text = f"x = {source}\n"
    parsed = hcl_treesitter.parse_body(text, at.file, base=at)
    if parsed is None:
        parsed = _lark_interpolation(text, at)
    expr = parsed.get("x") if parsed is not None else None
    return expr if expr is not None else Unknown(at)


def _lark_interpolation(text: str, at: Where) -> Optional[Body]:
    """``x = <interpolation>`` read by Lark, every position the template's own; None when it does not parse (or
    only tree-sitter-hcl is installed: then an interpolation it cannot read is unknown)."""
    reader = _HclReader(text, "", at)
    try:
        tree = _lark_parse(text)
    except (SyntaxProblem, ImportError):
        return None
    return reader.body(_top_body(tree))


def _decode(inner: str) -> str:
    if "\\" not in inner:
        return inner
    try:
        decoded = json.loads(f'"{inner}"')  # HCL's escapes are JSON's, plus \uNNNNNNNN which json rejects
    except ValueError:
        return inner
    return decoded if isinstance(decoded, str) else inner


# --- JSON ----------------------------------------------------------------------------------------------------

# Terraform JSON: which top-level keys hold blocks, and how many labels each has.
_JSON_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1, "locals": 0}
_JSON_LABELS.update({"terraform": 0, "moved": 0, "import": 0, "check": 1, "removed": 0})


def parse_json_body(text: str, file: str = "", tfvars: bool = False) -> Body:
    """Parse a ``.tf.json`` (or ``.tfvars.json``: every key an attribute) file; raises SyntaxProblem."""
    from ..loader import LoadError, load_text

    try:
        document = load_text(text, file or "x.json")
    except LoadError as exc:
        raise SyntaxProblem(f"not valid JSON ({exc})") from None
    if not isinstance(document, Mapping):
        raise SyntaxProblem("not a Terraform JSON file (the top level is not an object)")
    reader = _JsonReader(file)
    if tfvars:
        body = Body()
        for key, value in document.items():
            body.add(Attr(str(key), reader.expr(value, 0), reader.where(key)))
        return body
    return reader.top(document)


class _JsonReader:
    def __init__(self, file: str) -> None:
        self.file = file

    def where(self, node: object) -> Where:
        from ..loader import position

        line, column = position(node)
        return Where(line, column, self.file)

    def top(self, document: Mapping[Any, Any]) -> Body:
        body = Body()
        for key, value in document.items():
            kind = str(key)
            if kind == "//":
                continue
            labels = _JSON_LABELS.get(kind)
            if labels is None:
                continue
            for element in value if isinstance(value, list) else [value]:
                self._blocks(body, kind, (), element, labels, key)
        return body

    def _blocks(self, body: Body, kind: str, labels: tuple[str, ...], value: object, more: int, key: object) -> None:
        if more == 0:
            for element in value if isinstance(value, list) else [value]:
                if isinstance(element, Mapping):
                    body.blocks.append(Block(kind, labels, self.block_body(element), self.where(key)))
            return
        if not isinstance(value, Mapping):
            return
        for label, inner in value.items():
            for element in inner if isinstance(inner, list) else [inner]:
                self._blocks(body, kind, (*labels, str(label)), element, more - 1, label)

    def block_body(self, mapping: Mapping[Any, Any]) -> Body:
        body = Body()
        for key, value in mapping.items():
            if str(key) == "//":
                continue
            body.add(Attr(str(key), self.expr(value, 0), self.where(key)))
        return body

    def expr(self, node: object, depth: int) -> Expr:
        at = self.where(node)
        if depth > MAX_DEPTH:
            return Unknown(at)
        if isinstance(node, str):
            return template(str(node), at, depth)
        if node is None or isinstance(node, (bool, int, float)):
            return Lit(node, at)
        if isinstance(node, list):
            return Tuple(tuple(self.expr(item, depth + 1) for item in node), at)
        if isinstance(node, Mapping):
            return Obj(tuple((str(k), self.expr(v, depth + 1)) for k, v in node.items() if str(k) != "//"), at)
        return Unknown(at)
