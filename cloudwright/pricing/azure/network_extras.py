"""Azure networking billed by zone or by traffic: VNet peering and private DNS zones.

VNet peering (`azure:network/virtualNetworkPeering:VirtualNetworkPeering`, azure-native
`VirtualNetworkPeering`): each GB sent over it bills outbound on this side and inbound on
the other (usage `data_processed_gb`: GB sent from this VNet). Same-region rates when the
remote VNet (`remoteVirtualNetworkId`) is in the graph in the same region, or not in the
graph at all (said in the note); global (zone 1) rates when it is in another region.

Private DNS zone (`azure:privatedns/zone:Zone`, azure-native `PrivateZone`): one zone-month,
plus queries (usage `dns_queries`). Its records and virtual-network links bill nothing.
"""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, NetworkEnergy, Quantity, TableRate
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import raw, times
from cloudwright.resource_graph.model import Resource

PEERINGS = (
    "azure:network/virtualNetworkPeering:VirtualNetworkPeering",
    "azure-native:network:VirtualNetworkPeering",
)
ZONES = ("azure:privatedns/zone:Zone", "azure-native:privatedns:PrivateZone")
VNETS = ("azure:network/virtualNetwork:VirtualNetwork", "azure-native:network:VirtualNetwork")


def _peering(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    remote_id = raw(resource, "remoteVirtualNetworkId", "remoteVirtualNetwork.id")
    remote = ctx.index.resolve(
        resource, VNETS, props=("remoteVirtualNetworkId", "remoteVirtualNetwork"), ids=[remote_id]
    )
    scope = "intra-region"
    note = "remote VNet in the same region"
    if remote is None:
        note = "remote VNet not in this graph: priced as same-region peering"
    elif remote.region and resource.region and remote.region != resource.region:
        scope, note = "global", f"remote VNet in {remote.region}: global peering (zone 1 rates)"
    gb: Quantity = ctx.usage_quantity(resource, "data_processed_gb")
    return [
        CostComponent(
            name=f"Outbound data transfer ({scope})",
            unit="GB",
            quantity=gb,
            price=TableRate("azure", "vnet_peering", f"{scope}-egress", "GB"),
            usage_based=True,
            usage_key="data_processed_gb",
            energy=NetworkEnergy(),
            note=note,
        ),
        CostComponent(
            name=f"Inbound data transfer ({scope}, remote side)",
            unit="GB",
            quantity=gb,
            price=TableRate("azure", "vnet_peering", f"{scope}-ingress", "GB"),
            usage_based=True,
            usage_key="data_processed_gb",
        ),
    ]


def _zone(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    queries = ctx.usage_quantity(resource, "dns_queries")
    return [
        CostComponent(
            name="Hosted zone",
            unit="months",
            quantity=ctx.always_on_hours(resource) / ctx.hours_per_month,
            price=TableRate("azure", "private_dns", "zone", "month"),
        ),
        CostComponent(
            name="DNS queries",
            unit="1M queries",
            quantity=times(queries, 1e-6),
            price=TableRate("azure", "private_dns", "queries", "1M-requests"),
            usage_based=True,
            usage_key="dns_queries",
        ),
    ]


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    if resource.type in ZONES:
        return _zone(resource, ctx)
    return _peering(resource, ctx)


PRICER = Pricer(
    types=(*PEERINGS, *ZONES),
    summary="VNet peering GB out and in (usage; same-region or global); private DNS zone-"
    "months and queries (usage)",
    price=price,
)
