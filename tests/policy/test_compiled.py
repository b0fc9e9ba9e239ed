"""Policies are compiled once into typed nodes, each vocabulary through one table: the
conditions (CONDITIONS), the comparison operators (COMPARISONS) and the selector keys
(SELECTION) name exactly what the policy schema allows."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from hdslint.errors import PolicyError
from hdslint.policy import parse_policy
from hdslint.policy.conditions import (
    COMPARISONS,
    CONDITIONS,
    AllOf,
    EdgeCondition,
    HdsCertified,
    KeyCondition,
    Not,
)
from hdslint.policy.select import SELECTION, DataStore, TypeGlobs

SCHEMA = json.loads(resources.files("hdslint.policy").joinpath("policy.schema.json").read_text())
DEFS = SCHEMA["$defs"]

HEAD = """\
id: T-001
title: t
severity: high
activities: [1]
references: ["HDS-v2:EXI-28"]
description: d
remediation: r
"""


def test_the_tables_name_exactly_the_schemas_vocabulary() -> None:
    names = set(DEFS["condition"]["propertyNames"]["enum"]) - {"op", "value"}
    assert set(CONDITIONS) == names
    assert set(COMPARISONS) == set(DEFS["value"]["properties"]["op"]["enum"])
    assert set(SELECTION) == set(DEFS["selector"]["properties"])


def test_a_policy_is_compiled_into_typed_nodes() -> None:
    text = HEAD + (
        "select: {types: [aws_s3_*], data_store: true}\n"
        "condition:\n"
        "  all:\n"
        "    - {key: attributes.bucket, op: regex, value: '^hds-'}\n"
        "    - not: {hds_certified: {activities: [4]}}\n"
        "    - edges: {kinds: [replicates_to], every: {in_eea: true}}\n"
    )
    policy = parse_policy(text, "t.yaml")
    assert isinstance(policy.rule, AllOf)
    key, negated, edges = policy.rule.parts
    assert isinstance(key, KeyCondition) and (key.key, key.op, key.value) == (
        "attributes.bucket",
        "regex",
        "^hds-",
    )
    assert isinstance(negated, Not) and negated.inner == HdsCertified(activities=(4,))
    assert isinstance(edges, EdgeCondition) and (edges.mode, edges.direction) == ("every", "out")
    assert policy.selector.criteria == {
        "types": TypeGlobs(("aws_s3_*",)),
        "data_store": DataStore(True),
    }
    assert policy.selector.describe() == "Data stores, of type `aws_s3_*`."


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        (
            "{any: [{located: true}, {key: 'a[', op: eq, value: 1}]}",
            "$.condition.any[1].key: invalid JMESPath 'a[': ",
        ),
        (
            "{edges: {kinds: [backs_up_to], some: {key: id, op: regex, value: '('}}}",
            "$.condition.edges.some.value: invalid regular expression: ",
        ),
    ],
)
def test_what_the_schema_cannot_check_is_an_error_naming_its_place(
    condition: str, message: str
) -> None:
    with pytest.raises(PolicyError) as exc:
        parse_policy(HEAD + f"select: {{}}\ncondition: {condition}\n", "t.yaml")
    assert exc.value.message.startswith(message)
