"""Terragrunt units (`terragrunt.hcl`): each one the Terraform root module Terragrunt runs.

A folder holding a `terragrunt.hcl` is a unit, unless it is only a root that other units
include (no `terraform { source }` and no `.tf` files of its own: the older layout whose
root configuration is itself named terragrunt.hcl). Each unit is evaluated on its own, with
its inputs and generated files, as its own root: one module deployed by two units gives two
sets of resources, each scoped to its unit's folder. Nothing is run or downloaded
(docs/terragrunt.md).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from hdslint.files import FileAccess
from hdslint.sources.base import SourceResult
from hdslint.sources.terraform.evaluate import Evaluator, Inputs, ModuleLibrary
from hdslint.sources.terraform.loader import (
    CONFIGURATION_SUFFIXES,
    load_module,
    parse_file,
)
from hdslint.sources.terragrunt.config import Reader, Source, UnitConfig, evaluate_unit
from hdslint.sources.terragrunt.units import module_folder, unit_module, unread_module


@dataclass
class UnitsResult:
    result: SourceResult
    # Folders evaluated here (units, and the modules they deploy): not Terraform roots.
    claimed: set[Path] = field(default_factory=set)


def scan(files: Iterable[Path], fs: FileAccess) -> UnitsResult:
    reader = Reader(fs)
    paths = {fs.resolve(f) for f in files}
    # Terragrunt reads terragrunt.hcl.json only where there is no terragrunt.hcl.
    paths = {p for p in paths if not (p.name.endswith(".json") and p.with_suffix("") in paths)}
    units = [evaluate_unit(reader, path) for path in sorted(paths)]
    included = {path for unit in units for path in unit.included}
    parse = functools.partial(parse_file, fs)
    library = ModuleLibrary(fs, functools.partial(load_module, fs, parse=parse))
    # Terragrunt passes inputs, not the scanning machine's variables: no --var, no TF_VAR_.
    evaluator = Evaluator(fs, library, Inputs())
    out = UnitsResult(SourceResult())
    for unit in units:
        out.result.errors.extend(e for e in unit.errors if e not in out.result.errors)
        unit_dir = unit.path.parent
        out.claimed.add(unit_dir)
        if unit.path in included and _only_a_root(fs, unit):
            continue
        if unit.refused is not None:
            reason, line = unit.refused
            where = Source(reason, unit.display, line)
            evaluator.out.resources.append(unread_module(fs, unit, where, reason))
            continue
        folder = module_folder(fs, unit)
        if folder.path is None:
            evaluator.out.resources.append(
                unread_module(fs, unit, unit.source, folder.reason or "not read")
            )
            continue
        out.claimed.add(folder.path)
        module = unit_module(fs, unit, folder.path, parse)
        evaluator.out.errors.extend(module.errors)
        evaluator.run_root(module, unit_inputs=unit.inputs)
    out.result.resources.extend(evaluator.out.resources)
    out.result.edges.extend(evaluator.out.edges)
    # Each error once: a file that several units include says what is wrong in it once.
    out.result.errors[:] = dict.fromkeys([*out.result.errors, *evaluator.out.errors])
    return out


def _only_a_root(fs: FileAccess, unit: UnitConfig) -> bool:
    if unit.source is not None:
        return False
    try:
        return not any(
            p.name.endswith(CONFIGURATION_SUFFIXES) for p in fs.listdir(unit.path.parent)
        )
    except OSError:
        return True
