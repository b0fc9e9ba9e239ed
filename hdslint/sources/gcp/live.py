"""The Google Cloud reads of `hdslint gcp`, through the Cloud Asset client, read-only.

One read, and nothing else: Cloud Asset Inventory's ListAssets,
`GET /v1/{parent}/assets?contentType=RESOURCE` for each scope (`organizations/ID`,
`folders/ID`, `projects/ID`), every page followed by its `nextPageToken`. Its assets are
what `gcloud asset export --content-type=resource` writes, and are read by the same reader
(`hdslint.sources.exports.gcp`).

The HTTP session of the client's REST transport is replaced by one that refuses any other
request before it is sent. A scope that cannot be read is reported as not read, with
Google's reason. Every page has a short timeout and the whole read a deadline. Each asset
passes through the one redaction rule (`hdslint.redaction`) before it is kept; access
tokens stay inside google-auth.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from google.auth.transport.requests import AuthorizedSession

from hdslint import __version__
from hdslint.errors import HdslintError
from hdslint.redaction import redact_values
from hdslint.sources.exports.gcp import project_of
from hdslint.sources.exports.gcpinventory import READ
from hdslint.sources.exports.types import PROVENANCE

PUBLIC_ENDPOINT = "https://cloudasset.googleapis.com"
OAUTH_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
PAGE_SIZE = 1000  # ListAssets' largest page
CONNECT_TIMEOUT_SECONDS = 10
READ_TIMEOUT_SECONDS = 60
DEFAULT_DEADLINE_SECONDS = 900
MAX_PAGES = 5000
NOT_READ = "not_read"

_ASSETS_PATH = re.compile(r"/v1/(?:projects|folders|organizations)/[^/]+/assets")


class ReadOnlyViolation(RuntimeError):
    """A request that is not ListAssets, never sent: the read that led to it (an answer
    redirecting elsewhere) is reported as not read."""


def is_read(method: str, url: str, endpoint: str) -> bool:
    """Whether a request is ListAssets, to the endpoint being scanned."""
    parts, base = urlsplit(url), urlsplit(endpoint)
    if (parts.scheme.lower(), parts.netloc.lower()) != (base.scheme.lower(), base.netloc.lower()):
        return False
    return method.upper() == "GET" and _ASSETS_PATH.fullmatch(parts.path) is not None


class ReadOnlySession(AuthorizedSession):
    """The REST transport's session: refuses what is not ListAssets, counts the calls."""

    def __init__(self, credentials: Any, endpoint: str) -> None:
        super().__init__(credentials)  # type: ignore[no-untyped-call]
        self.endpoint = endpoint
        self.calls = 0

    def send(self, request: Any, **kwargs: Any) -> Any:
        # Every request is sent here, each redirect the session follows too.
        method, url = str(request.method), str(request.url)
        if not is_read(method, url, self.endpoint):
            raise ReadOnlyViolation(
                f"refused to send {method} {urlsplit(url).path}: not a declared read"
            )
        self.calls += 1
        return super().send(request, **kwargs)


@dataclass(frozen=True)
class GcpScanSettings:
    scopes: tuple[str, ...]  # organizations/ID, folders/ID, projects/ID
    endpoint: str = PUBLIC_ENDPOINT
    deadline: float = DEFAULT_DEADLINE_SECONDS


@dataclass
class ScopeRead:
    id: str
    status: str = READ
    reason: str | None = None
    assets: int = 0
    # The projects its assets are in (`projects/NUMBER`), for the coverage table.
    projects: tuple[str, ...] = ()

    def entry(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "status": self.status}
        if self.status == READ:
            out["assets"] = self.assets
        else:
            out["reason"] = self.reason
        return out


@dataclass
class GcpCollection:
    endpoint: str
    scopes: list[ScopeRead]
    assets: list[Any]
    read_time: str | None
    started_at: dt.datetime
    finished_at: dt.datetime
    calls: int
    incomplete: str | None = None

    def document(self) -> dict[str, Any]:
        """The ListAssets answer of every page and scope, after its provenance: what the live
        scan evaluates, and what --save writes (`hdslint scan` reads it back the same way)."""
        return {
            PROVENANCE: {
                "source": "gcp",
                "hdslint_version": __version__,
                "created_at": iso_utc(self.started_at),
                "completed_at": iso_utc(self.finished_at),
                "endpoint": self.endpoint,
                "content_type": "RESOURCE",
                "api_calls": self.calls,
                "scopes": [s.entry() for s in self.scopes],
                "incomplete": self.incomplete,
            },
            "readTime": self.read_time,
            "assets": self.assets,
        }


# scopes done, total, assets read so far
Progress = Callable[[int, int, int], None]


class ReadFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def default_credentials() -> Any:
    """Application Default Credentials (`gcloud auth application-default login`, a service
    account key named by GOOGLE_APPLICATION_CREDENTIALS, workload identity, the metadata
    server)."""
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    try:
        credentials, _project = google.auth.default(scopes=[OAUTH_SCOPE])
    except DefaultCredentialsError as exc:
        raise HdslintError(
            "no Google Cloud credentials (run `gcloud auth application-default login`, or set"
            f" GOOGLE_APPLICATION_CREDENTIALS): {_first_line(str(exc))}"
        ) from None
    return credentials


