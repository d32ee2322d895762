"""The GPU fleet of a stack: which resources launch how many nodes of which type, and what
placement and fabric each group of nodes is given.

Stack rules (gpu-fabric, max-gpus) need relations between resources: an auto-scaling
group launches its launch template's instance type into a placement group; a managed
instance group launches a template that names a compact resource policy. References are
resolved in this order:
1. the engine's property dependencies (`PolicyResource.property_dependencies`), which
   name the exact resource even when its id is unknown during preview;
2. a reference value equal to a candidate's id, ARN, self link or name (or its last path
   segment, for GCP self links);
3. the only candidate of the wanted type under the same parent component.

A node group is an anchor (auto-scaling group, managed instance group, scale set, or a set
of stand-alone instances of one type under one parent) with its node count and template.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cloudwright.policies import props as p
from cloudwright.policies.compute import compute_facts
from cloudwright.resource_graph.model import cloud_of_type

_KINDS = {
    "Group": "auto-scaling group",
    "InstanceGroupManager": "managed instance group",
    "RegionInstanceGroupManager": "managed instance group",
    "VirtualMachineScaleSet": "scale set",
    "LinuxVirtualMachineScaleSet": "scale set",
    "WindowsVirtualMachineScaleSet": "scale set",
    "Instance": "instance",
    "VirtualMachine": "VM",
}

_REF_KEYS = ("id", "arn", "selfLink", "name", "selfLinkUnique")


@dataclass
class StackResource:
    """A read-only view of a `PolicyResource` with URNs instead of object references."""

    type: str
    urn: str
    name: str
    props: Any
    parent: str | None = None
    provider_props: Any = None
    property_dependencies: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, resource: Any) -> StackResource:
        """Build from a `pulumi_policy.PolicyResource`."""
        parent = getattr(resource, "parent", None)
        provider = getattr(resource, "provider", None)
        deps = getattr(resource, "property_dependencies", None) or {}
        return cls(
            type=resource.resource_type,
            urn=resource.urn,
            name=resource.name,
            props=resource.props,
            parent=parent.urn if parent is not None else None,
            provider_props=provider.props if provider is not None else None,
            property_dependencies={k: {d.urn for d in v} for k, v in deps.items()},
        )

    @property
    def cloud(self) -> str | None:
        return cloud_of_type(self.type)

    def get(self, path: str, default: Any = None) -> Any:
        return p.get(self.props, path, default)

    def ref_values(self) -> set[str]:
        values = {self.name}
        for key in _REF_KEYS:
            value = self.get(key)
            if isinstance(value, str) and value:
                values.add(value)
                values.add(p.last_segment(value))
        return values


@dataclass
class NodeGroup:
    """Nodes launched together: the anchor that sets their count and the template they use."""

    cloud: str
    anchor: StackResource
    template: StackResource | None
    instance_type: Any  # str, UNKNOWN or None
    nodes: Any  # int or UNKNOWN
    max_nodes: Any  # int or UNKNOWN
    members: list[StackResource] = field(default_factory=list)

    @property
    def definition(self) -> StackResource:
        """The resource whose inputs describe one node (template, else the anchor)."""
        return self.template or self.anchor

    def label(self) -> str:
        kind = self.anchor.type.rsplit(":", 1)[-1]
        if len(self.members) > 1:
            return f"{len(self.members)} stand-alone instances like '{self.anchor.name}'"
        return f"{_KINDS.get(kind, kind)} '{self.anchor.name}'"


class Stack:
    """Index over a stack's resources for resolving references between them."""

    def __init__(self, resources: Iterable[StackResource]) -> None:
        self.resources = list(resources)
        self.by_urn = {r.urn: r for r in self.resources}
        self.by_type: dict[str, list[StackResource]] = defaultdict(list)
        for resource in self.resources:
            self.by_type[resource.type].append(resource)

    @classmethod
    def of(cls, policy_resources: Sequence[Any]) -> Stack:
        return cls(StackResource.of(r) for r in policy_resources)

    def resolve(
        self, source: StackResource, prop: str, value: Any, types: Sequence[str]
    ) -> StackResource | None:
        """The resource of one of `types` that `source.<prop>` = `value` refers to."""
        top = prop.split(".", 1)[0]
        for urn in sorted(source.property_dependencies.get(top, set())):
            target = self.by_urn.get(urn)
            if target is not None and target.type in types:
                return target
        candidates = [r for t in types for r in self.by_type.get(t, [])]
        if isinstance(value, str) and value:
            wanted = {value, p.last_segment(value)}
            hits = [r for r in candidates if wanted & r.ref_values()]
            if len(hits) == 1:
                return hits[0]
        if value is None:
            return None
        siblings = [r for r in candidates if r.parent == source.parent]
        return siblings[0] if len(siblings) == 1 else None


def _count(value: Any) -> Any:
    number = p.as_int(value)
    return number if number is not None else None


def _or_zero(value: Any) -> Any:
    return 0 if value is None else value


def _first_known(*values: Any) -> Any:
    for value in values:
        if value is not None:
            return value
    return None


