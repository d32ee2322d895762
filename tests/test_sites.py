"""Own sites (fleet `sites`, issue 15): parsing and its errors (field and line), sites as
catalog rows (grid intensity by the catalog's own method, capacity, egress), fill-then-spill
to the cheapest cloud with the reason, an edge site winning latency-bound inference, sunk and
amortised prices, and the plan → preview → cost → check path agreeing on one number."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from _cli import run_cli

from cloudwright.core.errors import InfeasibleError, InputError, UnknownNameError
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.fleet import parse_fleet
from cloudwright.optimizer.fleet.sites import HOURS_PER_MONTH, SITE_CLOUD, site_catalog
from cloudwright.optimizer.plan import Plan
from cloudwright.optimizer.planner import plan

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CATALOG = ROOT / "tests" / "fixtures" / "catalog"
ENV = {"CLOUDWRIGHT_CATALOG": str(FIXTURE_CATALOG), "CLOUDWRIGHT_CATALOG_MAX_AGE_DAYS": "100000"}

SITE = """\
sites:
  - name: fra-dc
    kind: on-prem
    location: {lat: 50.11, lon: 8.68, country: DE}
    pue: 1.3
    accelerators:
      - {type: H100, count: 64, usd_per_gpu_hour: 1.20}
    egress_usd_per_gb: 0.02
"""
TRAINING = """\
workloads:
  - name: a
    kind: training
    gpu: {type: H100, count: 8}
    nodes: 4
  - name: b
    kind: training
    gpu: {type: H100, count: 8}
    nodes: 4
  - name: c
    kind: training
    gpu: {type: H100, count: 8}
    nodes: 2
