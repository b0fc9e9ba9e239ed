"""Inventories `hdslint gcp --save` writes: the ListAssets answer of every page and scope
(`readTime`, `assets`, as `gcloud asset export --content-type=resource` writes each asset),
preceded by its provenance (`hdslint_export`: when, through which endpoint, which scopes
were read and which were not, and why).

The assets are read by the Cloud Asset Inventory reader (`hdslint.sources.exports.gcp`);
each scope that was not read is a coverage gap (HDS-EVAL-001, not evaluated). The live scan
reads its own document through `read_document` too, so that both give the same findings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from hdslint.model import InputError, Location, Resource, freeze
from hdslint.sources.base import SourceResult
from hdslint.sources.exports.files import ExportFile
from hdslint.sources.exports.gcp import PROVIDER, resources_from_cai
from hdslint.sources.exports.types import saved_provenance

GAP_TYPE = "gcp_coverage_gap"
READ = "read"

# (index in the assets, full resource name) -> where the asset was read
LocateAsset = Callable[[int, str], Location]
# a scope (projects/ID, folders/ID, organizations/ID) -> where its provenance entry is
LocateScope = Callable[[str], Location]


def provenance(data: Any) -> Mapping[str, Any] | None:
    """The provenance of an inventory `hdslint gcp --save` wrote, or None."""
    return saved_provenance(data, PROVIDER)


def is_saved_inventory(data: Any) -> bool:
    return provenance(data) is not None and isinstance(data.get("assets"), list)


def read_export(data: Any, file: ExportFile) -> SourceResult:
    """A saved inventory, as `hdslint.sources.exports.detect` hands it over."""
    return read_document(
        data,
        file.display,
        locate=lambda _index, name: file.location("name", name),
        locate_scope=lambda scope: file.location("id", scope),
        source="inventory",
    )


def read_document(
    data: Mapping[str, Any],
    display: str,
    *,
    locate: LocateAsset,
    locate_scope: LocateScope,
    source: str,
) -> SourceResult:
    items = data.get("assets")
    assets = items if isinstance(items, list) else []
    result = resources_from_cai(assets, locate=locate, source=source)
    found = provenance(data) or {}
    entries = found.get("scopes")
    scopes = [e for e in entries if isinstance(e, Mapping)] if isinstance(entries, list) else []
    for entry in scopes:
        if entry.get("status") == READ:
            continue
        scope = str(entry.get("id", ""))
        reason = str(entry.get("reason") or "no reason recorded")
        result.resources.append(
            Resource(
                id=f"gcp:scope:{scope}",
                type=GAP_TYPE,
                provider=PROVIDER,
                service="gcp:cloudasset",
                category="other",
                region=None,
                location=locate_scope(scope),
                source=source,
                unknown=freeze({"contents": f"{scope} was not read: {reason}"}),
                account=scope if scope.startswith("projects/") else None,
            )
        )
    incomplete = found.get("incomplete")
    if isinstance(incomplete, str) and incomplete:
        result.errors.append(InputError(display, incomplete))
    if not any(entry.get("status") == READ for entry in scopes):
        result.errors.append(
            InputError(
                display,
                "nothing was read: no scope could be read"
                + (" (the coverage gaps say why)" if scopes else "")
                + ": check the credentials, their Cloud Asset Viewer role and the network",
            )
        )
    return result
