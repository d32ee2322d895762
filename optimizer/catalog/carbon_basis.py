"""Which grid intensity the catalog's regions carry: the basis every plan, report and policy
uses for carbon.

- `location` (default): one location-based figure per grid zone whatever the cloud (US
  state, Canadian province, Nordic bidding zone, else country; docs/catalog.md "Regions"),
  so two clouds on one grid never differ for no physical reason.
- `provider`: the provider-published per-region figure where one is published (today
  Google's, for GCP regions), labelled as such; the location-based figure elsewhere.

Chosen with `cloudwright --carbon-basis provider …` or $CLOUDWRIGHT_CARBON_BASIS; this module
is the only reader of that variable.
"""

from __future__ import annotations

import os

import pandas as pd

from cloudwright.core.errors import InputError

CARBON_BASIS_ENV = "CLOUDWRIGHT_CARBON_BASIS"
BASES: tuple[str, ...] = ("location", "provider")


def carbon_basis() -> str:
    """The basis asked for ($CLOUDWRIGHT_CARBON_BASIS, default `location`)."""
    value = (os.environ.get(CARBON_BASIS_ENV) or "location").strip().lower()
    if value not in BASES:
        raise InputError(
            f"{CARBON_BASIS_ENV}={value!r}: expected one of {', '.join(BASES)}",
            hint="location: one figure per grid zone (default); provider: the cloud's own "
            "published per-region figure where there is one",
        )
    return value


def apply_basis(regions: pd.DataFrame, basis: str) -> pd.DataFrame:
    """`regions` with `grid_intensity_g_per_kwh` / `_source` on `basis` (a copy when changed)."""
    if basis == "location":
        return regions
    published = regions["grid_intensity_provider_g_per_kwh"].notna()
    if not published.any():
        return regions
    out = regions.copy()
    out.loc[published, "grid_intensity_g_per_kwh"] = out.loc[
        published, "grid_intensity_provider_g_per_kwh"
    ]
    out.loc[published, "grid_intensity_source"] = (
        "provider-published basis: " + out.loc[published, "grid_intensity_provider_source"]
    )
    return out
