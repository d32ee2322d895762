"""AWS: `cloudwright:aws:ClusterNetwork`, `ClusterStorage` and `GpuCluster`, and the kit that
builds them with one explicit `aws.Provider` per region.

Imported only when a plan places a workload on AWS (`components.interface.load_kit`).
"""

from __future__ import annotations

import pulumi
from pulumi_aws import Provider

from components.aws.cluster import AwsGpuCluster
from components.aws.network import AwsClusterNetwork
from components.aws.storage import AwsClusterStorage
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


class AwsKit(CloudKit):
    cloud = "aws"

    def provider(self, name: str, args: ProviderArgs) -> pulumi.ProviderResource:
        return Provider(name, region=args.region)

    def network(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions) -> ClusterNetwork:
        return AwsClusterNetwork(name, args, efa_only=args.efa_only, opts=opts)

    def storage(
        self, name: str, args: StorageArgs, network: ClusterNetwork, opts: pulumi.ResourceOptions
    ) -> ClusterStorage:
        return AwsClusterStorage(name, args, network, opts=opts)

    def cluster(
        self,
        name: str,
        args: ClusterArgs,
        network: ClusterNetwork,
        storage: ClusterStorage,
        opts: pulumi.ResourceOptions,
    ) -> GpuCluster:
        return AwsGpuCluster(name, args, network, storage, opts=opts)


KIT = AwsKit()

__all__ = ["KIT", "AwsClusterNetwork", "AwsClusterStorage", "AwsGpuCluster", "AwsKit"]
