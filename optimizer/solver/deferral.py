"""Deferrable workloads: the carbon saving of starting each run at the best hour in its window.

For each deferrable workload this resolves its intensity series (one CSV for every region,
a CSV per `cloud:region`, or none) and evaluates `models.timeshift.expected_saving` per
region. The result is a saving fraction and a best start hour per region, which the cost
model applies to the region's annual-average carbon.

Without a series the region's annual average is all we know: the fraction is 0 and the plan
says so. Paths are relative to the fleet file. Series and results are cached per file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cloudwright.core.errors import UnknownNameError
from cloudwright.core.yamlsource import format_path
from cloudwright.optimizer.catalog import Catalog
from cloudwright.optimizer.fleet.spec import Fleet, Workload
from cloudwright.optimizer.models.timeshift import (
    IntensitySeries,
    ShiftResult,
    expected_saving,
    load_intensity_csv,
)
from cloudwright.optimizer.solver.offers import RegionTable


@dataclass(frozen=True)
class DeferralPlan:
    run_hours: float
    window_hours: float
    fraction: np.ndarray  # saving fraction per region (RegionTable order)
    start_hour: np.ndarray  # best start hour of day per region, −1 where none
    results: dict[str, ShiftResult]  # by region key, or "*" for every region
    note: str


def deferral_plans(fleet: Fleet, catalog: Catalog, regions: RegionTable) -> dict[int, DeferralPlan]:
    """Deferral plan per workload index, for the deferrable workloads only."""
    series: dict[Path, IntensitySeries] = {}
    out: dict[int, DeferralPlan] = {}
    hours_in_month = catalog.coefficient("hours_per_month").value
    for i, w in enumerate(fleet.workloads):
        if w.deferrable is not None:
            out[i] = _plan(fleet, catalog, regions, i, w, series, hours_in_month)
    return out


def _plan(
    fleet: Fleet,
    catalog: Catalog,
    regions: RegionTable,
    index: int,
    w: Workload,
    series: dict[Path, IntensitySeries],
    hours_in_month: float,
) -> DeferralPlan:
    assert w.deferrable is not None
    window = w.deferrable.window_hours
    hours = w.hours_per_month or hours_in_month
    # Default: the month's hours as one run a day, capped at the window.
    run = w.deferrable.run_hours or min(window, hours / (hours_in_month / 24.0))
    n = len(regions.keys)
    fraction = np.zeros(n)
    start = np.full(n, -1, dtype=np.int64)
    at = ("workloads", index, "deferrable", "intensity_csv")
    spec = w.deferrable.intensity_csv
    results: dict[str, ShiftResult] = {}
    if spec is None:
        note = (
            f"deferrable within {window:g} h, but no hourly intensity series was given: the "
            "region's annual average applies and no time-shift saving is claimed"
        )
        return DeferralPlan(run, window, fraction, start, results, note)
    targets = {"*": spec} if isinstance(spec, str) else dict(spec)
    index_of = regions.index()
    for key, path in sorted(targets.items()):
        location = f"{fleet.source.location((*at, key) if key != '*' else at)}: {format_path(at)}"
        if key != "*":
            _check_key(catalog, key, location)
        result = expected_saving(_series(fleet, path, location, series), run, window)
        results[key] = result
        hour = -1 if result.best_start_hour is None else result.best_start_hour
        if key == "*":
            fraction[:] = result.saving_fraction
            start[:] = hour
        elif key in index_of:
            fraction[index_of[key]] = result.saving_fraction
            start[index_of[key]] = hour
    return DeferralPlan(run, window, fraction, start, results, _shift_note(run, window, results))


def _shift_note(run: float, window: float, results: dict[str, ShiftResult]) -> str:
    """How the runs were shifted and which series gave the hourly shape (and, with a series
    per region, which region each applies to)."""
    head = f"runs of {run:.1f} h shifted within a {window:g} h window using the hourly grid shape"
    if set(results) == {"*"}:
        return f"{head} from {results['*'].source}"
    per_region = "; ".join(
        f"{r.source} for {k}" if k != "*" else f"{r.source} elsewhere"
        for k, r in sorted(results.items(), key=lambda kv: (kv[0] == "*", kv[0]))
    )
    return f"{head} from {per_region}"


def _series(
    fleet: Fleet, path: str, location: str, cache: dict[Path, IntensitySeries]
) -> IntensitySeries:
    full = Path(path)
    shown = full
    if not full.is_absolute():
        full = fleet.source.base_dir / full
        # Named as the user would find it from where they ran the command: the fleet file's
        # directory (as they gave it) joined with the path the fleet gives.
        shown = Path(fleet.source.origin).parent / shown
    if full not in cache:
        cache[full] = load_intensity_csv(full, location=location, label=shown.as_posix())
    return cache[full]


def _check_key(catalog: Catalog, key: str, location: str) -> None:
    if ":" not in key:
        valid = [f"{c}:{r}" for c in catalog.clouds() for r in catalog.region_names(c)]
        raise UnknownNameError("region key (cloud:region)", key, valid, location=location)
    cloud, region = key.split(":", 1)
    catalog.check_region(catalog.check_cloud(cloud, location=location), region, location=location)
