"""Evaluate HCL expression trees (see hcl.py) the way Terraform would, as far as it is known.

Values are plain Python data (str, int, float, bool, None, list, dict). What cannot be known
statically becomes an `Unknown` carrying the reason in words, and flows through every
operation, so a region that depends on an unset variable ends up as an `Unknown` that names
that variable. Evaluation never raises for bad input: Terraform's errors become
`Unknown(error=True)`, which `try()` and `can()` catch as Terraform's do.
"""

from __future__ import annotations

import contextvars
import json
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from hdslint.model import Unknown

Expr = tuple[Any, ...]

MAX_DEPTH = 200


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


def bind(scope: Scope, names: Mapping[str, Any]) -> Scope:
    return _Locals(scope, names)


def evaluate(expr: Expr, scope: Scope) -> Any:
    """Evaluate to a plain value (namespaces materialized) or an Unknown."""
    return materialize(_eval(expr, scope, 0))


def evaluate_lazy(expr: Expr, scope: Scope) -> Any:
    """Evaluate, but leave namespaces as they are (to see which resource is referenced)."""
    return _eval(expr, scope, 0)


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
            return not value if isinstance(value, bool) else _type_error("!", value)
        return -value if _is_number(value) else _type_error("-", value)
    if tag == "tuple":
        return [_eval(item, scope, depth) for item in expr[1]]
    if tag == "obj":
        out: dict[str, Any] = {}
        for key_expr, value_expr in expr[1]:
            key = materialize(_eval(key_expr, scope, depth))
            if isinstance(key, Unknown):
                return Unknown(f"an object key is not known: {key.reason}", ref=key.ref)
            out[_to_string(key)] = _eval(value_expr, scope, depth)
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
    return Unknown(f"cannot read attribute {name!r} of a {_type_name(obj)}", error=True)


def get_index(obj: Any, key: Any) -> Any:
    if isinstance(obj, Unknown):
        return obj
    if isinstance(key, Unknown):
        return key
    if isinstance(obj, Namespace):
        return obj.index(key)
    if isinstance(obj, list):
        number = _to_number(key)
        if isinstance(number, Unknown) or not float(number).is_integer():
            return Unknown(f"invalid index {key!r}", error=True)
        i = int(number)
        if 0 <= i < len(obj):
            return obj[i]
        return Unknown(f"index {i} is out of range", error=True)
    if isinstance(obj, dict):
        skey = _to_string(key)
        if skey in obj:
            return obj[skey]
        return Unknown(f"the map has no element {skey!r}", error=True)
    return Unknown(f"cannot index a {_type_name(obj)}", error=True)


def _template(parts: tuple[Expr, ...], scope: Scope, depth: int) -> Any:
    if len(parts) == 1:  # "${x}" yields x itself, unconverted, as in Terraform
        return materialize(_eval(parts[0], scope, depth))
    pieces: list[str] = []
    for part in parts:
        value = materialize(_eval(part, scope, depth))
        if isinstance(value, Unknown):
            return value
        if value is None or isinstance(value, list | dict):
            return Unknown(f"cannot interpolate a {_type_name(value)} into a string", error=True)
        pieces.append(_to_string(value))
    return "".join(pieces)


def _conditional(expr: Expr, scope: Scope, depth: int) -> Any:
    test = materialize(_eval(expr[1], scope, depth))
    if isinstance(test, Unknown):
        then = materialize(_eval(expr[2], scope, depth))
        other = materialize(_eval(expr[3], scope, depth))
        if first_unknown(then) is None and then == other:
            return then  # both branches agree: the test does not matter
        return Unknown(f"the condition is not known ({test.reason})", ref=test.ref)
    if isinstance(test, str) and test in ("true", "false"):
        test = test == "true"
    if not isinstance(test, bool):
        return _type_error("?:", test)
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
            return _type_error(op, left)
        return left and right if op == "&&" else left or right
    unknown = first_unknown(left) or first_unknown(right)
    if unknown is not None:
        return unknown
    if op == "==":
        return _equal(left, right)
    if op == "!=":
        return not _equal(left, right)
    a, b = _to_number(left), _to_number(right)
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return _type_error(op, left if isinstance(a, Unknown) else right)
    if op == "+":
        return _norm_number(a + b)
    if op == "-":
        return _norm_number(a - b)
    if op == "*":
        return _norm_number(a * b)
    if op == "/":
        return Unknown("division by zero", error=True) if b == 0 else _norm_number(a / b)
    if op == "%":
        return Unknown("modulo by zero", error=True) if b == 0 else _norm_number(math.fmod(a, b))
    if op == "<":
        return a < b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    if op == ">=":
        return a >= b
    return Unknown(f"unsupported operator {op}", error=True)


