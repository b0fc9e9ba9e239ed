"""What a scan is asked (ScanOptions) and what it found (ScanResult): the model every source
reads its options from and every output format reads its results from.

Part of the core (standard library only at run time). The result carries the configuration,
registry and policies it was judged by; they are named here in annotations only, so the
core imports nothing above it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hdslint.graph import ResourceGraph
from hdslint.ids import ResourceKey
from hdslint.model import Evidence, Finding, InputError, Resource, ScanWarning, Status
from hdslint.selection import Selection as Selection  # noqa: PLC0414 (re-exported)

if TYPE_CHECKING:  # annotations only: the core does not import the layers above it
    from hdslint.config import Config
    from hdslint.policy import Policy
    from hdslint.registry import Registry

# Which resources hold health data: key -> True / False / None (cannot tell).
Classification = dict[ResourceKey, bool | None]


@dataclass
class ScanOptions:
    paths: Sequence[str] = (".",)
    config: Path | None = None
    cli_vars: Mapping[str, str] = field(default_factory=dict)
    var_files: Sequence[Path] = ()
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    # False: --no-cache. The configuration and HDSLINT_NO_CACHE can turn the cache off too.
    cache: bool = True
    # Processes that parse Terraform files (--jobs); None: the configuration's, else auto.
    jobs: int | None = None
    # Findings listed in this baseline file are suppressed (kind "baseline"); None: the
    # configuration's `baseline:` key, unless use_config_baseline is False.
    baseline: Path | None = None
    use_config_baseline: bool = True
    # The date certificates and the registry's age are judged on (default: today); fixed
    # in tests and for re-checking saved evidence as it stood on a given day.
    today: dt.date | None = None
    # `-` among the paths reads Kubernetes manifests from standard input: its text (None:
    # read sys.stdin) and the path it stands for (matched against kubernetes.clusters, shown
    # in findings; None: `<stdin>`).
    stdin: str | None = None
    stdin_filename: str | None = None
    # --check, --skip-check, --skip-path, --external-policies
    selection: Selection = field(default_factory=Selection)
    # False: --no-repo-config (no `.hdslint.yaml` is looked for; --config still applies).
    repository_config: bool = True
    # --allow-checks-off: a configuration may turn every shipped policy off, or exclude
    # every input (otherwise an input error: a scan that checks nothing is not a pass).
    allow_checks_off: bool = False
    # Told (files parsed, files to parse) while Terraform files are parsed (a progress line).
    progress: Callable[[int, int], None] | None = None


@dataclass(frozen=True)
class Provenance:
    """What a scan was judged by, stated in every report: a configuration can switch checks
    off (a hostile pull request's `.hdslint.yaml` too), so a report says which were off."""

    # The configuration file used (as shown to the user), None: the defaults.
    config_file: str | None = None
    # --no-repo-config: a `.hdslint.yaml` in the scanned repository was not looked for.
    repository_config_ignored: bool = False
    policies_evaluated: tuple[str, ...] = ()
    # Policies known to this scan (shipped, or named in policies.disable or --skip-check)
    # that were not evaluated.
    policies_disabled: tuple[str, ...] = ()
    # `exclude` globs (relative to the configuration's folder) and --skip-path globs.
    paths_excluded: tuple[str, ...] = ()
    health_data_default: bool = True


@dataclass(frozen=True, slots=True)
class Evaluation:
    """One (policy, resource) pair and how it ended."""

    policy: Policy
    resource: Resource
    status: Status
    reasons: tuple[str, ...]
    evidence: tuple[Evidence, ...] = ()
    verify: tuple[str, ...] = ()


@dataclass
class ScanResult:
    config: Config
    registry: Registry
    policies: list[Policy]
    graph: ResourceGraph
    health: Classification
    health_reasons: dict[ResourceKey, str]
    evaluations: list[Evaluation]
    findings: list[Finding]
    errors: list[InputError]
    inputs: list[str]
    files_scanned: int = 0
    # Suppressions that matched no finding: reported, never a change of the exit code.
    warnings: list[ScanWarning] = field(default_factory=list)
    provenance: Provenance = field(default_factory=Provenance)
    # Values the decisions used but no output may show: derived from values Terraform
    # marks sensitive (a region from a `sensitive = true` variable). hdslint.sensitive
    # conceals them in every report.
    sensitive_values: frozenset[str] = frozenset()
    # Resource types read from cloud inventories that the catalogue does not describe (read
    # as holding no data): type -> count, shown in the summary of every output.
    unmapped_types: Mapping[str, int] = field(default_factory=dict)
