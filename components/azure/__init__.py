"""Azure: `cloudwright:azure:ClusterNetwork`, `ClusterStorage` and `GpuCluster`, and the stack
program's kit that builds them with one explicit azure-native provider per region.

Imported only when a plan places a workload on Azure (`components.interface.load_kit`) or a
program uses these components; without pulumi-azure-native installed the import fails with
exit 5 and the extra to install (`components.sdk`). Only the azure-native submodules in use are
imported, never the whole package.
"""

from __future__ import annotations

from cloudwright.components.sdk import require_sdk

require_sdk("azure")

import pulumi  # noqa: E402
from pulumi_azure_native.provider import Provider  # noqa: E402

from cloudwright.components.args import fabric_args  # noqa: E402
from cloudwright.components.azure.cluster import (  # noqa: E402
    AzureGpuCluster,
    AzureGpuClusterArgs,
)
from cloudwright.components.azure.network import (  # noqa: E402
    AzureClusterNetwork,
    AzureClusterNetworkArgs,
)
from cloudwright.components.azure.storage import (  # noqa: E402
    AzureClusterStorage,
    AzureClusterStorageArgs,
)
from cloudwright.components.base import expect  # noqa: E402
from cloudwright.components.interface import (  # noqa: E402
    CloudKit,
    ClusterArgs,
    ClusterNetwork,
    ClusterStorage,
    NetworkArgs,
    ProviderArgs,
    StorageArgs,
)

COMPONENTS = (AzureClusterNetwork, AzureClusterStorage, AzureGpuCluster)


class AzureKit(CloudKit):
    cloud = "azure"

    def provider(self, name: str, args: ProviderArgs) -> pulumi.ProviderResource:
        return Provider(name, location=args.region, subscription_id=args.subscription_id)

    def network(
        self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions
    ) -> AzureClusterNetwork:
        return AzureClusterNetwork(
            name,
            AzureClusterNetworkArgs(
                cluster=args.cluster,
                region=args.region,
                cidr_block=args.cidr_block,
                nodes=args.nodes,
                admin_cidrs=list(args.admin_cidrs),
                nat=args.nat,
                tags=dict(args.tags),
            ),
            opts=opts,
        )

    def storage(
        self, name: str, args: StorageArgs, network: ClusterNetwork, opts: pulumi.ResourceOptions
    ) -> AzureClusterStorage:
        net = expect(network, AzureClusterNetwork, "network")
        inputs = AzureClusterStorageArgs(
            cluster=args.cluster,
            region=args.region,
            resource_group_name=net.resource_group_name,
            subnet_id=net.node_subnet_id,
            object_tb=args.object_tb,
            parallel_fs_tb=args.parallel_fs_tb,
            throughput_mb_s_per_tib=args.throughput_mb_s_per_tib,
            filesystem=args.filesystem,
            virtual_network_name=net.virtual_network_name,
            filesystem_cidr=net.free_cidr,
            network_security_group_id=net.network_security_group_id,
            tags=dict(args.tags),
        )
        if args.zone:
            inputs["zone"] = args.zone
        return AzureClusterStorage(name, inputs, opts=opts)

    def cluster(
        self,
        name: str,
        args: ClusterArgs,
        network: ClusterNetwork,
        storage: ClusterStorage,
        opts: pulumi.ResourceOptions,
    ) -> AzureGpuCluster:
        net = expect(network, AzureClusterNetwork, "network")
        store = expect(storage, AzureClusterStorage, "storage")
        inputs = AzureGpuClusterArgs(
            cluster=args.cluster,
            region=args.region,
            instance_type=args.instance_type,
            nodes=args.nodes,
            resource_group_name=net.resource_group_name,
            subnet_id=net.node_subnet_id,
            ssh_public_key=args.ssh_public_key or "",
            fabric=fabric_args(args.fabric),
            market=args.market,
            boot_disk_gb=args.boot_disk_gb,
            encryption_at_host=args.encryption_at_host,
            tags=dict(args.tags),
        )
        if args.zone:
            inputs["zone"] = args.zone
        if args.reservation:
            inputs["reservation"] = args.reservation
        if args.image:
            inputs["image"] = args.image
        if store.container_id is not None:
            inputs["container_id"] = store.container_id
        if store.mount_command is not None:
            inputs["mount_command"] = store.mount_command  # type: ignore[typeddict-item]
        return AzureGpuCluster(name, inputs, opts=opts)


KIT = AzureKit()

__all__ = [
    "COMPONENTS",
    "KIT",
    "AzureClusterNetwork",
    "AzureClusterNetworkArgs",
    "AzureClusterStorage",
    "AzureClusterStorageArgs",
    "AzureGpuCluster",
    "AzureGpuClusterArgs",
    "AzureKit",
]
