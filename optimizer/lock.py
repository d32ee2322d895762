"""Re-planning against a lock: keep running workloads where they are unless moving pays.

With a lock (yesterday's plan.json), a workload moves only when its saving beats the cost
of moving it. In the objective, for a locked workload:
- staying costs its current monthly figure minus the data-move charge it already paid (the
  data sits there: that one-off is sunk);
- moving to another placement adds the move's cost spread over `migration.horizon_months`:
  object storage copied out of the old region (priced across the catalog's egress tiers for
  that pair) plus `migration.cost_usd` (people, downtime, re-validation), and a hysteresis
  band of `migration.min_saving_pct` % of staying's objective value.
For the carbon objective the move costs the network carbon of the copy (CCF networking
coefficient) plus its dollars turned into kgCO2e at the carbon price (what the same money
would abate); for latency, only the band applies.

A locked placement that is no longer feasible (not sold, no price, outside the fleet's rules)
must move; the diff says so. `changes` writes the plan diff: workload, from → to, Δ$/month,
ΔkgCO2e/month and the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from cloudwright.core.errors import CloudwrightError
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.fleet.spec import Fleet
from cloudwright.optimizer.fleet.split import SEPARATOR
from cloudwright.optimizer.models.energy import network_energy_kwh
from cloudwright.optimizer.models.storage import GB_PER_TB
from cloudwright.optimizer.plan import Assignment, Change, Plan
from cloudwright.optimizer.solver.candidates import CandidateSet, PlacementKey
from cloudwright.optimizer.solver.objective import KG_PER_TONNE, ObjectiveSpec
from cloudwright.optimizer.solver.work import nodes_of


@dataclass(frozen=True)
class LockContext:
    lock: Plan
    keys: dict[int, PlacementKey]  # workload index → locked placement
    nodes: dict[int, int]  # workload index → locked node count


@dataclass(frozen=True)
class MoveCosts:
    stay_rows: dict[int, int]  # workload index → candidate row of its locked placement
    penalty: np.ndarray  # objective units, per candidate
    move_usd_month: np.ndarray  # amortised move cost in $ per candidate (0 for stay rows)


def lock_context(lock: Plan, fleet: Fleet) -> LockContext:
    keys: dict[int, PlacementKey] = {}
    nodes: dict[int, int] = {}
    locked = locked_by_name(lock)
    for i, w in enumerate(fleet.workloads):
        # A population of a workload split since the lock starts where the workload ran.
        a = locked.get(w.name) or (locked.get(w.origin) if w.split is not None else None)
        if a is not None:
            keys[i] = (a.cloud, a.region, a.instance_type, a.pricing)
            # A population of a split workload: its own share, not its region's replicas.
            nodes[i] = w.node_count if w.split is not None else a.nodes
    return LockContext(lock, keys, nodes)


def locked_by_name(lock: Plan) -> dict[str, Assignment]:
    """The lock's assignments by the name the solver knows them by: the workload's, or for a
    workload served from several regions `<workload>@<population>` for each population a
    region serves (fleet/split.py), so each population stays or moves on its own merits."""
    out: dict[str, Assignment] = {}
    for a in lock.assignments:
        if a.serves:
            out.update({f"{a.workload}{SEPARATOR}{s.name}": a for s in a.serves})
        else:
            out[a.workload] = a
    return out


def move_costs(
    catalog: Catalog,
    cands: CandidateSet,
    ctx: LockContext,
    spec: ObjectiveSpec,
    primary: np.ndarray,
) -> MoveCosts:
    fleet = cands.fleet
    penalty = np.zeros(len(cands))
    move_usd = np.zeros(len(cands))
    stay_rows: dict[int, int] = {}
    for i, key in sorted(ctx.keys.items()):
        stay = cands.find(i, key)
        rows = cands.rows(i)
        w = fleet.workloads[i]
        sel = np.arange(rows.start, rows.stop)
        usd, kg = _move_one_off(catalog, cands, key, sel, w.storage.object_tb)
        usd = (usd + fleet.migration.cost_usd) / fleet.migration.horizon_months
        kg = kg / fleet.migration.horizon_months
        if stay is not None:
            stay_rows[i] = stay
            usd[sel == stay] = 0.0
            kg[sel == stay] = 0.0
        move_usd[sel] = usd
        band = 0.0
        if stay is not None:
            band = fleet.migration.min_saving_pct / 100.0 * abs(float(primary[stay]))
        moving = sel != stay if stay is not None else np.ones(len(sel), dtype=bool)
        penalty[sel] = np.where(moving, _in_units(spec, usd, kg) + band, 0.0)
    if stay_rows and spec.name in ("cost", "balanced"):
        stays = np.array(list(stay_rows.values()), dtype=np.int64)
        penalty[stays] = -cands.metrics.at(stays).data_move_usd  # already paid
    return MoveCosts(stay_rows, penalty, move_usd)


def _move_one_off(
    catalog: Catalog,
    cands: CandidateSet,
    key: PlacementKey,
    sel: np.ndarray,
    object_tb: float,
) -> tuple[np.ndarray, np.ndarray]:
    """One-off $ and kgCO2e of copying object storage from the locked region to each row
    (the catalog's egress ladder for the pair: an exact pair row, else its kind)."""
    usd = np.zeros(len(sel))
    kg = np.zeros(len(sel))
    gb = object_tb * GB_PER_TB
    if gb <= 0:
        return usd, kg
    src = (key[0], key[1])
    try:
        src_info = catalog.region(*src)
    except CloudwrightError:  # the region left the catalog: the copy cannot be priced
        return usd, kg
    table = cands.table
    egress = catalog.egress_table
    per_gb_kwh = network_energy_kwh(catalog, src[0], src[1], 1.0)
    for k, row in enumerate(sel):
        o = int(cands.offer[row])
        dst = (str(table.cloud[o]), str(table.region[o]))
        if dst != src:
            usd[k] = egress.transfer_usd(src, dst, gb)
            kg[k] = gb * per_gb_kwh * src_info.grid_intensity_g_per_kwh / 1000.0
    return usd, kg


def _in_units(spec: ObjectiveSpec, usd: np.ndarray, kg: np.ndarray) -> np.ndarray:
    if spec.name == "cost":
        return usd
    if spec.name == "balanced":
        return np.asarray(usd + spec.carbon_price_usd_per_tonne * kg / KG_PER_TONNE)
    if spec.name == "carbon":
        # Dollars of moving become kgCO2e at the carbon price: the move must avoid more
        # emissions than its cost would buy at that price.
        price = spec.carbon_price_usd_per_tonne
        return np.asarray(kg + (usd * KG_PER_TONNE / price if price > 0 else 0.0))
    return np.zeros(len(usd))


def placement(key: PlacementKey, nodes: int) -> str:
    cloud, region, itype, pricing = key
    return f"{cloud}:{region} {itype} {pricing} ×{nodes}"


def changes(
    cands: CandidateSet,
    ctx: LockContext,
    moves: MoveCosts,
    choice: np.ndarray,
    raw_best: np.ndarray,
    unit: str,
    raw: np.ndarray,
    blockers: Blockers | None = None,
) -> list[Change]:
    """The plan diff against the lock, one line per workload (and per removed workload).
    `blockers` names the constraints that hold a workload whose best move would pay."""
    fleet, m = cands.fleet, cands.metrics
    out: list[Change] = []
    old_by_name = locked_by_name(ctx.lock)
    for i, w in enumerate(fleet.workloads):
        row = int(choice[i])
        new_key = cands.key(row)
        nodes = nodes_of(cands, i, int(cands.offer[row]))  # per offer when sized by work
        to = placement(new_key, nodes)
        if i not in ctx.keys:
            out.append(
                Change(
                    workload=w.name,
                    action="new",
                    to_placement=to,
                    delta_usd_month=float(m.total_usd[row]),
                    delta_carbon_kg_month=float(m.carbon_kg[row]),
                    reason="new workload",
                )
            )
            continue
        old = old_by_name.get(w.name) or old_by_name[w.origin]
        stay = moves.stay_rows.get(i)
        share = ctx.nodes[i] / old.nodes if w.split is not None else 1.0  # its share of a region
        old_usd = float(m.total_usd[stay]) if stay is not None else old.monthly_usd * share
        old_kg = float(m.carbon_kg[stay]) if stay is not None else old.carbon_kg_month * share
        frm = placement(ctx.keys[i], ctx.nodes[i])
        d_usd, d_kg = float(m.total_usd[row]) - old_usd, float(m.carbon_kg[row]) - old_kg
        action, reason = lock_reason(cands, moves, i, row, int(raw_best[i]), unit, raw, blockers)
        if action == "kept" and ctx.nodes[i] != nodes:
            action, reason = "resized", f"{ctx.nodes[i]} → {nodes} nodes; " + reason
        out.append(
            Change(
                workload=w.name,
                action=action,
                from_placement=frm,
                to_placement=to,
                delta_usd_month=d_usd,
                delta_carbon_kg_month=d_kg,
                reason=reason,
            )
        )
    names = {w.name for w in fleet.workloads} | {w.origin for w in fleet.workloads}
    for a in ctx.lock.assignments:
        if a.workload not in names:
            key = (a.cloud, a.region, a.instance_type, a.pricing)
            out.append(
                Change(
                    workload=a.workload,
                    action="removed",
                    from_placement=placement(key, a.nodes),
                    delta_usd_month=-a.monthly_usd,
                    delta_carbon_kg_month=-a.carbon_kg_month,
                    reason="no longer in the fleet",
                )
            )
    return out


Action = Literal["kept", "moved", "resized", "new", "removed"]
Blockers = Callable[[int, int], list[str]]  # (workload, row) → constraints a swap would break


@dataclass(frozen=True)
class MoveTrade:
    """What moving workload i from its locked row to `row` saves and costs, per month, in
    the objective's units (staying is credited with its sunk data move)."""

    saving: float
    cost: float
    saving_text: str  # "3,306 kgCO2e"
    cost_text: str  # "19,018 kgCO2e/month: $3,600/month of copying and migration …"


def move_trade(moves: MoveCosts, stay: int, row: int, unit: str, raw: np.ndarray) -> MoveTrade:
    staying = float(raw[stay] + moves.penalty[stay])
    saving, cost = staying - float(raw[row]), float(moves.penalty[row])
    return MoveTrade(
        saving,
        cost,
        _amount(saving, unit),
        f"{_amount(cost, unit)}/month: {_move_text(moves, row)}",
    )


def lock_reason(
    cands: CandidateSet,
    moves: MoveCosts,
    i: int,
    row: int,
    best: int,
    unit: str,
    raw: np.ndarray,
    blockers: Blockers | None = None,
) -> tuple[Action, str]:
    """Why workload i kept or left its locked placement (the plan diff's reason)."""
    stay = moves.stay_rows.get(i)
    if stay is None:
        return (
            "moved",
            "the locked placement is no longer feasible (not sold, no price, or "
            "outside the fleet's constraints now)",
        )
    if row == stay:
        if best == stay:
            return "kept", "still the best option"
        trade = move_trade(moves, stay, best, unit, raw)
        target = placement(cands.key(best), nodes_of(cands, i, int(cands.offer[best])))
        if trade.saving <= trade.cost:
            return "kept", (
                f"{target} would save {trade.saving_text}/month, less than moving costs "
                f"({trade.cost_text})"
            )
        held = "; ".join(blockers(i, best)) if blockers is not None else ""
        return "kept", (
            f"{target} would save {trade.saving_text}/month, more than moving costs "
            f"({trade.cost_text}), but "
            + (
                held
                or "the fleet's shared constraints (capacity, budget, spot share, "
                "co-location) hold it here"
            )
        )
    trade = move_trade(moves, stay, row, unit, raw)
    return "moved", (f"saves {trade.saving_text}/month, more than moving costs ({trade.cost_text})")


def _move_text(moves: MoveCosts, row: int) -> str:
    return (
        f"${float(moves.move_usd_month[row]):,.0f}/month of copying and migration over the "
        "horizon, plus the hysteresis band"
    )


def _amount(value: float, unit: str) -> str:
    if unit.startswith("USD"):
        return f"${value:,.0f}"
    if unit.startswith("kg"):
        return f"{value:,.0f} kgCO2e"
    return f"{value:,.1f} ms"
