"""`cloudwright:azure:KubernetesCluster` (AKS) and `cloudwright:azure:GpuNodePool`, and the kit.

- KubernetesCluster: an azure-native `ManagedCluster`, private (apiServerAccessProfile.
  enablePrivateCluster true), Standard tier (the uptime SLA; its fee is in the plan), Entra
  ID with Azure RBAC and local accounts off, Azure CNI overlay in the cluster network's node
  subnet with outbound through its NAT gateway, a small system pool (the only pool AKS
  requires at creation: it runs CoreDNS and the add-ons, never GPU work), encryption at host.
  `existing` adopts a cluster instead (`resourceGroup/name`, read with
  `containerservice.get_managed_cluster`).
- GpuNodePool: an `AgentPool` (mode User) of exactly `nodes` VMs of the plan's size with
  autoscaling off, the GPU driver installed by AKS (`gpuProfile.driver: Install`), tainted
  `nvidia.com/gpu`, encryption at host, spot priority for spot plans, a capacity reservation
  group for reservations.

InfiniBand on AKS: a node pool is one VM scale set, and VMs of an IB-capable size (ND H100
v5, ND A100 v4, HB/HC) in one scale set share an InfiniBand fabric only within one placement
group, which holds at most 100 VMs (`components.fabric.check_azure_ib_scale` refuses more).
AKS does not expose the scale set's `singlePlacementGroup`; fixed-size pools of an IB size
stay within one. The IB drivers and RDMA device plugin come from NVIDIA's Network Operator
(Microsoft's *Use InfiniBand on AKS* guidance), applied by the user: they are not part of
AKS's GPU driver install.
"""

from typing import Any, NotRequired, TypedDict

import pulumi
from pulumi_azure_native import containerservice as cs

from cloudwright.components.args import (
    FabricArgs,
    fabric_args,
    fabric_spec,
    need,
    plain_int,
    string_map,
)
from cloudwright.components.azure.network import AzureClusterNetwork
from cloudwright.components.base import child, expect
from cloudwright.components.fabric import check_azure_ib_scale
from cloudwright.components.interface import ClusterNetwork, ClusterStorage, Market
from cloudwright.components.kubernetes import (
    GPU_TAINT_KEY,
    POOL_LABEL,
    KubernetesClusterSpec,
    KubernetesKit,
    NodePoolSpec,
    manifests,
    nvidia_device_plugin,
)
from cloudwright.core.errors import InputError

CLUSTER_TOKEN = "cloudwright:azure:KubernetesCluster"
POOL_TOKEN = "cloudwright:azure:GpuNodePool"
TYPE_TOKEN = POOL_TOKEN
SYSTEM_VM_SIZE = "Standard_D4s_v5"
SYSTEM_NODES = 2
# Overlay pod and service ranges outside 10.0.0.0/8 (the networks' pool).
PODS_CIDR = "100.64.0.0/14"
SERVICES_CIDR = "100.68.0.0/20"
DNS_SERVICE_IP = "100.68.0.10"
POOL_NAME_MAX = 12  # AKS: Linux pool names are 1-12 lowercase letters and digits


def pool_name(cluster: str) -> str:
    """An AKS pool name from a workload slug: lowercase alphanumerics, at most 12, starting
    with a letter, with a short hash so two long names do not collide."""
    import hashlib

    letters = "".join(ch for ch in cluster.lower() if ch.isalnum())
    digest = hashlib.sha256(cluster.encode()).hexdigest()[:4]
    head = letters[: POOL_NAME_MAX - 4] or "gpu"
    if not head[0].isalpha():
        head = "g" + head[: POOL_NAME_MAX - 5]
    return head + digest


def _pool_subnet(profiles: Any) -> str:
    """The subnet of an adopted AKS cluster's first agent pool that names one."""
    for profile in profiles or []:
        subnet = getattr(profile, "vnet_subnet_id", None)
        if subnet:
            return str(subnet)
    raise InputError(
        "the adopted AKS cluster's agent pools name no subnet (kubenet or a managed VNet)",
        hint="GPU pools with InfiniBand need a cluster on your own VNet (Azure CNI)",
    )


class AzureKubernetesClusterArgs(TypedDict):
    """Inputs of cloudwright:azure:KubernetesCluster."""

    cluster: str
    """Short name: the DNS prefix and resource names."""
    region: str
    """Azure location."""
    resource_group_name: pulumi.Input[str]
    """The resource group of the cluster."""
    subnet_id: NotRequired[pulumi.Input[str]]
    """The system pool's subnet (AzureClusterNetwork's nodeSubnetId, with its NAT gateway)."""
    existing: NotRequired[str]
    """Adopt this AKS cluster (resourceGroup/name) instead of creating one."""
    system_vm_size: NotRequired[str]
    """VM size of the system pool (Standard_D4s_v5)."""
    encryption_at_host: NotRequired[bool]
    """Encryption at host on the system pool (default true)."""
    tags: NotRequired[dict[str, str]]
    """Tags on the cluster."""


