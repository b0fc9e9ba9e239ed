"""Where imports sit is a rule, not a decision per import (docs/architecture.md#imports).

Every import of hdslint/ sits at its module's top level, except:

- (a) an optional extra's SDK (`EXTRAS`: boto3, the Azure and Google SDKs) or an hdslint
  module that loads one when it is imported (found from the syntax trees: `sdk_bound`),
  imported where a live command uses it, so that hdslint works without the extra;
- (b) a dispatch (`DISPATCH`): `hdslint.cli` imports the module of the subcommand it runs, so
  `hdslint --version` loads click and nothing else;
- (c) the named, measured exceptions of `EXCEPTIONS`, each with its reason and its figure.

The test reads every module's syntax tree: an import inside a function (or a method, or a
function inside one) that none of these allows fails it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "hdslint"

# (a) Top-level packages of the optional extras' SDKs (pyproject.toml's `aws`, `azure`, `gcp`;
# `requests` is the transport the Cloud Asset client brings).
EXTRAS = frozenset({"boto3", "botocore", "azure", "google", "requests"})

# (b) (a function, or a module's functions; the module or package they dispatch to): why.
DISPATCH: dict[tuple[str, str], str] = {
    ("hdslint.cli", "hdslint.commands"): (
        "each subcommand's function imports the subcommand's module: `hdslint --version` loads"
        " click and nothing else"
    ),
    ("hdslint.commands.aws.run", "hdslint.commands.aws_org"): (
        "`hdslint aws --org` (or --accounts) runs in its own module, which builds on the"
        " account scan's functions"
    ),
}

# (c) (function's qualified name, imported module or package): why it is imported where it
# is used, with what importing it at the top would cost (`python -X importtime`, on a machine
# shared by other jobs: the smallest of a few runs). Each entry must still be in the code (a
# test checks it).
EXCEPTIONS: dict[tuple[str, str], str] = {
    ("hdslint.cli.main", "traceback"): (
        "traceback (and the textwrap it loads: 1.3 ms, of the 56 ms CPU of `hdslint --version`)"
        " prints an internal error's traceback, under --debug only"
    ),
    ("hdslint.commands.scan.run", "hdslint.commands.scanning"): (
        "the pipeline (configuration, sources, policies, registry) takes 0.17 s or more to import;"
        " a scan its stored reports answer (hdslint.replay: a pre-commit run with nothing"
        " changed, 0.06 s in all) never loads it"
    ),
    ("hdslint.schemas._validator", "jsonschema"): (
        "jsonschema costs 40-100 ms to import; only a configuration file, a custom policy, a"
        " registry override or a saved inventory is validated, so `hdslint policies` and a"
        " scan without a configuration file never load it"
    ),
    ("hdslint.sources.terraform.hcl._parse", "hdslint.sources.terraform.grammar"): (
        "the grammar loads lark and python-hcl2 (30-80 ms): a scan whose Terraform files are all"
        " in the parse cache, or that has none, never loads them (scan of examples/ with its"
        " parses cached: 0.51 s CPU)"
    ),
    (
        "hdslint.sources.terraform.parsing.FileParser._parse_in_pool",
        "hdslint.sources.terraform.pool",
    ): (
        "the process pool loads multiprocessing and concurrent.futures (15 ms) and the grammar:"
        " only inputs over 128 KB are parsed in worker processes, a pre-commit scan of a few"
        " files never is"
    ),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """The modules an import statement loads (`from hdslint import yamlio` loads
    hdslint.yamlio; a relative import is resolved against `module`)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = module if is_package else module.rpartition(".")[0]
        parts = package.split(".")
        base = parts[: len(parts) - node.level + 1]
        name = ".".join([*base, *([node.module] if node.module else [])])
    else:
        name = node.module or ""
    if name.startswith("hdslint"):
        out = []
        for alias in node.names:
            candidate = PACKAGE.parent / Path(*f"{name}.{alias.name}".split("."))
            is_module = candidate.with_suffix(".py").exists() or candidate.is_dir()
            out.append(f"{name}.{alias.name}" if is_module else name)
        return out
    return [name]


