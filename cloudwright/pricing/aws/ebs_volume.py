"""EBS volume (`aws:ebs/volume:Volume`): storage by volume type, plus provisioned IOPS and
throughput above what the type includes. Also used for instance root and block devices.

Defaults are the provider's: a volume without `type` is gp2. gp3 includes a baseline of IOPS
and throughput in its storage price (AWS EBS documentation, "General Purpose SSD volumes"),
so only what is provisioned above it is billed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cloudwright.pricing.components import (
    CostComponent,
    Quantity,
    StorageEnergy,
    Text,
    UnitRate,
    Unpriced,
)
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import num_input, text_input, times
from cloudwright.resource_graph.model import Resource

DEFAULT_VOLUME_TYPE = "gp2"
# gp3 baseline included in the storage price (AWS EBS docs): product facts, not prices.
GP3_INCLUDED_IOPS = 3000.0
GP3_INCLUDED_THROUGHPUT_MBPS = 125.0

_LABELS = {
    "gp3": "general purpose SSD",
    "gp2": "general purpose SSD",
    "io1": "provisioned IOPS SSD",
    "io2": "provisioned IOPS SSD",
    "st1": "throughput optimized HDD",
    "sc1": "cold HDD",
    "standard": "magnetic",
}
_HDD = frozenset({"st1", "sc1", "standard"})


@dataclass(frozen=True)
class EbsArgs:
    volume_type: Text
    size_gb: Quantity
    iops: Quantity | None = None
    throughput_mbps: Quantity | None = None


def ebs_components(
    args: EbsArgs, *, prefix: str = "", count: Quantity = 1.0
) -> list[CostComponent]:
    """Storage (+ IOPS, throughput) of `count` volumes like `args`."""
    vtype = args.volume_type
    if isinstance(vtype, Unpriced):
        name, medium = f"{prefix}Storage (unknown volume type)", "ssd"
    else:
        name = f"{prefix}Storage ({_LABELS.get(vtype, vtype)}, {vtype})"
        medium = "hdd" if vtype in _HDD else "ssd"
    out = [
        CostComponent(
            name=name,
            unit="GB",
            quantity=times(args.size_gb, count),
            price=UnitRate("aws", "ebs", vtype, "GB-month"),
            energy=StorageEnergy("hdd" if medium == "hdd" else "ssd", "block"),
        )
    ]
    if vtype in ("io1", "io2") and args.iops is not None:
        out.append(
            _extra(f"{prefix}Provisioned IOPS", "IOPS", args.iops, 0.0, f"{vtype}-iops", count)
        )
    if vtype == "gp3" and args.iops is not None:
        out.append(
            _extra(
                f"{prefix}Provisioned IOPS", "IOPS", args.iops, GP3_INCLUDED_IOPS, "gp3-iops", count
            )
        )
    if vtype == "gp3" and args.throughput_mbps is not None:
        out.append(
            _extra(
                f"{prefix}Provisioned throughput",
                "MBps",
                args.throughput_mbps,
                GP3_INCLUDED_THROUGHPUT_MBPS,
                "gp3-throughput",
                count,
            )
        )
    return [c for c in out if not (isinstance(c.quantity, float) and c.quantity <= 0)]


def _extra(
    name: str, unit: str, provisioned: Quantity, included: float, product: str, count: Quantity
) -> CostComponent:
    above = provisioned if isinstance(provisioned, Unpriced) else max(provisioned - included, 0.0)
    return CostComponent(
        name=name,
        unit=unit,
        quantity=times(above, count),
        price=UnitRate("aws", "ebs", product, f"{unit}-month"),
    )


def block_device_args(device: Resource | Mapping[str, Any], *, size_label: str) -> EbsArgs:
    """EbsArgs from a block-device mapping (`volumeSize`, `volumeType`, `iops`, `throughput`)."""
    size = num_input(device, size_label, "volumeSize", "size")
    return EbsArgs(
        volume_type=text_input(device, "volume type", "volumeType", "type") or DEFAULT_VOLUME_TYPE,
        size_gb=size if size is not None else Unpriced(f"{size_label} is not set"),
        iops=num_input(device, "IOPS", "iops"),
        throughput_mbps=num_input(device, "throughput", "throughput"),
    )


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    size = num_input(resource, "volume size", "size")
    if size is None:
        snapshot = text_input(resource, "snapshot", "snapshotId")
        reason = "size comes from its snapshot" if snapshot else "size is not set"
        size = Unpriced(reason)
    args = EbsArgs(
        volume_type=text_input(resource, "volume type", "type") or DEFAULT_VOLUME_TYPE,
        size_gb=size,
        iops=num_input(resource, "IOPS", "iops"),
        throughput_mbps=num_input(resource, "throughput", "throughput"),
    )
    return ebs_components(args)


PRICER = Pricer(
    types=("aws:ebs/volume:Volume",),
    summary="storage GB by volume type; gp3/io1/io2 IOPS and gp3 throughput above the baseline",
    price=price,
)
