"""Data flows as edges: replication, copies, backups and logs found through the catalogue's
`flows` entries of each resource type."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hdslint.model import Edge, EdgeKind, Location, Unknown, freeze
from hdslint.registry import normalise_region, paired_region
from hdslint.sources.terraform.expr import Namespace, Scope, evaluate, evaluate_lazy, materialize
from hdslint.sources.terraform.namespaces import ResourceValue
from hdslint.sources.terraform.paths import blocks_at, exprs_at, flatten, static_refs
from hdslint.sources.terraform.resources import ResourceEval


class FlowReader:
    """Turns a resource's `flows` catalogue entries into edges between resource keys."""

    def __init__(self, key: Callable[[str], str], edges: list[Edge]) -> None:
        self.key = key
        self.edges = edges

    def add(
        self,
        res: ResourceEval,
        address: str,
        scope: Scope,
        flow: Mapping[str, Any],
        location: Location,
    ) -> None:
        kind = EdgeKind(flow["kind"])
        subjects = [self.key(address)]
        if "subject" in flow:
            subjects = [
                self.key(target.address)
                for target in self._targets(res, flow["subject"], scope)
                if isinstance(target, Ref)
            ]
        if "to" in flow:
            for target in self._targets(res, flow["to"], scope):
                for subject in subjects:
                    self.edges.append(self._edge(res, subject, target, kind, location))
        if "from" in flow:
            for target in self._targets(res, flow["from"], scope):
                if isinstance(target, Ref):
                    self.edges.append(
                        Edge(self.key(target.address), self.key(address), kind, location)
                    )
        provider = res.config.provider_id
        if "region" in flow:
            for expr, expr_scope, _source in exprs_at(res.block.body, flow["region"], scope):
                for value in flatten(evaluate(expr, expr_scope)):
                    for subject in subjects:
                        self.edges.append(region_edge(subject, value, kind, location, provider))
        if "paired" in flow:
            self._paired_edges(res, subjects, scope, flow, kind, location)
        if "external" in flow:
            for _ in exprs_at(res.block.body, flow["external"], scope):
                for subject in subjects:
                    # The value is never shown: endpoints and connection strings may hold
                    # credentials.
                    self.edges.append(
                        Edge(
                            subject,
                            f"{subject}->{kind.value}:external",
                            kind,
                            location,
                            unknown=f"{flow['external']} sends data to an endpoint outside the"
                            " scanned configuration, whose location hdslint cannot tell",
                        )
                    )
        if "unless_true" in flow or "when_present" in flow:
            self._conditional_unknown_edges(res, subjects, scope, flow, kind, location)

    def _paired_edges(
        self,
        res: ResourceEval,
        subjects: list[str],
        scope: Scope,
        flow: Mapping[str, Any],
        kind: EdgeKind,
        location: Location,
    ) -> None:
        """Geo-redundant copies (Azure GRS, geo-redundant backups) go to the paired region."""
        found = exprs_at(res.block.body, flow["paired"], scope)
        values = [evaluate(expr, sc) for expr, sc, _src in found] or [flow.get("default")]
        provider = res.config.provider_id
        for value in values:
            if isinstance(value, Unknown):
                for subject in subjects:
                    self.edges.append(
                        Edge(
                            subject,
                            f"{subject}->{kind.value}:?",
                            kind,
                            location,
                            unknown=f"whether {flow['paired']} keeps a geo-redundant copy is"
                            f" not known ({value.reason})",
                        )
                    )
                continue
            if value not in flow["values"]:
                continue
            region = res.region(scope)
            for subject in subjects:
                if not isinstance(region, str):
                    reason = region.reason if isinstance(region, Unknown) else "no region"
                    self.edges.append(
                        Edge(
                            subject,
                            f"{subject}->{kind.value}:?",
                            kind,
                            location,
                            unknown=f"the paired region is not known: {reason}",
                        )
                    )
                    continue
                pair = paired_region(provider, region)
                if pair is None:
                    self.edges.append(
                        Edge(
                            subject,
                            f"{subject}->{kind.value}:?",
                            kind,
                            location,
                            unknown=f"{flow['paired']} = {value} keeps a copy in the region"
                            f" paired with {region}, and hdslint knows no pair for it",
                        )
                    )
                    continue
                self.edges.append(region_edge(subject, pair, kind, location, provider))

    def _conditional_unknown_edges(
        self,
        res: ResourceEval,
        subjects: list[str],
        scope: Scope,
        flow: Mapping[str, Any],
        kind: EdgeKind,
        location: Location,
    ) -> None:
        """Data that may go somewhere unknown unless a setting says otherwise (Scaleway's
        backup_same_region) or when a setting is present (Google's automatic replication)."""
        if "unless_true" in flow:
            found = exprs_at(res.block.body, flow["unless_true"], scope)
            if any(evaluate(expr, sc) is True for expr, sc, _src in found):
                return
        elif not exprs_at(res.block.body, flow["when_present"], scope) and not any(
            b[0] == flow["when_present"].rsplit(".", 1)[-1]
            for b in blocks_at(res.block.body, flow["when_present"])
        ):
            return
        for subject in subjects:
            self.edges.append(
                Edge(subject, f"{subject}->{kind.value}:?", kind, location, unknown=flow["reason"])
            )

    def _targets(self, res: ResourceEval, path: str, scope: Scope) -> list[Any]:
        """What the expressions at `path` point at: resources referenced in them (found in
        the expression itself, as Terraform finds dependencies), else their values."""
        out: list[Any] = []
        for expr, expr_scope, _source in exprs_at(res.block.body, path, scope):
            refs = static_refs(expr, res.module)
            if refs:
                out.extend(Ref(a) for a in refs)
            else:
                out.extend(references(evaluate_lazy(expr, expr_scope)))
        return out

    def _edge(
        self, res: ResourceEval, subject: str, target: Any, kind: EdgeKind, location: Location
    ) -> Edge:
        if isinstance(target, Ref):
            return Edge(subject, self.key(target.address), kind, location)
        if isinstance(target, Unknown):
            return Edge(
                subject,
                f"{subject}->{kind.value}:?",
                kind,
                location,
                unknown=f"the destination is not known ({target.reason})",
            )
        text = str(target)
        hint = hint_from_literal(text, res.config.provider_id)
        return Edge(subject, text, kind, location, target_hint=freeze(hint))


