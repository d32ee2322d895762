"""Accelerators that are not GPUs: Google TPU slices, AWS Trainium / Inferentia (Neuron)
and Gaudi, beside the GPUs in the same `gpu` / `gpu_count` columns.

From the reference set's `accelerators/` folder:
- `specs.csv`: memory and power per accelerator model → rows of the gpus table. Google and
  AWS publish no power for TPU v5e/v5p/v6e, Trainium or Inferentia, and no source gives
  Gaudi1's: those rows carry an estimate (`reference/accelerator_power.csv`: dense BF16
  TFLOPS × the W/TFLOPS of a documented chip of the same vendor or generation), marked
  `verified=False` with a source that starts with "estimate:". Never 0.
- `cloud_shapes.csv` + `cloud_prices.csv`: GCP TPU slices per zone. The instance type is
  Google's accelerator type (`v5p-8`, `v5litepod-16`, `v6e-256`); `gpu_count` counts chips
  (a v5p-8 has 8 TensorCores on 4 chips); `hosts` and `topology` say how the slice is laid
  out; the fabric is ICI. Prices are per slice (a TPU VM has no separate host price), from
  the anycloud copy of the GCP catalog: the trusted calculator has no TPU rows, so they are
  `secondary`. The source's 700.0 placeholder prices stay, flagged (`doubtful`).
- AWS: the Neuron and Gaudi instance types come with the AWS price sources already
  (`aws_prices`); Karpenter's spec table names their accelerators and `aws_prices` maps
  them. trn2.48xlarge has no on-demand list price anywhere (a Capacity Blocks product):
  its SkyPilot zone rows come from here, on-demand unknown, spot where listed.

Pure: paths in, frames out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cloudwright.core.errors import DataError
from cloudwright.optimizer.catalog import schema
from cloudwright.optimizer.catalog.build.sources import SourceRef, read_csv, reference_table

# specs.csv / cloud_*.csv model names → canonical names (models the clouds do not sell in
# the reference set, such as Gaudi2 and MI325X, are left out).
MODELS: dict[str, str] = {
    "TPU-v4": "TPU-v4",
    "TPU-v5e": "TPU-v5e",
    "TPU-v5p": "TPU-v5p",
    "TPU-v6e (Trillium)": "TPU-v6e",
    "Trainium1": "Trainium1",
    "Trainium2": "Trainium2",
    "Inferentia2": "Inferentia2",
    "Gaudi1/HL-205": "Gaudi-HL205",
}
GCP_CATALOG = "anycloud-sh/catalog@62ff0a98:gcp/vms.csv (TPU rows)"
SKYPILOT_AWS = "skypilot-org/skypilot-catalog@00148f2a:catalogs/v8/aws/vms.csv"
SKYPILOT_DATE = "2026-05"
# The source's placeholder notes, reworded so `flags.doubtful_price` reads them: a note that
# mentions spot concerns the spot price, any other the on-demand price.
PLACEHOLDER_NOTES = {
    "700.0 placeholder on-demand price": "placeholder price 700.0 in the source (not a list price)",
    "700.0 placeholder spot price": "placeholder spot price 700.0 in the source",
}


@dataclass(frozen=True)
class AcceleratorInputs:
    """The reference set's accelerators/ folder."""

    specs: Path
    shapes: Path
    prices: Path

    @classmethod
    def under(cls, folder: Path) -> AcceleratorInputs:
        return cls(folder / "specs.csv", folder / "cloud_shapes.csv", folder / "cloud_prices.csv")


def _num(value: object) -> float:
    out = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return float(out) if pd.notna(out) else np.nan


def _specs(path: Path) -> pd.DataFrame:
    specs = read_csv(path, dtype=str, keep_default_na=False).set_index("model")
    missing = sorted(set(MODELS) - set(specs.index))
    if missing:
        raise DataError(f"{path}: no row for {', '.join(missing)}")
    return specs


def accelerator_gpus(path: Path) -> tuple[pd.DataFrame, SourceRef]:
    """gpus-table rows (memory, power) for the accelerators of MODELS."""
    specs = _specs(path)
    rows = []
    for rec in reference_table("accelerator_power").to_dict("records"):
        own = specs.loc[str(rec["specs_model"])]
        method = str(rec["method"])
        if method == "published":
            power = _num(own["power_w"])
        elif method == "scaled":
            basis = specs.loc[str(rec["reference_model"])]
            power = (
                _num(own["peak_bf16_tflops_dense"])
                * _num(basis["power_w"])
                / _num(basis["peak_bf16_tflops_dense"])
            )
        elif method == "same":
            power = _num(specs.loc[str(rec["reference_model"]), "power_w"])
        else:
            raise DataError(f"accelerator_power.csv: unknown method {method!r} for {rec['gpu']}")
        if not np.isfinite(power) or power <= 0:
            raise DataError(f"accelerator_power.csv: no power for {rec['gpu']} ({method})")
        memory = _num(own["memory_gb"])
        rows.append(
            {
                "gpu": rec["gpu"],
                "variant": rec["variant"],
                "memory_gb": memory,
                "board_power_w": round(power, 1),
                "platform_w_per_gpu": np.nan,
                "platform_source": None,
                "verified": str(rec["verified"]).lower() == "true",
                "source": f"{rec['basis']} = {power:.0f} W; {rec['source']}",
                "source_date": rec["source_date"],
            }
        )
    frame = pd.DataFrame(rows)
    unknown = set(frame["gpu"]) - set(schema.CANONICAL_GPUS)
    if unknown:
        raise DataError(f"accelerator_power.csv names non-canonical models: {sorted(unknown)}")
    ref = SourceRef(
        "accelerators/specs.csv (Google TPU, AWS Neuron docs, AWS DL1 blog) + "
        "reference/accelerator_power.csv (project: power estimates)",
        "2026-08",
    )
    return frame, ref


