"""`cloudwright:aws:ClusterStorage`: an S3 bucket and FSx for Lustre, private and encrypted.

- A customer-managed KMS key (rotation on) unless one is given; S3 and FSx use it.
- S3: SSE-KMS with a bucket key (fewer KMS requests), versioning, all four public-access
  blocks, BucketOwnerEnforced (no ACLs), and a policy refusing non-TLS requests.
- FSx for Lustre PERSISTENT_2 in the given subnet and security group (the network
  component's, or your own), Lustre 2.15, LZ4 compression, capacity and per-unit throughput
  rounded up to what the API accepts (`components.sizing`).
"""

import json
from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

import pulumi
from pulumi_aws import fsx, kms, s3

from cloudwright.components.args import need, plain_float, plain_int, string_map
from cloudwright.components.base import child, joined
from cloudwright.components.interface import FileSystemKind, resolve_filesystem
from cloudwright.components.sizing import (
    aws_partition,
    fsx_lustre_capacity_gib,
    fsx_throughput_tier,
)

TYPE_TOKEN = "cloudwright:aws:ClusterStorage"
FSX_MOUNT_POINT = "/fsx"
LUSTRE_VERSION = "2.15"
KMS_DELETION_WINDOW_DAYS = 30  # the maximum: a deleted key can be recovered for a month
DEFAULT_THROUGHPUT = 250


class AwsClusterStorageArgs(TypedDict):
    """Inputs of cloudwright:aws:ClusterStorage."""

    cluster: str
    """Short name used in resource names and Name tags."""
    region: str
    """AWS region (decides the partition in IAM and KMS ARNs)."""
    object_tb: NotRequired[float]
    """Object storage to plan for, in TB; a bucket is created when above zero."""
    parallel_fs_tb: NotRequired[float]
    """Parallel file system capacity, in TB; none when zero."""
    throughput_mb_s_per_tib: NotRequired[int]
    """FSx for Lustre throughput per TiB (125, 250, 500 or 1000; default 250)."""
    filesystem: NotRequired[FileSystemKind]
    """auto (FSx for Lustre when parallelFsTb > 0), none, or fsx_lustre."""
    subnet_id: NotRequired[pulumi.Input[str]]
    """The nodes' subnet: the file system's only subnet (required with a file system)."""
    security_group_id: NotRequired[pulumi.Input[str]]
    """The cluster security group the file system joins (required with a file system)."""
    kms_key: NotRequired[pulumi.Input[str]]
    """An existing KMS key ARN; default: a new customer-managed key."""
    force_destroy: NotRequired[bool]
    """Delete a non-empty bucket on destroy (default false)."""
    tags: NotRequired[dict[str, str]]
    """Tags on every resource."""


def lustre_mount_command(
    dns_name: pulumi.Input[str] | None, mount_name: pulumi.Input[str] | None
) -> pulumi.Output[str | None]:
    """The mount line for an FSx for Lustre file system, None until both names are known."""
    return joined(
        "mount -t lustre -o relatime,flock ", dns_name, "@tcp:/", mount_name, f" {FSX_MOUNT_POINT}"
    )


