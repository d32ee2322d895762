"""`cloudwright:gcp:ClusterNetwork`: the system VPC plus the GPU NIC VPCs the machine needs.

Layout per fabric (`components.fabric.gcp_nic_layout`, after Cluster Toolkit's A3 blueprints):
- A3 High (GPUDirect-TCPX): system VPC + 4 GPU VPCs, one subnet and one NIC each (MTU 8244);
- A3 Mega (GPUDirect-TCPXO): system VPC + 8 GPU VPCs (MTU 8244);
- A3 Ultra / A4 (GPUDirect-RDMA): two gVNIC VPCs + one RoCE VPC (`{zone}-vpc-roce` network
  profile, MTU 8896) holding 8 subnets, one per MRDMA NIC;
- no fabric: the system VPC only.
Firewall rules allow traffic only from each network's own subnet (never 0.0.0.0/0); SSH only
from the configured ranges. RoCE VPCs take no VPC firewall rules (they implicitly allow only
RDMA traffic between their MRDMA NICs; Cloud NGFW for RoCE VPC networks). Nodes have no
external IPs: a Cloud Router + Cloud NAT on the system VPC gives them outbound access.

Bring your own network instead: skip this component and give `GcpClusterStorage` your VPC and
zone, and `GcpGpuCluster` your subnetworks' self links in NIC order (system first, then the
GPU NICs the fabric needs).
"""

from collections.abc import Sequence
from typing import NotRequired, TypedDict

import pulumi
from pulumi_gcp import compute

from cloudwright.components.args import FabricArgs, fabric_spec, need, plain_int
from cloudwright.components.base import child, first_or_none
from cloudwright.components.fabric import GcpNicLayout, gcp_nic_layout
from cloudwright.components.sizing import RESERVED_ADDRESSES, carve_subnets, prefix_for_hosts
from cloudwright.core.errors import InputError

TYPE_TOKEN = "cloudwright:gcp:ClusterNetwork"
SPARE_ADDRESSES = 32
LARGEST_SUBNET_PREFIX = 24
INTERNAL_PROTOCOLS = ("tcp", "udp", "icmp")


class GcpClusterNetworkArgs(TypedDict):
    """Inputs of cloudwright:gcp:ClusterNetwork."""

    cluster: str
    """Short name used in resource names and descriptions."""
    region: str
    """GCP region of the subnetworks, router and NAT."""
    cidr_block: str
    """Private IPv4 block; one subnetwork per NIC is carved from it."""
    nodes: int
    """Number of nodes each subnetwork must hold (twice over, for replacements)."""
    fabric: NotRequired[FabricArgs]
    """The machine type's fabric: decides the GPU NIC networks (TCPX, TCPXO, RDMA)."""
    zone: NotRequired[pulumi.Input[str]]
    """Zone of the nodes; default: the region's first zone that is up."""
    project: NotRequired[pulumi.Input[str]]
    """Project id (required for GPUDirect-RDMA: the RoCE network profile is per project)."""
    admin_cidrs: NotRequired[list[str]]
    """Ranges allowed to SSH to the nodes; default none."""
    nat: NotRequired[bool]
    """Outbound internet through Cloud NAT (default true)."""


def subnet_prefix(nodes: int) -> int:
    hosts = 2 * nodes + SPARE_ADDRESSES
    return min(prefix_for_hosts(hosts, RESERVED_ADDRESSES["gcp"]), LARGEST_SUBNET_PREFIX)


def roce_profile(project: str, zone: str) -> str:
    return f"projects/{project}/global/networkProfiles/{zone}-vpc-roce"


