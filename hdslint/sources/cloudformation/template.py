"""Read a CloudFormation or SAM template (YAML with the short-form tags, or JSON) into plain
data, with the lines each resource spans.

The short forms (`!Ref X`, `!GetAtt A.B`, `!Sub ...`) are turned into the long forms
(`{"Ref": "X"}`, `{"Fn::GetAtt": ["A", "B"]}`) by constructors on the shared safe loader:
no tag can build a Python object, whatever the template says.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from hdslint import yamlio
from hdslint.model import InputError


@dataclass(frozen=True, slots=True)
class Template:
    """One template as written: its data and where each resource is declared."""

    file: str
    data: Mapping[str, Any]
    # logical id -> (first line, last line), 1-based
    lines: Mapping[str, tuple[int, int]] = field(default_factory=dict)


class _TemplateLoader(yamlio.SafeLoader):
    """The shared safe loader, plus CloudFormation's short-form tags."""


def _short_form(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    """`!Name value` -> `{"Fn::Name": value}` (`!Ref` and `!Condition` keep their bare names,
    `!GetAtt A.B` is `["A", "B"]`)."""
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix in ("Ref", "Condition"):
        return {suffix: value}
    if suffix == "GetAtt" and isinstance(value, str):
        resource, _, attribute = value.partition(".")
        value = [resource, attribute]
    return {f"Fn::{suffix}": value}


_TemplateLoader.add_multi_constructor("!", _short_form)


def _end_line(mark: Any) -> int:
    # The end mark is after the node: column 0 of the next line when it ends a line.
    return int(mark.line) if mark.column == 0 else int(mark.line) + 1


def _last_line(node: yaml.Node) -> int:
    """The last line of a node's own content. A block collection's end mark is where the
    next key starts (after any comment lines above it), so it is found from its last item:
    a comment above the next resource belongs to that resource only."""
    for _ in range(1000):
        if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
            break
        items = node.value
        if not items:
            break
        last = items[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return _end_line(node.end_mark)


def _resource_lines_yaml(node: yaml.Node) -> dict[str, tuple[int, int]]:
    lines: dict[str, tuple[int, int]] = {}
    if not isinstance(node, yaml.MappingNode):
        return lines
    for key, value in node.value:
        if key.value == "Resources" and isinstance(value, yaml.MappingNode):
            for name, body in value.value:
                first = name.start_mark.line + 1
                lines[str(name.value)] = (first, max(first, _last_line(body)))
    return lines


def _error(file: str, exc: yaml.YAMLError) -> InputError:
    return InputError(file, yamlio.error_message(exc), yamlio.error_line(exc))


def load_yaml(text: str, file: str) -> Template | InputError:
    loader = _TemplateLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return InputError(file, "empty template")
        data = loader.construct_document(node)
        yamlio.check_expansion(data)
    except yaml.YAMLError as exc:
        return _error(file, exc)
    except RecursionError:
        return InputError(file, "invalid YAML: nesting too deep")
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        return InputError(file, "not a CloudFormation template: the document is not a mapping")
    return Template(file, data, _resource_lines_yaml(node))


def load_json(text: str, file: str) -> Template | InputError:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return InputError(file, f"invalid JSON: {exc.msg}", exc.lineno)
    except RecursionError:
        return InputError(file, "invalid JSON: nesting too deep")
    if not isinstance(data, dict):
        return InputError(file, "not a CloudFormation template: the document is not an object")
    return Template(file, data, _resource_lines_json(text, data))


def _resource_lines_json(text: str, data: Mapping[str, Any]) -> dict[str, tuple[int, int]]:
    """Each resource's line: where its key first appears after `"Resources"`. JSON has no
    comments, so a resource's last line only bounds suppressions; its next sibling's line
    (or the file's end) is close enough."""
    resources = data.get("Resources")
    start = text.find('"Resources"')
    if not isinstance(resources, dict) or start < 0:
        return {}
    found: list[tuple[int, str]] = []
    position = start
    for name in resources:
        match = re.compile(rf'"{re.escape(json.dumps(name)[1:-1])}"\s*:').search(text, position)
        if match is None:
            continue
        # Keys come in the order written: the next one is searched after this one.
        found.append((match.start(), name))
        position = match.end()
    total = text.count("\n") + 1
    lines: dict[str, tuple[int, int]] = {}
    starts = [text.count("\n", 0, offset) + 1 for offset, _ in found]
    for index, (_offset, name) in enumerate(found):
        last = starts[index + 1] - 1 if index + 1 < len(starts) else total
        lines[name] = (starts[index], max(starts[index], last))
    return lines


def load(text: str, file: str) -> Template | InputError | None:
    """A template from its text: JSON when it starts with `{`, else YAML. None: the file
    only looked like a template (a package.json naming SAM's transform in a script, an
    AppSpec file's `Resources` list): it is not one, and nothing reads it."""
    text = text.removeprefix("\ufeff")
    reader = load_json if text.lstrip().startswith("{") else load_yaml
    found = reader(text, file)
    if isinstance(found, Template) and not is_template(found.data):
        return None
    return found


def is_template(data: Mapping[str, Any]) -> bool:
    """What CloudFormation itself would take for a template: a format version, a
    transform, or a Resources mapping."""
    return (
        "AWSTemplateFormatVersion" in data
        or "Transform" in data
        or isinstance(data.get("Resources"), Mapping)
    )
