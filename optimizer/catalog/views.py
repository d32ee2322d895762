"""What `catalog stats` and `catalog show` report, as plain data (no formatting).

`stats` summarises a snapshot per cloud; `show` joins zone-level offerings with their
region's coordinates, grid intensity and PUE and their GPU's board power. Both validate
names through the Catalog, so an unknown cloud, region, GPU or instance type raises
`UnknownNameError` with the closest valid names.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd

from cloudwright.optimizer.catalog import schema
from cloudwright.optimizer.catalog.catalog import Catalog

SHOW_COLUMNS: tuple[str, ...] = (
    "cloud",
    "region",
    "zone",
    "zone_kind",
    "instance_type",
    "gpu",
    "gpu_count",
    "gpu_memory_gb",
    "gpu_variant",
    "vcpus",
    "memory_gb",
    "interconnect",
    "interconnect_nics",
    "hosts",
    "topology",
    "price_on_demand_usd_hr",
    "price_spot_usd_hr",
    "price_per_accelerator_usd_hr",
    "spot_per_accelerator_usd_hr",
    "price_status",
    "price_alt_usd_hr",
    "price_alt_source",
    "price_commit_1y_usd_hr",
    "price_commit_3y_usd_hr",
    "price_commit_source",
    "price_flag",
    "gpu_board_power_w",
    "gpu_platform_w",
    "grid_intensity_g_per_kwh",
    "pue",
    "lat",
    "lon",
    "source",
    "source_date",
)


def stats(catalog: Catalog, today: date | None = None) -> dict[str, Any]:
    """`{"snapshot_date", "age_days", "clouds": {cloud: {...}}}` for the snapshot."""
    offers = catalog.region_offerings
    clouds: dict[str, Any] = {}
    for cloud in schema.CLOUDS:
        mine = offers[offers["cloud"] == cloud]
        gpu = mine[mine["gpu"].notna() & (mine["gpu_count"] > 0)]
        clouds[cloud] = {
            "regions": int(mine["region"].nunique()),
            "instance_types": int(mine["instance_type"].nunique()),
            "gpu_offerings": len(gpu),
            "gpu_regions": int(gpu["region"].nunique()),
            "gpu_models": sorted(str(g) for g in gpu["gpu"].unique()),
            "flagged_prices": int(mine["price_flag"].notna().sum()),
            "price_status": {
                str(k): int(v) for k, v in mine["price_status"].value_counts().sort_index().items()
            },
        }
    return {
        "snapshot_date": catalog.snapshot_date.isoformat(),
        "age_days": catalog.age_days(today),
        "clouds": clouds,
        "accelerators": accelerator_stats(offers),
    }


# Accelerators `catalog stats` summarises one by one: the ones that are not NVIDIA GPUs.
STATS_ACCELERATORS: tuple[str, ...] = (*schema.TPUS, *schema.NEURON, "Gaudi-HL205", "MI300X")


def accelerator_stats(offers: pd.DataFrame) -> list[dict[str, Any]]:
    """Per (accelerator, cloud): region-level offerings, regions, instance types, and the
    cheapest and median on-demand price per accelerator-hour over trusted prices (list,
    secondary, estimated: doubtful and unknown ones are counted apart, never averaged in)."""
    out: list[dict[str, Any]] = []
    mine = offers[offers["gpu"].isin(list(STATS_ACCELERATORS)) & (offers["gpu_count"] > 0)]
    for (gpu, cloud), group in mine.groupby(["gpu", "cloud"], sort=False):
        trusted = group[group["price_status"].isin(["list", "secondary", "estimated"])]
        per_chip = (trusted["price_on_demand_usd_hr"] / trusted["gpu_count"]).astype(float)
        per_chip = per_chip.dropna()
        out.append(
            {
                "accelerator": str(gpu),
                "cloud": str(cloud),
                "offerings": len(group),
                "regions": int(group["region"].nunique()),
                "instance_types": sorted(str(t) for t in group["instance_type"].unique()),
                "min_usd_per_accelerator_hr": float(per_chip.min()) if len(per_chip) else None,
                "median_usd_per_accelerator_hr": (
                    float(per_chip.median()) if len(per_chip) else None
                ),
                "doubtful_prices": int((group["price_status"] == "doubtful").sum()),
                "unknown_prices": int(group["price_on_demand_usd_hr"].isna().sum()),
            }
        )
    order = {g: i for i, g in enumerate(STATS_ACCELERATORS)}
    return sorted(out, key=lambda r: (order[r["accelerator"]], r["cloud"]))


def show(
    catalog: Catalog,
    *,
    cloud: str | None = None,
    region: str | None = None,
    gpu: str | None = None,
    instance_type: str | None = None,
    spot: bool = False,
) -> pd.DataFrame:
    """Zone-level offerings matching the filters, with region and GPU facts, cheapest first."""
    found = catalog.find_offerings(
        cloud=cloud, region=region, gpu=gpu, instance_type=instance_type, spot=spot
    )
    regions = catalog.regions[["cloud", "region", "grid_intensity_g_per_kwh", "pue", "lat", "lon"]]
    gpus = catalog.gpus[["gpu", "variant", "board_power_w", "platform_w_per_gpu"]].rename(
        columns={
            "variant": "gpu_variant",
            "board_power_w": "gpu_board_power_w",
            "platform_w_per_gpu": "gpu_platform_w",
        }
    )
    out = found.merge(regions, on=["cloud", "region"], how="left")
    # Board and platform power of the offering's own GPU variant (the GPU's first row when
    # the snapshot predates `gpu_variant`).
    default = gpus.drop_duplicates("gpu").set_index("gpu")["gpu_variant"]
    variant = out["gpu_variant"].fillna(out["gpu"].map(default))
    power = gpus.drop_duplicates(["gpu", "gpu_variant"]).set_index(["gpu", "gpu_variant"])
    at = power.reindex(pd.MultiIndex.from_arrays([out["gpu"], variant]))
    out["gpu_board_power_w"] = at["gpu_board_power_w"].to_numpy()
    out["gpu_platform_w"] = at["gpu_platform_w"].to_numpy()
    out["gpu_board_power_w"] = out["gpu_board_power_w"].astype("Float64")
    out["gpu_platform_w"] = out["gpu_platform_w"].astype("Float64")
    # TPU slices and multi-device shapes compare per chip (a v5p-8 is 4 chips).
    count = out["gpu_count"].astype("Float64").where(out["gpu_count"] > 0)
    out["price_per_accelerator_usd_hr"] = out["price_on_demand_usd_hr"].astype("Float64") / count
    out["spot_per_accelerator_usd_hr"] = out["price_spot_usd_hr"].astype("Float64") / count
    price = "price_spot_usd_hr" if spot else "price_on_demand_usd_hr"
    out = out.sort_values(
        [price, "cloud", "region", "instance_type", "zone"], na_position="last", kind="stable"
    )
    return out[list(SHOW_COLUMNS)].reset_index(drop=True)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows: NA/NaN become None, numpy scalars become Python numbers."""
    rows = []
    for rec in frame.to_dict("records"):
        rows.append({str(k): _plain(v) for k, v in rec.items()})
    return rows


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _plain(value.item())
    return value
