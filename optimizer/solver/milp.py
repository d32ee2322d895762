"""The placement MILP (HiGHS, through highspy), with a working set priced by LP duals.

Model: binary x[c] per candidate; each workload picks exactly one; capacity, budget and
spot-share rows (`coupling.Coupling`) bound linear sums of x; a co-location group picks one
region (binary y[g, r]) and each member's choice must lie in it.

Scaling (documented in docs/optimizer.md):
1. Decomposition: a workload none of whose candidates touches a coupling row, and that is in
   no co-location group, takes its best candidate; it cannot affect anyone else.
2. Working set: each coupled workload starts with its best TOP_K candidates, plus its best
   per (capacity pools touched, spot) and its cheapest (when a budget binds); co-located
   workloads keep all their candidates in the group's regions.
3. Pricing (column generation): solve the LP relaxation on the working set, price every
   left-out candidate with the LP duals (reduced cost c − π_w − λᵀa); add those with a
   negative reduced cost; repeat. When no column prices out, the LP bound is the LP bound
   of the full problem; otherwise the Lagrangian bound LP + ∑_w min(0, min reduced cost)
   is used. Either way `lp_bound` is a valid lower bound for the full problem, and `gap` is
   measured against it.
4. Incumbent: a small MILP over the LP's support plus the candidates with the smallest
   reduced costs (about two per workload); if it is within MIP_REL_GAP of the bound, done.
5. Reduced-cost fixing (exact once pricing converged): every plan costs at least
   LP + ∑ rc_j x_j, so candidates with rc_j > incumbent − LP are dropped — from the whole
   candidate set, not just the working set. When only the incumbent's columns survive it is
   optimal; otherwise the MILP runs on the survivors.

Invariants: deterministic (stable candidate order, deterministic HiGHS); `choice` holds one
candidate row per workload; nothing is printed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from cloudwright.optimizer.solver import highs, lagrange
from cloudwright.optimizer.solver.candidates import CandidateSet
from cloudwright.optimizer.solver.coupling import Coupling
from cloudwright.optimizer.solver.model import (
    MIP_REL_GAP,
    Model,
    build_model,
    dollar_margin,
    run_milp,
)
from cloudwright.optimizer.solver.sparse import RowMatrix, vstack

TOP_K = 3
POOL_MARGIN = 0.05  # a capacity pool's best joins the first LP when within 5 % of the best
MAX_ROUNDS = 8
ADD_PER_ROUND = 3  # most negative reduced costs added per workload and round
REDUCED_COST_TOL = 1e-7
REPAIR_TIME_LIMIT_S = 10.0
NEIGHBOURHOOD_EXTRA = 1000  # candidates beyond two per workload in the incumbent's MILP


@dataclass(frozen=True)
class SolveResult:
    choice: np.ndarray  # candidate row per workload
    status: str
    objective_value: float
    lp_bound: float
    gap: float
    seconds: float
    considered: int  # candidate columns in the final MILP
    total: int  # candidates after exact pruning
    rounds: int
    method: str = "column generation"  # or "Lagrangian sifting" (large fleets)


@dataclass(frozen=True)
class LpState:
    columns: np.ndarray  # the priced working set
    value: float  # LP optimum on the working set
    correction: float  # Lagrangian correction (≤ 0); 0 when pricing converged
    rounds: int
    reduced: np.ndarray  # reduced cost of every candidate at the final duals
    x: np.ndarray  # LP solution on `columns`
    converged: bool
    # The LP holds the budget a hair inside its bound; λ·margin turns its value into a
    # bound for the true budget (the LP value is convex in the bounds, −λ a subgradient).
    margin_credit: float = 0.0


class ModelInfeasible(Exception):
    """The constraints admit no plan; `optimizer.solver.diagnose` says which one binds."""


def segment_argmin(cands: CandidateSet, keys: list[np.ndarray]) -> np.ndarray:
    """Row of the best candidate of every workload, lexicographic over `keys`, ties to the
    lowest row. Linear time: rows are grouped by workload (`cands.start`)."""
    starts = cands.start[:-1]
    tied = np.ones(len(cands), dtype=bool)
    for key in keys:
        masked = np.where(tied, key, np.inf)
        low = np.minimum.reduceat(masked, starts)
        tied &= masked <= low[cands.wl]
    rows = np.flatnonzero(tied)
    first = np.ones(len(rows), dtype=bool)
    first[1:] = cands.wl[rows][1:] != cands.wl[rows][:-1]
    return np.asarray(rows[first], dtype=np.int64)


def solve(
    cands: CandidateSet,
    coupling: Coupling,
    primary: np.ndarray,
    secondary: np.ndarray | None = None,
    *,
    keep_rows: np.ndarray | None = None,
    time_limit_s: float = 60.0,
) -> SolveResult:
    started = time.perf_counter()
    keys = [primary] if secondary is None else [primary, secondary]
    best = segment_argmin(cands, keys)
    coupled = _coupled_workloads(cands, coupling)
    if not coupled.any():
        value = float(primary[best].sum())
        return SolveResult(
            best, "optimal", value, value, 0.0, time.perf_counter() - started, 0, len(cands), 0
        )
    fixed_usage = coupling.usage(best[~coupled]) if len(coupling) else np.zeros(0)
    fixed_value = float(primary[best[~coupled]].sum())
    choice = best.copy()
    sifted = None
    # Split workloads' deployment rows are not Lagrangian-relaxed: column generation.
    if int(coupled.sum()) >= lagrange.SIFT_MIN_WORKLOADS and coupling.splits is None:
        sifted = lagrange.solve_sifted(
            cands,
            coupling,
            primary,
            coupled,
            fixed_usage,
            keep_rows=keep_rows,
            time_limit_s=time_limit_s,
        )
    method = "column generation"
    if sifted is not None:
        choice[cands.wl[sifted.rows]] = sifted.rows
        status, coupled_bound = sifted.status, sifted.bound
        considered, rounds = sifted.considered, sifted.rounds
        method = "Lagrangian sifting"
    else:
        in_model = coupled[cands.wl]
        fallbacks = [
            _working_set(cands, coupling, keys, coupled, keep_rows),
            _working_set(cands, coupling, keys, coupled, keep_rows, pool_margin=None),
            np.flatnonzero(in_model),
        ]
        lp = _price(cands, coupling, primary, fallbacks, in_model, fixed_usage)
        model, x, status = _integer_solve(
            cands, coupling, primary, lp, coupled, fixed_usage, time_limit_s, started
        )
        picked = model.columns[x[: len(model.columns)] > 0.5]
        choice[cands.wl[picked]] = picked
        coupled_bound = lp.value + lp.correction - lp.margin_credit
        considered, rounds = len(model.columns), lp.rounds
    if secondary is not None:
        choice, status = _second_stage(
            cands, coupling, primary, secondary, choice, coupled, fixed_usage, time_limit_s, started
        )
    total_value = float(primary[choice].sum())
    if coupling.splits is not None:  # the deployments the choice opens
        total_value += coupling.splits.chosen_cost(choice)
    bound = min(coupled_bound + fixed_value, total_value)
    gap = 0.0 if total_value == bound else (total_value - bound) / max(abs(total_value), 1e-9)
    return SolveResult(
        choice,
        status,
        total_value,
        bound,
        gap,
        time.perf_counter() - started,
        considered,
        len(cands),
        rounds,
        method,
    )


def _integer_solve(
    cands: CandidateSet,
    coupling: Coupling,
    primary: np.ndarray,
    lp: LpState,
    coupled: np.ndarray,
    fixed_usage: np.ndarray,
    time_limit_s: float,
    started: float,
) -> tuple[Model, np.ndarray, str]:
    """Integer solution: an incumbent from the LP; if it is within MIP_REL_GAP of the bound,
    done; else reduced-cost fixing and the MILP (see the module docstring)."""
    columns = lp.columns
    incumbent = _incumbent(cands, coupling, primary, lp, coupled, fixed_usage)
    splits = coupling.splits
    if incumbent is not None:
        value = _value(coupling, primary, incumbent)
        bound = lp.value + lp.correction
        if value - bound <= MIP_REL_GAP * max(1.0, abs(value)):
            model, ones = _fixed(cands, coupling, primary, incumbent, coupled, fixed_usage)
            return model, ones, "optimal"
        if lp.converged:
            # Exact: cost(x) ≥ LP + ∑ rc_j x_j, so rc_j > value − LP rules candidate j out.
            tol = 1e-9 * max(1.0, abs(lp.value))
            keep = coupled[cands.wl] & (lp.reduced <= value - lp.value + tol)
            keep[incumbent] = True
            if splits is not None:  # their reduced costs leave out the deployment rows
                keep |= splits.part_rows
            survivors = np.flatnonzero(keep)
            columns = (
                survivors
                if len(survivors) <= len(lp.columns)
                else np.union1d(np.intersect1d(lp.columns, survivors), incumbent)
            )
    model = build_model(cands, coupling, primary, columns, coupled, fixed_usage)
    x, status, _ = run_milp(model, time_limit_s - (time.perf_counter() - started))
    if x is None and incumbent is None:
        # Integrality can fail where the LP did not (e.g. GPUs come in whole nodes): retry
        # with every candidate before calling the fleet infeasible.
        columns = np.flatnonzero(coupled[cands.wl])
        model = build_model(cands, coupling, primary, columns, coupled, fixed_usage)
        x, status, _ = run_milp(model, time_limit_s - (time.perf_counter() - started))
        if x is None:
            raise ModelInfeasible(status)
    if incumbent is not None and (
        x is None or float(model.c @ x) > _value(coupling, primary, incumbent)
    ):
        model, ones = _fixed(cands, coupling, primary, incumbent, coupled, fixed_usage)
        return model, ones, status
    assert x is not None
    return model, x, status


def _value(coupling: Coupling, primary: np.ndarray, rows: np.ndarray) -> float:
    """Objective of the coupled workloads' `rows`, with the split deployments they open."""
    value = float(primary[rows].sum())
    if coupling.splits is not None:
        value += coupling.splits.chosen_cost(rows)
    return value


