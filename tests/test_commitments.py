"""Commitments (commit-1y / commit-3y) as purchase options: the fleet's `purchase:` list, the
optimizer's 730 h/month billing rule, deployment as on-demand instances, and `cost` pricing a
plan's commitments (and `--purchase`) at the catalog's commitment rate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from _cli import run_cli

from cloudwright.core.errors import InputError
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.fleet.load import parse_fleet
from cloudwright.optimizer.fleet.resolve import resolve
from cloudwright.pricing.engine import estimate
from cloudwright.pricing.usage import Usage, parse_usage
from cloudwright.resource_graph.model import Graph

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "catalog"
# Commitment rates for two offerings of the fixture (the others stay NaN: none known).
G2_1Y, G2_3Y = 0.445, 0.318  # gcp us-central1 g2-standard-4 (on-demand 0.70683)
G6_1Y = 0.507  # aws us-east-1 g6.xlarge (on-demand 0.8048)
HOURS = 730.0


@pytest.fixture
def commit_catalog(tmp_path: Path) -> Path:
    """The fixture catalog with commitment prices on two offerings."""
    root = tmp_path / "catalog"
    shutil.copytree(FIXTURE, root)
    frame = pd.read_csv(root / "offerings.csv")
    for column in ("price_commit_1y_usd_hr", "price_commit_3y_usd_hr"):
        frame[column] = float("nan")
    frame["price_commit_source"] = None
    g2 = (frame["instance_type"] == "g2-standard-4") & (frame["region"] == "us-central1")
    g6 = (frame["instance_type"] == "g6.xlarge") & (frame["region"] == "us-east-1")
    assert g2.any() and g6.any()
    frame.loc[g2, ["price_commit_1y_usd_hr", "price_commit_3y_usd_hr"]] = [G2_1Y, G2_3Y]
    frame.loc[g6, "price_commit_1y_usd_hr"] = G6_1Y
    frame.loc[g2 | g6, "price_commit_source"] = "test rates (2026-05-20)"
    frame.to_csv(root / "offerings.csv", index=False)
    return root


def _fleet(tmp_path: Path, workloads: str, head: str = "") -> Path:
    path = tmp_path / "fleet.yaml"
    path.write_text(f"version: 1\nobjective: cost\n{head}workloads:\n{workloads}")
    return path


def _l4(name: str, hours: float, purchase: str, nodes: int = 1) -> str:
    return (
        f"  - name: {name}\n    kind: batch\n    gpu: {{type: L4}}\n    nodes: {nodes}\n"
        f"    hours_per_month: {hours:g}\n    purchase: {purchase}\n"
    )


def _plan(tmp_path: Path, catalog: Path, fleet: Path) -> dict[str, dict[str, object]]:
    out = tmp_path / "plan.json"
    done = run_cli("plan", str(fleet), "--catalog", str(catalog), "-o", str(out), "-f", "json")
    assert done.returncode == 0, done.stderr
    return {a["workload"]: a for a in json.loads(out.read_text())["assignments"]}


# ---- fleet -------------------------------------------------------------------------------


def test_purchase_lists_resolve(fixture_catalog: Catalog) -> None:
    text = """
version: 1
purchase: [on-demand, commit-1y]
workloads:
  - {name: a, kind: batch, gpu: {type: L4}}
  - {name: b, kind: batch, gpu: {type: L4}, spot: true}
  - {name: c, kind: batch, gpu: {type: L4}, purchase: commit-3y}
  - {name: d, kind: batch, gpu: {type: L4}, purchase: [spot, on-demand, spot]}
