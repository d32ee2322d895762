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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
from pulumi_gcp import compute

from cloudwright.components.base import child
from cloudwright.components.fabric import GcpNicLayout, gcp_nic_layout
from cloudwright.components.interface import ClusterNetwork, NetworkArgs
from cloudwright.components.sizing import RESERVED_ADDRESSES, carve_subnets, prefix_for_hosts
from cloudwright.core.errors import InputError

SPARE_ADDRESSES = 32
LARGEST_SUBNET_PREFIX = 24
INTERNAL_PROTOCOLS = ("tcp", "udp", "icmp")


@dataclass(frozen=True)
class NicAttachment:
    """One node NIC: the subnetwork it attaches to and its vNIC type."""

    network: pulumi.Output[str]
    subnetwork: pulumi.Output[str]
    nic_type: str


def subnet_prefix(nodes: int) -> int:
    hosts = 2 * nodes + SPARE_ADDRESSES
    return min(prefix_for_hosts(hosts, RESERVED_ADDRESSES["gcp"]), LARGEST_SUBNET_PREFIX)


def roce_profile(project: str, zone: str) -> str:
    return f"projects/{project}/global/networkProfiles/{zone}-vpc-roce"


class GcpClusterNetwork(pulumi.ComponentResource, ClusterNetwork):
    def __init__(
        self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cloudwright:gcp:ClusterNetwork", name, None, opts)
        self.args = args
        self.layout: GcpNicLayout = gcp_nic_layout(args.fabric)
        self.zone: pulumi.Output[str] = (
            pulumi.Output.from_input(args.zone)
            if args.zone
            else compute.get_zones_output(
                region=args.region, status="UP", opts=pulumi.InvokeOutputOptions(parent=self)
            ).names[0]
        )
        subnets = self.layout.host_nics + self.layout.gpu_nics
        cidrs = carve_subnets(args.cidr_block, [subnet_prefix(args.nodes)] * subnets)
        self.nics: list[NicAttachment] = []
        self.networks: list[compute.Network] = []
        self.system_cidr = cidrs[0]
        for i in range(self.layout.host_nics):
            label = "system" if i == 0 else f"host{i}"
            self.nics.append(self._vpc_with_subnet(name, label, cidrs[i], "GVNIC"))
        gpu_cidrs = cidrs[self.layout.host_nics :]
        if self.layout.gpu_nics and self.layout.rdma_network:
            self.nics += self._roce_vpc(name, gpu_cidrs)
        else:
            for j, cidr in enumerate(gpu_cidrs):
                self.nics.append(
                    self._vpc_with_subnet(name, f"gpu{j}", cidr, self.layout.gpu_nic_type)
                )
        self.system_network = self.networks[0]
        if args.admin_cidrs:
            compute.Firewall(
                f"{name}-system-ssh",
                network=self.system_network.id,
                direction="INGRESS",
                allows=[compute.FirewallAllowArgs(protocol="tcp", ports=["22"])],
                source_ranges=list(args.admin_cidrs),
                description="SSH from administrator ranges only",
                opts=child(self),
            )
        if args.nat:
            router = compute.Router(
                f"{name}-router",
                region=args.region,
                network=self.system_network.id,
                opts=child(self),
            )
            compute.RouterNat(
                f"{name}-nat",
                router=router.name,
                region=args.region,
                nat_ip_allocate_option="AUTO_ONLY",
                source_subnetwork_ip_ranges_to_nat="ALL_SUBNETWORKS_ALL_IP_RANGES",
                log_config=compute.RouterNatLogConfigArgs(enable=True, filter="ERRORS_ONLY"),
                opts=child(self),
            )
        self.register_outputs(
            {
                "systemNetwork": self.system_network.id,
                "nicCount": len(self.nics),
                "zone": self.zone,
            }
        )

    def _vpc_with_subnet(self, name: str, label: str, cidr: str, nic_type: str) -> NicAttachment:
        network = compute.Network(
            f"{name}-{label}",
            auto_create_subnetworks=False,
            routing_mode="REGIONAL",
            mtu=self.layout.mtu,
            description=f"Cloudwright {self.args.cluster}: {label} network",
            opts=child(self),
        )
        self.networks.append(network)
        subnet = compute.Subnetwork(
            f"{name}-{label}",
            network=network.id,
            region=self.args.region,
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
        return NicAttachment(network.self_link, subnet.self_link, nic_type)

    def _roce_vpc(self, name: str, cidrs: Sequence[str]) -> list[NicAttachment]:
        if not self.args.project:
            raise InputError(
                "a GPUDirect-RDMA cluster needs the GCP project for its RoCE network profile",
                hint="set gcp:project in the stack config",
            )
        project = self.args.project
        network = compute.Network(
            f"{name}-rdma",
            auto_create_subnetworks=False,
            mtu=self.layout.mtu,
            network_profile=self.zone.apply(lambda zone: roce_profile(project, zone)),
            description=f"Cloudwright {self.args.cluster}: RoCE network for GPU NICs",
            opts=child(self),
        )
        out = []
        for j, cidr in enumerate(cidrs):
            subnet = compute.Subnetwork(
                f"{name}-rdma{j}",
                network=network.id,
                region=self.args.region,
                ip_cidr_range=cidr,
                stack_type="IPV4_ONLY",
                opts=child(self),
            )
            out.append(NicAttachment(network.self_link, subnet.self_link, self.layout.gpu_nic_type))
        return out

    # ---- ClusterNetwork -------------------------------------------------------------------
    @property
    def network_id(self) -> pulumi.Output[str]:
        return self.system_network.id

    @property
    def node_subnet_id(self) -> pulumi.Output[str]:
        return self.nics[0].subnetwork

    @property
    def fabric_nics(self) -> int:
        return self.layout.gpu_nics
