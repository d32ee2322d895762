"""EC2 Fleet (`aws:ec2/fleet:Fleet`), Spot Fleet requests (`aws:ec2/spotFleetRequest:
SpotFleetRequest`) and On-Demand Capacity Reservations (`aws:ec2/capacityReservation:
CapacityReservation`).

Fleets: target capacity (instances; the usage file's `nodes` wins) × the instance type the
facts layer reads (the first override, else the launch template's, else the first launch
specification's), split by market: EC2 Fleet's `onDemandTargetCapacity` on-demand and the
rest at the `defaultTargetCapacityType`'s price; a Spot Fleet's `onDemandTargetCapacity`
on-demand and the rest spot. Weighted capacity is not applied (one unit, one instance).

Capacity reservations: `instanceCount` × the type's on-demand hours, billed whether or not
instances run in the reservation (instances that do are not billed again, so a graph that
also holds them counts that capacity twice: the estimate errs high, never low).
"""

from __future__ import annotations

from cloudwright.pricing.aws.ec2_instance import OS_LABEL
from cloudwright.pricing.components import CostComponent, InstanceHours, Unpriced
from cloudwright.pricing.compute import (
    Purchase,
    declared_nodes,
    egress,
    machine_type,
    node_count,
    shared_hours,
    split_purchase,
)
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import num_input, times
from cloudwright.resource_graph.facts.launch import launch_of
from cloudwright.resource_graph.facts.machines import definition
from cloudwright.resource_graph.facts.values import as_int, lower, read
from cloudwright.resource_graph.model import Resource

FLEET = "aws:ec2/fleet:Fleet"
RESERVATION = "aws:ec2/capacityReservation:CapacityReservation"


def _on_demand_share(resource: Resource, nodes: float) -> float:
    """Nodes bought on-demand; the rest of the target is spot (or on-demand, see below)."""
    spec = "targetCapacitySpecification." if resource.type == FLEET else ""
    on_demand = as_int(read(resource, f"{spec}onDemandTargetCapacity"))
    if isinstance(on_demand, int):
        return float(min(max(on_demand, 0), nodes))
    if resource.type == FLEET:
        kind = lower(read(resource, f"{spec}defaultTargetCapacityType"))
        spot = as_int(read(resource, f"{spec}spotTargetCapacity"))
        if kind != "spot" and not (isinstance(spot, int) and spot > 0):
            return nodes
    return 0.0


def _fleet(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    launch = launch_of(resource, ctx.index)
    assert launch is not None
    nodes = node_count(resource, ctx, declared_nodes(launch), launch.nodes_setting)
    on_demand = None if isinstance(nodes, Unpriced) else _on_demand_share(resource, nodes)
    components = shared_hours(
        cloud="aws",
        os_label=OS_LABEL,
        instance_type=machine_type(launch),
        shares=split_purchase(nodes, on_demand, Purchase("spot", spot=True)),
        hours=ctx.compute_hours(resource),
    )
    return components + egress(resource, ctx, "aws")


def _reservation(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    found = definition(resource)
    types = found.types if found is not None else []
    instance_type: str | Unpriced = (
        types[0] if types and isinstance(types[0], str) else Unpriced("instance type is not known")
    )
    count = num_input(resource, "instance count", "instanceCount")
    shown = instance_type if isinstance(instance_type, str) else "unknown type"
    return [
        CostComponent(
            name=f"Capacity reservation ({OS_LABEL}, on-demand, {shown})",
            unit="hours",
            quantity=times(
                count if count is not None else Unpriced("instanceCount is not set"),
                ctx.always_on_hours(resource),
            ),
            price=InstanceHours("aws", instance_type),
            note="billed whether or not instances use it; energy is counted on the "
            "instances that run in it",
        )
    ]


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    if resource.type == RESERVATION:
        return _reservation(resource, ctx)
    return _fleet(resource, ctx)


PRICER = Pricer(
    types=(FLEET, "aws:ec2/spotFleetRequest:SpotFleetRequest", RESERVATION),
    summary="fleets: target capacity × instance type, on-demand and spot shares; capacity "
    "reservations: instance count × on-demand hours",
    price=price,
)
