"""Workload storage: StorageClasses, PersistentVolumes, PersistentVolumeClaims, StatefulSet
volume claim templates, generic ephemeral volumes, and the workloads that mount them.

A volume lives where its StorageClass provisions it: the provisioner names the provider, and
`allowedTopologies` (or a PersistentVolume's node affinity, or Azure's `location` parameter)
may pin the region. Otherwise it is wherever its cluster runs, which only the
`kubernetes.clusters` mapping tells; without it the location is unknown, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from hdslint import catalogue
from hdslint.geography import normalise_region
from hdslint.model import Edge, EdgeKind, Resource
from hdslint.sources.kubernetes.index import Place, ScopeIndex, edge, make_resource
from hdslint.sources.kubernetes.objects import (
    K8sObject,
    first_string,
    hdslint_annotations,
    labels,
    mapping_at,
    object_id,
    strings_at,
    table,
    values_at,
)


@dataclass(frozen=True, slots=True)
class VolumePlace:
    place: Place
    terraform: str | None


def volume_service(
    provider: str | None, terraform: str | None
) -> tuple[str | None, tuple[int, ...]]:
    """Service and HDS activities of a volume: those of the Terraform type it amounts to."""
    default = tuple(table()["volume_activities"])
    terraform = terraform or _terraform_for(provider)
    if terraform:
        info = catalogue.type_info("terraform", terraform, provider)
        if info.known:
            return info.service, info.activities
    return (f"{provider}:volumes" if provider else None), default


def _terraform_for(provider: str | None) -> str | None:
    if provider is None:
        return None
    found = table()["volume_terraform_by_provider"].get(provider)
    return str(found) if found else None


def _topology_pairs(terms: Iterable[Any]) -> list[tuple[str, list[str]]]:
    pairs = []
    for term in terms:
        if not isinstance(term, Mapping):
            continue
        key = term.get("key")
        values = term.get("values")
        operator = term.get("operator", "In")
        if isinstance(key, str) and isinstance(values, list) and operator == "In":
            pairs.append((key, [str(v) for v in values if isinstance(v, str | int)]))
    return pairs


def topology_region(
    provider: str | None, pairs: list[tuple[str, list[str]]], driver: str | None
) -> tuple[str | None, str | None]:
    """The region that topology constraints pin, or (None, why several) / (None, None)."""
    keys = table()["topology_keys"]
    region_keys = set(keys["region"]) | set(keys.get("provider_region", {}).get(driver or "", ()))
    zone_keys = set(keys["zone"])
    found: list[str] = []
    for key, values in pairs:
        # Zones reduce to their region (eu-west-3a -> eu-west-3).
        if key in region_keys or key in zone_keys:
            found += [normalise_region(provider, v) for v in values]
    distinct = sorted(set(found))
    if len(distinct) == 1:
        return distinct[0], None
    if len(distinct) > 1:
        return None, f"its topology allows several regions ({', '.join(distinct)})"
    return None, None


def provisioner_entry(name: str | None) -> Mapping[str, Any] | None:
    """The catalogue entry of a provisioner or CSI driver name (exact, then `*.suffix`)."""
    table_ = table()["provisioners"]
    if not name:
        return None
    entry = table_.get(name)
    if entry is None:
        for key, value in table_.items():
            if key.startswith("*.") and name.endswith(key[1:]):
                return dict(value)
    return dict(entry) if entry is not None else None


@dataclass(frozen=True, slots=True)
class Provisioner:
    """What a provisioner or CSI driver name tells: the provider (None: unknown), the
    Terraform type of its volumes, and why they cannot be located when they cannot."""

    entry: Mapping[str, Any]
    provider: str | None
    terraform: str | None

    @property
    def why(self) -> str | None:
        why = self.entry.get("why")
        return str(why) if why else None


def _provisioner(name: str | None, cluster_provider: str | None) -> Provisioner | None:
    entry = provisioner_entry(name)
    if entry is None:
        return None
    declared = entry.get("provider")
    provider = cluster_provider if declared == "cluster" else declared
    return Provisioner(entry, provider, entry.get("terraform") or _terraform_for(provider))


def _fallback(
    idx: ScopeIndex, provider: str | None, terraform: str | None, pinned: str | None, what: str
) -> VolumePlace:
    """A volume whose class does not pin its region lives in its cluster's region."""
    cluster = idx.cluster
    if pinned:
        return VolumePlace(Place(provider, pinned), terraform)
    if provider is not None and cluster.provider not in (None, provider):
        why = (
            f"{what} provisions {provider} volumes, but {cluster.label} is mapped to"
            f" {cluster.provider}"
        )
        return VolumePlace(Place(provider, None, why), terraform)
    if cluster.region is not None and (provider is None or provider == cluster.provider):
        return VolumePlace(
            Place(cluster.provider, cluster.region), terraform or _terraform_for(cluster.provider)
        )
    why = f"{cluster.unknown}, and {what} does not pin a region"
    return VolumePlace(Place(provider or cluster.provider, None, why), terraform)


