"""Monthly cost, energy, carbon and latency of every candidate (workload × offering × pricing).

All figures are per month and vectorised over candidates. For candidate (w, o, pricing):

  hours      = w.hours_per_month × (1 + spot_interruption_overhead[cloud] if spot)
  compute $  = price(o, pricing) × w.nodes × hours; a commitment (commit-1y/3y) bills every
               hour of its term: commit price × w.nodes × 730 h, whatever the hours run
  node W     = measured W (profile) or idle_w(o) + utilisation × slope_w(o)     (energy.py)
  compute kWh= node W × nodes × hours ÷ 1000 × PUE(region)
  carbon kg  = compute kWh × intensity(region) ÷ 1000 × (1 − time-shift saving fraction)
             + storage kWh × intensity ÷ 1000 + data-move network kWh × source intensity
               ÷ amortisation months (+ embodied per GPU-month when the fleet asks for it)
  storage $  = object TB × object $/TB-month + parallel-FS TB × FS $/TB-month (unknown → left
               out, flagged)
  data move $= data.size_gb priced across the catalog's egress tiers from data.location to
               the region (exact pair rows first: `Catalog.egress_table`), once,
               ÷ fleet.data_amortization_months (0 in data.location's own region)
  serving $  = egress_gb_month priced across the region's internet egress tiers
  infra $    = boot disks per node + NAT gateway/address/key per workload, as the stack
               creates them for a VM cluster (models/infrastructure.py)
  total $    = compute + storage + data move + serving + infra

Energy and carbon are estimates (Cloud Carbon Footprint's method plus GPU board power).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from cloudwright.core.forked import default_workers, run_ranges, shared_buffer
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.catalog.egress import EgressLadder, Tiers
from cloudwright.optimizer.fleet.spec import Fleet
from cloudwright.optimizer.models.energy import ProfileSource, network_energy_kwh
from cloudwright.optimizer.models.infrastructure import InfrastructurePricer
from cloudwright.optimizer.models.storage import StoragePricer
from cloudwright.optimizer.models.throughput import WorkSizing
from cloudwright.optimizer.purchase import COMMIT_1Y, COMMIT_3Y, COMMIT_BILLED_HOURS, SPOT
from cloudwright.optimizer.solver.deferral import DeferralPlan
from cloudwright.optimizer.solver.offers import OfferTable
from cloudwright.optimizer.solver.user_latency import LatencyTable, candidate_latency, latency_table


@dataclass(frozen=True)
class Metrics:
    hours: np.ndarray
    hourly_usd: np.ndarray
    compute_usd: np.ndarray
    storage_usd: np.ndarray
    data_move_usd: np.ndarray  # amortised per month
    data_move_one_off_usd: np.ndarray
    serving_usd: np.ndarray
    infrastructure_usd: np.ndarray  # boot disks, NAT, addresses, keys (VM clusters)
    total_usd: np.ndarray
    energy_kwh: np.ndarray
    carbon_kg: np.ndarray
    shift_saving_kg: np.ndarray  # node power and embodied carbon: only in energy/carbon
    latency_ms: np.ndarray  # NaN where the workload has no users
    gpus: np.ndarray
    storage_unknown: np.ndarray  # bool: a storage price the catalog does not know
    measured: np.ndarray  # bool: node power from a profile
    measured_source: dict[tuple[int, int], str]  # (workload, offer) → profile source


_ARRAYS = (
    "hours",
    "hourly_usd",
    "compute_usd",
    "storage_usd",
    "data_move_usd",
    "data_move_one_off_usd",
    "serving_usd",
    "infrastructure_usd",
    "total_usd",
    "energy_kwh",
    "carbon_kg",
    "shift_saving_kg",
    "latency_ms",
    "gpus",
    "storage_unknown",
    "measured",
)


@dataclass(frozen=True)
class _Rows:
    wl: np.ndarray
    offer: np.ndarray
    purchase: np.ndarray  # purchase code per row (optimizer/purchase.py)
    region: np.ndarray
    start: np.ndarray  # rows of workload i are start[i]:start[i + 1] (rows sorted by workload)


CHUNK_ROWS = 1 << 18  # candidates per pass: bounds the temporaries at 10^7 candidates
PARALLEL_MIN_ROWS = 2 * CHUNK_ROWS  # fewer candidates: one process (a fork costs ~10-50 ms)


class _PerWorkload:
    """The fleet's per-workload figures as arrays, read once for every chunk of rows."""

    def __init__(self, fleet: Fleet) -> None:
        ws = fleet.workloads
        self.nodes = np.array([w.node_count for w in ws], dtype=float)
        # Parts of a workload served from several regions (fleet/split.py) carry none of the
        # once-per-region costs: the solver weighs those per region (solver/splits.py).
        self.per_region = np.array([w.split is None for w in ws], dtype=bool)
        self.vm = np.array([w.platform != "kubernetes" for w in ws], dtype=bool)
        # Infrastructure per (offer, has storage): $ per node, fixed $, kWh per node; NaN
        # until a row asks (filled per distinct offer, not per row: `_infrastructure`).
        self.infra: np.ndarray | None = None
        # Work-sized workloads (gpu.h100_equivalents) need a node count per offer.
        self.work_sized = any(w.gpu.h100_equivalents is not None for w in ws)
        self.sizing: WorkSizing | None = None
        self.util = np.array([w.utilization or 0.0 for w in ws], dtype=float)
        self.hours = np.array([w.hours_per_month or 0.0 for w in ws])
        self.object_tb = np.array([w.storage.object_tb for w in ws])
        self.fs_tb = np.array([w.storage.parallel_fs_tb for w in ws])
        self.tiers = np.array([w.storage.parallel_fs_throughput_mb_s_per_tib for w in ws])
        self.egress_gb = np.array([w.egress_gb_month for w in ws])
        self.data_gb = np.array([w.data.size_gb if w.data else 0.0 for w in ws])
        sources: dict[str, list[int]] = {}
        for i, w in enumerate(ws):
            if w.data is not None and w.data.size_gb > 0:
                sources.setdefault(w.data.location, []).append(i)
        self.locations = sorted(sources)
        self.location_code = np.full(len(ws), -1, dtype=np.int64)
        for k, location in enumerate(self.locations):
            self.location_code[sources[location]] = k


