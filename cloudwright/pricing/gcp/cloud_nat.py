"""Cloud NAT (`gcp:compute/routerNat:RouterNat`): per-VM gateway hours and GB processed.

Google bills a NAT gateway per VM that uses it (VM-hours), not per gateway. The VMs are the
usage file's `nodes` for this resource, else the GCP machines of the graph in the same
region (and of the same workload when the gateway has one: Cloudwright gives each workload
its own network): instances, managed instance groups' target sizes, GKE node pools' nodes. The catalog's VM-hour price is the
rate for the first 32 VMs; above that Google charges a flat gateway rate the catalog does
not carry, so the figure is then an overstatement and says so.
"""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, NetworkEnergy, Quantity, UnitRate
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.gcp.gke_node_pool import pool_nodes
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import number, raw, times
from cloudwright.resource_graph.model import Resource

_INSTANCE = "gcp:compute/instance:Instance"
_GROUPS = (
    "gcp:compute/instanceGroupManager:InstanceGroupManager",
    "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
)
_POOL = "gcp:container/nodePool:NodePool"
PER_VM_RATE_LIMIT = 32  # the VM-hour rate applies to a gateway's first 32 VMs (GCP pricing)


def vms_in_region(resource: Resource, ctx: PricingContext) -> float:
    total = 0.0
    for other in ctx.of_type(_INSTANCE, *_GROUPS, _POOL):
        if other.region != resource.region or other.op in ("delete", "discard", "read"):
            continue
        if resource.workload and other.workload != resource.workload:
            continue
        if other.type == _INSTANCE:
            count: Quantity | None = 1.0
        elif other.type == _POOL:
            count = pool_nodes(other, ctx, {**other.outputs, **other.inputs})
        else:
            count = number(raw(other, "targetSize"), "target size")
        total += count if isinstance(count, float) else 0.0
    return total


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    vms = ctx.usage_value(resource, "nodes")
    if vms is None:
        vms = vms_in_region(resource, ctx)
    note = "VMs in the region using the gateway"
    if vms > PER_VM_RATE_LIMIT:
        note += f"; above {PER_VM_RATE_LIMIT} VMs GCP charges a flat rate: this overstates"
    return [
        CostComponent(
            name=f"NAT gateway ({vms:g} VM{'' if vms == 1 else 's'})",
            unit="VM-hours",
            quantity=times(vms, ctx.always_on_hours(resource)),
            price=UnitRate("gcp", "cloud_nat", "vm", "VM-hour"),
            note=note,
        ),
        CostComponent(
            name="Data processed",
            unit="GB",
            quantity=ctx.usage_quantity(resource, "data_processed_gb"),
            price=UnitRate("gcp", "cloud_nat", "data-processed", "GB"),
            usage_based=True,
            usage_key="data_processed_gb",
            energy=NetworkEnergy(),
        ),
    ]


PRICER = Pricer(
    types=("gcp:compute/routerNat:RouterNat",),
    summary="VM-hours of the VMs behind the gateway (graph or usage), GB processed (usage)",
    price=price,
)
