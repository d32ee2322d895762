"""The optimizer's models: each vectorised model agrees with the scalar reference it speeds
up, and the time-shift model finds the saving a known series holds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cloudwright.core.errors import InputError
from cloudwright.optimizer.catalog import Catalog, Point
from cloudwright.optimizer.models.energy import node_power
from cloudwright.optimizer.models.latency import LatencyModel, Population
from cloudwright.optimizer.models.power import power_vectors
from cloudwright.optimizer.models.storage import GB_PER_TB, StoragePricer
from cloudwright.optimizer.models.timeshift import (
    best_start,
    expected_saving,
    load_intensity_csv,
    series_from_frame,
)


def test_power_vectors_match_node_power(fixture_catalog: Catalog) -> None:
    offers = fixture_catalog.region_offerings
    vectors = power_vectors(fixture_catalog, offers)
    for k, rec in enumerate(offers.to_dict("records")):
        spec = fixture_catalog.instance(rec["cloud"], rec["instance_type"])
        for u in (0.0, 0.37, 1.0):
            expected = node_power(fixture_catalog, spec, u).total_w
            assert vectors.at(u)[k] == pytest.approx(expected)


def test_vectorised_latency_matches_catalog(fixture_catalog: Catalog) -> None:
    model = LatencyModel.from_catalog(fixture_catalog)
    regions = fixture_catalog.regions
    lat = regions["lat"].to_numpy(dtype=float)
    lon = regions["lon"].to_numpy(dtype=float)
    users = [Population(50.11, 8.68, 0.6), Population(40.71, -74.01, 0.4)]
    got = model.weighted_rtt_ms(users, lat, lon)
    for k, (cloud, region) in enumerate(zip(regions["cloud"], regions["region"], strict=True)):
        expected = sum(
            u.weight * fixture_catalog.latency(Point(u.lat, u.lon), (cloud, region)).rtt_ms
            for u in users
        )
        assert got[k] == pytest.approx(expected)


def test_storage_index_matches_catalog_unit_price(fixture_catalog: Catalog) -> None:
    pricer = StoragePricer(fixture_catalog)
    frame = fixture_catalog.unit_prices
    for cloud, service, product, unit in frame[["cloud", "service", "product", "unit"]].itertuples(
        index=False
    ):
        for region in ("us-east-1", "us-central1", "eastus", "europe-west4"):
            assert pricer.unit_price(cloud, service, product, unit, region) == (
                fixture_catalog.unit_price(cloud, service, product, unit, region)
            )


def test_storage_price_per_tb_and_unknowns(fixture_catalog: Catalog) -> None:
    pricer = StoragePricer(fixture_catalog)
    aws = pricer.price("aws", "us-east-1", 250)
    assert aws.object_usd_per_tb == pytest.approx(0.023 * GB_PER_TB)
    assert aws.parallel_fs_usd_per_tb == pytest.approx(0.21 * GB_PER_TB)
    assert aws.parallel_fs_product == "fsx_lustre PERSISTENT_2-250"
    # GCP Managed Lustre has no known price in the fixture: Parallelstore is used instead.
    gcp = pricer.price("gcp", "us-central1", 125)
    assert gcp.parallel_fs_product == "parallelstore capacity"
    # Azure Managed Lustre is known to exist, price unknown: None, never 0, with a note.
    azure = pricer.price("azure", "eastus", 125)
    assert azure.parallel_fs_usd_per_tb is None and azure.notes


def hourly_frame(values: list[float], start: str = "2024-01-01") -> pd.DataFrame:
    index = pd.date_range(start, periods=len(values), freq="1h")
    return pd.DataFrame({"time": index.astype(str), "ci": values})


def test_best_start_picks_the_cleanest_hours() -> None:
    # A 24-hour cycle, dirtiest at midnight and cleanest from 12:00 to 15:00.
    day = [400.0] * 12 + [100.0] * 4 + [400.0] * 8
    series = series_from_frame(hourly_frame(day * 5), source="test")
    offset, mean = best_start(series, run_hours=4, window_hours=24, release=0)
    assert (offset, mean) == (12, pytest.approx(100.0))
    result = expected_saving(series, run_hours=4, window_hours=24)
    assert result.best_start_hour == 12
    # Brute force, release by release: the best 4-hour start within each 24-hour window.
    v = np.array(day * 5)
    shifted = [min(v[s : s + 4].mean() for s in range(t, t + 21)) for t in range(len(v) - 24 + 1)]
    baseline = [v[t : t + 4].mean() for t in range(len(v) - 24 + 1)]
    assert result.shifted == pytest.approx(np.mean(shifted))
    assert result.baseline == pytest.approx(np.mean(baseline))
    assert result.saving_fraction == pytest.approx(1 - np.mean(shifted) / np.mean(baseline))


def test_no_window_slack_means_no_saving() -> None:
    series = series_from_frame(hourly_frame([300.0, 100.0] * 48), source="test")
    result = expected_saving(series, run_hours=6, window_hours=6)
    assert result.saving_fraction == 0.0 and result.best_start_hour is None


def test_flat_series_saves_nothing() -> None:
    series = series_from_frame(hourly_frame([250.0] * 96), source="test")
    assert expected_saving(series, 3, 24).saving_fraction == pytest.approx(0.0)


def test_series_quality_checks() -> None:
    with pytest.raises(InputError, match="at least"):
        series_from_frame(hourly_frame([1.0] * 10), source="short")
    gappy = hourly_frame([1.0] * 100)
    gappy = gappy.drop(index=range(20, 40))
    with pytest.raises(InputError, match="no data for more than"):
        series_from_frame(gappy, source="gappy")
    with pytest.raises(InputError, match="negative"):
        series_from_frame(hourly_frame([-1.0] * 60), source="neg")


def test_german_grid_15_minute_series(shared_data: Path) -> None:
    series = load_intensity_csv(shared_data / "carbon" / "hourly" / "de_2020_ci_15min.csv")
    assert series.hours > 24 * 365  # 15-minute samples averaged to hours
    result = expected_saving(series, run_hours=4, window_hours=24)
    # Germany's grid swings with solar and wind: a 4-hour run shifted within a day sees a
    # clearly cleaner mix than one started on release, but not an implausible one.
    assert 0.05 < result.saving_fraction < 0.4
    assert result.shifted < result.baseline
    assert result.best_start_hour is not None


def test_caiso_marginal_series(shared_data: Path) -> None:
    path = shared_data / "carbon" / "hourly" / "vessim_watttime_example_caiso_north.csv"
    series = load_intensity_csv(path)
    assert 24 * 28 < series.hours < 24 * 40  # 5-minute samples, about a month
    short = expected_saving(series, run_hours=4, window_hours=12)
    long = expected_saving(series, run_hours=4, window_hours=48)
    assert long.saving_fraction >= short.saving_fraction > 0  # a longer window never hurts


def test_window_longer_never_saves_less(shared_data: Path) -> None:
    series = load_intensity_csv(shared_data / "carbon" / "hourly" / "de_2020_ci_15min.csv")
    savings = [expected_saving(series, 6, w).saving_fraction for w in (6, 12, 24, 48)]
    assert savings == sorted(savings)
    assert np.isfinite(savings).all()
