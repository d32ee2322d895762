"""Scaling a measured profile to a target instance, and what the energy model does with it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.models.energy import instance_energy, node_power
from cloudwright.profiler.gpu_names import catalog_gpu_name, common_catalog_gpu
from cloudwright.profiler.record import (
    Energy,
    Hardware,
    Location,
    Measurement,
    Profile,
    Utilization,
)
from cloudwright.profiler.scaling import measured_power_from, scale_profile

HOUR_S = 3600.0


def make_profile(
    *,
    cpu_w: float = 40.0,
    gpu_w: float = 0.0,
    ram_w: float = 10.0,
    duration_s: float = HOUR_S,
    gpu_names: tuple[str, ...] = (),
    gpu_util: float | None = None,
    cpu_count: int = 8,
    ram_gb: float = 32.0,
    workload: str = "embed",
    exit_code: int = 0,
    started_at: datetime | None = None,
) -> Profile:
    hours = duration_s / HOUR_S
    kwh = {k: w * hours / 1000.0 for k, w in (("cpu", cpu_w), ("gpu", gpu_w), ("ram", ram_w))}
    return Profile(
        id=uuid.uuid4().hex[:12],
        workload=workload,
        command=["python", "train.py"],
        started_at=started_at or datetime(2026, 11, 20, 12, 0, tzinfo=UTC),
        duration_s=duration_s,
        exit_code=exit_code,
        energy=Energy(
            cpu_kwh=kwh["cpu"], gpu_kwh=kwh["gpu"], ram_kwh=kwh["ram"], total_kwh=sum(kwh.values())
        ),
        hardware=Hardware(
            cpu_model="Test CPU",
            cpu_count=cpu_count,
            gpu_model=f"{len(gpu_names)} x {gpu_names[0]}" if gpu_names else None,
            gpu_names=list(gpu_names),
            gpu_count=len(gpu_names),
            ram_total_gb=ram_gb,
        ),
        measurement=Measurement(
            tracking_mode="machine",
            interval_s=5,
            cpu_method="rapl",
            gpu_method="nvml" if gpu_names else "none",
            ram_method="dimm-model",
        ),
        utilization=Utilization(gpu=gpu_util),
        location=Location(country_iso3="USA"),
        codecarbon_version="3.3.2",
        cloudwright_version="0.1.0",
    )


def test_gpu_scaled_by_board_power_count_and_utilisation(fixture_catalog: Catalog) -> None:
    # One L4 (72 W board) measured at 60 W and 90 % utilisation → 8 H100 (700 W) at 50 %.
    profile = make_profile(gpu_w=60.0, gpu_names=("NVIDIA L4",), gpu_util=0.9)
    spec = fixture_catalog.instance("aws", "p5.48xlarge")
    scaled = scale_profile(fixture_catalog, profile, spec, gpu_utilization=0.5)
    idle = fixture_catalog.coefficient("gpu_idle_fraction", "aws").value
    curve = (idle + (1 - idle) * 0.5) / (idle + (1 - idle) * 0.9)
    assert scaled.gpu_w == pytest.approx(60.0 * 8 * 700 / 72 * curve)
    assert scaled.gpu_basis == "measured"
    assert scaled.cpu_w == pytest.approx(40.0 * 192 / 8)
    assert scaled.ram_w == pytest.approx(10.0 * 2048 / 32)
    assert scaled.total_w == pytest.approx(scaled.gpu_w + scaled.cpu_w + scaled.ram_w)
    assert any("L4 → 8×H100" in s and "0.90→0.50" in s for s in scaled.steps)


def test_unsampled_gpu_utilisation_means_no_utilisation_factor(fixture_catalog: Catalog) -> None:
    profile = make_profile(gpu_w=60.0, gpu_names=("NVIDIA L4",), gpu_util=None)
    spec = fixture_catalog.instance("gcp", "g2-standard-4")  # 1 × L4
    low = scale_profile(fixture_catalog, profile, spec, gpu_utilization=0.1)
    high = scale_profile(fixture_catalog, profile, spec, gpu_utilization=1.0)
    assert low.gpu_w == pytest.approx(60.0) == high.gpu_w
    assert any("not sampled" in s for s in low.steps)


def test_machine_without_gpu_keeps_the_modelled_gpu_part(fixture_catalog: Catalog) -> None:
    profile = make_profile(gpu_w=0.0)
    spec = fixture_catalog.instance("aws", "p5.48xlarge")
    scaled = scale_profile(fixture_catalog, profile, spec, gpu_utilization=0.8)
    modelled = node_power(fixture_catalog, spec, 0.8)
    assert scaled.gpu_w == pytest.approx(modelled.gpu_w)
    assert scaled.gpu_basis == "modelled"
    assert (scaled.cpu_basis, scaled.ram_basis) == ("measured", "measured")
    power = measured_power_from(fixture_catalog, profile, spec, 0.8)
    assert "GPU modelled (the profiled machine had no GPU)" in power.source
    assert "codecarbon 3.3.2" in power.source and "2026-11-20" in power.source


def test_unknown_gpu_model_is_modelled_not_guessed(fixture_catalog: Catalog) -> None:
    profile = make_profile(gpu_w=300.0, gpu_names=("NVIDIA GH200 480GB",), gpu_util=0.7)
    spec = fixture_catalog.instance("aws", "p5.48xlarge")
    scaled = scale_profile(fixture_catalog, profile, spec, gpu_utilization=0.7)
    assert scaled.gpu_basis == "modelled"
    assert scaled.gpu_w == pytest.approx(node_power(fixture_catalog, spec, 0.7).gpu_w)


def test_cpu_only_target_drops_the_gpu_part(fixture_catalog: Catalog) -> None:
    profile = make_profile(gpu_w=60.0, gpu_names=("NVIDIA L4",), gpu_util=0.5)
    spec = fixture_catalog.instance("aws", "m5.large")
    scaled = scale_profile(fixture_catalog, profile, spec, gpu_utilization=0.5)
    assert scaled.gpu_w == 0.0 and scaled.gpu_basis == "none"
    assert scaled.cpu_w == pytest.approx(40.0 * 2 / 8)


def test_instance_energy_uses_and_labels_the_measurement(fixture_catalog: Catalog) -> None:
    profile = make_profile(cpu_w=20.0, gpu_w=50.0, gpu_names=("NVIDIA L4",), gpu_util=0.8)
    spec = fixture_catalog.instance("gcp", "g2-standard-4")
    measured = measured_power_from(fixture_catalog, profile, spec, 0.8)
    kwargs: dict[str, Any] = {"nodes": 2, "hours_per_month": 730, "gpu_utilization": 0.8}
    modelled = instance_energy(fixture_catalog, "gcp", "us-central1", "g2-standard-4", **kwargs)
    with_profile = instance_energy(
        fixture_catalog, "gcp", "us-central1", "g2-standard-4", measured=measured, **kwargs
    )
    assert modelled.basis == "modelled" and with_profile.basis == "measured"
    assert with_profile.node_it_power_w == pytest.approx(measured.node_it_power_w)
    pue = fixture_catalog.region("gcp", "us-central1").pue
    assert with_profile.kwh_month == pytest.approx(measured.node_it_power_w * 2 * 730 / 1000 * pue)
    assert with_profile.kwh_month != pytest.approx(modelled.kwh_month)
    assert with_profile.note == measured.source


@settings(max_examples=60, deadline=None)
@given(
    factor=st.floats(min_value=0.01, max_value=100.0),
    util=st.floats(min_value=0.0, max_value=1.0),
)
def test_scaled_power_is_linear_in_measured_power(
    fixture_catalog: Catalog, factor: float, util: float
) -> None:
    spec = fixture_catalog.instance("azure", "Standard_ND96isr_H100_v5")
    base = make_profile(
        cpu_w=30.0, gpu_w=200.0, ram_w=12.0, gpu_names=("NVIDIA H100 80GB HBM3",), gpu_util=0.6
    )
    times = make_profile(
        cpu_w=30.0 * factor,
        gpu_w=200.0 * factor,
        ram_w=12.0 * factor,
        gpu_names=("NVIDIA H100 80GB HBM3",),
        gpu_util=0.6,
        duration_s=HOUR_S / 7,  # the duration must not matter: power is energy ÷ time
    )
    a = scale_profile(fixture_catalog, base, spec, util)
    b = scale_profile(fixture_catalog, times, spec, util)
    assert b.total_w == pytest.approx(a.total_w * factor, rel=1e-9)


@pytest.mark.parametrize(
    ("device", "expected"),
    [
        ("NVIDIA H100 80GB HBM3", "H100"),
        ("NVIDIA A100-SXM4-40GB", "A100-40GB"),
        ("NVIDIA A100 80GB PCIe", "A100-80GB"),
        ("Tesla T4", "T4"),
        ("NVIDIA L4", "L4"),
        ("NVIDIA L40S", "L40S"),
        ("NVIDIA L40", "L40"),
        ("Tesla V100-SXM2-32GB", "V100-32GB"),
        ("Tesla V100-SXM2-16GB", "V100"),
        ("NVIDIA RTX PRO 6000 Blackwell Server Edition", "RTX-PRO-6000"),
        ("AMD Instinct MI300X", "MI300X"),
        ("NVIDIA GB200", "GB200"),
        ("NVIDIA GH200 480GB", None),
        ("NVIDIA GeForce RTX 4090", None),
    ],
)
def test_gpu_driver_names_map_to_catalog_names(device: str, expected: str | None) -> None:
    from cloudwright.optimizer.catalog.schema import CANONICAL_GPUS

    assert catalog_gpu_name(device, CANONICAL_GPUS) == expected


def test_mixed_gpus_have_no_common_catalog_name() -> None:
    names = ["NVIDIA L4", "NVIDIA H100 80GB HBM3"]
    assert common_catalog_gpu(names, ["L4", "H100"]) is None
    assert common_catalog_gpu(["NVIDIA L4", "NVIDIA L4"], ["L4", "H100"]) == "L4"
    assert common_catalog_gpu([], ["L4"]) is None
