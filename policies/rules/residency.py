"""allowed-regions: every regional resource sits in an allowed region (data residency).

`regions` holds shell-style globs ('eu-*', 'europe-*', 'westeurope'); a pattern may be
scoped to one cloud with a prefix ('aws:eu-central-1', 'gcp:europe-*'). Regions are
compared lower-case; Azure locations without spaces ('westeurope'); GCS multi-regions by
their code ('eu', 'us', 'nam4'). The region is read from the resource's inputs or its
provider (see `policies.regions`); global resources (IAM, GCP firewalls, instance
templates, Azure sub-resources) are not applicable. With no `regions` configured the rule
is not applicable.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from policies import props as p
from policies.context import RuleContext
from policies.regions import resource_region
from policies.rules.common import schema, scoped_match, settings, string_list
from resource_graph.model import cloud_of_type

NAME = "allowed-regions"

CONFIG = schema(
    {
        "regions": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "default": [],
            "description": "Allowed regions as globs, optionally 'cloud:'-scoped.",
        }
    }
)


def policies(context: RuleContext) -> list[ResourceValidationPolicy]:
    def validate(args: Any, report: Any) -> None:
        cloud = cloud_of_type(args.resource_type)
        if cloud is None or args.resource_type.startswith("pulumi:"):
            return
        patterns = string_list(settings(args, CONFIG)["regions"])
        if not patterns:
            args.not_applicable("no allowed regions configured")
        provider_props = args.provider.props if args.provider is not None else None
        region = resource_region(args.resource_type, args.props, provider_props)
        if region is p.UNKNOWN:
            p.raise_unknown(["region"])
        if region is None:
            return  # global resources and sub-resources have no region of their own
        if scoped_match(cloud, region, patterns) is None:
            report(
                f"{cloud} region {region!r} is outside the allowed regions "
                f"({', '.join(patterns)}): move the resource to an allowed region (re-plan "
                "with the workload's allow.regions) or set the provider/resource region"
            )

    return [
        ResourceValidationPolicy(
            name=NAME,
            description="Resources are deployed only in allowed regions (data residency).",
            validate=validate,
            enforcement_level=EnforcementLevel.MANDATORY,
            config_schema=CONFIG,
            severity=Severity.HIGH,
            tags=["residency", "compliance"],
            remediation_steps="Deploy the resource in a region the configuration allows.",
        )
    ]
