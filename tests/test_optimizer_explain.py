"""What the plan says about itself: `why` for locked and user-less workloads, the deferral
note, and the cost/carbon frontier's $/t columns (table, Markdown and SVG agree)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.fleet import parse_fleet
from cloudwright.optimizer.fleet.spec import Fleet
from cloudwright.optimizer.pareto import frontier
from cloudwright.optimizer.planner import plan, prepare
from cloudwright.reports.chart import frontier_svg
from cloudwright.reports.plan import PARETO_HEADERS, pareto_markdown

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
    "users": [{"name": "fra", "lat": 50.11, "lon": 8.68, "weight": 1}],
    "latency_slo_ms": 200,
}


def fleet(*workloads: dict[str, Any], **fields: Any) -> Fleet:
    return Fleet.model_validate(
        {"version": 1, "objective": "cost", **fields, "workloads": list(workloads)}
    )


def test_a_workload_kept_by_the_lock_says_so_and_why_it_did_not_move(
    fixture_catalog: Catalog,
) -> None:
    cheap = plan(fleet(PRETRAIN), fixture_catalog)
    green = plan(fleet(PRETRAIN), fixture_catalog, objective="carbon")
    sticky = fleet(
        PRETRAIN,
        carbon_price_usd_per_tonne=190,
        migration={"cost_usd": 5_000_000, "horizon_months": 1},
    )
    kept = plan(sticky, fixture_catalog, objective="carbon", lock=cheap)
    a, change = kept.assignment("pretrain"), kept.changes[0]
    assert change.action == "kept"
    assert (a.cloud, a.region) == (cheap.assignments[0].cloud, cheap.assignments[0].region)
    # Not "the lowest-carbon": it was held by hysteresis, and the why says so ...
    assert "is the lowest-carbon" not in a.why
    assert a.why.startswith("Kept in place from the lock")
    # ... names the objective's own best option (the unlocked carbon plan's) ...
    best = green.assignments[0]
    target = f"{best.cloud}:{best.region} {best.instance_type} {best.pricing} ×2"
    assert "The lowest-carbon of its" in a.why and target in a.why
    # ... and gives the same saving and move cost as the plan diff.
    saving = change.reason.split(" would save ")[1].split("/month")[0]
    cost = change.reason.split("less than moving costs (")[1].rstrip(")")
    assert f"would save {saving}/month" in a.why
    assert f"less than moving costs ({cost})" in a.why
    saved_kg = cheap.totals.carbon_kg_month - green.totals.carbon_kg_month
    assert saving == f"{saved_kg:,.0f} kgCO2e"


def test_a_workload_kept_where_it_is_still_best_says_that(fixture_catalog: Catalog) -> None:
    first = plan(fleet(PRETRAIN), fixture_catalog)
    again = plan(fleet(PRETRAIN), fixture_catalog, lock=first)
    why = again.assignment("pretrain").why
    assert why.startswith("Kept in place from the lock") and "It is still the cheapest" in why
    assert again.changes[0].reason == "still the best option"


def test_latency_objective_explains_workloads_without_users(fixture_catalog: Catalog) -> None:
    fast = plan(fleet(PRETRAIN, CHAT), fixture_catalog, objective="latency")
    cheap = plan(fleet(PRETRAIN, CHAT), fixture_catalog, objective="cost")
    train = fast.assignment("pretrain")
    assert "lowest-latency" not in train.why
    assert train.why.startswith("No users, so no latency to optimise")
    assert "placed by cost" in train.why and "is the cheapest of" in train.why
    # The tie-break is cost (then carbon, then candidate order): the cost objective's pick.
    assert (train.cloud, train.region, train.instance_type, train.pricing) == (
        cheap.assignment("pretrain").cloud,
        cheap.assignment("pretrain").region,
        cheap.assignment("pretrain").instance_type,
        cheap.assignment("pretrain").pricing,
    )
    # Its alternatives are ordered by that tie-break too: the next cheapest first.
    deltas = [x.delta_usd for x in train.alternatives]
    assert deltas == sorted(deltas) and deltas[0] >= 0
    assert "is the lowest-latency" in fast.assignment("chat").why


def test_deferral_note_names_the_series_file(fixture_catalog: Catalog, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    day = [400.0] * 12 + [100.0] * 4 + [400.0] * 8
    rows = [f"2024-01-{1 + h // 24:02d} {h % 24:02d}:00,{day[h % 24]}" for h in range(24 * 6)]
    (tmp_path / "data" / "ci.csv").write_text("time,g_co2\n" + "\n".join(rows) + "\n")
    text = """