def class_place(idx: ScopeIndex, sc: K8sObject) -> VolumePlace:
    data = sc.data
    name = first_string(data, "provisioner")
    found = _provisioner(name, idx.cluster.provider)
    what = f"StorageClass {sc.name!r}"
    if found is None:
        why = f"{what} uses provisioner {name!r}, which hdslint does not know"
        return VolumePlace(Place(None, None, why), None)
    if found.why:
        return VolumePlace(Place(None, None, f"{what}: {found.why}"), None)
    provider, terraform = found.provider, found.terraform
    for parameter in found.entry.get("region_parameters", ()):
        value = first_string(data, f"parameters.{parameter}")
        if value:
            return VolumePlace(Place(provider, normalise_region(provider, value)), terraform)
    terms = values_at(data, "allowedTopologies[].matchLabelExpressions[]")
    pinned, several = topology_region(provider, _topology_pairs(terms), name)
    if several:
        return VolumePlace(Place(provider, None, f"{what}: {several}"), terraform)
    return _fallback(idx, provider, terraform, pinned, what)


def volume_place(idx: ScopeIndex, pv: K8sObject) -> VolumePlace:
    spec = mapping_at(pv.data, "spec")
    what = f"PersistentVolume {pv.name!r}"
    driver = first_string(spec, "csi.driver")
    terms = values_at(spec, "nodeAffinity.required.nodeSelectorTerms[].matchExpressions[]")
    if driver is not None:
        found = _provisioner(driver, idx.cluster.provider)
        if found is None:
            why = f"{what} uses CSI driver {driver!r}, which hdslint does not know"
            return VolumePlace(Place(None, None, why), None)
        if found.why:
            return VolumePlace(Place(None, None, f"{what}: {found.why}"), None)
        provider, terraform = found.provider, found.terraform
    else:
        sources = table()["volume_sources"]
        present = [k for k in sources if k in spec]
        if present:
            entry = sources[present[0]]
            provider = idx.cluster.provider if entry["provider"] == "cluster" else entry["provider"]
            terraform = entry.get("terraform") or _terraform_for(provider)
        elif "nfs" in spec:
            server = first_string(spec, "nfs.server") or "an NFS server"
            return VolumePlace(
                Place(None, None, f"{what} is on {server}, whose location cannot be told"), None
            )
        else:
            class_name = first_string(spec, "storageClassName")
            sc = idx.storage_classes.get(class_name or "")
            if sc is not None:
                return class_place(idx, sc)
            provider, terraform = None, None
    pinned, several = topology_region(provider, _topology_pairs(terms), driver)
    if several:
        return VolumePlace(Place(provider, None, f"{what}: {several}"), terraform)
    return _fallback(idx, provider, terraform, pinned, what)


