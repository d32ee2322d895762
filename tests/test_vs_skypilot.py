"""`plan` is never dearer than SkyPilot's choice for the same request, both priced with the
same catalog: SkyPilot takes the cheapest (instance type, region) whose accelerator name and
count match exactly, on-demand or spot as asked; both choices are then priced by the same
model (compute, spot overhead, what the stack builds with the cluster), and Cloudwright's,
chosen over a superset of SkyPilot's options, can only cost the same or less. Rows the catalog flags as doubtful are left out of both sides: SkyPilot
does not know the flag, and a price in doubt proves nothing."""

from __future__ import annotations

import math

import pytest

from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.fleet.load import parse_fleet
from cloudwright.optimizer.planner import build_plan, objective_spec, optimise, prepare

REQUESTS = [
    ("H100", 8, False),
    ("A100-80GB", 8, False),
    ("A100-40GB", 8, False),
    ("L4", 1, False),
    ("T4", 1, False),
    ("L40S", 1, False),
    ("H100", 8, True),
    ("L4", 1, True),
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


def _skypilot_choice(catalog: Catalog, gpu: str, count: int, spot: bool) -> tuple[str, str, str]:
    """SkyPilot's rule: the cheapest hourly price among exact accelerator matches."""
    rows = catalog.offerings
    column = "price_spot_usd_hr" if spot else "price_on_demand_usd_hr"
    match = rows[(rows["gpu"] == gpu) & (rows["gpu_count"] == count)]
    if "price_status" in match.columns:
        match = match[~match["price_status"].isin(["doubtful", "unknown"])]
    match = match[match["price_flag"].isna() | (match["price_flag"] == "")]
    match = match[match[column].notna()]
    assert not match.empty, (gpu, count, spot)
    best = match.loc[match[column].astype(float).idxmin()]
    return str(best["cloud"]), str(best["region"]), str(best["instance_type"])


def _plan(catalog: Catalog, gpu: str, count: int, spot: bool, pin: str = "") -> float:
    text = (
        "version: 1\nname: sky\nobjective: cost\nworkloads:\n"
        f"  - name: job\n    kind: batch\n    gpu: {{type: {gpu}, count: {count}}}\n"
        f"    nodes: 1\n    hours_per_month: 730\n    spot: {str(spot).lower()}\n{pin}"
    )
    fleet = parse_fleet(text)
    problem = prepare(fleet, catalog)
    plan = build_plan(problem, optimise(problem, objective_spec(problem)), fleet_name="sky")
    (chosen,) = plan.assignments
    assert math.isfinite(chosen.monthly_usd)
    return float(chosen.monthly_usd)


@pytest.mark.parametrize(("gpu", "count", "spot"), REQUESTS)
def test_plan_is_never_dearer_than_skypilots_choice(
    catalog: Catalog, gpu: str, count: int, spot: bool
) -> None:
    ours = _plan(catalog, gpu, count, spot)
    cloud, region, instance_type = _skypilot_choice(catalog, gpu, count, spot)
    # SkyPilot's pick, priced by the same model (compute, what the stack builds, spot overhead).
    pin = f'    clouds: [{cloud}]\n    allow: {{regions: ["{cloud}:{region}"]}}\n    instance_types: [{instance_type}]\n'
    theirs = _plan(catalog, gpu, count, spot, pin)
    assert ours <= theirs * (1 + 1e-9), (ours, theirs, cloud, region, instance_type)
