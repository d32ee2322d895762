"""Storage next to a workload: object storage and a parallel file system, priced per region.

Products (the catalog's `UNIT_PRICE_KEYS`):
- object storage: AWS S3 STANDARD, GCP GCS STANDARD, Azure Blob Hot-LRS (GB-month);
- parallel FS: AWS FSx for Lustre PERSISTENT_2-<tier> (GB-month); GCP Managed Lustre <tier>
  (GB-month), falling back to Parallelstore capacity when Managed Lustre has no known price;
  Azure Managed Lustre AMLFS-Durable-Premium-<tier> (TiB-month).
  The tier is the smallest one offering at least the requested MB/s per TiB (else the
  largest, noted).

A price the catalog lists as unknown stays unknown (`None`): the caller reports it and leaves
it out of the total, never counts it as $0 silently. Energy follows Cloud Carbon Footprint:
object storage as HDD with object replication, a parallel FS as SSD with file replication.

Invariants: prices are looked up once per (cloud, region, product) and cached; TB = 10^12
bytes, GB = 10^9, TiB = 2^40 bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from cloudwright.core.errors import InputError
from cloudwright.optimizer.catalog import Catalog, UnitPrice
from cloudwright.optimizer.models.energy import storage_energy_kwh_month
from cloudwright.optimizer.models.filesystems import BYTES_PER_GIB, provisioned

GB_PER_TB = 1000.0
TB_PER_TIB = 2**40 / 1e12

OBJECT_PRODUCT: dict[str, tuple[str, str]] = {
    "aws": ("s3", "STANDARD"),
    "gcp": ("gcs", "STANDARD"),
    "azure": ("blob", "Hot-LRS"),
}
# (service, product pattern, unit, tiers offered in MB/s per TiB)
PARALLEL_FS: dict[str, list[tuple[str, str, str, tuple[int, ...]]]] = {
    "aws": [("fsx_lustre", "PERSISTENT_2-{tier}", "GB-month", (125, 250, 500, 1000))],
    "gcp": [
        ("managed_lustre", "{tier}", "GB-month", (125, 250, 500, 1000)),
        ("parallelstore", "capacity", "GB-month", (0,)),
    ],
    "azure": [("managed_lustre", "AMLFS-Durable-Premium-{tier}", "TiB-month", (40, 125, 250, 500))],
}


@dataclass(frozen=True)
class StoragePrice:
    """Monthly price of storage in one region; None where the catalog has no known price."""

    object_usd_per_tb: float | None
    object_product: str
    parallel_fs_usd_per_tb: float | None
    parallel_fs_product: str
    notes: tuple[str, ...] = ()


class StoragePricer:
    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._cache: dict[tuple[str, str, int], StoragePrice] = {}
        self._energy: dict[str, tuple[float, float]] = {}
        self._fs_cache: dict[tuple[str, str, float, int], tuple[float | None, float]] = {}

    @cached_property
    def _index(self) -> dict[tuple[str, str, str, str, str], UnitPrice]:
        """(cloud, service, product, unit, region) → the row `Catalog.unit_price` would pick."""
        out: dict[tuple[str, str, str, str, str], UnitPrice] = {}
        frame = self._catalog.unit_prices.sort_values(
            ["cloud", "service", "product", "unit", "region", "tier_start"], na_position="first"
        )
        for rec in frame.to_dict("records"):
            key = (rec["cloud"], rec["service"], rec["product"], rec["unit"], rec["region"])
            if key in out:
                continue
            price = rec["usd_per_unit"]
            out[key] = UnitPrice(
                rec["cloud"],
                rec["region"],
                rec["service"],
                rec["product"],
                rec["unit"],
                None if pd.isna(price) else float(price),
                str(rec["source"]),
                str(rec["source_date"]),
                None if pd.isna(rec["notes"]) else str(rec["notes"]),
            )
        return out

    def unit_price(
        self, cloud: str, service: str, product: str, unit: str, region: str
    ) -> UnitPrice | None:
        """Same answer as `Catalog.unit_price`, from an index built once."""
        for wanted in (region, "*"):
            hit = self._index.get((cloud, service, product, unit, wanted))
            if hit is not None:
                return hit
        return None

    def price(self, cloud: str, region: str, throughput_mb_s_per_tib: int) -> StoragePrice:
        key = (cloud, region, throughput_mb_s_per_tib)
        if key not in self._cache:
            self._cache[key] = self._price(cloud, region, throughput_mb_s_per_tib)
        return self._cache[key]

    def _price(self, cloud: str, region: str, throughput: int) -> StoragePrice:
        notes: list[str] = []
        if cloud not in OBJECT_PRODUCT:  # an own site (fleet `sites`): its storage is its own
            note = f"storage at {cloud}:{region} is the site's own: no price known"
            return StoragePrice(None, "site storage", None, "site storage", (note,))
        service, product = OBJECT_PRODUCT[cloud]
        obj = self.unit_price(cloud, service, product, "GB-month", region)
        object_name = f"{service} {product}"
        object_tb = _per_tb(obj, "GB-month")
        if object_tb is None:
            notes.append(f"{object_name} price unknown in {cloud}:{region}")
        fs_tb, fs_name = None, "none"
        for svc, pattern, unit, tiers in PARALLEL_FS[cloud]:
            tier = _tier(tiers, throughput)
            name = f"{svc} {pattern.format(tier=tier)}"
            row = self.unit_price(cloud, svc, pattern.format(tier=tier), unit, region)
            fs_tb = _per_tb(row, unit)
            fs_name = name
            if fs_tb is not None:
                if tier and tier < throughput:
                    notes.append(
                        f"{name}: fastest tier offered is below the requested {throughput} MB/s/TiB"
                    )
                break
        if fs_tb is None:
            notes.append(f"parallel FS price unknown in {cloud}:{region} ({fs_name})")
        return StoragePrice(object_tb, object_name, fs_tb, fs_name, tuple(notes))

    def parallel_fs(
        self, cloud: str, region: str, tb: float, tier: int
    ) -> tuple[float | None, float]:
        """($/month or None when unknown, TB provisioned) of the file system the stack creates
        for `tb` TB at `tier` MB/s per TiB in cloud:region (`filesystems.provisioned`: the
        service's sizes and steps, GCP's AUTO choice). GCP Managed Lustre without a known
        price takes Parallelstore's, the stand-in the cost reports show as an estimate."""
        key = (cloud, region, tb, tier)
        if key not in self._fs_cache:
            self._fs_cache[key] = self._parallel_fs(cloud, region, tb, tier)
        return self._fs_cache[key]

    def _parallel_fs(
        self, cloud: str, region: str, tb: float, tier: int
    ) -> tuple[float | None, float]:
        if cloud not in PARALLEL_FS:  # an own site: no cloud file system to provision
            return None, tb
        try:
            made = provisioned(cloud, tb, tier)
        except InputError:  # beyond what the service provisions: no price to weigh
            return None, tb
        if made is None:
            return 0.0, 0.0
        size_tb = made.quantity * (BYTES_PER_GIB / 1e12 if made.unit == "GB-month" else TB_PER_TIB)
        row = self.unit_price(cloud, made.service, made.product, made.unit, region)
        if (row is None or row.usd_per_unit is None) and made.service == "managed_lustre":
            service, product, unit, _ = PARALLEL_FS[cloud][-1]
            if (service, unit) != (made.service, made.unit):  # GCP: Parallelstore stand-in
                row = self.unit_price(cloud, service, product, unit, region)
        if row is None or row.usd_per_unit is None:
            return None, size_tb
        return row.usd_per_unit * made.quantity, size_tb

    def energy_kwh_month_per_tb(self, cloud: str, region: str) -> tuple[float, float]:
        """(object, parallel FS) facility kWh per TB-month in cloud:region (CCF).

        The CCF formula is the cloud's coefficients × the region's PUE, so it is evaluated
        once per cloud (through `energy.storage_energy_kwh_month`) and scaled by PUE."""
        if cloud not in self._energy:
            obj = storage_energy_kwh_month(
                self._catalog, cloud, region, tb=1.0, medium="hdd", replication="object"
            )
            pfs = storage_energy_kwh_month(
                self._catalog, cloud, region, tb=1.0, medium="ssd", replication="file"
            )
            pue = self._catalog.region(cloud, region).pue
            self._energy[cloud] = (obj / pue, pfs / pue)
        obj_k, pfs_k = self._energy[cloud]
        pue = self._catalog.region(cloud, region).pue
        return obj_k * pue, pfs_k * pue


def _tier(tiers: tuple[int, ...], wanted: int) -> int:
    for tier in tiers:
        if tier >= wanted:
            return tier
    return tiers[-1]


def _per_tb(row: UnitPrice | None, unit: str) -> float | None:
    if row is None or row.usd_per_unit is None:
        return None
    if unit == "GB-month":
        return row.usd_per_unit * GB_PER_TB
    if unit == "TiB-month":
        return row.usd_per_unit / TB_PER_TIB
    raise ValueError(f"unexpected storage unit {unit}")
