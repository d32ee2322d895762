"""`cloudwright:gcp:KubernetesCluster` (GKE) and `cloudwright:gcp:GpuNodePool`, and the kit.

- KubernetesCluster: a VPC-native regional GKE cluster on the cluster network's system VPC,
  private (private nodes and a private endpoint only, reachable from the cluster network's
  block), workload identity, Dataplane V2 with multi-networking (GPUDirect pools attach
  their GPU NIC VPCs as additional node networks), the default node pool removed, and pod /
  service ranges outside the 10/8 pool the networks are carved from. `existing` adopts a
  cluster instead (read with `container.get_cluster`).
- GpuNodePool: a node service account (log and metric writer, its own bucket only), and a
  `gcp.container.NodePool` of exactly `nodes` nodes in one zone: compact placement
  (`placementPolicy.type: COMPACT`) when the machine has a fabric, one additional node
  network per GPU NIC (`networkConfig.additionalNodeNetworkConfigs`: the GPU VPCs / RoCE
  subnets `GcpClusterNetwork` builds, 8 on a3-megagpu-8g), gVNIC, the accelerators on the
  node config (type and count, GKE-installed driver `LATEST`), shielded nodes, GKE metadata
  server, spot or a specific reservation.
"""

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any, NotRequired, TypedDict

import pulumi
from pulumi_gcp import container, serviceaccount

from cloudwright.components.args import (
    FabricArgs,
    fabric_args,
    fabric_spec,
    need,
    plain_int,
    string_map,
)
from cloudwright.components.base import child, expect
from cloudwright.components.fabric import (
    GcpNicLayout,
    gcp_boot_disk_type,
    gcp_machine_family,
    gcp_nic_layout,
)
from cloudwright.components.gcp.cluster import RESERVATION_KEY, node_identity
from cloudwright.components.gcp.network import GcpClusterNetwork
from cloudwright.components.gcp.storage import GcpClusterStorage
from cloudwright.components.interface import ClusterNetwork, ClusterStorage, Market
from cloudwright.components.kubernetes import (
    POOL_LABEL,
    KubernetesClusterSpec,
    KubernetesKit,
    NodePoolSpec,
    manifests,
    nvidia_device_plugin,
)
from cloudwright.components.tags import gcp_labels, service_account_id
from cloudwright.core.errors import InputError
from cloudwright.optimizer.catalog.shapes import split_attached

CLUSTER_TOKEN = "cloudwright:gcp:KubernetesCluster"
POOL_TOKEN = "cloudwright:gcp:GpuNodePool"
TYPE_TOKEN = POOL_TOKEN
MASTER_CIDR = "172.16.0.0/28"
# Pods and services outside 10.0.0.0/8 (the workloads' pool): GKE accepts the shared address
# space 100.64.0.0/10 for VPC-native ranges.
PODS_CIDR = "100.64.0.0/14"
SERVICES_CIDR = "100.68.0.0/20"
CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
# Accelerator type of each GPU machine family (Compute Engine's GPU machine types page).
ACCELERATORS = {
    "a2-highgpu": "nvidia-tesla-a100",
    "a2-megagpu": "nvidia-tesla-a100",
    "a2-ultragpu": "nvidia-a100-80gb",
    "a3-highgpu": "nvidia-h100-80gb",
    "a3-edgegpu": "nvidia-h100-80gb",
    "a3-megagpu": "nvidia-h100-mega-80gb",
    "a3-ultragpu": "nvidia-h200-141gb",
    "a4-highgpu": "nvidia-b200",
    "g2-standard": "nvidia-l4",
}


def accelerator(instance_type: str, gpu_count: int) -> tuple[str, str, int]:
    """(machine type, accelerator type, count) of a GKE GPU node."""
    shape = split_attached(instance_type)
    if shape is not None:
        return shape.machine_type, shape.accelerator_type, shape.count
    kind = ACCELERATORS.get(gcp_machine_family(instance_type))
    if kind is None:
        raise InputError(
            f"no known GKE accelerator type for machine {instance_type!r}",
            hint=f"GPU machine families: {', '.join(sorted(ACCELERATORS))}",
        )
    return instance_type, kind, gpu_count


