"""Cost components shared by every cloud's machines: instance hours and internet egress.

Instances, groups, node pools and scale sets all bill the same way: nodes × hours × the
catalog's hourly price for the instance type in the region, with energy from the optimizer's
energy model. Egress is a usage quantity priced from the catalog's egress tiers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from cloudwright.optimizer.purchase import (
    COMMIT_BILLED_HOURS,
    COMMIT_COLUMN,
    billing_rule,
    label,
    term,
)
from cloudwright.pricing.components import (
    ComputeEnergy,
    CostComponent,
    EgressRate,
    InstanceHours,
    NetworkEnergy,
    Quantity,
    StatedRate,
    Text,
    Unpriced,
    unknown_reason,
)
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.usage import UsageValue
from cloudwright.pricing.values import times
from cloudwright.resource_graph.facts.machines import Launch
from cloudwright.resource_graph.facts.market import Market
from cloudwright.resource_graph.model import Resource, Unknown


@dataclass(frozen=True)
class Purchase:
    """How the machines are bought: the label in the component name and the price column."""

    label: str  # "on-demand", "spot", "preemptible", "pay as you go"
    spot: bool = False

    @classmethod
    def of(cls, market: Market, on_demand: str = "on-demand") -> Purchase:
        """From the facts layer's market; an unknown market prices on-demand (the higher
        price: an estimate that may not understate)."""
        return cls(market.label, spot=True) if market.spot is True else cls(on_demand)


def machine_type(launch: Launch | None, label: str = "instance type") -> Text:
    """The type a launch prices (its first listed type), or why it is not known."""
    if launch is None:
        return Unpriced(f"{label} is not set")
    value = launch.instance_type
    if isinstance(value, str):
        return value
    if isinstance(value, Unknown):
        return unknown_reason(label, value)
    if launch.template_missing:
        return Unpriced(launch.template_missing)
    if launch.template is not None:
        return Unpriced(f"launch template {launch.template.name} sets no {label}")
    setting = launch.definition.type_setting
    return Unpriced(f"{setting or label} is not set")


def declared_nodes(launch: Launch) -> Quantity | None:
    """The pool's declared node count as a quantity (None when it declares none)."""
    if isinstance(launch.nodes, Unknown):
        return unknown_reason(launch.nodes_setting or "node count", launch.nodes)
    return None if launch.nodes is None else float(launch.nodes)


def instance_hours(
    *,
    cloud: str,
    os_label: str,
    instance_type: Text,
    nodes: Quantity,
    hours: float,
    purchase: Purchase,
    energy_shape: str | None = None,
    note: str | None = None,
) -> CostComponent:
    """`Instance usage (Linux/UNIX, on-demand, p5.48xlarge)`: nodes × hours per month.
    `energy_shape` models another catalog shape's energy (see `ComputeEnergy`)."""
    shown = "unknown type" if isinstance(instance_type, Unpriced) else instance_type
    return CostComponent(
        name=f"Instance usage ({os_label}, {purchase.label}, {shown})",
        unit="hours",
        quantity=times(nodes, hours),
        price=InstanceHours(cloud, instance_type, spot=purchase.spot),
        energy=ComputeEnergy(nodes, energy_shape),
        note=note,
    )


Share = tuple[Quantity, Purchase]


def split_purchase(nodes: Quantity, on_demand: float | None, rest: Purchase) -> list[Share]:
    """Nodes split into an on-demand share and the rest bought as `rest` (spot)."""
    if isinstance(nodes, Unpriced) or on_demand is None:
        return [(nodes, rest)]
    pairs: list[Share] = [(on_demand, Purchase("on-demand")), (nodes - on_demand, rest)]
    return [(n, p) for n, p in pairs if not isinstance(n, Unpriced) and n > 0] or [(nodes, rest)]


def shared_hours(
    *, cloud: str, os_label: str, instance_type: Text, shares: list[Share], hours: float
) -> list[CostComponent]:
    """One instance-hours line per purchase share of a group's nodes."""
    return [
        instance_hours(
            cloud=cloud,
            os_label=os_label,
            instance_type=instance_type,
            nodes=nodes,
            hours=hours,
            purchase=purchase,
        )
        for nodes, purchase in shares
    ]


