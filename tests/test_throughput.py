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
