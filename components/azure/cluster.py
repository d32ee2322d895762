"""`cloudwright:azure:GpuCluster`: a VM scale set of GPU nodes on one InfiniBand fabric.

After Azure's ai-infrastructure-on-azure references: a Uniform scale set with
`singlePlacementGroup = true` for InfiniBand sizes (ND H100 v5 and kin: only VMs in one
placement group share an IB fabric), one fault domain, no overprovisioning (extra GPU VMs
would be billed and would join the fabric), manual upgrades, accelerated networking, the
Ubuntu HPC image (`microsoft-dsvm:ubuntu-hpc:2204`, with the IB/NCCL stack), a Premium SSD OS
disk, encryption at host, SSH keys only, Spot priority when the plan says spot, and a
user-assigned managed identity allowed to read and write its own blob container only.

Everything it joins comes in as ids: the resource group and subnet (`AzureClusterNetwork`'s,
or your own), the container and the mount line (`AzureClusterStorage`'s, or none).
"""

import base64
from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

import pulumi
from pulumi_azure_native import authorization, compute, managedidentity

from cloudwright.components.args import FabricArgs, fabric_spec, need, plain_int, string_map
from cloudwright.components.azure.storage import AMLFS_MOUNT_POINT
from cloudwright.components.base import bootstrap_script, child
from cloudwright.components.fabric import check_azure_ib_scale, is_infiniband
from cloudwright.components.interface import Market
from cloudwright.core.errors import InputError
from cloudwright.optimizer.models.infrastructure import BOOT_DISK_GB

HPC_IMAGE = {
    "publisher": "microsoft-dsvm",
    "offer": "ubuntu-hpc",
    "sku": "2204",
    "version": "latest",
}
# AMD Instinct sizes (ND MI300X v5) need ROCm, not CUDA: the same HPC image's ROCm SKU (Azure's
# ND MI300X v5 guides deploy `microsoft-dsvm:ubuntu-hpc:2204-rocm`).
ROCM_HPC_IMAGE = {**HPC_IMAGE, "sku": "2204-rocm"}
AMD_GPU_SIZE_MARKERS = ("_MI300X_",)
ADMIN_USER = "cloudwright"
# Built-in role "Storage Blob Data Contributor" (its id is the same in every tenant).
BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
COMPUTER_NAME_PREFIX_MAX = 15
TYPE_TOKEN = "cloudwright:azure:GpuCluster"
DEFAULT_BOOT_DISK_GB = BOOT_DISK_GB  # optimizer.models.infrastructure: the plan prices it
ROLE_DEFINITIONS = "/providers/Microsoft.Authorization/roleDefinitions/"


class AzureGpuClusterArgs(TypedDict):
    """Inputs of cloudwright:azure:GpuCluster."""

    cluster: str
    """Short name: the computer-name prefix and resource names."""
    region: str
    """Azure location of the scale set and identity."""
    instance_type: str
    """VM size (Standard_ND96isr_H100_v5, ...)."""
    nodes: int
    """Number of VMs (at most 100 on one InfiniBand fabric)."""
    resource_group_name: pulumi.Input[str]
    """The resource group to create the scale set and identity in."""
    subnet_id: pulumi.Input[str]
    """The nodes' subnet (AzureClusterNetwork's nodeSubnetId, or your own)."""
    ssh_public_key: pulumi.Input[str]
    """The admin user's SSH public key (password login stays off)."""
    zone: NotRequired[pulumi.Input[str]]
    """Availability zone of the scale set (default: regional)."""
    fabric: NotRequired[FabricArgs]
    """The VM size's fabric (InfiniBand: one placement group)."""
    market: NotRequired[Market]
    """on_demand (default), spot or capacity_reservation."""
    reservation: NotRequired[pulumi.Input[str]]
    """Capacity reservation group id, for capacity_reservation."""
    image: NotRequired[str]
    """publisher:offer:sku:version or an image resource id; default the Ubuntu HPC image."""
    boot_disk_gb: NotRequired[int]
    """OS disk size in GB (default 200)."""
    encryption_at_host: NotRequired[bool]
    """Encrypt temp disks and caches at the host (default true; needs the feature registered)."""
    container_id: NotRequired[pulumi.Input[str]]
    """A blob container the nodes may read and write (Storage Blob Data Contributor)."""
    mount_command: NotRequired[pulumi.Input[str]]
    """A shell line that mounts the shared file system at /amlfs on boot."""
    tags: NotRequired[dict[str, str]]
    """Tags on every resource."""


