"""Helpers every rule module shares: typed configuration with defaults, and small readers.

A rule module exposes `policies(context) -> list[Policy]`, building pulumi-policy
`ResourceValidationPolicy` / `StackValidationPolicy` objects whose validate callables close
over the `RuleContext`. Each policy declares its `PolicyConfigSchema` (with defaults) and
its default enforcement level; `settings()` applies the schema's defaults to whatever
configuration the engine (or the offline runner) passes in, so a rule never sees a
missing setting.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import PolicyConfigSchema

from cloudwright.policies import props as p
from cloudwright.policies.props import Unchecked
from cloudwright.policies.schema import with_defaults

CLOUD_SCOPES = ("aws", "gcp", "azure")


UNKNOWN_VALUES = "unknownValues"
UNKNOWN_SETTING: dict[str, Any] = {
    "type": "string",
    "enum": ["worst-case", "unchecked"],
    "default": "worst-case",
    "description": "A deciding value that is secret or computed at apply time: 'worst-case' "
    "fails a mandatory check as if it were the worst value (offline), 'unchecked' only lists "
    "it as unchecked.",
}


def schema(properties: dict[str, dict[str, Any]]) -> PolicyConfigSchema:
    """A policy's configuration schema; every policy also takes `unknownValues`."""
    return PolicyConfigSchema(properties={**properties, UNKNOWN_VALUES: UNKNOWN_SETTING})


class Findings:
    """What a rule found on one resource (or stack): messages, and deciding values that are
    unknown. `emit` reports the messages, then raises `Unchecked` for the unknowns, so a
    resource with a known problem and an unknown value gets both."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str | None]] = []
        self.unknowns: list[tuple[str, Any, str]] = []

    def add(self, message: str, urn: str | None = None) -> None:
        self.messages.append((message, urn))

    def unknown(self, what: str, value: Any, worst_case: str) -> None:
        if all(known != what for known, _, _ in self.unknowns):
            self.unknowns.append((what, value, worst_case))

    def emit(self, report: Any, *, with_urn: bool = False) -> None:
        for message, urn in self.messages:
            if with_urn:
                report(message, urn)
            else:
                report(message)
        if self.unknowns:
            raise Unchecked(self.unknowns)


def settings(args: Any, config_schema: PolicyConfigSchema | None) -> dict[str, Any]:
    """The policy's configuration with schema defaults filled in."""
    given: Mapping[str, Any] = args.get_config() or {}
    properties = config_schema.properties if config_schema is not None else {}
    return with_defaults(given, properties)


def string_list(value: Any) -> list[str]:
    """A configured list of strings (the engine may hand over any sequence type)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def number(value: Any) -> float | None:
    """Configured numbers arrive as floats from the engine (protobuf Struct) or ints from files."""
    if value is None or isinstance(value, bool):
        return None
    return float(value)


def short_type(resource_type: str) -> str:
    """'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock' → 'BucketPublicAccessBlock'."""
    return resource_type.rsplit(":", 1)[-1]


def scoped_match(cloud: str | None, value: str, patterns: list[str]) -> str | None:
    """The first glob matching `value`; 'aws:p5.*'-style patterns apply to that cloud only."""
    for pattern in patterns:
        scope, sep, rest = pattern.partition(":")
        if sep and scope.lower() in CLOUD_SCOPES:
            if scope.lower() == cloud and p.glob_match(value, [rest]):
                return pattern
        elif p.glob_match(value, [pattern]):
            return pattern
    return None