def _ici_gbps_per_chip(specs: pd.DataFrame) -> dict[str, float]:
    """Per-chip ICI bandwidth per direction (Gbit/s): specs give GB/s both ways."""
    out = {}
    for model, canonical in MODELS.items():
        if canonical in schema.TPUS:
            both_ways = _num(specs.loc[model, "interconnect_bw_per_chip_gb_s"])
            out[canonical] = both_ways * 8 / 2
    return out


def _flag(text: object) -> str | None:
    if not isinstance(text, str):
        return None
    notes = [new for old, new in PLACEHOLDER_NOTES.items() if old in text]
    return "; ".join(notes) or None


def tpu_offerings(inputs: AcceleratorInputs) -> tuple[pd.DataFrame, SourceRef]:
    """Offerings rows (schema columns minus zone kind / status finalisation) of the GCP TPU
    slices, one per zone the catalog prices them in."""
    shapes = read_csv(inputs.shapes, dtype=str, keep_default_na=False, na_values=[""])
    prices = read_csv(inputs.prices, keep_default_na=False, na_values=[""])
    shapes = shapes[shapes["cloud"] == "gcp"].set_index("shape")
    prices = prices[prices["cloud"] == "gcp"]
    unknown = sorted(set(prices["shape"]) - set(shapes.index))
    if unknown:
        raise DataError(f"{inputs.prices}: TPU shapes not in cloud_shapes.csv: {unknown[:5]}")
    specs = _specs(inputs.specs)
    ici = _ici_gbps_per_chip(specs)
    hosts_ref = reference_table("tpu_hosts").set_index("gpu")
    shape = shapes.reindex(prices["shape"])
    shape.index = prices.index
    gpu = shape["accelerator_model"].map(MODELS)
    if gpu.isna().any():
        raise DataError(f"cloud_shapes.csv: unknown TPU models {set(shape['accelerator_model'])}")
    chips = pd.to_numeric(shape["accelerator_count"]).astype(int)
    hosts = pd.to_numeric(shape["hosts"]).astype(int)
    per_host = pd.to_numeric(shape["chips_per_host"]).astype(int)
    # Host vCPUs / memory only where the slice fills whole hosts of a documented size.
    full = hosts_ref.reindex(gpu)
    full.index = prices.index
    whole = per_host == pd.to_numeric(full["chips_per_host"])
    vcpus = (pd.to_numeric(full["vcpus_per_host"]) * hosts).where(whole)
    memory = (pd.to_numeric(full["memory_gb_per_host"]) * hosts).where(whole)
    memory_per_chip = gpu.map({MODELS[m]: _num(specs.loc[m, "memory_gb"]) for m in MODELS})
    multi_chip = chips > 1
    out = pd.DataFrame(
        {
            "cloud": "gcp",
            "region": prices["region"].astype("string"),
            "zone": prices["zone"].astype("string"),
            "instance_type": prices["shape"].astype("string"),
            "gpu": gpu.astype("string"),
            "gpu_count": chips.astype("Int64"),
            "gpu_fraction": pd.Series(pd.NA, index=prices.index, dtype="Float64"),
            "gpu_memory_gb": memory_per_chip.astype("Float64"),
            "vcpus": vcpus.astype("Float64"),
            "memory_gb": memory.astype("Float64"),
            "arch": "x86_64",
            # A one-chip slice has no ICI link in use; every larger slice is one ICI torus.
            "interconnect": np.where(multi_chip, "ICI", "none"),
            "interconnect_nics": pd.Series(pd.NA, index=prices.index, dtype="Int64"),
            "interconnect_gbps": (gpu.map(ici) * chips).where(multi_chip).astype("Float64"),
            "hosts": hosts.astype("Int64"),
            "topology": shape["topology"].astype("string"),
            "price_on_demand_usd_hr": _positive(prices["price_on_demand_usd_h"]),
            "price_spot_usd_hr": _positive(prices["price_spot_usd_h"]),
            "price_status": "secondary",
            "price_flag": prices["flag"].map(_flag).astype("string"),
            "source": GCP_CATALOG + " via accelerators/cloud_prices.csv; shapes: Google TPU docs",
            "source_date": prices["source_date"].astype("string"),
        }
    )
    return out, SourceRef(GCP_CATALOG + "; Google TPU docs (accelerators/)", "2026-05-20")


def _positive(values: pd.Series) -> pd.Series:
    """Prices as floats; blank or 0 is unknown, never $0."""
    out = pd.to_numeric(values, errors="coerce").astype("Float64")
    return out.where(out > 0)


def aws_unlisted(inputs: AcceleratorInputs, listed: pd.DataFrame) -> pd.DataFrame:
    """Zone rows of AWS accelerator types no AWS price source lists (trn2): on-demand
    unknown, SkyPilot's spot price where it has one; specs come from `specs_of`."""
    prices = read_csv(inputs.prices, keep_default_na=False, na_values=[""])
    prices = prices[(prices["cloud"] == "aws") & (prices["zone"] != "(region)")]
    have = set(listed.loc[listed["cloud"] == "aws", "instance_type"].dropna())
    rows = prices[~prices["shape"].isin(have)]
    return pd.DataFrame(
        {
            "cloud": "aws",
            "region": rows["region"].astype("string"),
            "zone": rows["zone"].astype("string"),
            "instance_type": rows["shape"].astype("string"),
            "price_on_demand_usd_hr": _positive(rows["price_on_demand_usd_h"]),
            "price_spot_usd_hr": _positive(rows["price_spot_usd_h"]),
            "source": SKYPILOT_AWS + " via accelerators/cloud_prices.csv",
            "source_date": SKYPILOT_DATE,
        }
    )
