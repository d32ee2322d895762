"""`cloudwright:azure:ClusterStorage`: a locked-down storage account and Azure Managed Lustre.

- Storage account: StorageV2, HTTPS only, TLS 1.2 minimum, no public blob access, no shared
  keys (Entra ID only), infrastructure (double) encryption, the network denied by default
  except the nodes' subnet (service endpoint) and trusted Azure services; blob versioning and
  soft delete; one private container.
- Azure Managed Lustre on its own subnet (sized from Microsoft's table for the capacity),
  SKU and capacity from `components.sizing.amlfs_size`, in the plan's zone (or zone 1).

The network comes in as ids (`AzureClusterNetwork`'s outputs, or your own): the resource
group, the nodes' subnet, and for Lustre either an existing subnet or a VNet name and a free
range to carve one from.
"""

from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

import pulumi
from pulumi_azure_native import network, storage, storagecache

from cloudwright.components.args import need, plain_float, string_map
from cloudwright.components.base import child, concat_computed, joined
from cloudwright.components.interface import FileSystemKind, resolve_filesystem
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
TYPE_TOKEN = "cloudwright:azure:ClusterStorage"
DEFAULT_THROUGHPUT = 250


class AzureClusterStorageArgs(TypedDict):
    """Inputs of cloudwright:azure:ClusterStorage."""

    cluster: str
    """Short name: the storage account's name is derived from it."""
    region: str
    """Azure location of every resource."""
    resource_group_name: pulumi.Input[str]
    """The resource group to create everything in."""
    subnet_id: NotRequired[pulumi.Input[str]]
    """The nodes' subnet: the only network the storage account admits (required with object
    storage; it needs the Microsoft.Storage service endpoint)."""
    zone: NotRequired[pulumi.Input[str]]
    """Availability zone of Azure Managed Lustre (default 1)."""
    object_tb: NotRequired[float]
    """Object storage to plan for, in TB; an account and container are created when above zero."""
    parallel_fs_tb: NotRequired[float]
    """Azure Managed Lustre capacity, in TB; none when zero."""
    throughput_mb_s_per_tib: NotRequired[int]
    """Lustre throughput per TiB: picks the AMLFS SKU (default 250)."""
    filesystem: NotRequired[FileSystemKind]
    """auto (AMLFS when parallelFsTb > 0), none or amlfs."""
    filesystem_subnet_id: NotRequired[pulumi.Input[str]]
    """An existing subnet for Azure Managed Lustre; default: carve one (below)."""
    virtual_network_name: NotRequired[pulumi.Input[str]]
    """The VNet to create the Lustre subnet in (when no filesystemSubnetId)."""
    filesystem_cidr: NotRequired[str]
    """A free range of that VNet; the Lustre subnet is carved from its start."""
    network_security_group_id: NotRequired[pulumi.Input[str]]
    """An NSG for the Lustre subnet."""
    tags: NotRequired[dict[str, str]]
    """Tags on every resource."""


def _mgs_address(info: Any) -> str | None:
    """The file system's MGS address, None until Azure reports its client info."""
    return str(info.mgs_address) if info is not None and info.mgs_address else None


def lustre_mount_command(mgs_address: Any) -> pulumi.Output[str | None]:
    """The mount line for Azure Managed Lustre, None until its MGS address is known."""
    return joined(
        "mount -t lustre -o noatime,flock ",
        mgs_address,
        f"@tcp:/{AMLFS_FSNAME} {AMLFS_MOUNT_POINT}",
    )


