"""HCL text -> a small, plain-data syntax tree that keeps line numbers.

python-hcl2 8.x parses with a Lark LALR grammar, then transforms and serialises the tree to a
dict without line numbers (its `with_meta` is not implemented). We take Lark's raw parse tree
of python-hcl2's grammar (grammar.py), whose tokens carry their positions, and convert it once
into tuples: cheaper than python-hcl2's own transform, and it keeps expressions as trees the
evaluator can walk instead of strings to re-parse.

Shapes (plain tuples, lists and dicts, so the result can be cached as-is):

    Body  = {"attrs": {name: Attr}, "blocks": [Block, ...]}
    Attr  = (expr, line, source_text)
    Block = (block_type, (label, ...), Body, line, end_line)

Expressions are tuples whose first item names the node:

    ("lit", value)                       string, number, bool or null
    ("tpl", (part, ...))                 string template; parts are expressions
    ("var", name)                        a root name: var, local, aws_s3_bucket, each, ...
    ("attr", expr, name)                 expr.name
    ("idx", expr, key_expr)              expr[key]
    ("splat", expr, (op, ...))           expr[*].a / expr.*.a; ops are ("attr", name) | ("idx", key)
    ("call", name, (arg, ...), expand)   f(a, b...) ; expand = last argument ends with ...
    ("cond", test, then, else)
    ("bin", op, left, right)
    ("un", op, expr)
    ("tuple", (expr, ...))
    ("obj", ((key_expr, value_expr), ...))
    ("for", key_var, value_var, collection, key_expr, value_expr, cond, group)
                                         key_expr is None for a [for ...] tuple
    ("unknown", reason)                  something we do not evaluate (template directives)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, TypeGuard

if TYPE_CHECKING:
    from lark import Token, Tree

# lark is imported only when a file has to be parsed (a scan served from the parse cache
# never loads it). In a Lark tree every leaf is a Token, a subclass of str, and every inner
# node a Tree: so `_is_token` checks for str, without importing lark.

Expr = tuple[Any, ...]
Body = dict[str, Any]

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))", re.S)


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text

    def repl(m: re.Match[str]) -> str:
        if m.group(1) or m.group(2):
            return chr(int(m.group(1) or m.group(2), 16))
        ch = m.group(3)
        return _ESCAPES.get(ch, "\\" + ch)

    return _ESCAPE_RE.sub(repl, text)


class HclSyntaxError(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


_HEREDOC_START = re.compile(r"<<-?([A-Za-z][A-Za-z0-9._-]*)\r?\n")
_LEADING_DOT = re.compile(r"[ \t]*\.[A-Za-z_]")


def accepted_variants(text: str) -> str:
    """Rewrite two constructs Terraform accepts and python-hcl2's grammar does not, keeping
    every later line where it was: a heredoc closing marker followed by spaces (`EOF  `), and
    attribute access continued on the next line (`(var.a\n  .b)`, Google's fabric style)."""

    fixed = text
    for marker in {m.group(1) for m in _HEREDOC_START.finditer(text)}:
        fixed = re.sub(
            rf"^([ \t]*{re.escape(marker)})[ \t]+(\r?)$", r"\1\2", fixed, flags=re.MULTILINE
        )
    # "x\n  .b\n  .c\n" -> "x.b.c\n\n\n": continuation lines join the line they continue
    # and leave blank lines behind, so later lines keep their numbers.
    lines = fixed.split("\n")
    target = -1
    for i, line in enumerate(lines):
        if target >= 0 and _LEADING_DOT.match(line):
            lines[target] = lines[target].rstrip("\r") + line.strip()
            lines[i] = ""
        elif line.strip():
            target = i
    return "\n".join(lines)


def heredoc_interpolations(text: str) -> Expr:
    """A heredoc's `${...}` interpolations as a template: each one's expression parsed on
    its own (the braces matched, quoted strings skipped); unknown when one does not parse."""
    parts: list[Expr] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith("$${", i):
            literal.append("${")
            i += 3
            continue
        if not text.startswith("${", i):
            literal.append(text[i])
            i += 1
            continue
        end = _closing_brace(text, i + 2)
        if end is None:
            return ("unknown", "a heredoc template whose interpolation is not closed")
        inner = text[i + 2 : end].strip().strip("~").strip()
        try:
            parsed = parse(f"v = {inner}\n")["attrs"]["v"][0]
        except (HclSyntaxError, KeyError):
            return ("unknown", "a heredoc template with an interpolation that does not parse")
        if literal:
            parts.append(("lit", "".join(literal)))
            literal = []
        parts.append(parsed)
        i = end + 1
    if literal:
        parts.append(("lit", "".join(literal)))
    return ("tpl", tuple(parts))


def _closing_brace(text: str, start: int) -> int | None:
    depth = 0
    quoted = False
    i = start
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == "\\":
                i += 1
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return None


def parse(text: str, *, fast: bool = False) -> Body:
    """Parse HCL source into a Body. Raises HclSyntaxError with the line of the problem.

    `fast` uses the parser without position propagation (see grammar.py): same result,
    worth it when many kilobytes are parsed in one process."""
    try:
        return _parse(text, fast=fast)
    except HclSyntaxError:
        variant = accepted_variants(text)
        if variant == text:
            raise
        try:
            return _parse(variant, fast=fast)
        except HclSyntaxError:  # _parse turns every lark error into one
            pass
        raise


def _parse(text: str, *, fast: bool) -> Body:
    # lark and python-hcl2 load with the grammar, the first time something is parsed (an
    # exception of tests/test_imports.py): a scan served from the parse cache never needs them.
    from hdslint.sources.terraform.grammar import (
        LarkError,
        UnexpectedCharacters,
        UnexpectedInput,
        parse_tree,
    )

    try:
        tree = parse_tree(text, fast=fast)
    except UnexpectedCharacters as exc:
        raise HclSyntaxError(
            f"unexpected character {_show(text, exc.pos_in_stream)}", exc.line
        ) from None
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        if token is not None and getattr(token, "type", "") == "$END":
            raise HclSyntaxError("unexpected end of file", _last_line(text)) from None
        text_of_token = str(token).strip() if token is not None else ""
        shown = excerpt(text_of_token) if text_of_token else "newline"
        raise HclSyntaxError(f"unexpected {shown}", getattr(exc, "line", None)) from None
    except LarkError as exc:
        raise HclSyntaxError(_short(str(exc)), None) from None
    except RecursionError:
        raise HclSyntaxError("nesting too deep", None) from None
    converter = _Converter(text)
    try:
        body = converter.body(tree.children[0])
    except RecursionError:
        raise HclSyntaxError("nesting too deep", None) from None
    except RuntimeError as exc:  # python-hcl2 / our converter on malformed structure
        raise HclSyntaxError(_short(str(exc)), None) from None
    if converter.problems:
        body[PROBLEMS] = sorted(converter.problems)
    return body


# A file's Body may carry, under this key (top level only, absent when there is none), what
# Terraform refuses in a body that parses: an argument set twice, or an argument and blocks
# of one name. The body keeps one meaning (the first argument; the blocks, not the argument),
# so that every reader of a Body finds each name once, as an argument or as blocks; the
# loader reports each problem as an input error with the file and line.
PROBLEMS = "problems"


def problems_of(body: Body) -> list[tuple[int, str]]:
    """What Terraform would refuse in a parsed file (see PROBLEMS): (line, message)."""
    return list(body.get(PROBLEMS, ()))


def duplicate_argument(name: str, first_line: int) -> str:
    return (
        f'Duplicate argument: "{name}" was already set at line {first_line}; each argument'
        " may be set only once (hdslint reads the first)"
    )


def argument_and_block(name: str, block_line: int) -> str:
    return (
        f'Unsupported argument: "{name}" is also given as a block at line {block_line};'
        " Terraform accepts an argument or blocks of one name, never both (hdslint reads"
        " the block and ignores the argument)"
    )


# Error messages quote the input, and the input may hold secrets (a `.tfvars` full of
# passwords, or worse, a file that is not Terraform at all): a quote is a short excerpt of
# one token, never a line or a whole file.
EXCERPT_CHARS = 16
MESSAGE_CHARS = 120


def excerpt(text: str) -> str:
    """`text` quoted, cut to EXCERPT_CHARS characters of its first line."""
    first = text.split("\n", 1)[0]
    if len(first) <= EXCERPT_CHARS and first == text:
        return repr(first)
    return repr(first[:EXCERPT_CHARS]) + "…"


def _short(message: str) -> str:
    first = message.splitlines()[0] if message else message
    return first if len(first) <= MESSAGE_CHARS else first[:MESSAGE_CHARS] + "…"


def _show(text: str, pos: int | None) -> str:
    if pos is None or pos >= len(text):
        return "at end of file"
    return repr(text[pos])


def _last_line(text: str) -> int:
    return text.count("\n") + 1


def _is_token(node: object) -> TypeGuard[Token]:
    return isinstance(node, str)


def _edge_token(node: Any, *, last: bool) -> Token | None:
    """The first (or last) token under `node`: positions come from tokens, which always
    carry them, so the tree need not propagate them to every rule (see grammar.py)."""
    if _is_token(node):
        return node
    for child in reversed(node.children) if last else node.children:
        token = _edge_token(child, last=last)
        if token is not None:
            return token
    return None


def _line(tree: Tree[Any]) -> int:
    token = _edge_token(tree, last=False)
    return token.line if token is not None and token.line is not None else 0


def _end_line(tree: Tree[Any]) -> int:
    token = _edge_token(tree, last=True)
    return token.end_line if token is not None and token.end_line is not None else 0


def _significant(children: list[Any]) -> list[Any]:
    """Children that carry meaning: no newlines/comments, no punctuation tokens."""
    out = []
    for child in children:
        if not _is_token(child):
            if child.data != "new_line_or_comment":
                out.append(child)
        elif child.type in _KEPT_TOKENS:
            out.append(child)
    return out


_KEPT_TOKENS = frozenset(
    {
        "NAME",
        "INT_LITERAL",
        "FLOAT_LITERAL",
        "STRING_CHARS",
        "ESCAPED_INTERPOLATION",
        "ESCAPED_DIRECTIVE",
        "TRUE",
        "FALSE",
        "NULL",
        "IN",
        "FOR",
        "IF",
        "FOR_EACH",
        "ELSE",
        "ENDIF",
        "ENDFOR",
        "ELLIPSIS",
        "HEREDOC_TEMPLATE",
        "HEREDOC_TEMPLATE_TRIM",
        "TEMPLATE_STRING",
    }
)

_LITERALS = {"true": True, "false": False, "null": None}


class _Converter:
    def __init__(self, text: str) -> None:
        self.text = text
        # (line, message): what Terraform refuses in a body that still parses (see PROBLEMS).
        self.problems: list[tuple[int, str]] = []

    # -- structure ------------------------------------------------------------------------

    def body(self, tree: Tree[Any]) -> Body:
        attrs: dict[str, Any] = {}
        blocks: list[Any] = []
        for child in tree.children:
            if _is_token(child):
                continue
            if child.data == "attribute":
                name = self.name(child.children[0])
                line = _line(child)
                if name in attrs:
                    self.problems.append((line, duplicate_argument(name, attrs[name][1])))
                    continue
                expr_tree = child.children[-1]
                attrs[name] = (self.expr(expr_tree), line, self.source(expr_tree))
            elif child.data == "block":
                blocks.append(self.block(child))
        for block_type, labels, _inner, line, _end in blocks:
            name = labels[0] if block_type == "dynamic" and labels else block_type
            if name in attrs:
                self.problems.append((attrs[name][1], argument_and_block(name, line)))
                del attrs[name]
        return {"attrs": attrs, "blocks": blocks}

    def block(self, tree: Tree[Any]) -> tuple[Any, ...]:
        names: list[str] = []
        body: Body = {"attrs": {}, "blocks": []}
        for child in tree.children:
            if not _is_token(child):
                if child.data == "body":
                    body = self.body(child)
                elif child.data == "string":
                    names.append(self.plain_string(child))
                elif child.data != "new_line_or_comment":
                    names.append(self.name(child))
        return (names[0], tuple(names[1:]), body, _line(tree), _end_line(tree))

    def name(self, node: Any) -> str:
        if _is_token(node):
            return str(node)
        return str(node.children[0])

    def plain_string(self, tree: Tree[Any]) -> str:
        parts = []
        for child in tree.children:
            if not _is_token(child) and child.data == "string_part":
                parts.append(_unescape(str(child.children[0])))
        return "".join(parts)

    def source(self, tree: Any) -> str:
        first, last = _edge_token(tree, last=False), _edge_token(tree, last=True)
        if first is None or last is None:
            return ""
        return self.text[first.start_pos : last.end_pos].strip()

    # -- expressions ----------------------------------------------------------------------

    def expr(self, node: Any) -> Expr:
        if _is_token(node):
            return self.token(node)
        method = getattr(self, "x_" + str(node.data), None)
        if method is None:
            return ("unknown", f"unsupported syntax {node.data}")
        result: Expr = method(node)
        return result

    def token(self, tok: Token) -> Expr:
        kind = tok.type
        if kind == "NAME":
            return ("var", str(tok))
        if kind in ("TRUE", "FALSE", "NULL"):
            return ("lit", _LITERALS[str(tok)])
        if kind == "INT_LITERAL":
            return ("lit", int(tok))
        if kind == "FLOAT_LITERAL":
            return ("lit", float(tok))
        return ("unknown", f"unexpected token {excerpt(str(tok))}")

    def x_expr_term(self, tree: Tree[Any]) -> Expr:
        kids = _significant(tree.children)
        return self.expr(kids[0])

    def x_identifier(self, tree: Tree[Any]) -> Expr:
        return ("var", str(tree.children[0]))

    def x_keyword(self, tree: Tree[Any]) -> Expr:
        return ("var", str(tree.children[0]))

    def x_literal_value(self, tree: Tree[Any]) -> Expr:
        return ("lit", _LITERALS[str(tree.children[0])])

    def x_int_lit(self, tree: Tree[Any]) -> Expr:
        return ("lit", int(str(tree.children[0])))

    def x_float_lit(self, tree: Tree[Any]) -> Expr:
        return ("lit", float(str(tree.children[0])))

    def x_string(self, tree: Tree[Any]) -> Expr:
        parts: list[Expr] = []
        for child in tree.children:
            if _is_token(child):
                continue
            part = child.children[0]
            if _is_token(part):
                if part.type == "STRING_CHARS":
                    parts.append(("lit", _unescape(str(part))))
                elif part.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                    parts.append(("lit", str(part)[1:]))
            elif part.data == "interpolation":
                parts.append(self.expr(_significant(part.children)[0]))
            else:
                return ("unknown", "a string template with %{ } directives")
        if not parts:
            return ("lit", "")
        if len(parts) == 1 and parts[0][0] == "lit":
            return parts[0]
        if all(p[0] == "lit" and isinstance(p[1], str) for p in parts):
            return ("lit", "".join(p[1] for p in parts))
        return ("tpl", tuple(parts))

    def x_template_string(self, tree: Tree[Any]) -> Expr:
        raw = str(tree.children[0])
        return ("lit", _unescape(raw[2:-2]))

    def x_heredoc_template(self, tree: Tree[Any]) -> Expr:
        return self._heredoc(str(tree.children[0]), trim=False)

    def x_heredoc_template_trim(self, tree: Tree[Any]) -> Expr:
        return self._heredoc(str(tree.children[0]), trim=True)

    def _heredoc(self, raw: str, *, trim: bool) -> Expr:
        lines = raw.split("\n")
        body = lines[1:-2]  # drop "<<EOF" and the closing marker (+ trailing newline)
        if trim:
            indents = [len(line) - len(line.lstrip()) for line in body if line.strip()]
            cut = min(indents) if indents else 0
            body = [line[cut:] for line in body]
        text = "\n".join(body) + ("\n" if body else "")
        if "%{" in text.replace("%%{", ""):
            return ("unknown", "a heredoc template with directives")
        if "${" in text.replace("$${", ""):
            return heredoc_interpolations(text)
        return ("lit", text.replace("$${", "${").replace("%%{", "%{"))

    def x_tuple(self, tree: Tree[Any]) -> Expr:
        return ("tuple", tuple(self.expr(c) for c in _significant(tree.children)))

    def x_object(self, tree: Tree[Any]) -> Expr:
        items = []
        for elem in _significant(tree.children):
            key_tree, value_tree = [c for c in elem.children if not _is_token(c)]
            items.append((self.object_key(key_tree), self.expr(value_tree)))
        return ("obj", tuple(items))

    def object_key(self, tree: Tree[Any]) -> Expr:
        inner = tree.children[0]
        if not _is_token(inner) and inner.data == "keyword":
            return ("lit", str(inner.children[0]))
        if not _is_token(inner) and inner.data == "expr_term":
            kids = _significant(inner.children)
            if len(kids) == 1 and not _is_token(kids[0]) and kids[0].data == "identifier":
                # A bare identifier as an object key is a literal string in HCL.
                return ("lit", str(kids[0].children[0]))
        return self.expr(inner)

    def x_function_call(self, tree: Tree[Any]) -> Expr:
        names: list[str] = []
        args: tuple[Expr, ...] = ()
        expand = False
        for child in tree.children:
            if not _is_token(child):
                if child.data == "identifier":
                    names.append(str(child.children[0]))
                elif child.data == "arguments":
                    kids = _significant(child.children)
                    expand = bool(kids) and _is_token(kids[-1]) and kids[-1].type == ("ELLIPSIS")
                    args = tuple(self.expr(k) for k in kids if not _is_token(k))
        return ("call", "::".join(names), args, expand)

    def x_index_expr_term(self, tree: Tree[Any]) -> Expr:
        target, index = tree.children
        return ("idx", self.expr(target), self.index_key(index))

    def index_key(self, index: Tree[Any]) -> Expr:
        if index.data == "short_index":
            return ("lit", int(str(index.children[-1])))
        return self.expr(_significant(index.children)[0])

    def x_get_attr_expr_term(self, tree: Tree[Any]) -> Expr:
        target, get_attr = tree.children
        return ("attr", self.expr(target), self.attr_name(get_attr))

    def attr_name(self, get_attr: Tree[Any]) -> str:
        node = get_attr.children[-1]
        return str(node.children[0]) if not _is_token(node) else str(node)

    def _splat(self, tree: Tree[Any]) -> Expr:
        target, splat = tree.children
        ops: list[tuple[str, Any]] = []
        for op in splat.children:
            if _is_token(op):
                continue
            if op.data == "get_attr":
                ops.append(("attr", self.attr_name(op)))
            else:
                ops.append(("idx", self.index_key(op)))
        return ("splat", self.expr(target), tuple(ops))

    x_attr_splat_expr_term = _splat
    x_full_splat_expr_term = _splat

    def x_conditional(self, tree: Tree[Any]) -> Expr:
        test, then, other = [c for c in tree.children if not _is_token(c) and _is_expr(c)]
        return ("cond", self.expr(test), self.expr(then), self.expr(other))

    def x_binary_op(self, tree: Tree[Any]) -> Expr:
        left, term = [
            c for c in tree.children if not _is_token(c) and c.data != ("new_line_or_comment")
        ]
        op_tree, right = [
            c for c in term.children if not _is_token(c) and c.data != ("new_line_or_comment")
        ]
        op = str(op_tree.children[0]).strip()
        return ("bin", op, self.expr(left), self.expr(right))

    def x_unary_op(self, tree: Tree[Any]) -> Expr:
        op, operand = tree.children
        return ("un", str(op), self.expr(operand))

    def x_for_tuple_expr(self, tree: Tree[Any]) -> Expr:
        intro, exprs, cond = self._for_parts(tree)
        key_var, value_var, coll = intro
        return ("for", key_var, value_var, coll, None, exprs[0], cond, False)

    def x_for_object_expr(self, tree: Tree[Any]) -> Expr:
        intro, exprs, cond = self._for_parts(tree)
        key_var, value_var, coll = intro
        group = any(_is_token(c) and c.type == "ELLIPSIS" for c in tree.children)
        return ("for", key_var, value_var, coll, exprs[0], exprs[1], cond, group)

    def _for_parts(self, tree: Tree[Any]) -> tuple[tuple[Any, ...], list[Expr], Expr | None]:
        intro: tuple[Any, ...] = ()
        exprs: list[Expr] = []
        cond: Expr | None = None
        for child in tree.children:
            if _is_token(child) or child.data == "new_line_or_comment":
                continue
            if child.data == "for_intro":
                names = [
                    str(c.children[0])
                    for c in child.children
                    if not _is_token(c) and (c.data == "identifier")
                ]
                coll = next(
                    c
                    for c in child.children
                    if not _is_token(c) and _is_expr(c) and c.data != "identifier"
                )
                key_var = names[0] if len(names) == 2 else None
                intro = (key_var, names[-1], self.expr(coll))
            elif child.data == "for_cond":
                cond = self.expr(_significant(child.children)[-1])
            else:
                exprs.append(self.expr(child))
        return intro, exprs, cond


_NON_EXPR = frozenset(
    {"new_line_or_comment", "for_intro", "for_cond", "binary_term", "binary_operator"}
)


def _is_expr(tree: Tree[Any]) -> bool:
    return tree.data not in _NON_EXPR
