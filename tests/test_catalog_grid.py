"""Grid intensity through codecarbon's data and API; the latency fit."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from cloudwright.core.errors import UnknownNameError
from cloudwright.optimizer.catalog.build.latency_fit import fit_latency
from cloudwright.optimizer.catalog.build.regions import choose_intensity
from cloudwright.optimizer.catalog.codecarbon_grid import gcp_region_intensity, grid_intensity

LBS_PER_MWH_TO_G_PER_KWH = 0.45359237


def _codecarbon_json(name: str) -> dict[str, object]:
    text = resources.files("codecarbon").joinpath(f"data/private_infra/{name}").read_text("utf-8")
    data: dict[str, object] = json.loads(text)
    return data


def test_us_state_uses_egrid_rate() -> None:
    states = _codecarbon_json("2023/usa_emissions.json")
    virginia = states["virginia"]
    assert isinstance(virginia, dict)
    got = grid_intensity("USA", "VA")
    assert got.g_per_kwh == pytest.approx(
        virginia["emissions"] * LBS_PER_MWH_TO_G_PER_KWH, rel=1e-4
    )
    assert "eGRID" in got.source and "USA/VA" in got.source and got.year == "2023"


def test_country_uses_global_energy_mix() -> None:
    mix = _codecarbon_json("global_energy_mix.json")["DEU"]
    assert isinstance(mix, dict)
    got = grid_intensity("deu")
    assert got.g_per_kwh == pytest.approx(mix["carbon_intensity"])
    assert got.source.endswith("global_energy_mix (DEU)")


def test_canada_and_nordic_subdivisions() -> None:
    quebec, alberta = grid_intensity("CAN", "QC"), grid_intensity("CAN", "AB")
    assert quebec.g_per_kwh < 50 < alberta.g_per_kwh  # hydro vs gas/coal
    assert grid_intensity("SWE", "SE3").g_per_kwh < 100


def test_unknown_names_suggest() -> None:
    with pytest.raises(UnknownNameError):
        grid_intensity("XXX")
    with pytest.raises(UnknownNameError) as err:
        grid_intensity("USA", "VX")
    assert err.value.suggestions


def test_gcp_regions_use_googles_figures_else_fall_back() -> None:
    paris = gcp_region_intensity("europe-west9")
    assert paris is not None and paris.g_per_kwh < 100 and "impact.csv" in paris.source
    assert gcp_region_intensity("me-central1") is None  # codecarbon misspells it
    chosen = choose_intensity("gcp", "me-central1", "QAT", None, None)
    assert "global_energy_mix (QAT)" in chosen.source
    aws = choose_intensity("aws", "us-east-1", "USA", "VA", 379.0)
    assert "eGRID" in aws.source


def test_latency_fit_is_robust_to_detours() -> None:
    rng = np.random.default_rng(7)
    fibre = rng.uniform(5, 150, 400)
    rtt = 4.0 + 1.7 * fibre + rng.normal(0, 1.0, 400)
    rtt[:40] *= 3  # 10 % of routes take big detours
    fit = fit_latency(pd.DataFrame({"fibre_ms": fibre, "rtt_ms": rtt, "dataset": "synthetic"}))
    assert fit.inflation == pytest.approx(1.7, abs=0.05)
    assert fit.intercept_ms == pytest.approx(4.0, abs=1.5)
    assert fit.by_source["synthetic"]["pairs"] == 400
