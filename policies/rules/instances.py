"""instance-allow-list, spot-only-in-dev and max-gpus: what compute a stack may launch.

- instance-allow-list (resource): every instance type a resource names — launch templates
  and configurations, instances and spot requests, auto-scaling group and fleet overrides,
  Spot Fleet launch specifications, EKS node groups' `instanceTypes`, capacity
  reservations, GCP instances, templates and GKE node configs (cluster default and inline
  pools too), Azure VMs, scale sets and AKS pools — matches one of `allowed` (globs,
  optionally 'cloud:'-scoped). Not applicable until configured.
- spot-only-in-dev (resource): spot/preemptible capacity only in stacks whose name
  matches `devStacks`; production capacity that can be reclaimed at two minutes' notice
  (30 s on GCP and Azure) is a reliability decision, not a default. Spot is read by the
  facts layer (`resource_graph.facts.market`) in every spelling each cloud has.
- max-gpus (stack): the GPUs the stack launches — nodes × GPUs per node (the catalog's
  shape, plus GCP's attached `guestAccelerators`), summed over every node group of
  `resource_graph.facts.fleet`: auto-scaling groups (template or launch configuration),
  EC2 / Spot Fleets, EKS node groups, MIGs, GKE and AKS pools (inline ones too), scale
  sets, and stand-alone machines under any parent — stay within `maxGpus` and, per GPU
  model, `maxGpusByModel`. A group that may launch several types counts the one with the
  most GPUs. `basis` chooses desired capacity (default) or the scaling ceiling (`maxSize`,
  autoscaler maximums). A count or type that is secret or computed is unchecked.
  Accelerators count alike: Trainium / Inferentia devices and Gaudi cards through their
  instance types (the catalog's `gpu_count`), TPU chips per slice (`rules.accelerators`:
  TPU VMs and queued resources, chips of the accelerator type), under their canonical names
  (TPU-v5p, Trainium1, ...) in `maxGpusByModel`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    ResourceValidationPolicy,
    Severity,
    StackValidationPolicy,
)

from cloudwright.policies import props as p
from cloudwright.policies.adapters import resource_of, stack_graph
from cloudwright.policies.context import RuleContext
from cloudwright.policies.rules.accelerators import tpu_slices
from cloudwright.policies.rules.common import (
    Findings,
    number,
    schema,
    scoped_match,
    settings,
    string_list,
)
from cloudwright.resource_graph.facts.fleet import (
    Gpus,
    NodeGroup,
    SpecOf,
    gpus_per_node,
    node_groups,
    spec_lookup,
)
from cloudwright.resource_graph.facts.index import GraphIndex
from cloudwright.resource_graph.facts.launch import launches, named_types
from cloudwright.resource_graph.facts.machines import definition
from cloudwright.resource_graph.facts.market import Market, market_of
from cloudwright.resource_graph.model import COMPUTED, Resource, Unknown, cloud_of_type

ALLOW_LIST = "instance-allow-list"
SPOT = "spot-only-in-dev"
MAX_GPUS = "max-gpus"

ALLOW_CONFIG = schema(
    {
        "allowed": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "default": [],
            "description": "Allowed instance types as globs ('p5.*', 'gcp:a3-*', 'Standard_ND*').",
        }
    }
)

SPOT_CONFIG = schema(
    {
        "devStacks": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "default": ["dev", "dev-*", "*-dev", "test", "test-*", "*-test"],
            "description": "Stack-name globs where spot/preemptible capacity is allowed.",
        }
    }
)

GPU_CONFIG = schema(
    {
        "maxGpus": {
            "type": "integer",
            "minimum": 0,
            "description": "Most GPUs the stack may launch in total.",
        },
        "maxGpusByModel": {
            "type": "object",
            "additionalProperties": {"type": "integer", "minimum": 0},
            "default": {},
            "description": "Per-GPU-model limits, e.g. {H100: 64}.",
        },
        "basis": {
            "type": "string",
            "enum": ["desired", "max"],
            "default": "desired",
            "description": "Count desired capacity or the auto-scaling ceiling.",
        },
    }
)


def _allow_list(context: RuleContext) -> ResourceValidationPolicy:
    def validate(args: Any, report: Any) -> None:
        resource = resource_of(args)
        named = named_types(resource)
        if named is None:
            return
        patterns = string_list(settings(args, ALLOW_CONFIG)["allowed"])
        if not patterns:
            args.not_applicable("no allowed instance types configured")
        cloud = cloud_of_type(args.resource_type)
        found = Findings()
        for instance_type in dict.fromkeys(named.types):
            if isinstance(instance_type, Unknown):
                found.unknown(named.type_setting or "instance type", instance_type, "not allowed")
            elif scoped_match(cloud, instance_type, patterns) is None:
                found.add(
                    f"instance type {instance_type!r} ({named.type_setting}) is not allowed "
                    f"(allowed: {', '.join(patterns)}): choose an allowed type or extend "
                    "instance-allow-list.allowed"
                )
        found.emit(report)

    return ResourceValidationPolicy(
        name=ALLOW_LIST,
        description="Only approved instance types are launched.",
        validate=validate,
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=ALLOW_CONFIG,
        severity=Severity.MEDIUM,
        tags=["cost", "governance"],
        remediation_steps="Use an instance type from the allow list.",
    )


def _markets(resource: Resource) -> list[Market]:
    """The markets a resource decides itself (a group on a template leaves it to the
    template, which is judged on its own)."""
    own = definition(resource)
    if own is not None:
        return [own.market] if own.market is not None else []
    if resource.type == "aws:autoscaling/group:Group":
        market = market_of(resource)
        return [market] if market is not None else []
    return [launch.market for launch in launches(resource, GraphIndex([resource]))]


def _spot(context: RuleContext) -> ResourceValidationPolicy:
    def validate(args: Any, report: Any) -> None:
        markets = [m for m in _markets(resource_of(args)) if m.spot is not False]
        if not markets:
            return
        found = Findings()
        dev = string_list(settings(args, SPOT_CONFIG)["devStacks"])
        stack = context.stack_name()
        for market in markets:
            if isinstance(market.spot, Unknown):
                found.unknown(market.setting, market.spot, "spot capacity")
                continue
            if not stack:
                args.not_applicable("the stack name is not known")
            if p.glob_match(str(stack), dev) is None:
                found.add(
                    f"{market.label} capacity ({market.setting}) in stack {stack!r}, which is "
                    f"not a dev stack ({', '.join(dev)}): use on-demand capacity here, or add "
                    "the stack to spot-only-in-dev.devStacks"
                )
        found.emit(report)

    return ResourceValidationPolicy(
        name=SPOT,
        description="Spot/preemptible capacity is used only in development stacks.",
        validate=validate,
        enforcement_level=EnforcementLevel.ADVISORY,
        config_schema=SPOT_CONFIG,
        severity=Severity.MEDIUM,
        tags=["reliability", "cost"],
        remediation_steps="Switch production capacity to on-demand (or reserved) pricing.",
    )


def gpu_count(spec_of: SpecOf, group: NodeGroup, basis: str, found: Findings) -> Gpus:
    """The GPUs a node group launches (model, total in `per_node`); unknowns are recorded."""
    gpus = gpus_per_node(spec_of, group.cloud, group.launch)
    if gpus.unknown is not None:
        found.unknown(f"{group.label()}: instance type", gpus.unknown, "more GPUs than allowed")
        return Gpus(None, 0)
    if not group.types and group.launch.template_missing:
        found.unknown(
            f"{group.label()}: instance type ({group.launch.template_missing})",
            COMPUTED,
            "more GPUs than allowed",
        )
        return Gpus(None, 0)
    nodes = group.max_nodes if basis == "max" and group.max_nodes is not None else group.nodes
    if isinstance(nodes, Unknown):
        if gpus.per_node:
            found.unknown(f"{group.label()}: node count", nodes, "more GPUs than allowed")
        return Gpus(gpus.model, 0)
    if not isinstance(nodes, int) or not gpus.per_node:
        return Gpus(gpus.model, 0)
    return Gpus(gpus.model, nodes * gpus.per_node, gpus.instance_type)


def _limit_messages(
    used: dict[str, int], parts: dict[str, list[str]], cfg: dict[str, Any]
) -> list[str]:
    messages = []
    total = sum(used.values())
    cap = number(cfg.get("maxGpus"))
    if cap is not None and total > cap:
        detail = "; ".join(x for model in sorted(parts) for x in parts[model])
        messages.append(
            f"the stack launches {total} GPUs, above maxGpus {int(cap)} ({detail}): reduce "
            "nodes or move workloads to another stack"
        )
    for model, limit in (cfg.get("maxGpusByModel") or {}).items():
        cap = number(limit)
        count = next((n for m, n in used.items() if m.lower() == str(model).lower()), 0)
        if cap is not None and count > cap:
            messages.append(
                f"the stack launches {count} {model} GPUs, above the limit of {int(cap)} "
                f"({'; '.join(parts.get(model, []))}): reduce nodes or pick another GPU"
            )
    return messages


def _max_gpus(context: RuleContext) -> StackValidationPolicy:
    def validate(args: Any, report: Any) -> None:
        cfg = settings(args, GPU_CONFIG)
        if cfg.get("maxGpus") is None and not cfg.get("maxGpusByModel"):
            args.not_applicable("no GPU limit configured")
        used: dict[str, int] = defaultdict(int)
        parts: dict[str, list[str]] = defaultdict(list)
        found = Findings()
        spec_of = spec_lookup(context.catalog())
        graph = stack_graph(args, stack=context.stack_name(), project=context.project_name())
        index = GraphIndex(graph.resources)
        for group in node_groups(index):
            gpus = gpu_count(spec_of, group, str(cfg["basis"]), found)
            if gpus.model and gpus.per_node:
                used[gpus.model] += gpus.per_node
                parts[gpus.model].append(f"{group.label()}: {gpus.per_node} × {gpus.model}")
        for tpu in tpu_slices(index, spec_of):
            if isinstance(tpu.accelerator_type, Unknown):
                found.unknown(
                    f"{tpu.label()}: accelerator type", tpu.accelerator_type, "more chips"
                )
            elif tpu.model and tpu.chips:
                used[tpu.model] += tpu.chips
                parts[tpu.model].append(f"{tpu.label()}: {tpu.chips} × {tpu.model}")
        for message in _limit_messages(used, parts, cfg):
            found.add(message)
        found.emit(report, with_urn=True)

    return StackValidationPolicy(
        name=MAX_GPUS,
        description="The stack launches no more GPUs than its limit (quota, capacity).",
        validate=validate,
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=GPU_CONFIG,
        severity=Severity.MEDIUM,
        tags=["cost", "capacity"],
        remediation_steps="Lower node counts or split the fleet across stacks.",
    )


def policies(context: RuleContext) -> list[Policy]:
    return [_allow_list(context), _spot(context), _max_gpus(context)]
