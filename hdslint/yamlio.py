"""Safe YAML loading, shared by configuration, policies, the registry and Kubernetes manifests.

Only the safe loader is ever used (no Python object tags). libyaml's C loader is used when
PyYAML was built with it: it is about nine times faster than the pure-Python one.
"""

from __future__ import annotations

from typing import Any

import yaml

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SafeLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, plus a constructor for the `=` scalar.

    PyYAML resolves a plain `=` to `tag:yaml.org,2002:value` and has no constructor for it
    (PyYAML issue #89), so real Kubernetes CRDs containing `- =` fail to load. It is a string.
    """


def _construct_value_tag(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


SafeLoader.add_constructor("tag:yaml.org,2002:value", _construct_value_tag)


class _DocumentLineLoader(SafeLoader):
    """Yields `(line, document)` pairs: the 1-based line where each document starts."""

    def construct_document(self, node: yaml.Node) -> Any:
        return (node.start_mark.line + 1, super().construct_document(node))


# A YAML document may share nodes through aliases; expanded, a "billion laughs" document of a
# few hundred bytes becomes billions of values, which anything walking it (schema
# validation, JSON output) would try to visit. Documents larger than this are refused.
MAX_VALUES = 100_000


class YamlLimitError(yaml.YAMLError):
    """A YAML document hdslint refuses to use: too large once expanded, or nested too deep."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_expansion(data: Any, limit: int = MAX_VALUES) -> None:
    """Raise YamlLimitError when `data`, with aliases expanded, holds more than `limit`
    values. Iterative, so deep nesting cannot exhaust the stack."""
    count = 0
    stack = [data]
    while stack:
        item = stack.pop()
        count += 1
        if count > limit:
            raise YamlLimitError(
                f"the YAML expands to more than {limit} values through aliases"
                ' (a "billion laughs" document?)'
            )
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def load(text: str) -> Any:
    """Load one YAML document safely."""
    try:
        data = yaml.load(text, Loader=SafeLoader)
    except RecursionError:
        raise YamlLimitError("invalid YAML: nesting too deep") from None
    check_expansion(data)
    return data


def load_documents(text: str) -> list[tuple[int, Any]]:
    """Load every document of a multi-document stream with the line where it starts."""
    try:
        docs = list(yaml.load_all(text, Loader=_DocumentLineLoader))
    except RecursionError:
        raise YamlLimitError("invalid YAML: nesting too deep") from None
    check_expansion([doc for _line, doc in docs])
    return docs


def error_line(exc: yaml.YAMLError) -> int | None:
    if isinstance(exc, YamlLimitError):
        return None
    """The 1-based line a YAML error points at, when PyYAML knows it."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return None if mark is None else int(mark.line) + 1


def error_message(exc: yaml.YAMLError) -> str:
    """A one-line description of a YAML error, without PyYAML's multi-line excerpt."""
    if isinstance(exc, YamlLimitError):
        return exc.message
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    if problem:
        return f"invalid YAML: {context + ', ' if context else ''}{problem}"
    return f"invalid YAML: {str(exc).splitlines()[0]}"