class AzureClusterStorage(pulumi.ComponentResource):
    """A locked-down storage account with one private container, and Azure Managed Lustre on
    its own subnet."""

    bucket: pulumi.Output[str] | None
    """The container's URL (unset without object storage)."""
    storage_account_name: pulumi.Output[str] | None
    """The storage account's name."""
    container_id: pulumi.Output[str] | None
    """The container's resource id (AzureGpuCluster's containerId)."""
    file_system: pulumi.Output[str]
    """The file system created: amlfs or none."""
    mount_command: pulumi.Output[str | None] | None
    """A shell line that mounts the file system at /amlfs (AzureGpuCluster's mountCommand)."""

    def __init__(
        self,
        name: str,
        args: AzureClusterStorageArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        where = f"{TYPE_TOKEN} {name}"
        self.cluster = str(need(args, "cluster", where))
        self.region = str(need(args, "region", where))
        group = need(args, "resource_group_name", where)
        tags = string_map(args, "tags")
        parallel_fs_tb = plain_float(args, "parallel_fs_tb", where)
        self.filesystem_kind = resolve_filesystem(
            "azure",
            args.get("filesystem", FileSystemKind.AUTO),
            parallel_fs_tb,
            lambda: FileSystemKind.AMLFS,
        )
        self.account: storage.StorageAccount | None = None
        self.container: storage.BlobContainer | None = None
        if plain_float(args, "object_tb", where) > 0:
            subnet = need(args, "subnet_id", where, "the storage account admits only the nodes")
            self.account, self.container = self._blob(name, group, subnet, tags)
        self.mount_command = None
        if self.filesystem_kind == FileSystemKind.AMLFS:
            self.mount_command = self._amlfs(name, args, where, group, parallel_fs_tb, tags)
        self.bucket = (
            concat_computed(
                "https://", self.account.name, f".blob.core.windows.net/{CONTAINER_NAME}"
            )
            if self.account
            else None
        )
        self.storage_account_name = self.account.name if self.account else None
        self.container_id = self.container.id if self.container else None
        self.file_system = pulumi.Output.from_input(self.filesystem_kind.value)
        self.register_outputs(
            {
                "bucket": self.bucket,
                "storageAccountName": self.storage_account_name,
                "containerId": self.container_id,
                "fileSystem": self.file_system,
                "mountCommand": self.mount_command,
            }
        )

    def _blob(
        self,
        name: str,
        group: pulumi.Input[str],
        subnet_id: pulumi.Input[str],
        tags: Mapping[str, str],
    ) -> tuple[storage.StorageAccount, storage.BlobContainer]:
        # Azure autonames accounts from this logical name plus a random suffix; account names
        # allow only lower-case letters and digits.
        account = storage.StorageAccount(
            alnum_name(self.cluster, 14),
            resource_group_name=group,
            location=self.region,
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
                    storage.VirtualNetworkRuleArgs(virtual_network_resource_id=subnet_id)
                ],
            ),
            tags=dict(tags),
            opts=child(self),
        )
        storage.BlobServiceProperties(
            f"{name}-blob-service",
            account_name=account.name,
            resource_group_name=group,
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
            resource_group_name=group,
            container_name=CONTAINER_NAME,
            public_access=storage.PublicAccess.NONE,
            opts=child(self),
        )
        return account, container

    def _amlfs(
        self,
        name: str,
        args: Mapping[str, Any],
        where: str,
        group: pulumi.Input[str],
        parallel_fs_tb: float,
        tags: Mapping[str, str],
    ) -> pulumi.Output[str | None]:
        throughput = int(plain_float(args, "throughput_mb_s_per_tib", where, DEFAULT_THROUGHPUT))
        size = amlfs_size(parallel_fs_tb, throughput)
        subnet_id = args.get("filesystem_subnet_id")
        if subnet_id is None:
            why = "Azure Managed Lustre needs a subnet: give filesystemSubnetId or a VNet and range"
            (cidr,) = carve_subnets(
                str(need(args, "filesystem_cidr", where, why)),
                [amlfs_subnet_prefix(size.capacity)],
            )
            nsg = args.get("network_security_group_id")
            subnet_id = network.Subnet(
                f"{name}-lustre",
                resource_group_name=group,
                virtual_network_name=need(args, "virtual_network_name", where, why),
                address_prefix=cidr,
                network_security_group=network.NetworkSecurityGroupArgs(id=nsg) if nsg else None,
                default_outbound_access=False,
                opts=child(self),
            ).id
        filesystem = storagecache.AmlFilesystem(
            f"{name}-amlfs",
            resource_group_name=group,
            location=self.region,
            sku=storagecache.SkuNameArgs(name=size.tier),
            storage_capacity_ti_b=size.capacity,
            filesystem_subnet=subnet_id,
            zones=[args.get("zone") or DEFAULT_ZONE],
            maintenance_window=storagecache.AmlFilesystemMaintenanceWindowArgs(
                day_of_week=MAINTENANCE_DAY, time_of_day_utc=MAINTENANCE_TIME_UTC
            ),
            tags=dict(tags),
            opts=child(self),
        )
        mgs: pulumi.Output[str | None] = filesystem.client_info.apply(_mgs_address)
        return lustre_mount_command(mgs)
