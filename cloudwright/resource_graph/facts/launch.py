"""What launches machines, which machines, how many, from which template, bought how.

`launches(resource, index)` answers for every form a cloud has (one `Launch` per pool; a
cluster with inline pools gives several):
- AWS: instances and spot requests (own `instanceType`, else their launch template's),
  auto-scaling groups (`launchTemplate`, `mixedInstancesPolicy` with overrides, or a launch
  configuration; real state records `launchConfiguration: ""` for none), EC2 Fleet and
  Spot Fleet requests (launch template configs with overrides, or launch specifications),
  EKS managed node groups (`instanceTypes`, else the launch template's, else t3.medium).
- GCP: instances, instances from templates, managed instance groups (zonal, regional; one
  template per version), GKE node pools and a cluster's default / inline pools.
- Azure: VMs (azure-native, classic linux/windows, legacy), scale sets (azure-native,
  classic linux/windows/orchestrated, legacy), AKS agent pools and a cluster's inline pools.
Templates (launch templates, launch configurations, instance templates) define machines
without launching them: `definition(resource)` reads their instance type and market.
Unknown values stay `Unknown`; a count not declared is None.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from cloudwright.resource_graph.facts import market as mk
from cloudwright.resource_graph.facts.index import GraphIndex
from cloudwright.resource_graph.facts.machines import (
    DEFINITIONS,
    EKS_DEFAULT_INSTANCE_TYPE,
    GCP_TEMPLATES,
    GKE_REGIONAL_DEFAULT_ZONES,
    LC,
    LT,
    Count,
    Definition,
    Launch,
    TypeName,
    aws_definition,
    count_of,
    definition,
    first_count,
    gcp_definition,
    merge,
    node_config,
    type_list,
)
from cloudwright.resource_graph.facts.values import (
    as_bool,
    as_list,
    lookup,
    merged_mapping,
    read,
)
from cloudwright.resource_graph.model import Resource, Unknown


# ---- AWS -------------------------------------------------------------------------------
def _template_of(
    resource: Resource,
    index: GraphIndex,
    props: Sequence[str],
    ids: Sequence[Any],
    names: Sequence[Any],
    types: Sequence[str] = (LT,),
) -> tuple[Resource | None, str | None]:
    if not any(v is not None for v in (*ids, *names)) and not any(
        resource.property_dependencies.get(p) for p in props
    ):
        return None, None
    hit = index.resolve(resource, types, props=props, ids=ids, names=names)
    return hit, None if hit is not None else "its launch template is not in this graph"


def _launch_template(resource: Resource, index: GraphIndex) -> tuple[Resource | None, str | None]:
    """The template a `launchTemplate: {id, name}` input names (instances, groups, EKS)."""
    ids, names = [read(resource, "launchTemplate.id")], [read(resource, "launchTemplate.name")]
    return _template_of(resource, index, ("launchTemplate",), ids, names)


def _aws_instance(resource: Resource, index: GraphIndex) -> list[Launch]:
    own = aws_definition(resource)
    template, missing = _launch_template(resource, index)
    merged = merge(own, template)
    kind = "spot request" if "spotInstanceRequest" in resource.type else "instance"
    return [Launch(resource, kind, merged, 1, 1, "", template, missing if not own.types else None)]


def _aws_group(resource: Resource, index: GraphIndex) -> list[Launch]:
    policy = read(resource, "mixedInstancesPolicy")
    spec = "mixedInstancesPolicy.launchTemplate.launchTemplateSpecification"
    if isinstance(policy, Mapping):
        template, missing = _template_of(
            resource,
            index,
            ("mixedInstancesPolicy",),
            [read(resource, f"{spec}.launchTemplateId")],
            [read(resource, f"{spec}.launchTemplateName")],
        )
        overrides = read(resource, "mixedInstancesPolicy.launchTemplate.overrides")
        types = type_list(
            *([overrides] if isinstance(overrides, Unknown) else []),
            *(lookup(o, "instanceType") for o in as_list(overrides)),
        )
        setting = "mixedInstancesPolicy.launchTemplate.overrides"
    elif read(resource, "launchConfiguration") is not None:
        ref = read(resource, "launchConfiguration")
        template, missing = _template_of(
            resource, index, ("launchConfiguration",), [ref], [ref], types=(LC,)
        )
        missing = missing and "its launch configuration is not in this graph"
        types, setting = [], ""
    elif read(resource, "launchTemplate") is not None:
        template, missing = _launch_template(resource, index)
        types, setting = [], ""
    else:
        template, missing, types, setting = (
            None,
            "the group names no launch template or configuration",
            [],
            "",
        )
    own = Definition(types, setting, mk.aws_group(resource))
    nodes, where = first_count(resource, "desiredCapacity", "minSize")
    return [
        Launch(
            resource,
            "auto-scaling group",
            merge(own, template),
            nodes,
            count_of(read(resource, "maxSize")),
            where,
            template,
            missing,
        )
    ]


def _fleet_templates(
    resource: Resource, index: GraphIndex, configs: Any, id_key: str, name_key: str
) -> tuple[Resource | None, str | None, list[TypeName]]:
    template: Resource | None = None
    missing = None
    types: list[TypeName] = []
    for config in as_list(configs):
        spec = lookup(config, "launchTemplateSpecification")
        hit, why = _template_of(
            resource,
            index,
            ("launchTemplateConfigs", "launchTemplateConfig"),
            [lookup(spec, id_key)],
            [lookup(spec, name_key)],
        )
        template, missing = template or hit, missing or why
        overrides = lookup(config, "overrides")
        types += type_list(
            *([overrides] if isinstance(overrides, Unknown) else []),
            *(lookup(o, "instanceType") for o in as_list(overrides)),
        )
    return template, missing if template is None else None, types


def _aws_fleet(resource: Resource, index: GraphIndex) -> list[Launch]:
    template, missing, types = _fleet_templates(
        resource,
        index,
        read(resource, "launchTemplateConfigs"),
        "launchTemplateId",
        "launchTemplateName",
    )
    own = Definition(types, "launchTemplateConfigs[].overrides", mk.aws_fleet(resource))
    nodes = count_of(read(resource, "targetCapacitySpecification.totalTargetCapacity"))
    where = "targetCapacitySpecification.totalTargetCapacity"
    return [
        Launch(resource, "EC2 fleet", merge(own, template), nodes, nodes, where, template, missing)
    ]


def _aws_spot_fleet(resource: Resource, index: GraphIndex) -> list[Launch]:
    template, missing, types = _fleet_templates(
        resource, index, read(resource, "launchTemplateConfigs"), "id", "name"
    )
    specs = read(resource, "launchSpecifications")
    types += type_list(*(lookup(s, "instanceType") for s in as_list(specs)))
    own = Definition(types, "launchSpecifications[].instanceType", mk.aws_spot_fleet(resource))
    nodes = count_of(read(resource, "targetCapacity"))
    merged = merge(own, template)
    return [
        Launch(resource, "spot fleet", merged, nodes, nodes, "targetCapacity", template, missing)
    ]


def _aws_eks_node_group(resource: Resource, index: GraphIndex) -> list[Launch]:
    listed = read(resource, "instanceTypes")
    types = type_list(*([listed] if isinstance(listed, Unknown) else as_list(listed)))
    template, missing = _launch_template(resource, index)
    merged = merge(Definition(types, "instanceTypes", mk.aws_eks_node_group(resource)), template)
    if not merged.types and template is None and missing is None:
        merged = replace(merged, types=[EKS_DEFAULT_INSTANCE_TYPE], type_setting="EKS default")
    nodes, where = first_count(resource, "scalingConfig.desiredSize", "scalingConfig.minSize")
    maximum = count_of(read(resource, "scalingConfig.maxSize"))
    return [Launch(resource, "EKS node group", merged, nodes, maximum, where, template, missing)]


# ---- GCP -------------------------------------------------------------------------------
def _gcp_instance(resource: Resource, index: GraphIndex) -> list[Launch]:
    own = gcp_definition(resource)
    template = None
    missing = None
    if resource.type.endswith("InstanceFromTemplate"):
        ref = read(resource, "sourceInstanceTemplate")
        template = index.resolve(
            resource, GCP_TEMPLATES, props=("sourceInstanceTemplate",), ids=[ref], names=[ref]
        )
        missing = None if template is not None else "its instance template is not in this graph"
    return [Launch(resource, "instance", merge(own, template), 1, 1, "", template, missing)]


def _mig_versions(resource: Resource, index: GraphIndex) -> list[Launch]:
    total = count_of(read(resource, "targetSize"))
    versions = as_list(read(resource, "versions")) or [
        {"instanceTemplate": read(resource, "instanceTemplate")}
    ]
    out: list[Launch] = []
    left = total
    for number, version in enumerate(versions):
        ref = lookup(version, "instanceTemplate")
        template = index.resolve(
            resource, GCP_TEMPLATES, props=("versions", "instanceTemplate"), ids=[ref], names=[ref]
        )
        fixed = count_of(lookup(version, "targetSize.fixed"))
        percent = count_of(lookup(version, "targetSize.percent"))
        if isinstance(fixed, int):
            nodes: Count = fixed
        elif isinstance(percent, int) and isinstance(total, int):
            nodes = -(-total * percent // 100)
        elif number == len(versions) - 1 or len(versions) == 1:
            nodes = left
        else:
            nodes = 0
        if isinstance(left, int) and isinstance(nodes, int):
            left = max(left - nodes, 0)
        own = Definition([], "", None)
        out.append(
            Launch(
                resource,
                "managed instance group",
                merge(own, template),
                nodes,
                nodes,
                "targetSize",
                template,
                None if template is not None else "its instance template is not in this graph",
                label=str(lookup(version, "name") or "") if len(versions) > 1 else "",
            )
        )
    return out


def zones_of(resource: Resource, locations: Any) -> int:
    """Zones a GKE pool spans: its node locations, one for a zonal pool, else three."""
    if isinstance(locations, list) and locations:
        return len(locations)
    return 1 if resource.zone else GKE_REGIONAL_DEFAULT_ZONES


def gke_pool_nodes(
    resource: Resource, pool: Mapping[str, Any], zones: int | None = None
) -> tuple[Count, Count, str]:
    """(desired, maximum, setting) of a GKE pool: per-zone counts × zones (`zones` overrides
    the default of a regional pool without node locations), or the autoscaler's totals."""
    locations = lookup(pool, "nodeLocations")
    if zones is None or (isinstance(locations, list) and locations):
        zones = zones_of(resource, locations)
    total_min = count_of(lookup(pool, "autoscaling.totalMinNodeCount"))
    total_max = count_of(lookup(pool, "autoscaling.totalMaxNodeCount"))
    per_zone: Count = None
    where = "nodeCount"
    for key in ("nodeCount", "initialNodeCount", "autoscaling.minNodeCount"):
        per_zone = count_of(lookup(pool, key))
        if per_zone is not None:
            where = key
            break
    desired: Count
    if total_min is not None and lookup(pool, "nodeCount") is None:
        desired, where = total_min, "autoscaling.totalMinNodeCount"
    else:
        desired = per_zone * zones if isinstance(per_zone, int) else per_zone
    max_zone = count_of(lookup(pool, "autoscaling.maxNodeCount"))
    maximum: Count = total_max
    if maximum is None:
        maximum = max_zone * zones if isinstance(max_zone, int) else (max_zone or desired)
    return desired, maximum, where


