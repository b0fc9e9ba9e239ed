"""Cloud inventories exported by the clouds' own tools, read offline like a saved inventory.

Each format is detected by its content (`hdslint.sources.classify_file` sends every one to
kind "cloud-export"; `detect` tells them apart once parsed), then read into the same
normalised resources and edges as every other source, through the one catalogue:

- Azure: `az graph query` / the Resource Graph REST answer, and `az resource list`
  (`azure.py`, ARM types mapped by the catalogue's azapi table);
- Google Cloud: Cloud Asset Inventory exports and `gcloud asset search-all-resources`
  (`gcp.py`, asset types mapped by exports.yaml's `cai_types`);
- AWS Config: configuration snapshots, configuration item listings and advanced queries
  (`awsconfig.py`, CloudFormation types, flows from exports.yaml's `aws_config_types`).

Each reader's entry point is a plain function from the parsed JSON to a `SourceResult`, so
a live listing that returns the same documents (`hdslint azure`) reads them the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hdslint.files import FileAccess
from hdslint.model import InputError
from hdslint.paths import display_path
from hdslint.sources.base import SourceResult
from hdslint.sources.exports import awsconfig, azure, gcp, gcpinventory
from hdslint.sources.exports.files import ExportFile, load_export

if TYPE_CHECKING:
    from hdslint.config import Config
    from hdslint.result import ScanOptions

SOURCE = "inventory"

# What each format's document looks like, and the function that reads it.
Reader = Callable[[Any, ExportFile], SourceResult]


def scan(
    files: Sequence[Path], config: Config, options: ScanOptions, fs: FileAccess
) -> SourceResult:
    """The FILE_SOURCES entry for kind "cloud-export"."""
    result = SourceResult()
    for path in files:
        result.extend(read(fs, path, display_path(path)))
    return result


def read(fs: FileAccess, path: Path, display: str) -> SourceResult:
    loaded = load_export(fs, path, display)
    if isinstance(loaded, InputError):
        return SourceResult(errors=[loaded])
    reader = detect(loaded.data)
    if reader is None:
        return SourceResult(
            errors=[
                InputError(
                    display,
                    "not a cloud inventory hdslint reads (az graph query, az resource list,"
                    " gcloud asset export or search-all-resources, AWS Config)",
                )
            ]
        )
    return reader(loaded.data, loaded)


def detect(data: Any) -> Reader | None:
    """The reader of a parsed export, by its shape."""
    if gcpinventory.is_saved_inventory(data):  # hdslint gcp --save, before gcp's own shapes
        return gcpinventory.read_export
    if azure.is_azure_export(data):
        return azure.read_export
    if gcp.is_gcp_export(data):
        return gcp.read_export
    if awsconfig.is_config_export(data):
        return awsconfig.read_export
    return None