def _equal(left: Any, right: Any) -> bool:
    if _is_number(left) and _is_number(right):
        return bool(float(left) == float(right))
    return bool(type(left) is type(right) and left == right)


def _for(expr: Expr, scope: Scope, depth: int) -> Any:
    _, key_var, value_var, coll_expr, key_expr, value_expr, cond_expr, group = expr
    coll = materialize(_eval(coll_expr, scope, depth))
    if isinstance(coll, Unknown):
        return Unknown(f"the collection of a for expression is not known ({coll.reason})")
    if isinstance(coll, list):
        pairs: list[tuple[Any, Any]] = list(enumerate(coll))
    elif isinstance(coll, dict):
        pairs = list(coll.items())
    else:
        return _type_error("for", coll)
    results_list: list[Any] = []
    results_map: dict[str, Any] = {}
    for k, v in pairs:
        names = {value_var: v}
        if key_var is not None:
            names[key_var] = k
        inner = bind(scope, names)
        if cond_expr is not None:
            keep = materialize(_eval(cond_expr, inner, depth))
            if isinstance(keep, Unknown):
                return Unknown(f"a for expression's condition is not known ({keep.reason})")
            if keep is not True:
                continue
        value = _eval(value_expr, inner, depth)
        if key_expr is None:
            results_list.append(value)
            continue
        key = materialize(_eval(key_expr, inner, depth))
        if isinstance(key, Unknown):
            return Unknown(f"a for expression's key is not known ({key.reason})")
        skey = _to_string(key)
        if group:
            results_map.setdefault(skey, []).append(value)
        elif skey in results_map:
            return Unknown(f"duplicate key {skey!r} in a for expression", error=True)
        else:
            results_map[skey] = value
    return results_list if key_expr is None else results_map


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


# -- conversions ------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _norm_number(value: float) -> int | float:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _to_number(value: Any) -> Any:
    if _is_number(value):
        return value
    if isinstance(value, str):
        try:
            return _norm_number(float(value))
        except ValueError:
            pass
    return Unknown(f"{value!r} is not a number", error=True)


def _to_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if _is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "map"
    return "value"


def _type_error(op: str, value: Any) -> Unknown:
    return Unknown(f"operator {op} cannot take a {_type_name(value)}", error=True)


# -- functions --------------------------------------------------------------------------

Function = Callable[..., Any]


def _call(name: str, arg_exprs: tuple[Expr, ...], expand: bool, scope: Scope, depth: int) -> Any:
    if name in ("try", "can"):
        return _try_can(name, arg_exprs, scope, depth)
    fn = FUNCTIONS.get(name)
    if fn is None:
        return Unknown(f"function {name}() is not evaluated by hdslint")
    args = [materialize(_eval(a, scope, depth)) for a in arg_exprs]
    if expand and args:
        last = args.pop()
        if isinstance(last, Unknown):
            return last
        if not isinstance(last, list):
            return _type_error("...", last)
        args.extend(last)
    if name not in _LENIENT:
        for arg in args:
            unknown = first_unknown(arg)
            if unknown is not None:
                return unknown
    try:
        return fn(*args)
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


def _fn_lookup(mapping: Any, key: Any, *default: Any) -> Any:
    if not isinstance(mapping, dict):
        raise TypeError("lookup() needs a map")
    skey = _to_string(key)
    if skey in mapping:
        return mapping[skey]
    if default:
        return default[0]
    return Unknown(f"the map has no element {skey!r}", error=True)


def _fn_coalesce(*args: Any) -> Any:
    for arg in args:
        if isinstance(arg, Unknown):
            return arg  # cannot tell whether it is null
        if arg is not None and arg != "":
            return arg
    return Unknown("coalesce() found no non-null argument", error=True)


def _fn_coalescelist(*args: Any) -> Any:
    for arg in args:
        if isinstance(arg, Unknown):
            return arg
        if arg:
            return arg
    return []


def _fn_merge(*maps: Any) -> Any:
    out: dict[str, Any] = {}
    for m in maps:
        if isinstance(m, Unknown):
            return m
        if m is None:
            continue
        if not isinstance(m, dict):
            raise TypeError("merge() takes maps")
        out.update(m)
    return out


