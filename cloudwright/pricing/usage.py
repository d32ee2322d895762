"""The usage file: quantities a resource's inputs cannot say (stored GB, egress, hours).

```yaml
version: 1
defaults:                    # per Pulumi type token; "*" applies to every resource
  "*": {hours_per_month: 730}
  aws:s3/bucket:Bucket: {storage_gb: 1000}
workloads:                   # per `workload` tag
  llm-pretrain: {gpu_utilization: 0.8, hours_per_month: 720}
resources:                   # per resource, by URN or by logical name
  llm-data: {storage_gb: 50000, egress_gb: 200}
```

Lookup order for one key, first hit wins: the resource (URN, then name), its workload, its
type, "*". Every key is declared in `USAGE_KEYS` with its bounds (a finite number, never
negative, at most MAX_USAGE where the key sets no maximum); anything else is an input
error that names the file and line. Values from a plan (hours, object storage) sit under
whatever the user's file says (`Usage.overlay`).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloudwright.core.errors import InputError, UnknownNameError
from cloudwright.core.yamlsource import SourceMap

if TYPE_CHECKING:
    from cloudwright.optimizer.plan import Plan
    from cloudwright.resource_graph.model import Resource

USAGE_VERSION = 1
MAX_USAGE = 1e15  # no monthly quantity comes near it (10^15 GB is a zettabyte)


@dataclass(frozen=True)
class UsageKey:
    doc: str
    minimum: float = 0.0
    maximum: float | None = None
    choices: tuple[float, ...] | None = None  # the only values allowed, when set


USAGE_KEYS: dict[str, UsageKey] = {
    "hours_per_month": UsageKey("hours the resource runs per month (compute, gateways)", 0, 744),
    "gpu_utilization": UsageKey("average GPU utilisation 0–1, for the energy model", 0, 1),
    "nodes": UsageKey("node count of an autoscaled group, when its inputs do not fix it", 0),
    "zones": UsageKey("zones a regional GKE node pool spans, when node_locations is unset", 1),
    "storage_gb": UsageKey(
        "GB stored in an object store (S3, GCS, Azure Blob), a log group, an Aurora cluster or "
        "a standard file share"
    ),
    "egress_gb": UsageKey("GB per month sent to the internet"),
    "data_processed_gb": UsageKey(
        "GB per month through a NAT gateway or load balancer, or sent over a VNet peering"
    ),
    "capacity_units": UsageKey("average load-balancer capacity units (LCU/NLCU) used per hour"),
    "requests": UsageKey("requests per month (Lambda invocations, Aurora I/O operations)"),
    "request_duration_ms": UsageKey("average duration of one Lambda invocation (ms)", 0, 900000),
    "log_ingestion_gb": UsageKey("GB of logs ingested per month (CloudWatch log groups)"),
    "dns_queries": UsageKey("DNS queries per month answered by a private DNS zone"),
    "put_requests": UsageKey("write/list requests per month to an object store"),
    "get_requests": UsageKey("read requests per month to an object store"),
    "root_volume_gb": UsageKey("root volume size when the machine image decides it (GB)", 0),
    "commit_years": UsageKey(
        "price on-demand compute as a commitment of this term (0 none, 1 or 3 years): the "
        "commit rate, billed 730 h/month whatever the hours run",
        0,
        3,
        choices=(0, 1, 3),
    ),
    "address_in_use": UsageKey(
        "share of the month a reserved external IP is attached (1 in use, 0 idle)", 0, 1
    ),
}

_SECTIONS = ("version", "defaults", "workloads", "resources")


@dataclass(frozen=True)
class UsageValue:
    value: float
    source: str  # e.g. "usage.yaml resources.llm-data"


@dataclass
class Usage:
    defaults: dict[str, dict[str, float]] = field(default_factory=dict)
    workloads: dict[str, dict[str, float]] = field(default_factory=dict)
    resources: dict[str, dict[str, float]] = field(default_factory=dict)
    origin: str = "usage"
    # Workload → what the plan priced (resource_graph.plan_usage): under this file's
    # resources and workloads sections, over its defaults.
    plan: dict[str, dict[str, float]] = field(default_factory=dict)

    def lookup(self, resource: Resource, key: str) -> UsageValue | None:
        for section, name in self._places(resource):
            values = getattr(self, section).get(name)
            if values is not None and key in values:
                origin = "plan workloads" if section == "plan" else f"{self.origin} {section}"
                return UsageValue(values[key], f"{origin}.{name}")
        return None

    def with_plan(self, plan: Mapping[str, Mapping[str, float]]) -> Usage:
        """This usage over a plan's (a shallow copy: a recording subclass keeps recording)."""
        out = copy.copy(self)
        out.plan = {k: dict(v) for k, v in plan.items()}
        return out

    def plan_key(self, resource: Resource) -> str:
        """The plan entry a resource's workload usage comes from: its region's, for a
        workload served from several regions (plan_usage.usage_key), else its workload's."""
        workload = resource.workload or ""
        regional = f"{workload}@{resource.region}"
        return regional if resource.region and regional in self.plan else workload

    def plan_values(self, resource: Resource) -> dict[str, float]:
        return self.plan.get(self.plan_key(resource), {})

    def value(self, resource: Resource, key: str) -> float | None:
        hit = self.lookup(resource, key)
        return hit.value if hit is not None else None

    def _places(self, resource: Resource) -> list[tuple[str, str]]:
        places = [("resources", resource.urn), ("resources", resource.name)]
        if resource.workload:
            places += [("workloads", resource.workload), ("plan", self.plan_key(resource))]
        places += [("defaults", resource.type), ("defaults", "*")]
        return places

    def overlay(self, other: Usage) -> Usage:
        """A new Usage where `other`'s values win over this one's, key by key."""

        def merge(
            a: dict[str, dict[str, float]], b: dict[str, dict[str, float]]
        ) -> dict[str, dict[str, float]]:
            out = {k: dict(v) for k, v in a.items()}
            for name, values in b.items():
                out.setdefault(name, {}).update(values)
            return out

        return Usage(
            merge(self.defaults, other.defaults),
            merge(self.workloads, other.workloads),
            merge(self.resources, other.resources),
            other.origin if other.resources or other.defaults else self.origin,
            merge(self.plan, other.plan),
        )

    def unmatched(self, resources: list[Resource]) -> list[str]:
        """Per-resource overrides that name no resource of the graph (likely typos)."""
        names = {r.urn for r in resources} | {r.name for r in resources}
        return sorted(k for k in self.resources if k not in names)


