"""Renderers: JSON contract, CSV, FOCUS, Markdown, terminal table, and the cost diff."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cloudwright.optimizer.catalog import Catalog
from cloudwright.pricing import estimate
from cloudwright.pricing.report import CostReport
from cloudwright.pricing.usage import Usage
from cloudwright.reports.csv_out import COLUMNS as CSV_COLUMNS
from cloudwright.reports.csv_out import render_csv
from cloudwright.reports.diff import diff_reports
from cloudwright.reports.diff import render_markdown as diff_markdown
from cloudwright.reports.diff import render_text as diff_text
from cloudwright.reports.focus import COLUMNS as FOCUS_COLUMNS
from cloudwright.reports.focus import render_focus
from cloudwright.reports.markdown import render_markdown
from cloudwright.reports.table import render_text
from cloudwright.resource_graph.load import load_graph
from cloudwright.resource_graph.model import Graph

FLEET = Path(__file__).parent / "golden" / "graphs" / "fleet.graph.json"
USAGE = Usage(
    defaults={"aws:ec2/natGateway:NatGateway": {"data_processed_gb": 2000}},
    resources={
        "llm-pretrain-data": {"storage_gb": 50000},
        "embed-data": {"storage_gb": 20000, "egress_gb": 500},
    },
)


UNSUPPORTED = "aws:sagemaker/endpoint:Endpoint"  # a type no pricer knows (yet)


def _with_unsupported(graph: Graph) -> Graph:
    """The fleet graph plus one resource of a type nothing prices, so the reports' unsupported
    sections have something to show."""
    logs = next(r for r in graph.resources if r.name == "llm-pretrain-logs")
    extra = replace(
        logs,
        urn=logs.urn.replace("llm-pretrain-logs", "llm-pretrain-serve"),
        name="llm-pretrain-serve",
    )
    extra.type = UNSUPPORTED
    graph.resources.append(extra)
    return graph


@pytest.fixture(scope="module")
def fleet_report(fixture_catalog: Catalog) -> CostReport:
    return estimate(_with_unsupported(load_graph(FLEET)), fixture_catalog, usage=USAGE)


def test_json_follows_the_contract(fleet_report: CostReport) -> None:
    data = json.loads(json.dumps(fleet_report.to_json()))
    assert data["schema"] == "cloudwright.cost/v1" and data["estimate"] is True
    assert data["catalog"]["snapshot_date"] == "2026-05-20"
    for key in ("monthly_usd", "hourly_usd", "energy_kwh_month", "carbon_kg_month", "complete"):
        assert key in data["totals"]
    for resource in data["resources"]:
        for key in (
            "urn",
            "name",
            "type",
            "cloud",
            "region",
            "status",
            "hourly_usd",
            "monthly_usd",
            "energy_kwh_month",
            "carbon_kg_month",
            "components",
        ):
            assert key in resource
        assert resource["status"] in ("priced", "partial", "unknown", "free", "unsupported")
        for c in resource["components"]:
            assert {"name", "unit", "quantity", "unit_price_usd", "monthly_usd"} <= set(c)
    assert data["unsupported_types"] == {UNSUPPORTED: 1}
    assert set(data["breakdown"]) == {"cloud", "region", "workload"}
    assert data["breakdown"]["workload"]["llm-pretrain"]["monthly_usd"] > 160_000
    again = CostReport.from_json(data)
    assert again.to_json()["resources"] == data["resources"]


def test_csv_one_row_per_component(fleet_report: CostReport) -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv(fleet_report))))
    expected = sum(max(len(r.components), 1) for r in fleet_report.resources)
    assert len(rows) == expected and tuple(rows[0]) == CSV_COLUMNS
    lustre = next(r for r in rows if r["name"] == "finetune-lustre")
    assert lustre["monthly_usd"] == "" and lustre["component_status"] == "unknown"


def test_focus_export(fleet_report: CostReport) -> None:
    text = render_focus(fleet_report, now=datetime(2026, 12, 15, tzinfo=UTC))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == FOCUS_COLUMNS
    mandatory = {
        "BilledCost",
        "EffectiveCost",
        "ListCost",
        "ListUnitPrice",
        "PricingQuantity",
        "PricingUnit",
        "ConsumedQuantity",
        "ConsumedUnit",
        "ChargePeriodStart",
        "ChargePeriodEnd",
        "BillingPeriodStart",
        "BillingPeriodEnd",
        "BillingCurrency",
        "ProviderName",
        "PublisherName",
        "InvoiceIssuerName",
        "RegionId",
        "RegionName",
        "ResourceId",
        "ResourceName",
        "ResourceType",
        "ServiceName",
        "ServiceCategory",
        "ChargeCategory",
        "ChargeDescription",
        "SkuId",
        "Tags",
    }
    assert mandatory <= set(FOCUS_COLUMNS)
    assert sum(float(r["BilledCost"]) for r in rows) == pytest.approx(
        fleet_report.totals.monthly_usd
    )
    assert {r["ChargeCategory"] for r in rows} == {"Usage"}
    assert {r["x_Estimate"] for r in rows} == {"true"}
    assert rows[0]["ChargePeriodStart"] == "2026-12-01T00:00:00Z"
    assert rows[0]["ChargePeriodEnd"] == "2027-01-01T00:00:00Z"
    gpu = next(r for r in rows if "p5.48xlarge" in r["SkuId"])
    assert gpu["ProviderName"] == "Amazon Web Services" and gpu["PricingUnit"] == "Hours"
    assert gpu["ServiceCategory"] == "Compute" and gpu["PricingCategory"] == "Standard"
    assert json.loads(gpu["Tags"])["workload"] == "llm-pretrain"
    spot = next(r for r in rows if r["SkuId"].endswith(":spot"))
    assert spot["PricingCategory"] == "Dynamic"
    storage = next(r for r in rows if r["ResourceName"] == "llm-pretrain-data")
    assert storage["PricingUnit"] == "GB-Months" and storage["ServiceCategory"] == "Storage"
    nat = next(r for r in rows if r["ResourceName"] == "egress-nat" and r["PricingUnit"] == "GB")
    assert nat["ServiceCategory"] == "Networking"
    assert "finetune-lustre" not in {r["ResourceName"] for r in rows}  # unknown price: not exported


def test_markdown_for_pull_requests(fleet_report: CostReport) -> None:
    text = render_markdown(fleet_report)
    assert text.startswith("### Cloudwright cost estimate: `cloudwright/dev`")
    assert "| aws · us-east-1 · llm-pretrain | 4 |" in text
    assert "<details><summary>" in text and "**Unsupported types**" in text
    assert f"`{UNSUPPORTED}` × 1" in text
    assert "Estimate, not a bill" in text


def test_markdown_escapes_pipes(fixture_catalog: Catalog) -> None:
    graph = load_graph(FLEET)
    for resource in graph.resources:
        if resource.name == "finetune-ckpt":
            resource.name = "ckpt|disk"
    text = render_markdown(estimate(graph, fixture_catalog))
    assert "ckpt\\|disk" in text


def test_terminal_table(fleet_report: CostReport) -> None:
    text = render_text(fleet_report, width=160)
    assert "aws · us-east-1 · llm-pretrain" in text
    assert "Instance usage (Linux/UNIX, on-demand, p5.48xlarge)" in text
    assert "Monthly total" in text and "Unsupported types" in text
    assert "Capacity (AMLFS-Durable-Premium-125) (finetune-lustre)" in text
    assert "catalog snapshot 2026-05-20" in text


def _moved(graph: Graph) -> Graph:
    """The fleet with llm-pretrain's FSx grown and the NAT gateway removed."""
    resources = []
    for r in graph.resources:
        if r.name == "egress-nat":
            continue
        if r.name == "llm-pretrain-fsx":
            r = replace(r, inputs={**r.inputs, "storageCapacity": 19200})
        resources.append(r)
    return replace(graph, resources=resources, origin="after")


