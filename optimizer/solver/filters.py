"""Which offerings may host a workload: GPU type and count, clouds, pinned instance types,
fabric, residency, regular zones (multi-node fabric clusters and parallel file systems stay
out of AWS Local/Wavelength Zones), a known price, and the latency SLO — in that order.

When a workload has no offering left, `InfeasibleError` names the filter that emptied the
set and what would have passed it ("no allowed region offers H100×8 with a fabric for
workload X; offered in: ..."), before any solver runs.

Invariants: masks depend only on the workload's shape (cached per shape), except the SLO,
which depends on its users; returned offer indexes are ascending (deterministic order).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cloudwright.core.errors import InfeasibleError
from cloudwright.optimizer.fleet.resolve import matches_any
from cloudwright.optimizer.fleet.spec import Fleet, Residency, Workload
from cloudwright.optimizer.models.latency import LatencyModel, Population
from cloudwright.optimizer.solver.offers import OfferTable, RegionTable

MAX_LISTED = 8


@dataclass(frozen=True)
class Feasible:
    offers: np.ndarray  # ascending indexes into the OfferTable
    funnel: tuple[tuple[str, int], ...]  # (filter, regions left after it)
    latency_ms: np.ndarray | None  # per region (RegionTable order); None without users


@dataclass
class FilterCache:
    shapes: dict[tuple[object, ...], tuple[np.ndarray, tuple[tuple[str, int], ...]]] = field(
        default_factory=dict
    )
    latency: dict[tuple[tuple[float, float, float], ...], np.ndarray] = field(default_factory=dict)
    residency: dict[tuple[object, ...], np.ndarray] = field(default_factory=dict)
    # Whole answers by everything they depend on (shape, users, SLO): 10^4 workloads
    # share 10^3 answers. Read-only: the arrays are shared.
    feasible: dict[tuple[object, ...], Feasible] = field(default_factory=dict)


def needs_regular_zones(w: Workload) -> bool:
    """Multi-node fabric clusters and parallel file systems need a region's own availability
    zones: AWS Local and Wavelength Zones offer no FSx for Lustre and no cluster placement
    across the parent region's zones."""
    # Work-sized: the node count differs per offer; with a fabric, assume several nodes.
    several = w.node_count > 1 or w.gpu.h100_equivalents is not None
    multi_node_fabric = w.interconnect == "required" and several
    return multi_node_fabric or w.storage.parallel_fs_tb > 0


def requirement(w: Workload) -> str:
    gpus = "/".join(w.gpu.type)
    fabric = " with a fabric" if w.interconnect == "required" else ""
    if w.gpu.h100_equivalents is not None:
        return f"{gpus} for {w.gpu.h100_equivalents:g} H100-equivalents{fabric}"
    return f"{gpus}×{w.gpu.count}{fabric}"


def feasible_offers(
    table: OfferTable,
    fleet: Fleet,
    w: Workload,
    model: LatencyModel,
    cache: FilterCache,
) -> Feasible:
    key = _shape_key(w)
    full = (key, _users_key(w), w.latency_slo_ms)
    known = cache.feasible.get(full)
    if known is not None:
        return known
    if key not in cache.shapes:
        cache.shapes[key] = _shape_mask(table, fleet, w, cache)
    mask, funnel = cache.shapes[key]
    latency = None
    if w.users:
        latency = _latency(table.regions, w, model, cache)
    if w.latency_slo_ms is not None and latency is not None:
        ok_region = latency <= w.latency_slo_ms + 1e-9
        slo_mask = mask & ok_region[table.region_idx]
        if not slo_mask.any():
            _raise_slo(table, w, mask, latency)
        mask = slo_mask
        funnel = (*funnel, ("latency SLO", _regions(table, mask)))
    found = Feasible(np.flatnonzero(mask), funnel, latency)
    cache.feasible[full] = found
    return found


def _users_key(w: Workload) -> tuple[tuple[float, float, float], ...]:
    return tuple((u.lat, u.lon, u.weight) for u in w.users)


def _gpu_mask(table: OfferTable, w: Workload) -> np.ndarray:
    types = np.isin(table.gpu, w.gpu.type)
    if w.gpu.h100_equivalents is not None:  # sized by work: any whole node of the families
        return types & (table.gpu_count > 0)
    return types & (table.gpu_count == w.gpu.count)


