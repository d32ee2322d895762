"""Azure: `cloudwright:azure:ClusterNetwork`, `ClusterStorage` and `GpuCluster`, and the kit
that builds them with one explicit azure-native provider per region.

Imported only when a plan places a workload on Azure (`components.interface.load_kit`). Only
the azure-native submodules in use are imported, never the whole package.
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native.provider import Provider

from components.azure.cluster import AzureGpuCluster
from components.azure.network import AzureClusterNetwork
from components.azure.storage import AzureClusterStorage
from components.interface import (
    CloudKit,
    ClusterArgs,
    ClusterNetwork,
    ClusterStorage,
    GpuCluster,
    NetworkArgs,
    ProviderArgs,
    StorageArgs,
)


class AzureKit(CloudKit):
    cloud = "azure"

    def provider(self, name: str, args: ProviderArgs) -> pulumi.ProviderResource:
        return Provider(name, location=args.region, subscription_id=args.subscription_id)

    def network(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions) -> ClusterNetwork:
        return AzureClusterNetwork(name, args, opts=opts)

    def storage(
        self, name: str, args: StorageArgs, network: ClusterNetwork, opts: pulumi.ResourceOptions
    ) -> ClusterStorage:
        return AzureClusterStorage(name, args, network, opts=opts)

    def cluster(
        self,
        name: str,
        args: ClusterArgs,
        network: ClusterNetwork,
        storage: ClusterStorage,
        opts: pulumi.ResourceOptions,
    ) -> GpuCluster:
        return AzureGpuCluster(name, args, network, storage, opts=opts)


KIT = AzureKit()

__all__ = ["KIT", "AzureClusterNetwork", "AzureClusterStorage", "AzureGpuCluster", "AzureKit"]
