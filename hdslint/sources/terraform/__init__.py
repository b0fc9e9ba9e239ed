"""Terraform configurations (.tf, .tfvars): modules evaluated into normalised resources."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Set
from pathlib import Path
from typing import Any

from hdslint.files import FileAccess
from hdslint.model import InputError
from hdslint.sources.base import SourceResult
from hdslint.sources.terraform import budget
from hdslint.sources.terraform.evaluate import Evaluator, Inputs, ModuleLibrary
from hdslint.sources.terraform.expr import evaluate
from hdslint.sources.terraform.instance import ModuleInstance
from hdslint.sources.terraform.loader import (
    ModuleDir,
    ParseFunction,
    display_path,
    is_local_source,
    load_module,
    module_files,
)
from hdslint.sources.terraform.parsing import FileParser, ParseOptions


def load_var_files(
    fs: FileAccess, paths: Iterable[Path], parse: ParseFunction
) -> tuple[list[tuple[str, dict[str, Any]]], list[InputError]]:
    out: list[tuple[str, dict[str, Any]]] = []
    errors: list[InputError] = []
    for path in paths:
        display = display_path(path)
        if not fs.exists(path):
            errors.append(InputError(display, "--var-file: no such file"))
            continue
        body, error = parse(path, display)
        if error is not None:
            errors.append(error)
        elif body is not None:
            out.append((display, body["attrs"]))
    return out, errors


def scan(
    directories: Iterable[Path],
    *,
    fs: FileAccess,
    cli_vars: Mapping[str, str] | None = None,
    var_files: Iterable[Path] = (),
    env: Mapping[str, str] | None = None,
    parse_options: ParseOptions | None = None,
    not_roots: Set[Path] = frozenset(),
) -> SourceResult:
    """Evaluate the Terraform modules in `directories` (each holding .tf files).

    A directory that another scanned directory calls as a local module is evaluated as that
    module, with its inputs, not on its own as a root. All their files are parsed first, at
    once (see parsing.py: cache, process pool).
    """
    dirs = sorted({fs.resolve(d) for d in directories})
    parser = FileParser(fs, parse_options)
    parser.preload(_files_of(fs, dirs))
    library = ModuleLibrary(fs, functools.partial(load_module, fs, parse=parser.parse))
    loaded_vars, errors = load_var_files(fs, var_files, parser.parse)
    inputs = Inputs(cli_vars=dict(cli_vars or {}), var_files=loaded_vars, env=dict(env or {}))
    evaluator = Evaluator(fs, library, inputs)
    evaluator.out.errors.extend(errors)
    modules = {d: library.get(d) for d in dirs}
    calls: dict[Path, set[Path]] = {}
    for directory, mod in modules.items():
        for text in _call_sources(evaluator, mod):
            if is_local_source(text):
                target = fs.resolve(mod.path / text)
                if target != mod.path:
                    calls.setdefault(directory, set()).add(target)
    called = _called_from_roots(dirs, calls)
    for directory, mod in modules.items():
        evaluator.out.errors.extend(mod.errors)
        if directory in called or directory in not_roots or not mod.files:
            continue
        evaluator.run_root(mod)
    parser.finish()
    out = evaluator.out
    seen: set[InputError] = set()
    unique_errors = [e for e in out.errors if not (e in seen or seen.add(e))]  # type: ignore[func-returns-value]
    return SourceResult(
        resources=out.resources, edges=out.edges, errors=unique_errors, sensitive=out.sensitive
    )


def _call_sources(evaluator: Evaluator, mod: ModuleDir) -> Iterable[str]:
    """The sources of a module's calls that are known before evaluation: literals, and
    OpenTofu's early-evaluated ones (`"./modules/${local.kind}"`) when the module's
    variables and locals give them as a root."""
    early: ModuleInstance | None = None
    for call in mod.calls.values():
        source = call.body["attrs"].get("source")
        if source is None:
            continue
        if source[0][0] == "lit":
            yield str(source[0][1])
            continue
        token = budget.start()
        try:
            early = early or ModuleInstance(evaluator, mod, "")
            value = evaluate(source[0], early)
        except budget.BudgetExceeded:
            continue  # the root's own evaluation says so
        finally:
            budget.finish(token)
        if isinstance(value, str):
            yield value


def _files_of(fs: FileAccess, dirs: Iterable[Path]) -> Iterable[Path]:
    for directory in dirs:
        try:
            tf_files, var_files = module_files(fs, directory)
        except OSError:
            continue  # load_module reports it
        yield from tf_files
        yield from var_files


def _called_from_roots(dirs: list[Path], calls: Mapping[Path, Set[Path]]) -> set[Path]:
    """The scanned folders evaluated as another's module, not as roots: those a root calls,
    directly or not. A root is a folder no other scanned folder calls; when folders only
    call each other (a cycle of modules), the first of them in path order is a root, so
    that the cycle is evaluated and reported, never skipped in silence."""
    callers = {target for targets in calls.values() for target in targets}
    reached: set[Path] = set()

    def reach(start: Path) -> None:
        pending = list(calls.get(start, ()))
        while pending:
            target = pending.pop()
            if target not in reached and target != start:
                reached.add(target)
                pending.extend(calls.get(target, ()))

    for directory in dirs:
        if directory not in callers:
            reach(directory)
    for directory in dirs:
        if directory in callers and directory not in reached:
            reach(directory)  # the first folder of a cycle no root reaches: a root
    return reached
