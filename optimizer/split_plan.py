"""A split workload's parts, merged back into one assignment per region it is served from.

The solver places a split workload as one part per user population (fleet/split.py); the
parts that land on the same deployment (solver/splits.py: one per region) become one
assignment named after the workload, with `replicas` (the region's share), `serves` (each
population it serves with its modelled RTT) and figures computed afresh for the whole
deployment: the parent workload with the region's replicas, populations and serving egress,
its once-per-region storage, data copy and NAT/address/key included (what `cost` will price
for the same assignment), so nothing is summed from per-part approximations.

Invariants: deployments are listed per workload in region order of first appearance (the
parts' population order); the figures of every other workload are untouched.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.cluster_fees import FeeShare
from cloudwright.optimizer.explain import Explainer, Solution, cost_breakdown
from cloudwright.optimizer.fleet.spec import GpuRequest, UserPopulation, Workload
from cloudwright.optimizer.plan import Assignment, Served
from cloudwright.optimizer.solver.candidates import CandidateSet
from cloudwright.optimizer.solver.metrics import Metrics, compute_metrics
from cloudwright.optimizer.solver.work import nodes_of


@dataclass(frozen=True)
class Deployment:
    parent: Workload
    row: int  # the candidate row of its first part (the deployment's offer and pricing)
    parts: list[int]  # workload indexes of the parts it serves, population order
    nodes: int


class SplitMerge:
    """Which parts merge into which region's assignment, and every region's figures."""

    def __init__(self, solution: Solution, catalog: Catalog) -> None:
        cands, splits = solution.cands, solution.coupling.splits
        assert splits is not None
        self.cands = cands
        self.part_of: dict[int, int] = {}  # part → its group
        self.first: dict[int, int] = {}  # a group's first part → the group
        self.deployments: list[list[Deployment]] = []
        for g, parts in enumerate(splits.parts):
            members = [int(i) for i in parts]
            by_dep: dict[int, Deployment] = {}
            for i in members:
                row = int(solution.choice[i])
                d = int(splits.row_dep[row])
                nodes = nodes_of(cands, i, int(cands.offer[row]))
                if d in by_dep:
                    old = by_dep[d]
                    by_dep[d] = Deployment(old.parent, old.row, [*old.parts, i], old.nodes + nodes)
                else:
                    parent = cands.fleet.workloads[i].split
                    assert parent is not None
                    by_dep[d] = Deployment(parent.parent, row, [i], nodes)
                self.part_of[i] = g
            self.first[members[0]] = g
            self.deployments.append(list(by_dep.values()))
        self.fixed_usd = [
            float(splits.fixed_usd[splits.opened(solution.choice[parts])].sum())
            for parts in splits.parts
        ]
        self.max_regions = splits.max_regions
        flat = [d for group in self.deployments for d in group]
        self.metrics = _deployment_metrics(catalog, cands, flat)
        self._index = {id(d): k for k, d in enumerate(flat)}
        self._single = [_single_region_exists(cands, [int(i) for i in p]) for p in splits.parts]

    def is_part(self, i: int) -> bool:
        return i in self.part_of

    def totals_delta(self, solution: Solution) -> tuple[float, float, float]:
        """(Δ$, ΔkWh, ΔkgCO2e) per month of the merged assignments over their parts' rows."""
        parts = np.array(sorted(self.part_of), dtype=np.int64)
        rows = solution.choice[parts]
        m = self.cands.metrics
        chosen = solution.chosen
        usd = float(self.metrics.total_usd.sum()) - float(m.total_usd[rows].sum())
        kwh = float(self.metrics.energy_kwh.sum()) - float(chosen.energy_kwh[parts].sum())
        kg = float(self.metrics.carbon_kg.sum()) - float(m.carbon_kg[rows].sum())
        return usd, kwh, kg

    def placements(self, i: int) -> Iterator[tuple[str, str, str, str, int, str]]:
        """(workload, cloud, region, instance type, nodes, pricing) of group-first part i's
        assignments (`plan.placement_id` order)."""
        for d in self.deployments[self.first[i]]:
            cloud, region, itype, pricing = self.cands.key(d.row)
            yield (d.parent.name, cloud, region, itype, d.nodes, pricing)

    def assignments(self, i: int, explainer: Explainer) -> Iterator[Assignment]:
        """The region assignments of the group whose first part is i."""
        g = self.first[i]
        group = self.deployments[g]
        m = self.cands.metrics
        for d in group:
            k = self._index[id(d)]
            base = explainer.assignment(d.parts[0])
            fees = explainer.fees or []
            fee = sum((share.usd_month or 0.0) for p in d.parts if (share := _fee(fees, p)))
            serves = [
                Served(
                    name=_population(self.cands.fleet.workloads[p]),
                    latency_ms=float(m.latency_ms[int(explainer.choice[p])]),
                )
                for p in d.parts
            ]
            f = self.metrics
            w = d.parent
            yield base.model_copy(
                update={
                    "workload": w.name,
                    "nodes": d.nodes,
                    "replicas": d.nodes,
                    "serves": serves,
                    "hourly_usd": float(f.hourly_usd[k]),
                    "monthly_usd": float(f.total_usd[k]) + fee,
                    "cost": cost_breakdown(f, k, fee),
                    "hours_per_month": float(f.hours[k]),
                    "energy_kwh_month": float(f.energy_kwh[k]),
                    "carbon_kg_month": float(f.carbon_kg[k]),
                    "energy_basis": "measured" if f.measured[k] else "modelled",
                    "latency_ms": _opt(float(f.latency_ms[k])),
                    "storage": base.storage.model_copy(
                        update={
                            "object_tb": w.storage.object_tb,
                            "parallel_fs_tb": w.storage.parallel_fs_tb,
                            "parallel_fs_throughput_mb_s_per_tib": (
                                w.storage.parallel_fs_throughput_mb_s_per_tib
                            ),
                        }
                    ),
                    "egress_gb_month": float(_egress(self.cands, d.parts)),
                    "alternatives": [],
                    "why": self._why(g, d, serves),
                    "tags": {**base.tags, "workload": w.name},
                    "work": None,
                }
            )

    def _why(self, g: int, d: Deployment, serves: list[Served]) -> str:
        group = self.deployments[g]
        w = d.parent
        slo = f" within its {w.latency_slo_ms:g} ms SLO" if w.latency_slo_ms is not None else ""
        mine = ", ".join(f"{s.name} ({s.latency_ms:.0f} ms)" for s in serves)
        others = "; ".join(
            f"{self.cands.key(o.row)[0]}:{self.cands.key(o.row)[1]} serves "
            + ", ".join(_population(self.cands.fleet.workloads[p]) for p in o.parts)
            for o in group
            if o is not d
        )
        n = len(group)
        head = (
            f"Served from {n} region{'s' if n != 1 else ''} (placement.max_regions "
            f"{self.max_regions[g]}), each user population routed to a region{slo}: "
            f"this one serves {mine}"
        )
        if others:
            head += f"; {others}"
        single = (
            "one region could meet every population's SLO, but the split is cheaper on the "
            "objective"
            if self._single[g] and n > 1
            else "no single region meets every population's SLO"
            if n > 1
            else "one region serves every population"
        )
        fixed = (
            f"Each region adds its own storage copy, data copy and cluster network "
            f"(${self.fixed_usd[g]:,.2f}/month over the {n} regions, in these figures)."
        )
        return (
            f"{head}. {single[0].upper()}{single[1:]}. {fixed} Replicas follow each "
            "population's weight (at least one where a population is served)."
        )


