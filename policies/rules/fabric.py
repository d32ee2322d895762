"""gpu-fabric: a multi-node GPU cluster gets the placement and the fabric its nodes need.

Without them NCCL falls back to ordinary TCP between nodes and an 8-GPU node pays for
3.2 Tb/s of fabric it never uses. For every node group (`resource_graph.facts.fleet`: every
way each cloud launches nodes — auto-scaling groups on a launch template or configuration,
EC2 / Spot Fleets, EKS node groups, MIGs, GKE node pools (inline and the default pool), AKS
pools, scale sets, and stand-alone machines grouped across parents) of at least `minNodes`
GPU nodes whose instance type has a fabric in the catalog (or whose workload is listed in
`fabricRequiredWorkloads`):
- AWS: a placement group with strategy 'cluster' (on the group, the launch template's
  `placement`, a Spot Fleet launch specification, or every stand-alone instance), and as many
  EFA interfaces (`interfaceType: efa`/`efa-only`) as the catalog's `interconnect_nics` for
  the type (p5.48xlarge: 32, one per network card).
- GCP: a compact placement resource policy (`groupPlacementPolicy.collocation: COLLOCATED`,
  or a HIGH_THROUGHPUT workload policy) on the template/instances with `vmCount` ≥ the nodes,
  or a GKE pool's `placementPolicy.type: COMPACT`; and the GPUDirect NICs: A3 High/Mega
  (TCPX/TCPXO) one gVNIC plus the catalog's count of extra NICs, A3 Ultra/A4 (RDMA) that
  many `nicType: MRDMA` NICs (a GKE pool: that many `additionalNodeNetworkConfigs`).
- Azure: InfiniBand spans one placement group, so a scale set keeps
  `singlePlacementGroup` (not false) and at most 100 VMs, an AKS pool at most 100 nodes;
  stand-alone VMs share one availability set or scale set.
A group that may launch several types is judged on the one with the most GPUs. A workload
in `fabricRequiredWorkloads` on an instance type without any fabric is a violation of its
own: pick an EFA / InfiniBand / GPUDirect type. A node count or instance type that is
secret or computed is unchecked.

Accelerators: Trainium (trn1.32xlarge: 8 EFA interfaces, trn1n / trn2: 16) and Gaudi
(dl1: 4) are EC2 node groups with EFA in the catalog, so they need the cluster placement
group and every EFA interface like a p5; NeuronLink joins the devices inside one instance
only and asks for nothing. A TPU slice (`rules.accelerators`) is one resource whose chips
Google joins by ICI across its hosts: it needs no placement or NICs, but ICI does not
span slices, so a workload in `fabricRequiredWorkloads` on a one-chip slice (no ICI) or
spread over several slices (data-center network between them) is a violation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from cloudwright.policies import props as p
from cloudwright.policies.adapters import stack_graph
from cloudwright.policies.context import RuleContext
from cloudwright.policies.rules.accelerators import TpuSlice, tpu_slices
from cloudwright.policies.rules.common import Findings, schema, settings, string_list
from cloudwright.resource_graph.facts.fleet import (
    NodeGroup,
    SpecOf,
    gpus_per_node,
    node_groups,
    spec_lookup,
)
from cloudwright.resource_graph.facts.index import GraphIndex
from cloudwright.resource_graph.facts.values import as_bool, as_int, as_list, lookup, lower, read
from cloudwright.resource_graph.model import COMPUTED, Resource, Unknown
from cloudwright.resource_graph.state import workload_of

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
PG_HINT = (
    "create an aws.ec2.PlacementGroup with strategy 'cluster' and set placementGroup on the "
    "group (or placement.groupName in the launch template)"
)


def _placement_refs(group: NodeGroup) -> list[tuple[Resource, str, Any]]:
    """Every placement-group reference that applies to the group's nodes."""
    refs: list[tuple[Resource, str, Any]] = []
    for holder in [group.template] if group.template is not None else []:
        refs += [
            (holder, "placement", read(holder, f"placement.{k}")) for k in ("groupName", "groupId")
        ]
    for member in group.members or [group.anchor]:
        refs += [(member, k, read(member, k)) for k in ("placementGroup", "placementGroupId")]
        for spec in as_list(read(member, "launchSpecifications")):
            refs.append((member, "launchSpecifications", lookup(spec, "placementGroup")))
    return [(src, prop, value) for src, prop, value in refs if value is not None]


