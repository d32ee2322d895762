"""Relative throughput of accelerator families against the H100 (SXM), from MLPerf results.

A fleet sized in H100-equivalents needs, per family, how much work one chip does compared
with one H100. From the reference set's `accelerators/` folder (MLPerf closed division):

- training (`training_throughput.csv`): within ONE round and benchmark, per family and chip
  count, ratio = chip_hours(H100) ÷ chip_hours(family), each side the median over the
  submissions at that count; the H100 side is taken at the same count, else the nearest one
  (log scale), because chip-hours grow with scale. Rules, datasets and convergence targets
  change between rounds, so rounds are never mixed.
- inference (`inference_throughput.csv`): ratio = median tokens/s per accelerator of the
  family ÷ the H100's, same benchmark, scenario and round.

Each row says what was compared (chips, submitters, systems, rows), where from (repo@commit)
and how it was derived. One row per (kind, scenario, family) is `preferred`: the one the
optimizer uses (`preferred_rank`). Families without a measurement (Trainium, Inferentia,
Gaudi1, TPU v5e, ...) get no row: no ratio is ever assumed.

Pure: paths in, frame out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from cloudwright.core.errors import DataError
from cloudwright.optimizer.catalog import schema
from cloudwright.optimizer.catalog.build.sources import SourceRef, latest_date, read_csv

REFERENCE = "H100"
# MLPerf accelerator_model → catalog family. The H100 / H200 PCIe and NVL boards are left out:
# the catalog names them H100 / H200 (the variant is a separate column), so their results
# would be mistaken for the SXM parts the ratios are relative to. Mixed systems are left out.
FAMILIES: dict[str, str] = {
    "H100-SXM": "H100",
    "H200": "H200",
    "B200": "B200",
    "B300": "B300",
    "GB200": "GB200",
    "GB300": "GB300",
    "GH200": "GH200",
    "A100-80GB": "A100-80GB",
    "L40S": "L40S",
    "MI300X": "MI300X",
    "MI325X": "MI325X",
    "MI350X": "MI350X",
    "MI355X": "MI355X",
    "Gaudi2": "Gaudi2",
    "TPU-v5p": "TPU-v5p",
    "TPU-v6e (Trillium)": "TPU-v6e",
    "RTX PRO 6000 Blackwell SE": "RTX-PRO-6000",
    "Intel Arc Pro B60": "Arc-Pro-B60",
}
# Language-model benchmarks come before image generation when a family has both: the
# fleets this serves are mostly LLM training and serving.
BENCHMARK_ORDER = (
    "gpt3",
    "llama31_405b",
    "llama2_70b_lora",
    "llama31_8b",
    "llama2-70b-99",
    "llama2-70b-99.9",
    "stable_diffusion",
    "flux1",
)
_REPO = re.compile(r"github (\S+) @([0-9a-f]{7,40})")


@dataclass(frozen=True)
class ThroughputInputs:
    training: Path
    inference: Path

    @classmethod
    def under(cls, folder: Path) -> ThroughputInputs:
        return cls(folder / "training_throughput.csv", folder / "inference_throughput.csv")


def _repos(sources: pd.Series) -> str:
    """`owner/repo@commit` of each distinct source (the row-level paths stay in the input)."""
    found = []
    for text in sources.dropna().astype(str):
        hit = _REPO.search(text)
        found.append(f"{hit.group(1)}@{hit.group(2)[:12]}" if hit else text[:80])
    return "; ".join(dict.fromkeys(found))


def _provenance(own: pd.DataFrame, ref: pd.DataFrame) -> dict[str, str]:
    """Which results a ratio compares: counts, submitters, systems, availability."""
    return {
        "results": f"{len(own)} vs {len(ref)}",
        "submitters": _names(own["submitter"]) + " vs " + _names(ref["submitter"]),
        "systems": _names(own["system"]) + " vs " + _names(ref["system"]),
        "availability": _availability(own["availability"]),
    }


def _names(values: pd.Series) -> str:
    return ", ".join(sorted({str(v) for v in values.dropna()}))


def _availability(values: pd.Series) -> str:
    words = {str(v).strip().lower() for v in values}
    if words == {"available"}:
        return "available"
    if "preview" in words:
        return "preview"
    return "unknown"


def _read(path: Path, needed: tuple[str, ...]) -> pd.DataFrame:
    frame = read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: missing columns {', '.join(missing)}")
    frame = frame[frame["division"].str.strip() == "closed"].copy()
    frame["family"] = frame["accelerator_model"].map(FAMILIES)
    return frame[frame["family"].notna()]


def _training(path: Path) -> list[dict[str, object]]:
    needed = ("round", "benchmark", "submitter", "system", "accelerator_model")
    frame = _read(path, (*needed, "accelerator_count", "chip_hours", "availability", "source"))
    frame["chips"] = pd.to_numeric(frame["accelerator_count"], errors="coerce")
    frame["chip_hours"] = pd.to_numeric(frame["chip_hours"], errors="coerce")
    bad = frame["chips"].isna() | ~(frame["chip_hours"] > 0)
    if bad.any():
        raise DataError(f"{path}: rows without a chip count or positive chip_hours")
    rows: list[dict[str, object]] = []
    for (rnd, bench), group in frame.groupby(["round", "benchmark"], sort=True):
        ref = group[(group["family"] == REFERENCE) & (group["availability"] == "available")]
        if ref.empty:
            continue  # no H100 in this round and benchmark: nothing to compare with
        ref_counts = np.array(sorted(ref["chips"].unique()), dtype=float)
        others = group[group["family"] != REFERENCE]
        for key, own in others.groupby(["family", "chips"], sort=True):
            family, chips = str(cast(Any, key)[0]), float(cast(Any, key)[1])
            nearest = float(ref_counts[np.argmin(np.abs(np.log(ref_counts / chips)))])
            base = ref[ref["chips"] == nearest]
            own_h, base_h = float(own["chip_hours"].median()), float(base["chip_hours"].median())
            both = pd.concat([own, base])
            rows.append(
                {
                    "family": family,
                    "kind": "training",
                    "scenario": pd.NA,
                    "ratio": round(base_h / own_h, 4),
                    "benchmark": bench,
                    "round": rnd,
                    "chips": int(chips),
                    "h100_chips": int(nearest),
                    "scale_mismatch": round(abs(math.log2(nearest / chips)), 4),
                    **_provenance(own, base),
                    "method": (
                        f"median H100 chip-hours at {int(nearest)} chips ({base_h:g}) ÷ median "
                        f"{family} chip-hours at {int(chips)} chips ({own_h:g}); "
                        "chip_hours = result_minutes × chips ÷ 60, MLPerf Training "
                        f"{rnd} closed, {bench}"
                    ),
                    "source": "MLPerf Training " + _repos(both["source"]),
                    "source_date": latest_date(sorted(set(both["source_date"].astype(str)))),
                }
            )
    return rows


def _inference(path: Path) -> list[dict[str, object]]:
    needed = ("round", "benchmark", "scenario", "submitter", "system", "accelerator_model")
    cols = (*needed, "accelerator_count", "tokens_per_s_per_accelerator", "result_validity")
    frame = _read(path, (*cols, "availability", "source", "source_date"))
    frame = frame[frame["result_validity"].str.upper() == "VALID"].copy()
    frame["per_chip"] = pd.to_numeric(frame["tokens_per_s_per_accelerator"], errors="coerce")
    frame = frame[frame["per_chip"] > 0]
    rows: list[dict[str, object]] = []
    for (rnd, bench, scenario), group in frame.groupby(
        ["round", "benchmark", "scenario"], sort=True
    ):
        ref = group[(group["family"] == REFERENCE) & (group["availability"] == "available")]
        if ref.empty:
            continue
        base = float(ref["per_chip"].median())
        for family, own in group[group["family"] != REFERENCE].groupby("family", sort=True):
            value = float(own["per_chip"].median())
            both = pd.concat([own, ref])
            chips = sorted({int(c) for c in pd.to_numeric(own["accelerator_count"])})
            ref_chips = sorted({int(c) for c in pd.to_numeric(ref["accelerator_count"])})
            rows.append(
                {
                    "family": family,
                    "kind": "inference",
                    "scenario": scenario,
                    "ratio": round(value / base, 4),
                    "benchmark": bench,
                    "round": rnd,
                    "chips": max(chips),
                    "h100_chips": max(ref_chips),
                    # tokens/s per chip is a per-chip figure already: no scale correction.
                    "scale_mismatch": 0.0,
                    **_provenance(own, ref),
                    "method": (
                        f"median {family} tokens/s per accelerator ({value:g}; systems of "
                        f"{'/'.join(map(str, chips))} chips) ÷ median H100 ({base:g}; "
                        f"{'/'.join(map(str, ref_chips))} chips), MLPerf Inference {rnd} "
                        f"closed, {bench} {scenario}"
                    ),
                    "source": "MLPerf Inference " + _repos(both["source"]),
                    "source_date": latest_date(sorted(set(both["source_date"].astype(str)))),
                }
            )
    return rows


def _round_key(value: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", value))


def _mark_preferred(frame: pd.DataFrame) -> pd.Series:
    """One row per (kind, scenario, family): a buyable system (not preview / unknown), the
    closest scale to the H100 it is compared with, LLM benchmarks first, the newest round,
    the most results on the smaller side, then the larger system."""
    preferred = pd.Series(False, index=frame.index)
    usable = frame[frame["availability"] == "available"]
    order = {b: i for i, b in enumerate(BENCHMARK_ORDER)}
    for _, group in usable.groupby(["kind", "scenario", "family"], dropna=False):
        records = cast(dict[Any, dict[str, Any]], group.to_dict("index"))
        best = min(
            records,
            key=lambda i: (
                float(records[i]["scale_mismatch"]),
                order.get(str(records[i]["benchmark"]), len(order)),
                tuple(-p for p in _round_key(str(records[i]["round"]))),
                -min(int(n) for n in str(records[i]["results"]).split(" vs ")),
                -int(records[i]["chips"]),
            ),
        )
        preferred[best] = True
    return preferred


def build_throughput(inputs: ThroughputInputs) -> tuple[pd.DataFrame, list[SourceRef]]:
    """The `throughput` table and its source references."""
    rows = _training(inputs.training) + _inference(inputs.inference)
    if not rows:
        raise DataError(f"{inputs.training}, {inputs.inference}: no result to compare with H100")
    frame = pd.DataFrame(rows)
    frame["preferred"] = _mark_preferred(frame)
    frame = frame.sort_values(
        ["kind", "scenario", "family", "round", "benchmark", "chips"], na_position="first"
    ).reset_index(drop=True)
    refs = [
        SourceRef(str(src), str(date))
        for src, date in frame.groupby("source")["source_date"].max().items()
    ]
    return schema.coerce_table("throughput", frame), list(dict.fromkeys(refs))
