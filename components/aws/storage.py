"""`cloudwright:aws:ClusterStorage`: an S3 bucket and FSx for Lustre, private and encrypted.

- A customer-managed KMS key (rotation on) unless the stack names one; S3 and FSx use it.
- S3: SSE-KMS with a bucket key (fewer KMS requests), versioning, all four public-access
  blocks, BucketOwnerEnforced (no ACLs), and a policy refusing non-TLS requests.
- FSx for Lustre PERSISTENT_2 in the nodes' subnet and security group, Lustre 2.15, LZ4
  compression, capacity and per-unit throughput rounded up to what the API accepts
  (`components.sizing`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pulumi
from pulumi_aws import fsx, kms, s3

from cloudwright.components.aws.network import AwsClusterNetwork
from cloudwright.components.base import child, expect
from cloudwright.components.interface import (
    ClusterNetwork,
    ClusterStorage,
    FileSystemKind,
    StorageArgs,
    resolve_filesystem,
)
from cloudwright.components.sizing import (
    aws_partition,
    fsx_lustre_capacity_gib,
    fsx_throughput_tier,
)

FSX_MOUNT_POINT = "/fsx"
LUSTRE_VERSION = "2.15"
KMS_DELETION_WINDOW_DAYS = 30  # the maximum: a deleted key can be recovered for a month


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


class AwsClusterStorage(pulumi.ComponentResource, ClusterStorage):
    def __init__(
        self,
        name: str,
        args: StorageArgs,
        network: ClusterNetwork,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("cloudwright:aws:ClusterStorage", name, None, opts)
        net = expect(network, AwsClusterNetwork, "network")
        tags = dict(args.tags)
        self.partition = aws_partition(args.region)
        self._kind = resolve_filesystem("aws", args, lambda _: FileSystemKind.FSX_LUSTRE)
        self.kms_key_arn: pulumi.Output[str] | None = None
        if args.object_tb > 0 or self._kind != FileSystemKind.NONE:
            self.kms_key_arn = self._key(name, args, tags)
        self.bucket_resource: s3.Bucket | None = None
        if args.object_tb > 0 and self.kms_key_arn is not None:
            self.bucket_resource = self._bucket(name, args, tags, self.kms_key_arn)
        self.filesystem: fsx.LustreFileSystem | None = None
        self._mount: pulumi.Output[str] | None = None
        if self._kind == FileSystemKind.FSX_LUSTRE and self.kms_key_arn is not None:
            self.filesystem = self._lustre(name, args, net, tags, self.kms_key_arn)
            self._mount = pulumi.Output.concat(
                "mount -t lustre -o relatime,flock ",
                self.filesystem.dns_name,
                "@tcp:/",
                self.filesystem.mount_name,
                f" {FSX_MOUNT_POINT}",
            )
        self.register_outputs(
            {
                "bucket": self.bucket_resource.bucket if self.bucket_resource else None,
                "fileSystemId": self.filesystem.id if self.filesystem else None,
                "mountCommand": self._mount,
            }
        )

    def _key(self, name: str, args: StorageArgs, tags: Mapping[str, str]) -> pulumi.Output[str]:
        if args.kms_key:
            return pulumi.Output.from_input(args.kms_key)
        key = kms.Key(
            f"{name}-key",
            description=f"Cloudwright {args.cluster}: S3 and FSx encryption",
            enable_key_rotation=True,
            deletion_window_in_days=KMS_DELETION_WINDOW_DAYS,
            tags=dict(tags),
            opts=child(self),
        )
        return key.arn

    def _bucket(
        self, name: str, args: StorageArgs, tags: Mapping[str, str], key_arn: pulumi.Output[str]
    ) -> s3.Bucket:
        bucket = s3.Bucket(
            f"{name}-data", force_destroy=args.force_destroy, tags=dict(tags), opts=child(self)
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
        args: StorageArgs,
        net: AwsClusterNetwork,
        tags: Mapping[str, str],
        key_arn: pulumi.Output[str],
    ) -> fsx.LustreFileSystem:
        return fsx.LustreFileSystem(
            f"{name}-fsx",
            deployment_type="PERSISTENT_2",
            storage_type="SSD",
            storage_capacity=fsx_lustre_capacity_gib(args.parallel_fs_tb),
            per_unit_storage_throughput=fsx_throughput_tier(args.throughput_mb_s_per_tib),
            subnet_ids=net.node_subnet.id,  # one subnet: FSx for Lustre is single-AZ
            security_group_ids=[net.security_group.id],
            kms_key_id=key_arn,
            file_system_type_version=LUSTRE_VERSION,
            data_compression_type="LZ4",
            copy_tags_to_backups=True,
            tags={**tags, "Name": f"{args.cluster}-fsx"},
            opts=child(self),
        )

    # ---- ClusterStorage --------------------------------------------------------------------
    @property
    def bucket(self) -> pulumi.Output[str] | None:
        return self.bucket_resource.bucket if self.bucket_resource else None

    @property
    def bucket_arn(self) -> pulumi.Output[str] | None:
        return self.bucket_resource.arn if self.bucket_resource else None

    @property
    def filesystem_kind(self) -> FileSystemKind:
        return self._kind

    @property
    def mount_command(self) -> pulumi.Output[str] | None:
        return self._mount
