"""Constraints that couple workloads: capacity pools, the fleet budget, the spot share, and
co-location groups.

Capacity, budget and spot rows are `≤` rows over candidates (a sparse matrix with one
column per candidate). Co-location groups are kept as lists: the MILP adds one binary per
(group, region) and ties every member's choice to it.

Invariants: rows come in a stable order (capacity entries as written, then budget, then
spot); a co-location group's regions are the regions every member can use, sorted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from cloudwright.core.errors import InfeasibleError
from cloudwright.optimizer.fleet.resolve import region_matches
from cloudwright.optimizer.solver.candidates import CandidateSet
from cloudwright.optimizer.solver.sparse import RowMatrix
from cloudwright.optimizer.solver.splits import Splits


@dataclass(frozen=True)
class Coupling:
    names: list[str]  # human label per row
    kinds: list[str]  # "capacity" | "budget" | "spot"
    units: list[str]  # "GPUs" | "USD/month"
    matrix: RowMatrix  # rows × candidates
    upper: np.ndarray
    groups: dict[str, list[int]]  # co-location group → workload indexes
    group_regions: dict[str, list[int]]  # group → region indexes every member can use
    # Workloads served from several regions: their deployment binaries (solver/splits.py).
    splits: Splits | None = None

    def __len__(self) -> int:
        return len(self.names)

    @property
    def coupled(self) -> bool:
        return bool(self.names) or bool(self.groups) or self.splits is not None

    def with_split_costs(self, primary: np.ndarray, secondary: np.ndarray | None) -> Coupling:
        if self.splits is None:
            return self
        return replace(self, splits=self.splits.with_costs(primary, secondary))

    def usage(self, rows: np.ndarray) -> np.ndarray:
        """Left-hand side of every row for a choice of candidate rows."""
        x = np.zeros(self.matrix.n_cols)
        x[rows] = 1.0
        return self.matrix.dot(x)


def build_coupling(cands: CandidateSet, splits: Splits | None = None) -> Coupling:
    fleet = cands.fleet
    names: list[str] = []
    kinds: list[str] = []
    units: list[str] = []
    uppers: list[float] = []
    rows: list[tuple[np.ndarray, np.ndarray]] = []  # (candidate indexes, coefficients)
    gpus = cands.metrics.gpus
    for entry, hit in zip(fleet.capacity, _pool_members(cands, gpus), strict=True):
        rows.append((hit, gpus[hit]))
        names.append(f"capacity {entry.label()}")
        kinds.append("capacity")
        units.append("GPUs")
        uppers.append(float(entry.max_gpus))
    if fleet.budget is not None:
        usd = cands.metrics.total_usd
        hit = np.flatnonzero(usd)
        rows.append((hit, usd[hit]))
        names.append("budget")
        kinds.append("budget")
        units.append("USD/month")
        uppers.append(fleet.budget.monthly_usd)
    if fleet.max_spot_fraction is not None:
        share = fleet.max_spot_fraction
        weight = gpus * (cands.spot.astype(float) - share)
        hit = np.flatnonzero(weight)
        rows.append((hit, weight[hit]))
        del weight
        names.append(f"max_spot_fraction {share:g}")
        kinds.append("spot")
        units.append("GPUs")
        uppers.append(0.0)
    matrix = _sparse(rows, len(cands))
    index = {w.name: i for i, w in enumerate(fleet.workloads)}
    groups = {
        g: [index[n] for n in members] for g, members in sorted(fleet.colocation_groups().items())
    }
    return Coupling(
        names,
        kinds,
        units,
        matrix,
        np.array(uppers, dtype=float),
        groups,
        _group_regions(cands, groups),
        splits,
    )


def _pool_members(cands: CandidateSet, gpus: np.ndarray) -> Iterator[np.ndarray]:
    """The candidates (ascending) each capacity entry counts, with GPUs (zeros are not
    stored). Entries go eight at a time: one bit each in a byte per offer, gathered once per
    eight over every candidate (a full pass per entry cost ~1 s at 10^7 candidates)."""
    table = cands.table
    region_keys = np.array(table.regions.keys, dtype=object)
    masks = []
    for entry in cands.fleet.capacity:
        region_ok = np.array([region_matches(entry.region, k) for k in region_keys], dtype=bool)
        if entry.cloud is not None:
            region_ok &= table.regions.cloud == entry.cloud
        if entry.continent is not None:
            region_ok &= table.regions.continent == entry.continent
        offer_ok = region_ok[table.region_idx]
        if entry.gpu is not None:
            offer_ok &= table.gpu == entry.gpu
        masks.append(offer_ok)
    stored = gpus != 0
    for first in range(0, len(masks), 8):
        block = masks[first : first + 8]
        byte = np.zeros(len(table), dtype=np.uint8)
        for bit, offer_ok in enumerate(block):
            byte[offer_ok] |= np.uint8(1 << bit)
        bits = byte[cands.offer]
        bits[~stored] = 0
        for bit in range(len(block)):
            yield np.flatnonzero(bits & np.uint8(1 << bit))


def _sparse(rows: list[tuple[np.ndarray, np.ndarray]], n: int) -> RowMatrix:
    return RowMatrix.from_rows(rows, n)  # each row's candidates are ascending already


def _group_regions(cands: CandidateSet, groups: dict[str, list[int]]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    table = cands.table
    for group, members in groups.items():
        common: set[int] | None = None
        for i in members:
            mine = {int(table.region_idx[cands.offer[r]]) for r in cands.rows(i)}
            common = mine if common is None else common & mine
        if not common:
            names = [cands.fleet.workloads[i].name for i in members]
            per = "; ".join(
                f"{cands.fleet.workloads[i].name}: "
                + ", ".join(
                    sorted(
                        {
                            table.regions.keys[table.region_idx[cands.offer[r]]]
                            for r in cands.rows(i)
                        }
                    )[:6]
                )
                for i in members
            )
            raise InfeasibleError(
                f"co-location group {group!r}: no region can host all of {', '.join(names)}",
                hint=f"regions each can use (first few): {per}",
            )
        out[group] = sorted(common)
    return out
