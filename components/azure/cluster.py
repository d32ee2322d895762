"""`cloudwright:azure:GpuCluster`: a VM scale set of GPU nodes on one InfiniBand fabric.

After Azure's ai-infrastructure-on-azure references: a Uniform scale set with
`singlePlacementGroup = true` for InfiniBand sizes (ND H100 v5 and kin: only VMs in one
placement group share an IB fabric), one fault domain, no overprovisioning (extra GPU VMs
would be billed and would join the fabric), manual upgrades, accelerated networking, the
Ubuntu HPC image (`microsoft-dsvm:ubuntu-hpc:2204`, with the IB/NCCL stack), a Premium SSD OS
disk, encryption at host, SSH keys only, Spot priority when the plan says spot, and a
user-assigned managed identity allowed to read and write its own blob container only.
"""

from __future__ import annotations

import base64

import pulumi
from pulumi_azure_native import authorization, compute, managedidentity

from cloudwright.components.azure.network import AzureClusterNetwork
from cloudwright.components.azure.storage import AMLFS_MOUNT_POINT, AzureClusterStorage
from cloudwright.components.base import bootstrap_script, child, expect
from cloudwright.components.fabric import check_azure_ib_scale, is_infiniband
from cloudwright.components.interface import (
    ClusterArgs,
    ClusterNetwork,
    ClusterStorage,
    GpuCluster,
    Market,
)
from cloudwright.core.errors import InputError

HPC_IMAGE = {
    "publisher": "microsoft-dsvm",
    "offer": "ubuntu-hpc",
    "sku": "2204",
    "version": "latest",
}
ADMIN_USER = "cloudwright"
# Built-in role "Storage Blob Data Contributor" (its id is the same in every tenant).
BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
COMPUTER_NAME_PREFIX_MAX = 15


def image_reference(image: str | None) -> compute.ImageReferenceArgs:
    """`publisher:offer:sku:version` or an image resource id; default the HPC image."""
    if image is None:
        return compute.ImageReferenceArgs(**HPC_IMAGE)
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