def lazy_imports(
    source: str, module: str, is_package: bool = False
) -> Iterator[tuple[str, str, int]]:
    """(function's qualified name, imported module, line) for every import inside a
    function of `source`."""

    def visit(node: ast.AST, scope: str, in_function: bool) -> Iterator[tuple[str, str, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                inner = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
                yield from visit(child, f"{scope}.{child.name}", in_function or inner)
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                if in_function:
                    for name in _imported(child, module, is_package):
                        yield scope, name, child.lineno
            else:
                yield from visit(child, scope, in_function)

    yield from visit(ast.parse(source), module, False)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def top_level_imports(source: str, module: str, is_package: bool = False) -> Iterator[str]:
    """The modules importing `source` loads: its imports outside functions and outside
    `if TYPE_CHECKING:`."""

    def visit(node: ast.AST) -> Iterator[str]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                yield from (name for sub in child.orelse for name in visit(ast.Module([sub], [])))
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield from _imported(child, module, is_package)
            else:
                yield from visit(child)

    yield from visit(ast.parse(source))


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def sdk_bound() -> frozenset[str]:
    """hdslint's modules that load an extra's SDK when they are imported (directly, or
    through another hdslint module, or their package)."""
    imports: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        source = path.read_text("utf-8")
        imports[module] = set(top_level_imports(source, module, path.name == "__init__.py"))
    bound = {m for m, names in imports.items() if any(n.partition(".")[0] in EXTRAS for n in names)}

    def loads_bound(name: str) -> bool:
        parts = name.split(".")
        return any(".".join(parts[:i]) in bound for i in range(1, len(parts) + 1))

    while True:
        more = {
            m
            for m, names in imports.items()
            if m not in bound and (loads_bound(m) or any(map(loads_bound, names)))
        }
        if not more:
            return frozenset(bound)
        bound |= more


def allowed(function: str, imported: str, bound: frozenset[str] = frozenset()) -> bool:
    if imported.partition(".")[0] in EXTRAS or imported in bound:
        return True
    if any(_within(function, caller) and _within(imported, target) for caller, target in DISPATCH):
        return True
    return any(function == name and _within(imported, module) for name, module in EXCEPTIONS)


def every_lazy_import() -> Iterator[tuple[str, str, str]]:
    """(file:line, function, imported module) for every import inside a function of hdslint/."""
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        source = path.read_text("utf-8")
        for function, imported, line in lazy_imports(source, module, path.name == "__init__.py"):
            yield f"{path.relative_to(ROOT)}:{line}", function, imported


def test_imports_sit_at_the_top_of_their_module() -> None:
    bound = sdk_bound()
    found = [
        f"{where}: {function} imports {imported} inside a function"
        for where, function, imported in every_lazy_import()
        if not allowed(function, imported, bound)
    ]
    assert found == []


def test_the_modules_that_load_an_sdk_are_the_live_readers() -> None:
    # Everything else (the command line, the commands, saved inventories and cloud exports)
    # imports without the extras.
    assert sorted(sdk_bound()) == [
        "hdslint.sources.aws.collector",
        "hdslint.sources.aws.organization",
        "hdslint.sources.aws.regions",
        "hdslint.sources.aws.session",
        "hdslint.sources.azure.live",
        "hdslint.sources.gcp.live",
    ]


def test_every_exception_is_still_needed() -> None:
    used = {(function, imported) for _, function, imported in every_lazy_import()}
    unused = [
        (name, module)
        for name, module in EXCEPTIONS
        if not any(f == name and _within(i, module) for f, i in used)
    ]
    assert unused == []


# Imports by name (`importlib.import_module`) are lazy imports too: only these registries
# make them, each choosing a module by a name given at run time (function: what names it).
BY_NAME: dict[str, str] = {
    "hdslint.reporters.get_reporter": "the output format --format names",
    "hdslint.sources.file_source": "the source of a kind of file discovery found",
    "hdslint.commands.report.render": "the auditor's report's format",
}


def imports_by_name(source: str, module: str) -> Iterator[tuple[str, int]]:
    """(function's qualified name, line) of every call to importlib.import_module or
    __import__ in `source`."""

    def visit(node: ast.AST, scope: str) -> Iterator[tuple[str, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                yield from visit(child, f"{scope}.{child.name}")
                continue
            if isinstance(child, ast.Call):
                func = child.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in ("import_module", "__import__"):
                    yield scope, child.lineno
            yield from visit(child, scope)

    yield from visit(ast.parse(source), module)


def test_imports_by_name_are_found_in_methods_and_functions() -> None:
    source = (
        "import importlib\n"
        "class A:\n"
        "    def f(self):\n"
        "        return importlib.import_module('json')\n"
        "def g():\n"
        "    __import__('os')\n"
    )
    assert list(imports_by_name(source, "hdslint.x")) == [("hdslint.x.A.f", 4), ("hdslint.x.g", 6)]


def test_modules_are_imported_by_name_in_the_registries_only() -> None:
    found = {
        function
        for path in sorted(PACKAGE.rglob("*.py"))
        for function, _ in imports_by_name(path.read_text("utf-8"), module_name(path))
    }
    assert sorted(found) == sorted(BY_NAME)


SAMPLE = """
import os

def top():
    import json
    return json

class Reader:
    def read(self):
        def inner():
            from hdslint.yamlio import load
        from . import inventory
        import boto3

if os:
    import re
"""


def test_lazy_imports_are_found_at_any_depth() -> None:
    found = list(lazy_imports(SAMPLE, "hdslint.sources.sample"))
    assert found == [
        ("hdslint.sources.sample.top", "json", 5),
        ("hdslint.sources.sample.Reader.read.inner", "hdslint.yamlio", 11),
        ("hdslint.sources.sample.Reader.read", "hdslint.sources.inventory", 12),
        ("hdslint.sources.sample.Reader.read", "boto3", 13),
    ]


@pytest.mark.parametrize(
    ("function", "imported", "expected"),
    [
        ("hdslint.sources.sample.top", "json", False),
        ("hdslint.sources.aws.session.client", "boto3", True),
        ("hdslint.sources.gcp.live.reader", "google.cloud.asset_v1", True),
        ("hdslint.cli.scan", "hdslint.commands.scan", True),
        ("hdslint.cli.scan", "hdslint.scan", False),
        ("hdslint.commands.scan.run", "hdslint.commands.registry", False),
        ("hdslint.commands.aws.run", "hdslint.sources.aws.collector", True),
        ("hdslint.commands.aws.run", "hdslint.sources.aws.coverage", False),
    ],
)
def test_what_the_policy_allows(function: str, imported: str, expected: bool) -> None:
    assert allowed(function, imported, sdk_bound()) is expected