"""
    fleet = resolve(parse_fleet(text), fixture_catalog)
    got = {w.name: (w.purchase, w.spot) for w in fleet.workloads}
    assert got == {
        "a": (["on-demand", "commit-1y"], False),  # the fleet's default
        "b": (["on-demand", "spot", "commit-1y"], True),  # spot: true adds spot to it
        "c": (["commit-3y"], False),
        "d": (["on-demand", "spot"], True),  # canonical order, no repeats
    }
    plain = resolve(
        parse_fleet("version: 1\nworkloads:\n  - {name: a, kind: batch, gpu: {type: L4}}\n"),
        fixture_catalog,
    )
    assert plain.workloads[0].purchase == ["on-demand"]


def test_an_unknown_purchase_name_names_the_field_and_line(tmp_path: Path) -> None:
    fleet = _fleet(tmp_path, _l4("a", 730, "[on-demand, commit-1yr]"))
    done = run_cli("plan", str(fleet), "--catalog", str(FIXTURE))
    assert done.returncode == 2
    assert "fleet.yaml:9" in done.stderr and "workloads[0].purchase[1]" in done.stderr
    assert "did you mean: commit-1y" in done.stderr


@pytest.mark.parametrize(
    ("spot", "purchase"), [("true", "[on-demand, commit-1y]"), ("false", "[on-demand, spot]")]
)
def test_spot_and_a_contradicting_purchase_list_is_an_error(spot: str, purchase: str) -> None:
    text = (
        "version: 1\nworkloads:\n  - name: a\n    kind: batch\n    gpu: {type: L4}\n"
        f"    spot: {spot}\n    purchase: {purchase}\n"
    )
    with pytest.raises(InputError) as err:
        parse_fleet(text)
    assert "workloads[0].purchase" in err.value.message
    assert "contradicts" in err.value.message


# ---- optimizer ---------------------------------------------------------------------------


def test_a_steady_workload_commits_and_a_160_hour_one_does_not(
    tmp_path: Path, commit_catalog: Path
) -> None:
    both = "[on-demand, commit-1y]"
    fleet = _fleet(tmp_path, _l4("steady", 730, both, nodes=2) + _l4("monthly", 160, both))
    plan = _plan(tmp_path, commit_catalog, fleet)
    steady, monthly = plan["steady"], plan["monthly"]
    assert (steady["pricing"], steady["instance_type"]) == ("commit_1y", "g2-standard-4")
    cost = steady["cost"]
    assert isinstance(cost, dict)
    assert cost["compute_usd"] == pytest.approx(G2_1Y * HOURS * 2)  # 730 h × nodes
    assert "730 h/month" in str(steady["why"]) and "committed use discount" in str(steady["why"])
    # 160 h on-demand (0.70683 × 160 = $113) beats 730 committed hours (0.445 × 730 = $325).
    assert monthly["pricing"] == "on_demand"
    # Made to commit, it pays for all 730 h whatever it runs.
    forced = _plan(tmp_path, commit_catalog, _fleet(tmp_path, _l4("monthly", 160, "commit-1y")))
    assert forced["monthly"]["cost"]["compute_usd"] == pytest.approx(G2_1Y * HOURS)
    assert forced["monthly"]["hours_per_month"] == 160  # energy still follows the hours run
    # Energy and carbon are those of the same machines run on demand.
    on_demand = _fleet(tmp_path, _l4("steady", 730, "[on-demand]", nodes=2))
    again = _plan(tmp_path, commit_catalog, on_demand)["steady"]
    assert again["instance_type"] == "g2-standard-4" and again["region"] == steady["region"]
    assert steady["energy_kwh_month"] == pytest.approx(again["energy_kwh_month"])
    assert steady["carbon_kg_month"] == pytest.approx(again["carbon_kg_month"])


def test_the_three_year_term_wins_when_allowed(tmp_path: Path, commit_catalog: Path) -> None:
    fleet = _fleet(tmp_path, _l4("steady", 730, "[on-demand, commit-1y, commit-3y]"))
    steady = _plan(tmp_path, commit_catalog, fleet)["steady"]
    assert steady["pricing"] == "commit_3y"
    assert steady["cost"]["compute_usd"] == pytest.approx(G2_3Y * HOURS)


def test_commit_only_without_a_commitment_price_is_infeasible(tmp_path: Path) -> None:
    fleet = _fleet(tmp_path, _l4("steady", 730, "[commit-1y]"))
    done = run_cli("plan", str(fleet), "--catalog", str(FIXTURE))  # no commitment prices
    assert done.returncode == 3, done.stderr
    assert "no commitment price (commit-1y)" in done.stderr


# ---- deploy and cost ---------------------------------------------------------------------


def _instance_lines(report: dict[str, object]) -> list[dict[str, object]]:
    resources = report["resources"]
    assert isinstance(resources, list)
    return [
        c
        for r in resources
        for c in r["components"]
        if str(c["name"]).startswith(("Instance usage", "Committed hours"))
    ]


def _cost(tmp_path: Path, catalog: Path, source: Path, *extra: str) -> dict[str, object]:
    out = tmp_path / f"{source.stem}.cost.json"
    args = ("cost", str(source), "--catalog", str(catalog), "-f", "json", "-o", str(out), *extra)
    done = run_cli(*args)
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert isinstance(report, dict)
    return report


def test_a_commit_plan_previews_on_demand_and_costs_at_the_commit_rate(
    tmp_path: Path, commit_catalog: Path
) -> None:
    fleet = _fleet(tmp_path, _l4("steady", 730, "[commit-1y]", nodes=2))
    plan = _plan(tmp_path, commit_catalog, fleet)["steady"]
    assert plan["pricing"] == "commit_1y"
    graph_path = tmp_path / "graph.json"
    done = run_cli(
        "preview", str(tmp_path / "plan.json"), "--catalog", str(commit_catalog),
        "-o", str(graph_path), "-f", "json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    doc = json.loads(graph_path.read_text())
    instances = [r for r in doc["resources"] if r["type"] == "gcp:compute/instance:Instance"]
    assert len(instances) == 2
    for r in instances:  # plain on-demand machines: no Spot provisioning, no reservation
        scheduling = r["inputs"].get("scheduling", {})
        assert scheduling.get("provisioningModel", "STANDARD") == "STANDARD"
        assert "reservationAffinity" not in r["inputs"]
    assert any("committed use discount" in n for n in doc["notes"])
    assert doc["plan_usage"]["steady"]["commit_years"] == 1.0
    for source in (tmp_path / "plan.json", graph_path):
        report = _cost(tmp_path, commit_catalog, source)
        lines = _instance_lines(report)
        assert [c["unit_price_usd"] for c in lines] == [G2_1Y, G2_1Y]
        assert sum(float(c["monthly_usd"]) for c in lines) == pytest.approx(G2_1Y * HOURS * 2)
        assert all("commit-1y" in str(c["name"]) for c in lines)


def test_cost_purchase_prices_a_graph_as_committed(tmp_path: Path, commit_catalog: Path) -> None:
    fleet = _fleet(tmp_path, _l4("monthly", 160, "[on-demand]"))
    assert _plan(tmp_path, commit_catalog, fleet)["monthly"]["pricing"] == "on_demand"
    graph = tmp_path / "graph.json"
    done = run_cli(
        "preview", str(tmp_path / "plan.json"), "--catalog", str(commit_catalog),
        "-o", str(graph), "-f", "json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    plain = _instance_lines(_cost(tmp_path, commit_catalog, graph))
    assert [(c["quantity"], c["unit_price_usd"]) for c in plain] == [(160.0, 0.70683)]
    lines = _instance_lines(_cost(tmp_path, commit_catalog, graph, "--purchase", "commit-1y"))
    # The 160 hours run at the commit rate, plus the 570 committed hours not run (no energy).
    assert [(c["quantity"], c["unit_price_usd"]) for c in lines] == [
        (160.0, G2_1Y),
        (pytest.approx(570.0), G2_1Y),
    ]
    assert sum(float(c["monthly_usd"]) for c in lines) == pytest.approx(G2_1Y * HOURS)
    assert lines[1]["energy_kwh_month"] is None and "even when idle" in str(lines[1]["note"])
    three = _instance_lines(_cost(tmp_path, commit_catalog, graph, "--purchase", "commit-3y"))
    assert sum(float(c["monthly_usd"]) for c in three) == pytest.approx(G2_3Y * HOURS)


def test_no_commitment_price_stays_on_demand_and_says_so(fixture_catalog: Catalog) -> None:
    node = {
        "urn": "urn:pulumi:dev::p::aws:ec2/instance:Instance::n-0",
        "type": "aws:ec2/instance:Instance",
        "name": "n-0",
        "cloud": "aws",
        "region": "us-east-1",
        "inputs": {"instanceType": "g6.xlarge"},
    }
    graph = Graph.from_json({"schema": "cloudwright.graph/v1", "resources": [node]})
    usage = Usage(defaults={"*": {"commit_years": 1.0, "hours_per_month": 200.0}})
    lines = [
        c
        for r in estimate(graph, fixture_catalog, usage=usage).resources
        for c in r.components
        if c.unit == "hours"
    ]
    assert len(lines) == 1  # no committed-hours line without a commitment
    line = lines[0]
    assert line.unit_price_usd == pytest.approx(0.8048) and line.monthly_usd == pytest.approx(
        0.8048 * 200
    )
    assert "no 1-year commitment price in the catalog for g6.xlarge in aws:us-east-1" in str(
        line.note
    )


def test_commit_years_takes_0_1_or_3() -> None:
    assert parse_usage({"defaults": {"*": {"commit_years": 3}}}).defaults["*"] == {
        "commit_years": 3.0
    }
    with pytest.raises(InputError, match="expected one of 0, 1, 3"):
        parse_usage({"defaults": {"*": {"commit_years": 2}}})


def test_the_spot_share_counts_spot_only(tmp_path: Path, commit_catalog: Path) -> None:
    # No spot at all allowed: a spot-or-commit workload must commit (a commitment is no spot).
    fleet = _fleet(tmp_path, _l4("steady", 730, "[spot, commit-1y]"), "max_spot_fraction: 0\n")
    assert _plan(tmp_path, commit_catalog, fleet)["steady"]["pricing"] == "commit_1y"


def test_a_lock_keeps_its_commitment(tmp_path: Path, commit_catalog: Path) -> None:
    fleet = _fleet(tmp_path, _l4("steady", 730, "[on-demand, commit-1y]"))
    first = _plan(tmp_path, commit_catalog, fleet)["steady"]
    lock = tmp_path / "lock.json"
    shutil.copy(tmp_path / "plan.json", lock)
    out = tmp_path / "again.json"
    done = run_cli(
        "plan", str(fleet), "--catalog", str(commit_catalog), "--lock", str(lock),
        "-o", str(out), "-f", "json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    again = json.loads(out.read_text())["assignments"][0]
    assert (again["pricing"], again["region"]) == (first["pricing"], first["region"])
