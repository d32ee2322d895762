"""The cost report: what `estimate` returns and what every renderer reads.

JSON form (`schema: cloudwright.cost/v1`) follows the contract in ../shared/DESIGN.md —
`resources[]` with `urn`, `name`, `type`, `cloud`, `region`, `status`, `hourly_usd`,
`monthly_usd`, `energy_kwh_month`, `carbon_kg_month`, `components[]` (`name, unit, quantity,
unit_price_usd, monthly_usd`), `totals`, `unsupported_types` — and adds what users need:
workload, per-step op and Δ against the state before a preview, price source and date,
energy basis, the catalog snapshot date, and an explicit "estimate" note.

Statuses: `priced` (every component priced), `partial` (some component's quantity or price is
unknown: the figure is a lower bound), `unknown` (nothing could be priced), `free`,
`unsupported`. Unknown amounts are null in JSON, never 0.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SCHEMA = "cloudwright.cost/v1"

Status = Literal["priced", "partial", "unknown", "free", "unsupported"]
ComponentStatus = Literal["priced", "unknown", "usage"]
STATUSES: tuple[str, ...] = ("priced", "partial", "unknown", "free", "unsupported")


@dataclass
class ComponentCost:
    name: str
    unit: str
    quantity: float | None
    unit_price_usd: float | None
    monthly_usd: float | None
    status: ComponentStatus = "priced"  # "usage": waits on a usage-file value
    reason: str | None = None
    usage_based: bool = False
    usage_key: str | None = None
    price_source: str | None = None
    price_date: str | None = None
    energy_kwh_month: float | None = None
    carbon_kg_month: float | None = None
    energy_basis: str | None = None  # "modelled" | "measured"
    note: str | None = None
    # The catalog row behind the price: cloud:instance:<type>:<on-demand|spot>,
    # cloud:<service>:<product>:<catalog unit>, or cloud:egress:<destination>:GB.
    sku: str | None = None


@dataclass
class ResourceCost:
    urn: str
    name: str
    type: str
    cloud: str | None
    region: str | None
    status: Status
    hourly_usd: float | None = None
    monthly_usd: float | None = None
    energy_kwh_month: float | None = None
    carbon_kg_month: float | None = None
    components: list[ComponentCost] = field(default_factory=list)
    zone: str | None = None
    workload: str | None = None
    op: str = "same"
    counted: bool = True  # part of the stack after the update (not deleted, not read-only)
    reason: str | None = None
    energy_basis: str | None = None
    before_monthly_usd: float | None = None
    delta_monthly_usd: float | None = None
    before_carbon_kg_month: float | None = None
    delta_carbon_kg_month: float | None = None
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def unknown_components(self) -> int:
        return sum(1 for c in self.components if c.status == "unknown")

    @property
    def usage_pending(self) -> int:
        return sum(1 for c in self.components if c.status == "usage")


@dataclass
class Totals:
    monthly_usd: float = 0.0
    hourly_usd: float = 0.0
    energy_kwh_month: float = 0.0
    carbon_kg_month: float = 0.0
    resources: dict[str, int] = field(default_factory=dict)  # status → count (counted ones)
    unknown_components: int = 0
    usage_pending: int = 0
    complete: bool = True  # nothing unknown, nothing unsupported
    before_monthly_usd: float | None = None
    delta_monthly_usd: float | None = None
    before_carbon_kg_month: float | None = None
    delta_carbon_kg_month: float | None = None


@dataclass
class Group:
    monthly_usd: float = 0.0
    energy_kwh_month: float = 0.0
    carbon_kg_month: float = 0.0
    resources: int = 0


@dataclass
class CostReport:
    resources: list[ResourceCost]
    totals: Totals
    unsupported_types: dict[str, int]
    catalog_snapshot_date: str
    catalog_age_days: int | None = None
    hours_per_month: float = 730.0
    source_kind: str = ""
    origin: str = ""
    project: str = ""
    stack: str = ""
    plan_id: str | None = None
    has_changes: bool = False  # a preview: ops and Δ are meaningful
    generated_at: str = ""
    usage_origin: str | None = None
    notes: list[str] = field(default_factory=list)
    estimate_note: str = ""
    budget_monthly_usd: float | None = None  # the plan's fleet budget, when the source says

    def counted(self) -> list[ResourceCost]:
        return [r for r in self.resources if r.counted]

    def breakdown(self, key: Literal["cloud", "region", "workload"]) -> dict[str, Group]:
        """Counted spend grouped by cloud, `cloud:region`, or workload ('(none)' when untagged)."""
        out: dict[str, Group] = {}
        for r in self.counted():
            if r.status in ("free", "unsupported"):
                continue
            if key == "cloud":
                label = r.cloud or "(unknown)"
            elif key == "region":
                label = f"{r.cloud or '?'}:{r.region or '?'}"
            else:
                label = r.workload or "(none)"
            group = out.setdefault(label, Group())
            group.monthly_usd += r.monthly_usd or 0.0
            group.energy_kwh_month += r.energy_kwh_month or 0.0
            group.carbon_kg_month += r.carbon_kg_month or 0.0
            group.resources += 1
        return dict(sorted(out.items(), key=lambda kv: -kv[1].monthly_usd))

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "estimate": True,
            "note": self.estimate_note,
            "currency": "USD",
            "generated_at": self.generated_at,
            "catalog": {
                "snapshot_date": self.catalog_snapshot_date,
                "age_days": self.catalog_age_days,
            },
            "source": {
                "kind": self.source_kind,
                "origin": self.origin,
                "project": self.project,
                "stack": self.stack,
                "plan_id": self.plan_id,
                "has_changes": self.has_changes,
                "usage": self.usage_origin,
                "budget_monthly_usd": self.budget_monthly_usd,
            },
            "hours_per_month": self.hours_per_month,
            "totals": asdict(self.totals),
            "breakdown": {
                key: {k: asdict(v) for k, v in self.breakdown(key).items()}
                for key in ("cloud", "region", "workload")
            },
            "unsupported_types": dict(sorted(self.unsupported_types.items())),
            "notes": list(self.notes),
            "resources": [asdict(r) for r in self.resources],
        }

    @classmethod
    def from_json(cls, data: Any, origin: str = "cost report") -> CostReport:
        """Read a report written by `to_json` (for `cloudwright diff` on saved reports); every
        field is checked (`pricing.saved`): a malformed file is an InputError, never a crash."""
        from cloudwright.pricing.saved import report_from_json

        return report_from_json(data, origin)
