"""GCP offerings priced from Google's Cloud Billing Catalog (via the pricing calculator's
`machine_types.csv`), zoned from the SkyPilot-format copy.

Trust order (docs/catalog.md, "Which source wins"):
- `machine_types.csv` is the primary price for every machine type and region it lists:
  `usd_per_hour` is the on-demand list price including any bundled local SSD (a3, a2-ultragpu,
  `-lssd` types); `usd_per_hour_spot` the spot price; the 1-year / 3-year resource-based CUD
  per month ÷ 730 h are the commitment prices. Its `usd_per_month` includes sustained-use
  discounts and is not read.
- The SkyPilot-format copy (`gcp/vms.csv`) supplies zones (a calculator row becomes one row
  per zone the copy lists for that type and region; none → one region-level row) and a
  cross-check: its host + GPU total for the same type and region is kept as
  `price_alt_usd_hr` when it differs by more than `ALT_PRICE_TOLERANCE`.
- What the calculator lacks (N1 and attached T4/V100/P100/P4 shapes, A3 Ultra/Edge, A4, and
  any type or region it has no row for) keeps the copy's price, as `secondary`; accelerator
  hosts with bundled local SSD (a3-*, a4-*) from the copy are `doubtful`, because the copy
  leaves that SSD out and underprices A3 elsewhere (README of the reference set).

Pure: paths in, a frame in the offerings schema (minus fabric, zone kinds and flags) out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cloudwright.optimizer.catalog.build.cross_source import add_note, with_alt_price
from cloudwright.optimizer.catalog.build.skypilot import gcp_offerings
from cloudwright.optimizer.catalog.build.sources import SourceRef, read_csv
from cloudwright.optimizer.catalog.shapes import split_attached

HOURS_PER_MONTH = 730.0  # the calculator's month (its usd_per_month = hourly × 730)
CALCULATOR = "prices/gcp_calculator/machine_types.csv"
# The calculator's GPU keys (pricing.yml) → canonical names.
GPU_MODELS: dict[str, str] = {
    "a100": "A100-40GB",
    "a100-80gb": "A100-80GB",
    "h100-80gb": "H100",
    "h100-80gb-mega": "H100",
    "l4": "L4",
    "rtx6000": "RTX-PRO-6000",
}
# Arm families (Ampere Altra t2a, Google Axion c4a / n4a).
ARM_PREFIXES = ("t2a-", "c4a-", "n4a-")
# Copy rows of these families bundle local SSD the copy does not price.
BUNDLED_SSD_PREFIXES = ("a3-", "a4-", "a4x-")


def read_calculator(path: Path) -> tuple[pd.DataFrame, SourceRef]:
    raw = read_csv(path, dtype={"gpu_model": "string", "machine_type": "string"})
    ref = SourceRef(
        f"{raw['source'].iloc[0]} (Google Cloud Billing Catalog)", str(raw["source_date"].iloc[0])
    )
    unknown = sorted(set(raw["gpu_model"].dropna()) - set(GPU_MODELS))
    if unknown:
        from cloudwright.core.errors import DataError

        raise DataError(
            f"{path}: GPU models with no canonical name: {', '.join(unknown)}",
            hint="add them to GPU_MODELS in optimizer/catalog/build/gcp_calculator.py",
        )
    return raw, ref


def calculator_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """One region-level offering per calculator row."""
    count = pd.to_numeric(raw["gpu_count"], errors="coerce")
    has_gpu = raw["gpu_model"].notna()
    whole = count.where(count >= 1, 0).fillna(0).round()
    hourly = _num(raw["usd_per_hour"])
    return pd.DataFrame(
        {
            "cloud": "gcp",
            "region": raw["region"].astype("string"),
            "zone": pd.Series(pd.NA, index=raw.index, dtype="string"),
            "instance_type": raw["machine_type"].astype("string"),
            "gpu": raw["gpu_model"].map(GPU_MODELS).astype("string"),
            "gpu_count": whole.where(has_gpu, 0).astype("Int64"),
            "gpu_fraction": count.where(has_gpu & (count < 1)).astype("Float64"),
            "gpu_memory_gb": pd.Series(np.nan, index=raw.index, dtype="Float64"),
            "vcpus": _num(raw["vcpus"]),
            "memory_gb": _num(raw["memory_gb"]),
            "arch": pd.Series(
                np.where(raw["machine_type"].str.startswith(ARM_PREFIXES), "arm64", "x86_64"),
                index=raw.index,
                dtype="string",
            ),
            "price_on_demand_usd_hr": hourly,
            "price_spot_usd_hr": _num(raw["usd_per_hour_spot"]),
            # A 0 commitment price means "no CUD" (f1-micro, g1-small): unknown, never $0.
            "price_commit_1y_usd_hr": _commit(raw["usd_per_month_1y_commit"]),
            "price_commit_3y_usd_hr": _commit(raw["usd_per_month_3y_commit"]),
            "price_status": pd.Series(
                np.where(hourly.isna(), "unknown", "list"), index=raw.index, dtype="string"
            ),
            "source": raw["source"].astype("string") + " (Google Cloud Billing Catalog)",
            "source_date": raw["source_date"].astype("string"),
        }
    )


def _commit(per_month: pd.Series) -> pd.Series:
    hourly = _num(per_month) / HOURS_PER_MONTH
    return hourly.where(hourly > 0)


def _num(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype("Float64")


def gcp_calculator_offerings(
    calculator_csv: Path, skypilot_dir: Path
) -> tuple[pd.DataFrame, list[SourceRef]]:
    """GCP offerings: calculator prices on the copy's zones, the copy for what it lacks."""
    raw, ref = read_calculator(calculator_csv)
    calc = calculator_frame(raw)
    copy, copy_refs = gcp_offerings(skypilot_dir)
    copy = copy[copy["instance_type"].notna() & copy["region"].notna()]
    keys = ["instance_type", "region"]
    copy_key = pd.MultiIndex.from_frame(copy[keys])
    calc_key = pd.MultiIndex.from_frame(calc[keys])
    covered = copy_key.isin(calc_key)
    # The copy's regional price (median over zones) for the cross-check, with its source.
    alt = (
        copy[covered]
        .groupby(keys)
        .agg(alt=("price_on_demand_usd_hr", "median"), alt_source=("source", "first"))
    )
    alt_date = copy[covered].groupby(keys)["source_date"].first()
    zones = copy[covered].dropna(subset=["zone"])
    zoned = calc.drop(columns="zone").merge(
        zones[[*keys, "zone", "gpu_memory_gb"]].rename(columns={"gpu_memory_gb": "_mem"}),
        on=keys,
        how="left",
    )
    zoned["zone"] = zoned["zone"].astype("string")
    zoned["gpu_memory_gb"] = zoned["_mem"].astype("Float64")
    zoned = zoned.drop(columns="_mem")
    zoned = with_alt_price(
        zoned,
        alt["alt"].reindex(pd.MultiIndex.from_frame(zoned[keys])).to_numpy(),
        (alt["alt_source"] + " (" + alt_date + ")")
        .reindex(pd.MultiIndex.from_frame(zoned[keys]))
        .to_numpy(),
    )
    zoned["price_commit_source"] = zoned["source"].where(
        zoned["price_commit_1y_usd_hr"].notna() | zoned["price_commit_3y_usd_hr"].notna()
    )
    rest = attached_on_calculator_hosts(copy[~covered].copy(), copy, calc)
    bundled = rest["instance_type"].str.startswith(BUNDLED_SSD_PREFIXES)
    rest["price_status"] = pd.Series(
        np.where(bundled, "doubtful", "secondary"), index=rest.index, dtype="string"
    )
    note = (
        "third-party copy: a3/a4 totals leave out the bundled local SSD and the copy "
        "underprices A3 in several regions (reference README); no Billing Catalog row"
    )
    rest["price_flag"] = add_note(rest.get("price_flag"), bundled, note, rest.index)
    out = pd.concat([zoned, rest], ignore_index=True)
    return out, [ref, *copy_refs]


