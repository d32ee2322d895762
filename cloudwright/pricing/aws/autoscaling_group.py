"""Auto Scaling group (`aws:autoscaling/group:Group`): desired capacity × the instance type it
launches, plus the template's EBS volumes per instance, and egress.

Capacity: the usage file's `nodes`, else `desiredCapacity`, else `minSize` (AWS starts a group
at its minimum when no desired capacity is given). The template, the instance type (the
first mixed-instances override wins over the template's own) and the market come from the
facts layer (`launchTemplate`, `mixedInstancesPolicy`, or a launch configuration; real state
records `launchConfiguration: ""` for none). A mixed-instances policy whose on-demand share
above base capacity is below 100 % splits the nodes: `onDemandBaseCapacity` plus that share
of the rest on-demand, the remainder at the spot price.
"""

from __future__ import annotations

from cloudwright.pricing.aws.ebs_volume import ebs_components
from cloudwright.pricing.aws.ec2_instance import OS_LABEL
from cloudwright.pricing.aws.launch_template import template_devices
from cloudwright.pricing.components import CostComponent, Unpriced
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
from cloudwright.pricing.values import raw
from cloudwright.resource_graph.facts.launch import launch_of
from cloudwright.resource_graph.facts.machines import Launch
from cloudwright.resource_graph.facts.values import as_int
from cloudwright.resource_graph.model import Resource

DISTRIBUTION = "mixedInstancesPolicy.instancesDistribution"


def _on_demand(resource: Resource, launch: Launch, nodes: float) -> float | None:
    """Nodes a mixed-instances group buys on-demand (None: the whole group is bought alike)."""
    if launch.market.setting != f"{DISTRIBUTION}.onDemandPercentageAboveBaseCapacity":
        return None
    base = as_int(raw(resource, f"{DISTRIBUTION}.onDemandBaseCapacity"))
    share = as_int(raw(resource, f"{DISTRIBUTION}.onDemandPercentageAboveBaseCapacity"))
    base_nodes = float(min(max(base, 0), nodes)) if isinstance(base, int) else 0.0
    percent = share if isinstance(share, int) else 100
    return base_nodes + (nodes - base_nodes) * percent / 100


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    launch = launch_of(resource, ctx.index)
    assert launch is not None
    nodes = node_count(resource, ctx, declared_nodes(launch), "desired capacity")
    purchase = Purchase.of(launch.market)
    on_demand = None
    if purchase.spot and not isinstance(nodes, Unpriced):
        on_demand = _on_demand(resource, launch, nodes)
    components = shared_hours(
        cloud="aws",
        os_label=OS_LABEL,
        instance_type=machine_type(launch),
        shares=split_purchase(nodes, on_demand, purchase),
        hours=ctx.compute_hours(resource),
    )
    for number, device in enumerate(template_devices(launch.template)):
        components += ebs_components(
            device, prefix=f"Volume {number + 1} per instance: ", count=nodes
        )
    return components + egress(resource, ctx, "aws")


PRICER = Pricer(
    types=("aws:autoscaling/group:Group",),
    summary="desired capacity × launch template / configuration instance type (resolved "
    "through the graph; mixed-instances spot share at the spot price), template EBS "
    "volumes per instance, egress",
    price=price,
)
