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
from typing import Any, Protocol

import jmespath
from jmespath.exceptions import JMESPathError

from hdslint import saferegex
from hdslint.causes import because
from hdslint.graph import ResourceGraph
from hdslint.ids import ResourceKey, UnknownDestination
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
    health: Mapping[ResourceKey, bool | None] = field(default_factory=dict)
    # Why each resource is (or may be) health data, e.g. "its tags are not known: ..."
    health_reasons: Mapping[ResourceKey, str] = field(default_factory=dict)
    _documents: dict[ResourceKey, dict[str, Any]] = field(default_factory=dict)

    def document(self, resource: Resource) -> dict[str, Any]:
        """The resource as plain data for keys: what `key:` JMESPath expressions see (its
        fields are DOCUMENT_FIELDS)."""
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

# The top-level fields of Context.document: a key starting anywhere else (a misspelt
# `regoin`) could only ever read nothing, so it is refused when the policy is loaded.
DOCUMENT_FIELDS = (
    "id",
    "type",
    "provider",
    "service",
    "category",
    "region",
    "source",
    "tags",
    "attributes",
    "activities",
    "health_data",
    "location",
)
# Fields a source marks unknown without ever giving them a value: `contents`, what a module
# not downloaded or a service not read would have held (HDS-EVAL-001 asks for it).
UNKNOWN_ONLY_FIELDS = ("contents",)
# JMESPath nodes whose first child is what they read first (`a.b`, `a[0]`, `a[*].b`, `a | b`).
_LEFTMOST = frozenset(
    {"subexpression", "index_expression", "projection", "value_projection", "flatten", "pipe"}
)
_FILTER = "filter_projection"


def key_root(key: str) -> str | None:
    """The document field a key reads first (`attributes` for `attributes.plan[0]`), or None
    when it starts with something else (a function, a literal, `@`). Raises ValueError for
    an invalid expression."""
    simple = _parse_simple(key)
    if simple is not None:
        return simple[0] if isinstance(simple[0], str) else None
    try:
        node: Mapping[str, Any] = jmespath.compile(key).parsed
    except JMESPathError:
        compile_key(key)  # raises the ValueError with its message
        return None
    while node.get("type") in _LEFTMOST or node.get("type") == _FILTER:
        node = node["children"][0]
    return str(node["value"]) if node.get("type") == "field" else None


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


# -- comparisons (the `op` of a key condition) ---------------------------------------------


@dataclass(frozen=True, slots=True)
class Comparison:
    """One `op`: how it compares, whether it takes a `value`, and what it answers for a
    missing key (a comparison never matches one, its negations hold)."""

    test: Callable[[Any, Any], bool]
    takes_value: bool = True
    # Checked when the policy is loaded (a regular expression must compile).
    check_value: Callable[[Any], None] | None = None
    negative: bool = False
    sees_missing: bool = False


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


def _numeric(test: Callable[[float, float], bool]) -> Callable[[Any, Any], bool]:
    def compare(actual: Any, expected: Any) -> bool:
        a, b = _as_number(actual), _as_number(expected)
        return a is not None and b is not None and test(a, b)  # a mismatch is "no match"

    return compare


def _present(actual: Any, _expected: Any) -> bool:
    return actual is not MISSING and actual is not None


def _empty(actual: Any, _expected: Any) -> bool:
    return actual is MISSING or actual in (None, "", [], {})


def _contains(actual: Any, expected: Any) -> bool:
    return isinstance(actual, list | str | dict) and expected in actual


def _contains_match(actual: Any, expected: Any) -> bool:
    # A string that matches, or a list with an element that matches (e.g. the plan codes of
    # every `plan_option` block).
    items = actual if isinstance(actual, list) else [actual]
    return any(isinstance(item, str) and saferegex.search(expected, item) for item in items)


def _check_regex(value: Any) -> None:
    saferegex.compile_pattern(value)


