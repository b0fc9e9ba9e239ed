from __future__ import annotations

from pathlib import Path

import pytest

from hdslint.errors import PolicyError
from hdslint.policy import load_policies, parse_policy, shipped_policies

GOOD = """\
id: ACME-LOC-001
title: Buckets must be in Paris
severity: high
activities: [1, 2]
references: [HDS-v2:EXI-28]
description: Buckets must be in Paris.
remediation: Move them.
select: {types: [aws_s3_bucket]}
condition: {key: region, op: eq, value: eu-west-3}
"""


def test_a_valid_policy_loads() -> None:
    policy = parse_policy(GOOD, "acme.yaml")
    assert (policy.id, policy.severity.label, policy.activities) == ("ACME-LOC-001", "high", (1, 2))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            GOOD.replace("severity: high", "severity: urgent"),
            "acme.yaml: $.severity: 'urgent' is not one of ['critical', 'high', 'medium', 'low', 'info']",
        ),
        (
            GOOD.replace("op: eq", "op: equals"),
            "acme.yaml: $.condition.op: 'equals' is not one of ['eq', 'ne', 'in', 'not_in',"
            " 'contains', 'not_contains', 'regex', 'glob', 'gt', 'ge', 'lt', 'le', 'present',"
            " 'absent', 'empty', 'not_empty', 'contains_match']",
        ),
        (
            GOOD.replace("activities: [1, 2]", "activities: [7]"),
            "acme.yaml: $.activities[0]: 7 is greater than the maximum of 6",
        ),
        (
            GOOD.replace("references: [HDS-v2:EXI-28]\n", ""),
            "acme.yaml: $: 'references' is a required property",
        ),
        (
            GOOD.replace(
                "{key: region, op: eq, value: eu-west-3}", "{key: region, op: regex, value: '('}"
            ),
            "acme.yaml: $.condition.value: invalid regular expression: missing ): (",
        ),
        (
            GOOD.replace("{key: region, op: eq, value: eu-west-3}", "{key: 'a.[', op: present}"),
            "acme.yaml: $.condition.key: invalid JMESPath 'a.[': incomplete expression",
        ),
        (
            "id: [unclosed",
            "acme.yaml:2: invalid YAML: while parsing a flow sequence, did not find expected ',' or ']'",
        ),
        (
            GOOD.replace("{key: region, op: eq, value: eu-west-3}", "{foo: 1}"),
            "acme.yaml: $.condition: 'foo' is not one of ['key', 'op', 'value', 'all', 'any', 'not',"
            " 'in_eea', 'known_outside_eea', 'classified', 'located', 'hds_certified', 'hds_conditions_confirmed',"
            " 'certificate_valid', 'edges'] (and 1 more: `hdslint validate-policies acme.yaml`"
            " lists them)",
        ),
        (
            GOOD.replace(
                "{key: region, op: eq, value: eu-west-3}", "{all: [{key: region, op: eq}]}"
            ),
            "acme.yaml: $.condition.all[0]: 'value' is a required property",
        ),
        ("- just a list", "acme.yaml: a policy file must hold one YAML mapping"),
    ],
)
def test_errors_name_the_file_and_json_path(text: str, message: str) -> None:
    with pytest.raises(PolicyError) as exc:
        parse_policy(text, "acme.yaml")
    assert str(exc.value) == message


def test_every_shipped_policy_is_valid_and_unique() -> None:
    policies = shipped_policies()
    ids = [p.id for p in policies]
    assert len(ids) == len(set(ids))
    assert {"HDS-LOC-001", "HDS-LOC-002", "HDS-CERT-001"} <= set(ids)
    for policy in policies:
        assert policy.file == f"hdslint:policies/{policy.id}.yaml"
        assert policy.rationale


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD.replace("ACME-LOC-001", "HDS-LOC-001"))
    with pytest.raises(PolicyError) as exc:
        load_policies([tmp_path / "a.yaml"])
    assert str(exc.value) == (
        f"{tmp_path / 'a.yaml'}: policy id HDS-LOC-001 is already defined in"
        " hdslint:policies/HDS-LOC-001.yaml"
    )


def test_disabled_policies_are_dropped() -> None:
    ids = {p.id for p in load_policies(disabled=["HDS-COND-001"])}
    assert "HDS-COND-001" not in ids
