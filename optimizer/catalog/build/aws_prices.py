"""AWS offerings: every instance type Karpenter knows, priced from the best public source
per region.

Sources, in the order they win (docs/catalog.md, "Which source wins"):
- specs (vCPUs, memory, GPU / accelerator and count, EFA interfaces, arch): Karpenter's
  instance-type table (`aws_instance_types_karpenter.csv`);
- us-east-1 on-demand: Karpenter's generated price table (every family), `list`;
- GovCloud on-demand: Karpenter's GovCloud table, `list`;
- other regions, accelerated families: the vantage copy (`aws_accelerated_multiregion_vantage
  .csv`, regions only: Local and Wavelength Zones are skipped, their IDs are zone names the
  catalog does not key by) for on-demand (`list`), spot (its window average) and standard
  no-upfront RI 1y/3y (the commitment columns);
- zone-level spot: the SkyPilot-format copies (`vms_*family.csv`), as before: a type and
  region they list becomes one row per zone with the zone's spot price; their on-demand
  figure is the cross-check (`price_alt_usd_hr` when it differs by > 2 %), and it prices
  what no list source has (`secondary`);
- CPU families outside us-east-1 and GovCloud: no public price in the reference set, so
  `aws_estimate` estimates them (`estimated`); the few Infracost golden lines for such a
  pair price it instead (`secondary`).

Pure: paths in, frames in the offerings schema (minus fabric, zone kinds and flags) out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cloudwright.core.errors import DataError
from cloudwright.optimizer.catalog.build.cross_source import with_alt_price
from cloudwright.optimizer.catalog.build.skypilot import aws_offerings
from cloudwright.optimizer.catalog.build.sources import SourceRef, read_csv

MIB_PER_GB = 1024.0
# Karpenter's GPU names → canonical; None = an accelerator the catalog does not model
# (Radeon Pro V520, RTX PRO 4500: no canonical name, no power row).
KARPENTER_GPUS: dict[str, str | None] = {
    "t4": "T4",
    "t4g": "T4g",
    "a10g": "A10G",
    "l4": "L4",
    "l40s": "L40S",
    "k80": "K80",
    "m60": "M60",
    "v100": "V100",
    "a100": "A100-40GB",
    "h100": "H100",
    "h200": "H200",
    "b200": "B200",
    "b300": "B300",
    "rtx-pro-server-6000": "RTX-PRO-6000",
    "gaudi-hl-205": "Gaudi-HL205",  # dl1: Karpenter lists Gaudi under gpu_*
    "radeon-pro-v520": None,
    "rtx-pro-4500": None,
}
# Karpenter's `accelerator_name` → canonical, counted in `accelerator_count` (Neuron devices);
# inf1 (Inferentia1) and Qualcomm AI100 are not modelled.
KARPENTER_ACCELERATORS: dict[str, str] = {
    "trainium": "Trainium1",
    "trainium2": "Trainium2",
    "inferentia2": "Inferentia2",
}
# Memory splits one name in two canonical parts: A100 40/80 GB, V100 16/32 GB.
_BY_MEMORY = {"A100-40GB": (80.0, "A100-80GB"), "V100": (32.0, "V100-32GB")}


@dataclass(frozen=True)
class AwsInputs:
    specs: Path  # aws_instance_types_karpenter.csv
    us_east_1: Path  # aws_ondemand_us-east-1_karpenter.csv
    gov: Path  # aws_ondemand_us-gov_karpenter.csv
    vantage: Path  # aws_accelerated_multiregion_vantage.csv
    skypilot_dir: Path  # holds aws/vms*.csv


def read_specs(path: Path) -> pd.DataFrame:
    """One row per instance type: the offerings' spec columns."""
    raw = read_csv(path, dtype={"gpu_name": "string", "instance_type": "string"})
    names = raw["gpu_name"].dropna().unique()
    unknown = sorted(set(names) - set(KARPENTER_GPUS))
    if unknown:
        raise DataError(
            f"{path}: GPU names with no canonical mapping: {', '.join(unknown)}",
            hint="add them to KARPENTER_GPUS in optimizer/catalog/build/aws_prices.py",
        )
    memory = pd.to_numeric(raw["gpu_memory_mib_per_gpu"], errors="coerce") / MIB_PER_GB
    gpu = raw["gpu_name"].map(lambda n: KARPENTER_GPUS.get(n) if isinstance(n, str) else None)
    for base, (threshold, bigger) in _BY_MEMORY.items():
        gpu = gpu.where(~((gpu == base) & (memory >= threshold - 2)), bigger)
    count = pd.to_numeric(raw["gpu_count"], errors="coerce").fillna(0)
    neuron = raw["accelerator_name"].map(KARPENTER_ACCELERATORS)
    gpu = gpu.where(gpu.notna(), neuron)
    count = count.where(neuron.isna(), pd.to_numeric(raw["accelerator_count"], errors="coerce"))
    has_gpu = gpu.notna()
    return pd.DataFrame(
        {
            "instance_type": raw["instance_type"],
            "gpu": gpu.astype("string"),
            "gpu_count": count.where(has_gpu, 0).round().astype("Int64"),
            "gpu_fraction": pd.Series(pd.NA, index=raw.index, dtype="Float64"),
            "gpu_memory_gb": memory.where(has_gpu).astype("Float64"),
            "vcpus": pd.to_numeric(raw["vcpus"], errors="coerce").astype("Float64"),
            "memory_gb": pd.to_numeric(raw["memory_gib"], errors="coerce").astype("Float64"),
            # Karpenter says amd64 (the Kubernetes word); the catalog says x86_64.
            "arch": raw["arch"].replace({"amd64": "x86_64"}).astype("string"),
            "accelerated": has_gpu | raw["accelerator_name"].notna() | raw["gpu_name"].notna(),
            "spec_source": raw["spec_source"].astype("string"),
        }
    ).drop_duplicates("instance_type")


