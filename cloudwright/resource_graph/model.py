"""The resource graph: one schema for every way a Pulumi program's resources are seen.

Readers (offline preview under mocks, `pulumi preview --json`, `pulumi stack export`,
file-backend checkpoints) all produce a `Graph`; pricing, reports and policies read only
this. Values that Pulumi could not know (its unknown sentinel) or would not show
(`[secret]`) become `Unknown` objects, so a consumer can say "unknown" instead of guessing.

JSON form (graph.json, `schema: cloudwright.graph/v1`): resources carry plain JSON inputs,
with unknowns encoded as {"$unknown": "computed"} or {"$unknown": "secret"}.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cloudwright.core.errors import InputError
from cloudwright.core.fsio import write_text

SCHEMA = "cloudwright.graph/v1"

# Pulumi's wire value for "not known until apply" (sdk/go/common/resource/plugin/rpc.go).
PULUMI_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
PULUMI_SECRET_TEXT = "[secret]"
# Signature key Pulumi uses for secret values in state files.
PULUMI_SIG_KEY = "4dabf18193072939515e22adb298388d"
PULUMI_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"

Source = Literal[
    "offline-preview", "preview-json", "stack-export", "checkpoint", "plan", "program-mocks"
]
SOURCES: tuple[str, ...] = (
    "offline-preview",
    "preview-json",
    "stack-export",
    "checkpoint",
    "plan",
    "program-mocks",  # a Pulumi program run under mocks (resource_graph.program)
)

# What happened to a resource in this view. State files (export/checkpoint) and offline
# previews use "create"/"same"; `pulumi preview --json` passes its step op through.
Op = str


@dataclass(frozen=True)
class Unknown:
    """A value that is not known: computed at apply time, or hidden as a secret."""

    reason: Literal["computed", "secret"] = "computed"

    def __repr__(self) -> str:
        return f"<unknown:{self.reason}>"


COMPUTED = Unknown("computed")
SECRET = Unknown("secret")


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


def normalize_value(value: Any) -> Any:
    """Turn Pulumi's sentinels (in engine JSON) into Unknown, recursively."""
    if isinstance(value, str):
        if value == PULUMI_UNKNOWN:
            return COMPUTED
        if value == PULUMI_SECRET_TEXT:
            return SECRET
        return value
    if isinstance(value, Mapping):
        if value.get(PULUMI_SIG_KEY) == PULUMI_SECRET_SIG:
            return SECRET
        return {k: normalize_value(v) for k, v in value.items() if k != "__defaults"}
    if isinstance(value, list):
        return [normalize_value(v) for v in value]
    return value


def _encode(value: Any) -> Any:
    if isinstance(value, Unknown):
        return {"$unknown": value.reason}
    if isinstance(value, Mapping):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, Mapping):
        if set(value) == {"$unknown"}:
            return SECRET if value["$unknown"] == "secret" else COMPUTED
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value[:40]!r}"
    return "a list" if isinstance(value, list) else "an object"


class _Fields:
    """Typed reads of one JSON object's fields; a wrong type is an InputError naming it."""

    def __init__(self, data: Mapping[str, Any], where: str, origin: str | None = None) -> None:
        self.data, self.where, self.origin = data, where, origin

    def value(
        self, key: str, kinds: tuple[type, ...], label: str, default: Any, required: bool = False
    ) -> Any:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self._error(key, "is required")
            return default
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise self._error(key, f"expected {label}, got {_kind(value)}")
        return value

    def text(self, key: str, required: bool = False) -> Any:
        return self.value(key, (str,), "a string", None, required)

    def flag(self, key: str, default: bool) -> bool:
        return bool(self.value(key, (bool,), "true or false", default))

    def mapping(self, key: str, default: Any) -> Any:
        return self.value(key, (Mapping,), "an object", default)

    def _error(self, key: str, problem: str) -> InputError:
        path = key if self.where == "graph" else f"{self.where}.{key}"
        return InputError(f"{path}: {problem}", location=self.origin)


