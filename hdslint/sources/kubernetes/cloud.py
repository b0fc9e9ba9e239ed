"""Cloud resources declared as custom resources: Crossplane managed resources, ACK, Google
Config Connector and Azure Service Operator objects become the same normalised resources as
their Terraform equivalents (same provider, service, category, activities), so the same
policies judge them. Their native type stays the Kubernetes kind (`Bucket.s3.aws.upbound.io`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hdslint.geography import normalise_region
from hdslint.ids import Destination, Outside, ResourceKey
from hdslint.model import DATA_CATEGORIES, Edge, Resource, Unknown
from hdslint.sources.base import flatten
from hdslint.sources.flows import flow_edges
from hdslint.sources.kubernetes.index import Place, ScanIndex, ScopeIndex, make_resource
from hdslint.sources.kubernetes.kinds import KindSpec, kind_spec
from hdslint.sources.kubernetes.objects import (
    K8sObject,
    annotation,
    is_placeholder,
    labels,
    mapping_at,
    strings_at,
    table,
    tag_map,
    values_at,
)

_ARN_NAME = re.compile(r"[:/]")
_LOCATION_IN_PATH = re.compile(r"/(?:locations|regions|zones)/([^/]+)")


@dataclass(frozen=True, slots=True)
class Ref:
    """What a reference field points at: an object among the manifests, or only a text (a
    name, an ARN) with the region the text itself tells, if any."""

    target: K8sObject | None
    text: str
    region: str | None = None


def spec_of(obj: K8sObject) -> KindSpec:
    assert obj.family is not None
    return kind_spec(obj.family.id, obj.family_kind)


def identities(obj: K8sObject) -> frozenset[str]:
    """The names an object is known by in the cloud: its metadata.name, its external name."""
    names = {obj.name}
    for path in spec_of(obj).names:
        names.update(strings_at(obj.data, path))
    return frozenset(names)


def _text_parts(text: str) -> tuple[str, str | None]:
    """The name and region an ARN, a Google resource path or an Azure id tells."""
    if text.startswith("arn:"):
        parts = text.split(":", 5)
        region = parts[3] if len(parts) > 3 and parts[3] else None
        resource = parts[5] if len(parts) == 6 else text
        return _ARN_NAME.split(resource)[-1], region
    if "/" in text:
        found = _LOCATION_IN_PATH.search(text)
        return text.rstrip("/").rsplit("/", 1)[-1], found.group(1) if found else None
    return text, None


def _arn_service_fits(text: str, obj: K8sObject) -> bool:
    """An ARN names a service: `arn:aws:rds:...:db:main` is not the S3 bucket `main`."""
    if not text.startswith("arn:") or obj.family is None:
        return True
    parts = text.split(":", 3)
    if len(parts) < 3:
        return True
    aliases = table()["arn_services"].get(parts[2], [parts[2]])
    return obj.family.service in aliases


class CloudResources:
    """Builds the resources of every cloud custom resource of a scan, resolving regions
    (which may come from a parent object or a Namespace) once per object."""

    def __init__(self, scan: ScanIndex) -> None:
        self.scan = scan
        self._places: dict[ResourceKey, Place] = {}
        self._busy: set[ResourceKey] = set()
        self._names: dict[int, frozenset[str]] = {}

    # -- location ----------------------------------------------------------------------

    def place(self, idx: ScopeIndex, obj: K8sObject) -> Place:
        key = idx.key(obj.id)
        found = self._places.get(key)
        if found is not None:
            return found
        if key in self._busy:  # a reference cycle: nothing more can be told
            return Place(spec_of(obj).provider, None, "its region comes from a reference cycle")
        self._busy.add(key)
        try:
            place = self._resolve(idx, obj)
        finally:
            self._busy.discard(key)
        self._places[key] = place
        return place

    def _resolve(self, idx: ScopeIndex, obj: K8sObject) -> Place:
        spec = spec_of(obj)
        provider = spec.provider
        tried: list[str] = []
        for source in spec.region:
            value, described = self._region_source(idx, obj, source)
            if described:
                tried.append(described)
            if value is None:
                continue
            if is_placeholder(value):
                return Place(
                    provider,
                    None,
                    f"{described} is a placeholder ({value!r}) filled in at deploy time",
                )
            if spec.region_prefix and value.startswith(spec.region_prefix):
                value = value[len(spec.region_prefix) :]
            return Place(provider, normalise_region(provider, value))
        for path in spec.region_from:
            for ref in self.refs(idx, obj, path):
                if ref.target is not None:
                    parent = self.place(self.scan.scope_of(ref.target), ref.target)
                    if parent.region is not None:
                        return Place(provider, parent.region)
                    return Place(
                        provider,
                        None,
                        f"it is in {ref.target.id}, whose region is not known: {parent.why}",
                    )
                if ref.region:
                    return Place(provider, normalise_region(provider, ref.region))
                return Place(
                    provider, None, f"it is in {ref.text}, which is not among the scanned manifests"
                )
            if not path.startswith("spec.initProvider."):
                tried.append(path)
        if spec.region_default:
            return Place(provider, normalise_region(provider, spec.region_default))
        if not tried:
            return Place(provider, None, f"hdslint does not know where {obj.type} keeps its region")
        if len(tried) == 1:
            return Place(provider, None, f"{tried[0]} is not set")
        return Place(provider, None, f"none of {', '.join(tried[:-1])} or {tried[-1]} is set")

    def _region_source(
        self, idx: ScopeIndex, obj: K8sObject, source: Any
    ) -> tuple[str | None, str | None]:
        """A region source's value, and how messages name it (None: not worth naming)."""
        if isinstance(source, str):
            found = strings_at(obj.data, source)
            shown = None if source.startswith(("status.", "spec.initProvider.")) else source
            return (found[0] if found else None), shown
        if "annotation" in source:
            return annotation(obj.data, source["annotation"]), f"annotation {source['annotation']}"
        if "namespace_annotation" in source:
            key = source["namespace_annotation"]
            namespace = idx.namespaces.get(obj.namespace or "")
            if namespace is None:
                shown = f"annotation {key} on Namespace {obj.namespace!r}"
                return None, f"{shown} (not among the scanned manifests)"
            return annotation(
                namespace.data, key
            ), f"annotation {key} on Namespace {obj.namespace!r}"
        if source.get("config") == "ack_default_region":
            shown = f"kubernetes.ack.default_region in {self.scan.config.file or '.hdslint.yaml'}"
            return self.scan.config.ack_default_region, shown
        return None, None

    # -- references --------------------------------------------------------------------

    def refs(
        self, idx: ScopeIndex, obj: K8sObject, path: str, *, data_only: bool = False
    ) -> list[Ref]:
        """What a reference field points to. Crossplane keeps the value in `field`, an object
        name in `fieldRef` and labels in `fieldSelector`; Config Connector and ASO keep
        `{name}` / `{external}` / `{armId}` mappings; ACK `{from: {name}}`."""
        parent, _, field = path.replace("[]", "").rpartition(".")
        containers = values_at(obj.data, parent) if parent else [obj.data]
        out: list[Ref] = []
        for container in flatten(containers):
            if not isinstance(container, Mapping):
                continue
            for value in _items(container.get(field)):
                if isinstance(value, Mapping):
                    out += self._mapping_ref(idx, obj, value, data_only)
                elif isinstance(value, str | int) and str(value).strip():
                    out.append(self._text_ref(idx, obj, str(value).strip(), data_only))
            for value in _items(container.get(field + "Ref")):
                if isinstance(value, Mapping):
                    out += self._mapping_ref(idx, obj, value, data_only)
            selector = container.get(field + "Selector")
            if isinstance(selector, Mapping):
                wanted = selector.get("matchLabels")
                if isinstance(wanted, Mapping) and wanted:
                    out += [
                        Ref(o, o.name)
                        for o in self._candidates(idx, obj, data_only)
                        if _has_labels(o, wanted)
                    ]
        return _narrowed_by_field(out, field)

    def _names_of(self, obj: K8sObject) -> frozenset[str]:
        found = self._names.get(id(obj))
        if found is None:
            found = self._names[id(obj)] = identities(obj)
        return found

    def _candidates(self, idx: ScopeIndex, obj: K8sObject, data_only: bool) -> list[K8sObject]:
        """Objects of the same family in the same scope; for data flows, only data stores (a
        selector's labels often match the IAM roles and policies of the same stack too)."""
        assert obj.family is not None
        found = idx.by_family.get(obj.family.id, [])
        return [
            o
            for o in found
            if o is not obj and (not data_only or spec_of(o).category in DATA_CATEGORIES)
        ]

    def _mapping_ref(
        self, idx: ScopeIndex, obj: K8sObject, value: Mapping[str, Any], data_only: bool
    ) -> list[Ref]:
        name = value.get("name") or mapping_at(value, "from").get("name")
        if isinstance(name, str) and name:
            namespace = value.get("namespace") or obj.namespace
            matches = [
                o
                for o in self._candidates(idx, obj, data_only)
                if o.name == name and o.namespace in (None, namespace)
            ]
            return [Ref(o, name) for o in matches] or [Ref(None, name)]
        external = value.get("external") or value.get("armId")
        if isinstance(external, str) and external:
            return [self._text_ref(idx, obj, external, data_only)]
        return []

    def _text_ref(self, idx: ScopeIndex, obj: K8sObject, text: str, data_only: bool) -> Ref:
        name, region = _text_parts(text)
        if is_placeholder(text):
            return Ref(None, text)
        matches = [
            o
            for o in self._candidates(idx, obj, data_only)
            if {text, name} & self._names_of(o) and _arn_service_fits(text, o)
        ]
        stores = [o for o in matches if spec_of(o).category != "other"]
        chosen = stores or matches
        if chosen:
            same_namespace = [o for o in chosen if o.namespace in (None, obj.namespace)]
            return Ref((same_namespace or chosen)[0], text, region)
        return Ref(None, text, region)

    # -- resources ---------------------------------------------------------------------

    def build(self, idx: ScopeIndex, obj: K8sObject) -> tuple[Resource, list[Edge]]:
        spec = spec_of(obj)
        place = self.place(idx, obj)
        tags: dict[str, str] = {}
        for path in spec.tags:
            for value in values_at(obj.data, path):
                tags.update(tag_map(value))
        attributes = {
            "apiVersion": obj.data.get("apiVersion"),
            "spec": mapping_at(obj.data, "spec"),
        }
        resource = make_resource(
            obj,
            place,
            service=spec.service,
            category=spec.category,
            activities=spec.activities,
            presumed=spec.presumed,
            attributes=attributes,
            tags=tags,
        )
        if spec.category in ("storage", "backup") and place.provider is not None:
            for name in identities(obj):
                self.scan.buckets.setdefault((place.provider, name), []).append(resource)
        return resource, self._flows(idx, obj, spec, place)

    def _flows(self, idx: ScopeIndex, obj: K8sObject, spec: KindSpec, place: Place) -> list[Edge]:
        reader = CustomResourceFields(self, idx, obj, spec, place)
        return [e for flow in spec.flows for e in flow_edges(flow, reader, obj.location)]