def test_diff(fixture_catalog: Catalog) -> None:
    before = load_graph(FLEET)
    old = estimate(before, fixture_catalog, usage=USAGE)
    new = estimate(_moved(before), fixture_catalog, usage=USAGE)
    diff = diff_reports(old, new)
    by = {r.name: r for r in diff.resources}
    assert by["llm-pretrain-fsx"].change == "changed"
    assert by["llm-pretrain-fsx"].delta.monthly_usd == pytest.approx(9600 * 0.21)
    assert by["egress-nat"].change == "removed"
    assert by["egress-nat"].delta.monthly_usd == pytest.approx(-(0.045 * 730 + 0.045 * 2000))
    assert diff.total.monthly_usd == pytest.approx(new.totals.monthly_usd - old.totals.monthly_usd)
    llm = next(w for w in diff.workloads if w.workload == "llm-pretrain")
    assert llm.delta.monthly_usd == pytest.approx(2016.0) and not llm.moved
    assert "llm-pretrain-fsx" in diff_text(diff) and "| llm-pretrain |" in diff_markdown(diff)
    data = diff.to_json()
    assert data["totals"]["delta_monthly_usd"] == pytest.approx(diff.total.monthly_usd)


def test_diff_detects_a_moved_workload(fixture_catalog: Catalog) -> None:
    graph = load_graph(FLEET)
    moved = []
    for r in graph.resources:
        if r.name == "chat-inference-l4":
            r = replace(r, region="eu-central-1")
        moved.append(r)
    old = estimate(graph, fixture_catalog)
    new = estimate(replace(graph, resources=moved), fixture_catalog)
    diff = diff_reports(old, new)
    chat = next(w for w in diff.workloads if w.workload == "chat-inference")
    assert chat.moved
    assert chat.old_where == ["aws:us-east-1"]
    assert chat.new_where == ["aws:us-east-1", "aws:eu-central-1"]  # the EKS cluster stayed
    # g6.xlarge costs more in Frankfurt; its gp2 disks have no Frankfurt price in the fixture,
    # so the new side is a lower bound and the diff says so.
    instances = (1.0064 - 0.8048) * 6 * 730
    assert chat.delta.monthly_usd == pytest.approx(instances - 0.10 * 600)
    assert diff.complete is False
