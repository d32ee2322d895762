"""Price sanity: corrections backed by a better public fact, and flags on doubtful prices.

Policy (see docs/catalog.md, "Price flags"):
- correct only where `reference/price_corrections.csv` names the better fact and its source;
  a corrected row says so in `price_flag` and names the extra source in `source`;
- flag, never drop and never guess: a price far from its peers (the same instance type in the
  cloud's other regions), a spot price within 5 % of on-demand, a host VM listed at $0, a
  price the source lacks (left empty), and a GPU part repeated as one low value across many
  regions (a placeholder the median cannot catch when it fills most regions);
- every threshold lives in `SanityRules` (a parameter, not a magic number in the code path).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cloudwright.optimizer.catalog.build.sources import reference_table


@dataclass(frozen=True)
class SanityRules:
    low_ratio: float = 0.5  # below half the peers' median: flagged as a low outlier
    high_ratio: float = 2.0  # above twice the peers' median: flagged as a high outlier
    min_peers: int = 3  # regions needed before "peers" means anything
    spot_close: float = 0.95  # spot at or above 95 % of on-demand
    repeated_regions: int = 3  # a GPU part repeated in this many regions may be a placeholder


def correct_gcp_accelerators(accel: pd.DataFrame) -> pd.DataFrame:
    """Apply `price_corrections.csv` rows for GCP accelerators (per-GPU hourly prices) to the
    accelerator rows (columns Region, AcceleratorName, AcceleratorCount, Price). Adds
    `correction` (why) and `correction_source` columns, empty where nothing changed."""
    out = accel.copy()
    out["correction"] = pd.Series(pd.NA, index=out.index, dtype="string")
    out["correction_source"] = pd.Series(pd.NA, index=out.index, dtype="string")
    table = reference_table("price_corrections")
    rows = table[(table["cloud"] == "gcp") & table["item"].str.startswith("accelerator:")]
    for rec in rows.to_dict("records"):
        if rec["column"] != "price_on_demand_usd_hr":
            continue
        name = str(rec["item"]).split(":", 1)[1]
        hit = (out["Region"] == rec["region"]) & (out["AcceleratorName"] == name)
        count = pd.to_numeric(out.loc[hit, "AcceleratorCount"])
        was = pd.to_numeric(out.loc[hit, "Price"])
        out.loc[hit, "Price"] = count * float(rec["usd_per_unit_hr"])
        out.loc[hit, "correction"] = [
            f"corrected: GPU part {w:.4f} → {c * float(rec['usd_per_unit_hr']):.4f} $/h "
            f"({int(c)} GPUs) from {rec['summary']}"
            for w, c in zip(was, count, strict=True)
        ]
        out.loc[hit, "correction_source"] = f"{rec['source']} ({rec['source_date']})"
    return out


def _append(flags: pd.Series, mask: pd.Series, text: pd.Series | str) -> pd.Series:
    """Append `text` to the flag of rows in `mask` ('; ' between several flags)."""
    addition = text if isinstance(text, pd.Series) else pd.Series(text, index=flags.index)
    joined = (flags.fillna("") + "; " + addition.astype("string")).str.lstrip("; ")
    return flags.where(~mask.fillna(False), joined)


def flag_prices(offerings: pd.DataFrame, rules: SanityRules | None = None) -> pd.Series:
    """A `price_flag` value per row (NA where the price looks sound)."""
    rules = rules or SanityRules()
    frame = offerings
    flags = (
        frame["price_flag"].astype("string")
        if "price_flag" in frame
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    on_demand = frame["price_on_demand_usd_hr"].astype("Float64")
    spot = frame["price_spot_usd_hr"].astype("Float64")
    flags = _append(flags, on_demand.isna(), "on-demand price unknown (not in the source)")
    if "host_price_usd_hr" in frame:
        zero_host = (frame["host_price_usd_hr"] == 0) & frame["gpu"].notna()
        flags = _append(
            flags, zero_host, "host VM listed at $0 in the source; price is the GPU row alone"
        )
    close = spot.notna() & on_demand.notna() & (spot >= rules.spot_close * on_demand)
    flags = _append(flags, close, "spot within 5 % of on-demand (doubtful spot price)")
    placeholders = (
        _repeated_gpu_parts(frame, rules)
        if "gpu_price_usd_hr" in frame
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    # Peers are the regions whose price is not itself a suspected placeholder.
    peer_rows = frame[placeholders.isna()]
    region_price = peer_rows.groupby(["cloud", "instance_type", "region"], dropna=False)[
        "price_on_demand_usd_hr"
    ].transform("median")
    per_region = (
        peer_rows.assign(region_price=region_price)
        .drop_duplicates(["cloud", "instance_type", "region"])
        .groupby(["cloud", "instance_type"])["region_price"]
    )
    peers = frame[["cloud", "instance_type"]].merge(
        pd.DataFrame({"median": per_region.median(), "n": per_region.count()}),
        left_on=["cloud", "instance_type"],
        right_index=True,
        how="left",
    )
    peers.index = frame.index
    enough = (peers["n"] >= rules.min_peers) & placeholders.isna()
    ratio = on_demand / peers["median"].astype("Float64")
    text = (
        ratio.round(2).astype("string")
        + "× the median of "
        + peers["n"].astype("string")
        + " regions"
    )
    flags = _append(flags, enough & (ratio < rules.low_ratio), "low outlier: " + text)
    flags = _append(flags, enough & (ratio > rules.high_ratio), "high outlier: " + text)
    flags = _append(flags, placeholders.notna(), placeholders)
    return flags.mask(flags == "").astype("string")


def _repeated_gpu_parts(frame: pd.DataFrame, rules: SanityRules) -> pd.Series:
    """A note for each row whose GPU part (GCP: the accelerator row added to the host) carries
    the same value in `repeated_regions`+ regions while the type's other regions price it at
    more than twice that (NA elsewhere). One low value copied across many regions looks like a placeholder, and because it can
    fill most regions the peer median above does not see it (the source's A3 Mega GPU row is
    35.39 $/h in 8 regions and 82.75–107.58 $/h in the others)."""
    gpu_part = frame["gpu_price_usd_hr"].astype("Float64").round(4)
    keyed = frame[["cloud", "instance_type", "region"]].assign(part=gpu_part)
    per_region = keyed.dropna(subset=["part"]).drop_duplicates(["cloud", "instance_type", "region"])
    suspicious: dict[tuple[str, str, float], str] = {}
    for (cloud, itype), group in per_region.groupby(["cloud", "instance_type"]):
        counts = group["part"].value_counts()
        for raw, n in counts.items():
            value = float(str(raw))
            others = group.loc[group["part"] != value, "part"]
            if n < rules.repeated_regions or len(others) < rules.min_peers:
                continue
            median = float(others.median())
            if value < rules.low_ratio * median:
                suspicious[(str(cloud), str(itype), value)] = (
                    f"GPU part {value:.2f} $/h repeated in {n} regions, "
                    f"{value / median:.2f}× the other {len(others)} regions' median "
                    f"{median:.2f} $/h (looks like a placeholder)"
                )
    return pd.Series(
        [
            suspicious.get((str(c), str(t), float(p))) if pd.notna(p) else None
            for c, t, p in zip(keyed["cloud"], keyed["instance_type"], keyed["part"], strict=True)
        ],
        index=frame.index,
        dtype="string",
    )
