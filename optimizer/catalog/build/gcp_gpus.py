"""GCP GPUs attached to N1 hosts: offerings (host + GPUs) and per-GPU unit prices.

GCP's T4, V100, P100 and P4 (and the retired K80) are accelerators attached to an N1 machine
type, not machine types of their own; the SkyPilot-format catalog lists them as GPU rows with
an empty `InstanceType`, per zone and GPU count (the row's price is for that many GPUs).

- Offerings: one shape per (GPU, count) in `reference/gcp_n1_gpu_shapes.csv` (host
  n1-standard-<8 × count>), named `<host>+<accelerator type>x<count>` (`optimizer.catalog.
  shapes`), priced per zone as host row + GPU row of the same zone; a zone without both does
  not sell the shape. A host larger than Google's vCPU / memory limit for that GPU count stops
  the build.
- Unit prices (`gcp`, `gpu`, <accelerator type>, `hour`; spot as `<type>-spot`): per region,
  the median over its zones of the one-GPU rows, for what `guestAccelerators` prices. GPUs that
  only come bundled with an accelerator-optimized machine type (L4 on G2, A100 on A2, H100 on
  A3, ...) get no per-GPU price: the catalog's price of those machine types already includes
  them, and a separate GPU line would count them twice. Their '*' row says so.

Accelerator names map to GCP's accelerator types through `reference/gcp_accelerator_types.csv`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cloudwright.core.errors import DataError
from cloudwright.optimizer.catalog.build.skypilot import canonical_gpu, gpu_memory_gb, read_cloud
from cloudwright.optimizer.catalog.build.sources import reference_table
from cloudwright.optimizer.catalog.shapes import attached_name

GPU_SERVICE = "gpu"
SPOT_SUFFIX = "-spot"


def accelerator_types() -> pd.DataFrame:
    """source_name, accelerator_type, attachable (bool), bundled_with, source, source_date."""
    table = reference_table("gcp_accelerator_types").copy()
    table["attachable"] = table["attachable"].astype(str).str.lower() == "true"
    return table


def _gpu_rows(accel: pd.DataFrame) -> pd.DataFrame:
    """The catalog's GPU rows (empty InstanceType) as zone, source_name, count, prices."""
    return pd.DataFrame(
        {
            "region": accel["Region"].astype("string"),
            "zone": accel["AvailabilityZone"].astype("string"),
            "source_name": accel["AcceleratorName"].astype("string"),
            "count": pd.to_numeric(accel["AcceleratorCount"]).round().astype(int),
            "gpu_price": pd.to_numeric(accel["Price"], errors="coerce").astype("Float64"),
            "gpu_spot": pd.to_numeric(accel["SpotPrice"], errors="coerce").astype("Float64"),
            "gpu_mem": gpu_memory_gb(accel["GpuInfo"]),
            "source": accel["source"],
            "source_date": accel["source_date"],
        }
    ).drop_duplicates(["zone", "source_name", "count"])


def attached_offerings(hosts: pd.DataFrame, accel: pd.DataFrame) -> pd.DataFrame:
    """Offering rows (host columns) for every shape in gcp_n1_gpu_shapes.csv, per zone."""
    types = accelerator_types().set_index("source_name")["accelerator_type"]
    gpus = _gpu_rows(accel)
    parts = []
    for rec in reference_table("gcp_n1_gpu_shapes").to_dict("records"):
        host = hosts[hosts["instance_type"] == rec["host"]]
        if host.empty:
            continue
        _check_limits(host, rec)
        mine = gpus[(gpus["source_name"] == rec["accelerator"]) & (gpus["count"] == rec["count"])]
        merged = host.merge(mine[["zone", "gpu_price", "gpu_spot", "gpu_mem"]], on="zone")
        if merged.empty:
            continue
        count = int(rec["count"])
        merged["instance_type"] = attached_name(
            str(rec["host"]), str(types[rec["accelerator"]]), count
        )
        merged["gpu"] = canonical_gpu("gcp", pd.Series([rec["accelerator"]] * len(merged)))
        merged["gpu_count"] = count
        merged["gpu_memory_gb"] = merged["gpu_mem"]
        merged["price_on_demand_usd_hr"] = merged["price_on_demand_usd_hr"] + merged["gpu_price"]
        merged["price_spot_usd_hr"] = merged["price_spot_usd_hr"] + merged["gpu_spot"]
        merged["source"] = (
            merged["source"] + f" ({rec['host']} row + {count}x {rec['accelerator']} GPU row)"
        )
        parts.append(merged[list(hosts.columns)])
    if not parts:
        return hosts.iloc[0:0]
    return pd.concat(parts, ignore_index=True)


