"""no-public-storage: buckets and storage accounts cannot be read by the whole internet.

- S3: every `BucketPublicAccessBlock` (and the account-wide block) turns on all four
  flags — the provider defaults each to false, so an omitted flag is off. Buckets,
  `BucketAcl`s and `BucketPolicy`s may not grant public access (public canned ACLs,
  grants to AllUsers/AuthenticatedUsers, policy statements allowing Principal '*' without
  a condition). A bucket with no block of its own is private by default: S3 has turned
  Block Public Access on for every new bucket since April 2023.
- GCS: `publicAccessPrevention: enforced` on the bucket (the default, 'inherited', defers
  to an organisation policy the stack cannot see); no IAM member or ACL entity
  `allUsers` / `allAuthenticatedUsers`.
- Azure: storage accounts set `allowBlobPublicAccess: false` (azure-native) or
  `allowNestedItemsToBePublic: false` (classic azure, whose provider defaults it to true);
  containers grant no anonymous access.

`exempt` lists name globs (resource name or bucket name) that may be public on purpose,
such as a static website bucket.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from cloudwright.policies import props as p
from cloudwright.policies.context import RuleContext
from cloudwright.policies.rules.common import schema, settings, string_list

NAME = "no-public-storage"

CONFIG = schema(
    {
        "exempt": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "Name globs of buckets/accounts that may be public on purpose.",
        }
    }
)

PAB_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
PUBLIC_ACLS = ("public-read", "public-read-write", "authenticated-read")
PUBLIC_GRANTEES = ("/global/AllUsers", "/global/AuthenticatedUsers")
PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")

Checker = Callable[[Any], list[str]]


def _access_block(props: Any) -> list[str]:
    off = [f for f in PAB_FLAGS if p.as_bool(p.get(props, f)) not in (True, p.UNKNOWN)]
    if not off:
        return []
    return [
        f"{', '.join(off)} {'is' if len(off) == 1 else 'are'} off: set all four of {', '.join(PAB_FLAGS)} to true"
    ]


def _acl(props: Any) -> list[str]:
    acl = p.get(props, "acl")
    if acl in PUBLIC_ACLS:
        return [f"acl is {acl!r}: use 'private' and grant access to named principals instead"]
    for grant in p.as_list(p.first(props, "grants", "accessControlPolicy.grants")):
        uri = p.first(grant, "uri", "grantee.uri")
        if isinstance(uri, str) and uri.endswith(PUBLIC_GRANTEES):
            return [f"a grant gives {p.last_segment(uri)} access: remove that grant"]
    return []


def _policy_statements(document: Any) -> list[Any]:
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError:
            return []
    return p.as_list(p.get(document, "Statement"))


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    aws = p.get(principal, "AWS") if not isinstance(principal, str) else None
    return "*" in p.as_list(aws)


def _bucket_policy(props: Any) -> list[str]:
    for statement in _policy_statements(p.get(props, "policy")):
        if p.get(statement, "Effect") != "Allow" or p.get(statement, "Condition"):
            continue
        if _everyone(p.get(statement, "Principal")):
            sid = p.get(statement, "Sid")
            label = f"statement {sid!r}" if isinstance(sid, str) else "a statement"
            return [
                f"policy {label} allows Principal '*' with no condition: name the principals or add a condition"
            ]
    return []


def _s3_bucket(props: Any) -> list[str]:
    return _acl(props) + _bucket_policy(props)


def _gcs_bucket(props: Any) -> list[str]:
    prevention = p.get(props, "publicAccessPrevention")
    if prevention == "enforced" or prevention is p.UNKNOWN:
        return []
    current = f"is {prevention!r}" if isinstance(prevention, str) else "is not set"
    return [f"publicAccessPrevention {current}: set it to 'enforced'"]


def _gcs_members(props: Any) -> list[str]:
    members = p.as_list(p.first(props, "members", "member", "entity"))
    public = [m for m in members if m in PUBLIC_MEMBERS]
    if public:
        return [f"grants {', '.join(public)} access: grant named members instead"]
    return []


def _azure_native_account(props: Any) -> list[str]:
    allowed = p.as_bool(p.get(props, "allowBlobPublicAccess"))
    if allowed is False or allowed is p.UNKNOWN:
        return []
    current = "is true" if allowed else "is not set"
    return [f"allowBlobPublicAccess {current}: set it to false"]


def _azure_classic_account(props: Any) -> list[str]:
    for key in ("allowNestedItemsToBePublic", "allowBlobPublicAccess"):
        value = p.as_bool(p.get(props, key))
        if value is False or value is p.UNKNOWN:
            return []
        if value is True:
            return [f"{key} is true: set allowNestedItemsToBePublic to false"]
    return [
        "allowNestedItemsToBePublic is not set (the provider defaults it to true): set it to false"
    ]


def _azure_container(props: Any) -> list[str]:
    for key in ("publicAccess", "containerAccessType"):
        value = p.get(props, key)
        if isinstance(value, str) and value.lower() in ("blob", "container"):
            return [f"{key} is {value!r}: set it to 'None' (private)"]
    return []


CHECKS: dict[str, Checker] = {
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _access_block,
    "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock": _access_block,
    "aws:s3/bucket:Bucket": _s3_bucket,
    "aws:s3/bucketV2:BucketV2": _s3_bucket,
    "aws:s3/bucketAcl:BucketAcl": _acl,
    "aws:s3/bucketAclV2:BucketAclV2": _acl,
    "aws:s3/bucketPolicy:BucketPolicy": _bucket_policy,
    "gcp:storage/bucket:Bucket": _gcs_bucket,
    "gcp:storage/bucketIAMMember:BucketIAMMember": _gcs_members,
    "gcp:storage/bucketIAMBinding:BucketIAMBinding": _gcs_members,
    "gcp:storage/bucketAccessControl:BucketAccessControl": _gcs_members,
    "azure-native:storage:StorageAccount": _azure_native_account,
    "azure:storage/account:Account": _azure_classic_account,
    "azure-native:storage:BlobContainer": _azure_container,
    "azure:storage/container:Container": _azure_container,
}


def _names(args: Any) -> list[str]:
    names = [args.name]
    for key in ("bucket", "name", "accountName"):
        value = p.get(args.props, key)
        if isinstance(value, str):
            names.append(value)
    return names


def policies(context: RuleContext) -> list[ResourceValidationPolicy]:
    def validate(args: Any, report: Any) -> None:
        check = CHECKS.get(args.resource_type)
        if check is None:
            return
        exempt = string_list(settings(args, CONFIG)["exempt"])
        if exempt and any(p.glob_match(name, exempt) for name in _names(args)):
            return
        for message in check(args.props):
            report(message)

    return [
        ResourceValidationPolicy(
            name=NAME,
            description="Buckets and storage accounts are not publicly readable.",
            validate=validate,
            enforcement_level=EnforcementLevel.MANDATORY,
            config_schema=CONFIG,
            severity=Severity.CRITICAL,
            tags=["security", "storage"],
            remediation_steps="Turn on every public-access block flag, enforce public access "
            "prevention, and turn off anonymous blob access.",
        )
    ]
