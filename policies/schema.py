"""A small JSON-Schema checker for policy configuration, with errors that name the field.

Pulumi validates a pack's configuration against each policy's `PolicyConfigSchema` before
it runs the pack; the offline runner has to do the same without the Pulumi CLI. The
schemas in this pack use a small part of JSON Schema (type, enum, minimum/maximum,
minLength, pattern, items, minItems, properties, required, additionalProperties,
default), and this module
checks exactly that part. Unknown property names are errors (with did-you-mean), so a
typo like `monthlyUSD` cannot silently disable a budget.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping
from typing import Any

from cloudwright.core.errors import closest

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "array": (list, tuple),
    "object": (dict, Mapping),
}


_MAX_NUMBER = 1e15  # beyond any setting (a budget of US$10^15); keeps arithmetic finite


class SchemaError(Exception):
    """One problem with a value: the dotted path to it and what is wrong."""

    def __init__(self, path: str, message: str, hint: str | None = None) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message
        self.hint = hint


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"number {value}"
    if isinstance(value, str):
        return f"string {value!r}"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return "null" if value is None else type(value).__name__


def _type_ok(value: Any, expected: str) -> bool:
    if isinstance(value, bool) and expected in ("number", "integer"):
        return False
    if expected == "integer" and isinstance(value, float):
        return value.is_integer()
    if expected == "null":
        return value is None
    return isinstance(value, _TYPES.get(expected, (object,)))


def _check_type(value: Any, schema: Mapping[str, Any], path: str) -> None:
    expected = schema.get("type")
    if expected is None:
        return
    options = expected if isinstance(expected, list) else [expected]
    if not any(_type_ok(value, t) for t in options):
        raise SchemaError(path, f"expected {' or '.join(options)}, got {_describe(value)}")


def _check_scalar(value: Any, schema: Mapping[str, Any], path: str) -> None:
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(repr(v) for v in schema["enum"])
        hint = None
        if isinstance(value, str):
            near = closest(value, [str(v) for v in schema["enum"]])
            hint = f"did you mean: {', '.join(near)}?" if near else None
        raise SchemaError(path, f"{value!r} is not one of {allowed}", hint)
    if isinstance(value, int | float) and not isinstance(value, bool):
        # JSON Schema numbers are finite: a NaN budget would compare false and pass every check.
        if isinstance(value, float) and not math.isfinite(value):
            raise SchemaError(path, f"expected a finite number, got {value}")
        if abs(value) > _MAX_NUMBER:
            raise SchemaError(path, "number too large")
        if "minimum" in schema and value < schema["minimum"]:
            raise SchemaError(path, f"{value} is below the minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            raise SchemaError(path, f"{value} is above the maximum {schema['maximum']}")
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        raise SchemaError(path, f"must be at least {schema['minLength']} character(s)")
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        raise SchemaError(path, f"{value!r} does not match {schema['pattern']}")


def _check_array(value: Any, schema: Mapping[str, Any], path: str) -> None:
    if len(value) < schema.get("minItems", 0):
        raise SchemaError(path, f"needs at least {schema['minItems']} item(s)")
    items = schema.get("items")
    if isinstance(items, Mapping):
        for index, item in enumerate(value):
            check(item, items, f"{path}[{index}]")


def check_object(value: Mapping[str, Any], schema: Mapping[str, Any], path: str) -> None:
    """Check an object's properties; unknown names are errors unless the schema allows them."""
    properties: Mapping[str, Any] = schema.get("properties", {})
    for name in schema.get("required", []):
        if name not in value:
            raise SchemaError(_join(path, name), "is required")
    extra = schema.get("additionalProperties", False)
    for name, item in value.items():
        sub = properties.get(name)
        if sub is not None:
            check(item, sub, _join(path, name))
        elif isinstance(extra, Mapping):
            check(item, extra, _join(path, str(name)))
        elif extra is not True:
            near = closest(str(name), properties)
            hint = f"did you mean: {', '.join(near)}?" if near else None
            valid = ", ".join(sorted(properties)) or "none"
            raise SchemaError(
                _join(path, str(name)), f"unknown setting (valid settings: {valid})", hint
            )


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def check(value: Any, schema: Mapping[str, Any], path: str = "") -> None:
    """Raise SchemaError for the first way `value` breaks `schema`."""
    _check_type(value, schema, path)
    if isinstance(value, Mapping):
        check_object(value, schema, path)
    elif isinstance(value, list | tuple):
        _check_array(value, schema, path)
    else:
        _check_scalar(value, schema, path)


def with_defaults(
    config: Mapping[str, Any] | None, properties: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """The configuration with each absent property set to its schema `default`."""
    merged: dict[str, Any] = {}
    for name, spec in properties.items():
        if "default" in spec:
            merged[name] = copy.deepcopy(spec["default"])
    for name, value in (config or {}).items():
        merged[str(name)] = value
    return merged
