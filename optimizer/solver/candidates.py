"""Candidates: every (workload, offering, pricing) the solver may choose, with its metrics.

Workloads with the same shape (GPU types and count, clouds, pins, fabric, regular-zone need,
residency, spot, users and SLO) share one feasible offer set, so filtering runs once per shape and candidate
rows are expanded with numpy (repeat/tile) rather than per workload.

Exact pruning (never changes any optimum, whatever the objective or constraints): within
one region and GPU type, an offering that is no cheaper and draws no less power at every
utilisation than another is dropped — both use the same GPUs from the same capacity pool,
the same region (latency, residency, co-location, data gravity) and the same pricing, so
the survivor is at least as good on cost, carbon and latency and uses the same resources.
Workloads with a measured profile, and a locked assignment, are never pruned this way.

Doubtful prices: offerings whose catalog price carries a doubt flag (outlier against peer
regions, spot within a few % of on-demand, a price missing a part) are set aside when the
fleet says `doubtful_prices: avoid` (the default) and a trusted option exists — a plan must
not chase a price that is probably a data error. `allow` keeps them.

Purchase options: each row carries a purchase code (optimizer/purchase.py: on-demand, spot,
commit-1y, commit-3y). Spot rows exist only for workloads that allow spot, commitment rows
only for workloads that allow that term and offers with a known commitment price (NaN: none).

Invariants: rows are sorted by (workload, offering, purchase code); every workload has at
least one row (else the filters raised `InfeasibleError`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.fleet.spec import Fleet, Workload
from cloudwright.optimizer.models.energy import ProfileSource
from cloudwright.optimizer.models.latency import LatencyModel
from cloudwright.optimizer.models.throughput import WorkSizing
from cloudwright.optimizer.plan import MAX_NODES
from cloudwright.optimizer.purchase import CODE, PRICING, SPOT, Pricing
from cloudwright.optimizer.solver.deferral import DeferralPlan, deferral_plans
from cloudwright.optimizer.solver.filters import (
    Feasible,
    FilterCache,
    feasible_offers,
    needs_regular_zones,
)
from cloudwright.optimizer.solver.metrics import CandidateMetrics
from cloudwright.optimizer.solver.offers import OfferTable

PlacementKey = tuple[str, str, str, Pricing]  # cloud, region, instance type, pricing


@dataclass(frozen=True)
class WorkloadView:
    funnel: tuple[tuple[str, int], ...]  # (filter, regions left after it)
    deferral: DeferralPlan | None
    profiled: bool


@dataclass(frozen=True)
class CandidateSet:
    fleet: Fleet
    table: OfferTable
    wl: np.ndarray
    offer: np.ndarray
    purchase: np.ndarray  # int8 purchase code per row (optimizer/purchase.py)
    start: np.ndarray  # rows of workload i: start[i]:start[i + 1]
    metrics: CandidateMetrics
    views: list[WorkloadView]
    sizing: WorkSizing | None = None  # work-sized workloads' ratios (models/throughput.py)

    def __len__(self) -> int:
        return len(self.wl)

    def rows(self, i: int) -> range:
        return range(int(self.start[i]), int(self.start[i + 1]))

    @cached_property
    def spot(self) -> np.ndarray:
        """True on spot rows (the spot-share rules count these only)."""
        return np.asarray(self.purchase == SPOT)

    def key(self, row: int) -> PlacementKey:
        o = int(self.offer[row])
        cloud, region, itype = self._names
        return (cloud[o], region[o], itype[o], PRICING[int(self.purchase[row])])

    @cached_property
    def _names(self) -> tuple[list[str], list[str], list[str]]:
        """The offer table's names as Python lists: `key` runs ~10^5 times per plan."""
        t = self.table
        cloud, region, itype = ([str(x) for x in c] for c in (t.cloud, t.region, t.instance_type))
        return cloud, region, itype

    def find(self, i: int, key: PlacementKey) -> int | None:
        for row in self.rows(i):
            if self.key(row) == key:
                return row
        return None