def row_nodes(
    catalog: Catalog,
    table: OfferTable,
    fleet: Fleet,
    per: _PerWorkload,
    wl: np.ndarray,
    offer: np.ndarray,
) -> np.ndarray:
    """Nodes of each candidate row: the workload's, or for a work-sized workload the whole
    nodes its offer's family needs (optimizer/models/throughput.py)."""
    fixed = per.nodes[wl]
    if not per.work_sized:
        return fixed
    if per.sizing is None:
        per.sizing = WorkSizing.of(catalog, fleet.workloads)
    return per.sizing.nodes(wl, table.gpu[offer], table.gpu_count[offer], fixed)


class CandidateMetrics:
    """What the solver weighs, kept for every candidate (total $, carbon, latency; GPUs on
    demand);
    every other figure is computed for the rows that need it (`at`: the chosen ones, a few
    more), from the same inputs and so to the same values. At 10^7 candidates the other
    eleven arrays would be ~0.4 GB that nothing reads but a few rows of."""

    def __init__(
        self,
        catalog: Catalog,
        table: OfferTable,
        fleet: Fleet,
        rows: tuple[np.ndarray, np.ndarray, np.ndarray],
        deferrals: dict[int, DeferralPlan],
        profiles: ProfileSource | None,
    ) -> None:
        self._inputs = (catalog, table, fleet, rows, deferrals, profiles)
        # Read once: at 10^5 workloads each read of the fleet takes ~0.1 s.
        self._per = _PerWorkload(fleet)
        self._latency = latency_table(catalog, table, fleet)
        full = _compute_chunked(
            catalog,
            table,
            fleet,
            rows,
            deferrals,
            profiles,
            FULL,
            (self._per, self._latency),
            workers=default_workers(len(rows[0]), PARALLEL_MIN_ROWS),
        )
        self.total_usd, self.carbon_kg = full["total_usd"], full["carbon_kg"]
        self.latency_ms = full["latency_ms"]

    @property
    def gpus(self) -> np.ndarray:
        """GPUs each candidate takes (computed when asked: only the coupling rows read it)."""
        catalog, table, fleet, (wl, offer, _), _, _ = self._inputs
        nodes = row_nodes(catalog, table, fleet, self._per, wl, offer)
        return np.asarray(table.gpu_count[offer] * nodes, dtype=float)

    def at(self, rows: np.ndarray) -> Metrics:
        """Every figure of the candidates `rows` (any order; figure k belongs to rows[k])."""
        catalog, table, fleet, (wl, offer, buy), deferrals, profiles = self._inputs
        rows = np.asarray(rows, dtype=np.int64)
        order = np.argsort(rows, kind="stable")  # the computation wants rows by workload
        picked = rows[order]
        sub = (wl[picked], offer[picked], buy[picked])
        per, latency = self._per, self._latency
        found = _compute(catalog, table, fleet, per, latency, sub, deferrals, profiles)
        back = np.empty_like(order)
        back[order] = np.arange(len(order))
        arrays = {name: getattr(found, name)[back] for name in _ARRAYS}
        return Metrics(**arrays, measured_source=found.measured_source)


