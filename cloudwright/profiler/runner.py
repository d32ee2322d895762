"""Run a command as a child process under codecarbon and build its `Profile`.

The child inherits stdin/stdout/stderr, so its output streams as it would without us (ttys,
colours and progress bars included), and its exit status is handed back to the caller.

Accounting, so a short command is not measured as zero:
- codecarbon detects the hardware *before* the child starts (that takes a second or so);
- the child starts before the tracker's first reading, so in process mode its CPU time is
  in every reading (codecarbon ignores CPU time a process used before it first saw it);
- the child's exit is awaited without reaping it (`waitid(WNOWAIT)`): the tracker's final
  reading still sees the exited child's CPU time; only then is it reaped with `wait4`,
  whose rusage gives the exact CPU-seconds and peak memory of the child and everything it
  waited for.
On platforms without `waitid` (macOS) the child is reaped first and the tracker's last
interval may miss up to `interval_s` of the child's CPU time; the profile's notes say so.
POSIX only: the store's locking and this process handling need it.
"""

from __future__ import annotations

import os
import platform
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cloudwright.core.errors import InputError
from cloudwright.profiler import tracker as cc
from cloudwright.profiler.record import (
    Energy,
    Hardware,
    Location,
    Measurement,
    Profile,
    TrackingMode,
    Utilization,
)

GIB = 1024**3


@dataclass(frozen=True)
class RunOutcome:
    """What happened: the child's exit code (shell convention: 128+N when killed by signal
    N) and the profile built from the run (None, with `problem` saying why, when codecarbon
    recorded nothing)."""

    exit_code: int
    profile: Profile | None
    problem: str | None = None


@dataclass(frozen=True)
class _ChildResult:
    exit_code: int
    cpu_seconds: float | None
    peak_rss_gb: float | None
    reaped_before_stop: bool


def _exit_code(status: int) -> int:
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


def _spawn(command: Sequence[str]) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(list(command))
    except FileNotFoundError as exc:
        raise InputError(
            f"command not found: {command[0]}", hint="check the command after `--` and $PATH"
        ) from exc
    except PermissionError as exc:
        raise InputError(f"command is not executable: {command[0]}") from exc


