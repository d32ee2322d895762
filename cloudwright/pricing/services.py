"""Cost components that look the same on every cloud: object stores and NAT gateways.

An object store's size is usage (its inputs cannot say how much it will hold); a NAT
gateway bills its hours and the GB it processes.
"""

from __future__ import annotations

from cloudwright.pricing.components import (
    CostComponent,
    NetworkEnergy,
    StorageEnergy,
    Text,
    UnitRate,
)
from cloudwright.pricing.compute import egress
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.values import times
from cloudwright.resource_graph.model import Resource

_REQUESTS = (
    ("put_requests", "requests-put", "PUT, COPY, POST, LIST requests"),
    ("get_requests", "requests-get", "GET, SELECT and all other requests"),
)


def object_storage(
    resource: Resource,
    ctx: PricingContext,
    *,
    cloud: str,
    service: str,
    product: Text,
    label: str,
) -> list[CostComponent]:
    """Stored GB, requests and egress of an object store (all usage-based)."""
    components = [
        CostComponent(
            name=f"Storage ({label})",
            unit="GB",
            quantity=ctx.usage_quantity(resource, "storage_gb"),
            price=UnitRate(cloud, service, product, "GB-month"),
            usage_based=True,
            usage_key="storage_gb",
            energy=StorageEnergy("hdd", "object"),
        )
    ]
    for key, request_product, name in _REQUESTS:
        value = ctx.usage_value(resource, key)
        if value is not None:
            components.append(
                CostComponent(
                    name=name,
                    unit="1k requests",
                    quantity=times(value, 1e-3),
                    price=UnitRate(cloud, service, request_product, "1k-requests"),
                    usage_based=True,
                    usage_key=key,
                )
            )
    return components + egress(resource, ctx, cloud)


def nat_components(
    resource: Resource, ctx: PricingContext, cloud: str, service: str, label: str
) -> list[CostComponent]:
    """Gateway hours + data processed."""
    return [
        CostComponent(
            name=label,
            unit="hours",
            quantity=ctx.always_on_hours(resource),
            price=UnitRate(cloud, service, "gateway", "hour"),
        ),
        CostComponent(
            name="Data processed",
            unit="GB",
            quantity=ctx.usage_quantity(resource, "data_processed_gb"),
            price=UnitRate(cloud, service, "data-processed", "GB"),
            usage_based=True,
            usage_key="data_processed_gb",
            energy=NetworkEnergy(),
        ),
    ]
