"""Offerings from catalogs in SkyPilot's CSV format (`<dir>/<cloud>/vms*.csv`).

The same files SkyPilot keeps in `~/.sky/catalogs/<version>/`. Quirks handled here:
- AWS: `AvailabilityZone` holds zone IDs (use1-az1), kept as they are; `A100` on p4d is
  the 40 GB part (mapped through `reference/gpu_names.csv`).
- GCP: accelerators are separate rows with an empty `InstanceType`; an accelerator-optimized
  machine's full price is its host VM row plus the GPU row with the matching name and count in
  the same zone (`reference/gcp_accelerator_hosts.csv` says which GPU each family carries).
  TPU rows are not GPUs and are left out.
- GCP N1 hosts with attached T4/V100/P100/P4 become offerings of their own
  (`gcp_gpus.attached_offerings`, named `n1-standard-8+nvidia-tesla-t4x1`).
- Azure: no zones; partitioned GPU sizes (a fraction of one GPU) keep `gpu` with
  `gpu_count` 0 and the share in `gpu_fraction`.

Every function here is pure: paths in, frames in the offerings schema (minus fabric and
price-sanity columns, added by `offerings.py`) out.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pandas as pd

from cloudwright.core.errors import DataError
from cloudwright.optimizer.catalog import schema
from cloudwright.optimizer.catalog.build.price_sanity import correct_gcp_accelerators
from cloudwright.optimizer.catalog.build.sources import (
    SourceRef,
    describe,
    read_csv,
    reference_table,
)

MIB_PER_GB = 1024.0


def cloud_files(root: Path, cloud: str) -> list[Path]:
    """`vms*.csv` under `<root>/<cloud>/` (SkyPilot keeps one; the reference set splits AWS)."""
    files = sorted((root / cloud).glob("vms*.csv"))
    if not files:
        raise DataError(
            f"no SkyPilot catalog for {cloud} under {root}",
            hint=f"expected {root / cloud / 'vms.csv'} (SkyPilot's ~/.sky/catalogs/<version>/ layout)",
        )
    return files


def read_cloud(root: Path, cloud: str) -> tuple[pd.DataFrame, list[SourceRef]]:
    """All rows of a cloud's `vms*.csv` files, each tagged with its file's source and date."""
    frames, refs = [], []
    for path in cloud_files(root, cloud):
        ref = describe(path)
        frame = read_csv(path, dtype={"InstanceType": "string", "AcceleratorName": "string"})
        frame["source"] = ref.source
        frame["source_date"] = ref.source_date
        frames.append(frame)
        refs.append(ref)
    return pd.concat(frames, ignore_index=True), refs


def canonical_gpu(cloud: str, names: pd.Series) -> pd.Series:
    """Source accelerator names → schema.CANONICAL_GPUS (None where the row has no GPU)."""
    table = reference_table("gpu_names")
    mapping = dict(
        zip(
            table.loc[table["cloud"] == cloud, "source_name"],
            table.loc[table["cloud"] == cloud, "canonical"],
            strict=True,
        )
    )
    out = names.map(lambda n: mapping.get(n) if isinstance(n, str) else None)
    unknown = sorted({n for n, c in zip(names, out, strict=True) if isinstance(n, str) and not c})
    if unknown:
        raise DataError(
            f"{cloud}: accelerator names with no canonical mapping: {', '.join(unknown)}",
            hint="add them to optimizer/catalog/build/reference/gpu_names.csv",
        )
    bad = set(out.dropna()) - set(schema.CANONICAL_GPUS)
    if bad:
        raise DataError(f"gpu_names.csv maps to non-canonical names: {', '.join(sorted(bad))}")
    return out.astype("string")


def gpu_memory_gb(gpu_info: pd.Series) -> pd.Series:
    """Per-GPU memory (GB) from SkyPilot's GpuInfo (a Python-literal dict), NaN when absent."""

    def one(text: object) -> float:
        if not isinstance(text, str) or not text.startswith("{"):
            return np.nan
        try:
            info = ast.literal_eval(text)
            mib = info["Gpus"][0]["MemoryInfo"]["SizeInMiB"]
        except (ValueError, SyntaxError, KeyError, IndexError, TypeError):
            return np.nan
        return float(mib) / MIB_PER_GB

    return gpu_info.map(one).astype("Float64")


def _base_frame(raw: pd.DataFrame, cloud: str, zone: pd.Series | None) -> pd.DataFrame:
    count = pd.to_numeric(raw["AcceleratorCount"], errors="coerce")
    whole = count.where(count.isna() | (count >= 1), 0).round()
    fraction = count.where(count < 1)
    return pd.DataFrame(
        {
            "cloud": cloud,
            "region": raw["Region"].astype("string"),
            "zone": zone if zone is not None else pd.Series(pd.NA, index=raw.index),
            "instance_type": raw["InstanceType"].astype("string"),
            "gpu": canonical_gpu(cloud, raw["AcceleratorName"]),
            "gpu_count": whole.fillna(0).astype("Int64"),
            "gpu_fraction": fraction.astype("Float64"),
            "gpu_memory_gb": gpu_memory_gb(raw["GpuInfo"]),
            "vcpus": pd.to_numeric(raw["vCPUs"], errors="coerce").astype("Float64"),
            "memory_gb": pd.to_numeric(raw["MemoryGiB"], errors="coerce").astype("Float64"),
            "arch": raw["Arch"].astype("string")
            if "Arch" in raw
            else pd.Series(pd.NA, index=raw.index, dtype="string"),
            "price_on_demand_usd_hr": _price(raw["Price"]),
            "price_spot_usd_hr": _price(raw["SpotPrice"]),
            "source": raw["source"],
            "source_date": raw["source_date"],
        }
    )


