"""`cloudwright:gcp:ClusterStorage`: a GCS bucket and a shared file system in the nodes' zone.

- GCS: uniform bucket-level access, public access prevention enforced, versioning, labels;
  Google-managed encryption unless the stack names a CMEK key (`kmsKey`).
- File system (`components.sizing.choose_gcp_filesystem` when AUTO): Managed Lustre (durable,
  MB/s per TiB tiers like FSx) for data sets near its minimum size, Filestore Zonal (NFS) for
  small ones, Parallelstore (scratch) only when asked. Managed Lustre and Parallelstore reach
  the VPC through private services access (a reserved range and a service networking
  connection), with an ingress rule for Lustre's port from that range only.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
from pulumi_gcp import compute, filestore, lustre, parallelstore, servicenetworking, storage

from cloudwright.components.base import child, expect
from cloudwright.components.gcp.network import GcpClusterNetwork
from cloudwright.components.interface import (
    ClusterNetwork,
    ClusterStorage,
    FileSystemKind,
    StorageArgs,
    resolve_filesystem,
)
from cloudwright.components.sizing import (
    choose_gcp_filesystem,
    filestore_zonal_size,
    managed_lustre_size,
    parallelstore_size,
)
from cloudwright.components.tags import gcp_labels

# Private services access range for Managed Lustre / Parallelstore (their setup guides
# reserve a /20 for the producer network).
PSA_PREFIX_LENGTH = 20
LUSTRE_PORT = "988"
LUSTRE_FSNAME = "cwfs"  # Lustre file system names are at most 8 characters
FILESTORE_SHARE = "data"
MOUNT_POINTS = {
    FileSystemKind.MANAGED_LUSTRE: "/lustre",
    FileSystemKind.FILESTORE: "/filestore",
    FileSystemKind.PARALLELSTORE: "/parallelstore",
}


def _auto_filesystem(args: StorageArgs) -> FileSystemKind:
    """AUTO on GCP: by size and throughput (Managed Lustre, else Filestore)."""
    return choose_gcp_filesystem(args.parallel_fs_tb, args.throughput_mb_s_per_tib)


class GcpClusterStorage(pulumi.ComponentResource, ClusterStorage):
    def __init__(
        self,
        name: str,
        args: StorageArgs,
        network: ClusterNetwork,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("cloudwright:gcp:ClusterStorage", name, None, opts)
        net = expect(network, GcpClusterNetwork, "network")
        labels = gcp_labels(args.tags)
        self._kind = (
            resolve_filesystem("gcp", args, _auto_filesystem)
            if args.parallel_fs_tb > 0
            else FileSystemKind.NONE
        )
        self.bucket_resource: storage.Bucket | None = None
        if args.object_tb > 0:
            self.bucket_resource = self._bucket(name, args, labels)
        self._mount: pulumi.Output[str] | None = None
        if self._kind == FileSystemKind.MANAGED_LUSTRE:
            self._mount = self._lustre(name, args, net, labels)
        elif self._kind == FileSystemKind.FILESTORE:
            self._mount = self._filestore(name, args, net, labels)
        elif self._kind == FileSystemKind.PARALLELSTORE:
            self._parallelstore(name, args, net, labels)
        self.register_outputs(
            {
                "bucket": self.bucket_resource.url if self.bucket_resource else None,
                "fileSystem": self._kind.value,
                "mountCommand": self._mount,
            }
        )

    def _bucket(self, name: str, args: StorageArgs, labels: Mapping[str, str]) -> storage.Bucket:
        return storage.Bucket(
            f"{name}-data",
            location=args.region.upper(),
            storage_class="STANDARD",
            uniform_bucket_level_access=True,
            public_access_prevention="enforced",
            versioning=storage.BucketVersioningArgs(enabled=True),
            encryption=storage.BucketEncryptionArgs(default_kms_key_name=args.kms_key)
            if args.kms_key
            else None,
            force_destroy=args.force_destroy,
            labels=dict(labels),
            opts=child(self),
        )

    def _private_services_access(
        self, name: str, net: GcpClusterNetwork, labels: Mapping[str, str], *, lustre_port: bool
    ) -> servicenetworking.Connection:
        reserved = compute.GlobalAddress(
            f"{name}-psa",
            purpose="VPC_PEERING",
            address_type="INTERNAL",
            prefix_length=PSA_PREFIX_LENGTH,
            network=net.system_network.id,
            labels=dict(labels),
            opts=child(self),
        )
        connection = servicenetworking.Connection(
            f"{name}-psa",
            network=net.system_network.id,
            service="servicenetworking.googleapis.com",
            reserved_peering_ranges=[reserved.name],
            opts=child(self),
        )
        if not lustre_port:
            return connection
        compute.Firewall(
            f"{name}-lustre-in",
            network=net.system_network.id,
            direction="INGRESS",
            allows=[compute.FirewallAllowArgs(protocol="tcp", ports=[LUSTRE_PORT])],
            source_ranges=[pulumi.Output.concat(reserved.address, f"/{PSA_PREFIX_LENGTH}")],
            description="Lustre servers (private services access range) to cluster nodes",
            opts=child(self),
        )
        return connection

    def _lustre(
        self, name: str, args: StorageArgs, net: GcpClusterNetwork, labels: Mapping[str, str]
    ) -> pulumi.Output[str]:
        size = managed_lustre_size(args.parallel_fs_tb, args.throughput_mb_s_per_tib)
        connection = self._private_services_access(name, net, labels, lustre_port=True)
        instance = lustre.Instance(
            f"{name}-lustre",
            instance_id=f"{args.cluster}-lustre"[:63],
            location=net.zone,
            network=net.system_network.id,
            filesystem=LUSTRE_FSNAME,
            capacity_gib=str(size.capacity),
            per_unit_storage_throughput=str(size.mb_s_per_tib),
            kms_key=args.kms_key,
            labels=dict(labels),
            opts=child(self, depends_on=[connection]),
        )
        return pulumi.Output.concat(
            "mount -t lustre ", instance.mount_point, f" {MOUNT_POINTS[self._kind]}"
        )

    def _filestore(
        self, name: str, args: StorageArgs, net: GcpClusterNetwork, labels: Mapping[str, str]
    ) -> pulumi.Output[str]:
        size = filestore_zonal_size(args.parallel_fs_tb)
        instance = filestore.Instance(
            f"{name}-filestore",
            location=net.zone,
            tier="ZONAL",
            file_shares=filestore.InstanceFileSharesArgs(
                name=FILESTORE_SHARE, capacity_gb=size.capacity
            ),
            networks=[
                filestore.InstanceNetworkArgs(
                    network=net.system_network.name,
                    modes=["MODE_IPV4"],
                    connect_mode="DIRECT_PEERING",
                )
            ],
            kms_key_name=args.kms_key,
            labels=dict(labels),
            opts=child(self),
        )
        address = instance.networks.apply(lambda nets: (nets[0].ip_addresses or [""])[0])
        return pulumi.Output.concat(
            "mount -t nfs -o vers=3,hard ",
            address,
            f":/{FILESTORE_SHARE} {MOUNT_POINTS[self._kind]}",
        )

    def _parallelstore(
        self, name: str, args: StorageArgs, net: GcpClusterNetwork, labels: Mapping[str, str]
    ) -> None:
        size = parallelstore_size(args.parallel_fs_tb)
        connection = self._private_services_access(name, net, labels, lustre_port=False)
        parallelstore.Instance(
            f"{name}-parallelstore",
            instance_id=f"{args.cluster}-ps"[:63],
            location=net.zone,
            capacity_gib=str(size.capacity),
            network=net.system_network.id,
            deployment_type="SCRATCH",
            labels=dict(labels),
            opts=child(self, depends_on=[connection]),
        )

    # ---- ClusterStorage ---------------------------------------------------------------------
    @property
    def bucket(self) -> pulumi.Output[str] | None:
        return self.bucket_resource.url if self.bucket_resource else None

    @property
    def bucket_name(self) -> pulumi.Output[str] | None:
        return self.bucket_resource.name if self.bucket_resource else None

    @property
    def filesystem_kind(self) -> FileSystemKind:
        return self._kind

    @property
    def mount_command(self) -> pulumi.Output[str] | None:
        return self._mount
