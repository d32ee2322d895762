"""GKE cluster (`gcp:container/cluster:Cluster`): the cluster management fee, and the
default node pool unless `removeDefaultNodePool` is set.

The default pool has `initialNodeCount` nodes per zone (zones as for node pools) of
`nodeConfig` (GKE defaults: e2-medium, 100 GB pd-balanced). Autopilot clusters bill pod
resources, which the cluster's inputs do not say: the default pool is not priced for them.
GKE's free tier (one zonal or Autopilot cluster per billing account) is not applied.
"""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, UnitRate
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.gcp.gke_node_pool import node_config_components, pool_nodes
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import flag, merged_mapping, raw
from cloudwright.resource_graph.model import Resource


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    components = [
        CostComponent(
            name="Cluster management fee",
            unit="hours",
            quantity=ctx.always_on_hours(resource),
            price=UnitRate("gcp", "gke", "cluster", "hour"),
            note="control plane fee; no energy is attributed to it",
        )
    ]
    if flag(raw(resource, "removeDefaultNodePool")) or flag(raw(resource, "enableAutopilot")):
        return components
    # GKE's API default for initialNodeCount is 1 per zone.
    pool = {
        "initialNodeCount": raw(resource, "initialNodeCount") or 1,
        "nodeLocations": raw(resource, "nodeLocations"),
    }
    nodes = pool_nodes(resource, ctx, pool)
    components += [
        CostComponent(
            name=f"Default pool: {c.name}",
            unit=c.unit,
            quantity=c.quantity,
            price=c.price,
            usage_based=c.usage_based,
            usage_key=c.usage_key,
            energy=c.energy,
            note=c.note,
        )
        for c in node_config_components(
            merged_mapping(resource, "nodeConfig"),
            ctx,
            nodes=nodes,
            hours=ctx.compute_hours(resource),
        )
    ]
    return components


PRICER = Pricer(
    types=("gcp:container/cluster:Cluster",),
    summary="cluster management fee hours; default node pool unless removed",
    price=price,
)
