"""One scan, end to end: inputs -> sources -> graph -> classification -> policies -> findings.

Each stage is a pure function of the previous stage's output; reporters only read the
ScanResult this module returns.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hdslint.cache import cache_directory
from hdslint.classify import classify
from hdslint.config import Config, load_config
from hdslint.configfile import config_file
from hdslint.errors import ConfigError
from hdslint.files import FileAccess, ReadLimits, ReadLog
from hdslint.globs import glob_match
from hdslint.graph import ResourceGraph
from hdslint.model import Edge, InputError, Resource, ScanWarning
from hdslint.paths import display_path
from hdslint.policy import Policy, load_policies, non_waivable_disabled, shipped_policies
from hdslint.policy.conditions import Context
from hdslint.policy.engine import evaluate_policies, findings_from
from hdslint.registry import Registry, load_registry

# Re-exported (mypy's explicit form): they lived here before hdslint.result.
from hdslint.result import Classification as Classification  # noqa: PLC0414
from hdslint.result import Evaluation as Evaluation  # noqa: PLC0414
from hdslint.result import Provenance, Selection
from hdslint.result import ScanOptions as ScanOptions  # noqa: PLC0414
from hdslint.result import ScanResult as ScanResult  # noqa: PLC0414
from hdslint.sources import UNREAD_KINDS, classify_file, file_source, terraform, terragrunt
from hdslint.sources.base import SourceResult
from hdslint.sources.terraform.parsing import ParseOptions
from hdslint.sources.terraform.reconcile import reconcile_plans
from hdslint.suppressions.apply import apply_suppressions
from hdslint.suppressions.baseline import Baseline, load_baseline
from hdslint.suppressions.settings import settings_from

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".terraform",
        ".terragrunt-cache",  # Terragrunt's downloads: read through their unit only
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        # `sam build` copies each template there (a second copy of every stack, without
        # its samconfig): the template beside samconfig is the one scanned.
        ".aws-sam",
    }
)


@dataclass
class Discovered:
    """Input files found under the scanned paths, by kind."""

    terraform_dirs: dict[Path, list[Path]] = field(default_factory=dict)
    # kind (see hdslint.sources.classify_file) -> files, in discovery order
    files: dict[str, list[Path]] = field(default_factory=dict)
    errors: list[InputError] = field(default_factory=list)
    file_count: int = 0
    # Files hdslint reads that `exclude` or --skip-path left out.
    excluded_count: int = 0


def discover(
    fs: FileAccess,
    paths: Sequence[str],
    exclude: Sequence[str],
    root: Path,
    skip_paths: Sequence[str] = (),
) -> Discovered:
    """Walk the given paths (without following directory symlinks) and sort files by kind.
    `exclude` globs are relative to `root` (the configuration's folder), `skip_paths` globs
    (--skip-path) to the current folder.

    Files hdslint does not read are skipped silently, unless named explicitly."""
    found = Discovered()
    here = fs.resolve(Path.cwd())

    def matches(path: Path, base: Path, patterns: Sequence[str]) -> bool:
        if not patterns:
            return False
        try:
            rel = fs.resolve(path).relative_to(base).as_posix()
        except ValueError:
            rel = path.as_posix()
        return any(glob_match(pattern, rel) for pattern in patterns)

    def excluded(path: Path) -> bool:
        return matches(path, root, exclude) or matches(path, here, skip_paths)

    def add_file(path: Path, kind: str | None) -> None:
        if kind is None:
            return
        if excluded(path):
            found.excluded_count += 1
            return
        # Regular files only (no FIFO or device can hang a scan), and a symlink is followed
        # only when it stays inside the scanned folders (the file access sees nothing
        # outside them).
        if not fs.is_file(path):
            # An input file hdslint would read but may not is said (exit 2), never dropped:
            # a committed symlink leading out of the scanned folders, or leading nowhere.
            if fs.is_symlink(path):
                if not fs.inside(path):
                    why = "a symlink leading outside the scanned folders: not read"
                elif fs.exists(path):
                    why = "a symlink to something that is not a regular file: not read"
                else:
                    why = "a symlink leading to no file: not read"
                found.errors.append(InputError(display_path(path), why))
            return
        found.file_count += 1
        if kind == "terraform":
            found.terraform_dirs.setdefault(path.parent, []).append(path)
        else:
            found.files.setdefault(kind, []).append(path)

    def unreadable_folder(exc: OSError) -> None:
        # A folder that cannot be listed is not checked: say so (exit 2), never skip it.
        where = display_path(Path(exc.filename)) if exc.filename else str(exc)
        found.errors.append(InputError(where, f"cannot read directory: {exc.strerror or exc}"))

    for given in paths:
        path = Path(given)
        if given == "-":
            # Standard input holds manifests (`helm template ... | hdslint scan -`).
            if path not in found.files.get("kubernetes", []):
                found.files.setdefault("kubernetes", []).append(path)
                found.file_count += 1
            continue
        if not fs.exists(path):
            found.errors.append(InputError(given, "no such file or directory"))
            continue
        if fs.is_file(path):
            kind = classify_file(fs, path)
            if kind == "terraform":
                # A Terraform module spans its folder: evaluate all of it.
                add_module_dir(fs, found, path.parent)
            elif kind is None:
                found.errors.append(InputError(given, "not a file hdslint reads"))
            else:
                add_file(path, kind)
            continue
        for folder, dirnames, filenames in fs.walk(path, onerror=unreadable_folder):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            base = Path(folder)
            if excluded(base) and base != path:
                dirnames[:] = []
                found.excluded_count += 1  # a folder of inputs, or of nothing: it is said
                continue
            for name in sorted(filenames):
                file = base / name
                add_file(file, classify_file(fs, file))
    return found


def add_module_dir(fs: FileAccess, found: Discovered, folder: Path) -> None:
    if folder in found.terraform_dirs:
        return
    try:
        found_files = [
            p for p in fs.listdir(folder) if fs.is_file(p) and classify_file(fs, p) == "terraform"
        ]
    except OSError as exc:
        found.errors.append(InputError(str(folder), f"cannot read directory: {exc.strerror}"))
        return
    found.terraform_dirs[folder] = found_files
    found.file_count += len(found_files)


def collect(
    fs: FileAccess, found: Discovered, config: Config, options: ScanOptions
) -> SourceResult:
    """Run every source over the files it understands, each through the scan's file
    access `fs` (confined to the scanned folders)."""
    result = SourceResult(errors=list(found.errors))
    not_roots = collect_terragrunt(fs, found, result)
    if found.terraform_dirs:
        parse_options = ParseOptions(
            cache_dir=_outside_scanned(
                fs,
                cache_directory(options.cache and config.cache_enabled, None, options.env),
                options.paths,
            ),
            jobs=options.jobs if options.jobs is not None else (config.jobs or 0),
            progress=options.progress,
        )
        result.extend(
            terraform.scan(
                found.terraform_dirs,
                fs=fs,
                cli_vars={**config.tf_vars, **options.cli_vars},
                var_files=[*config.var_files, *options.var_files],
                env=options.env,
                parse_options=parse_options,
                not_roots=not_roots,
            )
        )
    for kind, files in found.files.items():
        reader = file_source(kind)
        if reader is not None:
            result.extend(reader(files, config, options, fs))
        else:
            # Infrastructure no source of this version reads: not counted as read, and
            # named, since what is not read is not checked.
            found.file_count -= len(files)
            result.errors.extend(unread_errors(kind, files))
    if found.file_count == 0 and found.excluded_count and not options.allow_checks_off:
        result.errors.append(everything_excluded_error(config, options.selection.skip_paths))
    elif found.file_count == 0 and not found.excluded_count:
        result.errors.extend(nothing_read_errors(fs, options.paths))
    return reconcile_plans(result)


def collect_terragrunt(fs: FileAccess, found: Discovered, result: SourceResult) -> frozenset[Path]:
    """Terragrunt units, each a root; the folders they evaluate are not Terraform roots."""
    files = found.files.pop("terragrunt", [])
    if not files:
        return frozenset()
    units = terragrunt.scan(files, fs)
    result.extend(units.result)
    return frozenset(units.claimed)


# How a scan that checks nothing is allowed, as the errors say it.
ALLOW_CHECKS_OFF = "pass --allow-checks-off to scan anyway"


def everything_excluded_error(config: Config, skip_paths: Sequence[str]) -> InputError:
    """Excluding every input is switching the checks off: said, never a silent pass."""
    globs = ", ".join(json_text(g) for g in (*config.exclude, *skip_paths))
    return InputError(
        config.file,
        f"every input is excluded (exclude / --skip-path: {globs}): nothing was checked;"
        f" {ALLOW_CHECKS_OFF}",
    )


def config_turns_shipped_off(config: Config, selection: Selection) -> bool:
    """Whether the configuration file turns every shipped policy off (`policies.shipped:
    false`, or every one it may in `policies.disable`: all but the non-waivable ones).
    --check and --skip-check are the operator's own choice on the command line, not the
    scanned repository's."""
    if not config.shipped_policies:
        return True
    by_file = set(config.disabled_policies) - set(selection.skip_checks)
    return all(p.id in by_file or p.non_waivable for p in shipped_policies())


def no_shipped_policy_error(config: Config) -> InputError:
    """Turning every shipped policy off is switching the checks off: an input error (exit
    2), unless --allow-checks-off."""
    return InputError(
        config.file,
        "the configuration turns every shipped HDS policy off (policies.shipped or"
        f" policies.disable): nothing checks the HDS rules; {ALLOW_CHECKS_OFF}",
    )


def json_text(text: str) -> str:
    """A glob from the configuration, quoted and with control characters escaped."""
    return json.dumps(text, ensure_ascii=False)


def unread_errors(kind: str, files: Sequence[Path]) -> list[InputError]:
    what = UNREAD_KINDS.get(kind, f"a {kind} file")
    return [
        InputError(display_path(file), f"not read by this version of hdslint: {what}")
        for file in files
    ]


# What a folder must hold for a scan to read something, as the error says it.
READ_KINDS = (
    "Terraform/OpenTofu .tf/.tofu/.tfvars, plan JSON, Kubernetes YAML, CloudFormation"
    " templates, hdslint inventories"
)


def nothing_read_errors(fs: FileAccess, paths: Sequence[str]) -> list[InputError]:
    """A scan that read no file is not a pass: each folder given says it held nothing to
    read (a file given that is not read already has its own error)."""
    return [
        InputError(
            given, f"nothing to scan: this folder holds no file hdslint reads ({READ_KINDS})"
        )
        for given in paths
        if given != "-" and fs.is_dir(given)
    ]


def resolve_config(fs: FileAccess, options: ScanOptions) -> Config:
    if options.config is not None:
        config = load_config(options.config, display=str(options.config), fs=fs)
    elif not options.repository_config:
        config = Config()
    else:
        found = config_file(options.paths, None, fs)
        config = load_config(found, display=display_path(found) if found else None, fs=fs)
    refuse_disabling_non_waivable(config)
    return options.selection.apply(config)


def refuse_disabling_non_waivable(config: Config) -> None:
    """A configuration file (a pull request may have written it) never turns a
    non-waivable policy off; the command line's --skip-check can."""
    named = non_waivable_disabled(config.disabled_policies)
    if named:
        raise ConfigError(
            f"policies.disable: {', '.join(named)} is non-waivable: no configuration can"
            " turn it off (suppress its findings one by one, each with a reason, or use"
            " --skip-check on the command line)",
            file=config.file,
        )


def _outside_scanned(fs: FileAccess, directory: Path | None, paths: Sequence[str]) -> Path | None:
    """The cache folder, unless it lies inside a scanned folder (where the scanned input
    itself could have planted entries): then no cache."""
    if directory is None:
        return None
    resolved = fs.resolve(directory)
    for given in paths:
        if given == "-" or not fs.is_dir(given):
            continue
        if resolved.is_relative_to(fs.resolve(given)):
            return None
    return directory


def allowed_roots(fs: FileAccess, paths: Sequence[str]) -> tuple[Path, ...]:
    """The folders a scan may read: the scanned paths (a file's folder) and the working one."""
    roots = [fs.resolve(Path.cwd())]
    for given in paths:
        if fs.exists(given):
            resolved = fs.resolve(given)
            roots.append(resolved if fs.is_dir(resolved) else resolved.parent)
    return tuple(dict.fromkeys(roots))


def unlistable_folders(fs: FileAccess, paths: Sequence[str]) -> list[InputError]:
    """The folders given to scan that cannot be listed (no permission): each an input
    error, and left out of the scan (their contents cannot even be probed for a
    configuration file or a repository)."""
    errors = []
    for given in paths:
        if given == "-" or not fs.is_dir(given):
            continue
        try:
            fs.entries(given)
        except OSError as exc:
            errors.append(InputError(given, f"cannot read directory: {exc.strerror or exc}"))
    return errors


def run_scan(options: ScanOptions, log: ReadLog | None = None) -> ScanResult:
    """Scan. Everything the scan looks at on the file system goes through one FileAccess,
    recorded in `log` when one is given (report replay checks it: hdslint.replay).

    What whoever runs the scan names (the paths, the configuration and what it names: the
    policies, the baseline, the registry) is read as named; then the scan's inputs are read
    through the same access confined to the scanned folders and the working folder
    (`ReadLimits`): nothing an input names is read outside them. Each stage is given the
    access it reads through."""
    named = FileAccess(log)
    unreadable = unlistable_folders(named, options.paths)
    if unreadable:
        refused = {e.file for e in unreadable}
        options = dataclasses.replace(options, paths=[p for p in options.paths if p not in refused])
    config = resolve_config(named, options)
    limits = read_limits(named, options, config)
    registry, policies = load_rules(config, options.today, named)
    baseline = resolve_baseline(config, options, named)
    return _run_scan(
        named.confined(limits), options, config, unreadable, (registry, policies, baseline)
    )


def read_limits(fs: FileAccess, options: ScanOptions, config: Config) -> ReadLimits:
    """What the scan's inputs may read: the scanned folders and the working one, files up
    to the configuration's `max_file_mb`, and the variable files named."""
    named = []
    for path in [*config.var_files, *options.var_files]:
        try:
            named.append(str(fs.resolve(path)))
        except (OSError, RuntimeError):
            continue  # read as it is named: its error is said then
    return ReadLimits(
        allowed_roots(fs, options.paths),
        int(config.max_file_mb * 1_000_000),
        frozenset(named),
    )


def load_rules(
    config: Config, today: dt.date | None = None, fs: FileAccess | None = None
) -> tuple[Registry, list[Policy]]:
    """The registry and policies a configuration asks for (shared by every kind of scan);
    policy files are read through `fs` (outside a file scan: a file access of their own)."""
    registry = load_registry(
        config.registry_providers,
        config_file=config.file,
        confirmed_conditions=config.confirmed_conditions,
        strict_conditions=config.strict_conditions,
        today=today,
        expiry_warning_days=config.registry_expiry_warning_days,
        max_age_days=config.registry_max_age_days,
    )
    policies = load_policies(
        config.policy_paths,
        include_shipped=config.shipped_policies,
        disabled=config.disabled_policies,
        only=config.only_policies,
        fs=fs,
    )
    return registry, policies


def _run_scan(
    fs: FileAccess,
    options: ScanOptions,
    config: Config,
    unreadable: list[InputError],
    rules: tuple[Registry, list[Policy], Baseline | None],
) -> ScanResult:
    registry, policies, baseline = rules
    found = discover(fs, options.paths, config.exclude, config.root, options.selection.skip_paths)
    found.errors[:0] = unreadable
    collected = collect(fs, found, config, options)
    if not options.allow_checks_off and config_turns_shipped_off(config, options.selection):
        collected.errors.append(no_shipped_policy_error(config))
    return evaluate(
        collected.resources,
        collected.edges,
        collected.errors,
        config=config,
        registry=registry,
        policies=policies,
        inputs=list(options.paths),
        files_scanned=found.file_count,
        baseline=baseline,
        skip_paths=options.selection.skip_paths,
        repository_config_ignored=not options.repository_config and options.config is None,
        sensitive=collected.sensitive,
        unmapped=collected.unmapped,
        warnings=collected.warnings,
        fs=fs,
    )


def resolve_baseline(
    config: Config, options: ScanOptions, fs: FileAccess | None = None
) -> Baseline | None:
    """The baseline given on the command line, else the configuration's, else none (read
    through `fs`; outside a file scan: a file access of its own)."""
    if options.baseline is not None:
        return load_baseline(options.baseline, display_path(options.baseline), fs)
    configured = settings_from(config).baseline if options.use_config_baseline else None
    return load_baseline(configured, display_path(configured), fs) if configured else None


def evaluate(
    resources: Sequence[Resource],
    edges: Sequence[Edge],
    errors: Sequence[InputError],
    *,
    config: Config,
    registry: Registry,
    policies: list[Policy],
    inputs: list[str],
    files_scanned: int = 0,
    baseline: Baseline | None = None,
    skip_paths: Sequence[str] = (),
    repository_config_ignored: bool = False,
    sensitive: Iterable[str] = (),
    unmapped: Mapping[str, int] | None = None,
    warnings: Sequence[ScanWarning] = (),
    fs: FileAccess | None = None,
) -> ScanResult:
    """The evaluation half of a scan, shared by file scans and live/saved inventories.

    Suppressions (inline comments, annotations, config waivers, `baseline`) are applied
    here, so every source and every reporter sees the same decisions. Source files are
    read for their comments through `fs`, the scan's file access (a live scan reads none:
    a file access of its own)."""
    graph = ResourceGraph(resources, edges)
    health, reasons = classify(graph, default=config.health_default, tags=config.health_tags)
    ctx = Context(graph=graph, registry=registry, health=health, health_reasons=reasons)
    evaluations = evaluate_policies(policies, graph, ctx)
    applied = apply_suppressions(
        findings_from(evaluations),
        graph,
        settings=settings_from(config),
        baseline=baseline,
        today=registry.today,
        known_policies=[*(p.id for p in policies), *config.disabled_policies],
        fs=fs or FileAccess(),
    )
    return ScanResult(
        config=config,
        registry=registry,
        policies=policies,
        graph=graph,
        health=health,
        health_reasons=reasons,
        evaluations=evaluations,
        findings=applied.findings,
        errors=[*errors, *applied.errors],
        inputs=inputs,
        files_scanned=files_scanned,
        warnings=[
            *(ScanWarning(config.file, text) for text in config.warnings),
            *warnings,
            *applied.warnings,
        ],
        provenance=provenance_of(
            config,
            policies,
            skip_paths=skip_paths,
            repository_config_ignored=repository_config_ignored,
        ),
        sensitive_values=frozenset(sensitive),
        unmapped_types=dict(sorted((unmapped or {}).items())),
    )


def provenance_of(
    config: Config,
    policies: Sequence[Policy],
    *,
    skip_paths: Sequence[str] = (),
    repository_config_ignored: bool = False,
) -> Provenance:
    """What a scan is judged by. Disabled: every shipped policy, and every id the
    configuration or --skip-check names, that is not evaluated."""
    evaluated = [p.id for p in policies]
    known = {p.id for p in shipped_policies()} | set(config.disabled_policies)
    return Provenance(
        config_file=config.file,
        repository_config_ignored=repository_config_ignored,
        policies_evaluated=tuple(evaluated),
        policies_disabled=tuple(sorted(known - set(evaluated))),
        paths_excluded=(*config.exclude, *skip_paths),
        health_data_default=config.health_default,
    )