def build_candidates(
    fleet: Fleet,
    catalog: Catalog,
    table: OfferTable,
    *,
    profiles: ProfileSource | None = None,
    keep: dict[int, PlacementKey] | None = None,
) -> CandidateSet:
    """All candidates of the (resolved) fleet, exact-pruned, with metrics."""
    model = LatencyModel.from_catalog(catalog)
    cache = FilterCache()
    groups: dict[tuple[object, ...], list[int]] = {}
    feasible: dict[tuple[object, ...], Feasible] = {}
    group_of: list[tuple[object, ...]] = []
    # The group key holds everything the filters read: one key per workload serves both
    # (10^5 workloads, ~10^3 distinct keys).
    shapes = [_group_key(w, False, i) for i, w in enumerate(fleet.workloads)]
    by_shape: dict[tuple[object, ...], Feasible] = {}
    offers = []
    for shape, w in zip(shapes, fleet.workloads, strict=True):
        found = by_shape.get(shape)
        if found is None:
            found = by_shape[shape] = feasible_offers(table, fleet, w, model, cache)
        offers.append(found)
    profiled = _profiled(fleet, catalog, table, offers, profiles)
    # Never pruned: profiled workloads, and work-sized ones (their node count differs per
    # offer, so a cheaper node is not a cheaper placement).
    unpruned = profiled | {
        i for i, w in enumerate(fleet.workloads) if w.gpu.h100_equivalents is not None
    }
    for i in range(len(fleet.workloads)):
        key = (*shapes[i], i) if i in unpruned else shapes[i]
        if key not in groups:
            groups[key] = []
            feasible[key] = offers[i]
        groups[key].append(i)
        group_of.append(key)
    choices: dict[tuple[object, ...], tuple[np.ndarray, np.ndarray]] = {}
    if keep:
        wl, offer, buy = _rows_with_kept(table, fleet, feasible, groups, unpruned, keep, choices)
    else:
        wl, offer, buy = _rows(table, fleet, feasible, groups, group_of, unpruned, choices)
    work_sized = any(w.gpu.h100_equivalents is not None for w in fleet.workloads)
    sizing = WorkSizing.of(catalog, fleet.workloads) if work_sized else None
    if sizing is not None:  # offers that would need more nodes than a plan may hold
        wl, offer, buy = sizing.drop_oversized(fleet.workloads, table, (wl, offer, buy), MAX_NODES)
    deferrals = deferral_plans(fleet, catalog, table.regions)
    metrics = CandidateMetrics(
        catalog, table, fleet, (wl, offer, buy), deferrals, profiles if profiled else None
    )
    by_group = {k: feasible[k].funnel for k in groups}
    views = [
        WorkloadView(by_group[k], deferrals.get(i), i in profiled) for i, k in enumerate(group_of)
    ]
    start = np.searchsorted(wl, np.arange(len(fleet.workloads) + 1))
    return CandidateSet(fleet, table, wl, offer, buy, start, metrics, views, sizing)


def _group_key(w: Workload, profiled: bool, index: int) -> tuple[object, ...]:
    users = tuple((u.lat, u.lon, u.weight) for u in w.users)
    rules = tuple(
        (tuple(r.regions), tuple(r.countries), tuple(r.continents)) if r else ()
        for r in (w.allow, w.deny)
    )
    shape = (
        tuple(w.gpu.type),
        w.gpu.count,
        w.gpu.h100_equivalents,
        tuple(w.clouds or ()),
        tuple(w.instance_types or ()),
        w.interconnect,
        needs_regular_zones(w),  # multi-node fabric / parallel FS: no Local/Wavelength zones
        rules,
        w.spot,
        tuple(w.purchase or ()),
        users,
        w.latency_slo_ms,
    )
    # A profiled workload gets its own group: its rows are never pruned.
    return (*shape, index) if profiled else shape


def _profiled(
    fleet: Fleet,
    catalog: Catalog,
    table: OfferTable,
    offers: list[Feasible],
    profiles: ProfileSource | None,
) -> set[int]:
    """Workloads the profile source has a measurement for (asked with one feasible shape)."""
    if profiles is None:
        return set()
    out = set()
    for i, w in enumerate(fleet.workloads):
        o = int(offers[i].offers[0])
        spec = catalog.instance(str(table.cloud[o]), str(table.instance_type[o]))
        if profiles.measured_power(catalog, w.name, spec, w.utilization or 0.0) is not None:
            out.add(i)
    return out


Part = tuple[np.ndarray, np.ndarray, np.ndarray]


