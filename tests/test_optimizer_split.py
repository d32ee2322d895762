"""Inference served from several regions (`placement.max_regions`): issue 14, part 4.

The done-means case runs on the shipped catalog (examples/multi-region.yaml: Frankfurt,
Virginia and Singapore under 40 ms); the optimum is checked against a brute force over every
way to place the populations, so the MILP's deployment rows cannot quietly be wrong.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from _cli import run_cli

from cloudwright.core.errors import InfeasibleError, InputError
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.fleet.load import fleet_from_data
from cloudwright.optimizer.fleet.split import replica_shares
from cloudwright.optimizer.plan import Plan
from cloudwright.optimizer.planner import build_plan, objective_spec, optimise, prepare
from cloudwright.optimizer.solver.objective import TIE_BREAK

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "multi-region.yaml"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


def _spec(**changes: object) -> dict[str, object]:
    data = yaml.safe_load(EXAMPLE.read_text())
    data["workloads"][0].update(changes)
    return data


def _fleet(data: dict[str, object]):  # type: ignore[no-untyped-def]
    from cloudwright.core.yamlsource import SourceMap

    return fleet_from_data(data, SourceMap("fleet"))


def _plan(catalog: Catalog, data: dict[str, object]) -> Plan:
    problem = prepare(_fleet(data), catalog)
    return build_plan(problem, optimise(problem, objective_spec(problem)))


def test_replica_shares_follow_weights_with_one_each() -> None:
    assert replica_shares(12, [0.4, 0.4, 0.2]) == [5, 5, 2]
    assert replica_shares(10, [1, 1, 1]) == [4, 3, 3]
    assert replica_shares(2, [5, 1, 1]) == [1, 1, 1]  # every served population needs one
    assert sum(replica_shares(97, [3, 2, 2, 1])) == 97


def test_one_region_cannot_meet_three_populations(catalog: Catalog) -> None:
    with pytest.raises(InfeasibleError, match="40 ms latency SLO"):
        _plan(catalog, _spec(placement={"max_regions": 1}))


def test_two_regions_cannot_either_and_the_error_lists_each_populations_regions(
    catalog: Catalog,
) -> None:
    with pytest.raises(InfeasibleError) as err:
        _plan(catalog, _spec(placement={"max_regions": 2}))
    text = f"{err.value} {err.value.hint}"
    assert "max_regions 2" in text
    for population in ("frankfurt", "virginia", "singapore"):
        assert f"{population}:" in text


def test_three_regions_serve_each_population_within_its_slo(catalog: Catalog) -> None:
    plan = _plan(catalog, _spec())
    assert [a.workload for a in plan.assignments] == ["chat"] * 3
    assert len({(a.cloud, a.region) for a in plan.assignments}) == 3
    served = {s.name: s.latency_ms for a in plan.assignments for s in a.serves}
    assert set(served) == {"frankfurt", "virginia", "singapore"}
    assert all(ms <= 40.0 for ms in served.values())
    by_population = {s.name: a.replicas for a in plan.assignments for s in a.serves}
    assert by_population == {"frankfurt": 5, "virginia": 5, "singapore": 2}
    assert all(a.replicas == a.nodes for a in plan.assignments)
    # Each region pays its own storage copy and data copy, in its figures and the totals.
    assert all(a.cost.storage_usd > 0 and a.cost.egress_usd > 0 for a in plan.assignments)
    assert sum(a.monthly_usd for a in plan.assignments) == pytest.approx(plan.totals.monthly_usd)
    assert sum(a.carbon_kg_month for a in plan.assignments) == pytest.approx(
        plan.totals.carbon_kg_month
    )
    assert plan.solver is not None and plan.solver.gap == pytest.approx(0.0, abs=1e-6)
    assert "no single region meets every population's slo" in plan.assignments[0].why.lower()
    assert {a.deployment for a in plan.assignments} == {
        f"chat-{a.region}" for a in plan.assignments
    }


def test_the_plan_is_the_cheapest_way_to_serve_them(catalog: Catalog) -> None:
    """Brute force: every choice of one candidate per population, paying each distinct
    deployment's once-per-region cost, one deployment per region, at most three."""
    problem = prepare(_fleet(_spec()), catalog)
    outcome = optimise(problem, objective_spec(problem))
    cands, splits = problem.cands, outcome.solution.coupling.splits
    assert splits is not None and splits.cost is not None
    usd, kg = cands.metrics.total_usd, cands.metrics.carbon_kg
    per_row = usd + TIE_BREAK * kg
    options = [list(cands.rows(i)) for i in range(len(cands.start) - 1)]
    assert np.prod([len(o) for o in options]) < 200_000
    best = np.inf
    for rows in itertools.product(*options):
        deps = {int(splits.row_dep[r]) for r in rows}
        regions = [int(splits.dep_region[d]) for d in deps]
        if len(set(regions)) != len(regions) or len(deps) > 3:
            continue
        value = float(sum(per_row[r] for r in rows)) + float(splits.cost[sorted(deps)].sum())
        best = min(best, value)
    assert outcome.result.objective_value == pytest.approx(best, rel=1e-9)
    plan = build_plan(problem, outcome)
    assert plan.totals.monthly_usd == pytest.approx(best, rel=1e-6)


