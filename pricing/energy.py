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
from typing import TYPE_CHECKING

from cloudwright.errors import DataError, UnknownNameError
from optimizer.models.energy import (
    carbon_kg,
    instance_energy,
    network_energy_kwh,
    storage_energy_kwh_month,
)
from pricing.components import (
    TB_PER_UNIT,
    ComputeEnergy,
    CostComponent,
    InstanceHours,
    NetworkEnergy,
    StorageEnergy,
    Unpriced,
)
from pricing.prices import PriceBook
from resource_graph.model import Resource

if TYPE_CHECKING:
    from optimizer.catalog import Catalog
    from optimizer.models.energy import ProfileSource
    from pricing.usage import Usage


@dataclass(frozen=True)
class Energy:
    kwh_month: float
    carbon_kg_month: float
    basis: str  # "modelled" | "measured"


@dataclass(frozen=True)
class EnergyMiss:
    reason: str


class EnergyModel:
    """Energy of components for one estimate (one catalog, usage and profile source)."""

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

    def of(
        self, component: CostComponent, resource: Resource, region: str | None, quantity: float
    ) -> Energy | EnergyMiss | None:
        use = component.energy
        if use is None:
            return None
        cloud = resource.cloud
        if cloud is None or region is None:
            return EnergyMiss("region unknown: no grid intensity or PUE")
        try:
            if isinstance(use, ComputeEnergy):
                return self._compute(component, use, resource, cloud, region, quantity)
            if isinstance(use, StorageEnergy):
                tb = quantity * TB_PER_UNIT.get(component.unit, TB_PER_UNIT["GB"])
                kwh = storage_energy_kwh_month(
                    self.catalog,
                    cloud,
                    region,
                    tb=tb,
                    medium=use.medium,
                    replication=use.replication,
                )
            else:
                assert isinstance(use, NetworkEnergy)
                kwh = network_energy_kwh(self.catalog, cloud, region, quantity)
            return Energy(kwh, carbon_kg(self.catalog, cloud, region, kwh), "modelled")
        except (DataError, UnknownNameError) as exc:
            return EnergyMiss(exc.message)

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

    def _compute(
        self,
        component: CostComponent,
        use: ComputeEnergy,
        resource: Resource,
        cloud: str,
        region: str,
        node_hours: float,
    ) -> Energy | EnergyMiss:
        price = component.price
        if not isinstance(price, InstanceHours) or isinstance(price.instance_type, Unpriced):
            return EnergyMiss("instance type unknown")
        instance_type = self.book.canonical_instance_type(cloud, price.instance_type)
        utilization = self.gpu_utilization(resource)
        measured = None
        if self.profiles is not None and resource.workload:
            spec = self.catalog.instance(cloud, instance_type)
            measured = self.profiles.measured_power(
                self.catalog, resource.workload, spec, utilization
            )
        # node-hours priced as one node running that many hours: the same energy.
        estimate = instance_energy(
            self.catalog,
            cloud,
            region,
            instance_type,
            nodes=1,
            hours_per_month=node_hours,
            gpu_utilization=utilization,
            measured=measured,
        )
        return Energy(estimate.kwh_month, estimate.carbon_kg_month, estimate.basis)
