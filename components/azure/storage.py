"""`cloudwright:azure:ClusterStorage`: a locked-down storage account and Azure Managed Lustre.

- Storage account: StorageV2, HTTPS only, TLS 1.2 minimum, no public blob access, no shared
  keys (Entra ID only), infrastructure (double) encryption, the network denied by default
  except the nodes' subnet (service endpoint) and trusted Azure services; blob versioning and
  soft delete; one private container.
- Azure Managed Lustre on its own subnet (sized from Microsoft's table for the capacity),
  SKU and capacity from `components.sizing.amlfs_size`, in the plan's zone (or zone 1).
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
from pulumi_azure_native import network, storage, storagecache

from cloudwright.components.azure.network import AzureClusterNetwork
from cloudwright.components.base import child, expect
from cloudwright.components.interface import (
    ClusterNetwork,
    ClusterStorage,
    FileSystemKind,
    StorageArgs,
    resolve_filesystem,
)
from cloudwright.components.sizing import amlfs_size, amlfs_subnet_prefix, carve_subnets
from cloudwright.components.tags import alnum_name

AMLFS_MOUNT_POINT = "/amlfs"
AMLFS_FSNAME = "lustrefs"  # the file system name Azure Managed Lustre serves
SOFT_DELETE_DAYS = 7  # blob and container soft delete: a week to notice a mistaken delete
# Maintenance in a quiet hour; Azure requires a weekly window.
MAINTENANCE_DAY = storagecache.MaintenanceDayOfWeekType.SUNDAY
MAINTENANCE_TIME_UTC = "02:00"
DEFAULT_ZONE = "1"
CONTAINER_NAME = "data"


class AzureClusterStorage(pulumi.ComponentResource, ClusterStorage):
    def __init__(
        self,
        name: str,
        args: StorageArgs,
        network: ClusterNetwork,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("cloudwright:azure:ClusterStorage", name, None, opts)
        net = expect(network, AzureClusterNetwork, "network")
        tags = dict(args.tags)
        self._kind = resolve_filesystem("azure", args, lambda _: FileSystemKind.AMLFS)
        self.account: storage.StorageAccount | None = None
        self.container: storage.BlobContainer | None = None
        if args.object_tb > 0:
            self.account, self.container = self._blob(name, args, net, tags)
        self._mount: pulumi.Output[str] | None = None
        if self._kind == FileSystemKind.AMLFS:
            self._mount = self._amlfs(name, args, net, tags)
        self.register_outputs(
            {
                "storageAccount": self.account.name if self.account else None,
                "container": self.container.id if self.container else None,
                "mountCommand": self._mount,
            }
        )

    def _blob(
        self, name: str, args: StorageArgs, net: AzureClusterNetwork, tags: Mapping[str, str]
    ) -> tuple[storage.StorageAccount, storage.BlobContainer]:
        # Azure autonames accounts from this logical name plus a random suffix; account names
        # allow only lower-case letters and digits.
        account = storage.StorageAccount(
            alnum_name(args.cluster, 14),
            resource_group_name=net.group.name,
            location=args.region,
            kind="StorageV2",
            sku=storage.SkuArgs(name="Standard_LRS"),
            access_tier=storage.AccessTier.HOT,
            enable_https_traffic_only=True,
            minimum_tls_version="TLS1_2",
            allow_blob_public_access=False,
            allow_shared_key_access=False,
            default_to_o_auth_authentication=True,
            encryption=storage.EncryptionArgs(
                key_source="Microsoft.Storage",
                require_infrastructure_encryption=True,
                services=storage.EncryptionServicesArgs(
                    blob=storage.EncryptionServiceArgs(enabled=True, key_type="Account"),
                    file=storage.EncryptionServiceArgs(enabled=True, key_type="Account"),
                ),
            ),
            network_rule_set=storage.NetworkRuleSetArgs(
                default_action=storage.DefaultAction.DENY,
                bypass="AzureServices",
                virtual_network_rules=[
                    storage.VirtualNetworkRuleArgs(virtual_network_resource_id=net.node_subnet.id)
                ],
            ),
            tags=dict(tags),
            opts=child(self),
        )
        storage.BlobServiceProperties(
            f"{name}-blob-service",
            account_name=account.name,
            resource_group_name=net.group.name,
            blob_services_name="default",
            is_versioning_enabled=True,
            delete_retention_policy=storage.DeleteRetentionPolicyArgs(
                enabled=True, days=SOFT_DELETE_DAYS
            ),
            container_delete_retention_policy=storage.DeleteRetentionPolicyArgs(
                enabled=True, days=SOFT_DELETE_DAYS
            ),
            opts=child(self),
        )
        container = storage.BlobContainer(
            f"{name}-data",
            account_name=account.name,
            resource_group_name=net.group.name,
            container_name=CONTAINER_NAME,
            public_access=storage.PublicAccess.NONE,
            opts=child(self),
        )
        return account, container

    def _amlfs(
        self, name: str, args: StorageArgs, net: AzureClusterNetwork, tags: Mapping[str, str]
    ) -> pulumi.Output[str]:
        size = amlfs_size(args.parallel_fs_tb, args.throughput_mb_s_per_tib)
        (cidr,) = carve_subnets(net.storage_cidr, [amlfs_subnet_prefix(size.capacity)])
        # Subnets of one VNet are created one at a time (Azure rejects concurrent updates).
        subnet = network.Subnet(
            f"{name}-lustre",
            resource_group_name=net.group.name,
            virtual_network_name=net.vnet.name,
            address_prefix=cidr,
            network_security_group=network.NetworkSecurityGroupArgs(id=net.nsg.id),
            default_outbound_access=False,
            opts=child(self, depends_on=[net.node_subnet]),
        )
        filesystem = storagecache.AmlFilesystem(
            f"{name}-amlfs",
            resource_group_name=net.group.name,
            location=args.region,
            sku=storagecache.SkuNameArgs(name=size.tier),
            storage_capacity_ti_b=size.capacity,
            filesystem_subnet=subnet.id,
            zones=[args.zone or DEFAULT_ZONE],
            maintenance_window=storagecache.AmlFilesystemMaintenanceWindowArgs(
                day_of_week=MAINTENANCE_DAY, time_of_day_utc=MAINTENANCE_TIME_UTC
            ),
            tags=dict(tags),
            opts=child(self),
        )
        return pulumi.Output.concat(
            "mount -t lustre -o noatime,flock ",
            filesystem.client_info.apply(lambda info: info.mgs_address),
            f"@tcp:/{AMLFS_FSNAME} {AMLFS_MOUNT_POINT}",
        )

    # ---- ClusterStorage -------------------------------------------------------------------
    @property
    def bucket(self) -> pulumi.Output[str] | None:
        if self.account is None:
            return None
        return pulumi.Output.concat(
            "https://", self.account.name, f".blob.core.windows.net/{CONTAINER_NAME}"
        )

    @property
    def container_id(self) -> pulumi.Output[str] | None:
        return self.container.id if self.container else None

    @property
    def filesystem_kind(self) -> FileSystemKind:
        return self._kind

    @property
    def mount_command(self) -> pulumi.Output[str] | None:
        return self._mount