def role_definition_id(scope: str | None) -> str:
    """The built-in role's id in the subscription of `scope` (a resource id), so no lookup of
    the caller's subscription is needed; the tenant-level form when the scope names none."""
    parts = (scope or "").split("/")
    if len(parts) > 2 and parts[1].lower() == "subscriptions" and parts[2]:
        return f"/subscriptions/{parts[2]}{ROLE_DEFINITIONS}{BLOB_DATA_CONTRIBUTOR}"
    return f"{ROLE_DEFINITIONS}{BLOB_DATA_CONTRIBUTOR}"


def image_reference(image: str | None, vm_size: str = "") -> compute.ImageReferenceArgs:
    """`publisher:offer:sku:version` or an image resource id; default the HPC image (its
    ROCm SKU for AMD GPU sizes)."""
    if image is None:
        amd = any(marker in vm_size for marker in AMD_GPU_SIZE_MARKERS)
        return compute.ImageReferenceArgs(**(ROCM_HPC_IMAGE if amd else HPC_IMAGE))
    if image.startswith("/"):
        return compute.ImageReferenceArgs(id=image)
    parts = image.split(":")
    if len(parts) != 4:
        raise InputError(
            f"Azure image {image!r} is not publisher:offer:sku:version or a resource id"
        )
    return compute.ImageReferenceArgs(
        publisher=parts[0], offer=parts[1], sku=parts[2], version=parts[3]
    )


