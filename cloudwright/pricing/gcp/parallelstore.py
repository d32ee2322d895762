"""Parallelstore (`gcp:parallelstore/instance:Instance`): provisioned capacity (`capacityGib`,
a string in the provider's schema)."""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, StorageEnergy, UnitRate, Unpriced
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import num_input
from cloudwright.resource_graph.model import Resource


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    capacity = num_input(resource, "capacity", "capacityGib")
    return [
        CostComponent(
            name="Capacity",
            unit="GB",
            quantity=capacity if capacity is not None else Unpriced("capacityGib is not set"),
            price=UnitRate("gcp", "parallelstore", "capacity", "GB-month"),
            energy=StorageEnergy("ssd", "file"),
        )
    ]


PRICER = Pricer(
    types=("gcp:parallelstore/instance:Instance",),
    summary="provisioned capacity",
    price=price,
)
