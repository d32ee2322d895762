"""One machine as a resource defines it: instance types, market, attached GPUs; counts.

`definition(resource)` reads what an instance, VM or template says about one machine
(`instanceType`, `machineType`, `hardwareProfile.vmSize`, `size`, `vmSize`; the market from
`facts.market`; GCP `guestAccelerators`); `merge` lays a launcher's own settings over its
template's. `Launch` (built in `facts.launch`) is a pool of such machines with its counts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cloudwright.resource_graph.facts import market as mk
from cloudwright.resource_graph.facts.values import (
    as_int,
    as_list,
    last_segment,
    lookup,
    read,
    text,
)
from cloudwright.resource_graph.model import Resource, Unknown

Count = int | Unknown | None
TypeName = str | Unknown

LT = "aws:ec2/launchTemplate:LaunchTemplate"
LC = "aws:ec2/launchConfiguration:LaunchConfiguration"
AWS_TEMPLATES = (LT, LC)
GCP_TEMPLATES = (
    "gcp:compute/instanceTemplate:InstanceTemplate",
    "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
)
EKS_DEFAULT_INSTANCE_TYPE = "t3.medium"  # EKS CreateNodegroup API default
GKE_DEFAULT_MACHINE_TYPE = "e2-medium"  # GKE API default
GKE_REGIONAL_DEFAULT_ZONES = 3  # a regional pool without nodeLocations spans three zones


@dataclass(frozen=True)
class Accelerator:
    """GPUs attached to each machine (GCP `guestAccelerators`): type and count per node."""

    type: TypeName | None
    count: Count


@dataclass(frozen=True)
class Definition:
    """One machine as a resource or template defines it."""

    types: list[TypeName] = field(default_factory=list)  # every type it may launch
    type_setting: str = ""
    market: mk.Market | None = None
    accelerators: list[Accelerator] = field(default_factory=list)


@dataclass(frozen=True)
class Launch:
    """Machines a resource launches (one pool of it)."""

    resource: Resource
    kind: str  # "auto-scaling group", "instance", "node pool", ...
    definition: Definition
    nodes: Count  # declared (desired) count
    max_nodes: Count
    nodes_setting: str = ""
    template: Resource | None = None
    template_missing: str | None = None  # why a referenced template was not found
    label: str = ""  # the pool's name, for a cluster's inline pools
    props: Mapping[str, Any] = field(default_factory=dict)  # the inputs describing one node

    @property
    def types(self) -> list[TypeName]:
        return self.definition.types

    @property
    def instance_type(self) -> TypeName | None:
        """The type priced and shown (the first override / listed type)."""
        return self.definition.types[0] if self.definition.types else None

    @property
    def market(self) -> mk.Market:
        return self.definition.market or mk.ON_DEMAND

    @property
    def holder(self) -> Resource:
        """The resource whose inputs describe one node: the template, else the launcher."""
        return self.template or self.resource


def type_list(*values: Any) -> list[TypeName]:
    out: list[TypeName] = []
    for value in values:
        if isinstance(value, Unknown):
            out.append(value)
        elif isinstance(value, str) and value.strip():
            out.append(last_segment(value.strip()))
    return out


def _accelerators(value: Any) -> list[Accelerator]:
    out = []
    for item in as_list(value):
        if isinstance(item, Mapping):
            count = as_int(item.get("count"))
            kind = text(item.get("type"))
            out.append(
                Accelerator(
                    last_segment(kind) if isinstance(kind, str) else kind,
                    1 if count is None else count,
                )
            )
    return out


# ---- definitions: what one machine is ----------------------------------------------------
def aws_definition(resource: Resource) -> Definition:
    market = mk.market_of(resource)
    return Definition(type_list(read(resource, "instanceType")), "instanceType", market)


def gcp_definition(resource: Resource) -> Definition:
    return Definition(
        type_list(read(resource, "machineType")),
        "machineType",
        mk.market_of(resource),
        _accelerators(read(resource, "guestAccelerators")),
    )


def node_config(config: Any, setting: str) -> Definition:
    machine = lookup(config, "machineType") if isinstance(config, Mapping) else config
    types = type_list(machine) or [GKE_DEFAULT_MACHINE_TYPE]
    return Definition(
        types,
        f"{setting}.machineType",
        mk.gcp_scheduling(config if config is not None else {}, f"{setting}."),
        _accelerators(lookup(config, "guestAccelerators")),
    )


def _azure_definition(size_path: str) -> Callable[[Resource], Definition]:
    def read_size(resource: Resource) -> Definition:
        return Definition(
            type_list(read(resource, size_path)), size_path, mk.market_of(resource) or mk.ON_DEMAND
        )

    return read_size


DEFINITIONS: dict[str, Callable[[Resource], Definition]] = {
    "aws:ec2/instance:Instance": aws_definition,
    "aws:ec2/spotInstanceRequest:SpotInstanceRequest": aws_definition,
    LT: aws_definition,
    LC: aws_definition,
    "aws:ec2/capacityReservation:CapacityReservation": aws_definition,
    "gcp:compute/instance:Instance": gcp_definition,
    "gcp:compute/instanceFromTemplate:InstanceFromTemplate": gcp_definition,
    **{t: gcp_definition for t in GCP_TEMPLATES},
    "azure-native:compute:VirtualMachine": _azure_definition("hardwareProfile.vmSize"),
    "azure:compute/linuxVirtualMachine:LinuxVirtualMachine": _azure_definition("size"),
    "azure:compute/windowsVirtualMachine:WindowsVirtualMachine": _azure_definition("size"),
    "azure:compute/virtualMachine:VirtualMachine": _azure_definition("vmSize"),
}


def definition(resource: Resource) -> Definition | None:
    """The machine a template, instance or VM defines by itself (None for other types)."""
    reader = DEFINITIONS.get(resource.type)
    return reader(resource) if reader is not None else None


def merge(own: Definition, template: Resource | None) -> Definition:
    """Own settings over the template's: the launcher's own types win; its market wins when
    it decides one (spot, or unknown), else the template's applies."""
    base = definition(template) if template is not None else None
    if base is None or template is None:
        return own
    types = own.types or base.types
    setting = own.type_setting if own.types else f"{base.type_setting} of {template.name}"
    market = own.market
    undecided = market is None or market.spot is False
    if undecided and base.market is not None and (market is None or base.market.spot is not False):
        market = base.market
    return Definition(types, setting, market, own.accelerators or base.accelerators)


# ---- counts ----------------------------------------------------------------------------
def count_of(value: Any) -> Count:
    number = as_int(value)
    if isinstance(number, int) and number < 0:
        return None
    return number


def first_count(resource: Resource, *paths: str) -> tuple[Count, str]:
    for path in paths:
        value = read(resource, path)
        if value is not None:
            return count_of(value), path
    return None, paths[0]
