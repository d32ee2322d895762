"""Turn a solved placement into plan assignments that explain themselves.

Each assignment carries `why` (what won, by how much, which constraints narrowed or bound the
choice) and `alternatives` (the best other placements, one per cloud/region/pricing, with
Δcost, Δcarbon, Δlatency and, when it applies, the constraint that rules them out).

Invariants: pure (reads the candidate set and the solution, builds pydantic objects); the
wording is stable for the same inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from cloudwright.optimizer.cluster_fees import FeeShare
from cloudwright.optimizer.fleet.fieldshare import FieldSets
from cloudwright.optimizer.fleet.spec import Workload
from cloudwright.optimizer.lock import MoveCosts, move_trade, placement
from cloudwright.optimizer.plan import Alternative, Assignment, CostBreakdown, Storage, placement_id
from cloudwright.optimizer.purchase import billing_rule, commit_product, is_commitment
from cloudwright.optimizer.purchase import label as purchase_label
from cloudwright.optimizer.solver.candidates import CandidateSet
from cloudwright.optimizer.solver.coupling import Coupling
from cloudwright.optimizer.solver.filters import requirement
from cloudwright.optimizer.solver.metrics import Metrics
from cloudwright.optimizer.solver.objective import objective_unit
from cloudwright.optimizer.solver.work import nodes_of, ratios_sentence, work_facts, work_sentence

_validate_cost = CostBreakdown.__pydantic_validator__.validate_python
_validate_alternative = Alternative.__pydantic_validator__.validate_python
MAX_ALTERNATIVES = 3
ALTERNATIVES_CHUNK = 8192  # workloads whose alternatives are chosen in one vectorised pass
SCAN_ROWS = 24  # rows per workload scanned for distinct alternatives (a few per region)
USAGE_TOL = 1e-6
LABELS = {
    "cost": "cheapest",
    "carbon": "lowest-carbon",
    "latency": "lowest-latency",
    "balanced": "best balanced (cost + carbon price + latency penalty)",
}


@dataclass(frozen=True)
class Solution:
    cands: CandidateSet
    coupling: Coupling
    choice: np.ndarray  # chosen candidate row per workload
    raw: np.ndarray  # objective per candidate, without lock penalties
    best: np.ndarray  # each workload's own best row on `raw`
    objective: str
    moves: MoveCosts | None
    spot_overhead: dict[str, float]  # cloud → fraction of extra billed hours
    # The objective's tie-break stage (latency: cost), which orders equally good options.
    secondary: np.ndarray | None = None

    @cached_property
    def chosen(self) -> Metrics:
        """Every figure of each workload's chosen candidate (index: workload)."""
        return self.cands.metrics.at(self.choice)


