"""`hdslint scan --changed FILE...`: scan what a commit touches, with the context it needs.

A Terraform module spans its folder, and a module's regions come from whoever calls it, so
scanning only the staged files would be wrong both ways (Checkov's `-f` mode reports
unknowns and false positives for this reason). Instead:

1. each changed file stands for its folder (a Terraform module, a folder of manifests);
2. Terraform folders that call a changed module through a local `source = "./..."` (and
   their own callers, up to the root) are scanned too, so the module is evaluated with the
   inputs it really gets;
3. CloudFormation: a changed CDK manifest or samconfig stands for its folder (the
   templates it deploys), and a nested template is scanned with the templates that nest it;
4. only findings located in the changed folders are reported;
5. Terragrunt: a changed unit (`terragrunt.hcl`) is scanned as the root it is, and a changed
   `.hcl` it reads (`root.hcl`, `region.hcl`, `_envcommon/*.hcl`) scans the units below its
   folder and those that name it; their findings are reported wherever they are located
   (in the module the unit deploys, in the `generate` block of a root).

Folders are not recursive: a change in `infra/modules/db/` does not scan `infra/` as a whole.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from hdslint.files import FileAccess
from hdslint.scan import SKIP_DIRS, ScanResult
from hdslint.sources import classify_file
from hdslint.sources.cloudformation.context import DEPLOY_RECORDS, nesting_parents

# A local module source, in HCL (`source = "../x"`) or JSON (`"source": "../x"`); other
# `source` attributes (a file for aws_s3_object) may match too, which only adds a folder to
# read for context, never a reported finding.
_LOCAL_SOURCE = re.compile(r'\bsource"?\s*[=:]\s*"(\.{1,2}/[^"]*)"')
MODULE_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json")
# A Terragrunt unit, in HCL or in HCL's JSON form.
UNIT_NAMES = ("terragrunt.hcl", "terragrunt.hcl.json")


@dataclass(frozen=True)
class ChangedScope:
    paths: list[str]  # what to scan: files, each standing for its folder where it must
    folders: frozenset[Path]  # resolved folders whose findings are reported
    # resolved Terragrunt unit folders whose findings are reported wherever they are located
    units: frozenset[Path] = frozenset()


def _inputs_in(fs: FileAccess, folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.is_file() and classify_file(fs, p))
    except OSError:
        return []


def _terraform_callers(fs: FileAccess, root: Path) -> dict[Path, set[Path]]:
    """Module folder -> folders whose .tf files call it with a local source. Only files
    inside `root` and under the size limit are read (as the sources do)."""
    callers: dict[Path, set[Path]] = {}
    top = root.resolve()
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        base = Path(folder)
        for name in filenames:
            file = base / name
            if not (name.endswith(MODULE_SUFFIXES) or name in UNIT_NAMES) or fs.too_large(file):
                continue
            if file.is_symlink() and top not in file.resolve().parents:
                continue
            try:
                text = file.read_text("utf-8", errors="replace")
            except OSError:
                continue
            for source in _LOCAL_SOURCE.findall(text):
                # Terragrunt's `../modules//mysql`: the module is the subfolder.
                target = (base / source.split("?", 1)[0].replace("//", "/")).resolve()
                callers.setdefault(target, set()).add(base.resolve())
    return callers


def expand_changed(files: Sequence[str], root: Path | None = None) -> ChangedScope:
    """The folders of the changed files, and what to scan to evaluate them in context.

    A file that no longer exists (deleted in the change) stands for its folder when the
    folder is still there. `root` is where callers are looked for (default: the working
    directory, which is the repository's root under pre-commit). Files are read through a
    file access of its own, which records nothing: a scan of what changed is never
    replayed."""
    fs = FileAccess()
    folders: dict[Path, Path] = {}  # resolved -> as given, in order
    units = _terragrunt_units(fs, files, root or Path.cwd())
    for name in files:
        path = Path(name)
        if path.is_dir():
            folder = path
        elif path.is_file():
            if classify_file(fs, path) is None and path.name not in DEPLOY_RECORDS:
                continue
            folder = path.parent
        elif path.parent.is_dir():
            folder = path.parent
        else:
            continue
        folders.setdefault(folder.resolve(), folder)
    to_scan: dict[Path, Path] = dict(folders)
    for unit in sorted(units):
        to_scan.setdefault(unit, Path(os.path.relpath(unit)))
    terraform = [
        f for f in folders if any(p.name.endswith(MODULE_SUFFIXES) for p in _inputs_in(fs, f))
    ]
    if terraform:
        callers = _terraform_callers(fs, root or Path.cwd())
        pending = list(terraform)
        while pending:
            for caller in sorted(callers.get(pending.pop(), ())):
                if caller not in to_scan:
                    to_scan[caller] = Path(os.path.relpath(caller))
                    pending.append(caller)
    templates = [
        p.resolve()
        for f in folders.values()
        for p in _inputs_in(fs, f)
        if classify_file(fs, p) == "cloudformation"
    ]
    if templates:
        for parent in sorted(nesting_parents(fs, templates, root or Path.cwd(), SKIP_DIRS)):
            to_scan.setdefault(parent, Path(os.path.relpath(parent)))
    paths: list[str] = []
    for shown in to_scan.values():
        paths.extend(str(p) for p in _inputs_in(fs, shown))
    return ChangedScope(paths=paths, folders=frozenset(folders), units=frozenset(units))


def _terragrunt_units(fs: FileAccess, files: Sequence[str], root: Path) -> set[Path]:
    """The Terragrunt unit folders a change concerns: changed units, and for a changed
    `.hcl` file the units below its folder (find_in_parent_folders reaches it from there)
    and the units that name it."""
    changed = [Path(name) for name in files if name.endswith((".hcl", ".hcl.json"))]
    units = {p.resolve().parent for p in changed if p.name in UNIT_NAMES}
    read = [p for p in changed if p.name not in UNIT_NAMES]
    if not read:
        return units
    for unit in _unit_files(root):
        if any(p.resolve().parent in unit.parents for p in read) or _names_any(fs, unit, read):
            units.add(unit.parent)
    return units


def _unit_files(root: Path) -> list[Path]:
    top = root.resolve()
    found = []
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in UNIT_NAMES:
            if name in filenames:
                file = (Path(folder) / name).resolve()
                if top == file.parent or top in file.parents:
                    found.append(file)
    return found


def _names_any(fs: FileAccess, unit: Path, read: Sequence[Path]) -> bool:
    if fs.too_large(unit):
        return False
    try:
        text = unit.read_text("utf-8", errors="replace")
    except OSError:
        return False
    return any(p.name in text for p in read)


def only_changed(
    result: ScanResult, folders: Iterable[Path], units: Iterable[Path] = ()
) -> ScanResult:
    """The scan result with only the findings (and unused-suppression warnings) declared in
    `folders`, and the findings of the Terragrunt `units` (errors are all kept: something
    that could not be read may hide a finding anywhere)."""
    wanted = frozenset(folders)
    unit_scopes = frozenset(units)

    def inside(file: str | None) -> bool:
        return file is not None and Path(file).resolve().parent in wanted

    def of_unit(scope: str) -> bool:
        return bool(unit_scopes) and bool(scope) and Path(scope).resolve() in unit_scopes

    # Unused config waivers (no line) are left out: a waiver may be meant for a folder that
    # a --changed scan does not read.
    return dataclasses.replace(
        result,
        findings=[
            f for f in result.findings if inside(f.location.file) or of_unit(f.resource.scope)
        ],
        warnings=[w for w in result.warnings if w.line is not None and inside(w.file)],
    )
