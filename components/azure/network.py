"""`cloudwright:azure:ClusterNetwork`: resource group, VNet, node subnet, NSG and NAT gateway.

The resource group holds the whole workload (network, storage, cluster). The nodes' subnet has
no default outbound access (retired for new VNets): a NAT gateway with a static public IP
gives outbound internet, nodes get no public IPs. The NSG keeps Azure's default rules (VNet
traffic allowed, internet inbound denied), adds SSH from the configured ranges only, and an
explicit deny of internet SSH/RDP so a later rule cannot open them by accident. A service
endpoint for Microsoft.Storage lets the storage account admit this subnet only. The rest of
the VNet's block is left for the storage component's Azure Managed Lustre subnet.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
from pulumi_azure_native import network, resources

from cloudwright.components.base import child
from cloudwright.components.interface import ClusterNetwork, NetworkArgs
from cloudwright.components.sizing import RESERVED_ADDRESSES, carve_subnets, prefix_for_hosts

SPARE_ADDRESSES = 32
LARGEST_NODE_SUBNET_PREFIX = 24
# Room for the largest published AMLFS subnet (/23 for up to 400 TiB).
STORAGE_RANGE_PREFIX = 22
ADMIN_PORTS = ("22", "3389")
DENY_INTERNET_ADMIN_PRIORITY = 4000
ADMIN_ALLOW_FIRST_PRIORITY = 100


def node_subnet_prefix(nodes: int) -> int:
    hosts = 2 * nodes + SPARE_ADDRESSES
    return min(prefix_for_hosts(hosts, RESERVED_ADDRESSES["azure"]), LARGEST_NODE_SUBNET_PREFIX)


def security_rules(admin_cidrs: tuple[str, ...]) -> list[network.SecurityRuleArgs]:
    rules = [
        network.SecurityRuleArgs(
            name=f"allow-ssh-admin-{i}",
            priority=ADMIN_ALLOW_FIRST_PRIORITY + i,
            direction="Inbound",
            access="Allow",
            protocol="Tcp",
            source_address_prefix=cidr,
            source_port_range="*",
            destination_address_prefix="VirtualNetwork",
            destination_port_range="22",
            description="SSH from an administrator range",
        )
        for i, cidr in enumerate(admin_cidrs)
    ]
    rules.append(
        network.SecurityRuleArgs(
            name="deny-internet-admin",
            priority=DENY_INTERNET_ADMIN_PRIORITY,
            direction="Inbound",
            access="Deny",
            protocol="Tcp",
            source_address_prefix="Internet",
            source_port_range="*",
            destination_address_prefix="*",
            destination_port_ranges=list(ADMIN_PORTS),
            description="no SSH/RDP from the internet",
        )
    )
    return rules


class AzureClusterNetwork(pulumi.ComponentResource, ClusterNetwork):
    def __init__(
        self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cloudwright:azure:ClusterNetwork", name, None, opts)
        self.args = args
        tags = dict(args.tags)
        node_cidr, self.storage_cidr = carve_subnets(
            args.cidr_block, [node_subnet_prefix(args.nodes), STORAGE_RANGE_PREFIX]
        )
        self.group = resources.ResourceGroup(
            f"{name}-rg", location=args.region, tags=tags, opts=child(self)
        )
        self.nsg = network.NetworkSecurityGroup(
            f"{name}-nsg",
            resource_group_name=self.group.name,
            location=args.region,
            security_rules=security_rules(args.admin_cidrs),
            tags=tags,
            opts=child(self),
        )
        nat = self._nat(name, tags) if args.nat else None
        self.vnet = network.VirtualNetwork(
            f"{name}-vnet",
            resource_group_name=self.group.name,
            location=args.region,
            address_space=network.AddressSpaceArgs(address_prefixes=[args.cidr_block]),
            tags=tags,
            opts=child(self),
        )
        self.node_subnet = network.Subnet(
            f"{name}-nodes",
            resource_group_name=self.group.name,
            virtual_network_name=self.vnet.name,
            address_prefix=node_cidr,
            network_security_group=network.NetworkSecurityGroupArgs(id=self.nsg.id),
            nat_gateway=network.SubResourceArgs(id=nat.id) if nat else None,
            default_outbound_access=False,
            service_endpoints=[
                network.ServiceEndpointPropertiesFormatArgs(service="Microsoft.Storage")
            ],
            opts=child(self),
        )
        self.register_outputs(
            {
                "resourceGroup": self.group.name,
                "vnetId": self.vnet.id,
                "nodeSubnetId": self.node_subnet.id,
            }
        )

    def _nat(self, name: str, tags: Mapping[str, str]) -> network.NatGateway:
        address = network.PublicIPAddress(
            f"{name}-nat-ip",
            resource_group_name=self.group.name,
            location=self.args.region,
            sku=network.PublicIPAddressSkuArgs(name="Standard"),
            public_ip_allocation_method="Static",
            tags=dict(tags),
            opts=child(self),
        )
        return network.NatGateway(
            f"{name}-nat",
            resource_group_name=self.group.name,
            location=self.args.region,
            sku=network.NatGatewaySkuArgs(name="Standard"),
            public_ip_addresses=[network.SubResourceArgs(id=address.id)],
            tags=dict(tags),
            opts=child(self),
        )

    # ---- ClusterNetwork -------------------------------------------------------------------
    @property
    def network_id(self) -> pulumi.Output[str]:
        return self.vnet.id

    @property
    def node_subnet_id(self) -> pulumi.Output[str]:
        return self.node_subnet.id

    @property
    def fabric_nics(self) -> int:
        # InfiniBand HCAs come with the VM size; the VNet carries only Ethernet.
        return 0