def claim_place(
    idx: ScopeIndex, spec: Mapping[str, Any]
) -> tuple[VolumePlace, K8sObject | None, K8sObject | None]:
    """Where a claim's volume lives; also the StorageClass and PersistentVolume it uses."""
    pv = idx.volumes.get(first_string(spec, "volumeName") or "")
    if pv is not None:
        found = volume_place(idx, pv)
        if found.place.region is not None:
            return found, None, pv
    if "storageClassName" not in spec or spec["storageClassName"] is None:
        sc = idx.default_class
        named: str | None = None
    else:
        named = str(spec["storageClassName"])
        sc = idx.storage_classes.get(named) if named else None
    if sc is not None:
        return class_place(idx, sc), sc, pv
    if named:
        what = f"its StorageClass {named!r} (not among the scanned manifests)"
    elif named is None:
        what = "its StorageClass (the cluster's default, not among the scanned manifests)"
    else:
        what = "its PersistentVolume (not among the scanned manifests)"
    return _fallback(idx, None, None, None, what), None, pv


def _claim_attributes(spec: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "storageClassName": spec.get("storageClassName"),
        "accessModes": strings_at(spec, "accessModes"),
        "storage": first_string(spec, "resources.requests.storage"),
        "volumeName": spec.get("volumeName"),
    }


def _volume_resource(
    obj: K8sObject, vp: VolumePlace, attributes: Mapping[str, Any], **extra: Any
) -> Resource:
    service, activities = volume_service(vp.place.provider, vp.terraform)
    return make_resource(
        obj,
        vp.place,
        service=service,
        category="storage",
        activities=activities,
        attributes=attributes,
        **extra,
    )


def storage_object(idx: ScopeIndex, obj: K8sObject) -> tuple[list[Resource], list[Edge]]:
    """A StorageClass, PersistentVolume or PersistentVolumeClaim."""
    spec = mapping_at(obj.data, "spec")
    if obj.kind == "StorageClass":
        vp = class_place(idx, obj)
        attributes = {
            "provisioner": first_string(obj.data, "provisioner"),
            "allowedTopologies": values_at(obj.data, "allowedTopologies"),
        }
        return [
            make_resource(
                obj, vp.place, service=None, category="other", activities=(), attributes=attributes
            )
        ], []
    if obj.kind == "PersistentVolume":
        vp = volume_place(idx, obj)
        edges = []
        sc = idx.storage_classes.get(first_string(spec, "storageClassName") or "")
        if sc is not None:
            edges.append(edge(idx.key(obj.id), idx.key(sc.id), EdgeKind.STORES_IN, obj.location))
        attributes = {
            "driver": first_string(spec, "csi.driver"),
            "capacity": first_string(spec, "capacity.storage"),
        }
        return [_volume_resource(obj, vp, attributes)], edges
    vp, sc, pv = claim_place(idx, spec)
    edges = [
        edge(idx.key(obj.id), idx.key(target.id), EdgeKind.STORES_IN, obj.location)
        for target in (sc, pv)
        if target is not None
    ]
    return [_volume_resource(obj, vp, _claim_attributes(spec))], edges


def operator_store(
    idx: ScopeIndex, obj: K8sObject, entry: Mapping[str, Any]
) -> tuple[list[Resource], list[Edge]]:
    """A custom resource whose operator provisions volume claims for it (a Strimzi Kafka, a
    Zalando postgresql): a data store located as a claim of the StorageClass it names."""
    named = [name for path in entry["storage_classes"] for name in strings_at(obj.data, path)]
    vp, sc, _pv = claim_place(idx, {"storageClassName": named[0]} if named else {})
    category = str(entry["category"])
    resource = make_resource(
        obj,
        vp.place,
        service=entry.get("service"),
        category=category,
        activities=catalogue.activities_for(category),
        attributes={"apiVersion": obj.data.get("apiVersion"), "storageClassNames": named},
    )
    edges = []
    if sc is not None:
        edges.append(edge(idx.key(obj.id), idx.key(sc.id), EdgeKind.STORES_IN, obj.location))
    return [resource], edges


