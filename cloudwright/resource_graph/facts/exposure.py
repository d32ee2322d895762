"""Whether stored data is open to everyone: grants, policies and switches of every form.

`exposures(resource)` lists what makes a bucket, object or container public, per form:
- S3: public-access blocks with a flag off (the provider defaults each to false); canned
  ACLs public-read / public-read-write / authenticated-read (any case) and grants to the
  AllUsers / AuthenticatedUsers groups on buckets, `BucketAcl(V2)`, objects
  (`BucketObject(v2)`, `ObjectCopy`); bucket policies (inline or `BucketPolicy`) with an
  Allow statement for everyone — `Principal: "*"`, `{"AWS": "*"}`, an account wildcard, or
  any `NotPrincipal` — whose conditions restrict nothing (see `restricts`).
- GCS: `publicAccessPrevention` other than enforced; `allUsers` / `allAuthenticatedUsers`
  (any case) in bucket IAM members, bindings and policies (`policyData`), bucket/object/
  default-object ACLs (`roleEntities` 'READER:allUsers', `entity`) and predefined ACLs
  (publicRead, publicReadWrite, authenticatedRead in any spelling) on buckets and objects.
- Azure: accounts that allow public blob access (azure-native `allowBlobPublicAccess`, classic
  `allowNestedItemsToBePublic`, both in boolean or string form) and containers with public
  access 'Blob' or 'Container'.
An exposure is True (public) or Unknown (a deciding value is computed or secret).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cloudwright.resource_graph.facts.network import covers_internet
from cloudwright.resource_graph.facts.values import (
    as_bool,
    as_list,
    decode_json,
    first,
    items,
    last_segment,
    lookup,
    lower,
    read,
)
from cloudwright.resource_graph.model import Resource, Unknown

PAB_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
PUBLIC_ACLS = ("public-read", "public-read-write", "authenticated-read")
PUBLIC_GRANTEES = ("allusers", "authenticatedusers")
PUBLIC_MEMBERS = ("allusers", "allauthenticatedusers")
PUBLIC_PREDEFINED = ("publicread", "publicreadwrite", "authenticatedread")

# Condition keys every anonymous request can satisfy (or set itself): they restrict nothing.
OPEN_KEYS = frozenset(
    {
        "aws:securetransport",
        "aws:currenttime",
        "aws:epochtime",
        "aws:useragent",
        "aws:referer",
        "aws:requestedregion",
        "aws:tokenissuetime",
        "aws:multifactorauthpresent",
        "aws:multifactorauthage",
        "aws:resourceaccount",
        "aws:resourceorgid",
        "aws:resourceorgpaths",
        "aws:tagkeys",
    }
)
OPEN_PREFIXES = ("s3:", "aws:requesttag/", "aws:resourcetag/")
RESTRICTING_S3_KEYS = (
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
    "s3:accesspointnetworkorigin",
)
IP_KEYS = ("aws:sourceip", "aws:vpcsourceip")
_ACCOUNT_WILDCARD = re.compile(r"^arn:aws[a-z-]*:iam::\*:")


@dataclass(frozen=True)
class Exposure:
    """One way the resource is (or may be) public."""

    detail: str  # "acl is 'public-read'"
    fix: str
    public: bool | Unknown = True


# ---- S3 --------------------------------------------------------------------------------
def _access_block(resource: Resource) -> list[Exposure]:
    off, unknown = [], None
    for flag in PAB_FLAGS:
        value = as_bool(read(resource, flag))
        if isinstance(value, Unknown):
            unknown = unknown or value
        elif value is not True:
            off.append(flag)
    found = []
    if off:
        verb = "is" if len(off) == 1 else "are"
        found.append(
            Exposure(
                f"{', '.join(off)} {verb} off", f"set all four of {', '.join(PAB_FLAGS)} to true"
            )
        )
    if unknown is not None:
        found.append(Exposure("a public-access block flag is not known", "", unknown))
    return found


def _canned(value: Any, key: str) -> list[Exposure]:
    if isinstance(value, Unknown):
        return [Exposure(f"{key} is not known", "", value)]
    if lower(value) in PUBLIC_ACLS:
        return [
            Exposure(
                f"{key} is {value!r}", "use 'private' and grant access to named principals instead"
            )
        ]
    return []


def _grants(grants: Any) -> list[Exposure]:
    if isinstance(grants, Unknown):
        return [Exposure("the grants are not known", "", grants)]
    for grant in as_list(grants):
        uri = first(grant, "uri", "grantee.uri")
        if isinstance(uri, str) and last_segment(uri).lower() in PUBLIC_GRANTEES:
            return [Exposure(f"a grant gives {last_segment(uri)} access", "remove that grant")]
    return []


def _s3_acl(resource: Resource) -> list[Exposure]:
    return _canned(read(resource, "acl"), "acl") + _grants(
        read(resource, "grants", "accessControlPolicy.grants")
    )


def _everyone(principal: Any) -> bool | Unknown:
    if isinstance(principal, Unknown):
        return principal
    if isinstance(principal, str):
        return principal.strip() == "*" or bool(_ACCOUNT_WILDCARD.match(principal.strip()))
    for _, value in items(principal):
        for entry in value if isinstance(value, list) else [value]:
            if isinstance(entry, Unknown):
                return entry
            if isinstance(entry, str) and (
                entry.strip() == "*" or _ACCOUNT_WILDCARD.match(entry.strip())
            ):
                return True
    return False


def _values(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _block_restricts(operator: str, key: str, value: Any) -> bool | Unknown:
    """Whether one condition (operator, key, values) keeps anonymous internet callers out."""
    op = operator.lower()
    name = key.lower()
    values = _values(value)
    if op.endswith("ifexists") or op == "null" or "not" in op:
        return False  # an absent key passes, or everyone but the listed ones passes
    if name in OPEN_KEYS or (name.startswith(OPEN_PREFIXES) and name not in RESTRICTING_S3_KEYS):
        return False
    if name in IP_KEYS:
        unknown = next((v for v in values if isinstance(v, Unknown)), None)
        if unknown is not None:
            return unknown
        return not covers_internet(v for v in values if isinstance(v, str))
    if op.startswith("bool") and name in ("aws:principalisawsservice", "aws:viaawsservice"):
        return any(lower(v) == "true" for v in values)
    # A wildcard every value matches restricts nothing; any other value names a key an
    # anonymous request lacks, or a principal / network it cannot fake.
    wildcard = all(isinstance(v, str) and v.strip("*?") == "" for v in values)
    return not ("like" in op and wildcard)


def restricts(condition: Any) -> bool | Unknown:
    """Whether a statement's `Condition` keeps out anonymous internet callers (conditions are
    ANDed: one restricting block is enough)."""
    if isinstance(condition, Unknown):
        return condition
    unknown: Unknown | None = None
    for operator, block in items(condition):
        if isinstance(block, Unknown):
            unknown = unknown or block
            continue
        for key, value in items(block):
            verdict = _block_restricts(operator, key, value)
            if verdict is True:
                return True
            if isinstance(verdict, Unknown):
                unknown = unknown or verdict
    return unknown if unknown is not None else False


def statements(document: Any) -> list[Any] | Unknown:
    document = decode_json(document)
    if isinstance(document, Unknown):
        return document
    found = lookup(document, "Statement")
    if isinstance(found, Unknown):
        return found
    return as_list(found) if not isinstance(found, Mapping) else [found]


def _statement_public(statement: Any) -> tuple[bool | Unknown, str]:
    effect = lookup(statement, "Effect")
    if isinstance(effect, Unknown):
        return effect, ""
    if lower(effect) != "allow":
        return False, ""
    not_principal = lookup(statement, "NotPrincipal")
    if not_principal is not None:
        who: bool | Unknown = True
        how = "NotPrincipal (everyone but the listed principals)"
    else:
        who = _everyone(lookup(statement, "Principal"))
        how = "Principal '*'"
    if who is not True:
        return who, how
    limited = restricts(lookup(statement, "Condition"))
    if limited is True:
        return False, how
    if isinstance(limited, Unknown):
        return limited, how
    return True, how


def _bucket_policy(resource: Resource) -> list[Exposure]:
    policy = read(resource, "policy")
    if policy is None:
        return []
    found = statements(policy)
    if isinstance(found, Unknown):
        return [Exposure("the bucket policy is not known", "", found)]
    out = []
    for statement in found:
        public, how = _statement_public(statement)
        if public is False:
            continue
        sid = lookup(statement, "Sid")
        label = f"statement {sid!r}" if isinstance(sid, str) else "a statement"
        has_condition = bool(lookup(statement, "Condition"))
        detail = f"policy {label} allows {how}" + (
            " under a condition that restricts nothing" if has_condition else " with no condition"
        )
        out.append(
            Exposure(detail, "name the principals or add a condition such as aws:SourceVpc", public)
        )
    return out


# ---- GCS -------------------------------------------------------------------------------
def _gcs_bucket(resource: Resource) -> list[Exposure]:
    prevention = read(resource, "publicAccessPrevention")
    if isinstance(prevention, Unknown):
        return [Exposure("publicAccessPrevention is not known", "", prevention)]
    found = _predefined(resource)
    if lower(prevention) == "enforced":
        return found
    current = f"is {prevention!r}" if isinstance(prevention, str) else "is not set"
    return [Exposure(f"publicAccessPrevention {current}", "set it to 'enforced'"), *found]


def _member_name(value: str) -> str:
    """'allUsers', 'READER:allUsers', 'group:allUsers' → 'allusers'."""
    return value.strip().rsplit(":", 1)[-1].lower()


def _public_members(values: Iterable[Any], what: str) -> list[Exposure]:
    public, unknown = [], None
    for value in values:
        if isinstance(value, Unknown):
            unknown = unknown or value
        elif isinstance(value, str) and _member_name(value) in PUBLIC_MEMBERS:
            public.append(value)
    if public:
        return [
            Exposure(f"{what} grants {', '.join(public)} access", "grant named members instead")
        ]
    if unknown is not None:
        return [Exposure(f"the {what} members are not known", "", unknown)]
    return []


def _gcs_iam(resource: Resource) -> list[Exposure]:
    members = read(resource, "members", "member")
    listed = [members] if isinstance(members, Unknown) else as_list(members)
    return _public_members(listed, "the IAM grant")


def _gcs_iam_policy(resource: Resource) -> list[Exposure]:
    data = decode_json(read(resource, "policyData"))
    if isinstance(data, Unknown):
        return [Exposure("the IAM policy is not known", "", data)]
    members = [
        m
        for binding in as_list(lookup(data, "bindings"))
        for m in as_list(lookup(binding, "members"))
    ]
    return _public_members(members, "the IAM policy")


def _predefined(resource: Resource) -> list[Exposure]:
    acl = read(resource, "predefinedAcl")
    if isinstance(acl, Unknown):
        return [Exposure("predefinedAcl is not known", "", acl)]
    if re.sub(r"[-_\s]", "", lower(acl)) in PUBLIC_PREDEFINED:
        return [Exposure(f"predefinedAcl is {acl!r}", "use 'private' or 'projectPrivate'")]
    return []


def _gcs_acl(resource: Resource) -> list[Exposure]:
    entities = read(resource, "roleEntities", "entity")
    listed = [entities] if isinstance(entities, Unknown) else as_list(entities)
    return _predefined(resource) + _public_members(listed, "the ACL")


# ---- Azure -----------------------------------------------------------------------------
def _azure_native_account(resource: Resource) -> list[Exposure]:
    allowed = as_bool(read(resource, "allowBlobPublicAccess"))
    if allowed is False:
        return []
    if isinstance(allowed, Unknown):
        return [Exposure("allowBlobPublicAccess is not known", "", allowed)]
    current = "is true" if allowed else "is not set"
    return [Exposure(f"allowBlobPublicAccess {current}", "set it to false")]


def _azure_classic_account(resource: Resource) -> list[Exposure]:
    for key in ("allowNestedItemsToBePublic", "allowBlobPublicAccess"):
        value = as_bool(read(resource, key))
        if value is False:
            return []
        if isinstance(value, Unknown):
            return [Exposure(f"{key} is not known", "", value)]
        if value is True:
            return [Exposure(f"{key} is true", "set allowNestedItemsToBePublic to false")]
    return [
        Exposure(
            "allowNestedItemsToBePublic is not set (the provider defaults it to true)",
            "set it to false",
        )
    ]


def _azure_container(resource: Resource) -> list[Exposure]:
    for key in ("publicAccess", "containerAccessType"):
        value = read(resource, key)
        if isinstance(value, Unknown):
            return [Exposure(f"{key} is not known", "", value)]
        if lower(value) in ("blob", "container"):
            return [Exposure(f"{key} is {value!r}", "set it to 'None' (private)")]
    return []


EXPOSURES: dict[str, Callable[[Resource], list[Exposure]]] = {
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _access_block,
    "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock": _access_block,
    "aws:s3/bucket:Bucket": lambda r: _s3_acl(r) + _bucket_policy(r),
    "aws:s3/bucketV2:BucketV2": lambda r: _s3_acl(r) + _bucket_policy(r),
    "aws:s3/bucketAcl:BucketAcl": _s3_acl,
    "aws:s3/bucketAclV2:BucketAclV2": _s3_acl,
    "aws:s3/bucketPolicy:BucketPolicy": _bucket_policy,
    "aws:s3/bucketObject:BucketObject": _s3_acl,
    "aws:s3/bucketObjectv2:BucketObjectv2": _s3_acl,
    "aws:s3/objectCopy:ObjectCopy": _s3_acl,
    "gcp:storage/bucket:Bucket": _gcs_bucket,
    "gcp:storage/bucketIAMMember:BucketIAMMember": _gcs_iam,
    "gcp:storage/bucketIAMBinding:BucketIAMBinding": _gcs_iam,
    "gcp:storage/bucketIAMPolicy:BucketIAMPolicy": _gcs_iam_policy,
    "gcp:storage/bucketACL:BucketACL": _gcs_acl,
    "gcp:storage/bucketAccessControl:BucketAccessControl": _gcs_acl,
    "gcp:storage/objectACL:ObjectACL": _gcs_acl,
    "gcp:storage/objectAccessControl:ObjectAccessControl": _gcs_acl,
    "gcp:storage/defaultObjectACL:DefaultObjectACL": _gcs_acl,
    "gcp:storage/defaultObjectAccessControl:DefaultObjectAccessControl": _gcs_acl,
    "gcp:storage/bucketObject:BucketObject": _predefined,
    "azure-native:storage:StorageAccount": _azure_native_account,
    "azure:storage/account:Account": _azure_classic_account,
    "azure-native:storage:BlobContainer": _azure_container,
    "azure:storage/container:Container": _azure_container,
}


def exposures(resource: Resource) -> list[Exposure]:
    """Every way `resource` is (or may be) public ([] for other types or a private one)."""
    reader = EXPOSURES.get(resource.type)
    return reader(resource) if reader is not None else []
