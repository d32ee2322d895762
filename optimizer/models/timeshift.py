"""Time shifting: when in its window should a deferrable run start, and what does that save?

A deferrable workload is released, may start anywhere in the next `window_hours`, and runs
for `run_hours`. Given an hourly carbon-intensity series:
- baseline: every run starts the moment it is released, averaged over every release hour in
  the series (the mean intensity a run sees without shifting);
- shifted: every run starts at the hour in its window with the lowest mean intensity over
  its run (what a scheduler with a forecast of the window achieves), averaged the same way;
- saving fraction = 1 − shifted ÷ baseline. The planner applies it to the region's
  annual-average carbon: the series contributes its shape, the catalog its level.
- best start hour: the hour of day (series' clock; UTC unless the file says otherwise) at
  which the shifted runs most often start.

With no series the region's annual average is flat, and no saving is claimed.

Input: a CSV whose first column is a timestamp and whose first numeric column is the
intensity (any unit: only the shape matters); finer samples are averaged to hours; gaps of
up to MAX_GAP_HOURS are interpolated, longer gaps are an error (the hours must stay
contiguous for windows to mean anything).

Invariants: results are deterministic (ties go to the earliest start); runs are whole hours
(rounded up), windows whole hours (rounded down).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cloudwright.core.errors import InputError

MIN_SERIES_HOURS = 48
MAX_GAP_HOURS = 6  # short gaps are interpolated; longer ones would invent the grid's shape


@dataclass(frozen=True)
class IntensitySeries:
    values: np.ndarray  # hourly mean intensity, in the file's unit
    start: pd.Timestamp
    source: str

    @property
    def hours(self) -> int:
        return len(self.values)


@dataclass(frozen=True)
class ShiftResult:
    run_hours: int
    window_hours: int
    baseline: float  # mean intensity seen without shifting (series unit)
    shifted: float  # mean intensity seen with the best start in each window
    saving_fraction: float
    best_start_hour: int | None  # hour of day most runs start at when shifted
    releases: int  # release hours averaged over
    source: str


def load_intensity_csv(
    path: str | Path, *, location: str | None = None, label: str | None = None
) -> IntensitySeries:
    """Read an intensity CSV and average it to hours (`label`: how to name it in output)."""
    source = Path(path)
    try:
        frame = pd.read_csv(source)
    except FileNotFoundError as exc:
        raise InputError(f"intensity CSV not found: {source}", location=location) from exc
    except IsADirectoryError as exc:
        raise InputError(
            f"{source} is a directory, not an intensity CSV", location=location
        ) from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{source}: not a readable CSV ({exc})", location=location) from exc
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror or exc}", location=location) from exc
    return series_from_frame(frame, source=label or str(source), location=location)


def series_from_frame(
    frame: pd.DataFrame, *, source: str, location: str | None = None
) -> IntensitySeries:
    if frame.shape[1] < 2:
        raise InputError(
            f"{source}: needs a timestamp column and a value column", location=location
        )
    times = pd.to_datetime(frame.iloc[:, 0], errors="coerce", utc=True)
    numeric = [c for c in frame.columns[1:] if pd.api.types.is_numeric_dtype(frame[c])]
    if not numeric:
        raise InputError(f"{source}: no numeric intensity column", location=location)
    values = pd.Series(frame[numeric[0]].to_numpy(dtype=float), index=times)
    values = values[values.index.notna()].sort_index()
    if values.empty:
        raise InputError(f"{source}: first column holds no timestamps", location=location)
    if (values.dropna() < 0).any():
        raise InputError(f"{source}: negative carbon intensity", location=location)
    if np.isinf(values.to_numpy()).any():
        raise InputError(f"{source}: an infinite carbon intensity", location=location)
    hourly = values.resample("1h").mean().interpolate(limit=MAX_GAP_HOURS, limit_area="inside")
    if hourly.isna().any():
        gap_at = hourly.index[int(hourly.isna().to_numpy().argmax())]
        raise InputError(
            f"{source}: no data for more than {MAX_GAP_HOURS} hours from {gap_at}",
            location=location,
        )
    if len(hourly) < MIN_SERIES_HOURS:
        raise InputError(
            f"{source}: {len(hourly)} hours of data; at least {MIN_SERIES_HOURS} are needed",
            location=location,
        )
    start = pd.Timestamp(hourly.index[0])
    return IntensitySeries(hourly.to_numpy(dtype=float), start, f"{source} (column {numeric[0]})")


def run_means(values: np.ndarray, run_hours: int) -> np.ndarray:
    """Mean intensity of a run starting at each hour (length N − run + 1)."""
    csum = np.concatenate(([0.0], np.cumsum(values)))
    return np.asarray((csum[run_hours:] - csum[:-run_hours]) / run_hours, dtype=float)


def best_start(
    series: IntensitySeries, run_hours: float, window_hours: float, release: int = 0
) -> tuple[int, float]:
    """(offset in hours after `release`, mean intensity) of the best start for one release."""
    run, window = _whole(run_hours, window_hours)
    means = run_means(series.values, run)
    last = min(release + window - run, len(means) - 1)
    if release > last:
        raise InputError("the window runs past the end of the intensity series")
    span = means[release : last + 1]
    offset = int(np.argmin(span))
    return offset, float(span[offset])


def expected_saving(series: IntensitySeries, run_hours: float, window_hours: float) -> ShiftResult:
    """Average saving over every release hour whose whole window lies in the series."""
    run, window = _whole(run_hours, window_hours)
    if run > series.hours:
        raise InputError(
            f"a {run} h run is longer than the {series.hours} h intensity series ({series.source})"
        )
    window = min(window, series.hours)
    means = run_means(series.values, run)
    releases = series.hours - window + 1
    slack = window - run + 1
    view = np.lib.stride_tricks.sliding_window_view(means, slack)[:releases]
    offsets = np.argmin(view, axis=1)  # first minimum: ties go to the earliest start
    shifted = float(view[np.arange(releases), offsets].mean())
    baseline = float(means[:releases].mean())
    saving = 0.0 if baseline <= 0 else max(0.0, 1.0 - shifted / baseline)
    start_hour = None
    if slack > 1:
        starts = np.arange(releases) + offsets
        hours_of_day = (series.start.hour + starts) % 24
        start_hour = int(np.bincount(hours_of_day, minlength=24).argmax())
    return ShiftResult(run, window, baseline, shifted, saving, start_hour, releases, series.source)


def _whole(run_hours: float, window_hours: float) -> tuple[int, int]:
    run = max(1, math.ceil(run_hours - 1e-9))
    window = max(run, math.floor(window_hours + 1e-9))
    return run, window
