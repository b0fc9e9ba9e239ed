"""A Terragrunt unit as the Terraform root module Terragrunt would run.

Terragrunt copies the module its `terraform { source }` names into a working folder, adds
the unit folder's own files, writes the files of its `generate` blocks (the provider block
with its region usually comes from there) and passes `inputs` as the module's variables
(`TF_VAR_`s). hdslint builds the same module without copying anything: the source's files,
the unit's, then the generated ones (a generated file replaces a file of the same name),
each generated block located at its line in the configuration that writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hdslint.files import FileAccess
from hdslint.model import InputError, Location, Resource, Unknown, freeze
from hdslint.paths import display_path
from hdslint.sources.terraform.hcl import Body
from hdslint.sources.terraform.loader import (
    CONFIGURATION_SUFFIXES,
    ModuleDir,
    ParseFunction,
    add_file,
    load_module,
    module_files,
    parse_bytes,
    parsed_result,
    syntax_of,
)
from hdslint.sources.terragrunt.config import Generated, Source, UnitConfig

CACHE_DIR = ".terragrunt-cache"


@dataclass(frozen=True)
class ModuleFolder:
    """Where a unit's module is: a folder, or why it is not read."""

    path: Path | None
    reason: str | None = None


def module_folder(fs: FileAccess, unit: UnitConfig) -> ModuleFolder:
    """The folder of the module a unit deploys: its own folder without a source, a local
    source (`../modules//mysql`), or a remote one Terragrunt already downloaded into the
    unit's `.terragrunt-cache`; never fetched."""
    unit_dir = fs.resolve(unit.path).parent
    if unit.source is None:
        return ModuleFolder(unit_dir)
    value = unit.source.value
    if isinstance(value, Unknown):
        return ModuleFolder(None, f"terraform.source is not known: {value.reason}")
    address = value.split("?", 1)[0]
    if _is_local(address):
        base, _, sub = _split_subdir(address)
        path = Path(base) if Path(base).is_absolute() else unit_dir / base
        path = fs.resolve(path / sub) if sub else fs.resolve(path)
        if not fs.inside(path):
            return ModuleFolder(
                None,
                f"local source {value!r} is outside the scanned folders and the working"
                " folder, so it is not read",
            )
        if not fs.is_dir(path):
            return ModuleFolder(None, f"local source {value!r} does not exist")
        return ModuleFolder(path)
    downloaded = _downloaded(fs, unit_dir, _split_subdir(address)[2])
    if downloaded is not None:
        return ModuleFolder(downloaded)
    return ModuleFolder(
        None,
        f"remote source {value!r} is not downloaded: hdslint never fetches modules; run"
        f" `terragrunt init` first so that {CACHE_DIR} holds it",
    )


def _is_local(address: str) -> bool:
    return "::" not in address and "://" not in address and address.startswith(("/", "."))


def _split_subdir(address: str) -> tuple[str, str, str]:
    """`../modules//mysql` -> (`../modules`, `//`, `mysql`); go-getter's subdirectory."""
    scheme_end = address.find("://")
    start = scheme_end + 3 if scheme_end >= 0 else 0
    cut = address.find("//", start)
    if cut < 0:
        return address, "", ""
    return address[:cut], "//", address[cut + 2 :].strip("/")


def _downloaded(fs: FileAccess, unit_dir: Path, sub: str) -> Path | None:
    """The module in `.terragrunt-cache/<hash>/<hash>/<subdir>` (the most recent download
    when there are several). Outside the scanned folders (a symlink) there is nothing."""
    cache = unit_dir / CACHE_DIR
    if not fs.is_dir(cache):
        return None
    found = [
        folder
        for folder in fs.glob(cache, f"*/*/{sub}" if sub else "*/*")
        if fs.is_dir(folder) and _has_configuration(fs, folder)
    ]
    if not found:
        return None
    newest = max(found, key=lambda folder: (fs.mtime_ns(folder), str(folder)))
    return fs.resolve(newest)