class AzureGpuCluster(pulumi.ComponentResource, GpuCluster):
    def __init__(
        self,
        name: str,
        args: ClusterArgs,
        network: ClusterNetwork,
        storage: ClusterStorage,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("cloudwright:azure:GpuCluster", name, None, opts)
        net = expect(network, AzureClusterNetwork, "network")
        store = expect(storage, AzureClusterStorage, "storage")
        check_azure_ib_scale(args.fabric, args.nodes)
        if not args.ssh_public_key:
            raise InputError(
                "Azure Linux nodes need an admin SSH public key (password login stays off)",
                hint='pulumi config set cloudwright:sshPublicKey "$(cat ~/.ssh/id_ed25519.pub)"',
            )
        tags = dict(args.tags)
        self.identity_resource = managedidentity.UserAssignedIdentity(
            f"{name}-identity",
            resource_group_name=net.group.name,
            location=args.region,
            tags=tags,
            opts=child(self),
        )
        if store.container_id is not None:
            subscription = authorization.get_client_config_output(
                opts=pulumi.InvokeOutputOptions(parent=self)
            ).subscription_id
            authorization.RoleAssignment(
                f"{name}-blob-access",
                principal_id=self.identity_resource.principal_id,
                principal_type="ServicePrincipal",
                role_definition_id=pulumi.Output.concat(
                    "/subscriptions/",
                    subscription,
                    f"/providers/Microsoft.Authorization/roleDefinitions/{BLOB_DATA_CONTRIBUTOR}",
                ),
                scope=store.container_id,
                opts=child(self),
            )
        self.scale_set = self._scale_set(name, args, net, store, tags)
        self.register_outputs(
            {"scaleSet": self.scale_set.id, "identity": self.identity_resource.id}
        )

    def _vm_profile(
        self, args: ClusterArgs, net: AzureClusterNetwork, store: AzureClusterStorage
    ) -> compute.VirtualMachineScaleSetVMProfileArgs:
        spot = args.market == Market.SPOT
        custom_data = pulumi.Output.from_input(store.mount_command or "").apply(
            lambda cmd: base64.b64encode(
                bootstrap_script(cmd or None, AMLFS_MOUNT_POINT).encode()
            ).decode()
        )
        return compute.VirtualMachineScaleSetVMProfileArgs(
            os_profile=compute.VirtualMachineScaleSetOSProfileArgs(
                computer_name_prefix=args.cluster[:COMPUTER_NAME_PREFIX_MAX],
                admin_username=ADMIN_USER,
                custom_data=custom_data,
                linux_configuration=compute.LinuxConfigurationArgs(
                    disable_password_authentication=True,
                    ssh=compute.SshConfigurationArgs(
                        public_keys=[
                            compute.SshPublicKeyArgs(
                                path=f"/home/{ADMIN_USER}/.ssh/authorized_keys",
                                key_data=args.ssh_public_key,
                            )
                        ]
                    ),
                ),
            ),
            storage_profile=compute.VirtualMachineScaleSetStorageProfileArgs(
                image_reference=image_reference(args.image),
                os_disk=compute.VirtualMachineScaleSetOSDiskArgs(
                    create_option="FromImage",
                    caching=compute.CachingTypes.READ_WRITE,
                    disk_size_gb=args.boot_disk_gb,
                    managed_disk=compute.VirtualMachineScaleSetManagedDiskParametersArgs(
                        storage_account_type="Premium_LRS"
                    ),
                ),
            ),
            network_profile=compute.VirtualMachineScaleSetNetworkProfileArgs(
                network_interface_configurations=[
                    compute.VirtualMachineScaleSetNetworkConfigurationArgs(
                        name=f"{args.cluster}-nic"[:80],
                        primary=True,
                        enable_accelerated_networking=True,
                        ip_configurations=[
                            compute.VirtualMachineScaleSetIPConfigurationArgs(
                                name="ipconfig",
                                primary=True,
                                subnet=compute.ApiEntityReferenceArgs(id=net.node_subnet.id),
                            )
                        ],
                    )
                ]
            ),
            security_profile=compute.SecurityProfileArgs(
                encryption_at_host=args.encryption_at_host
            ),
            priority="Spot" if spot else "Regular",
            eviction_policy="Delete" if spot else None,
            # -1: pay up to the on-demand price rather than be evicted on price.
            billing_profile=compute.BillingProfileArgs(max_price=-1) if spot else None,
            capacity_reservation=self._reservation(args),
        )

    def _reservation(self, args: ClusterArgs) -> compute.CapacityReservationProfileArgs | None:
        if args.market != Market.CAPACITY_RESERVATION:
            return None
        if not args.reservation:
            raise InputError(
                "market capacity_reservation needs a capacity reservation group id",
                hint="set cloudwright:workloads.<workload>.reservation in the stack config",
            )
        return compute.CapacityReservationProfileArgs(
            capacity_reservation_group=compute.SubResourceArgs(id=args.reservation)
        )

    def _scale_set(
        self,
        name: str,
        args: ClusterArgs,
        net: AzureClusterNetwork,
        store: AzureClusterStorage,
        tags: dict[str, str],
    ) -> compute.VirtualMachineScaleSet:
        infiniband = is_infiniband(args.fabric)
        return compute.VirtualMachineScaleSet(
            f"{name}-vmss",
            resource_group_name=net.group.name,
            location=args.region,
            sku=compute.SkuArgs(name=args.instance_type, tier="Standard", capacity=args.nodes),
            orchestration_mode="Uniform",
            single_placement_group=infiniband,
            platform_fault_domain_count=1,
            overprovision=False,
            upgrade_policy=compute.UpgradePolicyArgs(mode=compute.UpgradeMode.MANUAL),
            zones=[args.zone] if args.zone else None,
            identity=compute.VirtualMachineScaleSetIdentityArgs(
                type=compute.ResourceIdentityType.USER_ASSIGNED,
                user_assigned_identities=[self.identity_resource.id],
            ),
            virtual_machine_profile=self._vm_profile(args, net, store),
            tags=tags,
            opts=child(self),
        )

    # ---- GpuCluster ------------------------------------------------------------------------
    @property
    def node_group(self) -> pulumi.Output[str]:
        return self.scale_set.id

    @property
    def identity(self) -> pulumi.Output[str]:
        return self.identity_resource.id
