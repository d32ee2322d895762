"""Azure file share (`azure:storage/share:Share`, `azure-native:storage:FileShare`): data at
rest by the account's tier, the share's access tier and replication.

The storage account is found through the graph (`storageAccountName` / `storageAccountId`,
or the property dependency). Premium (FileStorage) shares bill their provisioned quota
(`quota` GiB); standard shares bill the GB stored (usage `storage_gb`), with the quota as a
ceiling in the note. The access tier is `accessTier` (TransactionOptimized, Azure's default
for standard shares; Hot; Cool). Transactions are not priced.
"""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, StorageEnergy, TableRate, Text, Unpriced
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import num_input, raw, text_input
from cloudwright.resource_graph.model import Resource

ACCOUNTS = ("azure:storage/account:Account", "azure-native:storage:StorageAccount")
DEFAULT_ACCESS = "TransactionOptimized"


def _account_sku(resource: Resource, ctx: PricingContext) -> tuple[Text, Text]:
    """(tier, replication) of the share's storage account."""
    account = ctx.index.resolve(
        resource,
        ACCOUNTS,
        props=("storageAccountName", "storageAccountId", "accountName"),
        ids=[raw(resource, "storageAccountId")],
        names=[raw(resource, "storageAccountName", "accountName")],
    )
    if account is None:  # azure-native names an account by `accountName`, not `name`
        wanted = raw(resource, "accountName", "storageAccountName")
        named = [a for a in ctx.of_type(*ACCOUNTS) if raw(a, "accountName", "name") == wanted]
        account = named[0] if isinstance(wanted, str) and len(named) == 1 else None
    if account is None:
        missing = Unpriced("its storage account is not in this graph")
        return missing, missing
    if account.type == ACCOUNTS[1]:
        sku = text_input(account, "SKU", "sku.name")
        if not isinstance(sku, str):
            missing = sku or Unpriced("the account's sku.name is not set")
            return missing, missing
        family, _, redundancy = sku.partition("_")
        return family.capitalize(), redundancy.upper()
    tier = text_input(account, "account tier", "accountTier") or Unpriced("no account tier")
    replication = text_input(account, "replication", "accountReplicationType") or Unpriced(
        "no replication type"
    )
    return (
        tier.capitalize() if isinstance(tier, str) else tier,
        replication.upper() if isinstance(replication, str) else replication,
    )


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    tier, replication = _account_sku(resource, ctx)
    quota = num_input(resource, "quota", "quota", "shareQuota")
    if isinstance(tier, Unpriced) or isinstance(replication, Unpriced):
        reason = tier if isinstance(tier, Unpriced) else replication
        assert isinstance(reason, Unpriced)
        return [
            CostComponent(
                "Data at rest", "GB", reason, TableRate("azure", "files", reason, "GB-month")
            )
        ]
    if tier == "Premium":
        return [
            CostComponent(
                name=f"Provisioned storage (Premium {replication})",
                unit="GB",
                quantity=quota if quota is not None else Unpriced("the quota is not set"),
                price=TableRate("azure", "files", f"Premium-{replication}", "GB-month"),
                energy=StorageEnergy("ssd", "file"),
            )
        ]
    access = text_input(resource, "access tier", "accessTier") or DEFAULT_ACCESS
    product: Text = access
    if isinstance(access, str):
        access = {"transactionoptimized": "TransactionOptimized"}.get(
            access.lower(), access.capitalize()
        )
        product = f"{access}-{replication}"
    ceiling = f"; the quota caps it at {quota:g} GiB" if isinstance(quota, float) else ""
    return [
        CostComponent(
            name=f"Data at rest ({access if isinstance(access, str) else '?'} {replication})",
            unit="GB",
            quantity=ctx.usage_quantity(resource, "storage_gb"),
            price=TableRate("azure", "files", product, "GB-month"),
            usage_based=True,
            usage_key="storage_gb",
            energy=StorageEnergy("hdd", "file"),
            note=f"standard shares bill the GB stored{ceiling}; transactions are not priced",
        )
    ]


PRICER = Pricer(
    types=("azure:storage/share:Share", "azure-native:storage:FileShare"),
    summary="premium: provisioned quota GiB; standard: GB stored (usage) by access tier and "
    "replication",
    price=price,
)
