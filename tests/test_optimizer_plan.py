"""`plan()` over the frozen fixture catalog: objectives, constraints, explanations, failures."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cloudwright.core.errors import InfeasibleError
from cloudwright.optimizer.catalog import Catalog, InstanceSpec
from cloudwright.optimizer.fleet import parse_fleet
from cloudwright.optimizer.fleet.spec import Fleet
from cloudwright.optimizer.models.energy import MeasuredPower
from cloudwright.optimizer.plan import content_id, load_plan, save_plan
from cloudwright.optimizer.planner import plan

NOW = datetime(2026, 6, 1, tzinfo=UTC)

PRETRAIN: dict[str, Any] = {
    "name": "pretrain",
    "kind": "training",
    "gpu": {"type": "H100", "count": 8},
    "nodes": 2,
    "interconnect": "required",
    "hours_per_month": 720,
    "utilization": 0.8,
}
CHAT: dict[str, Any] = {
    "name": "chat",
    "kind": "inference",
    "gpu": {"type": "L4"},
    "replicas": 4,
    "utilization": 0.5,
    "users": [
        {"name": "fra", "lat": 50.11, "lon": 8.68, "weight": 0.6},
        {"name": "nyc", "lat": 40.71, "lon": -74.01, "weight": 0.4},
    ],
    "latency_slo_ms": 80,
}


def fleet(*workloads: dict[str, Any], **fields: Any) -> Fleet:
    return Fleet.model_validate(
        {"version": 1, "objective": "cost", **fields, "workloads": list(workloads)}
    )


def place(p: Any, name: str) -> tuple[str, str, str, str]:
    a = p.assignment(name)
    return a.cloud, a.region, a.instance_type, a.pricing


def test_cost_picks_the_cheapest_fabric_offering(fixture_catalog: Catalog) -> None:
    p = plan(fleet(PRETRAIN), fixture_catalog, created_at=NOW)
    a = p.assignment("pretrain")
    assert place(p, "pretrain") == ("aws", "us-east-1", "p5.48xlarge", "on_demand")
    assert a.interconnect == "EFA" and a.interconnect_required
    assert a.hourly_usd == pytest.approx(55.04 * 2)
    assert a.cost.compute_usd == pytest.approx(55.04 * 2 * 720)
    # Plus what the stack builds with the cluster: 2 gp3 boot volumes of 200 GB, a NAT
    # gateway and its address (730 h), at the fixture's us-east-1 prices.
    assert a.cost.infrastructure_usd == pytest.approx(2 * 200 * 0.08 + 730 * (0.045 + 0.005))
    assert a.monthly_usd == pytest.approx(a.cost.compute_usd + a.cost.infrastructure_usd)
    assert "cheapest" in a.why and "Runner-up" in a.why
    assert p.totals.monthly_usd == pytest.approx(a.monthly_usd)
    assert a.zone == "use1-az2"  # the catalog's cheapest on-demand zone, ties by name


def test_every_field_of_the_plan_is_filled(fixture_catalog: Catalog) -> None:
    p = plan(
        fleet(PRETRAIN, CHAT, name="demo", owner="ml", cost_center="cc-1"),
        fixture_catalog,
        created_at=NOW,
    )
    assert p.id == content_id(p) and p.fleet == "demo" and p.objective == "cost"
    assert p.catalog.snapshot_date == "2026-05-20" and p.catalog.age_days == 12
    assert p.solver is not None and p.solver.lp_bound is not None and p.solver.gap is not None
    for a in p.assignments:
        assert a.energy_kwh_month > 0 and a.carbon_kg_month > 0 and a.why
        assert a.tags == {
            "workload": a.workload,
            "owner": "ml",
            "cost-center": "cc-1",
            "plan-id": p.id,
            "managed-by": "cloudwright",
        }
        assert a.alternatives and all(x.note is not None for x in a.alternatives)
    assert p.assignment("chat").latency_ms is not None
    assert p.assignment("pretrain").gpu_utilization == 0.8
    assert p.assignment("chat").gpu_utilization == 0.5
    assert any("estimates" in n for n in p.notes)


def test_plan_round_trips_through_plan_json(fixture_catalog: Catalog, tmp_path: Path) -> None:
    p = plan(fleet(PRETRAIN, CHAT), fixture_catalog, created_at=NOW)
    save_plan(p, tmp_path / "plan.json")
    assert load_plan(tmp_path / "plan.json") == p


def test_same_inputs_same_plan(fixture_catalog: Catalog) -> None:
    spec = fleet(
        PRETRAIN,
        CHAT,
        capacity=[{"cloud": "aws", "region": "us-east-1", "gpu": "H100", "max_gpus": 16}],
    )
    one = plan(spec, fixture_catalog, created_at=NOW).model_dump()
    two = plan(spec, fixture_catalog, created_at=NOW).model_dump()
    for dump in (one, two):
        dump["solver"]["seconds"] = None
    assert one == two


def test_fabric_filter_and_its_error(fixture_catalog: Catalog) -> None:
    chat_fabric = {**CHAT, "interconnect": "required"}
    with pytest.raises(InfeasibleError) as err:
        plan(fleet(chat_fabric), fixture_catalog)
    assert "workload chat" in err.value.message and "fabric" in err.value.message


def test_residency_and_its_error(fixture_catalog: Catalog) -> None:
    german = {**PRETRAIN, "allow": {"countries": ["DE"]}}
    with pytest.raises(InfeasibleError) as err:
        plan(fleet(german), fixture_catalog)
    assert "no allowed region offers H100×8 with a fabric" in err.value.message
    assert err.value.hint is not None and "aws:us-east-1" in err.value.hint
    a100 = {**german, "gpu": {"type": "A100-40GB", "count": 8}}
    p = plan(fleet(a100), fixture_catalog)
    assert place(p, "pretrain")[:2] == ("aws", "eu-central-1")
    denied = {**PRETRAIN, "deny": {"regions": ["us-east-1"]}}
    assert place(plan(fleet(denied), fixture_catalog), "pretrain")[1] != "us-east-1"


def test_latency_slo_is_hard_and_named_when_impossible(fixture_catalog: Catalog) -> None:
    latency = plan(fleet(CHAT), fixture_catalog).assignment("chat").latency_ms
    assert latency is not None and latency <= 80
    with pytest.raises(InfeasibleError) as err:
        plan(fleet({**CHAT, "latency_slo_ms": 5}), fixture_catalog)
    assert "5 ms latency SLO" in err.value.message and "closest" in (err.value.hint or "")


def test_capacity_moves_the_second_workload_and_says_why(fixture_catalog: Catalog) -> None:
    other = {**PRETRAIN, "name": "pretrain-2"}
    cap = [{"cloud": "aws", "region": "us-east-1", "gpu": "H100", "max_gpus": 16}]
    p = plan(fleet(PRETRAIN, other, capacity=cap), fixture_catalog)
    regions = sorted(place(p, n)[1] for n in ("pretrain", "pretrain-2"))
    assert regions.count("us-east-1") == 1
    moved = next(a for a in p.assignments if a.region != "us-east-1")
    assert "capacity aws:us-east-1 H100" in moved.why
    assert "ruled out: capacity" in moved.why or "was not used: capacity" in moved.why
    assert p.solver is not None and p.solver.lp_bound is not None
    assert p.solver.lp_bound <= p.solver.objective_value + 1e-6


def test_capacity_infeasible_names_pool_and_numbers(fixture_catalog: Catalog) -> None:
    eu_a100 = {
        **PRETRAIN,
        "gpu": {"type": "A100-40GB", "count": 8},
        "nodes": 3,
        "allow": {"continents": ["europe"]},
    }
    cap = [{"name": "EU A100", "continent": "europe", "gpu": "A100-40GB", "max_gpus": 16}]
    with pytest.raises(InfeasibleError) as err:
        plan(fleet(eu_a100, capacity=cap), fixture_catalog)
    assert err.value.message.startswith("capacity EU A100 is 16 GPUs, 24 requested")


def test_budget_infeasible_reports_the_cheapest_plan(fixture_catalog: Catalog) -> None:
    cheapest = plan(fleet(PRETRAIN), fixture_catalog).totals.monthly_usd
    with pytest.raises(InfeasibleError) as err:
        plan(fleet(PRETRAIN, budget={"monthly_usd": 1000}), fixture_catalog)
    assert err.value.message == (
        f"budget $1,000/month < cheapest feasible plan ${cheapest:,.0f}/month"
    )


def test_budget_binds_the_carbon_objective(fixture_catalog: Catalog) -> None:
    green = plan(fleet(PRETRAIN), fixture_catalog, objective="carbon")
    cheap = plan(fleet(PRETRAIN), fixture_catalog)
    assert green.totals.carbon_kg_month < cheap.totals.carbon_kg_month
    budget = {"monthly_usd": cheap.totals.monthly_usd * 1.01}
    bound = plan(fleet(PRETRAIN, budget=budget), fixture_catalog, objective="carbon")
    assert bound.totals.monthly_usd <= budget["monthly_usd"]
    assert place(bound, "pretrain") == place(cheap, "pretrain")
    assert "budget" in bound.assignment("pretrain").why


def test_colocation_shares_a_region(fixture_catalog: Catalog) -> None:
    a = {**CHAT, "name": "chat-a", "colocate": "g"}
    b = {
        "name": "trainer",
        "kind": "training",
        "gpu": {"type": "H100", "count": 8},
        "colocate": "g",
    }
    p = plan(fleet(a, b), fixture_catalog)
    assert place(p, "chat-a")[:2] == place(p, "trainer")[:2]


def test_colocation_without_a_common_region_fails(fixture_catalog: Catalog) -> None:
    a = {"name": "a", "kind": "batch", "gpu": {"type": "T4"}, "colocate": "g"}
    b = {"name": "b", "kind": "batch", "gpu": {"type": "H200", "count": 8}, "colocate": "g"}
    with pytest.raises(InfeasibleError, match="co-location group 'g'"):
        plan(fleet(a, b), fixture_catalog)


def test_spot_share_caps_spot(fixture_catalog: Catalog) -> None:
    spot_ok = {**PRETRAIN, "spot": True}
    assert plan(fleet(spot_ok), fixture_catalog).assignment("pretrain").pricing == "spot"
    capped = plan(fleet(spot_ok, max_spot_fraction=0.0), fixture_catalog)
    assert capped.assignment("pretrain").pricing == "on_demand"


def test_spot_hours_carry_the_interruption_overhead(fixture_catalog: Catalog) -> None:
    a = plan(fleet({**PRETRAIN, "spot": True}), fixture_catalog).assignment("pretrain")
    overhead = fixture_catalog.coefficient("spot_interruption_overhead", "aws").value
    assert a.hours_per_month == pytest.approx(720 * (1 + overhead))
    assert a.cost.compute_usd == pytest.approx(a.hourly_usd * a.hours_per_month)
    assert "interruption overhead" in a.why


def test_latency_objective_is_lexicographic(fixture_catalog: Catalog) -> None:
    relaxed = {**CHAT, "latency_slo_ms": 200}
    fast = plan(fleet(relaxed, PRETRAIN), fixture_catalog, objective="latency")
    cheap = plan(fleet(relaxed, PRETRAIN), fixture_catalog, objective="cost")
    fast_ms, cheap_ms = fast.assignment("chat").latency_ms, cheap.assignment("chat").latency_ms
    assert fast_ms is not None and cheap_ms is not None and fast_ms <= cheap_ms
    # A workload without users is placed by cost under the latency objective.
    assert place(fast, "pretrain") == place(cheap, "pretrain")


def test_balanced_uses_the_carbon_price(fixture_catalog: Catalog) -> None:
    spec = fleet(PRETRAIN)
    free = plan(spec, fixture_catalog, objective="balanced", carbon_price_usd_per_tonne=0)
    dear = plan(spec, fixture_catalog, objective="balanced", carbon_price_usd_per_tonne=1e6)
    assert free.totals.monthly_usd <= dear.totals.monthly_usd
    assert dear.totals.carbon_kg_month <= free.totals.carbon_kg_month
    assert dear.carbon_price_usd_per_tonne == 1e6


def test_data_gravity_is_priced_and_explained(fixture_catalog: Catalog) -> None:
    heavy = {**PRETRAIN, "data": {"size_gb": 20_000, "location": "azure:eastus"}}
    p = plan(fleet(heavy), fixture_catalog)
    a = p.assignment("pretrain")
    assert (a.cloud, a.region) == ("aws", "us-east-1")  # Azure's H100s cost far more
    one_off = 10_240 * 0.087 + 9_760 * 0.087  # Azure's internet tier, from the fixture
    assert a.cost.egress_usd == pytest.approx(one_off / 12)
    assert "Moving 20,000 GB" in a.why and any("spread over" in n for n in p.notes)


def test_unknown_storage_price_is_flagged_not_zeroed(fixture_catalog: Catalog) -> None:
    stored = {**PRETRAIN, "storage": {"parallel_fs_tb": 10}, "clouds": ["azure"]}
    p = plan(fleet(stored), fixture_catalog)
    a = p.assignment("pretrain")
    assert a.cloud == "azure" and "storage price is unknown" in a.why
    assert any("Storage price unknown" in n for n in p.notes)


def test_deferrable_workload_reports_its_saving(fixture_catalog: Catalog, tmp_path: Path) -> None:
    day = [400.0] * 12 + [100.0] * 4 + [400.0] * 8
    rows = [f"2024-01-{1 + h // 24:02d} {h % 24:02d}:00,{day[h % 24]}" for h in range(24 * 6)]
    (tmp_path / "ci.csv").write_text("time,ci\n" + "\n".join(rows) + "\n")
    text = """
