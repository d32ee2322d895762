"""Plain-language caveats stored with a profile: what was measured, what was estimated, why.

A reader of `cloudwright profile show` (or of a plan labelled "measured") must be able to
tell a hardware energy counter from codecarbon's fallback estimates; these notes say which
applied on the machine that ran the profile, and quote codecarbon's own warnings.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cloudwright.profiler.record import TrackingMode
from cloudwright.profiler.tracker import DetectedSetup

RAPL_DIR = Path("/sys/class/powercap/intel-rapl")
_MAX_QUOTED = 6
_MAX_QUOTE_CHARS = 240


def _rapl_reason() -> str:
    if not sys.platform.startswith("linux"):
        return ""
    if not RAPL_DIR.exists():
        return f" ({RAPL_DIR} does not exist here: VM, container or non-Intel/AMD powercap)"
    return f" ({RAPL_DIR} exists but its energy files are not readable by this user)"


def _cpu_note(setup: DetectedSetup, tracking_mode: TrackingMode, cpu_count: int) -> str:
    method = setup.cpu_method
    if method == "rapl":
        scope = (
            " They count the whole CPU package, not only this command."
            if tracking_mode == "process"
            else ""
        )
        return "CPU energy measured by RAPL energy counters." + scope
    if method in ("windows-emi", "power-gadget", "powermetrics", "raspberry-pmic"):
        return f"CPU energy measured by {method}."
    tdp = f"{setup.cpu_tdp_w:g} W" if setup.cpu_tdp_w is not None else "an unknown"
    source = f" (TDP from {setup.cpu_tdp_source})" if setup.cpu_tdp_source else ""
    if method == "cpu-load":
        if tracking_mode == "process":
            load = f"this command's CPU time ÷ {cpu_count} logical CPUs"
        else:
            load = "whole-machine CPU load, floor 10 % of TDP"
        return (
            f"No readable RAPL counters{_rapl_reason()}: CPU power is codecarbon's "
            f"CPU-load fallback, an estimate: {tdp} TDP × {load}{source}."
        )
    if method == "tdp-constant":
        return (
            f"No CPU energy counter and no load reading: CPU power is codecarbon's constant "
            f"fallback, an estimate: 50 % of {tdp} TDP whatever the load{source}."
        )
    return "codecarbon did not report how it measured the CPU."


def _gpu_notes(setup: DetectedSetup, tracking_mode: TrackingMode, gpu_samples: int) -> list[str]:
    if setup.gpu_method == "none":
        return [
            "No NVIDIA or AMD GPU found: GPU energy is 0. Plans keep the modelled GPU part "
            "and use this profile for CPU and RAM only."
        ]
    notes = [f"GPU energy measured by {setup.gpu_method} energy counters."]
    if tracking_mode == "process":
        notes.append("GPU counters are per device: every process on the tracked GPUs counts.")
    if gpu_samples == 0:
        notes.append(
            "GPU utilisation was not sampled (run shorter than codecarbon's 1 s monitor): "
            "plans use the measured draw without utilisation scaling."
        )
    return notes


def _ram_note(setup: DetectedSetup, tracking_mode: TrackingMode) -> str:
    if setup.ram_method == "user-constant":
        return "RAM power is a user-provided constant (codecarbon force_ram_power)."
    if setup.ram_method == "raspberry-pmic":
        return "RAM energy measured by the Raspberry Pi PMIC DRAM rails."
    basis = "this command's memory" if tracking_mode == "process" else "the machine's memory"
    return (
        "RAM power is codecarbon's model, an estimate: about 5 W per estimated DIMM on x86 "
        f"(at least 2 DIMMs) for {basis}."
    )


def measurement_notes(
    setup: DetectedSetup,
    *,
    tracking_mode: TrackingMode,
    cpu_count: int,
    gpu_samples: int,
    reaped_before_stop: bool,
    codecarbon_messages: list[str],
) -> list[str]:
    notes = [
        _cpu_note(setup, tracking_mode, cpu_count),
        *_gpu_notes(setup, tracking_mode, gpu_samples),
        _ram_note(setup, tracking_mode),
    ]
    if reaped_before_stop:
        notes.append(
            "This platform has no waitid(): codecarbon's last reading may miss up to one "
            "interval of the command's CPU time."
        )
    for message in codecarbon_messages[:_MAX_QUOTED]:
        quoted = message if len(message) <= _MAX_QUOTE_CHARS else message[:_MAX_QUOTE_CHARS] + "…"
        notes.append(f"codecarbon: {quoted}")
    return notes
