"""Turn a measured profile into the per-node IT power of a target instance.

A profile says what one run drew on the machine that ran it. A plan needs the power of a
node of *another* instance type at the workload's planned utilisation. Per part:

    GPU  = n_target × (P_gpu / n_measured) × (board_target / board_measured)
                    × curve(u_planned) / curve(u_measured)
           with curve(u) = idle + (1 − idle) × u   (idle = catalog `gpu_idle_fraction`)
    CPU  = P_cpu × vCPUs_target / logical CPUs_measured
    RAM  = P_ram × memory_target / memory_measured

where P_x is the profile's average power of part x (energy ÷ duration). When a factor cannot
be formed the part falls back to the energy model's figure and the note says so:
- the measuring machine had no GPU (or a GPU the catalog does not know) → the GPU part is
  the modelled one; only CPU + RAM are measured;
- the NVML utilisation was not sampled → no utilisation factor (the measured draw is used
  as is, at whatever utilisation the run had);
- the target's vCPUs or memory are unknown → that part is modelled.

Pure: reads the catalog, prints nothing, mutates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from cloudwright.optimizer.catalog import Catalog, InstanceSpec
from cloudwright.optimizer.models.energy import MeasuredPower, node_power
from cloudwright.profiler.gpu_names import common_catalog_gpu
from cloudwright.profiler.record import Profile


@dataclass(frozen=True)
class ScaledPower:
    """Per-node IT power of a target instance derived from a profile, by part (W)."""

    gpu_w: float
    cpu_w: float
    ram_w: float
    gpu_basis: str  # "measured" | "modelled" | "none"
    cpu_basis: str
    ram_basis: str
    steps: tuple[str, ...]  # how each part was scaled, in words

    @property
    def total_w(self) -> float:
        return self.gpu_w + self.cpu_w + self.ram_w


def _gpu_curve(idle_fraction: float, utilization: float) -> float:
    u = min(max(utilization, 0.0), 1.0)
    return idle_fraction + (1.0 - idle_fraction) * u


def _scale_gpu(
    catalog: Catalog,
    profile: Profile,
    spec: InstanceSpec,
    gpu_utilization: float,
    modelled_gpu_w: float,
) -> tuple[float, str, str]:
    """(watts, basis, step) for the GPU part."""
    hw = profile.hardware
    if not spec.gpu or not spec.gpu_count:
        return 0.0, "none", "target has no GPU"
    if hw.gpu_count == 0 or profile.energy.gpu_kwh <= 0:
        return (
            modelled_gpu_w,
            "modelled",
            "GPU modelled (the profiled machine had no GPU)",
        )
    measured_gpu = common_catalog_gpu(hw.gpu_names, catalog.gpu_names())
    if measured_gpu is None:
        return (
            modelled_gpu_w,
            "modelled",
            f"GPU modelled (profiled GPU {hw.gpu_model or '?'} is not in the catalog)",
        )
    per_gpu_w = profile.average_power_w()["gpu"] / hw.gpu_count
    board_measured = catalog.gpu(measured_gpu).board_power_w
    board_target = catalog.gpu(spec.gpu).board_power_w
    watts = per_gpu_w * spec.gpu_count * board_target / board_measured
    step = (
        f"GPU measured {hw.gpu_count}×{measured_gpu} → {spec.gpu_count}×{spec.gpu} "
        f"(board {board_measured:g}→{board_target:g} W)"
    )
    measured_u = profile.utilization.gpu
    if measured_u is None:
        return watts, "measured", step + "; GPU utilisation not sampled: no utilisation scaling"
    idle = catalog.coefficient("gpu_idle_fraction", spec.cloud).value
    factor = _gpu_curve(idle, gpu_utilization) / _gpu_curve(idle, measured_u)
    step += f", utilisation {measured_u:.2f}→{gpu_utilization:.2f}"
    return watts * factor, "measured", step


def scale_profile(
    catalog: Catalog, profile: Profile, spec: InstanceSpec, gpu_utilization: float
) -> ScaledPower:
    """Per-node IT power of `spec` at `gpu_utilization`, from `profile` (see module doc)."""
    modelled = node_power(catalog, spec, gpu_utilization)
    gpu_w, gpu_basis, gpu_step = _scale_gpu(catalog, profile, spec, gpu_utilization, modelled.gpu_w)
    avg = profile.average_power_w()
    hw = profile.hardware
    steps = [gpu_step]
    if spec.vcpus:
        cpu_w, cpu_basis = avg["cpu"] * spec.vcpus / hw.cpu_count, "measured"
        steps.append(f"CPU ×{spec.vcpus:g}/{hw.cpu_count} vCPU")
    else:
        cpu_w, cpu_basis = modelled.cpu_w, "modelled"
        steps.append("CPU modelled (target vCPUs unknown)")
    if spec.memory_gb:
        ram_w, ram_basis = avg["ram"] * spec.memory_gb / hw.ram_total_gb, "measured"
        steps.append(f"RAM ×{spec.memory_gb:g}/{hw.ram_total_gb:.1f} GB")
    else:
        ram_w, ram_basis = modelled.memory_w, "modelled"
        steps.append("RAM modelled (target memory unknown)")
    return ScaledPower(gpu_w, cpu_w, ram_w, gpu_basis, cpu_basis, ram_basis, tuple(steps))


def describe(profile: Profile, spec: InstanceSpec, scaled: ScaledPower) -> str:
    """The `source` string of a MeasuredPower: what was measured, when, how it was scaled."""
    m = profile.measurement
    return (
        f"profile {profile.workload!r} {profile.date} (codecarbon {profile.codecarbon_version}, "
        f"{m.tracking_mode} mode; {m.summary}) scaled to {spec.cloud}:{spec.instance_type}: "
        + "; ".join(scaled.steps)
    )


def measured_power_from(
    catalog: Catalog, profile: Profile, spec: InstanceSpec, gpu_utilization: float
) -> MeasuredPower:
    scaled = scale_profile(catalog, profile, spec, gpu_utilization)
    return MeasuredPower(node_it_power_w=scaled.total_w, source=describe(profile, spec, scaled))