FULL = ("total_usd", "carbon_kg", "latency_ms")


def compute_metrics(
    catalog: Catalog,
    table: OfferTable,
    fleet: Fleet,
    rows: tuple[np.ndarray, np.ndarray, np.ndarray],  # workload (ascending), offer, purchase
    deferrals: dict[int, DeferralPlan],
    profiles: ProfileSource | None,
) -> Metrics:
    """Every figure of every row (see `CandidateMetrics` for what a plan keeps)."""
    out = _compute_chunked(catalog, table, fleet, rows, deferrals, profiles, _ARRAYS)
    sources = out.pop("measured_source")
    assert isinstance(sources, dict)
    return Metrics(**out, measured_source=sources)


def _compute_chunked(
    catalog: Catalog,
    table: OfferTable,
    fleet: Fleet,
    rows: tuple[np.ndarray, np.ndarray, np.ndarray],
    deferrals: dict[int, DeferralPlan],
    profiles: ProfileSource | None,
    keep: tuple[str, ...],
    read: tuple[_PerWorkload, LatencyTable] | None = None,
    *,
    workers: int = 1,
) -> dict[str, Any]:
    """The `keep` figures of every row. Each figure is a function of its own row: large
    sets go through in chunks of CHUNK_ROWS rows into preallocated arrays (the same values,
    a fraction of the temporaries), with `workers` > 1 on that many cores: children forked
    after the arrays are made in shared memory each fill a range of rows (core/forked.py).
    Measured profiles name their sources per row: with `profiles`, one process does all."""
    wl, offer, buy = rows
    per, latency = read or (_PerWorkload(fleet), latency_table(catalog, table, fleet))
    sources: dict[tuple[int, int], str] = {}

    def part(lo: int, hi: int) -> Metrics:
        chunk = (wl[lo:hi], offer[lo:hi], buy[lo:hi])
        return _compute(catalog, table, fleet, per, latency, chunk, deferrals, profiles)

    forked = workers > 1 and profiles is None
    out: dict[str, Any] = {}
    if forked:  # one row gives each figure's dtype: the arrays exist before the fork
        probe = part(0, min(1, len(wl)))
        out = {name: _shared_empty(len(wl), getattr(probe, name).dtype) for name in keep}

    def fill(lo: int, hi: int) -> None:
        for start in range(lo, max(hi, lo + 1), CHUNK_ROWS):
            stop = min(start + CHUNK_ROWS, hi)
            got = part(start, stop)
            for name in keep:
                if name not in out:  # one process: the first chunk gives the dtype
                    out[name] = np.empty(len(wl), dtype=getattr(got, name).dtype)
                out[name][start:stop] = getattr(got, name)
            sources.update(got.measured_source)

    run_ranges(len(wl), fill, workers if forked else 1)
    out["measured_source"] = sources
    return out


