"""`cloudwright:aws:ClusterNetwork`: a VPC with the nodes' private subnet in one AZ.

What it creates (ParallelCluster / awsome-distributed-training layout): a VPC; a private
subnet pinned to a zone ID (`availability_zone_id`, so `use1-az2` means the same hardware in
every account; the region's first available zone when none is given); a public /28 holding
only the NAT gateway (nodes get no public IPs); route tables; an S3 gateway endpoint so bucket
traffic skips the NAT; and the cluster security group with the all-traffic self-referencing
ingress and egress rules EFA needs. SSH is allowed only from the configured ranges (none by
default: use SSM Session Manager).

Bring your own network instead: skip this component and pass your subnet and security group
ids to `AwsClusterStorage` and `AwsGpuCluster` (the group must allow all traffic to and from
itself for EFA).
"""

from collections.abc import Mapping
from typing import NotRequired, TypedDict

import pulumi
from pulumi_aws import ec2, vpc
from pulumi_aws.get_availability_zones import get_availability_zones_output

from cloudwright.components.args import (
    FabricArgs,
    fabric_spec,
    need,
    plain_int,
    string_map,
)
from cloudwright.components.base import child, first_or_none
from cloudwright.components.fabric import efa_count, efa_interfaces, ips_per_node, supports_efa_only
from cloudwright.components.interface import FabricSpec
from cloudwright.components.sizing import RESERVED_ADDRESSES, carve_subnets, prefix_for_hosts

TYPE_TOKEN = "cloudwright:aws:ClusterNetwork"
# Addresses kept free beyond the nodes' own: FSx file servers, endpoints, replacements
# during rolling updates.
SPARE_ADDRESSES = 64
LARGEST_NODE_SUBNET_PREFIX = 24
NAT_SUBNET_PREFIX = 28
ANYWHERE_V4 = "0.0.0.0/0"


class AwsClusterNetworkArgs(TypedDict):
    """Inputs of cloudwright:aws:ClusterNetwork."""

    cluster: str
    """Short name used in resource names and Name tags."""
    region: str
    """AWS region (for the S3 gateway endpoint's service name)."""
    cidr_block: str
    """The VPC's private IPv4 block; the node and NAT subnets are carved from it."""
    instance_type: str
    """The nodes' EC2 instance type (decides whether EFA-only interfaces are allowed)."""
    nodes: int
    """Number of nodes the subnet must hold (twice over, for replacements)."""
    fabric: NotRequired[FabricArgs]
    """The instance type's fabric; EFA interfaces each take an address unless EFA-only."""
    zone: NotRequired[pulumi.Input[str]]
    """Availability zone ID (use1-az2); default: the region's first available zone."""
    tags: NotRequired[dict[str, str]]
    """Tags on every resource."""
    admin_cidrs: NotRequired[list[str]]
    """Ranges allowed to SSH to the nodes; default none (use SSM Session Manager)."""
    nat: NotRequired[bool]
    """Outbound internet through a NAT gateway (default true)."""
    efa_only: NotRequired[bool]
    """Size for EFA-only secondary interfaces, which take no IP address (default true)."""


def node_subnet_prefix(nodes: int, fabric: FabricSpec, efa_only: bool = True) -> int:
    """Prefix of the nodes' subnet: every node's IPs twice over (replacements) plus spares."""
    per_node = ips_per_node(efa_interfaces(efa_count(fabric), efa_only=efa_only))
    hosts = 2 * nodes * per_node + SPARE_ADDRESSES
    prefix = prefix_for_hosts(hosts, RESERVED_ADDRESSES["aws"])
    return min(prefix, LARGEST_NODE_SUBNET_PREFIX)