def _prices(path: Path) -> pd.DataFrame:
    raw = read_csv(path, dtype={"instance_type": "string", "region": "string"})
    return pd.DataFrame(
        {
            "instance_type": raw["instance_type"],
            "region": raw["region"],
            "price": pd.to_numeric(raw["usd_per_hour"], errors="coerce"),
            "source": raw["source"].astype("string"),
            "source_date": raw["source_date"].astype("string"),
        }
    )


def _positive(values: pd.Series) -> pd.Series:
    """Prices as floats; blank or 0 (no offer) is unknown, never $0."""
    number = pd.to_numeric(values, errors="coerce")
    return number.where(number > 0)


def read_vantage(path: Path) -> pd.DataFrame:
    raw = read_csv(path, dtype={"instance_type": "string", "location": "string"})
    raw = raw[raw["location_type"] == "region"]
    source = raw["source"].astype("string")
    return pd.DataFrame(
        {
            "instance_type": raw["instance_type"],
            "region": raw["location"],
            "price": pd.to_numeric(raw["usd_per_hour_ondemand_linux"], errors="coerce"),
            "spot": pd.to_numeric(raw["usd_per_hour_spot_avg"], errors="coerce"),
            "ri_1y": _positive(raw["usd_per_hour_ri_1y_standard_noupfront"]),
            "ri_3y": _positive(raw["usd_per_hour_ri_3y_standard_noupfront"]),
            "source": source,
            "source_date": raw["source_date"].astype("string"),
            "vcpus": pd.to_numeric(raw["vcpus"], errors="coerce"),
            "memory_gb": pd.to_numeric(raw["memory_gib"], errors="coerce"),
        }
    ).reset_index(drop=True)