def _shared_empty(count: int, dtype: np.dtype) -> np.ndarray:
    """An uninitialised array that children forked after this call write into."""
    return np.frombuffer(shared_buffer(count * dtype.itemsize), dtype=dtype, count=count)


def _compute(
    catalog: Catalog,
    table: OfferTable,
    fleet: Fleet,
    per: _PerWorkload,
    latency: LatencyTable,
    rows: tuple[np.ndarray, np.ndarray, np.ndarray],
    deferrals: dict[int, DeferralPlan],
    profiles: ProfileSource | None,
) -> Metrics:
    wl, offer, buy = rows
    start = np.searchsorted(wl, np.arange(len(fleet.workloads) + 1))
    r = _Rows(wl, offer, buy, table.region_idx[offer], start)
    nodes = row_nodes(catalog, table, fleet, per, wl, offer)
    util = per.util[wl]
    overhead = _per_cloud(catalog, table, "spot_interruption_overhead")[offer]
    spot = buy == SPOT
    hours = per.hours[wl] * np.where(spot, 1 + overhead, 1)
    price = np.select(
        [spot, buy == COMMIT_1Y, buy == COMMIT_3Y],
        [table.price_spot[offer], table.price_commit_1y[offer], table.price_commit_3y[offer]],
        table.price_on_demand[offer],
    )
    hourly = price * nodes
    # A commitment bills every hour of its term; energy and carbon follow the hours run.
    billed = np.where(buy >= COMMIT_1Y, COMMIT_BILLED_HOURS, hours)
    node_w = table.idle_w[offer] + np.clip(util, 0.0, 1.0) * table.slope_w[offer]
    measured = np.zeros(len(wl), dtype=bool)
    sources: dict[tuple[int, int], str] = {}
    if profiles is not None:
        _apply_profiles(catalog, table, fleet, r, profiles, node_w, measured, sources)
    regions = table.regions
    intensity = regions.intensity_g_per_kwh[r.region]
    compute_kwh = node_w * nodes * hours / 1000.0 * regions.pue[r.region]
    compute_kg = compute_kwh * intensity / 1000.0
    saving_kg = compute_kg * _shift_fraction(deferrals, regions.keys, r)
    storage_usd, storage_kwh, unknown = _storage(catalog, table, per, r)
    move_one_off, net_kwh, net_kg = _data_moves(catalog, table, per, r)
    if not per.per_region.all():
        once = per.per_region[wl]
        storage_usd, storage_kwh = storage_usd * once, storage_kwh * once
        move_one_off, net_kwh, net_kg = move_one_off * once, net_kwh * once, net_kg * once
    months = fleet.data_amortization_months
    serving = _serving(catalog, table, per, r)
    # The serving traffic's network energy, drawn in the serving region (CCF kWh/GB × PUE):
    # what `cost` counts on the same egress line.
    serving_kwh = per.egress_gb[wl] * _network_kwh_per_gb(catalog, table)[r.region]
    embodied = _embodied(catalog, table, fleet, r, nodes, hours)
    infra, infra_kwh = _infrastructure(catalog, table, fleet, per, r, nodes)
    total = hourly * billed + storage_usd + move_one_off / months + serving + infra
    return Metrics(
        hours=hours,
        hourly_usd=hourly,
        compute_usd=hourly * billed,
        storage_usd=storage_usd,
        data_move_usd=move_one_off / months,
        data_move_one_off_usd=move_one_off,
        serving_usd=serving,
        infrastructure_usd=infra,
        total_usd=total,
        energy_kwh=compute_kwh + storage_kwh + infra_kwh + serving_kwh + net_kwh / months,
        carbon_kg=compute_kg
        - saving_kg
        + (storage_kwh + infra_kwh + serving_kwh) * intensity / 1000.0
        + net_kg / months
        + embodied,
        shift_saving_kg=saving_kg,
        latency_ms=candidate_latency(latency, r.wl, r.region),
        gpus=table.gpu_count[offer] * nodes,
        storage_unknown=unknown,
        measured=measured,
        measured_source=sources,
    )


