"""NAT gateway (`aws:ec2/natGateway:NatGateway`): hours, and GB processed from the usage file.

Public and private NAT gateways bill the same hourly and per-GB rates.
"""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.services import nat_components
from cloudwright.resource_graph.model import Resource


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    return nat_components(resource, ctx, "aws", "nat_gateway", "NAT gateway")


PRICER = Pricer(
    types=("aws:ec2/natGateway:NatGateway",),
    summary="gateway hours, GB processed (usage)",
    price=price,
)
