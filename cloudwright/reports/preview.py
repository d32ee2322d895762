"""What `cloudwright preview` shows: one table per (cloud, region, workload) of the resources
a plan would create, each with one line of the settings that matter.

`key_settings` reads a resource's inputs as the engine receives them (camelCase), so it
works on any graph (offline preview, `pulumi preview --json`, stack export); types without
an entry get "". Spot / preemptible is read by the resource facts layer, as pricing and the
policies read it. Nothing here prints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from cloudwright.resource_graph.facts.market import market_of
from cloudwright.resource_graph.facts.values import lookup
from cloudwright.resource_graph.model import Resource

if TYPE_CHECKING:
    from rich.console import RenderableType

    from cloudwright.resource_graph.model import Graph


def _get(inputs: Mapping[str, Any], path: str) -> Any:
    return lookup(inputs, path)


def _market(type_token: str, inputs: Mapping[str, Any]) -> str:
    """Spot or not, as pricing and policies read it (`resource_graph.facts.market`)."""
    found = market_of(Resource(urn="", type=type_token, name="", inputs=dict(inputs)))
    if found is None or found.spot is False:
        return "on-demand"
    return found.label if found.spot is True else "unknown"


def _fields(*pairs: tuple[str, str]) -> Callable[[Mapping[str, Any]], str]:
    def render(inputs: Mapping[str, Any]) -> str:
        parts = []
        for label, path in pairs:
            value = _get(inputs, path)
            if value is not None and value != "" and value != []:
                parts.append(f"{label}={_text(value)}")
        return " ".join(parts)

    return render


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)
    return str(value)


def _launch_template(inputs: Mapping[str, Any]) -> str:
    nics = inputs.get("networkInterfaces") or []
    kinds: dict[str, int] = {}
    for nic in nics:
        kind = str(nic.get("interfaceType") or "ena")
        kinds[kind] = kinds.get(kind, 0) + 1
    fabric = " + ".join(f"{n} {k}" for k, n in kinds.items())
    market = _market("aws:ec2/launchTemplate:LaunchTemplate", inputs)
    imds = _get(inputs, "metadataOptions.httpTokens")
    group = _get(inputs, "placement.groupName")  # EKS node groups take it from the template
    placement = f" placementGroup={group}" if group else ""
    return f"{inputs.get('instanceType')} nics: {fabric} market={market} imdsv2={imds}{placement}"


def _eks_cluster(inputs: Mapping[str, Any]) -> str:
    subnets = _get(inputs, "vpcConfig.subnetIds") or []
    return (
        f"privateEndpoint={_text(_get(inputs, 'vpcConfig.endpointPrivateAccess'))} "
        f"publicEndpoint={_text(_get(inputs, 'vpcConfig.endpointPublicAccess'))} "
        f"secrets={'kms' if _get(inputs, 'encryptionConfig.provider.keyArn') else 'none'} "
        f"logs={_text(inputs.get('enabledClusterLogTypes') or [])} subnets={len(subnets)}"
    )


def _eks_node_group(inputs: Mapping[str, Any]) -> str:
    return (
        f"nodes={_get(inputs, 'scalingConfig.desiredSize')} ami={inputs.get('amiType')} "
        f"capacity={inputs.get('capacityType')} subnets={len(inputs.get('subnetIds') or [])}"
    )


def _gke_cluster(inputs: Mapping[str, Any]) -> str:
    return (
        f"privateNodes={_text(_get(inputs, 'privateClusterConfig.enablePrivateNodes'))} "
        f"privateEndpoint={_text(_get(inputs, 'privateClusterConfig.enablePrivateEndpoint'))} "
        f"multiNetworking={_text(inputs.get('enableMultiNetworking'))} "
        f"removeDefaultPool={_text(inputs.get('removeDefaultNodePool'))}"
    )


def _gke_node_pool(inputs: Mapping[str, Any]) -> str:
    accelerators = "".join(
        f" + {item.get('count')}x {item.get('type')}"
        for item in _get(inputs, "nodeConfig.guestAccelerators") or []
        if isinstance(item, Mapping)
    )
    extra = _get(inputs, "networkConfig.additionalNodeNetworkConfigs") or []
    placement = _get(inputs, "placementPolicy.type") or "none"
    return (
        f"{_get(inputs, 'nodeConfig.machineType')}{accelerators} x{inputs.get('nodeCount')} "
        f"placement={placement} extraNetworks={len(extra)} "
        f"gvnic={_text(_get(inputs, 'nodeConfig.gvnic.enabled'))} "
        f"zones={_text(inputs.get('nodeLocations') or [])}"
    )


def _aks_cluster(inputs: Mapping[str, Any]) -> str:
    return (
        f"tier={_get(inputs, 'sku.tier')} "
        f"private={_text(_get(inputs, 'apiServerAccessProfile.enablePrivateCluster'))} "
        f"localAccounts={_text(not inputs.get('disableLocalAccounts'))} "
        f"pools={len(inputs.get('agentPoolProfiles') or [])}"
    )


def _aks_agent_pool(inputs: Mapping[str, Any]) -> str:
    priority = _market("azure-native:containerservice:AgentPool", inputs)
    return (
        f"{inputs.get('vmSize')} x{inputs.get('count')} "
        f"autoscaling={_text(inputs.get('enableAutoScaling'))} mode={inputs.get('mode')} "
        f"gpuDriver={_get(inputs, 'gpuProfile.driver')} priority={priority}"
    )


def _gcp_instance(inputs: Mapping[str, Any]) -> str:
    nics = inputs.get("networkInterfaces") or []
    types: dict[str, int] = {}
    for nic in nics:
        kind = str(nic.get("nicType") or "VIRTIO_NET")
        types[kind] = types.get(kind, 0) + 1
    nic_text = "+".join(f"{n} {k}" for k, n in types.items())
    model = (
        _get(inputs, "scheduling.provisioningModel")
        or _market("gcp:compute/instance:Instance", inputs).upper()
    )
    maintenance = _get(inputs, "scheduling.onHostMaintenance")
    attached = "".join(
        f" + {item.get('count')}x {item.get('type')}"
        for item in inputs.get("guestAccelerators") or []
        if isinstance(item, Mapping)
    )
    return (
        f"{inputs.get('machineType')}{attached} nics={nic_text} {model} "
        f"onHostMaintenance={maintenance}"
    )


def _vmss(inputs: Mapping[str, Any]) -> str:
    sku = _get(inputs, "sku.name")
    capacity = _get(inputs, "sku.capacity")
    priority = _market("azure-native:compute:VirtualMachineScaleSet", inputs)
    return (
        f"{sku} x{capacity} singlePlacementGroup={_text(inputs.get('singlePlacementGroup'))} "
        f"overprovision={_text(inputs.get('overprovision'))} priority={priority}"
    )


def _public_access_block(inputs: Mapping[str, Any]) -> str:
    flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    on = sum(1 for f in flags if inputs.get(f) is True)
    return f"{on}/4 public-access blocks on"


KEY_SETTINGS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    # AWS
    "aws:ec2/vpc:Vpc": _fields(("cidr", "cidrBlock")),
    "aws:ec2/subnet:Subnet": _fields(("cidr", "cidrBlock"), ("az", "availabilityZoneId")),
    "aws:ec2/placementGroup:PlacementGroup": _fields(("strategy", "strategy")),
    "aws:ec2/launchTemplate:LaunchTemplate": _launch_template,
    "aws:autoscaling/group:Group": _fields(("nodes", "desiredCapacity")),
    "aws:fsx/lustreFileSystem:LustreFileSystem": _fields(
        ("GiB", "storageCapacity"),
        ("type", "deploymentType"),
        ("MB/s/TiB", "perUnitStorageThroughput"),
    ),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _public_access_block,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": _fields(
        ("sse", "rules.0.applyServerSideEncryptionByDefault.sseAlgorithm")
    ),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _fields(
        ("proto", "ipProtocol"),
        ("from", "cidrIpv4"),
        ("fromGroup", "referencedSecurityGroupId"),
        ("port", "fromPort"),
    ),
    "aws:kms/key:Key": _fields(("rotation", "enableKeyRotation")),
    "aws:eks/cluster:Cluster": _eks_cluster,
    "aws:eks/nodeGroup:NodeGroup": _eks_node_group,
    # GCP
    "gcp:compute/network:Network": _fields(("mtu", "mtu"), ("profile", "networkProfile")),
    "gcp:compute/subnetwork:Subnetwork": _fields(("cidr", "ipCidrRange")),
    "gcp:compute/firewall:Firewall": _fields(("from", "sourceRanges")),
    "gcp:compute/resourcePolicy:ResourcePolicy": _fields(
        ("collocation", "groupPlacementPolicy.collocation"),
        ("vms", "groupPlacementPolicy.vmCount"),
    ),
    "gcp:compute/instance:Instance": _gcp_instance,
    "gcp:container/cluster:Cluster": _gke_cluster,
    "gcp:container/nodePool:NodePool": _gke_node_pool,
    "gcp:storage/bucket:Bucket": _fields(
        ("uniform", "uniformBucketLevelAccess"), ("publicAccess", "publicAccessPrevention")
    ),
    "gcp:lustre/instance:Instance": _fields(
        ("GiB", "capacityGib"), ("MB/s/TiB", "perUnitStorageThroughput")
    ),
    "gcp:filestore/instance:Instance": _fields(("tier", "tier"), ("GiB", "fileShares.capacityGb")),
    "gcp:parallelstore/instance:Instance": _fields(("GiB", "capacityGib")),
    # Azure
    "azure-native:compute:VirtualMachineScaleSet": _vmss,
    "azure-native:containerservice:ManagedCluster": _aks_cluster,
    "azure-native:containerservice:AgentPool": _aks_agent_pool,
    "azure-native:storage:StorageAccount": _fields(
        ("tls", "minimumTlsVersion"),
        ("httpsOnly", "enableHttpsTrafficOnly"),
        ("publicBlob", "allowBlobPublicAccess"),
    ),
    "azure-native:storagecache:AmlFilesystem": _fields(
        ("sku", "sku.name"), ("TiB", "storageCapacityTiB")
    ),
    "azure-native:network:Subnet": _fields(("cidr", "addressPrefix")),
    "azure-native:network:VirtualNetwork": _fields(("cidr", "addressSpace.addressPrefixes")),
}


def key_settings(type_token: str, inputs: Mapping[str, Any]) -> str:
    render = KEY_SETTINGS.get(type_token)
    return render(inputs) if render else ""


def preview_renderables(graph: Graph) -> list[RenderableType]:
    """One table per (cloud, region, workload): type, name and the settings that matter."""
    from itertools import groupby

    from rich.markup import escape
    from rich.table import Table

    from cloudwright.components.site import SITE_ALLOCATION_TYPE
    from cloudwright.reports.safe import terminal

    resources = sorted(
        graph.custom_resources(),
        key=lambda r: (r.cloud or "", r.region or "", r.workload or "", r.type, r.name),
    )
    items: list[RenderableType] = [f"Offline preview of {graph.origin} (stack {graph.stack})"]
    for (cloud, region, workload), group in groupby(
        resources, key=lambda r: (r.cloud or "-", r.region or "-", r.workload or "-")
    ):
        title = escape(terminal(f"{cloud} {region} · {workload}"))
        table = Table(title=title, title_justify="left")
        for column in ("type", "name", "key settings"):
            table.add_column(column, overflow="fold")
        for r in group:
            table.add_row(
                *(escape(terminal(cell)) for cell in (_short_type(r.type), r.name)),
                escape(terminal(key_settings(r.type, r.inputs))),
            )
        items.append(table)
    # Own sites (fleet `sites`): nothing is created in a cloud; one line per site says so.
    sites: dict[str, list[str]] = {}
    for r in graph:
        if r.type == SITE_ALLOCATION_TYPE:
            site = str(r.inputs.get("site") or r.region or "?")
            gpus, gpu = r.inputs.get("gpus"), r.inputs.get("accelerator")
            sites.setdefault(site, []).append(f"{r.workload or r.name} ({gpus} {gpu})")
    for site, held in sorted(sites.items()):
        items.append(
            escape(terminal(f"site {site}: no cloud resources; GPUs held for {', '.join(held)}"))
        )
    components = sum(1 for r in graph if r.is_component)
    providers = sum(1 for r in graph if r.is_provider)
    origin = f" (plan {graph.plan_id})" if graph.plan_id else ""
    items.append(
        f"{len(resources)} resources, {components} components, {providers} providers"
        f"{origin}; ids and computed outputs are stand-ins"
    )
    # Notes beyond the stand-ins one (e.g. commitments to buy separately).
    items.extend(
        escape(terminal(f"Note: {n}")) for n in graph.notes if not n.startswith("offline preview")
    )
    return items


def _short_type(type_token: str) -> str:
    """'aws:ec2/launchTemplate:LaunchTemplate' → 'aws:ec2:LaunchTemplate' (the table is per
    cloud, but a mixed graph keeps the provider)."""
    parts = type_token.split(":")
    if len(parts) == 3:
        return f"{parts[0]}:{parts[1].split('/')[0]}:{parts[2]}"
    return type_token