class AzureKubernetesCluster(pulumi.ComponentResource):
    """A private Standard-tier AKS cluster (or an adopted one)."""

    cluster_name: pulumi.Output[str]
    """The managed cluster's name."""
    resource_group_name: pulumi.Output[str]
    """Its resource group."""
    node_subnet_id: pulumi.Output[str] | None
    """An adopted cluster's node subnet (its first agent pool's): pools join the cluster's own
    VNet. None for a created one."""

    def __init__(
        self,
        name: str,
        args: AzureKubernetesClusterArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(CLUSTER_TOKEN, name, None, opts)
        where = f"{CLUSTER_TOKEN} {name}"
        cluster = str(need(args, "cluster", where))
        existing = args.get("existing")
        if existing:
            group, _, cluster_name = existing.partition("/")
            if not cluster_name:
                raise InputError(
                    f"existing AKS cluster {existing!r} must be resourceGroup/name", location=where
                )
            found = cs.get_managed_cluster_output(
                resource_group_name=group,
                resource_name=cluster_name,
                opts=pulumi.InvokeOutputOptions(parent=self),
            )
            self.cluster_name = found.name
            self.resource_group_name = pulumi.Output.from_input(group)
            self.node_subnet_id = found.agent_pool_profiles.apply(_pool_subnet)
        else:
            self.node_subnet_id = None
            group_input = need(args, "resource_group_name", where)
            aks = cs.ManagedCluster(
                f"{name}-aks",
                resource_group_name=group_input,
                location=str(need(args, "region", where)),
                dns_prefix=cluster,
                sku=cs.ManagedClusterSKUArgs(name="Base", tier="Standard"),
                identity=cs.ManagedClusterIdentityArgs(
                    type=cs.ResourceIdentityType.SYSTEM_ASSIGNED
                ),
                api_server_access_profile=cs.ManagedClusterAPIServerAccessProfileArgs(
                    enable_private_cluster=True
                ),
                aad_profile=cs.ManagedClusterAADProfileArgs(managed=True, enable_azure_rbac=True),
                disable_local_accounts=True,
                enable_rbac=True,
                network_profile=cs.ContainerServiceNetworkProfileArgs(
                    network_plugin="azure",
                    network_plugin_mode="overlay",
                    pod_cidr=PODS_CIDR,
                    service_cidr=SERVICES_CIDR,
                    dns_service_ip=DNS_SERVICE_IP,
                    outbound_type="userAssignedNATGateway",
                ),
                agent_pool_profiles=[
                    cs.ManagedClusterAgentPoolProfileArgs(
                        name="system",
                        mode="System",
                        vm_size=str(args.get("system_vm_size") or SYSTEM_VM_SIZE),
                        count=SYSTEM_NODES,
                        enable_auto_scaling=False,
                        os_type="Linux",
                        type="VirtualMachineScaleSets",
                        vnet_subnet_id=need(args, "subnet_id", where),
                        enable_encryption_at_host=bool(args.get("encryption_at_host", True)),
                        node_taints=["CriticalAddonsOnly=true:NoSchedule"],
                    )
                ],
                auto_upgrade_profile=cs.ManagedClusterAutoUpgradeProfileArgs(
                    upgrade_channel="patch"
                ),
                tags=string_map(args, "tags"),
                opts=child(self),
            )
            self.cluster_name = aks.name
            self.resource_group_name = pulumi.Output.from_input(group_input)
        self.register_outputs(
            {"clusterName": self.cluster_name, "resourceGroupName": self.resource_group_name}
        )


class AzureGpuNodePoolArgs(TypedDict):
    """Inputs of cloudwright:azure:GpuNodePool."""

    cluster: str
    """Short name: the pool name is derived from it."""
    cluster_name: pulumi.Input[str]
    """The AKS cluster the pool joins."""
    resource_group_name: pulumi.Input[str]
    """The cluster's resource group."""
    instance_type: str
    """VM size (Standard_ND96isr_H100_v5, ...)."""
    nodes: int
    """Number of VMs (fixed; at most 100 on one InfiniBand fabric)."""
    subnet_id: pulumi.Input[str]
    """The nodes' subnet (in the cluster's virtual network)."""
    fabric: NotRequired[FabricArgs]
    """The size's fabric (InfiniBand: at most 100 nodes, autoscaling off)."""
    market: NotRequired[Market]
    """on_demand (default), spot or capacity_reservation."""
    reservation: NotRequired[pulumi.Input[str]]
    """Capacity reservation group id, for capacity_reservation."""
    boot_disk_gb: NotRequired[int]
    """OS disk size in GB (default 200)."""
    encryption_at_host: NotRequired[bool]
    """Encryption at host (default true; needs the subscription feature)."""
    tags: NotRequired[dict[str, str]]
    """Tags on the pool's VMs."""


class AzureGpuNodePool(pulumi.ComponentResource):
    """A fixed-size AKS GPU pool with the driver installed by AKS."""

    node_group: pulumi.Output[str]
    """The agent pool's id."""
    identity: pulumi.Output[str]
    """The agent pool's name (nodes use the cluster's kubelet identity)."""
    device_manifests: pulumi.Output[str]
    """The NVIDIA device plugin DaemonSet to apply, as YAML."""

    def __init__(
        self, name: str, args: AzureGpuNodePoolArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(POOL_TOKEN, name, None, opts)
        where = f"{POOL_TOKEN} {name}"
        cluster = str(need(args, "cluster", where))
        nodes = plain_int(args, "nodes", where, minimum=1)
        fabric = fabric_spec(args.get("fabric"), where)
        check_azure_ib_scale(fabric, nodes)
        market = Market(args.get("market", Market.ON_DEMAND))
        if market == Market.CAPACITY_BLOCK:
            raise InputError("capacity blocks are an AWS purchase option", location=where)
        if market == Market.CAPACITY_RESERVATION and not args.get("reservation"):
            raise InputError(
                "market capacity_reservation needs a capacity reservation group id", location=where
            )
        spot = market == Market.SPOT
        pool = cs.AgentPool(
            f"{name}-pool",
            resource_group_name=need(args, "resource_group_name", where),
            resource_name_=need(args, "cluster_name", where),
            agent_pool_name=pool_name(cluster),
            mode="User",
            vm_size=str(need(args, "instance_type", where)),
            count=nodes,
            # A fabric pool keeps its size: the autoscaler would add VMs outside the job and
            # remove ones inside it.
            enable_auto_scaling=False,
            os_type="Linux",
            os_sku="Ubuntu",
            type="VirtualMachineScaleSets",
            vnet_subnet_id=need(args, "subnet_id", where),
            os_disk_size_gb=int(args.get("boot_disk_gb") or 200),
            os_disk_type="Managed",
            enable_encryption_at_host=bool(args.get("encryption_at_host", True)),
            gpu_profile=cs.GPUProfileArgs(driver="Install"),
            node_taints=[f"{GPU_TAINT_KEY}=present:NoSchedule"],
            node_labels=dict(POOL_LABEL),
            scale_set_priority="Spot" if spot else None,
            scale_set_eviction_policy="Delete" if spot else None,
            spot_max_price=-1 if spot else None,
            capacity_reservation_group_id=args.get("reservation"),
            tags=string_map(args, "tags"),
            opts=child(self),
        )
        self.node_group = pool.id
        self.identity = pool.name
        self.device_manifests = pulumi.Output.from_input(manifests(nvidia_device_plugin()))
        self.register_outputs(
            {
                "nodeGroup": self.node_group,
                "identity": self.identity,
                "deviceManifests": self.device_manifests,
            }
        )


class AzureKubernetesKit(KubernetesKit):
    cloud = "azure"

    def cluster(
        self,
        name: str,
        spec: KubernetesClusterSpec,
        network: ClusterNetwork,
        opts: pulumi.ResourceOptions,
    ) -> AzureKubernetesCluster:
        net = expect(network, AzureClusterNetwork, "network")
        args = AzureKubernetesClusterArgs(
            cluster=spec.cluster,
            region=spec.region,
            resource_group_name=net.resource_group_name,
            subnet_id=net.node_subnet_id,
            tags=dict(spec.tags),
        )
        if spec.existing:
            args["existing"] = spec.existing
        return AzureKubernetesCluster(name, args, opts=opts)

    def node_pool(
        self,
        name: str,
        spec: NodePoolSpec,
        cluster: Any,
        network: ClusterNetwork,
        storage: ClusterStorage,
        opts: pulumi.ResourceOptions,
    ) -> AzureGpuNodePool:
        net = expect(network, AzureClusterNetwork, "network")
        aks = expect(cluster, AzureKubernetesCluster, "cluster")
        args = AzureGpuNodePoolArgs(
            cluster=spec.cluster,
            cluster_name=aks.cluster_name,
            resource_group_name=aks.resource_group_name,
            instance_type=spec.instance_type,
            nodes=spec.nodes,
            subnet_id=aks.node_subnet_id or net.node_subnet_id,  # adopted: the cluster's VNet
            fabric=fabric_args(spec.fabric),
            market=spec.market,
            boot_disk_gb=spec.boot_disk_gb,
            encryption_at_host=spec.encryption_at_host,
            tags=dict(spec.tags),
        )
        if spec.reservation:
            args["reservation"] = spec.reservation
        return AzureGpuNodePool(name, args, opts=opts)


K8S_KIT = AzureKubernetesKit()
TYPE_TOKENS = {
    "AzureKubernetesCluster": CLUSTER_TOKEN,
    "AzureGpuNodePool": POOL_TOKEN,
}
COMPONENTS = (AzureKubernetesCluster, AzureGpuNodePool)