def _aws_groups(stack: Stack) -> list[NodeGroup]:
    groups: list[NodeGroup] = []
    templates = ("aws:ec2/launchTemplate:LaunchTemplate",)
    for asg in stack.by_type.get("aws:autoscaling/group:Group", []):
        ref_prop, ref = (
            "launchTemplate",
            _first_known(asg.get("launchTemplate.id"), asg.get("launchTemplate.name")),
        )
        if ref is None:
            ref_prop = "mixedInstancesPolicy"
            spec = "mixedInstancesPolicy.launchTemplate.launchTemplateSpecification"
            ref = _first_known(
                asg.get(f"{spec}.launchTemplateId"), asg.get(f"{spec}.launchTemplateName")
            )
        template = stack.resolve(asg, ref_prop, ref, templates)
        facts = compute_facts(asg.type, asg.props)
        instance_type = facts.instance_types[0] if facts and facts.instance_types else None
        if instance_type is None and template is not None:
            instance_type = template.get("instanceType")
        desired = _first_known(_count(asg.get("desiredCapacity")), _count(asg.get("minSize")))
        groups.append(
            NodeGroup(
                "aws", asg, template, instance_type, _or_zero(desired), _count(asg.get("maxSize"))
            )
        )
    groups.extend(_standalone(stack, "aws:ec2/instance:Instance", "instanceType", templates))
    return groups


def _standalone(
    stack: Stack, type_token: str, type_key: str, templates: Sequence[str]
) -> list[NodeGroup]:
    """Stand-alone instances, grouped by parent component and instance type."""
    buckets: dict[tuple[str | None, str], list[StackResource]] = defaultdict(list)
    for instance in stack.by_type.get(type_token, []):
        value = instance.get(type_key)
        key = p.last_segment(value) if isinstance(value, str) else repr(value)
        buckets[(instance.parent, key)].append(instance)
    groups = []
    for members in buckets.values():
        first = members[0]
        template = None
        if first.cloud == "aws":
            ref = _first_known(first.get("launchTemplate.id"), first.get("launchTemplate.name"))
            template = stack.resolve(first, "launchTemplate", ref, templates) if ref else None
        value = first.get(type_key)
        if value is None and template is not None:
            value = template.get(type_key)
        instance_type = p.last_segment(value) if isinstance(value, str) else value
        cloud = first.cloud or ""
        groups.append(
            NodeGroup(cloud, first, template, instance_type, len(members), len(members), members)
        )
    return groups


def _gcp_groups(stack: Stack) -> list[NodeGroup]:
    templates = (
        "gcp:compute/instanceTemplate:InstanceTemplate",
        "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
    )
    groups: list[NodeGroup] = []
    for token in (
        "gcp:compute/instanceGroupManager:InstanceGroupManager",
        "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
    ):
        for mig in stack.by_type.get(token, []):
            ref = mig.get("versions.0.instanceTemplate")
            template = stack.resolve(mig, "versions", ref, templates)
            machine = template.get("machineType") if template else None
            instance_type = p.last_segment(machine) if isinstance(machine, str) else machine
            size = _count(mig.get("targetSize"))
            groups.append(
                NodeGroup("gcp", mig, template, instance_type, _or_zero(size), _or_zero(size))
            )
    groups.extend(_standalone(stack, "gcp:compute/instance:Instance", "machineType", ()))
    return groups


def _azure_groups(stack: Stack) -> list[NodeGroup]:
    groups: list[NodeGroup] = []
    for vmss in stack.by_type.get("azure-native:compute:VirtualMachineScaleSet", []):
        capacity = _count(vmss.get("sku.capacity"))
        groups.append(
            NodeGroup(
                "azure", vmss, None, vmss.get("sku.name"), _or_zero(capacity), _or_zero(capacity)
            )
        )
    for token in (
        "azure:compute/linuxVirtualMachineScaleSet:LinuxVirtualMachineScaleSet",
        "azure:compute/windowsVirtualMachineScaleSet:WindowsVirtualMachineScaleSet",
    ):
        for vmss in stack.by_type.get(token, []):
            capacity = _count(vmss.get("instances"))
            groups.append(
                NodeGroup(
                    "azure", vmss, None, vmss.get("sku"), _or_zero(capacity), _or_zero(capacity)
                )
            )
    groups.extend(
        _standalone(stack, "azure-native:compute:VirtualMachine", "hardwareProfile.vmSize", ())
    )
    return groups


def node_groups(stack: Stack) -> list[NodeGroup]:
    """Every group of VMs the stack launches, on every cloud."""
    return [*_aws_groups(stack), *_gcp_groups(stack), *_azure_groups(stack)]


def workload_of(resource: StackResource) -> str | None:
    """The `workload` tag/label (AWS auto-scaling groups keep tags as key/value items)."""
    for key in ("tags", "labels"):
        value = resource.get(key)
        if isinstance(value, Mapping):
            workload = p.get(value, "workload")
            if isinstance(workload, str):
                return workload
        elif isinstance(value, Sequence) and not isinstance(value, str):
            for item in p.as_list(value):
                if p.get(item, "key") == "workload" and isinstance(p.get(item, "value"), str):
                    return str(p.get(item, "value"))
    return None
