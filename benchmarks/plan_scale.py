"""How fast does `plan()` place 100, 1,000 and 10,000 workloads over the full catalog?

Generates seeded fleets (training with and without fabric, inference with users and SLOs,
batch on spot, EU residency) over the shipped catalog, with capacity entries sized to bind
(and, with --budget, a budget that binds), then times `plan()` and its parts, reports peak
memory and the gap to the LP bound. It also places the same fleet the way a per-task
optimizer does (SkyPilot-style: each workload in turn takes its cheapest option that still
has capacity, no look-ahead) and compares the totals.

    .venv/bin/python benchmarks/plan_scale.py [--sizes 100 1000 10000] [--budget] [--seed 7]

Goal: 10,000 workloads in ≤ 2 s on 2 cores, within 0.5 % of the bound.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from pathlib import Path
from typing import Any

import numpy as np

from cloudwright.core.fsio import write_text
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.fleet.spec import Fleet
from cloudwright.optimizer.planner import build_plan, objective_spec, optimise, prepare
from cloudwright.reports.chart import bars_svg

CITIES = [
    ("frankfurt", 50.11, 8.68),
    ("new-york", 40.71, -74.01),
    ("london", 51.51, -0.13),
    ("san-francisco", 37.77, -122.42),
    ("tokyo", 35.68, 139.69),
    ("singapore", 1.35, 103.82),
    ("sao-paulo", -23.55, -46.63),
    ("sydney", -33.87, 151.21),
    ("mumbai", 19.08, 72.88),
    ("chicago", 41.88, -87.63),
]
DATA_HOMES = [
    "aws:us-east-1",
    "gcp:us-central1",
    "azure:westeurope",
    "gcp:europe-west4",
    "aws:eu-central-1",
    "azure:eastus",
]
REPEATS = 3
CAPACITY_POOLS = [
    ("aws", "us-*"),
    ("aws", "eu-*"),
    ("gcp", "us-*"),
    ("gcp", "europe-*"),
    ("azure", "*us*"),
    ("azure", "*europe*"),
]


def workload(rng: random.Random, i: int) -> dict[str, Any]:
    roll = rng.random()
    if roll < 0.3:
        w: dict[str, Any] = {
            "name": f"train-{i}",
            "kind": "training",
            "gpu": {
                "type": rng.choice([["H100"], ["H100", "A100-80GB"], ["A100-80GB"], ["H200"]]),
                "count": 8,
            },
            "nodes": rng.randint(1, 4),
            "hours_per_month": rng.choice([200, 400, 720]),
            "utilization": round(rng.uniform(0.5, 0.95), 2),
            "interconnect": "required" if rng.random() < 0.5 else "optional",
        }
    elif roll < 0.7:
        users = rng.sample(CITIES, rng.randint(1, 2))
        w = {
            "name": f"serve-{i}",
            "kind": "inference",
            "gpu": {
                "type": rng.choice([["L4"], ["T4"], ["L4", "A10G"], ["L40S"], ["A10G"]]),
                "count": 1,
            },
            "replicas": rng.randint(1, 8),
            "hours_per_month": 730,
            "utilization": round(rng.uniform(0.3, 0.7), 2),
            "users": [
                {"name": n, "lat": la, "lon": lo, "weight": rng.randint(1, 3)}
                for n, la, lo in users
            ],
            "egress_gb_month": rng.choice([0, 500, 5000]),
        }
        if rng.random() < 0.5:  # reachable from every city in CITIES
            w["latency_slo_ms"] = 150 if len(users) == 1 else 300
    else:
        w = {
            "name": f"batch-{i}",
            "kind": "batch",
            "gpu": {
                "type": rng.choice([["L4"], ["A10G"], ["T4"], ["A100-80GB"], ["L40S"]]),
                "count": rng.choice([1, 4, 8]),
            },
            "nodes": rng.randint(1, 8),
            "hours_per_month": rng.choice([50, 120, 300]),
            "utilization": round(rng.uniform(0.6, 1.0), 2),
            "spot": rng.random() < 0.6,
        }
        if rng.random() < 0.2:
            w["allow"] = {"continents": ["europe"]}
    if rng.random() < 0.3:
        w["data"] = {"size_gb": rng.choice([500, 5000, 50000]), "location": rng.choice(DATA_HOMES)}
    if rng.random() < 0.2:
        w["storage"] = {"object_tb": rng.choice([1, 10, 50])}
    return w


def fleet(n: int, seed: int, budget_usd: float | None) -> Fleet:
    return Fleet.model_validate(fleet_spec(n, seed, budget_usd))


def fleet_spec(n: int, seed: int, budget_usd: float | None = None) -> dict[str, Any]:
    """The seeded fleet as plain data (what a fleet file holds)."""
    rng = random.Random(seed)
    workloads = [workload(rng, i) for i in range(n)]
    capacity = [
        {"cloud": cloud, "region": pattern, "gpu": gpu, "max_gpus": max(8, n * share)}
        for cloud, pattern in CAPACITY_POOLS
        for gpu, share in (("H100", 1), ("A100-80GB", 1), ("L4", 1), ("T4", 1))
    ]
    spec: dict[str, Any] = {
        "version": 1,
        "name": f"bench-{n}",
        "objective": "cost",
        "capacity": capacity,
        "workloads": workloads,
        "max_spot_fraction": 0.5,
    }
    if budget_usd is not None:
        spec["budget"] = {"monthly_usd": budget_usd}
    return spec


def greedy_in_order(problem: Any, primary: np.ndarray) -> tuple[float, float, int]:
    """Per-task placement (SkyPilot-style): each workload, in order, takes its best candidate
    on `primary` whose capacity rows still have room; no budget, no look-ahead.
    Returns ($/month, kgCO2e/month, workloads left unplaced)."""
    cands, coupling = problem.cands, problem.coupling
    cap_rows = [k for k, kind in enumerate(coupling.kinds) if kind == "capacity"]
    columns = coupling.matrix[cap_rows].tocsc()
    left = coupling.upper[cap_rows].copy()
    usd, kg, unplaced = 0.0, 0.0, 0
    for i in range(len(cands.start) - 1):
        rows = np.arange(cands.start[i], cands.start[i + 1])
        placed = False
        for r in rows[np.argsort(primary[rows], kind="stable")]:
            need = columns[:, r].toarray().ravel()
            if np.all(need <= left + 1e-9):
                left -= need
                usd += float(cands.metrics.total_usd[r])
                kg += float(cands.metrics.carbon_kg[r])
                placed = True
                break
        unplaced += not placed
    return usd, kg, unplaced


def comparison(problem: Any, plan: Any, budget: float | None) -> str:
    m = problem.cands.metrics
    if budget is None:
        usd, _, unplaced = greedy_in_order(problem, m.total_usd)
        cost = plan.totals.monthly_usd
        if unplaced:
            return f"per-task greedy leaves {unplaced} workloads unplaced (capacity taken)"
        return (
            f"coupled MILP ${cost:,.0f}/month vs per-task cheapest-first in arrival order "
            f"${usd:,.0f} ({usd / cost - 1:+.2%})"
        )
    usd, kg, unplaced = greedy_in_order(problem, m.carbon_kg)
    over = usd - budget
    ok = "within budget" if plan.totals.monthly_usd <= budget else "OVER BUDGET"
    return (
        f"coupled MILP {plan.totals.carbon_kg_month / 1000:,.1f} tCO2e/month at "
        f"${plan.totals.monthly_usd:,.0f} ({ok}) vs per-task greenest-first "
        f"{kg / 1000:,.1f} tCO2e/month at ${usd:,.0f} (${over:+,.0f} vs budget)"
        + (f", {unplaced} unplaced" if unplaced else "")
    )


def run(n: int, seed: int, catalog: Catalog, with_budget: bool) -> tuple[float, float]:
    spec = fleet(n, seed, None)
    budget = None
    objective = "cost"
    if with_budget:
        # Minimise carbon under a budget 2 % above the cheapest feasible plan: the budget
        # row binds and couples every workload.
        probe = prepare(spec, catalog)
        cheapest = optimise(probe, objective_spec(probe, "cost")).result.objective_value
        budget = cheapest * 1.02
        spec = fleet(n, seed, budget)
        objective = "carbon"
    runs = []
    for _ in range(REPEATS):  # a shared 2-core machine: report the best of a few runs
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        problem = prepare(spec, catalog)
        t1 = time.perf_counter()
        outcome = optimise(problem, objective_spec(problem, objective))  # type: ignore[arg-type]
        t2 = time.perf_counter()
        plan = build_plan(problem, outcome)
        t3 = time.perf_counter()
        runs.append((t3 - t0, t0, t1, t2, t3, time.process_time() - cpu0))
    _, t0, t1, t2, t3, cpu = min(runs)
    r = outcome.result
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{n:>6} workloads │ candidates {len(problem.cands):>8,} │ MILP columns {r.considered:>7,} "
        f"│ rounds {r.rounds} │ prepare {t1 - t0:5.2f} s │ solve {t2 - t1:5.2f} s │ "
        f"plan objects {t3 - t2:5.2f} s │ total {t3 - t0:5.2f} s (CPU {cpu:5.2f} s) │ "
        f"peak RSS {rss_mb:,.0f} MB │ {r.status} │ gap to LP bound {r.gap:.4%}"
        + (f" │ objective carbon, budget ${budget:,.0f}" if budget else "")
    )
    print(f"{'':>6}           │ {comparison(problem, plan, budget)}")
    return _figure_row(problem, plan, budget)


def _figure_row(problem: Any, plan: Any, budget: float | None) -> tuple[float, float]:
    """(coupled MILP, per-task greedy) in the figure's unit: % above the MILP's cost, or
    tCO2e/month and % over budget with --budget."""
    m = problem.cands.metrics
    if budget is None:
        usd, _, _ = greedy_in_order(problem, m.total_usd)
        return 0.0, 100.0 * (usd / plan.totals.monthly_usd - 1)
    usd, _, _ = greedy_in_order(problem, m.carbon_kg)
    return 100.0 * max(plan.totals.monthly_usd / budget - 1, 0.0), 100.0 * (usd / budget - 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--budget", action="store_true", help="add a binding budget row")
    parser.add_argument("--chart", type=Path, help="write the MILP vs per-task figure (SVG)")
    args = parser.parse_args()
    t0 = time.perf_counter()
    catalog = Catalog.load()
    _ = catalog.region_offerings
    print(
        f"catalog {catalog.snapshot_date} loaded in {time.perf_counter() - t0:.2f} s "
        f"({len(catalog.region_offerings):,} region offerings); "
        + ("objective carbon under a binding budget" if args.budget else "objective cost")
    )
    rows = [run(n, args.seed, catalog, args.budget) for n in args.sizes]
    if args.chart is not None:
        write_text(args.chart, _figure(args.sizes, rows, args.budget))
        print(f"wrote {args.chart}")


def _figure(sizes: list[int], rows: list[tuple[float, float]], budget: bool) -> str:
    groups = [f"{n:,} workloads" for n in sizes]
    if budget:
        return bars_svg(
            groups,
            {
                "coupled MILP (carbon, within budget)": [r[0] for r in rows],
                "per-task greenest-first": [r[1] for r in rows],
            },
            title="Over budget, % (min carbon under a budget; same candidates and prices)",
            unit="% over the fleet budget",
            note="per-task = each workload in turn takes its greenest option with capacity left",
        )
    return bars_svg(
        groups,
        {
            "coupled MILP": [r[0] for r in rows],
            "per-task cheapest-first (SkyPilot-style)": [r[1] for r in rows],
        },
        title="Extra $/month vs the coupled MILP, % (same candidates, prices, capacity)",
        unit="% above the MILP's total",
        note="per-task = each workload in turn takes its cheapest option with capacity left",
    )


if __name__ == "__main__":
    main()
