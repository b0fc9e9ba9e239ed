"""A local fake of the Azure Resource Manager endpoints `hdslint azure` reads, on 127.0.0.1,
answering in the shapes Microsoft documents:

- `GET /subscriptions?api-version=...` (Subscriptions - List: `value`, `nextLink`);
- `GET /subscriptions/{id}?api-version=...` (Subscriptions - Get; ARM's error body
  `{"error": {"code", "message"}}` for one it cannot read);
- `POST /providers/Microsoft.ResourceGraph/resources?api-version=...` (Resources: a
  `QueryRequest` in, a `QueryResponse` out: `totalRecords`, `count`, `data`,
  `$skipToken`, `resultTruncated`), a few resources a page whatever `$top` asks.

Every request is recorded (method, path, query, body, Authorization header) so that tests
can say exactly what was sent. Standard library only.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakehttp import LocalServer, redirect, reply_json

GRAPH = "/providers/microsoft.resourcegraph/resources"


@dataclass
class Sent:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    authorization: str | None


@dataclass
class FakeArm:
    # subscriptionId -> (displayName, state)
    subscriptions: dict[str, tuple[str, str]]
    resources: list[dict[str, Any]]
    # subscriptionId -> (status, code, message) for a query naming it (Resource Graph) or a
    # GET of it (ARM)
    query_refusals: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    get_refusals: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    # subscriptionId -> where a query naming it is redirected (a path of this fake, or a URL)
    query_redirects: dict[str, str] = field(default_factory=dict)
    # (status, code, message) for GET /subscriptions
    list_refusal: tuple[int, str, str] | None = None
    # the nextLink of the first page of GET /subscriptions, instead of this fake's own
    next_link: str | None = None
    subscriptions_per_page: int = 2
    resources_per_page: int = 2
    query_delay: float = 0.0
    sent: list[Sent] = field(default_factory=list)
    url: str = ""

    def __post_init__(self) -> None:
        self.server = LocalServer(self.handle)
        self.url = self.server.url

    def close(self) -> None:
        self.server.close()

    # -- the endpoints -----------------------------------------------------------------

    def handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        query = parse_qs(parts.query)
        self.sent.append(
            Sent(method, parts.path, query, body, request.headers.get("Authorization"))
        )
        path = parts.path.rstrip("/").lower()
        if "api-version" not in query:
            return self.reply(request, 400, _error("MissingApiVersionParameter", "no api-version"))
        if method == "GET" and path == "/subscriptions":
            return self.list_subscriptions(request, query)
        if method == "GET" and path.startswith("/subscriptions/") and path.count("/") == 2:
            return self.get_subscription(request, parts.path.rsplit("/", 1)[-1])
        if method == "POST" and path == GRAPH:
            return self.query(request, body)
        return self.reply(request, 404, _error("NotFound", f"no {method} {parts.path} here"))

    def list_subscriptions(self, request: BaseHTTPRequestHandler, query: Any) -> None:
        if self.list_refusal is not None:
            status, code, message = self.list_refusal
            return self.reply(request, status, _error(code, message))
        ids = sorted(self.subscriptions)
        start = int(query.get("$skiptoken", ["0"])[0])
        page = ids[start : start + self.subscriptions_per_page]
        answer: dict[str, Any] = {
            "value": [self.describe(sid) for sid in page],
            "count": {"type": "Total", "value": len(ids)},
        }
        if start + self.subscriptions_per_page < len(ids):
            answer["nextLink"] = self.next_link or (
                f"{self.url}/subscriptions?api-version=2022-12-01"
                f"&$skiptoken={start + self.subscriptions_per_page}"
            )
        self.reply(request, 200, answer)

    def describe(self, sid: str) -> dict[str, Any]:
        name, state = self.subscriptions[sid]
        return {
            "id": f"/subscriptions/{sid}",
            "subscriptionId": sid,
            "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "displayName": name,
            "state": state,
            "authorizationSource": "RoleBased",
            "subscriptionPolicies": {
                "spendingLimit": "Off",
                "quotaId": "EnterpriseAgreement_2014-09-01",
            },
        }

    def get_subscription(self, request: BaseHTTPRequestHandler, sid: str) -> None:
        if sid in self.get_refusals:
            status, code, message = self.get_refusals[sid]
            return self.reply(request, status, _error(code, message))
        if sid not in self.subscriptions:
            return self.reply(
                request,
                404,
                _error("SubscriptionNotFound", f"The subscription '{sid}' could not be found."),
            )
        self.reply(request, 200, self.describe(sid))

    def query(self, request: BaseHTTPRequestHandler, body: Any) -> None:
        if self.query_delay:
            time.sleep(self.query_delay)
        wanted = [s.lower() for s in body.get("subscriptions") or []]
        for sid in wanted:
            if sid in self.query_redirects:
                return redirect(request, self.query_redirects[sid])
            if sid in self.query_refusals:
                status, code, message = self.query_refusals[sid]
                return self.reply(request, status, _error(code, message))
        options = body.get("options") or {}
        assert options.get("resultFormat") == "objectArray", options
        rows = sorted(
            (r for r in self.resources if r["subscriptionId"].lower() in wanted),
            key=lambda r: r["id"],
        )
        start = int(options.get("$skipToken") or 0)
        size = min(self.resources_per_page, int(options.get("$top") or 100))
        page = rows[start : start + size]
        answer: dict[str, Any] = {
            "totalRecords": len(rows),
            "count": len(page),
            "data": page,
            "facets": [],
            "resultTruncated": "false",
        }
        if start + size < len(rows):
            answer["$skipToken"] = str(start + size)
        self.reply(request, 200, answer)

    @staticmethod
    def reply(request: BaseHTTPRequestHandler, status: int, answer: Any) -> None:
        reply_json(
            request,
            status,
            answer,
            content_type="application/json; charset=utf-8",
            headers=[("x-ms-request-id", "6f0e3c4a-0000-4000-8000-000000000000")],
        )


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}
