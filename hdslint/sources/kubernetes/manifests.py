"""Read Kubernetes manifests: multi-document YAML, JSON and `List` kinds, with line numbers.

Files that are not Kubernetes (Helm values, CI configurations, docker-compose files, Helm
templates that are not YAML until rendered) are skipped silently; a file that looks like
Kubernetes (it has `apiVersion:` and `kind:`) but cannot be read gives one error naming the
file and line, and its other documents are still read.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from hdslint import yamlio
from hdslint.model import InputError


@dataclass(frozen=True, slots=True)
class Document:
    """One YAML document (or JSON text): its data and the lines it spans (1-based)."""

    data: Any
    line: int
    end_line: int
    # The lines spanned by each entry of a top-level `items:` list (for `kind: List`).
    items: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class RawObject:
    """A Kubernetes object as written, before hdslint knows what it is."""

    data: Mapping[str, Any]
    file: str
    line: int
    end_line: int
    group: str
    version: str
    kind: str
    name: str
    namespace: str | None


def _end_line(mark: Any) -> int:
    # PyYAML's end mark is the position after the node: column 0 of the next line when the
    # node ends with a line break.
    return int(mark.line) if mark.column == 0 else int(mark.line) + 1


class _ManifestLoader(yamlio.SafeLoader):
    """The shared safe loader, yielding a Document (data + lines) per YAML document."""

    def construct_document(self, node: yaml.Node) -> Any:
        data = super().construct_document(node)
        items: tuple[tuple[int, int], ...] = ()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == "items" and isinstance(value, yaml.SequenceNode):
                    items = tuple(
                        (
                            item.start_mark.line + 1,
                            max(item.start_mark.line + 1, _end_line(item.end_mark)),
                        )
                        for item in value.value
                    )
        line = node.start_mark.line + 1
        return Document(data, line, max(line, _end_line(node.end_mark)), items)


_API_VERSION = re.compile(r'^\s*"?apiVersion"?\s*:', re.MULTILINE)
_KIND = re.compile(r'^\s*"?kind"?\s*:', re.MULTILINE)
_SEPARATOR = re.compile(r"^---(?:[ \t].*)?$", re.MULTILINE)


def looks_like_kubernetes(text: str) -> bool:
    """Does the text declare Kubernetes objects (an `apiVersion:` and a `kind:` key)?"""
    return bool(_API_VERSION.search(text) and _KIND.search(text))


def is_template(text: str) -> bool:
    """Helm / Go templates are not YAML until rendered (`{{ ... }}`)."""
    return "{{" in text and "}}" in text


def parse(
    text: str, display: str, *, json_file: bool = False
) -> tuple[list[Document], list[InputError]]:
    """Every document of a file. Errors only for files that look like Kubernetes."""
    if json_file:
        return _parse_json(text, display)
    try:
        docs = _load(text)
    except yaml.YAMLError as exc:
        if is_template(text) or not looks_like_kubernetes(text):
            return [], []
        docs, errors = _salvage(text, display, exc)
        return _refuse_expansions(docs, display, errors), errors
    except RecursionError:
        return [], [InputError(display, "too deeply nested to read")]
    errors = []
    return _refuse_expansions(docs, display, errors), errors


def _load(text: str) -> list[Document]:
    return [d for d in yaml.load_all(text, Loader=_ManifestLoader) if isinstance(d, Document)]


def _refuse_expansions(
    docs: list[Document], display: str, errors: list[InputError]
) -> list[Document]:
    """Documents that expand through aliases beyond yamlio's limit are refused, as
    everywhere in hdslint ("billion laughs")."""
    kept = []
    for doc in docs:
        try:
            yamlio.check_expansion(doc.data)
        except yamlio.YamlLimitError as exc:
            errors.append(InputError(display, exc.message, doc.line))
            continue
        kept.append(doc)
    return kept


def _parse_json(text: str, display: str) -> tuple[list[Document], list[InputError]]:
    """JSON is checked as JSON (YAML would accept `{"name": }`); the YAML loader then gives
    the lines of `List` items, when it reads the file (it refuses tabs, for one)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [InputError(display, f"invalid JSON: {exc.msg}", exc.lineno)]
    except RecursionError:
        return [], [InputError(display, "too deeply nested to read")]
    try:
        docs = _load(text)
    except (yaml.YAMLError, RecursionError):
        docs = []
    if len(docs) == 1 and docs[0].data == data:
        return docs, []
    return [Document(data, 1, max(1, text.count("\n")))], []


