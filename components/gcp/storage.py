"""`cloudwright:gcp:ClusterStorage`: a GCS bucket and a shared file system in the nodes' zone.

- GCS: uniform bucket-level access, public access prevention enforced, versioning, labels;
  Google-managed encryption unless the stack names a CMEK key (`kmsKey`).
- File system (`components.sizing.choose_gcp_filesystem` when AUTO): Managed Lustre (durable,
  MB/s per TiB tiers like FSx) for data sets near its minimum size, Filestore Zonal (NFS) for
  small ones, Parallelstore (scratch) only when asked. Managed Lustre and Parallelstore reach
  the VPC through private services access (a reserved range and a service networking
  connection), with an ingress rule for Lustre's port from that range only.

The VPC and zone come in as ids (`GcpClusterNetwork`'s outputs, or your own network).
"""

from collections.abc import Mapping, Sequence
from typing import Any, NotRequired, TypedDict

import pulumi
from pulumi_gcp import compute, filestore, lustre, parallelstore, servicenetworking, storage

from cloudwright.components.args import need, plain_float, string_map
from cloudwright.components.base import child, concat_computed, joined
from cloudwright.components.interface import FileSystemKind, resolve_filesystem
from cloudwright.components.sizing import (
    choose_gcp_filesystem,
    filestore_zonal_size,
    managed_lustre_size,
    parallelstore_size,
)
from cloudwright.components.tags import gcp_labels

TYPE_TOKEN = "cloudwright:gcp:ClusterStorage"
DEFAULT_THROUGHPUT = 250

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
DEFAULT_MOUNT_POINT = "/mnt/shared"


class GcpClusterStorageArgs(TypedDict):
    """Inputs of cloudwright:gcp:ClusterStorage."""

    cluster: str
    """Short name used in resource and instance names."""
    region: str
    """GCP region of the bucket."""
    object_tb: NotRequired[float]
    """Object storage to plan for, in TB; a bucket is created when above zero."""
    parallel_fs_tb: NotRequired[float]
    """Shared file system capacity, in TB; none when zero."""
    throughput_mb_s_per_tib: NotRequired[int]
    """Managed Lustre throughput per TiB (default 250)."""
    filesystem: NotRequired[FileSystemKind]
    """auto (by size: Managed Lustre or Filestore), none, managed_lustre, filestore or parallelstore."""
    network: NotRequired[pulumi.Input[str]]
    """The nodes' system VPC (id or self link; required with a file system)."""
    network_name: NotRequired[pulumi.Input[str]]
    """That VPC's name, for Filestore (default: the last part of network)."""
    zone: NotRequired[pulumi.Input[str]]
    """The nodes' zone, where the file system lives (required with a file system)."""
    kms_key: NotRequired[pulumi.Input[str]]
    """A Cloud KMS key for the bucket and file system; default Google-managed keys."""
    force_destroy: NotRequired[bool]
    """Delete a non-empty bucket on destroy (default false)."""
    tags: NotRequired[dict[str, str]]
    """Labels (normalised to GCP's label rules) on every resource that takes them."""


def _last_segment(path: str) -> str:
    """A network's name from its id or self link (`projects/p/global/networks/name`)."""
    return path.rsplit("/", 1)[-1]


def _first_address(networks: Sequence[Any]) -> str | None:
    """Filestore's first IP address, None until the instance reports one."""
    addresses = (networks[0].ip_addresses if networks else None) or []
    return str(addresses[0]) if addresses else None


