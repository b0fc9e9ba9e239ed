"""`hdslint aws --org --role-name NAME` (or `--accounts ID,...`): every account of an AWS
Organization, read through a role, evaluated as one estate, reported (and saved) together.

Each read account is a single-account scan (its coverage, its gaps); an account that could
not be entered is a not-evaluated finding with the reason. Gap ids name their account, so
that the same unread (service, region) in two accounts stays two findings.
"""

from __future__ import annotations

import os
import sys
from typing import IO, TYPE_CHECKING, Any

from hdslint import __version__
from hdslint.commands.aws import inventory_document as account_document
from hdslint.commands.aws import iso_utc, scan_settings, terminal_progress
from hdslint.commands.live import account_columns, aligned, finish, prepare, progress_shown
from hdslint.commands.scan import report_targets
from hdslint.errors import HdslintError
from hdslint.model import Edge, InputError, Resource
from hdslint.policy import Policy
from hdslint.registry import Registry
from hdslint.reporters.colors import BOLD, BOLD_RED, DIM, GREEN, paint
from hdslint.scan import ScanResult, evaluate
from hdslint.sources.aws.coverage import OK, account_gap, gap_resources, in_account, nothing_read
from hdslint.sources.aws.normalise import normalise
from hdslint.sources.inventory import FORMAT_VERSION, ORGANIZATION_SOURCE, dumps

if TYPE_CHECKING:
    from hdslint.commands.aws import AwsOptions
    from hdslint.config import Config
    from hdslint.sources.aws.organization import AccountScan, OrganizationCollection
    from hdslint.suppressions.baseline import Baseline


def run(options: AwsOptions, *, session: Any = None) -> int:
    from hdslint.sources.aws.organization import (
        OrganizationSettings,
        check_account_ids,
        check_role_name,
        collect_organization,
    )

    if not options.role_name:
        raise HdslintError("--org and --accounts need --role-name: the role to assume in each")
    check_role_name(options.role_name)
    check_account_ids(options.accounts)
    targets = report_targets(options.formats, options.outputs, os.environ)
    rules = prepare(options, targets)
    settings = OrganizationSettings(
        scan=scan_settings(options),
        role_name=options.role_name,
        accounts=options.accounts,
        list_accounts=options.organization,
    )
    role_name = options.role_name
    with progress_shown(options.quiet, terminal_progress) as progress:
        announce = None if options.quiet else AccountLines(sys.stderr)
        org = collect_organization(
            settings, session=session, on_account=announce, progress=progress
        )
    result = evaluate_organization(org, **rules.keywords())
    return finish(
        result,
        options,
        rules,
        targets,
        inventory=lambda: inventory_text(org, role_name=role_name, role_arn=options.role_arn),
        coverage=lambda colored: coverage_table(org, result, color=colored),
        accounts_in_coverage=True,
    )


