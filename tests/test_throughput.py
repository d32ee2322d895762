"""Relative throughput (issue 14, part 2): the MLPerf ratio table, fleets sized in
H100-equivalents, and the optimizer sizing each offer by work."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cloudwright.optimizer.catalog import Catalog, schema
from cloudwright.optimizer.catalog.build.throughput import ThroughputInputs, build_throughput

TRAIN_HEAD = (
    "round,benchmark,submitter,system,accelerator_model,accelerator_count,chip_hours,"
    "division,availability,source,source_date\n"
)
INFER_HEAD = (
    "round,division,availability,submitter,system,accelerator_model,accelerator_count,"
    "benchmark,scenario,tokens_per_s_per_accelerator,result_validity,source,source_date\n"
)
SRC = "github mlcommons/training_results_v9.9 @0123456789abcdef0123456789abcdef01234567 x/"


def _inputs(tmp_path: Path, training: str, inference: str) -> ThroughputInputs:
    (tmp_path / "training_throughput.csv").write_text(TRAIN_HEAD + training)
    (tmp_path / "inference_throughput.csv").write_text(INFER_HEAD + inference)
    return ThroughputInputs.under(tmp_path)


def test_training_ratio_is_chip_hours_within_one_round_at_the_nearest_scale(
    tmp_path: Path,
) -> None:
    rows = (
        f"v1,bench,A,a8,H100-SXM,8,4.0,closed,available,{SRC},2024-06-01\n"
        f"v1,bench,B,b8,H100-SXM,8,6.0,closed,available,{SRC},2024-06-01\n"  # median 5.0
        f"v1,bench,C,c64,H100-SXM,64,9.0,closed,available,{SRC},2024-06-01\n"
        f"v1,bench,D,d16,MI300X,16,4.0,closed,available,{SRC},2024-06-01\n"  # nearest: 8
        f"v1,bench,E,e64,MI300X,64,18.0,closed,available,{SRC},2024-06-01\n"  # same: 64
        # another round's H100 must not be used for this round's family
        f"v2,bench,F,f8,H100-SXM,8,1.0,closed,available,{SRC},2025-06-01\n"
        f"v3,bench,G,g8,TPU-v5p,8,2.0,closed,available,{SRC},2025-06-01\n"
    )
    frame, refs = build_throughput(_inputs(tmp_path, rows, ""))
    got = {(r.family, r.chips): r for r in frame.itertuples()}
    assert got[("MI300X", 16)].ratio == pytest.approx(5.0 / 4.0)
    assert got[("MI300X", 16)].h100_chips == 8
    assert got[("MI300X", 64)].ratio == pytest.approx(0.5)
    assert got[("MI300X", 64)].scale_mismatch == 0
    assert ("TPU-v5p", 8) not in got  # v3 has no H100: no ratio, never a default
    assert set(frame["family"]) == {"MI300X"}
    # the same-scale comparison is the one the optimizer uses
    assert frame.loc[frame["preferred"], "chips"].tolist() == [64]
    assert "mlcommons/training_results_v9.9@0123456789ab" in frame["source"].iloc[0]
    assert "median H100 chip-hours at 64 chips" in frame["method"].iloc[-1]
    assert refs and refs[0].source_date == "2024-06-01"


def test_inference_ratio_is_tokens_per_chip_same_benchmark_scenario_round(tmp_path: Path) -> None:
    rows = (
        f"v1,closed,available,A,a,H100-SXM,8,llm,Server,1000,VALID,{SRC},2025-01-01\n"
        f"v1,closed,available,B,b,H200,8,llm,Server,1300,VALID,{SRC},2025-01-01\n"
        f"v1,closed,available,B,b,H200,8,llm,Offline,9999,VALID,{SRC},2025-01-01\n"  # no H100
        f"v1,open,available,C,c,MI300X,8,llm,Server,5000,VALID,{SRC},2025-01-01\n"  # open
        f"v1,closed,preview,D,d,B200,8,llm,Server,3000,VALID,{SRC},2025-01-01\n"
    )
    frame, _ = build_throughput(_inputs(tmp_path, "", rows))
    by = {(r.family, r.scenario): r for r in frame.itertuples()}
    assert by[("H200", "Server")].ratio == pytest.approx(1.3)
    assert ("H200", "Offline") not in by and ("MI300X", "Server") not in by
    assert by[("B200", "Server")].availability == "preview"
    assert not by[("B200", "Server")].preferred  # preview systems were not buyable


def test_shared_mlperf_table(shared_data: Path) -> None:
    frame, _ = build_throughput(ThroughputInputs.under(shared_data / "accelerators"))
    frame = schema.coerce_table("throughput", frame)
    used = frame[frame["preferred"]].set_index(["kind", "family"])
    v5p = used.loc[("training", "TPU-v5p")]
    assert v5p["benchmark"] == "gpt3" and 0.4 < v5p["ratio"] < 0.6
    assert 1.0 < used.loc[("training", "H200"), "ratio"] < 1.5
    # Trainium, Inferentia, Gaudi1 and TPU v5e have no MLPerf result: no row at all
    assert not set(frame["family"]) & {"Trainium1", "Trainium2", "Inferentia2", "TPU-v5e"}
    assert (frame["ratio"] > 0).all() and frame["source"].str.contains("@").all()


def test_older_snapshot_reads_an_empty_throughput_table(fixture_catalog: Catalog) -> None:
    assert fixture_catalog.throughput.empty
    assert list(fixture_catalog.throughput.columns) == [c.name for c in schema.TABLES["throughput"]]


def test_shipped_snapshot_has_the_table() -> None:
    table = Catalog.load().throughput
    assert isinstance(table, pd.DataFrame) and table["preferred"].any()


# ---- fleet: gpu.h100_equivalents and throughput --------------------------------------

WORK_FLEET = """\
version: 1
objective: cost
workloads:
  - name: train
    kind: training
    gpu: {{type: [{types}], h100_equivalents: 64}}
    hours_per_month: 100
{extra}"""


def _fleet(types: str, extra: str = "") -> str:
    return WORK_FLEET.format(types=types, extra=extra)


def test_count_and_h100_equivalents_are_mutually_exclusive() -> None:
    from cloudwright.core.errors import InputError
    from cloudwright.optimizer.fleet import parse_fleet

    text = _fleet("H100").replace("h100_equivalents: 64", "count: 8, h100_equivalents: 64")
    with pytest.raises(InputError) as err:
        parse_fleet(text, "fleet.yaml")
    assert "mutually exclusive" in err.value.message and "fleet.yaml:6" in err.value.message


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ("    throughput: {Trainium1: 0}\n", "throughput", "greater than 0"),
        ("    nodes: 4\n", "nodes", "comes from gpu.h100_equivalents"),
    ],
)
def test_work_fields_are_validated_at_their_line(extra: str, field: str, words: str) -> None:
    from cloudwright.core.errors import InputError
    from cloudwright.optimizer.fleet import parse_fleet

    with pytest.raises(InputError) as err:
        parse_fleet(_fleet("H100, Trainium1", extra), "fleet.yaml")
    assert words in err.value.message and "fleet.yaml:8" in err.value.message


def test_throughput_needs_h100_equivalents() -> None:
    from cloudwright.core.errors import InputError
    from cloudwright.optimizer.fleet import parse_fleet

    text = _fleet("H100", "    throughput: {H200: 1.2}\n").replace(
        "h100_equivalents: 64", "count: 8"
    )
    with pytest.raises(InputError) as err:
        parse_fleet(text, "fleet.yaml")
    assert "need gpu.h100_equivalents" in err.value.message


def test_plain_count_request_is_unchanged() -> None:
    from cloudwright.optimizer.fleet import parse_fleet

    w = parse_fleet(_fleet("H100").replace("h100_equivalents: 64", "count: 8")).workloads[0]
    assert (w.gpu.count, w.gpu.h100_equivalents, w.throughput) == (8, None, None)


# ---- optimizer ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return Catalog.load()


def _plan(text: str, catalog: Catalog):  # type: ignore[no-untyped-def]
    from cloudwright.optimizer.fleet import parse_fleet
    from cloudwright.optimizer.planner import plan

    return plan(parse_fleet(text, "fleet.yaml"), catalog)


def test_cross_family_fleet_costs_no_more_than_h100_only(shipped: Catalog) -> None:
    mixed = _plan(_fleet("H100, H200, TPU-v5p, MI300X"), shipped).assignments[0]
    only = _plan(_fleet("H100"), shipped).assignments[0]
    assert mixed.monthly_usd <= only.monthly_usd + 1e-6
    work = mixed.work
    assert work is not None and work.h100_equivalents == 64
    assert work.chips >= work.chips_needed >= 64 / work.ratio - 1e-9
    assert work.chips == mixed.nodes * mixed.gpu_count
    assert work.usd_per_h100_equivalent_hour == pytest.approx(mixed.hourly_usd / 64)
    # every family's ratio and its MLPerf source is in the explanation
    for family in ("H200", "TPU-v5p", "MI300X"):
        assert f"{family} " in mixed.why
    assert "MLPerf gpt3 v4.0" in mixed.why and "(H100 reference)" in mixed.why


def test_trainium_without_a_ratio_says_how_to_give_one(shipped: Catalog) -> None:
    from cloudwright.core.errors import InfeasibleError

    with pytest.raises(InfeasibleError) as err:
        _plan(_fleet("Trainium1"), shipped)
    message = err.value.message
    assert "fleet.yaml:6" in message
    assert "Trainium1 has no measured throughput ratio for training" in message
    assert "throughput: {Trainium1: 0.45}" in message
    # beside a family that has one, it is left out and the plan says why
    a = _plan(_fleet("H100, Trainium1"), shipped).assignments[0]
    assert a.gpu == "H100" and "Left out: Trainium1 has no measured throughput ratio" in a.why


def test_user_ratio_sizes_each_offer_in_whole_nodes(shipped: Catalog) -> None:
    a = _plan(_fleet("Trainium1", "    throughput: {Trainium1: 0.45}\n"), shipped).assignments[0]
    assert a.gpu == "Trainium1" and a.work is not None
    assert a.work.chips_needed == 143  # ceil(64 / 0.45)
    assert a.nodes == -(-143 // a.gpu_count)  # whole nodes
    assert a.work.ratio_source.startswith("user-given") and "(user-given)" in a.why


def test_offers_of_one_workload_get_their_own_node_counts(shipped: Catalog) -> None:
    """A 1-GPU and an 8-GPU H100 node need 64 and 8 nodes: each priced at its own count."""
    from cloudwright.optimizer.fleet import parse_fleet
    from cloudwright.optimizer.fleet.resolve import resolve
    from cloudwright.optimizer.planner import prepare

    fleet = resolve(parse_fleet(_fleet("H100"), "fleet.yaml"), shipped)
    problem = prepare(fleet, shipped, resolved=True)
    c = problem.cands
    rows = list(c.rows(0))
    gpus = c.metrics.gpus[rows]
    counts = c.table.gpu_count[c.offer[rows]]
    assert set(counts.tolist()) >= {1, 8}
    assert (gpus == 64).all()  # H100 nodes of 1, 2, 4 or 8 GPUs all add up to 64 GPUs


def test_pareto_frontier_spans_families_on_equal_work(shipped: Catalog) -> None:
    """The frontier's points are the same work (64 H100-equivalents) on different families:
    cheapest first, then lower-carbon placements at a higher price."""
    from cloudwright.optimizer.fleet import parse_fleet
    from cloudwright.optimizer.pareto import frontier
    from cloudwright.optimizer.planner import prepare

    text = _fleet("H100, H200, TPU-v5p, MI300X")
    problem = prepare(parse_fleet(text, "fleet.yaml"), shipped)
    points = frontier(problem, time_limit_s=30)
    assert len(points) >= 2
    usd = [p.monthly_usd for p in points]
    kg = [p.carbon_kg_month for p in points]
    assert usd == sorted(usd) and kg[0] >= kg[-1]
    cheapest = _plan(text, shipped).assignments[0]
    assert usd[0] == pytest.approx(cheapest.monthly_usd, rel=1e-6)


def test_fabric_work_fleet_keeps_to_regular_zones() -> None:
    from cloudwright.optimizer.fleet import parse_fleet
    from cloudwright.optimizer.solver.filters import needs_regular_zones

    w = parse_fleet(_fleet("H100", "    interconnect: required\n")).workloads[0]
    assert needs_regular_zones(w)


def test_offers_needing_more_nodes_than_a_plan_holds_are_dropped(shipped: Catalog) -> None:
    from cloudwright.core.errors import InfeasibleError

    big = _fleet("H100").replace("h100_equivalents: 64", "h100_equivalents: 8000")
    a = _plan(big, shipped).assignments[0]
    assert a.nodes <= 4096 and a.gpu_count >= 2  # 8,000 one-GPU nodes are out of bounds
    huge = _fleet("H100").replace("h100_equivalents: 64", "h100_equivalents: 100000")
    with pytest.raises(InfeasibleError, match="need more than 4096 nodes"):
        _plan(huge, shipped)


def test_example_work_fleet_validates_and_plans(shipped: Catalog) -> None:
    from test_schemas import assert_valid

    from cloudwright.core.yamlsource import load_yaml

    root = Path(__file__).resolve().parent.parent / "examples" / "work.yaml"
    data, _ = load_yaml(root)
    assert_valid("fleet", data, "work.yaml")
    plan = _plan(root.read_text(), shipped)
    assert all(a.work is not None for a in plan.assignments)
    pretrain = next(a for a in plan.assignments if a.workload == "pretrain")
    assert "Trainium1 0.45 (user-given)" in pretrain.why
