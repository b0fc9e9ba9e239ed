"""Property-based tests: random structures never crash the condition engine, the expression
evaluator or the loaders, and evaluation is deterministic."""

from __future__ import annotations

import contextlib
import os
import string
from typing import Any, ClassVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hdslint.graph import ResourceGraph
from hdslint.ids import ResourceKey
from hdslint.model import Edge, EdgeKind, Location, Resource, Unknown, freeze
from hdslint.policy.conditions import Context, evaluate
from hdslint.registry import load_registry
from hdslint.sources.terraform import hcl, jsonsyntax
from hdslint.sources.terraform.expr import evaluate as evaluate_expr
from hdslint.yamlio import YamlLimitError
from hdslint.yamlio import load as load_yaml

REG = load_registry()
SETTINGS = settings(
    max_examples=int(os.environ.get("HDSLINT_PROPERTY_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10),
    st.floats(allow_nan=False, width=16),
    st.text(max_size=5),
    st.builds(Unknown, st.text(max_size=5)),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=12,
)
OPS = [
    "eq",
    "ne",
    "in",
    "not_in",
    "contains",
    "not_contains",
    "regex",
    "glob",
    "gt",
    "ge",
    "lt",
    "le",
    "present",
    "absent",
    "empty",
    "not_empty",
]
keys = st.sampled_from(
    [
        "region",
        "attributes.a",
        "attributes.a.b",
        "attributes.a[0]",
        'tags."x-y"',
        "attributes.*",
        "length(attributes.a)",
        "id",
        "health_data",
    ]
)


@st.composite
def leaf(draw: Any) -> dict[str, Any]:
    op = draw(st.sampled_from(OPS))
    cond: dict[str, Any] = {"key": draw(keys), "op": op}
    if op in ("in", "not_in"):
        cond["value"] = draw(
            st.lists(scalars.filter(lambda v: not isinstance(v, Unknown)), max_size=3)
        )
    elif op in ("regex", "glob"):
        cond["value"] = draw(st.sampled_from(["^a", "x*", ".", "[0-9]+"]))
    elif op not in ("present", "absent", "empty", "not_empty"):
        cond["value"] = draw(scalars.filter(lambda v: not isinstance(v, Unknown)))
    return cond


predicates = st.sampled_from(
    [
        {"in_eea": True},
        {"located": True},
        {"known_outside_eea": True},
        {"classified": True},
        {"hds_certified": {}},
        {"hds_certified": {"activities": [6]}},
        {"hds_conditions_confirmed": True},
        {"certificate_valid": {"min_days": 30}},
    ]
)
conditions = st.recursive(
    st.one_of(leaf(), predicates),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda c: {"all": c}),
        st.lists(inner, min_size=1, max_size=3).map(lambda c: {"any": c}),
        inner.map(lambda c: {"not": c}),
        inner.map(lambda c: {"edges": {"kinds": ["replicates_to", "reads_from"], "every": c}}),
        inner.map(lambda c: {"edges": {"kinds": ["copies_to"], "direction": "in", "some": c}}),
    ),
    max_leaves=6,
)
providers = st.sampled_from(["aws", "azure", "gcp", "ovh", "scaleway", "outscale", "nope", None])
regions = st.sampled_from(["eu-west-3", "us-east-1", "francecentral", "GRA", "fr-par", "x", None])


@st.composite
def resources(draw: Any) -> Resource:
    region = draw(regions)
    return Resource(
        id=draw(st.sampled_from(["a", "b", "c"])),
        type="t",
        provider=draw(providers),
        service=draw(st.sampled_from(["aws:s3", None, "scaleway:object"])),
        category=draw(st.sampled_from(["storage", "backup", "other"])),
        region=region,
        location=Location("f.tf", 1),
        source="terraform",
        attributes=freeze(draw(st.dictionaries(st.sampled_from(["a", "b"]), values, max_size=2))),
        tags=freeze(
            draw(st.dictionaries(st.sampled_from(["x-y", "z"]), st.text(max_size=3), max_size=2))
        ),
        unknown=freeze({} if region else {"region": "no region"}),
        activities=draw(st.sampled_from([(), (1, 2, 3, 4), (6,)])),
    )


