"""storage-encryption, no-public-storage, no-open-admin-ports: a passing and a failing
resource on every cloud each rule covers, with the engine's real input shapes."""

from __future__ import annotations

from typing import Any

import pytest
from _policy_graphs import of, res, run, stack

from cloudwright.optimizer.catalog import Catalog

ALL_PAB = {
    k: True
    for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
}
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
SSE_V2 = (
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
)


def _check(
    catalog: Catalog,
    policy: str,
    type_token: str,
    inputs: dict[str, Any],
    config: dict[str, Any] | None = None,
) -> list[str]:
    result = run(stack(res(type_token, "r", inputs)), catalog, {policy: config} if config else {})
    return [v.message for v in of(result, policy)]


ENCRYPTION_CASES = [
    # S3: SSE configuration (separate resource, V1 and V2 tokens) and the inline block
    (
        "aws-sse-kms",
        SSE,
        {
            "bucket": "b",
            "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}],
        },
        None,
    ),
    (
        "aws-sse-bad",
        SSE,
        {
            "bucket": "b",
            "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "NONE"}}],
        },
        "sseAlgorithm is 'NONE'",
    ),
    ("aws-sse-empty", SSE_V2, {"bucket": "b", "rules": []}, "no encryption rule"),
    ("aws-bucket-default", "aws:s3/bucket:Bucket", {"bucket": "b"}, None),
    (
        "aws-bucket-inline-bad",
        "aws:s3/bucket:Bucket",
        {
            "serverSideEncryptionConfiguration": {
                "rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "DES"}}
            }
        },
        "'DES'",
    ),
    # EBS: volumes, launch template block devices (string booleans), instance root devices
    (
        "aws-ebs-encrypted",
        "aws:ebs/volume:Volume",
        {"availabilityZone": "us-east-1a", "size": 100, "encrypted": True},
        None,
    ),
    (
        "aws-ebs-plain",
        "aws:ebs/volume:Volume",
        {"availabilityZone": "us-east-1a", "size": 100},
        "set encrypted to true",
    ),
    (
        "aws-ebs-snapshot",
        "aws:ebs/volume:Volume",
        {"availabilityZone": "us-east-1a", "snapshotId": "snap-1"},
        None,
    ),
    (
        "aws-lt-ok",
        "aws:ec2/launchTemplate:LaunchTemplate",
        {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "true"}}]},
        None,
    ),
    (
        "aws-lt-plain",
        "aws:ec2/launchTemplate:LaunchTemplate",
        {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "false"}}]},
        "blockDeviceMappings[0].ebs.encrypted",
    ),
    (
        "aws-instance-root",
        "aws:ec2/instance:Instance",
        {"instanceType": "m5.large", "rootBlockDevice": {"volumeSize": 50}},
        "rootBlockDevice.encrypted",
    ),
    # FSx for Lustre is encrypted at rest by default
    (
        "aws-fsx",
        "aws:fsx/lustreFileSystem:LustreFileSystem",
        {"deploymentType": "SCRATCH_2", "storageCapacity": 1200},
        None,
    ),
    # GCP: always encrypted; passes unless customer-managed keys are required
    ("gcs", "gcp:storage/bucket:Bucket", {"location": "US", "name": "b"}, None),
    ("gcp-disk", "gcp:compute/disk:Disk", {"zone": "us-central1-a", "size": 100}, None),
    # Azure storage: TLS and HTTPS
    (
        "az-account-ok",
        "azure-native:storage:StorageAccount",
        {"kind": "StorageV2", "minimumTlsVersion": "TLS1_2"},
        None,
    ),
    (
        "az-account-tls-unset",
        "azure-native:storage:StorageAccount",
        {"kind": "StorageV2"},
        "minimumTlsVersion is not set",
    ),
    (
        "az-account-tls10",
        "azure-native:storage:StorageAccount",
        {"minimumTlsVersion": "TLS1_0"},
        "'TLS1_0'",
    ),
    (
        "az-account-http",
        "azure-native:storage:StorageAccount",
        {"minimumTlsVersion": "TLS1_2", "enableHttpsTrafficOnly": False},
        "enableHttpsTrafficOnly is false",
    ),
    ("az-classic-default-tls", "azure:storage/account:Account", {"accountTier": "Standard"}, None),
    ("az-classic-tls11", "azure:storage/account:Account", {"minTlsVersion": "TLS1_1"}, "'TLS1_1'"),
    (
        "az-classic-http",
        "azure:storage/account:Account",
        {"httpsTrafficOnlyEnabled": False},
        "httpsTrafficOnlyEnabled is false",
    ),
    ("az-disk", "azure-native:compute:Disk", {"diskSizeGB": 128}, None),
    ("az-lustre", "azure-native:storagecache:AmlFilesystem", {"storageCapacityTiB": 8}, None),
]


