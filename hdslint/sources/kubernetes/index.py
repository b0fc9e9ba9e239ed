"""The objects of one scan, indexed for the look-ups sources make between them, and the
factory that turns an object into a normalised Resource."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hdslint.config import Config
from hdslint.ids import Destination, ResourceKey, UnknownDestination
from hdslint.model import Edge, EdgeKind, Location, Resource, freeze
from hdslint.sources.kubernetes.clusters import Cluster
from hdslint.sources.kubernetes.objects import (
    K8sObject,
    annotation,
    hdslint_annotations,
    labels,
    redacted,
)

DEFAULT_CLASS_ANNOTATIONS = (
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
)


@dataclass
class ScopeIndex:
    """The objects of one scope (one cluster, or one unmapped folder)."""

    scope: str
    cluster: Cluster
    objects: list[K8sObject] = field(default_factory=list)
    by_id: dict[str, K8sObject] = field(default_factory=dict)
    namespaces: dict[str, K8sObject] = field(default_factory=dict)
    storage_classes: dict[str, K8sObject] = field(default_factory=dict)
    default_class: K8sObject | None = None
    volumes: dict[str, K8sObject] = field(default_factory=dict)
    by_family: dict[str, list[K8sObject]] = field(default_factory=dict)

    def add(self, obj: K8sObject) -> None:
        self.objects.append(obj)
        self.by_id.setdefault(obj.id, obj)
        if obj.group == "" and obj.kind == "Namespace":
            self.namespaces.setdefault(obj.name, obj)
        elif obj.group == "storage.k8s.io" and obj.kind == "StorageClass":
            self.storage_classes.setdefault(obj.name, obj)
            if any(annotation(obj.data, a) == "true" for a in DEFAULT_CLASS_ANNOTATIONS):
                self.default_class = self.default_class or obj
        elif obj.group == "" and obj.kind == "PersistentVolume":
            self.volumes.setdefault(obj.name, obj)
        if obj.family is not None:
            self.by_family.setdefault(obj.family.id, []).append(obj)

    def key(self, resource_id: str) -> ResourceKey:
        """The graph key of a resource of this scope (see Resource.key)."""
        return ResourceKey(self.scope, resource_id)


@dataclass
class ScanIndex:
    """Every scope of the scan, plus what is known across scopes: cloud objects are global
    (an S3 bucket name is unique), so a backup location may name a bucket declared with
    another cluster's manifests."""

    config: Config
    scopes: dict[str, ScopeIndex] = field(default_factory=dict)
    # (provider, cloud name) -> storage resources declared as custom resources.
    buckets: dict[tuple[str, str], list[Resource]] = field(default_factory=dict)

    def scope_of(self, obj: K8sObject) -> ScopeIndex:
        return self.scopes[obj.cluster.scope]

    def find_buckets(self, provider: str, name: str) -> list[Resource]:
        return self.buckets.get((provider, name), [])


@dataclass(frozen=True, slots=True)
class Place:
    """Where something is: provider and region, or why not."""

    provider: str | None
    region: str | None
    why: str | None = None

    def unknown(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.provider is None:
            out["provider"] = self.why or "the provider is not known"
        if self.region is None:
            out["region"] = self.why or "the region is not known"
        return out


def make_resource(
    obj: K8sObject,
    place: Place,
    *,
    service: str | None,
    category: str,
    activities: Sequence[int],
    presumed: bool = True,
    attributes: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
    type_: str | None = None,
    id_: str | None = None,
    location: Location | None = None,
    own_labels: Mapping[str, str] | None = None,
    own_annotations: Mapping[str, str] | None = None,
) -> Resource:
    """A resource of the `kubernetes` source, scoped to the object's cluster. Labels become
    tags over the provider's tags (health-data labels classify it); only hdslint's own
    annotations are kept. `own_labels` / `own_annotations` replace the object's (for the
    resources an object declares inside it, such as volume claim templates)."""
    merged = dict(tags or {})
    merged.update(labels(obj.data) if own_labels is None else own_labels)
    return Resource(
        id=id_ or obj.id,
        type=type_ or obj.type,
        provider=place.provider,
        service=service,
        category=category,
        region=place.region,
        location=location or obj.location,
        source="kubernetes",
        # Bounded and without secret-looking values, whatever the source passed.
        attributes=freeze(redacted(dict(attributes or {}))),
        tags=freeze(merged),
        unknown=freeze(place.unknown()),
        activities=tuple(activities),
        presumed_health_data=presumed,
        annotations=freeze(
            hdslint_annotations(obj.data) if own_annotations is None else own_annotations
        ),
        scope=obj.cluster.scope,
    )


def edge(
    source: ResourceKey,
    target: Destination,
    kind: EdgeKind,
    location: Location,
    *,
    unknown: str | None = None,
) -> Edge:
    """An edge to `target`, or to an unknown destination when `unknown` says why."""
    return Edge(source, UnknownDestination(unknown) if unknown else target, kind, location)
