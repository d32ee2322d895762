"""The grid-intensity basis: one location-based figure per grid zone by default, the
provider-published per-region figure on request (labelled), a bad value refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _cli import run_cli

from cloudwright.core.errors import InputError
from cloudwright.optimizer.catalog import Catalog

ROOT = Path(__file__).resolve().parent.parent


def _intensity(catalog: Catalog, cloud: str, region: str) -> tuple[float, str]:
    row = catalog.regions.set_index(["cloud", "region"]).loc[(cloud, region)]
    return float(row["grid_intensity_g_per_kwh"]), str(row["grid_intensity_source"])


def test_location_basis_is_one_figure_per_grid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLOUDWRIGHT_CARBON_BASIS", raising=False)
    catalog = Catalog.load()
    gcp, _ = _intensity(catalog, "gcp", "us-central1")
    azure, _ = _intensity(catalog, "azure", "centralus")
    assert gcp == pytest.approx(azure)  # both Iowa


def test_provider_basis_uses_published_figures_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDWRIGHT_CARBON_BASIS", "provider")
    catalog = Catalog.load()
    assert catalog.carbon_basis == "provider"
    gcp, source = _intensity(catalog, "gcp", "us-central1")
    published = catalog.regions.set_index(["cloud", "region"]).loc[("gcp", "us-central1")]
    assert gcp == pytest.approx(float(published["grid_intensity_provider_g_per_kwh"]))
    assert source.startswith("provider-published basis: ")
    # No published figure (AWS, Azure): the location-based figure, unchanged.
    monkeypatch.delenv("CLOUDWRIGHT_CARBON_BASIS")
    assert _intensity(catalog, "aws", "us-east-1") == _intensity(Catalog.load(), "aws", "us-east-1")


def test_a_bad_basis_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDWRIGHT_CARBON_BASIS", "market")
    with pytest.raises(InputError, match="CLOUDWRIGHT_CARBON_BASIS"):
        Catalog.load()


def test_the_cli_option_changes_the_plans_carbon(tmp_path: Path) -> None:
    fleet = ROOT / "examples" / "three-clouds.yaml"
    totals = {}
    for basis in ("location", "provider"):
        out = tmp_path / f"{basis}.json"
        done = run_cli("--carbon-basis", basis, "plan", str(fleet), "--out", str(out))
        assert done.returncode == 0, done.stderr
        totals[basis] = json.loads(out.read_text())["totals"]["carbon_kg_month"]
    assert totals["provider"] != pytest.approx(totals["location"])  # GCP's finetune moved
    done = run_cli("--carbon-basis", "market", "plan", str(fleet), "--out", str(tmp_path / "x"))
    assert done.returncode == 2 and "location, provider" in done.stderr
