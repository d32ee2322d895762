"""The region-level offerings table (`Catalog.region_offerings`): one row per cloud, region
and instance type, from the zone-level rows.

On-demand price: the median over zones; spot: the cheapest zone whose spot price is not in
doubt (`flags.region_spot_and_flags`); spec, status, second-source and commitment columns:
the first zone row's (a builder prices a type alike in every zone of a region).
"""

from __future__ import annotations

import pandas as pd

from cloudwright.optimizer.catalog import flags
from cloudwright.optimizer.catalog.zones import EDGE_ZONE_KINDS

# Region-level columns carried as they are (the zone rows of a region agree on them).
REGION_COLUMNS: tuple[str, ...] = (
    "gpu_variant",
    "price_status",
    "price_alt_usd_hr",
    "price_alt_source",
    "price_commit_1y_usd_hr",
    "price_commit_3y_usd_hr",
    "price_commit_source",
)


def region_offerings(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (cloud, region, instance_type) of the zone-level offerings `frame` (see
    `Catalog.region_offerings`)."""
    keys = ["cloud", "region", "instance_type"]
    spec_cols = [
        "gpu",
        "gpu_count",
        "gpu_memory_gb",
        "vcpus",
        "memory_gb",
        "arch",
        "interconnect",
        "interconnect_nics",
        "interconnect_gbps",
        "source",
        "snapshot_date",
        "price_flag",
        *REGION_COLUMNS,
    ]
    grouped = frame.groupby(keys, sort=True, dropna=False)
    out = grouped[spec_cols].first()
    out["price_on_demand_usd_hr"] = grouped["price_on_demand_usd_hr"].median()
    best_spot, out["price_flag"] = flags.region_spot_and_flags(frame, keys)
    out["price_spot_usd_hr"] = best_spot["price_spot_usd_hr"]
    out["spot_zone"] = best_spot["zone"]
    out["spot_zone_kind"] = best_spot["zone_kind"]
    _edge_zone_columns(out, frame, keys)
    return out.reset_index()


def _edge_zone_columns(out: pd.DataFrame, frame: pd.DataFrame, keys: list[str]) -> None:
    """Set `edge_only`, `price_spot_az_usd_hr` and `spot_az_zone` on the region table `out`.
    Edge zones are rare (a few AWS types), so only the (region, type) pairs that have one are
    regrouped; every other pair keeps its cheapest spot zone, an availability zone."""
    out["edge_only"] = False
    out["price_spot_az_usd_hr"] = out["price_spot_usd_hr"]
    out["spot_az_zone"] = out["spot_zone"]
    edge = frame["zone_kind"].isin(list(EDGE_ZONE_KINDS))
    if not edge.any():
        return
    near = frame[
        frame["instance_type"].isin(frame.loc[edge, "instance_type"].unique())
        & frame["region"].isin(frame.loc[edge, "region"].unique())
    ]
    near_edge = near["zone_kind"].isin(list(EDGE_ZONE_KINDS))
    touched = near[near_edge].groupby(keys).size().index
    only = near_edge.groupby([near[k] for k in keys]).all()
    out.loc[touched, "edge_only"] = only.reindex(touched).to_numpy()
    regular = near[~near_edge].dropna(subset=["price_spot_usd_hr"])
    best = regular.sort_values([*keys, "price_spot_usd_hr", "zone"]).drop_duplicates(keys)
    best = best.set_index(keys).reindex(touched)
    out.loc[touched, "price_spot_az_usd_hr"] = best["price_spot_usd_hr"].to_numpy()
    out.loc[touched, "spot_az_zone"] = best["zone"].to_numpy()


def accelerator_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of types with accelerators (a GPU/AI-chip name and a count > 0): a few % of the
    catalog, which lists every CPU type too."""
    return frame[frame["gpu"].notna() & (frame["gpu_count"].fillna(0) > 0)]


def offering_names(frame: pd.DataFrame) -> pd.DataFrame:
    """The clouds, GPU names and `cloud:region`s the offerings table holds (the name checks
    need only these)."""
    clouds = sorted(set(frame["cloud"].unique()))
    gpus = sorted(set(frame["gpu"].dropna().unique()))
    pairs = frame[["cloud", "region"]].drop_duplicates()
    regions = sorted(f"{c}:{r}" for c, r in pairs.itertuples(index=False))
    kinds = ["cloud"] * len(clouds) + ["gpu"] * len(gpus) + ["region"] * len(regions)
    return pd.DataFrame({"kind": kinds, "name": clouds + gpus + regions})
