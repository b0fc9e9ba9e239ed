"""Input sources: each turns files of one kind into normalised resources and edges.

`classify_file` decides which source reads a file (by name, then by a peek at the content);
`FILE_SOURCES` names, for each kind, the function that reads all files of that kind. A source
is imported only when a file of its kind is scanned. Terraform folders are handled apart
(a module spans a folder), see `hdslint.sources.terraform`.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hdslint.files import FileAccess
from hdslint.sources.base import SourceResult

if TYPE_CHECKING:
    from hdslint.config import Config
    from hdslint.result import ScanOptions

# (files of its kind, configuration, options, the scan's file access) -> what they hold
FileSource = Callable[[Sequence[Path], "Config", "ScanOptions", FileAccess], SourceResult]

# kind -> "module:function" reading every file of that kind
FILE_SOURCES: dict[str, str] = {
    "terraform-plan": "hdslint.sources.terraform.plan:scan_plans",
    "kubernetes": "hdslint.sources.kubernetes:scan",
    "inventory": "hdslint.sources.inventory:scan",
    "cloud-export": "hdslint.sources.exports:scan",
    "cloudformation": "hdslint.sources.cloudformation:scan",
}

# OpenTofu reads Terraform's files and its own `.tofu` / `.tofu.json` (loader.py decides
# which of a folder's files a module is made of).
TERRAFORM_SUFFIXES = (".tf", ".tfvars", ".tf.json", ".tfvars.json", ".tofu", ".tofu.json")
PEEK_BYTES = 4096
# Newline-delimited JSON: read when it is a cloud export (a Cloud Asset Inventory export).
NDJSON_SUFFIXES = (".jsonl", ".ndjson")
# CloudFormation templates often start with a long Parameters section: look further.
YAML_PEEK_BYTES = 65536

# Kinds that look like infrastructure but that no source of this version reads: each is an
# input error naming the file (a file that is not checked is never a pass), until the
# source that reads it lands. kind -> what the file is, as the error says it.
UNREAD_KINDS: dict[str, str] = {
    "terragrunt-stack": (
        "a Terragrunt stack (terragrunt.stack.hcl): its unit blocks are not expanded (the units"
        " `terragrunt stack generate` writes into .terragrunt-stack are read when present)"
    ),
}
# A Terragrunt unit, in HCL or in HCL's JSON form (Terragrunt reads the JSON one only when
# there is no terragrunt.hcl beside it).
TERRAGRUNT_NAMES = frozenset({"terragrunt.hcl", "terragrunt.hcl.json"})
TERRAGRUNT_STACK = "terragrunt.stack.hcl"

# CloudFormation by content: the format version, or SAM's transform, or a top-level
# Resources section with an AWS:: type, in a document that is not a Kubernetes manifest.
_CFN_MARKER = re.compile(
    rb"AWSTemplateFormatVersion|Transform\"?\s*:\s*\[?\s*[\"']?AWS::Serverless"
)
_CFN_RESOURCES_YAML = re.compile(rb"^Resources\s*:", re.MULTILINE)
_CFN_RESOURCES_JSON = re.compile(rb'"Resources"\s*:')
_CFN_AWS_TYPE = re.compile(rb"\bType\"?\s*:\s*[\"']?AWS::")
_K8S_YAML = re.compile(rb"^apiVersion\s*:", re.MULTILINE)
# Cloud exports by content (hdslint/sources/exports): an Azure resource id (Resource Graph,
# az resource list).
_AZURE_EXPORT = re.compile(rb'"id"\s*:\s*"/subscriptions/[^"]+/providers/', re.IGNORECASE)
_AZURE_TABLE = re.compile(rb'"columns"\s*:.*"/subscriptions/', re.IGNORECASE | re.DOTALL)
# Google Cloud Asset Inventory: a full resource name and an asset type (an export, one asset
# a line, or a search result).
_CAI_NAME = re.compile(rb'"name"\s*:\s*"//[a-z0-9.-]+\.googleapis\.com/')
_CAI_TYPE = re.compile(rb'"(?:asset_type|assetType)"\s*:\s*"[a-z0-9.-]+\.googleapis\.com/')
# AWS Config: configuration items (a snapshot, a history) or advanced-query results (JSON
# strings, their quotes escaped).
_CONFIG_ITEMS = re.compile(rb'"(?:base)?[cC]onfigurationItems"\s*:\s*\[')
_CONFIG_RESULTS = re.compile(rb'"Results"\s*:\s*\[\s*"')
_CONFIG_TYPE = re.compile(rb'resourceType\\?"\s*:\s*\\?"AWS::')


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
        # SAM CLI's deploy settings: read as the templates' context, never as manifests.
        "samconfig.yaml",
        "samconfig.yml",
    }
)


def classify_file(fs: FileAccess, path: Path) -> str | None:
    """The kind of input a file is, or None when hdslint does not read it."""
    name = path.name
    if name in TOOL_CONFIG_NAMES:
        return None
    if name.endswith(TERRAFORM_SUFFIXES):
        return "terraform"
    if name in TERRAGRUNT_NAMES:
        return "terragrunt"
    if name == TERRAGRUNT_STACK:
        return "terragrunt-stack"
    if name.endswith(".json"):
        return _sniff_json(fs, path)
    if name.endswith(NDJSON_SUFFIXES):
        return "cloud-export" if _is_cloud_export(_peek(fs, path, PEEK_BYTES) or b"") else None
    if name.endswith((".yaml", ".yml", ".template")):
        return _sniff_yaml(fs, path, name)
    return None


def _peek(fs: FileAccess, path: Path, size: int) -> bytes | None:
    try:
        return fs.head(path, size)
    except OSError:
        return None


def _sniff_yaml(fs: FileAccess, path: Path, name: str) -> str | None:
    head = _peek(fs, path, YAML_PEEK_BYTES)
    if head is not None and (
        _is_cloudformation(head, _CFN_RESOURCES_YAML)
        or (name.endswith(".template") and _is_cloudformation(head, _CFN_RESOURCES_JSON))
    ):
        return "cloudformation"
    # Unreadable files go to the source, which says why it cannot read them.
    return None if name.endswith(".template") else "kubernetes"


def _is_cloudformation(head: bytes, resources: re.Pattern[bytes]) -> bool:
    if _K8S_YAML.search(head):
        return False
    if _CFN_MARKER.search(head):
        return True
    return bool(resources.search(head) and _CFN_AWS_TYPE.search(head))


def _sniff_json(fs: FileAccess, path: Path) -> str | None:
    head = _peek(fs, path, PEEK_BYTES)
    if head is None:
        return None
    if b'"terraform_version"' in head and (
        b'"planned_values"' in head or b'"format_version"' in head
    ):
        return "terraform-plan"
    # Shaped like a plan even when cut short or malformed: the plan source says what is
    # wrong with it rather than the file being skipped.
    if b'"format_version"' in head and (
        b'"planned_values"' in head or b'"resource_changes"' in head
    ):
        return "terraform-plan"
    if b'"hdslint_inventory"' in head:
        return "inventory"
    # An inventory `hdslint azure --save` wrote starts with its provenance.
    if b'"hdslint_export"' in head or _is_cloud_export(head):
        return "cloud-export"
    if b'"apiVersion"' in head and b'"kind"' in head:
        return "kubernetes"
    if _is_cloudformation(head, _CFN_RESOURCES_JSON):
        return "cloudformation"
    return None


def _is_cloud_export(head: bytes) -> bool:
    # An ARM template (deploymentTemplate schema) may spell ids, but is not an export.
    if b"deploymentTemplate" in head:
        return False
    # A list of resources (az resource list) or a Resource Graph answer (`data`), never a
    # lone resource or a document that merely names one.
    listing = head.lstrip().startswith(b"[") or b'"data"' in head
    if listing and bool(_AZURE_EXPORT.search(head) or _AZURE_TABLE.search(head)):
        return True
    if _CAI_NAME.search(head) and _CAI_TYPE.search(head):
        return True
    config = _CONFIG_ITEMS.search(head) or _CONFIG_RESULTS.search(head)
    return bool(config and _CONFIG_TYPE.search(head))


def file_source(kind: str) -> FileSource | None:
    target = FILE_SOURCES.get(kind)
    if target is None:
        return None
    module_name, _, function = target.partition(":")
    reader: FileSource = getattr(importlib.import_module(module_name), function)
    return reader
