"""Energy and carbon of a cost component, from the optimizer's energy model.

Compute: `instance_energy` (CCF compute/memory method + the GPU board-power curve), or the
profiler's measured node power for the resource's workload when one exists. Storage: CCF's
W/TB × replication factor; network: CCF's kWh/GB. Each is multiplied by the region's PUE and
carbon by its grid intensity. GPU utilisation comes from the usage file, else the catalog's
`gpu_utilization_default` coefficient, else CCF's assumed average load
(`cpu_utilization_default`). Failures (no region row, instance not in the catalog) give
`EnergyMiss(reason)`, never zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from cloudwright.core.errors import DataError, UnknownNameError
from cloudwright.optimizer.models.energy import (
    carbon_kg,
    instance_energy,
    network_energy_kwh,
    storage_energy_kwh_month,
)
from cloudwright.pricing.components import (
    TB_PER_UNIT,
    ComputeEnergy,
    CostComponent,
    InstanceHours,
    NetworkEnergy,
    StatedEnergy,
    StorageEnergy,
    Unpriced,
)
from cloudwright.pricing.prices import PriceBook
from cloudwright.resource_graph.model import Resource

if TYPE_CHECKING:
    from cloudwright.optimizer.catalog import Catalog
    from cloudwright.optimizer.models.energy import ProfileSource
    from cloudwright.pricing.usage import Usage


@dataclass(frozen=True)
class Energy:
    kwh_month: float
    carbon_kg_month: float
    basis: str  # "modelled" | "measured"


@dataclass(frozen=True)
class EnergyMiss:
    reason: str


@dataclass(frozen=True)
class _Rate:
    """Energy per unit of quantity (node-hour, TB-month or GB) and carbon per kWh."""

    kwh_per_unit: float
    kg_per_kwh: float
    basis: str


class EnergyModel:
    """Energy of components for one estimate (one catalog, usage and profile source).

    Every model in optimizer.models.energy is linear in its quantity, so the model is asked
    once per (cloud, region, instance type, utilisation, workload) or (cloud, region, medium,
    replication) for the energy of one unit, and each component scales it: a 10,000-resource
    stack asks the catalog a few dozen times, not tens of thousands.
    """

    def __init__(
        self,
        catalog: Catalog,
        usage: Usage,
        profiles: ProfileSource | None = None,
        book: PriceBook | None = None,
    ) -> None:
        self.catalog = catalog
        self.book = book or PriceBook(catalog)
        self.usage = usage
        self.profiles = profiles
        self._default_utilization: dict[str, float] = {}
        self._rates: dict[tuple[object, ...], _Rate | EnergyMiss] = {}

    def of(
        self, component: CostComponent, resource: Resource, region: str | None, quantity: float
    ) -> Energy | EnergyMiss | None:
        use = component.energy
        if use is None:
            return None
        if isinstance(use, StatedEnergy):  # own sites: no catalog region to look up
            kwh = use.kwh_per_unit * quantity
            return Energy(kwh, kwh * use.g_per_kwh / 1000.0, "modelled")
        cloud = resource.cloud
        if cloud is None or region is None:
            return EnergyMiss("region unknown: no grid intensity or PUE")
        if isinstance(use, ComputeEnergy):
            rate = self._compute_rate(component, resource, cloud, region)
        elif isinstance(use, StorageEnergy):
            rate = self._rate(("storage", cloud, region, use.medium, use.replication))
            quantity *= TB_PER_UNIT.get(component.unit, TB_PER_UNIT["GB"])
        else:
            assert isinstance(use, NetworkEnergy)
            rate = self._rate(("network", cloud, region))
        if isinstance(rate, EnergyMiss):
            return rate
        kwh = rate.kwh_per_unit * quantity
        return Energy(kwh, kwh * rate.kg_per_kwh, rate.basis)

    def _rate(self, key: tuple[object, ...]) -> _Rate | EnergyMiss:
        """Storage (per TB-month) and network (per GB) rates, memoised."""
        hit = self._rates.get(key)
        if hit is not None:
            return hit
        cloud, region = str(key[1]), str(key[2])
        try:
            if key[0] == "storage":
                medium: Literal["ssd", "hdd"] = "hdd" if key[3] == "hdd" else "ssd"
                replication: Literal["object", "block", "file"] = (
                    "object" if key[4] == "object" else "file" if key[4] == "file" else "block"
                )
                kwh = storage_energy_kwh_month(
                    self.catalog, cloud, region, tb=1.0, medium=medium, replication=replication
                )
            else:
                kwh = network_energy_kwh(self.catalog, cloud, region, 1.0)
            rate: _Rate | EnergyMiss = _Rate(
                kwh, carbon_kg(self.catalog, cloud, region, 1.0), "modelled"
            )
        except (DataError, UnknownNameError) as exc:
            rate = EnergyMiss(exc.message)
        self._rates[key] = rate
        return rate

    def gpu_utilization(self, resource: Resource) -> float:
        value = self.usage.value(resource, "gpu_utilization")
        if value is not None:
            return value
        cloud = resource.cloud or "*"
        if cloud not in self._default_utilization:
            try:
                coefficient = self.catalog.coefficient("gpu_utilization_default", cloud)
            except UnknownNameError:
                coefficient = self.catalog.coefficient("cpu_utilization_default", cloud)
            self._default_utilization[cloud] = coefficient.value
        return self._default_utilization[cloud]

    def _compute_rate(
        self, component: CostComponent, resource: Resource, cloud: str, region: str
    ) -> _Rate | EnergyMiss:
        """Energy of one node-hour (a measured profile, else the model), memoised."""
        price, use = component.price, component.energy
        if not isinstance(price, InstanceHours) or isinstance(price.instance_type, Unpriced):
            return EnergyMiss("instance type unknown")
        shape = use.instance_type if isinstance(use, ComputeEnergy) else None
        instance_type = self.book.canonical_instance_type(cloud, shape or price.instance_type)
        utilization = self.gpu_utilization(resource)
        workload = resource.workload if self.profiles is not None else None
        key = ("compute", cloud, region, instance_type, utilization, workload)
        hit = self._rates.get(key)
        if hit is not None:
            return hit
        try:
            spec = self.catalog.instance(cloud, instance_type)
            if not spec.gpu_count and spec.vcpus is None and spec.memory_gb is None:
                # A price row without a shape: modelling it would print 0 kWh, which is false.
                raise DataError(f"the catalog has no vCPU or memory figures for {instance_type}")
            measured = None
            if self.profiles is not None and workload:
                measured = self.profiles.measured_power(self.catalog, workload, spec, utilization)
            one = instance_energy(
                self.catalog,
                cloud,
                region,
                instance_type,
                nodes=1,
                hours_per_month=1.0,
                gpu_utilization=utilization,
                measured=measured,
            )
            rate: _Rate | EnergyMiss = _Rate(
                one.kwh_month,
                one.carbon_kg_month / one.kwh_month if one.kwh_month else 0.0,
                one.basis,
            )
        except (DataError, UnknownNameError) as exc:
            rate = EnergyMiss(exc.message)
        self._rates[key] = rate
        return rate
