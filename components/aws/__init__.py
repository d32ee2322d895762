"""AWS: `cloudwright:aws:ClusterNetwork`, `ClusterStorage` and `GpuCluster`, and the kit that
builds them with one explicit `aws.Provider` per region.

Imported only when a plan places a workload on AWS (`components.interface.load_kit`).
"""

from __future__ import annotations

import pulumi
from pulumi_aws.provider import Provider

from cloudwright.components.aws.cluster import AwsGpuCluster
from cloudwright.components.aws.network import AwsClusterNetwork
from cloudwright.components.aws.storage import AwsClusterStorage
from cloudwright.components.interface import CloudKit, ProviderArgs


class AwsKit(CloudKit):
    cloud = "aws"
    network_type = AwsClusterNetwork
    storage_type = AwsClusterStorage
    cluster_type = AwsGpuCluster

    def provider(self, name: str, args: ProviderArgs) -> pulumi.ProviderResource:
        return Provider(name, region=args.region)


KIT = AwsKit()

__all__ = ["KIT", "AwsClusterNetwork", "AwsClusterStorage", "AwsGpuCluster", "AwsKit"]