def listed_prices(inputs: AwsInputs) -> pd.DataFrame:
    """(instance_type, region) → on-demand list price, spot, RI, source: Karpenter for
    us-east-1 and GovCloud, vantage for the other regions (and for spot / RI everywhere)."""
    karpenter = pd.concat([_prices(inputs.us_east_1), _prices(inputs.gov)], ignore_index=True)
    vantage = read_vantage(inputs.vantage)
    keys = ["instance_type", "region"]
    merged = karpenter.merge(vantage, on=keys, how="outer", suffixes=("", "_v"))
    from_karpenter = merged["price"].notna()
    merged["alt"] = merged["price_v"].where(from_karpenter)
    merged["alt_source"] = (merged["source_v"] + " (" + merged["source_date_v"] + ")").where(
        from_karpenter
    )
    merged["price"] = merged["price"].where(from_karpenter, merged["price_v"])
    merged["source"] = merged["source"].where(from_karpenter, merged["source_v"])
    merged["source_date"] = merged["source_date"].where(from_karpenter, merged["source_date_v"])
    has_ri = merged["ri_1y"].notna() | merged["ri_3y"].notna()
    merged["commit_source"] = (
        merged["source_v"] + " (" + merged["source_date_v"] + "; standard RI, no upfront)"
    ).where(has_ri)
    return merged


def aws_listed_offerings(inputs: AwsInputs) -> tuple[pd.DataFrame, list[SourceRef]]:
    """Offerings of every (type, region) a list source prices, zoned where SkyPilot's copy
    lists zones; plus the copy's own rows for what no list source has."""
    specs = read_specs(inputs.specs).set_index("instance_type")
    listed = listed_prices(inputs)
    sky, sky_refs = aws_offerings(inputs.skypilot_dir)
    keys = ["instance_type", "region"]
    sky_key = pd.MultiIndex.from_frame(sky[keys])
    listed_key = pd.MultiIndex.from_frame(listed[keys])
    in_sky = listed_key.isin(sky_key)
    rows = listed.assign(zone=pd.Series(pd.NA, index=listed.index, dtype="string"))
    # Zoned: one row per SkyPilot zone, with that zone's spot price.
    zone_rows = sky[sky_key.isin(listed_key)][[*keys, "zone", "price_spot_usd_hr"]]
    zoned = rows[in_sky].drop(columns="zone").merge(zone_rows, on=keys)
    zoned["spot"] = zoned["price_spot_usd_hr"]
    sky_od = sky.groupby(keys).agg(
        sky_price=("price_on_demand_usd_hr", "median"),
        sky_source=("source", "first"),
        sky_date=("source_date", "first"),
    )
    zoned = zoned.join(sky_od, on=keys)
    zoned["alt"] = zoned["sky_price"]
    zoned["alt_source"] = zoned["sky_source"] + " (" + zoned["sky_date"] + ")"
    combined = pd.concat(
        [rows[~in_sky], zoned.drop(columns="price_spot_usd_hr")], ignore_index=True
    )
    frame = offering_frame(combined, specs)
    # A type with no spec anywhere (cr1, g2, cc2, hs1, i3p: retired, priced but not described)
    # is left out: its GPU and size are unknown, and a GPU type would pass for a CPU one.
    described = frame["vcpus"].notna().to_numpy()
    frame, combined = frame[described], combined[described]
    frame = with_alt_price(
        frame,
        combined["alt"].to_numpy(dtype=float, na_value=np.nan),
        combined["alt_source"].astype(object).to_numpy(),
    )
    # SkyPilot rows no list source prices (e.g. p5e.48xlarge): the copy's figure, secondary.
    rest = sky[~sky_key.isin(listed_key)].copy()
    rest["price_status"] = pd.Series(
        np.where(rest["price_on_demand_usd_hr"].isna(), "unknown", "secondary"),
        index=rest.index,
        dtype="string",
    )
    refs = [
        SourceRef(
            str(listed["source"].dropna().iloc[0]), str(listed["source_date"].dropna().max())
        ),
        *sky_refs,
    ]
    for path in (inputs.gov, inputs.vantage):
        first = _prices(path) if path == inputs.gov else read_vantage(path)
        refs.append(SourceRef(str(first["source"].iloc[0]), str(first["source_date"].iloc[0])))
    return pd.concat([frame, rest], ignore_index=True), refs


