"""NAT gateway (`aws:ec2/natGateway:NatGateway`): hours, and GB processed from the usage file.

Public and private NAT gateways bill the same hourly and per-GB rates.
"""

from __future__ import annotations

from pricing.components import CostComponent
from pricing.context import PricingContext
from pricing.registry import Pricer
from pricing.services import nat_components
from resource_graph.model import Resource


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    return nat_components(resource, ctx, "aws", "nat_gateway", "NAT gateway")


PRICER = Pricer(
    types=("aws:ec2/natGateway:NatGateway",),
    summary="gateway hours, GB processed (usage)",
    price=price,
)
