"""Where a manifest is deployed: the `kubernetes.clusters` mapping of `.hdslint.yaml`.

Manifests rarely say which cluster they go to, nor where that cluster runs. The mapping gives,
for path globs relative to the configuration file's folder, the cluster's provider and
region. Manifests of one cluster share a scope (resources may reference each other there);
manifests that no entry maps are scoped by their folder, and the location of what they store
is unknown, with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hdslint.config import ClusterMapping, Config
from hdslint.files import FileAccess
from hdslint.globs import glob_match
from hdslint.globs import glob_regex as glob_regex  # noqa: PLC0414 (re-exported)
from hdslint.model import Resource, ScanWarning

STDIN = "<stdin>"


@dataclass(frozen=True, slots=True)
class Cluster:
    """The cluster a manifest goes to, as far as the configuration tells."""

    scope: str
    provider: str | None
    region: str | None
    # How messages name it ("cluster 'prod'"), and why its location is not known.
    label: str
    unknown: str | None = None
    # For manifests no entry maps: the glob that would map their folder (relative to the
    # configuration's folder), for the one hint per folder that says how to map it.
    folder_glob: str | None = None


def _relative(fs: FileAccess, path: Path, root: Path) -> str | None:
    try:
        # Path.absolute() only joins the working folder (no system call, unlike resolve());
        # one resolve per folder (it costs system calls, and manifests come many per folder).
        folder = fs.real_folder(path.parent.absolute())
        return Path(os.path.relpath(folder / path.name, root)).as_posix()
    except ValueError:
        return None


def _matches(entry: ClusterMapping, rel: str) -> bool:
    return any(glob_match(p, rel) for p in entry.paths)


def cluster_for(fs: FileAccess, path: Path | None, display: str, config: Config) -> Cluster:
    """The cluster of a manifest file (`path` None: standard input without a path)."""
    rel = _relative(fs, path, config.root) if path is not None else None
    if rel is not None and not rel.startswith("../"):
        for entry in config.clusters:
            if _matches(entry, rel):
                return _mapped(entry, config)
    folder = STDIN if path is None else (Path(display).parent.as_posix() or ".")
    glob = None
    if rel is not None and not rel.startswith("../"):
        parent = Path(rel).parent.as_posix()
        glob = "**" if parent == "." else f"{parent}/**"
    return Cluster(
        scope=folder,
        provider=None,
        region=None,
        label=folder,
        unknown=_why(path, folder, config),
        folder_glob=glob,
    )


def _mapped(entry: ClusterMapping, config: Config) -> Cluster:
    label = f"cluster {entry.name!r}" if entry.name else f"cluster {entry.paths[0]!r}"
    scope = f"cluster:{entry.name or entry.paths[0]}"
    unknown = None
    if entry.region is None:
        unknown = f"the kubernetes.clusters entry for {label} in {config.file} gives no region"
    # Provider ids are lower case everywhere (`aws`, `ovh`): `AWS` in a config means the same.
    return Cluster(
        scope=scope,
        provider=entry.provider.lower(),
        region=entry.region,
        label=label,
        unknown=unknown,
    )


def _why(path: Path | None, folder: str, config: Config) -> str:
    # The manifests of one folder share a scope, and the reason: it names the folder, never
    # one of its files (a finding on another file would name its neighbour).
    if path is None:
        return (
            "manifests read from standard input are not mapped to a cluster (give"
            " --stdin-filename a path that a kubernetes.clusters entry of .hdslint.yaml matches)"
        )
    if config.file is None:
        return (
            f"no .hdslint.yaml maps the manifests in {folder} to their cluster"
            " (kubernetes.clusters: paths, provider, region)"
        )
    if not config.clusters:
        return (
            f"{config.file} has no kubernetes.clusters entry that maps the manifests in"
            f" {folder} to their cluster"
        )
    return f"no kubernetes.clusters entry in {config.file} matches the manifests in {folder}"


def mapping_hints(
    scopes: Iterable[tuple[Cluster, Iterable[Resource]]], config: Config
) -> list[ScanWarning]:
    """One hint per folder of manifests that no entry maps and whose data stores are
    therefore not located: how to map it (not one per object)."""
    hints = []
    for cluster, resources in scopes:
        if cluster.unknown is None or cluster.provider is not None or cluster.scope == STDIN:
            continue
        why = cluster.unknown
        stores = sum(
            1
            for r in resources
            if r.is_data_store and any(why in reason for reason in r.unknown.values())
        )
        if not stores:
            continue
        where = config.file or ".hdslint.yaml"
        entry = (
            f'kubernetes: {{clusters: [{{paths: ["{cluster.folder_glob}"], provider: ...,'
            " region: ...}]}"
            if cluster.folder_glob is not None
            else "a kubernetes.clusters entry (paths, provider, region)"
        )
        stored = "1 data store is" if stores == 1 else f"{stores} data stores are"
        hints.append(
            ScanWarning(
                cluster.scope,
                f"the manifests here are not mapped to a cluster, so where their {stored} not"
                f" known: say where they are deployed with {entry} in {where}",
            )
        )
    return hints
