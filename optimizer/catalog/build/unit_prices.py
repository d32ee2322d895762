"""The unit_prices table: what is not an instance (storage, file systems, NAT, cluster fees).

`reference/unit_price_map.csv` maps each project key (cloud, service, product, unit; every
key in `schema.UNIT_PRICE_KEYS` and a few more) to where its price lives (`region`, when set,
keeps only that region's lines):
- `goldens`: Infracost golden-file lines (Terraform resource type, component, detail regex);
  rows carrying a sustained-use or GPU discount use the implied list price, noted;
- `storage`: `storage_prices.csv` (service, tier regex), converting per-GiB-hour prices × 730;
  `detail_regex` picks the value when a row holds several: `#i` is the i-th of the
  " / "-separated figures ("0.14 / 0.19 / 0.29"), `notes:<regex>` the number the regex's group
  captures in the row's notes ("Nearline 0.010");
- `none`: known to exist, price not found: a row with an empty price and the reason.
Azure disks are billed per size tier: the tier's monthly price ÷ its size
(`reference/azure_disk_tiers.csv`) gives a per-GiB figure, noted as such; `per10` turns a
price per 10,000 operations into one per 1,000 requests.

Each priced key gets its source region's rows and a '*' row repeating one region's with a note
(the sources price few regions; others may differ): the `default` column names that region
(empty: the first in alphabetical order), or `none` for prices that are truly per region (the
'*' row then has no price and says why). Tiered lines ("first 50TB", "next 450TB",
"over 500TB", "first 1PB") become `tier_start` rows.

GCP per-GPU prices (service `gpu`) come from the SkyPilot-format GCP catalog's GPU rows
(`gcp_gpus.gpu_unit_prices`), one row per region.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cloudwright.core.errors import DataError
from cloudwright.optimizer.catalog import schema
from cloudwright.optimizer.catalog.build.gcp_gpus import gpu_rows_of, gpu_unit_prices
from cloudwright.optimizer.catalog.build.gcp_units import calculator_unit_prices, merge_trusted
from cloudwright.optimizer.catalog.build.skypilot import cloud_files
from cloudwright.optimizer.catalog.build.sources import (
    SourceRef,
    describe,
    normalise_date,
    read_csv,
    reference_table,
    reference_value,
)

# GB per tier unit, as the golden files count them: "first 10TB" is 10,240 GB; "next 4PB" is
# 4,000,000 GB (AWS PrivateLink tiers, whose golden quantities are decimal petabytes).
_TIER_UNIT_GB = {"TB": 1024.0, "PB": 1_000_000.0}
_TIER = re.compile(r"^(first|next|over) (\d+)(TB|PB)\b")


def tier_starts(details: list[str]) -> list[float | None]:
    """Tier start (GB) for each detail: 'first N TB' → 0, 'next M TB' → running total,
    'over K TB' → K (PB likewise); None for untiered lines."""
    cursor = 0.0
    out: list[float | None] = []
    for text in details:
        match = _TIER.match(text or "")
        if not match:
            out.append(None)
            continue
        kind, size = match.group(1), float(match.group(2)) * _TIER_UNIT_GB[match.group(3)]
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
        return rank[match.group(1)], float(match.group(2)) * _TIER_UNIT_GB[match.group(3)]

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
    if rule["region"]:
        hit = hit[hit["region"] == rule["region"]]
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
    if rule["region"]:
        hit = hit[hit["region"].str.split().str[0] == rule["region"]]
    rows = []
    for rec in hit.to_dict("records"):
        value = _pick(rec, rule["detail_regex"])
        price, note = _convert(value, rule["convert"])
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


def _pick(rec: Mapping[Any, Any], how: str) -> float:
    """The figure a storage rule wants from a row: `usd`, its i-th " / " part (`#i`), or the
    number captured in its notes (`notes:<regex>`); NaN when the row does not have it."""
    text = str(rec.get("usd") or "")
    if how.startswith("#"):
        parts = [p.strip() for p in text.split("/")]
        index = int(how[1:])
        text = parts[index] if index < len(parts) else ""
    elif how.startswith("notes:"):
        match = re.search(how.removeprefix("notes:"), str(rec.get("notes") or ""))
        text = match.group(1) if match else ""
    elif how:
        raise DataError(f"unit_price_map.csv: unknown storage value selector {how!r}")
    return float(pd.to_numeric(text, errors="coerce"))


def _convert(price: float, how: str) -> tuple[float, str]:
    if not how or np.isnan(price):
        return price, ""
    if how == "per10":
        return round(price / 10, 8), f"{price:g} per 10,000 operations ÷ 10"
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


def build_unit_prices(
    goldens_csv: Path,
    storage_csv: Path,
    skypilot_dir: Path | None = None,
    gcp_calculator: tuple[Path, Path] | None = None,
) -> tuple[pd.DataFrame, list[SourceRef]]:
    """Every key of reference/unit_price_map.csv, plus GCP per-GPU prices from the
    SkyPilot-format catalog in `skypilot_dir` (None: left out), with the GCP pricing
    calculator's disks, buckets, IPs and NAT (`gcp_calculator`: its disks_storage.csv and
    network.csv) replacing the same keys region by region (`build.gcp_units`)."""
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
    frame = _with_defaults(pd.DataFrame(out), rules)
    refs = [gref, sref]
    if skypilot_dir is not None:
        frame = pd.concat([frame, gpu_unit_prices(gpu_rows_of(skypilot_dir))], ignore_index=True)
        refs.extend(describe(path) for path in cloud_files(skypilot_dir, "gcp"))
    if gcp_calculator is not None:
        trusted, calc_refs = calculator_unit_prices(*gcp_calculator)
        frame, _ = merge_trusted(frame, trusted)
        refs.extend(calc_refs)
    frame = frame.sort_values(
        ["cloud", "service", "product", "region", "tier_start"], na_position="first", kind="stable"
    )
    _check_unique(frame)
    return schema.coerce_table("unit_prices", frame.reset_index(drop=True)), refs


def _check_unique(frame: pd.DataFrame) -> None:
    keys = ["cloud", "region", "service", "product", "unit", "tier_start"]
    twice = frame[frame.duplicated(keys, keep=False) & (frame["region"] == "*")]
    if not twice.empty:
        names = sorted({"/".join(map(str, r)) for r in twice[keys[:5]].itertuples(index=False)})
        raise DataError(f"unit prices: more than one '*' row for {', '.join(names[:5])}")


def _with_defaults(frame: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """A '*' row per key: the `default` (else first) priced region's rows, noted; an unknown
    price when nothing is priced or the key is priced per region only (`default` = none)."""
    keys = ["cloud", "service", "product", "unit"]
    extra: list[dict[Any, Any]] = []
    defaults = rules[rules["default"] != ""].drop_duplicates(keys).set_index(keys)["default"]
    for rule in rules.drop_duplicates(keys).to_dict("records"):
        wanted = str(defaults.get(tuple(rule[k] for k in keys), ""))
        mine = (
            frame[(frame[keys] == pd.Series({k: rule[k] for k in keys})).all(axis=1)]
            if not frame.empty
            else frame
        )
        priced = mine[mine["usd_per_unit"].notna()] if not mine.empty else mine
        if not priced.empty and wanted == "none":
            listed = ", ".join(sorted(priced["region"].unique()))
            extra.append(
                _unknown_default(rule, f"priced per region ({listed}) only: {rule['notes']}")
            )
            continue
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
        regions = sorted(priced["region"].unique())
        region = wanted or regions[0]
        if region not in regions:
            raise DataError(
                f"unit_price_map.csv: default region {region!r} has no price for {rule}"
            )
        for rec in priced[priced["region"] == region].to_dict("records"):
            note = (
                f"{region} price used for every region (the sources price no other); other "
                "regions may differ"
                if len(regions) == 1
                else f"{region} price used for regions without a row of their own; other "
                "regions may differ"
            )
            extra.append(
                {**rec, "region": "*", "notes": "; ".join(n for n in (rec["notes"], note) if n)}
            )
    return pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)


def _unknown_default(rule: Mapping[Any, Any], notes: str) -> dict[str, object]:
    return {
        **{k: rule[k] for k in ("cloud", "service", "product", "unit")},
        "region": "*",
        "usd_per_unit": np.nan,
        "tier_start": None,
        "notes": notes,
        "source": "reference/unit_price_map.csv (project): searched the sources listed in the manifest",
        "source_date": "2026-05",
    }
