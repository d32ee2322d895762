"""The pricing package's own facts tables: unit prices the catalog does not carry, and
product facts pricers need (Azure disk size tiers). The one reader of `tables/*.csv`.

`unit_prices.csv`: one row per (cloud, service, product, unit, region) with the price, its
source and the date it was read. `table_rate(...)` answers a `TableRate` filter: the row of
the resource's region; else, when the table prices that key in other regions only, the row of
the cloud's reference region (us-east-1, us-central1, eastus; else the first listed) marked
"estimated" (the region is extrapolated, never silently); a '*' row applies everywhere.
A key the table does not know is a miss with the reason, never a zero.

`azure_disk_tier(family, gib)`: the smallest size tier of a managed-disk family (P premium
SSD, E standard SSD, S standard HDD) that holds `gib`: Azure bills the tier, not the GiB.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

from cloudwright.core.errors import DataError

_REFERENCE_REGION = {"aws": "us-east-1", "gcp": "us-central1", "azure": "eastus"}
_PRICE_COLUMNS = (
    "cloud",
    "service",
    "product",
    "unit",
    "region",
    "usd_per_unit",
    "source",
    "source_date",
    "notes",
)
_TIER_COLUMNS = ("family", "tier", "size_gib", "source", "source_date")

Key = tuple[str, str, str, str]


@dataclass(frozen=True)
class TableRow:
    usd_per_unit: float
    source: str
    source_date: str
    region: str
    notes: str


@dataclass(frozen=True)
class TableHit:
    row: TableRow
    estimated_from: str | None  # the region whose price stands in, when extrapolated


@dataclass(frozen=True)
class DiskTier:
    name: str
    size_gib: float
    source: str
    source_date: str


def _rows(name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath(name).read_text("utf-8")
    reader = csv.DictReader(text.splitlines())
    if tuple(reader.fieldnames or ()) != columns:
        raise DataError(f"pricing/tables/{name}: expected columns {', '.join(columns)}")
    return list(reader)


@cache
def _prices() -> dict[Key, dict[str, TableRow]]:
    table: dict[Key, dict[str, TableRow]] = {}
    for line, row in enumerate(_rows("unit_prices.csv", _PRICE_COLUMNS), start=2):
        where = f"pricing/tables/unit_prices.csv:{line}"
        try:
            usd = float(row["usd_per_unit"])
        except ValueError:
            raise DataError(f"{where}: usd_per_unit is not a number") from None
        if not math.isfinite(usd) or usd < 0 or not row["source"] or not row["source_date"]:
            raise DataError(f"{where}: a price needs a finite figure ≥ 0, a source and a date")
        key = (row["cloud"], row["service"], row["product"], row["unit"])
        regions = table.setdefault(key, {})
        if row["region"] in regions:
            raise DataError(f"{where}: {'/'.join(key)} in {row['region']} is listed twice")
        regions[row["region"]] = TableRow(
            usd, row["source"], row["source_date"], row["region"], row["notes"]
        )
    return table


def table_keys() -> set[Key]:
    """Every (cloud, service, product, unit) the table prices somewhere."""
    return set(_prices())


def table_rate(
    cloud: str, service: str, product: str, unit: str, region: str | None
) -> TableHit | str:
    """The price row for a key in `region` (see the module docstring), or why there is none."""
    regions = _prices().get((cloud, service, product, unit))
    if not regions:
        return f"no price for {service} {product} per {unit} in Cloudwright's {cloud} table"
    if "*" in regions:
        return TableHit(regions["*"], None)
    if region is None:
        return "region unknown (no region input, provider or stack config)"
    if region in regions:
        return TableHit(regions[region], None)
    reference = _REFERENCE_REGION.get(cloud)
    stand_in = reference if reference in regions else next(iter(regions))
    return TableHit(regions[stand_in], stand_in)


@cache
def _tiers() -> dict[str, list[DiskTier]]:
    families: dict[str, list[DiskTier]] = {}
    for row in _rows("azure_disk_tiers.csv", _TIER_COLUMNS):
        families.setdefault(row["family"], []).append(
            DiskTier(row["tier"], float(row["size_gib"]), row["source"], row["source_date"])
        )
    for tiers in families.values():
        tiers.sort(key=lambda t: t.size_gib)
    return families


def azure_disk_tier(family: str, gib: float) -> DiskTier | None:
    """The tier a disk of `gib` GiB is billed as (None: the family is not tiered, or the disk
    is larger than its largest tier)."""
    for tier in _tiers().get(family, []):
        if gib <= tier.size_gib:
            return tier
    return None