version: 1
workloads:
  - name: embed
    kind: batch
    gpu: {type: L4}
    hours_per_month: 120
    deferrable: {window_hours: 24, run_hours: 4, intensity_csv: data/ci.csv}
"""
    origin = tmp_path / "fleet.yaml"
    p = plan(parse_fleet(text, str(origin), tmp_path), fixture_catalog)
    expected = (
        "runs of 4.0 h shifted within a 24 h window using the hourly grid shape from "
        f"{(tmp_path / 'data' / 'ci.csv').as_posix()} (column g_co2)"
    )
    assert f"embed: {expected}." in p.notes
    assert expected in p.assignment("embed").why
    assert not any("*:" in n for n in p.notes)


def test_pareto_columns_are_marginal_and_average_everywhere(fixture_catalog: Catalog) -> None:
    spec = fleet(PRETRAIN, CHAT, {**PRETRAIN, "name": "tune", "nodes": 1})
    points = frontier(prepare(spec, fixture_catalog))
    assert len(points) >= 2
    base = points[0]
    assert base.abatement_usd_per_tonne is None and base.average_usd_per_tonne is None
    for before, p in itertools.pairwise(points):
        tonnes = (before.carbon_kg_month - p.carbon_kg_month) / 1000
        assert p.abatement_usd_per_tonne == pytest.approx(
            (p.monthly_usd - before.monthly_usd) / tonnes
        )
        avoided = (base.carbon_kg_month - p.carbon_kg_month) / 1000
        assert p.average_usd_per_tonne == pytest.approx(
            (p.monthly_usd - base.monthly_usd) / avoided
        )
    assert "marginal $/t avoided" in PARETO_HEADERS and "average $/t vs cheapest" in PARETO_HEADERS
    assert "$ per t avoided" not in PARETO_HEADERS
    markdown = pareto_markdown(points)
    assert "marginal $/t avoided" in markdown and "against the cheapest plan" in markdown
    last = points[-1]
    assert last.abatement_usd_per_tonne is not None
    svg = frontier_svg(points)
    assert f"marginal ${last.abatement_usd_per_tonne:,.0f}/t" in svg
    assert "marginal $/t: extra $ per tonne avoided vs the previous point" in svg
    assert last.average_usd_per_tonne is not None
    assert f"average ${last.average_usd_per_tonne:,.0f} per tonne vs the cheapest" in svg


def test_a_kept_workload_held_by_a_constraint_names_it(fixture_catalog: Catalog) -> None:
    first = plan(fleet(PRETRAIN), fixture_catalog)
    on_azure = first.model_copy(
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
    # Moving to AWS would pay (no migration cost), but no H100s are left outside Azure.
    capped = fleet(
        PRETRAIN,
        capacity=[
            {"name": "no AWS H100", "cloud": "aws", "gpu": "H100", "max_gpus": 0},
            {"name": "no GCP H100", "cloud": "gcp", "gpu": "H100", "max_gpus": 0},
        ],
    )
    kept = plan(capped, fixture_catalog, lock=on_azure)
    a, change = kept.assignment("pretrain"), kept.changes[0]
    assert (a.cloud, a.region) == ("azure", "eastus") and change.action == "kept"
    assert "more than moving costs" in change.reason and "capacity no AWS H100" in change.reason
    assert a.why.startswith("Kept in place from the lock")
    assert "more than moving costs" in a.why and "capacity no AWS H100" in a.why


def test_frontier_labels_never_overlap() -> None:
    """Points close together (as at a frontier's knee) keep only labels that fit."""
    import re

    from cloudwright.optimizer.pareto import ParetoPoint
    from cloudwright.reports.chart import LABEL_CHAR_PX, LABEL_HEIGHT_PX

    rows = [
        (0.0, 177_688, 4060),
        (800, 177_836, 3780),
        (3200, 177_964, 3700),
        (6400, 189_622, 720),
        (25600, 192_544, 580),
        (51200, 205_225, 110),
    ]
    points = [
        ParetoPoint(price, usd, kg, (), None if i == 0 else 1000.0 * i)
        for i, (price, usd, kg) in enumerate(rows)
    ]
    svg = frontier_svg(points)
    boxes = []
    for x, y, text in re.findall(r'<text x="([\d.]+)" y="([\d.]+)" font-size="10">([^<]+)<', svg):
        left, mid = float(x), float(y) + 6 + 4  # label baseline sits 6 px above the point
        width = LABEL_CHAR_PX * max(len(text), len("marginal $6,000/t"))
        boxes.append((left, mid - LABEL_HEIGHT_PX / 2, left + width, mid + LABEL_HEIGHT_PX / 2))
    assert len(boxes) >= 3  # the far-apart points keep their labels
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
