"""The egress table: $/GB leaving a region, by destination kind and monthly volume tier.

Sources, per cloud:
- AWS: Infracost goldens (`aws_data_transfer`): per source region, internet tiers (first
  10 TB, next 40 TB, next 100 TB, over 150 TB), intra-region, and to other regions (AWS
  charges by source region, so inter-continent = inter-region); us-east-1 ↔ us-east-2 as a
  pair row. '*' rows repeat us-east-1 for regions the goldens lack (said in the source).
- GCP: Infracost goldens (Premium-tier internet tiers; inter-region by source continent from
  the "Traffic within ..." lines; between continents), the egress summary for inter-zone.
- Azure: the egress summary rows named in `reference/egress_summary_map.csv` (by source
  continent), `reference/egress_facts.csv` (intra-region); inter-continent is not in the
  sources, so the internet price is used as its upper bound (said in the source).

Continents come from the regions table, so this builder takes it as an input.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cloudwright.optimizer.catalog import schema
from cloudwright.optimizer.catalog.build.sources import (
    SourceRef,
    describe,
    normalise_date,
    read_csv,
    reference_table,
)
from cloudwright.optimizer.catalog.build.unit_prices import tier_table

_GCP_WITHIN = {
    "north-america": "Network egress / Traffic within the US or Canada",
    "europe": "Network egress / Traffic within Europe",
    "asia": "Network egress / Traffic within Asia",
    "south-america": "Network egress / Traffic within South America",
    "oceania": "Network egress / Traffic to/from Indonesia and Oceania",
}
_GCP_BETWEEN = "Network egress / Traffic between continents"
_GCP_INTERNET = (
    "Network egress / IPSec traffic to worldwide excluding China, Australia but including Hong Kong"
)


def _row(
    cloud: str, region: str, dest: str, tier: float, usd: float, source: str, date: str
) -> dict[str, object]:
    return {
        "cloud": cloud,
        "region": region,
        "destination": dest,
        "tier_start_gb": tier,
        "usd_per_gb": usd,
        "source": source,
        "source_date": date,
    }


def aws_egress(goldens: pd.DataFrame, ref: SourceRef) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    transfer = goldens[
        (goldens["cloud"] == "aws") & (goldens["terraform_resource_type"] == "aws_data_transfer")
    ]
    src = f"{ref.source}: aws_data_transfer golden"
    internet = transfer["component"] == "Outbound data transfer to Internet"
    tiers = tier_table(transfer.loc[internet, "detail"].dropna().tolist())
    for rec in transfer.to_dict("records"):
        price, region, component = float(rec["unit_price_usd"]), rec["region"], rec["component"]
        date = str(rec.get("price_line_last_changed") or ref.source_date)[:10]
        if component == "Outbound data transfer to Internet":
            rows.append(_row("aws", region, "internet", tiers[rec["detail"]], price, src, date))
        elif component == "Intra-region data transfer":
            rows.append(_row("aws", region, "intra_region", 0.0, price, src, date))
        elif component == "Outbound data transfer to other regions":
            rows.append(_row("aws", region, "inter_region", 0.0, price, src, date))
            rows.append(
                _row(
                    "aws",
                    region,
                    "inter_continent",
                    0.0,
                    price,
                    src + " (AWS prices by source region)",
                    date,
                )
            )
        elif component == "Outbound data transfer to US East regions":
            other = "us-east-2" if region == "us-east-1" else "us-east-1"
            rows.append(_row("aws", region, f"aws:{other}", 0.0, price, src, date))
    default = [
        dict(r) for r in rows if r["region"] == "us-east-1" and ":" not in str(r["destination"])
    ]
    for r in default:
        r["region"] = "*"
        r["source"] = (
            f"{r['source']} (us-east-1 figures as the default for regions without a golden)"
        )
    return rows + default


def gcp_egress(
    goldens: pd.DataFrame, ref: SourceRef, continents: pd.DataFrame
) -> list[dict[str, object]]:
    google = goldens[goldens["cloud"] == "google"]
    src = f"{ref.source}: google network egress goldens"

    def price(component: str, detail: str | None = None) -> tuple[float, str]:
        hit = google[google["component"] == component]
        if detail is not None:
            hit = hit[hit["detail"] == detail]
        rec = hit.iloc[0]
        return float(rec["unit_price_usd"]), str(
            rec.get("price_line_last_changed") or ref.source_date
        )[:10]

    rows = []
    labels = google.loc[google["component"] == _GCP_INTERNET, "detail"].dropna().tolist()
    for detail, tier in tier_table(labels).items():
        usd, date = price(_GCP_INTERNET, detail)
        rows.append(
            _row(
                "gcp",
                "*",
                "internet",
                tier,
                usd,
                src + " (Premium tier, worldwide ex China/Australia)",
                date,
            )
        )
    between, date = price(_GCP_BETWEEN)
    rows.append(_row("gcp", "*", "inter_continent", 0.0, between, src, date))
    for rec in continents[continents["cloud"] == "gcp"].to_dict("records"):
        component = _GCP_WITHIN.get(rec["continent"])
        if component is None:
            note = (
                f"{src} (no within-{rec['continent']} price in the source: between-continents used)"
            )
            rows.append(_row("gcp", rec["region"], "inter_region", 0.0, between, note, date))
            continue
        usd, when = price(component)
        rows.append(_row("gcp", rec["region"], "inter_region", 0.0, usd, src, when))
    return rows


def summary_egress(
    summary_csv: Path, continents: pd.DataFrame
) -> tuple[list[dict[str, object]], SourceRef]:
    """Rows from the egress summary named in reference/egress_summary_map.csv."""
    summary = read_csv(summary_csv, dtype=str, keep_default_na=False)
    ref = describe(summary_csv)
    rules = reference_table("egress_summary_map").fillna("")
    rows: list[dict[str, object]] = []
    for rule in rules.to_dict("records"):
        hit = summary[
            (summary["provider"] == rule["provider"])
            & (summary["flow"] == rule["flow"])
            & (summary["scope"] == rule["scope"])
        ]
        if hit.empty:
            continue
        rec = hit.iloc[0]
        source = f"{ref.source}: {rec['source']}" + (f" ({rule['note']})" if rule["note"] else "")
        cloud = str(rule["provider"])
        targets = (
            ["*"]
            if rule["source_continents"] == "*"
            else continents[
                (continents["cloud"] == cloud)
                & continents["continent"].isin(str(rule["source_continents"]).split(";"))
            ]["region"].tolist()
        )
        for region in targets:
            rows.append(
                _row(
                    cloud,
                    region,
                    str(rule["destination"]),
                    float(rule["tier_start_gb"]),
                    float(rec["usd_per_gb"]),
                    source,
                    normalise_date(str(rec["source_date"])),
                )
            )
    return rows, ref


def _azure_inter_continent(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    out = []
    for r in rows:
        if r["cloud"] == "azure" and r["destination"] == "internet":
            copy = dict(r, destination="inter_continent")
            copy["source"] = (
                f"{r['source']} (no inter-continent price in the sources: internet price used as its upper bound; estimate)"
            )
            out.append(copy)
    return out


def build_egress(
    goldens_csv: Path, summary_csv: Path, regions: pd.DataFrame
) -> tuple[pd.DataFrame, list[SourceRef]]:
    goldens = read_csv(goldens_csv, dtype=str, keep_default_na=False, na_values=[""])
    gref = describe(goldens_csv)
    continents = regions[["cloud", "region", "continent"]]
    rows = aws_egress(goldens, gref) + gcp_egress(goldens, gref, continents)
    summary_rows, sref = summary_egress(summary_csv, continents)
    rows += summary_rows + _azure_inter_continent(summary_rows)
    facts = reference_table("egress_facts")
    rows += [{str(k): v for k, v in rec.items()} for rec in facts.to_dict("records")]
    frame = pd.DataFrame(rows).drop_duplicates(["cloud", "region", "destination", "tier_start_gb"])
    frame = frame.sort_values(["cloud", "region", "destination", "tier_start_gb"]).reset_index(
        drop=True
    )
    refs = [gref, sref, SourceRef("reference/egress_facts.csv (project)", "2024-01")]
    return schema.coerce_table("egress", frame), refs
