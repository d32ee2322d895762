"""The offerings table: every instance type the three clouds sell, where, at what price.

Combines the SkyPilot-format catalogs (GPU and CPU shapes of all three clouds), AWS CPU
shapes from Infracost goldens, the GPU fabric table and the price-sanity pass, and returns a
frame in exactly `schema.TABLES["offerings"]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cloudwright.core.errors import DataError
from cloudwright.optimizer.catalog import schema
from cloudwright.optimizer.catalog.build.aws_cpu import aws_cpu_offerings
from cloudwright.optimizer.catalog.build.fabric import apply_fabrics, read_fabrics
from cloudwright.optimizer.catalog.build.price_sanity import SanityRules, flag_prices
from cloudwright.optimizer.catalog.build.skypilot import (
    aws_offerings,
    azure_offerings,
    gcp_offerings,
)
from cloudwright.optimizer.catalog.build.sources import REFERENCE_DIR, SourceRef
from cloudwright.optimizer.catalog.zones import zone_kind


@dataclass(frozen=True)
class OfferingInputs:
    skypilot_dir: Path  # holds aws/, gcp/, azure/ with vms*.csv
    interconnect: Path  # interconnect.csv
    aws_cpu_goldens: Path | None  # Infracost goldens CSV (None: no AWS CPU shapes)


def build_offerings(
    inputs: OfferingInputs, snapshot_date: str, rules: SanityRules | None = None
) -> tuple[pd.DataFrame, list[SourceRef]]:
    """The offerings table and the sources it was built from."""
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
    combined = pd.concat(parts, ignore_index=True)
    combined = combined[combined["instance_type"].notna() & combined["region"].notna()]
    listed, fabric_ref = read_fabrics(inputs.interconnect)
    extra, extra_ref = read_fabrics(REFERENCE_DIR / "interconnect_supplement.csv")
    # The project's supplement covers types the interconnect file lacks; it never overrides.
    extra = extra[~extra["instance_type"].isin(listed["instance_type"].dropna())]
    fabrics = pd.concat([listed, extra], ignore_index=True)
    refs.extend([fabric_ref, extra_ref])
    combined = apply_fabrics(combined, _with_variants(fabrics, combined))
    combined["zone_kind"] = zone_kinds(combined)
    combined["price_flag"] = flag_prices(combined, rules)
    combined["snapshot_date"] = snapshot_date
    ordered = combined.sort_values(
        ["cloud", "region", "instance_type", "zone"], na_position="first", kind="stable"
    ).drop_duplicates(["cloud", "region", "zone", "instance_type"])
    return schema.coerce_table("offerings", ordered.reset_index(drop=True)), refs


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
