"""`hdslint gcp`: read a live Google Cloud organization, folder or project read-only through
Cloud Asset Inventory, evaluate it, optionally save it.

The Cloud Asset client is imported only once the command has checked its arguments: a plain
`pip install hdslint` leaves it out (it comes with the `gcp` extra). The assets go through
the offline reader of Cloud Asset Inventory exports, as the document --save writes: a live
scan and `hdslint scan` of its inventory agree.
"""

from __future__ import annotations

import os
import re
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
from hdslint.reporters.summary import by_account
from hdslint.scan import ScanResult, evaluate
from hdslint.sources.exports.gcpinventory import GAP_TYPE, read_document

if TYPE_CHECKING:
    from hdslint.sources.gcp.live import GcpCollection

SDK_MISSING = (
    "hdslint gcp needs the Cloud Asset client, which a plain `pip install hdslint` leaves out:"
    " pip install 'hdslint[gcp]'"
)
PUBLIC_ENDPOINT = "https://cloudasset.googleapis.com"
DEFAULT_DEADLINE_SECONDS = 900
API_CALL = "cloudasset.assets.listResource"

# What each option names: organization and folder numbers, project ids or numbers.
_NUMBER = re.compile(r"[0-9]{1,30}")
_PROJECT = re.compile(r"[a-z][a-z0-9-]{4,28}[a-z0-9]|[0-9]{1,30}")


@dataclass(frozen=True)
class GcpOptions(LiveOptions):
    organizations: tuple[str, ...] = ()
    folders: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    endpoint: str | None = None


def require_sdk() -> None:
    try:
        import google.cloud.asset_v1  # noqa: F401
    except ModuleNotFoundError:
        raise HdslintError(SDK_MISSING) from None


def scopes(options: GcpOptions) -> tuple[str, ...]:
    """`organizations/ID`, `folders/ID`, `projects/ID`, in that order, or a usage error."""
    out: list[str] = []
    for option, kind, values, pattern, example in (
        ("--organization", "organizations", options.organizations, _NUMBER, "123456789012"),
        ("--folder", "folders", options.folders, _NUMBER, "345678901234"),
        ("--project", "projects", options.projects, _PROJECT, "ehr-prod"),
    ):
        for value in values:
            bare = value.removeprefix(f"{kind}/")
            if not pattern.fullmatch(bare):
                what = {"organizations": "an organization number", "folders": "a folder number"}
                raise HdslintError(
                    f"{option} {value}: not {what.get(kind, 'a project id')} (e.g. {example})"
                )
            out.append(f"{kind}/{bare}")
    if not out:
        raise HdslintError(
            "name what to read: --organization ID, --folder ID or --project ID (repeatable)"
        )
    return tuple(dict.fromkeys(out))


def terminal_progress(stream: IO[str]) -> TerminalProgress:
    """How many scopes are read, on a status line."""
    return TerminalProgress(stream, "gcp", lambda assets: (f"scopes read, {assets} assets", None))


def run(options: GcpOptions, *, credentials: Any = None) -> int:
    """Read the scopes, write the reports (and the inventory), return the exit code.
    `credentials`: google-auth credentials to use instead of Application Default
    Credentials (library use and tests)."""
    targets = report_targets(options.formats, options.outputs, os.environ)
    wanted = scopes(options)
    endpoint = check_endpoint(
        options.endpoint,
        default=PUBLIC_ENDPOINT,
        refusal="not a Cloud Asset API endpoint (https://HOST, e.g. https://cloudasset.googleapis.com)",
    )
    require_sdk()
    rules = prepare(options, targets)

    from hdslint.sources.gcp.live import GcpScanSettings, collect

    settings = GcpScanSettings(
        scopes=wanted, endpoint=endpoint, deadline=options.deadline or DEFAULT_DEADLINE_SECONDS
    )
    with progress_shown(options.quiet, terminal_progress) as progress:
        collection = collect(settings, credentials=credentials, progress=progress)
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
    where = Location(api_call=API_CALL)
    name = f"gcp:{urlsplit(endpoint).hostname}"
    source = read_document(
        document,
        name,
        locate=lambda _index, _name: where,
        locate_scope=lambda _scope: where,
        source="gcp",
    )
    return evaluate(source.resources, source.edges, source.errors, inputs=[name], **kwargs)


def coverage_table(collection: GcpCollection, result: ScanResult) -> str:
    """Each scope: read (a row for each project its assets are in, with its resources and
    findings) or not read (the reason); the text summary leaves its by-account lines to this
    table."""
    counts = account_columns(result)
    resources = {row.account.lower(): row.resources for row in by_account(result)}
    rows = [
        (
            "scope",
            "project",
            "status",
            "resources",
            "failed",
            "to confirm",
            "not evaluated",
            "reason",
        )
    ]
    shown: set[str] = set()
    for scope in collection.scopes:
        if scope.status != "read":
            shown.add(scope.id.lower())
            reason = printable(str(scope.reason))
            gaps = sum(
                1
                for f in result.findings
                if f.suppression is None and f.resource.id == f"gcp:scope:{scope.id}"
            )
            rows.append((printable(scope.id), "-", "not read", "-", "0", "0", str(gaps), reason))
            continue
        for number, project in enumerate(scope.projects or ("-",)):
            shown.add(project.lower())
            rows.append(
                (
                    printable(scope.id) if number == 0 else "",
                    printable(project),
                    "read",
                    str(resources.get(project.lower(), 0)),
                    *counts(project),
                    "",
                )
            )
    # Resources in no scope's project (an asset without ancestors): counted all the same;
    # the gap of a folder or organization not read is in its scope's row.
    gaps_only = all(r.type == GAP_TYPE for r in result.graph if not r.account)
    for row in by_account(result):
        if row.account == "-" and gaps_only:
            continue
        if row.account.lower() not in shown:
            rows.append(
                ("-", printable(row.account), "read", str(row.resources), *counts(row.account), "")
            )
    read = sum(1 for s in collection.scopes if s.status == "read")
    elapsed = (collection.finished_at - collection.started_at).total_seconds()
    return coverage_text(
        "Google Cloud coverage, by scope and project",
        rows,
        f"{read} of {len(collection.scopes)} scopes read through {collection.endpoint}:"
        f" {len(collection.assets)} assets, {collection.calls} API calls in {elapsed:.1f} s",
        collection.incomplete,
    )
