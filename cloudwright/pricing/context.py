"""What a pricer may ask while it maps a resource to cost components.

Pricers never read prices: they ask for usage values, hours, and resources referenced
through the graph (an Auto Scaling group's launch template, a node pool's cluster), and
return catalog filters. `PricingContext` answers those questions for one graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cloudwright.core.errors import DataError, UnknownNameError
from cloudwright.pricing.components import Quantity, Unpriced
from cloudwright.pricing.usage import Usage
from cloudwright.resource_graph.model import Resource, Unknown

if TYPE_CHECKING:
    from cloudwright.optimizer.catalog import Catalog, InstanceSpec


@dataclass
class PricingContext:
    catalog: Catalog
    resources: list[Resource]
    usage: Usage = field(default_factory=Usage)
    _by_urn: dict[str, Resource] = field(init=False, repr=False)
    _by_type: dict[str, list[Resource]] = field(init=False, repr=False)
    _hours_per_month: float | None = field(default=None, init=False, repr=False)
    _specs: dict[tuple[str, str], InstanceSpec | None] = field(
        default_factory=dict, init=False, repr=False
    )
    _dependents: dict[str, list[Resource]] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_urn = {r.urn: r for r in self.resources}
        self._by_type = {}
        for r in self.resources:
            self._by_type.setdefault(r.type, []).append(r)

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
    def usage_quantity(self, resource: Resource, key: str) -> Quantity:
        """A usage-file quantity, or Unpriced naming the key to set."""
        value = self.usage.value(resource, key)
        if value is None:
            return Unpriced(f"depends on usage: set {key} in the usage file")
        return value

    def usage_value(self, resource: Resource, key: str) -> float | None:
        return self.usage.value(resource, key)

    # ---- references through the graph ---------------------------------------------------
    def of_type(self, *types: str) -> list[Resource]:
        return [r for t in types for r in self._by_type.get(t, [])]

    def referenced(
        self,
        resource: Resource,
        types: Iterable[str],
        *,
        prop: str,
        id_value: Any = None,
        name_value: Any = None,
    ) -> Resource | None:
        """The resource of one of `types` that `resource` points at through input `prop`.

        Tries, in order: the engine's property dependencies (exact, works in previews where
        ids are unknown), the referenced id against each candidate's id, then the name
        against each candidate's name inputs and logical name.
        """
        wanted = tuple(types)
        for urn in resource.property_dependencies.get(prop, []):
            hit = self._by_urn.get(urn)
            if hit is not None and hit.type in wanted:
                return hit
        candidates = self.of_type(*wanted)
        if _known(id_value):
            for c in candidates:
                if id_value in (c.outputs.get("id"), c.inputs.get("id"), c.outputs.get("selfLink")):
                    return c
        if _known(name_value):
            for c in candidates:
                if name_value in _names(c):
                    return c
        return None

    def dependents(self, resource: Resource) -> list[Resource]:
        """Resources whose inputs were computed from `resource` (the engine's property
        dependencies point at it): who uses an address, a disk, a template."""
        if self._dependents is None:
            index: dict[str, list[Resource]] = {}
            for r in self.resources:
                for urn in {u for urns in r.property_dependencies.values() for u in urns}:
                    index.setdefault(urn, []).append(r)
            self._dependents = index
        return self._dependents.get(resource.urn, [])


def _known(value: Any) -> bool:
    return value is not None and not isinstance(value, Unknown) and value != ""


def _names(resource: Resource) -> set[Any]:
    names: set[Any] = {resource.name}
    for bag in (resource.inputs, resource.outputs):
        for key in ("name", "resourceName", "namePrefix"):
            value = bag.get(key)
            if isinstance(value, str):
                names.add(value)
    return names
