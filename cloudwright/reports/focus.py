"""FOCUS export: the estimate as a FinOps Open Cost and Usage Specification (v1.2) cost and
usage dataset, so FinOps tools can load it next to real bills.

One row per priced cost component of every resource in the stack (after the update), for a
charge period of one calendar month (the current one, UTC). What the columns hold:

- BilledCost, EffectiveCost, ListCost, ContractedCost: the estimated monthly cost at list
  price (no discounts, credits or commitments are known, so the four agree). **Estimates.**
- ListUnitPrice, ContractedUnitPrice: the catalog unit price; PricingQuantity /
  ConsumedQuantity: the estimated monthly quantity; PricingUnit / ConsumedUnit: its unit.
- ChargeCategory "Usage", ChargeClass empty (not a correction), ChargeFrequency
  "Usage-Based", PricingCategory "Standard" (on-demand/list) or "Dynamic" (spot).
- ProviderName / PublisherName / InvoiceIssuerName: the cloud; RegionId/RegionName: its region.
- ResourceId: the Pulumi URN; ResourceName: the logical name; ResourceType: the type token.
- SkuId / SkuPriceId: synthetic ids (`cloud:service:product:unit` and `…@region`) naming the
  catalog row, because the catalog does not carry the providers' SKU ids.
- Tags: the resource's tags/labels as JSON.
- x_ columns (FOCUS's custom-column prefix): energy, carbon, energy basis, price source and
  date, catalog snapshot, Pulumi op, and `x_Estimate` = true on every row.

Components whose price or quantity is unknown are not exported (FOCUS requires a cost); the
JSON report lists them.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from cloudwright.reports.safe import csv_cell

if TYPE_CHECKING:
    from cloudwright.pricing.report import ComponentCost, CostReport, ResourceCost

FOCUS_VERSION = "1.2"

PROVIDERS = {"aws": "Amazon Web Services", "gcp": "Google Cloud", "azure": "Microsoft Azure"}

COLUMNS = (
    "AvailabilityZone",
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "CommitmentDiscountCategory",
    "CommitmentDiscountId",
    "CommitmentDiscountName",
    "CommitmentDiscountStatus",
    "CommitmentDiscountType",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedCost",
    "ContractedUnitPrice",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "ListUnitPrice",
    "PricingCategory",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "RegionId",
    "RegionName",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ServiceCategory",
    "ServiceName",
    "ServiceSubcategory",
    "SkuId",
    "SkuPriceId",
    "SubAccountId",
    "SubAccountName",
    "Tags",
    "x_CarbonKgCO2e",
    "x_CatalogSnapshotDate",
    "x_EnergyBasis",
    "x_EnergyKwh",
    "x_Estimate",
    "x_PriceDate",
    "x_PriceSource",
    "x_PulumiOp",
    "x_Workload",
)

# FOCUS unit format (Hours, GB-Months, 1000 Requests, ...).
_UNITS = {
    "hours": "Hours",
    "VM-hours": "Hours",
    "GB": "GB-Months",
    "GiB": "GiB-Months",
    "TiB": "TiB-Months",
    "IOPS": "IOPS-Months",
    "MBps": "MBps-Months",
    "1k requests": "1000 Requests",
}
_TRANSFER_UNIT = "GB"

# (cloud, catalog service) → (ServiceName, ServiceCategory, ServiceSubcategory)
_SERVICES: dict[tuple[str, str], tuple[str, str, str]] = {
    ("aws", "instance"): ("Amazon Elastic Compute Cloud", "Compute", "Virtual Machines"),
    ("aws", "ebs"): ("Amazon Elastic Block Store", "Storage", "Block Storage"),
    ("aws", "s3"): ("Amazon Simple Storage Service", "Storage", "Object Storage"),
    ("aws", "fsx_lustre"): ("Amazon FSx for Lustre", "Storage", "File Storage"),
    ("aws", "nat_gateway"): ("Amazon Virtual Private Cloud", "Networking", "Network Connectivity"),
    ("aws", "eks"): ("Amazon Elastic Kubernetes Service", "Compute", "Containers"),
    ("aws", "egress"): ("AWS Data Transfer", "Networking", "Network Connectivity"),
    ("gcp", "instance"): ("Compute Engine", "Compute", "Virtual Machines"),
    ("gcp", "gpu"): ("Compute Engine", "Compute", "Virtual Machines"),
    ("gcp", "pd"): ("Compute Engine", "Storage", "Block Storage"),
    ("gcp", "gcs"): ("Cloud Storage", "Storage", "Object Storage"),
    ("gcp", "filestore"): ("Filestore", "Storage", "File Storage"),
    ("gcp", "parallelstore"): ("Parallelstore", "Storage", "File Storage"),
    ("gcp", "managed_lustre"): ("Google Cloud Managed Lustre", "Storage", "File Storage"),
    ("gcp", "gke"): ("Kubernetes Engine", "Compute", "Containers"),
    ("gcp", "cloud_nat"): ("Cloud NAT", "Networking", "Network Connectivity"),
    ("gcp", "egress"): ("Networking", "Networking", "Network Connectivity"),
    ("azure", "instance"): ("Virtual Machines", "Compute", "Virtual Machines"),
    ("azure", "managed_disk"): ("Managed Disks", "Storage", "Block Storage"),
    ("azure", "blob"): ("Storage", "Storage", "Object Storage"),
    ("azure", "managed_lustre"): ("Azure Managed Lustre", "Storage", "File Storage"),
    ("azure", "aks"): ("Azure Kubernetes Service", "Compute", "Containers"),
    ("azure", "nat_gateway"): ("NAT Gateway", "Networking", "Network Connectivity"),
    ("azure", "egress"): ("Bandwidth", "Networking", "Network Connectivity"),
}


def _period(now: datetime) -> tuple[str, str]:
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start.strftime("%Y-%m-%dT%H:%M:%SZ"), end.strftime("%Y-%m-%dT%H:%M:%SZ")


def _service(cloud: str, sku: str) -> tuple[str, str, str]:
    service = sku.split(":")[1] if sku.count(":") >= 3 else "other"
    return _SERVICES.get((cloud, service), (service, "Other", "Other"))


def _unit(c: ComponentCost) -> str:
    if c.sku and c.sku.endswith(":GB") and c.unit == "GB":
        return _TRANSFER_UNIT  # data moved, not data stored
    return _UNITS.get(c.unit, c.unit)


def render_focus(report: CostReport, *, now: datetime | None = None) -> str:
    moment = now or datetime.now(UTC)
    start, end = _period(moment)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in report.counted():
        for c in r.components:
            if c.status != "priced" or c.monthly_usd is None or r.cloud is None:
                continue
            row = _row(report, r, c, start, end)
            writer.writerow({column: csv_cell(value) for column, value in row.items()})
    return buffer.getvalue()


def _row(
    report: CostReport, r: ResourceCost, c: ComponentCost, start: str, end: str
) -> dict[str, object]:
    cloud = r.cloud or ""
    sku = c.sku or f"{cloud}:other:{c.name}:{c.unit}"
    name, category, subcategory = _service(cloud, sku)
    provider = PROVIDERS.get(cloud, cloud)
    unit = _unit(c)
    tags = dict(r.tags)
    if r.workload and "workload" not in tags:
        tags["workload"] = r.workload
    return {
        "AvailabilityZone": r.zone or "",
        "BilledCost": _num(c.monthly_usd),
        "BillingAccountId": report.project or "estimate",
        "BillingAccountName": report.project or "",
        "BillingCurrency": "USD",
        "BillingPeriodEnd": end,
        "BillingPeriodStart": start,
        "ChargeCategory": "Usage",
        "ChargeClass": "",
        "ChargeDescription": f"{c.name} — {r.name} (estimate)",
        "ChargeFrequency": "Usage-Based",
        "ChargePeriodEnd": end,
        "ChargePeriodStart": start,
        "ConsumedQuantity": _num(c.quantity),
        "ConsumedUnit": unit,
        "ContractedCost": _num(c.monthly_usd),
        "ContractedUnitPrice": _num(c.unit_price_usd),
        "EffectiveCost": _num(c.monthly_usd),
        "InvoiceIssuerName": provider,
        "ListCost": _num(c.monthly_usd),
        "ListUnitPrice": _num(c.unit_price_usd),
        "PricingCategory": "Dynamic" if sku.endswith(":spot") else "Standard",
        "PricingQuantity": _num(c.quantity),
        "PricingUnit": unit,
        "ProviderName": provider,
        "PublisherName": provider,
        "RegionId": r.region or "",
        "RegionName": r.region or "",
        "ResourceId": r.urn,
        "ResourceName": r.name,
        "ResourceType": r.type,
        "ServiceCategory": category,
        "ServiceName": name,
        "ServiceSubcategory": subcategory,
        "SkuId": sku,
        "SkuPriceId": f"{sku}@{r.region or '*'}",
        "SubAccountId": report.stack or "",
        "SubAccountName": report.stack or "",
        "Tags": json.dumps(tags, sort_keys=True) if tags else "",
        "x_CarbonKgCO2e": _num(c.carbon_kg_month),
        "x_CatalogSnapshotDate": report.catalog_snapshot_date,
        "x_EnergyBasis": c.energy_basis or "",
        "x_EnergyKwh": _num(c.energy_kwh_month),
        "x_Estimate": "true",
        "x_PriceDate": c.price_date or "",
        "x_PriceSource": c.price_source or "",
        "x_PulumiOp": r.op,
        "x_Workload": r.workload or "",
    }


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.10g}"
