"""AWS: `cloudwright:aws:ClusterNetwork`, `ClusterStorage` and `GpuCluster`, and the stack
program's kit that builds them with one explicit `aws.Provider` per region.

Imported only when a plan places a workload on AWS (`components.interface.load_kit`) or a
program uses these components; without pulumi-aws installed the import fails with exit 5 and
the extra to install (`components.sdk`).
"""

from __future__ import annotations

from cloudwright.components.sdk import require_sdk

require_sdk("aws")

import pulumi  # noqa: E402
from pulumi_aws.provider import Provider  # noqa: E402

from cloudwright.components.args import fabric_args  # noqa: E402
from cloudwright.components.aws.cluster import AwsGpuCluster, AwsGpuClusterArgs  # noqa: E402
from cloudwright.components.aws.network import (  # noqa: E402
    AwsClusterNetwork,
    AwsClusterNetworkArgs,
)
from cloudwright.components.aws.storage import (  # noqa: E402
    AwsClusterStorage,
    AwsClusterStorageArgs,
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

COMPONENTS = (AwsClusterNetwork, AwsClusterStorage, AwsGpuCluster)


class AwsKit(CloudKit):
    cloud = "aws"

    def provider(self, name: str, args: ProviderArgs) -> pulumi.ProviderResource:
        return Provider(name, region=args.region)

    def network(
        self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions
    ) -> AwsClusterNetwork:
        inputs = AwsClusterNetworkArgs(
            cluster=args.cluster,
            region=args.region,
            cidr_block=args.cidr_block,
            instance_type=args.instance_type,
            nodes=args.nodes,
            fabric=fabric_args(args.fabric),
            tags=dict(args.tags),
            admin_cidrs=list(args.admin_cidrs),
            nat=args.nat,
            efa_only=args.efa_only,
        )
        if args.zone:
            inputs["zone"] = args.zone
        return AwsClusterNetwork(name, inputs, opts=opts)

    def storage(
        self, name: str, args: StorageArgs, network: ClusterNetwork, opts: pulumi.ResourceOptions
    ) -> AwsClusterStorage:
        net = expect(network, AwsClusterNetwork, "network")
        inputs = AwsClusterStorageArgs(
            cluster=args.cluster,
            region=args.region,
            object_tb=args.object_tb,
            parallel_fs_tb=args.parallel_fs_tb,
            throughput_mb_s_per_tib=args.throughput_mb_s_per_tib,
            filesystem=args.filesystem,
            subnet_id=net.node_subnet_id,
            security_group_id=net.security_group_id,
            force_destroy=args.force_destroy,
            tags=dict(args.tags),
        )
        if args.kms_key:
            inputs["kms_key"] = args.kms_key
        return AwsClusterStorage(name, inputs, opts=opts)

    def cluster(
        self,
        name: str,
        args: ClusterArgs,
        network: ClusterNetwork,
        storage: ClusterStorage,
        opts: pulumi.ResourceOptions,
    ) -> AwsGpuCluster:
        net = expect(network, AwsClusterNetwork, "network")
        store = expect(storage, AwsClusterStorage, "storage")
        inputs = AwsGpuClusterArgs(
            cluster=args.cluster,
            region=args.region,
            instance_type=args.instance_type,
            nodes=args.nodes,
            subnet_id=net.node_subnet_id,
            security_group_id=net.security_group_id,
            fabric=fabric_args(args.fabric),
            arch=args.arch,
            market=args.market,
            boot_disk_gb=args.boot_disk_gb,
            efa_only=args.efa_only,
            tags=dict(args.tags),
        )
        optional = {
            "reservation": args.reservation,
            "image": args.image,
            "bucket_arn": store.bucket_arn,
            "kms_key_arn": store.kms_key_arn,
            "file_system_dns_name": store.file_system_dns_name,
            "file_system_mount_name": store.file_system_mount_name,
        }
        inputs.update({k: v for k, v in optional.items() if v is not None})  # type: ignore[typeddict-item]
        return AwsGpuCluster(name, inputs, opts=opts)


KIT = AwsKit()

__all__ = [
    "COMPONENTS",
    "KIT",
    "AwsClusterNetwork",
    "AwsClusterNetworkArgs",
    "AwsClusterStorage",
    "AwsClusterStorageArgs",
    "AwsGpuCluster",
    "AwsGpuClusterArgs",
    "AwsKit",
]
