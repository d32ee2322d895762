"""Compute Engine instance (`gcp:compute/instance:Instance`): machine hours, boot disk,
attached GPUs, and egress.

The boot disk's size is the image's unless `bootDisk.initializeParams.size` sets it (the
usage file's `root_volume_gb` fills it in). Disks attached by `source` are priced as their
own `gcp:compute/disk:Disk` resources.
"""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, UnitRate, Unpriced
from cloudwright.pricing.compute import Purchase, egress, machine_type
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.gcp.machine import DEFAULT_DISK_TYPE, disk_components, machine_components
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import num_input, raw, text_input
from cloudwright.resource_graph.facts.launch import launch_of
from cloudwright.resource_graph.model import Resource


def _boot_disk(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    if raw(resource, "bootDisk.source") is not None:
        return []  # an existing disk, priced as its own resource
    disk_type = (
        text_input(resource, "boot disk type", "bootDisk.initializeParams.type")
        or DEFAULT_DISK_TYPE
    )
    size = num_input(resource, "boot disk size", "bootDisk.initializeParams.size")
    if size is None:
        size = ctx.usage_value(resource, "root_volume_gb")
    if size is None:
        return [
            CostComponent(
                name="Boot disk: Storage (size set by the image)",
                unit="GB",
                quantity=Unpriced("depends on usage: set root_volume_gb in the usage file"),
                price=UnitRate("gcp", "pd", disk_type, "GB-month"),
                usage_based=True,
                usage_key="root_volume_gb",
            )
        ]
    return disk_components(disk_type, size, prefix="Boot disk: ")


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    launch = launch_of(resource, ctx.index)
    assert launch is not None
    components = machine_components(
        launch.holder.inputs
        if launch.template is not None and not resource.inputs.get("guestAccelerators")
        else resource.inputs,
        ctx,
        machine_type=machine_type(launch, "machine type"),
        nodes=1.0,
        hours=ctx.compute_hours(resource),
        purchase=Purchase.of(launch.market),
    )
    return components + _boot_disk(resource, ctx) + egress(resource, ctx, "gcp")


PRICER = Pricer(
    types=(
        "gcp:compute/instance:Instance",
        "gcp:compute/instanceFromTemplate:InstanceFromTemplate",
    ),
    summary="machine hours (on-demand, spot or preemptible), boot disk, attached GPUs, egress",
    price=price,
)