"""
ALLOCATION = "cloudwright:site:GpuAllocation"
HEAD = "version: 1\nname: sites-test\nobjective: cost\n"


def _plan(text: str, catalog: Catalog) -> Plan:
    return plan(parse_fleet(text), catalog)


def _error(text: str, catalog: Catalog | None = None) -> InputError:
    with pytest.raises(InputError) as info:
        fleet = parse_fleet(text)
        if catalog is not None:
            plan(fleet, catalog)
    return info.value


# ---- parsing ---------------------------------------------------------------------------


def test_a_site_parses_with_its_defaults() -> None:
    fleet = parse_fleet(HEAD + SITE + TRAINING)
    (site,) = fleet.sites
    assert (site.name, site.kind, site.pue, site.gpus) == ("fra-dc", "on-prem", 1.3, 64)
    assert site.accelerators[0].gpus_per_node == 8 and site.accelerators[0].fabric == "none"


def test_an_unpriced_accelerator_is_refused_at_its_line() -> None:
    text = HEAD + SITE.replace(", usd_per_gpu_hour: 1.20", "") + TRAINING
    err = _error(text)
    assert "sites[0]" in err.message and "has no price" in err.message
    assert err.location is not None and err.location.endswith(":5")


def test_unknown_site_field_and_bad_kind_name_the_field_and_line() -> None:
    err = _error(HEAD + SITE.replace("pue: 1.3", "pue: 1.3\n    puee: 2") + TRAINING)
    assert "sites[0].puee" in err.message and err.location is not None
    assert err.location.endswith(":9") and "pue" in (err.hint or "")
    err = _error(HEAD + SITE.replace("on-prem", "basement") + TRAINING)
    assert "sites[0].kind" in err.message and err.location.endswith(":6")  # type: ignore[union-attr]


def test_duplicate_site_names_and_unknown_gpus_are_refused(fixture_catalog: Catalog) -> None:
    twice = SITE + SITE.replace("sites:\n", "")
    err = _error(HEAD + twice + TRAINING, fixture_catalog)
    assert "already used by sites[0]" in err.message and err.location is not None
    with pytest.raises(UnknownNameError) as info:
        _plan(HEAD + SITE.replace("type: H100", "type: H1000") + TRAINING, fixture_catalog)
    assert "sites[0].accelerators[0].type" in (info.value.location or "")


def test_a_grid_zone_codecarbon_lacks_is_refused_and_a_declared_figure_wins(
    fixture_catalog: Catalog,
) -> None:
    bad = SITE.replace("country: DE}", "country: US, state: ZZ}")
    err = _error(HEAD + bad + TRAINING, fixture_catalog)
    assert "no grid intensity for USA/ZZ" in err.message
    assert "sites[0].location.state" in (err.location or "") and "AZ" in (err.hint or "")
    own = SITE.replace("pue: 1.3", "pue: 1.3\n    grid_intensity_g_per_kwh: 20")
    info = site_catalog(parse_fleet(HEAD + own + TRAINING), fixture_catalog).region(
        SITE_CLOUD, "fra-dc"
    )
    assert info.grid_intensity_g_per_kwh == 20 and "(declared)" in info.grid_intensity_source


# ---- sites as catalog rows ----------------------------------------------------------------


def test_site_rows_use_the_catalogs_grid_method_and_only_the_site_catalog_knows_site(
    fixture_catalog: Catalog,
) -> None:
    fleet = parse_fleet(HEAD + SITE + TRAINING)
    extended = site_catalog(fleet, fixture_catalog)
    info = extended.region(SITE_CLOUD, "fra-dc")
    assert info.country == "DEU" and info.continent == "europe" and info.pue == 1.3
    assert info.grid_intensity_source.startswith("codecarbon") and "(DEU)" in (
        info.grid_intensity_source
    )
    assert info.grid_intensity_g_per_kwh == pytest.approx(381.0, abs=0.5)  # eu-central-1's zone
    assert extended.hourly_price(SITE_CLOUD, "fra-dc", "site-H100x8") == pytest.approx(9.6)
    assert extended.egress_usd_per_gb(SITE_CLOUD, "fra-dc", "internet") == 0.02
    assert site_catalog(fleet, fixture_catalog) is extended  # built once
    with pytest.raises(UnknownNameError):
        fixture_catalog.check_cloud(SITE_CLOUD)  # real catalogs are not loosened


# ---- fill, then spill ---------------------------------------------------------------------


def test_the_site_fills_first_and_the_rest_goes_to_the_cheapest_cloud(
    fixture_catalog: Catalog,
) -> None:
    result = _plan(HEAD + SITE + TRAINING, fixture_catalog)
    by = {a.workload: a for a in result.assignments}
    on_site = [a for a in result.assignments if a.cloud == SITE_CLOUD]
    assert sum(a.gpu_count * a.nodes for a in on_site) == 64  # full, never more
    assert {a.workload for a in on_site} == {"a", "b"}
    spill = by["c"]
    assert (spill.cloud, spill.region, spill.instance_type) == ("aws", "us-east-1", "p5.48xlarge")
    assert "site fra-dc's 64 H100 has 0 of 64 GPUs free" in spill.why
    assert "Site fra-dc (on-prem): 64 of 64 H100 GPUs used by this plan." in result.notes
    site = by["a"]
    assert site.region == "fra-dc" and site.site_kind == "on-prem" and site.site is not None
    assert site.hourly_usd == pytest.approx(1.2 * 32)
    assert site.cost.compute_usd == pytest.approx(1.2 * 32 * site.hours_per_month)
    assert "declared $1.20/GPU-hour" in site.why and "no cloud resources" in site.why


def test_a_workload_may_keep_to_clouds(fixture_catalog: Catalog) -> None:
    text = HEAD + SITE + TRAINING.replace("    nodes: 4\n", "    nodes: 4\n    clouds: [aws]\n", 1)
    by = {a.workload: a for a in _plan(text, fixture_catalog).assignments}
    assert by["a"].cloud == "aws" and by["b"].cloud == SITE_CLOUD


def test_storage_at_a_site_is_the_sites_own_unknown_never_a_crash(
    fixture_catalog: Catalog,
) -> None:
    big = SITE.replace("count: 64", "count: 80")
    text = HEAD + big + TRAINING + "    storage: {object_tb: 5, parallel_fs_tb: 10}\n"
    c = next(a for a in _plan(text, fixture_catalog).assignments if a.workload == "c")
    assert c.cloud == SITE_CLOUD and c.cost.storage_usd == 0
    assert "storage price is unknown" in c.why


def test_a_site_runs_its_own_scheduler_no_managed_cluster_fee(fixture_catalog: Catalog) -> None:
    text = HEAD.replace("objective: cost\n", "objective: cost\nplatform: kubernetes\n")
    by = {a.workload: a for a in _plan(text + SITE + TRAINING, fixture_catalog).assignments}
    assert by["a"].cloud == SITE_CLOUD and by["a"].cost.cluster_fee_usd == 0
    assert "cluster fee" not in by["a"].why
    assert by["c"].cloud == "aws" and by["c"].cost.cluster_fee_usd > 0


# ---- edge latency -------------------------------------------------------------------------

EDGE = """\
  - name: edge-nbo
    kind: edge
    location: {lat: -1.29, lon: 36.82, country: KE}
    pue: 1.6
    accelerators:
      - {type: L4, count: COUNT, gpus_per_node: 1, usd_per_gpu_hour: 0.95}
    egress_usd_per_gb: 0.05
