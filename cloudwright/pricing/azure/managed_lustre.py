"""Azure Managed Lustre (`azure-native:storagecache:AmlFilesystem`): capacity in TiB by SKU
(`sku.name`, e.g. AMLFS-Durable-Premium-250 for 250 MB/s per TiB)."""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, StorageEnergy, UnitRate, Unpriced
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import num_input, text_input
from cloudwright.resource_graph.model import Resource


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    sku = text_input(resource, "SKU", "sku.name") or Unpriced("sku.name is not set")
    capacity = num_input(resource, "capacity", "storageCapacityTiB")
    shown = sku if isinstance(sku, str) else "unknown SKU"
    return [
        CostComponent(
            name=f"Capacity ({shown})",
            unit="TiB",
            quantity=capacity
            if capacity is not None
            else Unpriced("storageCapacityTiB is not set"),
            price=UnitRate("azure", "managed_lustre", sku, "TiB-month"),
            energy=StorageEnergy("ssd", "file"),
        )
    ]


PRICER = Pricer(
    types=("azure-native:storagecache:AmlFilesystem",),
    summary="capacity TiB by SKU (throughput tier)",
    price=price,
)
