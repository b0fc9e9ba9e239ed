"""Walking a block body: the expressions at a dotted path (through nested and dynamic
blocks and object values), and the resources an expression refers to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hdslint.causes import because
from hdslint.model import Unknown
from hdslint.sources.base import flatten as flatten  # noqa: PLC0414 (re-exported)
from hdslint.sources.terraform.expr import Scope, bind, evaluate, first_unknown
from hdslint.sources.terraform.hcl import Body, Expr

if TYPE_CHECKING:
    from hdslint.sources.terraform.instance import ModuleInstance


def exprs_at(body: Body, path: str, scope: Scope) -> list[tuple[Expr, Scope, str]]:
    """The attribute expressions at a dotted path through nested blocks (and the content of
    dynamic blocks), each with the scope to evaluate it in and its source text."""
    head, _, rest = path.partition(".")
    out: list[tuple[Expr, Scope, str]] = []
    attr = body["attrs"].get(head)
    if attr is not None:
        if not rest:
            out.append((attr[0], scope, attr[2]))
        else:
            # An object-valued argument (e.g. replication_configuration = {...}): walk it.
            out.extend(object_exprs(attr[0], rest, scope, attr[2]))
    for block_type, labels, inner, _line, _end in body["blocks"]:
        if block_type == head and rest:
            out.extend(exprs_at(inner, rest, scope))
        elif block_type == "dynamic" and labels and labels[0] == head and rest:
            for content_body, content_scope in dynamic_contents(inner, head, scope):
                out.extend(exprs_at(content_body, rest, content_scope))
    return out


def dynamic_contents(body: Body, label: str, scope: Scope) -> list[tuple[Body, Scope]]:
    """The `content` of a dynamic block once per element of its for_each (or once, with the
    iterator unknown, when the collection is not known)."""
    content = next((b for b in body["blocks"] if b[0] == "content"), None)
    if content is None:
        return []
    iterator = label
    it_attr = body["attrs"].get("iterator")
    if it_attr is not None and it_attr[0][0] == "var":
        iterator = str(it_attr[0][1])
    for_each = body["attrs"].get("for_each")
    coll = evaluate(for_each[0], scope) if for_each else Unknown("dynamic block without for_each")
    if isinstance(coll, Unknown) or not isinstance(coll, dict | list):
        reason = coll.reason if isinstance(coll, Unknown) else "it is not a collection"
        item = Unknown(
            because(f"dynamic {label!r} for_each is not known", reason, parenthesised=True)
        )
        return [(content[2], bind(scope, {iterator: item}))]
    items = list(coll.items()) if isinstance(coll, dict) else list(enumerate(coll))
    return [(content[2], bind(scope, {iterator: {"key": k, "value": v}})) for k, v in items]


def block_present(body: Body, path: str, scope: Scope) -> bool:
    """Whether a nested block exists at a dotted path (`replication.auto`), as Terraform
    would create it: a dynamic block counts once its for_each has an element (or is not
    known), not when it is empty."""
    head, _, rest = path.partition(".")
    for block_type, labels, inner, _line, _end in body["blocks"]:
        if block_type == head and (not rest or block_present(inner, rest, scope)):
            return True
        if block_type == "dynamic" and labels and labels[0] == head:
            for content_body, content_scope in dynamic_contents(inner, head, scope):
                if not rest or block_present(content_body, rest, content_scope):
                    return True
    return False


def object_exprs(expr: Expr, path: str, scope: Scope, source: str) -> list[tuple[Expr, Scope, str]]:
    head, _, rest = path.partition(".")
    if expr[0] == "tuple":
        return [t for item in expr[1] for t in object_exprs(item, path, scope, source)]
    if expr[0] == "obj":
        for key, value in expr[1]:
            if key == ("lit", head):
                if not rest:
                    return [(value, scope, source)]
                return object_exprs(value, rest, scope, source)
    return []


def static_refs(
    expr: Expr, instance: ModuleInstance, scope: Scope | None = None, depth: int = 0
) -> list[str]:
    """Resource addresses an expression refers to directly (or through locals), as
    Terraform's dependencies, except in the branches Terraform does not take: the other side
    of a conditional whose test is known, the arguments of try() after the first that
    evaluates. `scope` evaluates those tests (the module instance by default)."""
    if depth > 20:
        return []
    here: Scope = instance if scope is None else scope
    tag = expr[0]
    if tag == "attr" and expr[1][0] == "var":
        root, name = expr[1][1], expr[2]
        if root == "local":
            entry = instance.mod.locals.get(name)
            return static_refs(entry[0], instance, None, depth + 1) if entry else []
        if instance.resource(root, name) is not None:
            return [f"{instance.prefix()}{root}.{name}"]
        return []
    if tag == "for":
        # Names bound by the for expression are not in `here`: decide nothing inside it.
        here = _UNDECIDED
    taken = None if here is _UNDECIDED else _taken_branch(expr, here)
    if taken is not None:
        return static_refs(taken, instance, here, depth + 1) if taken else []
    out: list[str] = []
    for sub_expr in _sub_exprs(expr):
        out.extend(static_refs(sub_expr, instance, here, depth + 1))
    return list(dict.fromkeys(out))


class _Undecided:
    """The scope inside a `for` expression: its tests are not evaluated here."""

    def root(self, name: str) -> Any:
        return Unknown(f"{name} is bound by a for expression", error=True)


_UNDECIDED = _Undecided()


def _taken_branch(expr: Expr, scope: Scope) -> Expr | tuple[()] | None:
    """The one sub-expression Terraform evaluates, when that is decided: `()` when none is
    (every argument of try() fails), None when every part counts."""
    if expr[0] == "cond":
        test = evaluate(expr[1], scope)
        if isinstance(test, bool):
            taken: Expr = expr[2] if test else expr[3]
            return taken
        return None
    if expr[0] == "call" and expr[1] == "try":
        arg: Expr
        for arg in expr[2]:
            unknown = first_unknown(evaluate(arg, scope))
            if unknown is None or not unknown.error:
                return arg
        return ()
    return None


def _sub_exprs(expr: Expr) -> list[Expr]:
    out: list[Expr] = []
    for part in expr[1:]:
        if isinstance(part, tuple) and part and isinstance(part[0], str):
            out.append(part)
        elif isinstance(part, tuple):
            for item in part:
                if isinstance(item, tuple) and item and isinstance(item[0], str):
                    out.append(item)
                elif isinstance(item, tuple):  # object items: (key, value) pairs
                    out.extend(
                        sub_expr
                        for sub_expr in item
                        if isinstance(sub_expr, tuple) and sub_expr and isinstance(sub_expr[0], str)
                    )
    return out