def _infrastructure(
    catalog: Catalog,
    table: OfferTable,
    fleet: Fleet,
    per: _PerWorkload,
    r: _Rows,
    nodes: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """($, boot-disk kWh) per row: boot disks per node and NAT gateway/address/key per
    workload of a VM cluster (Kubernetes pools and own sites: none here), one price lookup
    per distinct key."""
    out, kwh = np.zeros(len(r.wl)), np.zeros(len(r.wl))
    rows = np.nonzero(per.vm[r.wl])[0]
    if not len(rows):
        return out, kwh
    if per.infra is None:
        per.infra = np.full((len(table.cloud), 2, 3), np.nan)
    storage = ((per.object_tb > 0) | (per.fs_tb > 0))[r.wl[rows]].astype(np.int64)
    offer = r.offer[rows].astype(np.int64)
    missing = np.isnan(per.infra[offer, storage, 0])
    if missing.any():
        pricer = InfrastructurePricer(catalog)  # its lookups are cached per (region, type)
        regions = table.regions
        pairs = np.unique(offer[missing] * 2 + storage[missing])
        for pair in pairs.tolist():
            o, has = divmod(pair, 2)
            g = int(table.region_idx[o])
            cost = pricer.price(
                str(regions.cloud[g]),
                str(regions.region[g]),
                str(table.instance_type[o]),
                bool(has),
            )
            per.infra[o, has] = (cost.per_node_usd, cost.fixed_usd, cost.per_node_kwh)
    found = per.infra[offer, storage]
    out[rows] = found[:, 0] * nodes[rows] + found[:, 1] * per.per_region[r.wl[rows]]
    kwh[rows] = found[:, 2] * nodes[rows]
    return out, kwh


def _network_kwh_per_gb(catalog: Catalog, table: OfferTable) -> np.ndarray:
    """CCF networking kWh per GB × PUE, per region of the table (`network_energy_kwh`)."""
    regions = table.regions
    per_cloud = {
        c: catalog.coefficient("network_kwh_per_gb", c).value for c in sorted(set(regions.cloud))
    }
    coef = np.array([per_cloud[str(c)] for c in regions.cloud], dtype=float)
    return np.asarray(coef * regions.pue, dtype=float)


def _per_cloud(catalog: Catalog, table: OfferTable, name: str) -> np.ndarray:
    values = {c: catalog.coefficient(name, c).value for c in sorted(set(table.cloud))}
    return np.array([values[c] for c in table.cloud], dtype=float)


def _apply_profiles(
    catalog: Catalog,
    table: OfferTable,
    fleet: Fleet,
    r: _Rows,
    profiles: ProfileSource,
    node_w: np.ndarray,
    measured: np.ndarray,
    sources: dict[tuple[int, int], str],
) -> None:
    """Replace modelled node power with the workload's measured power where it has one."""
    for i, w in enumerate(fleet.workloads):
        picked = range(int(r.start[i]), int(r.start[i + 1]))
        by_offer: dict[int, tuple[float, str] | None] = {}
        for row in picked:
            o = int(r.offer[row])
            if o not in by_offer:
                spec = catalog.instance(str(table.cloud[o]), str(table.instance_type[o]))
                hit = profiles.measured_power(catalog, w.name, spec, w.utilization or 0.0)
                by_offer[o] = None if hit is None else (hit.node_it_power_w, hit.source)
                if hit is None and len(by_offer) == 1:
                    break  # unprofiled workload: no need to ask for every instance type
            found = by_offer[o]
            if found is not None:
                node_w[row] = found[0]
                measured[row] = True
                sources[(i, o)] = found[1]


def _shift_fraction(
    deferrals: dict[int, DeferralPlan], region_keys: list[str], r: _Rows
) -> np.ndarray:
    if not deferrals:
        return np.zeros(len(r.wl))
    table = np.zeros((len(deferrals) + 1, len(region_keys)))
    slot = np.zeros(len(r.start) - 1, dtype=np.int64)
    for k, i in enumerate(sorted(deferrals), start=1):
        table[k] = deferrals[i].fraction
        slot[i] = k
    return np.asarray(table[slot[r.wl], r.region], dtype=float)


def _storage(
    catalog: Catalog, table: OfferTable, per: _PerWorkload, r: _Rows
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    obj_tb = per.object_tb[r.wl]
    fs_tb = per.fs_tb[r.wl]
    n = len(r.wl)
    usd, kwh, unknown = np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool)
    needs = (obj_tb > 0) | (fs_tb > 0)
    if not needs.any():
        return usd, kwh, unknown
    pricer = StoragePricer(catalog)
    tiers = per.tiers[r.wl]
    regions = table.regions
    for tier in np.unique(tiers[needs]):
        obj_price = np.full(len(regions.keys), np.nan)
        obj_kwh = np.zeros(len(regions.keys))
        fs_kwh = np.zeros(len(regions.keys))
        sel = needs & (tiers == tier)
        for g in np.unique(r.region[sel]):
            cloud, region = str(regions.cloud[g]), str(regions.region[g])
            p = pricer.price(cloud, region, int(tier))
            obj_price[g] = np.nan if p.object_usd_per_tb is None else p.object_usd_per_tb
            obj_kwh[g], fs_kwh[g] = pricer.energy_kwh_month_per_tb(cloud, region)
        op = obj_price[r.region[sel]]
        o = obj_tb[sel]
        unknown[sel] = (o > 0) & np.isnan(op)
        usd[sel] = np.where(o > 0, np.nan_to_num(op) * o, 0)
        kwh[sel] = o * obj_kwh[r.region[sel]]
        # The parallel FS as the stack provisions it (sizes, steps, GCP's AUTO product), per
        # distinct (region, TB) pair: what `cost` will price for the same plan.
        rows = np.nonzero(sel & (fs_tb > 0))[0]
        pairs, inverse = np.unique(
            np.stack([r.region[rows].astype(float), fs_tb[rows]]), axis=1, return_inverse=True
        )
        inv = inverse.ravel()
        order = np.argsort(inv, kind="stable")
        bounds = np.searchsorted(inv[order], np.arange(pairs.shape[1] + 1))
        for k in range(pairs.shape[1]):
            g, tb = int(pairs[0, k]), float(pairs[1, k])
            cost, size_tb = pricer.parallel_fs(
                str(regions.cloud[g]), str(regions.region[g]), tb, int(tier)
            )
            at = rows[order[bounds[k] : bounds[k + 1]]]
            if cost is None:
                unknown[at] = True
            else:
                usd[at] += cost
            kwh[at] += size_tb * fs_kwh[g]
    return usd, kwh, unknown


def _data_moves(
    catalog: Catalog, table: OfferTable, per: _PerWorkload, r: _Rows
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-off $ of moving each workload's data to the candidate region (the catalog's
    egress ladder for that source → destination pair, exact pair rows included), and the
    network energy (kWh) and carbon (kg) of moving it (CCF networking coefficient, source
    region). Nothing moves within data.location's own region."""
    n = len(r.wl)
    usd, kwh, kg = np.zeros(n), np.zeros(n), np.zeros(n)
    regions = table.regions
    if not per.locations:
        return usd, kwh, kg
    egress = catalog.egress_table
    size = per.data_gb
    locations = per.locations
    code = per.location_code
    # Rows by data location in one pass (ascending row order within each location).
    for k, sel in _split(code[r.wl], len(locations)):
        src_cloud, src_region = locations[k].split(":", 1)
        src = catalog.region(src_cloud, src_region)
        dest = r.region[sel]
        same_region = (regions.cloud[dest] == src_cloud) & (regions.region[dest] == src_region)
        gb = size[r.wl[sel]]
        ladders = (
            (int(g), egress.ladder(src_cloud, src_region, regions.keys[g]))
            for g in np.unique(dest[~same_region])
        )
        for part, ladder in _ladder_parts(ladders, dest, len(regions.keys)):
            usd[sel[part]] = ladder.cost_usd_vec(gb[part])
        moved = np.where(same_region, 0.0, gb)
        per_gb = network_energy_kwh(catalog, src_cloud, src_region, 1.0)
        kwh[sel] = moved * per_gb
        kg[sel] = moved * per_gb * src.grid_intensity_g_per_kwh / 1000.0
    return usd, kwh, kg


def _serving(catalog: Catalog, table: OfferTable, per: _PerWorkload, r: _Rows) -> np.ndarray:
    """Each candidate region's internet egress ladder across the month's serving traffic."""
    volume = per.egress_gb[r.wl]
    out = np.zeros(len(r.wl))
    if not (volume > 0).any():
        return out
    egress = catalog.egress_table
    regions = table.regions
    ladders = (
        (int(g), egress.ladder(str(regions.cloud[g]), str(regions.region[g]), "internet"))
        for g in np.unique(r.region[volume > 0])
    )
    serving = np.flatnonzero(volume > 0)
    for part, ladder in _ladder_parts(ladders, r.region[serving], len(regions.keys)):
        sel = serving[part]
        out[sel] = ladder.cost_usd_vec(volume[sel])
    return out


def _split(codes: np.ndarray, n: int) -> list[tuple[int, np.ndarray]]:
    """Positions of each code 0..n-1 in `codes` (ascending; codes < 0 left out), in one sort."""
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n + 1))
    return [(k, order[bounds[k] : bounds[k + 1]]) for k in range(n) if bounds[k + 1] > bounds[k]]


