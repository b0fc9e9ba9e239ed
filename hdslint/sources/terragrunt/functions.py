"""Terragrunt's own functions (`find_in_parent_folders`, `get_terragrunt_dir`, ...), bound
to the configuration being evaluated.

Terragrunt evaluates an included configuration in the context of the unit that includes it:
`get_terragrunt_dir()` is the unit's folder and `find_in_parent_folders()` searches upward
from it. A configuration read by `read_terragrunt_config()` is its own context. Nothing here
runs a command, calls a cloud API or reads the environment: `run_cmd`, `sops_decrypt_file`,
`get_aws_account_id` and friends stay unknown, and `get_env(NAME, DEFAULT)` is its default
(a pull request must not be able to copy a variable of the scanning machine, a CI secret,
into a report).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hdslint.files import FileAccess
from hdslint.model import Unknown

# The name find_in_parent_folders() looks for when it is given none.
DEFAULT_CONFIG_NAME = "terragrunt.hcl"

# Functions that run something or ask a cloud or the machine: never evaluated.
NEVER_EVALUATED = {
    "run_cmd": "runs a command",
    "sops_decrypt_file": "decrypts a file with a key of the machine",
    "get_aws_account_id": "asks AWS",
    "get_aws_account_alias": "asks AWS",
    "get_aws_caller_identity_arn": "asks AWS",
    "get_aws_caller_identity_user_id": "asks AWS",
    "get_terraform_command": "depends on the command Terragrunt runs",
    "get_terraform_cli_args": "depends on the command Terragrunt runs",
    "get_working_dir": "depends on Terragrunt's download folder",
    "get_platform": "depends on the machine",
}


@dataclass(frozen=True)
class Context:
    """Where a configuration is evaluated: the folder of the configuration being processed
    (the unit, or a file read by read_terragrunt_config), and the included configuration's
    file when evaluating one."""

    terragrunt_dir: Path
    original_dir: Path
    include_file: Path | None = None


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string")
    return value


def find_in_parent_folders(
    fs: FileAccess, context: Context, name: Any = None, fallback: Any = None
) -> Any:
    """The first `name` (default terragrunt.hcl) in the folders above the configuration's,
    as an absolute path; the search stops at the edge of the scanned folders (what lies
    beyond is never read)."""
    wanted = DEFAULT_CONFIG_NAME if name is None else _text(name, "the name")
    current = context.terragrunt_dir
    while current.parent != current:
        current = current.parent
        if not fs.inside(current):
            break
        candidate = current / wanted
        # A file, or a folder (Terragrunt finds either); outside the scanned folders (a
        # symlink) there is nothing.
        if fs.exists(candidate):
            return str(candidate)
    if fallback is not None:
        return fallback
    return Unknown(
        f"find_in_parent_folders({wanted!r}): no such file in the folders above"
        f" {context.terragrunt_dir.name or context.terragrunt_dir} within the scanned folders",
        error=True,
    )


def repo_root(fs: FileAccess, context: Context) -> Path | None:
    current = context.original_dir
    while True:
        if not fs.inside(current):
            return None
        if fs.exists(current / ".git"):
            return current
        if current.parent == current:
            return None
        current = current.parent


def bound_functions(
    fs: FileAccess, context: Context, read_config: Callable[[Path, Any], Any]
) -> dict[str, Callable[..., Any]]:
    """Terragrunt's functions for one evaluation context."""
    include_dir = context.include_file.parent if context.include_file else None

    def relative(to: Path | None, start: Path) -> str:
        if to is None:
            return "."
        return Path(os.path.relpath(to, start)).as_posix()

    def get_repo_root() -> Any:
        root = repo_root(fs, context)
        if root is None:
            return Unknown("get_repo_root(): no git repository within the scanned folders")
        return str(root)

    def from_repo_root() -> Any:
        root = repo_root(fs, context)
        if root is None:
            return Unknown(
                "get_path_from_repo_root(): no git repository within the scanned folders"
            )
        return relative(context.original_dir, root)

    def to_repo_root() -> Any:
        root = repo_root(fs, context)
        if root is None:
            return Unknown("get_path_to_repo_root(): no git repository within the scanned folders")
        return relative(root, context.original_dir)

    def get_env(name: Any, default: Any = None) -> Any:
        if default is not None:
            return default
        return Unknown(
            f"get_env({name!r}) without a default: hdslint does not read the environment"
            " (it would be the scanning machine's, not the deployment's)"
        )

    def read_terragrunt_config(path: Any, default: Any = None) -> Any:
        target = Path(_text(path, "the path"))
        if not target.is_absolute():
            target = context.terragrunt_dir / target
        return read_config(target, default)

    functions: dict[str, Callable[..., Any]] = {
        "find_in_parent_folders": lambda name=None, fallback=None: find_in_parent_folders(
            fs, context, name, fallback
        ),
        "get_terragrunt_dir": lambda: str(context.terragrunt_dir),
        "get_original_terragrunt_dir": lambda: str(context.original_dir),
        "get_parent_terragrunt_dir": lambda name=None: str(include_dir or context.terragrunt_dir),
        "path_relative_to_include": lambda name=None: relative(
            context.original_dir, include_dir or context.original_dir
        ),
        "path_relative_from_include": lambda name=None: relative(include_dir, context.original_dir),
        "get_repo_root": get_repo_root,
        "get_path_from_repo_root": from_repo_root,
        "get_path_to_repo_root": to_repo_root,
        "get_env": get_env,
        "read_terragrunt_config": read_terragrunt_config,
        "mark_as_read": lambda path: path,
        "get_terragrunt_source_cli_flag": lambda: "",
    }
    for name, why in NEVER_EVALUATED.items():
        functions[name] = _never(name, why)
    return functions


def _never(name: str, why: str) -> Callable[..., Any]:
    def unknown(*_args: Any) -> Unknown:
        return Unknown(f"{name}() {why}: hdslint never does when it scans files")

    return unknown
