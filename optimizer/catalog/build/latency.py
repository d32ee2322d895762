"""The latency table: measured round-trip times between regions.

Sources (one row per unordered pair and source; directional figures are averaged):
- AWS: cloudping p50 over a year (`aws_cloudping_p50_1Y_long.csv`);
- GCP: Google's Performance Dashboard medians (`gcp_inter_region_median_rtt_ms_*_long.csv`);
- Azure: Microsoft's monthly p50 table by short code (`azure_p50_rtt_ms_*_long.csv`) mapped to
  region names through `azure_code_mapping_inferred.csv`; every Azure row's source says the
  mapping is inferred (and how confidently); codes the mapping cannot name are left out;
- cross-cloud: skyplane's VM-to-VM ping (average RTT), PREMIUM network tier on both ends only,
  pairs across clouds only (each cloud's own table is preferred within a cloud).

Pairs whose regions have no coordinates in the regions table are kept (they are measured
facts) but the fit in `latency_fit.py` can only use pairs with coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cloudwright.optimizer.catalog import schema
from cloudwright.optimizer.catalog.build.sources import SourceRef, describe, read_csv


@dataclass(frozen=True)
class LatencyInputs:
    aws_long: Path
    gcp_long: Path
    azure_long: Path
    azure_mapping: Path
    skyplane_ping: Path


def _pairs(frame: pd.DataFrame, cloud_a: str, cloud_b: str, source: str, date: str) -> pd.DataFrame:
    """src/dst/rtt → one row per unordered pair (mean of both directions)."""
    a, b = frame["src"].astype(str), frame["dst"].astype(str)
    ka = cloud_a + ":" + a
    kb = cloud_b + ":" + b
    swap = ka > kb
    first = ka.where(~swap, kb)
    second = kb.where(~swap, ka)
    grouped = (
        pd.DataFrame({"first": first, "second": second, "rtt": frame["rtt"].astype(float)})
        .groupby(["first", "second"], as_index=False)["rtt"]
        .mean()
    )
    split_a = grouped["first"].str.split(":", n=1, expand=True)
    split_b = grouped["second"].str.split(":", n=1, expand=True)
    return pd.DataFrame(
        {
            "cloud_a": split_a[0],
            "region_a": split_a[1],
            "cloud_b": split_b[0],
            "region_b": split_b[1],
            "rtt_ms": grouped["rtt"].round(3),
            "source": source,
            "source_date": date,
        }
    )


def aws_latency(path: Path) -> tuple[pd.DataFrame, SourceRef]:
    raw = read_csv(path)
    ref = describe(path)
    frame = raw.rename(columns={"src_region": "src", "dst_region": "dst", "p50_rtt_ms": "rtt"})
    return _pairs(frame, "aws", "aws", f"{ref.source} (p50)", ref.source_date), ref


def gcp_latency(path: Path) -> tuple[pd.DataFrame, SourceRef]:
    raw = read_csv(path)
    ref = describe(path)
    frame = raw.rename(columns={"src_region": "src", "dst_region": "dst", "median_rtt_ms": "rtt"})
    return _pairs(frame, "gcp", "gcp", f"{ref.source} (median)", ref.source_date), ref


def azure_latency(path: Path, mapping_path: Path) -> tuple[pd.DataFrame, SourceRef]:
    raw = read_csv(path, dtype={"src_code": str, "dst_code": str})
    ref = describe(path)
    mapping = read_csv(mapping_path, dtype=str)
    known = mapping[~mapping["mapping_confidence"].str.startswith("unknown")]
    slug = dict(zip(known["source_code"], known["azure_region_slug"], strict=True))
    confidence = dict(zip(known["source_code"], known["mapping_confidence"], strict=True))
    usable = raw[raw["src_code"].isin(slug) & raw["dst_code"].isin(slug)]
    frame = pd.DataFrame(
        {
            "src": usable["src_code"].map(slug),
            "dst": usable["dst_code"].map(slug),
            "rtt": usable["rtt_ms"],
        }
    )
    pairs = _pairs(frame, "azure", "azure", "", ref.source_date)
    code_of = {v: k for k, v in slug.items()}
    pairs["source"] = [
        f"{ref.source} (p50; code→region mapping inferred: "
        f"{confidence[code_of[a]].split('(')[0]} / {confidence[code_of[b]].split('(')[0]})"
        for a, b in zip(pairs["region_a"], pairs["region_b"], strict=True)
    ]
    return pairs, ref


def skyplane_latency(path: Path) -> tuple[pd.DataFrame, SourceRef]:
    raw = read_csv(path)
    ref = describe(path)
    premium = raw[(raw["src_tier"] == "PREMIUM") & (raw["dst_tier"] == "PREMIUM")]
    src = premium["src_region"].str.split(":", n=1, expand=True)
    dst = premium["dst_region"].str.split(":", n=1, expand=True)
    cross = src[0] != dst[0]
    # skyplane names GCP zones (europe-west6-a); the region is the zone without its suffix.
    strip = r"^((?:[a-z]+-)+[a-z]+\d+)-[a-z]$"
    rows = []
    for cloud_a in schema.CLOUDS:
        for cloud_b in schema.CLOUDS:
            pick = cross & (src[0] == cloud_a) & (dst[0] == cloud_b)
            if not pick.any():
                continue
            frame = pd.DataFrame(
                {
                    "src": src.loc[pick, 1].str.replace(strip, r"\1", regex=True),
                    "dst": dst.loc[pick, 1].str.replace(strip, r"\1", regex=True),
                    "rtt": premium.loc[pick, "avg_rtt"],
                }
            )
            rows.append(
                _pairs(
                    frame,
                    cloud_a,
                    cloud_b,
                    f"{ref.source} (avg of ping, PREMIUM tier)",
                    ref.source_date,
                )
            )
    combined = pd.concat(rows, ignore_index=True)
    combined = combined.groupby(["cloud_a", "region_a", "cloud_b", "region_b"], as_index=False).agg(
        rtt_ms=("rtt_ms", "mean"), source=("source", "first"), source_date=("source_date", "first")
    )
    combined["rtt_ms"] = combined["rtt_ms"].round(3)
    return combined, ref


def build_latency(inputs: LatencyInputs) -> tuple[pd.DataFrame, list[SourceRef]]:
    parts, refs = [], []
    for frame, ref in (
        aws_latency(inputs.aws_long),
        gcp_latency(inputs.gcp_long),
        azure_latency(inputs.azure_long, inputs.azure_mapping),
        skyplane_latency(inputs.skyplane_ping),
    ):
        parts.append(frame)
        refs.append(ref)
    table = pd.concat(parts, ignore_index=True)
    table = table.sort_values(["cloud_a", "region_a", "cloud_b", "region_b"]).reset_index(drop=True)
    return schema.coerce_table("latency", table), refs
