from __future__ import annotations

from typing import Any

import pytest

from hdslint.graph import ResourceGraph
from hdslint.ids import Outside, ResourceKey, UnknownDestination
from hdslint.model import Edge, EdgeKind, Location, Resource, Unknown, freeze
from hdslint.policy.conditions import Context, compile_key, evaluate
from hdslint.registry import load_registry

REG = load_registry()


def res(rid: str = "aws_s3_bucket.b", **kw: Any) -> Resource:
    base: dict[str, Any] = {
        "id": rid,
        "type": "aws_s3_bucket",
        "provider": "aws",
        "service": "aws:s3",
        "category": "storage",
        "region": "eu-west-3",
        "location": Location("main.tf", 1),
        "source": "terraform",
        "activities": (1, 2, 3, 4),
    }
    base.update(kw)
    for name in ("attributes", "tags", "unknown"):
        if name in base:
            base[name] = freeze(base[name])
    return Resource(**base)


def check(cond: dict[str, Any], resource: Resource, *more: Resource, edges: tuple[Edge, ...] = ()):
    graph = ResourceGraph([resource, *more], edges)
    outcome = evaluate(cond, resource, Context(graph=graph, registry=REG))
    return outcome.value, outcome.reasons


ATTRS = {
    "versioning": [{"enabled": True}],
    "name": "phi-records",
    "size": 100,
    "list": ["a", "b"],
    "later": Unknown("aws_kms_key.k.arn is only known after apply"),
}


@pytest.mark.parametrize(
    ("key", "op", "value", "expected"),
    [
        ("attributes.name", "eq", "phi-records", True),
        ("attributes.name", "eq", "other", False),
        ("attributes.name", "ne", "other", True),
        ("attributes.name", "in", ["x", "phi-records"], True),
        ("attributes.name", "not_in", ["x"], True),
        ("attributes.name", "regex", "^phi-", True),
        ("attributes.name", "glob", "phi-*", True),
        ("attributes.list", "contains", "a", True),
        ("attributes.list", "not_contains", "z", True),
        ("attributes.size", "gt", 99, True),
        ("attributes.size", "ge", 100, True),
        ("attributes.size", "lt", 100, False),
        ("attributes.size", "le", "100", True),
        ("attributes.name", "gt", 3, False),  # a type mismatch is no match, not a crash
        ("attributes.versioning[0].enabled", "eq", True, True),
        ("attributes.missing", "absent", None, True),
        ("attributes.missing", "present", None, False),
        ("attributes.missing", "eq", "x", False),
        ("attributes.missing", "ne", "x", True),
        ("attributes.list", "not_empty", None, True),
        ("attributes.missing", "empty", None, True),
        ("region", "eq", "eu-west-3", True),
        ('tags."data-classification"', "eq", "health", True),
        ("attributes.versioning[?enabled].enabled | [0]", "eq", True, True),  # JMESPath
        ("length(attributes.list)", "eq", 2, True),
        ("attributes.later", "present", None, None),  # unknown stays unknown
        ("attributes.name", "contains_match", "^phi-", True),  # a string
        ("attributes.list", "contains_match", "^b$", True),  # any element of a list
        ("attributes.list", "contains_match", "^z", False),
        ("attributes.missing", "contains_match", ".", False),
        ("attributes.size", "contains_match", "1", False),  # not a string: no match
    ],
)
def test_value_operators(key: str, op: str, value: Any, expected: bool | None) -> None:
    cond = {"key": key, "op": op}
    if op not in ("present", "absent", "empty", "not_empty"):
        cond["value"] = value
    r = res(attributes=ATTRS, tags={"data-classification": "health"})
    assert check(cond, r)[0] is expected


def test_value_reason_is_readable() -> None:
    r = res(attributes=ATTRS)
    assert check({"key": "attributes.size", "op": "gt", "value": 500}, r) == (
        False,
        ("attributes.size is 100 (expected gt 500)",),
    )


def test_unknown_field_reports_its_reason() -> None:
    r = res(region=None, unknown={"region": "variable 'region' has no value"})
    assert check({"key": "region", "op": "eq", "value": "eu-west-3"}, r) == (
        None,
        ("region is not known: variable 'region' has no value",),
    )