def _gke_pool(resource: Resource, index: GraphIndex) -> list[Launch]:
    pool = {**resource.outputs, **resource.inputs}
    config = merged_mapping(resource, "nodeConfig")
    desired, maximum, where = gke_pool_nodes(resource, pool)
    definition_ = node_config(config, "nodeConfig")
    return [Launch(resource, "node pool", definition_, desired, maximum, where, props=config)]


def _gke_cluster(resource: Resource, index: GraphIndex) -> list[Launch]:
    out: list[Launch] = []
    removed = as_bool(read(resource, "removeDefaultNodePool")) is True
    if not removed and as_bool(read(resource, "enableAutopilot")) is not True:
        config = merged_mapping(resource, "nodeConfig")
        pool = {
            "initialNodeCount": read(resource, "initialNodeCount") or 1,
            "nodeLocations": read(resource, "nodeLocations"),
        }
        desired, maximum, where = gke_pool_nodes(resource, pool)
        out.append(
            Launch(
                resource,
                "node pool",
                node_config(config, "nodeConfig"),
                desired,
                maximum,
                where,
                label="default pool",
                props=config,
            )
        )
    for number, pool in enumerate(as_list(read(resource, "nodePools"))):
        if isinstance(pool, Mapping):
            desired, maximum, where = gke_pool_nodes(resource, pool)
            found = pool.get("nodeConfig")
            pool_config: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
            out.append(
                Launch(
                    resource,
                    "node pool",
                    node_config(pool_config, f"nodePools[{number}].nodeConfig"),
                    desired,
                    maximum,
                    where,
                    label=str(pool.get("name") or f"pool {number + 1}"),
                    props=dict(pool_config),
                )
            )
    return out


