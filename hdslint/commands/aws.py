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
from typing import IO, TYPE_CHECKING, Any

from hdslint import __version__
from hdslint.commands import aws_coverage
from hdslint.commands.live import (
    LiveOptions,
    TerminalProgress,
    finish,
    prepare,
    progress_shown,
)
from hdslint.commands.scan import report_targets
from hdslint.config import Config
from hdslint.errors import HdslintError
from hdslint.model import InputError
from hdslint.policy import Policy
from hdslint.registry import Registry
from hdslint.scan import ScanResult, evaluate
from hdslint.sources import inventory
from hdslint.sources.aws.coverage import DEFAULT_DEADLINE_SECONDS, gap_resources, nothing_read
from hdslint.sources.aws.normalise import normalise
from hdslint.sources.aws.permissions import shipped_policy

if TYPE_CHECKING:
    from hdslint.sources.aws.collector import AwsScanSettings, Collection
    from hdslint.suppressions.baseline import Baseline


@dataclass(frozen=True)
class AwsOptions(LiveOptions):
    profile: str | None = None
    regions: tuple[str, ...] = ()
    role_arn: str | None = None
    workers: int = 16
    max_attempts: int | None = None
    services: tuple[str, ...] = field(default_factory=tuple)
    # An organization's accounts (--org: listed by Organizations; --accounts: these), each
    # entered through the role named --role-name.
    organization: bool = False
    accounts: tuple[str, ...] = ()
    role_name: str | None = None


def terminal_progress(stream: IO[str]) -> TerminalProgress:
    """Which (service, region) reads are done, on a status line."""
    return TerminalProgress(stream, "aws", _read_done)


def _read_done(service: str, region: str) -> tuple[str, str]:
    return "service-region reads done", f"{service} {'all regions' if region == '*' else region}"


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
    from hdslint.sources.aws.collector import collect

    targets = report_targets(options.formats, options.outputs, os.environ)  # usage first
    if options.role_arn is not None:
        check_role_arn(options.role_arn)
    rules = prepare(options, targets)
    with progress_shown(options.quiet, terminal_progress) as progress:
        collection = collect(scan_settings(options), session=session, progress=progress)
    result = evaluate_collection(collection, **rules.keywords())
    return finish(
        result,
        options,
        rules,
        targets,
        inventory=lambda: inventory_text(collection, role_arn=options.role_arn),
        coverage=lambda colored: coverage_table(collection, color=colored),
    )


def scan_settings(options: AwsOptions) -> AwsScanSettings:
    """How an account is read (with --org: each account)."""
    from hdslint.sources.aws.collector import AwsScanSettings

    return AwsScanSettings(
        profile=options.profile,
        role_arn=options.role_arn,
        workers=options.workers,
        max_attempts=options.max_attempts,
        deadline=options.deadline or DEFAULT_DEADLINE_SECONDS,
        regions=options.regions,
        services=options.services,
    )


def coverage_table(collection: Collection, *, color: bool) -> str:
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


def evaluate_collection(
    collection: Collection,
    *,
    config: Config,
    registry: Registry,
    policies: list[Policy],
    baseline: Baseline | None = None,
    repository_config_ignored: bool = False,
) -> ScanResult:
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


def inventory_text(collection: Collection, *, role_arn: str | None = None) -> str:
    return inventory.dumps(inventory_document(collection, role_arn=role_arn))


def iso_utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