class CustomResourceFields:
    """The `FieldReader` of a cloud custom resource: references resolved among the scanned
    manifests (by name, external name, ARN or labels), placeholders unknown."""

    def __init__(
        self, cloud: CloudResources, idx: ScopeIndex, obj: K8sObject, spec: KindSpec, place: Place
    ) -> None:
        self.cloud = cloud
        self.idx = idx
        self.obj = obj
        self.place = place
        self.key = idx.key(obj.id)
        self.provider: str | None = spec.provider

    def _key_of(self, target: K8sObject) -> ResourceKey:
        return self.cloud.scan.scope_of(target).key(target.id)

    def subjects(self, path: str) -> list[ResourceKey]:
        found = [
            self._key_of(r.target)
            for r in self.cloud.refs(self.idx, self.obj, path, data_only=True)
            if r.target is not None
        ]
        # A subject not among the manifests: the object that declares the flow stands for it.
        return found or [self.key]

    def targets(self, path: str) -> list[Destination]:
        out: list[Destination] = []
        for ref in self.cloud.refs(self.idx, self.obj, path, data_only=True):
            if ref.target is not None:
                out.append(self._key_of(ref.target))
            else:
                region = normalise_region(self.provider, ref.region) if ref.region else None
                out.append(Outside(self.provider, region, ref.text))
        return out

    def values(self, path: str) -> list[Any]:
        return [
            Unknown(f"{path} is a placeholder ({value!r})") if is_placeholder(value) else value
            for value in strings_at(self.obj.data, path)
        ]

    def present(self, path: str) -> bool:
        return bool(values_at(self.obj.data, path))

    def own_region(self) -> str | Unknown | None:
        if self.place.region is not None:
            return self.place.region
        return Unknown(self.place.why or "the region is not known")


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _narrowed_by_field(refs: list[Ref], field: str) -> list[Ref]:
    """References named after a kind point to that kind (`targetVaultName` to a Vault,
    `bucketArn` to a Bucket): a selector's labels or a name often match other objects of the
    same stack too."""
    hint = field.lower()
    found = [r for r in refs if r.target is not None]
    fitting = [r for r in found if r.target is not None and r.target.kind.lower() in hint]
    if not fitting or len(fitting) == len(found):
        return refs
    return [r for r in refs if r.target is None] + fitting


def _has_labels(obj: K8sObject, wanted: Mapping[str, Any]) -> bool:
    have = labels(obj.data)
    return all(have.get(str(k)) == str(v) for k, v in wanted.items())
