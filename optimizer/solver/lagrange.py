"""Large coupled fleets: the LP relaxation by Lagrangian sifting, then a small MILP.

The placement LP has one row per coupled workload (pick one candidate) and only a few
coupling rows (capacity pools, budget, spot share). Its optimal duals λ ≥ 0 on the coupling
rows say nearly everything: at λ, each workload's LP choice is its candidate with the least
reduced cost c + λᵀa, and at most one workload per coupling row is split between two. So
instead of handing HiGHS one row per workload:

1. *Estimate λ* from the LP of an evenly spaced sample of the workloads (SAMPLE_WORKLOADS of
   them; the coupling bounds scaled to the sample's share).
2. *Sift*: a workload whose best candidate is the same at λ and at λ with any one active dual
   halved or doubled is fixed there; the others are *free* and keep the candidates within
   NEAR_SHARE of their best. The master LP places only the free workloads, against what the
   fixed ones leave of each bound (with penalised slack, so it always solves). Its duals λ'
   reprice every candidate: fixed workloads whose choice is no longer their best at λ', and
   free ones with a better candidate outside the master, join it; repeat until nothing
   changes. Then the master's solution with the fixed choices is an LP optimum of the whole
   problem (every candidate prices out), whatever λ the sample gave.
3. *Bound*: for any λ ≥ 0, L(λ) = Σ_w min_j (c_j + λᵀa_j) − λᵀb is a lower bound on every
   plan (Lagrangian duality) and equals the LP bound at the LP's duals. The reported bound is
   the best L seen, against the true bounds (the master holds the budget BUDGET_MARGIN
   inside). With co-location groups L relaxes the groups, so it is valid but can be lower.
   Optimality ("within MIP_REL_GAP") is judged against L for the held bounds: the plans are
   optimal for the problem the solver is given, whose budget sits BUDGET_MARGIN inside.
4. *Integer*: workloads keep the LP's placement, except the split ones, co-located groups
   and the owners of the NEIGHBOURHOOD candidates with the least reduced cost, which a small
   MILP re-places (room for a split workload is often made by moving a small one). If that
   plan is within MIP_REL_GAP of L, it is "optimal"; within NEAR_OPTIMAL_REL_GAP (0.01 %),
   "near-optimal" and done.
   Otherwise, since every plan x costs at least L + Σ rc_j x_j (rc: reduced cost above the
   workload's best), candidates with rc_j > incumbent − L cannot be in a better plan: they
   are dropped, workloads left with one candidate are fixed, and the MILP runs on the rest.

`solve_sifted` returns None when it cannot conclude (slack still needed, no integer plan
found): the caller falls back to column generation, which is exact and leads to the
infeasibility diagnosis. Deterministic: the sample, the box and every tie go by row order.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from cloudwright.optimizer.solver import highs
from cloudwright.optimizer.solver.candidates import CandidateSet
from cloudwright.optimizer.solver.coupling import Coupling
from cloudwright.optimizer.solver.model import MIP_REL_GAP, build_model, dollar_margin, run_milp
from cloudwright.optimizer.solver.sparse import diagonal, hstack

SIFT_MIN_WORKLOADS = 1000  # below this the column-generation path is as fast
SAMPLE_WORKLOADS = 500
SAMPLE_TOP_K = 6  # candidates per sampled workload by objective (plus by $ and per pool)
BOX_FACTOR = 2.0  # a workload is free when its best changes with an active dual ×/÷ this
NEAR_SHARE = 0.005  # free workloads keep candidates within this share of their best
MAX_SIFT_ROUNDS = 8
REDUCED_COST_TOL = 1e-9  # relative to the objective: a choice this close to the best is best
PENALTY_FACTOR = 1e3  # slack price vs a typical objective per unit of each coupling row
SLACK_TOL = 1e-7
# Master LPs this wide go to HiGHS's interior point (crossover on, so the duals are basic):
# measured 2.4–2.6× faster than dual simplex on the 10^5-column masters of 100,000 workloads.
IPM_MIN_COLUMNS = 50_000
TYPICAL_SAMPLE = 1 << 16  # values a slack price's scale is taken from (`_typical`)
# Least-reduced-cost candidates the incumbent's MILP may switch to. HiGHS's presolve is
# most of that MILP's time and grows with it: 500 solved the benchmark fleets (10^4–10^5
# workloads, three seeds) to the same or a better plan than 2000, 0.2 s sooner at 10^4.
NEIGHBOURHOOD = 500
# A plan this close to the bound is accepted without a branch-and-bound proof ("near-optimal"):
# HiGHS's own default MIP gap, 50× inside the 0.5 % goal. Proving 1e-5 at scale can cost
# seconds when the LP's integrality gap itself is about that size.
NEAR_OPTIMAL_REL_GAP = 1e-4


@dataclass(frozen=True)
class SiftedPlan:
    rows: np.ndarray  # chosen candidate row of every coupled workload (ascending workload)
    status: str
    bound: float  # lower bound on the coupled workloads' objective over all candidates
    considered: int  # candidate columns in the last MILP
    rounds: int  # master LPs solved


@dataclass(frozen=True)
class _Master:
    columns: np.ndarray  # local candidate indexes in the master, ascending
    x: np.ndarray  # LP value per master column
    lam: np.ndarray  # duals of the coupling rows (≥ 0, original units)
    slack: float  # total scaled slack used


@dataclass
class _Sift:
    free: np.ndarray  # per coupled workload
    base: np.ndarray  # local candidate index each workload is fixed at (or its best)
    master: _Master
    bound: float
    lam: np.ndarray
    rounds: int
    converged: bool


class Sifter:
    """The coupled workloads' candidates in local (compact) numbering, and the LPs on them."""

    def __init__(
        self,
        cands: CandidateSet,
        coupling: Coupling,
        primary: np.ndarray,
        coupled: np.ndarray,
        fixed_usage: np.ndarray,
    ) -> None:
        self.cands, self.coupling = cands, coupling
        self.primary = primary
        self.workloads = np.flatnonzero(coupled)  # global workload index per local one
        self.rows = np.flatnonzero(coupled[cands.wl])  # global candidate row per local one
        if len(self.workloads) == len(coupled):
            # Every workload coupled (capacity pools binding everywhere): local numbering is
            # the global one, so the candidates' own arrays serve without 10^7-row copies.
            self.wl, self.starts, self.c = cands.wl, cands.start[:-1], primary
            self.a = coupling.matrix  # coupling rows × local candidates
        else:
            self.wl = np.searchsorted(self.workloads, cands.wl[self.rows])
            self.starts = np.searchsorted(self.wl, np.arange(len(self.workloads)))
            self.c = primary[self.rows]
            self.a = coupling.matrix.take_columns(self.rows)
        self.upper = coupling.upper - fixed_usage
        self.fixed_usage = fixed_usage
        self.margin = dollar_margin(coupling)
        self.grouped = np.zeros(len(self.workloads), dtype=bool)
        self.group_ok = np.ones(len(self.rows), dtype=bool)  # a member's row in its group's regions
        region = cands.table.region_idx[cands.offer[self.rows]] if coupling.groups else None
        for group, members in coupling.groups.items():
            assert region is not None
            local = np.searchsorted(self.workloads, members)
            self.grouped[local] = True
            member = np.isin(self.wl, local)
            self.group_ok &= ~member | np.isin(region, coupling.group_regions[group])
        self.penalty = self._penalty()

    # ---- reduced costs ----------------------------------------------------------------
    def reduced(self, lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Reduced cost c + λᵀa of every candidate, and each workload's least."""
        r = self.a.tdot(lam) if len(lam) else np.zeros(len(self.c))
        r += self.c  # in place: one candidate-length array, not two
        return r, np.minimum.reduceat(r, self.starts)

    def argmin(self, r: np.ndarray, best: np.ndarray) -> np.ndarray:
        """Each workload's best candidate (local index), ties to the lowest row."""
        hit = np.flatnonzero(r <= best[self.wl])
        first = np.ones(len(hit), dtype=bool)
        first[1:] = self.wl[hit][1:] != self.wl[hit][:-1]
        return np.asarray(hit[first], dtype=np.int64)

    def lagrangian(self, lam: np.ndarray, best: np.ndarray, *, held: bool = False) -> float:
        """L(λ) against the true bounds, or (`held`) against the bounds the solver works to,
        BUDGET_MARGIN inside: a bound for the problem the plans are optimal for."""
        bounds = self.upper - self.margin if held else self.upper
        return float(best.sum() - lam @ bounds)

    def usage(self, local: np.ndarray) -> np.ndarray:
        if not len(local):
            return np.zeros(len(self.coupling))
        return self.a.count_dot(local)

    def near(self, r: np.ndarray, best: np.ndarray) -> np.ndarray:
        return r <= best[self.wl] + NEAR_SHARE * np.abs(best[self.wl])

    def _penalty(self) -> np.ndarray:
        """Slack price per unit of each row: far above any dual a real trade-off produces
        (a typical candidate's whole objective per typical unit of the row), so slack is used
        only when the bounds left to the master cannot be met."""
        typical = _typical(self.c) + 1.0
        per_row = np.zeros(len(self.coupling))
        for k in range(len(self.coupling)):
            values = self.coupling.matrix.row(k)[1]
            per_row[k] = _typical(values) if len(values) else 1.0
        return np.asarray(PENALTY_FACTOR * typical / np.maximum(per_row, 1e-9), dtype=float)

    # ---- LPs ----------------------------------------------------------------------------
    def master(self, columns: np.ndarray, free: np.ndarray, bounds: np.ndarray) -> _Master | None:
        """The LP over `columns` for the `free` workloads, coupling rows ≤ `bounds` (less the
        budget margin), with slack at `penalty` per unit."""
        coupled = np.zeros(len(self.cands.start) - 1, dtype=bool)
        coupled[self.workloads[free]] = True
        model = build_model(
            self.cands,
            self.coupling,
            self.primary,
            self.rows[columns],
            coupled,
            self.coupling.upper - bounds,
        )
        m = len(self.coupling)
        n = len(model.c)
        cost = np.concatenate([model.c, self.penalty / np.maximum(model.row_scale, 1e-300)])
        a_ub = hstack([model.a_ub, diagonal(-np.ones(m))])
        a_eq = model.a_eq.pad_columns(m)
        res, _ = highs.linprog(
            cost,
            a_ub if m else None,
            model.b_ub if m else None,
            a_eq,
            model.b_eq,
            ipm=len(cost) >= IPM_MIN_COLUMNS,
        )
        if res is None:
            return None
        lam = -res.ineq_duals * model.row_scale if m else lam0(0)
        x = res.x
        return _Master(columns, x[: len(columns)], np.maximum(lam, 0.0), float(x[n:].sum()))

    def sample_duals(self) -> np.ndarray:
        """Duals of the LP over an evenly spaced sample of the ungrouped workloads."""
        eligible = np.flatnonzero(~self.grouped)
        m = len(self.coupling)
        if not len(eligible) or not m:
            return lam0(m)
        step = max(1, len(eligible) // SAMPLE_WORKLOADS)
        picked = np.zeros(len(self.workloads), dtype=bool)
        picked[eligible[::step]] = True
        rows = np.flatnonzero(picked[self.wl])
        usd = self.cands.metrics.total_usd[self.rows]
        columns = _top_k(self.wl, self.c, rows, SAMPLE_TOP_K)
        columns = np.union1d(columns, _top_k(self.wl, usd, rows, 3))
        columns = np.union1d(columns, self._pool_bests(rows))
        share = np.full(m, picked.sum() / len(eligible))
        cheapest = np.minimum.reduceat(usd, self.starts)
        for k, kind in enumerate(self.coupling.kinds):
            if kind == "budget" and cheapest[eligible].sum() > 0:
                share[k] = cheapest[picked].sum() / cheapest[eligible].sum()
        result = self.master(columns, picked, self.upper * share + self.margin)
        if result is None:
            return lam0(m)
        lam = result.lam.copy()
        lam[lam >= self.penalty * (1 - 1e-9)] = 0.0  # rows the sample could not meet
        return lam

    def _pool_bests(self, rows: np.ndarray) -> np.ndarray:
        """Each sampled workload's best candidate per set of coupling rows it draws on."""
        weights = np.random.default_rng(0).integers(1, 2**40, size=len(self.coupling))
        signature = self.a.structure_tdot_at(rows, weights.astype(np.float64))
        order = np.lexsort((rows, self.c[rows], signature.ravel(), self.wl[rows]))
        key_w, key_s = self.wl[rows][order], signature.ravel()[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = (key_w[1:] != key_w[:-1]) | (key_s[1:] != key_s[:-1])
        return np.asarray(rows[order[first]], dtype=np.int64)

    # ---- sifting ------------------------------------------------------------------------
    def sift(self, keep: np.ndarray) -> _Sift | None:
        lam = self.sample_duals()
        r, best = self.reduced(lam)
        base = self.argmin(r, best)
        free = self.grouped.copy()
        free[self.wl[keep]] = True
        corners = []
        for k in np.flatnonzero(lam > 0):
            for factor in (1.0 / BOX_FACTOR, BOX_FACTOR):
                moved = lam.copy()
                moved[k] *= factor
                corners.append(self.argmin(*self.reduced(moved)))
                free |= corners[-1] != base
        columns = (self.near(r, best) & free[self.wl]) | (self.grouped[self.wl] & self.group_ok)
        for choice in [base, *corners]:
            columns[choice[free]] = True
        columns[keep] = True
        columns &= self.group_ok
        bound = -np.inf
        for rounds in range(1, MAX_SIFT_ROUNDS + 1):
            fixed = base[~free]
            solved = self.master(np.flatnonzero(columns), free, self.upper - self.usage(fixed))
            if solved is None:
                return None
            master = solved
            lam = master.lam
            r, best = self.reduced(lam)
            bound = max(bound, self.lagrangian(lam, best))
            tol = REDUCED_COST_TOL * max(1.0, abs(float(best.sum())))
            stale = ~free & (r[base] > best + tol)
            inside = np.full(len(self.workloads), np.inf)
            np.minimum.at(inside, self.wl[master.columns], r[master.columns])
            missing = free & ~self.grouped & (best < inside - tol)
            if not stale.any() and not missing.any():
                return _Sift(free, base, master, bound, lam, rounds, True)
            free |= stale
            grow = stale | missing
            columns |= self.near(r, best) & grow[self.wl]
            columns[self.argmin(r, best)[grow]] = True
            columns[base[stale]] = True
        # Not settled within the rounds: the last master is feasible, L(λ) still a bound.
        return _Sift(free, base, master, bound, lam, MAX_SIFT_ROUNDS, False)

    # ---- integer --------------------------------------------------------------------------
    def integer(self, state: _Sift, time_limit_s: float) -> tuple[np.ndarray, str, int] | None:
        """A plan near the LP: workloads keep the LP's placement except the split ones, the
        co-located ones and those owning one of the `size` candidates with the least reduced
        cost, which a small MILP re-places (widened until it has a solution).
        Returns (local rows, status, MILP columns) or None."""
        master = state.master
        lp_choice = state.base.copy()
        order = np.lexsort((-master.x, self.wl[master.columns]))
        lead = master.columns[order]
        first = np.ones(len(lead), dtype=bool)
        first[1:] = self.wl[lead][1:] != self.wl[lead][:-1]
        lp_choice[self.wl[lead[first]]] = lead[first]
        support = master.columns[master.x > 1e-9]
        split = np.bincount(self.wl[support], minlength=len(self.workloads)) > 1
        rc, best = self.reduced(state.lam)
        rc -= best[self.wl]  # in place: reduced cost above the workload's best
        rc[lp_choice] = np.inf
        eligible = np.flatnonzero(np.isfinite(rc) & self.group_ok)
        size = 2 * int(split.sum() + self.grouped.sum()) + NEIGHBOURHOOD
        while True:
            extra = _smallest(rc, eligible, size)
            free = split | self.grouped
            free[self.wl[extra]] = True
            in_master = master.columns[free[self.wl[master.columns]]]
            columns = np.union1d(np.union1d(extra, in_master), lp_choice[free])
            columns = columns[self.group_ok[columns]]
            picked, status = self._milp(columns, free, lp_choice[~free], time_limit_s)
            if picked is not None:
                return np.sort(np.concatenate([lp_choice[~free], picked])), status, len(columns)
            if size >= len(eligible):
                return None
            size *= 4

    def _milp(
        self, columns: np.ndarray, free: np.ndarray, fixed: np.ndarray, time_limit_s: float
    ) -> tuple[np.ndarray | None, str]:
        if not free.any():
            return np.zeros(0, dtype=np.int64), "optimal"
        coupled = np.zeros(len(self.cands.start) - 1, dtype=bool)
        coupled[self.workloads[free]] = True
        model = build_model(
            self.cands,
            self.coupling,
            self.primary,
            self.rows[columns],
            coupled,
            self.fixed_usage + self.usage(fixed),
        )
        x, status, _ = run_milp(model, time_limit_s)
        if x is None:
            return None, status
        return columns[x[: len(columns)] > 0.5], status

    def fix_by_reduced_cost(
        self, state: _Sift, incumbent: np.ndarray, time_limit_s: float
    ) -> tuple[np.ndarray, str, int]:
        """The best plan that can beat `incumbent` (see the module docstring, step 4)."""
        r, best = self.reduced(state.lam)
        value = float(self.c[incumbent].sum())
        # The inequality holds with L at the same duals as the reduced costs, and for plans
        # that keep the held bounds (every plan the MILPs can return) with L against them.
        gap = value - self.lagrangian(state.lam, best, held=True)
        slack = gap + REDUCED_COST_TOL * max(1.0, abs(value))
        keep = (r - best[self.wl] <= slack) & self.group_ok
        keep[incumbent] = True
        count = np.bincount(self.wl[keep], minlength=len(self.workloads))
        free = (count > 1) | self.grouped
        survivors = np.flatnonzero(keep)
        fixed = survivors[~free[self.wl[survivors]]]
        columns = survivors[free[self.wl[survivors]]]
        picked, status = self._milp(columns, free, fixed, time_limit_s)
        if picked is None:
            return incumbent, "optimal", len(columns)  # nothing beats the incumbent
        rows = np.sort(np.concatenate([fixed, picked]))
        if float(self.c[rows].sum()) >= value:
            return incumbent, status, len(columns)
        return rows, status, len(columns)


def solve_sifted(
    cands: CandidateSet,
    coupling: Coupling,
    primary: np.ndarray,
    coupled: np.ndarray,
    fixed_usage: np.ndarray,
    *,
    keep_rows: np.ndarray | None,
    time_limit_s: float,
) -> SiftedPlan | None:
    """Place the coupled workloads (see the module docstring); None: use column generation."""
    started = time.perf_counter()
    sifter = Sifter(cands, coupling, primary, coupled, fixed_usage)
    keep = np.zeros(0, dtype=np.int64)
    if keep_rows is not None and len(keep_rows):
        keep = np.searchsorted(sifter.rows, keep_rows[coupled[cands.wl[keep_rows]]])
    state = sifter.sift(keep)
    if state is None or state.master.slack > SLACK_TOL:
        return None
    found = sifter.integer(state, time_limit_s)
    if found is None:
        return None
    rows, status, considered = found
    value = float(sifter.c[rows].sum())
    # Optimality is proved for the problem solved (budget held BUDGET_MARGIN inside); the
    # reported bound, state.bound, is against the true budget.
    held = sifter.lagrangian(state.lam, sifter.reduced(state.lam)[1], held=True)
    gap = (value - held) / max(1.0, abs(value))
    if gap <= MIP_REL_GAP:
        status = "optimal"
    elif gap <= NEAR_OPTIMAL_REL_GAP:
        status = "near-optimal"
    else:
        left = time_limit_s - (time.perf_counter() - started)
        rows, status, considered = sifter.fix_by_reduced_cost(state, rows, left)
    return SiftedPlan(sifter.rows[rows], status, state.bound, considered, state.rounds)


def _typical(values: np.ndarray) -> float:
    """The median magnitude of `values`, from an evenly spaced sample of at most
    TYPICAL_SAMPLE of them (exact below that): a scale, where the median of 10^7 entries
    would cost a copy and a partition of them all (~0.5 s at 100,000 workloads)."""
    step = max(1, len(values) // TYPICAL_SAMPLE)
    return float(np.median(np.abs(values[::step])))


def lam0(m: int) -> np.ndarray:
    return np.zeros(m)


def _smallest(key: np.ndarray, rows: np.ndarray, size: int) -> np.ndarray:
    """The `size` rows of `rows` (ascending) with the least `key`, ordered by (key, row): what
    a stable argsort of key[rows] would put first, without sorting all of them."""
    if size >= len(rows):
        return rows[np.argsort(key[rows], kind="stable")]
    values = key[rows]
    cut = np.partition(values, size - 1)[size - 1]
    below = rows[values < cut]
    tied = rows[values == cut][: size - len(below)]  # ties at the cut: the lowest rows
    picked = np.concatenate([below, tied])
    return picked[np.lexsort((picked, key[picked]))]


def _top_k(wl: np.ndarray, key: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
    """The k rows of each workload with the least `key`, from `rows` (ties to the lower row)."""
    order = rows[np.lexsort((rows, key[rows], wl[rows]))]
    rank = np.arange(len(order)) - np.searchsorted(wl[order], wl[order])
    return np.asarray(order[rank < k], dtype=np.int64)