@SETTINGS
@given(
    conditions,
    resources(),
    st.lists(resources(), max_size=3),
    st.lists(
        st.tuples(
            st.sampled_from("abcz"), st.sampled_from("abcz"), st.sampled_from(list(EdgeKind))
        ),
        max_size=4,
    ),
)
def test_conditions_never_crash_and_are_deterministic(
    cond: dict[str, Any], resource: Resource, others: list[Resource], edges: list[Any]
) -> None:
    graph = ResourceGraph(
        [resource, *others], [Edge(ResourceKey("", a), ResourceKey("", b), k) for a, b, k in edges]
    )
    health = {
        r.key: v for r, v in zip([resource, *others], [True, None, False, True], strict=False)
    }
    first = evaluate(cond, resource, Context(graph=graph, registry=REG, health=health))
    second = evaluate(cond, resource, Context(graph=graph, registry=REG, health=health))
    assert first == second
    assert first.value in (True, False, None)
    assert all(isinstance(r, str) for r in first.reasons)


expr_source = st.recursive(
    st.one_of(
        st.sampled_from(
            [
                '"eu-west-3"',
                "1",
                "true",
                "null",
                "var.r",
                "local.l",
                "var.m",
                'var.m["a"]',
                "unset",
                "each.key",
                "[]",
                "{}",
            ]
        ),
        st.integers(-3, 3).map(str),
    ),
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda t: f"{t[0]} == {t[1]}"),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]}) ? ({t[1]}) : ({t[2]})"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]}) + ({t[1]})"),
        st.tuples(
            st.sampled_from(
                [
                    "lookup",
                    "coalesce",
                    "merge",
                    "concat",
                    "element",
                    "try",
                    "format",
                    "lower",
                    "length",
                    "join",
                    "flatten",
                    "tostring",
                    "keys",
                    "one",
                    "range",
                    "can",
                ]
            ),
            st.lists(inner, max_size=3),
        ).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        st.lists(inner, max_size=3).map(lambda items: f"[{', '.join(items)}]"),
        inner.map(lambda e: f'"x-${{{e}}}"'),
        inner.map(lambda e: f"[for v in var.list : {e}]"),
        inner.map(lambda e: f"({e})[0]"),
        inner.map(lambda e: f"!({e})"),
    ),
    max_leaves=8,
)


class _Scope:
    NAMES: ClassVar[dict[str, Any]] = {
        "var": {"r": "eu-west-3", "m": {"a": "x"}, "list": [1, "a", None]},
        "local": {"l": ["a", "b"]},
        "unset": Unknown("variable 'u' has no value"),
        "each": {"key": "k", "value": "v"},
    }

    def root(self, name: str) -> Any:
        return self.NAMES.get(name, Unknown(f"unknown {name}", error=True))


@SETTINGS
@given(expr_source)
def test_the_expression_evaluator_never_crashes(source: str) -> None:
    try:
        body = hcl.parse(f"v = {source}\n")
    except hcl.HclSyntaxError:
        return
    expr = body["attrs"]["v"][0]
    first = evaluate_expr(expr, _Scope())
    assert first == evaluate_expr(expr, _Scope())


printable = st.text(alphabet=string.printable + "éà€\x00\ufeff", max_size=200)


@SETTINGS
@given(printable)
def test_the_hcl_parser_raises_only_syntax_errors(text: str) -> None:
    with contextlib.suppress(hcl.HclSyntaxError):
        hcl.parse(text)


@SETTINGS
@given(
    st.one_of(
        printable,
        st.recursive(
            scalars.filter(lambda v: not isinstance(v, Unknown)),
            lambda i: st.one_of(
                st.lists(i, max_size=3), st.dictionaries(st.text(max_size=5), i, max_size=3)
            ),
            max_leaves=10,
        ).map(repr),
    )
)
def test_the_terraform_json_reader_raises_only_syntax_errors(text: str) -> None:
    import json

    for candidate in (text, json.dumps({"resource": {"aws_s3_bucket": {"b": text}}})):
        with contextlib.suppress(hcl.HclSyntaxError):
            jsonsyntax.parse(candidate)


@SETTINGS
@given(printable)
def test_the_yaml_loader_raises_only_yaml_errors(text: str) -> None:
    import yaml

    with contextlib.suppress(yaml.YAMLError, YamlLimitError):
        load_yaml(text)