def region_edge(
    subject: str, value: Any, kind: EdgeKind, location: Location, provider: str
) -> Edge:
    if isinstance(value, str):
        region = normalise_region(provider, value)
        return Edge(
            subject,
            f"{subject}->{kind.value}:{region}",
            kind,
            location,
            target_hint=freeze({"provider": provider, "region": region}),
        )
    reason = value.reason if isinstance(value, Unknown) else f"{value!r} is not a region"
    return Edge(
        subject,
        f"{subject}->{kind.value}:?",
        kind,
        location,
        unknown=f"the destination region is not known ({reason})",
    )


@dataclass(frozen=True)
class Ref:
    """A reference to a resource address (as opposed to a literal string)."""

    address: str


def references(value: Any) -> list[Any]:
    """What a flow attribute points at: a Ref to a resource, a literal, or an Unknown."""
    if isinstance(value, ResourceValue):
        return [Ref(value.res.address)]
    if isinstance(value, Unknown):
        return [Ref(value.ref)] if value.ref else [value]
    if isinstance(value, Namespace):
        resolved = value.materialize()
        return references(resolved)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [r for item in value for r in references(item)]
    if value is None:
        return []
    return [materialize(value)]


def hint_from_literal(target: str, provider: str) -> dict[str, Any]:
    """Describe a destination written as a literal (an ARN, a name) for the policies."""
    if target.startswith("arn:"):
        parts = target.split(":", 5)
        if len(parts) == 6:
            region = parts[3]
            if region:
                return {"provider": "aws", "region": region, "arn": target}
            return {"provider": "aws", "arn": target}
    return {"provider": provider, "name": target}
