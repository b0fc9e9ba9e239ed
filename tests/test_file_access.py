"""A scan touches the file system through one path, `hdslint.files.FileAccess`, which records
what it looked at (report replay checks that record: a read that bypassed it would let a
stale report be replayed).

The first test reads the syntax tree of every module of hdslint and fails on any other way to
open, list or question a file; the modules that never run inside a scan (the command line's
output, the caches, the live AWS scan, `--changed`, which is never replayed) are named below
with the reason. Reading hdslint's own package data (`importlib.resources`) is allowed
anywhere.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hdslint.files import FileAccess, OutsideRoots, ReadLimits, ReadLog

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "hdslint"

# Modules that may touch files directly, and why.
EXEMPT: dict[str, str] = {
    "hdslint.files": "the one file-access path",
    "hdslint.cache": "the parse cache's own store (never an input; content-addressed)",
    "hdslint.atomic": "writes reports",
    "hdslint.revision": "the auditor's report reads git's HEAD, not a scan",
    "hdslint.changed": "--changed asks git what changed: such a scan is never replayed",
    "hdslint.replay": "the store of replayable reports (outside the scanned folders)",
    "hdslint.cli": "the command line",
    "hdslint.commands": "the commands: output files, the caches",
    "hdslint.docsgen": "writes the generated docs",
    "hdslint.outputpath": "checks an output folder",
    "hdslint.sources.aws": "the live AWS scan reads no file",
    "hdslint.sources.azure": "the live Azure scan reads no file (`open` there is HTTP's)",
}
# (module, function) pairs that read hdslint's own installation, not an input.
EXEMPT_FUNCTIONS = {
    ("hdslint.sources.terraform.parsing", "_read"),  # the parser's files, for the cache key
    ("hdslint.policy", "shipped_policies"),  # importlib.resources, walked
    ("hdslint.registry", "_read_data"),  # importlib.resources
}

FORBIDDEN_METHODS = frozenset(
    {
        "open",
        "read_text",
        "read_bytes",
        "iterdir",
        "glob",
        "rglob",
        "exists",
        "is_file",
        "is_dir",
        "is_symlink",
        "stat",
        "lstat",
        "resolve",
        "readlink",
        "samefile",
        "owner",
    }
)
FORBIDDEN_FUNCTIONS = frozenset(
    {
        "open",
        "os.open",
        "os.stat",
        "os.lstat",
        "os.walk",
        "os.scandir",
        "os.listdir",
        "os.readlink",
        "os.path.exists",
        "os.path.isfile",
        "os.path.isdir",
        "os.path.islink",
        "os.path.getsize",
        "os.path.getmtime",
        "os.path.realpath",
        "os.path.samefile",
        "io.open",
        "glob.glob",
        "glob.iglob",
    }
)


def _module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _exempt(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in EXEMPT)


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _reads_package_data(node: ast.expr) -> bool:
    """Whether an expression is built on `resources.files(...)` (hdslint's own data)."""
    return any(
        isinstance(sub, ast.Call) and _dotted(sub.func).endswith("resources.files")
        for sub in ast.walk(node)
    )


def _is_file_access(node: ast.expr) -> bool:
    """`fs`, `x.fs` or `x.files`: the scan's FileAccess, as it is passed around."""
    if isinstance(node, ast.Name):
        return node.id == "fs"
    return isinstance(node, ast.Attribute) and node.attr in ("fs", "files")


def _violations(path: Path, root: Path = ROOT) -> Iterator[str]:
    module = _module_name(path, root)
    tree = ast.parse(path.read_text("utf-8"))
    functions = {
        child: node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for child in ast.walk(node)
    }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if (module, functions.get(node, "")) in EXEMPT_FUNCTIONS:
            continue
        name = _dotted(node.func)
        where = f"{path.relative_to(root).as_posix()}:{node.lineno}"
        if name in FORBIDDEN_FUNCTIONS:
            yield f"{where}: {name}()"
        elif (
            isinstance(node.func, ast.Attribute)
            and node.func.attr in FORBIDDEN_METHODS
            and not _reads_package_data(node.func.value)
            and not _is_file_access(node.func.value)
        ):
            yield f"{where}: .{node.func.attr}()"


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if not _exempt(_module_name(p)))