def _aws_placement(index: GraphIndex, group: NodeGroup) -> list[str]:
    refs = _placement_refs(group)
    if not refs:
        return [f"no placement group: {PG_HINT}"]
    if group.members and group.template is None:
        covered = {src.urn for src, _, _ in refs}
        loose = [m.name for m in group.members if m.urn not in covered]
        if loose:
            return [
                f"{len(loose)} of the instances ({', '.join(loose[:3])}) have no placement group: {PG_HINT}"
            ]
    for source, prop, value in refs:
        pg = index.resolve(source, AWS_PG, props=(prop,), ids=[value], names=[value])
        strategy = read(pg, "strategy") if pg is not None else None
        if pg is not None and isinstance(strategy, str) and lower(strategy) != "cluster":
            return [f"placement group '{pg.name}' uses strategy {strategy!r}: use 'cluster'"]
    return []


def _efa_count(index: GraphIndex, group: NodeGroup, found: Findings) -> int | None:
    holder = group.launch.holder
    interfaces = read(holder, "networkInterfaces")
    if isinstance(interfaces, Unknown):
        found.unknown(f"{holder.name} networkInterfaces", interfaces, "no EFA interfaces")
        return None
    count = 0
    for nic in as_list(interfaces):
        kind = lookup(nic, "interfaceType")
        eni_id = lookup(nic, "networkInterfaceId")
        if kind is None and eni_id is not None:
            eni = index.resolve(holder, AWS_ENI, props=("networkInterfaces",), ids=[eni_id])
            kind = read(eni, "interfaceType") if eni is not None else None
        count += 1 if lower(kind) in EFA_TYPES else 0
    return count


def _aws_fabric(
    index: GraphIndex, group: NodeGroup, spec: InstanceSpec, found: Findings
) -> list[str]:
    problems = _aws_placement(index, group)
    count = _efa_count(index, group, found)
    wanted = spec.interconnect_nics or 1
    where = "the launch template" if group.template is not None else f"the {group.launch.kind}"
    if count is None or count == wanted:
        return problems
    if count == 0:
        problems.append(
            f"no EFA interfaces: add {wanted} networkInterfaces with interfaceType 'efa' to "
            f"{where} (one per network card, networkCardIndex 0–{wanted - 1}; the catalog "
            f"lists {wanted} for {spec.instance_type})"
        )
    elif count < wanted:
        problems.append(
            f"{count} of {wanted} EFA interfaces: {spec.instance_type} has {wanted} network "
            f"cards; add the other {wanted - count} to {where}"
        )
    else:
        problems.append(
            f"{count} EFA interfaces, but {spec.instance_type} supports {wanted}: remove "
            f"{count - wanted} from {where}"
        )
    return problems


def _gcp_policies(index: GraphIndex, group: NodeGroup) -> tuple[bool, list[Resource]]:
    """(any reference given, the resource policies that resolve)."""
    holder = group.launch.holder
    refs = read(holder, "resourcePolicies")
    given: list[Any] = (
        [refs] if isinstance(refs, Unknown) else [r for r in as_list(refs) if r is not None]
    )
    resolved = [
        index.resolve(holder, GCP_POLICY, props=("resourcePolicies",), ids=[ref], names=[ref])
        for ref in given
    ]
    for key in ("resourcePolicies.workloadPolicy", "placementPolicy.policyName"):
        ref = read(group.anchor, key)
        if ref is not None:
            given.append(ref)
            prop = key.split(".", 1)[0]
            resolved.append(
                index.resolve(group.anchor, GCP_POLICY, props=(prop,), ids=[ref], names=[ref])
            )
    return bool(given), [r for r in resolved if r is not None]


