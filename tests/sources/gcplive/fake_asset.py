"""A local fake of the Cloud Asset API's ListAssets on 127.0.0.1, answering as Google
documents it: `GET /v1/{parent}/assets?contentType=RESOURCE&pageSize=N&pageToken=T` ->
`{"readTime", "assets": [...], "nextPageToken"}`, a few assets a page whatever pageSize
asks; Google's error body `{"error": {"code", "message", "status"}}` for a scope that
refuses, or a redirect where a test asks for one. Every request is recorded. Standard library only."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakehttp import LocalServer, redirect, reply_json

READ_TIME = "2026-11-28T09:00:00.123456Z"


@dataclass
class Sent:
    method: str
    path: str
    query: dict[str, list[str]]
    authorization: str | None


@dataclass
class FakeAsset:
    # parent (projects/ID, folders/N, organizations/N) -> its assets (REST JSON, camelCase)
    scopes: dict[str, list[dict[str, Any]]]
    # parent -> (HTTP status, status, message)
    refusals: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    # parent -> where a request for it is redirected (a path of this fake, or a URL)
    redirects: dict[str, str] = field(default_factory=dict)
    per_page: int = 2
    delay: float = 0.0
    sent: list[Sent] = field(default_factory=list)
    url: str = ""

    def __post_init__(self) -> None:
        self.server = LocalServer(self.handle)
        self.url = self.server.url

    def close(self) -> None:
        self.server.close()

    def handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        if self.delay:
            time.sleep(self.delay)
        parts = urlsplit(request.path)
        query = parse_qs(parts.query)
        self.sent.append(Sent(method, parts.path, query, request.headers.get("Authorization")))
        path = parts.path
        if method != "GET" or not path.startswith("/v1/") or not path.endswith("/assets"):
            return self.reply(request, 404, _error(404, "NOT_FOUND", f"no {method} {path}"))
        parent = path.removeprefix("/v1/").removesuffix("/assets")
        if parent in self.redirects:
            return redirect(request, self.redirects[parent])
        if parent in self.refusals:
            status, name, message = self.refusals[parent]
            return self.reply(request, status, _error(status, name, message))
        if parent not in self.scopes:
            return self.reply(
                request, 403, _error(403, "PERMISSION_DENIED", f"{parent} is not known")
            )
        # RESOURCE, by name or by number (the client asks for `$alt=json;enum-encoding=int`).
        assert query.get("contentType") in (["RESOURCE"], ["1"]), query
        assets = self.scopes[parent]
        start = int(query.get("pageToken", ["0"])[0])
        size = min(self.per_page, int(query.get("pageSize", ["100"])[0]))
        answer: dict[str, Any] = {"readTime": READ_TIME, "assets": assets[start : start + size]}
        if start + size < len(assets):
            answer["nextPageToken"] = str(start + size)
        self.reply(request, 200, answer)

    @staticmethod
    def reply(request: BaseHTTPRequestHandler, status: int, answer: Any) -> None:
        reply_json(request, status, answer, content_type="application/json; charset=UTF-8")


def _error(code: int, status: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status}}
