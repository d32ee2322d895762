"""storage-encryption: data at rest is encrypted, and Azure storage accepts only TLS ≥ 1.2 over
HTTPS.

What each cloud does without being asked (so what this rule can and cannot see):
- S3 has encrypted every new object with SSE-S3 since January 2023 and that cannot be
  turned off; the rule checks that any SSE configuration (inline on the bucket, or an
  `aws:s3/bucketServerSideEncryptionConfiguration` resource) names a real algorithm.
- FSx for Lustre is always encrypted at rest (AWS-managed keys for scratch, KMS for
  persistent file systems): it passes unless customer-managed keys are required.
- EBS volumes are encrypted only if `encrypted: true` or the account's "EBS encryption by
  default" switch is on. A policy cannot see that account switch, so volumes (and launch
  template / instance block devices the program declares) must say `encrypted: true`.
- GCS buckets, GCP disks, Azure managed disks and Azure Managed Lustre are always
  encrypted with provider-managed keys: they pass unless customer-managed keys are required.
- Azure storage: `minimumTlsVersion` defaults to TLS 1.0 in the REST API, so it must be set
  to TLS1_2 or later; `enableHttpsTrafficOnly: false` is flagged (its default is true).

With `requireCustomerManagedKeys`, every store must name a customer-managed key (KMS key,
Cloud KMS key, Key Vault key or disk encryption set). For S3 this is checked on the SSE
configuration; a bucket with no SSE configuration at all gets SSE-S3, which a
resource-level rule cannot tell apart from one configured elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from cloudwright.policies import props as p
from cloudwright.policies.context import RuleContext
from cloudwright.policies.rules.common import schema, settings

NAME = "storage-encryption"

CONFIG = schema(
    {
        "requireCustomerManagedKeys": {
            "type": "boolean",
            "default": False,
            "description": "Require customer-managed keys (KMS, Cloud KMS, Key Vault) everywhere.",
        },
        "minimumTlsVersion": {
            "type": "string",
            "enum": ["TLS1_2", "TLS1_3"],
            "default": "TLS1_2",
            "description": "Lowest TLS version Azure storage accounts may accept.",
        },
    }
)

S3_ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")
FSX_SCRATCH = ("SCRATCH_1", "SCRATCH_2")
AZURE_CMK_DISK_TYPES = (
    "EncryptionAtRestWithCustomerKey",
    "EncryptionAtRestWithPlatformAndCustomerKeys",
)

Checker = Callable[[Any, dict[str, Any]], list[str]]


def _sse_rule(rule: Any, where: str, cmk: bool) -> list[str]:
    default = p.first(
        rule, "applyServerSideEncryptionByDefault", "applyServerSideEncryptionByDefaults.0"
    )
    algorithm = p.get(default, "sseAlgorithm")
    if algorithm is p.UNKNOWN:
        return []
    if algorithm not in S3_ALGORITHMS:
        return [
            f"{where}.sseAlgorithm is {algorithm!r}: set it to one of {', '.join(S3_ALGORITHMS)}"
        ]
    if cmk and (not str(algorithm).startswith("aws:kms") or not p.get(default, "kmsMasterKeyId")):
        return [
            f"{where} uses {algorithm} without a customer-managed key: set sseAlgorithm "
            "'aws:kms' and kmsMasterKeyId to your KMS key"
        ]
    return []


def _s3_bucket(props: Any, cfg: dict[str, Any]) -> list[str]:
    inline = p.first(
        props, "serverSideEncryptionConfiguration", "serverSideEncryptionConfigurations.0"
    )
    if not inline:
        return []
    rule = p.first(inline, "rule", "rules.0")
    return _sse_rule(
        rule, "serverSideEncryptionConfiguration.rule", cfg["requireCustomerManagedKeys"]
    )


def _s3_sse_config(props: Any, cfg: dict[str, Any]) -> list[str]:
    raw = p.get(props, "rules")
    if p.is_unknown(raw):
        return []
    rules = p.as_list(raw)
    if not rules:
        return ["no encryption rule: add rules[0].applyServerSideEncryptionByDefault.sseAlgorithm"]
    found: list[str] = []
    for index, rule in enumerate(rules):
        found += _sse_rule(
            rule,
            f"rules[{index}].applyServerSideEncryptionByDefault",
            cfg["requireCustomerManagedKeys"],
        )
    return found


def _fsx_lustre(props: Any, cfg: dict[str, Any]) -> list[str]:
    if not cfg["requireCustomerManagedKeys"] or p.get(props, "kmsKeyId"):
        return []
    deployment = p.get(props, "deploymentType", "SCRATCH_1")
    if deployment in FSX_SCRATCH:
        return [
            f"{deployment} file systems are encrypted with FSx-managed keys only: use "
            "deploymentType PERSISTENT_2 with kmsKeyId set to your KMS key"
        ]
    return ["no customer-managed key: set kmsKeyId to your KMS key"]


def _ebs_block(block: Any, label: str, field: str, cmk: bool) -> list[str]:
    """One EBS volume definition; `field` is the input path prefix ('' for a volume)."""
    encrypted = p.as_bool(p.get(block, "encrypted"))
    if encrypted is p.UNKNOWN:
        return []
    if encrypted is not True:
        if p.get(block, "snapshotId") and encrypted is None:
            return []  # a volume restored from a snapshot inherits the snapshot's encryption
        return [f"{label} is not encrypted: set {field}encrypted to true"]
    if cmk and not p.get(block, "kmsKeyId"):
        return [f"{label} has no customer-managed key: set {field}kmsKeyId to your KMS key"]
    return []


def _ebs_volume(props: Any, cfg: dict[str, Any]) -> list[str]:
    return _ebs_block(props, "the volume", "", cfg["requireCustomerManagedKeys"])


def _launch_template(props: Any, cfg: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for index, mapping in enumerate(p.as_list(p.get(props, "blockDeviceMappings"))):
        ebs = p.get(mapping, "ebs")
        if ebs:
            where = f"blockDeviceMappings[{index}].ebs"
            found += _ebs_block(ebs, where, f"{where}.", cfg["requireCustomerManagedKeys"])
    return found


def _ec2_instance(props: Any, cfg: dict[str, Any]) -> list[str]:
    cmk = cfg["requireCustomerManagedKeys"]
    found: list[str] = []
    root = p.get(props, "rootBlockDevice")
    if root:
        found += _ebs_block(root, "rootBlockDevice", "rootBlockDevice.", cmk)
    for index, device in enumerate(p.as_list(p.get(props, "ebsBlockDevices"))):
        where = f"ebsBlockDevices[{index}]"
        found += _ebs_block(device, where, f"{where}.", cmk)
    return found


def _needs_key(cfg: dict[str, Any], value: Any, message: str) -> list[str]:
    if not cfg["requireCustomerManagedKeys"] or value or value is p.UNKNOWN:
        return []
    return [message]


def _gcs_bucket(props: Any, cfg: dict[str, Any]) -> list[str]:
    return _needs_key(
        cfg,
        p.get(props, "encryption.defaultKmsKeyName"),
        "no customer-managed key: set encryption.defaultKmsKeyName to a Cloud KMS key",
    )


def _gcp_disk(props: Any, cfg: dict[str, Any]) -> list[str]:
    key = p.first(
        props,
        "diskEncryptionKey.kmsKeySelfLink",
        "diskEncryptionKey.rawKey",
        "diskEncryptionKey.rsaEncryptedKey",
    )
    return _needs_key(cfg, key, "no customer-managed key: set diskEncryptionKey.kmsKeySelfLink")


def _gcp_instance(props: Any, cfg: dict[str, Any]) -> list[str]:
    key = p.first(props, "bootDisk.kmsKeySelfLink", "bootDisk.diskEncryptionKeyRaw")
    return _needs_key(
        cfg, key, "boot disk has no customer-managed key: set bootDisk.kmsKeySelfLink"
    )


def _gcp_template(props: Any, cfg: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for index, disk in enumerate(p.as_list(p.get(props, "disks"))):
        found += _needs_key(
            cfg,
            p.get(disk, "diskEncryptionKey.kmsKeySelfLink"),
            f"disks[{index}] has no customer-managed key: set disks[{index}].diskEncryptionKey.kmsKeySelfLink",
        )
    return found


def _tls_rank(version: str) -> tuple[int, ...]:
    """'TLS1_2' → (1, 2)."""
    return tuple(int(d) for d in re.findall(r"\d+", version))


def _azure_tls(props: Any, key: str, cfg: dict[str, Any], default: str | None) -> list[str]:
    wanted = cfg["minimumTlsVersion"]
    version = p.get(props, key)
    if version is p.UNKNOWN:
        return []
    if not isinstance(version, str):
        if default is not None and _tls_rank(default) >= _tls_rank(wanted):
            return []
        return [f"{key} is not set (the API then accepts TLS 1.0): set {key} to {wanted!r}"]
    if _tls_rank(version) < _tls_rank(wanted):
        return [f"{key} is {version!r}: set it to {wanted!r} or later"]
    return []


def _azure_native_account(props: Any, cfg: dict[str, Any]) -> list[str]:
    found = _azure_tls(props, "minimumTlsVersion", cfg, default=None)
    if p.as_bool(p.get(props, "enableHttpsTrafficOnly")) is False:
        found.append("enableHttpsTrafficOnly is false: set it to true (HTTPS only)")
    source = p.get(props, "encryption.keySource")
    key_vault = source is p.UNKNOWN or (
        isinstance(source, str) and source.lower() == "microsoft.keyvault"
    )
    found += _needs_key(
        cfg,
        key_vault,
        "no customer-managed key: set encryption.keySource 'Microsoft.Keyvault' and encryption.keyVaultProperties",
    )
    return found


def _azure_classic_account(props: Any, cfg: dict[str, Any]) -> list[str]:
    # azurerm has defaulted min_tls_version to TLS1_2 since provider 3.0.
    found = _azure_tls(props, "minTlsVersion", cfg, default="TLS1_2")
    for key in ("httpsTrafficOnlyEnabled", "enableHttpsTrafficOnly"):
        if p.as_bool(p.get(props, key)) is False:
            found.append(f"{key} is false: set it to true (HTTPS only)")
    found += _needs_key(
        cfg,
        p.get(props, "customerManagedKey.keyVaultKeyId")
        or p.get(props, "customerManagedKey.managedHsmKeyId"),
        "no customer-managed key: add customerManagedKey with your Key Vault key",
    )
    return found


def _azure_disk(props: Any, cfg: dict[str, Any]) -> list[str]:
    kind = p.get(props, "encryption.type")
    has_cmk = kind is p.UNKNOWN or (
        kind in AZURE_CMK_DISK_TYPES and bool(p.get(props, "encryption.diskEncryptionSetId"))
    )
    return _needs_key(
        cfg,
        has_cmk,
        "encrypted with platform keys only: set encryption.type 'EncryptionAtRestWithCustomerKey' and encryption.diskEncryptionSetId",
    )


def _azure_classic_disk(props: Any, cfg: dict[str, Any]) -> list[str]:
    return _needs_key(
        cfg,
        p.get(props, "diskEncryptionSetId"),
        "encrypted with platform keys only: set diskEncryptionSetId to your disk encryption set",
    )


def _azure_lustre(props: Any, cfg: dict[str, Any]) -> list[str]:
    return _needs_key(
        cfg,
        p.get(props, "encryptionSettings.keyEncryptionKey.keyUrl"),
        "no customer-managed key: set encryptionSettings.keyEncryptionKey (keyUrl, sourceVault)",
    )


CHECKS: dict[str, Checker] = {
    "aws:s3/bucket:Bucket": _s3_bucket,
    "aws:s3/bucketV2:BucketV2": _s3_bucket,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": _s3_sse_config,
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": _s3_sse_config,
    "aws:fsx/lustreFileSystem:LustreFileSystem": _fsx_lustre,
    "aws:ebs/volume:Volume": _ebs_volume,
    "aws:ec2/launchTemplate:LaunchTemplate": _launch_template,
    "aws:ec2/instance:Instance": _ec2_instance,
    "gcp:storage/bucket:Bucket": _gcs_bucket,
    "gcp:compute/disk:Disk": _gcp_disk,
    "gcp:compute/regionDisk:RegionDisk": _gcp_disk,
    "gcp:compute/instance:Instance": _gcp_instance,
    "gcp:compute/instanceTemplate:InstanceTemplate": _gcp_template,
    "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate": _gcp_template,
    "azure-native:storage:StorageAccount": _azure_native_account,
    "azure:storage/account:Account": _azure_classic_account,
    "azure-native:compute:Disk": _azure_disk,
    "azure:compute/managedDisk:ManagedDisk": _azure_classic_disk,
    "azure-native:storagecache:AmlFilesystem": _azure_lustre,
}


def policies(context: RuleContext) -> list[ResourceValidationPolicy]:
    def validate(args: Any, report: Any) -> None:
        check = CHECKS.get(args.resource_type)
        if check is None:
            return
        for message in check(args.props, settings(args, CONFIG)):
            report(message)

    return [
        ResourceValidationPolicy(
            name=NAME,
            description="Storage is encrypted at rest; Azure storage is HTTPS-only with TLS ≥ 1.2.",
            validate=validate,
            enforcement_level=EnforcementLevel.MANDATORY,
            config_schema=CONFIG,
            severity=Severity.HIGH,
            tags=["security", "encryption"],
            remediation_steps="Set the field the message names (encrypted, sseAlgorithm, "
            "minimumTlsVersion, a customer-managed key) on the resource.",
        )
    ]