def workload_volumes(
    idx: ScopeIndex, obj: K8sObject, pod_spec_path: str
) -> tuple[list[Resource], list[Edge]]:
    """The claims a workload declares (StatefulSet templates, generic ephemeral volumes) and a
    `mounts` edge to every claim it uses."""
    resources: list[Resource] = []
    edges: list[Edge] = []
    source = idx.key(obj.id)
    declared: list[tuple[Mapping[str, Any], str]] = []
    pod = mapping_at(obj.data, pod_spec_path)
    for volume in values_at(pod, "volumes[]"):
        if not isinstance(volume, Mapping):
            continue
        claim = first_string(volume, "persistentVolumeClaim.claimName")
        if claim:
            target = object_id("PersistentVolumeClaim", obj.namespace, claim)
            if target in idx.by_id:
                edges.append(edge(source, idx.key(target), EdgeKind.MOUNTS, obj.location))
        template = mapping_at(volume, "ephemeral.volumeClaimTemplate")
        name = volume.get("name")
        bucket = _csi_bucket(obj, volume)
        if bucket is not None:
            resources.append(bucket)
            edges.append(edge(source, idx.key(bucket.id), EdgeKind.MOUNTS, obj.location))
        if template and isinstance(name, str):
            declared.append((template, f"{obj.id}/volumes/{name}"))
    if obj.kind == "StatefulSet":
        for template in values_at(obj.data, "spec.volumeClaimTemplates[]"):
            name = first_string(template, "metadata.name")
            if isinstance(template, Mapping) and name:
                declared.append((template, f"{obj.id}/volumeClaimTemplates/{name}"))
    for template, id_ in declared:
        claim_resource, sc = _declared_claim(idx, obj, template, id_)
        resources.append(claim_resource)
        key = idx.key(id_)
        edges.append(edge(source, key, EdgeKind.MOUNTS, obj.location))
        if sc is not None:
            edges.append(edge(key, idx.key(sc.id), EdgeKind.STORES_IN, obj.location))
    return resources, edges


def _csi_bucket(owner: K8sObject, volume: Mapping[str, Any]) -> Resource | None:
    """An inline CSI volume that is a named bucket (Cloud Storage FUSE): a data store of its
    own, wherever that bucket is, which the manifests do not say."""
    driver = first_string(volume, "csi.driver")
    entry = table()["csi_buckets"].get(driver or "")
    name = volume.get("name")
    if entry is None or not isinstance(name, str):
        return None
    provider = str(entry["provider"])
    bucket = first_string(volume, f"csi.{entry['bucket']}")
    info = catalogue.type_info("terraform", str(entry["terraform"]), provider)
    why = (
        f"volume {name!r} is bucket {bucket!r} (through {driver}), which is not located by"
        " the manifests"
        if bucket
        else f"volume {name!r} names no bucket (csi.{entry['bucket']})"
    )
    return make_resource(
        owner,
        Place(provider, None, why),
        service=info.service,
        category="storage",
        activities=info.activities,
        attributes={"driver": driver, "bucket": bucket},
        type_=str(entry["terraform"]),
        id_=f"{owner.id}/volumes/{name}",
    )


def _declared_claim(
    idx: ScopeIndex, owner: K8sObject, template: Mapping[str, Any], id_: str
) -> tuple[Resource, K8sObject | None]:
    """A claim declared inside a workload: one resource per template (Kubernetes creates one
    claim per replica from it, `<template>-<statefulset>-<ordinal>`, all alike). Its labels
    and hdslint annotations are the workload's, overridden by the template's."""
    spec = mapping_at(template, "spec")
    vp, sc, _pv = claim_place(idx, spec)
    own_labels = {**labels(owner.data), **labels(template)}
    own_annotations = {**hdslint_annotations(owner.data), **hdslint_annotations(template)}
    resource = _volume_resource(
        owner,
        vp,
        _claim_attributes(spec),
        type_="PersistentVolumeClaim",
        id_=id_,
        own_labels=own_labels,
        own_annotations=own_annotations,
    )
    return resource, sc