class AzureGpuCluster(pulumi.ComponentResource):
    """A Uniform VM scale set of GPU nodes on one InfiniBand fabric, with a user-assigned
    identity allowed into its own blob container only."""

    node_group: pulumi.Output[str]
    """The scale set's resource id."""
    identity: pulumi.Output[str]
    """The user-assigned managed identity's resource id."""
    principal_id: pulumi.Output[str]
    """That identity's principal id."""

    def __init__(
        self,
        name: str,
        args: AzureGpuClusterArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        where = f"{TYPE_TOKEN} {name}"
        self.cluster = str(need(args, "cluster", where))
        self.region = str(need(args, "region", where))
        nodes = plain_int(args, "nodes", where, minimum=1)
        fabric = fabric_spec(args.get("fabric"), where)
        check_azure_ib_scale(fabric, nodes)
        if not args.get("ssh_public_key"):
            raise InputError(
                "Azure Linux nodes need an admin SSH public key (password login stays off)",
                location=f"{where}: input sshPublicKey",
                hint='pulumi config set cloudwright:sshPublicKey "$(cat ~/.ssh/id_ed25519.pub)"',
            )
        group = need(args, "resource_group_name", where)
        tags = string_map(args, "tags")
        self.identity_resource = managedidentity.UserAssignedIdentity(
            f"{name}-identity",
            resource_group_name=group,
            location=self.region,
            tags=tags,
            opts=child(self),
        )
        container_id = args.get("container_id")
        self.blob_access_id: pulumi.Output[str] | None = None
        if container_id is not None:
            self.blob_access_id = authorization.RoleAssignment(
                f"{name}-blob-access",
                principal_id=self.identity_resource.principal_id,
                principal_type="ServicePrincipal",
                role_definition_id=pulumi.Output.from_input(container_id).apply(role_definition_id),
                scope=container_id,
                opts=child(self),
            ).id
        infiniband = is_infiniband(fabric)
        self.scale_set = self._scale_set(name, args, where, group, nodes, infiniband, tags)
        self.node_group = self.scale_set.id
        self.identity = self.identity_resource.id
        self.principal_id = self.identity_resource.principal_id
        self.register_outputs(
            {
                "nodeGroup": self.node_group,
                "identity": self.identity,
                "principalId": self.principal_id,
                "blobAccessId": self.blob_access_id,
            }
        )

    def _vm_profile(
        self, args: Mapping[str, Any], where: str, market: Market
    ) -> compute.VirtualMachineScaleSetVMProfileArgs:
        spot = market == Market.SPOT
        custom_data = pulumi.Output.from_input(args.get("mount_command")).apply(
            lambda cmd: base64.b64encode(
                bootstrap_script(cmd or None, AMLFS_MOUNT_POINT).encode()
            ).decode()
        )
        boot_disk_gb = (
            plain_int(args, "boot_disk_gb", where, minimum=1)
            if args.get("boot_disk_gb") is not None
            else DEFAULT_BOOT_DISK_GB
        )
        return compute.VirtualMachineScaleSetVMProfileArgs(
            os_profile=compute.VirtualMachineScaleSetOSProfileArgs(
                computer_name_prefix=self.cluster[:COMPUTER_NAME_PREFIX_MAX],
                admin_username=ADMIN_USER,
                custom_data=custom_data,
                linux_configuration=compute.LinuxConfigurationArgs(
                    disable_password_authentication=True,
                    ssh=compute.SshConfigurationArgs(
                        public_keys=[
                            compute.SshPublicKeyArgs(
                                path=f"/home/{ADMIN_USER}/.ssh/authorized_keys",
                                key_data=args["ssh_public_key"],
                            )
                        ]
                    ),
                ),
            ),
            storage_profile=compute.VirtualMachineScaleSetStorageProfileArgs(
                image_reference=image_reference(
                    args.get("image"), str(need(args, "instance_type", where))
                ),
                os_disk=compute.VirtualMachineScaleSetOSDiskArgs(
                    create_option="FromImage",
                    caching=compute.CachingTypes.READ_WRITE,
                    disk_size_gb=boot_disk_gb,
                    managed_disk=compute.VirtualMachineScaleSetManagedDiskParametersArgs(
                        storage_account_type="Premium_LRS"
                    ),
                ),
            ),
            network_profile=compute.VirtualMachineScaleSetNetworkProfileArgs(
                network_interface_configurations=[
                    compute.VirtualMachineScaleSetNetworkConfigurationArgs(
                        name=f"{self.cluster}-nic"[:80],
                        primary=True,
                        enable_accelerated_networking=True,
                        ip_configurations=[
                            compute.VirtualMachineScaleSetIPConfigurationArgs(
                                name="ipconfig",
                                primary=True,
                                subnet=compute.ApiEntityReferenceArgs(
                                    id=need(args, "subnet_id", where)
                                ),
                            )
                        ],
                    )
                ]
            ),
            security_profile=compute.SecurityProfileArgs(
                encryption_at_host=bool(args.get("encryption_at_host", True))
            ),
            priority="Spot" if spot else "Regular",
            eviction_policy="Delete" if spot else None,
            # -1: pay up to the on-demand price rather than be evicted on price.
            billing_profile=compute.BillingProfileArgs(max_price=-1) if spot else None,
            capacity_reservation=self._reservation(market, args.get("reservation")),
        )

    def _reservation(
        self, market: Market, reservation: pulumi.Input[str] | None
    ) -> compute.CapacityReservationProfileArgs | None:
        if market != Market.CAPACITY_RESERVATION:
            return None
        if not reservation:
            raise InputError(
                "market capacity_reservation needs a capacity reservation group id",
                hint="set cloudwright:workloads.<workload>.reservation in the stack config",
            )
        return compute.CapacityReservationProfileArgs(
            capacity_reservation_group=compute.SubResourceArgs(id=reservation)
        )

    def _scale_set(
        self,
        name: str,
        args: Mapping[str, Any],
        where: str,
        group: pulumi.Input[str],
        nodes: int,
        infiniband: bool,
        tags: dict[str, str],
    ) -> compute.VirtualMachineScaleSet:
        market = Market(args.get("market", Market.ON_DEMAND))
        zone = args.get("zone")
        return compute.VirtualMachineScaleSet(
            f"{name}-vmss",
            resource_group_name=group,
            location=self.region,
            sku=compute.SkuArgs(
                name=need(args, "instance_type", where), tier="Standard", capacity=nodes
            ),
            orchestration_mode="Uniform",
            single_placement_group=infiniband,
            platform_fault_domain_count=1,
            overprovision=False,
            upgrade_policy=compute.UpgradePolicyArgs(mode=compute.UpgradeMode.MANUAL),
            zones=[zone] if zone else None,
            identity=compute.VirtualMachineScaleSetIdentityArgs(
                type=compute.ResourceIdentityType.USER_ASSIGNED,
                user_assigned_identities=[self.identity_resource.id],
            ),
            virtual_machine_profile=self._vm_profile(args, where, market),
            tags=tags,
            opts=child(self),
        )
