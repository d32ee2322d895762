"""Cloud Storage bucket (`gcp:storage/bucket:Bucket`): stored GB by the bucket's default
storage class, requests and egress (usage). Multi-region locations (US, EU, ASIA) have their
own prices: the catalog must carry a row for that location or the price is unknown."""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.services import object_storage
from cloudwright.pricing.values import text_input
from cloudwright.resource_graph.model import Resource

DEFAULT_CLASS = "STANDARD"


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    storage_class = text_input(resource, "storage class", "storageClass") or DEFAULT_CLASS
    product = storage_class.upper() if isinstance(storage_class, str) else storage_class
    label = product.lower() if isinstance(product, str) else "unknown class"
    return object_storage(resource, ctx, cloud="gcp", service="gcs", product=product, label=label)


PRICER = Pricer(
    types=("gcp:storage/bucket:Bucket",),
    summary="stored GB by storage class, requests, egress (all usage)",
    price=price,
)
