"""A small JSON-over-HTTPS client for code-host APIs, on `urllib.request`.

Invariants:
- every request has a timeout; a response body larger than MAX_RESPONSE_BYTES is an error;
- redirects are not followed (a redirect could carry the token to another host), and a
  pagination link is only followed when it stays on the API's own scheme, host and port;
- the token travels only in a header, and is replaced by `***` in every message this module
  raises (an API may echo what it was sent);
- plain `http://` is refused except to a loopback host (a token must not cross a network
  in clear text; tests run a fake API on 127.0.0.1);
- every failure is a `NetworkError` (exit 6) naming the method, the URL, the HTTP status and
  the API's own message.
"""

from __future__ import annotations

import ipaddress
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cloudwright.core.errors import InputError, NetworkError

MAX_RESPONSE_BYTES = 8 * 1024 * 1024  # a page of 100 comments of 64 KB each fits
DEFAULT_TIMEOUT_S = 30.0
USER_AGENT = "cloudwright-ci"
_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')
_STATUS_HINTS = {
    401: "the token was refused: check that it is set and has not expired",
    403: "the token lacks permission (GitHub: pull-requests/issues write; GitLab: api scope)",
    404: "not found: check the repository/project and the pull/merge request number "
    "(a token without access to a private repository also sees 404)",
}


@dataclass(frozen=True)
class Response:
    status: int
    data: Any
    next_url: str | None  # the `Link: <…>; rel="next"` page, when the API gives one


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then raises the 3xx as an HTTPError


def check_api_url(url: str) -> str:
    """`url` without a trailing slash, when it is an http(s) URL we may send a token to."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"--api-url {url!r}: expected an https:// URL")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise InputError(
            f"--api-url {url!r}: plain http would send the token unencrypted",
            hint="use https:// (http is only accepted for a loopback host such as 127.0.0.1)",
        )
    return url.rstrip("/")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class JsonClient:
    """JSON requests to one API root with one set of auth headers."""

    def __init__(
        self,
        api_url: str,
        headers: Mapping[str, str],
        *,
        token: str,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self.api_url = check_api_url(api_url)
        self._headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **headers}
        self._token = token
        self._timeout = timeout_s
        self._opener = urllib.request.build_opener(_NoRedirect)

    def url(self, path: str, query: Mapping[str, str | int] | None = None) -> str:
        tail = f"?{urllib.parse.urlencode(query)}" if query else ""
        return f"{self.api_url}{path}{tail}"

    def request(self, method: str, url: str, body: Mapping[str, Any] | None = None) -> Response:
        self._same_origin(url)
        data = json.dumps(body).encode() if body is not None else None
        headers = dict(self._headers)
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with self._opener.open(request, timeout=self._timeout) as reply:
                raw = _bounded(reply, f"{method} {url}")
                status, link = reply.status, reply.headers.get("Link")
        except urllib.error.HTTPError as exc:
            raise self._http_error(method, url, exc) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise NetworkError(self._redact(f"{method} {url}: {reason}")) from None
        return Response(status, self._json(raw, method, url), _next_link(link))

    def _same_origin(self, url: str) -> None:
        want, got = urllib.parse.urlsplit(self.api_url), urllib.parse.urlsplit(url)
        if (got.scheme, got.netloc) != (want.scheme, want.netloc):
            raise NetworkError(
                self._redact(f"refusing to send the token to {url}: not under {self.api_url}")
            )

    def _json(self, raw: bytes, method: str, url: str) -> Any:
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            raise NetworkError(
                self._redact(f"{method} {url}: the API answered with something other than JSON")
            ) from None

    def _http_error(self, method: str, url: str, exc: urllib.error.HTTPError) -> NetworkError:
        try:
            raw = _bounded(exc, f"{method} {url}", limit=64 * 1024)
        except NetworkError:
            raw = b""
        message = _api_message(raw) or exc.reason or "no message"
        text = f"{method} {url}: HTTP {exc.code}: {message}"
        return NetworkError(self._redact(text), hint=_STATUS_HINTS.get(exc.code))

    def _redact(self, text: str) -> str:
        from cloudwright.reports.safe import terminal  # the API's text may carry escapes

        if self._token:
            text = text.replace(self._token, "***")
        return terminal(text)[:1000]


def _bounded(stream: Any, what: str, limit: int = MAX_RESPONSE_BYTES) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise NetworkError(f"{what}: the response is larger than {limit // 1024} KiB")
    return bytes(data)


def _api_message(raw: bytes) -> str:
    """GitHub's `message` (+ `errors`), GitLab's `message`/`error`, else the start of the text."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return raw.decode("utf-8", "replace").strip()[:300]
    if not isinstance(data, dict):
        return ""
    parts = [data.get(k) for k in ("message", "error", "error_description")]
    text = "; ".join(str(p) for p in parts if p)
    if data.get("errors"):
        text += f" ({json.dumps(data['errors'])[:300]})"
    return text[:500]


def _next_link(header: str | None) -> str | None:
    if not header:
        return None
    for part in header.split(","):
        found = _LINK_NEXT.search(part)
        if found:
            return found.group(1)
    return None