def _salvage(
    text: str, display: str, first: yaml.YAMLError
) -> tuple[list[Document], list[InputError]]:
    """Read a multi-document file document by document, so that one broken document does not
    hide the others; report each broken one."""
    starts = [0] + [m.start() for m in _SEPARATOR.finditer(text)]
    bounds = [*sorted(set(starts)), len(text)]
    docs: list[Document] = []
    errors: list[InputError] = []
    for begin, end in itertools.pairwise(bounds):
        chunk = text[begin:end]
        offset = text.count("\n", 0, begin)
        try:
            loaded = _load(chunk)
        except yaml.YAMLError as exc:
            if looks_like_kubernetes(chunk):
                line = yamlio.error_line(exc)
                errors.append(
                    InputError(display, yamlio.error_message(exc), line + offset if line else None)
                )
            continue
        for doc in loaded:
            docs.append(
                Document(
                    doc.data,
                    doc.line + offset,
                    doc.end_line + offset,
                    tuple((a + offset, b + offset) for a, b in doc.items),
                )
            )
    if not errors:  # the separators were not where the error was: report it as PyYAML saw it
        errors.append(InputError(display, yamlio.error_message(first), yamlio.error_line(first)))
    return docs, errors


def objects(docs: list[Document], display: str) -> tuple[list[RawObject], list[InputError]]:
    """The Kubernetes objects among the documents; `List` kinds are expanded."""
    out: list[RawObject] = []
    errors: list[InputError] = []
    for doc in docs:
        data = doc.data
        if not _is_object(data):
            continue
        items = data.get("items")
        if str(data.get("kind", "")).endswith("List") and isinstance(items, list):
            for index, item in enumerate(items):
                line, end = doc.items[index] if index < len(doc.items) else (doc.line, doc.end_line)
                if _is_object(item):
                    _add(item, display, line, end, out, errors)
            continue
        _add(data, display, doc.line, doc.end_line, out, errors)
    return out, errors


def _is_object(data: Any) -> bool:
    return isinstance(data, dict) and "apiVersion" in data and "kind" in data


def _add(
    data: dict[str, Any],
    display: str,
    line: int,
    end_line: int,
    out: list[RawObject],
    errors: list[InputError],
) -> None:
    api_version, kind = data.get("apiVersion"), data.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str) or not kind:
        errors.append(InputError(display, "apiVersion and kind must be strings", line))
        return
    if "metadata" not in data:
        # A tool's configuration that borrows the shape (kubeconfig, kubeadm, kubelet,
        # Kustomization): not an object sent to a cluster.
        return
    metadata = data["metadata"]
    if not isinstance(metadata, dict):
        errors.append(InputError(display, f"{kind}: metadata must be a mapping", line))
        return
    name = metadata.get("name")
    if name is None:
        name = metadata.get("generateName")
    if name is None or name == "":
        errors.append(InputError(display, f"{kind}: metadata.name is missing", line))
        return
    if not isinstance(name, str | int | float) or isinstance(name, bool):
        errors.append(InputError(display, f"{kind}: metadata.name must be a string", line))
        return
    namespace = metadata.get("namespace")
    if namespace is not None and not isinstance(namespace, str):
        errors.append(
            InputError(display, f"{kind} {name}: metadata.namespace must be a string", line)
        )
        return
    group, _, version = api_version.rpartition("/")
    out.append(
        RawObject(
            data=data,
            file=display,
            line=line,
            end_line=end_line,
            group=group,
            version=version,
            kind=kind,
            name=str(name),
            namespace=namespace or None,
        )
    )
