"""The plan's notes: what every figure rests on, what is an estimate, and what is unknown.

Each note is one sentence a reader of plan.json (or the rendered table) needs to trust or
question the numbers: the energy method and its sources, spot overheads, amortised data
moves, unknown storage prices, the carbon price, the latency model, skipped regions, the
solver's bound and gap, untagged owners.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cloudwright.optimizer.planner import Outcome, Problem


def plan_notes(problem: Problem, outcome: Outcome) -> list[str]:
    notes = [_estimates(problem, outcome)]
    notes.extend(_measured(problem, outcome))
    notes.extend(_spot(problem, outcome))
    notes.extend(_commitments(problem, outcome))
    notes.extend(_data_moves(problem, outcome))
    notes.extend(_unknown_storage(problem, outcome))
    notes.extend(_doubtful(problem, outcome))
    notes.extend(_deferrals(problem))
    notes.extend(_objective(problem, outcome))
    notes.extend(_latency(problem))
    notes.extend(_skipped(problem))
    notes.extend(_owners(problem))
    notes.append(_solver(problem, outcome))
    return notes


def _estimates(problem: Problem, outcome: Outcome) -> str:
    embodied = (
        "embodied emissions per GPU-month included"
        if problem.fleet.include_embodied
        else "embodied emissions not included (set include_embodied: true)"
    )
    return (
        "Energy and carbon are estimates: per node, GPUs × board power × (idle share + "
        "(1 − idle share) × utilisation) + host CPU and memory power (Cloud Carbon Footprint's "
        "coefficients), × hours × the region's PUE, × the region's annual-average grid "
        f"intensity (catalog regions table, source per region); {embodied}."
    )


def _measured(problem: Problem, outcome: Outcome) -> list[str]:
    choice = outcome.solution.choice
    names = [
        problem.fleet.workloads[i].name
        for i in range(len(choice))
        if outcome.solution.chosen.measured[i]
    ]
    if not names:
        return []
    return [f"Measured node power (profiles) replaces the model for: {', '.join(names)}."]


def _spot(problem: Problem, outcome: Outcome) -> list[str]:
    cands, choice = problem.cands, outcome.solution.choice
    clouds = sorted({cands.key(int(r))[0] for r in choice if cands.spot[int(r)]})
    if not clouds:
        return []
    parts = []
    for cloud in clouds:
        coef = problem.catalog.coefficient("spot_interruption_overhead", cloud)
        parts.append(f"{cloud} {coef.value:.0%} ({coef.source}, {coef.source_date})")
    return [
        "Spot placements use the cheapest zone's spot price; billed hours include the expected "
        f"extra hours from interruptions and restarts: {'; '.join(parts)}."
    ]


def _commitments(problem: Problem, outcome: Outcome) -> list[str]:
    """Commit placements: how they bill, and that the stack does not buy them."""
    from cloudwright.optimizer.purchase import COMMIT_BILLED_HOURS, commit_product, is_commitment

    cands, choice = problem.cands, outcome.solution.choice
    keys = [cands.key(int(r)) for r in choice]
    clouds = sorted({k[0] for k in keys if is_commitment(k[3])})
    if not clouds:
        return []
    products = ", ".join(commit_product(c) for c in clouds)
    return [
        f"Commitments (commit-1y/3y) bill {COMMIT_BILLED_HOURS:g} h/month for the whole term, "
        "even when idle, at the catalog's commitment rate (GCP resource-based CUD, AWS standard "
        "RI no upfront; source per offering); energy and carbon follow the hours run. The stack "
        f"deploys them as on-demand instances: buy the commitment separately ({products})."
    ]


def _data_moves(problem: Problem, outcome: Outcome) -> list[str]:
    one_off = float(outcome.solution.chosen.data_move_one_off_usd.sum())
    if one_off <= 0:
        return []
    months = problem.fleet.data_amortization_months
    return [
        f"Moving input data to where it runs costs ${one_off:,.0f} once (egress tiers, each "
        f"transfer priced from 0 GB: an upper bound), spread over {months:g} months in the "
        "monthly figures (data_amortization_months)."
    ]


def _unknown_storage(problem: Problem, outcome: Outcome) -> list[str]:
    cands, choice = problem.cands, outcome.solution.choice
    hits = [
        f"{problem.fleet.workloads[i].name} ({':'.join(cands.key(int(choice[i]))[:2])})"
        for i in range(len(choice))
        if outcome.solution.chosen.storage_unknown[i]
    ]
    if not hits:
        return []
    return [
        "Storage price unknown in the catalog, left out of the totals (not $0): "
        + ", ".join(hits)
        + ". Check the provider's price page before relying on these totals."
    ]


def _doubtful(problem: Problem, outcome: Outcome) -> list[str]:
    cands, table, choice = problem.cands, problem.table, outcome.solution.choice
    hits = []
    for i, row in enumerate(int(r) for r in choice):
        o = int(cands.offer[row])
        flagged = table.spot_doubtful[o] if cands.spot[row] else table.on_demand_doubtful[o]
        if flagged:
            cloud, region, itype, _ = cands.key(row)
            hits.append(
                f"{problem.fleet.workloads[i].name} ({cloud}:{region} {itype}: "
                f"{table.price_flag[o]})"
            )
    if not hits:
        return []
    return [
        "The catalog flags these chosen prices as doubtful (no trusted option was left, or "
        "doubtful_prices: allow): " + "; ".join(hits) + "."
    ]


def _deferrals(problem: Problem) -> list[str]:
    out = []
    for view, w in zip(problem.cands.views, problem.fleet.workloads, strict=True):
        if view.deferral is not None:
            out.append(f"{w.name}: {view.deferral.note}.")
    return out


def _objective(problem: Problem, outcome: Outcome) -> list[str]:
    spec = outcome.spec
    if spec.name != "balanced":
        return []
    return [
        f"Balanced objective: $/month + ${spec.carbon_price_usd_per_tonne:,.0f} per tonne CO2e "
        f"({spec.carbon_price_source}) + {spec.latency_penalty_pct_per_ms:g} % of a workload's "
        "cheapest monthly cost per ms above its lowest-latency option."
    ]


def _latency(problem: Problem) -> list[str]:
    if not any(w.users for w in problem.fleet.workloads):
        return []
    coef = problem.catalog.coefficient("latency_inflation")
    return [
        "Latency is the user-weighted round-trip time from the catalog's great-circle model "
        f"(fitted to {coef.source}), plus a last-mile allowance; SLOs bound that average"
        + (
            " (for a workload served from several regions, each population's own RTT to the "
            "region that serves it)."
            if any(w.split is not None for w in problem.fleet.workloads)
            else "."
        )
    ]


def _skipped(problem: Problem) -> list[str]:
    skipped = problem.table.skipped
    if not skipped:
        return []
    return [
        f"{len(skipped)} region(s) sell GPUs but have no region data (coordinates, grid "
        f"intensity, PUE) and were not considered: {', '.join(skipped[:10])}."
    ]


def _owners(problem: Problem) -> list[str]:
    missing = list(
        dict.fromkeys(w.origin for w in problem.fleet.workloads if not (w.owner and w.cost_center))
    )
    if not missing:
        return []
    return [
        "No owner or cost_center for: "
        + ", ".join(missing[:10])
        + (" …" if len(missing) > 10 else "")
        + "; their resources are tagged 'unassigned'."
    ]


def _solver(problem: Problem, outcome: Outcome) -> str:
    r = outcome.result
    total = len(problem.cands)
    if r.considered == 0:
        return (
            f"Solver: no shared constraint couples the workloads, so each takes its best of "
            f"{total} candidates; the plan is optimal (bound = objective)."
        )
    rounds = "master LP(s)" if r.method == "Lagrangian sifting" else "round(s)"
    text = (
        f"Solver: HiGHS MILP on {r.considered} of {total} candidates ({r.status}); LP-relaxation "
        f"bound {r.lp_bound:,.2f}, valid for all {total} candidates ({r.method}, {r.rounds} "
        f"{rounds}); gap {r.gap:.3%}."
    )
    if r.gap > 0 and r.status == "optimal":
        text += (
            " The gap is the LP relaxation's (it may split a workload across options); HiGHS "
            "proved the plan optimal on its working set."
        )
    if r.status == "near-optimal":
        text += (
            " Near-optimal: within 0.01 % of the bound (HiGHS's default MIP gap), accepted "
            "without a branch-and-bound proof."
        )
    return text