def _deny_insecure_transport(bucket_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [bucket_arn, f"{bucket_arn}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        }
    )


class AwsClusterStorage(pulumi.ComponentResource):
    """An encrypted private S3 bucket and an FSx for Lustre file system next to the nodes."""

    bucket: pulumi.Output[str] | None
    """The bucket's name (unset without object storage)."""
    bucket_arn: pulumi.Output[str] | None
    """The bucket's ARN (unset without object storage)."""
    kms_key_arn: pulumi.Output[str] | None
    """The key encrypting the bucket and the file system."""
    file_system: pulumi.Output[str]
    """The file system created: fsx_lustre or none."""
    file_system_id: pulumi.Output[str] | None
    """The FSx file system id."""
    file_system_dns_name: pulumi.Output[str] | None
    """The FSx file system's DNS name (for AwsGpuCluster's fileSystemDnsName)."""
    file_system_mount_name: pulumi.Output[str] | None
    """The FSx file system's mount name (for AwsGpuCluster's fileSystemMountName)."""
    mount_command: pulumi.Output[str | None] | None
    """A shell line that mounts the file system at /fsx on a node."""

    def __init__(
        self,
        name: str,
        args: AwsClusterStorageArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        where = f"{TYPE_TOKEN} {name}"
        self.cluster = str(need(args, "cluster", where))
        tags = string_map(args, "tags")
        self.partition = aws_partition(str(need(args, "region", where)))
        object_tb = plain_float(args, "object_tb", where)
        parallel_fs_tb = plain_float(args, "parallel_fs_tb", where)
        self.filesystem_kind = resolve_filesystem(
            "aws",
            args.get("filesystem", FileSystemKind.AUTO),
            parallel_fs_tb,
            lambda: FileSystemKind.FSX_LUSTRE,
        )
        self.kms_key_arn = None
        if object_tb > 0 or self.filesystem_kind != FileSystemKind.NONE:
            self.kms_key_arn = self._key(name, args.get("kms_key"), tags)
        self.bucket_resource: s3.Bucket | None = None
        if object_tb > 0 and self.kms_key_arn is not None:
            self.bucket_resource = self._bucket(
                name, bool(args.get("force_destroy", False)), tags, self.kms_key_arn
            )
        self.lustre: fsx.LustreFileSystem | None = None
        if self.filesystem_kind == FileSystemKind.FSX_LUSTRE and self.kms_key_arn is not None:
            self.lustre = self._lustre(name, args, where, parallel_fs_tb, tags, self.kms_key_arn)
        self.bucket = self.bucket_resource.bucket if self.bucket_resource else None
        self.bucket_arn = self.bucket_resource.arn if self.bucket_resource else None
        self.file_system = pulumi.Output.from_input(self.filesystem_kind.value)
        self.file_system_id = self.lustre.id if self.lustre else None
        self.file_system_dns_name = self.lustre.dns_name if self.lustre else None
        self.file_system_mount_name = self.lustre.mount_name if self.lustre else None
        self.mount_command = (
            lustre_mount_command(self.file_system_dns_name, self.file_system_mount_name)
            if self.lustre
            else None
        )
        self.register_outputs(
            {
                "bucket": self.bucket,
                "bucketArn": self.bucket_arn,
                "kmsKeyArn": self.kms_key_arn,
                "fileSystem": self.file_system,
                "fileSystemId": self.file_system_id,
                "fileSystemDnsName": self.file_system_dns_name,
                "fileSystemMountName": self.file_system_mount_name,
                "mountCommand": self.mount_command,
            }
        )

    def _key(
        self, name: str, kms_key: pulumi.Input[str] | None, tags: Mapping[str, str]
    ) -> pulumi.Output[str]:
        if kms_key:
            return pulumi.Output.from_input(kms_key)
        key = kms.Key(
            f"{name}-key",
            description=f"Cloudwright {self.cluster}: S3 and FSx encryption",
            enable_key_rotation=True,
            deletion_window_in_days=KMS_DELETION_WINDOW_DAYS,
            tags=dict(tags),
            opts=child(self),
        )
        return key.arn

    def _bucket(
        self, name: str, force_destroy: bool, tags: Mapping[str, str], key_arn: pulumi.Output[str]
    ) -> s3.Bucket:
        bucket = s3.Bucket(
            f"{name}-data", force_destroy=force_destroy, tags=dict(tags), opts=child(self)
        )
        s3.BucketServerSideEncryptionConfiguration(
            f"{name}-data-sse",
            bucket=bucket.id,
            rules=[
                s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="aws:kms", kms_master_key_id=key_arn
                    ),
                    bucket_key_enabled=True,
                )
            ],
            opts=child(self),
        )
        s3.BucketVersioning(
            f"{name}-data-versioning",
            bucket=bucket.id,
            versioning_configuration=s3.BucketVersioningVersioningConfigurationArgs(
                status="Enabled"
            ),
            opts=child(self),
        )
        block = s3.BucketPublicAccessBlock(
            f"{name}-data-pab",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child(self),
        )
        s3.BucketOwnershipControls(
            f"{name}-data-ownership",
            bucket=bucket.id,
            rule=s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=child(self),
        )
        s3.BucketPolicy(
            f"{name}-data-tls-only",
            bucket=bucket.id,
            policy=bucket.arn.apply(_deny_insecure_transport),
            opts=child(self, depends_on=[block]),
        )
        return bucket

    def _lustre(
        self,
        name: str,
        args: Mapping[str, Any],
        where: str,
        parallel_fs_tb: float,
        tags: Mapping[str, str],
        key_arn: pulumi.Output[str],
    ) -> fsx.LustreFileSystem:
        why = "FSx for Lustre lives in the nodes' subnet and security group"
        throughput = (
            plain_int(args, "throughput_mb_s_per_tib", where, minimum=1)
            if args.get("throughput_mb_s_per_tib") is not None
            else DEFAULT_THROUGHPUT
        )
        return fsx.LustreFileSystem(
            f"{name}-fsx",
            deployment_type="PERSISTENT_2",
            storage_type="SSD",
            storage_capacity=fsx_lustre_capacity_gib(parallel_fs_tb),
            per_unit_storage_throughput=fsx_throughput_tier(throughput),
            subnet_ids=need(args, "subnet_id", where, why),  # one subnet: FSx is single-AZ
            security_group_ids=[need(args, "security_group_id", where, why)],
            kms_key_id=key_arn,
            file_system_type_version=LUSTRE_VERSION,
            data_compression_type="LZ4",
            copy_tags_to_backups=True,
            tags={**tags, "Name": f"{self.cluster}-fsx"},
            opts=child(self),
        )
