"""The codecarbon side of profiling: build a quiet offline tracker and read what it found.

Everything that touches codecarbon's objects lives here, so a codecarbon upgrade has one
place to check. The tracker is an `OfflineEmissionsTracker` (no network) with:
- no outputs (`output_methods=[]`: no emissions.csv in the user's directory, no API), unless
  a directory for codecarbon's own emissions.csv is asked for;
- PUE pinned to 1.0, so stored energies are IT energy and the target region's PUE applies later;
- its log records captured instead of printed; its warnings become the profile's notes,
  because they are where codecarbon says it fell back to an estimate.

Reading the hardware codecarbon set up (which CPU method, which TDP, which GPUs) uses its
tracker's attributes (`_hardware`, `_conf`); those are codecarbon 3.x internals and are read
defensively: a missing attribute yields "unknown", never an exception.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cloudwright.profiler.record import CpuMethod, GpuMethod, RamMethod, TrackingMode

_CPU_MODES: dict[str, CpuMethod] = {
    "intel_rapl": "rapl",
    "windows_emi": "windows-emi",
    "intel_power_gadget": "power-gadget",
    "cpu_load": "cpu-load",
    "constant": "tdp-constant",
}

# codecarbon log lines that are about its own configuration, not about this measurement.
_NOISE = ("Multiple instances of codecarbon are allowed",)


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = " ".join(record.getMessage().split())
        if text and not any(n in text for n in _NOISE) and text not in self.messages:
            self.messages.append(text)


@contextmanager
def quiet_codecarbon() -> Iterator[_Collector]:
    """Route codecarbon's log to a collector (warnings and up) for the block's duration."""
    import codecarbon  # noqa: F401 - its import installs a stderr handler; replace it after

    log = logging.getLogger("codecarbon")
    saved_handlers, saved_level, saved_propagate = list(log.handlers), log.level, log.propagate
    collector = _Collector()
    log.handlers = [collector]
    log.setLevel(logging.WARNING)
    log.propagate = False
    try:
        yield collector
    finally:
        log.handlers = saved_handlers
        log.setLevel(saved_level)
        log.propagate = saved_propagate


def _silence_stream_handlers(collector: _Collector) -> None:
    # The tracker's constructor re-installs a stderr handler; keep only the collector.
    logging.getLogger("codecarbon").handlers = [collector]
    logging.getLogger("codecarbon").setLevel(logging.WARNING)


def make_tracker(
    *,
    workload: str,
    country_iso3: str,
    interval_s: float,
    tracking_mode: TrackingMode,
    collector: _Collector,
    grid_intensity_g_per_kwh: float | None = None,
    csv_dir: Path | None = None,
) -> Any:
    """An OfflineEmissionsTracker configured for one profiling run (see module doc)."""
    from codecarbon import OfflineEmissionsTracker
    from codecarbon.output_methods.base_output import OutputMethod

    kwargs: dict[str, Any] = {"output_methods": []}
    if csv_dir is not None:
        csv_dir.mkdir(parents=True, exist_ok=True)
        kwargs.update(output_methods=[OutputMethod.CSV], output_dir=str(csv_dir))
    if grid_intensity_g_per_kwh is not None:
        kwargs["force_carbon_intensity_g_co2e_kwh"] = grid_intensity_g_per_kwh
    tracker = OfflineEmissionsTracker(
        project_name=workload,
        country_iso_code=country_iso3,
        measure_power_secs=interval_s,
        tracking_mode=tracking_mode,
        emissions_endpoint=None,
        pue=1.0,
        allow_multiple_runs=True,
        log_level="warning",
        **kwargs,
    )
    _silence_stream_handlers(collector)
    return tracker


@dataclass
class DetectedSetup:
    """What codecarbon set up to measure with, in the profile's vocabulary."""

    cpu_method: CpuMethod = "unknown"
    cpu_tdp_w: float | None = None
    cpu_tdp_source: str | None = None
    gpu_method: GpuMethod = "none"
    ram_method: RamMethod = "dimm-model"
    gpu_names: list[str] = field(default_factory=list)


def _tdp_source(tracker: Any, cpu: Any, messages: list[str]) -> str:
    if getattr(tracker, "_force_cpu_power", None) is not None:
        return "user-provided (codecarbon force_cpu_power)"
    if getattr(cpu, "_is_generic_tdp", False):
        return "codecarbon's generic constant: CPU model not detected"
    if any("default power consumption" in m for m in messages):
        return "codecarbon's default per thread: CPU model not in its TDP table"
    return "codecarbon's CPU TDP table"


def _gpu_setup(hw: Any) -> tuple[GpuMethod, list[str]]:
    devices = getattr(hw, "devices", None)
    kinds = {type(d).__name__ for d in getattr(devices, "devices", None) or []}
    method: GpuMethod = "amdsmi" if kinds and all("AMD" in k for k in kinds) else "nvml"
    wanted = set(getattr(hw, "gpu_ids", None) or [])
    names = []
    static = devices.get_gpu_static_info() if devices is not None else []
    for info in static:
        if not wanted or info.get("gpu_index") in wanted:
            names.append(str(info.get("name", "unknown GPU")))
    return method, names


def detect_setup(tracker: Any, messages: list[str]) -> DetectedSetup:
    """Which method codecarbon uses for each part (call after hardware detection)."""
    setup = DetectedSetup()
    for hw in getattr(tracker, "_hardware", []):
        kind = type(hw).__name__
        if kind == "CPU":
            setup.cpu_method = _CPU_MODES.get(str(getattr(hw, "_mode", "")), "unknown")
            if setup.cpu_method in ("cpu-load", "tdp-constant"):
                tdp = getattr(hw, "_tdp", None)
                setup.cpu_tdp_w = float(tdp) if tdp is not None else None
                setup.cpu_tdp_source = _tdp_source(tracker, hw, messages)
        elif kind == "GPU":
            setup.gpu_method, setup.gpu_names = _gpu_setup(hw)
        elif kind == "AppleSiliconChip":
            if getattr(hw, "chip_part", "") == "GPU":
                setup.gpu_method = "powermetrics"
            else:
                setup.cpu_method = "powermetrics"
        elif kind == "Raspberry":
            if getattr(hw, "chip_part", "") == "RAM":
                setup.ram_method = "raspberry-pmic"
            else:
                setup.cpu_method = "raspberry-pmic"
        elif kind == "RAM" and getattr(hw, "_force_ram_power", None) is not None:
            setup.ram_method = "user-constant"
    return setup


def gpu_samples(tracker: Any) -> int:
    """How many NVML utilisation samples codecarbon took (0: its mean is not a measurement)."""
    history = getattr(tracker, "_gpu_utilization_history", None)
    return len(history) if history is not None else 0


def codecarbon_version() -> str:
    from codecarbon import __version__

    return str(__version__)
