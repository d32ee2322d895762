"""EKS managed node group (`aws:eks/nodeGroup:NodeGroup`): desired size × instance type,
each node's disk, and egress.

Instance type: `instanceTypes[0]`, else the launch template's, else EKS's default (t3.medium,
per the EKS CreateNodegroup API), as the facts layer reads them. Nodes: the usage file's
`nodes`, else `scalingConfig.desiredSize`. `capacityType: SPOT` prices at the spot price.
Disk: `diskSize` (EKS defaults it to 20 GiB gp2 when no launch template gives block devices).
"""

from __future__ import annotations

from cloudwright.pricing.aws.ebs_volume import EbsArgs, ebs_components
from cloudwright.pricing.aws.ec2_instance import OS_LABEL
from cloudwright.pricing.aws.launch_template import template_devices
from cloudwright.pricing.components import CostComponent
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
from cloudwright.pricing.values import num_input, raw
from cloudwright.resource_graph.facts.launch import launch_of
from cloudwright.resource_graph.model import Resource

# EKS API defaults (CreateNodegroup): product facts, not prices.
DEFAULT_DISK_GB = 20.0
DEFAULT_DISK_TYPE = "gp2"


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    launch = launch_of(resource, ctx.index)
    assert launch is not None
    template_disks = template_devices(launch.template)
    has_template = raw(resource, "launchTemplate") is not None
    nodes = node_count(resource, ctx, declared_nodes(launch), "scalingConfig.desiredSize")
    components = [
        instance_hours(
            cloud="aws",
            os_label=OS_LABEL,
            instance_type=machine_type(launch),
            nodes=nodes,
            hours=ctx.compute_hours(resource),
            purchase=Purchase.of(launch.market),
        )
    ]
    if template_disks:
        for number, device in enumerate(template_disks):
            components += ebs_components(
                device, prefix=f"Volume {number + 1} per node: ", count=nodes
            )
    elif not has_template:
        disk = num_input(resource, "disk size", "diskSize")
        args = EbsArgs(DEFAULT_DISK_TYPE, DEFAULT_DISK_GB if disk is None else disk)
        components += ebs_components(args, prefix="Node disk: ", count=nodes)
    return components + egress(resource, ctx, "aws")


PRICER = Pricer(
    types=("aws:eks/nodeGroup:NodeGroup",),
    summary="desired size × instance type (on-demand or spot), node disks, egress",
    price=price,
)
