"""CloudWatch log group (`aws:cloudwatch/logGroup:LogGroup`): GB ingested and GB stored, both
usage (`log_ingestion_gb`, `storage_gb`). Retention (`retentionInDays`, 0 = forever) bounds
what is stored; the usage file says how much that is."""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, StorageEnergy, TableRate
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.resource_graph.model import Resource


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    return [
        CostComponent(
            name="Data ingested",
            unit="GB",
            quantity=ctx.usage_quantity(resource, "log_ingestion_gb"),
            price=TableRate("aws", "cloudwatch_logs", "ingestion", "GB"),
            usage_based=True,
            usage_key="log_ingestion_gb",
        ),
        CostComponent(
            name="Archival storage",
            unit="GB",
            quantity=ctx.usage_quantity(resource, "storage_gb"),
            price=TableRate("aws", "cloudwatch_logs", "storage", "GB-month"),
            usage_based=True,
            usage_key="storage_gb",
            energy=StorageEnergy("hdd", "object"),
        ),
    ]


PRICER = Pricer(
    types=("aws:cloudwatch/logGroup:LogGroup",),
    summary="GB ingested and GB stored (usage)",
    price=price,
)
