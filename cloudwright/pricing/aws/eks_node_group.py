"""EKS managed node group (`aws:eks/nodeGroup:NodeGroup`): desired size × instance type,
each node's disk, and egress.

Instance type: `instanceTypes[0]`, else the launch template's, else EKS's default (t3.medium,
per the EKS CreateNodegroup API). Nodes: the usage file's `nodes`, else
`scalingConfig.desiredSize`. `capacityType: SPOT` prices at the spot price. Disk: `diskSize`
(EKS defaults it to 20 GiB gp2 when no launch template gives block devices).
"""

from __future__ import annotations

from cloudwright.pricing.aws.ebs_volume import EbsArgs, ebs_components
from cloudwright.pricing.aws.ec2_instance import OS_LABEL
from cloudwright.pricing.aws.launch_template import template_of, template_spec
from cloudwright.pricing.components import CostComponent
from cloudwright.pricing.compute import Purchase, egress, instance_hours, node_count
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import num_input, raw, text_input
from cloudwright.resource_graph.model import Resource

# EKS API defaults (CreateNodegroup): product facts, not prices.
DEFAULT_INSTANCE_TYPE = "t3.medium"
DEFAULT_DISK_GB = 20.0
DEFAULT_DISK_TYPE = "gp2"


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    instance_type = text_input(resource, "instance type", "instanceTypes.0")
    template_devices: list[EbsArgs] = []
    has_template = raw(resource, "launchTemplate") is not None
    if has_template:
        spec = template_spec(template_of(resource, ctx, "launchTemplate"))
        instance_type = instance_type or spec.instance_type
        template_devices = spec.block_devices
    instance_type = instance_type or DEFAULT_INSTANCE_TYPE
    capacity = text_input(resource, "capacity type", "capacityType")
    purchase = Purchase("spot", spot=True) if capacity == "SPOT" else Purchase("on-demand")
    nodes = node_count(
        resource,
        ctx,
        num_input(resource, "desired size", "scalingConfig.desiredSize"),
        "scalingConfig.desiredSize",
    )
    components = [
        instance_hours(
            cloud="aws",
            os_label=OS_LABEL,
            instance_type=instance_type,
            nodes=nodes,
            hours=ctx.compute_hours(resource),
            purchase=purchase,
        )
    ]
    if template_devices:
        for number, device in enumerate(template_devices):
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
