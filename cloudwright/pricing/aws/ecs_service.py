"""ECS service (`aws:ecs/service:Service`) on Fargate: tasks × (vCPU + memory) × hours.

Fargate when `launchType` is FARGATE, or when no launch type is set and the capacity-provider
strategy names FARGATE. The task size is the task definition's `cpu` (CPU units, 1024 per
vCPU) and `memory` (MiB), found through the graph (`taskDefinition`: property dependency or
ARN); arm64 when its `runtimePlatform.cpuArchitecture` says so. Tasks: the usage file's
`nodes`, else `desiredCount` (ECS default 1 for a replica service). FARGATE_SPOT prices vary
by the hour and stay unknown. On the EC2 or EXTERNAL launch type the tasks run on instances
billed elsewhere: nothing here.
"""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent, Quantity, TableRate, Unpriced
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.values import known, num_input, raw, text_input, times
from cloudwright.resource_graph.facts.values import as_list, lookup
from cloudwright.resource_graph.model import Resource

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
CPU_UNITS_PER_VCPU = 1024.0
MIB_PER_GB = 1024.0
DEFAULT_DESIRED = 1.0  # ECS CreateService default for the REPLICA strategy


def _providers(resource: Resource) -> list[str]:
    strategy = raw(resource, "capacityProviderStrategies")
    return [str(lookup(s, "capacityProvider")) for s in as_list(strategy)]


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    launch = text_input(resource, "launch type", "launchType")
    providers = _providers(resource)
    if isinstance(launch, str) and launch.upper() != "FARGATE":
        return []
    if launch is None and not any(p.startswith("FARGATE") for p in providers):
        return []
    task = ctx.index.resolve(
        resource,
        (TASK_DEFINITION,),
        props=("taskDefinition",),
        ids=[raw(resource, "taskDefinition")],
        names=[raw(resource, "taskDefinition")],
    )
    vcpu: Quantity
    memory: Quantity
    arch = "x86_64"
    if task is None:
        vcpu = memory = Unpriced("its task definition is not in this graph")
    else:
        cpu_units = num_input(task, "task cpu", "cpu")
        mib = num_input(task, "task memory", "memory")
        if cpu_units is None or mib is None:
            vcpu = memory = Unpriced("the task definition sets no task-level cpu/memory")
        else:
            vcpu = times(cpu_units, 1 / CPU_UNITS_PER_VCPU)
            memory = times(mib, 1 / MIB_PER_GB)
        platform = text_input(task, "CPU architecture", "runtimePlatform.cpuArchitecture")
        if isinstance(platform, str) and platform.upper() == "ARM64":
            arch = "arm64"
    if "FARGATE_SPOT" in providers:
        vcpu = memory = Unpriced("Fargate Spot prices vary by the hour (not in the table)")
    tasks = ctx.usage_value(resource, "nodes")
    if tasks is None:
        count = num_input(resource, "desired count", "desiredCount")
        tasks_q: Quantity = known(count, DEFAULT_DESIRED)
    else:
        tasks_q = tasks
    task_hours = times(tasks_q, ctx.compute_hours(resource))
    return [
        CostComponent(
            name=f"Fargate vCPU ({arch})",
            unit="vCPU-hours",
            quantity=times(task_hours, vcpu),
            price=TableRate("aws", "fargate", f"vcpu-{arch}", "vCPU-hour"),
        ),
        CostComponent(
            name=f"Fargate memory ({arch})",
            unit="GB-hours",
            quantity=times(task_hours, memory),
            price=TableRate("aws", "fargate", f"memory-{arch}", "GB-hour"),
        ),
    ]


PRICER = Pricer(
    types=("aws:ecs/service:Service",),
    summary="Fargate tasks × task vCPU and memory (from the task definition) × hours; EC2 "
    "launch type billed on the instances",
    price=price,
)