def test_a_scan_touches_files_only_through_file_access() -> None:
    found = [v for path in _modules() for v in _violations(path)]
    assert found == [], "files touched outside hdslint.files.FileAccess:\n" + "\n".join(found)


def test_the_check_sees_the_ways_files_are_touched(tmp_path: Path) -> None:
    """The guard itself: each way of touching a file is flagged, and the allowed ones not."""
    sample = tmp_path / "hdslint" / "sources" / "sample.py"
    sample.parent.mkdir(parents=True)
    sample.write_text(
        "import os\n"
        "from importlib import resources\n"
        "def f(path, folder):\n"
        "    path.read_text('utf-8')\n"
        "    open(path)\n"
        "    os.walk(folder)\n"
        "    path.resolve()\n"
        "    (folder / 'x').is_dir()\n"
        "    resources.files('hdslint').joinpath('a').read_text()\n"
        "    fs.read(path)\n",
        "utf-8",
    )
    found = list(_violations(sample, tmp_path))
    assert found == [
        "hdslint/sources/sample.py:4: .read_text()",
        "hdslint/sources/sample.py:5: open()",
        "hdslint/sources/sample.py:6: os.walk()",
        "hdslint/sources/sample.py:7: .resolve()",
        "hdslint/sources/sample.py:8: .is_dir()",
    ]


# -- the file access is passed in, never fetched from a global --------------------------

# What a module may import from hdslint.files: the access itself and its types, never a
# way to reach "the current one".
FILES_EXPORTS = frozenset(
    {
        "FileAccess",
        "ReadLimits",
        "ReadLog",
        "OutsideRoots",
        "NotRegularFile",
        "DEFAULT_MAX_FILE_BYTES",
        "OUTSIDE_MESSAGE",
        "Observation",
        "Key",
        "observe",
        "digest",
        "read_regular",
    }
)
_ACCESS_TYPES = ("FileAccess", "ReadLimits", "FileReader")


def _mentions_access(node: ast.AST | None) -> bool:
    return node is not None and any(
        (
            isinstance(sub, ast.Name | ast.Attribute)
            and _dotted(sub).rsplit(".", 1)[-1] in _ACCESS_TYPES
        )
        or (
            isinstance(sub, ast.Constant)
            and isinstance(sub.value, str)
            and any(name in sub.value for name in _ACCESS_TYPES)
        )
        for sub in ast.walk(node)
    )