class GcpClusterNetwork(pulumi.ComponentResource):
    """The system VPC plus the GPU NIC VPCs (or RoCE VPC) the machine type's fabric needs,
    internal-only firewalls and Cloud NAT."""

    network_id: pulumi.Output[str]
    """The system VPC (for GcpClusterStorage's network)."""
    network_name: pulumi.Output[str]
    """The system VPC's name."""
    node_subnet_id: pulumi.Output[str]
    """The system subnetwork's self link."""
    subnetworks: pulumi.Output[list[str]]
    """Every NIC's subnetwork self link, in NIC order (GcpGpuCluster's subnetworks)."""
    zone: pulumi.Output[str | None]
    """The nodes' zone (unset when the lookup answered nothing)."""

    def __init__(
        self,
        name: str,
        args: GcpClusterNetworkArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        where = f"{TYPE_TOKEN} {name}"
        self.cluster = str(need(args, "cluster", where))
        self.region = str(need(args, "region", where))
        self.project = args.get("project")
        self.layout: GcpNicLayout = gcp_nic_layout(fabric_spec(args.get("fabric"), where))
        zone = args.get("zone")
        self.zone = (
            pulumi.Output.from_input(zone)
            if zone
            else compute.get_zones_output(
                region=self.region, status="UP", opts=pulumi.InvokeOutputOptions(parent=self)
            ).names.apply(first_or_none)
        )
        count = self.layout.host_nics + self.layout.gpu_nics
        prefix = subnet_prefix(plain_int(args, "nodes", where, minimum=1))
        cidrs = carve_subnets(str(need(args, "cidr_block", where)), [prefix] * count)
        subnets: list[pulumi.Output[str]] = []
        self.networks: list[compute.Network] = []
        for i in range(self.layout.host_nics):
            label = "system" if i == 0 else f"host{i}"
            subnets.append(self._vpc_with_subnet(name, label, cidrs[i]))
        gpu_cidrs = cidrs[self.layout.host_nics :]
        if self.layout.gpu_nics and self.layout.rdma_network:
            subnets += self._roce_vpc(name, gpu_cidrs, where)
        else:
            for j, cidr in enumerate(gpu_cidrs):
                subnets.append(self._vpc_with_subnet(name, f"gpu{j}", cidr))
        self.system_network = self.networks[0]
        admin_cidrs = list(args.get("admin_cidrs") or [])
        if admin_cidrs:
            compute.Firewall(
                f"{name}-system-ssh",
                network=self.system_network.id,
                direction="INGRESS",
                allows=[compute.FirewallAllowArgs(protocol="tcp", ports=["22"])],
                source_ranges=admin_cidrs,
                description="SSH from administrator ranges only",
                opts=child(self),
            )
        if args.get("nat", True):
            router = compute.Router(
                f"{name}-router",
                region=self.region,
                network=self.system_network.id,
                opts=child(self),
            )
            compute.RouterNat(
                f"{name}-nat",
                router=router.name,
                region=self.region,
                nat_ip_allocate_option="AUTO_ONLY",
                source_subnetwork_ip_ranges_to_nat="ALL_SUBNETWORKS_ALL_IP_RANGES",
                log_config=compute.RouterNatLogConfigArgs(enable=True, filter="ERRORS_ONLY"),
                opts=child(self),
            )
        self.network_id = self.system_network.id
        self.network_name = self.system_network.name
        self.node_subnet_id = subnets[0]
        self.subnetworks = pulumi.Output.all(*subnets).apply(list)
        self.register_outputs(
            {
                "networkId": self.network_id,
                "networkName": self.network_name,
                "nodeSubnetId": self.node_subnet_id,
                "subnetworks": self.subnetworks,
                "zone": self.zone,
            }
        )

    def _vpc_with_subnet(self, name: str, label: str, cidr: str) -> pulumi.Output[str]:
        network = compute.Network(
            f"{name}-{label}",
            auto_create_subnetworks=False,
            routing_mode="REGIONAL",
            mtu=self.layout.mtu,
            description=f"Cloudwright {self.cluster}: {label} network",
            opts=child(self),
        )
        self.networks.append(network)
        subnet = compute.Subnetwork(
            f"{name}-{label}",
            network=network.id,
            region=self.region,
            ip_cidr_range=cidr,
            private_ip_google_access=True,
            stack_type="IPV4_ONLY",
            opts=child(self),
        )
        compute.Firewall(
            f"{name}-{label}-internal",
            network=network.id,
            direction="INGRESS",
            allows=[compute.FirewallAllowArgs(protocol=p) for p in INTERNAL_PROTOCOLS],
            source_ranges=[cidr],
            description="traffic between cluster members only",
            opts=child(self),
        )
        return subnet.self_link

    def _roce_vpc(self, name: str, cidrs: Sequence[str], where: str) -> list[pulumi.Output[str]]:
        if not self.project:
            raise InputError(
                "a GPUDirect-RDMA cluster needs the GCP project for its RoCE network profile",
                location=f"{where}: input project",
                hint="set gcp:project in the stack config",
            )
        network = compute.Network(
            f"{name}-rdma",
            auto_create_subnetworks=False,
            mtu=self.layout.mtu,
            network_profile=pulumi.Output.all(self.project, self.zone).apply(
                lambda pz: roce_profile(pz[0], pz[1]) if pz[1] else None
            ),
            description=f"Cloudwright {self.cluster}: RoCE network for GPU NICs",
            opts=child(self),
        )
        self.networks.append(network)
        out = []
        for j, cidr in enumerate(cidrs):
            subnet = compute.Subnetwork(
                f"{name}-rdma{j}",
                network=network.id,
                region=self.region,
                ip_cidr_range=cidr,
                stack_type="IPV4_ONLY",
                opts=child(self),
            )
            out.append(subnet.self_link)
        return out
