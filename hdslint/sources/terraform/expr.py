"""Evaluate HCL expression trees (see hcl.py) the way Terraform would, as far as it is known.

Values are plain Python data (str, int, float, bool, None, list, dict). What cannot be known
statically becomes an `Unknown` carrying the reason in words, and flows through every
operation, so a region that depends on an unset variable ends up as an `Unknown` that names
that variable. Evaluation never raises for bad input: Terraform's errors become
`Unknown(error=True)`, which `try()` and `can()` catch as Terraform's do.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any, Protocol, TypeVar

from hdslint.causes import because
from hdslint.model import Unknown
from hdslint.sources.terraform import budget
from hdslint.sources.terraform.functions import (
    BUILDERS,
    FILE_FUNCTIONS,
    FUNCTIONS,
    LENIENT,
    SHAPE_ONLY,
    FileReader,
    reader_of,
)
from hdslint.sources.terraform.values import (
    is_number,
    norm_number,
    to_number,
    to_string,
    type_error,
    type_name,
)

Expr = tuple[Any, ...]

MAX_DEPTH = 200


# -- sensitivity --------------------------------------------------------------------------
#
# Terraform marks a value sensitive (a variable or output declared `sensitive = true`, the
# sensitive() function) and every value computed from it: lower(), format(), a template, a
# local, a module's input or output, a `for` over it, a conditional on it. hdslint follows
# the same rule by noting what an evaluation reads: every read of a sensitive value marks
# the evaluation that reads it (and, through it, the evaluations around it). Cached values
# (variables, locals, provider arguments) keep their mark and mark whoever reads them again.
# The value itself stays what it is: Terraform knows it, so the decision may use it; only
# outputs must never show it (hdslint.sensitive).

_READS_SENSITIVE: ContextVar[list[bool] | None] = ContextVar("reads_sensitive", default=None)

T = TypeVar("T")


def note_sensitive() -> None:
    """The evaluation under way has read a sensitive value."""
    cell = _READS_SENSITIVE.get()
    if cell is not None:
        cell[0] = True


def traced(compute: Callable[[], T]) -> tuple[T, bool]:
    """`compute()`, and whether it read a sensitive value (the evaluation around it, if
    any, is marked too: what it computes derives from the same value)."""
    cell = [False]
    token = _READS_SENSITIVE.set(cell)
    try:
        value = compute()
    finally:
        _READS_SENSITIVE.reset(token)
    if cell[0]:
        note_sensitive()
    return value, cell[0]


def untraced(compute: Callable[[], T]) -> T:
    """`compute()`, its reads of sensitive values forgotten: Terraform's nonsensitive()."""
    token = _READS_SENSITIVE.set([False])
    try:
        return compute()
    finally:
        _READS_SENSITIVE.reset(token)


def evaluate_traced(expr: Expr, scope: Scope) -> tuple[Any, bool]:
    """Evaluate to a plain value, and whether it derives from a sensitive value."""
    return traced(lambda: evaluate(expr, scope))


class Namespace:
    """A lazily-evaluated object reached by name: `var`, `local`, a resource, a module.

    Sub-classes answer attribute access and indexing without evaluating what is not asked
    for; `materialize()` turns what is left into a plain value when one is needed whole.
    """

    def attr(self, name: str) -> Any:
        return Unknown(f"{self.describe()}.{name} is not known", error=True)

    def index(self, key: Any) -> Any:
        return Unknown(f"{self.describe()}[{key!r}] is not known", error=True)

    def materialize(self) -> Any:
        return Unknown(f"{self.describe()} is not known as a whole value")

    def describe(self) -> str:
        return type(self).__name__


class UnknownKeys(Unknown):
    """A map whose keys are not known but whose elements are (a `for` expression keyed by
    an id the provider assigns): Terraform learns the keys when it plans, and each
    element's own values (a `location`) are decided already."""

    __slots__ = ("elements",)

    def __init__(self, reason: str, elements: list[Any], *, ref: str | None = None) -> None:
        super().__init__(reason, ref=ref)
        self.elements = elements


class Scope(Protocol):
    """Resolves the root names of an expression (`var`, `local`, `aws_s3_bucket`, ...)."""

    def root(self, name: str) -> Any: ...


