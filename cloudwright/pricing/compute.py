"""Cost components shared by every cloud's machines: instance hours and internet egress.

Instances, groups, node pools and scale sets all bill the same way: nodes × hours × the
catalog's hourly price for the instance type in the region, with energy from the optimizer's
energy model. Egress is a usage quantity priced from the catalog's egress tiers.
"""

from __future__ import annotations

from dataclasses import dataclass

from cloudwright.pricing.components import (
    ComputeEnergy,
    CostComponent,
    EgressRate,
    InstanceHours,
    NetworkEnergy,
    Quantity,
    Text,
    Unpriced,
)
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.values import times
from cloudwright.resource_graph.model import Resource


@dataclass(frozen=True)
class Purchase:
    """How the machines are bought: the label in the component name and the price column."""

    label: str  # "on-demand", "spot", "preemptible", "pay as you go"
    spot: bool = False


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


def egress(resource: Resource, ctx: PricingContext, cloud: str) -> list[CostComponent]:
    """`Outbound data transfer to Internet` when the usage file gives egress_gb, else none
    (egress is usage-only: without a figure there is nothing to say about it)."""
    value = ctx.usage_value(resource, "egress_gb")
    if value is None:
        return []
    return [
        CostComponent(
            name="Outbound data transfer to Internet",
            unit="GB",
            quantity=value,
            price=EgressRate(cloud, "internet"),
            usage_based=True,
            usage_key="egress_gb",
            energy=NetworkEnergy(),
        )
    ]


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
