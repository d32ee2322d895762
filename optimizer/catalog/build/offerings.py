"""The offerings table: every instance type the three clouds sell, where, at what price.

With `OfferingInputs.prices` (a reference set laid out like ../shared/data): each cloud from
its best public source (`aws_prices`, `gcp_calculator`, `azure_prices`; docs/catalog.md,
"Which source wins"). Without it: the SkyPilot-format catalogs alone, plus AWS CPU shapes
from Infracost goldens. Then the GPU fabric table, zone kinds, the price-sanity pass and the
final `price_status` of every row; the frame is exactly `schema.TABLES["offerings"]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cloudwright.core.errors import DataError
from cloudwright.optimizer.catalog import schema
from cloudwright.optimizer.catalog.build.accelerators import (
    AcceleratorInputs,
    aws_unlisted,
    tpu_offerings,
)
from cloudwright.optimizer.catalog.build.aws_cpu import aws_cpu_offerings
from cloudwright.optimizer.catalog.build.aws_prices import (
    AwsInputs,
    aws_catalog_offerings,
    offering_frame,
    read_specs,
)
from cloudwright.optimizer.catalog.build.azure_prices import azure_catalog_offerings
from cloudwright.optimizer.catalog.build.fabric import apply_fabrics, read_fabrics
from cloudwright.optimizer.catalog.build.gcp_calculator import gcp_calculator_offerings
from cloudwright.optimizer.catalog.build.price_sanity import SanityRules, flag_prices
from cloudwright.optimizer.catalog.build.skypilot import (
    aws_offerings,
    azure_offerings,
    gcp_offerings,
)
from cloudwright.optimizer.catalog.build.sources import REFERENCE_DIR, SourceRef
from cloudwright.optimizer.catalog.flags import doubtful_price
from cloudwright.optimizer.catalog.zones import zone_kind


@dataclass(frozen=True)
class PriceInputs:
    """The per-cloud price sources of a reference set (paths inside it)."""

    aws: AwsInputs
    gcp_calculator: Path  # prices/gcp_calculator/machine_types.csv
    azure_karpenter: Path  # prices/azure_karpenter_prices.csv.gz
    aws_regions: tuple[str, ...]  # regions AWS offers (the regions table)
    accelerators: AcceleratorInputs | None = None  # accelerators/ (TPU slices, trn2 zones)


@dataclass(frozen=True)
class OfferingInputs:
    skypilot_dir: Path  # holds aws/, gcp/, azure/ with vms*.csv
    interconnect: Path  # interconnect.csv
    aws_cpu_goldens: Path | None  # Infracost goldens CSV (None: no AWS CPU shapes)
    prices: PriceInputs | None = None  # None: the SkyPilot-format catalogs alone


def build_offerings(
    inputs: OfferingInputs, snapshot_date: str, rules: SanityRules | None = None
) -> tuple[pd.DataFrame, list[SourceRef], dict[str, Any]]:
    """The offerings table, the sources it was built from, and build facts for the
    manifest (AWS regional factors and their errors, cross-check counts)."""
    if inputs.prices is not None:
        parts, refs, facts = _best_sources(inputs, inputs.prices)
    else:
        parts, refs, facts = _skypilot_only(inputs)
    combined = pd.concat(parts, ignore_index=True)
    combined = combined[combined["instance_type"].notna() & combined["region"].notna()]
    # Rows whose builder set the fabric (TPU slices: ICI) keep it; the rest get the file's.
    preset = (
        combined["interconnect"].notna()
        if "interconnect" in combined
        else pd.Series(False, index=combined.index)
    )
    fixed = combined[preset]
    combined = combined[~preset].drop(columns=["interconnect"], errors="ignore")
    combined = combined.drop(columns=["interconnect_nics", "interconnect_gbps"], errors="ignore")
    listed, fabric_ref = read_fabrics(inputs.interconnect)
    extra, extra_ref = read_fabrics(REFERENCE_DIR / "interconnect_supplement.csv")
    # The project's supplement covers types the interconnect file lacks; it never overrides.
    extra = extra[~extra["instance_type"].isin(listed["instance_type"].dropna())]
    fabrics = pd.concat([listed, extra], ignore_index=True)
    refs.extend([fabric_ref, extra_ref])
    combined = apply_fabrics(combined, _with_variants(fabrics, combined))
    combined = pd.concat([combined, fixed], ignore_index=True) if len(fixed) else combined
    combined["zone_kind"] = zone_kinds(combined)
    combined["price_flag"] = flag_prices(combined, rules)
    combined["price_status"] = price_statuses(combined)
    combined["snapshot_date"] = snapshot_date
    ordered = combined.sort_values(
        ["cloud", "region", "instance_type", "zone"], na_position="first", kind="stable"
    ).drop_duplicates(["cloud", "region", "zone", "instance_type"])
    facts["price_status_counts"] = _status_counts(ordered)
    return schema.coerce_table("offerings", ordered.reset_index(drop=True)), refs, facts


def _skypilot_only(
    inputs: OfferingInputs,
) -> tuple[list[pd.DataFrame], list[SourceRef], dict[str, Any]]:
    refs: list[SourceRef] = []
    parts = []
    for reader in (aws_offerings, gcp_offerings, azure_offerings):
        frame, used = reader(inputs.skypilot_dir)
        parts.append(frame)
        refs.extend(used)
    if inputs.aws_cpu_goldens is not None:
        cpu, ref = aws_cpu_offerings(inputs.aws_cpu_goldens)
        known = set(parts[0]["instance_type"].dropna())
        parts.append(cpu[~cpu["instance_type"].isin(known)])
        refs.append(ref)
    return parts, refs, {}


def _best_sources(
    inputs: OfferingInputs, prices: PriceInputs
) -> tuple[list[pd.DataFrame], list[SourceRef], dict[str, Any]]:
    aws = aws_catalog_offerings(prices.aws, inputs.aws_cpu_goldens, list(prices.aws_regions))
    gcp, gcp_refs = gcp_calculator_offerings(prices.gcp_calculator, inputs.skypilot_dir)
    azure, azure_refs, counts = azure_catalog_offerings(inputs.skypilot_dir, prices.azure_karpenter)
    extra: dict[str, Any] = {
        "aws_regional_factors": [f.to_json() for f in aws.factors.values()],
        "aws_estimate_vs_infracost": [
            {k: (round(v, 4) if isinstance(v, float) else v) for k, v in rec.items()}
            for rec in aws.golden_check.to_dict("records")
        ],
        "cross_checks": counts,
    }
    parts, refs = [aws.offerings, gcp, azure], [*aws.refs, *gcp_refs, *azure_refs]
    if prices.accelerators is not None:
        tpu, tpu_ref = tpu_offerings(prices.accelerators)
        unlisted = aws_unlisted(prices.accelerators, aws.offerings)
        specs = read_specs(prices.aws.specs).set_index("instance_type")
        rows = unlisted.rename(
            columns={"price_on_demand_usd_hr": "price", "price_spot_usd_hr": "spot"}
        ).assign(ri_1y=np.nan, ri_3y=np.nan, commit_source=None, vcpus=np.nan, memory_gb=np.nan)
        aws_rows = offering_frame(rows, specs)
        # As for the listed types: no spec (trn2.3xlarge), no row; its accelerator is unknown.
        parts += [tpu, aws_rows[aws_rows["vcpus"].notna()]]
        refs.append(tpu_ref)
        extra["accelerator_rows"] = {"gcp_tpu": len(tpu), "aws_unlisted": len(unlisted)}
    return parts, refs, extra


def price_statuses(offerings: pd.DataFrame) -> pd.Series:
    """Each row's final `price_status`: unknown without a price; a builder's `estimated`
    stays; a price the flags put in doubt is `doubtful`; otherwise the builder's status
    (list when the builder set none)."""
    given = (
        offerings["price_status"].astype("string")
        if "price_status" in offerings
        else pd.Series(pd.NA, index=offerings.index, dtype="string")
    )
    doubt = pd.Series(
        [doubtful_price(f if isinstance(f, str) else None)[0] for f in offerings["price_flag"]],
        index=offerings.index,
    )
    status = given.fillna("list")
    status = status.where(~(doubt & status.isin(["list", "secondary"])), "doubtful")
    status = status.where(offerings["price_on_demand_usd_hr"].notna(), "unknown")
    bad = set(status.dropna()) - set(schema.PRICE_STATUSES)
    bad |= set(offerings["arch"].dropna()) - set(schema.ARCHES)
    if bad:
        raise DataError(f"offerings: values outside the schema's vocabulary: {sorted(bad)}")
    return status.astype("string")


def _status_counts(offerings: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Region-level (cloud, region, type) counts per cloud and status."""
    regional = offerings.drop_duplicates(["cloud", "region", "instance_type"])
    table = regional.groupby(["cloud", "price_status"]).size().reset_index(name="n")
    out: dict[str, dict[str, int]] = {}
    for cloud, status, n in table.itertuples(index=False):
        out.setdefault(str(cloud), {})[str(status)] = int(n)
    return out


