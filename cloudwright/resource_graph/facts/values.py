"""Reading resource inputs: the one dotted-path getter and the coercions every reader shares.

Inputs are held the way the engine holds them (camelCase keys, lists, `Unknown` for values
that are computed at apply time or hidden as secrets). `lookup` walks a dotted path
('rootBlockDevice.volumeSize', 'disks.0.diskSizeGb'); an `Unknown` met on the way is
returned as is (the whole branch is not known), an absent step gives the default. The
coercions read the spellings providers use for the same thing: booleans as 'true'/'True',
numbers as strings, a lone value where a list is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Final

from cloudwright.resource_graph.model import COMPUTED, Resource, Unknown

MISSING: Final = object()


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


def lookup(node: Any, path: str, default: Any = None) -> Any:
    """The value at a dotted path; an `Unknown` on the way comes back as is, absent → default."""
    for part in path.split("."):
        if isinstance(node, Unknown):
            return node
        if isinstance(node, Mapping):
            if part not in node:
                return default
            node = node[part]
        elif isinstance(node, Sequence) and not isinstance(node, str | bytes):
            if not part.isdigit() or int(part) >= len(node):
                return default
            node = node[int(part)]
        else:
            return default
    return node


def first(node: Any, *paths: str) -> Any:
    """The first of `paths` that is present (known or unknown) and not None, else None."""
    for path in paths:
        value = lookup(node, path)
        if value is not None:
            return value
    return None


def bags(resource: Resource) -> tuple[Mapping[str, Any], ...]:
    """Inputs, then outputs: state files record provider-filled defaults in outputs."""
    return (resource.inputs, resource.outputs) if resource.outputs else (resource.inputs,)


def read(resource: Resource, *paths: str) -> Any:
    """The first present value among `paths`, in the inputs then the outputs; None if none.
    An empty string counts as absent (real state records `launchConfiguration: ""`)."""
    for bag in bags(resource):
        for path in paths:
            value = lookup(bag, path)
            if value is not None and value != "":
                return value
    return None


def merged_mapping(resource: Resource, path: str) -> dict[str, Any]:
    """The mapping at `path` with inputs over outputs, so provider-filled defaults recorded in
    a state file's outputs (a GKE node's disk type) show through where inputs are silent."""
    out: dict[str, Any] = {}
    for bag in (resource.outputs, resource.inputs):
        value = lookup(bag, path)
        if isinstance(value, Mapping):
            out.update({k: v for k, v in value.items() if v is not None})
    return out


def as_list(value: Any) -> list[Any]:
    """The elements of a list; [] for None and for an unknown list (test `is_unknown` first
    where that matters); a lone value becomes a one-item list."""
    if value is None or value is MISSING or isinstance(value, Unknown):
        return []
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return list(value)
    return [value]


def items(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key), item


def as_bool(value: Any) -> bool | Unknown | None:
    """Booleans and their string spellings ('true', 'False', 'TRUE'); None for anything else."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def as_int(value: Any) -> int | Unknown | None:
    """Whole numbers, numeric strings included; None for anything else (and for NaN/inf)."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def text(value: Any) -> str | Unknown | None:
    """A non-blank string (stripped), an `Unknown`, or None."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def lower(value: Any) -> str:
    """A string's lower-case form ('' for anything else): for case-insensitive spellings."""
    return value.strip().lower() if isinstance(value, str) else ""


def last_segment(value: str) -> str:
    """'zones/us-central1-a/machineTypes/a3-highgpu-8g' → 'a3-highgpu-8g'."""
    return value.rstrip("/").rsplit("/", 1)[-1]


def decode_json(value: Any) -> Any:
    """Policy documents and provider configuration may be JSON text; decode it when it is."""
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        from cloudwright.core.errors import CloudwrightError
        from cloudwright.core.jsonsource import parse_json

        try:  # bounded: a policy nested 50,000 levels deep stays text, not a RecursionError
            return parse_json(value, "JSON text in a resource input")
        except CloudwrightError:
            return value
    return value


def unknown_of(*values: Any) -> Unknown | None:
    """The first `Unknown` among `values` (a secret wins over a computed value), else None."""
    found = [v for v in values if isinstance(v, Unknown)]
    if not found:
        return None
    return next((v for v in found if v.reason == "secret"), found[0])


def describe_unknown(value: Any) -> str:
    """'a secret' / 'computed at apply time' for messages."""
    if isinstance(value, Unknown) and value.reason == "secret":
        return "a secret"
    return "computed at apply time"


def known_strings(values: Iterable[Any]) -> list[str]:
    return [v for v in values if isinstance(v, str)]


UNKNOWN: Final = COMPUTED


def arn_region(resource: Resource) -> str | None:
    """The region an AWS resource's ARN names (`arn:aws:<service>:<region>:…`), for state
    whose provider recorded no region (it came from the environment); None when there is no
    ARN or it is global (IAM, S3 ARNs carry no region)."""
    value = read(resource, "arn")
    if not isinstance(value, str) or not value.startswith("arn:"):
        value = resource.outputs.get("id")  # ECS services and others use the ARN as id
    if not isinstance(value, str) or not value.startswith("arn:"):
        return None
    parts = value.split(":")
    return parts[3] if len(parts) > 5 and parts[3] else None
