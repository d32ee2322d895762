"""Policy configuration files: Pulumi's shape, checked against each policy's schema.

The file (YAML or JSON) has the shape `pulumi preview --policy-pack-config` takes:

    {"all": "advisory",                          # optional: every policy's level
     "monthly-budget": {"enforcementLevel": "mandatory", "monthlyUsd": 400000},
     "spot-only-in-dev": "disabled"}             # a bare level is shorthand

Levels resolve as Pulumi resolves them: the policy's own entry, else `all`, else the
policy's default. Every error names the file and line, the policy and the field, and
suggests the closest valid name; nothing is silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi_policy import EnforcementLevel, Policy

from cloudwright.core.errors import InputError, UnknownNameError
from cloudwright.core.yamlsource import SourceMap, load_yaml
from cloudwright.policies.schema import SchemaError, check_object, with_defaults

ALL = "all"
LEVEL_KEY = "enforcementLevel"
LEVELS = tuple(level.value for level in EnforcementLevel)


@dataclass(frozen=True)
class PolicyConfig:
    """Validated configuration: levels and properties per policy (defaults not applied)."""

    all_level: EnforcementLevel | None = None
    levels: dict[str, EnforcementLevel] = field(default_factory=dict)
    properties: dict[str, dict[str, Any]] = field(default_factory=dict)
    origin: str = ""

    def level_for(self, policy: Policy) -> EnforcementLevel:
        if policy.name in self.levels:
            return self.levels[policy.name]
        if self.all_level is not None:
            return self.all_level
        return policy.enforcement_level or EnforcementLevel.ADVISORY

    def properties_for(self, name: str) -> dict[str, Any]:
        return dict(self.properties.get(name, {}))

    def effective(self, policy: Policy) -> dict[str, Any]:
        """The policy's properties with schema defaults filled in (for reports)."""
        schema = policy.config_schema
        return with_defaults(self.properties_for(policy.name), schema.properties if schema else {})


class _Locator:
    """file:line of a policy config field (lines from the shared YAML loader)."""

    def __init__(self, source: SourceMap) -> None:
        self.source = source

    def at(self, *path: str) -> str:
        # Schema errors spell list indexes as strings ("regions", "1"); the map uses ints.
        return self.source.location(tuple(int(p) if p.isdigit() else p for p in path))


def _level(value: Any, where: str, policy: str) -> EnforcementLevel:
    if isinstance(value, str) and value.lower() in LEVELS:
        return EnforcementLevel(value.lower())
    raise UnknownNameError(
        "enforcement level", str(value), LEVELS, location=where, scope=f"{policy}.{LEVEL_KEY}"
    )


def _schema_path(path: str) -> list[str]:
    return [part for part in path.replace("[", ".").replace("]", "").split(".") if part]


def _entry(
    name: str, value: Any, policy: Policy, where: _Locator
) -> tuple[EnforcementLevel | None, dict[str, Any]]:
    if isinstance(value, str):
        return _level(value, where.at(name), name), {}
    if not isinstance(value, Mapping):
        raise InputError(
            f"{name}: expected an enforcement level or an object of settings, got {value!r}",
            location=where.at(name),
        )
    level = (
        _level(value[LEVEL_KEY], where.at(name, LEVEL_KEY), name) if LEVEL_KEY in value else None
    )
    properties = {str(k): v for k, v in value.items() if k != LEVEL_KEY}
    schema = policy.config_schema
    spec = {
        "properties": schema.properties if schema else {},
        "required": (schema.required or []) if schema else [],
        "additionalProperties": False,
    }
    try:
        check_object(properties, spec, name)
    except SchemaError as error:
        raise InputError(
            error.args[0], location=where.at(*_schema_path(error.path)), hint=error.hint
        ) from error
    return level, properties


def parse_policy_config(
    data: Any,
    policies: Sequence[Policy],
    *,
    origin: str = "policy config",
    source: SourceMap | None = None,
) -> PolicyConfig:
    """Validate a decoded configuration against the pack's policies (`source`, from the
    YAML loader, gives errors their line)."""
    where = _Locator(source or SourceMap(origin))
    if data is None:
        return PolicyConfig(origin=origin)
    if not isinstance(data, Mapping):
        raise InputError(
            "a policy configuration is an object keyed by policy name", location=origin
        )
    by_name = {policy.name: policy for policy in policies}
    all_level: EnforcementLevel | None = None
    levels: dict[str, EnforcementLevel] = {}
    properties: dict[str, dict[str, Any]] = {}
    for raw_name, value in data.items():
        name = str(raw_name)
        if name == ALL:
            level_value = value.get(LEVEL_KEY) if isinstance(value, Mapping) else value
            all_level = _level(level_value, where.at(name), ALL)
            continue
        policy = by_name.get(name)
        if policy is None:
            raise UnknownNameError("policy", name, [*by_name, ALL], location=where.at(name))
        level, props = _entry(name, value, policy, where)
        if level is not None:
            levels[name] = level
        if props:
            properties[name] = props
    return PolicyConfig(all_level, levels, properties, origin)


def load_policy_config(path: str | Path, policies: Sequence[Policy]) -> PolicyConfig:
    """Read and validate a policy configuration file (YAML or JSON; duplicate keys are
    errors, as in every file the shared loader reads)."""
    data, source = load_yaml(path, what="policy configuration", syntax="YAML/JSON")
    return parse_policy_config(data, policies, origin=source.origin, source=source)