def offering_frame(rows: pd.DataFrame, specs: pd.DataFrame) -> pd.DataFrame:
    """Offerings-schema columns for `rows` (instance_type, region, zone, price, spot, ri_1y,
    ri_3y, source, source_date, commit_source), specs joined by instance type."""
    spec = specs.reindex(rows["instance_type"])
    spec.index = rows.index
    vcpus = spec["vcpus"].fillna(rows.get("vcpus")).astype("Float64")
    memory = spec["memory_gb"].fillna(rows.get("memory_gb")).astype("Float64")
    price = rows["price"].astype("Float64")
    source = rows["source"].astype("string")
    with_spec = spec["spec_source"].notna()
    return pd.DataFrame(
        {
            "cloud": "aws",
            "region": rows["region"].astype("string"),
            "zone": rows["zone"].astype("string"),
            "instance_type": rows["instance_type"].astype("string"),
            "gpu": spec["gpu"].astype("string"),
            "gpu_count": spec["gpu_count"].fillna(0).astype("Int64"),
            "gpu_fraction": spec["gpu_fraction"].astype("Float64"),
            "gpu_memory_gb": spec["gpu_memory_gb"].astype("Float64"),
            "vcpus": vcpus,
            "memory_gb": memory,
            "arch": spec["arch"].astype("string"),
            "price_on_demand_usd_hr": price,
            "price_spot_usd_hr": rows["spot"].astype("Float64"),
            "price_commit_1y_usd_hr": rows["ri_1y"].astype("Float64"),
            "price_commit_3y_usd_hr": rows["ri_3y"].astype("Float64"),
            "price_commit_source": rows["commit_source"].astype("string"),
            "price_status": pd.Series(
                np.where(price.isna(), "unknown", "list"), index=rows.index, dtype="string"
            ),
            "source": source.where(~with_spec, source + "; specs: Karpenter instance-type table"),
            "source_date": rows["source_date"].astype("string"),
        }
    )


@dataclass
class AwsBuild:
    offerings: pd.DataFrame
    refs: list[SourceRef]
    factors: dict[str, Any]  # region → RegionFactor
    golden_check: pd.DataFrame  # estimate vs Infracost golden lines


def aws_catalog_offerings(inputs: AwsInputs, goldens: Path | None, regions: list[str]) -> AwsBuild:
    """Listed, golden-priced and estimated AWS offerings (see the module docstring)."""
    from cloudwright.optimizer.catalog.build.aws_cpu import aws_cpu_offerings
    from cloudwright.optimizer.catalog.build.aws_estimate import (
        US_EAST_1,
        estimated_offerings,
        fit_factors,
        golden_errors,
    )

    listed_frame, refs = aws_listed_offerings(inputs)
    listed = listed_prices(inputs)
    gov = set(_prices(inputs.gov)["region"])
    factors = fit_factors(listed, exclude=tuple(sorted(gov)))
    specs = read_specs(inputs.specs)
    us_east_1 = listed[listed["region"] == US_EAST_1]
    date = str(listed["source_date"].dropna().max())
    estimates = estimated_offerings(
        listed_frame, us_east_1, specs, [r for r in regions if r not in gov], factors, date
    )
    parts = [listed_frame]
    checks = pd.DataFrame(columns=["instance_type", "region", "estimate", "golden", "error_pct"])
    if goldens is not None:
        gold, ref = aws_cpu_offerings(goldens)
        checks = golden_errors(estimates, gold)
        have = pd.MultiIndex.from_frame(listed_frame[["instance_type", "region"]])
        gold = gold[~pd.MultiIndex.from_frame(gold[["instance_type", "region"]]).isin(have)]
        gold = gold.assign(price_status=pd.Series("secondary", index=gold.index, dtype="string"))
        gold_key = pd.MultiIndex.from_frame(gold[["instance_type", "region"]])
        est_key = pd.MultiIndex.from_frame(estimates[["instance_type", "region"]])
        estimates = estimates[~est_key.isin(gold_key)]
        parts.append(gold)
        refs.append(ref)
    parts.append(estimates)
    return AwsBuild(pd.concat(parts, ignore_index=True), refs, factors, checks)