def _with_variants(fabrics: pd.DataFrame, offerings: pd.DataFrame) -> pd.DataFrame:
    """GCP's '-nolssd' machine types are the listed type without local SSD: same fabric."""
    base = fabrics.dropna(subset=["instance_type"]).set_index(["cloud", "instance_type"])
    extra = []
    for name in offerings.loc[offerings["cloud"] == "gcp", "instance_type"].dropna().unique():
        stem = str(name).removesuffix("-nolssd")
        if stem != name and ("gcp", stem) in base.index and ("gcp", name) not in base.index:
            row = base.loc[[("gcp", stem)]].iloc[0].to_dict()
            extra.append({"cloud": "gcp", "instance_type": name, **row})
    return pd.concat([fabrics, pd.DataFrame(extra)], ignore_index=True) if extra else fabrics


def zone_kinds(offerings: pd.DataFrame) -> pd.Series:
    """Each row's zone kind (availability, Local or Wavelength zone); a zone whose ID has no
    documented shape stops the build instead of being guessed."""
    pairs = offerings[["cloud", "zone"]].dropna().drop_duplicates()
    kinds = {(c, z): zone_kind(str(c), str(z)) for c, z in pairs.itertuples(index=False)}
    unknown = sorted(f"{c}:{z}" for (c, z), kind in kinds.items() if kind is None)
    if unknown:
        raise DataError(
            f"zone IDs of no known shape: {', '.join(unknown[:10])}",
            hint="teach optimizer/catalog/zones.py the provider's zone ID format",
        )
    values = [
        kinds.get((c, z)) if isinstance(z, str) else None
        for c, z in zip(offerings["cloud"], offerings["zone"], strict=True)
    ]
    return pd.Series(values, index=offerings.index, dtype="string")
