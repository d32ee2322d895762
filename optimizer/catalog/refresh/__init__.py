"""Refresh a snapshot's instance prices from a provider's public price API.

One module per cloud (`aws`, `azure`, `gcp`) fetches and parses prices into region-level
rows (region, instance_type, price_on_demand_usd_hr, price_spot_usd_hr); `refresh_snapshot`
applies them to every zone row of the matching offerings, re-runs the price-sanity flags and
rewrites the snapshot atomically.

Invariant: nothing is written unless the fetch and parse succeeded and matched at least one
offering; any network failure, timeout or malformed response raises `NetworkError` and the
snapshot on disk is exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cloudwright.core.errors import DataError, NetworkError
from cloudwright.core.jsonsource import read_json
from cloudwright.optimizer.catalog import schema
from cloudwright.optimizer.catalog.build.price_sanity import flag_prices
from cloudwright.optimizer.catalog.build.snapshot import Snapshot, snapshot_date_of, write_snapshot
from cloudwright.optimizer.catalog.build.sources import SourceRef
from cloudwright.optimizer.catalog.catalog import Catalog, default_catalog_dir
from cloudwright.optimizer.catalog.refresh import aws, azure, gcp
from cloudwright.optimizer.catalog.refresh.http import Fetch, http_get_json

SOURCES = {
    "aws": "AWS Price List bulk offer files (AmazonEC2, per region)",
    "azure": "Azure Retail Prices API (prices.azure.com, Virtual Machines, Consumption)",
    "gcp": "GCP Cloud Billing Catalog API (Compute Engine SKUs, priced by parts)",
}
_STANDARD_MANIFEST_KEYS = {"snapshot_date", "built_at", "builder", "tables"}


@dataclass(frozen=True)
class RefreshResult:
    cloud: str
    directory: Path
    fetched_on: str
    price_rows: int  # region-level prices the API returned
    updated_offerings: int  # zone-level offering rows whose price changed source
    kept_offerings: int  # rows of that cloud the API had no price for (kept as they were)

    def summary(self) -> str:
        return (
            f"refreshed {self.cloud} prices in {self.directory} from {SOURCES[self.cloud]} "
            f"({self.fetched_on}): {self.updated_offerings} offering rows updated, "
            f"{self.kept_offerings} kept with their previous price ({self.price_rows} prices fetched)"
        )


def fetch_prices(
    cloud: str, catalog: Catalog, fetch: Fetch, *, api_key: str | None = None
) -> pd.DataFrame:
    """Region-level prices for `cloud` from its API (only regions the snapshot has). A
    response of another shape is a NetworkError; a price that is not a finite positive
    number counts as no price (the offering keeps its previous one)."""
    try:
        prices = _fetch_prices(cloud, catalog, fetch, api_key)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise NetworkError(
            f"{SOURCES[cloud]}: the response does not have the published shape "
            f"({type(exc).__name__}: {str(exc)[:200]}); snapshot left untouched"
        ) from exc
    for column in ("price_on_demand_usd_hr", "price_spot_usd_hr"):
        if column in prices:
            values = pd.to_numeric(prices[column], errors="coerce").astype(float)
            prices[column] = values.where(np.isfinite(values) & (values > 0))
    return prices


def _fetch_prices(cloud: str, catalog: Catalog, fetch: Fetch, api_key: str | None) -> pd.DataFrame:
    mine = catalog.offerings[catalog.offerings["cloud"] == cloud]
    regions = sorted(mine["region"].unique())
    if cloud == "aws":
        return aws.fetch_prices(fetch, regions)
    if cloud == "azure":
        return azure.fetch_prices(fetch, regions)
    shapes = mine[["region", "instance_type", "vcpus", "memory_gb"]].drop_duplicates(
        ["region", "instance_type"]
    )
    return gcp.fetch_prices(fetch, api_key, shapes)


def apply_prices(
    offerings: pd.DataFrame, cloud: str, prices: pd.DataFrame, source: SourceRef
) -> tuple[pd.DataFrame, int]:
    """Offerings with `prices` applied to every zone row of (cloud, region, instance_type);
    flags recomputed. Returns the new frame and the number of rows updated."""
    keyed = prices.dropna(subset=["price_on_demand_usd_hr"]).drop_duplicates(
        ["region", "instance_type"]
    )
    keyed = keyed.set_index(["region", "instance_type"])
    out = offerings.copy()
    index = pd.MultiIndex.from_frame(out[["region", "instance_type"]])
    hit = (out["cloud"] == cloud).to_numpy() & index.isin(keyed.index)
    if not hit.any():
        return out, 0
    looked = keyed.reindex(index[hit])
    out.loc[hit, "price_on_demand_usd_hr"] = looked["price_on_demand_usd_hr"].to_numpy()
    spot = looked["price_spot_usd_hr"].astype("Float64").to_numpy()
    old_spot = out.loc[hit, "price_spot_usd_hr"].to_numpy()
    out.loc[hit, "price_spot_usd_hr"] = pd.array(
        [o if pd.isna(s) else s for s, o in zip(spot, old_spot, strict=True)], dtype="Float64"
    )
    out.loc[hit, "source"] = source.source
    out.loc[hit, "source_date"] = source.source_date
    # Corrections stand only where the old price stands; every other flag is recomputed.
    old = out["price_flag"].astype("string")
    kept = old.where(~hit & old.str.startswith("corrected", na=False))
    out["price_flag"] = kept.str.split("; ").str[0]
    out["price_flag"] = flag_prices(out)
    return schema.coerce_table("offerings", out), int(hit.sum())


def _manifest_sources(catalog: Catalog) -> dict[str, list[SourceRef]]:
    return {
        name: [
            SourceRef(str(s.get("source", s.get("name"))), str(s.get("date", "")))
            for s in info.sources
        ]
        for name, info in catalog.manifest.tables.items()
    }


def refresh_snapshot(
    cloud: str,
    directory: Path | None = None,
    *,
    api_key: str | None = None,
    timeout_s: float = 30.0,
    fetch: Fetch | None = None,
    now: datetime | None = None,
) -> RefreshResult:
    """Fetch `cloud`'s prices and rewrite the snapshot in `directory` with them."""
    target = default_catalog_dir(directory)
    catalog = Catalog.load(target)
    fetched = (now or datetime.now(UTC)).date().isoformat()
    prices = fetch_prices(cloud, catalog, fetch or http_get_json(timeout_s), api_key=api_key)
    source = SourceRef(f"{SOURCES[cloud]}, fetched {fetched}", fetched)
    offerings, updated = apply_prices(catalog.offerings, cloud, prices, source)
    if updated == 0:
        raise NetworkError(
            f"{SOURCES[cloud]} answered, but no price matched an offering in {target}; "
            "snapshot left untouched"
        )
    tables = {name: catalog.table(name) for name in schema.TABLES}
    tables["offerings"] = offerings
    sources = _manifest_sources(catalog)
    sources["offerings"] = [*sources.get("offerings", []), source]
    raw = read_json(target / "manifest.json", what="catalog manifest", error=DataError)
    extra: dict[str, Any] = {k: v for k, v in raw.items() if k not in _STANDARD_MANIFEST_KEYS}
    extra.setdefault("refreshes", []).append({"cloud": cloud, "date": fetched, "rows": updated})
    snapshot = Snapshot(tables, sources, snapshot_date_of(offerings), extra)
    write_snapshot(snapshot, target)
    total = int((catalog.offerings["cloud"] == cloud).sum())
    return RefreshResult(cloud, target, fetched, len(prices), updated, total - updated)