class Explainer:
    def __init__(
        self, solution: Solution, plan_id: str = "", fees: list[FeeShare | None] | None = None
    ) -> None:
        self.plan_id = plan_id
        # Kubernetes workloads' shares of their managed cluster's fee (cluster_fees.py).
        self.fees = fees
        self.cands = solution.cands
        self.coupling = solution.coupling
        self.choice = solution.choice
        self.raw = solution.raw
        self.best = solution.best
        self.objective = solution.objective
        self.moves = solution.moves
        self.spot_overhead = solution.spot_overhead
        self.secondary = solution.secondary
        self.chosen = solution.chosen
        self._usage = self.coupling.usage(self.choice)
        self._storages: dict[tuple[float, float, int], Storage] = {}
        c = self.cands
        # Alternatives and what blocks them, chosen for a window of workloads at a time, from
        # the first one asked for (`_window`): a plan rendered by several processes
        # (cloudwright/core/forked.py) computes each range's in the process that builds it,
        # and no further than the range's end (`stop_at`).
        self._chosen_place = c.table.region_idx[c.offer[self.choice]].astype(np.int64) * 4
        self._chosen_place += c.purchase[self.choice]
        self._alternative_rows: dict[int, np.ndarray] = {}
        self._blocked: dict[tuple[int, int], list[str]] = {}
        self._stop = len(c.start) - 1
        # Distinct regions per workload: rows are sorted by offer, and offers by region.
        region = c.table.region_idx[c.offer]
        change = np.ones(len(c), dtype=bool)
        change[1:] = (region[1:] != region[:-1]) | (c.wl[1:] != c.wl[:-1])
        self._regions = np.bincount(c.wl[change], minlength=len(c.start) - 1)

    # ---- parts validated from a dict by pydantic-core directly (2.7 µs, not 4.1 µs, each:
    # 4 × 10^5 of them in a 10^5-workload plan) ---------------------------------------------
    @staticmethod
    def _alternative(**fields: object) -> Alternative:
        return _validate_alternative(fields)

    def _storage_of(self, w: Workload) -> Storage:
        """One Storage per distinct size (10^5 workloads share a handful)."""
        s = w.storage
        key = (s.object_tb, s.parallel_fs_tb, s.parallel_fs_throughput_mb_s_per_tib)
        found = self._storages.get(key)
        if found is None:
            found = self._storages[key] = Storage(
                object_tb=key[0], parallel_fs_tb=key[1], parallel_fs_throughput_mb_s_per_tib=key[2]
            )
        return found

    def assignments(self) -> list[Assignment]:
        """Every assignment, held at once: their equal field-name sets point at one copy
        (pydantic keeps ~4.9 KB of them per assignment: ~0.5 GB at 10^5 workloads)."""
        out = []
        sets = FieldSets()
        for i in range(len(self.cands.fleet.workloads)):
            a = self.assignment(i)
            for part in (a, a.cost, a.storage, *a.alternatives):
                sets.share(part)
            out.append(a)
        return out

    def assignment(self, i: int) -> Assignment:
        c, m, t = self.cands, self.chosen, self.cands.table
        w = c.fleet.workloads[i]
        row = int(self.choice[i])
        o = int(c.offer[row])
        view = c.views[i]
        region = int(t.region_idx[o])
        start_hour = None
        saving = None
        if view.deferral is not None:
            hour = int(view.deferral.start_hour[region])
            start_hour = hour if hour >= 0 else None
            saving = float(m.shift_saving_kg[i])
        alternatives = self.alternatives(i)
        # Shared str objects, not one per assignment.
        cloud, region_name, itype, pricing = c.key(row)
        share = self.fees[i] if self.fees is not None else None
        fee = (share.usd_month or 0.0) if share is not None else 0.0
        why = self.why(i, alternatives)
        work = work_facts(c, i, o, float(m.hourly_usd[i]), float(m.carbon_kg[i]), float(m.hours[i]))
        # Only work-sized workloads leave families out (a private attribute read costs ~4 µs).
        unrated = w.unrated if w.gpu.h100_equivalents is not None else ()
        why = " ".join(p for p in (why, work_sentence(work, unrated, ratios_sentence(c, i))) if p)
        return Assignment(
            workload=w.name,
            kind=w.kind,
            cloud=cloud,
            region=region_name,
            zone=t.spot_zone[o] if pricing == "spot" else t.on_demand_zone[o],
            instance_type=itype,
            gpu=str(t.gpu[o]),
            gpu_count=int(t.gpu_count[o]),
            nodes=nodes_of(c, i, o),
            pricing=pricing,
            interconnect=str(t.interconnect[o]),
            interconnect_required=w.interconnect == "required",
            hourly_usd=float(m.hourly_usd[i]),
            monthly_usd=float(m.total_usd[i]) + fee,
            cost=cost_breakdown(m, i, fee),
            hours_per_month=float(m.hours[i]),
            energy_kwh_month=float(m.energy_kwh[i]),
            carbon_kg_month=float(m.carbon_kg[i]),
            energy_basis="measured" if m.measured[i] else "modelled",
            gpu_utilization=w.utilization,
            latency_ms=_opt(m.latency_ms[i]),
            storage=self._storage_of(w),
            egress_gb_month=float(w.egress_gb_month or 0.0),
            deferral_start_hour=start_hour,
            carbon_saving_kg_month=saving,
            alternatives=alternatives,
            why=why if share is None else f"{why} {share.sentence()}",
            tags=_tags(w, self.plan_id),
            work=work,
            platform=w.platform or "vm",
            serves=[],  # given, not defaulted: pydantic deep-copies a list default per model
        )

    # ---- alternatives -----------------------------------------------------------------
    def stop_at(self, stop: int) -> None:
        """Assignments from here on are asked for up to workload `stop` (exclusive) only: a
        window of alternatives ends there."""
        self._stop = stop

    def _alt_rows(self, i: int) -> np.ndarray:
        """Workload i's best rows on the objective, one per (region, pricing) other than the
        chosen one's, at most MAX_ALTERNATIVES."""
        found = self._alternative_rows.get(i)
        if found is None:
            self._window(i)
            found = self._alternative_rows[i]
        return found

    def _window(self, w0: int) -> None:
        """Alternatives of workloads w0.. (ALTERNATIVES_CHUNK of them, or up to `stop_at`'s
        workload), vectorised: each workload's answer depends on its own rows only; and the
        blockers of them and of each one's own best."""
        c = self.cands
        n = len(c.start) - 1
        w1 = min(w0 + ALTERNATIVES_CHUNK, self._stop if w0 < self._stop else n)
        lo, hi = int(c.start[w0]), int(c.start[w1])
        n_places = 4 * len(c.table.regions.keys) + 4
        rows = self._alternatives_of(lo, hi, w0, w1, self._chosen_place, n_places)
        self._alternative_rows.update(zip(range(w0, w1), rows, strict=True))
        pairs = [(w0 + j, int(r)) for j, mine in enumerate(rows) for r in mine]
        pairs += [(i, int(self.best[i])) for i in range(w0, w1) if self.best[i] != self.choice[i]]
        self._blocked.update(self._blockers_for(pairs))

    def _alternatives_of(
        self, lo: int, hi: int, w0: int, w1: int, chosen_place: np.ndarray, n_places: int
    ) -> list[np.ndarray]:
        """`_select_alternatives` for workloads w0..w1-1, whose rows are lo..hi-1."""
        c = self.cands
        wl = c.wl[lo:hi]
        place = c.table.region_idx[c.offer[lo:hi]].astype(np.int64) * 4 + c.purchase[lo:hi]
        # lexsort is stable: ties keep row order (the lowest row first) without a row key.
        keys = () if self.secondary is None else (self.secondary[lo:hi],)
        order = np.lexsort((*keys, self.raw[lo:hi], wl))
        w_s, p_s = wl[order], place[order]
        # Only the best few rows of each workload can hold its best distinct places.
        rank = np.arange(len(order)) - np.searchsorted(w_s, w_s)
        other = (p_s != chosen_place[w_s]) & (rank < SCAN_ROWS)
        order, w_s, p_s = order[other], w_s[other], p_s[other]
        _, first = np.unique(w_s.astype(np.int64) * n_places + p_s, return_index=True)
        first = np.sort(first)
        order, w_s = order[first], w_s[first]
        rank = np.arange(len(order)) - np.searchsorted(w_s, w_s)
        keep = rank < MAX_ALTERNATIVES
        order, w_s = order[keep] + lo, w_s[keep]
        bounds = np.searchsorted(w_s, np.arange(w0, w1 + 1))
        return [order[bounds[k] : bounds[k + 1]] for k in range(w1 - w0)]

    def alternatives(self, i: int) -> list[Alternative]:
        c, m = self.cands, self.cands.metrics
        row = int(self.choice[i])
        rows = self._alt_rows(i)
        if not len(rows):
            return []
        usd0, kg0, lat0 = float(m.total_usd[row]), float(m.carbon_kg[row]), _opt(m.latency_ms[row])
        # The rows' figures in one gather each (Python floats: the same values and deltas).
        usd, kg = m.total_usd[rows].tolist(), m.carbon_kg[rows].tolist()
        out: list[Alternative] = []
        for r, u, k, ms in zip(rows.tolist(), usd, kg, m.latency_ms[rows].tolist(), strict=True):
            cloud, region, itype, pricing = c.key(r)
            lat = None if ms != ms else ms  # NaN: no users
            out.append(
                self._alternative(
                    cloud=cloud,
                    region=region,
                    instance_type=itype,
                    pricing=pricing,
                    monthly_usd=u,
                    carbon_kg_month=k,
                    latency_ms=lat,
                    delta_usd=u - usd0,
                    delta_carbon_kg=k - kg0,
                    delta_latency_ms=None if lat is None or lat0 is None else lat - lat0,
                    note="; ".join(self.blockers(i, r)),
                )
            )
        return out

    def blockers(self, i: int, row: int) -> list[str]:
        """Constraints that swapping workload i onto `row` (alone) would break."""
        if (i, row) not in self._blocked and i not in self._alternative_rows:
            self._window(i)  # the pairs an assignment asks for, at once
        if (i, row) not in self._blocked:
            self._blocked.update(self._blockers_for([(i, row)]))
        return self._blocked[(i, row)]

    def _blockers_for(self, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], list[str]]:
        notes: list[list[str]] = [[] for _ in pairs]
        if pairs:
            workloads = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=len(pairs))
            rows = np.fromiter((p[1] for p in pairs), dtype=np.int64, count=len(pairs))
            chosen = self.choice[workloads]
            if len(self.coupling):
                matrix = self.coupling.matrix
                delta = matrix.values_at(rows) - matrix.values_at(chosen)
                after = self._usage[:, None] + delta
                upper = self.coupling.upper[:, None]
                broken = (delta > USAGE_TOL) & (after > upper + USAGE_TOL)
                for k, j in zip(*np.nonzero(broken), strict=True):
                    text = self._row_text(int(k), float(self._usage[k]), float(delta[k, j]))
                    notes[int(j)].append(text)
            t = self.cands.table
            region = t.region_idx[self.cands.offer]
            for group, members in self.coupling.groups.items():
                for j in np.flatnonzero(np.isin(workloads, members)):
                    if region[rows[j]] != region[chosen[j]]:
                        where = t.region[self.cands.offer[chosen[j]]]
                        notes[int(j)].append(f"co-location group {group} sits in {where}")
        return dict(zip(pairs, notes, strict=True))

    def _row_text(self, k: int, used: float, extra: float) -> str:
        name, unit, upper = self.coupling.names[k], self.coupling.units[k], self.coupling.upper[k]
        if self.coupling.kinds[k] == "budget":
            return (
                f"it would take the fleet over budget (${used + extra:,.0f} > ${upper:,.0f}/month)"
            )
        if self.coupling.kinds[k] == "spot":
            return f"it would break {name}"
        return (
            f"{name} has {max(upper - used, 0):,.0f} of {upper:,.0f} {unit} free, "
            f"it needs {extra:,.0f}"
        )

    # ---- why ----------------------------------------------------------------------------
    def why(self, i: int, alternatives: list[Alternative]) -> str:
        kept_elsewhere = self._kept_row(i) is not None and int(self.best[i]) != int(self.choice[i])
        best = self.cands.key(int(self.best[i]))
        # The runner-up sentence already says why the best option was ruled out.
        said = (
            bool(alternatives) and alternatives[0].note != "" and _same_place(alternatives[0], best)
        )
        parts = [
            self._headline(i),
            # A kept workload's headline already weighs the objective's best option.
            "" if kept_elsewhere else _runner_up(alternatives),
            self._funnel(i),
            "" if said else self._binding(i),
            self._moved(i),
            self._extras(i),
        ]
        return " ".join(p for p in parts if p)

    def _kept_row(self, i: int) -> int | None:
        """The locked row workload i stayed on, or None (no lock, or it moved)."""
        if self.moves is None or self.moves.stay_rows.get(i) != int(self.choice[i]):
            return None
        return self.moves.stay_rows[i]

    def _headline(self, i: int) -> str:
        """What was chosen and what decided it: the objective, its tie-break, or the lock."""
        c, m = self.cands, self.cands.metrics
        row, best = int(self.choice[i]), int(self.best[i])
        cloud, region, itype, pricing = c.key(row)
        lat = _opt(m.latency_ms[row])
        latency = f", {lat:.0f} ms to its users (modelled)" if lat is not None else ""
        chosen = f"{cloud}:{region} {itype} ({purchase_label(pricing)})"
        figures = (
            f"${m.total_usd[row]:,.0f}/month, {m.carbon_kg[row]:,.0f} kgCO2e/month "
            f"(estimate){latency}"
        )
        options = f"{len(c.rows(i))} options in {int(self._regions[i])} region(s)"
        label = LABELS.get(self.objective, self.objective)
        lead = ""
        if self.objective == "latency" and not c.fleet.workloads[i].users:
            # Every option is 0 ms to nobody: the lexicographic second stage (cost, then
            # carbon, then candidate order) decides.
            label = "cheapest"
            lead = (
                "No users, so no latency to optimise: under the latency objective it is "
                "placed by cost (then carbon, then cloud/region/type order). "
            )
        if self._kept_row(i) is not None:
            return lead + self._kept(i, chosen, figures, label, options)
        if row == best:
            return f"{lead}{chosen} is the {label} of {options}: {figures}."
        return (
            f"{lead}{chosen} is the {label} option the fleet's shared constraints leave it "
            f"({options}): {figures}."
        )

    def _kept(self, i: int, chosen: str, figures: str, label: str, options: str) -> str:
        """A workload the lock held: kept, what the objective would rather have, and why it
        did not move (the same trade the plan diff reports)."""
        assert self.moves is not None
        row, best = int(self.choice[i]), int(self.best[i])
        head = f"Kept in place from the lock: {chosen}, {figures}."
        if best == row:
            return f"{head} It is still the {label} of {options}."
        target = placement(
            self.cands.key(best), nodes_of(self.cands, i, int(self.cands.offer[best]))
        )
        trade = move_trade(self.moves, row, best, objective_unit(self.objective), self.raw)
        if trade.saving <= trade.cost:
            return (
                f"{head} The {label} of its {options}, {target}, would save "
                f"{trade.saving_text}/month — less than moving costs ({trade.cost_text})."
            )
        held = "; ".join(self.blockers(i, best)) or (
            "the fleet's shared constraints (capacity, budget, spot share, co-location) "
            "hold it here"
        )
        return (
            f"{head} The {label} of its {options}, {target}, would save "
            f"{trade.saving_text}/month, more than moving costs ({trade.cost_text}), but "
            f"{held}."
        )

    def _funnel(self, i: int) -> str:
        funnel = self.cands.views[i].funnel
        w = self.cands.fleet.workloads[i]
        offered = funnel[0][1]
        final = funnel[-1][1]
        if final >= offered:
            return ""
        narrowing = []
        before = offered
        for name, left in funnel[1:]:
            if left < before:
                narrowing.append(f"{name} → {left}")
            before = left
        steps = ", ".join(narrowing)
        return f"Constraints left {final} of {offered} regions offering {requirement(w)} ({steps})."

    def _binding(self, i: int) -> str:
        row, best = int(self.choice[i]), int(self.best[i])
        if row == best or (
            self.moves is not None and i in self.moves.stay_rows and self.moves.stay_rows[i] == row
        ):
            return ""
        place = placement(
            self.cands.key(best), nodes_of(self.cands, i, int(self.cands.offer[best]))
        )
        blockers = self.blockers(i, best)
        if blockers:
            return f"Its own best option, {place}, was not used: {'; '.join(blockers)}."
        if self.moves is not None and i in self.moves.stay_rows:
            return (
                f"Its own best option, {place}, went unused: counting what moving there "
                "costs (storage copy, migration, hysteresis band), this placement is better."
            )
        return (
            f"Its own best option, {place}, went unused so the fleet as a whole meets its "
            "shared constraints (capacity, budget, spot share, co-location) at the lowest total."
        )

    def _moved(self, i: int) -> str:
        if self.moves is None or i not in self.moves.stay_rows or self._kept_row(i) is not None:
            return ""
        stay, row = self.moves.stay_rows[i], int(self.choice[i])
        trade = move_trade(self.moves, stay, row, objective_unit(self.objective), self.raw)
        origin = placement(
            self.cands.key(stay), nodes_of(self.cands, i, int(self.cands.offer[stay]))
        )
        return (
            f"Moved from its locked placement {origin}: it saves {trade.saving_text}/month, "
            f"more than moving costs ({trade.cost_text})."
        )

    def _extras(self, i: int) -> str:
        c, m = self.cands, self.chosen
        w = c.fleet.workloads[i]
        row = int(self.choice[i])
        cloud, region, itype, pricing = c.key(row)
        notes: list[str] = []
        if is_commitment(pricing):
            notes.append(self._commitment(i, row, (cloud, region, itype, pricing)))
        if c.spot[row]:
            notes.append(
                f"Spot: billed hours include a {self.spot_overhead.get(cloud, 0.0):.0%} "
                "expected-interruption overhead."
            )
        view = c.views[i]
        if view.deferral is not None:
            notes.append(
                _deferral_text(
                    view.deferral.note, float(m.shift_saving_kg[i]), float(m.carbon_kg[i])
                )
            )
        if m.measured[i]:
            source = m.measured_source.get((i, int(c.offer[row])), "a profile")
            notes.append(f"Energy is measured ({source}).")
        if m.storage_unknown[i]:
            notes.append("A storage price is unknown in this region and left out of the total.")
        if m.data_move_one_off_usd[i] > 0:
            notes.append(
                f"Moving {w.data.size_gb if w.data else 0:,.0f} GB from "
                f"{w.data.location if w.data else '?'} costs "
                f"${m.data_move_one_off_usd[i]:,.0f} once "
                f"(${m.data_move_usd[i]:,.0f}/month amortised)."
            )
        return " ".join(notes)

    def _commitment(self, i: int, row: int, key: tuple[str, str, str, str]) -> str:
        """The chosen commitment's term, billing rule and trade against on-demand."""
        c, m = self.cands, self.cands.metrics
        cloud, pricing = key[0], key[3]
        text = billing_rule(pricing)
        od = c.find(i, (*key[:3], "on_demand"))
        if od is not None:
            delta = float(m.total_usd[row]) - float(m.total_usd[od])
            text += f"; {delta:+,.0f} $/month vs on-demand on the same machines"
        return (
            f"{text}. Deployed as on-demand instances: buy the commitment separately "
            f"({commit_product(cloud)})."
        )


