"""Terraform's JSON syntax (`*.tf.json`, `*.tfvars.json`) -> the same syntax tree as HCL.

In JSON configuration, strings are templates (`"${var.region}"`), objects are blocks or
object values, and a few places are literal (variable defaults, `provider`, `depends_on`).
Line numbers come from a position-aware decode, so findings point at the block in the file.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
from typing import Any

from hdslint.sources.terraform import hcl
from hdslint.sources.terraform.hcl import Body, Expr

# Top-level block types whose JSON form is {label: {label: body}} (two labels) or
# {label: body} (one label) or body (no label).
_TWO_LABELS = frozenset({"resource", "data"})
_ONE_LABEL = frozenset({"variable", "output", "module", "provider"})
_NO_LABEL = frozenset({"locals", "terraform"})
# Nested keys that are blocks the evaluator looks for (everything else stays an object
# value, which dotted paths can still walk).
_NESTED_BLOCKS = frozenset(
    {"required_providers", "default_tags", "dynamic", "content", "lifecycle", "api", "features"}
)
# Arguments whose values are literal in JSON syntax, not templates.
_LITERAL_ARGUMENTS = frozenset({"provider", "depends_on", "default", "type", "source", "version"})


class _Located(dict[str, Any]):
    """A decoded JSON object that remembers the line where it starts."""

    line = 1


def _decoder(text: str) -> json.JSONDecoder:
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]
    decoder = json.JSONDecoder()
    base_object = json.decoder.JSONObject  # type: ignore[attr-defined]

    def parse_object(s_and_end: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
        obj, end = base_object(s_and_end, *args, **kwargs)
        located = _Located(obj)
        located.line = bisect.bisect_left(newlines, s_and_end[1] - 1) + 1
        return located, end

    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    # The pure-Python scanner calls our parse_object; the C one would bypass it.
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    return decoder


def loads(text: str) -> Any:
    """Decode JSON keeping each object's start line (pure-Python scanner: .tf.json files are
    small and rare)."""
    return _decoder(text).decode(text)


def load_object(text: str, what: str) -> dict[str, Any]:
    """The one JSON object `text` holds, with the lines of its objects. Raises
    HclSyntaxError on invalid JSON or when it is not one object ("`what` must hold one
    object")."""
    try:
        doc = loads(text)
    except json.JSONDecodeError as exc:
        raise hcl.HclSyntaxError(f"invalid JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:
        raise hcl.HclSyntaxError("nesting too deep", None) from None
    if not isinstance(doc, dict):
        raise hcl.HclSyntaxError(f"{what} must hold one object", 1)
    return doc


def parse(text: str) -> Body:
    """A `.tf.json` document as a Body. Raises HclSyntaxError on invalid JSON or shape."""
    doc = load_object(text, "a Terraform JSON file")
    blocks: list[Any] = []
    for block_type, value in doc.items():
        if block_type.startswith("//"):
            continue  # JSON syntax comments
        for labels, body in _labelled(block_type, value):
            blocks.append(_block(block_type, labels, body))
    return {"attrs": {}, "blocks": blocks}


def parse_vars(text: str) -> Body:
    """A `.tfvars.json` document: its top-level keys are variable values (literal)."""
    try:
        doc = loads(text)
    except json.JSONDecodeError as exc:
        raise hcl.HclSyntaxError(f"invalid JSON: {exc.msg}", exc.lineno) from None
    if not isinstance(doc, dict):
        raise hcl.HclSyntaxError("a variables file must hold one object", 1)
    line = getattr(doc, "line", 1)
    return {
        "attrs": {k: (_literal(v), line, json.dumps(v)[:80]) for k, v in doc.items()},
        "blocks": [],
    }


def _labelled(block_type: str, value: Any) -> list[tuple[tuple[str, ...], Any]]:
    items = value if isinstance(value, list) else [value]
    out: list[tuple[tuple[str, ...], Any]] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        if block_type in _TWO_LABELS:
            for type_name, named in item.items():
                for name, body in named.items() if isinstance(named, dict) else ():
                    for one in body if isinstance(body, list) else [body]:
                        out.append(((type_name, name), one))
        elif block_type in _ONE_LABEL:
            for name, body in item.items():
                for one in body if isinstance(body, list) else [body]:
                    out.append(((name,), one))
        elif block_type in _NO_LABEL:
            out.append(((), item))
    return out


def _block(block_type: str, labels: tuple[str, ...], body: Any) -> tuple[Any, ...]:
    line = getattr(body, "line", 1)
    return (
        block_type,
        labels,
        _body(body if isinstance(body, dict) else {}, block_type),
        line,
        line,
    )


def _body(obj: dict[str, Any], block_type: str) -> Body:
    attrs: dict[str, Any] = {}
    blocks: list[Any] = []
    literal_default = block_type == "variable"
    for key, value in obj.items():
        if key.startswith("//"):
            continue
        line = getattr(value, "line", getattr(obj, "line", 1))
        if key in _NESTED_BLOCKS and isinstance(value, dict | list):
            if key == "dynamic":
                for label, inner in value.items() if isinstance(value, dict) else ():
                    for one in inner if isinstance(inner, list) else [inner]:
                        blocks.append(
                            (
                                "dynamic",
                                (label,),
                                _body(one, "dynamic"),
                                getattr(one, "line", line),
                                getattr(one, "line", line),
                            )
                        )
                continue
            for one in value if isinstance(value, list) else [value]:
                if isinstance(one, dict):
                    blocks.append(
                        (
                            key,
                            (),
                            _body(one, key),
                            getattr(one, "line", line),
                            getattr(one, "line", line),
                        )
                    )
            continue
        literal = key in _LITERAL_ARGUMENTS and (literal_default or key != "default")
        expr = _literal(value) if literal else template(value)
        attrs[key] = (expr, line, json.dumps(value)[:80])
    return {"attrs": attrs, "blocks": blocks}


def _literal(value: Any) -> Expr:
    if isinstance(value, dict):
        return ("obj", tuple((("lit", str(k)), _literal(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("tuple", tuple(_literal(v) for v in value))
    return ("lit", value)


def template(value: Any) -> Expr:
    if isinstance(value, str):
        if "${" not in value and "%{" not in value:
            return ("lit", value)
        try:
            parsed: Expr = hcl.parse(f"v = {json.dumps(value)}\n")["attrs"]["v"][0]
        except hcl.HclSyntaxError:
            return ("unknown", "a template in JSON syntax that does not parse")
        return parsed
    if isinstance(value, dict):
        return ("obj", tuple((("lit", str(k)), template(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("tuple", tuple(template(v) for v in value))
    return ("lit", value)