# ---- Azure -----------------------------------------------------------------------------
def _azure_vm(resource: Resource, index: GraphIndex) -> list[Launch]:
    return [Launch(resource, "VM", DEFINITIONS[resource.type](resource), 1, 1)]


def _azure_scale_set(
    size_path: str, count_path: str
) -> Callable[[Resource, GraphIndex], list[Launch]]:
    def launch(resource: Resource, index: GraphIndex) -> list[Launch]:
        own = Definition(
            type_list(read(resource, size_path)), size_path, mk.market_of(resource) or mk.ON_DEMAND
        )
        nodes = count_of(read(resource, count_path))
        return [Launch(resource, "scale set", own, nodes, nodes, count_path)]

    return launch


def aks_pool(
    resource: Resource, pool: Mapping[str, Any], *, classic: bool, label: str = ""
) -> Launch:
    """One AKS pool from its settings (an AgentPool's inputs or a cluster's inline profile)."""
    count_key = "nodeCount" if classic else "count"
    own = Definition(
        type_list(lookup(pool, "vmSize")), "vmSize", mk.pool_market(pool, classic=classic)
    )
    nodes = count_of(lookup(pool, count_key))
    where = count_key
    if nodes is None:
        nodes, where = count_of(lookup(pool, "minCount")), "minCount"
    maximum = count_of(lookup(pool, "maxCount"))
    return Launch(
        resource,
        "AKS pool",
        own,
        nodes,
        maximum if maximum is not None else nodes,
        where,
        label=label,
        props=pool,
    )


