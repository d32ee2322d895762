"""`plan(fleet, catalog) -> Plan`: from a fleet spec to a placement a team can trust.

Steps: resolve names and defaults against the catalog → offer table → candidates (filtered,
exact-pruned, with cost/energy/carbon/latency) → coupling rows (capacity, budget, spot
share, co-location) → objective (+ lock move costs) → HiGHS MILP with an LP bound →
assignments that explain themselves → Plan.

Pure: prints nothing, mutates nothing (the fleet and catalog are read-only here). Infeasible
fleets raise `InfeasibleError` naming the binding constraint; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

import numpy as np

from cloudwright.core.forked import Rendering, default_workers, render_ranges
from cloudwright.core.gcpause import gc_paused
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.cluster_fees import fee_shares
from cloudwright.optimizer.explain import Explainer, Solution, placement_of, solution_id
from cloudwright.optimizer.fleet.resolve import resolve
from cloudwright.optimizer.fleet.sites import site_annotator, site_catalog, site_notes
from cloudwright.optimizer.fleet.spec import (
    DEFAULT_CARBON_PRICE_SOURCE,
    DEFAULT_CARBON_PRICE_USD_PER_TONNE,
    Fleet,
)
from cloudwright.optimizer.fleet.split import expand_splits
from cloudwright.optimizer.lock import LockContext, MoveCosts, changes, lock_context, move_costs
from cloudwright.optimizer.models.energy import ProfileSource
from cloudwright.optimizer.notes import plan_notes
from cloudwright.optimizer.plan import (
    Assignment,
    CatalogRef,
    Objective,
    Plan,
    SolverInfo,
    Totals,
    assignment_json,
    placement_id,
)
from cloudwright.optimizer.solver.candidates import CandidateSet, build_candidates
from cloudwright.optimizer.solver.coupling import Coupling, build_coupling
from cloudwright.optimizer.solver.milp import ModelInfeasible, SolveResult, segment_argmin, solve
from cloudwright.optimizer.solver.objective import (
    ObjectiveSpec,
    deployment_vectors,
    kubernetes_fees,
    objective_vectors,
)
from cloudwright.optimizer.solver.objective import objective_unit as unit_of
from cloudwright.optimizer.solver.offers import OfferTable, build_offer_table
from cloudwright.optimizer.solver.splits import build_splits
from cloudwright.optimizer.split_plan import SplitMerge

DEFAULT_TIME_LIMIT_S = 60.0
# The parent's share of a prerendered plan: it builds the head (notes, totals) first.
FIRST_SHARE = 0.45


@dataclass(frozen=True)
class Problem:
    """Everything that does not depend on the objective: built once, solved many times."""

    fleet: Fleet  # resolved
    catalog: Catalog
    table: OfferTable
    cands: CandidateSet
    coupling: Coupling
    lock: LockContext | None


@dataclass(frozen=True)
class Outcome:
    spec: ObjectiveSpec
    result: SolveResult
    solution: Solution


@gc_paused()  # 10^5 short-lived models, no cycles: a third of a 10,000-workload plan
def prepare(
    fleet: Fleet,
    catalog: Catalog,
    *,
    lock: Plan | None = None,
    profiles: ProfileSource | None = None,
    resolved: bool = False,
) -> Problem:
    """The problem of `fleet` (`resolved`: it already went through `fleet.resolve`, whose
    caller may then drop the file's own copy before the candidates take their memory)."""
    if not resolved:
        fleet = resolve(fleet, catalog)
    return _prepare(fleet, catalog, lock, profiles)


def _prepare(
    resolved: Fleet, catalog: Catalog, lock: Plan | None, profiles: ProfileSource | None
) -> Problem:
    catalog = site_catalog(resolved, catalog)  # the fleet's own sites as rows (sites.py)
    table = build_offer_table(catalog)
    # Inference served from several regions: one part per user population (fleet/split.py).
    fleet = expand_splits(resolved)
    ctx = lock_context(lock, fleet) if lock is not None else None
    cands = build_candidates(
        fleet, catalog, table, profiles=profiles, keep=ctx.keys if ctx else None
    )
    coupling = build_coupling(cands, build_splits(cands, catalog))
    return Problem(fleet, catalog, table, cands, coupling, ctx)


def objective_spec(
    problem: Problem, objective: Objective | None = None, carbon_price: float | None = None
) -> ObjectiveSpec:
    fleet = problem.fleet
    if carbon_price is not None:
        price, source = carbon_price, "given on the command line"
    elif fleet.carbon_price_usd_per_tonne is not None:
        price, source = fleet.carbon_price_usd_per_tonne, "the fleet's carbon_price_usd_per_tonne"
    else:
        price = DEFAULT_CARBON_PRICE_USD_PER_TONNE
        source = f"default: {DEFAULT_CARBON_PRICE_SOURCE}"
    return ObjectiveSpec(
        objective or fleet.objective, price, fleet.latency_penalty_pct_per_ms, source
    )


@gc_paused()
def optimise(
    problem: Problem, spec: ObjectiveSpec, *, time_limit_s: float = DEFAULT_TIME_LIMIT_S
) -> Outcome:
    cands, coupling = problem.cands, problem.coupling
    vectors = objective_vectors(cands, spec, kubernetes_fees(cands, problem.catalog))
    if coupling.splits is not None:  # what opening each split deployment weighs
        usd, kg = coupling.splits.fixed_usd, coupling.splits.fixed_kg
        coupling = coupling.with_split_costs(*deployment_vectors(spec, usd, kg))
    raw = vectors.primary
    moves: MoveCosts | None = None
    primary = raw
    keep_rows = None
    if problem.lock is not None:
        moves = move_costs(problem.catalog, cands, problem.lock, spec, raw)
        primary = raw + moves.penalty
        keep_rows = np.array(sorted(moves.stay_rows.values()), dtype=np.int64)
    try:
        result = solve(
            cands,
            coupling,
            primary,
            vectors.secondary,
            keep_rows=keep_rows,
            time_limit_s=time_limit_s,
        )
    except ModelInfeasible:
        from cloudwright.optimizer.solver.diagnose import explain_infeasible  # rare path

        raise explain_infeasible(cands, coupling) from None
    keys = [raw] if vectors.secondary is None else [raw, vectors.secondary]
    overhead = {
        c: problem.catalog.coefficient("spot_interruption_overhead", c).value
        for c in sorted(set(problem.table.cloud))
    }
    solution = Solution(
        cands,
        coupling,
        result.choice,
        raw,
        segment_argmin(cands, keys),
        spec.name,
        moves,
        overhead,
        vectors.secondary,
    )
    return Outcome(spec, result, solution)


@gc_paused()
def plan(
    fleet: Fleet,
    catalog: Catalog,
    *,
    objective: Objective | None = None,
    carbon_price_usd_per_tonne: float | None = None,
    lock: Plan | None = None,
    profiles: ProfileSource | None = None,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    created_at: datetime | None = None,
) -> Plan:
    """Place every workload of `fleet` (see the module docstring)."""
    problem = prepare(fleet, catalog, lock=lock, profiles=profiles)
    spec = objective_spec(problem, objective, carbon_price_usd_per_tonne)
    outcome = optimise(problem, spec, time_limit_s=time_limit_s)
    return build_plan(problem, outcome, fleet_name=fleet.name, created_at=created_at)


@dataclass(frozen=True)
class PlanDraft:
    """A plan whose assignments are built on demand, one at a time (`assignments()`), so a
    10^5-workload plan can be written without holding 10^5 explained assignments at once
    (`save_plan(draft.head, path, draft.assignments())`). `head` is the plan without its
    assignments; its totals, notes and changes already cover them all."""

    head: Plan
    explainer: Explainer
    count: int
    # Adds an own site's facts and sentence to assignments placed there (optimizer/fleet/sites.py).
    finish: Callable[[Assignment], Assignment] | None = None
    # Split workloads: their parts become one assignment per region (split_plan.py).
    merge: SplitMerge | None = None
    # Children forked by `draft_plan(prerender=True)`, rendering while the head was built.
    started: Rendering | None = None

    def assignments(self) -> Iterator[Assignment]:
        for a in self._built(0, self.count):
            yield self.finish(a) if self.finish is not None else a

    def rendered(self, workers: int | None = None) -> Iterator[bytes]:
        """Every assignment's JSON (`plan.assignment_json`), in order: a large plan's are
        built on every usable core (cloudwright/core/forked.py; `workers` overrides)."""
        if workers is None and self.started is not None:
            return iter(self.started)  # once: the children's files are read as they stream
        n = default_workers(self.count) if workers is None else workers
        return render_ranges(self.count, self._render, n)

    def close(self) -> None:
        """End prerendering children whose pieces were not read (an error, a table instead)."""
        if self.started is not None:
            self.started.cancel()

    def _render(self, start: int, stop: int) -> Iterator[bytes]:
        return _render_range(self.explainer, self.finish, self.merge, start, stop)

    def _built(self, start: int, stop: int) -> Iterator[Assignment]:
        return _built(self.explainer, self.merge, start, stop)

    def plan(self) -> Plan:
        """The whole plan, every assignment built."""
        with gc_paused():  # 10^5 models, no cycles
            tagged = (
                self.explainer.assignments()
                if self.merge is None
                else list(self._built(0, self.count))
            )
        if self.finish is not None:
            tagged = [self.finish(a) for a in tagged]
        return self.head.model_copy(update={"assignments": tagged})


def _render_range(
    explainer: Explainer,
    finish: Callable[[Assignment], Assignment] | None,
    merge: SplitMerge | None,
    start: int,
    stop: int,
) -> Iterator[bytes]:
    explainer.stop_at(stop)  # this process builds start..stop-1 only
    with gc_paused():  # 10^5 short-lived models, no cycles
        for a in _built(explainer, merge, start, stop):
            yield assignment_json(finish(a) if finish is not None else a)


def _built(
    explainer: Explainer, merge: SplitMerge | None, start: int, stop: int
) -> Iterator[Assignment]:
    """Assignments of workloads start..stop-1 (a split workload's regions at its first
    part)."""
    for i in range(start, stop):
        if merge is None or not merge.is_part(i):
            yield explainer.assignment(i)
        elif i in merge.first:
            yield from merge.assignments(i, explainer)


def build_plan(
    problem: Problem,
    outcome: Outcome,
    *,
    fleet_name: str | None = None,
    created_at: datetime | None = None,
) -> Plan:
    return draft_plan(problem, outcome, fleet_name=fleet_name, created_at=created_at).plan()


@gc_paused()
def draft_plan(
    problem: Problem,
    outcome: Outcome,
    *,
    fleet_name: str | None = None,
    created_at: datetime | None = None,
    prerender: bool = False,
) -> PlanDraft:
    """The plan of `outcome`, its assignments not yet built (see `PlanDraft`). With
    `prerender`, a large plan's children start rendering their ranges before the head (notes,
    totals, changes) is built, and `rendered()` returns them: the caller must write the plan
    (or `close()` the draft)."""
    solution, cands = outcome.solution, problem.cands
    merge = None
    plan_id = solution_id(solution)
    if solution.coupling.splits is not None:
        merge = SplitMerge(solution, problem.catalog)
        plan_id = placement_id(_placements(solution, merge))
    fees = None
    if any(w.platform == "kubernetes" for w in problem.fleet.workloads):
        fees = fee_shares(
            problem.catalog,
            [
                (w.platform or "vm", *cands.key(int(row))[:2])
                for w, row in zip(problem.fleet.workloads, solution.choice, strict=True)
            ],
        )
    explainer = Explainer(solution, plan_id, fees)
    finish = site_annotator(problem.fleet, problem.catalog)
    started = None
    workers = default_workers(len(solution.choice)) if prerender else 1
    if workers > 1:
        render = partial(_render_range, explainer, finish, merge)
        started = Rendering(len(solution.choice), render, workers, first_share=FIRST_SHARE)
    try:
        head = _head(problem, outcome, explainer, merge, fleet_name or "", created_at)
    except BaseException:
        if started is not None:
            started.cancel()
        raise
    return PlanDraft(head, explainer, len(solution.choice), finish, merge, started)


def _head(
    problem: Problem,
    outcome: Outcome,
    explainer: Explainer,
    merge: SplitMerge | None,
    fleet_name: str,
    created_at: datetime | None,
) -> Plan:
    """The plan without its assignments: totals, notes and changes cover them all."""
    solution, result, spec, cands = outcome.solution, outcome.result, outcome.spec, problem.cands
    plan_id, fees = explainer.plan_id, explainer.fees
    diff = []
    if problem.lock is not None and solution.moves is not None:
        diff = changes(
            problem.cands,
            problem.lock,
            solution.moves,
            solution.choice,
            solution.best,
            objective_unit(spec),
            solution.raw,
            explainer.blockers,
        )
    when = created_at or datetime.now(UTC)
    d_usd, d_kwh, d_kg = merge.totals_delta(solution) if merge is not None else (0.0, 0.0, 0.0)
    catalog = problem.catalog
    metrics, choice = problem.cands.metrics, solution.choice
    # Summed as Python floats in workload order: the figures the assignments carry, added
    # up as `sum(a.monthly_usd for a in assignments)` would.
    return Plan(
        id=plan_id,
        created_at=when.isoformat(timespec="seconds"),
        fleet=fleet_name or problem.fleet.name or "",
        catalog=CatalogRef(
            snapshot_date=catalog.snapshot_date.isoformat(),
            age_days=catalog.age_days(when.date()),
        ),
        objective=spec.name,
        carbon_price_usd_per_tonne=spec.carbon_price_usd_per_tonne,
        budget_monthly_usd=problem.fleet.budget.monthly_usd if problem.fleet.budget else None,
        assignments=[],
        totals=Totals(
            monthly_usd=sum(metrics.total_usd[choice].tolist())
            + sum(f.usd_month or 0.0 for f in fees or () if f is not None)
            + d_usd,
            energy_kwh_month=sum(solution.chosen.energy_kwh.tolist()) + d_kwh,
            carbon_kg_month=sum(metrics.carbon_kg[choice].tolist()) + d_kg,
        ),
        solver=SolverInfo(
            status=result.status,
            objective_value=result.objective_value,
            lp_bound=result.lp_bound,
            gap=result.gap,
            seconds=result.seconds,
            candidates=result.total,
        ),
        notes=[
            *plan_notes(problem, outcome),
            *site_notes(
                problem.fleet,
                [(k[0], k[1], str(problem.table.gpu[o])) for k, o in _chosen(cands, choice)],
                metrics.gpus[choice].tolist(),
            ),
        ],
        changes=diff,
    )


def _placements(
    solution: Solution, merge: SplitMerge
) -> Iterator[tuple[str, str, str, str, int, str]]:
    """The plan's placements in assignment order, split workloads merged (the plan id)."""
    for i, row in enumerate(solution.choice.tolist()):
        if not merge.is_part(i):
            yield placement_of(solution.cands, i, row)
        elif i in merge.first:
            yield from merge.placements(i)


def objective_unit(spec: ObjectiveSpec) -> str:
    return unit_of(spec.name)


def _chosen(cands: CandidateSet, choice: np.ndarray) -> Iterator[tuple[tuple[str, ...], int]]:
    """(placement key, offer index) of each workload's chosen row, only when the fleet has
    sites (the site notes need them; 10^5-workload fleets without sites skip the walk)."""
    if not cands.fleet.sites:
        return
    for row in choice.tolist():
        yield cands.key(int(row)), int(cands.offer[int(row)])
