"""Cloud SQL instance (`gcp:sql/databaseInstance:DatabaseInstance`): the tier's compute, its
disk, and backups as a note.

Tier (`settings.tier`): the shared-core tiers (db-f1-micro, db-g1-small) bill a flat hourly
rate; `db-custom-<vCPUs>-<MiB>` and the legacy `db-n1-standard-N` / `db-n1-highmem-N`
bill vCPU-hours and GB-hours of memory (n1-standard: 3.75 GB per vCPU; n1-highmem: 6.5 GB).
High availability (`availabilityType: REGIONAL`) doubles compute and storage. Disk:
`settings.diskSize` GB (Cloud SQL's default 10 GB) of `settings.diskType` (PD_SSD default,
PD_HDD). Enterprise Plus editions and SQL Server licences are not in the table: unknown.
"""

from __future__ import annotations

import re

from cloudwright.pricing.components import CostComponent, Quantity, TableRate, Text, Unpriced
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import known, num_input, text_input, times
from cloudwright.resource_graph.model import Resource

SHARED_CORE = ("db-f1-micro", "db-g1-small")
DEFAULT_DISK_GB = 10.0  # Cloud SQL API default
MIB_PER_GB = 1024.0
_CUSTOM = re.compile(r"^db-custom-(\d+)-(\d+)$")
_N1 = re.compile(r"^db-n1-(standard|highmem)-(\d+)$")
_N1_GB_PER_VCPU = {"standard": 3.75, "highmem": 6.5}


def _shape(tier: str) -> tuple[float, float] | None:
    """(vCPUs, GB of memory) of a dedicated-core tier, None for a tier the rules do not read."""
    custom = _CUSTOM.match(tier)
    if custom:
        return float(custom.group(1)), float(custom.group(2)) / MIB_PER_GB
    n1 = _N1.match(tier)
    if n1:
        vcpus = float(n1.group(2))
        return vcpus, vcpus * _N1_GB_PER_VCPU[n1.group(1)]
    return None


def _compute(resource: Resource, ctx: PricingContext, tier: Text, ha: float) -> list[CostComponent]:
    hours = times(ctx.compute_hours(resource), ha)
    label = "regional" if ha > 1 else "zonal"
    if isinstance(tier, Unpriced) or tier in SHARED_CORE:
        shown = tier if isinstance(tier, str) else "?"
        return [
            CostComponent(
                name=f"SQL instance ({shown}, {label})",
                unit="hours",
                quantity=hours,
                price=TableRate("gcp", "cloud_sql", tier, "hour"),
            )
        ]
    shape = _shape(tier)
    vcpus: Quantity
    memory: Quantity
    if shape is None:
        vcpus = memory = Unpriced(f"tier {tier} is not a tier Cloudwright reads")
    else:
        vcpus, memory = shape
    return [
        CostComponent(
            name=f"vCPUs ({tier}, {label})",
            unit="vCPU-hours",
            quantity=times(vcpus, hours),
            price=TableRate("gcp", "cloud_sql", "vcpu", "vCPU-hour"),
        ),
        CostComponent(
            name=f"Memory ({tier}, {label})",
            unit="GB-hours",
            quantity=times(memory, hours),
            price=TableRate("gcp", "cloud_sql", "memory", "GB-hour"),
        ),
    ]


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    tier = text_input(resource, "tier", "settings.tier") or Unpriced("the tier is not set")
    edition = text_input(resource, "edition", "settings.edition")
    version = text_input(resource, "database version", "databaseVersion")
    if edition == "ENTERPRISE_PLUS":
        tier = Unpriced("Enterprise Plus edition rates are not in Cloudwright's table")
    elif isinstance(version, str) and version.startswith("SQLSERVER"):
        tier = Unpriced("SQL Server licence fees are not in Cloudwright's table")
    availability = text_input(resource, "availability type", "settings.availabilityType")
    ha = 2.0 if availability == "REGIONAL" else 1.0
    disk = known(num_input(resource, "disk size", "settings.diskSize"), DEFAULT_DISK_GB)
    disk_type = text_input(resource, "disk type", "settings.diskType") or "PD_SSD"
    product: Text = disk_type
    if isinstance(disk_type, str):
        product = "storage-hdd" if disk_type.upper() == "PD_HDD" else "storage-ssd"
    return [
        *_compute(resource, ctx, tier, ha),
        CostComponent(
            name=f"Storage ({disk_type if isinstance(disk_type, str) else '?'})",
            unit="GB",
            quantity=times(disk, ha),
            price=TableRate("gcp", "cloud_sql", product, "GB-month"),
            note="backups are billed per GB stored (not priced); automatic storage increases "
            "raise this over time",
        ),
    ]


PRICER = Pricer(
    types=("gcp:sql/databaseInstance:DatabaseInstance",),
    summary="shared-core tier hours or vCPU + memory hours by tier (×2 regional), disk GB",
    price=price,
)
