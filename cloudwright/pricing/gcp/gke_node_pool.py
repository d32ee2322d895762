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

from cloudwright.pricing.components import CostComponent, Quantity, Unpriced, unknown_reason
from cloudwright.pricing.compute import Purchase, egress
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.gcp.machine import (
    GKE_DEFAULT_DISK_GB,
    GKE_DEFAULT_DISK_TYPE,
    GKE_DEFAULT_MACHINE_TYPE,
    disk_components,
    machine_components,
)
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import merged_mapping, number, text
from cloudwright.resource_graph.facts.launch import gke_pool_nodes
from cloudwright.resource_graph.facts.market import gcp_scheduling
from cloudwright.resource_graph.model import Resource, Unknown


def pool_nodes(resource: Resource, ctx: PricingContext, source: Mapping[str, Any]) -> Quantity:
    """Nodes of the whole pool (per-zone count × zones, as the facts layer counts them; the
    usage file's `nodes` wins, its `zones` sets a regional pool's zone count)."""
    override = ctx.usage_value(resource, "nodes")
    if override is not None:
        return override
    zones = ctx.usage_value(resource, "zones")
    desired, _maximum, where = gke_pool_nodes(
        resource, source, round(zones) if zones is not None else None
    )
    if isinstance(desired, Unknown):
        return unknown_reason(where, desired)
    if desired is None:
        return Unpriced("node count is not set; set nodes in the usage file")
    return float(desired)


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
            purchase=Purchase.of(gcp_scheduling(config, "nodeConfig.")),
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
