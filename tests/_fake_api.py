"""A fake GitHub/GitLab REST API on 127.0.0.1 (http.server in a thread) for the comment tests:
issue comments and merge-request notes kept in memory, paginated with `Link` headers, and
every request recorded. Nothing here contacts a real host."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

GITHUB_LIST = re.compile(r"^/repos/([^/]+/[^/]+)/issues/(\d+)/comments$")
GITHUB_ITEM = re.compile(r"^/repos/([^/]+/[^/]+)/issues/comments/(\d+)$")
GITLAB_LIST = re.compile(r"^/api/v4/projects/([^/]+)/merge_requests/(\d+)/notes$")
GITLAB_ITEM = re.compile(r"^/api/v4/projects/([^/]+)/merge_requests/(\d+)/notes/(\d+)$")


@dataclass
class FakeApi:
    token: str
    page_size: int = 100
    comments: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    fail_with: tuple[int, str] | None = None  # answer every request with this status/message
    next_id: int = 1000
    url: str = ""

    def add(self, body: str) -> dict[str, Any]:
        self.next_id += 1
        item = {
            "id": self.next_id,
            "body": body,
            "html_url": f"https://example.test/c/{self.next_id}",
        }
        self.comments.append(item)
        return item

    def methods(self) -> list[str]:
        return [m for m, _, _ in self.requests]


def _handler(api: FakeApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _authorised(self) -> bool:
            given = self.headers.get("Authorization", "").removeprefix("Bearer ")
            return api.token in (given, self.headers.get("PRIVATE-TOKEN", ""))

        def _send(self, status: int, data: Any = None, link: str | None = None) -> None:
            raw = b"" if data is None else json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            if link:
                self.send_header("Link", f'<{link}>; rel="next"')
            self.end_headers()
            self.wfile.write(raw)

        def _body(self) -> str:
            length = int(self.headers.get("Content-Length", "0"))
            return str(json.loads(self.rfile.read(length))["body"])

        def _handle(self, method: str) -> None:
            parts = urlsplit(self.path)
            api.requests.append(
                (method, self.path, {k.lower(): v for k, v in self.headers.items()})
            )
            if api.fail_with is not None:
                self._send(api.fail_with[0], {"message": api.fail_with[1]})
                return
            if not self._authorised():
                self._send(401, {"message": "Bad credentials"})
                return
            path = parts.path
            if GITHUB_LIST.match(path) or GITLAB_LIST.match(path):
                if method == "GET":
                    page = int(parse_qs(parts.query).get("page", ["1"])[0])
                    start = (page - 1) * api.page_size
                    items = api.comments[start : start + api.page_size]
                    more = start + api.page_size < len(api.comments)
                    query = parts.query.split("&page=")[0]
                    link = f"{api.url}{path}?{query}&page={page + 1}" if more else None
                    self._send(200, items, link)
                elif method == "POST":
                    self._send(201, api.add(self._body()))
                return
            item = GITHUB_ITEM.match(path) or GITLAB_ITEM.match(path)
            if item is None:
                self._send(404, {"message": "Not Found"})
                return
            wanted = int(item.groups()[-1])
            found = next((c for c in api.comments if c["id"] == wanted), None)
            if found is None:
                self._send(404, {"message": "Not Found"})
            elif method in ("PATCH", "PUT"):
                found["body"] = self._body()
                self._send(200, found)
            elif method == "DELETE":
                api.comments.remove(found)
                self._send(204)

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def do_PATCH(self) -> None:
            self._handle("PATCH")

        def do_PUT(self) -> None:
            self._handle("PUT")

        def do_DELETE(self) -> None:
            self._handle("DELETE")

    return Handler


@contextmanager
def fake_api(token: str, page_size: int = 100) -> Iterator[FakeApi]:
    api = FakeApi(token=token, page_size=page_size)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(api))
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
