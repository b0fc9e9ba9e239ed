"""`hdslint azure`: read live Azure subscriptions read-only, evaluate them, optionally save.

The Azure SDK is imported only once the command has checked its arguments: a plain
`pip install hdslint` leaves it out (it comes with the `azure` extra). The resources go
through the offline reader of Resource Graph answers (`hdslint.sources.exports.azure`), as
the document --save writes: a live scan and `hdslint scan` of its inventory agree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlsplit

from hdslint.commands.live import (
    LiveOptions,
    TerminalProgress,
    account_columns,
    check_endpoint,
    coverage_text,
    document_text,
    finish,
    prepare,
    progress_shown,
)
from hdslint.commands.scan import report_targets
from hdslint.errors import HdslintError
from hdslint.model import Location
from hdslint.printable import printable
from hdslint.scan import ScanResult, evaluate
from hdslint.sources.exports.azure import read_document, subscription_id_problem

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
class AzureOptions(LiveOptions):
    subscriptions: tuple[str, ...] = ()
    endpoint: str | None = None


def require_sdk() -> None:
    """A usage error (exit 2) naming what to install, before anything imports the SDK."""
    try:
        import azure.identity
        import azure.mgmt.resourcegraph  # noqa: F401
    except ModuleNotFoundError:
        raise HdslintError(SDK_MISSING) from None


def check_subscriptions(ids: tuple[str, ...]) -> None:
    for sid in ids:
        problem = subscription_id_problem(sid)
        if problem:
            raise HdslintError(f"--subscriptions {sid}: {problem}")


def terminal_progress(stream: IO[str]) -> TerminalProgress:
    """How many subscriptions are read, on a status line."""
    return TerminalProgress(
        stream, "azure", lambda resources: (f"subscriptions queried, {resources} resources", None)
    )


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
    rules = prepare(options, targets)

    from hdslint.sources.azure.live import AzureScanSettings, collect

    settings = AzureScanSettings(
        endpoint=endpoint,
        subscriptions=options.subscriptions,
        deadline=options.deadline or DEFAULT_DEADLINE_SECONDS,
    )
    with progress_shown(options.quiet, terminal_progress) as progress:
        collection = collect(
            settings, credential=credential, progress=progress, transport=transport
        )
    document = collection.document()
    result = evaluate_document(document, endpoint=endpoint, **rules.keywords())
    return finish(
        result,
        options,
        rules,
        targets,
        inventory=lambda: document_text(document),
        coverage=lambda _colored: coverage_table(collection, result),
        accounts_in_coverage=True,
    )


def evaluate_document(document: dict[str, Any], *, endpoint: str, **kwargs: Any) -> ScanResult:
    """The live scan's document, read as `hdslint scan` reads its saved copy."""

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


def coverage_table(collection: AzureCollection, result: ScanResult) -> str:
    """Each subscription: read (its resources and its findings) or not read (the reason);
    the text summary leaves its by-account lines to this table."""
    counts = account_columns(result)
    rows = [
        (
            "subscription",
            "name",
            "status",
            "resources",
            "failed",
            "to confirm",
            "not evaluated",
            "reason",
        )
    ]
    for sub in collection.subscriptions:
        was_read = sub.status == "read"
        rows.append(
            (
                sub.id,
                printable(sub.name),
                sub.status.replace("_", " "),
                str(sub.resources) if was_read else "-",
                *counts(sub.id),
                "" if was_read else printable(str(sub.reason)),
            )
        )
    read = sum(1 for s in collection.subscriptions if s.status == "read")
    elapsed = (collection.finished_at - collection.started_at).total_seconds()
    return coverage_text(
        "Azure coverage, by subscription",
        rows,
        f"{read} of {len(collection.subscriptions)} subscriptions read through"
        f" {collection.endpoint}: {len(collection.items)} resources, {collection.calls} API"
        f" calls in {elapsed:.1f} s",
        collection.incomplete,
    )