def _has_configuration(fs: FileAccess, folder: Path) -> bool:
    try:
        return any(p.name.endswith(CONFIGURATION_SUFFIXES) for p in fs.listdir(folder))
    except OSError:
        return False


def unit_module(fs: FileAccess, unit: UnitConfig, folder: Path, parse: ParseFunction) -> ModuleDir:
    """The root module Terragrunt would run for `unit`, its scope the unit's folder."""
    unit_dir = fs.resolve(unit.path).parent
    generated = {
        g.path: g
        for g in unit.generates.values()
        if isinstance(g.path, str) and g.disabled is not True and "/" not in g.path
    }
    try:
        files = {p.name: p for p in _module_files(fs, folder)}
        if folder != unit_dir:
            files.update({p.name: p for p in _module_files(fs, unit_dir)})
    except OSError as exc:
        module = ModuleDir(path=folder, display=display_path(unit_dir))
        module.errors.append(
            InputError(display_path(folder), f"cannot read directory: {exc.strerror or exc}")
        )
        return module
    kept = [path for name, path in files.items() if name not in generated]
    module = load_module(fs, folder, sorted(kept), parse=parse)
    module.display = display_path(unit_dir)
    for g in generated.values():
        _add_generated(module, g)
    for g in unit.generates.values():
        if isinstance(g.path, Unknown) or isinstance(g.disabled, Unknown):
            reason = g.path.reason if isinstance(g.path, Unknown) else "disable is not known"
            module.errors.append(
                InputError(g.file, f'generate "{g.name}" is not read: {reason}', g.line)
            )
    return module


def _module_files(fs: FileAccess, folder: Path) -> list[Path]:
    tf_files, var_files = module_files(fs, folder)
    return [*tf_files, *var_files]


def _add_generated(module: ModuleDir, generated: Generated) -> None:
    if not generated.path.endswith(CONFIGURATION_SUFFIXES):  # type: ignore[union-attr]
        return  # a file Terraform does not read as configuration (a .tfvars is one below)
    if isinstance(generated.contents, Unknown):
        module.errors.append(
            InputError(
                generated.file,
                f'generate "{generated.name}": contents are not known: {generated.contents.reason}',
                generated.line,
            )
        )
        return
    parsed = parse_bytes(generated.contents.encode("utf-8"), syntax_of(str(generated.path)))
    body, error = parsed_result(parsed, generated.file)
    if error is not None:
        line = _shift(error.line, generated) if error.line is not None else generated.line
        module.errors.append(
            InputError(generated.file, f'generate "{generated.name}": {error.message}', line)
        )
        return
    assert body is not None
    add_file(module, _relocate(body, generated), generated.file)


def _shift(line: int, generated: Generated) -> int:
    """A line of the generated file, as a line of the configuration that writes it: a
    heredoc's text starts on the line after `contents = <<EOF`; other contents (a
    function's result) are all at the `contents` line."""
    return generated.line + line if generated.heredoc else generated.line


def _relocate(body: Body, generated: Generated) -> Body:
    return {
        "attrs": {
            name: (expr, _shift(line, generated), source)
            for name, (expr, line, source) in body["attrs"].items()
        },
        "blocks": [
            (
                kind,
                labels,
                _relocate(inner, generated),
                _shift(line, generated),
                _shift(end, generated),
            )
            for kind, labels, inner, line, end in body["blocks"]
        ],
    }


def unread_module(fs: FileAccess, unit: UnitConfig, source: Source | None, reason: str) -> Resource:
    """A unit whose module is not read: HDS-EVAL-001 at its `terraform { source }`."""
    file, line = (source.file, source.line) if source is not None else (unit.display, None)
    return Resource(
        id="terraform.source",
        type="terraform_module_call",
        provider=None,
        service=None,
        category="other",
        region=None,
        location=Location(file, line),
        source="terraform",
        unknown=freeze({"contents": reason}),
        scope=display_path(fs.resolve(unit.path).parent),
    )
