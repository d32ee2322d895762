"""One plan, one number: the plan's totals, `cost plan.json`, `cost graph.json` (the plan's
saved offline preview) and the budget policies of `check` agree on dollars and carbon."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from _cli import run_cli

from cloudwright.core.errors import InputError
from cloudwright.optimizer.catalog import Catalog
from cloudwright.pricing.engine import estimate
from cloudwright.pricing.usage import Usage
from cloudwright.resource_graph.model import Graph

ROOT = Path(__file__).resolve().parent.parent
TOLERANCE = 0.005  # 0.5 %


def _cli(*args: str) -> str:
    done = run_cli(*args, cwd=ROOT)
    assert done.returncode in (0, 1), done.stderr
    return done.stderr


def _amount(text: str, pattern: str) -> float:
    match = re.search(pattern, text)
    assert match, text
    return float(match.group(1).replace(",", ""))


@pytest.mark.slow
# commitments.yaml: commit-1y/3y assignments, priced at the commitment rate × 730 h everywhere.
# sites.yaml: own sites (GpuAllocation components priced at the site's rate and carbon).
@pytest.mark.parametrize(
    "fleet",
    [
        "examples/fleet.yaml",
        "tests/fixtures/fleets/small_l4.yaml",
        "examples/three-clouds.yaml",
        "examples/commitments.yaml",
        "examples/sites.yaml",
        "examples/multi-region.yaml",  # one workload served from three regions
    ],
)
def test_four_totals_agree(tmp_path: Path, fleet: str) -> None:
    plan, graph = tmp_path / "plan.json", tmp_path / "graph.json"
    _cli("plan", fleet, "--out", str(plan))
    doc = json.loads(plan.read_text())
    if "commitments" in fleet:  # the case is about commitments: it must hold some
        assert {a["pricing"] for a in doc["assignments"]} >= {"commit_1y", "commit_3y"}
    totals = doc["totals"]
    figures = {"plan": (totals["monthly_usd"], totals["carbon_kg_month"])}
    _cli("preview", str(plan), "-o", str(graph))
    for name, source in (("cost plan.json", plan), ("cost graph.json", graph)):
        out = tmp_path / f"{source.stem}.cost.json"
        _cli("cost", str(source), "-f", "json", "-o", str(out))
        t = json.loads(out.read_text())["totals"]
        figures[name] = (t["monthly_usd"], t["carbon_kg_month"])
    caps = tmp_path / "caps.yaml"
    caps.write_text("monthly-budget:\n  monthlyUsd: 1\ncarbon-budget:\n  kgCo2ePerMonth: 1\n")
    check = tmp_path / "check.json"
    _cli("check", str(graph), "-c", str(caps), "-f", "json", "-o", str(check))
    messages = {v["policy"]: v["message"] for v in json.loads(check.read_text())["violations"]}
    figures["check budget"] = (
        _amount(messages["monthly-budget"], r"estimated \$([\d,.]+)/month"),
        _amount(messages["carbon-budget"], r"estimated ([\d,.]+) kgCO2e/month"),
    )
    usd0, kg0 = figures["plan"]
    for name, (usd, kg) in figures.items():
        assert usd == pytest.approx(usd0, rel=TOLERANCE), (name, figures)
        assert kg == pytest.approx(kg0, rel=TOLERANCE), (name, figures)


def _node(i: int, workload: str = "chat") -> dict[str, object]:
    return {
        "urn": f"urn:pulumi:dev::p::aws:ec2/instance:Instance::{workload}-{i}",
        "type": "aws:ec2/instance:Instance",
        "name": f"{workload}-{i}",
        "cloud": "aws",
        "region": "us-east-1",
        "workload": workload,
        "inputs": {"instanceType": "g5.xlarge"},
    }


def _graph(plan_usage: dict[str, object] | None = None) -> dict[str, object]:
    doc: dict[str, object] = {
        "schema": "cloudwright.graph/v1",
        "source": "offline-preview",
        "plan_id": "p1",
        "resources": [_node(i) for i in range(3)],
    }
    if plan_usage is not None:
        doc["plan_usage"] = plan_usage
    return doc


def _egress_lines(graph: Graph, catalog: Catalog, usage: Usage | None = None) -> list[float]:
    report = estimate(graph, catalog, usage=usage)
    return [
        c.quantity
        for r in report.resources
        for c in r.components
        if c.name == "Outbound data transfer to Internet"
    ]


def test_a_workloads_egress_is_priced_once(fixture_catalog: Catalog) -> None:
    graph = Graph.from_json(_graph({"chat": {"egress_gb": 4000.0, "hours_per_month": 300.0}}))
    assert _egress_lines(graph, fixture_catalog) == [4000.0]  # not once per node
    # A per-resource figure stays per resource.
    usage = Usage(resources={f"chat-{i}": {"egress_gb": 10.0} for i in range(3)})
    assert _egress_lines(Graph.from_json(_graph()), fixture_catalog, usage) == [10.0] * 3


def test_the_graph_carries_the_plans_hours(fixture_catalog: Catalog) -> None:
    with_usage = Graph.from_json(_graph({"chat": {"hours_per_month": 100.0}}))
    hours = {
        c.quantity
        for r in estimate(with_usage, fixture_catalog).resources
        for c in r.components
        if c.unit == "hours"
    }
    assert hours == {100.0}
    # Round trip through graph.json; a user's usage file still wins over the plan's.
    again = Graph.from_json(json.loads(json.dumps(with_usage.to_json())))
    assert again.plan_usage == {"chat": {"hours_per_month": 100.0}}
    mine = Usage(workloads={"chat": {"hours_per_month": 50.0}})
    priced = estimate(again, fixture_catalog, usage=mine)
    assert {c.quantity for r in priced.resources for c in r.components if c.unit == "hours"} == {
        50.0
    }


@pytest.mark.parametrize(
    "bad", [{"chat": {"hours_per_month": -1}}, {"chat": {"x": "many"}}, {"chat": 3}]
)
def test_bad_plan_usage_is_an_input_error(bad: dict[str, object]) -> None:
    with pytest.raises(InputError, match="plan_usage"):
        Graph.from_json(_graph(bad))


def test_cluster_infrastructure_is_priced_as_the_stack_builds_it(fixture_catalog: Catalog) -> None:
    from cloudwright.optimizer.models.infrastructure import InfrastructurePricer

    pricer = InfrastructurePricer(fixture_catalog)
    aws = pricer.price("aws", "us-east-1", "p5.48xlarge", storage=True)
    assert aws.per_node_usd == pytest.approx(200 * 0.08)  # gp3 boot volume
    assert aws.fixed_usd == pytest.approx(730 * (0.045 + 0.005) + 1.0)  # NAT, EIP, KMS key
    gcp = pricer.price("gcp", "us-central1", "g2-standard-4", storage=False)
    assert gcp.per_node_usd == pytest.approx(200 * 0.10 + 730 * 0.0014)  # pd-balanced, NAT/VM
    # No pd-balanced row in europe-west4 (nor a '*' one): the cloud's known regions' median
    # is weighed, never $0, so a region is not favoured for lacking a row.
    west4 = pricer.price("gcp", "europe-west4", "g2-standard-4", storage=False)
    assert west4.per_node_usd == pytest.approx(gcp.per_node_usd)
    assert pricer.price("site", "fra-dc", "site-H100x8", storage=True).per_node_usd == 0.0
