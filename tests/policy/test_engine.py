from __future__ import annotations

from hdslint.graph import ResourceGraph
from hdslint.ids import ResourceKey
from hdslint.model import Location, Resource, Status, freeze
from hdslint.policy import parse_policy
from hdslint.policy.conditions import Context
from hdslint.policy.engine import evaluate_policies, findings_from
from hdslint.registry import load_registry

POLICY = parse_policy(
    """\
id: T-LOC-001
title: Stores in the EEA
severity: critical
activities: [1]
references: [HDS-v2:EXI-28]
description: d
remediation: r
message: "{resource_id} sits in {region}: {reason}"
select: {health_data: true, data_store: true}
condition: {in_eea: true}
""",
    "t.yaml",
)


def r(rid: str, region: str | None, category: str = "storage", **kw: object) -> Resource:
    return Resource(
        id=rid,
        type="aws_s3_bucket",
        provider="aws",
        service="aws:s3",
        category=category,
        region=region,
        location=Location("main.tf", 3),
        source="terraform",
        unknown=freeze({"region": "var.region has no value"} if region is None else {}),
        **kw,  # type: ignore[arg-type]
    )


def run(resources: list[Resource], health: dict[str, bool | None]):
    graph = ResourceGraph(resources, [])
    keyed = {ResourceKey("", rid): value for rid, value in health.items()}
    ctx = Context(graph=graph, registry=load_registry(), health=keyed)
    return evaluate_policies([POLICY], graph, ctx)


def test_the_three_outcomes_and_selection() -> None:
    resources = [
        r("pass", "eu-west-3"),
        r("fail", "us-east-1"),
        r("unknown", None),
        r("not-health", "us-east-1"),
        r("not-a-store", "us-east-1", category="compute"),
        r("health-unknown", "us-east-1"),
    ]
    health = {
        "pass": True,
        "fail": True,
        "unknown": True,
        "not-health": False,
        "not-a-store": True,
        "health-unknown": None,
    }
    results = [(e.resource.id, e.status) for e in run(resources, health)]
    assert results == [
        ("pass", Status.PASS),
        ("fail", Status.FAIL),
        ("unknown", Status.NOT_EVALUATED),
    ]  # "health-unknown" is HDS-DATA-001's (condition `classified`), reported once


def test_findings_carry_the_message_template_and_skip_passes() -> None:
    evaluations = run(
        [r("pass", "eu-west-3"), r("fail", "us-east-1"), r("unknown", None)],
        {"pass": True, "fail": True, "unknown": True},
    )
    findings = findings_from(evaluations)
    assert [(f.policy_id, f.resource.id, f.status.value, f.message) for f in findings] == [
        (
            "T-LOC-001",
            "fail",
            "fail",
            "fail sits in us-east-1: us-east-1 (United States) is outside the EEA",
        ),
        (
            "T-LOC-001",
            "unknown",
            "not_evaluated",
            "could not be checked: the region is not known: var.region has no value",
        ),
    ]