def _aks_agent_pool(resource: Resource, index: GraphIndex) -> list[Launch]:
    classic = resource.type.startswith("azure:")
    return [aks_pool(resource, {**resource.outputs, **resource.inputs}, classic=classic)]


def _aks_cluster(resource: Resource, index: GraphIndex) -> list[Launch]:
    if resource.type.startswith("azure:"):
        pool = read(resource, "defaultNodePool")
        return (
            [aks_pool(resource, pool, classic=True, label="default pool")]
            if isinstance(pool, Mapping)
            else []
        )
    out = []
    for pool in as_list(read(resource, "agentPoolProfiles")):
        if isinstance(pool, Mapping):
            name = pool.get("name") if isinstance(pool.get("name"), str) else "pool"
            out.append(aks_pool(resource, pool, classic=False, label=str(name)))
    return out


LAUNCHERS: dict[str, Callable[[Resource, GraphIndex], list[Launch]]] = {
    "aws:ec2/instance:Instance": _aws_instance,
    "aws:ec2/spotInstanceRequest:SpotInstanceRequest": _aws_instance,
    "aws:autoscaling/group:Group": _aws_group,
    "aws:ec2/fleet:Fleet": _aws_fleet,
    "aws:ec2/spotFleetRequest:SpotFleetRequest": _aws_spot_fleet,
    "aws:eks/nodeGroup:NodeGroup": _aws_eks_node_group,
    "gcp:compute/instance:Instance": _gcp_instance,
    "gcp:compute/instanceFromTemplate:InstanceFromTemplate": _gcp_instance,
    "gcp:compute/instanceGroupManager:InstanceGroupManager": _mig_versions,
    "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager": _mig_versions,
    "gcp:container/nodePool:NodePool": _gke_pool,
    "gcp:container/cluster:Cluster": _gke_cluster,
    "azure-native:compute:VirtualMachine": _azure_vm,
    "azure:compute/linuxVirtualMachine:LinuxVirtualMachine": _azure_vm,
    "azure:compute/windowsVirtualMachine:WindowsVirtualMachine": _azure_vm,
    "azure:compute/virtualMachine:VirtualMachine": _azure_vm,
    "azure-native:compute:VirtualMachineScaleSet": _azure_scale_set("sku.name", "sku.capacity"),
    "azure:compute/linuxVirtualMachineScaleSet:LinuxVirtualMachineScaleSet": _azure_scale_set(
        "sku", "instances"
    ),
    "azure:compute/windowsVirtualMachineScaleSet:WindowsVirtualMachineScaleSet": _azure_scale_set(
        "sku", "instances"
    ),
    "azure:compute/orchestratedVirtualMachineScaleSet:OrchestratedVirtualMachineScaleSet": _azure_scale_set(
        "skuName", "instances"
    ),
    "azure:compute/scaleSet:ScaleSet": _azure_scale_set("sku.name", "sku.capacity"),
    "azure-native:containerservice:AgentPool": _aks_agent_pool,
    "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool": _aks_agent_pool,
    "azure-native:containerservice:ManagedCluster": _aks_cluster,
    "azure:containerservice/kubernetesCluster:KubernetesCluster": _aks_cluster,
}


def launches(resource: Resource, index: GraphIndex) -> list[Launch]:
    """Every pool of machines `resource` launches ([] for types that launch none)."""
    reader = LAUNCHERS.get(resource.type)
    return reader(resource, index) if reader is not None else []


def launch_of(resource: Resource, index: GraphIndex) -> Launch | None:
    """The first (for most types the only) pool `resource` launches."""
    found = launches(resource, index)
    return found[0] if found else None


def named_types(resource: Resource) -> Definition | None:
    """The instance types a resource names by itself, without following references: what
    an allow list judges on each resource (templates, groups' overrides, pools' sizes)."""
    own = definition(resource)
    if own is not None:
        return own
    found = launches(resource, GraphIndex([resource]))
    if not found:
        return None
    types = [t for launch in found for t in launch.definition.types]
    first = found[0].definition
    return Definition(types, first.type_setting, first.market)
