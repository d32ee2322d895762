"""Typed reads of resource inputs for pricers: numbers, names, flags, with unknowns explicit.

Inputs come as the engine holds them (camelCase keys, Unknown for computed or secret values).
A pricer asks for a path; it gets the value, `None` when the input is absent (the pricer then
applies the provider's documented default), or `Unpriced` when the value is not known.
State files also carry provider-computed defaults in `outputs`, so reads fall back to them.
The reading itself is the resource facts layer's (`resource_graph.facts.values`); this module
only turns values into quantities and names.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from cloudwright.pricing.components import Quantity, Text, Unpriced, unknown_reason
from cloudwright.resource_graph.facts.values import as_bool, first, lookup, merged_mapping, read
from cloudwright.resource_graph.model import Resource, Unknown

__all__ = [
    "flag",
    "known",
    "lookup",
    "merged_mapping",
    "num_input",
    "number",
    "raw",
    "text",
    "text_input",
    "times",
]


def raw(resource: Resource | Mapping[str, Any], *paths: str) -> Any:
    """The first present value among `paths`, in inputs then outputs; None if none is
    (`facts.values.read`: an empty string counts as absent)."""
    if isinstance(resource, Resource):
        return read(resource, *paths)
    return first(resource, *paths)


def number(value: Any, label: str) -> Quantity | None:
    """A quantity (numeric strings too: GCP sizes come as strings); None when absent.
    Every input read this way is a size, a count or a rate: NaN, infinite and negative values
    are not quantities, and price as unknown (never a NaN or negative cost)."""
    if value is None:
        return None
    if isinstance(value, Unknown):
        return unknown_reason(label, value)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return Unpriced(f"{label} is not a number ({_shown(value)})")
    try:
        quantity = float(value.strip() if isinstance(value, str) else value)
    except (ValueError, OverflowError):
        return Unpriced(f"{label} is not a usable number ({_shown(value)})")
    if not math.isfinite(quantity) or quantity < 0:
        return Unpriced(f"{label} is not a usable quantity ({_shown(value)})")
    return quantity


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


def text(value: Any, label: str) -> Text | None:
    if value is None:
        return None
    if isinstance(value, Unknown):
        return unknown_reason(label, value)
    if isinstance(value, str):
        return value
    return Unpriced(f"{label} is not a name ({value!r})")


def flag(value: Any) -> bool:
    """True only for a known true value (an unknown flag counts as unset)."""
    return as_bool(value) is True


def num_input(resource: Resource | Mapping[str, Any], label: str, *paths: str) -> Quantity | None:
    return number(raw(resource, *paths), label)


def text_input(resource: Resource | Mapping[str, Any], label: str, *paths: str) -> Text | None:
    return text(raw(resource, *paths), label)


def times(a: Quantity, b: Quantity) -> Quantity:
    if isinstance(a, Unpriced):
        return a
    if isinstance(b, Unpriced):
        return b
    return a * b


def known(value: Quantity | None, default: float) -> Quantity:
    return default if value is None else value
