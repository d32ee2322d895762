"""Azure VM scale set: instances × VM hours, each instance's OS disk, and egress.

Tokens: `azure-native:compute:VirtualMachineScaleSet` (`sku.name`, `sku.capacity`,
`virtualMachineProfile`), classic `azure:compute/linuxVirtualMachineScaleSet:
LinuxVirtualMachineScaleSet` and `...windowsVirtualMachineScaleSet...` (`sku`, `instances`,
`osDisk`). Instances: the usage file's `nodes`, else the declared capacity.
"""

from __future__ import annotations

from cloudwright.pricing.azure.machine import os_disk, vm_hours
from cloudwright.pricing.components import CostComponent, Unpriced
from cloudwright.pricing.compute import egress, node_count
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import num_input, raw, text_input
from cloudwright.resource_graph.model import Resource

NATIVE = "azure-native:compute:VirtualMachineScaleSet"
CLASSIC_LINUX = "azure:compute/linuxVirtualMachineScaleSet:LinuxVirtualMachineScaleSet"
CLASSIC_WINDOWS = "azure:compute/windowsVirtualMachineScaleSet:WindowsVirtualMachineScaleSet"


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    if resource.type == NATIVE:
        size = text_input(resource, "VM size", "sku.name")
        declared = num_input(resource, "capacity", "sku.capacity")
        priority = raw(resource, "virtualMachineProfile.priority")
        profile = "virtualMachineProfile.storageProfile.osDisk"
        disk_size = num_input(resource, "OS disk size", f"{profile}.diskSizeGB")
        sku = text_input(resource, "disk type", f"{profile}.managedDisk.storageAccountType")
        windows = raw(resource, "virtualMachineProfile.osProfile.windowsConfiguration") is not None
    else:
        size = text_input(resource, "VM size", "sku")
        declared = num_input(resource, "instances", "instances")
        priority = raw(resource, "priority")
        disk_size = num_input(resource, "OS disk size", "osDisk.diskSizeGb")
        sku = text_input(resource, "disk type", "osDisk.storageAccountType")
        windows = resource.type == CLASSIC_WINDOWS
    nodes = node_count(resource, ctx, declared, "capacity")
    components = [
        vm_hours(
            size=size or Unpriced("VM size is not set"),
            nodes=nodes,
            hours=ctx.compute_hours(resource),
            priority=priority,
            windows=windows,
        )
    ]
    if disk_size is None:
        disk_size = ctx.usage_value(resource, "root_volume_gb")
    components += os_disk(sku, disk_size, prefix="OS disk per instance: ", count=nodes)
    return components + egress(resource, ctx, "azure")


PRICER = Pricer(
    types=(NATIVE, CLASSIC_LINUX, CLASSIC_WINDOWS),
    summary="instances × VM hours, OS disk per instance, egress",
    price=price,
)
