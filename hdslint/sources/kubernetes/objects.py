"""Kubernetes objects as hdslint names them, and how to read fields out of them.

Types are the kind for built-in API groups (`PersistentVolumeClaim`) and `Kind.group` for
every other group (`Bucket.s3.aws.upbound.io`). Ids are `Type/namespace/name` for namespaced
kinds (namespace `default` when the manifest has none) and `Type/name` for cluster-scoped
ones.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hdslint import catalogue
from hdslint.model import Location
from hdslint.redaction import REDACTED, is_secret_key, redact_values
from hdslint.sources.base import MAX_FIELD_VALUES as MAX_FIELD_VALUES  # noqa: PLC0414
from hdslint.sources.base import flatten
from hdslint.sources.kubernetes.clusters import Cluster
from hdslint.sources.kubernetes.manifests import RawObject

HDSLINT_ANNOTATION_PREFIX = "hdslint.io/"

# Groups of CRDs hdslint models in code (backups) rather than through `families`.
_NAMESPACED_GROUPS = frozenset({"velero.io", "postgresql.cnpg.io", "barmancloud.cnpg.io"})


def table() -> Mapping[str, Any]:
    return catalogue.load("kubernetes")


@dataclass(frozen=True, slots=True)
class Family:
    """A set of API groups managed by one controller (Crossplane's AWS provider, ACK, ...)."""

    id: str
    suffix: str
    service: str  # the group without the suffix: `s3` for `s3.aws.upbound.io`
    namespaced: bool
    spec: Mapping[str, Any]


@functools.lru_cache(maxsize=1024)
def family_of(group: str) -> Family | None:
    """The family an API group belongs to; the longest matching suffix wins."""
    best: Family | None = None
    for fid, spec in table()["families"].items():
        for suffix, scope in spec["groups"].items():
            matches = group == suffix or group.endswith("." + suffix)
            if matches and (best is None or len(suffix) > len(best.suffix)):
                service = group[: -len(suffix)].rstrip(".")
                best = Family(fid, suffix, service, scope == "namespaced", spec)
    return best


@dataclass(frozen=True, slots=True)
class K8sObject:
    """An object with its normalised type, id and the cluster it goes to."""

    raw: RawObject
    type: str
    id: str
    namespace: str | None  # None for cluster-scoped kinds
    cluster: Cluster
    family: Family | None

    @property
    def data(self) -> Mapping[str, Any]:
        return self.raw.data

    @property
    def kind(self) -> str:
        return self.raw.kind

    @property
    def group(self) -> str:
        return self.raw.group

    @property
    def name(self) -> str:
        return self.raw.name

    @property
    def location(self) -> Location:
        return Location(file=self.raw.file, line=self.raw.line, end_line=self.raw.end_line)

    @property
    def family_kind(self) -> str:
        """The kind as the family table keys it: `Bucket.s3`."""
        if self.family is None or not self.family.service:
            return self.kind
        return f"{self.kind}.{self.family.service}"


def is_builtin(group: str) -> bool:
    return group in table()["builtin_groups"]


def type_name(group: str, kind: str) -> str:
    return kind if is_builtin(group) else f"{kind}.{group}"


def object_id(type_: str, namespace: str | None, name: str) -> str:
    return f"{type_}/{namespace}/{name}" if namespace is not None else f"{type_}/{name}"


def crd_scopes(raws: list[RawObject]) -> dict[tuple[str, str], bool]:
    """(group, kind) -> namespaced, from the CustomResourceDefinitions among the manifests."""
    out: dict[tuple[str, str], bool] = {}
    for raw in raws:
        if raw.kind != "CustomResourceDefinition" or raw.group != "apiextensions.k8s.io":
            continue
        spec = raw.data.get("spec")
        if not isinstance(spec, dict):
            continue
        names = spec.get("names")
        if isinstance(names, dict) and isinstance(names.get("kind"), str):
            out[(str(spec.get("group")), names["kind"])] = spec.get("scope") != "Cluster"
    return out


def namespaced(raw: RawObject, family: Family | None, crds: Mapping[tuple[str, str], bool]) -> bool:
    if is_builtin(raw.group):
        return raw.kind not in table()["cluster_scoped_kinds"]
    if family is not None:
        return family.namespaced
    if raw.group in _NAMESPACED_GROUPS:
        return True
    known = crds.get((raw.group, raw.kind))
    if known is not None:
        return known
    # An unknown custom resource: its manifest is the only hint.
    return raw.namespace is not None


def to_object(raw: RawObject, cluster: Cluster, crds: Mapping[tuple[str, str], bool]) -> K8sObject:
    family = None if is_builtin(raw.group) else family_of(raw.group)
    namespace = (raw.namespace or "default") if namespaced(raw, family, crds) else None
    type_ = type_name(raw.group, raw.kind)
    return K8sObject(
        raw=raw,
        type=type_,
        id=object_id(type_, namespace, raw.name),
        namespace=namespace,
        cluster=cluster,
        family=family,
    )


# -- reading fields --------------------------------------------------------------------------

_MAP_FIELDS = ("metadata.annotations.", "metadata.labels.")


def values_at(data: Any, path: str) -> list[Any]:
    """Every value at a dotted path; lists met on the way are walked item by item (`[]` in a
    path only documents that a list is expected). Keys of annotations and labels may contain
    dots: `metadata.annotations.crossplane.io/external-name`."""
    for prefix in _MAP_FIELDS:
        if path.startswith(prefix):
            holder = values_at(data, prefix[:-1])
            key = path[len(prefix) :]
            return [h[key] for h in holder if isinstance(h, Mapping) and key in h]
    current = [data]
    for part in path.replace("[]", "").split("."):
        nxt: list[Any] = []
        for value in flatten(current):
            if isinstance(value, Mapping) and part in value and value[part] is not None:
                nxt.append(value[part])
        current = nxt
        if not current:
            return []
    return flatten(current) if path.endswith("[]") else current


def strings_at(data: Any, path: str) -> list[str]:
    """The scalar values at a path, as strings (lists flattened, empty strings dropped)."""
    out = []
    for value in flatten(values_at(data, path)):
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            text = str(value).strip()
            if text:
                out.append(text)
    return out


def first_string(data: Any, path: str) -> str | None:
    found = strings_at(data, path)
    return found[0] if found else None


def mapping_at(data: Any, path: str) -> Mapping[str, Any]:
    found = values_at(data, path)
    return found[0] if found and isinstance(found[0], Mapping) else {}


_PLACEHOLDER = re.compile(r"\$\{|\{\{|\$\(|^\$[A-Za-z_]|<[^>]*>")


def is_placeholder(value: str) -> bool:
    """A value filled in at deploy time (`${REGION}`, `$BUCKET`, `{{ .Values.x }}`, `<bucket>`)."""
    return bool(_PLACEHOLDER.search(value))


def labels(data: Mapping[str, Any]) -> dict[str, str]:
    return _string_map(mapping_at(data, "metadata.labels"))


def hdslint_annotations(data: Mapping[str, Any]) -> dict[str, str]:
    """Only hdslint's own annotations: others may hold whole objects (kubectl's
    last-applied-configuration, with env values and Secret data)."""
    return {
        k: v
        for k, v in _string_map(mapping_at(data, "metadata.annotations")).items()
        if k.startswith(HDSLINT_ANNOTATION_PREFIX)
    }


def annotation(data: Mapping[str, Any], key: str) -> str | None:
    value = mapping_at(data, "metadata.annotations").get(key)
    return (
        str(value).strip() if isinstance(value, str | int | float) and str(value).strip() else None
    )


def tag_map(value: Any) -> dict[str, str]:
    """Provider tags as a mapping, from a mapping or a list of {key, value} pairs."""
    if isinstance(value, Mapping):
        return _string_map(value)
    out: dict[str, str] = {}
    if isinstance(value, list):
        for item in value:
            if isinstance(item, Mapping):
                key = item.get("key", item.get("Key"))
                val = item.get("value", item.get("Value"))
                if isinstance(key, str) and val is not None:
                    out[key] = str(val)
    return out


def _string_map(value: Mapping[str, Any]) -> dict[str, str]:
    """Scalar entries as strings (YAML may read an unquoted label value as a number)."""
    out: dict[str, str] = {}
    for key, item in value.items():
        if isinstance(item, bool):
            out[str(key)] = "true" if item else "false"
        elif isinstance(item, str | int | float):
            out[str(key)] = str(item)
    return out


# Bounds on the copy of a spec kept as attributes: YAML aliases can make a small file a huge
# (or deeply nested) tree, and scanning someone else's pull request must stay cheap.
MAX_ATTRIBUTE_NODES = 20_000
MAX_ATTRIBUTE_DEPTH = 40


def redacted(value: Any) -> Any:
    """A bounded copy of a spec without values under keys that look like secrets: attributes
    may be read by policies, but never carry secrets."""
    budget = [MAX_ATTRIBUTE_NODES]
    return _redacted(value, budget, 0)


def _redacted(value: Any, budget: list[int], depth: int) -> Any:
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_ATTRIBUTE_DEPTH:
        return "<truncated>"
    if isinstance(value, Mapping):
        return {
            str(k): (
                REDACTED
                if is_secret_key(str(k)) and not isinstance(v, Mapping)
                else _redacted(v, budget, depth + 1)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_redacted(v, budget, depth + 1) for v in value]
    return redact_values(value)
