"""Azure prices from the Azure Retail Prices API (public, no key).

GET https://prices.azure.com/api/retail/prices?api-version=2023-01-01-preview&$filter=...
returns `{"Items": [...], "NextPageLink": url | null, "Count": n}`; each item carries
`armRegionName`, `armSkuName`, `skuName`, `productName`, `type`, `unitOfMeasure`,
`retailPrice`. Linux pay-as-you-go rows give on-demand prices; `skuName` ending in " Spot"
gives spot; Windows, Low Priority and reservation rows are skipped.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cloudwright.core.errors import NetworkError
from cloudwright.optimizer.catalog.refresh.http import Fetch, expect, with_query

API = "https://prices.azure.com/api/retail/prices"
API_VERSION = "2023-01-01-preview"
MAX_PAGES = 5000  # guards a NextPageLink loop; the VM price list is ~1,000 pages


def vm_filter(regions: list[str] | None = None) -> str:
    clauses = [
        "serviceName eq 'Virtual Machines'",
        "priceType eq 'Consumption'",
    ]
    if regions:
        clauses.append("(" + " or ".join(f"armRegionName eq '{r}'" for r in regions) + ")")
    return " and ".join(clauses)


def first_url(regions: list[str] | None = None) -> str:
    return with_query(API, {"api-version": API_VERSION, "$filter": vm_filter(regions)})


def fetch_items(fetch: Fetch, regions: list[str] | None = None) -> list[dict[str, Any]]:
    """Every item across NextPageLink pages."""
    url: str | None = first_url(regions)
    items: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        if url is None:
            return items
        page = fetch(url)
        batch = expect(page, "Items", url)
        if not isinstance(batch, list):
            raise NetworkError(f"unexpected response from {url}: 'Items' is not a list")
        items.extend(batch)
        url = page.get("NextPageLink") or None
    raise NetworkError(f"Azure Retail Prices API: more than {MAX_PAGES} pages; stopped")


def parse_items(items: list[dict[str, Any]]) -> pd.DataFrame:
    """Items → region, instance_type, price_on_demand_usd_hr, price_spot_usd_hr."""
    rows = []
    for item in items:
        sku = str(item.get("skuName", ""))
        product = str(item.get("productName", ""))
        if (
            item.get("type") != "Consumption"
            or item.get("unitOfMeasure") != "1 Hour"
            or "Windows" in product
            or "Low Priority" in sku
            or not item.get("armSkuName")
        ):
            continue
        price = float(item["retailPrice"])
        kind = "spot" if sku.endswith(" Spot") else "on_demand"
        rows.append((item["armRegionName"], item["armSkuName"], kind, price))
    frame = pd.DataFrame(rows, columns=["region", "instance_type", "kind", "price"])
    if frame.empty:
        return pd.DataFrame(
            columns=["region", "instance_type", "price_on_demand_usd_hr", "price_spot_usd_hr"]
        )
    wide = frame.pivot_table(
        index=["region", "instance_type"], columns="kind", values="price", aggfunc="min"
    )
    return pd.DataFrame(
        {
            "price_on_demand_usd_hr": wide.get("on_demand"),
            "price_spot_usd_hr": wide.get("spot"),
        }
    ).reset_index()


def fetch_prices(fetch: Fetch, regions: list[str] | None = None) -> pd.DataFrame:
    items = fetch_items(fetch, regions)
    if not items:
        raise NetworkError("Azure Retail Prices API returned no items; snapshot left untouched")
    return parse_items(items)