def load_usage(path: str | Path, *, known_types: set[str] | None = None) -> Usage:
    """Read and validate a usage file; errors name the file, the line and the field.
    Duplicate keys are errors (the shared loader, `cloudwright.core.yamlsource`)."""
    from cloudwright.core.yamlsource import load_yaml

    data, source = load_yaml(path, what="usage file")
    return parse_usage(data or {}, origin=source.origin, source=source, known_types=known_types)


def parse_usage(
    data: Any,
    *,
    origin: str = "usage",
    source: SourceMap | None = None,
    known_types: set[str] | None = None,
) -> Usage:
    """Validate decoded usage data; `source` (from the YAML loader) gives errors their line."""
    source = source or SourceMap(origin)

    def where(*path: str) -> str:
        return source.location(path)

    if not isinstance(data, Mapping):
        raise InputError("expected a mapping at the top level", location=where())
    for key in data:
        if key not in _SECTIONS:
            raise UnknownNameError("usage section", str(key), _SECTIONS, location=where(str(key)))
    version = data.get("version", USAGE_VERSION)
    if version != USAGE_VERSION:
        raise InputError(
            f"version: expected {USAGE_VERSION}, got {version!r}", location=where("version")
        )
    sections: dict[str, dict[str, dict[str, float]]] = {}
    for section in ("defaults", "workloads", "resources"):
        sections[section] = _section(data.get(section), section, where)
    if known_types is not None:
        valid = sorted(known_types | {"*"})
        for type_token in sections["defaults"]:
            if type_token not in valid:
                raise UnknownNameError(
                    "priced resource type",
                    type_token,
                    valid,
                    location=where("defaults", type_token),
                )
    return Usage(sections["defaults"], sections["workloads"], sections["resources"], origin=origin)


def _section(raw: Any, section: str, where: Any) -> dict[str, dict[str, float]]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise InputError(f"{section}: expected a mapping", location=where(section))
    out: dict[str, dict[str, float]] = {}
    for name, values in raw.items():
        label = f"{section}.{name}"
        if not isinstance(values, Mapping):
            raise InputError(f"{label}: expected a mapping of usage keys", location=where(section))
        out[str(name)] = {
            str(k): _checked(k, v, f"{label}.{k}", where(section, str(name), str(k)))
            for k, v in values.items()
        }
    return out


def _checked(key: Any, value: Any, label: str, location: str) -> float:
    spec = USAGE_KEYS.get(str(key))
    if spec is None:
        raise UnknownNameError("usage key", str(key), USAGE_KEYS, location=location)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{label}: expected a number, got {value!r}", location=location)
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(f"{label}: expected a finite number, got {value!r}", location=location)
    maximum = spec.maximum if spec.maximum is not None else MAX_USAGE
    if not spec.minimum <= value <= maximum:  # compared before float(): ints may be huge
        raise InputError(
            f"{label}: {value if abs(value) > 1e300 else format(value, 'g')} is out of range "
            f"(between {spec.minimum:g} and {maximum:g})",
            location=location,
        )
    if spec.choices is not None and value not in spec.choices:
        allowed = ", ".join(f"{c:g}" for c in spec.choices)
        raise InputError(f"{label}: expected one of {allowed}, got {value!r}", location=location)
    return float(value)


def usage_from_plan(plan: Plan) -> Usage:
    """What a plan already says about usage (resource_graph.plan_usage: hours per month, GPU
    utilisation, object storage and serving egress per workload), so the report prices and
    emits what the plan priced."""
    from cloudwright.resource_graph.plan_usage import plan_usage

    return Usage(origin="plan", plan=plan_usage(plan))
