"""The `suppressions:` and `baseline:` keys of `.hdslint.yaml`: how suppressions are governed.

suppressions:
  inline: true               # false: inline comments and annotations are not applied
  require_expiry: false      # true: every suppression must say until=YYYY-MM-DD
  non_waivable: [HDS-LOC-*]  # policies no suppression, waiver or baseline can silence
  waivers:                   # suppressions kept in config, reviewed with it
    - policies: [HDS-COND-001]
      resources: ["aws_s3_bucket.legacy_*"]   # globs on resource ids (default: all)
      paths: ["legacy/**"]                    # globs on files, from this file's folder
      reason: "OVHcloud HDS option confirmed by contract 2025-114"
      until: "2026-12-31"
baseline: .hdslint-baseline.json
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hdslint.config import Config
from hdslint.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Waiver:
    policies: tuple[str, ...]
    resources: tuple[str, ...]
    paths: tuple[str, ...]
    reason: str
    until: dt.date | None


@dataclass(frozen=True, slots=True)
class SuppressionSettings:
    inline: bool = True
    require_expiry: bool = False
    non_waivable: tuple[str, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    config_file: str | None = None
    root: Path | None = None
    baseline: Path | None = None

    def waivable(self, policy_id: str) -> bool:
        return not any(fnmatch.fnmatchcase(policy_id, p) for p in self.non_waivable)

    @property
    def source(self) -> str:
        return self.config_file or "the configuration"


def _date(value: Any, config: Config, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):  # YAML reads an unquoted 2026-12-31 as a date
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(
            f"{where}: {value!r} is not a date (YYYY-MM-DD)", file=config.file
        ) from None


def settings_from(config: Config) -> SuppressionSettings:
    raw: Mapping[str, Any] = config.raw.get("suppressions") or {}
    waivers = []
    for i, item in enumerate(raw.get("waivers") or ()):
        reason = str(item["reason"]).strip()
        if not reason:
            raise ConfigError(
                f"$.suppressions.waivers[{i}].reason: a waiver needs a reason", file=config.file
            )
        waivers.append(
            Waiver(
                policies=tuple(item["policies"]),
                resources=tuple(item.get("resources") or ()),
                paths=tuple(item.get("paths") or ()),
                reason=reason,
                until=_date(item.get("until"), config, f"$.suppressions.waivers[{i}].until"),
            )
        )
    require_expiry = bool(raw.get("require_expiry", False))
    for i, waiver in enumerate(waivers):
        if require_expiry and waiver.until is None:
            raise ConfigError(
                f"$.suppressions.waivers[{i}]: has no until (require_expiry is true)",
                file=config.file,
            )
    return SuppressionSettings(
        inline=bool(raw.get("inline", True)),
        require_expiry=require_expiry,
        non_waivable=tuple(raw.get("non_waivable") or ()),
        waivers=tuple(waivers),
        config_file=config.file,
        root=config.root,
        baseline=config.baseline,
    )