COMPARISONS: Mapping[str, Comparison] = {
    "eq": Comparison(lambda a, e: bool(a == e)),
    "ne": Comparison(lambda a, e: bool(a != e), negative=True),
    "in": Comparison(lambda a, e: a in e),
    "not_in": Comparison(lambda a, e: a not in e, negative=True),
    "contains": Comparison(_contains),
    "not_contains": Comparison(lambda a, e: not _contains(a, e), negative=True),
    "regex": Comparison(
        lambda a, e: isinstance(a, str) and saferegex.search(e, a),
        check_value=_check_regex,
    ),
    "contains_match": Comparison(_contains_match, check_value=_check_regex),
    "glob": Comparison(lambda a, e: isinstance(a, str) and fnmatch.fnmatchcase(a, e)),
    "gt": Comparison(_numeric(lambda a, b: a > b)),
    "ge": Comparison(_numeric(lambda a, b: a >= b)),
    "lt": Comparison(_numeric(lambda a, b: a < b)),
    "le": Comparison(_numeric(lambda a, b: a <= b)),
    "present": Comparison(_present, takes_value=False, sees_missing=True),
    "absent": Comparison(lambda a, e: not _present(a, e), takes_value=False, sees_missing=True),
    "empty": Comparison(_empty, takes_value=False, sees_missing=True),
    "not_empty": Comparison(lambda a, e: not _empty(a, e), takes_value=False, sees_missing=True),
}


def compare(op: str, actual: Any, expected: Any) -> bool:
    comparison = COMPARISONS[op]
    if actual is MISSING and not comparison.sees_missing:
        return comparison.negative
    try:
        return comparison.test(actual, expected)
    except TypeError:  # e.g. `contains` of a number in a string: no match, never a crash
        return comparison.negative


def _show(value: Any) -> str:
    if value is MISSING:
        return "absent"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- compiled conditions --------------------------------------------------------------------


