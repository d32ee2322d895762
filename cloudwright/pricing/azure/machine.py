"""What Azure VMs, scale sets and AKS pools share: VM hours and managed disks.

Prices in the catalog are Linux pay-as-you-go and spot rates; a Windows machine's licence is
not in them, so its instance price is reported unknown rather than understated. Spot as the
facts layer reads it (`priority` / `scaleSetPriority` 'Spot' or the legacy 'Low').
"""

from __future__ import annotations

from cloudwright.pricing.components import (
    CostComponent,
    Quantity,
    StorageEnergy,
    Text,
    UnitRate,
    Unpriced,
)
from cloudwright.pricing.compute import Purchase, instance_hours
from cloudwright.pricing.tables import azure_disk_tier
from cloudwright.pricing.values import times
from cloudwright.resource_graph.facts.market import Market

_DISK_LABELS = {
    "Premium_LRS": "Premium SSD",
    "Premium_ZRS": "Premium SSD",
    "PremiumV2_LRS": "Premium SSD v2",
    "StandardSSD_LRS": "Standard SSD",
    "StandardSSD_ZRS": "Standard SSD",
    "Standard_LRS": "Standard HDD",
    "UltraSSD_LRS": "Ultra Disk",
}
WINDOWS_UNPRICED = Unpriced("Windows licence prices are not in the catalog (Linux only)")


def vm_hours(
    *, size: Text, nodes: Quantity, hours: float, market: Market, windows: bool = False
) -> CostComponent:
    return instance_hours(
        cloud="azure",
        os_label="Windows" if windows else "Linux",
        instance_type=WINDOWS_UNPRICED if windows and isinstance(size, str) else size,
        nodes=nodes,
        hours=hours,
        purchase=Purchase.of(market, "pay as you go"),
    )


# Disk families Azure bills by size tier (Premium SSD v2 and Ultra Disk bill per GiB).
_TIER_FAMILY = {
    "Premium_LRS": "P",
    "Premium_ZRS": "P",
    "StandardSSD_LRS": "E",
    "StandardSSD_ZRS": "E",
    "Standard_LRS": "S",
}


def managed_disk(
    sku: Text, size_gb: Quantity, *, prefix: str = "", count: Quantity = 1.0
) -> list[CostComponent]:
    """A managed disk: Premium SSD, Standard SSD and Standard HDD bill the size tier the disk
    rounds up to (a 10 GiB Standard HDD is an S4, 32 GiB), priced at the catalog's per-GB
    rate of the SKU; Premium SSD v2 and Ultra Disk bill the provisioned GiB."""
    if isinstance(sku, Unpriced):
        name, medium = f"{prefix}Storage (unknown disk type)", "ssd"
    else:
        name = f"{prefix}Storage ({_DISK_LABELS.get(sku, sku)}, {sku})"
        medium = "hdd" if sku == "Standard_LRS" else "ssd"
    billed: Quantity = size_gb
    note = "billed per provisioned GiB"
    family = _TIER_FAMILY.get(sku) if isinstance(sku, str) else None
    if family is not None and isinstance(sku, str) and isinstance(size_gb, float):
        tier = azure_disk_tier(family, size_gb)
        if tier is None:
            billed = Unpriced(f"{size_gb:g} GiB is larger than the largest {sku} disk tier")
        else:
            billed = tier.size_gib
            name = f"{prefix}Storage ({tier.name}, {_DISK_LABELS.get(sku, sku)}, {sku})"
            note = (
                f"billed as size tier {tier.name} ({tier.size_gib:g} GiB; the disk's "
                f"{size_gb:g} GiB rounds up) at the per-GB rate; tiers: {tier.source}"
            )
    return [
        CostComponent(
            name=name,
            unit="GB",
            quantity=times(billed, count),
            price=UnitRate("azure", "managed_disk", sku, "GB-month"),
            energy=StorageEnergy("hdd" if medium == "hdd" else "ssd", "block"),
            note=note,
        )
    ]


def os_disk(
    sku: Text | None, size_gb: Quantity | None, *, prefix: str, count: Quantity = 1.0
) -> list[CostComponent]:
    """An OS/data disk whose size may be the image's (then it waits on `root_volume_gb`)."""
    sku = sku or Unpriced("storage account type is not set (Azure picks it by VM size)")
    if size_gb is None:
        return [
            CostComponent(
                name=f"{prefix}Storage (size set by the image)",
                unit="GB",
                quantity=Unpriced("depends on usage: set root_volume_gb in the usage file"),
                price=UnitRate("azure", "managed_disk", sku, "GB-month"),
                usage_based=True,
                usage_key="root_volume_gb",
            )
        ]
    return managed_disk(sku, size_gb, prefix=prefix, count=count)
