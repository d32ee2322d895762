"""Properties of the planner over random fleets on the fixture catalog (hypothesis).

- no plan violates a constraint (GPU type/count, fabric, capacity, budget, spot share,
  co-location), and an infeasible verdict is right (brute force finds nothing either);
- with no coupling, `cost` picks each workload's cheapest feasible offering, computed here
  independently from the catalog's offerings table;
- the plan is optimal: brute force over every combination of candidates finds nothing cheaper;
- more capacity never raises the optimal cost;
- the same inputs give the same plan.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloudwright.core.errors import InfeasibleError
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.fleet.spec import Fleet
from cloudwright.optimizer.plan import Plan
from cloudwright.optimizer.planner import plan, prepare
from cloudwright.optimizer.solver import lagrange

SHAPES = [("H100", 8), ("A100-40GB", 8), ("L4", 1), ("T4", 1), ("H200", 8)]
POOLS = [("aws", "us-east-1"), ("aws", "*"), ("gcp", "*"), ("azure", "*"), (None, "*")]
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
REL_TOL = 1e-4  # HiGHS proves optimality to a 1e-5 relative gap; leave room for rounding


@st.composite
def workloads(draw: st.DrawFn, count: int) -> list[dict[str, Any]]:
    out = []
    for i in range(count):
        gpu, per_node = draw(st.sampled_from(SHAPES))
        fabric = per_node == 8 and draw(st.booleans())
        out.append(
            {
                "name": f"w{i}",
                "kind": "training" if per_node == 8 else "batch",
                "gpu": {"type": gpu, "count": per_node},
                "nodes": draw(st.integers(1, 4)),
                "interconnect": "required" if fabric else "optional",
                "hours_per_month": draw(st.sampled_from([50, 200, 730])),
                "utilization": draw(st.sampled_from([0.3, 0.8])),
                "spot": draw(st.booleans()),
            }
        )
    return out


@st.composite
def coupled_fleets(draw: st.DrawFn) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "version": 1,
        "objective": "cost",
        "workloads": draw(workloads(draw(st.integers(1, 4)))),
    }
    capacity = []
    for _ in range(draw(st.integers(0, 3))):
        cloud, region = draw(st.sampled_from(POOLS))
        gpu = draw(st.sampled_from([None, "H100", "L4", "A100-40GB"]))
        capacity.append(
            {
                "cloud": cloud,
                "region": region,
                "gpu": gpu,
                "max_gpus": draw(st.sampled_from([0, 8, 16, 32])),
            }
        )
    spec["capacity"] = capacity
    if draw(st.booleans()):
        spec["max_spot_fraction"] = draw(st.sampled_from([0.0, 0.5, 1.0]))
    if draw(st.booleans()):
        spec["budget"] = {"monthly_usd": draw(st.sampled_from([5_000, 50_000, 500_000]))}
    if len(spec["workloads"]) >= 2 and draw(st.booleans()):
        for w in spec["workloads"][:2]:
            w["colocate"] = "g"
    return spec


def violations(spec: dict[str, Any], p: Plan, catalog: Catalog) -> list[str]:
    """Every constraint of `spec` that plan `p` breaks (checked from the plan alone)."""
    out = []
    by_name = {w["name"]: w for w in spec["workloads"]}
    for a in p.assignments:
        w = by_name[a.workload]
        if a.gpu != w["gpu"]["type"] or a.gpu_count != w["gpu"]["count"]:
            out.append(f"{a.workload}: wrong GPU")
        if w["interconnect"] == "required" and a.interconnect == "none":
            out.append(f"{a.workload}: no fabric")
        if a.pricing == "spot" and not w["spot"]:
            out.append(f"{a.workload}: spot not allowed")
    for cap in spec.get("capacity", []):
        used = sum(
            a.gpu_count * a.nodes
            for a in p.assignments
            if (cap["cloud"] in (None, a.cloud))
            and (cap["region"] == "*" or cap["region"] == a.region)
            and cap["gpu"] in (None, a.gpu)
        )
        if used > cap["max_gpus"]:
            out.append(f"capacity {cap}: {used}")
    if "budget" in spec and p.totals.monthly_usd > spec["budget"]["monthly_usd"] * (1 + 1e-9):
        out.append("budget")
    if "max_spot_fraction" in spec:
        total = sum(a.gpu_count * a.nodes for a in p.assignments)
        spot = sum(a.gpu_count * a.nodes for a in p.assignments if a.pricing == "spot")
        if spot > spec["max_spot_fraction"] * total + 1e-9:
            out.append("spot share")
    grouped = [a for a in p.assignments if by_name[a.workload].get("colocate")]
    if len({(a.cloud, a.region) for a in grouped}) > 1:
        out.append("co-location")
    return out


def brute_force(spec: dict[str, Any], catalog: Catalog) -> float:
    """Cheapest total over every combination of candidates that meets every coupling row
    (math.inf when none does). Independent of the MILP, pricing and fixing."""
    problem = prepare(Fleet.model_validate(spec), catalog)
    cands, coupling = problem.cands, problem.coupling
    per_workload = [list(cands.rows(i)) for i in range(len(cands.start) - 1)]
    dense = coupling.matrix.toarray()
    region = cands.table.region_idx[cands.offer]
    groups = list(coupling.groups.values())
    best = math.inf
    for combo in itertools.product(*per_workload):
        rows = np.array(combo)
        if len(coupling) and np.any(dense[:, rows].sum(axis=1) > coupling.upper + 1e-9):
            continue
        if any(len({region[rows[i]] for i in members}) > 1 for members in groups):
            continue
        best = min(best, float(cands.metrics.total_usd[rows].sum()))
    return best


@SETTINGS
@given(spec=coupled_fleets())
def test_plans_keep_every_constraint_and_are_optimal(
    spec: dict[str, Any], fixture_catalog: Catalog
) -> None:
    feasible = _has_candidates(spec, fixture_catalog)
    expected = brute_force(spec, fixture_catalog) if feasible else math.inf
    try:
        p = plan(Fleet.model_validate(spec), fixture_catalog)
    except InfeasibleError:
        assert expected == math.inf
        return
    assert violations(spec, p, fixture_catalog) == []
    assert p.totals.monthly_usd <= expected * (1 + REL_TOL)
    assert p.solver is not None and p.solver.lp_bound is not None
    assert p.solver.lp_bound <= p.solver.objective_value * (1 + 1e-9) + 1e-6
    assert p.solver.objective_value == pytest.approx(p.totals.monthly_usd, rel=1e-5)


def _has_candidates(spec: dict[str, Any], catalog: Catalog) -> bool:
    try:
        prepare(Fleet.model_validate(spec), catalog)
    except InfeasibleError:
        return False
    return True


@SETTINGS
@given(ws=workloads(4))
def test_without_coupling_cost_takes_each_workloads_cheapest(
    ws: list[dict[str, Any]], fixture_catalog: Catalog
) -> None:
    spec = {"version": 1, "objective": "cost", "workloads": ws}
    try:
        p = plan(Fleet.model_validate(spec), fixture_catalog)
    except InfeasibleError:
        return
    from cloudwright.optimizer.models.infrastructure import InfrastructurePricer

    infra = InfrastructurePricer(fixture_catalog)
    offers = fixture_catalog.region_offerings
    for w in ws:
        a = p.assignment(w["name"])
        rows = offers[(offers.gpu == w["gpu"]["type"]) & (offers.gpu_count == w["gpu"]["count"])]
        if w["interconnect"] == "required":
            rows = rows[rows.interconnect != "none"]
        totals = []  # compute at each row's best price, plus what the stack builds with it
        for rec in rows.to_dict("records"):
            prices = [float(rec["price_on_demand_usd_hr"])]
            spot = rec["price_spot_usd_hr"]
            if w["spot"] and spot == spot and spot is not None:
                extra = fixture_catalog.coefficient("spot_interruption_overhead", rec["cloud"])
                prices.append(float(spot) * (1 + extra.value))
            prices = [x for x in prices if x == x]
            if not prices:
                continue
            built = infra.price(rec["cloud"], rec["region"], rec["instance_type"], False)
            totals.append(
                min(prices) * w["nodes"] * w["hours_per_month"]
                + built.per_node_usd * w["nodes"]
                + built.fixed_usd
            )
        cheapest = min(totals)
        assert a.monthly_usd == pytest.approx(cheapest, rel=1e-9)


@SETTINGS
@given(spec=coupled_fleets(), extra=st.sampled_from([8, 16, 64]))
def test_more_capacity_never_costs_more(
    spec: dict[str, Any], extra: int, fixture_catalog: Catalog
) -> None:
    if not spec["capacity"]:
        return
    try:
        tight = plan(Fleet.model_validate(spec), fixture_catalog).totals.monthly_usd
    except InfeasibleError:
        return
    loose_spec = {
        **spec,
        "capacity": [{**c, "max_gpus": c["max_gpus"] + extra} for c in spec["capacity"]],
    }
    loose = plan(Fleet.model_validate(loose_spec), fixture_catalog).totals.monthly_usd
    assert loose <= tight * (1 + REL_TOL)


@SETTINGS
@given(spec=coupled_fleets())
def test_same_inputs_give_the_same_plan(spec: dict[str, Any], fixture_catalog: Catalog) -> None:
    fleet = Fleet.model_validate(spec)
    try:
        one = plan(fleet, fixture_catalog).model_dump(exclude={"created_at", "solver"})
    except InfeasibleError as first:
        with pytest.raises(InfeasibleError) as second:
            plan(fleet, fixture_catalog)
        assert str(second.value) == str(first)
        return
    two = plan(fleet, fixture_catalog).model_dump(exclude={"created_at", "solver"})
    assert one == two


@SETTINGS
@given(spec=coupled_fleets())
def test_lagrangian_sifting_agrees_with_brute_force(
    spec: dict[str, Any], fixture_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The large-fleet path (Lagrangian sifting), forced on small fleets: every plan keeps the
    constraints, is optimal, and its bound is a true lower bound."""
    monkeypatch.setattr(lagrange, "SIFT_MIN_WORKLOADS", 1)
    feasible = _has_candidates(spec, fixture_catalog)
    expected = brute_force(spec, fixture_catalog) if feasible else math.inf
    try:
        p = plan(Fleet.model_validate(spec), fixture_catalog)
    except InfeasibleError:
        assert expected == math.inf
        return
    assert violations(spec, p, fixture_catalog) == []
    assert p.totals.monthly_usd <= expected * (1 + REL_TOL)
    assert p.solver is not None and p.solver.lp_bound is not None
    # The objective adds a 1e-6-per-kg carbon tie-break to the dollars brute force counts.
    assert p.solver.lp_bound <= expected * (1 + 1e-5)
    assert p.solver.lp_bound <= p.solver.objective_value * (1 + 1e-9) + 1e-6