T, F, U = (
    {"key": "region", "op": "eq", "value": "eu-west-3"},
    {"key": "region", "op": "eq", "value": "us-east-1"},
    {"key": "attributes.later", "op": "present"},
)


@pytest.mark.parametrize(
    ("cond", "expected"),
    [
        ({"all": [T, T]}, True),
        ({"all": [T, F]}, False),
        ({"all": [T, U]}, None),
        ({"all": [F, U]}, False),  # one false part decides
        ({"any": [F, T]}, True),
        ({"any": [F, U]}, None),
        ({"any": [T, U]}, True),  # one true part decides
        ({"any": [F, F]}, False),
        ({"not": T}, False),
        ({"not": F}, True),
        ({"not": U}, None),
    ],
)
def test_three_valued_logic(cond: dict[str, Any], expected: bool | None) -> None:
    assert check(cond, res(attributes=ATTRS))[0] is expected


@pytest.mark.parametrize(
    ("region", "provider", "expected", "reason"),
    [
        ("eu-west-3", "aws", True, "eu-west-3 (France) is in the EEA"),
        ("us-east-1", "aws", False, "us-east-1 (United States) is outside the EEA"),
        (None, "aws", None, "the region is not known: no region argument"),
    ],
)
def test_in_eea(region: str | None, provider: str, expected: bool | None, reason: str) -> None:
    unknown = {} if region else {"region": "no region argument"}
    r = res(region=region, provider=provider, unknown=unknown)
    assert check({"in_eea": True}, r) == (expected, (reason,))


def test_hds_certified_uses_the_resource_activities_or_a_fixed_list() -> None:
    r = res(
        provider="scaleway", service="scaleway:object", region="fr-par", activities=(1, 2, 3, 4)
    )
    assert check({"hds_certified": {"activities": "resource"}}, r)[0] is True
    assert check({"hds_certified": {"activities": [6]}}, r) == (
        False,
        ("Scaleway's HDS certificate covers activities 1-4, not 6 (backup)",),
    )


def test_edges_every_some_none() -> None:
    src = res("a")
    eu = res("b", region="eu-central-1")
    us = res("c", region="us-east-1")
    edges = (
        Edge(ResourceKey("", "a"), ResourceKey("", "b"), EdgeKind.REPLICATES_TO),
        Edge(ResourceKey("", "a"), ResourceKey("", "c"), EdgeKind.BACKS_UP_TO),
    )
    every = {"edges": {"kinds": ["replicates_to", "backs_up_to"], "every": {"in_eea": True}}}
    assert check(every, src, eu, us, edges=edges) == (
        False,
        ("is backed up to c: us-east-1 (United States) is outside the EEA",),
    )
    some = {"edges": {"kinds": ["replicates_to", "backs_up_to"], "some": {"in_eea": True}}}
    assert check(some, src, eu, us, edges=edges)[0] is True
    none = {"edges": {"kinds": ["replicates_to"], "none": {"in_eea": True}}}
    assert check(none, src, eu, us, edges=edges)[0] is False
    no_edges = {"edges": {"kinds": ["copies_to"], "every": {"in_eea": True}}}
    assert check(no_edges, src, eu, us, edges=edges) == (True, ("no copies_to edge",))


def test_edge_to_a_destination_outside_the_graph() -> None:
    src = res("a")
    hinted = Edge(
        ResourceKey("", "a"),
        Outside("aws", "us-west-2", "arn:aws:backup:us-west-2:1:backup-vault:v"),
        EdgeKind.COPIES_TO,
    )
    unknown = Edge(
        ResourceKey("", "a"),
        UnknownDestination("the destination is not known"),
        EdgeKind.COPIES_TO,
    )
    cond = {"edges": {"kinds": ["copies_to"], "every": {"in_eea": True}}}
    assert check(cond, src, edges=(hinted,)) == (
        False,
        (
            "is copied to arn:aws:backup:us-west-2:1:backup-vault:v: us-west-2 (United States)"
            " is outside the EEA",
        ),
    )
    assert check(cond, src, edges=(unknown,)) == (
        None,
        ("is copied to a destination that is not known: the destination is not known",),
    )
    dangling = Edge(ResourceKey("", "a"), ResourceKey("", "elsewhere"), EdgeKind.COPIES_TO)
    assert check(cond, src, edges=(dangling,)) == (
        None,
        (
            "is copied to a destination that is not known: the destination elsewhere is not"
            " among the scanned resources and its region is not known",
        ),
    )