def cloud_of_type(type_token: str) -> str | None:
    """'aws:ec2/instance:Instance' → 'aws'; azure-native and classic azure → 'azure'."""
    package = type_token.split(":", 1)[0]
    if package == "aws" or package == "gcp":
        return package
    if package in ("azure-native", "azure"):
        return "azure"
    if package == "cloudwright":
        parts = type_token.split(":")
        # cloudwright:site:*: an own site (fleet `sites`), its region the site's name.
        known = ("aws", "gcp", "azure", "site")
        return parts[1] if len(parts) > 2 and parts[1] in known else None
    return None


@dataclass
class Resource:
    urn: str
    type: str
    name: str
    custom: bool = True
    parent: str | None = None
    provider: str | None = None  # provider resource URN (without the ::id suffix)
    cloud: str | None = None
    region: str | None = None
    zone: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    op: Op = "create"
    old_inputs: dict[str, Any] | None = None  # preview updates/deletes: the state before
    workload: str | None = None  # from the cloudwright tags/labels, when present
    # input property → URNs it was computed from (engine `propertyDependencies`); lets a
    # consumer resolve references whose values are unknown in a preview (ASG → template).
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)

    @property
    def is_provider(self) -> bool:
        return self.type.startswith("pulumi:providers:")

    @property
    def is_component(self) -> bool:
        return not self.custom and not self.is_provider

    def get(self, path: str, default: Any = None) -> Any:
        """Input at a dotted path ('launchTemplate.id', 'networkInterfaces.0.type'); an
        `Unknown` on the way comes back as is (`facts.values.lookup`)."""
        from cloudwright.resource_graph.facts.values import lookup

        return lookup(self.inputs, path, default)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "custom": self.custom,
            "parent": self.parent,
            "provider": self.provider,
            "cloud": self.cloud,
            "region": self.region,
            "zone": self.zone,
            "op": self.op,
            "workload": self.workload,
            "inputs": _encode(self.inputs),
        }
        if self.outputs:
            out["outputs"] = _encode(self.outputs)
        if self.old_inputs is not None:
            out["old_inputs"] = _encode(self.old_inputs)
        if self.property_dependencies:
            out["property_dependencies"] = self.property_dependencies
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: str = "resource") -> Resource:
        """One resource of a graph.json; a field of the wrong type is an InputError naming
        it (`where` says which resource)."""
        if not isinstance(data, Mapping):
            raise InputError(f"{where}: expected an object, got {_kind(data)}")
        f = _Fields(data, where)
        old = f.mapping("old_inputs", None)
        dependencies = f.mapping("property_dependencies", {})
        for key, urns in dependencies.items():
            if not isinstance(urns, list) or not all(isinstance(u, str) for u in urns):
                raise InputError(f"{where}.property_dependencies.{key}: expected a list of URNs")
        return cls(
            urn=f.text("urn", required=True),
            type=f.text("type", required=True),
            name=f.text("name", required=True),
            custom=f.flag("custom", True),
            parent=f.text("parent"),
            provider=f.text("provider"),
            cloud=f.text("cloud"),
            region=f.text("region"),
            zone=f.text("zone"),
            inputs=_decode(f.mapping("inputs", {})),
            outputs=_decode(f.mapping("outputs", {})),
            op=f.text("op") or "create",
            old_inputs=_decode(old) if old is not None else None,
            workload=f.text("workload"),
            property_dependencies={str(k): list(v) for k, v in dependencies.items()},
        )