def _fn_format(fmt: str, *args: Any) -> str:
    out: list[str] = []
    i = 0
    arg_i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        if i + 1 < len(fmt) and fmt[i + 1] == "%":
            out.append("%")
            i += 2
            continue
        j = i + 1
        while j < len(fmt) and fmt[j] in "0123456789.-+# ":
            j += 1
        if j >= len(fmt):
            raise ValueError("unterminated format verb")
        verb = fmt[j]
        arg = args[arg_i]
        arg_i += 1
        if verb in "sv":
            out.append(_to_string(arg) if not isinstance(arg, list | dict) else json.dumps(arg))
        elif verb == "d":
            out.append(("%" + fmt[i + 1 : j + 1]) % int(arg))
        elif verb in "fFeEgG":
            out.append(("%" + fmt[i + 1 : j + 1]) % float(arg))
        elif verb == "q":
            out.append(json.dumps(_to_string(arg)))
        elif verb == "t":
            out.append(_to_string(bool(arg)))
        else:
            out.append(("%" + fmt[i + 1 : j + 1]) % arg)
        i = j + 1
    return "".join(out)


def _fn_element(items: list[Any], index: Any) -> Any:
    if not items:
        raise IndexError("element() of an empty list")
    return items[int(index) % len(items)]


def _fn_flatten(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if isinstance(item, list):
            out.extend(_fn_flatten(item))
        else:
            out.append(item)
    return out


def _fn_distinct(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _fn_tostring(value: Any) -> Any:
    if isinstance(value, list | dict):
        raise TypeError("tostring() of a collection")
    return None if value is None else _to_string(value)


def _fn_tobool(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ValueError(f"{value!r} is not a bool")


def _fn_one(items: list[Any]) -> Any:
    if len(items) > 1:
        raise ValueError("one() of a list with more than one element")
    return items[0] if items else None


def _fn_length(value: Any) -> int:
    if isinstance(value, str | list | dict):
        return len(value)
    raise TypeError("length() needs a string or a collection")


def _fn_slice(items: list[Any], start: Any, end: Any) -> list[Any]:
    return items[int(start) : int(end)]


def _fn_zipmap(keys: list[Any], values: list[Any]) -> dict[str, Any]:
    return {_to_string(k): v for k, v in zip(keys, values, strict=True)}


def _fn_substr(text: str, offset: Any, length: Any) -> str:
    start = int(offset)
    if start < 0:
        start += len(text)
    n = int(length)
    return text[start:] if n < 0 else text[start : start + n]


def _fn_replace(text: str, old: str, new: str) -> str:
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        import re

        return re.sub(old[1:-1], new.replace("$", "\\"), text)
    return text.replace(old, new)


def _fn_range(*args: Any) -> list[Any]:
    nums = [int(a) for a in args]
    if len(nums) > 3 or not nums:
        raise ValueError("range() takes 1 to 3 arguments")
    result = list(range(*nums))
    if len(result) > 1024:
        raise ValueError("range() result is too large")
    return result


def _fn_chunklist(items: list[Any], size: Any) -> list[Any]:
    n = int(size)
    if n <= 0:
        return [items]
    return [items[i : i + n] for i in range(0, len(items), n)]


def _fn_setop(op: str) -> Function:
    def fn(*sets: Any) -> list[Any]:
        result = _fn_distinct(list(sets[0]))
        for other in sets[1:]:
            if op == "union":
                result = _fn_distinct(result + list(other))
            elif op == "intersection":
                result = [x for x in result if x in other]
            else:
                result = [x for x in result if x not in other]
        return result

    return fn


def _strs(fn: Callable[[str], Any]) -> Function:
    def wrapped(value: Any) -> Any:
        if not isinstance(value, str):
            raise TypeError("expected a string")
        return fn(value)

    return wrapped


FUNCTIONS: dict[str, Function] = {
    "lookup": _fn_lookup,
    "coalesce": _fn_coalesce,
    "coalescelist": _fn_coalescelist,
    "merge": _fn_merge,
    "format": _fn_format,
    "formatlist": lambda fmt, *lists: [_fn_format(fmt, *row) for row in zip(*lists, strict=True)],
    "lower": _strs(str.lower),
    "upper": _strs(str.upper),
    "title": _strs(str.title),
    "trimspace": _strs(str.strip),
    "trim": lambda s, chars: s.strip(chars),
    "trimprefix": lambda s, p: s[len(p) :] if s.startswith(p) else s,
    "trimsuffix": lambda s, p: s[: -len(p)] if p and s.endswith(p) else s,
    "replace": _fn_replace,
    "split": lambda sep, s: s.split(sep),
    "join": lambda sep, items: sep.join(_to_string(i) for i in items),
    "concat": lambda *lists: [x for lst in lists for x in lst],
    "element": _fn_element,
    "flatten": _fn_flatten,
    "distinct": _fn_distinct,
    "compact": lambda items: [i for i in items if i not in (None, "")],
    "contains": lambda items, value: value in items,
    "keys": lambda m: sorted(m.keys()),
    "values": lambda m: [m[k] for k in sorted(m.keys())],
    "length": _fn_length,
    "tostring": _fn_tostring,
    "tonumber": lambda v: None if v is None else _to_number(v),
    "tobool": _fn_tobool,
    "tolist": list,
    "toset": lambda v: _fn_distinct(list(v)),
    "tomap": dict,
    "one": _fn_one,
    "reverse": lambda items: list(reversed(items)),
    "sort": lambda items: sorted(_to_string(i) for i in items),
    "slice": _fn_slice,
    "zipmap": _fn_zipmap,
    "substr": _fn_substr,
    "startswith": lambda s, p: s.startswith(p),
    "endswith": lambda s, p: s.endswith(p),
    "strcontains": lambda s, p: p in s,
    "min": lambda *nums: _norm_number(min(float(n) for n in nums)),
    "max": lambda *nums: _norm_number(max(float(n) for n in nums)),
    "abs": abs,
    "ceil": math.ceil,
    "floor": math.floor,
    "sum": lambda items: _norm_number(sum(float(i) for i in items)),
    "alltrue": lambda items: all(i is True or i == "true" for i in items),
    "anytrue": lambda items: any(i is True or i == "true" for i in items),
    "range": _fn_range,
    "chunklist": _fn_chunklist,
    "setunion": _fn_setop("union"),
    "setintersection": _fn_setop("intersection"),
    "setsubtract": _fn_setop("subtract"),
    "jsonencode": lambda v: json.dumps(v, separators=(",", ":")),
    "jsondecode": json.loads,
    "index": lambda items, value: items.index(value),
    "nonsensitive": lambda v: v,
    "sensitive": lambda v: v,
    "type": _type_name,
}

# -- files (read, never executed) ----------------------------------------------------

# Folders under which file(), fileset() and templatefile-free readers may look: the scanned
# root modules. Set by the Terraform source for the duration of a scan.
FILE_ROOTS: contextvars.ContextVar[tuple[Path, ...]] = contextvars.ContextVar(
    "hdslint_file_roots", default=()
)
MAX_FILE_BYTES = 2 * 1024 * 1024


def _allowed(path_text: str) -> Path:
    path = Path(path_text)
    roots = FILE_ROOTS.get()
    if not roots:
        raise ValueError("files are not read here")
    if not path.is_absolute():
        path = roots[0] / path
    resolved = path.resolve()
    if not any(resolved == root or root in resolved.parents for root in roots):
        raise ValueError(f"{path_text} is outside the scanned folders, so it is not read")
    return resolved


def _fn_file(path_text: str) -> str:
    path = _allowed(path_text)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"{path_text} is larger than {MAX_FILE_BYTES} bytes")
    return path.read_text("utf-8")


def _fn_fileexists(path_text: str) -> bool:
    try:
        return _allowed(path_text).is_file()
    except ValueError:
        raise
    except OSError:
        return False


def _fn_fileset(base: str, pattern: str) -> list[str]:
    root = _allowed(base)
    out = sorted(p.relative_to(root).as_posix() for p in root.glob(pattern) if p.is_file())
    if len(out) > 10_000:
        raise ValueError("fileset() matched too many files")
    return out


def _fn_yamldecode(text: str) -> Any:
    from hdslint import yamlio

    return yamlio.load(text)


FUNCTIONS.update(
    {
        "file": _fn_file,
        "fileexists": _fn_fileexists,
        "fileset": _fn_fileset,
        "yamldecode": _fn_yamldecode,
        "basename": lambda p: Path(p).name,
        "dirname": lambda p: Path(p).parent.as_posix(),
        "abspath": lambda p: str(_allowed(p)),
    }
)

# Functions that decide themselves what an Unknown argument means.
_LENIENT = frozenset({"coalesce", "coalescelist", "merge"})


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
