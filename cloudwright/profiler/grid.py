"""Where a profile was measured, and grid carbon intensity lookups for `cloudwright carbon`.

Two sources, on purpose side by side:
- the catalog's regions table (country, subdivision, the intensity plans use, its source,
  and an alternative figure where the table has one);
- codecarbon's own data, looked up live through `optimizer.catalog.codecarbon_grid`
  (Google's per-region figures for GCP, EPA eGRID per US state, energy mix per country).
The two can differ (source, year); showing both is the point. Nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudwright.core.errors import DataError, InputError, UnknownNameError
from cloudwright.optimizer.catalog import Catalog
from cloudwright.profiler.record import Location


@dataclass(frozen=True)
class IntensityRow:
    """One grid intensity figure and where it came from."""

    scope: str  # "aws:us-east-1", "USA/VA", "USA"
    basis: str  # "catalog", "codecarbon", "catalog alt"
    g_per_kwh: float
    source: str
    year: str | None = None
    country_iso3: str | None = None
    subdivision: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "basis": self.basis,
            "g_per_kwh": self.g_per_kwh,
            "source": self.source,
            "year": self.year,
            "country": self.country_iso3,
            "subdivision": self.subdivision,
        }


def _check_choice(country: str | None, cloud: str | None, region: str | None) -> None:
    if country and (cloud or region):
        raise InputError("give either --country or --cloud/--region, not both")
    if region and not cloud:
        raise InputError("--region needs --cloud (aws, gcp or azure)")


def country_code(text: str) -> str:
    """ISO 3166-1 alpha-3 code for a code or a country name as codecarbon spells it."""
    from codecarbon.input import DataSource

    mix: dict[str, Any] = DataSource().get_global_energy_mix_data()
    code = text.strip().upper()
    if code in mix:
        return code
    by_name = {str(v.get("country_name", "")).lower(): k for k, v in mix.items()}
    hit = by_name.get(text.strip().lower())
    if hit is not None:
        return hit
    names = [str(v.get("country_name")) for v in mix.values() if v.get("country_name")]
    raise UnknownNameError("country (ISO 3166-1 alpha-3 code or name)", text, [*mix, *names])


def codecarbon_lookup(country_iso3: str, subdivision: str | None = None) -> IntensityRow:
    """codecarbon's figure for a country (or US state / Canadian province / Nordic zone)."""
    from cloudwright.optimizer.catalog.codecarbon_grid import grid_intensity

    iso3 = country_code(country_iso3)
    sub = subdivision.strip().upper() if subdivision else None
    found = grid_intensity(iso3, sub)
    scope = f"{iso3}/{sub}" if sub else iso3
    return IntensityRow(scope, "codecarbon", found.g_per_kwh, found.source, found.year, iso3, sub)


def _region_codecarbon(cloud: str, region: str, country: str, sub: str | None) -> IntensityRow:
    from cloudwright.optimizer.catalog.codecarbon_grid import gcp_region_intensity

    scope = f"{cloud}:{region}"
    if cloud == "gcp":
        google = gcp_region_intensity(region)
        if google is not None:
            return IntensityRow(
                scope, "codecarbon", google.g_per_kwh, google.source, google.year, country, sub
            )
    try:
        row = codecarbon_lookup(country, sub)
    except DataError:  # no sub-national data for this country: the country figure
        row = codecarbon_lookup(country)
    return IntensityRow(scope, "codecarbon", row.g_per_kwh, row.source, row.year, country, sub)


def region_intensity(catalog: Catalog, cloud: str, region: str) -> list[IntensityRow]:
    """The catalog's figure for a cloud region (plus its alternative) and codecarbon's."""
    cloud = catalog.check_cloud(cloud)
    catalog.check_region(cloud, region)
    info = catalog.region(cloud, region)
    scope = f"{cloud}:{region}"
    frame = catalog.regions
    rec = frame[(frame["cloud"] == cloud) & (frame["region"] == region)].iloc[0]
    year = _text(rec["grid_intensity_year"])
    rows = [
        IntensityRow(
            scope,
            "catalog",
            info.grid_intensity_g_per_kwh,
            info.grid_intensity_source,
            year,
            info.country,
            info.subdivision,
        )
    ]
    alt = rec["grid_intensity_alt_g_per_kwh"]
    if alt is not None and not _missing(alt):
        rows.append(
            IntensityRow(
                scope,
                "catalog alt",
                float(alt),
                _text(rec["grid_intensity_alt_source"]) or "unknown",
                None,
                info.country,
                info.subdivision,
            )
        )
    rows.append(_region_codecarbon(cloud, region, info.country, info.subdivision))
    return rows


def cloud_intensities(catalog: Catalog, cloud: str) -> list[IntensityRow]:
    """The catalog's figure for every region of a cloud, cleanest first."""
    cloud = catalog.check_cloud(cloud)
    frame = catalog.regions
    rows = [
        IntensityRow(
            f"{cloud}:{rec['region']}",
            "catalog",
            float(rec["grid_intensity_g_per_kwh"]),
            str(rec["grid_intensity_source"]),
            _text(rec["grid_intensity_year"]),
            str(rec["country"]),
            _text(rec["subdivision"]),
        )
        for rec in frame[frame["cloud"] == cloud].to_dict("records")
    ]
    return sorted(rows, key=lambda r: (r.g_per_kwh, r.scope))


def intensity_report(
    catalog: Catalog | None,
    *,
    country: str | None = None,
    subdivision: str | None = None,
    cloud: str | None = None,
    region: str | None = None,
) -> list[IntensityRow]:
    """Rows for `cloudwright carbon intensity` (catalog needed only for --cloud)."""
    _check_choice(country, cloud, region)
    if country:
        return [codecarbon_lookup(country, subdivision)]
    if subdivision:
        raise InputError("--subdivision needs --country")
    if cloud is None or catalog is None:
        raise InputError(
            "say where: --country ISO3 [--subdivision CODE], or --cloud C [--region R]"
        )
    if region:
        return region_intensity(catalog, cloud, region)
    return cloud_intensities(catalog, cloud)


def resolve_location(
    catalog: Catalog | None,
    *,
    country: str | None = None,
    subdivision: str | None = None,
    cloud: str | None = None,
    region: str | None = None,
) -> Location:
    """Where the profiling machine is, with the grid intensity its emissions figure uses."""
    _check_choice(country, cloud, region)
    if country:
        row = codecarbon_lookup(country, subdivision)
        return Location(
            country_iso3=row.country_iso3 or country.upper(),
            subdivision=row.subdivision,
            grid_intensity_g_per_kwh=row.g_per_kwh,
            grid_intensity_source=row.source,
        )
    if cloud and region and catalog is not None:
        cloud = catalog.check_cloud(cloud)
        catalog.check_region(cloud, region)
        info = catalog.region(cloud, region)
        return Location(
            country_iso3=info.country,
            subdivision=info.subdivision,
            cloud=cloud,
            region=region,
            grid_intensity_g_per_kwh=info.grid_intensity_g_per_kwh,
            grid_intensity_source=info.grid_intensity_source,
        )
    raise InputError(
        "say where this machine is: --country ISO3 or --cloud C --region R",
        hint="codecarbon runs offline here, so it cannot look the location up",
    )


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def _text(value: Any) -> str | None:
    return None if _missing(value) else str(value)
