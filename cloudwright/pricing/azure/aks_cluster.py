"""AKS managed cluster: the Standard/Premium tier's cluster fee, and the node pools declared
inline with the cluster.

Tokens: `azure-native:containerservice:ManagedCluster` (`sku.tier`, `agentPoolProfiles[]`)
and classic `azure:containerservice/kubernetesCluster:KubernetesCluster` (`skuTier`,
`defaultNodePool`). The Free tier has no cluster fee. Pools declared as their own
AgentPool / KubernetesClusterNodePool resources are priced there.
"""

from __future__ import annotations

from collections.abc import Mapping

from cloudwright.pricing.azure.aks_agent_pool import pool_components
from cloudwright.pricing.components import CostComponent, UnitRate
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import raw, text_input
from cloudwright.resource_graph.model import Resource

NATIVE = "azure-native:containerservice:ManagedCluster"
_TIER_PRODUCT = {"standard": "cluster-standard", "premium": "cluster-premium"}


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    native = resource.type == NATIVE
    tier = text_input(resource, "SKU tier", "sku.tier" if native else "skuTier")
    components: list[CostComponent] = []
    product = _TIER_PRODUCT.get(tier.lower()) if isinstance(tier, str) else None
    if product is not None:
        components.append(
            CostComponent(
                name=f"Cluster management ({tier} tier)",
                unit="hours",
                quantity=ctx.always_on_hours(resource),
                price=UnitRate("azure", "aks", product, "hour"),
                note="control plane fee; no energy is attributed to it",
            )
        )
    if native:
        pools = raw(resource, "agentPoolProfiles")
        for pool in pools if isinstance(pools, list) else []:
            if isinstance(pool, Mapping):
                label = pool.get("name") if isinstance(pool.get("name"), str) else "pool"
                components += pool_components(resource, ctx, pool, prefix=f"Pool {label}: ")
    else:
        pool = raw(resource, "defaultNodePool")
        if isinstance(pool, Mapping):
            components += pool_components(
                resource, ctx, pool, prefix="Default pool: ", classic=True
            )
    return components


PRICER = Pricer(
    types=(NATIVE, "azure:containerservice/kubernetesCluster:KubernetesCluster"),
    summary="Standard/Premium tier cluster fee hours; inline node pools",
    price=price,
)
