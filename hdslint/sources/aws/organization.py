"""An AWS Organization, read account by account: `hdslint aws --org --role-name NAME`.

From the management account (or a delegated administrator), `organizations:ListAccounts`
lists the member accounts; in each active one, hdslint assumes `arn:<partition>:iam::<id>:
role/<NAME>` and reads it exactly as a single-account scan does (the collector, with its own
read-only guard). Accounts are read a few at a time; the scan's deadline covers them all.

Only these calls are made with the caller's own credentials, and a guard refuses any other:
`sts:GetCallerIdentity`, `organizations:ListAccounts` and `sts:AssumeRole`. AssumeRole
writes nothing: it returns temporary credentials for a session whose rights are the role's
(a read-only role: `hdslint aws --iam-policy`), and no resource of any account changes.

An account that cannot be entered (the role is missing, its trust policy or an SCP refuses
the caller, the deadline passed) is never skipped: it is kept with the reason, and becomes a
not-evaluated finding (HDS-EVAL-001).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import boto3
import botocore.session

from hdslint.errors import HdslintError
from hdslint.sources.aws import coverage as cov
from hdslint.sources.aws.collector import AwsScanSettings, Collection, Progress, collect
from hdslint.sources.aws.regions import known_regions
from hdslint.sources.aws.session import (
    API_ERRORS,
    AwsAccessError,
    ClientCache,
    Identity,
    ReadOnlyViolation,
    assume_role,
    caller_identity,
    client_config,
    guard_read_only,
    open_session,
    session_region,
)

# The calls made with the caller's credentials (each account's own reads are the
# collector's, guarded in their own sessions).
ORGANIZATION_OPERATIONS: frozenset[tuple[str, str]] = frozenset(
    {
        ("sts", "GetCallerIdentity"),
        ("organizations", "ListAccounts"),
        ("sts", "AssumeRole"),
    }
)
ORGANIZATION_IAM_ACTIONS = ("organizations:ListAccounts", "sts:AssumeRole")

# Accounts read at once. Each account's reads share the `--workers` budget, so that the
# calls in flight stay about `--workers` in all.
ACCOUNTS_AT_ONCE = 4

ACTIVE = "ACTIVE"
SESSION_NAME = "hdslint"

# An IAM role name, with its path if any (what follows `:role/` in the role's ARN).
ROLE_NAME = re.compile(r"[\w+=,.@-]+(?:/[\w+=,.@-]+)*")
ACCOUNT_ID = re.compile(r"\d{12}")


@dataclass(frozen=True)
class Account:
    id: str
    name: str = ""
    status: str = ACTIVE  # as ListAccounts says: ACTIVE, SUSPENDED, PENDING_CLOSURE


@dataclass(frozen=True)
class AccountScan:
    """One account of the organization: read (`collection`), or not entered (`failure`:
    why, as `(code, message)`), or not read because it is not active (`skipped`)."""

    account: Account
    role_arn: str
    collection: Collection | None = None
    failure: tuple[str, str] | None = None
    skipped: bool = False


@dataclass(frozen=True)
class OrganizationSettings:
    scan: AwsScanSettings
    role_name: str
    # Only these accounts (--accounts); with `list_accounts` False they are entered without
    # asking Organizations which accounts exist.
    accounts: tuple[str, ...] = ()
    list_accounts: bool = True


@dataclass
class OrganizationCollection:
    identity: Identity  # the caller, in the management (or delegated administrator) account
    accounts: list[AccountScan]
    started_at: dt.datetime
    finished_at: dt.datetime


# (account scan just finished, accounts finished, accounts in all)
AccountProgress = Callable[[AccountScan, int, int], None]


def check_role_name(name: str) -> None:
    if not ROLE_NAME.fullmatch(name):
        raise HdslintError(f"--role-name {name}: not an IAM role name (e.g. hdslint-audit)")


def check_account_ids(ids: Sequence[str]) -> None:
    for account in ids:
        if not ACCOUNT_ID.fullmatch(account):
            raise HdslintError(f"--accounts {account}: not an AWS account id (12 digits)")


def role_arn(partition: str, account: str, role_name: str) -> str:
    return f"arn:{partition}:iam::{account}:role/{role_name}"


def collect_organization(
    settings: OrganizationSettings,
    *,
    session: boto3.Session | None = None,
    on_account: AccountProgress | None = None,
    progress: Progress | None = None,
) -> OrganizationCollection:
    started = dt.datetime.now(dt.UTC)
    began = time.monotonic()
    scan = settings.scan
    session = session or open_session(scan)
    home = session_region(session, scan.regions, known_regions(session))
    config = client_config(session, scan)
    if scan.role_arn:  # into the management (or delegated administrator) account first
        assume_role(session, scan.role_arn, home, config)
    guard_read_only(session, ORGANIZATION_OPERATIONS)
    clients = ClientCache(session, config)
    identity = caller_identity(clients, home)
    accounts = _accounts(settings, clients, home)
    scans: list[AccountScan | None] = [None] * len(accounts)
    done = 0
    lock = threading.Lock()
    at_once = max(1, min(ACCOUNTS_AT_ONCE, len(accounts)))
    per_account = replace(scan, role_arn=None, workers=max(1, scan.workers // at_once))

    def read(index: int) -> None:
        nonlocal done
        account = accounts[index]
        arn = role_arn(identity.partition, account.id, settings.role_name)
        left = None if scan.deadline is None else scan.deadline - (time.monotonic() - began)
        result = _read_account(
            session, clients, account, arn, home, replace(per_account, deadline=left), progress
        )
        with lock:
            scans[index] = result
            done += 1
            if on_account is not None:
                on_account(result, done, len(accounts))

    with ThreadPoolExecutor(max_workers=at_once, thread_name_prefix="hdslint-account") as pool:
        for future in [pool.submit(read, i) for i in range(len(accounts))]:
            future.result()
    return OrganizationCollection(
        identity=identity,
        accounts=[s for s in scans if s is not None],
        started_at=started,
        finished_at=dt.datetime.now(dt.UTC),
    )


def _accounts(settings: OrganizationSettings, clients: ClientCache, home: str) -> list[Account]:
    """The accounts to read, in the organization's order (or the order asked)."""
    if not settings.list_accounts:
        return [Account(account) for account in dict.fromkeys(settings.accounts)]
    listed: list[Account] = []
    try:
        pages = clients.get("organizations", home).get_paginator("list_accounts").paginate()
        for page in pages:
            listed.extend(
                Account(str(a["Id"]), str(a.get("Name") or ""), str(a.get("Status") or ""))
                for a in page.get("Accounts") or ()
            )
    except API_ERRORS as exc:
        _status, code, message = cov.classify_exception(exc)
        raise AwsAccessError(
            f"cannot list the organization's accounts (organizations:ListAccounts): {code}"
            + (f": {message}" if message else "")
            + "; run from the management account or a delegated administrator,"
            " or name the accounts with --accounts without --org"
        ) from None
    if not settings.accounts:
        return listed
    by_id = {a.id: a for a in listed}
    # An id asked for that the organization does not list is kept: it is reported as not
    # entered (never silently dropped).
    return [by_id.get(account, Account(account, status="")) for account in settings.accounts]