def collect(
    settings: GcpScanSettings, *, credentials: Any = None, progress: Progress | None = None
) -> GcpCollection:
    reader = _Reader(settings, credentials or default_credentials())
    started = dt.datetime.now(dt.UTC)
    scopes: list[ScopeRead] = []
    assets: list[Any] = []
    try:
        for scope in settings.scopes:
            read = ScopeRead(scope)
            try:
                found = reader.list_assets(scope)
            except ReadFailed as exc:
                read.status, read.reason = NOT_READ, exc.reason
            else:
                read.assets = len(found)
                read.projects = tuple(sorted({p for p in map(project_of, found) if p is not None}))
                assets.extend(found)
            scopes.append(read)
            if progress is not None:
                progress(len(scopes), len(settings.scopes), len(assets))
    finally:
        reader.close()
    return GcpCollection(
        endpoint=settings.endpoint,
        scopes=scopes,
        assets=assets,
        read_time=reader.read_time,
        started_at=started,
        finished_at=dt.datetime.now(dt.UTC),
        calls=reader.session.calls,
        incomplete=reader.incomplete,
    )


class _Reader:
    def __init__(self, settings: GcpScanSettings, credentials: Any) -> None:
        from google.cloud.asset_v1 import AssetServiceClient
        from google.cloud.asset_v1.services.asset_service.transports.rest import (
            AssetServiceRestTransport,
        )

        self.settings = settings
        self.deadline_at = time.monotonic() + settings.deadline
        self.incomplete: str | None = None
        self.read_time: str | None = None
        from google.api_core.gapic_v1.client_info import ClientInfo

        info = ClientInfo(user_agent=f"hdslint/{__version__}")  # type: ignore[no-untyped-call]
        transport = AssetServiceRestTransport(
            credentials=credentials, host=settings.endpoint, client_info=info
        )
        # Every request of the client goes through this session: the guard. The transport
        # keys its wrapped methods by their session: wrap them again around this one.
        self.session = ReadOnlySession(credentials, settings.endpoint)
        transport._session = self.session
        transport._prep_wrapped_messages(info)  # type: ignore[no-untyped-call]
        self.client = AssetServiceClient(transport=transport)

    def close(self) -> None:
        self.session.close()  # type: ignore[no-untyped-call]

    def list_assets(self, scope: str) -> list[Any]:
        from google.api_core import exceptions as api
        from google.api_core import retry as retries
        from google.auth import exceptions as auth
        from google.cloud.asset_v1 import Asset, ContentType, ListAssetsRequest
        from requests import RequestException

        request = ListAssetsRequest(
            parent=scope, content_type=ContentType.RESOURCE, page_size=PAGE_SIZE
        )
        found: list[Any] = []
        for _ in range(MAX_PAGES):
            remaining = self.deadline_at - time.monotonic()
            if remaining <= 0:
                raise ReadFailed(
                    f"not read within the deadline ({self.settings.deadline:.0f} s; --deadline)"
                )
            retry = retries.Retry(
                initial=1.0,
                maximum=10.0,
                multiplier=2.0,
                predicate=retries.if_exception_type(
                    api.ServiceUnavailable, api.TooManyRequests, api.InternalServerError
                ),
                timeout=remaining,
            )
            try:
                pager = self.client.list_assets(
                    request=request, retry=retry, timeout=min(READ_TIMEOUT_SECONDS, remaining)
                )
                page = next(iter(pager.pages))
            except auth.GoogleAuthError as exc:
                raise HdslintError(
                    f"the Google Cloud credentials were refused: {_first_line(str(exc))}"
                ) from None
            except api.GoogleAPICallError as exc:
                raise ReadFailed(_reason(exc)) from None
            except (api.RetryError, RequestException) as exc:
                raise ReadFailed(_first_line(f"the request failed: {exc}")) from None
            except ReadOnlyViolation as exc:
                raise ReadFailed(
                    f"hdslint {exc} (hdslint sends only the reads it documents)"
                ) from None
            for asset in page.assets:
                found.append(
                    redact_values(
                        Asset.to_dict(
                            asset,
                            preserving_proto_field_name=True,
                            use_integers_for_enums=False,
                        )
                    )
                )
            if page.read_time and self.read_time is None:
                self.read_time = iso_utc(page.read_time)
            if not page.next_page_token:
                return found
            request.page_token = page.next_page_token
        self.incomplete = (
            f"more than {MAX_PAGES} pages of {PAGE_SIZE} assets in {scope}: the rest was not read"
        )
        return found


def _reason(exc: Any) -> str:
    """`STATUS: message` of Google's error answer (`{"error": {"code", "message",
    "status"}}`), without the request's URL."""
    response = getattr(exc, "response", None)
    try:
        body = response.json() if response is not None else None
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("message"):
        status = error.get("status") or error.get("code") or type(exc).__name__
        return _first_line(f"{status}: {error['message']}")
    return _first_line(f"{type(exc).__name__}: {getattr(exc, 'message', None) or exc}")


def _first_line(text: str, limit: int = 400) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def iso_utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