def _fee(fees: list[FeeShare | None], i: int) -> FeeShare | None:
    return fees[i] if i < len(fees) else None


def _population(w: Workload) -> str:
    return w.split.population if w.split is not None else w.name


def _egress(cands: CandidateSet, parts: list[int]) -> float:
    return sum(float(cands.fleet.workloads[p].egress_gb_month) for p in parts)


def _opt(value: float) -> float | None:
    return None if value != value else value


def _single_region_exists(cands: CandidateSet, parts: list[int]) -> bool:
    """Whether some region is within the SLO for every population (from the parts' rows)."""
    common: set[int] | None = None
    for i in parts:
        regions = set(cands.table.region_idx[cands.offer[cands.rows(i)]].tolist())
        common = regions if common is None else common & regions
    return bool(common)


def _deployment_metrics(catalog: Catalog, cands: CandidateSet, deps: list[Deployment]) -> Metrics:
    """Every figure of each deployment as its own workload: the parent with the region's
    replicas, populations and serving egress (see the module docstring)."""
    fleet = cands.fleet
    workloads = []
    for d in deps:
        users: list[UserPopulation] = [
            next(u for u in d.parent.users if u.name == _population(fleet.workloads[p]))
            for p in d.parts
        ]
        update: dict[str, object] = {
            "users": users,
            "replicas": d.nodes,
            "nodes": d.nodes,
            "egress_gb_month": _egress(cands, d.parts),
        }
        if d.parent.gpu.h100_equivalents is not None:  # the parts' whole nodes, as placed
            update["gpu"] = GpuRequest.model_construct(
                type=d.parent.gpu.type, count=d.parent.gpu.count, h100_equivalents=None
            )
        workloads.append(d.parent.model_copy(update=update))
    tiny = fleet.model_copy(update={"workloads": workloads})
    rows = np.array([d.row for d in deps], dtype=np.int64)
    wl = np.arange(len(deps), dtype=np.int64)
    return compute_metrics(
        catalog, cands.table, tiny, (wl, cands.offer[rows], cands.purchase[rows]), {}, None
    )
