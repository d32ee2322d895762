"""FSx for Lustre (`aws:fsx/lustreFileSystem:LustreFileSystem`): storage capacity by
deployment type and throughput tier, plus user-provisioned metadata IOPS.

`storageCapacity` is in GiB (AWS bills it as "GB-month"). The product key is
`PERSISTENT_2-<MB/s/TiB>`, `PERSISTENT_1-<MB/s/TiB>`, `SCRATCH_2` or `SCRATCH_1`; the AWS
default deployment type is SCRATCH_1. HDD file systems use `<type>-HDD-<tier>`.
"""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, StorageEnergy, Text, UnitRate, Unpriced
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import num_input, text_input
from cloudwright.resource_graph.model import Resource

DEFAULT_DEPLOYMENT = "SCRATCH_1"


def product_key(deployment: Text, throughput: float | Unpriced | None, hdd: bool) -> Text:
    if isinstance(deployment, Unpriced):
        return deployment
    if deployment.startswith("SCRATCH"):
        return deployment
    if throughput is None:
        return Unpriced(f"{deployment} needs perUnitStorageThroughput")
    if isinstance(throughput, Unpriced):
        return throughput
    tier = f"{throughput:g}"
    return f"{deployment}-HDD-{tier}" if hdd else f"{deployment}-{tier}"


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    deployment = text_input(resource, "deployment type", "deploymentType") or DEFAULT_DEPLOYMENT
    throughput = num_input(resource, "throughput tier", "perUnitStorageThroughput")
    hdd = text_input(resource, "storage type", "storageType") == "HDD"
    capacity = num_input(resource, "storage capacity", "storageCapacity")
    product = product_key(deployment, throughput, hdd)
    shown = product if isinstance(product, str) else "unknown tier"
    components = [
        CostComponent(
            name=f"Storage ({shown})",
            unit="GB",
            quantity=capacity if capacity is not None else Unpriced("storageCapacity is not set"),
            price=UnitRate("aws", "fsx_lustre", product, "GB-month"),
            energy=StorageEnergy("hdd" if hdd else "ssd", "file"),
        )
    ]
    mode = text_input(resource, "metadata mode", "metadataConfiguration.mode")
    iops = num_input(resource, "metadata IOPS", "metadataConfiguration.iops")
    if mode == "USER_PROVISIONED" and iops is not None:
        components.append(
            CostComponent(
                name="Metadata IOPS",
                unit="IOPS",
                quantity=iops,
                price=UnitRate("aws", "fsx_lustre", "metadata-iops", "IOPS-month"),
            )
        )
    return components


PRICER = Pricer(
    types=("aws:fsx/lustreFileSystem:LustreFileSystem",),
    summary="capacity GB by deployment type and MB/s/TiB tier; provisioned metadata IOPS",
    price=price,
)
