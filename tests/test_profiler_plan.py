"""Planning with profiles: a profiled workload's energy and carbon change and say "measured"."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from test_profiler_scaling import make_profile

from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.fleet import parse_fleet
from cloudwright.optimizer.plan import Assignment, Plan
from cloudwright.optimizer.planner import plan
from cloudwright.profiler.record import Location
from cloudwright.profiler.runner import ProfileRequest, run_profiled
from cloudwright.profiler.store import ProfileStore

FLEET = """
version: 1
name: profiled
objective: cost
workloads:
  - name: embed
    kind: batch
    gpu: {type: L4, count: 1}
    nodes: 2
    hours_per_month: 300
    utilization: 0.9
  - name: chat
    kind: inference
    gpu: {type: L4, count: 1}
    replicas: 1
    hours_per_month: 730
    utilization: 0.5
"""


def _plan(catalog: Catalog, store: ProfileStore | None) -> Plan:
    return plan(parse_fleet(FLEET), catalog, profiles=store, time_limit_s=30)


def _same_placement(a: Assignment, b: Assignment) -> bool:
    return (a.cloud, a.region, a.instance_type, a.nodes) == (
        b.cloud,
        b.region,
        b.instance_type,
        b.nodes,
    )


def test_measured_gpu_profile_changes_energy_and_carbon(
    tmp_path: Path, fixture_catalog: Catalog
) -> None:
    store = ProfileStore(tmp_path)
    # An L4 measured at 90 % utilisation drawing 35 W (the model says 72 W × 0.925).
    store.add(
        make_profile(
            workload="embed",
            gpu_w=35.0,
            cpu_w=6.0,
            ram_w=4.0,
            gpu_names=("NVIDIA L4",),
            gpu_util=0.9,
            cpu_count=4,
            ram_gb=16.0,
        )
    )
    modelled = _plan(fixture_catalog, None)
    measured = _plan(fixture_catalog, store)
    before, after = modelled.assignment("embed"), measured.assignment("embed")
    assert before.energy_basis == "modelled" and after.energy_basis == "measured"
    assert _same_placement(before, after)
    # The profile's node power (35 + 6 + 4 W on a 4-vCPU/16 GB L4 node) replaces the model.
    pue = fixture_catalog.region(after.cloud, after.region).pue
    from cloudwright.optimizer.models.infrastructure import InfrastructurePricer

    disks = InfrastructurePricer(fixture_catalog).price(
        after.cloud, after.region, after.instance_type, False
    )
    expected_kwh = (35.0 + 6.0 + 4.0) * after.nodes * after.hours_per_month / 1000 * pue
    expected_kwh += disks.per_node_kwh * after.nodes  # boot disks: not part of the profile
    assert after.energy_kwh_month == pytest.approx(expected_kwh, rel=1e-6)
    assert after.energy_kwh_month < before.energy_kwh_month
    assert after.carbon_kg_month < before.carbon_kg_month
    intensity = fixture_catalog.region(after.cloud, after.region).grid_intensity_g_per_kwh
    assert after.carbon_kg_month == pytest.approx(after.energy_kwh_month * intensity / 1000)
    # The unprofiled workload is untouched and still says so.
    assert measured.assignment("chat").energy_basis == "modelled"
    assert measured.assignment("chat").energy_kwh_month == pytest.approx(
        modelled.assignment("chat").energy_kwh_month
    )
    assert any("embed" in note for note in measured.notes if "easured" in note)


def test_profile_measured_on_this_machine_plans_as_measured(
    tmp_path: Path, fixture_catalog: Catalog
) -> None:
    outcome = run_profiled(
        ProfileRequest(
            command=[sys.executable, "-c", "sum(i*i for i in range(2*10**6))"],
            workload="embed",
            location=Location(country_iso3="USA"),
            interval_s=1.0,
        )
    )
    assert outcome.exit_code == 0 and outcome.profile is not None
    assert outcome.profile.energy.total_kwh > 0
    store = ProfileStore(tmp_path)
    store.add(outcome.profile)
    modelled = _plan(fixture_catalog, None).assignment("embed")
    measured = _plan(fixture_catalog, store).assignment("embed")
    assert measured.energy_basis == "measured"
    assert measured.energy_kwh_month != pytest.approx(modelled.energy_kwh_month)
    assert measured.carbon_kg_month != pytest.approx(modelled.carbon_kg_month)
    if outcome.profile.hardware.gpu_count == 0:
        # No GPU here: the GPU part stays modelled, CPU and RAM come from the profile, so the
        # change is the CPU+RAM difference only.
        spec = fixture_catalog.instance(measured.cloud, measured.instance_type)
        power = store.measured_power(fixture_catalog, "embed", spec, 0.9)
        assert power is not None and "GPU modelled" in power.source
