"""Input sources: each turns files of one kind into normalised resources and edges.

`classify_file` decides which source reads a file (by name, then by a peek at the content);
`FILE_SOURCES` names, for each kind, the function that reads all files of that kind. A source
is imported only when a file of its kind is scanned. Terraform folders are handled apart
(a module spans a folder), see `hdslint.sources.terraform`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hdslint.sources.base import SourceResult

if TYPE_CHECKING:
    from hdslint.config import Config
    from hdslint.result import ScanOptions

FileSource = Callable[[Sequence[Path], "Config", "ScanOptions"], SourceResult]

# kind -> "module:function" reading every file of that kind
FILE_SOURCES: dict[str, str] = {
    "terraform-plan": "hdslint.sources.terraform.plan:scan_plans",
    "kubernetes": "hdslint.sources.kubernetes:scan",
    "inventory": "hdslint.sources.inventory:scan",
}

TERRAFORM_SUFFIXES = (".tf", ".tfvars", ".tf.json", ".tfvars.json")
PEEK_BYTES = 4096


# YAML files that are tools' configuration, never infrastructure: not read, not counted.
TOOL_CONFIG_NAMES = frozenset(
    {
        ".hdslint.yaml",
        ".hdslint.yml",
        ".pre-commit-config.yaml",
        ".pre-commit-hooks.yaml",
        ".gitlab-ci.yml",
        ".travis.yml",
        "mkdocs.yml",
        "Chart.yaml",
    }
)


def classify_file(path: Path) -> str | None:
    """The kind of input a file is, or None when hdslint does not read it."""
    name = path.name
    if name in TOOL_CONFIG_NAMES:
        return None
    if name.endswith(TERRAFORM_SUFFIXES):
        return "terraform"
    if name.endswith(".json"):
        return _sniff_json(path)
    if name.endswith((".yaml", ".yml")):
        return "kubernetes"
    return None


def _sniff_json(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            head = handle.read(PEEK_BYTES)
    except OSError:
        return None
    if b'"terraform_version"' in head and (
        b'"planned_values"' in head or b'"format_version"' in head
    ):
        return "terraform-plan"
    if b'"hdslint_inventory"' in head:
        return "inventory"
    if b'"apiVersion"' in head and b'"kind"' in head:
        return "kubernetes"
    return None


def file_source(kind: str) -> FileSource | None:
    target = FILE_SOURCES.get(kind)
    if target is None:
        return None
    module_name, _, function = target.partition(":")
    reader: FileSource = getattr(importlib.import_module(module_name), function)
    return reader
