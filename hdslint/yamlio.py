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


def load(text: str) -> Any:
    """Load one YAML document safely."""
    return yaml.load(text, Loader=SafeLoader)


def load_documents(text: str) -> list[tuple[int, Any]]:
    """Load every document of a multi-document stream with the line where it starts."""
    return list(yaml.load_all(text, Loader=_DocumentLineLoader))


def error_line(exc: yaml.YAMLError) -> int | None:
    """The 1-based line a YAML error points at, when PyYAML knows it."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return None if mark is None else int(mark.line) + 1


def error_message(exc: yaml.YAMLError) -> str:
    """A one-line description of a YAML error, without PyYAML's multi-line excerpt."""
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    if problem:
        return f"invalid YAML: {context + ', ' if context else ''}{problem}"
    return f"invalid YAML: {str(exc).splitlines()[0]}"