def test_invalid_jmespath_is_rejected() -> None:
    with pytest.raises(ValueError):
        compile_key("attributes.[")


def test_if_no_edge_says_what_a_missing_edge_means() -> None:
    src = res("a")
    cond: dict[str, Any] = {"edges": {"kinds": ["references"], "some": {"in_eea": True}}}
    assert check(cond, src) == (False, ("no references edge",))
    cond["edges"]["if_no_edge"] = "unknown"
    assert check(cond, src) == (
        None,
        ("it has no references edge in the scanned code: what it depends on is not known",),
    )
    cond["edges"]["if_no_edge"] = True
    assert check(cond, src) == (True, ("no references edge",))
    every = {"edges": {"kinds": ["references"], "every": {"in_eea": True}, "if_no_edge": False}}
    assert check(every, src) == (False, ("no references edge",))


@pytest.mark.parametrize(
    ("today", "spec", "expected"),
    [
        # Clever Cloud's certificate: valid until 2027-12-19 in the shipped registry.
        (
            "2026-11-28",
            {"min_days": 0},
            (True, "Clever Cloud's HDS certificate is valid until 2027-12-19"),
        ),
        (
            "2026-11-28",
            {"min_days": "warning_window"},
            (True, "Clever Cloud's HDS certificate is valid until 2027-12-19"),
        ),
        (
            "2027-11-01",
            {"min_days": "warning_window"},
            (
                False,
                "Clever Cloud's HDS certificate expires on 2027-12-19, in 48 days"
                " (within the 90-day warning window)",
            ),
        ),
        (
            "2027-11-01",
            {"min_days": 30},
            (True, "Clever Cloud's HDS certificate is valid until 2027-12-19"),
        ),
        (
            "2028-01-01",
            {"min_days": 0},
            (False, "Clever Cloud's HDS certificate expired on 2027-12-19"),
        ),
    ],
)
def test_certificate_valid(today: str, spec: dict[str, Any], expected: tuple[bool, str]) -> None:
    import datetime as dt

    registry = load_registry(today=dt.date.fromisoformat(today))
    r = res("pg", provider="clevercloud", region="rbxhds", service="clevercloud:postgresql")
    outcome = evaluate({"certificate_valid": spec}, r, Context(ResourceGraph([r], []), registry))
    assert (outcome.value, outcome.reasons[0]) == expected


def test_certificate_valid_unknown_dates_and_no_certificate() -> None:
    aws = res("b")
    assert check({"certificate_valid": {"min_days": 0}}, aws) == (
        None,
        (
            "the validity dates of Amazon Web Services (AWS)'s HDS certificate are not known"
            " (not in the sources read)",
        ),
    )
    nobody = res("d", provider="digitalocean", region="fra1")
    assert check({"certificate_valid": {"min_days": 0}}, nobody) == (
        True,
        ("no certificate to check",),
    )


def test_warning_window_comes_from_the_registry_settings() -> None:
    import datetime as dt

    registry = load_registry(today=dt.date(2026, 11, 28), expiry_warning_days=400)
    r = res("pg", provider="clevercloud", region="rbxhds")
    outcome = evaluate(
        {"certificate_valid": {"min_days": "warning_window"}},
        r,
        Context(ResourceGraph([r], []), registry),
    )
    assert outcome.value is False


def test_classified() -> None:
    r = res()
    graph = ResourceGraph([r], [])
    unknown = Context(
        graph=graph,
        registry=REG,
        health={r.key: None},
        health_reasons={r.key: "its tags are not known: tag 'x'"},
    )
    assert evaluate({"classified": True}, r, unknown).value is None
    assert evaluate({"classified": True}, r, unknown).reasons == (
        "whether it holds health data is not known: its tags are not known: tag 'x'",
    )
    known = Context(graph=graph, registry=REG, health={r.key: False})
    assert evaluate({"classified": True}, r, known).value is True