def _rows(
    table: OfferTable,
    fleet: Fleet,
    feasible: dict[tuple[object, ...], Feasible],
    groups: dict[tuple[object, ...], list[int]],
    group_of: list[tuple[object, ...]],
    profiled: set[int],
    choices: dict[tuple[object, ...], tuple[np.ndarray, np.ndarray]],
) -> Part:
    """Every workload's rows, laid out in (workload, offer, purchase) order directly: each
    group's choice is sorted once and copied per member (no sort over 10^6–10^7 rows)."""
    keys = list(groups)
    chosen_parts, flag_parts = [], []
    for k in keys:
        chosen, flags = _choice(table, fleet, feasible[k], groups[k], profiled, choices)
        order = np.lexsort((flags, chosen))
        chosen_parts.append(chosen[order])
        flag_parts.append(flags[order])
    # Each workload's rows are its group's, gathered from the groups laid end to end: one
    # gather over 10^6–10^7 rows, not 10^5 small arrays concatenated.
    lengths = np.array([len(c) for c in chosen_parts], dtype=np.int64)
    offsets = np.cumsum(lengths) - lengths
    number = {k: n for n, k in enumerate(keys)}
    group = np.fromiter((number[k] for k in group_of), dtype=np.int64, count=len(group_of))
    counts = lengths[group]
    wl = np.repeat(np.arange(len(group_of), dtype=np.int64), counts)
    first = np.cumsum(counts) - counts  # each workload's first row
    at = np.arange(len(wl), dtype=np.int64) - np.repeat(first - offsets[group], counts)
    offer = _joined(chosen_parts, np.int64)[at]
    buy = _joined(flag_parts, np.int8)[at]
    return wl, offer, buy


def _joined(parts: list[np.ndarray], dtype: np.dtype | type) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)