def _ladder_parts(
    ladders: Iterable[tuple[int, EgressLadder]], region: np.ndarray, n_regions: int
) -> list[tuple[np.ndarray, EgressLadder]]:
    """Positions in `region` (region indices) of each distinct tier ladder's regions; regions
    without a ladder are left out."""
    groups = _by_tiers(ladders)
    code = np.full(n_regions, -1, dtype=np.int64)
    for k, (_, members) in enumerate(groups):
        code[members] = k
    return [(part, groups[k][0]) for k, part in _split(code[region], len(groups))]


def _by_tiers(ladders: Iterable[tuple[int, EgressLadder]]) -> list[tuple[EgressLadder, list[int]]]:
    """Region indices grouped by tier ladder: one vectorised pass per distinct set of tiers."""
    groups: dict[Tiers, tuple[EgressLadder, list[int]]] = {}
    for g, ladder in ladders:
        groups.setdefault(ladder.tiers, (ladder, []))[1].append(g)
    return list(groups.values())


def _embodied(
    catalog: Catalog,
    table: OfferTable,
    fleet: Fleet,
    r: _Rows,
    nodes: np.ndarray,
    hours: np.ndarray,
) -> np.ndarray:
    if not fleet.include_embodied:
        return np.zeros(len(r.wl))
    per_gpu_month = _per_cloud(catalog, table, "embodied_kg_per_gpu_month")[r.offer]
    hours_in_month = catalog.coefficient("hours_per_month").value
    return np.asarray(
        per_gpu_month * table.gpu_count[r.offer] * nodes * hours / hours_in_month, dtype=float
    )