class PolicyMeaningError(ValueError):
    """What the schema cannot check (a regex that does not compile, a JMESPath key that does
    not parse), with the path of the condition in the policy file. `problems`: every one
    found (the parts of an `all` or `any` are all compiled before it is raised)."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems or (message,)


class Condition(Protocol):
    """A condition compiled from its YAML form: evaluated on a resource, in three-valued logic."""

    def evaluate(self, resource: Resource, ctx: Context) -> Outcome: ...


def compile_condition(cond: Mapping[str, Any], path: str = "$") -> Condition:
    """The typed node of a condition (already valid against the policy schema), through the
    one table of conditions, CONDITIONS. Raises PolicyMeaningError."""
    for name, build in CONDITIONS.items():
        if name in cond:
            return build(cond, path)
    raise PolicyMeaningError(f"{path}: unknown condition {sorted(cond)}")  # the schema prevents it


def evaluate(cond: Mapping[str, Any], resource: Resource, ctx: Context) -> Outcome:
    """Compile a condition and evaluate it once (policies compile theirs when loaded)."""
    return compile_condition(cond).evaluate(resource, ctx)


@dataclass(frozen=True, slots=True)
class KeyCondition:
    """`key` / `op` / `value`: a field of the resource compared with a value."""

    key: str
    op: str
    value: Any
    read: Callable[[Mapping[str, Any]], Any]

    @classmethod
    def compile(cls, cond: Mapping[str, Any], path: str) -> KeyCondition:
        key, op = cond["key"], cond["op"]
        try:
            read = compile_key(key)
            root = key_root(key)
        except ValueError as exc:
            raise PolicyMeaningError(f"{path}.key: invalid JMESPath {key!r}: {exc}") from None
        if root is not None and root not in (*DOCUMENT_FIELDS, *UNKNOWN_ONLY_FIELDS):
            raise PolicyMeaningError(
                f"{path}.key: {key!r} reads {root!r}, which resources do not have (keys start"
                f" with one of {', '.join(DOCUMENT_FIELDS)})"
            )
        check = COMPARISONS[op].check_value
        if check is not None:
            try:
                check(cond["value"])
            except saferegex.RegexError as exc:
                raise PolicyMeaningError(f"{path}.value: {exc}") from None
        return cls(key, op, cond.get("value"), read)

    def evaluate(self, resource: Resource, ctx: Context) -> Outcome:
        reason = _unknown_for_key(resource, self.key)
        if reason is not None:
            return Outcome(None, (because(f"{self.key} is not known", reason),))
        actual = self.read(ctx.document(resource))
        unknown = _contains_unknown(actual) if actual is not MISSING else None
        if unknown is not None:
            return Outcome(None, (because(f"{self.key} is not known", unknown.reason),))
        result = compare(self.op, actual, self.value)
        wanted = f" {_show(self.value)}" if COMPARISONS[self.op].takes_value else ""
        return Outcome(result, (f"{self.key} is {_show(actual)} (expected {self.op}{wanted})",))


@dataclass(frozen=True, slots=True)
class AllOf:
    """`all`: False if any part is False, else None if any part cannot tell."""

    parts: tuple[Condition, ...]

    @classmethod
    def compile(cls, cond: Mapping[str, Any], path: str) -> AllOf:
        return cls(_compile_list(cond["all"], f"{path}.all"))

    def evaluate(self, resource: Resource, ctx: Context) -> Outcome:
        return all_of([part.evaluate(resource, ctx) for part in self.parts])


@dataclass(frozen=True, slots=True)
class AnyOf:
    """`any`: True if any part is True, else None if any part cannot tell."""

    parts: tuple[Condition, ...]

    @classmethod
    def compile(cls, cond: Mapping[str, Any], path: str) -> AnyOf:
        return cls(_compile_list(cond["any"], f"{path}.any"))

    def evaluate(self, resource: Resource, ctx: Context) -> Outcome:
        return any_of([part.evaluate(resource, ctx) for part in self.parts])


def _compile_list(conds: list[Mapping[str, Any]], path: str) -> tuple[Condition, ...]:
    parts: list[Condition] = []
    problems: list[str] = []
    for i, c in enumerate(conds):
        try:
            parts.append(compile_condition(c, f"{path}[{i}]"))
        except PolicyMeaningError as exc:
            problems.extend(exc.problems)
    if problems:
        raise PolicyMeaningError(problems[0], tuple(problems))
    return tuple(parts)


@dataclass(frozen=True, slots=True)
class Not:
    """`not`: the negation; "cannot tell" stays "cannot tell"."""

    inner: Condition

    @classmethod
    def compile(cls, cond: Mapping[str, Any], path: str) -> Not:
        return cls(compile_condition(cond["not"], f"{path}.not"))

    def evaluate(self, resource: Resource, ctx: Context) -> Outcome:
        return _negated(self.inner.evaluate(resource, ctx))


def _negated(inner: Outcome) -> Outcome:
    if inner.value is None:
        return inner
    return Outcome(not inner.value, inner.reasons, inner.evidence, inner.verify)


def all_of(parts: list[Outcome]) -> Outcome:
    failed = [p for p in parts if p.value is False]
    unknown = [p for p in parts if p.value is None]
    verify = tuple(v for p in parts for v in p.verify)
    evidence = tuple(e for p in parts for e in p.evidence)
    if failed:
        return Outcome(False, tuple(r for p in failed for r in p.reasons), evidence, verify)
    if unknown:
        return Outcome(None, tuple(r for p in unknown for r in p.reasons), evidence, verify)
    return Outcome(True, tuple(r for p in parts for r in p.reasons), evidence, verify)


def any_of(parts: list[Outcome]) -> Outcome:
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
        why = resource.unknown.get("provider")
        return because("the provider is not known", why) if why else "the provider is not known"
    if resource.region is None:
        reason = resource.unknown.get("region")
        return because("the region is not known", reason) if reason else "the region is not known"
    return None


@dataclass(frozen=True, slots=True)
class Located:
    """`located`: the provider and the region are known."""

    @classmethod
    def compile(cls, cond: Mapping[str, Any], path: str) -> Located:
        return cls()

    def evaluate(self, resource: Resource, ctx: Context) -> Outcome:
        problem = _location_unknown(resource)
        if problem is not None:
            return Outcome(None, (problem,))
        return Outcome(True, (f"{resource.provider} {resource.region}",))


@dataclass(frozen=True, slots=True)
class InEea:
    """`in_eea`: the region lies inside the European Economic Area."""

    @classmethod
    def compile(cls, cond: Mapping[str, Any], path: str) -> InEea:
        return cls()

    def evaluate(self, resource: Resource, ctx: Context) -> Outcome:
        problem = _location_unknown(resource)
        if problem is not None:
            return Outcome(None, (problem,))
        answer = ctx.registry.eea(resource.provider, resource.region)
        return Outcome(_tri(answer.verdict), (answer.reason,), answer.evidence)


@dataclass(frozen=True, slots=True)
class KnownOutsideEea:
    """`known_outside_eea`: two-valued on purpose, only a region the geography places outside
    the EEA is true."""

    @classmethod
    def compile(cls, cond: Mapping[str, Any], path: str) -> KnownOutsideEea:
        return cls()

    def evaluate(self, resource: Resource, ctx: Context) -> Outcome:
        if _location_unknown(resource) is not None:
            return Outcome(False)
        answer = ctx.registry.eea(resource.provider, resource.region)
        if answer.verdict is Verdict.NOT_COVERED:
            return Outcome(True, (answer.reason,), answer.evidence)
        return Outcome(False)


@dataclass(frozen=True, slots=True)
class Classified:
    """`classified`: whether the resource holds health data is known."""

    @classmethod
    def compile(cls, cond: Mapping[str, Any], path: str) -> Classified:
        return cls()

    def evaluate(self, resource: Resource, ctx: Context) -> Outcome:
        if ctx.health.get(resource.key, False) is None:
            reason = ctx.health_reasons.get(resource.key, "its tags are not known")
            return Outcome(None, (f"whether it holds health data is not known: {reason}",))
        return Outcome(True)


def _tri(verdict: Verdict) -> bool | None:
    if verdict is Verdict.COVERED:
        return True
    if verdict is Verdict.NOT_COVERED:
        return False
    return None


@dataclass(frozen=True, slots=True)
class HdsCertified:
    """`hds_certified`: the provider holds an HDS certificate for this service and region,
    for the resource's activities (or the ones given)."""

    activities: tuple[int, ...] | None  # None: the resource's own

    @classmethod
    def compile(cls, cond: Mapping[str, Any], path: str) -> HdsCertified:
        wanted = cond["hds_certified"].get("activities", "resource")
        return cls(None if wanted == "resource" else tuple(wanted))

    def evaluate(self, resource: Resource, ctx: Context) -> Outcome:
        problem = _location_unknown(resource)
        if problem is not None:
            return Outcome(None, (problem,))
        activities = resource.activities if self.activities is None else self.activities
        answer = ctx.registry.coverage(
            resource.provider, resource.service, resource.region, activities
        )
        return Outcome(_tri(answer.verdict), (answer.reason,), answer.evidence, answer.verify)


