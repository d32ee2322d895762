"""Build a whole catalog snapshot and write it atomically.

`build_tables` runs every builder (pure: paths in, frames out); `write_snapshot` writes the
tables as gzip CSVs (byte-for-byte reproducible: no timestamps in the gzip header, stable row
order) plus `manifest.json` into a temp dir beside the target and swaps it in, so a failed
build leaves the previous snapshot as it was.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from cloudwright.core.errors import DataError
from cloudwright.core.fsio import write_json
from cloudwright.optimizer.catalog import schema
from cloudwright.optimizer.catalog.build.accelerators import AcceleratorInputs, accelerator_gpus
from cloudwright.optimizer.catalog.build.aws_prices import AwsInputs
from cloudwright.optimizer.catalog.build.coefficients import build_coefficients
from cloudwright.optimizer.catalog.build.egress import build_egress
from cloudwright.optimizer.catalog.build.gpus import build_gpus, fill_gpu_variants
from cloudwright.optimizer.catalog.build.latency import LatencyInputs, build_latency
from cloudwright.optimizer.catalog.build.latency_fit import fit_latency, fit_points
from cloudwright.optimizer.catalog.build.offerings import (
    OfferingInputs,
    PriceInputs,
    build_offerings,
)
from cloudwright.optimizer.catalog.build.regions import build_regions
from cloudwright.optimizer.catalog.build.sources import (
    SourceRef,
    latest_date,
    parse_source_date,
    reference_value,
)
from cloudwright.optimizer.catalog.build.throughput import ThroughputInputs, build_throughput
from cloudwright.optimizer.catalog.build.unit_prices import build_unit_prices

BUILDER = "cloudwright catalog build (optimizer.catalog.build)"


@dataclass(frozen=True)
class BuildInputs:
    """Where the inputs are. `reference` is a directory laid out like ../shared/data."""

    skypilot_dir: Path
    reference: Path

    def ref(self, relative: str) -> Path:
        path = self.reference / relative
        if not path.exists():
            raise DataError(
                f"reference input missing: {path}",
                hint="pass --reference DIR pointing at a directory laid out like ../shared/data",
            )
        return path

    def prices(self, aws_regions: tuple[str, ...]) -> PriceInputs:
        """The per-cloud price sources (docs/catalog.md, "Which source wins")."""
        return PriceInputs(
            aws=AwsInputs(
                specs=self.ref("prices/aws_instance_types_karpenter.csv"),
                us_east_1=self.ref("prices/aws_ondemand_us-east-1_karpenter.csv"),
                gov=self.ref("prices/aws_ondemand_us-gov_karpenter.csv"),
                vantage=self.ref("prices/aws_accelerated_multiregion_vantage.csv"),
                skypilot_dir=self.skypilot_dir,
            ),
            gcp_calculator=self.ref("prices/gcp_calculator/machine_types.csv"),
            azure_karpenter=self.ref("prices/azure_karpenter_prices.csv.gz"),
            aws_regions=aws_regions,
            accelerators=AcceleratorInputs.under(self.ref("accelerators")),
        )

    def latency(self) -> LatencyInputs:
        return LatencyInputs(
            aws_long=self.ref("latency/aws_cloudping_p50_1Y_long.csv"),
            gcp_long=self.ref("latency/gcp_inter_region_median_rtt_ms_2023-11-27_long.csv"),
            azure_long=self.ref("latency/azure_p50_rtt_ms_2025-07_long.csv"),
            azure_mapping=self.ref("latency/azure_code_mapping_inferred.csv"),
            skyplane_ping=self.ref("latency/skyplane_intercloud_ping_rtt_2022-04.csv"),
        )


@dataclass
class Snapshot:
    tables: dict[str, pd.DataFrame]
    sources: dict[str, list[SourceRef]]
    snapshot_date: str
    extra: dict[str, Any] = field(default_factory=dict)


def snapshot_date_of(offerings: pd.DataFrame) -> str:
    """When the snapshot's prices were taken: per cloud, its newest price source; overall,
    the oldest of those (a snapshot is as stale as its stalest cloud)."""
    per_cloud = [
        parse_source_date(latest_date(sorted({str(d) for d in group.dropna()})))
        for _, group in offerings.groupby("cloud")["source_date"]
    ]
    if not per_cloud:
        raise DataError("no offerings: cannot date the snapshot")
    return min(per_cloud).isoformat()


def fill_gpu_memory(offerings: pd.DataFrame, gpus: pd.DataFrame) -> pd.DataFrame:
    """Per-GPU memory where the source omits it (Azure), from the GPU's spec row: the
    canonical name fixes the memory (A100-80GB, V100-32GB, ...)."""
    memory = gpus.drop_duplicates("gpu").set_index("gpu")["memory_gb"]
    missing = offerings["gpu_memory_gb"].isna() & offerings["gpu"].notna()
    out = offerings.copy()
    out.loc[missing, "gpu_memory_gb"] = out.loc[missing, "gpu"].map(memory).astype("Float64")
    return out


def _interconnect(inputs: BuildInputs) -> Path:
    """interconnect.csv beside the SkyPilot files, else in the reference set."""
    local = inputs.skypilot_dir / "interconnect.csv"
    return local if local.is_file() else inputs.ref("catalog/interconnect.csv")


def build_tables(inputs: BuildInputs) -> Snapshot:
    """Run every builder; nothing is written."""
    goldens = inputs.ref("prices/unit_prices_infracost_goldens.csv")
    regions, region_refs = build_regions(
        inputs.ref("regions/cloud_regions_aws_gcp_azure.csv"),
        inputs.ref("carbon/ccf/ccf_app_region_emission_factors.csv"),
    )
    aws_regions = tuple(sorted(regions.loc[regions["cloud"] == "aws", "region"].astype(str)))
    offering_inputs = OfferingInputs(
        inputs.skypilot_dir, _interconnect(inputs), goldens, inputs.prices(aws_regions)
    )
    built, offering_refs, offering_facts = build_offerings(offering_inputs, "")
    snapshot_date = snapshot_date_of(built)
    offerings = built.assign(snapshot_date=snapshot_date)
    gpus, gpu_refs = build_gpus(inputs.ref("gpu_specs.csv"))
    accel, accel_ref = accelerator_gpus(inputs.ref("accelerators/specs.csv"))
    gpus = schema.coerce_table("gpus", pd.concat([gpus, accel], ignore_index=True))
    gpu_refs = [*gpu_refs, accel_ref]
    offerings = fill_gpu_variants(fill_gpu_memory(offerings, gpus), gpus)
    egress, egress_refs = build_egress(
        goldens, inputs.ref("egress/egress_pricing_summary.csv"), regions
    )
    unit_prices, unit_refs = build_unit_prices(
        goldens,
        inputs.ref("prices/storage_prices.csv"),
        inputs.skypilot_dir,
        (
            inputs.ref("prices/gcp_calculator/disks_storage.csv"),
            inputs.ref("prices/gcp_calculator/network.csv"),
        ),
    )
    latency, latency_refs = build_latency(inputs.latency())
    fibre_km_per_ms = reference_value("coefficients_published", "fibre_km_per_ms")
    fit = fit_latency(fit_points(latency, regions, fibre_km_per_ms))
    fit_source = SourceRef(
        "; ".join(r.source for r in latency_refs),
        latest_date([r.source_date for r in latency_refs]),
    )
    coefficients, coefficient_refs = build_coefficients(
        inputs.ref("carbon/ccf/coefficients"), offerings, fit, fit_source
    )
    throughput, throughput_refs = build_throughput(
        ThroughputInputs.under(inputs.ref("accelerators"))
    )
    return Snapshot(
        tables={
            "offerings": offerings,
            "regions": regions,
            "gpus": gpus,
            "egress": egress,
            "unit_prices": unit_prices,
            "coefficients": coefficients,
            "latency": latency,
            "throughput": throughput,
        },
        sources={
            "offerings": list(dict.fromkeys(offering_refs)),
            "regions": region_refs,
            "gpus": gpu_refs,
            "egress": egress_refs,
            "unit_prices": unit_refs,
            "coefficients": coefficient_refs,
            "latency": latency_refs,
            "throughput": throughput_refs,
        },
        snapshot_date=snapshot_date,
        extra={"latency_fit": fit.to_json(), "offerings_build": offering_facts},
    )


def _check_dates(snapshot: Snapshot) -> None:
    for name, frame in snapshot.tables.items():
        for value in frame["source_date"].dropna().unique():
            parse_source_date(str(value))  # raises DataError naming the bad value
        if frame["source"].isna().any():
            raise DataError(f"table {name}: rows without a source")


def _write_table(frame: pd.DataFrame, path: Path) -> None:
    # mtime=0 keeps the gzip header free of build time: same inputs, same bytes.
    frame.to_csv(path, index=False, compression={"method": "gzip", "mtime": 0}, lineterminator="\n")


def manifest_json(snapshot: Snapshot, built_at: str) -> dict[str, Any]:
    return {
        "snapshot_date": snapshot.snapshot_date,
        "built_at": built_at,
        "builder": BUILDER,
        "tables": {
            name: {
                "file": f"{name}.csv.gz",
                "rows": len(frame),
                "sources": [ref.as_manifest(name) for ref in snapshot.sources.get(name, [])],
            }
            for name, frame in snapshot.tables.items()
        },
        **snapshot.extra,
    }


def write_snapshot(snapshot: Snapshot, out: Path) -> Path:
    """Write every table and the manifest to `out`, replacing it only once all are written."""
    _check_dates(snapshot)
    for name, frame in snapshot.tables.items():
        schema.coerce_table(name, frame)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp makes 0700; the snapshot is package data, readable by all
    try:
        for name, frame in snapshot.tables.items():
            _write_table(frame, staging / f"{name}.csv.gz")
        built_at = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        write_json(staging / "manifest.json", manifest_json(snapshot, built_at))
        (staging / "manifest.json").chmod(0o644)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def _swap(staging: Path, out: Path) -> None:
    """Move `staging` into place; the old snapshot survives until the new one is there."""
    if not out.exists():
        staging.rename(out)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
    retired.rmdir()
    out.rename(retired)
    try:
        staging.rename(out)
    except OSError:
        retired.rename(out)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def build_snapshot(skypilot_dir: Path, reference: Path, out: Path) -> Snapshot:
    """Build every table from the inputs and write the snapshot to `out` atomically."""
    snapshot = build_tables(BuildInputs(Path(skypilot_dir), Path(reference)))
    write_snapshot(snapshot, Path(out))
    return snapshot