class _Locals:
    """Names bound by `for` expressions and dynamic blocks, over an outer scope."""

    __slots__ = ("names", "outer")

    def __init__(self, outer: Scope, names: Mapping[str, Any]) -> None:
        self.outer = outer
        self.names = names

    def root(self, name: str) -> Any:
        if name in self.names:
            return self.names[name]
        return self.outer.root(name)

    @property
    def file_reader(self) -> FileReader | None:
        return reader_of(self.outer)

    @property
    def tool_functions(self) -> Mapping[str, Callable[..., Any]]:
        return tool_functions_of(self.outer)


def bind(scope: Scope, names: Mapping[str, Any]) -> Scope:
    return _Locals(scope, names)


def evaluate(expr: Expr, scope: Scope) -> Any:
    """Evaluate to a plain value (namespaces materialized) or an Unknown."""
    return materialize(evaluate_lazy(expr, scope))


def evaluate_lazy(expr: Expr, scope: Scope) -> Any:
    """Evaluate, but leave namespaces as they are (to see which resource is referenced)."""
    if budget.current() is not None:
        return _eval(expr, scope, 0)
    token = budget.start()  # an expression evaluated on its own is bounded too
    try:
        return _eval(expr, scope, 0)
    finally:
        budget.finish(token)


def materialize(value: Any) -> Any:
    if isinstance(value, Namespace):
        return value.materialize()
    if isinstance(value, list):
        return [materialize(v) for v in value]
    if isinstance(value, dict):
        return {k: materialize(v) for k, v in value.items()}
    return value


