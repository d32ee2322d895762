"""The gpus table: memory and board power per canonical GPU (and variant).

From a `gpu_specs.csv` (gpu, variant, memory_gb, board_power_w, note) plus the project's
`reference/gpus_supplement.csv` for GPUs the clouds sell that the spec file lacks. The source
names the A100 by memory through its variant (SXM4-40GB, PCIe-80GB); those become the
canonical A100-40GB / A100-80GB. A note asking to "verify before relying on it" makes the row
`verified=False`.

Row order matters: `Catalog.gpu()` takes a model's first row, so the variant the clouds sell
in their 8-GPU shapes (SXM) comes first; an offering names its own variant (`gpu_variant`).

Platform power (`platform_w_per_gpu`): what a GPU server draws beyond its GPUs, CPUs and
memory (NVSwitch, NICs, fans, local NVMe, power conversion), per GPU at full load, from a
published system maximum in `reference/platform_power.csv`:

    (system max W − GPUs × board W − CPU TDP W − memory GB × memory_w_per_gb) ÷ GPUs

with the model's own memory coefficient (CCF 0.392 W/GB), so that the node model at full load
(GPUs at board power, CPUs at TDP) adds up to the system maximum. Variants without a
published system figure (PCIe cards, MI300X) have none (null): not modelled, said in the docs.
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
    reference_value,
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
    combined = with_platform_power(combined)
    combined["_sxm_first"] = ~combined["variant"].str.contains("SXM|OAM", regex=True)
    combined = combined.sort_values(["gpu", "_sxm_first"], kind="stable").drop(columns="_sxm_first")
    refs = [
        ref,
        SourceRef("reference/gpus_supplement.csv (project; vendor datasheets)", "2026-05"),
        SourceRef("reference/platform_power.csv (project; NVIDIA DGX datasheets)", "2024-03"),
    ]
    return schema.coerce_table("gpus", combined.reset_index(drop=True)), refs


def with_platform_power(gpus: pd.DataFrame) -> pd.DataFrame:
    """`gpus` with platform_w_per_gpu / platform_source from reference/platform_power.csv."""
    systems = reference_table("platform_power")
    memory_w = reference_value("coefficients_published", "memory_w_per_gb")
    board = gpus.set_index(["gpu", "variant"])["board_power_w"]
    out = gpus.assign(
        platform_w_per_gpu=pd.Series(pd.NA, index=gpus.index, dtype="Float64"),
        platform_source=pd.Series(pd.NA, index=gpus.index, dtype="string"),
    )
    for rec in systems.to_dict("records"):
        key = (str(rec["gpu"]), str(rec["variant"]))
        if key not in board.index:
            raise DataError(f"platform_power.csv: no gpus row {key[0]} {key[1]}")
        n = float(rec["gpus"])
        rest = float(rec["system_max_w"]) - n * float(board.loc[key]) - float(rec["cpu_w"])
        platform = (rest - float(rec["memory_gb"]) * memory_w) / n
        if platform < 0:
            raise DataError(f"platform_power.csv: {rec['system']} leaves negative platform power")
        hit = (out["gpu"] == key[0]) & (out["variant"] == key[1])
        out.loc[hit, "platform_w_per_gpu"] = round(platform, 1)
        out.loc[hit, "platform_source"] = (
            f"{rec['system']}: ({rec['system_max_w']} W max − {rec['gpus']} × board − "
            f"{rec['cpu_w']} W CPU − {rec['memory_gb']} GB × {memory_w} W/GB) ÷ {rec['gpus']}; "
            f"{rec['source']} ({rec['source_date']})"
        )
    return out


def fill_gpu_variants(offerings: pd.DataFrame, gpus: pd.DataFrame) -> pd.DataFrame:
    """Each GPU offering's `gpu_variant`: the first rule of `reference/gpu_variants.csv`
    whose cloud and instance-type pattern match (its GPU must be the row's), else the GPU's
    first (default) row in the gpus table. A rule naming a variant the gpus table lacks
    stops the build."""
    rules = reference_table("gpu_variants")
    known = set(zip(gpus["gpu"], gpus["variant"], strict=True))
    default = gpus.drop_duplicates("gpu").set_index("gpu")["variant"]
    out = offerings.copy()
    variant = out["gpu"].map(default).astype("string")
    types = out[["cloud", "instance_type", "gpu"]].drop_duplicates()
    for rec in rules.to_dict("records"):
        if (rec["gpu"], rec["variant"]) not in known:
            raise DataError(f"gpu_variants.csv: no gpus row {rec['gpu']} {rec['variant']}")
        hit = (
            (types["cloud"] == rec["cloud"])
            & types["instance_type"].str.match(str(rec["instance_type_pattern"]), na=False)
            & (types["gpu"] == rec["gpu"])
        )
        chosen = set(types.loc[hit, "instance_type"])
        rows = (out["cloud"] == rec["cloud"]) & out["instance_type"].isin(chosen)
        variant = variant.where(~rows, str(rec["variant"]))
        types = types[~hit]  # the first matching rule wins
    out["gpu_variant"] = variant.where(out["gpu"].notna()).astype("string")
    return out
