"""Azure: `cloudwright:azure:ClusterNetwork`, `ClusterStorage` and `GpuCluster`, and the kit
that builds them with one explicit azure-native provider per region.

Imported only when a plan places a workload on Azure (`components.interface.load_kit`). Only
the azure-native submodules in use are imported, never the whole package.
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native.provider import Provider

from cloudwright.components.azure.cluster import AzureGpuCluster
from cloudwright.components.azure.network import AzureClusterNetwork
from cloudwright.components.azure.storage import AzureClusterStorage
from cloudwright.components.interface import CloudKit, ProviderArgs


class AzureKit(CloudKit):
    cloud = "azure"
    network_type = AzureClusterNetwork
    storage_type = AzureClusterStorage
    cluster_type = AzureGpuCluster

    def provider(self, name: str, args: ProviderArgs) -> pulumi.ProviderResource:
        return Provider(name, location=args.region, subscription_id=args.subscription_id)


KIT = AzureKit()

__all__ = ["KIT", "AzureClusterNetwork", "AzureClusterStorage", "AzureGpuCluster", "AzureKit"]