class GcpKubernetesClusterArgs(TypedDict):
    """Inputs of cloudwright:gcp:KubernetesCluster."""

    cluster: str
    """Short name used in resource names."""
    region: str
    """Region of the (regional) cluster."""
    project: pulumi.Input[str]
    """Project id (the workload identity pool is <project>.svc.id.goog)."""
    network: NotRequired[pulumi.Input[str]]
    """The system VPC (GcpClusterNetwork's networkId)."""
    subnetwork: NotRequired[pulumi.Input[str]]
    """The system subnetwork (GcpClusterNetwork's nodeSubnetId)."""
    authorized_cidrs: NotRequired[list[str]]
    """Ranges that may reach the private endpoint (the cluster network's block)."""
    existing: NotRequired[str]
    """Adopt this GKE cluster (name, in the region) instead of creating one."""
    tags: NotRequired[dict[str, str]]
    """Resource labels (normalised to GCP's label rules)."""


class GcpKubernetesCluster(pulumi.ComponentResource):
    """A private, VPC-native, multi-network GKE cluster (or an adopted one)."""

    cluster_id: pulumi.Output[str]
    """The cluster's id (projects/.../locations/.../clusters/...)."""
    cluster_name: pulumi.Output[str]
    """The cluster's name."""

    def __init__(
        self, name: str, args: GcpKubernetesClusterArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(CLUSTER_TOKEN, name, None, opts)
        where = f"{CLUSTER_TOKEN} {name}"
        cluster = str(need(args, "cluster", where))
        region = str(need(args, "region", where))
        project = need(args, "project", where, "the workload identity pool is per project")
        existing = args.get("existing")
        if existing:
            found = container.get_cluster_output(
                name=existing,
                location=region,
                project=project,
                opts=pulumi.InvokeOutputOptions(parent=self),
            )
            self.cluster_id, self.cluster_name = found.id, found.name
        else:
            gke = container.Cluster(
                f"{name}-gke",
                location=region,
                network=need(args, "network", where),
                subnetwork=need(args, "subnetwork", where),
                remove_default_node_pool=True,
                initial_node_count=1,
                networking_mode="VPC_NATIVE",
                ip_allocation_policy=container.ClusterIpAllocationPolicyArgs(
                    cluster_ipv4_cidr_block=PODS_CIDR, services_ipv4_cidr_block=SERVICES_CIDR
                ),
                private_cluster_config=container.ClusterPrivateClusterConfigArgs(
                    enable_private_nodes=True,
                    enable_private_endpoint=True,
                    master_ipv4_cidr_block=MASTER_CIDR,
                ),
                master_authorized_networks_config=container.ClusterMasterAuthorizedNetworksConfigArgs(
                    cidr_blocks=[
                        container.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs(
                            cidr_block=cidr, display_name=f"{cluster} network"
                        )
                        for cidr in args.get("authorized_cidrs") or []
                    ]
                ),
                workload_identity_config=container.ClusterWorkloadIdentityConfigArgs(
                    workload_pool=pulumi.Output.concat(project, ".svc.id.goog")
                ),
                datapath_provider="ADVANCED_DATAPATH",
                enable_multi_networking=True,
                release_channel=container.ClusterReleaseChannelArgs(channel="REGULAR"),
                resource_labels=gcp_labels(string_map(args, "tags")),
                deletion_protection=True,
                opts=child(self),
            )
            self.cluster_id, self.cluster_name = gke.id, gke.name
        self.register_outputs({"clusterId": self.cluster_id, "clusterName": self.cluster_name})


class AdditionalNetworkArgs(TypedDict):
    """One GPU NIC's network and subnetwork (names)."""

    network: pulumi.Input[str]
    """VPC name."""
    subnetwork: pulumi.Input[str]
    """Subnetwork name."""


class GcpGpuNodePoolArgs(TypedDict):
    """Inputs of cloudwright:gcp:GpuNodePool."""

    cluster: str
    """Short name used in resource names and the service account id."""
    region: str
    """The cluster's region."""
    cluster_id: pulumi.Input[str]
    """The GKE cluster the pool joins."""
    project: pulumi.Input[str]
    """Project id: the nodes' service account gets its roles there."""
    zone: pulumi.Input[str]
    """The one zone of the nodes."""
    instance_type: str
    """Machine type (a3-megagpu-8g, ...) or an attached-GPU shape (n1-...+nvidia-tesla-t4x1)."""
    nodes: int
    """Number of nodes (fixed)."""
    gpu_count: int
    """GPUs per node."""
    fabric: NotRequired[FabricArgs]
    """The machine's fabric: compact placement and GPUDirect networks when present."""
    additional_networks: NotRequired[list[AdditionalNetworkArgs]]
    """One per GPU NIC (and extra host NIC), in NIC order after the system NIC."""
    market: NotRequired[Market]
    """on_demand (default), spot or capacity_reservation."""
    reservation: NotRequired[pulumi.Input[str]]
    """The reservation's name, for capacity_reservation."""
    boot_disk_gb: NotRequired[int]
    """Boot disk size in GB (default 200)."""
    bucket_name: NotRequired[pulumi.Input[str]]
    """A bucket the nodes may read and write."""
    tags: NotRequired[dict[str, str]]
    """Labels on the nodes' resources."""


class GcpGpuNodePool(pulumi.ComponentResource):
    """A fixed-size GKE GPU node pool in one zone with compact placement and GPUDirect
    additional node networks."""

    node_group: pulumi.Output[str]
    """The node pool's id."""
    identity: pulumi.Output[str]
    """The nodes' service account e-mail."""
    device_manifests: pulumi.Output[str]
    """GKE installs the NVIDIA device plugin itself; this is the plugin for clusters that do
    not (kept for parity with EKS; apply only on a self-managed driver)."""

    def __init__(
        self, name: str, args: GcpGpuNodePoolArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(POOL_TOKEN, name, None, opts)
        where = f"{POOL_TOKEN} {name}"
        self.cluster = str(need(args, "cluster", where))
        nodes = plain_int(args, "nodes", where, minimum=1)
        fabric = fabric_spec(args.get("fabric"), where)
        market = Market(args.get("market", Market.ON_DEMAND))
        machine, kind, count = accelerator(
            str(need(args, "instance_type", where)), plain_int(args, "gpu_count", where, minimum=1)
        )
        labels = gcp_labels(string_map(args, "tags"))
        account = self._identity(name, args)
        extra = list(args.get("additional_networks") or [])
        boot = int(args.get("boot_disk_gb") or 200)
        affinity = None
        if market == Market.CAPACITY_RESERVATION:
            if not args.get("reservation"):
                raise InputError(
                    "market capacity_reservation needs the reservation's name", location=where
                )
            affinity = container.NodePoolNodeConfigReservationAffinityArgs(
                consume_reservation_type="SPECIFIC_RESERVATION",
                key=RESERVATION_KEY,
                values=[args["reservation"]],
            )
        pool = container.NodePool(
            f"{name}-pool",
            cluster=need(args, "cluster_id", where),
            location=str(need(args, "region", where)),
            node_locations=[need(args, "zone", where)],
            node_count=nodes,
            placement_policy=container.NodePoolPlacementPolicyArgs(type="COMPACT")
            if fabric.present
            else None,
            network_config=container.NodePoolNetworkConfigArgs(
                additional_node_network_configs=[
                    container.NodePoolNetworkConfigAdditionalNodeNetworkConfigArgs(
                        network=n["network"], subnetwork=n["subnetwork"]
                    )
                    for n in extra
                ]
            )
            if extra
            else None,
            management=container.NodePoolManagementArgs(auto_repair=True, auto_upgrade=True),
            # Replace one node at a time, never adding a surge node outside the placement.
            upgrade_settings=container.NodePoolUpgradeSettingsArgs(max_surge=0, max_unavailable=1),
            node_config=container.NodePoolNodeConfigArgs(
                machine_type=machine,
                guest_accelerators=[
                    container.NodePoolNodeConfigGuestAcceleratorArgs(
                        type=kind,
                        count=count,
                        gpu_driver_installation_config=container.NodePoolNodeConfigGuestAcceleratorGpuDriverInstallationConfigArgs(
                            gpu_driver_version="LATEST"
                        ),
                    )
                ],
                gvnic=container.NodePoolNodeConfigGvnicArgs(enabled=True),
                disk_type=gcp_boot_disk_type(machine),
                disk_size_gb=boot,
                service_account=account.email,
                oauth_scopes=[CLOUD_PLATFORM_SCOPE],
                spot=market == Market.SPOT,
                reservation_affinity=affinity,
                shielded_instance_config=container.NodePoolNodeConfigShieldedInstanceConfigArgs(
                    enable_integrity_monitoring=True, enable_secure_boot=False
                ),
                workload_metadata_config=container.NodePoolNodeConfigWorkloadMetadataConfigArgs(
                    mode="GKE_METADATA"
                ),
                metadata={"disable-legacy-endpoints": "true"},
                labels={**labels, **POOL_LABEL},
                resource_labels=labels,
            ),
            opts=child(self),
        )
        self.node_group = pool.id
        self.identity = account.email
        self.device_manifests = pulumi.Output.from_input(manifests(nvidia_device_plugin()))
        self.register_outputs(
            {
                "nodeGroup": self.node_group,
                "identity": self.identity,
                "deviceManifests": self.device_manifests,
            }
        )

    def _identity(self, name: str, args: Mapping[str, Any]) -> serviceaccount.Account:
        return node_identity(
            self,
            name,
            service_account_id(f"{self.cluster}-gke"),
            f"Cloudwright {self.cluster} GKE GPU nodes",
            args["project"],
            args.get("bucket_name"),
        )


def _name(links: list[str], k: int) -> str:
    link = links[k]
    return link.rsplit("/", 1)[-1] if isinstance(link, str) else link


def additional_networks(net: GcpClusterNetwork, pool: GcpNicLayout) -> list[AdditionalNetworkArgs]:
    """The pool's NICs after the system NIC as (network, subnetwork) names: one VPC each,
    except a RoCE VPC, which holds all the MRDMA subnets."""
    layout = net.layout
    count = pool.host_nics + pool.gpu_nics
    if count > layout.host_nics + layout.gpu_nics or pool.rdma_network != layout.rdma_network:
        raise InputError(
            f"the cluster network has {layout.host_nics + layout.gpu_nics} NICs' networks "
            f"({'RDMA' if layout.rdma_network else 'gVNIC'}); the pool needs {count} "
            f"({'RDMA' if pool.rdma_network else 'gVNIC'})"
        )
    networks: Sequence[Any] = net.networks
    out: list[AdditionalNetworkArgs] = []
    for k in range(1, count):
        vpc = networks[min(k, len(networks) - 1)] if layout.rdma_network else networks[k]
        out.append(
            AdditionalNetworkArgs(
                network=vpc.name,
                subnetwork=net.subnetworks.apply(partial(_name, k=k)),
            )
        )
    return out


class GcpKubernetesKit(KubernetesKit):
    cloud = "gcp"

    def cluster(
        self,
        name: str,
        spec: KubernetesClusterSpec,
        network: ClusterNetwork,
        opts: pulumi.ResourceOptions,
    ) -> GcpKubernetesCluster:
        net = expect(network, GcpClusterNetwork, "network")
        if not spec.project:
            raise InputError(
                "GKE clusters need the project id", hint="set gcp:project in the stack config"
            )
        args = GcpKubernetesClusterArgs(
            cluster=spec.cluster, region=spec.region, project=spec.project, tags=dict(spec.tags)
        )
        if spec.existing:
            args["existing"] = spec.existing
        else:
            args["network"] = net.network_id
            args["subnetwork"] = net.node_subnet_id
            args["authorized_cidrs"] = [spec.cidr_block]
        return GcpKubernetesCluster(name, args, opts=opts)

    def node_pool(
        self,
        name: str,
        spec: NodePoolSpec,
        cluster: Any,
        network: ClusterNetwork,
        storage: ClusterStorage,
        opts: pulumi.ResourceOptions,
    ) -> GcpGpuNodePool:
        net = expect(network, GcpClusterNetwork, "network")
        store = expect(storage, GcpClusterStorage, "storage")
        gke = expect(cluster, GcpKubernetesCluster, "cluster")
        if not spec.project:
            raise InputError(
                "GKE node pools need the project id", hint="set gcp:project in the stack config"
            )
        args = GcpGpuNodePoolArgs(
            cluster=spec.cluster,
            region=spec.region,
            cluster_id=gke.cluster_id,
            project=spec.project,
            zone=spec.zone or net.zone,  # type: ignore[typeddict-item]
            instance_type=spec.instance_type,
            nodes=spec.nodes,
            gpu_count=max(spec.gpu_count, 1),
            fabric=fabric_args(spec.fabric),
            market=spec.market,
            boot_disk_gb=spec.boot_disk_gb,
            tags=dict(spec.tags),
        )
        if spec.fabric.present:
            args["additional_networks"] = additional_networks(net, gcp_nic_layout(spec.fabric))
        if spec.reservation:
            args["reservation"] = spec.reservation
        if store.bucket_name is not None:
            args["bucket_name"] = store.bucket_name
        return GcpGpuNodePool(name, args, opts=opts)


K8S_KIT = GcpKubernetesKit()
TYPE_TOKENS = {
    "GcpKubernetesCluster": CLUSTER_TOKEN,
    "GcpGpuNodePool": POOL_TOKEN,
}
COMPONENTS = (GcpKubernetesCluster, GcpGpuNodePool)
