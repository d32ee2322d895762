"""The unit_prices table: what is not an instance (storage, file systems, NAT, cluster fees).

`reference/unit_price_map.csv` maps each project key (cloud, service, product, unit; every
key in `schema.UNIT_PRICE_KEYS` and a few more) to where its price lives:
- `goldens`: Infracost golden-file lines (Terraform resource type, component, detail regex);
  rows carrying a sustained-use or GPU discount use the implied list price, noted;
- `storage`: `storage_prices.csv` (service, tier regex), converting per-GiB-hour prices × 730;
- `none`: known to exist, price not found: a row with an empty price and the reason.
Azure disks are billed per size tier: the tier's monthly price ÷ its size
(`reference/azure_disk_tiers.csv`) gives a per-GiB figure, noted as such.

Each priced key gets its source region's row and a '*' row repeating it with a note (the
sources price one region; others may differ). Tiered lines ("first 50TB", "next 450TB",
"over 500TB") become `tier_start` rows.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from cloudwright.errors import DataError
from optimizer.catalog import schema
from optimizer.catalog.build.sources import (
    SourceRef,
    describe,
    normalise_date,
    read_csv,
    reference_table,
    reference_value,
)

_TB_GB = 1024.0
_TIER = re.compile(r"^(first|next|over) (\d+)TB\b")


def tier_starts(details: list[str]) -> list[float | None]:
    """Tier start (GB) for each detail: 'first N TB' → 0, 'next M TB' → running total,
    'over K TB' → K; None for untiered lines."""
    cursor = 0.0
    out: list[float | None] = []
    for text in details:
        match = _TIER.match(text or "")
        if not match:
            out.append(None)
            continue
        kind, size = match.group(1), float(match.group(2)) * _TB_GB
        if kind == "first":
            out.append(0.0)
            cursor = size
        elif kind == "next":
            out.append(cursor)
            cursor += size
        else:
            out.append(size)
    return out


def tier_table(labels: list[str]) -> dict[str, float]:
    """Tier start (GB) per volume-tier label, whatever order the labels come in: 'first'
    first, then the 'next' tiers smallest first (as price lists stack them), then 'over'."""
    rank = {"first": 0, "next": 1, "over": 2}

    def key(label: str) -> tuple[int, float]:
        match = _TIER.match(label)
        if not match:
            raise DataError(f"not a volume-tier label: {label!r}")
        return rank[match.group(1)], float(match.group(2))

    ordered = sorted(set(labels), key=key)
    starts = tier_starts(ordered)
    return {label: float(start or 0.0) for label, start in zip(ordered, starts, strict=True)}


def _golden_rows(
    rule: dict[str, str], goldens: pd.DataFrame, ref: SourceRef
) -> list[dict[str, object]]:
    cloud_name = "google" if rule["cloud"] == "gcp" else rule["cloud"]
    hit = goldens[
        (goldens["cloud"] == cloud_name)
        & (goldens["terraform_resource_type"] == rule["match_a"])
        & (goldens["component"] == rule["match_b"])
    ]
    detail = hit["detail"].fillna("")
    if rule["detail_regex"] == "^$":
        hit = hit[detail == ""]
    elif rule["detail_regex"]:
        hit = hit[detail.str.contains(rule["detail_regex"], regex=True)]
    hit = hit.copy()
    hit["tier"] = tier_starts(hit["detail"].fillna("").tolist())
    rows = []
    for rec in hit.drop_duplicates(["region", "tier"]).to_dict("records"):
        price, notes = float(rec["unit_price_usd"]), [rule["notes"]]
        implied = rec.get("implied_list_price_usd")
        if isinstance(implied, str) and implied:
            price = float(implied)
            notes.append(f"implied list price (golden carries a discount: {rec.get('notes')})")
        price, note = _convert(price, rule["convert"])
        notes.append(note)
        rows.append(
            {
                "region": rec["region"],
                "usd_per_unit": price,
                "tier_start": rec["tier"],
                "notes": "; ".join(n for n in notes if n),
                "source": f"{ref.source}: {rec['golden_path'].split('/')[-1]}",
                "source_date": str(rec.get("price_line_last_changed") or ref.source_date)[:10],
            }
        )
    return rows


def _storage_rows(
    rule: dict[str, str], storage: pd.DataFrame, storage_ref: SourceRef
) -> list[dict[str, object]]:
    hit = storage[
        (storage["cloud"] == rule["cloud"])
        & (storage["service"] == rule["match_a"])
        & storage["tier"].str.contains(rule["match_b"], regex=True)
    ]
    rows = []
    for rec in hit.to_dict("records"):
        value = pd.to_numeric(rec["usd"], errors="coerce")
        price, note = _convert(float(value), rule["convert"])
        try:
            date = normalise_date(str(rec["source_date"]))
        except DataError:
            date = storage_ref.source_date  # "not shown": the file's own date
        rows.append(
            {
                "region": str(rec["region"]).split()[0],
                "usd_per_unit": price,
                "tier_start": None,
                "notes": "; ".join(
                    n for n in (rule["notes"], note, str(rec.get("notes") or "")) if n
                ),
                "source": str(rec["source"]),
                "source_date": date,
            }
        )
    return rows


def _convert(price: float, how: str) -> tuple[float, str]:
    if not how or np.isnan(price):
        return price, ""
    hours = reference_value("coefficients_published", "hours_per_month")
    if how == "x730":
        return round(price * hours, 6), f"per-hour price × {hours:g} h"
    if how.startswith("disk_tier:"):
        tiers = reference_table("azure_disk_tiers")
        wanted = tiers.loc[tiers["tier"] == how.split(":", 1)[1], "size_gib"].astype(float)
        if wanted.empty:
            raise DataError(f"azure_disk_tiers.csv has no tier {how!r}")
        size = float(wanted.iloc[0])
        return round(price / size, 6), f"tier price {price:g}/month ÷ {size:g} GiB"
    raise DataError(f"unit_price_map.csv: unknown conversion {how!r}")


def build_unit_prices(goldens_csv: Path, storage_csv: Path) -> tuple[pd.DataFrame, list[SourceRef]]:
    goldens = read_csv(goldens_csv, dtype=str, keep_default_na=False, na_values=[""])
    storage = read_csv(storage_csv, dtype=str, keep_default_na=False)
    gref, sref = describe(goldens_csv), describe(storage_csv)
    rules = reference_table("unit_price_map").fillna("").astype(str)
    out: list[dict[str, object]] = []
    for record in rules.to_dict("records"):
        rule = {str(k): str(v) for k, v in record.items()}
        key = {k: rule[k] for k in ("cloud", "service", "product", "unit")}
        if rule["origin"] == "goldens":
            found = _golden_rows(rule, goldens, gref)
        elif rule["origin"] == "storage":
            found = _storage_rows(rule, storage, sref)
        else:
            found = []
        out.extend({**key, **row} for row in found)
    frame = pd.DataFrame(out)
    frame = _with_defaults(frame, rules)
    frame = frame.sort_values(
        ["cloud", "service", "product", "region", "tier_start"], na_position="first"
    )
    return schema.coerce_table("unit_prices", frame.reset_index(drop=True)), [gref, sref]


def _with_defaults(frame: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """A '*' row per key: the first priced region's rows (noted), or an unknown price."""
    keys = ["cloud", "service", "product", "unit"]
    extra = []
    for rule in rules.drop_duplicates(keys).to_dict("records"):
        mine = (
            frame[(frame[keys] == pd.Series({k: rule[k] for k in keys})).all(axis=1)]
            if not frame.empty
            else frame
        )
        priced = mine[mine["usd_per_unit"].notna()] if not mine.empty else mine
        if priced.empty:
            extra.append(
                {
                    **{k: rule[k] for k in keys},
                    "region": "*",
                    "usd_per_unit": np.nan,
                    "tier_start": None,
                    "notes": f"price not found: {rule['notes'] or 'not in the sources'}",
                    "source": "reference/unit_price_map.csv (project): searched the sources listed in the manifest",
                    "source_date": "2026-05",
                }
            )
            continue
        region = sorted(priced["region"].unique())[0]
        for rec in priced[priced["region"] == region].to_dict("records"):
            note = f"{region} price used for every region (the sources price no other); other regions may differ"
            extra.append(
                {**rec, "region": "*", "notes": "; ".join(n for n in (rec["notes"], note) if n)}
            )
    return pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)