def _global_access(path: Path, root: Path = ROOT) -> Iterator[str]:
    """Ways a module could fetch a file access (or its limits) from process-wide state: a
    name other than the access and its types imported from hdslint.files (`current`,
    `using`), an attribute of the files module other than those, a module-level variable
    holding an access, a context variable whose type mentions one."""
    tree = ast.parse(path.read_text("utf-8"))
    where = path.relative_to(root).as_posix()
    module_names = {"hdslint.files"} | {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "hdslint"
        for alias in node.names
        if alias.name == "files"
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "hdslint.files":
            for alias in node.names:
                if alias.name not in FILES_EXPORTS:
                    yield f"{where}:{node.lineno}: imports {alias.name} from hdslint.files"
        elif (
            isinstance(node, ast.Attribute)
            and _dotted(node.value) in module_names
            and node.attr not in FILES_EXPORTS
        ):
            yield f"{where}:{node.lineno}: files.{node.attr}"
        elif isinstance(node, ast.Call) and _dotted(node.func).endswith("ContextVar"):
            parent_types = [
                n.annotation
                for n in ast.walk(tree)
                if isinstance(n, ast.AnnAssign) and n.value is node
            ]
            if _mentions_access(node) or any(_mentions_access(t) for t in parent_types):
                yield f"{where}:{node.lineno}: a context variable holding a file access"
    for statement in tree.body:  # module level
        if isinstance(statement, ast.Assign | ast.AnnAssign) and (
            isinstance(statement.value, ast.Call)
            and _dotted(statement.value.func).rsplit(".", 1)[-1] in _ACCESS_TYPES
        ):
            yield f"{where}:{statement.lineno}: a module-level file access"


def test_no_module_fetches_its_file_access_from_a_global() -> None:
    """The pipeline makes the scan's FileAccess and passes it down; nothing reaches for a
    "current" one (a reader that fetched it from a global could be handed none, or the
    wrong scan's, and read unrecorded or unconfined)."""
    found = [v for path in sorted(PACKAGE.rglob("*.py")) for v in _global_access(path)]
    assert found == [], "file access fetched from process-wide state:\n" + "\n".join(found)
    source = (PACKAGE / "files.py").read_text("utf-8")
    assert "contextvars" not in source and "ContextVar" not in source


def test_the_global_check_sees_each_way(tmp_path: Path) -> None:
    sample = tmp_path / "hdslint" / "sources" / "sample.py"
    sample.parent.mkdir(parents=True)
    sample.write_text(
        "import contextvars\n"
        "from hdslint import files\n"
        "from hdslint.files import FileAccess, ReadLimits, current\n"
        "SHARED = FileAccess()\n"
        "LIMITS: contextvars.ContextVar[ReadLimits] = contextvars.ContextVar('l')\n"
        "OTHER = contextvars.ContextVar('x', default=FileAccess())\n"
        "COUNT: contextvars.ContextVar[int] = contextvars.ContextVar('n', default=0)\n"
        "def f(fs: FileAccess) -> None:\n"
        "    files.current().read('a')\n"
        "    fs.read('a')\n",
        "utf-8",
    )
    assert sorted(_global_access(sample, tmp_path)) == [
        "hdslint/sources/sample.py:3: imports current from hdslint.files",
        "hdslint/sources/sample.py:4: a module-level file access",
        "hdslint/sources/sample.py:5: a context variable holding a file access",
        "hdslint/sources/sample.py:6: a context variable holding a file access",
        "hdslint/sources/sample.py:9: files.current",
    ]


# -- what the log records --------------------------------------------------------------


def test_reads_listings_and_questions_are_recorded_and_checked(tmp_path: Path) -> None:
    (tmp_path / "a.tf").write_text('resource "x" "y" {}\n', "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.tf").symlink_to("a.tf")
    log = ReadLog()
    fs = FileAccess(log)
    assert fs.read(tmp_path / "a.tf") == b'resource "x" "y" {}\n'
    assert [p.name for p in fs.listdir(tmp_path)] == ["a.tf", "link.tf", "sub"]
    assert fs.is_dir(tmp_path / "sub") and not fs.exists(tmp_path / "none")
    assert fs.resolve(tmp_path / "link.tf") == (tmp_path / "a.tf").resolve()
    assert {key[0] for key in log.entries} == {"read", "list", "kind", "real"}
    assert log.unchanged()

    # The same length, the same second: the content digest sees it.
    info = (tmp_path / "a.tf").stat()
    (tmp_path / "a.tf").write_text('resource "x" "z" {}\n', "utf-8")
    os.utime(tmp_path / "a.tf", ns=(info.st_atime_ns, info.st_mtime_ns))
    assert not log.unchanged()


@pytest.mark.parametrize(
    "change",
    ["add", "remove", "retarget", "none"],
)
def test_listing_and_symlink_changes_are_seen(tmp_path: Path, change: str) -> None:
    (tmp_path / "a.tf").write_text("a\n", "utf-8")
    (tmp_path / "b.tf").write_text("a\n", "utf-8")
    (tmp_path / "link.tf").symlink_to("a.tf")
    log = ReadLog()
    fs = FileAccess(log)
    for folder, _dirs, names in fs.walk(tmp_path):
        for name in names:
            fs.read(Path(folder, name))
    fs.resolve(tmp_path / "link.tf")
    if change == "add":
        (tmp_path / "c.tf").write_text("", "utf-8")
    elif change == "remove":
        (tmp_path / "b.tf").unlink()
    elif change == "retarget":  # the same bytes behind another name
        (tmp_path / "link.tf").unlink()
        (tmp_path / "link.tf").symlink_to("b.tf")
    assert log.unchanged() is (change == "none")


def test_a_file_changed_while_the_scan_reads_it_is_never_replayed(tmp_path: Path) -> None:
    (tmp_path / "a.tf").write_text("a\n", "utf-8")
    log = ReadLog()
    fs = FileAccess(log)
    fs.read(tmp_path / "a.tf")
    (tmp_path / "a.tf").write_text("b\n", "utf-8")
    fs.read(tmp_path / "a.tf")
    assert log.changed and not log.unchanged()


def test_errors_are_remembered_as_errors(tmp_path: Path) -> None:
    log = ReadLog()
    with pytest.raises(FileNotFoundError):
        FileAccess(log).read(tmp_path / "missing.tf")
    assert log.unchanged()
    (tmp_path / "missing.tf").write_text("", "utf-8")
    assert not log.unchanged()


# -- confinement: the file access itself refuses what lies outside the scan's folders -----


@pytest.mark.parametrize("how", ["symlink", "absolute", "dotdot", "folder-symlink"])
def test_a_path_outside_the_roots_is_refused_by_the_file_access(tmp_path: Path, how: str) -> None:
    """A reader that forgets to check is still confined: every read and listing of a path
    outside the roots raises OutsideRoots, every question answers that nothing is there."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret\n", "utf-8")
    repo = tmp_path / "repo"
    (repo / "sub").mkdir(parents=True)
    (repo / "a.tf").write_text("a\n", "utf-8")
    (repo / "link.txt").symlink_to(outside / "secret.txt")
    (repo / "linked").symlink_to(outside)
    target, folder = {
        "symlink": (repo / "link.txt", repo / "linked"),
        "absolute": (outside / "secret.txt", outside),
        "dotdot": (
            repo / "sub" / ".." / ".." / "outside" / "secret.txt",
            repo / "sub" / ".." / "..",
        ),
        "folder-symlink": (repo / "linked" / "secret.txt", repo / "linked"),
    }[how]
    log = ReadLog()
    fs = FileAccess(log, ReadLimits((repo.resolve(),)))
    with pytest.raises(OutsideRoots) as refused:
        fs.read(target)
    assert (refused.value.filename, refused.value.strerror) == (
        str(target),
        "outside the scanned folders and the working folder, so it is not read",
    )
    with pytest.raises(OutsideRoots):
        fs.read_text(target)
    with pytest.raises(OutsideRoots):
        fs.head(target, 4)
    with pytest.raises(OutsideRoots):
        fs.entries(folder)
    assert (fs.exists(target), fs.is_file(target), fs.size(target), fs.owner(target)) == (
        False,
        False,
        -1,
        -1,
    )
    assert fs.glob(folder, "*") == [] and list(fs.walk(folder)) == []
    assert fs.inside(target) is False
    # Inside the roots, the same access reads.
    assert fs.read(repo / "a.tf") == b"a\n" and fs.inside(repo / "a.tf")
    # Nothing of what is outside is in the log (no content, listing, kind or size): only
    # where the paths lead, which replay checks again.
    assert {op for op, _a, _p in log.entries} <= {"real", "link", "read", "kind"}
    assert [key[2] for key in log.entries if key[0] in ("read", "kind")] == [str(repo / "a.tf")]
    assert log.unchanged()


def test_a_refusal_is_replayed_only_while_the_path_still_leads_outside(tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.tf").write_text("s\n", "utf-8")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "a.tf").write_text("a\n", "utf-8")
    (repo / "link.tf").symlink_to(tmp_path / "outside" / "secret.tf")
    log = ReadLog()
    fs = FileAccess(log, ReadLimits((repo.resolve(),)))
    with pytest.raises(OutsideRoots):
        fs.read(repo / "link.tf")
    assert log.unchanged()
    # The symlink now leads inside: the same scan would read it, so its report is stale.
    (repo / "link.tf").unlink()
    (repo / "link.tf").symlink_to("a.tf")
    assert not log.unchanged()


def test_a_confined_access_shares_the_log_and_named_files_are_read(tmp_path: Path) -> None:
    (tmp_path / "vars.tfvars").write_text("x = 1\n", "utf-8")
    (tmp_path / "other.tfvars").write_text("y = 1\n", "utf-8")
    repo = tmp_path / "repo"
    repo.mkdir()
    log = ReadLog()
    named = frozenset({str((tmp_path / "vars.tfvars").resolve())})
    fs = FileAccess(log).confined(ReadLimits((repo.resolve(),), 10, named))
    assert fs.log is log and fs.read(tmp_path / "vars.tfvars") == b"x = 1\n"
    with pytest.raises(OutsideRoots):
        fs.read(tmp_path / "other.tfvars")
    (repo / "big.tf").write_text("x" * 11, "utf-8")
    assert fs.too_large(repo / "big.tf") == (
        "too large to read (0.0 MB; the limit is 0.0 MB, see max_file_mb in .hdslint.yaml)"
    )
    assert fs.too_large(repo / "big.tf", factor=2) is None
