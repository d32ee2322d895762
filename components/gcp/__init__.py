"""GCP: `cloudwright:gcp:ClusterNetwork`, `ClusterStorage` and `GpuCluster`, and the kit that
builds them with one explicit `gcp.Provider` per region (project from `gcp:project`).

Imported only when a plan places a workload on GCP (`components.interface.load_kit`).
"""

from __future__ import annotations

import pulumi
from pulumi_gcp.provider import Provider

from cloudwright.components.gcp.cluster import GcpGpuCluster
from cloudwright.components.gcp.network import GcpClusterNetwork
from cloudwright.components.gcp.storage import GcpClusterStorage
from cloudwright.components.interface import CloudKit, ProviderArgs
from cloudwright.core.errors import InputError


class GcpKit(CloudKit):
    cloud = "gcp"
    network_type = GcpClusterNetwork
    storage_type = GcpClusterStorage
    cluster_type = GcpGpuCluster

    def provider(self, name: str, args: ProviderArgs) -> pulumi.ProviderResource:
        if not args.project:
            raise InputError(
                "the plan places a workload on GCP but no project is configured",
                hint="pulumi config set gcp:project <project-id>",
            )
        return Provider(name, project=args.project, region=args.region)


KIT = GcpKit()

__all__ = ["KIT", "GcpClusterNetwork", "GcpClusterStorage", "GcpGpuCluster", "GcpKit"]
