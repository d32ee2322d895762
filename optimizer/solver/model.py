"""The placement model as HiGHS sees it: one binary per candidate column, one row per
coupled workload (pick exactly one), the coupling rows (capacity, budget, spot share) scaled to
unit size, and co-location binaries.

Shared by the solver paths (`milp`: column generation; `lagrange`: Lagrangian sifting) and the
infeasibility diagnosis. Invariants: columns are candidate rows in ascending order; dollar rows
are held BUDGET_MARGIN of their bound inside it, so solver tolerances never put a plan over
budget; nothing is printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cloudwright.optimizer.solver import highs
from cloudwright.optimizer.solver.candidates import CandidateSet
from cloudwright.optimizer.solver.coupling import Coupling
from cloudwright.optimizer.solver.highs import (
    silence_native_stdout as silence_native_stdout,  # re-exported: tests import it from here
)
from cloudwright.optimizer.solver.sparse import RowMatrix, hstack, vstack
from cloudwright.optimizer.solver.splits import SplitBlock, split_block

MIP_REL_GAP = 1e-5
BUDGET_MARGIN = 1e-6  # share of the budget held back from the solver (see dollar_margin)


@dataclass(frozen=True)
class Model:
    columns: np.ndarray  # candidate rows in the working set, ascending
    c: np.ndarray
    a_eq: RowMatrix
    b_eq: np.ndarray
    a_ub: RowMatrix
    b_ub: np.ndarray
    n_y: int  # co-location then deployment binaries after the x columns
    eq_workload: np.ndarray  # eq row of each coupled, non-grouped workload (−1 otherwise)
    row_scale: np.ndarray  # a_ub = diag(row_scale) · coupling rows (numerics: GPUs vs $)
    # Deployments of split workloads (solver/splits.py), the last y columns; their rows
    # follow the coupling rows in a_ub (unit scale).
    deps: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def build_model(
    cands: CandidateSet,
    coupling: Coupling,
    primary: np.ndarray,
    columns: np.ndarray,
    coupled: np.ndarray,
    fixed_usage: np.ndarray,
    *,
    y_cost: np.ndarray | None = None,
) -> Model:
    """`y_cost`: the objective of each split deployment (default: the coupling's primary
    costs, `Splits.cost`)."""
    n_x = len(columns)
    wl = cands.wl[columns]
    grouped_w = {i for members in coupling.groups.values() for i in members}
    eq_rows: list[np.ndarray] = []
    eq_cols: list[np.ndarray] = []
    eq_vals: list[np.ndarray] = []
    b_eq: list[float] = []
    eq_workload = np.full(len(cands.start) - 1, -1, dtype=np.int64)
    # One candidate per coupled workload.
    workloads = np.flatnonzero(coupled)
    row_of = np.full(len(cands.start) - 1, -1, dtype=np.int64)
    row_of[workloads] = np.arange(len(workloads))
    eq_rows.append(row_of[wl])
    eq_cols.append(np.arange(n_x))
    eq_vals.append(np.ones(n_x))
    b_eq.extend([1.0] * len(workloads))
    for w in workloads.tolist():
        if w not in grouped_w:
            eq_workload[w] = row_of[w]
    next_row: int = len(workloads)
    n_y = 0
    regions = cands.table.region_idx[cands.offer[columns]]
    for group, members in coupling.groups.items():
        if not coupled[members].all():
            continue  # a group outside this model (a sample of the workloads) adds no rows
        allowed = coupling.group_regions[group]
        y_of = {r: n_x + n_y + k for k, r in enumerate(allowed)}
        for i in members:
            for r in allowed:
                hit = np.flatnonzero((wl == i) & (regions == r))
                eq_rows.append(np.full(len(hit) + 1, next_row))
                eq_cols.append(np.append(hit, y_of[r]))
                eq_vals.append(np.append(np.ones(len(hit)), -1.0))
                b_eq.append(0.0)
                next_row += 1
        eq_rows.append(np.full(len(allowed), next_row))
        eq_cols.append(np.array([y_of[r] for r in allowed]))
        eq_vals.append(np.ones(len(allowed)))
        b_eq.append(1.0)
        next_row += 1
        n_y += len(allowed)
    n = n_x + n_y
    a_eq = RowMatrix.from_triplets(
        np.concatenate(eq_rows),
        np.concatenate(eq_cols),
        np.concatenate(eq_vals),
        (next_row, n),
        drop_zeros=False,
    )
    scale = row_scale(coupling)
    if len(coupling):
        a_ub = coupling.matrix.take_columns(columns).scale_rows(scale).pad_columns(n_y)
        b_ub = scale * (coupling.upper - fixed_usage - dollar_margin(coupling))
    else:
        a_ub, b_ub = RowMatrix.empty(0, n), np.zeros(0)
    c = np.concatenate([primary[columns], np.zeros(n_y)])
    model = Model(columns, c, a_eq, np.array(b_eq), a_ub, b_ub, n_y, eq_workload, scale)
    splits = coupling.splits
    block = None if splits is None else split_block(splits, columns, n, n + len(splits.dep_offer))
    if block is None or splits is None:
        return model
    return _with_deployments(model, coupling, block, y_cost if y_cost is not None else splits.cost)


def _with_deployments(
    model: Model, coupling: Coupling, block: SplitBlock, costs: np.ndarray | None
) -> Model:
    """`model` with the split deployments' y columns and rows (solver/splits.py); the budget
    row counts each open deployment's once-per-region $."""
    n_s = len(block.deps)
    a_ub, scale = model.a_ub, model.row_scale
    if len(coupling):
        budget = [k for k, kind in enumerate(coupling.kinds) if kind == "budget"]
        dep_cols = RowMatrix.from_triplets(
            np.full(n_s, budget[0] if budget else 0),
            np.arange(n_s),
            block.budget_usd * (scale[budget[0]] if budget else 0.0),
            (len(coupling), n_s),
        )
        a_ub = hstack([a_ub, dep_cols])
    n = len(model.c) + n_s
    block_a = RowMatrix(block.a_ub.indptr, block.a_ub.indices, block.a_ub.data, n)
    return Model(
        model.columns,
        np.concatenate([model.c, np.zeros(n_s) if costs is None else costs[block.deps]]),
        model.a_eq.pad_columns(n_s),
        model.b_eq,
        vstack([a_ub, block_a]) if a_ub.n_rows else block_a,
        np.concatenate([model.b_ub, block.b_ub]),
        model.n_y + n_s,
        model.eq_workload,
        np.concatenate([scale, np.ones(len(block.b_ub))]),
        block.deps,
    )


