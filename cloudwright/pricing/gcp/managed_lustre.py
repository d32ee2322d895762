"""Google Cloud Managed Lustre (`gcp:lustre/instance:Instance`): capacity by throughput tier
(`perUnitStorageThroughput`, MB/s per TiB: 125, 250, 500 or 1000)."""

from __future__ import annotations

from cloudwright.optimizer.models.storage import PARALLEL_FS
from cloudwright.pricing.components import CostComponent, StorageEnergy, UnitRate, Unpriced
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import num_input
from cloudwright.resource_graph.model import Resource


def _stand_in() -> UnitRate:
    """The optimizer's fallback for GCP's parallel file system (optimizer.models.storage):
    the next product of its list after Managed Lustre."""
    service, product, unit, _ = PARALLEL_FS["gcp"][1]
    return UnitRate("gcp", service, product, unit)


_STAND_IN = _stand_in()


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    capacity = num_input(resource, "capacity", "capacityGib")
    tier = num_input(resource, "throughput tier", "perUnitStorageThroughput")
    if tier is None:
        product: str | Unpriced = Unpriced("perUnitStorageThroughput is not set")
    elif isinstance(tier, Unpriced):
        product = tier
    else:
        product = f"{tier:g}"
    shown = f"{product} MB/s/TiB" if isinstance(product, str) else "unknown tier"
    return [
        CostComponent(
            name=f"Capacity ({shown})",
            unit="GB",
            quantity=capacity if capacity is not None else Unpriced("capacityGib is not set"),
            price=UnitRate(
                "gcp",
                "managed_lustre",
                product,
                "GB-month",
                fallback=_STAND_IN,
                fallback_note="Managed Lustre has no public price in the sources: Parallelstore "
                "capacity, the stand-in the optimizer weighs",
            ),
            energy=StorageEnergy("ssd", "file"),
        )
    ]


PRICER = Pricer(
    types=("gcp:lustre/instance:Instance",),
    summary="capacity by MB/s/TiB tier",
    price=price,
)
