"""Launch templates as seen by what launches them (Auto Scaling groups, EKS node groups,
instances). A template costs nothing itself (it is on the free list); its instance type,
purchase option and block devices price the group that references it.

The reference is resolved through the graph: the engine's property dependencies first
(exact even in a preview, where the template's id is unknown), then the id, then the name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cloudwright.pricing.aws.ebs_volume import EbsArgs, block_device_args
from cloudwright.pricing.components import Text, Unpriced
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.values import lookup, raw, text_input
from cloudwright.resource_graph.model import Resource

TEMPLATE_TYPES = (
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:ec2/launchConfiguration:LaunchConfiguration",
)


@dataclass(frozen=True)
class TemplateSpec:
    instance_type: Text
    market_options: Any = None
    block_devices: list[EbsArgs] = field(default_factory=list)


def template_of(
    resource: Resource, ctx: PricingContext, prop: str, reference: Any = None
) -> Resource | Unpriced:
    """The template `resource` launches from (`prop` is the input holding the reference)."""
    ref = reference if reference is not None else raw(resource, prop)
    ref = ref if isinstance(ref, Mapping) else {}
    id_value = lookup(ref, "id") if "id" in ref else lookup(ref, "launchTemplateId")
    name_value = lookup(ref, "name") if "name" in ref else lookup(ref, "launchTemplateName")
    if prop == "launchConfiguration":
        name_value = raw(resource, "launchConfiguration")
    hit = ctx.referenced(
        resource, TEMPLATE_TYPES, prop=prop, id_value=id_value, name_value=name_value
    )
    if hit is None:
        return Unpriced("its launch template is not in this graph")
    return hit


def template_spec(template: Resource | Unpriced) -> TemplateSpec:
    if isinstance(template, Unpriced):
        return TemplateSpec(template)
    instance_type = text_input(template, "instance type", "instanceType")
    if instance_type is None:
        instance_type = Unpriced(f"launch template {template.name} sets no instance type")
    devices: list[EbsArgs] = []
    mappings = raw(template, "blockDeviceMappings")
    for mapping in mappings if isinstance(mappings, list) else []:
        ebs = lookup(mapping, "ebs") if isinstance(mapping, Mapping) else None
        if isinstance(ebs, Mapping) and raw(ebs, "volumeSize") is not None:
            devices.append(block_device_args(ebs, size_label="volume size"))
    return TemplateSpec(instance_type, raw(template, "instanceMarketOptions"), devices)
