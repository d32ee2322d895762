"""The coefficients table: every name in `schema.COEFFICIENTS`, each with source and date.

- cpu_min/max_w_per_vcpu per cloud: the median over microarchitectures of Cloud Carbon
  Footprint's `coefficients-<cloud>-use.csv` (the median, as CCF itself uses for GCP, because
  a few old architectures such as Ivy Bridge skew the mean);
- embodied_kg_per_gpu_month: CCF's embodied table charges a GPU host family a fixed
  "additional_gpus" total; divided by the GPU count of the 8-GPU AWS shapes it covers and by
  the server lifespan (months);
- pue per cloud: `reference/pue.csv` (providers' published figures);
- latency_intercept_ms / latency_inflation: the fit in `latency_fit.py`;
- the rest (memory, storage, network, replication, GPU idle fraction, spot overhead,
  hours per month, fibre speed, access allowance): `reference/coefficients_published.csv`,
  each row naming its publication or saying it is an estimate.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cloudwright.core.errors import DataError
from cloudwright.optimizer.catalog import schema
from cloudwright.optimizer.catalog.build.latency_fit import LatencyFit
from cloudwright.optimizer.catalog.build.sources import (
    SourceRef,
    describe,
    read_csv,
    reference_table,
)

MONTHS_PER_YEAR = 12


def _row(cloud: str, name: str, value: float, source: str, date: str) -> dict[str, object]:
    return {
        "cloud": cloud,
        "name": name,
        "value": value,
        "unit": schema.COEFFICIENTS.get(name, ""),
        "source": source,
        "source_date": date,
    }


def cpu_rows(ccf_dir: Path) -> tuple[list[dict[str, object]], list[SourceRef]]:
    rows, refs = [], []
    for cloud in schema.CLOUDS:
        path = ccf_dir / f"coefficients-{cloud}-use.csv"
        frame = read_csv(path)
        ref = describe(path)
        refs.append(ref)
        n = len(frame)
        for name, column in (
            ("cpu_min_w_per_vcpu", "Min Watts"),
            ("cpu_max_w_per_vcpu", "Max Watts"),
        ):
            value = round(float(frame[column].median()), 3)
            rows.append(
                _row(
                    cloud,
                    name,
                    value,
                    f"{ref.source} (median of {n} microarchitectures)",
                    ref.source_date,
                )
            )
    return rows, refs


def embodied_row(
    ccf_dir: Path, offerings: pd.DataFrame, lifespan_years: float
) -> tuple[dict[str, object], SourceRef]:
    path = ccf_dir / "coefficients-aws-embodied.csv"
    frame = read_csv(path)
    ref = describe(path)
    eight = offerings[(offerings["cloud"] == "aws") & (offerings["gpu_count"] == 8)]
    counts = eight.drop_duplicates("instance_type").set_index("instance_type")["gpu_count"]
    hit = frame[frame["type"].isin(counts.index) & (frame["additional_gpus"] > 0)]
    if hit.empty:
        raise DataError(f"{path}: no 8-GPU AWS instance type to derive embodied kg per GPU from")
    per_gpu = (hit["additional_gpus"] / hit["type"].map(counts).astype(float)).median()
    months = lifespan_years * MONTHS_PER_YEAR
    value = round(float(per_gpu) / months, 4)
    source = (
        f"{ref.source}: additional_gpus {float(per_gpu) * 8:.0f} kgCO2e per 8-GPU host "
        f"({', '.join(sorted(hit['type']))}) = {float(per_gpu):.0f} kg per GPU, over "
        f"{lifespan_years:g} years"
    )
    return _row("*", "embodied_kg_per_gpu_month", value, source, ref.source_date), ref


def build_coefficients(
    ccf_dir: Path, offerings: pd.DataFrame, fit: LatencyFit, fit_source: SourceRef
) -> tuple[pd.DataFrame, list[SourceRef]]:
    published = reference_table("coefficients_published")
    lifespan = float(published.loc[published["name"] == "server_lifespan_years", "value"].iloc[0])
    rows, refs = cpu_rows(ccf_dir)
    embodied, eref = embodied_row(ccf_dir, offerings, lifespan)
    rows.append(embodied)
    refs.append(eref)
    for rec in reference_table("pue").to_dict("records"):
        rows.append(
            _row(
                rec["cloud"], "pue", float(rec["pue"]), str(rec["source"]), str(rec["source_date"])
            )
        )
    fit_text = (
        f"median regression of {fit.pairs} measured pairs ({fit_source.source}); "
        f"median |residual| {fit.median_abs_residual_ms} ms, p90 {fit.p90_abs_residual_ms} ms"
    )
    rows.append(
        _row("*", "latency_intercept_ms", fit.intercept_ms, fit_text, fit_source.source_date)
    )
    rows.append(_row("*", "latency_inflation", fit.inflation, fit_text, fit_source.source_date))
    for rec in published.to_dict("records"):
        rows.append(
            {
                **_row(
                    str(rec["cloud"]),
                    str(rec["name"]),
                    float(rec["value"]),
                    str(rec["source"]),
                    str(rec["source_date"]),
                ),
                "unit": rec["unit"],
            }
        )
    frame = pd.DataFrame(rows)
    missing = set(schema.COEFFICIENTS) - set(frame["name"])
    if missing:
        raise DataError(f"coefficients missing: {', '.join(sorted(missing))}")
    refs.append(
        SourceRef("reference/coefficients_published.csv, reference/pue.csv (project)", "2026-05")
    )
    return schema.coerce_table("coefficients", frame), refs
