"""`.hdslint.yaml`: found upward from the scanned path, or given with `--config`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hdslint import yamlio

# Re-exported (mypy's explicit form): they lived here before hdslint.configfile.
from hdslint.configfile import CONFIG_NAMES as CONFIG_NAMES  # noqa: PLC0414
from hdslint.configfile import find_config as find_config  # noqa: PLC0414
from hdslint.configfile import repository_root
from hdslint.errors import ConfigError
from hdslint.files import FileAccess
from hdslint.result import Selection as Selection  # noqa: PLC0414 (re-exported)
from hdslint.schemas import validate

# A configuration is a page of YAML; anything near this size is not one.
MAX_CONFIG_BYTES = 1_000_000

IGNORED_CACHE_DIRECTORY = (
    "cache.directory is ignored: the cache location comes from HDSLINT_CACHE_DIR or"
    " XDG_CACHE_HOME, never from the scanned repository"
)

DEFAULT_HEALTH_TAGS: Mapping[str, list[str]] = {"data-classification": ["health", "phi", "hds"]}


@dataclass(frozen=True)
class ClusterMapping:
    paths: tuple[str, ...]
    provider: str
    region: str | None
    name: str | None = None


@dataclass(frozen=True)
class StackMapping:
    """A `cloudformation.stacks` entry: where the templates its globs match are deployed."""

    paths: tuple[str, ...]
    region: str
    name: str | None = None
    account: str | None = None


@dataclass(frozen=True)
class Config:
    file: str | None = None
    # The folder that holds the config file: relative globs and paths start there.
    root: Path = field(default_factory=Path.cwd)
    health_default: bool = True
    health_tags: Mapping[str, list[str]] = field(default_factory=lambda: dict(DEFAULT_HEALTH_TAGS))
    clusters: tuple[ClusterMapping, ...] = ()
    # The region ACK controllers run with (kubernetes.ack.default_region).
    ack_default_region: str | None = None
    stacks: tuple[StackMapping, ...] = ()
    registry_providers: Mapping[str, Any] = field(default_factory=dict)
    confirmed_conditions: tuple[str, ...] = ()
    strict_conditions: bool = False
    registry_max_age_days: int | None = None
    registry_expiry_warning_days: int | None = None
    disabled_policies: tuple[str, ...] = ()
    # Only these policies (--check); empty: every policy not disabled.
    only_policies: tuple[str, ...] = ()
    policy_paths: tuple[Path, ...] = ()
    shipped_policies: bool = True
    var_files: tuple[Path, ...] = ()
    # `baseline:` (resolved, inside the repository), or None.
    baseline: Path | None = None
    tf_vars: Mapping[str, str] = field(default_factory=dict)
    fail_on: str | None = None
    exclude: tuple[str, ...] = ()
    cache_enabled: bool = True
    cache_dir: Path | None = None
    jobs: int | None = None
    max_file_mb: float = 4.0
    raw: Mapping[str, Any] = field(default_factory=dict)
    # Keys read but not applied, said in every report (e.g. cache.directory).
    warnings: tuple[str, ...] = ()


def load_config(
    path: Path | None, *, display: str | None = None, fs: FileAccess | None = None
) -> Config:
    """Read and validate a configuration file; None gives the defaults. Read through `fs`,
    the scan's file access (outside a scan: one of its own)."""
    if path is None:
        return Config()
    fs = fs or FileAccess()
    shown = display or str(path)
    try:
        text = fs.read(path, MAX_CONFIG_BYTES).decode("utf-8")
    except FileNotFoundError:
        raise ConfigError("configuration file not found", file=shown) from None
    except OSError as exc:
        raise ConfigError(f"cannot read configuration: {exc.strerror or exc}", file=shown) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"cannot read configuration: {exc}", file=shown) from None
    try:
        data = yamlio.load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(
            yamlio.error_message(exc), file=shown, line=yamlio.error_line(exc)
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("the configuration must be a YAML mapping", file=shown)
    errors = validate(data, "hdslint", "config.schema.json")
    if errors:
        raise ConfigError(errors[0], file=shown)
    return from_mapping(data, root=fs.resolve(path.parent), file=shown, fs=fs)


def from_mapping(
    data: Mapping[str, Any], *, root: Path, file: str | None, fs: FileAccess | None = None
) -> Config:
    fs = fs or FileAccess()
    health = data.get("health_data") or {}
    registry = data.get("registry") or {}
    conditions = registry.get("conditions") or {}
    policies = data.get("policies") or {}
    terraform = data.get("terraform") or {}
    kubernetes = data.get("kubernetes") or {}
    clusters = tuple(
        ClusterMapping(
            paths=tuple(c["paths"]),
            provider=c["provider"],
            region=c.get("region"),
            name=c.get("name"),
        )
        for c in kubernetes.get("clusters", ())
    )
    stacks = tuple(
        StackMapping(
            paths=tuple(s["paths"]),
            region=s["region"],
            name=s.get("name"),
            account=s.get("account"),
        )
        for s in (data.get("cloudformation") or {}).get("stacks", ())
    )
    tags = health.get("tags")
    cache = data.get("cache") or {}
    # Every file the configuration names stays inside its repository: a hostile pull
    # request's `.hdslint.yaml` must not make the scan read the runner's files.
    inside = _Confinement(root=root, repository=repository_root(root, fs), file=file, fs=fs)
    baseline = data.get("baseline")
    return Config(
        file=file,
        root=root,
        health_default=bool(health.get("default", True)),
        health_tags=(
            {str(k): [str(v).lower() for v in vs] for k, vs in tags.items()}
            if tags is not None
            else dict(DEFAULT_HEALTH_TAGS)
        ),
        clusters=clusters,
        ack_default_region=(kubernetes.get("ack") or {}).get("default_region"),
        stacks=stacks,
        registry_providers=registry.get("providers") or {},
        confirmed_conditions=tuple(conditions.get("confirmed", ())),
        strict_conditions=bool(conditions.get("strict", False)),
        registry_max_age_days=registry.get("max_age_days"),
        registry_expiry_warning_days=registry.get("expiry_warning_days"),
        disabled_policies=tuple(policies.get("disable", ())),
        policy_paths=inside.paths("$.policies.paths", policies.get("paths", ())),
        shipped_policies=bool(policies.get("shipped", True)),
        var_files=inside.paths("$.terraform.var_files", terraform.get("var_files", ())),
        baseline=inside.path("$.baseline", baseline) if baseline else None,
        tf_vars={str(k): _var_text(v) for k, v in (terraform.get("vars") or {}).items()},
        fail_on=data.get("fail_on"),
        exclude=tuple(data.get("exclude", ())),
        cache_enabled=bool(cache.get("enabled", True)),
        # The cache location comes from the user's environment only: a folder named by a
        # file in the scanned repository could hold entries the pull request committed.
        cache_dir=None,
        warnings=(IGNORED_CACHE_DIRECTORY,) if cache.get("directory") else (),
        jobs=data.get("jobs"),
        max_file_mb=float(data.get("max_file_mb", 4.0)),
        raw=data,
    )


@dataclass(frozen=True)
class _Confinement:
    """Resolves the paths a configuration names, refusing any outside its repository."""

    root: Path  # the configuration's folder: relative paths start there
    repository: Path  # hdslint.configfile.repository_root(root)
    file: str | None
    fs: FileAccess

    def paths(self, key: str, items: Sequence[str]) -> tuple[Path, ...]:
        return tuple(self.path(f"{key}[{i}]", item) for i, item in enumerate(items))

    def path(self, key: str, item: str) -> Path:
        """`root / item`, symlinks resolved, when it lies inside the repository."""
        if Path(item).is_absolute() or item.startswith("~"):
            raise ConfigError(
                f"{key}: {item!r} is not allowed: name a file relative to the configuration's"
                " folder, inside the repository",
                file=self.file,
            )
        try:
            resolved = self.fs.resolve(self.root / item)
        except (OSError, RuntimeError):  # a symlink loop
            raise ConfigError(f"{key}: {item!r} cannot be resolved", file=self.file) from None
        if not resolved.is_relative_to(self.repository):
            raise ConfigError(
                f"{key}: {item!r} is outside the repository ({self.repository.as_posix()}):"
                " a configuration names files inside it only",
                file=self.file,
            )
        return resolved


def _var_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