@contextmanager
def _forward_signals(proc: subprocess.Popen[bytes]) -> Iterator[None]:
    """While the child runs: SIGTERM/SIGHUP to us go to the child; SIGINT is left to the
    terminal, which already sends Ctrl-C to the whole foreground group (the child included),
    so the child decides how to stop and we still record the run."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def forward(signum: int, _frame: Any) -> None:
        if proc.returncode is None:
            proc.send_signal(signum)

    saved = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGHUP)}
    saved[signal.SIGINT] = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def _wait_exited(pid: int) -> bool:
    """Block until the child has exited, leaving it reapable. False if unsupported."""
    if not hasattr(os, "waitid"):
        return False
    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
    return True


def _reap(proc: subprocess.Popen[bytes]) -> _ChildResult:
    _, status, usage = os.wait4(proc.pid, 0)
    code = _exit_code(status)
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is KiB on Linux, bytes on macOS.
    rss_bytes = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return _ChildResult(code, usage.ru_utime + usage.ru_stime, rss_bytes / GIB, False)


def _run_child(proc: subprocess.Popen[bytes], tracker: Any) -> tuple[_ChildResult, Any]:
    """Wait for the child, stop the tracker at the right moment; (child result, emissions)."""
    with _forward_signals(proc):
        if _wait_exited(proc.pid):
            tracker.stop()
            return _reap(proc), getattr(tracker, "final_emissions_data", None)
        result = _reap(proc)
    tracker.stop()
    late = _ChildResult(result.exit_code, result.cpu_seconds, result.peak_rss_gb, True)
    return late, getattr(tracker, "final_emissions_data", None)


@dataclass(frozen=True)
class ProfileRequest:
    """What to run and how to measure it."""

    command: Sequence[str]
    workload: str
    location: Location
    interval_s: float
    tracking_mode: TrackingMode = "process"
    codecarbon_csv_dir: Path | None = None  # also keep codecarbon's own emissions.csv here


@dataclass(frozen=True)
class _Observed:
    """Everything one run produced, before it becomes a Profile."""

    started_at: datetime
    wall_s: float
    detected: dict[str, Any]
    setup: cc.DetectedSetup
    data: Any  # codecarbon EmissionsData, or None when it recorded nothing
    child: _ChildResult
    gpu_samples: int
    messages: list[str]


def run_profiled(request: ProfileRequest) -> RunOutcome:
    """Run the command under codecarbon; return its exit code and the profile of the run.

    Raises InputError when the command cannot be started. When codecarbon produced no
    measurement, the outcome has no profile and says why in `problem`.
    """
    if not request.command:
        raise InputError("no command to profile", hint="put it after `--`")
    if request.interval_s <= 0:
        raise InputError(f"--interval must be > 0 seconds, got {request.interval_s:g}")
    observed = _observe(request)
    if observed.data is None:
        said = "; ".join(observed.messages) or "nothing"
        return RunOutcome(
            observed.child.exit_code,
            None,
            f"codecarbon recorded no measurement for this run (it said: {said})",
        )
    try:
        profile = _build_profile(request, observed)
    except ValidationError as exc:  # the run happened; say what codecarbon reported oddly
        return RunOutcome(
            observed.child.exit_code, None, f"codecarbon's readings were invalid: {exc}"
        )
    return RunOutcome(observed.child.exit_code, profile)


def _observe(request: ProfileRequest) -> _Observed:
    with cc.quiet_codecarbon() as collector:
        tracker = cc.make_tracker(
            workload=request.workload,
            country_iso3=request.location.country_iso3,
            interval_s=request.interval_s,
            tracking_mode=request.tracking_mode,
            collector=collector,
            grid_intensity_g_per_kwh=request.location.grid_intensity_g_per_kwh,
            csv_dir=request.codecarbon_csv_dir,
        )
        detected = tracker.get_detected_hardware()
        setup = cc.detect_setup(tracker, collector.messages)
        started_at = datetime.now(UTC)
        t0 = time.perf_counter()
        proc = _spawn(request.command)
        try:
            tracker.start()
            child, data = _run_child(proc, tracker)
        except BaseException:
            if proc.returncode is None and proc.poll() is None:
                proc.kill()
                proc.wait()
            raise
        return _Observed(
            started_at=started_at,
            wall_s=time.perf_counter() - t0,
            detected=detected,
            setup=setup,
            data=data,
            child=child,
            gpu_samples=cc.gpu_samples(tracker),
            messages=list(collector.messages),
        )


def _utilization(observed: _Observed, cpu_count: int, duration_s: float) -> Utilization:
    child = observed.child
    gpu = None
    if observed.gpu_samples > 0:
        gpu = min(max(float(observed.data.gpu_utilization_percent) / 100.0, 0.0), 1.0)
    cpu = None
    if child.cpu_seconds is not None and duration_s > 0:
        cpu = min(child.cpu_seconds / (duration_s * cpu_count), 1.0)
    return Utilization(
        gpu=gpu, cpu=cpu, cpu_seconds=child.cpu_seconds, peak_rss_gb=child.peak_rss_gb
    )


def _machine_memory_gib() -> float:
    return float(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")) / GIB


def _hardware(observed: _Observed, cpu_count: int) -> Hardware:
    detected = observed.detected
    return Hardware(
        cpu_model=detected.get("cpu_model") or None,
        cpu_count=cpu_count,
        cpu_physical_count=detected.get("cpu_physical_count"),
        gpu_model=detected.get("gpu_model") or None,
        gpu_names=observed.setup.gpu_names,
        gpu_count=int(detected.get("gpu_count") or 0),
        ram_total_gb=float(detected.get("ram_total_size") or _machine_memory_gib()),
    )


def _build_profile(request: ProfileRequest, observed: _Observed) -> Profile:
    from cloudwright import __version__ as cloudwright_version
    from cloudwright.profiler.notes import measurement_notes

    data, setup = observed.data, observed.setup
    cpu_count = int(observed.detected.get("cpu_count") or os.cpu_count() or 1)
    duration_s = float(data.duration) if data.duration and data.duration > 0 else observed.wall_s
    cpu_kwh, gpu_kwh, ram_kwh = (
        max(float(v), 0.0) for v in (data.cpu_energy, data.gpu_energy, data.ram_energy)
    )
    measurement = Measurement(
        tracking_mode=request.tracking_mode,
        interval_s=request.interval_s,
        cpu_method=setup.cpu_method,
        cpu_tdp_w=setup.cpu_tdp_w,
        cpu_tdp_source=setup.cpu_tdp_source,
        gpu_method=setup.gpu_method,
        ram_method=setup.ram_method,
        notes=measurement_notes(
            setup,
            tracking_mode=request.tracking_mode,
            cpu_count=cpu_count,
            gpu_samples=observed.gpu_samples,
            reaped_before_stop=observed.child.reaped_before_stop,
            codecarbon_messages=observed.messages,
        ),
    )
    location = request.location
    if location.country_name is None and getattr(data, "country_name", None):
        location = location.model_copy(update={"country_name": str(data.country_name)})
    return Profile(
        id=uuid.uuid4().hex[:12],
        workload=request.workload,
        command=list(request.command),
        started_at=observed.started_at,
        duration_s=duration_s,
        exit_code=observed.child.exit_code,
        energy=Energy(
            cpu_kwh=cpu_kwh, gpu_kwh=gpu_kwh, ram_kwh=ram_kwh, total_kwh=cpu_kwh + gpu_kwh + ram_kwh
        ),
        emissions_kg=max(float(data.emissions), 0.0) if data.emissions is not None else None,
        hardware=_hardware(observed, cpu_count),
        measurement=measurement,
        utilization=_utilization(observed, cpu_count, duration_s),
        location=location,
        codecarbon_version=str(data.codecarbon_version or cc.codecarbon_version()),
        cloudwright_version=cloudwright_version,
        host=platform.node() or None,
    )