def test_a_budget_counts_each_regions_copies(catalog: Catalog) -> None:
    """A budget between the parts' compute alone and the plan with its per-region copies
    must be infeasible: the deployment columns sit in the budget row."""
    plan = _plan(catalog, _spec())
    fixed = sum(a.cost.storage_usd + a.cost.egress_usd for a in plan.assignments)
    data = _spec()
    data["budget"] = {"monthly_usd": plan.totals.monthly_usd - fixed / 2}
    with pytest.raises(InfeasibleError, match="budget"):
        _plan(catalog, data)
    data["budget"] = {"monthly_usd": plan.totals.monthly_usd * 1.001}
    assert _plan(catalog, data).totals.monthly_usd <= plan.totals.monthly_usd * 1.001


def test_capacity_moves_one_population_elsewhere(catalog: Catalog) -> None:
    plan = _plan(catalog, _spec())
    frankfurt = next(a for a in plan.assignments if a.serves[0].name == "frankfurt")
    data = _spec()
    data["capacity"] = [
        {"cloud": frankfurt.cloud, "region": frankfurt.region, "max_gpus": 0, "name": "none"}
    ]
    moved = _plan(catalog, data)
    again = next(a for a in moved.assignments if a.serves[0].name == "frankfurt")
    assert (again.cloud, again.region) != (frankfurt.cloud, frankfurt.region)
    assert again.serves[0].latency_ms <= 40.0
    assert moved.totals.monthly_usd >= plan.totals.monthly_usd


def test_populations_near_each_other_share_a_region(catalog: Catalog) -> None:
    users = [
        {"name": "frankfurt", "lat": 50.11, "lon": 8.68, "weight": 1},
        {"name": "amsterdam", "lat": 52.37, "lon": 4.90, "weight": 1},
        {"name": "virginia", "lat": 38.95, "lon": -77.45, "weight": 2},
    ]
    plan = _plan(catalog, _spec(users=users, replicas=8))
    assert len(plan.assignments) == 2  # the extra region's copies are not worth it
    europe = next(a for a in plan.assignments if len(a.serves) == 2)
    assert {s.name for s in europe.serves} == {"frankfurt", "amsterdam"}
    assert europe.replicas == 4
    assert europe.latency_ms == pytest.approx(np.mean([s.latency_ms for s in europe.serves]))


def test_one_population_or_one_region_plans_as_before(catalog: Catalog) -> None:
    one = [{"name": "frankfurt", "lat": 50.11, "lon": 8.68}]
    split = _plan(catalog, _spec(users=one, placement={"max_regions": 3}))
    plain = _plan(catalog, _spec(users=one, placement={"max_regions": 1}))
    assert split.assignments == plain.assignments
    assert split.assignments[0].serves == [] and split.assignments[0].replicas is None
    assert split.totals == plain.totals


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": "training", "replicas": None, "nodes": 2}, "placement.max_regions", "inference"),
        (
            {
                "users": [
                    {"name": "a", "lat": 1, "lon": 1},
                    {"name": "a", "lat": 2, "lon": 2},
                ]
            },
            "users",
            "named twice",
        ),
        ({"placement": {"max_regions": 0}}, "placement.max_regions", "greater than or equal"),
        ({"placement": {"regions": 3}}, "placement.regions", "did you mean: max_regions"),
    ],
)
def test_bad_placement_names_the_field(
    changes: dict[str, object], field: str, message: str
) -> None:
    data = _spec(**changes)
    data["workloads"][0] = {k: v for k, v in data["workloads"][0].items() if v is not None}
    with pytest.raises(InputError) as err:
        _fleet(data)
    assert field in str(err.value) and message in str(err.value)


def test_cli_plan_cost_preview_and_relock_handle_a_split_workload(tmp_path: Path) -> None:
    plan_path, graph = tmp_path / "plan.json", tmp_path / "graph.json"
    done = run_cli("plan", str(EXAMPLE), "--out", str(plan_path), cwd=ROOT)
    assert done.returncode == 0, done.stderr
    doc = json.loads(plan_path.read_text())
    assert [a["workload"] for a in doc["assignments"]] == ["chat"] * 3
    assert run_cli("preview", str(plan_path), "-o", str(graph), cwd=ROOT).returncode == 0
    resources = json.loads(graph.read_text())["resources"]
    for a in doc["assignments"]:
        named = [r for r in resources if r["name"].startswith(f"chat-{a['region']}")]
        assert named and all(r["workload"] == "chat" for r in named)
    out = tmp_path / "cost.json"
    done = run_cli("cost", str(plan_path), "-f", "json", "-o", str(out), cwd=ROOT)
    assert done.returncode == 0, done.stderr
    totals = json.loads(out.read_text())["totals"]
    assert totals["monthly_usd"] == pytest.approx(doc["totals"]["monthly_usd"], rel=0.005)
    assert totals["carbon_kg_month"] == pytest.approx(doc["totals"]["carbon_kg_month"], rel=0.005)
    again = tmp_path / "again.json"
    done = run_cli("plan", str(EXAMPLE), "--lock", str(plan_path), "--out", str(again), cwd=ROOT)
    assert done.returncode == 0, done.stderr
    changes = json.loads(again.read_text())["changes"]
    assert {c["workload"] for c in changes} == {
        "chat@frankfurt",
        "chat@virginia",
        "chat@singapore",
    }
    assert {c["action"] for c in changes} == {"kept"}


def test_the_pareto_sweep_counts_each_regions_copies(catalog: Catalog) -> None:
    from cloudwright.optimizer.pareto import frontier

    problem = prepare(_fleet(_spec()), catalog)
    plan = build_plan(problem, optimise(problem, objective_spec(problem)))
    points = frontier(problem, [0.0])
    assert points[0].monthly_usd == pytest.approx(plan.totals.monthly_usd, rel=1e-9)
    assert points[-1].carbon_kg_month <= plan.totals.carbon_kg_month
