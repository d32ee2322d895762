"""EC2 instance (`aws:ec2/instance:Instance`): instance hours, root volume, EBS block devices,
and internet egress from the usage file.

The instance type comes from `instanceType`, else from the launch template it names; spot
(priced at the catalog's spot price) as the facts layer reads it: `instanceMarketOptions`
on the instance or its template, and every spot instance request.
The root volume's size is the AMI's unless `rootBlockDevice.volumeSize` sets it; the usage
file's `root_volume_gb` fills it in, otherwise it is shown as depending on usage. Block
devices without a size are volumes attached by id: priced as their own `aws:ebs/volume`.
"""

from __future__ import annotations

from collections.abc import Mapping

from cloudwright.pricing.aws.ebs_volume import EbsArgs, block_device_args, ebs_components
from cloudwright.pricing.components import CostComponent, StorageEnergy, UnitRate, Unpriced
from cloudwright.pricing.compute import Purchase, egress, instance_hours, machine_type
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import raw
from cloudwright.resource_graph.facts.launch import launch_of
from cloudwright.resource_graph.model import Resource

OS_LABEL = "Linux/UNIX"


def _root_volume(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    root = raw(resource, "rootBlockDevice")
    root = root if isinstance(root, Mapping) else {}
    args = block_device_args(root, size_label="root volume size")
    if isinstance(args.size_gb, Unpriced):
        usage = ctx.usage_value(resource, "root_volume_gb")
        if usage is None:
            return [
                CostComponent(
                    name="Root volume: Storage (size set by the AMI)",
                    unit="GB",
                    quantity=Unpriced("depends on usage: set root_volume_gb in the usage file"),
                    price=UnitRate("aws", "ebs", args.volume_type, "GB-month"),
                    usage_based=True,
                    usage_key="root_volume_gb",
                    energy=StorageEnergy("ssd", "block"),
                )
            ]
        args = EbsArgs(args.volume_type, usage, args.iops, args.throughput_mbps)
    return ebs_components(args, prefix="Root volume: ")


def _block_devices(resource: Resource) -> list[CostComponent]:
    out: list[CostComponent] = []
    devices = raw(resource, "ebsBlockDevices")
    for device in devices if isinstance(devices, list) else []:
        if not isinstance(device, Mapping) or raw(device, "volumeSize") is None:
            continue
        label = raw(device, "deviceName")
        prefix = f"Block device {label}: " if isinstance(label, str) else "Block device: "
        out += ebs_components(block_device_args(device, size_label="volume size"), prefix=prefix)
    return out


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    launch = launch_of(resource, ctx.index)
    instance_type = machine_type(launch)
    purchase = Purchase.of(launch.market) if launch is not None else Purchase("on-demand")
    components = [
        instance_hours(
            cloud="aws",
            os_label=OS_LABEL,
            instance_type=instance_type,
            nodes=1.0,
            hours=ctx.compute_hours(resource),
            purchase=purchase,
        )
    ]
    components += _root_volume(resource, ctx)
    components += _block_devices(resource)
    return components + egress(resource, ctx, "aws")


PRICER = Pricer(
    types=("aws:ec2/instance:Instance", "aws:ec2/spotInstanceRequest:SpotInstanceRequest"),
    summary="instance hours (on-demand or spot; spot requests at the spot price), root volume, "
    "EBS block devices, egress",
    price=price,
)
