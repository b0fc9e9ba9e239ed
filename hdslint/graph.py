"""The resource graph: every source's resources and edges, merged, then read-only."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

from hdslint.ids import ResourceKey, UnknownDestination
from hdslint.model import Edge, EdgeKind, Resource


class ResourceGraph:
    """Nodes keyed by resource key (see Resource.key) and typed, directed edges. Built once,
    then only read."""

    __slots__ = ("_edges", "_in", "_instances", "_out", "_resources")

    def __init__(self, resources: Iterable[Resource], edges: Iterable[Edge]) -> None:
        by_id: dict[ResourceKey, Resource] = {}
        for resource in resources:
            # The first declaration wins; sources give each resource a unique id, so a
            # duplicate only arises when the same input is scanned twice (e.g. `scan a a`).
            by_id.setdefault(resource.key, resource)
        out: dict[ResourceKey, list[Edge]] = {}
        into: dict[ResourceKey, list[Edge]] = {}
        kept: list[Edge] = []
        seen: set[tuple[ResourceKey, object, EdgeKind]] = set()
        for edge in edges:
            # One unknown destination per source and kind: the first reason found says it.
            target = edge.target
            key = (
                edge.source,
                type(target) if isinstance(target, UnknownDestination) else target,
                edge.kind,
            )
            if key in seen:
                continue
            seen.add(key)
            kept.append(edge)
            out.setdefault(edge.source, []).append(edge)
            if isinstance(target, ResourceKey):
                into.setdefault(target, []).append(edge)
        self._resources: Mapping[ResourceKey, Resource] = MappingProxyType(by_id)
        # `aws_s3_bucket.b` -> its instances `aws_s3_bucket.b["x"]`, `...b[0]`: an edge may
        # name the resource while the graph holds its instances.
        instances: dict[ResourceKey, list[Resource]] = {}
        for rkey, resource in by_id.items():
            if rkey.id.endswith("]"):
                base = rkey.base()
                if base != rkey:
                    instances.setdefault(base, []).append(resource)
        self._instances = {k: tuple(v) for k, v in instances.items()}
        self._edges = tuple(kept)
        self._out = {k: tuple(v) for k, v in out.items()}
        self._in = {k: tuple(v) for k, v in into.items()}

    def __len__(self) -> int:
        return len(self._resources)

    def __iter__(self) -> Iterator[Resource]:
        return iter(self._resources.values())

    def __contains__(self, key: object) -> bool:
        return key in self._resources

    @property
    def resources(self) -> Mapping[ResourceKey, Resource]:
        return self._resources

    @property
    def edges(self) -> tuple[Edge, ...]:
        return self._edges

    def get(self, key: ResourceKey) -> Resource | None:
        return self._resources.get(key)

    def instances(self, key: ResourceKey) -> tuple[Resource, ...]:
        """The instances of a counted or for_each resource, by the resource's key."""
        return self._instances.get(key, ())

    def out_edges(
        self, key: ResourceKey, kinds: Iterable[EdgeKind] | None = None
    ) -> tuple[Edge, ...]:
        edges = self._out.get(key, ())
        if kinds is None:
            return edges
        wanted = frozenset(kinds)
        return tuple(e for e in edges if e.kind in wanted)

    def in_edges(
        self, key: ResourceKey, kinds: Iterable[EdgeKind] | None = None
    ) -> tuple[Edge, ...]:
        edges = self._in.get(key, ())
        if kinds is None:
            return edges
        wanted = frozenset(kinds)
        return tuple(e for e in edges if e.kind in wanted)
