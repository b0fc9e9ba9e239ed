"""The Azure reads of `hdslint azure`, through the Azure SDK, read-only.

Two reads, and nothing else:
- the subscriptions: `GET /subscriptions` (every one the credential can read), or
  `GET /subscriptions/{id}` for each of `--subscriptions`;
- their resources: one Resource Graph query, `POST /providers/Microsoft.ResourceGraph/resources`
  (a POST that reads), over at most 1000 subscriptions at a time (Resource Graph's limit),
  every page followed by its `$skipToken`.

A guard on the transport refuses any other request before it leaves the machine, whatever
the SDK's own policies would send (ARM's SDKs register a resource provider after a
"MissingSubscriptionRegistration" answer: a write). When a query over several subscriptions
fails, each is queried alone, so that the ones that refuse are told apart from the ones that
read; those are reported as not read, with the reason. Every request has a short timeout,
and the whole read a deadline: what is not read by then is not read, and says so.

Secret values never leave this module: each resource passes through the one redaction rule
(`hdslint.redaction`) before it is kept; access tokens stay inside the SDK's pipeline.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from azure.core import PipelineClient
from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    HttpResponseError,
)
from azure.core.pipeline import policies
from azure.core.pipeline.transport import HttpTransport, RequestsTransport
from azure.core.rest import HttpRequest

from hdslint import __version__
from hdslint.errors import HdslintError
from hdslint.redaction import redact_values
from hdslint.sources.exports.azure import NOT_READ, READ, SUBSCRIPTION_ID
from hdslint.sources.exports.types import PROVENANCE

PUBLIC_ENDPOINT = "https://management.azure.com"
SUBSCRIPTIONS_API_VERSION = "2022-12-01"
GRAPH_API_VERSION = "2022-10-01"
# What the offline reader needs of each resource; `order by` keeps the inventory stable.
QUERY = (
    "Resources | project id, name, type, location, kind, sku, tags, resourceGroup,"
    " subscriptionId, properties | order by id asc"
)
PAGE_SIZE = 1000
SUBSCRIPTIONS_PER_QUERY = 1000
CONNECT_TIMEOUT_SECONDS = 10
READ_TIMEOUT_SECONDS = 60
RETRIES = 3
DEFAULT_DEADLINE_SECONDS = 900
# Bounds on what one scan reads, whatever the service answers.
MAX_PAGES = 5000
MAX_SUBSCRIPTION_PAGES = 200

_ONE_SUBSCRIPTION = re.compile(r"/subscriptions/[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}")
GRAPH_PATH = "/providers/Microsoft.ResourceGraph/resources"

# The documented reads, as (method, path) and what they are called in reports.
READS = (
    ("GET", "/subscriptions", "Microsoft.Resources/subscriptions/read"),
    ("GET", "/subscriptions/{subscriptionId}", "Microsoft.Resources/subscriptions/read"),
    ("POST", GRAPH_PATH, "Microsoft.ResourceGraph/resources/read"),
)


class ReadOnlyViolation(RuntimeError):
    """A request that is not one of the documented reads, never sent: the read that led to
    it (an answer redirecting elsewhere, the SDK's own follow-up) is reported as not read."""


def _refused(exc: ReadOnlyViolation) -> ReadFailed:
    return ReadFailed(f"hdslint {exc} (hdslint sends only the reads it documents)")


def is_read(method: str, url: str, endpoint: str) -> bool:
    """Whether a request is one of READS, to the endpoint being scanned."""
    parts, base = urlsplit(url), urlsplit(endpoint)
    if (parts.scheme.lower(), parts.netloc.lower()) != (base.scheme.lower(), base.netloc.lower()):
        return False
    path = parts.path.rstrip("/").lower()
    if method.upper() == "GET":
        return path == "/subscriptions" or _ONE_SUBSCRIPTION.fullmatch(path) is not None
    if method.upper() == "POST":
        return path == GRAPH_PATH.lower()
    return False


class ReadOnlyTransport(HttpTransport):  # type: ignore[type-arg]
    """The transport every request of the scan goes through: it refuses what is not a read,
    and counts the calls."""

    def __init__(self, inner: Any, endpoint: str) -> None:
        self.inner = inner
        self.endpoint = endpoint
        self.calls = 0
        self.last_error: str | None = None

    def send(self, request: Any, **kwargs: Any) -> Any:
        if not is_read(str(request.method), str(request.url), self.endpoint):
            path = urlsplit(str(request.url)).path
            raise ReadOnlyViolation(f"refused to send {request.method} {path}: not a declared read")
        self.calls += 1
        response = self.inner.send(request, **kwargs)
        if response.status_code >= 400:
            # What ARM said, for when the SDK fails on its answer instead of raising it.
            self.last_error = _arm_error(response.status_code, response.text())
        return response

    def open(self) -> None:
        self.inner.open()

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> ReadOnlyTransport:
        self.inner.__enter__()
        return self

    def __exit__(self, *args: Any) -> None:
        self.inner.__exit__(*args)

    def sleep(self, duration: float) -> None:
        self.inner.sleep(duration)

    def __getattr__(self, name: str) -> Any:
        # The retry policy reads the transport's connection_config.
        return getattr(self.inner, name)


@dataclass(frozen=True)
class AzureScanSettings:
    endpoint: str = PUBLIC_ENDPOINT
    subscriptions: tuple[str, ...] = ()  # empty: every one the credential can read
    deadline: float = DEFAULT_DEADLINE_SECONDS


@dataclass
class SubscriptionRead:
    id: str
    name: str = ""
    state: str = ""
    status: str = READ
    reason: str | None = None
    resources: int = 0

    def entry(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "state": self.state}
        out["status"] = self.status
        if self.status == READ:
            out["resources"] = self.resources
        else:
            out["reason"] = self.reason
        return out


@dataclass
class AzureCollection:
    endpoint: str
    subscriptions: list[SubscriptionRead]
    items: list[Any]
    started_at: dt.datetime
    finished_at: dt.datetime
    calls: int
    incomplete: str | None = None
    listed: bool = True  # False: --subscriptions named them

    def document(self) -> dict[str, Any]:
        """The Resource Graph answer of every page, after its provenance: what the live scan
        evaluates, and what --save writes (`hdslint scan` reads it back the same way)."""
        return {
            PROVENANCE: {
                "source": "azure",
                "hdslint_version": __version__,
                "created_at": iso_utc(self.started_at),
                "completed_at": iso_utc(self.finished_at),
                "endpoint": self.endpoint,
                "query": QUERY,
                "subscriptions_listed": self.listed,
                "api_calls": self.calls,
                "subscriptions": [s.entry() for s in self.subscriptions],
                "incomplete": self.incomplete,
            },
            "totalRecords": len(self.items),
            "count": len(self.items),
            "data": self.items,
            "facets": [],
            "resultTruncated": "true" if self.incomplete else "false",
        }


# done, total, resources read so far
Progress = Callable[[int, int, int], None]


@contextmanager
def _read_errors() -> Iterator[None]:
    """What a call to Azure raises, as this module says it: no credential, a failed read
    (with Azure's reason), or a refused request that is not a declared read."""
    try:
        yield
    except ClientAuthenticationError as exc:
        raise _no_credential(exc) from None
    except AzureError as exc:
        raise ReadFailed(_reason(exc)) from None
    except ReadOnlyViolation as exc:
        raise _refused(exc) from None


class ReadFailed(Exception):
    """One read that failed; `reason` says why, as a report shows it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def default_credential() -> Any:
    """The Azure SDK's standard chain: environment (service principal), workload identity,
    managed identity, the Azure CLI's `az login`, Azure PowerShell, the Azure Developer CLI.
    Never an interactive browser sign-in."""
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential(exclude_interactive_browser_credential=True)


def collect(
    settings: AzureScanSettings,
    *,
    credential: Any = None,
    progress: Progress | None = None,
    transport: Any = None,
) -> AzureCollection:
    """Read the subscriptions and their resources. `credential`: an azure-core
    TokenCredential (default: `default_credential()`); `transport`: the HTTP transport to
    guard (default: requests, with short timeouts)."""
    reader = _Reader(settings, credential or default_credential(), transport)
    started = dt.datetime.now(dt.UTC)
    try:
        if settings.subscriptions:
            subscriptions = [reader.subscription(sid) for sid in settings.subscriptions]
        else:
            subscriptions = reader.all_subscriptions()
        items = reader.resources([s for s in subscriptions if s.status == READ], progress)
    finally:
        reader.close()
    counts: dict[str, int] = {}
    for item in items:
        if isinstance(item, dict):
            sid = str(item.get("subscriptionId") or "").lower()
            counts[sid] = counts.get(sid, 0) + 1
    for sub in subscriptions:
        if sub.status == READ:
            sub.resources = counts.get(sub.id.lower(), 0)
    return AzureCollection(
        endpoint=settings.endpoint,
        subscriptions=subscriptions,
        items=items,
        started_at=started,
        finished_at=dt.datetime.now(dt.UTC),
        calls=reader.transport.calls,
        incomplete=reader.incomplete,
        listed=not settings.subscriptions,
    )


class _Reader:
    def __init__(self, settings: AzureScanSettings, credential: Any, transport: Any) -> None:
        from azure.mgmt.resourcegraph import ResourceGraphClient

        self.settings = settings
        self.deadline_at = time.monotonic() + settings.deadline
        self.incomplete: str | None = None
        endpoint = settings.endpoint
        inner = transport or RequestsTransport(
            connection_timeout=CONNECT_TIMEOUT_SECONDS, read_timeout=READ_TIMEOUT_SECONDS
        )
        self.transport = ReadOnlyTransport(inner, endpoint)
        scope = endpoint.rstrip("/") + "/.default"
        # Bearer tokens only over TLS, but to a local fake (tests, emulators) on loopback.
        self.https = not _loopback_http(endpoint)
        self.arm: PipelineClient[HttpRequest, Any] = PipelineClient(
            endpoint,
            policies=[
                policies.HeadersPolicy(),
                policies.UserAgentPolicy(sdk_moniker=f"hdslint/{__version__}"),
                policies.RetryPolicy(retry_total=RETRIES, retry_backoff_max=20),
                policies.BearerTokenCredentialPolicy(credential, scope),
            ],
            transport=self.transport,
        )
        self.graph = ResourceGraphClient(
            credential,
            base_url=endpoint,
            credential_scopes=[scope],
            transport=self.transport,
            retry_total=RETRIES,
            retry_backoff_max=20,
            api_version=GRAPH_API_VERSION,
            user_agent=f"hdslint/{__version__}",
        )

    def close(self) -> None:
        self.graph.close()
        self.arm.close()

    def _options(self) -> dict[str, Any]:
        remaining = self.deadline_at - time.monotonic()
        if remaining <= 0:
            raise ReadFailed(
                f"not read within the deadline ({self.settings.deadline:.0f} s; --deadline)"
            )
        # The deadline bounds every attempt (connect and read) and the retries together.
        options: dict[str, Any] = {
            "timeout": remaining,
            "connection_timeout": min(CONNECT_TIMEOUT_SECONDS, remaining),
            "read_timeout": min(READ_TIMEOUT_SECONDS, remaining),
        }
        if not self.https:
            options["enforce_https"] = False
        return options

    def _get(self, url: str) -> dict[str, Any]:
        request = HttpRequest("GET", self.arm.format_url(url))
        with _read_errors():
            response = self.arm.send_request(request, **self._options())
        if response.status_code >= 400:
            raise ReadFailed(_arm_error(response.status_code, response.text()))
        try:
            body = response.json()
        except ValueError:
            raise ReadFailed(
                "Azure Resource Manager answered with something that is not JSON"
            ) from None
        if not isinstance(body, dict):
            raise ReadFailed("Azure Resource Manager answered with something unexpected")
        return body

    def all_subscriptions(self) -> list[SubscriptionRead]:
        url: str | None = f"/subscriptions?api-version={SUBSCRIPTIONS_API_VERSION}"
        found: dict[str, SubscriptionRead] = {}
        for _ in range(MAX_SUBSCRIPTION_PAGES):
            if not url:
                break
            try:
                body = self._get(url)
            except ReadFailed as exc:
                if not found:
                    raise HdslintError(
                        "cannot list the Azure subscriptions at"
                        f" {self.settings.endpoint}: {exc.reason}"
                    ) from None
                # What was listed is read; the rest is said to be missing.
                self.incomplete = (
                    f"the subscriptions after the first {len(found)} were not listed: {exc.reason}"
                )
                break
            for value in body.get("value") or []:
                sub = _subscription(value)
                if sub is not None:
                    found.setdefault(sub.id.lower(), sub)
            next_link = body.get("nextLink")
            url = next_link if isinstance(next_link, str) and next_link else None
        if not found:
            raise HdslintError(
                "the credential can read no Azure subscription: give it the Reader role on"
                " the subscriptions to check (or name them with --subscriptions)"
            )
        return sorted(found.values(), key=lambda s: (s.name.lower(), s.id))

    def subscription(self, sid: str) -> SubscriptionRead:
        try:
            body = self._get(f"/subscriptions/{sid}?api-version={SUBSCRIPTIONS_API_VERSION}")
        except ReadFailed as exc:
            return SubscriptionRead(id=sid, status=NOT_READ, reason=exc.reason)
        sub = _subscription(body)
        if sub is None:
            return SubscriptionRead(
                id=sid, status=NOT_READ, reason="Azure Resource Manager did not describe it"
            )
        return sub

    def resources(
        self, subscriptions: Sequence[SubscriptionRead], progress: Progress | None
    ) -> list[Any]:
        items: list[Any] = []
        done = 0
        for batch in _chunks(subscriptions, SUBSCRIPTIONS_PER_QUERY):
            try:
                items.extend(self._query([s.id for s in batch]))
            except ReadFailed as failed:
                if len(batch) == 1:
                    _not_read(batch[0], failed.reason)
                else:
                    # Which of them refuses: each alone.
                    for sub in batch:
                        try:
                            items.extend(self._query([sub.id]))
                        except ReadFailed as alone:
                            _not_read(sub, alone.reason)
            done += len(batch)
            if progress is not None:
                progress(done, len(subscriptions), len(items))
        return items

    def _query(self, subscriptions: list[str]) -> list[Any]:
        from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

        items: list[Any] = []
        token: str | None = None
        for _ in range(MAX_PAGES):
            request = QueryRequest(
                subscriptions=subscriptions,
                query=QUERY,
                options=QueryRequestOptions(
                    top=PAGE_SIZE, skip_token=token, result_format="objectArray"
                ),
            )
            try:
                with _read_errors():
                    answer = self.graph.resources(request, **self._options())
            except ValueError:
                # The SDK's resource provider registration, on a MissingSubscriptionRegistration
                # answer, finds no subscription in Resource Graph's URL and raises this.
                raise ReadFailed(
                    self.transport.last_error or "Resource Graph's answer could not be read"
                ) from None
            data: Any = answer.data
            if not isinstance(data, list):
                raise ReadFailed("Resource Graph answered without a list of resources")
            items.extend(redact_values(item) for item in data)
            token = answer.skip_token
            if not token:
                if str(answer.result_truncated).lower() == "true":
                    self.incomplete = (
                        "Resource Graph truncated its answer (resultTruncated) without a"
                        " $skipToken: some resources were not returned"
                    )
                return items
        self.incomplete = (
            f"more than {MAX_PAGES} pages of {PAGE_SIZE} resources: the rest was not read"
        )
        return items


def _not_read(sub: SubscriptionRead, reason: str) -> None:
    sub.status, sub.reason = NOT_READ, reason


def _subscription(value: Any) -> SubscriptionRead | None:
    if not isinstance(value, dict):
        return None
    sid = value.get("subscriptionId")
    if not isinstance(sid, str) or not SUBSCRIPTION_ID.fullmatch(sid):
        return None
    name = value.get("displayName")
    state = value.get("state")
    return SubscriptionRead(
        id=sid,
        name=name if isinstance(name, str) else "",
        state=state if isinstance(state, str) else "",
    )


def _chunks(items: Sequence[SubscriptionRead], size: int) -> Iterator[list[SubscriptionRead]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _loopback_http(endpoint: str) -> bool:
    parts = urlsplit(endpoint)
    return parts.scheme == "http" and (parts.hostname or "") in {"127.0.0.1", "localhost", "::1"}


def _first_line(text: str, limit: int = 400) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _arm_error(status: int, text: str) -> str:
    """`Code: message` of an ARM error answer (`{"error": {"code", "message"}}`)."""
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("code"):
        return _first_line(f"{error['code']}: {error.get('message') or ''}".rstrip(": "))
    return f"HTTP {status}"


def _reason(exc: AzureError) -> str:
    if isinstance(exc, HttpResponseError):
        error = getattr(exc, "error", None)
        code = getattr(error, "code", None)
        message = getattr(error, "message", None)
        if code:
            return _first_line(f"{code}: {message or ''}".rstrip(": "))
        if exc.response is not None:
            return _arm_error(exc.status_code or 0, exc.response.text())
        return _first_line(exc.message or f"HTTP {exc.status_code}")
    return _first_line(f"the request failed: {exc.message or type(exc).__name__}")


def _no_credential(exc: ClientAuthenticationError) -> HdslintError:
    return HdslintError(
        "no Azure credential could sign in (run `az login`, or set a service principal's"
        " AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET): "
        + _first_line(exc.message or str(exc))
    )


def iso_utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
