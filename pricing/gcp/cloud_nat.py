"""Cloud NAT (`gcp:compute/routerNat:RouterNat`): gateway hours and GB processed (usage)."""

from __future__ import annotations

from pricing.components import CostComponent
from pricing.context import PricingContext
from pricing.registry import Pricer
from pricing.services import nat_components
from resource_graph.model import Resource


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    return nat_components(resource, ctx, "gcp", "cloud_nat", "Cloud NAT gateway")


PRICER = Pricer(
    types=("gcp:compute/routerNat:RouterNat",),
    summary="gateway hours, GB processed (usage)",
    price=price,
)
