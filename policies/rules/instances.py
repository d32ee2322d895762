"""instance-allow-list, spot-only-in-dev and max-gpus: what compute a stack may launch.

- instance-allow-list (resource): every instance type a launch template, instance,
  auto-scaling group override, GCP instance (template) or Azure VM/scale set names
  matches one of `allowed` (globs, optionally 'cloud:'-scoped). Not applicable until
  configured.
- spot-only-in-dev (resource): spot/preemptible capacity only in stacks whose name
  matches `devStacks`; production capacity that can be reclaimed at two minutes' notice
  (30 s on GCP and Azure) is a reliability decision, not a default.
- max-gpus (stack): the GPUs the stack launches — nodes × GPUs per node from the catalog,
  summed over auto-scaling groups, managed instance groups, scale sets and stand-alone
  instances — stay within `maxGpus` and, per GPU model, `maxGpusByModel`. `basis`
  chooses desired capacity (default) or the scaling ceiling (ASG `maxSize`).
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

from cloudwright.core.errors import CloudwrightError
from cloudwright.policies import props as p
from cloudwright.policies.compute import compute_facts
from cloudwright.policies.context import RuleContext
from cloudwright.policies.fleet import NodeGroup, Stack, node_groups
from cloudwright.policies.rules.common import number, schema, scoped_match, settings, string_list

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
        facts = compute_facts(args.resource_type, args.props)
        if facts is None:
            return
        patterns = string_list(settings(args, ALLOW_CONFIG)["allowed"])
        if not patterns:
            args.not_applicable("no allowed instance types configured")
        for instance_type in facts.instance_types:
            if instance_type is p.UNKNOWN:
                p.raise_unknown([facts.type_setting])
            if scoped_match(facts.cloud, str(instance_type), patterns) is None:
                report(
                    f"instance type {instance_type!r} ({facts.type_setting}) is not allowed "
                    f"(allowed: {', '.join(patterns)}): choose an allowed type or extend "
                    "instance-allow-list.allowed"
                )

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


def _spot(context: RuleContext) -> ResourceValidationPolicy:
    def validate(args: Any, report: Any) -> None:
        facts = compute_facts(args.resource_type, args.props)
        if facts is None or facts.spot is False:
            return
        if facts.spot is p.UNKNOWN:
            p.raise_unknown([facts.spot_setting])
        dev = string_list(settings(args, SPOT_CONFIG)["devStacks"])
        stack = context.stack_name()
        if not stack:
            args.not_applicable("the stack name is not known")
        if p.glob_match(str(stack), dev) is None:
            report(
                f"spot/preemptible capacity ({facts.spot_setting}) in stack {stack!r}, which is "
                f"not a dev stack ({', '.join(dev)}): use on-demand capacity here, or add the "
                "stack to spot-only-in-dev.devStacks"
            )

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


def gpu_count(context: RuleContext, group: NodeGroup, basis: str) -> tuple[str | None, int]:
    """(GPU model, GPUs) a node group launches; (None, 0) for CPU or uncatalogued types."""
    if not isinstance(group.instance_type, str):
        return None, 0
    try:
        spec = context.catalog().instance(group.cloud, group.instance_type)
    except CloudwrightError:
        return None, 0
    nodes = group.max_nodes if basis == "max" and group.max_nodes is not None else group.nodes
    if not isinstance(nodes, int) or spec.gpu_count == 0:
        return spec.gpu, 0
    return spec.gpu, nodes * spec.gpu_count


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
        for group in node_groups(Stack.of(args.resources)):
            model, count = gpu_count(context, group, str(cfg["basis"]))
            if model and count:
                used[model] += count
                parts[model].append(f"{group.label()}: {count} × {model}")
        for message in _limit_messages(used, parts, cfg):
            report(message, None)

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
