"""GCP unit prices from the pricing-calculator tables (Google's Cloud Billing Catalog via
Cyclenerd's calculator): persistent disks, Cloud Storage, external IPs and Cloud NAT, per
region. The trusted GCP source (../shared/data/README.md, "Which source to trust").

They replace the same keys' rows from other sources region by region; where the other
source's figure differs by more than 2 % it is kept in the row's notes ("cross-check: …"),
so both stay visible. Keys the calculator does not price keep their other source.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cloudwright.optimizer.catalog.build.sources import (
    SourceRef,
    describe,
    normalise_date,
    read_csv,
)

DISAGREE = 0.02  # two sources further apart than this are both shown

# calculator (category, item) → the catalog's (service, product, unit, price column)
_DISKS: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("persistent-disk", "balanced"): ("pd", "pd-balanced", "GB-month", "usd"),
    ("persistent-disk", "ssd"): ("pd", "pd-ssd", "GB-month", "usd"),
    ("persistent-disk", "hdd"): ("pd", "pd-standard", "GB-month", "usd"),
    ("persistent-disk", "extreme"): ("pd", "pd-extreme", "GB-month", "usd"),
    ("persistent-disk", "hyperdisk-extreme"): ("pd", "hyperdisk-extreme", "GB-month", "usd"),
    ("gcs-bucket", "standard"): ("gcs", "STANDARD", "GB-month", "usd"),
    ("gcs-bucket", "nearline"): ("gcs", "NEARLINE", "GB-month", "usd"),
    ("gcs-bucket", "coldline"): ("gcs", "COLDLINE", "GB-month", "usd"),
    ("gcs-bucket", "archiv"): ("gcs", "ARCHIVE", "GB-month", "usd"),
    ("gcs-bucket", "standard-multi"): ("gcs", "STANDARD", "GB-month", "usd"),
    ("gcs-bucket", "nearline-multi"): ("gcs", "NEARLINE", "GB-month", "usd"),
    ("gcs-bucket", "coldline-multi"): ("gcs", "COLDLINE", "GB-month", "usd"),
    ("gcs-bucket", "archiv-multi"): ("gcs", "ARCHIVE", "GB-month", "usd"),
}
_NETWORK: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("ip", "external-ip-in-use"): ("ip", "external-static", "hour", "usd_per_hour"),
    ("ip", "external-ip-unused"): ("ip", "external-static-unused", "hour", "usd_per_hour"),
    ("nat", "nat-gateway"): ("cloud_nat", "gateway", "hour", "usd_per_hour"),
    ("nat", "nat-data-processed"): ("cloud_nat", "data-processed", "GB", "usd_per_month"),
}
KEYS = ["cloud", "region", "service", "product", "unit"]


def calculator_unit_prices(
    disks_csv: Path, network_csv: Path
) -> tuple[pd.DataFrame, list[SourceRef]]:
    """The calculator's rows in the unit_prices schema (region rows only: a region the
    calculator lacks keeps the other source's '*' fallback)."""
    rows: list[dict[str, object]] = []
    for path, mapping in ((disks_csv, _DISKS), (network_csv, _NETWORK)):
        frame = read_csv(path, dtype=str, keep_default_na=False)
        for rec in frame.to_dict("records"):
            key = mapping.get((rec["category"], rec["item"]))
            if key is None or rec.get("location_type") not in ("region", "multi-region"):
                continue
            service, product, unit, column = key
            price = pd.to_numeric(rec.get(column, ""), errors="coerce")
            if pd.isna(price):
                continue
            rows.append(
                {
                    "cloud": "gcp",
                    "region": rec["location"].lower(),
                    "service": service,
                    "product": product,
                    "unit": unit,
                    "usd_per_unit": float(price),
                    "tier_start": None,
                    "notes": f"calculator {rec['category']}/{rec['item']} ({rec['unit']})",
                    "source": rec["source"],
                    "source_date": normalise_date(rec["source_date"]),
                }
            )
    out = pd.DataFrame(rows).drop_duplicates(KEYS, keep="first")
    return out, [describe(disks_csv), describe(network_csv)]


def merge_trusted(frame: pd.DataFrame, trusted: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """`frame` with `trusted`'s rows in place of the same keys' untiered rows; a replaced
    figure more than 2 % away is kept in the trusted row's notes. Returns the merged frame
    and how many rows disagreed."""
    if trusted.empty:
        return frame, 0
    untiered = frame["tier_start"].isna()
    old = frame[untiered].set_index(KEYS)
    disagreements = 0
    notes = []
    for rec in trusted.to_dict("records"):
        key = tuple(rec[k] for k in KEYS)
        note = str(rec["notes"])
        if key in old.index:
            prior = old.loc[[key]].iloc[0]
            value = pd.to_numeric(prior["usd_per_unit"], errors="coerce")
            if (
                pd.notna(value)
                and abs(value - rec["usd_per_unit"]) > DISAGREE * rec["usd_per_unit"]
            ):
                disagreements += 1
                note += (
                    f"; cross-check: {value:g} from {prior['source']} ({prior['source_date']}), "
                    f"{100 * (value / rec['usd_per_unit'] - 1):+.1f} % — the calculator is the "
                    "trusted GCP source"
                )
        notes.append(note)
    trusted = trusted.assign(notes=notes)
    keys = pd.MultiIndex.from_frame(trusted[KEYS])
    replaced = untiered & pd.MultiIndex.from_frame(frame[KEYS]).isin(keys)
    return pd.concat([frame[~replaced], trusted], ignore_index=True), disagreements
