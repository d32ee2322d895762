"""Reserved IP addresses (`gcp:compute/address:Address`, `gcp:compute/globalAddress:
GlobalAddress`). Internal ranges (private service access, `addressType: INTERNAL`) are free;
external static addresses bill by the hour."""

from __future__ import annotations

from pricing.components import CostComponent, UnitRate
from pricing.context import PricingContext
from pricing.registry import Pricer
from pricing.values import text_input
from resource_graph.model import Resource

DEFAULT_TYPE = "EXTERNAL"


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    kind = text_input(resource, "address type", "addressType") or DEFAULT_TYPE
    if kind == "INTERNAL":
        return []
    return [
        CostComponent(
            name="Static external IP address",
            unit="hours",
            quantity=ctx.always_on_hours(resource),
            price=UnitRate("gcp", "ip", "external-static", "hour"),
        )
    ]


PRICER = Pricer(
    types=("gcp:compute/address:Address", "gcp:compute/globalAddress:GlobalAddress"),
    summary="internal ranges free; external static addresses by the hour",
    price=price,
)