def _gcp_placement(index: GraphIndex, group: NodeGroup) -> list[str]:
    if lower(read(group.anchor, "placementPolicy.type")) == "compact":
        return []
    given, found = _gcp_policies(index, group)
    hint = (
        "create a gcp.compute.ResourcePolicy with groupPlacementPolicy.collocation "
        "'COLLOCATED' and list it in the template's resourcePolicies"
        if group.launch.kind != "node pool"
        else "set placementPolicy.type 'COMPACT' on the node pool"
    )
    if not given:
        return [f"no compact placement policy: {hint}"]
    if not found:
        return []  # policies defined outside the stack: their settings cannot be seen here
    for policy in found:
        if lower(read(policy, "workloadPolicy.type")) == "high_throughput":
            return []
        if lower(read(policy, "groupPlacementPolicy.collocation")) == "collocated":
            vm_count = as_int(read(policy, "groupPlacementPolicy.vmCount"))
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
    names = ", ".join(x.name for x in found)
    return [f"resource policies {names} do not collocate the nodes: {hint}"]


def _gcp_nics(group: NodeGroup, spec: InstanceSpec, found: Findings) -> list[str]:
    wanted = spec.interconnect_nics
    if wanted is None:
        return []
    if group.launch.kind == "node pool":
        extra = read(group.anchor, "networkConfig.additionalNodeNetworkConfigs")
        if isinstance(extra, Unknown):
            found.unknown("additionalNodeNetworkConfigs", extra, "no GPUDirect NICs")
            return []
        have = len(as_list(extra))
        if have < wanted:
            return [
                f"{have} of {wanted} GPUDirect networks: {spec.instance_type} needs {wanted} "
                "networkConfig.additionalNodeNetworkConfigs (each on its own VPC) besides the "
                "pool's gVNIC"
            ]
        return []
    raw = read(group.launch.holder, "networkInterfaces")
    if isinstance(raw, Unknown):
        found.unknown("networkInterfaces", raw, "no GPUDirect NICs")
        return []
    nics = as_list(raw)
    if spec.interconnect == "GPUDirect-RDMA":
        have = sum(1 for nic in nics if lower(lookup(nic, "nicType")) == "mrdma")
        if have < wanted:
            return [
                f"{have} of {wanted} RDMA NICs: {spec.instance_type} needs {wanted} "
                "networkInterfaces with nicType 'MRDMA' (on the RDMA VPC) besides its gVNICs"
            ]
    elif len(nics) - 1 < wanted:
        return [
            f"{max(len(nics) - 1, 0)} of {wanted} GPUDirect data NICs: {spec.instance_type} "
            f"({spec.interconnect}) needs 1 gVNIC plus {wanted} networkInterfaces, each on its "
            "own VPC subnet"
        ]
    return []


def _gcp_fabric(
    index: GraphIndex, group: NodeGroup, spec: InstanceSpec, found: Findings
) -> list[str]:
    return _gcp_placement(index, group) + _gcp_nics(group, spec, found)


_SET_KEYS = (
    "availabilitySet.id",
    "virtualMachineScaleSet.id",
    "availabilitySetId",
    "virtualMachineScaleSetId",
)


def _set_ref(vm: Resource) -> Any:
    """The availability set or scale set a stand-alone VM joins (Unknown if computed)."""
    for key in _SET_KEYS:
        value = read(vm, key)
        if value is not None:
            return value
    return None


def _azure_fabric(
    index: GraphIndex, group: NodeGroup, spec: InstanceSpec, found: Findings
) -> list[str]:
    anchor = group.anchor
    if group.launch.kind in ("scale set", "AKS pool"):
        problems = []
        if (
            group.launch.kind == "scale set"
            and as_bool(read(anchor, "singlePlacementGroup")) is False
        ):
            problems.append(
                "singlePlacementGroup is false: InfiniBand connects VMs only within one "
                "placement group; set singlePlacementGroup to true"
            )
        if isinstance(group.nodes, int) and group.nodes > AZURE_PLACEMENT_GROUP_MAX_VMS:
            problems.append(
                f"{group.nodes} VMs exceed the {AZURE_PLACEMENT_GROUP_MAX_VMS} a single "
                "placement group holds: split the cluster into scale sets (pools) of at most "
                f"{AZURE_PLACEMENT_GROUP_MAX_VMS}"
            )
        return problems
    refs = [_set_ref(member) for member in group.members or [anchor]]
    known = {r for r in refs if isinstance(r, str)}
    if all(r is not None for r in refs) and len(known) <= 1:
        return []
    return [
        f"{len(refs)} stand-alone VMs: InfiniBand only connects VMs in one scale set "
        "or availability set; deploy them as one VirtualMachineScaleSet"
    ]


