"""Azure virtual machine: VM hours, OS disk, data disks created with it, and egress.

Tokens: `azure-native:compute:VirtualMachine` (`hardwareProfile.vmSize`,
`storageProfile.osDisk`, `storageProfile.dataDisks`), classic
`azure:compute/linuxVirtualMachine:LinuxVirtualMachine` and
`azure:compute/windowsVirtualMachine:WindowsVirtualMachine` (`size`, `osDisk`), and the
legacy `azure:compute/virtualMachine:VirtualMachine` (`vmSize`, `storageOsDisk`).
Disks created with `createOption: Attach` are priced as their own disk resources. An OS disk
without a size takes the image's (the usage file's `root_volume_gb` fills it in).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudwright.pricing.azure.machine import os_disk, vm_hours
from cloudwright.pricing.components import CostComponent, Quantity
from cloudwright.pricing.compute import egress, machine_type
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import lookup, merged_mapping, number, raw, text
from cloudwright.resource_graph.facts.launch import launch_of
from cloudwright.resource_graph.facts.market import ON_DEMAND
from cloudwright.resource_graph.model import Resource

NATIVE = "azure-native:compute:VirtualMachine"
CLASSIC_WINDOWS = "azure:compute/windowsVirtualMachine:WindowsVirtualMachine"
LEGACY = "azure:compute/virtualMachine:VirtualMachine"

# (size path, os disk path, disk size key, disk sku path, data disks path)
_SHAPES: dict[str, tuple[str, str, str, str, str]] = {
    NATIVE: (
        "hardwareProfile.vmSize",
        "storageProfile.osDisk",
        "diskSizeGB",
        "managedDisk.storageAccountType",
        "storageProfile.dataDisks",
    ),
    LEGACY: ("vmSize", "storageOsDisk", "diskSizeGb", "managedDiskType", "storageDataDisks"),
}
_CLASSIC = ("size", "osDisk", "diskSizeGb", "storageAccountType", "")


def _is_windows(resource: Resource) -> bool:
    if resource.type == CLASSIC_WINDOWS:
        return True
    if raw(resource, "osProfile.windowsConfiguration", "osProfileWindowsConfig") is not None:
        return True
    os_type = raw(resource, "storageProfile.osDisk.osType", "storageOsDisk.osType")
    return isinstance(os_type, str) and os_type.lower() == "windows"


def _disk(
    disk: Mapping[str, Any], size_key: str, sku_path: str, prefix: str, size: Quantity | None
) -> list[CostComponent]:
    if str(disk.get("createOption", "")).lower() == "attach":
        return []
    sku = text(lookup(disk, sku_path), "disk type")
    if size is None:
        size = number(disk.get(size_key), "disk size")
    return os_disk(sku, size, prefix=prefix)


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    _size_path, os_path, size_key, sku_path, data_path = _SHAPES.get(resource.type, _CLASSIC)
    launch = launch_of(resource, ctx.index)
    components = [
        vm_hours(
            size=machine_type(launch, "VM size"),
            nodes=1.0,
            hours=ctx.compute_hours(resource),
            market=launch.market if launch is not None else ON_DEMAND,
            windows=_is_windows(resource),
        )
    ]
    # State files record the image's disk size in outputs: merge them under the inputs.
    os_disk = merged_mapping(resource, os_path)
    if os_disk:
        os_size = number(os_disk.get(size_key), "OS disk size")
        if os_size is None:
            os_size = ctx.usage_value(resource, "root_volume_gb")
        components += _disk(os_disk, size_key, sku_path, "OS disk: ", os_size)
    data_disks = raw(resource, data_path) if data_path else None
    for number_, disk in enumerate(data_disks if isinstance(data_disks, list) else []):
        if isinstance(disk, Mapping):
            components += _disk(disk, size_key, sku_path, f"Data disk {number_ + 1}: ", None)
    return components + egress(resource, ctx, "azure")


PRICER = Pricer(
    types=(
        NATIVE,
        "azure:compute/linuxVirtualMachine:LinuxVirtualMachine",
        CLASSIC_WINDOWS,
        LEGACY,
    ),
    summary="VM hours (pay as you go or spot; Windows licence unknown), OS and data disks, egress",
    price=price,
)
