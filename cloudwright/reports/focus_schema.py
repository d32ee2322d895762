"""The FOCUS 1.2 vocabulary the export writes: its columns with their data types, the
service map (catalog service → ServiceName, ServiceCategory, ServiceSubcategory), the unit
map (component unit → FOCUS Unit Format), and the text helpers that keep generated values
ASCII and numbers in FOCUS's decimal format.

Kept apart from reports.focus so the tables can be read (and tested) on their own: the
conformance tests check every catalog service has an entry here, and that every pair is one
of FOCUS's allowed (category, subcategory) pairs.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal

FOCUS_VERSION = "1.2"

# FOCUS columns of the Cost and Usage dataset this export writes, with their data types
# (the Schema metadata's ColumnDefinition). BillingAccountType / SubAccountType apply only to
# generators with several account types, and the PricingCurrency* columns only when pricing
# and billing currencies differ: neither holds here, so they are left out.
FOCUS_COLUMNS: dict[str, str] = {
    "AvailabilityZone": "STRING",
    "BilledCost": "DECIMAL",
    "BillingAccountId": "STRING",
    "BillingAccountName": "STRING",
    "BillingCurrency": "STRING",
    "BillingPeriodEnd": "DATETIME",
    "BillingPeriodStart": "DATETIME",
    "CapacityReservationId": "STRING",
    "CapacityReservationStatus": "STRING",
    "ChargeCategory": "STRING",
    "ChargeClass": "STRING",
    "ChargeDescription": "STRING",
    "ChargeFrequency": "STRING",
    "ChargePeriodEnd": "DATETIME",
    "ChargePeriodStart": "DATETIME",
    "CommitmentDiscountCategory": "STRING",
    "CommitmentDiscountId": "STRING",
    "CommitmentDiscountName": "STRING",
    "CommitmentDiscountQuantity": "DECIMAL",
    "CommitmentDiscountStatus": "STRING",
    "CommitmentDiscountType": "STRING",
    "CommitmentDiscountUnit": "STRING",
    "ConsumedQuantity": "DECIMAL",
    "ConsumedUnit": "STRING",
    "ContractedCost": "DECIMAL",
    "ContractedUnitPrice": "DECIMAL",
    "EffectiveCost": "DECIMAL",
    "InvoiceId": "STRING",
    "InvoiceIssuerName": "STRING",
    "ListCost": "DECIMAL",
    "ListUnitPrice": "DECIMAL",
    "PricingCategory": "STRING",
    "PricingQuantity": "DECIMAL",
    "PricingUnit": "STRING",
    "ProviderName": "STRING",
    "PublisherName": "STRING",
    "RegionId": "STRING",
    "RegionName": "STRING",
    "ResourceId": "STRING",
    "ResourceName": "STRING",
    "ResourceType": "STRING",
    "ServiceCategory": "STRING",
    "ServiceName": "STRING",
    "ServiceSubcategory": "STRING",
    "SkuId": "STRING",
    "SkuMeter": "STRING",
    "SkuPriceDetails": "JSON",
    "SkuPriceId": "STRING",
    "SubAccountId": "STRING",
    "SubAccountName": "STRING",
    "Tags": "JSON",
}

# Custom columns (FOCUS reserves the x_ prefix for them).
CUSTOM_COLUMNS: dict[str, str] = {
    "x_CarbonKgCO2e": "DECIMAL",
    "x_CatalogSnapshotDate": "STRING",
    "x_EnergyBasis": "STRING",
    "x_EnergyKwh": "DECIMAL",
    "x_EnergyNote": "STRING",
    "x_Estimate": "STRING",
    "x_PriceDate": "STRING",
    "x_PriceSource": "STRING",
    "x_PriceSourceNote": "STRING",
    "x_PulumiOp": "STRING",
    "x_UnpricedInResource": "STRING",
    "x_Workload": "STRING",
}

COLUMNS: tuple[str, ...] = (*FOCUS_COLUMNS, *CUSTOM_COLUMNS)
DATA_TYPES: dict[str, str] = {**FOCUS_COLUMNS, **CUSTOM_COLUMNS}

PROVIDERS = {
    "aws": "Amazon Web Services",
    "gcp": "Google Cloud",
    "azure": "Microsoft Azure",
    "site": "Own site",  # the fleet's own GPUs (fleet `sites`): the team bills itself
}

# (cloud, catalog service) → (ServiceName, ServiceCategory, ServiceSubcategory). One
# ServiceName has one ServiceCategory (FOCUS): Google bills persistent disks and addresses
# under Compute Engine, so they are Compute / Other (Compute), not Storage.
SERVICES: dict[tuple[str, str], tuple[str, str, str]] = {
    ("site", "gpu"): ("Own site GPUs", "Compute", "Virtual Machines"),
    ("aws", "instance"): ("Amazon Elastic Compute Cloud", "Compute", "Virtual Machines"),
    ("aws", "ebs"): ("Amazon Elastic Block Store", "Storage", "Block Storage"),
    ("aws", "s3"): ("Amazon Simple Storage Service", "Storage", "Object Storage"),
    ("aws", "fsx_lustre"): ("Amazon FSx for Lustre", "Storage", "File Storage"),
    ("aws", "nat_gateway"): ("Amazon Virtual Private Cloud", "Networking", "Network Connectivity"),
    ("aws", "vpc"): ("Amazon Virtual Private Cloud", "Networking", "Network Connectivity"),
    ("aws", "vpc_endpoint"): (
        "Amazon Virtual Private Cloud",
        "Networking",
        "Network Connectivity",
    ),
    ("aws", "eks"): ("Amazon Elastic Kubernetes Service", "Compute", "Containers"),
    ("aws", "kms"): ("AWS Key Management Service", "Security", "Secret Management"),
    ("aws", "egress"): ("AWS Data Transfer", "Networking", "Network Connectivity"),
    ("gcp", "instance"): ("Compute Engine", "Compute", "Virtual Machines"),
    ("gcp", "gpu"): ("Compute Engine", "Compute", "Virtual Machines"),
    ("gcp", "pd"): ("Compute Engine", "Compute", "Other (Compute)"),
    ("gcp", "ip"): ("Compute Engine", "Compute", "Other (Compute)"),
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
    ("azure", "public_ip"): ("Virtual Network", "Networking", "Network Connectivity"),
    ("azure", "egress"): ("Bandwidth", "Networking", "Network Connectivity"),
    # Services of the pricing package's own unit-price table (pricing/tables).
    ("aws", "cloudwatch_logs"): (
        "Amazon CloudWatch",
        "Management and Governance",
        "Observability",
    ),
    ("aws", "elb"): ("Elastic Load Balancing", "Networking", "Application Networking"),
    ("aws", "fargate"): ("AWS Fargate", "Compute", "Containers"),
    ("aws", "lambda"): ("AWS Lambda", "Compute", "Serverless Compute"),
    ("aws", "rds"): ("Amazon Relational Database Service", "Databases", "Relational Databases"),
    ("gcp", "cloud_sql"): ("Cloud SQL", "Databases", "Relational Databases"),
    ("gcp", "forwarding_rule"): ("Cloud Load Balancing", "Networking", "Application Networking"),
    ("gcp", "service_directory"): ("Service Directory", "Networking", "Other (Networking)"),
    ("azure", "container_instances"): ("Container Instances", "Compute", "Containers"),
    ("azure", "files"): ("Storage", "Storage", "File Storage"),
    ("azure", "load_balancer"): ("Load Balancer", "Networking", "Application Networking"),
    ("azure", "private_dns"): ("Azure DNS", "Networking", "Network Routing"),
    ("azure", "sql_database"): ("SQL Database", "Databases", "Relational Databases"),
    ("azure", "vnet_peering"): ("Virtual Network", "Networking", "Network Connectivity"),
}
# A service the map does not know yet: FOCUS's catch-all pair, never a raw catalog key.
UNMAPPED_SERVICE = ("Other", "Other (Other)")

# Component unit (pricing.components.DISPLAY_UNIT) → FOCUS Unit Format. Stored amounts are
# priced per month, so their unit is the compound "<size>-Months".
UNITS: dict[str, str] = {
    "hours": "Hours",
    "months": "Months",
    "VM-hours": "VM-Hours",
    "GB": "GB-Months",
    "GiB": "GiB-Months",
    "TiB": "TiB-Months",
    "IOPS": "IOPS-Months",
    "MBps": "MBps-Months",
    "1k requests": "1000 Requests",
}
TRANSFER_UNIT = "GB"  # data moved (catalog unit "GB"), not data stored
_SCALES = {"1k": "1000", "1M": "1000000"}
_TIME_UNITS = {
    f"{word}{plural}": f"{word.capitalize()}s"
    for word in ("second", "minute", "hour", "day", "month", "year")
    for plural in ("", "s")
}
# Established spellings kept as written (FOCUS asks for capitalised nouns, a SHOULD).
_KEEP_CASE = {"vCPU", "vCore"}


def unit_text(unit: str) -> str:
    """A component unit in FOCUS's Unit Format: the mapped units above, else the unit's
    words capitalised, time units plural ("vCPU-hours" → "vCPU-Hours", "1M requests" →
    "1000000 Requests", "resource-months" → "Resource-Months")."""
    if unit in UNITS:
        return UNITS[unit]
    quantity, _, rest = unit.partition(" ")
    prefix = f"{_SCALES[quantity]} " if quantity in _SCALES and rest else ""
    body = rest if prefix else unit
    parts = []
    for part in ascii_text(body).replace(" ", "-").split("-"):
        if part.lower() in _TIME_UNITS:
            parts.append(_TIME_UNITS[part.lower()])
        elif part in _KEEP_CASE or part[:1].isupper():
            parts.append(part)
        elif part:
            parts.append(part[:1].upper() + part[1:])
    return prefix + "-".join(parts)


# Typographic characters generated text may carry, spelled in ASCII.
_ASCII = str.maketrans(
    {
        "\u2014": "-",
        "\u2013": "-",
        "\u2026": "...",
        "\u00d7": "x",
        "\u2265": ">=",
        "\u2264": "<=",
        "\u2192": "->",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
        "\u00b7": "-",
    }
)
_SPACES = re.compile(r"\s+")


def ascii_text(text: str) -> str:
    """Generated text in ASCII on one line: typographic marks spelled out, accents dropped,
    whitespace collapsed and trimmed (FOCUS strings carry no leading/trailing blanks)."""
    folded = unicodedata.normalize("NFKD", text.translate(_ASCII))
    plain = folded.encode("ascii", "ignore").decode("ascii")
    return _SPACES.sub(" ", plain).strip()


def decimal(value: float | None) -> str:
    """A FOCUS decimal: plain notation, never an exponent, always with a decimal point
    ("730.0", "0.00001"); None (unknown) is the empty cell (null), never 0."""
    if value is None:
        return ""
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    text = format(Decimal(repr(float(value))), "f")
    if text.startswith("-") and Decimal(text) == 0:
        text = text[1:]
    return text if "." in text else text + ".0"


_CITATION = re.compile(
    r"https?://[^\s;'\"()]+"  # a URL
    r"|[\w.-]+/[\w.-]+@[0-9a-f]{7,40}(?::[^\s;()]+)?"  # owner/repo@commit[:path]
    r"|reference/[\w./-]+"  # the project's own reference tables
    r"|fixture:[^;(]+"  # the frozen test catalog
    r"|[^\s;:()]+ sites\[\d+\]"  # a fleet file's own site (its declared or amortised rate)
)
# A page named without its scheme, when the source starts with it ("aws.amazon.com/lambda/
# pricing (…)"); further in, such a name is what to verify against, not the source.
_LEADING_PAGE = re.compile(r"^(?:[\w-]+\.)+[a-z]{2,}/[^\s;()'\"]*")


def price_source(text: str | None) -> tuple[str, str]:
    """(x_PriceSource, x_PriceSourceNote): the citation a price comes from, and whatever
    else the catalog says about it (how it was found, caveats, "verify against …")."""
    if not text:
        return "", ""
    found = _LEADING_PAGE.match(text.strip()) or _CITATION.search(text)
    text = text.strip() if found is not None and found.re is _LEADING_PAGE else text
    if found is None:
        return "unpublished secondary source", ascii_text(text)
    citation = found.group(0).rstrip(".,:").strip()
    rest = (text[: found.start()] + text[found.end() :]).strip(" ;:-")
    return ascii_text(citation), ascii_text(rest)
