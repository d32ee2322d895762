"""`cloudwright:aws:ClusterNetwork`: a VPC with the nodes' private subnet in one AZ.

What it creates (ParallelCluster / awsome-distributed-training layout): a VPC; a private
subnet pinned to the plan's zone ID (`availability_zone_id`, so `use1-az2` means the same
hardware in every account); a public /28 holding only the NAT gateway (nodes get no public
IPs); route tables; an S3 gateway endpoint so bucket traffic skips the NAT; and the cluster
security group with the all-traffic self-referencing ingress and egress rules EFA needs.
SSH is allowed only from the configured ranges (none by default: use SSM Session Manager).
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
from pulumi_aws import ec2, vpc
from pulumi_aws.get_availability_zones import get_availability_zones_output

from cloudwright.components.base import child
from cloudwright.components.fabric import efa_count, efa_interfaces, ips_per_node, supports_efa_only
from cloudwright.components.interface import ClusterNetwork, NetworkArgs
from cloudwright.components.sizing import RESERVED_ADDRESSES, carve_subnets, prefix_for_hosts

# Addresses kept free beyond the nodes' own: FSx file servers, endpoints, replacements
# during rolling updates.
SPARE_ADDRESSES = 64
LARGEST_NODE_SUBNET_PREFIX = 24
NAT_SUBNET_PREFIX = 28
ANYWHERE_V4 = "0.0.0.0/0"


def node_subnet_prefix(args: NetworkArgs, efa_only: bool = True) -> int:
    """Prefix of the nodes' subnet: every node's IPs twice over (replacements) plus spares."""
    per_node = ips_per_node(efa_interfaces(efa_count(args.fabric), efa_only=efa_only))
    hosts = 2 * args.nodes * per_node + SPARE_ADDRESSES
    prefix = prefix_for_hosts(hosts, RESERVED_ADDRESSES["aws"])
    return min(prefix, LARGEST_NODE_SUBNET_PREFIX)


class AwsClusterNetwork(pulumi.ComponentResource, ClusterNetwork):
    def __init__(
        self,
        name: str,
        args: NetworkArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("cloudwright:aws:ClusterNetwork", name, None, opts)
        self.args = args
        tags = dict(args.tags)
        self._efa = efa_count(args.fabric)
        self._efa_only = args.efa_only and supports_efa_only(args.instance_type)
        node_cidr, public_cidr = carve_subnets(
            args.cidr_block,
            [node_subnet_prefix(args, self._efa_only), NAT_SUBNET_PREFIX],
        )
        self.zone_id: pulumi.Output[str] = (
            pulumi.Output.from_input(args.zone)
            if args.zone
            else get_availability_zones_output(
                state="available", opts=pulumi.InvokeOutputOptions(parent=self)
            ).zone_ids[0]
        )
        self.vpc = ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr_block,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags={**tags, "Name": f"{args.cluster}-vpc"},
            opts=child(self),
        )
        self.node_subnet = ec2.Subnet(
            f"{name}-nodes",
            vpc_id=self.vpc.id,
            cidr_block=node_cidr,
            availability_zone_id=self.zone_id,
            map_public_ip_on_launch=False,
            tags={**tags, "Name": f"{args.cluster}-nodes"},
            opts=child(self),
        )
        private_rt = ec2.RouteTable(
            f"{name}-private-rt",
            vpc_id=self.vpc.id,
            tags={**tags, "Name": f"{args.cluster}-private"},
            opts=child(self),
        )
        ec2.RouteTableAssociation(
            f"{name}-nodes-rt",
            subnet_id=self.node_subnet.id,
            route_table_id=private_rt.id,
            opts=child(self),
        )
        if args.nat:
            self._nat_egress(name, public_cidr, private_rt, tags)
        ec2.VpcEndpoint(
            f"{name}-s3-endpoint",
            vpc_id=self.vpc.id,
            service_name=f"com.amazonaws.{args.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[private_rt.id],
            tags={**tags, "Name": f"{args.cluster}-s3"},
            opts=child(self),
        )
        self.security_group = self._security_group(name, args, tags)
        self.register_outputs(
            {
                "vpcId": self.vpc.id,
                "nodeSubnetId": self.node_subnet.id,
                "securityGroupId": self.security_group.id,
                "zoneId": self.zone_id,
            }
        )

    def _nat_egress(
        self, name: str, public_cidr: str, private_rt: ec2.RouteTable, tags: Mapping[str, str]
    ) -> None:
        igw = ec2.InternetGateway(
            f"{name}-igw",
            vpc_id=self.vpc.id,
            tags={**tags, "Name": f"{self.args.cluster}-igw"},
            opts=child(self),
        )
        public = ec2.Subnet(
            f"{name}-public",
            vpc_id=self.vpc.id,
            cidr_block=public_cidr,
            availability_zone_id=self.zone_id,
            map_public_ip_on_launch=False,
            tags={**tags, "Name": f"{self.args.cluster}-public"},
            opts=child(self),
        )
        public_rt = ec2.RouteTable(
            f"{name}-public-rt",
            vpc_id=self.vpc.id,
            tags={**tags, "Name": f"{self.args.cluster}-public"},
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
            tags={**tags, "Name": f"{self.args.cluster}-nat"},
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
        self, name: str, args: NetworkArgs, tags: Mapping[str, str]
    ) -> ec2.SecurityGroup:
        sg = ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=self.vpc.id,
            description=f"Cloudwright cluster {args.cluster}: EFA self traffic, no public admin",
            revoke_rules_on_delete=True,
            tags={**tags, "Name": f"{args.cluster}-cluster"},
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
        for i, cidr in enumerate(args.admin_cidrs):
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

    # ---- ClusterNetwork ------------------------------------------------------------------
    @property
    def network_id(self) -> pulumi.Output[str]:
        return self.vpc.id

    @property
    def node_subnet_id(self) -> pulumi.Output[str]:
        return self.node_subnet.id

    @property
    def fabric_nics(self) -> int:
        return max(0, self._efa - 1)

    @property
    def efa_count(self) -> int:
        return self._efa

    @property
    def efa_only(self) -> bool:
        return self._efa_only