def egress(resource: Resource, ctx: PricingContext, cloud: str) -> list[CostComponent]:
    """`Outbound data transfer to Internet` when the usage gives egress_gb, else none
    (egress is usage-only: without a figure there is nothing to say about it).

    A figure given for a whole workload (the plan's serving egress, a usage file's
    `workloads:` section) is the workload's total: it is priced once, on the first of the
    workload's compute resources to ask (in graph order), not once per node."""
    out = _data_move(resource, ctx)
    hit = ctx.usage.lookup(resource, "egress_gb")
    if hit is None:
        return out
    if _per_workload(hit, resource) and not ctx.carries_workload_egress(resource):
        return out
    return [
        *out,
        CostComponent(
            name="Outbound data transfer to Internet",
            unit="GB",
            quantity=hit.value,
            price=EgressRate(cloud, "internet"),
            usage_based=True,
            usage_key="egress_gb",
            energy=NetworkEnergy(),
        ),
    ]


def _data_move(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    """The plan's one-off data move into the workload's region, amortised per month as the
    plan priced it (the catalog's egress tiers from `data.location`; the move is no cloud
    resource, so the plan states it), on the workload's first node resource."""
    value = ctx.usage.plan_values(resource).get("data_move_usd")
    if not value or not ctx.carries_workload_egress(resource):
        return []
    return [
        CostComponent(
            name="Data move into the region (one-off, amortised per month)",
            unit="months",
            quantity=1.0,
            price=StatedRate(
                value,
                "the plan: data.size_gb across the catalog's egress tiers from data.location, "
                "÷ fleet.data_amortization_months",
                "",
                f"plan:data-move:{resource.workload}",
            ),
        )
    ]


def _per_workload(hit: UsageValue, resource: Resource) -> bool:
    """A figure for the whole workload (or its region's share of a split one)."""
    name = resource.workload
    return bool(name) and (
        hit.source.endswith(f"workloads.{name}")
        or hit.source.endswith(f"workloads.{name}@{resource.region}")
    )


def node_count(
    resource: Resource, ctx: PricingContext, declared: Quantity | None, label: str
) -> Quantity:
    """Nodes of a group: the usage file's `nodes` wins, then the declared count."""
    override = ctx.usage_value(resource, "nodes")
    if override is not None:
        return override
    if declared is None:
        return Unpriced(f"{label} is not set; set nodes in the usage file")
    return declared


COMMIT_KEY = "commit_years"  # usage key: 1 or 3 prices on-demand compute as committed
_PURCHASE_IN_NAME = re.compile(r", (on-demand|pay as you go),")


def committed(
    components: list[CostComponent], resource: Resource, region: str | None, ctx: PricingContext
) -> list[CostComponent]:
    """On-demand instance-hours lines priced as a commitment when the usage (a plan's commit
    assignment, `cost --purchase`) sets `commit_years` for the resource: the hours run at the
    commit rate, plus the term's remaining hours of the month (it bills COMMIT_BILLED_HOURS
    h/month whatever runs) without energy. Spot lines stay spot. No commitment price for the
    type in the region: the line stays on-demand and says so (never $0)."""
    years = ctx.usage_value(resource, COMMIT_KEY)
    if not years:
        return components
    pricing = f"commit_{years:g}y"
    hours = ctx.compute_hours(resource)
    out: list[CostComponent] = []
    for c in components:
        price = c.price
        if not isinstance(price, InstanceHours) or price.spot:
            out.append(c)
            continue
        if not _has_commit_price(ctx, price, region, pricing):
            where = f"{price.cloud}:{region}" if region else f"{price.cloud} (region unknown)"
            missing = f"no {term(pricing)} price in the catalog for {_shown(price)} in {where}"
            note = f"{c.note}; {missing}" if c.note else missing
            out.append(replace(c, note=f"{note}: priced on-demand"))
            continue
        name = _PURCHASE_IN_NAME.sub(f", {label(pricing)},", c.name, count=1)
        if name == c.name:
            name = f"{c.name} [{label(pricing)}]"
        commit = replace(price, commit=pricing)
        out.append(replace(c, name=name, price=commit))
        if isinstance(c.quantity, Unpriced) or hours <= 0 or hours >= COMMIT_BILLED_HOURS:
            continue
        idle = c.quantity * (COMMIT_BILLED_HOURS / hours - 1.0)  # nodes × the hours not run
        out.append(
            CostComponent(
                name=f"Committed hours not run ({label(pricing)}, {_shown(price)})",
                unit="hours",
                quantity=idle,
                price=commit,
                note=billing_rule(pricing),
            )
        )
    return out


def _has_commit_price(
    ctx: PricingContext, price: InstanceHours, region: str | None, pricing: str
) -> bool:
    if region is None or isinstance(price.instance_type, Unpriced):
        return False
    rec = ctx.catalog.region_offering(price.cloud, region, price.instance_type)
    value = None if rec is None else rec.get(COMMIT_COLUMN[pricing])
    return isinstance(value, int | float) and math.isfinite(value)


def _shown(price: InstanceHours) -> str:
    return "unknown type" if isinstance(price.instance_type, Unpriced) else price.instance_type
