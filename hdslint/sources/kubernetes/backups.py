"""Backups declared in Kubernetes: Velero BackupStorageLocations, CloudNativePG clusters'
object stores (in-tree `barmanObjectStore` and the Barman Cloud plugin's ObjectStore).

Each destination becomes a `backup` resource (HDS activity 6) located from what its manifest
says: the S3 region, the endpoint's host (OVHcloud, Scaleway, Outscale, ... or a service in
the cluster), or the bucket it names when that bucket is declared among the manifests. When
the manifest does not tell (CloudNativePG keeps the S3 region in a Secret), the location is
unknown, with the reason: never a guess.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from hdslint import catalogue
from hdslint.geography import normalise_region
from hdslint.ids import ResourceKey
from hdslint.model import Edge, EdgeKind, Resource
from hdslint.saferegex import compile_pattern
from hdslint.sources.kubernetes.index import Place, ScanIndex, ScopeIndex, edge, make_resource
from hdslint.sources.kubernetes.objects import (
    K8sObject,
    first_string,
    is_placeholder,
    mapping_at,
    object_id,
    strings_at,
    table,
    values_at,
)
from hdslint.sources.kubernetes.storage import claim_place, volume_service

BACKUP_ACTIVITIES = tuple(catalogue.activities_for("backup"))
BARMAN_PLUGIN = "barman-cloud.cloudnative-pg.io"
_IN_CLUSTER_SUFFIXES = (".svc", ".svc.cluster.local", ".cluster.local")


@dataclass(frozen=True, slots=True)
class Destination:
    place: Place
    service: str | None


def _service(provider: str | None, entry: Mapping[str, Any]) -> str | None:
    terraform = entry.get("terraform")
    if terraform:
        return catalogue.type_info("terraform", terraform, provider).service
    service = entry.get("service")
    return str(service) if service else None


def _joined(
    scan: ScanIndex, provider: str, name: str | None, service: str | None, why: str
) -> Destination:
    """A destination named by its bucket (or storage account): located like that bucket when
    it is declared among the manifests."""
    if name and not is_placeholder(name):
        for bucket in scan.find_buckets(provider, name):
            if bucket.region is not None:
                return Destination(Place(provider, bucket.region), service)
            reason = bucket.unknown.get("region", "its region is not known")
            return Destination(
                Place(provider, None, f"{bucket.id}'s region is not known: {reason}"), service
            )
    return Destination(Place(provider, None, why), service)


def endpoint_destination(
    scan: ScanIndex, idx: ScopeIndex, url: str, bucket: str | None
) -> Destination:
    """Where an S3-compatible (or Blob, GCS) endpoint stores data, from its host."""
    if is_placeholder(url):
        return Destination(
            Place(None, None, f"the endpoint {url!r} is a placeholder filled in at deploy time"),
            None,
        )
    host = (urlparse(url if "://" in url else f"https://{url}").hostname or "").lower()
    for entry in table()["object_store_endpoints"]:
        groups = compile_pattern(str(entry["match"])).match_groups(host)
        if groups is None:
            continue
        provider = str(entry["provider"])
        service = _service(provider, entry)
        if groups.get("region"):
            return Destination(
                Place(provider, normalise_region(provider, groups["region"])), service
            )
        named = groups.get("account") or bucket
        why = (
            f"{entry['why']}, and {named!r} is not among the scanned manifests"
            if named
            else str(entry["why"])
        )
        return _joined(scan, provider, named, service, why)
    cluster = idx.cluster
    if host and (host.endswith(_IN_CLUSTER_SUFFIXES) or ("." not in host and host != "localhost")):
        # A service of the cluster (MinIO, ...): the data is on the cluster's own volumes.
        service, _ = volume_service(cluster.provider, None)
        why = f"the endpoint {host} is a service in the cluster, and {cluster.unknown}"
        return Destination(Place(cluster.provider, cluster.region, why), service)
    if _private(host):
        return Destination(
            Place(
                None, None, f"the endpoint {host} is a private address: where it is cannot be told"
            ),
            None,
        )
    return Destination(
        Place(None, None, f"the endpoint host {host or url!r} is not one hdslint can locate"), None
    )


def _private(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_private
    except ValueError:
        return False


def _backup_resource(
    obj: K8sObject, dest: Destination, attributes: Mapping[str, Any], **extra: Any
) -> Resource:
    return make_resource(
        obj,
        dest.place,
        service=dest.service,
        category="backup",
        activities=BACKUP_ACTIVITIES,
        attributes=attributes,
        **extra,
    )


# -- Velero -------------------------------------------------------------------------------------


def velero_location(scan: ScanIndex, idx: ScopeIndex, obj: K8sObject) -> Resource:
    spec = mapping_at(obj.data, "spec")
    plugin = first_string(spec, "provider") or ""
    bucket = first_string(spec, "objectStorage.bucket")
    config = mapping_at(spec, "config")
    s3_url = first_string(config, "s3Url")
    attributes = {
        "provider": plugin,
        "bucket": bucket,
        "s3Url": s3_url,
        "region": first_string(config, "region"),
    }
    if s3_url:
        return _backup_resource(obj, endpoint_destination(scan, idx, s3_url, bucket), attributes)
    entry = table()["velero_providers"].get(plugin)
    if entry is None:
        why = (
            f"Velero plugin {plugin!r} is not one hdslint can locate"
            if plugin
            else "spec.provider is not set"
        )
        return _backup_resource(obj, Destination(Place(None, None, why), None), attributes)
    provider = str(entry["provider"])
    service = _service(provider, entry)
    if provider == "aws":
        region = first_string(config, "region")
        if region and not is_placeholder(region):
            return _backup_resource(
                obj, Destination(Place("aws", normalise_region("aws", region)), service), attributes
            )
        why = (
            f"spec.config.region is not set, and bucket {bucket!r} is not among the scanned"
            " manifests"
        )
        return _backup_resource(obj, _joined(scan, "aws", bucket, service, why), attributes)
    if provider == "azure":
        account = first_string(config, "storageAccount")
        why = (
            f"storage account {account!r} (spec.config.storageAccount) is not among the scanned"
            " manifests"
        )
        return _backup_resource(obj, _joined(scan, "azure", account, service, why), attributes)
    why = (
        f"Velero's {plugin} plugin keeps no location: bucket {bucket!r} is not among the scanned"
        " manifests"
    )
    return _backup_resource(obj, _joined(scan, provider, bucket, service, why), attributes)


def velero_flows(
    idx: ScopeIndex, obj: K8sObject, claims: list[tuple[str | None, ResourceKey]]
) -> list[Edge]:
    """A Backup or Schedule that moves volume data into its storage location: every claim of
    the namespaces it includes is backed up there. (Without data movement, volumes are
    snapshotted where they are and the location only receives the objects.)"""
    template = mapping_at(obj.data, "spec.template" if obj.kind == "Schedule" else "spec")
    if (
        template.get("snapshotMoveData") is not True
        and template.get("defaultVolumesToFsBackup") is not True
    ):
        return []
    name = first_string(template, "storageLocation")
    locations = [
        o for o in idx.objects if o.kind == "BackupStorageLocation" and o.group == "velero.io"
    ]
    if name is None:
        defaults = [o for o in locations if mapping_at(o.data, "spec").get("default") is True]
        name = defaults[0].name if defaults else "default"
    target = object_id("BackupStorageLocation.velero.io", obj.namespace, name)
    unknown = (
        None
        if target in idx.by_id
        else f"BackupStorageLocation {name!r} is not among the scanned manifests"
    )
    included = set(strings_at(template, "includedNamespaces")) or {"*"}
    excluded = set(strings_at(template, "excludedNamespaces"))
    return [
        edge(key, idx.key(target), EdgeKind.BACKS_UP_TO, obj.location, unknown=unknown)
        for namespace, key in claims
        if ("*" in included or namespace in included) and namespace not in excluded
    ]


# -- CloudNativePG ------------------------------------------------------------------------------


def barman_destination(scan: ScanIndex, idx: ScopeIndex, store: Mapping[str, Any]) -> Destination:
    """Where a Barman object store (`destinationPath` + `endpointURL`) keeps backups."""
    path = first_string(store, "destinationPath") or ""
    endpoint = first_string(store, "endpointURL")
    parsed = urlparse(path)
    bucket = parsed.netloc or None
    if endpoint:
        return endpoint_destination(scan, idx, endpoint, bucket)
    if parsed.scheme == "s3":
        service = catalogue.type_info("terraform", "aws_s3_bucket", "aws").service
        secret = first_string(store, "s3Credentials.region.name")
        held = f" (it is in Secret {secret!r})" if secret else ""
        why = (
            f"the manifest does not say in which region S3 bucket {bucket!r} is{held}, and the"
            " bucket is not among the scanned manifests"
        )
        return _joined(scan, "aws", bucket, service, why)
    if parsed.scheme == "gs":
        service = catalogue.type_info("terraform", "google_storage_bucket", "gcp").service
        return _joined(
            scan,
            "gcp",
            bucket,
            service,
            f"Cloud Storage bucket {bucket!r} is not among the scanned manifests",
        )
    if parsed.scheme in ("http", "https"):
        return endpoint_destination(scan, idx, path, None)
    return Destination(
        Place(None, None, f"destinationPath {path!r} is not an object-store URL hdslint can read"),
        None,
    )


def cnpg_cluster(
    scan: ScanIndex, idx: ScopeIndex, obj: K8sObject
) -> tuple[list[Resource], list[Edge]]:
    """The database (on the cluster's volumes) and its backup destinations."""
    spec = mapping_at(obj.data, "spec")
    claim: dict[str, Any] = {}
    storage_class = first_string(spec, "storage.storageClass")
    if storage_class:
        claim["storageClassName"] = storage_class
    volume, _sc, _pv = claim_place(idx, claim)
    service, activities = volume_service(volume.place.provider, volume.terraform)
    attributes = {"instances": spec.get("instances"), "storageClass": storage_class}
    database = make_resource(
        obj,
        volume.place,
        service=service,
        category="database",
        activities=activities,
        attributes=attributes,
    )
    resources = [database]
    edges: list[Edge] = []
    source = idx.key(obj.id)
    store = mapping_at(spec, "backup.barmanObjectStore")
    if store:
        dest = barman_destination(scan, idx, store)
        backup = _backup_resource(
            obj,
            dest,
            {
                "destinationPath": first_string(store, "destinationPath"),
                "endpointURL": first_string(store, "endpointURL"),
            },
            type_="barmanObjectStore",
            id_=f"{obj.id}/backup/barmanObjectStore",
        )
        resources.append(backup)
        edges.append(edge(source, idx.key(backup.id), EdgeKind.BACKS_UP_TO, obj.location))
    for plugin in values_at(spec, "plugins[]"):
        if not isinstance(plugin, Mapping) or plugin.get("name") != BARMAN_PLUGIN:
            continue
        name = first_string(plugin, "parameters.barmanObjectName")
        if not name:
            continue
        target = object_id("ObjectStore.barmancloud.cnpg.io", obj.namespace, name)
        unknown = (
            None
            if target in idx.by_id
            else f"ObjectStore {name!r} is not among the scanned manifests"
        )
        edges.append(
            edge(source, idx.key(target), EdgeKind.BACKS_UP_TO, obj.location, unknown=unknown)
        )
    return resources, edges


# -- Database operators' backup repositories ---------------------------------------------------


def operator_backups(
    scan: ScanIndex, idx: ScopeIndex, obj: K8sObject, entry: Mapping[str, Any]
) -> tuple[list[Resource], list[Edge]]:
    """The backup repositories an operator's custom resource names (Crunchy pgBackRest
    repos, Percona backup storages): each a backup resource, with a `backs_up_to` edge."""
    resources: list[Resource] = []
    edges: list[Edge] = []
    for target in entry.get("backups", ()):
        for name, repo in _repositories(obj.data, str(target["each"])):
            dest = _repository_destination(scan, idx, repo, target)
            if dest is None:
                continue  # a volume of the cluster (pgBackRest `volume`, Percona filesystem)
            backup = _backup_resource(
                obj, dest, {"repository": name}, type_="backup", id_=f"{obj.id}/backups/{name}"
            )
            resources.append(backup)
            key = idx.key(backup.id)
            edges.append(edge(idx.key(obj.id), key, EdgeKind.BACKS_UP_TO, obj.location))
    return resources, edges


def _repositories(data: Any, path: str) -> list[tuple[str, Mapping[str, Any]]]:
    """A list of repositories (named by `name`, else their position) or a map of them."""
    out: list[tuple[str, Mapping[str, Any]]] = []
    for position, value in enumerate(values_at(data, path)):
        if isinstance(value, Mapping) and path.endswith("[]"):
            out.append((str(value.get("name") or position), value))
        elif isinstance(value, Mapping):
            out += [(str(k), v) for k, v in value.items() if isinstance(v, Mapping)]
    return out


def _repository_destination(
    scan: ScanIndex, idx: ScopeIndex, repo: Mapping[str, Any], target: Mapping[str, Any]
) -> Destination | None:
    def field(name: str) -> str | None:
        path = target.get(name)
        return first_string(repo, str(path)) if path else None

    bucket = field("s3_bucket")
    endpoint = field("s3_endpoint")
    if endpoint:
        return endpoint_destination(scan, idx, endpoint, bucket)
    if bucket:
        service = catalogue.type_info("terraform", "aws_s3_bucket", "aws").service
        region = field("s3_region")
        if region and not is_placeholder(region):
            return Destination(Place("aws", normalise_region("aws", region)), service)
        why = f"the manifest does not say in which region S3 bucket {bucket!r} is"
        return _joined(scan, "aws", bucket, service, why)
    gcs = field("gcs_bucket")
    if gcs:
        service = catalogue.type_info("terraform", "google_storage_bucket", "gcp").service
        why = f"Cloud Storage bucket {gcs!r} is not among the scanned manifests"
        return _joined(scan, "gcp", gcs, service, why)
    container = field("azure_container")
    if container:
        service = catalogue.type_info("terraform", "azurerm_storage_container", "azure").service
        why = f"the storage account of Blob container {container!r} is in a Secret"
        return Destination(Place("azure", None, why), service)
    return None


def barman_object_store(scan: ScanIndex, idx: ScopeIndex, obj: K8sObject) -> Resource:
    store = mapping_at(obj.data, "spec.configuration")
    attributes = {
        "destinationPath": first_string(store, "destinationPath"),
        "endpointURL": first_string(store, "endpointURL"),
    }
    return _backup_resource(obj, barman_destination(scan, idx, store), attributes)
