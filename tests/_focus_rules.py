"""A FOCUS 1.2 conformance checker for the Cost and Usage dataset, written for these tests from
the specification's normative rules (columns, attributes, metadata). It covers the rules an
estimate export can break:

- presence: the mandatory columns, and the conditional ones that apply to a generator of
  AWS/GCP/Azure charges (zones, regions, resources, SKUs, sub-accounts, tags, capacity
  reservations, commitment discounts, unit prices, consumed quantities);
- naming: every other column carries the custom x_ prefix; no duplicate column;
- formats: decimals (plain notation with a decimal point), ISO 8601 UTC date-times,
  ISO 4217 currency, Unit Format, JSON key-value objects, ASCII text without leading or
  trailing blanks in generated columns;
- allowed values: ChargeCategory, ChargeClass, ChargeFrequency, PricingCategory,
  CommitmentDiscount*, CapacityReservationStatus, and the ServiceCategory/ServiceSubcategory
  pairs; one ServiceCategory per ServiceName;
- null rules and consistency between columns (ListCost = ListUnitPrice × PricingQuantity,
  units present with their quantities, commitment columns all null together, ...);
- the metadata object: FocusVersion, DataGenerator, Schema with a ColumnDefinition that
  matches the file.

`check(text, metadata)` returns a list of failures ("RuleId row N Column: message"); empty is
conformant. It is deliberately independent of reports.focus_schema: a table copied from the
code under test could not catch its mistakes.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections import defaultdict
from typing import Any

VERSION = "1.2"

MANDATORY = [
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "ContractedCost",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "PricingCategory",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "ServiceCategory",
    "ServiceName",
]
# Conditional/recommended columns whose condition holds for cloud IaaS charges.
APPLICABLE = [
    "AvailabilityZone",
    "CapacityReservationId",
    "CapacityReservationStatus",
    "ChargeFrequency",
    "CommitmentDiscountCategory",
    "CommitmentDiscountId",
    "CommitmentDiscountName",
    "CommitmentDiscountQuantity",
    "CommitmentDiscountStatus",
    "CommitmentDiscountType",
    "CommitmentDiscountUnit",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedUnitPrice",
    "ListUnitPrice",
    "RegionId",
    "RegionName",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ServiceSubcategory",
    "SkuId",
    "SkuMeter",
    "SkuPriceDetails",
    "SkuPriceId",
    "SubAccountId",
    "SubAccountName",
    "Tags",
]
OTHER_12 = [
    "BillingAccountType",
    "InvoiceId",
    "PricingCurrency",
    "PricingCurrencyContractedUnitPrice",
    "PricingCurrencyEffectiveCost",
    "PricingCurrencyListUnitPrice",
    "SubAccountType",
]
KNOWN = set(MANDATORY) | set(APPLICABLE) | set(OTHER_12)

DECIMALS = [
    "BilledCost",
    "CommitmentDiscountQuantity",
    "ConsumedQuantity",
    "ContractedCost",
    "ContractedUnitPrice",
    "EffectiveCost",
    "ListCost",
    "ListUnitPrice",
    "PricingQuantity",
]
DATETIMES = ["BillingPeriodEnd", "BillingPeriodStart", "ChargePeriodEnd", "ChargePeriodStart"]
UNIT_COLUMNS = ["PricingUnit", "ConsumedUnit", "CommitmentDiscountUnit"]
JSON_COLUMNS = ("Tags", "SkuPriceDetails")
# Identifiers and names that come from the user's program pass through as written.
USER_TEXT = {
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "Tags",
    "BillingAccountId",
    "BillingAccountName",
    "SubAccountId",
    "SubAccountName",
    "x_Workload",
    "x_UnpricedInResource",
}
NOT_NULL = [
    "BilledCost",
    "BillingAccountId",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "ContractedCost",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "ProviderName",
    "PublisherName",
    "ServiceCategory",
    "ServiceName",
]

CHARGE_CATEGORIES = {"Usage", "Purchase", "Tax", "Credit", "Adjustment"}
CHARGE_FREQUENCIES = {"One-Time", "Recurring", "Usage-Based"}
PRICING_CATEGORIES = {"Standard", "Dynamic", "Committed", "Other"}
CURRENCIES = {"USD", "EUR", "GBP", "JPY", "CNY", "INR", "AUD", "CAD", "CHF", "SEK", "BRL"}

_SUB = {
    "AI and Machine Learning": "AI Platforms|Bots|Generative AI|Machine Learning|"
    "Natural Language Processing",
    "Analytics": "Analytics Platforms|Business Intelligence|Data Processing|Search|"
    "Streaming Analytics",
    "Business Applications": "Productivity and Collaboration",
    "Compute": "Containers|End User Computing|Quantum Compute|Serverless Compute|Virtual Machines",
    "Databases": "Caching|Data Warehouses|Ledger Databases|NoSQL Databases|"
    "Relational Databases|Time Series Databases",
    "Developer Tools": "Developer Platforms|Continuous Integration and Deployment|"
    "Development Environments|Source Code Management|Quality Assurance",
    "Identity": "Identity and Access Management",
    "Integration": "API Management|Messaging|Workflow Orchestration",
    "Internet of Things": "IoT Analytics|IoT Platforms",
    "Management and Governance": "Architecture|Compliance|Cost Management|Data Governance|"
    "Disaster Recovery|Endpoint Management|Observability|Support",
    "Media": "Content Creation|Gaming|Media Streaming|Mixed Reality",
    "Migration": "Data Migration|Resource Migration",
    "Mobile": "",
    "Multicloud": "Multicloud Integration",
    "Networking": "Application Networking|Content Delivery|Network Connectivity|"
    "Network Infrastructure|Network Routing|Network Security",
    "Security": "Secret Management|Security Posture Management|Threat Detection and Response",
    "Storage": "Backup Storage|Block Storage|File Storage|Object Storage|Storage Platforms",
    "Web": "Application Platforms",
    "Other": "",
}
# Every category also has its own "Other (<category>)" subcategory.
SUBCATEGORIES: dict[str, set[str]] = {
    category: {s for s in subs.split("|") if s} | {f"Other ({category})"}
    for category, subs in _SUB.items()
}

DATA_SIZES = {
    f"{prefix}{kind}"
    for prefix in ("", "K", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei")
    for kind in ("b", "B")
}
TIME_SINGULAR = {"Year", "Month", "Day", "Hour", "Minute", "Second", "Millisecond", "Microsecond"}
TIME_PLURAL = {f"{t}s" for t in TIME_SINGULAR}
_NOUN = re.compile(r"^[A-Z][A-Za-z]*$")
_DECIMAL = re.compile(r"^-?(0|[1-9]\d*)\.\d+$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


# Count units spelled with a lower-case prefix by the clouds themselves; FOCUS asks for
# capitalised nouns only as a SHOULD, so these established names are accepted.
ESTABLISHED = {"vCPU", "vCore"}


def _base(unit: str) -> bool:
    known = unit in DATA_SIZES or unit in TIME_SINGULAR or unit in TIME_PLURAL
    return known or unit in ESTABLISHED or bool(_NOUN.match(unit))


def unit_ok(unit: str) -> bool:
    """FOCUS Unit Format: [<quantity> ]<simple|compound>[/<[quantity ]time unit>]."""
    text = unit
    quantity = re.match(r"^([1-9]\d*) (.+)$", text)
    if quantity:
        text = quantity.group(2)
    numerator, _, denominator = text.partition("/")
    if denominator:
        per = re.match(r"^(?:([1-9]\d*) )?(.+)$", denominator)
        assert per is not None
        want = TIME_PLURAL if per.group(1) else TIME_SINGULAR
        if per.group(2) not in want and not _NOUN.match(per.group(2)):
            return False
    parts = numerator.split("-")
    if len(parts) > 2 or not all(_base(p) for p in parts):
        return False
    if len(parts) == 2 and parts[1] in TIME_SINGULAR:
        return False  # compound units end in the plural: GB-Hours, not GB-Hour
    return not (len(parts) == 1 and parts[0] in TIME_SINGULAR and not quantity)


def _number(value: str) -> float | None:
    return float(value) if value != "" else None


class _Report:
    def __init__(self) -> None:
        self.failures: list[str] = []

    def fail(self, rule: str, message: str, row: int | None = None, column: str = "") -> None:
        where = f" row {row}" if row is not None else ""
        self.failures.append(f"{rule}{where} {column}: {message}".replace("  ", " "))


def _columns(header: list[str], out: _Report) -> None:
    for column in MANDATORY + APPLICABLE:
        if column not in header:
            out.fail("ColumnPresent", "missing", column=column)
    for column in header:
        if column not in KNOWN and not column.startswith("x_"):
            out.fail(
                "CustomColumnPrefix", "not a FOCUS 1.2 column and not x_-prefixed", None, column
            )
    if len(set(header)) != len(header):
        out.fail("ColumnUnique", "duplicate column names")


def _formats(n: int, row: dict[str, str], out: _Report) -> None:
    for column, value in row.items():
        if value != value.strip():
            out.fail("StringHandling", f"leading/trailing whitespace in {value!r}", n, column)
        if column not in USER_TEXT and not value.isascii():
            out.fail("StringHandling", f"non-ASCII text {value!r}", n, column)
    for column in DECIMALS + [c for c in row if c.startswith("x_") and c.endswith(("Kwh", "CO2e"))]:
        value = row.get(column, "")
        if value and not _DECIMAL.match(value):
            out.fail("NumericFormat", f"{value!r} is not a plain decimal", n, column)
    for column in DATETIMES:
        if row.get(column) and not _DATETIME.match(row[column]):
            out.fail("DateTimeFormat", f"{row[column]!r} is not YYYY-MM-DDTHH:mm:ssZ", n, column)
    currency = row.get("BillingCurrency", "")
    if currency and currency not in CURRENCIES:
        out.fail("CurrencyFormat", f"{currency!r} is not an ISO 4217 code", n, "BillingCurrency")
    for column in UNIT_COLUMNS:
        if row.get(column) and not unit_ok(row[column]):
            out.fail("UnitFormat", f"{row[column]!r} breaks the Unit Format", n, column)
    _json(n, row, out)


def _json(n: int, row: dict[str, str], out: _Report) -> None:
    for column in JSON_COLUMNS:
        if not row.get(column):
            continue
        try:
            data = json.loads(row[column])
        except ValueError:
            out.fail("KeyValueFormat", "not JSON", n, column)
            continue
        if not isinstance(data, dict) or any(isinstance(v, (dict, list)) for v in data.values()):
            out.fail("KeyValueFormat", "not a flat JSON object", n, column)
        elif column == "SkuPriceDetails" and any(not k.startswith("x_") for k in data):
            out.fail("SkuPriceDetails", "custom property keys need the x_ prefix", n, column)


def _values(n: int, row: dict[str, str], out: _Report) -> None:
    for column in NOT_NULL:
        if not row.get(column):
            out.fail("NullHandling", "must not be null", n, column)
    category = row.get("ChargeCategory", "")
    if category and category not in CHARGE_CATEGORIES:
        out.fail("ChargeCategory", f"{category!r} not allowed", n, "ChargeCategory")
    if row.get("ChargeClass") not in ("", "Correction"):
        out.fail("ChargeClass", f"{row['ChargeClass']!r} not allowed", n, "ChargeClass")
    frequency = row.get("ChargeFrequency", "")
    if frequency and frequency not in CHARGE_FREQUENCIES:
        out.fail("ChargeFrequency", f"{frequency!r} not allowed", n, "ChargeFrequency")
    if category == "Purchase" and frequency == "Usage-Based":
        out.fail("ChargeFrequency", "a purchase is not usage-based", n, "ChargeFrequency")
    pricing = row.get("PricingCategory", "")
    if pricing and pricing not in PRICING_CATEGORIES:
        out.fail("PricingCategory", f"{pricing!r} not allowed", n, "PricingCategory")
    service, sub = row.get("ServiceCategory", ""), row.get("ServiceSubcategory", "")
    if service and service not in SUBCATEGORIES:
        out.fail("ServiceCategory", f"{service!r} not allowed", n, "ServiceCategory")
    elif sub and sub not in SUBCATEGORIES.get(service, set()):
        out.fail("ServiceSubcategory", f"{sub!r} is not a subcategory of {service!r}", n)
    if not row.get("ChargeDescription"):
        out.fail("ChargeDescription", "should not be null", n, "ChargeDescription")


def _nulls(n: int, row: dict[str, str], out: _Report) -> None:
    category, correction = row.get("ChargeCategory"), row.get("ChargeClass") == "Correction"
    billable = category in ("Usage", "Purchase") and not correction
    tax = category == "Tax"
    for column in ("ListUnitPrice", "ContractedUnitPrice", "PricingQuantity", "PricingUnit"):
        if billable and not row.get(column):
            out.fail("NullHandling", f"must not be null for a {category} charge", n, column)
        if tax and row.get(column):
            out.fail("NullHandling", "must be null for a tax charge", n, column)
    if billable and not row.get("PricingCategory"):
        out.fail("PricingCategory", "must not be null for a usage/purchase charge", n)
    if billable and not row.get("SkuId"):
        out.fail("SkuId", "must not be null for a usage/purchase charge", n)
    pairs = (
        ("PricingQuantity", "PricingUnit"),
        ("ConsumedQuantity", "ConsumedUnit"),
        ("CommitmentDiscountQuantity", "CommitmentDiscountUnit"),
        ("RegionId", "RegionName"),
        ("SubAccountId", "SubAccountName"),
        ("CapacityReservationId", "CapacityReservationStatus"),
    )
    for first, second in pairs:
        if bool(row.get(first)) != bool(row.get(second)):
            out.fail("NullHandling", f"{first} and {second} must be null together", n)
    if category != "Usage" and row.get("ConsumedQuantity"):
        out.fail("ConsumedQuantity", "must be null unless ChargeCategory is Usage", n)
    unused = row.get("CommitmentDiscountStatus") == "Unused"
    if category == "Usage" and not correction and not unused and not row.get("ConsumedQuantity"):
        out.fail("ConsumedQuantity", "must not be null for usage", n)
    _dependents(n, row, out)
    _commitment(n, row, out)
    _arithmetic(n, row, out)


def _dependents(n: int, row: dict[str, str], out: _Report) -> None:
    """Columns that must be null when the column they describe is null."""
    for column in ("ResourceName", "ResourceType"):
        if row.get(column) and not row.get("ResourceId"):
            out.fail("NullHandling", "must be null when ResourceId is null", n, column)
    for column in ("SkuMeter", "SkuPriceId"):
        if row.get(column) and not row.get("SkuId"):
            out.fail("NullHandling", "must be null when SkuId is null", n, column)
    if row.get("SkuPriceDetails") and not row.get("SkuPriceId"):
        out.fail("SkuPriceDetails", "must be null when SkuPriceId is null", n)
    status = row.get("CapacityReservationStatus", "")
    if status and status not in ("Used", "Unused"):
        out.fail("CapacityReservationStatus", f"{status!r} not allowed", n)
    for start, end in (
        ("BillingPeriodStart", "BillingPeriodEnd"),
        ("ChargePeriodStart", "ChargePeriodEnd"),
    ):
        if row.get(start) and row.get(end) and not row[start] < row[end]:
            out.fail("DateTime", f"{start} must be before {end}", n)


def _commitment(n: int, row: dict[str, str], out: _Report) -> None:
    others = [
        "CommitmentDiscountCategory",
        "CommitmentDiscountName",
        "CommitmentDiscountStatus",
        "CommitmentDiscountType",
        "CommitmentDiscountQuantity",
        "CommitmentDiscountUnit",
    ]
    has_id = bool(row.get("CommitmentDiscountId"))
    if not has_id:
        for column in others:
            if row.get(column):
                out.fail(
                    "CommitmentDiscount",
                    "must be null when CommitmentDiscountId is null",
                    n,
                    column,
                )
        if row.get("PricingCategory") == "Committed":
            out.fail("PricingCategory", "Committed needs a CommitmentDiscountId", n)
        return
    if row.get("CommitmentDiscountCategory") not in ("Spend", "Usage"):
        out.fail("CommitmentDiscountCategory", "must be Spend or Usage", n)
    if row.get("ChargeCategory") == "Usage" and row.get("CommitmentDiscountStatus") not in (
        "Used",
        "Unused",
    ):
        out.fail("CommitmentDiscountStatus", "must be Used or Unused", n)
    if not row.get("CommitmentDiscountType"):
        out.fail("CommitmentDiscountType", "must not be null with a CommitmentDiscountId", n)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _arithmetic(n: int, row: dict[str, str], out: _Report) -> None:
    quantity = _number(row.get("PricingQuantity", ""))
    if quantity is None:
        return
    for price, cost in (("ListUnitPrice", "ListCost"), ("ContractedUnitPrice", "ContractedCost")):
        unit, total = _number(row.get(price, "")), _number(row.get(cost, ""))
        if unit is not None and total is not None and not _close(unit * quantity, total):
            out.fail("ColumnByColumn", f"{cost} {total} != {price} {unit} x {quantity}", n)


def _dataset(rows: list[dict[str, str]], out: _Report) -> None:
    categories: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if row.get("ServiceName"):
            categories[row["ServiceName"]].add(row.get("ServiceCategory", ""))
    for name, seen in categories.items():
        if len(seen) > 1:
            out.fail(
                "ServiceName", f"{name!r} is under several ServiceCategory values {sorted(seen)}"
            )


def _metadata(metadata: dict[str, Any], header: list[str], out: _Report) -> None:
    generator = metadata.get("DataGenerator")
    if not isinstance(generator, dict) or not generator.get("DataGenerator"):
        out.fail("Metadata", "DataGenerator.DataGenerator missing")
    schema = metadata.get("Schema")
    if not isinstance(schema, dict):
        out.fail("Metadata", "Schema object missing")
        return
    if schema.get("FocusVersion") != VERSION:
        out.fail("Metadata", f"FocusVersion {schema.get('FocusVersion')!r} != {VERSION!r}")
    for key in ("SchemaId", "DataGeneratorVersion"):
        if not isinstance(schema.get(key), str) or not schema[key]:
            out.fail("Metadata", f"Schema.{key} missing")
    if not _DATETIME.match(str(schema.get("CreationDate", ""))):
        out.fail("Metadata", "Schema.CreationDate is not an ISO 8601 UTC date-time")
    definitions = schema.get("ColumnDefinition") or []
    names = [d.get("ColumnName") for d in definitions]
    if names != header:
        out.fail("Metadata", "ColumnDefinition does not list the file's columns in order")
    for definition in definitions:
        if definition.get("DataType") not in ("STRING", "DECIMAL", "DATETIME", "JSON"):
            out.fail("Metadata", f"{definition.get('ColumnName')}: bad DataType")
        if definition.get("ColumnName") in DECIMALS and definition.get("DataType") != "DECIMAL":
            out.fail("Metadata", f"{definition['ColumnName']} must be DECIMAL")


def check(text: str, metadata: dict[str, Any] | None = None) -> list[str]:
    """Every FOCUS 1.2 rule the CSV `text` (and its metadata) breaks; [] when it conforms."""
    out = _Report()
    reader = csv.DictReader(io.StringIO(text))
    header = list(reader.fieldnames or [])
    _columns(header, out)
    rows = list(reader)
    for n, row in enumerate(rows, start=1):
        _formats(n, row, out)
        _values(n, row, out)
        _nulls(n, row, out)
    _dataset(rows, out)
    if metadata is not None:
        _metadata(metadata, header, out)
    return out.failures