def attached_on_calculator_hosts(
    rest: pd.DataFrame, copy: pd.DataFrame, calc: pd.DataFrame
) -> pd.DataFrame:
    """N1 shapes with attached GPUs (`n1-standard-8+nvidia-tesla-t4x1`): the host part
    re-priced from the calculator where it has the host in that region (the copy's host row in
    the same zone is taken out), the GPU part kept from the copy. Spot likewise."""
    attached = rest["instance_type"].map(split_attached)
    mask = attached.notna()
    if not mask.any():
        return rest
    hosts = attached[mask].map(lambda a: a.machine_type)
    calc_host = calc.set_index(["instance_type", "region"])
    copy_host = copy.dropna(subset=["zone"]).drop_duplicates(["instance_type", "zone"])
    copy_host = copy_host.set_index(["instance_type", "zone"])
    new_key = pd.MultiIndex.from_arrays([hosts, rest.loc[mask, "region"]])
    old_key = pd.MultiIndex.from_arrays([hosts, rest.loc[mask, "zone"]])
    for column in ("price_on_demand_usd_hr", "price_spot_usd_hr"):
        new = calc_host[column].reindex(new_key).to_numpy(dtype=float, na_value=np.nan)
        old = copy_host[column].reindex(old_key).to_numpy(dtype=float, na_value=np.nan)
        total = rest.loc[mask, column].to_numpy(dtype=float, na_value=np.nan)
        repriced = total - old + new
        rest.loc[mask, column] = np.where(np.isfinite(repriced), repriced, total)
    rest.loc[mask, "source"] = (
        "host: "
        + calc["source"].iloc[0]
        + " (Google Cloud Billing Catalog); GPU: "
        + rest.loc[mask, "source"]
    )
    return rest