def first_unknown(value: Any) -> Unknown | None:
    """The first Unknown inside a value, if any (depth-first)."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, list):
        for item in value:
            found = first_unknown(item)
            if found is not None:
                return found
    elif isinstance(value, dict):
        for item in value.values():
            found = first_unknown(item)
            if found is not None:
                return found
    return None


def _eval(expr: Expr, scope: Scope, depth: int) -> Any:
    if depth > MAX_DEPTH:
        return Unknown("expression nested too deeply", error=True)
    spent = budget.current()
    if spent is not None:
        spent.step()
    tag = expr[0]
    depth += 1
    if tag == "lit":
        return expr[1]
    if tag == "var":
        return scope.root(expr[1])
    if tag == "attr":
        return get_attr(_eval(expr[1], scope, depth), expr[2])
    if tag == "idx":
        key = materialize(_eval(expr[2], scope, depth))
        return get_index(_eval(expr[1], scope, depth), key)
    if tag == "tpl":
        return _template(expr[1], scope, depth)
    if tag == "cond":
        return _conditional(expr, scope, depth)
    if tag == "bin":
        return _binary(expr[1], expr[2], expr[3], scope, depth)
    if tag == "un":
        value = materialize(_eval(expr[2], scope, depth))
        if isinstance(value, Unknown):
            return value
        if expr[1] == "!":
            return not value if isinstance(value, bool) else type_error("!", value)
        return -value if is_number(value) else type_error("-", value)
    if tag == "tuple":
        return [_eval(item, scope, depth) for item in expr[1]]
    if tag == "obj":
        out: dict[str, Any] = {}
        for key_expr, value_expr in expr[1]:
            key = materialize(_eval(key_expr, scope, depth))
            if isinstance(key, Unknown):
                return Unknown(because("an object key is not known", key.reason), ref=key.ref)
            out[to_string(key)] = _eval(value_expr, scope, depth)
        return out
    if tag == "call":
        return _call(expr[1], expr[2], expr[3], scope, depth)
    if tag == "for":
        return _for(expr, scope, depth)
    if tag == "splat":
        return _splat(expr[1], expr[2], scope, depth)
    if tag == "unknown":
        return Unknown(f"{expr[1]} is not evaluated")
    return Unknown(f"unsupported expression {tag}", error=True)


def get_attr(obj: Any, name: str) -> Any:
    if isinstance(obj, Unknown):
        return obj
    if isinstance(obj, Namespace):
        return obj.attr(name)
    if isinstance(obj, dict):
        if name in obj:
            return obj[name]
        return Unknown(f"the object has no attribute {name!r}", error=True)
    if obj is None:
        return Unknown(f"attribute {name!r} of a null value", error=True)
    return Unknown(f"cannot read attribute {name!r} of a {type_name(obj)}", error=True)


def get_index(obj: Any, key: Any) -> Any:
    if isinstance(obj, Unknown):
        return obj
    if isinstance(key, Unknown):
        return key
    if isinstance(obj, Namespace):
        return obj.index(key)
    if isinstance(obj, list):
        number = to_number(key)
        if isinstance(number, Unknown) or not float(number).is_integer():
            return Unknown(f"invalid index {key!r}", error=True)
        i = int(number)
        if 0 <= i < len(obj):
            return obj[i]
        return Unknown(f"index {i} is out of range", error=True)
    if isinstance(obj, dict):
        skey = to_string(key)
        if skey in obj:
            return obj[skey]
        return Unknown(f"the map has no element {skey!r}", error=True)
    return Unknown(f"cannot index a {type_name(obj)}", error=True)


def _template(parts: tuple[Expr, ...], scope: Scope, depth: int) -> Any:
    if len(parts) == 1:  # "${x}" yields x itself, unconverted, as in Terraform
        return materialize(_eval(parts[0], scope, depth))
    pieces: list[str] = []
    for part in parts:
        value = materialize(_eval(part, scope, depth))
        if isinstance(value, Unknown):
            return value
        if value is None or isinstance(value, list | dict):
            return Unknown(f"cannot interpolate a {type_name(value)} into a string", error=True)
        pieces.append(to_string(value))
    spent = budget.current()
    if spent is not None:
        spent.check_string(sum(len(piece) for piece in pieces), "a string template")
    return "".join(pieces)


def _conditional(expr: Expr, scope: Scope, depth: int) -> Any:
    test = materialize(_eval(expr[1], scope, depth))
    if isinstance(test, Unknown):
        then = materialize(_eval(expr[2], scope, depth))
        other = materialize(_eval(expr[3], scope, depth))
        if first_unknown(then) is None and then == other:
            return then  # both branches agree: the test does not matter
        return Unknown(
            because("the condition is not known", test.reason, parenthesised=True), ref=test.ref
        )
    if isinstance(test, str) and test in ("true", "false"):
        test = test == "true"
    if not isinstance(test, bool):
        return type_error("?:", test)
    return _eval(expr[2] if test else expr[3], scope, depth)


def _binary(op: str, left_expr: Expr, right_expr: Expr, scope: Scope, depth: int) -> Any:
    left = materialize(_eval(left_expr, scope, depth))
    if isinstance(left, bool) and ((op == "&&" and not left) or (op == "||" and left)):
        return left
    right = materialize(_eval(right_expr, scope, depth))
    if op in ("&&", "||"):
        if isinstance(left, Unknown) or isinstance(right, Unknown):
            # false && unknown is false; true || unknown is true
            if right is (op == "||"):
                return right
            return left if isinstance(left, Unknown) else right
        if not isinstance(left, bool) or not isinstance(right, bool):
            return type_error(op, left)
        return left and right if op == "&&" else left or right
    if op in ("==", "!="):
        equal = _equal(left, right)
        if isinstance(equal, Unknown):
            return equal
        return equal if op == "==" else not equal
    unknown = first_unknown(left) or first_unknown(right)
    if unknown is not None:
        return unknown
    a, b = to_number(left), to_number(right)
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return type_error(op, left if isinstance(a, Unknown) else right)
    if op == "+":
        return norm_number(a + b)
    if op == "-":
        return norm_number(a - b)
    if op == "*":
        if isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > 1024:
            return norm_number(float(a) * float(b))  # numbers are floats past this, not bignums
        return norm_number(a * b)
    if op == "/":
        return Unknown("division by zero", error=True) if b == 0 else norm_number(a / b)
    if op == "%":
        return Unknown("modulo by zero", error=True) if b == 0 else norm_number(math.fmod(a, b))
    if op == "<":
        return a < b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    if op == ">=":
        return a >= b
    return Unknown(f"unsupported operator {op}", error=True)


def _equal(left: Any, right: Any) -> bool | Unknown:
    """Terraform's equality over partly known values: an object with an unknown attribute
    is still not null, and collections of different shapes differ; only an unknown that
    could decide the answer leaves it unknown."""
    if isinstance(left, Unknown):
        return left
    if isinstance(right, Unknown):
        return right
    if is_number(left) and is_number(right):
        return bool(float(left) == float(right))
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        if left.keys() != right.keys():
            return False
        return _all_equal([(left[k], right[k]) for k in left])
    if isinstance(left, list):
        if len(left) != len(right):
            return False
        return _all_equal(list(zip(left, right, strict=True)))
    return bool(left == right)


def _all_equal(pairs: list[tuple[Any, Any]]) -> bool | Unknown:
    unknown: Unknown | None = None
    for a, b in pairs:
        equal = _equal(a, b)
        if equal is False:
            return False
        if isinstance(equal, Unknown) and unknown is None:
            unknown = equal
    return unknown if unknown is not None else True


def _for(expr: Expr, scope: Scope, depth: int) -> Any:
    _, key_var, value_var, coll_expr, key_expr, value_expr, cond_expr, group = expr
    coll = materialize(_eval(coll_expr, scope, depth))
    if isinstance(coll, Unknown):
        return Unknown(
            because(
                "the collection of a for expression is not known", coll.reason, parenthesised=True
            )
        )
    if isinstance(coll, list):
        pairs: list[tuple[Any, Any]] = list(enumerate(coll))
    elif isinstance(coll, dict):
        pairs = list(coll.items())
    else:
        return type_error("for", coll)
    spent = budget.current()
    if spent is not None:
        spent.check_items(len(pairs), "a for expression")
    results_list: list[Any] = []
    results_map: dict[str, Any] = {}
    unknown_key: Unknown | None = None
    for k, v in pairs:
        names = {value_var: v}
        if key_var is not None:
            names[key_var] = k
        inner = bind(scope, names)
        if cond_expr is not None:
            keep = materialize(_eval(cond_expr, inner, depth))
            if isinstance(keep, Unknown):
                return Unknown(
                    because(
                        "a for expression's condition is not known", keep.reason, parenthesised=True
                    )
                )
            if keep is not True:
                continue
        value = _eval(value_expr, inner, depth)
        if key_expr is None:
            results_list.append(value)
            continue
        key = materialize(_eval(key_expr, inner, depth))
        if isinstance(key, Unknown):
            if key.error:
                return Unknown(
                    because("a for expression's key is not known", key.reason, parenthesised=True)
                )
            unknown_key = unknown_key or key
            results_list.append(value)  # the elements, for when the keys stay unknown
            continue
        skey = to_string(key)
        if group:
            results_map.setdefault(skey, []).append(value)
        elif skey in results_map:
            return Unknown(f"duplicate key {skey!r} in a for expression", error=True)
        else:
            results_map[skey] = value
    if key_expr is None:
        return results_list
    if unknown_key is not None:
        return UnknownKeys(
            because("a for expression's key is not known", unknown_key.reason, parenthesised=True),
            [*results_list, *results_map.values()],
            ref=unknown_key.ref,
        )
    return results_map


def _splat(target_expr: Expr, ops: tuple[Any, ...], scope: Scope, depth: int) -> Any:
    target = _eval(target_expr, scope, depth)
    if isinstance(target, Unknown):
        return target
    if isinstance(target, Namespace):
        target = target.materialize()
        if isinstance(target, Unknown):
            return target
    if target is None:
        return []
    items = target if isinstance(target, list) else [target]
    out = []
    for item in items:
        value = item
        for kind, arg in ops:
            if kind == "attr":
                value = get_attr(value, arg)
            else:
                value = get_index(value, materialize(_eval(arg, scope, depth)))
        out.append(value)
    return out


# -- functions --------------------------------------------------------------------------

Function = Callable[..., Any]


# Functions the tool evaluating a configuration adds to Terraform's (Terragrunt's
# `find_in_parent_folders`, bound to the configuration being read): the scope carries them
# (`tool_functions`); none for Terraform.
_NO_TOOL_FUNCTIONS: Mapping[str, Callable[..., Any]] = {}


def tool_functions_of(scope: object) -> Mapping[str, Callable[..., Any]]:
    functions = getattr(scope, "tool_functions", None)
    return functions if functions is not None else _NO_TOOL_FUNCTIONS


def _call(name: str, arg_exprs: tuple[Expr, ...], expand: bool, scope: Scope, depth: int) -> Any:
    if name in ("try", "can"):
        return _try_can(name, arg_exprs, scope, depth)
    if name == "sensitive":
        note_sensitive()
    elif name == "nonsensitive" and len(arg_exprs) == 1:
        return untraced(lambda: materialize(_eval(arg_exprs[0], scope, depth)))
    reads = FILE_FUNCTIONS.get(name)
    fn = (
        functools.partial(reads, reader_of(scope))
        if reads is not None
        else FUNCTIONS.get(name) or tool_functions_of(scope).get(name)
    )
    if fn is None:
        return Unknown(f"function {name}() is not evaluated by hdslint")
    args = [materialize(_eval(a, scope, depth)) for a in arg_exprs]
    if expand and args:
        last = args.pop()
        if isinstance(last, Unknown):
            return last
        if not isinstance(last, list):
            return type_error("...", last)
        args.extend(last)
    if name in SHAPE_ONLY:
        unknown = next((arg for arg in args if isinstance(arg, Unknown)), None)
        if unknown is not None:
            return unknown
    elif name not in LENIENT:
        for arg in args:
            unknown = first_unknown(arg)
            if unknown is not None:
                return unknown
    spent = budget.current()
    if spent is not None and name in BUILDERS:
        spent.check_value(args, f"{name}()")  # what it builds grows with what it is given
    try:
        result = fn(*args)
    except (
        TypeError,
        ValueError,
        KeyError,
        IndexError,
        AttributeError,
        ZeroDivisionError,
        OverflowError,
        RecursionError,
        OSError,
    ) as exc:
        return Unknown(f"{name}() failed: {exc}", error=True)
    if spent is not None and name in BUILDERS and isinstance(result, str | list | dict):
        spent.check_value(result, f"{name}()")
    return result


def _try_can(name: str, arg_exprs: tuple[Expr, ...], scope: Scope, depth: int) -> Any:
    if name == "can":
        if len(arg_exprs) != 1:
            return Unknown("can() takes one argument", error=True)
        value = materialize(_eval(arg_exprs[0], scope, depth))
        unknown = first_unknown(value)
        if unknown is None:
            return True
        return False if unknown.error else unknown
    for arg in arg_exprs:
        value = materialize(_eval(arg, scope, depth))
        unknown = first_unknown(value)
        if unknown is None:
            return value
        if not unknown.error:
            return unknown  # not an error, just not known: try() cannot decide either
    return Unknown("no argument of try() could be evaluated", error=True)


# -- type constraints -------------------------------------------------------------------


def convert_to_type(value: Any, type_expr: Expr, scope: Scope) -> Any:
    """Apply a variable's type constraint as Terraform does where it changes the value:
    attributes declared `optional(T, default)` in an object type are filled in (with the
    default, or null) when missing. Everything else is returned as given."""
    if isinstance(value, Unknown) or value is None:
        return value
    tag = type_expr[0]
    if tag != "call":
        return value
    name, args = type_expr[1], type_expr[2]
    if name == "optional" and args:
        return convert_to_type(value, args[0], scope)
    if name == "object" and args and args[0][0] == "obj" and isinstance(value, dict):
        out = dict(value)
        for key_expr, attr_type in args[0][1]:
            if key_expr[0] != "lit":
                continue
            key = str(key_expr[1])
            if key in out:
                out[key] = convert_to_type(out[key], attr_type, scope)
            elif attr_type[0] == "call" and attr_type[1] == "optional":
                opt_args = attr_type[2]
                default = evaluate(opt_args[1], scope) if len(opt_args) > 1 else None
                out[key] = convert_to_type(default, opt_args[0], scope) if opt_args else default
        return out
    if name in ("map",) and args and isinstance(value, dict):
        return {k: convert_to_type(v, args[0], scope) for k, v in value.items()}
    if name in ("list", "set") and args and isinstance(value, list):
        return [convert_to_type(v, args[0], scope) for v in value]
    return value
