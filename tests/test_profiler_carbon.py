"""`cloudwright carbon intensity`: catalog figures beside codecarbon's, and name errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import FIXTURES
from typer.testing import CliRunner

from cloudwright.cli.app import app
from cloudwright.core.errors import InputError, UnknownNameError
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.catalog.codecarbon_grid import gcp_region_intensity, grid_intensity
from cloudwright.profiler.grid import intensity_report, resolve_location

CATALOG = ["--catalog", str(FIXTURES / "catalog")]


@pytest.fixture(autouse=True)
def _fixture_catalog_is_not_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS", "100000")


def _json(args: list[str]) -> Any:
    result = CliRunner().invoke(app, ["carbon", "intensity", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_country_comes_from_codecarbon() -> None:
    (row,) = _json(["--country", "deu"])
    expected = grid_intensity("DEU")
    assert row["scope"] == "DEU" and row["basis"] == "codecarbon"
    assert row["g_per_kwh"] == pytest.approx(expected.g_per_kwh)
    assert row["source"] == expected.source and "codecarbon" in row["source"]


def test_us_state_uses_the_state_figure() -> None:
    (row,) = _json(["--country", "USA", "--subdivision", "va"])
    assert row["scope"] == "USA/VA"
    assert row["g_per_kwh"] == pytest.approx(grid_intensity("USA", "VA").g_per_kwh)
    assert row["g_per_kwh"] != pytest.approx(grid_intensity("USA").g_per_kwh)


def test_cloud_region_shows_catalog_and_codecarbon(fixture_catalog: Catalog) -> None:
    rows = _json(["--cloud", "aws", "--region", "us-east-1", *CATALOG])
    by_basis = {r["basis"]: r for r in rows}
    catalog_row = by_basis["catalog"]
    info = fixture_catalog.region("aws", "us-east-1")
    assert catalog_row["g_per_kwh"] == info.grid_intensity_g_per_kwh
    assert catalog_row["source"] == info.grid_intensity_source
    assert (catalog_row["country"], catalog_row["subdivision"]) == ("USA", "VA")
    assert by_basis["catalog alt"]["g_per_kwh"] == pytest.approx(379.069)
    assert by_basis["codecarbon"]["g_per_kwh"] == pytest.approx(
        grid_intensity("USA", "VA").g_per_kwh
    )


def test_gcp_region_prefers_googles_figure() -> None:
    rows = _json(["--cloud", "gcp", "--region", "us-central1", *CATALOG])
    codecarbon_row = next(r for r in rows if r["basis"] == "codecarbon")
    google = gcp_region_intensity("us-central1")
    assert google is not None
    assert codecarbon_row["g_per_kwh"] == pytest.approx(google.g_per_kwh)
    assert "impact.csv" in codecarbon_row["source"]


def test_cloud_without_region_lists_every_region_cleanest_first(fixture_catalog: Catalog) -> None:
    rows = _json(["--cloud", "azure", *CATALOG])
    assert [r["scope"] for r in rows] == ["azure:westeurope", "azure:eastus"]
    values = [r["g_per_kwh"] for r in rows]
    assert values == sorted(values)


def test_table_output_names_the_source() -> None:
    result = CliRunner().invoke(app, ["carbon", "intensity", "--country", "FRA"])
    assert result.exit_code == 0, result.output
    assert "global_energy_mix" in result.output and "FRA" in result.output


@pytest.mark.parametrize(
    ("args", "suggestion"),
    [
        (["--country", "USX"], "USA"),
        (["--cloud", "aws", "--region", "us-eas-1", *CATALOG], "us-east-1"),
        (["--cloud", "awz", "--region", "us-east-1", *CATALOG], "aws"),
        (["--country", "USA", "--subdivision", "VX"], "VA"),
    ],
)
def test_unknown_names_suggest_close_ones(args: list[str], suggestion: str) -> None:
    result = CliRunner().invoke(app, ["carbon", "intensity", *args])
    assert isinstance(result.exception, UnknownNameError)
    assert suggestion in result.exception.suggestions


def test_conflicting_or_missing_choices(fixture_catalog: Catalog) -> None:
    with pytest.raises(InputError, match="not both"):
        intensity_report(fixture_catalog, country="USA", cloud="aws", region="us-east-1")
    with pytest.raises(InputError, match="--region needs --cloud"):
        intensity_report(fixture_catalog, region="us-east-1")
    with pytest.raises(InputError, match="say where"):
        intensity_report(None)


def test_profile_location_from_a_cloud_region(fixture_catalog: Catalog) -> None:
    where = resolve_location(fixture_catalog, cloud="gcp", region="europe-west4")
    assert (where.country_iso3, where.cloud, where.region) == ("NLD", "gcp", "europe-west4")
    assert where.grid_intensity_g_per_kwh == 209.0
    assert where.label == "gcp:europe-west4 (NLD)"


def test_country_names_are_accepted() -> None:
    (by_name,) = _json(["--country", "Germany"])
    (by_code,) = _json(["--country", "DEU"])
    assert by_name == by_code
    result = CliRunner().invoke(app, ["carbon", "intensity", "--country", "Germny"])
    assert isinstance(result.exception, UnknownNameError)
    assert "Germany" in result.exception.suggestions
