"""Elastic IP (`aws:ec2/eip:Eip`): AWS bills every public IPv4 address by the hour, attached
or not (since February 2024). The catalog's `vpc/public-ipv4/hour` row prices it."""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, UnitRate
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.resource_graph.model import Resource


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    return [
        CostComponent(
            name="Public IPv4 address",
            unit="hours",
            quantity=ctx.always_on_hours(resource),
            price=UnitRate("aws", "vpc", "public-ipv4", "hour"),
        )
    ]


PRICER = Pricer(
    types=("aws:ec2/eip:Eip",),
    summary="public IPv4 address hours",
    price=price,
)