class GcpClusterStorage(pulumi.ComponentResource):
    """A private versioned GCS bucket and a Managed Lustre, Filestore or Parallelstore file
    system in the nodes' zone."""

    bucket: pulumi.Output[str] | None
    """The bucket's gs:// URL (unset without object storage)."""
    bucket_name: pulumi.Output[str] | None
    """The bucket's name (GcpGpuCluster's bucketName)."""
    file_system: pulumi.Output[str]
    """The file system created: managed_lustre, filestore, parallelstore or none."""
    mount_command: pulumi.Output[str | None] | None
    """A shell line that mounts the file system on a node (GcpGpuCluster's mountCommand)."""
    mount_point: pulumi.Output[str]
    """Where mountCommand mounts it (GcpGpuCluster's mountPoint)."""

    def __init__(
        self,
        name: str,
        args: GcpClusterStorageArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        where = f"{TYPE_TOKEN} {name}"
        self.cluster = str(need(args, "cluster", where))
        labels = gcp_labels(string_map(args, "tags"))
        parallel_fs_tb = plain_float(args, "parallel_fs_tb", where)
        throughput = int(plain_float(args, "throughput_mb_s_per_tib", where, DEFAULT_THROUGHPUT))
        # No capacity asked for, no file system (whatever kind is named).
        self.filesystem_kind = (
            resolve_filesystem(
                "gcp",
                args.get("filesystem", FileSystemKind.AUTO),
                parallel_fs_tb,
                lambda: choose_gcp_filesystem(parallel_fs_tb, throughput),
            )
            if parallel_fs_tb > 0
            else FileSystemKind.NONE
        )
        self.bucket_resource: storage.Bucket | None = None
        if plain_float(args, "object_tb", where) > 0:
            self.bucket_resource = self._bucket(name, args, where, labels)
        self.mount_command = None
        kind = self.filesystem_kind
        if kind != FileSystemKind.NONE:
            why = f"{kind.value} lives in the nodes' VPC and zone"
            network = need(args, "network", where, why)
            zone = need(args, "zone", where, why)
            kms_key = args.get("kms_key")
            if kind == FileSystemKind.MANAGED_LUSTRE:
                self.mount_command = self._lustre(
                    name, network, zone, parallel_fs_tb, throughput, kms_key, labels
                )
            elif kind == FileSystemKind.FILESTORE:
                network_name = args.get("network_name") or pulumi.Output.from_input(network).apply(
                    _last_segment
                )
                self.mount_command = self._filestore(
                    name, network_name, zone, parallel_fs_tb, kms_key, labels
                )
            elif kind == FileSystemKind.PARALLELSTORE:
                self._parallelstore(name, network, zone, parallel_fs_tb, labels)
        self.bucket = self.bucket_resource.url if self.bucket_resource else None
        self.bucket_name = self.bucket_resource.name if self.bucket_resource else None
        self.file_system = pulumi.Output.from_input(kind.value)
        self.mount_point = pulumi.Output.from_input(MOUNT_POINTS.get(kind, DEFAULT_MOUNT_POINT))
        self.register_outputs(
            {
                "bucket": self.bucket,
                "bucketName": self.bucket_name,
                "fileSystem": self.file_system,
                "mountCommand": self.mount_command,
                "mountPoint": self.mount_point,
            }
        )

    def _bucket(
        self, name: str, args: Mapping[str, Any], where: str, labels: Mapping[str, str]
    ) -> storage.Bucket:
        kms_key = args.get("kms_key")
        return storage.Bucket(
            f"{name}-data",
            location=str(need(args, "region", where)).upper(),
            storage_class="STANDARD",
            uniform_bucket_level_access=True,
            public_access_prevention="enforced",
            versioning=storage.BucketVersioningArgs(enabled=True),
            encryption=storage.BucketEncryptionArgs(default_kms_key_name=kms_key)
            if kms_key
            else None,
            force_destroy=bool(args.get("force_destroy", False)),
            labels=dict(labels),
            opts=child(self),
        )

    def _private_services_access(
        self,
        name: str,
        network: pulumi.Input[str],
        labels: Mapping[str, str],
        *,
        lustre_port: bool,
    ) -> servicenetworking.Connection:
        reserved = compute.GlobalAddress(
            f"{name}-psa",
            purpose="VPC_PEERING",
            address_type="INTERNAL",
            prefix_length=PSA_PREFIX_LENGTH,
            network=network,
            labels=dict(labels),
            opts=child(self),
        )
        connection = servicenetworking.Connection(
            f"{name}-psa",
            network=network,
            service="servicenetworking.googleapis.com",
            reserved_peering_ranges=[reserved.name],
            opts=child(self),
        )
        if not lustre_port:
            return connection
        compute.Firewall(
            f"{name}-lustre-in",
            network=network,
            direction="INGRESS",
            allows=[compute.FirewallAllowArgs(protocol="tcp", ports=[LUSTRE_PORT])],
            source_ranges=[concat_computed(reserved.address, f"/{PSA_PREFIX_LENGTH}")],
            description="Lustre servers (private services access range) to cluster nodes",
            opts=child(self),
        )
        return connection

    def _lustre(
        self,
        name: str,
        network: pulumi.Input[str],
        zone: pulumi.Input[str],
        parallel_fs_tb: float,
        throughput: int,
        kms_key: pulumi.Input[str] | None,
        labels: Mapping[str, str],
    ) -> pulumi.Output[str | None]:
        size = managed_lustre_size(parallel_fs_tb, throughput)
        connection = self._private_services_access(name, network, labels, lustre_port=True)
        instance = lustre.Instance(
            f"{name}-lustre",
            instance_id=f"{self.cluster}-lustre"[:63],
            location=zone,
            network=network,
            filesystem=LUSTRE_FSNAME,
            capacity_gib=str(size.capacity),
            per_unit_storage_throughput=str(size.mb_s_per_tib),
            kms_key=kms_key,
            labels=dict(labels),
            opts=child(self, depends_on=[connection]),
        )
        return joined(
            "mount -t lustre ",
            instance.mount_point,
            f" {MOUNT_POINTS[FileSystemKind.MANAGED_LUSTRE]}",
        )

    def _filestore(
        self,
        name: str,
        network_name: pulumi.Input[str],
        zone: pulumi.Input[str],
        parallel_fs_tb: float,
        kms_key: pulumi.Input[str] | None,
        labels: Mapping[str, str],
    ) -> pulumi.Output[str | None]:
        size = filestore_zonal_size(parallel_fs_tb)
        instance = filestore.Instance(
            f"{name}-filestore",
            location=zone,
            tier="ZONAL",
            file_shares=filestore.InstanceFileSharesArgs(
                name=FILESTORE_SHARE, capacity_gb=size.capacity
            ),
            networks=[
                filestore.InstanceNetworkArgs(
                    network=network_name,
                    modes=["MODE_IPV4"],
                    connect_mode="DIRECT_PEERING",
                )
            ],
            kms_key_name=kms_key,
            labels=dict(labels),
            opts=child(self),
        )
        address = instance.networks.apply(_first_address)
        return joined(
            "mount -t nfs -o vers=3,hard ",
            address,
            f":/{FILESTORE_SHARE} {MOUNT_POINTS[FileSystemKind.FILESTORE]}",
        )

    def _parallelstore(
        self,
        name: str,
        network: pulumi.Input[str],
        zone: pulumi.Input[str],
        parallel_fs_tb: float,
        labels: Mapping[str, str],
    ) -> None:
        size = parallelstore_size(parallel_fs_tb)
        connection = self._private_services_access(name, network, labels, lustre_port=False)
        parallelstore.Instance(
            f"{name}-parallelstore",
            instance_id=f"{self.cluster}-ps"[:63],
            location=zone,
            capacity_gib=str(size.capacity),
            network=network,
            deployment_type="SCRATCH",
            labels=dict(labels),
            opts=child(self, depends_on=[connection]),
        )
