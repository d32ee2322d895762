"""no-public-storage: buckets, objects and storage accounts cannot be read by the whole internet.

What makes stored data public is read by the resource facts layer
(`resource_graph.facts.exposure`), in every form:
- S3: every `BucketPublicAccessBlock` (and the account-wide block) turns on all four flags
  (the provider defaults each to false, so an omitted flag is off; 'true' strings count).
  Buckets, `BucketAcl(V2)`s and objects (`BucketObject(v2)`, `ObjectCopy`) may not use a
  public canned ACL (public-read, public-read-write, authenticated-read, any case) or grant
  to AllUsers/AuthenticatedUsers; bucket policies (inline or `BucketPolicy`) may not allow
  everyone — `Principal: "*"`, `{"AWS": "*"}`, an account wildcard, or any `NotPrincipal` —
  unless a condition restricts the caller (aws:SourceVpc, aws:SourceVpce, aws:PrincipalOrgID,
  aws:SourceIp ranges that are not the whole internet, …). A condition every request can
  satisfy (aws:SecureTransport either way, IpAddress 0.0.0.0/0, a *IfExists or negated
  operator, a wildcard) restricts nothing. A bucket with no block of its own is private by
  default: S3 has turned Block Public Access on for every new bucket since April 2023.
- GCS: `publicAccessPrevention: enforced` on the bucket (the default, 'inherited', defers
  to an organisation policy the stack cannot see); no `allUsers` / `allAuthenticatedUsers`
  (any case, also as 'READER:allUsers') in bucket IAM members, bindings or policies, bucket,
  object or default-object ACLs and access controls; no public predefined ACL.
- Azure: storage accounts set `allowBlobPublicAccess: false` (azure-native) or
  `allowNestedItemsToBePublic: false` (classic azure, whose provider defaults it to true);
  containers grant no anonymous access ('Blob' / 'Container' in any case).

`exempt` lists name globs (resource name or bucket name) that may be public on purpose,
such as a static website bucket. A deciding value that is secret or computed is unchecked
(worst case: public).
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from cloudwright.policies import props as p
from cloudwright.policies.adapters import resource_of
from cloudwright.policies.context import RuleContext
from cloudwright.policies.rules.common import Findings, schema, settings, string_list
from cloudwright.resource_graph.facts.exposure import EXPOSURES, exposures
from cloudwright.resource_graph.model import Resource, Unknown

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

# Every type the rule judges (for the documentation and the SDK cross-check).
TYPES = frozenset(EXPOSURES)


def _names(resource: Resource) -> list[str]:
    names = [resource.name]
    for key in ("bucket", "name", "accountName"):
        value = resource.inputs.get(key)
        if isinstance(value, str):
            names.append(value)
    return names


def policies(context: RuleContext) -> list[ResourceValidationPolicy]:
    def validate(args: Any, report: Any) -> None:
        if args.resource_type not in TYPES:
            return
        resource = resource_of(args)
        exempt = string_list(settings(args, CONFIG)["exempt"])
        if exempt and any(p.glob_match(name, exempt) for name in _names(resource)):
            return
        found = Findings()
        for exposure in exposures(resource):
            if isinstance(exposure.public, Unknown):
                found.unknown(
                    exposure.detail.removesuffix(" is not known"), exposure.public, "public"
                )
            else:
                found.add(f"{exposure.detail}: {exposure.fix}")
        found.emit(report)

    return [
        ResourceValidationPolicy(
            name=NAME,
            description="Buckets, objects and storage accounts are not publicly readable.",
            validate=validate,
            enforcement_level=EnforcementLevel.MANDATORY,
            config_schema=CONFIG,
            severity=Severity.CRITICAL,
            tags=["security", "storage"],
            remediation_steps="Turn on every public-access block flag, enforce public access "
            "prevention, and turn off anonymous blob access.",
        )
    ]
