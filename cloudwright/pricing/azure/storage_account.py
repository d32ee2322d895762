"""Azure storage account: blob capacity (usage) by access tier and replication, requests
and egress.

Tokens: `azure-native:storage:StorageAccount` (`sku.name` like Standard_LRS, `accessTier`)
and classic `azure:storage/account:Account` (`accountTier`, `accountReplicationType`,
`accessTier`). The access tier defaults to Hot (Azure's default for StorageV2 accounts).
Names are read case-insensitively, as ARM does. File shares are priced on their own
(`azure/file_share.py`); queues and tables are not priced.
"""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, Text, Unpriced
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.services import object_storage
from cloudwright.pricing.values import text_input
from cloudwright.resource_graph.model import Resource

NATIVE = "azure-native:storage:StorageAccount"
DEFAULT_ACCESS_TIER = "Hot"


def _product(resource: Resource) -> Text:
    access = text_input(resource, "access tier", "accessTier") or DEFAULT_ACCESS_TIER
    if resource.type == NATIVE:
        sku = text_input(resource, "SKU", "sku.name")
        if not isinstance(sku, str):
            return sku or Unpriced("sku.name is not set")
        tier, _, replication = sku.partition("_")
    else:
        tier_text = text_input(resource, "account tier", "accountTier")
        replication_text = text_input(resource, "replication", "accountReplicationType")
        if not isinstance(tier_text, str) or not isinstance(replication_text, str):
            return Unpriced("account tier or replication is not known")
        tier, replication = tier_text, replication_text
    if isinstance(access, Unpriced):
        return access
    # ARM reads these case-insensitively (state files hold "standard" and "Standard" alike);
    # the catalog spells them "Standard"/"Hot" and "LRS".
    tier, access, replication = tier.capitalize(), access.capitalize(), replication.upper()
    return f"{access if tier == 'Standard' else tier}-{replication}"


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    product = _product(resource)
    label = product.replace("-", " ") if isinstance(product, str) else "unknown tier"
    return object_storage(
        resource, ctx, cloud="azure", service="blob", product=product, label=label
    )


PRICER = Pricer(
    types=(NATIVE, "azure:storage/account:Account"),
    summary="blob capacity GB by access tier and replication, requests, egress (all usage)",
    price=price,
)