def _same_place(a: Alternative, key: tuple[str, str, str, str]) -> bool:
    return (a.cloud, a.region, a.instance_type, a.pricing) == key


def _runner_up(alternatives: list[Alternative]) -> str:
    if not alternatives:
        return "No other option passed the constraints."
    a = alternatives[0]
    base = a.monthly_usd - a.delta_usd
    pct = f" ({a.delta_usd / base:+.0%})" if base > 0 else ""
    lat = f", {a.delta_latency_ms:+.0f} ms" if a.delta_latency_ms is not None else ""
    blocked = f" — ruled out: {a.note}" if a.note else ""
    billed = f" ({billing_rule(a.pricing)})" if is_commitment(a.pricing) else ""
    return (
        f"Runner-up {a.cloud}:{a.region} {a.instance_type} ({purchase_label(a.pricing)}): "
        f"{a.delta_usd:+,.0f} $/month{pct}, {a.delta_carbon_kg:+,.0f} kgCO2e/month{lat}"
        f"{billed}{blocked}."
    )


def _deferral_text(note: str, saving_kg: float, carbon_kg: float) -> str:
    if saving_kg <= 0:
        return f"Deferrable: {note}."
    share = saving_kg / (saving_kg + carbon_kg) if carbon_kg + saving_kg > 0 else 0.0
    return (
        f"Deferred starts save {saving_kg:,.0f} kgCO2e/month ({share:.0%} of its compute+storage "
        f"carbon; {note})."
    )


