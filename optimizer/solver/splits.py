"""Workloads served from several regions, as the MILP sees them: deployment binaries.

A split workload reaches the solver as one part per user population (fleet/split.py), each
picking one candidate as any workload does. A *deployment* is one (offer, purchase) that
some part may pick: a cloud, region, instance type and pricing. The model adds one binary
y[d] per deployment and these `≤` rows:

- link: x[c] − y[d(c)] ≤ 0 for every part's candidate c (a part lands only on an open
  deployment);
- one deployment per region: Σ_{d in region r} y[d] ≤ 1 (the parts a region serves share
  one instance type and pricing: one assignment per region in the plan);
- at most `placement.max_regions` deployments per workload;
- the budget row also counts each open deployment's once-per-region $.

y[d] costs the region's once-per-region figures, weighed by the objective (`with_costs`):
object storage and parallel-FS copies, the data copied in from `data.location` (amortised)
and the VM cluster's NAT gateway, address and key: the parent workload's metrics at d minus
the same workload's metrics without them (`deployment_fixed`), so the two cannot drift.

Invariants: deployments are numbered in (group, offer, purchase) order; `row_dep` is −1 on
every candidate row of an unsplit workload; nothing here depends on the objective except
the cost arrays `with_costs` sets.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.fleet.spec import PART_SEPARATOR, SplitPart, Workload
from cloudwright.optimizer.fleet.split import split_groups
from cloudwright.optimizer.solver.candidates import CandidateSet
from cloudwright.optimizer.solver.metrics import compute_metrics
from cloudwright.optimizer.solver.sparse import RowMatrix

PURCHASE_CODES = 4  # purchase.PRICING: a deployment key is offer × 4 + purchase code


@dataclass(frozen=True)
class Splits:
    names: list[str]  # parent workload per group
    parts: list[np.ndarray]  # workload indexes of each group's parts
    max_regions: list[int]
    dep_group: np.ndarray  # per deployment
    dep_offer: np.ndarray
    dep_purchase: np.ndarray
    dep_region: np.ndarray
    fixed_usd: np.ndarray  # once-per-region $/month of opening the deployment
    fixed_kg: np.ndarray
    fixed_kwh: np.ndarray
    row_dep: np.ndarray  # per candidate row: its deployment (−1: an unsplit workload's row)
    cost: np.ndarray | None = None  # objective per deployment (`with_costs`)
    secondary_cost: np.ndarray | None = None

    @property
    def part_rows(self) -> np.ndarray:
        """Mask of the candidate rows that belong to split parts."""
        return np.asarray(self.row_dep >= 0)

    def with_costs(self, primary: np.ndarray, secondary: np.ndarray | None) -> Splits:
        return replace(self, cost=primary, secondary_cost=secondary)

    def opened(self, choice: np.ndarray) -> np.ndarray:
        """Deployments a choice of candidate rows (one per workload) opens, ascending."""
        deps = self.row_dep[choice]
        return np.unique(deps[deps >= 0])

    def chosen_cost(self, choice: np.ndarray, secondary: bool = False) -> float:
        costs = self.secondary_cost if secondary else self.cost
        if costs is None:
            return 0.0
        return float(costs[self.opened(choice)].sum())


def build_splits(cands: CandidateSet, catalog: Catalog) -> Splits | None:
    """The deployments of every split workload of the candidate set (None: there are none)."""
    groups = split_groups(cands.fleet)
    if not groups:
        return None
    row_dep = np.full(len(cands), -1, dtype=np.int64)
    names: list[str] = []
    parts: list[np.ndarray] = []
    limits: list[int] = []
    dep_group: list[int] = []
    dep_key: list[int] = []
    for g, (name, members) in enumerate(groups.items()):
        rows = np.concatenate([np.arange(*_span(cands, i)) for i in members])
        key = cands.offer[rows].astype(np.int64) * PURCHASE_CODES + cands.purchase[rows]
        keys, inverse = np.unique(key, return_inverse=True)
        row_dep[rows] = len(dep_key) + inverse.ravel()
        dep_key.extend(keys.tolist())
        dep_group.extend([g] * len(keys))
        names.append(name)
        parts.append(np.asarray(members, dtype=np.int64))
        parent = _parent(cands, members[0])
        limits.append(parent.placement.max_regions)
    key_arr = np.asarray(dep_key, dtype=np.int64)
    offer, purchase = key_arr // PURCHASE_CODES, (key_arr % PURCHASE_CODES).astype(np.int8)
    group = np.asarray(dep_group, dtype=np.int64)
    fixed = [
        deployment_fixed(
            catalog, cands, _parent(cands, int(parts[g][0])), offer[sel], purchase[sel]
        )
        for g in range(len(names))
        for sel in [group == g]
    ]
    return Splits(
        names,
        parts,
        limits,
        group,
        offer,
        purchase,
        cands.table.region_idx[offer],
        np.concatenate([f[0] for f in fixed]),
        np.concatenate([f[1] for f in fixed]),
        np.concatenate([f[2] for f in fixed]),
        row_dep,
    )


def _span(cands: CandidateSet, i: int) -> tuple[int, int]:
    return int(cands.start[i]), int(cands.start[i + 1])


def _parent(cands: CandidateSet, i: int) -> Workload:
    part = cands.fleet.workloads[i].split
    assert part is not None
    return part.parent


def deployment_fixed(
    catalog: Catalog,
    cands: CandidateSet,
    parent: Workload,
    offer: np.ndarray,
    purchase: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """($, kgCO2e, kWh) per month that opening each (offer, purchase) adds once for the
    region: the parent's figures there minus a part's (the same workload without them)."""
    whole = parent.model_copy(update={"users": []})
    part = whole.model_copy(update={"name": f"{parent.name}{PART_SEPARATOR}"})
    part._split = SplitPart(parent=parent, population="", share=1.0, index=0)
    figures = []
    for w in (whole, part):
        fleet = cands.fleet.model_copy(update={"workloads": [w]})
        rows = (np.zeros(len(offer), dtype=np.int64), offer, purchase)
        figures.append(compute_metrics(catalog, cands.table, fleet, rows, {}, None))
    a, b = figures
    return (
        np.asarray(a.total_usd - b.total_usd),
        np.asarray(a.carbon_kg - b.carbon_kg),
        np.asarray(a.energy_kwh - b.energy_kwh),
    )


@dataclass(frozen=True)
class SplitBlock:
    """The split rows and deployment columns of one model (see the module docstring)."""

    deps: np.ndarray  # deployments of the model's y columns, in column order
    a_ub: RowMatrix  # over all the model's columns
    b_ub: np.ndarray
    budget_usd: np.ndarray  # per y column: its $ in the budget row


def split_block(
    splits: Splits, columns: np.ndarray, first_y: int, n_cols: int
) -> SplitBlock | None:
    """Rows and columns for the deployments the model's `columns` can open; their y columns
    are first_y, first_y + 1, ... (n_cols in all)."""
    col_dep = splits.row_dep[columns]
    at = np.flatnonzero(col_dep >= 0)
    if not len(at):
        return None
    deps, local = np.unique(col_dep[at], return_inverse=True)
    y = first_y + np.arange(len(deps))
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    bounds: list[np.ndarray] = []
    # Link rows: x[c] − y[d(c)] ≤ 0.
    n_link = len(at)
    link = np.arange(n_link)
    rows += [link, link]
    cols += [at, y[local.ravel()]]
    vals += [np.ones(n_link), -np.ones(n_link)]
    bounds.append(np.zeros(n_link))
    next_row = n_link
    # One deployment per (group, region), and at most max_regions per group.
    group, region = splits.dep_group[deps], splits.dep_region[deps]
    pair = group * (int(region.max()) + 1) + region
    _, pair_of = np.unique(pair, return_inverse=True)
    pair_of = pair_of.ravel()
    counts = np.bincount(pair_of)
    crowded = counts[pair_of] > 1
    if crowded.any():
        ids = np.unique(pair_of[crowded], return_inverse=True)[1].ravel()
        rows.append(next_row + ids)
        cols.append(y[crowded])
        vals.append(np.ones(int(crowded.sum())))
        bounds.append(np.ones(int(ids.max()) + 1))
        next_row += int(ids.max()) + 1
    for g in np.unique(group).tolist():
        regions = np.unique(region[group == g])
        if len(regions) <= splits.max_regions[g]:
            continue  # the limit cannot bind
        mine = np.flatnonzero(group == g)
        rows.append(np.full(len(mine), next_row))
        cols.append(y[mine])
        vals.append(np.ones(len(mine)))
        bounds.append(np.array([float(splits.max_regions[g])]))
        next_row += 1
    a_ub = RowMatrix.from_triplets(
        np.concatenate(rows), np.concatenate(cols), np.concatenate(vals), (next_row, n_cols)
    )
    return SplitBlock(deps, a_ub, np.concatenate(bounds), splits.fixed_usd[deps])