@pytest.mark.parametrize(
    ("type_token", "inputs", "expected"),
    [case[1:] for case in ENCRYPTION_CASES],
    ids=[case[0] for case in ENCRYPTION_CASES],
)
def test_storage_encryption(
    fixture_catalog: Catalog, type_token: str, inputs: dict[str, Any], expected: str | None
) -> None:
    messages = _check(fixture_catalog, "storage-encryption", type_token, inputs)
    if expected is None:
        assert messages == []
    else:
        assert len(messages) == 1 and expected in messages[0], messages


CMK_CASES = [
    (
        "aws-sse-aes",
        SSE,
        {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]},
        "customer-managed key",
    ),
    (
        "aws-sse-kms-key",
        SSE,
        {
            "rules": [
                {
                    "applyServerSideEncryptionByDefault": {
                        "sseAlgorithm": "aws:kms",
                        "kmsMasterKeyId": "alias/k",
                    }
                }
            ]
        },
        None,
    ),
    (
        "aws-fsx-scratch",
        "aws:fsx/lustreFileSystem:LustreFileSystem",
        {"deploymentType": "SCRATCH_2"},
        "PERSISTENT_2",
    ),
    (
        "aws-fsx-kms",
        "aws:fsx/lustreFileSystem:LustreFileSystem",
        {"deploymentType": "PERSISTENT_2", "kmsKeyId": "arn:k"},
        None,
    ),
    ("aws-ebs-no-key", "aws:ebs/volume:Volume", {"encrypted": True}, "kmsKeyId"),
    ("gcs-no-key", "gcp:storage/bucket:Bucket", {"location": "EU"}, "defaultKmsKeyName"),
    (
        "gcs-key",
        "gcp:storage/bucket:Bucket",
        {"location": "EU", "encryption": {"defaultKmsKeyName": "projects/p/k"}},
        None,
    ),
    ("gcp-disk-no-key", "gcp:compute/disk:Disk", {"zone": "us-central1-a"}, "kmsKeySelfLink"),
    (
        "gcp-template-no-key",
        "gcp:compute/instanceTemplate:InstanceTemplate",
        {"disks": [{"boot": True}]},
        "disks[0]",
    ),
    (
        "az-disk-platform",
        "azure-native:compute:Disk",
        {"encryption": {"type": "EncryptionAtRestWithPlatformKey"}},
        "diskEncryptionSetId",
    ),
    (
        "az-disk-cmk",
        "azure-native:compute:Disk",
        {"encryption": {"type": "EncryptionAtRestWithCustomerKey", "diskEncryptionSetId": "/des"}},
        None,
    ),
    (
        "az-account-cmk",
        "azure-native:storage:StorageAccount",
        {"minimumTlsVersion": "TLS1_2", "encryption": {"keySource": "Microsoft.Keyvault"}},
        None,
    ),
    ("az-lustre-no-key", "azure-native:storagecache:AmlFilesystem", {}, "keyEncryptionKey"),
]


@pytest.mark.parametrize(
    ("type_token", "inputs", "expected"),
    [case[1:] for case in CMK_CASES],
    ids=[case[0] for case in CMK_CASES],
)
def test_customer_managed_keys_when_required(
    fixture_catalog: Catalog, type_token: str, inputs: dict[str, Any], expected: str | None
) -> None:
    config = {"requireCustomerManagedKeys": True}
    messages = _check(fixture_catalog, "storage-encryption", type_token, inputs, config)
    if expected is None:
        assert messages == []
    else:
        assert any(expected in m for m in messages), messages


