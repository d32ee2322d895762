"""AWS on-demand prices from the AWS Price List bulk offer files (public, no key).

1. Region index: `<base>/offers/v1.0/aws/AmazonEC2/current/region_index.json` →
   `{"regions": {code: {"regionCode", "currentVersionUrl"}}}`;
2. per region, the EC2 offer file at `<base><currentVersionUrl>` →
   `{"products": {sku: {"productFamily", "attributes": {...}}},
     "terms": {"OnDemand": {sku: {term: {"priceDimensions": {rate: {"unit", "pricePerUnit"}}}}}}}`.

Linux, shared tenancy, no pre-installed software, capacity status "Used" rows are the list
on-demand price SkyPilot and the console show. Spot prices are not in the Price List (they
move hourly); a refresh leaves the snapshot's spot prices as they were, and says so.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cloudwright.core.errors import NetworkError
from cloudwright.optimizer.catalog.refresh.http import Fetch, expect

BASE = "https://pricing.us-east-1.amazonaws.com"
INDEX = f"{BASE}/offers/v1.0/aws/AmazonEC2/current/region_index.json"
_WANTED = {
    "operatingSystem": "Linux",
    "tenancy": "Shared",
    "preInstalledSw": "NA",
    "capacitystatus": "Used",
}
_FAMILIES = {"Compute Instance", "Compute Instance (bare metal)"}


def region_urls(fetch: Fetch, regions: list[str]) -> dict[str, str]:
    """Offer-file URL per wanted region (regions the index lacks are skipped)."""
    index = fetch(INDEX)
    listed = expect(index, "regions", INDEX)
    urls = {}
    for region in regions:
        entry = listed.get(region)
        if isinstance(entry, dict) and entry.get("currentVersionUrl"):
            urls[region] = BASE + str(entry["currentVersionUrl"])
    return urls


def parse_offer(offer: dict[str, Any], region: str, url: str) -> pd.DataFrame:
    """One EC2 offer file → region, instance_type, price_on_demand_usd_hr."""
    products = expect(offer, "products", url)
    on_demand = expect(expect(offer, "terms", url), "OnDemand", url)
    rows = []
    for sku, product in products.items():
        attrs = product.get("attributes", {})
        if product.get("productFamily") not in _FAMILIES:
            continue
        if any(attrs.get(k) != v for k, v in _WANTED.items()):
            continue
        price = _hourly_usd(on_demand.get(sku, {}))
        if price is not None and attrs.get("instanceType"):
            rows.append((region, attrs["instanceType"], price))
    frame = pd.DataFrame(rows, columns=["region", "instance_type", "price_on_demand_usd_hr"])
    return frame.groupby(["region", "instance_type"], as_index=False).min()


def _hourly_usd(terms: dict[str, Any]) -> float | None:
    for term in terms.values():
        for dim in term.get("priceDimensions", {}).values():
            if dim.get("unit") == "Hrs" and "USD" in dim.get("pricePerUnit", {}):
                value = float(dim["pricePerUnit"]["USD"])
                if value > 0:
                    return value
    return None


def fetch_prices(fetch: Fetch, regions: list[str]) -> pd.DataFrame:
    urls = region_urls(fetch, regions)
    if not urls:
        raise NetworkError("AWS Price List region index lists none of the snapshot's regions")
    frames = [parse_offer(fetch(url), region, url) for region, url in sorted(urls.items())]
    prices = pd.concat(frames, ignore_index=True)
    prices["price_spot_usd_hr"] = float("nan")
    return prices
