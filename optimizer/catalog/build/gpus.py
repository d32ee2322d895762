"""The gpus table: memory and board power per canonical GPU (and variant).

From a `gpu_specs.csv` (gpu, variant, memory_gb, board_power_w, note) plus the project's
`reference/gpus_supplement.csv` for GPUs the clouds sell that the spec file lacks. The source
names the A100 by memory through its variant (SXM4-40GB, PCIe-80GB); those become the
canonical A100-40GB / A100-80GB. A note asking to "verify before relying on it" makes the row
`verified=False`.

Row order matters: `Catalog.gpu()` takes a model's first row, so the variant the clouds sell
in their 8-GPU shapes (SXM) comes first.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from cloudwright.core.errors import DataError
from cloudwright.optimizer.catalog import schema
from cloudwright.optimizer.catalog.build.sources import (
    SourceRef,
    describe,
    read_csv,
    reference_table,
)


def _canonical(gpu: str, variant: str, memory_gb: float) -> str:
    if gpu == "A100":
        match = re.search(r"(40|80)GB", variant)
        if not match:
            raise DataError(f"gpu_specs: A100 variant {variant!r} does not say 40GB or 80GB")
        return f"A100-{match.group(1)}GB"
    if gpu == "V100" and memory_gb >= 32:
        return "V100-32GB"
    return gpu


def build_gpus(specs_csv: Path) -> tuple[pd.DataFrame, list[SourceRef]]:
    raw = read_csv(specs_csv, dtype=str, keep_default_na=False)
    ref = describe(specs_csv)
    rows = []
    for rec in raw.to_dict("records"):
        note = rec.get("note", "")
        rows.append(
            {
                "gpu": _canonical(rec["gpu"], rec["variant"], float(rec["memory_gb"])),
                "variant": rec["variant"],
                "memory_gb": float(rec["memory_gb"]),
                "board_power_w": float(rec["board_power_w"]),
                "verified": "verify" not in note.lower(),
                "source": f"{ref.source}: {note}" if note else ref.source,
                "source_date": ref.source_date,
            }
        )
    frame = pd.DataFrame(rows)
    # The spec file's V100 row is the 32 GB part (V100-32GB); the 16 GB one comes from the
    # supplement.
    extra = reference_table("gpus_supplement").copy()
    extra["verified"] = extra["verified"].astype(str).str.lower() == "true"
    extra = extra[
        ~extra.set_index(["gpu", "variant"]).index.isin(frame.set_index(["gpu", "variant"]).index)
    ]
    combined = pd.concat([frame, extra], ignore_index=True)
    unknown = set(combined["gpu"]) - set(schema.CANONICAL_GPUS)
    if unknown:
        raise DataError(f"gpus table names non-canonical GPUs: {', '.join(sorted(unknown))}")
    combined["_sxm_first"] = ~combined["variant"].str.contains("SXM|OAM", regex=True)
    combined = combined.sort_values(["gpu", "_sxm_first"], kind="stable").drop(columns="_sxm_first")
    refs = [ref, SourceRef("reference/gpus_supplement.csv (project; vendor datasheets)", "2026-05")]
    return schema.coerce_table("gpus", combined.reset_index(drop=True)), refs