class AccountLines:
    """One line on standard error per account, as each ends (read, not entered, skipped)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def __call__(self, scan: AccountScan, done: int, total: int) -> None:
        self.stream.write(f"hdslint aws: account {done}/{total} {_named(scan)}: {_state(scan)}\n")
        self.stream.flush()


def _named(scan: AccountScan) -> str:
    return f"{scan.account.id} ({scan.account.name})" if scan.account.name else scan.account.id


def _state(scan: AccountScan) -> str:
    if scan.collection is not None:
        entries = scan.collection.coverage
        full = sum(1 for e in entries if e.status == OK)
        return f"read, {full} of {len(entries)} service-region pairs in full"
    if scan.failure is not None:
        code, message = scan.failure
        return f"not entered: {code}: {message}"
    return f"not read: the account is {scan.account.status}"


def evaluate_organization(
    org: OrganizationCollection,
    *,
    config: Config,
    registry: Registry,
    policies: list[Policy],
    baseline: Baseline | None = None,
    repository_config_ignored: bool = False,
) -> ScanResult:
    resources: list[Resource] = []
    edges: list[Edge] = []
    errors: list[InputError] = []
    for scan in org.accounts:
        account = scan.account.id
        if scan.collection is not None:
            found, links = normalise(scan.collection.records, scan.collection.links)
            resources += in_account(found, account)
            edges += links
            coverage = scan.collection.coverage
            resources += gap_resources(coverage, account=account, source="aws", qualified=True)
            silence = nothing_read(coverage)
            if silence:
                errors.append(InputError(f"aws:{account}", silence))
        elif scan.failure is not None:
            code, message = scan.failure
            resources.append(account_gap(account, scan.account.name, code, message, source="aws"))
    if not any(scan.collection is not None for scan in org.accounts):
        errors.append(InputError(f"aws:{org.identity.account}", NO_ACCOUNT_READ))
    return evaluate(
        resources,
        edges,
        errors,
        config=config,
        registry=registry,
        policies=policies,
        inputs=[f"aws:{scan.account.id}" for scan in org.accounts],
        baseline=baseline,
        repository_config_ignored=repository_config_ignored,
    )


NO_ACCOUNT_READ = (
    "no account of the organization was read (each one is listed as not evaluated, with why)"
)


def inventory_document(
    org: OrganizationCollection, *, role_name: str, role_arn: str | None = None
) -> dict[str, Any]:
    """One file for the whole organization: each read account's inventory as
    `hdslint aws --save` writes it for one account, and why the others were not read."""
    accounts = []
    for scan in org.accounts:
        entry: dict[str, Any] = {
            "id": scan.account.id,
            "name": scan.account.name,
            "status": scan.account.status,
            "role_arn": scan.role_arn,
        }
        if scan.collection is not None:
            entry["outcome"] = "read"
            entry["inventory"] = account_document(scan.collection, role_arn=scan.role_arn)
        elif scan.failure is not None:
            entry["outcome"] = "not_entered"
            entry["code"], entry["message"] = scan.failure
        else:
            entry["outcome"] = "not_active"
        accounts.append(entry)
    return {
        "hdslint_inventory": FORMAT_VERSION,
        "hdslint_version": __version__,
        "source": ORGANIZATION_SOURCE,
        "created_at": iso_utc(org.started_at),
        "completed_at": iso_utc(org.finished_at),
        "organization": {
            "caller_account": org.identity.account,
            "partition": org.identity.partition,
            "caller_arn": org.identity.arn,
            "caller_role_arn": role_arn,
            "role_name": role_name,
        },
        "accounts": accounts,
    }


def inventory_text(
    org: OrganizationCollection, *, role_name: str, role_arn: str | None = None
) -> str:
    return dumps(inventory_document(org, role_name=role_name, role_arn=role_arn))


def coverage_table(org: OrganizationCollection, result: ScanResult, *, color: bool) -> str:
    """One row per account: its findings (failed, to confirm, not evaluated) and whether it
    was read (how much in full), not entered (why), or not active; the text summary leaves
    its by-account lines to this table."""
    counts = account_columns(result)
    rows = [("account", "name", "failed", "to confirm", "not evaluated", "state")]
    for scan in org.accounts:
        name = scan.account.name or "-"
        rows.append((scan.account.id, name, *counts(scan.account.id), _state(scan)))
    lines = [paint("Coverage: what was read, by account", BOLD, color)]
    for number, (row, line) in enumerate(zip(rows, aligned(rows), strict=True)):
        state = row[-1]
        if number and not state.startswith("read"):
            lines.append(paint(line, BOLD_RED if state.startswith("not entered") else DIM, color))
        else:
            lines.append(line)
    read = sum(1 for s in org.accounts if s.collection is not None)
    refused = sum(1 for s in org.accounts if s.failure is not None)
    total = len(org.accounts)
    summary = f"{read} of {total} accounts read" + (f"; {refused} not entered" if refused else "")
    lines.append(paint(summary, BOLD_RED if refused else GREEN, color))
    calls = sum(s.collection.calls for s in org.accounts if s.collection is not None)
    elapsed = (org.finished_at - org.started_at).total_seconds()
    lines.append(
        paint(
            f"Organization read as {org.identity.arn}: {calls} API calls in the accounts"
            f" in {elapsed:.1f} s",
            DIM,
            color,
        )
    )
    return "\n".join(lines) + "\n"
