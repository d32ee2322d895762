"""Equivalent-form attacks, per rule and per cloud: no-open-admin-ports, no-public-storage,
storage-encryption. Each attack is a way to express the risk that is not the canonical one
(a CIDR set that covers the internet, a firewall-policy rule, a bucket policy under a
condition that restricts nothing, an object ACL, a launch configuration's disk, …) and the
rule must fire; each secure case is the safe form the rule must let pass. The fleet and
governance forms are in test_policies_forms_fleet.py."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

import pytest
from _forms import Case, attack, corpus_size, judge, secure
from _policy_graphs import res

from cloudwright.optimizer.catalog import Catalog
from cloudwright.resource_graph.facts.network import covers_internet
from cloudwright.resource_graph.model import SECRET

PORTS = "no-open-admin-ports"
PUBLIC = "no-public-storage"
ENC = "storage-encryption"

SG = "aws:ec2/securityGroup:SecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
VPC_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
FW = "gcp:compute/firewall:Firewall"
NSG = "azure-native:network:NetworkSecurityGroup"
AZ_RULE = "azure-native:network:SecurityRule"
HALVES = ["0.0.0.0/1", "128.0.0.0/1"]
# Every public IPv4 address, none of 10.0.0.0/8: no single range is the internet.
PUBLIC_V4 = [
    str(n)
    for n in ipaddress.IPv4Network("0.0.0.0/0").address_exclude(ipaddress.IPv4Network("10.0.0.0/8"))
]


def ssh(**extra: Any) -> dict[str, Any]:
    return {"protocol": "tcp", "fromPort": 22, "toPort": 22, **extra}


def gcp_rule(kind: str, name: str, ranges: list[str], **extra: Any) -> Any:
    inputs = {
        "firewallPolicy": "policies/p1",
        "priority": 1000,
        "direction": "INGRESS",
        "action": "allow",
        "match": {"srcIpRanges": ranges, "layer4Configs": [{"ipProtocol": "tcp", "ports": ["22"]}]},
        **extra,
    }
    return res(f"gcp:compute/{kind}:{kind[0].upper()}{kind[1:]}", name, inputs)


def with_rules(kind: str, ranges: list[str], **rule: Any) -> Any:
    body = {
        "priority": 100,
        "direction": "INGRESS",
        "action": "allow",
        "ruleName": "ssh",
        "match": {"srcIpRanges": ranges, "layer4Configs": [{"ipProtocol": "all"}]},
        **rule,
    }
    return res(f"gcp:compute/{kind}:{kind[0].upper()}{kind[1:]}", "fp", {"rules": [body]})


AZ = {"access": "Allow", "direction": "Inbound", "priority": 100, "sourcePortRange": "*"}


def nsg_rule(**extra: Any) -> dict[str, Any]:
    return {**AZ, "name": "r", "protocol": "Tcp", "destinationPortRange": "22", **extra}


PORT_CASES: list[Case] = [
    # ---- AWS ----------------------------------------------------------------------------
    attack(
        "halves-in-one-rule",
        PORTS,
        "aws",
        res(SG, "sg", {"ingress": [ssh(cidrBlocks=HALVES)]}),
        expect="22 (SSH)",
    ),
    attack(
        "halves-in-two-inline-rules",
        PORTS,
        "aws",
        res(SG, "sg", {"ingress": [ssh(cidrBlocks=[HALVES[0]]), ssh(cidrBlocks=[HALVES[1]])]}),
        expect="together with sg ingress",
    ),
    attack(
        "ipv6-long-spelling",
        PORTS,
        "aws",
        res(SG, "sg", {"ingress": [ssh(ipv6CidrBlocks=["0:0:0:0:0:0:0:0/0"])]}),
    ),
    attack(
        "ipv6-zero-spelling",
        PORTS,
        "aws",
        res(SG, "sg", {"ingress": [ssh(ipv6CidrBlocks=["::0/0"])]}),
    ),
    attack(
        "cidr-with-blanks",
        PORTS,
        "aws",
        res(SG, "sg", {"ingress": [ssh(cidrBlocks=[" 0.0.0.0/0 "])]}),
    ),
    attack(
        "every-public-range", PORTS, "aws", res(SG, "sg", {"ingress": [ssh(cidrBlocks=PUBLIC_V4)]})
    ),
    attack(
        "protocol-upper-case",
        PORTS,
        "aws",
        res(
            SG,
            "sg",
            {
                "ingress": [
                    {"protocol": "TCP", "fromPort": 0, "toPort": 65535, "cidrBlocks": ["0.0.0.0/0"]}
                ]
            },
        ),
    ),
    attack(
        "protocol-number",
        PORTS,
        "aws",
        res(
            SG,
            "sg",
            {
                "ingress": [
                    {"protocol": "6", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]}
                ]
            },
        ),
    ),
    attack(
        "protocol-minus-one-int",
        PORTS,
        "aws",
        res(
            SG,
            "sg",
            {
                "ingress": [
                    {"protocol": -1, "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}
                ]
            },
        ),
    ),
    attack(
        "default-security-group",
        PORTS,
        "aws",
        res(
            "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
            "dsg",
            {"ingress": [ssh(cidrBlocks=["0.0.0.0/0"])]},
        ),
    ),
    attack(
        "split-security-group-rules",
        PORTS,
        "aws",
        res(
            SG_RULE,
            "a",
            {"type": "ingress", "securityGroupId": "sg-1", **ssh(cidrBlocks=[HALVES[0]])},
        ),
        res(
            SG_RULE,
            "b",
            {"type": "ingress", "securityGroupId": "sg-1", **ssh(cidrBlocks=[HALVES[1]])},
        ),
        expect="together with",
    ),
    attack(
        "rule-type-upper-case",
        PORTS,
        "aws",
        res(
            SG_RULE,
            "a",
            {"type": "INGRESS", "securityGroupId": "sg-1", **ssh(cidrBlocks=["0.0.0.0/0"])},
        ),
    ),
    attack(
        "split-vpc-ingress-rules",
        PORTS,
        "aws",
        res(
            VPC_RULE,
            "a",
            {
                "ipProtocol": "tcp",
                "fromPort": 22,
                "toPort": 22,
                "cidrIpv4": HALVES[0],
                "securityGroupId": "sg-1",
            },
        ),
        res(
            VPC_RULE,
            "b",
            {
                "ipProtocol": "tcp",
                "fromPort": 22,
                "toPort": 22,
                "cidrIpv4": HALVES[1],
                "securityGroupId": "sg-1",
            },
        ),
    ),
    attack(
        "split-vpc-ingress-rules-ipv6",
        PORTS,
        "aws",
        res(VPC_RULE, "a", {"ipProtocol": "-1", "cidrIpv6": "::/1", "securityGroupId": "sg-1"}),
        res(VPC_RULE, "b", {"ipProtocol": "-1", "cidrIpv6": "8000::/1", "securityGroupId": "sg-1"}),
    ),
    secure(
        "private-source", PORTS, "aws", res(SG, "sg", {"ingress": [ssh(cidrBlocks=["10.0.0.0/8"])]})
    ),
    secure(
        "one-half-only", PORTS, "aws", res(SG, "sg", {"ingress": [ssh(cidrBlocks=[HALVES[0]])]})
    ),
    secure(
        "halves-on-https",
        PORTS,
        "aws",
        res(
            SG,
            "sg",
            {
                "ingress": [
                    {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": HALVES}
                ]
            },
        ),
    ),
    secure(
        "halves-on-different-groups",
        PORTS,
        "aws",
        res(
            SG_RULE,
            "a",
            {"type": "ingress", "securityGroupId": "sg-1", **ssh(cidrBlocks=[HALVES[0]])},
        ),
        res(
            SG_RULE,
            "b",
            {"type": "ingress", "securityGroupId": "sg-2", **ssh(cidrBlocks=[HALVES[1]])},
        ),
    ),
    secure(
        "tcp-half-and-udp-half",
        PORTS,
        "aws",
        res(
            SG,
            "sg",
            {
                "ingress": [
                    ssh(cidrBlocks=[HALVES[0]]),
                    {**ssh(cidrBlocks=[HALVES[1]]), "protocol": "udp"},
                ]
            },
        ),
    ),
    # ---- GCP ----------------------------------------------------------------------------
    attack(
        "firewall-halves",
        PORTS,
        "gcp",
        res(
            FW,
            "fw",
            {
                "network": "n",
                "sourceRanges": HALVES,
                "allows": [{"protocol": "tcp", "ports": ["22"]}],
            },
        ),
    ),
    attack(
        "two-firewalls-same-network",
        PORTS,
        "gcp",
        res(
            FW,
            "a",
            {
                "network": "n",
                "sourceRanges": [HALVES[0]],
                "allows": [{"protocol": "tcp", "ports": ["22"]}],
            },
        ),
        res(
            FW,
            "b",
            {
                "network": "n",
                "sourceRanges": [HALVES[1]],
                "allows": [{"protocol": "tcp", "ports": ["20-30"]}],
            },
        ),
    ),
    attack(
        "firewall-ipv6-zero",
        PORTS,
        "gcp",
        res(
            FW,
            "fw",
            {
                "network": "n",
                "sourceRanges": ["::0/0"],
                "allows": [{"protocol": "TCP", "ports": ["22"]}],
            },
        ),
    ),
    attack(
        "firewall-lower-case-direction",
        PORTS,
        "gcp",
        res(FW, "fw", {"network": "n", "direction": "ingress", "allows": [{"protocol": "all"}]}),
    ),
    attack(
        "hierarchical-policy-rule", PORTS, "gcp", gcp_rule("firewallPolicyRule", "r", ["0.0.0.0/0"])
    ),
    attack(
        "network-policy-rule", PORTS, "gcp", gcp_rule("networkFirewallPolicyRule", "r", ["::/0"])
    ),
    attack(
        "regional-policy-rule",
        PORTS,
        "gcp",
        gcp_rule("regionNetworkFirewallPolicyRule", "r", HALVES),
    ),
    attack(
        "policy-rules-split",
        PORTS,
        "gcp",
        gcp_rule("networkFirewallPolicyRule", "a", [HALVES[0]]),
        gcp_rule("networkFirewallPolicyRule", "b", [HALVES[1]]),
    ),
    attack("policy-with-rules", PORTS, "gcp", with_rules("firewallPolicyWithRules", ["0.0.0.0/0"])),
    attack(
        "network-policy-with-rules",
        PORTS,
        "gcp",
        with_rules("networkFirewallPolicyWithRules", HALVES),
    ),
    attack(
        "regional-policy-with-rules",
        PORTS,
        "gcp",
        with_rules("regionNetworkFirewallPolicyWithRules", ["0:0:0:0:0:0:0:0/0"]),
    ),
    secure(
        "iap-range",
        PORTS,
        "gcp",
        res(
            FW,
            "fw",
            {
                "network": "n",
                "sourceRanges": ["35.235.240.0/20"],
                "allows": [{"protocol": "tcp", "ports": ["22"]}],
            },
        ),
    ),
    secure(
        "policy-rule-deny",
        PORTS,
        "gcp",
        gcp_rule("firewallPolicyRule", "r", ["0.0.0.0/0"], action="deny"),
    ),
    secure(
        "policy-rule-egress",
        PORTS,
        "gcp",
        gcp_rule("firewallPolicyRule", "r", ["0.0.0.0/0"], direction="EGRESS"),
    ),
    secure(
        "policy-rule-disabled",
        PORTS,
        "gcp",
        gcp_rule("firewallPolicyRule", "r", ["0.0.0.0/0"], disabled=True),
    ),
    secure(
        "halves-on-two-networks",
        PORTS,
        "gcp",
        res(
            FW,
            "a",
            {
                "network": "n1",
                "sourceRanges": [HALVES[0]],
                "allows": [{"protocol": "tcp", "ports": ["22"]}],
            },
        ),
        res(
            FW,
            "b",
            {
                "network": "n2",
                "sourceRanges": [HALVES[1]],
                "allows": [{"protocol": "tcp", "ports": ["22"]}],
            },
        ),
    ),
    # ---- Azure --------------------------------------------------------------------------
    attack(
        "nsg-prefix-halves",
        PORTS,
        "azure",
        res(NSG, "nsg", {"securityRules": [nsg_rule(sourceAddressPrefixes=HALVES)]}),
    ),
    attack(
        "nsg-any-lower-case",
        PORTS,
        "azure",
        res(NSG, "nsg", {"securityRules": [nsg_rule(sourceAddressPrefix="any")]}),
    ),
    attack(
        "nsg-ipv6",
        PORTS,
        "azure",
        res(NSG, "nsg", {"securityRules": [nsg_rule(sourceAddressPrefix="::/0")]}),
    ),
    attack(
        "nsg-lower-case-fields",
        PORTS,
        "azure",
        res(
            NSG,
            "nsg",
            {
                "securityRules": [
                    nsg_rule(
                        direction="inbound",
                        access="allow",
                        protocol="TCP",
                        sourceAddressPrefix="0.0.0.0/0",
                    )
                ]
            },
        ),
    ),
    attack(
        "nsg-port-ranges",
        PORTS,
        "azure",
        res(
            NSG,
            "nsg",
            {
                "securityRules": [
                    nsg_rule(
                        destinationPortRange=None,
                        destinationPortRanges=["3380-3390"],
                        sourceAddressPrefix="*",
                    )
                ]
            },
        ),
        expect="3389 (RDP)",
    ),
    attack(
        "split-security-rules",
        PORTS,
        "azure",
        res(AZ_RULE, "a", nsg_rule(networkSecurityGroupName="nsg", sourceAddressPrefix=HALVES[0])),
        res(AZ_RULE, "b", nsg_rule(networkSecurityGroupName="nsg", sourceAddressPrefix=HALVES[1])),
    ),
    attack(
        "classic-internet-upper-case",
        PORTS,
        "azure",
        res(
            "azure:network/networkSecurityRule:NetworkSecurityRule",
            "r",
            nsg_rule(sourceAddressPrefix="INTERNET"),
        ),
    ),
    secure(
        "nsg-vnet-only",
        PORTS,
        "azure",
        res(NSG, "nsg", {"securityRules": [nsg_rule(sourceAddressPrefix="VirtualNetwork")]}),
    ),
    secure(
        "nsg-deny-any",
        PORTS,
        "azure",
        res(NSG, "nsg", {"securityRules": [nsg_rule(access="Deny", sourceAddressPrefix="*")]}),
    ),
    secure(
        "halves-on-two-nsgs",
        PORTS,
        "azure",
        res(
            AZ_RULE, "a", nsg_rule(networkSecurityGroupName="nsg-1", sourceAddressPrefix=HALVES[0])
        ),
        res(
            AZ_RULE, "b", nsg_rule(networkSecurityGroupName="nsg-2", sourceAddressPrefix=HALVES[1])
        ),
    ),
]


def policy(*statements: dict[str, Any], as_text: bool = True) -> Any:
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return json.dumps(document) if as_text else document


def allow(
    principal: Any = "*", condition: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    statement = {
        "Sid": "s",
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b/*",
        **extra,
    }
    if principal is not None:
        statement["Principal"] = principal
    if condition is not None:
        statement["Condition"] = condition
    return statement


BP = "aws:s3/bucketPolicy:BucketPolicy"
ACL_V2 = "aws:s3/bucketAclV2:BucketAclV2"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
GCS = "gcp:storage/"


def bucket_policy(*statements: dict[str, Any]) -> Any:
    return res(BP, "bp", {"bucket": "b", "policy": policy(*statements)})


PUBLIC_CASES: list[Case] = [
    # ---- AWS ----------------------------------------------------------------------------
    attack(
        "secure-transport-true",
        PUBLIC,
        "aws",
        bucket_policy(allow(condition={"Bool": {"aws:SecureTransport": "true"}})),
        expect="condition that restricts nothing",
    ),
    attack(
        "secure-transport-either",
        PUBLIC,
        "aws",
        bucket_policy(allow(condition={"Bool": {"aws:SecureTransport": ["true", "false"]}})),
    ),
    attack(
        "aws-star-source-ip-any",
        PUBLIC,
        "aws",
        bucket_policy(allow({"AWS": "*"}, {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}})),
    ),
    attack(
        "source-ip-halves",
        PUBLIC,
        "aws",
        bucket_policy(allow({"AWS": ["*"]}, {"IpAddress": {"aws:SourceIp": HALVES}})),
    ),
    attack(
        "aws-star-in-list",
        PUBLIC,
        "aws",
        bucket_policy(allow({"AWS": ["arn:aws:iam::111122223333:root", "*"]})),
    ),
    attack("account-wildcard", PUBLIC, "aws", bucket_policy(allow({"AWS": "arn:aws:iam::*:root"}))),
    attack(
        "not-principal",
        PUBLIC,
        "aws",
        bucket_policy(allow(None, NotPrincipal={"AWS": "arn:aws:iam::111122223333:root"})),
        expect="NotPrincipal",
    ),
    attack(
        "vpc-if-exists",
        PUBLIC,
        "aws",
        bucket_policy(allow(condition={"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}})),
    ),
    attack(
        "vpc-negated",
        PUBLIC,
        "aws",
        bucket_policy(allow(condition={"StringNotEquals": {"aws:SourceVpc": "vpc-1"}})),
    ),
    attack(
        "referer-is-forgeable",
        PUBLIC,
        "aws",
        bucket_policy(allow(condition={"StringLike": {"aws:Referer": "https://example.com/*"}})),
    ),
    attack(
        "wildcard-like",
        PUBLIC,
        "aws",
        bucket_policy(allow(condition={"StringLike": {"aws:PrincipalOrgID": "*"}})),
    ),
    attack(
        "statement-object-not-list",
        PUBLIC,
        "aws",
        res(BP, "bp", {"bucket": "b", "policy": json.dumps({"Statement": allow()})}),
    ),
    attack(
        "inline-bucket-policy",
        PUBLIC,
        "aws",
        res(
            "aws:s3/bucket:Bucket",
            "b",
            {"policy": policy(allow(condition={"Bool": {"aws:SecureTransport": "true"}}))},
        ),
    ),
    attack(
        "policy-as-object",
        PUBLIC,
        "aws",
        res(BP, "bp", {"bucket": "b", "policy": policy(allow(), as_text=False)}),
    ),
    attack(
        "acl-v2-grant-all-users",
        PUBLIC,
        "aws",
        res(
            ACL_V2,
            "acl",
            {
                "bucket": "b",
                "accessControlPolicy": {
                    "grants": [
                        {"grantee": {"type": "Group", "uri": ALL_USERS}, "permission": "READ"}
                    ],
                    "owner": {"id": "o"},
                },
            },
        ),
    ),
    attack(
        "acl-v2-upper-case",
        PUBLIC,
        "aws",
        res(ACL_V2, "acl", {"bucket": "b", "acl": "PUBLIC-READ"}),
    ),
    attack(
        "bucket-acl-v1",
        PUBLIC,
        "aws",
        res("aws:s3/bucketAcl:BucketAcl", "acl", {"bucket": "b", "acl": "public-read-write"}),
    ),
    attack(
        "object-acl",
        PUBLIC,
        "aws",
        res(
            "aws:s3/bucketObject:BucketObject",
            "o",
            {"bucket": "b", "key": "k", "acl": "public-read"},
        ),
    ),
    attack(
        "object-v2-acl",
        PUBLIC,
        "aws",
        res(
            "aws:s3/bucketObjectv2:BucketObjectv2",
            "o",
            {"bucket": "b", "key": "k", "acl": "Public-Read"},
        ),
    ),
    attack(
        "object-copy-grant",
        PUBLIC,
        "aws",
        res(
            "aws:s3/objectCopy:ObjectCopy",
            "o",
            {
                "bucket": "b",
                "key": "k",
                "source": "s/k",
                "grants": [
                    {
                        "type": "Group",
                        "uri": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
                        "permissions": ["READ"],
                    }
                ],
            },
        ),
    ),
    attack(
        "bucket-v2-grant",
        PUBLIC,
        "aws",
        res(
            "aws:s3/bucketV2:BucketV2",
            "b",
            {"grants": [{"type": "Group", "uri": ALL_USERS, "permissions": ["READ"]}]},
        ),
    ),
    attack(
        "access-block-string-false",
        PUBLIC,
        "aws",
        res(PAB, "pab", {"bucket": "b", **{f: "false" for f in FLAGS}}),
    ),
    attack(
        "access-block-secret-flag",
        PUBLIC,
        "aws",
        res(PAB, "pab", {"bucket": "b", **{f: True for f in FLAGS[1:]}, "blockPublicAcls": SECRET}),
        expect="treated as the worst case",
    ),
    secure(
        "source-vpc",
        PUBLIC,
        "aws",
        bucket_policy(allow(condition={"StringEquals": {"aws:SourceVpc": "vpc-1"}})),
    ),
    secure(
        "principal-org",
        PUBLIC,
        "aws",
        bucket_policy(allow(condition={"StringEquals": {"aws:PrincipalOrgID": "o-abc"}})),
    ),
    secure(
        "secure-transport-and-vpce",
        PUBLIC,
        "aws",
        bucket_policy(
            allow(
                condition={
                    "Bool": {"aws:SecureTransport": "true"},
                    "StringEquals": {"aws:SourceVpce": "vpce-1"},
                }
            )
        ),
    ),
    secure(
        "private-source-ip",
        PUBLIC,
        "aws",
        bucket_policy(
            allow(condition={"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}})
        ),
    ),
    secure(
        "named-account",
        PUBLIC,
        "aws",
        bucket_policy(allow({"AWS": "arn:aws:iam::111122223333:root"})),
    ),
    secure(
        "deny-everyone-without-tls",
        PUBLIC,
        "aws",
        bucket_policy(
            {**allow(condition={"Bool": {"aws:SecureTransport": "false"}}), "Effect": "Deny"}
        ),
    ),
    secure(
        "access-block-string-true",
        PUBLIC,
        "aws",
        res(PAB, "pab", {"bucket": "b", **{f: "True" for f in FLAGS}}),
    ),
    secure(
        "private-object",
        PUBLIC,
        "aws",
        res(
            "aws:s3/bucketObjectv2:BucketObjectv2",
            "o",
            {"bucket": "b", "key": "k", "acl": "private"},
        ),
    ),
    # ---- GCP ----------------------------------------------------------------------------
    attack(
        "iam-policy-all-users",
        PUBLIC,
        "gcp",
        res(
            f"{GCS}bucketIAMPolicy:BucketIAMPolicy",
            "p",
            {
                "bucket": "b",
                "policyData": json.dumps(
                    {"bindings": [{"role": "roles/storage.objectViewer", "members": ["allUsers"]}]}
                ),
            },
        ),
    ),
    attack(
        "iam-member-all-authenticated",
        PUBLIC,
        "gcp",
        res(
            f"{GCS}bucketIAMMember:BucketIAMMember",
            "m",
            {
                "bucket": "b",
                "role": "roles/storage.objectViewer",
                "member": "allAuthenticatedUsers",
            },
        ),
    ),
    attack(
        "iam-binding-case-variant",
        PUBLIC,
        "gcp",
        res(
            f"{GCS}bucketIAMBinding:BucketIAMBinding",
            "m",
            {
                "bucket": "b",
                "role": "roles/storage.objectViewer",
                "members": ["user:a@example.com", "AllUsers"],
            },
        ),
    ),
    attack(
        "bucket-acl-role-entity",
        PUBLIC,
        "gcp",
        res(
            f"{GCS}bucketACL:BucketACL",
            "acl",
            {"bucket": "b", "roleEntities": ["OWNER:project-owners-1", "READER:allUsers"]},
        ),
    ),
    attack(
        "bucket-acl-predefined",
        PUBLIC,
        "gcp",
        res(f"{GCS}bucketACL:BucketACL", "acl", {"bucket": "b", "predefinedAcl": "publicRead"}),
    ),
    attack(
        "bucket-access-control",
        PUBLIC,
        "gcp",
        res(
            f"{GCS}bucketAccessControl:BucketAccessControl",
            "ac",
            {"bucket": "b", "role": "READER", "entity": "allUsers"},
        ),
    ),
    attack(
        "object-acl-role-entity",
        PUBLIC,
        "gcp",
        res(
            f"{GCS}objectACL:ObjectACL",
            "acl",
            {"bucket": "b", "object": "o", "roleEntities": ["READER:allUsers"]},
        ),
    ),
    attack(
        "object-acl-predefined-kebab",
        PUBLIC,
        "gcp",
        res(
            f"{GCS}objectACL:ObjectACL",
            "acl",
            {"bucket": "b", "object": "o", "predefinedAcl": "public-read"},
        ),
    ),
    attack(
        "object-access-control",
        PUBLIC,
        "gcp",
        res(
            f"{GCS}objectAccessControl:ObjectAccessControl",
            "ac",
            {"bucket": "b", "object": "o", "role": "READER", "entity": "allAuthenticatedUsers"},
        ),
    ),
    attack(
        "default-object-acl",
        PUBLIC,
        "gcp",
        res(
            f"{GCS}defaultObjectACL:DefaultObjectACL",
            "acl",
            {"bucket": "b", "roleEntities": ["READER:allAuthenticatedUsers"]},
        ),
    ),
    attack(
        "default-object-access-control",
        PUBLIC,
        "gcp",
        res(
            f"{GCS}defaultObjectAccessControl:DefaultObjectAccessControl",
            "ac",
            {"bucket": "b", "role": "READER", "entity": "allUsers"},
        ),
    ),
    attack(
        "object-predefined-acl",
        PUBLIC,
        "gcp",
        res(
            f"{GCS}bucketObject:BucketObject",
            "o",
            {"bucket": "b", "name": "o", "predefinedAcl": "PUBLIC_READ"},
        ),
    ),
    attack(
        "prevention-inherited-case",
        PUBLIC,
        "gcp",
        res(f"{GCS}bucket:Bucket", "b", {"location": "US", "publicAccessPrevention": "Inherited"}),
    ),
    secure(
        "prevention-enforced-upper-case",
        PUBLIC,
        "gcp",
        res(f"{GCS}bucket:Bucket", "b", {"location": "US", "publicAccessPrevention": "ENFORCED"}),
    ),
    secure(
        "iam-policy-named-member",
        PUBLIC,
        "gcp",
        res(
            f"{GCS}bucketIAMPolicy:BucketIAMPolicy",
            "p",
            {
                "bucket": "b",
                "policyData": json.dumps(
                    {
                        "bindings": [
                            {
                                "role": "roles/storage.objectViewer",
                                "members": ["group:ml@example.com"],
                            }
                        ]
                    }
                ),
            },
        ),
    ),
    secure(
        "acl-project-private",
        PUBLIC,
        "gcp",
        res(
            f"{GCS}objectACL:ObjectACL",
            "acl",
            {"bucket": "b", "object": "o", "predefinedAcl": "projectPrivate"},
        ),
    ),
    # ---- Azure --------------------------------------------------------------------------
    attack(
        "blob-access-string-true",
        PUBLIC,
        "azure",
        res(
            "azure-native:storage:StorageAccount",
            "a",
            {"kind": "StorageV2", "allowBlobPublicAccess": "True"},
        ),
    ),
    attack(
        "container-lower-case",
        PUBLIC,
        "azure",
        res(
            "azure-native:storage:BlobContainer",
            "c",
            {"accountName": "a", "publicAccess": "container"},
        ),
    ),
    attack(
        "classic-container-upper-case",
        PUBLIC,
        "azure",
        res(
            "azure:storage/container:Container",
            "c",
            {"storageAccountName": "a", "containerAccessType": "BLOB"},
        ),
    ),
    attack(
        "classic-nested-items-string",
        PUBLIC,
        "azure",
        res("azure:storage/account:Account", "a", {"allowNestedItemsToBePublic": "true"}),
    ),
    secure(
        "blob-access-string-false",
        PUBLIC,
        "azure",
        res(
            "azure-native:storage:StorageAccount",
            "a",
            {"kind": "StorageV2", "allowBlobPublicAccess": "false"},
        ),
    ),
    secure(
        "container-none",
        PUBLIC,
        "azure",
        res(
            "azure-native:storage:BlobContainer", "c", {"accountName": "a", "publicAccess": "None"}
        ),
    ),
]


VOLUME = "aws:ebs/volume:Volume"


def volume(name: str, encrypted: Any, **extra: Any) -> Any:
    inputs = {"availabilityZone": "us-east-1a", "size": 100, **extra}
    if encrypted is not None:
        inputs["encrypted"] = encrypted
    return res(VOLUME, name, inputs, outputs={"id": f"vol-{name}"})


ENCRYPTION_CASES: list[Case] = [
    # ---- AWS ----------------------------------------------------------------------------
    attack(
        "launch-configuration-root",
        ENC,
        "aws",
        res(
            "aws:ec2/launchConfiguration:LaunchConfiguration",
            "lc",
            {
                "instanceType": "m5.large",
                "imageId": "ami-1",
                "rootBlockDevice": {"volumeSize": 50, "encrypted": False},
            },
        ),
        expect="rootBlockDevice.encrypted",
    ),
    attack(
        "launch-configuration-ebs-string",
        ENC,
        "aws",
        res(
            "aws:ec2/launchConfiguration:LaunchConfiguration",
            "lc",
            {
                "instanceType": "m5.large",
                "imageId": "ami-1",
                "ebsBlockDevices": [
                    {"deviceName": "/dev/sdf", "volumeSize": 10, "encrypted": "False"}
                ],
            },
        ),
    ),
    attack(
        "spot-request-root",
        ENC,
        "aws",
        res(
            "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
            "s",
            {"instanceType": "g6.xlarge", "rootBlockDevice": {"volumeSize": 100}},
        ),
    ),
    attack(
        "spot-fleet-spec",
        ENC,
        "aws",
        res(
            "aws:ec2/spotFleetRequest:SpotFleetRequest",
            "f",
            {
                "targetCapacity": 2,
                "launchSpecifications": [
                    {
                        "instanceType": "g6.xlarge",
                        "ami": "ami-1",
                        "rootBlockDevices": [{"volumeSize": 100, "encrypted": False}],
                    }
                ],
            },
        ),
    ),
    attack(
        "launch-template-upper-case",
        ENC,
        "aws",
        res(
            "aws:ec2/launchTemplate:LaunchTemplate",
            "lt",
            {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "FALSE"}}]},
        ),
    ),
    attack(
        "instance-ebs-device",
        ENC,
        "aws",
        res(
            "aws:ec2/instance:Instance",
            "i",
            {
                "instanceType": "m5.large",
                "ebsBlockDevices": [{"deviceName": "/dev/sdf", "volumeSize": 10}],
            },
        ),
    ),
    attack(
        "snapshot-of-plain-volume",
        ENC,
        "aws",
        volume("v", None),
        res("aws:ebs/snapshot:Snapshot", "snap", {"volumeId": "vol-v"}),
        expect="its volume v is not encrypted",
    ),
    attack(
        "snapshot-copy-unencrypted",
        ENC,
        "aws",
        res(
            "aws:ebs/snapshotCopy:SnapshotCopy",
            "copy",
            {"sourceSnapshotId": "snap-1", "sourceRegion": "us-east-1", "encrypted": False},
        ),
    ),
    attack(
        "snapshot-copy-of-plain-snapshot",
        ENC,
        "aws",
        volume("v", False),
        res("aws:ebs/snapshot:Snapshot", "snap", {"volumeId": "vol-v"}, outputs={"id": "snap-1"}),
        res(
            "aws:ebs/snapshotCopy:SnapshotCopy",
            "copy",
            {"sourceSnapshotId": "snap-1", "sourceRegion": "us-east-1"},
        ),
        expect="the snapshot copy is not encrypted",
    ),
    attack(
        "efs-default",
        ENC,
        "aws",
        res("aws:efs/fileSystem:FileSystem", "efs", {"performanceMode": "generalPurpose"}),
    ),
    attack(
        "efs-string-false",
        ENC,
        "aws",
        res("aws:efs/fileSystem:FileSystem", "efs", {"encrypted": "false"}),
    ),
    attack(
        "rds-instance-default",
        ENC,
        "aws",
        res(
            "aws:rds/instance:Instance",
            "db",
            {"instanceClass": "db.t4g.micro", "engine": "postgres", "allocatedStorage": 20},
        ),
    ),
    attack(
        "aurora-cluster-default",
        ENC,
        "aws",
        res("aws:rds/cluster:Cluster", "c", {"engine": "aurora-postgresql"}),
    ),
    attack(
        "volume-secret-flag",
        ENC,
        "aws",
        volume("v", SECRET),
        expect="is a secret: treated as the worst case",
    ),
    attack(
        "fsx-scratch-with-cmk",
        ENC,
        "aws",
        res(
            "aws:fsx/lustreFileSystem:LustreFileSystem",
            "fsx",
            {"deploymentType": "SCRATCH_2", "storageCapacity": 1200},
        ),
        expect="PERSISTENT_2",
        requireCustomerManagedKeys=True,
    ),
    secure(
        "launch-configuration-encrypted",
        ENC,
        "aws",
        res(
            "aws:ec2/launchConfiguration:LaunchConfiguration",
            "lc",
            {
                "instanceType": "m5.large",
                "imageId": "ami-1",
                "rootBlockDevice": {"volumeSize": 50, "encrypted": True},
            },
        ),
    ),
    secure(
        "snapshot-of-encrypted-volume",
        ENC,
        "aws",
        volume("v", "true"),
        res("aws:ebs/snapshot:Snapshot", "snap", {"volumeId": "vol-v"}),
    ),
    secure(
        "snapshot-copy-encrypted",
        ENC,
        "aws",
        res(
            "aws:ebs/snapshotCopy:SnapshotCopy",
            "copy",
            {"sourceSnapshotId": "snap-1", "sourceRegion": "us-east-1", "encrypted": True},
        ),
    ),
    secure(
        "efs-encrypted",
        ENC,
        "aws",
        res("aws:efs/fileSystem:FileSystem", "efs", {"encrypted": True}),
    ),
    secure(
        "rds-encrypted",
        ENC,
        "aws",
        res(
            "aws:rds/instance:Instance",
            "db",
            {"instanceClass": "db.t4g.micro", "storageEncrypted": True},
        ),
    ),
    secure(
        "rds-restored-from-snapshot",
        ENC,
        "aws",
        res(
            "aws:rds/instance:Instance",
            "db",
            {"instanceClass": "db.t4g.micro", "snapshotIdentifier": "snap"},
        ),
    ),
    secure(
        "aurora-serverless-v1",
        ENC,
        "aws",
        res("aws:rds/cluster:Cluster", "c", {"engine": "aurora-mysql", "engineMode": "serverless"}),
    ),
    # ---- GCP ----------------------------------------------------------------------------
    attack(
        "cloud-sql-without-cmk",
        ENC,
        "gcp",
        res(
            "gcp:sql/databaseInstance:DatabaseInstance",
            "sql",
            {"databaseVersion": "POSTGRES_15", "settings": {"tier": "db-f1-micro"}},
        ),
        requireCustomerManagedKeys=True,
    ),
    attack(
        "snapshot-without-cmk",
        ENC,
        "gcp",
        res("gcp:compute/snapshot:Snapshot", "snap", {"sourceDisk": "d"}),
        requireCustomerManagedKeys=True,
    ),
    attack(
        "template-disk-without-cmk",
        ENC,
        "gcp",
        res(
            "gcp:compute/instanceTemplate:InstanceTemplate",
            "t",
            {"machineType": "a3-highgpu-8g", "disks": [{"boot": True}]},
        ),
        requireCustomerManagedKeys=True,
    ),
    secure(
        "cloud-sql-with-cmk",
        ENC,
        "gcp",
        res(
            "gcp:sql/databaseInstance:DatabaseInstance",
            "sql",
            {
                "databaseVersion": "POSTGRES_15",
                "encryptionKeyName": "projects/p/locations/l/keyRings/r/cryptoKeys/k",
            },
        ),
        requireCustomerManagedKeys=True,
    ),
    secure(
        "cloud-sql-default",
        ENC,
        "gcp",
        res("gcp:sql/databaseInstance:DatabaseInstance", "sql", {"databaseVersion": "POSTGRES_15"}),
    ),
    # ---- Azure --------------------------------------------------------------------------
    attack(
        "sql-tde-disabled",
        ENC,
        "azure",
        res(
            "azure-native:sql:TransparentDataEncryption",
            "tde",
            {
                "databaseName": "db",
                "serverName": "s",
                "resourceGroupName": "rg",
                "tdeName": "current",
                "state": "Disabled",
            },
        ),
    ),
    attack(
        "classic-sql-tde-off",
        ENC,
        "azure",
        res(
            "azure:mssql/database:Database",
            "db",
            {"serverId": "s", "transparentDataEncryptionEnabled": False},
        ),
    ),
    attack(
        "sql-server-tls-1-0",
        ENC,
        "azure",
        res(
            "azure-native:sql:Server", "s", {"resourceGroupName": "rg", "minimalTlsVersion": "1.0"}
        ),
    ),
    attack(
        "classic-sql-server-tls-1-1",
        ENC,
        "azure",
        res("azure:mssql/server:Server", "s", {"version": "12.0", "minimumTlsVersion": "1.1"}),
    ),
    attack(
        "disk-platform-key",
        ENC,
        "azure",
        res("azure-native:compute:Disk", "d", {"diskSizeGB": 100}),
        requireCustomerManagedKeys=True,
    ),
    attack(
        "vm-os-disk-platform-key",
        ENC,
        "azure",
        res(
            "azure-native:compute:VirtualMachine",
            "vm",
            {"hardwareProfile": {"vmSize": "Standard_D4s_v5"}},
        ),
        requireCustomerManagedKeys=True,
    ),
    attack(
        "storage-tls-1-0",
        ENC,
        "azure",
        res("azure-native:storage:StorageAccount", "a", {"minimumTlsVersion": "TLS1_0"}),
    ),
    secure(
        "sql-tde-enabled",
        ENC,
        "azure",
        res(
            "azure-native:sql:TransparentDataEncryption",
            "tde",
            {
                "databaseName": "db",
                "serverName": "s",
                "resourceGroupName": "rg",
                "tdeName": "current",
                "state": "Enabled",
            },
        ),
    ),
    secure(
        "sql-server-tls-1-2",
        ENC,
        "azure",
        res(
            "azure-native:sql:Server", "s", {"resourceGroupName": "rg", "minimalTlsVersion": "1.2"}
        ),
    ),
    secure(
        "classic-sql-server-default-tls",
        ENC,
        "azure",
        res("azure:mssql/server:Server", "s", {"version": "12.0"}),
    ),
]

CASES = PORT_CASES + PUBLIC_CASES + ENCRYPTION_CASES


@pytest.mark.parametrize("case", CASES, ids=[c.param_id for c in CASES])
def test_equivalent_forms(fixture_catalog: Catalog, case: Case) -> None:
    judge(case, fixture_catalog)


def test_every_rule_has_attacks_and_secure_forms_on_every_cloud() -> None:
    sizes = corpus_size(CASES)
    for rule in (PORTS, PUBLIC, ENC):
        for cloud in ("aws", "gcp", "azure"):
            assert sizes.get((rule, cloud, "attack"), 0) >= 3, (rule, cloud)
            assert sizes.get((rule, cloud, "secure"), 0) >= 2, (rule, cloud)


@pytest.mark.parametrize(
    ("sources", "covers"),
    [
        (["0.0.0.0/0"], True),
        (HALVES, True),
        (["::0/0"], True),
        (["0:0:0:0:0:0:0:0/0"], True),
        (["2000::/3"], True),  # every global unicast IPv6 address
        (PUBLIC_V4, True),
        (["0.0.0.0/1"], False),
        (["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"], False),
        (PUBLIC_V4[1:], False),
        (["not a cidr", "8000::/1"], False),
        (["::/1"], True),  # 2000::/3 lies in it
    ],
)
def test_internet_coverage_is_set_arithmetic(sources: list[str], covers: bool) -> None:
    assert covers_internet(sources) is covers
