"""What a pricer may ask while it maps a resource to cost components.

Pricers never read prices: they ask for usage values, hours, and resources referenced
through the graph (an Auto Scaling group's launch template, a node pool's cluster), and
return catalog filters. `PricingContext` answers those questions for one graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cloudwright.core.errors import DataError, UnknownNameError
from cloudwright.pricing.components import Quantity, Unpriced
from cloudwright.pricing.usage import Usage
from cloudwright.resource_graph.facts.index import GraphIndex
from cloudwright.resource_graph.model import Resource

if TYPE_CHECKING:
    from cloudwright.optimizer.catalog import Catalog, InstanceSpec


@dataclass
class PricingContext:
    catalog: Catalog
    resources: list[Resource]
    usage: Usage = field(default_factory=Usage)
    _hours_per_month: float | None = field(default=None, init=False, repr=False)
    _specs: dict[tuple[str, str], InstanceSpec | None] = field(
        default_factory=dict, init=False, repr=False
    )
    _index: GraphIndex | None = field(default=None, init=False, repr=False)
    _egress_owner: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    # ---- time -------------------------------------------------------------------------
    @property
    def hours_per_month(self) -> float:
        """The catalog's month (730 h): what "monthly" means in every report."""
        if self._hours_per_month is None:
            self._hours_per_month = self.catalog.coefficient("hours_per_month").value
        return self._hours_per_month

    def compute_hours(self, resource: Resource) -> float:
        """Hours a machine runs per month: usage (resource, workload, type, *) or all month."""
        value = self.usage.value(resource, "hours_per_month")
        return self.hours_per_month if value is None else value

    def always_on_hours(self, resource: Resource) -> float:
        """Hours of always-on infrastructure (gateways, control planes): a workload's hours do
        not apply, only the resource's own or its type's usage entry."""
        for section, name in (
            ("resources", resource.urn),
            ("resources", resource.name),
            ("defaults", resource.type),
            ("defaults", "*"),
        ):
            values = getattr(self.usage, section).get(name)
            if values and "hours_per_month" in values:
                return float(values["hours_per_month"])
        return self.hours_per_month

    # ---- catalog shapes -----------------------------------------------------------------
    def instance_spec(self, cloud: str, instance_type: str) -> InstanceSpec | None:
        """The catalog's shape of an instance type (GPUs, vCPUs, memory), None when the
        snapshot does not know it; memoised (a fleet asks about the same few types)."""
        key = (cloud, instance_type)
        if key not in self._specs:
            try:
                self._specs[key] = self.catalog.instance(cloud, instance_type)
            except (DataError, UnknownNameError):
                self._specs[key] = None
        return self._specs[key]

    # ---- usage ------------------------------------------------------------------------
    def carries_workload_egress(self, resource: Resource) -> bool:
        """Whether `resource` is the one that carries its workload's egress total: the first
        of the workload's nodes to ask (graph order: the same resource on every run)."""
        key = self.usage.plan_key(resource)  # per region for a split workload
        owner = self._egress_owner.setdefault(key, resource.urn)
        return owner == resource.urn

    def usage_quantity(self, resource: Resource, key: str) -> Quantity:
        """A usage-file quantity, or Unpriced naming the key to set."""
        value = self.usage.value(resource, key)
        if value is None:
            return Unpriced(f"depends on usage: set {key} in the usage file")
        return value

    def usage_value(self, resource: Resource, key: str) -> float | None:
        return self.usage.value(resource, key)

    # ---- references through the graph (the facts layer's index) ---------------------
    @property
    def index(self) -> GraphIndex:
        if self._index is None:
            self._index = GraphIndex(self.resources)
        return self._index

    def of_type(self, *types: str) -> list[Resource]:
        return self.index.of_type(*types)

    def dependents(self, resource: Resource) -> list[Resource]:
        """Resources whose inputs were computed from `resource` (the engine's property
        dependencies point at it): who uses an address, a disk, a template."""
        return self.index.dependents(resource)
