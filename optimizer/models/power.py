"""Node power of many offerings at once: the `energy.node_power` model, as two vectors.

`energy.node_power` is linear in GPU utilisation u:  P(u) = idle_w + u × slope_w, where
    idle_w  = GPUs × (board + platform) × idle fraction + CPU part + memory part
    slope_w = GPUs × (board + platform) × (1 − idle fraction),
with the board and platform power of each offering's GPU variant (`gpu_variant`).
The optimizer evaluates it for every (workload, offering) pair, so it needs the two
coefficients per offering as numpy arrays rather than one call per pair (each call does
several catalog lookups). `tests/test_optimizer_models.py` pins this module to
`energy.node_power` so the two cannot drift apart.

Invariants: coefficient lookups happen once per cloud; arrays follow the input order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cloudwright.optimizer.catalog import Catalog


@dataclass(frozen=True)
class PowerVectors:
    idle_w: np.ndarray  # node IT power at 0 % GPU utilisation (W)
    slope_w: np.ndarray  # extra W per unit of GPU utilisation

    def at(self, utilization: np.ndarray | float) -> np.ndarray:
        u = np.clip(utilization, 0.0, 1.0)
        return np.asarray(self.idle_w + u * self.slope_w, dtype=float)


def power_vectors(catalog: Catalog, offerings: pd.DataFrame) -> PowerVectors:
    """Idle and slope power for each row of `offerings` (needs cloud, gpu, gpu_count, vcpus,
    memory_gb columns and, when present, gpu_variant, as in `Catalog.region_offerings`)."""
    n = len(offerings)
    idle = np.zeros(n)
    slope = np.zeros(n)
    clouds = offerings["cloud"].to_numpy(dtype=object)
    gpu_count = offerings["gpu_count"].fillna(0).to_numpy(dtype=float)
    vcpus = offerings["vcpus"].fillna(0).to_numpy(dtype=float)
    memory_gb = offerings["memory_gb"].fillna(0).to_numpy(dtype=float)
    board = _gpu_power(catalog, offerings)
    for cloud in sorted(set(clouds)):
        mask = clouds == cloud
        gpu_idle = catalog.coefficient("gpu_idle_fraction", cloud).value
        cpu_u = catalog.coefficient("cpu_utilization_default", cloud).value
        cpu_u = min(max(cpu_u, 0.0), 1.0)
        min_w = catalog.coefficient("cpu_min_w_per_vcpu", cloud).value
        max_w = catalog.coefficient("cpu_max_w_per_vcpu", cloud).value
        mem_w = catalog.coefficient("memory_w_per_gb", cloud).value
        gpu_w = gpu_count[mask] * board[mask]
        host_w = vcpus[mask] * (min_w + cpu_u * (max_w - min_w)) + memory_gb[mask] * mem_w
        idle[mask] = gpu_w * gpu_idle + host_w
        slope[mask] = gpu_w * (1.0 - gpu_idle)
    return PowerVectors(idle, slope)


def _gpu_power(catalog: Catalog, offerings: pd.DataFrame) -> np.ndarray:
    """Board + platform W per GPU of each row's GPU variant (0 without a GPU)."""
    gpus = offerings["gpu"]
    names = gpus.astype(object).where(gpus.notna(), None).to_numpy(dtype=object)
    if "gpu_variant" in offerings:
        raw = offerings["gpu_variant"]
        variants = raw.astype(object).where(raw.notna(), None).to_numpy(dtype=object)
    else:
        variants = np.full(len(names), None, dtype=object)
    pairs = sorted({(g, v) for g, v in zip(names, variants, strict=True) if g}, key=str)
    per_gpu = {}
    for g, v in pairs:
        spec = catalog.gpu(g, v)
        per_gpu[(g, v)] = spec.board_power_w + spec.platform_w_per_gpu
    return np.array(
        [per_gpu[(g, v)] if g else 0.0 for g, v in zip(names, variants, strict=True)],
        dtype=float,
    )
