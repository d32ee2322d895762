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

from cloudwright.errors import DataError
from optimizer.catalog import Catalog, RegionInfo
from optimizer.models.power import power_vectors


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
    on_demand_zone: np.ndarray  # cheapest on-demand zone (None where the catalog has none)
    spot_zone: np.ndarray
    price_flag: np.ndarray
    on_demand_doubtful: np.ndarray  # bool: the catalog flags the on-demand price as doubtful
    spot_doubtful: np.ndarray  # bool: ... the spot price
    idle_w: np.ndarray
    slope_w: np.ndarray
    regions: RegionTable
    skipped: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.cloud)


def build_offer_table(catalog: Catalog) -> OfferTable:
    frame = catalog.region_offerings
    gpu_rows = frame[frame["gpu"].notna() & (frame["gpu_count"].fillna(0) > 0)]
    priced = gpu_rows[
        gpu_rows["price_on_demand_usd_hr"].notna() | gpu_rows["price_spot_usd_hr"].notna()
    ]
    keys = (priced["cloud"] + ":" + priced["region"]).astype(str)
    regions, skipped = _region_table(catalog, sorted(set(keys)))
    known = keys.isin(regions.keys)
    skipped_rows = tuple(sorted(set(keys[~known])))
    rows = priced[known.to_numpy()].sort_values(["cloud", "region", "instance_type"])
    rows = rows.reset_index(drop=True)
    index = regions.index()
    region_idx = np.array(
        [index[f"{c}:{r}"] for c, r in zip(rows["cloud"], rows["region"], strict=True)],
        dtype=np.int64,
    )
    power = power_vectors(catalog, rows)
    zones = _on_demand_zones(catalog, rows)
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
        on_demand_zone=zones,
        spot_zone=_obj(rows["spot_zone"]),
        price_flag=flags,
        on_demand_doubtful=np.array([d[0] for d in doubtful], dtype=bool),
        spot_doubtful=np.array([d[1] for d in doubtful], dtype=bool),
        idle_w=power.idle_w,
        slope_w=power.slope_w,
        regions=regions,
        skipped=tuple(sorted(set(skipped) | set(skipped_rows))),
    )


def doubtful_price(flag: str | None) -> tuple[bool, bool]:
    """(on-demand doubtful, spot doubtful) from the catalog's `price_flag` text.

    The catalog flags outliers against peer regions, spot prices within a few % of
    on-demand, and prices missing a part; a flag that starts with "corrected" documents a
    fix and leaves the price trusted. A flag that mentions spot concerns the spot price.
    """
    if flag is None or not flag.strip():
        return False, False
    text = flag.lower()
    if text.startswith("corrected"):
        return False, False
    return ("spot" not in text), ("spot" in text)


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


def _on_demand_zones(catalog: Catalog, rows: pd.DataFrame) -> np.ndarray:
    """The zone with the lowest on-demand price per (cloud, region, type); ties by name."""
    zoned = catalog.offerings.dropna(subset=["zone", "price_on_demand_usd_hr"])
    best = zoned.sort_values(
        ["cloud", "region", "instance_type", "price_on_demand_usd_hr", "zone"]
    ).drop_duplicates(["cloud", "region", "instance_type"])
    lookup = {
        (c, r, t): z
        for c, r, t, z in best[["cloud", "region", "instance_type", "zone"]].itertuples(index=False)
    }
    return np.array(
        [
            lookup.get((c, r, t))
            for c, r, t in zip(rows["cloud"], rows["region"], rows["instance_type"], strict=True)
        ],
        dtype=object,
    )