def _opt(value: float) -> float | None:
    number = float(value)  # a Python float: NaN test without a numpy ufunc call per figure
    return None if number != number else number


def cost_breakdown(m: Metrics, k: int, fee: float) -> CostBreakdown:
    """The plan's cost breakdown of figure k of `m`, plus a managed-cluster fee share."""
    figures = {
        "compute_usd": float(m.compute_usd[k]),
        "storage_usd": float(m.storage_usd[k]),
        "egress_usd": float(m.data_move_usd[k]),
        "serving_egress_usd": float(m.serving_usd[k]),
        "infrastructure_usd": float(m.infrastructure_usd[k]),
        "cluster_fee_usd": fee,
    }
    return _validate_cost(figures)


def _tags(w: Workload, plan_id: str) -> dict[str, str]:
    return {
        "workload": w.name,
        "owner": w.owner or "unassigned",
        "cost-center": w.cost_center or "unassigned",
        "plan-id": plan_id,
        "managed-by": "cloudwright",
    }


def solution_id(solution: Solution) -> str:
    """The plan id (`plan.content_id`) of a solution, before its Plan exists."""
    c = solution.cands
    return placement_id(placement_of(c, i, row) for i, row in enumerate(solution.choice.tolist()))


def placement_of(c: CandidateSet, i: int, row: int) -> tuple[str, str, str, str, int, str]:
    """(workload, cloud, region, instance type, nodes, pricing) of workload i on `row`: what
    `plan.placement_id` hashes."""
    cloud, region, itype, pricing = c.key(row)
    return (
        c.fleet.workloads[i].name,
        cloud,
        region,
        itype,
        nodes_of(c, i, int(c.offer[row])),
        pricing,
    )
