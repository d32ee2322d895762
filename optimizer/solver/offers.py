"""The offer table: every GPU offering the optimizer may place a workload on, as numpy arrays.

Built once per plan from `Catalog.region_offerings` (one row per cloud, region and instance
type) plus, per region, the facts the models need (coordinates, country, continent, grid
intensity, PUE). Offerings in a region the catalog has no region row for are left out and
reported in `skipped` (a plan must not silently ignore regions).

Invariants: rows are sorted by (cloud, region, instance_type), so candidate order, and with
it every tie-break, is deterministic; arrays are read-only views shared by all workloads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cloudwright.core.errors import DataError
from cloudwright.optimizer.catalog import Catalog, RegionInfo
from cloudwright.optimizer.catalog.flags import doubtful_price
from cloudwright.optimizer.catalog.zones import EDGE_ZONE_KINDS, zone_kind
from cloudwright.optimizer.models.power import power_vectors


@dataclass(frozen=True)
class RegionTable:
    keys: list[str]  # "cloud:region", sorted
    cloud: np.ndarray
    region: np.ndarray
    country: np.ndarray
    continent: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    intensity_g_per_kwh: np.ndarray
    pue: np.ndarray
    info: list[RegionInfo]

    def index(self) -> dict[str, int]:
        return {k: i for i, k in enumerate(self.keys)}


@dataclass(frozen=True)
class OfferTable:
    cloud: np.ndarray
    region: np.ndarray
    region_idx: np.ndarray  # into RegionTable
    instance_type: np.ndarray
    gpu: np.ndarray
    gpu_count: np.ndarray
    interconnect: np.ndarray
    price_on_demand: np.ndarray  # NaN: unknown
    price_spot: np.ndarray  # NaN: not offered / unknown
    price_commit_1y: np.ndarray  # NaN: no commitment price known (never a candidate)
    price_commit_3y: np.ndarray
    on_demand_zone: np.ndarray  # cheapest on-demand zone (None where the catalog has none)
    spot_zone: np.ndarray
    # True where every fact of the row (prices, zones) comes from the region's own
    # availability zones, not AWS Local/Wavelength Zones: what a multi-node fabric cluster
    # or a parallel file system needs.
    regular_zones: np.ndarray
    # True for the regular-zone copy of an offering also sold in Local/Wavelength Zones:
    # only workloads that need regular zones see it (the others see the original row).
    zone_copy: np.ndarray
    price_flag: np.ndarray
    on_demand_doubtful: np.ndarray  # bool: the catalog flags the on-demand price as doubtful
    spot_doubtful: np.ndarray  # bool: ... the spot price
    idle_w: np.ndarray
    slope_w: np.ndarray
    regions: RegionTable
    skipped: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.cloud)

    def superseded(self) -> np.ndarray:
        """Originals that have a regular-zone copy (it follows them in row order)."""
        out = np.zeros(len(self), dtype=bool)
        out[:-1] = self.zone_copy[1:]
        return out


def build_offer_table(catalog: Catalog) -> OfferTable:
    # The catalog lists every CPU instance type too (~97 % of its rows): the accelerator
    # rows are a view of their own, kept in the table cache (a few % of the bytes to read).
    gpu_rows = catalog.accelerator_region_offerings
    priced = gpu_rows[
        gpu_rows["price_on_demand_usd_hr"].notna() | gpu_rows["price_spot_usd_hr"].notna()
    ]
    keys = (priced["cloud"] + ":" + priced["region"]).astype(str)
    regions, skipped = _region_table(catalog, sorted(set(keys)))
    known = keys.isin(regions.keys)
    skipped_rows = tuple(sorted(set(keys[~known])))
    rows = _with_regular_zone_copies(catalog, priced[known.to_numpy()])
    index = regions.index()
    region_idx = np.array(
        [index[f"{c}:{r}"] for c, r in zip(rows["cloud"], rows["region"], strict=True)],
        dtype=np.int64,
    )
    power = power_vectors(catalog, rows)
    flags = _obj(rows["price_flag"])
    doubtful = [doubtful_price(f) for f in flags]
    return OfferTable(
        cloud=_obj(rows["cloud"]),
        region=_obj(rows["region"]),
        region_idx=region_idx,
        instance_type=_obj(rows["instance_type"]),
        gpu=_obj(rows["gpu"]),
        gpu_count=rows["gpu_count"].to_numpy(dtype=np.int64),
        interconnect=_obj(rows["interconnect"].fillna("none")),
        price_on_demand=rows["price_on_demand_usd_hr"].to_numpy(dtype=float, na_value=np.nan),
        price_spot=rows["price_spot_usd_hr"].to_numpy(dtype=float, na_value=np.nan),
        price_commit_1y=_optional_price(rows, "price_commit_1y_usd_hr"),
        price_commit_3y=_optional_price(rows, "price_commit_3y_usd_hr"),
        on_demand_zone=_obj(rows["on_demand_zone"]),
        spot_zone=_obj(rows["spot_zone"]),
        regular_zones=rows["regular_zones"].to_numpy(dtype=bool),
        zone_copy=rows["zone_copy"].to_numpy(dtype=bool),
        price_flag=flags,
        on_demand_doubtful=np.array([d[0] for d in doubtful], dtype=bool),
        spot_doubtful=np.array([d[1] for d in doubtful], dtype=bool),
        idle_w=power.idle_w,
        slope_w=power.slope_w,
        regions=regions,
        skipped=tuple(sorted(set(skipped) | set(skipped_rows))),
    )


def _optional_price(rows: pd.DataFrame, column: str) -> np.ndarray:
    """A price column older catalogs may lack (NaN throughout then: unknown, never 0)."""
    if column not in rows.columns:
        return np.full(len(rows), np.nan)
    return rows[column].to_numpy(dtype=float, na_value=np.nan)


def _obj(series: pd.Series) -> np.ndarray:
    values = series.astype(object).where(series.notna(), None)
    return values.to_numpy(dtype=object)


def _region_table(catalog: Catalog, keys: list[str]) -> tuple[RegionTable, list[str]]:
    infos: list[RegionInfo] = []
    kept: list[str] = []
    skipped: list[str] = []
    for key in keys:
        cloud, region = key.split(":", 1)
        try:
            infos.append(catalog.region(cloud, region))
            kept.append(key)
        except DataError:
            skipped.append(key)
    return (
        RegionTable(
            keys=kept,
            cloud=np.array([i.cloud for i in infos], dtype=object),
            region=np.array([i.region for i in infos], dtype=object),
            country=np.array([i.country for i in infos], dtype=object),
            continent=np.array([i.continent for i in infos], dtype=object),
            lat=np.array([i.lat for i in infos], dtype=float),
            lon=np.array([i.lon for i in infos], dtype=float),
            intensity_g_per_kwh=np.array([i.grid_intensity_g_per_kwh for i in infos]),
            pue=np.array([i.pue for i in infos], dtype=float),
            info=infos,
        ),
        skipped,
    )


KEYS = ["cloud", "region", "instance_type"]
PRICES = ("price_on_demand_usd_hr", "price_spot_usd_hr")


def _with_regular_zone_copies(catalog: Catalog, rows: pd.DataFrame) -> pd.DataFrame:
    """The region offerings with each one's on-demand zone, plus, for the few sold in AWS
    Local or Wavelength Zones, a copy priced and zoned from the region's own availability
    zones only (none when the type is sold there only in such zones). Sorted by (cloud,
    region, instance type), the copy right after its original."""
    offerings = catalog.accelerator_offerings
    columns = [c for c in (*KEYS, "zone", "zone_kind", *PRICES) if c in offerings.columns]
    zoned = offerings.loc[offerings["zone"].notna(), columns]
    kind = (
        zoned["zone_kind"]
        if "zone_kind" in zoned.columns
        else pd.Series(
            [zone_kind(str(c), str(z)) for c, z in zip(zoned["cloud"], zoned["zone"], strict=True)],
            index=zoned.index,
        )
    )
    zoned = zoned.assign(edge=kind.isin(list(EDGE_ZONE_KINDS)).to_numpy(dtype=bool))
    out = rows.set_index(KEYS)
    out["on_demand_zone"] = _cheapest_zone(zoned).reindex(out.index)
    edge_keys = zoned.loc[zoned["edge"], KEYS].drop_duplicates().set_index(KEYS).index
    has_edge = out.index.isin(edge_keys)
    out["regular_zones"] = ~has_edge
    out["zone_copy"] = False
    regular = zoned[~zoned["edge"] & zoned.set_index(KEYS).index.isin(edge_keys)]
    copies = out[has_edge].copy()
    if len(copies):
        on_demand = regular.dropna(subset=["price_on_demand_usd_hr"]).groupby(KEYS)
        copies["price_on_demand_usd_hr"] = on_demand["price_on_demand_usd_hr"].median()
        copies["on_demand_zone"] = _cheapest_zone(regular).reindex(copies.index)
        spot = regular.dropna(subset=["price_spot_usd_hr"])
        best = spot.sort_values([*KEYS, "price_spot_usd_hr", "zone"]).drop_duplicates(KEYS)
        best = best.set_index(KEYS).reindex(copies.index)
        copies["price_spot_usd_hr"] = best["price_spot_usd_hr"]
        copies["spot_zone"] = best["zone"]
        copies["regular_zones"] = True
        copies["zone_copy"] = True
        sold = copies["price_on_demand_usd_hr"].notna() | copies["price_spot_usd_hr"].notna()
        out = pd.concat([out, copies[sold]])
    out = out.reset_index().sort_values([*KEYS, "zone_copy"], kind="stable")
    return out.reset_index(drop=True)


def _cheapest_zone(zoned: pd.DataFrame) -> pd.Series:
    """The zone with the lowest on-demand price per (cloud, region, type); on a tie a
    regular availability zone before a Local/Wavelength Zone, then by name."""
    priced = zoned.dropna(subset=["price_on_demand_usd_hr"])
    best = priced.sort_values([*KEYS, "price_on_demand_usd_hr", "edge", "zone"])
    return best.drop_duplicates(KEYS).set_index(KEYS)["zone"]
