"""hdslint's layers import one way only (docs/architecture.md draws them):

    core  <-  knowledge  <-  sources, analysis  <-  pipeline  <-  app
                 ^
               output (formats and the auditor's report: core and knowledge only)

Every `import` of hdslint/ is read from its syntax tree (those inside functions too), so a
lazy import counts like any other. The layers are defined over module paths: a module
belongs to the longest prefix listed below.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "hdslint"

LAYERS: dict[str, tuple[str, ...]] = {
    # The model (resources, edges, findings, the graph, the scan's options and result),
    # errors, the clock, paths, limits, and the content-addressed cache store: standard
    # library only.
    "core": (
        "hdslint",
        "hdslint.model",
        "hdslint.ids",
        "hdslint.causes",
        "hdslint.graph",
        "hdslint.result",
        "hdslint.errors",
        "hdslint.clock",
        "hdslint.paths",
        "hdslint.files",
        "hdslint.selection",
        "hdslint.fingerprint",
        "hdslint.redaction",
        "hdslint.cache",
        "hdslint.atomic",
        "hdslint.revision",
        "hdslint.printable",
    ),
    # Facts as data with their schemas: the catalogue, the geography, the registry
    # (certificates), the user's configuration, and the policy pack (definitions, the
    # compiled condition language, their descriptions).
    "knowledge": (
        "hdslint.catalogue",
        "hdslint.geography",
        "hdslint.registry",
        "hdslint.schemas",
        "hdslint.yamlio",
        "hdslint.saferegex",  # RE2: a third-party engine, so not in the core
        "hdslint.globs",  # matched by RE2
        "hdslint.config",
        "hdslint.configfile",
        "hdslint.policy",
    ),
    "sources": ("hdslint.sources",),
    # Deciding: classification, running the policies, suppressions.
    "analysis": ("hdslint.classify", "hdslint.policy.engine", "hdslint.suppressions"),
    "output": ("hdslint.reporters", "hdslint.report", "hdslint.markup", "hdslint.sensitive"),
    "pipeline": ("hdslint.scan", "hdslint.changed"),
    "app": (
        "hdslint.cli",
        "hdslint.__main__",
        "hdslint.commands",
        "hdslint.docsgen",
        "hdslint.progress",
        "hdslint.outputpath",
        "hdslint.replay",
    ),
}

MAY_IMPORT: dict[str, frozenset[str]] = {
    "core": frozenset({"core"}),
    "knowledge": frozenset({"core", "knowledge"}),
    "sources": frozenset({"core", "knowledge", "sources"}),
    "analysis": frozenset({"core", "knowledge", "analysis"}),
    "output": frozenset({"core", "knowledge", "output"}),
    "pipeline": frozenset({"core", "knowledge", "sources", "analysis", "pipeline"}),
    "app": frozenset(LAYERS),
}

# Imports under `if TYPE_CHECKING:` name types in annotations and do not run. The scan result
# (core) names the configuration, registry and policies it was judged by this way; the
# command line's selection, the configuration it is applied to.
TYPING_ONLY: dict[str, frozenset[str]] = {
    "hdslint.result": frozenset({"knowledge"}),
    "hdslint.selection": frozenset({"knowledge"}),
}

# Known exceptions, each with its reason. Empty: keep it so.
ALLOWED: frozenset[tuple[str, str]] = frozenset()

THIRD_PARTY_FREE = "core"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> str:
    best, best_len = None, -1
    for layer, prefixes in LAYERS.items():
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_len:
                # the package itself ("hdslint") holds only its own __init__
                if prefix == "hdslint" and module != "hdslint":
                    continue
                best, best_len = layer, len(prefix)
    assert best is not None, f"{module} belongs to no layer: add it to LAYERS"
    return best


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(path: Path) -> Iterator[tuple[str, int, bool]]:
    """(imported module, line, typing only) for every import of the file."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text("utf-8"))
    typing_lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for inner in node.body:
                for sub in ast.walk(inner):
                    if hasattr(sub, "lineno"):
                        typing_lines.add(sub.lineno)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno, node.lineno in typing_lines
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                name = node.module or ""
            typing = node.lineno in typing_lines
            if name == "hdslint" or (node.level and not node.module):
                # `from hdslint import yamlio`: the names may be modules
                for alias in node.names:
                    candidate = f"{name}.{alias.name}"
                    known = (PACKAGE.parent / Path(*candidate.split("."))).with_suffix(".py")
                    is_package = (PACKAGE.parent / Path(*candidate.split("."))).is_dir()
                    yield (candidate if known.exists() or is_package else name), node.lineno, typing
            else:
                yield name, node.lineno, typing


