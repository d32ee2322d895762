"""Managed instance groups (`gcp:compute/instanceGroupManager:InstanceGroupManager`, zonal,
and `gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager`): target size ×
the instance template's machine, disks and GPUs, and egress.

Each version's `instanceTemplate` is found through the graph by the facts layer (property
dependencies, then self link or id, then name); a group with several versions prices each
version's share of `targetSize` (fixed, percent, the rest to the last). Size: the usage
file's `nodes` (use it when an autoscaler drives the group), else `targetSize`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from cloudwright.pricing.components import CostComponent, Quantity, Unpriced
from cloudwright.pricing.compute import Purchase, declared_nodes, egress, machine_type, node_count
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.gcp.machine import DEFAULT_DISK_TYPE, disk_components, machine_components
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import lookup, number, raw, text
from cloudwright.resource_graph.facts.launch import launches
from cloudwright.resource_graph.facts.machines import Launch
from cloudwright.resource_graph.model import Resource


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
    hours = ctx.compute_hours(resource)
    versions = launches(resource, ctx.index)
    shares: list[tuple[Launch, Quantity]]
    if ctx.usage_value(resource, "nodes") is not None or len(versions) == 1:
        # The usage file's node count (or the only version) takes the whole group.
        declared = number(raw(resource, "targetSize"), "target size")
        shares = [(versions[0], node_count(resource, ctx, declared, "targetSize"))]
    else:
        shares = [(v, declared_nodes(v) or Unpriced("target size is not set")) for v in versions]
    components: list[CostComponent] = []
    for launch, nodes in shares:
        label = f"Version {launch.label}: " if launch.label else ""
        props: Mapping[str, Any] = launch.template.inputs if launch.template is not None else {}
        found = machine_components(
            props,
            ctx,
            machine_type=machine_type(launch, "machine type"),
            nodes=nodes,
            hours=hours,
            purchase=Purchase.of(launch.market),
        )
        if launch.template is not None:
            found += _template_disks(launch.template, nodes)
        components += [replace(c, name=f"{label}{c.name}") for c in found] if label else found
    return components + egress(resource, ctx, "gcp")


PRICER = Pricer(
    types=(
        "gcp:compute/instanceGroupManager:InstanceGroupManager",
        "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
    ),
    summary="target size × instance template machine (resolved through the graph), disks, GPUs",
    price=price,
)
