"""HTTP for the price fetchers: GET JSON with a timeout, every failure a `NetworkError`.

Fetchers take a `Fetch` callable (URL → parsed JSON) so tests hand in recorded responses
and no test touches the network. `http_get_json` is the real one (stdlib urllib: no extra
dependency for three GET endpoints).
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from cloudwright.core.errors import NetworkError
from cloudwright.core.jsonsource import parse_json

Fetch = Callable[[str], Any]

USER_AGENT = "cloudwright-catalog-refresh (+https://github.com/cloudwright)"


def with_query(url: str, params: Mapping[str, str]) -> str:
    """`url` with `params` appended as a query string (values percent-encoded)."""
    if not params:
        return url
    sep = "&" if "?" in url else "?"
    return url + sep + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


def redact(url: str) -> str:
    """The URL with any `key=` query value hidden (API keys must not reach logs)."""
    parts = urllib.parse.urlsplit(url)
    query = [
        (k, "***" if k.lower() in ("key", "api_key") else v)
        for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def http_get_json(timeout_s: float) -> Fetch:
    """A Fetch that GETs a URL and parses JSON; raises NetworkError on any failure."""

    def fetch(url: str) -> Any:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        shown = redact(url)
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:300].decode("utf-8", "replace") if exc.fp else ""
            raise NetworkError(
                f"GET {shown}: HTTP {exc.code} {exc.reason} {detail}".strip()
            ) from exc
        except TimeoutError as exc:
            raise NetworkError(f"GET {shown}: no answer within {timeout_s:g} s") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise NetworkError(
                f"GET {shown}: {reason}", hint="offline? the snapshot was left untouched"
            ) from exc
        # The project's bounded reader: no NaN prices, no 100,000-deep nesting, no duplicates.
        return parse_json(body, f"GET {shown}", error=NetworkError)

    return fetch


def expect(data: Any, key: str, url: str) -> Any:
    """`data[key]`, or a NetworkError saying the response did not have the published shape."""
    if not isinstance(data, dict) or key not in data:
        raise NetworkError(f"unexpected response from {redact(url)}: no {key!r} field")
    return data[key]