@dataclass
class Graph:
    source: Source
    resources: list[Resource]
    project: str = ""
    stack: str = ""
    config: dict[str, Any] = field(default_factory=dict)
    plan_id: str | None = None
    origin: str = ""  # the file or program the graph was read from
    notes: list[str] = field(default_factory=list)  # what a reader wants the reports to say
    # Workload → usage the plan priced (resource_graph.plan_usage), when the graph is a plan's
    # preview: every cost path prices these hours, utilisation, storage and egress.
    plan_usage: dict[str, dict[str, float]] = field(default_factory=dict)
    budget_monthly_usd: float | None = None  # the plan's fleet budget, for the reports

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources)

    def __len__(self) -> int:
        return len(self.resources)

    def custom_resources(self) -> list[Resource]:
        """Real cloud resources: no providers, no components."""
        return [r for r in self.resources if r.custom and not r.is_provider]

    def by_urn(self) -> dict[str, Resource]:
        return {r.urn: r for r in self.resources}

    def children_of(self, urn: str) -> list[Resource]:
        return [r for r in self.resources if r.parent == urn]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "source": self.source,
            "origin": self.origin,
            "project": self.project,
            "stack": self.stack,
            "plan_id": self.plan_id,
            "config": _encode(self.config),
            "resources": [r.to_json() for r in self.resources],
            **({"notes": list(self.notes)} if self.notes else {}),
            **({"plan_usage": self.plan_usage} if self.plan_usage else {}),
            **(
                {"budget_monthly_usd": self.budget_monthly_usd}
                if self.budget_monthly_usd is not None
                else {}
            ),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], origin: str = "graph") -> Graph:
        """A graph.json document; every field is checked for its type (InputError naming the
        file and the field), so nothing downstream meets a number where a name belongs."""
        if not isinstance(data, Mapping) or data.get("schema") != SCHEMA:
            schema = data.get("schema") if isinstance(data, Mapping) else None
            raise InputError(
                f"not a Cloudwright resource graph (schema {schema!r}, expected {SCHEMA!r})",
                location=origin,
            )
        f = _Fields(data, "graph", origin)
        raw = f.value("resources", (list,), "a list of resources", [])
        resources = [
            Resource.from_json(r, where=f"{origin}: resources[{i}]") for i, r in enumerate(raw)
        ]
        source = f.text("source") or "offline-preview"
        if source not in SOURCES:
            raise InputError(
                f"source: {source!r} is not one of {', '.join(SOURCES)}", location=origin
            )
        notes = f.value("notes", (list,), "a list of strings", [])
        if not all(isinstance(n, str) for n in notes):
            raise InputError("notes: expected a list of strings", location=origin)
        return cls(
            source=source,  # type: ignore[arg-type]  # checked against SOURCES above
            resources=resources,
            project=f.text("project") or "",
            stack=f.text("stack") or "",
            config=_decode(f.mapping("config", {})),
            plan_id=f.text("plan_id"),
            origin=f.value("origin", (str,), "a string", origin),
            notes=list(notes),
            plan_usage=_plan_usage(f.mapping("plan_usage", {}), origin),
            budget_monthly_usd=_budget(
                f.value("budget_monthly_usd", (int, float), "a number", None), origin
            ),
        )

    def save(self, path: str | Path) -> None:
        write_text(path, json.dumps(self.to_json(), indent=2) + "\n")


def _plan_usage(raw: Mapping[str, Any], origin: str) -> dict[str, dict[str, float]]:
    """graph.json `plan_usage`: workload → {usage key: finite number ≥ 0}."""
    out: dict[str, dict[str, float]] = {}
    for workload, values in raw.items():
        if not isinstance(values, Mapping):
            raise InputError(f"plan_usage.{workload}: expected an object", location=origin)
        row: dict[str, float] = {}
        for key, value in values.items():
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not ok or not math.isfinite(value) or value < 0:
                raise InputError(
                    f"plan_usage.{workload}.{key}: expected a finite number ≥ 0, got {value!r}",
                    location=origin,
                )
            row[str(key)] = float(value)
        out[str(workload)] = row
    return out


def _budget(value: Any, origin: str) -> float | None:
    """graph.json `budget_monthly_usd`: a finite amount > 0, or absent."""
    if value is None:
        return None
    if isinstance(value, bool) or not math.isfinite(value) or value <= 0:
        raise InputError(
            f"budget_monthly_usd: expected a finite amount > 0, got {value!r}", location=origin
        )
    return float(value)
