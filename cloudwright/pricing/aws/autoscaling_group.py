"""Auto Scaling group (`aws:autoscaling/group:Group`): desired capacity × the launch
template's instance type, plus the template's EBS volumes per instance, and egress.

Capacity: the usage file's `nodes`, else `desiredCapacity`, else `minSize` (AWS starts a group
at its minimum when no desired capacity is given). The template is found through the graph
(`launchTemplate`, `mixedInstancesPolicy.launchTemplate.launchTemplateSpecification`, or a
legacy `launchConfiguration`); the first instance-type override of a mixed-instances policy
wins over the template's own type.
"""

from __future__ import annotations

from collections.abc import Mapping

from cloudwright.pricing.aws.ebs_volume import ebs_components
from cloudwright.pricing.aws.ec2_instance import OS_LABEL, purchase_of
from cloudwright.pricing.aws.launch_template import template_of, template_spec
from cloudwright.pricing.components import CostComponent, Quantity, Unpriced
from cloudwright.pricing.compute import egress, instance_hours, node_count
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import lookup, num_input, raw, text
from cloudwright.resource_graph.model import Resource


def _capacity(resource: Resource) -> Quantity | None:
    desired = num_input(resource, "desired capacity", "desiredCapacity")
    if desired is not None:
        return desired
    return num_input(resource, "minimum size", "minSize")


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    mixed = raw(resource, "mixedInstancesPolicy")
    override_type = None
    if isinstance(mixed, Mapping):
        reference = lookup(mixed, "launchTemplate.launchTemplateSpecification")
        template = template_of(resource, ctx, "mixedInstancesPolicy", reference=reference)
        overrides = lookup(mixed, "launchTemplate.overrides")
        if isinstance(overrides, list) and overrides and isinstance(overrides[0], Mapping):
            override_type = text(overrides[0].get("instanceType"), "instance type override")
    elif raw(resource, "launchConfiguration") is not None:
        template = template_of(resource, ctx, "launchConfiguration")
    elif raw(resource, "launchTemplate") is not None:
        template = template_of(resource, ctx, "launchTemplate")
    else:
        template = Unpriced("the group names no launch template or configuration")
    spec = template_spec(template)
    nodes = node_count(resource, ctx, _capacity(resource), "desired capacity")
    components = [
        instance_hours(
            cloud="aws",
            os_label=OS_LABEL,
            instance_type=override_type or spec.instance_type,
            nodes=nodes,
            hours=ctx.compute_hours(resource),
            purchase=purchase_of(spec.market_options),
        )
    ]
    for number, device in enumerate(spec.block_devices):
        components += ebs_components(
            device, prefix=f"Volume {number + 1} per instance: ", count=nodes
        )
    return components + egress(resource, ctx, "aws")


PRICER = Pricer(
    types=("aws:autoscaling/group:Group",),
    summary="desired capacity × launch template instance type (resolved through the graph), "
    "template EBS volumes per instance, egress",
    price=price,
)