def _price(values: pd.Series) -> pd.Series:
    """Prices as floats; blanks stay NaN (unknown), never 0."""
    return pd.to_numeric(values, errors="coerce").astype("Float64")


def aws_offerings(root: Path) -> tuple[pd.DataFrame, list[SourceRef]]:
    raw, refs = read_cloud(root, "aws")
    frame = _base_frame(raw, "aws", raw["AvailabilityZone"].astype("string"))
    return frame, refs


def azure_offerings(root: Path) -> tuple[pd.DataFrame, list[SourceRef]]:
    raw, refs = read_cloud(root, "azure")
    frame = _base_frame(raw, "azure", None)
    # Azure sizes are x86 unless the size name carries the Arm 'p' feature letter (Dpsv5...).
    arm = raw["InstanceType"].str.contains(r"^Standard_[A-Z]+\d+[a-z]*p[a-z]*_v\d", regex=True)
    frame["arch"] = pd.Series(np.where(arm.fillna(False), "arm64", "x86_64"), dtype="string")
    return frame, refs


def gcp_offerings(root: Path) -> tuple[pd.DataFrame, list[SourceRef]]:
    """GCP machine types; accelerator-optimized ones priced host VM + GPUs, per zone."""
    raw, refs = read_cloud(root, "gcp")
    is_accel = raw["InstanceType"].isna()
    accel = correct_gcp_accelerators(
        raw[is_accel & ~raw["AcceleratorName"].str.startswith("tpu", na=False)]
    )
    hosts = raw[~is_accel].copy()
    frame = _base_frame(hosts, "gcp", hosts["AvailabilityZone"].astype("string"))
    frame["arch"] = pd.Series(
        np.where(hosts["InstanceType"].str.startswith(("t2a", "c4a"), na=False), "arm64", "x86_64"),
        index=hosts.index,
        dtype="string",
    )
    attached = attach_gcp_gpus(frame, accel)
    # Imported here: gcp_gpus builds on this module's readers.
    from cloudwright.optimizer.catalog.build.gcp_gpus import attached_offerings

    return pd.concat([attached, attached_offerings(frame, accel)], ignore_index=True), refs


def _host_accelerator(machine_type: str) -> tuple[str, int] | None:
    for rec in reference_table("gcp_accelerator_hosts").to_dict("records"):
        match = re.match(str(rec["machine_type_pattern"]), machine_type)
        if match:
            count = rec["count"]
            return str(rec["accelerator"]), int(match.group("n") if count == "n" else count)
    return None


def attach_gcp_gpus(hosts: pd.DataFrame, accel: pd.DataFrame) -> pd.DataFrame:
    """Add each accelerator-optimized host's GPUs: name, count, memory, and the GPU row's
    price (per zone) to the host's on-demand and spot prices."""
    types = hosts["instance_type"].dropna().unique()
    carried = {t: _host_accelerator(str(t)) for t in types}
    source_name = hosts["instance_type"].map(lambda t: (carried.get(t) or (None, 0))[0])
    count = hosts["instance_type"].map(lambda t: (carried.get(t) or (None, 0))[1])
    gpu_rows = pd.DataFrame(
        {
            "zone": accel["AvailabilityZone"].astype("string"),
            "source_name": accel["AcceleratorName"].astype("string"),
            "count": pd.to_numeric(accel["AcceleratorCount"]).round().astype(int),
            "gpu_price": _price(accel["Price"]),
            "gpu_spot": _price(accel["SpotPrice"]),
            "gpu_mem": gpu_memory_gb(accel["GpuInfo"]),
            "correction": accel["correction"],
            "correction_source": accel["correction_source"],
        }
    ).drop_duplicates(["zone", "source_name", "count"])
    keyed = hosts.assign(source_name=source_name.astype("string"), count=count.astype(int))
    merged = keyed.merge(gpu_rows, on=["zone", "source_name", "count"], how="left")
    has_gpu = merged["source_name"].notna()
    merged["gpu"] = canonical_gpu("gcp", merged["source_name"].where(has_gpu))
    merged["gpu_count"] = merged["count"].where(has_gpu, 0).astype("Int64")
    merged["gpu_memory_gb"] = merged["gpu_mem"].where(has_gpu)
    merged["host_price_usd_hr"] = merged["price_on_demand_usd_hr"]
    merged["gpu_price_usd_hr"] = merged["gpu_price"]
    merged["price_on_demand_usd_hr"] = _sum_or_unknown(
        merged["price_on_demand_usd_hr"], merged["gpu_price"], has_gpu
    )
    merged["price_spot_usd_hr"] = _sum_or_unknown(
        merged["price_spot_usd_hr"], merged["gpu_spot"], has_gpu
    )
    corrected = merged["correction"].notna()
    merged["price_flag"] = merged["correction"].astype("string")
    merged["source"] = merged["source"].where(
        ~corrected, merged["source"] + " + " + merged["correction_source"]
    )
    dropped = ["source_name", "count", "gpu_price", "gpu_spot", "gpu_mem", "correction"]
    return merged.drop(columns=[*dropped, "correction_source"])


def _sum_or_unknown(host: pd.Series, gpu: pd.Series, has_gpu: pd.Series) -> pd.Series:
    """Host + GPU price for accelerator hosts (unknown if either part is unknown); the host
    price alone for plain machine types."""
    total = host.astype("Float64") + gpu.astype("Float64")
    return host.astype("Float64").where(~has_gpu, total)
