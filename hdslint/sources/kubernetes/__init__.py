"""The Kubernetes source: manifests (files, or standard input for `helm template ... | hdslint
scan -`) -> normalised resources and edges.

Every object becomes a resource: volumes and claims (located through their StorageClass, or
the cluster the `kubernetes.clusters` mapping names), workloads (with `mounts` edges), cloud
resources declared as custom resources (Crossplane, ACK, Config Connector, Azure Service
Operator: the same resources as their Terraform equivalents), backup destinations (Velero,
CloudNativePG), and everything else as `other`. hdslint never runs helm or kustomize.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hdslint.catalogue import activities_for
from hdslint.files import FileAccess
from hdslint.ids import ResourceKey
from hdslint.model import Edge, InputError, Resource
from hdslint.paths import display_path
from hdslint.sources.base import SourceResult
from hdslint.sources.kubernetes import backups, manifests, storage
from hdslint.sources.kubernetes.cloud import CloudResources
from hdslint.sources.kubernetes.clusters import STDIN, Cluster, cluster_for, mapping_hints
from hdslint.sources.kubernetes.index import Place, ScanIndex, ScopeIndex, make_resource
from hdslint.sources.kubernetes.objects import K8sObject, crd_scopes, table, to_object

if TYPE_CHECKING:
    from hdslint.config import Config
    from hdslint.result import ScanOptions

# The path discovery gives standard input (`hdslint scan -`).
STDIN_PATH = Path("-")


def scan(
    files: Sequence[Path], config: Config, options: ScanOptions, fs: FileAccess
) -> SourceResult:
    result = SourceResult()
    found: list[tuple[manifests.RawObject, Cluster]] = []
    charts: dict[Path, bool] = {}
    for path in files:
        if path == STDIN_PATH:
            raws = _read_stdin(fs, config, options, result)
        elif _in_helm_chart(fs, path, charts):
            continue  # not YAML until rendered: `helm template ... | hdslint scan -`
        else:
            display = display_path(path)
            raws = _read_file(fs, path, display, result, config)
        found.extend(raws)
    crds = crd_scopes([raw for raw, _ in found])
    ignored = set(table()["ignored_groups"])
    scan_index = ScanIndex(config=config)
    kustomized: dict[str, bool] = {}
    for raw, cluster in found:
        if raw.group in ignored:
            continue
        obj = to_object(raw, cluster, crds)
        idx = scan_index.scopes.get(cluster.scope)
        if idx is None:
            idx = scan_index.scopes[cluster.scope] = ScopeIndex(
                scope=cluster.scope, cluster=cluster
            )
        first = idx.by_id.get(obj.id)
        if first is not None and first.data == obj.data:
            continue  # the same object written twice alike: one object, nothing lost
        if first is not None and _one_object(fs, first, obj, kustomized):
            result.errors.append(_duplicate_object(first, obj))
            continue
        idx.add(obj)
    resources, edges = build(scan_index)
    result.resources.extend(resources)
    result.edges.extend(edges)
    by_scope: dict[str, list[Resource]] = {}
    for resource in resources:
        by_scope.setdefault(resource.scope, []).append(resource)
    result.warnings.extend(
        mapping_hints(
            ((idx.cluster, by_scope.get(scope, [])) for scope, idx in scan_index.scopes.items()),
            config,
        )
    )
    return result


def _one_object(
    fs: FileAccess, first: K8sObject, again: K8sObject, kustomized: dict[str, bool]
) -> bool:
    """Whether two different objects of one id in one scope (cluster, or unmapped folder)
    are two declarations of one object, which a cluster cannot hold: not when they are named by
    `generateName` (each is a new object), nor when either manifest is in a kustomize folder
    (a base and its overlay's patch are one object once `kustomize build` renders them:
    the first is kept, as documented in docs/kubernetes.md)."""
    if any(not _named(o) for o in (first, again)):
        return False
    return not any(_in_kustomization(fs, o.raw.file, kustomized) for o in (first, again))


def _named(obj: K8sObject) -> bool:
    metadata = obj.data.get("metadata")
    return isinstance(metadata, dict) and metadata.get("name") not in (None, "")


KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def _in_kustomization(fs: FileAccess, display: str, kustomized: dict[str, bool]) -> bool:
    if display == STDIN or display.startswith("<"):
        return False
    folder = Path(display).parent
    key = str(folder)
    if key not in kustomized:
        kustomized[key] = any(fs.is_file(folder / n) for n in KUSTOMIZATION_FILES)
    return kustomized[key]


def _duplicate_object(first: K8sObject, again: K8sObject) -> InputError:
    where = f"{first.raw.file}:{first.raw.line}"
    scope = first.cluster.label
    in_scope = scope if scope.startswith("cluster ") else f"the folder {scope}"
    return InputError(
        again.raw.file,
        f"Duplicate object: {again.id} was already declared at {where} in {in_scope}; a"
        " cluster holds one object per kind, namespace and name, so one of the two would"
        " replace the other (hdslint evaluates the first)",
        again.raw.line,
    )


def _read_stdin(
    fs: FileAccess, config: Config, options: ScanOptions, result: SourceResult
) -> list[tuple[manifests.RawObject, Cluster]]:
    named = options.stdin_filename
    display = named or STDIN
    if options.stdin is None and sys.stdin.isatty():
        # Nothing is piped in: waiting for typed YAML would look like a hang.
        result.errors.append(
            InputError(
                display, "standard input is a terminal: pipe manifests into `hdslint scan -`"
            )
        )
        return []
    limit = fs.limits.max_file_bytes
    text = options.stdin if options.stdin is not None else sys.stdin.read(limit + 1)
    if len(text) > limit:
        message = (
            f"too large to read (the limit is {limit / 1e6:.1f} MB, see max_file_mb in"
            " .hdslint.yaml)"
        )
        result.errors.append(InputError(display, message))
        return []
    cluster = cluster_for(fs, Path(named) if named else None, display, config)
    docs, errors = manifests.parse(text.removeprefix("\ufeff"), display)
    raws, more = manifests.objects(docs, display)
    result.errors.extend(errors + more)
    if not raws and not errors and not more:
        result.errors.append(InputError(display, "no Kubernetes manifests found on standard input"))
    return [(raw, cluster) for raw in raws]


def _read_file(
    fs: FileAccess, path: Path, display: str, result: SourceResult, config: Config
) -> list[tuple[manifests.RawObject, Cluster]]:
    problem = fs.too_large(path)
    if problem is not None:
        result.errors.append(InputError(display, problem))
        return []
    try:
        data = fs.read(path)
    except OSError as exc:
        result.errors.append(InputError(display, f"cannot read: {exc.strerror or exc}"))
        return []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if b"apiVersion" in data and b"kind" in data:
            result.errors.append(InputError(display, f"not valid UTF-8 (byte {exc.start})"))
        return []
    docs, errors = manifests.parse(text, display, json_file=path.suffix == ".json")
    raws, more = manifests.objects(docs, display)
    result.errors.extend(errors + more)
    if not raws:
        return []
    cluster = cluster_for(fs, path, display, config)
    return [(raw, cluster) for raw in raws]


def _in_helm_chart(fs: FileAccess, path: Path, charts: dict[Path, bool]) -> bool:
    """Files under a chart's `templates/` folder (beside its Chart.yaml)."""
    for parent in path.parents:
        if parent.name == "templates":
            chart = parent.parent
            if chart not in charts:
                charts[chart] = fs.is_file(chart / "Chart.yaml")
            if charts[chart]:
                return True
    return False