def test_tls_1_3_can_be_required(fixture_catalog: Catalog) -> None:
    inputs = {"minimumTlsVersion": "TLS1_2"}
    config = {"minimumTlsVersion": "TLS1_3"}
    messages = _check(
        fixture_catalog, "storage-encryption", "azure-native:storage:StorageAccount", inputs, config
    )
    assert messages and "'TLS1_3'" in messages[0]


PUBLIC_CASES = [
    (
        "aws-pab-all",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        {"bucket": "b", **ALL_PAB},
        None,
    ),
    (
        "aws-pab-missing-flag",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        {"bucket": "b", **ALL_PAB, "restrictPublicBuckets": False},
        "restrictPublicBuckets is off",
    ),
    (
        "aws-pab-omitted-flags",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        {"bucket": "b", "blockPublicAcls": True},
        "blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets are off",
    ),
    (
        "aws-account-pab",
        "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
        {"blockPublicAcls": True},
        "are off",
    ),
    ("aws-bucket-private", "aws:s3/bucket:Bucket", {"bucket": "b", "acl": "private"}, None),
    (
        "aws-bucket-public-acl",
        "aws:s3/bucket:Bucket",
        {"bucket": "b", "acl": "public-read-write"},
        "acl is 'public-read-write'",
    ),
    (
        "aws-bucket-policy",
        "aws:s3/bucketPolicy:BucketPolicy",
        {
            "bucket": "b",
            "policy": '{"Version":"2012-10-17","Statement":[{"Sid":"Pub","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}',
        },
        "statement 'Pub'",
    ),
    (
        "aws-bucket-policy-cond",
        "aws:s3/bucketPolicy:BucketPolicy",
        {
            "bucket": "b",
            "policy": {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "*"},
                        "Action": "s3:GetObject",
                        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}},
                    }
                ]
            },
        },
        None,
    ),
    (
        "aws-acl-grant",
        "aws:s3/bucketAclV2:BucketAclV2",
        {
            "bucket": "b",
            "accessControlPolicy": {
                "grants": [
                    {
                        "grantee": {
                            "type": "Group",
                            "uri": "http://acs.amazonaws.com/groups/global/AllUsers",
                        },
                        "permission": "READ",
                    }
                ],
                "owner": {"id": "o"},
            },
        },
        "AllUsers",
    ),
    (
        "gcs-enforced",
        "gcp:storage/bucket:Bucket",
        {"location": "US", "publicAccessPrevention": "enforced"},
        None,
    ),
    (
        "gcs-inherited",
        "gcp:storage/bucket:Bucket",
        {"location": "US", "publicAccessPrevention": "inherited"},
        "'inherited'",
    ),
    ("gcs-unset", "gcp:storage/bucket:Bucket", {"location": "US"}, "is not set"),
    (
        "gcs-iam-all-users",
        "gcp:storage/bucketIAMMember:BucketIAMMember",
        {"bucket": "b", "role": "roles/storage.objectViewer", "member": "allUsers"},
        "allUsers",
    ),
    (
        "gcs-iam-user",
        "gcp:storage/bucketIAMMember:BucketIAMMember",
        {"bucket": "b", "role": "roles/storage.objectViewer", "member": "user:a@b.c"},
        None,
    ),
    (
        "az-account-off",
        "azure-native:storage:StorageAccount",
        {"allowBlobPublicAccess": False},
        None,
    ),
    (
        "az-account-on",
        "azure-native:storage:StorageAccount",
        {"allowBlobPublicAccess": True},
        "is true",
    ),
    ("az-account-unset", "azure-native:storage:StorageAccount", {}, "is not set"),
    (
        "az-container-blob",
        "azure-native:storage:BlobContainer",
        {"accountName": "a", "publicAccess": "Blob"},
        "'Blob'",
    ),
    (
        "az-classic-off",
        "azure:storage/account:Account",
        {"allowNestedItemsToBePublic": False},
        None,
    ),
    ("az-classic-default", "azure:storage/account:Account", {}, "defaults it to true"),
]


