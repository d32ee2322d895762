"""gpu-fabric: a multi-node GPU cluster gets the placement and the fabric its nodes need.

Without them NCCL falls back to ordinary TCP between nodes and an 8-GPU node pays for
3.2 Tb/s of fabric it never uses. For every node group (see `policies.fleet`) of at least
`minNodes` GPU nodes whose instance type has a fabric in the catalog (or whose workload is
listed in `fabricRequiredWorkloads`):
- AWS: a placement group with strategy 'cluster' (on the auto-scaling group, the launch
  template's `placement`, or the instance), and as many EFA interfaces
  (`interfaceType: efa`/`efa-only`) as the catalog's `interconnect_nics` for the type
  (p5.48xlarge: 32, one per network card).
- GCP: a compact placement resource policy (`groupPlacementPolicy.collocation:
  COLLOCATED`, or a HIGH_THROUGHPUT workload policy) on the template/instances, with
  `vmCount` ≥ the nodes; and the GPUDirect NICs: A3 High/Mega (TCPX/TCPXO) one gVNIC plus
  the catalog's count of extra NICs, A3 Ultra/A4 (RDMA) that many `nicType: MRDMA` NICs.
- Azure: InfiniBand spans one placement group, so a scale set keeps
  `singlePlacementGroup` (not false) and at most 100 VMs; stand-alone VMs share one
  availability set or scale set.
A workload in `fabricRequiredWorkloads` on an instance type without any fabric is a
violation of its own: pick an EFA / InfiniBand / GPUDirect type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from cloudwright.core.errors import CloudwrightError
from cloudwright.policies import props as p
from cloudwright.policies.context import RuleContext
from cloudwright.policies.fleet import NodeGroup, Stack, StackResource, node_groups, workload_of
from cloudwright.policies.rules.common import schema, settings, string_list

if TYPE_CHECKING:
    from cloudwright.optimizer.catalog.catalog import InstanceSpec

NAME = "gpu-fabric"

CONFIG = schema(
    {
        "minNodes": {
            "type": "integer",
            "minimum": 2,
            "default": 2,
            "description": "Node count from which a GPU group counts as a cluster.",
        },
        "fabricRequiredWorkloads": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "default": [],
            "description": "Workload-tag globs that must run on a fabric even if their "
            "instance type has none.",
        },
    }
)

AWS_PG = ("aws:ec2/placementGroup:PlacementGroup",)
AWS_ENI = ("aws:ec2/networkInterface:NetworkInterface",)
GCP_POLICY = ("gcp:compute/resourcePolicy:ResourcePolicy",)
EFA_TYPES = ("efa", "efa-only")
AZURE_PLACEMENT_GROUP_MAX_VMS = 100  # Azure's cap on a single-placement-group scale set

Finding = tuple[str, str]  # (message, urn)


def _aws_placement(stack: Stack, group: NodeGroup) -> list[str]:
    refs: list[tuple[StackResource, str, Any]] = [
        (group.anchor, "placementGroup", group.anchor.get("placementGroup")),
        (group.anchor, "placementGroupId", group.anchor.get("placementGroupId")),
    ]
    if group.template is not None:
        refs += [
            (group.template, "placement", group.template.get("placement.groupName")),
            (group.template, "placement", group.template.get("placement.groupId")),
        ]
    given = [(src, prop, value) for src, prop, value in refs if value is not None]
    if not given:
        return [
            "no placement group: create an aws.ec2.PlacementGroup with strategy 'cluster' and "
            "set placementGroup on the group (or placement.groupName in the launch template)"
        ]
    for source, prop, value in given:
        pg = stack.resolve(source, prop, value, AWS_PG)
        strategy = pg.get("strategy") if pg is not None else None
        if pg is not None and isinstance(strategy, str) and strategy != "cluster":
            return [f"placement group '{pg.name}' uses strategy {strategy!r}: use 'cluster'"]
    return []


def _efa_count(stack: Stack, group: NodeGroup) -> Any:
    definition = group.definition
    interfaces = definition.get("networkInterfaces")
    if p.is_unknown(interfaces):
        return p.UNKNOWN
    count = 0
    for nic in p.as_list(interfaces):
        kind = p.get(nic, "interfaceType")
        if kind is None and p.get(nic, "networkInterfaceId") is not None:
            eni = stack.resolve(
                definition, "networkInterfaces", p.get(nic, "networkInterfaceId"), AWS_ENI
            )
            kind = eni.get("interfaceType") if eni is not None else None
        count += 1 if kind in EFA_TYPES else 0
    return count


def _aws_fabric(stack: Stack, group: NodeGroup, spec: InstanceSpec) -> list[str]:
    found = _aws_placement(stack, group)
    count = _efa_count(stack, group)
    wanted = spec.interconnect_nics or 1
    where = "the launch template" if group.template is not None else "the instance"
    if count is p.UNKNOWN or count == wanted:
        return found
    if count == 0:
        found.append(
            f"no EFA interfaces: add {wanted} networkInterfaces with interfaceType 'efa' to "
            f"{where} (one per network card, networkCardIndex 0–{wanted - 1}; the catalog "
            f"lists {wanted} for {spec.instance_type})"
        )
    elif count < wanted:
        found.append(
            f"{count} of {wanted} EFA interfaces: {spec.instance_type} has {wanted} network "
            f"cards; add the other {wanted - count} to {where}"
        )
    else:
        found.append(
            f"{count} EFA interfaces, but {spec.instance_type} supports {wanted}: remove "
            f"{count - wanted} from {where}"
        )
    return found


def _gcp_policies(stack: Stack, group: NodeGroup) -> tuple[bool, list[StackResource]]:
    """(any reference given, the resource policies that resolve)."""
    definition = group.definition
    refs = definition.get("resourcePolicies")
    given = [p.UNKNOWN] if p.is_unknown(refs) else [r for r in p.as_list(refs) if r is not None]
    workload_ref = group.anchor.get("resourcePolicies.workloadPolicy")
    found = [stack.resolve(definition, "resourcePolicies", ref, GCP_POLICY) for ref in given]
    if workload_ref is not None:
        given.append(workload_ref)
        found.append(stack.resolve(group.anchor, "resourcePolicies", workload_ref, GCP_POLICY))
    return bool(given), [f for f in found if f is not None]


def _gcp_placement(stack: Stack, group: NodeGroup) -> list[str]:
    given, policies = _gcp_policies(stack, group)
    hint = (
        "create a gcp.compute.ResourcePolicy with groupPlacementPolicy.collocation "
        "'COLLOCATED' and list it in the template's resourcePolicies"
    )
    if not given:
        return [f"no compact placement policy: {hint}"]
    if not policies:
        return []  # policies defined outside the stack: their settings cannot be seen here
    for policy in policies:
        if policy.get("workloadPolicy.type") == "HIGH_THROUGHPUT":
            return []
        if policy.get("groupPlacementPolicy.collocation") == "COLLOCATED":
            vm_count = p.as_int(policy.get("groupPlacementPolicy.vmCount"))
            if (
                isinstance(vm_count, int)
                and isinstance(group.nodes, int)
                and vm_count < group.nodes
            ):
                return [
                    f"compact placement policy '{policy.name}' holds vmCount {vm_count}, fewer "
                    f"than the {group.nodes} nodes: set vmCount to {group.nodes}"
                ]
            return []
    return [
        f"resource policies {', '.join(x.name for x in policies)} do not collocate the nodes: {hint}"
    ]


def _gcp_fabric(stack: Stack, group: NodeGroup, spec: InstanceSpec) -> list[str]:
    found = _gcp_placement(stack, group)
    raw = group.definition.get("networkInterfaces")
    if p.is_unknown(raw) or spec.interconnect_nics is None:
        return found
    nics = p.as_list(raw)
    wanted = spec.interconnect_nics
    if spec.interconnect == "GPUDirect-RDMA":
        have = sum(1 for nic in nics if str(p.get(nic, "nicType", "")).upper() == "MRDMA")
        if have < wanted:
            found.append(
                f"{have} of {wanted} RDMA NICs: {spec.instance_type} needs {wanted} "
                "networkInterfaces with nicType 'MRDMA' (on the RDMA VPC) besides its gVNICs"
            )
    elif len(nics) - 1 < wanted:
        found.append(
            f"{max(len(nics) - 1, 0)} of {wanted} GPUDirect data NICs: {spec.instance_type} "
            f"({spec.interconnect}) needs 1 gVNIC plus {wanted} networkInterfaces, each on its "
            "own VPC subnet"
        )
    return found


def _set_ref(vm: StackResource) -> Any:
    """The availability set or scale set a stand-alone VM joins (UNKNOWN if computed)."""
    for key in ("availabilitySet.id", "virtualMachineScaleSet.id"):
        value = vm.get(key)
        if value is not None:
            return value
    return None


def _azure_fabric(stack: Stack, group: NodeGroup, spec: InstanceSpec) -> list[str]:
    anchor = group.anchor
    if anchor.type.endswith("VirtualMachineScaleSet"):
        found = []
        if p.as_bool(anchor.get("singlePlacementGroup")) is False:
            found.append(
                "singlePlacementGroup is false: InfiniBand connects VMs only within one "
                "placement group; set singlePlacementGroup to true"
            )
        if isinstance(group.nodes, int) and group.nodes > AZURE_PLACEMENT_GROUP_MAX_VMS:
            found.append(
                f"{group.nodes} VMs exceed the {AZURE_PLACEMENT_GROUP_MAX_VMS} a single "
                "placement group holds: split the cluster into scale sets of at most "
                f"{AZURE_PLACEMENT_GROUP_MAX_VMS}"
            )
        return found
    refs = [_set_ref(member) for member in group.members]
    known = {r for r in refs if isinstance(r, str)}
    if all(r is not None for r in refs) and len(known) <= 1:
        return []
    return [
        f"{len(group.members)} stand-alone VMs: InfiniBand only connects VMs in one scale set "
        "or availability set; deploy them as one VirtualMachineScaleSet"
    ]


CHECKS = {"aws": _aws_fabric, "gcp": _gcp_fabric, "azure": _azure_fabric}


def _spec(context: RuleContext, group: NodeGroup) -> InstanceSpec | None:
    if not isinstance(group.instance_type, str):
        return None
    try:
        return context.catalog().instance(group.cloud, group.instance_type)
    except CloudwrightError:
        return None  # not in the catalog: nothing known about its GPUs or fabric


def check_group(
    context: RuleContext, stack: Stack, group: NodeGroup, cfg: dict[str, Any]
) -> list[str]:
    """The fabric problems of one node group (empty when it is fine or not a cluster)."""
    if not isinstance(group.nodes, int) or group.nodes < int(cfg["minNodes"]):
        return []
    spec = _spec(context, group)
    if spec is None or spec.gpu_count == 0:
        return []
    workload = workload_of(group.anchor) or (
        workload_of(group.template) if group.template else None
    )
    required = string_list(cfg["fabricRequiredWorkloads"])
    must = bool(workload and p.glob_match(workload, required))
    if spec.interconnect == "none":
        if not must:
            return []
        return [
            f"workload {workload!r} needs a GPU fabric but {spec.instance_type} has none: choose "
            "an EFA (p4d/p5), GPUDirect (a3) or InfiniBand (ND) instance type"
        ]
    return CHECKS[group.cloud](stack, group, spec)


def policies(context: RuleContext) -> list[StackValidationPolicy]:
    def validate(args: Any, report: Any) -> None:
        cfg = settings(args, CONFIG)
        stack = Stack.of(args.resources)
        for group in node_groups(stack):
            for message in check_group(context, stack, group, cfg):
                label = f"{group.label()} ({group.nodes} × {group.instance_type})"
                report(f"{label}: {message}", group.anchor.urn)

    return [
        StackValidationPolicy(
            name=NAME,
            description="Multi-node GPU clusters have cluster placement and their full fabric "
            "(EFA, GPUDirect NICs, InfiniBand).",
            validate=validate,
            enforcement_level=EnforcementLevel.MANDATORY,
            config_schema=CONFIG,
            severity=Severity.HIGH,
            tags=["performance", "cost", "gpu"],
            remediation_steps="Add the placement group / compact policy and the fabric NICs "
            "the message names.",
        )
    ]
