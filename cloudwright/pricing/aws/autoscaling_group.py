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
from cloudwright.pricing.components import CostComponent, Quantity, Unpriced
from cloudwright.pricing.compute import (
    Purchase,
    declared_nodes,
    egress,
    instance_hours,
    machine_type,
    node_count,
)
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import raw
from cloudwright.resource_graph.facts.launch import launch_of
from cloudwright.resource_graph.facts.machines import Launch
from cloudwright.resource_graph.facts.values import as_int
from cloudwright.resource_graph.model import Resource

DISTRIBUTION = "mixedInstancesPolicy.instancesDistribution"


def _split(resource: Resource, launch: Launch, nodes: Quantity) -> list[tuple[Quantity, Purchase]]:
    """(nodes, purchase) pairs: on-demand and spot shares of a mixed-instances group."""
    purchase = Purchase.of(launch.market)
    if (
        not purchase.spot
        or launch.market.setting != f"{DISTRIBUTION}.onDemandPercentageAboveBaseCapacity"
    ):
        return [(nodes, purchase)]
    if isinstance(nodes, Unpriced):
        return [(nodes, purchase)]
    base = as_int(raw(resource, f"{DISTRIBUTION}.onDemandBaseCapacity"))
    share = as_int(raw(resource, f"{DISTRIBUTION}.onDemandPercentageAboveBaseCapacity"))
    base_nodes = float(min(max(base, 0), nodes)) if isinstance(base, int) else 0.0
    percent = share if isinstance(share, int) else 100
    on_demand = base_nodes + (nodes - base_nodes) * percent / 100
    pairs = [(on_demand, Purchase("on-demand")), (nodes - on_demand, purchase)]
    return [(n, p) for n, p in pairs if n > 0] or [(nodes, purchase)]


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    launch = launch_of(resource, ctx.index)
    assert launch is not None
    nodes = node_count(resource, ctx, declared_nodes(launch), "desired capacity")
    instance_type = machine_type(launch)
    components = [
        instance_hours(
            cloud="aws",
            os_label=OS_LABEL,
            instance_type=instance_type,
            nodes=share,
            hours=ctx.compute_hours(resource),
            purchase=purchase,
        )
        for share, purchase in _split(resource, launch, nodes)
    ]
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