@dataclass(frozen=True, slots=True)
class ConditionsConfirmed:
    """`hds_conditions_confirmed`: the conditions of a conditional certificate are confirmed."""

    @classmethod
    def compile(cls, cond: Mapping[str, Any], path: str) -> ConditionsConfirmed:
        return cls()

    def evaluate(self, resource: Resource, ctx: Context) -> Outcome:
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


@dataclass(frozen=True, slots=True)
class CertificateValid:
    """`certificate_valid`: the provider's certificate is valid for at least `min_days`
    more days (`warning_window`: the registry's expiry warning)."""

    min_days: int | None  # None: the registry's warning window

    @classmethod
    def compile(cls, cond: Mapping[str, Any], path: str) -> CertificateValid:
        min_days = cond["certificate_valid"].get("min_days", 0)
        return cls(None if min_days == "warning_window" else int(min_days))

    def evaluate(self, resource: Resource, ctx: Context) -> Outcome:
        if resource.provider is None:
            return Outcome(None, ("the provider is not known",))
        entry = ctx.registry.providers.get(resource.provider)
        if entry is None or entry.get("status") != "certified":
            return Outcome(True, ("no certificate to check",))
        min_days = ctx.registry.expiry_warning_days if self.min_days is None else self.min_days
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
    """The resources at the other end of an edge, or why they cannot be known. A place
    outside the graph whose region the source told (a region, an ARN) becomes a stand-in
    resource of the same service as the subject."""
    other = edge.target if direction == "out" else edge.source
    if isinstance(other, UnknownDestination):
        return other.reason
    if isinstance(other, ResourceKey):
        found = graph.get(other)
        if found is not None:
            return [found]
        instances = list(graph.instances(other))
        if instances:
            return instances
        if direction == "in" and edge.origin is not None:
            other = edge.origin  # what the destination reported of its source
            if isinstance(other, UnknownDestination):
                return other.reason
        else:
            return (
                f"the destination {other.id} is not among the scanned resources and its"
                " region is not known"
            )
    if other.region is None:
        return (
            f"the destination {other} is not among the scanned resources and its region is"
            " not known"
        )
    return [
        Resource(
            id=str(other),
            type=resource.type,
            provider=other.provider or resource.provider,
            service=resource.service,
            category=resource.category,
            region=other.region,
            location=edge.location or resource.location,
            source=resource.source,
            activities=resource.activities,
        )
    ]


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