@pytest.mark.parametrize(
    ("type_token", "inputs", "expected"),
    [case[1:] for case in PUBLIC_CASES],
    ids=[case[0] for case in PUBLIC_CASES],
)
def test_no_public_storage(
    fixture_catalog: Catalog, type_token: str, inputs: dict[str, Any], expected: str | None
) -> None:
    messages = _check(fixture_catalog, "no-public-storage", type_token, inputs)
    if expected is None:
        assert messages == []
    else:
        assert len(messages) == 1 and expected in messages[0], messages


def test_public_storage_exemption_by_name(fixture_catalog: Catalog) -> None:
    inputs = {"bucket": "www-site", "acl": "public-read"}
    config = {"exempt": ["www-*"]}
    assert (
        _check(fixture_catalog, "no-public-storage", "aws:s3/bucket:Bucket", inputs, config) == []
    )


SG = "aws:ec2/securityGroup:SecurityGroup"
FW = "gcp:compute/firewall:Firewall"
NSG = "azure-native:network:NetworkSecurityGroup"
RULE = {"access": "Allow", "direction": "Inbound", "priority": 100, "sourcePortRange": "*"}

PORT_CASES = [
    (
        "aws-sg-ssh-open",
        SG,
        {
            "ingress": [
                {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]}
            ]
        },
        "22 (SSH)",
    ),
    (
        "aws-sg-ssh-private",
        SG,
        {
            "ingress": [
                {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["10.0.0.0/8"]}
            ]
        },
        None,
    ),
    (
        "aws-sg-https-open",
        SG,
        {
            "ingress": [
                {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}
            ]
        },
        None,
    ),
    (
        "aws-sg-range",
        SG,
        {
            "ingress": [
                {"protocol": "tcp", "fromPort": 1, "toPort": 1024, "ipv6CidrBlocks": ["::/0"]}
            ]
        },
        "22 (SSH) to ::/0",
    ),
    (
        "aws-sg-all-protocols",
        SG,
        {"ingress": [{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}]},
        "22 (SSH), 3389 (RDP)",
    ),
    (
        "aws-sg-icmp",
        SG,
        {
            "ingress": [
                {"protocol": "icmp", "fromPort": -1, "toPort": -1, "cidrBlocks": ["0.0.0.0/0"]}
            ]
        },
        None,
    ),
    (
        "aws-sg-egress-only",
        SG,
        {"egress": [{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}]},
        None,
    ),
    (
        "aws-rule-ingress",
        "aws:ec2/securityGroupRule:SecurityGroupRule",
        {
            "type": "ingress",
            "protocol": "tcp",
            "fromPort": 3389,
            "toPort": 3389,
            "cidrBlocks": ["0.0.0.0/0"],
            "securityGroupId": "sg",
        },
        "3389 (RDP)",
    ),
    (
        "aws-rule-egress",
        "aws:ec2/securityGroupRule:SecurityGroupRule",
        {
            "type": "egress",
            "protocol": "-1",
            "fromPort": 0,
            "toPort": 0,
            "cidrBlocks": ["0.0.0.0/0"],
            "securityGroupId": "sg",
        },
        None,
    ),
    (
        "aws-vpc-rule-all",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        {"ipProtocol": "-1", "cidrIpv4": "0.0.0.0/0", "securityGroupId": "sg"},
        "22 (SSH)",
    ),
    (
        "aws-vpc-rule-admin",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        {
            "ipProtocol": "tcp",
            "fromPort": 22,
            "toPort": 22,
            "cidrIpv4": "203.0.113.0/24",
            "securityGroupId": "sg",
        },
        None,
    ),
    (
        "gcp-fw-open",
        FW,
        {
            "network": "n",
            "sourceRanges": ["0.0.0.0/0"],
            "allows": [{"protocol": "tcp", "ports": ["22"]}],
        },
        "22 (SSH)",
    ),
    (
        "gcp-fw-default-source",
        FW,
        {"network": "n", "allows": [{"protocol": "tcp", "ports": ["3389"]}]},
        "3389 (RDP)",
    ),
    (
        "gcp-fw-all-ports",
        FW,
        {"network": "n", "sourceRanges": ["0.0.0.0/0"], "allows": [{"protocol": "all"}]},
        "22 (SSH), 3389 (RDP)",
    ),
    (
        "gcp-fw-iap",
        FW,
        {
            "network": "n",
            "sourceRanges": ["35.235.240.0/20"],
            "allows": [{"protocol": "tcp", "ports": ["22"]}],
        },
        None,
    ),
    (
        "gcp-fw-tags",
        FW,
        {
            "network": "n",
            "sourceTags": ["bastion"],
            "allows": [{"protocol": "tcp", "ports": ["22"]}],
        },
        None,
    ),
    (
        "gcp-fw-disabled",
        FW,
        {
            "network": "n",
            "disabled": True,
            "sourceRanges": ["0.0.0.0/0"],
            "allows": [{"protocol": "tcp", "ports": ["22"]}],
        },
        None,
    ),
    (
        "gcp-fw-egress",
        FW,
        {
            "network": "n",
            "direction": "EGRESS",
            "destinationRanges": ["0.0.0.0/0"],
            "allows": [{"protocol": "tcp", "ports": ["22"]}],
        },
        None,
    ),
    (
        "az-nsg-internet",
        NSG,
        {
            "securityRules": [
                {
                    **RULE,
                    "name": "rdp",
                    "protocol": "Tcp",
                    "sourceAddressPrefix": "Internet",
                    "destinationPortRange": "3389",
                }
            ]
        },
        "3389 (RDP) from Internet",
    ),
    (
        "az-nsg-star",
        NSG,
        {
            "securityRules": [
                {
                    **RULE,
                    "name": "all",
                    "protocol": "*",
                    "sourceAddressPrefix": "*",
                    "destinationPortRange": "*",
                }
            ]
        },
        "22 (SSH), 3389 (RDP)",
    ),
    (
        "az-nsg-deny",
        NSG,
        {
            "securityRules": [
                {
                    **RULE,
                    "access": "Deny",
                    "name": "d",
                    "protocol": "*",
                    "sourceAddressPrefix": "*",
                    "destinationPortRange": "22",
                }
            ]
        },
        None,
    ),
    (
        "az-nsg-private",
        NSG,
        {
            "securityRules": [
                {
                    **RULE,
                    "name": "ssh",
                    "protocol": "Tcp",
                    "sourceAddressPrefix": "10.0.0.0/8",
                    "destinationPortRange": "22",
                }
            ]
        },
        None,
    ),
    (
        "az-rule-ranges",
        "azure-native:network:SecurityRule",
        {
            **RULE,
            "protocol": "Tcp",
            "sourceAddressPrefixes": ["10.0.0.0/8", "0.0.0.0/0"],
            "destinationPortRanges": ["20-30", "443"],
        },
        "22 (SSH) from 0.0.0.0/0",
    ),
    (
        "az-classic-rule",
        "azure:network/networkSecurityRule:NetworkSecurityRule",
        {**RULE, "protocol": "Tcp", "sourceAddressPrefix": "*", "destinationPortRange": "22"},
        "22 (SSH)",
    ),
    (
        "az-classic-nsg",
        "azure:network/networkSecurityGroup:NetworkSecurityGroup",
        {
            "securityRules": [
                {
                    **RULE,
                    "name": "web",
                    "protocol": "Tcp",
                    "sourceAddressPrefix": "*",
                    "destinationPortRange": "443",
                }
            ]
        },
        None,
    ),
]


@pytest.mark.parametrize(
    ("type_token", "inputs", "expected"),
    [case[1:] for case in PORT_CASES],
    ids=[case[0] for case in PORT_CASES],
)
def test_no_open_admin_ports(
    fixture_catalog: Catalog, type_token: str, inputs: dict[str, Any], expected: str | None
) -> None:
    messages = _check(fixture_catalog, "no-open-admin-ports", type_token, inputs)
    if expected is None:
        assert messages == []
    else:
        assert len(messages) == 1 and expected in messages[0], messages


def test_admin_ports_are_configurable(fixture_catalog: Catalog) -> None:
    inputs = {
        "ingress": [
            {"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrBlocks": ["0.0.0.0/0"]}
        ]
    }
    assert _check(fixture_catalog, "no-open-admin-ports", SG, inputs) == []
    flagged = _check(fixture_catalog, "no-open-admin-ports", SG, inputs, {"ports": [22, 5432]})
    assert flagged and "5432" in flagged[0]