def _choice(
    table: OfferTable,
    fleet: Fleet,
    feasible: Feasible,
    members: list[int],
    profiled: set[int],
    choices: dict[tuple[object, ...], tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:
    """The group's chosen (offer, purchase code) pairs. Groups that differ only in what the
    choice does not depend on (users without an SLO, say) share it."""
    allowed = allowed_codes(fleet.workloads[members[0]])
    prune = not (set(members) & profiled)
    key = (feasible.offers.tobytes(), allowed, prune)
    if key not in choices:
        choices[key] = _choose(table, fleet, feasible.offers, allowed, prune)
    return choices[key]


def _rows_with_kept(
    table: OfferTable,
    fleet: Fleet,
    feasible: dict[tuple[object, ...], Feasible],
    groups: dict[tuple[object, ...], list[int]],
    profiled: set[int],
    keep: dict[int, PlacementKey],
    choices: dict[tuple[object, ...], tuple[np.ndarray, np.ndarray]],
) -> Part:
    """As `_rows`, plus the locked placements that pruning dropped."""
    parts = [
        _expand(table, fleet, feasible[k], members, not (set(members) & profiled), choices)
        for k, members in groups.items()
    ]
    parts.extend(_kept_rows(table, fleet, feasible, groups, keep))
    wl = np.concatenate([p[0] for p in parts])
    offer = np.concatenate([p[1] for p in parts])
    buy = np.concatenate([p[2] for p in parts])
    order = np.lexsort((buy, offer, wl))
    wl, offer, buy = wl[order], offer[order], buy[order]
    # A kept row may duplicate an expanded one: drop exact repeats.
    fresh = np.ones(len(wl), dtype=bool)
    fresh[1:] = (wl[1:] != wl[:-1]) | (offer[1:] != offer[:-1]) | (buy[1:] != buy[:-1])
    return wl[fresh], offer[fresh], buy[fresh]


def _expand(
    table: OfferTable,
    fleet: Fleet,
    feasible: Feasible,
    members: list[int],
    prune: bool,
    choices: dict[tuple[object, ...], tuple[np.ndarray, np.ndarray]],
) -> Part:
    """The group's rows: its chosen (offer, purchase code) pairs for each member."""
    chosen, flags = _choice(
        table, fleet, feasible, members, set() if prune else set(members), choices
    )
    m = np.asarray(members, dtype=np.int64)
    return (
        np.repeat(m, len(chosen)),
        np.tile(chosen, len(m)),
        np.tile(flags, len(m)),
    )


def allowed_codes(w: Workload) -> tuple[int, ...]:
    """The workload's allowed purchase codes (an unresolved workload: on-demand [+ spot])."""
    names = w.purchase or (["on-demand", "spot"] if w.spot else ["on-demand"])
    return tuple(sorted({CODE[n] for n in names}))


def price_by_code(table: OfferTable) -> tuple[np.ndarray, ...]:
    """The offer table's $/h array for each purchase code (purchase.PRICING order)."""
    return (table.price_on_demand, table.price_spot, table.price_commit_1y, table.price_commit_3y)


def _choose(
    table: OfferTable, fleet: Fleet, offers: np.ndarray, allowed: tuple[int, ...], prune: bool
) -> tuple[np.ndarray, np.ndarray]:
    prices = price_by_code(table)
    parts = {c: offers[~np.isnan(prices[c][offers])] for c in allowed}
    if fleet.doubtful_prices == "avoid":
        on_demand = parts.get(0)
        if on_demand is not None:
            parts[0] = _trusted(on_demand, table.on_demand_doubtful, keep_if_empty=True)
        if SPOT in parts:
            # Spot is optional when another option exists: drop doubtful spot prices outright.
            others = sum(len(v) for c, v in parts.items() if c != SPOT)
            parts[SPOT] = _trusted(parts[SPOT], table.spot_doubtful, keep_if_empty=others == 0)
    if prune:
        parts = {c: undominated(table, v, prices[c]) for c, v in parts.items()}
    chosen = np.concatenate([parts[c] for c in allowed]).astype(np.int64, copy=False)
    codes = np.concatenate([np.full(len(parts[c]), c, dtype=np.int8) for c in allowed])
    return chosen, codes


def _trusted(offers: np.ndarray, doubtful: np.ndarray, *, keep_if_empty: bool) -> np.ndarray:
    """Offers whose price the catalog does not flag as doubtful (all of them if none is
    trusted and `keep_if_empty`: a doubtful price beats no option; the plan notes it)."""
    trusted = offers[~doubtful[offers]]
    if len(trusted) or not keep_if_empty:
        return trusted
    return offers


def _kept_rows(
    table: OfferTable,
    fleet: Fleet,
    feasible: dict[tuple[object, ...], Feasible],
    groups: dict[tuple[object, ...], list[int]],
    keep: dict[int, PlacementKey],
) -> list[Part]:
    """Rows for locked placements that pruning dropped (still feasible ones only)."""
    if not keep:
        return []
    index = {
        (str(c), str(r), str(t)): o
        for o, (c, r, t) in enumerate(
            zip(table.cloud, table.region, table.instance_type, strict=True)
        )
    }
    key_of = {i: k for k, members in groups.items() for i in members}
    parts: list[Part] = []
    prices = price_by_code(table)
    for i, (cloud, region, itype, pricing) in sorted(keep.items()):
        o = index.get((cloud, region, itype))
        if o is None or o not in set(feasible[key_of[i]].offers.tolist()):
            continue
        code = CODE[pricing]
        if np.isnan(prices[code][o]) or code not in allowed_codes(fleet.workloads[i]):
            continue
        parts.append((np.array([i]), np.array([o]), np.array([code], dtype=np.int8)))
    return parts


def undominated(table: OfferTable, offers: np.ndarray, price: np.ndarray) -> np.ndarray:
    """Offers not dominated within their (region, GPU type): see the module docstring."""
    if len(offers) < 2:
        return offers
    _, gpu_code = np.unique(table.gpu[offers].astype(str), return_inverse=True)
    region = table.region_idx[offers]
    p, idle, slope = price[offers], table.idle_w[offers], table.slope_w[offers]
    order = np.lexsort((offers, slope, idle, p, gpu_code, region))
    o_s, g_s, r_s = offers[order], gpu_code[order], region[order]
    idle_s, slope_s = idle[order], slope[order]
    n = len(o_s)
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = (g_s[1:] != g_s[:-1]) | (r_s[1:] != r_s[:-1])
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(n), 0))
    position = np.arange(n) - group_start  # earlier members of the same group
    total = int(position.sum())
    if total == 0:
        return np.sort(o_s)
    later = np.repeat(np.arange(n), position)
    first = np.cumsum(position) - position
    earlier = group_start[later] + (np.arange(total) - first[later])
    beaten = (idle_s[earlier] <= idle_s[later]) & (slope_s[earlier] <= slope_s[later])
    dominated = np.bincount(later, weights=beaten, minlength=n) > 0
    return np.sort(o_s[~dominated])
