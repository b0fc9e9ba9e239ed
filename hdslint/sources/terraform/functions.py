"""The Terraform functions hdslint evaluates (and the files they may read).

Each is a plain function of known values; an Unknown argument makes the call unknown
(except for the few in LENIENT, which decide themselves). Errors raised here become
`Unknown(error=True)` in the evaluator, which try() and can() catch as Terraform's do.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hdslint import saferegex, yamlio
from hdslint.files import FileAccess
from hdslint.model import Unknown
from hdslint.sources.terraform import budget
from hdslint.sources.terraform.values import norm_number, to_number, to_string, type_name

Function = Callable[..., Any]


def _fn_lookup(mapping: Any, key: Any, *default: Any) -> Any:
    if not isinstance(mapping, dict):
        raise TypeError("lookup() needs a map")
    skey = to_string(key)
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
        _check_widths(fmt[i + 1 : j])
        arg = args[arg_i]
        arg_i += 1
        if verb in "sv":
            out.append(to_string(arg) if not isinstance(arg, list | dict) else json.dumps(arg))
        elif verb == "d":
            out.append(("%" + fmt[i + 1 : j + 1]) % int(arg))
        elif verb in "fFeEgG":
            out.append(("%" + fmt[i + 1 : j + 1]) % float(arg))
        elif verb == "q":
            out.append(json.dumps(to_string(arg)))
        elif verb == "t":
            out.append(to_string(bool(arg)))
        else:
            out.append(("%" + fmt[i + 1 : j + 1]) % arg)
        i = j + 1
    return "".join(out)


def _check_widths(flags: str) -> None:
    """A width or precision is a size to allocate: `%0999999999d` is a gigabyte."""
    for number in re.findall(r"\d+", flags):
        budget.check_string(int(number[:12]), "format()")


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


def _identity(item: Any) -> Any:
    """A hashable key equal for equal values, in linear time (`1` and `true` apart, as
    Terraform keeps them)."""
    if isinstance(item, list | dict):
        return ("json", json.dumps(item, sort_keys=True, default=repr))
    if isinstance(item, int | float) and not isinstance(item, bool):
        return ("number", float(item))  # 1 and 1.0 are one number
    return (type(item).__name__, item)


def _fn_distinct(items: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    out: list[Any] = []
    for item in items:
        key = _identity(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _fn_tostring(value: Any) -> Any:
    if isinstance(value, list | dict):
        raise TypeError("tostring() of a collection")
    return None if value is None else to_string(value)


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
    return {to_string(k): v for k, v in zip(keys, values, strict=True)}


def _fn_substr(text: str, offset: Any, length: Any) -> str:
    start = int(offset)
    if start < 0:
        start += len(text)
    n = int(length)
    return text[start:] if n < 0 else text[start : start + n]


def _fn_replace(text: str, old: str, new: str) -> str:
    """Terraform's replace(): a `/pattern/` is an RE2 expression, as in Terraform (and, being
    RE2, matched in linear time whatever the input)."""
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        pattern = saferegex.compile_pattern(old[1:-1])
        matches = pattern.count(text)
        template = new.replace("$", "\\")
        # A group reference can copy the whole text into each replacement.
        each = len(new) * (len(text) if "\\" in template else 1)
        budget.check_string(len(text) + matches * each, "replace()")
        return pattern.sub(template, text)
    if old:
        budget.check_string(len(text) + text.count(old) * max(0, len(new) - len(old)), "replace()")
    else:
        budget.check_string(len(text) + (len(text) + 1) * len(new), "replace()")
    return text.replace(old, new)


def _fn_range(*args: Any) -> list[Any]:
    nums = [int(a) for a in args]
    if len(nums) > 3 or not nums:
        raise ValueError("range() takes 1 to 3 arguments")
    span = range(*nums)
    if len(span) > 1024:  # measured before anything is allocated
        raise ValueError("range() result is too large")
    return list(span)


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
                continue
            keys = {_identity(x) for x in other}
            keep = op == "intersection"
            result = [x for x in result if (_identity(x) in keys) is keep]
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
    "join": lambda sep, items: sep.join(to_string(i) for i in items),
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
    "tonumber": lambda v: None if v is None else to_number(v),
    "tobool": _fn_tobool,
    "tolist": list,
    "toset": lambda v: _fn_distinct(list(v)),
    "tomap": dict,
    "one": _fn_one,
    "reverse": lambda items: list(reversed(items)),
    "sort": lambda items: sorted(to_string(i) for i in items),
    "slice": _fn_slice,
    "zipmap": _fn_zipmap,
    "substr": _fn_substr,
    "startswith": lambda s, p: s.startswith(p),
    "endswith": lambda s, p: s.endswith(p),
    "strcontains": lambda s, p: p in s,
    "min": lambda *nums: norm_number(min(float(n) for n in nums)),
    "max": lambda *nums: norm_number(max(float(n) for n in nums)),
    "abs": abs,
    "ceil": math.ceil,
    "floor": math.floor,
    "sum": lambda items: norm_number(sum(float(i) for i in items)),
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
    "type": type_name,
}

# -- files (read, never executed) ----------------------------------------------------

MAX_FILE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class FileReader:
    """Where file(), fileexists(), fileset() and abspath() read: names relative to `base`
    (the root module, or the Terragrunt configuration's folder), through `files`, confined
    to the folders they may read (the root module and the working folder; for Terragrunt,
    the configuration's folder and the scan's roots). A configuration cannot make hdslint
    read /etc/passwd or ~/.aws. The scope an expression is evaluated in carries it
    (`file_reader`); a scope without one reads no file."""

    base: Path
    files: FileAccess


def reader_of(scope: object) -> FileReader | None:
    """The FileReader an expression's scope carries, if any."""
    reader = getattr(scope, "file_reader", None)
    return reader if isinstance(reader, FileReader) else None


def _allowed(reader: FileReader | None, path_text: str) -> Path:
    if reader is None:
        raise ValueError("files are not read here")
    path = Path(path_text)
    if not path.is_absolute():
        path = reader.base / path
    resolved = reader.files.resolve(path)
    if not reader.files.inside(resolved):
        raise ValueError(f"{path_text} is outside the scanned folders, so it is not read")
    return resolved


def _fn_file(reader: FileReader | None, path_text: str) -> str:
    path = _allowed(reader, path_text)
    assert reader is not None
    if reader.files.size(path) > MAX_FILE_BYTES:
        raise ValueError(f"{path_text} is larger than {MAX_FILE_BYTES} bytes")
    return reader.files.read_text(path)


def _fn_fileexists(reader: FileReader | None, path_text: str) -> bool:
    try:
        path = _allowed(reader, path_text)
    except ValueError:
        raise
    except OSError:
        return False
    assert reader is not None
    return reader.files.is_file(path)


def _fn_fileset(reader: FileReader | None, base: str, pattern: str) -> list[str]:
    root = _allowed(reader, base)
    assert reader is not None
    # A pattern with `..` (or a symlink) can reach past the readable folders: the file
    # access lists nothing there and answers that nothing is there, so such names are never
    # listed, as their files are never read.
    out = sorted(
        p.relative_to(root).as_posix()
        for p in reader.files.glob(root, pattern)
        if reader.files.is_file(p)
    )
    if len(out) > 10_000:
        raise ValueError("fileset() matched too many files")
    return out


def _fn_abspath(reader: FileReader | None, path_text: str) -> str:
    return str(_allowed(reader, path_text))


# Functions that read files: called with the FileReader of the expression's scope first.
FILE_FUNCTIONS: dict[str, Function] = {
    "file": _fn_file,
    "fileexists": _fn_fileexists,
    "fileset": _fn_fileset,
    "abspath": _fn_abspath,
}


def _fn_yamldecode(text: str) -> Any:
    return yamlio.load(text)


def _fn_pathexpand(path: str) -> Any:
    """Terraform's pathexpand(): a path that does not start with `~` is itself; `~` is the
    home folder of whoever runs Terraform, which hdslint neither knows nor reads."""
    if not isinstance(path, str):
        raise TypeError(f"pathexpand() takes a string, not {type(path).__name__}")
    if not path.startswith("~"):
        return path
    return Unknown(f"pathexpand({path!r}) names the home folder of whoever runs Terraform")


FUNCTIONS.update(
    {
        # Without a FileReader (see FILE_FUNCTIONS for the one the evaluator calls).
        **{name: functools.partial(fn, None) for name, fn in FILE_FUNCTIONS.items()},
        "pathexpand": _fn_pathexpand,
        "yamldecode": _fn_yamldecode,
        "basename": lambda p: Path(p).name,
        "dirname": lambda p: Path(p).parent.as_posix(),
    }
)


# Functions whose result can be larger than their arguments (or than the text they decode):
# the evaluator measures what they are given and what they return (see budget.py).
BUILDERS = frozenset(
    {
        "concat",
        "flatten",
        "format",
        "formatlist",
        "join",
        "jsondecode",
        "jsonencode",
        "merge",
        "replace",
        "setproduct",
        "setunion",
        "yamldecode",
        "zipmap",
        "chunklist",
        "tolist",
        "toset",
        "distinct",
        "values",
    }
)

# Functions that decide themselves what an Unknown argument means.
LENIENT = frozenset({"coalesce", "coalescelist", "merge"})

# Functions that read only a collection's shape and pick or join its elements: an unknown
# element leaves the length, the keys and the other elements known, as in Terraform (the
# result keeps unknown elements as they are).
SHAPE_ONLY = frozenset({"length", "keys", "values", "lookup", "element", "concat", "slice"})
