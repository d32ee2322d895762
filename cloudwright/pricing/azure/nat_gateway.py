"""Azure NAT gateway (`azure-native:network:NatGateway`, classic
`azure:network/natGateway:NatGateway`): gateway hours and GB processed (usage)."""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.services import nat_components
from cloudwright.resource_graph.model import Resource


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    return nat_components(resource, ctx, "azure", "nat_gateway", "NAT gateway")


PRICER = Pricer(
    types=("azure-native:network:NatGateway", "azure:network/natGateway:NatGateway"),
    summary="gateway hours, GB processed (usage)",
    price=price,
)
