"""HCL read with tree-sitter-hcl into ``hcl``'s model, node for node what the Lark reader makes of the same text.

Lark (bc-python-hcl2's grammar) is most of the time a Terraform check takes; tree-sitter parses the same file in a
small fraction of it and gives positions too. The model must not depend on which parser ran (a cached result, a
verdict's line and column, a ``via`` text), so this reader reproduces ``hcl._HclReader`` exactly: its positions
(1-based lines and character columns of the node Lark would report), its depth count (Lark wraps every term in an
``expr_term``, and ``MAX_DEPTH`` counts those), its operator chains (one chain per unparenthesised run of binary
operators, a trailing conditional hoisted over it) and its leaf decoding (``template``, ``heredoc``, ``_unquote``).
A tree with an ERROR or MISSING node is not read at all: the caller falls back to Lark, so a file that is not
HCL keeps Lark's message.
"""

from __future__ import annotations

import functools
import re
import weakref
from typing import Any, Optional

from .hcl import (
    MAX_DEPTH,
    Attr,
    Block,
    Body,
    Call,
    Cond,
    Expr,
    Lit,
    Obj,
    Ref,
    Tuple,
    Unary,
    Unknown,
    Where,
    _unquote,
    binary_chain,
    heredoc,
    number,
    template,
)

__all__ = ["available", "parse_body", "release"]

_POSTFIX = frozenset(("get_attr", "index", "splat"))
# What bc-python-hcl2's grammar reads as a number and as a name: tree-sitter-hcl also takes exponents and hex
# (``1.5e3``, ``0x10``) and non-ASCII names, which Lark refuses; such a file goes to Lark, which says so.
_LARK_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")
_LARK_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_-]*")

_ODD_NUMBER = re.compile(rb"[0-9][eExX]")  # a hint that a file may hold one: only then are its numbers checked

_PARENS = frozenset(("(", ")"))

# A top-level block with at most this many brackets is built lazily (each nesting level of blocks, objects,
# tuples, calls or parentheses needs one; the reader recurses a few frames per level, far below the limit).
_LAZY_BRACKETS = 100


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    """The tree-sitter parser, built on first use (no import-time work); ``None`` without the grammar."""
    try:
        import tree_sitter
        import tree_sitter_hcl
    except ImportError:
        return None
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))


# Readers whose syntax tree is alive, by file: ``release`` frees a file's tree once its scan is done (weakly held,
# so a reader whose folder left the cache goes with it).
_LIVE: weakref.WeakValueDictionary[str, _Reader] = weakref.WeakValueDictionary()


def release(file: str) -> None:
    """Free the syntax tree of a file whose own scan is done; what of it is still unbuilt is built from a new
    parse of its text, if anything ever reads it.

    A tree is about 55 times the size of its file (22 MB for the corpus's 394 KB of ``.tf`` files), and trees kept
    alive until the end of a run meant fresh memory for every parse: the page faults cost a fifth as much as
    the parses. Freed after each file, the next parse reuses the same memory. The folder's model stays cached:
    the next file of the folder, and a module call into it, read blocks already built."""
    reader = _LIVE.pop(file, None)
    if reader is not None:
        reader.release()


def available() -> bool:
    """Whether tree-sitter-hcl is installed (without it every file goes through Lark)."""
    return _parser() is not None


def parse_body(text: str, file: str = "", base: Optional[Where] = None) -> Optional[Body]:
    """The Body of an HCL file, or ``None`` when tree-sitter cannot give one the Lark reader would agree with:
    the grammar is missing, the text does not encode, or the tree holds an ERROR or MISSING node.

    ``base``: the text is an interpolation's (``x = <source>``) and every position is the template's own."""
    parser = _parser()
    if parser is None or _blanks_lark_refuses(text):
        return None
    try:
        source = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: only Lark reads them
        return None
    root = parser.parse(source).root_node
    if root.has_error:
        return None
    ascii_only = text.isascii()
    if not ascii_only and not all(_lark_name(node.text) for node in _captures(root, "identifier")):
        return None
    if _ODD_NUMBER.search(source) and not all(
        _LARK_NUMBER.fullmatch(node.text.decode("ascii", "replace")) for node in _captures(root, "numeric_lit")
    ):
        return None
    reader = _Reader(source, ascii_only, file, base)
    # tree-sitter attaches comments anywhere, Lark's tree has none
    reader.comments = b"#" in source or b"//" in source or b"/*" in source
    body = Body()
    for child in root.children:
        if child.type == "body":
            try:
                reader.body(child, body, lazy=True)
            except RecursionError:  # blocks nested thousands deep: Lark's reader decides, as it always did
                return None
        elif child.type != "comment":  # a top-level object (JSON-like): not Terraform, Lark says why
            return None
    if reader.nodes and file and base is None:
        _LIVE[file] = reader
    return body


