from __future__ import annotations

from typing import Any

import pytest

from hdslint.model import Unknown
from hdslint.sources.terraform.expr import evaluate
from hdslint.sources.terraform.hcl import parse


class Scope:
    def __init__(self, **names: Any) -> None:
        self.names = names

    def root(self, name: str) -> Any:
        if name in self.names:
            return self.names[name]
        return Unknown(f"unknown name {name!r}", error=True)


SCOPE = Scope(
    var={
        "region": "eu-west-3",
        "regions": {"prod": "eu-west-3", "dr": "eu-central-1"},
        "tags": {"a": "1"},
        "list": ["x", "y", "z"],
        "empty": "",
        "none": None,
    },
    local={"env": "prod"},
    unset=Unknown("variable 'r' has no value"),
)


def ev(source: str) -> Any:
    return evaluate(parse(f"v = {source}\n")["attrs"]["v"][0], SCOPE)


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ('"${var.region}"', "eu-west-3"),
        ('"phi-${var.region}-${local.env}"', "phi-eu-west-3-prod"),
        ("var.regions[local.env]", "eu-west-3"),
        ('lookup(var.regions, "dr", "x")', "eu-central-1"),
        ('lookup(var.regions, "qa", "fallback")', "fallback"),
        ('coalesce(var.empty, var.none, "eu-west-1")', "eu-west-1"),
        ('try(var.regions.qa, "eu-west-3")', "eu-west-3"),
        ("can(var.regions.qa)", False),
        ('format("%s-%03d", "a", 7)', "a-007"),
        ('upper(lower("AbC"))', "ABC"),
        ('merge(var.tags, {b = "2"})', {"a": "1", "b": "2"}),
        ('concat(var.list, ["w"])', ["x", "y", "z", "w"]),
        ("element(var.list, 4)", "y"),
        ("tostring(3)", "3"),
        ("length(var.list)", 3),
        ('var.region == "eu-west-3" ? "paris" : "other"', "paris"),
        ('[for r in var.list : upper(r) if r != "y"]', ["X", "Z"]),
        ("{for k, v in var.regions : v => k}", {"eu-west-3": "prod", "eu-central-1": "dr"}),
        ('join(",", sort(keys(var.regions)))', "dr,prod"),
        ('split("-", var.region)[0]', "eu"),
        ("1 + 2 * 3", 7),
        ("10 / 4", 2.5),
        ("!(1 > 2) && true", True),
        ('replace("a-b-c", "-", "_")', "a_b_c"),
        ('regex_unknown("x")', Unknown("function regex_unknown() is not evaluated by hdslint")),
        # Unknown flows through, and keeps its reason:
        ('"${unset}-x"', Unknown("variable 'r' has no value")),
        ('coalesce(unset, "eu-west-1")', Unknown("variable 'r' has no value")),
        # Both branches agree: the unknown test does not matter.
        ('unset == "a" ? "eu-west-3" : "eu-west-3"', "eu-west-3"),
        ('false && unset == "a"', False),
        ('try(unset, "eu-west-3")', Unknown("variable 'r' has no value")),
    ],
)
def test_evaluation(source: str, value: Any) -> None:
    assert ev(source) == value


def test_errors_become_unknown_errors() -> None:
    result = ev('var.regions["qa"]')
    assert isinstance(result, Unknown) and result.error
    assert result.reason == "the map has no element 'qa'"
    result = ev('"a" + 1')
    assert isinstance(result, Unknown) and result.error


def test_optional_object_attributes_are_filled_from_the_type() -> None:
    from hdslint.sources.terraform.expr import convert_to_type

    type_expr = parse(
        't = object({ location = optional(string), tier = optional(string, "std"),'
        ' nested = optional(object({ region = optional(string, "eu-west-3") }), {}) })\n'
    )["attrs"]["t"][0]
    assert convert_to_type({}, type_expr, SCOPE) == {
        "location": None,
        "tier": "std",
        "nested": {"region": "eu-west-3"},
    }
    assert convert_to_type({"tier": "x"}, type_expr, SCOPE)["tier"] == "x"


PARTIAL = Scope(
    var={
        "settings": {"location": "westeurope", "id": Unknown("known after apply")},
        "ids": ["a", Unknown("known after apply"), "c"],
        "object": {"id": Unknown("known after apply")},
    },
    unset=Unknown("variable 'r' has no value"),
)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # Unknowns are partial, as in Terraform: what does not depend on them is known.
        ("var.object == null", False),
        ("var.object != null", True),
        ('var.settings == { location = "westeurope" }', False),
        ("var.ids == []", False),
        ("length(var.ids)", 3),
        ("keys(var.settings)", ["id", "location"]),
        ('lookup(var.settings, "location", "francecentral")', "westeurope"),
        ('lookup(var.settings, "zone", "1")', "1"),
        ("element(var.ids, 2)", "c"),
        ("slice(var.ids, 0, 1)", ["a"]),
        ('length(concat(var.ids, ["d"]))', 4),
    ],
)
def test_partial_unknowns(source: str, expected: Any) -> None:
    assert evaluate(parse(f"v = {source}\n")["attrs"]["v"][0], PARTIAL) == expected


@pytest.mark.parametrize(
    "source",
    [
        'var.object == { id = "x" }',  # the unknown attribute decides
        "element(var.ids, 1)",
        "length(unset)",
        'lookup(var.settings, "id", "")',
        "unset == null",
    ],
)
def test_unknowns_that_decide_stay_unknown(source: str) -> None:
    assert isinstance(evaluate(parse(f"v = {source}\n")["attrs"]["v"][0], PARTIAL), Unknown)
