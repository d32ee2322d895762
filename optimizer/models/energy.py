"""Energy and carbon of running instances: Cloud Carbon Footprint's method plus GPUs.

Per node, average IT power is
    GPUs × board power × (idle + (1 − idle) × utilisation)       (GPU curve, linear)
  + GPUs × platform W × (idle + (1 − idle) × utilisation)        (server platform)
  + vCPUs × (min W + cpu utilisation × (max W − min W))          (CCF compute)
  + memory GB × W/GB                                             (CCF memory)
Board and platform power are those of the offering's GPU variant (`gpu_variant`: an NC A100
v4's PCIe A100 draws 300 W, a p4d's SXM4 400 W). The platform term is the NVSwitch, NICs,
fans, local storage and power conversion of a GPU server, per GPU, derived from a published
system maximum (DGX H100 10.2 kW: catalog `gpus.platform_w_per_gpu`); it follows the GPU
curve because fans and conversion losses track the load. Variants without a published system
figure have none (docs/catalog.md, "GPU power").
and facility energy is IT energy × the region's PUE. Carbon is kWh × the region's grid
intensity; embodied emissions (per GPU-month) are optional and reported separately.

Every coefficient comes from the catalog's `coefficients` table with its source. These are
estimates: reports must say so. A measured profile (profiler/) replaces the modelled node
power when one exists, and the estimate then says "measured".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from cloudwright.optimizer.catalog import Catalog, InstanceSpec


@dataclass(frozen=True)
class NodePower:
    """Average IT power of one node, by part (W, before PUE)."""

    gpu_w: float
    cpu_w: float
    memory_w: float
    platform_w: float = 0.0  # NVSwitch, NICs, fans, storage, conversion (GPU servers)

    @property
    def total_w(self) -> float:
        return self.gpu_w + self.cpu_w + self.memory_w + self.platform_w


@dataclass(frozen=True)
class MeasuredPower:
    """A measured per-node IT power for a target instance (built by profiler/ from a profile)."""

    node_it_power_w: float
    source: str  # e.g. "profile 'embed' 2026-11-20 (codecarbon 3.3.2), scaled L4→H100"


class ProfileSource(Protocol):
    """Where measured energy comes from (profiler.ProfileStore implements it)."""

    def measured_power(
        self, catalog: Catalog, workload: str, spec: InstanceSpec, gpu_utilization: float
    ) -> MeasuredPower | None:
        """Measured per-node IT power of `workload` scaled to `spec`, or None if unprofiled."""
        ...


@dataclass(frozen=True)
class EnergyEstimate:
    kwh_month: float
    carbon_kg_month: float
    embodied_kg_month: float
    node_it_power_w: float
    pue: float
    grid_intensity_g_per_kwh: float
    basis: Literal["modelled", "measured"]
    note: str


def node_power(
    catalog: Catalog,
    spec: InstanceSpec,
    gpu_utilization: float,
    cpu_utilization: float | None = None,
) -> NodePower:
    """Modelled average IT power of one node of `spec` at the given utilisation."""
    u = min(max(gpu_utilization, 0.0), 1.0)
    cloud = spec.cloud
    gpu_w = platform_w = 0.0
    if spec.gpu and spec.gpu_count:
        idle = catalog.coefficient("gpu_idle_fraction", cloud).value
        gpu = catalog.gpu(spec.gpu, spec.gpu_variant)
        curve = spec.gpu_count * (idle + (1.0 - idle) * u)
        gpu_w = curve * gpu.board_power_w
        platform_w = curve * gpu.platform_w_per_gpu
    cpu_u = cpu_utilization
    if cpu_u is None:
        cpu_u = catalog.coefficient("cpu_utilization_default", cloud).value
    cpu_u = min(max(cpu_u, 0.0), 1.0)
    min_w = catalog.coefficient("cpu_min_w_per_vcpu", cloud).value
    max_w = catalog.coefficient("cpu_max_w_per_vcpu", cloud).value
    cpu_w = (spec.vcpus or 0.0) * (min_w + cpu_u * (max_w - min_w))
    memory_w = (spec.memory_gb or 0.0) * catalog.coefficient("memory_w_per_gb", cloud).value
    return NodePower(gpu_w=gpu_w, cpu_w=cpu_w, memory_w=memory_w, platform_w=platform_w)


def instance_energy(
    catalog: Catalog,
    cloud: str,
    region: str,
    instance_type: str,
    *,
    nodes: int,
    hours_per_month: float,
    gpu_utilization: float,
    measured: MeasuredPower | None = None,
    include_embodied: bool = False,
) -> EnergyEstimate:
    """Monthly facility energy and carbon of `nodes` instances running `hours_per_month`."""
    spec = catalog.instance(cloud, instance_type)
    where = catalog.region(cloud, region)
    basis: Literal["modelled", "measured"]
    if measured is not None:
        it_w, basis, note = measured.node_it_power_w, "measured", measured.source
    else:
        it_w = node_power(catalog, spec, gpu_utilization).total_w
        basis, note = (
            "modelled",
            "estimate: CCF compute/memory method + GPU board and platform power curve",
        )
    kwh = it_w * nodes * hours_per_month / 1000.0 * where.pue
    carbon = kwh * where.grid_intensity_g_per_kwh / 1000.0
    embodied = 0.0
    if include_embodied and spec.gpu_count:
        per_gpu_month = catalog.coefficient("embodied_kg_per_gpu_month", cloud).value
        hours_month = catalog.coefficient("hours_per_month").value
        embodied = per_gpu_month * spec.gpu_count * nodes * hours_per_month / hours_month
    return EnergyEstimate(
        kwh_month=kwh,
        carbon_kg_month=carbon,
        embodied_kg_month=embodied,
        node_it_power_w=it_w,
        pue=where.pue,
        grid_intensity_g_per_kwh=where.grid_intensity_g_per_kwh,
        basis=basis,
        note=note,
    )


def storage_energy_kwh_month(
    catalog: Catalog,
    cloud: str,
    region: str,
    *,
    tb: float,
    medium: Literal["ssd", "hdd"],
    replication: Literal["object", "block", "file"],
) -> float:
    """CCF storage energy: TB × W/TB × replication × hours × PUE."""
    w_per_tb = catalog.coefficient(f"{medium}_w_per_tb", cloud).value
    factor = catalog.coefficient(f"replication_{replication}", cloud).value
    hours = catalog.coefficient("hours_per_month").value
    pue = catalog.region(cloud, region).pue
    return tb * w_per_tb * factor * hours / 1000.0 * pue


def network_energy_kwh(catalog: Catalog, cloud: str, region: str, gb: float) -> float:
    """CCF networking energy for data moved across the network."""
    pue = catalog.region(cloud, region).pue
    return gb * catalog.coefficient("network_kwh_per_gb", cloud).value * pue


def carbon_kg(catalog: Catalog, cloud: str, region: str, kwh: float) -> float:
    return kwh * catalog.region(cloud, region).grid_intensity_g_per_kwh / 1000.0