def _blanks_lark_refuses(text: str) -> bool:
    """tree-sitter-hcl skips a leading byte-order mark (a second one: the reader drops the first), vertical tabs,
    form feeds and lone carriage returns as blanks, and reads ``"${}"``; Lark, like Terraform, refuses them, and
    says where."""
    return (
        text.startswith("\ufeff")
        or "\v" in text
        or "\f" in text
        or text.count("\r") != text.count("\r\n")
        or "${}" in text  # an empty interpolation: Lark's string pattern refuses it (in most places)
    )


def _lark_name(name: bytes) -> bool:
    """A name Lark's grammar reads (a provider function's ``provider::ns::name`` is three of them)."""
    return all(_LARK_NAME.fullmatch(part) for part in name.decode("utf-8", "replace").split("::"))


def _captures(root: Any, kind: str) -> list[Any]:
    """Every node of one kind in the tree, in one query (no walk in Python)."""
    import tree_sitter

    return tree_sitter.QueryCursor(_query(kind)).captures(root).get("node", [])


@functools.cache
def _query(kind: str) -> Any:
    import tree_sitter

    return tree_sitter.Query(_parser().language, f"({kind}) @node")


class _Reader:
    def __init__(self, source: bytes, ascii_only: bool, file: str, base: Optional[Where]) -> None:
        self.source = source
        self.ascii = ascii_only  # then a byte column is a character column
        self.file = file
        self.base = base
        self.comments = False  # whether the text may hold a comment (then ``kids`` leaves them out)
        self.places: dict[tuple[int, int], Where] = {}
        self.nodes: Optional[list[Any]] = []  # the lazy parts' nodes in the first tree, until ``release``
        self.ranges: dict[int, tuple[int, int]] = {}  # after ``release``: the byte ranges of those left unbuilt
        self.root: Any = None  # a second parse's root, after ``release``, when something unbuilt was read
        self.later = 0  # lazy parts made from that second parse

    def release(self) -> None:
        nodes, self.nodes, self.root = self.nodes, None, None
        for index, node in enumerate(nodes or ()):
            if node is not None:
                self.ranges[index] = (node.start_byte, node.end_byte)

    def lazy(self, node: Any, level: int) -> Any:
        """What builds a block's body (``level`` > 0) or an attribute's expression (0) when first read. It holds an
        index, not the node, so ``release`` frees the tree at once and no cycle keeps the reader alive."""
        nodes = self.nodes
        if nodes is None:  # built from a second parse: found again by its range if ever needed
            self.later += 1
            index = -self.later
            self.ranges[index] = (node.start_byte, node.end_byte)
        else:
            index = len(nodes)
            nodes.append(node)
        return functools.partial(self.fill, index, level)

    def fill(self, index: int, level: int) -> Any:
        nodes = self.nodes
        if nodes is not None and index >= 0:
            node, nodes[index] = nodes[index], None  # built once: the list lets go of the node
        else:
            node = self.find(*self.ranges.pop(index))
        if level == 0:
            return self.expression(self.value(node), 0)
        inner = next(child for child in node.children if child.type == "body")
        return self.body(inner, Body(), True, level)

    def find(self, start: int, end: int) -> Any:
        """The block or attribute spanning exactly these bytes, in a new parse of the text (after ``release``)."""
        if self.root is None:
            self.root = _parser().parse(self.source).root_node
            if self.file:
                _LIVE[self.file] = self  # the new tree is freed by the next release of this file, like the first
        node = self.root.descendant_for_byte_range(start, end)
        while node is not None and not (
            node.type in ("block", "attribute") and node.start_byte == start and node.end_byte == end
        ):
            node = node.parent
        if node is None:  # the same text parses to the same tree: this is a bug, not an input
            raise LookupError(f"no block or attribute at bytes {start}-{end} of {self.file}")
        return node

    def value(self, attribute: Any) -> Any:
        """An attribute's expression: its last child but comments (the name is the first)."""
        return next(part for part in reversed(attribute.children) if part.type != "comment")

    def kids(self, node: Any) -> list[Any]:
        """Children without comments."""
        children = node.children
        if self.comments:  # cheaper than finding every comment of a file in advance: most of it is never built
            return [c for c in children if c.type != "comment"]
        return children

    def where(self, node: Any) -> Where:
        if self.base is not None:
            return self.base
        point = node.start_point
        place = self.places.get(point)
        if place is None:
            row, column = point
            if column and not self.ascii:
                start = node.start_byte
                column = len(self.source[start - column : start].decode("utf-8", "replace"))
            place = self.places[point] = Where(row + 1, column + 1, self.file)
        return place

    def text(self, first: Any, last: Any = None) -> str:
        end = (last if last is not None else first).end_byte
        return self.source[first.start_byte : end].decode("utf-8", "replace")

    # --- structure ---------------------------------------------------------------------------------------------

    def body(self, node: Any, body: Body, lazy: bool = False, level: int = 0) -> Body:
        """``lazy``: a block's body, and an attribute's expression inside a block, are built when something reads
        them. Most of a Terraform file is resources no rule reads (the evaluator filters on the labels first) and
        arguments no rule reads (a variable's ``type`` and ``description``, a function's ``environment``), and
        turning those trees into the model cost as much as parsing the whole file. A top-level block that may
        nest deeply is built at once, inside the caller's guard against RecursionError; what is inside a shallow
        one is shallow too. Top-level attributes (a ``.tfvars`` file's) are built at once: all of them are read."""
        for child in node.children:
            kind = child.type
            if kind == "attribute":
                name, at = _unquote(self.text(child.child(0))), self.where(child)  # nothing precedes the name
                if lazy and level:
                    body.add(Attr(name, None, at, self.lazy(child, 0)))
                else:
                    body.add(Attr(name, self.expression(self.value(child), 0), at))
            elif kind == "block":
                body.blocks.append(self.block(child, lazy and (level > 0 or self.shallow(child)), level + 1))
        return body

    def shallow(self, node: Any) -> bool:
        """Whether building the node's model is sure to stay far from Python's recursion limit: a nesting level
        needs a bracket, so few brackets in its text mean little depth."""
        start, end = node.start_byte, node.end_byte
        count = self.source.count
        return count(b"{", start, end) + count(b"[", start, end) + count(b"(", start, end) <= _LAZY_BRACKETS

    def block(self, node: Any, lazy: bool = False, level: int = 1) -> Block:
        words: list[str] = []
        inner_node = None
        source = self.source
        for child in node.children:
            kind = child.type
            if kind == "identifier":
                words.append(source[child.start_byte : child.end_byte].decode("utf-8", "replace"))
            elif kind == "string_lit":
                words.append(_unquote(self.text(child)))
            elif kind == "body":
                inner_node = child
        if inner_node is None:
            return Block(words[0], tuple(words[1:]), Body(), self.where(node))
        if lazy:
            return Block(words[0], tuple(words[1:]), None, self.where(node), self.lazy(node, level))
        return Block(words[0], tuple(words[1:]), self.body(inner_node, Body(), False, level), self.where(node))

    # --- expressions (each method names the Lark rule it stands for, at that rule's depth) --------------------

    def expression(self, node: Any, depth: int) -> Expr:
        """A tree-sitter ``expression``: Lark's inlined ``?expression`` (an expr_term, an operation or a
        conditional)."""
        kids = self.kids(node)
        if len(kids) == 1:
            kind = kids[0].type
            if kind == "conditional":
                return self.conditional(kids[0], depth)
            if kind == "operation":
                return self.operation(kids[0], depth)
        return self.term(kids, depth)

    def operand(self, kids: list[Any], depth: int) -> Expr:
        """An operand of a binary operator: an expr_term, or a unary_op Lark does not wrap."""
        if len(kids) == 1 and kids[0].type == "operation":
            return self.operation(kids[0], depth)
        return self.term(kids, depth)

    def operation(self, node: Any, depth: int) -> Expr:
        inner = self.kids(node)[0]
        if inner.type == "binary_operation":
            operands, operators = self.flatten(inner)
            return self.binary(operands, operators, self.where(inner), depth)
        return self.unary(inner, depth)

    def term(self, kids: list[Any], depth: int) -> Expr:
        """Lark's ``expr_term`` (the children of tree-sitter's hidden ``_expr_term``)."""
        at = self.where(kids[0])
        if depth > MAX_DEPTH:
            return Unknown(at)
        if kids[-1].type in _POSTFIX:
            return self.traversal(kids, at, depth + 1)
        node = kids[0]
        kind = node.type
        if kind == "(":  # parentheses: Lark keeps an expr_term around the inner expression
            return self.expression(kids[1], depth + 1)
        depth += 1  # the rule under expr_term, at its own depth (a string excepted: a token, not a rule)
        if kind == "literal_value":
            leaf = self.kids(node)[0]
            if leaf.type == "string_lit":
                return self.string(leaf, depth - 1)
            if depth > MAX_DEPTH:
                return Unknown(at)
            if leaf.type == "numeric_lit":
                return self.number(leaf, at)
            if leaf.type == "bool_lit":
                return Lit(self.text(leaf).strip() == "true", at)
            return Lit(None, at)
        if kind == "template_expr":
            leaf = self.kids(node)[0]
            if leaf.type == "quoted_template":
                return self.string(leaf, depth - 1)
            if depth > MAX_DEPTH:
                return Unknown(at)
            start = self.kids(leaf)[0]
            return heredoc(self.text(leaf), at, depth, trim=self.text(start).strip() == "<<-")
        if depth > MAX_DEPTH:
            return Unknown(at)
        if kind == "variable_expr":
            word = self.text(node).strip()
            return Ref((word,), at, word)
        if kind == "collection_value":
            collection = self.kids(node)[0]
            if collection.type == "tuple":
                items = [k for k in collection.children if k.type == "expression"]
                return Tuple(tuple(self.expression(k, depth + 1) for k in items), at)
            return self.object(collection, at, depth)
        if kind == "function_call":
            return self.call(node, at, depth)
        return Unknown(at)  # for expressions

    def number(self, node: Any, at: Where) -> Expr:
        return number(self.text(node).strip(), at)

    def string(self, node: Any, depth: int) -> Expr:
        at = self.where(node)
        source = self.text(node).strip()
        if len(source) < 2 or source[0] != '"' or source[-1] != '"':
            return Unknown(at)
        return template(source[1:-1], at, depth, escaped=True)

    def call(self, node: Any, at: Where, depth: int) -> Expr:
        kids = self.kids(node)
        name = self.text(kids[0]).strip()
        if "::" in name:  # a provider function: Lark's provider_function_call, unknown
            return Unknown(at)
        args = [a for k in kids if k.type == "function_arguments" for a in k.children if a.type == "expression"]
        return Call(name, tuple(self.expression(a, depth + 1) for a in args), at)

    def object(self, node: Any, at: Where, depth: int) -> Expr:
        items: list[tuple[str, Expr]] = []
        for element in node.children:
            if element.type != "object_elem":
                continue
            key_node = element.child_by_field_name("key")
            value_node = element.child_by_field_name("val")
            if key_node is None or value_node is None:
                continue
            key = self.key(key_node, depth + 1)
            if isinstance(key, Ref) and len(key.path) == 1 and key.path[0]:
                name: Optional[str] = key.path[0]  # a bare word is a literal key
            elif isinstance(key, Lit) and isinstance(key.value, str):
                name = key.value
            else:
                name = None
            if name is not None:
                items.append((name, self.expression(value_node, depth + 1)))
        return Obj(tuple(items), at)

    def key(self, node: Any, depth: int) -> Expr:
        """An object key: Lark reads a bare word as an ``identifier``, not wrapped in an expr_term."""
        kids = self.kids(node)
        if len(kids) == 1 and kids[0].type == "variable_expr":
            at = self.where(kids[0])
            if depth > MAX_DEPTH:
                return Unknown(at)
            word = self.text(kids[0]).strip()
            return Ref((word,), at, word)
        return self.expression(node, depth)

    def traversal(self, kids: list[Any], at: Where, depth: int) -> Expr:
        """Lark's get_attr/index_expr_term walk: a Ref when the root is a name, Unknown past ``MAX_DEPTH`` steps of
        that walk (one per attribute or index, one per expr_term under it, one per parenthesis, one for the name)."""
        if depth > MAX_DEPTH:
            return Unknown(at)
        path: list[Optional[str]] = []
        steps = 0
        current = kids
        postfix = True  # where the walk stands: Lark's get_attr/index node, or the expr_term under it
        while True:
            steps += 1
            if postfix:
                step = current[-1]
                if step.type == "splat":
                    return Unknown(at)
                path.append(self.step(step, depth))
                current = current[:-1]
                postfix = False
            elif current[-1].type in _POSTFIX:
                postfix = True
            elif current[0].type == "(":
                inner = self.kids(current[1])
                if len(inner) == 1 and inner[0].type in ("operation", "conditional"):
                    return Unknown(at)
                current = inner
            elif len(current) == 1 and current[0].type == "variable_expr":
                steps += 1
                path.append(self.text(current[0]).strip())
                break
            else:
                return Unknown(at)
        if steps > MAX_DEPTH:
            return Unknown(at)
        path.reverse()
        return Ref(tuple(path), at, " ".join(self.text(kids[0], kids[-1]).split()))

    def step(self, node: Any, depth: int) -> Optional[str]:
        inner = self.kids(node)
        if node.type == "get_attr":
            names = [k for k in inner if k.type == "identifier"]
            return self.text(names[0]).strip() if names else None
        index = self.kids(inner[0]) if inner else []
        keys = [k for k in index if k.type == "expression"]
        if not keys:  # the legacy ``.0`` form: Lark keeps no key for it
            return None
        key = self.expression(keys[0], depth + 1)
        return str(key.value) if isinstance(key, Lit) and key.value is not None else None

    def flatten(self, node: Any) -> tuple[list[list[Any]], list[str]]:
        """One unparenthesised run of binary operators, however tree-sitter nested it: operands and operators in
        source order (Lark reads such a run as one right-nested chain, which ``binary_chain`` rebuilds)."""
        operands: list[list[Any]] = []
        operators: list[str] = []
        pending: list[Any] = [node]  # a stack: a node's right side, its operator, then its left side on top
        while pending:
            current = pending.pop()
            if isinstance(current, str):
                operators.append(current)
            elif isinstance(current, list):
                operands.append(current)
            else:
                kids = self.kids(current)
                split = next(i for i, k in enumerate(kids) if not k.is_named and k.type not in _PARENS)
                pending.append(self._sub(kids[split + 1 :]))
                pending.append(self.text(kids[split]).strip())
                pending.append(self._sub(kids[:split]))
        return operands, operators

    def _sub(self, kids: list[Any]) -> Any:
        if len(kids) == 1 and kids[0].type == "operation":
            inner = self.kids(kids[0])[0]
            if inner.type == "binary_operation":
                return inner
        return kids

    def binary(self, operands: list[list[Any]], operators: list[str], at: Where, depth: int) -> Expr:
        if depth > MAX_DEPTH or len(operators) >= MAX_DEPTH * 4:
            return Unknown(at)
        return binary_chain([self.operand(o, depth + 1) for o in operands], operators, at)

    def unary(self, node: Any, depth: int) -> Expr:
        at = self.where(node)
        if depth > MAX_DEPTH:
            return Unknown(at)
        kids = self.kids(node)
        op = self.text(kids[0]).strip()
        operand = self.operand(kids[1:], depth + 1)
        if op == "-" and isinstance(operand, Lit) and isinstance(operand.value, (int, float)):
            return Lit(-operand.value, at)
        return Unary(op, operand, at)

    def conditional(self, node: Any, depth: int) -> Expr:
        """tree-sitter-hcl nests ``a ? b : c ? d : e`` to the left, HCL (and Lark) to the right: unroll the left
        spine into its tests and branches and rebuild it the HCL way."""
        levels: list[list[Any]] = []  # (test, yes, no) expression nodes, outermost first
        current = node
        while True:
            test, yes, no = (k for k in current.children if k.type == "expression")
            levels.append([test, yes, no])
            inner = self.kids(test)
            if len(inner) != 1 or inner[0].type != "conditional":
                break
            current = inner[0]
        levels.reverse()
        tests = [levels[0][0]] + [level[2] for level in levels[:-1]]
        return self.choice(tests, [level[1] for level in levels], levels[-1][2], depth)

    def choice(self, tests: list[Any], yeses: list[Any], last: Any, depth: int) -> Expr:
        """``tests[0] ? yeses[0] : (tests[1] ? yeses[1] : ... last)``, each conditional at its test's start."""
        test = tests[0]
        at = self.where(test)
        if depth > MAX_DEPTH:
            return Unknown(at)
        text = " ".join(self.text(test).split())
        inner = self.kids(test)
        if len(inner) == 1 and inner[0].type == "operation" and self.kids(inner[0])[0].type == "binary_operation":
            if self.base is not None:  # Lark's reader then takes the whole binary_op, the branches included
                text = " ".join(self.text(test, last).split())
            # Lark nests ``a op b ? x : y`` as a binary_op whose last operand is the conditional, one level less
            operands, operators = self.flatten(self.kids(inner[0])[0])
            if len(operators) >= MAX_DEPTH * 4:
                return Unknown(at)
            condition = binary_chain([self.operand(o, depth + 1) for o in operands], operators, at)
        else:
            condition = self.expression(test, depth + 1)
        yes = self.expression(yeses[0], depth + 1)
        rest = tests[1:]
        no = self.choice(rest, yeses[1:], last, depth + 1) if rest else self.expression(last, depth + 1)
        return Cond(condition, yes, no, text, at)
