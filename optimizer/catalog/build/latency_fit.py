"""Fit the great-circle latency model to the measured matrices.

Model: rtt_ms = intercept_ms + inflation × fibre_rtt_ms, with fibre_rtt_ms = 2 × km ÷ 204
(light in fibre, one way 204 km/ms). Readers clamp the model at the fibre bound.

Fit: least absolute deviations (median regression), solved as a linear programme with HiGHS.
Why not least squares: measured/fibre ratios are right-skewed (detours, e.g. Africa ↔ Asia via
Europe run 3× the bound), and squared error lets those routes pull the typical pair's
prediction up; the median line predicts the typical pair and the residual quantiles say how
wrong it is. Intra-region pairs (0 km) are a different regime (same campus) and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cloudwright.core.errors import DataError
from cloudwright.optimizer.catalog.catalog import Point, great_circle_km


@dataclass(frozen=True)
class LatencyFit:
    intercept_ms: float
    inflation: float
    pairs: int
    median_abs_residual_ms: float
    p90_abs_residual_ms: float
    median_abs_pct: float  # median |residual| / measured, percent
    by_source: dict[str, dict[str, float]]

    def to_json(self) -> dict[str, object]:
        return {
            "model": "rtt_ms = intercept_ms + inflation * (2 * km / fibre_km_per_ms)",
            "method": "least absolute deviations (median regression), HiGHS LP",
            "intercept_ms": self.intercept_ms,
            "inflation": self.inflation,
            "pairs": self.pairs,
            "median_abs_residual_ms": self.median_abs_residual_ms,
            "p90_abs_residual_ms": self.p90_abs_residual_ms,
            "median_abs_pct": self.median_abs_pct,
            "by_source": self.by_source,
        }


def fit_points(
    latency: pd.DataFrame, regions: pd.DataFrame, fibre_km_per_ms: float
) -> pd.DataFrame:
    """Measured pairs with both regions located: columns fibre_ms, rtt_ms, dataset."""
    coords = {
        (str(cloud), str(region)): Point(float(lat), float(lon))
        for cloud, region, lat, lon in zip(
            regions["cloud"].tolist(),
            regions["region"].tolist(),
            regions["lat"].astype(float).tolist(),
            regions["lon"].astype(float).tolist(),
            strict=True,
        )
    }
    rows = []
    for rec in latency.to_dict("records"):
        a = coords.get((rec["cloud_a"], rec["region_a"]))
        b = coords.get((rec["cloud_b"], rec["region_b"]))
        if a is None or b is None:
            continue
        km = great_circle_km(a, b)
        if km <= 0:
            continue
        dataset = rec["cloud_a"] if rec["cloud_a"] == rec["cloud_b"] else "cross-cloud"
        rows.append(
            {
                "fibre_ms": 2 * km / fibre_km_per_ms,
                "rtt_ms": float(rec["rtt_ms"]),
                "dataset": dataset,
            }
        )
    return pd.DataFrame(rows)


def fit_lad(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Minimise Σ|y − a − b·x| as an LP: variables a, b, u⁺ᵢ, u⁻ᵢ ≥ 0."""
    from scipy import sparse
    from scipy.optimize import linprog

    n = len(x)
    if n < 2:
        raise DataError("latency fit needs at least two measured pairs with coordinates")
    cost = np.concatenate([[0.0, 0.0], np.ones(2 * n)])
    eye = sparse.identity(n, format="csr")
    a_eq = sparse.hstack(
        [sparse.csr_matrix(np.ones((n, 1))), sparse.csr_matrix(x.reshape(-1, 1)), eye, -eye],
        format="csr",
    )
    bounds = [(None, None), (None, None)] + [(0, None)] * (2 * n)
    result = linprog(cost, A_eq=a_eq, b_eq=y, bounds=bounds, method="highs")
    if not result.success:
        raise DataError(f"latency fit failed: {result.message}")
    return float(result.x[0]), float(result.x[1])


def fit_latency(points: pd.DataFrame) -> LatencyFit:
    x = points["fibre_ms"].to_numpy(float)
    y = points["rtt_ms"].to_numpy(float)
    intercept, inflation = fit_lad(x, y)
    predicted = np.maximum(intercept + inflation * x, x)
    residual = y - predicted
    abs_res = np.abs(residual)
    by_source = {}
    for name, group in points.assign(res=residual).groupby("dataset"):
        res = group["res"].abs()
        by_source[str(name)] = {
            "pairs": len(group),
            "median_residual_ms": round(float(group["res"].median()), 2),
            "median_abs_residual_ms": round(float(res.median()), 2),
            "p90_abs_residual_ms": round(float(res.quantile(0.9)), 2),
        }
    return LatencyFit(
        intercept_ms=round(intercept, 3),
        inflation=round(inflation, 4),
        pairs=len(points),
        median_abs_residual_ms=round(float(np.median(abs_res)), 2),
        p90_abs_residual_ms=round(float(np.quantile(abs_res, 0.9)), 2),
        median_abs_pct=round(float(np.median(abs_res / y) * 100), 1),
        by_source=by_source,
    )
