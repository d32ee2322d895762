"""Reading resource properties the way the policy engine hands them over.

Under `pulumi preview` the engine gives policies their properties wrapped in
pulumi-policy's unknown-checking proxies: touching a value that is not known until apply
raises `UnknownValueError`. The offline runner builds the same proxies from the resource
graph, so rules see identical objects either way. The helpers here read those proxies
without tripping over unknowns: a value that cannot be known comes back as `UNKNOWN`,
a value that is absent as the caller's default. Rules decide what an unknown means for
them (a tag whose value is computed is still present; a region that is computed cannot be
checked).

Provider properties arrive as the provider's configuration, where nested values such as
AWS `defaultTags` may be JSON text; `decode_json` turns those back into structures.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Final

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)

from cloudwright.resource_graph.model import Unknown

_SENTINELS: Final = frozenset(
    {
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_OBJECT_VALUE,
        UNKNOWN_STRING_VALUE,
    }
)


class _UnknownMarker:
    """The one value meaning 'Pulumi cannot know this before apply'."""

    _instance: _UnknownMarker | None = None

    def __new__(cls) -> _UnknownMarker:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Final = _UnknownMarker()
MISSING: Final = object()


def is_unknown(value: Any) -> bool:
    """True for the engine's unknown sentinels, graph `Unknown`s and `UNKNOWN`."""
    if value is UNKNOWN or isinstance(value, Unknown):
        return True
    return isinstance(value, str) and value in _SENTINELS


def _child(node: Any, part: str | int) -> Any:
    """One step down a property path: the child, MISSING, or UNKNOWN."""
    if is_unknown(node):
        return UNKNOWN
    try:
        if isinstance(node, Mapping):
            if part in node:
                value = node[part]
                return UNKNOWN if is_unknown(value) else value
            return MISSING
        if isinstance(node, Sequence) and not isinstance(node, str | bytes):
            index = int(part)
            if 0 <= index < len(node):
                value = node[index]
                return UNKNOWN if is_unknown(value) else value
    except UnknownValueError:
        return UNKNOWN
    except (ValueError, TypeError):
        return MISSING
    return MISSING


def get(props: Any, path: str, default: Any = None) -> Any:
    """The value at a dotted path ('rule.applyServerSideEncryptionByDefault.sseAlgorithm').

    Returns `UNKNOWN` when the value (or any step to it) is unknown, `default` when absent.
    """
    node = props
    for part in path.split("."):
        node = _child(node, part)
        if node is MISSING:
            return default
        if node is UNKNOWN:
            return UNKNOWN
    return node


def first(props: Any, *paths: str) -> Any:
    """The first of `paths` that is present (known or unknown), else None."""
    for path in paths:
        value = get(props, path, MISSING)
        if value is not MISSING:
            return value
    return None


def as_list(value: Any) -> list[Any]:
    """The elements (each possibly UNKNOWN); [] for None and for an unknown list (callers that
    must tell those apart test `is_unknown` first); a lone value becomes a one-item list."""
    if value is None or value is MISSING or is_unknown(value):
        return []
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [_child(value, i) for i in range(len(value))]
    return [value]


def items(value: Any) -> Iterator[tuple[str, Any]]:
    """(key, value) pairs of a mapping, values possibly UNKNOWN; nothing for non-mappings."""
    if not isinstance(value, Mapping):
        return
    for key in list(value):
        yield str(key), _child(value, key)


def as_bool(value: Any) -> bool | _UnknownMarker | None:
    """Booleans, and the 'true'/'false' strings some providers use (EC2 launch templates)."""
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def as_int(value: Any) -> int | _UnknownMarker | None:
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def decode_json(value: Any) -> Any:
    """Provider configuration keeps nested objects as JSON text; decode it when it is."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def glob_match(value: str, patterns: Iterable[str]) -> str | None:
    """The first shell-style pattern that matches `value` (case-insensitive), else None."""
    lowered = value.lower()
    for pattern in patterns:
        if fnmatch.fnmatchcase(lowered, pattern.lower()):
            return pattern
    return None


def last_segment(value: str) -> str:
    """'zones/us-central1-a/machineTypes/a3-highgpu-8g' → 'a3-highgpu-8g'."""
    return value.rstrip("/").rsplit("/", 1)[-1]


def raise_unknown(path: Sequence[str | int]) -> None:
    """Stop the rule the way the engine does when a deciding value is unknown at preview.

    Both `pulumi preview` and the offline runner turn this into an advisory "can't run
    policy during preview" note instead of a pass or a violation.
    """
    raise UnknownValueError(UNKNOWN_OBJECT_VALUE, [str(part) for part in path])
