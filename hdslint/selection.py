"""The command line's one-off choice of checks and paths (--check, --skip-check, --skip-path,
--external-policies). Apart from hdslint.result so that the command line builds it without
loading the result model (a replayed scan loads neither)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the core does not import the layers above it
    from hdslint.config import Config


@dataclass(frozen=True)
class Selection:
    """One-off choices from the command line, added to the configuration's own: --check,
    --skip-check, --skip-path (globs relative to the current folder) and
    --external-policies (as policies.paths)."""

    checks: tuple[str, ...] = ()
    skip_checks: tuple[str, ...] = ()
    skip_paths: tuple[str, ...] = ()
    policy_dirs: tuple[Path, ...] = ()

    def apply(self, config: Config) -> Config:
        return replace(
            config,
            only_policies=(*config.only_policies, *self.checks),
            disabled_policies=(*config.disabled_policies, *self.skip_checks),
            policy_paths=(*config.policy_paths, *self.policy_dirs),
        )
