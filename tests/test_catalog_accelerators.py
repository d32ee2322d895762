"""Accelerators beside the GPUs (issue 14): TPU slices per zone, Trainium / Inferentia /
Gaudi / MI300X rows, their fabrics, power (published or a labelled estimate, never 0),
placeholder prices kept doubtful, aliases, and the `catalog show` / `stats` views.

Shipped-snapshot tests read `Catalog.load()`; the source cross-checks read ../shared/data
independently of the builders (skipped, saying why, without it).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from _cli import run_cli

from cloudwright.optimizer.catalog import Catalog, schema, views
from cloudwright.optimizer.catalog.flags import doubtful_price

ACCELERATORS = (*schema.TPUS, *schema.NEURON, "Gaudi-HL205", "MI300X")


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return Catalog.load()


def _rows(catalog: Catalog, instance_type: str) -> pd.DataFrame:
    offers = catalog.offerings
    return offers[offers["instance_type"] == instance_type]


def test_every_accelerator_family_is_sold_with_specs_and_power(shipped: Catalog) -> None:
    sold = set(shipped.offerings["gpu"].dropna())
    for name in ACCELERATORS:
        assert name in sold, name
        spec = shipped.gpu(name)
        assert spec.board_power_w > 0, name
        assert spec.memory_gb > 0, name
    # Unpublished power is an estimate that says so; TPU v4's is Google's measured maximum.
    for name in ("TPU-v5e", "TPU-v5p", "TPU-v6e", "Trainium1", "Trainium2", "Inferentia2"):
        spec = shipped.gpu(name)
        assert spec.source.startswith("estimate:") and not spec.verified, name
    assert shipped.gpu("TPU-v4").board_power_w == 192.0 and shipped.gpu("TPU-v4").verified
    assert shipped.gpu("MI300X").board_power_w == 750.0


def test_tpu_slice_rows(shipped: Catalog) -> None:
    v5p = _rows(shipped, "v5p-8")
    assert set(v5p["gpu"]) == {"TPU-v5p"}
    assert set(v5p["gpu_count"]) == {4}  # 8 TensorCores on 4 chips
    assert set(v5p["hosts"]) == {1} and set(v5p["topology"]) == {"2x2x1"}
    assert set(v5p["interconnect"]) == {"ICI"}
    us = v5p[v5p["region"] == "us-central1"]
    assert list(us["zone"]) == ["us-central1-a"]
    assert float(us["price_on_demand_usd_hr"].iloc[0]) == pytest.approx(16.8)
    assert float(us["price_spot_usd_hr"].iloc[0]) > 0
    assert set(v5p["price_status"]) == {"secondary"}
    big = _rows(shipped, "v5p-128")
    assert set(big["gpu_count"]) == {64} and set(big["hosts"]) == {16}
    assert set(big["topology"]) == {"4x4x4"}
    # Per chip alike across slice sizes in a region (the source's own invariant).
    for name in ("v5p-8", "v5p-128", "v6e-16", "v5litepod-8"):
        rows = _rows(shipped, name)
        rows = rows[rows["region"] == "us-central1"]
        per_chip = rows["price_on_demand_usd_hr"] / rows["gpu_count"]
        expected = {"v5p": 4.2, "v6e": 2.7, "v5l": 1.2}[name[:3]]
        assert per_chip.astype(float).tolist() == pytest.approx([expected] * len(rows))


def test_one_chip_slice_has_no_fabric(shipped: Catalog) -> None:
    assert set(_rows(shipped, "v6e-1")["interconnect"]) == {"none"}


def test_neuron_gaudi_and_mi300x_rows(shipped: Catalog) -> None:
    trn = shipped.instance("aws", "trn1.32xlarge")
    assert (trn.gpu, trn.gpu_count, trn.interconnect, trn.interconnect_nics) == (
        "Trainium1",
        16,
        "EFA",
        8,
    )
    assert shipped.hourly_price("aws", "us-east-1", "trn1.32xlarge") == pytest.approx(21.5)
    assert shipped.instance("aws", "trn1n.32xlarge").interconnect_nics == 16
    inf = shipped.instance("aws", "inf2.48xlarge")
    assert (inf.gpu, inf.gpu_count, inf.interconnect) == ("Inferentia2", 12, "none")
    dl1 = shipped.instance("aws", "dl1.24xlarge")
    assert (dl1.gpu, dl1.gpu_count, dl1.interconnect_nics) == ("Gaudi-HL205", 8, 4)
    trn2 = _rows(shipped, "trn2.48xlarge")
    # No on-demand list price anywhere: unknown, never $0.
    assert trn2["price_on_demand_usd_hr"].isna().all()
    assert set(trn2["price_status"]) == {"unknown"} and set(trn2["gpu"]) == {"Trainium2"}
    mi = shipped.instance("azure", "Standard_ND96isr_MI300X_v5")
    assert (mi.gpu, mi.gpu_count, mi.interconnect, mi.interconnect_nics) == (
        "MI300X",
        8,
        "InfiniBand",
        8,
    )
    assert mi.interconnect_gbps == 3200


def test_placeholder_prices_stay_doubtful(shipped: Catalog) -> None:
    offers = shipped.offerings
    placeholder = offers[offers["price_flag"].fillna("").str.contains("700.0 in the source")]
    # 32 TPU v6e source rows: 24 with a 700.0 on-demand (and spot) placeholder, 8 spot-only.
    assert len(placeholder) == 32
    on_demand = placeholder[placeholder["price_on_demand_usd_hr"] == 700.0]
    assert len(on_demand) == 24 and set(on_demand["price_status"]) == {"doubtful"}
    for flag in placeholder["price_flag"]:
        assert doubtful_price(flag)[1], flag  # every placeholder spot price is in doubt
    spot_only = placeholder[placeholder["price_on_demand_usd_hr"] != 700.0]
    assert set(spot_only["zone"]) == {"southamerica-west1-a"}
    assert not any(
        doubtful_price(f)[0] and "high outlier" not in f for f in spot_only["price_flag"]
    )


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("v5p", "TPU-v5p"),
        ("tpu-v5p", "TPU-v5p"),
        ("TPU-V5P", "TPU-v5p"),
        ("v5litepod", "TPU-v5e"),
        ("Trillium", "TPU-v6e"),
        ("v6e", "TPU-v6e"),
        ("v4", "TPU-v4"),
        ("trn1", "Trainium1"),
        ("Trainium", "Trainium1"),
        ("trn2", "Trainium2"),
        ("inf2", "Inferentia2"),
        ("Gaudi", "Gaudi-HL205"),
        ("dl1", "Gaudi-HL205"),
        ("mi300x", "MI300X"),
    ],
)
def test_aliases(shipped: Catalog, alias: str, canonical: str) -> None:
    assert shipped.check_gpu(alias) == canonical


def test_show_and_stats_views(shipped: Catalog) -> None:
    shown = views.show(shipped, gpu="TPU-v5p", region="us-central1")
    v5p8 = shown[shown["instance_type"] == "v5p-8"].iloc[0]
    assert v5p8["price_per_accelerator_usd_hr"] == pytest.approx(4.2)
    assert v5p8["hosts"] == 1 and v5p8["topology"] == "2x2x1"
    assert v5p8["gpu_board_power_w"] > 0
    stats = {(r["accelerator"], r["cloud"]): r for r in views.stats(shipped)["accelerators"]}
    assert {a for a, _ in stats} == set(ACCELERATORS)
    assert stats[("TPU-v5p", "gcp")]["min_usd_per_accelerator_hr"] == pytest.approx(4.2)
    assert stats[("Trainium1", "aws")]["min_usd_per_accelerator_hr"] == pytest.approx(1.34375)
    assert stats[("TPU-v6e", "gcp")]["doubtful_prices"] > 0
    # Doubtful placeholders are never in the price summary.
    assert stats[("TPU-v6e", "gcp")]["median_usd_per_accelerator_hr"] == pytest.approx(2.7)
    assert stats[("Trainium2", "aws")]["min_usd_per_accelerator_hr"] is None


def test_cli_show_and_stats() -> None:
    out = run_cli("catalog", "show", "--gpu", "TPU-v5p", "--region", "us-east5", "-f", "json")
    assert out.returncode == 0, out.stderr
    assert "v5p-8" in out.stdout and "us-east5-a" in out.stdout
    out = run_cli("catalog", "show", "--instance-type", "trn1.32xlarge", "-f", "csv")
    assert out.returncode == 0
    assert any(
        line.startswith("aws,us-east-1,") and ",21.5," in line for line in out.stdout.splitlines()
    )
    out = run_cli("catalog", "show", "--gpu", "Trainium1", "--limit", "3")
    assert out.returncode == 0 and "Trainium1" in out.stdout
    out = run_cli("catalog", "stats", env={"COLUMNS": "200"})
    assert out.returncode == 0
    for name in ("TPU-v5p", "Trainium1", "Inferentia2", "Gaudi-HL205", "MI300X"):
        assert name in out.stdout
    bad = run_cli("catalog", "show", "--gpu", "TPU-v9")
    assert bad.returncode == 2 and "TPU-v" in bad.stderr


def test_tpu_rows_match_the_source(shipped: Catalog, shared_data: Path) -> None:
    """Every GCP TPU row of cloud_prices.csv is in the catalog at its price."""
    source = pd.read_csv(shared_data / "accelerators" / "cloud_prices.csv")
    source = source[source["cloud"] == "gcp"]
    offers = shipped.offerings
    ours = offers[offers["gpu"].isin(schema.TPUS)].set_index(["instance_type", "zone"])
    assert ours.index.is_unique
    keys = list(zip(source["shape"], source["zone"], strict=True))
    joined = ours.reindex(keys)
    assert joined["gpu"].notna().all()
    assert joined["price_on_demand_usd_hr"].astype(float).tolist() == pytest.approx(
        source["price_on_demand_usd_h"].astype(float).tolist(), nan_ok=True
    )


def test_estimates_follow_the_specs(shared_data: Path) -> None:
    """The estimate rule, recomputed from specs.csv: TFLOPS x the reference's W/TFLOPS."""
    specs = pd.read_csv(shared_data / "accelerators" / "specs.csv").set_index("model")
    catalog = Catalog.load()
    v4 = specs.loc["TPU-v4"]
    ratio = v4["power_w"] / v4["peak_bf16_tflops_dense"]
    expected = specs.loc["TPU-v5p", "peak_bf16_tflops_dense"] * ratio
    assert catalog.gpu("TPU-v5p").board_power_w == pytest.approx(expected, abs=0.1)
