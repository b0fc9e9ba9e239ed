"""`hdslint validate-policies FILE...`: check custom policy files before they are used (the
second pre-commit hook). Every file is checked, and every problem of a file is reported at
once, each on one line naming the file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from hdslint.config import find_config, load_config
from hdslint.errors import HdslintError, PolicyProblems
from hdslint.policy import Policy, load_policy_files, shipped_policies
from hdslint.printable import log_line


def _files(paths: Sequence[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        else:
            out.append(path)
    return out


def run(paths: Sequence[Path], config: Path | None) -> int:
    cfg = load_config(config or find_config(Path.cwd()))
    seen: dict[str, str] = (
        {p.id: p.file for p in shipped_policies()} if cfg.shipped_policies else {}
    )
    problems: list[str] = []
    valid: list[Policy] = []
    for file in _files(paths):
        if not file.exists():
            problems.append(f"{file}: no such file")
            continue
        try:
            (policy,) = load_policy_files([file])
        except PolicyProblems as exc:
            problems.extend(f"{file}: {problem}" for problem in exc.problems)
            continue
        except HdslintError as exc:
            problems.append(str(exc))
            continue
        if policy.id in seen:
            problems.append(
                f"{file}: policy id {policy.id} is already defined in {seen[policy.id]}"
            )
            continue
        seen[policy.id] = str(file)
        valid.append(policy)
    for problem in problems:
        click.echo(log_line(f"hdslint: error: {problem}"), err=True)
    if problems:
        return 2
    noun = "policy" if len(valid) == 1 else "policies"
    click.echo(f"{len(valid)} {noun} valid: {', '.join(p.id for p in valid)}")
    return 0
