"""`hdslint aws`: scan a live AWS account read-only, evaluate it, optionally save it.

boto3 is imported here only, inside `run`: the other commands never load it.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from hdslint import __version__
from hdslint.commands.scan import exit_code, write_report
from hdslint.config import Config, find_config, load_config
from hdslint.errors import HdslintError
from hdslint.policy import Policy, load_policies
from hdslint.registry import Registry, load_registry
from hdslint.scan import ScanResult, evaluate

if TYPE_CHECKING:
    from hdslint.sources.aws.collector import Collection


@dataclass(frozen=True)
class AwsOptions:
    profile: str | None = None
    regions: tuple[str, ...] = ()
    role_arn: str | None = None
    output_format: str = "text"
    output: Path | None = None
    config: Path | None = None
    fail_on: str | None = None
    save: Path | None = None
    quiet: bool = False
    workers: int = 16
    max_attempts: int | None = None
    color: bool | None = None
    services: tuple[str, ...] = field(default_factory=tuple)


class TerminalProgress:
    """One self-rewriting status line on stderr: which (service, region) reads are done."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.started = time.monotonic()

    def __call__(self, done: int, total: int, service: str, region: str) -> None:
        where = "all regions" if region == "*" else region
        elapsed = time.monotonic() - self.started
        self.stream.write(
            f"\r\033[Khdslint aws: {done}/{total} service-region reads done"
            f" ({service} {where}, {elapsed:.0f} s)"
        )
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\r\033[K")
        self.stream.flush()


def print_iam_policy() -> int:
    from hdslint.sources.aws.permissions import shipped_policy

    sys.stdout.write(json.dumps(shipped_policy(), indent=2) + "\n")
    return 0


def run(options: AwsOptions, *, session: Any = None) -> int:
    from hdslint.sources.aws.collector import AwsScanSettings, collect

    config = _config(options.config)
    registry = load_registry(
        config.registry_providers,
        config_file=config.file,
        confirmed_conditions=config.confirmed_conditions,
        strict_conditions=config.strict_conditions,
    )
    policies = load_policies(
        config.policy_paths,
        include_shipped=config.shipped_policies,
        disabled=config.disabled_policies,
    )
    settings = AwsScanSettings(
        profile=options.profile,
        role_arn=options.role_arn,
        workers=options.workers,
        max_attempts=options.max_attempts,
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
    result = evaluate_collection(collection, config=config, registry=registry, policies=policies)
    if options.save is not None:
        _save(collection, options)
    use_color = (
        options.color
        if options.color is not None
        else (options.output is None and sys.stdout.isatty())
    )
    from hdslint.reporters import aws_coverage, get_reporter

    text = get_reporter(options.output_format).render(result, color=use_color)
    if options.output_format == "text":
        elapsed = (collection.finished_at - collection.started_at).total_seconds()
        text += "\n" + aws_coverage.render(
            collection.coverage,
            services=collection.services,
            regions=[*collection.plan.scan, *collection.plan.disabled],
            not_opted_in=[
                r for r in collection.plan.not_opted_in if r not in collection.plan.disabled
            ],
            footer=f"Account {collection.identity.account} read as {collection.identity.arn}: "
            f"{collection.calls} API calls in {elapsed:.1f} s",
            color=use_color,
        )
    write_report(text, options.output)
    return exit_code(result, options.fail_on or config.fail_on or "low")


def _config(path: Path | None) -> Config:
    if path is not None:
        return load_config(path, display=str(path))
    found = find_config(Path.cwd())
    return load_config(found, display=str(found) if found else None)


def evaluate_collection(
    collection: Collection, *, config: Config, registry: Registry, policies: list[Policy]
) -> ScanResult:
    from hdslint.sources.aws.coverage import gap_resources
    from hdslint.sources.aws.normalise import normalise

    resources, edges = normalise(collection.records, collection.links)
    gaps = gap_resources(collection.coverage, account=collection.identity.account, source="aws")
    return evaluate(
        [*resources, *gaps],
        edges,
        [],
        config=config,
        registry=registry,
        policies=policies,
        inputs=[f"aws:{collection.identity.account}"],
    )


def inventory_document(collection: Collection, *, role_arn: str | None = None) -> dict[str, Any]:
    from hdslint.sources import inventory
    from hdslint.sources.aws.normalise import normalise

    resources, edges = normalise(collection.records, collection.links)
    plan = collection.plan
    header = {
        "hdslint_version": __version__,
        "source": "aws",
        "created_at": _iso(collection.started_at),
        "completed_at": _iso(collection.finished_at),
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
    try:
        options.save.parent.mkdir(parents=True, exist_ok=True)
        options.save.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise HdslintError(
            f"cannot write the inventory: {exc.strerror or exc}", file=str(options.save)
        ) from None


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
