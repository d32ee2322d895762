"""GCP: `cloudwright:gcp:ClusterNetwork`, `ClusterStorage` and `GpuCluster`, and the stack
program's kit that builds them with one explicit `gcp.Provider` per region (project from
`gcp:project`).

Imported only when a plan places a workload on GCP (`components.interface.load_kit`) or a
program uses these components; without pulumi-gcp installed the import fails with exit 5 and
the extra to install (`components.sdk`).
"""

from __future__ import annotations

from cloudwright.components.sdk import require_sdk

require_sdk("gcp")

import pulumi  # noqa: E402
from pulumi_gcp.provider import Provider  # noqa: E402

from cloudwright.components.args import fabric_args  # noqa: E402
from cloudwright.components.base import expect  # noqa: E402
from cloudwright.components.gcp.cluster import GcpGpuCluster, GcpGpuClusterArgs  # noqa: E402
from cloudwright.components.gcp.network import (  # noqa: E402
    GcpClusterNetwork,
    GcpClusterNetworkArgs,
)
from cloudwright.components.gcp.storage import (  # noqa: E402
    GcpClusterStorage,
    GcpClusterStorageArgs,
)
from cloudwright.components.interface import (  # noqa: E402
    CloudKit,
    ClusterArgs,
    ClusterNetwork,
    ClusterStorage,
    NetworkArgs,
    ProviderArgs,
    StorageArgs,
)
from cloudwright.core.errors import InputError  # noqa: E402

COMPONENTS = (GcpClusterNetwork, GcpClusterStorage, GcpGpuCluster)


class GcpKit(CloudKit):
    cloud = "gcp"

    def provider(self, name: str, args: ProviderArgs) -> pulumi.ProviderResource:
        if not args.project:
            raise InputError(
                "the plan places a workload on GCP but no project is configured",
                hint="pulumi config set gcp:project <project-id>",
            )
        return Provider(name, project=args.project, region=args.region)

    def network(
        self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions
    ) -> GcpClusterNetwork:
        inputs = GcpClusterNetworkArgs(
            cluster=args.cluster,
            region=args.region,
            cidr_block=args.cidr_block,
            nodes=args.nodes,
            fabric=fabric_args(args.fabric),
            admin_cidrs=list(args.admin_cidrs),
            nat=args.nat,
        )
        if args.zone:
            inputs["zone"] = args.zone
        if args.project:
            inputs["project"] = args.project
        return GcpClusterNetwork(name, inputs, opts=opts)

    def storage(
        self, name: str, args: StorageArgs, network: ClusterNetwork, opts: pulumi.ResourceOptions
    ) -> GcpClusterStorage:
        net = expect(network, GcpClusterNetwork, "network")
        inputs = GcpClusterStorageArgs(
            cluster=args.cluster,
            region=args.region,
            object_tb=args.object_tb,
            parallel_fs_tb=args.parallel_fs_tb,
            throughput_mb_s_per_tib=args.throughput_mb_s_per_tib,
            filesystem=args.filesystem,
            network=net.network_id,
            network_name=net.network_name,
            zone=net.zone,  # type: ignore[typeddict-item]  # Output[str | None]: known here
            force_destroy=args.force_destroy,
            tags=dict(args.tags),
        )
        if args.kms_key:
            inputs["kms_key"] = args.kms_key
        return GcpClusterStorage(name, inputs, opts=opts)

    def cluster(
        self,
        name: str,
        args: ClusterArgs,
        network: ClusterNetwork,
        storage: ClusterStorage,
        opts: pulumi.ResourceOptions,
    ) -> GcpGpuCluster:
        net = expect(network, GcpClusterNetwork, "network")
        store = expect(storage, GcpClusterStorage, "storage")
        inputs = GcpGpuClusterArgs(
            cluster=args.cluster,
            region=args.region,
            instance_type=args.instance_type,
            nodes=args.nodes,
            project=args.project or "",
            subnetworks=net.subnetworks,
            zone=net.zone,  # type: ignore[typeddict-item]
            fabric=fabric_args(args.fabric),
            arch=args.arch,
            market=args.market,
            boot_disk_gb=args.boot_disk_gb,
            mount_point=store.mount_point,
            tags=dict(args.tags),
        )
        if args.reservation:
            inputs["reservation"] = args.reservation
        if args.image:
            inputs["image"] = args.image
        if store.bucket_name is not None:
            inputs["bucket_name"] = store.bucket_name
        if store.mount_command is not None:
            inputs["mount_command"] = store.mount_command  # type: ignore[typeddict-item]
        return GcpGpuCluster(name, inputs, opts=opts)


KIT = GcpKit()

__all__ = [
    "COMPONENTS",
    "KIT",
    "GcpClusterNetwork",
    "GcpClusterNetworkArgs",
    "GcpClusterStorage",
    "GcpClusterStorageArgs",
    "GcpGpuCluster",
    "GcpGpuClusterArgs",
    "GcpKit",
]
