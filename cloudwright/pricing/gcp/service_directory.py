"""Service Directory (`gcp:servicedirectory/namespace:Namespace`, `.../service:Service`,
`.../endpoint:Endpoint`): each registered resource bills a flat monthly rate; API calls
beyond the free quota are not priced."""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, TableRate
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.resource_graph.model import Resource


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    share = ctx.always_on_hours(resource) / ctx.hours_per_month
    return [
        CostComponent(
            name="Registered resource",
            unit="resource-months",
            quantity=share,
            price=TableRate("gcp", "service_directory", "resource", "resource-month"),
        )
    ]


PRICER = Pricer(
    types=(
        "gcp:servicedirectory/namespace:Namespace",
        "gcp:servicedirectory/service:Service",
        "gcp:servicedirectory/endpoint:Endpoint",
    ),
    summary="a flat monthly rate per registered namespace, service or endpoint",
    price=price,
)
