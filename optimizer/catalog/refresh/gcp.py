"""GCP prices from the Cloud Billing Catalog API (needs an API key).

GET https://cloudbilling.googleapis.com/v1/services/6F81-5844-456A/skus?key=KEY&pageToken=T
returns `{"skus": [...], "nextPageToken": "..."}`; each SKU has `description`, `category`
(`resourceGroup` CPU | RAM | GPU | ..., `usageType` OnDemand | Preemptible | Commit...),
`serviceRegions` and `pricingInfo[0].pricingExpression.tieredRates[].unitPrice`
(`units` + `nanos`/1e9 USD).

GCP prices machine types by parts, as SkyPilot's own fetcher does: vCPUs × the family's core
price + GiB × its RAM price + GPUs × the GPU price (Preemptible SKUs for spot). An N1 host with
attached GPUs (`n1-standard-8+nvidia-tesla-t4x1`) is priced the same way: the host's parts plus
its attached GPUs. A machine type is updated only when every part is found; the rest keep their
snapshot price.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from cloudwright.core.errors import InputError, NetworkError
from cloudwright.optimizer.catalog.build.gcp_gpus import accelerator_types
from cloudwright.optimizer.catalog.build.skypilot import _host_accelerator
from cloudwright.optimizer.catalog.refresh.http import Fetch, expect, with_query
from cloudwright.optimizer.catalog.shapes import split_attached

SERVICE = "6F81-5844-456A"  # Compute Engine
API = f"https://cloudbilling.googleapis.com/v1/services/{SERVICE}/skus"
MAX_PAGES = 2000
NANOS = 1e9
_PART = re.compile(
    r"^(?:Spot Preemptible )?(?P<family>[A-Z][A-Z0-9]*) (?:Predefined |AMD |Arm |Intel )?"
    r"Instance (?P<part>Core|Ram) running in"
)
_GPUS: tuple[tuple[str, str], ...] = (
    # (description fragment, the source accelerator name the snapshot's GPU rows use)
    ("H100 80GB Mega", "H100-MEGA"),
    ("H100 80GB", "H100"),
    ("H200", "H200"),
    ("B200", "B200"),
    ("A100 80GB", "A100-80GB"),
    ("A100", "A100"),
    ("L4 ", "L4"),
    ("T4 ", "T4"),
    ("V100", "V100"),
    ("P100", "P100"),
    ("P4 ", "P4"),
)
# Shared-core machine types bill a fraction of a vCPU: not priced by parts.
_SHARED_CORE = re.compile(r"^(e2-(micro|small|medium)|f1-|g1-)")


def require_key(api_key: str | None) -> str:
    if not api_key:
        raise InputError(
            "GCP price refresh needs a Cloud Billing Catalog API key",
            hint="pass --api-key KEY or set CLOUDWRIGHT_GCP_API_KEY (an API key from a "
            "Google Cloud project with the Cloud Billing API enabled)",
        )
    return api_key


def fetch_skus(fetch: Fetch, api_key: str) -> list[dict[str, Any]]:
    skus: list[dict[str, Any]] = []
    token = ""
    for _ in range(MAX_PAGES):
        params = {"key": api_key, "currencyCode": "USD", "pageSize": "5000"}
        if token:
            params["pageToken"] = token
        url = with_query(API, params)
        page = fetch(url)
        batch = expect(page, "skus", url)
        if not isinstance(batch, list):
            raise NetworkError("Cloud Billing Catalog API: 'skus' is not a list")
        skus.extend(batch)
        token = str(page.get("nextPageToken") or "")
        if not token:
            return skus
    raise NetworkError(f"Cloud Billing Catalog API: more than {MAX_PAGES} pages; stopped")


def unit_price(sku: dict[str, Any]) -> float | None:
    try:
        rates = sku["pricingInfo"][0]["pricingExpression"]["tieredRates"]
        rate = rates[-1]["unitPrice"]
        return float(rate.get("units") or 0) + float(rate.get("nanos") or 0) / NANOS
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def _item(description: str) -> tuple[str, str] | None:
    """('core'|'ram', family) or ('gpu', source accelerator name) for a SKU description."""
    match = _PART.match(description)
    if match and "Custom" not in description and "Sole Tenancy" not in description:
        return match.group("part").lower(), match.group("family").lower()
    if description.startswith("Nvidia") and "Workstation" not in description:
        for fragment, name in _GPUS:
            if fragment in description + " ":
                return "gpu", name
    return None


def parse_skus(skus: list[dict[str, Any]]) -> pd.DataFrame:
    """SKUs → kind (core|ram|gpu), name (family or accelerator), usage, region, usd."""
    rows = []
    for sku in skus:
        usage = sku.get("category", {}).get("usageType")
        if usage not in ("OnDemand", "Preemptible"):
            continue
        item = _item(str(sku.get("description", "")))
        price = unit_price(sku)
        if item is None or price is None:
            continue
        for region in sku.get("serviceRegions", []):
            rows.append((item[0], item[1], usage, region, price))
    frame = pd.DataFrame(rows, columns=["kind", "name", "usage", "region", "usd"])
    return frame.groupby(["kind", "name", "usage", "region"], as_index=False).agg(
        usd=("usd", "min")
    )


def _accelerator(instance_type: str) -> tuple[str, int] | None:
    """(source accelerator name, count) a shape carries: an accelerator-optimized machine
    type's own GPUs, or the GPUs attached to an N1 host (`n1-standard-8+nvidia-tesla-t4x1`)."""
    attached = split_attached(instance_type)
    if attached is None:
        return _host_accelerator(instance_type)
    types = accelerator_types()
    hit = types.loc[types["accelerator_type"] == attached.accelerator_type, "source_name"]
    return (str(hit.iloc[0]), attached.count) if not hit.empty else ("", attached.count)


def machine_prices(parts: pd.DataFrame, shapes: pd.DataFrame) -> pd.DataFrame:
    """Price each (region, instance_type, vcpus, memory_gb) shape from its parts."""
    table = parts.set_index(["kind", "name", "usage", "region"])["usd"].to_dict()
    rows = []
    for rec in shapes.to_dict("records"):
        name = str(rec["instance_type"])
        if _SHARED_CORE.match(name) or pd.isna(rec["vcpus"]) or pd.isna(rec["memory_gb"]):
            continue
        family = name.split("-")[0]
        accel = _accelerator(name)
        prices: list[float | None] = []
        for usage in ("OnDemand", "Preemptible"):
            core = table.get(("core", family, usage, rec["region"]))
            ram = table.get(("ram", family, usage, rec["region"]))
            gpu = 0.0 if accel is None else table.get(("gpu", accel[0], usage, rec["region"]))
            if core is None or ram is None or gpu is None:
                prices.append(None)
                continue
            count = 0 if accel is None else accel[1]
            prices.append(core * float(rec["vcpus"]) + ram * float(rec["memory_gb"]) + gpu * count)
        if prices[0] is not None:
            rows.append((rec["region"], name, prices[0], prices[1]))
    return pd.DataFrame(
        rows, columns=["region", "instance_type", "price_on_demand_usd_hr", "price_spot_usd_hr"]
    )


def fetch_prices(fetch: Fetch, api_key: str | None, shapes: pd.DataFrame) -> pd.DataFrame:
    key = require_key(api_key)
    parts = parse_skus(fetch_skus(fetch, key))
    if parts.empty:
        raise NetworkError("Cloud Billing Catalog API returned no compute SKUs")
    return machine_prices(parts, shapes)
