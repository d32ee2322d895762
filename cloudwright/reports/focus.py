"""FOCUS export: the estimate as a FinOps Open Cost and Usage Specification 1.2 Cost and
Usage dataset (CSV), with its Schema metadata (JSON), so FinOps tools can load it next to
real bills.

One row per priced cost component of every resource in the stack (after the update), for a
charge period of one calendar month (the current one, UTC). What the columns hold
(reports.focus_schema lists them with their data types):

- BilledCost, EffectiveCost, ListCost, ContractedCost: the estimated monthly cost at list
  price (no discounts, credits or commitments are known, so the four agree). **Estimates.**
- ListUnitPrice, ContractedUnitPrice: the catalog unit price; PricingQuantity /
  ConsumedQuantity: the estimated monthly quantity; PricingUnit / ConsumedUnit: its unit in
  FOCUS's unit format (Hours, GB-Months, 1000 Requests, ...).
- ChargeCategory "Usage", ChargeClass null (not a correction), ChargeFrequency
  "Usage-Based", PricingCategory "Standard" (on-demand/list) or "Dynamic" (spot).
- Commitment-discount columns null (none is known); CapacityReservationId/Status set on an
  AWS capacity reservation's own hours ("Unused": capacity paid for whether or not
  instances run in it), null elsewhere; InvoiceId null (an estimate is not invoiced).
- SkuId / SkuPriceId: synthetic ids naming the catalog row; SkuMeter: what is metered;
  SkuPriceDetails: the catalog row's unit and product as custom (x_) properties.
- x_ columns: energy and carbon (null when unknown, x_EnergyNote says why), price source
  citation and its note, price date, catalog snapshot, Pulumi op, workload, what the
  resource's unpriced components are, and `x_Estimate` = true on every row.

FOCUS requires a cost on every row, so a component without a known price or quantity is not
a row: its resource's other rows name it in x_UnpricedInResource, and the metadata lists it
with a null cost and the reason. Nothing unknown is written as 0.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloudwright.reports.focus_schema import (
    COLUMNS,
    CUSTOM_COLUMNS,
    DATA_TYPES,
    FOCUS_VERSION,
    PROVIDERS,
    SERVICES,
    TRANSFER_UNIT,
    UNMAPPED_SERVICE,
    ascii_text,
    decimal,
    price_source,
    unit_text,
)
from cloudwright.reports.safe import csv_cell

if TYPE_CHECKING:
    from cloudwright.pricing.report import ComponentCost, CostReport, ResourceCost

__all__ = ["COLUMNS", "FOCUS_VERSION", "focus_metadata", "metadata_path", "render_focus"]

GENERATOR = "cloudwright"
METADATA_SUFFIX = ".metadata.json"
CAPACITY_RESERVATION_TYPES = frozenset({"aws:ec2/capacityReservation:CapacityReservation"})


def _period(now: datetime) -> tuple[str, str]:
    start = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start.strftime("%Y-%m-%dT%H:%M:%SZ"), end.strftime("%Y-%m-%dT%H:%M:%SZ")


def _sku_parts(cloud: str, c: ComponentCost) -> tuple[str, str, str, str]:
    """(sku, service, product, catalog unit or purchase option) of a priced component."""
    sku = c.sku or f"{cloud}:other:{c.name}:{c.unit}"
    parts = sku.split(":")
    if len(parts) < 4:
        parts = [cloud, "other", sku, c.unit]
    return sku, parts[1], ":".join(parts[2:-1]), parts[-1]


def service_of(cloud: str, service: str) -> tuple[str, str, str]:
    """(ServiceName, ServiceCategory, ServiceSubcategory) of a catalog service."""
    known = SERVICES.get((cloud, service))
    if known is not None:
        return known
    return (f"{PROVIDERS.get(cloud, cloud)} {service}", *UNMAPPED_SERVICE)


def focus_unit(c: ComponentCost, catalog_unit: str) -> str:
    if c.unit == "GB" and catalog_unit == "GB":
        return TRANSFER_UNIT
    return unit_text(c.unit)


def _meter(c: ComponentCost) -> str:
    """What the SKU meters, from the component name: "Boot disk: Storage (balanced …)" →
    "Storage"; "Instance usage (Linux/UNIX, on-demand, p5.48xlarge)" → "Instance usage"."""
    core = c.name.rsplit(": ", 1)[-1].split(" (", 1)[0]
    return ascii_text(core) or ascii_text(c.name)


def _unpriced(r: ResourceCost) -> str:
    missing = [c for c in r.components if c.status != "priced"]
    return "; ".join(ascii_text(f"{c.name}: {c.reason or c.status}") for c in missing)


def render_focus(report: CostReport, *, now: datetime | None = None) -> str:
    start, end = _period(now or datetime.now(UTC))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in report.counted():
        unpriced = _unpriced(r)
        for c in r.components:
            if c.status != "priced" or c.monthly_usd is None or r.cloud is None:
                continue
            row = _row(report, r, c, start, end, unpriced)
            writer.writerow({column: csv_cell(value) for column, value in row.items()})
    return buffer.getvalue()


def _row(
    report: CostReport, r: ResourceCost, c: ComponentCost, start: str, end: str, unpriced: str
) -> dict[str, object]:
    cloud = r.cloud or ""
    sku, service, product, last = _sku_parts(cloud, c)
    name, category, subcategory = service_of(cloud, service)
    provider = PROVIDERS.get(cloud, cloud)
    unit = focus_unit(c, last)
    cost = decimal(c.monthly_usd)
    quantity = decimal(c.quantity)
    price = decimal(c.unit_price_usd)
    tags = dict(r.tags)
    if r.workload and "workload" not in tags:
        tags["workload"] = r.workload
    source, source_note = price_source(c.price_source)
    reservation = r.type in CAPACITY_RESERVATION_TYPES
    details = {"x_CatalogProduct": ascii_text(product), "x_CatalogUnit": ascii_text(last)}
    energy_note = (
        c.note.split("energy unknown: ", 1)[1] if c.note and "energy unknown: " in c.note else ""
    )
    return {
        "AvailabilityZone": r.zone or "",
        "BilledCost": cost,
        "BillingAccountId": report.project or "estimate",
        "BillingAccountName": report.project or "estimate",
        "BillingCurrency": "USD",
        "BillingPeriodEnd": end,
        "BillingPeriodStart": start,
        "CapacityReservationId": r.urn if reservation else "",
        "CapacityReservationStatus": "Unused" if reservation else "",
        "ChargeCategory": "Usage",
        "ChargeClass": "",
        "ChargeDescription": ascii_text(f"{c.name} - {r.name} (estimate)"),
        "ChargeFrequency": "Usage-Based",
        "ChargePeriodEnd": end,
        "ChargePeriodStart": start,
        "CommitmentDiscountCategory": "",
        "CommitmentDiscountId": "",
        "CommitmentDiscountName": "",
        "CommitmentDiscountQuantity": "",
        "CommitmentDiscountStatus": "",
        "CommitmentDiscountType": "",
        "CommitmentDiscountUnit": "",
        "ConsumedQuantity": quantity,
        "ConsumedUnit": unit,
        "ContractedCost": cost,
        "ContractedUnitPrice": price,
        "EffectiveCost": cost,
        "InvoiceId": "",
        "InvoiceIssuerName": provider,
        "ListCost": cost,
        "ListUnitPrice": price,
        "PricingCategory": "Dynamic" if sku.endswith(":spot") else "Standard",
        "PricingQuantity": quantity,
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
        "SkuMeter": _meter(c),
        "SkuPriceDetails": json.dumps(details, sort_keys=True),
        "SkuPriceId": f"{sku}@{r.region or '*'}",
        "SubAccountId": report.stack or "",
        "SubAccountName": report.stack or "",
        "Tags": json.dumps(tags, sort_keys=True) if tags else "",
        "x_CarbonKgCO2e": decimal(c.carbon_kg_month),
        "x_CatalogSnapshotDate": report.catalog_snapshot_date,
        "x_EnergyBasis": c.energy_basis or "",
        "x_EnergyKwh": decimal(c.energy_kwh_month),
        "x_EnergyNote": ascii_text(energy_note),
        "x_Estimate": "true",
        "x_PriceDate": c.price_date or "",
        "x_PriceSource": source,
        "x_PriceSourceNote": source_note,
        "x_PulumiOp": r.op,
        "x_UnpricedInResource": unpriced,
        "x_Workload": r.workload or "",
    }


def metadata_path(out: str | Path) -> Path:
    """Where the Schema metadata of a FOCUS file goes: beside it, `<out>.metadata.json`."""
    return Path(f"{out}{METADATA_SUFFIX}")


def _column_definitions() -> list[dict[str, Any]]:
    definitions: list[dict[str, Any]] = []
    for column in COLUMNS:
        kind = DATA_TYPES[column]
        entry: dict[str, Any] = {"ColumnName": column, "DataType": kind}
        if kind == "DECIMAL":
            entry.update(NumericPrecision=38, NumberScale=17)  # float64 round-trips
        elif kind == "STRING":
            entry["StringEncoding"] = "UTF-8"
        if column == "Tags":
            entry["ProviderTagPrefixes"] = []  # tags are the program's own, none reserved
        definitions.append(entry)
    return definitions


def schema_id() -> str:
    """Changes whenever the columns or their types change (FOCUS: a new schema object)."""
    digest = hashlib.sha256(json.dumps(_column_definitions(), sort_keys=True).encode())
    return f"cloudwright-focus-{FOCUS_VERSION}-{digest.hexdigest()[:12]}"


def focus_metadata(
    report: CostReport, *, dataset: str | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """The FOCUS 1.2 metadata of one export: DataGenerator and Schema objects (FocusVersion,
    SchemaId, CreationDate, DataGeneratorVersion, ColumnDefinition), plus cloudwright's own
    notes under `x_Cloudwright` (the dataset file, estimate flag, what was not exported)."""
    from cloudwright import __version__

    moment = (now or datetime.now(UTC)).astimezone(UTC)
    unpriced = [
        {
            "ResourceId": r.urn,
            "ResourceName": r.name,
            "ResourceType": r.type,
            "Component": c.name,
            "Status": c.status,
            "BilledCost": None,
            "Reason": c.reason,
        }
        for r in report.counted()
        for c in r.components
        if c.status != "priced"
    ]
    unpriced += [
        {
            "ResourceId": r.urn,
            "ResourceName": r.name,
            "ResourceType": r.type,
            "Component": None,
            "Status": r.status,
            "BilledCost": None,
            "Reason": r.reason or f"no pricer for {r.type}",
        }
        for r in report.counted()
        if r.status in ("unknown", "unsupported") and not r.components
    ]
    return {
        "DataGenerator": {"DataGenerator": GENERATOR},
        "Schema": {
            "SchemaId": schema_id(),
            "FocusVersion": FOCUS_VERSION,
            "CreationDate": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "DataGeneratorVersion": __version__,
            "ColumnDefinition": _column_definitions(),
        },
        "x_Cloudwright": {
            "Dataset": dataset,
            "Estimate": True,
            "Note": report.estimate_note,
            "CatalogSnapshotDate": report.catalog_snapshot_date,
            "CustomColumns": list(CUSTOM_COLUMNS),
            "Unpriced": unpriced,
        },
    }


def write_focus_metadata(
    report: CostReport, out: str | Path, *, now: datetime | None = None
) -> Path:
    """Write the metadata of the FOCUS file `out` beside it, atomically; returns its path."""
    from cloudwright.core.fsio import write_json

    path = metadata_path(out)
    write_json(path, focus_metadata(report, dataset=Path(out).name, now=now))
    return path
