"""Persistent disk (`gcp:compute/disk:Disk`): provisioned GB by disk type.

The Compute Engine API's default type is pd-standard. A disk made from an image or snapshot
without `size` takes the source's size, which the inputs do not say (the usage file's
`root_volume_gb` fills it in). Hyperdisk provisioned IOPS/throughput are not priced.
"""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, Unpriced
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.gcp.machine import DEFAULT_DISK_TYPE, disk_components
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import num_input, text_input
from cloudwright.resource_graph.model import Resource


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    disk_type = text_input(resource, "disk type", "type") or DEFAULT_DISK_TYPE
    size = num_input(resource, "disk size", "size")
    if size is None:
        size = ctx.usage_value(resource, "root_volume_gb")
    if size is None:
        size = Unpriced("size comes from its image or snapshot; set root_volume_gb")
    return disk_components(disk_type, size)


PRICER = Pricer(
    types=("gcp:compute/disk:Disk",),
    summary="provisioned GB by disk type (pd-standard/balanced/ssd/extreme, Hyperdisk)",
    price=price,
)
