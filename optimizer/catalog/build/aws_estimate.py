"""Estimated AWS on-demand prices where no public source in the reference set has one:
CPU-only instance types outside us-east-1 and GovCloud.

Method (docs/catalog.md, "AWS estimates"):
- a regional factor per region: the **median** over instance types of
  (the region's list price ÷ the us-east-1 list price), over the accelerated families that
  have both (vantage for the region, Karpenter for us-east-1). The median, because a few
  families carry their own regional premium (ap-northeast-1 runs 1.25–1.71×) and a mean
  would let them pull every other family's estimate;
- estimate = us-east-1 list price × the region's factor, status `estimated`, source
  "estimated: …" naming the factor and its fit; no spot and no commitment price (unknown);
- only regions AWS offers (the regions table) that have a factor; GovCloud has its own list;
- the fit's error is measured by leave-one-family-out: each family's prices in a region are
  predicted with the factor fitted on the region's other families (`FitError` per region,
  median and p90 absolute % error), published in docs/catalog.md and the manifest.

The fit uses accelerated families because they are the only ones priced outside us-east-1
here; whether CPU families follow the same regional premium is checked against the few
independent Infracost lines (`golden_errors`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

US_EAST_1 = "us-east-1"
MIN_TYPES = 5  # a factor needs this many types priced in both places
MIN_FAMILIES = 2  # … in this many families, so that leave-one-family-out can test it


@dataclass(frozen=True)
class RegionFactor:
    region: str
    factor: float
    types: int
    families: int
    loo_median_pct: float  # leave-one-family-out absolute % error, median
    loo_p90_pct: float  # … 90th percentile

    def to_json(self) -> dict[str, float | int | str]:
        return {
            "region": self.region,
            "factor": round(self.factor, 4),
            "types": self.types,
            "families": self.families,
            "loo_median_abs_pct": round(self.loo_median_pct, 2),
            "loo_p90_abs_pct": round(self.loo_p90_pct, 2),
        }


def _family(instance_type: pd.Series) -> pd.Series:
    return instance_type.str.split(".").str[0]


def fit_factors(listed: pd.DataFrame, exclude: tuple[str, ...] = ()) -> dict[str, RegionFactor]:
    """Per region, the median ratio to us-east-1 and its leave-one-family-out error.
    `listed` has instance_type, region, price (list prices, as aws_prices.listed_prices)."""
    base = listed.loc[listed["region"] == US_EAST_1].set_index("instance_type")["price"]
    others = listed[
        (listed["region"] != US_EAST_1) & ~listed["region"].isin(exclude) & listed["price"].notna()
    ]
    others = others.assign(base=others["instance_type"].map(base)).dropna(subset=["base"])
    others = others.assign(
        ratio=others["price"] / others["base"], family=_family(others["instance_type"])
    )
    out: dict[str, RegionFactor] = {}
    for region, group in others.groupby("region", sort=True):
        if len(group) < MIN_TYPES or group["family"].nunique() < MIN_FAMILIES:
            continue
        errors: list[float] = []
        for family in group["family"].unique():
            rest = group[group["family"] != family]
            if rest.empty:
                continue
            held = group[group["family"] == family]
            predicted = held["base"] * float(rest["ratio"].median())
            errors.extend((100.0 * (predicted / held["price"] - 1.0)).abs().tolist())
        err = np.array(errors)
        out[str(region)] = RegionFactor(
            str(region),
            float(group["ratio"].median()),
            len(group),
            int(group["family"].nunique()),
            float(np.median(err)),
            float(np.percentile(err, 90)),
        )
    return out


def estimated_offerings(
    listed_offerings: pd.DataFrame,
    us_east_1_prices: pd.DataFrame,
    specs: pd.DataFrame,
    regions: list[str],
    factors: dict[str, RegionFactor],
    source_date: str,
) -> pd.DataFrame:
    """Offering rows for every CPU-only type with a us-east-1 price, in every region of
    `regions` that has a factor and no listed row for the type."""
    # Only types known to be CPU-only: a type without a spec (g2, cr1) may carry a GPU.
    cpu = specs[~specs["accelerated"] & specs["vcpus"].notna()].set_index("instance_type")
    priced = us_east_1_prices.dropna(subset=["price"])
    priced = priced[priced["instance_type"].isin(cpu.index)]
    have = set(zip(listed_offerings["instance_type"], listed_offerings["region"], strict=True))
    rows = []
    for region in sorted(regions):
        fit = factors.get(region)
        if fit is None or region == US_EAST_1:
            continue
        note = (
            f"estimated: us-east-1 list × {fit.factor:.4f}, the median {region}/us-east-1 ratio "
            f"of {fit.types} accelerated types in {fit.families} families (leave-one-family-out "
            f"error median {fit.loo_median_pct:.1f} %, p90 {fit.loo_p90_pct:.1f} %)"
        )
        for itype, price in zip(priced["instance_type"], priced["price"], strict=True):
            if (itype, region) in have:
                continue
            rows.append((region, itype, float(price) * fit.factor, note))
    frame = pd.DataFrame(rows, columns=["region", "instance_type", "price", "note"])
    spec = cpu.reindex(frame["instance_type"])
    spec.index = frame.index
    source = (
        frame["note"]
        + "; us-east-1: Karpenter zz_generated.pricing_aws.go, regional factors: vantage copy"
        + "; specs: Karpenter instance-type table"
    )
    return pd.DataFrame(
        {
            "cloud": "aws",
            "region": frame["region"].astype("string"),
            "zone": pd.Series(pd.NA, index=frame.index, dtype="string"),
            "instance_type": frame["instance_type"].astype("string"),
            "gpu": pd.Series(pd.NA, index=frame.index, dtype="string"),
            "gpu_count": pd.Series(0, index=frame.index, dtype="Int64"),
            "gpu_fraction": pd.Series(pd.NA, index=frame.index, dtype="Float64"),
            "gpu_memory_gb": pd.Series(pd.NA, index=frame.index, dtype="Float64"),
            "vcpus": spec["vcpus"].astype("Float64"),
            "memory_gb": spec["memory_gb"].astype("Float64"),
            "arch": spec["arch"].astype("string"),
            "price_on_demand_usd_hr": frame["price"].round(6).astype("Float64"),
            "price_spot_usd_hr": pd.Series(pd.NA, index=frame.index, dtype="Float64"),
            "price_status": pd.Series("estimated", index=frame.index, dtype="string"),
            "source": source.astype("string"),
            "source_date": source_date,
        }
    )


def golden_errors(estimates: pd.DataFrame, goldens: pd.DataFrame) -> pd.DataFrame:
    """Estimate vs an independent list price (Infracost golden lines) per (type, region):
    columns instance_type, region, estimate, golden, error_pct."""
    keys = ["instance_type", "region"]
    est = estimates[[*keys, "price_on_demand_usd_hr"]].rename(
        columns={"price_on_demand_usd_hr": "estimate"}
    )
    gold = goldens[[*keys, "price_on_demand_usd_hr"]].rename(
        columns={"price_on_demand_usd_hr": "golden"}
    )
    both = est.merge(gold, on=keys).dropna()
    both["error_pct"] = 100.0 * (both["estimate"].astype(float) / both["golden"].astype(float) - 1)
    return both.reset_index(drop=True)
