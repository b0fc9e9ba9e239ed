"""The boto3 side of the AWS scan: one session, its identity, shared clients, and a guard
that refuses any call the scan does not declare.

Credentials come from the standard boto3 chain (environment, profile, SSO, instance role),
optionally exchanged for a role with `--role-arn`. Endpoints are boto3's own, so
`AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` work as boto3 defines them. Sessions are
not thread-safe, clients are: clients are created under a lock, once per (service, region),
and shared by the worker threads.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ProfileNotFound
from botocore.parsers import ResponseParserError

from hdslint import __version__
from hdslint.errors import HdslintError
from hdslint.sources.aws.coverage import DEFAULT_DEADLINE_SECONDS

# What a failed API call can raise: an error answer, a client-side failure (no endpoint,
# timeout), or an answer that cannot be parsed (botocore does not derive that one from
# BotoCoreError).
API_ERRORS = (ClientError, BotoCoreError, ResponseParserError)

# Few attempts and short timeouts: a silent or hanging endpoint costs seconds, not minutes
# (with 8 attempts, 10 s to connect and 60 s to read, one silent endpoint cost 8 minutes).
# Throttling is retried with the standard mode's back-off; the scan's deadline bounds the
# rest (coverage.DEFAULT_DEADLINE_SECONDS).
DEFAULT_MAX_ATTEMPTS = 4
DEFAULT_RETRY_MODE = "standard"
CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 20
# Where session calls go when nothing says which region to use.
FALLBACK_REGION = "us-east-1"


class AwsAccessError(HdslintError):
    """The scan cannot start: no credentials, a profile that does not exist, a role that
    cannot be assumed, an account whose regions cannot be listed."""


class ReadOnlyViolation(RuntimeError):
    """hdslint tried to call an operation it does not declare: a bug, never sent."""


@dataclass(frozen=True)
class Identity:
    account: str
    partition: str
    arn: str


@dataclass(frozen=True)
class SessionSettings:
    profile: str | None = None
    role_arn: str | None = None
    workers: int = 16
    # None: AWS_MAX_ATTEMPTS / the profile's max_attempts when set, else DEFAULT_MAX_ATTEMPTS.
    max_attempts: int | None = None
    # Seconds the reads may take in all (--deadline); None: no limit.
    deadline: float | None = DEFAULT_DEADLINE_SECONDS


def open_session(settings: SessionSettings) -> boto3.Session:
    try:
        core = botocore.session.Session(profile=settings.profile)
        core.get_scoped_config()  # raises ProfileNotFound now rather than mid-scan
    except ProfileNotFound as exc:
        raise AwsAccessError(f"AWS profile not found: {exc.kwargs.get('profile')}") from None
    return boto3.Session(botocore_session=core)


def session_region(session: boto3.Session, requested: Sequence[str], known: Collection[str]) -> str:
    """Where the session calls (who am I, which regions) go: the configured region, else the
    first region asked for that botocore knows, else us-east-1. (Organisations often deny
    every region outside their own: a region the user chose is the safest place to call.)"""
    configured = session.region_name
    if configured:
        return str(configured)
    return next((r for r in requested if r in known), FALLBACK_REGION)


def client_config(session: boto3.Session, settings: SessionSettings) -> Config:
    core = session._session  # the botocore session: boto3 exposes no public accessor
    attempts = settings.max_attempts
    if attempts is None:
        configured = core.get_config_variable("max_attempts")
        attempts = int(configured) if configured else DEFAULT_MAX_ATTEMPTS
    mode = core.get_config_variable("retry_mode") or DEFAULT_RETRY_MODE
    return Config(
        retries={"mode": mode, "total_max_attempts": max(1, attempts)},
        max_pool_connections=max(10, settings.workers),
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        user_agent_extra=f"hdslint/{__version__}",
    )


def assume_role(session: boto3.Session, role_arn: str, region: str, config: Config) -> None:
    """Replace the session's credentials with the role's (one hour, the AWS default)."""
    sts = make_client(session, "sts", region, config)
    try:
        answer = sts.assume_role(RoleArn=role_arn, RoleSessionName="hdslint")
    except API_ERRORS as exc:
        raise AwsAccessError(f"cannot assume role {role_arn}: {_describe(exc)}") from None
    creds = answer["Credentials"]
    session._session.set_credentials(
        creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]
    )


class AwsEndpointError(HdslintError):
    """An endpoint URL (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, a profile's
    endpoint_url) that is not a URL: a usage error, found before anything is sent."""


def make_client(session: boto3.Session, service: str, region: str, config: Config) -> Any:
    try:
        return session.client(service, region_name=region, config=config)
    except ValueError as exc:
        # botocore checks the endpoint URL when it makes the client, with a ValueError.
        if not str(exc).startswith("Invalid endpoint"):
            raise
        url = str(exc).partition(":")[2].strip()
        raise AwsEndpointError(
            f"invalid AWS endpoint URL {url!r} (from {_endpoint_origin(service)}):"
            " expected a URL such as https://host:port"
        ) from None


def _endpoint_origin(service: str) -> str:
    specific = "AWS_ENDPOINT_URL_" + service.upper().replace("-", "_")
    for name in (specific, "AWS_ENDPOINT_URL"):
        if os.environ.get(name):
            return name
    return "the AWS profile's endpoint_url"


def guard_read_only(session: boto3.Session, allowed: Collection[tuple[str, str]]) -> None:
    """Refuse, before anything is sent, every operation the scan does not declare. The
    declared ones are all List/Describe/Get calls (tests check it)."""
    permitted = frozenset(allowed)

    def check(model: Any, **_: Any) -> None:
        key = (model.service_model.service_name, model.name)
        if key not in permitted:
            raise ReadOnlyViolation(f"refused to call {key[0]}:{key[1]}: not a declared read")

    session.events.register("before-call", check)


class ClientCache:
    """One client per (service, region), created on first use under a lock."""

    def __init__(self, session: boto3.Session, config: Config) -> None:
        self._session = session
        self._config = config
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], Any] = {}

    def get(self, service: str, region: str) -> Any:
        key = (service, region)
        client = self._clients.get(key)
        if client is not None:
            return client
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = make_client(self._session, service, region, self._config)
                self._clients[key] = client
        return client

    def __len__(self) -> int:
        return len(self._clients)


def caller_identity(clients: ClientCache, region: str) -> Identity:
    try:
        answer = clients.get("sts", region).get_caller_identity()
    except API_ERRORS as exc:
        raise AwsAccessError(f"cannot authenticate to AWS: {_describe(exc)}") from None
    arn = str(answer["Arn"])
    return Identity(account=str(answer["Account"]), partition=arn.split(":")[1], arn=arn)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code')}: {error.get('Message')}"
    # Some messages span lines ("Parameter validation failed:\nInvalid length for ..."):
    # one line, with all of them.
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return " ".join(lines) if lines else type(exc).__name__