def _shape_key(w: Workload) -> tuple[object, ...]:
    return (
        tuple(w.gpu.type),
        w.gpu.count,
        w.gpu.h100_equivalents,
        tuple(w.clouds or ()),
        tuple(w.instance_types or ()),
        w.interconnect,
        needs_regular_zones(w),
        _rule_key(w.allow),
        _rule_key(w.deny),
        w.spot,
        tuple(w.purchase or ()),
    )


def _rule_key(rule: Residency | None) -> tuple[object, ...]:
    if rule is None:
        return ()
    return (tuple(rule.regions), tuple(rule.countries), tuple(rule.continents))


def _shape_mask(
    table: OfferTable, fleet: Fleet, w: Workload, cache: FilterCache
) -> tuple[np.ndarray, tuple[tuple[str, int], ...]]:
    steps: list[tuple[str, np.ndarray]] = [
        ("GPU type and count", _gpu_mask(table, w)),
        ("clouds", np.isin(table.cloud, w.clouds or [])),
    ]
    if w.instance_types:
        steps.append(("instance_types", np.isin(table.instance_type, w.instance_types)))
    if w.interconnect == "required":
        steps.append(("fabric", table.interconnect != "none"))
    regular = needs_regular_zones(w)
    allowed = _allowed_regions(table.regions, fleet, w, cache)
    steps.append(("residency", allowed[table.region_idx]))
    if regular:
        steps.append(("regular zones", table.regular_zones))
    priced = known_price(table, w)
    steps.append(("known price", priced))
    # Each offering appears once per workload: a workload that needs regular zones sees the
    # regular-zone copies, the others the originals.
    mask = ~table.superseded() if regular else ~table.zone_copy
    funnel: list[tuple[str, int]] = []
    for name, step in steps:
        narrowed = mask & step
        if not narrowed.any():
            _raise_empty(table, w, name, mask, step)
        mask = narrowed
        funnel.append((name, _regions(table, mask)))
    return mask, tuple(funnel)


def known_price(table: OfferTable, w: Workload) -> np.ndarray:
    """Offers with a known price for at least one purchase option the workload allows."""
    allowed = w.purchase or (["on-demand", "spot"] if w.spot else ["on-demand"])
    by_name = {
        "on-demand": table.price_on_demand,
        "spot": table.price_spot,
        "commit-1y": table.price_commit_1y,
        "commit-3y": table.price_commit_3y,
    }
    priced = np.zeros(len(table), dtype=bool)
    for name in allowed:
        priced |= ~np.isnan(by_name[name])
    return priced


def _regions(table: OfferTable, mask: np.ndarray) -> int:
    return len(np.unique(table.region_idx[mask]))


def _allowed_regions(
    regions: RegionTable, fleet: Fleet, w: Workload, cache: FilterCache
) -> np.ndarray:
    key = (_rule_key(fleet.allow), _rule_key(fleet.deny), _rule_key(w.allow), _rule_key(w.deny))
    if key not in cache.residency:
        ok = np.ones(len(regions.keys), dtype=bool)
        for rule in (fleet.allow, w.allow):
            if rule is not None:
                ok &= _matches(regions, rule, every=True)
        for rule in (fleet.deny, w.deny):
            if rule is not None:
                ok &= ~_matches(regions, rule, every=False)
        cache.residency[key] = ok
    return cache.residency[key]


def _matches(regions: RegionTable, rule: Residency, *, every: bool) -> np.ndarray:
    """allow: a region must satisfy every list given; deny: any entry excludes it."""
    n = len(regions.keys)
    parts = []
    if rule.regions:
        parts.append(np.array([matches_any(rule.regions, k) for k in regions.keys], dtype=bool))
    if rule.countries:
        parts.append(np.isin(regions.country, rule.countries))
    if rule.continents:
        parts.append(np.isin(regions.continent, rule.continents))
    if not parts:
        return np.ones(n, dtype=bool) if every else np.zeros(n, dtype=bool)
    out = parts[0].copy()
    for part in parts[1:]:
        out = (out & part) if every else (out | part)
    return out