def _fixed(
    cands: CandidateSet,
    coupling: Coupling,
    primary: np.ndarray,
    rows: np.ndarray,
    coupled: np.ndarray,
    fixed_usage: np.ndarray,
) -> tuple[Model, np.ndarray]:
    """A model whose only columns are `rows`, with x = 1 on each."""
    model = build_model(cands, coupling, primary, rows, coupled, fixed_usage)
    return model, np.ones(len(rows) + model.n_y)


def _incumbent(
    cands: CandidateSet,
    coupling: Coupling,
    primary: np.ndarray,
    lp: LpState,
    coupled: np.ndarray,
    fixed_usage: np.ndarray,
) -> np.ndarray | None:
    """A good feasible plan for the coupled workloads, from the LP, or None.

    A small MILP over the LP's support plus the candidates with the smallest reduced costs
    (the neighbourhood the LP says is worth looking at; widened until it is feasible)."""
    x = lp.x[: len(lp.columns)]
    support = lp.columns[x > 1e-9]
    rows = np.flatnonzero(coupled[cands.wl])
    by_cost = rows[np.argsort(lp.reduced[rows], kind="stable")]
    size = 2 * int(coupled.sum()) + NEIGHBOURHOOD_EXTRA
    while True:
        columns = np.union1d(support, by_cost[:size])
        model = build_model(cands, coupling, primary, columns, coupled, fixed_usage)
        sol, _, _ = run_milp(model, REPAIR_TIME_LIMIT_S)
        if sol is not None:
            return np.asarray(columns[sol[: len(columns)] > 0.5], dtype=np.int64)
        if size >= len(rows):
            return None
        size *= 4