def _check_limits(host: pd.DataFrame, rec: Mapping[Any, Any]) -> None:
    vcpus = float(host["vcpus"].max())
    memory = float(host["memory_gb"].max())
    if vcpus > float(str(rec["max_vcpus"])) or memory > float(str(rec["max_memory_gb"])):
        raise DataError(
            f"gcp_n1_gpu_shapes.csv: {rec['host']} ({vcpus:g} vCPUs, {memory:g} GB) exceeds "
            f"what {rec['count']}x {rec['accelerator']} allows ({rec['max_vcpus']} vCPUs, "
            f"{rec['max_memory_gb']} GB)"
        )


def gpu_unit_prices(accel: pd.DataFrame) -> pd.DataFrame:
    """unit_prices rows for (gcp, gpu, <accelerator type>[-spot], hour): one per region where
    the catalog sells one attachable GPU, and a '*' row per accelerator type saying why other
    regions have none."""
    table = accelerator_types()
    gpus = _gpu_rows(accel)
    rows: list[dict[str, object]] = []
    for rec in table.to_dict("records"):
        mine = gpus[(gpus["source_name"] == rec["source_name"]) & (gpus["count"] == 1)]
        if not rec["attachable"]:
            rows.extend(_bundled(rec))
        elif not mine.empty:
            rows.extend(_regional(rec, mine))
    return pd.DataFrame(rows)


def _regional(rec: Mapping[Any, Any], mine: pd.DataFrame) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    accel_type = str(rec["accelerator_type"])
    for region, group in mine.groupby("region", sort=True):
        for suffix, column, label in (
            ("", "gpu_price", "on-demand"),
            (SPOT_SUFFIX, "gpu_spot", "spot"),
        ):
            values = group[column].dropna().astype(float)
            if values.empty:
                continue
            note = f"{label}, per GPU-hour: median of {len(values)} zone row(s)"
            if values.min() != values.max():
                note += f" (zones range {values.min():g}-{values.max():g})"
            out.append(
                _row(
                    accel_type + suffix,
                    str(region),
                    float(values.median()),
                    note,
                    str(group["source"].iloc[0]),
                    str(group["source_date"].iloc[0]),
                )
            )
    for suffix in ("", SPOT_SUFFIX):
        out.append(
            _row(
                accel_type + suffix,
                "*",
                np.nan,
                f"priced per region: the catalog lists no {accel_type} in regions without a row",
                f"reference/gcp_accelerator_types.csv (project): {rec['source']}",
                str(rec["source_date"]),
            )
        )
    return out


def _bundled(rec: Mapping[Any, Any]) -> list[dict[str, object]]:
    accel_type = str(rec["accelerator_type"])
    note = (
        f"bundled: {accel_type} comes only with {rec['bundled_with']} machine types, whose "
        "catalog price already includes it; no separate GPU price"
    )
    source = f"reference/gcp_accelerator_types.csv (project): {rec['source']}"
    return [
        _row(accel_type + suffix, "*", np.nan, note, source, str(rec["source_date"]))
        for suffix in ("", SPOT_SUFFIX)
    ]


def _row(
    product: str, region: str, usd: float, notes: str, source: str, date: str
) -> dict[str, object]:
    return {
        "cloud": "gcp",
        "region": region,
        "service": GPU_SERVICE,
        "product": product,
        "unit": "hour",
        "usd_per_unit": usd,
        "tier_start": None,
        "notes": notes,
        "source": source,
        "source_date": date,
    }


def gpu_rows_of(skypilot_dir: Path) -> pd.DataFrame:
    """The GCP catalog's GPU rows (empty InstanceType, TPUs left out)."""
    raw, _ = read_cloud(skypilot_dir, "gcp")
    gpu = raw["InstanceType"].isna() & ~raw["AcceleratorName"].str.startswith("tpu", na=False)
    return raw[gpu]
