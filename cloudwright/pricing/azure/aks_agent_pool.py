"""AKS node pools: nodes × VM hours and each node's managed OS disk, plus egress.

Tokens: `azure-native:containerservice:AgentPool` (`vmSize`, `count`, `osDiskSizeGB`,
`osDiskType`, `scaleSetPriority`) and classic
`azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool` (`vmSize`,
`nodeCount`, `osDiskSizeGb`, `osDiskType`, `priority`). Nodes: the usage file's `nodes`,
else the count, else the autoscaler's minimum. Ephemeral OS disks live on the VM's local
storage (no disk charge); managed OS disks default to 128 GB (AKS API) and are priced as
Premium SSD, which AKS picks for VM sizes that support premium storage.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwright.pricing.azure.machine import managed_disk, vm_hours
from cloudwright.pricing.components import CostComponent, Unpriced
from cloudwright.pricing.compute import declared_nodes, egress, machine_type, node_count
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import number
from cloudwright.resource_graph.facts.launch import aks_pool
from cloudwright.resource_graph.model import Resource

DEFAULT_OS_DISK_GB = 128.0
MANAGED_OS_DISK_SKU = "Premium_LRS"


def pool_components(
    resource: Resource,
    ctx: PricingContext,
    pool: Mapping[str, Any],
    *,
    prefix: str = "",
    classic: bool = False,
) -> list[CostComponent]:
    """One pool's components from its settings (an AgentPool's inputs or a cluster's
    inline agent pool profile); size, count and priority as the facts layer reads them."""
    launch = aks_pool(resource, pool, classic=classic)
    declared = declared_nodes(launch)
    nodes = (
        node_count(resource, ctx, declared, "node count")
        if not prefix
        else (declared if declared is not None else Unpriced("node count is not set"))
    )
    components = [
        vm_hours(
            size=machine_type(launch, "VM size"),
            nodes=nodes,
            hours=ctx.compute_hours(resource),
            market=launch.market,
        )
    ]
    if str(pool.get("osDiskType", "Managed")).lower() != "ephemeral":
        disk_key = "osDiskSizeGb" if classic else "osDiskSizeGB"
        disk_gb = number(pool.get(disk_key), "OS disk size") or DEFAULT_OS_DISK_GB
        components += managed_disk(
            MANAGED_OS_DISK_SKU, disk_gb, prefix="OS disk per node: ", count=nodes
        )
    return [_prefixed(c, prefix) for c in components] if prefix else components


def _prefixed(component: CostComponent, prefix: str) -> CostComponent:
    from dataclasses import replace

    return replace(component, name=f"{prefix}{component.name}")


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    classic = resource.type.startswith("azure:")
    components = pool_components(
        resource, ctx, {**resource.outputs, **resource.inputs}, classic=classic
    )
    return components + egress(resource, ctx, "azure")


PRICER = Pricer(
    types=(
        "azure-native:containerservice:AgentPool",
        "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
    ),
    summary="nodes × VM hours (spot or not), managed OS disk per node, egress",
    price=price,
)