class AwsClusterNetwork(pulumi.ComponentResource):
    """A VPC, the GPU nodes' private subnet in one zone, NAT egress, an S3 endpoint and the
    EFA-ready cluster security group."""

    vpc_id: pulumi.Output[str]
    """The VPC."""
    network_id: pulumi.Output[str]
    """The VPC (the name every cloud's network uses)."""
    node_subnet_id: pulumi.Output[str]
    """The nodes' private subnet."""
    security_group_id: pulumi.Output[str]
    """The cluster security group (EFA self traffic, optional admin SSH)."""
    zone_id: pulumi.Output[str | None]
    """The zone ID of the nodes' subnet (unset when AWS chose the zone)."""

    def __init__(
        self,
        name: str,
        args: AwsClusterNetworkArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        where = f"{TYPE_TOKEN} {name}"
        self.cluster = str(need(args, "cluster", where))
        region = str(need(args, "region", where))
        fabric = fabric_spec(args.get("fabric"), where)
        tags = string_map(args, "tags")
        self.efa_only = bool(args.get("efa_only", True)) and supports_efa_only(
            str(need(args, "instance_type", where))
        )
        cidr = str(need(args, "cidr_block", where))
        node_cidr, public_cidr = carve_subnets(
            cidr,
            [
                node_subnet_prefix(
                    plain_int(args, "nodes", where, minimum=1), fabric, self.efa_only
                ),
                NAT_SUBNET_PREFIX,
            ],
        )
        zone = args.get("zone")
        self.zone_id = (
            pulumi.Output.from_input(zone)
            if zone
            else get_availability_zones_output(
                state="available", opts=pulumi.InvokeOutputOptions(parent=self)
            ).zone_ids.apply(first_or_none)
        )
        self.vpc = ec2.Vpc(
            f"{name}-vpc",
            cidr_block=cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags={**tags, "Name": f"{self.cluster}-vpc"},
            opts=child(self),
        )
        self.node_subnet = ec2.Subnet(
            f"{name}-nodes",
            vpc_id=self.vpc.id,
            cidr_block=node_cidr,
            availability_zone_id=self.zone_id,
            map_public_ip_on_launch=False,
            tags={**tags, "Name": f"{self.cluster}-nodes"},
            opts=child(self),
        )
        private_rt = ec2.RouteTable(
            f"{name}-private-rt",
            vpc_id=self.vpc.id,
            tags={**tags, "Name": f"{self.cluster}-private"},
            opts=child(self),
        )
        ec2.RouteTableAssociation(
            f"{name}-nodes-rt",
            subnet_id=self.node_subnet.id,
            route_table_id=private_rt.id,
            opts=child(self),
        )
        if args.get("nat", True):
            self._nat_egress(name, public_cidr, private_rt, tags)
        ec2.VpcEndpoint(
            f"{name}-s3-endpoint",
            vpc_id=self.vpc.id,
            service_name=f"com.amazonaws.{region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[private_rt.id],
            tags={**tags, "Name": f"{self.cluster}-s3"},
            opts=child(self),
        )
        self.security_group = self._security_group(name, list(args.get("admin_cidrs") or []), tags)
        self.vpc_id = self.network_id = self.vpc.id
        self.node_subnet_id = self.node_subnet.id
        self.security_group_id = self.security_group.id
        self.register_outputs(
            {
                "vpcId": self.vpc_id,
                "networkId": self.network_id,
                "nodeSubnetId": self.node_subnet_id,
                "securityGroupId": self.security_group_id,
                "zoneId": self.zone_id,
            }
        )

    def _nat_egress(
        self, name: str, public_cidr: str, private_rt: ec2.RouteTable, tags: Mapping[str, str]
    ) -> None:
        igw = ec2.InternetGateway(
            f"{name}-igw",
            vpc_id=self.vpc.id,
            tags={**tags, "Name": f"{self.cluster}-igw"},
            opts=child(self),
        )
        public = ec2.Subnet(
            f"{name}-public",
            vpc_id=self.vpc.id,
            cidr_block=public_cidr,
            availability_zone_id=self.zone_id,
            map_public_ip_on_launch=False,
            tags={**tags, "Name": f"{self.cluster}-public"},
            opts=child(self),
        )
        public_rt = ec2.RouteTable(
            f"{name}-public-rt",
            vpc_id=self.vpc.id,
            tags={**tags, "Name": f"{self.cluster}-public"},
            opts=child(self),
        )
        ec2.Route(
            f"{name}-public-default",
            route_table_id=public_rt.id,
            destination_cidr_block=ANYWHERE_V4,
            gateway_id=igw.id,
            opts=child(self),
        )
        ec2.RouteTableAssociation(
            f"{name}-public-rt", subnet_id=public.id, route_table_id=public_rt.id, opts=child(self)
        )
        eip = ec2.Eip(
            f"{name}-nat-ip", domain="vpc", tags=dict(tags), opts=child(self, depends_on=[igw])
        )
        nat = ec2.NatGateway(
            f"{name}-nat",
            allocation_id=eip.id,
            subnet_id=public.id,
            connectivity_type="public",
            tags={**tags, "Name": f"{self.cluster}-nat"},
            opts=child(self),
        )
        ec2.Route(
            f"{name}-private-default",
            route_table_id=private_rt.id,
            destination_cidr_block=ANYWHERE_V4,
            nat_gateway_id=nat.id,
            opts=child(self),
        )

    def _security_group(
        self, name: str, admin_cidrs: list[str], tags: Mapping[str, str]
    ) -> ec2.SecurityGroup:
        sg = ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=self.vpc.id,
            description=f"Cloudwright cluster {self.cluster}: EFA self traffic, no public admin",
            revoke_rules_on_delete=True,
            tags={**tags, "Name": f"{self.cluster}-cluster"},
            opts=child(self),
        )
        # EFA's OS-bypass traffic only flows between members of a group that allows all
        # traffic to and from itself (EC2 user guide, "Prepare an EFA-enabled security group").
        vpc.SecurityGroupIngressRule(
            f"{name}-self-in",
            security_group_id=sg.id,
            referenced_security_group_id=sg.id,
            ip_protocol="-1",
            description="all traffic from cluster members (EFA, NCCL, Lustre)",
            tags=dict(tags),
            opts=child(self),
        )
        vpc.SecurityGroupEgressRule(
            f"{name}-self-out",
            security_group_id=sg.id,
            referenced_security_group_id=sg.id,
            ip_protocol="-1",
            description="all traffic to cluster members (EFA requires the egress rule too)",
            tags=dict(tags),
            opts=child(self),
        )
        vpc.SecurityGroupEgressRule(
            f"{name}-internet-out",
            security_group_id=sg.id,
            cidr_ipv4=ANYWHERE_V4,
            ip_protocol="-1",
            description="outbound through the NAT gateway (packages, SSM, registries)",
            tags=dict(tags),
            opts=child(self),
        )
        for i, cidr in enumerate(admin_cidrs):
            ipv6 = ":" in cidr
            vpc.SecurityGroupIngressRule(
                f"{name}-ssh-{i}",
                security_group_id=sg.id,
                ip_protocol="tcp",
                from_port=22,
                to_port=22,
                description=f"SSH from an administrator range ({cidr})",
                tags=dict(tags),
                cidr_ipv4=None if ipv6 else cidr,
                cidr_ipv6=cidr if ipv6 else None,
                opts=child(self),
            )
        return sg
