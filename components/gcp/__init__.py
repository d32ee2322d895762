"""GCP: `cloudwright:gcp:ClusterNetwork`, `ClusterStorage` and `GpuCluster`, and the kit that
builds them with one explicit `gcp.Provider` per region (project from `gcp:project`).

Imported only when a plan places a workload on GCP (`components.interface.load_kit`).
"""

from __future__ import annotations

import pulumi
from pulumi_gcp import Provider

from cloudwright.errors import InputError
from components.gcp.cluster import GcpGpuCluster
from components.gcp.network import GcpClusterNetwork
from components.gcp.storage import GcpClusterStorage
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


class GcpKit(CloudKit):
    cloud = "gcp"

    def provider(self, name: str, args: ProviderArgs) -> pulumi.ProviderResource:
        if not args.project:
            raise InputError(
                "the plan places a workload on GCP but no project is configured",
                hint="pulumi config set gcp:project <project-id>",
            )
        return Provider(name, project=args.project, region=args.region)

    def network(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions) -> ClusterNetwork:
        return GcpClusterNetwork(name, args, opts=opts)

    def storage(
        self, name: str, args: StorageArgs, network: ClusterNetwork, opts: pulumi.ResourceOptions
    ) -> ClusterStorage:
        return GcpClusterStorage(name, args, network, opts=opts)

    def cluster(
        self,
        name: str,
        args: ClusterArgs,
        network: ClusterNetwork,
        storage: ClusterStorage,
        opts: pulumi.ResourceOptions,
    ) -> GpuCluster:
        return GcpGpuCluster(name, args, network, storage, opts=opts)


KIT = GcpKit()

__all__ = ["KIT", "GcpClusterNetwork", "GcpClusterStorage", "GcpGpuCluster", "GcpKit"]