CHECKS = {"aws": _aws_fabric, "gcp": _gcp_fabric, "azure": _azure_fabric}


def check_group(
    spec_of: SpecOf, index: GraphIndex, group: NodeGroup, cfg: dict[str, Any], found: Findings
) -> list[str]:
    """The fabric problems of one node group (empty when it is fine or not a cluster)."""
    nodes = group.nodes
    if not isinstance(nodes, int | Unknown) or (
        isinstance(nodes, int) and nodes < int(cfg["minNodes"])
    ):
        return []
    gpus = gpus_per_node(spec_of, group.cloud, group.launch)
    if gpus.unknown is not None or (not group.types and group.launch.template_missing):
        if isinstance(nodes, int):
            found.unknown(
                f"{group.label()}: instance type",
                gpus.unknown or COMPUTED,
                "a GPU cluster without its fabric",
            )
        return []
    spec = spec_of(group.cloud, gpus.instance_type) if gpus.instance_type else None
    if spec is None or gpus.per_node == 0:
        return []
    if isinstance(nodes, Unknown):
        found.unknown(f"{group.label()}: node count", nodes, "a GPU cluster without its fabric")
        return []
    workload = workload_of(group.anchor.inputs) or (
        workload_of(group.template.inputs) if group.template is not None else None
    )
    must = bool(workload and p.glob_match(workload, string_list(cfg["fabricRequiredWorkloads"])))
    if spec.interconnect == "none":
        if not must:
            return []
        return [
            f"workload {workload!r} needs a GPU fabric but {spec.instance_type} has none: choose "
            "an EFA (p4d/p5, trn1.32xlarge), GPUDirect (a3) or InfiniBand (ND) instance type"
        ]
    check = CHECKS.get(group.cloud)
    return check(index, group, spec, found) if check is not None else []


def check_tpus(spec_of: SpecOf, index: GraphIndex, cfg: dict[str, Any]) -> list[tuple[str, str]]:
    """(message, urn) for fabric-required workloads whose TPU chips ICI does not join."""
    required = string_list(cfg["fabricRequiredWorkloads"])
    by_workload: dict[str, list[TpuSlice]] = {}
    for tpu in tpu_slices(index, spec_of):
        workload = workload_of(tpu.resource.inputs)
        if workload and p.glob_match(workload, required) and tpu.spec is not None:
            by_workload.setdefault(workload, []).append(tpu)
    out = []
    for workload, slices in by_workload.items():
        for tpu in slices:
            if tpu.spec is not None and tpu.spec.interconnect == "none":
                out.append(
                    (
                        f"{tpu.label()}: workload {workload!r} needs a fabric but a "
                        f"{tpu.chips}-chip slice has no ICI links: choose a multi-chip slice",
                        tpu.resource.urn,
                    )
                )
        if len(slices) > 1:
            names = ", ".join(t.label() for t in slices[:3])
            out.append(
                (
                    f"workload {workload!r} runs on {len(slices)} TPU slices ({names}): ICI "
                    "joins the chips of one slice only; use one larger slice",
                    slices[0].resource.urn,
                )
            )
    return out


def policies(context: RuleContext) -> list[StackValidationPolicy]:
    def validate(args: Any, report: Any) -> None:
        cfg = settings(args, CONFIG)
        graph = stack_graph(args, stack=context.stack_name(), project=context.project_name())
        index = GraphIndex(graph.resources)
        spec_of = spec_lookup(context.catalog())
        found = Findings()
        for group in node_groups(index):
            for message in check_group(spec_of, index, group, cfg, found):
                shown = ", ".join(str(t) for t in dict.fromkeys(group.types))
                found.add(f"{group.label()} ({group.nodes} × {shown}): {message}", group.anchor.urn)
        for message, urn in check_tpus(spec_of, index, cfg):
            found.add(message, urn)
        found.emit(report, with_urn=True)

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
