"""`cloudwright:azure:ClusterNetwork`: resource group, VNet, node subnet, NSG and NAT gateway.

The resource group holds the whole workload (network, storage, cluster). The nodes' subnet has
no default outbound access (retired for new VNets): a NAT gateway with a static public IP
gives outbound internet, nodes get no public IPs. The NSG keeps Azure's default rules (VNet
traffic allowed, internet inbound denied), adds SSH from the configured ranges only, and an
explicit deny of internet SSH/RDP so a later rule cannot open them by accident. A service
endpoint for Microsoft.Storage lets the storage account admit this subnet only. The rest of
the VNet's block is left for the storage component's Azure Managed Lustre subnet.

Bring your own network instead: skip this component and give `AzureClusterStorage` and
`AzureGpuCluster` your resource group, subnet id (and, for Azure Managed Lustre, a VNet name
and free range, or an existing subnet for it).
"""

from collections.abc import Mapping, Sequence
from typing import NotRequired, TypedDict

import pulumi
from pulumi_azure_native import network, resources

from cloudwright.components.args import need, plain_int, string_map
from cloudwright.components.base import child
from cloudwright.components.sizing import RESERVED_ADDRESSES, carve_subnets, prefix_for_hosts

TYPE_TOKEN = "cloudwright:azure:ClusterNetwork"

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


class AzureClusterNetworkArgs(TypedDict):
    """Inputs of cloudwright:azure:ClusterNetwork."""

    cluster: str
    """Short name used in resource names."""
    region: str
    """Azure location of every resource."""
    cidr_block: str
    """The VNet's private block: the node subnet and the storage range are carved from it."""
    nodes: int
    """Number of nodes the subnet must hold (twice over, for replacements)."""
    admin_cidrs: NotRequired[list[str]]
    """Ranges allowed to SSH to the nodes; default none."""
    nat: NotRequired[bool]
    """Outbound internet through a NAT gateway (default true)."""
    tags: NotRequired[dict[str, str]]
    """Tags on every resource."""


def security_rules(admin_cidrs: Sequence[str]) -> list[network.SecurityRuleArgs]:
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


class AzureClusterNetwork(pulumi.ComponentResource):
    """A resource group, VNet, the nodes' subnet (no default outbound access) with an NSG and
    a NAT gateway, and a free range for Azure Managed Lustre."""

    resource_group_name: pulumi.Output[str]
    """The resource group holding the workload."""
    network_id: pulumi.Output[str]
    """The VNet."""
    virtual_network_name: pulumi.Output[str]
    """The VNet's name, known once the node subnet exists (subnets of one VNet are created one
    at a time: Azure rejects concurrent updates)."""
    node_subnet_id: pulumi.Output[str]
    """The nodes' subnet."""
    network_security_group_id: pulumi.Output[str]
    """The NSG of the nodes' subnet."""
    storage_cidr: pulumi.Output[str]
    """The free range left for the Azure Managed Lustre subnet."""

    def __init__(
        self,
        name: str,
        args: AzureClusterNetworkArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        where = f"{TYPE_TOKEN} {name}"
        self.region = str(need(args, "region", where))
        tags = string_map(args, "tags")
        cidr = str(need(args, "cidr_block", where))
        node_cidr, self.free_cidr = carve_subnets(
            cidr,
            [node_subnet_prefix(plain_int(args, "nodes", where, minimum=1)), STORAGE_RANGE_PREFIX],
        )
        self.group = resources.ResourceGroup(
            f"{name}-rg", location=self.region, tags=tags, opts=child(self)
        )
        self.nsg = network.NetworkSecurityGroup(
            f"{name}-nsg",
            resource_group_name=self.group.name,
            location=self.region,
            security_rules=security_rules(list(args.get("admin_cidrs") or [])),
            tags=tags,
            opts=child(self),
        )
        nat = self._nat(name, tags) if args.get("nat", True) else None
        self.vnet = network.VirtualNetwork(
            f"{name}-vnet",
            resource_group_name=self.group.name,
            location=self.region,
            address_space=network.AddressSpaceArgs(address_prefixes=[cidr]),
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
        self.resource_group_name = self.group.name
        self.network_id = self.vnet.id
        # The name carries the node subnet as a dependency: a subnet created from it waits.
        self.virtual_network_name = pulumi.Output.all(self.vnet.name, self.node_subnet.id).apply(
            lambda values: values[0]
        )
        self.node_subnet_id = self.node_subnet.id
        self.network_security_group_id = self.nsg.id
        self.storage_cidr = pulumi.Output.from_input(self.free_cidr)
        self.register_outputs(
            {
                "resourceGroupName": self.resource_group_name,
                "networkId": self.network_id,
                "virtualNetworkName": self.virtual_network_name,
                "nodeSubnetId": self.node_subnet_id,
                "networkSecurityGroupId": self.network_security_group_id,
                "storageCidr": self.storage_cidr,
            }
        )

    def _nat(self, name: str, tags: Mapping[str, str]) -> network.NatGateway:
        address = network.PublicIPAddress(
            f"{name}-nat-ip",
            resource_group_name=self.group.name,
            location=self.region,
            sku=network.PublicIPAddressSkuArgs(name="Standard"),
            public_ip_allocation_method="Static",
            tags=dict(tags),
            opts=child(self),
        )
        return network.NatGateway(
            f"{name}-nat",
            resource_group_name=self.group.name,
            location=self.region,
            sku=network.NatGatewaySkuArgs(name="Standard"),
            public_ip_addresses=[network.SubResourceArgs(id=address.id)],
            tags=dict(tags),
            opts=child(self),
        )
