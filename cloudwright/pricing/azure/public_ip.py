"""Azure public IP (`azure-native:network:PublicIPAddress`, classic
`azure:network/publicIp:PublicIp`): hours by SKU and allocation (Standard is static)."""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, UnitRate
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import text_input
from cloudwright.resource_graph.model import Resource

NATIVE = "azure-native:network:PublicIPAddress"


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    native = resource.type == NATIVE
    sku = text_input(resource, "SKU", "sku.name" if native else "sku") or "Standard"
    allocation = text_input(
        resource,
        "allocation",
        "publicIPAllocationMethod" if native else "allocationMethod",
    )
    if sku == "Standard":
        allocation = "Static"
    allocation = allocation or "Dynamic"
    product = (
        f"{sku}-{allocation}".lower()
        if isinstance(sku, str) and isinstance(allocation, str)
        else sku
    )
    return [
        CostComponent(
            name=f"Public IP address ({sku}, {allocation})",
            unit="hours",
            quantity=ctx.always_on_hours(resource),
            price=UnitRate("azure", "public_ip", product, "hour"),
        )
    ]


PRICER = Pricer(
    types=(NATIVE, "azure:network/publicIp:PublicIp"),
    summary="address hours by SKU and allocation",
    price=price,
)
