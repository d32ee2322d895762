"""The project's own exceptions. The CLI's single handler turns them into a message and an exit code.

Raise these (never bare ValueError) for anything a user can fix: bad input, unknown names,
infeasible plans, missing tools. Each carries the exit code the CLI should use.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

MAX_ECHO = 120


def echo(value: object) -> str:
    """A user-supplied value quoted in a message: repr (control characters escaped), at most
    MAX_ECHO characters, so a hostile name cannot flood or drive the terminal."""
    text = repr(value)
    return text if len(text) <= MAX_ECHO else text[: MAX_ECHO - 1] + "…"


class CloudwrightError(Exception):
    """Base class: a problem the user can act on. `hint` is printed under the message."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class InputError(CloudwrightError):
    """Malformed input file or argument. `location` is e.g. 'fleet.yaml:12' or a field path."""

    def __init__(self, message: str, *, location: str | None = None, hint: str | None = None):
        full = f"{location}: {message}" if location else message
        super().__init__(full, hint=hint)
        self.location = location


class UnknownNameError(InputError):
    """A name (cloud, region, GPU, instance type, ...) that is not in the catalog."""

    def __init__(
        self,
        kind: str,
        value: str,
        valid: Iterable[str],
        *,
        location: str | None = None,
        scope: str | None = None,
    ) -> None:
        suggestions = closest(value, valid)
        where = f" in {scope}" if scope else ""
        hint = f"did you mean: {', '.join(suggestions)}?" if suggestions else None
        super().__init__(f"unknown {kind} {echo(value)}{where}", location=location, hint=hint)
        self.kind = kind
        self.value = value
        self.suggestions = suggestions


class InfeasibleError(CloudwrightError):
    """No plan satisfies the constraints; the message names the binding constraint."""

    exit_code = 3


class DataError(CloudwrightError):
    """The catalog or another data file is missing, stale beyond use, or malformed."""

    exit_code = 4


class ToolMissingError(CloudwrightError):
    """An external tool (the Pulumi CLI, Chromium) is needed and not installed."""

    exit_code = 5


class NetworkError(CloudwrightError):
    """A fetch failed (offline, timeout, bad response); nothing was changed."""

    exit_code = 6


class ThresholdExceeded(CloudwrightError):
    """A CI gate tripped (e.g. --fail-above): the output was produced, and the exit code is 1."""

    exit_code = 1


def closest(value: str, valid: Iterable[str], n: int = 3) -> list[str]:
    """Up to n valid names closest to value (case-insensitive), best first. Names of the same
    family come first: 'A100' suggests A100-40GB and A100-80GB before A10."""
    options = sorted({str(v) for v in valid})
    by_lower: dict[str, str] = {}
    for option in options:
        by_lower.setdefault(option.lower(), option)
    needle = value.lower()
    stem = needle.split("-", 1)[0]
    family = [
        k
        for k in by_lower
        if len(stem) >= 2 and (k.startswith(needle) or k.split("-", 1)[0] == stem)
    ]
    similar = difflib.get_close_matches(needle, list(by_lower), n=n, cutoff=0.5)
    if not similar:
        # Prefix/substring hits help with short inputs such as 'h1' or 'east'.
        similar = [k for k in by_lower if needle and (needle in k or k in needle)][:n]
    matches = list(dict.fromkeys([*family, *similar]))[:n]
    return [by_lower[m] for m in matches]
