"""Modelled round-trip time from a workload's users to each candidate's region.

Weighted over the workload's populations (`models.latency.LatencyModel`); computed once per
distinct set of populations (10^5 workloads share ~10^3), then gathered per candidate.
"""

from __future__ import annotations

import numpy as np

from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.fleet.spec import Fleet
from cloudwright.optimizer.models.latency import LatencyModel, Population
from cloudwright.optimizer.solver.offers import OfferTable

# (RTT per set of users × region, each workload's set); None when no workload has users.
LatencyTable = tuple[np.ndarray, np.ndarray] | None


def latency_table(catalog: Catalog, table: OfferTable, fleet: Fleet) -> LatencyTable:
    """Weighted user RTT per (set of users, region), and each workload's set (row 0: no
    users, NaN); None when no workload has users."""
    if not any(w.users for w in fleet.workloads):
        return None
    model = LatencyModel.from_catalog(catalog)
    regions = table.regions
    keys: dict[tuple[tuple[float, float, float], ...], int] = {}
    rows = [np.full(len(regions.keys), np.nan)]
    slot = np.zeros(len(fleet.workloads), dtype=np.int64)
    for i, w in enumerate(fleet.workloads):
        if not w.users:
            continue
        key = tuple((u.lat, u.lon, u.weight) for u in w.users)
        if key not in keys:
            keys[key] = len(rows)
            pops = [Population(u.lat, u.lon, u.weight) for u in w.users]
            rows.append(model.weighted_rtt_ms(pops, regions.lat, regions.lon))
        slot[i] = keys[key]
    return np.vstack(rows), slot


def candidate_latency(latency: LatencyTable, wl: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Weighted user RTT of candidates (workload `wl`, region index `region`); NaN: no users."""
    if latency is None:
        return np.full(len(wl), np.nan)
    by_users, slot = latency
    return np.asarray(by_users[slot[wl], region], dtype=float)