def _read_account(
    parent: boto3.Session,
    clients: ClientCache,
    account: Account,
    arn: str,
    home: str,
    settings: AwsScanSettings,
    progress: Progress | None,
) -> AccountScan:
    if account.status == "":
        return AccountScan(
            account,
            arn,
            failure=("NotInOrganization", "organizations:ListAccounts does not list it"),
        )
    if account.status != ACTIVE:
        return AccountScan(account, arn, skipped=True)
    if settings.deadline is not None and settings.deadline <= 0:
        return AccountScan(
            account, arn, failure=("DeadlineExceeded", "not read within the scan's deadline")
        )
    try:
        answer = clients.get("sts", home).assume_role(RoleArn=arn, RoleSessionName=SESSION_NAME)
    except (*API_ERRORS, ReadOnlyViolation) as exc:
        _status, code, message = cov.classify_exception(exc)
        return AccountScan(account, arn, failure=(code, f"cannot assume {arn}: {message}"))
    credentials = answer["Credentials"]
    try:
        collection = collect(
            settings, session=_account_session(parent, credentials), progress=progress
        )
    except HdslintError as exc:
        return AccountScan(account, arn, failure=("ReadFailed", exc.message))
    return AccountScan(account, arn, collection=collection)


def _account_session(parent: boto3.Session, credentials: dict[str, str]) -> boto3.Session:
    """A session in the member account: the caller's profile settings (region, endpoints,
    retries) with the role's credentials. The model loader is shared: each service model
    is read from disk once for all accounts."""
    core = botocore.session.Session(profile=parent._session.profile)
    core.register_component("data_loader", parent._session.get_component("data_loader"))
    core.set_credentials(
        credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"]
    )
    return boto3.Session(botocore_session=core)
