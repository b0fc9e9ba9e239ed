"""What a changed template needs to be evaluated (`hdslint scan --changed`): the deploy
records beside it stand for its folder, and a nested template is scanned with the templates
that nest it (its region and parameters come from them)."""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

from hdslint.files import FileAccess
from hdslint.sources.cloudformation.deployments import CDK_MANIFEST, SAMCONFIG_NAMES

# Files that say where the templates of their folder are deployed.
DEPLOY_RECORDS = frozenset({CDK_MANIFEST, *SAMCONFIG_NAMES})

_NESTING = re.compile(rb"AWS::CloudFormation::Stack|AWS::Serverless::Application")
# A nested stack's local template, in YAML or JSON: `TemplateURL: nested/x.yaml`,
# `"aws:asset:path": "x.nested.template.json"`, SAM's `Location: ./app.yaml`.
_LOCAL_TEMPLATE = re.compile(
    rb"""["']?(?:TemplateURL|Location|aws:asset:path)["']?\s*:\s*["']?([^"'\s,{}\[\]]+)"""
)
_TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")


def nesting_parents(
    fs: FileAccess, templates: Collection[Path], root: Path, skip: Collection[str]
) -> set[Path]:
    """The folders (resolved) of the templates under `root` that nest one of `templates`
    (resolved paths), and of their own parents."""
    nested_by: dict[Path, set[Path]] = {}
    for folder, dirnames, filenames in fs.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in skip)
        base = Path(folder)
        for name in filenames:
            file = base / name
            if not name.endswith(_TEMPLATE_SUFFIXES) or fs.too_large(file):
                continue
            try:
                data = fs.read(file)
            except OSError:
                continue
            if not _NESTING.search(data):
                continue
            for found in _LOCAL_TEMPLATE.findall(data):
                text = found.decode("utf-8", "replace")
                if "://" in text or text.startswith("arn:"):
                    continue
                child = fs.resolve(base / text)
                nested_by.setdefault(child, set()).add(fs.resolve(file))
    folders: set[Path] = set()
    pending = list(templates)
    seen: set[Path] = set(pending)
    while pending:
        for parent in nested_by.get(pending.pop(), ()):
            folders.add(parent.parent)
            if parent not in seen:
                seen.add(parent)
                pending.append(parent)
    return folders
