"""`hdslint aws`: scan a live AWS account read-only, evaluate it, optionally save it.

boto3 is imported here only, inside `run`: the other commands never load it, and a plain
`pip install hdslint` leaves it out (it comes with the `aws` extra).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from hdslint import __version__
from hdslint.commands.live import save_inventory, write_reports
from hdslint.commands.scan import (
    exit_code,
    report_targets,
    require_output_folders,
)
from hdslint.config import Config, find_config, load_config
from hdslint.errors import HdslintError
from hdslint.outputpath import require_output_folder
from hdslint.policy import Policy
from hdslint.registry import Registry
from hdslint.scan import ScanOptions, ScanResult, evaluate, load_rules, resolve_baseline

if TYPE_CHECKING:
    from hdslint.sources.aws.collector import Collection
    from hdslint.suppressions.baseline import Baseline


@dataclass(frozen=True)
class AwsOptions:
    profile: str | None = None
    regions: tuple[str, ...] = ()
    role_arn: str | None = None
    formats: tuple[str, ...] = ()  # FORMAT[=FILE], as for `scan`
    outputs: tuple[str, ...] = ()
    config: Path | None = None
    # False: --no-repo-config (no `.hdslint.yaml` is looked for; --config still applies).
    repository_config: bool = True
    fail_on: str | None = None
    save: Path | None = None
    quiet: bool = False
    workers: int = 16
    max_attempts: int | None = None
    deadline: float | None = None  # seconds; None: coverage.DEFAULT_DEADLINE_SECONDS
    color: bool | None = None
    services: tuple[str, ...] = field(default_factory=tuple)
    # An organization's accounts (--org: listed by Organizations; --accounts: these), each
    # entered through the role named --role-name.
    organization: bool = False
    accounts: tuple[str, ...] = ()
    role_name: str | None = None


class TerminalProgress:
    """Which (service, region) reads are done, on a status line."""

    def __init__(self, stream: IO[str]) -> None:
        from hdslint.progress import StatusLine

        self.line = StatusLine(stream, delay=0.0)

    def __call__(self, done: int, total: int, service: str, region: str) -> None:
        where = "all regions" if region == "*" else region
        self.line.show(
            f"hdslint aws: {done}/{total} service-region reads done"
            f" ({service} {where}, {self.line.elapsed():.0f} s)",
            force=done == total,
        )

    def close(self) -> None:
        self.line.close()


# An IAM role's ARN, in any partition: what sts:AssumeRole accepts for RoleArn.
ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+")


def check_role_arn(role_arn: str) -> None:
    if not ROLE_ARN.fullmatch(role_arn):
        raise HdslintError(
            f"--role-arn {role_arn}: not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)"
        )


BOTO3_MISSING = (
    "hdslint aws needs boto3, which a plain `pip install hdslint` leaves out:"
    " pip install 'hdslint[aws]'"
)


def require_boto3() -> None:
    """A usage error (exit 2) naming what to install, before anything imports boto3."""
    try:
        import boto3  # noqa: F401
    except ModuleNotFoundError:
        raise HdslintError(BOTO3_MISSING) from None


def print_iam_policy() -> int:
    from hdslint.sources.aws.permissions import shipped_policy

    sys.stdout.write(json.dumps(shipped_policy(), indent=2) + "\n")
    return 0


def run(options: AwsOptions, *, session: Any = None) -> int:
    """Scan the account, write the reports (and the inventory), return the exit code.
    `session`: a boto3 session to use instead of opening one (library use)."""
    require_boto3()
    if options.organization or options.accounts:
        from hdslint.commands import aws_org

        return aws_org.run(options, session=session)
    if options.role_name is not None:
        raise HdslintError("--role-name needs --org or --accounts (one account: --role-arn)")
    from hdslint.commands.registry import warn_if_stale
    from hdslint.sources.aws.collector import AwsScanSettings, collect
    from hdslint.sources.aws.coverage import DEFAULT_DEADLINE_SECONDS

    targets = report_targets(options.formats, options.outputs, os.environ)  # usage first
    if options.role_arn is not None:
        check_role_arn(options.role_arn)
    require_output_folders(targets)
    if options.save is not None:
        require_output_folder(options.save, "inventory")
    config = config_for(options.config, options.repository_config)
    registry, policies = load_rules(config)
    baseline = resolve_baseline(config, ScanOptions(config=options.config))
    settings = AwsScanSettings(
        profile=options.profile,
        role_arn=options.role_arn,
        workers=options.workers,
        max_attempts=options.max_attempts,
        deadline=options.deadline or DEFAULT_DEADLINE_SECONDS,
        regions=options.regions,
        services=options.services,
    )
    progress = None
    if not options.quiet and sys.stderr.isatty():
        progress = TerminalProgress(sys.stderr)
    try:
        collection = collect(settings, session=session, progress=progress)
    finally:
        if progress is not None:
            progress.close()
    result = evaluate_collection(
        collection,
        config=config,
        registry=registry,
        policies=policies,
        baseline=baseline,
        repository_config_ignored=not options.repository_config and options.config is None,
    )
    warn_if_stale(result.registry)
    if options.save is not None:
        _save(collection, options)
    write_reports(
        result, targets, options.color, lambda colored: coverage_table(collection, color=colored)
    )
    return exit_code(result, options.fail_on or config.fail_on or "low")


def coverage_table(collection: Collection, *, color: bool) -> str:
    from hdslint.commands import aws_coverage

    plan = collection.plan
    elapsed = (collection.finished_at - collection.started_at).total_seconds()
    return aws_coverage.render(
        collection.coverage,
        services=collection.services,
        regions=[*plan.scan, *plan.disabled],
        not_opted_in=[r for r in plan.not_opted_in if r not in plan.disabled],
        footer=f"Account {collection.identity.account} read as {collection.identity.arn}: "
        f"{collection.calls} API calls in {elapsed:.1f} s",
        color=color,
    )


def config_for(path: Path | None, repository_config: bool = True) -> Config:
    if path is not None:
        return load_config(path, display=str(path))
    if not repository_config:
        return Config()
    found = find_config(Path.cwd())
    return load_config(found, display=str(found) if found else None)


def evaluate_collection(
    collection: Collection,
    *,
    config: Config,
    registry: Registry,
    policies: list[Policy],
    baseline: Baseline | None = None,
    repository_config_ignored: bool = False,
) -> ScanResult:
    from hdslint.model import InputError
    from hdslint.sources.aws.coverage import gap_resources, nothing_read
    from hdslint.sources.aws.normalise import normalise

    resources, edges = normalise(collection.records, collection.links)
    account = collection.identity.account
    gaps = gap_resources(collection.coverage, account=account, source="aws")
    silence = nothing_read(collection.coverage)
    return evaluate(
        [*resources, *gaps],
        edges,
        [InputError(f"aws:{account}", silence)] if silence else [],
        config=config,
        registry=registry,
        policies=policies,
        inputs=[f"aws:{collection.identity.account}"],
        baseline=baseline,
        repository_config_ignored=repository_config_ignored,
    )


def inventory_document(collection: Collection, *, role_arn: str | None = None) -> dict[str, Any]:
    from hdslint.sources import inventory
    from hdslint.sources.aws.normalise import normalise

    resources, edges = normalise(collection.records, collection.links)
    plan = collection.plan
    header = {
        "hdslint_version": __version__,
        "source": "aws",
        "created_at": iso_utc(collection.started_at),
        "completed_at": iso_utc(collection.finished_at),
        "account": {
            "id": collection.identity.account,
            "partition": collection.identity.partition,
            "caller_arn": collection.identity.arn,
            "role_arn": role_arn,
        },
        "regions": {
            "scanned": list(plan.scan),
            "not_enabled": list(plan.disabled),
            "not_opted_in": list(plan.not_opted_in),
            "home": collection.home_region,
            "note": plan.note,
        },
        "services": list(collection.services),
    }
    return inventory.document(
        header=header, coverage=collection.coverage, resources=resources, edges=edges
    )


def _save(collection: Collection, options: AwsOptions) -> None:
    from hdslint.sources import inventory

    assert options.save is not None
    text = inventory.dumps(inventory_document(collection, role_arn=options.role_arn))
    save_inventory(text, options.save)


def iso_utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
