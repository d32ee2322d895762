"""Objective vectors: what each candidate adds to the objective the solver minimises.

- cost:     total $/month (compute + storage + data move + serving egress);
- carbon:   kgCO2e/month (estimate);
- latency:  user-weighted RTT in ms (workloads without users add 0), solved
            lexicographically: first latency, then cost among the latency-optimal plans;
- balanced: $/month + carbon price × tonnes + a latency penalty. The penalty for a workload
            with users is `latency_penalty_pct_per_ms` % of its cheapest option's monthly
            cost for every ms it sits above its lowest-latency option, so a ms weighs the
            same share of every workload's bill whatever its size.

`cost` breaks ties by carbon and `carbon` by cost, with a weight of TIE_BREAK per unit
(small enough never to trade a real difference in the main objective).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.models.cluster_fee import cluster_fee_usd_month
from cloudwright.optimizer.plan import Objective
from cloudwright.optimizer.solver.candidates import CandidateSet

TIE_BREAK = 1e-6
KG_PER_TONNE = 1000.0


@dataclass(frozen=True)
class ObjectiveSpec:
    name: Objective
    carbon_price_usd_per_tonne: float
    latency_penalty_pct_per_ms: float
    carbon_price_source: str = ""  # where the carbon price came from (flag, fleet, default)


@dataclass(frozen=True)
class ObjectiveVectors:
    primary: np.ndarray
    secondary: np.ndarray | None  # lexicographic second stage (latency objective only)
    unit: str


def objective_unit(name: str) -> str:
    """The unit the objective (and lock hysteresis) is counted in."""
    return {"cost": "USD/month", "carbon": "kgCO2e/month", "latency": "ms"}.get(
        name, "USD/month-equivalent"
    )


def objective_vectors(
    cands: CandidateSet, spec: ObjectiveSpec, fixed_usd: np.ndarray | None = None
) -> ObjectiveVectors:
    """`fixed_usd`: $/month a candidate brings beyond its own metrics (a kubernetes
    workload's managed-cluster fee, `kubernetes_fees`), weighed wherever $ is."""
    m = cands.metrics
    usd = m.total_usd if fixed_usd is None else m.total_usd + fixed_usd
    if spec.name == "cost":
        return ObjectiveVectors(usd + TIE_BREAK * m.carbon_kg, None, "USD/month")
    if spec.name == "carbon":
        return ObjectiveVectors(m.carbon_kg + TIE_BREAK * usd, None, "kgCO2e/month")
    latency = np.nan_to_num(m.latency_ms, nan=0.0)
    if spec.name == "latency":
        return ObjectiveVectors(latency, usd + TIE_BREAK * m.carbon_kg, "ms")
    return ObjectiveVectors(balanced(cands, spec, usd), None, "USD/month-equivalent")


def kubernetes_fees(cands: CandidateSet, catalog: Catalog) -> np.ndarray | None:
    """Per candidate, the monthly fee of the managed cluster a `platform: kubernetes`
    workload needs in that candidate's cloud+region (the whole fee: an upper bound on the
    share it will pay, known only once the fleet is placed; unknown fees weigh 0 and the plan
    says so). None when no workload runs on Kubernetes."""
    kube = np.array([w.platform == "kubernetes" for w in cands.fleet.workloads], dtype=bool)
    if not kube.any():
        return None
    regions = cands.table.regions
    rows_region = cands.table.region_idx[cands.offer]
    per_region = np.zeros(len(regions.keys))
    for g in np.unique(rows_region[kube[cands.wl]]):
        fee = cluster_fee_usd_month(catalog, str(regions.cloud[g]), str(regions.region[g]))
        per_region[g] = fee or 0.0
    return np.where(kube[cands.wl], per_region[rows_region], 0.0)


def balanced(cands: CandidateSet, spec: ObjectiveSpec, usd: np.ndarray | None = None) -> np.ndarray:
    m = cands.metrics
    usd = m.total_usd if usd is None else usd
    value = usd + spec.carbon_price_usd_per_tonne * m.carbon_kg / KG_PER_TONNE
    return np.asarray(value + latency_penalty(cands, spec.latency_penalty_pct_per_ms), dtype=float)


def latency_penalty(cands: CandidateSet, pct_per_ms: float) -> np.ndarray:
    m = cands.metrics
    has = ~np.isnan(m.latency_ms)
    if pct_per_ms <= 0 or not has.any():
        return np.zeros(len(cands))
    starts = cands.start[:-1]
    best_latency = np.minimum.reduceat(np.where(has, m.latency_ms, np.inf), starts)
    ref_cost = np.minimum.reduceat(m.total_usd, starts)
    excess = np.where(has, m.latency_ms - best_latency[cands.wl], 0.0)
    return np.asarray(pct_per_ms / 100.0 * ref_cost[cands.wl] * excess, dtype=float)


def deployment_vectors(
    spec: ObjectiveSpec, usd: np.ndarray, kg: np.ndarray
) -> tuple[np.ndarray, np.ndarray | None]:
    """(primary, secondary) objective of opening each split deployment (solver/splits.py):
    its once-per-region $ and kgCO2e, weighed as `objective_vectors` weighs a candidate's
    (it has no latency of its own)."""
    if spec.name == "cost":
        return usd + TIE_BREAK * kg, None
    if spec.name == "carbon":
        return kg + TIE_BREAK * usd, None
    if spec.name == "latency":
        return np.zeros(len(usd)), usd + TIE_BREAK * kg
    return usd + spec.carbon_price_usd_per_tonne * kg / KG_PER_TONNE, None
