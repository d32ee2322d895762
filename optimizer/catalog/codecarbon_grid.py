"""Grid carbon intensity through codecarbon's own data and API.

codecarbon ships (a) Google's per-region figures for GCP (`data/cloud/impact.csv`) and
(b) energy-mix and emission-rate data per country, US state (EPA eGRID), Canadian province
and Nordic bidding zone. This module asks codecarbon's `Emissions` object for the emissions
of 1 kWh, exactly as codecarbon itself does for a tracked run, so the catalog's figures are
codecarbon's figures, whatever version is installed (its version is part of `source`).

Only the catalog builders call this (at build time); readers use the regions table.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from cloudwright.core.errors import DataError, UnknownNameError

GRAMS_PER_KG = 1000.0


@dataclass(frozen=True)
class GridIntensity:
    """Average grid carbon intensity (location-based), with where it came from."""

    g_per_kwh: float
    source: str
    year: str | None


@cache
def _codecarbon() -> tuple[Any, Any, Any, Any, str]:
    # codecarbon logs a warning per fallback; the catalog records its own source instead.
    logging.getLogger("codecarbon").setLevel(logging.ERROR)
    from codecarbon import __version__
    from codecarbon.core.emissions import Emissions
    from codecarbon.core.units import Energy
    from codecarbon.external.geography import GeoMetadata
    from codecarbon.input import DataSource

    return Emissions(DataSource()), Energy, GeoMetadata, DataSource(), str(__version__)


@cache
def _json(name: str) -> dict[str, Any]:
    path = resources.files("codecarbon").joinpath(f"data/private_infra/{name}")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


# codecarbon's sub-national files live under a directory named for their data year.
_REGIONAL_FILES = {"USA": "2023/usa_emissions.json", "CAN": "2023/canada_energy_mix.json"}


def _us_states() -> dict[str, str]:
    """US state code (VA) → codecarbon's key (virginia)."""
    data = _json(_REGIONAL_FILES["USA"])
    return {
        str(v["regionCode"]).upper(): k
        for k, v in data.items()
        if isinstance(v, dict) and "regionCode" in v
    }


_CA_PROVINCES = {
    "AB": "alberta",
    "BC": "british columbia",
    "MB": "manitoba",
    "NB": "new brunswick",
    "NL": "newfoundland and labrador",
    "NS": "nova scotia",
    "NT": "northwest territories",
    "NU": "nunavut",
    "ON": "ontario",
    "PE": "prince edward island",
    "QC": "quebec",
    "SK": "saskatchewan",
    "YT": "yukon",
}


def _per_kwh_g(emissions_kg_fn: Any, geo: Any) -> float:
    _, energy_cls, _, _, _ = _codecarbon()
    kg: float = emissions_kg_fn(energy_cls.from_energy(kWh=1.0), geo)
    return kg * GRAMS_PER_KG


def grid_intensity(country_iso3: str, subdivision: str | None = None) -> GridIntensity:
    """Grid intensity for a country, or a US state / Canadian province / Nordic bidding
    zone within it, from codecarbon's energy-mix data.

    `subdivision` is a US state code (VA), a Canadian province code (QC) or a Nordic
    bidding zone (SE3, NO1, FI). Unknown countries raise UnknownNameError.
    """
    emissions, _, geo_cls, source, version = _codecarbon()
    iso3 = country_iso3.upper()
    mix = source.get_global_energy_mix_data()
    if iso3 not in mix:
        raise UnknownNameError("country (ISO 3166-1 alpha-3)", iso3, mix.keys())
    if subdivision:
        region = _subdivision_key(iso3, subdivision.upper())
        geo = geo_cls(country_iso_code=iso3, region=region)
        value = _per_kwh_g(emissions.get_region_emissions, geo)
        return GridIntensity(
            round(value, 3),
            f"codecarbon {version} {_regional_dataset(iso3)} ({iso3}/{subdivision.upper()})",
            _regional_year(iso3),
        )
    geo = geo_cls(country_iso_code=iso3)
    value = _per_kwh_g(emissions.get_country_emissions, geo)
    year = mix[iso3].get("year")
    return GridIntensity(
        round(value, 3),
        f"codecarbon {version} global_energy_mix ({iso3})",
        str(year) if year is not None else None,
    )


def _subdivision_key(iso3: str, code: str) -> str:
    if iso3 == "USA":
        states = _us_states()
        if code not in states:
            raise UnknownNameError("US state", code, states)
        return states[code]
    if iso3 == "CAN":
        if code not in _CA_PROVINCES:
            raise UnknownNameError("Canadian province", code, _CA_PROVINCES)
        return _CA_PROVINCES[code]
    if iso3 in ("SWE", "NOR", "FIN"):
        zones = set(_json("nordic_emissions.json")["data"])
        if code not in zones:
            raise UnknownNameError("Nordic bidding zone", code, zones)
        return code
    raise DataError(f"codecarbon has no sub-national grid data for {iso3}")


def _regional_dataset(iso3: str) -> str:
    return {
        "USA": "EPA eGRID state emission rates",
        "CAN": "Canadian provincial energy mix",
    }.get(iso3, "Nordic bidding-zone factors")


def _regional_year(iso3: str) -> str | None:
    if iso3 == "USA":
        return str(_json(_REGIONAL_FILES["USA"])["_source"]["year"])
    if iso3 == "CAN":
        return _REGIONAL_FILES["CAN"].split("/")[0]
    years = {str(v.get("year")) for v in _json("nordic_emissions.json")["data"].values()}
    return years.pop() if len(years) == 1 else None


def gcp_region_intensity(region: str) -> GridIntensity | None:
    """Google's published figure for a GCP region as shipped by codecarbon, or None when
    codecarbon does not list the region (callers then fall back to `grid_intensity`)."""
    _, _, _, source, version = _codecarbon()
    frame = source.get_cloud_emissions_data()
    hit = frame[(frame["provider"] == "gcp") & (frame["region"] == region)]
    if hit.empty:
        return None
    return GridIntensity(
        float(hit["impact"].iloc[0]),
        f"codecarbon {version} cloud/impact.csv (Google region carbon data, {region})",
        None,
    )
