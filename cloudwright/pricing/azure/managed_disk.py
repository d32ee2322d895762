"""Azure managed disk (`azure-native:compute:Disk`: `sku.name`, `diskSizeGB`; classic
`azure:compute/managedDisk:ManagedDisk`: `storageAccountType`, `diskSizeGb`): provisioned
GB by disk type. azure-native's default SKU is Standard_LRS (ARM API)."""

from __future__ import annotations

from cloudwright.pricing.azure.machine import os_disk
from cloudwright.pricing.components import CostComponent, Text
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import num_input, text_input
from cloudwright.resource_graph.model import Resource

NATIVE = "azure-native:compute:Disk"
DEFAULT_SKU = "Standard_LRS"


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    sku: Text | None
    if resource.type == NATIVE:
        sku = text_input(resource, "disk SKU", "sku.name") or DEFAULT_SKU
        size = num_input(resource, "disk size", "diskSizeGB")
    else:
        sku = text_input(resource, "disk type", "storageAccountType")
        size = num_input(resource, "disk size", "diskSizeGb")
    if size is None:
        size = ctx.usage_value(resource, "root_volume_gb")
    return os_disk(sku, size, prefix="")


PRICER = Pricer(
    types=(NATIVE, "azure:compute/managedDisk:ManagedDisk"),
    summary="provisioned GB by disk type (Premium/Standard SSD, Standard HDD, Premium v2)",
    price=price,
)
