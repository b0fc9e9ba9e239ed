"""What the local fakes of cloud APIs (tests/sources/azurelive/fake_arm.py,
tests/sources/gcplive/fake_asset.py) share: an HTTP server on 127.0.0.1 in a daemon thread
that hands every request to the fake, and JSON answers and redirects. Standard library only."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# The fake's handler of one request: (the request, its method).
Handle = Callable[[BaseHTTPRequestHandler, str], None]


class LocalServer:
    """Serves on 127.0.0.1 (a free port, `url`) until `close`; every GET, POST, PUT and
    DELETE goes to `handle`."""

    def __init__(self, handle: Handle) -> None:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                handle(self, "GET")

            def do_POST(self) -> None:
                handle(self, "POST")

            def do_PUT(self) -> None:
                handle(self, "PUT")

            def do_DELETE(self) -> None:
                handle(self, "DELETE")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def reply_json(
    request: BaseHTTPRequestHandler,
    status: int,
    answer: Any,
    *,
    content_type: str,
    headers: Iterable[tuple[str, str]] = (),
) -> None:
    data = json.dumps(answer).encode()
    request.send_response(status)
    request.send_header("Content-Type", content_type)
    request.send_header("Content-Length", str(len(data)))
    for name, value in headers:
        request.send_header(name, value)
    request.end_headers()
    # The client may have given up waiting (a test of its deadline).
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        request.wfile.write(data)


def redirect(request: BaseHTTPRequestHandler, location: str) -> None:
    request.send_response(307)
    request.send_header("Location", location)
    request.send_header("Content-Length", "0")
    request.end_headers()