"""
INFERENCE = """\
workloads:
  - name: chat
    kind: inference
    gpu: {type: L4}
    replicas: 2
    users: [{name: nairobi, lat: -1.29, lon: 36.82}]
    latency_slo_ms: SLO
"""


def test_an_edge_site_near_its_users_wins_latency_bound_inference(
    fixture_catalog: Catalog,
) -> None:
    text = HEAD + "sites:\n" + EDGE.replace("COUNT", "2") + INFERENCE.replace("SLO", "30")
    (a,) = _plan(text, fixture_catalog).assignments
    assert (a.cloud, a.region, a.site_kind) == (SITE_CLOUD, "edge-nbo", "edge")
    assert a.latency_ms is not None and a.latency_ms < 30
    # Without the site no region meets the SLO; with a loose SLO the cheaper cloud wins.
    with pytest.raises(InfeasibleError):
        _plan(HEAD + INFERENCE.replace("SLO", "30"), fixture_catalog)
    loose = HEAD + "sites:\n" + EDGE.replace("COUNT", "2") + INFERENCE.replace("SLO", "1000")
    (b,) = _plan(loose, fixture_catalog).assignments
    assert b.cloud == "gcp"  # g2-standard-4 at $0.71/h beats the site's $0.95


def test_an_edge_site_too_small_for_the_workload_cannot_take_it(
    fixture_catalog: Catalog,
) -> None:
    text = HEAD + "sites:\n" + EDGE.replace("COUNT", "1") + INFERENCE.replace("SLO", "30")
    with pytest.raises(InfeasibleError):
        _plan(text, fixture_catalog)


# ---- sunk and amortised capacity ----------------------------------------------------------


def test_sunk_capacity_costs_nothing_at_the_margin_and_says_so(fixture_catalog: Catalog) -> None:
    sunk = SITE.replace(", usd_per_gpu_hour: 1.20", "").replace(
        "    egress_usd_per_gb", "    sunk: true\n    egress_usd_per_gb"
    )
    result = _plan(HEAD + sunk + TRAINING, fixture_catalog)
    on_site = [a for a in result.assignments if a.cloud == SITE_CLOUD]
    assert sum(a.gpu_count * a.nodes for a in on_site) == 64
    for a in on_site:
        assert a.site is not None and a.site.price_basis == "sunk"
        assert a.cost.compute_usd == 0 and a.carbon_kg_month > 0  # free money, not free carbon
        assert "sunk capacity" in a.why and "not an unknown price" in a.why


def test_capex_is_amortised_over_the_sites_gpu_hours(fixture_catalog: Catalog) -> None:
    capex = SITE.replace(", usd_per_gpu_hour: 1.20", "").replace(
        "    egress_usd_per_gb",
        "    cost: {capex_usd: 2500000, amortisation_months: 36, opex_usd_per_month: 20000}\n"
        "    egress_usd_per_gb",
    )
    result = _plan(HEAD + capex + TRAINING, fixture_catalog)
    rate = (2_500_000 / 36 + 20_000) / (HOURS_PER_MONTH * 64)
    a = next(a for a in result.assignments if a.cloud == SITE_CLOUD)
    assert a.site is not None and a.site.price_basis == "amortised"
    assert a.site.usd_per_gpu_hour == pytest.approx(rate)
    assert a.hourly_usd == pytest.approx(rate * a.gpu_count * a.nodes)


# ---- plan → preview → cost → check --------------------------------------------------------


def _cli(*args: str) -> str:
    done = run_cli(*args, cwd=ROOT, env=ENV)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout + done.stderr


def test_plan_preview_cost_and_check_agree_on_a_site_plan(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet.yaml"
    fleet.write_text(HEAD + SITE + TRAINING)
    plan_file, graph = tmp_path / "plan.json", tmp_path / "graph.json"
    _cli("plan", str(fleet), "--out", str(plan_file))
    doc = json.loads(plan_file.read_text())
    assert {a["cloud"] for a in doc["assignments"]} == {"site", "aws"}
    totals = doc["totals"]
    shown = _cli("preview", str(plan_file))
    assert "site fra-dc: no cloud resources" in shown
    _cli("preview", str(plan_file), "-o", str(graph))
    resources = json.loads(graph.read_text())["resources"]
    allocations = [r for r in resources if r["type"] == ALLOCATION]
    assert sorted(r["name"] for r in allocations) == ["a", "b"]
    inputs = allocations[0]["inputs"]
    assert (inputs["site"], inputs["kind"], inputs["accelerator"]) == ("fra-dc", "on-prem", "H100")
    assert (inputs["gpus"], inputs["usdPerGpuHour"], inputs["pue"]) == (32, 1.2, 1.3)
    assert not [r for r in resources if r.get("parent") in {a["urn"] for a in allocations}]
    assert not [r for r in resources if r.get("workload") in ("a", "b") and r["custom"]]
    figures = {}
    for source in (plan_file, graph):
        out = tmp_path / f"{source.stem}.cost.json"
        _cli("cost", str(source), "-f", "json", "-o", str(out))
        t = json.loads(out.read_text())["totals"]
        figures[source.name] = (t["monthly_usd"], t["carbon_kg_month"])
    focus = tmp_path / "cost.csv"
    _cli("cost", str(plan_file), "-f", "focus", "-o", str(focus))
    with focus.open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["ResourceType"] == ALLOCATION]
    assert len(rows) == 2 and {r["ProviderName"] for r in rows} == {"Own site"}
    assert {r["ServiceCategory"] for r in rows} == {"Compute"}
    assert all(r["x_PriceSource"].endswith("sites[0]") for r in rows)
    site_usd = sum(a["cost"]["compute_usd"] for a in doc["assignments"] if a["cloud"] == "site")
    assert sum(float(r["BilledCost"]) for r in rows) == pytest.approx(site_usd)
    caps = tmp_path / "caps.yaml"
    caps.write_text("monthly-budget:\n  monthlyUsd: 1\ncarbon-budget:\n  kgCo2ePerMonth: 1\n")
    check = tmp_path / "check.json"
    _cli("check", str(graph), "-c", str(caps), "-f", "json", "-o", str(check))
    messages = {v["policy"]: v["message"] for v in json.loads(check.read_text())["violations"]}
    usd = re.search(r"estimated \$([\d,.]+)/month", messages["monthly-budget"])
    kg = re.search(r"estimated ([\d,.]+) kgCO2e/month", messages["carbon-budget"])
    assert usd and kg
    figures["check"] = (float(usd.group(1).replace(",", "")), float(kg.group(1).replace(",", "")))
    for name, (dollars, carbon) in figures.items():
        assert dollars == pytest.approx(totals["monthly_usd"], rel=0.005), (name, figures)
        assert carbon == pytest.approx(totals["carbon_kg_month"], rel=0.005), (name, figures)
