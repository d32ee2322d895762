"""How a profile describes codecarbon's methods, on hardware this machine does not have."""

from __future__ import annotations

from typing import Any

from cloudwright.profiler.notes import measurement_notes
from cloudwright.profiler.record import Measurement
from cloudwright.profiler.tracker import DetectedSetup, detect_setup


class NvidiaGPUDevice:
    pass


class AMDGPUDevice:
    pass


class _Devices:
    def __init__(self, kind: type, names: list[str]) -> None:
        self.devices = [kind() for _ in names]
        self._names = names

    def get_gpu_static_info(self) -> list[dict[str, Any]]:
        return [{"gpu_index": i, "name": n} for i, n in enumerate(self._names)]


class GPU:  # named like codecarbon's hardware classes: detect_setup goes by class name
    def __init__(self, kind: type, names: list[str], gpu_ids: list[int] | None) -> None:
        self.devices = _Devices(kind, names)
        self.gpu_ids = gpu_ids


class CPU:
    def __init__(self, mode: str, tdp: float | None = None, generic: bool = False) -> None:
        self._mode, self._tdp, self._is_generic_tdp = mode, tdp, generic


class RAM:
    def __init__(self, force: float | None = None) -> None:
        self._force_ram_power = force


class _Tracker:
    def __init__(self, *hardware: object, force_cpu_power: float | None = None) -> None:
        self._hardware = list(hardware)
        self._force_cpu_power = force_cpu_power


def test_gpu_node_with_rapl() -> None:
    names = ["NVIDIA H100 80GB HBM3"] * 3
    tracker = _Tracker(RAM(), CPU("intel_rapl"), GPU(NvidiaGPUDevice, names, [0, 2]))
    setup = detect_setup(tracker, [])
    assert (setup.cpu_method, setup.gpu_method, setup.ram_method) == ("rapl", "nvml", "dimm-model")
    assert setup.gpu_names == ["NVIDIA H100 80GB HBM3"] * 2  # only the tracked ids
    assert setup.cpu_tdp_w is None  # RAPL needs no TDP
    notes = measurement_notes(
        setup,
        tracking_mode="process",
        cpu_count=192,
        gpu_samples=0,
        reaped_before_stop=False,
        codecarbon_messages=[],
    )
    text = " ".join(notes)
    assert "CPU energy measured by RAPL" in text and "whole CPU package" in text
    assert "GPU energy measured by nvml" in text and "every process on the tracked GPUs" in text
    assert "GPU utilisation was not sampled" in text


def test_amd_gpus_and_a_user_ram_constant() -> None:
    tracker = _Tracker(RAM(force=24.0), CPU("intel_rapl"), GPU(AMDGPUDevice, ["MI300X"], None))
    setup = detect_setup(tracker, [])
    assert (setup.gpu_method, setup.ram_method) == ("amdsmi", "user-constant")


def test_tdp_sources() -> None:
    table = detect_setup(_Tracker(CPU("cpu_load", 125.0)), [])
    assert table.cpu_tdp_source == "codecarbon's CPU TDP table" and table.cpu_tdp_w == 125.0
    said = ["We will use the default power consumption of 4 W per thread for your 8 CPU, so 32W."]
    default = detect_setup(_Tracker(CPU("cpu_load", 32.0)), said)
    assert default.cpu_tdp_source is not None and "default per thread" in default.cpu_tdp_source
    generic = detect_setup(_Tracker(CPU("constant", 85.0, generic=True)), [])
    assert generic.cpu_method == "tdp-constant" and "not detected" in (generic.cpu_tdp_source or "")
    forced = detect_setup(_Tracker(CPU("cpu_load", 200.0), force_cpu_power=200.0), [])
    assert "user-provided" in (forced.cpu_tdp_source or "")


def test_machine_mode_and_constant_notes() -> None:
    setup = DetectedSetup(cpu_method="tdp-constant", cpu_tdp_w=85.0, cpu_tdp_source="x")
    notes = measurement_notes(
        setup,
        tracking_mode="machine",
        cpu_count=4,
        gpu_samples=0,
        reaped_before_stop=True,
        codecarbon_messages=["a" * 500],
    )
    text = " ".join(notes)
    assert "50 % of 85 W TDP whatever the load" in text
    assert "machine's memory" in text
    assert "no waitid()" in text
    assert any(n.startswith("codecarbon: ") and n.endswith("…") for n in notes)


def test_summary_says_what_was_measured() -> None:
    m = Measurement(
        tracking_mode="machine",
        interval_s=5,
        cpu_method="rapl",
        gpu_method="nvml",
        ram_method="dimm-model",
    )
    assert m.cpu_measured
    assert m.summary == "GPU measured (nvml), CPU measured, RAM estimated"
    load = m.model_copy(update={"cpu_method": "cpu-load", "gpu_method": "none"})
    assert not load.cpu_measured
    assert load.summary == "no GPU, CPU estimated (cpu-load), RAM estimated"