def build(scan_index: ScanIndex) -> tuple[list[Resource], list[Edge]]:
    """Every scope's resources. Cloud resources come first: backups may name their buckets."""
    resources: list[Resource] = []
    edges: list[Edge] = []
    cloud = CloudResources(scan_index)
    for idx in scan_index.scopes.values():
        for obj in idx.objects:
            if obj.family is not None:
                resource, flows = cloud.build(idx, obj)
                resources.append(resource)
                edges.extend(flows)
    pod_specs = table()["pod_specs"]
    for idx in scan_index.scopes.values():
        claims: list[tuple[str | None, ResourceKey]] = []
        for obj in idx.objects:
            if obj.family is not None:
                continue
            made, more = _build_object(scan_index, idx, obj, pod_specs)
            resources.extend(made)
            edges.extend(more)
            claims += [
                (_claim_namespace(r), idx.key(r.id))
                for r in made
                if r.type == "PersistentVolumeClaim"
            ]
        for obj in idx.objects:
            if obj.group == "velero.io" and obj.kind in ("Backup", "Schedule"):
                edges.extend(backups.velero_flows(idx, obj, claims))
    return resources, edges


def _claim_namespace(resource: Resource) -> str | None:
    parts = resource.id.split("/")
    return parts[1] if len(parts) > 2 else None


def _build_object(
    scan_index: ScanIndex, idx: ScopeIndex, obj: K8sObject, pod_specs: dict[str, str]
) -> tuple[list[Resource], list[Edge]]:
    builtin = obj.type == obj.kind
    if builtin and obj.kind in ("StorageClass", "PersistentVolume", "PersistentVolumeClaim"):
        return storage.storage_object(idx, obj)
    if obj.group == "velero.io" and obj.kind == "BackupStorageLocation":
        return [backups.velero_location(scan_index, idx, obj)], []
    if obj.group == "postgresql.cnpg.io" and obj.kind == "Cluster":
        return backups.cnpg_cluster(scan_index, idx, obj)
    if obj.group == "barmancloud.cnpg.io" and obj.kind == "ObjectStore":
        return [backups.barman_object_store(scan_index, idx, obj)], []
    store = table()["operator_stores"].get(obj.group or "", {}).get(obj.kind)
    if store is not None and not builtin:
        made, edges = storage.operator_store(idx, obj, store)
        backed_up, flows = backups.operator_backups(scan_index, idx, obj, store)
        return made + backed_up, edges + flows
    made = [_plain(idx, obj)]
    if builtin and obj.kind in pod_specs:
        claims, edges = storage.workload_volumes(idx, obj, pod_specs[obj.kind])
        return made + claims, edges
    return made, []


def _plain(idx: ScopeIndex, obj: K8sObject) -> Resource:
    """Any other object: it lives in its cluster (its etcd), wherever that runs."""
    known = table()["builtin_types"].get(obj.kind, {}) if obj.type == obj.kind else {}
    cluster = idx.cluster
    place = Place(cluster.provider, cluster.region, cluster.unknown)
    category = str(known.get("category", "other"))
    return make_resource(
        obj,
        place,
        service=known.get("service"),
        category=category,
        activities=activities_for(category),
        presumed=bool(known.get("presumed", True)),
        attributes={"apiVersion": obj.data.get("apiVersion")},
    )
