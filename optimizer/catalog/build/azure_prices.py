"""Azure offerings: the anycloud copy (`azure/vms.csv`) as primary, Azure's Retail Prices API
as extracted by Karpenter (`azure_karpenter_prices.csv.gz`) as cross-check and gap filler.

- every (size, region) of the copy keeps its price (`list`: its Linux prices match
  Infracost's Linux lines); Karpenter's figure for the same pair, where it differs by more than
  `ALT_PRICE_TOLERANCE`, becomes `price_alt_usd_hr` (a 'cross-check:' note);
- a (size, region) only Karpenter has is added (`secondary`, no spot: Karpenter has none)
  when the size's specs are known from the copy's other regions; a size the copy never lists
  is left out (its GPU, vCPUs and memory would be unknown, and a GPU size would pass for a
  CPU one);
- Karpenter rows that are not VM sizes (`dedicated-host`, `other`) are skipped, and so are its
  gap rows for the families whose Karpenter price is the Windows price (Das_v5, Dads_v5,
  Eas_v5, Eads_v5 incl. constrained-vCPU sizes, B-series v2: +0.046 USD per vCPU-hour over the
  Linux price where both exist; reference README): those prices are not Linux list prices.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from cloudwright.optimizer.catalog.build.cross_source import with_alt_price
from cloudwright.optimizer.catalog.build.skypilot import azure_offerings
from cloudwright.optimizer.catalog.build.sources import SourceRef, read_csv

WINDOWS_PRICED = re.compile(r"^Standard_(?:[DE]\d+(?:-\d+)?ad?s_v5|B\d+[a-z]*_v2)$")


def read_karpenter(path: Path) -> tuple[pd.DataFrame, SourceRef]:
    raw = read_csv(path, dtype={"arm_sku_name": "string", "region": "string"})
    raw = raw[raw["sku_kind"] == "vm"]
    ref = SourceRef(str(raw["source"].iloc[0]), str(raw["source_date"].iloc[0]))
    frame = pd.DataFrame(
        {
            "instance_type": raw["arm_sku_name"],
            "region": raw["region"],
            "price": pd.to_numeric(raw["usd_per_hour"], errors="coerce"),
            "source": raw["source"].astype("string"),
            "source_date": raw["source_date"].astype("string"),
        }
    )
    return frame.drop_duplicates(["instance_type", "region"]).reset_index(drop=True), ref


def azure_catalog_offerings(
    skypilot_dir: Path, karpenter_csv: Path
) -> tuple[pd.DataFrame, list[SourceRef], dict[str, int]]:
    """Azure offerings, their sources, and counts for the docs (pairs compared, disagreeing,
    Windows-priced, gap rows added / skipped)."""
    primary, refs = azure_offerings(skypilot_dir)
    primary = primary[primary["instance_type"].notna() & primary["region"].notna()]
    primary = primary.assign(
        price_status=pd.Series(
            np.where(primary["price_on_demand_usd_hr"].isna(), "unknown", "list"),
            index=primary.index,
            dtype="string",
        )
    )
    karpenter, ref = read_karpenter(karpenter_csv)
    keys = ["instance_type", "region"]
    alt = karpenter.set_index(keys)
    looked = alt.reindex(pd.MultiIndex.from_frame(primary[keys]))
    alt_source = (looked["source"] + " (" + looked["source_date"] + ")").to_numpy(dtype=object)
    primary = with_alt_price(primary, looked["price"].to_numpy(dtype=float), alt_source)
    counts = {
        "azure_pairs_compared": int(looked["price"].notna().sum()),
        "azure_pairs_disagree": int(primary["price_alt_usd_hr"].notna().sum()),
        "azure_pairs_disagree_windows_families": int(
            (
                primary["price_alt_usd_hr"].notna()
                & primary["instance_type"].str.match(WINDOWS_PRICED.pattern)
            ).sum()
        ),
    }
    gaps = karpenter[
        ~pd.MultiIndex.from_frame(karpenter[keys]).isin(pd.MultiIndex.from_frame(primary[keys]))
    ]
    windows = gaps["instance_type"].str.match(WINDOWS_PRICED.pattern).fillna(False)
    specs = primary.drop_duplicates("instance_type").set_index("instance_type")
    known = gaps["instance_type"].isin(specs.index)
    added = gaps[known & ~windows]
    counts.update(
        azure_gap_rows_added=len(added),
        azure_gap_rows_windows_priced_skipped=int((known & windows).sum()),
        azure_gap_rows_unknown_size_skipped=int((~known).sum()),
    )
    spec = specs.reindex(added["instance_type"])
    spec.index = added.index
    fill = pd.DataFrame(
        {
            "cloud": "azure",
            "region": added["region"].astype("string"),
            "zone": pd.Series(pd.NA, index=added.index, dtype="string"),
            "instance_type": added["instance_type"].astype("string"),
            **{
                c: spec[c]
                for c in (
                    "gpu",
                    "gpu_count",
                    "gpu_fraction",
                    "gpu_memory_gb",
                    "vcpus",
                    "memory_gb",
                    "arch",
                )
            },
            "price_on_demand_usd_hr": added["price"].astype("Float64"),
            "price_spot_usd_hr": pd.Series(pd.NA, index=added.index, dtype="Float64"),
            "price_status": pd.Series("secondary", index=added.index, dtype="string"),
            "source": added["source"]
            + "; specs: "
            + spec["source"].astype("string")
            + " (same size, other regions)",
            "source_date": added["source_date"],
        }
    )
    return pd.concat([primary, fill], ignore_index=True), [*refs, ref], counts
