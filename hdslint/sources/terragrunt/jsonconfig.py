"""Terragrunt's JSON configuration (`terragrunt.hcl.json`) -> the same syntax tree as HCL.

Terragrunt reads a `terragrunt.hcl.json` wherever it would read a `terragrunt.hcl`: HCL's
JSON form with Terragrunt's own schema. Its strings are templates (`"${local.region}"`) and
its objects are blocks where Terragrunt has blocks: `include` (with a label, or bare when it
holds a `path`), `generate`, `dependency` and `feature` (one label), `locals`, `terraform`,
`dependencies`, `remote_state` (none). Every other key is an attribute (`inputs`).
"""

from __future__ import annotations

import json
from typing import Any

from hdslint.sources.terraform.hcl import Body
from hdslint.sources.terraform.jsonsyntax import load_object, template

_ONE_LABEL = frozenset({"generate", "dependency", "feature", "unit", "stack"})
_NO_LABEL = frozenset(
    {"locals", "terraform", "dependencies", "remote_state", "exclude", "errors", "engine"}
)


def parse(text: str) -> Body:
    """A Terragrunt JSON configuration as a Body. Raises HclSyntaxError when it is not JSON
    or not one object."""
    doc = load_object(text, "a Terragrunt JSON configuration")
    attrs: dict[str, Any] = {}
    blocks: list[Any] = []
    for key, value in doc.items():
        if key.startswith("//"):
            continue  # JSON syntax comments
        line = getattr(value, "line", getattr(doc, "line", 1))
        if key == "include":
            for item in _items(value):
                if "path" in item and not isinstance(item["path"], dict):
                    blocks.append(_block(key, (), item))  # a bare include
                else:
                    blocks.extend(_labelled(key, item))
        elif key in _ONE_LABEL:
            for item in _items(value):
                blocks.extend(_labelled(key, item))
        elif key in _NO_LABEL:
            blocks.extend(_block(key, (), item) for item in _items(value))
        else:
            attrs[key] = (template(value), line, json.dumps(value)[:80])
    return {"attrs": attrs, "blocks": blocks}


def _items(value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict)]


def _labelled(kind: str, item: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        _block(kind, (label,), one)
        for label, body in item.items()
        if not label.startswith("//")
        for one in _items(body)
    ]


def _block(kind: str, labels: tuple[str, ...], body: dict[str, Any]) -> tuple[Any, ...]:
    line = getattr(body, "line", 1)
    attrs = {
        key: (template(value), getattr(value, "line", line), json.dumps(value)[:80])
        for key, value in body.items()
        if not key.startswith("//")
    }
    return (kind, labels, {"attrs": attrs, "blocks": []}, line, line)
