"""JSON Schemas that ship with hdslint, and validation with readable, one-line errors."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from importlib import resources
from typing import Any


@functools.cache
def load_schema(package: str, name: str) -> dict[str, Any]:
    """Read a JSON Schema shipped inside `package` (e.g. `hdslint.policy`)."""
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.cache
def _validator(package: str, name: str) -> tuple[Any, Callable[..., Any]]:
    """The validator of a shipped schema, and jsonschema's `best_match`. jsonschema is
    imported here, on the first validation (an exception of tests/test_imports.py): the
    shipped policies are not validated, so a scan without a configuration file never
    loads it."""
    import jsonschema
    from jsonschema.exceptions import best_match

    schema = load_schema(package, name)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER), best_match


def json_path(path: Any) -> str:
    """`$.a.b[0]` from a jsonschema error path."""
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def validate(instance: Any, package: str, name: str) -> list[str]:
    """Validate `instance`; return one `$.json.path: message` string per error, sorted.

    For `oneOf`/`anyOf` failures the most relevant sub-error is reported (the one that
    went deepest), so a typo in a nested condition names the nested field, not the whole
    condition.
    """
    validator, best_match = _validator(package, name)
    out = []
    for top in validator.iter_errors(instance):
        error = top
        while error.context:
            error = best_match(error.context)
        out.append((list(map(str, error.absolute_path)), error))
    out.sort(key=lambda pair: pair[0])
    return [f"{json_path(e.absolute_path)}: {_short(e)}" for _, e in out]


def _short(error: Any) -> str:
    message = str(error.message)
    if len(message) > 200:
        message = message[:197] + "..."
    return message
