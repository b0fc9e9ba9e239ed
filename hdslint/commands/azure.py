"""`hdslint azure`: read live Azure subscriptions read-only, evaluate them, optionally save.

The Azure SDK is imported only once the command has checked its arguments: a plain
`pip install hdslint` leaves it out (it comes with the `azure` extra). The resources go
through the offline reader of Resource Graph answers (`hdslint.sources.exports.azure`), as
the document --save writes: a live scan and `hdslint scan` of its inventory agree.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlsplit

from hdslint.commands.aws import config_for
from hdslint.commands.live import check_endpoint, save_inventory, write_reports
from hdslint.commands.scan import (
    exit_code,
    report_targets,
    require_output_folders,
)
from hdslint.errors import HdslintError
from hdslint.model import Location
from hdslint.outputpath import require_output_folder
from hdslint.scan import ScanOptions, ScanResult, evaluate, load_rules, resolve_baseline

if TYPE_CHECKING:
    from hdslint.sources.azure.live import AzureCollection

SDK_MISSING = (
    "hdslint azure needs the Azure SDK, which a plain `pip install hdslint` leaves out:"
    " pip install 'hdslint[azure]'"
)
PUBLIC_ENDPOINT = "https://management.azure.com"
DEFAULT_DEADLINE_SECONDS = 900
GRAPH_CALL = "Microsoft.ResourceGraph/resources"
SUBSCRIPTION_CALL = "Microsoft.Resources/subscriptions"


@dataclass(frozen=True)
class AzureOptions:
    subscriptions: tuple[str, ...] = ()
    endpoint: str | None = None
    formats: tuple[str, ...] = ()  # FORMAT[=FILE], as for `scan`
    outputs: tuple[str, ...] = ()
    config: Path | None = None
    repository_config: bool = True
    fail_on: str | None = None
    save: Path | None = None
    quiet: bool = False
    deadline: float | None = None  # seconds; None: DEFAULT_DEADLINE_SECONDS
    color: bool | None = None


def require_sdk() -> None:
    """A usage error (exit 2) naming what to install, before anything imports the SDK."""
    try:
        import azure.identity
        import azure.mgmt.resourcegraph  # noqa: F401
    except ModuleNotFoundError:
        raise HdslintError(SDK_MISSING) from None


def check_subscriptions(ids: tuple[str, ...]) -> None:
    from hdslint.sources.exports.azure import subscription_id_problem

    for sid in ids:
        problem = subscription_id_problem(sid)
        if problem:
            raise HdslintError(f"--subscriptions {sid}: {problem}")


class TerminalProgress:
    """How many subscriptions are read, on a status line."""

    def __init__(self, stream: IO[str]) -> None:
        from hdslint.progress import StatusLine

        self.line = StatusLine(stream, delay=0.0)

    def __call__(self, done: int, total: int, resources: int) -> None:
        self.line.show(
            f"hdslint azure: {done}/{total} subscriptions queried, {resources} resources"
            f" ({self.line.elapsed():.0f} s)",
            force=done == total,
        )

    def close(self) -> None:
        self.line.close()


def run(options: AzureOptions, *, credential: Any = None, transport: Any = None) -> int:
    """Read the subscriptions, write the reports (and the inventory), return the exit code.
    `credential`: an azure-core TokenCredential to use instead of the SDK's default chain;
    `transport`: an azure-core HTTP transport (library use and tests)."""
    targets = report_targets(options.formats, options.outputs, os.environ)  # usage first
    check_subscriptions(options.subscriptions)
    endpoint = check_endpoint(
        options.endpoint,
        default=PUBLIC_ENDPOINT,
        refusal="not an Azure Resource Manager endpoint"
        " (https://HOST, e.g. https://management.usgovcloudapi.net)",
    )
    require_sdk()
    require_output_folders(targets)
    if options.save is not None:
        require_output_folder(options.save, "inventory")
    config = config_for(options.config, options.repository_config)
    registry, policies = load_rules(config)
    baseline = resolve_baseline(config, ScanOptions(config=options.config))

    from hdslint.commands.registry import warn_if_stale
    from hdslint.sources.azure.live import AzureScanSettings, collect

    settings = AzureScanSettings(
        endpoint=endpoint,
        subscriptions=options.subscriptions,
        deadline=options.deadline or DEFAULT_DEADLINE_SECONDS,
    )
    progress = None
    if not options.quiet and sys.stderr.isatty():
        progress = TerminalProgress(sys.stderr)
    try:
        collection = collect(
            settings, credential=credential, progress=progress, transport=transport
        )
    finally:
        if progress is not None:
            progress.close()
    document = collection.document()
    result = evaluate_document(
        document,
        endpoint=endpoint,
        config=config,
        registry=registry,
        policies=policies,
        baseline=baseline,
        repository_config_ignored=not options.repository_config and options.config is None,
    )
    warn_if_stale(result.registry)
    if options.save is not None:
        save(document, options.save)
    write_reports(result, targets, options.color, lambda _colored: coverage_table(collection))
    return exit_code(result, options.fail_on or config.fail_on or "low")


def evaluate_document(document: dict[str, Any], *, endpoint: str, **kwargs: Any) -> ScanResult:
    """The live scan's document, read as `hdslint scan` reads its saved copy."""
    from hdslint.sources.exports.azure import read_document

    def locate(rid: str) -> Location:
        return Location(api_call=GRAPH_CALL if rid.startswith("/") else SUBSCRIPTION_CALL)

    source = read_document(
        document, f"azure:{urlsplit(endpoint).hostname}", locate=locate, source="azure"
    )
    return evaluate(
        source.resources,
        source.edges,
        source.errors,
        inputs=[f"azure:{urlsplit(endpoint).hostname}"],
        **kwargs,
    )


def save(document: dict[str, Any], path: Path) -> None:
    import json

    save_inventory(json.dumps(document, indent=2, ensure_ascii=False) + "\n", path)


def coverage_table(collection: AzureCollection) -> str:
    """Each subscription: read (with its resources) or not read (with the reason)."""
    from hdslint.printable import printable

    rows = [("subscription", "name", "status", "resources / reason")]
    for sub in collection.subscriptions:
        detail = str(sub.resources) if sub.status == "read" else str(sub.reason)
        rows.append((sub.id, printable(sub.name), sub.status.replace("_", " "), printable(detail)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["Azure coverage"]
    for row in rows:
        lines.append(
            "  "
            + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3]))
            + "  "
            + row[3]
        )
    read = sum(1 for s in collection.subscriptions if s.status == "read")
    elapsed = (collection.finished_at - collection.started_at).total_seconds()
    lines.append(
        f"{read} of {len(collection.subscriptions)} subscriptions read through"
        f" {collection.endpoint}: {len(collection.items)} resources, {collection.calls} API"
        f" calls in {elapsed:.1f} s"
    )
    if collection.incomplete:
        lines.append(f"Incomplete: {collection.incomplete}")
    return "\n".join(lines) + "\n"
