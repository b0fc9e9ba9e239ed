"""The CloudFormation source: templates (JSON or YAML, SAM included, and CDK's synthesized
`cdk.out`) -> normalised resources and edges.

A template is evaluated for each place it is deployed (`deployments.py`: the CDK manifest,
samconfig, or `cloudformation.stacks`); nested stacks are evaluated through their parent,
not on their own. Resources are the same as their Terraform equivalents
(`hdslint/catalogue/cloudformation.yaml`). hdslint never runs cdk, sam or cfn tooling.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hdslint.files import FileAccess
from hdslint.model import InputError
from hdslint.paths import display_path
from hdslint.sources.base import SourceResult
from hdslint.sources.cloudformation.deployments import Deployments
from hdslint.sources.cloudformation.stacks import (
    NESTED_STACK_TYPES,
    StackBuilder,
    nested_template_path,
)
from hdslint.sources.cloudformation.template import Template, load

if TYPE_CHECKING:
    from hdslint.config import Config
    from hdslint.result import ScanOptions


def scan(
    files: Sequence[Path], config: Config, options: ScanOptions, fs: FileAccess
) -> SourceResult:
    result = SourceResult()
    loaded: dict[Path, Template | InputError | None] = {}

    def read(path: Path) -> Template | InputError | None:
        key = fs.resolve(path)
        if key not in loaded:
            loaded[key] = read_template(fs, path)
        return loaded[key]

    templates: list[tuple[Path, Template]] = []
    for path in files:
        found = read(path)
        if isinstance(found, InputError):
            result.errors.append(found)
        elif found is not None:
            templates.append((path, found))
    tops = top_templates(fs, templates)
    deployments = Deployments(config, fs)
    builder = StackBuilder(read, fs)
    for path, template in templates:
        if fs.resolve(path) not in tops:
            continue  # read through the stack that nests it
        for target in deployments.targets(path, template.file):
            builder.add(path, template, target)
    result.resources.extend(builder.resources())
    result.edges.extend(builder.edges())
    result.errors.extend(deployments.errors + builder.errors)
    return result


def read_template(fs: FileAccess, path: Path) -> Template | InputError | None:
    display = display_path(path)
    if not fs.inside(path):
        return InputError(display, "outside the scanned folders: not read")
    problem = fs.too_large(path)
    if problem is not None:
        return InputError(display, problem)
    try:
        data = fs.read(path)
    except OSError as exc:
        return InputError(display, f"cannot read: {exc.strerror or exc}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return InputError(display, f"not valid UTF-8 (byte {exc.start})")
    return load(text, display)


def top_templates(fs: FileAccess, templates: Sequence[tuple[Path, Template]]) -> set[Path]:
    """The templates to deploy as stacks of their own (resolved paths): those no other
    scanned template nests, and one of each loop of templates nesting each other (a loop
    is never skipped whole: every template is read)."""
    children = _children(fs, templates)
    order = [fs.resolve(path) for path, _ in templates]
    nested = {child for parent in order for child in children.get(parent, ()) if child != parent}
    tops = {path for path in order if path not in nested}
    reached: set[Path] = set()

    def reach(start: Path) -> None:
        pending = [start]
        while pending:
            current = pending.pop()
            if current not in reached:
                reached.add(current)
                pending.extend(children.get(current, ()))

    for path in order:
        if path in tops:
            reach(path)
    for path in order:
        if path not in reached:
            tops.add(path)
            reach(path)
    return tops


def _children(fs: FileAccess, templates: Sequence[tuple[Path, Template]]) -> dict[Path, set[Path]]:
    """Each scanned template -> the local templates it deploys as nested stacks."""
    out: dict[Path, set[Path]] = {}
    for path, template in templates:
        resources = template.data.get("Resources")
        if not isinstance(resources, dict):
            continue
        for body in resources.values():
            kind = body.get("Type") if isinstance(body, dict) else None
            if not isinstance(kind, str) or kind not in NESTED_STACK_TYPES:
                continue
            properties: Any = body.get("Properties")
            child = nested_template_path(
                fs, path, body, properties if isinstance(properties, dict) else {}
            )
            if isinstance(child, Path):
                out.setdefault(fs.resolve(path), set()).add(fs.resolve(child))
    return out
