"""Filestore (`gcp:filestore/instance:Instance`): provisioned capacity by tier.

Capacity is `fileShares.capacityGb` (GiB, as Google bills it). Legacy tier names map to
today's: STANDARD → BASIC_HDD, PREMIUM → BASIC_SSD, HIGH_SCALE_SSD → ZONAL.
"""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, StorageEnergy, UnitRate, Unpriced
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import num_input, text_input
from cloudwright.resource_graph.model import Resource

_LEGACY_TIERS = {"STANDARD": "BASIC_HDD", "PREMIUM": "BASIC_SSD", "HIGH_SCALE_SSD": "ZONAL"}


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    tier = text_input(resource, "tier", "tier") or Unpriced("tier is not set")
    if isinstance(tier, str):
        tier = _LEGACY_TIERS.get(tier, tier)
    capacity = num_input(resource, "capacity", "fileShares.capacityGb", "fileShares.0.capacityGb")
    shown = tier if isinstance(tier, str) else "unknown tier"
    return [
        CostComponent(
            name=f"Capacity ({shown})",
            unit="GB",
            quantity=capacity if capacity is not None else Unpriced("capacityGb is not set"),
            price=UnitRate("gcp", "filestore", tier, "GB-month"),
            energy=StorageEnergy("hdd" if tier == "BASIC_HDD" else "ssd", "file"),
        )
    ]


PRICER = Pricer(
    types=("gcp:filestore/instance:Instance",),
    summary="provisioned capacity by tier (BASIC_HDD/SSD, ZONAL, REGIONAL, ENTERPRISE)",
    price=price,
)
