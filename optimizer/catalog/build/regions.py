"""The regions table: where each region is, its grid's carbon intensity, and its PUE.

Inputs: a regions CSV (provider, region, display_name, city, country_code (ISO2), continent,
lat, lon; `../shared/data/regions/`), the project's `reference/regions_supplement.csv` for
regions that file lacks, `reference/region_subdivisions.csv` (US state, Canadian province or
Nordic bidding zone), `reference/pue.csv`, and Cloud Carbon Footprint's per-region factors as
the second source.

Grid intensity is location-based and one figure per grid zone, whatever the cloud: two
clouds' regions on the same grid get the same figure (the chosen source is on every row):
1. a region with a US state, Canadian province or Nordic bidding zone: codecarbon's
   sub-national data (EPA eGRID state rates, provincial mix, Nord Pool zones);
2. the country: codecarbon's global energy mix;
3. a country codecarbon lacks: the Cloud Carbon Footprint factor, said so in the source.
A provider's own published per-region figure (Google's, shipped by codecarbon) is kept as an
alternative basis in `grid_intensity_provider_g_per_kwh`; CCF's factor stays in
`grid_intensity_alt_g_per_kwh`.

`reference/region_location_fixes.csv` corrects a region's coordinates where measured RTTs
prove the regions file wrong (a measured RTT below the fibre bound).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pycountry

from cloudwright.core.errors import DataError, UnknownNameError
from cloudwright.optimizer.catalog import schema
from cloudwright.optimizer.catalog.build.sources import (
    SourceRef,
    describe,
    read_csv,
    reference_table,
)
from cloudwright.optimizer.catalog.codecarbon_grid import (
    GridIntensity,
    gcp_region_intensity,
    grid_intensity,
)


def iso3(iso2: str) -> str:
    country = pycountry.countries.get(alpha_2=iso2.upper())
    if country is None:
        raise DataError(f"unknown ISO 3166-1 alpha-2 country code {iso2!r}")
    return str(country.alpha_3)


def read_locations(regions_csv: Path) -> tuple[pd.DataFrame, SourceRef]:
    """Region locations for the three clouds (reference file + project supplement)."""
    raw = read_csv(regions_csv, dtype=str, keep_default_na=False, na_values=[""])
    ref = describe(regions_csv)
    raw = raw[raw["provider"].isin(schema.CLOUDS)].rename(
        columns={"provider": "cloud", "country_code": "country_iso2"}
    )
    raw["source"] = ref.source
    raw["source_date"] = ref.source_date
    extra = reference_table("regions_supplement").astype(str)
    extra = extra[
        ~extra.set_index(["cloud", "region"]).index.isin(raw.set_index(["cloud", "region"]).index)
    ]
    cols = [
        "cloud",
        "region",
        "display_name",
        "city",
        "country_iso2",
        "continent",
        "lat",
        "lon",
        "source",
        "source_date",
    ]
    frame = pd.concat([raw[cols], extra[cols]], ignore_index=True)
    for fix in reference_table("region_location_fixes").to_dict("records"):
        cloud, region = str(fix["cloud"]), str(fix["region"])
        hit = (frame["cloud"] == cloud) & (frame["region"] == region)
        if not hit.any():
            raise DataError(f"region_location_fixes.csv: no region {cloud}:{region} to fix")
        frame.loc[hit, ["city", "lat", "lon"]] = [fix["city"], str(fix["lat"]), str(fix["lon"])]
        frame.loc[hit, "source"] = (
            frame.loc[hit, "source"] + f"; coordinates: reference/region_location_fixes.csv "
            f"({fix['source']}, {fix['source_date']})"
        )
    return frame, ref


def _ccf_factors(ccf_csv: Path | None) -> dict[tuple[str, str], float]:
    if ccf_csv is None:
        return {}
    frame = read_csv(ccf_csv)
    # The CCF app spells some Azure regions in CamelCase (EastUS, WestCentralUS).
    return {
        (str(provider), str(region).lower()): float(value)
        for provider, region, value in zip(
            frame["provider"].tolist(),
            frame["region"].tolist(),
            frame["gCO2e_per_kWh"].astype(float).tolist(),
            strict=True,
        )
        if provider in schema.CLOUDS
    }


def choose_intensity(
    cloud: str, region: str, country: str, subdivision: str | None, ccf: float | None
) -> GridIntensity:
    """The region's grid intensity by the preference order in the module docstring."""
    try:
        return grid_intensity(country, subdivision)
    except UnknownNameError:
        if ccf is None:
            raise DataError(
                f"no grid intensity for {cloud}:{region} ({country}): neither codecarbon "
                "nor Cloud Carbon Footprint has the country"
            ) from None
        return GridIntensity(ccf, f"Cloud Carbon Footprint app factor ({cloud}:{region})", None)


def build_regions(regions_csv: Path, ccf_csv: Path | None) -> tuple[pd.DataFrame, list[SourceRef]]:
    """The regions table (schema.TABLES['regions']) and its sources."""
    locations, ref = read_locations(regions_csv)
    subdivisions = reference_table("region_subdivisions").set_index(["cloud", "region"])
    pue = reference_table("pue").set_index("cloud")
    ccf = _ccf_factors(ccf_csv)
    rows = []
    for rec in locations.to_dict("records"):
        key = (rec["cloud"], rec["region"])
        country = iso3(rec["country_iso2"])
        sub = subdivisions.loc[key] if key in subdivisions.index else None
        state = _text(sub["subdivision"]) if sub is not None else None
        zone = _text(sub["grid_zone"]) if sub is not None else None
        alt = ccf.get((rec["cloud"], rec["region"].lower()))
        grid = choose_intensity(rec["cloud"], rec["region"], country, state or zone, alt)
        provider = gcp_region_intensity(rec["region"]) if rec["cloud"] == "gcp" else None
        rows.append(
            {
                **{k: rec[k] for k in ("cloud", "region", "display_name", "city", "continent")},
                "country": country,
                "subdivision": state or zone,
                "lat": float(rec["lat"]),
                "lon": float(rec["lon"]),
                "grid_intensity_g_per_kwh": grid.g_per_kwh,
                "grid_intensity_source": grid.source,
                "grid_intensity_year": grid.year,
                "grid_intensity_alt_g_per_kwh": alt,
                "grid_intensity_alt_source": (
                    f"Cloud Carbon Footprint app factor ({rec['cloud']}:{rec['region']})"
                    if alt is not None
                    else None
                ),
                "grid_intensity_provider_g_per_kwh": provider.g_per_kwh if provider else None,
                "grid_intensity_provider_source": provider.source if provider else None,
                "pue": float(pue.loc[rec["cloud"], "pue"]),
                "pue_source": f"{pue.loc[rec['cloud'], 'source']} ({pue.loc[rec['cloud'], 'source_date']})",
                "source": rec["source"],
                "source_date": rec["source_date"],
            }
        )
    frame = pd.DataFrame(rows).sort_values(["cloud", "region"]).reset_index(drop=True)
    refs = [
        ref,
        SourceRef("reference/regions_supplement.csv (project)", "2026-01"),
        SourceRef("reference/region_location_fixes.csv (project; measured RTT bound)", "2026-01"),
    ]
    if ccf_csv is not None:
        refs.append(describe(ccf_csv))
    return schema.coerce_table("regions", frame), refs


def _text(value: object) -> str | None:
    return None if value is None or pd.isna(value) or value == "" else str(value)  # type: ignore[call-overload]
