"""The cost/carbon frontier: what each tonne of CO2e avoided costs, across the fleet.

Sweeps the carbon price p and solves min ∑ ($/month + p × tonnes/month) under every hard
constraint (capacity, budget, spot share, co-location, SLOs, residency), then adds the
carbon-optimal plan itself. Each point is a whole-fleet plan; consecutive points give the
marginal abatement cost (Δ$ ÷ ΔtCO2e between neighbours: what the next tonne costs), the
cheapest point gives the average one (Δ$ ÷ ΔtCO2e from the cheapest plan). A weighted sum finds the supported points of the
frontier (its convex hull); plans between two points may exist but never beat the hull on
both axes at once.

Latency is not traded here (it stays a constraint through SLOs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cloudwright.optimizer.planner import Problem
from cloudwright.optimizer.purchase import is_commitment, label
from cloudwright.optimizer.solver.coupling import Coupling
from cloudwright.optimizer.solver.milp import solve
from cloudwright.optimizer.solver.objective import KG_PER_TONNE, TIE_BREAK

# Carbon prices swept, US$ per tonne: zero, then roughly doubling to well past any policy
# price, so the cheap end and the carbon-optimal end are both reached.
DEFAULT_PRICES: tuple[float, ...] = (
    0,
    25,
    50,
    100,
    200,
    400,
    800,
    1_600,
    3_200,
    6_400,
    12_800,
    25_600,
    51_200,
    102_400,
)


MIN_STEP = 1e-3  # a point must cut at least this share of the cheapest plan's carbon


@dataclass(frozen=True)
class ParetoPoint:
    carbon_price_usd_per_tonne: float | None  # None: the carbon-optimal plan
    monthly_usd: float
    carbon_kg_month: float
    placements: tuple[str, ...]  # "workload → cloud:region type pricing"
    # Marginal abatement cost: Δ$ ÷ ΔtCO2e against the previous (cheaper) point. It climbs
    # steeply at the green end, where the last kilograms are the dearest.
    abatement_usd_per_tonne: float | None
    # Average abatement cost: Δ$ ÷ ΔtCO2e against the cheapest point (None for it).
    average_usd_per_tonne: float | None = None


def frontier(
    problem: Problem, prices: Sequence[float] = DEFAULT_PRICES, *, time_limit_s: float = 60.0
) -> list[ParetoPoint]:
    cands, coupling = problem.cands, problem.coupling
    m = cands.metrics
    raw: list[tuple[float | None, np.ndarray]] = []
    for p in prices:
        kg_weight = p / KG_PER_TONNE + TIE_BREAK
        vector = m.total_usd + kg_weight * m.carbon_kg
        at = _weighed(coupling, 1.0, kg_weight)
        raw.append((float(p), solve(cands, at, vector, time_limit_s=time_limit_s).choice))
    greenest = solve(
        cands,
        _weighed(coupling, TIE_BREAK, 1.0),
        m.carbon_kg + TIE_BREAK * m.total_usd,
        time_limit_s=time_limit_s,
    ).choice
    raw.append((None, greenest))
    points: list[ParetoPoint] = []
    seen: set[tuple[int, ...]] = set()
    for price, choice in raw:
        key = tuple(int(r) for r in choice)
        if key in seen:
            continue
        seen.add(key)
        usd, kg = float(m.total_usd[choice].sum()), float(m.carbon_kg[choice].sum())
        if coupling.splits is not None:  # the regions a split workload opens
            opened = coupling.splits.opened(choice)
            usd += float(coupling.splits.fixed_usd[opened].sum())
            kg += float(coupling.splits.fixed_kg[opened].sum())
        if points and not (kg < points[-1].carbon_kg_month - MIN_STEP * points[0].carbon_kg_month):
            continue  # not materially greener than the previous point: dominated or equal
        abatement = average = None
        if points:
            abatement = _per_tonne(points[-1], usd, kg)
            average = _per_tonne(points[0], usd, kg)
        places = tuple(
            f"{w.name} → {':'.join(cands.key(int(r))[:2])} {cands.key(int(r))[2]} "
            f"{_pricing_text(cands.key(int(r))[3])}"
            for w, r in zip(cands.fleet.workloads, choice, strict=True)
        )
        points.append(ParetoPoint(price, usd, kg, places, abatement, average))
    return points


def _weighed(coupling: Coupling, usd_weight: float, kg_weight: float) -> Coupling:
    """`coupling` with split deployments weighed as the sweep weighs candidates."""
    splits = coupling.splits
    if splits is None:
        return coupling
    return coupling.with_split_costs(
        usd_weight * splits.fixed_usd + kg_weight * splits.fixed_kg, None
    )


def _per_tonne(reference: ParetoPoint, usd: float, kg: float) -> float | None:
    """Extra dollars per tonne avoided, going from `reference` to (usd, kg)."""
    tonnes = (reference.carbon_kg_month - kg) / KG_PER_TONNE
    return (usd - reference.monthly_usd) / tonnes if tonnes > 0 else None


def _pricing_text(pricing: str) -> str:
    """'on-demand', 'spot', or 'commit-1y (billed even when idle)'."""
    return f"{label(pricing)} (billed even when idle)" if is_commitment(pricing) else label(pricing)
