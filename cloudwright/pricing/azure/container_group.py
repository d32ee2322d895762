"""Azure Container Instances (`azure:containerservice/group:Group`, `azure-native:
containerinstance:ContainerGroup`): the group's vCPUs and GB of memory by the second.

The group bills the sum of its containers' requests: classic `containers[].cpu` /
`.memory` (GB), azure-native `containers[].resources.requests.cpu` / `.memoryInGB`; Linux
or Windows by `osType` (Linux default). Hours: the usage file's `hours_per_month`, else all
month (a group with `restartPolicy: Never` runs once: set its hours). GPUs in a container
are not priced (unknown). Windows' software fee is not in the table (noted).
"""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, Quantity, TableRate, Unpriced
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import number, raw, text_input, times
from cloudwright.resource_graph.facts.values import as_list, first, lookup
from cloudwright.resource_graph.model import Resource


def _sum(containers: list[object], label: str, *paths: str) -> Quantity:
    total = 0.0
    for container in containers:
        value = number(first(container, *paths), label)
        if value is None:
            return Unpriced(f"a container sets no {label}")
        if isinstance(value, Unpriced):
            return value
        total += value
    return total


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    containers = as_list(raw(resource, "containers"))
    os_type = text_input(resource, "OS type", "osType")
    os_label = "windows" if isinstance(os_type, str) and os_type.lower() == "windows" else "linux"
    vcpu = _sum(containers, "cpu", "cpu", "resources.requests.cpu")
    memory = _sum(containers, "memory", "memory", "resources.requests.memoryInGB")
    if not containers:
        vcpu = memory = Unpriced("the group lists no containers")
    if any(lookup(c, "gpu") or lookup(c, "resources.requests.gpu") for c in containers):
        vcpu = Unpriced("GPU container groups are not priced")
    hours = ctx.compute_hours(resource)
    note = "Windows software fee not included" if os_label == "windows" else None
    return [
        CostComponent(
            name=f"vCPU ({os_label})",
            unit="vCPU-hours",
            quantity=times(vcpu, hours),
            price=TableRate("azure", "container_instances", f"vcpu-{os_label}", "vCPU-hour"),
            note=note,
        ),
        CostComponent(
            name=f"Memory ({os_label})",
            unit="GB-hours",
            quantity=times(memory, hours),
            price=TableRate("azure", "container_instances", f"memory-{os_label}", "GB-hour"),
        ),
    ]


PRICER = Pricer(
    types=(
        "azure:containerservice/group:Group",
        "azure-native:containerinstance:ContainerGroup",
    ),
    summary="the containers' vCPU and memory × hours (Linux/Windows)",
    price=price,
)
