"""GKE node pool (`gcp:container/nodePool:NodePool`): nodes × machine hours, node boot
disks, attached GPUs, and egress.

Nodes per zone: the usage file's `nodes`, else `nodeCount`, else `initialNodeCount`, else the
autoscaler's `minNodeCount` (`totalMinNodeCount` counts the whole pool). Zones: the number of
`nodeLocations`; a pool in a region without them spans the region's default zones (GKE uses
three; the usage file's `zones` overrides); a zonal pool has one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwright.pricing.components import CostComponent, Quantity, Unpriced
from cloudwright.pricing.compute import egress
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.gcp.machine import (
    GKE_DEFAULT_DISK_GB,
    GKE_DEFAULT_DISK_TYPE,
    GKE_DEFAULT_MACHINE_TYPE,
    disk_components,
    machine_components,
    purchase_of,
)
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import lookup, merged_mapping, number, text, times
from cloudwright.resource_graph.model import Resource

# GKE places a regional pool's nodes in three zones unless node locations say otherwise.
GKE_REGIONAL_DEFAULT_ZONES = 3.0


def zone_count(resource: Resource, ctx: PricingContext, locations: Any) -> float:
    if isinstance(locations, list) and locations:
        return float(len(locations))
    override = ctx.usage_value(resource, "zones")
    if override is not None:
        return override
    return 1.0 if resource.zone else GKE_REGIONAL_DEFAULT_ZONES


def pool_nodes(resource: Resource, ctx: PricingContext, source: Mapping[str, Any]) -> Quantity:
    """Nodes of the whole pool (per-zone count × zones)."""
    override = ctx.usage_value(resource, "nodes")
    if override is not None:
        return override
    total = number(lookup(source, "autoscaling.totalMinNodeCount"), "total minimum nodes")
    if total is not None and source.get("nodeCount") is None:
        return total
    per_zone = None
    for key in ("nodeCount", "initialNodeCount", "autoscaling.minNodeCount"):
        per_zone = number(lookup(source, key), key)
        if per_zone is not None:
            break
    if per_zone is None:
        return Unpriced("node count is not set; set nodes in the usage file")
    return times(per_zone, zone_count(resource, ctx, lookup(source, "nodeLocations")))


def node_config_components(
    config: Any, ctx: PricingContext, *, nodes: Quantity, hours: float
) -> list[CostComponent]:
    config = config if isinstance(config, Mapping) else {}
    machine = text(config.get("machineType"), "machine type") or GKE_DEFAULT_MACHINE_TYPE
    disk_size = number(config.get("diskSizeGb"), "disk size") or GKE_DEFAULT_DISK_GB
    disk_type = text(config.get("diskType"), "disk type") or GKE_DEFAULT_DISK_TYPE
    return [
        *machine_components(
            config,
            ctx,
            machine_type=machine,
            nodes=nodes,
            hours=hours,
            purchase=purchase_of(config),
        ),
        *disk_components(disk_type, disk_size, prefix="Node boot disk: ", count=nodes),
    ]


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    merged = {**resource.outputs, **resource.inputs}
    nodes = pool_nodes(resource, ctx, merged)
    config = merged_mapping(resource, "nodeConfig")
    components = node_config_components(config, ctx, nodes=nodes, hours=ctx.compute_hours(resource))
    return components + egress(resource, ctx, "gcp")


PRICER = Pricer(
    types=("gcp:container/nodePool:NodePool",),
    summary="nodes (per zone × zones) × machine hours, node disks, GPUs, egress",
    price=price,
)