def violations() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        layer = layer_of(module)
        for target, line, typing in imports(path):
            where = f"{path.relative_to(ROOT)}:{line}"
            if not target.startswith("hdslint"):
                top = target.split(".")[0]
                if layer == THIRD_PARTY_FREE and not typing and top not in sys.stdlib_module_names:
                    found.append(f"{where}: {module} ({layer}) imports {target}: not the stdlib")
                continue
            target_layer = layer_of(target)
            if target_layer in MAY_IMPORT[layer] or (module, target) in ALLOWED:
                continue
            if typing and target_layer in TYPING_ONLY.get(module, frozenset()):
                continue
            found.append(f"{where}: {module} ({layer}) imports {target} ({target_layer})")
    return found


def test_imports_point_one_way() -> None:
    assert violations() == []


# Within a layer, modules that must not know each other: (importer prefix, imported prefix,
# why). Sources spell regions as the geography does, but never judge certificates.
APART: tuple[tuple[str, str, str], ...] = (
    ("hdslint.sources", "hdslint.registry", "sources use hdslint.geography, not certificates"),
)


def test_modules_kept_apart_do_not_import_each_other() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        for importer, imported, why in APART:
            if module != importer and not module.startswith(importer + "."):
                continue
            for target, line, _typing in imports(path):
                if target == imported or target.startswith(imported + "."):
                    found.append(f"{path.relative_to(ROOT)}:{line}: imports {target} ({why})")
    assert found == []


def test_every_module_has_a_layer() -> None:
    for path in PACKAGE.rglob("*.py"):
        layer_of(module_name(path))


@pytest.mark.parametrize(
    ("source", "importer", "imported", "expected"),
    [
        ("from hdslint.scan import ScanResult\n", "reporters/x.py", "hdslint.scan", "pipeline"),
        ("def f():\n    from hdslint.cli import main\n", "graph.py", "hdslint.cli", "app"),
        ("from ..terraform import loader\n", "sources/kubernetes/x.py", "", ""),
    ],
)
def test_the_check_sees_a_wrong_import(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    source: str,
    importer: str,
    imported: str,
    expected: str,
) -> None:
    """The check itself: a reporter importing the pipeline, a lazy import of the CLI from
    the core, are reported; a relative import inside a layer is not."""
    fake = tmp_path / "hdslint"
    (fake / Path(importer).parent).mkdir(parents=True, exist_ok=True)
    (fake / importer).write_text(source)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    found = violations()
    if expected:
        assert len(found) == 1 and found[0].endswith(f"imports {imported} ({expected})")
    else:
        assert found == []


def test_nothing_but_the_clock_reads_the_date() -> None:
    """One clock: only hdslint/clock.py asks the system for today's date. Timestamps of
    when a live scan ran (not a verdict) and the cache's ages are instants, not dates."""
    readers = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "clock.py" and path.parent == PACKAGE:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if _reads_the_date(node):
                readers.append(f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}")
    assert readers == []


def _reads_the_date(node: ast.AST) -> bool:
    """`date.today()`, `datetime.today()`, `datetime.utcnow()`, `datetime.now(...).date()`."""
    if isinstance(node, ast.Attribute):
        owner = node.value
        owner_name = getattr(owner, "attr", None) or getattr(owner, "id", None)
        if node.attr == "today" and owner_name in ("date", "datetime"):
            return True
        if node.attr == "utcnow":
            return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        inner = node.func.value
        return (
            node.func.attr == "date"
            and isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Attribute)
            and inner.func.attr == "now"
        )
    return False


def test_the_architecture_page_draws_these_layers() -> None:
    """docs/architecture.md lists, layer by layer, the modules LAYERS gives each layer."""
    page = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    documented: dict[str, set[str]] = {}
    for line in page.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] in LAYERS:
            listed = cells[1].split("(but")[0]
            documented[cells[0]] = {
                name.strip("` ") for name in listed.split(",") if name.strip("` ")
            }
    expected = {
        layer: {prefix.removeprefix("hdslint.") for prefix in prefixes if prefix != "hdslint"}
        for layer, prefixes in LAYERS.items()
    }
    assert documented == expected
