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

    def answer(self, method: str, target: str, headers: dict[str, str], body: str | None) -> Reply:
        """The status, JSON and next-page link the fake API answers a request with."""
        self.requests.append((method, target, headers))
        if self.fail_with is not None:
            return self.fail_with[0], {"message": self.fail_with[1]}, None
        given = headers.get("authorization", "").removeprefix("Bearer ")
        if self.token not in (given, headers.get("private-token", "")):
            return 401, {"message": "Bad credentials"}, None
        parts = urlsplit(target)
        if GITHUB_LIST.match(parts.path) or GITLAB_LIST.match(parts.path):
            return self._list(method, parts.path, parts.query, body)
        item = GITHUB_ITEM.match(parts.path) or GITLAB_ITEM.match(parts.path)
        found = None
        if item is not None:
            wanted = int(item.groups()[-1])
            found = next((c for c in self.comments if c["id"] == wanted), None)
        if found is None:
            return 404, {"message": "Not Found"}, None
        if method == "DELETE":
            self.comments.remove(found)
            return 204, None, None
        found["body"] = body
        return 200, found, None

    def _list(self, method: str, path: str, query: str, body: str | None) -> Reply:
        if method == "POST":
            return 201, self.add(str(body)), None
        page = int(parse_qs(query).get("page", ["1"])[0])
        start = (page - 1) * self.page_size
        more = start + self.page_size < len(self.comments)
        link = f"{self.url}{path}?{query.split('&page=')[0]}&page={page + 1}" if more else None
        return 200, self.comments[start : start + self.page_size], link


Reply = tuple[int, Any, "str | None"]


def _handler(api: FakeApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length) if length else b""
            body = str(json.loads(raw)["body"]) if raw else None
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, data, link = api.answer(self.command, self.path, headers, body)
            out = b"" if data is None else json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            if link:
                self.send_header("Link", f'<{link}>; rel="next"')
            self.end_headers()
            self.wfile.write(out)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

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