@dataclass(frozen=True, slots=True)
class EdgeCondition:
    """`edges`: what `every` / `some` / `none` of the resources at the other end of the
    edges of some kinds must meet."""

    kinds: tuple[EdgeKind, ...]
    direction: str
    mode: str  # every, some or none
    inner: Condition
    if_no_edge: bool | str

    @classmethod
    def compile(cls, cond: Mapping[str, Any], path: str) -> EdgeCondition:
        spec = cond["edges"]
        mode = "every" if "every" in spec else "some" if "some" in spec else "none"
        return cls(
            kinds=tuple(EdgeKind(k) for k in spec["kinds"]),
            direction=spec.get("direction", "out"),
            mode=mode,
            inner=compile_condition(spec[mode], f"{path}.edges.{mode}"),
            if_no_edge=spec.get("if_no_edge", mode != "some"),
        )

    def evaluate(self, resource: Resource, ctx: Context) -> Outcome:
        kinds = list(self.kinds)
        edges = (
            ctx.graph.out_edges(resource.key, kinds)
            if self.direction == "out"
            else ctx.graph.in_edges(resource.key, kinds)
        )
        results: list[Outcome] = []
        for edge in edges:
            words = _KIND_WORDS[edge.kind.value]
            if self.direction == "in" and edge.kind is EdgeKind.READS_FROM:
                words = "is replicated to"
            targets = edge_targets(edge, resource, self.direction, ctx.graph)
            if isinstance(targets, str):
                results.append(
                    Outcome(
                        None,
                        (
                            because(
                                f"{words} a destination that is not known",
                                targets,
                                about=resource.key,
                            ),
                        ),
                    )
                )
                continue
            for target in targets:
                inner = self.inner.evaluate(target, ctx)
                if self.mode == "none":
                    inner = _negated(inner)
                results.append(
                    Outcome(
                        inner.value,
                        tuple(
                            because(f"{words} {target.id}", r, about=target.key)
                            for r in inner.reasons
                        ),
                        inner.evidence,
                        inner.verify,
                    )
                )
        if not results:
            return self._no_edge()
        return any_of(results) if self.mode == "some" else all_of(results)

    def _no_edge(self) -> Outcome:
        """No edge of the kinds: `every`/`none` hold vacuously and `some` does not, unless
        the policy says what a missing edge means (`if_no_edge`), e.g. `unknown` when the
        thing the resource should reference may simply be outside the scanned code."""
        kinds = "/".join(kind.value for kind in self.kinds)
        if self.if_no_edge == "unknown":
            return Outcome(
                None,
                (f"it has no {kinds} edge in the scanned code: what it depends on is not known",),
            )
        return Outcome(bool(self.if_no_edge), (f"no {kinds} edge",))


# The one table of conditions: the key that names a condition in YAML -> how its node is
# compiled. A new condition is a class above, a line here (and its shape in the schema).
CONDITIONS: Mapping[str, Callable[[Mapping[str, Any], str], Condition]] = {
    "key": KeyCondition.compile,
    "all": AllOf.compile,
    "any": AnyOf.compile,
    "not": Not.compile,
    "in_eea": InEea.compile,
    "located": Located.compile,
    "classified": Classified.compile,
    "known_outside_eea": KnownOutsideEea.compile,
    "hds_certified": HdsCertified.compile,
    "hds_conditions_confirmed": ConditionsConfirmed.compile,
    "certificate_valid": CertificateValid.compile,
    "edges": EdgeCondition.compile,
}
