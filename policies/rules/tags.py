"""required-tags: cost allocation tags on every resource that can carry them.

`TAGGABLE` lists, per Pulumi type, where the type keeps its tags: AWS `tags` (a map; an
auto-scaling group's `tags` is a list of key/value items), GCP `labels` (GKE clusters:
`resourceLabels`), Azure `tags`. The list covers the resources a GPU fleet is built from;
a type that is not listed is still checked when its inputs carry a `tags`/`labels` map,
and is otherwise skipped rather than guessed at. Types that cannot carry tags at all
(public-access blocks, security group rules, GCP firewalls and resource policies, Azure
security rules) are never flagged.

Provider-level defaults count: AWS provider `defaultTags.tags` and GCP provider
`defaultLabels` apply to every resource of that provider. A blank or whitespace-only value,
or a value that is not a string (a number, a list, null), is missing. A tag whose value is
computed at apply time or secret is present but unchecked (its value could be blank).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from cloudwright.policies import props as p
from cloudwright.policies.adapters import provider_inputs, resource_of
from cloudwright.policies.context import RuleContext
from cloudwright.policies.rules.common import Findings, schema, settings, string_list
from cloudwright.resource_graph.facts.values import as_list, decode_json, items, lookup
from cloudwright.resource_graph.model import Unknown

NAME = "required-tags"

CONFIG = schema(
    {
        "tags": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "default": ["owner", "cost-center", "workload"],
            "description": "Tag (label) keys every taggable resource must carry.",
        },
        "allowEmptyValues": {
            "type": "boolean",
            "default": False,
            "description": "Accept a required tag whose value is empty or only white space.",
        },
    }
)

_AWS_TAGS = (
    "s3/bucket:Bucket",
    "s3/bucketV2:BucketV2",
    "fsx/lustreFileSystem:LustreFileSystem",
    "ebs/volume:Volume",
    "ec2/securityGroup:SecurityGroup",
    "vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "ec2/launchTemplate:LaunchTemplate",
    "ec2/placementGroup:PlacementGroup",
    "ec2/instance:Instance",
    "ec2/spotInstanceRequest:SpotInstanceRequest",
    "ec2/vpc:Vpc",
    "ec2/subnet:Subnet",
    "ec2/internetGateway:InternetGateway",
    "ec2/natGateway:NatGateway",
    "ec2/eip:Eip",
    "ec2/networkInterface:NetworkInterface",
    "ec2/routeTable:RouteTable",
    "ec2/capacityReservation:CapacityReservation",
    "efs/fileSystem:FileSystem",
    "eks/cluster:Cluster",
    "eks/nodeGroup:NodeGroup",
    "iam/role:Role",
    "kms/key:Key",
    "cloudwatch/logGroup:LogGroup",
)
_GCP_LABELS = (
    "storage/bucket:Bucket",
    "compute/instance:Instance",
    "compute/instanceTemplate:InstanceTemplate",
    "compute/regionInstanceTemplate:RegionInstanceTemplate",
    "compute/disk:Disk",
    "compute/regionDisk:RegionDisk",
    "compute/address:Address",
    "filestore/instance:Instance",
    "parallelstore/instance:Instance",
    "lustre/instance:Instance",
)
_AZURE_NATIVE_TAGS = (
    "resources:ResourceGroup",
    "storage:StorageAccount",
    "network:NetworkSecurityGroup",
    "network:VirtualNetwork",
    "network:NetworkInterface",
    "network:PublicIPAddress",
    "compute:VirtualMachine",
    "compute:VirtualMachineScaleSet",
    "compute:Disk",
    "compute:ProximityPlacementGroup",
    "storagecache:AmlFilesystem",
    "containerservice:ManagedCluster",
)
_AZURE_CLASSIC_TAGS = (
    "core/resourceGroup:ResourceGroup",
    "storage/account:Account",
    "network/networkSecurityGroup:NetworkSecurityGroup",
    "network/virtualNetwork:VirtualNetwork",
    "compute/linuxVirtualMachine:LinuxVirtualMachine",
    "compute/linuxVirtualMachineScaleSet:LinuxVirtualMachineScaleSet",
    "compute/managedDisk:ManagedDisk",
)

# Pulumi type → the input that holds its tags.
TAGGABLE: dict[str, str] = {
    **{f"aws:{t}": "tags" for t in _AWS_TAGS},
    "aws:autoscaling/group:Group": "tags",
    **{f"gcp:{t}": "labels" for t in _GCP_LABELS},
    "gcp:container/cluster:Cluster": "resourceLabels",
    **{f"azure-native:{t}": "tags" for t in _AZURE_NATIVE_TAGS},
    **{f"azure:{t}": "tags" for t in _AZURE_CLASSIC_TAGS},
}

# Types that hold no tags at all (kept for the documentation and the SDK cross-check).
UNTAGGABLE: tuple[str, ...] = (
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
    "gcp:compute/firewall:Firewall",
    "gcp:compute/resourcePolicy:ResourcePolicy",
    "gcp:compute/instanceGroupManager:InstanceGroupManager",
    "azure-native:network:SecurityRule",
)


_DEFAULTS_HINT = {
    "aws": " (or to the provider's defaultTags)",
    "gcp": " (or to the provider's defaultLabels)",
}


def _provider_defaults(resource_type: str, provider: Mapping[str, Any]) -> dict[str, Any]:
    """Tags the provider adds to every resource (JSON text in provider config is decoded)."""
    if resource_type.startswith("aws:"):
        tags = decode_json(lookup(decode_json(provider.get("defaultTags")), "tags"))
    elif resource_type.startswith("gcp:"):
        tags = decode_json(provider.get("defaultLabels"))
    else:
        return {}
    return dict(items(tags))


def declared_tags(value: Any) -> dict[str, Any]:
    """Tags as key → value, from a map or from AWS auto-scaling key/value items."""
    if isinstance(value, Mapping):
        return dict(items(value))
    if isinstance(value, Sequence) and not isinstance(value, str):
        return {
            str(lookup(item, "key")): lookup(item, "value")
            for item in as_list(value)
            if isinstance(lookup(item, "key"), str)
        }
    return {}


def _missing(
    tags: dict[str, Any], required: list[str], allow_empty: bool, found: Findings
) -> list[str]:
    missing = []
    for key in required:
        value = tags.get(key)
        if isinstance(value, Unknown):
            found.unknown(f"tag {key}", value, f"{key} missing")
        elif not isinstance(value, str) or (not value.strip() and not allow_empty):
            missing.append(key)
    return missing


def policies(context: RuleContext) -> list[ResourceValidationPolicy]:
    def validate(args: Any, report: Any) -> None:
        resource = resource_of(args)
        key = TAGGABLE.get(args.resource_type)
        if key is None:
            present = [k for k in ("tags", "labels") if resource.inputs.get(k) is not None]
            if not present:
                return
            key = present[0]
        cfg = settings(args, CONFIG)
        raw = resource.inputs.get(key)
        if isinstance(raw, Unknown):
            p.raise_unknown([key], raw, "every required tag missing")
        defaults = _provider_defaults(args.resource_type, provider_inputs(args))
        tags = {**defaults, **declared_tags(raw)}
        found = Findings()
        missing = _missing(tags, string_list(cfg["tags"]), bool(cfg["allowEmptyValues"]), found)
        if missing:
            noun = "label" if key != "tags" else "tag"
            found.add(
                f"missing {noun}{'s' if len(missing) > 1 else ''} {', '.join(missing)}: add "
                f"{', '.join(f'{k}=…' for k in missing)} to `{key}`"
                f"{_DEFAULTS_HINT.get(args.resource_type.split(':', 1)[0], '')}"
            )
        found.emit(report)

    return [
        ResourceValidationPolicy(
            name=NAME,
            description="Taggable resources carry the cost-allocation tags (owner, cost-center, "
            "workload).",
            validate=validate,
            enforcement_level=EnforcementLevel.ADVISORY,
            config_schema=CONFIG,
            severity=Severity.LOW,
            tags=["finops", "tagging"],
            remediation_steps="Add the missing keys to the resource's tags/labels, or set them once "
            "as provider default tags (AWS defaultTags, GCP defaultLabels).",
        )
    ]
