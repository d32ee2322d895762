"""Managed instance groups (`gcp:compute/instanceGroupManager:InstanceGroupManager`, zonal,
and `gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager`): target size ×
the instance template's machine, disks and GPUs, and egress.

The template is the first version's `instanceTemplate`, found through the graph (property
dependencies, then self link or id, then name). Size: the usage file's `nodes` (use it when
an autoscaler drives the group), else `targetSize`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwright.pricing.components import CostComponent, Quantity, Unpriced
from cloudwright.pricing.compute import egress, node_count
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.gcp.machine import (
    DEFAULT_DISK_TYPE,
    disk_components,
    machine_components,
    purchase_of,
)
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import lookup, number, raw, text, text_input
from cloudwright.resource_graph.model import Resource

TEMPLATE_TYPES = (
    "gcp:compute/instanceTemplate:InstanceTemplate",
    "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
)


def _template(resource: Resource, ctx: PricingContext) -> Resource | Unpriced:
    ref = raw(resource, "versions.0.instanceTemplate")
    name = ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None
    hit = ctx.referenced(resource, TEMPLATE_TYPES, prop="versions", id_value=ref, name_value=name)
    if hit is None:
        hit = ctx.referenced(resource, TEMPLATE_TYPES, prop="instanceTemplate", id_value=ref)
    return hit if hit is not None else Unpriced("its instance template is not in this graph")


def _template_disks(template: Resource, nodes: Quantity) -> list[CostComponent]:
    out: list[CostComponent] = []
    disks: Any = raw(template, "disks")
    for number_, disk in enumerate(disks if isinstance(disks, list) else []):
        if not isinstance(disk, Mapping) or disk.get("source"):
            continue
        size = number(lookup(disk, "diskSizeGb"), "disk size")
        if size is None:
            size = Unpriced("disk size is set by the image")
        disk_type = text(lookup(disk, "diskType"), "disk type") or DEFAULT_DISK_TYPE
        label = "Boot disk" if disk.get("boot") else f"Disk {number_ + 1}"
        out += disk_components(disk_type, size, prefix=f"{label} per instance: ", count=nodes)
    return out


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    template = _template(resource, ctx)
    nodes = node_count(
        resource, ctx, number(raw(resource, "targetSize"), "target size"), "targetSize"
    )
    hours = ctx.compute_hours(resource)
    if isinstance(template, Unpriced):
        machine_type: Any = template
        props: Mapping[str, Any] = {}
    else:
        machine_type = text_input(template, "machine type", "machineType") or Unpriced(
            f"instance template {template.name} sets no machine type"
        )
        props = template.inputs
    components = machine_components(
        props,
        ctx,
        machine_type=machine_type,
        nodes=nodes,
        hours=hours,
        purchase=purchase_of(lookup(props, "scheduling")),
    )
    if not isinstance(template, Unpriced):
        components += _template_disks(template, nodes)
    return components + egress(resource, ctx, "gcp")


PRICER = Pricer(
    types=(
        "gcp:compute/instanceGroupManager:InstanceGroupManager",
        "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
    ),
    summary="target size × instance template machine (resolved through the graph), disks, GPUs",
    price=price,
)