def _latency(
    regions: RegionTable, w: Workload, model: LatencyModel, cache: FilterCache
) -> np.ndarray:
    key = _users_key(w)
    if key not in cache.latency:
        users = [Population(u.lat, u.lon, u.weight) for u in w.users]
        cache.latency[key] = model.weighted_rtt_ms(users, regions.lat, regions.lon)
    return cache.latency[key]


def _listing(table: OfferTable, mask: np.ndarray) -> str:
    keys = sorted({table.regions.keys[i] for i in table.region_idx[mask]})
    more = f" and {len(keys) - MAX_LISTED} more" if len(keys) > MAX_LISTED else ""
    return ", ".join(keys[:MAX_LISTED]) + more


def _raise_empty(
    table: OfferTable, w: Workload, step: str, before: np.ndarray, this: np.ndarray
) -> None:
    req = requirement(w)
    head = f"workload {w.name}: "
    if step == "GPU type and count":
        counts = sorted({int(c) for c in table.gpu_count[np.isin(table.gpu, w.gpu.type)]})
        hint = (
            f"{'/'.join(w.gpu.type)} is sold with {', '.join(map(str, counts))} GPU(s) per node"
            if counts
            else f"no priced offering of {'/'.join(w.gpu.type)} in the catalog"
        )
        raise InfeasibleError(head + f"no offering has {req} per node", hint=hint)
    if step == "clouds":
        others = sorted(set(table.cloud[before]))
        raise InfeasibleError(
            head + f"{req} is not sold on {', '.join(w.clouds or [])}",
            hint=f"it is sold on: {', '.join(others)}",
        )
    if step == "instance_types":
        sold = sorted(set(table.instance_type[before]))[:MAX_LISTED]
        raise InfeasibleError(
            head + f"none of instance_types {', '.join(w.instance_types or [])} has {req}",
            hint=f"instance types with {req}: {', '.join(sold)}",
        )
    if step == "fabric":
        raise InfeasibleError(
            head + f"no offering of {'/'.join(w.gpu.type)}×{w.gpu.count} on "
            f"{', '.join(w.clouds or [])} has a high-speed fabric (EFA, InfiniBand, GPUDirect)",
            hint="accept another GPU type or count, or drop `interconnect: required`",
        )
    if step == "regular zones":
        why = "a multi-node fabric cluster" if w.interconnect == "required" else ""
        if w.storage.parallel_fs_tb > 0:
            why = f"{why} with a parallel file system" if why else "a parallel file system"
        raise InfeasibleError(
            head + f"{req} is sold on {', '.join(w.clouds or [])} only in AWS Local or "
            f"Wavelength Zones, which {why} cannot use (no FSx for Lustre, no cluster "
            "placement across the region's zones)",
            hint=f"offered there in: {_listing(table, before)}",
        )
    if step == "residency":
        raise InfeasibleError(
            head + f"no allowed region offers {req}",
            hint=f"{req} is offered in: {_listing(table, before)}; "
            "widen the workload's or the fleet's allow/deny rules",
        )
    allowed = w.purchase or ["on-demand"]
    if not {"on-demand", "spot"} & set(allowed):
        raise InfeasibleError(
            head + f"no commitment price ({', '.join(allowed)}) in the catalog for {req} in "
            f"the allowed regions ({_listing(table, before)})",
            hint="allow on-demand (or spot) in `purchase:`, or another GPU/region with a "
            "commitment price (GCP CUD, AWS RI)",
        )
    raise InfeasibleError(
        head + f"no known price for {req} in the allowed regions ({_listing(table, before)})",
        hint="the catalog lists these offerings without a price; refresh the catalog",
    )


def _raise_slo(table: OfferTable, w: Workload, mask: np.ndarray, latency: np.ndarray) -> None:
    regions = np.unique(table.region_idx[mask])
    best = regions[np.argmin(latency[regions])]
    raise InfeasibleError(
        f"workload {w.name}: no allowed region offering {requirement(w)} meets its "
        f"{w.latency_slo_ms:g} ms latency SLO",
        hint=f"the closest is {table.regions.keys[best]} at {latency[best]:.0f} ms "
        "(weighted RTT from its users, modelled)",
    )