version: 1
objective: cost
workloads:
  - name: embed
    kind: batch
    gpu: {type: L4}
    nodes: 2
    hours_per_month: 120
    deferrable: {window_hours: 24, run_hours: 4, intensity_csv: ci.csv}
  - name: embed-flat
    kind: batch
    gpu: {type: L4}
    nodes: 2
    hours_per_month: 120
    deferrable: {window_hours: 24, run_hours: 4}
"""
    p = plan(parse_fleet(text, str(tmp_path / "f.yaml"), tmp_path), fixture_catalog)
    shifted, flat = p.assignment("embed"), p.assignment("embed-flat")
    assert shifted.deferral_start_hour == 12
    assert shifted.carbon_saving_kg_month is not None and shifted.carbon_saving_kg_month > 0
    assert shifted.carbon_kg_month < flat.carbon_kg_month
    assert flat.carbon_saving_kg_month == 0 and flat.deferral_start_hour is None
    assert any("no time-shift saving is claimed" in n for n in p.notes)


class FakeProfiles:
    """A ProfileSource with one measured workload: 2 kW per node wherever it runs."""

    def measured_power(
        self, catalog: Catalog, workload: str, spec: InstanceSpec, gpu_utilization: float
    ) -> MeasuredPower | None:
        if workload != "pretrain":
            return None
        return MeasuredPower(2000.0, f"fake profile on {spec.instance_type}")


def test_measured_profile_changes_energy_and_is_labelled(fixture_catalog: Catalog) -> None:
    spec = fleet(PRETRAIN, CHAT)
    modelled = plan(spec, fixture_catalog)
    measured = plan(spec, fixture_catalog, profiles=FakeProfiles())
    a, m = measured.assignment("pretrain"), modelled.assignment("pretrain")
    assert a.energy_basis == "measured" and m.energy_basis == "modelled"
    region = fixture_catalog.region(a.cloud, a.region)
    from cloudwright.optimizer.models.infrastructure import InfrastructurePricer

    disks = InfrastructurePricer(fixture_catalog).price(a.cloud, a.region, a.instance_type, False)
    # Measured node power, plus the boot disks' storage energy (not part of the profile).
    expected_kwh = 2000.0 * a.nodes * a.hours_per_month / 1000 * region.pue
    expected_kwh += disks.per_node_kwh * a.nodes
    assert a.energy_kwh_month == pytest.approx(expected_kwh)
    assert a.carbon_kg_month == pytest.approx(expected_kwh * region.grid_intensity_g_per_kwh / 1000)
    assert a.energy_kwh_month != pytest.approx(m.energy_kwh_month)
    assert "measured" in a.why and any("Measured node power" in n for n in measured.notes)
    assert measured.assignment("chat").energy_basis == "modelled"


def test_lock_keeps_placements_unless_moving_pays(fixture_catalog: Catalog) -> None:
    base = fleet(PRETRAIN)
    first = plan(base, fixture_catalog)
    # Pretend the workload runs on Azure today (dearer): a lock that says so.
    moved_away = first.model_copy(
        update={
            "assignments": [
                first.assignments[0].model_copy(
                    update={
                        "cloud": "azure",
                        "region": "eastus",
                        "instance_type": "Standard_ND96isr_H100_v5",
                    }
                )
            ]
        }
    )
    sticky = fleet(PRETRAIN, migration={"cost_usd": 10_000_000, "horizon_months": 1})
    kept = plan(sticky, fixture_catalog, lock=moved_away)
    assert place(kept, "pretrain")[:2] == ("azure", "eastus")
    change = kept.changes[0]
    assert change.action == "kept" and "less than moving costs" in change.reason
    free = plan(fleet(PRETRAIN), fixture_catalog, lock=moved_away)
    assert place(free, "pretrain")[:2] == ("aws", "us-east-1")
    change = free.changes[0]
    assert change.action == "moved" and change.delta_usd_month < 0 and "saves" in change.reason


def test_carbon_hysteresis_prices_the_move_at_the_carbon_price(fixture_catalog: Catalog) -> None:
    cheap = plan(fleet(PRETRAIN), fixture_catalog)  # aws:us-east-1; azure westeurope is greener
    green = plan(fleet(PRETRAIN), fixture_catalog, objective="carbon")
    assert place(green, "pretrain") != place(cheap, "pretrain")
    saving_kg = cheap.totals.carbon_kg_month - green.totals.carbon_kg_month
    # A move whose dollars would buy more abatement than it saves stays put...
    dear_move = saving_kg / 1000 * 190 * 3  # $ per month over a 1-month horizon
    sticky = fleet(
        PRETRAIN,
        carbon_price_usd_per_tonne=190,
        migration={"cost_usd": dear_move, "horizon_months": 1},
    )
    kept = plan(sticky, fixture_catalog, objective="carbon", lock=cheap)
    assert kept.changes[0].action == "kept"
    # ...and one that costs less than its abatement is worth moves.
    cheap_move = fleet(
        PRETRAIN,
        carbon_price_usd_per_tonne=190,
        migration={"cost_usd": dear_move / 10, "horizon_months": 1},
    )
    moved = plan(cheap_move, fixture_catalog, objective="carbon", lock=cheap)
    assert moved.changes[0].action == "moved"
    assert place(moved, "pretrain") == place(green, "pretrain")


def test_lock_diff_lists_new_removed_and_infeasible(fixture_catalog: Catalog) -> None:
    first = plan(fleet(PRETRAIN, CHAT), fixture_catalog)
    ghost = first.assignments[0].model_copy(
        update={"workload": "old-job", "region": "eu-central-1"}
    )
    lock = first.model_copy(update={"assignments": [*first.assignments, ghost]})
    again = plan(fleet(PRETRAIN, CHAT, {**CHAT, "name": "chat-2"}), fixture_catalog, lock=lock)
    actions = {c.workload: c.action for c in again.changes}
    assert actions == {"pretrain": "kept", "chat": "kept", "chat-2": "new", "old-job": "removed"}
    # A locked placement that left the catalog (or the rules) must move, and says so.
    gone = first.model_copy(
        update={
            "assignments": [
                first.assignments[0].model_copy(update={"instance_type": "p4d.24xlarge"})
            ]
        }
    )
    forced = plan(fleet(PRETRAIN), fixture_catalog, lock=gone)
    assert forced.changes[0].action == "moved"
    assert "no longer feasible" in forced.changes[0].reason


def test_doubtful_prices_are_avoided_unless_allowed(fixture_catalog: Catalog) -> None:
    frames = {
        name: fixture_catalog.table(name).copy()
        for name in (
            "offerings",
            "regions",
            "gpus",
            "egress",
            "unit_prices",
            "coefficients",
            "latency",
        )
    }
    offers = frames["offerings"]
    az = offers["instance_type"] == "Standard_ND96isr_H100_v5"
    offers.loc[az & (offers["region"] == "eastus"), "price_on_demand_usd_hr"] = 10.0
    offers.loc[az & (offers["region"] == "eastus"), "price_flag"] = "low outlier: 0.1× median"
    catalog = Catalog.from_frames(frames, fixture_catalog.snapshot_date)
    avoided = plan(fleet(PRETRAIN), catalog)
    assert place(avoided, "pretrain")[0] == "aws"
    allowed = plan(fleet(PRETRAIN, doubtful_prices="allow"), catalog)
    assert place(allowed, "pretrain")[:2] == ("azure", "eastus")
    assert any("doubtful" in n for n in allowed.notes)


def test_a_spot_flag_belongs_to_its_zone(fixture_catalog: Catalog) -> None:
    """A doubtful spot price in one zone must not throw away another zone's trusted, cheaper
    spot price (the region row once took the first zone's flag)."""
    frames = {
        name: fixture_catalog.table(name).copy()
        for name in ("offerings", "regions", "gpus", "egress", "unit_prices", "coefficients", "latency")
    }  # fmt: skip
    offers = frames["offerings"]
    p5 = (offers["instance_type"] == "p5.48xlarge") & (offers["region"] == "us-east-1")
    rows = offers.index[p5].tolist()
    assert len(rows) == 2  # two zones
    first, second = sorted(rows, key=lambda i: str(offers.at[i, "zone"]))
    offers.loc[first, ["price_spot_usd_hr", "price_flag"]] = [
        30.0,
        "spot within 5 % of on-demand (doubtful spot price)",
    ]
    offers.loc[second, ["price_spot_usd_hr", "price_flag"]] = [20.0, None]
    catalog = Catalog.from_frames(frames, fixture_catalog.snapshot_date)
    row = catalog.region_offering("aws", "us-east-1", "p5.48xlarge")
    assert row is not None and row["price_spot_usd_hr"] == 20.0
    assert not row["price_flag"] or "spot" not in str(row["price_flag"])
    # Only doubtful zones: the cheapest is used, and its doubt travels with it.
    offers.loc[second, "price_flag"] = "spot within 5 % of on-demand (doubtful spot price)"
    doubtful = Catalog.from_frames(frames, fixture_catalog.snapshot_date)
    row = doubtful.region_offering("aws", "us-east-1", "p5.48xlarge")
    assert row is not None and row["price_spot_usd_hr"] == 20.0
    assert "doubtful spot price" in str(row["price_flag"])


def test_flag_notes_are_read_one_by_one() -> None:
    from cloudwright.optimizer.catalog.flags import doubtful_price

    assert doubtful_price(None) == (False, False)
    assert doubtful_price("corrected: GPU part …") == (False, False)
    assert doubtful_price("low outlier; spot within 5 % of on-demand") == (True, True)
    assert doubtful_price("corrected: x; spot within 5 %") == (False, True)
