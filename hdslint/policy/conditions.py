"""Evaluate policy conditions on resources, in three-valued logic.

Every condition answers True, False or None (cannot tell), with the reasons in words. A
missing fact is None, never True: `all` is False if any part is False, else None if any part
is None; `any` is True if any part is True, else None if any part is None.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hdslint import saferegex
from hdslint.graph import ResourceGraph
from hdslint.model import Edge, EdgeKind, Evidence, Resource, Unknown, thaw
from hdslint.registry import Registry, Verdict
from hdslint.registry.validity import ValidityState, certificate_validity

MISSING = object()


@dataclass(frozen=True, slots=True)
class Outcome:
    value: bool | None
    reasons: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    verify: tuple[str, ...] = ()


@dataclass
class Context:
    """What conditions may consult besides the resource: the graph, the registry, and the
    health-data classification (id -> True / False / None)."""

    graph: ResourceGraph
    registry: Registry
    health: Mapping[str, bool | None] = field(default_factory=dict)
    # Why each resource is (or may be) health data, e.g. "its tags are not known: ..."
    health_reasons: Mapping[str, str] = field(default_factory=dict)
    _documents: dict[str, dict[str, Any]] = field(default_factory=dict)

    def document(self, resource: Resource) -> dict[str, Any]:
        """The resource as plain data for keys: what `key:` JMESPath expressions see."""
        doc = self._documents.get(resource.key)
        if doc is None:
            doc = {
                "id": resource.id,
                "type": resource.type,
                "provider": resource.provider,
                "service": resource.service,
                "category": resource.category,
                "region": resource.region,
                "source": resource.source,
                "tags": thaw(resource.tags),
                "attributes": thaw(resource.attributes),
                "activities": list(resource.activities),
                "health_data": self.health.get(resource.key),
                "location": {"file": resource.location.file, "line": resource.location.line},
            }
            self._documents[resource.key] = doc
        return doc


# -- keys ----------------------------------------------------------------------------------

_SEGMENT = re.compile(r'\s*(?:([A-Za-z_][A-Za-z0-9_]*)|"((?:[^"\\]|\\.)*)"|\[(\d+)\])\s*')


def _parse_simple(key: str) -> list[str | int] | None:
    """Split a plain dotted path (`tags."data-class"`, `a.b[0]`) or return None."""
    parts: list[str | int] = []
    pos = 0
    expect_segment = True
    while pos < len(key):
        if not expect_segment:
            if key[pos] == ".":
                pos += 1
                expect_segment = True
                continue
            if key[pos] != "[":
                return None
        m = _SEGMENT.match(key, pos)
        if m is None or m.end() == pos:
            return None
        if m.group(1) is not None:
            if not expect_segment:
                return None
            parts.append(m.group(1))
        elif m.group(2) is not None:
            if not expect_segment:
                return None
            parts.append(m.group(2).replace('\\"', '"'))
        else:
            parts.append(int(m.group(3)))
        pos = m.end()
        expect_segment = False
    return parts if parts and not expect_segment else None


@functools.lru_cache(maxsize=1024)
def compile_key(key: str) -> Callable[[Mapping[str, Any]], Any]:
    """A function from the resource document to the key's value (MISSING if absent).

    Plain dotted paths are walked directly, which keeps Unknown values visible; anything
    else is a JMESPath expression. Raises ValueError for an invalid expression."""
    simple = _parse_simple(key)
    if simple is not None:

        def walk(doc: Mapping[str, Any]) -> Any:
            value: Any = doc
            for part in simple:
                if isinstance(value, Unknown):
                    return value
                if isinstance(part, int):
                    if isinstance(value, list) and -len(value) <= part < len(value):
                        value = value[part]
                    else:
                        return MISSING
                elif isinstance(value, Mapping) and part in value:
                    value = value[part]
                else:
                    return MISSING
            return value

        return walk
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        compiled = jmespath.compile(key)
    except JMESPathError as exc:
        text = str(exc).splitlines()[0].removeprefix("Invalid jmespath expression: ")
        text = text.rstrip(": ")
        raise ValueError(text[:1].lower() + text[1:]) from None

    def search(doc: Mapping[str, Any]) -> Any:
        try:
            result = compiled.search(doc)
        except JMESPathError:
            return MISSING
        return MISSING if result is None else result

    return search


def _contains_unknown(value: Any) -> Unknown | None:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, list):
        for item in value:
            found = _contains_unknown(item)
            if found:
                return found
    elif isinstance(value, dict):
        for item in value.values():
            found = _contains_unknown(item)
            if found:
                return found
    return None


def _unknown_for_key(resource: Resource, key: str) -> str | None:
    """The reason a key cannot be read, when the source said the field is unknown."""
    for field_name, reason in resource.unknown.items():
        if (
            key == field_name
            or key.startswith(field_name + ".")
            or key.startswith(field_name + "[")
        ):
            return reason
    return None


# -- operators -----------------------------------------------------------------------------


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _compare(op: str, actual: Any, expected: Any) -> bool:
    try:
        return _compare_values(op, actual, expected)
    except TypeError:  # e.g. `contains` of a number in a string: no match, never a crash
        return op in ("ne", "not_in", "not_contains")


def _compare_values(op: str, actual: Any, expected: Any) -> bool:
    if op in ("present", "absent"):
        present = actual is not MISSING and actual is not None
        return present if op == "present" else not present
    if op in ("empty", "not_empty"):
        empty = actual is MISSING or actual in (None, "", [], {})
        return empty if op == "empty" else not empty
    if actual is MISSING:
        # A missing key never matches a comparison, but its negations hold.
        return op in ("ne", "not_in", "not_contains")
    if op == "eq":
        return bool(actual == expected)
    if op == "ne":
        return bool(actual != expected)
    if op == "in":
        return actual in expected
    if op == "not_in":
        return actual not in expected
    if op in ("contains", "not_contains"):
        found = isinstance(actual, list | str | dict) and expected in actual
        return found if op == "contains" else not found
    if op == "regex":
        return isinstance(actual, str) and saferegex.search(expected, actual)
    if op == "contains_match":
        # A string that matches, or a list with an element that matches (e.g. the plan
        # codes of every `plan_option` block).
        items = actual if isinstance(actual, list) else [actual]
        return any(isinstance(item, str) and saferegex.search(expected, item) for item in items)
    if op == "glob":
        return isinstance(actual, str) and fnmatch.fnmatchcase(actual, expected)
    a, b = _as_number(actual), _as_number(expected)
    if a is None or b is None:
        return False  # a type mismatch is "no match", not a crash
    return {"gt": a > b, "ge": a >= b, "lt": a < b, "le": a <= b}[op]


def _show(value: Any) -> str:
    if value is MISSING:
        return "absent"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- evaluation -----------------------------------------------------------------------------


def evaluate(cond: Mapping[str, Any], resource: Resource, ctx: Context) -> Outcome:
    if "key" in cond:
        return _value(cond, resource, ctx)
    if "all" in cond:
        return _all([evaluate(c, resource, ctx) for c in cond["all"]])
    if "any" in cond:
        return _any([evaluate(c, resource, ctx) for c in cond["any"]])
    if "not" in cond:
        inner = evaluate(cond["not"], resource, ctx)
        if inner.value is None:
            return inner
        return Outcome(not inner.value, inner.reasons, inner.evidence, inner.verify)
    if "in_eea" in cond:
        return _in_eea(resource, ctx)
    if "located" in cond:
        return _located(resource)
    if "classified" in cond:
        if ctx.health.get(resource.key, False) is None:
            reason = ctx.health_reasons.get(resource.key, "its tags are not known")
            return Outcome(None, (f"whether it holds health data is not known: {reason}",))
        return Outcome(True)
    if "known_outside_eea" in cond:
        return _known_outside_eea(resource, ctx)
    if "hds_certified" in cond:
        return _certified(cond["hds_certified"], resource, ctx)
    if "hds_conditions_confirmed" in cond:
        return _conditions_confirmed(resource, ctx)
    if "certificate_valid" in cond:
        return _certificate_valid(cond["certificate_valid"], resource, ctx)
    if "edges" in cond:
        return _edges(cond["edges"], resource, ctx)
    raise ValueError(f"unknown condition {sorted(cond)}")  # the schema prevents this


def _value(cond: Mapping[str, Any], resource: Resource, ctx: Context) -> Outcome:
    key, op = cond["key"], cond["op"]
    reason = _unknown_for_key(resource, key)
    if reason is not None:
        return Outcome(None, (f"{key} is not known: {reason}",))
    actual = compile_key(key)(ctx.document(resource))
    unknown = _contains_unknown(actual) if actual is not MISSING else None
    if unknown is not None:
        return Outcome(None, (f"{key} is not known: {unknown.reason}",))
    expected = cond.get("value")
    result = _compare(op, actual, expected)
    wanted = "" if op in ("present", "absent", "empty", "not_empty") else f" {_show(expected)}"
    return Outcome(result, (f"{key} is {_show(actual)} (expected {op}{wanted})",))


def _all(parts: list[Outcome]) -> Outcome:
    failed = [p for p in parts if p.value is False]
    unknown = [p for p in parts if p.value is None]
    verify = tuple(v for p in parts for v in p.verify)
    evidence = tuple(e for p in parts for e in p.evidence)
    if failed:
        return Outcome(False, tuple(r for p in failed for r in p.reasons), evidence, verify)
    if unknown:
        return Outcome(None, tuple(r for p in unknown for r in p.reasons), evidence, verify)
    return Outcome(True, tuple(r for p in parts for r in p.reasons), evidence, verify)


def _any(parts: list[Outcome]) -> Outcome:
    passed = [p for p in parts if p.value is True]
    unknown = [p for p in parts if p.value is None]
    if passed:
        return Outcome(
            True,
            passed[0].reasons,
            passed[0].evidence,
            passed[0].verify,
        )
    evidence = tuple(e for p in parts for e in p.evidence)
    if unknown:
        return Outcome(None, tuple(r for p in unknown for r in p.reasons), evidence)
    return Outcome(False, tuple(r for p in parts for r in p.reasons), evidence)


def _location_unknown(resource: Resource) -> str | None:
    if resource.provider is None:
        return "the provider is not known" + (
            f": {resource.unknown['provider']}" if "provider" in resource.unknown else ""
        )
    if resource.region is None:
        reason = resource.unknown.get("region")
        return f"the region is not known: {reason}" if reason else "the region is not known"
    return None


def _located(resource: Resource) -> Outcome:
    problem = _location_unknown(resource)
    if problem is not None:
        return Outcome(None, (problem,))
    return Outcome(True, (f"{resource.provider} {resource.region}",))


def _in_eea(resource: Resource, ctx: Context) -> Outcome:
    problem = _location_unknown(resource)
    if problem is not None:
        return Outcome(None, (problem,))
    answer = ctx.registry.eea(resource.provider, resource.region)
    return Outcome(_tri(answer.verdict), (answer.reason,), answer.evidence)


def _known_outside_eea(resource: Resource, ctx: Context) -> Outcome:
    """Two-valued on purpose: only a region the geography places outside the EEA is true."""
    if _location_unknown(resource) is not None:
        return Outcome(False)
    answer = ctx.registry.eea(resource.provider, resource.region)
    if answer.verdict is Verdict.NOT_COVERED:
        return Outcome(True, (answer.reason,), answer.evidence)
    return Outcome(False)


def _tri(verdict: Verdict) -> bool | None:
    if verdict is Verdict.COVERED:
        return True
    if verdict is Verdict.NOT_COVERED:
        return False
    return None


def _activities(spec: Mapping[str, Any], resource: Resource) -> tuple[int, ...]:
    wanted = spec.get("activities", "resource")
    if wanted == "resource":
        return resource.activities
    return tuple(wanted)


def _certified(spec: Mapping[str, Any], resource: Resource, ctx: Context) -> Outcome:
    problem = _location_unknown(resource)
    if problem is not None:
        return Outcome(None, (problem,))
    answer = ctx.registry.coverage(
        resource.provider, resource.service, resource.region, _activities(spec, resource)
    )
    return Outcome(_tri(answer.verdict), (answer.reason,), answer.evidence, answer.verify)


def _conditions_confirmed(resource: Resource, ctx: Context) -> Outcome:
    if resource.provider is None or resource.region is None:
        return Outcome(True, ("no certificate applies yet",))
    answer = ctx.registry.coverage(
        resource.provider, resource.service, resource.region, resource.activities
    )
    if answer.verdict is not Verdict.COVERED or not answer.verify:
        return Outcome(True, ("nothing to confirm",), answer.evidence)
    return Outcome(
        False,
        tuple(f"confirm that {v}" for v in answer.verify),
        answer.evidence,
        answer.verify,
    )


def _certificate_valid(spec: Mapping[str, Any], resource: Resource, ctx: Context) -> Outcome:
    if resource.provider is None:
        return Outcome(None, ("the provider is not known",))
    entry = ctx.registry.providers.get(resource.provider)
    if entry is None or entry.get("status") != "certified":
        return Outcome(True, ("no certificate to check",))
    min_days = spec.get("min_days", 0)
    if min_days == "warning_window":
        min_days = ctx.registry.expiry_warning_days
    validity = certificate_validity(entry, ctx.registry.today, int(min_days))
    evidence = ctx.registry.certificate_evidence(resource.provider)
    ev = (evidence,) if evidence else ()
    value = {
        ValidityState.VALID: True,
        ValidityState.EXPIRING: False,
        ValidityState.EXPIRED: False,
        ValidityState.UNKNOWN: None,
    }.get(validity.state, True)
    return Outcome(value, (validity.text,), ev)


def edge_targets(
    edge: Edge, resource: Resource, direction: str, graph: ResourceGraph
) -> list[Resource] | str:
    """The resources at the other end of an edge, or why they cannot be known. A target
    outside the graph that the source described (a region, an ARN) becomes a stand-in
    resource of the same service as the subject."""
    other = edge.target if direction == "out" else edge.source
    if edge.unknown:
        return edge.unknown
    found = graph.get(other)
    if found is not None:
        return [found]
    instances = list(graph.instances(other))
    if instances:
        return instances
    hint = edge.target_hint
    if hint.get("region"):
        return [
            Resource(
                id=str(hint.get("arn") or hint.get("name") or _destination_name(other, hint)),
                type=resource.type,
                provider=str(hint.get("provider") or resource.provider),
                service=resource.service,
                category=resource.category,
                region=str(hint["region"]),
                location=edge.location or resource.location,
                source=resource.source,
                activities=resource.activities,
            )
        ]
    shown = other.split("::")[-1]
    return f"the destination {shown} is not among the scanned resources and its region is not known"


def _destination_name(target: str, hint: Mapping[str, Any]) -> str:
    """How a destination outside the graph is named in messages: what the source called it,
    or, for a destination known only by its region, the region."""
    if "->" in target:  # a stand-in key made up by the source
        return f"a destination in {hint['region']}"
    return target.rsplit("::", maxsplit=1)[-1]


_KIND_WORDS = {
    "replicates_to": "replicates to",
    "backs_up_to": "is backed up to",
    "copies_to": "is copied to",
    "reads_from": "is read by replica",
    "logs_to": "logs to",
    "mounts": "mounts",
    "stores_in": "stores in",
    "runs_in": "runs in",
    "references": "references",
}


def _edges(spec: Mapping[str, Any], resource: Resource, ctx: Context) -> Outcome:
    kinds = [EdgeKind(k) for k in spec["kinds"]]
    direction = spec.get("direction", "out")
    edges = (
        ctx.graph.out_edges(resource.key, kinds)
        if direction == "out"
        else ctx.graph.in_edges(resource.key, kinds)
    )
    mode = "every" if "every" in spec else "some" if "some" in spec else "none"
    sub = spec[mode]
    results: list[Outcome] = []
    for edge in edges:
        words = _KIND_WORDS[edge.kind.value]
        if direction == "in" and edge.kind is EdgeKind.READS_FROM:
            words = "is replicated to"
        targets = edge_targets(edge, resource, direction, ctx.graph)
        if isinstance(targets, str):
            results.append(Outcome(None, (f"{words} a destination that is not known: {targets}",)))
            continue
        for target in targets:
            inner = evaluate(sub, target, ctx)
            if mode == "none" and inner.value is not None:
                inner = Outcome(not inner.value, inner.reasons, inner.evidence, inner.verify)
            results.append(
                Outcome(
                    inner.value,
                    tuple(f"{words} {target.id}: {r}" for r in inner.reasons),
                    inner.evidence,
                    inner.verify,
                )
            )
    if not results:
        return _no_edge(spec, mode)
    return _any(results) if mode == "some" else _all(results)


def _no_edge(spec: Mapping[str, Any], mode: str) -> Outcome:
    """No edge of the kinds: `every`/`none` hold vacuously and `some` does not, unless the
    policy says what a missing edge means (`if_no_edge`), e.g. `unknown` when the thing
    the resource should reference may simply be outside the scanned code."""
    kinds = "/".join(spec["kinds"])
    wanted = spec.get("if_no_edge", mode != "some")
    if wanted == "unknown":
        return Outcome(
            None, (f"it has no {kinds} edge in the scanned code: what it depends on is not known",)
        )
    return Outcome(bool(wanted), (f"no {kinds} edge",))