def dollar_margin(coupling: Coupling) -> np.ndarray:
    """Keep dollar rows a hair inside their bound: HiGHS accepts rows violated by up to its
    feasibility tolerance (~1e-6 of the row's size after its own scaling), and a plan must
    never be over budget. GPU rows need no margin: their usage is whole GPUs."""
    return np.array(
        [
            BUDGET_MARGIN * abs(u) if kind == "budget" else 0.0
            for kind, u in zip(coupling.kinds, coupling.upper, strict=True)
        ]
    )


def row_scale(coupling: Coupling) -> np.ndarray:
    """1 / the size of each coupling row (its bound or largest coefficient), so a budget
    row in dollars and a capacity row in GPUs reach HiGHS on the same footing."""
    if not len(coupling):
        return np.zeros(0)
    largest = coupling.matrix.abs_max_per_row()
    size = np.maximum(np.maximum(np.abs(coupling.upper), largest), 1.0)
    return np.asarray(1.0 / size, dtype=np.float64)


def run_milp(
    model: Model, time_limit_s: float, *, continuous_tail: int = 0
) -> tuple[np.ndarray | None, str, float]:
    """Solve `model` with HiGHS; the last `continuous_tail` variables are continuous ≥ 0."""
    n = len(model.c)
    integral = np.ones(n, dtype=bool)
    upper = np.ones(n)
    if continuous_tail:
        integral[n - continuous_tail :] = False
        upper[n - continuous_tail :] = np.inf
    res = highs.milp(
        model.c,
        model.a_eq,
        model.b_eq,
        model.a_ub,
        model.b_ub,
        upper=upper,
        integral=integral,
        time_limit_s=max(time_limit_s, 1.0),
        mip_rel_gap=MIP_REL_GAP,
    )
    if res.x is None:
        return None, res.message, float("nan")
    status = "optimal" if res.optimal else "feasible (time limit reached)"
    return res.x, status, res.fun
