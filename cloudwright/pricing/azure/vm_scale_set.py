"""Azure VM scale set: instances × VM hours, each instance's OS disk, and egress.

Tokens: `azure-native:compute:VirtualMachineScaleSet` (`sku.name`, `sku.capacity`,
`virtualMachineProfile`), classic `azure:compute/linuxVirtualMachineScaleSet:
LinuxVirtualMachineScaleSet` and `...windowsVirtualMachineScaleSet...` (`sku`, `instances`,
`osDisk`). Instances: the usage file's `nodes`, else the declared capacity.
"""

from __future__ import annotations

from cloudwright.pricing.azure.machine import os_disk, vm_hours
from cloudwright.pricing.components import CostComponent
from cloudwright.pricing.compute import declared_nodes, egress, machine_type, node_count
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import num_input, raw, text_input
from cloudwright.resource_graph.facts.launch import launch_of
from cloudwright.resource_graph.model import Resource

NATIVE = "azure-native:compute:VirtualMachineScaleSet"
CLASSIC_LINUX = "azure:compute/linuxVirtualMachineScaleSet:LinuxVirtualMachineScaleSet"
CLASSIC_WINDOWS = "azure:compute/windowsVirtualMachineScaleSet:WindowsVirtualMachineScaleSet"


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    launch = launch_of(resource, ctx.index)
    assert launch is not None
    if resource.type == NATIVE:
        profile = "virtualMachineProfile.storageProfile.osDisk"
        disk_size = num_input(resource, "OS disk size", f"{profile}.diskSizeGB")
        sku = text_input(resource, "disk type", f"{profile}.managedDisk.storageAccountType")
        windows = raw(resource, "virtualMachineProfile.osProfile.windowsConfiguration") is not None
    else:
        disk_size = num_input(resource, "OS disk size", "osDisk.diskSizeGb")
        sku = text_input(resource, "disk type", "osDisk.storageAccountType")
        windows = resource.type == CLASSIC_WINDOWS
    nodes = node_count(resource, ctx, declared_nodes(launch), "capacity")
    components = [
        vm_hours(
            size=machine_type(launch, "VM size"),
            nodes=nodes,
            hours=ctx.compute_hours(resource),
            market=launch.market,
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