def _coupled_workloads(cands: CandidateSet, coupling: Coupling) -> np.ndarray:
    n_w = len(cands.start) - 1
    coupled = np.zeros(n_w, dtype=bool)
    if len(coupling):
        touched = coupling.matrix.used_columns()
        coupled |= np.bincount(cands.wl[touched], minlength=n_w) > 0
    for members in coupling.groups.values():
        coupled[members] = True
    if coupling.splits is not None:
        for parts in coupling.splits.parts:
            coupled[parts] = True
    return coupled


def _working_set(
    cands: CandidateSet,
    coupling: Coupling,
    keys: list[np.ndarray],
    coupled: np.ndarray,
    keep_rows: np.ndarray | None,
    *,
    pool_margin: float | None = POOL_MARGIN,
) -> np.ndarray:
    """Candidate rows the first LP starts from (see the module docstring). `pool_margin`
    keeps a pool's best only when it is within that share of the workload's best
    (None: every pool's best)."""
    wl = cands.wl
    order = np.lexsort((np.arange(len(cands)), *reversed(keys), wl))
    rank = np.empty(len(order), dtype=np.int64)
    sorted_wl = wl[order]
    first = np.searchsorted(sorted_wl, sorted_wl)  # position of each workload's first row
    rank[order] = np.arange(len(order)) - first
    chosen = rank < TOP_K
    capacity = [k for k, kind in enumerate(coupling.kinds) if kind == "capacity"]
    pool_key = cands.purchase.astype(np.int64)
    if capacity:
        # Which capacity pools a candidate draws on, hashed to one integer (a collision
        # only thins the heuristic working set; pricing still restores any needed column).
        weights = np.random.default_rng(0).integers(1, 2**52, size=len(capacity))
        pools = coupling.matrix.take_rows(capacity).structure()
        signature = pools.tdot(weights.astype(np.float64)).astype(np.int64)
        pool_key = signature * 4 + cands.purchase.astype(np.int64)
        pool_best = _first_per(order, wl, pool_key)
        if pool_margin is not None:
            best = keys[0][order[first == np.arange(len(order))]]  # per workload, in order
            limit = best + pool_margin * np.abs(best)
            pool_best &= keys[0] <= limit[wl] + 1e-9
        chosen |= pool_best
    if "budget" in coupling.kinds:
        # A budget trades the objective against dollars: in each capacity pool, only the
        # candidates on the (objective, $) Pareto front can matter to the LP.
        chosen |= _pareto_per(wl, pool_key, keys[0], cands.metrics.total_usd)
    if "budget" in coupling.kinds or "spot" in coupling.kinds:
        cheapest = np.lexsort((np.arange(len(cands)), cands.metrics.total_usd, wl))
        chosen |= _first_per(cheapest, wl, np.zeros(len(wl), dtype=np.int64))
        chosen |= _first_per(order, wl, cands.purchase.astype(np.int64))
    for group, members in coupling.groups.items():
        regions = np.isin(cands.table.region_idx[cands.offer], coupling.group_regions[group])
        member = np.isin(wl, members)
        chosen |= member & regions
        chosen &= ~member | regions
    if coupling.splits is not None:  # every candidate of a split workload's parts
        chosen |= coupling.splits.part_rows
    if keep_rows is not None:
        chosen[keep_rows] = True
    return np.flatnonzero(chosen & coupled[wl])


