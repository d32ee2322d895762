"""Why a fleet has no plan: name the constraint that binds, with the numbers.

Called when the MILP is infeasible (per-workload emptiness and co-location regions are
caught earlier, in `filters` and `coupling`). Method: relax the coupling rows (capacity,
budget, spot share) with non-negative slack, minimise the relative slack with HiGHS, and
report every row that needed some: "capacity aws:eu-* H100 is 32 GPUs, 48 requested". For
the budget, the cheapest plan that meets every other constraint gives "budget $X < cheapest
feasible $Y".

Invariants: raises `InfeasibleError` (never returns); nothing is printed.
"""

from __future__ import annotations

import numpy as np

from cloudwright.core.errors import InfeasibleError
from cloudwright.optimizer.solver.candidates import CandidateSet
from cloudwright.optimizer.solver.coupling import Coupling
from cloudwright.optimizer.solver.model import Model, build_model, run_milp
from cloudwright.optimizer.solver.sparse import RowMatrix, diagonal, hstack, vstack

SLACK_TOL = 1e-6
TIME_LIMIT_S = 60.0


def explain_infeasible(cands: CandidateSet, coupling: Coupling) -> InfeasibleError:
    """The error to raise for an infeasible fleet, naming the binding constraint(s)."""
    n_w = len(cands.start) - 1
    coupled = np.ones(n_w, dtype=bool)
    columns = np.arange(len(cands))
    zeros = np.zeros(len(coupling))
    base = build_model(cands, coupling, np.zeros(len(cands)), columns, coupled, zeros)
    slack = _elastic(base, coupling)
    if slack is None and coupling.splits is not None:
        return _split_error(cands, coupling)
    if slack is None:
        return InfeasibleError(
            "the co-location groups cannot be satisfied together with one option per workload"
        )
    binding = [
        k for k in range(len(coupling)) if slack[k] > SLACK_TOL * max(1.0, coupling.upper[k])
    ]
    if not binding:
        return InfeasibleError("no plan satisfies every constraint (the solver found none)")
    messages = [_message(cands, coupling, k, float(slack[k])) for k in binding]
    hint = "\n".join(messages[1:]) if len(messages) > 1 else None
    fix = _fix_hint(coupling, binding[0])
    hint = "\n".join(x for x in (hint, fix) if x) or None
    return InfeasibleError(messages[0], hint=hint)


def _elastic(model: Model, coupling: Coupling) -> np.ndarray | None:
    """Least relative slack on every coupling row that makes the model feasible."""
    k = len(coupling)
    n = len(model.c)
    # Slack s in real units enters the scaled rows as row_scale · s; the objective weighs
    # it by the row's size, so GPUs and dollars count alike.
    weight = 1.0 / np.maximum(np.abs(coupling.upper), 1.0)
    slack = diagonal(-model.row_scale[:k])
    if model.a_ub.n_rows > k:  # split workloads' rows (solver/splits.py) take no slack
        slack = vstack([slack, RowMatrix.empty(model.a_ub.n_rows - k, k)])
    a_ub = hstack([model.a_ub, slack])
    a_eq = model.a_eq.pad_columns(k)
    c = np.concatenate([np.zeros(n), weight])
    elastic = Model(
        np.concatenate([model.columns, np.full(k, -1)]),
        c,
        a_eq,
        model.b_eq,
        a_ub,
        model.b_ub,
        model.n_y,
        model.eq_workload,
        model.row_scale,
        model.deps,
    )
    x, _, _ = run_milp(elastic, TIME_LIMIT_S, continuous_tail=k)
    if x is None:
        return None
    return np.asarray(x[n:], dtype=float)


def _message(cands: CandidateSet, coupling: Coupling, k: int, slack: float) -> str:
    kind, name, upper = coupling.kinds[k], coupling.names[k], float(coupling.upper[k])
    if kind == "capacity":
        label = name.removeprefix("capacity ")
        users = _forced_users(cands, coupling, k)
        who = f" (needed by {', '.join(users)})" if users else ""
        return f"capacity {label} is {upper:,.0f} GPUs, {upper + slack:,.0f} requested{who}"
    if kind == "budget":
        cheapest = _cheapest_without_budget(cands, coupling, k)
        shown = f"${cheapest:,.0f}/month" if cheapest is not None else "more than that"
        return f"budget ${upper:,.0f}/month < cheapest feasible plan {shown}"
    return (
        f"{name}: the plan needs {slack:,.0f} more GPUs on spot than the share allows "
        "(some workloads have a known spot price only)"
    )


def _forced_users(cands: CandidateSet, coupling: Coupling, k: int) -> list[str]:
    """Workloads every one of whose candidates draws on row k."""
    row = coupling.matrix.take_rows([k]).toarray().ravel()
    uses = row > 0
    names = []
    for i, w in enumerate(cands.fleet.workloads):
        rows = cands.rows(i)
        if uses[rows.start : rows.stop].all():
            names.append(f"{w.name} {int(row[rows.start]):d}")
    return names


def _cheapest_without_budget(cands: CandidateSet, coupling: Coupling, k: int) -> float | None:
    keep = [j for j in range(len(coupling)) if j != k]
    reduced = Coupling(
        [coupling.names[j] for j in keep],
        [coupling.kinds[j] for j in keep],
        [coupling.units[j] for j in keep],
        coupling.matrix.take_rows(keep),
        coupling.upper[keep],
        coupling.groups,
        coupling.group_regions,
        coupling.splits,
    )
    n_w = len(cands.start) - 1
    model = build_model(
        cands,
        reduced,
        cands.metrics.total_usd,
        np.arange(len(cands)),
        np.ones(n_w, bool),
        np.zeros(len(keep)),
        y_cost=None if coupling.splits is None else coupling.splits.fixed_usd,
    )
    x, _, value = run_milp(model, TIME_LIMIT_S)
    return None if x is None else value


def _fix_hint(coupling: Coupling, k: int) -> str:
    kind = coupling.kinds[k]
    if kind == "capacity":
        return (
            "raise the capacity entry, allow other regions or GPU types, or shrink the "
            "workloads that need it"
        )
    if kind == "budget":
        return "raise budget.monthly_usd, allow spot, or relax the constraints that force cost"
    return "raise max_spot_fraction or allow on-demand for the spot-only workloads"


def _split_error(cands: CandidateSet, coupling: Coupling) -> InfeasibleError:
    """A workload served from several regions whose populations need more regions than
    `placement.max_regions` allows (each population's regions within the SLO listed)."""
    splits = coupling.splits
    assert splits is not None
    table = cands.table
    lines = []
    for name, parts, limit in zip(splits.names, splits.parts, splits.max_regions, strict=True):
        per = []
        for i in parts.tolist():
            w = cands.fleet.workloads[i]
            regions = sorted(
                {table.regions.keys[table.region_idx[cands.offer[r]]] for r in cands.rows(i)}
            )
            shown = ", ".join(regions[:4]) + (f" (+{len(regions) - 4})" if len(regions) > 4 else "")
            per.append(f"{w.split.population if w.split else w.name}: {shown}")
        lines.append(f"{name} (max_regions {limit}): " + "; ".join(per))
    return InfeasibleError(
        "no plan serves every user population within its SLO from the regions allowed",
        hint="regions each population can use:\n"
        + "\n".join(lines)
        + "\nraise placement.max_regions or latency_slo_ms, or widen clouds/residency",
    )
