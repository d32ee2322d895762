"""KMS key (`aws:kms/key:Key`): a customer managed key bills a flat monthly fee (requests
beyond the free tier are not modelled)."""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, UnitRate
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.resource_graph.model import Resource


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    return [
        CostComponent(
            name="Customer managed key",
            unit="months",
            quantity=1.0,
            price=UnitRate("aws", "kms", "key", "month"),
        )
    ]


PRICER = Pricer(types=("aws:kms/key:Key",), summary="key-months", price=price)