def _pareto_per(
    wl: np.ndarray, group: np.ndarray, objective: np.ndarray, dollars: np.ndarray
) -> np.ndarray:
    """Mask of the rows on the (objective, $) Pareto front of every (workload, group)."""
    order = np.lexsort((np.arange(len(wl)), dollars, objective, group, wl))
    w_s, g_s = wl[order], group[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (w_s[1:] != w_s[:-1]) | (g_s[1:] != g_s[:-1])
    # A segmented running minimum of $: shift each segment below all earlier ones.
    segment = np.cumsum(new) - 1
    span = float(np.ptp(dollars)) + 1.0 if len(dollars) else 1.0
    shifted = (dollars[order] - dollars.min()) - segment * span
    running = np.minimum.accumulate(shifted)
    before = np.concatenate(([np.inf], running[:-1]))
    mask = np.zeros(len(wl), dtype=bool)
    mask[order[new | (shifted < before - 1e-9 * span)]] = True
    return mask


def _first_per(order: np.ndarray, wl: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Mask of the first row (in `order`) of every (workload, group)."""
    keyed = np.lexsort((np.arange(len(order)), group[order], wl[order]))
    rows = order[keyed]
    new = np.ones(len(rows), dtype=bool)
    new[1:] = (wl[rows][1:] != wl[rows][:-1]) | (group[rows][1:] != group[rows][:-1])
    mask = np.zeros(len(wl), dtype=bool)
    mask[rows[new]] = True
    return mask


def _price(
    cands: CandidateSet,
    coupling: Coupling,
    primary: np.ndarray,
    fallbacks: list[np.ndarray],
    in_model: np.ndarray,
    fixed_usage: np.ndarray,
) -> LpState:
    """Column generation on the LP relaxation (see the module docstring). `fallbacks` are
    ever larger starting sets, used in turn while the LP on a smaller one is infeasible."""
    columns = fallbacks[0]
    wider = list(fallbacks[1:])
    grouped = np.zeros(len(cands), dtype=bool)
    for members in coupling.groups.values():
        grouped |= np.isin(cands.wl, members)
    if coupling.splits is not None:
        grouped |= coupling.splits.part_rows
    priceable = in_model & ~grouped
    coupled = np.bincount(cands.wl[in_model], minlength=len(cands.start) - 1) > 0
    for rounds in range(1, MAX_ROUNDS + 1):
        model = build_model(cands, coupling, primary, columns, coupled, fixed_usage)
        has_ub = bool(model.a_ub.shape[0])
        lp, why = highs.linprog(
            model.c,
            model.a_ub if has_ub else None,
            model.b_ub if has_ub else None,
            model.a_eq,
            model.b_eq,
            ipm=_use_ipm(coupling),
        )
        if lp is None:
            while wider and len(wider[0]) <= len(columns):
                wider.pop(0)
            if wider:
                columns = np.union1d(columns, wider.pop(0))
                continue
            raise ModelInfeasible(why)
        reduced = _reduced_costs(cands, coupling, primary, model, lp)
        outside = priceable.copy()
        outside[columns] = False
        negative = outside & (reduced < -REDUCED_COST_TOL * max(1.0, abs(lp.fun)))
        x = lp.x
        credit = 0.0
        if has_ub:
            lam = (-lp.ineq_duals * model.row_scale)[: len(coupling)]
            credit = float(np.maximum(lam, 0.0) @ dollar_margin(coupling))
        if not negative.any():
            return LpState(columns, float(lp.fun), 0.0, rounds, reduced, x, True, credit)
        if rounds == MAX_ROUNDS:
            correction = _lagrangian_correction(cands, reduced, outside)
            return LpState(columns, float(lp.fun), correction, rounds, reduced, x, False, credit)
        columns = np.union1d(columns, _most_negative(cands.wl, reduced, negative))
    raise AssertionError("unreachable")


def _use_ipm(coupling: Coupling) -> bool:
    """HiGHS's interior point (with crossover, so duals stay basic) copes better with a dense
    budget row across every candidate; dual simplex is faster otherwise."""
    return "budget" in coupling.kinds


def _reduced_costs(
    cands: CandidateSet,
    coupling: Coupling,
    primary: np.ndarray,
    model: Model,
    lp: highs.LpSolution,
) -> np.ndarray:
    eq_duals = lp.eq_duals
    pi = np.zeros(len(cands.start) - 1)
    has_row = model.eq_workload >= 0
    pi[has_row] = eq_duals[model.eq_workload[has_row]]
    reduced = primary - pi[cands.wl]
    if model.a_ub.shape[0]:
        lam = (lp.ineq_duals * model.row_scale)[: len(coupling)]  # split rows: parts only
        reduced = reduced - coupling.matrix.tdot(lam)
    return np.asarray(reduced, dtype=float)


def _most_negative(wl: np.ndarray, reduced: np.ndarray, negative: np.ndarray) -> np.ndarray:
    rows = np.flatnonzero(negative)
    order = rows[np.lexsort((rows, reduced[rows], wl[rows]))]
    first = np.searchsorted(wl[order], wl[order])
    rank = np.arange(len(order)) - first
    return np.asarray(order[rank < ADD_PER_ROUND], dtype=np.int64)


def _lagrangian_correction(cands: CandidateSet, reduced: np.ndarray, outside: np.ndarray) -> float:
    values = np.where(outside, np.minimum(reduced, 0.0), 0.0)
    per_workload = np.minimum.reduceat(values, cands.start[:-1])
    return float(per_workload.sum())


def _second_stage(
    cands: CandidateSet,
    coupling: Coupling,
    primary: np.ndarray,
    secondary: np.ndarray,
    choice: np.ndarray,
    coupled: np.ndarray,
    fixed_usage: np.ndarray,
    time_limit_s: float,
    started: float,
) -> tuple[np.ndarray, str]:
    """Among plans as good on `primary` as `choice`, the best on `secondary`."""
    in_model = coupled[cands.wl]
    columns = np.flatnonzero(in_model)
    splits = coupling.splits
    second = None if splits is None else splits.secondary_cost
    model = build_model(cands, coupling, secondary, columns, coupled, fixed_usage, y_cost=second)
    target = _value(coupling, primary, choice[coupled])
    first = build_model(cands, coupling, primary, columns, coupled, fixed_usage)
    row = RowMatrix.dense_row(first.c)
    tol = 1e-9 * max(1.0, abs(target)) + 1e-9
    bounded = Model(
        model.columns,
        model.c,
        model.a_eq,
        model.b_eq,
        vstack([model.a_ub, row]),
        np.append(model.b_ub, target + tol),
        model.n_y,
        model.eq_workload,
        np.append(model.row_scale, 1.0),
        model.deps,
    )
    x, status, _ = run_milp(bounded, time_limit_s - (time.perf_counter() - started))
    if x is None:
        return choice, "optimal"
    out = choice.copy()
    picked = columns[x[: len(columns)] > 0.5]
    out[cands.wl[picked]] = picked
    return out, status
